"""Compiled extension modules of cyzmq (Cython), with the backend's public API re-exported."""
from __future__ import annotations

TYPE_CHECKING = False  # (typing is not imported at `import zmq`)
if TYPE_CHECKING:
    from typing import Any

from zmq.backend._names import PUBLIC_API as _PUBLIC_API

from zmq.backend.cython._utils import (
    DRAFT_API as PYZMQ_DRAFT_API,
    IPC_PATH_MAX_LEN,
    curve_keypair,
    curve_public,
    has,
    proxy,
    proxy_steerable,
    strerror,
    zmq_errno,
    zmq_poll,
    zmq_version_info,
)
from zmq.backend.cython.context import Context
from zmq.backend.cython.message import Frame, Message
from zmq.backend.cython.socket import Socket

__all__ = list(_PUBLIC_API)


def __getattr__(name: str) -> Any:
    # monitored_queue lives in zmq.devices, which imports zmq: loaded on first use.
    if name == "monitored_queue":
        from zmq.devices.monitoredqueue import monitored_queue

        return monitored_queue
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
