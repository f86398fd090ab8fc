"""Single-thread per-operation costs over inproc: each timed loop is plain user code.

The loops are written the way an application writes them (``a.send(msg)``,
``b.recv(copy=False)``...), so argument parsing and attribute lookup count as part of the
binding's cost. The empty-loop cost is reported in ``extra["loop_ns"]`` for reference and
is *not* subtracted.
"""
from __future__ import annotations

import zmq

from ._util import loop_overhead_ns, timed_batches

_counter = 0


def _pair(ctx: zmq.Context) -> tuple[zmq.Socket, zmq.Socket]:
    global _counter
    _counter += 1
    addr = f"inproc://perf-pair-{_counter}"
    a = ctx.socket(zmq.PAIR)
    b = ctx.socket(zmq.PAIR)
    a.bind(addr)
    b.connect(addr)
    return a, b


def _close(ctx: zmq.Context, *socks: zmq.Socket) -> None:
    for s in socks:
        s.close(linger=0)
    ctx.term()


def send_recv(p: dict, repeats: int) -> dict:
    """ns per send+recv pair of a ``size``-byte bytes message (copy or zero-copy)."""
    size, copy, n = p["size"], p["copy"], p["n"]
    ctx = zmq.Context()
    a, b = _pair(ctx)
    msg = b"x" * size

    # One checked exchange before timing: a broken binding fails loudly, not fast.
    a.send(msg, copy=copy)
    got = b.recv(copy=copy)
    if len(got) != size or bytes(got[:1] if copy else got.buffer[:1]) != b"x":
        raise RuntimeError(f"bad round trip: got {len(got)} bytes")
    del got

    if copy:
        def batch(n: int) -> None:
            for _ in range(n):
                a.send(msg)
                b.recv()
    else:
        def batch(n: int) -> None:
            for _ in range(n):
                a.send(msg, copy=False)
                b.recv(copy=False)

    samples = timed_batches(batch, n, repeats)
    _close(ctx, a, b)
    return {"samples": samples, "extra": {"loop_ns": loop_overhead_ns(n)}}


def multipart(p: dict, repeats: int) -> dict:
    """ns per send_multipart + recv_multipart of a 3-frame message (ROUTER-style envelope)."""
    n = p["n"]
    parts = [b"client-0001", b"", b"x" * 64]
    ctx = zmq.Context()
    a, b = _pair(ctx)
    a.send_multipart(parts)
    if b.recv_multipart() != parts:
        raise RuntimeError("multipart round trip changed the message")

    def batch(n: int) -> None:
        for _ in range(n):
            a.send_multipart(parts)
            b.recv_multipart()

    samples = timed_batches(batch, n, repeats)
    _close(ctx, a, b)
    return {"samples": samples, "extra": {"loop_ns": loop_overhead_ns(n)}}


SMALL_DICT = {"id": 1234, "method": "ping", "args": [1, 2.5, "three"], "ok": True, "meta": None}


def serialized(p: dict, repeats: int) -> dict:
    """ns per send_json+recv_json (or send_pyobj+recv_pyobj) of a small dict."""
    kind, n = p["kind"], p["n"]
    ctx = zmq.Context()
    a, b = _pair(ctx)
    obj = SMALL_DICT
    if kind == "json":
        a.send_json(obj)
        ok = b.recv_json() == obj

        def batch(n: int) -> None:
            for _ in range(n):
                a.send_json(obj)
                b.recv_json()
    else:
        a.send_pyobj(obj)
        ok = b.recv_pyobj() == obj

        def batch(n: int) -> None:
            for _ in range(n):
                a.send_pyobj(obj)
                b.recv_pyobj()
    if not ok:
        raise RuntimeError(f"{kind} round trip changed the object")
    samples = timed_batches(batch, n, repeats)
    _close(ctx, a, b)
    return {"samples": samples, "extra": {"loop_ns": loop_overhead_ns(n)}}


def getsockopt(p: dict, repeats: int) -> dict:
    """ns per ``s.getsockopt(zmq.<option>)`` call on an idle socket."""
    n = p["n"]
    opt = getattr(zmq, p["option"])
    ctx = zmq.Context()
    a, b = _pair(ctx)
    value = b.getsockopt(opt)
    if not isinstance(value, int):
        raise RuntimeError(f"getsockopt({p['option']}) returned {value!r}")

    def batch(n: int) -> None:
        for _ in range(n):
            b.getsockopt(opt)

    samples = timed_batches(batch, n, repeats)
    _close(ctx, a, b)
    return {"samples": samples, "extra": {"loop_ns": loop_overhead_ns(n)}}


def recv_again(p: dict, repeats: int) -> dict:
    """ns per non-blocking recv on an empty socket, raising and catching zmq.Again."""
    n = p["n"]
    NOBLOCK = zmq.NOBLOCK
    Again = zmq.Again
    ctx = zmq.Context()
    s = ctx.socket(zmq.PULL)
    s.bind("inproc://perf-again")
    try:
        s.recv(NOBLOCK)
    except Again:
        pass
    else:
        raise RuntimeError("recv on an empty socket did not raise Again")

    def batch(n: int) -> None:
        for _ in range(n):
            try:
                s.recv(NOBLOCK)
            except Again:
                pass

    samples = timed_batches(batch, n, repeats)
    _close(ctx, s)
    return {"samples": samples, "extra": {"loop_ns": loop_overhead_ns(n)}}
