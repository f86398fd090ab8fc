"""Helpers shared by several test modules (the project-wide fixtures are in conftest.py).

A test module imports what it uses, fixtures included: ``from _helpers import ctx, make``.
pytest finds an imported fixture as if the module had defined it, and an imported autouse
fixture (:func:`close_made_sockets`) applies to that module only.
"""
from __future__ import annotations

import asyncio
import os
import socket
import sys
from typing import Any, Awaitable, Iterator, Optional, TypeVar

import pytest

import zmq

#: Receive and send timeout of the sockets :func:`make` creates: a failing test must fail,
#: not hang.
TIMEOUT_MS = 5000

#: Whether Frames export the buffer protocol (``memoryview(frame)``, ``np.frombuffer(frame)``):
#: the compiled backend's do; a pure-Python class (the CFFI backend's Frame) can only from
#: CPython 3.12 on (docs/howto/backends.md). ``frame.buffer`` works everywhere.
FRAME_EXPORTS_BUFFER = zmq.backend.BACKEND == "cython" or (
    sys.implementation.name == "cpython" and sys.version_info >= (3, 12))
needs_frame_buffer = pytest.mark.skipif(
    not FRAME_EXPORTS_BUFFER,
    reason="the CFFI backend's Frame cannot export the buffer protocol on this interpreter "
           "(frame.buffer works): docs/howto/backends.md")
#: Tests of the compiled backend's own internals (the Cython cimport API, its typed arguments).
needs_cython_backend = pytest.mark.skipif(
    zmq.backend.BACKEND != "cython", reason=f"tests the compiled (Cython) backend; this run uses {zmq.backend.BACKEND}")

#: PyPy: no reference counting (an object dropped is freed at the next collection), and
#: a bytearray cannot refuse resizing while its memory is exported.
PYPY = sys.implementation.name == "pypy"
needs_export_locks = pytest.mark.skipif(
    PYPY, reason="PyPy's bytearray cannot refuse resizing while its memory is exported (no export "
                 "count); the CFFI backend copies bytearrays sent with copy=False there: docs/howto/backends.md")


def pypy_collect() -> None:
    """Run a garbage collection on PyPy, where dropped objects are freed only then (CPython
    frees them as their last reference goes: nothing to do)."""
    if PYPY:
        import gc

        gc.collect()


_T = TypeVar("_T")
_made: list[zmq.Socket] = []
_names = iter(range(10**9))


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


def inproc() -> str:
    """A fresh inproc endpoint."""
    return f"inproc://cyzmq-helpers-{os.getpid()}-{next(_names)}"


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
