"""Proxy devices: a device with a monitor ("capture") socket receiving a copy of every
message, optionally steerable through a control socket.

``ProxySteerable`` devices obey libzmq's control commands, each a single-frame message on
the control socket: ``PAUSE`` (stop forwarding, queue), ``RESUME``, ``TERMINATE`` (the
device ends: it closes its sockets and, if it owns its context, terminates it) and
``STATISTICS`` (the device replies, on the control socket, with eight frames of native
uint64 counters: messages and bytes received on in, sent on in, received on out, sent on
out). Use a control socket type that can reply (``zmq.PAIR``, the default) to ask for
statistics.
"""
from __future__ import annotations

from typing import Optional

import zmq
from zmq.backend import proxy as _proxy
from zmq.backend import proxy_steerable as _proxy_steerable
from zmq.devices.basedevice import Device, ProcessDevice, ThreadDevice, _planned, _SocketPlan

# As pyzmq's: the steerable proxies are reached through zmq.devices.
__all__ = ["Proxy", "ThreadProxy", "ProcessProxy"]


#: The parameters of every proxy device, whichever runs it.
_PARAMETERS = """
    Parameters
    ----------
    in_type : int
        Type of the in (frontend) socket.
    out_type : int
        Type of the out (backend) socket.
    mon_type : int
        Type of the monitor socket that receives a copy of every message (default
        ``zmq.PUB``).
"""


class ProxyBase(Device):
    __doc__ = "Adds the monitor socket to a device and forwards with :func:`zmq.proxy`.\n" + _PARAMETERS

    _socket_keys: tuple[str, ...] = ("in", "out", "mon")

    def __init__(self, in_type: int, out_type: int, mon_type: int = zmq.PUB) -> None:
        super().__init__(zmq.QUEUE, in_type, out_type)
        self.mon_type = mon_type
        self._mon = _SocketPlan(mon_type, self._reserved)

    bind_mon = _planned("mon", _SocketPlan.bind)
    connect_mon = _planned("mon", _SocketPlan.connect)
    setsockopt_mon = _planned("mon", _SocketPlan.setsockopt)
    bind_mon_to_random_port = _planned("mon", _SocketPlan.bind_to_random_port)

    def run_device(self) -> None:
        """Create the sockets and run :func:`zmq.proxy` (in, out, capture=monitor).

        Raises
        ------
        zmq.ContextTerminated
            When the device's context is terminated (the normal end).
        """
        ins, outs, mons = self._setup_sockets()
        _proxy(ins, outs, mons)


class Proxy(ProxyBase):
    __doc__ = "A proxy device with a monitor socket, run in the calling thread.\n" + _PARAMETERS


class ThreadProxy(ProxyBase, ThreadDevice):
    __doc__ = "A proxy device with a monitor socket, run in a background thread.\n" + _PARAMETERS


class ProcessProxy(ProxyBase, ProcessDevice):
    __doc__ = "A proxy device with a monitor socket, run in a child process.\n" + _PARAMETERS


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
