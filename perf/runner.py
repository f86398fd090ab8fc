"""Runs ONE scenario (or one peer) inside a fresh interpreter; started by perf/bench.py.

    python -P perf/runner.py run  MODULE:FUNCTION PARAMS_JSON REPEATS
    python -P perf/runner.py peer MODULE:FUNCTION PARAMS_JSON

``-P`` keeps the working directory and the script's directory off ``sys.path``, so the
``zmq`` imported is the interpreter's own (cyzmq in .venv, pyzmq in its venv), never the
checkout's source tree by accident. Only ``perf/`` is added, to import ``scenarios``.

``run`` prints one line ``@@RESULT {json}`` on stdout: the samples, extras, and which zmq
was measured (or the error).
"""
from __future__ import annotations

import importlib
import json
import os
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

MARK = "@@RESULT "


def _resolve(entry: str):
    mod, _, func = entry.partition(":")
    return getattr(importlib.import_module(f"scenarios.{mod}"), func)


def main(argv: list[str]) -> int:
    mode, entry, params = argv[0], argv[1], json.loads(argv[2])
    if mode == "peer":
        _resolve(entry)(params)
        return 0
    repeats = int(argv[3])
    from scenarios._util import library_info

    try:
        out = _resolve(entry)(params, repeats)
        result = {"ok": True, "samples": out["samples"], "extra": out.get("extra", {})}
    except BaseException as e:  # the driver reports it and goes on with the next scenario
        result = {"ok": False, "error": f"{type(e).__name__}: {e}",
                  "traceback": traceback.format_exc()}
    try:
        result["lib"] = library_info()
    except BaseException as e:
        result["lib"] = {"error": repr(e)}
    sys.stdout.write(MARK + json.dumps(result) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
