"""The names every backend module provides (``zmq.backend.cython``, ``zmq.backend.cffi``), and
so ``zmq.backend`` itself: one list, for ``__all__`` and ``zmq.backend.public_api``."""

PUBLIC_API = [
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
