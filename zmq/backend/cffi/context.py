"""The CFFI backend's Context: a libzmq context, its options and termination."""
from __future__ import annotations

import weakref
from typing import Any

from zmq.backend.cffi._ffi import (
    EINTR, ETERM, NULL, c_int, check, ffi, fork_generation, interrupted, lib, raise_forked, run_signal_handlers,
    zmq_error,
)

_IO_THREADS, _THREAD_PRIORITY, _THREAD_SCHED_POLICY = 1, 3, 4
_EINVAL = 22


def _term(handle: Any, fork_gen: int) -> None:
    """Terminate a context nobody references any more (not the parent's after fork).

    The garbage collector runs this before the ``__del__`` of the (unreachable) sockets
    that close them, so a thread of its own waits for those closes instead of blocking the
    collection for ever."""
    if fork_gen == fork_generation[0]:
        import threading

        threading.Thread(target=_term_now, args=(handle,), name="cyzmq-gc-term", daemon=True).start()


def _term_now(handle: Any) -> None:
    while lib.zmq_ctx_term(handle) < 0 and lib.zmq_errno() == EINTR:
        pass


class Context:
    """A libzmq context: the container of sockets and I/O threads (thread-safe).

    Parameters
    ----------
    io_threads : int
        Number of libzmq I/O threads (default 1).
    shadow : int, optional
        Address of an existing ``void *`` libzmq context to wrap without owning it.
    """

    _handle: Any = NULL
    _shadow = False
    _finalizer: Any = None
    _sched: dict[int, int]  # THREAD_SCHED_POLICY/THREAD_PRIORITY as set (-1: never)

    def __init__(self, io_threads: int = 1, shadow: int = 0, **kwargs: Any) -> None:
        if self._handle != NULL:
            return
        setattr_ = object.__setattr__
        setattr_(self, "_fork_gen", fork_generation[0])
        setattr_(self, "_sched", {_THREAD_SCHED_POLICY: -1, _THREAD_PRIORITY: -1})
        if shadow:
            setattr_(self, "_handle", ffi.cast("void *", shadow))
            setattr_(self, "_shadow", True)
            return
        if not isinstance(io_threads, int) or isinstance(io_threads, bool):
            raise TypeError(f"io_threads must be an int, not {type(io_threads).__name__!r}")
        if io_threads < 0:
            raise zmq_error(_EINVAL)
        handle = lib.zmq_ctx_new()
        if handle == NULL:
            raise zmq_error(lib.zmq_errno())
        setattr_(self, "_handle", handle)
        # Terminated by the GC like the compiled backend's (whatever __del__ a subclass has),
        # but never at interpreter exit.
        finalizer = weakref.finalize(self, _term, handle, fork_generation[0])
        finalizer.atexit = False
        setattr_(self, "_finalizer", finalizer)
        if io_threads != 1:
            check(lib.zmq_ctx_set(handle, _IO_THREADS, io_threads))

    def __reduce__(self) -> Any:
        raise TypeError(f"cannot pickle {type(self).__name__!r} object: a context lives in one process")

    def _check_usable(self) -> None:
        if self.__dict__.get("_fork_gen") != fork_generation[0]:
            raise_forked()
        if self._handle == NULL:
            raise zmq_error(ETERM)

    def _forget(self) -> None:
        object.__setattr__(self, "_handle", NULL)
        if self._finalizer is not None:
            self._finalizer.detach()

    @property
    def underlying(self) -> int:
        """The address of the libzmq ``void *`` context, for :meth:`shadow` or C code."""
        return int(ffi.cast("uintptr_t", self._handle))

    @property
    def _owns_handle(self) -> bool:
        """True if terminating this object terminates the libzmq context (not a shadow, same process)."""
        return (self._handle != NULL and not self._shadow
                and self.__dict__.get("_fork_gen") == fork_generation[0])

    @property
    def closed(self) -> bool:
        """True once the context has been terminated."""
        return self._handle == NULL

    def term(self) -> None:
        """Terminate the context: block until every socket is closed and has sent what its
        LINGER allows, then free it. Calling term() again is harmless."""
        if self._handle == NULL:
            return
        if not self._owns_handle:
            self._forget()  # a shadow, or the parent's context after fork: not ours
            return
        while lib.zmq_ctx_term(self._handle) < 0:  # cffi releases the GIL meanwhile
            err = lib.zmq_errno()
            run_signal_handlers()  # one that raises (Ctrl-C) ends term()
            if not interrupted(err):
                raise zmq_error(err)
        self._forget()

    def shutdown(self) -> None:
        """Make blocking calls on this context's sockets fail with ContextTerminated, without
        waiting (unlike :meth:`term`)."""
        self._check_usable()
        check(lib.zmq_ctx_shutdown(self._handle))

    def set(self, option: int, optval: int) -> None:
        """Set a context option (``zmq.IO_THREADS``, ``zmq.MAX_SOCKETS``, ``zmq.BLOCKY``...).

        Raises ZMQError when the kernel refuses THREAD_SCHED_POLICY/THREAD_PRIORITY, which
        would make libzmq abort when starting its threads."""
        c_option = c_int(option, "option")
        c_value = c_int(optval, "context option value")
        self._check_usable()
        if c_option in self._sched:
            self._check_scheduling(c_option, c_value)
        check(lib.zmq_ctx_set(self._handle, c_option, c_value))
        if c_option in self._sched:
            self._sched[c_option] = c_value

    def _check_scheduling(self, option: int, value: int) -> None:
        from zmq.backend._scheduling import check_thread_scheduling

        check_thread_scheduling(value if option == _THREAD_SCHED_POLICY else self._sched[_THREAD_SCHED_POLICY],
                                value if option == _THREAD_PRIORITY else self._sched[_THREAD_PRIORITY])

    def get(self, option: int) -> int:
        """Get a context option (``zmq.IO_THREADS``, ``zmq.SOCKET_LIMIT``...)."""
        c_option = c_int(option, "option")
        self._check_usable()
        ffi.errno = 0  # -1 is a legal value of some options: only errno tells failure
        rc = lib.zmq_ctx_get(self._handle, c_option)
        if rc == -1 and ffi.errno != 0:
            raise zmq_error(lib.zmq_errno())
        return rc
