#!/usr/bin/env python3
"""ZMQStream echo round-trip rate: a ROUTER ZMQStream echoes every message back.

    python perf/zmqstream_echo.py                    # this interpreter's zmq, all setups
    python perf/zmqstream_echo.py --client thread --window 1 -n 20000
    python perf/zmqstream_echo.py --compare 5        # cyzmq vs pyzmq, interleaved rounds

Setups (``--client``, ``--window``):

* ``stream``: the client is a DEALER ZMQStream on the same IOLoop; its on_recv callback
  sends the next request, keeping ``window`` requests in flight.
* ``thread``: the client is a plain DEALER in a thread doing blocking send/recv, keeping
  ``window`` requests in flight.

Each process runs a warm-up batch and ``--repeats`` timed batches of ``-n`` round trips and
prints ``@@RESULT {json}`` with the median rate (round trips per second) and every sample. ``--compare R`` runs every
setup under this interpreter and under pyzmq's (``--pyzmq-python``, default the venv in
~/.cache/cyzmq/pyzmq-27.2.0) in R interleaved rounds, each in a fresh process, and prints
the median rates and the ratio (>1 = this zmq is faster). If pyzmq's interpreter has no
tornado, this interpreter's tornado package is lent to it through a temporary PYTHONPATH
directory holding only that package (same Python version required).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any

MARK = "@@RESULT "
SETUPS = [("stream", 1), ("stream", 32), ("thread", 1), ("thread", 32)]
PYZMQ_PYTHON = os.path.expanduser("~/.cache/cyzmq/pyzmq-27.2.0/bin/python")


def endpoint(transport: str) -> str:
    if transport == "tcp":
        return "tcp://127.0.0.1:*"
    if transport == "ipc":
        return f"ipc://{tempfile.mkdtemp(prefix='zsecho-')}/echo"
    return f"inproc://zmqstream-echo-{os.getpid()}"


async def measure(client: str, window: int, n: int, transport: str, repeats: int = 3) -> list[float]:
    """Round trips per second of ``repeats`` batches of ``n`` echoes (after a warm-up batch
    of n // 10), all over one connection."""
    import zmq
    from zmq.eventloop.zmqstream import ZMQStream

    ctx = zmq.Context()
    router = ctx.socket(zmq.ROUTER)
    router.linger = 0
    router.bind(endpoint(transport))
    addr = router.last_endpoint.decode()
    server = ZMQStream(router)
    server.on_recv(server.send_multipart)  # the echo: [identity, payload] back as is
    loop = asyncio.get_running_loop()
    payload = b"x" * 32
    try:
        batches = [max(n // 10, window)] + [n] * repeats
        if client == "stream":
            rates = await _stream_client(ctx, addr, window, batches, payload, loop)
        else:
            rates = await _thread_client(ctx, addr, window, batches, payload, loop)
        return rates[1:]
    finally:
        server.close(linger=0)
        ctx.term()
        if addr.startswith("ipc://"):
            shutil.rmtree(os.path.dirname(addr[len("ipc://"):]), ignore_errors=True)


async def _stream_client(ctx: Any, addr: str, window: int, batches: list[int], payload: bytes, loop: Any) -> list[float]:
    import zmq
    from zmq.eventloop.zmqstream import ZMQStream

    dealer = ctx.socket(zmq.DEALER)
    dealer.linger = 0
    dealer.connect(addr)
    stream = ZMQStream(dealer)
    rates = []
    try:
        for total in batches:
            done = loop.create_future()
            state = {"received": 0, "sent": 0}

            def on_reply(msg: list[bytes], total: int = total, done: Any = done, state: dict[str, int] = state) -> None:
                state["received"] += 1
                if state["sent"] < total:
                    state["sent"] += 1
                    stream.send(payload)
                elif state["received"] == total:
                    done.set_result(None)

            stream.on_recv(on_reply)
            t0 = time.perf_counter()
            for _ in range(min(window, total)):
                state["sent"] += 1
                stream.send(payload)
            await asyncio.wait_for(done, 60)
            rates.append(total / (time.perf_counter() - t0))
        return rates
    finally:
        stream.close(linger=0)


async def _thread_client(ctx: Any, addr: str, window: int, batches: list[int], payload: bytes, loop: Any) -> list[float]:
    import zmq

    result: dict[str, Any] = {"rates": []}
    finished = loop.create_future()

    def run() -> None:
        dealer = ctx.socket(zmq.DEALER)
        dealer.linger = 0
        dealer.rcvtimeo = 10000
        dealer.connect(addr)
        try:
            for total in batches:
                t0 = time.perf_counter()
                for _ in range(min(window, total)):
                    dealer.send(payload)
                for i in range(total):
                    dealer.recv()
                    if i + window < total:
                        dealer.send(payload)
                result["rates"].append(total / (time.perf_counter() - t0))
        except BaseException as e:  # reported by the loop side
            result["error"] = e
        finally:
            dealer.close()
            loop.call_soon_threadsafe(finished.set_result, None)

    thread = threading.Thread(target=run)
    thread.start()
    await asyncio.wait_for(finished, 120)
    thread.join()
    if "error" in result:
        raise result["error"]
    return list(result["rates"])


def run_one(client: str, window: int, n: int, transport: str, repeats: int) -> dict[str, Any]:
    """Measure one setup in this process; returns the result record (``rate``: the median
    of the batches, ``samples``: every batch's rate)."""
    try:
        import tornado  # noqa: F401
    except ImportError:
        raise RuntimeError("tornado not installed") from None
    import zmq

    rates = asyncio.run(measure(client, window, n, transport, repeats))
    return {"client": client, "window": window, "n": n, "transport": transport,
            "rate": statistics.median(rates), "samples": rates,
            "zmq": zmq.__file__, "zmq_version": zmq.__version__}


# -- the interleaved comparison --------------------------------------------------------------

def _child_env(python: str, lend_tornado: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON") and k != "VIRTUAL_ENV"}
    if lend_tornado:
        env["PYTHONPATH"] = lend_tornado
    return env


def _has_tornado(python: str) -> bool:
    return subprocess.run([python, "-P", "-c", "import tornado"], capture_output=True,
                          cwd=tempfile.gettempdir()).returncode == 0


def _lend_tornado(python: str) -> str:
    """A temp dir holding only a symlink to this interpreter's tornado package."""
    import tornado

    mine = sys.version_info[:2]
    theirs = subprocess.run([python, "-c", "import sys; print(*sys.version_info[:2])"],
                            capture_output=True, text=True, check=True).stdout.split()
    if tuple(map(int, theirs)) != mine:
        raise SystemExit(f"{python} has no tornado and another Python version: install tornado there")
    d = tempfile.mkdtemp(prefix="zsecho-tornado-")
    os.symlink(os.path.dirname(tornado.__file__), os.path.join(d, "tornado"))
    return d


def _spawn(python: str, env: dict[str, str], client: str, window: int, n: int, transport: str,
           repeats: int) -> dict[str, Any]:
    cmd = [python, "-P", os.path.abspath(__file__), "--client", client, "--window", str(window),
           "-n", str(n), "--transport", transport, "--repeats", str(repeats)]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=tempfile.gettempdir(), timeout=300)
    for line in out.stdout.splitlines():
        if line.startswith(MARK):
            return dict(json.loads(line[len(MARK):]))
    raise RuntimeError(f"{python} failed:\n{out.stdout}\n{out.stderr}")


def compare(rounds: int, n: int, transport: str, pyzmq_python: str, setups: list[tuple[str, int]],
            repeats: int) -> None:
    """Run every setup under both interpreters, alternating which goes first, and print
    the median rates and ratios."""
    lend = None if _has_tornado(pyzmq_python) else _lend_tornado(pyzmq_python)
    try:
        _compare(rounds, n, transport, pyzmq_python, setups, repeats, lend)
    finally:
        if lend:
            shutil.rmtree(lend, ignore_errors=True)


def _compare(rounds: int, n: int, transport: str, pyzmq_python: str, setups: list[tuple[str, int]],
             repeats: int, lend: str | None) -> None:
    ours = sys.executable
    envs = {ours: _child_env(ours, None), pyzmq_python: _child_env(pyzmq_python, lend)}
    rates: dict[tuple[str, int], dict[str, list[float]]] = {s: {"ours": [], "pyzmq": []} for s in setups}
    ratios: dict[tuple[str, int], list[float]] = {s: [] for s in setups}
    for r in range(rounds):
        for client, window in setups:
            order = [(ours, "ours"), (pyzmq_python, "pyzmq")]
            if r % 2:
                order.reverse()
            got = {}
            for python, label in order:
                res = _spawn(python, envs[python], client, window, n, transport, repeats)
                got[label] = res["rate"]
                rates[(client, window)][label].append(res["rate"])
            ratios[(client, window)].append(got["ours"] / got["pyzmq"])
            print(f"round {r + 1}: {client:6s} window={window:<3d} ours {got['ours']:9.0f} rt/s  "
                  f"pyzmq {got['pyzmq']:9.0f} rt/s  ratio {got['ours'] / got['pyzmq']:.2f}", file=sys.stderr)
    print(f"ZMQStream echo over {transport}, n={n}, {rounds} interleaved rounds (median round trips/s)")
    print(f"{'client':8s} {'window':>6s} {'ours':>10s} {'pyzmq':>10s} {'ratio':>6s}  band")
    for s in setups:
        rr = ratios[s]
        print(f"{s[0]:8s} {s[1]:6d} {statistics.median(rates[s]['ours']):10.0f} "
              f"{statistics.median(rates[s]['pyzmq']):10.0f} {statistics.median(rr):6.2f}  "
              f"{min(rr):.2f}..{max(rr):.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--client", choices=["stream", "thread"], help="one setup only (default: all)")
    ap.add_argument("--window", type=int, default=1, help="requests in flight (with --client)")
    ap.add_argument("-n", type=int, default=20000, help="round trips per measurement")
    ap.add_argument("--transport", choices=["tcp", "ipc", "inproc"], default="tcp")
    ap.add_argument("--repeats", type=int, default=3, help="timed batches per process (median reported)")
    ap.add_argument("--compare", type=int, metavar="ROUNDS", help="compare with pyzmq over ROUNDS rounds")
    ap.add_argument("--pyzmq-python", default=PYZMQ_PYTHON)
    args = ap.parse_args()
    setups = [(args.client, args.window)] if args.client else SETUPS
    if args.compare:
        compare(args.compare, args.n, args.transport, args.pyzmq_python, setups, args.repeats)
        return
    for client, window in setups:
        res = run_one(client, window, args.n, args.transport, args.repeats)
        print(f"{client:6s} window={window:<3d} {res['rate']:9.0f} round trips/s  ({res['zmq']})", file=sys.stderr)
        print(MARK + json.dumps(res), flush=True)


if __name__ == "__main__":
    main()
