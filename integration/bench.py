"""The timing driver of ``integration/run.py``: one process per venv, told what to measure, one
step at a time, over a line protocol.

run.py starts this script with each venv's Python (cyzmq's and pyzmq's), both at once, and then
has them take turns: one step on one side, the same step on the other, the order flipping every
round, never both at the same time. A slow spell of the shared machine then falls on both sides
of a pair instead of on one side's whole run, which made the ratios of whole runs swing by
+-15 % between runs.

Protocol: a JSON object per line on stdin (``{"op": ...}``), one JSON object per line back on
the stdout this process had when it started (kernels, engines and prints write to stderr, the
log). Steps:

- ``kernel_start`` (``flavour``: ``sync`` or ``async``): a kernel and its client, warmed up by
  one execute; ``executes`` (``n``): ``n`` sequential executes, returns ``rate`` (/s) and
  ``cpu_ms`` (CPU time of client plus kernel per execute, which the machine's load changes
  far less than the rate); ``kernel_shutdown``: ``shutdown_kernel()``, returns ``exit_s``
  (request to kernel process exit, seen by polling its state every millisecond), ``cpu_ms``
  (CPU time of the kernel's main thread meanwhile, where its interpreter tears down),
  ``call_s`` (the call's own duration: jupyter_client checks for the exit every 0.1 s, so it
  moves in steps of 0.1 s) and ``returncode``.
- ``cluster_start``: an ipyparallel controller and 2 engines on 127.0.0.1, client connected;
  ``map`` (``n``): ``map_sync`` over ``n`` tasks, returns ``rate``; ``cluster_stop``: returns
  ``stop_s`` (stop_cluster until every cluster process has exited) and what was still running
  after 5 s (killed by pid).
- ``quit``.

A step that fails returns ``{"error": ...}``; run.py counts it as a failed check.
"""

from __future__ import annotations

import asyncio
import ctypes
import json
import os
import shutil
import sys
import tempfile
import threading
import time
import traceback
from typing import Any

import psutil

TIMEOUT = 30
HUNG_AFTER = 2.0


def exited(pid: int) -> bool:
    """Whether ``pid`` has exited (a zombie not yet reaped counts as exited)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


def main_thread_cpu(pid: int) -> float | None:
    """CPU seconds the main thread of ``pid`` has run (also readable while it is a zombie), or
    None once it is gone."""
    try:
        with open(f"/proc/{pid}/schedstat") as f:
            return int(f.read().split()[0]) / 1e9
    except (FileNotFoundError, ProcessLookupError):
        return None


def wait_gone(pids: list[int], timeout: float) -> list[int]:
    """Wait until none of ``pids`` runs (zombies count as exited; ours are reaped); returns
    those still running after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        for pid in pids:
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass
        left = [pid for pid in pids if not exited(pid)]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.005)


def threads_waiting(pid: int) -> str:
    """One line per thread of ``pid``: its name, state, the kernel function it waits in, and
    its system call (number and arguments)."""
    lines = []
    for tid in sorted(os.listdir(f"/proc/{pid}/task"), key=int) if os.path.isdir(f"/proc/{pid}/task") else []:
        info = []
        for name in ("comm", "stat", "wchan", "syscall"):
            try:
                with open(f"/proc/{pid}/task/{tid}/{name}") as f:
                    text = f.read().strip()
            except OSError:
                text = "?"
            info.append(text.rsplit(")", 1)[-1].split()[0] if name == "stat" and text != "?" else text)
        lines.append(f"    {tid} {info[0]!r} state {info[1]} wchan {info[2]} syscall {info[3][:60]}")
    return "\n".join(lines)


def cpu_seconds(proc: psutil.Process) -> float:
    """User plus system CPU time of ``proc`` so far."""
    t = proc.cpu_times()
    return t.user + t.system


class Driver:
    """The state between steps: the current kernel or cluster of this side."""

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.km: Any = None
        self.kc: Any = None
        self.kernel: psutil.Process | None = None
        self.cluster: Any = None
        self.profile = ""
        self.client: Any = None
        self.runs = 0

    def run(self, value: Any) -> Any:
        """A client call's result: run to completion on the loop for the asyncio flavour."""
        return self.loop.run_until_complete(value) if self.loop is not None else value

    def kernel_start(self, flavour: str) -> dict:
        from jupyter_client import AsyncKernelManager, KernelManager

        if flavour == "async":
            self.loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self.loop)
        self.km = (AsyncKernelManager if self.loop else KernelManager)(kernel_name="python3")
        self.km.ip = "127.0.0.1"
        self.run(self.km.start_kernel())
        self.kernel = psutil.Process(self.km.provisioner.pid)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.run(self.kc.wait_for_ready(timeout=60))
        self.runs = 0
        self.execute("x = 0")
        return {}

    def execute(self, code: str) -> dict:
        reply = self.run(self.kc.execute_interactive(code, timeout=TIMEOUT, output_hook=lambda m: None))
        assert reply["content"]["status"] == "ok", reply["content"]
        return reply

    def executes(self, n: int) -> dict:
        kc, hook = self.kc, (lambda m: None)
        assert self.kernel is not None
        first = self.runs + 2  # execution counts: "x = 0" was 1
        c0, k0, t0 = time.process_time(), cpu_seconds(self.kernel), time.perf_counter()
        if self.loop is not None:
            async def many() -> list[dict]:
                return [await kc.execute_interactive(f"x = {i}", timeout=TIMEOUT, output_hook=hook)
                        for i in range(n)]
            replies = self.run(many())
        else:
            replies = [kc.execute_interactive(f"x = {i}", timeout=TIMEOUT, output_hook=hook) for i in range(n)]
        elapsed = time.perf_counter() - t0
        cpu = time.process_time() - c0 + cpu_seconds(self.kernel) - k0
        self.runs += n
        assert all(r["content"]["status"] == "ok" for r in replies)
        assert [r["content"]["execution_count"] for r in replies] == list(range(first, first + n))
        return {"rate": n / elapsed, "cpu_ms": 1000 * cpu / n}

    def kernel_shutdown(self) -> dict:
        assert self.kernel is not None
        pid, exit_at, cpu = self.kernel.pid, [], []
        proc = self.km.provisioner.process  # the Popen: its returncode once shutdown_kernel reaped it

        def watch() -> None:
            # The main thread's CPU time is read up to the exit (jupyter_client may reap the
            # zombie before the last read). Of a kernel still running HUNG_AFTER seconds after
            # the request (jupyter_client terminates it at 2.5), what each thread waits in goes
            # to the log.
            last = main_thread_cpu(pid)
            told = False
            while not exited(pid) and time.perf_counter() - t0 < 10:
                time.sleep(0.001)
                last = main_thread_cpu(pid) or last
                if not told and time.perf_counter() - t0 > HUNG_AFTER:
                    told = True
                    print(f"bench: kernel {pid} still running {HUNG_AFTER} s after its shutdown request; its threads:\n"
                          + threads_waiting(pid), file=sys.stderr, flush=True)
            exit_at.append(time.perf_counter())
            cpu.append(main_thread_cpu(pid) or last)

        self.kc.stop_channels()
        cpu0 = main_thread_cpu(pid)
        t0 = time.perf_counter()
        watcher = threading.Thread(target=watch)
        watcher.start()
        self.run(self.km.shutdown_kernel(now=False))
        call = time.perf_counter() - t0
        watcher.join()
        returncode = proc.returncode
        self.run(self.km.cleanup_resources())
        if self.loop is not None:
            self.loop.close()
            asyncio.set_event_loop(None)
        self.km = self.kc = self.kernel = self.loop = None
        if returncode != 0:
            raise AssertionError(f"the kernel did not exit by itself (returncode {returncode})")
        return {"exit_s": exit_at[0] - t0, "call_s": call, "returncode": returncode,
                "cpu_ms": 1000 * (cpu[0] - cpu0)}

    def cluster_start(self) -> dict:
        import ipyparallel as ipp

        self.profile = tempfile.mkdtemp(prefix="profile_bench")
        self.cluster = ipp.Cluster(n=2, engines="local", controller_ip="127.0.0.1", profile_dir=self.profile,
                                   log_level=30, shutdown_atexit=False)
        self.cluster.start_cluster_sync()
        self.client = self.cluster.connect_client_sync()
        self.client.wait_for_engines(2, timeout=60)
        self.map(20)  # warm-up: the engines have imported what a task needs
        return {}

    def map(self, n: int) -> dict:
        view = self.client.load_balanced_view()
        t0 = time.perf_counter()
        result = view.map_sync(lambda x: x * x, range(n))
        elapsed = time.perf_counter() - t0
        assert result == [x * x for x in range(n)]
        return {"rate": n / elapsed}

    def cluster_stop(self) -> dict:
        pids = [p.pid for p in psutil.Process().children(recursive=True)]
        self.client.close()
        t0 = time.perf_counter()
        self.cluster.stop_cluster_sync()
        alive = wait_gone(pids, 5.0)
        stop = time.perf_counter() - t0
        for pid in alive:
            os.kill(pid, 9)
        wait_gone(alive, 5.0)
        self.cluster = self.client = None
        shutil.rmtree(self.profile, ignore_errors=True)
        if alive:
            raise AssertionError(f"still running 5 s after stop_cluster (killed): {alive}")
        return {"stop_s": stop}


def main() -> int:
    """Serve steps until ``quit`` or end of input."""
    # The parent of orphans (engines whose nanny exited first), so that they are reaped here.
    if ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) != 0:  # PR_SET_CHILD_SUBREAPER
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER) failed")
    proto = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # everything else printed (kernels and engines inherit it) goes to the log
    driver = Driver()
    for line in sys.stdin:
        cmd = json.loads(line)
        op = cmd.pop("op")
        if op == "quit":
            break
        try:
            result = getattr(driver, op)(**cmd)
        except Exception as e:  # reported to run.py, which fails the run
            traceback.print_exc()
            result = {"error": f"{type(e).__name__}: {e}"[:300]}
        proto.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
