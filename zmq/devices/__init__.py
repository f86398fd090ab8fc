"""Devices: ready-made forwarders between sockets, run in this thread, a background thread
or a child process.

- :class:`Device` / :class:`ThreadDevice` / :class:`ProcessDevice`: two sockets, forwarding
  both ways (queue, forwarder, streamer).
- :class:`Proxy` / :class:`ThreadProxy` / :class:`ProcessProxy`: plus a monitor socket that
  gets a copy of every message.
- :class:`ProxySteerable` and its Thread/Process variants (in
  :mod:`zmq.devices.proxysteerabledevice`): plus a control socket taking
  ``PAUSE``, ``RESUME``, ``TERMINATE`` and ``STATISTICS``.
- :class:`MonitoredQueue` and its Thread/Process variants, built on
  :func:`monitored_queue`: monitor copies carry a prefix frame telling their direction.

Example: a ROUTER/DEALER queue in a thread::

    dev = zmq.devices.ThreadDevice(zmq.QUEUE, zmq.ROUTER, zmq.DEALER)
    dev.bind_in("tcp://127.0.0.1:5555")
    dev.bind_out("tcp://127.0.0.1:5556")
    dev.start()
    ...
    dev.context.term()  # stops it
    dev.join(1)
"""
from __future__ import annotations

from zmq.backend import proxy  # noqa: F401 - in the namespace, as in pyzmq's
from zmq.constants import DeviceType
from zmq.devices import monitoredqueuedevice, proxydevice, proxysteerabledevice
from zmq.devices.basedevice import Device, ProcessDevice, ThreadDevice
from zmq.devices.monitoredqueue import monitored_queue
from zmq.devices.monitoredqueuedevice import *  # noqa: F403
from zmq.devices.proxydevice import *  # noqa: F403
from zmq.devices.proxysteerabledevice import *  # noqa: F403

__all__ = ["Device", "ThreadDevice", "ProcessDevice", "monitored_queue"]
__all__ += proxydevice.__all__ + proxysteerabledevice.__all__
__all__ += monitoredqueuedevice.__all__
