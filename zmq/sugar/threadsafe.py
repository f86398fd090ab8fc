"""Opt-in thread-safe sockets: ``ctx.socket(zmq.PUSH, thread_safe=True)``.

A libzmq socket must be used by one thread at a time; cyzmq refuses a call that overlaps
another thread's (:class:`zmq.error.ConcurrentUseError`). A :class:`ThreadSafeSocket` instead
serialises its calls with a lock, so any number of threads may share it.

How a blocking call waits without holding the lock: every attempt is made non-blocking
(``DONTWAIT``) under the lock; when it would block, the thread waits for readiness with the
lock released. One waiting thread (the *leader*) watches the socket's ``ZMQ_FD`` and a wake
pipe at the OS level; the others wait on a condition of the lock. Whoever touches the socket
while threads wait reads ``ZMQ_EVENTS`` (which consumes the FD's signal) and wakes the
waiters whose event is now ready, so no wake-up is lost. :meth:`ThreadSafeSocket.close`
takes the lock (free, as waiters do not hold it), closes the socket and wakes every waiter,
which then raises ``ZMQError(ENOTSOCK)`` as any call on a closed socket does; a terminated
context wakes them with ContextTerminated. SNDTIMEO/RCVTIMEO bound the whole wait (zmq.Again
when they expire) and Ctrl-C interrupts it. A multipart send or receive is one call under the
lock, so its parts are never interleaved with another thread's.
"""
from __future__ import annotations

import functools
import os
import select
import threading
import time
from typing import Any, Callable

from zmq.backend import Socket as _BackendSocket
from zmq import constants as _c
from zmq.error import Again, ZMQError
from zmq.sugar.socket import Socket

__all__ = ["ThreadSafeSocket", "thread_safe_class"]

_B: Any = _BackendSocket  # the compiled methods, called with the lock held
# Plain ints: enum arithmetic (flags | DONTWAIT) would cost more than the call itself.
DONTWAIT, POLLIN, POLLOUT = int(_c.DONTWAIT), int(_c.POLLIN), int(_c.POLLOUT)
ENOTSOCK, EVENTS, FD, RCVTIMEO, SNDTIMEO = int(_c.ENOTSOCK), int(_c.EVENTS), int(_c.FD), int(_c.RCVTIMEO), int(_c.SNDTIMEO)


class _State:
    """The lock of one socket and who is waiting on it (only touched with the lock held)."""

    __slots__ = ("lock", "cond", "closed", "leader_want", "wait_in", "wait_out", "wake", "woken", "fd")

    def __init__(self) -> None:
        self.lock = threading.RLock()  # reentrant: sugar methods call get/set again inside
        self.cond = threading.Condition(self.lock)
        self.closed = False
        self.leader_want = 0  # the event the thread watching ZMQ_FD waits for (0: no leader)
        self.wait_in = 0  # threads waiting on `cond` for POLLIN / POLLOUT
        self.wait_out = 0
        self.wake: tuple[int, int] | None = None  # pipe that wakes the leader
        self.woken = False  # a byte is in the pipe already
        self.fd = -1

    def wake_leader(self) -> None:
        if self.leader_want and not self.woken and self.wake is not None:
            self.woken = True
            os.write(self.wake[1], b"\0")

    def close_pipe(self) -> None:
        if self.wake is not None:
            for fd in self.wake:
                os.close(fd)
            self.wake = None


def _after_touch(sock: ThreadSafeSocket, st: _State) -> None:
    """Wake the waiters whose event is ready: this thread's call may have consumed the
    ZMQ_FD signal they were waiting for (lock held)."""
    try:
        ev = _B.get(sock, EVENTS)
    except ZMQError:
        ev = POLLIN | POLLOUT  # closed or terminated: let every waiter see the error
    if ev & st.leader_want:
        st.wake_leader()
    if (ev & POLLIN and st.wait_in) or (ev & POLLOUT and st.wait_out):
        st.cond.notify_all()


def _wait_fds(fd: int, wake: int, timeout: float | None) -> None:
    """Block (lock released) until ``fd`` or ``wake`` is readable, or ``timeout`` seconds pass."""
    if hasattr(select, "poll"):
        p = select.poll()
        p.register(fd, select.POLLIN)
        p.register(wake, select.POLLIN)
        p.poll(None if timeout is None else max(0.0, timeout) * 1000)
    else:  # pragma: no cover - Windows
        select.select([fd, wake], [], [], timeout)


def _sending(name: str, doc: str) -> Callable[..., Any]:
    """The ThreadSafeSocket method for the compiled send method ``name`` (``send``,
    ``send_multipart``): one attempt inline under the lock (no closure, no second frame),
    :meth:`ThreadSafeSocket._io` when it would block. ``inspect.signature`` shows the
    compiled method's signature."""
    method = getattr(_BackendSocket, name)

    def send(self: ThreadSafeSocket, data: Any, flags: int = 0, copy: bool = True, track: bool = False,
             **kwargs: Any) -> Any:
        st = self._ts
        with st.lock:
            try:
                if kwargs:  # (routing_id, group: the call without them is the cheaper one)
                    return method(self, data, flags | DONTWAIT, copy, track, **kwargs)
                return method(self, data, flags | DONTWAIT, copy, track)
            except Again:
                if flags & DONTWAIT:
                    raise
            finally:
                if st.leader_want or st.wait_in or st.wait_out:
                    _after_touch(self, st)
        return self._io(POLLOUT, flags, lambda f: method(self, data, f, copy, track, **kwargs))

    return _named(send, method, doc)


def _receiving(name: str, doc: str) -> Callable[..., Any]:
    """As :func:`_sending`, for the compiled receive method ``name`` (``recv``, ``recv_multipart``)."""
    method = getattr(_BackendSocket, name)

    def recv(self: ThreadSafeSocket, flags: int = 0, copy: bool = True, track: bool = False) -> Any:
        st = self._ts
        with st.lock:
            try:
                return method(self, flags | DONTWAIT, copy, track)
            except Again:
                if flags & DONTWAIT:
                    raise
            finally:
                if st.leader_want or st.wait_in or st.wait_out:
                    _after_touch(self, st)
        return self._io(POLLIN, flags, lambda f: method(self, f, copy, track))

    return _named(recv, method, doc)


def _named(fn: Callable[..., Any], method: Any, doc: str) -> Callable[..., Any]:
    """``fn`` named and documented as the ThreadSafeSocket version of the compiled ``method``."""
    functools.update_wrapper(fn, method)  # __wrapped__: inspect.signature shows method's
    fn.__qualname__ = f"ThreadSafeSocket.{method.__name__}"
    fn.__doc__ = doc
    return fn


class ThreadSafeSocket(Socket):
    """A :class:`zmq.Socket` whose calls are serialised by a lock: any thread may use it.

    Create it with ``ctx.socket(socket_type, thread_safe=True)`` (or
    ``ThreadSafeSocket(ctx, socket_type)``). Its surface is a Socket's: options as attributes,
    send/recv and their multipart, string, JSON and pickle variants, :meth:`poll`, ``with``.

    Blocking calls wait with the lock released, so other threads' calls (another send, a
    :meth:`close`) go on meanwhile; a :meth:`close` from another thread ends such a wait
    promptly with ``ZMQError(ENOTSOCK)``. SNDTIMEO/RCVTIMEO and Ctrl-C work as on a Socket.

    Notes
    -----
    Only blocking sockets can be made thread-safe: asyncio, Tornado-future and gevent sockets
    are used from their event loop's thread, and ``thread_safe=True`` for them is a TypeError.
    Passing a shared socket to :class:`zmq.Poller`/:func:`zmq.select` bypasses the lock; use
    :meth:`poll` on it instead. A shadow (``copy.copy``) has a lock of its own.
    Each call costs a lock round-trip and a Python method (0.5-1 µs) over a plain Socket's.
    """

    _ts: _State

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        object.__setattr__(self, "_ts", _State())
        super().__init__(*args, **kwargs)

    # -- the wait --------------------------------------------------------------------------

    def _io(self, want: int, flags: int, attempt: Callable[[int], Any]) -> Any:
        """Run ``attempt(flags)`` under the lock, waiting outside it while it would block."""
        st = self._ts
        with st.lock:
            if flags & DONTWAIT:
                try:
                    return attempt(flags)
                finally:
                    if st.leader_want or st.wait_in or st.wait_out:
                        _after_touch(self, st)
            deadline: float | None = -1.0  # not read yet
            while True:
                try:
                    return attempt(flags | DONTWAIT)
                except Again:
                    pass
                finally:
                    if st.leader_want or st.wait_in or st.wait_out:
                        _after_touch(self, st)
                if deadline == -1.0:
                    ms = _B.get(self, RCVTIMEO if want == POLLIN else SNDTIMEO)
                    deadline = None if ms < 0 else time.monotonic() + ms / 1000
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise Again(int(_c.EAGAIN))  # (a plain socket's timeout: args (EAGAIN,))
                self._wait(st, want, remaining)

    def _wait(self, st: _State, want: int, timeout: float | None) -> None:
        """Wait (lock released) until ``want`` may be ready, the socket closes or ``timeout``
        seconds pass; the caller retries. Lock held on entry and exit."""
        if st.closed:
            raise ZMQError(ENOTSOCK)
        if _B.get(self, EVENTS) & want:  # (reading EVENTS consumes the FD's signal)
            return
        if st.leader_want:
            if want == POLLIN:
                st.wait_in += 1
            else:
                st.wait_out += 1
            try:
                st.cond.wait(timeout)
            finally:
                if want == POLLIN:
                    st.wait_in -= 1
                else:
                    st.wait_out -= 1
        else:
            if st.fd < 0:
                st.fd = _B.get(self, FD)
            if st.wake is None:
                r, w = os.pipe()
                os.set_blocking(r, False)
                os.set_blocking(w, False)
                st.wake = (r, w)
            st.leader_want = want
            fd, wake = st.fd, st.wake[0]
            # Release the (reentrant) lock fully for the wait, as Condition.wait does.
            saved = st.lock._release_save()  # type: ignore[attr-defined]
            try:
                _wait_fds(fd, wake, timeout)
            finally:
                st.lock._acquire_restore(saved)  # type: ignore[attr-defined]
                st.leader_want = 0
                if st.woken:
                    try:
                        os.read(wake, 64)
                    except BlockingIOError:
                        pass
                    st.woken = False
                if st.closed:
                    st.close_pipe()
                elif st.wait_in or st.wait_out:
                    st.cond.notify_all()  # one of them becomes the leader
        if st.closed:
            raise ZMQError(ENOTSOCK)

    # -- lifetime ----------------------------------------------------------------------------

    def close(self, linger: int | None = None) -> None:
        """Close the socket (idempotent). Threads blocked in a call on it wake at once and
        raise ``ZMQError(ENOTSOCK)``.

        Parameters
        ----------
        linger : int, optional
            As for :meth:`zmq.Socket.close`.
        """
        st = self._ts
        with st.lock:
            super().close(linger)
            if st.closed:
                return
            st.closed = True
            st.wake_leader()
            st.cond.notify_all()
            if not st.leader_want:
                st.close_pipe()  # (else the leader closes it once it is awake)

    def _defer_close(self, linger: int | None = None) -> bool:
        """Never defer Context.destroy's close (the core would close behind the lock when a
        call returns): destroy then calls :meth:`close`, which takes the lock (no thread
        waits while holding it) and wakes the waiters."""
        return False

    # -- send/recv -------------------------------------------------------------------------

    # The four hot calls (send, recv and their multipart forms) are made by _sending and
    # _receiving below the class: one attempt inline, _io for the rest.
    send = _sending("send", "Send one message part, as :meth:`zmq.Socket.send` (serialised with other threads).")
    recv = _receiving("recv", "Receive one message part, as :meth:`zmq.Socket.recv`.")
    send_multipart = _sending(
        "send_multipart",
        "Send a multipart message, as :meth:`zmq.Socket.send_multipart`; no other thread's parts come in between.",
    )
    recv_multipart = _receiving(
        "recv_multipart", "Receive every part of the next message, as :meth:`zmq.Socket.recv_multipart`."
    )

    def recv_into(self, buffer: Any, /, *, nbytes: int = 0, flags: int = 0) -> int:
        """Receive one part into ``buffer``, as :meth:`zmq.Socket.recv_into`."""
        n: int = self._io(POLLIN, flags, lambda f: _B.recv_into(self, buffer, nbytes=nbytes, flags=f))
        return n

    def send_string(self, u: str, flags: int = 0, copy: bool = True, encoding: str = "utf-8", **kwargs: Any) -> Any:
        """Send a str, as :meth:`zmq.Socket.send_string`."""
        return self._io(POLLOUT, flags, lambda f: _B.send_string(self, u, f, copy, encoding, **kwargs))

    def recv_string(self, flags: int = 0, encoding: str = "utf-8") -> str:
        """Receive a str, as :meth:`zmq.Socket.recv_string`."""
        text: str = self._io(POLLIN, flags, lambda f: _B.recv_string(self, f, encoding))
        return text

    send_unicode = send_string
    recv_unicode = recv_string

    def send_json(self, obj: Any, flags: int = 0, **kwargs: Any) -> Any:
        """Send ``obj`` as JSON, as :meth:`zmq.Socket.send_json`."""
        return self._io(POLLOUT, flags, lambda f: _B.send_json(self, obj, f, **kwargs))

    def recv_json(self, flags: int = 0, **kwargs: Any) -> Any:
        """Receive a JSON message, as :meth:`zmq.Socket.recv_json`."""
        return self._io(POLLIN, flags, lambda f: _B.recv_json(self, f, **kwargs))

    def send_pyobj(self, obj: Any, flags: int = 0, protocol: int | None = None, **kwargs: Any) -> Any:
        """Send a pickle of ``obj``, as :meth:`zmq.Socket.send_pyobj`."""
        return self._io(POLLOUT, flags, lambda f: _B.send_pyobj(self, obj, f, protocol, **kwargs))

    def recv_pyobj(self, flags: int = 0) -> Any:
        """Receive and unpickle a message, as :meth:`zmq.Socket.recv_pyobj`."""
        return self._io(POLLIN, flags, lambda f: _B.recv_pyobj(self, f))

    def send_serialized(self, msg: Any, serialize: Callable[[Any], Any], flags: int = 0, copy: bool = True, **kwargs: Any) -> Any:
        """Send ``serialize(msg)`` as a multipart message, as :meth:`zmq.Socket.send_serialized`."""
        return self._io(POLLOUT, flags, lambda f: _B.send_serialized(self, msg, serialize, f, copy, **kwargs))

    def recv_serialized(self, deserialize: Callable[[Any], Any], flags: int = 0, copy: bool = True) -> Any:
        """Receive a multipart message and return ``deserialize(parts)``, as
        :meth:`zmq.Socket.recv_serialized`."""
        return self._io(POLLIN, flags, lambda f: _B.recv_serialized(self, deserialize, f, copy))

    def poll(self, timeout: float | None = None, flags: int = POLLIN) -> int:
        """Wait until the socket is readable (POLLIN) or writable (POLLOUT), as
        :meth:`zmq.Socket.poll`, without holding the lock while waiting.

        Returns
        -------
        int
            The events of ``flags`` that are ready (0 on timeout).
        """
        st = self._ts
        deadline = None if timeout is None or timeout < 0 else time.monotonic() + timeout / 1000
        with st.lock:
            while True:
                try:
                    ev: int = _B.get(self, EVENTS) & flags
                finally:
                    if st.leader_want or st.wait_in or st.wait_out:
                        _after_touch(self, st)
                remaining = None if deadline is None else deadline - time.monotonic()
                if ev or not flags or (remaining is not None and remaining <= 0):
                    return ev
                self._wait(st, POLLIN if flags & POLLIN else POLLOUT, remaining)


def _locked(name: str) -> Callable[..., Any]:
    """A compiled Socket method called under the socket's lock."""
    method = getattr(_BackendSocket, name)

    @functools.wraps(method)
    def call(self: ThreadSafeSocket, *args: Any, **kwargs: Any) -> Any:
        st = self._ts
        with st.lock:
            try:
                return method(self, *args, **kwargs)
            finally:
                if st.leader_want or st.wait_in or st.wait_out:
                    _after_touch(self, st)

    return call


for _name in ("set", "get", "_bind", "_connect", "unbind", "disconnect", "monitor", "join", "leave"):
    setattr(ThreadSafeSocket, _name, _locked(_name))
ThreadSafeSocket.setsockopt = ThreadSafeSocket.set
ThreadSafeSocket.getsockopt = ThreadSafeSocket.get
del _name

_classes: dict[type, type] = {Socket: ThreadSafeSocket}
_classes_lock = threading.Lock()


def thread_safe_class(cls: type[Socket]) -> type[ThreadSafeSocket]:
    """The thread-safe variant of a socket class (for ``Context.socket(thread_safe=True)``).

    Parameters
    ----------
    cls : type
        :class:`zmq.Socket` or a subclass that keeps its blocking send/recv.

    Returns
    -------
    type
        :class:`ThreadSafeSocket`, or a subclass of both it and ``cls``.

    Raises
    ------
    TypeError
        ``cls`` is an asyncio, Tornado-future or gevent socket class (one whose send/recv
        are its own): those are used from one event loop thread and cannot be locked.
    """
    if issubclass(cls, ThreadSafeSocket):
        return cls
    if not issubclass(cls, Socket) or cls.send is not Socket.send or cls.recv is not Socket.recv:
        raise TypeError(
            f"thread_safe=True needs a blocking zmq.Socket class, not {cls.__module__}.{cls.__qualname__}: "
            "asyncio, Tornado and gevent sockets belong to their event loop's thread "
            "(hand work to that thread, e.g. with loop.call_soon_threadsafe)"
        )
    with _classes_lock:
        made = _classes.get(cls)
        if made is None:
            made = type(f"ThreadSafe{cls.__name__}", (ThreadSafeSocket, cls), {"__module__": cls.__module__})
            _classes[cls] = made
    return made
