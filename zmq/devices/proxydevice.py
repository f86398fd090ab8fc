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

from typing import Any, Optional

import zmq
from zmq.backend import proxy as _proxy
from zmq.backend import proxy_steerable as _proxy_steerable
from zmq.devices.basedevice import Device, ProcessDevice, ThreadDevice, _SocketPlan

__all__ = [
    "Proxy",
    "ThreadProxy",
    "ProcessProxy",
    "ProxySteerable",
    "ThreadProxySteerable",
    "ProcessProxySteerable",
]


class ProxyBase(Device):
    """Adds the monitor socket to a device and forwards with :func:`zmq.proxy`.

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

    def __init__(self, in_type: int, out_type: int, mon_type: int = zmq.PUB) -> None:
        super().__init__(zmq.QUEUE, in_type, out_type)
        self.mon_type = mon_type
        self._mon = _SocketPlan(mon_type)

    def bind_mon(self, addr: str) -> None:
        """Plan a bind of the monitor socket to ``addr``.

        Parameters
        ----------
        addr : str
            An endpoint, e.g. ``"tcp://127.0.0.1:5557"``.
        """
        self._mon.binds.append(addr)

    def connect_mon(self, addr: str) -> None:
        """Plan a connect of the monitor socket to ``addr``.

        Parameters
        ----------
        addr : str
            An endpoint, e.g. ``"tcp://127.0.0.1:5557"``.
        """
        self._mon.connects.append(addr)

    def setsockopt_mon(self, opt: int, value: Any) -> None:
        """Plan a socket option of the monitor socket, set before it binds or connects.

        Parameters
        ----------
        opt : int
            The option.
        value : int or bytes or str
            Its value.
        """
        self._mon.sockopts.append((opt, value))

    def bind_mon_to_random_port(self, addr: str, *args: Any, **kwargs: Any) -> int:
        """Plan a bind of the monitor socket to a free port of ``addr``.

        Parameters
        ----------
        addr : str
            A tcp address without port, e.g. ``"tcp://127.0.0.1"``.
        *args, **kwargs
            ``min_port``, ``max_port``, ``max_tries`` as for
            :meth:`zmq.Socket.bind_to_random_port`.

        Returns
        -------
        int
            The port the device will bind.
        """
        return self._mon.bind_to_random_port(addr, *args, **kwargs)

    def _setup_sockets(self) -> tuple[zmq.Socket, ...]:
        """Create the in, out and monitor sockets.

        Returns
        -------
        tuple of zmq.Socket
            ``(in_socket, out_socket, mon_socket)``.
        """
        ins, outs = super()._setup_sockets()
        mons = self._mon.make(self._make_context(), self._sockets)
        return ins, outs, mons

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
    """A proxy device with a monitor socket, run in the calling thread.

    Parameters
    ----------
    in_type : int
        Type of the in (frontend) socket.
    out_type : int
        Type of the out (backend) socket.
    mon_type : int
        Type of the monitor socket (default ``zmq.PUB``).
    """


class ThreadProxy(ProxyBase, ThreadDevice):
    """A proxy device with a monitor socket, run in a background thread.

    Parameters
    ----------
    in_type : int
        Type of the in (frontend) socket.
    out_type : int
        Type of the out (backend) socket.
    mon_type : int
        Type of the monitor socket (default ``zmq.PUB``).
    """


class ProcessProxy(ProxyBase, ProcessDevice):
    """A proxy device with a monitor socket, run in a child process.

    Parameters
    ----------
    in_type : int
        Type of the in (frontend) socket.
    out_type : int
        Type of the out (backend) socket.
    mon_type : int
        Type of the monitor socket (default ``zmq.PUB``).
    """


class ProxySteerableBase(ProxyBase):
    """Adds the control socket to a proxy and forwards with :func:`zmq.proxy_steerable`.

    Parameters
    ----------
    in_type : int
        Type of the in (frontend) socket.
    out_type : int
        Type of the out (backend) socket.
    mon_type : int
        Type of the monitor socket (default ``zmq.PUB``).
    ctrl_type : int
        Type of the control socket (default ``zmq.PAIR``, which can answer
        ``STATISTICS``).
    """

    def __init__(self, in_type: int, out_type: int, mon_type: int = zmq.PUB, ctrl_type: Optional[int] = None) -> None:
        super().__init__(in_type, out_type, mon_type)
        self.ctrl_type = zmq.PAIR if ctrl_type is None else ctrl_type
        self._ctrl = _SocketPlan(self.ctrl_type)

    def bind_ctrl(self, addr: str) -> None:
        """Plan a bind of the control socket to ``addr``.

        Parameters
        ----------
        addr : str
            An endpoint, e.g. ``"tcp://127.0.0.1:5558"``.
        """
        self._ctrl.binds.append(addr)

    def connect_ctrl(self, addr: str) -> None:
        """Plan a connect of the control socket to ``addr``.

        Parameters
        ----------
        addr : str
            An endpoint, e.g. ``"tcp://127.0.0.1:5558"``.
        """
        self._ctrl.connects.append(addr)

    def setsockopt_ctrl(self, opt: int, value: Any) -> None:
        """Plan a socket option of the control socket, set before it binds or connects.

        Parameters
        ----------
        opt : int
            The option (``zmq.SUBSCRIBE`` for a SUB control socket...).
        value : int or bytes or str
            Its value.
        """
        self._ctrl.sockopts.append((opt, value))

    def bind_ctrl_to_random_port(self, addr: str, *args: Any, **kwargs: Any) -> int:
        """Plan a bind of the control socket to a free port of ``addr``.

        Parameters
        ----------
        addr : str
            A tcp address without port, e.g. ``"tcp://127.0.0.1"``.
        *args, **kwargs
            ``min_port``, ``max_port``, ``max_tries`` as for
            :meth:`zmq.Socket.bind_to_random_port`.

        Returns
        -------
        int
            The port the device will bind.
        """
        return self._ctrl.bind_to_random_port(addr, *args, **kwargs)

    def _setup_sockets(self) -> tuple[zmq.Socket, ...]:
        """Create the in, out, monitor and control sockets.

        Returns
        -------
        tuple of zmq.Socket
            ``(in_socket, out_socket, mon_socket, ctrl_socket)``.
        """
        ins, outs, mons = super()._setup_sockets()
        ctrl = self._ctrl.make(self._make_context(), self._sockets)
        return ins, outs, mons, ctrl

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


class ProxySteerable(ProxySteerableBase):
    """A steerable proxy device, run in the calling thread.

    Parameters
    ----------
    in_type : int
        Type of the in (frontend) socket.
    out_type : int
        Type of the out (backend) socket.
    mon_type : int
        Type of the monitor socket (default ``zmq.PUB``).
    ctrl_type : int
        Type of the control socket (default ``zmq.PAIR``).
    """


class ThreadProxySteerable(ProxySteerableBase, ThreadDevice):
    """A steerable proxy device, run in a background thread.

    Parameters
    ----------
    in_type : int
        Type of the in (frontend) socket.
    out_type : int
        Type of the out (backend) socket.
    mon_type : int
        Type of the monitor socket (default ``zmq.PUB``).
    ctrl_type : int
        Type of the control socket (default ``zmq.PAIR``).
    """


class ProcessProxySteerable(ProxySteerableBase, ProcessDevice):
    """A steerable proxy device, run in a child process.

    Parameters
    ----------
    in_type : int
        Type of the in (frontend) socket.
    out_type : int
        Type of the out (backend) socket.
    mon_type : int
        Type of the monitor socket (default ``zmq.PUB``).
    ctrl_type : int
        Type of the control socket (default ``zmq.PAIR``).
    """
