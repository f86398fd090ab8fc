"""The asyncio adapter of :mod:`zmq._readiness`, shared by cyzmq's asyncio and Tornado sockets.

A call first tries the operation at once (when nothing is queued ahead of it), so ``await
sock.recv()`` on a socket with a message waiting completes without an event-loop round
trip. Otherwise the operation is queued in the socket's :class:`~zmq._readiness.Readiness`
(whose futures are asyncio's) and the running loop watches the socket's ``ZMQ_FD``
(:mod:`zmq._fdwatch`: asyncio allows one reader per fd, views and streams share it).
"""
from __future__ import annotations

import asyncio
import threading
from errno import EAGAIN
from typing import TYPE_CHECKING, Any, Callable

import zmq
from zmq._fdwatch import FDWatcher, existing_watcher, fd_watcher
from zmq._readiness import (EVENTS, FD, NOBLOCK, POLLIN, WOULD_BLOCK, Operations, Readiness, closed_error,
                            recv_into_now)
from zmq.error import Again, ContextTerminated, ZMQError


_running_loop = asyncio._get_running_loop  # (None outside a running loop: no exception to catch)
_thread_ident = threading.get_ident


def _get_loop() -> asyncio.AbstractEventLoop:
    """The running loop, else the policy's loop for this thread."""
    return _running_loop() or asyncio.get_event_loop_policy().get_event_loop()


class _RecvFuture(asyncio.Future):  # type: ignore[type-arg]
    """The future of a queued receive. If the task awaiting it is cancelled after the
    message arrived (before the task could resume), the message goes back to the socket's
    :class:`~zmq._readiness.Readiness` for the next receive instead of being lost."""

    # _back: (readiness, recv fn, args) for the hand-back; _raw: what the recv took, when the
    # result is loaded from it (recv_json...). Slots: set once per queued recv, kept cheap.
    __slots__ = ("_back", "_raw")
    _back: tuple[Readiness, Callable[..., Any], tuple[Any, ...]]
    _raw: Any

    def __await__(self) -> Any:
        if not self.done():
            self._asyncio_future_blocking = True
            try:
                yield self
            except BaseException:
                if self.done() and not self.cancelled() and self.exception() is None:
                    self.hand_back(self.result())
                raise
        return self.result()

    def hand_back(self, result: Any) -> None:
        """Give what the receive took back to the socket, for the next receive."""
        rd, fn, args = self._back
        rd.give_back(fn, args, getattr(self, "_raw", result))

    __iter__ = __await__


# the Future class's name in reprs, as for any asyncio future
_RecvFuture.__name__ = _RecvFuture.__qualname__ = "Future"

if TYPE_CHECKING:  # the mixin is only ever mixed into zmq.Socket subclasses
    _SocketBase = zmq.Socket
else:
    _SocketBase = object


class AsyncSocketMixin(Operations, _SocketBase):  # type: ignore[misc]
    """Future-returning send/recv/poll for a :class:`zmq.Socket` subclass: the asyncio
    adapter of :class:`zmq._readiness.Readiness` (see the module docstring).

    Subclasses set ``_sync`` to the synchronous Socket class whose methods do the work.
    """

    _sync: type[zmq.Socket] = zmq.Socket
    _loop: asyncio.AbstractEventLoop | None = None
    _loop_says_thread = False  # _loop is an asyncio.BaseEventLoop: its _thread_id names the thread running it
    _rd: Readiness | None = None  # of _loop
    _watching: bool = False
    _inproc: bool = False  # bound or connected to an inproc endpoint
    _watcher: FDWatcher | None = None  # of _loop
    _fd: int = -1
    _cancel_on_close = True  # closing the socket cancels its waiting operations (else: ENOTSOCK)

    # -- plumbing ----------------------------------------------------------------------------

    def _future(self) -> asyncio.Future[Any]:
        loop = _get_loop()
        if loop is not self._loop:
            self._switch_loop(loop)
        return loop.create_future()

    def _switch_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._watching:
            self._unwatch()
        self._loop = loop
        self._loop_says_thread = isinstance(loop, asyncio.BaseEventLoop)
        self._watcher = fd_watcher(loop)
        self._fd = -1 if self.closed else self._sync.get(self, FD)
        self._rd = Readiness(self, loop.call_soon, lambda seconds, fn, arg: loop.call_later(seconds, fn, arg).cancel)

    def _watch(self) -> None:
        if not self._watching and self._loop is not None:
            assert self._rd is not None
            self._watching = True
            fd_watcher(self._loop).add(self._fd, id(self), self._rd.serve)

    def _unwatch(self) -> None:
        if self._watching and self._loop is not None:
            self._watching = False
            fd_watcher(self._loop).remove(self._fd, id(self))  # (the fd _watch used)

    def _touched(self) -> None:
        """A libzmq call made outside a wake-up may have consumed the FD's edge: re-check
        our queued operations, and whoever else watches this FD (other views, streams)."""
        rd = self._rd
        if rd is not None and (rd.recv_q or rd.send_q or rd.polls):
            rd.touched()
        if self._watcher is not None:
            self._watcher.touch(self._fd, id(self))

    def _op(self, fn: Callable[..., Any], args: tuple[Any, ...], flags: int, receiving: bool) -> asyncio.Future[Any]:
        """Run ``fn(self, *args)`` now if it completes, else queue it; return its future."""
        loop = self._loop
        # Still our loop if it runs in this thread (one loop runs per thread at a time). That
        # check costs no syscall: asking asyncio for the running loop costs a getpid() (3.11).
        if loop is None or not (self._loop_says_thread and loop._thread_id == _thread_ident()):  # type: ignore[attr-defined]
            loop = _running_loop() or _get_loop()
            if loop is not self._loop:
                self._switch_loop(loop)
        if self.closed:
            return _closed_result(loop, receiving and not flags & NOBLOCK)
        rd = self._rd
        assert rd is not None
        queue = rd.recv_q if receiving else rd.send_q
        # Operations queued ahead go first; only a NOBLOCK recv tries at once regardless
        # (a NOBLOCK send waits its turn, as in pyzmq, which keeps messages in order).
        if not queue or (receiving and flags & NOBLOCK):
            future = loop.create_future()
            try:
                result = rd.take_returned(fn, args) if rd.returned and receiving else WOULD_BLOCK
                if result is WOULD_BLOCK:
                    result = fn(self, *args)
            except ContextTerminated:
                raise  # at once, as pyzmq does (its context is going away)
            except BaseException as e:
                future.set_exception(e)
                return future
            if result is not WOULD_BLOCK:
                future.set_result(result)
                self._touched()
                if not receiving and self._inproc:
                    _serve_inproc_peers(loop)
                return future
            # A miss finds no hidden readiness in its own direction, but it may have
            # processed a command that readies the other one, consuming the FD's edge.
            self._touched()
            if flags & NOBLOCK:  # (args (EAGAIN,), as the Again of the core's own NOBLOCK calls)
                future.set_exception(Again(EAGAIN))
                return future
        if receiving and fn is not recv_into_now:  # (recv_into's buffer is the caller's)
            future = _RecvFuture(loop=loop)
            future._back = (rd, fn, args)
        else:
            future = loop.create_future()
        rd.enqueue(future, fn, args, receiving)
        if self._inproc and receiving:
            self._watcher.inproc_waiting.add(self)  # type: ignore[union-attr]
        if not self._watching:
            self._watch()
        return future

    def _deserialize(self, received: asyncio.Future[Any], load: Callable[[Any], Any]) -> asyncio.Future[Any]:
        """Where the core's recv_string/json/pyobj/serialized end, with the future of their
        recv: a future of ``load(its result)`` (whose cancellation cancels the recv, or hands
        its message back if it was taken)."""
        loop = received.get_loop()
        if received.done():
            outer: asyncio.Future[Any] = loop.create_future()
            _loaded(received, outer, load)
            return outer
        outer = _RecvFuture(loop=loop)
        outer._back = received._back  # type: ignore[attr-defined]
        received.add_done_callback(lambda f: _loaded(f, outer, load))
        outer.add_done_callback(lambda o: received.cancel() if o.cancelled() else None)
        return outer

    def bind(self, addr: str) -> Any:
        """Bind (see :meth:`zmq.Socket.bind`); inproc endpoints enable same-loop fast delivery."""
        result = self._sync.bind(self, addr)
        if isinstance(addr, str) and addr.startswith("inproc://"):
            self._inproc = True
        return result

    def connect(self, addr: str) -> Any:
        """Connect (see :meth:`zmq.Socket.connect`); inproc endpoints enable same-loop fast delivery."""
        result = self._sync.connect(self, addr)
        if isinstance(addr, str) and addr.startswith("inproc://"):
            self._inproc = True
        return result

    def close(self, linger: int | None = None) -> None:
        """Close the socket; operations still waiting are cancelled, and so are async
        Poller polls that include it."""
        orphans: list[Callable[[], None]] = []
        if not self.closed:
            try:
                running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
            except RuntimeError:
                running = None
            try:
                fd = self._sync.get(self, FD)
            except ZMQError:  # its context is terminating (ETERM): the fd we last saw
                fd = self._fd
            for loop in {self._loop, running} - {None}:
                watcher = existing_watcher(loop)  # type: ignore[arg-type]
                if watcher is not None and not watcher.loop.is_closed():
                    watcher.inproc_waiting.discard(self)
                    # Every watch on our fd must go before the fd does: libzmq reuses fd
                    # numbers, and a stale entry would keep a new socket's fd unregistered.
                    orphans += watcher.drop_fd(fd)
            self._watching = False
            if self._rd is not None and self._loop is not None and not self._loop.is_closed():
                # (a closed loop's futures can't be resolved any more)
                self._rd.fail_all(None if self._cancel_on_close else closed_error())
        self._sync.close(self, linger)
        for callback in orphans:
            callback()  # pollers re-check and are cancelled

    def get(self, option: int) -> Any:
        """Get a socket option (see :meth:`zmq.Socket.get`)."""
        value = self._sync.get(self, option)
        if option == EVENTS:
            self._touched()  # reading EVENTS may consume the FD edge queued ops need
        return value

    getsockopt = get

    # -- the async API: the send/recv family is zmq._readiness.Operations' --------------------

    def poll(self, timeout: int | None = None, flags: int = POLLIN) -> asyncio.Future[int]:  # type: ignore[override]
        """Wait until the socket has any of ``flags`` ready (ms timeout; None: forever): an
        awaitable of the ready events (0 on timeout)."""
        if self.closed:
            zmq.Socket.poll(self, 0)  # raises the sync poll's error for a closed socket, at once
        future: asyncio.Future[int] = self._future()
        flags = int(flags)  # (a PollEvent would make every result a PollEvent)
        rd = self._rd
        assert rd is not None
        events = (self._sync.get(self, EVENTS) | (POLLIN if rd.returned else 0)) & flags
        if events or timeout == 0:
            future.set_result(events)
            self._touched()  # reading EVENTS may have consumed the FD edge
            return future
        rd.add_poll(future, flags)
        if timeout is not None and timeout > 0:
            handle = future.get_loop().call_later(timeout / 1000, _resolve_poll_timeout, future)
            future.add_done_callback(lambda f: handle.cancel())
        self._watch()
        rd.touched()
        return future


def _closed_result(loop: asyncio.AbstractEventLoop, raise_now: bool) -> asyncio.Future[Any]:
    """What an operation on a closed socket gives: blocking receives raise ENOTSOCK at
    once, other operations return a future failed with it (as pyzmq does)."""
    error = closed_error()
    if raise_now:
        raise error
    future = loop.create_future()
    future.set_exception(error)
    return future


def _serve_inproc_peers(loop: asyncio.AbstractEventLoop) -> None:
    waiting = fd_watcher(loop).inproc_waiting
    if waiting:
        for sock in list(waiting):
            rd = sock._rd
            if rd is None or not rd.recv_q or sock.closed:
                waiting.discard(sock)
            else:
                rd.serve()


def _loaded(inner: asyncio.Future[Any], outer: asyncio.Future[Any], load: Callable[[Any], Any]) -> None:
    """Resolve ``outer`` with ``load(inner's result)`` (see AsyncSocketMixin._deserialize)."""
    if inner.cancelled():
        outer.cancel()
    elif outer.done():  # cancelled after its recv took a message: the next recv gets it
        if inner.exception() is None and isinstance(outer, _RecvFuture):
            outer.hand_back(inner.result())
    elif inner.exception() is not None:
        outer.set_exception(inner.exception())  # type: ignore[arg-type]
    else:
        raw = inner.result()
        try:
            value = load(raw)
        except Exception as e:  # noqa: BLE001 - the receive's outcome (the message is consumed)
            outer.set_exception(e)
        else:
            if isinstance(outer, _RecvFuture):
                outer._raw = raw
            outer.set_result(value)


def _resolve_poll_timeout(future: asyncio.Future[int]) -> None:
    if not future.done():
        future.set_result(0)
