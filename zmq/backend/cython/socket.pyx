# cython: language_level=3
"""The compiled Socket: options, send/recv (copy, zero-copy, multipart), poll and monitor.

Every send and recv first tries the call with ``ZMQ_DONTWAIT`` while holding the GIL, which
is all a ready socket needs. Only a call that has to wait releases the GIL (``_io_blocking``);
that wait is retried after EINTR once Python's signal handlers have run, so Ctrl-C raises
KeyboardInterrupt promptly while SNDTIMEO/RCVTIMEO keep their meaning across the retries.
"""

cimport cython
from cpython.buffer cimport (
    PyObject_GetBuffer, PyBuffer_Release, PyBuffer_IsContiguous, PyBUF_ANY_CONTIGUOUS, PyBUF_WRITABLE, PyBUF_STRIDES,
)
from cpython.bytes cimport PyBytes_FromStringAndSize, PyBytes_AS_STRING, PyBytes_GET_SIZE
from cpython.list cimport PyList_New, PyList_Append
from libc.stdint cimport int64_t, uint64_t, uintptr_t, uint32_t
from libc.string cimport memcpy
from libc.errno cimport ENAMETOOLONG
from posix.time cimport clock_gettime, timespec, CLOCK_MONOTONIC

from zmq.backend.cython.libzmq cimport *
from zmq.backend.cython._check cimport (
    check_rc, c_int_arg, raise_zmq_error, zmq_error, raise_zmq_error_msg, raise_forked, fork_generation, monotonic_ms,
    timeout_ms,
)
from zmq.backend.cython.context cimport Context
from zmq.backend.cython.message cimport (
    Frame, MessageTracker, init_zero_copy, new_tracker, new_frame, finished_tracker,
)

cdef extern from "Python.h":
    int PyErr_CheckSignals() except -1
    bint PyObject_CheckBuffer(object obj)
    const char *PyUnicode_AsUTF8AndSize(object s, Py_ssize_t *size) except NULL
    object PyUnicode_DecodeUTF8(const char *s, Py_ssize_t size, const char *errors)
    object PyUnicode_Decode(const char *s, Py_ssize_t size, const char *encoding, const char *errors)

import sys

# The pseudo-option zmq.HWM: sets (and reads) SNDHWM and RCVHWM together.
DEF HWM_PSEUDO_OPTION = 1

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


# Messages at least this big are copied with the GIL released.
cdef enum:
    BIG_COPY = 65536


cdef object _bytes_from_msg(zmq_msg_t *msg):
    """A bytes copy of the message; big ones are copied with the GIL released."""
    cdef size_t n = zmq_msg_size(msg)
    if n < BIG_COPY:
        return PyBytes_FromStringAndSize(<char *>zmq_msg_data(msg), n)
    data = PyBytes_FromStringAndSize(NULL, n)
    cdef char *dst = PyBytes_AS_STRING(data)
    with nogil:
        memcpy(dst, zmq_msg_data(msg), n)
    return data


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


cdef enum OptKind:
    OPT_INT = 0
    OPT_INT64 = 1
    OPT_UINT64 = 2
    OPT_BINARY = 3   # arbitrary bytes, exact length (ROUTING_ID, SUBSCRIBE...)
    OPT_TEXT = 4     # NUL-terminated text (endpoints, ZAP domain, keys...): str accepted on set
    OPT_FD = 5
    OPT_CURVE_KEY = 6
    OPT_HWM = 7


cdef inline int _opt_kind(int opt) noexcept nogil:
    # Values from zmq.h (draft ones included, so they work where libzmq has them).
    if opt == 4 or opt == 85 or opt == 86 or opt == 87:   # AFFINITY, VMCI_BUFFER_*
        return OPT_UINT64
    if opt == 22:                                          # MAXMSGSIZE
        return OPT_INT64
    if opt == 5 or opt == 6 or opt == 7 or opt == 61 or opt == 72 or opt == 110 or opt == 111 or opt == 114:
        return OPT_BINARY
    if opt == 48 or opt == 49 or opt == 50:
        return OPT_CURVE_KEY
    if (opt == 32 or opt == 38 or opt == 45 or opt == 46 or opt == 55 or opt == 63 or opt == 64
            or opt == 68 or opt == 92 or opt == 95 or opt == 99 or opt == 100
            or (opt >= 103 and opt <= 106)):
        return OPT_TEXT
    if opt == 14:
        return OPT_FD
    if opt == HWM_PSEUDO_OPTION:
        return OPT_HWM
    return OPT_INT


cdef inline int _do_io(int op, void *handle, zmq_msg_t *msg, void *buf, size_t n, int flags) noexcept nogil:
    if op == OP_SEND_BUF:
        return zmq_send(handle, buf, n, flags)
    if op == OP_RECV_MSG:
        return zmq_msg_recv(msg, handle, flags)
    if op == OP_SEND_MSG:
        return zmq_msg_send(msg, handle, flags)
    return zmq_recv(handle, buf, n, flags)


from zmq.constants import POLLIN as _POLLIN  # poll()'s default, shown by inspect.signature

cdef object _SocketType = None
cdef object _json = None
cdef object _pickle = None


cdef object _json_decoder = None


cdef object _json_codec():
    """The shared JSON encoder (json.dumps defaults); imports json on first use."""
    global _json, _json_encoder, _json_decoder
    if _json_encoder is None:
        import json as _json
        _json_encoder = _json.JSONEncoder()
        _json_decoder = _json.JSONDecoder()
    return _json_encoder


cdef object _json_encoder = None


cdef object _socket_type_enum():
    global _SocketType
    if _SocketType is None:
        from zmq.constants import SocketType as _SocketType
    return _SocketType


cdef int _as_flags(object flags) except? -1:
    return flags


cdef str _describe(int err, object addr):
    cdef str text = addr.decode("utf-8", "replace") if isinstance(addr, bytes) else str(addr)
    if err == ENAMETOOLONG and text.startswith("ipc://"):
        return (f"ipc path {text[6:]!r} is {len(text) - 6} characters long, more than the "
                f"{CYZMQ_IPC_PATH_MAX_LEN} that fit in sockaddr_un.sun_path (check paths against "
                f"zmq.IPC_PATH_MAX_LEN) (addr={addr!r})")
    return f"{zmq_strerror(err).decode('utf-8', 'replace')} (addr={addr!r})"


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


cdef class Socket:
    """A libzmq socket. Not thread-safe: use each socket from one thread at a time.

    Create sockets with :meth:`Context.socket`. ``Socket(socket)`` or
    ``Socket.shadow(address)`` wrap an existing socket without owning it.

    Parameters
    ----------
    context : Context or Socket
        The context to create the socket in (or a Socket to shadow).
    socket_type : int
        ``zmq.PUSH``, ``zmq.SUB``, ...
    shadow : int, optional
        Address of an existing libzmq socket to wrap instead of creating one.
    copy_threshold : int, optional
        See :attr:`copy_threshold` (default ``zmq.COPY_THRESHOLD``).
    """

    def __cinit__(self, *args, **kwargs):
        self.handle = NULL
        self._shadow = False
        self._fork_gen = fork_generation()
        self.copy_threshold = 65536

    def __init__(self, context=None, socket_type=-1, *, shadow=0, copy_threshold=None):
        if self.handle != NULL:
            return
        cdef Context ctx
        zmq_mod = sys.modules.get("zmq")
        if copy_threshold is None:
            copy_threshold = getattr(zmq_mod, "COPY_THRESHOLD", 65536)
        self.copy_threshold = copy_threshold
        if isinstance(context, Socket):  # Socket(other_socket): shadow it
            (<Socket>context)._check_usable()
            self._owner = context
            self.context = (<Socket>context).context
            self.handle = (<Socket>context).handle
            self._shadow = True
            return
        if shadow:
            self.handle = <void *><uintptr_t>shadow
            self._shadow = True
            self.context = context
            return
        if not isinstance(context, Context):
            raise TypeError(f"Socket needs a zmq.Context, not {type(context).__name__!r}")
        ctx = <Context>context
        ctx._check_usable()
        if not isinstance(socket_type, int):
            raise TypeError(f"socket_type must be an int such as zmq.PUSH, not {type(socket_type).__name__!r}")
        self.handle = zmq_socket(ctx.handle, socket_type)
        if self.handle == NULL:
            raise_zmq_error(zmq_errno())
        self.context = context

    def __dealloc__(self):
        if self.handle != NULL and not self._shadow and self._fork_gen == fork_generation():
            zmq_close(self.handle)
        self.handle = NULL

    # -- state ----------------------------------------------------------------------------

    @property
    def underlying(self) -> int:
        """The address of the libzmq ``void *`` socket (for :meth:`shadow` or C code)."""
        return <uintptr_t>self.handle

    @property
    def closed(self) -> bool:
        """True once the socket has been closed."""
        return self.handle == NULL

    @property
    def _owns_handle(self) -> bool:
        """True if closing this object closes the libzmq socket (not a shadow, same process)."""
        return self.handle != NULL and not self._shadow and self._fork_gen == fork_generation()

    def close(self, linger=None):
        """Close the socket (idempotent; a shadow socket only forgets its handle).

        Parameters
        ----------
        linger : int, optional
            Milliseconds to keep trying to deliver pending outgoing messages; default: the
            LINGER option (-1: until delivered or the context terminates). Applied even when
            the context is already terminating.
        """
        if self.handle == NULL:
            return
        if self._fork_gen != fork_generation():
            self.handle = NULL  # the parent's socket: never touch it from the child
            return
        cdef int ival
        if linger is not None and not self._shadow:
            ival = linger
            # Best effort: once the context is terminating libzmq refuses options (ETERM),
            # and the socket must still be closed or Context.term() never returns.
            zmq_setsockopt(self.handle, ZMQ_LINGER, &ival, sizeof(int))
        if not self._shadow:
            zmq_close(self.handle)
        self.handle = NULL
        self._owner = None

    # -- options --------------------------------------------------------------------------

    cdef int _get_int(self, int option) except? -1:
        cdef int value = 0
        cdef size_t size = sizeof(int)
        check_rc(zmq_getsockopt(self.handle, option, &value, &size))
        return value

    cdef int _set_int(self, int option, int value) except -1:
        return check_rc(zmq_setsockopt(self.handle, option, &value, sizeof(int)))

    def set(self, option, optval):
        """Set a socket option with a value of its natural type.

        int options take an int; AFFINITY/MAXMSGSIZE a 64-bit int; ROUTING_ID, SUBSCRIBE and
        other binary options bytes; text options (endpoints, ZAP_DOMAIN, PLAIN/CURVE
        credentials...) bytes or str. ``zmq.HWM`` sets SNDHWM and RCVHWM.

        Raises
        ------
        TypeError
            The value has the wrong type for the option.
        OverflowError
            An int value does not fit the option's C type (as pyzmq, and as Python's own
            C-int arguments).
        ZMQError
            libzmq refused the option (EINVAL for an unknown option or bad value).
        """
        cdef int c_option = c_int_arg(option, "option")
        self._check_usable()
        cdef int kind = _opt_kind(c_option)
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
                return
            if kind == OPT_TEXT and PyBytes_GET_SIZE(optval) == 0 and zmq_errno() == EINVAL:
                # Some text options (PLAIN_USERNAME, ...) are reset only by a NULL value.
                check_rc(zmq_setsockopt(self.handle, c_option, NULL, 0))
                return
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

    def get(self, option):
        """Get a socket option with its natural Python type.

        Parameters
        ----------
        option : int
            A ``zmq.SocketOption`` (``zmq.LINGER``, ``zmq.RCVMORE``, ``zmq.LAST_ENDPOINT``...).

        Returns
        -------
        int or bytes or zmq.SocketType
            int for int and 64-bit options (and FD, the file descriptor); bytes for binary
            and text options (text without its trailing NUL, CURVE keys as 40-byte Z85);
            ``zmq.TYPE`` as a :class:`zmq.SocketType`.

        Raises
        ------
        TypeError
            ``option`` is not an int.
        ZMQError
            EINVAL for an unknown or set-only option; ENOTSOCK on a closed socket.
        """
        cdef int c_option = c_int_arg(option, "option")
        self._check_usable()
        cdef int kind = _opt_kind(c_option)
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
        return self._get_long_bytes(c_option, kind)

    def _get_long_bytes(self, int option, int kind):
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

    setsockopt = set
    getsockopt = get

    # -- endpoints ------------------------------------------------------------------------

    def _bind(self, addr):
        self._check_usable()
        cdef bytes baddr = _encode_addr(addr)
        cdef int rc = zmq_bind(self.handle, baddr)
        if rc < 0:
            err = zmq_errno()
            raise_zmq_error_msg(err, _describe(err, addr))

    def _connect(self, addr):
        self._check_usable()
        cdef bytes baddr = _encode_addr(addr)
        cdef int rc = zmq_connect(self.handle, baddr)
        if rc < 0:
            err = zmq_errno()
            raise_zmq_error_msg(err, _describe(err, addr))

    def unbind(self, addr):
        """Stop listening on ``addr``.

        Parameters
        ----------
        addr : str
            The endpoint that was bound (for a wildcard bind such as ``tcp://127.0.0.1:*``,
            the LAST_ENDPOINT value).

        Raises
        ------
        ZMQError
            ENOENT if ``addr`` is not bound.
        """
        self._check_usable()
        cdef bytes baddr = _encode_addr(addr)
        if zmq_unbind(self.handle, baddr) < 0:
            err = zmq_errno()
            raise_zmq_error_msg(err, _describe(err, addr))

    def disconnect(self, addr):
        """Disconnect from the peer at ``addr``.

        Parameters
        ----------
        addr : str
            An endpoint given to :meth:`connect`.

        Raises
        ------
        ZMQError
            ENOENT if the socket is not connected to ``addr``.
        """
        self._check_usable()
        cdef bytes baddr = _encode_addr(addr)
        if zmq_disconnect(self.handle, baddr) < 0:
            err = zmq_errno()
            raise_zmq_error_msg(err, _describe(err, addr))

    def monitor(self, addr, events=0xFFFF):
        """Publish this socket's events on a PAIR socket bound at an inproc address.

        Parameters
        ----------
        addr : str or None
            The ``inproc://`` endpoint to publish on; None stops monitoring.
        events : int
            The ``zmq.EVENT_*`` mask to report (default: all).

        Notes
        -----
        Connect a PAIR socket to ``addr`` and read events with
        :func:`zmq.utils.monitor.recv_monitor_message`, or let
        :meth:`get_monitor_socket` do it all.
        """
        self._check_usable()
        cdef bytes baddr
        if addr is None:
            check_rc(zmq_socket_monitor(self.handle, NULL, 0))
            return
        baddr = _encode_addr(addr)
        check_rc(zmq_socket_monitor(self.handle, baddr, events))

    def join(self, group):
        """Join a group on a DISH socket (draft API).

        Parameters
        ----------
        group : str or bytes
            The group name.

        Raises
        ------
        RuntimeError
            libzmq or cyzmq is built without the draft API (as pyzmq).
        """
        if not CYZMQ_DRAFT_API:
            raise RuntimeError("libzmq and cyzmq must be built with draft support")
        self._check_usable()
        if isinstance(group, str):
            group = group.encode("utf-8")
        check_rc(zmq_join(self.handle, group))

    def leave(self, group):
        """Leave a group joined with :meth:`join` (draft API).

        Parameters
        ----------
        group : str or bytes
            The group name.

        Raises
        ------
        RuntimeError
            libzmq or cyzmq is built without the draft API (as pyzmq).
        """
        if not CYZMQ_DRAFT_API:
            raise RuntimeError("libzmq and cyzmq must be built with draft support")
        self._check_usable()
        if isinstance(group, str):
            group = group.encode("utf-8")
        check_rc(zmq_leave(self.handle, group))

    def fileno(self) -> int:
        """The edge-triggered file descriptor that signals ZMQ events (the FD option)."""
        return self.get(ZMQ_FD)

    # -- the send/recv core ---------------------------------------------------------------

    cdef int _io_blocking(self, int op, zmq_msg_t *msg, void *buf, size_t n, int flags) except -2:
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

    cdef int _send_buf(self, const void *buf, size_t n, int flags) except -1:
        """Send a copy of ``buf``: 0 when sent, 1 when it would block under NOTHROW."""
        cdef zmq_msg_t msg
        if n >= BIG_COPY:
            # Copy big messages without holding the GIL, so other threads run meanwhile.
            if zmq_msg_init_size(&msg, n) < 0:
                raise_zmq_error(zmq_errno())
            with nogil:
                memcpy(zmq_msg_data(&msg), buf, n)
            return self._send_msg(&msg, flags)
        cdef int err
        cdef int rc = _send_now(self.handle, NULL, buf, n, (flags & ~NOTHROW) | ZMQ_DONTWAIT, &err)
        if rc < 0:
            if err != EAGAIN or flags & ZMQ_DONTWAIT:
                if err == EAGAIN and flags & NOTHROW:
                    return 1
                raise_zmq_error(err)
            self._io_blocking(OP_SEND_BUF, NULL, <void *>buf, n, flags)
        return 0

    cdef int _send_msg(self, zmq_msg_t *msg, int flags) except -1:
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
            self._io_blocking(OP_SEND_MSG, msg, NULL, 0, flags)
        except BaseException:
            zmq_msg_close(msg)
            raise
        return 0

    cdef int _recv_msg(self, zmq_msg_t *msg, int flags) except -1:
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
        self._io_blocking(OP_RECV_MSG, msg, NULL, 0, flags)
        return 0

    cdef object _send_part(self, object data, int flags, bint copy, bint track, object tracker):
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
                if self._send_buf(PyBytes_AS_STRING(data), <size_t>n, flags):
                    return WOULD_BLOCK
                return None if copy else finished_tracker
        elif isinstance(data, Frame):
            if zmq_msg_init(&msg) < 0 or zmq_msg_copy(&msg, &(<Frame>data).zmq_msg) < 0:
                raise_zmq_error(zmq_errno())
            if self._send_msg(&msg, flags):
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
                    if self._send_buf(view.buf, <size_t>view.len, flags):
                        return WOULD_BLOCK
                    return None if copy else finished_tracker
            finally:
                PyBuffer_Release(&view)
        init_zero_copy(&msg, data, tracker if track else None)
        if self._send_msg(&msg, flags):
            return WOULD_BLOCK
        return tracker if track else None

    def _send(self, object data, flags=0, bint copy=True, bint track=False,
              routing_id=None, group=None):
        """Send one message part.

        Parameters
        ----------
        data : bytes-like or Frame
            The content (not ``str``: see :meth:`send_string`).
        flags : int
            ``zmq.NOBLOCK``/``zmq.DONTWAIT``, ``zmq.SNDMORE``.
        copy : bool
            False shares ``data``'s memory with libzmq instead of copying it (for messages of
            at least :attr:`copy_threshold` bytes); the object is kept alive until libzmq
            releases it.
        track : bool
            Return a :class:`MessageTracker` that tells when libzmq released the memory.
        routing_id, group : optional
            For SERVER and RADIO sockets (draft API: RuntimeError without it).

        Returns
        -------
        None or MessageTracker
            For a Frame, its ``tracker``. With ``copy=False``: a MessageTracker when
            ``track=True``, or (done from the start) when the data was under
            :attr:`copy_threshold` and so copied anyway. With ``copy=True``: None.

        Raises
        ------
        zmq.Again
            NOBLOCK was given and the message cannot be queued, or SNDTIMEO expired.
        TypeError
            ``data`` is not bytes-like.
        ValueError
            ``track=True`` with a Frame that is not tracked.
        """
        cdef int c_flags = c_int_arg(flags, "flags")
        cdef MessageTracker tracker = None
        cdef Frame frame
        cdef zmq_msg_t msg
        cdef int rc, err
        cdef Py_ssize_t n
        self._check_usable()
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
            if self._send_msg(&msg, c_flags):
                return WOULD_BLOCK
            if not track:
                return None
            return frame.tracker if frame.tracker is not None else new_tracker()
        if track:
            _check_tracked(data)
            tracker = new_tracker()
        return self._send_part(data, c_flags, copy, track, tracker)

    def _recv(self, flags=0, bint copy=True, bint track=False):
        """Receive one message part.

        Parameters
        ----------
        flags : int
            ``zmq.NOBLOCK`` to raise :class:`zmq.Again` instead of waiting.
        copy : bool
            True returns bytes; False returns a :class:`Frame` whose memory is the message's
            own (no copy), with ``frame.more`` set.
        track : bool
            With ``copy=False``, give the Frame a tracker (done from the start: a received
            message needs no tracking).

        Raises
        ------
        zmq.Again
            NOBLOCK was given and no message is waiting, or RCVTIMEO expired.
        """
        cdef int c_flags = c_int_arg(flags, "flags")
        cdef zmq_msg_t msg
        cdef Frame frame
        cdef int rc, err
        self._check_usable()
        if not copy:
            frame = new_frame()
            if self._recv_msg(&frame.zmq_msg, c_flags):
                return WOULD_BLOCK
            frame.more = zmq_msg_more(&frame.zmq_msg)
            if track:
                frame.tracker = finished_tracker
            return frame
        zmq_msg_init(&msg)
        rc = zmq_msg_recv(&msg, self.handle, (c_flags & ~NOTHROW) | ZMQ_DONTWAIT)
        if rc < 0:
            # Kept flat (no helper in between) so that a non-blocking miss raises Again
            # with a single traceback level.
            err = zmq_errno()
            if err != EAGAIN or c_flags & ZMQ_DONTWAIT:
                zmq_msg_close(&msg)
                if err == EAGAIN and c_flags & NOTHROW:
                    return WOULD_BLOCK
                raise zmq_error(err)
            try:
                self._io_blocking(OP_RECV_MSG, &msg, NULL, 0, c_flags)
            except BaseException:
                zmq_msg_close(&msg)
                raise
        data = _bytes_from_msg(&msg)
        zmq_msg_close(&msg)
        return data

    def _recv_wait(self, int flags, bint copy):
        """Wait for one part (the fast path found none, or skipped the try): bytes or a Frame.

        Notes whether the wait really waited, which decides whether the next blocking recv
        tries without blocking first.
        """
        cdef zmq_msg_t msg
        cdef Frame frame
        cdef long long start = monotonic_us()
        if not copy:
            frame = new_frame()
            self._io_blocking(OP_RECV_MSG, &frame.zmq_msg, NULL, 0, flags)
            frame.more = zmq_msg_more(&frame.zmq_msg)
            self._recv_waits = monotonic_us() - start > RECV_WAITED_US
            return frame
        zmq_msg_init(&msg)
        try:
            self._io_blocking(OP_RECV_MSG, &msg, NULL, 0, flags)
            self._recv_waits = monotonic_us() - start > RECV_WAITED_US
            return _bytes_from_msg(&msg)
        finally:
            zmq_msg_close(&msg)

    def _send_wait(self, bytes data, int flags):
        """Wait until a copy of ``data`` can be queued (the fast path found the socket full)."""
        self._io_blocking(OP_SEND_BUF, NULL, PyBytes_AS_STRING(data), <size_t>PyBytes_GET_SIZE(data), flags)

    def recv_into(self, buffer, /, *, nbytes=0, flags=0):
        """Receive one part straight into a writable buffer (bytearray, memoryview, NumPy...).

        Parameters
        ----------
        buffer : writable, contiguous bytes-like
        nbytes : int, keyword-only
            How many bytes to write at most (0: the whole buffer).
        flags : int, keyword-only
            ``zmq.NOBLOCK``.

        Returns
        -------
        int
            The size of the message. When it exceeds the space given, the message was
            truncated to fit (libzmq's ``zmq_recv`` semantics).

        Raises
        ------
        TypeError
            ``buffer`` is not bytes-like.
        BufferError
            ``buffer`` is read-only or not contiguous.
        ValueError
            ``nbytes`` is negative or larger than the buffer.
        """
        cdef int c_nbytes = c_int_arg(nbytes, "nbytes")
        cdef int c_flags = c_int_arg(flags, "flags")
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
            rc = zmq_recv(self.handle, view.buf, <size_t>c_nbytes, c_flags | ZMQ_DONTWAIT)
            if rc < 0:
                err = zmq_errno()
                if err != EAGAIN or c_flags & ZMQ_DONTWAIT:
                    raise_zmq_error(err)
                rc = self._io_blocking(OP_RECV_BUF, NULL, view.buf, <size_t>c_nbytes, c_flags)
            return rc
        finally:
            PyBuffer_Release(&view)

    def send_multipart(self, msg_parts, flags=0, bint copy=True, bint track=False, **kwargs):
        """Send a multipart message: every part but the last carries SNDMORE.

        Every part is checked before the first is sent, so a bad part never leaves half a
        message queued. Parts may mix bytes, Frames and other bytes-like objects.

        Returns
        -------
        None or MessageTracker
            What :meth:`send` returns for the last part. When that is a new tracker
            (``copy=False, track=True``), it covers every zero-copy part of the message.
        """
        cdef int c_flags = c_int_arg(flags, "flags")
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
        # Only the first part can block: once it is queued libzmq takes the whole message.
        result = self._send_part(parts[0], c_flags | (ZMQ_SNDMORE if n > 1 else 0), copy, track, tracker)
        if result is WOULD_BLOCK:
            return WOULD_BLOCK
        c_flags &= ~NOTHROW
        for i in range(1, n - 1):
            self._send_part(parts[i], c_flags | ZMQ_SNDMORE, copy, track, tracker)
        if n > 1:
            result = self._send_part(parts[n - 1], c_flags, copy, track, tracker)
        return result

    def recv_multipart(self, flags=0, bint copy=True, bint track=False):
        """Receive every part of the next message.

        Parameters
        ----------
        flags : int
            ``zmq.NOBLOCK`` to raise :class:`zmq.Again` instead of waiting.
        copy : bool
            True returns bytes parts; False returns :class:`Frame` parts (no copy).
        track : bool
            With ``copy=False``, give each Frame a tracker (done from the start).

        Returns
        -------
        list of bytes or list of Frame

        Raises
        ------
        zmq.Again
            NOBLOCK was given and nothing is waiting, or RCVTIMEO expired. Only the first
            part can wait: libzmq delivers messages whole.
        """
        cdef int c_flags = c_int_arg(flags, "flags")
        self._check_usable()
        cdef list parts = []
        cdef zmq_msg_t msg
        cdef Frame frame
        cdef bint more = True
        cdef int rc
        while more:
            if copy:
                zmq_msg_init(&msg)
                try:
                    if self._recv_msg(&msg, c_flags):
                        return WOULD_BLOCK
                    parts.append(_bytes_from_msg(&msg))
                    more = zmq_msg_more(&msg)
                finally:
                    zmq_msg_close(&msg)
            else:
                frame = new_frame()
                if self._recv_msg(&frame.zmq_msg, c_flags):
                    return WOULD_BLOCK
                more = zmq_msg_more(&frame.zmq_msg)
                frame.more = more
                if track:
                    frame.tracker = finished_tracker
                parts.append(frame)
            c_flags = (c_flags | ZMQ_DONTWAIT) & ~NOTHROW
        return parts

    # -- serialization --------------------------------------------------------------------
    # These call Socket's own send/recv explicitly: a subclass (zmq.asyncio) overrides
    # send/recv to return futures, and the serializers must not pick those up.

    cdef int _send_text(self, str text, int flags) except -1:
        """Send ``text`` as UTF-8 straight from the str's own UTF-8 buffer (no bytes object)."""
        cdef Py_ssize_t n
        cdef const char *p = PyUnicode_AsUTF8AndSize(text, &n)
        return self._send_buf(p, <size_t>n, flags)

    cdef object _recv_text(self, int flags, str encoding):
        """Receive one part and decode it straight from the message memory."""
        cdef zmq_msg_t msg
        zmq_msg_init(&msg)
        try:
            if self._recv_msg(&msg, flags):
                return WOULD_BLOCK
            if encoding is None or encoding == "utf-8" or encoding == "utf8":
                return PyUnicode_DecodeUTF8(<char *>zmq_msg_data(&msg), zmq_msg_size(&msg), NULL)
            bencoding = encoding.encode("ascii")
            return PyUnicode_Decode(<char *>zmq_msg_data(&msg), zmq_msg_size(&msg), bencoding, NULL)
        finally:
            zmq_msg_close(&msg)

    def send_string(self, u, flags=0, bint copy=True, encoding="utf-8", **kwargs):
        """Send a str as one message part.

        Parameters
        ----------
        u : str
            The text.
        flags : int
            ``zmq.NOBLOCK``, ``zmq.SNDMORE``.
        copy : bool
            As for :meth:`send`.
        encoding : str
            Default UTF-8 (sent straight from the str's own UTF-8 buffer).

        Raises
        ------
        TypeError
            ``u`` is not a str.
        """
        cdef int c_flags = c_int_arg(flags, "flags")
        if not isinstance(u, str):
            raise TypeError(f"send_string takes a str, not {type(u).__name__!r}")
        self._check_usable()
        if copy and not kwargs and (encoding == "utf-8" or encoding == "utf8"):
            return WOULD_BLOCK if self._send_text(u, c_flags) else None
        return Socket._send(self, (<str>u).encode(encoding), c_flags, copy, **kwargs)

    def recv_string(self, flags=0, encoding="utf-8"):
        """Receive one part as a str, decoded straight from the message memory.

        Parameters
        ----------
        flags : int
            ``zmq.NOBLOCK`` to raise :class:`zmq.Again` instead of waiting.
        encoding : str
            Default UTF-8.

        Returns
        -------
        str

        Raises
        ------
        UnicodeDecodeError
            The bytes are not valid in ``encoding`` (the message is consumed).
        """
        cdef int c_flags = c_int_arg(flags, "flags")
        self._check_usable()
        return self._recv_text(c_flags, encoding)

    send_unicode = send_string
    recv_unicode = recv_string

    def send_json(self, obj, flags=0, **kwargs):
        """Send ``obj`` serialized as JSON (UTF-8).

        Parameters
        ----------
        obj : object
            Anything ``json.dumps`` accepts.
        flags : int
            ``zmq.NOBLOCK``, ``zmq.SNDMORE``.
        **kwargs
            Go to ``json.dumps``, except ``routing_id``/``group`` which go to :meth:`send`.

        Raises
        ------
        TypeError
            ``obj`` is not JSON-serializable; nothing is sent.
        """
        cdef int c_flags = c_int_arg(flags, "flags")
        self._check_usable()
        if not kwargs:
            return WOULD_BLOCK if self._send_text(_json_codec().encode(obj), c_flags) else None
        routing_id = kwargs.pop("routing_id", None)
        group = kwargs.pop("group", None)
        data = _json.dumps(obj, **kwargs).encode("utf-8") if kwargs else _json_codec().encode(obj).encode("utf-8")
        return Socket._send(self, data, c_flags, True, False, routing_id, group)

    def recv_json(self, flags=0, **kwargs):
        """Receive one part and decode it from JSON.

        Parameters
        ----------
        flags : int
            ``zmq.NOBLOCK`` to raise :class:`zmq.Again` instead of waiting.
        **kwargs
            Go to ``json.loads``.

        Returns
        -------
        object

        Raises
        ------
        ValueError
            The message is not JSON (``json.JSONDecodeError``); it is consumed.
        """
        cdef int c_flags = c_int_arg(flags, "flags")
        self._check_usable()
        _json_codec()
        text = self._recv_text(c_flags, None)
        if text is WOULD_BLOCK:
            return text
        return _json.loads(text, **kwargs) if kwargs else _json_decoder.decode(text)

    def send_pyobj(self, obj, flags=0, protocol=None, **kwargs):
        """Send ``obj`` pickled.

        Parameters
        ----------
        obj : object
            Anything picklable.
        flags : int
            ``zmq.NOBLOCK``, ``zmq.SNDMORE``.
        protocol : int, optional
            Pickle protocol (default ``pickle.DEFAULT_PROTOCOL``).

        Raises
        ------
        pickle.PicklingError, TypeError
            ``obj`` cannot be pickled; nothing is sent.
        """
        cdef int c_flags = c_int_arg(flags, "flags")
        global _pickle
        if _pickle is None:
            import pickle as _pickle
        data = _pickle.dumps(obj, _pickle.DEFAULT_PROTOCOL if protocol is None else protocol)
        return Socket._send(self, data, c_flags, **kwargs)

    def recv_pyobj(self, flags=0):
        """Receive one part and unpickle it.

        .. warning:: Unpickling runs code chosen by the sender. Only use this with peers you
           trust completely; otherwise use :meth:`recv_json` or :meth:`recv_serialized`.
        """
        cdef int c_flags = c_int_arg(flags, "flags")
        global _pickle
        if _pickle is None:
            import pickle as _pickle
        data = Socket._recv(self, c_flags)
        return data if data is WOULD_BLOCK else _pickle.loads(data)

    def send_serialized(self, msg, serialize, flags=0, bint copy=True, **kwargs):
        """Send ``serialize(msg)`` as one multipart message.

        Parameters
        ----------
        msg : object
            What to send.
        serialize : callable
            Turns ``msg`` into a list of bytes-like parts.
        flags : int
            ``zmq.NOBLOCK``.
        copy : bool
            As for :meth:`send_multipart`.
        """
        cdef int c_flags = c_int_arg(flags, "flags")
        return Socket.send_multipart(self, serialize(msg), c_flags, copy, **kwargs)

    def recv_serialized(self, deserialize, flags=0, bint copy=True):
        """Receive a multipart message and return ``deserialize(parts)``.

        Parameters
        ----------
        deserialize : callable
            Turns the list of parts into the object returned. A safe alternative to
            :meth:`recv_pyobj` for untrusted peers.
        flags : int
            ``zmq.NOBLOCK``.
        copy : bool
            False hands :class:`Frame` parts to ``deserialize``.

        Returns
        -------
        object
        """
        cdef int c_flags = c_int_arg(flags, "flags")
        parts = Socket.recv_multipart(self, c_flags, copy)
        return parts if parts is WOULD_BLOCK else deserialize(parts)

    # -- polling --------------------------------------------------------------------------

    def poll(self, timeout=None, flags=_POLLIN):
        """Wait until the socket is readable (``flags=zmq.POLLIN``) or writable (POLLOUT).

        Parameters
        ----------
        timeout : int, optional
            Milliseconds to wait; None or negative waits forever, 0 returns at once.

        Returns
        -------
        int
            The events that are ready (0 on timeout).
        """
        cdef int c_flags = c_int_arg(flags, "flags")
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


# -- C-level entry points for send() and recv() ---------------------------------------------
#
# The two hottest calls get hand-written METH_FASTCALL methods. For the common shapes
# (recv(flags, copy=...), send(bytes, flags, copy=...)) they skip Cython's argument parsing;
# when a non-blocking call finds nothing to do they raise Again the way a builtin does,
# without adding a traceback frame (which costs more than the whole libzmq call); and a
# call that must wait goes straight to the wait, GIL released, with no second attempt.
# Every other shape goes to the full implementations above (Socket._recv, Socket._send),
# which document the arguments.

from cpython.object cimport PyObject
from cpython.ref cimport Py_INCREF

cdef extern from "Python.h":
    ctypedef struct PyMethodDef:
        const char *ml_name
        void *ml_meth
        int ml_flags
        const char *ml_doc
    enum: METH_FASTCALL, METH_KEYWORDS
    PyObject *PyObject_Vectorcall(PyObject *callable, PyObject *const *args, size_t nargsf, PyObject *kwnames)
    bint PyLong_Check(PyObject *o)
    long PyLong_AsLong(PyObject *o)
    Py_ssize_t PyTuple_GET_SIZE(PyObject *o)
    PyObject *PyTuple_GET_ITEM(PyObject *o, Py_ssize_t i)
    void PyErr_SetObject(PyObject *type, PyObject *value)
    PyObject *PyErr_Occurred()
    void PyErr_Clear()
    int PyObject_IsTrue(PyObject *o)
    int PyUnicode_CompareWithASCIIString(PyObject *s, const char *string)
    PyObject *PyBytes_FromStringAndSize_raw "PyBytes_FromStringAndSize" (const char *v, Py_ssize_t n)
    void Py_DECREF_raw "Py_DECREF" (PyObject *o)

cdef extern from *:
    """
    static int cyzmq_install_method(PyObject *type, PyMethodDef *def) {
        PyObject *descr = PyDescr_NewMethod((PyTypeObject *)type, def);
        int rc;
        if (descr == NULL) return -1;
        rc = PyDict_SetItemString(((PyTypeObject *)type)->tp_dict, def->ml_name, descr);
        Py_DECREF(descr);
        PyType_Modified((PyTypeObject *)type);
        return rc;
    }
    #define cyzmq_is_exact_bytes(o) (Py_TYPE(o) == &PyBytes_Type)
    """
    int cyzmq_install_method(object type, PyMethodDef *meth) except -1
    bint cyzmq_is_exact_bytes(PyObject *o)

from zmq.backend.cython._check cimport set_again

cdef PyMethodDef _recv_def
cdef PyMethodDef _send_def
cdef PyObject *_recv_full = NULL
cdef PyObject *_send_full = NULL
cdef PyObject *_recv_wait_fn = NULL
cdef PyObject *_send_wait_fn = NULL
cdef object _docs = []  # keeps the docstrings' bytes alive


cdef PyObject *_delegate(PyObject *full, PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                         PyObject *kwnames) except NULL:
    """Call the full implementation: full(self, *args, **kwnames)."""
    cdef PyObject *stack[12]
    cdef Py_ssize_t nkw = PyTuple_GET_SIZE(kwnames) if kwnames != NULL else 0
    cdef Py_ssize_t i
    if nargs + nkw + 1 > 12:
        raise TypeError("too many arguments")
    stack[0] = self
    for i in range(nargs + nkw):
        stack[i + 1] = args[i]
    return PyObject_Vectorcall(full, stack, nargs + 1, kwnames)


cdef int _simple_args(PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames, Py_ssize_t first,
                      long *flags, int *copy) except -1:
    """Read ``flags`` and ``copy`` from positions ``first`` and ``first + 1`` or keywords
    (``track`` is accepted too). Returns 1 when they are plain, 0 to let the full
    implementation handle (and validate) the call."""
    cdef Py_ssize_t i, nkw = PyTuple_GET_SIZE(kwnames) if kwnames != NULL else 0
    cdef PyObject *name
    cdef PyObject *value
    cdef int seen = 0  # bits: 1 flags, 2 copy, 4 track
    cdef Py_ssize_t slot
    if nargs > first + 3:
        return 0
    for i in range(first, nargs + nkw):
        value = args[i]
        if i < nargs:
            slot = i - first
        else:
            name = PyTuple_GET_ITEM(kwnames, i - nargs)
            if PyUnicode_CompareWithASCIIString(name, "flags") == 0:
                slot = 0
            elif PyUnicode_CompareWithASCIIString(name, "copy") == 0:
                slot = 1
            elif PyUnicode_CompareWithASCIIString(name, "track") == 0:
                slot = 2
            else:
                return 0
        if seen & (1 << slot):
            return 0
        seen |= 1 << slot
        if slot == 0:
            if not PyLong_Check(value):
                return 0
            flags[0] = PyLong_AsLong(value)
            if flags[0] == -1 and PyErr_Occurred() != NULL:
                PyErr_Clear()
                return 0  # too big: the full implementation explains
            if flags[0] > 2147483647 or flags[0] < -2147483648:
                return 0  # not a C int: the full implementation raises OverflowError
        elif slot == 1:
            copy[0] = PyObject_IsTrue(value)
            if copy[0] < 0:
                return -1
        elif value != <PyObject *>False and value != <PyObject *>None:
            return 0  # track=True: the full implementation builds the tracker
    return 1


cdef PyObject *_recv_fast(PyObject *pyself, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) except NULL:
    cdef Socket self = <Socket>pyself
    cdef long flags = 0
    cdef int copy = 1
    cdef zmq_msg_t msg
    cdef Frame frame
    cdef int rc, err
    cdef PyObject *stack[3]
    if (self.handle == NULL or self._fork_gen != fork_generation()
            or not _simple_args(args, nargs, kwnames, 0, &flags, &copy)):
        return _delegate(_recv_full, pyself, args, nargs, kwnames)
    # A blocking recv on a socket whose last blocking recv had to wait goes straight to the
    # wait: on an idle socket the non-blocking try costs libzmq two syscalls for nothing.
    if flags & ZMQ_DONTWAIT or not self._recv_waits:
        if copy:
            zmq_msg_init(&msg)
            rc = zmq_msg_recv(&msg, self.handle, <int>(flags & ~NOTHROW) | ZMQ_DONTWAIT)
            if rc >= 0:
                data = _bytes_from_msg(&msg)
                zmq_msg_close(&msg)
                Py_INCREF(data)
                return <PyObject *>data
            err = zmq_errno()
            zmq_msg_close(&msg)
        else:
            frame = new_frame()
            rc = zmq_msg_recv(&frame.zmq_msg, self.handle, <int>(flags & ~NOTHROW) | ZMQ_DONTWAIT)
            if rc >= 0:
                frame.more = zmq_msg_more(&frame.zmq_msg)
                Py_INCREF(frame)
                return <PyObject *>frame
            err = zmq_errno()
        if err != EAGAIN:
            raise zmq_error(err)
        if flags & ZMQ_DONTWAIT:
            if flags & NOTHROW:
                Py_INCREF(WOULD_BLOCK)
                return <PyObject *>WOULD_BLOCK
            return set_again()  # returned as is: no traceback frame
    # Nothing yet: wait for it (Socket._recv_wait releases the GIL).
    cdef object py_flags = flags  # (typed: Cython would infer a C long)
    cdef object py_copy = bool(copy)
    stack[0] = pyself
    stack[1] = <PyObject *>py_flags
    stack[2] = <PyObject *>py_copy
    return PyObject_Vectorcall(_recv_wait_fn, stack, 3, NULL)


cdef PyObject *_send_fast(PyObject *pyself, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) except NULL:
    cdef Socket self = <Socket>pyself
    cdef long flags = 0
    cdef int copy = 1
    cdef int rc, err
    cdef PyObject *data
    cdef Py_ssize_t n
    cdef PyObject *stack[3]
    if (nargs < 1 or self.handle == NULL or self._fork_gen != fork_generation()
            or not cyzmq_is_exact_bytes(args[0])
            or not _simple_args(args, nargs, kwnames, 1, &flags, &copy)):
        return _delegate(_send_full, pyself, args, nargs, kwnames)
    data = args[0]
    n = PyBytes_GET_SIZE(<object>data)
    if (not copy and <size_t>n >= self.copy_threshold) or n >= BIG_COPY:
        return _delegate(_send_full, pyself, args, nargs, kwnames)  # zero-copy, or a big copy
    rc = _send_now(self.handle, NULL, PyBytes_AS_STRING(<object>data), <size_t>n,
                   <int>(flags & ~NOTHROW) | ZMQ_DONTWAIT, &err)
    if rc >= 0:
        if copy:
            Py_INCREF(None)
            return <PyObject *>None
        Py_INCREF(finished_tracker)  # copy=False under copy_threshold: copied, so done
        return <PyObject *>finished_tracker
    if err != EAGAIN:
        raise zmq_error(err)
    if flags & ZMQ_DONTWAIT:
        if flags & NOTHROW:
            Py_INCREF(WOULD_BLOCK)
            return <PyObject *>WOULD_BLOCK
        return set_again()  # returned as is: no traceback frame
    if not copy:
        return _delegate(_send_full, pyself, args, nargs, kwnames)  # waits, returns the tracker
    cdef object py_flags = flags
    stack[0] = pyself
    stack[1] = data
    stack[2] = <PyObject *>py_flags
    return PyObject_Vectorcall(_send_wait_fn, stack, 3, NULL)


cdef str _body(str doc):
    """A docstring without the signature line Cython's embedsignature put first."""
    first, _, rest = doc.partition("\n")
    return rest.lstrip("\n") if first.startswith("Socket._") else doc


cdef int _install_fast_methods() except -1:
    global _recv_full, _send_full, _recv_wait_fn, _send_wait_fn
    functions = [Socket.__dict__[name] for name in ("_recv", "_send", "_recv_wait", "_send_wait")]
    for f in functions:
        Py_INCREF(f)  # held for the life of the process
    _recv_full = <PyObject *>functions[0]
    _send_full = <PyObject *>functions[1]
    _recv_wait_fn = <PyObject *>functions[2]
    _send_wait_fn = <PyObject *>functions[3]
    recv_doc = ("recv($self, /, flags=0, copy=True, track=False)\n--\n\n"
                + _body(functions[0].__doc__)).encode("utf-8")
    send_doc = ("send($self, /, data, flags=0, copy=True, track=False, routing_id=None, group=None)\n--\n\n"
                + _body(functions[1].__doc__)).encode("utf-8")
    _docs.extend([recv_doc, send_doc])
    _recv_def.ml_name = "recv"
    _recv_def.ml_meth = <void *>_recv_fast
    _recv_def.ml_flags = METH_FASTCALL | METH_KEYWORDS
    _recv_def.ml_doc = recv_doc
    _send_def.ml_name = "send"
    _send_def.ml_meth = <void *>_send_fast
    _send_def.ml_flags = METH_FASTCALL | METH_KEYWORDS
    _send_def.ml_doc = send_doc
    cyzmq_install_method(Socket, &_recv_def)
    cyzmq_install_method(Socket, &_send_def)
    return 0


_install_fast_methods()
