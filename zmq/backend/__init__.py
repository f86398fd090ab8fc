"""The compiled core of cyzmq, re-exported: the names every backend provides."""
from __future__ import annotations

from importlib import import_module
from typing import Any

try:
    from zmq.backend.cython._utils import (
        DRAFT_API as PYZMQ_DRAFT_API,
        IPC_PATH_MAX_LEN,
        curve_keypair,
        curve_public,
        device as device,
        has,
        proxy,
        proxy_steerable,
        strerror,
        zmq_errno,
        zmq_poll,
        zmq_version_info,
    )
    from zmq.backend.cython.context import Context
    from zmq.backend.cython.message import Frame, Message, MessageTracker as MessageTracker
    from zmq.backend.cython.socket import Socket
except ImportError as e:  # pragma: no cover - only on an unbuilt checkout
    raise ImportError(
        f"cyzmq's compiled core is not built ({e}). In a source checkout run `make` "
        "(or `pip install -e .`) to build it against the system libzmq."
    ) from e

#: The names a backend module provides (``device`` and ``MessageTracker`` are importable
#: from here too, but belong to zmq's top level). Kept equal to ``__all__``.
public_api = [
    "Context",
    "Socket",
    "Frame",
    "Message",
    "proxy",
    "proxy_steerable",
    "zmq_poll",
    "strerror",
    "zmq_errno",
    "has",
    "curve_keypair",
    "curve_public",
    "zmq_version_info",
    "IPC_PATH_MAX_LEN",
    "PYZMQ_DRAFT_API",
]

__all__ = [
    "Context",
    "Socket",
    "Frame",
    "Message",
    "proxy",
    "proxy_steerable",
    "zmq_poll",
    "strerror",
    "zmq_errno",
    "has",
    "curve_keypair",
    "curve_public",
    "zmq_version_info",
    "IPC_PATH_MAX_LEN",
    "PYZMQ_DRAFT_API",
]


def select_backend(name: str) -> dict[str, Any]:
    """The public API of the backend module ``name`` (``"zmq.backend.cython"``), as a dict:
    the :data:`public_api` names and ``monitored_queue``.

    Raises
    ------
    ImportError
        ``name`` cannot be imported.
    AttributeError
        The module lacks one of those names.
    """
    module = import_module(name)
    return {key: getattr(module, key) for key in ["monitored_queue", *public_api]}


def __getattr__(name: str) -> Any:
    # monitored_queue lives in zmq.devices, which imports zmq: loaded on first use.
    if name == "monitored_queue":
        from zmq.devices.monitoredqueue import monitored_queue

        return monitored_queue
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
