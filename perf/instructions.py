"""Instructions per operation, counted by callgrind: cyzmq against the C library (and pyzmq).

    python perf/instructions.py [--no-pyzmq] [--only NAME,...] [--n N] [--json PATH]

Each scenario is a Python loop over an inproc PAIR with 64-byte messages, run under
``valgrind --tool=callgrind`` twice, with N and with 3N operations, so that start-up and
set-up cancel out: instructions per operation = (I(3N) - I(N)) / 2N. The Python loop
is timeit's (``for _ in itertools.repeat(None, n)``: 74 instructions per iteration; ``range``,
which builds an int per iteration, costs 198), the C loop a plain counter, so that both
count little but the operation. Counts are exact and repeat from run to run (PYTHONHASHSEED
is fixed), whatever else the machine does. The C
column runs the same libzmq calls from ``perf/c/instr.c``; its recv copies the content into
a fresh malloc'd buffer, as building a bytes object does. The pyzmq column uses the
oracle venv (``.venv-pyzmq``, ``make oracle``).

Also printed: ``import zmq`` in a fresh interpreter (``-X importtime``'s cumulative time
for the package, median of interleaved runs): a wall-clock figure, so only the ratio
measured side by side means something.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

PERF = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(PERF)
ORACLE = os.path.join(ROOT, ".venv-pyzmq", "bin", "python")

# name: (label, loop body, C scenario or None, goal as (ratio, "C" | "pyzmq"))
SCENARIOS: dict[str, tuple[str, str, str | None, tuple[float, str]]] = {
    "sendrecv": ("send + recv (copy)", "a.send(m); b.recv()", "sendrecv", (1.5, "C")),
    "multipart3": ("3-part send_multipart + recv_multipart", "a.send_multipart(parts); b.recv_multipart()",
                   "multipart3", (1.6, "C")),
    "rcvmore": ("read `sock.rcvmore`", "b.rcvmore", "rcvmore", (2.5, "C")),
    "again": ("recv(NOBLOCK) raising Again, caught",
              "try:\n            b.recv(NOBLOCK)\n        except Again:\n            pass", "again", (3.5, "C")),
    "poll": ("send + Poller.poll(0) + recv", "a.send(m); poller.poll(0); b.recv()", "poll", (1.8, "C")),
    "json": ("send_json + recv_json (small dict)", "a.send_json(d); b.recv_json()", None, (0.6, "pyzmq")),
    "pyobj": ("send_pyobj + recv_pyobj", "a.send_pyobj(d); b.recv_pyobj()", None, (0.65, "pyzmq")),
}

SETUP = """
import zmq
from zmq import NOBLOCK, Again
ctx = zmq.Context()
a = ctx.socket(zmq.PAIR)
b = ctx.socket(zmq.PAIR)
b.bind("inproc://instr")
a.connect("inproc://instr")
m = b"x" * 64
parts = [m, m, m]
d = {"id": 7, "name": "worker-1", "tags": ["a", "b"], "load": 0.25}
poller = zmq.Poller()
poller.register(b, zmq.POLLIN)
"""


def loop_source(name: str, zmq_dir: str | None = None) -> str:
    """The program one measured process runs: set-up, then the scenario's loop (importing zmq
    from ``zmq_dir`` first when given)."""
    body = SCENARIOS[name][1]
    first = f"import sys; sys.path.insert(0, {zmq_dir!r})\n" if zmq_dir else ""
    # (repeat, as timeit's loop: range would build an int object per iteration past 256,
    # about 120 instructions of loop counter in every row, against the C loop's 4)
    return first + SETUP + f"""
from itertools import repeat

def loop(n):
    for _ in repeat(None, n):
        {body}

import sys
loop(int(sys.argv[1]))
a.close(linger=0); b.close(linger=0); ctx.term()
"""


def callgrind(cmd: list[str], workdir: str) -> int:
    """Total instructions executed by ``cmd``, counted by callgrind."""
    out = os.path.join(workdir, "callgrind.out")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONHASHSEED"] = "0"
    proc = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *cmd],
                          cwd=workdir, env=env, capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed under callgrind:\n{proc.stderr[-3000:]}")
    with open(out) as f:
        for line in f:
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1])
    raise RuntimeError("no instruction total in callgrind's output")


def per_op(cmd_for, n: int, workdir: str) -> float:
    """Instructions per operation: the difference between a 3n run and an n run, over 2n.

    One short run outside callgrind comes first, so that both measured runs find every
    module's bytecode cached (else the first pays for compiling it: tens of millions of
    instructions, once)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    subprocess.run(cmd_for(1), cwd=workdir, env=env, capture_output=True, timeout=120)
    return (callgrind(cmd_for(3 * n), workdir) - callgrind(cmd_for(n), workdir)) / (2 * n)


def snapshot_zmq(workdir: str) -> str:
    """A private copy of this checkout's built zmq package, measured instead of the checkout:
    a rebuild of the shared tree between the N and 3N runs would otherwise mix two builds."""
    dest = os.path.join(workdir, "snapshot")
    shutil.copytree(os.path.join(ROOT, "zmq"), os.path.join(dest, "zmq"),
                    ignore=shutil.ignore_patterns("*.c", "__pycache__", "*.html"))
    return dest


def build_c(workdir: str) -> str:
    """Compile perf/c/instr.c against -lzmq."""
    binary = os.path.join(workdir, "instr")
    cmd = ["gcc", "-O2", "-o", binary, os.path.join(PERF, "c", "instr.c"), "-lzmq"]
    prefix = os.environ.get("ZMQ_PREFIX")
    if prefix:
        cmd[1:1] = [f"-I{prefix}/include", f"-L{prefix}/lib", f"-Wl,-rpath,{prefix}/lib"]
    subprocess.run(cmd, check=True)
    return binary


def import_ms(pythons: dict[str, str], runs: int, workdir: str) -> dict[str, float]:
    """Median cumulative ``import zmq`` time (ms) per interpreter, from interleaved fresh runs."""
    samples: dict[str, list[float]] = {k: [] for k in pythons}
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    for _ in range(runs):
        for lib, python in pythons.items():
            proc = subprocess.run([python, "-P", "-X", "importtime", "-c", "import zmq"], cwd=workdir,
                                  env=env, capture_output=True, text=True, timeout=60)
            for line in proc.stderr.splitlines():
                fields = [f.strip() for f in line.split("|")]
                if len(fields) == 3 and fields[2] == "zmq":
                    samples[lib].append(int(fields[1]) / 1000)
    return {lib: statistics.median(v) for lib, v in samples.items() if v}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default="", help="comma-separated scenario names")
    ap.add_argument("--n", type=int, default=2000, help="operations in the short run (the long one does 3x)")
    ap.add_argument("--no-pyzmq", action="store_true", help="skip the pyzmq column")
    ap.add_argument("--import-runs", type=int, default=15)
    ap.add_argument("--json", help="also write the results here")
    args = ap.parse_args(argv)
    if shutil.which("valgrind") is None:
        print("valgrind is missing (Debian: apt-get install valgrind)", file=sys.stderr)
        return 1
    names = [n for n in args.only.split(",") if n] or list(SCENARIOS)
    pythons = {"cyzmq": sys.executable}
    if not args.no_pyzmq:
        if not os.path.exists(ORACLE):
            print(f"pyzmq oracle {ORACLE} missing: run `make oracle` or pass --no-pyzmq", file=sys.stderr)
            return 1
        pythons["pyzmq"] = ORACLE
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="cyzmq-instr-") as workdir:
        c_binary = build_c(workdir)
        zmq_dir = snapshot_zmq(workdir)
        for name in names:
            label, _, c_name, _ = SCENARIOS[name]
            scripts = {}
            for lib in pythons:
                scripts[lib] = os.path.join(workdir, f"{name}-{lib}.py")
                with open(scripts[lib], "w") as f:
                    f.write(loop_source(name, zmq_dir if lib == "cyzmq" else None))
            row: dict[str, float] = {}
            if c_name:
                row["C"] = per_op(lambda k: [c_binary, c_name, str(k)], args.n, workdir)
            for lib, python in pythons.items():
                row[lib] = per_op(lambda k, p=python, sc=scripts[lib]: [p, "-P", sc, str(k)], args.n, workdir)
            results[name] = row
            print(f"{name}: " + ", ".join(f"{k} {v:.0f}" for k, v in row.items()), file=sys.stderr)
        imports = import_ms(pythons, args.import_runs, workdir)
    print_table(results, imports)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"instructions": results, "import_ms": imports}, f, indent=2)
    return 0


def print_table(results: dict[str, dict[str, float]], imports: dict[str, float]) -> None:
    """The Markdown table: instructions per operation, the ratio to the goal's base, status."""
    print("| operation | C | cyzmq | pyzmq | ratio | goal | status |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for name, row in results.items():
        label, _, _, (goal, base) = SCENARIOS[name]
        ratio = row["cyzmq"] / row[base] if base in row else float("nan")
        status = "PASS" if ratio <= goal else "MISS"
        if base not in row:
            status = "-"
        cells = [f"{row[k]:.0f}" if k in row else "-" for k in ("C", "cyzmq", "pyzmq")]
        print(f"| {label} | {' | '.join(cells)} | {ratio:.2f}x {base} | <= {goal}x | {status} |")
    if "cyzmq" in imports:
        theirs = imports.get("pyzmq")
        ratio = f"{imports['cyzmq'] / theirs:.2f}x pyzmq" if theirs else "-"
        status = ("PASS" if imports["cyzmq"] / theirs <= 0.6 else "MISS") if theirs else "-"
        print(f"| `import zmq` (ms, wall clock) | - | {imports['cyzmq']:.1f} | "
              f"{f'{theirs:.1f}' if theirs else '-'} | {ratio} | <= 0.6x pyzmq | {status} |")


if __name__ == "__main__":
    sys.exit(main())
