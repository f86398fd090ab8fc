"""Type stub of zmq/eventloop/future.py: sockets whose send/recv/poll return futures for Tornado.

Tornado's Future is :class:`asyncio.Future`, and these classes run on ``zmq._async`` like
:mod:`zmq.asyncio`'s: their Socket and Context share its bases (``_AsyncSocket``,
``_AsyncContext``), whose types ``zmq/asyncio.pyi`` declares once. They are distinct classes
(neither module's Socket is a subclass of the other's).
"""

from __future__ import annotations

import asyncio
import warnings as warnings
from typing import Any as Any

from tornado.ioloop import IOLoop as IOLoop

import zmq
from zmq.asyncio import _AsyncContext, _AsyncSocket

__all__ = ["Any", "CancelledError", "Context", "Future", "IOLoop", "Poller", "Socket", "annotations", "asyncio",
           "warnings"]

Future = asyncio.Future
"""The future type every method here returns (Tornado's own Future is this class)."""
CancelledError = asyncio.CancelledError
"""What awaiting a cancelled future raises."""

class Socket(_AsyncSocket):
    """A :class:`zmq.Socket` whose send/recv/poll methods return Tornado-compatible (asyncio) futures."""

class Context(_AsyncContext, zmq.Context[Socket]):
    """A :class:`zmq.Context` whose sockets are :class:`zmq.eventloop.future.Socket`."""

class Poller(zmq.Poller):
    """A :class:`zmq.Poller` whose ``poll(timeout)`` returns an asyncio future."""

    _socket_class: type[Socket]
    def poll(self, timeout: float | None = -1) -> asyncio.Future[list[tuple[Any, int]]]:  # type: ignore[override]
        """Wait up to ``timeout`` ms (None or negative: forever); the future gives the ``(socket
        or fd, events)`` pairs that are ready (empty on timeout)."""
