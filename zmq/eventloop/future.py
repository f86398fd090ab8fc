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
import warnings
from typing import Any

from tornado.ioloop import IOLoop

import zmq
from zmq._async_poller import AsyncPollerMixin
from zmq.asyncio import _AsyncContext, _AsyncSocket

# What `from zmq.eventloop.future import *` gives in pyzmq, helper imports included.
__all__ = ["Any", "CancelledError", "Context", "Future", "IOLoop", "Poller", "Socket", "annotations", "asyncio",
           "warnings"]

#: The future type every method here returns (Tornado's own Future is this class).
Future = asyncio.Future
#: What awaiting a cancelled future raises.
CancelledError = asyncio.CancelledError


class Socket(_AsyncSocket):
    """A :class:`zmq.Socket` whose send/recv/poll methods return Tornado-compatible futures.

    Use it from code running on Tornado's IOLoop (coroutines, callbacks): each call is
    bound to the asyncio loop under the current IOLoop. Once an operation has had to wait,
    the socket is registered with that IOLoop (``add_handler``), so that
    ``IOLoop.close(all_fds=True)`` closes it.
    """

    _io_loop: IOLoop | None = None  # the IOLoop we are registered with

    def _watch(self) -> None:
        if not self._watching and self._loop is not None:
            super()._watch()
            self._register()

    def _register(self) -> None:
        io_loop = IOLoop.current()
        handlers = getattr(io_loop, "handlers", None)
        if self._io_loop is io_loop or handlers is None or self._fd in handlers:
            return  # already ours, or someone else's (a ZMQStream of this socket): it serves us too
        io_loop.add_handler(self, self._on_io_loop_event, IOLoop.READ)
        self._io_loop = io_loop

    def _on_io_loop_event(self, sock: Any, events: int) -> None:
        # The IOLoop's reader replaced the fd watcher's own (same fd): serve every reader of it.
        if self._watcher is not None:
            self._watcher.dispatch(self._fd)

    def _unregister(self) -> None:
        io_loop, self._io_loop = self._io_loop, None
        if io_loop is not None and self._watcher is not None:
            self._watcher.unregister(io_loop, self._fd, self)

    def _unwatch(self) -> None:
        self._unregister()
        super()._unwatch()

    def close(self, linger: int | None = None) -> None:
        """Close the socket (see :meth:`zmq.asyncio.Socket.close`), leaving its IOLoop first."""
        if not self.closed:
            self._unregister()
        super().close(linger)


class Context(_AsyncContext, zmq.Context[Socket]):
    """A :class:`zmq.Context` whose sockets are :class:`zmq.eventloop.future.Socket`."""

    _socket_class = Socket


class Poller(AsyncPollerMixin, zmq.Poller):  # type: ignore[misc]
    """A :class:`zmq.Poller` whose ``poll(timeout)`` returns a Tornado-compatible future."""

    _socket_class = Socket
