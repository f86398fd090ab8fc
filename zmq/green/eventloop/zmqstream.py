"""``zmq.eventloop.zmqstream``, re-exported for gevent programs (see :mod:`zmq.green.eventloop`
for why it is the same module: Tornado cooperates with gevent through monkey-patching)."""
from __future__ import annotations

from typing import Any

import zmq.eventloop.zmqstream as _zmqstream
from zmq.eventloop.zmqstream import *  # noqa: F403

__all__ = list(getattr(_zmqstream, "__all__", [n for n in dir(_zmqstream) if not n.startswith("_")]))


def __getattr__(name: str) -> Any:
    """Everything else of ``zmq.eventloop.zmqstream``."""
    return getattr(_zmqstream, name)
