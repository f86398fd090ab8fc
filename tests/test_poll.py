"""Polling: zmq.Poller, zmq.select, zmq.zmq_poll and Socket.poll over zmq sockets and
plain file descriptors (an os.pipe and a socket.socketpair), mixed in one call."""
from __future__ import annotations

import errno
import os
import socket
import threading
import time

import pytest
from _helpers import fill

import zmq

POLLIN, POLLOUT = zmq.POLLIN, zmq.POLLOUT


@pytest.fixture
def pair(sockets):
    """Two connected PAIR sockets over inproc."""
    a = sockets(zmq.PAIR)
    b = sockets(zmq.PAIR)
    a.bind("inproc://poll-pair")
    b.connect("inproc://poll-pair")
    return a, b


def _poll_until(poll, expected: dict, timeout: float = 3.0) -> dict:
    """Call ``poll()`` (returning (obj, events) pairs) until it reports exactly ``expected``
    or ``timeout`` passes; return the last result as a dict."""
    deadline = time.monotonic() + timeout
    while True:
        got = dict(poll())
        if got == expected or time.monotonic() > deadline:
            return got
        time.sleep(0.01)  # (between polls of a poll(0)-style call: a bounded back-off)


def test_poller_mixes_sockets_and_file_descriptors_for_pollin(pair, pipe, sockpair):
    a, b = pair
    r, w = pipe
    s1, s2 = sockpair
    poller = zmq.Poller()
    poller.register(a, POLLIN)
    poller.register(r, POLLIN)  # a plain int fd
    poller.register(s1, POLLIN)  # an object with fileno()
    assert a in poller and r in poller and s1 in poller
    assert b not in poller

    assert poller.poll(0) == []  # nothing readable yet

    b.send(b"zmq")
    os.write(w, b"pipe")
    s2.sendall(b"sock")
    fd1 = s1.fileno()
    got = _poll_until(lambda: poller.poll(1000), {a: POLLIN, r: POLLIN, fd1: POLLIN})
    assert got == {a: POLLIN, r: POLLIN, fd1: POLLIN}
    # As in pyzmq: zmq Sockets come back as registered, anything else as its int fd.
    ready = poller.poll(0)
    assert {id(obj) for obj, _ in ready} == {id(a), id(r), id(fd1)}

    # Level-triggered: still ready until consumed; consuming clears each one.
    assert a.recv() == b"zmq"
    assert dict(poller.poll(0)) == {r: POLLIN, fd1: POLLIN}
    assert os.read(r, 100) == b"pipe"
    assert dict(poller.poll(0)) == {fd1: POLLIN}
    assert s1.recv(100) == b"sock"
    assert poller.poll(0) == []


def test_poller_pollout_semantics(sockets, pipe, sockpair):
    r, w = pipe
    s1, _ = sockpair
    pull = sockets(zmq.PULL)
    pull.bind("inproc://poll-out")
    push_connected = sockets(zmq.PUSH)
    push_connected.connect("inproc://poll-out")
    push_alone = sockets(zmq.PUSH)  # no peer: nothing can be queued, so not writable
    push_alone.bind("inproc://poll-out-nobody")

    poller = zmq.Poller()
    for obj in (w, s1, push_connected, push_alone, pull):
        poller.register(obj, POLLOUT)
    poller.register(r, POLLOUT)  # the read end of a pipe is never writable

    expected = {w: POLLOUT, s1.fileno(): POLLOUT, push_connected: POLLOUT}
    got = _poll_until(lambda: poller.poll(500), expected)
    assert got == expected


def test_pollout_clears_when_the_high_water_mark_is_reached(sockets):
    pull = sockets(zmq.PULL, rcvhwm=1)
    pull.bind("inproc://poll-hwm")
    push = sockets(zmq.PUSH, sndhwm=1)
    push.connect("inproc://poll-hwm")
    assert push.poll(1000, POLLOUT) == POLLOUT
    assert 0 < fill(push) < 100
    assert push.poll(0, POLLOUT) == 0
    poller = zmq.Poller()
    poller.register(push, POLLOUT)
    assert poller.poll(100) == []
    assert pull.recv() == b"x"  # frees room in the pipe
    assert push.poll(1000, POLLOUT) == POLLOUT


def test_register_modify_unregister(pair, pipe):
    a, b = pair
    r, w = pipe
    poller = zmq.Poller()
    poller.register(a, POLLIN)
    poller.register(r, POLLIN)
    b.send(b"x")
    os.write(w, b"y")
    assert _poll_until(lambda: poller.poll(500), {a: POLLIN, r: POLLIN}) == {a: POLLIN, r: POLLIN}

    # Only the registered events are reported: a is readable AND writable.
    poller.modify(a, POLLOUT)
    assert dict(poller.poll(0)) == {a: POLLOUT, r: POLLIN}
    poller.modify(a, POLLIN | POLLOUT)
    assert dict(poller.poll(0)) == {a: POLLIN | POLLOUT, r: POLLIN}
    # Registering again also modifies (no duplicate entry).
    poller.register(a, POLLIN)
    assert dict(poller.poll(0)) == {a: POLLIN, r: POLLIN}
    assert len(poller.poll(0)) == 2

    poller.unregister(a)
    assert a not in poller
    assert dict(poller.poll(0)) == {r: POLLIN}
    with pytest.raises(KeyError):
        poller.unregister(a)

    # flags=0 unregisters too.
    poller.register(r, 0)
    assert r not in poller
    assert poller.poll(0) == []

    # Unregistering one entry keeps the others working (indices shift correctly).
    poller.register(w, POLLOUT)
    poller.register(a, POLLIN)
    poller.register(r, POLLIN)
    poller.unregister(w)
    assert dict(poller.poll(0)) == {a: POLLIN, r: POLLIN}


def test_poller_declares_its_attributes():
    # as pyzmq's: `sockets` and `_map` are annotated on the class, and set per instance
    assert set(zmq.Poller.__annotations__) == {"sockets", "_map"}
    assert "__annotations__" in dir(zmq.Poller)
    p = zmq.Poller()
    assert p.sockets == [] and "_map" in vars(p)


def test_poll_timeout_returns_nothing_in_about_the_time_asked(pair, pipe):
    a, _ = pair
    r, _ = pipe
    poller = zmq.Poller()
    poller.register(a, POLLIN)
    poller.register(r, POLLIN)

    for call, empty in [
        (lambda: poller.poll(150), []),
        (lambda: zmq.zmq_poll([(a, POLLIN), (r, POLLIN)], 150), []),
        (lambda: zmq.select([a, r], [], [], 0.15), ([], [], [])),
        (lambda: a.poll(150), 0),
        (lambda: a.poll(150, POLLIN), 0),
    ]:
        start = time.monotonic()
        assert call() == empty
        elapsed = time.monotonic() - start
        assert 0.13 <= elapsed < 0.8, elapsed


def test_zero_timeout_returns_at_once(pair):
    a, _ = pair
    poller = zmq.Poller()
    poller.register(a, POLLIN)
    start = time.monotonic()
    for _ in range(20):
        assert poller.poll(0) == []
        assert a.poll(0) == 0
        assert zmq.zmq_poll([(a, POLLIN)], 0) == []
    assert time.monotonic() - start < 0.5


@pytest.mark.parametrize("how", ["Poller.poll", "zmq_poll", "Socket.poll", "select"])
def test_infinite_timeout_waits_until_ready(sockets, how):
    a = sockets(zmq.PAIR)
    b = sockets(zmq.PAIR)
    a.bind("inproc://poll-forever")
    b.connect("inproc://poll-forever")
    timer = threading.Timer(0.2, b.send, (b"late",))  # b is used only by the timer thread
    poller = zmq.Poller()
    poller.register(a, POLLIN)
    calls = {
        "Poller.poll": lambda: poller.poll(None),
        "zmq_poll": lambda: zmq.zmq_poll([(a, POLLIN)], -1),
        "Socket.poll": lambda: a.poll(None),
        "select": lambda: zmq.select([a], [], [], None),
    }
    expected = {
        "Poller.poll": [(a, POLLIN)],
        "zmq_poll": [(a, POLLIN)],
        "Socket.poll": POLLIN,
        "select": ([a], [], []),
    }
    start = time.monotonic()
    timer.start()
    try:
        assert calls[how]() == expected[how]
    finally:
        timer.cancel()
        timer.join(5)
    assert 0.15 <= time.monotonic() - start < 3.0
    assert a.recv() == b"late"


def test_select(pair, pipe, sockpair):
    a, b = pair
    r, w = pipe
    s1, s2 = sockpair
    # Nothing readable; the writable ones are reported.
    rlist, wlist, xlist = zmq.select([a, r, s1], [b, w, s2], [], 1.0)
    assert rlist == []
    # zmq Sockets come back as given, file-like objects as their fd (as in pyzmq)
    assert set(map(id, wlist)) == {id(b), id(w), id(s2.fileno())}
    assert xlist == []

    b.send(b"x")
    os.write(w, b"y")
    s2.sendall(b"z")
    deadline = time.monotonic() + 3
    while True:
        rlist, wlist, xlist = zmq.select([a, r, s1], [], [], 1.0)
        if len(rlist) == 3 or time.monotonic() > deadline:
            break
    assert set(map(id, rlist)) == {id(a), id(r), id(s1.fileno())}
    assert wlist == [] and xlist == []

    # The same object in both lists is reported in both.
    rlist, wlist, _ = zmq.select([a], [a], [], 1.0)
    assert rlist == [a] and wlist == [a]


def test_zmq_poll(pair, pipe):
    a, b = pair
    r, w = pipe
    assert zmq.zmq_poll([(a, POLLIN), (r, POLLIN)], 0) == []
    assert zmq.zmq_poll([(a, POLLOUT), (w, POLLOUT)], 0) == [(a, POLLOUT), (w, POLLOUT)]
    b.send(b"x")
    os.write(w, b"y")
    assert a.poll(1000) == POLLIN
    got = zmq.zmq_poll([(a, POLLIN | POLLOUT), (r, POLLIN), (w, POLLOUT)], 1000)
    assert got == [(a, POLLIN | POLLOUT), (r, POLLIN), (w, POLLOUT)]
    assert got[0][0] is a
    assert zmq.zmq_poll([], 0) == []


def test_zmq_poll_accepts_fileno_objects(sockpair):
    s1, s2 = sockpair
    s2.sendall(b"x")
    got = zmq.zmq_poll([(s1, POLLIN)], 1000)
    assert got == [(s1.fileno(), POLLIN)]  # reported by fd, as pyzmq does
    with pytest.raises(TypeError):
        zmq.zmq_poll([("not pollable", POLLIN)], 0)


def test_socket_poll_flags(sockets):
    pull = sockets(zmq.PULL)
    push = sockets(zmq.PUSH)
    pull.bind("inproc://poll-flags")
    push.connect("inproc://poll-flags")
    assert push.poll(1000, POLLOUT) == POLLOUT
    assert push.poll(0, POLLIN) == 0  # PUSH never receives
    assert pull.poll(0) == 0  # default flags: POLLIN
    assert pull.poll(0, POLLOUT) == 0  # PULL never sends
    push.send(b"x")
    assert pull.poll(1000) == POLLIN
    assert pull.poll(0, POLLIN | POLLOUT) == POLLIN
    assert pull.recv() == b"x"
    assert pull.poll(0) == 0


def test_poll_reports_a_hung_up_fd():
    # A pipe whose write end is closed, and a socket whose peer is gone, are reported
    # (libzmq maps POLLHUP to ZMQ_POLLERR) instead of being silently skipped.
    r, w = os.pipe()
    a, b = socket.socketpair()
    try:
        assert zmq.zmq_poll([(r, POLLIN), (a, POLLIN)], 0) == []
        os.close(w)
        b.close()
        got = dict(zmq.zmq_poll([(r, POLLIN), (a, POLLIN)], 1000))
        assert set(got) == {r, a.fileno()}
        assert got[r] & zmq.POLLERR
        assert got[a.fileno()] & POLLIN  # EOF is readable
        rlist, _, xlist = zmq.select([a], [], [r, a], 1.0)
        assert rlist == [a.fileno()]
        assert set(xlist) == {r, a.fileno()}
    finally:
        os.close(r)
        a.close()


@pytest.mark.parametrize("how", ["Socket.poll", "Poller.poll", "zmq_poll", "select"])
def test_polling_a_closed_socket_raises_enotsock(sockets, pipe, how):
    r, _ = pipe
    s = sockets(zmq.PULL)
    poller = zmq.Poller()
    poller.register(s, POLLIN)
    poller.register(r, POLLIN)
    s.close()
    calls = {
        "Socket.poll": lambda: s.poll(0),
        "Poller.poll": lambda: poller.poll(0),
        "zmq_poll": lambda: zmq.zmq_poll([(r, POLLIN), (s, POLLIN)], 0),
        "select": lambda: zmq.select([s], [], [], 0),
    }
    start = time.monotonic()
    with pytest.raises(zmq.ZMQError) as excinfo:
        calls[how]()
    assert excinfo.value.errno == errno.ENOTSOCK == zmq.ENOTSOCK
    assert time.monotonic() - start < 1.0


def test_zmq_poll_events_out_of_range_raise(pair):
    # pyzmq truncates the mask to a C short, silently polling for nothing (2**16 -> 0).
    a, _ = pair
    for events in (2**16, 2**20 | POLLIN, -(2**15) - 1):
        with pytest.raises(OverflowError):
            zmq.zmq_poll([(a, events)], 0)
    assert zmq.zmq_poll([(a, POLLOUT)], 1000) == [(a, POLLOUT)]


def test_polling_a_closed_socket_is_enotsock(pair):
    # pyzmq's zmq_poll polls fd 0 (stdin) in its place and Socket.poll says ENOTSUP.
    a, b = pair
    b.close()
    for call in (lambda: zmq.zmq_poll([(b, POLLIN)], 0), lambda: b.poll(0), lambda: b.poll(10, POLLOUT),
                 lambda: zmq.select([b], [], [], 0)):
        with pytest.raises(zmq.ZMQError) as e:
            call()
        assert e.value.errno == zmq.ENOTSOCK
    # the other socket is still polled normally (nothing to read: its peer is gone)
    poller = zmq.Poller()
    poller.register(a, POLLIN)
    assert poller.poll(10) == []


def test_huge_poll_timeouts_overflow(pair):
    # A timeout beyond a C int would otherwise wait (nearly) for ever: refused, as pyzmq does.
    a, _ = pair
    poller = zmq.Poller()
    poller.register(a, POLLIN)
    for call in (lambda: zmq.zmq_poll([(a, POLLIN)], 2**40), lambda: a.poll(2**40), lambda: poller.poll(2**40),
                 lambda: zmq.select([a], [], [], 2**40)):
        with pytest.raises(OverflowError):
            call()
    assert zmq.zmq_poll([(a, POLLIN)], 1.5) == []  # a float is truncated to ms


def test_select_reports_in_the_order_given():
    """zmq.select lists what is ready in the order of its input lists (pyzmq's order
    depends on hashing), so results are reproducible."""
    pipes = [os.pipe() for _ in range(3)]
    try:
        for _, w in pipes:
            os.write(w, b"x")
        reads = [r for r, _ in pipes]
        for order in (reads, reads[::-1], [reads[1], reads[0], reads[2]]):
            rlist, _, _ = zmq.select(order, [], [], 1.0)
            assert rlist == order
    finally:
        for r, w in pipes:
            os.close(r)
            os.close(w)


def test_poller_result_for_file_objects_is_their_fd(sockpair):
    s1, s2 = sockpair
    s2.sendall(b"x")
    p = zmq.Poller()
    p.register(s1, zmq.POLLIN)
    assert p.poll(1000) == [(s1.fileno(), zmq.POLLIN)]  # as pyzmq: the fd, not the object
    r, w = os.pipe()
    try:
        os.write(w, b"y")
        p.register(r, zmq.POLLIN)
        assert dict(p.poll(1000))[r] == zmq.POLLIN
    finally:
        os.close(r)
        os.close(w)
