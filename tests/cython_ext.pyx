# cython: language_level=3
"""A tiny third-party extension built against cyzmq's Cython API (tests/test_cython_api.py)."""

from libc.stdint cimport uintptr_t

from zmq cimport Context, Frame, MessageTracker, Socket, libzmq

from zmq.error import ZMQError


def send_n(Socket sock, int n, bytes payload):
    """Send ``payload`` ``n`` times with libzmq's zmq_send on the socket's raw handle."""
    cdef const char *buf = payload
    cdef size_t size = len(payload)
    cdef void *handle = sock.handle
    cdef int i, rc = 0
    if handle == NULL:
        raise ValueError("socket is closed")
    with nogil:
        for i in range(n):
            rc = libzmq.zmq_send(handle, buf, size, 0)
            if rc < 0:
                break
    if rc < 0:
        raise ZMQError(libzmq.zmq_errno())
    return n


def recv_n(Socket sock, int n):
    """Receive ``n`` messages with zmq_msg_recv into one zmq_msg_t; returns their total size."""
    cdef libzmq.zmq_msg_t msg
    cdef size_t total = 0
    cdef int i, rc = 0
    libzmq.zmq_msg_init(&msg)
    try:
        with nogil:
            for i in range(n):
                rc = libzmq.zmq_msg_recv(&msg, sock.handle, 0)
                if rc < 0:
                    break
                total += libzmq.zmq_msg_size(&msg)
        if rc < 0:
            raise ZMQError(libzmq.zmq_errno())
    finally:
        libzmq.zmq_msg_close(&msg)
    return total


def roundtrip(Socket sender, Socket receiver, bytes payload):
    """Send and receive through the Socket methods on typed objects (C calls when the .pxd
    declares them cpdef, Python calls otherwise), then read the received Frame's zmq_msg_t:
    returns (size, first byte, more flag)."""
    sender.send(payload, libzmq.ZMQ_SNDMORE)
    sender.send(b"tail")
    cdef Frame frame = receiver.recv(0, False)
    cdef Frame tail = receiver.recv(copy=False)
    cdef size_t size = libzmq.zmq_msg_size(&frame.zmq_msg)
    cdef const unsigned char *data = <const unsigned char *>libzmq.zmq_msg_data(&frame.zmq_msg)
    first = data[0] if size else None
    more = bool(libzmq.zmq_msg_more(&frame.zmq_msg))
    assert frame.more == more and not tail.more
    return size, first, more


def c_send(Socket sock, bytes payload, int flags=0):
    """Send with the cdef Socket._send_buf: the C-level path, which waits with the GIL
    released, honours SNDTIMEO and raises zmq errors like the Python methods."""
    cdef const char *buf = payload
    sock._send_buf(buf, len(payload), flags)


def c_recv(Socket sock, int flags=0):
    """Receive into a new Frame's zmq_msg_t with the cdef Socket._recv_msg; returns the Frame."""
    cdef Frame frame = Frame()
    sock._recv_msg(&frame.zmq_msg, flags)
    frame.more = libzmq.zmq_msg_more(&frame.zmq_msg)
    return frame


def recv_bytes(Socket sock):
    """Receive one part as bytes through the C-level recv."""
    return sock.recv(0, True)


def context_handle_matches(Context ctx):
    """True if the C ``handle`` of the context is the address Python sees as ``underlying``."""
    return <uintptr_t>ctx.handle == ctx.underlying


def socket_type(Socket sock):
    """The ZMQ_TYPE option read with zmq_getsockopt on the raw handle."""
    cdef int value = -1
    cdef size_t size = sizeof(int)
    if libzmq.zmq_getsockopt(sock.handle, libzmq.ZMQ_TYPE, &value, &size) < 0:
        raise ZMQError(libzmq.zmq_errno())
    return value


def frame_size(Frame frame):
    """The size of a Frame read straight from its zmq_msg_t."""
    return libzmq.zmq_msg_size(&frame.zmq_msg)


def tracked_send(Socket sock, object data):
    """Zero-copy, tracked Socket.send called on a typed Socket; returns the MessageTracker."""
    cdef MessageTracker tracker = sock.send(data, 0, False, True)
    return tracker


def check_usable(Socket sock):
    """Call the inline cdef Socket._check_usable() (raises ZMQError(ENOTSOCK) once closed)."""
    sock._check_usable()
    return True


def constants():
    """ZMQ_* constants read through ``libzmq`` at compile time, by name (socket types, flags,
    options, events, poll bits, mechanisms, message properties, devices, errnos)."""
    return {
        "PUSH": libzmq.ZMQ_PUSH, "PULL": libzmq.ZMQ_PULL, "PAIR": libzmq.ZMQ_PAIR, "PUB": libzmq.ZMQ_PUB,
        "SUB": libzmq.ZMQ_SUB, "REQ": libzmq.ZMQ_REQ, "REP": libzmq.ZMQ_REP, "ROUTER": libzmq.ZMQ_ROUTER,
        "DEALER": libzmq.ZMQ_DEALER, "XPUB": libzmq.ZMQ_XPUB, "XSUB": libzmq.ZMQ_XSUB,
        "STREAM": libzmq.ZMQ_STREAM,
        "SNDMORE": libzmq.ZMQ_SNDMORE, "DONTWAIT": libzmq.ZMQ_DONTWAIT, "NOBLOCK": libzmq.ZMQ_NOBLOCK,
        "LINGER": libzmq.ZMQ_LINGER, "IDENTITY": libzmq.ZMQ_IDENTITY, "ROUTING_ID": libzmq.ZMQ_ROUTING_ID,
        "SNDHWM": libzmq.ZMQ_SNDHWM, "RCVTIMEO": libzmq.ZMQ_RCVTIMEO, "CURVE_SERVER": libzmq.ZMQ_CURVE_SERVER,
        "IMMEDIATE": libzmq.ZMQ_IMMEDIATE, "HEARTBEAT_IVL": libzmq.ZMQ_HEARTBEAT_IVL,
        "POLLIN": libzmq.ZMQ_POLLIN, "POLLOUT": libzmq.ZMQ_POLLOUT, "EVENT_ALL": libzmq.ZMQ_EVENT_ALL,
        "EVENT_CONNECTED": libzmq.ZMQ_EVENT_CONNECTED, "CURVE": libzmq.ZMQ_CURVE, "PLAIN": libzmq.ZMQ_PLAIN,
        "MORE": libzmq.ZMQ_MORE, "SHARED": libzmq.ZMQ_SHARED, "QUEUE": libzmq.ZMQ_QUEUE,
        "IO_THREADS": libzmq.ZMQ_IO_THREADS, "EFSM": libzmq.EFSM, "ETERM": libzmq.ETERM,
    }


def push_with_linger(Context ctx, str addr, int linger, list parts):
    """Make a PUSH socket with zmq_socket(ZMQ_PUSH), set ZMQ_LINGER, connect, and send
    ``parts`` as one message (ZMQ_SNDMORE on all but the last); returns the linger read back."""
    cdef void *s = libzmq.zmq_socket(ctx.handle, libzmq.ZMQ_PUSH)
    cdef int value = linger
    cdef size_t size = sizeof(int)
    cdef bytes baddr = addr.encode()
    cdef bytes part
    cdef Py_ssize_t i, n = len(parts)
    if s == NULL:
        raise ZMQError(libzmq.zmq_errno())
    try:
        if libzmq.zmq_setsockopt(s, libzmq.ZMQ_LINGER, &value, sizeof(int)) < 0:
            raise ZMQError(libzmq.zmq_errno())
        value = -2
        if libzmq.zmq_getsockopt(s, libzmq.ZMQ_LINGER, &value, &size) < 0:
            raise ZMQError(libzmq.zmq_errno())
        if libzmq.zmq_connect(s, baddr) < 0:
            raise ZMQError(libzmq.zmq_errno())
        for i in range(n):
            part = parts[i]
            if libzmq.zmq_send(s, <const char *>part, len(part), libzmq.ZMQ_SNDMORE if i < n - 1 else 0) < 0:
                raise ZMQError(libzmq.zmq_errno())
    finally:
        libzmq.zmq_close(s)
    return value
