"""zmq.Poller's poll() over its item array kept between polls (the compiled core's
zmq/backend/cython/_poller.pyx; the CFFI backend's Python poll must behave the same):
changes of the registrations are seen, results are fresh lists, waits release the GIL and
resume after signals."""
from __future__ import annotations

import os
import signal
import threading
import time

import pytest
from _helpers import needs_cython_backend

import zmq

POLLIN, POLLOUT = zmq.POLLIN, zmq.POLLOUT


@pytest.fixture
def pair(sockets):
    a = sockets(zmq.PAIR)
    b = sockets(zmq.PAIR)
    a.bind("inproc://poller-core")
    b.connect("inproc://poller-core")
    return a, b


def test_registration_changes_are_seen_between_polls(pair):
    a, b = pair
    p = zmq.Poller()
    p.register(b, POLLIN)
    assert p.poll(0) == []
    p.register(a, POLLOUT)
    assert p.poll(0) == [(a, POLLOUT)]
    p.modify(b, POLLIN | POLLOUT)
    assert dict(p.poll(0)) == {a: POLLOUT, b: POLLOUT}
    a.send(b"x")
    assert dict(p.poll(1000)) == {a: POLLOUT, b: POLLIN | POLLOUT}
    p.unregister(a)
    assert p.poll(0) == [(b, POLLIN | POLLOUT)]
    p.register(b, 0)
    assert p.poll(0) == []
    assert b.recv() == b"x"


def test_direct_changes_to_sockets_are_seen(pair):
    a, b = pair
    p = zmq.Poller()
    p.register(b, POLLIN)
    assert p.poll(0) == []
    p.sockets.append((a, POLLOUT))  # (not through register: still polled)
    assert p.poll(0) == [(a, POLLOUT)]
    p.sockets[1] = (a, POLLIN)
    assert p.poll(0) == []
    p.sockets = [(a, POLLOUT)]
    assert p.poll(0) == [(a, POLLOUT)]


def test_results_are_fresh_lists(pair):
    a, b = pair
    p = zmq.Poller()
    p.register(a, POLLOUT)
    first = p.poll(0)
    second = p.poll(0)
    assert first == second == [(a, POLLOUT)] and first is not second
    first.append("mine")
    first.clear()
    del first
    third = p.poll(0)
    assert third == [(a, POLLOUT)]
    third[0] = None  # a caller's changes never reach the next result
    del third
    assert p.poll(0) == [(a, POLLOUT)]
    b.send(b"y")
    p.register(a, POLLIN | POLLOUT)
    assert p.poll(1000) == [(a, POLLIN | POLLOUT)]
    assert [type(ev) for _, ev in p.poll(0)] == [int]
    assert a.recv() == b"y"


def test_a_socket_closed_after_registering_is_enotsock(pair, sockets):
    a, b = pair
    p = zmq.Poller()
    p.register(a, POLLOUT)
    assert p.poll(0) == [(a, POLLOUT)]
    a.close()
    with pytest.raises(zmq.ZMQError) as e:
        p.poll(0)
    assert e.value.errno == zmq.ENOTSOCK
    p.unregister(a)
    assert p.poll(0) == []


def test_file_descriptors_and_fileno_objects(pair):
    a, b = pair
    r, w = os.pipe()

    class Fileno:
        calls = 0

        def fileno(self):
            Fileno.calls += 1
            return w

    try:
        p = zmq.Poller()
        obj = Fileno()
        p.register(obj, POLLOUT)
        p.register(r, POLLIN)
        assert p.poll(0) == [(w, POLLOUT)]  # reported as its fd
        assert p.poll(0) == [(w, POLLOUT)]
        assert Fileno.calls == 2  # fileno() asked on every poll, as zmq_poll does
        os.write(w, b"z")
        assert dict(p.poll(1000)) == {w: POLLOUT, r: POLLIN}
        p.register(object(), POLLIN)
        with pytest.raises(TypeError):
            p.poll(0)
    finally:
        os.close(r)
        os.close(w)


def test_timeouts(pair):
    a, b = pair
    p = zmq.Poller()
    p.register(b, POLLIN)
    start = time.monotonic()
    assert p.poll(50.9) == []
    assert 0.04 < time.monotonic() - start < 2
    with pytest.raises(OverflowError):
        p.poll(2**31)
    with pytest.raises(TypeError):
        p.poll("1")
    p.register(a, 0x10000)
    with pytest.raises(OverflowError):
        p.poll(0)
    p.unregister(a)
    for forever in (None, -1, -5.5):
        timer = threading.Timer(0.05, a.send, (b"w",))
        timer.start()
        try:
            assert p.poll(forever) == [(b, POLLIN)]
        finally:
            timer.join(5)
        assert b.recv() == b"w"


def test_waiting_releases_the_gil(pair):
    a, b = pair
    p = zmq.Poller()
    p.register(b, POLLIN)
    counted = []

    def busy():
        deadline = time.monotonic() + 0.2
        n = 0
        while time.monotonic() < deadline:
            n += 1
        counted.append(n)
        a.send(b"done")

    t = threading.Thread(target=busy)
    t.start()
    try:
        assert p.poll(5000) == [(b, POLLIN)]
    finally:
        t.join(5)
    assert counted and counted[0] > 1000
    assert b.recv() == b"done"


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs signal.setitimer")
def test_a_wait_resumes_after_a_handled_signal_with_the_time_left(pair):
    a, b = pair
    p = zmq.Poller()
    p.register(b, POLLIN)
    seen = []
    old = signal.signal(signal.SIGALRM, lambda *args: seen.append(time.monotonic()))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        start = time.monotonic()
        assert p.poll(300) == []
        took = time.monotonic() - start
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    assert len(seen) == 1
    assert 0.25 < took < 2  # neither cut short by the signal nor restarted from zero


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs signal.setitimer")
def test_an_exception_from_a_signal_handler_ends_the_wait(pair):
    a, b = pair
    p = zmq.Poller()
    p.register(b, POLLIN)

    def interrupt(*args):
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGALRM, interrupt)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        start = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            p.poll(3000)
        assert time.monotonic() - start < 1.5
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def test_subclass_polls_the_same_sockets(pair):
    a, b = pair

    class Counting(zmq.Poller):
        polls = 0

        def poll(self, timeout=None):
            Counting.polls += 1
            return super().poll(timeout)

    p = Counting()
    p.register(a, POLLOUT)
    assert p.poll(0) == [(a, POLLOUT)] and Counting.polls == 1
    assert zmq.zmq_poll(p.sockets, 0) == [(a, POLLOUT)]
    assert a in p and b not in p


@needs_cython_backend
def test_compiled_poll_is_the_core_method():
    from zmq.backend.cython._poller import PollerCore

    assert issubclass(zmq.Poller, PollerCore)
    assert zmq.Poller.poll is PollerCore.poll
    p = zmq.Poller()
    assert vars(p) == {"sockets": [], "_map": {}}  # (pyzmq's: the core reads sockets from there)
    p.sockets = None
    with pytest.raises(TypeError):
        p.poll(0)
