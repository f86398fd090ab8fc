"""Fixtures of the integration checks: metrics, process bookkeeping, a private Jupyter/IPython home.

The checks run once per venv (cyzmq's and pyzmq's) under ``integration/run.py``, which passes the
metrics file in ``CYZMQ_INT_METRICS``. This process is made a child subreaper, so that processes
whose parents die (engines of a dead nanny, say) are re-parented here and can still be found and
killed by pid: after every test, whatever the test started and did not stop is killed and the
test errors.
"""

from __future__ import annotations

import ctypes
import json
import os
import time
from collections.abc import Callable, Iterator

import psutil
import pytest

PR_SET_CHILD_SUBREAPER = 36


def pytest_configure(config: pytest.Config) -> None:
    """Make this process the subreaper of everything the checks start."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER) failed")


def descendants() -> list[psutil.Process]:
    """Every live (non-zombie) process below this one."""
    alive = []
    for proc in psutil.Process().children(recursive=True):
        try:
            if proc.status() != psutil.STATUS_ZOMBIE:
                alive.append(proc)
        except psutil.NoSuchProcess:
            pass
    return alive


def kill_by_pid(procs: list[psutil.Process]) -> None:
    """SIGKILL each process and reap it (bounded wait)."""
    for proc in procs:
        try:
            proc.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(procs, timeout=5)


def wait_gone(pids: list[int], timeout: float) -> tuple[float, list[int]]:
    """Wait until none of ``pids`` is a live process; return (seconds waited, pids still alive)."""
    t0 = time.monotonic()
    while True:
        left = [p for p in pids if _alive(p)]
        elapsed = time.monotonic() - t0
        if not left or elapsed >= timeout:
            return elapsed, left
        # Our own children must be reaped to disappear; others are reaped by their parents.
        for pid in left:
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass
        time.sleep(0.01)


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def listening_addresses(procs: list[psutil.Process]) -> set[str]:
    """IP addresses on which any of ``procs`` listens (TCP) or has bound a UDP socket."""
    addrs = set()
    for proc in procs:
        try:
            for conn in proc.net_connections(kind="inet"):
                if conn.status == psutil.CONN_LISTEN or conn.type == 2:  # SOCK_DGRAM
                    addrs.add(conn.laddr.ip)
        except psutil.NoSuchProcess:
            pass
    return addrs


@pytest.fixture(autouse=True)
def no_leaked_process() -> Iterator[None]:
    """Fail the test that leaves a process behind, after killing it by pid."""
    before = {p.pid for p in descendants()}
    yield
    leaked = [p for p in descendants() if p.pid not in before]
    if leaked:
        names = [f"{p.pid} {' '.join(p.cmdline())[:120]}" for p in leaked]
        kill_by_pid(leaked)
        pytest.fail(f"processes left running (killed): {names}")


@pytest.fixture
def metric(request: pytest.FixtureRequest) -> Callable[..., None]:
    """``metric(name, value, unit, higher_is_better)`` appends a measurement to the metrics file."""

    def record(name: str, value: float, unit: str, higher_is_better: bool) -> None:
        path = os.environ.get("CYZMQ_INT_METRICS")
        entry = {"name": name, "value": value, "unit": unit, "higher": higher_is_better,
                 "test": request.node.nodeid}
        print(f"metric {name}: {value:.4g} {unit}")
        if path:
            with open(path, "a") as f:
                f.write(json.dumps(entry) + "\n")

    return record
