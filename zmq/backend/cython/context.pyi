"""Type stub of the compiled Context (zmq/backend/cython/context.pyx)."""

from typing import Any

from typing_extensions import disjoint_base

@disjoint_base
class Context:
    """A libzmq context: the container of sockets and I/O threads (thread-safe)."""

    def __init__(self, io_threads: int = 1, shadow: int = 0, **kwargs: Any) -> None:
        """Create a context with ``io_threads`` I/O threads, or wrap the libzmq context at address ``shadow``."""
    @property
    def underlying(self) -> int:
        """The address of the libzmq ``void *`` context, for :meth:`shadow` or C code."""
    @property
    def _owns_handle(self) -> bool:
        """True if terminating this object terminates the libzmq context."""
    @property
    def closed(self) -> bool:
        """True once the context has been terminated."""
    def term(self) -> None:
        """Terminate the context, waiting until every socket is closed (idempotent)."""
    def shutdown(self) -> None:
        """Make blocking calls on this context's sockets fail with ContextTerminated, without waiting."""
    def set(self, option: int, optval: int) -> None:
        """Set a context option (``zmq.IO_THREADS``, ``zmq.MAX_SOCKETS``, ``zmq.BLOCKY``...)."""
    def get(self, option: int) -> int:
        """Get a context option's int value."""
