"""Probes of zmq.asyncio: Context, Socket and Poller whose calls return awaitables.

Each probe runs its own event loop (``asyncio.run``) with bounded waits. :func:`outcome`
records how a call behaved: raised at once, or returned an awaitable and what awaiting it
gave (a value, an exception, cancellation, or still pending after the wait).
"""
import asyncio
import inspect
import os
import socket as pysocket
import sys

import zmq
import zmq.asyncio
from _probe import call, mask, probe, rec

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _awaitables import outcome, settle  # noqa: E402  (shared with p_future)


def run(coro_fn, timeout=3.0):
    """Run ``coro_fn()`` in a fresh loop, recording 'loop-timeout' if it takes too long."""

    async def main():
        try:
            return await asyncio.wait_for(coro_fn(), timeout)
        except asyncio.TimeoutError:
            rec("loop-timeout")

    return asyncio.run(main())


def pair(ctx, a=zmq.PUSH, b=zmq.PULL, addr="inproc://p"):
    """Two connected sockets of ``ctx`` with linger 0."""
    s1, s2 = ctx.socket(a), ctx.socket(b)
    s1.linger = s2.linger = 0
    s1.bind(addr)
    s2.connect(addr)
    return s1, s2


# -- module, classes, constructors ---------------------------------------------------------


@probe
def probe_module_all():
    rec(sorted(zmq.asyncio.__all__))
    rec([hasattr(zmq.asyncio, n) for n in ("Context", "Socket", "Poller", "ZMQEventLoop", "install", "Future")])


@probe
def probe_install_warns():
    zmq.asyncio.install()
    rec("installed")


@probe
def probe_zmqeventloop():
    loop = zmq.asyncio.ZMQEventLoop()
    rec(isinstance(loop, asyncio.SelectorEventLoop))
    rec(type(loop).__name__)
    loop.close()


@probe
def probe_class_relations():
    rec(issubclass(zmq.asyncio.Socket, zmq.Socket))
    rec(issubclass(zmq.asyncio.Context, zmq.Context))
    rec(issubclass(zmq.asyncio.Poller, zmq.Poller))
    rec(zmq.asyncio.Context._socket_class)
    rec(getattr(zmq.asyncio.Poller, "_socket_class", None))


@probe
def probe_has_from_context():
    rec(hasattr(zmq.asyncio.Context, "from_context"))


@probe
def probe_socket_repr():
    ctx = zmq.asyncio.Context()
    s = ctx.socket(zmq.PUSH)
    rec(mask(repr(s)))
    s.close()
    ctx.term()


@probe
def probe_poller_repr():
    rec(mask(repr(zmq.asyncio.Poller())))


@probe
def probe_context_constructors():
    sync = zmq.Context()
    for make in (lambda: zmq.asyncio.Context(), lambda: zmq.asyncio.Context(2),
                 lambda: zmq.asyncio.Context(io_threads=2), lambda: zmq.asyncio.Context(sync),
                 lambda: zmq.asyncio.Context(shadow=sync.underlying),
                 lambda: zmq.asyncio.Context.shadow(sync.underlying)):
        c = call(make)
        if c is not None:
            rec(type(c).__name__)
            rec(c.underlying == sync.underlying)
    sync.term()


@probe
def probe_context_instance():
    c = zmq.asyncio.Context.instance()
    rec(type(c).__name__)
    rec(c is zmq.asyncio.Context.instance())
    rec(c is zmq.Context.instance())
    import zmq.eventloop.future as F  # noqa: F401 - only needs tornado, imported lazily
    rec(c is F.Context.instance())


@probe
def probe_socket_constructors():
    ctx = zmq.asyncio.Context()
    sync = zmq.Context().socket(zmq.PUSH)
    made = [call(zmq.asyncio.Socket, ctx, zmq.PULL), call(zmq.asyncio.Socket, sync),
            call(zmq.asyncio.Socket, shadow=sync.underlying), call(zmq.asyncio.Socket.from_socket, sync),
            call(zmq.asyncio.Socket, ctx, socket_type=zmq.SUB)]
    for s in made:
        if s is not None:
            rec((s.type, s.underlying == sync.underlying, type(s.context).__name__))
    made[0].close()
    made[-1].close()
    sync.close()
    ctx.term()


@probe
def probe_socket_context_type():
    ctx = zmq.asyncio.Context()
    s = ctx.socket(zmq.PUSH)
    rec(type(s).__name__)
    rec(s.context is ctx)
    rec(isinstance(s, zmq.Socket))
    s.close()
    ctx.term()


@probe
def probe_context_socket_class_kwarg():
    ctx = zmq.asyncio.Context()
    s = call(ctx.socket, zmq.PUSH, socket_class=zmq.Socket)
    if s is not None:
        rec(type(s).__qualname__)
        s.close()
    ctx.term()


@probe
def probe_signatures():
    S = zmq.asyncio.Socket
    for name in ("recv", "recv_multipart", "poll", "recv_into", "from_socket"):
        rec([p for p in inspect.signature(getattr(S, name)).parameters], name)
    rec([p for p in inspect.signature(zmq.asyncio.Poller.poll).parameters])
    rec(inspect.signature(zmq.asyncio.Poller.poll).parameters["timeout"].default)


@probe
def probe_methods_not_coroutine_functions():
    s = zmq.asyncio.Context().socket(zmq.PULL)
    rec([inspect.iscoroutinefunction(getattr(s, n)) for n in ("recv", "send", "poll", "recv_multipart")])
    s.close()


# -- send / recv -------------------------------------------------------------------------------


@probe
def probe_send_recv_basic():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx)
        await outcome(a.send, b"hello")
        await outcome(b.recv)
        await outcome(a.send, b"x", copy=False)
        f = await outcome(b.recv, copy=False)
        rec(type(f).__name__)
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe
def probe_send_track():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx)
        t = await outcome(a.send, b"x" * 100, copy=False, track=True)
        rec(type(t).__name__)
        await outcome(b.recv)
        t = await outcome(a.send_multipart, [b"a", b"b"], copy=False, track=True)
        rec(type(t).__name__)
        await outcome(b.recv_multipart)
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe
def probe_recv_pending_then_send():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx)
        f = b.recv()
        await asyncio.sleep(0.01)
        rec(f.done())
        await a.send(b"late")
        await outcome(lambda: f)
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe
def probe_multipart():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx)
        await outcome(a.send_multipart, [b"a", b"bb", memoryview(b"ccc")])
        await outcome(b.recv_multipart)
        await outcome(a.send_multipart, (b"x", b"y"))
        parts = await outcome(b.recv_multipart, copy=False)
        rec([type(p).__name__ for p in parts or []])
        await outcome(a.send_multipart, [b"z", "not bytes"])
        await outcome(a.send_multipart, [])
        await outcome(a.send_multipart, [b"ok"])
        await outcome(b.recv_multipart, wait=0.2)
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe
def probe_strings():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx)
        await outcome(a.send_string, "héllo")
        await outcome(b.recv_string)
        await outcome(a.send_unicode, "x", encoding="latin-1")
        await outcome(b.recv_unicode, encoding="latin-1")
        await outcome(a.send_string, b"bytes")
        await outcome(a.send, b"\xff\xfe")
        await outcome(b.recv_string)
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe
def probe_json():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx)
        await outcome(a.send_json, {"a": [1, 2]})
        await outcome(b.recv_json)
        await outcome(a.send_json, {"s": {1, 2}})
        await outcome(a.send, b"{not json")
        await outcome(b.recv_json)
        await outcome(a.send_json, [1], separators=(",", ":"))
        await outcome(b.recv)
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe
def probe_pyobj():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx)
        await outcome(a.send_pyobj, {"k": (1, 2.5)})
        await outcome(b.recv_pyobj)
        await outcome(a.send_pyobj, lambda: 1)
        await outcome(a.send_pyobj, [1], protocol=2)
        await outcome(b.recv_pyobj)
        await outcome(a.send, b"not a pickle")
        await outcome(b.recv_pyobj)
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe
def probe_serialized():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx)
        await outcome(a.send_serialized, "ab", lambda m: [m.encode(), b"!"])
        await outcome(b.recv_serialized, lambda parts: b"|".join(parts))
        await outcome(a.send_serialized, 1, lambda m: 1 / 0)
        await outcome(a.send, b"x")
        await outcome(b.recv_serialized, lambda parts: 1 / 0)
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe
def probe_recv_noblock_empty():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx)
        for fn in (b.recv, b.recv_multipart, b.recv_string, b.recv_json, b.recv_pyobj):
            await outcome(fn, zmq.NOBLOCK, wait=0.2)
        await outcome(b.recv_serialized, list, zmq.NOBLOCK, wait=0.2)
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe
def probe_send_noblock_no_peer():
    async def main():
        ctx = zmq.asyncio.Context()
        s = ctx.socket(zmq.PUSH)
        s.linger = 0
        await outcome(s.send, b"x", zmq.NOBLOCK, wait=0.2)
        await outcome(s.send_multipart, [b"x"], zmq.NOBLOCK, wait=0.2)
        await outcome(s.send_string, "x", zmq.DONTWAIT, wait=0.2)
        await outcome(s.send, b"x", wait=0.1)
        s.close()
        ctx.term()

    run(main)


@probe
def probe_recv_into():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx)
        buf = bytearray(8)
        await outcome(b.recv_into, buf, flags=zmq.NOBLOCK, wait=0.2)
        await a.send(b"abc")
        await outcome(b.recv_into, buf)
        rec(bytes(buf))
        await outcome(a.send, b"0123456789")
        await outcome(b.recv_into, buf, nbytes=4)
        rec(bytes(buf))
        f = b.recv_into(buf)
        await asyncio.sleep(0.01)
        await a.send(b"late")
        await outcome(lambda: f)
        rec(bytes(buf))
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe
def probe_recv_on_pub():
    async def main():
        ctx = zmq.asyncio.Context()
        pub = ctx.socket(zmq.PUB)
        await outcome(pub.recv, wait=0.2)
        pub.close()
        ctx.term()

    run(main)


@probe
def probe_send_on_sub_and_poll_pub():
    async def main():
        ctx = zmq.asyncio.Context()
        pub, sub = ctx.socket(zmq.PUB), ctx.socket(zmq.SUB)
        await outcome(sub.send, b"x", wait=0.2)
        await outcome(pub.poll, 10, zmq.POLLIN, wait=0.2)
        pub.close()
        sub.close()
        ctx.term()

    run(main)


@probe
def probe_req_efsm():
    async def main():
        ctx = zmq.asyncio.Context()
        rep, req = pair(ctx, zmq.REP, zmq.REQ)
        await outcome(req.send, b"1")
        await outcome(req.send, b"2", wait=0.2)
        await outcome(rep.send, b"x", wait=0.2)
        await outcome(rep.recv)
        await outcome(rep.send, b"r")
        await outcome(req.recv)
        rep.close()
        req.close()
        ctx.term()

    run(main)


@probe
def probe_reqrep_roundtrips():
    async def main():
        ctx = zmq.asyncio.Context()
        rep, req = pair(ctx, zmq.REP, zmq.REQ, "tcp://127.0.0.1:*" if False else "inproc://rr")

        async def server():
            for _ in range(3):
                m = await rep.recv()
                await rep.send(m.upper())

        t = asyncio.ensure_future(server())
        got = []
        for m in (b"a", b"b", b"c"):
            await req.send(m)
            got.append(await req.recv())
        await t
        rec(got)
        rep.close()
        req.close()
        ctx.term()

    run(main)


@probe
def probe_tcp_pushpull():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = ctx.socket(zmq.PUSH), ctx.socket(zmq.PULL)
        a.linger = b.linger = 0
        port = a.bind_to_random_port("tcp://127.0.0.1")
        b.connect(f"tcp://127.0.0.1:{port}")
        r = asyncio.ensure_future(b.recv_multipart())
        await a.send_multipart([b"1", b"2"])
        rec(await asyncio.wait_for(r, 2))
        for i in range(20):
            await a.send(b"%d" % i)
        rec([await asyncio.wait_for(b.recv(), 2) for _ in range(20)] == [b"%d" % i for i in range(20)])
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe
def probe_many_pending_recvs_order():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx)
        fs = [b.recv() for _ in range(5)]
        await asyncio.sleep(0.01)
        for i in range(5):
            await a.send(b"%d" % i)
        rec(await asyncio.wait_for(asyncio.gather(*fs), 2))
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe
def probe_mixed_pending_kinds():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx)
        fs = [b.recv_string(), b.recv_multipart(), b.recv_json(), b.recv_pyobj()]
        await asyncio.sleep(0.01)
        await a.send(b"s")
        await a.send_multipart([b"m1", b"m2"])
        await a.send_json([1])
        await a.send_pyobj((2,))
        rec(await asyncio.wait_for(asyncio.gather(*fs), 2))
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe
def probe_send_hwm_blocks_then_drains():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = ctx.socket(zmq.PUSH), ctx.socket(zmq.PULL)
        a.linger = b.linger = 0
        a.sndhwm = b.rcvhwm = 1
        a.bind("inproc://hwm")
        b.connect("inproc://hwm")
        sends = [a.send(b"%d" % i) for i in range(6)]
        await asyncio.sleep(0.05)
        rec(sum(f.done() for f in sends) < 6)
        got = [await asyncio.wait_for(b.recv(), 2) for _ in range(6)]
        rec(got)
        await asyncio.wait_for(asyncio.gather(*sends), 2)
        rec([f.result() for f in sends])
        a.close()
        b.close()
        ctx.term()

    run(main)


# -- timeouts -------------------------------------------------------------------------------


@probe
def probe_rcvtimeo():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx)
        b.rcvtimeo = 50
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        await outcome(b.recv)
        rec(0.03 < loop.time() - t0 < 0.5)
        await outcome(b.recv_multipart)
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe
def probe_sndtimeo():
    async def main():
        ctx = zmq.asyncio.Context()
        s = ctx.socket(zmq.PUSH)
        s.linger = 0
        s.sndtimeo = 50
        await outcome(s.send, b"x")
        await outcome(s.send_multipart, [b"x", b"y"])
        s.close()
        ctx.term()

    run(main)


@probe
def probe_rcvtimeo_zero():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx)
        b.rcvtimeo = 0
        await outcome(b.recv, wait=0.3)
        a.close()
        b.close()
        ctx.term()

    run(main)


# -- Socket.poll ------------------------------------------------------------------------------


@probe
def probe_socket_poll_timeouts():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx)
        await outcome(b.poll, 0)
        await outcome(b.poll, 30)
        await outcome(b.poll, timeout=None, wait=0.1)
        await outcome(a.poll, 10, zmq.POLLOUT)
        await outcome(a.poll, None, zmq.POLLOUT)
        await a.send(b"x")
        await asyncio.sleep(0.01)
        await outcome(b.poll)
        await outcome(b.poll, 0, zmq.POLLIN | zmq.POLLOUT)
        await outcome(b.poll, -1)
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe
def probe_socket_poll_result_type():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx)
        r = await a.poll(10, zmq.POLLOUT)
        rec(type(r).__name__)
        r = await b.poll(10)
        rec(type(r).__name__)
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe
def probe_socket_poll_wakes():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx)
        p = b.poll(2000)
        await asyncio.sleep(0.01)
        await a.send(b"x")
        await outcome(lambda: p)
        await outcome(b.recv)
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe
def probe_socket_poll_bad_flags():
    async def main():
        ctx = zmq.asyncio.Context()
        s = ctx.socket(zmq.PULL)
        await outcome(s.poll, 10, 0, wait=0.2)
        await outcome(s.poll, "x", wait=0.2)
        s.close()
        ctx.term()

    run(main)


# -- Poller ---------------------------------------------------------------------------------


@probe
def probe_poller_timeouts():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx)
        p = zmq.asyncio.Poller()
        p.register(b, zmq.POLLIN)
        await outcome(p.poll, 0)
        await outcome(p.poll, 20)
        await outcome(p.poll, wait=0.1)
        await outcome(p.poll, None, wait=0.1)
        await outcome(p.poll, -1, wait=0.1)
        await a.send(b"x")
        await asyncio.sleep(0.01)
        r = await outcome(p.poll, 10)
        rec([(s is b, ev) for s, ev in r or []])
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe
def probe_poller_empty():
    async def main():
        p = zmq.asyncio.Poller()
        await outcome(p.poll, 0)
        await outcome(p.poll, 20)

    run(main)


@probe
def probe_poller_result_types():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx)
        p = zmq.asyncio.Poller()
        p.register(a, zmq.POLLOUT)
        r = await p.poll(100)
        rec([(type(s).__name__, type(e).__name__, int(e)) for s, e in r])
        rec(type(r).__name__)
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe
def probe_poller_wakes():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx)
        p = zmq.asyncio.Poller()
        p.register(b, zmq.POLLIN)
        f = p.poll(2000)
        await asyncio.sleep(0.01)
        await a.send(b"x")
        r = await outcome(lambda: f)
        rec([(s is b, ev) for s, ev in r or []])
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe
def probe_poller_sync_socket():
    async def main():
        sctx = zmq.Context()
        a, b = pair(sctx, addr="inproc://sync")
        p = zmq.asyncio.Poller()
        p.register(b, zmq.POLLIN)
        await outcome(p.poll, 20)
        f = p.poll(2000)
        await asyncio.sleep(0.01)
        a.send(b"x")
        r = await outcome(lambda: f)
        rec([(s is b, ev) for s, ev in r or []])
        a.close()
        b.close()
        sctx.term()

    run(main)


@probe
def probe_poller_fd_results():
    async def main():
        x, y = pysocket.socketpair()

        class Fileno:
            def fileno(self):
                return y.fileno()

        holder = Fileno()
        p = zmq.asyncio.Poller()
        p.register(x, zmq.POLLOUT)
        p.register(holder, zmq.POLLOUT)
        p.register(y.fileno(), zmq.POLLOUT)
        r = await outcome(p.poll, 100)
        rec([(s == x.fileno(), s == y.fileno(), type(s).__name__, ev) for s, ev in r or []])
        x.close()
        y.close()

    run(main)


@probe
def probe_poller_fd_wakes():
    async def main():
        x, y = pysocket.socketpair()
        p = zmq.asyncio.Poller()
        p.register(y, zmq.POLLIN)
        f = p.poll(2000)
        await asyncio.sleep(0.01)
        x.send(b"!")
        r = await outcome(lambda: f)
        rec([(s == y.fileno(), s is y, ev) for s, ev in r or []])
        p2 = zmq.asyncio.Poller()
        p2.register(y.fileno(), zmq.POLLIN)
        r = await outcome(p2.poll, 100)
        rec([(s == y.fileno(), ev) for s, ev in r or []])
        x.close()
        y.close()

    run(main)


@probe
def probe_poller_mixed():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx)
        x, y = pysocket.socketpair()
        p = zmq.asyncio.Poller()
        p.register(b, zmq.POLLIN)
        p.register(y, zmq.POLLIN)
        await a.send(b"m")
        x.send(b"!")
        await asyncio.sleep(0.01)
        r = await outcome(p.poll, 100)
        rec(sorted((s is b, s == y.fileno(), ev) for s, ev in r or []))
        a.close()
        b.close()
        x.close()
        y.close()
        ctx.term()

    run(main)


@probe
def probe_poller_register_modify_unregister():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx)
        p = zmq.asyncio.Poller()
        p.register(a)
        rec([(s is a, ev) for s, ev in p.sockets])
        p.modify(a, zmq.POLLOUT)
        r = await p.poll(100)
        rec([(s is a, ev) for s, ev in r])
        p.unregister(a)
        await outcome(p.poll, 10)
        call(p.unregister, a)
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe
def probe_poller_closed_socket():
    async def main():
        ctx = zmq.asyncio.Context()
        s = ctx.socket(zmq.PULL)
        p = zmq.asyncio.Poller()
        p.register(s, zmq.POLLIN)
        s.close()
        await outcome(p.poll, 10, wait=0.3)
        ctx.term()

    run(main)


@probe
def probe_poller_cancel():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx)
        p = zmq.asyncio.Poller()
        p.register(b, zmq.POLLIN)
        f = p.poll(5000)
        await asyncio.sleep(0.01)
        f.cancel()
        await asyncio.sleep(0.01)
        rec(f.cancelled())
        await a.send(b"x")
        await outcome(b.recv)
        a.close()
        b.close()
        ctx.term()

    run(main)


# -- close, cancellation, use after close --------------------------------------------------


@probe
def probe_close_pending_recvs():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx)
        fs = [b.recv(), b.recv_multipart(), b.recv(copy=False), b.recv_into(bytearray(4))]
        await asyncio.sleep(0.01)
        b.close()
        await asyncio.sleep(0.01)
        rec([(f.done(), f.cancelled()) for f in fs])
        for f in fs:
            await outcome(lambda: f, wait=0.1)
        a.close()
        ctx.term()

    run(main)


@probe
def probe_close_pending_decoding_recvs():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx)
        fs = [b.recv_string(), b.recv_json(), b.recv_pyobj(), b.recv_serialized(list)]
        await asyncio.sleep(0.01)
        b.close()
        await asyncio.sleep(0.01)
        for f in fs:
            await outcome(lambda: f, wait=0.1)
        a.close()
        ctx.term()

    run(main)


@probe
def probe_close_pending_polls():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx)
        fs = [b.poll(), b.poll(5000)]
        await asyncio.sleep(0.01)
        b.close()
        await asyncio.sleep(0.01)
        for f in fs:
            await outcome(lambda: f, wait=0.1)
        a.close()
        ctx.term()

    run(main)


@probe
def probe_close_pending_sends():
    async def main():
        ctx = zmq.asyncio.Context()
        s = ctx.socket(zmq.PUSH)
        s.linger = 0
        fs = [s.send(b"1"), s.send_multipart([b"2", b"3"])]
        await asyncio.sleep(0.01)
        s.close()
        await asyncio.sleep(0.01)
        for f in fs:
            await outcome(lambda: f, wait=0.1)
        ctx.term()

    run(main)


@probe
def probe_close_pending_poller():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx)
        p = zmq.asyncio.Poller()
        p.register(b, zmq.POLLIN)
        f = p.poll(5000)
        await asyncio.sleep(0.01)
        b.close()
        await asyncio.sleep(0.01)
        await outcome(lambda: f, wait=0.3)
        a.close()
        ctx.term()

    run(main)


@probe
def probe_close_pending_poller_two_sockets():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx)
        c = ctx.socket(zmq.PULL)
        p = zmq.asyncio.Poller()
        p.register(b, zmq.POLLIN)
        p.register(c, zmq.POLLIN)
        f = p.poll(5000)
        await asyncio.sleep(0.01)
        c.close()
        await asyncio.sleep(0.01)
        await outcome(lambda: f, wait=0.3)
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe
def probe_use_after_close():
    async def main():
        ctx = zmq.asyncio.Context()
        s = ctx.socket(zmq.PULL)
        s.close()
        await outcome(s.recv, wait=0.1)
        await outcome(s.recv_multipart, wait=0.1)
        for fn in (s.recv_string, s.recv_json, s.recv_pyobj):
            await outcome(fn, wait=0.1)
        await outcome(s.recv_serialized, list, wait=0.1)
        await outcome(s.recv_into, bytearray(2), wait=0.1)
        await outcome(s.send, b"x", wait=0.1)
        await outcome(s.send_multipart, [b"x"], wait=0.1)
        await outcome(s.send_string, "x", wait=0.1)
        await outcome(s.recv, zmq.NOBLOCK, wait=0.1)
        call(s.close)
        rec(s.closed)
        ctx.term()

    run(main)


@probe
def probe_poll_after_close():
    async def main():
        ctx = zmq.asyncio.Context()
        s = ctx.socket(zmq.PULL)
        s.close()
        await outcome(s.poll, 10, wait=0.1)
        await outcome(s.poll, 0, zmq.POLLOUT, wait=0.1)
        ctx.term()

    run(main)


@probe
def probe_destroy_pending_recv():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx)
        f = b.recv()
        await asyncio.sleep(0.01)
        ctx.destroy(linger=0)
        await asyncio.sleep(0.01)
        await outcome(lambda: f, wait=0.2)
        rec((a.closed, b.closed))

    run(main)


@probe
def probe_cancel_recv_keeps_message():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx)
        f = b.recv()
        await asyncio.sleep(0.01)
        f.cancel()
        await a.send(b"kept")
        await asyncio.sleep(0.01)
        rec(f.cancelled())
        await outcome(b.recv)
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe
def probe_cancel_recv_same_tick():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx)
        f1 = b.recv()
        f2 = b.recv()
        f1.cancel()
        await a.send(b"m1")
        await outcome(lambda: f2)
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe
def probe_cancel_send():
    async def main():
        ctx = zmq.asyncio.Context()
        a = ctx.socket(zmq.PUSH)
        a.linger = 0
        a.bind("inproc://cs")
        f = a.send(b"cancelled")
        await asyncio.sleep(0.01)
        f.cancel()
        b = ctx.socket(zmq.PULL)
        b.linger = 0
        b.connect("inproc://cs")
        await a.send(b"second")
        await outcome(b.recv)
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe
def probe_wait_for_timeout_recv():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx)
        try:
            await asyncio.wait_for(b.recv(), 0.02)
        except asyncio.TimeoutError:
            rec("timeout")
        await a.send(b"after")
        await outcome(b.recv)
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe
def probe_task_cancel_recv():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx)

        async def reader():
            return await b.recv()

        t = asyncio.ensure_future(reader())
        await asyncio.sleep(0.01)
        t.cancel()
        await outcome(lambda: t, wait=0.1)
        await a.send(b"x")
        await outcome(b.recv)
        a.close()
        b.close()
        ctx.term()

    run(main)


# -- context managers, options, loops, warnings --------------------------------------------


@probe
def probe_with_socket_and_context():
    async def main():
        with zmq.asyncio.Context() as ctx:
            with ctx.socket(zmq.PUSH) as s:
                rec(s.closed)
            rec(s.closed)
        rec(ctx.closed)

    run(main)


@probe
def probe_async_with():
    async def main():
        ctx = zmq.asyncio.Context()
        s = ctx.socket(zmq.PUSH)
        try:
            async with s:
                rec("entered")
        except Exception as e:  # noqa: BLE001
            rec(e)
        s.close()
        ctx.term()

    run(main)


@probe
def probe_options_and_events():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx)
        rec(b.get(zmq.EVENTS))
        rec(a.getsockopt(zmq.EVENTS))
        rec(b.events)
        b.rcvhwm = 7
        rec(b.get(zmq.RCVHWM))
        rec(type(b.get(zmq.FD)).__name__)
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe
def probe_unclosed_socket_warning():
    import gc

    ctx = zmq.asyncio.Context()
    s = ctx.socket(zmq.PUSH)
    del s
    gc.collect()
    ctx.term()
    rec("done")


@probe
def probe_unclosed_with_pending_recv_warning():
    import gc

    async def main():
        ctx = zmq.asyncio.Context()
        s = ctx.socket(zmq.PULL)
        f = s.recv()
        await asyncio.sleep(0.01)
        f.cancel()
        del s, f
        gc.collect()
        ctx.destroy(linger=0)

    run(main)
    rec("done")


@probe
def probe_call_outside_loop():
    ctx = zmq.asyncio.Context()
    a, b = pair(ctx)
    f = call(a.send, b"x")
    rec(type(f).__name__)
    loop = asyncio.new_event_loop()
    r = b.recv()
    rec(type(r).__name__)
    a.close()
    b.close()
    ctx.term()
    loop.close()


@probe
def probe_two_loops_in_sequence():
    ctx = zmq.asyncio.Context()
    a, b = pair(ctx)

    async def one(m):
        await a.send(m)
        return await asyncio.wait_for(b.recv(), 2)

    rec(asyncio.run(one(b"1")))
    rec(asyncio.run(one(b"2")))

    async def pending_then_send():
        f = b.recv()
        await asyncio.sleep(0.01)
        await a.send(b"3")
        return await asyncio.wait_for(f, 2)

    rec(asyncio.run(pending_then_send()))
    a.close()
    b.close()
    ctx.term()


@probe
def probe_recv_monitor_message():
    async def main():
        from zmq.utils.monitor import recv_monitor_message

        ctx = zmq.asyncio.Context()
        s = ctx.socket(zmq.PULL)
        s.linger = 0
        m = s.get_monitor_socket()
        rec(type(m).__name__)
        port = s.bind_to_random_port("tcp://127.0.0.1")
        r = recv_monitor_message(m)
        rec(inspect.isawaitable(r))
        if inspect.isawaitable(r):
            ev = await asyncio.wait_for(r, 2)
            rec(sorted(ev))
            rec((ev["event"], ev["endpoint"] == f"tcp://127.0.0.1:{port}".encode()))
        else:
            rec(sorted(r))
        s.disable_monitor()
        m.close()
        s.close()
        ctx.term()

    run(main)


@probe
def probe_recv_monitor_message_noblock():
    async def main():
        from zmq.utils.monitor import recv_monitor_message

        ctx = zmq.asyncio.Context()
        s = ctx.socket(zmq.PULL)
        m = s.get_monitor_socket(zmq.EVENT_CLOSED)
        await outcome(recv_monitor_message, m, zmq.NOBLOCK, wait=0.2)
        s.disable_monitor()
        m.close()
        s.close()
        ctx.term()

    run(main)


@probe
def probe_gather_many():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx, zmq.DEALER, zmq.DEALER)

        async def produce():
            for i in range(200):
                await a.send(b"%d" % i)

        async def consume():
            return [await b.recv() for _ in range(200)]

        _, got = await asyncio.gather(produce(), consume())
        rec(got == [b"%d" % i for i in range(200)])
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe
def probe_router_dealer_multipart():
    async def main():
        ctx = zmq.asyncio.Context()
        r, d = pair(ctx, zmq.ROUTER, zmq.DEALER)
        d.identity = b"me"
        d.close()
        d = ctx.socket(zmq.DEALER)
        d.linger = 0
        d.identity = b"me"
        d.connect("inproc://p")
        await d.send_multipart([b"hi", b"there"])
        msg = await asyncio.wait_for(r.recv_multipart(), 2)
        rec(msg)
        await r.send_multipart([b"me", b"back"])
        rec(await asyncio.wait_for(d.recv_multipart(), 2))
        r.close()
        d.close()
        ctx.term()

    run(main)


@probe
def probe_future_done_at_return():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx)
        f = a.send(b"x")
        await asyncio.sleep(0)
        rec(f.done())
        await asyncio.sleep(0.01)
        f = b.recv()
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        rec(f.done())
        await f
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe
def probe_send_noblock_behind_pending_send():
    async def main():
        ctx = zmq.asyncio.Context()
        s = ctx.socket(zmq.PUSH)
        s.linger = 0
        first = s.send(b"1")
        await asyncio.sleep(0.01)
        await outcome(s.send, b"2", zmq.NOBLOCK, wait=0.2)
        rec(first.done())
        s.close()
        ctx.term()

    run(main)


@probe
def probe_recv_noblock_behind_pending_recv():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx)
        first = b.recv()
        await asyncio.sleep(0.01)
        await outcome(b.recv, zmq.NOBLOCK, wait=0.2)
        await a.send(b"m")
        await outcome(lambda: first)
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe
def probe_recv_into_bad_buffers():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx)
        await outcome(b.recv_into, b"read-only", wait=0.2)
        await outcome(b.recv_into, "text", wait=0.2)
        await outcome(b.recv_into, bytearray(4), nbytes=-1, wait=0.2)
        await outcome(b.recv_into, bytearray(4), nbytes=9, wait=0.2)
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe
def probe_poll_while_recv_pending():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx)
        r = b.recv()
        p = b.poll(1000)
        await asyncio.sleep(0.01)
        await a.send(b"one")
        await outcome(lambda: r)
        await outcome(lambda: p, wait=0.3)
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe
def probe_poller_timeout_float_and_none_forever():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx)
        p = zmq.asyncio.Poller()
        p.register(b, zmq.POLLIN)
        await outcome(p.poll, 10.5)
        f = p.poll(None)
        await asyncio.sleep(0.05)
        rec(f.done())
        await a.send(b"x")
        r = await outcome(lambda: f)
        rec([(s is b, ev) for s, ev in r or []])
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe
def probe_poll_before_recv_sees_message():
    async def main():
        ctx = zmq.asyncio.Context()
        a, b = pair(ctx)
        p = b.poll(1000)
        r = b.recv()
        await asyncio.sleep(0.01)
        await a.send(b"one")
        await outcome(lambda: r)
        await outcome(lambda: p, wait=0.3)
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe
def probe_term_in_thread_with_pending_recv():
    import threading

    async def main():
        ctx = zmq.asyncio.Context()
        s = ctx.socket(zmq.PULL)
        s.linger = 0
        s.bind("inproc://eterm")
        f = s.recv()
        p = s.poll(3000)
        await asyncio.sleep(0.01)
        t = threading.Thread(target=ctx.term)
        t.start()
        await outcome(lambda: f, wait=1.0)
        await outcome(lambda: p, wait=0.3)
        await outcome(s.recv, wait=0.2)
        await outcome(s.send, b"x", wait=0.2)
        s.close()
        await asyncio.get_running_loop().run_in_executor(None, t.join, 2)
        rec(t.is_alive())

    run(main)


@probe
def probe_star_import():
    ns = {}
    exec("from zmq.asyncio import *", ns)
    rec(sorted(k for k in ns if not k.startswith("__")))
