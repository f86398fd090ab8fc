"""cyzmq: a fast, Cython-compiled ZeroMQ binding for Python, speaking pyzmq's API.

``import zmq`` gives the constants (``zmq.PUSH``...), the exceptions, ``Context``,
``Socket``, ``Frame``, ``Poller`` and the module-level libzmq functions. Extensions
(``zmq.asyncio``, ``zmq.eventloop``, ``zmq.devices``, ``zmq.log``, ``zmq.auth``, ``zmq.ssh``)
are imported on demand.
"""
from __future__ import annotations

import os as _os

from zmq import _collision  # noqa: F401  (fails at once if pyzmq's files are in this zmq/ too)
from zmq import constants
from zmq.constants import *  # noqa: F403
from zmq.error import *  # noqa: F403
from zmq import backend
from zmq.backend import (
    IPC_PATH_MAX_LEN,
    PYZMQ_DRAFT_API,
    curve_keypair,
    curve_public,
    has,
    proxy,
    proxy_steerable,
    strerror,
    zmq_errno,
    zmq_poll,
)
from zmq import sugar
from zmq.sugar import *  # noqa: F403
from zmq.sugar.version import __revision__, __version__, cyzmq_version

# Loaded by `import zmq` in pyzmq too, so `zmq.utils.jsonapi...` works without its own import.
from zmq import utils  # noqa: E402
from zmq.utils import interop as _interop, jsonapi as _jsonapi  # noqa: E402,F401

#: copy=False sends of fewer bytes than this are copied anyway (cheaper than tracking).
#: Read when a socket is created; each socket has its own ``copy_threshold``.
COPY_THRESHOLD = backend._COPY_THRESHOLD_DEFAULT  # (the core's one size threshold)
#: True when the linked libzmq exposes its draft API (SERVER/CLIENT, RADIO/DISH...).
DRAFT_API: bool = PYZMQ_DRAFT_API  # (annotated as pyzmq's: zmq.__annotations__)


def get_includes() -> list[str]:
    """Directories to add to ``include_dirs`` to compile Cython code that does
    ``from zmq cimport Socket, Frame, Context, libzmq``."""
    here = _os.path.dirname(__file__)
    return [_os.path.dirname(here), here, _os.path.join(here, "backend", "cython")]


def get_library_dirs() -> list[str]:
    """Directories holding cyzmq's compiled modules (for linking C code against them)."""
    return [_os.path.join(_os.path.dirname(__file__), "backend", "cython")]


# (As pyzmq's: the submodules, get_library_dirs and cyzmq_version are attributes, but
# `from zmq import *` does not import them.)
__all__ = [
    "COPY_THRESHOLD", "DRAFT_API", "PYZMQ_DRAFT_API",
    "IPC_PATH_MAX_LEN", "curve_keypair", "curve_public", "has", "proxy", "proxy_steerable",
    "strerror", "zmq_errno", "zmq_poll", "get_includes",
    "__version__", "__revision__",
]
# Extended in statements type checkers follow (they cannot evaluate `[...] + x.__all__`,
# and would then hide every name imported above from `mypy --strict` users).
__all__ += constants.__all__
__all__ += sugar.__all__
