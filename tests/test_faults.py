"""Faults: peers that die, contexts terminated under threads, linger, Ctrl-C, fork.

* A peer process is SIGKILLed in the middle of a stream and started again on the same
  endpoint. The surviving side (which connects, so libzmq's reconnection is what is tested)
  must keep working and get traffic again after the restart: PUSH/PULL, DEALER/ROUTER and
  PUB/SUB survive as they are. Plain REQ does not (a request whose reply died with the peer
  leaves it waiting, then in the wrong state), and REQ with REQ_RELAXED + REQ_CORRELATE
  recovers: both are shown.
* ``Context.term()`` in the main thread returns once the sockets other threads hold are
  closed; threads blocked in recv get ContextTerminated.
* LINGER bounds term() after close and after garbage collection.
* KeyboardInterrupt (SIGINT, SIGALRM-raised) ends a blocking recv/send/poll/proxy promptly
  and the socket carries messages afterwards.
* fork() with live sockets: the child exits cleanly (including a full interpreter exit),
  the parent's traffic is unaffected.

Every wait is bounded; child processes are killed in ``finally``.
"""
from __future__ import annotations

import contextlib
import gc
import os
import select
import signal
import socket as pysocket
import subprocess
import sys
import textwrap
import threading
import time
import warnings

import pytest
from _helpers import wait_until, wait_until_in_call

import zmq

STRESS = bool(os.environ.get("CYZMQ_STRESS"))
RESTARTS = 3 if STRESS else 1
WAIT_S = 10.0
MS = 5000


def free_port() -> int:
    with pysocket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- a restartable peer process ---------------------------------------------------------------

PEER = textwrap.dedent(r"""
    import sys, time, zmq
    role, port = sys.argv[1], int(sys.argv[2])
    ctx = zmq.Context()
    addr = f"tcp://127.0.0.1:{port}"
    deadline = time.monotonic() + 60  # never outlive a forgotten test
    if role == "pull":          # receives seqs, reports each on stdout
        s = ctx.socket(zmq.PULL); s.bind(addr)
        print("ready", flush=True)
        while time.monotonic() < deadline:
            if s.poll(100):
                print(s.recv().decode(), flush=True)
    elif role == "router":      # echo server
        s = ctx.socket(zmq.ROUTER); s.bind(addr)
        print("ready", flush=True)
        while time.monotonic() < deadline:
            if s.poll(100):
                s.send_multipart(s.recv_multipart())
    elif role == "rep":         # echoes, except b"hang": received, reported, never answered
        s = ctx.socket(zmq.REP); s.bind(addr)
        print("ready", flush=True)
        while time.monotonic() < deadline:
            if s.poll(100):
                m = s.recv()
                if m == b"hang":
                    print("hanging", flush=True)
                    time.sleep(60)  # (the hung server under test; the test kills it)
                s.send(m)
    elif role == "pub":         # publishes an increasing counter, forever
        s = ctx.socket(zmq.PUB); s.bind(addr)
        print("ready", flush=True)
        n = 0
        while time.monotonic() < deadline:
            s.send(b"%d" % n); n += 1
            time.sleep(0.001)  # (a steady stream, not a flood: the rate is the test's setting)
""")


class Peer:
    """The peer process; ``kill()`` is SIGKILL, ``start()`` brings up a new one."""

    def __init__(self, role: str, port: int) -> None:
        self.role, self.port = role, port
        self.proc: subprocess.Popen | None = None
        self.lines: list[str] = []
        self._reader: threading.Thread | None = None

    def start(self) -> None:
        self.close()
        self.proc = subprocess.Popen([sys.executable, "-c", PEER, self.role, str(self.port)],
                                     stdout=subprocess.PIPE, text=True, bufsize=1)
        ready, _, _ = select.select([self.proc.stdout], [], [], WAIT_S)
        assert ready, f"peer {self.role} did not start within {WAIT_S}s"
        assert self.proc.stdout.readline().strip() == "ready"
        self.lines = []
        proc = self.proc

        def read() -> None:
            for line in proc.stdout:
                self.lines.append(line.strip())

        self._reader = threading.Thread(target=read, daemon=True)
        self._reader.start()

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(WAIT_S)
            assert self.proc.returncode == -signal.SIGKILL
        if self._reader is not None:
            self._reader.join(WAIT_S)

    def close(self) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait(WAIT_S)
            if self._reader is not None:
                self._reader.join(WAIT_S)
            self.proc.stdout.close()
            self.proc = None


@pytest.fixture
def peer():
    made = []

    def make(role):
        p = Peer(role, free_port())
        made.append(p)
        return p

    yield make
    for p in made:
        p.close()


def _fast_reconnect(s: zmq.Socket) -> None:
    s.reconnect_ivl = 20
    s.reconnect_ivl_max = 100


def test_push_survives_pull_peer_killed_and_restarted(sockets, peer):
    p = peer("pull")
    p.start()
    push = sockets(zmq.PUSH)
    _fast_reconnect(push)
    push.connect(f"tcp://127.0.0.1:{p.port}")
    seq = 0
    lost_total = 0
    for generation in range(RESTARTS + 1):
        first = seq
        # stream until the peer has seen 200 messages of this generation, then kill it mid-stream
        while not (p.lines and int(p.lines[-1]) >= first + 200):
            push.send(b"%d" % seq)
            seq += 1
            if seq % 50 == 0:
                time.sleep(0.002)  # (paces the stream; the loop is bounded by the count below)
            assert seq - first < 200_000, "peer receives nothing"
        got = [int(x) for x in p.lines]
        assert got == sorted(got) and len(set(got)) == len(got), "duplicates or reordering"
        if generation:
            # everything between the old peer's last message and the new peer's first one
            # died with the old peer (in its kernel buffers or its receive queue)
            assert got[0] >= next_expected, "the new peer got a message the old one had"
            lost_total += got[0] - next_expected
        if generation == RESTARTS:
            break
        p.kill()
        next_expected = int(p.lines[-1]) + 1
        # Sending while the peer is dead: PUSH queues up to its HWM (then SNDTIMEO); those
        # queued or in-flight messages are the ones lost with the peer.
        push.sndtimeo = 200
        sent_while_dead = 0
        with contextlib.suppress(zmq.Again):
            for _ in range(100):
                push.send(b"%d" % seq)
                seq += 1
                sent_while_dead += 1
        push.sndtimeo = MS
        p.start()
    assert int(p.lines[-1]) >= seq - 1 - 1000  # the restarted peer is receiving the live stream
    print(f"PUSH/PULL: {seq} sent, {RESTARTS} SIGKILL+restart, {lost_total} lost with the killed peers")


def test_dealer_survives_router_peer_killed_and_restarted(sockets, peer):
    p = peer("router")
    p.start()
    dealer = sockets(zmq.DEALER)
    _fast_reconnect(dealer)
    dealer.connect(f"tcp://127.0.0.1:{p.port}")
    seq = 0
    lost_total = 0
    for generation in range(RESTARTS + 1):
        for _ in range(100):  # a working conversation
            dealer.send(b"%d" % seq)
            assert dealer.poll(MS), f"no reply to {seq}"
            assert dealer.recv() == b"%d" % seq
            seq += 1
        if generation == RESTARTS:
            break
        for _ in range(50):  # requests in flight when the peer dies
            dealer.send(b"%d" % seq)
            seq += 1
        p.kill()
        p.start()
        # replies to the in-flight requests may or may not have come back before the kill
        while dealer.poll(300):
            dealer.recv()
        lost_total += 1
    assert lost_total == RESTARTS


def test_sub_survives_pub_peer_killed_and_restarted(sockets, peer):
    p = peer("pub")
    p.start()
    sub = sockets(zmq.SUB)
    _fast_reconnect(sub)
    sub.subscribe(b"")
    sub.connect(f"tcp://127.0.0.1:{p.port}")
    for generation in range(RESTARTS + 1):
        got = []
        while len(got) < 100:
            assert sub.poll(MS), f"generation {generation}: no publication"
            got.append(int(sub.recv()))
        assert got == sorted(got)
        if generation == RESTARTS:
            break
        p.kill()
        while sub.poll(100):  # whatever was already received before the kill
            sub.recv()
        p.start()
        # The restarted publisher counts from 0 again: seeing small numbers proves the
        # subscription was sent again on reconnect.
        assert sub.poll(MS)
        assert int(sub.recv()) < 100_000


def test_plain_req_does_not_survive_a_lost_reply_but_relaxed_req_does(sockets, peer):
    p = peer("rep")
    p.start()
    req = sockets(zmq.REQ, rcvtimeo=500)
    _fast_reconnect(req)
    req.connect(f"tcp://127.0.0.1:{p.port}")
    req.send(b"1")
    assert req.recv() == b"1"
    req.send(b"hang")  # the peer takes it and dies before answering
    assert wait_until(lambda: "hanging" in p.lines, WAIT_S)
    p.kill()
    p.start()
    with pytest.raises(zmq.Again):
        req.recv()  # the reply was lost with the old peer
    with pytest.raises(zmq.ZMQError) as e:
        req.send(b"3")  # REQ still waits for that reply: a plain REQ cannot go on
    assert e.value.errno == zmq.EFSM
    req.close(linger=0)

    relaxed = sockets(zmq.REQ, rcvtimeo=500)
    relaxed.req_relaxed = 1
    relaxed.req_correlate = 1
    _fast_reconnect(relaxed)
    relaxed.connect(f"tcp://127.0.0.1:{p.port}")
    relaxed.send(b"a")
    assert relaxed.recv() == b"a"
    relaxed.send(b"hang")
    assert wait_until(lambda: "hanging" in p.lines, WAIT_S)
    p.kill()
    p.start()
    with pytest.raises(zmq.Again):
        relaxed.recv()
    relaxed.rcvtimeo = MS
    relaxed.send(b"b")  # allowed again with REQ_RELAXED
    assert relaxed.recv() == b"b"


# -- Context.term() with sockets open in other threads -------------------------------------------


@pytest.mark.parametrize("n_threads", [1, 4])
def test_term_waits_for_threads_to_close_their_sockets(n_threads):
    ctx = zmq.Context()
    ready = threading.Barrier(n_threads + 1, timeout=WAIT_S)
    outcomes: list[object] = []
    closed_at: list[float] = []
    CLOSE_DELAY = 0.2

    def worker(i: int) -> None:
        s = ctx.socket(zmq.PULL if i % 2 == 0 else zmq.REP)
        s.bind(f"inproc://term-{i}")
        s.rcvtimeo = int(WAIT_S * 1000)  # bounded even if term never came
        ready.wait()
        try:
            s.recv()
            outcomes.append("received?")
        except zmq.ContextTerminated as e:
            outcomes.append(e)
        except BaseException as e:  # noqa: BLE001
            outcomes.append(e)
        time.sleep(CLOSE_DELAY)  # term() must wait for this close
        closed_at.append(time.monotonic())
        s.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(n_threads)]
    for t in threads:
        t.start()
    ready.wait()
    assert all(wait_until_in_call(t, "s.recv()") for t in threads)  # they block in recv
    start = time.monotonic()
    done = threading.Event()
    term_thread_exc: list[BaseException] = []
    # term() runs in the main thread as asked; a watchdog shuts it down if it overstays.
    watchdog = threading.Timer(WAIT_S, lambda: None if done.is_set() else ctx.shutdown())
    watchdog.start()
    try:
        ctx.term()
    except BaseException as e:  # noqa: BLE001
        term_thread_exc.append(e)
    finally:
        done.set()
        watchdog.cancel()
    returned = time.monotonic()
    for t in threads:
        t.join(WAIT_S)
    assert not term_thread_exc
    assert len(outcomes) == n_threads
    assert all(isinstance(o, zmq.ContextTerminated) for o in outcomes), outcomes
    assert len(closed_at) == n_threads and returned >= max(closed_at), "term() returned before the close"
    assert returned - start < CLOSE_DELAY + 3.0
    assert ctx.closed


def test_term_with_a_thread_blocked_in_send_and_poll():
    ctx = zmq.Context()
    results: list[object] = []
    started = threading.Barrier(3, timeout=WAIT_S)

    def sender() -> None:
        s = ctx.socket(zmq.PUSH)
        s.sndtimeo = int(WAIT_S * 1000)  # no connection at all: send blocks
        started.wait()
        try:
            s.send(b"x")
        except zmq.ContextTerminated as e:
            results.append(e)
        finally:
            s.close(linger=0)

    def poller() -> None:
        s = ctx.socket(zmq.PULL)
        s.bind("inproc://poll-term")
        started.wait()
        try:
            s.poll(int(WAIT_S * 1000))
            results.append("poll returned")  # libzmq reports the terminating socket as ready or raises
        except zmq.ContextTerminated as e:
            results.append(e)
        finally:
            s.close()

    ts = [threading.Thread(target=sender, daemon=True), threading.Thread(target=poller, daemon=True)]
    for t in ts:
        t.start()
    started.wait()
    assert wait_until_in_call(ts[1], "s.poll(")  # the poller thread waits in poll
    t0 = time.monotonic()
    ctx.term()
    assert time.monotonic() - t0 < 3.0
    for t in ts:
        t.join(WAIT_S)
    assert len(results) == 2
    assert any(isinstance(r, zmq.ContextTerminated) for r in results)


# -- LINGER --------------------------------------------------------------------------------------


def _dead_endpoint() -> str:
    return f"tcp://127.0.0.1:{free_port()}"  # nothing listens: messages stay queued


@pytest.mark.parametrize("how", ["close", "gc"])
@pytest.mark.parametrize("linger_ms,low,high", [(0, 0.0, 0.25), (300, 0.25, 2.0)])
def test_linger_bounds_term(how, linger_ms, low, high):
    ctx = zmq.Context()
    s = ctx.socket(zmq.PUSH)
    s.linger = linger_ms
    s.connect(_dead_endpoint())
    for i in range(10):
        s.send(b"undeliverable %d" % i)  # queued for the never-coming connection
    closed_at = time.monotonic()  # the linger period starts at the close
    if how == "close":
        s.close()
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)  # the unclosed-socket warning is the point
            del s
            gc.collect()  # can itself take a while after a long session: not counted below
    term_at = time.monotonic()
    done = threading.Event()
    watchdog = threading.Timer(WAIT_S, lambda: None if done.is_set() else ctx.shutdown())
    watchdog.start()
    try:
        ctx.term()
    finally:
        done.set()
        watchdog.cancel()
    returned = time.monotonic()
    # term() returns no earlier than the linger period after the close, and no later than
    # the linger period left after its own start (plus scheduling slack)
    assert returned - closed_at >= low, f"linger={linger_ms} ({how}): done {returned - closed_at:.3f}s after close"
    assert returned - term_at < high, f"linger={linger_ms} ({how}): term took {returned - term_at:.3f}s"


def test_linger_argument_of_close_overrides_the_option():
    ctx = zmq.Context()
    s = ctx.socket(zmq.PUSH)
    s.linger = -1  # would block term forever
    s.connect(_dead_endpoint())
    s.send(b"undeliverable")
    s.close(linger=0)
    t0 = time.monotonic()
    ctx.term()
    assert time.monotonic() - t0 < 0.5


# -- KeyboardInterrupt during blocking calls ------------------------------------------------------


@contextlib.contextmanager
def sigint_after(delay: float, how: str):
    """Deliver KeyboardInterrupt to the main thread after ``delay`` s: a real SIGINT sent
    to the main thread (default handler), SIGALRM from setitimer whose handler raises, or
    SIGALRM whose handler calls signal.raise_signal(SIGINT) (then Python's default SIGINT
    handler raises). Restores every handler and pytest-timeout's pending alarm."""
    fired = threading.Event()
    old_int = signal.signal(signal.SIGINT, signal.default_int_handler)
    old_alrm = None
    old_timer = (0.0, 0.0)
    timer = None
    t_start = time.monotonic()
    if how == "sigint":
        main = threading.main_thread().ident

        def fire() -> None:
            fired.set()
            signal.pthread_kill(main, signal.SIGINT)

        timer = threading.Timer(delay, fire)
        timer.start()
    else:
        def raise_ki(signum, frame):
            if not fired.is_set():
                fired.set()
                if how == "raise_signal":
                    signal.raise_signal(signal.SIGINT)
                else:
                    raise KeyboardInterrupt

        old_alrm = signal.signal(signal.SIGALRM, raise_ki)
        old_timer = signal.setitimer(signal.ITIMER_REAL, delay)
    try:
        yield fired
    finally:
        if timer is not None:
            timer.cancel()
            timer.join()
        if old_alrm is not None:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old_alrm)
            if old_timer[0] > 0:
                signal.setitimer(signal.ITIMER_REAL, max(old_timer[0] - (time.monotonic() - t_start), 0.001),
                                 old_timer[1])
        signal.signal(signal.SIGINT, old_int)


DELAY = 0.15


def _interrupt(call, how: str) -> float:
    t0 = time.monotonic()
    with sigint_after(DELAY, how) as fired:
        with pytest.raises(KeyboardInterrupt):
            call()
    elapsed = time.monotonic() - t0
    assert fired.is_set()
    assert elapsed < DELAY + 1.0, f"KeyboardInterrupt came {elapsed:.2f}s after the start"
    return elapsed


@pytest.fixture(params=["sigint", "setitimer", "raise_signal"])
def how(request):
    return request.param


def _pull_push(sockets):
    pull = sockets(zmq.PULL, rcvtimeo=MS)
    push = sockets(zmq.PUSH, sndtimeo=MS)
    addr = f"inproc://ki-{os.getpid()}-{time.monotonic_ns()}"
    pull.bind(addr)
    push.connect(addr)
    return pull, push


def test_keyboard_interrupt_during_recv(sockets, how):
    pull, push = _pull_push(sockets)
    for call in (pull.recv, lambda: pull.recv(copy=False), pull.recv_multipart,
                 lambda: pull.recv_into(bytearray(10)), pull.recv_string):
        _interrupt(call, how)
        push.send(b"after")
        assert pull.recv() == b"after"


def test_keyboard_interrupt_during_send(sockets, how):
    push = sockets(zmq.PUSH, sndtimeo=MS)  # no connection at all: send blocks
    addr = f"inproc://ki-send-{os.getpid()}-{time.monotonic_ns()}"
    _interrupt(lambda: push.send(b"blocked"), how)
    _interrupt(lambda: push.send_multipart([b"a", b"b"]), how)
    _interrupt(lambda: push.send(bytearray(100_000), copy=False), how)
    pull = sockets(zmq.PULL, rcvtimeo=MS)
    pull.bind(addr)
    push.connect(addr)
    push.send(b"after")
    assert pull.recv() == b"after"
    assert not pull.poll(100), "an interrupted send was queued after all"


def test_keyboard_interrupt_during_poll(sockets, how):
    pull, push = _pull_push(sockets)
    poller = zmq.Poller()
    poller.register(pull, zmq.POLLIN)
    for call in (lambda: pull.poll(MS), lambda: poller.poll(MS), lambda: zmq.select([pull], [], [], MS / 1000)):
        _interrupt(call, how)
    push.send(b"after")
    assert pull.poll(MS) == zmq.POLLIN
    assert poller.poll(MS) == [(pull, zmq.POLLIN)]
    assert pull.recv() == b"after"


def test_keyboard_interrupt_during_proxy(context, sockets, how):
    front, back = sockets(zmq.PULL), sockets(zmq.PUSH)
    fa = f"inproc://ki-front-{os.getpid()}-{time.monotonic_ns()}"
    ba = f"inproc://ki-back-{os.getpid()}-{time.monotonic_ns()}"
    front.bind(fa)
    back.bind(ba)
    client, worker = sockets(zmq.PUSH), sockets(zmq.PULL)
    client.connect(fa)
    worker.connect(ba)
    client.send(b"through the proxy")
    backstop = threading.Timer(WAIT_S, context.shutdown)  # only if the interrupt never came
    backstop.start()
    try:
        _interrupt(lambda: zmq.proxy(front, back), how)
    finally:
        backstop.cancel()
    assert worker.recv() == b"through the proxy"  # forwarded before the interrupt
    # both sockets still work outside the proxy
    client.send(b"direct")
    assert front.recv() == b"direct"
    back.send(b"to worker")
    assert worker.recv() == b"to worker"


# -- fork with live sockets ----------------------------------------------------------------------

FORK_SCRIPT = textwrap.dedent(r"""
    import gc, os, sys, time, warnings, zmq
    warnings.simplefilter("ignore", DeprecationWarning)  # fork() with threads, Python >= 3.12
    ctx = zmq.Context()
    pull = ctx.socket(zmq.PULL); pull.linger = 0; pull.rcvtimeo = 5000
    push = ctx.socket(zmq.PUSH); push.linger = 0; push.sndtimeo = 5000
    pull.bind("tcp://127.0.0.1:*")
    push.connect(pull.last_endpoint.decode())
    for i in range(100):
        push.send(b"%d" % i)
    pending = 0
    pids = []
    for mode in sys.argv[1:]:
        push.send(b"in-flight at fork"); pending += 1
        pid = os.fork()
        if pid == 0:
            # the child: inherited objects refuse to work, new ones do, then it exits
            try:
                push.send(b"from child")
                os._exit(3)
            except zmq.ZMQError:
                pass
            c2 = zmq.Context()
            a = c2.socket(zmq.PAIR); b = c2.socket(zmq.PAIR)
            a.bind("inproc://child"); b.connect("inproc://child")
            a.send(b"x"); assert b.recv() == b"x"
            a.close(); b.close(); c2.term()
            if mode == "exit":        # full interpreter exit with the inherited ctx alive
                sys.exit(0)
            if mode == "gc":          # drop the inherited objects first
                del globals()["push"], globals()["pull"], globals()["ctx"]
                gc.collect()
                sys.exit(0)
            os._exit(0)
        pids.append(pid)
        for i in range(100):          # parent traffic while the child runs
            push.send(b"%d" % i)
    got = [pull.recv() for _ in range(100 + len(pids) * 101)]
    assert got.count(b"in-flight at fork") == len(pids), got
    assert b"from child" not in got
    deadline = time.monotonic() + 10
    codes = []
    for pid in pids:
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                codes.append(os.waitstatus_to_exitcode(status)); break
            if time.monotonic() > deadline:
                os.kill(pid, 9); os.waitpid(pid, 0); codes.append("hung"); break
            time.sleep(0.01)  # (waitpid has no timeout: a bounded poll)
    push.send(b"after"); assert pull.recv() == b"after"
    pull.close(); push.close(); ctx.term()
    print("codes", codes)
""")


def test_fork_with_live_sockets():
    r = subprocess.run([sys.executable, "-c", FORK_SCRIPT, "exit", "gc", "_exit"], capture_output=True,
                       text=True, timeout=40)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip().splitlines()[-1] == "codes [0, 0, 0]", (r.stdout, r.stderr[-1000:])
