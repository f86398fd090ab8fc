"""The CFFI backend's monitored_queue loop (the compiled backend runs it without the GIL)."""
from __future__ import annotations

from typing import Any

from zmq.backend.cffi._ffi import DONTWAIT, NOTHROW, SNDMORE
from zmq.backend.cffi.socket import WOULD_BLOCK, Socket
from zmq.backend.cffi.utils import zmq_poll

_ROUTER, _TYPE, _POLLIN = 6, 16, 1


def _forward(src: Socket, dst: Socket, mon: Socket, prefix: bytes, swap_ids: bool) -> bool:
    """Move one whole message from ``src`` to ``dst`` (a copy, after ``prefix``, to ``mon``
    first); False when none was waiting."""
    parts = Socket.recv_multipart(src, DONTWAIT | NOTHROW, copy=False)
    if parts is WOULD_BLOCK:
        return False
    if swap_ids and len(parts) >= 2:
        parts[0], parts[1] = parts[1], parts[0]
    # as pyzmq's: a monitor that cannot take the copy yet holds the queue (a PUB drops it)
    Socket.send(mon, prefix, SNDMORE)
    Socket.send_multipart(mon, parts, copy=False)
    Socket.send_multipart(dst, parts, copy=False)
    return True


def monitored_queue(in_socket: Any, out_socket: Any, mon_socket: Any, in_prefix: Any = b"in",
                    out_prefix: Any = b"out") -> Any:
    """Forward messages both ways between ``in_socket`` and ``out_socket``, publishing a copy
    of each on ``mon_socket`` after a frame ``in_prefix`` or ``out_prefix``; ROUTER-to-ROUTER
    queues swap the two routing frames. Runs until the context is terminated."""
    for s in (in_socket, out_socket, mon_socket):
        if not isinstance(s, Socket):
            raise TypeError(f"monitored_queue needs zmq Sockets, not {type(s).__name__!r}")
        s._check_usable()
    in_prefix = in_prefix.encode("utf-8") if isinstance(in_prefix, str) else bytes(in_prefix)
    out_prefix = out_prefix.encode("utf-8") if isinstance(out_prefix, str) else bytes(out_prefix)
    swap_ids = in_socket.get(_TYPE) == _ROUTER and out_socket.get(_TYPE) == _ROUTER
    while True:
        for sock, _ in zmq_poll([(in_socket, _POLLIN), (out_socket, _POLLIN)], -1):
            if sock is in_socket:
                while _forward(in_socket, out_socket, mon_socket, in_prefix, swap_ids):
                    pass
            else:
                while _forward(out_socket, in_socket, mon_socket, out_prefix, swap_ids):
                    pass
