"""zmq.green: gevent-cooperative sockets, poller and proxy, over real sockets.

Greenlets here run in the pytest process on gevent's hub without any monkey-patching (the
one test that needs gevent.monkey runs in a child process). Every wait is bounded: sockets
get 5 s timeouts unless a test sets its own, and greenlets are joined with a timeout.
"""
from __future__ import annotations

import os
import select
import selectors
import signal
import struct
import subprocess
import sys
import textwrap
import time
import warnings

import pytest

gevent = pytest.importorskip("gevent")

import zmq  # noqa: E402
import zmq.green as gzmq  # noqa: E402

from _helpers import close_made_sockets, make  # noqa: E402
from conftest import endpoint  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JOIN = 10.0  # seconds: the most any group of greenlets may take


@pytest.fixture
def gctx(close_made_sockets):
    """A green Context, destroyed (sockets closed with linger=0) at teardown."""
    ctx = gzmq.Context()
    yield ctx
    ctx.destroy(linger=0)


def pair(ctx, kind_a, kind_b, transport="inproc", **options):
    """(bound, connected) sockets of the given kinds over ``transport``."""
    a = make(ctx, kind_a, bind=endpoint(transport), **options)
    b = make(ctx, kind_b, connect=a.last_endpoint.decode(), **options)
    return a, b


def run_all(*greenlets):
    """Join the greenlets (bounded), re-raise the first failure, and kill any left over."""
    try:
        done = gevent.joinall(greenlets, timeout=JOIN, raise_error=True)
        assert len(done) == len(greenlets), "greenlets still running after the time limit"
    finally:
        gevent.killall([g for g in greenlets if not g.dead], timeout=1)
    return [g.value for g in greenlets]


class Ticker:
    """A greenlet counting ticks every ``interval`` seconds: proof that the hub is free."""

    def __init__(self, interval=0.01):
        self.ticks = 0
        self.interval = interval
        self.greenlet = gevent.spawn(self._run)

    def _run(self):
        while True:
            self.ticks += 1
            gevent.sleep(self.interval)

    def stop(self):
        self.greenlet.kill(timeout=1)


@pytest.fixture
def ticker():
    t = Ticker()
    gevent.sleep(0)  # let it start
    yield t
    t.stop()


# -- the namespace ----------------------------------------------------------------------


def test_namespace_replaces_only_the_blocking_pieces():
    for name in zmq.__all__:
        assert hasattr(gzmq, name), name
    assert issubclass(gzmq.Socket, zmq.Socket) and gzmq.Socket is not zmq.Socket
    assert issubclass(gzmq.Context, zmq.Context) and gzmq.Context is not zmq.Context
    assert issubclass(gzmq.Poller, zmq.Poller) and gzmq.Poller is not zmq.Poller
    for name in ("device", "proxy", "proxy_steerable", "select", "zmq_poll"):
        assert getattr(gzmq, name) is not getattr(zmq, name), name
    assert gzmq.PUSH == zmq.PUSH and gzmq.Again is zmq.Again and gzmq.Frame is zmq.Frame
    assert gzmq.SyncSocket is zmq.SyncSocket and gzmq.SyncContext is zmq.SyncContext


def test_names_and_reprs_as_pyzmq():
    import zmq.green.core
    import zmq.green.poll

    assert (gzmq.Socket, gzmq.Context, gzmq.Poller) == (gzmq._Socket, gzmq._Context, gzmq._Poller)
    assert gzmq.Socket is zmq.green.core._Socket and gzmq.Context is zmq.green.core._Context
    assert gzmq.Poller is zmq.green.poll._Poller
    assert zmq.green.core._original_Socket is zmq.Socket and zmq.green.poll._original_Poller is zmq.Poller
    # only zmq's public namespace: no forwarding of anything else (submodules are imported)
    for name in ("green", "nonexistent_name"):
        assert not hasattr(gzmq, name), name
    with gzmq.Context() as ctx:
        assert repr(ctx).startswith("<zmq.green.Context(")
        s = ctx.socket(zmq.PUSH)
        assert repr(s).startswith("<zmq.green.Socket(zmq.PUSH) at 0x")
        s.close()
        assert repr(s).startswith("<zmq.green.Socket(")

        class MySocket(gzmq.Socket):
            pass

        mine = MySocket(ctx, zmq.PULL)
        assert repr(mine).startswith(f"<{__name__}.MySocket(zmq.PULL)")
        mine.close()


def test_recv_into_keywords_and_poll_results(gctx):
    import inspect

    a, b = pair(gctx, zmq.PAIR, zmq.PAIR)
    params = inspect.signature(gzmq.Socket.recv_into).parameters
    assert [(n, p.kind.name) for n, p in params.items()] == [
        ("self", "POSITIONAL_ONLY"), ("buffer", "POSITIONAL_ONLY"), ("nbytes", "KEYWORD_ONLY"), ("flags", "KEYWORD_ONLY")]
    a.send(b"12345")
    buf = bytearray(8)
    assert b.recv_into(buf) == 5 and bytes(buf[:5]) == b"12345"
    a.send(b"12345")
    buf = bytearray(8)
    assert b.recv_into(buf, nbytes=2, flags=0) == 5 and bytes(buf) == b"12" + bytes(6)
    with pytest.raises(TypeError):
        b.recv_into(buf, 0)
    with pytest.raises(zmq.Again):
        b.recv_into(buf, flags=zmq.NOBLOCK)
    # poll answers plain ints, like pyzmq's
    events = a.poll(10, zmq.POLLOUT)
    assert events == zmq.POLLOUT and type(events) is int
    a.send(b"x")
    events = b.poll(1000, zmq.POLLIN | zmq.POLLOUT)
    assert events == zmq.POLLIN | zmq.POLLOUT and type(events) is int
    b.close()
    with pytest.raises(zmq.ZMQError) as e:
        b.poll(10)
    assert e.value.errno == zmq.ENOTSUP


def test_green_device_parameter_names():
    import inspect

    assert list(inspect.signature(gzmq.device).parameters) == ["device_type", "isocket", "osocket"]


def test_context_makes_green_sockets_and_has_its_own_instance(gctx):
    s = gctx.socket(zmq.PAIR)
    assert isinstance(s, gzmq.Socket)
    s.close()
    inst = gzmq.Context.instance()
    try:
        assert isinstance(inst, gzmq.Context)
        assert inst is gzmq.Context.instance()
        assert inst is not zmq.Context.instance()
    finally:
        inst.term()
        zmq.Context.instance().term()


# -- many greenlets on shared sockets -------------------------------------------------------


@pytest.mark.parametrize("transport", ["inproc", "tcp"])
def test_fifty_greenlets_share_one_push_pull_pair(gctx, transport):
    # Small high-water marks make senders wait as well as receivers.
    push, pull = pair(gctx, zmq.PUSH, zmq.PULL, transport, sndhwm=2, rcvhwm=2)
    n, per = 50, 20
    received = []

    def sender(i):
        for j in range(per):
            push.send(b"%d:%d" % (i, j))

    def receiver():
        for _ in range(per):
            received.append(pull.recv())

    run_all(*[gevent.spawn(sender, i) for i in range(n)], *[gevent.spawn(receiver) for _ in range(n)])
    assert sorted(received) == sorted(b"%d:%d" % (i, j) for i in range(n) for j in range(per))
    # Per sender, order is kept (one pipe, FIFO).
    for i in range(n):
        mine = [int(m.split(b":")[1]) for m in received if m.split(b":")[0] == b"%d" % i]
        assert mine == list(range(per))
    assert pull.poll(0) == 0


def test_senders_and_receivers_on_the_same_sockets(gctx):
    # Both directions wait on the same socket at once: a call made for one direction can
    # consume the FD edge that announces the other, and nobody may be left waiting.
    a, b = pair(gctx, zmq.DEALER, zmq.DEALER, "tcp", sndhwm=1, rcvhwm=1)
    n, per = 25, 20
    got = {a: [], b: []}

    def sender(sock, tag, i):
        for j in range(per):
            sock.send_multipart([tag, b"%d" % i, b"%d" % j])

    def receiver(sock):
        for _ in range(per):
            got[sock].append(sock.recv_multipart())

    greenlets = []
    for sock, peer, tag in ((a, b, b"a"), (b, a, b"b")):
        greenlets += [gevent.spawn(sender, sock, tag, i) for i in range(n)]
        greenlets += [gevent.spawn(receiver, sock) for _ in range(n)]
    run_all(*greenlets)
    for sock, tag in ((b, b"a"), (a, b"b")):
        expected = sorted([tag, b"%d" % i, b"%d" % j] for i in range(n) for j in range(per))
        assert sorted(got[sock]) == expected


def test_req_rep_between_greenlets(gctx):
    rep = make(gctx, zmq.REP, bind=endpoint("inproc"))
    addr = rep.last_endpoint.decode()
    clients = [make(gctx, zmq.REQ, connect=addr) for _ in range(5)]
    per = 20

    def server():
        for _ in range(per * len(clients)):
            request = rep.recv_json()
            rep.send_json({"echo": request, "n": request["n"] * 2})

    def client(i, req):
        replies = []
        for n in range(per):
            req.send_json({"client": i, "n": n})
            replies.append(req.recv_json())
        return replies

    results = run_all(gevent.spawn(server), *[gevent.spawn(client, i, c) for i, c in enumerate(clients)])
    for i, replies in enumerate(results[1:]):
        assert replies == [{"echo": {"client": i, "n": n}, "n": 2 * n} for n in range(per)]


# -- the hub stays free -----------------------------------------------------------------------


def test_blocking_recv_lets_other_greenlets_run(gctx, ticker):
    push, pull = pair(gctx, zmq.PUSH, zmq.PULL)

    def late_sender():
        gevent.sleep(0.3)
        push.send(b"late")

    sender = gevent.spawn(late_sender)
    start, ticks = time.monotonic(), ticker.ticks
    assert pull.recv() == b"late"  # in the main greenlet
    elapsed = time.monotonic() - start
    run_all(sender)
    assert 0.25 < elapsed < 3
    assert ticker.ticks - ticks >= 10, "the ticker did not run while recv waited"


def test_every_blocking_call_waits_cooperatively(gctx, ticker):
    a, b = pair(gctx, zmq.PAIR, zmq.PAIR)
    received = []

    def receiver():
        received.append(b.recv_multipart())
        received.append(b.recv_string())
        received.append(b.recv_json())
        received.append(b.recv_pyobj())
        received.append(b.recv_serialized(lambda parts: b"+".join(parts)))
        buf = bytearray(10)
        n = b.recv_into(buf)
        received.append(bytes(buf[:n]))
        frame = b.recv(copy=False)
        received.append(frame.bytes)
        received.append(b.poll(flags=zmq.POLLIN))
        received.append(b.recv())

    def sender():
        for send in (
            lambda: a.send_multipart([b"x", b"y"]),
            lambda: a.send_string("héllo"),
            lambda: a.send_json({"k": [1, 2]}),
            lambda: a.send_pyobj((1, "two")),
            lambda: a.send_serialized("s", lambda m: [m.encode(), b"t"]),
            lambda: a.send(b"into"),
            lambda: a.send(b"frame", copy=False),
            lambda: a.send(b"polled"),
        ):
            gevent.sleep(0.02)  # the receiver is already waiting each time
            send()

    ticks = ticker.ticks
    run_all(gevent.spawn(receiver), gevent.spawn(sender))
    assert received == [
        [b"x", b"y"], "héllo", {"k": [1, 2]}, (1, "two"), b"s+t", b"into", b"frame", zmq.POLLIN, b"polled",
    ]
    assert ticker.ticks - ticks >= 5


def test_idle_waits_do_not_spin_the_cpu(gctx):
    push, pull = pair(gctx, zmq.PUSH, zmq.PULL, "tcp")
    pull.rcvtimeo = 600
    poller = gzmq.Poller()
    poller.register(pull, zmq.POLLIN)
    r, w = os.pipe()
    try:
        poller.register(r, zmq.POLLIN)
        waiters = [
            gevent.spawn(lambda: pytest.raises(zmq.Again, pull.recv)),
            gevent.spawn(pull.poll, 600),
            gevent.spawn(poller.poll, 600),
        ]
        cpu, wall = time.process_time(), time.monotonic()
        results = run_all(*waiters)
        cpu, wall = time.process_time() - cpu, time.monotonic() - wall
    finally:
        os.close(r)
        os.close(w)
    assert results[1:] == [0, []]
    assert wall >= 0.55
    assert cpu < 0.15, f"{cpu:.3f} s of CPU in {wall:.3f} s of idle waiting"


# -- timeouts and NOBLOCK ---------------------------------------------------------------------


def test_rcvtimeo_raises_again_after_about_the_timeout(gctx, ticker):
    push, pull = pair(gctx, zmq.PUSH, zmq.PULL, rcvtimeo=200)
    ticks = ticker.ticks
    start = time.monotonic()
    with pytest.raises(zmq.Again):
        pull.recv()
    elapsed = time.monotonic() - start
    assert 0.18 <= elapsed < 1.5
    assert ticker.ticks - ticks >= 5
    # The socket still works afterwards.
    push.send(b"after")
    assert pull.recv() == b"after"


def test_sndtimeo_raises_again_after_about_the_timeout(gctx):
    push = make(gctx, zmq.PUSH, bind=endpoint("inproc"), sndtimeo=200)  # no peer: cannot send
    start = time.monotonic()
    with pytest.raises(zmq.Again):
        push.send(b"nobody")
    assert 0.18 <= time.monotonic() - start < 1.5


def test_timeouts_apply_to_each_of_many_waiting_greenlets(gctx):
    push, pull = pair(gctx, zmq.PUSH, zmq.PULL, rcvtimeo=200)

    def wait():
        start = time.monotonic()
        with pytest.raises(zmq.Again):
            pull.recv()
        return time.monotonic() - start

    elapsed = run_all(*[gevent.spawn(wait) for _ in range(10)])
    assert all(0.18 <= t < 2 for t in elapsed), elapsed


def test_noblock_passes_straight_through(gctx, ticker):
    push, pull = pair(gctx, zmq.PUSH, zmq.PULL)
    ticks = ticker.ticks
    for _ in range(3):
        with pytest.raises(zmq.Again):
            pull.recv(zmq.NOBLOCK)
        with pytest.raises(zmq.Again):
            pull.recv_multipart(zmq.DONTWAIT)
    assert ticker.ticks == ticks, "a NOBLOCK call switched to the hub"
    push.send(b"x")
    assert pull.poll(5000) == zmq.POLLIN
    assert pull.recv(zmq.NOBLOCK) == b"x"


def test_rcvtimeo_zero_is_nonblocking(gctx):
    push, pull = pair(gctx, zmq.PUSH, zmq.PULL, rcvtimeo=0)
    start = time.monotonic()
    with pytest.raises(zmq.Again):
        pull.recv()
    assert time.monotonic() - start < 0.1


def test_killed_waiter_leaves_its_turn_to_the_next(gctx):
    push, pull = pair(gctx, zmq.PUSH, zmq.PULL)
    first = gevent.spawn(pull.recv)
    second = gevent.spawn(pull.recv)
    gevent.sleep(0.05)
    first.kill(timeout=1)
    push.send(b"for the second")
    assert run_all(second) == [b"for the second"]


def test_router_mandatory_full_peer_waits_without_spinning(gctx):
    # EVENTS reports POLLOUT (another peer is writable) while a send to the full peer
    # cannot proceed: the waiting sender must neither spin nor be forgotten, even with a
    # receiver waiting on the same socket.
    router = make(gctx, zmq.ROUTER, bind=endpoint("inproc"), router_mandatory=1, sndhwm=1)
    addr = router.last_endpoint.decode()
    d1 = make(gctx, zmq.DEALER, connect=addr, identity=b"d1", rcvhwm=1)
    d2 = make(gctx, zmq.DEALER, connect=addr, identity=b"d2", rcvhwm=1)
    for d in (d1, d2):
        d.send(b"hello")
    assert sorted(router.recv_multipart() for _ in range(2)) == [[b"d1", b"hello"], [b"d2", b"hello"]]
    while True:
        try:
            router.send_multipart([b"d1", b"fill"], zmq.NOBLOCK)
        except zmq.Again:
            break
    assert router.get(zmq.EVENTS) & zmq.POLLOUT  # the misleading readiness
    sender = gevent.spawn(router.send_multipart, [b"d1", b"waited"])
    receiver = gevent.spawn(router.recv_multipart)
    cpu = time.process_time()
    gevent.sleep(0.5)
    cpu = time.process_time() - cpu
    assert not sender.dead and not receiver.dead
    assert cpu < 0.15, f"{cpu:.3f} s of CPU while waiting 0.5 s"
    d2.send(b"wake the receiver")
    while d1.poll(100):
        if d1.recv() == b"waited":
            break
    else:
        pytest.fail("the waiting send never went through")
    assert run_all(sender, receiver) == [None, [b"d2", b"wake the receiver"]]


# -- the edge-triggered ZMQ_FD ---------------------------------------------------------------
# Any libzmq call on a socket may consume the FD signal a waiting greenlet relies on. In
# each test the signal arrives while the hub cannot run (time.sleep is not patched), then
# another call on the socket runs before the hub does: the waiter must still complete.


@pytest.fixture
def plain_ctx():
    ctx = zmq.Context()
    yield ctx
    ctx.destroy(linger=0)


def _block_until_signalled(sock, timeout=5.0):
    """Block the whole thread (the hub cannot run) until ``sock``'s ZMQ_FD signals, without
    a libzmq call on ``sock`` (which would consume the signal)."""
    readable, _, _ = select.select([zmq.Socket.get(sock, zmq.FD)], [], [], timeout)
    assert readable, "the FD never signalled"


def _reply_lands_while_hub_is_blocked(router, dealer):
    """Start a green recv on ``dealer`` and make the reply arrive while the hub is blocked;
    returns the waiting greenlet."""
    dealer.send(b"hello")
    ident, _ = router.recv_multipart()
    waiter = gevent.spawn(dealer.recv)
    gevent.sleep(0.02)
    assert not waiter.dead
    router.send_multipart([ident, b"reply"])
    _block_until_signalled(dealer)  # the reply lands and signals the FD; the hub is blocked meanwhile
    return waiter


def _dealer_and_plain_router(gctx, plain_ctx):
    router = make(plain_ctx, zmq.ROUTER, bind="tcp://127.0.0.1:*")
    dealer = make(gctx, zmq.DEALER, connect=router.last_endpoint.decode())
    return router, dealer


def test_queued_recv_gets_a_reply_that_landed_while_the_hub_was_blocked(gctx, plain_ctx):
    router, dealer = _dealer_and_plain_router(gctx, plain_ctx)
    waiter = _reply_lands_while_hub_is_blocked(router, dealer)
    waiter.join(0.5)
    assert waiter.value == b"reply"


@pytest.mark.parametrize("flags", [zmq.POLLIN, zmq.POLLOUT])
def test_immediate_socket_poll_does_not_strand_a_queued_recv(gctx, plain_ctx, flags):
    router, dealer = _dealer_and_plain_router(gctx, plain_ctx)
    waiter = _reply_lands_while_hub_is_blocked(router, dealer)
    assert dealer.poll(1000, flags) & flags
    waiter.join(0.5)
    assert waiter.value == b"reply"


def test_poller_does_not_strand_a_queued_recv(gctx, plain_ctx):
    router, dealer = _dealer_and_plain_router(gctx, plain_ctx)
    poller = gzmq.Poller()
    poller.register(dealer, zmq.POLLIN)
    waiter = _reply_lands_while_hub_is_blocked(router, dealer)
    assert poller.poll(1000) == [(dealer, zmq.POLLIN)]
    waiter.join(0.5)
    assert waiter.value == b"reply"


def test_reading_events_does_not_strand_a_queued_recv(gctx, plain_ctx):
    router, dealer = _dealer_and_plain_router(gctx, plain_ctx)
    waiter = _reply_lands_while_hub_is_blocked(router, dealer)
    assert dealer.events & zmq.POLLIN
    waiter.join(0.5)
    assert waiter.value == b"reply"


@pytest.mark.parametrize("direction", ["send-miss-strands-recv", "recv-miss-strands-send"])
def test_noblock_miss_does_not_strand_the_other_direction(gctx, direction):
    addr = endpoint("inproc")
    a = make(gctx, zmq.PAIR, bind=addr, sndhwm=1, rcvhwm=1)
    # A plain socket in the same context (inproc endpoints are per context).
    b = make(gctx, zmq.PAIR, connect=addr, socket_class=zmq.Socket, sndhwm=1, rcvhwm=1)
    assert not isinstance(b, gzmq.Socket)
    filled = 0
    while True:
        try:
            a.send(b"fill", zmq.NOBLOCK)
        except zmq.Again:
            break
        filled += 1
    assert filled >= 1
    if direction == "send-miss-strands-recv":
        waiter = gevent.spawn(a.recv)
        gevent.sleep(0.02)
        b.send(b"to-a")
        _block_until_signalled(a)  # a's FD is signalled while the hub is blocked
        with pytest.raises(zmq.Again):
            a.send(b"more", zmq.NOBLOCK)  # the pipe is still full
        waiter.join(0.5)
        assert waiter.value == b"to-a"
    else:
        waiter = gevent.spawn(a.send, b"queued")
        gevent.sleep(0.02)
        assert not waiter.dead
        for _ in range(filled):
            assert b.recv() == b"fill"
        _block_until_signalled(a)  # room again: a's FD is signalled while the hub is blocked
        with pytest.raises(zmq.Again):
            a.recv(zmq.NOBLOCK)  # nothing to receive
        waiter.join(0.5)
        assert waiter.dead and waiter.exception is None
        assert b.recv() == b"queued"


def test_a_wakeup_consumed_by_a_dispatch_is_not_lost(gctx):
    # The receiver misses, then its message lands while the hub is blocked *before* the
    # dispatch that its miss scheduled (needed by the other waiter) reads EVENTS, which
    # consumes the FD signal. That dispatch cannot tell this readiness from the one the
    # receiver just failed to use; the receiver must be woken all the same.
    addr = endpoint("inproc")
    pull = make(gctx, zmq.PULL, bind=addr)
    push = make(gctx, zmq.PUSH, connect=addr, socket_class=zmq.Socket)
    other = gevent.spawn(pull.poll, 3000, zmq.POLLOUT)  # never satisfied on a PULL socket
    gevent.sleep(0.02)

    def land_message():
        push.send(b"landed")
        _block_until_signalled(pull)  # blocks the hub: the message arrives and signals the FD

    receiver = gevent.spawn(pull.recv)  # starts (and misses) first...
    gevent.get_hub().loop.run_callback(land_message)  # ...then this, then the dispatch
    receiver.join(1)
    assert receiver.value == b"landed"
    other.kill()


def test_dealer_recv_waiter_while_another_greenlet_sends_on_the_same_socket(gctx):
    router, dealer = pair(gctx, zmq.ROUTER, zmq.DEALER, "tcp")
    n = 2000

    def echo():
        for _ in range(n):
            router.send_multipart(router.recv_multipart())

    def receiver():
        return [dealer.recv() for _ in range(n)]

    def sender():
        for i in range(n):
            dealer.send(b"%d" % i)
            if i % 10 == 0:
                gevent.sleep(0)
            elif i % 97 == 0:
                gevent.sleep(0.001)

    got = run_all(gevent.spawn(receiver), gevent.spawn(sender), gevent.spawn(echo))[0]
    assert got == [b"%d" % i for i in range(n)]


def test_green_sockets_in_another_threads_hub(gctx):
    import threading

    push, pull = pair(gctx, zmq.PUSH, zmq.PULL)
    result = {}

    def in_thread():
        try:
            sender = gevent.spawn_later(0.05, push.send, b"from the thread's hub")
            result["got"] = pull.recv()
            sender.join()
        except BaseException as e:  # reported by the test
            result["error"] = e
        finally:
            gevent.get_hub().destroy(destroy_loop=True)

    t = threading.Thread(target=in_thread, daemon=True)
    t.start()
    t.join(JOIN)
    assert not t.is_alive()
    assert result == {"got": b"from the thread's hub"}
    # Back in the main thread's hub, the same sockets keep working.
    sender = gevent.spawn_later(0.05, push.send, b"main hub")
    assert pull.recv() == b"main hub"
    run_all(sender)


# -- closing and terminating ------------------------------------------------------------------


def test_close_wakes_waiting_greenlets_with_enotsock(gctx):
    push, pull = pair(gctx, zmq.PUSH, zmq.PULL)
    waiters = [gevent.spawn(pull.recv) for _ in range(3)] + [gevent.spawn(pull.poll, 5000)]
    gevent.sleep(0.05)
    start = time.monotonic()
    pull.close()
    gevent.joinall(waiters, timeout=JOIN)
    assert time.monotonic() - start < 1
    for g in waiters:
        assert isinstance(g.exception, zmq.ZMQError) and g.exception.errno == zmq.ENOTSOCK, g.exception


def test_term_waits_cooperatively_for_greenlets_to_close_their_sockets():
    ctx = gzmq.Context()
    try:
        pull = make(ctx, zmq.PULL, bind=endpoint("inproc"), rcvtimeo=-1)

        def worker():
            try:
                pull.recv()
            except zmq.ContextTerminated:
                return "terminated"
            finally:
                pull.close()

        g = gevent.spawn(worker)
        gevent.sleep(0.05)
        with gevent.Timeout(JOIN):
            ctx.term()
        assert ctx.closed
        assert run_all(g) == ["terminated"]
    finally:
        if not ctx.closed:
            ctx.destroy(linger=0)


# -- Ctrl-C -----------------------------------------------------------------------------------


CTRL_C_CHILD = textwrap.dedent(
    """
    import sys, time, gevent
    import zmq.green as zmq

    ctx = zmq.Context()
    pull = ctx.socket(zmq.PULL)
    pull.linger = 0
    pull.bind("inproc://ctrl-c")
    ticks = [0]

    def tick():
        while True:
            ticks[0] += 1
            gevent.sleep(0.01)

    ticker = gevent.spawn(tick)
    # 1. A green recv in the main greenlet.
    print("ready", flush=True)
    start = time.monotonic()
    try:
        pull.recv()
    except KeyboardInterrupt:
        print("interrupted %.3f %d" % (time.monotonic() - start, ticks[0]), flush=True)
    # 2. The recv in another greenlet: gevent raises KeyboardInterrupt in the main one.
    waiter = gevent.spawn(pull.recv)
    print("ready", flush=True)
    start = time.monotonic()
    try:
        waiter.join()
    except KeyboardInterrupt:
        print("interrupted %.3f %d" % (time.monotonic() - start, ticks[0]), flush=True)
    waiter.kill()
    ticker.kill()
    pull.close()
    ctx.term()
    print("clean exit", flush=True)
    """
)


def test_ctrl_c_interrupts_a_green_blocking_recv():
    proc = subprocess.Popen([sys.executable, "-c", CTRL_C_CHILD], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    pending = bytearray()

    def read_line():
        # Our own buffering: a buffered readline() could hold a line select() can't see.
        while b"\n" not in pending:
            assert sel.select(JOIN), "the child printed nothing in time"
            chunk = os.read(proc.stdout.fileno(), 4096)
            assert chunk, "the child exited: " + proc.stderr.read().decode(errors="replace")
            pending.extend(chunk)
        line, _, rest = bytes(pending).partition(b"\n")
        pending[:] = rest
        return line.decode().strip()

    try:
        for _ in range(2):
            assert read_line() == "ready"
            time.sleep(0.3)  # well inside the recv by now
            proc.send_signal(signal.SIGINT)
            line = read_line()
            assert line.startswith("interrupted"), line
            _, elapsed, ticks = line.split()
            assert 0.25 < float(elapsed) < 2.0, elapsed  # promptly after the signal
            assert int(ticks) > 10  # the hub kept running other greenlets meanwhile
        assert read_line() == "clean exit"
        proc.wait(JOIN)
        assert proc.returncode == 0, proc.stderr.read()
    finally:
        sel.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()


# -- Poller, select, Socket.poll --------------------------------------------------------------


def test_poller_waits_on_sockets_and_fds(gctx, ticker):
    push, pull = pair(gctx, zmq.PUSH, zmq.PULL)
    r, w = os.pipe()
    try:
        poller = gzmq.Poller()
        poller.register(pull, zmq.POLLIN)
        poller.register(r, zmq.POLLIN)

        # Nothing ready: times out after about the timeout, hub free meanwhile.
        ticks, start = ticker.ticks, time.monotonic()
        assert poller.poll(200) == []
        assert 0.18 <= time.monotonic() - start < 1.5
        assert ticker.ticks - ticks >= 5

        # An fd becomes readable.
        writer = gevent.spawn_later(0.1, os.write, w, b"!")
        assert poller.poll(5000) == [(r, zmq.POLLIN)]
        run_all(writer)
        os.read(r, 1)

        # The zmq socket becomes readable.
        sender = gevent.spawn_later(0.1, push.send, b"msg")
        assert poller.poll(5000) == [(pull, zmq.POLLIN)]
        run_all(sender)
        assert pull.recv() == b"msg"

        # Already ready: returns at once, both.
        push.send(b"again")
        os.write(w, b"!")
        assert pull.poll(5000)
        assert sorted(poller.poll(0), key=repr) == sorted([(pull, zmq.POLLIN), (r, zmq.POLLIN)], key=repr)

        # A writable fd.
        wpoller = gzmq.Poller()
        wpoller.register(w, zmq.POLLOUT)
        assert wpoller.poll(1000) == [(w, zmq.POLLOUT)]
    finally:
        os.close(r)
        os.close(w)


def test_poller_with_plain_sockets_and_objects_with_fileno(gctx):
    plain_ctx = zmq.Context()
    try:
        a = make(plain_ctx, zmq.PAIR, bind=endpoint("inproc"))
        b = make(plain_ctx, zmq.PAIR, connect=a.last_endpoint.decode())
        assert not isinstance(b, gzmq.Socket)
        r, w = os.pipe()
        with os.fdopen(r, "rb", buffering=0) as rf:
            poller = gzmq.Poller()
            poller.register(b, zmq.POLLIN)
            poller.register(rf, zmq.POLLIN)
            sender = gevent.spawn_later(0.1, a.send, b"plain")
            assert poller.poll(5000) == [(b, zmq.POLLIN)]
            run_all(sender)
            assert b.recv() == b"plain"
            writer = gevent.spawn_later(0.1, os.write, w, b"!")
            # an object with fileno() is reported by its fd, as plain zmq.zmq_poll does (and pyzmq)
            assert poller.poll(5000) == [(rf.fileno(), zmq.POLLIN)]
            run_all(writer)
        os.close(w)
        a.close()
        b.close()
    finally:
        plain_ctx.destroy(linger=0)


def test_many_greenlets_polling_one_socket(gctx):
    push, pull = pair(gctx, zmq.PUSH, zmq.PULL)
    pollers = [gevent.spawn(pull.poll, 5000) for _ in range(10)]
    multi = []
    for _ in range(5):
        p = gzmq.Poller()
        p.register(pull, zmq.POLLIN)
        multi.append(gevent.spawn(p.poll, 5000))
    gevent.sleep(0.05)
    push.send(b"one")
    results = run_all(*pollers, *multi)
    assert results[:10] == [zmq.POLLIN] * 10
    assert results[10:] == [[(pull, zmq.POLLIN)]] * 5


def test_select_and_zmq_poll_are_cooperative(gctx, ticker):
    a, b = pair(gctx, zmq.PAIR, zmq.PAIR)
    ticks = ticker.ticks
    assert gzmq.select([b], [], [], 0.2) == ([], [], [])
    assert ticker.ticks - ticks >= 5
    sender = gevent.spawn_later(0.05, a.send, b"x")
    assert gzmq.select([b], [], [], 5) == ([b], [], [])
    run_all(sender)
    assert gzmq.select([b], [a], [], 0) == ([b], [a], [])
    assert gzmq.zmq_poll([(b, zmq.POLLIN)], 5000) == [(b, zmq.POLLIN)]
    assert b.recv() == b"x"
    sender = gevent.spawn_later(0.05, a.send, b"y")
    assert gzmq.zmq_poll([(b, zmq.POLLIN), (a, zmq.POLLIN)]) == [(b, zmq.POLLIN)]
    run_all(sender)
    assert b.recv() == b"y"


def test_socket_poll_timeout_and_pollout(gctx, ticker):
    push, pull = pair(gctx, zmq.PUSH, zmq.PULL)
    ticks, start = ticker.ticks, time.monotonic()
    assert pull.poll(200) == 0
    assert 0.18 <= time.monotonic() - start < 1.5
    assert ticker.ticks - ticks >= 5
    assert push.poll(1000, zmq.POLLOUT) == zmq.POLLOUT
    assert pull.poll(0) == 0


def test_shadow_of_a_plain_socket_is_cooperative(gctx, ticker):
    plain_ctx = zmq.Context()
    try:
        a = make(plain_ctx, zmq.PAIR, bind=endpoint("inproc"))
        b = make(plain_ctx, zmq.PAIR, connect=a.last_endpoint.decode())
        green_b = gzmq.Socket.from_socket(b)
        assert isinstance(green_b, gzmq.Socket)
        sender = gevent.spawn_later(0.2, a.send, b"via shadow")
        ticks = ticker.ticks
        assert green_b.recv() == b"via shadow"
        assert ticker.ticks - ticks >= 5
        run_all(sender)
        a.close()
        b.close()
    finally:
        plain_ctx.destroy(linger=0)


# -- device and proxies -----------------------------------------------------------------------


def _proxy_runner(func, *socks):
    """Run ``func(*socks)`` and close the sockets it was given when it ends."""
    try:
        return func(*socks)
    finally:
        for s in socks:
            if isinstance(s, zmq.Socket):
                s.close()


def test_device_forwards_between_greenlets(gctx):
    front = make(gctx, zmq.PULL, bind=endpoint("inproc"))
    back = make(gctx, zmq.PUSH, bind=endpoint("inproc"))
    producer = make(gctx, zmq.PUSH, connect=front.last_endpoint.decode())
    consumer = make(gctx, zmq.PULL, connect=back.last_endpoint.decode())
    dev = gevent.spawn(_proxy_runner, gzmq.device, zmq.QUEUE, front, back)
    n = 200

    def produce():
        for i in range(n):
            producer.send_multipart([b"part-a", b"%d" % i])

    def consume():
        return [consumer.recv_multipart() for _ in range(n)]

    _, got = run_all(gevent.spawn(produce), gevent.spawn(consume))
    assert got == [[b"part-a", b"%d" % i] for i in range(n)]
    dev.kill(timeout=JOIN)  # GreenletExit ends it; the runner closes its sockets
    assert dev.dead and front.closed and back.closed


def test_proxy_router_dealer_with_capture_and_context_term():
    ctx = gzmq.Context()
    try:
        front = make(ctx, zmq.ROUTER, bind=endpoint("inproc"))
        back = make(ctx, zmq.DEALER, bind=endpoint("inproc"))
        cap_in = make(ctx, zmq.PULL, bind=endpoint("inproc"))
        capture = make(ctx, zmq.PUSH, connect=cap_in.last_endpoint.decode())
        proxy = gevent.spawn(_proxy_runner, gzmq.proxy, front, back, capture)
        worker_sock = make(ctx, zmq.REP, connect=back.last_endpoint.decode())
        clients = [make(ctx, zmq.REQ, connect=front.last_endpoint.decode()) for _ in range(4)]

        def worker():
            for _ in range(4 * 5):
                worker_sock.send(worker_sock.recv().upper())

        def client(req, i):
            out = []
            for j in range(5):
                req.send(b"c%d-%d" % (i, j))
                out.append(req.recv())
            return out

        results = run_all(gevent.spawn(worker), *[gevent.spawn(client, c, i) for i, c in enumerate(clients)])
        for i, out in enumerate(results[1:]):
            assert out == [b"C%d-%d" % (i, j) for j in range(5)]
        captured = []
        while cap_in.poll(200):
            captured.append(cap_in.recv_multipart())
        assert len(captured) == 2 * 4 * 5  # every request and every reply, whole
        assert sum(1 for m in captured if m[-1].startswith(b"c")) == 20

        for s in (worker_sock, cap_in, *clients):
            s.close()
        with gevent.Timeout(JOIN):
            ctx.term()  # the proxy's sockets raise ContextTerminated; it closes them
        gevent.joinall([proxy], timeout=JOIN)
        assert isinstance(proxy.exception, zmq.ContextTerminated), proxy.exception
    finally:
        if not ctx.closed:
            ctx.destroy(linger=0)


def test_proxy_steerable_commands(gctx):
    front = make(gctx, zmq.PULL, bind=endpoint("inproc"))
    back = make(gctx, zmq.PUSH, bind=endpoint("inproc"))
    control = make(gctx, zmq.PAIR, bind=endpoint("inproc"))
    client = make(gctx, zmq.PUSH, connect=front.last_endpoint.decode())
    worker = make(gctx, zmq.PULL, connect=back.last_endpoint.decode())
    controller = make(gctx, zmq.PAIR, connect=control.last_endpoint.decode())
    proxy = gevent.spawn(_proxy_runner, gzmq.proxy_steerable, front, back, None, control)

    def stats():
        controller.send(b"STATISTICS")
        frames = controller.recv_multipart()
        return [struct.unpack("=Q", f)[0] for f in frames]

    for i in range(3):
        client.send(b"msg-%d" % i)
    assert [worker.recv() for _ in range(3)] == [b"msg-0", b"msg-1", b"msg-2"]
    assert stats() == [3, 15, 0, 0, 0, 0, 3, 15]

    controller.send(b"PAUSE")
    assert stats() == [3, 15, 0, 0, 0, 0, 3, 15]
    client.send(b"paused")
    assert worker.poll(200) == 0
    controller.send(b"RESUME")
    assert worker.recv() == b"paused"
    assert stats() == [4, 21, 0, 0, 0, 0, 4, 21]

    controller.send(b"TERMINATE")
    assert run_all(proxy) == [0]
    assert front.closed and back.closed and control.closed


def test_proxy_ends_with_enotsock_when_a_socket_is_closed(gctx):
    front = make(gctx, zmq.PULL, bind=endpoint("inproc"))
    back = make(gctx, zmq.PUSH, bind=endpoint("inproc"))
    proxy = gevent.spawn(gzmq.proxy, front, back)
    gevent.sleep(0.05)
    front.close()
    gevent.joinall([proxy], timeout=JOIN)
    assert isinstance(proxy.exception, zmq.ZMQError) and proxy.exception.errno == zmq.ENOTSOCK


# -- eventloop --------------------------------------------------------------------------------


def test_green_eventloop_is_zmq_eventloop():
    pytest.importorskip("tornado")
    with warnings.catch_warnings():
        # zmq.eventloop.ioloop is deprecated (Tornado's own IOLoop is the one to use).
        warnings.simplefilter("ignore", DeprecationWarning)
        import zmq.green.eventloop as el
        from zmq.green.eventloop import ioloop, zmqstream

    import tornado.ioloop

    import zmq.eventloop.ioloop
    import zmq.eventloop.zmqstream

    assert el.__all__ == ["IOLoop"] and el.IOLoop is tornado.ioloop.IOLoop
    assert ioloop.IOLoop is zmq.eventloop.ioloop.IOLoop
    assert ioloop.ZMQIOLoop is zmq.eventloop.ioloop.ZMQIOLoop and ioloop.install is zmq.eventloop.ioloop.install
    assert zmqstream.__all__ == ["ZMQStream"]
    assert issubclass(zmqstream.ZMQStream, zmq.eventloop.zmqstream.ZMQStream)
    assert zmqstream.ZMQStream.__module__ == "zmq.green.eventloop.zmqstream"
    ctx = gzmq.Context()
    s = ctx.socket(zmq.PULL)
    stream = zmqstream.ZMQStream(s)
    assert stream.socket is s
    stream.close()
    ctx.term()


ZMQSTREAM_CHILD = textwrap.dedent(
    """
    from gevent import monkey
    monkey.patch_all()  # only in this child process

    import gevent
    import zmq.green as zmq
    from zmq.green.eventloop import ioloop, zmqstream

    ctx = zmq.Context()
    a = ctx.socket(zmq.PAIR)
    b = ctx.socket(zmq.PAIR)
    for s in (a, b):
        s.linger = 0
        s.rcvtimeo = 5000
    a.bind("tcp://127.0.0.1:*")
    b.connect(a.last_endpoint.decode())
    ticks = [0]

    def tick():
        while True:
            ticks[0] += 1
            gevent.sleep(0.01)

    echoed = []

    def run_loop():
        loop = ioloop.IOLoop()

        def start():
            stream = zmqstream.ZMQStream(a, loop)

            def on_recv(msg):
                echoed.append(msg)
                stream.send_multipart(msg)
                if len(echoed) == 5:
                    loop.add_callback(loop.stop)

            stream.on_recv(on_recv)

        loop.add_callback(start)
        loop.start()
        loop.close()

    ticker = gevent.spawn(tick)
    looper = gevent.spawn(run_loop)
    gevent.sleep(0.2)  # the loop idles in its greenlet; the ticker must keep ticking
    idle_ticks = ticks[0]
    replies = []
    for i in range(5):
        b.send(b"m%d" % i)
        replies.append(b.recv())
    looper.join(5)
    ticker.kill()
    assert looper.dead and looper.exception is None, looper.exception
    assert replies == [b"m%d" % i for i in range(5)], replies
    assert echoed == [[b"m%d" % i] for i in range(5)], echoed
    assert idle_ticks >= 10, idle_ticks
    a.close()
    b.close()
    ctx.term()
    print("ok")
    """
)


def test_zmqstream_under_monkey_patched_gevent():
    pytest.importorskip("tornado")
    proc = subprocess.run(
        [sys.executable, "-c", ZMQSTREAM_CHILD], cwd=ROOT, capture_output=True, text=True, timeout=30,
    )
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stdout + proc.stderr


def test_term_after_an_unclosed_green_socket_was_collected():
    # pyzmq's green term() then blocks for ever; ours closes the collected socket (with a
    # ResourceWarning, as plain sockets) and terminates
    import gc

    ctx = gzmq.Context()
    s = ctx.socket(zmq.PUSH)
    s.bind("inproc://cyzmq-green-collected")
    with pytest.warns(ResourceWarning):
        del s
        gc.collect()
    term = gevent.spawn(ctx.term)
    term.join(JOIN)
    assert term.dead and term.exception is None and ctx.closed


def test_send_family_signatures_are_explicit():
    # pyzmq's green send_multipart/recv_multipart take (*args, **kwargs); ours spell out the
    # parameters (as zmq.asyncio's do: one send/recv family serves both), send passes
    # routing_id/group on in **kwargs as pyzmq's, and set is the plain one (no Python layer
    # on setting options)
    import inspect

    assert list(inspect.signature(gzmq.Socket.send).parameters) == [
        "self", "data", "flags", "copy", "track", "kwargs"]
    assert list(inspect.signature(gzmq.Socket.send_multipart).parameters)[:5] == [
        "self", "msg_parts", "flags", "copy", "track"]
    assert list(inspect.signature(gzmq.Socket.recv_multipart).parameters) == ["self", "flags", "copy", "track"]
    assert gzmq.Socket.set is zmq.Socket.set
