"""Frame memory and its views on every backend (written for the CFFI backend, whose views do
not hold the Frame itself): a view of a received frame stays valid after the Frame is gone."""
from __future__ import annotations

import gc

import pytest
from _helpers import pypy_collect

import zmq

SIZE = 100_000


@pytest.fixture
def pair():
    ctx = zmq.Context()
    a, b = ctx.socket(zmq.PAIR), ctx.socket(zmq.PAIR)
    for s in (a, b):
        s.linger = 0
        s.rcvtimeo = s.sndtimeo = 5000
    a.bind("inproc://cffi-frame")
    b.connect("inproc://cffi-frame")
    yield a, b
    a.close()
    b.close()
    ctx.term()


def _churn() -> None:
    """Collect, then allocate and free memory of the same size, so freed memory is reused."""
    gc.collect()
    pypy_collect()
    junk = [bytearray(b"q" * SIZE) for _ in range(50)]
    del junk


@pytest.mark.parametrize("how", ["buffer", "memoryview"])
def test_a_view_outlives_its_received_frame(pair, how):
    a, b = pair
    payload = bytes(range(256)) * (SIZE // 256)
    a.send(payload)
    frame = b.recv(copy=False)
    view = frame.buffer if how == "buffer" else memoryview(frame)
    del frame
    _churn()
    assert bytes(view) == payload
    del view
    _churn()


def test_a_view_of_a_zero_copy_frame_keeps_the_shared_buffer(pair):
    a, b = pair
    payload = bytearray(b"s" * SIZE)
    view = zmq.Frame(payload, copy=False).buffer
    _churn()
    assert bytes(view[:1]) == b"s" and len(view) == SIZE


def test_frames_export_the_buffer_protocol_as_c_types_do(pair):
    # memoryview/bytes/NumPy read the message memory itself, on every backend and interpreter
    np = pytest.importorskip("numpy")
    a, b = pair
    a.send(b"hello")
    frame = b.recv(copy=False)
    view = memoryview(frame)
    assert (view.format, view.itemsize, view.shape, view.readonly) == ("B", 1, (5,), False)
    view[0] = ord("J")
    assert bytes(frame) == b"Jello" and bytearray(frame) == b"Jello" and frame.buffer == b"Jello"
    assert np.frombuffer(frame, dtype=np.uint8).tolist() == list(b"Jello")
    assert bytearray(b"Jello") == frame  # bytearray compares with any buffer

    class Sub(zmq.Frame):
        pass

    assert bytes(memoryview(Sub(b"sub"))) == b"sub"
    assert len(memoryview(zmq.Frame())) == 0


def test_a_read_only_frame_refuses_writable_requests():
    import struct

    data = b"r" * SIZE
    frame = zmq.Frame(data, copy=False)  # shares the bytes: read-only
    assert memoryview(frame).readonly
    with pytest.raises(TypeError):
        struct.pack_into("B", frame, 0, 1)  # asks for writable memory
    assert data == b"r" * SIZE


def test_a_view_keeps_its_frame_alive_and_the_memory_valid(pair):
    a, b = pair
    payload = bytes(range(256)) * (SIZE // 256)
    a.send(payload)
    view = memoryview(b.recv(copy=False))
    _churn()
    assert view.tobytes() == payload
    view.release()
