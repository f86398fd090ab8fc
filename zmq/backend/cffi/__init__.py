"""cyzmq's CFFI backend: libzmq through CFFI in ABI mode, for PyPy and for machines without
a C compiler. It provides the same names as the compiled (Cython) backend."""
from zmq.backend.cffi.context import Context
from zmq.backend.cffi.devices import monitored_queue
from zmq.backend.cffi.message import Frame, Message, MessageTracker, _drain_released_buffers
from zmq.backend.cffi.socket import NOTHROW_FLAG, WOULD_BLOCK, Socket
from zmq.backend.cffi.utils import (
    DRAFT_API,
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

__all__ = ["Context", "Socket", "Frame", "Message", "MessageTracker", "NOTHROW_FLAG", "WOULD_BLOCK",
           "DRAFT_API", "monitored_queue", "curve_keypair", "curve_public", "device", "has", "proxy", "proxy_steerable",
           "strerror", "zmq_errno", "zmq_poll", "zmq_version_info", "_drain_released_buffers"]
