"""Frame memory and its views on every backend (written for the CFFI backend, whose views do
not hold the Frame itself): a view of a received frame stays valid after the Frame is gone."""
from __future__ import annotations

import gc

import pytest
from _helpers import FRAME_EXPORTS_BUFFER, pypy_collect

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
    if how == "memoryview" and not FRAME_EXPORTS_BUFFER:
        pytest.skip("memoryview(frame) needs the buffer protocol (docs/howto/backends.md)")
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
