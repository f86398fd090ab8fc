"""Tornado support: Context, Socket and Poller whose blocking calls return futures.

Since Tornado 5 a Tornado future *is* an :class:`asyncio.Future` and Tornado's IOLoop runs
on an asyncio loop, so these classes share :mod:`zmq.asyncio`'s machinery
(:mod:`zmq._async`): ``await sock.recv()`` (or ``yield sock.recv()`` in a
``@tornado.gen.coroutine``) completes at once when a message is waiting, and otherwise
when the IOLoop sees the socket become ready. They are separate classes from
:mod:`zmq.asyncio`'s so that each module's ``Context.instance()`` is its own.
"""
from __future__ import annotations

import asyncio
import warnings  # noqa: F401  (part of this module's historical namespace)
from typing import Any, TypeVar

from tornado.ioloop import IOLoop

import zmq
from zmq._async import AsyncPollerMixin, AsyncSocketMixin

__all__ = ["CancelledError", "Context", "Future", "IOLoop", "Poller", "Socket"]

#: The future type every method here returns (Tornado's own Future is this class).
Future = asyncio.Future
#: What awaiting a cancelled future raises.
CancelledError = asyncio.CancelledError

_T = TypeVar("_T", bound="Socket")
_C = TypeVar("_C", bound="Context")


# (type: ignore: the methods return futures, so their signatures differ from zmq.Socket's.)
class Socket(AsyncSocketMixin, zmq.Socket):  # type: ignore[misc]
    """A :class:`zmq.Socket` whose send/recv/poll methods return Tornado-compatible futures.

    Use it from code running on Tornado's IOLoop (coroutines, callbacks): each call is
    bound to the asyncio loop under the current IOLoop.
    """

    _sync = zmq.Socket

    @classmethod
    def from_socket(cls: type[_T], socket: zmq.Socket) -> _T:
        """A future-returning Socket sharing ``socket``'s libzmq socket (which keeps ownership)."""
        return cls(socket)


class Context(zmq.Context[Socket]):
    """A :class:`zmq.Context` whose sockets are :class:`zmq.eventloop.future.Socket`."""

    _socket_class = Socket
    _instance = None
    _instance_pid = None

    @classmethod
    def from_context(cls: type[_C], context: zmq.Context[Any]) -> _C:
        """A Context of this class sharing ``context``'s libzmq context (which keeps ownership)."""
        return cls.shadow(context.underlying)


class Poller(AsyncPollerMixin, zmq.Poller):  # type: ignore[misc]
    """A :class:`zmq.Poller` whose ``poll(timeout)`` returns a Tornado-compatible future."""
