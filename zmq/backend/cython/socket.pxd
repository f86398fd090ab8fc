# The libzmq socket wrapper: every send/recv path of cyzmq goes through here.
#
# cimport users get C calls for the cdef methods (_send, _recv, _recv_multipart: the C forms
# of send/recv/recv_multipart; _send_buf, _send_msg, _recv_msg at the zmq_msg_t level) and for
# the cpdef _deserialize (a Python subclass that overrides it is still called).

from libc.stdint cimport uintptr_t
from zmq.backend.cython.libzmq cimport zmq_msg_t, ENOTSOCK
from zmq.backend.cython._check cimport zmq_error, concurrent_use_error, raise_forked, fork_generation

cdef extern from *:
    """
    /* The thread-misuse guard (issue 15): compiled out with -DCYZMQ_THREAD_GUARD=0, which
       only perf/instructions.py uses, to measure what it costs. */
    #ifndef CYZMQ_THREAD_GUARD
    #define CYZMQ_THREAD_GUARD 1
    #endif
    /* Who is calling: the thread state identifies the thread (and greenlets of one thread
       share it, so a gevent hub switching greenlets is the same caller). */
    #define cyzmq_caller() ((uintptr_t)PyThreadState_Get())
    """
    const bint CYZMQ_THREAD_GUARD
    uintptr_t cyzmq_caller() noexcept


cdef class Socket:
    cdef void *handle                  # zmq_socket() result; NULL once closed
    cdef bint _shadow                  # wraps a socket owned elsewhere: never closed by us
    cdef int _fork_gen                 # fork generation at creation
    cdef object _owner                 # the Socket we shadow, kept alive while we use it
    cdef public object context         # the Context this socket belongs to (None for bare shadows)
    cdef public size_t copy_threshold  # copy=False sends of fewer bytes copy anyway
    cdef object __weakref__
    # The thread inside a call that has released the GIL (or spans several libzmq calls) on
    # this socket, 0 when none: any other thread entering the socket gets ConcurrentUseError.
    cdef uintptr_t _busy
    cdef bint _close_pending           # Context.destroy() from another thread: close on leaving
    cdef int _close_linger             # ... with this LINGER (-2: the option's own)

    # C calls of send/recv/recv_multipart (same results and exceptions; every argument given:
    # Cython cannot skip optional arguments by keyword in a C call, and the Python methods take
    # keywords). The Python methods stay Python calls for cimport users, on the fast entries.
    cdef object _send(self, object data, int flags, bint copy, bint track)
    cdef object _recv(self, int flags, bint copy, bint track)
    cdef object _recv_multipart(self, int flags, bint copy, bint track)
    cpdef object _deserialize(self, object received, object load)
    cdef int _send_buf(self, const void *buf, size_t n, int flags) except -1
    cdef int _send_msg(self, zmq_msg_t *msg, int flags) except -1
    cdef int _recv_msg(self, zmq_msg_t *msg, int flags) except -1
    cdef int _get_int(self, int option) except? -1
    cdef int _set_int(self, int option, int value) except -1
    cdef void _leave(self, uintptr_t prev) noexcept

    cdef inline int _check_usable(self) except -1:
        """Raise unless this socket can be used by the caller now: open, created in this
        process, and no other thread inside a call on it (ConcurrentUseError)."""
        if self.handle == NULL:
            raise zmq_error(ENOTSOCK)
        if self._fork_gen != fork_generation():
            raise_forked()
        if CYZMQ_THREAD_GUARD and self._busy != 0 and self._busy != cyzmq_caller():
            raise concurrent_use_error()
        return 0

    cdef inline uintptr_t _enter(self) noexcept:
        """Mark the caller as inside a call (before releasing the GIL, or before a sequence of
        libzmq calls that must not interleave with another thread's); returns what to give
        back to _leave (so that a signal handler's nested call restores the outer mark)."""
        cdef uintptr_t prev = self._busy
        if CYZMQ_THREAD_GUARD:
            self._busy = cyzmq_caller()
        return prev
