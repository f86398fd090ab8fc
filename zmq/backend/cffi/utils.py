"""The CFFI backend's module-level functions: version, capabilities, errors, CURVE keys,
poll and proxy."""
from __future__ import annotations

import sys
from typing import Any, Callable

from zmq.backend.cffi._ffi import (
    DRAFT_API, EINVAL, ENOTSOCK, NULL, c_int, check, ffi, interrupted, lib, monotonic_ms, run_signal_handlers, timeout_ms, zmq_error,
)
from zmq.backend.cffi.socket import Socket, enter_all, leave_all

#: The longest ipc:// path libzmq can bind: sockaddr_un.sun_path less its NUL.
IPC_PATH_MAX_LEN = 103 if sys.platform == "darwin" or "bsd" in sys.platform else 107

__all__ = ["DRAFT_API", "IPC_PATH_MAX_LEN", "zmq_version_info", "has", "strerror", "zmq_errno", "curve_keypair", "curve_public",
           "zmq_poll", "proxy", "proxy_steerable", "device"]


def zmq_version_info() -> tuple[int, int, int]:
    """The version of the libzmq in use, as ``(major, minor, patch)``."""
    parts = ffi.new("int[3]")
    lib.zmq_version(parts, parts + 1, parts + 2)
    return (parts[0], parts[1], parts[2])


def has(capability: str | bytes) -> bool:
    """Whether the linked libzmq supports a capability ("ipc", "curve", "draft"...)."""
    if not isinstance(capability, str):
        raise TypeError(f"capability must be a str such as 'curve', not {type(capability).__name__!r}")
    return bool(lib.zmq_has(capability.encode("utf-8")))


def strerror(errno: int) -> str:
    """libzmq's description of an error number."""
    return ffi.string(lib.zmq_strerror(c_int(errno, "errno"))).decode("utf-8", "replace")


def _thread_errno() -> Callable[[], int]:
    """A reader of this thread's C ``errno`` as it is now, which is what libzmq's zmq_errno()
    returns. Calling ``lib.zmq_errno()`` through cffi would not do: cffi sets ``errno`` to the
    value it saved after its own last call before each call, hiding what other C code (the
    interpreter's included) set since. PyPy's ctypes does the same, so there cffi's is kept."""
    if sys.implementation.name == "pypy":
        return lib.zmq_errno
    import ctypes

    libc = ctypes.CDLL(None)
    location = getattr(libc, "__errno_location", None) or getattr(libc, "__error", None)
    if location is None:
        return lib.zmq_errno
    location.restype = ctypes.POINTER(ctypes.c_int)
    location.argtypes = []
    return lambda: location()[0]


_errno_now = _thread_errno()


def zmq_errno() -> int:
    """The errno of the last libzmq call in this thread (C's ``errno`` now)."""
    return _errno_now()


def curve_keypair() -> tuple[bytes, bytes]:
    """A new CURVE key pair as ``(public, secret)``, each 40 bytes of Z85 text."""
    public, secret = ffi.new("char[41]"), ffi.new("char[41]")
    check(lib.zmq_curve_keypair(public, secret))
    return ffi.string(public), ffi.string(secret)


def curve_public(secret_key: str | bytes) -> bytes:
    """The CURVE public key (40 bytes of Z85) that belongs to a secret key."""
    if isinstance(secret_key, str):
        try:
            secret_key = secret_key.encode("ascii")
        except UnicodeEncodeError:
            raise ValueError("secret_key must be 40 characters of Z85 text (ASCII)") from None
    elif isinstance(secret_key, bytearray):
        secret_key = bytes(secret_key)
    elif not isinstance(secret_key, bytes):
        raise TypeError(f"secret_key must be bytes or str, not {type(secret_key).__name__!r}")
    if len(secret_key) != 40:
        raise ValueError("secret_key must be 40 characters of Z85 text")
    if b"\0" in secret_key:  # libzmq reads a C string: a short key would be read past its end
        raise zmq_error(EINVAL)
    public = ffi.new("char[41]")
    check(lib.zmq_curve_public(public, secret_key))
    return ffi.string(public)


def poll_items(items: Any, n: int, ms: int, closed: Callable[[], bool]) -> int:
    """zmq_poll ``items`` for up to ``ms`` milliseconds (negative: forever), resuming after
    EINTR once signal handlers have run; ENOTSOCK when ``closed()`` says a handler closed a
    socket. Returns the number of items ready."""
    deadline = monotonic_ms() + ms if ms > 0 else -1
    while True:
        rc = lib.zmq_poll(items, n, ms)  # the GIL is released meanwhile
        if rc >= 0:
            return rc
        err = lib.zmq_errno()
        run_signal_handlers()
        if closed():
            raise zmq_error(ENOTSOCK)
        if not interrupted(err):
            raise zmq_error(err)
        if deadline >= 0:
            ms = deadline - monotonic_ms()
            if ms <= 0:
                return 0


def zmq_poll(sockets: Any, timeout: int | None = -1) -> list[tuple[Any, int]]:
    """Poll sockets and file descriptors: ``sockets`` is a list of (Socket, int fd or object
    with fileno(), events); ``timeout`` in ms, negative or None waits forever. Returns the
    (socket or fd, revents) pairs that are ready."""
    n = len(sockets)  # a sized collection, as the compiled backend needs (an iterator: TypeError)
    sockets = list(sockets)
    items = ffi.new("zmq_pollitem_t[]", max(n, 1))
    handles = []
    for i, (obj, events) in enumerate(sockets):
        items[i].events = c_int(events, "events")
        if isinstance(obj, Socket):
            obj._check_usable()
            items[i].socket = obj._handle
        else:
            items[i].socket = NULL
            if isinstance(obj, int):
                items[i].fd = obj
            elif hasattr(obj, "fileno"):
                items[i].fd = obj.fileno()
            else:
                raise TypeError(f"cannot poll {type(obj).__name__!r}: expected a Socket, an int fd or an object with fileno()")
        handles.append(items[i].socket)
    ms = timeout_ms(timeout)
    taken = enter_all([obj for obj, _ in sockets if isinstance(obj, Socket)])  # the thread-misuse guard
    try:
        poll_items(items, n, ms, lambda: any(isinstance(s[0], Socket) and s[0]._handle != h
                                              for s, h in zip(sockets, handles)))
    finally:
        leave_all(taken)
    # sockets as given; anything else (int fds, objects with fileno()) as its fd
    return [(sockets[i][0] if items[i].socket != NULL else items[i].fd, items[i].revents)
            for i in range(n) if items[i].revents]


def _handle(s: Any, role: str, optional: bool = True) -> Any:
    if s is None and optional:
        return NULL
    if not isinstance(s, Socket):
        raise TypeError(f"{role} must be a zmq.Socket, not {type(s).__name__!r}")
    s._check_usable()
    return s._handle


def _run_proxy(sockets: tuple[Any, ...], call: Callable[[], int]) -> int:
    handles = [None if s is None else s._handle for s in sockets]
    while True:
        rc = call()  # the GIL is released meanwhile
        if rc >= 0:
            return rc
        err = lib.zmq_errno()
        run_signal_handlers()
        if any(s is not None and s._handle != h for s, h in zip(sockets, handles)):
            raise zmq_error(ENOTSOCK)  # a signal handler closed one of them
        if not interrupted(err):
            raise zmq_error(err)


def proxy(frontend: Any, backend: Any, capture: Any = None) -> int:
    """Forward messages both ways between two sockets, in the calling thread, until the
    context is terminated (ContextTerminated); Ctrl-C interrupts it."""
    f, b, c = _handle(frontend, "frontend", False), _handle(backend, "backend", False), _handle(capture, "capture")
    return _run_proxy((frontend, backend, capture), lambda: lib.zmq_proxy(f, b, c))


def proxy_steerable(frontend: Any, backend: Any, capture: Any = None, control: Any = None) -> int:
    """Like :func:`proxy`, steered by PAUSE/RESUME/TERMINATE/STATISTICS on ``control``."""
    if control is None:
        return proxy(frontend, backend, capture)
    f, b, c = _handle(frontend, "frontend", False), _handle(backend, "backend", False), _handle(capture, "capture")
    k = _handle(control, "control")
    return _run_proxy((frontend, backend, capture, control), lambda: lib.zmq_proxy_steerable(f, b, c, k))


def device(device_type: int, frontend: Any, backend: Any) -> int:
    """Old spelling of :func:`proxy` (``device_type`` is ignored, as libzmq does)."""
    return proxy(frontend, backend)
