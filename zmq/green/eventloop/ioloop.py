"""``zmq.eventloop.ioloop``, re-exported for gevent programs (see :mod:`zmq.green.eventloop`
for why it is the same module: Tornado cooperates with gevent through monkey-patching)."""
from __future__ import annotations

from typing import Any

import zmq.eventloop.ioloop as _ioloop
from zmq.eventloop.ioloop import *  # noqa: F403

__all__ = list(getattr(_ioloop, "__all__", [n for n in dir(_ioloop) if not n.startswith("_")]))


def __getattr__(name: str) -> Any:
    """Everything else of ``zmq.eventloop.ioloop``."""
    return getattr(_ioloop, name)
