"""One asyncio loop's readers on zmq FDs, shared by :mod:`zmq._async` (asyncio and Tornado
future sockets, their Pollers) and :mod:`zmq.eventloop.zmqstream`.

asyncio allows one reader per fd, but several parties may wait on one socket's ``ZMQ_FD``:
views of one libzmq socket, Pollers, a ZMQStream. :class:`FDWatcher` installs one asyncio
reader per fd that runs all of their callbacks. A Tornado IOLoop handler on the same fd
(``IOLoop.add_handler``, which the ZMQStream and future sockets use so that
``IOLoop.close(all_fds=True)`` closes them) replaces that reader: its handler then runs the
callbacks (:meth:`FDWatcher.dispatch`), and when it goes the reader comes back for the
parties still waiting (:meth:`FDWatcher.unregister`).
"""
from __future__ import annotations

import asyncio
import weakref
from typing import Any, Callable

Callbacks = dict[int, Callable[[], None]]


class FDWatcher:
    """One loop's readers on zmq FDs, allowing several callbacks per fd, each under a key."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.readers: dict[int, Callbacks] = {}
        self.writers: dict[int, Callbacks] = {}
        # inproc sockets of this loop with receivers waiting: a send on an inproc socket
        # serves them at once instead of waiting for the loop to see their FD (an inproc
        # peer in the same thread can only be woken by us).
        self.inproc_waiting: set[Any] = set()
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
                self.dispatch(fd)
        finally:
            self._rerunning = False

    def dispatch(self, fd: int, table: dict[int, Callbacks] | None = None) -> None:
        """Run every reader (or every callback of ``table``) of ``fd``: it signalled."""
        for callback in list((self.readers if table is None else table).get(fd, {}).values()):
            callback()

    def add(self, fd: int, key: int, callback: Callable[[], None], write: bool = False) -> None:
        """Run ``callback`` whenever ``fd`` is readable (writable, with ``write``)."""
        table = self.writers if write else self.readers
        callbacks = table.get(fd)
        if callbacks is None:
            callbacks = table[fd] = {}
            if write:
                self.loop.add_writer(fd, self.dispatch, fd, table)
            else:
                self.loop.add_reader(fd, self.dispatch, fd)
        callbacks[key] = callback

    def join(self, fd: int, key: int, callback: Callable[[], None]) -> None:
        """Add a reader of ``fd`` whose IOLoop handler has just replaced the asyncio reader
        (it runs :meth:`dispatch` itself)."""
        self.readers.setdefault(fd, {})[key] = callback

    def leave(self, fd: int, key: int) -> None:
        """Drop the reader of ``key`` that :meth:`join` added, leaving asyncio's reader of
        ``fd`` as it is (the fd may be someone else's by now)."""
        callbacks = self.readers.get(fd)
        if callbacks is not None and callbacks.pop(key, None) is not None and not callbacks:
            del self.readers[fd]

    def remove(self, fd: int, key: int, write: bool = False) -> None:
        """Drop the callback of ``key`` on ``fd``; the fd's reader (writer) goes with the last."""
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

    def unregister(self, io_loop: Any, fd: int, owner: Any) -> None:
        """Remove ``io_loop``'s handler of ``fd`` if ``owner`` holds it (after a socket was
        closed behind its owner's back, the fd number may be someone else's by now), and give
        the parties still reading ``fd`` the asyncio reader it had replaced, or no signal
        would wake them."""
        entry = getattr(io_loop, "handlers", {}).get(fd)
        if entry is not None and entry[0] is owner:
            io_loop.remove_handler(fd)
            if self.readers.get(fd) and not self.loop.is_closed():
                self.loop.add_reader(fd, self.dispatch, fd)

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


_watchers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, FDWatcher] = weakref.WeakKeyDictionary()


def fd_watcher(loop: asyncio.AbstractEventLoop) -> FDWatcher:
    """The :class:`FDWatcher` of ``loop`` (created on first use)."""
    w = _watchers.get(loop)
    if w is None:
        w = _watchers[loop] = FDWatcher(loop)
    return w


def existing_watcher(loop: asyncio.AbstractEventLoop) -> FDWatcher | None:
    """The :class:`FDWatcher` of ``loop`` if it has one."""
    return _watchers.get(loop)
