"""gevent-cooperative Socket and Context.

Every blocking call (the send/recv family and :meth:`Socket.poll`) first tries the
operation without blocking. When it would block, the calling greenlet waits on gevent's hub
instead of in libzmq, so the other greenlets keep running. ``NOBLOCK`` calls pass straight
through; ``RCVTIMEO``/``SNDTIMEO`` are honoured (``zmq.Again`` when they expire).

How the waiting works. A socket's ``ZMQ_FD`` is edge-triggered: it becomes readable when
*something* changed, and any libzmq call on the socket (a send, a recv, reading ``EVENTS``)
may consume that signal. So each green socket keeps FIFO queues of greenlets waiting to
send and to receive, plus the pollers waiting on it, and one hub watcher on its FD. A
*dispatch* reads ``EVENTS`` and wakes the first waiting receiver if the socket is
readable, the first waiting sender if it is writable, and the pollers whose events are
ready. Whenever green code makes a libzmq call on a socket that has waiters, it schedules a
dispatch, so readiness hidden by a consumed edge is never lost; a woken greenlet that makes
progress passes the turn on the same way.

A waiter whose attempt just failed is not woken again by the same readiness until
something else happens on the socket (a call by green code or an FD signal). EVENTS can
claim readiness that an attempt cannot use (a ROUTER_MANDATORY socket with one full peer
is writable for the others); such a waiter is re-checked after growing delays (1 ms up to
100 ms), so it neither spins the CPU nor waits forever.
"""
from __future__ import annotations

import time
from collections import deque
from typing import Any, Callable, TypeVar

import gevent  # type: ignore[import-untyped,unused-ignore]
from gevent.event import Event  # type: ignore[import-untyped,unused-ignore]

import zmq
from zmq.backend import NOTHROW_FLAG, WOULD_BLOCK
from zmq.backend import Socket as _BackendSocket
from zmq.error import Again

__all__ = ["_Context", "_Socket"]

# The plain classes the green ones extend (names as in pyzmq's zmq.green.core).
_original_Socket = zmq.Socket
_original_Context = zmq.Context

# Plain ints: arithmetic on enum members runs Python-level enum code.
EVENTS, FD, RCVTIMEO, SNDTIMEO = int(zmq.EVENTS), int(zmq.FD), int(zmq.RCVTIMEO), int(zmq.SNDTIMEO)
NOBLOCK, POLLIN, POLLOUT = int(zmq.NOBLOCK), int(zmq.POLLIN), int(zmq.POLLOUT)
# An attempt that never blocks and reports "would block" as WOULD_BLOCK, not by raising.
TRY = NOBLOCK | NOTHROW_FLAG
# Event mask for gevent's io watchers (libev's EV_READ/EV_WRITE).
WATCH_READ, WATCH_WRITE = 1, 2

# First and last delay between re-checks of readiness that a waiter failed to use (s).
_BACKOFF_MIN, _BACKOFF_MAX = 0.001, 0.1

# The compiled get(), bypassing _Socket.get below (which kicks waiters).
_get = _BackendSocket.get

_T = TypeVar("_T", bound="_Socket")


def deadline_after(timeout_ms: int) -> float | None:
    """The monotonic deadline ``timeout_ms`` from now (None for a negative timeout: never)."""
    return None if timeout_ms < 0 else time.monotonic() + timeout_ms / 1000


def seconds_left(deadline: float | None) -> float | None:
    """Seconds until ``deadline`` (never negative), or None when there is no deadline."""
    return None if deadline is None else max(0.0, deadline - time.monotonic())


class _Waiter:
    """A greenlet queued to send or receive. ``stamp`` is the socket's operation count
    right after this waiter's last miss (-1: none): until another call happens, readiness
    that EVENTS reports for its direction is what it just failed to use, so a dispatch
    skips it rather than waking it into the same miss again."""

    __slots__ = ("event", "stamp")

    def __init__(self, stamp: int) -> None:
        self.event = Event()
        self.stamp = stamp


class _State:
    """A green socket's waiting state (plain slots: the socket's own attribute writes go
    through its option-setting ``__setattr__``)."""

    __slots__ = ("hub", "watcher", "timer", "recv_q", "send_q", "pollers", "pending", "ops", "backoff")

    def __init__(self, hub: Any) -> None:
        self.hub = hub
        self.watcher: Any = None  # io watcher on ZMQ_FD, active while anyone waits
        self.timer: Any = None  # pending re-check (see _Socket._recheck_later)
        self.recv_q: deque[_Waiter] = deque()
        self.send_q: deque[_Waiter] = deque()
        self.pollers: dict[Event, int] = {}
        self.pending = False  # a dispatch is scheduled
        self.ops = 0  # libzmq calls made on the socket by green code, plus FD signals
        self.backoff = _BACKOFF_MIN

    def waiting(self) -> bool:
        return bool(self.recv_q or self.send_q or self.pollers)

    def stop(self) -> None:
        """Stop watching the FD and drop any pending re-check."""
        if self.watcher is not None and self.watcher.active:
            self.watcher.stop()
        if self.timer is not None:
            self.timer.close()
            self.timer = None

    def discard(self) -> None:
        """Release the watchers (the socket moves to another thread's hub, or closes)."""
        try:
            self.stop()
            if self.watcher is not None:
                self.watcher.close()
        except ValueError:
            pass  # that hub's loop was destroyed already: nothing left to release
        self.watcher = None

    def wake_all(self) -> None:
        """Wake every waiter (socket closed or failing): each retries and meets the error."""
        self.stop()
        for queue in (self.recv_q, self.send_q):
            while queue:
                queue.popleft().event.set()
        for event in self.pollers:
            event.set()


def _green_repr(obj: Any, plain: str, green_cls: type, public: str) -> str:
    """``plain`` (the sugar repr of ``obj``) naming ``public`` when ``obj`` is exactly
    ``green_cls``: the green classes are private (``_Socket``) but show as pyzmq's do
    (``zmq.green.Socket``); subclasses keep their own names."""
    if type(obj) is not green_cls:
        return plain
    head = plain.split("(", 1)[0]  # "<zmq.green.core._Socket"
    return "<" + public + plain[len(head):]


class _Socket(zmq.Socket):
    """A :class:`zmq.Socket` whose blocking calls wait cooperatively on gevent's hub
    (``zmq.green.Socket``).

    Create them with :class:`zmq.green.Context`, or wrap an existing socket with
    ``zmq.green.Socket(sync_socket)`` / :meth:`from_socket`. Many greenlets may share one
    green socket: waiting senders and receivers are each served in FIFO order.
    """

    # Created on the first wait (a class default, so shadows and sockets made by the
    # compiled __init__ need no Python __init__).
    _g: _State | None = None

    def __repr__(self) -> str:
        return _green_repr(self, super().__repr__(), _Socket, "zmq.green.Socket")

    @classmethod
    def from_socket(cls: type[_T], socket: zmq.Socket) -> _T:
        """A green Socket sharing ``socket``'s libzmq socket (``socket`` keeps ownership and
        must stay open while the green one is used)."""
        return cls(socket)

    # -- waiting machinery ---------------------------------------------------------------

    def _prepare(self) -> _State:
        """The waiting state, bound to the calling thread's hub."""
        g = self._g
        hub = gevent.get_hub()
        if g is not None and g.hub is hub:
            return g
        if g is not None:
            if g.waiting():
                raise RuntimeError("a green socket cannot wait in two threads' hubs at once")
            g.discard()
        g = _State(hub)
        object.__setattr__(self, "_g", g)
        return g

    def _kick(self) -> None:
        """Note that green code just made a libzmq call on this socket, and schedule a
        dispatch if anyone waits: that call may have consumed the FD's edge."""
        g = self._g
        if g is None:
            return
        g.ops += 1
        if not g.pending and (g.recv_q or g.send_q or g.pollers):
            g.pending = True
            g.hub.loop.run_callback(self._dispatch)

    def _on_fd(self) -> None:
        g = self._g
        if g is not None:
            g.ops += 1  # a real signal: waiters that just missed may try again
            self._dispatch()

    def _dispatch(self) -> None:
        """Read EVENTS and wake the waiters that can make progress (runs in the hub)."""
        g = self._g
        if g is None:
            return
        g.pending = False
        if self.closed:
            g.wake_all()
            return
        try:
            events = _get(self, EVENTS)
        except zmq.ZMQError:
            # Context terminated (or similar): every waiter retries and sees the error.
            g.wake_all()
            return
        skipped = False
        for queue, flag in ((g.recv_q, POLLIN), (g.send_q, POLLOUT)):
            if events & flag and queue:
                head = queue[0]
                if head.stamp == g.ops:
                    skipped = True
                else:
                    queue.popleft()
                    head.event.set()
        if g.pollers:
            for event, flags in list(g.pollers.items()):
                if events & flags:
                    event.set()
        if g.waiting():
            self._watch(g)
            if skipped:
                self._recheck_later(g)
        else:
            g.stop()

    def _watch(self, g: _State) -> None:
        """Make sure the hub watches our FD."""
        if g.watcher is None:
            g.watcher = g.hub.loop.io(_get(self, FD), WATCH_READ)
        if not g.watcher.active:
            g.watcher.start(self._on_fd)

    def _recheck_later(self, g: _State) -> None:
        """EVENTS claims readiness that a waiter could not use (ROUTER_MANDATORY with a full
        peer, or an edge this very dispatch consumed): look again after a growing delay,
        so nothing spins and nothing is lost."""
        if g.timer is None:
            g.timer = g.hub.loop.timer(g.backoff)
            g.timer.start(self._recheck)
            g.backoff = min(g.backoff * 2, _BACKOFF_MAX)

    def _recheck(self) -> None:
        g = self._g
        if g is not None and g.timer is not None:
            g.timer.close()
            g.timer = None
            self._on_fd()

    def _add_poller(self, event: Event, flags: int) -> None:
        """Have ``event`` set whenever a dispatch sees any of ``flags`` ready (for Poller)."""
        self._prepare().pollers[event] = flags
        self._kick()

    def _remove_poller(self, event: Event) -> None:
        g = self._g
        if g is not None and g.pollers:
            g.pollers.pop(event, None)
            if not g.waiting():
                g.stop()

    def _io(self, attempt: Callable[[int], Any], flags: int, sending: bool) -> Any:
        """Run ``attempt(flags)`` cooperatively: try it now, else wait for our turn and
        readiness, retrying until it completes or the send/recv timeout expires."""
        if flags & NOBLOCK:
            try:
                return attempt(flags)
            finally:
                self._kick()
        g = self._g
        stamp = -1
        if g is None or not (g.send_q if sending else g.recv_q):
            # Nobody waits ahead of us: try at once.
            try:
                result = attempt(flags | TRY)
            finally:
                self._kick()
            if result is not WOULD_BLOCK:
                return result
            g = self._prepare()
            stamp = g.ops
        else:
            g = self._prepare()
        queue = g.send_q if sending else g.recv_q
        waiter: _Waiter | None = None
        try:
            deadline = deadline_after(_get(self, SNDTIMEO if sending else RCVTIMEO))
            waiter = _Waiter(stamp)
            queue.append(waiter)
            event = waiter.event
            while True:
                # Invariant: ``waiter`` is queued exactly while its event is not set.
                left = seconds_left(deadline)
                if left is None or left > 0:
                    self._watch(g)
                    event.wait(left)
                if not event.is_set():
                    queue.remove(waiter)  # timed out
                    event.set()
                try:
                    result = attempt(flags | TRY)
                finally:
                    self._kick()
                if result is not WOULD_BLOCK:
                    g.backoff = _BACKOFF_MIN
                    return result
                if deadline is not None and time.monotonic() >= deadline:
                    raise Again()
                waiter.stamp = g.ops
                event.clear()
                queue.appendleft(waiter)  # woken but beaten to it: keep our place
        finally:
            if waiter is not None:
                if not waiter.event.is_set():
                    try:
                        queue.remove(waiter)
                    except ValueError:
                        pass
                # Leaving early (timeout, GreenletExit, Ctrl-C) may waste a turn we were
                # given: let a dispatch hand it to the next waiter.
                self._kick()

    # -- lifetime --------------------------------------------------------------------------

    def close(self, linger: int | None = None) -> None:
        """Close the socket; greenlets waiting on it get ZMQError(ENOTSOCK)."""
        if not self.closed:
            ctx = self.context
            g = self._g
            if g is not None:
                try:
                    g.wake_all()
                except Exception:  # pragma: no cover - the hub is gone (interpreter exit)
                    pass
                g.discard()
            super().close(linger)
            if isinstance(ctx, _Context):
                ctx._socket_closed()
        else:
            super().close(linger)

    # -- calls that consume FD edges -------------------------------------------------------

    def get(self, opt: int) -> Any:
        """Get a socket option (see :meth:`zmq.Socket.get`)."""
        value = _get(self, opt)
        if opt == EVENTS:
            self._kick()
        return value

    getsockopt = get  # type: ignore[assignment]

    def _bind(self, addr: str | bytes) -> None:
        super()._bind(addr)
        self._kick()

    def _connect(self, addr: str | bytes) -> None:
        super()._connect(addr)
        self._kick()

    def unbind(self, addr: str | bytes) -> None:
        """Stop listening on ``addr``."""
        super().unbind(addr)
        self._kick()

    def disconnect(self, addr: str | bytes) -> None:
        """Disconnect from the peer at ``addr``."""
        super().disconnect(addr)
        self._kick()

    # -- the cooperative send/recv family ---------------------------------------------------

    def send(self, data: Any, flags: int = 0, copy: bool = True, track: bool = False,
             routing_id: int | None = None, group: Any = None) -> Any:
        """Send one message part (see :meth:`zmq.Socket.send`), waiting cooperatively."""
        sync = _BackendSocket.send
        return self._io(lambda f: sync(self, data, f, copy, track, routing_id, group), flags, True)

    def recv(self, flags: int = 0, copy: bool = True, track: bool = False) -> Any:
        """Receive one message part (see :meth:`zmq.Socket.recv`), waiting cooperatively."""
        sync = _BackendSocket.recv
        return self._io(lambda f: sync(self, f, copy, track), flags, False)

    def recv_into(self, buffer: Any, /, *, nbytes: int = 0, flags: int = 0) -> int:
        """Receive one part into ``buffer`` (see :meth:`zmq.Socket.recv_into`), cooperatively."""
        sync = _BackendSocket.recv_into

        def attempt(f: int) -> Any:
            if f & NOTHROW_FLAG:  # recv_into has no non-raising mode: translate
                try:
                    return sync(self, buffer, nbytes=nbytes, flags=f & ~NOTHROW_FLAG)
                except Again:
                    return WOULD_BLOCK
            return sync(self, buffer, nbytes=nbytes, flags=f)

        size: int = self._io(attempt, flags, False)
        return size

    def send_multipart(self, msg_parts: Any, flags: int = 0, copy: bool = True, track: bool = False, **kwargs: Any) -> Any:
        """Send a multipart message (see :meth:`zmq.Socket.send_multipart`), cooperatively."""
        sync = _BackendSocket.send_multipart
        parts = msg_parts if type(msg_parts) is list else list(msg_parts)
        return self._io(lambda f: sync(self, parts, f, copy, track, **kwargs), flags, True)

    def recv_multipart(self, flags: int = 0, copy: bool = True, track: bool = False) -> Any:
        """Receive a whole multipart message (see :meth:`zmq.Socket.recv_multipart`), cooperatively."""
        sync = _BackendSocket.recv_multipart
        return self._io(lambda f: sync(self, f, copy, track), flags, False)

    def send_string(self, u: str, flags: int = 0, copy: bool = True, encoding: str = "utf-8", **kwargs: Any) -> Any:
        """Send a str encoded with ``encoding``, cooperatively."""
        if not isinstance(u, str):
            raise TypeError(f"send_string takes a str, not {type(u).__name__!r}")
        sync = _BackendSocket.send_string
        return self._io(lambda f: sync(self, u, f, copy, encoding, **kwargs), flags, True)

    def recv_string(self, flags: int = 0, encoding: str = "utf-8") -> Any:
        """Receive one part decoded to str, cooperatively."""
        sync = _BackendSocket.recv_string
        return self._io(lambda f: sync(self, f, encoding), flags, False)

    send_unicode = send_string
    recv_unicode = recv_string

    def send_json(self, obj: Any, flags: int = 0, **kwargs: Any) -> Any:
        """Send ``obj`` as JSON, cooperatively (serialization errors raise at once)."""
        sync = _BackendSocket.send_json
        return self._io(lambda f: sync(self, obj, f, **kwargs), flags, True)

    def recv_json(self, flags: int = 0, **kwargs: Any) -> Any:
        """Receive one part decoded from JSON, cooperatively."""
        sync = _BackendSocket.recv_json
        return self._io(lambda f: sync(self, f, **kwargs), flags, False)

    def send_pyobj(self, obj: Any, flags: int = 0, protocol: int | None = None, **kwargs: Any) -> Any:
        """Send ``obj`` pickled, cooperatively."""
        import pickle

        data = pickle.dumps(obj, pickle.DEFAULT_PROTOCOL if protocol is None else protocol)
        return self.send(data, flags, **kwargs)

    def recv_pyobj(self, flags: int = 0) -> Any:
        """Receive one part and unpickle it (trusted peers only), cooperatively."""
        import pickle

        data = self.recv(flags)
        return data if data is WOULD_BLOCK else pickle.loads(data)

    def send_serialized(self, msg: Any, serialize: Callable[[Any], Any], flags: int = 0, copy: bool = True, **kwargs: Any) -> Any:
        """Send ``serialize(msg)`` as one multipart message, cooperatively."""
        return self.send_multipart(serialize(msg), flags, copy, **kwargs)

    def recv_serialized(self, deserialize: Callable[[list[Any]], Any], flags: int = 0, copy: bool = True) -> Any:
        """Receive a multipart message and return ``deserialize(parts)``, cooperatively."""
        parts = self.recv_multipart(flags, copy)
        return parts if parts is WOULD_BLOCK else deserialize(parts)

    def poll(self, timeout: float | None = None, flags: int = zmq.POLLIN) -> int:
        """Wait cooperatively until any of ``flags`` (POLLIN/POLLOUT) is ready, for at most
        ``timeout`` ms (None or negative: forever). Returns the ready events as an int (0 on
        timeout).

        Raises
        ------
        zmq.ZMQError
            ENOTSUP if the socket is closed (as :meth:`zmq.Socket.poll` in pyzmq).
        """
        if self.closed:
            raise zmq.ZMQError(zmq.ENOTSUP)
        flags = int(flags)  # a PollEvent would make the result one
        events: int = _get(self, EVENTS) & flags
        self._kick()
        ms = -1 if timeout is None or timeout < 0 else int(timeout)
        if events or ms == 0:
            return events
        deadline = deadline_after(ms)
        event = Event()
        self._add_poller(event, flags)
        try:
            while True:
                left = seconds_left(deadline)
                if left == 0:
                    return 0
                event.wait(left)
                event.clear()
                events = _get(self, EVENTS) & flags
                if events:
                    return events
                self._kick()  # that read may have hidden an edge from the others
        finally:
            self._remove_poller(event)
            self._kick()


_C = TypeVar("_C", bound="_Context")


class _Context(zmq.Context[_Socket]):
    """A :class:`zmq.Context` whose sockets are green sockets (``zmq.green.Context``).

    :meth:`term` is cooperative too: while sockets made by this context are still open it
    shuts the context down (their waiting calls raise ContextTerminated) and lets other
    greenlets run until they have closed them.
    """

    _socket_class = _Socket
    _instance = None
    _instance_pid = None
    _closed_event: Event | None = None

    def __repr__(self) -> str:
        return _green_repr(self, super().__repr__(), _Context, "zmq.green.Context")

    def _socket_closed(self) -> None:
        if self._closed_event is not None:
            self._closed_event.set()

    def _open_sockets(self) -> list[zmq.Socket]:
        return [s for s in list(getattr(self, "_sockets", ())) if not s.closed]

    def term(self) -> None:
        """Terminate the context. While sockets made by it are open, first shut it down and
        wait cooperatively until other greenlets have closed them; the final termination
        then waits, as plain zmq does, for as long as LINGER keeps unsent messages."""
        if self.closed:
            return
        if self._owns_handle and self._open_sockets():
            self.shutdown()
            self._closed_event = event = Event()
            try:
                while self._open_sockets():
                    event.clear()
                    # Green sockets announce their close; others (plain sockets made here,
                    # sockets closed by the garbage collector) are noticed by re-checking.
                    event.wait(0.05)
            finally:
                self._closed_event = None
        super().term()

    @classmethod
    def from_context(cls: type[_C], context: zmq.Context[Any]) -> _C:
        """A green Context sharing ``context``'s libzmq context (which keeps ownership)."""
        return cls.shadow(context.underlying)

