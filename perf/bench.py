#!/usr/bin/env python3
"""cyzmq's benchmark driver. See perf/README.md.

    python perf/bench.py                 # every scenario on cyzmq (+ C baselines), ~1.5 min
    python perf/bench.py --quick         # same with small counts, < 30 s
    python perf/bench.py --compare       # cyzmq vs pyzmq 27.3.0, interleaved over rounds
    python perf/bench.py --only sendrecv_inproc_64_copy,latency --compare
    python perf/bench.py --list

Each scenario runs in a fresh subprocess (perf/runner.py) of the interpreter being
measured: cyzmq's is this one (``sys.executable``), pyzmq's is the venv in
.venv-pyzmq (`make oracle`). Results: a table on stdout, JSON in perf/results/ (and
``--json PATH``).
"""
from __future__ import annotations

import argparse
import datetime as _dt
import fnmatch
import hashlib
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

PERF_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(PERF_DIR)
RUNNER = os.path.join(PERF_DIR, "runner.py")
C_SOURCE = os.path.join(PERF_DIR, "c", "zmqbench.c")
RESULTS_DIR = os.path.join(PERF_DIR, "results")
PYZMQ_VERSION = "27.3.0"
# The differential tests' oracle: pyzmq built from source against the same libzmq (`make oracle`).
PYZMQ_VENV = os.path.join(REPO, ".venv-pyzmq")
MARK = "@@RESULT "
RUN_TIMEOUT_S = 180

sys.path.insert(0, PERF_DIR)
from scenarios import Scenario, all_scenarios  # noqa: E402

OURS, PYZMQ, C = "cyzmq", "pyzmq", "C"


# -- environment -------------------------------------------------------------------------

def child_env() -> dict[str, str]:
    """The environment for measured processes: no PYTHON* variables that could change
    which zmq gets imported or how the interpreter starts."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONSAFEPATH",
                        "PYTHONDONTWRITEBYTECODE", "PYTHONPROFILEIMPORTTIME")}
    env.pop("VIRTUAL_ENV", None)
    return env


def ensure_pyzmq(python: str | None) -> str:
    """The pyzmq interpreter: the oracle venv, created by ``make oracle`` if missing."""
    if python:
        return python
    py = os.path.join(PYZMQ_VENV, "bin", "python")
    if not os.path.exists(py):
        print(f"pyzmq venv missing: running `make oracle` (pyzmq {PYZMQ_VERSION} built from source "
              f"into {PYZMQ_VENV})", flush=True)
        subprocess.run(["make", "-C", REPO, "oracle"], check=True)
    return py


_SAFE_PATH: dict[str, list[str]] = {}


def safe_path(python: str) -> list[str]:
    """``python -P`` (keep the script's directory and the cwd off sys.path); interpreters
    before 3.11 (PyPy 3.9) have no -P: there the runner's directory (perf/, no zmq in it)
    and a neutral cwd do the same."""
    if python not in _SAFE_PATH:
        new = subprocess.run([python, "-c", "import sys; print(sys.version_info >= (3, 11))"],
                             capture_output=True, text=True).stdout.strip() == "True"
        _SAFE_PATH[python] = [python, "-P"] if new else [python]
    return _SAFE_PATH[python]


def _can_import(python: str, name: str) -> bool:
    return subprocess.run([*safe_path(python), "-c", f"import {name}"], capture_output=True,
                          cwd=tempfile.gettempdir(), env=child_env(),
                          stdin=subprocess.DEVNULL).returncode == 0


def lend_packages(libs: dict[str, str], scenarios: list[Scenario]) -> dict[str, dict[str, str]]:
    """Packages the selected scenarios need (``Scenario.needs``, e.g. tornado) that a
    compared interpreter lacks: lend it the driver's own copy, through a temporary
    directory holding only a symlink to each package, put on that interpreter's
    PYTHONPATH for those scenarios' runs. Nothing is installed anywhere. Returns
    {lib: {"PYTHONPATH": dir, package: its path}}; the caller removes the directories."""
    import importlib.util

    needed = sorted({name for sc in scenarios for name in sc.needs})
    lent: dict[str, dict[str, str]] = {}
    for lib, python in libs.items():
        if python == sys.executable:
            continue
        for name in needed:
            if _can_import(python, name):
                continue
            spec = importlib.util.find_spec(name)
            if spec is None or not spec.submodule_search_locations:
                print(f"note: {name} is missing for {lib} and for the driver: its scenarios "
                      f"will fail for {lib}", file=sys.stderr)
                continue
            tag = subprocess.run([python, "-c", "import sys; print(sys.implementation.cache_tag)"],
                                 capture_output=True, text=True).stdout.strip()
            if tag != sys.implementation.cache_tag:
                print(f"note: {name} is missing for {lib} ({tag}) and cannot be lent from "
                      f"{sys.implementation.cache_tag}: its scenarios will fail for {lib}",
                      file=sys.stderr)
                continue
            if lib not in lent:
                lent[lib] = {"PYTHONPATH": tempfile.mkdtemp(prefix="cyzmq-perf-lend-")}
            source = list(spec.submodule_search_locations)[0]
            os.symlink(source, os.path.join(lent[lib]["PYTHONPATH"], name))
            lent[lib][name] = source
            print(f"note: lending {name} ({source}) to {lib} through PYTHONPATH="
                  f"{lent[lib]['PYTHONPATH']} for the scenarios that need it", file=sys.stderr)
    return lent


def build_c() -> str | None:
    """Compile perf/c/zmqbench.c against -lzmq into a cached temp directory."""
    gcc = shutil.which("gcc") or shutil.which("cc")
    if gcc is None:
        print("note: no C compiler found: C baselines skipped", file=sys.stderr)
        return None
    with open(C_SOURCE, "rb") as f:
        digest = hashlib.sha256(f.read() + gcc.encode()).hexdigest()[:16]
    out_dir = os.path.join(tempfile.gettempdir(), "cyzmq-perf-c", digest)
    binary = os.path.join(out_dir, "zmqbench")
    if os.path.exists(binary):
        return binary
    os.makedirs(out_dir, exist_ok=True)
    tmp = binary + f".{os.getpid()}.tmp"
    cmd = [gcc, "-O2", "-o", tmp, C_SOURCE, "-lzmq"]
    prefix = os.environ.get("ZMQ_PREFIX")
    if prefix:
        cmd[1:1] = [f"-I{prefix}/include", f"-L{prefix}/lib", f"-Wl,-rpath,{prefix}/lib"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        print(f"note: building the C baseline failed, skipped:\n{proc.stderr}", file=sys.stderr)
        return None
    os.replace(tmp, binary)
    return binary


def build_fingerprint() -> str:
    """Identity of the cyzmq code being measured: the contents of the compiled modules and
    of the Python sources under zmq/. Others may rebuild the editable install or edit the
    package while a run is going on, which would mix two versions in one table. (By
    content, not mtime: a rebuild that produces the same binaries changes nothing measured.)"""
    root = os.path.join(REPO, "zmq")
    paths = []
    for d, dirs, files in os.walk(root):
        dirs[:] = sorted(x for x in dirs if x != "__pycache__")
        paths += [os.path.join(d, n) for n in sorted(files) if n.endswith((".so", ".py"))]
    if not paths:
        return "?"
    h = hashlib.sha256()
    for path in paths:
        h.update(f"{os.path.relpath(path, root)};".encode())
        try:
            st = os.stat(path)
            key = (path, st.st_size, st.st_mtime_ns)
            if key not in _DIGESTS:
                with open(path, "rb") as f:
                    _DIGESTS[key] = hashlib.sha256(f.read()).digest()
            h.update(_DIGESTS[key])
        except OSError:  # being replaced right now
            h.update(b"?")
    return h.hexdigest()[:12]


_DIGESTS: dict[tuple[str, int, int], bytes] = {}


# -- running one measurement -------------------------------------------------------------

def _fail(msg: str) -> dict[str, Any]:
    return {"ok": False, "error": msg}


def run_python(python: str, sc: Scenario, params: dict, repeats: int,
               pythonpath: str | None = None) -> dict[str, Any]:
    cmd = [*safe_path(python), RUNNER, "run", sc.entry, json.dumps(params), str(repeats)]
    env = child_env()
    if pythonpath:
        env["PYTHONPATH"] = pythonpath  # lent packages only (see lend_packages)
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=RUN_TIMEOUT_S,
                              cwd=tempfile.gettempdir(), env=env, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return _fail(f"timed out after {RUN_TIMEOUT_S} s")
    for line in proc.stdout.splitlines():
        if line.startswith(MARK):
            return json.loads(line[len(MARK):])
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
    return _fail(f"exit status {proc.returncode}: {' | '.join(tail)}")


def run_c(binary: str, sc: Scenario, params: dict, repeats: int) -> dict[str, Any]:
    assert sc.c_args is not None
    args = [a.format(repeats=repeats, **params) for a in sc.c_args]
    try:
        proc = subprocess.run([binary, *args], capture_output=True, text=True,
                              timeout=RUN_TIMEOUT_S, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return _fail(f"timed out after {RUN_TIMEOUT_S} s")
    if proc.returncode != 0:
        return _fail(f"exit status {proc.returncode}: {proc.stderr.strip()}")
    return {"ok": True, "samples": json.loads(proc.stdout)["samples"], "extra": {}}


def check_library(lib: str, result: dict[str, Any]) -> str | None:
    """Refuse numbers from the wrong zmq (e.g. pyzmq's interpreter importing our tree)."""
    info = result.get("lib", {})
    path = os.path.realpath(info.get("file", "?"))
    ours = path.startswith(os.path.join(os.path.realpath(REPO), "zmq") + os.sep)
    if lib == OURS and not ours:
        return f"cyzmq run imported zmq from {path}"
    if lib == PYZMQ and (ours or info.get("version") != PYZMQ_VERSION):
        return f"pyzmq run imported zmq {info.get('version')} from {path}"
    return None


# -- statistics --------------------------------------------------------------------------

def speedup(ours: float, theirs: float, better: str) -> float:
    """>1 means cyzmq is faster, whatever the unit."""
    if better == "lower":
        return theirs / ours if ours > 0 else float("inf")
    return ours / theirs if theirs > 0 else float("inf")


def summarize(runs: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Per-library summary over its runs (one run per round)."""
    good = [r for r in runs if r.get("ok")]
    if not good:
        return None
    medians = [statistics.median(r["samples"]) for r in good]
    samples = [s for r in good for s in r["samples"]]
    return {"median": statistics.median(medians), "min": min(samples), "max": max(samples),
            "round_medians": medians, "samples": samples}


def ratio_stats(a_runs: list[dict], b_runs: list[dict], better: str) -> dict[str, Any] | None:
    """Speedup of a over b per round (runs paired by round), its median and spread."""
    per_round = []
    for a, b in zip(a_runs, b_runs):
        if a.get("ok") and b.get("ok"):
            per_round.append(speedup(statistics.median(a["samples"]),
                                     statistics.median(b["samples"]), better))
    if not per_round:
        return None
    return {"ratio": statistics.median(per_round), "band": [min(per_round), max(per_round)],
            "per_round": per_round}


def target_status(target_min: float, rs: dict[str, Any] | None) -> str:
    if rs is None:
        return "n/a"
    status = "PASS" if rs["ratio"] >= target_min else "MISS"
    lo, hi = rs["band"]
    if len(rs["per_round"]) > 1 and lo < target_min <= hi:
        status += "*"  # the target lies inside the noise band
    return status


# -- formatting --------------------------------------------------------------------------

def fmt_value(v: float | None, unit: str) -> str:
    if v is None:
        return "-"
    if unit.endswith("/s"):  # rates: msg/s, rt/s
        for scale, suffix in ((1e6, "M"), (1e3, "k")):
            if v >= scale:
                return f"{v / scale:.3g}{suffix}"
        return f"{v:.3g}"
    if v >= 1000:
        return f"{v:,.0f}"
    if v >= 100:
        return f"{v:.0f}"
    return f"{v:.3g}" if v >= 10 else f"{v:.2f}"


def fmt_mbs(v: float | None, size: int) -> str:
    return "-" if v is None else f"{v * size / 1e6:,.1f}"


def fmt_summary(s: dict[str, Any] | None, unit: str, err: str | None = None) -> str:
    if s is None:
        return "FAILED" if err else "-"
    return fmt_value(s["median"], unit)


def fmt_range(s: dict[str, Any] | None, unit: str) -> str:
    if s is None:
        return ""
    return f"{fmt_value(s['min'], unit)}..{fmt_value(s['max'], unit)}"


def table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths)),
             "  ".join("-" * w for w in widths)]
    for r in rows:
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(r, widths)))
    return "\n".join(lines)


# -- main --------------------------------------------------------------------------------

def select(scenarios: list[Scenario], only: str | None) -> list[Scenario]:
    if not only:
        return scenarios
    wanted = [w.strip() for w in only.split(",") if w.strip()]
    chosen = [s for s in scenarios
              if any(fnmatch.fnmatchcase(s.name, w) or s.group == w or s.name.startswith(w)
                     for w in wanted)]
    if not chosen:
        raise SystemExit(f"--only {only!r} matches no scenario (see --list)")
    return chosen


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="cyzmq benchmark suite (see perf/README.md)")
    ap.add_argument("--quick", action="store_true", help="small counts: finishes in < 30 s")
    ap.add_argument("--compare", action="store_true", help="cyzmq vs pyzmq, interleaved rounds")
    ap.add_argument("--only", metavar="NAME[,NAME]",
                    help="scenario names, name prefixes, globs or group names")
    ap.add_argument("--json", metavar="PATH", help="also write the JSON results here")
    ap.add_argument("--rounds", type=int, help="rounds (default: 3 with --compare, 2 with --quick --compare, else 1)")
    ap.add_argument("--repeats", type=int, help="timed batches per process (default 5; 3 quick/compare)")
    ap.add_argument("--pyzmq-python", metavar="PY", help="interpreter with pyzmq (default: cached venv)")
    ap.add_argument("--no-c", action="store_true", help="skip the C baselines")
    ap.add_argument("--list", action="store_true", help="list the scenarios and exit")
    ap.add_argument("--markdown", nargs="+", metavar="JSON",
                    help="print saved results as Markdown tables and exit; rows of later files "
                         "replace the same scenarios' rows of earlier ones (re-runs of noisy rows)")
    args = ap.parse_args(argv)
    if args.markdown:
        print(render_markdown([_load(p) for p in args.markdown]))
        return 0

    scenarios = all_scenarios()
    if args.list:
        rows = [[s.name, s.group, s.unit, ", ".join(f"{t.label} vs {t.against}" for t in s.targets),
                 s.doc] for s in scenarios]
        print(table(rows, ["scenario", "group", "unit", "target", "what"]))
        return 0
    scenarios = select(scenarios, args.only)

    libs: dict[str, str] = {OURS: sys.executable}
    if args.compare:
        libs[PYZMQ] = ensure_pyzmq(args.pyzmq_python)
    c_bin = None if args.no_c else build_c()

    lent = lend_packages(libs, scenarios)
    try:
        return _run_all(args, scenarios, libs, c_bin, lent)
    finally:
        for info in lent.values():
            shutil.rmtree(info["PYTHONPATH"], ignore_errors=True)


def _run_all(args: argparse.Namespace, scenarios: list[Scenario], libs: dict[str, str],
             c_bin: str | None, lent: dict[str, dict[str, str]]) -> int:
    rounds = args.rounds or ((2 if args.quick else 3) if args.compare else 1)
    repeats = args.repeats or (3 if (args.quick or args.compare) else 5)
    t_start = time.time()
    load_start = os.getloadavg()[0]
    fingerprints = [build_fingerprint()]
    runs: dict[str, dict[str, list[dict]]] = {s.name: {} for s in scenarios}
    total = sum(len(libs) + (1 if (c_bin and s.c_args) else 0) for s in scenarios) * rounds
    done = 0
    for rnd in range(rounds):
        for sc in scenarios:
            params = sc.params_for(args.quick)
            order = list(libs) if rnd % 2 == 0 else list(reversed(libs))  # A,B then B,A
            if c_bin and sc.c_args:
                order.append(C)
            for lib in order:
                t_run = time.perf_counter()
                if lib == C:
                    assert c_bin is not None
                    res = run_c(c_bin, sc, params, repeats)
                else:
                    path = lent.get(lib, {}).get("PYTHONPATH") if sc.needs else None
                    res = run_python(libs[lib], sc, params, repeats, path)
                    if lib == OURS:
                        fp = build_fingerprint()
                        res["build"] = fp
                        if fp != fingerprints[-1]:
                            fingerprints.append(fp)
                            print(f"WARNING: cyzmq's code (compiled modules or zmq/*.py) changed during the run "
                                  f"(before {sc.name}, round {rnd + 1})", file=sys.stderr)
                    if res.get("ok"):
                        wrong = check_library(lib, res)
                        if wrong:
                            raise SystemExit(f"error: {wrong}; refusing to report its numbers")
                res["wall_s"] = round(time.perf_counter() - t_run, 3)
                runs[sc.name].setdefault(lib, []).append(res)
                done += 1
                shown = (fmt_value(statistics.median(res["samples"]), sc.unit) + " " + sc.unit
                         if res.get("ok") else "FAILED: " + res.get("error", "?"))
                print(f"[{done}/{total}] round {rnd + 1}/{rounds} {sc.name} {lib}: {shown}",
                      file=sys.stderr, flush=True)

    report = build_report(scenarios, runs, args, libs, c_bin, rounds, repeats, time.time() - t_start)
    report["meta"]["cyzmq_builds"] = fingerprints
    report["meta"]["lent_packages"] = {lib: {k: v for k, v in info.items() if k != "PYTHONPATH"}
                                       for lib, info in lent.items()}
    report["meta"]["loadavg_1min"] = [round(load_start, 2), round(os.getloadavg()[0], 2)]
    print(render(report))
    os.makedirs(RESULTS_DIR, exist_ok=True)
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    paths = [os.path.join(RESULTS_DIR, f"{stamp}.json")] + ([args.json] if args.json else [])
    for path in paths:
        with open(path, "w") as f:
            json.dump(report, f, indent=1)
    print(f"\nJSON: {', '.join(paths)}")
    failed = [s["name"] for s in report["scenarios"] if any(e for e in s["errors"].values())]
    return 1 if failed else 0


def build_report(scenarios, runs, args, libs, c_bin, rounds, repeats, elapsed) -> dict[str, Any]:
    out = []
    for sc in scenarios:
        r = runs[sc.name]
        entry: dict[str, Any] = {
            "name": sc.name, "group": sc.group, "unit": sc.unit, "better": sc.better,
            "doc": sc.doc, "params": sc.params_for(args.quick),
            "results": {lib: summarize(r.get(lib, [])) for lib in (OURS, PYZMQ, C) if lib in r},
            "errors": {lib: next((x.get("error") for x in r[lib] if not x.get("ok")), None)
                       for lib in r},
            "extra": {lib: [x.get("extra", {}) for x in r[lib] if x.get("ok")] for lib in r if lib != C},
            "vs_pyzmq": ratio_stats(r[OURS], r[PYZMQ], sc.better) if PYZMQ in r else None,
            "vs_C": ratio_stats(r[OURS], r[C], sc.better) if C in r else None,
            "targets": [],
            # every process run, in round order: samples, wall time, cyzmq build, error
            "runs": {lib: [{k: x.get(k) for k in ("ok", "samples", "wall_s", "build", "error", "lib")
                            if x.get(k) is not None} for x in r[lib]] for lib in r},
        }
        for t in sc.targets:
            rs = entry["vs_pyzmq"] if t.against == PYZMQ else entry["vs_C"]
            entry["targets"].append({"against": t.against, "label": t.label,
                                     "min_speedup": t.min_speedup,
                                     "status": target_status(t.min_speedup, rs)})
        out.append(entry)
    return {
        "meta": {
            "timestamp": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "command": _command_line(),
            "mode": ("compare" if args.compare else "bench") + (" quick" if args.quick else ""),
            "rounds": rounds, "repeats_per_process": repeats, "elapsed_s": round(elapsed, 1),
            "host": platform.node(), "cpus": os.cpu_count(), "python": platform.python_version(),
            "interpreters": libs, "c_baseline": c_bin,
            "git_head": _git_head(),
        },
        "scenarios": out,
    }


def _command_line() -> str:
    """This run's command line, paths relative to the repository where they are inside it."""
    def rel(path: str) -> str:
        full = os.path.abspath(path)
        return os.path.relpath(full, REPO) if full.startswith(REPO + os.sep) else path
    return " ".join(shlex.quote(a) for a in [rel(sys.executable), rel(sys.argv[0]), *sys.argv[1:]])


def _git_head() -> str | None:
    try:
        head = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", REPO, "status", "--porcelain", "--untracked-files=no",
                                "--", "zmq"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return None
    return (head + ("+dirty(zmq/)" if dirty else "")) or None


def _target_cells(entry: dict, against: str) -> tuple[str, str]:
    ts = [t for t in entry["targets"] if t["against"] == against]
    if not ts:
        return "", ""
    return "; ".join(t["label"] for t in ts), "; ".join(t["status"] for t in ts)


def _ratio_cells(rs: dict | None) -> tuple[str, str]:
    if rs is None:
        return "-", ""
    lo, hi = rs["band"]
    band = f"{lo:.2f}..{hi:.2f}" if len(rs["per_round"]) > 1 else "(1 round)"
    return f"{rs['ratio']:.2f}x", band


def render(report: dict[str, Any]) -> str:
    meta = report["meta"]
    compare = meta["mode"].startswith("compare")
    parts = [f"cyzmq benchmarks -- {meta['mode']}, {meta['rounds']} round(s) x "
             f"{meta['repeats_per_process']} timed batches per process, {meta['elapsed_s']} s, "
             f"{meta['cpus']} CPUs, load avg {meta.get('loadavg_1min')} (start, end), "
             f"git {meta['git_head']}"]
    builds = meta.get("cyzmq_builds", [])
    if len(builds) > 1:
        parts.append(f"WARNING: cyzmq's code (compiled modules or zmq/*.py) changed during this run "
                     f"({len(builds)} builds seen: {', '.join(builds)}); rows mix builds.")
    if compare:
        parts.append("speedup = pyzmq time / cyzmq time, or cyzmq rate / pyzmq rate: >1 means "
                     "cyzmq is faster. band = min..max of the per-round speedups.")
    groups: dict[str, list[dict]] = {}
    for e in report["scenarios"]:
        groups.setdefault(e["group"], []).append(e)
    for group, entries in groups.items():
        rows = []
        thr = group == "throughput"
        for e in entries:
            unit = e["unit"]
            res = e["results"]
            row = [e["name"], unit,
                   fmt_summary(res.get(OURS), unit, e["errors"].get(OURS)), fmt_range(res.get(OURS), unit)]
            if thr:
                size = e["params"]["size"]
                row.insert(3, fmt_mbs((res.get(OURS) or {}).get("median"), size))
            if compare:
                row.append(fmt_summary(res.get(PYZMQ), unit, e["errors"].get(PYZMQ)))
                if thr:
                    row.append(fmt_mbs((res.get(PYZMQ) or {}).get("median"), e["params"]["size"]))
                row.extend(_ratio_cells(e["vs_pyzmq"]))
                row.extend(_target_cells(e, PYZMQ))
            rows.append(row)
        header = ["scenario", "unit", "cyzmq", "range"]
        if thr:
            header.insert(3, "MB/s")
        if compare:
            header += ["pyzmq"] + (["MB/s"] if thr else []) + ["speedup", "band", "target", "status"]
        parts.append(f"\n== {group} ==\n" + table(rows, header))

    c_rows = []
    for e in report["scenarios"]:
        if C not in e["results"]:
            continue
        unit = e["unit"]
        c, o = e["results"][C], e["results"].get(OURS)
        rs = e["vs_C"]
        if c is None or o is None or rs is None:
            c_rows.append([e["name"], unit, fmt_summary(c, unit, e["errors"].get(C)),
                           fmt_summary(o, unit, e["errors"].get(OURS)), "-", "", "", ""])
            continue
        ratio, band = _ratio_cells(rs)
        if e["better"] == "lower":
            rel = (f"+{o['median'] - c['median']:,.0f} {unit.split('/')[0]} "
                   f"({1 / rs['ratio']:.2f}x C's time)")
        else:
            rel = f"{rs['ratio']:.2f}x C's rate"
        tlabel, tstatus = _target_cells(e, C)
        c_rows.append([e["name"], unit, fmt_value(c["median"], unit), fmt_value(o["median"], unit),
                       rel, band, tlabel, tstatus])
    if c_rows:
        parts.append("\n== C baseline (libzmq alone, same protocol) ==\n"
                     "cyzmq vs C: overhead (cyzmq - C) and time ratio for times, rate ratio for rates "
                     "(median of per-round ratios); band = min..max of per-round cyzmq/C speed ratios\n"
                     + table(c_rows, ["scenario", "unit", "C", "cyzmq", "cyzmq vs C", "band",
                                      "target", "status"]))

    errors = [(e["name"], lib, err) for e in report["scenarios"]
              for lib, err in e["errors"].items() if err]
    if errors:
        parts.append("\nFailures:\n" + "\n".join(f"  {n} [{lib}]: {err}" for n, lib, err in errors))
    if any("*" in t["status"] for e in report["scenarios"] for t in e["targets"]):
        parts.append("\n* the target lies inside the noise band: one more run may flip it.")
    return "\n".join(parts)


# -- Markdown (README / docs) -------------------------------------------------------------

def _load(path: str) -> dict[str, Any]:
    with open(path) as f:
        report = json.load(f)
    report["meta"]["path"] = os.path.relpath(os.path.abspath(path), REPO)
    return report


def _describe_run(meta: dict[str, Any]) -> str:
    load = meta.get("loadavg_1min") or ["?", "?"]
    when = meta["timestamp"].replace("T", " ").replace("+00:00", " UTC")
    return (f"run finished {when}, load average (1 min) {load[0]} at the start "
            f"and {load[1]} at the end, git `{meta['git_head']}`, {meta['rounds']} rounds x "
            f"{meta['repeats_per_process']} timed batches per process, {meta['elapsed_s']} s; "
            f"command: `{meta.get('command', '?')}`")


def render_markdown(reports: list[dict[str, Any]]) -> str:
    """Markdown tables of one or more saved runs: the first is the base, and each later one
    replaces the rows of the scenarios it measured (say, a re-run with more rounds)."""
    rows: dict[str, tuple[dict, int]] = {}
    order: list[str] = []
    for i, rep in enumerate(reports):
        for e in rep["scenarios"]:
            if e["name"] not in rows:
                order.append(e["name"])
            rows[e["name"]] = (e, i)
    base = reports[0]["meta"]
    out = [f"Measured on {base['cpus']} CPUs (a shared VM), Python {base['python']}, libzmq "
           f"{_libzmq_version(reports)}, pyzmq {PYZMQ_VERSION} built from source against the "
           f"same libzmq."]
    for i, rep in enumerate(reports):
        names = [n for n in order if rows[n][1] == i]
        if not names:
            continue
        if i == 0:
            which = "All rows" if len(names) == len(order) else "Every other row"
        else:
            which = "Rows " + ", ".join(f"`{n}`" for n in names)
        out.append(f"\n- {which}: {_describe_run(rep['meta'])}")
    compare = any(rows[n][0].get("vs_pyzmq") for n in order)
    out.append("\nspeedup = pyzmq time / cyzmq time, or cyzmq rate / pyzmq rate (>1 = cyzmq is "
               "faster), the median of the per-round ratios; band = their min..max. `PASS*`/"
               "`MISS*`: the target lies inside the band.\n")
    header = ["scenario", "unit", "cyzmq", "pyzmq", "speedup", "band", "target", "status"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for n in order:
        e = rows[n][0]
        unit, res = e["unit"], e["results"]
        speed, band = _ratio_cells(e.get("vs_pyzmq"))
        tlabel, tstatus = _target_cells(e, PYZMQ)
        cells = [f"`{n}`", unit, fmt_summary(res.get(OURS), unit, e["errors"].get(OURS)),
                 fmt_summary(res.get(PYZMQ), unit, e["errors"].get(PYZMQ)) if compare else "-",
                 speed, band, tlabel, _md_status(tstatus)]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    out.append("\n".join(lines))

    c_lines = []
    for n in order:
        e = rows[n][0]
        if C not in e["results"]:
            continue
        unit = e["unit"]
        c, o, rs = e["results"][C], e["results"].get(OURS), e.get("vs_C")
        if c is None or o is None or rs is None:
            continue
        _, band = _ratio_cells(rs)
        if e["better"] == "lower":
            rel = f"+{o['median'] - c['median']:,.0f} {unit.split('/')[0]} ({1 / rs['ratio']:.2f}x C's time)"
        else:
            rel = f"{rs['ratio']:.2f}x C's rate"
        tlabel, tstatus = _target_cells(e, C)
        c_lines.append("| " + " | ".join([f"`{n}`", unit, fmt_value(c["median"], unit),
                                           fmt_value(o["median"], unit), rel, band, tlabel,
                                           _md_status(tstatus)]) + " |")
    if c_lines:
        out.append("\nC baseline: the same protocol written in C against libzmq "
                   "(`perf/c/zmqbench.c`); band = min..max of the per-round cyzmq/C speed ratios.\n")
        header = ["scenario", "unit", "C", "cyzmq", "cyzmq vs C", "band", "target", "status"]
        out.append("\n".join(["| " + " | ".join(header) + " |", "|" + "---|" * len(header)] + c_lines))
    errors = [f"- `{n}` [{lib}]: {err}" for n in order
              for lib, err in rows[n][0]["errors"].items() if err]
    if errors:
        out.append("\nFailures:\n\n" + "\n".join(errors))
    return "\n".join(out)


def _md_status(status: str) -> str:
    """A status cell: MISS in bold, the band marker escaped (a bare * is emphasis)."""
    text = status.replace("*", "\\*")
    return f"**{text}**" if status.startswith("MISS") else text


def _libzmq_version(reports: list[dict[str, Any]]) -> str:
    for rep in reports:
        for e in rep["scenarios"]:
            for runs in e.get("runs", {}).values():
                for x in runs:
                    if "zmq_version" in x.get("lib", {}):
                        return str(x["lib"]["zmq_version"])
    return "?"


if __name__ == "__main__":
    sys.exit(main())
