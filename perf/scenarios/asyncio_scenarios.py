"""zmq.asyncio scenarios (group "asyncio"); the measuring code is in ``aio.py``.

To add one: write ``def name(p: dict, repeats: int) -> dict`` in a module of this package
(it runs inside a fresh subprocess of the interpreter being measured, imports ``zmq`` /
``zmq.asyncio`` itself, does a discarded warm-up batch first and returns
``{"samples": [one value per timed batch], "extra": {...}}``), then append a ``Scenario``
below. It appears in ``bench.py --list`` and is run by ``--only asyncio`` and ``--compare``.
"""
from __future__ import annotations

from . import Scenario, Target

_THROUGHPUT = (Target("pyzmq", 3.0, ">= 3x"),)

SCENARIOS: list[Scenario] = [
    Scenario(
        "asyncio_pushpull_inproc_64", "asyncio", "aio:pushpull_inproc", "msg/s", "higher",
        "await pull.recv() of 64 B messages from a task doing await push.send(), same loop, "
        "inproc, HWM 1000",
        params={"size": 64, "n": 50_000, "hwm": 1000}, quick={"n": 10_000},
        targets=_THROUGHPUT),
    Scenario(
        "asyncio_pushpull_tcp_64", "asyncio", "aio:pushpull_tcp", "msg/s", "higher",
        "await pull.recv() of 64 B messages over tcp 127.0.0.1 from a sender process "
        "(sync send, same library), HWM 1000",
        params={"size": 64, "n": 100_000, "hwm": 1000}, quick={"n": 20_000},
        targets=_THROUGHPUT),
    Scenario(
        "asyncio_reqrep_inproc", "asyncio", "aio:reqrep", "us/rt", "lower",
        "await req.send(64 B) + await req.recv() against an async echoing REP task on the "
        "same loop, inproc, one CPU",
        params={"transport": "inproc", "size": 64, "n": 10_000}, quick={"n": 2_000},
        targets=(Target("pyzmq", 2.0, "time <= 0.5x"),)),
    Scenario(
        "asyncio_reqrep_tcp", "asyncio", "aio:reqrep", "us/rt", "lower",
        "await req.send(64 B) + await req.recv() against an async echoing REP in another "
        "process, tcp 127.0.0.1, both on one CPU",
        params={"transport": "tcp", "size": 64, "n": 5_000}, quick={"n": 1_000}),
]
