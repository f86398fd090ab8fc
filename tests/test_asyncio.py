"""zmq.asyncio over real sockets: every async method, the patterns, timeouts, NOBLOCK,
closing with operations pending, cancellation that never loses a message, and the async
Poller mixing zmq sockets with plain file descriptors.

Concurrency, bursts, the edge-triggered FD, several loops and CPU use are in
test_asyncio_concurrency.py. Coroutines are driven with asyncio.run (no pytest-asyncio);
every await that could hang is bounded by asyncio.wait_for.
"""
from __future__ import annotations

import asyncio
import functools
import inspect
import os
import pickle
import random
import subprocess
import sys
import threading
import time

import _helpers
import pytest
from _helpers import close_made_sockets, inproc, pipe, sockpair, within  # noqa: F401  (fixtures)

import zmq
import zmq.asyncio

POLLIN, POLLOUT = zmq.POLLIN, zmq.POLLOUT

#: Async sockets get no rcvtimeo/sndtimeo: every await that could hang is bounded by within().
make = functools.partial(_helpers.make, timeout=None)


def run(coro, timeout: float = 10.0):
    """Run ``coro`` in a fresh event loop, failing (not hanging) after ``timeout`` s."""
    return asyncio.run(asyncio.wait_for(coro, timeout))


@pytest.fixture
def actx():
    ctx = zmq.asyncio.Context()
    yield ctx
    ctx.destroy(linger=0)


@pytest.fixture(params=["inproc", "tcp"])
def transport(request):
    return request.param


def connect_pair(ctx, kind_a, kind_b, transport, **options):
    """(a, b): ``a`` bound (on inproc or tcp 127.0.0.1), ``b`` connected to it."""
    a = make(ctx, kind_a, **options)
    b = make(ctx, kind_b, **options)
    if transport == "inproc":
        addr = inproc()
        a.bind(addr)
    else:
        a.bind("tcp://127.0.0.1:*")
        addr = a.last_endpoint.decode()
    b.connect(addr)
    return a, b


# -- every async method returns an awaitable and works --------------------------------------


def test_send_and_recv_return_futures_bytes_and_frames(actx, transport):
    a, b = connect_pair(actx, zmq.PAIR, zmq.PAIR, transport)

    async def main():
        f = a.send(b"plain")
        assert inspect.isawaitable(f) and isinstance(f, asyncio.Future)
        assert await within(f) is None
        r = b.recv()
        assert inspect.isawaitable(r)
        assert await within(r) == b"plain"

        # zero-copy in both directions
        await within(a.send(memoryview(b"no-copy"), copy=False))
        frame = await within(b.recv(copy=False))
        assert isinstance(frame, zmq.Frame)
        assert frame.bytes == b"no-copy"
        assert bytes(frame.buffer) == b"no-copy"

        # a Frame can be sent; track=True gives a MessageTracker that completes
        tracker = await within(a.send(zmq.Frame(b"x" * 100_000, track=True), copy=False, track=True))
        assert isinstance(tracker, zmq.MessageTracker)
        assert await within(b.recv()) == b"x" * 100_000
        deadline = time.monotonic() + 5
        while not tracker.done and time.monotonic() < deadline:
            await asyncio.sleep(0.005)
            _helpers.pypy_collect()  # the Frame made for the send is freed (PyPy: collected)
        assert tracker.done

        # a recv issued before the send completes once the message comes
        pending = b.recv()
        await asyncio.sleep(0.01)
        assert not pending.done()
        await within(a.send(b"later"))
        assert await within(pending) == b"later"

    run(main())


def test_multipart_copy_and_nocopy(actx, transport):
    a, b = connect_pair(actx, zmq.DEALER, zmq.DEALER, transport)

    async def main():
        parts = [b"", b"one", b"two" * 1000, bytearray(b"three")]
        f = a.send_multipart(parts)
        assert inspect.isawaitable(f)
        await within(f)
        assert await within(b.recv_multipart()) == [b"", b"one", b"two" * 1000, b"three"]

        await within(a.send_multipart(iter([b"gen", b"erator"])))  # any iterable of parts
        assert await within(b.recv_multipart()) == [b"gen", b"erator"]

        await within(a.send_multipart([b"f1", memoryview(b"f2")], copy=False))
        frames = await within(b.recv_multipart(copy=False))
        assert all(isinstance(fr, zmq.Frame) for fr in frames)
        assert [fr.bytes for fr in frames] == [b"f1", b"f2"]
        assert frames[0].more and not frames[1].more

    run(main())


def test_string_and_json(actx, transport):
    a, b = connect_pair(actx, zmq.PAIR, zmq.PAIR, transport)

    async def main():
        f = a.send_string("héllo wörld")
        assert inspect.isawaitable(f)
        await within(f)
        r = b.recv_string()
        assert inspect.isawaitable(r)
        assert await within(r) == "héllo wörld"
        await within(a.send_string("latin", encoding="latin-1"))
        assert await within(b.recv_string(encoding="latin-1")) == "latin"
        with pytest.raises(TypeError):
            a.send_string(b"not a str")

        doc = {"a": [1, 2, {"b": None}], "s": "ü", "f": 1.5}
        f = a.send_json(doc)
        assert inspect.isawaitable(f)
        await within(f)
        r = b.recv_json()
        assert inspect.isawaitable(r)
        assert await within(r) == doc
        # a recv_json waiting before the message arrives
        r = b.recv_json()
        await asyncio.sleep(0.01)
        await within(a.send_json([1, "two"]))
        assert await within(r) == [1, "two"]

    run(main())


def test_send_json_right_after_importing_zmq_asyncio():
    """In a fresh interpreter, ``import zmq.asyncio`` must be enough for send_json (the
    other tests cannot tell: by then some module may have imported zmq.utils.jsonapi)."""
    code = (
        "import asyncio, zmq, zmq.asyncio\n"
        "async def main():\n"
        "    ctx = zmq.asyncio.Context()\n"
        "    a, b = ctx.socket(zmq.PAIR), ctx.socket(zmq.PAIR)\n"
        "    a.linger = b.linger = 0\n"
        "    a.bind('inproc://j'); b.connect('inproc://j')\n"
        "    try:\n"
        "        await asyncio.wait_for(a.send_json({'k': 1}), 5)\n"
        "        assert await asyncio.wait_for(b.recv_json(), 5) == {'k': 1}\n"
        "    finally:\n"
        "        a.close(); b.close(); ctx.term()\n"
        "asyncio.run(main())\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr


def test_send_pyobj(actx, transport):
    a, b = connect_pair(actx, zmq.PAIR, zmq.PAIR, transport)
    obj = {"set": {1, 2}, "tuple": (1, "x"), "bytes": b"\x00\xff"}

    async def main():
        f = a.send_pyobj(obj)
        assert inspect.isawaitable(f)
        await within(f)
        assert pickle.loads(await within(b.recv())) == obj
        await within(a.send_pyobj(obj, protocol=2))
        data = await within(b.recv())
        assert data[:2] == b"\x80\x02" and pickle.loads(data) == obj

    run(main())


def test_recv_pyobj(actx, transport):
    a, b = connect_pair(actx, zmq.PAIR, zmq.PAIR, transport)
    obj = {"set": {1, 2}, "tuple": (1, "x")}

    async def main():
        await within(a.send(pickle.dumps(obj)))
        await asyncio.sleep(0.05)
        r = b.recv_pyobj()  # a message is waiting
        assert inspect.isawaitable(r)
        assert await within(r) == obj
        r = b.recv_pyobj()  # none is waiting yet
        await within(a.send(pickle.dumps([obj])))
        assert await within(r) == [obj]

    run(main())


def serialize(msg):
    return [msg["topic"].encode(), pickle.dumps(msg["body"])]


def deserialize(parts):
    assert isinstance(parts, list), type(parts)
    return {"topic": bytes(parts[0]).decode(), "body": pickle.loads(bytes(parts[1]))}


def test_send_serialized(actx, transport):
    a, b = connect_pair(actx, zmq.PAIR, zmq.PAIR, transport)
    msg = {"topic": "t", "body": [1, 2, 3]}

    async def main():
        f = a.send_serialized(msg, serialize)
        assert inspect.isawaitable(f)
        await within(f)
        assert deserialize(await within(b.recv_multipart())) == msg
        await within(a.send_serialized(msg, serialize, copy=False))
        assert deserialize(await within(b.recv_multipart())) == msg

    run(main())


def test_recv_serialized(actx, transport):
    a, b = connect_pair(actx, zmq.PAIR, zmq.PAIR, transport)
    msg = {"topic": "t", "body": [1, 2, 3]}

    async def main():
        await within(a.send_multipart(serialize(msg)))
        await asyncio.sleep(0.05)
        r = b.recv_serialized(deserialize)
        assert inspect.isawaitable(r)
        assert await within(r) == msg
        r = b.recv_serialized(deserialize, copy=False)
        await within(a.send_multipart(serialize(msg)))
        assert await within(r) == msg

    run(main())


def test_socket_poll_timeout_and_flags(actx, transport):
    a, b = connect_pair(actx, zmq.PAIR, zmq.PAIR, transport)

    async def main():
        f = b.poll(0)
        assert inspect.isawaitable(f)
        assert await within(f) == 0

        t0 = time.monotonic()
        assert await within(b.poll(100)) == 0
        elapsed = time.monotonic() - t0
        assert 0.08 <= elapsed < 1.0

        # POLLOUT on a connected PAIR: ready (wait for the connection over tcp)
        assert await within(a.poll(2000, POLLOUT)) == POLLOUT

        # a pending poll wakes when a message arrives, and reports only what was asked
        pending = b.poll(5000, POLLIN)
        await asyncio.sleep(0.01)
        assert not pending.done()
        await within(a.send(b"m"))
        assert await within(pending) == POLLIN
        assert await within(b.poll(None, POLLIN | POLLOUT)) == POLLIN | POLLOUT
        assert await within(b.recv()) == b"m"
        assert await within(b.poll(10, POLLIN)) == 0

    run(main())


def test_context_instance_is_a_shared_async_context():
    async def main(ctx):
        a = make(ctx, zmq.PAIR)
        b = make(ctx, zmq.PAIR)
        try:
            addr = inproc()
            a.bind(addr)
            b.connect(addr)
            await within(a.send(b"via-instance"))
            assert await within(b.recv()) == b"via-instance"
        finally:
            a.close()
            b.close()

    ctx = zmq.asyncio.Context.instance()
    try:
        assert isinstance(ctx, zmq.asyncio.Context)
        assert zmq.asyncio.Context.instance() is ctx
        s = ctx.socket(zmq.PAIR)
        assert isinstance(s, zmq.asyncio.Socket)
        s.close()
        run(main(ctx))
    finally:
        ctx.term()
    assert zmq.asyncio.Context.instance() is not ctx  # a terminated instance is replaced
    zmq.asyncio.Context.instance().term()


def test_from_socket_and_from_context_share_the_libzmq_objects():
    sctx = zmq.Context()
    try:
        actx = zmq.asyncio.Context.from_context(sctx)
        assert isinstance(actx, zmq.asyncio.Context)
        assert actx.underlying == sctx.underlying

        sync_pull = make(sctx, zmq.PULL)
        addr = inproc()
        sync_pull.bind(addr)
        apush = make(actx, zmq.PUSH)  # same libzmq context: inproc reaches the sync socket
        assert isinstance(apush, zmq.asyncio.Socket)
        apush.connect(addr)

        sync_push = make(sctx, zmq.PUSH)
        sync_push.bind("tcp://127.0.0.1:*")
        sync_push_addr = sync_push.last_endpoint.decode()
        receiver_sync = make(sctx, zmq.PULL)
        receiver_sync.connect(sync_push_addr)
        apull = zmq.asyncio.Socket.from_socket(receiver_sync)
        assert isinstance(apull, zmq.asyncio.Socket)
        assert apull.underlying == receiver_sync.underlying

        async def main():
            await within(apush.send(b"async->sync"))
            sync_pull.rcvtimeo = 5000
            assert sync_pull.recv() == b"async->sync"
            pending = apull.recv()
            sync_push.send(b"sync->async")
            assert await within(pending) == b"sync->async"
            # the sync socket still works too
            sync_push.send(b"to-sync")
            receiver_sync.rcvtimeo = 5000
            assert receiver_sync.recv() == b"to-sync"

        run(main())
        apush.close()
        for s in (sync_pull, sync_push, receiver_sync):
            s.close()
    finally:
        sctx.term()


def test_async_socket_as_context_manager(actx):
    async def main():
        addr = inproc()
        with actx.socket(zmq.PAIR) as a, actx.socket(zmq.PAIR) as b:
            a.linger = b.linger = 0
            a.bind(addr)
            b.connect(addr)
            await within(a.send(b"in-with"))
            assert await within(b.recv()) == b"in-with"
            pending = b.recv()
        assert a.closed and b.closed
        assert pending.cancelled()  # closing cancels what still waits

    run(main())


def test_req_rep(actx, transport):
    rep, req = connect_pair(actx, zmq.REP, zmq.REQ, transport)

    async def server():
        for _ in range(50):
            msg = await within(rep.recv_multipart())
            await within(rep.send_multipart([b"re:" + msg[0]]))

    async def client():
        for i in range(50):
            await within(req.send(b"%d" % i))
            assert await within(req.recv()) == b"re:%d" % i

    async def main():
        await asyncio.gather(server(), client())
        # lockstep violated: the error surfaces through the awaitable
        with pytest.raises(zmq.ZMQError) as e:
            await within(req.recv(zmq.NOBLOCK))
        assert e.value.errno in (zmq.EFSM, zmq.EAGAIN)

    run(main())


def test_pub_sub(actx, transport):
    pub, sub = connect_pair(actx, zmq.PUB, zmq.SUB, transport)
    sub.setsockopt(zmq.SUBSCRIBE, b"keep")

    async def main():
        # slow joiner: publish until the subscription has reached the publisher
        for _ in range(200):
            await within(pub.send_multipart([b"keep", b"probe"]))
            if await within(sub.poll(20)):
                break
        else:
            pytest.fail("subscription never took effect")
        while await within(sub.poll(0)):
            await within(sub.recv_multipart())
        for i in range(20):
            await within(pub.send_multipart([b"drop", b"%d" % i]))
            await within(pub.send_multipart([b"keep", b"%d" % i]))
        got = [await within(sub.recv_multipart()) for _ in range(20)]
        assert got == [[b"keep", b"%d" % i] for i in range(20)]
        assert await within(sub.poll(50)) == 0

    run(main())


def test_router_dealer(actx, transport):
    router = make(actx, zmq.ROUTER)
    if transport == "inproc":
        addr = inproc()
        router.bind(addr)
    else:
        router.bind("tcp://127.0.0.1:*")
        addr = router.last_endpoint.decode()
    dealer1 = make(actx, zmq.DEALER, routing_id=b"d1")
    dealer2 = make(actx, zmq.DEALER, routing_id=b"d2")
    dealer1.connect(addr)
    dealer2.connect(addr)

    async def main():
        await within(dealer1.send(b"from1"))
        await within(dealer2.send(b"from2"))
        seen = {}
        for _ in range(2):
            ident, body = await within(router.recv_multipart())
            seen[ident] = body
        assert seen == {b"d1": b"from1", b"d2": b"from2"}
        await within(router.send_multipart([b"d2", b"to2"]))
        await within(router.send_multipart([b"d1", b"to1"]))
        assert await within(dealer1.recv()) == b"to1"
        assert await within(dealer2.recv()) == b"to2"

    run(main())


# -- timeouts and NOBLOCK -------------------------------------------------------------------


def test_rcvtimeo_raises_again_after_about_the_set_time(actx, transport):
    a, b = connect_pair(actx, zmq.PAIR, zmq.PAIR, transport, rcvtimeo=100)

    async def main():
        for recv in (b.recv, b.recv_multipart, b.recv_string, b.recv_json):
            t0 = time.monotonic()
            with pytest.raises(zmq.Again):
                await within(recv())
            assert 0.08 <= time.monotonic() - t0 < 1.0, recv
        # the timed-out receive took nothing: a later message goes to the next recv
        await within(a.send(b"after"))
        assert await within(b.recv()) == b"after"

    run(main())


def test_sndtimeo_raises_again_after_about_the_set_time(actx):
    push = make(actx, zmq.PUSH, sndtimeo=100)  # no peer: a send can never proceed
    push.bind(inproc())

    async def main():
        for send in (lambda: push.send(b"x"), lambda: push.send_multipart([b"a", b"b"]), lambda: push.send_json({})):
            t0 = time.monotonic()
            with pytest.raises(zmq.Again):
                await within(send())
            assert 0.08 <= time.monotonic() - t0 < 1.0

    run(main())


def test_noblock_on_an_empty_socket_raises_again_at_once(actx):
    pull = make(actx, zmq.PULL)
    pull.bind(inproc())
    push = make(actx, zmq.PUSH)
    push.bind(inproc())

    async def main():
        for f in (
            pull.recv(zmq.NOBLOCK),
            pull.recv(zmq.NOBLOCK, copy=False),
            pull.recv_multipart(zmq.NOBLOCK),
            pull.recv_string(zmq.NOBLOCK),
            pull.recv_json(zmq.NOBLOCK),
            push.send(b"x", zmq.NOBLOCK),
            push.send_multipart([b"x", b"y"], zmq.NOBLOCK),
            push.send_string("x", zmq.NOBLOCK),
        ):
            assert f.done()  # decided before any event-loop round trip
            t0 = time.monotonic()
            with pytest.raises(zmq.Again):
                await f
            assert time.monotonic() - t0 < 0.05

    run(main())


# -- closing with operations pending --------------------------------------------------------


def test_close_cancels_pending_futures(actx):
    pull = make(actx, zmq.PULL)
    pull.bind(inproc())
    push = make(actx, zmq.PUSH)  # no peer: sends wait
    push.bind(inproc())

    async def main():
        waiting = [pull.recv(), pull.recv_multipart(), pull.recv_string(), pull.recv_json(), pull.recv_pyobj(),
                   pull.recv_serialized(list), pull.recv_into(bytearray(4)), pull.poll(None), pull.poll(10_000)]
        sending = [push.send(b"x"), push.send_multipart([b"y", b"z"]), push.send_string("s")]

        async def in_task():
            return await pull.recv()

        task = asyncio.ensure_future(in_task())
        await asyncio.sleep(0.02)
        assert not any(f.done() for f in waiting + sending) and not task.done()
        pull.close()
        push.close()
        for f in waiting + sending + [task]:
            with pytest.raises(asyncio.CancelledError):
                await within(f, 1)
            assert f.cancelled()

    run(main())


def test_decoding_recvs_pending_at_close_are_cancelled_not_stranded(actx):
    # pyzmq leaves recv_string/json/pyobj/serialized pending forever when their socket
    # closes (and logs an error from a callback); ours are cancelled like recv's
    pull = make(actx, zmq.PULL)
    pull.bind(inproc())

    async def main():
        pending = [pull.recv_string(), pull.recv_json(), pull.recv_pyobj(), pull.recv_serialized(list)]
        await asyncio.sleep(0.01)
        pull.close()
        await asyncio.sleep(0.01)
        assert all(f.cancelled() for f in pending)

    run(main())


def test_context_destroy_cancels_pending_futures(actx):
    pull = make(actx, zmq.PULL)
    pull.bind(inproc())

    async def main():
        f = pull.recv()
        p = pull.poll(None)
        await asyncio.sleep(0.01)
        actx.destroy(linger=0)
        for fut in (f, p):
            with pytest.raises(asyncio.CancelledError):
                await within(fut, 1)

    run(main())


def test_a_closed_socket_raises_enotsock(actx):
    s = make(actx, zmq.DEALER)
    s.close()

    async def main():
        # blocking receives raise at once (as in pyzmq) ...
        for call in (
            lambda: s.recv(),
            lambda: s.recv_multipart(),
            lambda: s.recv_string(),
            lambda: s.recv_json(),
            lambda: s.recv_pyobj(),
            lambda: s.recv_serialized(list),
            lambda: s.recv_into(bytearray(2)),
        ):
            with pytest.raises(zmq.ZMQError) as e:
                call()
            assert e.value.errno == zmq.ENOTSOCK
        # ... sends and non-blocking receives give a failed future
        for call in (
            lambda: s.send(b"x"),
            lambda: s.send_multipart([b"x"]),
            lambda: s.send_string("x"),
            lambda: s.recv(zmq.NOBLOCK),
        ):
            f = call()
            with pytest.raises(zmq.ZMQError) as e:
                await within(f, 1)
            assert e.value.errno == zmq.ENOTSOCK
        # poll raises at once what the synchronous Socket.poll raises: ENOTSOCK (pyzmq: ENOTSUP)
        with pytest.raises(zmq.ZMQError) as e:
            s.poll(100)
        assert e.value.errno == zmq.ENOTSOCK

    run(main())


# -- cancellation never loses a message -----------------------------------------------------


def test_cancelled_recv_does_not_take_the_message(actx, transport):
    push, pull = connect_pair(actx, zmq.PUSH, zmq.PULL, transport)

    async def main():
        for i in range(20):
            f = pull.recv()
            await asyncio.sleep(0)
            assert f.cancel()
            await within(push.send(b"%d" % i))
            assert await within(pull.recv()) == b"%d" % i

            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(pull.recv_multipart(), 0.002)
            await within(push.send_multipart([b"m", b"%d" % i]))
            assert await within(pull.recv_multipart()) == [b"m", b"%d" % i]
        assert await within(pull.poll(20)) == 0

    run(main())


def _cancel_storm(pull, n: int, seed: int):
    """Receive ``n`` messages while cancelling receives at random; every message must be
    received exactly once, in order."""

    async def receiver():
        rng = random.Random(seed)
        got = []
        stats = {"cancelled": 0, "timed_out": 0, "rcvtimeo": 0}
        while len(got) < n:
            mode = rng.randrange(4)
            if mode == 0:  # cancel the future directly after a random short while
                f = pull.recv()
                await asyncio.sleep(rng.choice([0, 0, 0.0002, 0.001]))
                if f.cancel():
                    stats["cancelled"] += 1
                else:  # it completed first: it holds a message, which must be kept
                    got.append(f.result())
            elif mode == 1:  # asyncio.wait_for timeout
                f = pull.recv()
                try:
                    got.append(await asyncio.wait_for(f, rng.choice([0.0002, 0.001, 0.003])))
                except asyncio.TimeoutError:
                    stats["timed_out"] += 1
                    # (python >= 3.12 wait_for may drop a result that raced the timeout; the
                    # future itself still holds it then)
                    if f.done() and not f.cancelled():
                        got.append(f.result())
            elif mode == 2:  # RCVTIMEO
                pull.rcvtimeo = rng.choice([0, 1, 2])
                try:
                    got.append(await within(pull.recv()))
                except zmq.Again:
                    stats["rcvtimeo"] += 1
                finally:
                    pull.rcvtimeo = -1
            else:
                got.append(await within(pull.recv()))
        return got, stats

    return receiver


@pytest.mark.parametrize("seed", [1, 2])
def test_cancellation_storm_sender_in_thread_tcp(actx, seed):
    n = 400
    pull = make(actx, zmq.PULL)
    pull.bind("tcp://127.0.0.1:*")
    addr = pull.last_endpoint.decode()
    sctx = zmq.Context()
    errors = []

    def sender():
        rng = random.Random(seed + 100)
        try:
            with sctx.socket(zmq.PUSH) as push:
                push.linger = 1000
                push.sndtimeo = 5000
                push.connect(addr)
                for i in range(n):
                    pause = rng.choice([0, 0, 0.0003, 0.001, 0.002])
                    if pause:
                        time.sleep(pause)
                    push.send(b"%d" % i)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    async def main():
        got, stats = await _cancel_storm(pull, n, seed)()
        assert await within(pull.poll(20)) == 0  # nothing extra arrived
        return got, stats

    t = threading.Thread(target=sender)
    t.start()
    try:
        got, stats = run(main(), timeout=20)
    finally:
        t.join(10)
        sctx.term()
    assert not errors
    assert got == [b"%d" % i for i in range(n)]
    assert stats["cancelled"] + stats["timed_out"] + stats["rcvtimeo"] > 20  # cancellations happened


@pytest.mark.parametrize("transport_", ["inproc", "tcp"])
def test_cancellation_storm_sender_in_same_loop(actx, transport_):
    n = 400
    push, pull = connect_pair(actx, zmq.PUSH, zmq.PULL, transport_)

    async def sender():
        rng = random.Random(7)
        for i in range(n):
            pause = rng.choice([None, 0, 0, 0.0003, 0.001, 0.002])
            if pause is not None:
                await asyncio.sleep(pause)
            await within(push.send(b"%d" % i))

    async def main():
        (got, stats), _ = await asyncio.gather(_cancel_storm(pull, n, 3)(), sender())
        assert await within(pull.poll(20)) == 0
        return got, stats

    got, stats = run(main(), timeout=20)
    assert got == [b"%d" % i for i in range(n)]
    assert stats["cancelled"] + stats["timed_out"] + stats["rcvtimeo"] > 20


# -- the async Poller -----------------------------------------------------------------------


def test_poller_mixes_zmq_sockets_and_plain_fds(actx, transport, pipe, sockpair):
    push, pull = connect_pair(actx, zmq.PUSH, zmq.PULL, transport)
    r, w = pipe
    s1, s2 = sockpair
    poller = zmq.asyncio.Poller()
    poller.register(pull, POLLIN)
    poller.register(r, POLLIN)
    poller.register(s1, POLLIN)

    async def main():
        f = poller.poll(100)
        assert inspect.isawaitable(f)
        t0 = time.monotonic()
        assert await within(f) == []
        assert 0.08 <= time.monotonic() - t0 < 1.0
        assert await within(poller.poll(0)) == []

        os.write(w, b"p")
        assert await within(poller.poll(1000)) == [(r, POLLIN)]
        os.read(r, 1)

        # objects with fileno() are reported by their fd, as zmq_poll and pyzmq do
        s2.send(b"s")
        assert await within(poller.poll(1000)) == [(s1.fileno(), POLLIN)]
        s1.recv(1)

        await within(push.send(b"z"))
        assert await within(poller.poll(2000)) == [(pull, POLLIN)]
        assert await within(pull.recv()) == b"z"

        # all at once; and POLLOUT on a plain socket
        os.write(w, b"p")
        s2.send(b"s")
        await within(push.send(b"z"))
        await asyncio.sleep(0.05)
        assert dict(await within(poller.poll(1000))) == {pull: POLLIN, r: POLLIN, s1.fileno(): POLLIN}
        poller.register(s2, POLLOUT)
        assert dict(await within(poller.poll(0)))[s2.fileno()] == POLLOUT

    run(main())


def test_poller_wakes_when_something_becomes_ready_later(actx, transport, pipe):
    push, pull = connect_pair(actx, zmq.PUSH, zmq.PULL, transport)
    r, w = pipe
    poller = zmq.asyncio.Poller()
    poller.register(pull, POLLIN)
    poller.register(r, POLLIN)

    async def send_later():
        await asyncio.sleep(0.03)
        await push.send(b"m")

    async def main():
        loop = asyncio.get_running_loop()
        loop.call_later(0.03, os.write, w, b"x")
        t0 = time.monotonic()
        assert await within(poller.poll(None)) == [(r, POLLIN)]
        assert time.monotonic() - t0 < 1.0
        os.read(r, 1)

        task = asyncio.ensure_future(send_later())
        assert await within(poller.poll(5000)) == [(pull, POLLIN)]
        await within(task)
        assert await within(pull.recv()) == b"m"

    run(main())


def test_poller_wakes_for_a_sender_in_another_thread():
    sctx = zmq.Context()
    actx = zmq.asyncio.Context.from_context(sctx)
    pull = make(actx, zmq.PULL)
    pull.bind("tcp://127.0.0.1:*")
    push = make(sctx, zmq.PUSH)
    push.connect(pull.last_endpoint.decode())
    poller = zmq.asyncio.Poller()
    poller.register(pull, POLLIN)

    async def main():
        timer = threading.Timer(0.05, push.send, (b"t",))
        timer.start()
        try:
            assert await within(poller.poll(5000)) == [(pull, POLLIN)]
        finally:
            timer.join(5)
        assert await within(pull.recv()) == b"t"

    try:
        run(main())
    finally:
        pull.close()
        push.close()
        sctx.term()


def _registered(loop, fd) -> bool:
    """Whether ``loop`` has a reader on ``fd`` (checked by removing it: only call this where
    none is expected)."""
    return loop.remove_reader(fd)


def test_cancelled_poll_leaves_no_readers_behind(actx, pipe, sockpair):
    pull = make(actx, zmq.PULL)
    pull.bind(inproc())
    r, w = pipe
    s1, _ = sockpair
    poller = zmq.asyncio.Poller()
    poller.register(pull, POLLIN)
    poller.register(r, POLLIN)
    poller.register(s1, POLLIN)

    async def main():
        loop = asyncio.get_running_loop()
        zfd = pull.get(zmq.FD)
        for _ in range(3):
            f = poller.poll(None)
            await asyncio.sleep(0.01)
            assert not f.done()
            assert f.cancel()
            await asyncio.sleep(0)
            await asyncio.sleep(0)
            for fd in (r, s1.fileno(), zfd):
                assert not _registered(loop, fd), fd

            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(poller.poll(None), 0.01)
            await asyncio.sleep(0)
            for fd in (r, s1.fileno(), zfd):
                assert not _registered(loop, fd), fd

            # a timed-out poll cleans up too
            assert await within(poller.poll(10)) == []
            await asyncio.sleep(0)
            for fd in (r, s1.fileno(), zfd):
                assert not _registered(loop, fd), fd

        # and polling again still works
        loop.call_later(0.02, os.write, w, b"x")
        assert await within(poller.poll(2000)) == [(r, POLLIN)]
        os.read(r, 1)

    run(main())


def test_closing_a_socket_cancels_a_pending_poller_poll(actx):
    pull = make(actx, zmq.PULL)
    pull.bind(inproc())
    poller = zmq.asyncio.Poller()
    poller.register(pull, POLLIN)

    async def main():
        f = poller.poll(None)
        await asyncio.sleep(0.02)
        pull.close()
        with pytest.raises(asyncio.CancelledError):
            await within(f, 0.5)
        assert f.cancelled()
        # a poll started on a closed socket raises at once
        with pytest.raises(zmq.ZMQError) as e:
            poller.poll(100)
        assert e.value.errno == zmq.ENOTSOCK

    run(main())


def test_pending_poller_on_a_closed_socket_does_not_strand_a_socket_reusing_its_fd(actx):
    old = make(actx, zmq.PULL)
    old.bind(inproc())
    poller = zmq.asyncio.Poller()
    poller.register(old, POLLIN)

    async def main():
        f = poller.poll(3000)
        await asyncio.sleep(0.02)
        old_fd = old.get(zmq.FD)
        old.close()
        for _ in range(20):  # libzmq's reaper thread releases the fd soon after close()
            await asyncio.sleep(0.01)
            pull = make(actx, zmq.PULL)
            if pull.get(zmq.FD) == old_fd:
                break
        else:  # pragma: no cover - depends on fd allocation
            f.cancel()
            pytest.skip("no new socket reused the closed socket's fd number")
        pull.bind("tcp://127.0.0.1:*")
        push = make(actx, zmq.PUSH)
        push.connect(pull.last_endpoint.decode())
        pending = pull.recv()
        await asyncio.sleep(0.05)
        await within(push.send(b"x"))
        try:
            assert await within(pending, 0.5) == b"x"
        finally:
            f.cancel()

    run(main())


# -- behaviours matched to pyzmq (found by tests/differential/probes/p_asyncio.py) ---------


def test_recv_into_returns_an_awaitable_of_the_size(actx):
    push, pull = connect_pair(actx, zmq.PUSH, zmq.PULL, "inproc")
    buf = bytearray(6)

    async def main():
        f = pull.recv_into(buf, flags=zmq.NOBLOCK)
        assert isinstance(f, asyncio.Future)
        with pytest.raises(zmq.Again):
            await within(f)
        await within(push.send(b"abc"))
        assert await within(pull.recv_into(buf)) == 3
        assert bytes(buf[:3]) == b"abc"
        await within(push.send(b"0123456789"))
        assert await within(pull.recv_into(buf, nbytes=4)) == 10  # truncated to 4 bytes
        assert bytes(buf[:4]) == b"0123"
        pending = pull.recv_into(buf)  # waits for the message
        await asyncio.sleep(0.01)
        assert not pending.done()
        await within(push.send(b"late"))
        assert await within(pending) == 4
        assert bytes(buf[:4]) == b"late"

    run(main())


def test_recv_monitor_message_on_an_async_socket_is_awaitable(actx):
    from zmq.utils.monitor import recv_monitor_message

    s = make(actx, zmq.PULL)
    monitor = s.get_monitor_socket()
    assert isinstance(monitor, zmq.asyncio.Socket)

    async def main():
        with pytest.raises(zmq.Again):
            await within(recv_monitor_message(monitor, zmq.NOBLOCK))
        pending = recv_monitor_message(monitor)
        assert inspect.isawaitable(pending)
        s.bind("tcp://127.0.0.1:*")
        event = await within(pending)
        assert event["event"] == zmq.EVENT_LISTENING
        assert event["endpoint"] == s.last_endpoint

    try:
        run(main())
    finally:
        s.disable_monitor()
        monitor.close()


def test_poller_reports_objects_with_fileno_by_their_fd(actx, sockpair):
    s1, s2 = sockpair

    class HasFileno:
        def fileno(self) -> int:
            return s2.fileno()

    poller = zmq.asyncio.Poller()
    poller.register(s1, POLLOUT)
    poller.register(HasFileno(), POLLOUT)

    async def main():
        ready = await within(poller.poll(100))
        assert ready == [(s1.fileno(), POLLOUT), (s2.fileno(), POLLOUT)]
        assert all(type(obj) is int for obj, _ in ready)
        waiting = zmq.asyncio.Poller()
        waiting.register(s2, POLLIN)
        f = waiting.poll(2000)  # found by the wake-up path rather than the first check
        await asyncio.sleep(0.01)
        s1.send(b"!")
        assert await within(f) == [(s2.fileno(), POLLIN)]

    run(main())


def test_poller_poll_defaults_to_waiting_forever_and_has_a_socket_class():
    assert inspect.signature(zmq.asyncio.Poller.poll).parameters["timeout"].default == -1
    assert zmq.asyncio.Poller._socket_class is zmq.asyncio.Socket


def test_socket_poll_gives_a_plain_int(actx):
    push, pull = connect_pair(actx, zmq.PUSH, zmq.PULL, "inproc")

    async def main():
        for events in (await within(push.poll(10, POLLOUT)), await within(push.poll(None, zmq.POLLOUT))):
            assert type(events) is int and events == 2
        pending = pull.poll(2000, zmq.POLLIN)
        await asyncio.sleep(0.01)
        await within(push.send(b"x"))
        events = await within(pending)
        assert type(events) is int and events == 1

    run(main())


def test_a_socket_given_to_the_constructor_is_shared_without_a_context():
    sctx = zmq.Context()
    try:
        sync = make(sctx, zmq.PUSH)
        for view in (zmq.asyncio.Socket(sync), zmq.asyncio.Socket.from_socket(sync, io_loop=None),
                     zmq.asyncio.Socket(_from_socket=sync)):
            assert view.underlying == sync.underlying and view.context is None
            view.close()  # (a view: the libzmq socket stays open)
            assert not sync.closed and sync.get(zmq.TYPE) == zmq.PUSH
        actx = zmq.asyncio.Context()
        s = zmq.asyncio.Socket(actx, zmq.PULL, io_loop=None)
        assert s.context is actx
        s.close()
        actx.term()
        with pytest.raises(TypeError):
            zmq.asyncio.Socket()
        sync.close()
    finally:
        sctx.term()


def test_send_passes_keywords_on():
    actx = zmq.asyncio.Context()
    try:
        push, pull = connect_pair(actx, zmq.PUSH, zmq.PULL, "inproc")

        async def main():
            await within(push.send(b"x", routing_id=None))
            assert await within(pull.recv()) == b"x"
            with pytest.raises(TypeError):
                await within(push.send(b"x", no_such_option=1))

        run(main())
    finally:
        actx.destroy(linger=0)


def test_zmqeventloop_and_install_are_deprecated():
    assert zmq.asyncio.Future is asyncio.Future
    with pytest.warns(DeprecationWarning):
        zmq.asyncio.install()
    with pytest.warns(DeprecationWarning):
        loop = zmq.asyncio.ZMQEventLoop()
    try:
        assert isinstance(loop, asyncio.SelectorEventLoop)
        assert loop.run_until_complete(asyncio.sleep(0, "ran")) == "ran"
    finally:
        loop.close()


def test_recv_on_a_send_only_socket_fails_at_once(actx):
    # pyzmq's future stays pending forever (POLLIN never comes); ours fails with ENOTSUP
    pub = make(actx, zmq.PUB)

    async def main():
        with pytest.raises(zmq.ZMQError) as e:
            await within(pub.recv(), 1)
        assert e.value.errno == zmq.ENOTSUP

    run(main())


def test_recv_into_rejects_a_bad_buffer_at_once(actx):
    # pyzmq's future stays pending (until a message comes); ours fails with the error
    push, pull = connect_pair(actx, zmq.PUSH, zmq.PULL, "inproc")

    async def main():
        for args, kwargs, error in (((b"read-only",), {}, BufferError), (("text",), {}, TypeError),
                                    ((bytearray(4),), {"nbytes": -1}, ValueError),
                                    ((bytearray(4),), {"nbytes": 9}, ValueError)):
            with pytest.raises(error):
                await within(pull.recv_into(*args, **kwargs), 1)
        await within(push.send(b"still here"))
        buf = bytearray(10)
        assert await within(pull.recv_into(buf)) == 10 and buf == b"still here"

    run(main())


def test_noblock_send_behind_a_waiting_send_waits_its_turn(actx):
    # as in pyzmq: it is queued (keeping messages in order) rather than failing with Again
    push = make(actx, zmq.PUSH)
    addr = inproc()
    push.bind(addr)

    async def main():
        first = push.send(b"1")
        await asyncio.sleep(0.01)
        second = push.send(b"2", zmq.NOBLOCK)
        await asyncio.sleep(0.01)
        assert not first.done() and not second.done()
        pull = make(actx, zmq.PULL)
        pull.connect(addr)
        assert [await within(pull.recv()) for _ in range(2)] == [b"1", b"2"]
        assert await within(first) is None and await within(second) is None
        # with nothing queued, a NOBLOCK send that cannot go fails at once
        pull.close()
        lonely = make(actx, zmq.PUSH)
        with pytest.raises(zmq.Again):
            await within(lonely.send(b"x", zmq.NOBLOCK))

    run(main())


def test_a_context_terminated_in_a_thread_lets_its_waiting_socket_close():
    ctx = zmq.asyncio.Context()
    s = ctx.socket(zmq.PULL)
    s.linger = 0
    s.bind(inproc())

    async def main():
        pending = s.recv()
        await asyncio.sleep(0.01)
        terminating = threading.Thread(target=ctx.term)
        terminating.start()
        try:
            await asyncio.sleep(0.05)
            # as in pyzmq: new operations raise ContextTerminated at once
            with pytest.raises(zmq.ContextTerminated):
                s.send(b"x")
            with pytest.raises(zmq.ContextTerminated):
                s.recv()
            s.close()  # must work (it is what lets term() return), and cancels the wait
            assert pending.cancelled()
        finally:
            await asyncio.get_running_loop().run_in_executor(None, terminating.join, 5)
        assert not terminating.is_alive()

    run(main())
