"""The readiness engine shared by cyzmq's event-loop sockets (asyncio/Tornado futures, gevent).

A socket's ``ZMQ_FD`` is edge-triggered: it becomes readable when libzmq's state *changed*,
and any libzmq call on the socket (a send, a recv, reading ``EVENTS``) may consume that
signal. So (1) every wake-up re-reads ``EVENTS`` and serves what waits until no more progress
is possible, and (2) a libzmq call made outside such a pass asks for one soon when anything
waits, since it may have eaten the edge.

:class:`Readiness` does both for one socket. It keeps the FIFO queues of pending receives,
sends (:class:`Pending`) and polls, and a standing receive (ZMQStream's ``on_recv``), serves
them in :meth:`~Readiness.serve`, and asks for a pass with :meth:`~Readiness.touched`. An
event loop's adapter supplies the rest: how to schedule a callback (``schedule``, and
``call_later`` for the RCVTIMEO/SNDTIMEO of :meth:`~Readiness.enqueue`), what a waiter is
(anything with ``done()``, ``set_result()`` and ``set_exception()``: an asyncio future, a
waiting greenlet, a stream's on_send report) and how the FD is watched (it calls
:meth:`~Readiness.serve` when the FD signals). The adapters: :mod:`zmq._async` (asyncio,
Tornado futures, :mod:`zmq.anyio` under asyncio), :mod:`zmq.eventloop.zmqstream` and
:mod:`zmq.green.core`.

Cancellation loses nothing. A queued operation runs only while its waiter still wants it
(``done()`` is false), and its result is handed over in the same synchronous step. A receive
whose waiter gave up after its message was taken hands it back (:meth:`~Readiness.give_back`):
the next receive of the same kind gets it before anything newer. A send is one non-blocking
call (a multipart message in one call, which libzmq takes whole or not at all), so a
cancelled send was either sent completely or not at all.
"""
from __future__ import annotations

from collections import deque
from functools import partial
from typing import Any, Callable

import zmq
from zmq.backend import NOTHROW_FLAG, WOULD_BLOCK
from zmq.backend import Socket as _Core
from zmq.error import Again, ZMQError

__all__ = ["EVENTS", "FD", "NOBLOCK", "POLLIN", "POLLOUT", "RCVTIMEO", "SNDTIMEO", "TRY", "WOULD_BLOCK",
           "Operations", "Pending", "Readiness", "Shadowing", "ShadowingContext"]

# Plain ints: arithmetic on the enum members runs Python-level enum code.
EVENTS, FD, RCVTIMEO, SNDTIMEO = int(zmq.EVENTS), int(zmq.FD), int(zmq.RCVTIMEO), int(zmq.SNDTIMEO)
NOBLOCK, POLLIN, POLLOUT = int(zmq.NOBLOCK), int(zmq.POLLIN), int(zmq.POLLOUT)
ENOTSOCK = int(zmq.ENOTSOCK)
# Every attempt: never block, and report "would block" as WOULD_BLOCK rather than by raising
# Again (an exception costs more than the attempt).
TRY = NOBLOCK | NOTHROW_FLAG

_get: Callable[..., Any] = _Core.get


class Pending:
    """A queued operation: ``fn(sock, *args)`` is retried until it stops returning
    WOULD_BLOCK, then its outcome goes to ``waiter`` (``timer``: cancels its timeout)."""

    __slots__ = ("waiter", "fn", "args", "timer")

    def __init__(self, waiter: Any, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self.waiter = waiter
        self.fn = fn
        self.args = args
        self.timer: Callable[[], Any] | None = None


def _same(a: Callable[..., Any], b: Callable[..., Any]) -> bool:
    if a is b:
        return True
    return (type(a) is partial and type(b) is partial and a.func is b.func
            and a.keywords == b.keywords)


class Readiness:
    """The readiness of one socket ``sock``: queued receives, sends and polls, served while
    ``EVENTS`` says they can proceed (see the module docstring)."""

    __slots__ = ("sock", "schedule", "call_later", "recv_q", "send_q", "polls", "scheduled", "returned", "receiver")

    def __init__(self, sock: zmq.Socket, schedule: Callable[[Callable[[], None]], Any],
                 call_later: Callable[[float, Callable[[Any], None], Any], Callable[[], Any]] | None = None) -> None:
        self.sock = sock
        self.schedule = schedule  # run a callback soon, from the event loop
        # call_later(seconds, fn, arg): run fn(arg) then, from the event loop; returns what
        # cancels that (for the timeouts of enqueue())
        self.call_later = call_later
        self.recv_q: deque[Pending] = deque()
        self.send_q: deque[Pending] = deque()
        # waiting polls: [waiter, flags, the last recv and send queued when the poll began]
        self.polls: list[list[Any]] = []
        self.scheduled = False
        # messages handed back by receives cancelled after taking them: (fn, args, result)
        self.returned: deque[tuple[Callable[..., Any], tuple[Any, ...], Any]] = deque()
        # A standing receive (ZMQStream's on_recv), called while readable once the queued
        # receives are served: it receives what it can and returns how many it took.
        self.receiver: Callable[[], int] | None = None

    def waiting(self) -> bool:
        """Whether any operation, poll or standing receive waits."""
        return bool(self.recv_q or self.send_q or self.polls or self.receiver is not None)

    def touched(self) -> None:
        """A libzmq call outside a pass may have consumed the FD's edge: if anything waits,
        serve it soon (several touches coalesce into one pass)."""
        if not self.scheduled and (self.recv_q or self.send_q or self.polls or self.receiver is not None):
            self.scheduled = True
            self.schedule(self.run)

    def run(self) -> None:
        """The scheduled pass."""
        self.scheduled = False
        self.serve()

    def serve(self) -> None:
        """Serve queued operations and polls while libzmq says they can proceed."""
        sock = self.sock
        while not sock.closed:
            events = _get(sock, EVENTS)
            received = sent = 0
            if self.polls:
                # polls queued before the operations now waiting see the state before those
                # run, the others the state after (a message a queued recv took is gone)
                self._serve_polls(events, True)
            if self.recv_q and (events & POLLIN or self.returned):
                received = self.drain(self.recv_q)
            if self.receiver is not None and events & POLLIN and not self.recv_q:
                received = self.receiver() or received
            if events & POLLOUT and self.send_q:
                sent = self.drain(self.send_q)
            if self.polls:
                self._serve_polls(_get(sock, EVENTS) if received or sent else events, False)
            # Each queue was served until it would block, so reading EVENTS again (two
            # syscalls in libzmq) only pays when what we did may have readied the other way.
            if not ((received and self.send_q) or (sent and (self.recv_q or self.receiver is not None))):
                break

    def drain(self, queue: deque[Pending], limit: int = -1) -> int:
        """Run the queue's operations in order until one would block (or ``limit`` of them
        ran, if not negative); how many ran."""
        progressed = 0
        sock = self.sock
        while queue and progressed != limit:
            p = queue[0]
            waiter = p.waiter
            if waiter.done():  # cancelled or timed out: its operation never ran
                queue.popleft()
                continue
            try:
                result = self.take_returned(p.fn, p.args) if self.returned else WOULD_BLOCK
                if result is WOULD_BLOCK:
                    result = p.fn(sock, *p.args)
            except BaseException as e:
                queue.popleft()
                if p.timer is not None:
                    p.timer()
                waiter.set_exception(e)
            else:
                if result is WOULD_BLOCK:
                    break
                queue.popleft()
                if p.timer is not None:
                    p.timer()  # (before the waiter runs: a green waiter runs at once)
                waiter.set_result(result)
            progressed += 1
        return progressed

    def enqueue(self, waiter: Any, fn: Callable[..., Any], args: tuple[Any, ...], receiving: bool) -> Pending:
        """Queue ``fn(sock, *args)`` for ``waiter``, after the operations waiting in its
        direction. If the socket's RCVTIMEO (SNDTIMEO) is set, the waiter fails with
        :class:`zmq.Again` when it expires, through the adapter's ``call_later``."""
        p = Pending(waiter, fn, args)
        timeout = _get(self.sock, RCVTIMEO if receiving else SNDTIMEO)
        if timeout >= 0 and self.call_later is not None:
            p.timer = self.call_later(timeout / 1000, expire, waiter)
        (self.recv_q if receiving else self.send_q).append(p)
        return p

    def _serve_polls(self, events: int, only_first: bool) -> None:
        """Resolve the polls ``events`` satisfies (``only_first``: only those begun before
        every operation still waiting). A waiter that stays not-done stays (green pollers)."""
        if self.returned:
            events |= POLLIN
        still = []
        for entry in self.polls:
            waiter, flags, last_recv, last_send = entry
            if waiter.done():
                continue
            if events & flags and not (only_first and ((last_recv is not None and not last_recv.waiter.done())
                                                       or (last_send is not None and not last_send.waiter.done()))):
                waiter.set_result(events & flags)
                if waiter.done():
                    continue
            still.append(entry)
        self.polls[:] = still

    def add_poll(self, waiter: Any, flags: int) -> None:
        """Queue a poll: ``waiter.set_result(ready events)`` once any of ``flags`` is ready."""
        recv_q, send_q = self.recv_q, self.send_q
        self.polls.append([waiter, flags, recv_q[-1] if recv_q else None, send_q[-1] if send_q else None])

    def give_back(self, fn: Callable[..., Any], args: tuple[Any, ...], result: Any) -> None:
        """A receive ``fn(sock, *args)`` took ``result`` but its waiter gave up: keep it for
        the next receive of the same kind."""
        self.returned.append((fn, args, result))
        self.touched()

    def take_returned(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> Any:
        """The oldest handed-back result of a receive like ``fn(sock, *args)``, or WOULD_BLOCK."""
        first = self.returned[0]
        if _same(first[0], fn) and first[1] == args:
            return self.returned.popleft()[2]
        return WOULD_BLOCK

    def fail_all(self, error: BaseException | None) -> None:
        """Finish every waiter: with ``error``, or cancelled (None)."""
        for queue in (self.recv_q, self.send_q):
            while queue:
                p = queue.popleft()
                if p.timer is not None:
                    p.timer()
                _fail(p.waiter, error)
        polls, self.polls = self.polls, []
        for entry in polls:
            _fail(entry[0], error)


def expire(waiter: Any) -> None:
    """A queued operation's timeout: its waiter fails with :class:`zmq.Again`."""
    if not waiter.done():
        waiter.set_exception(Again())


def _fail(waiter: Any, error: BaseException | None) -> None:
    if waiter.done():
        return
    if error is None:
        waiter.cancel()
    else:
        waiter.set_exception(error)


def recv_into_now(sock: zmq.Socket, buf: Any, nbytes: int, flags: int) -> Any:
    """One non-blocking ``recv_into`` (the core's has no non-raising mode): its size, or WOULD_BLOCK."""
    try:
        return _Core.recv_into(sock, buf, nbytes=nbytes, flags=(flags | NOBLOCK) & ~NOTHROW_FLAG)
    except Again:
        return WOULD_BLOCK


def closed_error() -> ZMQError:
    """What an operation on a closed socket raises."""
    return ZMQError(ENOTSOCK)


class Operations:
    """The send/recv family of an event-loop socket, each method written once: it hands the
    core's non-blocking attempt ``fn(self, *args)`` to ``self._op(fn, args, flags,
    receiving)``, which the adapter runs now or queues (returning a future, or the result).

    The string, JSON, pickle and serialized variants call these methods (``self.send``,
    ``self.recv``...) and end with ``self._deserialize(received, load)``, which a
    future-returning adapter overrides to chain its future (the compiled core's contract,
    written here once for the adapters: a Python ``send`` with pyzmq's signature cannot take
    the core's cpdef call yet).
    """

    _op: Callable[..., Any]

    def recv(self, flags: int = 0, copy: bool = True, track: bool = False) -> Any:
        """Receive one part (bytes, or a Frame if ``copy=False``)."""
        return self._op(_Core.recv, (flags | TRY, copy, track), flags, True)

    def recv_multipart(self, flags: int = 0, copy: bool = True, track: bool = False) -> Any:
        """Receive a whole multipart message: a list of parts."""
        return self._op(_Core.recv_multipart, (flags | TRY, copy, track), flags, True)

    def recv_into(self, buf: Any, /, *, nbytes: int = 0, flags: int = 0) -> Any:
        """Receive one part into the writable buffer ``buf`` (at most ``nbytes`` bytes, 0: all
        of it): the message's size (larger than the space given: truncated)."""
        return self._op(recv_into_now, (buf, nbytes, flags), flags, True)

    def send(self, data: Any, flags: int = 0, copy: bool = True, track: bool = False, **kwargs: Any) -> Any:
        """Send one part (the result: None, or a MessageTracker with ``track=True``).
        Keyword arguments (``routing_id``, ``group``) go to :meth:`zmq.Socket.send`."""
        fn = partial(_Core.send, **kwargs) if kwargs else _Core.send
        return self._op(fn, (data, flags | TRY, copy, track), flags, False)

    def send_multipart(self, msg_parts: Any, flags: int = 0, copy: bool = True, track: bool = False, **kwargs: Any) -> Any:
        """Send a multipart message (all of it, or if abandoned while waiting, none)."""
        fn = partial(_Core.send_multipart, **kwargs) if kwargs else _Core.send_multipart
        parts = msg_parts if type(msg_parts) is list else list(msg_parts)
        return self._op(fn, (parts, flags | TRY, copy, track), flags, False)


    def send_string(self, u: str, flags: int = 0, copy: bool = True, encoding: str = "utf-8", **kwargs: Any) -> Any:
        """Send a str encoded with ``encoding``."""
        if not isinstance(u, str):
            raise TypeError(f"send_string takes a str, not {type(u).__name__!r}")
        return self.send(u.encode(encoding), flags, copy, **kwargs)

    def send_json(self, obj: Any, flags: int = 0, **kwargs: Any) -> Any:
        """Send ``obj`` as JSON. Serialization errors raise at once."""
        import json

        extra = {k: kwargs.pop(k) for k in ("routing_id", "group") if k in kwargs}
        return self.send(json.dumps(obj, **kwargs).encode("utf-8"), flags, **extra)

    def send_pyobj(self, obj: Any, flags: int = 0, protocol: int | None = None, **kwargs: Any) -> Any:
        """Send ``obj`` pickled. Pickling errors raise at once."""
        import pickle

        return self.send(pickle.dumps(obj, pickle.DEFAULT_PROTOCOL if protocol is None else protocol), flags, **kwargs)

    def send_serialized(self, msg: Any, serialize: Callable[[Any], Any], flags: int = 0, copy: bool = True, **kwargs: Any) -> Any:
        """Send ``serialize(msg)`` as a multipart message."""
        return self.send_multipart(serialize(msg), flags, copy, **kwargs)

    def recv_string(self, flags: int = 0, encoding: str = "utf-8") -> Any:
        """Receive one part decoded to str."""
        return self._deserialize(self.recv(flags), partial(_decode, encoding=encoding))

    def recv_json(self, flags: int = 0, **kwargs: Any) -> Any:
        """Receive one part decoded from JSON."""
        import json

        return self._deserialize(self.recv(flags), partial(json.loads, **kwargs) if kwargs else json.loads)

    def recv_pyobj(self, flags: int = 0) -> Any:
        """Receive one part and unpickle it (trusted peers only)."""
        import pickle

        return self._deserialize(self.recv(flags), pickle.loads)

    def recv_serialized(self, deserialize: Callable[[list[Any]], Any], flags: int = 0, copy: bool = True) -> Any:
        """Receive a multipart message and return ``deserialize(parts)``."""
        return self._deserialize(self.recv_multipart(flags, copy), deserialize)

    send_unicode = send_string
    recv_unicode = recv_string

    def _deserialize(self, received: Any, load: Callable[[Any], Any]) -> Any:
        """What every ``recv_*`` variant ends with: ``load(received)``; a future-returning
        adapter overrides it to chain its future."""
        return load(received)


def _decode(data: bytes, encoding: str) -> str:
    return data.decode(encoding)


class Shadowing:
    """``from_socket`` of the event-loop Socket classes."""

    @classmethod
    def from_socket(cls, socket: zmq.Socket, io_loop: Any = None) -> Any:
        """A socket of this class sharing ``socket``'s libzmq socket (which keeps ownership
        and must stay open meanwhile). ``io_loop`` is accepted for compatibility, unused."""
        return cls(socket)  # type: ignore[call-arg]


class ShadowingContext:
    """``from_context`` of the event-loop Context classes, and their own ``instance()``."""

    _instance: Any = None  # no instance() of this class yet (not zmq.Context's)
    _instance_pid: int | None = None

    @classmethod
    def from_context(cls, context: zmq.Context[Any]) -> Any:
        """A Context of this class sharing ``context``'s libzmq context (which keeps ownership)."""
        return cls.shadow(context.underlying)  # type: ignore[attr-defined]
