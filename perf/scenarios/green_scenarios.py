"""zmq.green scenarios (group "gevent"); the measuring code is in ``green.py``.

Add scenarios as described in ``asyncio_scenarios.py``. They need gevent (``needs``: the
driver lends this interpreter's gevent to one without it).
"""
from __future__ import annotations

from . import Scenario

SCENARIOS: list[Scenario] = [
    Scenario(
        "gevent_pushpull_inproc_64", "gevent", "green:pushpull_inproc", "msg/s", "higher",
        "zmq.green pull.recv() of 64 B messages from a greenlet doing push.send(), one "
        "thread, inproc, HWM 1000",
        params={"size": 64, "n": 50_000, "hwm": 1000}, quick={"n": 10_000}, needs=("gevent",)),
    Scenario(
        "gevent_reqrep_inproc", "gevent", "green:reqrep_inproc", "us/rt", "lower",
        "zmq.green req.send(64 B) + req.recv() against an echoing REP greenlet, inproc, one CPU",
        params={"size": 64, "n": 10_000}, quick={"n": 2_000}, needs=("gevent",)),
]
