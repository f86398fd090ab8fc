"""Keeping objects alive while native code uses their memory: pyzmq's ``gc`` API, for cyzmq.

pyzmq runs a "garbage collector" thread: a zero-copy send stores the buffer in ``gc``
under a key, and when libzmq is done with the message its free callback sends that key
over an inproc socket to the thread, which drops the reference.

cyzmq has no such thread and does not need one. Its compiled core keeps the buffer of
a zero-copy message exported in a small C record; libzmq's free callback only marks that
record released and asks the interpreter to drain the released records at the next safe
point (see the docstring of ``zmq/backend/cython/message.pyx``). This module keeps the
``zmq.utils.garbage`` API working for code written against pyzmq:

* ``gc.store(obj, event)`` keeps ``obj`` alive (and returns a key) until
  ``gc.release(key)``, which drops it and sets ``event``: the same contract, with the
  release done by whoever knows the memory is free instead of a libzmq callback;
* ``gc.collect()`` releases, right now, every zero-copy buffer libzmq has finished with
  (useful when the main thread has been busy in native code for a while);
* ``gc.start()`` is accepted and does nothing: there is no thread to start, and
  ``gc.is_alive()`` says so by returning False (pyzmq's says True once its thread runs);
  ``gc.stop()`` forgets every stored object, as pyzmq's does, without setting events.

:class:`GarbageCollectorThread` is an optional helper for programs whose main thread
spends long stretches blocked in native code: started, it calls ``gc.collect()`` every
``interval`` seconds until stopped.
"""
from __future__ import annotations

import atexit
import struct
import warnings
from os import getpid
from threading import Event, Lock, Thread
from typing import Any, Final, NamedTuple

import zmq
from zmq.backend import _drain_released_buffers

__all__ = ["GarbageCollector", "GarbageCollectorThread", "gcref", "gc"]

#: How a key travels as bytes (pyzmq's free callbacks sent keys in this form).
_KEY: Final = struct.Struct("=Q")


class gcref(NamedTuple):
    """One stored object: the object kept alive, and the event to set when it is released."""

    obj: Any
    event: Event | None


class GarbageCollector:
    """Keeps objects alive for native code until they are released (see the module docs).

    Thread-safe. One process-wide instance is :data:`gc`; a forked child starts with an
    empty store (the parent's native users of that memory do not exist there).

    Attributes
    ----------
    refs : dict of int to gcref
        The stored objects by key.
    pid : int or None
        The process that last stored an object (None before any).
    thread : None
        pyzmq's collector thread; cyzmq never has one.
    url : str
        The inproc endpoint pyzmq's thread listens on (unused here).
    """

    url = "inproc://pyzmq.gc.01"
    thread: Thread | None = None

    def __init__(self, context: zmq.Context[Any] | None = None) -> None:
        self._context = context
        self._lock = Lock()
        self._next_key = 0
        self._pid = getpid()
        self.pid: int | None = None
        self.refs: dict[int, gcref] = {}

    @property
    def context(self) -> zmq.Context[Any] | None:
        """The Context given at construction; kept for API compatibility, never used for I/O."""
        return self._context

    def _check_fork(self) -> None:
        if self._pid != getpid():
            self._pid = getpid()
            self._lock = Lock()
            self.refs = {}

    def store(self, obj: Any, event: Event | None = None) -> int:
        """Keep ``obj`` alive until :meth:`release` is called with the returned key.

        ``event`` (a :class:`threading.Event`), if given, is set when ``obj`` is released.
        """
        self._check_fork()
        self.pid = self._pid
        with self._lock:
            key = self._next_key
            self._next_key = (key + 1) % (1 << 64)
            self.refs[key] = gcref(obj, event)
        return key

    def release(self, key: int | bytes) -> Any:
        """Drop the reference stored under ``key`` (an int, or its 8-byte native form as
        pyzmq sent it), set its event, and return the object. KeyError if unknown."""
        self._check_fork()
        index: int = _KEY.unpack(key)[0] if isinstance(key, (bytes, bytearray, memoryview)) else key
        with self._lock:
            ref = self.refs.pop(index)
        if ref.event is not None:
            ref.event.set()
        return ref.obj

    def collect(self) -> None:
        """Release the buffers of every zero-copy message libzmq has finished with.

        The compiled core does this on its own at the interpreter's next safe point; calling
        it makes it happen now, from any thread. Objects kept by :meth:`store` are not
        touched: they wait for :meth:`release`.
        """
        _drain_released_buffers()

    def start(self) -> None:
        """Does nothing: cyzmq needs no collector thread (kept so pyzmq code keeps working)."""

    def stop(self) -> None:
        """Forget every stored object (their events are not set) and drain released
        buffers once: there is no thread to stop."""
        with self._lock:
            self.refs = {}
        self.collect()

    def is_alive(self) -> bool:
        """Always False: this collector never runs a thread."""
        return False

    def __len__(self) -> int:
        return len(self.refs)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {len(self.refs)} stored object(s), no thread>"


class GarbageCollectorThread(Thread):
    """A daemon thread that calls ``collector.collect()`` every ``interval`` seconds.

    Only worth running when the main thread may stay blocked in native code for long
    while zero-copy sends complete (their buffers are otherwise released when it returns
    to Python). Stop it with :meth:`stop`.
    """

    def __init__(self, collector: GarbageCollector | None = None, interval: float = 0.1) -> None:
        super().__init__(name="cyzmq-garbage-collector", daemon=True)
        self.collector = collector if collector is not None else gc
        self.interval = interval
        self._stopped = Event()

    def run(self) -> None:
        """Drain until :meth:`stop` is called."""
        while not self._stopped.wait(self.interval):
            try:
                self.collector.collect()
            except Exception as e:  # keep going: a failed drain is retried next round
                warnings.warn(f"zero-copy buffer drain failed: {e!r}", RuntimeWarning, stacklevel=1)

    def stop(self, timeout: float | None = None) -> None:
        """Ask the thread to finish and wait (up to ``timeout`` seconds) for it."""
        self._stopped.set()
        if self.is_alive():
            self.join(timeout)


#: The process-wide collector, as in pyzmq.
gc = GarbageCollector()
# Release whatever libzmq let go of before the interpreter starts tearing modules down.
atexit.register(gc.stop)
