"""Poller and select(): wait on several sockets and file descriptors at once."""
from __future__ import annotations

from zmq.backend import BACKEND, zmq_poll
from zmq.constants import POLLERR, POLLIN, POLLOUT

TYPE_CHECKING = False  # (typing is not imported at `import zmq`)
if TYPE_CHECKING:
    from typing import Any, Callable


class _PyPollerCore:
    """``sockets`` and ``poll()`` in Python, over ``zmq_poll`` (the CFFI backend's)."""

    sockets: list[tuple[Any, int]]

    def poll(self, timeout: float | None = None) -> list[tuple[Any, int]]:
        """Wait up to ``timeout`` milliseconds (None or negative: forever; 0: not at all) and
        return the ``(socket, events)`` pairs that are ready (empty on timeout), as the compiled
        core's ``poll``: objects with ``fileno()`` are reported as their int fd, a closed
        socket raises ZMQError(ENOTSOCK), any other object TypeError."""
        if timeout is None or timeout < 0:
            ms = -1
        else:
            ms = int(timeout)
        return zmq_poll(self.sockets, ms)


if TYPE_CHECKING or BACKEND != "cython":
    _PollerCore = _PyPollerCore
else:
    # poll() in C, over an item array kept between polls (zmq/backend/cython/_poller.pyx).
    from zmq.backend.cython._poller import PollerCore as _PollerCore


class Poller(_PollerCore):
    """Wait for events on many sockets and/or file descriptors (``zmq_poll``).

    Register zmq Sockets, int file descriptors or objects with ``fileno()``; :meth:`poll`
    returns ``[(socket, events), ...]`` for those that are ready.
    """

    # (declared here too, as pyzmq's Poller does: they show in Poller.__annotations__)
    sockets: list[tuple[Any, int]]
    _map: dict[Any, int]

    def __init__(self) -> None:
        self.sockets = []
        self._map = {}

    def __contains__(self, socket: Any) -> bool:
        return socket in self._map

    def register(self, socket: Any, flags: int = POLLIN | POLLOUT) -> None:
        """Watch ``socket`` for ``flags`` (``zmq.POLLIN``, ``zmq.POLLOUT``); registering again
        modifies the flags, and ``flags=0`` unregisters.

        Parameters
        ----------
        socket : zmq.Socket, int or object with ``fileno()``
            What to watch: a zmq socket or any file descriptor.
        flags : int
            ``zmq.POLLIN``, ``zmq.POLLOUT`` or both (the default).
        """
        if not flags:
            if socket in self._map:
                self.unregister(socket)
            return
        if socket in self._map:
            self.sockets[self._map[socket]] = (socket, flags)
        else:
            self._map[socket] = len(self.sockets)
            self.sockets.append((socket, flags))

    def modify(self, socket: Any, flags: int = POLLIN | POLLOUT) -> None:
        """Change the events watched on an already registered ``socket``."""
        self.register(socket, flags)

    def unregister(self, socket: Any) -> None:
        """Stop watching ``socket`` (KeyError if it is not registered)."""
        idx = self._map.pop(socket)
        self.sockets.pop(idx)
        for s, _ in self.sockets[idx:]:
            self._map[s] -= 1


def select(rlist: list[Any], wlist: list[Any], xlist: list[Any], timeout: float | None = None) -> tuple[list[Any], list[Any], list[Any]]:
    """Like :func:`select.select`, for zmq sockets and file descriptors (``timeout`` in
    seconds, None waits forever). Returns the ready ``(readable, writable, errored)`` lists."""
    return select_with(zmq_poll, rlist, wlist, xlist, timeout)


def select_with(
    poll: Callable[[list[tuple[Any, int]], int], list[tuple[Any, int]]],
    rlist: list[Any],
    wlist: list[Any],
    xlist: list[Any],
    timeout: float | None = None,
) -> tuple[list[Any], list[Any], list[Any]]:
    """:func:`select` on top of a given ``zmq_poll``-like function (zmq.green passes its
    cooperative one)."""
    ms = -1 if timeout is None or timeout < 0 else int(timeout * 1000)
    flags: dict[Any, int] = {}
    for s in rlist:
        flags[s] = flags.get(s, 0) | POLLIN
    for s in wlist:
        flags[s] = flags.get(s, 0) | POLLOUT
    for s in xlist:
        flags[s] = flags.get(s, 0) | POLLERR
    ready = poll(list(flags.items()), ms)
    r = [s for s, ev in ready if ev & POLLIN]
    w = [s for s, ev in ready if ev & POLLOUT]
    x = [s for s, ev in ready if ev & POLLERR]
    return r, w, x


__all__ = ["Poller", "select"]
