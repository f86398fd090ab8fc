"""ZMQStream scenarios (group "zmqstream"); the measuring code is in ``stream_echo.py``.

Add scenarios as described in ``asyncio_scenarios.py``. The measuring function imports
tornado itself, inside the subprocess, and raises ``RuntimeError("tornado not installed")``
when it is missing, so that the scenario fails for that library only. A scenario that
needs tornado says so with ``needs=("tornado",)``: the driver then lends this
interpreter's tornado to an interpreter without one (pyzmq's benchmark venv), through a
temporary PYTHONPATH directory holding only that package.
"""
from __future__ import annotations

from . import Scenario, Target

SCENARIOS: list[Scenario] = [
    Scenario(
        f"zmqstream_echo_{window}", "zmqstream", "stream_echo:echo", "rt/s", "higher",
        f"ROUTER ZMQStream echoing to a DEALER ZMQStream on the same IOLoop, {window} "
        f"request(s) of 32 B in flight, tcp 127.0.0.1, one CPU",
        params={"window": window, "n": n, "pin": True}, quick={"n": n // 5},
        needs=("tornado",), targets=(Target("pyzmq", 2.0, ">= 2x"),))
    for window, n in ((1, 5_000), (32, 10_000))
]
