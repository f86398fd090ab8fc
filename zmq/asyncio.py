"""asyncio support: Context, Socket and Poller whose blocking calls return awaitables.

``await sock.recv()`` completes without an event-loop round trip when a message is already
waiting; otherwise the socket's FD is watched by the running loop (any asyncio loop,
uvloop included). Each socket follows the loop it is used in; use one loop per socket.
"""
from __future__ import annotations

from typing import Any, TypeVar

import zmq
from zmq._async import AsyncPollerMixin, AsyncSocketMixin

__all__ = ["Context", "Socket", "Poller", "ZMQEventLoop", "install"]

_T = TypeVar("_T", bound="Socket")
_C = TypeVar("_C", bound="Context")


class Socket(AsyncSocketMixin, zmq.Socket):
    """A :class:`zmq.Socket` whose send/recv/poll methods return asyncio futures."""

    _sync = zmq.Socket

    @classmethod
    def from_socket(cls: type[_T], socket: zmq.Socket) -> _T:
        """An async Socket sharing ``socket``'s libzmq socket (the sync one keeps ownership)."""
        return cls(socket)


class Context(zmq.Context[Socket]):
    """A :class:`zmq.Context` whose sockets are :class:`zmq.asyncio.Socket`."""

    _socket_class = Socket
    _instance = None
    _instance_pid = None

    @classmethod
    def from_context(cls: type[_C], context: zmq.Context[Any]) -> _C:
        """An async Context sharing ``context``'s libzmq context (which keeps ownership)."""
        return cls.shadow(context.underlying)


class Poller(AsyncPollerMixin, zmq.Poller):
    """A :class:`zmq.Poller` whose ``poll(timeout)`` returns an awaitable."""


# Names kept so that code written for older pyzmq keeps importing: asyncio needs no
# special loop for zmq any more.
import asyncio as _asyncio

ZMQEventLoop = _asyncio.SelectorEventLoop


def install() -> None:
    """No-op kept for old code: any asyncio event loop works with zmq.asyncio."""
