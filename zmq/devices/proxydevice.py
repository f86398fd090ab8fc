"""Proxy devices: a device with a monitor ("capture") socket receiving a copy of every
message (see :mod:`zmq.devices.proxysteerabledevice` for the steerable ones).
"""
from __future__ import annotations

import zmq
from zmq.backend import proxy as _proxy
from zmq.devices.basedevice import Device, ProcessDevice, ThreadDevice, _planned, _SocketPlan

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
