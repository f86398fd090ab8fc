"""AnyIO support: Context, Socket and Poller whose blocking calls are awaitable under any
AnyIO backend (asyncio or trio). There is no start step and no thread: a socket may be used
from any task of the running event loop.

Every operation first tries the libzmq call at once without blocking (the compiled core's
``NOTHROW_FLAG`` attempts return ``WOULD_BLOCK`` instead of raising). Only when it would
block does the task wait on the socket's ``ZMQ_FD`` with AnyIO's low-level fd wait.

``ZMQ_FD`` is edge-triggered: it says "something changed", and any libzmq call may consume
that signal. So a task re-reads ``EVENTS`` after every miss before it waits, and whenever a
call here may have consumed the edge while other tasks wait on the same fd, those tasks are
woken to check again (:class:`_FDState`). Only one task at a time waits on an fd (AnyIO
allows no more); the others wait on an event the waiting task sets when it wakes.

Cancellation never loses a message: a message is taken from libzmq only by a synchronous
attempt whose result is returned without any await in between, so a receive cancelled
before it returns leaves its message for the next one, and a cancelled send sent either
the whole message or nothing.
"""
from __future__ import annotations

import asyncio
import math
import threading
from types import TracebackType
from typing import Any, Callable

import anyio
import anyio.lowlevel
import sniffio

import zmq
from zmq._readiness import (EVENTS, FD, NOBLOCK, POLLIN, POLLOUT, RCVTIMEO, SNDTIMEO, TRY, WOULD_BLOCK, Operations,
                            Shadowing, closed_error, recv_into_now)
from zmq.asyncio import _AsyncContext
from zmq.error import Again, ZMQError

__all__ = ["Context", "Socket", "Poller"]

# Operations that complete at once do not yield to the event loop (as in zmq.asyncio); one
# in this many checkpoints first, so a socket that never runs dry cannot starve other tasks.
_YIELD_EVERY = 64
_streak = 0  # operations since the last such checkpoint (any socket's: a plain int is cheapest)

_wait_readable: Callable[[int], Any] = getattr(anyio, "wait_readable", None) or anyio.wait_socket_readable  # type: ignore[assignment]
_wait_writable: Callable[[int], Any] = getattr(anyio, "wait_writable", None) or anyio.wait_socket_writable  # type: ignore[assignment]
_notify_closing: Callable[[int], None] | None = getattr(anyio, "notify_closing", None)


class _FDState:
    """The tasks waiting for one readable fd.

    Under asyncio the fd gets one reader callback on the loop (kept while tasks keep coming
    back, so a busy socket costs no epoll_ctl per wait), which resolves the waiting tasks'
    futures. Elsewhere (trio) one "leader" task waits on the fd with AnyIO's fd wait and the
    others ("followers") on an event the leader sets when it stops waiting.
    """

    __slots__ = ("fd", "leader", "event", "futures", "loop", "waiting", "wait_in", "wait_out", "inproc")

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.leader: anyio.CancelScope | None = None
        self.event: anyio.Event | None = None
        self.futures: list[asyncio.Future[None]] = []
        self.loop: asyncio.AbstractEventLoop | None = None  # whose reader watches fd
        self.waiting = 0  # tasks inside wait()
        self.wait_in = 0  # ... of which wait for POLLIN
        self.wait_out = 0  # ... for POLLOUT
        self.inproc = False  # the socket has inproc endpoints (see _kick_inproc_receivers)

    def wanted(self) -> int:
        """The events the waiting tasks wait for."""
        return (POLLIN if self.wait_in else 0) | (POLLOUT if self.wait_out else 0)

    def touch(self) -> None:
        """Someone's libzmq call may have consumed the fd's edge: wake every waiting task."""
        if self.futures:
            self._resolve()
        if self.leader is not None:
            self.leader.cancel()  # its wait returns normally; on the way out it wakes the rest
        else:
            self._wake_followers()

    def _wake_followers(self) -> None:
        event, self.event = self.event, None
        if event is not None:
            event.set()

    def _resolve(self) -> None:
        futures, self.futures = self.futures, []
        for fut in futures:
            if not fut.done():
                fut.set_result(None)

    def _readable(self) -> None:
        if self.futures:
            self._resolve()
        else:  # nobody came back since the last wake-up: stop watching
            self._unwatch()

    def _unwatch(self) -> None:
        loop, self.loop = self.loop, None
        if loop is not None and not loop.is_closed():
            loop.remove_reader(self.fd)

    async def wait(self, want: int) -> None:
        """Wait until the fd signals or :meth:`touch` is called (either may be spurious:
        the caller re-checks). ``want``: the events the caller waits for."""
        self.waiting += 1
        self.wait_in += want & POLLIN
        self.wait_out += (want & POLLOUT) >> 2
        try:
            library = sniffio.current_async_library()
            if library == "asyncio":
                await self._wait_asyncio(want)
                return
            # trio's own primitives where they are trio's (AnyIO's wrappers cost a little more)
            scope_class, wait_readable, event_class = _trio_primitives() if library == "trio" else _anyio_primitives
            if self.leader is None:
                with scope_class() as scope:
                    self.leader = scope
                    try:
                        await wait_readable(self.fd)
                    except _closed_errors():
                        pass  # the socket was closed (the caller finds it closed)
                    finally:
                        self.leader = None
                        self._wake_followers()
            else:
                if self.event is None:
                    self.event = event_class()
                await self.event.wait()
        finally:
            self.waiting -= 1
            self.wait_in -= want & POLLIN
            self.wait_out -= (want & POLLOUT) >> 2

    async def _wait_asyncio(self, want: int) -> None:
        loop = asyncio.get_running_loop()
        if self.loop is not loop:
            self._unwatch()
            loop.add_reader(self.fd, self._readable)
            self.loop = loop
        fut = loop.create_future()
        self.futures.append(fut)
        receivers = _inproc_receivers() if self.inproc and want & POLLIN else None
        if receivers is not None:
            receivers[self] = None
        try:
            await fut
        finally:
            if not fut.done():  # cancelled
                self.futures.remove(fut)
            if receivers is not None and not self.wait_in - (want & POLLIN):
                receivers.pop(self, None)

    def close(self) -> None:
        """The fd is about to be closed: stop waiting on it and wake every task."""
        self._unwatch()  # before the fd goes: libzmq reuses fd numbers
        self._resolve()
        if self.leader is not None:
            if _notify_closing is not None:
                try:
                    _notify_closing(self.fd)  # unregisters the fd now, before it can be reused
                except Exception:  # (not called from a task of the running event loop)
                    pass
            self.leader.cancel()
        self._wake_followers()


_anyio_primitives: tuple[Any, Any, Any] = (anyio.CancelScope, _wait_readable, anyio.Event)
_trio: tuple[Any, Any, Any] | None = None


def _trio_primitives() -> tuple[Any, Any, Any]:
    global _trio
    if _trio is None:
        import trio
        import trio.lowlevel

        _trio = (trio.CancelScope, trio.lowlevel.wait_readable, trio.Event)
    return _trio


def _closed_errors() -> tuple[type[BaseException], ...]:
    """What an fd wait raises when the fd is closed under it (AnyIO's or trio's error)."""
    if _trio is None:
        return (anyio.ClosedResourceError,)
    import trio

    return (anyio.ClosedResourceError, trio.ClosedResourceError)


# fd -> its state; shared by every Socket (and view) of one libzmq socket, and by Pollers.
_states: dict[int, _FDState] = {}


_local = threading.local()


def _inproc_receivers() -> dict[_FDState, None]:
    """This thread's fds of inproc sockets with tasks waiting to receive (an ordered set)."""
    try:
        receivers: dict[_FDState, None] = _local.receivers
    except AttributeError:
        receivers = _local.receivers = {}
    return receivers


def _kick_inproc_receivers(sender: _FDState | None) -> None:
    """An inproc send just succeeded: wake this thread's waiting inproc receivers at once.

    Their peer may be the sender, in this thread; without this they would wait for the
    event loop's next poll of their fd to see the message (a loop round trip per message).
    Only asyncio waiters register (waking one is resolving a future; under trio it would
    be a cancellation, which costs more than the poll it saves).
    """
    receivers = _inproc_receivers()
    for st in list(receivers):
        if st is not sender:
            st.touch()


def _state(fd: int) -> _FDState:
    st = _states.get(fd)
    if st is None:
        st = _states[fd] = _FDState(fd)
    return st


class Socket(Operations, Shadowing, zmq.Socket):
    """A :class:`zmq.Socket` whose send/recv/poll methods are awaitable under AnyIO
    (asyncio or trio); ``async with`` closes it."""

    _st: _FDState | None = None
    _inproc: bool = False  # bound or connected to an inproc endpoint

    async def __aenter__(self) -> Socket:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    # -- plumbing ----------------------------------------------------------------------------

    def _fd_state(self) -> _FDState:
        st = self._st
        if st is None:
            st = self._st = _state(zmq.Socket.get(self, FD))
            st.inproc = st.inproc or self._inproc
        return st

    def bind(self, addr: str) -> Any:
        """Bind (see :meth:`zmq.Socket.bind`); inproc endpoints enable same-thread fast delivery."""
        result = super().bind(addr)
        if isinstance(addr, str) and addr.startswith("inproc://"):
            self._mark_inproc()
        return result

    def connect(self, addr: str) -> Any:
        """Connect (see :meth:`zmq.Socket.connect`); inproc endpoints enable same-thread fast delivery."""
        result = super().connect(addr)
        if isinstance(addr, str) and addr.startswith("inproc://"):
            self._mark_inproc()
        return result

    def _mark_inproc(self) -> None:
        self._inproc = True
        if self._st is not None:
            self._st.inproc = True

    async def _op(self, fn: Callable[..., Any], args: tuple[Any, ...], flags: int, want: int) -> Any:
        """Run ``fn(self, *args)`` (a non-blocking, non-raising attempt) until it completes."""
        global _streak
        if _streak >= _YIELD_EVERY:
            _streak = 0
            await anyio.lowlevel.checkpoint()  # (before the attempt: cancelling here loses nothing)
        else:
            _streak += 1
        if self.closed:
            raise closed_error()
        result = fn(self, *args)
        if result is not WOULD_BLOCK:
            st = self._st
            if st is not None and st.waiting:
                st.touch()
            if self._inproc and want == POLLOUT:
                _kick_inproc_receivers(st)
            return result
        st = self._fd_state()
        if flags & NOBLOCK:
            self._missed(st, zmq.Socket.get(self, EVENTS))
            raise Again()
        timeout = zmq.Socket.get(self, RCVTIMEO if want == POLLIN else SNDTIMEO)
        if timeout < 0:
            return await self._retry(st, fn, args, want)
        with anyio.move_on_after(timeout / 1000):
            return await self._retry(st, fn, args, want)
        raise Again()

    @staticmethod
    def _missed(st: _FDState, events: int) -> None:
        # Our call may have readied what another waiting task waits for, consuming the edge.
        if events & st.wanted():
            st.touch()

    async def _retry(self, st: _FDState, fn: Callable[..., Any], args: tuple[Any, ...], want: int) -> Any:
        get = zmq.Socket.get
        while True:
            events = get(self, EVENTS)
            if events & want:
                result = fn(self, *args)
                if result is not WOULD_BLOCK:
                    if st.waiting:
                        st.touch()
                    if self._inproc and want == POLLOUT:
                        _kick_inproc_receivers(st)
                    return result
                events = get(self, EVENTS)
            self._missed(st, events)
            await st.wait(want)
            if self.closed:
                raise closed_error()

    def close(self, linger: int | None = None) -> None:
        """Close the socket; tasks waiting on it raise :class:`zmq.ZMQError` (ENOTSOCK)."""
        if not self.closed:
            st = self._st
            if st is None:
                try:
                    st = _states.get(zmq.Socket.get(self, FD))
                except ZMQError:
                    st = None
            if st is not None:
                if _states.get(st.fd) is st:
                    del _states[st.fd]
                st.close()
            self._st = None
        super().close(linger)

    def get(self, option: int) -> Any:
        """Get a socket option (see :meth:`zmq.Socket.get`)."""
        value = zmq.Socket.get(self, option)
        if option == EVENTS and self._st is not None and self._st.waiting:
            self._st.touch()  # reading EVENTS may consume the FD edge waiting tasks need
        return value

    getsockopt = get

    # -- the async API -----------------------------------------------------------------------

    async def recv(self, flags: int = 0, copy: bool = True, track: bool = False) -> Any:  # type: ignore[override]
        """Receive one part (bytes, or a Frame if ``copy=False``)."""
        return await self._op(zmq.Socket.recv, (flags | TRY, copy, track), flags, POLLIN)

    async def recv_multipart(self, flags: int = 0, copy: bool = True, track: bool = False) -> Any:  # type: ignore[override]
        """Receive a whole multipart message: a list of parts."""
        return await self._op(zmq.Socket.recv_multipart, (flags | TRY, copy, track), flags, POLLIN)

    async def recv_into(self, buf: Any, /, *, nbytes: int = 0, flags: int = 0) -> int:  # type: ignore[override]
        """Receive one part into the writable buffer ``buf`` (at most ``nbytes`` bytes, 0: all
        of it); return the message's size (larger than the space given: truncated)."""
        result: int = await self._op(recv_into_now, (buf, nbytes, flags), flags, POLLIN)
        return result

    async def send(self, data: Any, flags: int = 0, copy: bool = True, track: bool = False, **kwargs: Any) -> Any:  # type: ignore[override]
        """Send one part; return None (a MessageTracker with ``track=True``). Keyword
        arguments (``routing_id``, ``group``) go to :meth:`zmq.Socket.send`."""
        if kwargs:
            sync = zmq.Socket.send
            return await self._op(lambda s, *a: sync(s, *a, **kwargs), (data, flags | TRY, copy, track), flags, POLLOUT)
        return await self._op(zmq.Socket.send, (data, flags | TRY, copy, track), flags, POLLOUT)

    async def send_multipart(self, msg_parts: Any, flags: int = 0, copy: bool = True, track: bool = False, **kwargs: Any) -> Any:  # type: ignore[override]
        """Send a multipart message (all of it or, if cancelled while waiting, none)."""
        sync = zmq.Socket.send_multipart
        parts = msg_parts if type(msg_parts) is list else list(msg_parts)
        if kwargs:
            return await self._op(lambda s, *a: sync(s, *a, **kwargs), (parts, flags | TRY, copy, track), flags, POLLOUT)
        return await self._op(sync, (parts, flags | TRY, copy, track), flags, POLLOUT)

    # send_string/json/pyobj/serialized and the recv_* variants: zmq._readiness.Operations',
    # over the methods above; their results are awaitable through _deserialize.

    def _deserialize(self, received: Any, load: Callable[[Any], Any]) -> Any:
        """The recv_* variants' last step: a coroutine of ``load(await received)``."""
        return _loaded(received, load)

    async def poll(self, timeout: int | None = None, flags: int = POLLIN) -> int:  # type: ignore[override]
        """Wait until the socket has any of ``flags`` ready (ms timeout; None or negative:
        forever); return the ready events (0 on timeout)."""
        if self.closed:
            zmq.Socket.poll(self, 0)  # raises the sync poll's error for a closed socket
        flags = int(flags)
        st = self._fd_state()
        events: int = zmq.Socket.get(self, EVENTS)
        if events & flags or timeout == 0:
            if st.waiting:
                st.touch()
            await anyio.lowlevel.checkpoint()
            return events & flags
        with anyio.move_on_after(timeout / 1000 if timeout is not None and timeout > 0 else math.inf):
            while True:
                self._missed(st, events)
                await st.wait(flags)
                if self.closed:
                    raise closed_error()
                events = zmq.Socket.get(self, EVENTS)
                if events & flags:
                    if st.waiting:
                        st.touch()
                    return events & flags
        return 0


async def _loaded(received: Any, load: Callable[[Any], Any]) -> Any:
    return load(await received)


class Context(_AsyncContext, zmq.Context[Socket]):
    """A :class:`zmq.Context` whose sockets are :class:`zmq.anyio.Socket`; ``async with``
    terminates it (in a worker thread, so tasks closing their sockets keep running)."""

    _socket_class = Socket

    async def __aenter__(self) -> Context:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        await anyio.to_thread.run_sync(self.term)


class Poller(zmq.Poller):
    """A :class:`zmq.Poller` whose ``poll(timeout)`` is awaitable under AnyIO."""

    _socket_class = Socket

    async def poll(self, timeout: float | None = -1) -> list[tuple[Any, int]]:  # type: ignore[override]
        """Wait up to ``timeout`` ms (None or negative: forever) for the registered sockets
        and fds; return the ``(socket, events)`` pairs that are ready.

        A registered object that is neither a zmq socket nor an int is reported by its file
        descriptor, as :func:`zmq.zmq_poll` reports it. Closing a registered socket while
        the poll waits makes it raise :class:`zmq.ZMQError`.
        """
        ready = self._check()
        if ready or timeout == 0:
            await anyio.lowlevel.checkpoint()
            return ready
        # States of fds that no zmq.anyio.Socket owns (plain fds, sync zmq sockets): nobody
        # would stop watching them when they close, so they are forgotten after each round.
        foreign: list[_FDState] = []
        try:
            with anyio.move_on_after(timeout / 1000 if timeout is not None and timeout > 0 else math.inf):
                while True:
                    async with anyio.create_task_group() as tg:
                        for obj, flags in self.sockets:
                            if isinstance(obj, zmq.Socket):
                                st = _state(zmq.Socket.get(obj, FD))
                                if not isinstance(obj, Socket):
                                    foreign.append(st)
                                tg.start_soon(_wait_item, tg.cancel_scope, st, flags, obj)
                                continue
                            fd = obj if isinstance(obj, int) else obj.fileno()
                            if flags & POLLIN:
                                foreign.append(_state(fd))
                                tg.start_soon(_wait_item, tg.cancel_scope, foreign[-1], POLLIN, None)
                            if flags & POLLOUT:
                                tg.start_soon(_wait_writable_item, tg.cancel_scope, fd)
                    _forget(foreign)
                    ready = self._check()
                    if ready:
                        return ready
        finally:
            _forget(foreign)
        return []

    def _check(self) -> list[tuple[Any, int]]:
        ready = zmq.zmq_poll(self.sockets, 0)
        for i, (obj, events) in enumerate(ready):
            if not isinstance(obj, (int, zmq.Socket)):
                ready[i] = (obj.fileno(), events)
        # zmq_poll consumes FD edges: tasks waiting on the polled sockets must re-check.
        for obj, _ in self.sockets:
            if isinstance(obj, zmq.Socket) and not obj.closed:
                st = _states.get(zmq.Socket.get(obj, FD))
                if st is not None and st.waiting:
                    st.touch()
        return ready


def _forget(states: list[_FDState]) -> None:
    for st in states:
        if not st.waiting:
            st._unwatch()
            if _states.get(st.fd) is st:
                del _states[st.fd]
    states.clear()


async def _wait_item(scope: anyio.CancelScope, st: _FDState, flags: int, sock: zmq.Socket | None) -> None:
    if sock is not None:
        # re-check before waiting: the edge may be gone (read by zmq_poll or someone else)
        if sock.closed or zmq.Socket.get(sock, EVENTS) & flags:
            scope.cancel()
            return
    await st.wait(flags)
    scope.cancel()


async def _wait_writable_item(scope: anyio.CancelScope, fd: int) -> None:
    await _wait_writable(fd)
    scope.cancel()
