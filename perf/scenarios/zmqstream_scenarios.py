"""HOOK: zmq.eventloop.zmqstream.ZMQStream scenarios (group "zmqstream") -- to be written later.

Nothing is measured here yet. Add scenarios exactly as described in
``asyncio_scenarios.py``: a measuring function in a module of this package (it imports
``zmq.eventloop.zmqstream`` and tornado itself, inside the subprocess) and a ``Scenario``
appended to ``SCENARIOS`` with group "zmqstream". If tornado is missing in one of the two
interpreters, raise ``RuntimeError("tornado not installed")`` from the function: the
driver reports the scenario as failed for that library instead of stopping.
"""
from __future__ import annotations

from . import Scenario, Target  # noqa: F401  (for the scenarios added here)

SCENARIOS: list[Scenario] = []
