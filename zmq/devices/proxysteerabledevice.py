"""Steerable proxy devices: a proxy device with a control socket.

They obey libzmq's control commands, each a single-frame message on the control socket:
``PAUSE`` (stop forwarding, queue), ``RESUME``, ``TERMINATE`` (the device ends: it closes
its sockets and, if it created its context itself, terminates it) and ``STATISTICS`` (the
device replies, on the control socket, with eight frames of native uint64 counters:
messages and bytes received on in, sent on in, received on out, sent on out). Use a
control socket type that can reply (``zmq.PAIR``, the default) to ask for statistics.
"""
from __future__ import annotations

from typing import Optional

import zmq
from zmq.backend import proxy_steerable as _proxy_steerable
from zmq.devices.basedevice import _planned, _SocketPlan
from zmq.devices.proxydevice import _PARAMETERS, ProcessProxy, Proxy, ProxyBase, ThreadProxy

__all__ = ["ProxySteerable", "ThreadProxySteerable", "ProcessProxySteerable"]


#: The parameters of every steerable proxy device.
_STEERABLE_PARAMETERS = _PARAMETERS + """    ctrl_type : int, optional
        Type of the control socket; when not given (the attribute ``ctrl_type`` stays
        None) a ``zmq.PAIR`` socket, which can answer ``STATISTICS``.
"""


class ProxySteerableBase(ProxyBase):
    __doc__ = (
        "Adds the control socket to a proxy and forwards with :func:`zmq.proxy_steerable`.\n"
        + _STEERABLE_PARAMETERS
    )

    _socket_keys = ("in", "out", "mon", "ctrl")

    def __init__(self, in_type: int, out_type: int, mon_type: int = zmq.PUB, ctrl_type: Optional[int] = None) -> None:
        super().__init__(in_type, out_type, mon_type)
        self.ctrl_type = ctrl_type
        self._ctrl = _SocketPlan(zmq.PAIR if ctrl_type is None else ctrl_type, self._reserved)

    bind_ctrl = _planned("ctrl", _SocketPlan.bind)
    connect_ctrl = _planned("ctrl", _SocketPlan.connect)
    setsockopt_ctrl = _planned("ctrl", _SocketPlan.setsockopt)
    bind_ctrl_to_random_port = _planned("ctrl", _SocketPlan.bind_to_random_port)

    def run_device(self) -> None:
        """Create the sockets and run :func:`zmq.proxy_steerable` until ``TERMINATE`` (a
        normal return) or the context's termination.

        Raises
        ------
        zmq.ContextTerminated
            When the device's context is terminated.
        """
        ins, outs, mons, ctrl = self._setup_sockets()
        _proxy_steerable(ins, outs, mons, ctrl)


class ProxySteerable(ProxySteerableBase, Proxy):
    __doc__ = "A steerable proxy device, run in the calling thread.\n" + _STEERABLE_PARAMETERS


class ThreadProxySteerable(ProxySteerableBase, ThreadProxy):
    __doc__ = "A steerable proxy device, run in a background thread.\n" + _STEERABLE_PARAMETERS


class ProcessProxySteerable(ProxySteerableBase, ProcessProxy):
    __doc__ = "A steerable proxy device, run in a child process.\n" + _STEERABLE_PARAMETERS
