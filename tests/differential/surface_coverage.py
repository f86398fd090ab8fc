"""Which public names of pyzmq 27 no probe touches yet.

    .venv/bin/python tests/differential/surface_coverage.py [--all]

The names come from the reference surface (``shared/reference/pyzmq-27-surface.json``:
``module`` -> its names, ``module:Class`` -> the class's public attributes). A name counts
as covered when some probe module mentions it as a word. A probe module covers whole
groups of names it iterates over (every constant, every enum member) by listing them in a
module-level ``COVERS`` tuple of surface keys, e.g. ``COVERS = ("zmq.constants", "zmq:SocketOption")``;
``"zmq[UPPER]"`` covers only the all-uppercase names (the constants) of ``zmq``.
"""
from __future__ import annotations

import ast
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
# beside the checkout, or the workplace's /work/shared (a CI clone may live elsewhere)
SURFACE_CANDIDATES = [os.environ.get("CYZMQ_SURFACE_REFERENCE", ""),
                      os.path.join(os.path.dirname(ROOT), "shared", "reference", "pyzmq-27-surface.json"),
                      "/work/shared/reference/pyzmq-27-surface.json"]
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def surface() -> dict[str, list[str]]:
    """The reference surface: key -> public names."""
    for path in SURFACE_CANDIDATES:
        if path and os.path.exists(path):
            with open(path) as f:
                data = json.load(f)
            return {k: v.get("names", []) for k, v in data.items()}
    raise FileNotFoundError(f"no reference surface at {SURFACE_CANDIDATES}")


def probe_sources() -> tuple[set[str], set[str]]:
    """(every word in the probe modules, every surface key some module COVERS)."""
    words: set[str] = set()
    covered_keys: set[str] = set()
    probes = os.path.join(HERE, "probes")
    for name in sorted(os.listdir(probes)):
        if not (name.startswith("p_") and name.endswith(".py")):
            continue
        with open(os.path.join(probes, name)) as f:
            text = f.read()
        words.update(_WORD.findall(text))
        for node in ast.parse(text).body:
            if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "COVERS" for t in node.targets):
                covered_keys.update(ast.literal_eval(node.value))
    return words, covered_keys


#: Attributes every exception, int or enum has: not pyzmq's to differ in.
_BUILTIN = set(dir(Exception)) | set(dir(int)) | set(dir(object))


def uncovered() -> dict[str, list[str]]:
    """Surface key -> the names in it that no probe mentions (keys with none left out)."""
    words, keys = probe_sources()
    result = {}
    for key, names in surface().items():
        if key in keys:
            continue
        upper = f"{key}[UPPER]" in keys
        missing = [n for n in names if n not in words and not (":" in key and n in _BUILTIN)
                   and not (upper and n.isupper())]
        if missing:
            result[key] = missing
    return result


def main(argv: list[str]) -> int:
    gaps = uncovered()
    total = sum(len(v) for v in surface().values())
    n = sum(len(v) for v in gaps.values())
    for key, names in gaps.items():
        shown = names if "--all" in argv or len(names) <= 12 else names[:12] + [f"... {len(names) - 12} more"]
        print(f"{key}: {', '.join(shown)}")
    print(f"{n} of {total} public names not mentioned by any probe")
    return 1 if n else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
