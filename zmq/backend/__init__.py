"""The backend of cyzmq: the names every backend provides, from the one in use.

Two backends provide them: ``cython`` (compiled against libzmq when cyzmq is built; the
default on CPython) and ``cffi`` (libzmq opened with dlopen through CFFI in ABI mode, no
compiler needed; the default on PyPy, and on CPython when the compiled core is not built).
``ZMQ_BACKEND=cython`` or ``ZMQ_BACKEND=cffi`` picks one; a backend asked for by name that
cannot be loaded is an ImportError that says why. :data:`BACKEND` tells which is in use.
"""
from __future__ import annotations

import os as _os
import sys as _sys

from zmq.backend._names import PUBLIC_API as _PUBLIC_API

TYPE_CHECKING = False  # (typing is not imported at `import zmq`: it costs more than this module)
if TYPE_CHECKING:
    from typing import Any

_BACKENDS = ("cython", "cffi")


def _select() -> str:
    """The backend to load: the one ZMQ_BACKEND names, else cffi on PyPy or when the
    compiled core is not built, else cython."""
    asked = _os.environ.get("ZMQ_BACKEND", "").strip().lower()
    if asked:
        if asked not in _BACKENDS:
            raise ImportError(f"ZMQ_BACKEND={asked!r}: cyzmq's backends are {' and '.join(_BACKENDS)}")
        return asked
    if _sys.implementation.name == "pypy":
        return "cffi"
    try:
        import zmq.backend.cython._utils  # noqa: F401
    except ImportError:
        return "cffi"
    return "cython"


#: The backend in use: ``"cython"`` or ``"cffi"``.
BACKEND = _select()

if TYPE_CHECKING or BACKEND == "cython":  # type checkers see the compiled backend's stubs
    try:
        from zmq.backend.cython import _devices
        from zmq.backend.cython._utils import (
            DRAFT_API as _DRAFT_API,
            IPC_PATH_MAX_LEN as IPC_PATH_MAX_LEN,
            curve_keypair as curve_keypair,
            curve_public as curve_public,
            device as device,
            has as has,
            proxy as proxy,
            proxy_steerable as proxy_steerable,
            strerror as strerror,
            zmq_errno as zmq_errno,
            zmq_poll as zmq_poll,
            zmq_version_info as zmq_version_info,
        )
        from zmq.backend.cython.context import Context as Context
        from zmq.backend.cython.message import _FINISHED_TRACKER as _FINISHED_TRACKER
        from zmq.backend.cython.message import COPY_THRESHOLD_DEFAULT as _COPY_THRESHOLD
        from zmq.backend.cython.message import Frame as Frame, Message as Message, MessageTracker as MessageTracker
        from zmq.backend.cython.message import _drain_released_buffers as _drain_released_buffers
        from zmq.backend.cython.socket import NOTHROW_FLAG as NOTHROW_FLAG
        from zmq.backend.cython.socket import WOULD_BLOCK as WOULD_BLOCK
        from zmq.backend.cython.socket import Socket as Socket
    except ImportError as e:
        raise ImportError(
            f"cyzmq's compiled core is not built ({e}). In a source checkout run `make` "
            "(or `pip install -e .`) to build it against the system libzmq, or use the CFFI "
            "backend: ZMQ_BACKEND=cffi (needs the cffi package and libzmq.so.5)."
        ) from e
    PYZMQ_DRAFT_API: bool = _DRAFT_API
    #: zmq.COPY_THRESHOLD's default (the core's one size threshold).
    _COPY_THRESHOLD_DEFAULT: int = _COPY_THRESHOLD
    #: The core loop of zmq.devices.monitored_queue.
    _monitored_queue = _devices.monitored_queue
else:
    try:
        from zmq.backend.cffi import (
            _FINISHED_TRACKER,
            DRAFT_API as PYZMQ_DRAFT_API,
            IPC_PATH_MAX_LEN,
            NOTHROW_FLAG,
            WOULD_BLOCK,
            Context,
            Frame,
            Message,
            MessageTracker,
            Socket,
            _drain_released_buffers,
            curve_keypair,
            curve_public,
            device,
            has,
            monitored_queue as _cffi_monitored_queue,
            proxy,
            proxy_steerable,
            strerror,
            zmq_errno,
            zmq_poll,
            zmq_version_info,
        )
        from zmq.backend.cffi.message import COPY_THRESHOLD_DEFAULT as _COPY_THRESHOLD_DEFAULT
    except ImportError as e:
        raise ImportError(f"cyzmq's CFFI backend cannot be loaded: {e}") from e
    _monitored_queue = _cffi_monitored_queue

__all__ = list(_PUBLIC_API)
#: The names a backend module provides (``device`` and ``MessageTracker`` are importable
#: from here too, but belong to zmq's top level).
public_api = list(__all__)


def select_backend(name: str) -> dict[str, Any]:
    """The public API of the backend module ``name`` (``"zmq.backend.cython"`` or
    ``"zmq.backend.cffi"``), as a dict: the :data:`public_api` names and ``monitored_queue``.

    Raises
    ------
    ImportError
        ``name`` cannot be imported.
    AttributeError
        The module lacks one of those names.
    """
    from importlib import import_module

    module = import_module(name)
    return {key: getattr(module, key) for key in ["monitored_queue", *public_api]}


def __getattr__(name: str) -> Any:
    # monitored_queue lives in zmq.devices, which imports zmq: loaded on first use.
    if name == "monitored_queue":
        from zmq.devices.monitoredqueue import monitored_queue

        return monitored_queue
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
