# Socket options: Socket.get/set between Python values and libzmq's option buffers, by the
# option's OptKind (optkind.pxd, generated from buildutils/option_table.py). Included by
# socket.pyx.


cdef object _SocketType = None


cdef object _socket_type_enum():
    global _SocketType
    if _SocketType is None:
        from zmq.constants import SocketType as _SocketType
    return _SocketType


cdef int _set_option(Socket self, int c_option, object optval) except -1:
    """Socket.set: convert ``optval`` to the option's C type and set it."""
    self._check_usable()
    cdef int kind = opt_kind(c_option)
    cdef int ival
    cdef int64_t i64
    cdef uint64_t u64
    cdef const char *data
    if kind == OPT_BINARY or kind == OPT_TEXT or kind == OPT_CURVE_KEY:
        if isinstance(optval, str):
            if kind == OPT_BINARY:
                raise TypeError(
                    f"option {c_option} takes bytes, not str: use set_string() to encode text")
            optval = (<str>optval).encode("utf-8")
        elif not isinstance(optval, bytes):
            if PyObject_CheckBuffer(optval) and not isinstance(optval, int):
                optval = bytes(optval)
            else:
                raise TypeError(f"option {c_option} takes bytes, not {type(optval).__name__!r}")
        if zmq_setsockopt(self.handle, c_option, PyBytes_AS_STRING(optval), PyBytes_GET_SIZE(optval)) == 0:
            return 0
        if kind == OPT_TEXT and PyBytes_GET_SIZE(optval) == 0 and zmq_errno() == EINVAL:
            # Some text options (PLAIN_USERNAME, ...) are reset only by a NULL value.
            check_rc(zmq_setsockopt(self.handle, c_option, NULL, 0))
            return 0
        raise_zmq_error(zmq_errno())
    if not isinstance(optval, int):
        if hasattr(optval, "__index__") and not isinstance(optval, float):
            optval = optval.__index__()
        else:
            raise TypeError(f"option {c_option} takes an int, not {type(optval).__name__!r}")
    if kind == OPT_INT64:
        if not -(2 ** 63) <= optval < 2 ** 63:
            raise OverflowError(f"value {optval} out of range for 64-bit option {c_option}")
        i64 = optval
        check_rc(zmq_setsockopt(self.handle, c_option, &i64, sizeof(int64_t)))
    elif kind == OPT_UINT64:
        if not 0 <= optval < 2 ** 64:
            raise OverflowError(f"value {optval} out of range for unsigned 64-bit option {c_option}")
        u64 = optval
        check_rc(zmq_setsockopt(self.handle, c_option, &u64, sizeof(uint64_t)))
    else:
        if not -(2 ** 31) <= optval < 2 ** 31:
            raise OverflowError(f"value {optval} out of range for int option {c_option}")
        ival = optval
        if kind == OPT_HWM:
            self._set_int(ZMQ_SNDHWM, ival)
            self._set_int(ZMQ_RCVHWM, ival)
        else:
            check_rc(zmq_setsockopt(self.handle, c_option, &ival, sizeof(int)))
    return 0


cdef object _get_option(Socket self, int c_option):
    """Socket.get: read the option into its C type and return it as a Python value."""
    self._check_usable()
    cdef int kind = opt_kind(c_option)
    cdef int ival = 0
    cdef int64_t i64 = 0
    cdef uint64_t u64 = 0
    cdef cyzmq_fd_t fd = 0
    cdef char buf[1024]
    cdef size_t size
    if kind == OPT_INT:
        size = sizeof(int)
        check_rc(zmq_getsockopt(self.handle, c_option, &ival, &size))
        if c_option == ZMQ_TYPE:
            return _socket_type_enum()(ival)
        return ival
    if kind == OPT_INT64:
        size = sizeof(int64_t)
        check_rc(zmq_getsockopt(self.handle, c_option, &i64, &size))
        return i64
    if kind == OPT_UINT64:
        size = sizeof(uint64_t)
        check_rc(zmq_getsockopt(self.handle, c_option, &u64, &size))
        return u64
    if kind == OPT_FD:
        size = sizeof(cyzmq_fd_t)
        check_rc(zmq_getsockopt(self.handle, c_option, &fd, &size))
        return fd
    if kind == OPT_HWM:
        return self._get_int(ZMQ_SNDHWM)
    size = 41 if kind == OPT_CURVE_KEY else sizeof(buf)
    if zmq_getsockopt(self.handle, c_option, buf, &size) == 0:
        if kind != OPT_BINARY and size > 0 and buf[size - 1] == 0:
            size -= 1
        return PyBytes_FromStringAndSize(buf, size)
    if zmq_errno() != EINVAL or kind == OPT_CURVE_KEY:
        raise_zmq_error(zmq_errno())
    return _get_long_bytes(self, c_option, kind)


cdef object _get_long_bytes(Socket self, int option, int kind):
    # Values longer than the stack buffer (SOCKS_PROXY has no length limit): grow on EINVAL.
    cdef size_t cap = 4096
    cdef size_t size
    cdef bytearray buf
    while cap <= (1 << 24):
        buf = bytearray(cap)
        size = cap
        if zmq_getsockopt(self.handle, option, <char *>buf, &size) == 0:
            if kind != OPT_BINARY and size > 0 and buf[size - 1] == 0:
                size -= 1
            return bytes(buf[:size])
        if zmq_errno() != EINVAL:
            break
        cap *= 4
    raise_zmq_error(zmq_errno())
