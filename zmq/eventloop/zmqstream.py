"""ZMQStream: a zmq socket driven by callbacks on Tornado's IOLoop.

``stream.on_recv(callback)`` calls ``callback(msg)`` with every multipart message (a list
of bytes, or of Frames with ``copy=False``), once each and in order. ``stream.send*()``
called from the stream's running loop hands the message to libzmq at once when it can;
otherwise (the socket is not writable, or the call comes from outside the loop, e.g. from
another thread) the message is queued and the loop sends it; ``on_send`` callbacks then get
``(msg, status)``. A send never raises in
the caller for a bad message or a socket that cannot send now: the message is queued, and
a failure is reported from the loop (logged; a ZMQError also goes to ``on_send`` as the
status).

How it works: the socket is registered with the IOLoop (``IOLoop.add_handler``, so
``IOLoop.close(all_fds=True)`` closes it), and served by a :class:`zmq._readiness.Readiness`:
queued sends are its send queue, the on_recv callback its standing receive (up to a batch
limit per wake-up, which keeps the loop fair). :mod:`zmq.asyncio` sockets on the same FD (a
shadow) are served from the same wake-up (the stream joins their
:mod:`zmq._fdwatch` readers). Attempts use the core's non-raising ``flags | TRY``
(``WOULD_BLOCK``), so an empty socket costs no exception.
"""
from __future__ import annotations

import asyncio
import inspect
import pickle
import sys
import threading
import warnings
from collections import deque
from collections.abc import Awaitable, Sequence
from queue import Queue  # noqa: F401  (historical name of this module; sends use a deque)
from typing import Any, Callable, Literal, overload

from tornado.ioloop import IOLoop
from tornado.log import app_log, gen_log

import zmq
from zmq import POLLIN, POLLOUT
from zmq._async import AsyncSocketMixin
from zmq._fdwatch import fd_watcher
from zmq._readiness import ENOTSOCK as _ENOTSOCK
from zmq._readiness import EVENTS, FD, TRY, WOULD_BLOCK, Pending, Readiness, _get
from zmq._readiness import POLLIN as _IN
from zmq._readiness import POLLOUT as _OUT
from zmq.backend import Socket as _CoreSocket
from zmq.utils import jsonapi

# The compiled core's methods, called unbound (as zmq._readiness._get): no attribute look-up
# per message, and subclasses (e.g. future-returning sockets) cannot change what a stream
# does. (Typed loosely: with TRY in the flags they may also return WOULD_BLOCK.)
_recv_multipart: Callable[..., Any] = _CoreSocket.recv_multipart
_send: Callable[..., Any] = _CoreSocket.send
_send_multipart: Callable[..., Any] = _CoreSocket.send_multipart
# The loop running in this thread (None outside any), and this thread's id: a send goes to
# libzmq at once only in the thread running the stream's loop (the id is the cheap check;
# it is learned when the stream is made inside its running loop, or at the loop's first
# pass, which anything queued for the loop schedules).
_running_loop = asyncio._get_running_loop
_thread_id = threading.get_ident
_EFSM = int(zmq.EFSM)

#: At most this many messages are handled per wake-up before other loop callbacks get a
#: turn (the stream then continues in a callback of its own).
BATCH = 1024

#: The keyword arguments of ``send`` that reach the socket (others are ignored, as a
#: socket's ``send_multipart`` does).
_SEND_KWARGS = ("routing_id", "group")

#: errnos of a socket that can never send again (closed through a shadow, context
#: terminated): a send raises them in the caller rather than queueing.
_DEAD = (zmq.ENOTSOCK, zmq.ETERM)

RecvCallback = Callable[[list[Any]], Any]
SendCallback = Callable[[Sequence[Any], "zmq.MessageTracker | zmq.ZMQError | None"], Any]

# What is logged when something fails on the loop side (the texts pyzmq's users know).
_CALLBACK_FAILED = "Uncaught exception in ZMQStream callback"
_HANDLER_FAILED = "Uncaught exception in zmqstream callback"


def _closed_error() -> OSError:
    return OSError("Stream is closed")


def _require_callable(callback: Any) -> None:
    if callback is not None and not callable(callback):
        raise AssertionError


def _as_parts(msg: Any) -> Any:
    """``msg`` as a reusable sequence of parts: a one-shot iterable (generator...) is
    listed, since a send that has to wait is attempted again later. A single bytes-like
    object or str is returned as is, for the send to reject."""
    if isinstance(msg, (str, zmq.Frame)):
        return msg
    try:
        memoryview(msg)
    except TypeError:
        try:
            return list(msg)
        except TypeError:
            return msg
    return msg


def _queued_send(sock: zmq.Socket, fn: Callable[..., Any], kwargs: dict[str, Any], *args: Any) -> Any:
    """A queued send's attempt: ``fn(sock, *args, **kwargs)``; a ZMQError while the socket
    is not writable (a REQ socket awaiting its reply...) waits as WOULD_BLOCK does."""
    try:
        return fn(sock, *args, **kwargs)
    except zmq.ZMQError:
        if not _get(sock, EVENTS) & _OUT:
            return WOULD_BLOCK
        raise


class _Queued:
    """The waiter of a queued send (see :class:`zmq._readiness.Pending`): its outcome goes
    to the stream's on_send callback and its failure to the log."""

    __slots__ = ("stream", "msg")

    def __init__(self, stream: ZMQStream, msg: Any) -> None:
        self.stream = stream
        self.msg = msg  # as given to the send

    def done(self) -> bool:
        return False  # a stream's sends are never abandoned (close() drops the queue)

    def set_result(self, status: Any) -> None:
        if self.stream._send_callback is not None:
            self.stream._notify_sent(self.msg, status)

    def set_exception(self, e: BaseException) -> None:
        if isinstance(e, zmq.ZMQError):
            gen_log.error("SEND Error: %s", e)
            self.set_result(e)
        elif isinstance(e, Exception):  # a bad message: reported and dropped
            self.stream._handler_failed(e)
        else:
            raise e


class ZMQStream:
    """Callbacks for a zmq socket on Tornado's IOLoop.

    Parameters
    ----------
    socket : zmq.Socket
        The socket to drive (a plain one: a future-returning socket is wrapped in a plain
        shadow with a RuntimeWarning). The stream owns it from now on: close the stream
        rather than the socket. It is registered with the IOLoop, so
        ``io_loop.close(all_fds=True)`` closes it.
    io_loop : tornado.ioloop.IOLoop, optional
        Defaults to ``IOLoop.current()``.

    The socket's ``bind``, ``connect``, ``setsockopt``... are available on the stream too.
    Like the socket, a stream is not thread-safe: use it from its IOLoop's thread only.
    """

    socket: zmq.Socket | None
    io_loop: IOLoop
    poller: zmq.Poller  # unused: an attribute old code may look for

    def __init__(self, socket: zmq.Socket, io_loop: IOLoop | None = None) -> None:
        if isinstance(socket, AsyncSocketMixin):
            warnings.warn(
                "ZMQStream needs a plain zmq.Socket: using a zmq.Socket shadowing this "
                f"{type(socket).__module__}.{type(socket).__name__}",
                RuntimeWarning, stacklevel=2,
            )
            socket = zmq.Socket.shadow(socket)
        self.socket = socket
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
        self.io_loop = io_loop if io_loop is not None else IOLoop.current()
        self.poller = zmq.Poller()
        self._fd: int = _get(socket, FD)
        self._key = id(self)
        # (callback, copy) while receiving, else None: one attribute, so a batch notices
        # any change made by a callback with a single identity check.
        self._recv: tuple[RecvCallback, bool] | None = None
        self._send_callback: SendCallback | None = None
        self._close_callback: Callable[[], Any] | None = None
        # queued sends are the engine's send queue; the on_recv callback its standing receive
        self._rd = Readiness(socket, self._schedule)
        self._budget = BATCH  # messages left to handle in this wake-up
        self._sent: deque[tuple[Any, Any]] = deque()  # (msg, status) due to on_send
        self._tasks: set[asyncio.Future[Any]] = set()  # coroutines returned by callbacks
        self._in_handler = False
        self._notify_scheduled = False
        self.io_loop.add_handler(socket, self._on_fd, IOLoop.READ)
        self._registered = True
        self._aloop: asyncio.AbstractEventLoop = self.io_loop.asyncio_loop  # type: ignore[attr-defined]
        # the thread running the loop (learned from the loop's calls; None: not known yet)
        self._loop_thread: int | None = _thread_id() if _running_loop() is self._aloop else None
        self._watcher = fd_watcher(self._aloop)
        # Join the asyncio sockets' readers of this FD: the IOLoop's reader (just installed,
        # replacing theirs if any) serves them all, and their re-checks reach us too.
        self._watcher.join(self._fd, self._key, self._on_events)

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
        A callback that is not callable raises AssertionError.
        """
        self._set_recv(callback, copy)

    def _set_recv(self, callback: Callable[[list[Any]], Any] | None, copy: bool) -> None:
        self._check_closed()
        _require_callable(callback)
        if callback is None:
            self._recv = self._rd.receiver = None
        else:
            self._recv = (callback, bool(copy))
            self._rd.receiver = self._receive
            self._schedule_pass()  # messages may be waiting already, their signal long consumed

    @overload
    def on_recv_stream(self, callback: Callable[[ZMQStream, list[bytes]], Any], copy: Literal[True] = ...) -> None: ...
    @overload
    def on_recv_stream(self, callback: Callable[[ZMQStream, list[zmq.Frame]], Any], copy: Literal[False]) -> None: ...
    @overload
    def on_recv_stream(self, callback: None, copy: bool = ...) -> None: ...

    def on_recv_stream(self, callback: Callable[[ZMQStream, list[Any]], Any] | None, copy: bool = True) -> None:
        """Like :meth:`on_recv`, but the callback is called as ``callback(stream, msg)``."""
        _require_callable(callback)
        if callback is None:
            self._set_recv(None, copy)
        else:
            self._set_recv(lambda msg: callback(self, msg), copy)

    def on_send(self, callback: SendCallback | None) -> None:
        """Call ``callback(msg, status)`` after each message is handed to libzmq (None stops).

        ``msg`` is the message as given to ``send_multipart`` (``[data]`` for ``send``), and
        ``status`` what the send returned (None, or a MessageTracker), or the ZMQError it
        raised. Callbacks run from the loop, never from inside the ``send`` call.
        """
        self._check_closed()
        _require_callable(callback)
        self._send_callback = callback

    def on_send_stream(self, callback: Callable[[ZMQStream, Sequence[Any], Any], Any] | None) -> None:
        """Like :meth:`on_send`, but the callback is called as ``callback(stream, msg, status)``."""
        _require_callable(callback)
        if callback is None:
            self.on_send(None)
        else:
            self.on_send(lambda msg, status: callback(self, msg, status))

    def on_err(self, callback: Callable[..., Any]) -> None:
        """Does nothing: a zmq socket reports no error events to an event loop (kept for old code)."""

    def stop_on_recv(self) -> None:
        """Stop calling the :meth:`on_recv` callback; messages stay queued in libzmq."""
        self.on_recv(None)

    def stop_on_send(self) -> None:
        """Stop calling the :meth:`on_send` callback."""
        self.on_send(None)

    def stop_on_err(self) -> None:
        """Does nothing (see :meth:`on_err`)."""

    def set_close_callback(self, callback: Callable[[], Any] | None) -> None:
        """Call ``callback()`` when the stream is closed (None removes it)."""
        self._close_callback = callback

    # -- state ----------------------------------------------------------------------------

    def receiving(self) -> bool:
        """Whether an :meth:`on_recv` callback is registered."""
        return self._recv is not None

    def sending(self) -> bool:
        """Whether messages are queued, waiting for the socket to become writable."""
        return bool(self._rd.send_q)

    def closed(self) -> bool:
        """Whether the stream (or its socket) has been closed."""
        sock = self.socket
        if sock is None:
            return True
        if not sock.closed:
            try:
                _get(sock, FD)  # (a shadow of a socket closed elsewhere does not know it)
            except zmq.ZMQError as e:
                if e.errno != _ENOTSOCK:
                    return False  # e.g. its context terminated: still to be closed
            else:
                return False
        self._socket_gone()
        return True

    def _check_closed(self) -> None:
        if self.closed():
            raise _closed_error()

    def _socket_gone(self) -> None:
        """The socket was closed without closing the stream: let go of it, with a warning
        (its FD number may already belong to another socket)."""
        warnings.warn(
            f"ZMQStream: its socket (FD {self._fd}) was closed directly; unregistering it. "
            "Close the stream (stream.close()) rather than its socket.",
            UserWarning, stacklevel=3,
        )
        self._forget_socket()
        self._run_close_callback()

    # -- sending ----------------------------------------------------------------------------

    def send(self, msg: Any, flags: int = 0, copy: bool = True, track: bool = False,
             callback: SendCallback | None = None, **kwargs: Any) -> None:
        """Send one part: now if libzmq takes it, else queued until the socket is writable.

        ``callback``, if given, becomes the :meth:`on_send` callback. Keyword arguments
        ``routing_id`` and ``group`` go to :meth:`zmq.Socket.send`. A message that cannot
        be sent is reported from the loop (see :meth:`send_multipart`).
        """
        sock = self.socket
        if sock is None:
            raise _closed_error()
        if kwargs:
            kwargs = {k: v for k, v in kwargs.items() if k in _SEND_KWARGS}
        # (the attempt is written out here and in send_multipart: no extra call per message)
        if not self._rd.send_q and (self._in_handler or _thread_id() == self._loop_thread):
            try:
                status = (_send(sock, msg, flags | TRY, copy, track, **kwargs) if kwargs
                          else _send(sock, msg, flags | TRY, copy, track))
            except zmq.ZMQError as e:
                if e.errno in _DEAD:
                    raise
                status = WOULD_BLOCK  # queued: attempted again once the socket is writable
            except Exception:  # noqa: BLE001 - queued: the loop attempts it again and reports
                status = WOULD_BLOCK
            if status is not WOULD_BLOCK:
                if callback is not None or self._send_callback is not None:
                    self._notify_sent([msg], status)
                if not self._in_handler:
                    self._after_io()
                if callback is not None:
                    self.on_send(callback)
                return
        self._enqueue(_send, (msg, flags | TRY, copy, track), kwargs, [msg], callback)

    def send_multipart(self, msg: Sequence[Any], flags: int = 0, copy: bool = True, track: bool = False,
                       callback: SendCallback | None = None, **kwargs: Any) -> None:
        """Send a multipart message: now if libzmq takes it, else queued until the socket
        is writable.

        ``callback``, if given, becomes the :meth:`on_send` callback. Nothing raises here
        but sending on a closed stream: a message the socket cannot take now (a SUB socket,
        a REQ socket awaiting its reply) waits in the queue until the socket is writable; a
        ZMQError when it is writable is logged and given to the on_send callback as the
        status; any other error (a part that is not bytes-like) is logged, and the message
        dropped.
        """
        sock = self.socket
        if sock is None:
            raise _closed_error()
        if type(msg) is not list and type(msg) is not tuple:
            msg = _as_parts(msg)
        if not self._rd.send_q and (self._in_handler or _thread_id() == self._loop_thread):
            try:
                status = (_send_multipart(sock, msg, flags | TRY, copy, track, **kwargs) if kwargs
                          else _send_multipart(sock, msg, flags | TRY, copy, track))
            except zmq.ZMQError as e:
                if e.errno in _DEAD:
                    raise
                status = WOULD_BLOCK
            except Exception:  # noqa: BLE001 - as in send
                status = WOULD_BLOCK
            if status is not WOULD_BLOCK:
                if callback is not None or self._send_callback is not None:
                    self._notify_sent(msg, status)
                if not self._in_handler:
                    self._after_io()
                if callback is not None:
                    self.on_send(callback)
                return
        self._enqueue(_send_multipart, (msg, flags | TRY, copy, track), kwargs, msg, callback)

    def _enqueue(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], given: Any,
                 callback: SendCallback | None) -> None:
        """Queue ``fn(socket, *args, **kwargs)`` for the loop (``given``: the message as
        on_send reports it)."""
        if self._loop_thread is None or self._loop_thread == _thread_id():
            # A dead socket (closed through a shadow, context terminated) raises here. Another
            # thread than the loop's must not call libzmq (the loop may be inside a call on the
            # socket: ConcurrentUseError); the loop finds a dead socket when it sends.
            _get(self.socket, FD)
        self._rd.send_q.append(Pending(_Queued(self, given), _queued_send, (fn, kwargs, *args)))
        if _running_loop() is not self._aloop:
            self._schedule_pass()  # the loop (maybe in another thread) sends it
        elif not self._in_handler:
            self._after_io()  # the failed attempt may have consumed the FD's signal
        if callback is not None:
            self.on_send(callback)

    def send_string(self, u: str, flags: int = 0, encoding: str = "utf-8",
                    callback: SendCallback | None = None, **kwargs: Any) -> None:
        """Send a str encoded with ``encoding`` (see :meth:`send`)."""
        if not isinstance(u, str):
            raise TypeError(f"send_string takes a str, not {type(u).__name__!r}")
        self.send(u.encode(encoding), flags, callback=callback, **kwargs)

    send_unicode = send_string

    def send_json(self, obj: Any, flags: int = 0, callback: SendCallback | None = None, **kwargs: Any) -> None:
        """Send ``obj`` as JSON (see :meth:`send`; keyword arguments go to the send).
        Serialization errors raise at once."""
        self.send(jsonapi.dumps(obj), flags, callback=callback, **kwargs)

    def send_pyobj(self, obj: Any, flags: int = 0, protocol: int = -1,
                   callback: SendCallback | None = None, **kwargs: Any) -> None:
        """Send ``obj`` pickled with ``protocol`` (-1: the highest; see :meth:`send`)."""
        self.send(pickle.dumps(obj, protocol), flags, callback=callback, **kwargs)

    def _notify_sent(self, msg: Any, status: Any) -> None:
        """Queue an on_send notification; they run in order from a loop callback, each
        with the callback registered by then."""
        self._sent.append((msg, status))
        if not self._notify_scheduled:
            self._notify_scheduled = True
            self._aloop.call_soon(self._deliver_sent)

    def _deliver_sent(self) -> None:
        self._notify_scheduled = False
        sent = self._sent
        while sent:
            msg, status = sent.popleft()
            callback = self._send_callback
            if callback is not None:
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
            count += self._deliver(budget)
        if flag & _OUT and self._rd.send_q and count < budget and self.socket is not None:
            count += self._rd.drain(self._rd.send_q, budget - count)
        self._deliver_sent()
        if not self._in_handler and self.socket is not None:
            self._after_io()
        return count

    def close(self, linger: int | None = None) -> None:
        """Close the stream and its socket (``linger`` in ms, see :meth:`zmq.Socket.close`).

        Messages still queued in the stream (the socket was not writable) are discarded:
        call :meth:`flush` first to hand them to libzmq. Closing twice does nothing. The
        close callback, if any, is then called (an exception it raises propagates).
        """
        sock = self.socket
        if sock is None:
            return
        if sock.closed:
            self._socket_gone()  # (calls the close callback)
            return
        self._forget_socket()
        sock.close(linger)
        self._run_close_callback()

    def _run_close_callback(self) -> None:
        callback = self._close_callback
        if callback is not None:
            try:
                callback()
            except Exception:
                gen_log.error(_CALLBACK_FAILED, exc_info=True)
                raise

    def _forget_socket(self) -> None:
        """Unregister from the loop and drop the socket and queued sends (the socket stays
        as it is)."""
        self._unregister()
        self._recv = self._rd.receiver = None
        self._rd.send_q.clear()
        self.socket = None

    # -- the loop side ----------------------------------------------------------------------

    def _unregister(self) -> None:
        if not self._registered:
            return
        self._registered = False
        self._watcher.leave(self._fd, self._key)
        self._watcher.unregister(self.io_loop, self._fd, self.socket)

    def _on_fd(self, sock: Any, events: int) -> None:
        """The IOLoop's handler: our FD signalled (serve everyone waiting on it)."""
        callbacks = self._watcher.readers.get(self._fd)  # (inline: once per wake-up)
        if callbacks is None or len(callbacks) == 1:
            self._on_events()
        else:
            self._watcher.dispatch(self._fd)

    def _schedule(self, _run: Any = None) -> None:
        """Have the loop run :meth:`_pass` soon, from any thread (code running outside the
        loop, e.g. setting up a stream for a loop that runs in another thread, wakes it).
        The engine's ``schedule``: its scheduled pass is ours."""
        if _running_loop() is self._aloop:
            self._aloop.call_soon(self._pass)
        else:
            self._aloop.call_soon_threadsafe(self._pass)

    def _schedule_pass(self) -> None:
        """Have the loop serve everyone on our FD soon (once, however often asked)."""
        rd = self._rd
        if not rd.scheduled:
            rd.scheduled = True
            self._schedule()

    def _pass(self) -> None:
        """Run every callback watching our FD, as if it had signalled."""
        self._rd.scheduled = False
        self._loop_thread = _thread_id()
        if self.socket is not None:
            self._on_fd(self.socket, 0)

    def _after_io(self) -> None:
        """After a libzmq call made outside a wake-up: that call may have consumed the FD's
        signal, so have a pass look if we wait for anything (or if others share the FD)."""
        callbacks = self._watcher.readers.get(self._fd)  # (inline: once per send)
        if callbacks is None or len(callbacks) == 1:
            self._rd.touched()
        else:
            self._schedule_pass()

    def _on_events(self) -> None:
        """The FD signalled: serve the socket until libzmq has nothing more for us."""
        sock = self.socket
        if sock is None:
            return
        if sock.closed:
            self._socket_error(zmq.ZMQError(zmq.ENOTSOCK))
            return
        self._in_handler = True
        self._budget = BATCH
        rd = self._rd
        try:
            if self._recv is not None and not (rd.send_q or rd.recv_q or rd.polls):
                # Only receiving: skip EVENTS, a receive attempt looks just as well (an empty
                # one processes libzmq's pending commands, re-arming the FD, as EVENTS does).
                self._receive()
                if rd.send_q:  # (maybe queued by a callback just now)
                    rd.serve()
            else:
                # Also with nothing waiting: EVENTS re-arms the FD (unread, it stays readable
                # and the loop calls us again at once, forever).
                rd.serve()
        except zmq.ZMQError as e:  # from libzmq calls of ours: callbacks' errors are caught
            self._socket_error(e)
        finally:
            self._in_handler = False

    def _socket_error(self, e: zmq.ZMQError) -> None:
        """A wake-up found the socket unusable: closed (maybe through a shadow) or its
        context terminated."""
        if isinstance(e, zmq.ContextTerminated):
            gen_log.warning("Got events for stream %s after terminating context", self)
            self._unregister()  # nothing more will come; close() still closes the socket
        elif e.errno == zmq.ENOTSOCK or self.closed():
            gen_log.warning("Got events for stream %s attached to closed socket: %s", self, e)
            if self.socket is not None:
                self._socket_gone()
        else:
            gen_log.error("Error getting events for %s: %s", self, e)

    def _receive(self) -> int:
        """The engine's standing receive: deliver what this wake-up's budget allows."""
        n = self._deliver(self._budget)
        self._budget -= n
        if self._budget <= 0 and self.socket is not None:
            self._schedule_pass()  # more may be waiting: continue after others had a turn
        return n

    def _deliver(self, budget: int) -> int:
        """Hand up to ``budget`` messages to the on_recv callback; how many."""
        current = self._recv
        sock = self.socket
        if current is None or sock is None:
            return 0
        callback, copy = current
        n = 0
        while n < budget:
            try:
                msg = _recv_multipart(sock, TRY, copy)
            except zmq.ZMQError as e:
                if e.errno != _EFSM:
                    raise
                return n  # a REQ socket with no request out: nothing to receive yet
            if msg is WOULD_BLOCK:
                return n
            n += 1
            try:
                result = callback(msg)
            except Exception as e:  # noqa: BLE001 - reported; the next messages still come
                self._callback_failed(e)
            else:
                if result is not None and inspect.isawaitable(result):
                    self._track(result)
            if self._recv is not current:  # the callback changed or stopped receiving
                current = self._recv
                if current is None or self.socket is None:
                    return n
                callback, copy = current
        return n

    # -- running user callbacks -----------------------------------------------------------

    def _run_callback(self, callback: Callable[..., Any], *args: Any) -> None:
        try:
            result = callback(*args)
        except Exception as e:  # noqa: BLE001 - reported; the stream goes on
            self._callback_failed(e)
            return
        if result is not None and inspect.isawaitable(result):
            self._track(result)

    def _callback_failed(self, e: Exception) -> None:
        """A user callback raised: log it, then report it the way a failed loop handler is."""
        gen_log.error(_CALLBACK_FAILED, exc_info=e)
        self._handler_failed(e)

    def _handler_failed(self, e: Exception) -> None:
        """Log ``e`` as a failure of the stream's loop handler, and as the IOLoop logs an
        exception escaping a loop callback; the stream goes on (nothing is re-raised)."""
        gen_log.error(_HANDLER_FAILED, exc_info=e)
        app_log.error("Exception in callback %r", self._on_events, exc_info=e)

    def _track(self, awaitable: Awaitable[Any]) -> None:
        """Run an awaitable returned by a callback as a task, logging its failure."""
        task = asyncio.ensure_future(awaitable, loop=self._aloop)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Future[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            gen_log.error(_CALLBACK_FAILED, exc_info=task.exception())
