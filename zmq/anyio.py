"""AnyIO support: Context, Socket and Poller whose blocking calls are awaitable under any
AnyIO backend (asyncio or trio). There is no start step and no thread: a socket may be used
from any task of the running event loop.

Every operation first tries the libzmq call at once without blocking (the compiled core's
``NOTHROW_FLAG`` attempts return ``WOULD_BLOCK`` instead of raising). What happens when it
would block depends on the backend:

- under asyncio, the socket is a :mod:`zmq.asyncio` socket: the operation is queued in its
  :class:`zmq._readiness.Readiness` (:mod:`zmq._async`), and the awaitable returned is an
  asyncio future;
- under trio, the task waits on the socket's ``ZMQ_FD`` with trio's fd wait
  (:class:`_FDState`) and attempts again when it signals.

``ZMQ_FD`` is edge-triggered (see :mod:`zmq._readiness`): under trio a task re-reads
``EVENTS`` after every miss before it waits, and whenever a call here may have consumed the
edge while other tasks wait on the same fd, those tasks are woken to check again.

Cancellation never loses a message: under asyncio as in :mod:`zmq.asyncio` (a message
taken for a receive whose task was cancelled goes to the next receive); under trio a
message is taken from libzmq only by a synchronous attempt whose result is returned without
any await in between, so a receive cancelled before it returns leaves its message for the
next one, and a cancelled send sent either the whole message or nothing.
"""
from __future__ import annotations

import asyncio
import math
from types import TracebackType
from typing import Any, Callable

import anyio
import anyio.lowlevel
import sniffio

import zmq
from zmq._async import AsyncSocketMixin
from zmq._async_poller import AsyncPollerMixin, poll_now
from zmq._readiness import EVENTS, FD, NOBLOCK, POLLIN, POLLOUT, RCVTIMEO, SNDTIMEO, WOULD_BLOCK, Shadowing, closed_error
from zmq.asyncio import _AsyncContext
from zmq.error import Again, ZMQError

__all__ = ["Context", "Socket", "Poller"]

# Operations that complete at once do not yield to the event loop (as in zmq.asyncio); one
# in this many checkpoints first, so a socket that never runs dry cannot starve other tasks.
_YIELD_EVERY = 64
_streak = 0  # operations since the last such checkpoint (any socket's: a plain int is cheapest)

#: sniffio's thread state: its ``name`` is "trio" while trio runs in this thread (reading it
#: costs no syscall, unlike asking asyncio for its running loop), which picks each
#: operation's path.
_sniffio_local = sniffio.thread_local

_wait_readable: Callable[[int], Any] = getattr(anyio, "wait_readable", None) or anyio.wait_socket_readable  # type: ignore[assignment]
_wait_writable: Callable[[int], Any] = getattr(anyio, "wait_writable", None) or anyio.wait_socket_writable  # type: ignore[assignment]
_notify_closing: Callable[[int], None] | None = getattr(anyio, "notify_closing", None)


class _FDState:
    """The tasks waiting for one readable fd under trio: one "leader" task waits on the fd
    and the others ("followers") on an event the leader sets when it stops waiting."""

    __slots__ = ("fd", "leader", "event", "waiting", "wait_in", "wait_out")

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.leader: anyio.CancelScope | None = None
        self.event: anyio.Event | None = None
        self.waiting = 0  # tasks inside wait()
        self.wait_in = 0  # ... of which wait for POLLIN
        self.wait_out = 0  # ... for POLLOUT

    def wanted(self) -> int:
        """The events the waiting tasks wait for."""
        return (POLLIN if self.wait_in else 0) | (POLLOUT if self.wait_out else 0)

    def touch(self) -> None:
        """Someone's libzmq call may have consumed the fd's edge: wake every waiting task."""
        if self.leader is not None:
            self.leader.cancel()  # its wait returns normally; on the way out it wakes the rest
        else:
            self._wake_followers()

    def _wake_followers(self) -> None:
        event, self.event = self.event, None
        if event is not None:
            event.set()

    async def wait(self, want: int) -> None:
        """Wait until the fd signals or :meth:`touch` is called (either may be spurious:
        the caller re-checks). ``want``: the events the caller waits for."""
        self.waiting += 1
        self.wait_in += want & POLLIN
        self.wait_out += (want & POLLOUT) >> 1
        try:
            # trio's own primitives where they are trio's (AnyIO's wrappers cost a little more)
            trio = sniffio.current_async_library() == "trio"
            scope_class, wait_readable, event_class = _trio_primitives() if trio else _anyio_primitives
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
            self.wait_out -= (want & POLLOUT) >> 1

    def close(self) -> None:
        """The fd is about to be closed: stop waiting on it and wake every task."""
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


def _state(fd: int) -> _FDState:
    st = _states.get(fd)
    if st is None:
        st = _states[fd] = _FDState(fd)
    return st


class Socket(AsyncSocketMixin, Shadowing, zmq.Socket):  # type: ignore[misc]
    """A :class:`zmq.Socket` whose send/recv/poll methods are awaitable under AnyIO
    (asyncio or trio); ``async with`` closes it.

    The send/recv family is :class:`zmq._readiness.Operations`' (as in :mod:`zmq.asyncio`),
    over :meth:`_op`, which takes the running backend's path.
    """

    _st: _FDState | None = None  # under trio
    _cancel_on_close = False  # closing the socket makes its waiting operations raise ENOTSOCK

    async def __aenter__(self) -> Socket:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    # -- plumbing ----------------------------------------------------------------------------

    def _fd_state(self) -> _FDState:
        st = self._st
        if st is None:
            st = self._st = _state(zmq.Socket.get(self, FD))
        return st

    def _op(self, fn: Callable[..., Any], args: tuple[Any, ...], flags: int, receiving: bool) -> Any:
        """An awaitable of ``fn(self, *args)`` (a non-blocking, non-raising attempt) once it
        completes: asyncio's future, or under trio a coroutine."""
        global _streak
        if _streak >= _YIELD_EVERY:
            _streak = 0
            return self._checkpoint_first(fn, args, flags, receiving)
        _streak += 1
        if _sniffio_local.name != "trio":
            return AsyncSocketMixin._op(self, fn, args, flags, receiving)
        return self._trio_op(fn, args, flags, POLLIN if receiving else POLLOUT)

    async def _checkpoint_first(self, fn: Callable[..., Any], args: tuple[Any, ...], flags: int, receiving: bool) -> Any:
        await anyio.lowlevel.checkpoint()  # (before the attempt: cancelling here loses nothing)
        return await self._op(fn, args, flags, receiving)

    async def _trio_op(self, fn: Callable[..., Any], args: tuple[Any, ...], flags: int, want: int) -> Any:
        if self.closed:
            raise closed_error()
        result = fn(self, *args)
        if result is not WOULD_BLOCK:
            st = self._st
            if st is not None and st.waiting:
                st.touch()
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
        AsyncSocketMixin.close(self, linger)

    def get(self, option: int) -> Any:
        """Get a socket option (see :meth:`zmq.Socket.get`)."""
        value = AsyncSocketMixin.get(self, option)
        if option == EVENTS and self._st is not None and self._st.waiting:
            self._st.touch()  # reading EVENTS may consume the FD edge waiting tasks need
        return value

    getsockopt = get

    # -- the async API: the send/recv family is zmq._readiness.Operations' --------------------

    def _deserialize(self, received: Any, load: Callable[[Any], Any]) -> Any:
        """The recv_* variants' last step: an awaitable of ``load(what received gives)``."""
        if isinstance(received, asyncio.Future):
            return AsyncSocketMixin._deserialize(self, received, load)
        return _loaded(received, load)

    def poll(self, timeout: int | None = None, flags: int = POLLIN) -> Any:  # type: ignore[override]
        """Wait until the socket has any of ``flags`` ready (ms timeout; None or negative:
        forever): an awaitable of the ready events (0 on timeout)."""
        if _sniffio_local.name != "trio":
            return AsyncSocketMixin.poll(self, timeout, flags)
        return self._trio_poll(timeout, flags)

    async def _trio_poll(self, timeout: int | None, flags: int) -> int:
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


class Poller(AsyncPollerMixin, zmq.Poller):
    """A :class:`zmq.Poller` whose ``poll(timeout)`` is awaitable under AnyIO."""

    _socket_class = Socket
    _cancel_on_close = False  # closing a registered socket makes the poll raise instead

    def poll(self, timeout: float | None = -1) -> Any:
        """Wait up to ``timeout`` ms (None or negative: forever) for the registered sockets
        and fds: an awaitable of the ``(socket, events)`` pairs that are ready.

        A registered object that is neither a zmq socket nor an int is reported by its file
        descriptor, as :func:`zmq.zmq_poll` reports it. Closing a registered socket while
        the poll waits makes it raise :class:`zmq.ZMQError`. Under asyncio this is
        :class:`zmq.asyncio.Poller`'s poll.
        """
        if _sniffio_local.name != "trio":
            return AsyncPollerMixin.poll(self, timeout)
        return self._trio_poll(timeout)

    async def _trio_poll(self, timeout: float | None) -> list[tuple[Any, int]]:
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
        ready = poll_now(self.sockets)
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
