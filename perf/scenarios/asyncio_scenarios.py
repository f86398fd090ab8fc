"""HOOK: zmq.asyncio scenarios (group "asyncio") -- to be written by the asyncio engineer.

Nothing is measured here yet. To add a scenario:

1. write a measuring function ``def name(p: dict, repeats: int) -> dict`` in a module of
   this package (e.g. ``aio.py``). It runs inside a fresh subprocess of the interpreter
   being measured, must import ``zmq`` / ``zmq.asyncio`` itself, and returns
   ``{"samples": [one value per timed batch], "extra": {...optional...}}``; do a warm-up
   batch first and discard it (see ``_util.timed_batches``);
2. append a ``Scenario`` to ``SCENARIOS`` below, e.g.::

       Scenario("asyncio_sendrecv_inproc_64", "asyncio", "aio:send_recv", "ns/pair", "lower",
                "await send/recv of 64 B over inproc PAIR in one event loop",
                params={"n": 50_000}, quick={"n": 10_000},
                targets=(Target("pyzmq", 1.5, ">= 1.5x"),))

It then appears in ``bench.py --list`` and is run by ``--only asyncio`` and ``--compare``.
"""
from __future__ import annotations

from . import Scenario, Target  # noqa: F401  (for the scenarios added here)

SCENARIOS: list[Scenario] = []
