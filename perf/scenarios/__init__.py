"""The scenario registry of cyzmq's benchmark suite.

A :class:`Scenario` says *what* to measure; the code that measures it lives in the modules
beside this file (``single``, ``throughput``, ``latency``, ``startup``, ``aio``,
``stream_echo``, ``green``) and runs in a fresh subprocess of whichever interpreter is being measured
(``perf/runner.py``), so the very same code times cyzmq or pyzmq. This module imports
nothing from ``zmq``: the driver reads the registry without loading either library.

Units and direction
-------------------
Every scenario reports one number per timed batch (a *sample*) in ``unit``. ``better`` says
which way is good ("lower" for times, "higher" for rates). The driver turns any comparison
into a *speedup*, always ">1 = cyzmq is faster": ``theirs / ours`` for times and
``ours / theirs`` for rates.

Event-loop scenario families
----------------------------
``asyncio_scenarios.SCENARIOS`` (measured by ``aio.py``), ``zmqstream_scenarios.SCENARIOS``
(measured by ``stream_echo.py``) and ``green_scenarios.SCENARIOS`` (``green.py``) are part of
the registry as groups ``asyncio``, ``zmqstream`` and ``gevent``: append Scenario objects there and they show up in
``bench.py --list``/``--only``/``--compare``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

KiB = 1024
MiB = 1024 * 1024


@dataclass(frozen=True)
class Target:
    """A performance target, stated as a minimum *speedup* (>1 = cyzmq faster).

    ``against`` is "pyzmq" (speedup over pyzmq) or "C" (cyzmq's rate / the C program's
    rate). ``label`` repeats the target the way it was specified (e.g. "time <= 0.2x").
    """

    against: str
    min_speedup: float
    label: str


@dataclass(frozen=True)
class Scenario:
    name: str
    group: str
    entry: str                       # "module:function" inside perf/scenarios, run in the subprocess
    unit: str                        # unit of each sample, e.g. "ns/pair", "us/rt", "msg/s", "ms"
    better: str                      # "lower" (times) or "higher" (rates)
    doc: str
    params: dict[str, Any] = field(default_factory=dict)   # full-run parameters
    quick: dict[str, Any] = field(default_factory=dict)    # overrides for --quick
    c_args: tuple[str, ...] | None = None  # argv tail of perf/c/zmqbench; "{key}" = a param
    targets: tuple[Target, ...] = ()
    # Packages the measuring code imports besides zmq (e.g. "tornado"). When one of the
    # compared interpreters lacks one, the driver lends it the driver's own copy.
    needs: tuple[str, ...] = ()

    def params_for(self, quick: bool) -> dict[str, Any]:
        p = dict(self.params)
        if quick:
            p.update(self.quick)
        return p


def _vs_pyzmq(min_speedup: float, label: str) -> tuple[Target, ...]:
    return (Target("pyzmq", min_speedup, label),)


_SIZE_NAMES = {1: "1", 64: "64", KiB: "1k", 64 * KiB: "64k", MiB: "1m"}

# Messages per timed batch for the PUSH/PULL runs, sized so one batch takes roughly
# 0.1-0.5 s on this 2-core VM for either library, while moving at most ~600 MB when the
# payload is really copied. Zero-copy inproc only passes pointers, so it needs many more.
def _thr_n(transport: str, size: int, copy: bool) -> int:
    if size <= 64:
        return 300_000
    if size <= KiB:
        return 200_000
    if transport == "inproc" and not copy:
        return 50_000
    return 10_000 if size <= 64 * KiB else 600


# perf/c/zmqbench argv for the single-thread PAIR loop (see the comment at its top).
_C_PAIR = ("pair", "{size}", "{n}", "{repeats}", "{copy:d}")


def _builtin() -> list[Scenario]:
    out: list[Scenario] = []

    # -- single-thread per-operation costs -----------------------------------------------
    out.append(Scenario(
        "sendrecv_inproc_64_copy", "per-op", "single:send_recv", "ns/pair", "lower",
        "PAIR over inproc, one thread: send(64 B bytes) then recv() -> bytes",
        params={"size": 64, "copy": True, "n": 200_000}, quick={"n": 40_000},
        c_args=_C_PAIR, targets=_vs_pyzmq(2.0, ">= 2.0x")))
    out.append(Scenario(
        "sendrecv_inproc_64_nocopy", "per-op", "single:send_recv", "ns/pair", "lower",
        "as above with send(copy=False) and recv(copy=False) -> Frame",
        params={"size": 64, "copy": False, "n": 200_000}, quick={"n": 40_000}, c_args=_C_PAIR))
    out.append(Scenario(
        "zerocopy_inproc_1m", "per-op", "single:send_recv", "ns/pair", "lower",
        "PAIR over inproc, one thread: send(1 MiB bytes, copy=False) then recv(copy=False)",
        params={"size": MiB, "copy": False, "n": 20_000}, quick={"n": 4_000}, c_args=_C_PAIR,
        targets=_vs_pyzmq(3.0, ">= 3x")))
    out.append(Scenario(
        "multipart_3frame", "per-op", "single:multipart", "ns/msg", "lower",
        "send_multipart([11 B, 0 B, 64 B]) then recv_multipart() over inproc PAIR",
        params={"n": 100_000}, quick={"n": 20_000},
        targets=_vs_pyzmq(4.0, ">= 4x")))
    out.append(Scenario(
        "json_roundtrip", "per-op", "single:serialized", "ns/msg", "lower",
        "send_json(small dict) then recv_json() over inproc PAIR",
        params={"kind": "json", "n": 50_000}, quick={"n": 10_000},
        targets=_vs_pyzmq(1.15, ">= 1.15x")))
    out.append(Scenario(
        "pyobj_roundtrip", "per-op", "single:serialized", "ns/msg", "lower",
        "send_pyobj(small dict) then recv_pyobj() over inproc PAIR",
        params={"kind": "pyobj", "n": 50_000}, quick={"n": 10_000},
        targets=_vs_pyzmq(1.15, ">= 1.15x")))
    out.append(Scenario(
        "getsockopt_events", "per-op", "single:getsockopt", "ns/call", "lower",
        "s.getsockopt(zmq.EVENTS) on an idle PAIR socket",
        params={"option": "EVENTS", "n": 500_000}, quick={"n": 100_000}))
    out.append(Scenario(
        "getsockopt_rcvmore", "per-op", "single:getsockopt", "ns/call", "lower",
        "s.getsockopt(zmq.RCVMORE) on an idle PAIR socket",
        params={"option": "RCVMORE", "n": 500_000}, quick={"n": 100_000},
        targets=_vs_pyzmq(5.0, "time <= 0.2x")))
    out.append(Scenario(
        "recv_again", "per-op", "single:recv_again", "ns/call", "lower",
        "try: s.recv(zmq.NOBLOCK) except zmq.Again: pass, on an empty PULL socket",
        params={"n": 200_000}, quick={"n": 40_000}, c_args=("again", "{n}", "{repeats}"),
        targets=_vs_pyzmq(1 / 0.3, "time <= 0.3x")))

    # -- PUSH/PULL throughput ----------------------------------------------------------------
    for transport in ("inproc", "tcp"):
        for size in (1, 64, KiB, 64 * KiB, MiB):
            for copy in (True, False):
                name = f"pushpull_{transport}_{_SIZE_NAMES[size]}_{'copy' if copy else 'nocopy'}"
                targets: tuple[Target, ...] = ()
                if size == 64 and copy:
                    targets = _vs_pyzmq(1.5 if transport == "inproc" else 1.3,
                                        ">= 1.5x" if transport == "inproc" else ">= 1.3x")
                c_args = None
                if transport == "tcp" and size >= 64:
                    c_args = ("tcp_thr", "{size}", "{n}", "{repeats}", "{hwm}", "{copy:d}")
                if transport == "tcp" and size >= 64 * KiB:
                    targets = (Target("C", 0.95, ">= 0.95x"),)
                sender = "a sender thread" if transport == "inproc" else "a sender process"
                out.append(Scenario(
                    name, "throughput", f"throughput:{transport}", "msg/s", "higher",
                    f"PULL receives {size} B messages from {sender}"
                    f" (send/recv copy={copy}); MB/s = msg/s x size",
                    params={"size": size, "copy": copy, "n": _thr_n(transport, size, copy),
                            "hwm": 1000 if size < 64 * KiB else 100},
                    quick={"n": _thr_n(transport, size, copy) // 5},
                    c_args=c_args, targets=targets))

    # -- REQ/REP round trips (both ends pinned to one CPU) ----------------------------------
    for transport, n in (("inproc", 10_000), ("ipc", 5_000), ("tcp", 5_000)):
        out.append(Scenario(
            f"reqrep_{transport}", "latency", "latency:reqrep", "us/rt", "lower",
            f"REQ send(64 B)+recv against an echoing REP over {transport}"
            f" ({'a thread' if transport == 'inproc' else 'another process'}), both on one CPU",
            params={"transport": transport, "size": 64, "n": n}, quick={"n": n // 5},
            targets=_vs_pyzmq(1.0, "time <= 1.0x") if transport == "tcp" else ()))

    # -- import time -------------------------------------------------------------------------
    out.append(Scenario(
        "import_zmq", "startup", "startup:import_time", "ms", "lower",
        "wall time of `python -c 'import zmq'` minus `python -c pass` (fresh interpreters)",
        params={"runs": 31}, quick={"runs": 9},
        targets=_vs_pyzmq(1 / 0.6, "time <= 0.6x")))
    return out


def all_scenarios() -> list[Scenario]:
    """Every registered scenario, built-in first, then the hook families."""
    from . import asyncio_scenarios, green_scenarios, zmqstream_scenarios

    scenarios = (_builtin() + list(asyncio_scenarios.SCENARIOS) + list(zmqstream_scenarios.SCENARIOS)
                 + list(green_scenarios.SCENARIOS))
    seen: set[str] = set()
    for s in scenarios:
        if s.name in seen:
            raise ValueError(f"duplicate scenario name {s.name!r}")
        seen.add(s.name)
    return scenarios
