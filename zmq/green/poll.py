"""Cooperative ``Poller``, ``select()`` and ``zmq_poll()`` for gevent.

A poll first asks libzmq with a zero timeout. If nothing is ready, the calling greenlet
waits on the hub for any of the items to signal: green sockets wake it through their own
dispatch (which knows about edges consumed by other greenlets), other zmq sockets through a
watcher on their ``ZMQ_FD``, and plain file descriptors through a read/write watcher. Each
wake-up polls again with a zero timeout, so the result is exactly what ``zmq_poll`` reports.
"""
from __future__ import annotations

from typing import Any, Sequence

import gevent  # type: ignore[import-untyped,unused-ignore]
from gevent.event import Event  # type: ignore[import-untyped,unused-ignore]

import zmq
from zmq.backend import zmq_poll as _zmq_poll
from zmq._readiness import FD, POLLIN, POLLOUT, _get
from zmq.green.core import WATCH_READ, WATCH_WRITE, deadline_after, seconds_left
from zmq.green.core import _Socket
from zmq.sugar.poll import select_with

__all__ = ["_Poller", "select", "zmq_poll"]

_original_Poller = zmq.Poller  # the plain class (name as in pyzmq's zmq.green.poll)

_POLLERR = int(zmq.POLLERR)


def _poll_now(items: list[tuple[Any, int]]) -> list[tuple[Any, int]]:
    """``zmq_poll(items, 0)``, then tell the green sockets polled that libzmq was called."""
    ready = _zmq_poll(items, 0)
    for obj, _ in items:
        if isinstance(obj, _Socket):
            obj._kick()
    return ready


def zmq_poll(sockets: Sequence[tuple[Any, int]], timeout: float | None = -1) -> list[tuple[Any, int]]:
    """Cooperative :func:`zmq.zmq_poll`: wait up to ``timeout`` ms (None or negative:
    forever) for events on zmq sockets, int fds or objects with ``fileno()``.

    Returns the ``(item, revents)`` pairs that are ready (empty on timeout).
    """
    items = list(sockets)
    ms = -1 if timeout is None or timeout < 0 else int(timeout)
    ready = _poll_now(items)
    if ready or ms == 0:
        return ready
    deadline = deadline_after(ms)
    event = Event()
    loop = gevent.get_hub().loop
    watchers: list[Any] = []
    green: list[_Socket] = []
    try:
        for obj, flags in items:
            if isinstance(obj, _Socket):
                obj._add_poller(event, flags)
                green.append(obj)
                continue
            if isinstance(obj, zmq.Socket):
                fd, mask = _get(obj, FD), WATCH_READ  # ZMQ_FD signals both directions
            else:
                fd = obj if isinstance(obj, int) else obj.fileno()
                mask = (WATCH_READ if flags & (POLLIN | _POLLERR) else 0) | (WATCH_WRITE if flags & POLLOUT else 0)
            if mask:
                watcher = loop.io(fd, mask)
                watchers.append(watcher)
                watcher.start(event.set)
        while True:
            left = seconds_left(deadline)
            if left == 0:
                return []
            event.wait(left)
            event.clear()
            ready = _poll_now(items)
            if ready:
                return ready
    finally:
        for watcher in watchers:
            watcher.close()
        for sock in green:
            sock._remove_poller(event)


class _Poller(zmq.Poller):
    """A :class:`zmq.Poller` whose :meth:`poll` waits cooperatively on gevent's hub
    (``zmq.green.Poller``)."""

    def poll(self, timeout: float | None = -1) -> list[tuple[Any, int]]:
        """Wait up to ``timeout`` milliseconds (negative or None: forever), letting other
        greenlets run, and return the ``(socket, events)`` pairs that are ready."""
        return zmq_poll(self.sockets, -1 if timeout is None else timeout)


def select(rlist: list[Any], wlist: list[Any], xlist: list[Any], timeout: float | None = None) -> tuple[list[Any], list[Any], list[Any]]:
    """Cooperative :func:`zmq.select` (``timeout`` in seconds, None waits forever): returns
    the ready ``(readable, writable, errored)`` lists."""
    return select_with(zmq_poll, rlist, wlist, xlist, timeout)
