"""ipyparallel: a local cluster (a controller and 2 engines, each with its nanny) on 127.0.0.1."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ipyparallel as ipp
import pytest
from conftest import descendants, kill_by_pid, listening_addresses, wait_gone


def role(cmdline: list[str]) -> str:
    """controller, nanny or engine, from a process's command line."""
    line = " ".join(cmdline)
    for name in ("nanny", "controller", "engine"):
        if name in line:
            return name
    return "other: " + line[:80]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ipp.Cluster]:
    profile = tmp_path_factory.mktemp("profile_int")
    c = ipp.Cluster(n=2, engines="local", controller_ip="127.0.0.1", profile_dir=str(profile),
                    log_level=30, shutdown_atexit=False)
    before = {p.pid for p in descendants()}
    try:
        c.start_cluster_sync()
        c.started_at = time.perf_counter()
        yield c
    finally:
        # Whatever the tests did, nothing of the cluster survives the module.
        try:
            c.stop_cluster_sync()
        finally:
            kill_by_pid([p for p in descendants() if p.pid not in before])


@pytest.fixture(scope="module")
def rc(cluster: ipp.Cluster) -> Iterator[ipp.Client]:
    client = cluster.connect_client_sync()
    try:
        client.wait_for_engines(2, timeout=60)
        yield client
    finally:
        client.close()


@pytest.fixture(autouse=True)
def no_leaked_process() -> None:
    """The cluster lives across this module's tests; its teardown kills what is left."""


def test_processes_on_loopback(rc: ipp.Client) -> None:
    procs = descendants()
    roles = [role(p.cmdline()) for p in procs]
    # The controller runs its schedulers in subprocesses of its own; each engine has a nanny.
    assert roles.count("engine") == 2 and roles.count("nanny") == 2, roles
    assert roles.count("controller") >= 1 and set(roles) == {"controller", "engine", "nanny"}, roles
    addrs = listening_addresses(procs)
    assert addrs and addrs <= {"127.0.0.1"}, addrs


def test_apply_sync(rc: ipp.Client) -> None:
    pids = rc[:].apply_sync(os.getpid)
    assert len(set(pids)) == 2 and os.getpid() not in pids
    assert rc[0].apply_sync(lambda a, b: a * b, 6, b=7) == 42


def test_map_sync_1000_tasks(rc: ipp.Client, metric: Any) -> None:
    view = rc.load_balanced_view()
    n = 1000
    t0 = time.perf_counter()
    result = view.map_sync(lambda x: x * x, range(n))
    elapsed = time.perf_counter() - t0
    assert result == [x * x for x in range(n)]
    metric("ipyparallel map_sync tasks/s", n / elapsed, "/s", True)


def test_push_pull(rc: ipp.Client) -> None:
    dv = rc[:]
    dv.push({"a": 5, "b": "text", "c": [1, 2, 3]}, block=True)
    assert dv.pull("a", block=True) == [5, 5]
    assert dv.pull(("b", "c"), block=True) == [["text", [1, 2, 3]]] * 2
    dv.execute("a2 = a * 2", block=True)
    assert dv.pull("a2", block=True) == [10, 10]


def test_scatter_gather(rc: ipp.Client) -> None:
    dv = rc[:]
    dv.scatter("part", list(range(17)), block=True)
    parts = dv.pull("part", block=True)
    assert sorted(len(p) for p in parts) == [8, 9]
    assert dv.gather("part", block=True) == list(range(17))


def test_task_that_raises(rc: ipp.Client) -> None:
    def fail() -> None:
        raise KeyError("missing")

    with pytest.raises(ipp.error.RemoteError) as info:
        rc.load_balanced_view().apply_sync(fail)
    assert info.value.ename == "KeyError"
    with pytest.raises(ipp.error.CompositeError) as info:
        rc[:].apply_sync(fail)
    assert [e[0] for e in info.value.elist] == ["KeyError", "KeyError"]
    assert rc[:].apply_sync(lambda: "still working") == ["still working"] * 2


def test_stop_cluster(cluster: ipp.Cluster, rc: ipp.Client, tmp_path: Path, metric: Any) -> None:
    """Last test of the module: every controller, engine and nanny process has exited within 5 s
    of ``stop_cluster`` (which signals the controller, then the engines, and returns)."""
    procs = descendants()
    assert sorted(set(role(p.cmdline()) for p in procs)) == ["controller", "engine", "nanny"]
    rc.close()
    t0 = time.perf_counter()
    cluster.stop_cluster_sync()
    waited, left = wait_gone([p.pid for p in procs], 5.0)
    metric("ipyparallel cluster stop s", time.perf_counter() - t0, "s", False)
    assert not left, f"still running 5 s after stop_cluster: {[role(psutil_cmd(p)) for p in left]}"


def psutil_cmd(pid: int) -> list[str]:
    import psutil

    try:
        return psutil.Process(pid).cmdline()
    except psutil.Error:
        return ["(gone)"]
