# Socket.poll: wait until the socket is readable or writable, with the shared EINTR-retrying
# poll_wait of _check.pyx (GIL released, timeout kept across signals). Included by socket.pyx.


cdef int _recheck_socket(object owner, zmq_pollitem_t *items, int n) except -1:
    """After signal handlers ran during the wait: did one of them close the socket?"""
    if (<Socket>owner).handle != items[0].socket:
        raise zmq_error(ENOTSOCK)
    return 0


cdef int _poll_impl(Socket self, object timeout, int c_flags) except -1:
    """The events ready on this socket (0 on timeout)."""
    self._check_usable()
    cdef zmq_pollitem_t item
    cdef long ms = timeout_ms(timeout)
    item.socket = self.handle
    item.fd = 0
    item.events = c_flags
    item.revents = 0
    cdef uintptr_t prev = self._enter()
    try:
        poll_wait(&item, 1, ms, self, _recheck_socket)
    finally:
        self._leave(prev)
    return item.revents
