"""Property tests of the protocol layer (issue 15, part 5).

Under hypothesis, random interleavings of send/recv/poll/close across 2 to 4 sockets of every
pattern (PAIR, PUSH/PULL, REQ/REP, DEALER/ROUTER, PUB/SUB, XPUB/XSUB) over inproc, ipc (under
tmp_path) and tcp on 127.0.0.1 never crash, never hang past their timeouts, and never lose or
reorder a message where the pattern promises order.

A model of each example's state predicts what every receive may return:

- every (sender, receiver) link is a FIFO of the messages sent on it. A receive must return
  the head of one of the FIFOs into that socket (several links: fair-queued, any head);
  when a FIFO is surely non-empty the message must come (within RCVTIMEO), and with nothing
  queued a NOBLOCK receive must raise Again.
- links may drop where the pattern does: PUB/XPUB and ROUTER under a small HWM. A receive
  on a lossy link may skip ahead (the skipped ones were dropped), never go back.
- a PUSH fanning out to several PULLs load-balances: which PULL gets a message is not
  modelled, only that each gets its share in send order and none is lost or duplicated.
- REQ/REP's lockstep: a second send before the reply, or a receive before the send, is
  EFSM, and the reply goes to the REQ that asked.
- PUB/SUB subscribe and sync first (the slow joiner): a SUB gets exactly the messages of
  its topics sent after that. A socket may be closed at any step: calls on it are then
  ENOTSOCK, and messages in flight from or to it may be lost, but nothing else is.

Half the examples use thread-safe sockets (``thread_safe=True``), which must keep the same
promises. Each example is bounded in time (linger=0, RCVTIMEO, poll timeouts); ``make stress``
(CYZMQ_STRESS=1) runs many more examples and longer interleavings.
"""
from __future__ import annotations

import itertools
import os
import time
from collections import deque

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import zmq

STRESS = bool(os.environ.get("CYZMQ_STRESS"))
EXAMPLES = 300 if STRESS else 20
MAX_OPS = 120 if STRESS else 40
WAIT_MS = 2000  # a message the model says is queued must arrive within this
TOPICS = (b"A", b"B", b"C")

HYP = settings(
    max_examples=EXAMPLES,
    deadline=None,  # (each call is bounded by RCVTIMEO/poll timeouts instead)
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
    database=None,
)

PATTERNS = {
    # name: (hub type, leaf type): the hub binds, the leaves connect to it
    "PAIR": (zmq.PAIR, zmq.PAIR),
    "PUSH_FAN_OUT": (zmq.PUSH, zmq.PULL),
    "PULL_FAN_IN": (zmq.PULL, zmq.PUSH),
    "REQ_REP": (zmq.REP, zmq.REQ),
    "DEALER_ROUTER": (zmq.ROUTER, zmq.DEALER),
    "PUB_SUB": (zmq.PUB, zmq.SUB),
    "XPUB_XSUB": (zmq.XPUB, zmq.XSUB),
}

_names = itertools.count()


class Link:
    """The messages sent from one socket to another and not yet received, in order."""

    __slots__ = ("fifo", "lossy")

    def __init__(self, lossy: bool) -> None:
        self.fifo: deque[bytes] = deque()
        self.lossy = lossy


class Model:
    """The sockets of one example and what each may receive next."""

    def __init__(self, pattern: str, n: int, transport: str, hwm: int, tmp_path, thread_safe: bool = False) -> None:
        self.pattern = pattern
        self.ctx = zmq.Context()
        hub_type, leaf_type = PATTERNS[pattern]
        self.inproc = transport == "inproc"
        small = hwm < 1000
        self.socks: list[zmq.Socket] = []
        self.closed: set[int] = set()
        self.links: dict[tuple[int, int], Link] = {}
        self.pool: dict[bytes, int] = {}  # PUSH fan-out: message -> seq, PULL unknown
        self.pool_lossy = False
        self.last_seq: dict[tuple[int, int], int] = {}  # (receiver, sender) -> last seq got
        self.seq = itertools.count()
        self.subs: dict[int, set[bytes]] = {}
        self.unsubscribed: set[bytes] = set()  # XPUB: unsubscriptions a close may cause
        self.req_waiting: dict[int, bool] = {}
        self.rep_peer: int | None = None  # the REQ whose request the REP holds
        if pattern == "PAIR":
            n = 2 if n < 4 else 4
        self.n = n
        for i in range(n):
            kind = hub_type if (i == 0 or (pattern == "PAIR" and i % 2 == 0)) else leaf_type
            s = self.ctx.socket(kind, thread_safe=thread_safe)
            s.linger = 0
            s.rcvtimeo = WAIT_MS
            s.sndhwm = s.rcvhwm = hwm
            if kind == zmq.DEALER:
                s.routing_id = b"L%d" % i
            self.socks.append(s)
        if pattern == "PAIR":
            addrs = [self._endpoint(transport, tmp_path) for _ in range(n // 2)]
            for p in range(n // 2):
                self._bind(self.socks[2 * p], addrs[p], transport)
                self.socks[2 * p + 1].connect(self.socks[2 * p].last_endpoint.decode())
                self.links[(2 * p, 2 * p + 1)] = Link(False)
                self.links[(2 * p + 1, 2 * p)] = Link(False)
            self._sync_pairs()
            return
        self._bind(self.socks[0], self._endpoint(transport, tmp_path), transport)
        endpoint = self.socks[0].last_endpoint.decode()
        for i in range(1, n):
            if leaf_type in (zmq.SUB, zmq.XSUB):
                topics = {TOPICS[j] for j in range(3) if (i >> j) & 1 or j == i % 3}
                self.subs[i] = topics
                for t in sorted(topics) + [b"\x00"]:
                    if leaf_type == zmq.SUB:
                        self.socks[i].subscribe(t)
                    else:
                        self.socks[i].send(b"\x01" + t)
            self.socks[i].connect(endpoint)
        lossy_out = small and hub_type in (zmq.PUB, zmq.XPUB, zmq.ROUTER)
        for i in range(1, n):
            if pattern in ("PULL_FAN_IN", "REQ_REP", "DEALER_ROUTER"):
                self.links[(i, 0)] = Link(False)
            if pattern in ("REQ_REP", "DEALER_ROUTER", "PUB_SUB", "XPUB_XSUB"):
                self.links[(0, i)] = Link(lossy_out)
            if pattern == "REQ_REP":
                self.req_waiting[i] = False
        self._sync_hub()

    # -- set-up --------------------------------------------------------------------------

    @staticmethod
    def _endpoint(transport: str, tmp_path) -> str:
        if transport == "inproc":
            return f"inproc://props-{os.getpid()}-{next(_names)}"
        if transport == "ipc":
            return f"ipc://{tmp_path}/p{next(_names)}"
        return "tcp://127.0.0.1:*"

    @staticmethod
    def _bind(s: zmq.Socket, addr: str, transport: str) -> None:
        s.bind(addr)

    def _sync_pairs(self) -> None:
        for p in range(self.n // 2):
            a, b = self.socks[2 * p], self.socks[2 * p + 1]
            a.send(b"sync")
            assert b.recv() == b"sync"

    def _sync_hub(self) -> None:
        """Connections made and, for subscribers, subscriptions in force (slow joiner)."""
        hub = self.socks[0]
        leaves = range(1, self.n)
        if self.pattern == "DEALER_ROUTER":
            for i in leaves:
                self.socks[i].send(b"hello")
            got = {tuple(hub.recv_multipart()) for _ in leaves}
            assert got == {(b"L%d" % i, b"hello") for i in leaves}
        elif self.pattern in ("PUB_SUB", "XPUB_XSUB"):
            if self.pattern == "XPUB_XSUB":
                wanted = {b"\x01" + t for i in leaves for t in self.subs[i]} | {b"\x01\x00"}
                got = set()
                while got != wanted:
                    got.add(hub.recv())  # (each distinct subscription once)
            pending = set(leaves)
            while pending:
                hub.send(b"\x00sync")
                for i in list(pending):
                    if self.socks[i].poll(20):
                        pending.discard(i)
            for i in leaves:  # drop the extra syncs
                while self.socks[i].poll(50 if not self.inproc else 0):
                    assert self.socks[i].recv() == b"\x00sync"
        elif self.pattern == "PUSH_FAN_OUT":
            # every PULL connected (each has had a message); then every sync drained
            sent = got = 0
            pending = set(leaves)
            while pending:
                hub.send(b"sync")
                sent += 1
                for i in list(pending):
                    if self.socks[i].poll(20):
                        pending.discard(i)
            deadline = time.monotonic() + WAIT_MS / 1000
            while got < sent:  # (over tcp/ipc some may still be in flight)
                assert time.monotonic() < deadline, f"{sent - got} sync messages lost"
                for i in leaves:
                    if self.socks[i].poll(10):
                        assert self.socks[i].recv() == b"sync"
                        got += 1
        elif self.pattern in ("PULL_FAN_IN", "REQ_REP"):
            for i in leaves:
                if self.pattern == "REQ_REP":
                    self.socks[i].send(b"sync")
                    assert hub.recv() == b"sync"
                    hub.send(b"sync")
                    assert self.socks[i].recv() == b"sync"
                else:
                    self.socks[i].send(b"sync")
                    assert hub.recv() == b"sync"

    def close_all(self) -> None:
        for s in self.socks:
            s.close(linger=0)
        self.ctx.term()

    # -- the operations ------------------------------------------------------------------

    def message(self, src: int, topic: int) -> bytes:
        prefix = TOPICS[topic % 3] if self.pattern in ("PUB_SUB", "XPUB_XSUB") else b"m"
        return b"%s|%d|%d" % (prefix, src, next(self.seq))

    def send(self, i: int, topic: int) -> None:
        s, p = self.socks[i], self.pattern
        msg = self.message(i, topic)
        if i in self.closed:
            with pytest.raises(zmq.ZMQError) as e:
                s.send(msg, zmq.NOBLOCK)
            assert e.value.errno == zmq.ENOTSOCK
            return
        if p in ("PUB_SUB", "XPUB_XSUB") and i != 0:
            if p == "PUB_SUB":
                with pytest.raises(zmq.ZMQError) as e:
                    s.send(msg, zmq.NOBLOCK)
                assert e.value.errno == zmq.ENOTSUP
            return  # (an XSUB sends subscriptions only: done at set-up)
        if p == "PULL_FAN_IN" and i == 0 or p == "PUSH_FAN_OUT" and i != 0:
            with pytest.raises(zmq.ZMQError) as e:
                s.send(msg, zmq.NOBLOCK)
            assert e.value.errno == zmq.ENOTSUP
            return
        if p == "REQ_REP":
            in_step = self.rep_peer is not None if i == 0 else not self.req_waiting[i]
            if not in_step:
                with pytest.raises(zmq.ZMQError) as e:
                    s.send(msg, zmq.NOBLOCK)
                assert e.value.errno == zmq.EFSM
                return
        if p == "DEALER_ROUTER" and i == 0:
            dest = 1 + topic % (self.n - 1)
            parts = [b"L%d" % dest, msg]
            self._send(s, parts, [(0, dest)])
            return
        if p == "PAIR":
            targets = [(i, i ^ 1)]
        elif p == "PUSH_FAN_OUT":
            targets = None
        elif i == 0 and p in ("PUB_SUB", "XPUB_XSUB"):
            targets = [(0, j) for j in range(1, self.n) if msg[:1] in self.subs[j]]
        elif i == 0:  # REP
            targets = [(0, self.rep_peer)]
        else:
            targets = [(i, 0)]
        sent = self._send(s, [msg], targets)
        if p == "REQ_REP" and sent:
            if i == 0:
                self.rep_peer = None
            else:
                self.req_waiting[i] = True

    def _send(self, s: zmq.Socket, parts: list[bytes], targets) -> bool:
        try:
            if len(parts) == 1:
                s.send(parts[0], zmq.NOBLOCK)
            else:
                s.send_multipart(parts, zmq.NOBLOCK)
        except zmq.Again:
            assert self.pattern not in ("PUB_SUB", "XPUB_XSUB"), "a PUB never blocks"
            return False
        msg = parts[-1]
        if targets is None:
            self.pool[msg] = int(msg.rsplit(b"|", 1)[1])
        for key in targets or ():
            if key in self.links:  # (gone when the receiver was closed: the message is lost)
                self.links[key].fifo.append(msg)
        return True

    def _into(self, r: int) -> list[tuple[int, Link]]:
        return [(src, link) for (src, dst), link in self.links.items() if dst == r]

    def _sure(self, r: int) -> bool:
        """Whether a message is surely on its way to socket ``r``."""
        return any(link.fifo and not link.lossy for _, link in self._into(r))

    def _possible(self, r: int) -> bool:
        return any(link.fifo for _, link in self._into(r)) or (self.pattern == "PUSH_FAN_OUT" and r != 0 and bool(self.pool))

    def recv(self, i: int) -> None:
        s, p = self.socks[i], self.pattern
        if i in self.closed:
            with pytest.raises(zmq.ZMQError) as e:
                s.recv(zmq.NOBLOCK)
            assert e.value.errno == zmq.ENOTSOCK
            return
        if p in ("PUB_SUB",) and i == 0 or p == "PUSH_FAN_OUT" and i == 0 or p == "PULL_FAN_IN" and i != 0:
            with pytest.raises(zmq.ZMQError) as e:
                s.recv(zmq.NOBLOCK)
            assert e.value.errno == zmq.ENOTSUP
            return
        if p == "XPUB_XSUB" and i == 0:
            # No new subscription since the set-up; a closed XSUB's topics that no other one
            # holds come back as unsubscriptions (each once).
            try:
                got = s.recv(zmq.NOBLOCK)
            except zmq.Again:
                return
            assert got in self.unsubscribed, f"XPUB got {got!r}, expected only {self.unsubscribed}"
            self.unsubscribed.discard(got)
            return
        if p == "REQ_REP":
            in_step = self.rep_peer is None if i == 0 else self.req_waiting[i]
            if not in_step:
                with pytest.raises(zmq.ZMQError) as e:
                    s.recv(zmq.NOBLOCK)
                assert e.value.errno == zmq.EFSM
                return
        sure = self._sure(i)
        try:
            parts = s.recv_multipart() if sure else s.recv_multipart(zmq.NOBLOCK)
        except zmq.Again:
            assert not sure, f"socket {i}: a queued message did not arrive within {WAIT_MS} ms"
            if self.inproc:  # (inproc delivers synchronously: what is not there was dropped)
                for _, link in self._into(i):
                    link.fifo.clear()
            return
        self._check_received(i, parts)

    def _check_received(self, i: int, parts: list[bytes]) -> None:
        p = self.pattern
        if p == "DEALER_ROUTER" and i == 0:
            ident, msg = parts
        else:
            (msg,) = parts
            ident = None
        src = int(msg.split(b"|")[1])
        seq = int(msg.rsplit(b"|", 1)[1])
        if ident is not None:
            assert ident == b"L%d" % src
        if p == "PUSH_FAN_OUT":
            assert self.pool.pop(msg, None) is not None, f"PULL {i} got {msg!r}, never sent or twice"
        else:
            link = self.links.get((src, i))
            assert link is not None and msg in link.fifo, f"socket {i} got {msg!r}: expected one of {self._heads(i)}"
            if link.lossy:
                while link.fifo[0] != msg:
                    link.fifo.popleft()  # dropped (lossy link), so never to come
            assert link.fifo[0] == msg, f"socket {i} got {msg!r} out of order: expected {link.fifo[0]!r}"
            link.fifo.popleft()
        key = (i, src)
        assert seq > self.last_seq.get(key, -1), f"socket {i}: {msg!r} after a later message"
        self.last_seq[key] = seq
        if p == "REQ_REP":
            if i == 0:
                self.rep_peer = src
            else:
                self.req_waiting[i] = False

    def _heads(self, i: int) -> list[bytes]:
        return [link.fifo[0] for _, link in self._into(i) if link.fifo]

    def poll(self, i: int) -> None:
        s = self.socks[i]
        if i in self.closed:
            with pytest.raises(zmq.ZMQError) as e:
                s.poll(0)
            assert e.value.errno == zmq.ENOTSOCK
            return
        if self.pattern == "REQ_REP" and (self.rep_peer is not None if i == 0 else not self.req_waiting[i]):
            assert not s.poll(0) & zmq.POLLIN, f"socket {i}: readable out of REQ/REP's lockstep"
        elif self._sure(i):
            assert s.poll(WAIT_MS) & zmq.POLLIN, f"socket {i}: poll missed a queued message"
        elif not self._possible(i) and not (self.pattern == "XPUB_XSUB" and i == 0):
            assert not s.poll(0) & zmq.POLLIN, f"socket {i}: readable with nothing sent to it"
        else:
            s.poll(0)

    def close(self, i: int) -> None:
        if self.pattern != "PAIR" and i == 0:
            i = 1  # (the hub stays: closing it ends every link at once)
        if i in self.closed:
            self.socks[i].close()  # idempotent
            return
        self.socks[i].close(linger=0)
        self.closed.add(i)
        for key in [k for k in self.links if k[1] == i]:
            del self.links[key]
        for (src, dst), link in self.links.items():
            if src == i:
                link.lossy = True  # what it sent may or may not still arrive
        if self.pattern == "PUSH_FAN_OUT":
            self.pool_lossy = True  # messages may have been balanced to the closed PULL
        if self.pattern == "XPUB_XSUB":
            held = set().union(*(self.subs[j] | {b"\x00"} for j in self.subs if j not in self.closed))
            self.unsubscribed |= {b"\x00" + t for t in (self.subs[i] | {b"\x00"}) - held}
        if self.pattern == "REQ_REP" and self.rep_peer == i:
            pass  # the REP still owes it a reply (sent into the void)

    def drain(self) -> None:
        """Every message the model says is queued arrives, and no other one."""
        for i in range(self.n):
            if i in self.closed:
                continue
            while self._sure(i) or self._possible(i):
                if self.pattern == "REQ_REP" and i != 0 and not self.req_waiting[i]:
                    break
                if self.pattern == "REQ_REP" and i == 0:
                    if self.rep_peer is not None:
                        self.send(0, 0)  # answer, to be free to receive
                    if self.rep_peer is not None:
                        break
                before = self._state_size()
                self.recv(i)
                if self._state_size() == before:
                    break  # nothing more arrived (lossy or load-balanced leftovers)
        if self.pattern == "PUSH_FAN_OUT":
            # (a pool that may have lost messages to a closed PULL cannot drain: wait less)
            deadline = time.monotonic() + (0.2 if self.pool_lossy else WAIT_MS / 1000)
            while self.pool and time.monotonic() < deadline:
                for i in range(1, self.n):
                    if i not in self.closed and self.socks[i].poll(10):
                        self._check_received(i, self.socks[i].recv_multipart())
        for (src, dst), link in self.links.items():
            assert not link.fifo or link.lossy, f"{src}->{dst}: lost {list(link.fifo)}"
        if self.pattern == "PUSH_FAN_OUT" and not self.pool_lossy:
            assert not self.pool, f"lost {sorted(self.pool.values())}"

    def _state_size(self) -> int:
        return sum(len(link.fifo) for link in self.links.values()) + len(self.pool)


OPS = st.lists(
    st.tuples(st.sampled_from(["send", "send", "recv", "recv", "poll", "close"]), st.integers(0, 3), st.integers(0, 5)),
    max_size=MAX_OPS,
)


def _filter_closes(ops):
    """At most one close per example, late enough to leave something to check."""
    seen = False
    for op in ops:
        if op[0] == "close":
            if seen:
                continue
            seen = True
        yield op


@pytest.mark.timeout(300 if STRESS else 60)
@pytest.mark.parametrize("pattern", list(PATTERNS))
@HYP
@given(
    n=st.integers(2, 4),
    transport=st.sampled_from(["inproc", "inproc", "ipc", "tcp"]),
    hwm=st.sampled_from([1000, 1000, 2]),
    thread_safe=st.booleans(),
    ops=OPS,
)
def test_random_interleavings_keep_the_patterns_promises(pattern, n, transport, hwm, thread_safe, ops, tmp_path) -> None:
    if transport != "inproc":
        hwm = 1000  # (drops and Again under a small HWM are only predictable in-process)
    m = Model(pattern, n, transport, hwm, tmp_path, thread_safe)
    try:
        for kind, who, arg in _filter_closes(ops):
            i = who % m.n
            if kind == "send":
                m.send(i, arg)
            elif kind == "recv":
                m.recv(i)
            elif kind == "poll":
                m.poll(i)
            else:
                m.close(i)
        m.drain()
    finally:
        m.close_all()
