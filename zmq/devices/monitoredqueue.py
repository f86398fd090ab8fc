"""``monitored_queue``: a queue between two sockets that publishes a copy of all traffic.

The loop itself is compiled (:mod:`zmq.backend.cython._devices`) and runs without the GIL;
this module gives it its documented, typed Python signature.
"""
from __future__ import annotations

from typing import NoReturn, Union

import zmq
from zmq.backend import _monitored_queue

__all__ = ["monitored_queue"]


def monitored_queue(
    in_socket: zmq.Socket,
    out_socket: zmq.Socket,
    mon_socket: zmq.Socket,
    in_prefix: Union[bytes, str] = b"in",
    out_prefix: Union[bytes, str] = b"out",
) -> NoReturn:
    """Forward messages both ways between two sockets, copying each to a monitor socket.

    Every message going from ``in_socket`` to ``out_socket`` is also sent to
    ``mon_socket`` preceded by one frame holding ``in_prefix``; every message going the
    other way, preceded by ``out_prefix``. Each copy is sent before the message is
    forwarded, as pyzmq does: a monitor that cannot take it yet (a PUSH without a peer, at
    its HWM) holds the queue until it can, while a PUB monitor drops copies nobody
    subscribed to or that exceed its HWM. When both sockets are ROUTERs, the two routing frames of each message trade
    places, so that replies find their way back. The loop releases the GIL.

    Parameters
    ----------
    in_socket : zmq.Socket
        The frontend (often a ROUTER).
    out_socket : zmq.Socket
        The backend (often a DEALER).
    mon_socket : zmq.Socket
        The socket receiving the copies (often a PUB).
    in_prefix : bytes or str
        First frame of the copies of in-to-out traffic (str is UTF-8 encoded).
    out_prefix : bytes or str
        First frame of the copies of out-to-in traffic.

    Raises
    ------
    zmq.ContextTerminated
        When the sockets' context is terminated: the normal end.
    zmq.ZMQError
        If a socket fails (e.g. it was closed).
    TypeError
        If one of the sockets is not a :class:`zmq.Socket`, or a prefix is neither bytes
        nor str.
    KeyboardInterrupt
        On Ctrl-C.
    """
    for prefix in (in_prefix, out_prefix):
        if not isinstance(prefix, (bytes, str)):
            raise TypeError(f"a monitored_queue prefix must be bytes or str, not {type(prefix).__name__}")
    _monitored_queue(in_socket, out_socket, mon_socket, in_prefix, out_prefix)
    raise AssertionError("unreachable: monitored_queue only ends by raising")  # pragma: no cover
