"""zmq.asyncio scenarios: PUSH/PULL throughput and REQ/REP round trips with ``await``.

Every loop is plain application code (``await push.send(msg)``, ``await pull.recv()``) on
``zmq.asyncio`` sockets under ``asyncio.run``, so whatever each library does to turn a
libzmq call into an awaitable -- futures, FD watching, event-loop round trips -- is part
of the number. Timeouts: each scenario's coroutine runs under one ``asyncio.wait_for``
(no RCVTIMEO, which would add a timer per waiting operation to the measured path), and
peer processes are reaped with a timeout.

- ``pushpull_inproc``: a sender task and a receiver task on one loop; the receiver times
  blocks of ``n`` messages in steady state, exactly like ``throughput.py``.
- ``pushpull_tcp``: the async receiver against a sender process of the same interpreter
  (the synchronous ``throughput.tcp_sender``).
- ``reqrep``: us per ``await req.send(64 B)`` + ``await req.recv()`` against an async
  echoing REP: a task on the same loop for inproc, an asyncio process for tcp. Everything
  (both processes, libzmq's I/O threads) is pinned to one CPU, like ``latency.py``.
"""
from __future__ import annotations

import asyncio
from time import perf_counter, perf_counter_ns
from typing import Any, Awaitable

import zmq
import zmq.asyncio

from ._util import pin_to, pin_to_one_cpu, reap, spawn_peer

TIMEOUT_S = 60.0  # a whole scenario process (or peer); a hang fails instead of stalling


def _run(coro: Awaitable[Any]) -> Any:
    async def guarded() -> Any:
        return await asyncio.wait_for(coro, TIMEOUT_S)
    return asyncio.run(guarded())


# -- PUSH/PULL throughput ------------------------------------------------------------------

async def _areceive(pull: zmq.asyncio.Socket, size: int, n: int, repeats: int) -> list[float]:
    """msg/s of ``repeats`` blocks of ``n`` messages, after one discarded warm-up block."""
    recv = pull.recv

    async def block() -> Any:
        for _ in range(n - 1):
            await recv()
        return await recv()

    last = await block()
    if len(last) != size or last[:1] != b"x":
        raise RuntimeError(f"received {len(last)} bytes, expected {size}")
    samples = []
    t_prev = perf_counter()
    for _ in range(repeats):
        await block()
        t = perf_counter()
        samples.append(n / (t - t_prev))
        t_prev = t
    return samples


async def _sender(push: zmq.asyncio.Socket, size: int, total: int) -> None:
    msg = b"x" * size
    send = push.send
    for _ in range(total):
        await send(msg)


def pushpull_inproc(p: dict, repeats: int) -> dict:
    size, n, hwm = p["size"], p["n"], p["hwm"]
    total = (repeats + 1) * n

    async def main() -> list[float]:
        ctx = zmq.asyncio.Context()
        pull = ctx.socket(zmq.PULL)
        push = ctx.socket(zmq.PUSH)
        try:
            pull.setsockopt(zmq.RCVHWM, hwm)
            push.setsockopt(zmq.SNDHWM, hwm)
            pull.bind("inproc://perf-aio-thr")
            push.connect("inproc://perf-aio-thr")
            sending = asyncio.ensure_future(_sender(push, size, total))
            try:
                samples = await _areceive(pull, size, n, repeats)
                await sending
            finally:
                sending.cancel()
            return samples
        finally:
            push.close(linger=0)
            pull.close(linger=0)
            ctx.term()

    return {"samples": _run(main())}


def pushpull_tcp(p: dict, repeats: int) -> dict:
    size, n, hwm = p["size"], p["n"], p["hwm"]
    total = (repeats + 1) * n

    async def main() -> list[float]:
        ctx = zmq.asyncio.Context()
        pull = ctx.socket(zmq.PULL)
        try:
            pull.setsockopt(zmq.RCVHWM, hwm)
            pull.bind("tcp://127.0.0.1:*")
            endpoint = pull.getsockopt(zmq.LAST_ENDPOINT).decode()
            peer = spawn_peer("throughput:tcp_sender", {"endpoint": endpoint, "size": size,
                                                        "copy": True, "total": total, "hwm": hwm})
            try:
                samples = await _areceive(pull, size, n, repeats)
            except BaseException:
                peer.kill()
                peer.wait()
                raise
            reap(peer)
            return samples
        finally:
            pull.close(linger=0)
            ctx.term()

    return {"samples": _run(main())}


# -- REQ/REP round trips --------------------------------------------------------------------

async def _echo(rep: zmq.asyncio.Socket, total: int) -> None:
    recv, send = rep.recv, rep.send
    for _ in range(total):
        await send(await recv())


async def _timed_round_trips(req: zmq.asyncio.Socket, size: int, n: int, repeats: int) -> list[float]:
    """us per round trip of ``repeats`` batches of ``n``, after one checked exchange and
    one discarded warm-up batch (the peer echoes ``(repeats + 1) * n + 1`` requests)."""
    msg = b"x" * size
    await req.send(msg)
    if await req.recv() != msg:
        raise RuntimeError("REP did not echo the request")
    send, recv = req.send, req.recv

    async def batch() -> None:
        for _ in range(n):
            await send(msg)
            await recv()

    samples = []
    for i in range(1 + repeats):
        t0 = perf_counter_ns()
        await batch()
        dt = perf_counter_ns() - t0
        if i:
            samples.append(dt / n / 1000.0)
    return samples


def reqrep(p: dict, repeats: int) -> dict:
    transport, size, n = p["transport"], p["size"], p["n"]
    total = (repeats + 1) * n + 1
    cpu = pin_to_one_cpu()  # before any Context: libzmq's I/O threads inherit the mask

    async def main() -> list[float]:
        ctx = zmq.asyncio.Context()
        req = ctx.socket(zmq.REQ)
        rep = None
        try:
            if transport == "inproc":
                rep = ctx.socket(zmq.REP)
                rep.bind("inproc://perf-aio-reqrep")
                req.connect("inproc://perf-aio-reqrep")
                echoing = asyncio.ensure_future(_echo(rep, total))
                try:
                    samples = await _timed_round_trips(req, size, n, repeats)
                    await echoing
                finally:
                    echoing.cancel()
                return samples
            req.bind("tcp://127.0.0.1:*")
            endpoint = req.getsockopt(zmq.LAST_ENDPOINT).decode()
            peer = spawn_peer("aio:rep_peer", {"endpoint": endpoint, "total": total, "cpu": cpu})
            try:
                samples = await _timed_round_trips(req, size, n, repeats)
            except BaseException:
                peer.kill()
                peer.wait()
                raise
            reap(peer)
            return samples
        finally:
            if rep is not None:
                rep.close(linger=0)
            req.close(linger=0)
            ctx.term()

    return {"samples": _run(main()), "extra": {"cpu": cpu}}


def rep_peer(p: dict) -> None:
    """Peer process: an asyncio REP echoing ``total`` requests, on the requester's CPU."""
    pin_to(p["cpu"])

    async def main() -> None:
        ctx = zmq.asyncio.Context()
        rep = ctx.socket(zmq.REP)
        try:
            rep.connect(p["endpoint"])
            await _echo(rep, p["total"])
        finally:
            rep.close(linger=1000)
            ctx.term()

    _run(main())

