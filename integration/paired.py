"""The timing part of ``integration/run.py``: cyzmq and pyzmq measured in turns.

One ``bench.py`` driver per venv runs all along; this module tells them what to do, one step at a
time: a step on one side, then the same step on the other, the order flipping every round and
never both at once. Each timing so gets pairs of samples taken seconds apart, so that the load
of a shared machine, which changes over tens of seconds, falls on both sides of a pair. (Whole
runs of the timed checks one venv after the other, as before, gave ratios that swung by +-15 %
from run to run.) Nothing is retried: a failed step ends the timing part and fails the run.

Per flavour (sync, async client): ``SHUTDOWNS`` kernels per side, each shut down (one exit
time each); the first ``KERNELS`` of them are measured over ``BLOCKS`` blocks of ``BLOCK``
executes (512 executes per side) before. Then ``CLUSTERS`` ipyparallel clusters per side, each
measured over ``MAPS`` ``map_sync`` calls of ``TASKS`` tasks, then stopped. Kernels and clusters
are started on both sides at once (that is not measured), the measured steps one side at a time.
(A kernel's exit differs between the two bindings by a fraction of a millisecond of its ~0.1 s,
far less than the machine's load moves a single exit time: 40 pairs per flavour, not 8, bound
the ratio within a few per cent, and 8 cluster stops can tell a side better at all.)
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

KERNELS = 8
SHUTDOWNS = 40
BLOCKS = 2
BLOCK = 32
CLUSTERS = 8
MAPS = 2
TASKS = 250
STEP_TIMEOUT = 120.0


class StepFailed(Exception):
    """A step that returned an error, timed out, or whose driver died."""


@dataclass
class Driver:
    """One side's ``bench.py`` process (in a session and network namespace of its own)."""

    side: str
    proc: subprocess.Popen
    log: Path
    steps: int = 0

    def step(self, op: str, **args: object) -> dict:
        """Run one step; its result, or StepFailed."""
        self.send(op, **args)
        return self.result(op)

    def send(self, op: str, **args: object) -> None:
        """Start a step (:meth:`result` waits for it)."""
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps({"op": op, **args}) + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            raise StepFailed(f"{op} on {self.side}: the driver has exited ({self.proc.poll()})") from None

    def result(self, op: str) -> dict:
        """The result of the step started last, or StepFailed."""
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], STEP_TIMEOUT)
        line = self.proc.stdout.readline() if ready else ""
        if not ready:
            raise StepFailed(f"{op} on {self.side}: no answer within {STEP_TIMEOUT:.0f} s")
        if not line:
            raise StepFailed(f"{op} on {self.side}: the driver has exited ({self.proc.wait(5)})")
        result = json.loads(line)
        if "error" in result:
            raise StepFailed(f"{op} on {self.side}: {result['error']}")
        self.steps += 1
        return result

    def stop(self) -> None:
        """Ask the driver to quit; kill its process group if it does not within 10 s."""
        try:
            assert self.proc.stdin is not None
            self.proc.stdin.write('{"op": "quit"}\n')
            self.proc.stdin.close()
            self.proc.wait(10)
        except (BrokenPipeError, OSError, subprocess.TimeoutExpired):
            pass
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()


@dataclass
class Samples:
    """The timings: name -> side -> values in turn order (the i-th values of the two sides
    are a pair), name -> (unit, higher is better); the failure that ended the part, if any."""

    values: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    units: dict[str, tuple[str, bool]] = field(default_factory=dict)
    failure: str | None = None
    steps: dict[str, int] = field(default_factory=dict)
    elapsed: float = 0.0

    def add(self, name: str, side: str, value: float, unit: str, higher: bool) -> None:
        self.values.setdefault(name, {}).setdefault(side, []).append(value)
        self.units[name] = (unit, higher)


def start_driver(side: str, python: Path, env: dict[str, str], log: Path, isolate: list[str]) -> Driver:
    """``bench.py`` under ``python``, its stderr (and everything its kernels print) to ``log``."""
    with open(log, "wb") as err:
        proc = subprocess.Popen(isolate + [str(python), str(Path(__file__).with_name("bench.py"))],
                                cwd=Path(__file__).parent, env=env, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=err, text=True, start_new_session=True)
    return Driver(side, proc, log)


def measure(drivers: dict[str, Driver]) -> Samples:
    """Run the schedule of the module docstring; every result goes into the Samples."""
    samples = Samples()
    sides = list(drivers)
    turn = [0]

    def each(op: str, **args: object) -> dict[str, dict]:
        """One measured step on both sides, one after the other, in this round's order."""
        order = sides if turn[0] % 2 == 0 else sides[::-1]
        turn[0] += 1
        return {side: drivers[side].step(op, **args) for side in order}

    def both(op: str, **args: object) -> None:
        """A step that measures nothing (starting a kernel or cluster), on both sides at once."""
        for side in sides:
            drivers[side].send(op, **args)
        for side in sides:
            drivers[side].result(op)

    t0 = time.monotonic()
    try:
        for flavour in ("sync", "async"):
            for k in range(max(KERNELS, SHUTDOWNS)):
                both("kernel_start", flavour=flavour)
                for _ in range(BLOCKS if k < KERNELS else 0):
                    for side, r in each("executes", n=BLOCK).items():
                        samples.add(f"kernel executes/s ({flavour})", side, r["rate"], "/s", True)
                        samples.add(f"kernel CPU ms per execute, client + kernel ({flavour})", side,
                                    r["cpu_ms"], "ms", False)
                for side, r in each("kernel_shutdown").items():
                    samples.add(f"kernel exit after shutdown request s ({flavour})", side, r["exit_s"], "s", False)
                    samples.add(f"kernel CPU ms from shutdown request to exit, main thread ({flavour})", side,
                                r["cpu_ms"], "ms", False)
                    samples.add(f"kernel shutdown_kernel() s ({flavour}; it polls every 0.1 s)", side,
                                r["call_s"], "s", False)
        for _ in range(CLUSTERS):
            both("cluster_start")
            for _ in range(MAPS):
                for side, r in each("map", n=TASKS).items():
                    samples.add("ipyparallel map_sync tasks/s", side, r["rate"], "/s", True)
            for side, r in each("cluster_stop").items():
                samples.add("ipyparallel cluster stop s", side, r["stop_s"], "s", False)
    except StepFailed as e:
        samples.failure = str(e)
    samples.elapsed = time.monotonic() - t0
    samples.steps = {side: d.steps for side, d in drivers.items()}
    return samples


def pairs_won(values: dict[str, list[float]], higher: bool) -> tuple[int, int]:
    """(pairs in which cyzmq did better, pairs): the i-th samples of the two sides."""
    cy, py = values.get("cyzmq", []), values.get("pyzmq", [])
    n = min(len(cy), len(py))
    return sum((c > p) if higher else (c < p) for c, p in zip(cy[:n], py[:n])), n
