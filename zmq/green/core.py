"""gevent-cooperative Socket and Context.

Every blocking call (the send/recv family and :meth:`Socket.poll`) first tries the
operation without blocking. When it would block, the calling greenlet waits on gevent's hub
instead of in libzmq, so the other greenlets keep running. ``NOBLOCK`` calls pass straight
through; ``RCVTIMEO``/``SNDTIMEO`` are honoured (``zmq.Again`` when they expire).

How the waiting works: each green socket has a :class:`zmq._readiness.Readiness` (see
there for the edge-triggered ``ZMQ_FD``) with one hub watcher on the FD. A call that would
block queues its operation there (FIFO per direction) and the greenlet waits on an event;
the hub's pass runs the operation when ``EVENTS`` allows and hands the outcome over. The pass
switches straight into the greenlet with the outcome, so a greenlet that gives up (its
timeout, a ``gevent.Timeout``, a kill) did so before its operation ran: nothing was taken
or sent.
"""
from __future__ import annotations

import time
from collections import deque
from errno import EAGAIN
from typing import Any

import gevent  # type: ignore[import-untyped,unused-ignore]
from gevent import getcurrent  # type: ignore[import-untyped,unused-ignore]
from gevent.event import Event  # type: ignore[import-untyped,unused-ignore]
from gevent.hub import Waiter  # type: ignore[import-untyped,unused-ignore]

import zmq
from zmq._readiness import (EVENTS, FD, NOBLOCK, WOULD_BLOCK, Operations, Pending, Readiness, Shadowing,
                            ShadowingContext, _get, closed_error)
from zmq.error import Again

__all__ = ["_Context", "_Socket"]

# The plain classes the green ones extend (names as in pyzmq's zmq.green.core).
_original_Socket = zmq.Socket
_original_Context = zmq.Context

# Event mask for gevent's io watchers (libev's EV_READ/EV_WRITE).
WATCH_READ, WATCH_WRITE = 1, 2

def deadline_after(timeout_ms: int) -> float | None:
    """The monotonic deadline ``timeout_ms`` from now (None for a negative timeout: never)."""
    return None if timeout_ms < 0 else time.monotonic() + timeout_ms / 1000


def seconds_left(deadline: float | None) -> float | None:
    """Seconds until ``deadline`` (never negative), or None when there is no deadline."""
    return None if deadline is None else max(0.0, deadline - time.monotonic())


class _Waiter:
    """A waiting greenlet's side of its queued :class:`~zmq._readiness.Pending`. The pass
    (in the hub) that ran the operation switches straight into the greenlet with its
    outcome, so no timeout or kill can strike between the two. ``finished``: the outcome is
    given, or the greenlet left (then the pass skips the operation)."""

    __slots__ = ("waiter", "finished")

    def __init__(self, hub: Any) -> None:
        self.waiter = Waiter(hub)
        self.finished = False

    def done(self) -> bool:
        return self.finished

    def set_result(self, result: Any) -> None:
        self.finished = True
        self._deliver(self.waiter.switch, result)

    def set_exception(self, error: BaseException) -> None:
        self.finished = True
        self._deliver(self.waiter.throw, error)

    def cancel(self) -> None:
        self.set_exception(closed_error())

    def _deliver(self, fn: Any, arg: Any) -> None:
        hub = self.waiter.hub
        if getcurrent() is hub:
            fn(arg)
        else:  # failing waiters from a greenlet (close()): only the hub may switch to them
            hub.loop.run_callback(fn, arg)


class _Wake:
    """A waiting poll's wake-up: sets ``event`` whenever its events are ready, and is never
    done (the poll removes it when it returns)."""

    __slots__ = ("event",)

    def __init__(self, event: Event) -> None:
        self.event = event

    def done(self) -> bool:
        return False

    def set_result(self, _: Any = None) -> None:
        self.event.set()

    set_exception = cancel = set_result  # woken all the same: its next look meets the error


class _Green(Readiness):
    """A green socket's readiness, bound to one hub."""

    __slots__ = ("hub", "watcher")

    def __init__(self, sock: zmq.Socket, hub: Any) -> None:
        super().__init__(sock, hub.loop.run_callback, self._call_later)
        self.hub = hub
        self.watcher: Any = None  # io watcher on ZMQ_FD, active while anyone waits

    def _call_later(self, seconds: float, fn: Any, arg: Any) -> Any:
        timer = self.hub.loop.timer(seconds)
        timer.start(fn, arg)
        return timer.close

    def serve(self) -> None:
        """The engine's pass (in the hub), then watch the FD only while anyone waits."""
        try:
            Readiness.serve(self)
        except zmq.ZMQError as e:  # context terminated (or similar): every waiter meets it
            self.fail_waiters(e)
        if self.waiting():
            self.watch()
        else:
            self.stop()

    def watch(self) -> None:
        """Make sure the hub watches the FD."""
        if self.watcher is None:
            self.watcher = self.hub.loop.io(_get(self.sock, FD), WATCH_READ)
        if not self.watcher.active:
            self.watcher.start(self.serve)

    def stop(self) -> None:
        """Stop watching the FD."""
        if self.watcher is not None and self.watcher.active:
            self.watcher.stop()

    def discard(self) -> None:
        """Release the watcher (the socket moves to another thread's hub, or closes)."""
        try:
            self.stop()
            if self.watcher is not None:
                self.watcher.close()
        except ValueError:
            pass  # that hub's loop was destroyed already: nothing left to release
        self.watcher = None

    def fail_waiters(self, error: BaseException) -> None:
        """Finish every waiting operation with ``error`` and wake the pollers (which stay
        registered until their poll returns, and meet the error themselves)."""
        self.stop()
        polls = self.polls[:]
        self.fail_all(error)
        self.polls = polls


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
        """Green code just made a libzmq call on this socket: if anyone waits, schedule a
        pass (that call may have consumed the FD's edge). Readiness.touched's check is
        made here first: this runs after every call, and mostly nobody waits."""
        g = self._g
        if g is not None and (g.recv_q or g.send_q or g.polls):
            g.touched()

    def _add_poller(self, event: Event, flags: int) -> None:
        """Have ``event`` set whenever a pass sees any of ``flags`` ready (for Poller)."""
        g = self._prepare()
        g.add_poll(_Wake(event), flags)
        g.watch()
        self._kick()

    def _remove_poller(self, event: Event) -> None:
        g = self._g
        if g is not None and g.polls:
            g.polls = [entry for entry in g.polls if entry[0].event is not event]
            if not g.waiting():
                g.stop()

    def _op(self, fn: Any, args: tuple[Any, ...], flags: int, receiving: bool) -> Any:
        """Run ``fn(self, *args)`` cooperatively: try it now, else queue it for the hub's
        passes and wait (until the send/recv timeout: zmq.Again)."""
        g = self._g
        if flags & NOBLOCK or g is None or not (g.recv_q if receiving else g.send_q):
            # Nobody waits ahead of us (or NOBLOCK): try at once.
            try:
                result = fn(self, *args)
            finally:
                if g is not None and (g.recv_q or g.send_q or g.polls):
                    g.touched()  # (self._kick(), without its call)
            if result is not WOULD_BLOCK:
                return result
            if flags & NOBLOCK:  # (args (EAGAIN,), as the Again of the core's own NOBLOCK calls)
                raise Again(EAGAIN)
        g = self._prepare()
        waiter = _Waiter(g.hub)
        pending = g.enqueue(waiter, fn, args, receiving)
        g.watch()
        try:
            return waiter.waiter.get()
        except BaseException:  # its error or timeout (Again), or gevent.Timeout, GreenletExit, Ctrl-C
            self._abandon(g, g.recv_q if receiving else g.send_q, pending)
            raise

    def _abandon(self, g: _Green, queue: deque[Pending], pending: Pending) -> None:
        """A waiting greenlet leaves: its operation must never run."""
        pending.waiter.finished = True  # (already, if its outcome was given)
        if pending.timer is not None:
            pending.timer()
        try:
            queue.remove(pending)
        except ValueError:
            pass  # its pass already took it off
        if not g.waiting():
            g.stop()

    # -- lifetime --------------------------------------------------------------------------

    def close(self, linger: int | None = None) -> None:
        """Close the socket; greenlets waiting on it get ZMQError(ENOTSOCK)."""
        if not self.closed:
            ctx = self.context
            g = self._g
            if g is not None:
                try:
                    g.fail_waiters(closed_error())
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
        from zmq.green.poll import zmq_poll  # (which imports this module)

        ready = zmq_poll([(self, int(flags))], timeout)  # (int: a PollEvent would make the result one)
        return ready[0][1] if ready else 0


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
