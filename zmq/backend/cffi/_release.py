"""Zero-copy buffers lent to libzmq, and their release without the GIL.

libzmq calls a message's free function, from one of its own threads, once it no longer
needs a zero-copy buffer. A CFFI callback would take the GIL there, so a Python thread busy
computing would stall libzmq's I/O thread. Instead the free function is libc's
``putw(int, FILE *)``, called as ``putw(data, hint)``: it writes the low 32 bits of the
buffer's address to an unbuffered stream over a pipe (``hint``), without the GIL and
without any Python code. A daemon thread reads the pipe and, with the GIL, lets go of the
buffer and sets the trackers' events.

Buffers are grouped by those 32 bits, so a record cannot tell apart the messages that
share a buffer (the same bytes sent twice) or two buffers 4 GiB apart: a group keeps all
its buffers alive, and its trackers unfinished, until every message of the group is
released. That is late at worst, never early. The pipe's write end is non-blocking:
libzmq never waits on Python, even at interpreter exit when the reader has stopped.
"""
from __future__ import annotations

import fcntl
import os
import select
import struct
import threading
from typing import Any

from zmq.backend.cffi._ffi import ffi

_libc: Any = ffi.dlopen(None)  # putw, fdopen, setvbuf, clearerr: _declarations.LIBC_CDEF
#: The free function handed to zmq_msg_init_data.
FREE_FN: Any = ffi.cast("zmq_free_fn *", _libc.putw)
_IONBF = 2
_F_SETPIPE_SZ = 1031  # Linux: room for 262144 records while the reader waits for the GIL

_lock = threading.Lock()
#: low 32 bits of an address -> [messages outstanding, (objects kept alive), [events]]
_groups: dict[int, list[Any]] = {}
_stream: Any = None  # the FILE * libzmq writes to (None: not started in this process)
_reader_fd = -1
_record = struct.Struct("=I")


def _start() -> None:
    """Open the pipe and its stream, and start the reader thread (once per process)."""
    global _stream, _reader_fd
    r, w = os.pipe()
    for fd in (r, w):
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)
    try:
        fcntl.fcntl(w, _F_SETPIPE_SZ, 1 << 20)
    except OSError:
        pass  # not Linux, or above the system's pipe-max-size: the default size
    stream = _libc.fdopen(w, b"w")
    if stream == ffi.NULL:
        os.close(r)
        os.close(w)
        raise OSError(ffi.errno, "fdopen failed for the zero-copy release pipe")
    _libc.setvbuf(stream, ffi.NULL, _IONBF, 0)
    _reader_fd = r
    _stream = stream
    threading.Thread(target=_read_forever, args=(r,), name="cyzmq-zero-copy-release", daemon=True).start()


def lend(data: Any, buf: Any, event: threading.Event | None) -> Any:
    """Keep ``data`` (and its cdata ``buf``) alive until libzmq releases ``buf``; returns the
    ``hint`` to pass to zmq_msg_init_data with :data:`FREE_FN`."""
    key = int(ffi.cast("uintptr_t", buf)) & 0xFFFFFFFF
    with _lock:
        if _stream is None:
            _start()
        group = _groups.get(key)
        if group is None:
            group = _groups[key] = [0, [], []]
        group[0] += 1
        group[1].append((data, buf))
        if event is not None:
            group[2].append(event)
    return _stream


def is_lent(ptr: Any) -> bool:
    """Whether the memory at ``ptr`` (a cdata pointer) may be a buffer lent to libzmq by
    :func:`lend` and not yet released (by its low 32 bits, as the records go)."""
    return (int(ffi.cast("uintptr_t", ptr)) & 0xFFFFFFFF) in _groups


def unlend(buf: Any, event: threading.Event | None) -> None:
    """Undo :func:`lend` for a message libzmq never took."""
    key = int(ffi.cast("uintptr_t", buf)) & 0xFFFFFFFF
    with _lock:
        group = _groups[key]
        group[0] -= 1
        group[1].pop()
        if event is not None:
            group[2].remove(event)
        if group[0] == 0:
            del _groups[key]


def _released(records: bytes) -> None:
    done = []
    with _lock:
        for (key,) in _record.iter_unpack(records):
            group = _groups.get(key)
            if group is None:
                continue
            group[0] -= 1
            if group[0] == 0:
                done.append(_groups.pop(key))
    for group in done:
        for event in group[2]:
            event.set()
    # the buffers are let go of here, as `done` goes


def drain() -> None:
    """Handle the releases already written to the pipe (any thread)."""
    if _reader_fd < 0:
        return
    while True:
        try:
            records = os.read(_reader_fd, 1 << 16)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            return
        if not records:
            return
        _released(records)


def _read_forever(fd: int) -> None:
    while _reader_fd == fd:
        try:
            select.select([fd], [], [])
        except InterruptedError:
            continue
        except (OSError, ValueError):
            return
        if _stream is not None:
            _libc.clearerr(_stream)  # a write refused while the pipe was full must not stick
        drain()


def _after_fork_in_child() -> None:
    # No libzmq thread of the parent runs here and the reader thread is gone: start afresh
    # on first use. (Frames keep their own data alive; nothing here is needed by them.)
    global _stream, _reader_fd, _lock
    _lock = threading.Lock()
    _groups.clear()
    if _reader_fd >= 0:
        os.close(_reader_fd)
    _stream = None
    _reader_fd = -1


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
