"""Zero-copy sends: buffer lifetime, buffer release, and MessageTracker.

With ``send(..., copy=False)`` libzmq reads the caller's own memory after ``send`` has
returned. The library must keep the exporting object alive (and its buffer exported)
until libzmq's free callback runs. Then it must let go of the object, so a weakref to
the owner dies and a bytearray can be resized again. Sizes are well above
``zmq.COPY_THRESHOLD`` so these sends really share the memory instead of copying it.
"""
from __future__ import annotations

import gc
import os
import socket
import subprocess
import sys
import threading
import time
import weakref

import numpy as np
import pytest

import zmq
from _helpers import connected_pair, needs_export_locks, pypy_collect, wait_until

SIZE = 200_000  # bytes per zero-copy message
WAIT = 3.0  # seconds: bound on every wait for libzmq to let go


def test_sizes_are_above_the_copy_threshold(sockets):
    # Everything below depends on this: smaller messages are copied even with copy=False.
    assert SIZE > zmq.COPY_THRESHOLD
    assert SIZE > sockets(zmq.PUSH).copy_threshold


class OwnedBuffer(bytearray):
    """A weakref-able object that exports a buffer (a bytearray subclass)."""


def _churn():
    """Allocate and fill memory the size of the payload, so a buffer freed too early
    would be overwritten (or unmapped) before the peer reads it."""
    junk = [bytearray(b"\xee") * SIZE for _ in range(6)]
    junk += [np.full(SIZE, 0x55, dtype=np.uint8) for _ in range(6)]
    del junk


def _collect_until(predicate, timeout=WAIT):
    """Run gc and give the interpreter a chance to run pending calls until ``predicate()``
    is true or ``timeout`` seconds have passed. Returns whether it became true."""

    def collected():
        gc.collect()
        return predicate()

    return wait_until(collected, timeout)


def _resizable(buf) -> bool:
    """Whether ``buf`` (a bytearray) can be resized, i.e. no export of its memory is left
    (tried by growing it and shrinking it back).

    A release by libzmq reaches the buffer a moment after the free callback (through a pending
    call, or the CFFI backend's reader thread): the tests poll this, bounded, with wait_until."""
    try:
        buf.append(0)
    except BufferError:
        return False
    buf.pop()
    return True


def _make(kind: str, payload: bytes):
    """A fresh object of ``kind`` with ``payload``'s content; the caller holds the only reference."""
    if kind == "bytes":
        return bytes(bytearray(payload))  # a new bytes object, not ``payload`` itself
    if kind == "bytearray":
        return bytearray(payload)
    if kind == "memoryview":
        return memoryview(bytearray(payload))  # the bytearray is reachable only through the view
    if kind == "numpy":
        return np.frombuffer(payload, dtype=np.uint8).copy()
    raise ValueError(kind)


@pytest.mark.parametrize("kind", ["bytes", "bytearray", "memoryview", "numpy"])
def test_data_survives_dropping_the_only_reference(bound_pair, kind):
    pull, push = bound_pair(zmq.PULL, zmq.PUSH)
    expected = os.urandom(SIZE)
    data = _make(kind, expected)
    push.send(data, copy=False)
    del data
    gc.collect()
    _churn()
    assert pull.recv() == expected


@pytest.mark.parametrize("kind", ["bytes", "bytearray", "memoryview", "numpy"])
def test_multipart_data_survives_dropping_references(bound_pair, kind):
    pull, push = bound_pair(zmq.PULL, zmq.PUSH)
    expected = [os.urandom(SIZE) for _ in range(3)]
    parts = [_make(kind, p) for p in expected]
    push.send_multipart(parts, copy=False)
    del parts
    gc.collect()
    _churn()
    frames = pull.recv_multipart(copy=False)
    _churn()
    assert [f.bytes for f in frames] == expected
    assert [f.more for f in frames] == [True, True, False]


def _owner(kind: str, payload: bytes):
    """(object to send, weakref-able owner of the memory)."""
    if kind == "numpy":
        arr = np.frombuffer(payload, dtype=np.uint8).copy()
        return arr, arr
    owner = OwnedBuffer(payload)
    if kind == "subclass":
        return owner, owner
    if kind == "memoryview-of-subclass":
        return memoryview(owner), owner
    raise ValueError(kind)


@pytest.mark.parametrize("kind", ["numpy", pytest.param("subclass", marks=needs_export_locks),
                                  pytest.param("memoryview-of-subclass", marks=needs_export_locks)])
def test_buffer_owner_is_released_after_the_peer_received(bound_pair, transport, kind):
    pull, push = bound_pair(zmq.PULL, zmq.PUSH)
    expected = os.urandom(SIZE)
    data, owner = _owner(kind, expected)
    ref = weakref.ref(owner)
    push.send(data, copy=False)
    del data, owner
    gc.collect()
    if transport == "inproc":
        # The message is waiting in the inproc pipe: libzmq still uses the memory.
        assert not _collect_until(lambda: ref() is None, timeout=0.05), (
            "the buffer was released while libzmq still held the message")
    _churn()
    assert pull.recv() == expected
    assert _collect_until(lambda: ref() is None), "the buffer owner was never released"


@needs_export_locks  # (OwnedBuffer is a bytearray: shared as a copy on PyPy)
def test_inproc_receiver_frame_shares_the_senders_buffer(sockets):
    # Over inproc libzmq hands the very same message to the receiver, so a Frame received
    # with copy=False reads the sender's memory: the buffer must stay alive as long as that
    # Frame, then be released.
    pull, push = connected_pair(sockets, zmq.PULL, zmq.PUSH)
    expected = os.urandom(SIZE)
    owner = OwnedBuffer(expected)
    ref = weakref.ref(owner)
    push.send(owner, copy=False)
    del owner
    frame = pull.recv(copy=False)
    gc.collect()
    _churn()
    assert ref() is not None
    assert bytes(memoryview(frame)) == expected
    del frame
    assert _collect_until(lambda: ref() is None)


@needs_export_locks
def test_bytearray_cannot_be_resized_while_libzmq_holds_it(sockets):
    pull, push = connected_pair(sockets, zmq.PULL, zmq.PUSH)
    expected = os.urandom(SIZE)
    buf = bytearray(expected)
    push.send(buf, copy=False)
    # Queued in the inproc pipe: its memory is exported to libzmq.
    with pytest.raises(BufferError):
        buf.extend(b"more")
    with pytest.raises(BufferError):
        del buf[:10]
    assert len(buf) == SIZE
    assert pull.recv() == expected
    # libzmq is done with it: resizing works again (once the release has been processed).
    assert wait_until(lambda: _resizable(buf), WAIT)
    buf.extend(b"more")
    assert len(buf) == SIZE + 4
    assert bytes(buf[:SIZE]) == expected


@pytest.fixture
def dead_tcp_endpoint():
    """A tcp endpoint nobody listens on (the port is kept reserved by a non-listening socket),
    so a connected PUSH queues its messages and libzmq keeps holding them."""
    reserved = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    reserved.bind(("127.0.0.1", 0))
    try:
        yield f"tcp://127.0.0.1:{reserved.getsockname()[1]}"
    finally:
        reserved.close()


@needs_export_locks
def test_bytearray_held_by_an_undeliverable_message_is_freed_when_the_socket_closes(
    sockets, dead_tcp_endpoint
):
    push = sockets(zmq.PUSH)
    push.connect(dead_tcp_endpoint)
    buf = bytearray(os.urandom(SIZE))
    tracker = push.send(buf, copy=False, track=True)
    with pytest.raises(zmq.NotDone):
        tracker.wait(0.1)  # queued for a peer that never comes: libzmq keeps the memory
    with pytest.raises(BufferError):
        buf.append(0)
    push.close(linger=0)  # drops the queued message: libzmq lets go of the memory
    tracker.wait(WAIT)
    assert tracker.done
    assert wait_until(lambda: _resizable(buf), WAIT)
    buf.append(0)
    assert len(buf) == SIZE + 1


@pytest.mark.parametrize("multipart", [False, True])
def test_failed_zero_copy_send_releases_the_buffer(sockets, multipart):
    push = sockets(zmq.PUSH, sndtimeo=100)
    push.bind("inproc://zc-nobody")  # no peer: nothing can be queued
    owner = OwnedBuffer(os.urandom(SIZE))
    ref = weakref.ref(owner)
    for flags in (zmq.NOBLOCK, 0):  # refused at once, and after SNDTIMEO
        with pytest.raises(zmq.Again):
            if multipart:
                push.send_multipart([owner, OwnedBuffer(SIZE)], flags, copy=False, track=True)
            else:
                push.send(owner, flags, copy=False, track=True)
        # Nothing holds the memory any more: it can be resized...
        assert wait_until(lambda: _resizable(owner), WAIT)
    # ...and freed.
    del owner
    assert _collect_until(lambda: ref() is None)


# -- MessageTracker -----------------------------------------------------------------------


def test_tracker_done_after_the_peer_received(bound_pair, transport):
    pull, push = bound_pair(zmq.PULL, zmq.PUSH)
    payload = os.urandom(SIZE)
    tracker = push.send(payload, copy=False, track=True)
    assert isinstance(tracker, zmq.MessageTracker)
    if transport == "inproc":
        assert not tracker.done  # still waiting in the pipe
    assert pull.recv() == payload
    tracker.wait(WAIT)
    assert tracker.done


def test_tracker_wait_raises_notdone_while_the_message_is_queued(sockets):
    # connect() before the peer exists: libzmq creates the pipe at once and queues the
    # message in it, holding the memory until someone receives it.
    push = sockets(zmq.PUSH)
    push.connect("inproc://zc-not-yet-bound")
    payload = os.urandom(SIZE)
    tracker = push.send(payload, copy=False, track=True)
    start = time.monotonic()
    with pytest.raises(zmq.NotDone):
        tracker.wait(0.2)
    elapsed = time.monotonic() - start
    assert 0.15 <= elapsed < 1.5
    assert not tracker.done
    with pytest.raises(zmq.NotDone):
        tracker.wait(0)
    pull = sockets(zmq.PULL)
    pull.bind("inproc://zc-not-yet-bound")
    assert pull.recv() == payload
    tracker.wait(WAIT)  # returns now
    assert tracker.done


def test_tracker_wait_over_tcp_returns_once_the_socket_drops_the_message(sockets, dead_tcp_endpoint):
    push = sockets(zmq.PUSH)
    push.connect(dead_tcp_endpoint)
    tracker = push.send(os.urandom(SIZE), copy=False, track=True)
    with pytest.raises(zmq.NotDone):
        tracker.wait(0.2)
    push.close(linger=0)
    tracker.wait(WAIT)
    assert tracker.done


def test_tracker_wait_without_timeout_blocks_until_released(sockets, dead_tcp_endpoint):
    push = sockets(zmq.PUSH)
    push.connect(dead_tcp_endpoint)  # queued for good: only closing the socket drops it
    tracker = push.send(os.urandom(SIZE), copy=False, track=True)
    # Another thread drops the message after 0.2 s (libzmq then frees it in its own thread).
    dropper = threading.Timer(0.2, push.close, kwargs={"linger": 0})
    start = time.monotonic()
    dropper.start()
    try:
        tracker.wait()  # no timeout
    finally:
        dropper.cancel()
        dropper.join(WAIT)
    assert 0.15 <= time.monotonic() - start < WAIT
    assert tracker.done


# Runs in a subprocess: when it deadlocks, only the faulthandler watchdog (a C thread that
# needs no GIL) can end it, and it must not take the test session down with it.
_WAIT_VS_RELEASE_SCRIPT = r"""
import faulthandler, socket, sys, threading, time
faulthandler.dump_traceback_later(float(sys.argv[1]), exit=True)
import zmq
assert zmq.__file__.startswith(sys.argv[2]), zmq.__file__
ctx = zmq.Context()
reserved = socket.socket()
reserved.bind(("127.0.0.1", 0))
stuck = ctx.socket(zmq.PUSH)
stuck.linger = 0
stuck.connect("tcp://127.0.0.1:%d" % reserved.getsockname()[1])
tracker = stuck.send(b"x" * 100000, copy=False, track=True)  # never delivered
stop = threading.Event()

def waiter():
    while not stop.is_set():
        try:
            tracker.wait(0.2)
        except zmq.NotDone:
            pass

t = threading.Thread(target=waiter)
t.start()
pull = ctx.socket(zmq.PULL)
push = ctx.socket(zmq.PUSH)
pull.linger = push.linger = 0
pull.bind("inproc://zc-wait-vs-release")
push.connect("inproc://zc-wait-vs-release")
payload = b"y" * 100000
n = 0
end = time.monotonic() + 0.5
while time.monotonic() < end:
    push.send(payload, copy=False)  # released (under the GIL) when the peer's message closes
    assert len(pull.recv()) == len(payload)
    n += 1
stop.set()
t.join()
for s in (stuck, pull, push):
    s.close()
ctx.term()
reserved.close()
print("completed", n)
"""


def test_tracker_wait_in_a_thread_does_not_deadlock_with_releases_in_another():
    # One thread waits on a tracker (its message is stuck), while the main thread keeps
    # sending and receiving zero-copy messages, whose buffers are released under the GIL.
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    watchdog = 3.0
    proc = subprocess.run(
        [sys.executable, "-c", _WAIT_VS_RELEASE_SCRIPT, str(watchdog), os.path.join(root, "zmq")],
        capture_output=True,
        text=True,
        timeout=watchdog + 20,
        env=env,
    )
    assert proc.returncode == 0 and "completed" in proc.stdout, (
        f"exit status {proc.returncode}; the watchdog's dump:\n{proc.stderr[-3000:]}"
    )


def test_frame_with_track_has_a_tracker(sockets):
    assert zmq.Frame(os.urandom(SIZE)).tracker is None
    pull = sockets(zmq.PULL)
    push = sockets(zmq.PUSH)
    pull.bind("inproc://zc-frame")
    push.connect("inproc://zc-frame")
    payload = os.urandom(SIZE)
    frame = zmq.Frame(payload, track=True)
    tracker = frame.tracker
    assert isinstance(tracker, zmq.MessageTracker)
    assert not tracker.done
    sent_tracker = push.send(frame, copy=False, track=True)
    assert isinstance(sent_tracker, zmq.MessageTracker)
    assert pull.recv() == payload
    # The Frame object still owns a reference to the message: not done yet.
    with pytest.raises(zmq.NotDone):
        tracker.wait(0.05)
    assert not tracker.done
    assert not sent_tracker.done
    del frame
    gc.collect()
    tracker.wait(WAIT)
    sent_tracker.wait(WAIT)
    assert tracker.done and sent_tracker.done


def test_frame_content_is_kept_alive_by_the_frame():
    expected = os.urandom(SIZE)
    owner = OwnedBuffer(expected)
    ref = weakref.ref(owner)
    frame = zmq.Frame(owner, copy=False)
    del owner
    gc.collect()
    _churn()
    assert ref() is not None
    assert frame.bytes == expected
    del frame
    assert _collect_until(lambda: ref() is None)


def test_combined_tracker_waits_for_every_component(sockets):
    pull = sockets(zmq.PULL)
    push = sockets(zmq.PUSH)
    pull.bind("inproc://zc-combined")
    push.connect("inproc://zc-combined")
    sent = push.send(os.urandom(SIZE), copy=False, track=True)
    frame = zmq.Frame(os.urandom(SIZE), track=True)
    event = threading.Event()
    combined = zmq.MessageTracker(sent, frame, event)
    assert not combined.done

    pull.recv()
    sent.wait(WAIT)
    assert sent.done
    assert not combined.done  # the frame and the event are still pending
    with pytest.raises(zmq.NotDone):
        combined.wait(0.1)

    del frame
    gc.collect()
    assert not combined.done  # the event is still unset
    with pytest.raises(zmq.NotDone):
        combined.wait(0.1)

    event.set()
    combined.wait(WAIT)
    assert combined.done


def test_combined_tracker_of_trackers_only(sockets):
    pull = sockets(zmq.PULL)
    push = sockets(zmq.PUSH)
    pull.bind("inproc://zc-combined2")
    push.connect("inproc://zc-combined2")
    t1 = push.send(os.urandom(SIZE), copy=False, track=True)
    t2 = push.send(os.urandom(SIZE), copy=False, track=True)
    both = zmq.MessageTracker(t1, t2)
    pull.recv()
    t1.wait(WAIT)
    assert not both.done
    pull.recv()
    both.wait(WAIT)
    assert both.done and t2.done


def test_tracker_rejects_untrackable_objects():
    with pytest.raises(TypeError):
        zmq.MessageTracker(42)


def test_send_multipart_tracker_covers_every_part(sockets):
    pull = sockets(zmq.PULL)
    push = sockets(zmq.PUSH)
    pull.bind("inproc://zc-multipart")
    push.connect("inproc://zc-multipart")
    expected = [os.urandom(SIZE) for _ in range(3)]
    parts = [np.frombuffer(p, dtype=np.uint8).copy() for p in expected]
    refs = [weakref.ref(p) for p in parts]
    tracker = push.send_multipart(parts, copy=False, track=True)
    assert isinstance(tracker, zmq.MessageTracker)
    del parts
    gc.collect()
    assert not tracker.done

    frames = pull.recv_multipart(copy=False)
    assert [f.bytes for f in frames] == expected
    # Over inproc the received frames share the sent memory. Keep only the last part alive:
    # the single tracker must still report "not done" because of it.
    last = frames[-1]
    del frames
    gc.collect()
    assert _collect_until(lambda: refs[0]() is None and refs[1]() is None)
    assert refs[2]() is not None
    assert not tracker.done
    with pytest.raises(zmq.NotDone):
        tracker.wait(0.05)
    assert bytes(memoryview(last)) == expected[2]

    del last
    gc.collect()
    tracker.wait(WAIT)
    assert tracker.done
    assert _collect_until(lambda: refs[2]() is None)


def test_send_multipart_tracker_over_tcp(sockets):
    pull = sockets(zmq.PULL)
    push = sockets(zmq.PUSH)
    pull.bind("tcp://127.0.0.1:*")
    push.connect(pull.last_endpoint.decode())
    expected = [os.urandom(SIZE) for _ in range(3)]
    tracker = push.send_multipart([bytearray(p) for p in expected], copy=False, track=True)
    assert pull.recv_multipart() == expected
    tracker.wait(WAIT)
    assert tracker.done


# -- which tracker send() returns (as pyzmq) --------------------------------------------------


@pytest.fixture
def push_pull(sockets):
    """A connected (PUSH, PULL) pair over inproc."""
    pull, push = connected_pair(sockets, zmq.PULL, zmq.PUSH)
    return push, pull


def test_copied_messages_get_the_finished_tracker(push_pull):
    from zmq.sugar.tracker import _FINISHED_TRACKER as finished

    push, pull = push_pull
    assert finished.done and finished.events == set() and finished.peers == set()
    finished.wait(0)
    # Frames that copied their data (small, or copy=True) are tracked by the finished tracker.
    assert zmq.Frame(b"small", track=True).tracker is finished
    assert zmq.Frame(os.urandom(SIZE), track=True, copy=True).tracker is finished
    assert zmq.Frame(track=True).tracker is finished
    assert zmq.Frame(b"small", track=True).tracker_event is None
    # copy=False under copy_threshold copies anyway: done at once, with or without track.
    assert push.send(b"small", copy=False) is finished
    assert push.send(bytearray(b"small"), copy=False, track=True) is finished
    assert push.send_string("small", copy=False) is finished
    # copy=True never tracks.
    assert push.send(os.urandom(SIZE), copy=True, track=True) is None
    assert push.send(b"small", track=True) is None
    assert [len(pull.recv()) for _ in range(5)] == [5, 5, 5, SIZE, 5]
    # A received frame asked to be tracked gets the finished tracker too.
    push.send_multipart([b"a", b"b"])
    assert [f.tracker is finished for f in pull.recv_multipart(copy=False, track=True)] == [True, True]
    push.send(b"c")
    assert pull.recv(copy=False, track=True).tracker is finished
    push.send(b"d")
    assert pull.recv(copy=False).tracker is None


def test_send_of_a_frame_returns_its_own_tracker(push_pull):
    push, pull = push_pull
    frame = zmq.Frame(os.urandom(SIZE), track=True)
    for kw in ({}, {"copy": False}, {"copy": True}, {"copy": False, "track": True}, {"track": True}):
        assert push.send(frame, **kw) is frame.tracker, kw
        assert len(pull.recv()) == SIZE
    untracked = zmq.Frame(os.urandom(SIZE))
    assert push.send(untracked, copy=False) is None
    assert len(pull.recv()) == SIZE
    with pytest.raises(ValueError, match="tracked"):
        push.send(untracked, track=True)
    with pytest.raises(zmq.Again):  # nothing was sent
        pull.recv(zmq.NOBLOCK)


def test_send_multipart_returns_what_send_returns_for_the_last_part(push_pull):
    push, pull = push_pull
    first = zmq.Frame(os.urandom(SIZE), track=True)
    last = zmq.Frame(os.urandom(SIZE), track=True)
    assert push.send_multipart([first, last]) is last.tracker
    assert push.send_multipart([b"head", first]) is first.tracker
    assert push.send_multipart([first, b"tail"]) is None  # copy=True: the bytes part is untracked
    for _ in range(3):
        assert len(pull.recv_multipart()) == 2
    # A new tracker (copy=False, track=True, shared last part) covers every zero-copy part.
    data = [bytearray(os.urandom(SIZE)) for _ in range(2)]
    tracker = push.send_multipart([first, data[0], data[1]], copy=False, track=True)
    assert isinstance(tracker, zmq.MessageTracker) and tracker not in (first.tracker, last.tracker)
    assert first.tracker in tracker.peers
    got = pull.recv_multipart()
    assert got[1:] == [bytes(d) for d in data]
    del first, got
    gc.collect()
    tracker.wait(WAIT)
    assert tracker.done


def test_send_multipart_with_an_untracked_frame_sends_nothing(push_pull):
    # pyzmq sends the parts before the untracked frame, leaving half a message queued that
    # the next message completes; here every part is checked before the first is sent.
    push, pull = push_pull
    parts = [zmq.Frame(os.urandom(SIZE), track=True), zmq.Frame(b"untracked")]
    with pytest.raises(ValueError, match="tracked"):
        push.send_multipart(parts, track=True)
    push.send(b"next")
    assert pull.recv_multipart() == [b"next"]


def test_tracker_events_peers_and_wait_arguments():
    event = threading.Event()
    inner = zmq.MessageTracker()
    tracked = zmq.Frame(os.urandom(SIZE), track=True)
    tracker = zmq.MessageTracker(event, inner, tracked)
    assert tracker.events == {event}
    assert tracker.peers == {inner, tracked.tracker}
    for bad in (None, "1", [1]):
        with pytest.raises(TypeError):
            tracker.wait(bad)
    with pytest.raises(zmq.NotDone):
        tracker.wait(0)
    assert zmq.MessageTracker().wait(True) is None
    assert repr(zmq.MessageTracker()).startswith("<zmq.sugar.tracker.MessageTracker object at 0x")
    assert zmq.MessageTracker.__module__ == "zmq.sugar.tracker"
    del tracked
    gc.collect()


def test_tracker_event_of_a_zero_copy_frame_follows_its_tracker(push_pull):
    push, pull = push_pull
    frame = zmq.Frame(os.urandom(SIZE), track=True)
    event = frame.tracker_event
    assert isinstance(event, threading.Event) and frame.tracker_event is event
    assert not event.is_set()
    assert event.wait(0.01) is False
    push.send(frame)
    pull.recv()
    del frame
    gc.collect()
    assert event.wait(WAIT) is True and event.is_set()


def test_frame_reads_copy_threshold_when_it_is_made(monkeypatch):
    # as sockets do: applications (and jupyter_client's tests) change zmq.COPY_THRESHOLD at run time
    monkeypatch.setattr(zmq, "COPY_THRESHOLD", 1)
    shared = zmq.Frame(b"small", track=True)
    assert not shared.tracker.done  # shared with libzmq: pending while the frame lives
    monkeypatch.setattr(zmq, "COPY_THRESHOLD", 10_000)
    copied = zmq.Frame(b"x" * 100, track=True)
    assert copied.tracker.done  # copied: nothing to wait for
    assert bytes(shared.bytes) == b"small" and len(copied) == 100
