# cython: language_level=3
"""The compiled Context: owns a libzmq context handle."""

from libc.stdint cimport uintptr_t
from posix.unistd cimport getpid
cdef extern from *:
    """
    #include <errno.h>
    static void cyzmq_clear_errno(void) { errno = 0; }
    static int cyzmq_errno(void) { return errno; }
    """
    void cyzmq_clear_errno() noexcept nogil
    int cyzmq_errno() noexcept nogil

from zmq.backend.cython.libzmq cimport *
from zmq.backend.cython._selfcheck cimport check_self
from zmq.backend.cython._check cimport (
    PyErr_CheckSignals, check_rc, c_int_arg, raise_zmq_error, raise_forked, fork_generation, interpreter_exiting,
)
from zmq.backend.cython.message cimport zc_drain



cdef class Context:
    """A libzmq context: the container of sockets and I/O threads (thread-safe).

    Parameters
    ----------
    io_threads : int
        Number of libzmq I/O threads (default 1).
    shadow : int, optional
        Address of an existing ``void *`` libzmq context to wrap without owning it.
    """

    def __cinit__(self, *args, **kwargs):
        self.handle = NULL
        self._shadow = False
        self._fork_gen = fork_generation()
        self._pid = getpid()
        self._sched_policy = -1
        self._thread_priority = -1

    def __init__(self, io_threads=1, shadow=0, **kwargs):
        if self.handle != NULL:
            return  # already initialised (a subclass calling __init__ twice)
        if shadow:
            self.handle = <void *><uintptr_t>shadow
            self._shadow = True
            return
        if not isinstance(io_threads, int) or isinstance(io_threads, bool):
            raise TypeError(f"io_threads must be an int, not {type(io_threads).__name__!r}")
        if io_threads < 0:
            raise_zmq_error(EINVAL)
        self.handle = zmq_ctx_new()
        if self.handle == NULL:
            raise_zmq_error(zmq_errno())
        if io_threads != 1:
            check_rc(zmq_ctx_set(self.handle, ZMQ_IO_THREADS, io_threads))

    def __dealloc__(self):
        cdef int rc
        if self.handle != NULL and not self._shadow and self._fork_gen == fork_generation() \
                and not interpreter_exiting():
            with nogil:
                rc = zmq_ctx_term(self.handle)
                while rc < 0 and zmq_errno() == EINTR:
                    rc = zmq_ctx_term(self.handle)
        self.handle = NULL

    cdef int _check_usable(self) except -1:
        if self._fork_gen != fork_generation():
            raise_forked()
        if self.handle == NULL:
            raise_zmq_error(ETERM)
        return 0

    @property
    def underlying(self) -> int:
        """The address of the libzmq ``void *`` context, for :meth:`shadow` or C code."""
        return <uintptr_t>self.handle

    @property
    def _owns_handle(self) -> bool:
        """True if terminating this object terminates the libzmq context (not a shadow, same process)."""
        return self.handle != NULL and not self._shadow and self._fork_gen == fork_generation()

    @property
    def closed(self) -> bool:
        """True once the context has been terminated."""
        return self.handle == NULL

    def term(self):
        """Terminate the context: block until every socket is closed and has sent what its
        LINGER allows, then free it. Blocking sockets in other threads get ContextTerminated.
        Calling term() again is harmless."""
        cdef int rc
        cdef int err
        if self.handle == NULL:
            return
        if self._fork_gen != fork_generation():
            self.handle = NULL  # the parent's context: not ours to terminate
            return
        if self._shadow:
            self.handle = NULL
            return
        while True:
            with nogil:
                rc = zmq_ctx_term(self.handle)
                err = zmq_errno() if rc < 0 else 0
            if rc == 0:
                break
            if err != EINTR:
                raise_zmq_error(err)
            PyErr_CheckSignals()
        self.handle = NULL
        zc_drain()

    def shutdown(self):
        """Make blocking calls on this context's sockets fail with ContextTerminated, without
        waiting (unlike :meth:`term`)."""
        self._check_usable()
        check_rc(zmq_ctx_shutdown(self.handle))

    def set(self, option, optval):
        """Set a context option.

        Parameters
        ----------
        option : int
            ``zmq.IO_THREADS``, ``zmq.MAX_SOCKETS``, ``zmq.BLOCKY``, ``zmq.IPV6``,
            ``zmq.THREAD_SCHED_POLICY``...
        optval : int

        Raises
        ------
        TypeError, ValueError
            ``optval`` is not an int, or does not fit a C int.
        ZMQError
            libzmq refused the option; or (THREAD_SCHED_POLICY/THREAD_PRIORITY) the kernel
            refuses the scheduling, which would make libzmq abort when starting its threads.
        """
        cdef int c_option = c_int_arg(option, "option")
        cdef int c_value = c_int_arg(optval, "context option value")
        self._check_usable()
        if c_option == ZMQ_THREAD_SCHED_POLICY or c_option == ZMQ_THREAD_PRIORITY:
            self._check_scheduling(c_option, c_value)
        check_rc(zmq_ctx_set(self.handle, c_option, c_value))
        if c_option == ZMQ_THREAD_SCHED_POLICY:
            self._sched_policy = c_value
        elif c_option == ZMQ_THREAD_PRIORITY:
            self._thread_priority = c_value

    def _check_scheduling(self, int option, int value):
        from zmq.backend._scheduling import check_thread_scheduling

        check_thread_scheduling(value if option == ZMQ_THREAD_SCHED_POLICY else self._sched_policy,
                                value if option == ZMQ_THREAD_PRIORITY else self._thread_priority)

    def get(self, option):
        """Get a context option.

        Parameters
        ----------
        option : int
            ``zmq.IO_THREADS``, ``zmq.MAX_SOCKETS``, ``zmq.SOCKET_LIMIT``, ``zmq.MSG_T_SIZE``...

        Returns
        -------
        int

        Raises
        ------
        ZMQError
            EINVAL for an unknown option.
        """
        cdef int c_option = c_int_arg(option, "option")
        self._check_usable()
        cyzmq_clear_errno()  # -1 is a legal value of some options: only errno tells failure
        cdef int rc = zmq_ctx_get(self.handle, c_option)
        if rc == -1 and cyzmq_errno() != 0:
            raise_zmq_error(cyzmq_errno())
        return rc


check_self(Context)
