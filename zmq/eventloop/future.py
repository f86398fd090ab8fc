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
from typing import Any  # noqa: F401  (part of this module's historical namespace)

from tornado.ioloop import IOLoop

import zmq
from zmq._async import AsyncPollerMixin
from zmq.asyncio import _AsyncContext, _AsyncSocket

__all__ = ["CancelledError", "Context", "Future", "IOLoop", "Poller", "Socket"]

#: The future type every method here returns (Tornado's own Future is this class).
Future = asyncio.Future
#: What awaiting a cancelled future raises.
CancelledError = asyncio.CancelledError


class Socket(_AsyncSocket):
    """A :class:`zmq.Socket` whose send/recv/poll methods return Tornado-compatible futures.

    Use it from code running on Tornado's IOLoop (coroutines, callbacks): each call is
    bound to the asyncio loop under the current IOLoop.
    """


class Context(_AsyncContext, zmq.Context[Socket]):
    """A :class:`zmq.Context` whose sockets are :class:`zmq.eventloop.future.Socket`."""

    _socket_class = Socket


class Poller(AsyncPollerMixin, zmq.Poller):  # type: ignore[misc]
    """A :class:`zmq.Poller` whose ``poll(timeout)`` returns a Tornado-compatible future."""
