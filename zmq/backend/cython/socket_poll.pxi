# Socket.poll: wait, GIL released, until the socket is readable or writable; EINTR retried
# after signal handlers ran, with the timeout kept. Included by socket.pyx.


cdef int _poll_impl(Socket self, object timeout, int c_flags) except -1:
    self._check_usable()
    cdef zmq_pollitem_t item
    cdef long ms = timeout_ms(timeout)
    cdef long long deadline = monotonic_ms() + ms if ms > 0 else -1
    cdef int rc, err
    item.socket = self.handle
    item.fd = 0
    item.events = c_flags
    item.revents = 0
    rc = zmq_poll(&item, 1, 0)
    if rc < 0 and zmq_errno() != EINTR:
        raise_zmq_error(zmq_errno())
    while rc == 0 and ms != 0:
        with nogil:
            rc = zmq_poll(&item, 1, ms)
            err = zmq_errno() if rc < 0 else 0
        if rc >= 0:
            break
        if err != EINTR:
            raise_zmq_error(err)
        PyErr_CheckSignals()
        if self.handle != item.socket:
            raise_zmq_error(ENOTSOCK)  # a signal handler closed the socket
        rc = 0
        if deadline >= 0:
            ms = <long>(deadline - monotonic_ms())
            if ms <= 0:
                break
    return item.revents
