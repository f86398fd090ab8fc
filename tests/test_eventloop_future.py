"""zmq.eventloop.future: sockets whose methods return Tornado-compatible futures.

Tests run Tornado coroutines (``async def`` and ``@gen.coroutine``) on Tornado's IOLoop over
a fresh asyncio loop each, bounded in time, over real sockets.
"""
from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable, Generator

import pytest

pytest.importorskip("tornado")

from tornado import gen  # noqa: E402
from tornado.ioloop import IOLoop  # noqa: E402
from tornado.util import TimeoutError as TornadoTimeoutError  # noqa: E402

import zmq  # noqa: E402
import zmq.asyncio  # noqa: E402
from zmq.eventloop import future  # noqa: E402

TIMEOUT = 10


def run(test: Callable[[], Awaitable[Any]]) -> Any:
    async def bounded() -> Any:
        return await asyncio.wait_for(test(), TIMEOUT)

    return asyncio.run(bounded())


@pytest.fixture
def fctx():
    c = future.Context()
    yield c
    c.destroy(linger=0)


def pair(ctx: future.Context, a: int = zmq.PAIR, b: int = zmq.PAIR) -> tuple[future.Socket, future.Socket]:
    sa = ctx.socket(a)
    sb = ctx.socket(b)
    for s in (sa, sb):
        s.linger = 0
    sa.bind("tcp://127.0.0.1:*")
    sb.connect(sa.last_endpoint.decode())
    return sa, sb


def test_module_names():
    assert future.Future is asyncio.Future
    assert future.CancelledError is asyncio.CancelledError
    assert future.IOLoop is IOLoop
    assert issubclass(future.Socket, zmq.Socket) and issubclass(future.Context, zmq.Context)
    assert issubclass(future.Poller, zmq.Poller)


def test_context_makes_future_sockets_and_has_its_own_instance(fctx):
    s = fctx.socket(zmq.PAIR)
    assert isinstance(s, future.Socket)
    s.close()
    inst = future.Context.instance()
    try:
        assert isinstance(inst, future.Context)
        assert inst is future.Context.instance()
        # a singleton of its own (looked up without creating the others' singletons)
        assert zmq.asyncio.Context.__dict__.get("_instance") is not inst
        assert zmq.Context.__dict__.get("_instance") is not inst
    finally:
        inst.term()


def test_async_def_coroutine_send_recv(fctx):
    async def test() -> None:
        a, b = pair(fctx)
        f = b.send_multipart([b"hello", b"world"])
        assert isinstance(f, future.Future)
        await f
        assert await a.recv_multipart() == [b"hello", b"world"]
        await a.send_string("ünïcode")
        assert await b.recv_string() == "ünïcode"
        await b.send_json({"n": 1})
        assert await a.recv_json() == {"n": 1}
        await a.send_pyobj((1, 2))
        assert await b.recv_pyobj() == (1, 2)
        await b.send(b"frame")
        frame = await a.recv(copy=False)
        assert isinstance(frame, zmq.Frame) and frame.bytes == b"frame"
        a.close()
        b.close()

    run(test)


def test_gen_coroutine_yields_futures(fctx):
    @gen.coroutine
    def echo_once(a: future.Socket, b: future.Socket) -> Generator[Any, Any, list[bytes]]:
        yield b.send(b"ping")
        msg = yield a.recv_multipart()
        yield a.send_multipart(msg + [b"pong"])
        reply = yield b.recv_multipart()
        return reply

    async def test() -> None:
        a, b = pair(fctx)
        assert await echo_once(a, b) == [b"ping", b"pong"]
        a.close()
        b.close()

    run(test)


def test_recv_waits_for_a_message_sent_later(fctx):
    async def test() -> None:
        a, b = pair(fctx)
        pending = a.recv()
        await asyncio.sleep(0.02)
        assert not pending.done()
        IOLoop.current().call_later(0.01, lambda: b.send(b"late"))
        assert await pending == b"late"
        a.close()
        b.close()

    run(test)


def test_tornado_gen_multi_and_with_timeout(fctx):
    async def test() -> None:
        router, dealer = pair(fctx, zmq.ROUTER, zmq.DEALER)
        for i in range(3):
            await dealer.send(b"%d" % i)
        got = await gen.multi([router.recv_multipart() for _ in range(3)])
        assert [m[1] for m in got] == [b"0", b"1", b"2"]
        with pytest.raises(TornadoTimeoutError):
            await gen.with_timeout(IOLoop.current().time() + 0.05, dealer.recv())
        router.close()
        dealer.close()

    run(test)


def test_rcvtimeo_raises_again_and_cancel_raises_cancelled_error(fctx):
    async def test() -> None:
        a, b = pair(fctx)
        a.rcvtimeo = 30
        with pytest.raises(zmq.Again):
            await a.recv()
        a.rcvtimeo = -1
        pending = a.recv()
        pending.cancel()
        with pytest.raises(future.CancelledError):
            await pending
        await b.send(b"after cancel")  # the cancelled recv took nothing
        assert await a.recv() == b"after cancel"
        a.close()
        b.close()

    run(test)


def test_socket_poll(fctx):
    async def test() -> None:
        a, b = pair(fctx)
        assert await a.poll(timeout=20) == 0
        await b.send(b"x")
        assert await a.poll(timeout=5000) == zmq.POLLIN
        assert await a.recv() == b"x"
        a.close()
        b.close()

    run(test)


def test_poller(fctx):
    async def test() -> None:
        a, b = pair(fctx)
        c, d = pair(fctx)
        poller = future.Poller()
        poller.register(a, zmq.POLLIN)
        poller.register(c, zmq.POLLIN)
        f = poller.poll(50)
        assert isinstance(f, future.Future)
        assert await f == []
        waiting = poller.poll(5000)
        await asyncio.sleep(0.01)
        assert not waiting.done()
        await d.send(b"to c")
        assert await waiting == [(c, zmq.POLLIN)]
        await b.send(b"to a")
        await asyncio.sleep(0.05)
        assert sorted(sock is a for sock, _ in await poller.poll(0)) == [False, True]
        for s in (a, b, c, d):
            s.close()

    run(test)


def test_from_socket_and_from_context(fctx):
    async def test() -> None:
        sync_ctx = zmq.Context()
        try:
            fc = future.Context.from_context(sync_ctx)
            assert isinstance(fc, future.Context) and fc.underlying == sync_ctx.underlying
            plain = sync_ctx.socket(zmq.PAIR)
            plain.linger = 0
            plain.bind("inproc://from-socket")
            peer = sync_ctx.socket(zmq.PAIR)
            peer.linger = 0
            peer.connect("inproc://from-socket")
            fs = future.Socket.from_socket(plain)
            assert isinstance(fs, future.Socket)
            peer.send(b"shared")
            assert await fs.recv() == b"shared"
            fs.close()
            plain.close()
            peer.close()
        finally:
            sync_ctx.term()

    run(test)


# -- behaviours matched to pyzmq (found by tests/differential/probes/p_future.py) ----------


def _on_new_ioloop(coro_fn: Callable[[], Awaitable[Any]], all_fds: bool) -> Any:
    loop = IOLoop()
    try:
        return loop.run_sync(coro_fn, timeout=TIMEOUT)
    finally:
        loop.close(all_fds=all_fds)


def test_ioloop_close_all_fds_closes_sockets_that_have_waited(fctx):
    waited, eager = pair(fctx)  # waited: a recv had to wait; eager: its ops completed at once
    seen: dict[str, Any] = {}

    async def main() -> None:
        pending = waited.recv()
        await asyncio.sleep(0.01)
        await eager.send(b"x")
        assert await asyncio.wait_for(pending, TIMEOUT) == b"x"
        seen["pending"] = waited.recv()  # still waiting when the loop closes
        await asyncio.sleep(0.01)

    _on_new_ioloop(main, all_fds=True)
    assert waited.closed and not eager.closed
    # closed like any socket: what still waited is cancelled (pyzmq leaves it pending)
    assert seen["pending"].cancelled()
    eager.close()


def test_ioloop_closed_without_all_fds_leaves_the_socket_usable_on_another(fctx):
    a, b = pair(fctx)

    async def first() -> None:
        f = b.recv()
        await asyncio.sleep(0.01)
        f.cancel()

    async def second() -> bytes:
        pending = b.recv()  # registers with the new IOLoop
        await asyncio.sleep(0.01)
        await a.send(b"again")
        return await asyncio.wait_for(pending, TIMEOUT)

    _on_new_ioloop(first, all_fds=False)
    assert not b.closed
    assert _on_new_ioloop(second, all_fds=True) == b"again"
    assert b.closed
    a.close()


def test_closing_a_registered_socket_leaves_its_ioloop(fctx):
    a, b = pair(fctx)

    async def main() -> None:
        f = b.recv()
        await asyncio.sleep(0.01)
        io_loop = IOLoop.current()
        fd = b.get(zmq.FD)
        assert io_loop.handlers[fd][0] is b  # type: ignore[attr-defined]
        b.close()
        assert fd not in io_loop.handlers  # type: ignore[attr-defined]
        assert f.cancelled()

    _on_new_ioloop(main, all_fds=False)
    a.close()


def test_awaiting_a_cancelled_recv_raises_the_modules_cancelled_error(fctx):
    # pyzmq's CancelledError here is its own Exception subclass; ours is asyncio's, which
    # `except future.CancelledError` still catches and which cancels the awaiting task.
    a, b = pair(fctx)

    async def main() -> None:
        f = b.recv()
        await asyncio.sleep(0.01)
        f.cancel()
        with pytest.raises(future.CancelledError):
            await f
        assert issubclass(future.CancelledError, asyncio.CancelledError)

    _on_new_ioloop(main, all_fds=False)
    a.close()
    b.close()


def test_poller_reports_fds_and_accepts_one_fd_twice():
    import socket

    x, y = socket.socketpair()

    class SameFd:
        def fileno(self) -> int:
            return x.fileno()

    try:
        poller = future.Poller()
        assert poller._socket_class is future.Socket
        poller.register(x, zmq.POLLOUT)
        poller.register(SameFd(), zmq.POLLOUT)  # pyzmq's Tornado poller raises ValueError here

        async def main() -> None:
            assert await asyncio.wait_for(poller.poll(100), TIMEOUT) == [(x.fileno(), zmq.POLLOUT)] * 2

        _on_new_ioloop(main, all_fds=False)
    finally:
        x.close()
        y.close()


def test_a_registered_socket_closes_after_its_context_terminated_in_a_thread():
    # pyzmq's close() raises ContextTerminated here (so term() never returns); ours closes
    import threading

    ctx = future.Context()
    s = ctx.socket(zmq.PULL)
    s.linger = 0
    s.bind("tcp://127.0.0.1:*")

    async def main() -> None:
        pending = s.recv()  # waits: the socket is registered with the IOLoop
        await asyncio.sleep(0.01)
        terminating = threading.Thread(target=ctx.term)
        terminating.start()
        try:
            await asyncio.sleep(0.05)
            with pytest.raises(zmq.ContextTerminated):
                s.send(b"x")
            s.close()
            assert pending.cancelled()
        finally:
            await asyncio.get_running_loop().run_in_executor(None, terminating.join, 5)
        assert not terminating.is_alive()

    _on_new_ioloop(main, all_fds=False)


def test_star_import_gives_pyzmqs_names():
    namespace: dict[str, Any] = {}
    exec("from zmq.eventloop.future import *", namespace)
    names = {k for k in namespace if not k.startswith("__")}
    assert names == {"Any", "CancelledError", "Context", "Future", "IOLoop", "Poller", "Socket", "annotations",
                     "asyncio", "warnings"}
    assert namespace["asyncio"] is asyncio and namespace["Socket"] is future.Socket


def test_a_socket_leaving_its_ioloop_leaves_the_other_readers_of_its_fd_woken(fctx):
    # A socket that has waited holds the IOLoop's handler on its FD, which replaces the one
    # asyncio reader that every view and poller of that FD shares. When the socket leaves
    # that IOLoop (it is used in another loop), the others still wait there: they must get
    # the shared reader back, or no message ever wakes them.
    a, b = pair(fctx)
    view = zmq.asyncio.Socket.from_socket(b)
    first, second = asyncio.new_event_loop(), asyncio.new_event_loop()
    try:
        async def wait_on_both() -> tuple[Any, Any]:
            left = b.recv()  # registers b with first's IOLoop
            staying = view.recv()
            await asyncio.sleep(0.01)
            assert IOLoop.current().handlers[b.get(zmq.FD)][0] is b  # type: ignore[attr-defined]
            return left, staying

        left, staying = first.run_until_complete(wait_on_both())

        async def use_elsewhere() -> None:
            with pytest.raises(zmq.Again):
                await b.recv(zmq.NOBLOCK)  # b follows this loop: it leaves first's IOLoop

        second.run_until_complete(use_elsewhere())

        async def deliver() -> bytes:
            await a.send(b"woken")
            return await asyncio.wait_for(staying, 2)

        assert first.run_until_complete(deliver()) == b"woken"
        left.cancel()
    finally:
        first.close()
        second.close()
