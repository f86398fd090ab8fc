"""Run probes under one interpreter and print their observations as JSON.

    python _runner.py EXPECT MODULE_PATH [NAME ...]

EXPECT is ``cyzmq`` or ``pyzmq``: the runner refuses to go on when ``import zmq`` is not
that binding. ``zmq`` is imported once; each probe then runs in a forked child, so that
probes cannot disturb one another, and one that hangs or crashes is observed as such.
The child streams its records through a pipe; the parent adds whether the probe finished
within its deadline, the warnings it raised, what it printed, and how the child ended.
"""
from __future__ import annotations

import gc
import importlib.util
import io
import json
import os
import select
import signal
import sys
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import _probe  # noqa: E402


def check_binding(expect: str) -> None:
    import zmq

    origin = os.path.abspath(zmq.__file__)
    ours = origin.startswith(os.path.join(os.path.dirname(os.path.dirname(HERE)), "zmq") + os.sep)
    if (expect == "cyzmq") != ours:
        sys.exit(f"_runner: expected {expect}, but `import zmq` is {origin}")


def load(path: str):
    name = "probes_" + os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    _probe.PROBES.clear()
    spec.loader.exec_module(module)
    return dict(_probe.PROBES)


def child(fn, wfd: int) -> None:
    out = os.fdopen(wfd, "w")
    _probe._out = out
    printed = io.StringIO()
    sys.stdout = printed
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fn()
        except BaseException as e:  # noqa: BLE001 - an escaping exception is part of the observation
            _probe._emit({"escaped": _probe.exc_info(e)})
        gc.collect()
    categories = sorted({w.category.__name__ for w in caught})
    _probe._emit({"warnings": categories, "stdout": printed.getvalue(), "done": True})
    out.close()
    os._exit(0)


def run_one(fn, timeout: float) -> dict:
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(rfd)
        try:
            child(fn, wfd)
        finally:
            os._exit(70)
    os.close(wfd)
    records, buf, finished = [], b"", False
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        ready, _, _ = select.select([rfd], [], [], left)
        if not ready:
            break
        chunk = os.read(rfd, 65536)
        if not chunk:
            finished = True
            break
        buf += chunk
    os.close(rfd)
    if not finished:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    tail: dict = {}
    for line in buf.decode("utf-8", "replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record.get("done"):
            tail = record
        else:
            records.append(record)
    obs = {"records": records, "finished": bool(finished and tail.get("done"))}
    if tail:
        obs["warnings"] = tail["warnings"]
        if tail["stdout"]:
            obs["stdout"] = tail["stdout"]
    if finished and os.WIFSIGNALED(status):
        obs["signal"] = os.WTERMSIG(status)
    return obs


def main(argv: list[str]) -> None:
    expect, path, *names = argv
    check_binding(expect)
    probes = load(path)
    results = {}
    for name, (fn, opts) in probes.items():
        if names and name not in names:
            continue
        results[name] = run_one(fn, opts["timeout"])
    sys.stdout.write(json.dumps(results))


if __name__ == "__main__":
    main(sys.argv[1:])
