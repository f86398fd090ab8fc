"""The compiled core of cyzmq, re-exported: the names every backend provides."""
try:
    from zmq.backend.cython._utils import (
        DRAFT_API as PYZMQ_DRAFT_API,
        curve_keypair,
        curve_public,
        device,
        has,
        proxy,
        proxy_steerable,
        strerror,
        zmq_errno,
        zmq_poll,
        zmq_version_info,
    )
    from zmq.backend.cython.context import Context
    from zmq.backend.cython.message import Frame, Message, MessageTracker
    from zmq.backend.cython.socket import Socket
except ImportError as e:  # pragma: no cover - only on an unbuilt checkout
    raise ImportError(
        f"cyzmq's compiled core is not built ({e}). In a source checkout run `make` "
        "(or `pip install -e .`) to build it against the system libzmq."
    ) from e

from zmq.constants import IPC_PATH_MAX_LEN

__all__ = [
    "Context",
    "Socket",
    "Frame",
    "Message",
    "MessageTracker",
    "IPC_PATH_MAX_LEN",
    "PYZMQ_DRAFT_API",
    "curve_keypair",
    "curve_public",
    "device",
    "has",
    "proxy",
    "proxy_steerable",
    "strerror",
    "zmq_errno",
    "zmq_poll",
    "zmq_version_info",
]
