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

_T = TypeVar("_T", bound="_AsyncSocket")
_C = TypeVar("_C", bound="_AsyncContext")


# This module's classes and zmq.eventloop.future's are separate (each module's
# Context.instance() is its own) but alike: what they share, besides zmq._async's mixins,
# is written once here.
# (type: ignore: the methods return futures, so their signatures differ from zmq.Socket's.)
class _AsyncSocket(AsyncSocketMixin, zmq.Socket):  # type: ignore[misc]
    """Base of the async Socket classes: a :class:`zmq.Socket` with
    :class:`zmq._async.AsyncSocketMixin`'s future-returning methods."""

    @classmethod
    def from_socket(cls: type[_T], socket: zmq.Socket) -> _T:
        """A socket of this class sharing ``socket``'s libzmq socket (which keeps ownership)."""
        return cls(socket)


class _AsyncContext:
    """Mixin of the async Context classes, put before :class:`zmq.Context` in their bases.

    Not a Context itself: the async Contexts stay direct subclasses of zmq.Context, whose
    fork handler resets the :meth:`~zmq.Context.instance` of those.
    """

    _instance = None  # no instance() of this class yet (not zmq.Context's)
    _instance_pid = None

    @classmethod
    def from_context(cls: type[_C], context: zmq.Context[Any]) -> _C:
        """A Context of this class sharing ``context``'s libzmq context (which keeps ownership)."""
        return cls.shadow(context.underlying)  # type: ignore[attr-defined]


class Socket(_AsyncSocket):
    """A :class:`zmq.Socket` whose send/recv/poll methods return asyncio futures."""


class Context(_AsyncContext, zmq.Context[Socket]):
    """A :class:`zmq.Context` whose sockets are :class:`zmq.asyncio.Socket`."""

    _socket_class = Socket


class Poller(AsyncPollerMixin, zmq.Poller):
    """A :class:`zmq.Poller` whose ``poll(timeout)`` returns an awaitable."""


# Names kept so that code written for older pyzmq keeps importing: asyncio needs no
# special loop for zmq any more.
import asyncio as _asyncio

ZMQEventLoop = _asyncio.SelectorEventLoop


def install() -> None:
    """No-op kept for old code: any asyncio event loop works with zmq.asyncio."""
