# The I/O decision, written once for every send and recv (sync, fast-call, recv_into and the
# event-loop hooks): _attempt tries without waiting, holding the GIL (all a ready socket
# needs); when it finds the socket not ready, _complete decides: WOULD_BLOCK (NOTHROW), Again
# (DONTWAIT), or _io_wait, which waits with the GIL released and retries after EINTR once
# Python's signal handlers have run (Ctrl-C raises promptly; SNDTIMEO/RCVTIMEO keep their
# meaning across the retries). Included by socket.pyx.

cdef enum IoOp:
    OP_SEND_MSG = 0
    OP_RECV_MSG = 1
    OP_SEND_BUF = 2
    OP_RECV_BUF = 3

# Internal flag for event loops: on EAGAIN, return WOULD_BLOCK instead of raising Again
# (an exception costs a microsecond; a loop polling for readiness misses often).
cdef enum:
    NOTHROW = 0x100000
    IO_WOULD_BLOCK = -1   # what _complete returns under NOTHROW

NOTHROW_FLAG = NOTHROW


class _WouldBlock:
    """The type of WOULD_BLOCK."""

    __slots__ = ()

    def __repr__(self):
        return "zmq.backend.cython.socket.WOULD_BLOCK"

    def __bool__(self):
        return False


#: Returned instead of raising Again by calls made with NOTHROW_FLAG (event loops only).
WOULD_BLOCK = _WouldBlock()


cdef extern from *:
    """
    /* More than one Python thread? Then a send may wake a thread that will want the GIL.
       (The caller's thread state is on its interpreter's list of them, with neighbours
       exactly when there are others: no walk from the head needed.) */
    static inline int cyzmq_other_threads(void) {
    #if !defined(PYPY_VERSION) && !CYTHON_COMPILING_IN_LIMITED_API
        PyThreadState *ts = PyThreadState_Get();
        return ts->prev != NULL || ts->next != NULL;
    #else
        PyThreadState *head = PyInterpreterState_ThreadHead(PyInterpreterState_Get());
        return head != NULL && PyThreadState_Next(head) != NULL;
    #endif
    }
    """
    bint cyzmq_other_threads() noexcept

# The one heuristic of this path, behind a switch (tests run both branches): the last part of
# a message may wake a peer in another thread (on this CPU, even preempting us), so when other
# Python threads exist it is sent with the GIL released, and the peer finds the GIL free
# instead of bouncing off it. Alone, the GIL is kept (cheaper). Off: always kept.
cdef bint _send_releases_gil = True


def _set_send_releases_gil(bint on):
    """Switch the GIL-release heuristic of sends (for tests); returns the previous setting."""
    global _send_releases_gil
    previous = _send_releases_gil
    _send_releases_gil = on
    return previous


cdef inline int _do_io(int op, void *handle, zmq_msg_t *msg, void *buf, size_t n, int flags) noexcept nogil:
    if op == OP_SEND_BUF:
        return zmq_send(handle, buf, n, flags)
    if op == OP_RECV_MSG:
        return zmq_msg_recv(msg, handle, flags)
    if op == OP_SEND_MSG:
        return zmq_msg_send(msg, handle, flags)
    return zmq_recv(handle, buf, n, flags)


cdef inline int _attempt(Socket self, int op, zmq_msg_t *msg, void *buf, size_t n, int flags,
                         int *err) noexcept:
    """One try that never waits: libzmq's rc, with its errno in ``err`` when rc < 0."""
    cdef int rc
    cdef uintptr_t prev
    cdef void *handle = self.handle
    flags = (flags & ~NOTHROW) | ZMQ_DONTWAIT
    if (op == OP_SEND_MSG or op == OP_SEND_BUF) and not (flags & ZMQ_SNDMORE) and _send_releases_gil \
            and cyzmq_other_threads():
        prev = self._enter()
        with nogil:
            rc = _do_io(op, handle, msg, buf, n, flags)
            err[0] = zmq_errno() if rc < 0 else 0
        self._leave(prev)
        return rc
    rc = _do_io(op, handle, msg, buf, n, flags)
    if rc < 0:
        err[0] = zmq_errno()
    return rc


cdef int _complete(Socket self, int op, zmq_msg_t *msg, void *buf, size_t n, int flags, int err) except -2:
    """After an attempt failed with ``err``: the rc of a wait that succeeded, IO_WOULD_BLOCK
    under NOTHROW, or the exception (Again under DONTWAIT)."""
    if err != EAGAIN:
        raise zmq_error(err)
    if flags & ZMQ_DONTWAIT:
        if flags & NOTHROW:
            return IO_WOULD_BLOCK
        raise zmq_error(EAGAIN)
    return _io_wait(self, op, msg, buf, n, flags)


cdef inline int _io(Socket self, int op, zmq_msg_t *msg, void *buf, size_t n, int flags) except -2:
    """The whole decision: libzmq's rc (>= 0), IO_WOULD_BLOCK, or an exception."""
    cdef int err = 0
    cdef int rc = _attempt(self, op, msg, buf, n, flags, &err)
    if rc >= 0:
        return rc
    return _complete(self, op, msg, buf, n, flags, err)


cdef int _io_wait(Socket self, int op, zmq_msg_t *msg, void *buf, size_t n, int flags) except -2:
    """Wait (GIL released) until the call completes; Ctrl-C and timeouts still work.

    libzmq applies SNDTIMEO/RCVTIMEO itself (EAGAIN when it expires). Only after a signal
    interrupted the wait is the option read, so that the retry waits for what is left.
    While waiting, the socket is marked busy: another thread entering it gets
    ConcurrentUseError (a signal handler of this thread may still use it).
    """
    cdef int timeout_opt = ZMQ_SNDTIMEO if op == OP_SEND_MSG or op == OP_SEND_BUF else ZMQ_RCVTIMEO
    cdef int timeout = -2  # not read yet
    cdef long long start = monotonic_ms()
    cdef long long remaining
    cdef bint changed = False
    cdef void *handle = self.handle
    cdef int rc, err
    cdef uintptr_t prev = self._enter()
    flags &= ~(NOTHROW | ZMQ_DONTWAIT)
    try:
        while True:
            with nogil:
                rc = _do_io(op, handle, msg, buf, n, flags)
                err = zmq_errno() if rc < 0 else 0
            if rc >= 0:
                return rc
            if err != EINTR:
                raise zmq_error(err)
            PyErr_CheckSignals()  # a handler that raises (KeyboardInterrupt) ends the call
            if self.handle != handle:
                raise zmq_error(ENOTSOCK)  # a signal handler closed the socket
            if timeout == -2:
                timeout = self._get_int(timeout_opt)
            if timeout >= 0:
                remaining = start + timeout - monotonic_ms()
                if remaining <= 0:
                    raise zmq_error(EAGAIN)
                self._set_int(timeout_opt, <int>remaining)
                changed = True
    finally:
        if changed and self.handle == handle:
            self._set_int(timeout_opt, timeout)
        self._leave(prev)


cdef int _io_send_msg(Socket self, zmq_msg_t *msg, int flags) except -1:
    """Send ``msg`` (libzmq owns it on success); on failure close it and raise (or return 1
    when it would block under NOTHROW)."""
    cdef int rc
    try:
        rc = _io(self, OP_SEND_MSG, msg, NULL, 0, flags)
    except BaseException:
        zmq_msg_close(msg)
        raise
    if rc == IO_WOULD_BLOCK:
        zmq_msg_close(msg)
        return 1
    return 0


cdef int _io_send_buf(Socket self, const void *buf, size_t n, int flags) except -1:
    """Send a copy of ``buf``: 0 when sent, 1 when it would block under NOTHROW."""
    cdef zmq_msg_t msg
    if n >= BIG_MESSAGE:
        # Copy big messages without holding the GIL, so other threads run meanwhile.
        check_rc(zmq_msg_init_size(&msg, n))
        with nogil:
            memcpy(zmq_msg_data(&msg), buf, n)
        return _io_send_msg(self, &msg, flags)
    return _io(self, OP_SEND_BUF, NULL, <void *>buf, n, flags) == IO_WOULD_BLOCK


cdef inline int _io_recv_msg(Socket self, zmq_msg_t *msg, int flags) except -1:
    """Receive into an initialised ``msg`` (the caller closes it in every case): 0, or 1
    when nothing is waiting under NOTHROW."""
    return _io(self, OP_RECV_MSG, msg, NULL, 0, flags) == IO_WOULD_BLOCK
