"""The awaitable ``Poller.poll`` of :mod:`zmq.asyncio`, :mod:`zmq.eventloop.future` and
:mod:`zmq.anyio` (under asyncio).

A poll asks :func:`zmq.zmq_poll` with a zero timeout; if nothing is ready, it watches every
registered FD on the running loop (:mod:`zmq._fdwatch`) and asks again at each signal. A
zero-timeout ``zmq_poll`` consumes the polled sockets' FD edges, so everyone else waiting on
them is asked to look again (:func:`poll_now` and the adapters' touches).
"""
from __future__ import annotations

import asyncio
from typing import Any

import zmq
from zmq._async import AsyncSocketMixin, _get_loop
from zmq._fdwatch import fd_watcher
from zmq._readiness import FD, POLLIN, POLLOUT

__all__ = ["AsyncPollerMixin", "poll_now"]


class AsyncPollerMixin:
    """``poll(timeout)`` returning an awaitable, for a :class:`zmq.Poller` subclass."""

    sockets: list[tuple[Any, int]]
    _cancel_on_close = True  # closing a registered socket cancels the poll (else: it raises)

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
        ready = poll_now(self.sockets)
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
                found = poll_now(self.sockets)
            except BaseException as e:
                if self._cancel_on_close and any(isinstance(obj, zmq.Socket) and obj.closed for obj, _ in self.sockets):
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


def poll_now(items: list[tuple[Any, int]]) -> list[tuple[Any, int]]:
    """``zmq_poll(items, 0)``, each ready object that is neither a zmq socket nor an int
    reported by its fileno() (as zmq_poll reports it)."""
    ready = zmq.zmq_poll(items, 0)
    for i, (obj, events) in enumerate(ready):
        if not isinstance(obj, (int, zmq.Socket)):
            ready[i] = (obj.fileno(), events)
    return ready


def _touch_polled(loop: asyncio.AbstractEventLoop, items: list[tuple[Any, int]], key: int | None) -> None:
    """zmq_poll consumes FD edges: let everyone else watching the polled sockets re-check."""
    watcher = fd_watcher(loop)
    for sock, _ in items:
        if isinstance(sock, zmq.Socket) and not sock.closed:
            if isinstance(sock, AsyncSocketMixin) and sock._rd is not None:
                sock._rd.touched()
            watcher.touch(zmq.Socket.get(sock, FD), key)


def _resolve_empty(future: asyncio.Future[list[tuple[Any, int]]]) -> None:
    if not future.done():
        future.set_result([])
