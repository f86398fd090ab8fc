"""zmq for gevent: ``import zmq.green as zmq`` and blocking calls let other greenlets run.

This module is the whole ``zmq`` namespace with the blocking pieces replaced by
cooperative ones: :class:`Context` (whose sockets are green), :class:`Socket`,
:class:`Poller`, :func:`select`, :func:`zmq_poll`, :func:`device`, :func:`proxy` and
:func:`proxy_steerable`. A green call that has to wait parks its greenlet on gevent's hub
(watching the socket's file descriptor) instead of blocking the thread; timeouts
(RCVTIMEO/SNDTIMEO) and Ctrl-C behave as with plain zmq.

Nothing is monkey-patched: plain ``zmq`` keeps blocking the thread as before. Needs gevent
(``pip install cyzmq[green]``).
"""
from __future__ import annotations

import zmq as _zmq
from zmq import *  # noqa: F403
from zmq.green.core import Context, Socket
from zmq.green.device import device, proxy, proxy_steerable
from zmq.green.poll import Poller, select, zmq_poll

SyncSocket = _zmq.Socket
SyncContext = _zmq.Context

__all__ = list(_zmq.__all__)


def __getattr__(name: str) -> object:
    """Lazily reach submodules such as ``zmq.green.eventloop`` and everything else ``zmq`` has."""
    if name == "eventloop":
        import importlib

        return importlib.import_module("zmq.green.eventloop")
    return getattr(_zmq, name)
