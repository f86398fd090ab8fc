"""Type stub of zmq/backend/cython/_poller.pyx: the compiled part of zmq.Poller."""

from typing import Any

from typing_extensions import disjoint_base

@disjoint_base
class PollerCore:
    """The base of :class:`zmq.Poller` on the compiled backend: ``poll()`` over the instance's
    ``sockets``."""

    def __getstate__(self) -> dict[str, Any]: ...
    def poll(self, timeout: float | None = None) -> list[tuple[Any, int]]: ...
