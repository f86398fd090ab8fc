"""Object lifetime: garbage-collected sockets and contexts, context managers, destroy(),
and shadows that wrap without owning.

Termination is observed from outside: a closed listener frees its address (a new socket
can bind it), and a terminated libzmq context joins its background threads (named
"ZMQbg/..." in /proc/self/task). Context.term() calls that could hang if the library were
wrong run in a helper thread with a join timeout.
"""
from __future__ import annotations

import errno
import gc
import os
import socket
import threading
import time
import warnings

import pytest
from _helpers import pypy_collect, wait_until

import zmq

WAIT = 3.0  # seconds


def zmq_threads() -> int:
    """How many libzmq background threads (I/O threads, reaper) this process has."""
    n = 0
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/comm") as f:
                if f.read().startswith("ZMQbg"):
                    n += 1
        except OSError:
            pass  # the thread just ended
    return n


def run_bounded(func, timeout=WAIT):
    """Run ``func()`` in a daemon thread; return (finished, seconds taken, exception)."""
    out = {}

    def target():
        try:
            func()
        except BaseException as e:
            out["error"] = e

    t = threading.Thread(target=target, daemon=True)
    start = time.monotonic()
    t.start()
    t.join(timeout)
    return not t.is_alive(), time.monotonic() - start, out.get("error")


def bind_eventually(s, addr, timeout=WAIT):
    """Bind ``s`` to ``addr``, retrying while the previous owner is still releasing it."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            s.bind(addr)
            return
        except zmq.ZMQError as e:
            if e.errno != errno.EADDRINUSE or time.monotonic() > deadline:
                raise
            time.sleep(0.01)  # (no event tells when the endpoint is free: a bounded retry)


@pytest.fixture
def dead_tcp_endpoint():
    """A tcp endpoint nobody listens on: the port is held by a bound, non-listening socket,
    so a PUSH connected there keeps its messages queued (undeliverable)."""
    reserved = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    reserved.bind(("127.0.0.1", 0))
    try:
        yield f"tcp://127.0.0.1:{reserved.getsockname()[1]}"
    finally:
        reserved.close()


@pytest.fixture
def ctx():
    c = zmq.Context()
    yield c
    if not c.closed:
        finished, _, _ = run_bounded(lambda: c.destroy(linger=0))
        assert finished


# -- garbage collection ----------------------------------------------------------------------


def test_dropped_socket_warns_and_is_closed_by_gc(ctx):
    s = ctx.socket(zmq.PULL)
    s.linger = 0
    s.bind("tcp://127.0.0.1:*")
    endpoint = s.last_endpoint.decode()
    other = ctx.socket(zmq.PULL)
    other.linger = 0
    try:
        with pytest.raises(zmq.ZMQError) as excinfo:
            other.bind(endpoint)  # taken while s is alive
        assert excinfo.value.errno == errno.EADDRINUSE

        with pytest.warns(ResourceWarning, match="unclosed socket"):
            del s
            gc.collect()
        # GC closed it: its port is free again.
        bind_eventually(other, endpoint)
    finally:
        other.close()
    # No socket is left open in the context, so term() returns.
    finished, seconds, error = run_bounded(ctx.term)
    assert finished and error is None
    assert seconds < 1.0


def test_dropped_socket_in_a_reference_cycle_is_closed_by_gc(ctx):
    s = ctx.socket(zmq.PAIR)
    s.linger = 0
    s.bind("inproc://gc-cycle")
    s._monitor_socket = s  # a cycle (through a declared attribute): only the cycle collector can free it
    with pytest.warns(ResourceWarning, match="unclosed socket"):
        del s
        gc.collect()
    other = ctx.socket(zmq.PAIR)
    try:
        bind_eventually(other, "inproc://gc-cycle")
    finally:
        other.close()
    finished, _, error = run_bounded(ctx.term)
    assert finished and error is None


def test_dropped_context_is_terminated_by_gc():
    before = zmq_threads()
    c = zmq.Context()
    s = c.socket(zmq.PUSH)  # libzmq starts its threads with the first socket
    s.close()
    # One I/O thread + the reaper (they name themselves once running).
    assert wait_until(lambda: zmq_threads() == before + 2)
    start = time.monotonic()
    with pytest.warns(ResourceWarning, match="unclosed context"):
        del c, s
        gc.collect()
        pypy_collect()  # PyPy runs the finalizers found by one collection at the next
    gc.collect()
    # (The warning record briefly keeps the context alive; once released, GC terminates it.)
    assert wait_until(lambda: zmq_threads() == before), "the context's threads are still running"
    assert time.monotonic() - start < 10.0  # a hang is infinite; a loaded 2-core CI machine is slow


def test_dropped_context_and_socket_with_linger0_terminate_promptly(dead_tcp_endpoint):
    before = zmq_threads()
    c = zmq.Context()
    s = c.socket(zmq.PUSH)
    s.linger = 0
    s.connect(dead_tcp_endpoint)
    for _ in range(5):
        s.send(b"undeliverable")  # queued: nobody will ever take them
    assert wait_until(lambda: zmq_threads() == before + 2)
    start = time.monotonic()
    # A recorded ResourceWarning keeps its ``source`` (the socket, which references the
    # context) alive, so record the messages as text and let go of the records as we go.
    seen = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        del c, s
        for _ in range(5):
            gc.collect()
            seen += [(w.category, str(w.message).split(" <")[0]) for w in caught]
            caught.clear()
    assert sorted(seen, key=str) == [
        (ResourceWarning, "unclosed context"),
        (ResourceWarning, "unclosed socket"),
    ]
    assert wait_until(lambda: zmq_threads() == before), "the context was not terminated"
    assert time.monotonic() - start < 10.0  # a hang is infinite; a loaded 2-core CI machine is slow


def test_gc_of_a_linger0_socket_with_undeliverable_messages_lets_term_return(ctx, dead_tcp_endpoint):
    s = ctx.socket(zmq.PUSH)
    s.linger = 0
    s.connect(dead_tcp_endpoint)
    for _ in range(5):
        s.send(b"undeliverable")
    with pytest.warns(ResourceWarning, match="unclosed socket"):
        del s
        gc.collect()
    finished, seconds, error = run_bounded(ctx.term)
    assert finished, "term() blocked: the GC'd socket did not honour linger=0"
    assert error is None
    assert seconds < 0.5


def test_gc_close_honours_a_nonzero_linger(ctx, dead_tcp_endpoint):
    s = ctx.socket(zmq.PUSH)
    s.linger = 300
    s.connect(dead_tcp_endpoint)
    s.send(b"undeliverable")
    start = time.monotonic()  # the linger period starts when GC closes the socket
    with pytest.warns(ResourceWarning, match="unclosed socket"):
        del s
        gc.collect()
    finished, _, error = run_bounded(ctx.term)
    assert finished and error is None
    # term() waited for the linger period: not less, not forever.
    elapsed = time.monotonic() - start
    assert 0.28 <= elapsed < 1.5, elapsed


# -- context managers ------------------------------------------------------------------------


def test_context_and_socket_context_managers():
    with zmq.Context() as c:
        with c.socket(zmq.PAIR) as a, c.socket(zmq.PAIR) as b:
            a.linger = b.linger = 0
            a.bind("inproc://gc-with")
            b.connect("inproc://gc-with")
            a.send(b"inside")
            assert b.recv() == b"inside"
            assert not a.closed and not b.closed
        assert a.closed and b.closed
        assert not c.closed
    assert c.closed
    with pytest.raises(zmq.ZMQError):
        c.socket(zmq.PAIR)


def test_socket_context_manager_closes_on_exception(ctx):
    with pytest.raises(RuntimeError):
        with ctx.socket(zmq.PAIR) as s:
            raise RuntimeError("boom")
    assert s.closed
    finished, _, error = run_bounded(ctx.term)
    assert finished and error is None


@pytest.mark.parametrize("transport", ["tcp", "ipc", "inproc"])
def test_with_bind_unbinds_on_exit(ctx, tmp_path, transport):
    addr = {
        "tcp": "tcp://127.0.0.1:*",
        "ipc": f"ipc://{tmp_path}/bind",
        "inproc": f"inproc://gc-bind-{os.getpid()}",
    }[transport]
    a = ctx.socket(zmq.PULL)
    b = ctx.socket(zmq.PULL)
    a.linger = b.linger = 0
    try:
        with a.bind(addr) as bound:
            assert bound is a
            endpoint = a.last_endpoint.decode()
            if transport != "ipc":  # (libzmq replaces an existing ipc socket file)
                with pytest.raises(zmq.ZMQError) as excinfo:
                    b.bind(endpoint)
                assert excinfo.value.errno == errno.EADDRINUSE
        # Unbound on exit: the address can be bound by another socket...
        bind_eventually(b, endpoint)
        # ...and is no longer one of a's endpoints.
        with pytest.raises(zmq.ZMQError) as excinfo:
            a.unbind(endpoint)
        assert excinfo.value.errno == errno.ENOENT
        assert not a.closed
    finally:
        a.close()
        b.close()


def test_with_connect_disconnects_on_exit(ctx):
    pull = ctx.socket(zmq.PULL)
    push = ctx.socket(zmq.PUSH)
    pull.linger = push.linger = 0
    pull.rcvtimeo = 5000
    try:
        pull.bind("tcp://127.0.0.1:*")
        endpoint = pull.last_endpoint.decode()
        with push.connect(endpoint) as connected:
            assert connected is push
            push.send(b"connected")
            assert pull.recv() == b"connected"
        # Disconnected: PUSH has no peer left, so a non-blocking send cannot queue.
        with pytest.raises(zmq.Again):
            push.send(b"nobody", zmq.NOBLOCK)
        with pytest.raises(zmq.ZMQError) as excinfo:
            push.disconnect(endpoint)
        assert excinfo.value.errno == errno.ENOENT
        # Connecting again works.
        push.connect(endpoint)
        push.send(b"again")
        assert pull.recv() == b"again"
    finally:
        pull.close()
        push.close()


# -- destroy ---------------------------------------------------------------------------------


def test_destroy_with_linger0_closes_every_socket(dead_tcp_endpoint):
    c = zmq.Context()
    stuck = c.socket(zmq.PUSH)  # default linger (-1): plain term() would wait forever
    assert stuck.linger == -1
    stuck.connect(dead_tcp_endpoint)
    for _ in range(3):
        stuck.send(b"undeliverable")
    others = [c.socket(zmq.PULL), c.socket(zmq.PAIR), c.socket(zmq.ROUTER)]
    others[0].bind("tcp://127.0.0.1:*")
    others[1].bind("inproc://gc-destroy")
    finished, seconds, error = run_bounded(lambda: c.destroy(linger=0))
    assert finished, "destroy(linger=0) hung"
    assert error is None
    assert seconds < 1.0
    assert stuck.closed
    assert all(s.closed for s in others)
    assert c.closed


# -- shadows ---------------------------------------------------------------------------------


@pytest.mark.parametrize("by", ["address", "object"])
def test_socket_shadow_wraps_without_owning(sockets, by):
    a = sockets(zmq.PAIR)
    b = sockets(zmq.PAIR)
    a.bind("inproc://gc-shadow-sock")
    b.connect("inproc://gc-shadow-sock")
    shadow = zmq.Socket.shadow(a.underlying if by == "address" else a)
    assert isinstance(shadow, zmq.Socket)
    assert shadow.underlying == a.underlying
    shadow.send(b"via the shadow")
    assert b.recv() == b"via the shadow"
    b.send(b"to the original")
    assert shadow.recv() == b"to the original"  # same libzmq socket
    shadow.close()
    assert shadow.closed
    assert not a.closed
    a.send(b"original still works")
    assert b.recv() == b"original still works"

    # Dropping an unclosed shadow is not a leak: no ResourceWarning, the socket stays open.
    shadow2 = zmq.Socket.shadow(a.underlying)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        del shadow2
        gc.collect()
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []
    a.send(b"after the shadow was collected")
    assert b.recv() == b"after the shadow was collected"


@pytest.mark.parametrize("by", ["address", "object"])
def test_context_shadow_wraps_without_owning(ctx, by):
    original = ctx.socket(zmq.PULL)
    original.linger = 0
    original.rcvtimeo = 5000
    original.bind("inproc://gc-shadow-ctx")
    shadow = zmq.Context.shadow(ctx.underlying if by == "address" else ctx)
    assert shadow.underlying == ctx.underlying
    # inproc endpoints belong to one libzmq context: reaching original's endpoint from a
    # socket made by the shadow proves they are the same context.
    peer = shadow.socket(zmq.PUSH)
    peer.linger = 0
    peer.connect("inproc://gc-shadow-ctx")
    peer.send(b"from the shadow's socket")
    assert original.recv() == b"from the shadow's socket"
    peer.close()

    finished, _, error = run_bounded(shadow.term)  # must not terminate (or wait on) ctx
    assert finished and error is None
    assert shadow.closed
    assert not ctx.closed
    s = ctx.socket(zmq.PUSH)
    s.linger = 0
    s.connect("inproc://gc-shadow-ctx")
    s.send(b"original context still works")
    assert original.recv() == b"original context still works"
    s.close()

    shadow2 = zmq.Context.shadow(ctx.underlying)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        del shadow2
        gc.collect()
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []
    original.close()
    finished, _, error = run_bounded(ctx.term)
    assert finished and error is None


# -- context managers, shadows and copies (pyzmq's behaviour) ---------------------------------


def test_with_context_destroys_leftover_sockets_with_a_warning(dead_tcp_endpoint):
    with pytest.warns(ResourceWarning, match=r"Destroying context with unclosed socket <zmq.Socket\(zmq.PUSH\)"):
        with zmq.Context() as c:
            s = c.socket(zmq.PUSH)
            s.linger = 100  # each socket keeps its own LINGER: a queued message waits that long
            s.connect(dead_tcp_endpoint)
            s.send(b"undeliverable")
            closed = c.socket(zmq.PULL)
            closed.close()
    assert s.closed and c.closed
    assert repr(c).endswith(" closed>") and repr(s).startswith("<zmq.Socket(zmq.PUSH) at ")


def test_with_context_without_open_sockets_just_terminates():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with zmq.Context() as c:
            c.socket(zmq.PUSH).close()
    assert c.closed


def test_context_exit_on_exception_still_destroys():
    with pytest.warns(ResourceWarning):
        with pytest.raises(KeyError):
            with zmq.Context() as c:
                s = c.socket(zmq.PULL)
                raise KeyError("x")
    assert s.closed and c.closed


@pytest.mark.parametrize("make", [
    lambda c: zmq.Context(c),
    lambda c: zmq.Context(shadow=c),
    lambda c: zmq.Context(shadow=c.underlying),
    lambda c: zmq.Context.shadow(c),
    lambda c: __import__("copy").copy(c),
    lambda c: __import__("copy").deepcopy(c),
], ids=["positional", "shadow=ctx", "shadow=address", "shadow()", "copy", "deepcopy"])
def test_context_shadows_and_copies(ctx, make):
    other = make(ctx)
    assert type(other) is zmq.Context and other is not ctx and other.underlying == ctx.underlying
    with other.socket(zmq.PAIR) as a, ctx.socket(zmq.PAIR) as b:
        a.bind("inproc://shadowed")
        b.connect("inproc://shadowed")  # one libzmq context: inproc connects
    other.term()  # a shadow only forgets the handle: the owner's context lives on
    assert other.closed and not ctx.closed
    finished, _, error = run_bounded(ctx.term)
    assert finished and error is None


def test_context_io_threads_errors():
    with pytest.raises(zmq.ZMQError) as e:
        zmq.Context(-1)
    assert e.value.errno == zmq.EINVAL
    for bad in ("2", 1.5, None):
        with pytest.raises(TypeError):
            zmq.Context(bad)
    with pytest.raises(TypeError):
        zmq.Context(io_threads=1, no_such_argument=1)
    with pytest.raises(TypeError):
        zmq.Context.shadow(None)  # not a new context passed off as a shadow


def test_socket_copies_are_shadows(ctx):
    import copy

    with ctx.socket(zmq.PUSH) as s:
        for dup in (copy.copy(s), copy.deepcopy(s), zmq.Socket(s), zmq.Socket(shadow=s)):
            assert dup.underlying == s.underlying and dup.type == zmq.PUSH
            dup.close()  # forgets the handle only
            assert not s.closed and s.linger == -1


def test_reprs(ctx):
    assert repr(ctx) == f"<zmq.Context() at {id(ctx):#x}>"
    a = ctx.socket(zmq.PUSH)
    b = ctx.socket(zmq.SUB)
    assert repr(ctx) == f"<zmq.Context(2 sockets) at {id(ctx):#x}>"
    a.close()
    assert repr(ctx) == f"<zmq.Context(1 socket) at {id(ctx):#x}>"
    assert repr(a) == f"<zmq.Socket(zmq.PUSH) at {id(a):#x} closed>"
    assert repr(b.bind("inproc://repr")) == "<SocketContext(bind='inproc://repr')>"
    assert repr(b.connect("inproc://repr2")) == "<SocketContext(connect='inproc://repr2')>"
    b.close()
    ctx.term()
    assert repr(ctx) == f"<zmq.Context() at {id(ctx):#x} closed>"


def test_instance_of_a_subclass():
    class Sub(zmq.Context):
        pass

    class Own(zmq.Context):
        _instance = None

    base = zmq.Context.instance()
    try:
        assert Sub.instance() is base  # shares the base's live instance (as pyzmq)
        own = Own.instance()
        assert type(own) is Own and own is Own.instance()
        own.term()
        base.term()
        sub = Sub.instance()  # the inherited one is gone: a Sub of its own
        assert type(sub) is Sub and sub is Sub.instance()
        assert zmq.Context.instance() is not sub
        sub.term()
    finally:
        zmq.Context.instance().term()
