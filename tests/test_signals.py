"""Signals during blocking calls.

A blocking call (recv, send, poll, proxy) waits in libzmq with the GIL released. A signal
delivered to the main thread interrupts that wait (EINTR): the library must run Python's
signal handlers, let an exception they raise (KeyboardInterrupt) end the call promptly,
and otherwise go back to waiting, with RCVTIMEO/SNDTIMEO/poll timeouts still measured
from the start of the call.

Which thread gets the signal matters. libzmq's own threads block all signals, so a
process-directed signal (setitimer's SIGALRM, os.kill) reaches the main thread, which is
the one blocked here. ``signal.raise_signal()`` called in another thread signals *that*
thread: the main thread's wait is not interrupted and Python only runs the handler when the
main thread comes back to bytecode (exactly as for ``time.sleep``). To interrupt the main
thread from a timer thread, ``signal.pthread_kill(main_thread_id, SIGINT)`` is the tool.

Every blocking call is bounded even if the signal were ignored: by SNDTIMEO/RCVTIMEO, a
poll timeout, or (for calls without a timeout) a "backstop" thread that ends the wait by
other means after a few seconds. Signal handlers are restored and timers cancelled in
``finally`` (pytest-timeout's own pending alarm is re-armed).
"""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import threading
import time

import pytest
from _helpers import fill, wait_until

import zmq

DELAY = 0.1  # seconds before the interrupting signal
BOUND_MS = 3000  # timeouts that bound each blocking call if the signal were not seen


@contextlib.contextmanager
def itimer(handler, first: float, interval: float = 0.0):
    """Install ``handler`` for SIGALRM and fire it after ``first`` s (then every
    ``interval`` s). Everything (handler, pytest-timeout's own pending alarm) is restored
    on exit."""
    old_handler = signal.signal(signal.SIGALRM, handler)
    old_delay, old_interval = signal.setitimer(signal.ITIMER_REAL, first, interval)
    start = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old_handler if old_handler is not None else signal.SIG_DFL)
        if old_delay > 0:
            left = max(old_delay - (time.monotonic() - start), 0.001)
            signal.setitimer(signal.ITIMER_REAL, left, old_interval)


class RaiseOnce:
    """A SIGALRM handler that raises KeyboardInterrupt, only while armed (so a late signal
    can never escape the test)."""

    def __init__(self):
        self.armed = True
        self.calls = 0

    def __call__(self, signum, frame):
        self.calls += 1
        if self.armed:
            self.armed = False
            raise KeyboardInterrupt


class Count:
    """A harmless handler: counts, and stops the timer after ``limit`` signals so a call
    that (wrongly) never times out cannot run forever."""

    def __init__(self, limit: int = 40):
        self.calls = 0
        self.limit = limit

    def __call__(self, signum, frame):
        self.calls += 1
        if self.calls >= self.limit:
            signal.setitimer(signal.ITIMER_REAL, 0)


@contextlib.contextmanager
def backstop(func, after: float = BOUND_MS / 1000):
    """Call ``func`` from a helper thread after ``after`` s unless the block ended first:
    the way out of a wait that has no timeout of its own, should the signal be ignored."""
    timer = threading.Timer(after, func)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        timer.join(5)


def _interrupted(call):
    """Run ``call`` with a KeyboardInterrupt-raising SIGALRM after DELAY; return the elapsed
    time once KeyboardInterrupt came out of it."""
    handler = RaiseOnce()
    start = time.monotonic()
    try:
        with itimer(handler, DELAY):
            with pytest.raises(KeyboardInterrupt):
                call()
    finally:
        handler.armed = False
    elapsed = time.monotonic() - start
    assert handler.calls == 1
    return elapsed


def _assert_prompt(elapsed):
    assert DELAY * 0.75 <= elapsed < 1.0, f"KeyboardInterrupt after {elapsed:.3f}s"


@pytest.fixture
def pull(sockets):
    s = sockets(zmq.PULL, rcvtimeo=BOUND_MS, sndtimeo=BOUND_MS)
    s.bind("inproc://sig-pull")
    return s


# -- a raising handler ends the call promptly ------------------------------------------------


@pytest.mark.parametrize("copy", [True, False])
def test_recv_interrupted(sockets, pull, copy):
    _assert_prompt(_interrupted(lambda: pull.recv(copy=copy)))
    # The socket is intact: RCVTIMEO unchanged, and messages still flow.
    assert pull.rcvtimeo == BOUND_MS
    push = sockets(zmq.PUSH)
    push.connect("inproc://sig-pull")
    push.send(b"after")
    assert pull.recv() == b"after"


def test_recv_multipart_and_recv_into_interrupted(pull):
    _assert_prompt(_interrupted(pull.recv_multipart))
    buf = bytearray(10)
    _assert_prompt(_interrupted(lambda: pull.recv_into(buf)))


def test_send_interrupted_without_peer(sockets):
    push = sockets(zmq.PUSH, sndtimeo=BOUND_MS)
    push.bind("inproc://sig-nopeer")  # no peer: a blocking send waits for one
    _assert_prompt(_interrupted(lambda: push.send(b"nobody")))
    assert push.sndtimeo == BOUND_MS


def test_send_interrupted_when_hwm_is_full(sockets):
    pull = sockets(zmq.PULL, rcvhwm=1)
    pull.bind("inproc://sig-hwm")
    push = sockets(zmq.PUSH, sndhwm=1, sndtimeo=BOUND_MS)
    push.connect("inproc://sig-hwm")
    queued = fill(push, b"fill")
    assert 0 < queued < 100
    _assert_prompt(_interrupted(lambda: push.send(b"one too many")))
    _assert_prompt(_interrupted(lambda: push.send(b"x" * 100_000, copy=False)))
    # Nothing extra got queued by the interrupted sends.
    got = []
    while pull.poll(100):
        got.append(pull.recv())
    assert got == [b"fill"] * queued


def test_socket_poll_interrupted(sockets, pull):
    _assert_prompt(_interrupted(lambda: pull.poll(BOUND_MS)))
    rescuer = sockets(zmq.PUSH)  # used only by the backstop thread
    rescuer.connect("inproc://sig-pull")
    with backstop(lambda: rescuer.send(b"wake up")):
        _assert_prompt(_interrupted(lambda: pull.poll(None)))


def test_zmq_poll_interrupted(pull):
    _assert_prompt(_interrupted(lambda: zmq.zmq_poll([(pull, zmq.POLLIN)], BOUND_MS)))


def test_poller_interrupted(pull):
    poller = zmq.Poller()
    poller.register(pull, zmq.POLLIN)
    _assert_prompt(_interrupted(lambda: poller.poll(BOUND_MS)))


def test_select_interrupted(pull):
    _assert_prompt(_interrupted(lambda: zmq.select([pull], [], [], BOUND_MS / 1000)))


def test_proxy_interrupted(context, sockets):
    front = sockets(zmq.PULL)
    back = sockets(zmq.PUSH)
    front.bind("inproc://sig-front")
    back.bind("inproc://sig-back")
    with backstop(context.shutdown):  # makes the proxy raise ContextTerminated
        _assert_prompt(_interrupted(lambda: zmq.proxy(front, back)))
    # The sockets are usable afterwards.
    client = sockets(zmq.PUSH)
    client.connect("inproc://sig-front")
    client.send(b"still here")
    assert front.recv() == b"still here"


def test_tracker_wait_interrupted(sockets):
    # A PUSH connected to a tcp port where nobody listens keeps the message queued (held).
    reserved = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    reserved.bind(("127.0.0.1", 0))
    try:
        push = sockets(zmq.PUSH)
        push.connect(f"tcp://127.0.0.1:{reserved.getsockname()[1]}")
        tracker = push.send(b"t" * 200_000, copy=False, track=True)
        # Closing with linger=0 drops the message, which releases the tracker.
        with backstop(lambda: push.close(linger=0)):
            _assert_prompt(_interrupted(tracker.wait))  # no timeout: only the signal ends it
        _assert_prompt(_interrupted(lambda: tracker.wait(BOUND_MS / 1000)))
        assert not tracker.done
    finally:
        reserved.close()


def test_context_term_interrupted():
    ctx = zmq.Context()
    s = ctx.socket(zmq.PULL)
    s.linger = 0
    try:
        # term() waits for s to be closed: only the signal ends the wait.
        with backstop(s.close):
            _assert_prompt(_interrupted(ctx.term))
        assert not ctx.closed
        # The context is terminating: the socket says so, and once it is closed a second
        # term() completes.
        with pytest.raises(zmq.ContextTerminated):
            s.recv(zmq.NOBLOCK)
    finally:
        s.close()
    ctx.term()
    assert ctx.closed


def test_default_sigint_handler_from_timer_thread(pull):
    # The default SIGINT handler raises KeyboardInterrupt. The timer thread must direct the
    # signal at the main thread (raise_signal() there would signal the timer thread itself).
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    main = threading.main_thread().ident
    timer = threading.Timer(DELAY, signal.pthread_kill, (main, signal.SIGINT))
    try:
        start = time.monotonic()
        timer.start()
        with pytest.raises(KeyboardInterrupt):
            pull.recv()
        elapsed = time.monotonic() - start
    finally:
        timer.cancel()
        timer.join(5)
        signal.signal(signal.SIGINT, old)
    _assert_prompt(elapsed)


def test_process_directed_sigint_from_timer_thread_reaches_the_main_thread(pull):
    # os.kill(getpid()) is process-directed: libzmq's threads block signals, and Linux
    # prefers the main thread, which is blocked in poll.
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer = threading.Timer(DELAY, os.kill, (os.getpid(), signal.SIGINT))
    try:
        start = time.monotonic()
        timer.start()
        with pytest.raises(KeyboardInterrupt):
            pull.poll(BOUND_MS)
        elapsed = time.monotonic() - start
    finally:
        timer.cancel()
        timer.join(5)
        signal.signal(signal.SIGINT, old)
    _assert_prompt(elapsed)


def test_raise_signal_in_another_thread_is_not_lost(sockets):
    # raise_signal() from the timer thread signals the timer thread: the main thread's
    # recv keeps waiting until RCVTIMEO, but KeyboardInterrupt must still come out
    # (from the call itself or at the very next bytecode), never be swallowed.
    pull = sockets(zmq.PULL, rcvtimeo=300)
    pull.bind("inproc://sig-raise-signal")
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer = threading.Timer(0.05, signal.raise_signal, (signal.SIGINT,))
    try:
        start = time.monotonic()
        timer.start()
        with pytest.raises(KeyboardInterrupt):
            try:
                pull.recv()
            except zmq.Again:
                # Once the timer thread has ended the signal is raised; Python runs its
                # handler at the next bytecode boundary, in join() at the latest.
                timer.join(5)
        elapsed = time.monotonic() - start
    finally:
        timer.cancel()
        timer.join(5)
        signal.signal(signal.SIGINT, old)
    assert elapsed < 2.0


# -- a handler that closes the socket -------------------------------------------------------


@pytest.mark.parametrize(
    "how",
    [
        "recv",
        "Socket.poll",
        "zmq_poll",
        "Poller.poll",
    ],
)
def test_handler_closing_the_socket_ends_the_wait_with_enotsock(sockets, how):
    # The call runs on ``s``, a shadow of ``owner``. The handler closes ``s``, then a message
    # arrives for the libzmq socket (which ``owner`` keeps open, so nothing is freed and the
    # outcome is deterministic). A call that re-checks its socket after running the signal
    # handlers raises ENOTSOCK; one that does not goes on with the stale handle and reports
    # the message. (With a real close, that stale handle is a dangling pointer: libzmq's
    # reaper frees the socket, and a new socket may reuse the memory.)
    owner = sockets(zmq.PULL, rcvtimeo=1000)
    owner.bind("inproc://sig-closed-by-handler")
    push = sockets(zmq.PUSH)
    push.connect("inproc://sig-closed-by-handler")
    s = zmq.Socket.shadow(owner.underlying)

    def close_it(signum, frame):
        s.close()
        push.send(b"for the socket that was closed")

    poller = zmq.Poller()
    poller.register(s, zmq.POLLIN)
    calls = {
        "recv": s.recv,
        "Socket.poll": lambda: s.poll(1000),
        "zmq_poll": lambda: zmq.zmq_poll([(s, zmq.POLLIN)], 1000),
        "Poller.poll": lambda: poller.poll(1000),
    }
    with itimer(close_it, DELAY):
        with pytest.raises(zmq.ZMQError) as excinfo:
            result = calls[how]()
            print(f"{how} returned {result!r} for a socket closed during the wait")
    assert excinfo.value.errno == zmq.ENOTSOCK
    assert s.closed and not owner.closed


def test_handler_closing_a_proxy_socket_ends_the_proxy_with_enotsock(context, sockets):
    # Same set-up as above: the proxy's frontend is a shadow the handler closes, while the
    # libzmq socket stays open (owned by ``owner``), so the outcome is deterministic.
    owner = sockets(zmq.PULL)
    owner.bind("inproc://sig-proxy-closed-front")
    back = sockets(zmq.PUSH)
    back.bind("inproc://sig-proxy-closed-back")
    client = sockets(zmq.PUSH)
    client.connect("inproc://sig-proxy-closed-front")
    worker = sockets(zmq.PULL, rcvtimeo=100)
    worker.connect("inproc://sig-proxy-closed-back")
    front = zmq.Socket.shadow(owner.underlying)

    def close_it(signum, frame):
        front.close()
        client.send(b"for the closed frontend")

    start = time.monotonic()
    # If the proxy went on regardless, shutting the context down ends it (ContextTerminated).
    with itimer(close_it, DELAY), backstop(context.shutdown, after=1.0):
        with pytest.raises(zmq.ZMQError) as excinfo:
            zmq.proxy(front, back)
    elapsed = time.monotonic() - start
    assert excinfo.value.errno == zmq.ENOTSOCK, repr(excinfo.value)
    assert elapsed < 0.9


# -- a harmless handler does not end the call -----------------------------------------------


def test_recv_survives_harmless_signals_and_gets_the_late_message(sockets, pull):
    push = sockets(zmq.PUSH)
    push.connect("inproc://sig-pull")
    timer = threading.Timer(0.3, push.send, (b"late",))  # push is used only by the timer
    handler = Count()
    try:
        with itimer(handler, 0.05, 0.05):
            start = time.monotonic()
            timer.start()
            assert pull.recv() == b"late"
            elapsed = time.monotonic() - start
    finally:
        timer.cancel()
        timer.join(5)
    assert handler.calls >= 3, "no signal arrived during the wait: the test proves nothing"
    assert 0.25 <= elapsed < 1.5


def test_send_survives_harmless_signals_until_a_peer_arrives(sockets):
    push = sockets(zmq.PUSH, sndtimeo=BOUND_MS)
    push.bind("inproc://sig-late-peer")
    pull = sockets(zmq.PULL)
    timer = threading.Timer(0.3, pull.connect, ("inproc://sig-late-peer",))
    handler = Count()
    try:
        with itimer(handler, 0.05, 0.05):
            start = time.monotonic()
            timer.start()
            push.send(b"waited")
            elapsed = time.monotonic() - start
    finally:
        timer.cancel()
        timer.join(5)
    assert handler.calls >= 3
    assert 0.25 <= elapsed < 1.5
    assert pull.recv() == b"waited"


def _timed_out_after(call, expected_exc=None, expected_value=None, every=0.1):
    handler = Count()
    with itimer(handler, every, every):
        start = time.monotonic()
        if expected_exc is not None:
            with pytest.raises(expected_exc):
                call()
        else:
            assert call() == expected_value
        elapsed = time.monotonic() - start
    assert handler.calls >= 4, "the harmless signals did not arrive during the wait"
    return elapsed


def _assert_about(expected, elapsed):
    assert expected - 0.02 <= elapsed < expected + 0.25, (
        f"timed out after {elapsed:.3f}s instead of ~{expected}s")


def test_rcvtimeo_holds_across_harmless_signals(sockets):
    # 600 ms RCVTIMEO, a harmless signal every 100 ms: Again after ~600 ms.
    pull = sockets(zmq.PULL, rcvtimeo=600)
    pull.bind("inproc://sig-rcvtimeo")
    _assert_about(0.6, _timed_out_after(pull.recv, zmq.Again))
    assert pull.rcvtimeo == 600  # the option the user set is restored
    pull.rcvtimeo = 300
    _assert_about(0.3, _timed_out_after(lambda: pull.recv(copy=False), zmq.Again, every=0.05))
    _assert_about(0.3, _timed_out_after(pull.recv_multipart, zmq.Again, every=0.05))
    assert pull.rcvtimeo == 300


def test_sndtimeo_holds_across_harmless_signals(sockets):
    push = sockets(zmq.PUSH, sndtimeo=600)
    push.bind("inproc://sig-sndtimeo")
    _assert_about(0.6, _timed_out_after(lambda: push.send(b"x"), zmq.Again))
    assert push.sndtimeo == 600


def test_poll_timeouts_hold_across_harmless_signals(pull):
    poller = zmq.Poller()
    poller.register(pull, zmq.POLLIN)
    _assert_about(0.3, _timed_out_after(lambda: pull.poll(300), expected_value=0, every=0.05))
    _assert_about(
        0.3, _timed_out_after(lambda: zmq.zmq_poll([(pull, zmq.POLLIN)], 300), expected_value=[], every=0.05)
    )
    _assert_about(0.3, _timed_out_after(lambda: poller.poll(300), expected_value=[], every=0.05))


def test_proxy_survives_harmless_signals(context, sockets):
    front = sockets(zmq.PULL)
    back = sockets(zmq.PUSH)
    control = sockets(zmq.PAIR)
    front.bind("inproc://sig-sp-front")
    back.bind("inproc://sig-sp-back")
    control.bind("inproc://sig-sp-control")
    # These are used only by the helper thread.
    client = sockets(zmq.PUSH)
    worker = sockets(zmq.PULL)
    controller = sockets(zmq.PAIR)
    client.connect("inproc://sig-sp-front")
    worker.connect("inproc://sig-sp-back")
    controller.connect("inproc://sig-sp-control")
    got = []

    def drive():
        try:
            # Once the proxy has been interrupted by (and survived) a few signals:
            assert wait_until(lambda: handler.calls >= 3)
            client.send(b"through the proxy")
            got.append(worker.recv())
        finally:
            controller.send(b"TERMINATE")

    helper = threading.Thread(target=drive, daemon=True)
    handler = Count(limit=200)
    try:
        with itimer(handler, 0.05, 0.05), backstop(context.shutdown, after=5.0):
            start = time.monotonic()
            helper.start()
            zmq.proxy_steerable(front, back, None, control)  # returns on TERMINATE
            elapsed = time.monotonic() - start
    finally:
        helper.join(5)
    assert not helper.is_alive()
    assert got == [b"through the proxy"]
    assert handler.calls >= 3
    assert elapsed < 2.0
