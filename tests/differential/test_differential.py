"""The differential harness: every probe runs under cyzmq and under pyzmq, and must agree.

pyzmq (the oracle) lives in its own venv, ``.venv-pyzmq`` (``make oracle``; override the
interpreter with ``CYZMQ_ORACLE_PYTHON``), built from source against the same system
libzmq, so that a difference is the binding's. Without it this test fails: it never skips.
"""
from __future__ import annotations

import concurrent.futures
import functools
import json
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PROBES_DIR = os.path.join(HERE, "probes")
ORACLE_VERSION = "27.3.0"
ORACLE = os.environ.get("CYZMQ_ORACLE_PYTHON") or os.path.join(ROOT, ".venv-pyzmq", "bin", "python")
sys.path.insert(0, HERE)

import _runner  # noqa: E402
from allowlist import ALLOWED  # noqa: E402
from backend_limits import BACKEND_LIMITS  # noqa: E402

# Probes of the harness itself: how each must compare (True = same, False = differs).
SELFTEST = {"p_selftest::which_binding": False, "p_selftest::hang_is_observed": True,
            "p_selftest::exception_is_observed": True}


def _modules() -> list[str]:
    return sorted(f[:-3] for f in os.listdir(PROBES_DIR) if f.startswith("p_") and f.endswith(".py"))


def _probe_ids() -> list[str]:
    ids = []
    for module in _modules():
        ids += [f"{module}::{name}" for name in _runner.load(os.path.join(PROBES_DIR, module + ".py"))]
    return ids


PROBE_IDS = _probe_ids()


def _child_env() -> dict[str, str]:
    """The runners' environment. Built in the main thread, before the worker threads start:
    pytest rewrites os.environ (PYTEST_CURRENT_TEST) while tests run, and copying it from a
    worker thread at that moment raises KeyError."""
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1")
    env.pop("PYTHONPATH", None)
    env.pop("PYTEST_CURRENT_TEST", None)
    return env


def _run(python: str, expect: str, module: str, env: dict[str, str]) -> dict:
    path = os.path.join(PROBES_DIR, module + ".py")
    # cwd outside the checkout, so that pyzmq's interpreter cannot pick up our zmq/ from it
    proc = subprocess.run([python, "-X", "faulthandler", os.path.join(HERE, "_runner.py"), expect, path],
                          cwd=PROBES_DIR, env=env, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(f"{expect} runner failed on {module} (exit {proc.returncode}):\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout)


#: Probe modules of the selected tests (filled by tests/conftest.py): only those are run.
SELECTED: set[str] = set()


def run_module(module: str, python: str = ORACLE) -> tuple[dict, dict]:
    """Run one probe module under both interpreters (for tests/differential/diff.py)."""
    env = _child_env()
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        ours = pool.submit(_run, sys.executable, "cyzmq", module, env)
        theirs = pool.submit(_run, python, "pyzmq", module, env)
        return ours.result(), theirs.result()


@functools.lru_cache(maxsize=None)
def _jobs() -> dict[tuple[str, str], concurrent.futures.Future]:
    if not os.path.exists(ORACLE):
        pytest.fail(f"the pyzmq oracle is missing: {ORACLE} does not exist. Run `make oracle` "
                    f"(pip install --no-binary pyzmq pyzmq=={ORACLE_VERSION} into .venv-pyzmq).", pytrace=False)
    version = subprocess.run([ORACLE, "-c", "import zmq; print(zmq.pyzmq_version())"], cwd=PROBES_DIR,
                             capture_output=True, text=True, timeout=60)
    if version.stdout.strip() != ORACLE_VERSION:
        pytest.fail(f"the oracle {ORACLE} has pyzmq {version.stdout.strip() or version.stderr[-500:]!r}, "
                    f"not {ORACLE_VERSION}: run `make oracle`", pytrace=False)
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2))
    jobs = {}
    env = _child_env()
    for module in sorted(SELECTED) or _modules():
        jobs[module, "cyzmq"] = pool.submit(_run, sys.executable, "cyzmq", module, env)
        jobs[module, "pyzmq"] = pool.submit(_run, ORACLE, "pyzmq", module, env)
    return jobs


def _observations(probe_id: str) -> tuple[dict, dict]:
    module, name = probe_id.split("::")
    jobs = _jobs()
    return jobs[module, "cyzmq"].result()[name], jobs[module, "pyzmq"].result()[name]


def _show(obs: dict) -> str:
    return json.dumps(obs, indent=1, sort_keys=True)


@pytest.mark.timeout(900)
@pytest.mark.parametrize("probe_id", PROBE_IDS)
def test_probe(probe_id: str) -> None:
    ours, theirs = _observations(probe_id)
    if probe_id in SELFTEST:
        assert (ours == theirs) is SELFTEST[probe_id], f"harness self-test:\nours {_show(ours)}\npyzmq {_show(theirs)}"
        return
    if probe_id in ALLOWED:
        assert ours != theirs, f"{probe_id} now behaves as in pyzmq: remove it from allowlist.py"
        return
    limit = _backend_limits().get(probe_id)
    if limit is not None:
        assert ours != theirs, f"{probe_id} now behaves as in pyzmq: remove it from backend_limits.py"
        pytest.xfail(f"{_backend()} backend: {limit}")
    assert ours == theirs, f"cyzmq differs from pyzmq in {probe_id}:\ncyzmq: {_show(ours)}\npyzmq: {_show(theirs)}"


def _backend() -> str:
    import zmq.backend

    return zmq.backend.BACKEND


def _backend_limits() -> dict[str, str]:
    """The documented differences of the backend this run uses (backend_limits.py)."""
    return BACKEND_LIMITS.get(_backend(), {})


def test_backend_limits_entries() -> None:
    """Every backend limit names a probe and says why it comes with the backend."""
    for backend, limits in BACKEND_LIMITS.items():
        for probe_id, reason in limits.items():
            assert probe_id in PROBE_IDS, f"{backend} limit {probe_id} names no probe"
            assert probe_id not in ALLOWED, f"{probe_id} is both allow-listed and a {backend} limit"
            assert len(reason) > 20, f"{backend} limit {probe_id}: say why"


def test_allowlist_entries() -> None:
    """Every allow-listed difference names a probe, says why ours is better, and has a test."""
    for probe_id, (reason, test) in ALLOWED.items():
        assert probe_id in PROBE_IDS, f"allow-list entry {probe_id} names no probe"
        assert len(reason) > 20, f"{probe_id}: say why ours is better"
        path, _, name = test.partition("::")
        with open(os.path.join(ROOT, path)) as f:
            assert f"def {name}(" in f.read(), f"{probe_id}: its test {test} does not exist"


def test_every_public_name_is_probed() -> None:
    """Every public name of pyzmq 27 (the reference surface) is exercised by some probe."""
    import surface_coverage as probe_coverage

    gaps = probe_coverage.uncovered()
    assert not gaps, "public names no probe mentions (tests/differential/surface_coverage.py):\n" + "\n".join(
        f"{key}: {', '.join(names)}" for key, names in gaps.items())


def test_harness_has_probes() -> None:
    assert len(PROBE_IDS) >= 400, f"only {len(PROBE_IDS)} probes"
