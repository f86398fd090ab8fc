"""Shutdown never hangs silently: collected sockets, blocked term() warnings, interpreter exit."""
from __future__ import annotations

import gc
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
import warnings

import pytest

import zmq


def _unreachable_endpoint() -> str:
    # A port nothing listens on: bound then released by the OS socket (not listening).
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"tcp://127.0.0.1:{port}"


def _collected_pushers(ctx: zmq.Context, n: int, endpoint: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        for _ in range(n):
            s = ctx.socket(zmq.PUSH)
            s.connect(endpoint)
            s.send(b"queued")
            del s  # collected without close(), a message queued
        gc.collect()


def test_destroy_linger0_returns_with_100_collected_sockets() -> None:
    ctx = zmq.Context()
    _collected_pushers(ctx, 100, _unreachable_endpoint())
    start = time.monotonic()
    ctx.destroy(linger=0)
    took = time.monotonic() - start
    assert ctx.closed
    assert took < 2.0, f"destroy(linger=0) took {took:.3f} s"
    print(f"destroy(linger=0) with 100 collected sockets: {took * 1000:.1f} ms")


def test_collected_socket_still_delivers_its_message() -> None:
    # pyzmq's behaviour kept: a socket dropped without close() still sends its queued messages.
    ctx = zmq.Context()
    endpoint = _unreachable_endpoint()
    _collected_pushers(ctx, 1, endpoint)
    pull = ctx.socket(zmq.PULL)
    pull.rcvtimeo = 5000
    pull.bind(endpoint)
    assert pull.recv() == b"queued"
    pull.close()
    start = time.monotonic()
    ctx.term()  # the collected socket is closed with its own LINGER; nothing left to send
    assert time.monotonic() - start < 2.0


def test_collected_socket_with_linger0_is_closed_at_once() -> None:
    ctx = zmq.Context()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        s = ctx.socket(zmq.PUSH)
        s.linger = 0
        del s
        gc.collect()
    assert ctx._collected == []
    ctx.term()


def test_collected_socket_closed_by_term_with_its_own_linger() -> None:
    ctx = zmq.Context()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        s = ctx.socket(zmq.PUSH)
        s.linger = 300
        s.connect(_unreachable_endpoint())
        s.send(b"queued")
        del s
        gc.collect()
    start = time.monotonic()
    ctx.term()
    assert 0.2 < time.monotonic() - start < 3.0


def test_blocked_term_warns_naming_sockets_and_endpoints(monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = zmq.Context()
    monkeypatch.setattr(ctx, "term_warning_after", 0.3)
    endpoint = _unreachable_endpoint()
    s = ctx.socket(zmq.PUSH)
    s.connect(endpoint)
    s.send(b"queued")
    s.close(linger=1500)  # term() waits ~1.5 s for it
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        start = time.monotonic()
        ctx.term()
        took = time.monotonic() - start
    assert 1.2 < took < 4.0  # the warning did not cut the wait short
    msgs = [str(x.message) for x in w if issubclass(x.category, RuntimeWarning)]
    assert len(msgs) == 1, msgs
    assert "blocked for 0.3 s" in msgs[0]
    assert "zmq.PUSH" in msgs[0] and endpoint in msgs[0] and "LINGER=1500 ms" in msgs[0]


def test_blocked_term_warning_names_open_socket_of_another_thread() -> None:
    ctx = zmq.Context()
    ctx.term_warning_after = 0.2
    s = ctx.socket(zmq.PULL)
    s.bind("inproc://held")
    closer = threading.Timer(0.8, s.close)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        closer.start()
        ctx.term()
        closer.join()
    msgs = [str(x.message) for x in w if issubclass(x.category, RuntimeWarning)]
    assert len(msgs) == 1 and "zmq.PULL" in msgs[0] and "still open" in msgs[0]


def test_term_warning_disabled_and_quick_term_silent() -> None:
    ctx = zmq.Context()
    ctx.term_warning_after = None
    s = ctx.socket(zmq.PUSH)
    s.connect(_unreachable_endpoint())
    s.send(b"x")
    s.close(linger=600)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        ctx.term()
        with zmq.Context() as quick:
            quick.socket(zmq.PUSH).close()
    assert [x for x in w if issubclass(x.category, RuntimeWarning)] == []
    assert zmq.Context.term_warning_after == 5.0


def test_context_manager_exit_warns_when_blocked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zmq.Context, "term_warning_after", 0.2)
    endpoint = _unreachable_endpoint()
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        with zmq.Context() as ctx:
            s = ctx.socket(zmq.PUSH)
            s.linger = 900
            s.connect(endpoint)
            s.send(b"x")
    msgs = [str(x.message) for x in w if issubclass(x.category, RuntimeWarning)]
    assert len(msgs) == 1 and endpoint in msgs[0]


def _tasks() -> int:
    return len(os.listdir("/proc/self/task"))


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="counts threads in /proc/self/task")
def test_terms_leave_no_thread_behind() -> None:
    # One watchdog thread per process serves every term() (a thread per term() made a Jupyter
    # kernel's exit slower than under pyzmq).
    zmq.Context().term()  # the watchdog runs from here on
    before = _tasks()
    for _ in range(20):
        ctx = zmq.Context()
        ctx.socket(zmq.PUSH).close()
        ctx.term()
    assert _tasks() <= before


def test_concurrent_blocked_terms_each_warn_the_shorter_limit_first() -> None:
    # A term() with a shorter limit, started while the watchdog waits for a later deadline,
    # still warns on time; each blocked term() warns once.
    endpoint = _unreachable_endpoint()

    def blocked_context(limit: float, linger: int) -> zmq.Context:
        ctx = zmq.Context()
        ctx.term_warning_after = limit
        s = ctx.socket(zmq.PUSH)
        s.connect(endpoint)
        s.send(b"queued")
        s.close(linger=linger)
        return ctx

    slow, quick = blocked_context(1.0, 1800), blocked_context(0.2, 900)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        first = threading.Thread(target=slow.term)
        first.start()
        time.sleep(0.1)
        start = time.monotonic()
        quick.term()
        took = time.monotonic() - start
        first.join(10)
    msgs = [str(x.message) for x in w if issubclass(x.category, RuntimeWarning)]
    assert took > 0.6  # quick's own LINGER (900 ms) kept it waiting
    # (had the watchdog slept on until the slow deadline, both would warn then, slow first)
    assert len(msgs) == 2 and "blocked for 0.2 s" in msgs[0] and "blocked for 1 s" in msgs[1], msgs


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_blocked_term_warns_in_a_forked_child() -> None:
    zmq.Context().term()  # the parent's watchdog runs; the child has to start its own
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            ctx = zmq.Context()
            ctx.term_warning_after = 0.2
            s = ctx.socket(zmq.PUSH)
            s.connect(_unreachable_endpoint())
            s.send(b"queued")
            s.close(linger=700)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                ctx.term()
            os.write(w, str(sum(issubclass(x.category, RuntimeWarning) for x in caught)).encode())
        finally:
            os._exit(0)
    os.close(w)
    with os.fdopen(r) as f:
        got = f.read()
    os.waitpid(pid, 0)
    assert got == "1"


EXIT_SCRIPT = """
import gc, sys, time, zmq
zmq.Context.term_warning_after = None
ctx = zmq.Context()
for i in range(20):
    s = ctx.socket(zmq.PUSH)
    s.connect(sys.argv[1])
    s.send(b"queued")
    if i % 2:
        del s  # half collected without close, half still referenced
gc.collect()
print("exiting", flush=True)
"""


def test_interpreter_exit_drops_queued_messages_promptly() -> None:
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(EXIT_SCRIPT), _unreachable_endpoint()],
        capture_output=True, text=True, timeout=30,
    )
    took = time.monotonic() - start
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "exiting\n"
    assert took < 10.0
