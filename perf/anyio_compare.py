"""Compare zmq.anyio (asyncio and trio backends) with zmq.asyncio and with the zmq-anyio package.

Measures PUSH/PULL inproc throughput (64-byte messages) and REQ/REP inproc round trips per
second, all in one event loop (a producer/server task and a consumer/client task), best of
``--repeat`` runs. zmq-anyio is run in its own venv (it brings its own pyzmq) by re-running
this script there with ``--impl zmq-anyio-*``::

    make bench-anyio     # builds .venv-zmqanyio (zmq-anyio pinned in the Makefile), then runs this
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from typing import Any

MSG = b"x" * 64
OURS = ("zmq.anyio[asyncio]", "zmq.anyio[trio]", "zmq.asyncio")
THEIRS = ("zmq-anyio[asyncio]", "zmq-anyio[trio]")


def _impl(name: str) -> tuple[str, str, str]:
    """(kind, AnyIO backend, name) of implementation ``name``."""
    backend = "trio" if "trio" in name else "asyncio"
    if name.startswith("zmq.anyio"):
        return "ours-anyio", backend, name
    if name == "zmq.asyncio":
        return "ours-asyncio", backend, name
    return "zmq-anyio", backend, name


async def _throughput(kind: str, n: int) -> float:
    import zmq

    if kind == "zmq-anyio":
        import anyio
        import zmq_anyio

        ctx = zmq.Context()
        push, pull = zmq_anyio.Socket(ctx.socket(zmq.PUSH)), zmq_anyio.Socket(ctx.socket(zmq.PULL))
        push.bind("inproc://tp")
        pull.connect("inproc://tp")
        async with push, pull, anyio.create_task_group() as tg:
            async def produce() -> None:
                for _ in range(n):
                    await push.asend(MSG)
            t0 = time.perf_counter()
            tg.start_soon(produce)
            for _ in range(n):
                await pull.arecv()
            elapsed = time.perf_counter() - t0
        push.close(linger=0)
        pull.close(linger=0)
        ctx.term()
        return n / elapsed
    if kind == "ours-anyio":
        import anyio

        import zmq.anyio as mod
    else:
        import asyncio

        import zmq.asyncio as mod  # type: ignore[no-redef]
    ctx = mod.Context()
    push, pull = ctx.socket(zmq.PUSH), ctx.socket(zmq.PULL)
    push.bind("inproc://tp")
    pull.connect("inproc://tp")

    async def produce() -> None:
        for _ in range(n):
            await push.send(MSG)

    t0 = time.perf_counter()
    if kind == "ours-anyio":
        async with anyio.create_task_group() as tg:
            tg.start_soon(produce)
            for _ in range(n):
                await pull.recv()
    else:
        task = asyncio.ensure_future(produce())
        for _ in range(n):
            await pull.recv()
        await task
    elapsed = time.perf_counter() - t0
    push.close(linger=0)
    pull.close(linger=0)
    ctx.term()
    return n / elapsed


async def _round_trip(kind: str, n: int) -> float:
    import zmq

    if kind == "zmq-anyio":
        import anyio
        import zmq_anyio

        ctx = zmq.Context()
        req, rep = zmq_anyio.Socket(ctx.socket(zmq.REQ)), zmq_anyio.Socket(ctx.socket(zmq.REP))
        rep.bind("inproc://rt")
        req.connect("inproc://rt")
        async with req, rep, anyio.create_task_group() as tg:
            async def serve() -> None:
                for _ in range(n):
                    await rep.asend(await rep.arecv())
            tg.start_soon(serve)
            t0 = time.perf_counter()
            for _ in range(n):
                await req.asend(MSG)
                await req.arecv()
            elapsed = time.perf_counter() - t0
        req.close(linger=0)
        rep.close(linger=0)
        ctx.term()
        return n / elapsed
    if kind == "ours-anyio":
        import anyio

        import zmq.anyio as mod
    else:
        import asyncio

        import zmq.asyncio as mod  # type: ignore[no-redef]
    ctx = mod.Context()
    req, rep = ctx.socket(zmq.REQ), ctx.socket(zmq.REP)
    rep.bind("inproc://rt")
    req.connect("inproc://rt")

    async def serve() -> None:
        for _ in range(n):
            await rep.send(await rep.recv())

    async def client() -> float:
        t0 = time.perf_counter()
        for _ in range(n):
            await req.send(MSG)
            await req.recv()
        return time.perf_counter() - t0

    if kind == "ours-anyio":
        async with anyio.create_task_group() as tg:
            tg.start_soon(serve)
            elapsed = await client()
    else:
        task = asyncio.ensure_future(serve())
        elapsed = await client()
        await task
    req.close(linger=0)
    rep.close(linger=0)
    ctx.term()
    return n / elapsed


def measure(name: str, n_tp: int, n_rt: int, repeat: int) -> dict[str, float]:
    """Best-of-``repeat`` throughput (msg/s) and round-trip rate (rt/s) of ``name``."""
    kind, backend, _ = _impl(name)
    best = {"throughput": 0.0, "round_trip": 0.0}
    for _ in range(repeat):
        for key, fn, n in (("throughput", _throughput, n_tp), ("round_trip", _round_trip, n_rt)):
            if kind == "ours-asyncio":
                import asyncio

                value = asyncio.run(fn(kind, n))
            else:
                import anyio

                value = anyio.run(fn, kind, n, backend=backend)
            best[key] = max(best[key], value)
    return best


def main() -> None:
    """Run every implementation and print a table (or, with ``--impl``, one JSON result)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--impl", help="measure only this implementation, print JSON")
    parser.add_argument("--venv-zmqanyio", default=os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), ".venv-zmqanyio"))
    parser.add_argument("--n-throughput", type=int, default=100_000)
    parser.add_argument("--n-round-trip", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = (args.n_throughput, args.n_round_trip, args.repeat)
    if args.impl:
        print(json.dumps(measure(args.impl, *sizes)))
        return
    results: dict[str, dict[str, float] | str] = {}
    # Interleaved, best of each: on a shared machine the load drifts between runs.
    for _ in range(args.repeat):
        for name in OURS:
            r = measure(name, sizes[0], sizes[1], 1)
            old = results.get(name)
            results[name] = r if not isinstance(old, dict) else {k: max(v, old[k]) for k, v in r.items()}
    python = os.path.abspath(os.path.join(args.venv_zmqanyio, "bin", "python"))
    for name in THEIRS:
        if not os.path.exists(python):
            results[name] = f"not installed ({python} missing)"
            continue
        # run from / so this checkout's zmq cannot shadow that venv's pyzmq
        cmd = [python, os.path.abspath(__file__), "--impl", name, "--n-throughput", str(sizes[0]),
               "--n-round-trip", str(sizes[1]), "--repeat", str(sizes[2])]
        out = subprocess.run(cmd, cwd="/", capture_output=True, text=True, timeout=600)
        results[name] = json.loads(out.stdout) if out.returncode == 0 else f"failed: {out.stderr.strip()[-200:]}"
    print(f"{'implementation':22} {'PUSH/PULL 64 B msg/s':>22} {'REQ/REP rt/s':>14}")
    for name, r in results.items():
        if isinstance(r, str):
            print(f"{name:22} {r}")
        else:
            print(f"{name:22} {r['throughput']:>22,.0f} {r['round_trip']:>14,.0f}")


if __name__ == "__main__":
    sys.exit(main())
