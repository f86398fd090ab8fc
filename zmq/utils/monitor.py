"""Decode the events a socket monitor sends (see :meth:`zmq.Socket.get_monitor_socket`).

libzmq 4 sends each event as two frames: the first holds the event id (16 bits) followed
by its value (32 bits) in native byte order; the second holds the endpoint the event is
about. As in pyzmq, both numbers are read as signed and given as :class:`zmq.Event`
flags (an ``int`` subclass: compare them with ints), and the endpoint frame is passed
on as received (bytes, or a Frame from ``recv_multipart(copy=False)``).
"""
from __future__ import annotations

import struct
from typing import TYPE_CHECKING, Any, Sequence, TypedDict

from zmq.constants import Event

if TYPE_CHECKING:
    from zmq.sugar.socket import Socket

__all__ = ["parse_monitor_message", "recv_monitor_message"]

_HEADER = struct.Struct("=hi")


class MonitorMessage(TypedDict):
    """A decoded monitor event."""

    event: Event
    value: int
    endpoint: Any


def _frame_bytes(frame: Any) -> bytes:
    # Frames from recv_multipart(copy=False) carry their content in .bytes.
    data = getattr(frame, "bytes", frame)
    return bytes(data)


def parse_monitor_message(msg: Sequence[Any]) -> MonitorMessage:
    """Decode one monitor message (the list of frames from ``recv_multipart``).

    Returns ``{"event": zmq.Event, "value": zmq.Event, "endpoint": bytes or Frame}``. The
    meaning of ``value`` depends on the event: a file descriptor for
    LISTENING/ACCEPTED/CONNECTED, a reconnect interval for CONNECT_RETRIED, an errno for
    the ``*_FAILED`` events...

    Raises RuntimeError if ``msg`` does not have exactly two frames or if the first one
    is not 6 bytes long.
    """
    if len(msg) != 2:
        raise RuntimeError(f"a monitor message has 2 frames (event, endpoint), got {len(msg)}")
    header = _frame_bytes(msg[0])
    if len(header) != _HEADER.size:
        raise RuntimeError(
            f"the first frame of a monitor message is {_HEADER.size} bytes "
            f"(16-bit event, 32-bit value), got {len(header)}"
        )
    event_id, value = _HEADER.unpack(header)
    return {"event": Event(event_id), "value": Event(value), "endpoint": msg[1]}


def recv_monitor_message(socket: Socket, flags: int = 0) -> MonitorMessage:
    """Receive one event from a monitor socket and decode it (see
    :func:`parse_monitor_message`). ``flags`` is passed to ``recv_multipart`` (e.g.
    ``zmq.NOBLOCK``). On an async socket (zmq.asyncio, zmq.eventloop.future) it returns
    an awaitable of the decoded event instead."""
    msg = socket.recv_multipart(flags)
    if hasattr(msg, "__await__"):  # an async socket's future
        return _parse_when_received(msg)  # type: ignore[return-value]
    return parse_monitor_message(msg)


async def _parse_when_received(msg: Any) -> MonitorMessage:
    return parse_monitor_message(await msg)
