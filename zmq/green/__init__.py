"""zmq for gevent: ``import zmq.green as zmq`` and blocking calls let other greenlets run.

This module is the whole ``zmq`` namespace with the blocking pieces replaced by
cooperative ones: :class:`Context` (whose sockets are green), :class:`Socket`,
:class:`Poller`, :func:`select`, :func:`zmq_poll`, :func:`device`, :func:`proxy` and
:func:`proxy_steerable`. A green call that has to wait parks its greenlet on gevent's hub
(watching the socket's file descriptor) instead of blocking the thread; timeouts
(RCVTIMEO/SNDTIMEO) and Ctrl-C behave as with plain zmq.

Nothing is monkey-patched: plain ``zmq`` keeps blocking the thread as before. Needs gevent
(``pip install cyzmq[green]``). As in pyzmq, the namespace is ``zmq``'s ``__all__`` plus
the green pieces: submodules such as ``zmq.green.eventloop`` are imported explicitly.
"""
from __future__ import annotations

import zmq as _zmq
from zmq import *  # noqa: F403
from zmq.green.core import _Context, _Socket
from zmq.green.device import device, proxy, proxy_steerable
from zmq.green.poll import _Poller, select, zmq_poll

Socket = _Socket
Context = _Context
Poller = _Poller

__all__ = list(_zmq.__all__)
