"""The watchdog of blocked ``Context.term()`` calls: one daemon thread per process, started by
the first term() that has a warning limit, calls back each term() still blocked past its limit.

(A thread started per term() cost ~0.1 ms of CPU and a start-up handshake each time: a Jupyter
kernel, which terminates two contexts as it exits, exited measurably later than under pyzmq.
Now a term() only adds itself to a dict, and wakes the watchdog only when no earlier deadline is
already awaited.)
"""
from __future__ import annotations

import _thread
import itertools
import math
import os
import sys
import time
from collections.abc import Callable

_lock = _thread.allocate_lock()
_wake = _thread.allocate_lock()  # held while no wake-up is pending; released to wake the watchdog
_wake.acquire()
_watched: dict[int, tuple[float, float, Callable[[float], None]]] = {}  # token -> (deadline, limit, callback)
_tokens = itertools.count()
_sleeping_until = math.inf  # the deadline the watchdog sleeps until (inf: until woken)
_running_in: int | None = None  # pid of the process whose watchdog runs


def watch(limit: float, on_blocked: Callable[[float], None]) -> int | None:
    """Have ``on_blocked(limit)`` called from the watchdog thread unless :func:`unwatch` is
    called with the returned token within ``limit`` seconds. Not while the interpreter
    finalizes (None): the watchdog, a daemon thread, may have been stopped holding the lock."""
    global _running_in
    if sys.is_finalizing():
        return None
    deadline = time.monotonic() + limit
    with _lock:
        token = next(_tokens)
        _watched[token] = (deadline, limit, on_blocked)
        if _running_in != os.getpid():
            _running_in = os.getpid()
            _thread.start_new_thread(_run, ())
        elif deadline < _sleeping_until and _wake.locked():
            _wake.release()
    return token


def unwatch(token: int | None) -> None:
    """The watched call has returned: no callback for ``token`` (the watchdog is not woken)."""
    if token is None:
        return
    with _lock:
        _watched.pop(token, None)


def _run() -> None:
    global _sleeping_until
    while True:
        with _lock:
            now = time.monotonic()
            due = [_watched.pop(token) for token, entry in list(_watched.items()) if entry[0] <= now]
            _sleeping_until = min((entry[0] for entry in _watched.values()), default=math.inf)
            timeout = _sleeping_until - now
        for _, limit, on_blocked in due:
            try:
                on_blocked(limit)
            except BaseException as e:  # (a warning filter set to "error"): reported, the watchdog goes on
                import threading

                threading.excepthook(threading.ExceptHookArgs((type(e), e, e.__traceback__, None)))
        _wake.acquire(timeout=min(timeout, _thread.TIMEOUT_MAX) if timeout != math.inf else -1)


def _reset_in_child() -> None:
    # The watchdog thread does not exist in a forked child, and either lock may have been held.
    global _lock, _wake, _running_in, _sleeping_until
    _lock = _thread.allocate_lock()
    _wake = _thread.allocate_lock()
    _wake.acquire()
    _watched.clear()
    _running_in = None
    _sleeping_until = math.inf


os.register_at_fork(after_in_child=_reset_in_child)
