# Endpoints: bind/connect/unbind/disconnect, monitor and draft groups, with addresses encoded
# once and errors that name the address. Included by socket.pyx.

cdef enum EndpointOp:
    EP_BIND = 0
    EP_CONNECT = 1
    EP_UNBIND = 2
    EP_DISCONNECT = 3


from zmq.error import ZMQError as _ZMQError, _endpoint_error, _name_address


cdef bytes _encode_addr(object addr):
    cdef bytes b
    if isinstance(addr, str):
        b = (<str>addr).encode("utf-8")
    elif isinstance(addr, bytes):
        b = addr
    else:
        raise TypeError(f"endpoint must be str, not {type(addr).__name__!r}")
    if b"\0" in b:
        raise ValueError(f"endpoint contains a NUL character: {addr!r}")
    return b


cdef int _endpoint_call(Socket self, int op, object addr) except -1:
    """bind, connect, unbind or disconnect ``addr``; a failure of bind or connect says which
    address (zmq.error._endpoint_error: the shapes of pyzmq's errors)."""
    cdef bytes baddr = _encode_addr(addr)
    cdef bint naming = op == EP_BIND or op == EP_CONNECT
    try:
        self._check_usable()
    except _ZMQError as e:
        if naming:
            _name_address(e, addr)
        raise
    cdef int rc
    if op == EP_BIND:
        rc = zmq_bind(self.handle, baddr)
    elif op == EP_CONNECT:
        rc = zmq_connect(self.handle, baddr)
    elif op == EP_UNBIND:
        rc = zmq_unbind(self.handle, baddr)
    else:
        rc = zmq_disconnect(self.handle, baddr)
    if rc < 0:
        raise _endpoint_error(naming, zmq_errno(), addr)
    return 0


cdef int _monitor(Socket self, object addr, int events) except -1:
    self._check_usable()
    if addr is None:
        return check_rc(zmq_socket_monitor(self.handle, NULL, 0))
    cdef bytes baddr = _encode_addr(addr)
    return check_rc(zmq_socket_monitor(self.handle, baddr, events))


cdef int _group_call(Socket self, bint join, object group) except -1:
    """DISH join/leave (draft API; RuntimeError without it, as pyzmq)."""
    if not CYZMQ_DRAFT_API:
        raise RuntimeError("libzmq and cyzmq must be built with draft support")
    self._check_usable()
    if isinstance(group, str):
        group = group.encode("utf-8")
    return check_rc(zmq_join(self.handle, group) if join else zmq_leave(self.handle, group))
