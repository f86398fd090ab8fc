"""Probes of zmq.eventloop.future: sockets whose calls return futures, under Tornado's IOLoop.

Each probe runs its coroutine on a fresh ``tornado.ioloop.IOLoop`` (``run_sync`` with a
timeout) and closes it. :func:`outcome` records how a call behaved: raised at once, or
returned a future and what it gave (value, exception, cancellation, still pending).
"""
import asyncio
import inspect
import os
import socket as pysocket
import sys

import zmq
from _probe import call, mask, probe, rec

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _awaitables import outcome, settle  # noqa: E402  (shared with p_asyncio)


def run(coro_fn, timeout=3.0, all_fds=False):
    """Run ``coro_fn()`` on a new IOLoop; record 'loop-timeout' if it takes too long."""
    from tornado.ioloop import IOLoop

    loop = IOLoop()
    try:
        return loop.run_sync(coro_fn, timeout=timeout)
    except asyncio.TimeoutError:
        rec("loop-timeout")
    finally:
        loop.close(all_fds=all_fds)


def future_mod():
    import zmq.eventloop.future as F

    return F


def pair(ctx, a=zmq.PUSH, b=zmq.PULL, addr="inproc://f"):
    """Two connected sockets of ``ctx`` with linger 0."""
    s1, s2 = ctx.socket(a), ctx.socket(b)
    s1.linger = s2.linger = 0
    s1.bind(addr)
    s2.connect(addr)
    return s1, s2


@probe(needs=("tornado",))
def probe_module_names():
    F = future_mod()
    rec([hasattr(F, n) for n in ("Context", "Socket", "Poller", "Future", "CancelledError", "IOLoop")])
    rec(F.Future is asyncio.Future)


@probe(needs=("tornado",))
def probe_cancelled_error_class():
    F = future_mod()
    rec(issubclass(F.CancelledError, asyncio.CancelledError))


@probe(needs=("tornado",))
def probe_awaiting_cancelled_recv():
    F = future_mod()

    async def main():
        ctx = F.Context()
        a, b = pair(ctx)
        f = b.recv()
        await asyncio.sleep(0.01)
        rec(f.cancel())
        rec((f.cancelled(), f.done()))
        try:
            await f
        except F.CancelledError:
            rec("caught as future.CancelledError")
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe(needs=("tornado",))
def probe_class_relations():
    import zmq.asyncio

    F = future_mod()
    rec(issubclass(F.Socket, zmq.Socket))
    rec(issubclass(F.Socket, zmq.asyncio.Socket))
    rec(issubclass(F.Context, zmq.Context))
    rec(issubclass(F.Context, zmq.asyncio.Context))
    rec(issubclass(F.Poller, zmq.Poller))
    rec(getattr(F.Poller, "_socket_class", None) is F.Socket)


@probe(needs=("tornado",))
def probe_reprs():
    F = future_mod()
    ctx = F.Context()
    s = ctx.socket(zmq.PUSH)
    rec(mask(repr(s)))
    rec(mask(repr(F.Poller())))
    s.close()
    ctx.term()


@probe(needs=("tornado",))
def probe_context_instance():
    import zmq.asyncio

    F = future_mod()
    c = F.Context.instance()
    rec(type(c).__module__)
    rec(c is F.Context.instance())
    rec(c is zmq.Context.instance())
    rec(c is zmq.asyncio.Context.instance())


@probe(needs=("tornado",))
def probe_socket_constructors():
    F = future_mod()
    ctx = F.Context()
    sync = zmq.Context().socket(zmq.PUSH)
    made = [call(F.Socket, ctx, zmq.PULL), call(F.Socket, sync), call(F.Socket.from_socket, sync),
            call(F.Socket, ctx, zmq.PAIR, io_loop=None), call(F.Socket.from_socket, sync, io_loop=None)]
    for s in made:
        if s is not None:
            rec((s.type, s.underlying == sync.underlying, type(s.context).__name__))
    made[0].close()
    made[3].close()
    sync.close()
    ctx.term()


@probe(needs=("tornado",))
def probe_signatures():
    F = future_mod()
    for name in ("recv", "send", "poll", "recv_into", "from_socket"):
        rec([p for p in inspect.signature(getattr(F.Socket, name)).parameters], name)
    rec(inspect.signature(F.Poller.poll).parameters["timeout"].default)


@probe(needs=("tornado",))
def probe_send_recv():
    F = future_mod()

    async def main():
        ctx = F.Context()
        a, b = pair(ctx)
        await outcome(a.send, b"hello")
        await outcome(b.recv)
        await outcome(a.send_multipart, [b"a", b"b"])
        await outcome(b.recv_multipart)
        await outcome(a.send_string, "s")
        await outcome(b.recv_string)
        await outcome(a.send_json, {"k": 1})
        await outcome(b.recv_json)
        await outcome(a.send_pyobj, (1, 2))
        await outcome(b.recv_pyobj)
        await outcome(a.send_serialized, "x", lambda m: [m.encode()])
        await outcome(b.recv_serialized, lambda parts: parts[0])
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe(needs=("tornado",))
def probe_recv_pending_then_send():
    F = future_mod()

    async def main():
        ctx = F.Context()
        a, b = pair(ctx)
        f = b.recv_multipart()
        rec(isinstance(f, asyncio.Future))
        await asyncio.sleep(0.01)
        await a.send_multipart([b"1", b"2"])
        await outcome(lambda: f)
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe(needs=("tornado",))
def probe_gen_coroutine():
    F = future_mod()
    from tornado import gen

    @gen.coroutine
    def main():
        ctx = F.Context()
        a, b = pair(ctx)
        yield a.send(b"via gen")
        msg = yield b.recv()
        rec(msg)
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe(needs=("tornado",))
def probe_recv_noblock_empty():
    F = future_mod()

    async def main():
        ctx = F.Context()
        a, b = pair(ctx)
        await outcome(b.recv, zmq.NOBLOCK, wait=0.2)
        await outcome(b.recv_multipart, zmq.NOBLOCK, wait=0.2)
        await outcome(b.recv_string, zmq.NOBLOCK, wait=0.2)
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe(needs=("tornado",))
def probe_send_noblock_no_peer():
    F = future_mod()

    async def main():
        ctx = F.Context()
        s = ctx.socket(zmq.PUSH)
        s.linger = 0
        await outcome(s.send, b"x", zmq.NOBLOCK, wait=0.2)
        await outcome(s.send, b"x", wait=0.1)
        s.close()
        ctx.term()

    run(main)


@probe(needs=("tornado",))
def probe_recv_into():
    F = future_mod()

    async def main():
        ctx = F.Context()
        a, b = pair(ctx)
        buf = bytearray(6)
        await outcome(b.recv_into, buf, flags=zmq.NOBLOCK, wait=0.2)
        await a.send(b"abc")
        await outcome(b.recv_into, buf)
        rec(bytes(buf))
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe(needs=("tornado",))
def probe_rcvtimeo_sndtimeo():
    F = future_mod()

    async def main():
        ctx = F.Context()
        a, b = pair(ctx)
        b.rcvtimeo = 30
        await outcome(b.recv)
        c = ctx.socket(zmq.PUSH)
        c.linger = 0
        c.sndtimeo = 30
        await outcome(c.send, b"x")
        a.close()
        b.close()
        c.close()
        ctx.term()

    run(main)


@probe(needs=("tornado",))
def probe_socket_poll():
    F = future_mod()

    async def main():
        ctx = F.Context()
        a, b = pair(ctx)
        await outcome(b.poll, 0)
        await outcome(b.poll, 20)
        await outcome(a.poll, 10, zmq.POLLOUT)
        p = b.poll(2000)
        await asyncio.sleep(0.01)
        await a.send(b"x")
        await outcome(lambda: p)
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe(needs=("tornado",))
def probe_poller():
    F = future_mod()

    async def main():
        ctx = F.Context()
        a, b = pair(ctx)
        p = F.Poller()
        p.register(b, zmq.POLLIN)
        await outcome(p.poll, 0)
        await outcome(p.poll, 20)
        f = p.poll(2000)
        await asyncio.sleep(0.01)
        await a.send(b"x")
        r = await outcome(lambda: f)
        rec([(s is b, ev) for s, ev in r or []])
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe(needs=("tornado",))
def probe_poller_fd_results():
    F = future_mod()

    async def main():
        x, y = pysocket.socketpair()

        u, v = pysocket.socketpair()

        class Fileno:
            def fileno(self):
                return u.fileno()

        p = F.Poller()
        p.register(x, zmq.POLLOUT)
        p.register(Fileno(), zmq.POLLOUT)
        p.register(y.fileno(), zmq.POLLOUT)
        r = await outcome(p.poll, 100)
        rec([(s == x.fileno(), s == u.fileno(), s == y.fileno(), type(s).__name__) for s, _ in r or []])
        u.close()
        v.close()
        p2 = F.Poller()
        p2.register(y, zmq.POLLIN)
        f = p2.poll(2000)
        await asyncio.sleep(0.01)
        x.send(b"!")
        r = await outcome(lambda: f)
        rec([(s == y.fileno(), ev) for s, ev in r or []])
        x.close()
        y.close()

    run(main)


@probe(needs=("tornado",))
def probe_poller_same_fd_twice():
    F = future_mod()

    async def main():
        x, y = pysocket.socketpair()

        class Fileno:
            def fileno(self):
                return x.fileno()

        p = F.Poller()
        p.register(x, zmq.POLLOUT)
        p.register(Fileno(), zmq.POLLOUT)
        r = await outcome(p.poll, 100)
        rec([s == x.fileno() for s, _ in r or []])
        x.close()
        y.close()

    run(main)


@probe(needs=("tornado",))
def probe_poller_sync_socket():
    F = future_mod()

    async def main():
        sctx = zmq.Context()
        a, b = pair(sctx, addr="inproc://fsync")
        p = F.Poller()
        p.register(b, zmq.POLLIN)
        await outcome(p.poll, 20)
        a.send(b"x")
        r = await outcome(p.poll, 1000)
        rec([(s is b, ev) for s, ev in r or []])
        a.close()
        b.close()
        sctx.term()

    run(main)


@probe(needs=("tornado",))
def probe_close_cancels():
    F = future_mod()

    async def main():
        ctx = F.Context()
        a, b = pair(ctx)
        fs = [b.recv(), b.recv_multipart(), b.poll(5000)]
        p = F.Poller()
        p.register(b, zmq.POLLIN)
        fs.append(p.poll(5000))
        c = ctx.socket(zmq.PUSH)
        c.linger = 0
        fs.append(c.send(b"x"))
        await asyncio.sleep(0.01)
        b.close()
        c.close()
        await asyncio.sleep(0.01)
        for f in fs:
            await outcome(lambda: f, wait=0.2)
        a.close()
        ctx.term()

    run(main)


@probe(needs=("tornado",))
def probe_use_after_close():
    F = future_mod()

    async def main():
        ctx = F.Context()
        s = ctx.socket(zmq.PULL)
        s.close()
        await outcome(s.recv, wait=0.1)
        await outcome(s.send, b"x", wait=0.1)
        await outcome(s.recv, zmq.NOBLOCK, wait=0.1)
        ctx.term()

    run(main)


@probe(needs=("tornado",))
def probe_cancel_recv_keeps_message():
    F = future_mod()

    async def main():
        ctx = F.Context()
        a, b = pair(ctx)
        f = b.recv()
        await asyncio.sleep(0.01)
        f.cancel()
        await a.send(b"kept")
        await asyncio.sleep(0.01)
        await outcome(b.recv)
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe(needs=("tornado",))
def probe_ioloop_close_all_fds_after_pending_recv():
    F = future_mod()
    ctx = F.Context()
    a, b = pair(ctx)

    async def main():
        b.recv()
        await asyncio.sleep(0.01)

    run(main, all_fds=True)
    rec((a.closed, b.closed))
    a.close()
    b.close()
    ctx.term()


@probe(needs=("tornado",))
def probe_ioloop_close_all_fds_pending_future():
    F = future_mod()
    ctx = F.Context()
    a, b = pair(ctx)
    state = {}

    async def main():
        state["f"] = b.recv()
        await asyncio.sleep(0.01)

    run(main, all_fds=True)
    rec(state["f"].cancelled())
    a.close()
    b.close()
    ctx.term()


@probe(needs=("tornado",))
def probe_ioloop_close_all_fds_after_completed_recv():
    F = future_mod()
    ctx = F.Context()
    a, b = pair(ctx)

    async def main():
        f = b.recv()
        await asyncio.sleep(0.01)
        await a.send(b"x")
        rec(await asyncio.wait_for(f, 2))

    run(main, all_fds=True)
    rec((a.closed, b.closed))
    a.close()
    b.close()
    ctx.term()


@probe(needs=("tornado",))
def probe_ioloop_close_all_fds_after_eager_ops():
    F = future_mod()
    ctx = F.Context()
    a, b = pair(ctx)

    async def main():
        await a.send(b"x")
        await asyncio.sleep(0.01)
        rec(await asyncio.wait_for(b.recv(), 2))

    run(main, all_fds=True)
    rec((a.closed, b.closed))
    a.close()
    b.close()
    ctx.term()


@probe(needs=("tornado",))
def probe_ioloop_close_all_fds_after_pending_poll():
    F = future_mod()
    ctx = F.Context()
    a, b = pair(ctx)

    async def main():
        f = b.poll(5000)
        await asyncio.sleep(0.01)
        f.cancel()

    run(main, all_fds=True)
    rec((a.closed, b.closed))
    a.close()
    b.close()
    ctx.term()


@probe(needs=("tornado",))
def probe_ioloop_close_without_all_fds():
    F = future_mod()
    ctx = F.Context()
    a, b = pair(ctx)

    async def main():
        b.recv()
        await asyncio.sleep(0.01)

    run(main)
    rec(b.closed)
    a.close()
    b.close()
    ctx.term()


@probe(needs=("tornado",))
def probe_close_then_new_loop():
    F = future_mod()
    ctx = F.Context()
    a, b = pair(ctx)

    async def first():
        f = b.recv()
        await asyncio.sleep(0.01)
        f.cancel()

    async def second():
        await a.send(b"again")
        return await asyncio.wait_for(b.recv(), 2)

    run(first)
    rec(run(second))
    a.close()
    b.close()
    ctx.term()


@probe(needs=("tornado",))
def probe_recv_monitor_message():
    F = future_mod()

    async def main():
        from zmq.utils.monitor import recv_monitor_message

        ctx = F.Context()
        s = ctx.socket(zmq.PULL)
        s.linger = 0
        m = s.get_monitor_socket()
        rec(type(m).__module__)
        s.bind_to_random_port("tcp://127.0.0.1")
        r = recv_monitor_message(m)
        rec(inspect.isawaitable(r))
        if inspect.isawaitable(r):
            ev = await asyncio.wait_for(r, 2)
            rec(ev["event"])
        s.disable_monitor()
        m.close()
        s.close()
        ctx.term()

    run(main)


@probe(needs=("tornado",))
def probe_reqrep_roundtrips():
    F = future_mod()

    async def main():
        ctx = F.Context()
        rep, req = pair(ctx, zmq.REP, zmq.REQ)

        async def server():
            for _ in range(3):
                await rep.send(await rep.recv())

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


@probe(needs=("tornado",))
def probe_with_statement():
    F = future_mod()

    async def main():
        with F.Context() as ctx:
            with ctx.socket(zmq.PUSH) as s:
                rec(s.closed)
            rec(s.closed)
        rec(ctx.closed)

    run(main)


@probe(needs=("tornado",))
def probe_unclosed_socket_warning():
    import gc

    F = future_mod()
    ctx = F.Context()
    s = ctx.socket(zmq.PUSH)
    del s
    gc.collect()
    ctx.term()
    rec("done")


@probe(needs=("tornado",))
def probe_poll_order_against_recv():
    F = future_mod()

    async def main():
        ctx = F.Context()
        a, b = pair(ctx)
        before = b.poll(1000)
        r1 = b.recv()
        after = b.poll(1000)
        await asyncio.sleep(0.01)
        await a.send(b"one")
        await outcome(lambda: r1)
        await outcome(lambda: before, wait=0.3)
        await outcome(lambda: after, wait=0.3)
        a.close()
        b.close()
        ctx.term()

    run(main)


@probe(needs=("tornado",))
def probe_send_noblock_behind_pending_send():
    F = future_mod()

    async def main():
        ctx = F.Context()
        s = ctx.socket(zmq.PUSH)
        s.linger = 0
        s.bind("inproc://fnb")
        first = s.send(b"1")
        await asyncio.sleep(0.01)
        second = s.send(b"2", zmq.NOBLOCK)
        await asyncio.sleep(0.01)
        rec((first.done(), second.done()))
        pull = ctx.socket(zmq.PULL)
        pull.linger = 0
        pull.connect("inproc://fnb")
        await outcome(pull.recv)
        await outcome(pull.recv)
        await outcome(lambda: second)
        pull.close()
        s.close()
        ctx.term()

    run(main)


@probe(needs=("tornado",))
def probe_closed_socket_recvs_raise_now():
    F = future_mod()

    async def main():
        ctx = F.Context()
        s = ctx.socket(zmq.PULL)
        s.close()
        for fn in (s.recv_multipart, s.recv_string, s.recv_json, s.recv_pyobj):
            await outcome(fn, wait=0.1)
        await outcome(s.recv_into, bytearray(2), wait=0.1)
        await outcome(s.send_multipart, [b"x"], wait=0.1)
        ctx.term()

    run(main)


@probe(needs=("tornado",))
def probe_term_in_thread_with_pending_recv():
    import threading

    F = future_mod()

    async def main():
        ctx = F.Context()
        s = ctx.socket(zmq.PULL)
        s.linger = 0
        s.bind("inproc://feterm")
        f = s.recv()
        await asyncio.sleep(0.01)
        t = threading.Thread(target=ctx.term)
        t.start()
        await outcome(lambda: f, wait=0.5)
        await outcome(s.send, b"x", wait=0.2)
        call(s.close)
        await asyncio.get_running_loop().run_in_executor(None, t.join, 2)
        rec(t.is_alive())

    run(main)


@probe(needs=("tornado",))
def probe_star_import():
    ns = {}
    exec("from zmq.eventloop.future import *", ns)
    rec(sorted(k for k in ns if not k.startswith("__")))
