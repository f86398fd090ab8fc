"""The CFFI backend's Frame and MessageTracker, and zero-copy sends.

Zero-copy: the buffer object stays referenced until libzmq calls the message's free
function, which runs without the GIL (a libc call writing to a pipe; see ``_release``); a
helper thread then lets go of it and finishes the trackers.

A Frame exports the buffer protocol (``memoryview(frame)``, ``np.frombuffer(frame)``) through
its base class, ``_buffer.BufferExporter``, on every interpreter.
"""
from __future__ import annotations

import builtins
import sys
import threading
import weakref
from typing import Any

from zmq.backend.cffi import _release
from zmq.backend.cffi._buffer import MECHANISM as _BUFFER_MECHANISM
from zmq.backend.cffi._buffer import BufferExporter
from zmq.backend.cffi._ffi import DRAFT_API, ENOTSUP, NULL, c_int, check, ffi, lib, zmq_error
from zmq.error import NotDone

COPY_THRESHOLD_DEFAULT = 65536

#: Types whose memory moves when they are resized, and which cannot refuse a resize while
#: libzmq reads them (PyPy has no buffer export count): shared as a copy there.
_RESIZABLE_UNLOCKED: tuple[type, ...] = ()
if sys.implementation.name == "pypy":
    import array

    _RESIZABLE_UNLOCKED = (bytearray, array.array)


if sys.implementation.name == "pypy":
    from __pypy__ import add_memory_pressure as _add_memory_pressure  # type: ignore[import-not-found]
else:
    _add_memory_pressure = None

#: Contents up to this size live inside the zmq_msg_t itself (libzmq's "very small messages").
_INLINE_MAX = 33


def held_by_frame(msg: Any) -> None:
    """Tell PyPy's collector that a Frame now holds the content of ``msg`` (a zmq_msg_t *),
    freed only when the Frame is collected: else received 64 KiB frames pile up unseen until
    the next major collection (1 GB of RSS over 20,000 of them, and half the rate of
    copying). Not for content inside the zmq_msg_t, nor for a buffer this process lent to
    libzmq (a zero-copy send over inproc): that memory is the collector's own already."""
    if _add_memory_pressure is None:
        return
    nbytes = lib.zmq_msg_size(msg)
    if nbytes > _INLINE_MAX and not _release.is_lent(lib.zmq_msg_data(msg)):
        _add_memory_pressure(nbytes)


def _drain_released_buffers() -> None:
    """Let go of the buffers libzmq has released (a helper thread does it too, soon)."""
    _release.drain()


def not_contiguous(data: Any) -> Exception:
    """The error the exporter of ``data`` gives when asked for contiguous memory, as the
    compiled backend reports it (NumPy: ValueError; memoryview: BufferError)."""
    if isinstance(data, memoryview):
        return BufferError("memoryview: underlying buffer is not contiguous")
    return ValueError(f"{type(data).__name__} is not contiguous")


def c_buffer(data: Any, view: memoryview) -> Any:
    """A cffi ``char[]`` over the memory of ``data`` (whose memoryview is ``view``, contiguous),
    or None when it cannot be shared (cffi takes C-contiguous memory only)."""
    if view.c_contiguous:
        return ffi.from_buffer(view)
    # A Fortran-ordered NumPy array: its transpose is the same memory in C order.
    transposed = getattr(data, "T", None)
    if transposed is not None:
        try:
            if memoryview(transposed).c_contiguous:
                return ffi.from_buffer(transposed)
        except TypeError:
            pass
    return None


def init_zero_copy(msg: Any, data: Any, event: threading.Event | None) -> bool:
    """Initialise ``msg`` over ``data``'s memory; ``data`` stays alive until libzmq lets go.
    Returns whether that memory is read-only.

    Raises BufferError for memory that is not contiguous."""
    view = memoryview(data)
    readonly = view.readonly
    if _RESIZABLE_UNLOCKED and isinstance(view.obj, _RESIZABLE_UNLOCKED) and view.contiguous:
        data = view = memoryview(view.tobytes())  # resizing could move the memory under libzmq
    buf = c_buffer(data, view) if view.contiguous else None
    if buf is None:
        raise BufferError(str(not_contiguous(data)) if not view.contiguous else
                          f"a {type(data).__name__} in this memory order cannot be shared: send a copy")
    hint = _release.lend(data, buf, event)
    if lib.zmq_msg_init_data(msg, buf, len(buf), _release.FREE_FN, hint) < 0:
        _release.unlend(buf, event)
        raise zmq_error(lib.zmq_errno())
    return readonly


class MessageTracker:
    """Tells when libzmq has finished with the memory of zero-copy messages.

    Returned by ``send(..., copy=False, track=True)`` and ``Frame(..., track=True).tracker``.
    Until :attr:`done` is true, the buffer that was sent must not be modified.

    Parameters
    ----------
    *towatch : MessageTracker, Frame or threading.Event
        Other trackers (or tracked Frames, or Events) to combine into this one.
    """

    def __init__(self, *towatch: Any) -> None:
        self.events: set[Any] = set()
        self.peers: set[MessageTracker] = set()
        for obj in towatch:
            if isinstance(obj, Frame):
                if obj.tracker is None:
                    raise ValueError("this Frame is not tracked: create it with track=True")
                self.peers.add(obj.tracker)
            elif isinstance(obj, MessageTracker):
                self.peers.add(obj)
            elif hasattr(obj, "wait") and hasattr(obj, "is_set"):
                self.events.add(obj)
            else:
                raise TypeError(f"cannot track {type(obj).__name__!r}: expected MessageTracker, Frame or Event")

    def _is_done(self) -> bool:
        return all(e.is_set() for e in self.events) and all(p._is_done() for p in self.peers)

    @property
    def done(self) -> bool:
        """True once libzmq has released every message this tracker watches."""
        return self._is_done()

    def wait(self, timeout: float = -1) -> None:
        """Block until :attr:`done`, for at most ``timeout`` seconds (negative: forever).

        Raises
        ------
        NotDone
            The messages were still in use when the timeout expired.
        """
        if not isinstance(timeout, (int, float)):
            raise TypeError(f"timeout must be a number of seconds, not {type(timeout).__name__!r}")
        import time

        deadline = None if timeout < 0 else time.monotonic() + timeout
        for event in list(self.events):
            while not event.is_set():
                left = 0.1 if deadline is None else min(0.1, deadline - time.monotonic())
                if left <= 0:
                    raise NotDone()
                event.wait(left)  # short waits: Ctrl-C is seen promptly
        for peer in list(self.peers):
            peer.wait(-1 if deadline is None else max(0.0, deadline - time.monotonic()))



def _finished() -> MessageTracker:
    tracker = MessageTracker()
    return tracker


#: The tracker of messages libzmq never shared (copied sends): done from the start.
_FINISHED_TRACKER = _finished()


def _tracker_for(event: threading.Event) -> MessageTracker:
    tracker = MessageTracker.__new__(MessageTracker)
    tracker.events = {event}
    tracker.peers = set()
    return tracker


class Frame(BufferExporter):
    """One message part, owned by a libzmq ``zmq_msg_t``.

    Returned by ``recv(copy=False)``; :attr:`buffer` exposes its memory without a copy,
    writable except when the frame shares the memory of a read-only object. Built from
    data, it is a message ready to send several times. Frames compare and hash by identity;
    compare ``frame.bytes`` for content.

    Parameters
    ----------
    data : bytes-like, optional
        The content. Never a ``str`` (encode it).
    track : bool
        Give the frame a :class:`MessageTracker`: done from the start for a frame that
        copied its data; for a zero-copy one, once libzmq has released the memory.
    copy : bool, optional
        Copy ``data`` (True) or share its memory (False). Default: share when the data is
        at least ``copy_threshold`` bytes.
    copy_threshold : int, optional
        Size from which ``copy=None`` shares memory (default ``zmq.COPY_THRESHOLD``).
    **kwargs
        Accepted and ignored, for compatibility.
    """

    # Slots, as the compiled Frame has fixed attributes (frame.extra = 1 is an AttributeError);
    # subclasses get a __dict__ as usual. _more is what received frames set directly.
    __slots__ = ("_zmq_msg", "_more", "tracker", "_readonly", "_view_ref", "_tracker_event",
                 "_bytes", "_data", "_owners", "__weakref__")

    def __init__(self, data: Any = None, track: bool = False, copy: bool | None = None,
                 copy_threshold: int | None = None, **kwargs: Any) -> None:
        self._zmq_msg = ffi.new("zmq_msg_t *")
        lib.zmq_msg_init(self._zmq_msg)
        self._more = False
        #: The MessageTracker of a tracked frame, else None.
        self.tracker: MessageTracker | None = None
        self._readonly = False
        self._view_ref: Any = None
        self._tracker_event: Any = None
        self._owners: _Owners | None = None
        self._bytes: builtins.bytes | None = None
        self._data: Any = None
        if data is None:
            if track:
                self.tracker = _FINISHED_TRACKER
            return
        if isinstance(data, Frame):
            data = data.bytes
        if isinstance(data, str) or not _is_buffer(data):
            raise TypeError(_not_a_buffer(data))
        view = memoryview(data)
        if not view.contiguous:
            raise not_contiguous(data)
        if copy is None:
            # zmq.COPY_THRESHOLD as it is now (applications and their tests change it), as sockets do
            threshold = (getattr(sys.modules.get("zmq"), "COPY_THRESHOLD", COPY_THRESHOLD_DEFAULT)
                         if copy_threshold is None else copy_threshold)
            if isinstance(threshold, float):
                threshold = int(threshold)  # as the compiled backend converts it (NaN: ValueError)
            if not isinstance(threshold, int):
                raise TypeError(f"copy_threshold must be an int, not {type(threshold).__name__!r}")
            if threshold < 0:
                raise OverflowError("can't convert negative value to size_t")
            copy = view.nbytes < threshold
        if copy:
            n = view.nbytes
            lib.zmq_msg_close(self._zmq_msg)
            if lib.zmq_msg_init_size(self._zmq_msg, n) < 0:
                lib.zmq_msg_init(self._zmq_msg)
                raise MemoryError()
            if n:
                held_by_frame(self._zmq_msg)
                buf = c_buffer(data, view)
                ffi.memmove(lib.zmq_msg_data(self._zmq_msg), view.tobytes(order="A") if buf is None else buf, n)
            if type(data) is bytes:
                self._bytes = data
            if track:
                self.tracker = _FINISHED_TRACKER
            return
        event = threading.Event() if track else None
        lib.zmq_msg_close(self._zmq_msg)
        try:
            self._readonly = init_zero_copy(self._zmq_msg, data, event)
        except BaseException as e:
            lib.zmq_msg_init(self._zmq_msg)
            if isinstance(e, BufferError) and not view.contiguous:
                raise not_contiguous(data) from None  # what the compiled backend's Frame raises
            raise
        self._data = data
        self.tracker = _tracker_for(event) if event is not None else None

    def __del__(self) -> None:
        owners: Any = getattr(self, "_owners", False)
        if owners:
            owners.release()  # views are alive or were: the last owner closes the message
        elif owners is None:
            lib.zmq_msg_close(self._zmq_msg)

    @property
    def more(self) -> bool:
        """True when more parts of the same message follow (set on received frames)."""
        return self._more

    @more.setter
    def more(self, value: Any) -> None:
        self._more = bool(value)

    def __reduce__(self) -> Any:
        raise TypeError("cannot pickle a zmq.Frame (it owns a libzmq message): pickle frame.bytes")

    def __len__(self) -> int:
        return lib.zmq_msg_size(self._zmq_msg)

    def _view(self) -> memoryview:
        size = lib.zmq_msg_size(self._zmq_msg)
        if not size:
            view = memoryview(bytearray())
        else:
            # A view must keep the message memory alive, though not the Frame (its view is
            # frame.buffer, or PyPy's memoryview(frame)): the message is closed once the
            # Frame and every view are gone. The Frame holds no view memory itself: on PyPy
            # what a finalizable object references is freed one collection later only.
            owners = self._owners
            if owners is None:
                owners = self._owners = _Owners(self._zmq_msg)
            owners.tokens.append(None)
            memory = ffi.gc(ffi.cast("char *", lib.zmq_msg_data(self._zmq_msg)), owners.release)
            view = memoryview(ffi.buffer(memory, size))
        return view.toreadonly() if self._readonly else view

    def _writable_view(self) -> memoryview:
        if self._readonly:
            raise BufferError("this Frame shares the memory of a read-only object: it cannot be written to")
        return self._view()

    if _BUFFER_MECHANISM == "ctypes":
        def _export(self) -> tuple[int, int, bool]:
            """(address, size, read-only) of the message memory, for BufferExporter."""
            msg = self._zmq_msg
            return int(ffi.cast("uintptr_t", lib.zmq_msg_data(msg))), lib.zmq_msg_size(msg), self._readonly
    else:
        def __buffer__(self, flags: int) -> memoryview:
            return self._writable_view() if flags & 1 else self._view()  # 1: PyBUF_WRITABLE

    @property
    def bytes(self) -> builtins.bytes:
        """The content as bytes (copied once, then cached)."""
        if self._bytes is None:
            self._bytes = ffi.unpack(ffi.cast("char *", lib.zmq_msg_data(self._zmq_msg)), lib.zmq_msg_size(self._zmq_msg))
        return self._bytes

    @property
    def buffer(self) -> memoryview:
        """A memoryview of the content (no copy); the same one while it is alive."""
        view = self._view_ref() if self._view_ref is not None else None
        if view is None:
            view = self._view()
            self._view_ref = weakref.ref(view)  # weak: a strong one would be a cycle
        return view

    @property
    def tracker_event(self) -> Any:
        """A threading.Event-like view of :attr:`tracker` (set once libzmq released the
        memory); None for untracked frames and for frames that copied their data."""
        if self.tracker is None or self.tracker is _FINISHED_TRACKER:
            return None
        if self._tracker_event is None:
            self._tracker_event = _TrackerEvent(self.tracker)
        return self._tracker_event

    def get(self, option: int | str | builtins.bytes) -> int | str:
        """Get a message property: an int one (``zmq.MORE``...) or a metadata name
        (``"Socket-Type"``, as str or bytes)."""
        if isinstance(option, (str, builtins.bytes)):
            value = lib.zmq_msg_gets(self._zmq_msg, option.encode("utf-8") if isinstance(option, str) else option)
            if value == NULL:
                raise zmq_error(lib.zmq_errno())
            return ffi.string(value).decode("utf-8", "replace")
        return check(lib.zmq_msg_get(self._zmq_msg, c_int(option, "option")))

    def __getitem__(self, key: int | str | builtins.bytes) -> int | str:
        return self.get(key)

    def __getattr__(self, name: str) -> Any:
        # message properties as attributes, as option names are on sockets: frame.shared
        if name.startswith("_"):
            raise AttributeError(name)
        upper = name.upper()
        if upper == "SHARED":
            return self.get(_SHARED)
        if upper == "SRCFD":
            raise AttributeError(f"{name} attribute is write-only")
        raise AttributeError(f"Frame has no such option: {upper}")

    def set(self, option: int, value: int) -> None:
        """Set an int message property (libzmq accepts few; most raise ZMQError(EINVAL))."""
        check(lib.zmq_msg_set(self._zmq_msg, c_int(option, "option"), c_int(value, "value")))

    @property
    def routing_id(self) -> int | None:
        """The routing id of a SERVER/CLIENT message (draft API; None when unset)."""
        _need_draft("routing_id", "CLIENT-SERVER")
        return lib.zmq_msg_routing_id(self._zmq_msg) or None

    @routing_id.setter
    def routing_id(self, value: int) -> None:
        _need_draft("routing_id", "CLIENT-SERVER")
        check(lib.zmq_msg_set_routing_id(self._zmq_msg, value))

    @property
    def group(self) -> str | None:
        """The RADIO/DISH group of the message (draft API; None when unset)."""
        _need_draft("group", "RADIO-DISH")
        g = lib.zmq_msg_group(self._zmq_msg)
        return None if g == NULL or g[0] == b"\0" else ffi.string(g).decode("utf-8", "replace")

    @group.setter
    def group(self, value: str | builtins.bytes) -> None:
        _need_draft("group", "RADIO-DISH")
        check(lib.zmq_msg_set_group(self._zmq_msg, value.encode("utf-8") if isinstance(value, str) else value))

    def __copy__(self) -> Frame:
        """A new Frame sharing this one's content (libzmq reference counting, no copy)."""
        other = Frame()
        check(lib.zmq_msg_copy(other._zmq_msg, self._zmq_msg))
        other._bytes = self._bytes
        other._readonly = self._readonly
        other.tracker = self.tracker
        return other


    def __repr__(self) -> str:
        n = len(self)
        data = ffi.cast("char *", lib.zmq_msg_data(self._zmq_msg))
        if n <= 16:
            return f"<zmq.Frame({ffi.unpack(data, n)!r})>"
        return f"<zmq.Frame({ffi.unpack(data, 12)!r}...{_size_text(n)})>"

    __str__ = __repr__


class _Owners:
    """The owners of a Frame's message once views of its memory were made: the Frame and
    each view. The last one to go closes the message (list and pop: atomic, as finalizers
    may run in any thread)."""

    __slots__ = ("tokens", "msg")

    def __init__(self, msg: Any) -> None:
        self.tokens: list[None] = [None]  # the Frame's
        self.msg = [msg]

    def release(self, _: Any = None) -> None:
        self.tokens.pop()
        if not self.tokens:
            try:
                msg = self.msg.pop()
            except IndexError:
                return  # closed by another owner going at the same time
            lib.zmq_msg_close(msg)


class _TrackerEvent(threading.Event):
    """``frame.tracker_event``: set once the frame's tracker is done."""

    def __init__(self, tracker: MessageTracker) -> None:
        super().__init__()
        self._tracker = tracker

    def is_set(self) -> bool:
        return super().is_set() or self._tracker.done

    isSet = is_set

    def wait(self, timeout: float | None = None) -> bool:
        if super().is_set():
            return True
        try:
            self._tracker.wait(-1 if timeout is None else timeout)
        except NotDone:
            return False
        return True


_TrackerEvent.__module__ = "zmq.sugar.frame"
_TrackerEvent.__qualname__ = _TrackerEvent.__name__ = "Event"
_SHARED = 3


def _need_draft(attribute: str, sockets: str) -> None:
    if not DRAFT_API:
        raise RuntimeError(f"Frame.{attribute} needs libzmq built with the draft API ({sockets} sockets)")


def _size_text(n: int) -> str:
    """A short size for reprs: 999B, 65kB, 10MB, 2GB."""
    if n < 1000:
        return f"{n}B"
    if n < (1 << 20):
        return f"{n // 1000}kB"
    if n < 1000000000:
        return f"{n // 1000000}MB"
    return f"{n // 1000000000}GB"


# where users find them (and pyzmq defines them)
Frame.__module__ = "zmq.sugar.frame"
MessageTracker.__module__ = "zmq.sugar.tracker"


Message = Frame


def _is_buffer(obj: Any) -> bool:
    try:
        memoryview(obj)
    except TypeError:
        return isinstance(obj, Frame)
    return True


def _not_a_buffer(data: Any) -> str:
    if isinstance(data, str):
        return "str objects cannot be sent as bytes: encode them first"
    return f"a bytes-like object is required, not {type(data).__name__!r}"


def new_frame() -> Frame:
    """An empty Frame for receiving into."""
    return Frame()


__all__ = ["Frame", "Message", "MessageTracker", "COPY_THRESHOLD_DEFAULT", "_FINISHED_TRACKER"]
