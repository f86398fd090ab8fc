"""Thread misuse (issue 15): a plain socket entered by a second thread refuses the call with
zmq.error.ConcurrentUseError instead of corrupting libzmq; a thread_safe=True socket takes the
same load without a single error.

The load runs in a subprocess under ``-X faulthandler`` with a bounded timeout (a crash is a
signal or a non-zero exit, a hang the timeout). 8 threads x 10,000 calls each on shared sockets
(``make stress``: 8 x 100,000). Every call is bracketed by a bookkeeping counter, so that each
ConcurrentUseError can be checked against an overlap that really happened, and every message
whose send succeeded is checked to arrive, whole and once.

Run this file as a script to print the figures of one load: ``python -X faulthandler
tests/test_thread_misuse.py misuse|safe THREADS CALLS [BACKEND]``.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

STRESS = bool(os.environ.get("CYZMQ_STRESS"))
THREADS = 8
CALLS = 100_000 if STRESS else 10_000


def _load(mode: str, n_threads: int, calls: int) -> dict:
    """The load itself (in the subprocess): figures of one run, as a dict."""
    import zmq
    from zmq.error import ConcurrentUseError

    ctx = zmq.Context()
    shared = ctx.socket(zmq.DEALER, thread_safe=(mode == "safe"))
    peer = ctx.socket(zmq.DEALER)  # used by the drainer thread only
    for s in (shared, peer):
        s.linger = 0
        s.sndhwm = s.rcvhwm = 0  # unbounded queues: sends never block (no Again to account for)
    shared.rcvtimeo = 5
    shared.bind("inproc://misuse")
    peer.connect("inproc://misuse")

    book = threading.Lock()
    state = {"inside": 0, "epoch": 0}
    sent: list[set] = [set() for _ in range(n_threads)]
    got_echo = [0] * n_threads
    misuses = [0] * n_threads
    unexplained = [0] * n_threads  # ConcurrentUseError with no overlapping call
    errors: list[str] = []
    done = threading.Event()
    drained: set = set()
    echoes_sent = [0]
    drain_errors: list[str] = []

    def drainer() -> None:
        peer.rcvtimeo = 20
        while True:
            try:
                parts = peer.recv_multipart()
            except zmq.Again:
                if done.is_set():
                    return
                continue
            except Exception as e:  # noqa: BLE001 - reported
                drain_errors.append(repr(e))
                return
            if len(parts) != 2:
                drain_errors.append(f"torn message {parts!r}")
                continue
            key = (int(parts[0]), int(parts[1]))
            if key in drained:
                drain_errors.append(f"duplicate {key}")
            drained.add(key)
            if key[1] % 10 == 0:
                peer.send(b"echo")
                echoes_sent[0] += 1

    def worker(tid: int) -> None:
        mine = sent[tid]
        tag = b"%d" % tid
        for i in range(calls):
            op = i % 4
            if i % 16 == 15:
                time.sleep(0)  # hand the GIL over now and then: every thread gets calls through
            with book:
                before = state["inside"]
                state["inside"] += 1
                state["epoch"] += 1
                epoch = state["epoch"]
            try:
                if op < 2:
                    shared.send_multipart([tag, b"%d" % i], zmq.NOBLOCK)
                    mine.add((tid, i))
                elif op == 2:
                    if i % 1000 == 2:
                        shared.recv()  # blocking (RCVTIMEO 5 ms): others overlap it for sure
                    else:
                        shared.recv(zmq.NOBLOCK)
                    got_echo[tid] += 1
                else:
                    shared.getsockopt(zmq.EVENTS)
            except ConcurrentUseError:
                misuses[tid] += 1
                with book:
                    overlapped = before > 0 or state["epoch"] != epoch or state["inside"] > 1
                if not overlapped:
                    unexplained[tid] += 1
            except zmq.Again:
                pass
            except Exception as e:  # noqa: BLE001 - reported
                errors.append(f"thread {tid} call {i}: {e!r}")
                if len(errors) > 20:
                    return
            finally:
                with book:
                    state["inside"] -= 1

    d = threading.Thread(target=drainer)
    d.start()
    start = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(t,)) for t in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    done.set()
    d.join()
    # The owner (this thread, alone now) finds the socket intact: the echoes left, then a
    # round trip.
    left = 0
    while True:
        try:
            shared.recv(zmq.NOBLOCK)
            left += 1
        except zmq.Again:
            break
    usable = True
    try:
        shared.send_multipart([b"-1", b"-1"])
        peer.rcvtimeo = 2000
        usable = peer.recv_multipart() == [b"-1", b"-1"]
        peer.send(b"back")
        shared.rcvtimeo = 2000
        usable = usable and shared.recv() == b"back"
    except zmq.ZMQError as e:
        errors.append(f"owner afterwards: {e!r}")
        usable = False
    all_sent = set().union(*sent)
    shared.close()
    peer.close()
    ctx.term()
    return {
        "mode": mode,
        "backend": zmq.backend.BACKEND if hasattr(zmq.backend, "BACKEND") else "?",
        "threads": n_threads,
        "calls": n_threads * calls,
        "seconds": round(elapsed, 3),
        "misuses": sum(misuses),
        "misuses_by_thread": misuses,
        "unexplained": sum(unexplained),
        "errors": errors + drain_errors,
        "sent": len(all_sent),
        "lost": len(all_sent - drained),
        "unsent_arrived": len(drained - all_sent),
        "echoes_sent": echoes_sent[0],
        "echoes_received": sum(got_echo) + left,
        "usable": usable,
    }


def run_load(mode: str, n_threads: int = THREADS, calls: int = CALLS, backend: str | None = None) -> dict:
    """Run :func:`_load` in a fresh interpreter under faulthandler; return its figures."""
    env = dict(os.environ)
    if backend:
        env["ZMQ_BACKEND"] = backend
    limit = 60 + calls * n_threads / 2000  # generous: 2 shared cores
    proc = subprocess.run(
        [sys.executable, "-X", "faulthandler", str(Path(__file__)), mode, str(n_threads), str(calls)],
        capture_output=True, text=True, timeout=limit, env=env,
    )
    assert proc.returncode == 0, f"exit {proc.returncode} (negative: a signal)\n{proc.stderr[-4000:]}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _check_no_loss(r: dict) -> None:
    assert r["errors"] == [], r["errors"]
    assert r["lost"] == 0 and r["unsent_arrived"] == 0, r
    assert r["echoes_received"] == r["echoes_sent"], r
    assert r["usable"], r


@pytest.mark.timeout(600 if STRESS else 150)
def test_misuse_of_a_shared_plain_socket_is_refused_never_corrupting(record_property) -> None:
    r = run_load("misuse")
    record_property("figures", r)
    print(json.dumps(r))
    # Every refused call overlapped another thread's; none of the successful ones tore or
    # lost a message, and the owner still uses the socket afterwards.
    assert r["misuses"] > 0, r
    assert r["unexplained"] == 0, r
    _check_no_loss(r)


@pytest.mark.timeout(600 if STRESS else 150)
def test_thread_safe_socket_takes_the_same_load_without_errors(record_property) -> None:
    r = run_load("safe")
    record_property("figures", r)
    print(json.dumps(r))
    assert r["misuses"] == 0, r
    assert r["sent"] == THREADS * CALLS // 2, r
    _check_no_loss(r)


if __name__ == "__main__":
    mode, n, calls = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    print(json.dumps(_load(mode, n, calls)))
