"""Runs the integration suite over cyzmq (.venv-int) and pyzmq (.venv-int-pyzmq) and prints the table.

Parts, each a pytest run with its own time limit, once per venv:

- jupyter_client's own test suite from its sdist, run as upstream runs it (``python -m pytest -vv``
  in the sdist, so with its pytest configuration: warnings are errors). Both venvs run it at the
  same time (it mostly waits on kernels); every test that passes on pyzmq must pass on cyzmq.
- ``integration/checks``: ipykernel via jupyter_client, nbclient, ipyparallel, with timings. These
  run one venv after the other, alone on the machine.
- Timings (``paired.py``): a ``bench.py`` driver per venv, both running, take turns step by
  step (kernel executes and shutdowns with both clients, ipyparallel map_sync and cluster stop),
  so that each timing gets pairs of samples taken seconds apart. The table shows each timing's
  median per side, in how many pairs cyzmq did better with the sign test's p, and the 95 %
  confidence interval of a pair's ratio; nothing is retried. (Without the timing
  part, the table shows the single values the checks measured.)

Each part runs in a network namespace of its own when the system allows it (``unshare``; root,
or unprivileged user namespaces): it sees only a loopback interface, so the ports jupyter_client
picks for a kernel (free when picked, bound by the kernel a moment later) cannot be taken in
between by the other venv's run or by anything else on the machine, which made a kernel die
with EADDRINUSE now and then. Without it the run says so and goes on unisolated.

Everything runs under a private HOME/TMPDIR that is removed at the end. This process is a child
subreaper: a part that times out is killed by its process group, and any process left behind by a
part (re-parented here if its parent died) is killed by pid and fails the run.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import math
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import paired

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "integration"
SIDES = {"cyzmq": ROOT / ".venv-int", "pyzmq": ROOT / ".venv-int-pyzmq"}
JC_TIMEOUT = 600
CHECKS_TIMEOUT = 200


@dataclass
class Part:
    """One pytest run: its command, where, and what came out."""

    side: str
    kind: str  # "jc" or "checks"
    cmd: list[str]
    cwd: Path
    timeout: float
    env: dict[str, str]
    log: Path
    junit: Path
    metrics: Path
    proc: subprocess.Popen | None = None
    started: float = 0.0
    elapsed: float = 0.0
    timed_out: bool = False
    returncode: int | None = None
    leaked: list[str] = field(default_factory=list)

    def start(self) -> None:
        """Start the run in a session (process group) of its own, in a network namespace of
        its own when possible (``ISOLATE``)."""
        self.started = time.monotonic()
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(ISOLATE + self.cmd, cwd=self.cwd, env=self.env, stdout=out,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         start_new_session=True)

    def poll(self) -> bool:
        """Whether the run has ended; kills its process group once it overruns its time limit."""
        assert self.proc is not None
        if self.returncode is not None:
            return True
        self.returncode = self.proc.poll()
        if self.returncode is None and time.monotonic() - self.started > self.timeout:
            self.timed_out = True
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.returncode = self.proc.wait()
        if self.returncode is not None:
            self.elapsed = time.monotonic() - self.started
        return self.returncode is not None

    def wait(self) -> None:
        """Wait for the run to end (within its time limit)."""
        while not self.poll():
            time.sleep(0.1)

    def outcomes(self) -> dict[str, str]:
        """Per-test outcome from the JUnit XML: passed, failed, error, skipped (xfail included)."""
        if not self.junit.exists():
            return {}
        result: dict[str, str] = {}
        for case in ET.parse(self.junit).iter("testcase"):
            nodeid = f"{case.get('classname')}::{case.get('name')}"
            kinds = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
            outcome = "failed" if "failure" in kinds else "error" if "error" in kinds else \
                "skipped" if "skipped" in kinds else "passed"
            if result.get(nodeid, "passed") == "passed":  # a teardown error follows the call's entry
                result[nodeid] = outcome
        return result

    def messages(self) -> dict[str, str]:
        """First line of the failure/error message per failing test."""
        if not self.junit.exists():
            return {}
        result: dict[str, str] = {}
        for case in ET.parse(self.junit).iter("testcase"):
            for child in case:
                if child.tag in ("failure", "error"):
                    text = (child.get("message") or child.text or "").strip().splitlines()
                    result[f"{case.get('classname')}::{case.get('name')}"] = text[0][:200] if text else ""
        return result

    def tail(self) -> str:
        """The end of the log, for a run that ended without its summary."""
        return tail(self.log)

    def summary(self) -> str:
        """pytest's closing line, or why there is none."""
        closing = None
        for line in reversed(self.log.read_text(errors="replace").splitlines()):
            clean = strip_ansi(line).strip("= ")
            if " in " in clean and any(w in clean for w in ("passed", "failed", "error", "skipped")):
                closing = clean
                break
        if self.timed_out:
            if closing:
                return f"TIMED OUT after {self.timeout:.0f} s: pytest had closed ({closing}), its process did not exit"
            return f"TIMED OUT after {self.timeout:.0f} s"
        return closing or f"no pytest summary (exit {self.returncode})"


def tail(log: Path, lines: int = 40) -> str:
    """The end of a log, indented."""
    text = strip_ansi(log.read_text(errors="replace")).splitlines() if log.exists() else ["(no log)"]
    return "\n".join("    " + line for line in text[-lines:])


def strip_ansi(text: str) -> str:
    """Text without ANSI colour escapes."""
    out, skip = [], False
    for ch in text:
        if ch == "\x1b":
            skip = True
        elif skip:
            skip = ch != "m"
        else:
            out.append(ch)
    return "".join(out)


#: Command prefix that runs a part in a new network namespace with only its loopback up
#: (empty: not possible here). unshare execs the command, so the part keeps its pid.
ISOLATE: list[str] = []
_LO_UP = 'ip link set lo up && exec "$@"'


def find_isolation() -> str:
    """Set ``ISOLATE`` to the first way of making a network namespace that works here; returns
    how parts are isolated, for the log."""
    ip = shutil.which("ip") or next((p for p in ("/usr/sbin/ip", "/sbin/ip") if os.access(p, os.X_OK)), None)
    unshare = shutil.which("unshare")
    if not ip or not unshare:
        return "not isolated: unshare or ip is missing (ports may collide with other processes)"
    for flags in (["-n"], ["-r", "-n"]):  # as root; else in a user namespace of our own
        prefix = [unshare, *flags, "--", "sh", "-c", _LO_UP.replace("ip ", f"{ip} ", 1), "sh"]
        probe = prefix + [sys.executable, "-c", "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); "
                          "s.listen(); socket.create_connection(s.getsockname()).close()"]
        if subprocess.run(probe, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30).returncode == 0:
            ISOLATE[:] = prefix
            return f"each part in a network namespace of its own (unshare {' '.join(flags)})"
    return "not isolated: unshare cannot make a network namespace here (ports may collide with other processes)"


def make_subreaper() -> None:
    """Become the parent of every orphaned descendant, so that leaks can be found and killed."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(36, 1, 0, 0, 0) != 0:  # PR_SET_CHILD_SUBREAPER
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER) failed")


def children() -> list[tuple[int, str]]:
    """(pid, command line) of the live processes whose parent is this one; reaps zombies."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            break
    found = []
    for pid_dir in Path("/proc").iterdir():
        if not pid_dir.name.isdigit():
            continue
        try:
            ppid = int((pid_dir / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmd = (pid_dir / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, ValueError, IndexError):
            continue
        if ppid == os.getpid() and cmd:
            found.append((int(pid_dir.name), cmd.strip()))
    return found


def reap_all(grace: float = 5.0) -> list[str]:
    """Processes left behind by a part: what is still running ``grace`` seconds after the part
    ended (a kernel whose client died exits by itself within about a second) is killed by pid,
    round after round (each catches the orphans of the previous one); returns their command lines."""
    deadline = time.monotonic() + grace
    while children() and time.monotonic() < deadline:
        time.sleep(0.1)
    killed: list[str] = []
    for _ in range(20):
        batch = children()
        if not batch:
            break
        for pid, cmd in batch:
            killed.append(f"{pid} {cmd[:150]}")
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        time.sleep(0.2)
    return killed


def private_env(base: Path, name: str) -> dict[str, str]:
    """Environment of one part: its own HOME, TMPDIR and Jupyter/IPython directories under ``base``."""
    home = base / name
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    dirs = {"HOME": home, "TMPDIR": home / "tmp", "IPYTHONDIR": home / "ipython",
            "JUPYTER_CONFIG_DIR": home / "jupyter-config", "JUPYTER_DATA_DIR": home / "jupyter-data",
            "JUPYTER_RUNTIME_DIR": home / "jupyter-runtime"}
    for key, path in dirs.items():
        path.mkdir(parents=True, exist_ok=True)
        env[key] = str(path)
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    return env


def make_part(base: Path, kind: str, side: str, tag: str) -> Part:
    """One pytest run of ``kind`` on ``side``, its files named after ``tag``."""
    py = str(SIDES[side] / "bin" / "python")
    junit = base / f"{tag}.xml"
    if kind == "jc":
        pins = (HERE / "pins.txt").read_text().splitlines()
        jc_version = next(line.split("==")[1] for line in pins if line.startswith("jupyter_client=="))
        # Upstream's test command (hatch's test env script), plus a JUnit report for the
        # per-test comparison and no cache files written into the sdist.
        cmd = [py, "-m", "pytest", "-vv", "-p", "no:cacheprovider", f"--junitxml={junit}"]
        cwd, timeout = ROOT / ".venv-int-cache" / f"jupyter_client-{jc_version}", JC_TIMEOUT
    else:
        cmd = [py, "-m", "pytest", "-v", f"--junitxml={junit}"]
        cwd, timeout = HERE / "checks", CHECKS_TIMEOUT
    env = private_env(base, tag)
    env["CYZMQ_INT_METRICS"] = str(base / f"{tag}.jsonl")
    env["CYZMQ_INT_SIDE"] = side
    return Part(side, kind, cmd, cwd, timeout, env, base / f"{tag}.log", junit, base / f"{tag}.jsonl")


def make_parts(base: Path, kinds: list[str]) -> list[Part]:
    """The pytest parts of the run in the order they run: cyzmq before pyzmq within jc and checks."""
    return [make_part(base, kind, side, f"{kind}-{side}") for kind in kinds if kind != "bench" for side in SIDES]


def split_leaks(leaked: list[str]) -> dict[str, list[str]]:
    """Leftovers of parts that ran together, by the venv named in their command line (else both)."""
    return {side: [leak for leak in leaked if str(SIDES[side]) + "/" in leak
                   or not any(str(venv) + "/" in leak for venv in SIDES.values())] for side in SIDES}


def bench(base: Path) -> tuple[paired.Samples, dict[str, list[str]]]:
    """The timing part: both drivers started, the schedule run, the drivers stopped; returns
    the samples and, per side, what was left behind (killed)."""
    drivers = {side: paired.start_driver(side, SIDES[side] / "bin" / "python", private_env(base, f"bench-{side}"),
                                         base / f"bench-{side}.log", ISOLATE) for side in SIDES}
    try:
        samples = paired.measure(drivers)
    finally:
        for d in drivers.values():
            d.stop()
    leaks = split_leaks(reap_all())
    print(f"integration: timings: {samples.failure or 'done'} ({samples.elapsed:.0f} s; steps "
          + ", ".join(f"{s} {n}" for s, n in samples.steps.items()) + ")", flush=True)
    if samples.failure:
        for d in drivers.values():
            print(f"integration: end of the {d.side} driver's log:\n" + tail(d.log, 120), flush=True)
    return samples, leaks


def run(parts: list[Part]) -> None:
    """jupyter_client suites side by side, then the checks, one venv at a time."""
    jc = [p for p in parts if p.kind == "jc"]
    for part in jc:
        part.start()
    pending = list(jc)
    while pending:
        for part in [p for p in pending if p.poll()]:
            pending.remove(part)
            done(part)
        time.sleep(0.1)
    leaked = split_leaks(reap_all())  # the two ran together
    for part in jc:
        part.leaked = leaked[part.side]
    for part in parts:
        if part.kind != "jc":
            part.start()
            part.wait()
            part.leaked = reap_all()
            done(part)


def done(part: Part) -> None:
    """Say how a part ended; show the end of its log when pytest did not get to its summary."""
    summary = part.summary()
    print(f"integration: {part.kind} on {part.side}: {summary} ({part.elapsed:.0f} s)", flush=True)
    if part.timed_out or summary.startswith("no pytest summary"):
        print(part.tail(), flush=True)


def sign_test(won: int, n: int) -> float:
    """Two-sided p-value of ``won`` wins in ``n`` pairs if either side were as likely to win."""
    tail = sum(math.comb(n, k) for k in range(min(won, n - won) + 1)) / 2 ** n
    return min(1.0, 2 * tail)


def ratio_interval(values: dict[str, list[float]]) -> tuple[float, float] | None:
    """The ~95 % confidence interval of the median of the pairs' ratios cyzmq/pyzmq (the
    sign test's: the k-th smallest and k-th largest ratio, for the largest k that leaves at
    most 2.5 % on each side); None for fewer than 6 pairs."""
    ratios = sorted(c / p for c, p in zip(values.get("cyzmq", []), values.get("pyzmq", [])) if p)
    n = len(ratios)
    if n < 6:
        return None
    k, below = 0, 0.0
    while below + math.comb(n, k) / 2 ** n <= 0.025:
        below += math.comb(n, k) / 2 ** n
        k += 1
    k = max(k, 1)
    return ratios[k - 1], ratios[n - k]


class Table:
    """Rows of check | cyzmq | pyzmq | ratio, and the pass/fail count behind the closing line."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str]] = []
        self.passed = 0
        self.failed: list[str] = []

    def check(self, name: str, results: dict[str, tuple[bool, str]]) -> None:
        """A pass/fail row; ``results`` maps side -> (ok, text shown)."""
        cells = []
        for side in SIDES:
            ok, text = results.get(side, (False, "not run"))
            cells.append(text)
            if ok:
                self.passed += 1
            else:
                self.failed.append(f"{name} [{side}]: {text}")
        self.rows.append((name, cells[0], cells[1], ""))

    def timing(self, name: str, values: dict[str, list[float]], unit: str, higher_is_better: bool,
               pairs: tuple[int, int] | None = None) -> None:
        """A measured row (not a pass/fail check): each side's median over its samples (their
        number shown when more than one); the ratio of the medians, and how cyzmq compares.
        With ``pairs`` = (won, n), cyzmq did better in ``won`` of the ``n`` pairs taken in
        turns, and a side is named better only if a sign test says so (p < 0.05, two-sided);
        else the difference is within the noise of the run. The interval is that of the
        median ratio of a pair (:func:`ratio_interval`): how far apart the sides can be."""
        med = {side: statistics.median(v) if v else None for side, v in values.items()}
        cy, py = med.get("cyzmq"), med.get("pyzmq")
        ratio = ""
        if cy and py and pairs and pairs[1] > 1:
            won, n = pairs
            p = sign_test(won, n)
            verdict = ("too few pairs to tell" if n < 6 else "no clear difference" if p >= 0.05
                       else "cyzmq better" if 2 * won > n else "pyzmq better")
            ratio = f"{cy / py:.2f}x ({verdict}; cyzmq better in {won}/{n} pairs, p={p:.2g}"
            interval = ratio_interval(values)
            ratio += f"; pair ratio 95% CI {interval[0]:.2f}-{interval[1]:.2f})" if interval else ")"
        elif cy and py:
            better = cy / py if higher_is_better else py / cy
            ratio = f"{cy / py:.2f}x ({'cyzmq better' if better > 1.005 else 'pyzmq better' if better < 0.995 else 'same'})"

        def fmt(side: str) -> str:
            v, n = med.get(side), len(values.get(side, []))
            return "-" if v is None else f"{v:.3g} {unit}" + (f" (median of {n})" if n > 1 else "")

        self.rows.append((name, fmt("cyzmq"), fmt("pyzmq"), ratio))

    def print(self) -> None:
        """The table, as Markdown."""
        header = ("check", "cyzmq", "pyzmq", "ratio cyzmq/pyzmq")
        widths = [max(len(r[i]) for r in self.rows + [header]) for i in range(4)]
        line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"  # noqa: E731
        print(line(header))
        print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
        for r in self.rows:
            print(line(r))


def report(parts: list[Part], table: Table, samples: paired.Samples | None,
           bench_leaks: dict[str, list[str]]) -> None:
    """Fill the table from the parts' outcomes and metrics and the timing part's samples."""
    by = {(p.kind, p.side): p for p in parts}
    if ("jc", "cyzmq") in by:
        cy, py = by["jc", "cyzmq"], by["jc", "pyzmq"]
        cy_out, py_out = cy.outcomes(), py.outcomes()
        ran = {p.side: (not p.timed_out and p.returncode in (0, 1) and bool(p.outcomes()), p.summary())
               for p in (cy, py)}
        table.check("jupyter_client suite ran to its end", ran)
        lost = sorted(t for t, o in py_out.items() if o == "passed" and cy_out.get(t) != "passed")
        gained = sorted(t for t, o in cy_out.items() if o == "passed" and py_out.get(t) != "passed")
        n_pass = sum(o == "passed" for o in py_out.values())
        table.check("jupyter_client tests passing on pyzmq pass on cyzmq",
                    {"cyzmq": (ran["cyzmq"][0] and ran["pyzmq"][0] and not lost,
                               f"{n_pass - len(lost)}/{n_pass}"),
                     "pyzmq": (ran["pyzmq"][0], f"{n_pass}/{n_pass}")})
        table.timing("jupyter_client suite wall time", {"cyzmq": [cy.elapsed], "pyzmq": [py.elapsed]}, "s", False)
        messages = cy.messages()
        for test in lost:
            print(f"integration: passes on pyzmq, {cy_out.get(test, 'missing')} on cyzmq: {test}\n    {messages.get(test, '')}")
        for test in gained:
            print(f"integration: passes on cyzmq, {py_out.get(test, 'missing')} on pyzmq: {test}")
    if ("checks", "cyzmq") in by:
        outcomes = {side: by["checks", side].outcomes() for side in SIDES}
        tests = list(dict.fromkeys(t for side in SIDES for t in outcomes[side]))
        for test in tests:
            module, _, name = test.partition("::")  # "test_kernel::test_interrupt[sync]"
            name = f"{module.removeprefix('test_')}: {name.removeprefix('test_')}"
            table.check(name, {side: (outcomes[side].get(test) == "passed", outcomes[side].get(test, "missing"))
                               for side in SIDES})
        table.check("checks ran to their end",
                    {side: (not by["checks", side].timed_out and bool(outcomes[side]), by["checks", side].summary())
                     for side in SIDES})
        for side in SIDES:
            for test, message in by["checks", side].messages().items():
                print(f"integration: check failed on {side}: {test}\n    {message}")
    if samples is not None:
        table.check("timing steps ran", {side: (samples.failure is None, f"{samples.steps.get(side, 0)} steps"
                                                + (f" ({samples.failure})" if samples.failure else ""))
                                         for side in SIDES})
        for name, per_side in samples.values.items():
            unit, higher = samples.units[name]
            table.timing(name, per_side, unit, higher, paired.pairs_won(per_side, higher))
            spread = "; ".join(f"{side} " + " ".join(f"{v:.3g}" for v in vs) for side, vs in per_side.items())
            print(f"integration: {name} in turn order (pairs): {spread}")
    # What the checks measured (one value per venv): in the table only where the timing part
    # measured nothing of that name (a run without it, or the nbclient notebook).
    values: dict[str, dict[str, list[float]]] = {}
    units: dict[str, tuple[str, bool]] = {}
    for p in parts:
        for line in p.metrics.read_text().splitlines() if p.kind == "checks" and p.metrics.exists() else []:
            m = json.loads(line)
            values.setdefault(m["name"], {}).setdefault(p.side, []).append(m["value"])
            units[m["name"]] = (m["unit"], m["higher"])
    for name, per_side in values.items():
        if samples is None or name not in samples.values:
            table.timing(name, per_side, *units[name])
        print(f"integration: {name} in the checks: " + "; ".join(f"{side} {vs[0]:.3g}" for side, vs in per_side.items()))
    if ("checks", "cyzmq") in by:
        table.timing("checks wall time", {s: [by["checks", s].elapsed] for s in SIDES}, "s", False)
    leaks = {side: [leak for p in parts if p.side == side for leak in p.leaked] + bench_leaks.get(side, [])
             for side in SIDES}
    table.check("no process left behind", {s: (not leaks[s], f"{len(leaks[s])} killed" if leaks[s] else "none")
                                           for s in SIDES})
    for side, found in leaks.items():
        for leak in found:
            print(f"integration: left behind by the {side} run (killed): {leak}")


def main() -> int:
    """Run the parts, print the table and the closing line; exit 1 on any failed check."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", default="jc,checks,bench", help="comma-separated subset of jc,checks,bench")
    parser.add_argument("--kernels", type=int, default=paired.KERNELS,
                        help="timing part: kernels whose executes are timed, per client flavour and venv"
                        f" (default {paired.KERNELS})")
    parser.add_argument("--shutdowns", type=int, default=paired.SHUTDOWNS,
                        help="timing part: kernels shut down per client flavour and venv, the --kernels"
                        f" measured ones included (default {paired.SHUTDOWNS})")
    parser.add_argument("--clusters", type=int, default=paired.CLUSTERS,
                        help=f"timing part: ipyparallel clusters per venv (default {paired.CLUSTERS})")
    parser.add_argument("--keep", action="store_true", help="keep the logs' directory (printed)")
    args = parser.parse_args()
    kinds = [k for k in ("jc", "checks", "bench") if k in args.parts.split(",")]
    paired.KERNELS, paired.SHUTDOWNS, paired.CLUSTERS = args.kernels, args.shutdowns, args.clusters
    for side, venv in SIDES.items():
        if not (venv / "bin" / "python").exists():
            print(f"integration: {venv} is missing: run integration/setup.sh (make test-integration does)")
            print("integration: 0 passed, 1 failed")
            return 1
    make_subreaper()
    print(f"integration: {find_isolation()}", flush=True)
    t0 = time.monotonic()
    base = Path(tempfile.mkdtemp(prefix="cyzmq-int-"))
    table = Table()
    try:
        parts = make_parts(base, kinds)
        run(parts)
        samples, bench_leaks = bench(base) if "bench" in kinds else (None, {})
        report(parts, table, samples, bench_leaks)
        print()
        table.print()
        for failure in table.failed:
            print(f"integration: FAILED {failure}")
        print(f"integration: wall time {time.monotonic() - t0:.0f} s")
        if args.keep:
            print(f"integration: logs kept in {base}")
    finally:
        reap_all(grace=0)
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    print(f"integration: {table.passed} passed, {len(table.failed)} failed")
    return 1 if table.failed else 0


if __name__ == "__main__":
    sys.exit(main())
