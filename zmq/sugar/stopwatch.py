"""Stopwatch: a microsecond timer."""
from __future__ import annotations

import time

from zmq.error import ZMQError


class Stopwatch:
    """Time an interval in microseconds: ``start()`` then ``stop()`` (or ``intermediate()``)."""

    def __init__(self) -> None:
        self._start: int | None = None

    def start(self) -> None:
        """Start (or restart) timing."""
        self._start = time.monotonic_ns()

    def intermediate(self) -> int:
        """Microseconds since :meth:`start`, leaving the watch running."""
        if self._start is None:
            raise ZMQError(msg="Stopwatch must be started before reading it", errno=22)
        return (time.monotonic_ns() - self._start) // 1000

    def stop(self) -> int:
        """Microseconds since :meth:`start`; the watch stops."""
        elapsed = self.intermediate()
        self._start = None
        return elapsed


__all__ = ["Stopwatch"]
