"""asyncio support: Context, Socket and Poller whose blocking calls return awaitables.

``await sock.recv()`` completes without an event-loop round trip when a message is already
waiting; otherwise the socket's FD is watched by the running loop (any asyncio loop,
uvloop included). Each socket follows the loop it is used in; use one loop per socket.
"""
from __future__ import annotations

import asyncio as _asyncio
import warnings
from typing import Any

import zmq
from zmq._async import AsyncSocketMixin
from zmq._async_poller import AsyncPollerMixin
from zmq._readiness import Shadowing, ShadowingContext

__all__ = ["Context", "Socket", "Poller", "ZMQEventLoop", "install"]


# This module's classes and zmq.eventloop.future's are separate (each module's
# Context.instance() is its own) but alike: what they share, besides zmq._async's mixins,
# is written once here.
# (type: ignore: the methods return futures, so their signatures differ from zmq.Socket's.)
class _AsyncSocket(AsyncSocketMixin, Shadowing, zmq.Socket):  # type: ignore[misc]
    """Base of the async Socket classes: a :class:`zmq.Socket` with
    :class:`zmq._async.AsyncSocketMixin`'s future-returning methods."""

    def __init__(self, context: zmq.Context[Any] | zmq.Socket | None = None, socket_type: int = -1,
                 io_loop: Any = None, _from_socket: zmq.Socket | None = None, **kwargs: Any) -> None:
        """A new socket of ``context``, or (given a Socket) a view of an existing one.

        ``io_loop`` is accepted for compatibility and unused: the socket follows the event
        loop it is used in. A view (``Socket(sync_socket)``, :meth:`from_socket`) shares the
        libzmq socket, which its original keeps owning, and has no ``context``.
        """
        if isinstance(context, zmq.Socket):
            context, _from_socket = None, context
        if _from_socket is not None:
            super().__init__(_from_socket, **kwargs)
            self.context = None
        elif kwargs.get("shadow"):
            super().__init__(context, **kwargs)  # (the type is the shadowed socket's)
        else:
            super().__init__(context, socket_type, **kwargs)


class _AsyncContext(ShadowingContext):
    """Mixin of the async Context classes, put before :class:`zmq.Context` in their bases.

    Not a Context itself: the async Contexts stay direct subclasses of zmq.Context, whose
    fork handler resets the :meth:`~zmq.Context.instance` of those.
    """


class Socket(_AsyncSocket):
    """A :class:`zmq.Socket` whose send/recv/poll methods return asyncio futures."""


class Context(_AsyncContext, zmq.Context[Socket]):
    """A :class:`zmq.Context` whose sockets are :class:`zmq.asyncio.Socket`."""

    _socket_class = Socket


class Poller(AsyncPollerMixin, zmq.Poller):  # type: ignore[misc]
    """A :class:`zmq.Poller` whose ``poll(timeout)`` returns an awaitable."""

    _socket_class = Socket


#: The future type every method here returns.
Future = _asyncio.Future

_DEPRECATED = ("ZMQEventLoop and zmq.asyncio.install are deprecated: any asyncio event loop "
               "works with zmq.asyncio, no special loop or installation is needed.")


class ZMQEventLoop(_asyncio.SelectorEventLoop):  # type: ignore[misc,valid-type]
    """A plain selector event loop, kept for old code (deprecated: any loop works)."""

    def __init__(self, selector: Any = None) -> None:
        warnings.warn(_DEPRECATED, DeprecationWarning, stacklevel=2)
        super().__init__(selector)


def install() -> None:
    """Do nothing but warn (deprecated): any asyncio event loop works with zmq.asyncio."""
    warnings.warn(_DEPRECATED, DeprecationWarning, stacklevel=2)
