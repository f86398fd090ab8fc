"""Load: many sockets x many messages across threads and processes, every message counted.

Senders live in threads of this process and in child processes; everything goes over tcp
127.0.0.1. Each message carries (sender id, sequence number); the receiver checks that
every sender's sequence arrived complete, without duplicates and in order (libzmq keeps
per-connection order; fair queuing interleaves senders but never reorders one).

Default: 20 sockets x 500 messages; CYZMQ_STRESS=1: 100 x 1,000.
"""
from __future__ import annotations

import os
import struct
import subprocess
import sys
import textwrap
import threading
import time

import pytest

import zmq

STRESS = bool(os.environ.get("CYZMQ_STRESS"))
N_SOCKETS = 100 if STRESS else 20
N_MSGS = 1000 if STRESS else 500
N_PROCS = 4 if STRESS else 2
DEADLINE_S = 50.0
HDR = struct.Struct("!II")

CHILD = textwrap.dedent(r"""
    import struct, sys, zmq
    HDR = struct.Struct("!II")
    pattern, endpoint, first_id, n_sockets, n_msgs = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:6])
    ctx = zmq.Context()
    kind = zmq.PUSH if pattern == "push" else zmq.DEALER
    socks = []
    for i in range(n_sockets):
        s = ctx.socket(kind)
        s.linger = 5000; s.sndtimeo = 20000; s.rcvtimeo = 20000
        if pattern == "dealer":
            s.routing_id = b"p%d" % (first_id + i)
        s.connect(endpoint)
        socks.append(s)
    # interleave the sockets so that they all stream at once
    for seq in range(n_msgs):
        for i, s in enumerate(socks):
            s.send(HDR.pack(first_id + i, seq) + b"x" * (seq % 64))
            if pattern == "dealer" and seq % 50 == 49:     # keep the replies flowing
                for _ in range(50):
                    r = s.recv()
                    assert HDR.unpack_from(r)[0] == first_id + i
    if pattern == "dealer":
        for i, s in enumerate(socks):
            for _ in range(n_msgs % 50):
                s.recv()
    for s in socks:
        s.close()
    ctx.term()
    print("done", flush=True)
""")


class Ledger:
    """Per-sender sequence bookkeeping at the receiver."""

    def __init__(self, n_senders: int) -> None:
        self.next = [0] * n_senders
        self.dups = 0
        self.reordered = 0
        self.total = 0

    def record(self, sender: int, seq: int) -> None:
        self.total += 1
        if seq < self.next[sender]:
            self.dups += 1
        elif seq > self.next[sender]:
            self.reordered += 1  # a gap: a lost or reordered message
            self.next[sender] = seq + 1
        else:
            self.next[sender] = seq + 1

    def check(self, n_msgs: int) -> None:
        lost = sum(n_msgs - n for n in self.next)
        summary = (f"{self.total} received from {len(self.next)} senders: {lost} lost, {self.dups} duplicated, "
                   f"{self.reordered} out of order")
        print(f"\n[load] {summary}")
        assert (lost, self.dups, self.reordered) == (0, 0, 0), summary
        assert self.total == n_msgs * len(self.next)


def _spawn_children(pattern: str, endpoint: str, first_id: int, n: int) -> list[subprocess.Popen]:
    procs = []
    per = -(-n // N_PROCS)
    for start in range(first_id, first_id + n, per):
        count = min(per, first_id + n - start)
        procs.append(subprocess.Popen([sys.executable, "-c", CHILD, pattern, endpoint, str(start), str(count),
                                       str(N_MSGS)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    return procs


def _reap(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        try:
            out, err = p.communicate(timeout=DEADLINE_S)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
        assert p.returncode == 0 and out.strip() == "done", err[-2000:]


def _kill(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.communicate()


def test_push_pull_threads_and_processes(context):
    sink = context.socket(zmq.PULL)
    sink.linger = 0
    sink.rcvhwm = 0
    sink.bind("tcp://127.0.0.1:*")
    endpoint = sink.last_endpoint.decode()
    n_threads = N_SOCKETS // 2
    n_proc_socks = N_SOCKETS - n_threads
    errors: list[BaseException] = []
    go = threading.Event()

    def sender(sender_id: int) -> None:
        s = context.socket(zmq.PUSH)
        s.linger = 5000
        s.sndtimeo = 20_000
        try:
            s.connect(endpoint)
            go.wait(DEADLINE_S)
            for seq in range(N_MSGS):
                s.send(HDR.pack(sender_id, seq) + b"t" * (seq % 64))
        except BaseException as e:  # noqa: BLE001
            errors.append(e)
        finally:
            s.close()

    threads = [threading.Thread(target=sender, args=(i,), daemon=True) for i in range(n_threads)]
    procs: list[subprocess.Popen] = []
    try:
        for t in threads:
            t.start()
        procs = _spawn_children("push", endpoint, n_threads, n_proc_socks)
        go.set()
        ledger = Ledger(N_SOCKETS)
        deadline = time.monotonic() + DEADLINE_S
        while ledger.total < N_SOCKETS * N_MSGS and time.monotonic() < deadline:
            if sink.poll(1000):
                ledger.record(*HDR.unpack_from(sink.recv()))
        while sink.poll(200):  # anything beyond the expected count is a duplicate
            ledger.record(*HDR.unpack_from(sink.recv()))
        ledger.check(N_MSGS)
        _reap(procs)
    finally:
        _kill(procs)
        for t in threads:
            t.join(DEADLINE_S)
        sink.close()
    assert not errors, errors


def test_router_echo_to_dealers_in_threads_and_processes(context):
    """A ROUTER echo server in its own thread serves DEALERs in threads and processes;
    the server checks every request's sequence, each client every reply's."""
    server = context.socket(zmq.ROUTER)
    server.linger = 0
    server.sndhwm = server.rcvhwm = 0
    server.router_mandatory = 1  # an unroutable reply raises instead of vanishing
    server.bind("tcp://127.0.0.1:*")
    endpoint = server.last_endpoint.decode()
    n_threads = N_SOCKETS // 2
    n_proc_socks = N_SOCKETS - n_threads
    ledger = Ledger(N_SOCKETS)
    errors: list[BaseException] = []
    stop = threading.Event()

    def serve() -> None:
        try:
            poller = zmq.Poller()
            poller.register(server, zmq.POLLIN)
            while not stop.is_set():
                if poller.poll(100):
                    while True:
                        try:
                            rid, body = server.recv_multipart(zmq.NOBLOCK)
                        except zmq.Again:
                            break
                        ledger.record(*HDR.unpack_from(body))
                        server.send_multipart([rid, body])
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    client_ledgers: dict[int, list[int]] = {}

    def client(sender_id: int) -> None:
        s = context.socket(zmq.DEALER)
        s.linger = 0
        s.sndtimeo = s.rcvtimeo = 20_000
        s.routing_id = b"t%d" % sender_id
        got: list[int] = []
        try:
            s.connect(endpoint)
            for seq in range(N_MSGS):
                s.send(HDR.pack(sender_id, seq))
                if seq % 50 == 49 or seq == N_MSGS - 1:  # pipelined: 50 in flight
                    while len(got) <= seq:
                        sid, rseq = HDR.unpack_from(s.recv())
                        assert sid == sender_id
                        got.append(rseq)
            client_ledgers[sender_id] = got
        except BaseException as e:  # noqa: BLE001
            errors.append(e)
        finally:
            s.close()

    server_thread = threading.Thread(target=serve, daemon=True)
    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(n_threads)]
    procs: list[subprocess.Popen] = []
    try:
        server_thread.start()
        for t in threads:
            t.start()
        procs = _spawn_children("dealer", endpoint, n_threads, n_proc_socks)
        for t in threads:
            t.join(DEADLINE_S)
        _reap(procs)
        # Every client has had all its replies, and the server records a message before it
        # replies to it: the ledger is complete (nothing to wait for).
    finally:
        stop.set()
        server_thread.join(DEADLINE_S)
        _kill(procs)
        server.close()
    assert not errors, errors
    ledger.check(N_MSGS)
    for sid, got in client_ledgers.items():
        assert got == list(range(N_MSGS)), f"client {sid}: replies lost, duplicated or reordered"
    assert len(client_ledgers) == n_threads


@pytest.mark.parametrize("copy", [True, False])
def test_multipart_many_sockets_one_thread_each_direction(context, copy):
    """Many PAIR connections in one process, multipart messages with the sequence in the
    last part, sent by one thread and received by another."""
    n = N_SOCKETS
    senders, receivers = [], []
    for i in range(n):
        r = context.socket(zmq.PAIR)
        r.linger = 0
        r.bind("tcp://127.0.0.1:*")
        s = context.socket(zmq.PAIR)
        s.linger = 0
        s.sndtimeo = 20_000
        s.connect(r.last_endpoint.decode())
        senders.append(s)
        receivers.append(r)
    ledger = Ledger(n)
    errors: list[BaseException] = []

    def receive() -> None:
        try:
            poller = zmq.Poller()
            for r in receivers:
                poller.register(r, zmq.POLLIN)
            deadline = time.monotonic() + DEADLINE_S
            while ledger.total < n * N_MSGS and time.monotonic() < deadline:
                for r, _ in poller.poll(1000):
                    while True:
                        try:
                            parts = r.recv_multipart(zmq.NOBLOCK, copy=copy)
                        except zmq.Again:
                            break
                        assert len(parts) == 3
                        last = parts[2] if copy else parts[2].bytes
                        ledger.record(*HDR.unpack_from(last))
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    t = threading.Thread(target=receive, daemon=True)
    t.start()
    try:
        for seq in range(N_MSGS):
            for i, s in enumerate(senders):
                s.send_multipart([b"head", b"x" * (seq % 100), HDR.pack(i, seq)], copy=copy)
    finally:
        t.join(DEADLINE_S)
        for sock in senders + receivers:
            sock.close()
    assert not errors, errors
    ledger.check(N_MSGS)
