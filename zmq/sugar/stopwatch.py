"""Stopwatch: a microsecond timer (deprecated, as in pyzmq: use :func:`time.monotonic`)."""
from __future__ import annotations

import time
import warnings

from zmq.error import ZMQError


class Stopwatch:
    """Time an interval in microseconds: ``start()``, then ``stop()``.

    Deprecated (as in pyzmq): creating one emits a DeprecationWarning; use
    :func:`time.monotonic` or :func:`time.perf_counter` instead.
    """

    def __init__(self) -> None:
        warnings.warn(
            "zmq.Stopwatch is deprecated. Use stdlib time.monotonic and friends instead",
            DeprecationWarning, stacklevel=2,
        )
        self._start: int | None = None

    def start(self) -> None:
        """Start (or restart) timing."""
        self._start = time.monotonic_ns()

    def stop(self) -> int:
        """Microseconds since the last :meth:`start` (each call measures from it again).

        Raises
        ------
        zmq.ZMQError
            EINVAL: the watch was never started (pyzmq returns a meaningless number).
        """
        if self._start is None:
            raise ZMQError(msg="Stopwatch must be started before it is stopped", errno=22)
        return (time.monotonic_ns() - self._start) // 1000


__all__ = ["Stopwatch"]
