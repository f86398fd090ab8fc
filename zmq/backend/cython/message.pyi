"""Type stub of the compiled Frame and MessageTracker (zmq/backend/cython/message.pyx)."""

import builtins
import threading
from typing import Protocol, final, overload

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

    events: set[_EventLike]
    """The Events given to the constructor."""
    peers: set[MessageTracker]
    """The MessageTrackers given to the constructor (directly or as tracked Frames)."""

    def __init__(self, *towatch: MessageTracker | Frame | _EventLike) -> None:
        """Combine other trackers, tracked Frames or Events into one tracker."""
    def _is_done(self) -> bool:
        """Like :attr:`done`, without first releasing buffers libzmq has let go of."""
    @property
    def done(self) -> bool:
        """True once libzmq has released every message this tracker watches."""
    def wait(self, timeout: float = -1) -> None:
        """Block until :attr:`done`, for at most ``timeout`` seconds (negative: forever); raises NotDone."""

_FINISHED_TRACKER: MessageTracker
"""The tracker of messages that were copied: done from the start."""

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
        **kwargs: object,
    ) -> None:
        """Build a frame holding ``data`` (copied, or shared when ``copy=False`` or large)."""
    def __len__(self) -> int:
        """The size of the content in bytes."""
    def __buffer__(self, flags: int, /) -> memoryview:
        """A view of the content (buffer protocol, no copy; read-only only when sharing a read-only object)."""
    @property
    def bytes(self) -> builtins.bytes:
        """The content as bytes (copied once, then cached)."""
    @property
    def buffer(self) -> memoryview:
        """A memoryview of the content (no copy; the same one while it is alive)."""
    @property
    def tracker_event(self) -> threading.Event | None:
        """Deprecated: an Event set once :attr:`tracker` is done (None when untracked or copied)."""
    @overload
    def get(self, option: str | builtins.bytes) -> str:
        """A metadata property ("Socket-Type", "Peer-Address", "User-Id"...) as str."""
    @overload
    def get(self, option: int) -> int:
        """An int message property (``zmq.MORE``, ``zmq.SRCFD``, ``zmq.SHARED``)."""
    def __getitem__(self, key: int | str | builtins.bytes) -> int | str:
        """``frame[key]`` is ``frame.get(key)``."""
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
        """A new Frame sharing this one's content (libzmq reference counting, no copy) and tracker."""

Message = Frame
