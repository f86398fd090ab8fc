"""zmq.eventloop.zmqstream.ZMQStream over real sockets on Tornado's IOLoop.

Every test runs its own asyncio loop (``asyncio.run``) with Tornado's IOLoop on top, is
bounded by ``asyncio.wait_for``, and closes its streams and sockets.
"""
from __future__ import annotations

import asyncio
import logging
import os
import pickle
import threading
import time
from typing import Any, Awaitable, Callable

import pytest
from _helpers import close_made_sockets, ctx, make  # noqa: F401  (fixtures)

pytest.importorskip("tornado")

from tornado.ioloop import IOLoop  # noqa: E402

import zmq  # noqa: E402
import zmq.asyncio  # noqa: E402
from zmq._fdwatch import fd_watcher  # noqa: E402
from zmq.eventloop.zmqstream import ZMQStream  # noqa: E402

TIMEOUT = 10


def run(test: Callable[[], Awaitable[Any]], timeout: float = TIMEOUT) -> Any:
    """Run ``test()`` on a fresh event loop, failing after ``timeout`` seconds."""

    async def bounded() -> Any:
        return await asyncio.wait_for(test(), timeout)

    return asyncio.run(bounded())


async def until(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    """Let the loop run until ``predicate()`` holds (polling every ms)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.001)


async def recv_soon(sock: zmq.Socket, **kwargs: Any) -> Any:
    """Receive a message on a plain socket while letting the loop (and streams) run."""
    await until(lambda: bool(sock.poll(0)))
    return sock.recv_multipart(zmq.NOBLOCK, **kwargs)


def tcp_pair(ctx: zmq.Context, a: int, b: int, **b_options: Any) -> tuple[zmq.Socket, zmq.Socket]:
    """Socket ``a`` bound on 127.0.0.1, ``b`` connected to it."""
    sa = make(ctx, a)
    sa.bind("tcp://127.0.0.1:*")
    sb = make(ctx, b, **b_options)
    sb.connect(sa.last_endpoint.decode())
    return sa, sb


def inproc_pair(ctx: zmq.Context, a: int, b: int) -> tuple[zmq.Socket, zmq.Socket]:
    addr = f"inproc://zmqstream-{os.getpid()}-{time.monotonic_ns()}"
    sa = make(ctx, a)
    sa.bind(addr)
    sb = make(ctx, b)
    sb.connect(addr)
    return sa, sb


# -- receiving -------------------------------------------------------------------------------


@pytest.mark.parametrize("transport", ["tcp", "inproc"])
def test_on_recv_delivers_each_message_once_in_order(ctx, transport):
    async def test() -> None:
        pair = tcp_pair if transport == "tcp" else inproc_pair
        a, b = pair(ctx, zmq.PAIR, zmq.PAIR)
        stream = ZMQStream(a)
        assert stream.io_loop is IOLoop.current()
        assert stream.socket is a
        got: list[list[bytes]] = []
        stream.on_recv(got.append)
        assert stream.receiving()
        expected = [[b"%d" % i] if i % 3 else [b"%d" % i, b"part2", b""] for i in range(300)]
        for msg in expected:
            b.send_multipart(msg)
        await until(lambda: len(got) >= len(expected))
        await asyncio.sleep(0.02)
        assert got == expected
        stream.close()
        b.close()

    run(test)


def test_on_recv_copy_false_gives_frames(ctx):
    async def test() -> None:
        a, b = tcp_pair(ctx, zmq.PAIR, zmq.PAIR)
        stream = ZMQStream(a)
        got: list[list[zmq.Frame]] = []
        stream.on_recv(got.append, copy=False)
        b.send_multipart([b"head", b"x" * 100_000])
        await until(lambda: len(got) == 1)
        head, body = got[0]
        assert isinstance(head, zmq.Frame) and isinstance(body, zmq.Frame)
        assert head.bytes == b"head" and head.more
        assert bytes(body.buffer) == b"x" * 100_000 and not body.more
        stream.close()
        b.close()

    run(test)


def test_on_recv_stream_passes_the_stream(ctx):
    async def test() -> None:
        a, b = inproc_pair(ctx, zmq.PAIR, zmq.PAIR)
        stream = ZMQStream(a)
        got: list[tuple[ZMQStream, list[bytes]]] = []
        stream.on_recv_stream(lambda s, msg: got.append((s, msg)))
        b.send(b"hello")
        await until(lambda: len(got) == 1)
        assert got[0][0] is stream and got[0][1] == [b"hello"]
        stream.on_recv_stream(None)
        assert not stream.receiving()
        stream.close()
        b.close()

    run(test)


def test_stop_on_recv_leaves_messages_for_the_next_callback(ctx):
    async def test() -> None:
        a, b = tcp_pair(ctx, zmq.PAIR, zmq.PAIR)
        stream = ZMQStream(a)
        first: list[list[bytes]] = []
        stream.on_recv(first.append)
        b.send(b"1")
        await until(lambda: len(first) == 1)
        stream.stop_on_recv()
        assert not stream.receiving()
        for i in range(2, 6):
            b.send(b"%d" % i)
        await asyncio.sleep(0.05)  # the loop runs, but nobody receives
        assert first == [[b"1"]]
        assert a.poll(0) & zmq.POLLIN  # (this consumes the FD's signal: on_recv must cope)
        second: list[list[bytes]] = []
        stream.on_recv(second.append)
        await until(lambda: len(second) == 4)
        assert second == [[b"%d" % i] for i in range(2, 6)]
        stream.close()
        b.close()

    run(test)


def test_callback_may_replace_itself_mid_batch(ctx):
    async def test() -> None:
        a, b = inproc_pair(ctx, zmq.PAIR, zmq.PAIR)
        stream = ZMQStream(a)
        first: list[Any] = []
        second: list[Any] = []

        def switch(msg: list[bytes]) -> None:
            first.append(msg)
            stream.on_recv(second.append, copy=False)

        for i in range(5):
            b.send(b"%d" % i)
        stream.on_recv(switch)  # all five are waiting: one batch
        await until(lambda: len(second) == 4)
        assert first == [[b"0"]]
        assert [f.bytes for [f] in second] == [b"1", b"2", b"3", b"4"]
        stream.close()
        b.close()

    run(test)


def test_a_large_backlog_is_delivered_in_fair_batches(ctx):
    """Thousands of waiting messages: all delivered in order, and other loop callbacks get
    turns in between (a wake-up handles a bounded batch, then continues later)."""

    async def test() -> None:
        n = 5000
        a, b = inproc_pair(ctx, zmq.PAIR, zmq.PAIR)
        a.rcvhwm = b.sndhwm = 0
        for i in range(n):
            b.send(b"%d" % i)
        stream = ZMQStream(a)
        got: list[bytes] = []
        stream.on_recv(lambda msg: got.append(msg[0]))
        loop = asyncio.get_running_loop()
        seen_by_ticker: list[int] = []

        def tick() -> None:
            seen_by_ticker.append(len(got))
            if len(got) < n:
                loop.call_soon(tick)

        loop.call_soon(tick)
        await until(lambda: len(got) == n)
        assert got == [b"%d" % i for i in range(n)]
        assert any(0 < k < n for k in seen_by_ticker), seen_by_ticker
        stream.close()
        b.close()

    run(test)


def test_exception_in_callback_is_logged_and_receiving_goes_on(ctx, caplog):
    async def test() -> None:
        a, b = inproc_pair(ctx, zmq.PAIR, zmq.PAIR)
        stream = ZMQStream(a)
        got: list[bytes] = []

        def callback(msg: list[bytes]) -> None:
            if msg == [b"bad"]:
                raise ValueError("boom")
            got.append(msg[0])

        stream.on_recv(callback)
        for m in (b"1", b"bad", b"2"):
            b.send(m)
        await until(lambda: len(got) == 2)
        assert got == [b"1", b"2"]
        stream.close()
        b.close()

    with caplog.at_level(logging.ERROR, logger="tornado.general"):
        run(test)
    assert any("boom" in (r.exc_text or "") or (r.exc_info and "boom" in str(r.exc_info[1])) for r in caplog.records)


def test_coroutine_callbacks_run_in_order(ctx):
    async def test() -> None:
        a, b = inproc_pair(ctx, zmq.PAIR, zmq.PAIR)
        stream = ZMQStream(a)
        got: list[bytes] = []

        async def callback(msg: list[bytes]) -> None:
            got.append(b"start " + msg[0])
            await asyncio.sleep(0.001)
            got.append(b"end " + msg[0])

        stream.on_recv(callback)
        b.send(b"1")
        b.send(b"2")
        await until(lambda: len(got) == 4)
        assert got[:2] == [b"start 1", b"start 2"]
        assert sorted(got[2:]) == [b"end 1", b"end 2"]
        stream.close()
        b.close()

    run(test)


# -- sending ---------------------------------------------------------------------------------


def test_send_variants_and_on_send(ctx):
    async def test() -> None:
        a, b = tcp_pair(ctx, zmq.PAIR, zmq.PAIR)
        stream = ZMQStream(a)
        sent: list[tuple[Any, Any]] = []
        stream.on_send(lambda msg, status: sent.append((msg, status)))
        stream.send(b"raw")
        stream.send_multipart([b"a", b"b"])
        stream.send_string("héllo")
        stream.send_unicode("uni", encoding="utf-16")
        stream.send_json({"k": [1, 2]})
        stream.send_pyobj({"p": 1})
        assert sent == []  # on_send callbacks come from the loop, never from send()
        received = [await recv_soon(b) for _ in range(6)]
        assert received == [
            [b"raw"], [b"a", b"b"], ["héllo".encode()], ["uni".encode("utf-16")],
            [b'{"k": [1, 2]}'], [pickle.dumps({"p": 1}, -1)],
        ]
        await until(lambda: len(sent) == 6)
        assert [m for m, _ in sent] == received
        assert all(status is None for _, status in sent)
        stream.close()
        b.close()

    run(test)


def test_on_send_stream_and_tracked_zero_copy_status(ctx):
    async def test() -> None:
        a, b = tcp_pair(ctx, zmq.PAIR, zmq.PAIR)
        stream = ZMQStream(a)
        sent: list[Any] = []
        stream.on_send_stream(lambda s, msg, status: sent.append((s, msg, status)))
        payload = b"z" * 200_000
        stream.send(payload, copy=False, track=True)
        await until(lambda: len(sent) == 1)
        s, msg, tracker = sent[0]
        assert s is stream and msg == [payload]
        assert isinstance(tracker, zmq.MessageTracker)
        assert await recv_soon(b) == [payload]
        tracker.wait(5)
        assert tracker.done
        stream.close()
        b.close()

    run(test)


def test_sends_queue_until_writable_and_keep_order(ctx):
    async def test() -> None:
        push = make(ctx, zmq.PUSH)
        push.bind("tcp://127.0.0.1:*")  # no peer yet: not writable
        stream = ZMQStream(push)
        sent: list[Any] = []
        stream.on_send(lambda msg, status: sent.append(msg[0]))
        for i in range(20):
            if i % 2:
                stream.send(b"%d" % i)
            else:  # a one-shot iterable must survive waiting in the queue
                stream.send_multipart(part for part in [b"%d" % i])
        assert stream.sending()
        await asyncio.sleep(0.02)
        assert sent == []
        pull = make(ctx, zmq.PULL)
        pull.connect(push.last_endpoint.decode())
        await until(lambda: not stream.sending())
        await until(lambda: len(sent) == 20)
        assert sent == [b"%d" % i for i in range(20)]
        assert [pull.recv() for _ in range(20)] == sent
        stream.close()
        pull.close()

    run(test)


def test_burst_of_10000_under_hwm_pressure(ctx):
    """10,000 messages through tiny high-water marks: exact counts, exact order."""

    async def test() -> None:
        n = 10_000
        pull = make(ctx, zmq.PULL, rcvhwm=5)
        pull.bind("tcp://127.0.0.1:*")
        push = make(ctx, zmq.PUSH, sndhwm=5)
        push.connect(pull.last_endpoint.decode())
        sender, receiver = ZMQStream(push), ZMQStream(pull)
        sent: list[bytes] = []
        got: list[bytes] = []
        sender.on_send(lambda msg, status: sent.append(msg[1]))
        done = asyncio.get_running_loop().create_future()

        def on_recv(msg: list[bytes]) -> None:
            got.append(msg[1])
            if len(got) == n:
                done.set_result(None)

        receiver.on_recv(on_recv)
        for i in range(n):
            sender.send_multipart([b"seq", b"%d" % i])
        assert sender.sending()  # the HWM pushed most of them into the stream's queue
        await asyncio.wait_for(done, 20)
        await until(lambda: len(sent) == n)
        await asyncio.sleep(0.02)
        expected = [b"%d" % i for i in range(n)]
        assert got == expected
        assert sent == expected
        assert not sender.sending()
        sender.close()
        receiver.close()

    run(test, timeout=30)


# -- flush -------------------------------------------------------------------------------------


def test_flush_receives_now_and_respects_limit(ctx):
    async def test() -> None:
        a, b = inproc_pair(ctx, zmq.PAIR, zmq.PAIR)
        stream = ZMQStream(a)
        got: list[list[bytes]] = []
        stream.on_recv(got.append)
        for i in range(5):
            b.send(b"%d" % i)
        assert a.poll(1000)
        # no await in between: only flush can deliver them
        assert stream.flush(zmq.POLLIN, limit=2) == 2
        assert got == [[b"0"], [b"1"]]
        assert stream.flush(zmq.POLLOUT) == 0
        assert stream.flush() == 3
        assert [m[0] for m in got] == [b"0", b"1", b"2", b"3", b"4"]
        assert stream.flush() == 0
        stream.close()
        b.close()

    run(test)


def test_flush_sends_queued_messages_and_runs_send_callbacks(ctx):
    async def test() -> None:
        push = make(ctx, zmq.PUSH)
        push.bind("tcp://127.0.0.1:*")
        stream = ZMQStream(push)
        sent: list[Any] = []
        stream.on_send(lambda msg, status: sent.append(msg))
        for i in range(3):
            stream.send(b"%d" % i)
        assert stream.sending()
        pull = make(ctx, zmq.PULL)
        pull.connect(push.last_endpoint.decode())
        assert push.poll(5000, zmq.POLLOUT)
        assert stream.flush(zmq.POLLOUT) == 3
        assert sent == [[b"0"], [b"1"], [b"2"]]
        assert not stream.sending()
        assert [pull.recv() for _ in range(3)] == [b"0", b"1", b"2"]
        stream.close()
        pull.close()

    run(test)


# -- closing -------------------------------------------------------------------------------------


def test_close_with_flush_delivers_queued_messages(ctx):
    async def test() -> None:
        push = make(ctx, zmq.PUSH)
        push.bind("tcp://127.0.0.1:*")
        stream = ZMQStream(push)
        for i in range(3):
            stream.send(b"%d" % i)
        pull = make(ctx, zmq.PULL)
        pull.connect(push.last_endpoint.decode())
        assert push.poll(5000, zmq.POLLOUT)
        stream.flush()
        stream.close(linger=5000)
        assert push.closed and stream.closed()
        assert [pull.recv() for _ in range(3)] == [b"0", b"1", b"2"]
        pull.close()

    run(test)


def test_close_without_flush_discards_queued_messages(ctx):
    async def test() -> None:
        push = make(ctx, zmq.PUSH)
        push.bind("tcp://127.0.0.1:*")
        addr = push.last_endpoint.decode()
        stream = ZMQStream(push)
        sent: list[Any] = []
        stream.on_send(lambda msg, status: sent.append(msg))
        for i in range(3):
            stream.send(b"%d" % i)
        assert stream.sending()
        stream.close()
        assert stream.closed() and stream.socket is None and push.closed
        assert not stream.sending() and not stream.receiving()
        pull = make(ctx, zmq.PULL, rcvtimeo=100)
        pull.connect(addr)
        await asyncio.sleep(0.05)
        with pytest.raises(zmq.Again):
            pull.recv()
        assert sent == []
        pull.close()

    run(test)


def test_close_is_idempotent_and_calls_close_callback_once(ctx):
    async def test() -> None:
        a, b = inproc_pair(ctx, zmq.PAIR, zmq.PAIR)
        stream = ZMQStream(a)
        stream.on_recv(lambda msg: None)
        calls: list[int] = []
        stream.set_close_callback(lambda: calls.append(1))
        fd = a.fd
        stream.close()
        stream.close()
        assert calls == [1]
        assert stream.closed()
        assert id(stream) not in fd_watcher(asyncio.get_running_loop()).readers.get(fd, {})
        for call in (lambda: stream.send(b"x"), lambda: stream.on_recv(print), stream.flush):
            with pytest.raises(OSError):
                call()
        b.close()

    run(test)


def test_set_close_callback_none_removes_it(ctx):
    async def test() -> None:
        stream = ZMQStream(make(ctx, zmq.PAIR))
        calls: list[int] = []
        stream.set_close_callback(lambda: calls.append(1))
        stream.set_close_callback(None)
        stream.close()
        assert calls == []

    run(test)


def test_close_inside_on_recv_stops_the_batch(ctx):
    async def test() -> None:
        a, b = inproc_pair(ctx, zmq.PAIR, zmq.PAIR)
        stream = ZMQStream(a)
        got: list[Any] = []

        def callback(msg: list[bytes]) -> None:
            got.append(msg)
            stream.close()

        for i in range(3):
            b.send(b"%d" % i)
        stream.on_recv(callback)
        await asyncio.sleep(0.05)
        assert got == [[b"0"]] and stream.closed()
        b.close()

    run(test)


# -- idle, coexistence, misc ----------------------------------------------------------------------


def test_no_busy_loop_when_idle(ctx):
    async def test() -> None:
        router, dealer = tcp_pair(ctx, zmq.ROUTER, zmq.DEALER)
        server, client = ZMQStream(router), ZMQStream(dealer)
        server.on_recv(server.send_multipart)
        replies: list[Any] = []
        client.on_recv(replies.append)
        for _ in range(10):
            client.send(b"ping")
        await until(lambda: len(replies) == 10)
        await asyncio.sleep(0.05)
        cpu0, wall0 = time.process_time(), time.monotonic()
        await asyncio.sleep(0.5)
        cpu = time.process_time() - cpu0
        wall = time.monotonic() - wall0
        assert cpu < 0.1 * wall, f"{cpu:.3f} s of CPU in {wall:.3f} s idle"
        server.close()
        client.close()

    run(test)


def test_tornado_server_with_threaded_sync_clients(ctx):
    """A ROUTER ZMQStream echo server on the IOLoop; blocking DEALER clients in threads."""

    async def test() -> None:
        router = make(ctx, zmq.ROUTER)
        router.bind("tcp://127.0.0.1:*")
        addr = router.last_endpoint.decode()
        server = ZMQStream(router)
        server.on_recv(server.send_multipart)
        loop = asyncio.get_running_loop()
        n_clients, n_requests = 4, 300
        results: dict[int, Any] = {}
        finished = loop.create_future()

        def client(k: int) -> None:
            try:
                with ctx.socket(zmq.DEALER) as s:
                    s.linger = 0
                    s.rcvtimeo = 5000
                    s.connect(addr)
                    replies = []
                    for i in range(n_requests):
                        s.send_multipart([b"client-%d" % k, b"%d" % i])
                        replies.append(s.recv_multipart())
                    results[k] = replies
            except BaseException as e:
                results[k] = e
            finally:
                if len(results) == n_clients:
                    loop.call_soon_threadsafe(finished.set_result, None)

        threads = [threading.Thread(target=client, args=(k,)) for k in range(n_clients)]
        for t in threads:
            t.start()
        await asyncio.wait_for(finished, 20)
        for t in threads:
            t.join(5)
        for k in range(n_clients):
            assert results[k] == [[b"client-%d" % k, b"%d" % i] for i in range(n_requests)]
        server.close()

    run(test, timeout=30)


def test_stream_and_asyncio_socket_share_one_socket(ctx):
    """A ZMQStream receiving and a zmq.asyncio socket sending on the same libzmq socket."""

    async def test() -> None:
        router, dealer = tcp_pair(ctx, zmq.ROUTER, zmq.DEALER)
        server = ZMQStream(router)
        server.on_recv(server.send_multipart)
        stream = ZMQStream(dealer)
        replies: list[bytes] = []
        stream.on_recv(lambda msg: replies.append(msg[0]))
        asock = zmq.asyncio.Socket.from_socket(dealer)
        for i in range(200):
            await asock.send(b"%d" % i)
            if i % 10 == 0:
                await until(lambda: len(replies) == i + 1)
        await until(lambda: len(replies) == 200)
        assert replies == [b"%d" % i for i in range(200)]
        stream.close()
        server.close()

    run(test)


async def _signal_then_consume(ctx: zmq.Context, consume: Callable[[zmq.Socket, ZMQStream], Awaitable[None]]) -> list[Any]:
    """A message reaches the stream's socket (its FD signals) while the loop is not looking;
    then ``consume`` makes a libzmq call on that socket outside any wake-up, which takes the
    signal. Returns what on_recv got within a second."""
    a, b = inproc_pair(ctx, zmq.PAIR, zmq.PAIR)  # inproc: delivery is synchronous
    stream = ZMQStream(a)
    got: list[Any] = []
    stream.on_recv(got.append)
    b.send(b"warm")
    await until(lambda: len(got) == 1)
    await asyncio.sleep(0.01)  # idle: the stream found the socket empty
    b.send(b"x")  # a's FD is signalled now; the loop has not seen it
    time.sleep(0.01)  # > libzmq's command-processing throttle (~1 ms)
    await consume(a, stream)
    deadline = time.monotonic() + 1
    while len(got) < 2 and time.monotonic() < deadline:
        await asyncio.sleep(0.001)
    stream.close()
    b.close()
    return got


def test_send_outside_a_wakeup_does_not_hide_waiting_messages(ctx):
    async def consume(sock: zmq.Socket, stream: ZMQStream) -> None:
        stream.send(b"out")

    assert run(lambda: _signal_then_consume(ctx, consume)) == [[b"warm"], [b"x"]]


def test_asyncio_send_on_the_streams_socket_does_not_hide_waiting_messages(ctx):
    async def consume(sock: zmq.Socket, stream: ZMQStream) -> None:
        await zmq.asyncio.Socket.from_socket(sock).send(b"out")

    assert run(lambda: _signal_then_consume(ctx, consume)) == [[b"warm"], [b"x"]]


def test_future_socket_is_wrapped_with_a_warning(ctx):
    async def test() -> None:
        actx = zmq.asyncio.Context.shadow(ctx.underlying)
        asock = actx.socket(zmq.PAIR)
        asock.linger = 0
        asock.bind("inproc://wrapped")
        peer = make(ctx, zmq.PAIR)
        peer.connect("inproc://wrapped")
        with pytest.warns(RuntimeWarning, match="plain zmq.Socket"):
            stream = ZMQStream(asock)
        assert type(stream.socket) is zmq.Socket
        got: list[Any] = []
        stream.on_recv(got.append)
        peer.send(b"via shadow")
        await until(lambda: len(got) == 1)
        assert got == [[b"via shadow"]]
        stream.close()
        asock.close()
        peer.close()

    run(test)


def test_socket_conveniences_and_explicit_io_loop(ctx):
    async def test() -> None:
        sock = make(ctx, zmq.PAIR)
        stream = ZMQStream(sock, IOLoop.current())
        port = stream.bind_to_random_port("tcp://127.0.0.1")
        assert port > 0
        stream.setsockopt(zmq.LINGER, 7)
        assert stream.getsockopt(zmq.LINGER) == 7
        stream.close()
        other = make(ctx, zmq.PAIR)
        with pytest.raises(AttributeError):  # not an IOLoop: it has no add_handler
            ZMQStream(other, asyncio.get_running_loop())  # type: ignore[arg-type]
        other.close()

    run(test)


# -- registration with the IOLoop ---------------------------------------------------------------


def test_stream_registers_its_socket_with_the_ioloop(ctx):
    async def test() -> None:
        loop = IOLoop.current()
        sock = make(ctx, zmq.PAIR)
        fd = sock.fileno()
        stream = ZMQStream(sock)
        assert loop.handlers[fd][0] is sock  # registered at once, before any callback
        with pytest.raises(ValueError):
            ZMQStream(sock)  # one stream per socket: the IOLoop refuses the FD twice
        stream.close()
        assert fd not in loop.handlers

    run(test)


def test_ioloop_close_all_fds_closes_every_streams_socket(ctx):
    # The Jupyter kernel shutdown: IOLoop.close(all_fds=True) must close the streams'
    # sockets, or the Context.term() that follows blocks for ever.
    loop = IOLoop(make_current=False)
    a, b = tcp_pair(ctx, zmq.PAIR, zmq.PAIR)
    c = make(ctx, zmq.PUB)
    streams = [ZMQStream(s, loop) for s in (a, b, c)]
    streams[0].on_recv(lambda msg: None)
    streams[1].send(b"x")
    loop.add_callback(loop.stop)
    loop.start()
    loop.close(all_fds=True)
    assert a.closed and b.closed and c.closed
    with pytest.warns(UserWarning):
        assert all(s.closed() for s in streams)
    done = threading.Event()
    threading.Thread(target=lambda: (ctx.term(), done.set()), daemon=True).start()
    assert done.wait(5)


# -- sends report their failures from the loop ---------------------------------------------------


def _logged(caplog: Any) -> list[tuple[str, str, Any]]:
    return [(r.name, r.msg, r.exc_info[0] if r.exc_info else None) for r in caplog.records
            if r.name.startswith("tornado")]


def test_bad_message_is_reported_from_the_loop_and_the_stream_goes_on(ctx, caplog):
    async def test() -> None:
        a, b = inproc_pair(ctx, zmq.PAIR, zmq.PAIR)
        stream = ZMQStream(a)
        sent: list[Any] = []
        stream.on_send(lambda msg, status: sent.append(msg))
        stream.send(12345)  # type: ignore[arg-type]  # no exception here
        stream.send_multipart([b"ok", 3])  # nor here (and no part of it goes out)
        stream.send(b"after")
        assert await recv_soon(b) == [b"after"]
        await until(lambda: sent == [[b"after"]])
        await asyncio.sleep(0.02)
        assert not b.poll(0) and not stream.sending()
        stream.close()
        b.close()

    with caplog.at_level(logging.ERROR):
        run(test)
    assert _logged(caplog) == [
        ("tornado.general", "Uncaught exception in zmqstream callback", TypeError),
        ("tornado.application", "Exception in callback %r", TypeError),
    ] * 2


def test_recv_callback_that_sends_a_bad_message_completes(ctx, caplog):
    async def test() -> None:
        a, b = inproc_pair(ctx, zmq.PAIR, zmq.PAIR)
        stream = ZMQStream(a)
        steps: list[str] = []

        def reply(msg: list[bytes]) -> None:
            steps.append("in")
            stream.send(b"reply-1")
            stream.send(object())  # type: ignore[arg-type]
            stream.send(b"reply-3")
            steps.append("out")

        stream.on_recv(reply)
        b.send(b"request")
        assert await recv_soon(b) == [b"reply-1"]
        assert await recv_soon(b) == [b"reply-3"]
        assert steps == ["in", "out"]
        stream.close()
        b.close()

    with caplog.at_level(logging.ERROR):
        run(test)
    assert [r[2] for r in _logged(caplog)] == [TypeError, TypeError]


def test_send_on_a_socket_that_cannot_send_waits_in_the_queue(ctx, caplog):
    async def test() -> None:
        sub = make(ctx, zmq.SUB)
        stream = ZMQStream(sub)
        sent: list[Any] = []
        stream.on_send(lambda msg, status: sent.append(msg))
        stream.send(b"x")  # a SUB socket never becomes writable: no error, it waits
        await asyncio.sleep(0.05)
        assert stream.sending() and sent == []
        assert stream.flush(zmq.POLLOUT) == 0
        stream.close()

    with caplog.at_level(logging.DEBUG):
        run(test)
    assert _logged(caplog) == []


def test_req_second_send_goes_out_after_the_reply(ctx):
    async def test() -> None:
        rep, req = inproc_pair(ctx, zmq.REP, zmq.REQ)
        server = ZMQStream(rep)
        server.on_recv(lambda msg: server.send_multipart([b"re:" + msg[0]]))
        client = ZMQStream(req)
        got: list[Any] = []
        client.on_recv(got.append)
        client.send(b"1")
        client.send(b"2")  # the REQ socket must get its reply first: queued, no EFSM
        assert client.sending()
        await until(lambda: len(got) == 2)
        assert got == [[b"re:1"], [b"re:2"]] and not client.sending()
        server.close()
        client.close()

    run(test)


def test_send_error_is_logged_and_given_to_on_send_as_status(ctx, caplog):
    async def test() -> None:
        router, dealer = inproc_pair(ctx, zmq.ROUTER, zmq.DEALER)
        router.router_mandatory = 1
        dealer.close()
        peer = make(ctx, zmq.DEALER, identity=b"peer")
        peer.connect(router.last_endpoint.decode())
        await until(lambda: bool(router.getsockopt(zmq.EVENTS) & zmq.POLLOUT))
        stream = ZMQStream(router)
        sent: list[Any] = []
        stream.on_send(lambda msg, status: sent.append((msg, status)))
        stream.send_multipart([b"nobody", b"x"])
        stream.send_multipart([b"peer", b"y"])
        await until(lambda: len(sent) == 2)
        (msg0, status0), (msg1, status1) = sent
        assert msg0 == [b"nobody", b"x"] and isinstance(status0, zmq.ZMQError)
        assert status0.errno == zmq.EHOSTUNREACH
        assert (msg1, status1) == ([b"peer", b"y"], None)
        assert await recv_soon(peer) == [b"y"]
        stream.close()

    with caplog.at_level(logging.ERROR):
        run(test)
    assert [(r.name, r.msg) for r in caplog.records] == [("tornado.general", "SEND Error: %s")]


def test_send_callback_argument_becomes_the_on_send_callback(ctx):
    async def test() -> None:
        a, b = inproc_pair(ctx, zmq.PAIR, zmq.PAIR)
        stream = ZMQStream(a)
        seen: list[Any] = []
        stream.send(b"a", callback=lambda msg, status: seen.append(("cb1", msg)))
        stream.send(b"b")
        stream.send_multipart([b"c"], callback=lambda msg, status: seen.append(("cb2", msg)))
        await until(lambda: len(seen) == 3)
        # callbacks run from the loop, each with the on_send callback registered by then
        assert seen == [("cb2", [b"a"]), ("cb2", [b"b"]), ("cb2", [b"c"])]
        with pytest.raises(AssertionError):
            stream.send(b"d", callback=5)  # type: ignore[arg-type]
        assert [await recv_soon(b) for _ in range(4)] == [[b"a"], [b"b"], [b"c"], [b"d"]]
        stream.close()
        b.close()

    run(test)


def test_send_string_json_pyobj_details(ctx):
    async def test() -> None:
        a, b = inproc_pair(ctx, zmq.PAIR, zmq.PAIR)
        stream = ZMQStream(a)
        with pytest.raises(TypeError):
            stream.send_string(b"bytes")  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            stream.send_json(object())  # serialization fails in the caller
        stream.send_json({"b": 1, "a": 2}, sort_keys=True)  # keywords go to the send, not to json
        stream.send_pyobj({"p": 1})
        assert await recv_soon(b) == [b'{"b": 1, "a": 2}']
        assert await recv_soon(b) == [pickle.dumps({"p": 1}, pickle.HIGHEST_PROTOCOL)]
        stream.close()
        b.close()

    run(test)


# -- refusing non-callables, callbacks that raise ---------------------------------------------------


def test_non_callable_callbacks_are_refused(ctx):
    async def test() -> None:
        stream = ZMQStream(make(ctx, zmq.PAIR))
        for register in (stream.on_recv, stream.on_send, stream.on_send_stream):
            with pytest.raises(AssertionError):
                register(5)  # type: ignore[arg-type]
        assert not stream.receiving()
        stream.close()

    run(test)


def test_on_recv_stream_refuses_a_non_callable(ctx):
    async def test() -> None:
        stream = ZMQStream(make(ctx, zmq.PAIR))
        with pytest.raises(AssertionError):  # at once, like on_recv (not at every message)
            stream.on_recv_stream(5)  # type: ignore[arg-type]
        assert not stream.receiving()
        stream.close()

    run(test)


def test_callback_errors_are_logged_as_pyzmq_logs_them(ctx, caplog):
    async def test() -> None:
        a, b = inproc_pair(ctx, zmq.PAIR, zmq.PAIR)
        stream = ZMQStream(a)

        def bad_recv(msg: list[bytes]) -> None:
            raise ValueError("recv")

        def bad_send(msg: Any, status: Any) -> None:
            raise KeyError("send")

        stream.on_recv(bad_recv)
        stream.on_send(bad_send)
        b.send(b"x")
        await until(lambda: len(caplog.records) >= 3)
        stream.stop_on_recv()
        stream.send(b"y")
        await until(lambda: len(caplog.records) >= 6)
        stream.close()
        b.close()

    with caplog.at_level(logging.ERROR):
        run(test)
    per_error = ["Uncaught exception in ZMQStream callback", "Uncaught exception in zmqstream callback",
                 "Exception in callback %r"]
    assert [r.msg for r in caplog.records] == per_error * 2
    assert [r.exc_info[0] for r in caplog.records] == [ValueError] * 3 + [KeyError] * 3


def test_close_callback_error_is_logged_and_raised_from_close(ctx, caplog):
    async def test() -> None:
        sock = make(ctx, zmq.PAIR)
        stream = ZMQStream(sock)

        def bad() -> None:
            raise ValueError("close")

        stream.set_close_callback(bad)
        with pytest.raises(ValueError):
            stream.close()
        assert sock.closed and stream.closed()

    with caplog.at_level(logging.ERROR):
        run(test)
    assert [r.msg for r in caplog.records] == ["Uncaught exception in ZMQStream callback"]


def test_on_err_does_nothing_quietly(ctx, recwarn):
    async def test() -> None:
        stream = ZMQStream(make(ctx, zmq.PAIR))
        assert stream.on_err(lambda *a: None) is None
        assert stream.stop_on_err() is None
        stream.close()

    run(test)
    assert not [w for w in recwarn if issubclass(w.category, DeprecationWarning)]


# -- sockets closed or terminated under the stream -------------------------------------------------


def test_socket_closed_behind_the_streams_back(ctx):
    async def test() -> None:
        a, b = inproc_pair(ctx, zmq.PAIR, zmq.PAIR)
        stream = ZMQStream(a)
        stream.on_recv(lambda msg: None)
        fd = a.fileno()
        calls: list[int] = []
        stream.set_close_callback(lambda: calls.append(1))
        a.close()
        with pytest.warns(UserWarning):
            assert stream.closed()
        assert stream.socket is None and calls == [1]  # let go of it, as close() would
        assert fd not in IOLoop.current().handlers
        assert id(stream) not in fd_watcher(asyncio.get_running_loop()).readers.get(fd, {})
        with pytest.raises(OSError):
            stream.send(b"x")
        stream.close()
        assert calls == [1]
        b.close()

    run(test)


def test_shadowed_socket_closed_under_the_stream_is_logged_and_unregistered(ctx, caplog):
    async def test() -> None:
        a, b = inproc_pair(ctx, zmq.PAIR, zmq.PAIR)
        stream = ZMQStream(zmq.Socket.shadow(a.underlying))
        got: list[Any] = []
        stream.on_recv(got.append)
        b.send(b"1")
        await until(lambda: got == [[b"1"]])
        a.close()  # the stream's socket object does not know
        with pytest.warns(UserWarning):
            stream._pass()  # a wake-up: the socket is found closed, logged, let go of
        assert stream.closed() and stream.socket is None
        await asyncio.sleep(0.02)  # no exception in loop callbacks follows
        b.close()

    with caplog.at_level(logging.WARNING):
        run(test)
    assert [(r.levelname, r.msg) for r in caplog.records] == [
        ("WARNING", "Got events for stream %s attached to closed socket: %s")]


def test_close_after_the_context_was_terminated(ctx, caplog):
    async def test() -> None:
        a, b = inproc_pair(ctx, zmq.PAIR, zmq.PAIR)
        stream = ZMQStream(a)
        stream.on_recv(lambda msg: None)
        b.close()
        done = threading.Event()
        threading.Thread(target=lambda: (ctx.term(), done.set()), daemon=True).start()
        await asyncio.sleep(0.2)
        assert not done.is_set()  # term() waits for the stream's socket
        with pytest.raises(zmq.ZMQError):
            stream.send(b"x")  # a dead socket raises in the caller
        stream.close()  # works (and lets term() finish)
        assert done.wait(5)

    with caplog.at_level(logging.WARNING):
        run(test)
    assert [r.msg for r in caplog.records] == ["Got events for stream %s after terminating context"]


# -- kept differences from pyzmq (tests/differential/allowlist.py) ----------------------------------


def test_send_is_handed_to_libzmq_at_once(ctx):
    async def test() -> None:
        a, b = inproc_pair(ctx, zmq.PAIR, zmq.PAIR)
        stream = ZMQStream(a)
        stream.send(b"now")
        assert not stream.sending() and b.poll(1000)  # no loop iteration needed
        assert stream.flush() == 0  # nothing left queued to flush
        assert b.recv() == b"now"
        stream.send(b"last")
        stream.close()  # a send just before closing is not lost
        assert b.poll(1000) and b.recv() == b"last"
        b.close()

    run(test)


def test_send_on_closed_stream_queues_nothing(ctx):
    async def test() -> None:
        stream = ZMQStream(make(ctx, zmq.PAIR))
        stream.close()
        with pytest.raises(OSError):
            stream.send(b"x")
        assert not stream.sending()

    run(test)


def test_send_multipart_accepts_a_generator(ctx):
    async def test() -> None:
        a, b = inproc_pair(ctx, zmq.PAIR, zmq.PAIR)
        stream = ZMQStream(a)
        stream.send_multipart(p for p in [b"gen", b"erator"])
        assert await recv_soon(b) == [b"gen", b"erator"]
        stream.close()
        b.close()

    run(test)


# -- a stream whose loop runs in another thread (how ipykernel uses them) -------------------------


def _loop_in_thread() -> tuple[IOLoop, threading.Thread]:
    loop = IOLoop(make_current=False)
    thread = threading.Thread(target=loop.start, daemon=True)
    thread.start()
    return loop, thread


def _stop(loop: IOLoop, thread: threading.Thread, *streams: ZMQStream) -> None:
    done = threading.Event()

    def finish() -> None:
        for s in streams:
            s.close()
        loop.stop()
        done.set()

    loop.add_callback(finish)
    assert done.wait(5)
    thread.join(5)
    loop.close()


def test_on_recv_from_another_thread_wakes_the_streams_loop(ctx):
    # ipykernel: streams are made and given callbacks in the main thread, for IOLoops
    # already running in their own threads, while requests are already waiting.
    a, b = tcp_pair(ctx, zmq.ROUTER, zmq.DEALER)
    b.send(b"early")
    loop, thread = _loop_in_thread()
    stream = ZMQStream(a, loop)
    idle = threading.Event()
    loop.add_callback(idle.set)  # the loop has run past the stream's setup: idle in its poller next,
    assert idle.wait(5)  # the message waiting in libzmq
    got: list[Any] = []
    arrived = threading.Event()
    stream.on_recv(lambda msg: (got.append(msg[1]), arrived.set()))
    assert arrived.wait(5) and got == [b"early"]
    _stop(loop, thread, stream)


def test_send_from_another_thread_is_sent_by_the_streams_loop(ctx):
    a, b = tcp_pair(ctx, zmq.PAIR, zmq.PAIR)
    loop, thread = _loop_in_thread()
    stream = ZMQStream(a, loop)
    senders: list[str] = []
    all_sent = threading.Event()

    def on_send(msg: Any, status: Any) -> None:
        senders.append(threading.current_thread().name)
        if len(senders) == 100:
            all_sent.set()

    stream.on_send(on_send)
    for i in range(100):
        stream.send(b"%d" % i)  # queued: libzmq is only called from the loop's thread
    b.rcvtimeo = 5000
    assert [b.recv() for _ in range(100)] == [b"%d" % i for i in range(100)]
    assert all_sent.wait(5)
    assert senders == [thread.name] * 100
    _stop(loop, thread, stream)


def test_sends_from_another_thread_never_touch_the_socket_while_the_loop_sends(ctx):
    # The loop thread sends the queued messages (with the GIL released while other threads
    # exist); a send queued meanwhile from another thread must not call libzmq on the socket
    # (that would be the loop's socket in use by two threads: ConcurrentUseError).
    a, b = tcp_pair(ctx, zmq.PAIR, zmq.PAIR)
    loop, thread = _loop_in_thread()
    stream = ZMQStream(a, loop)
    n = 3000
    for i in range(n):
        stream.send(b"%d" % i)
    b.rcvtimeo = 5000
    assert [b.recv() for _ in range(n)] == [b"%d" % i for i in range(n)]
    _stop(loop, thread, stream)


def test_send_outside_the_running_loop_is_queued_for_it(ctx):
    loop = IOLoop(make_current=False)
    a, b = tcp_pair(ctx, zmq.PAIR, zmq.PAIR)
    stream = ZMQStream(a, loop)
    stream.send(b"queued")
    assert stream.sending() and not b.poll(50)  # nothing sent before the loop runs
    loop.add_callback(loop.stop)
    loop.start()
    assert b.poll(1000) and b.recv() == b"queued" and not stream.sending()
    stream.close()
    loop.close()


def test_asyncio_socket_waiting_before_the_stream_is_made_still_served(ctx):
    """A zmq.asyncio socket already waits on the FD when a stream is made for the same
    socket: the IOLoop's reader (which replaces theirs) serves both."""

    async def test() -> None:
        router, dealer = tcp_pair(ctx, zmq.ROUTER, zmq.DEALER)
        server = ZMQStream(router)
        server.on_recv(server.send_multipart)
        asock = zmq.asyncio.Socket.from_socket(dealer)
        pending = asyncio.ensure_future(asock.recv())
        await asyncio.sleep(0.02)  # asock now watches dealer's FD
        stream = ZMQStream(dealer)
        got: list[Any] = []
        stream.on_send(lambda msg, status: got.append(msg))
        await asyncio.sleep(0)
        stream.send(b"ping")
        assert await asyncio.wait_for(pending, 5) == b"ping"
        assert got == [[b"ping"]]
        stream.close()
        server.close()

    run(test)
