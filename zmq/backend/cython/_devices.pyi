"""Type stub of the compiled device loops (zmq/backend/cython/_devices.pyx)."""

from typing import NoReturn

from zmq.backend.cython.socket import Socket

def monitored_queue(
    in_socket: Socket,
    out_socket: Socket,
    mon_socket: Socket,
    in_prefix: bytes | str = b"in",
    out_prefix: bytes | str = b"out",
) -> NoReturn:
    """Queue messages both ways between two sockets, copying each (prefixed) to ``mon_socket``; ends by raising."""
