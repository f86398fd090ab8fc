"""``import zmq`` time in fresh interpreters.

Each sample is the wall time of ``python -P -c "import zmq"`` minus that of an adjacent
``python -P -c pass`` (interpreter start-up and site/.pth processing cancel out). The two
are alternated so that noise hits both. ``extra["importtime_us"]`` is the cumulative
time ``-X importtime`` attributes to the top-level ``zmq`` package (median of a few runs).
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
from time import perf_counter
from scenarios._util import SAFE_PATH


def _wall(args: list[str]) -> float:
    t0 = perf_counter()
    subprocess.run(args, check=True, cwd=tempfile.gettempdir(), stdin=subprocess.DEVNULL)
    return perf_counter() - t0


def _importtime_us() -> float | None:
    out = subprocess.run([sys.executable, *SAFE_PATH, "-X", "importtime", "-c", "import zmq"],
                         capture_output=True, text=True, cwd=tempfile.gettempdir()).stderr
    for line in out.splitlines():
        fields = [f.strip() for f in line.split("|")]
        if len(fields) == 3 and fields[2] == "zmq":
            return float(fields[1])
    return None


def import_time(p: dict, repeats: int) -> dict:
    runs = p["runs"]
    base = [sys.executable, *SAFE_PATH, "-c", "pass"]
    imp = [sys.executable, *SAFE_PATH, "-c", "import zmq"]
    for _ in range(2):  # warm the page cache and .pyc files
        _wall(base)
        _wall(imp)
    samples = []
    for i in range(runs):
        if i % 2:
            t_imp, t_base = _wall(imp), _wall(base)
        else:
            t_base, t_imp = _wall(base), _wall(imp)
        samples.append((t_imp - t_base) * 1000.0)
    it = [v for v in (_importtime_us() for _ in range(5)) if v is not None]
    return {"samples": samples,
            "extra": {"importtime_us": statistics.median(it) if it else None}}
