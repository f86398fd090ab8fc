"""Helpers shared by the measuring code (runs inside the benchmark subprocess)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from time import perf_counter, perf_counter_ns
from typing import Any, Callable

PERF_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNNER = os.path.join(PERF_DIR, "runner.py")


def timed_batches(batch: Callable[[int], Any], n: int, repeats: int, warmup: int = 1) -> list[float]:
    """Run ``batch(n)`` warmup + repeats times; return ns per operation of the timed ones."""
    samples = []
    for i in range(warmup + repeats):
        t0 = perf_counter_ns()
        batch(n)
        dt = perf_counter_ns() - t0
        if i >= warmup:
            samples.append(dt / n)
    return samples


def loop_overhead_ns(n: int) -> float:
    """ns per iteration of an empty ``for _ in range(n)`` loop (reported, never subtracted)."""
    best = float("inf")
    for _ in range(3):
        t0 = perf_counter_ns()
        for _ in range(n):
            pass
        best = min(best, (perf_counter_ns() - t0) / n)
    return best


def pin_to_one_cpu() -> int | None:
    """Pin the calling thread (and every thread it starts later) to one CPU; return it
    (None where ``os`` cannot pin, as on PyPy 3.9: both libraries then run unpinned).

    Call it before creating the Context: libzmq's I/O threads inherit the mask.
    """
    if not hasattr(os, "sched_setaffinity"):
        return None
    cpu = sorted(os.sched_getaffinity(0))[-1]
    os.sched_setaffinity(0, {cpu})
    return cpu


def pin_to(cpu: int | None) -> None:
    if cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {cpu})


#: ``-P`` where the interpreter has it (3.11+; not PyPy 3.9, which runs from a neutral cwd).
SAFE_PATH = ["-P"] if sys.version_info >= (3, 11) else []


def spawn_peer(entry: str, params: dict[str, Any]) -> subprocess.Popen:
    """Start ``entry`` ("module:function") in a new process of this same interpreter."""
    return subprocess.Popen(
        [sys.executable, *SAFE_PATH, RUNNER, "peer", entry, json.dumps(params)],
        stdin=subprocess.DEVNULL, cwd=tempfile.gettempdir(),
    )


def reap(proc: subprocess.Popen, timeout: float = 20.0) -> None:
    """Wait for a peer we started; kill it (by its own handle) if it hangs."""
    try:
        rc = proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise RuntimeError("peer process hung and was killed") from None
    if rc != 0:
        raise RuntimeError(f"peer process exited with status {rc}")


def library_info() -> dict[str, Any]:
    """Which zmq this process imported (the driver checks it is the expected one)."""
    import zmq

    info: dict[str, Any] = {"file": zmq.__file__, "version": getattr(zmq, "__version__", "?")}
    for fn in ("pyzmq_version", "zmq_version"):
        try:
            info[fn] = getattr(zmq, fn)()
        except Exception as e:  # pragma: no cover - reported, not fatal
            info[fn] = f"error: {e!r}"
    return info


def steady_rates(block: Callable[[], Any], size: int, n: int, repeats: int) -> list[float]:
    """msg/s of ``repeats`` calls of ``block()`` (which receives ``n`` messages and returns
    the last), each timed from the end of the previous one, after a discarded warm-up call
    whose last message must be ``size`` bytes."""
    last = block()
    if len(last) != size:
        raise RuntimeError(f"received {len(last)} bytes, expected {size}")
    samples = []
    t_prev = perf_counter()
    for _ in range(repeats):
        block()
        t = perf_counter()
        samples.append(n / (t - t_prev))
        t_prev = t
    return samples

