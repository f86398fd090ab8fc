"""The CFFI backend's Socket: options, endpoints, send/recv (copy, zero-copy, multipart),
serialization and poll.

Every send and recv goes through one decision, :meth:`Socket._io`: try the call without
waiting; on EAGAIN either return WOULD_BLOCK (event loops, ``NOTHROW_FLAG``), raise Again
(``NOBLOCK``), or wait. CFFI releases the GIL around each libzmq call, so a wait blocks
only this thread; after EINTR the pending signal handlers run (KeyboardInterrupt ends the
call) and the wait resumes for what is left of SNDTIMEO/RCVTIMEO.
"""
from __future__ import annotations

import sys
import threading
from typing import Any, Callable

from zmq.backend.cffi._ffi import (
    DONTWAIT, DRAFT_API, EAGAIN, EINTR, EINVAL, ENOTSOCK, ENOTSUP, NOTHROW, NULL, SNDMORE,
    c_int, check, ffi, fork_generation, lib, monotonic_ms, raise_forked, run_signal_handlers, timeout_ms, zmq_error,
)
from zmq import error as _error
from zmq.backend.cffi.context import Context
from zmq.backend.cffi.message import (
    _FINISHED_TRACKER, Frame, MessageTracker, c_buffer, held_by_frame, init_zero_copy,
    not_contiguous,
)

NOTHROW_FLAG = NOTHROW


class _WouldBlock:
    """The type of WOULD_BLOCK."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "zmq.backend.WOULD_BLOCK"

    def __bool__(self) -> bool:
        return False


#: Returned instead of raising Again by calls made with NOTHROW_FLAG (event loops only).
WOULD_BLOCK = _WouldBlock()

_LINGER, _SNDTIMEO, _RCVTIMEO, _TYPE, _RCVMORE, _SNDHWM, _RCVHWM = 17, 28, 27, 16, 13, 23, 24
from zmq.constants import PollEvent as _PollEvent  # noqa: E402

_POLLIN = _PollEvent.POLLIN  # (the default of poll(), shown by its signature, as the compiled one)
_HWM = 1  # the pseudo-option zmq.HWM: SNDHWM and RCVHWM together

# Option value kinds: the one option table's (buildutils/option_table.py).
from zmq.backend._optkinds import (  # noqa: E402
    BYTES as _BINARY, CURVE_KEY as _CURVE_KEY, FD as _FD, HWM as _HWM_KIND, INT as _INT, INT64 as _INT64,
    KINDS as _KINDS, STR as _TEXT, UINT64 as _UINT64,
)
_CTYPES = {_INT: ffi.typeof("int *"), _INT64: ffi.typeof("int64_t *"), _UINT64: ffi.typeof("uint64_t *"),
           _FD: ffi.typeof("int *")}
_SIZES = {_INT: 4, _INT64: 8, _UINT64: 8, _FD: 4}

_SEND, _RECV, _SEND_MSG, _RECV_MSG = range(4)


def _encode_addr(addr: Any) -> bytes:
    if isinstance(addr, str):
        b = addr.encode("utf-8")
    elif isinstance(addr, bytes):
        b = addr
    else:
        raise TypeError(f"endpoint must be str, not {type(addr).__name__!r}")
    if b"\0" in b:
        raise ValueError(f"endpoint contains a NUL character: {addr!r}")
    return b


def _call(op: int, handle: Any, msg: Any, buf: Any, n: int, flags: int) -> int:
    if op == _RECV_MSG:
        return lib.zmq_msg_recv(msg, handle, flags)
    if op == _SEND_MSG:
        return lib.zmq_msg_send(msg, handle, flags)
    if op == _SEND:
        return lib.zmq_send(handle, buf, n, flags)
    return lib.zmq_recv(handle, buf, n, flags)


class Socket:
    """A libzmq socket. Not thread-safe: use each socket from one thread at a time.

    Parameters
    ----------
    context : Context or Socket
        The context to create the socket in (or a Socket to shadow).
    socket_type : int
        ``zmq.PUSH``, ``zmq.SUB``, ...
    shadow : int, optional
        Address of an existing libzmq socket to wrap instead of creating one.
    copy_threshold : int, optional
        Zero-copy sends of fewer bytes are copied anyway (default ``zmq.COPY_THRESHOLD``).
    """

    _handle: Any = NULL
    _shadow = False
    _copy_threshold = 65536

    # A descriptor (as the compiled Socket's attribute), so that dir() lists it as an attribute.
    @property
    def context(self) -> Any:
        """The Context the socket belongs to (None for a shadow made from a bare handle)."""
        return self.__dict__.get("_context")

    @context.setter
    def context(self, value: Any) -> None:
        self.__dict__["_context"] = value

    @property
    def copy_threshold(self) -> int:
        """copy=False sends of fewer bytes than this are copied anyway (cheaper than tracking)."""
        return self._copy_threshold

    @copy_threshold.setter
    def copy_threshold(self, value: int) -> None:
        if not isinstance(value, int):
            raise TypeError(f"copy_threshold must be an int, not {type(value).__name__!r}")
        if not 0 <= value < 2 ** 64:
            raise OverflowError("copy_threshold must be a size: 0 <= copy_threshold < 2**64")
        object.__setattr__(self, "_copy_threshold", value)

    def __init__(self, context: Any = None, socket_type: int = -1, *, shadow: int = 0,
                 copy_threshold: int | None = None) -> None:
        if self._handle != NULL:
            return
        setattr_ = object.__setattr__
        setattr_(self, "_fork_gen", fork_generation[0])
        if copy_threshold is None:
            copy_threshold = getattr(sys.modules.get("zmq"), "COPY_THRESHOLD", 65536)
        Socket.copy_threshold.fset(self, copy_threshold)  # type: ignore[attr-defined]
        if isinstance(context, Socket):
            context._check_usable()
            setattr_(self, "_owner", context)
            setattr_(self, "context", context.context)
            setattr_(self, "_handle", context._handle)
            setattr_(self, "_shadow", True)
            return
        if shadow:
            setattr_(self, "_handle", ffi.cast("void *", shadow))
            setattr_(self, "_shadow", True)
            setattr_(self, "context", context)
            return
        if not isinstance(context, Context):
            raise TypeError(f"Socket needs a zmq.Context, not {type(context).__name__!r}")
        context._check_usable()
        if not isinstance(socket_type, int):
            raise TypeError(f"socket_type must be an int such as zmq.PUSH, not {type(socket_type).__name__!r}")
        handle = lib.zmq_socket(context._handle, socket_type)
        if handle == NULL:
            raise _error._plain_error(lib.zmq_errno())  # (pyzmq's shape: args ())
        setattr_(self, "_handle", handle)
        setattr_(self, "context", context)

    def __del__(self) -> None:
        if self._owns_handle:
            lib.zmq_close(self._handle)
            object.__setattr__(self, "_handle", NULL)

    def __reduce__(self) -> Any:
        raise TypeError(f"cannot pickle {type(self).__name__!r} object: a socket lives in one process")

    # -- state ----------------------------------------------------------------------------

    def _check_usable(self) -> None:
        if self.__dict__.get("_fork_gen") != fork_generation[0]:
            raise_forked()
        if self._handle == NULL:
            raise zmq_error(ENOTSOCK)

    @property
    def underlying(self) -> int:
        """The address of the libzmq ``void *`` socket (for :meth:`shadow` or C code)."""
        return int(ffi.cast("uintptr_t", self._handle))

    @property
    def closed(self) -> bool:
        """True once the socket has been closed."""
        return self._handle == NULL

    @property
    def _owns_handle(self) -> bool:
        """True if closing this object closes the libzmq socket (not a shadow, same process)."""
        return self._handle != NULL and not self._shadow and self.__dict__.get("_fork_gen") == fork_generation[0]

    def close(self, linger: int | None = None) -> None:
        """Close the socket (idempotent; a shadow socket only forgets its handle).

        Parameters
        ----------
        linger : int, optional
            Milliseconds to keep trying to deliver pending messages; default: the LINGER option.
        """
        if self._handle == NULL:
            return
        if self.__dict__.get("_fork_gen") == fork_generation[0] and not self._shadow:
            if linger is not None:
                # best effort: a terminating context refuses options (ETERM), and the socket
                # must still be closed or Context.term() never returns
                lib.zmq_setsockopt(self._handle, _LINGER, ffi.new("int *", c_int(linger, "linger")), ffi.sizeof("int"))
            lib.zmq_close(self._handle)
        object.__setattr__(self, "_handle", NULL)
        object.__setattr__(self, "_owner", None)

    # -- options --------------------------------------------------------------------------

    def set(self, option: int, optval: Any) -> None:
        """Set a socket option with a value of its natural type (int, bytes or str for text
        options); ``zmq.HWM`` sets SNDHWM and RCVHWM."""
        c_option = c_int(option, "option")
        self._check_usable()
        kind = _KINDS.get(c_option, _INT)
        if kind in (_BINARY, _TEXT, _CURVE_KEY):
            if isinstance(optval, str):
                if kind == _BINARY:
                    raise TypeError(f"option {c_option} takes bytes, not str: use set_string() to encode text")
                optval = optval.encode("utf-8")
            elif not isinstance(optval, bytes):
                if isinstance(optval, int):
                    raise TypeError(f"option {c_option} takes bytes, not {type(optval).__name__!r}")
                try:
                    optval = bytes(memoryview(optval))
                except TypeError:
                    raise TypeError(f"option {c_option} takes bytes, not {type(optval).__name__!r}") from None
            if lib.zmq_setsockopt(self._handle, c_option, optval, len(optval)) == 0:
                return
            if kind == _TEXT and not optval and lib.zmq_errno() == EINVAL:
                check(lib.zmq_setsockopt(self._handle, c_option, NULL, 0))  # reset by NULL
                return
            raise zmq_error(lib.zmq_errno())
        if not isinstance(optval, int):
            if hasattr(optval, "__index__") and not isinstance(optval, float):
                optval = optval.__index__()
            else:
                raise TypeError(f"option {c_option} takes an int, not {type(optval).__name__!r}")
        if kind == _INT64:
            if not -(2 ** 63) <= optval < 2 ** 63:
                raise OverflowError(f"value {optval} out of range for 64-bit option {c_option}")
            check(lib.zmq_setsockopt(self._handle, c_option, ffi.new("int64_t *", optval), 8))
        elif kind == _UINT64:
            if not 0 <= optval < 2 ** 64:
                raise OverflowError(f"value {optval} out of range for unsigned 64-bit option {c_option}")
            check(lib.zmq_setsockopt(self._handle, c_option, ffi.new("uint64_t *", optval), 8))
        else:
            if not -(2 ** 31) <= optval < 2 ** 31:
                raise OverflowError(f"value {optval} out of range for int option {c_option}")
            if kind == _HWM_KIND:
                _set_int(self, _SNDHWM, optval)
                _set_int(self, _RCVHWM, optval)
            else:
                _set_int(self, c_option, optval)

    def get(self, option: int) -> Any:
        """Get a socket option with its natural Python type (int, bytes; ``zmq.TYPE`` as a
        :class:`zmq.SocketType`)."""
        c_option = c_int(option, "option")
        self._check_usable()
        kind = _KINDS.get(c_option, _INT)
        if kind in _CTYPES:
            # the socket's own value and size cells (taken while in use, as _recv_bytes does)
            cells = self.__dict__.pop("_scratch_opt", None)
            if cells is None:
                cells = (ffi.new("int64_t *"), ffi.new("size_t *"))
            value, size = cells
            size[0] = _SIZES[kind]
            try:
                check(lib.zmq_getsockopt(self._handle, c_option, value, size))
                result = ffi.cast(_CTYPES[kind], value)[0]
            finally:
                self.__dict__["_scratch_opt"] = cells
            if c_option == _TYPE:
                from zmq.constants import SocketType

                return SocketType(result)
            return result
        if kind == _HWM_KIND:
            return _get_int(self, _SNDHWM)
        cap = 41 if kind == _CURVE_KEY else 1024
        while True:
            buf = ffi.new("char[]", cap)
            size = ffi.new("size_t *", cap)
            if lib.zmq_getsockopt(self._handle, c_option, buf, size) == 0:
                n = size[0]
                if kind != _BINARY and n > 0 and buf[n - 1] == b"\0":
                    n -= 1
                return ffi.unpack(buf, n)
            if lib.zmq_errno() != EINVAL or kind == _CURVE_KEY or cap > (1 << 24):
                raise zmq_error(lib.zmq_errno())
            cap *= 4  # values longer than the buffer (SOCKS_PROXY has no length limit)

    setsockopt = set
    getsockopt = get

    # -- endpoints ------------------------------------------------------------------------

    def _bind(self, addr: Any) -> None:
        _endpoint(self, lib.zmq_bind, addr, True)

    def _connect(self, addr: Any) -> None:
        _endpoint(self, lib.zmq_connect, addr, True)

    def unbind(self, addr: Any) -> None:
        """Stop listening on ``addr`` (as given to bind, or ``last_endpoint``)."""
        _endpoint(self, lib.zmq_unbind, addr, False)

    def disconnect(self, addr: Any) -> None:
        """Disconnect from ``addr`` (as given to connect)."""
        _endpoint(self, lib.zmq_disconnect, addr, False)

    def monitor(self, addr: Any, events: int = 0xFFFF) -> None:
        """Publish this socket's events on a PAIR socket bound at ``addr`` (None: stop)."""
        self._check_usable()
        c_events = c_int(events, "events")
        rc = lib.zmq_socket_monitor(self._handle, NULL if addr is None else _encode_addr(addr), c_events)
        check(rc)

    def join(self, group: Any) -> None:
        """Join a DISH group (draft API)."""
        _group(self, "zmq_join", group)

    def leave(self, group: Any) -> None:
        """Leave a DISH group (draft API)."""
        _group(self, "zmq_leave", group)

    def fileno(self) -> int:
        """The socket's ZMQ_FD: edge-triggered readiness for event loops."""
        return self.get(14)

    # -- sending --------------------------------------------------------------------------

    def send(self, data: Any, flags: int = 0, copy: bool = True, track: bool = False,
             routing_id: int | None = None, group: str | None = None) -> Any:
        """Send one message part.

        Returns
        -------
        None for a copied send; a Frame's own tracker for a Frame; with ``copy=False``, the
        (finished) tracker of data under ``copy_threshold``, or with ``track=True`` the
        tracker of the shared memory.
        """
        c_flags = c_int(flags, "flags")
        self._check_usable()
        if routing_id is not None or group is not None:
            if not DRAFT_API:  # as Frame.routing_id/group (and pyzmq) say it
                raise RuntimeError(
                    f"send({'routing_id' if routing_id is not None else 'group'}=...) needs libzmq built "
                    f"with the draft API ({'CLIENT-SERVER' if routing_id is not None else 'RADIO-DISH'} sockets)")
            frame = data if isinstance(data, Frame) else Frame(data, track=track, copy=copy)
            if routing_id is not None:
                frame.routing_id = routing_id
            if group is not None:
                frame.group = group
            data = frame
        tracker = None
        if track:
            _check_tracked(data)
            tracker = MessageTracker()
        return _send_part(self, data, c_flags, copy, tracker)

    _send = send

    def send_multipart(self, msg_parts: Any, flags: int = 0, copy: bool = True, track: bool = False,
                       **kwargs: Any) -> Any:
        """Send a multipart message: every part but the last carries SNDMORE. Every part is
        checked before the first is sent, so a bad part never leaves half a message queued."""
        c_flags = c_int(flags, "flags")
        self._check_usable()
        if isinstance(msg_parts, (bytes, str, Frame, bytearray, memoryview)):
            raise TypeError("send_multipart takes a sequence of parts, not a single message: use send()")
        parts = list(msg_parts)
        if not parts:
            raise IndexError("a multipart message needs at least one part")
        for i, part in enumerate(parts):
            if type(part) is bytes:
                continue
            if isinstance(part, Frame):
                if track:
                    _check_tracked(part)
                continue
            if isinstance(part, str):
                raise TypeError(f"part {i} is a str: encode it (or use send_string for single parts)")
            try:
                view = memoryview(part)
            except TypeError:
                raise TypeError(f"part {i} must be bytes-like (bytes, bytearray, memoryview, Frame), "
                                f"not {type(part).__name__!r}") from None
            if not view.contiguous:
                err = not_contiguous(part)
                raise err if copy else BufferError(str(err))
        tracker = MessageTracker() if track else None
        c_flags &= ~SNDMORE
        last = len(parts) - 1
        # only the first part can block: once it is queued libzmq takes the whole message
        result = _send_part(self, parts[0], c_flags | (SNDMORE if last else 0), copy, tracker)
        if result is WOULD_BLOCK:
            return WOULD_BLOCK
        c_flags &= ~NOTHROW
        for i in range(1, last + 1):
            result = _send_part(self, parts[i], c_flags | (SNDMORE if i < last else 0), copy, tracker)
        return result

    # -- receiving ------------------------------------------------------------------------

    def recv(self, flags: int = 0, copy: bool = True, track: bool = False) -> Any:
        """Receive one message part: bytes, or a :class:`Frame` with ``copy=False``."""
        c_flags = c_int(flags, "flags")
        self._check_usable()
        if not copy:
            frame = _recv_frame(self, c_flags)
            if track and frame is not WOULD_BLOCK:
                frame.tracker = _FINISHED_TRACKER  # received memory is nobody's to track
            return frame
        received = _recv_bytes(self, c_flags)
        return received if received is WOULD_BLOCK else received[0]

    _recv = recv

    def recv_into(self, buffer: Any, /, *, nbytes: int = 0, flags: int = 0) -> int:
        """Receive one part straight into a writable buffer; returns the message size (the
        message is truncated to the space given when bigger).

        Raises BufferError for a read-only or non-contiguous buffer, TypeError for an object
        that is no buffer at all."""
        c_nbytes = c_int(nbytes, "nbytes")
        c_flags = c_int(flags, "flags")
        self._check_usable()
        try:
            view = buffer._writable_view() if isinstance(buffer, Frame) else memoryview(buffer)
        except TypeError:
            raise TypeError(f"recv_into needs a writable bytes-like object, not {type(buffer).__name__!r}") from None
        if view.readonly:
            raise BufferError("recv_into needs a writable buffer: this one is read-only")
        if not view.contiguous:
            raise BufferError("recv_into needs a contiguous buffer")
        if c_nbytes < 0:
            raise ValueError(f"nbytes must be >= 0, not {c_nbytes}")
        if c_nbytes == 0:
            c_nbytes = view.nbytes
        elif c_nbytes > view.nbytes:
            raise ValueError(f"nbytes={c_nbytes} is larger than the buffer ({view.nbytes} bytes)")
        buf = c_buffer(buffer, view)
        if buf is None:
            raise BufferError(f"recv_into cannot write into a {type(buffer).__name__} in this memory order")
        # (recv_into always raises Again: NOTHROW_FLAG is for the calls event loops make)
        try:
            return _io(self, _RECV, None, buf, c_nbytes, c_flags & ~NOTHROW)
        finally:
            # buf holds a buffer exported by view: let go of it now, or an exception kept in
            # a reference cycle (its traceback holds this frame) makes the collector clear view
            # while exported, and CPython 3.11 crashes when buf then releases it
            ffi.release(buf)

    def recv_multipart(self, flags: int = 0, copy: bool = True, track: bool = False) -> Any:
        """Receive every part of the next message: a list of bytes (or of Frames)."""
        c_flags = c_int(flags, "flags")
        self._check_usable()
        parts = []
        while True:
            if copy:
                received = _recv_bytes(self, c_flags)
                if received is WOULD_BLOCK:
                    return WOULD_BLOCK
                part, more = received
            else:
                part = _recv_frame(self, c_flags)
                if part is WOULD_BLOCK:
                    return WOULD_BLOCK
                if track:
                    part.tracker = _FINISHED_TRACKER
                more = part.more
            parts.append(part)
            if not more:
                return parts
            c_flags = (c_flags | DONTWAIT) & ~NOTHROW

    # -- serialization ---------------------------------------------------------------------
    # As the compiled core's: defined once, on self.send/self.send_multipart and
    # self.recv/self.recv_multipart, and every receive ends in self._deserialize(received,
    # load), which an async subclass overrides to chain its Future.

    def _deserialize(self, received: Any, load: Callable[[Any], Any]) -> Any:
        """The hook every recv_* serializer ends with: ``load(received)``.

        Parameters
        ----------
        received : object
            What :meth:`recv` (or :meth:`recv_multipart`) returned.
        load : callable
            Turns it into the result (``pickle.loads``, a JSON decoder, ``deserialize``).
        """
        return load(received)

    def send_string(self, u: str, flags: int = 0, copy: bool = True, encoding: str = "utf-8", **kwargs: Any) -> Any:
        """Send a str as one message part (encoded with ``encoding``)."""
        c_int(flags, "flags")
        if not isinstance(u, str):
            raise TypeError(f"send_string takes a str, not {type(u).__name__!r}")
        return self.send(u.encode(encoding), flags, copy, **kwargs)

    def recv_string(self, flags: int = 0, encoding: str = "utf-8") -> Any:
        """Receive one part as a str."""
        c_int(flags, "flags")
        received = self.recv(flags)
        return received if received is WOULD_BLOCK else self._deserialize(received, _decoder(encoding))

    send_unicode = send_string
    recv_unicode = recv_string

    def send_json(self, obj: Any, flags: int = 0, **kwargs: Any) -> Any:
        """Send ``obj`` serialized as JSON (UTF-8); ``routing_id``/``group`` go to send."""
        c_int(flags, "flags")
        send_kwargs = {k: kwargs.pop(k) for k in ("routing_id", "group") if k in kwargs}
        return self.send(_json_dumps(obj, kwargs).encode("utf-8"), flags, **send_kwargs)

    def recv_json(self, flags: int = 0, **kwargs: Any) -> Any:
        """Receive one part and decode it from JSON."""
        c_int(flags, "flags")
        received = self.recv(flags)
        return received if received is WOULD_BLOCK else self._deserialize(received, _json_loader(kwargs))

    def send_pyobj(self, obj: Any, flags: int = 0, protocol: int | None = None, **kwargs: Any) -> Any:
        """Send ``obj`` pickled."""
        c_int(flags, "flags")
        pickle = _pickle()
        return self.send(pickle.dumps(obj, pickle.DEFAULT_PROTOCOL if protocol is None else protocol), flags, **kwargs)

    def recv_pyobj(self, flags: int = 0) -> Any:
        """Receive one part and unpickle it.

        .. warning:: Unpickling runs code chosen by the sender. Only use this with peers you
           trust completely; otherwise use :meth:`recv_json` or :meth:`recv_serialized`.
        """
        c_int(flags, "flags")
        received = self.recv(flags)
        return received if received is WOULD_BLOCK else self._deserialize(received, _pickle().loads)

    def send_serialized(self, msg: Any, serialize: Callable[[Any], Any], flags: int = 0, copy: bool = True,
                        **kwargs: Any) -> Any:
        """Send ``serialize(msg)`` as one multipart message."""
        c_int(flags, "flags")
        return self.send_multipart(serialize(msg), flags, copy, **kwargs)

    def recv_serialized(self, deserialize: Callable[[list[Any]], Any], flags: int = 0, copy: bool = True) -> Any:
        """Receive a multipart message and return ``deserialize(parts)``."""
        c_int(flags, "flags")
        parts = self.recv_multipart(flags, copy)
        return parts if parts is WOULD_BLOCK else self._deserialize(parts, deserialize)

    # -- polling --------------------------------------------------------------------------

    def poll(self, timeout: int | None = None, flags: int = _POLLIN) -> int:
        """Wait until the socket is readable (POLLIN) or writable (POLLOUT); the events ready
        (0 on timeout). ``timeout`` in ms; None or negative waits forever."""
        c_flags = c_int(flags, "flags")
        self._check_usable()
        from zmq.backend.cffi.utils import poll_items

        item = ffi.new("zmq_pollitem_t *")
        item.socket = self._handle
        item.events = c_flags
        poll_items(item, 1, timeout_ms(timeout), lambda: self._handle != item.socket)
        return item.revents


def _pickle() -> Any:
    """The pickle module, imported on first use (not at ``import zmq``)."""
    return sys.modules.get("pickle") or __import__("pickle")


def _json_dumps(obj: Any, kwargs: dict[str, Any]) -> str:
    import json

    return json.dumps(obj, **kwargs)  # (on PyPy json.dumps/loads are faster than own codecs)


def _json_loader(kwargs: dict[str, Any]) -> Callable[[Any], Any]:
    """The ``load`` recv_json hands to _deserialize: UTF-8 text to JSON, as the core's."""
    import json

    loads = json.loads
    if kwargs:
        return lambda data: loads(data.decode("utf-8") if isinstance(data, bytes) else data, **kwargs)
    return lambda data: loads(data.decode("utf-8") if isinstance(data, bytes) else data)


def _decoder(encoding: str) -> Callable[[bytes], str]:
    return lambda data: data.decode(encoding)


# -- the helpers of the methods above (module-level, so that no subclass can shadow them) --


def _get_int(sock: Socket, option: int) -> int:
    cells = sock.__dict__.pop("_scratch_opt", None)
    if cells is None:
        cells = (ffi.new("int64_t *"), ffi.new("size_t *"))
    value, size = cells
    size[0] = 4
    try:
        check(lib.zmq_getsockopt(sock._handle, option, value, size))
        return ffi.cast(_INT_P, value)[0]
    finally:
        sock.__dict__["_scratch_opt"] = cells


def _set_int(sock: Socket, option: int, value: int) -> None:
    cells = sock.__dict__.pop("_scratch_opt", None)
    if cells is None:
        cells = (ffi.new("int64_t *"), ffi.new("size_t *"))
    cell = ffi.cast(_INT_P, cells[0])
    cell[0] = value
    try:
        check(lib.zmq_setsockopt(sock._handle, option, cell, 4))
    finally:
        sock.__dict__["_scratch_opt"] = cells


_INT_P = ffi.typeof("int *")


def _endpoint(sock: Socket, fn: Callable[[Any, bytes], int], addr: Any, naming: bool) -> None:
    """bind, connect, unbind or disconnect (``fn``) ``addr``; a failure of a bind or connect
    (``naming``) says which address (zmq.error._endpoint_error: the shapes of pyzmq's errors)."""
    baddr = _encode_addr(addr)
    try:
        sock._check_usable()
    except _error.ZMQError as e:
        if naming:
            _error._name_address(e, addr)
        raise
    if fn(sock._handle, baddr) < 0:
        raise _error._endpoint_error(naming, lib.zmq_errno(), addr)


def _group(sock: Socket, name: str, group: Any) -> None:
    if not DRAFT_API:  # (as the compiled core and pyzmq)
        raise RuntimeError("libzmq and cyzmq must be built with draft support")
    sock._check_usable()
    check(getattr(lib, name)(sock._handle, group.encode("utf-8") if isinstance(group, str) else group))


def _io(sock: Socket, op: int, msg: Any, buf: Any, n: int, flags: int) -> Any:
    """The one decision of every send and recv: a blocking call waits in libzmq (the GIL
    released); one with DONTWAIT tries, and on EAGAIN returns WOULD_BLOCK (NOTHROW) or
    raises Again."""
    if not flags & DONTWAIT:
        return _wait(sock, op, msg, buf, n, flags & ~NOTHROW)
    handle = sock._handle
    rc = _call(op, handle, msg, buf, n, (flags & ~NOTHROW) | DONTWAIT)
    if rc >= 0:
        return rc
    err = lib.zmq_errno()
    if err != EAGAIN:
        raise zmq_error(err)
    if flags & NOTHROW:
        return WOULD_BLOCK
    raise zmq_error(EAGAIN)


def _wait(sock: Socket, op: int, msg: Any, buf: Any, n: int, flags: int) -> int:
    """Block until the call completes; after EINTR, resume for what is left of the timeout."""
    timeout_opt = _SNDTIMEO if op in (_SEND, _SEND_MSG) else _RCVTIMEO
    timeout: int | None = None  # read only after the wait was interrupted
    start = monotonic_ms()
    handle = sock._handle
    changed = False
    try:
        while True:
            rc = _call(op, handle, msg, buf, n, flags)  # the GIL is released meanwhile
            if rc >= 0:
                return rc
            err = lib.zmq_errno()
            run_signal_handlers()  # one that raises (Ctrl-C) ends the call
            if sock._handle != handle:
                raise zmq_error(ENOTSOCK)  # a signal handler closed the socket
            if err not in (EINTR, EAGAIN):
                raise zmq_error(err)
            if timeout is None:
                timeout = _get_int(sock, timeout_opt)
            left = start + timeout - monotonic_ms() if timeout >= 0 else 1
            # Signal handlers run as soon as the call returns, before errno is read, and
            # the libzmq calls they make overwrite it: an EINTR can read as EAGAIN. A wait
            # whose timeout has not expired was interrupted.
            if left <= 0:
                raise zmq_error(EAGAIN)
            if timeout >= 0:
                _set_int(sock, timeout_opt, left)
                changed = True
    finally:
        if changed and sock._handle == handle and timeout is not None:
            _set_int(sock, timeout_opt, timeout)


def _send_part(sock: Socket, data: Any, flags: int, copy: bool, tracker: MessageTracker | None) -> Any:
    """Send one part and return what ``send`` returns for it (or WOULD_BLOCK).

    A Frame: its tracker. Copied data: None with ``copy=True``; the finished tracker when
    ``copy=False`` but the data was under ``copy_threshold``. Shared data: ``tracker``
    (which it joins) when tracking, else None.
    """
    if isinstance(data, Frame):
        msg = ffi.new("zmq_msg_t *")
        if lib.zmq_msg_init(msg) < 0 or lib.zmq_msg_copy(msg, data._zmq_msg) < 0:
            raise zmq_error(lib.zmq_errno())
        if _send_msg(sock, msg, flags) is WOULD_BLOCK:
            return WOULD_BLOCK
        if tracker is not None and data.tracker is not None:
            tracker.peers.add(data.tracker)
        return data.tracker
    if type(data) is bytes:
        n = len(data)
        buf: Any = data
    else:
        if isinstance(data, str):
            raise TypeError("str objects cannot be sent as bytes: use send_string() or encode it first")
        try:
            view = memoryview(data)
        except TypeError:
            raise TypeError(f"a bytes-like object (bytes, bytearray, memoryview, array, Frame) is required, "
                            f"not {type(data).__name__!r}") from None
        if not view.contiguous:
            err = not_contiguous(data)
            raise err if copy else BufferError(str(err))
        n = view.nbytes
        buf = c_buffer(data, view)
        if buf is None:  # Fortran order, not NumPy's: cffi shares C-contiguous memory only
            data = view.tobytes(order="A")
            buf = ffi.from_buffer(data)
    if copy or n < sock._copy_threshold:
        try:
            if _io(sock, _SEND, None, buf, n, flags) is WOULD_BLOCK:
                return WOULD_BLOCK
        finally:
            if buf is not data:  # (a buffer exported by view: see recv_into)
                ffi.release(buf)
        return None if copy else _FINISHED_TRACKER
    event = threading.Event() if tracker is not None else None
    msg = ffi.new("zmq_msg_t *")
    init_zero_copy(msg, data, event)
    if _send_msg(sock, msg, flags) is WOULD_BLOCK:
        return WOULD_BLOCK
    if tracker is not None and event is not None:
        tracker.events.add(event)
    return tracker


def _check_tracked(part: Any) -> None:
    """``track=True`` with a Frame built without tracking is an error (before anything is sent)."""
    if isinstance(part, Frame) and part.tracker is None:
        raise ValueError("Not a tracked message: this Frame was created without track=True")


def _send_msg(sock: Socket, msg: Any, flags: int) -> Any:
    """Send ``msg`` (libzmq owns it once sent); on failure close it."""
    try:
        result = _io(sock, _SEND_MSG, msg, None, 0, flags)
    except BaseException:
        lib.zmq_msg_close(msg)
        raise
    if result is WOULD_BLOCK:
        lib.zmq_msg_close(msg)
    return result


def _recv_bytes(sock: Socket, flags: int) -> Any:
    """Receive one part as (bytes, more), or WOULD_BLOCK. The message is closed at once, so
    a zero-copy sender's buffer is released without waiting for a garbage collection
    (PyPy has no reference counting)."""
    # The socket's own zmq_msg_t, taken while in use (a signal handler's nested recv makes
    # its own): ffi.new per call costs more than the libzmq call on PyPy.
    msg = sock.__dict__.pop("_scratch_msg", None)
    if msg is None:
        msg = ffi.new("zmq_msg_t *")
    lib.zmq_msg_init(msg)
    try:
        if _io(sock, _RECV_MSG, msg, None, 0, flags) is WOULD_BLOCK:
            return WOULD_BLOCK
        data = ffi.unpack(ffi.cast("char *", lib.zmq_msg_data(msg)), lib.zmq_msg_size(msg))
        return data, bool(lib.zmq_msg_more(msg))
    finally:
        lib.zmq_msg_close(msg)
        sock.__dict__["_scratch_msg"] = msg


def _recv_frame(sock: Socket, flags: int) -> Any:
    frame = Frame()
    if _io(sock, _RECV_MSG, frame._zmq_msg, None, 0, flags) is WOULD_BLOCK:
        return WOULD_BLOCK
    frame._more = bool(lib.zmq_msg_more(frame._zmq_msg))
    held_by_frame(frame._zmq_msg)
    return frame


# -- the thread-misuse guard (issue 15; the compiled core has its own) ----------------------
# libzmq sockets are not thread-safe: a call entered while another thread is inside one on
# the same socket raises ConcurrentUseError before touching libzmq. The same thread may
# nest calls (the serializers call send/recv). The owner is one entry of the instance dict,
# taken with dict.setdefault (atomic): a lock's acquire and release cost five times as much
# on PyPy.

_NO_CLOSE = object()


def _guarded(method: Callable[..., Any]) -> Callable[..., Any]:
    get_ident = threading.get_ident

    def call(self: Socket, *args: Any, **kwargs: Any) -> Any:
        d = self.__dict__
        mine = (get_ident(),)
        owner = d.setdefault("_guard_owner", mine)
        if owner is not mine:
            if owner[0] == mine[0]:
                return method(self, *args, **kwargs)
            from zmq.error import ConcurrentUseError

            raise ConcurrentUseError()
        try:
            return method(self, *args, **kwargs)
        finally:
            del d["_guard_owner"]
            if "_close_linger" in d:
                _deferred_close(self)

    call.__name__ = method.__name__
    call.__qualname__ = method.__qualname__
    call.__doc__ = method.__doc__
    call.__wrapped__ = method  # type: ignore[attr-defined]
    return call


def enter_all(sockets: list[Socket]) -> list[Socket]:
    """Take the guard of every socket for one call on all of them (zmq_poll): raises
    ConcurrentUseError, having taken none, if another thread is inside a call on one of them.
    Returns the sockets taken (not those this thread is inside already), for
    :func:`leave_all`."""
    mine = (threading.get_ident(),)
    taken: list[Socket] = []
    try:
        for sock in sockets:
            owner = sock.__dict__.setdefault("_guard_owner", mine)
            if owner is mine:
                if not any(t is sock for t in taken):  # (a socket listed twice)
                    taken.append(sock)
            elif owner[0] != mine[0]:
                from zmq.error import ConcurrentUseError

                raise ConcurrentUseError()
    except BaseException:
        leave_all(taken)
        raise
    return taken


def leave_all(taken: list[Socket]) -> None:
    """Release what :func:`enter_all` took (and do the closes deferred meanwhile)."""
    for sock in taken:
        d = sock.__dict__
        del d["_guard_owner"]
        if "_close_linger" in d:
            _deferred_close(sock)


def _deferred_close(sock: Socket) -> None:
    """Perform a close deferred by _close_when_idle, if no other thread is inside a call."""
    d = sock.__dict__
    mine = (threading.get_ident(),)
    if d.setdefault("_guard_owner", mine) is mine:
        try:
            linger = d.pop("_close_linger", _NO_CLOSE)
            if linger is not _NO_CLOSE:
                _unguarded_close(sock, linger)
        finally:
            del d["_guard_owner"]


for _name in ("close", "set", "get", "setsockopt", "getsockopt", "_bind", "_connect", "unbind", "disconnect",
              "monitor", "join", "leave", "send", "_send", "send_multipart", "recv", "_recv", "recv_into",
              "recv_multipart", "send_string", "recv_string", "send_unicode", "recv_unicode", "send_json",
              "recv_json", "send_pyobj", "recv_pyobj", "send_serialized", "recv_serialized", "poll"):
    setattr(Socket, _name, _guarded(Socket.__dict__[_name]))
del _name
_unguarded_close = Socket.close.__wrapped__  # type: ignore[attr-defined]


def _defer_close(self: Socket, linger: int | None = None) -> bool:
    """If another thread is inside a call on this socket, close it when that call returns
    instead of now, and return True; otherwise do nothing and return False (as the compiled
    core's: Context.destroy() from another thread, whose term() wakes the call)."""
    d = self.__dict__
    if self._handle != NULL and d.get("_fork_gen") == fork_generation[0]:
        owner = d.get("_guard_owner")
        if owner is not None and owner[0] != threading.get_ident():
            d["_close_linger"] = linger
            _deferred_close(self)  # (the call may have returned meanwhile: closed now)
            return True
    return False


Socket._defer_close = _defer_close  # type: ignore[attr-defined]
