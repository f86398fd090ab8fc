# Message shapes over the I/O decision (socket_io.pxi): one part from bytes, buffers or
# Frames (copied or zero-copy, tracked), multipart messages, recv into a caller's buffer.
# Included by socket.pyx.

cdef object _bytes_from_msg(zmq_msg_t *msg):
    """A bytes copy of the message; big ones are copied with the GIL released."""
    cdef size_t n = zmq_msg_size(msg)
    if n < BIG_MESSAGE:
        return PyBytes_FromStringAndSize(<char *>zmq_msg_data(msg), n)
    data = PyBytes_FromStringAndSize(NULL, n)
    cdef char *dst = PyBytes_AS_STRING(data)
    with nogil:
        memcpy(dst, zmq_msg_data(msg), n)
    return data


cdef int _get_send_buffer(object data, Py_buffer *view, bint copy) except -1:
    """Export ``data``'s contiguous buffer. A zero-copy send reports a non-contiguous NumPy
    array as BufferError, as memoryviews report it (NumPy itself raises ValueError)."""
    if copy:
        PyObject_GetBuffer(data, view, PyBUF_ANY_CONTIGUOUS)
        return 0
    try:
        PyObject_GetBuffer(data, view, PyBUF_ANY_CONTIGUOUS)
    except ValueError as e:
        raise BufferError(str(e)) from None
    return 0


cdef int _check_tracked(object part) except -1:
    """``track=True`` with a Frame built without tracking is an error (before anything is sent)."""
    if isinstance(part, Frame) and (<Frame>part).tracker is None:
        raise ValueError("Not a tracked message: this Frame was created without track=True")
    return 0


cdef object _send_part(Socket self, object data, int flags, bint copy, bint track, object tracker):
    """Send one part and return what ``send`` returns for it (or WOULD_BLOCK).

    A Frame: its tracker (the caller has checked ``track`` against it). Copied data:
    None with ``copy=True``; the finished tracker when ``copy=False`` but the data was
    under ``copy_threshold``. Shared data: ``tracker`` (which it joins) when ``track``,
    else None.
    """
    cdef Py_buffer view
    cdef zmq_msg_t msg
    cdef Py_ssize_t n
    if type(data) is bytes:
        n = PyBytes_GET_SIZE(data)
        if copy or <size_t>n < self.copy_threshold:
            if _io_send_buf(self, PyBytes_AS_STRING(data), <size_t>n, flags):
                return WOULD_BLOCK
            return None if copy else finished_tracker
    elif isinstance(data, Frame):
        if zmq_msg_init(&msg) < 0 or zmq_msg_copy(&msg, &(<Frame>data).zmq_msg) < 0:
            raise_zmq_error(zmq_errno())
        if _io_send_msg(self, &msg, flags):
            return WOULD_BLOCK
        if tracker is not None and (<Frame>data).tracker is not None:
            (<MessageTracker>tracker).peers.add((<Frame>data).tracker)
        return (<Frame>data).tracker
    elif not PyObject_CheckBuffer(data):
        if isinstance(data, str):
            raise TypeError("str objects cannot be sent as bytes: use send_string() or encode it first")
        raise TypeError(
            f"a bytes-like object (bytes, bytearray, memoryview, array, Frame) is required, "
            f"not {type(data).__name__!r}")
    else:
        _get_send_buffer(data, &view, copy)
        try:
            if copy or <size_t>view.len < self.copy_threshold:
                if _io_send_buf(self, view.buf, <size_t>view.len, flags):
                    return WOULD_BLOCK
                return None if copy else finished_tracker
        finally:
            PyBuffer_Release(&view)
    init_zero_copy(&msg, data, tracker if track else None)
    if _io_send_msg(self, &msg, flags):
        return WOULD_BLOCK
    return tracker if track else None


cdef object _send_impl(Socket self, object data, int c_flags, bint copy, bint track, object routing_id,
                       object group):
    """Socket.send: one part, with routing_id/group for SERVER/RADIO (draft API)."""
    cdef MessageTracker tracker = None
    cdef Frame frame
    cdef zmq_msg_t msg
    cdef int rc, err
    if routing_id is not None or group is not None:
        if not CYZMQ_DRAFT_API:  # as Frame.routing_id/group (and pyzmq) say it
            raise RuntimeError(
                f"send({'routing_id' if routing_id is not None else 'group'}=...) needs libzmq built "
                f"with the draft API ({'CLIENT-SERVER' if routing_id is not None else 'RADIO-DISH'} sockets)")
        frame = data if isinstance(data, Frame) else Frame(data, track=track, copy=copy)
        if zmq_msg_init(&msg) < 0 or zmq_msg_copy(&msg, &frame.zmq_msg) < 0:
            raise_zmq_error(zmq_errno())
        try:
            if routing_id is not None:
                check_rc(zmq_msg_set_routing_id(&msg, <uint32_t>routing_id))
            if group is not None:
                bgroup = group.encode("utf-8") if isinstance(group, str) else bytes(group)
                check_rc(zmq_msg_set_group(&msg, bgroup))
        except BaseException:
            zmq_msg_close(&msg)
            raise
        if _io_send_msg(self, &msg, c_flags):
            return WOULD_BLOCK
        if not track:
            return None
        return frame.tracker if frame.tracker is not None else new_tracker()
    if track:
        _check_tracked(data)
        tracker = new_tracker()
    return _send_part(self, data, c_flags, copy, track, tracker)


cdef object _recv_impl(Socket self, int c_flags, bint copy, bint track):
    """Socket.recv: one part as bytes, or as a Frame (copy=False)."""
    cdef zmq_msg_t msg
    cdef Frame frame
    if not copy:
        frame = new_frame()
        if _io_recv_msg(self, &frame.zmq_msg, c_flags):
            return WOULD_BLOCK
        frame.more = zmq_msg_more(&frame.zmq_msg)
        if track:
            frame.tracker = finished_tracker
        return frame
    zmq_msg_init(&msg)
    try:
        if _io_recv_msg(self, &msg, c_flags):
            return WOULD_BLOCK
        return _bytes_from_msg(&msg)
    finally:
        zmq_msg_close(&msg)


cdef int _recv_into_impl(Socket self, object buffer, int c_nbytes, int c_flags) except -1:
    """Socket.recv_into: receive into a writable contiguous buffer; the message size."""
    self._check_usable()
    cdef Py_buffer view
    cdef int rc
    if not PyObject_CheckBuffer(buffer):
        raise TypeError(f"recv_into needs a writable bytes-like object, not {type(buffer).__name__!r}")
    # Exported as strided, then checked here: every unsuitable buffer is a BufferError
    # (NumPy would report a read-only or non-contiguous array as ValueError).
    PyObject_GetBuffer(buffer, &view, PyBUF_STRIDES)
    try:
        if view.readonly:
            raise BufferError("recv_into needs a writable buffer: this one is read-only")
        if not PyBuffer_IsContiguous(&view, b"A"):
            raise BufferError("recv_into needs a contiguous buffer")
        if c_nbytes < 0:
            raise ValueError(f"nbytes must be >= 0, not {c_nbytes}")
        if c_nbytes == 0:
            c_nbytes = view.len
        elif c_nbytes > view.len:
            raise ValueError(f"nbytes={c_nbytes} is larger than the buffer ({view.len} bytes)")
        # (no NOTHROW mode: a flags value with that bit set still raises Again, as pyzmq's)
        return _io(self, OP_RECV_BUF, NULL, view.buf, <size_t>c_nbytes, c_flags & ~NOTHROW)
    finally:
        PyBuffer_Release(&view)


cdef object _send_multipart_impl(Socket self, object msg_parts, int c_flags, bint copy, bint track):
    """Socket.send_multipart: check every part, then send them (SNDMORE on all but the last)."""
    self._check_usable()
    cdef list parts
    cdef Py_ssize_t i, n
    cdef MessageTracker tracker = None
    if type(msg_parts) is list:
        parts = <list>msg_parts
    elif isinstance(msg_parts, (bytes, str)) or PyObject_CheckBuffer(msg_parts) or isinstance(msg_parts, Frame):
        raise TypeError("send_multipart takes a sequence of parts, not a single message: use send()")
    else:
        parts = list(msg_parts)
    n = len(parts)
    if n == 0:
        raise IndexError("a multipart message needs at least one part")
    cdef Py_buffer view
    for i in range(n):
        part = parts[i]
        if type(part) is bytes:
            continue
        if isinstance(part, Frame):
            if track:
                _check_tracked(part)
            continue
        if not PyObject_CheckBuffer(part):
            if isinstance(part, str):
                raise TypeError(f"part {i} is a str: encode it (or use send_string for single parts)")
            raise TypeError(
                f"part {i} must be bytes-like (bytes, bytearray, memoryview, Frame), "
                f"not {type(part).__name__!r}")
        # Exporting the buffer now catches non-contiguous arrays before any part is sent.
        _get_send_buffer(part, &view, copy)
        PyBuffer_Release(&view)
    if track:
        tracker = new_tracker()
    c_flags &= ~ZMQ_SNDMORE
    if n == 1:
        return _send_part(self, parts[0], c_flags, copy, track, tracker)
    # Only the first part can block: once it is queued libzmq takes the whole message. The
    # parts are one sequence of calls another thread must not interleave with (Python code
    # can run between them: a buffer export, a finalizer).
    cdef uintptr_t prev = self._enter()
    try:
        result = _send_part(self, parts[0], c_flags | ZMQ_SNDMORE, copy, track, tracker)
        if result is WOULD_BLOCK:
            return WOULD_BLOCK
        c_flags &= ~NOTHROW
        for i in range(1, n - 1):
            _send_part(self, parts[i], c_flags | ZMQ_SNDMORE, copy, track, tracker)
        return _send_part(self, parts[n - 1], c_flags, copy, track, tracker)
    finally:
        self._leave(prev)


cdef object _recv_multipart_impl(Socket self, int c_flags, bint copy, bint track):
    """Socket.recv_multipart: every part of the next message (only the first can wait)."""
    self._check_usable()
    cdef list parts = []
    cdef bint more = False
    if _recv_part(self, parts, c_flags, copy, track, &more):
        return WOULD_BLOCK
    if not more:
        return parts
    # The other parts are here already (libzmq delivers messages whole): received as one
    # sequence that another thread must not interleave with.
    c_flags = (c_flags | ZMQ_DONTWAIT) & ~NOTHROW
    cdef uintptr_t prev = self._enter()
    try:
        while more:
            _recv_part(self, parts, c_flags, copy, track, &more)
    finally:
        self._leave(prev)
    return parts


cdef int _recv_part(Socket self, list parts, int c_flags, bint copy, bint track, bint *more) except -1:
    """Receive one part of a multipart message onto ``parts``: 0, or 1 under NOTHROW when
    there is none; ``more`` tells whether another part follows."""
    cdef zmq_msg_t msg
    cdef Frame frame
    if not copy:
        frame = new_frame()
        if _io_recv_msg(self, &frame.zmq_msg, c_flags):
            return 1
        more[0] = frame.more = zmq_msg_more(&frame.zmq_msg)
        if track:
            frame.tracker = finished_tracker
        parts.append(frame)
        return 0
    zmq_msg_init(&msg)
    try:
        if _io_recv_msg(self, &msg, c_flags):
            return 1
        parts.append(_bytes_from_msg(&msg))
        more[0] = zmq_msg_more(&msg)
        return 0
    finally:
        zmq_msg_close(&msg)
