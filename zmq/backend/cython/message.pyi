"""Type stub of the compiled Frame and MessageTracker (zmq/backend/cython/message.pyx)."""

import builtins
from typing import ClassVar, Protocol, final, overload

from typing_extensions import Buffer, disjoint_base

COPY_THRESHOLD_DEFAULT: int
"""Default ``copy_threshold`` of Frame(): smaller data is copied even when ``copy`` is None."""

def _drain_released_buffers() -> None:
    """Release the Python buffers of zero-copy messages libzmq has finished with."""

class _EventLike(Protocol):
    """Anything a MessageTracker can wait for besides trackers and frames (``threading.Event``)."""

    def is_set(self) -> bool: ...
    def wait(self, timeout: float | None = ...) -> bool: ...

@final
class MessageTracker:
    """Tells when libzmq has finished with the memory of zero-copy messages."""

    def __init__(self, *towatch: MessageTracker | Frame | _EventLike) -> None:
        """Combine other trackers, tracked Frames or Events into one tracker."""
    def _is_done(self) -> bool:
        """Like :attr:`done`, without first releasing buffers libzmq has let go of."""
    @property
    def done(self) -> bool:
        """True once libzmq has released every message this tracker watches."""
    def wait(self, timeout: float | None = -1) -> None:
        """Block until :attr:`done`, for at most ``timeout`` seconds (-1/None: forever); raises NotDone."""

@disjoint_base
class Frame:
    """One message part, owned by a libzmq ``zmq_msg_t``; exposes its memory via the buffer protocol."""

    tracker: MessageTracker | None
    """The frame's MessageTracker when built with ``track=True``, else None."""
    more: bool
    """True when more parts of the same message follow (set by ``recv(copy=False)``)."""

    def __init__(
        self,
        data: Buffer | None = None,
        track: bool = False,
        copy: bool | None = None,
        copy_threshold: int | None = None,
    ) -> None:
        """Build a frame holding ``data`` (copied, or shared when ``copy=False`` or large)."""
    def __len__(self) -> int:
        """The size of the content in bytes."""
    def __buffer__(self, flags: int, /) -> memoryview:
        """A read-only view of the content (buffer protocol, no copy)."""
    @property
    def bytes(self) -> builtins.bytes:
        """The content as bytes (copied once, then cached)."""
    @property
    def buffer(self) -> memoryview:
        """A read-only memoryview of the content (no copy)."""
    @property
    def tracker_event(self) -> MessageTracker | None:
        """Deprecated spelling of :attr:`tracker`."""
    @overload
    def get(self, option: str) -> str:
        """A metadata property ("Socket-Type", "Peer-Address", "User-Id"...) as str."""
    @overload
    def get(self, option: int) -> int:
        """An int message property (``zmq.MORE``, ``zmq.SRCFD``, ``zmq.SHARED``)."""
    def set(self, option: int, value: int) -> None:
        """Set an int message property."""
    @property
    def routing_id(self) -> int | None:
        """The routing id of a SERVER/CLIENT message (draft API; None when unset)."""
    @routing_id.setter
    def routing_id(self, value: int) -> None: ...
    @property
    def group(self) -> str | None:
        """The RADIO/DISH group of the message (draft API; None when unset)."""
    @group.setter
    def group(self, value: str | builtins.bytes) -> None: ...
    def __copy__(self) -> Frame:
        """A new Frame sharing this one's content (libzmq reference counting, no copy)."""
    def fast_copy(self) -> Frame:
        """Same as :meth:`__copy__`."""
    def __eq__(self, other: object, /) -> bool:
        """Compare contents with another Frame or bytes-like object."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

Message = Frame
