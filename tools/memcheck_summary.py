"""Summarize valgrind memcheck logs: which errors go through cyzmq's compiled modules.

Usage: python tools/memcheck_summary.py LOG_DIR [pytest_exit_code]

Reads LOG_DIR/vg.*.log, groups identical error records, and marks an error as ours when a
frame of its stack is in zmq/backend/cython/*.so (a generated ``*.c`` file of ours, or a
``__pyx_`` function). For those frames the generated C line is mapped back to the .pyx
line it came from (Cython's ``/* "file.pyx":N`` markers). Writes LOG_DIR/summary.json.
Exit status: 1 if any error is ours or the tests failed, else 0.
"""
from __future__ import annotations

import bisect
import glob
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORE = os.path.join(ROOT, "zmq", "backend", "cython")
OUR_C = {os.path.basename(p) for p in glob.glob(os.path.join(CORE, "*.c"))}
PREFIX = re.compile(r"^==\d+== ?")
FRAME = re.compile(r"^\s+(?:at|by) 0x[0-9A-F]+: (?P<func>.*?) \((?P<where>[^()]*)\)\s*$")
MARK = re.compile(r'^\s*/\* "(?P<pyx>[^"]+\.pyx)":(?P<line>\d+)')

_maps: dict[str, tuple[list[int], list[str]]] = {}


def pyx_line(c_file: str, c_line: int) -> str | None:
    """The .pyx file:line that generated line ``c_line`` of ``c_file`` (ours only)."""
    if c_file not in _maps:
        lines, marks = [], []
        try:
            with open(os.path.join(CORE, c_file), errors="replace") as f:
                for n, text in enumerate(f, 1):
                    m = MARK.match(text)
                    if m:
                        lines.append(n)
                        marks.append(f"{m['pyx']}:{m['line']}")
        except OSError:
            pass
        _maps[c_file] = (lines, marks)
    lines, marks = _maps[c_file]
    i = bisect.bisect_right(lines, c_line) - 1
    return marks[i] if i >= 0 else None


def records(path: str):
    block: list[str] = []
    with open(path, errors="replace") as f:
        for raw in f:
            line = PREFIX.sub("", raw.rstrip("\n"))
            if line.strip() == "":
                if block:
                    yield block
                block = []
            else:
                block.append(line)
    if block:
        yield block


def is_error(head: str) -> bool:
    keys = ("Invalid ", "uninitialised", "Mismatched free", "definitely lost", "Source and destination overlap",
            "Syscall param", "Argument 'size'", "Invalid free", "unaddressable", "Jump to the invalid")
    return any(k in head for k in keys) and "in use at exit" not in head and "LEAK SUMMARY" not in head


def analyse(block: list[str]):
    head = block[0].strip()
    frames = []
    ours = []
    for line in block[1:]:
        m = FRAME.match(line)
        if not m:
            continue
        func, where = m["func"], m["where"]
        frames.append(f"{func} ({where})")
        src = where.split(":")[0]
        mine = src in OUR_C or "/zmq/backend/cython/" in where or func.startswith("__pyx_")
        if mine:
            loc = None
            if src in OUR_C and ":" in where:
                try:
                    loc = pyx_line(src, int(where.split(":")[1]))
                except ValueError:
                    loc = None
            ours.append({"func": func, "c": where, "pyx": loc})
    return head, frames, ours


def main() -> int:
    out = sys.argv[1]
    test_rc = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    groups: dict[tuple, dict] = {}
    summaries = []
    for path in sorted(glob.glob(os.path.join(out, "vg.*.log"))):
        for block in records(path):
            head = block[0]
            for line in block:
                if line.startswith("ERROR SUMMARY"):
                    summaries.append(f"{os.path.basename(path)}: {line}")
            if not is_error(head):
                continue
            head, frames, ours = analyse(block)
            kind = re.sub(r"\d+(,\d+)* bytes in \d+(,\d+)* blocks", "N bytes in M blocks", head)
            kind = re.sub(r"loss record \d+ of \d+", "loss record", kind)
            key = (kind, tuple(frames[:8]))
            g = groups.setdefault(key, {"kind": kind, "count": 0, "stack": frames[:16], "ours": ours,
                                        "log": os.path.basename(path)})
            g["count"] += 1
    mine = [g for g in groups.values() if g["ours"]]
    others = [g for g in groups.values() if not g["ours"]]
    print("\n== valgrind memcheck summary ==")
    for s in summaries:
        print("  " + s)
    print(f"  distinct error records: {len(groups)} ({len(mine)} through cyzmq's modules, {len(others)} elsewhere)")
    if others:
        # Not ours: one line per (kind, top frame, where the bad value came from).
        print("\n-- elsewhere (CPython, libc, libzmq, other extensions): by kind / top frame / caller --")
        tally: dict[tuple, int] = {}
        for g in others:
            top = g["stack"][0].split(" (")[0] if g["stack"] else "?"
            origin = next((fr.split(" (")[0] for fr in g["stack"][1:]
                           if fr.split(" (")[0] not in ("malloc", "realloc", "calloc", top)), "?")
            k = (g["kind"].split(" in loss")[0], top, origin)
            tally[k] = tally.get(k, 0) + g["count"]
        for (kind, top, origin), n in sorted(tally.items(), key=lambda kv: -kv[1]):
            print(f"  {n:4d}  {kind}  at {top}  via {origin}")
    for title, items in (("THROUGH CYZMQ (zmq/backend/cython)", mine),):
        if not items:
            continue
        print(f"\n-- {title} --")
        for g in sorted(items, key=lambda g: -g["count"]):
            print(f"* {g['kind']}  x{g['count']}  [{g['log']}]")
            for o in g["ours"][:3]:
                print(f"    ours: {o['func']} at {o['c']} -> {o['pyx'] or '?'}")
            for fr in g["stack"][:12]:
                print(f"      {fr}")
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump({"pytest_exit": test_rc, "valgrind_summaries": summaries, "ours": mine, "others": others}, f,
                  indent=2)
    if test_rc not in (0, 99):
        print(f"\nthe test run itself failed (exit {test_rc}): see {out}/pytest.log")
    verdict = 1 if mine or test_rc not in (0, 99) else 0
    print(f"\nverdict: {'FAIL' if verdict else 'OK'} (exit {verdict})")
    return verdict


if __name__ == "__main__":
    sys.exit(main())
