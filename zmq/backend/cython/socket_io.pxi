# The I/O decision, in one place for every send and recv: try without waiting while holding
# the GIL (all a ready socket needs); on EAGAIN return WOULD_BLOCK (NOTHROW), raise Again
# (DONTWAIT), or wait with the GIL released, retrying after EINTR once signal handlers ran.
# Included by socket.pyx.

cdef enum:
    OP_SEND_MSG = 0
    OP_RECV_MSG = 1
    OP_SEND_BUF = 2
    OP_RECV_BUF = 3

cdef extern from *:
    """
    /* More than one Python thread? Then a send may wake a thread that will want the GIL. */
    static int cyzmq_other_threads(void) {
        PyThreadState *head = PyInterpreterState_ThreadHead(PyInterpreterState_Get());
        return head != NULL && PyThreadState_Next(head) != NULL;
    }
    """
    bint cyzmq_other_threads() noexcept


cdef inline int _send_now(void *handle, zmq_msg_t *msg, const void *buf, size_t n, int zflags,
                          int *err) noexcept:
    """One non-blocking send of ``msg`` (or of a copy of ``buf`` when msg is NULL).

    The last part of a message may wake a peer in another thread (on this CPU, even
    preempting us): when other Python threads exist, send it with the GIL released so that
    the peer finds the GIL free instead of bouncing off it. Alone, keep the GIL (cheaper).
    """
    cdef int rc
    if not (zflags & ZMQ_SNDMORE) and cyzmq_other_threads():
        with nogil:
            rc = zmq_msg_send(msg, handle, zflags) if msg != NULL else zmq_send(handle, buf, n, zflags)
            err[0] = zmq_errno() if rc < 0 else 0
    else:
        rc = zmq_msg_send(msg, handle, zflags) if msg != NULL else zmq_send(handle, buf, n, zflags)
        err[0] = zmq_errno() if rc < 0 else 0
    return rc


# A blocking recv that took longer than this really waited for its message.
cdef enum:
    RECV_WAITED_US = 20


cdef inline long long monotonic_us() noexcept nogil:
    cdef timespec ts
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return <long long>ts.tv_sec * 1000000 + ts.tv_nsec // 1000


# Internal flag for event loops: on EAGAIN, return WOULD_BLOCK instead of raising Again
# (an exception costs a microsecond; a loop polling for readiness misses often).
cdef enum:
    NOTHROW = 0x100000

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

cdef inline int _do_io(int op, void *handle, zmq_msg_t *msg, void *buf, size_t n, int flags) noexcept nogil:
    if op == OP_SEND_BUF:
        return zmq_send(handle, buf, n, flags)
    if op == OP_RECV_MSG:
        return zmq_msg_recv(msg, handle, flags)
    if op == OP_SEND_MSG:
        return zmq_msg_send(msg, handle, flags)
    return zmq_recv(handle, buf, n, flags)


cdef int _io_wait(Socket self, int op, zmq_msg_t *msg, void *buf, size_t n, int flags) except -2:
    """Wait (GIL released) until the call completes; Ctrl-C and timeouts still work.

    libzmq applies SNDTIMEO/RCVTIMEO itself (EAGAIN when it expires). Only after a signal
    interrupted the wait is the option read, so that the retry waits for what is left.
    """
    cdef int timeout_opt = ZMQ_SNDTIMEO if op == OP_SEND_MSG or op == OP_SEND_BUF else ZMQ_RCVTIMEO
    cdef int timeout = -2  # not read yet
    cdef long long start = monotonic_ms()
    cdef long long remaining
    cdef bint changed = False
    cdef void *handle = self.handle
    cdef int rc, err
    flags &= ~(NOTHROW | ZMQ_DONTWAIT)
    try:
        while True:
            with nogil:
                rc = _do_io(op, handle, msg, buf, n, flags)
                err = zmq_errno() if rc < 0 else 0
            if rc >= 0:
                return rc
            if err != EINTR:
                raise_zmq_error(err)
            PyErr_CheckSignals()  # a handler that raises (KeyboardInterrupt) ends the call
            if self.handle != handle:
                raise_zmq_error(ENOTSOCK)  # a signal handler closed the socket
            if timeout == -2:
                timeout = self._get_int(timeout_opt)
            if timeout >= 0:
                remaining = start + timeout - monotonic_ms()
                if remaining <= 0:
                    raise_zmq_error(EAGAIN)
                self._set_int(timeout_opt, <int>remaining)
                changed = True
    finally:
        if changed and self.handle == handle:
            self._set_int(timeout_opt, timeout)


cdef int _io_send_buf(Socket self, const void *buf, size_t n, int flags) except -1:
    """Send a copy of ``buf``: 0 when sent, 1 when it would block under NOTHROW."""
    cdef zmq_msg_t msg
    if n >= BIG_COPY:
        # Copy big messages without holding the GIL, so other threads run meanwhile.
        if zmq_msg_init_size(&msg, n) < 0:
            raise_zmq_error(zmq_errno())
        with nogil:
            memcpy(zmq_msg_data(&msg), buf, n)
        return _io_send_msg(self, &msg, flags)
    cdef int err
    cdef int rc = _send_now(self.handle, NULL, buf, n, (flags & ~NOTHROW) | ZMQ_DONTWAIT, &err)
    if rc < 0:
        if err != EAGAIN or flags & ZMQ_DONTWAIT:
            if err == EAGAIN and flags & NOTHROW:
                return 1
            raise_zmq_error(err)
        _io_wait(self, OP_SEND_BUF, NULL, <void *>buf, n, flags)
    return 0

cdef int _io_send_msg(Socket self, zmq_msg_t *msg, int flags) except -1:
    """Send ``msg`` (libzmq owns it on success); on failure close it and raise (or
    return 1 when it would block under NOTHROW)."""
    cdef int err
    cdef int rc = _send_now(self.handle, msg, NULL, 0, (flags & ~NOTHROW) | ZMQ_DONTWAIT, &err)
    if rc >= 0:
        return 0
    if err == EAGAIN and flags & NOTHROW and flags & ZMQ_DONTWAIT:
        zmq_msg_close(msg)
        return 1
    try:
        if err != EAGAIN or flags & ZMQ_DONTWAIT:
            raise_zmq_error(err)
        _io_wait(self, OP_SEND_MSG, msg, NULL, 0, flags)
    except BaseException:
        zmq_msg_close(msg)
        raise
    return 0

cdef int _io_recv_msg(Socket self, zmq_msg_t *msg, int flags) except -1:
    """Receive into an initialised ``msg`` (the caller closes it in every case): 0, or 1
    when nothing is waiting under NOTHROW."""
    cdef int rc = zmq_msg_recv(msg, self.handle, (flags & ~NOTHROW) | ZMQ_DONTWAIT)
    if rc >= 0:
        return 0
    err = zmq_errno()
    if err != EAGAIN or flags & ZMQ_DONTWAIT:
        if err == EAGAIN and flags & NOTHROW:
            return 1
        raise_zmq_error(err)
    _io_wait(self, OP_RECV_MSG, msg, NULL, 0, flags)
    return 0
