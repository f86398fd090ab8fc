# cython: language_level=3
"""The compiled Socket: its Python surface. Each concern lives in its own included file:

- ``socket_io.pxi``: the I/O decision every send and recv makes (try without waiting; then
  WOULD_BLOCK, Again or a GIL-free wait);
- ``socket_messages.pxi``: message shapes over that decision (bytes, buffers, Frames,
  zero-copy and tracking, multipart, recv_into);
- ``socket_options.pxi``: get/set conversions by option kind (kinds from ``optkind.pxd``);
- ``socket_endpoints.pxi``: bind/connect/unbind/disconnect, monitor, draft groups;
- ``socket_serial.pxi``: codecs and text helpers of the string/JSON/pickle methods;
- ``socket_poll.pxi``: Socket.poll;
- ``socket_fastcall.pxi``: the METH_FASTCALL send/recv entries.
"""

cimport cython
from cpython.buffer cimport (
    PyObject_GetBuffer, PyBuffer_Release, PyBuffer_IsContiguous, PyBUF_ANY_CONTIGUOUS, PyBUF_WRITABLE, PyBUF_STRIDES,
)
from cpython.bytes cimport PyBytes_FromStringAndSize, PyBytes_AS_STRING, PyBytes_GET_SIZE
from libc.stdint cimport int64_t, uint64_t, uintptr_t, uint32_t
from libc.string cimport memcpy
from posix.time cimport clock_gettime, timespec, CLOCK_MONOTONIC

from zmq.backend.cython.libzmq cimport *
from zmq.backend.cython._selfcheck cimport check_self
from zmq.backend.cython._check cimport (
    PyErr_CheckSignals, check_rc, c_int_arg, raise_zmq_error, zmq_error, raise_forked, fork_generation,
    monotonic_ms, timeout_ms, poll_wait, new_again, cyzmq_small_int,
)
from zmq.backend.cython.context cimport Context
from zmq.backend.cython.optkind cimport *
from zmq.backend.cython.message cimport (
    BIG_MESSAGE, Frame, MessageTracker, init_zero_copy, new_tracker, new_frame, finished_tracker,
)

cdef extern from "Python.h":
    bint PyObject_CheckBuffer(object obj)
    const char *PyUnicode_AsUTF8AndSize(object s, Py_ssize_t *size) except NULL
    object PyUnicode_DecodeUTF8(const char *s, Py_ssize_t size, const char *errors)
    object PyUnicode_Decode(const char *s, Py_ssize_t size, const char *encoding, const char *errors)

import functools
import sys

from zmq.constants import POLLIN as _POLLIN  # poll()'s default, shown by inspect.signature
from zmq.error import _plain_error  # (a failed zmq_socket: pyzmq's shape, args ())

include "socket_io.pxi"
include "socket_messages.pxi"
include "socket_options.pxi"
include "socket_endpoints.pxi"
include "socket_serial.pxi"
include "socket_poll.pxi"


cdef int _close_now(Socket self, int linger) noexcept:
    """Close the libzmq socket (with ``linger`` ms unless -2) and forget it."""
    if self.handle == NULL:
        return 0
    if linger != -2 and not self._shadow:
        # Best effort: once the context is terminating libzmq refuses options (ETERM),
        # and the socket must still be closed or Context.term() never returns.
        zmq_setsockopt(self.handle, ZMQ_LINGER, &linger, sizeof(int))
    if not self._shadow:
        zmq_close(self.handle)
    self.handle = NULL
    self._owner = None
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
        self.copy_threshold = BIG_MESSAGE

    def __init__(self, context=None, socket_type=-1, *, shadow=0, copy_threshold=None):
        if self.handle != NULL:
            return
        cdef Context ctx
        zmq_mod = sys.modules.get("zmq")
        if copy_threshold is None:
            copy_threshold = getattr(zmq_mod, "COPY_THRESHOLD", BIG_MESSAGE)
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
            raise _plain_error(zmq_errno())
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

        Raises
        ------
        ConcurrentUseError
            Another thread is inside a call on this socket (closing it under that call
            would corrupt libzmq's state); :meth:`Context.destroy` defers the close instead.
        """
        if self.handle == NULL:
            return
        if self._fork_gen != fork_generation():
            self.handle = NULL  # the parent's socket: never touch it from the child
            return
        cdef int ival = -2 if linger is None else linger
        self._check_usable()
        _close_now(self, ival)

    def _defer_close(self, linger=None):
        """If another thread is inside a call on this socket, close it when that call
        returns instead of now, and return True; otherwise do nothing and return False.

        For Context.destroy() from another thread: its term() then wakes the call with
        ContextTerminated (as in pyzmq) and the socket is closed on the way out.
        """
        if (CYZMQ_THREAD_GUARD and self.handle != NULL and self._busy != 0
                and self._busy != cyzmq_caller() and self._fork_gen == fork_generation()):
            self._close_pending = True
            self._close_linger = -2 if linger is None else linger
            return True
        return False

    cdef void _leave(self, uintptr_t prev) noexcept:
        """End what :meth:`_enter` marked; the outermost call performs a deferred close."""
        self._busy = prev
        if prev == 0 and self._close_pending:
            self._close_pending = False
            _close_now(self, self._close_linger)

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
        _set_option(self, c_int_arg(option, "option"), optval)

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
        return _get_option(self, c_int_arg(option, "option"))

    setsockopt = set
    getsockopt = get

    # -- endpoints (socket_endpoints.pxi) -------------------------------------------------

    def _bind(self, addr):
        _endpoint_call(self, EP_BIND, addr)

    def _connect(self, addr):
        _endpoint_call(self, EP_CONNECT, addr)

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
        _endpoint_call(self, EP_UNBIND, addr)

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
        _endpoint_call(self, EP_DISCONNECT, addr)

    def monitor(self, addr, int events=0xFFFF):
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
        _monitor(self, addr, events)

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
        _group_call(self, True, group)

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
        _group_call(self, False, group)

    def fileno(self) -> int:
        """The edge-triggered file descriptor that signals ZMQ events (the FD option)."""
        return self.get(ZMQ_FD)

    # -- the send/recv core (socket_io.pxi, socket_messages.pxi) ----------------------------

    cdef int _send_buf(self, const void *buf, size_t n, int flags) except -1:
        """Send a copy of ``buf``: 0 when sent, 1 when it would block under NOTHROW."""
        return _io_send_buf(self, buf, n, flags)

    cdef int _send_msg(self, zmq_msg_t *msg, int flags) except -1:
        """Send ``msg`` (libzmq owns it on success); on failure close it and raise (or
        return 1 when it would block under NOTHROW)."""
        return _io_send_msg(self, msg, flags)

    cdef int _recv_msg(self, zmq_msg_t *msg, int flags) except -1:
        """Receive into an initialised ``msg`` (the caller closes it in every case): 0, or 1
        when nothing is waiting under NOTHROW."""
        return _io_recv_msg(self, msg, flags)

    def send(self, object data, flags=0, bint copy=True, bint track=False, routing_id=None, group=None):
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
        self._check_usable()
        return _send_impl(self, data, c_flags, copy, track, routing_id, group)

    def recv(self, flags=0, bint copy=True, bint track=False):
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
        self._check_usable()
        return _recv_impl(self, c_flags, copy, track)

    cdef object _send(self, object data, int flags, bint copy, bint track):
        self._check_usable()
        return _send_impl(self, data, flags, copy, track, None, None)

    cdef object _recv(self, int flags, bint copy, bint track):
        self._check_usable()
        return _recv_impl(self, flags, copy, track)

    cdef object _recv_multipart(self, int flags, bint copy, bint track):
        return _recv_multipart_impl(self, flags, copy, track)

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
        return _recv_into_impl(self, buffer, c_nbytes, c_int_arg(flags, "flags"))

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
        return _send_multipart_impl(self, msg_parts, c_int_arg(flags, "flags"), copy, track)

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
        return _recv_multipart_impl(self, c_int_arg(flags, "flags"), copy, track)

    # -- serialization (helpers in socket_serial.pxi) ----------------------------------------
    # Defined once for every subclass: they call self.send/self.send_multipart and
    # self.recv/self.recv_multipart (C calls, or straight from message memory, when those are
    # the core's own), and a receive passes what recv returned through self._deserialize, which
    # an async subclass overrides to chain its Future.

    cpdef object _deserialize(self, object received, object load):
        """The hook every recv_* serializer ends with: ``load(received)``.

        Parameters
        ----------
        received : object
            What :meth:`recv` (or :meth:`recv_multipart`) returned.
        load : callable
            Turns it into the result (``pickle.loads``, a JSON decoder, ``deserialize``).
        """
        return load(received)

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
        if copy and not kwargs and (encoding == "utf-8" or encoding == "utf8") and _own(self, _CORE_SEND):
            self._check_usable()
            return WOULD_BLOCK if _send_text(self, u, c_flags) else None
        data = (<str>u).encode(encoding)
        if not kwargs and _own(self, _CORE_SEND):
            return self._send(data, c_flags, copy, False)
        return self.send(data, flags, copy, **kwargs)

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
        if _own(self, _CORE_RECV) and _own(self, _CORE_DESERIALIZE):
            self._check_usable()
            return _recv_text(self, c_flags, encoding)
        received = self._recv(c_flags, True, False) if _own(self, _CORE_RECV) else self.recv(flags)
        return received if received is WOULD_BLOCK else self._deserialize(received, _decoder(encoding))

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
        if not kwargs and _own(self, _CORE_SEND):
            self._check_usable()
            return WOULD_BLOCK if _send_text(self, _json_dumps(obj, None), c_flags) else None
        send_kwargs = {k: kwargs.pop(k) for k in ("routing_id", "group") if k in kwargs}
        data = (<str>_json_dumps(obj, kwargs)).encode("utf-8")
        if not send_kwargs and _own(self, _CORE_SEND):
            return self._send(data, c_flags, True, False)
        return self.send(data, flags, **send_kwargs)

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
        if _own(self, _CORE_RECV) and _own(self, _CORE_DESERIALIZE):
            self._check_usable()
            text = _recv_text(self, c_flags, None)
            return text if text is WOULD_BLOCK else _json_loads(text, kwargs)
        received = self._recv(c_flags, True, False) if _own(self, _CORE_RECV) else self.recv(flags)
        return received if received is WOULD_BLOCK else self._deserialize(received, _json_loader(kwargs))

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
        _pickle_module()
        data = _pickle_dumps(obj, _pickle_protocol if protocol is None else protocol)
        if not kwargs and _own(self, _CORE_SEND):
            return self._send(data, c_flags, True, False)
        return self.send(data, flags, **kwargs)

    def recv_pyobj(self, flags=0):
        """Receive one part and unpickle it.

        .. warning:: Unpickling runs code chosen by the sender. Only use this with peers you
           trust completely; otherwise use :meth:`recv_json` or :meth:`recv_serialized`.
        """
        cdef int c_flags = c_int_arg(flags, "flags")
        _pickle_module()
        received = self._recv(c_flags, True, False) if _own(self, _CORE_RECV) else self.recv(flags)
        if received is WOULD_BLOCK:
            return received
        if _own(self, _CORE_DESERIALIZE):
            return _pickle_loads(received)  # (what the core's _deserialize does)
        return self._deserialize(received, _pickle_loads)

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
        c_int_arg(flags, "flags")
        return self.send_multipart(serialize(msg), flags, copy, **kwargs)

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
        parts = self._recv_multipart(c_flags, copy, False) if _own(self, _CORE_RECV_MULTIPART) \
            else self.recv_multipart(flags, copy)
        return parts if parts is WOULD_BLOCK else self._deserialize(parts, deserialize)

    # -- polling (socket_poll.pxi) --------------------------------------------------------

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
        return _poll_impl(self, timeout, c_int_arg(flags, "flags"))


_note_core_methods()
check_self(Socket)  # (before the fast entries, which replace the check of send/recv with their own)

include "socket_fastcall.pxi"
