"""The test suite's fixtures and helpers, all in this one module.

conftest.py imports the fixtures below, so every test module can ask for them by name
(``ctx``/``context``, ``sockets``, ``transport``, ``bound_pair``, ``pipe``...); helpers that
are not fixtures are imported: ``from _helpers import make, endpoint, needs_cython_backend``.
Sockets made by :func:`make` (and the ``sockets`` factory) are closed after each test by
the autouse :func:`close_made_sockets`.
"""
from __future__ import annotations

import asyncio
import functools
import linecache
import os
import socket
import sys
import threading
import time
from typing import Any, Awaitable, Callable, Iterator, Optional, TypeVar

import pytest

import zmq

#: Receive and send timeout of the sockets :func:`make` creates: a failing test must fail,
#: not hang.
TIMEOUT_MS = 5000

#: Tests of the compiled backend's own internals (the Cython cimport API, its typed arguments).
needs_cython_backend = pytest.mark.skipif(
    zmq.backend.BACKEND != "cython", reason=f"tests the compiled (Cython) backend; this run uses {zmq.backend.BACKEND}")

#: PyPy: no reference counting (an object dropped is freed at the next collection), and
#: a bytearray cannot refuse resizing while its memory is exported.
PYPY = sys.implementation.name == "pypy"
needs_export_locks = pytest.mark.skipif(
    PYPY, reason="PyPy's bytearray cannot refuse resizing while its memory is exported (no export "
                 "count), so the CFFI backend shares bytearrays (and array.array) sent with copy=False "
                 "as a private copy there: docs/howto/backends.md")


def pypy_collect() -> None:
    """Run a garbage collection on PyPy, where dropped objects are freed only then (CPython
    frees them as their last reference goes: nothing to do)."""
    if PYPY:
        import gc

        gc.collect()


_T = TypeVar("_T")
_made: list[zmq.Socket] = []
_names = iter(range(10**9))
#: The session's directory for ipc endpoints (pytest-managed: nothing is left in /tmp).
_ipc_dir: Optional[str] = None


def make(
    ctx: zmq.Context,
    kind: int,
    *,
    timeout: Optional[int] = TIMEOUT_MS,
    bind: Optional[str] = None,
    connect: Optional[str] = None,
    subscribe: Optional[bytes] = None,
    socket_class: Optional[type] = None,
    **options: Any,
) -> Any:
    """A test socket, closed after the test at the latest (see :func:`close_made_sockets`).

    It has linger=0, ``timeout`` ms receive and send timeouts (None: no timeouts, for
    async sockets whose awaits are bounded otherwise) and ``options`` set as attributes;
    then, when given, it subscribes to ``subscribe``, binds to ``bind`` and connects to
    ``connect``.
    """
    s = ctx.socket(kind) if socket_class is None else ctx.socket(kind, socket_class)
    _made.append(s)
    s.linger = 0
    if timeout is not None:
        s.rcvtimeo = s.sndtimeo = timeout
    for name, value in options.items():
        setattr(s, name, value)
    if subscribe is not None:
        s.subscribe(subscribe)
    if bind:
        s.bind(bind)
    if connect:
        s.connect(connect)
    return s


def close_made() -> None:
    """Close every socket :func:`make` created so far (for a context fixture that must see
    them closed before it terminates its context)."""
    while _made:
        _made.pop().close(linger=0)


@pytest.fixture(autouse=True)
def close_made_sockets() -> Iterator[None]:
    """Close the sockets :func:`make` created, after the test and its other fixtures."""
    yield
    close_made()


@pytest.fixture
def ctx() -> Iterator[zmq.Context]:
    """A fresh Context, destroyed (linger=0) at teardown."""
    c = zmq.Context()
    yield c
    c.destroy(linger=0)


@pytest.fixture
def context(ctx: zmq.Context) -> zmq.Context:
    """The :func:`ctx` fixture under its other name."""
    return ctx


@pytest.fixture
def sockets(ctx: zmq.Context) -> Callable[..., Any]:
    """A factory ``sockets(zmq.PUSH, **options)``: :func:`make` on the test's context."""
    return functools.partial(make, ctx)


@pytest.fixture(scope="session", autouse=True)
def _ipc_directory(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Put the session's ipc endpoints (:func:`endpoint`) in a pytest-managed directory."""
    global _ipc_dir
    _ipc_dir = str(tmp_path_factory.mktemp("ipc"))


def endpoint(transport: str) -> str:
    """A fresh endpoint for ``transport``: inproc, ipc (in the session's temporary
    directory) or tcp (127.0.0.1, a port chosen by bind)."""
    n = next(_names)
    if transport == "inproc":
        return f"inproc://cyzmq-test-{os.getpid()}-{n}"
    if transport == "ipc":
        assert _ipc_dir is not None, "endpoint('ipc') needs the session's ipc directory"
        return f"ipc://{_ipc_dir}/s{n}"
    if transport == "tcp":
        return "tcp://127.0.0.1:*"
    raise ValueError(transport)


def inproc() -> str:
    """A fresh inproc endpoint."""
    return endpoint("inproc")


def connected_pair(sockets: Callable[..., Any], bind_type: int, connect_type: int) -> tuple[Any, Any]:
    """(bound, connected) sockets of these types over a fresh inproc endpoint, made by the
    ``sockets`` factory fixture."""
    addr = inproc()
    bound = sockets(bind_type, bind=addr)
    return bound, sockets(connect_type, connect=addr)


def fill(sock: zmq.Socket, data: bytes = b"x", limit: int = 100) -> int:
    """Send ``data`` with NOBLOCK until the socket refuses (Again) or ``limit`` sends; how
    many it took."""
    for sent in range(limit):
        try:
            sock.send(data, zmq.NOBLOCK)
        except zmq.Again:
            return sent
    return limit


@pytest.fixture(params=["inproc", "ipc", "tcp"])
def transport(request: pytest.FixtureRequest) -> str:
    """Each test using it runs over inproc, ipc and tcp."""
    return str(request.param)


@pytest.fixture
def bound_pair(sockets: Callable[..., Any], transport: str) -> Callable[[int, int], tuple[Any, Any]]:
    """A factory ``bound_pair(zmq.PUSH, zmq.PULL)`` -> (bound socket, connected socket)."""

    def pair(type_a: int, type_b: int) -> tuple[Any, Any]:
        a = sockets(type_a, bind=endpoint(transport))
        return a, sockets(type_b, connect=a.last_endpoint.decode())

    return pair


def wait_until(predicate: Callable[[], Any], timeout: float = 5.0, interval: float = 0.005) -> bool:
    """Poll ``predicate()`` until it is true or ``timeout`` seconds have passed; whether it
    became true (a test asserts it: a condition that never comes fails, it does not hang)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return bool(predicate())
        time.sleep(interval)
    return True


def running_lines(thread: threading.Thread) -> str:
    """The source lines ``thread`` is executing, innermost first, joined (empty when it
    runs no Python code)."""
    frame = sys._current_frames().get(thread.ident) if thread.ident is not None else None
    lines = []
    while frame is not None:
        lines.append(linecache.getline(frame.f_code.co_filename, frame.f_lineno).strip())
        frame = frame.f_back
    return "\n".join(lines)


def wait_until_in_call(thread: threading.Thread, call: str, timeout: float = 5.0) -> bool:
    """Wait (bounded) until ``thread`` is on a source line containing ``call``, e.g.
    ``"s.recv()"``: it has entered that (blocking) call, instead of sleeping and hoping."""
    return wait_until(lambda: call in running_lines(thread), timeout)


async def within(awaitable: Awaitable[_T], timeout: float = 5.0) -> _T:
    """``await awaitable``, failing with TimeoutError after ``timeout`` s instead of hanging."""
    return await asyncio.wait_for(awaitable, timeout)


@pytest.fixture
def pipe() -> Iterator[tuple[int, int]]:
    """An ``os.pipe()`` (read fd, write fd), closed at teardown."""
    r, w = os.pipe()
    yield r, w
    os.close(r)
    os.close(w)


@pytest.fixture
def sockpair() -> Iterator[tuple[socket.socket, socket.socket]]:
    """A connected ``socket.socketpair()``, closed at teardown."""
    a, b = socket.socketpair()
    yield a, b
    a.close()
    b.close()
