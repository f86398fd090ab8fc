"""The machinery shared by cyzmq's asyncio and Tornado sockets.

Each async socket keeps FIFO queues of waiting sends, receives and polls. A call first tries
the operation at once (when nothing is queued ahead of it and ``EVENTS`` says it can
proceed), so ``await sock.recv()`` on a socket with a message waiting completes without an
event-loop round trip. Otherwise the call is queued and the socket's ``ZMQ_FD`` is watched.

``ZMQ_FD`` is edge-triggered: it only says "something changed", and any libzmq call on the
socket may consume that signal. So every wake-up re-reads ``EVENTS`` and serves queued
operations until no more progress is possible, and an operation completed outside a
wake-up schedules one such pass whenever other operations are queued.
"""
from __future__ import annotations

import asyncio
import weakref
from collections import deque
from typing import TYPE_CHECKING, Any, Callable

import zmq
from zmq.backend import NOTHROW_FLAG, WOULD_BLOCK
from zmq.error import Again, ContextTerminated, ZMQError

# Plain ints: arithmetic on the enum members runs Python-level enum code.
EVENTS, FD, RCVTIMEO, SNDTIMEO = int(zmq.EVENTS), int(zmq.FD), int(zmq.RCVTIMEO), int(zmq.SNDTIMEO)
NOBLOCK, POLLIN, POLLOUT = int(zmq.NOBLOCK), int(zmq.POLLIN), int(zmq.POLLOUT)
# Every queued or eager attempt: never block, and report "would block" as WOULD_BLOCK
# rather than by raising Again (an exception costs more than the attempt).
TRY = NOBLOCK | NOTHROW_FLAG
_ENOTSOCK = int(zmq.ENOTSOCK)


class _FDWatcher:
    """One loop's readers on zmq FDs, allowing several callbacks per fd (asyncio allows one)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.readers: dict[int, dict[int, Callable[[], None]]] = {}
        self.writers: dict[int, dict[int, Callable[[], None]]] = {}
        # inproc sockets of this loop with receivers waiting: a send on an inproc socket
        # serves them at once instead of waiting for the loop to see their FD (an inproc
        # peer in the same thread can only be woken by us).
        self.inproc_waiting: set[AsyncSocketMixin] = set()
        self._touched: set[int] = set()
        self._rerunning = False

    def touch(self, fd: int, key: int | None = None) -> None:
        """Someone's libzmq call may have consumed ``fd``'s edge: re-run its readers other
        than ``key`` once, soon (several touches of one fd coalesce)."""
        if self._rerunning:
            return  # the readers being re-run touch each other: that must not ping-pong
        callbacks = self.readers.get(fd)
        if callbacks and (len(callbacks) > 1 or key not in callbacks) and not self.loop.is_closed():
            if not self._touched:
                self.loop.call_soon(self._run_touched)
            self._touched.add(fd)

    def _run_touched(self) -> None:
        fds, self._touched = self._touched, set()
        self._rerunning = True
        try:
            for fd in fds:
                self._dispatch(self.readers, fd)
        finally:
            self._rerunning = False

    def _dispatch(self, table: dict[int, dict[int, Callable[[], None]]], fd: int) -> None:
        for callback in list(table.get(fd, {}).values()):
            callback()

    def add(self, fd: int, key: int, callback: Callable[[], None], write: bool = False) -> None:
        table = self.writers if write else self.readers
        callbacks = table.get(fd)
        if callbacks is None:
            callbacks = table[fd] = {}
            if write:
                self.loop.add_writer(fd, self._dispatch, table, fd)
            else:
                self.loop.add_reader(fd, self._dispatch, table, fd)
        callbacks[key] = callback

    def drop_fd(self, fd: int) -> list[Callable[[], None]]:
        """Forget every reader and writer on ``fd`` (about to be closed); return their callbacks."""
        dropped: list[Callable[[], None]] = []
        for table, remove in ((self.readers, self.loop.remove_reader), (self.writers, self.loop.remove_writer)):
            callbacks = table.pop(fd, None)
            if callbacks:
                dropped.extend(callbacks.values())
                if not self.loop.is_closed():
                    remove(fd)
        return dropped

    def remove(self, fd: int, key: int, write: bool = False) -> None:
        table = self.writers if write else self.readers
        callbacks = table.get(fd)
        if callbacks is None:
            return
        callbacks.pop(key, None)
        if not callbacks:
            del table[fd]
            if self.loop.is_closed():
                return
            if write:
                self.loop.remove_writer(fd)
            else:
                self.loop.remove_reader(fd)


_watchers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _FDWatcher] = weakref.WeakKeyDictionary()


def fd_watcher(loop: asyncio.AbstractEventLoop) -> _FDWatcher:
    """The :class:`_FDWatcher` of ``loop`` (created on first use)."""
    w = _watchers.get(loop)
    if w is None:
        w = _watchers[loop] = _FDWatcher(loop)
    return w


def _get_loop() -> asyncio.AbstractEventLoop:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.get_event_loop_policy().get_event_loop()


class _Waiter:
    """A queued operation: ``fn(socket, *args)`` is retried until it stops returning WOULD_BLOCK."""

    __slots__ = ("future", "fn", "args", "timer")

    def __init__(self, future: asyncio.Future[Any], fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self.future = future
        self.fn = fn
        self.args = args
        self.timer: asyncio.TimerHandle | None = None


if TYPE_CHECKING:  # the mixin is only ever mixed into zmq.Socket subclasses
    _SocketBase = zmq.Socket
else:
    _SocketBase = object


class AsyncSocketMixin(_SocketBase):
    """Async send/recv/poll for a :class:`zmq.Socket` subclass; see the module docstring.

    Subclasses set ``_sync`` to the synchronous Socket class whose methods do the work.
    """

    _sync: type[zmq.Socket] = zmq.Socket
    _loop: asyncio.AbstractEventLoop | None = None
    _recv_q: deque[_Waiter] | None = None
    _send_q: deque[_Waiter] | None = None
    # waiting polls: (future, flags, the last recv and send waiting when the poll began)
    _poll_q: list[tuple[asyncio.Future[int], int, _Waiter | None, _Waiter | None]] | None = None
    _watching: bool = False
    _pass_scheduled: bool = False
    _inproc: bool = False  # bound or connected to an inproc endpoint
    _watcher: _FDWatcher | None = None  # of _loop
    _fd: int = -1

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
        self._watcher = fd_watcher(loop)
        self._fd = -1 if self.closed else self._sync.get(self, FD)
        self._recv_q = deque()
        self._send_q = deque()
        self._poll_q = []

    def _watch(self) -> None:
        if not self._watching and self._loop is not None:
            self._watching = True
            fd_watcher(self._loop).add(self._sync.get(self, FD), id(self), self._service)

    def _unwatch(self) -> None:
        if self._watching and self._loop is not None:
            self._watching = False
            try:
                fd = self._sync.get(self, FD)
            except ZMQError:
                fd = None
            if fd is not None:
                fd_watcher(self._loop).remove(fd, id(self))
            else:  # socket already closed: find our entry by key
                for fd_, callbacks in list(fd_watcher(self._loop).readers.items()):
                    if id(self) in callbacks:
                        fd_watcher(self._loop).remove(fd_, id(self))

    def _touched(self) -> None:
        """A libzmq call made outside a wake-up may have consumed the FD's edge: re-check
        our queued operations, and whoever else watches this FD (other views, streams)."""
        if self._recv_q or self._send_q or self._poll_q:
            self._schedule_pass()
        if self._watcher is not None:
            self._watcher.touch(self._fd, id(self))

    def _schedule_pass(self) -> None:
        if not self._pass_scheduled and self._loop is not None:
            self._pass_scheduled = True
            self._loop.call_soon(self._service)

    def _service(self) -> None:
        """Serve queued operations while libzmq says they can proceed."""
        self._pass_scheduled = False
        get = self._sync.get
        while not self.closed:
            events = get(self, EVENTS)
            received = sent = False
            if self._poll_q:
                # polls queued before the operations now waiting see the state before those
                # run, the others the state after (a message a queued recv took is gone)
                self._serve_polls(events, True)
            if events & POLLIN and self._recv_q:
                received = self._serve(self._recv_q)
            if events & POLLOUT and self._send_q:
                sent = self._serve(self._send_q)
            if self._poll_q:
                self._serve_polls(get(self, EVENTS) if received or sent else events, False)
            # Each queue was served until it would block, so reading EVENTS again (which
            # costs libzmq two syscalls) only pays when what we did may have readied the
            # other direction.
            if not ((received and self._send_q) or (sent and self._recv_q)):
                break
        if self._inproc and not self._recv_q and self._loop is not None:
            fd_watcher(self._loop).inproc_waiting.discard(self)

    def _serve(self, queue: deque[_Waiter]) -> bool:
        progressed = False
        while queue:
            w = queue[0]
            if w.future.done():  # cancelled or timed out: its op never ran
                queue.popleft()
                continue
            try:
                result = w.fn(self, *w.args)
            except BaseException as e:
                queue.popleft()
                _finish(w, exc=e)
            else:
                if result is WOULD_BLOCK:
                    break
                queue.popleft()
                _finish(w, result)
            progressed = True
        return progressed

    def _serve_polls(self, events: int, only_first: bool) -> None:
        """Resolve the polls that ``events`` satisfies (``only_first``: only those begun
        before every operation still waiting, i.e. the operations they began after are done)."""
        assert self._poll_q is not None
        still: list[tuple[asyncio.Future[int], int, _Waiter | None, _Waiter | None]] = []
        for entry in self._poll_q:
            fut, flags, last_recv, last_send = entry
            if fut.done():
                continue
            if events & flags and not (only_first and ((last_recv is not None and not last_recv.future.done())
                                                       or (last_send is not None and not last_send.future.done()))):
                fut.set_result(events & flags)
            else:
                still.append(entry)
        self._poll_q[:] = still

    def _queue(self, queue: deque[_Waiter], future: asyncio.Future[Any], fn: Callable[..., Any], args: tuple[Any, ...], timeout_opt: int) -> asyncio.Future[Any]:
        w = _Waiter(future, fn, args)
        timeout = self._sync.get(self, timeout_opt)
        if timeout >= 0:
            w.timer = future.get_loop().call_later(timeout / 1000, _expire, future)
        queue.append(w)
        if self._inproc and queue is self._recv_q:
            fd_watcher(future.get_loop()).inproc_waiting.add(self)
        self._watch()
        return future

    def _start(self, fn: Callable[..., Any], args: tuple[Any, ...], flags: int, receiving: bool) -> asyncio.Future[Any]:
        """Run ``fn(self, *args)`` now if it completes, else queue it; return its future."""
        loop = _get_loop()
        if loop is not self._loop:
            self._switch_loop(loop)
        if self.closed:
            return _closed_result(loop, receiving and not flags & NOBLOCK)
        future = loop.create_future()
        queue = self._recv_q if receiving else self._send_q
        assert queue is not None
        # Operations queued ahead go first; only a NOBLOCK recv tries at once regardless
        # (a NOBLOCK send waits its turn, as in pyzmq, which keeps messages in order).
        if not queue or (receiving and flags & NOBLOCK):
            try:
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
            if flags & NOBLOCK:
                future.set_exception(Again())
                return future
        return self._queue(queue, future, fn, args, RCVTIMEO if receiving else SNDTIMEO)

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

    def _cancel_waiters(self) -> None:
        for queue in (self._recv_q, self._send_q):
            while queue:
                w = queue.popleft()
                if w.timer is not None:
                    w.timer.cancel()
                w.future.cancel()
        if self._poll_q:
            for fut, *_ in self._poll_q:
                fut.cancel()
            self._poll_q.clear()

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
                watcher = _watchers.get(loop)  # type: ignore[arg-type]
                if watcher is not None and not watcher.loop.is_closed():
                    watcher.inproc_waiting.discard(self)
                    # Every watch on our fd must go before the fd does: libzmq reuses fd
                    # numbers, and a stale entry would keep a new socket's fd unregistered.
                    orphans += watcher.drop_fd(fd)
            self._watching = False
            if self._loop is not None and not self._loop.is_closed():
                self._cancel_waiters()  # (a closed loop's futures can't be resolved any more)
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

    # -- the async API -----------------------------------------------------------------------

    def recv(self, flags: int = 0, copy: bool = True, track: bool = False) -> asyncio.Future[Any]:  # type: ignore[override]
        """Receive one part (bytes, or a Frame if ``copy=False``): an awaitable."""
        return self._start(self._sync.recv, (flags | TRY, copy, track), flags, True)

    def recv_multipart(self, flags: int = 0, copy: bool = True, track: bool = False) -> asyncio.Future[Any]:  # type: ignore[override]
        """Receive a whole multipart message: an awaitable list of parts."""
        return self._start(self._sync.recv_multipart, (flags | TRY, copy, track), flags, True)

    def recv_string(self, flags: int = 0, encoding: str = "utf-8") -> asyncio.Future[Any]:  # type: ignore[override]
        """Receive one part decoded to str: an awaitable."""
        return self._start(self._sync.recv_string, (flags | TRY, encoding), flags, True)

    def recv_json(self, flags: int = 0, **kwargs: Any) -> asyncio.Future[Any]:
        """Receive one part decoded from JSON: an awaitable."""
        sync = self._sync.recv_json
        if kwargs:
            return self._start(lambda s, f: sync(s, f, **kwargs), (flags | TRY,), flags, True)
        return self._start(sync, (flags | TRY,), flags, True)

    def recv_pyobj(self, flags: int = 0) -> asyncio.Future[Any]:
        """Receive one part and unpickle it (trusted peers only): an awaitable."""
        return self._start(self._sync.recv_pyobj, (flags | TRY,), flags, True)

    def recv_serialized(self, deserialize: Callable[[list[Any]], Any], flags: int = 0, copy: bool = True) -> asyncio.Future[Any]:  # type: ignore[override]
        """Receive a multipart message and return ``deserialize(parts)``: an awaitable."""
        return self._start(self._sync.recv_serialized, (deserialize, flags | TRY, copy), flags, True)

    def recv_into(self, buf: Any, /, *, nbytes: int = 0, flags: int = 0) -> asyncio.Future[int]:  # type: ignore[override]
        """Receive one part into the writable buffer ``buf`` (at most ``nbytes`` bytes, 0: all
        of it): an awaitable of the message's size (larger than the space given: truncated)."""
        return self._start(_recv_into_now, (buf, nbytes, flags), flags, True)

    def send(self, data: Any, flags: int = 0, copy: bool = True, track: bool = False, **kwargs: Any) -> asyncio.Future[Any]:  # type: ignore[override]
        """Send one part: an awaitable (of None, or a MessageTracker with ``track=True``).
        Keyword arguments (``routing_id``, ``group``) go to :meth:`zmq.Socket.send`."""
        if kwargs:
            sync = self._sync.send
            return self._start(lambda s, *a: sync(s, *a, **kwargs), (data, flags | TRY, copy, track), flags, False)
        return self._start(self._sync.send, (data, flags | TRY, copy, track), flags, False)

    def send_multipart(self, msg_parts: Any, flags: int = 0, copy: bool = True, track: bool = False, **kwargs: Any) -> asyncio.Future[Any]:  # type: ignore[override]
        """Send a multipart message: an awaitable."""
        sync = self._sync.send_multipart
        parts = msg_parts if type(msg_parts) is list else list(msg_parts)
        if kwargs:
            return self._start(lambda s, *a: sync(s, *a, **kwargs), (parts, flags | TRY, copy, track), flags, False)
        return self._start(sync, (parts, flags | TRY, copy, track), flags, False)

    def send_string(self, u: str, flags: int = 0, copy: bool = True, encoding: str = "utf-8", **kwargs: Any) -> asyncio.Future[Any]:  # type: ignore[override]
        """Send a str encoded with ``encoding``: an awaitable."""
        if not isinstance(u, str):
            raise TypeError(f"send_string takes a str, not {type(u).__name__!r}")
        sync = self._sync.send_string
        if kwargs:
            return self._start(lambda s, *a: sync(s, *a, **kwargs), (u, flags | TRY, copy, encoding), flags, False)
        return self._start(sync, (u, flags | TRY, copy, encoding), flags, False)

    send_unicode = send_string  # type: ignore[assignment]
    recv_unicode = recv_string  # type: ignore[assignment]

    def send_json(self, obj: Any, flags: int = 0, **kwargs: Any) -> asyncio.Future[Any]:  # type: ignore[override]
        """Send ``obj`` as JSON: an awaitable. Serialization errors raise at once."""
        import json

        # Serialized once, now (errors raise here), exactly as the sync send_json does.
        data = json.dumps(obj, **{k: v for k, v in kwargs.items() if k not in ("routing_id", "group")}).encode("utf-8")
        extra = {k: v for k, v in kwargs.items() if k in ("routing_id", "group")}
        return self.send(data, flags, **extra)

    def send_pyobj(self, obj: Any, flags: int = 0, protocol: int | None = None, **kwargs: Any) -> asyncio.Future[Any]:  # type: ignore[override]
        """Send ``obj`` pickled: an awaitable. Pickling errors raise at once."""
        import pickle

        data = pickle.dumps(obj, pickle.DEFAULT_PROTOCOL if protocol is None else protocol)
        return self.send(data, flags, **kwargs)

    def send_serialized(self, msg: Any, serialize: Callable[[Any], Any], flags: int = 0, copy: bool = True, **kwargs: Any) -> asyncio.Future[Any]:  # type: ignore[override]
        """Send ``serialize(msg)`` as a multipart message: an awaitable."""
        return self.send_multipart(serialize(msg), flags, copy, **kwargs)

    def poll(self, timeout: int | None = None, flags: int = POLLIN) -> asyncio.Future[int]:  # type: ignore[override]
        """Wait until the socket has any of ``flags`` ready (ms timeout; None: forever): an
        awaitable of the ready events (0 on timeout)."""
        if self.closed:
            zmq.Socket.poll(self, 0)  # raises the sync poll's error for a closed socket, at once
        future: asyncio.Future[int] = self._future()
        flags = int(flags)  # (a PollEvent would make every result a PollEvent)
        events = self._sync.get(self, EVENTS) & flags
        if events or timeout == 0:
            future.set_result(events)
            self._touched()  # reading EVENTS may have consumed the FD edge
            return future
        assert self._poll_q is not None
        recv_q, send_q = self._recv_q, self._send_q
        self._poll_q.append((future, flags, recv_q[-1] if recv_q else None, send_q[-1] if send_q else None))
        if timeout is not None and timeout > 0:
            handle = future.get_loop().call_later(timeout / 1000, _resolve_poll_timeout, future)
            future.add_done_callback(lambda f: handle.cancel())
        self._watch()
        self._schedule_pass()
        return future


def _closed_result(loop: asyncio.AbstractEventLoop, raise_now: bool) -> asyncio.Future[Any]:
    """What an operation on a closed socket gives: blocking receives raise ENOTSOCK at
    once, other operations return a future failed with it (as pyzmq does)."""
    error = ZMQError(_ENOTSOCK)
    if raise_now:
        raise error
    future = loop.create_future()
    future.set_exception(error)
    return future


def _recv_into_now(sock: zmq.Socket, buf: Any, nbytes: int, flags: int) -> Any:
    """One non-blocking ``recv_into`` (the core's has no non-raising mode): its size, or WOULD_BLOCK."""
    try:
        return zmq.Socket.recv_into(sock, buf, nbytes=nbytes, flags=flags | NOBLOCK)
    except Again:
        return WOULD_BLOCK


def _serve_inproc_peers(loop: asyncio.AbstractEventLoop) -> None:
    waiting = fd_watcher(loop).inproc_waiting
    if waiting:
        for sock in list(waiting):
            sock._service()


def _expire(future: asyncio.Future[Any]) -> None:
    if not future.done():
        future.set_exception(Again())


def _resolve_poll_timeout(future: asyncio.Future[int]) -> None:
    if not future.done():
        future.set_result(0)


def _finish(w: _Waiter, result: Any = None, exc: BaseException | None = None) -> None:
    if w.timer is not None:
        w.timer.cancel()
    if w.future.done():
        return
    if exc is not None:
        w.future.set_exception(exc)
    else:
        w.future.set_result(result)


class AsyncPollerMixin:
    """``poll(timeout)`` returning an awaitable, for a :class:`zmq.Poller` subclass."""

    sockets: list[tuple[Any, int]]

    def poll(self, timeout: float | None = -1) -> asyncio.Future[list[tuple[Any, int]]]:
        """Wait up to ``timeout`` ms (None or negative: forever) for registered sockets/fds:
        an awaitable of the ``(socket, events)`` pairs that are ready.

        A registered object that is not a zmq socket is reported by its file descriptor
        (an int), as :func:`zmq.zmq_poll` reports it. Errors of the first, immediate check
        (a registered socket closed...) raise at once; closing a registered socket while
        the poll waits cancels it.
        """
        loop = _get_loop()
        future: asyncio.Future[list[tuple[Any, int]]] = loop.create_future()
        ready = _as_fds(zmq.zmq_poll(self.sockets, 0))
        _touch_polled(loop, self.sockets, None)
        if ready or timeout == 0:
            future.set_result(ready)
            return future
        watcher = fd_watcher(loop)
        key = id(future)
        registered: list[tuple[int, bool]] = []

        def check() -> None:
            if future.done():
                return
            try:
                found = _as_fds(zmq.zmq_poll(self.sockets, 0))
            except BaseException as e:
                if any(isinstance(obj, zmq.Socket) and obj.closed for obj, _ in self.sockets):
                    future.cancel()  # a registered socket was closed
                else:
                    future.set_exception(e)
                return
            _touch_polled(loop, self.sockets, key)
            if found:
                future.set_result(found)

        for obj, flags in self.sockets:
            if isinstance(obj, zmq.Socket):
                fd = zmq.Socket.get(obj, FD)
                watcher.add(fd, key, check)
                registered.append((fd, False))
            else:
                fd = obj if isinstance(obj, int) else obj.fileno()
                if flags & POLLIN:
                    watcher.add(fd, key, check)
                    registered.append((fd, False))
                if flags & POLLOUT:
                    watcher.add(fd, key, check, write=True)
                    registered.append((fd, True))
        timer = loop.call_later(timeout / 1000, _resolve_empty, future) if timeout is not None and timeout > 0 else None

        def cleanup(_: Any) -> None:
            if timer is not None:
                timer.cancel()
            for fd, write in registered:
                watcher.remove(fd, key, write)

        future.add_done_callback(cleanup)
        loop.call_soon(check)  # an edge may have been consumed before we registered
        return future


def _as_fds(ready: list[tuple[Any, int]]) -> list[tuple[Any, int]]:
    """``ready`` with each object that is neither a zmq socket nor an int replaced by its fileno()."""
    for i, (obj, events) in enumerate(ready):
        if not isinstance(obj, (int, zmq.Socket)):
            ready[i] = (obj.fileno(), events)
    return ready


def _touch_polled(loop: asyncio.AbstractEventLoop, items: list[tuple[Any, int]], key: int | None) -> None:
    """zmq_poll consumes FD edges: let everyone else watching the polled sockets re-check."""
    watcher = fd_watcher(loop)
    for sock, _ in items:
        if isinstance(sock, zmq.Socket) and not sock.closed:
            if isinstance(sock, AsyncSocketMixin) and (sock._recv_q or sock._send_q or sock._poll_q):
                sock._schedule_pass()
            watcher.touch(zmq.Socket.get(sock, FD), key)


def _resolve_empty(future: asyncio.Future[list[tuple[Any, int]]]) -> None:
    if not future.done():
        future.set_result([])
