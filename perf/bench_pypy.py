#!/usr/bin/env python3
"""`make bench` on PyPy: cyzmq's CFFI backend against pyzmq's own CFFI backend, both on PyPy.

    .venv-pypy/bin/python perf/bench_pypy.py --pyzmq-python .venv-pypy-pyzmq/bin/python
    make bench-pypy                       # the same, venvs made first (pyzmq built from source)
    make bench-pypy BENCH_ARGS="--quick --out table.txt"

It runs perf/bench.py's scenarios in comparison mode (interleaved rounds, a fresh process
per scenario, no C baselines) under this interpreter, which must be PyPy, and prints
bench.py's table; ``--out`` also writes it to a file. Other options go to bench.py. Scenarios
needing a package that PyPy lacks (gevent) are left out, with a note.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import os
import platform
import sys

PERF_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, PERF_DIR)

import bench  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pyzmq-python", required=True, help="a PyPy interpreter with pyzmq installed")
    ap.add_argument("--out", metavar="PATH", help="also write the table here")
    args, rest = ap.parse_known_args(argv)
    if platform.python_implementation() != "PyPy":
        ap.error(f"run this under PyPy (this is {platform.python_implementation()})")
    head = (f"cyzmq (zmq.backend {_backend()}) vs pyzmq, both on PyPy {sys.version.split()[0]} "
            f"({sys.pypy_version_info.major}.{sys.pypy_version_info.minor}.{sys.pypy_version_info.micro})\n")
    print(head, flush=True)
    captured = io.StringIO()
    with _tee(captured):
        # (absolute: bench.py runs its processes from a neutral directory)
        status = bench.main(["--compare", "--no-c", "--pyzmq-python", os.path.abspath(args.pyzmq_python),
                             *_runnable_here(rest), *rest])
    if args.out:
        with open(args.out, "w") as f:
            f.write(head + "\n" + _table_part(captured.getvalue()))
    return status


def _runnable_here(rest: list[str]) -> list[str]:
    """``--only`` every scenario whose ``needs`` this PyPy can import (gevent cannot be
    installed on PyPy 3.9: its rows are left out, saying so), unless ``--only`` was given."""
    import importlib.util

    if any(a == "--only" or a.startswith("--only=") for a in rest):
        return []
    names, left_out = [], []
    for sc in bench.all_scenarios():
        missing = [n for n in sc.needs if importlib.util.find_spec(n) is None]
        (left_out if missing else names).append(sc.name)
        if missing:
            print(f"note: {sc.name} left out: {', '.join(missing)} cannot be imported on this PyPy", file=sys.stderr)
    return ["--only", ",".join(names)] if left_out else []


def _backend() -> str:
    import zmq.backend

    return zmq.backend.BACKEND


def _table_part(text: str) -> str:
    """bench.py's output from its table on (the progress lines before it dropped)."""
    lines = text.splitlines()
    start = max((i for i, line in enumerate(lines) if line.startswith("cyzmq benchmarks -- ")), default=0)
    return "\n".join(lines[start:]) + "\n"


@contextlib.contextmanager
def _tee(buffer: io.StringIO):
    """Copy what is printed to stdout into ``buffer`` as well."""
    real = sys.stdout

    class Tee(io.TextIOBase):
        def write(self, s: str) -> int:
            buffer.write(s)
            return real.write(s)

        def flush(self) -> None:
            real.flush()

    sys.stdout = Tee()
    try:
        yield
    finally:
        sys.stdout = real


if __name__ == "__main__":
    sys.exit(main())
