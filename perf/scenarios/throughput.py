"""PUSH/PULL throughput, measured at the receiver.

The sender (a thread for inproc, another process of the same interpreter for tcp) pushes
``(repeats + 1) * n`` messages back to back. The receiver times each block of ``n``
messages from the end of the previous block, so every sample is steady-state throughput
(min of what the sender and the receiver can do); the first block (connection set-up,
sender start-up) is discarded. Both ends use the scenario's ``copy`` flag.
"""
from __future__ import annotations

import threading

import zmq

from ._util import reap, spawn_peer, steady_rates

RECV_TIMEOUT_MS = 20_000  # a broken sender fails the scenario instead of hanging it


def _receive(pull: zmq.Socket, size: int, copy: bool, n: int, repeats: int) -> list[float]:
    recv = pull.recv
    if copy:
        def block() -> object:
            for _ in range(n - 1):
                recv()
            return recv()
    else:
        def block() -> object:
            for _ in range(n - 1):
                recv(copy=False)
            return recv(copy=False)

    return steady_rates(block, size, n, repeats)


def _send_all(push: zmq.Socket, size: int, copy: bool, total: int) -> None:
    msg = b"x" * size
    send = push.send
    if copy:
        for _ in range(total):
            send(msg)
    else:
        for _ in range(total):
            send(msg, copy=False)


def inproc(p: dict, repeats: int) -> dict:
    size, copy, n, hwm = p["size"], p["copy"], p["n"], p["hwm"]
    total = (repeats + 1) * n
    ctx = zmq.Context()
    pull = ctx.socket(zmq.PULL)
    pull.setsockopt(zmq.RCVHWM, hwm)
    pull.setsockopt(zmq.RCVTIMEO, RECV_TIMEOUT_MS)
    pull.bind("inproc://perf-thr")
    done = threading.Event()
    failure: list[BaseException] = []

    def sender() -> None:
        push = ctx.socket(zmq.PUSH)
        try:
            push.setsockopt(zmq.SNDHWM, hwm)
            push.connect("inproc://perf-thr")
            _send_all(push, size, copy, total)
            done.wait(60)  # keep the socket open until everything was received
        except BaseException as e:  # reported by the receiver
            failure.append(e)
        finally:
            push.close(linger=0)

    t = threading.Thread(target=sender, daemon=True)
    t.start()
    try:
        samples = _receive(pull, size, copy, n, repeats)
    except zmq.Again:
        raise RuntimeError(f"receiver timed out; sender error: {failure!r}") from None
    finally:
        done.set()
        t.join(30)
    pull.close(linger=0)
    ctx.term()
    return {"samples": samples}


def tcp(p: dict, repeats: int) -> dict:
    size, copy, n, hwm = p["size"], p["copy"], p["n"], p["hwm"]
    total = (repeats + 1) * n
    ctx = zmq.Context()
    pull = ctx.socket(zmq.PULL)
    pull.setsockopt(zmq.RCVHWM, hwm)
    pull.setsockopt(zmq.RCVTIMEO, RECV_TIMEOUT_MS)
    pull.bind("tcp://127.0.0.1:*")
    endpoint = pull.getsockopt(zmq.LAST_ENDPOINT).decode()
    peer = spawn_peer("throughput:tcp_sender", {"endpoint": endpoint, "size": size, "copy": copy,
                                                "total": total, "hwm": hwm})
    try:
        samples = _receive(pull, size, copy, n, repeats)
    except BaseException:
        peer.kill()
        peer.wait()
        raise
    reap(peer)
    pull.close(linger=0)
    ctx.term()
    return {"samples": samples}


def tcp_sender(p: dict) -> None:
    """Peer process: push ``total`` messages, then linger until they are all delivered."""
    ctx = zmq.Context()
    push = ctx.socket(zmq.PUSH)
    push.setsockopt(zmq.SNDHWM, p["hwm"])
    push.setsockopt(zmq.SNDTIMEO, RECV_TIMEOUT_MS)
    push.connect(p["endpoint"])
    _send_all(push, p["size"], p["copy"], p["total"])
    push.close(linger=RECV_TIMEOUT_MS)
    ctx.term()
