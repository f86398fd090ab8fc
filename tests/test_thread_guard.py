"""The thread-misuse guard (issue 15, part 3), over real sockets, on either backend.

While one thread is inside a call on a socket that has released the GIL (a blocking recv or
send, a poll), any other thread entering that socket gets ConcurrentUseError (a ZMQError,
errno EBUSY) and libzmq is never touched by the second call. The same thread may re-enter
(a signal handler during its own blocking recv). Context.destroy() from another thread
defers the close of a socket in use to the thread inside it, as pyzmq users expect.
"""
from __future__ import annotations

import errno
import signal
import threading
import time

import pytest

import zmq
from _helpers import needs_cython_backend
from zmq.error import ConcurrentUseError

TIMEOUT = 5.0


class Blocked:
    """Runs ``call`` in a thread and records what it returned or raised."""

    def __init__(self, call):
        self.result: object = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(call,), daemon=True)
        self.thread.start()

    def _run(self, call):
        try:
            self.result = call()
        except BaseException as e:  # recorded for the test to check
            self.error = e

    def join(self):
        self.thread.join(TIMEOUT)
        assert not self.thread.is_alive(), "the blocked call did not return"


def wait_guarded(sock: zmq.Socket) -> None:
    """Wait (bounded) until another thread's call on ``sock`` holds the guard."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        try:
            sock.get(zmq.EVENTS)
        except ConcurrentUseError:
            return
        time.sleep(0.002)  # (the guard shows only by refusing a call: a bounded poll)
    pytest.fail("the other thread never entered its blocking call")


@pytest.fixture
def pair():
    ctx = zmq.Context()
    a = ctx.socket(zmq.PAIR)
    b = ctx.socket(zmq.PAIR)
    a.linger = b.linger = 0
    b.bind("inproc://guard")
    a.connect("inproc://guard")
    yield ctx, a, b
    a.close(linger=0)
    b.close(linger=0)
    ctx.term()


MISUSES = {
    "send": lambda s: s.send(b"x", zmq.NOBLOCK),
    "recv": lambda s: s.recv(zmq.NOBLOCK),
    "recv_copy_false": lambda s: s.recv(zmq.NOBLOCK, copy=False),
    "send_multipart": lambda s: s.send_multipart([b"x", b"y"], zmq.NOBLOCK),
    "recv_multipart": lambda s: s.recv_multipart(zmq.NOBLOCK),
    "send_string": lambda s: s.send_string("x", zmq.NOBLOCK),
    "recv_json": lambda s: s.recv_json(zmq.NOBLOCK),
    "send_pyobj": lambda s: s.send_pyobj(1, zmq.NOBLOCK),
    "recv_into": lambda s: s.recv_into(bytearray(4), flags=zmq.NOBLOCK),
    "get": lambda s: s.get(zmq.RCVMORE),
    "set": lambda s: s.set(zmq.SNDHWM, 10),
    "attribute": lambda s: s.linger,
    "bind": lambda s: s.bind("inproc://guard-other"),
    "connect": lambda s: s.connect("inproc://guard-nowhere"),
    "unbind": lambda s: s.unbind("inproc://guard"),
    "disconnect": lambda s: s.disconnect("inproc://guard"),
    "monitor": lambda s: s.monitor("inproc://guard-monitor"),
    "poll": lambda s: s.poll(0),
    "zmq_poll": lambda s: zmq.zmq_poll([(s, zmq.POLLIN)], 0),
    "close": lambda s: s.close(),
}


@pytest.mark.parametrize("misuse", sorted(MISUSES))
def test_second_thread_refused_while_recv_blocks(pair, misuse):
    ctx, a, b = pair
    blocked = Blocked(b.recv)
    wait_guarded(b)
    with pytest.raises(ConcurrentUseError) as info:
        MISUSES[misuse](b)
    assert isinstance(info.value, zmq.ZMQError)
    assert info.value.errno == errno.EBUSY
    assert "thread" in str(info.value)
    assert not b.closed
    # libzmq's state is intact: the blocked recv gets the next message, then b works again
    a.send(b"wake")
    blocked.join()
    assert blocked.error is None and blocked.result == b"wake"
    a.send(b"again")
    assert b.recv() == b"again"
    b.send(b"back")
    assert a.recv() == b"back"


def test_refused_while_send_blocks(pair):
    ctx, a, b = pair
    a.sndhwm = 1
    b.rcvhwm = 1
    # fill the pipe so that a blocking send waits
    sent = 0
    while True:
        try:
            a.send(b"fill", zmq.NOBLOCK)
            sent += 1
        except zmq.Again:
            break
    blocked = Blocked(lambda: a.send(b"last"))
    wait_guarded(a)
    with pytest.raises(ConcurrentUseError):
        a.send(b"other", zmq.NOBLOCK)
    for _ in range(sent + 1):
        assert b.recv() in (b"fill", b"last")
    blocked.join()
    assert blocked.error is None


def test_refused_while_poll_waits(pair):
    ctx, a, b = pair
    blocked = Blocked(lambda: b.poll(int(TIMEOUT * 1000)))
    wait_guarded(b)
    with pytest.raises(ConcurrentUseError):
        b.recv(zmq.NOBLOCK)
    a.send(b"ready")
    blocked.join()
    assert blocked.result == zmq.POLLIN
    assert b.recv() == b"ready"


def test_refused_while_zmq_poll_waits(pair):
    ctx, a, b = pair
    blocked = Blocked(lambda: zmq.zmq_poll([(b, zmq.POLLIN)], int(TIMEOUT * 1000)))
    wait_guarded(b)
    with pytest.raises(ConcurrentUseError):
        b.send(b"x", zmq.NOBLOCK)
    a.send(b"ready")
    blocked.join()
    assert blocked.result == [(b, zmq.POLLIN)]
    assert b.recv() == b"ready"


def test_other_sockets_unaffected(pair):
    ctx, a, b = pair
    c = ctx.socket(zmq.PAIR)
    try:
        c.linger = 0
        blocked = Blocked(b.recv)
        wait_guarded(b)
        c.bind("inproc://guard-free")  # another socket: no refusal
        assert c.poll(0) == 0
        a.send(b"wake")
        blocked.join()
    finally:
        c.close()


def test_sequential_use_from_threads_is_fine(pair):
    """Handing a socket over between threads (one at a time) is not misuse."""
    ctx, a, b = pair
    for i in range(20):
        t = Blocked(lambda: (a.send(b"%d" % i), b.recv()))
        t.join()
        assert t.error is None and t.result[1] == b"%d" % i


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs signal.setitimer")
def test_same_thread_reentry_from_signal_handler(pair):
    """A signal handler of the thread blocked in recv may use the socket (same thread)."""
    ctx, a, b = pair
    seen = []

    def handler(signum, frame):
        seen.append(b.get(zmq.EVENTS))  # re-enters b while this thread's recv waits
        a.send(b"from handler")

    old = signal.signal(signal.SIGALRM, handler)
    try:
        b.rcvtimeo = int(TIMEOUT * 1000)
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        assert b.recv() == b"from handler"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    assert len(seen) == 1
    # the outer call released the guard: another thread may use b now
    t = Blocked(lambda: b.get(zmq.EVENTS))
    t.join()
    assert t.error is None


def test_destroy_from_another_thread_closes_busy_socket(pair):
    """As in pyzmq: the blocked recv gets ContextTerminated and finds its socket closed;
    destroy() returns."""
    ctx, a, b = pair
    closed_seen = []

    def receive():
        try:
            b.recv()
        finally:
            closed_seen.append(b.closed)

    blocked = Blocked(receive)
    wait_guarded(b)
    done = Blocked(lambda: ctx.destroy(linger=0))
    done.join()
    blocked.join()
    assert isinstance(blocked.error, zmq.ContextTerminated)
    assert closed_seen == [True]
    assert a.closed and b.closed and ctx.closed


@needs_cython_backend  # (the switch is the compiled core's)
@pytest.mark.parametrize("release", [True, False], ids=["gil-released", "gil-kept"])
def test_send_gil_heuristic_both_branches(pair, release):
    """The one heuristic of the send path (release the GIL for a last part when other
    threads exist) behind its switch: both branches deliver the same, guard included."""
    from zmq.backend.cython import socket as core

    ctx, a, b = pair
    previous = core._set_send_releases_gil(release)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, args=(TIMEOUT,), daemon=True)
    other.start()  # "other Python threads exist"
    try:
        for i in range(200):
            a.send_multipart([b"head", b"%d" % i])
            a.send(b"single")
            assert b.recv_multipart() == [b"head", b"%d" % i]
            assert b.recv() == b"single"
        assert b.poll(0) == 0
    finally:
        stop.set()
        other.join(TIMEOUT)
        core._set_send_releases_gil(previous)
