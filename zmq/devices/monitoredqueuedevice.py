"""Monitored queue devices: a queue whose traffic is copied, with a prefix frame telling
its direction, to a monitor socket (see :func:`zmq.devices.monitored_queue`)."""
from __future__ import annotations

from typing import Union

import zmq
from zmq.devices.monitoredqueue import monitored_queue
from zmq.devices.proxydevice import _PARAMETERS as _PROXY_PARAMETERS
from zmq.devices.proxydevice import ProcessProxy, Proxy, ProxyBase, ThreadProxy

__all__ = ["MonitoredQueue", "ThreadMonitoredQueue", "ProcessMonitoredQueue"]


#: The parameters of every monitored queue device, whichever runs it.
_PARAMETERS = _PROXY_PARAMETERS + """    in_prefix : bytes or str
        First frame of the monitor copies of in-to-out traffic (default ``b"in"``).
    out_prefix : bytes or str
        First frame of the monitor copies of out-to-in traffic (default ``b"out"``).
"""


class MonitoredQueueBase(ProxyBase):
    __doc__ = "A proxy device whose loop is :func:`~zmq.devices.monitored_queue`.\n" + _PARAMETERS

    def __init__(
        self,
        in_type: int,
        out_type: int,
        mon_type: int = zmq.PUB,
        in_prefix: Union[bytes, str] = b"in",
        out_prefix: Union[bytes, str] = b"out",
    ) -> None:
        super().__init__(in_type, out_type, mon_type)
        # Kept as given (str is encoded when the device runs).
        self._in_prefix = in_prefix
        self._out_prefix = out_prefix

    def run_device(self) -> None:
        """Create the sockets and run :func:`~zmq.devices.monitored_queue`.

        Raises
        ------
        zmq.ContextTerminated
            When the device's context is terminated (the normal end).
        """
        ins, outs, mons = self._setup_sockets()
        monitored_queue(ins, outs, mons, self._in_prefix, self._out_prefix)


class MonitoredQueue(MonitoredQueueBase, Proxy):
    __doc__ = "A monitored queue device run in the calling thread.\n" + _PARAMETERS


class ThreadMonitoredQueue(MonitoredQueueBase, ThreadProxy):
    __doc__ = "A monitored queue device run in a background thread.\n" + _PARAMETERS


class ProcessMonitoredQueue(MonitoredQueueBase, ProcessProxy):
    __doc__ = "A monitored queue device run in a child process.\n" + _PARAMETERS
