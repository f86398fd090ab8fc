"""cyzmq's CFFI backend: libzmq through CFFI in ABI mode, for PyPy and for machines without
a C compiler. It provides the same names as the compiled (Cython) backend."""
from zmq.backend._names import PUBLIC_API as _PUBLIC_API
from zmq.backend.cffi.context import Context
from zmq.backend.cffi.devices import monitored_queue
from zmq.backend.cffi.message import _FINISHED_TRACKER, Frame, Message, MessageTracker, _drain_released_buffers
from zmq.backend.cffi.socket import NOTHROW_FLAG, WOULD_BLOCK, Socket
from zmq.backend.cffi.utils import (
    DRAFT_API,
    IPC_PATH_MAX_LEN,
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

PYZMQ_DRAFT_API = DRAFT_API

__all__ = [*_PUBLIC_API, "MessageTracker", "DRAFT_API", "device", "monitored_queue", "NOTHROW_FLAG", "WOULD_BLOCK",
           "_FINISHED_TRACKER", "_drain_released_buffers"]
