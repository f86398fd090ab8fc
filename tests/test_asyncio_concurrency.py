"""zmq.asyncio under concurrency: FIFO service of many waiters, ordered bursts of 10,000
messages (async/async, sync thread/async, async/sync thread), HWM pressure with queued
sends, the edge-triggered ZMQ_FD (operations of one task consuming the wake-up another
needs), several event loops in several threads (uvloop too, when installed), an asyncio
server with sync clients, and no busy-looping while idle.

Coroutines are driven with asyncio.run; every wait is bounded by asyncio.wait_for.
"""
from __future__ import annotations

import asyncio
import functools
import os
import random
import select
import threading
import time

import _helpers
import pytest
from _helpers import close_made, close_made_sockets, inproc, pipe, within  # noqa: F401  (fixtures)

import zmq
import zmq.asyncio

POLLIN, POLLOUT = zmq.POLLIN, zmq.POLLOUT

#: Async sockets get no rcvtimeo/sndtimeo: every await that could hang is bounded by within().
make = functools.partial(_helpers.make, timeout=None)


def run(coro, timeout: float = 15.0, loop_factory=None):
    """Run ``coro`` in a fresh event loop, failing (not hanging) after ``timeout`` s."""
    if hasattr(asyncio, "Runner"):
        with asyncio.Runner(loop_factory=loop_factory) as runner:
            return runner.run(asyncio.wait_for(coro, timeout))
    # Python < 3.11 (PyPy 3.9): what Runner does, by hand
    loop = (loop_factory or asyncio.new_event_loop)()
    try:
        asyncio.set_event_loop(loop)
        return loop.run_until_complete(asyncio.wait_for(coro, timeout))
    finally:
        try:
            left = asyncio.all_tasks(loop)
            for task in left:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*left, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            asyncio.set_event_loop(None)
            loop.close()


@pytest.fixture
def sctx():
    ctx = zmq.Context()
    yield ctx
    close_made()  # sockets of the async shadow context too: term() would wait for them
    ctx.destroy(linger=0)


@pytest.fixture
def actx(sctx):
    """An async Context sharing ``sctx``'s libzmq context (so inproc links sync and async)."""
    return zmq.asyncio.Context.from_context(sctx)


@pytest.fixture(params=["inproc", "tcp"])
def transport(request):
    return request.param


def bind(s, transport: str) -> str:
    if transport == "inproc":
        addr = inproc()
        s.bind(addr)
        return addr
    s.bind("tcp://127.0.0.1:*")
    return s.last_endpoint.decode()


def connect_pair(ctx_a, kind_a, ctx_b, kind_b, transport, **options):
    """(a, b): ``a`` (from ctx_a) bound, ``b`` (from ctx_b) connected to it."""
    a = make(ctx_a, kind_a, **options)
    b = make(ctx_b, kind_b, **options)
    b.connect(bind(a, transport))
    return a, b


def start_thread(target, *args):
    errors: list[BaseException] = []

    def wrapper():
        try:
            target(*args)
        except BaseException as e:  # reported by join()
            errors.append(e)

    t = threading.Thread(target=wrapper, daemon=True)
    t.start()

    def join(timeout: float = 15.0):
        t.join(timeout)
        assert not t.is_alive(), "thread did not finish"
        if errors:
            raise errors[0]

    return join


# -- FIFO and ordering ----------------------------------------------------------------------


def test_fifty_concurrent_recv_waiters_are_served_in_fifo_order(actx, transport):
    push, pull = connect_pair(actx, zmq.PUSH, actx, zmq.PULL, transport)
    n = 50

    async def main():
        results: list = [None] * n

        async def waiter(i):
            kind = i % 3  # the kinds of receive share one queue
            if kind == 0:
                results[i] = await pull.recv()
            elif kind == 1:
                results[i] = (await pull.recv_multipart())[0]
            else:
                results[i] = (await pull.recv_string()).encode()

        tasks = [asyncio.ensure_future(waiter(i)) for i in range(n)]
        await asyncio.sleep(0.01)  # every task has queued its receive, in creation order
        assert not any(t.done() for t in tasks)
        for i in range(n):
            await within(push.send(b"%d" % i))
        await within(asyncio.gather(*tasks))
        assert results == [b"%d" % i for i in range(n)]

        # plain futures, issued in order before any message exists
        futures = [pull.recv() for _ in range(n)]
        for i in range(n):
            await within(push.send(b"f%d" % i))
        assert await within(asyncio.gather(*futures)) == [b"f%d" % i for i in range(n)]

    run(main())


def test_queued_sends_keep_their_order_under_hwm(actx, transport):
    push, pull = connect_pair(actx, zmq.PUSH, actx, zmq.PULL, transport, sndhwm=5, rcvhwm=5)
    n = 1000

    async def main():
        futures = [push.send(b"%d" % i) for i in range(n)]
        if transport == "inproc":  # the pipe holds about sndhwm + rcvhwm: the rest must wait
            assert sum(not f.done() for f in futures) > n - 50
        got = [await within(pull.recv()) for _ in range(n)]
        assert got == [b"%d" % i for i in range(n)]
        await within(asyncio.gather(*futures))

    run(main())


def test_concurrent_sender_tasks_keep_each_tasks_order(actx, transport):
    push, pull = connect_pair(actx, zmq.PUSH, actx, zmq.PULL, transport, sndhwm=20, rcvhwm=20)
    senders, per_sender = 5, 300

    async def sender(k):
        rng = random.Random(k)
        for i in range(per_sender):
            await push.send_multipart([b"%d" % k, b"%d" % i])
            if rng.random() < 0.2:
                await asyncio.sleep(0)

    async def receiver():
        last = {k: -1 for k in range(senders)}
        for _ in range(senders * per_sender):
            k, i = await pull.recv_multipart()
            k, i = int(k), int(i)
            assert i == last[k] + 1, (k, i, last[k])
            last[k] = i
        return last

    async def main():
        tasks = [sender(k) for k in range(senders)]
        last, *_ = await within(asyncio.gather(receiver(), *tasks), 10)
        assert last == {k: per_sender - 1 for k in range(senders)}
        assert await within(pull.poll(20)) == 0

    run(main())


N_BURST = 10_000


def test_burst_both_ends_async_in_one_loop(actx, transport):
    push, pull = connect_pair(actx, zmq.PUSH, actx, zmq.PULL, transport)

    async def producer():
        for i in range(N_BURST):
            await push.send(b"%d" % i)

    async def consumer():
        for i in range(N_BURST):
            msg = await pull.recv()
            if msg != b"%d" % i:
                raise AssertionError(f"message {i} was {msg!r}")

    async def main():
        await within(asyncio.gather(consumer(), producer()), 12)
        assert await within(pull.poll(20)) == 0

    run(main())


def test_burst_sync_sender_thread_to_async_receiver(sctx, actx, transport):
    pull, push = connect_pair(actx, zmq.PULL, sctx, zmq.PUSH, transport, sndtimeo=5000)

    def produce():
        for i in range(N_BURST):
            push.send(b"%d" % i)

    async def main():
        join = start_thread(produce)
        got = []
        try:
            for _ in range(N_BURST):
                got.append(await within(pull.recv()))
        finally:
            join()
        assert got == [b"%d" % i for i in range(N_BURST)]
        assert await within(pull.poll(20)) == 0

    run(main())


def test_burst_async_sender_to_sync_receiver_thread(sctx, actx, transport):
    pull, push = connect_pair(sctx, zmq.PULL, actx, zmq.PUSH, transport, rcvtimeo=5000)
    got = []

    def consume():
        for _ in range(N_BURST):
            got.append(pull.recv())

    async def main():
        join = start_thread(consume)
        try:
            for i in range(N_BURST):
                await within(push.send(b"%d" % i))
        finally:
            await asyncio.get_running_loop().run_in_executor(None, join)
        assert got == [b"%d" % i for i in range(N_BURST)]

    run(main())


def test_hwm_pressure_async_sender_slow_sync_receiver(sctx, actx, transport):
    pull, push = connect_pair(sctx, zmq.PULL, actx, zmq.PUSH, transport, rcvtimeo=5000, sndhwm=2, rcvhwm=2)
    n = 2000
    got = []

    def consume():
        for i in range(n):
            if i % 200 == 0:
                time.sleep(0.01)  # the sender's queue fills up meanwhile
            got.append(pull.recv_multipart())

    async def main():
        join = start_thread(consume)
        try:
            futures = [push.send_multipart([b"%d" % i, b"x" * (i % 50)]) for i in range(n)]
            await within(asyncio.gather(*futures), 10)
        finally:
            await asyncio.get_running_loop().run_in_executor(None, join)
        assert got == [[b"%d" % i, b"x" * (i % 50)] for i in range(n)]

    run(main())


# -- the edge-triggered ZMQ_FD ---------------------------------------------------------------


@pytest.mark.parametrize("echo", ["in-loop", "in-thread"])
def test_dealer_recv_waiter_while_another_task_sends_on_the_same_socket(sctx, actx, echo):
    """The receiving task's wake-up can be consumed by the sending task's libzmq calls."""
    router_ctx = actx if echo == "in-loop" else sctx
    router, dealer = connect_pair(router_ctx, zmq.ROUTER, actx, zmq.DEALER, "tcp", rcvtimeo=5000, sndtimeo=5000)
    n = 2000

    async def async_echo():
        for _ in range(n):
            await router.send_multipart(await router.recv_multipart())

    def sync_echo():
        for _ in range(n):
            router.send_multipart(router.recv_multipart())

    async def receiver():
        return [await dealer.recv() for _ in range(n)]

    async def sender():
        rng = random.Random(5)
        for i in range(n):
            await dealer.send(b"%d" % i)
            r = rng.random()
            if r < 0.1:
                await asyncio.sleep(0)
            elif r < 0.12:
                await asyncio.sleep(0.001)

    async def main():
        if echo == "in-loop":
            got, *_ = await within(asyncio.gather(receiver(), sender(), async_echo()), 12)
        else:
            join = start_thread(sync_echo)
            try:
                got, _ = await within(asyncio.gather(receiver(), sender()), 12)
            finally:
                await asyncio.get_running_loop().run_in_executor(None, join)
        assert got == [b"%d" % i for i in range(n)]

    run(main())


def test_req_rep_lockstep_over_tcp_in_one_loop(actx):
    pairs = [connect_pair(actx, zmq.REP, actx, zmq.REQ, "tcp") for _ in range(3)]
    rounds = 400

    async def server(rep):
        for _ in range(rounds):
            msg = await rep.recv()
            await rep.send(b"re:" + msg)

    async def client(req, k):
        for i in range(rounds):
            await req.send(b"%d-%d" % (k, i))
            reply = await req.recv()
            assert reply == b"re:%d-%d" % (k, i)

    async def main():
        jobs = []
        for k, (rep, req) in enumerate(pairs):
            jobs += [server(rep), client(req, k)]
        await within(asyncio.gather(*jobs), 12)

    run(main())


def test_pending_poll_sees_what_a_recv_queued_after_it_takes(actx, transport):
    # as in pyzmq: a poll queued before a recv reports the message that recv then takes; a
    # poll queued after it sees the socket as the recv left it
    push, pull = connect_pair(actx, zmq.PUSH, actx, zmq.PULL, transport)

    async def main():
        received = pull.recv()
        polled = pull.poll(5000)
        await asyncio.sleep(0.01)
        await within(push.send(b"taken"))
        assert await within(received) == b"taken"
        await asyncio.sleep(0.05)
        assert not polled.done()
        await within(push.send(b"left"))
        assert await within(polled) == POLLIN
        assert await within(pull.recv()) == b"left"

    run(main())


def test_pending_poll_and_pending_recv_on_one_socket_both_complete(actx, transport):
    push, pull = connect_pair(actx, zmq.PUSH, actx, zmq.PULL, transport)

    async def main():
        for i in range(50):
            polled = pull.poll(5000)
            received = pull.recv()
            await asyncio.sleep(0)
            await within(push.send(b"%d" % i))
            assert await within(received) == b"%d" % i
            assert await within(polled) == POLLIN

    run(main())


def _router_and_dealer(sctx, actx):
    """A tcp ROUTER (sync, 5 s timeouts) and a DEALER (async) connected to it."""
    router, dealer = connect_pair(sctx, zmq.ROUTER, actx, zmq.DEALER, "tcp", rcvtimeo=5000)
    return router, dealer


def _block_until_signalled(sock, timeout=5.0):
    """Block the thread (the loop cannot run) until ``sock``'s ZMQ_FD signals, without a
    libzmq call on ``sock`` (which would consume the signal)."""
    readable, _, _ = select.select([zmq.Socket.get(sock, zmq.FD)], [], [], timeout)
    assert readable, "the FD never signalled"


async def _reply_lands_while_loop_is_blocked(router, dealer):
    """Queue a recv on ``dealer``, then make the reply arrive (its FD signalled) while the
    loop cannot run; returns the pending recv future."""
    await within(dealer.send(b"hello"))
    ident, _ = router.recv_multipart()
    pending = dealer.recv()
    await asyncio.sleep(0.02)
    assert not pending.done()
    router.send_multipart([ident, b"reply"])
    _block_until_signalled(dealer)  # the reply lands and signals the FD; the loop is blocked meanwhile
    return pending


def test_control_reply_reaches_a_queued_recv(sctx, actx):
    """The baseline for the three tests below: nothing else touches the socket."""
    router, dealer = _router_and_dealer(sctx, actx)

    async def main():
        pending = await _reply_lands_while_loop_is_blocked(router, dealer)
        assert await within(pending, 0.5) == b"reply"

    run(main())


@pytest.mark.parametrize("flags", [POLLIN, POLLOUT], ids=["POLLIN", "POLLOUT"])
def test_immediate_socket_poll_does_not_strand_a_queued_recv(sctx, actx, flags):
    router, dealer = _router_and_dealer(sctx, actx)

    async def main():
        pending = await _reply_lands_while_loop_is_blocked(router, dealer)
        assert await within(dealer.poll(1000, flags)) & flags
        assert await within(pending, 0.5) == b"reply"

    run(main())


def test_poller_on_a_socket_does_not_strand_its_queued_recv(sctx, actx):
    router, dealer = _router_and_dealer(sctx, actx)
    poller = zmq.asyncio.Poller()
    poller.register(dealer, POLLIN)

    async def main():
        pending = await _reply_lands_while_loop_is_blocked(router, dealer)
        assert await within(poller.poll(1000)) == [(dealer, POLLIN)]
        assert await within(pending, 0.5) == b"reply"

    run(main())


@pytest.mark.parametrize("direction", ["send-miss-strands-recv", "recv-miss-strands-send"])
def test_noblock_miss_does_not_strand_the_other_direction(sctx, actx, direction):
    addr = inproc()
    a = make(actx, zmq.PAIR, sndhwm=1, rcvhwm=1)
    b = make(sctx, zmq.PAIR, sndhwm=1, rcvhwm=1, rcvtimeo=5000, sndtimeo=5000)
    a.bind(addr)
    b.connect(addr)

    async def fill():
        filled = 0
        while True:
            try:
                await a.send(b"fill", zmq.NOBLOCK)
            except zmq.Again:
                return filled
            filled += 1

    async def main():
        filled = await fill()
        if direction == "send-miss-strands-recv":
            pending = a.recv()
            await asyncio.sleep(0.02)
            b.send(b"to-a")
            _block_until_signalled(a)  # a's FD is signalled while the loop is blocked
            with pytest.raises(zmq.Again):
                await a.send(b"more", zmq.NOBLOCK)  # the pipe is still full
            assert await within(pending, 0.5) == b"to-a"
        else:
            pending = a.send(b"queued")
            await asyncio.sleep(0.02)
            assert not pending.done()
            for _ in range(filled):
                assert b.recv() == b"fill"
            _block_until_signalled(a)  # room again: a's FD is signalled while the loop is blocked
            with pytest.raises(zmq.Again):
                await a.recv(zmq.NOBLOCK)  # nothing to receive
            await within(pending, 0.5)
            assert b.recv() == b"queued"

    run(main())


# -- several loops, uvloop, sync clients -----------------------------------------------------


def _loop_factory(kind: str):
    if kind == "uvloop":
        uvloop = pytest.importorskip("uvloop")
        return uvloop.new_event_loop
    return None


@pytest.mark.parametrize("loop_kind", ["asyncio", "uvloop"])
def test_several_event_loops_in_threads_at_once(actx, loop_kind):
    """A ring of loops, each in its own thread with its own sockets: every loop passes tokens
    to the next one, so the ring only completes if all of them run at the same time."""
    factory = _loop_factory(loop_kind)
    k, rounds = 4, 300
    pulls = [make(actx, zmq.PULL) for _ in range(k)]
    addrs = [bind(p, "inproc" if i % 2 else "tcp") for i, p in enumerate(pulls)]
    pushes = [make(actx, zmq.PUSH) for _ in range(k)]
    for i, push in enumerate(pushes):
        push.connect(addrs[(i + 1) % k])
    results: dict[int, list] = {}
    barrier = threading.Barrier(k)

    def worker(i):
        async def main():
            got = []
            for r in range(rounds):
                await push_.send_multipart([b"%d" % i, b"%d" % r])
                got.append(await within(pull_.recv_multipart()))
                if r % 50 == 0:
                    await asyncio.sleep(0.001)
            return got

        pull_, push_ = pulls[i], pushes[i]
        barrier.wait(timeout=10)
        results[i] = run(main(), timeout=15, loop_factory=factory)

    joins = [start_thread(worker, i) for i in range(k)]
    for join in joins:
        join(20)
    for i in range(k):
        prev = (i - 1) % k
        assert results[i] == [[b"%d" % prev, b"%d" % r] for r in range(rounds)]


def test_socket_follows_the_loop_it_is_used_in(actx, transport):
    """One socket used from one asyncio.run after another (one loop at a time)."""
    push, pull = connect_pair(actx, zmq.PUSH, actx, zmq.PULL, transport, rcvtimeo=50)

    async def once(i):
        with pytest.raises(zmq.Again):  # a queued recv that times out: the FD gets watched
            await within(pull.recv())
        pending = pull.recv()
        await asyncio.sleep(0.005)
        await within(push.send(b"%d" % i))
        assert await within(pending) == b"%d" % i

    for i in range(3):
        run(once(i))


async def _tour(actx):
    """A bit of everything, for running under another event loop implementation."""
    push, pull = connect_pair(actx, zmq.PUSH, actx, zmq.PULL, "tcp")
    ipush, ipull = connect_pair(actx, zmq.PUSH, actx, zmq.PULL, "inproc")
    rep, req = connect_pair(actx, zmq.REP, actx, zmq.REQ, "tcp")

    async def producer(s, n):
        for i in range(n):
            await s.send(b"%d" % i)

    async def consumer(s, n):
        return [await s.recv() for _ in range(n)]

    for a, b in ((push, pull), (ipush, ipull)):
        got, _ = await within(asyncio.gather(consumer(b, 5000), producer(a, 5000)), 10)
        assert got == [b"%d" % i for i in range(5000)]

    # RCVTIMEO and cancellation
    pull.rcvtimeo = 100
    t0 = time.monotonic()
    with pytest.raises(zmq.Again):
        await within(pull.recv())
    assert 0.08 <= time.monotonic() - t0 < 1.0
    pull.rcvtimeo = -1
    f = pull.recv()
    await asyncio.sleep(0.005)
    assert f.cancel()
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(pull.recv(), 0.01)
    await within(push.send(b"kept"))
    assert await within(pull.recv()) == b"kept"

    # REQ/REP lockstep over tcp
    async def serve():
        for _ in range(200):
            await rep.send(b"re:" + await rep.recv())

    async def ask():
        for i in range(200):
            await req.send(b"%d" % i)
            assert await req.recv() == b"re:%d" % i

    await within(asyncio.gather(serve(), ask()), 10)

    # Poller with a zmq socket and a pipe
    r, w = os.pipe()
    try:
        poller = zmq.asyncio.Poller()
        poller.register(pull, POLLIN)
        poller.register(r, POLLIN)
        t0 = time.monotonic()
        assert await within(poller.poll(50)) == []
        assert 0.04 <= time.monotonic() - t0 < 1.0
        asyncio.get_running_loop().call_later(0.01, os.write, w, b"x")
        assert await within(poller.poll(2000)) == [(r, POLLIN)]
        os.read(r, 1)
        await within(push.send(b"p"))
        assert await within(poller.poll(2000)) == [(pull, POLLIN)]
        assert await within(pull.recv()) == b"p"
    finally:
        os.close(r)
        os.close(w)

    # closing with a pending recv
    pending = pull.recv()
    await asyncio.sleep(0.005)
    pull.close()
    with pytest.raises(asyncio.CancelledError):
        await within(pending, 1)
    assert pending.cancelled()


def test_tour_under_asyncio(actx):
    run(_tour(actx))


def test_tour_under_uvloop(actx):
    uvloop = pytest.importorskip("uvloop")
    run(_tour(actx), loop_factory=uvloop.new_event_loop)


def test_asyncio_server_with_sync_clients_in_threads(sctx, actx):
    router = make(actx, zmq.ROUTER)
    addr = bind(router, "tcp")
    clients, requests = 6, 100

    def client(k):
        with sctx.socket(zmq.REQ) as req:
            req.linger = 0
            req.rcvtimeo = req.sndtimeo = 5000
            req.connect(addr)
            for i in range(requests):
                req.send_string(f"{k}:{i}")
                assert req.recv_string() == f"{i}:{k}"

    async def serve():
        for _ in range(clients * requests):
            ident, empty, body = await router.recv_multipart()
            k, i = body.decode().split(":")
            await router.send_multipart([ident, empty, f"{i}:{k}".encode()])

    async def main():
        joins = [start_thread(client, k) for k in range(clients)]
        try:
            await within(serve(), 12)
        finally:
            for join in joins:
                await asyncio.get_running_loop().run_in_executor(None, join)
        assert await within(router.poll(20)) == 0

    run(main())


# -- no busy loop while idle -----------------------------------------------------------------


def test_idle_pending_operations_do_not_busy_loop(actx, pipe):
    push, pull = connect_pair(actx, zmq.PUSH, actx, zmq.PULL, "tcp")
    ipush, ipull = connect_pair(actx, zmq.PUSH, actx, zmq.PULL, "inproc")
    lonely = make(actx, zmq.PUSH)  # no peer: its send waits
    lonely.bind(inproc())
    r, w = pipe

    async def idle_cpu(seconds=0.5) -> float:
        t0 = time.process_time()
        await asyncio.sleep(seconds)
        return time.process_time() - t0

    async def main():
        await within(push.send(b"warm-up"))  # the tcp connection exists
        assert await within(pull.recv()) == b"warm-up"
        pending = [pull.recv(), ipull.recv_multipart(), pull.poll(None), lonely.send(b"x")]
        poller = zmq.asyncio.Poller()
        poller.register(ipull, POLLIN)
        poller.register(r, POLLIN)
        polling = poller.poll(None)
        cpu = await idle_cpu()
        assert cpu < 0.1, f"{cpu:.3f} s of CPU in 0.5 s of waiting"
        assert not any(f.done() for f in pending) and not polling.done()

        # the waits were live all along
        await within(push.send(b"a"))
        await within(ipush.send(b"b"))
        assert await within(pending[0]) == b"a"
        assert await within(pending[1]) == [b"b"]
        # the poll, queued after the recv that took "a", waits for a message still there
        await within(push.send(b"c"))
        assert await within(pending[2]) == POLLIN
        assert await within(pull.recv()) == b"c"
        os.write(w, b"x")
        assert (r, POLLIN) in await within(polling)
        os.read(r, 1)
        lonely.close()
        with pytest.raises(asyncio.CancelledError):
            await within(pending[3], 1)

        # and once everything is done, a watched socket with nothing pending stays quiet too
        cpu = await idle_cpu(0.3)
        assert cpu < 0.06, f"{cpu:.3f} s of CPU in 0.3 s of idling"

    run(main())
