"""Cooperative ``device``, ``proxy`` and ``proxy_steerable`` for gevent.

libzmq's proxy blocks in C, which would freeze every greenlet. These versions run the same
forwarding loop in Python in the calling greenlet: a green poll for incoming messages, then
whole messages (every part) forwarded in bursts, copied first to the capture socket if
there is one. A send that has to wait (the peer is at its high-water mark) waits
cooperatively and honours SNDTIMEO, raising zmq.Again like libzmq's proxy does.

The sockets may be green or plain :class:`zmq.Socket` objects; only the proxy's greenlet
should use them while it runs. Run it with ``gevent.spawn(zmq.green.proxy, front, back)``.
"""
from __future__ import annotations

import struct
from typing import Any

from zmq.backend import Socket as _AnySocket
from zmq.error import Again
from zmq._readiness import NOBLOCK, POLLIN, POLLOUT, SNDTIMEO, _get
from zmq.green.core import deadline_after, seconds_left
from zmq.green.poll import zmq_poll

__all__ = ["device", "proxy", "proxy_steerable"]

# Messages forwarded per wake-up before polling again (as libzmq does), so one busy
# direction cannot starve the other or the control socket.
BURST = 1000


class _Stats:
    """Message and byte counts of one proxied socket (for the STATISTICS command)."""

    __slots__ = ("msg_in", "bytes_in", "msg_out", "bytes_out")

    def __init__(self) -> None:
        self.msg_in = self.bytes_in = self.msg_out = self.bytes_out = 0

    def as_list(self) -> list[int]:
        return [self.msg_in, self.bytes_in, self.msg_out, self.bytes_out]


def _send_parts(sock: _AnySocket, parts: list[Any]) -> None:
    """Send a whole message on ``sock``, waiting cooperatively while it cannot be queued."""
    deadline: float | None = None
    timed = False
    while True:
        try:
            sock.send_multipart(parts, NOBLOCK, copy=False)
            return
        except Again:
            if not timed:
                deadline, timed = deadline_after(_get(sock, SNDTIMEO)), True
            left = seconds_left(deadline)
            if left == 0:
                raise
            zmq_poll([(sock, POLLOUT)], -1 if left is None else left * 1000)


def _forward(src: _AnySocket, dst: _AnySocket, capture: _AnySocket | None, src_stats: _Stats, dst_stats: _Stats) -> None:
    """Forward up to BURST whole messages that are waiting on ``src``."""
    for _ in range(BURST):
        try:
            parts = src.recv_multipart(NOBLOCK, copy=False)
        except Again:
            return
        if capture is not None:
            _send_parts(capture, parts)
        _send_parts(dst, parts)
        size = sum(len(p) for p in parts)
        src_stats.msg_in += 1
        src_stats.bytes_in += size
        dst_stats.msg_out += 1
        dst_stats.bytes_out += size


def _run(frontend: _AnySocket, backend: _AnySocket, capture: _AnySocket | None, control: _AnySocket | None) -> int:
    front_stats, back_stats = _Stats(), _Stats()
    paused = False
    while True:
        items: list[tuple[Any, int]] = []
        if control is not None:
            items.append((control, POLLIN))
        if not paused:
            items.append((frontend, POLLIN))
            if backend is not frontend:
                items.append((backend, POLLIN))
        ready = {id(obj) for obj, _ in zmq_poll(items, -1)}
        if control is not None and id(control) in ready:
            try:
                command = control.recv_multipart(NOBLOCK)[0]
            except Again:
                continue
            if command == b"PAUSE":
                paused = True
            elif command == b"RESUME":
                paused = False
            elif command == b"TERMINATE":
                return 0
            elif command == b"STATISTICS":
                values = front_stats.as_list() + back_stats.as_list()
                _send_parts(control, [struct.pack("=Q", v) for v in values])
            # Anything else is ignored, as libzmq does.
            continue
        if id(frontend) in ready:
            _forward(frontend, backend, capture, front_stats, back_stats)
        if backend is not frontend and id(backend) in ready:
            _forward(backend, frontend, capture, back_stats, front_stats)


def proxy(frontend: _AnySocket, backend: _AnySocket, capture: _AnySocket | None = None) -> int:
    """Cooperatively forward messages between ``frontend`` and ``backend`` (both ways, as far
    as the socket types allow), copying each to ``capture`` if given.

    Runs until an error ends it: ContextTerminated when the context is terminated,
    ZMQError(ENOTSOCK) when one of the sockets is closed, zmq.Again when a send times out.
    """
    return _run(frontend, backend, capture, None)


def proxy_steerable(frontend: _AnySocket, backend: _AnySocket, capture: _AnySocket | None = None, control: _AnySocket | None = None) -> int:
    """Like :func:`proxy`, steered by single-part commands received on ``control``:
    ``PAUSE`` and ``RESUME`` forwarding, ``TERMINATE`` (return 0) and ``STATISTICS``
    (reply with eight native-endian uint64 frames: messages in, bytes in, messages out,
    bytes out, for the frontend then the backend)."""
    return _run(frontend, backend, capture, control)


def device(device_type: int, isocket: _AnySocket, osocket: _AnySocket) -> int:
    """Old spelling of :func:`proxy` between ``isocket`` (frontend) and ``osocket``
    (backend); ``device_type`` is ignored, as libzmq does."""
    return proxy(isocket, osocket)
