"""Tornado integration: :class:`~zmq.eventloop.zmqstream.ZMQStream` (callbacks on a socket)
and :mod:`zmq.eventloop.future` (sockets whose methods return Tornado-compatible futures).

Tornado >= 5 runs on asyncio, so both work with Tornado's own, unmodified ``IOLoop``
(re-exported here); no special loop needs installing.
"""
from tornado.ioloop import IOLoop

__all__ = ["IOLoop"]
