"""libzmq through CFFI in ABI mode: the loaded library, errno -> exception.

No compiler is needed: the declarations (``_declarations.py``) come pre-parsed from
``_cffi_abi.py`` (cffi's out-of-line ABI mode: plain Python) and ``libzmq.so.5`` is opened
with dlopen. Draft functions missing from the library fail with ENOTSUP, as in the compiled
backend.
"""
from __future__ import annotations

import ctypes.util
import errno as _errno
import operator
import os
import time
from typing import Any

from zmq import error as _error
from zmq.backend.cffi import _cffi_abi

ffi: Any = _cffi_abi.ffi


def _open() -> object:
    """dlopen libzmq: $CYZMQ_LIBZMQ, then the soname, then what ctypes finds."""
    names = [os.environ.get("CYZMQ_LIBZMQ"), "libzmq.so.5", None, "libzmq.dylib"]
    errors = []
    for i, name in enumerate(names):
        if i == 2:
            name = ctypes.util.find_library("zmq")  # slow (it runs ldconfig): only when needed
        if not name:
            continue
        try:
            # never unmapped: at interpreter exit the lib object goes, while the I/O threads
            # of a context nobody terminated still run libzmq's code
            return ffi.dlopen(name, ffi.RTLD_NOW | getattr(ffi, "RTLD_NODELETE", 0))
        except OSError as e:
            errors.append(f"{name}: {e}")
    raise ImportError("cyzmq's CFFI backend could not load libzmq (>= 4.3): " + "; ".join(errors)
                      + ". Install it (Debian: apt-get install libzmq5) or set CYZMQ_LIBZMQ to its path.")


lib: Any = _open()
NULL = ffi.NULL


def has_symbol(name: str) -> bool:
    """Whether the loaded libzmq exports ``name`` (draft functions may be missing)."""
    try:
        getattr(lib, name)
    except (AttributeError, NotImplementedError, ffi.error):  # (ffi.error: out-of-line ABI mode)
        return False
    return True


DRAFT_API = has_symbol("zmq_join") and has_symbol("zmq_msg_set_group")

EAGAIN = _errno.EAGAIN
EINTR = _errno.EINTR
EINVAL = _errno.EINVAL
ENOTSUP = _errno.ENOTSUP if hasattr(_errno, "ENOTSUP") else 95
ENOTSOCK = _errno.ENOTSOCK
ETERM = 156384765
DONTWAIT = 1
SNDMORE = 2
#: Event-loop flag (as in the compiled backend): on EAGAIN return WOULD_BLOCK, never raise.
NOTHROW = 0x100000


def zmq_error(errnum: int) -> BaseException:
    """The exception for ``errnum`` (zmq.Again for EAGAIN...)."""
    return _error.error_class(errnum)(errnum)


def check(rc: int) -> int:
    """``rc``, or raise the exception for zmq_errno() when it is negative."""
    if rc < 0:
        raise zmq_error(lib.zmq_errno())
    return rc


# Bumped in every child after fork(): objects remember the value they were born with.
fork_generation = [0]


def _after_fork_in_child() -> None:
    fork_generation[0] += 1


os.register_at_fork(after_in_child=_after_fork_in_child)


def raise_forked() -> None:
    """Refuse to use a libzmq object created before fork() in the parent."""
    raise _error.ZMQError(
        ENOTSUP,
        "this object was created before fork() in the parent process; "
        "libzmq objects cannot cross a fork: create a new Context and sockets in the child",
    )


def run_signal_handlers() -> None:
    """Let pending signal handlers run now (after EINTR), before the caller looks at what
    they may have changed: the interpreter runs them on entry to a Python function."""


def interrupted(err: int) -> bool:
    """Whether a failed wait (poll, proxy) was interrupted by a signal.

    Signal handlers run as soon as the call returns, before errno is read, and the libzmq
    calls they make overwrite it: an EINTR can read as their EAGAIN, which these waits
    never fail with themselves."""
    return err == EINTR or err == EAGAIN


def timeout_ms(timeout: Any) -> int:
    """A poll timeout in ms: None or negative -> -1 (forever); a float is truncated; an int
    beyond a C int is an OverflowError (a huge timeout would otherwise wait forever)."""
    if timeout is None:
        return -1
    t = int(timeout) if isinstance(timeout, float) else operator.index(timeout)
    if t < 0:
        return -1
    if t > 2147483647:
        raise OverflowError(f"timeout={timeout} ms does not fit in a C int")
    return t


def monotonic_ms() -> int:
    """Milliseconds of the monotonic clock."""
    return int(time.monotonic() * 1000)


def c_int(value: object, what: str) -> int:
    """``value`` as a C int: ints (and __index__ types) only, never floats or bools' lookalikes."""
    if not isinstance(value, int):
        if hasattr(value, "__index__") and not isinstance(value, float):
            value = value.__index__()
        else:
            raise TypeError(f"{what} must be an int, not {type(value).__name__!r}")
    if not -(2 ** 31) <= value < 2 ** 31:  # type: ignore[operator]
        raise OverflowError(f"{what}={value} does not fit in a C int")
    return value  # type: ignore[return-value]
