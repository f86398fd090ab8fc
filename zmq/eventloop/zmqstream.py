"""ZMQStream: a zmq socket driven by callbacks on Tornado's IOLoop.

``stream.on_recv(callback)`` calls ``callback(msg)`` with every multipart message (a list
of bytes, or of Frames with ``copy=False``), once each and in order. ``stream.send*()``
hands the message to libzmq at once when it can, and otherwise queues it until the socket
becomes writable; ``on_send`` callbacks then get ``(msg, status)``.

How it works: the socket's ``ZMQ_FD`` is watched through :func:`zmq._async.fd_watcher` on
the asyncio loop under the IOLoop (shared with :mod:`zmq.asyncio` sockets, so both can
serve one socket on one loop). That FD is edge-triggered: it only signals that libzmq's
state changed, and any libzmq call on the socket may consume the signal. So a wake-up
reads ``EVENTS`` and then serves messages until libzmq has nothing more for us (all of
them, up to a batch limit that keeps the loop fair), and an operation done outside a
wake-up re-checks ``EVENTS`` and schedules a pass if it finds work. Receives and sends use
the compiled core's non-raising attempts (``flags | TRY`` returning ``WOULD_BLOCK``), so an
empty socket costs no exception.
"""
from __future__ import annotations

import asyncio
import functools
import inspect
import pickle
import sys
import warnings
from collections import deque
from queue import Queue  # noqa: F401  (historical name of this module; sends use a deque)
from typing import Any, Awaitable, Callable, Literal, Sequence, overload

from tornado.ioloop import IOLoop
from tornado.log import gen_log

import zmq
from zmq import POLLIN, POLLOUT
from zmq._async import EVENTS, FD, TRY, AsyncSocketMixin, fd_watcher
from zmq.backend import Socket as _CoreSocket
from zmq.backend.cython.socket import WOULD_BLOCK
from zmq.utils import jsonapi

__all__ = ["ZMQStream"]

# The compiled core's methods, called unbound: no attribute look-up per message, and
# subclasses (e.g. future-returning sockets) cannot change what a stream does.
# (Typed loosely: with TRY in the flags they may also return WOULD_BLOCK.)
_get: Callable[..., Any] = _CoreSocket.get
_recv_multipart: Callable[..., Any] = _CoreSocket.recv_multipart
_send: Callable[..., Any] = _CoreSocket.send
_send_multipart: Callable[..., Any] = _CoreSocket.send_multipart
_IN, _OUT = int(POLLIN), int(POLLOUT)

#: At most this many messages are handled per wake-up before other loop callbacks get a
#: turn (the stream then continues in a callback of its own).
BATCH = 1024

_SEND_KWARGS = ("routing_id", "group")

RecvCallback = Callable[[list[Any]], Any]
SendCallback = Callable[[Sequence[Any], "zmq.MessageTracker | None"], Any]


def _closed_error() -> OSError:
    return OSError("Stream is closed")


def _as_parts(msg: Any) -> Any:
    """``msg`` as a reusable sequence of parts: a one-shot iterable (generator...) is
    listed, since a send that has to wait is attempted again later. A single bytes-like
    object or str is returned as is, for the send to reject."""
    if isinstance(msg, (str, zmq.Frame)):
        return msg
    try:
        memoryview(msg)
    except TypeError:
        return list(msg)
    return msg


class ZMQStream:
    """Callbacks for a zmq socket on Tornado's IOLoop.

    Parameters
    ----------
    socket : zmq.Socket
        The socket to drive (a plain one: a future-returning socket is wrapped in a plain
        shadow with a RuntimeWarning). The stream owns it from now on: close the stream
        rather than the socket.
    io_loop : tornado.ioloop.IOLoop, optional
        Defaults to ``IOLoop.current()``.

    The socket's ``bind``, ``connect``, ``setsockopt``... are available on the stream too.
    Like the socket, a stream is not thread-safe: use it from its IOLoop's thread only.
    """

    socket: zmq.Socket | None
    io_loop: IOLoop

    def __init__(self, socket: zmq.Socket, io_loop: IOLoop | None = None) -> None:
        if isinstance(socket, AsyncSocketMixin):
            warnings.warn(
                "ZMQStream needs a plain zmq.Socket: using a zmq.Socket shadowing this "
                f"{type(socket).__module__}.{type(socket).__name__}",
                RuntimeWarning, stacklevel=2,
            )
            socket = zmq.Socket.shadow(socket)
        self.socket = socket
        self.io_loop = io_loop if io_loop is not None else IOLoop.current()
        aloop = getattr(self.io_loop, "asyncio_loop", None)
        if not isinstance(aloop, asyncio.AbstractEventLoop):
            raise TypeError(f"io_loop must be a tornado IOLoop (Tornado >= 5), not {type(self.io_loop).__name__!r}")
        self._aloop: asyncio.AbstractEventLoop = aloop
        self._watcher = fd_watcher(aloop)
        self._fd: int = _get(socket, FD)
        self._key = id(self)
        self._handler = self._on_events
        # (callback, copy) while receiving, else None: one attribute, so a batch notices
        # any change made by a callback with a single identity check.
        self._recv: tuple[RecvCallback, bool] | None = None
        self._send_callback: SendCallback | None = None
        self._close_callback: Callable[[], Any] | None = None
        # queued sends: (core method, args, kwargs, message as given, per-send callback)
        self._send_queue: deque[tuple[Any, tuple[Any, ...], dict[str, Any], Any, SendCallback | None]] = deque()
        self._sent: deque[tuple[SendCallback, Any, Any]] = deque()  # on_send notifications due
        self._tasks: set[asyncio.Future[Any]] = set()  # coroutines returned by callbacks
        self._watching = False
        self._in_handler = False
        self._pass_scheduled = False
        self._notify_scheduled = False
        # the socket's own conveniences, for code that sets the socket up through the stream
        self.bind = socket.bind
        self.bind_to_random_port = socket.bind_to_random_port
        self.connect = socket.connect
        self.setsockopt = socket.setsockopt
        self.getsockopt = socket.getsockopt
        self.setsockopt_string = socket.setsockopt_string
        self.getsockopt_string = socket.getsockopt_string
        self.setsockopt_unicode = socket.setsockopt_unicode
        self.getsockopt_unicode = socket.getsockopt_unicode

    def __repr__(self) -> str:
        return f"<{type(self).__module__}.{type(self).__name__}({self.socket!r}) at {id(self):#x}>"

    # -- registering callbacks ---------------------------------------------------------------

    @overload
    def on_recv(self, callback: Callable[[list[bytes]], Any], copy: Literal[True] = ...) -> None: ...
    @overload
    def on_recv(self, callback: Callable[[list[zmq.Frame]], Any], copy: Literal[False]) -> None: ...
    @overload
    def on_recv(self, callback: None, copy: bool = ...) -> None: ...

    def on_recv(self, callback: Callable[[list[Any]], Any] | None, copy: bool = True) -> None:
        """Call ``callback(msg)`` with every message received (None stops receiving).

        ``msg`` is a list of bytes, or of :class:`zmq.Frame` with ``copy=False``. If the
        callback returns an awaitable, it is run as a task (messages keep coming meanwhile).
        """
        if callback is None:
            self._check_closed()
            self._recv = None
        else:
            self._set_recv(callback, copy)

    def _set_recv(self, callback: Callable[[list[Any]], Any], copy: bool) -> None:
        self._check_closed()
        self._recv = (callback, bool(copy))
        self._watch()
        self._schedule_pass()  # messages may be waiting already, their signal long consumed

    @overload
    def on_recv_stream(self, callback: Callable[[ZMQStream, list[bytes]], Any], copy: Literal[True] = ...) -> None: ...
    @overload
    def on_recv_stream(self, callback: Callable[[ZMQStream, list[zmq.Frame]], Any], copy: Literal[False]) -> None: ...
    @overload
    def on_recv_stream(self, callback: None, copy: bool = ...) -> None: ...

    def on_recv_stream(self, callback: Callable[[ZMQStream, list[Any]], Any] | None, copy: bool = True) -> None:
        """Like :meth:`on_recv`, but the callback is called as ``callback(stream, msg)``."""
        if callback is None:
            self.on_recv(None)
        else:
            self._set_recv(functools.partial(callback, self), copy)

    def on_send(self, callback: SendCallback | None) -> None:
        """Call ``callback(msg, status)`` after each message is handed to libzmq (None stops).

        ``msg`` is the message as given to ``send_multipart`` (``[data]`` for ``send``), and
        ``status`` what the send returned: None, or a MessageTracker with ``track=True``.
        Callbacks run from the loop, never from inside the ``send`` call.
        """
        self._check_closed()
        self._send_callback = callback

    def on_send_stream(self, callback: Callable[[ZMQStream, Sequence[Any], zmq.MessageTracker | None], Any] | None) -> None:
        """Like :meth:`on_send`, but the callback is called as ``callback(stream, msg, status)``."""
        self.on_send(None if callback is None else functools.partial(callback, self))

    def on_err(self, callback: Callable[..., Any]) -> None:
        """Deprecated, does nothing: a zmq socket reports no error events to an event loop."""
        warnings.warn("ZMQStream.on_err does nothing and will be removed", DeprecationWarning, stacklevel=2)

    def stop_on_recv(self) -> None:
        """Stop calling the :meth:`on_recv` callback; messages stay queued in libzmq."""
        self.on_recv(None)

    def stop_on_send(self) -> None:
        """Stop calling the :meth:`on_send` callback."""
        self.on_send(None)

    def stop_on_err(self) -> None:
        """Deprecated, does nothing (see :meth:`on_err`)."""
        warnings.warn("ZMQStream.stop_on_err does nothing and will be removed", DeprecationWarning, stacklevel=2)

    def set_close_callback(self, callback: Callable[[], Any] | None) -> None:
        """Call ``callback()`` once when the stream is closed (None removes it)."""
        self._close_callback = callback

    # -- state ----------------------------------------------------------------------------

    def receiving(self) -> bool:
        """Whether an :meth:`on_recv` callback is registered."""
        return self._recv is not None

    def sending(self) -> bool:
        """Whether messages are queued, waiting for the socket to become writable."""
        return bool(self._send_queue)

    def closed(self) -> bool:
        """Whether the stream (or its socket) has been closed."""
        sock = self.socket
        if sock is None:
            return True
        if sock.closed:  # closed behind our back: stop watching its (dead) FD
            self._unwatch()
            return True
        return False

    def _check_closed(self) -> None:
        if self.closed():
            raise _closed_error()

    # -- sending ----------------------------------------------------------------------------

    def send(self, msg: Any, flags: int = 0, copy: bool = True, track: bool = False,
             callback: SendCallback | None = None, **kwargs: Any) -> None:
        """Send one part: now if libzmq takes it, else once the socket is writable.

        ``callback(msg, status)``, if given, replaces the :meth:`on_send` callback for this
        message (``msg`` is then ``[msg]``). Extra keyword arguments (``routing_id``,
        ``group``) go to :meth:`zmq.Socket.send`.
        """
        sock = self.socket
        if sock is None:
            raise _closed_error()
        if not self._send_queue:
            status = (_send(sock, msg, flags | TRY, copy, track, **kwargs) if kwargs
                      else _send(sock, msg, flags | TRY, copy, track))
            if status is not WOULD_BLOCK:
                cb = callback or self._send_callback
                if cb is not None:
                    self._notify_sent(cb, [msg], status)
                if not self._in_handler:
                    self._after_io()
                return
        self._enqueue(_send, (msg, flags | TRY, copy, track), kwargs, [msg], callback)

    def send_multipart(self, msg: Sequence[Any], flags: int = 0, copy: bool = True, track: bool = False,
                       callback: SendCallback | None = None, **kwargs: Any) -> None:
        """Send a multipart message: now if libzmq takes it, else once the socket is writable.

        ``callback(msg, status)``, if given, replaces the :meth:`on_send` callback for this
        message. A message that is not a sequence of bytes-like parts raises TypeError here
        when sent at once; a queued one that fails later is logged and dropped.
        """
        sock = self.socket
        if sock is None:
            raise _closed_error()
        if type(msg) is not list and type(msg) is not tuple:
            msg = _as_parts(msg)
        if not self._send_queue:
            status = (_send_multipart(sock, msg, flags | TRY, copy, track, **kwargs) if kwargs
                      else _send_multipart(sock, msg, flags | TRY, copy, track))
            if status is not WOULD_BLOCK:
                cb = callback or self._send_callback
                if cb is not None:
                    self._notify_sent(cb, msg, status)
                if not self._in_handler:
                    self._after_io()
                return
        self._enqueue(_send_multipart, (msg, flags | TRY, copy, track), kwargs, msg, callback)

    def send_string(self, u: str, flags: int = 0, encoding: str = "utf-8",
                    callback: SendCallback | None = None, **kwargs: Any) -> None:
        """Send a str encoded with ``encoding`` (see :meth:`send`)."""
        if not isinstance(u, str):
            raise TypeError(f"send_string takes a str, not {type(u).__name__!r}")
        self.send(u.encode(encoding), flags, callback=callback, **kwargs)

    send_unicode = send_string

    def send_json(self, obj: Any, flags: int = 0, callback: SendCallback | None = None, **kwargs: Any) -> None:
        """Send ``obj`` as JSON (see :meth:`send`). Keyword arguments go to ``json.dumps``,
        except ``routing_id``/``group``; serialization errors raise at once."""
        dumps_kwargs = {k: v for k, v in kwargs.items() if k not in _SEND_KWARGS}
        send_kwargs = {k: v for k, v in kwargs.items() if k in _SEND_KWARGS}
        self.send(jsonapi.dumps(obj, **dumps_kwargs), flags, callback=callback, **send_kwargs)

    def send_pyobj(self, obj: Any, flags: int = 0, protocol: int = pickle.DEFAULT_PROTOCOL,
                   callback: SendCallback | None = None, **kwargs: Any) -> None:
        """Send ``obj`` pickled with ``protocol`` (see :meth:`send`)."""
        self.send(pickle.dumps(obj, protocol), flags, callback=callback, **kwargs)

    def _enqueue(self, fn: Any, args: tuple[Any, ...], kwargs: dict[str, Any], msg: Any,
                 callback: SendCallback | None) -> None:
        self._send_queue.append((fn, args, kwargs, msg, callback))
        self._watch()
        if not self._in_handler:
            self._after_io()  # the failed attempt may have consumed the FD's signal

    def _notify_sent(self, callback: SendCallback, msg: Any, status: Any) -> None:
        """Queue an on_send notification; they run in order from a loop callback."""
        self._sent.append((callback, msg, status))
        if not self._notify_scheduled:
            self._notify_scheduled = True
            self._aloop.call_soon(self._deliver_sent)

    def _deliver_sent(self) -> None:
        self._notify_scheduled = False
        sent = self._sent
        while sent:
            callback, msg, status = sent.popleft()
            self._run_callback(callback, msg, status)

    # -- flushing and closing --------------------------------------------------------------

    def flush(self, flag: int = POLLIN | POLLOUT, limit: int | None = None) -> int:
        """Handle what is ready now, without waiting for the loop.

        ``flag`` selects receiving (``zmq.POLLIN``: pending messages go to the on_recv
        callback) and/or sending (``zmq.POLLOUT``: queued messages go to libzmq, as far as
        it takes them). ``limit`` bounds the number of messages handled, both directions
        together. Returns how many were handled; on_send callbacks due are run before
        returning.
        """
        if self.closed():
            raise _closed_error()
        sock = self.socket
        assert sock is not None
        budget = sys.maxsize if limit is None else limit
        count = 0
        if flag & _IN and self._recv is not None:
            n, _ = self._drain_recv(sock, budget)
            count += n
        if flag & _OUT and self._send_queue and count < budget:
            count += self._drain_send(sock, budget - count)
        self._deliver_sent()
        if not self._in_handler and self.socket is not None:
            self._after_io()
        return count

    def close(self, linger: int | None = None) -> None:
        """Close the stream and its socket (``linger`` in ms, see :meth:`zmq.Socket.close`).

        Messages still queued in the stream (the socket was not writable) are discarded:
        call :meth:`flush` first to hand them to libzmq. Closing twice does nothing. The
        close callback, if any, is called once.
        """
        sock = self.socket
        if sock is None:
            return
        self._forget_socket()
        if not sock.closed:
            sock.close(linger)
        callback = self._close_callback
        self._close_callback = None
        if callback is not None:
            self._run_callback(callback)

    def _forget_socket(self) -> None:
        """Stop watching and drop the socket and queued sends (the socket stays as it is)."""
        self._unwatch()
        self._recv = None
        self._send_queue.clear()
        self.socket = None

    # -- the loop side ----------------------------------------------------------------------

    def _watch(self) -> None:
        if not self._watching:
            self._watching = True
            self._watcher.add(self._fd, self._key, self._handler)

    def _unwatch(self) -> None:
        if self._watching:
            self._watching = False
            self._watcher.remove(self._fd, self._key)

    def _schedule_pass(self) -> None:
        if not self._pass_scheduled:
            self._pass_scheduled = True
            self._aloop.call_soon(self._pass)

    def _pass(self) -> None:
        """Run every callback watching our FD, as if it had signalled."""
        self._pass_scheduled = False
        callbacks = self._watcher.readers.get(self._fd)
        if callbacks:
            for callback in list(callbacks.values()):
                callback()
        elif self.socket is not None:
            self._on_events()

    def _after_io(self) -> None:
        """After a libzmq call made outside a wake-up: that call may have consumed the FD's
        signal, so look at EVENTS and schedule a pass if someone has work to do."""
        if self._pass_scheduled:
            return
        callbacks = self._watcher.readers.get(self._fd)
        if not callbacks:
            return  # nobody waits on this socket's FD
        if self._watching and len(callbacks) == 1:
            sock = self.socket
            if sock is None or sock.closed:
                return
            events = _get(sock, EVENTS)
            if not ((events & _IN and self._recv is not None) or (events & _OUT and self._send_queue)):
                return
        self._schedule_pass()  # others share the FD: let them look too

    def _on_events(self) -> None:
        """The FD signalled: serve the socket until libzmq has nothing more for us."""
        sock = self.socket
        if sock is None:
            return
        if sock.closed:  # closed behind our back
            self._unwatch()
            return
        self._in_handler = True
        try:
            budget = BATCH
            if self._recv is not None and not self._send_queue:
                # Skip EVENTS: a receive attempt looks just as well, and an empty one
                # processes libzmq's pending commands (re-arming the FD) like EVENTS does.
                events = _IN
            else:
                events = _get(sock, EVENTS)
            while True:
                acted = drained = False  # drained: the last libzmq call was an empty receive
                if events & _IN and self._recv is not None:
                    n, drained = self._drain_recv(sock, budget)
                    budget -= n
                    acted = True
                if self._send_queue and self.socket is not None and (events & _OUT or drained):
                    # (after an empty receive `events` may be stale: an attempt is cheaper
                    # than asking again)
                    budget -= self._drain_send(sock, budget)
                    acted = True
                    drained = False
                if self.socket is None:
                    return
                if budget <= 0:
                    self._schedule_pass()  # more may be waiting: continue after others had a turn
                    return
                if not acted or (drained and not self._send_queue):
                    return  # nothing hidden: `events` was fresh, or the empty receive just looked
                events = _get(sock, EVENTS)
                if not ((events & _IN and self._recv is not None) or (events & _OUT and self._send_queue)):
                    return
        finally:
            self._in_handler = False

    def _drain_recv(self, sock: zmq.Socket, budget: int) -> tuple[int, bool]:
        """Deliver up to ``budget`` messages; returns (count, whether the socket ran dry)."""
        current = self._recv
        if current is None:
            return 0, False
        callback, copy = current
        n = 0
        while n < budget:
            msg = _recv_multipart(sock, TRY, copy)
            if msg is WOULD_BLOCK:
                return n, True
            n += 1
            try:
                result = callback(msg)
            except Exception:
                gen_log.error("Uncaught exception in ZMQStream on_recv callback", exc_info=True)
            else:
                if result is not None and inspect.isawaitable(result):
                    self._track(result)
            if self._recv is not current:  # the callback changed or stopped receiving
                current = self._recv
                if current is None or self.socket is None:
                    return n, False
                callback, copy = current
        return n, False

    def _drain_send(self, sock: zmq.Socket, budget: int) -> int:
        """Hand up to ``budget`` queued messages to libzmq, in order; returns how many."""
        queue = self._send_queue
        n = 0
        while queue and n < budget:
            fn, args, kwargs, msg, callback = queue[0]
            try:
                status = fn(sock, *args, **kwargs)
            except Exception:
                queue.popleft()
                n += 1
                gen_log.error("ZMQStream dropped a queued message that failed to send", exc_info=True)
                continue
            if status is WOULD_BLOCK:
                break
            queue.popleft()
            n += 1
            cb = callback or self._send_callback
            if cb is not None:
                self._notify_sent(cb, msg, status)
            if self.socket is None:
                break
        return n

    # -- running user callbacks -----------------------------------------------------------

    def _run_callback(self, callback: Callable[..., Any], *args: Any) -> None:
        try:
            result = callback(*args)
        except Exception:
            gen_log.error("Uncaught exception in ZMQStream callback", exc_info=True)
            return
        if result is not None and inspect.isawaitable(result):
            self._track(result)

    def _track(self, awaitable: Awaitable[Any]) -> None:
        """Run an awaitable returned by a callback as a task, logging its failure."""
        task = asyncio.ensure_future(awaitable, loop=self._aloop)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Future[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            gen_log.error("Uncaught exception in ZMQStream callback coroutine", exc_info=task.exception())
