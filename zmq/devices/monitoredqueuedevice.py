"""Monitored queue devices: a queue whose traffic is copied, with a prefix frame telling
its direction, to a monitor socket (see :func:`zmq.devices.monitored_queue`)."""
from __future__ import annotations

from typing import Union

import zmq
from zmq.devices.basedevice import ProcessDevice, ThreadDevice
from zmq.devices.monitoredqueue import monitored_queue
from zmq.devices.proxydevice import ProxyBase

__all__ = ["MonitoredQueue", "ThreadMonitoredQueue", "ProcessMonitoredQueue"]


def _as_bytes(prefix: Union[bytes, str]) -> bytes:
    return prefix.encode("utf-8") if isinstance(prefix, str) else bytes(prefix)


class MonitoredQueueBase(ProxyBase):
    """A proxy device whose loop is :func:`~zmq.devices.monitored_queue`.

    Parameters
    ----------
    in_type : int
        Type of the in socket.
    out_type : int
        Type of the out socket.
    mon_type : int
        Type of the monitor socket (default ``zmq.PUB``).
    in_prefix : bytes or str
        First frame of the monitor copies of in-to-out traffic (default ``b"in"``).
    out_prefix : bytes or str
        First frame of the monitor copies of out-to-in traffic (default ``b"out"``).
    """

    def __init__(
        self,
        in_type: int,
        out_type: int,
        mon_type: int = zmq.PUB,
        in_prefix: Union[bytes, str] = b"in",
        out_prefix: Union[bytes, str] = b"out",
    ) -> None:
        super().__init__(in_type, out_type, mon_type)
        self.in_prefix = _as_bytes(in_prefix)
        self.out_prefix = _as_bytes(out_prefix)

    def run_device(self) -> None:
        """Create the sockets and run :func:`~zmq.devices.monitored_queue`.

        Raises
        ------
        zmq.ContextTerminated
            When the device's context is terminated (the normal end).
        """
        ins, outs, mons = self._setup_sockets()
        monitored_queue(ins, outs, mons, self.in_prefix, self.out_prefix)


class MonitoredQueue(MonitoredQueueBase):
    """A monitored queue device run in the calling thread.

    Parameters
    ----------
    in_type : int
        Type of the in socket.
    out_type : int
        Type of the out socket.
    mon_type : int
        Type of the monitor socket (default ``zmq.PUB``).
    in_prefix : bytes or str
        Prefix frame of in-to-out copies (default ``b"in"``).
    out_prefix : bytes or str
        Prefix frame of out-to-in copies (default ``b"out"``).
    """


class ThreadMonitoredQueue(MonitoredQueueBase, ThreadDevice):
    """A monitored queue device run in a background thread.

    Parameters
    ----------
    in_type : int
        Type of the in socket.
    out_type : int
        Type of the out socket.
    mon_type : int
        Type of the monitor socket (default ``zmq.PUB``).
    in_prefix : bytes or str
        Prefix frame of in-to-out copies (default ``b"in"``).
    out_prefix : bytes or str
        Prefix frame of out-to-in copies (default ``b"out"``).
    """


class ProcessMonitoredQueue(MonitoredQueueBase, ProcessDevice):
    """A monitored queue device run in a child process.

    Parameters
    ----------
    in_type : int
        Type of the in socket.
    out_type : int
        Type of the out socket.
    mon_type : int
        Type of the monitor socket (default ``zmq.PUB``).
    in_prefix : bytes or str
        Prefix frame of in-to-out copies (default ``b"in"``).
    out_prefix : bytes or str
        Prefix frame of out-to-in copies (default ``b"out"``).
    """
