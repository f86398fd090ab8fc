"""REQ/REP round-trip latency.

Both ends are pinned to the same CPU before any Context exists (libzmq's I/O threads
inherit the mask): on this VM a wake-up that crosses CPUs adds ~20 us of noise, which
would swamp the binding's share of a round trip. The REP end echoes every request; it is
a thread for inproc and another process of the same interpreter for ipc and tcp.
"""
from __future__ import annotations

import os
import tempfile
import threading

import zmq

from ._util import pin_to, pin_to_one_cpu, reap, spawn_peer, timed_batches

TIMEOUT_MS = 20_000


def _echo(rep: zmq.Socket, total: int) -> None:
    for _ in range(total):
        rep.send(rep.recv())


def reqrep(p: dict, repeats: int) -> dict:
    transport, size, n = p["transport"], p["size"], p["n"]
    total = (repeats + 1) * n + 1
    cpu = pin_to_one_cpu()
    ctx = zmq.Context()
    req = ctx.socket(zmq.REQ)
    req.setsockopt(zmq.RCVTIMEO, TIMEOUT_MS)
    peer = thread = None
    ipc_path = None
    if transport == "inproc":
        rep = ctx.socket(zmq.REP)
        rep.setsockopt(zmq.RCVTIMEO, TIMEOUT_MS)
        rep.bind("inproc://perf-reqrep")
        req.connect("inproc://perf-reqrep")
        thread = threading.Thread(target=_echo, args=(rep, total), daemon=True)
        thread.start()  # the thread start is the memory barrier that hands `rep` over
    else:
        if transport == "ipc":
            ipc_path = os.path.join(tempfile.gettempdir(), f"cyzmq-perf-{os.getpid()}.ipc")
            req.bind(f"ipc://{ipc_path}")
            endpoint = f"ipc://{ipc_path}"
        else:
            req.bind("tcp://127.0.0.1:*")
            endpoint = req.getsockopt(zmq.LAST_ENDPOINT).decode()
        peer = spawn_peer("latency:rep_peer", {"endpoint": endpoint, "total": total, "cpu": cpu})

    msg = b"x" * size
    try:
        req.send(msg)
        if req.recv() != msg:
            raise RuntimeError("REP did not echo the request")

        def batch(n: int) -> None:
            for _ in range(n):
                req.send(msg)
                req.recv()

        samples = [ns / 1000.0 for ns in timed_batches(batch, n, repeats)]
    except BaseException:
        if peer is not None:
            peer.kill()
            peer.wait()
        raise
    finally:
        if ipc_path and os.path.exists(ipc_path):
            os.unlink(ipc_path)
    if thread is not None:
        thread.join(10)
        rep.close(linger=0)
    if peer is not None:
        reap(peer)
    req.close(linger=0)
    ctx.term()
    return {"samples": samples, "extra": {"cpu": cpu}}


def rep_peer(p: dict) -> None:
    """Peer process: echo ``total`` requests, pinned to the requester's CPU."""
    pin_to(p["cpu"])
    ctx = zmq.Context()
    rep = ctx.socket(zmq.REP)
    rep.setsockopt(zmq.RCVTIMEO, TIMEOUT_MS)
    rep.connect(p["endpoint"])
    _echo(rep, p["total"])
    rep.close(linger=1000)
    ctx.term()
