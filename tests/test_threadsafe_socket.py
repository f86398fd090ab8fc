"""Opt-in thread-safe sockets (issue 15): ``ctx.socket(kind, thread_safe=True)``.

Calls are serialised by a lock; a blocking call waits with the lock released, so that a
concurrent send or close goes on, and a close ends the wait at once with ENOTSOCK. Every
wait here is bounded (RCVTIMEO/SNDTIMEO, join timeouts).
"""
from __future__ import annotations

import json
import signal
import threading
import time

import pytest

import zmq
from zmq.sugar.threadsafe import ThreadSafeSocket, thread_safe_class

import _helpers
from _helpers import close_made_sockets, ctx, inproc  # noqa: F401 - fixtures

PROMPT = 1.0  # seconds: a woken waiter must have returned within this


def _pair(ctx, a_kind=zmq.DEALER, b_kind=zmq.DEALER, safe_b=False, timeout=5000):
    addr = inproc()
    a = ctx.socket(a_kind, thread_safe=True)
    b = ctx.socket(b_kind, thread_safe=safe_b)
    _helpers._made.extend((a, b))  # closed after the test (close_made_sockets)
    for s in (a, b):
        s.linger = 0
        s.rcvtimeo = s.sndtimeo = timeout
    a.bind(addr)
    b.connect(addr)
    return a, b


class _Thread(threading.Thread):
    """A thread that keeps its target's result or exception, and when it finished."""

    def __init__(self, fn, *args):
        super().__init__(daemon=True)
        self.fn, self.args = fn, args
        self.result = self.error = self.ended = None

    def run(self):
        try:
            self.result = self.fn(*self.args)
        except BaseException as e:  # noqa: BLE001 - inspected by the test
            self.error = e
        self.ended = time.monotonic()


def _waiters(sock) -> int:
    """How many threads wait in a blocking call on ``sock`` (the one watching its FD and
    those waiting on the lock's condition)."""
    st = sock._ts
    return bool(st.leader_want) + st.wait_in + st.wait_out


def _started(fn, *args, on, waiters=1):
    """Start ``fn(*args)`` in a thread; return once ``waiters`` threads wait on socket ``on``
    (or the thread has ended)."""
    t = _Thread(fn, *args)
    t.start()
    assert _helpers.wait_until(lambda: _waiters(on) >= waiters or not t.is_alive()), "never waited"
    return t


def test_surface_is_a_sockets(ctx):
    a, b = _pair(ctx)
    assert isinstance(a, zmq.Socket) and isinstance(a, ThreadSafeSocket)
    assert repr(a).startswith("<zmq.ThreadSafeSocket(zmq.DEALER) at ")
    assert a.type == zmq.DEALER and a.linger == 0 and a.RCVTIMEO == 5000
    a.identity = b"ts"
    assert a.get(zmq.IDENTITY) == b"ts" and a.getsockopt(zmq.IDENTITY) == b"ts"
    b.send(b"x")
    assert a.poll(1000) == zmq.POLLIN
    assert a.recv() == b"x"
    for send, recv, value in [
        (b.send_string, a.recv_string, "héllo"),
        (b.send_json, a.recv_json, {"k": [1, 2]}),
        (b.send_pyobj, a.recv_pyobj, {1, 2}),
        (b.send_multipart, a.recv_multipart, [b"1", b"2", b"3"]),
    ]:
        send(value)
        assert recv() == value
    b.send_serialized({"a": 1}, lambda m: [json.dumps(m).encode()])
    assert a.recv_serialized(lambda parts: json.loads(parts[0])) == {"a": 1}
    a.send_unicode("back")
    assert b.recv_unicode() == "back"
    buf = bytearray(8)
    b.send(b"into")
    assert a.recv_into(buf) == 4 and buf[:4] == b"into"
    with pytest.raises(zmq.Again):
        a.recv(zmq.NOBLOCK)
    with ctx.socket(zmq.PUSH, thread_safe=True) as c:
        assert not c.closed
    assert c.closed
    a.close()
    with pytest.raises(zmq.ZMQError) as e:
        a.recv()
    assert e.value.errno == zmq.ENOTSOCK


def test_constructors_and_classes(ctx):
    s = ThreadSafeSocket(ctx, zmq.PAIR)
    s.close()

    class Mine(zmq.Socket):
        pass

    m = ctx.socket(zmq.PAIR, Mine, thread_safe=True)
    assert isinstance(m, Mine) and isinstance(m, ThreadSafeSocket)
    assert thread_safe_class(Mine) is type(m) and thread_safe_class(type(m)) is type(m)
    m.close()
    plain = ctx.socket(zmq.PAIR, thread_safe=False)
    assert type(plain) is zmq.Socket
    plain.close()


def test_async_and_green_sockets_refuse_thread_safe():
    import zmq.asyncio

    actx = zmq.asyncio.Context()
    try:
        with pytest.raises(TypeError, match="event loop"):
            actx.socket(zmq.PUSH, thread_safe=True)
    finally:
        actx.term()
    pytest.importorskip("gevent")
    import zmq.green

    gctx = zmq.green.Context()
    try:
        with pytest.raises(TypeError, match="blocking zmq.Socket"):
            gctx.socket(zmq.PUSH, thread_safe=True)
    finally:
        gctx.term()


@pytest.mark.parametrize("call", ["recv", "recv_multipart", "poll", "recv_string"])
def test_close_wakes_a_blocked_receiver_promptly(ctx, call):
    a, b = _pair(ctx, timeout=-1)
    fn = {"recv": a.recv, "recv_multipart": a.recv_multipart, "recv_string": a.recv_string,
          "poll": lambda: a.poll(-1)}[call]
    t = _started(fn, on=a)
    closed_at = time.monotonic()
    a.close()
    t.join(5)
    assert not t.is_alive()
    assert isinstance(t.error, zmq.ZMQError) and t.error.errno == zmq.ENOTSOCK, t.error
    assert t.ended - closed_at < PROMPT


def test_close_wakes_several_waiters_and_a_blocked_sender(ctx):
    a, b = _pair(ctx, timeout=-1)
    a.sndhwm = 1
    b.rcvhwm = 1
    sent = 0
    while True:  # fill the queues
        try:
            a.send(b"fill", zmq.NOBLOCK)
            sent += 1
        except zmq.Again:
            break
    senders = [_started(a.send, b"more", on=a, waiters=i + 1) for i in range(3)]
    receivers = [_started(a.recv, on=a, waiters=i + 4) for i in range(3)]
    closed_at = time.monotonic()
    a.close()
    for t in senders + receivers:
        t.join(5)
        assert not t.is_alive()
        assert isinstance(t.error, zmq.ZMQError) and t.error.errno == zmq.ENOTSOCK, t.error
        assert t.ended - closed_at < PROMPT
    assert sent >= 1


def test_destroy_from_another_thread_ends_the_wait(ctx):
    a, b = _pair(ctx, timeout=-1)
    t = _started(a.recv, on=a)
    ctx.destroy(linger=0)
    t.join(5)
    assert isinstance(t.error, zmq.ZMQError) and t.error.errno == zmq.ENOTSOCK, t.error


def test_context_term_wakes_the_waiter_with_context_terminated():
    c = zmq.Context()
    a = c.socket(zmq.PULL, thread_safe=True)
    a.linger = 0
    a.bind(inproc())

    def wait_then_close():
        try:
            return a.recv()
        finally:
            a.close()

    t = _started(wait_then_close, on=a)
    term = _Thread(c.term)
    term.start()
    t.join(5)
    term.join(5)
    assert not t.is_alive() and not term.is_alive()
    assert isinstance(t.error, zmq.ContextTerminated), t.error
    assert c.closed


def test_send_and_bind_go_on_while_another_thread_waits(ctx):
    # A receive waiting on the socket does not hold the lock: the same socket sends meanwhile.
    a, b = _pair(ctx)
    t = _started(a.recv, on=a)
    assert t.is_alive()
    for i in range(100):
        a.send(b"%d" % i)
    a.linger = 0
    a.bind(inproc())
    assert [b.recv() for _ in range(100)] == [b"%d" % i for i in range(100)]
    b.send(b"for the waiter")
    t.join(5)
    assert t.result == b"for the waiter", t.error


def test_waiters_for_different_events_are_both_served(ctx):
    # One thread waits to send (HWM full), another to receive: each is woken by its event.
    a, b = _pair(ctx)
    a.sndhwm = 1
    b.rcvhwm = 1
    while True:
        try:
            a.send(b"fill", zmq.NOBLOCK)
        except zmq.Again:
            break
    sender = _started(a.send, b"last", on=a)
    receiver = _started(a.recv, on=a, waiters=2)
    b.send(b"to a")
    receiver.join(5)
    assert receiver.result == b"to a", receiver.error
    got = []
    while b"last" not in got:
        got.append(b.recv())  # (RCVTIMEO 5 s: Again if it never comes)
    sender.join(5)
    assert sender.error is None, sender.error
    assert got[-1] == b"last" and set(got[:-1]) == {b"fill"}, got


def test_timeouts_are_kept(ctx):
    a, b = _pair(ctx, timeout=150)
    start = time.monotonic()
    with pytest.raises(zmq.Again) as timed_out:
        a.recv()
    assert 0.13 <= time.monotonic() - start < 1.0
    assert timed_out.value.args == (zmq.EAGAIN,)  # (a plain socket's timeout: its errno in args)
    assert a.rcvtimeo == 150  # the option itself is untouched
    a.sndhwm = 1
    b.rcvhwm = 1
    with pytest.raises(zmq.Again):
        for _ in range(10_000):
            a.send(b"x")
    start = time.monotonic()
    assert a.poll(100, zmq.POLLOUT) == 0
    assert 0.08 <= time.monotonic() - start < 1.0


def test_a_signal_handler_interrupts_the_wait(ctx):
    a, b = _pair(ctx, timeout=3000)

    class Interrupted(Exception):
        pass

    def handler(signum, frame):
        raise Interrupted

    old = signal.signal(signal.SIGINT, handler)
    timer = threading.Timer(0.1, signal.pthread_kill, (threading.main_thread().ident, signal.SIGINT))
    try:
        start = time.monotonic()
        timer.start()
        with pytest.raises(Interrupted):
            a.recv()
        assert time.monotonic() - start < 1.5
    finally:
        timer.cancel()
        timer.join(5)
        signal.signal(signal.SIGINT, old)
    b.send(b"after")  # the socket is still fine, and so are its waiters' books
    assert a.recv() == b"after"


def test_ctrl_c_raises_keyboard_interrupt_while_a_follower_waits(ctx):
    # The main thread waits behind another waiter (on the lock's condition, not the FD).
    a, b = _pair(ctx, timeout=3000)
    other = _started(a.recv, on=a)
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer = threading.Timer(0.1, signal.pthread_kill, (threading.main_thread().ident, signal.SIGINT))
    try:
        start = time.monotonic()
        timer.start()
        with pytest.raises(KeyboardInterrupt):
            a.recv()
        assert time.monotonic() - start < 1.5
    finally:
        timer.cancel()
        timer.join(5)
        signal.signal(signal.SIGINT, old)
    b.send(b"one")
    other.join(5)
    assert other.result == b"one", other.error


def test_many_senders_and_receivers_lose_nothing_and_keep_order(ctx):
    # 4 threads send on one socket, 4 receive on another: every message once, each sender's
    # messages in order in every receiver's stream, multipart messages never torn.
    a, b = _pair(ctx, zmq.PUSH, zmq.PULL, safe_b=True)
    n = 2000

    def send(tid):
        for i in range(n):
            a.send_multipart([b"%d" % tid, b"%d" % i, b"end"])

    def recv():
        return [b.recv_multipart() for _ in range(n)]

    receivers = [_Thread(recv) for _ in range(4)]
    senders = [_Thread(send, t) for t in range(4)]
    for t in receivers + senders:
        t.start()
    for t in senders + receivers:
        t.join(60)
        assert not t.is_alive() and t.error is None, t.error
    seen = set()
    for t in receivers:
        last = {}
        for tid, i, end in t.result:
            assert end == b"end"
            assert int(i) > last.get(tid, -1)
            last[tid] = int(i)
            seen.add((tid, i))
    assert len(seen) == 4 * n


def test_safe_pickles_on_a_thread_safe_socket(ctx):
    a, b = _pair(ctx, safe_b=True)
    a.set_pickle_security(key=b"k")
    b.set_pickle_security(key=b"k")
    a.send_pyobj([1, "two"])
    assert b.recv_pyobj() == [1, "two"]
