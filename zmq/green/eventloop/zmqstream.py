"""``ZMQStream`` for gevent programs (see :mod:`zmq.green.eventloop`)."""
from __future__ import annotations

from zmq.eventloop import zmqstream as _zmqstream
from zmq.green.eventloop.ioloop import IOLoop  # noqa: F401 - part of the namespace, as in pyzmq

__all__ = ["ZMQStream"]


class ZMQStream(_zmqstream.ZMQStream):
    """:class:`zmq.eventloop.zmqstream.ZMQStream` for gevent programs: the same stream,
    used with plain or green sockets (it keeps the socket it is given). See
    :mod:`zmq.green.eventloop` for how Tornado and gevent cooperate."""
