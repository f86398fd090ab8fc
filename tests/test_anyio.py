"""zmq.anyio under both AnyIO backends (asyncio and trio): the API, several tasks per
socket, Poller, timeouts, close while waiting, and cancellation storms (no message lost,
duplicated or reordered)."""
from __future__ import annotations

import random
import socket as stdsocket

import pytest

anyio = pytest.importorskip("anyio")
pytest.importorskip("trio")

import zmq  # noqa: E402
import zmq.anyio  # noqa: E402

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def ctx():
    c = zmq.anyio.Context()
    yield c
    c.destroy(linger=0)


def pair(ctx, kind_a=zmq.PUSH, kind_b=zmq.PULL, hwm=None, tcp=False):
    a, b = ctx.socket(kind_a), ctx.socket(kind_b)
    for s in (a, b):
        s.linger = 0
        if hwm is not None:
            s.sndhwm = s.rcvhwm = hwm
    if tcp:
        port = a.bind_to_random_port("tcp://127.0.0.1")
        b.connect(f"tcp://127.0.0.1:{port}")
    else:
        addr = f"inproc://anyio-{id(a)}"
        a.bind(addr)
        b.connect(addr)
    return a, b


async def test_every_send_recv_flavour(ctx):
    a, b = pair(ctx)
    async with a, b:
        await a.send(b"raw")
        assert await b.recv() == b"raw"
        await a.send(b"frame")
        frame = await b.recv(copy=False)
        assert frame.bytes == b"frame"
        await a.send_multipart([b"x", b"y"])
        assert await b.recv_multipart() == [b"x", b"y"]
        await a.send_string("héllo")
        assert await b.recv_string() == "héllo"
        await a.send_json({"k": [1, 2]})
        assert await b.recv_json() == {"k": [1, 2]}
        await a.send_pyobj((1, "two"))
        assert await b.recv_pyobj() == (1, "two")
        await a.send_serialized({"n": 3}, lambda m: [str(m["n"]).encode()])
        assert await b.recv_serialized(lambda parts: int(parts[0])) == 3
        await a.send(b"into-buffer")
        buf = bytearray(4)
        assert await b.recv_into(buf) == len(b"into-buffer")
        assert bytes(buf) == b"into"
        with pytest.raises(TypeError):
            await a.send_string(b"not str")  # type: ignore[arg-type]
    assert a.closed and b.closed


async def test_req_rep_round_trips(ctx):
    req, rep = pair(ctx, zmq.REQ, zmq.REP, tcp=True)

    async def server():
        for _ in range(200):
            await rep.send(await rep.recv())

    async with anyio.create_task_group() as tg:
        tg.start_soon(server)
        for i in range(200):
            await req.send(b"%d" % i)
            assert await req.recv() == b"%d" % i
    req.close()
    rep.close()


async def test_context_async_with():
    async with zmq.anyio.Context() as c:
        s = c.socket(zmq.PAIR)
        assert isinstance(s, zmq.anyio.Socket)
        s.close()
    assert c.closed


async def test_noblock_and_rcvtimeo_raise_again(ctx):
    a, b = pair(ctx)
    with pytest.raises(zmq.Again):
        await b.recv(zmq.NOBLOCK)
    b.rcvtimeo = 30
    with anyio.fail_after(5):
        with pytest.raises(zmq.Again):
            await b.recv()
    # a timed-out recv took nothing: the next one gets the first message
    await a.send(b"first")
    assert await b.recv() == b"first"
    a.close()
    b.close()


async def test_sndtimeo_raises_again_and_sends_nothing(ctx):
    a = ctx.socket(zmq.PUSH)  # no peer: a send can never complete
    a.linger = 0
    a.sndtimeo = 30
    a.bind(f"inproc://nopeer-{id(a)}")
    with anyio.fail_after(5):
        with pytest.raises(zmq.Again):
            await a.send(b"x")
    a.close()


async def test_socket_poll(ctx):
    a, b = pair(ctx)
    assert await b.poll(timeout=20) == 0
    assert await a.poll(timeout=0, flags=zmq.POLLOUT) == zmq.POLLOUT

    async def later():
        await anyio.sleep(0.02)
        await a.send(b"go")

    async with anyio.create_task_group() as tg:
        tg.start_soon(later)
        with anyio.fail_after(5):
            assert await b.poll() == zmq.POLLIN
    assert await b.recv() == b"go"
    a.close()
    b.close()


async def test_close_while_waiting_raises_enotsock(ctx):
    a, b = pair(ctx)
    errors: list[int] = []

    async def waiter():
        try:
            await b.recv()
        except zmq.ZMQError as e:
            errors.append(e.errno)

    with anyio.fail_after(5):
        async with anyio.create_task_group() as tg:
            tg.start_soon(waiter)
            tg.start_soon(waiter)
            await anyio.sleep(0.02)
            b.close()
    assert errors == [zmq.ENOTSOCK, zmq.ENOTSOCK]
    with pytest.raises(zmq.ZMQError):
        await b.recv()
    a.close()


async def test_several_tasks_on_one_socket(ctx):
    a, b = pair(ctx, hwm=5, tcp=True)
    n, got = 2000, []

    async def consumer():
        while True:
            got.append(int(await b.recv()))

    async def producer(start):
        for i in range(start, n, 2):
            await a.send(b"%d" % i)

    with anyio.fail_after(30):
        async with anyio.create_task_group() as tg:
            for _ in range(4):
                tg.start_soon(consumer)
            async with anyio.create_task_group() as producers:
                producers.start_soon(producer, 0)
                producers.start_soon(producer, 1)
            while len(got) < n:
                await anyio.sleep(0.005)
            tg.cancel_scope.cancel()
    assert sorted(got) == list(range(n))
    a.close()
    b.close()


async def test_poller_with_sockets_and_plain_fds(ctx):
    a, b = pair(ctx)
    r, w = stdsocket.socketpair()
    try:
        poller = zmq.anyio.Poller()
        poller.register(b, zmq.POLLIN)
        poller.register(r, zmq.POLLIN)
        assert await poller.poll(20) == []

        async def later():
            await anyio.sleep(0.02)
            w.send(b"!")

        async with anyio.create_task_group() as tg:
            tg.start_soon(later)
            with anyio.fail_after(5):
                assert await poller.poll() == [(r.fileno(), zmq.POLLIN)]
        r.recv(1)

        async def later_zmq():
            await anyio.sleep(0.02)
            await a.send(b"m")

        async with anyio.create_task_group() as tg:
            tg.start_soon(later_zmq)
            with anyio.fail_after(5):
                assert await poller.poll(None) == [(b, zmq.POLLIN)]
        assert await b.recv() == b"m"
        poller.register(w, zmq.POLLOUT)
        assert (w.fileno(), zmq.POLLOUT) in await poller.poll(1000)
    finally:
        r.close()
        w.close()
        a.close()
        b.close()


async def _storm(a, b, n, multipart):
    """Cancel sends and receives at random with tiny timeouts; return (cancelled sends,
    cancelled recvs, what was received)."""
    rng = random.Random(16)

    def delay() -> float:  # a quarter cancel at the first checkpoint, the rest within 0.3 ms
        return 0.0 if rng.random() < 0.25 else rng.random() * 0.0003

    received: list[int] = []
    cancelled = [0, 0]

    async def sender():
        i = 0
        while i < n:
            with anyio.move_on_after(delay()) as scope:
                if multipart:
                    await a.send_multipart([b"%d" % i, b"middle", b"%d" % i])
                else:
                    await a.send(b"%d" % i)
                i += 1  # (no await between the send's return and here)
            if scope.cancelled_caught:
                cancelled[0] += 1

    async def receiver():
        while len(received) < n:
            with anyio.move_on_after(delay()) as scope:
                if multipart:
                    first, middle, last = await b.recv_multipart()
                    assert first == last and middle == b"middle"
                    received.append(int(first))
                else:
                    received.append(int(await b.recv()))
            if scope.cancelled_caught:
                cancelled[1] += 1

    with anyio.fail_after(120):
        async with anyio.create_task_group() as tg:
            tg.start_soon(sender)
            tg.start_soon(receiver)
    return cancelled[0], cancelled[1], received


@pytest.mark.parametrize("tcp", [False, True], ids=["inproc", "tcp"])
async def test_cancellation_storm_loses_nothing(ctx, tcp):
    a, b = pair(ctx, hwm=4, tcp=tcp)
    n = 10_000
    sends_cancelled, recvs_cancelled, received = await _storm(a, b, n, multipart=False)
    assert received == list(range(n))  # 0 lost, 0 duplicated, 0 reordered
    assert sends_cancelled > 0 and recvs_cancelled > 0  # the storm did cancel both sides
    b.rcvtimeo = 50
    with pytest.raises(zmq.Again):
        await b.recv()  # nothing extra was sent
    a.close()
    b.close()


async def test_cancellation_storm_multipart_is_atomic(ctx):
    a, b = pair(ctx, hwm=4, tcp=True)
    n = 3000
    sends_cancelled, recvs_cancelled, received = await _storm(a, b, n, multipart=True)
    assert received == list(range(n))
    assert sends_cancelled > 0 and recvs_cancelled > 0
    a.close()
    b.close()


async def test_one_socket_waiting_both_ways_at_once(ctx):
    # One task blocked sending on `a` (tiny HWM) while another waits to receive on it:
    # each one's libzmq calls consume the FD edge the other may need.
    a, b = pair(ctx, zmq.PAIR, zmq.PAIR, hwm=2, tcp=True)
    n, echoed = 3000, []

    async def sender():
        for i in range(n):
            await a.send(b"%d" % i)

    async def receiver():
        for _ in range(n):
            echoed.append(int(await a.recv()))

    async def echo():
        for _ in range(n):
            await b.send(await b.recv())

    with anyio.fail_after(60):
        async with anyio.create_task_group() as tg:
            tg.start_soon(receiver)
            tg.start_soon(echo)
            tg.start_soon(sender)
    assert echoed == list(range(n))
    a.close()
    b.close()


async def test_from_socket_view_and_events_reads(ctx):
    sync_ctx = zmq.Context()
    try:
        raw_a, raw_b = sync_ctx.socket(zmq.PAIR), sync_ctx.socket(zmq.PAIR)
        raw_a.linger = raw_b.linger = 0
        raw_a.bind("inproc://view")
        raw_b.connect("inproc://view")
        a, b = zmq.anyio.Socket.from_socket(raw_a), zmq.anyio.Socket.from_socket(raw_b)

        async def later():
            await anyio.sleep(0.02)
            b.get(zmq.EVENTS)  # reading EVENTS may eat the edge the waiting recv needs
            raw_b.send(b"sync")

        async with anyio.create_task_group() as tg:
            tg.start_soon(later)
            with anyio.fail_after(5):
                assert await a.recv() == b"sync"
        raw_a.close()
        raw_b.close()
    finally:
        sync_ctx.term()


async def test_closing_a_socket_a_poller_waits_on_raises(ctx):
    a, b = pair(ctx)
    poller = zmq.anyio.Poller()
    poller.register(b, zmq.POLLIN)
    errors: list[type[BaseException]] = []

    async def poll():
        try:
            await poller.poll()
        except zmq.ZMQError as e:
            errors.append(type(e))

    with anyio.fail_after(5):
        async with anyio.create_task_group() as tg:
            tg.start_soon(poll)
            await anyio.sleep(0.02)
            b.close()
    assert errors == [zmq.ZMQError]
    a.close()


@pytest.mark.parametrize("anyio_backend", ["trio"])
async def test_trio_waiters_for_pollout_are_counted(ctx):
    # Under trio the tasks of one socket share one fd wait; a task whose own EVENTS read shows
    # what a waiting task wants wakes it (that read consumed the fd's edge). A sender waiting
    # for POLLOUT was not counted as wanting it, so a receive on the same socket could leave
    # it asleep for good (a hang in one run of test_one_socket_waiting_both_ways_at_once).
    a, b = pair(ctx, zmq.PAIR, zmq.PAIR, hwm=1)
    with anyio.fail_after(10):
        while await a.poll(100, zmq.POLLOUT):
            await a.send(b"fill")
        sent = anyio.Event()

        async def sender() -> None:
            await a.send(b"last")
            sent.set()

        async with anyio.create_task_group() as tg:
            tg.start_soon(sender)
            while a._st is None or not a._st.waiting:
                await anyio.sleep(0)  # (a checkpoint: the sender runs up to its wait)
            assert a._st.wanted() == zmq.POLLOUT
            got = []
            while not sent.is_set() or await b.poll(0):
                got.append(await b.recv())
        assert got[-1] == b"last"
    a.close()
    b.close()
