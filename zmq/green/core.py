"""gevent-cooperative Socket and Context.

Every blocking call (the send/recv family and :meth:`Socket.poll`) first tries the
operation without blocking. When it would block, the calling greenlet waits on gevent's hub
instead of in libzmq, so the other greenlets keep running. ``NOBLOCK`` calls pass straight
through; ``RCVTIMEO``/``SNDTIMEO`` are honoured (``zmq.Again`` when they expire).

How the waiting works: each green socket has a :class:`zmq._readiness.Readiness` (see
there for the edge-triggered ``ZMQ_FD``) holding the greenlets waiting to send and receive
(FIFO) and the waiting pollers, with one hub watcher on the FD. Its pass wakes the first
receiver if ``EVENTS`` says readable, the first sender if writable, and the ready pollers.
The woken greenlet attempts itself, so a ``gevent.Timeout`` (or a kill) can only strike
before anything was taken or sent, never between taking a message and returning it.

A waiter whose attempt just failed is not woken again by the same readiness until
something else happens on the socket (a call by green code or an FD signal). EVENTS can
claim readiness that an attempt cannot use (a ROUTER_MANDATORY socket with one full peer
is writable for the others); such a waiter is re-checked after growing delays (1 ms up to
100 ms), so it neither spins the CPU nor waits forever.
"""
from __future__ import annotations

import time
from collections import deque
from typing import Any

import gevent  # type: ignore[import-untyped,unused-ignore]
from gevent.event import Event  # type: ignore[import-untyped,unused-ignore]

import zmq
from zmq._readiness import (EVENTS, FD, NOBLOCK, POLLIN, POLLOUT, RCVTIMEO, SNDTIMEO, WOULD_BLOCK, Operations,
                            Readiness, Shadowing, ShadowingContext, _get)
from zmq.error import Again

__all__ = ["_Context", "_Socket"]

# The plain classes the green ones extend (names as in pyzmq's zmq.green.core).
_original_Socket = zmq.Socket
_original_Context = zmq.Context

# Event mask for gevent's io watchers (libev's EV_READ/EV_WRITE).
WATCH_READ, WATCH_WRITE = 1, 2

# First and last delay between re-checks of readiness that a waiter failed to use (s).
_BACKOFF_MIN, _BACKOFF_MAX = 0.001, 0.1

def deadline_after(timeout_ms: int) -> float | None:
    """The monotonic deadline ``timeout_ms`` from now (None for a negative timeout: never)."""
    return None if timeout_ms < 0 else time.monotonic() + timeout_ms / 1000


def seconds_left(deadline: float | None) -> float | None:
    """Seconds until ``deadline`` (never negative), or None when there is no deadline."""
    return None if deadline is None else max(0.0, deadline - time.monotonic())


class _Slot:
    """A queued greenlet's wake-up, queued in place of a :class:`~zmq._readiness.Pending`
    (it is its own waiter, with no timer: the greenlet waits with its own timeout):
    a pass sets it and the greenlet then attempts itself. ``stamp`` is the socket's
    operation count right after its last miss (-1: none): until another call happens,
    readiness EVENTS reports for its direction is what it just failed to use, so a pass
    skips it rather than waking it into the same miss again."""

    __slots__ = ("event", "stamp")
    timer = None

    def __init__(self, stamp: int) -> None:
        self.event = Event()
        self.stamp = stamp

    @property
    def waiter(self) -> _Slot:
        return self

    def done(self) -> bool:
        return bool(self.event.is_set())

    def set_result(self, _: Any = None) -> None:
        self.event.set()

    set_exception = cancel = set_result  # woken all the same: its retry meets the error


class _Wake(_Slot):
    """A waiting poll's wake-up: sets ``event`` whenever its events are ready, and is never
    done (the poll removes it when it returns)."""

    __slots__ = ()

    def __init__(self, event: Event) -> None:
        self.event = event
        self.stamp = -1

    def done(self) -> bool:
        return False


class _Green(Readiness):
    """A green socket's readiness, bound to one hub."""

    __slots__ = ("hub", "watcher", "timer", "ops", "backoff")

    def __init__(self, sock: zmq.Socket, hub: Any) -> None:
        super().__init__(sock, hub.loop.run_callback)
        self.hub = hub
        self.watcher: Any = None  # io watcher on ZMQ_FD, active while anyone waits
        self.timer: Any = None  # pending re-check (see recheck_later)
        self.ops = 0  # libzmq calls made on the socket by green code, plus FD signals
        self.backoff = _BACKOFF_MIN

    def on_fd(self) -> None:
        self.ops += 1  # a real signal: waiters that just missed may try again
        self.serve()

    def serve(self) -> None:
        """Read EVENTS and wake the waiters that can make progress (runs in the hub)."""
        sock = self.sock
        try:
            events = -1 if sock.closed else _get(sock, EVENTS)
        except zmq.ZMQError:
            events = -1  # context terminated (or similar)
        if events < 0:
            self.wake_all()  # every waiter retries and meets the error
            return
        skipped = False
        for queue, flag in ((self.recv_q, POLLIN), (self.send_q, POLLOUT)):
            if events & flag and queue:
                head = queue[0].waiter
                if head.stamp == self.ops:
                    skipped = True
                else:
                    queue.popleft()
                    head.event.set()
        if self.polls:
            self._serve_polls(events, False)
        if self.waiting():
            self.watch()
            if skipped:
                self.recheck_later()
        else:
            self.stop()

    def watch(self) -> None:
        """Make sure the hub watches the FD."""
        if self.watcher is None:
            self.watcher = self.hub.loop.io(_get(self.sock, FD), WATCH_READ)
        if not self.watcher.active:
            self.watcher.start(self.on_fd)

    def recheck_later(self) -> None:
        """EVENTS claims readiness that a waiter could not use (ROUTER_MANDATORY with a full
        peer, or an edge this very pass consumed): look again after a growing delay, so
        nothing spins and nothing is lost."""
        if self.timer is None:
            self.timer = self.hub.loop.timer(self.backoff)
            self.timer.start(self._recheck)
            self.backoff = min(self.backoff * 2, _BACKOFF_MAX)

    def _recheck(self) -> None:
        if self.timer is not None:
            self.timer.close()
            self.timer = None
            self.on_fd()

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
        polls = self.polls[:]
        self.fail_all(None)
        self.polls = polls  # (pollers stay registered until their poll returns)


def _green_repr(obj: Any, plain: str, green_cls: type, public: str) -> str:
    """``plain`` (the sugar repr of ``obj``) naming ``public`` when ``obj`` is exactly
    ``green_cls``: the green classes are private (``_Socket``) but show as pyzmq's do
    (``zmq.green.Socket``); subclasses keep their own names."""
    if type(obj) is not green_cls:
        return plain
    head = plain.split("(", 1)[0]  # "<zmq.green.core._Socket"
    return "<" + public + plain[len(head):]


class _Socket(Operations, Shadowing, zmq.Socket):  # type: ignore[misc]
    """A :class:`zmq.Socket` whose blocking calls wait cooperatively on gevent's hub
    (``zmq.green.Socket``).

    Create them with :class:`zmq.green.Context`, or wrap an existing socket with
    ``zmq.green.Socket(sync_socket)`` / :meth:`from_socket`. Many greenlets may share one
    green socket: waiting senders and receivers are each served in FIFO order.
    """

    # Created on the first wait (a class default, so shadows and sockets made by the
    # compiled __init__ need no Python __init__).
    _g: _Green | None = None

    def __repr__(self) -> str:
        return _green_repr(self, super().__repr__(), _Socket, "zmq.green.Socket")

    # -- waiting machinery ---------------------------------------------------------------

    def _prepare(self) -> _Green:
        """The waiting state, bound to the calling thread's hub."""
        g = self._g
        hub = gevent.get_hub()
        if g is not None and g.hub is hub:
            return g
        if g is not None:
            if g.waiting():
                raise RuntimeError("a green socket cannot wait in two threads' hubs at once")
            g.discard()
        g = _Green(self, hub)
        object.__setattr__(self, "_g", g)
        return g

    def _kick(self) -> None:
        """Green code just made a libzmq call on this socket: count it, and schedule a pass
        if anyone waits (that call may have consumed the FD's edge). Readiness.touched's
        check, inline: this runs after every call."""
        g = self._g
        if g is not None:
            g.ops += 1
            if not g.scheduled and (g.recv_q or g.send_q or g.polls):
                g.scheduled = True
                g.schedule(g.run)

    def _add_poller(self, event: Event, flags: int) -> None:
        """Have ``event`` set whenever a pass sees any of ``flags`` ready (for Poller)."""
        self._prepare().add_poll(_Wake(event), flags)
        self._kick()

    def _remove_poller(self, event: Event) -> None:
        g = self._g
        if g is not None and g.polls:
            g.polls = [entry for entry in g.polls if entry[0].event is not event]
            if not g.waiting():
                g.stop()

    def _op(self, fn: Any, args: tuple[Any, ...], flags: int, receiving: bool) -> Any:
        """Run ``fn(self, *args)`` cooperatively: try it now, else wait for our turn and
        readiness, retrying until it completes or the send/recv timeout expires."""
        g = self._g
        if flags & NOBLOCK or g is None or not (g.recv_q if receiving else g.send_q):
            # Nobody waits ahead of us (or NOBLOCK): try at once.
            try:
                result = fn(self, *args)
            finally:
                self._kick()
            if result is not WOULD_BLOCK:
                return result
            if flags & NOBLOCK:
                raise Again()
            g = self._prepare()
            stamp = g.ops
        else:
            g = self._prepare()
            stamp = -1
        queue: deque[Any] = g.recv_q if receiving else g.send_q  # (of _Slot: they stand in for Pending)
        slot: _Slot | None = None
        try:
            deadline = deadline_after(_get(self, RCVTIMEO if receiving else SNDTIMEO))
            pending = slot = _Slot(stamp)
            queue.append(pending)
            event = slot.event
            while True:
                # Invariant: ``pending`` is queued exactly while its event is not set.
                left = seconds_left(deadline)
                if left is None or left > 0:
                    g.watch()
                    event.wait(left)
                if not event.is_set():
                    queue.remove(pending)  # timed out
                    event.set()
                try:
                    result = fn(self, *args)
                finally:
                    self._kick()
                if result is not WOULD_BLOCK:
                    g.backoff = _BACKOFF_MIN
                    return result
                if deadline is not None and time.monotonic() >= deadline:
                    raise Again()
                slot.stamp = g.ops
                event.clear()
                queue.appendleft(pending)  # woken but beaten to it: keep our place
        finally:
            if slot is not None:
                if not slot.event.is_set():
                    try:
                        queue.remove(pending)
                    except ValueError:
                        pass
                # Leaving early (timeout, GreenletExit, Ctrl-C) may waste a turn we were
                # given: let a pass hand it to the next waiter.
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

    # -- the cooperative send/recv family: zmq._readiness.Operations' ----------------------

    def recv_into(self, buffer: Any, /, *, nbytes: int = 0, flags: int = 0) -> int:
        """Receive one part into ``buffer`` (see :meth:`zmq.Socket.recv_into`), cooperatively."""
        size: int = Operations.recv_into(self, buffer, nbytes=nbytes, flags=flags)
        return size

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


class _Context(ShadowingContext, zmq.Context[_Socket]):
    """A :class:`zmq.Context` whose sockets are green sockets (``zmq.green.Context``).

    :meth:`term` is cooperative too: while sockets made by this context are still open it
    shuts the context down (their waiting calls raise ContextTerminated) and lets other
    greenlets run until they have closed them.
    """

    _socket_class = _Socket
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
