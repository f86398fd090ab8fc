"""zmq.green (gevent) scenarios: PUSH/PULL throughput and REQ/REP round trips in greenlets.

The code is what a gevent application writes: ``zmq.green`` sockets whose blocking
``send``/``recv`` switch to the hub while libzmq would block, two greenlets of one thread.
Each scenario runs under one ``gevent.Timeout`` (a hang fails instead of stalling).

- ``pushpull_inproc``: a sender greenlet and a receiving greenlet; the receiver times blocks
  of ``n`` messages in steady state, as ``throughput.py`` and ``aio.py`` do.
- ``reqrep_inproc``: us per ``req.send(64 B)`` + ``req.recv()`` against an echoing REP
  greenlet, pinned to one CPU like ``latency.py``.
"""
from __future__ import annotations

from time import perf_counter_ns

from ._util import pin_to_one_cpu, steady_rates

TIMEOUT_S = 60.0


def _green():
    try:
        import gevent
        import zmq.green as zmq
    except ImportError as e:  # (the scenario fails for this library only)
        raise RuntimeError(f"gevent not installed: {e}") from None
    return gevent, zmq


def pushpull_inproc(p: dict, repeats: int) -> dict:
    gevent, zmq = _green()
    size, n, hwm = p["size"], p["n"], p["hwm"]
    total = (repeats + 1) * n
    ctx = zmq.Context()
    pull = ctx.socket(zmq.PULL)
    push = ctx.socket(zmq.PUSH)
    try:
        pull.setsockopt(zmq.RCVHWM, hwm)
        push.setsockopt(zmq.SNDHWM, hwm)
        pull.bind("inproc://perf-green-thr")
        push.connect("inproc://perf-green-thr")

        def sender() -> None:
            msg = b"x" * size
            send = push.send
            for _ in range(total):
                send(msg)

        def block() -> bytes:
            recv = pull.recv
            for _ in range(n - 1):
                recv()
            return recv()

        with gevent.Timeout(TIMEOUT_S):
            sending = gevent.spawn(sender)
            try:
                samples = steady_rates(block, size, n, repeats)
                sending.join()
            finally:
                sending.kill()
        return {"samples": samples}
    finally:
        push.close(linger=0)
        pull.close(linger=0)
        ctx.term()


def reqrep_inproc(p: dict, repeats: int) -> dict:
    cpu = pin_to_one_cpu()  # before any Context: libzmq's I/O threads inherit the mask
    gevent, zmq = _green()
    size, n = p["size"], p["n"]
    total = (repeats + 1) * n + 1
    ctx = zmq.Context()
    req = ctx.socket(zmq.REQ)
    rep = ctx.socket(zmq.REP)
    try:
        rep.bind("inproc://perf-green-reqrep")
        req.connect("inproc://perf-green-reqrep")

        def echo() -> None:
            recv, send = rep.recv, rep.send
            for _ in range(total):
                send(recv())

        msg = b"x" * size
        with gevent.Timeout(TIMEOUT_S):
            echoing = gevent.spawn(echo)
            try:
                req.send(msg)
                if req.recv() != msg:
                    raise RuntimeError("REP did not echo the request")
                send, recv = req.send, req.recv
                samples = []
                for i in range(1 + repeats):
                    t0 = perf_counter_ns()
                    for _ in range(n):
                        send(msg)
                        recv()
                    dt = perf_counter_ns() - t0
                    if i:
                        samples.append(dt / n / 1000.0)
                echoing.join()
            finally:
                echoing.kill()
        return {"samples": samples, "extra": {"cpu": cpu}}
    finally:
        req.close(linger=0)
        rep.close(linger=0)
        ctx.term()
