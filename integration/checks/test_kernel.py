"""ipykernel driven by jupyter_client's blocking and asyncio clients, as a front end drives it.

Each test starts its own kernel on 127.0.0.1 (the venv's own ``python3`` kernel, so it runs the
same zmq as the client) and shuts it down at the end.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import Any

import psutil
import pytest
from conftest import listening_addresses, wait_gone
from jupyter_client import AsyncKernelManager, KernelManager

TIMEOUT = 30


class Flavour:
    """Runs the same scenario with the blocking client (calls return values) or the asyncio
    client (calls return coroutines, run to completion on this flavour's own event loop)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.is_async = name == "async"
        self.loop = asyncio.new_event_loop() if self.is_async else None

    def run(self, value: Any) -> Any:
        """The result of a client/manager call: awaited on the loop for the asyncio flavour."""
        if self.is_async:
            assert self.loop is not None
            return self.loop.run_until_complete(value)
        return value

    def close(self) -> None:
        """Close the event loop of the asyncio flavour."""
        if self.loop is not None:
            self.loop.run_until_complete(self.loop.shutdown_asyncgens())
            self.loop.close()
            asyncio.set_event_loop(None)


class Kernel:
    """A started kernel: its manager, a connected client, and its pid."""

    def __init__(self, fl: Flavour) -> None:
        self.fl = fl
        if fl.is_async:
            asyncio.set_event_loop(fl.loop)
        self.km = (AsyncKernelManager if fl.is_async else KernelManager)(kernel_name="python3")
        self.km.ip = "127.0.0.1"
        fl.run(self.km.start_kernel())
        self.pid = self.km.provisioner.pid
        self.kc = self.km.client()
        self.kc.start_channels()
        fl.run(self.kc.wait_for_ready(timeout=60))

    def execute(self, code: str, timeout: float = TIMEOUT) -> tuple[dict, list[dict]]:
        """Execute ``code``; return its reply and the iopub messages of the execution."""
        outputs: list[dict] = []
        reply = self.fl.run(self.kc.execute_interactive(code, timeout=timeout, output_hook=outputs.append))
        return reply, outputs

    def stop(self) -> None:
        """Close the channels and make sure the kernel is gone (idempotent)."""
        self.kc.stop_channels()
        if self.fl.run(self.km.is_alive()):
            self.fl.run(self.km.shutdown_kernel(now=True))
        self.fl.run(self.km.cleanup_resources())


@pytest.fixture(params=["sync", "async"])
def kernel(request: pytest.FixtureRequest) -> Iterator[Kernel]:
    fl = Flavour(request.param)
    k = None
    try:
        k = Kernel(fl)
        yield k
    finally:
        if k is not None:
            k.stop()
        fl.close()


def streams(outputs: list[dict], name: str) -> str:
    return "".join(m["content"]["text"] for m in outputs
                   if m["msg_type"] == "stream" and m["content"]["name"] == name)


def test_execute_output(kernel: Kernel) -> None:
    reply, outputs = kernel.execute("import sys\nprint('hello')\nprint('oops', file=sys.stderr)\n6 * 7")
    assert reply["content"]["status"] == "ok"
    assert streams(outputs, "stdout") == "hello\n"
    assert streams(outputs, "stderr") == "oops\n"
    results = [m["content"]["data"]["text/plain"] for m in outputs if m["msg_type"] == "execute_result"]
    assert results == ["42"]
    assert [m["content"]["execution_state"] for m in outputs if m["msg_type"] == "status"] == ["busy", "idle"]


def test_listens_on_loopback_only(kernel: Kernel) -> None:
    addrs = listening_addresses([psutil.Process(kernel.pid)])
    assert addrs and addrs <= {"127.0.0.1"}, addrs


def test_complete(kernel: Kernel) -> None:
    kernel.execute("alpha_beta_gamma = 1")
    reply = kernel.fl.run(kernel.kc.complete("alpha_be", 8, reply=True, timeout=TIMEOUT))
    assert reply["content"]["status"] == "ok"
    assert "alpha_beta_gamma" in reply["content"]["matches"]


def test_inspect(kernel: Kernel) -> None:
    reply = kernel.fl.run(kernel.kc.inspect("len", 3, reply=True, timeout=TIMEOUT))
    assert reply["content"]["status"] == "ok" and reply["content"]["found"]
    assert "len" in reply["content"]["data"]["text/plain"]


def test_exception_in_cell(kernel: Kernel) -> None:
    reply, outputs = kernel.execute("def f():\n    return 1 / 0\nf()")
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "ZeroDivisionError"
    errors = [m["content"] for m in outputs if m["msg_type"] == "error"]
    assert len(errors) == 1 and errors[0]["ename"] == "ZeroDivisionError"
    assert any("f()" in line for line in errors[0]["traceback"])
    reply, _ = kernel.execute("1")  # the kernel goes on
    assert reply["content"]["status"] == "ok"


def test_interrupt(kernel: Kernel) -> None:
    kc, fl = kernel.kc, kernel.fl
    msg_id = kc.execute("import time\nprint('sleeping', flush=True)\ntime.sleep(60)")
    # Interrupt once the cell's code runs (as a user would, seeing its output).
    deadline = time.monotonic() + TIMEOUT
    while True:
        msg = fl.run(kc.get_iopub_msg(timeout=TIMEOUT))
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "stream":
            break
        assert time.monotonic() < deadline
    t0 = time.monotonic()
    fl.run(kernel.km.interrupt_kernel())
    while True:  # earlier replies (kernel_info from wait_for_ready) may still be queued
        reply = fl.run(kc.get_shell_msg(timeout=10))
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    assert time.monotonic() - t0 < 10
    # As a front end does, wait for the cell's idle status: ipykernel sends the error reply
    # before it starts aborting queued requests (stop_on_error), so a request sent on the reply
    # alone may land in that window and be aborted, a race of ipykernel's whatever the zmq.
    while True:
        msg = fl.run(kc.get_iopub_msg(timeout=TIMEOUT))
        if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status"
                and msg["content"]["execution_state"] == "idle"):
            break
    reply, outputs = kernel.execute("print('after')")
    assert reply["content"]["status"] == "ok" and streams(outputs, "stdout") == "after\n"


def test_restart(kernel: Kernel) -> None:
    kernel.execute("state = 'before restart'")
    old_pid = kernel.pid
    kernel.fl.run(kernel.km.restart_kernel(now=False))
    kernel.pid = kernel.km.provisioner.pid
    assert kernel.pid != old_pid
    _, left = wait_gone([old_pid], 5)
    assert not left, "the kernel before the restart still runs"
    kernel.fl.run(kernel.kc.wait_for_ready(timeout=60))
    reply, outputs = kernel.execute("print('state' in dir())")
    assert reply["content"]["status"] == "ok"
    assert streams(outputs, "stdout") == "False\n"


def test_500_executes(kernel: Kernel, metric: Any) -> None:
    n = 500
    kc, fl = kernel.kc, kernel.fl
    kernel.execute("x = 0")
    t0 = time.perf_counter()
    if fl.is_async:
        async def many() -> list[dict]:
            return [await kc.execute_interactive(f"x = {i}", timeout=TIMEOUT, output_hook=lambda m: None)
                    for i in range(n)]
        replies = fl.run(many())
    else:
        replies = [kc.execute_interactive(f"x = {i}", timeout=TIMEOUT, output_hook=lambda m: None)
                   for i in range(n)]
    elapsed = time.perf_counter() - t0
    assert all(r["content"]["status"] == "ok" for r in replies)
    assert [r["content"]["execution_count"] for r in replies] == list(range(2, n + 2))
    reply, outputs = kernel.execute("print(x)")
    assert streams(outputs, "stdout") == f"{n - 1}\n"
    metric(f"kernel executes/s ({fl.name})", n / elapsed, "/s", True)


def exited(pid: int) -> bool:
    """Whether ``pid`` has exited (a zombie not yet reaped by its parent counts as exited)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


def test_shutdown_exits_within_1s(kernel: Kernel, metric: Any) -> None:
    kernel.execute("1")
    proc = kernel.km.provisioner.process
    exit_at: list[float] = []

    def watch() -> None:  # when the process exits, to the ms (shutdown_kernel polls every 0.1 s)
        while not exited(kernel.pid) and time.perf_counter() - t0 < 10:
            time.sleep(0.002)
        exit_at.append(time.perf_counter())

    t0 = time.perf_counter()
    watcher = threading.Thread(target=watch)
    watcher.start()
    kernel.fl.run(kernel.km.shutdown_kernel(now=False))
    elapsed = time.perf_counter() - t0
    watcher.join()
    _, left = wait_gone([kernel.pid], 1.0 - min(elapsed, 1.0))
    assert not left, "the kernel process still runs after shutdown"
    # shutdown_kernel waits up to shutdown_wait_time (5 s) for the kernel to exit, then kills it.
    assert proc.returncode == 0, f"the kernel did not exit by itself (returncode {proc.returncode})"
    metric(f"kernel exit after shutdown request s ({kernel.fl.name})", exit_at[0] - t0, "s", False)
    metric(f"kernel shutdown_kernel() s ({kernel.fl.name}; it polls every 0.1 s)", elapsed, "s", False)
    assert exit_at[0] - t0 < 1.0 and elapsed < 1.0
