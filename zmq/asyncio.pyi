"""Type stub of zmq/asyncio.py: sockets whose send/recv/poll return asyncio futures.

The methods are implemented once, in ``zmq._async.AsyncSocketMixin`` (shared with
``zmq.eventloop.future``); this stub gives them their types on each concrete class. Every
one returns an :class:`asyncio.Future` (created with ``loop.create_future()``), typed with
what awaiting it gives: the same overloads as the synchronous methods of
``zmq/backend/cython/socket.pyi``, with ``T`` turned into ``asyncio.Future[T]``.

An async socket is still a :class:`zmq.Socket` (contexts, options as attributes, bind,
``with``...), but its send/recv/poll are not substitutable for the synchronous ones: those
overrides are knowingly incompatible (``type: ignore[override]``). They are declared once,
on ``_AsyncSocket`` (the runtime base of this module's Socket and of
``zmq.eventloop.future.Socket``), which ``zmq/eventloop/future.pyi`` imports.
"""

import asyncio
from collections.abc import Callable, Iterable
from typing import Any, Literal, TypeVar, overload

from typing_extensions import Buffer

import zmq

__all__ = ["Context", "Socket", "Poller", "ZMQEventLoop", "install"]

_T = TypeVar("_T")
_SocketT = TypeVar("_SocketT", bound=_AsyncSocket)
_ContextT = TypeVar("_ContextT", bound=_AsyncContext)

class _AsyncSocket(zmq.Socket):
    """Base of the async Socket classes (zmq.asyncio's and zmq.eventloop.future's)."""

    def __init__(
        self,
        context: zmq.Context[Any] | zmq.Socket | None = None,
        socket_type: int = -1,
        io_loop: Any = None,
        _from_socket: zmq.Socket | None = None,
        **kwargs: Any,
    ) -> None:
        """A new socket of ``context``, or (given a Socket) a context-less view of it; ``io_loop`` is unused."""
    @classmethod
    def from_socket(cls: type[_SocketT], socket: zmq.Socket, io_loop: Any = None) -> _SocketT:
        """An async Socket sharing ``socket``'s libzmq socket (the sync one keeps ownership)."""

    # -- send -------------------------------------------------------------------------------
    @overload  # type: ignore[override]
    def send(
        self,
        data: Buffer,
        flags: int = 0,
        copy: bool = True,
        track: Literal[False] = False,
        *,
        routing_id: int | None = None,
        group: str | Buffer | None = None,
    ) -> asyncio.Future[None]:
        """Send one message part (bytes-like or Frame)."""
    @overload
    def send(
        self,
        data: Buffer,
        flags: int = 0,
        copy: bool = True,
        *,
        track: Literal[True],
        routing_id: int | None = None,
        group: str | Buffer | None = None,
    ) -> asyncio.Future[zmq.MessageTracker]:
        """Send one message part; the future gives a tracker of its zero-copy memory."""
    @overload
    def send(
        self,
        data: Buffer,
        flags: int,
        copy: bool,
        track: Literal[True],
        *,
        routing_id: int | None = None,
        group: str | Buffer | None = None,
    ) -> asyncio.Future[zmq.MessageTracker]:
        """Send one message part; the future gives a tracker of its zero-copy memory."""
    @overload
    def send(
        self,
        data: Buffer,
        flags: int = 0,
        copy: bool = True,
        track: bool = False,
        *,
        routing_id: int | None = None,
        group: str | Buffer | None = None,
    ) -> asyncio.Future[zmq.MessageTracker | None]:
        """Send one message part; the future gives a MessageTracker when ``track`` is true."""
    @overload  # type: ignore[override]
    def send_multipart(
        self,
        msg_parts: Iterable[Buffer],
        flags: int = 0,
        copy: bool = True,
        track: Literal[False] = False,
        **kwargs: Any,
    ) -> asyncio.Future[None]:
        """Send a multipart message: every part but the last carries SNDMORE."""
    @overload
    def send_multipart(
        self,
        msg_parts: Iterable[Buffer],
        flags: int = 0,
        copy: bool = True,
        *,
        track: Literal[True],
        **kwargs: Any,
    ) -> asyncio.Future[zmq.MessageTracker]:
        """Send a multipart message; the future gives a tracker of its zero-copy parts."""
    @overload
    def send_multipart(
        self,
        msg_parts: Iterable[Buffer],
        flags: int,
        copy: bool,
        track: Literal[True],
        **kwargs: Any,
    ) -> asyncio.Future[zmq.MessageTracker]:
        """Send a multipart message; the future gives a tracker of its zero-copy parts."""
    @overload
    def send_multipart(
        self,
        msg_parts: Iterable[Buffer],
        flags: int = 0,
        copy: bool = True,
        track: bool = False,
        **kwargs: Any,
    ) -> asyncio.Future[zmq.MessageTracker | None]:
        """Send a multipart message; the future gives a MessageTracker when ``track`` is true."""
    @overload  # type: ignore[override]
    def send_string(
        self,
        u: str,
        flags: int = 0,
        copy: bool = True,
        encoding: str = "utf-8",
        *,
        track: Literal[False] = False,
        routing_id: int | None = None,
        group: str | Buffer | None = None,
    ) -> asyncio.Future[None]:
        """Send a str encoded with ``encoding`` (UTF-8 by default); TypeError at once if not a str."""
    @overload
    def send_string(
        self,
        u: str,
        flags: int = 0,
        copy: bool = True,
        encoding: str = "utf-8",
        *,
        track: Literal[True],
        routing_id: int | None = None,
        group: str | Buffer | None = None,
    ) -> asyncio.Future[zmq.MessageTracker]:
        """Send an encoded str; the future gives a tracker of the message's memory."""
    @overload
    def send_string(
        self,
        u: str,
        flags: int = 0,
        copy: bool = True,
        encoding: str = "utf-8",
        *,
        track: bool = False,
        routing_id: int | None = None,
        group: str | Buffer | None = None,
    ) -> asyncio.Future[zmq.MessageTracker | None]:
        """Send an encoded str; the future gives a MessageTracker when ``track`` is true."""
    send_unicode = send_string  # type: ignore[assignment]
    def send_json(  # type: ignore[override]
        self,
        obj: Any,
        flags: int = 0,
        *,
        routing_id: int | None = None,
        group: str | Buffer | None = None,
        **kwargs: Any,
    ) -> asyncio.Future[None]:
        """Send ``obj`` as JSON (other keyword arguments go to ``json.dumps``; its errors raise at once)."""
    @overload  # type: ignore[override]
    def send_pyobj(
        self,
        obj: Any,
        flags: int = 0,
        protocol: int | None = None,
        *,
        copy: bool = True,
        track: Literal[False] = False,
        routing_id: int | None = None,
        group: str | Buffer | None = None,
    ) -> asyncio.Future[None]:
        """Send ``obj`` pickled (pickling errors raise at once)."""
    @overload
    def send_pyobj(
        self,
        obj: Any,
        flags: int = 0,
        protocol: int | None = None,
        *,
        copy: bool = True,
        track: Literal[True],
        routing_id: int | None = None,
        group: str | Buffer | None = None,
    ) -> asyncio.Future[zmq.MessageTracker]:
        """Send ``obj`` pickled; the future gives a tracker of the message's memory."""
    @overload
    def send_pyobj(
        self,
        obj: Any,
        flags: int = 0,
        protocol: int | None = None,
        *,
        copy: bool = True,
        track: bool = False,
        routing_id: int | None = None,
        group: str | Buffer | None = None,
    ) -> asyncio.Future[zmq.MessageTracker | None]:
        """Send ``obj`` pickled; the future gives a MessageTracker when ``track`` is true."""
    @overload  # type: ignore[override]
    def send_serialized(
        self,
        msg: _T,
        serialize: Callable[[_T], Iterable[Buffer]],
        flags: int = 0,
        copy: bool = True,
        *,
        track: Literal[False] = False,
        **kwargs: Any,
    ) -> asyncio.Future[None]:
        """Send ``serialize(msg)`` (called at once) as one multipart message."""
    @overload
    def send_serialized(
        self,
        msg: _T,
        serialize: Callable[[_T], Iterable[Buffer]],
        flags: int = 0,
        copy: bool = True,
        *,
        track: Literal[True],
        **kwargs: Any,
    ) -> asyncio.Future[zmq.MessageTracker]:
        """Send ``serialize(msg)`` as one multipart message; the future gives a tracker."""
    @overload
    def send_serialized(
        self,
        msg: _T,
        serialize: Callable[[_T], Iterable[Buffer]],
        flags: int = 0,
        copy: bool = True,
        *,
        track: bool = False,
        **kwargs: Any,
    ) -> asyncio.Future[zmq.MessageTracker | None]:
        """Send ``serialize(msg)`` as one multipart message (tracked when ``track`` is true)."""

    # -- recv -------------------------------------------------------------------------------
    @overload  # type: ignore[override]
    def recv(self, flags: int = 0, copy: Literal[True] = True, track: bool = False) -> asyncio.Future[bytes]:
        """Receive one message part as bytes."""
    @overload
    def recv(self, flags: int, copy: Literal[False], track: bool = False) -> asyncio.Future[zmq.Frame]:
        """Receive one message part as a Frame that owns the message's memory (no copy)."""
    @overload
    def recv(self, flags: int = 0, *, copy: Literal[False], track: bool = False) -> asyncio.Future[zmq.Frame]:
        """Receive one message part as a Frame that owns the message's memory (no copy)."""
    @overload
    def recv(self, flags: int = 0, copy: bool = True, track: bool = False) -> asyncio.Future[bytes | zmq.Frame]:
        """Receive one message part: bytes, or a Frame when ``copy`` is false."""
    def recv_into(self, buf: Buffer, /, *, nbytes: int = 0, flags: int = 0) -> asyncio.Future[int]:  # type: ignore[override]
        """Receive one part into ``buf`` (at most ``nbytes``, 0: all of it); the future gives the message's size."""
    @overload  # type: ignore[override]
    def recv_multipart(
        self, flags: int = 0, copy: Literal[True] = True, track: bool = False
    ) -> asyncio.Future[list[bytes]]:
        """Receive every part of the next message as bytes."""
    @overload
    def recv_multipart(self, flags: int, copy: Literal[False], track: bool = False) -> asyncio.Future[list[zmq.Frame]]:
        """Receive every part of the next message as Frames (no copy)."""
    @overload
    def recv_multipart(
        self, flags: int = 0, *, copy: Literal[False], track: bool = False
    ) -> asyncio.Future[list[zmq.Frame]]:
        """Receive every part of the next message as Frames (no copy)."""
    @overload
    def recv_multipart(
        self, flags: int = 0, copy: bool = True, track: bool = False
    ) -> asyncio.Future[list[bytes] | list[zmq.Frame]]:
        """Receive every part of the next message: bytes, or Frames when ``copy`` is false."""
    def recv_string(self, flags: int = 0, encoding: str = "utf-8") -> asyncio.Future[str]:  # type: ignore[override]
        """Receive one part and decode it (UTF-8 by default)."""
    recv_unicode = recv_string  # type: ignore[assignment]
    def recv_json(self, flags: int = 0, **kwargs: Any) -> asyncio.Future[Any]:
        """Receive one part and decode it from JSON (keyword arguments go to ``json.loads``)."""
    def recv_pyobj(self, flags: int = 0) -> asyncio.Future[Any]:
        """Receive one part and unpickle it (only from peers you trust completely)."""
    @overload  # type: ignore[override]
    def recv_serialized(
        self, deserialize: Callable[[list[bytes]], _T], flags: int = 0, copy: Literal[True] = True
    ) -> asyncio.Future[_T]:
        """Receive a multipart message; the future gives ``deserialize(parts)``."""
    @overload
    def recv_serialized(
        self, deserialize: Callable[[list[zmq.Frame]], _T], flags: int, copy: Literal[False]
    ) -> asyncio.Future[_T]:
        """Receive a multipart message as Frames; the future gives ``deserialize(frames)``."""
    @overload
    def recv_serialized(
        self, deserialize: Callable[[list[zmq.Frame]], _T], flags: int = 0, *, copy: Literal[False]
    ) -> asyncio.Future[_T]:
        """Receive a multipart message as Frames; the future gives ``deserialize(frames)``."""

    # -- polling ----------------------------------------------------------------------------
    def poll(self, timeout: float | None = None, flags: int = 1) -> asyncio.Future[int]:  # type: ignore[override]
        """Wait up to ``timeout`` ms (None: forever) for ``flags`` (POLLIN/POLLOUT); the future
        gives the ready events (0 on timeout)."""

class Socket(_AsyncSocket):
    """A :class:`zmq.Socket` whose send/recv/poll methods return asyncio futures."""

class _AsyncContext:
    """Mixin of the async Context classes (zmq.asyncio's and zmq.eventloop.future's)."""

    @classmethod
    def from_context(cls: type[_ContextT], context: zmq.Context[Any]) -> _ContextT:
        """An async Context sharing ``context``'s libzmq context (which keeps ownership)."""

class Context(_AsyncContext, zmq.Context[Socket]):
    """A :class:`zmq.Context` whose sockets are :class:`zmq.asyncio.Socket`."""

class Poller(zmq.Poller):
    """A :class:`zmq.Poller` whose ``poll(timeout)`` returns an asyncio future."""

    _socket_class: type[Socket]
    def poll(self, timeout: float | None = -1) -> asyncio.Future[list[tuple[Any, int]]]:  # type: ignore[override]
        """Wait up to ``timeout`` ms (None or negative: forever); the future gives the ``(socket
        or fd, events)`` pairs that are ready (empty on timeout)."""

Future = asyncio.Future
"""The future type every method here returns."""

class ZMQEventLoop(asyncio.SelectorEventLoop):
    """A plain selector event loop, kept for old code (deprecated: any loop works)."""

    def __init__(self, selector: Any = None) -> None:
        """Warn (DeprecationWarning) and create the loop."""

def install() -> None:
    """Do nothing but warn (deprecated): any asyncio event loop works with zmq.asyncio."""
