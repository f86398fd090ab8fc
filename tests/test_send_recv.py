"""send/recv in every flavour: buffer types, copy/zero-copy, Frames, recv_into, multipart,
strings, JSON, pickle, serializers, copy_threshold, non-blocking and timeouts, big messages.

All sockets come from the conftest ``sockets`` factory (linger=0, 5 s timeouts), so a
failure can never hang.
"""
from __future__ import annotations

import array
import ctypes
import errno
import hashlib
import json
import os
import pickle
import sys
import threading
import time
import weakref
from dataclasses import dataclass

import numpy as np
import pytest

import zmq
from _helpers import PYPY, endpoint, needs_export_locks, pypy_collect


@pytest.fixture
def pair(sockets):
    """A connected PAIR pair over inproc (deterministic: nothing is in flight on a wire)."""
    a = sockets(zmq.PAIR)
    b = sockets(zmq.PAIR)
    a.bind(endpoint("inproc"))
    b.connect(a.last_endpoint.decode())
    return a, b


def _nothing_pending(sock, ms=50):
    return sock.poll(ms) == 0


# -- buffer types, copy and zero-copy ------------------------------------------------------

SMALL = bytes(range(256)) * 4  # 1 KiB: below the default copy threshold
LARGE = os.urandom(100_000)  # above the default copy threshold (65536)

DATA_KINDS = {
    "bytes": lambda raw: bytes(raw),
    "bytearray": lambda raw: bytearray(raw),
    "memoryview": lambda raw: memoryview(bytearray(raw)),
    "memoryview-slice": lambda raw: memoryview(b"xx" + raw + b"yy")[2:-2],
    "array.array": lambda raw: array.array("B", raw),
    "numpy-uint8": lambda raw: np.frombuffer(raw, dtype=np.uint8).copy(),
    "Frame": lambda raw: zmq.Frame(raw),
    "Frame-nocopy": lambda raw: zmq.Frame(bytearray(raw), copy=False),
}


@pytest.mark.parametrize("size", ["small", "large"])
@pytest.mark.parametrize("copy", [True, False], ids=["copy", "nocopy"])
@pytest.mark.parametrize("kind", list(DATA_KINDS))
def test_send_buffer_kinds(bound_pair, kind, copy, size):
    a, b = bound_pair(zmq.PAIR, zmq.PAIR)
    raw = SMALL if size == "small" else LARGE
    data = DATA_KINDS[kind](raw)
    result = a.send(data, copy=copy)
    if kind.startswith("Frame"):
        assert result is None  # a Frame's own tracker: it was built without track=True
    elif copy or size == "large":
        assert result is None
    else:  # copy=False under copy_threshold: copied anyway, so a tracker that is already done
        assert isinstance(result, zmq.MessageTracker) and result.done
    assert b.recv() == raw
    # The same object can be sent again and arrives intact again.
    a.send(data, copy=copy)
    got = b.recv(copy=False)
    assert isinstance(got, zmq.Frame)
    assert got.bytes == raw and len(got) == len(raw)


@pytest.mark.parametrize("dtype", [np.int32, np.float64, np.complex128])
@pytest.mark.parametrize("copy", [True, False], ids=["copy", "nocopy"])
def test_numpy_arrays_round_trip(pair, dtype, copy):
    a, b = pair
    arr = (np.arange(30_000) * 3).astype(dtype).reshape(100, 300)  # 2-D, C-contiguous
    a.send(arr, copy=copy)
    frame = b.recv(copy=False)
    assert len(frame) == arr.nbytes
    back = np.frombuffer(frame, dtype=dtype).reshape(arr.shape)
    np.testing.assert_array_equal(back, arr)
    # Fortran order is contiguous too: libzmq gets its memory as laid out.
    f = np.asfortranarray(arr)
    a.send(f, copy=copy)
    assert b.recv() == f.tobytes(order="A")


def test_frame_from_numpy_array(pair):
    a, b = pair
    arr = np.arange(50_000, dtype=np.int32).reshape(250, 200)
    for frame in (zmq.Frame(arr), zmq.Frame(arr, copy=False), zmq.Frame(arr, track=True)):
        assert len(frame) == arr.nbytes
        a.send(frame)
        np.testing.assert_array_equal(np.frombuffer(b.recv(copy=False), np.int32).reshape(arr.shape), arr)


def test_frame_from_fortran_ordered_array(pair):
    a, b = pair
    arr = np.asfortranarray(np.arange(20_000, dtype=np.int32).reshape(100, 200))
    a.send(arr)  # send() itself takes it
    assert b.recv() == arr.tobytes(order="A")
    for frame in (zmq.Frame(arr), zmq.Frame(arr, track=True)):
        a.send(frame)
        assert b.recv() == arr.tobytes(order="A")


def test_array_array_of_ints(pair):
    a, b = pair
    arr = array.array("i", range(-50, 50))
    a.send(arr)
    assert b.recv() == arr.tobytes()


def test_empty_message(pair):
    a, b = pair
    a.send(b"")
    assert b.recv() == b""
    a.send(bytearray(), copy=False)
    frame = b.recv(copy=False)
    assert len(frame) == 0 and frame.bytes == b"" and not frame.more


def test_resend_same_frame_twice(pair):
    a, b = pair
    for frame in (zmq.Frame(b"reusable"), zmq.Frame(LARGE, copy=False), zmq.Frame(LARGE, track=True)):
        a.send(frame)
        a.send(frame, copy=False)
        expected = frame.bytes
        assert b.recv() == expected
        assert b.recv() == expected
        # The frame is still intact after being sent.
        assert frame.bytes == expected and len(frame) == len(expected)


def test_send_and_rcvmore(pair):
    a, b = pair
    a.send(b"first", zmq.SNDMORE)
    a.send(b"second")
    assert b.recv() == b"first"
    assert b.rcvmore == 1
    assert b.recv() == b"second"
    assert b.rcvmore == 0


# -- received Frames: zero-copy buffer protocol --------------------------------------------


def test_recv_copy_false_returns_frame_without_copy(pair):
    a, b = pair
    a.send(LARGE)
    frame = b.recv(copy=False)
    assert isinstance(frame, zmq.Frame)
    assert len(frame) == len(LARGE)
    assert not frame.more
    view = memoryview(frame)
    # (PyPy: memoryview(obj).obj is what obj.__buffer__ returned, a view of the same memory)
    assert not view.readonly and view.nbytes == len(LARGE) and (view.obj is frame or PYPY)
    assert bytes(view) == LARGE
    buf = frame.buffer
    assert isinstance(buf, memoryview) and not buf.readonly and buf.tobytes() == LARGE
    assert frame.buffer is buf  # the same view while it is alive
    # Every view is the frame's own memory: same address each time, nothing copied.
    addr = np.frombuffer(frame, dtype=np.uint8).ctypes.data
    assert np.frombuffer(buf, dtype=np.uint8).ctypes.data == addr
    assert np.frombuffer(memoryview(frame), dtype=np.uint8).ctypes.data == addr
    # .bytes is a real bytes copy, made once.
    assert type(frame.bytes) is bytes and frame.bytes == LARGE
    assert frame.bytes is frame.bytes


def test_received_frame_is_writable(pair):
    # The frame owns its message: writing to it, as pyzmq allows, changes that message only.
    a, b = pair
    a.send(b"mutable")
    frame = b.recv(copy=False)
    memoryview(frame)[0] = ord("M")
    arr = np.frombuffer(frame, dtype=np.uint8)
    assert arr.flags.writeable
    arr[1] = ord("U")
    frame.buffer[-1] = ord("E")
    assert bytes(frame.buffer) == b"MUtablE"
    a.send(frame)  # sends the modified content
    assert b.recv() == b"MUtablE"


def test_frame_sharing_bytes_is_read_only():
    # A zero-copy frame over a bytes object must not let anyone write into that bytes.
    data = b"x" * 100_000
    frame = zmq.Frame(data, copy=False)
    assert memoryview(frame).readonly
    with pytest.raises(TypeError):
        memoryview(frame)[0] = 0
    assert not np.frombuffer(frame, dtype=np.uint8).flags.writeable
    if not PYPY:  # PyPy's ctypes takes read-only memory too, bytes included
        with pytest.raises(TypeError):
            (ctypes.c_char * 4).from_buffer(frame)  # wants writable memory
    assert data == b"x" * 100_000
    # a frame over writable memory is writable, and writes reach that memory (PyPy shares a
    # bytearray as a private copy, docs/howto/backends.md; a NumPy array for real)
    shared = np.zeros(100_000, dtype=np.uint8) if PYPY else bytearray(100_000)
    frame = zmq.Frame(shared, copy=False)
    memoryview(frame)[0] = 7
    assert shared[0] == 7


def test_frame_more_flag(pair):
    a, b = pair
    a.send_multipart([b"a", b"b", b"c"])
    frames = [b.recv(copy=False) for _ in range(3)]
    assert [bool(f.more) for f in frames] == [True, True, False]
    assert [f.bytes for f in frames] == [b"a", b"b", b"c"]


# -- recv_into ------------------------------------------------------------------------------


def test_recv_into_exact_and_larger_buffer(pair):
    a, b = pair
    a.send(b"hello")
    buf = bytearray(5)
    assert b.recv_into(buf) == 5
    assert buf == b"hello"
    a.send(b"hello")
    buf = bytearray(b"." * 10)
    assert b.recv_into(buf) == 5
    assert buf == b"hello....."


def test_recv_into_nbytes_limit(pair):
    a, b = pair
    a.send(b"hello")
    buf = bytearray(b"." * 10)
    # nbytes caps how much is written; the return value is still the full message size.
    assert b.recv_into(buf, nbytes=3) == 5
    assert buf == b"hel......."
    a.send(b"xy")
    assert b.recv_into(buf, nbytes=4) == 2
    assert buf == b"xyl......."
    with pytest.raises(TypeError):  # nbytes and flags are keyword-only, as in pyzmq
        b.recv_into(buf, 4)


def test_recv_into_truncates_and_returns_full_size(pair):
    a, b = pair
    a.send(b"0123456789")
    buf = bytearray(4)
    assert b.recv_into(buf) == 10
    assert buf == b"0123"
    # The rest of the message is discarded, not left for the next recv.
    a.send(b"next")
    assert b.recv() == b"next"


def test_recv_into_numpy_and_memoryview_slice(pair):
    a, b = pair
    src = np.arange(8, dtype=np.int32)
    a.send(src)
    dst = np.zeros(8, dtype=np.int32)
    assert b.recv_into(dst) == src.nbytes
    np.testing.assert_array_equal(dst, src)
    a.send(b"MID")
    backing = bytearray(b"__________")
    assert b.recv_into(memoryview(backing)[3:6]) == 3
    assert backing == b"___MID____"


def test_recv_into_while_blocked_truncates_too(sockets):
    """The message arrives while recv_into waits (the blocking path, not the fast one)."""
    a = sockets(zmq.PAIR)
    a.bind(endpoint("tcp"))
    b = sockets(zmq.PAIR)
    b.connect(a.last_endpoint.decode())
    for nbytes, expected in ((0, b"0123"), (3, b"012.")):
        timer = threading.Timer(0.15, a.send, args=(b"0123456789",))
        timer.start()
        try:
            buf = bytearray(b"....")
            t0 = time.monotonic()
            assert b.recv_into(buf, nbytes=nbytes) == 10
            assert time.monotonic() - t0 >= 0.1
            assert buf == expected
        finally:
            timer.join(5)


def test_recv_into_empty_message(pair):
    a, b = pair
    a.send(b"")
    buf = bytearray(b"keep")
    assert b.recv_into(buf) == 0
    assert buf == b"keep"


def test_recv_into_flags(pair):
    a, b = pair
    with pytest.raises(zmq.Again):
        b.recv_into(bytearray(4), flags=zmq.NOBLOCK)
    a.send(b"ok")
    assert b.poll(1000)
    buf = bytearray(2)
    assert b.recv_into(buf, nbytes=0, flags=zmq.NOBLOCK) == 2 and buf == b"ok"


@pytest.mark.parametrize(
    "target",
    [b"immutable", memoryview(b"readonly view"), zmq.Frame(b"frame over bytes" * 5000, copy=False),
     memoryview(bytearray(20))[::2], np.zeros(20, dtype=np.uint8)[::2],
     np.frombuffer(b"readonly array", dtype=np.uint8)],
    ids=["bytes", "readonly-memoryview", "Frame-sharing-bytes", "strided-memoryview", "strided-numpy",
         "readonly-numpy"],
)
def test_recv_into_non_writable_buffer(pair, target):
    # Read-only and non-contiguous buffers are BufferError whatever exports them (as pyzmq).
    a, b = pair
    a.send(b"payload")
    with pytest.raises(BufferError):
        b.recv_into(target)
    # Nothing was consumed: the message is still there.
    assert b.recv() == b"payload"


def test_recv_into_not_a_buffer(pair):
    _, b = pair
    with pytest.raises(TypeError):
        b.recv_into("a str")
    with pytest.raises(TypeError):
        b.recv_into(None)


def test_recv_into_bad_nbytes(pair):
    a, b = pair
    a.send(b"payload")
    with pytest.raises(ValueError):
        b.recv_into(bytearray(4), nbytes=5)
    with pytest.raises(ValueError):
        b.recv_into(bytearray(4), nbytes=-1)
    assert b.recv() == b"payload"


# -- multipart -----------------------------------------------------------------------------


def _mixed_parts():
    return [
        b"bytes",
        zmq.Frame(b"frame"),
        memoryview(b"memoryview"),
        bytearray(b"bytearray"),
        array.array("B", b"array"),
        np.frombuffer(b"numpy", dtype=np.uint8),
        b"",
        LARGE,
    ]


MIXED_EXPECTED = [b"bytes", b"frame", b"memoryview", b"bytearray", b"array", b"numpy", b"", LARGE]


@pytest.mark.parametrize("copy", [True, False], ids=["copy", "nocopy"])
def test_multipart_mixed_parts(bound_pair, copy):
    a, b = bound_pair(zmq.DEALER, zmq.DEALER)
    a.send_multipart(_mixed_parts(), copy=copy)
    assert b.recv_multipart() == MIXED_EXPECTED
    a.send_multipart(tuple(_mixed_parts()), copy=copy)  # any sequence works
    frames = b.recv_multipart(copy=False)
    assert all(isinstance(f, zmq.Frame) for f in frames)
    assert [f.bytes for f in frames] == MIXED_EXPECTED
    assert [bool(f.more) for f in frames] == [True] * 7 + [False]


def test_multipart_single_part_and_track(pair):
    a, b = pair
    a.send_multipart([b"solo"])
    frames = b.recv_multipart(copy=False)
    assert len(frames) == 1 and frames[0].bytes == b"solo" and not frames[0].more
    tracker = a.send_multipart([b"x", bytearray(LARGE)], copy=False, track=True)
    assert isinstance(tracker, zmq.MessageTracker)
    assert b.recv_multipart() == [b"x", LARGE]
    tracker.wait(5)
    assert tracker.done


@pytest.mark.parametrize("bad", ["text", 42, None, 1.5, {"a": 1}], ids=["str", "int", "None", "float", "dict"])
def test_multipart_bad_part_sends_nothing(pair, bad):
    a, b = pair
    with pytest.raises(TypeError):
        a.send_multipart([b"first", bad, b"last"])
    with pytest.raises(TypeError):
        a.send_multipart([b"first", b"second", bad])
    a.send_multipart([b"good", b"message"])
    assert b.recv_multipart() == [b"good", b"message"]
    assert _nothing_pending(b)


def test_multipart_non_contiguous_part_sends_nothing(pair):
    a, b = pair
    strided = np.arange(10, dtype=np.uint8)[::2]
    with pytest.raises((ValueError, BufferError, TypeError)):
        a.send_multipart([b"first", strided, b"last"])
    a.send_multipart([b"good"])
    assert b.recv_multipart() == [b"good"]


def test_multipart_rejects_non_sequences(pair):
    a, b = pair
    with pytest.raises(TypeError):
        a.send_multipart(b"not a list of parts")
    with pytest.raises(TypeError):
        a.send_multipart("nor this")
    assert _nothing_pending(b)


# -- strings ---------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "latin-1", "utf-16", "utf-32", "cp1252"])
def test_send_recv_string_encodings(pair, encoding):
    a, b = pair
    text = "héllo wörld €" if encoding != "latin-1" else "héllo wörld ÿ"
    a.send_string(text, encoding=encoding)
    assert b.recv() == text.encode(encoding)
    a.send_string(text, encoding=encoding)
    assert b.recv_string(encoding=encoding) == text


def test_send_recv_string_defaults_to_utf8(pair):
    a, b = pair
    text = "日本語 ✓ \U0001f600"
    a.send_string(text)
    assert b.recv() == text.encode("utf-8")
    a.send_string(text)
    out = b.recv_string()
    assert out == text and type(out) is str
    a.send_unicode("alias")
    assert b.recv_unicode() == "alias"


def test_recv_string_invalid_bytes(pair):
    a, b = pair
    a.send(b"\xff\xfe\xfa not utf-8")
    with pytest.raises(UnicodeDecodeError):
        b.recv_string()
    # The bad message was consumed; the socket works on.
    a.send_string("fine")
    assert b.recv_string() == "fine"


def test_send_string_rejects_non_str(pair):
    a, b = pair
    with pytest.raises(TypeError):
        a.send_string(b"bytes are not str")
    with pytest.raises(TypeError):
        a.send_string(123)
    with pytest.raises(UnicodeEncodeError):
        a.send_string("\udc80 lone surrogate")
    with pytest.raises(UnicodeEncodeError):
        a.send_string("€", encoding="ascii")
    assert _nothing_pending(b)


# -- JSON ------------------------------------------------------------------------------------


def test_send_recv_json(pair):
    a, b = pair
    obj = {"int": 1, "float": 2.5, "list": [1, "two", None, True], "nested": {"ü": "ñ"}, "none": None}
    a.send_json(obj)
    assert b.recv_json() == obj
    for value in (0, "just a string", [1, 2, 3], None, False):
        a.send_json(value)
        assert b.recv_json() == value


def test_send_json_kwargs_reach_json_dumps(pair):
    a, b = pair
    a.send_json({"b": 1, "a": [2, 3]}, sort_keys=True, separators=(",", ":"))
    assert b.recv() == b'{"a":[2,3],"b":1}'
    a.send_json({"é": 1}, ensure_ascii=False, separators=(",", ":"))
    assert b.recv() == '{"é":1}'.encode("utf-8")


def test_recv_json_kwargs_reach_json_loads(pair):
    a, b = pair
    a.send(b'{"x": 1.5, "y": [1, 2]}')
    assert b.recv_json(parse_float=str) == {"x": "1.5", "y": [1, 2]}
    a.send(b'{"z": 1, "a": 2}')
    assert list(b.recv_json(object_pairs_hook=list)) == [("z", 1), ("a", 2)]


@pytest.mark.parametrize("unserializable", [object(), {1, 2}, b"bytes", {"k": object()}],
                         ids=["object", "set", "bytes", "nested"])
def test_send_json_unserializable_sends_nothing(pair, unserializable):
    a, b = pair
    with pytest.raises(TypeError):
        a.send_json(unserializable)
    with pytest.raises(TypeError):
        a.send_json(unserializable, sort_keys=True)
    a.send_json({"after": "failure"})
    assert b.recv_json() == {"after": "failure"}
    assert _nothing_pending(b)


def test_recv_json_invalid(pair):
    a, b = pair
    a.send(b"{not json")
    with pytest.raises(ValueError):
        b.recv_json()


# -- pickle and custom serialization ------------------------------------------------------


@dataclass
class Point:
    x: int
    y: float
    tags: tuple


def test_send_recv_pyobj(pair):
    a, b = pair
    obj = {"point": Point(1, 2.5, ("a", "b")), "set": {1, 2}, "bytes": b"\x00\xff", "big": 2**100}
    a.send_pyobj(obj)
    assert b.recv_pyobj() == obj


@pytest.mark.parametrize("protocol", [0, 2, pickle.HIGHEST_PROTOCOL])
def test_send_pyobj_protocol(pair, protocol):
    a, b = pair
    obj = [Point(3, 4.0, ()), "text"]
    a.send_pyobj(obj, protocol=protocol)
    raw = b.recv()
    if protocol >= 2:
        assert raw[:2] == bytes([0x80, protocol])
    else:
        assert raw[:1] != b"\x80"
    assert pickle.loads(raw) == obj


def _serialize(obj):
    header = json.dumps({"shape": list(obj.shape), "dtype": str(obj.dtype)}).encode()
    return [header, obj]


def _deserialize(parts):
    header = json.loads(bytes(parts[0]))
    return np.frombuffer(parts[1], dtype=header["dtype"]).reshape(header["shape"])


@pytest.mark.parametrize("copy", [True, False], ids=["copy", "nocopy"])
def test_send_recv_serialized(pair, copy):  # nocopy: np.frombuffer(frame)
    a, b = pair
    arr = np.arange(40_000, dtype=np.float32).reshape(200, 200)
    a.send_serialized(arr, _serialize, copy=copy)
    back = b.recv_serialized(_deserialize, copy=copy)
    np.testing.assert_array_equal(back, arr)
    # The serializer's output is a plain multipart message on the wire.
    a.send_serialized(arr, _serialize)
    header, body = b.recv_multipart()
    assert json.loads(header) == {"shape": [200, 200], "dtype": "float32"}
    assert body == arr.tobytes()


# -- copy_threshold ---------------------------------------------------------------------------


def test_copy_threshold_default_comes_from_zmq_module(context, monkeypatch):
    assert zmq.COPY_THRESHOLD == 65536
    with context.socket(zmq.PAIR) as s:
        assert s.copy_threshold == zmq.COPY_THRESHOLD
    monkeypatch.setattr(zmq, "COPY_THRESHOLD", 1234)
    with context.socket(zmq.PAIR) as s:
        assert s.copy_threshold == 1234
    with context.socket(zmq.PAIR, copy_threshold=77) as s:
        assert s.copy_threshold == 77


@pytest.mark.parametrize("delta", [-1, 0, 1], ids=["below", "at", "above"])
@pytest.mark.parametrize("kind", ["bytes", "bytearray", "numpy"])
def test_copy_threshold_boundary_tracking(pair, delta, kind):
    """Below the threshold copy=False still copies (the tracker is done at once); at and
    above it libzmq holds our memory until the receiver has taken the message."""
    a, b = pair
    a.copy_threshold = 1000
    n = 1000 + delta
    raw = os.urandom(n)
    data = {"bytes": raw, "bytearray": bytearray(raw), "numpy": np.frombuffer(raw, np.uint8).copy()}[kind]
    tracker = a.send(data, copy=False, track=True)
    assert isinstance(tracker, zmq.MessageTracker)
    if delta < 0:
        assert tracker.done
    else:
        # Over inproc the message sits in the pipe, still pointing at our buffer.
        assert not tracker.done
        with pytest.raises(zmq.NotDone):
            tracker.wait(0.05)
    assert b.recv() == raw
    tracker.wait(5)
    assert tracker.done


@pytest.mark.parametrize("delta", [-1, 0, 1], ids=["below", "at", "above"])
@needs_export_locks  # (a bytearray: shared as a copy on PyPy)
def test_copy_threshold_boundary_sharing(pair, delta):
    """Zero-copy really shares the sender's memory; a copy does not."""
    a, b = pair
    a.copy_threshold = 512
    buf = bytearray(b"A" * (512 + delta))
    a.send(buf, copy=False)
    buf[0] = ord("Z")  # changing the buffer before the peer reads it
    got = b.recv()
    assert got[1:] == b"A" * (len(buf) - 1)
    assert got[:1] == (b"A" if delta < 0 else b"Z")


def test_copy_true_never_shares(pair):
    a, b = pair
    a.copy_threshold = 0
    buf = bytearray(b"B" * 100_000)
    assert a.send(buf, copy=True, track=False) is None
    buf[0] = ord("Z")
    assert b.recv() == b"B" * 100_000


# -- non-blocking and timeouts ----------------------------------------------------------------


@pytest.mark.parametrize("method", ["recv", "recv_multipart", "recv_string", "recv_json", "recv_pyobj"])
@pytest.mark.parametrize("flag", [zmq.NOBLOCK, zmq.DONTWAIT], ids=["NOBLOCK", "DONTWAIT"])
def test_noblock_recv_on_empty_socket(pair, method, flag):
    _, b = pair
    t0 = time.monotonic()
    with pytest.raises(zmq.Again) as exc:
        getattr(b, method)(flag)
    assert time.monotonic() - t0 < 1.0
    assert exc.value.errno == zmq.EAGAIN
    assert isinstance(exc.value, zmq.ZMQError)


def test_rcvtimeo_expiry(sockets):
    s = sockets(zmq.PULL)
    s.bind(endpoint("inproc"))
    s.rcvtimeo = 200
    for call in (s.recv, s.recv_multipart, lambda: s.recv(copy=False), lambda: s.recv_into(bytearray(8))):
        t0 = time.monotonic()
        with pytest.raises(zmq.Again) as exc:
            call()
        elapsed = time.monotonic() - t0
        assert exc.value.errno == zmq.EAGAIN
        assert 0.15 <= elapsed < 2.0, elapsed


def test_rcvtimeo_zero_is_nonblocking(sockets):
    s = sockets(zmq.PULL)
    s.bind(endpoint("inproc"))
    s.rcvtimeo = 0
    t0 = time.monotonic()
    with pytest.raises(zmq.Again):
        s.recv()
    assert time.monotonic() - t0 < 0.5


def _fill_to_hwm(push, limit=10_000):
    """Send with NOBLOCK until the HWM refuses; returns how many were queued."""
    for i in range(limit):
        try:
            push.send(b"%d" % i, zmq.NOBLOCK)
        except zmq.Again:
            return i
    pytest.fail("HWM never reached")


def test_sndtimeo_with_hwm_reached(sockets):
    pull = sockets(zmq.PULL, rcvhwm=1)
    pull.bind(endpoint("inproc"))
    push = sockets(zmq.PUSH, sndhwm=1)
    push.connect(pull.last_endpoint.decode())
    queued = _fill_to_hwm(push)
    assert 1 <= queued <= 10  # a handful: the two HWMs, not 1000s
    push.sndtimeo = 200
    t0 = time.monotonic()
    with pytest.raises(zmq.Again) as exc:
        push.send(b"one too many")
    elapsed = time.monotonic() - t0
    assert exc.value.errno == zmq.EAGAIN
    assert 0.15 <= elapsed < 2.0, elapsed
    with pytest.raises(zmq.Again):
        push.send_multipart([b"also", b"refused"])
    # Draining lets sends through again, and nothing from the failed sends was queued.
    got = [pull.recv() for _ in range(queued)]
    assert got == [b"%d" % i for i in range(queued)]
    push.send(b"after")
    assert pull.recv() == b"after"
    assert _nothing_pending(pull)


def test_send_without_peer_times_out(sockets):
    push = sockets(zmq.PUSH, sndtimeo=100)
    push.bind(endpoint("inproc"))
    t0 = time.monotonic()
    with pytest.raises(zmq.Again):
        push.send(b"nobody listening")
    assert 0.07 <= time.monotonic() - t0 < 2.0
    with pytest.raises(zmq.Again):
        push.send(b"nobody listening", zmq.NOBLOCK)


# -- large messages over tcp -------------------------------------------------------------------


@pytest.mark.parametrize("size", [1 << 20, 16 << 20], ids=["1MiB", "16MiB"])
@pytest.mark.parametrize("copy", [True, False], ids=["copy", "nocopy"])
def test_large_messages_over_tcp(sockets, size, copy):
    pull = sockets(zmq.PULL)
    pull.bind(endpoint("tcp"))
    push = sockets(zmq.PUSH)
    push.connect(pull.last_endpoint.decode())
    payload = os.urandom(size)
    digest = hashlib.sha256(payload).digest()
    push.send(payload, copy=copy)
    push.send_multipart([b"head", payload, bytearray(payload[:1000])], copy=copy)
    frame = pull.recv(copy=copy)
    got = frame if copy else frame.bytes
    assert len(got) == size and hashlib.sha256(got).digest() == digest
    head, body, tail = pull.recv_multipart(copy=copy)
    if not copy:
        head, body, tail = head.bytes, body.bytes, tail.bytes
    assert head == b"head" and tail == payload[:1000]
    assert hashlib.sha256(body).digest() == digest


def test_large_message_recv_into_over_tcp(sockets):
    pull = sockets(zmq.PULL)
    pull.bind(endpoint("tcp"))
    push = sockets(zmq.PUSH)
    push.connect(pull.last_endpoint.decode())
    payload = np.random.default_rng(1).integers(0, 255, size=4 << 20, dtype=np.uint8)
    push.send(payload, copy=False)
    dst = np.empty_like(payload)
    assert pull.recv_into(dst) == payload.nbytes
    np.testing.assert_array_equal(dst, payload)


# -- Frame as pyzmq's: repr, item access, identity, attributes ------------------------------


def test_frame_str_and_repr():
    assert str(zmq.Frame(b"hello")) == repr(zmq.Frame(b"hello")) == "<zmq.Frame(b'hello')>"
    assert repr(zmq.Frame()) == "<zmq.Frame(b'')>"
    assert repr(zmq.Frame(b"x" * 16)) == f"<zmq.Frame({b'x' * 16!r})>"
    # Longer: the first 12 bytes and a short size.
    assert repr(zmq.Frame(b"abcdefghij" * 20)) == "<zmq.Frame(b'abcdefghijab'...200B)>"
    assert repr(zmq.Frame(b"\xff\xfe" * 10)) == "<zmq.Frame(b'\\xff\\xfe\\xff\\xfe\\xff\\xfe\\xff\\xfe\\xff\\xfe\\xff\\xfe'...20B)>"
    sizes = {999: "999B", 1000: "1kB", 65536: "65kB", 1048575: "1048kB", 1048576: "1MB", 5 * 10**6: "5MB"}
    for n, text in sizes.items():
        assert repr(zmq.Frame(bytearray(n), copy=False)).endswith(f"...{text})>"), n
    assert f"{zmq.Frame(b'fmt')}" == "<zmq.Frame(b'fmt')>"


def test_frame_item_access_and_option_attributes(sockets):
    router = sockets(zmq.ROUTER)
    dealer = sockets(zmq.DEALER)
    port = router.bind_to_random_port("tcp://127.0.0.1")
    dealer.connect(f"tcp://127.0.0.1:{port}")
    dealer.send(b"hi")
    _, frame = router.recv_multipart(copy=False)
    assert frame["Socket-Type"] == frame.get("Socket-Type") == frame.get(b"Socket-Type") == "DEALER"
    assert frame["Peer-Address"] == "127.0.0.1"
    assert frame[zmq.MORE] == 0
    with pytest.raises(zmq.ZMQError) as e:
        frame["No-Such-Property"]
    assert e.value.errno == zmq.EINVAL
    with pytest.raises(TypeError):
        frame[1:2]
    with pytest.raises(TypeError):
        frame.get(1.0)
    assert frame.shared == 0
    with pytest.raises(AttributeError, match="write-only"):
        frame.srcfd
    with pytest.raises(AttributeError, match="no such option"):
        frame.no_such_option


def test_frames_compare_and_hash_by_identity():
    a, b = zmq.Frame(b"same"), zmq.Frame(b"same")
    assert a != b and a == a and hash(a) == hash(a)
    assert a != b"same" and b"same" != a
    assert len({a, b}) == 2
    assert a.bytes == b.bytes
    # A buffer-aware comparison on the other side still compares contents.
    assert bytearray(b"same") == a


def test_frame_compared_with_a_memoryview_does_not_crash():
    # memoryview.__eq__ reads the frame's buffer with strides: pyzmq segfaults here.
    f = zmq.Frame(b"abc")
    assert f == memoryview(b"abc")
    assert memoryview(b"abd") != f
    assert memoryview(f) == memoryview(b"abc")
    assert memoryview(f).strides == (1,)


def test_frame_subclass_instances_take_attributes():
    # pyzmq's Frame turns every attribute assignment into a message option, even on a subclass.
    class Tagged(zmq.Frame):
        pass

    t = Tagged(b"payload")
    t.tag = "mine"
    assert t.tag == "mine" and t.bytes == b"payload"


def test_frame_weakref_and_cached_buffer():
    f = zmq.Frame(b"abc")
    view = f.buffer
    assert f.buffer is view and not view.readonly
    ref = weakref.ref(f)
    del f, view
    pypy_collect()
    assert ref() is None  # no reference cycle through the cached view


@pytest.mark.skipif(zmq.DRAFT_API, reason="the draft API has routing_id and group")
def test_frame_routing_id_and_group_need_the_draft_api():
    f = zmq.Frame(b"x")
    for attr in ("routing_id", "group"):
        with pytest.raises(RuntimeError, match="draft"):
            getattr(f, attr)
        with pytest.raises(RuntimeError, match="draft"):
            setattr(f, attr, 1 if attr == "routing_id" else "g")


def test_frame_constructor_ignores_unknown_keywords():
    f = zmq.Frame(b"abc", more=True, bogus=1)
    assert f.bytes == b"abc" and not f.more


# -- flags, ints and floats -------------------------------------------------------------------


def test_float_flags_are_a_type_error(pair):
    # pyzmq truncates a float flag (1.0 becomes NOBLOCK); a float is never a flag set here.
    a, b = pair
    with pytest.raises(TypeError):
        a.send(b"x", 1.0)
    with pytest.raises(TypeError):
        b.recv(1.0)
    with pytest.raises(TypeError):
        zmq.strerror(1.0)
    with pytest.raises(TypeError):
        a.get(1.5)
    with pytest.raises(zmq.Again):  # nothing was sent
        b.recv(zmq.NOBLOCK)


def test_flags_beyond_a_c_int_overflow_and_send_nothing(pair):
    a, b = pair
    for call in (lambda: a.send(b"x", 2**40), lambda: a.send(b"x", flags=2**31), lambda: b.recv(2**40),
                 lambda: a.send_multipart([b"x"], 2**40), lambda: zmq.strerror(2**40)):
        with pytest.raises(OverflowError):
            call()
    with pytest.raises(zmq.Again):
        b.recv(zmq.NOBLOCK)


def test_negative_copy_threshold_is_refused(pair):
    # pyzmq accepts -1 (every copy=False send is then zero-copy); the threshold is a size.
    a, _ = pair
    with pytest.raises(OverflowError):
        a.copy_threshold = -1
    a.copy_threshold = 0  # what -1 would have meant
    assert a.copy_threshold == 0


def test_send_multipart_takes_any_iterable_but_not_a_frame(pair):
    a, b = pair
    a.send_multipart(iter([b"x", b"y"]))  # pyzmq: TypeError
    assert b.recv_multipart() == [b"x", b"y"]
    a.send_multipart(p for p in (b"g", b"h"))
    assert b.recv_multipart() == [b"g", b"h"]
    with pytest.raises(TypeError, match="sequence"):  # pyzmq: ZMQError(EINVAL), by iterating the Frame
        a.send_multipart(zmq.Frame(b"x"))
    with pytest.raises(IndexError):
        a.send_multipart([])


def test_zero_copy_of_a_non_contiguous_array_is_a_buffer_error(pair):
    a, b = pair
    arr = np.arange(12, dtype=np.int16).reshape(3, 4)
    with pytest.raises(BufferError):
        a.send(arr[:, 1], copy=False)
    with pytest.raises(BufferError):
        a.send_multipart([b"x", arr[:, 1]], copy=False)
    with pytest.raises(ValueError):  # a copy, or a Frame, reports what NumPy reports
        a.send(arr[:, 1])
    with pytest.raises(ValueError):
        zmq.Frame(np.zeros(100_000)[::2], copy=False)
    a.send(arr.T, copy=False)  # Fortran-contiguous is contiguous
    assert b.recv() == arr.T.tobytes(order="A")
    with pytest.raises(zmq.Again):
        b.recv(zmq.NOBLOCK)


# -- ipc path limits --------------------------------------------------------------------------


@pytest.mark.skipif(not zmq.has("ipc"), reason="no ipc transport")
def test_ipc_path_max_len_is_the_real_limit(sockets, tmp_path):
    if sys.platform.startswith("linux"):
        assert zmq.IPC_PATH_MAX_LEN == 107
    base = str(tmp_path) + "/"
    fits = base + "a" * (zmq.IPC_PATH_MAX_LEN - len(base))
    assert len(fits) == zmq.IPC_PATH_MAX_LEN
    s = sockets(zmq.PULL)
    s.bind("ipc://" + fits)
    s.unbind("ipc://" + fits)


@pytest.mark.skipif(not zmq.has("ipc"), reason="no ipc transport")
@pytest.mark.parametrize("method", ["bind", "connect"])
def test_too_long_ipc_path_error_says_why(sockets, tmp_path, method):
    # pyzmq explains on bind only; connect says just "File name too long".
    path = str(tmp_path) + "/" + "a" * zmq.IPC_PATH_MAX_LEN
    s = sockets(zmq.PULL)
    with pytest.raises(zmq.ZMQError) as e:
        getattr(s, method)("ipc://" + path)
    assert e.value.errno == errno.ENAMETOOLONG
    text = str(e.value)
    assert path in text and str(zmq.IPC_PATH_MAX_LEN) in text and "IPC_PATH_MAX_LEN" in text


@pytest.mark.skipif(zmq.DRAFT_API, reason="the draft API sends routing ids and groups")
def test_send_routing_id_or_group_needs_the_draft_api(pair):
    a, b = pair
    for kw in ({"routing_id": 1}, {"group": "g"}):
        with pytest.raises(RuntimeError, match="draft"):
            a.send(b"x", **kw)
        with pytest.raises(RuntimeError, match="draft"):
            a.send(zmq.Frame(b"x"), **kw)
    with pytest.raises(zmq.Again):  # nothing was sent
        b.recv(zmq.NOBLOCK)
