"""``zmq.eventloop.ioloop``'s names, for gevent programs (see :mod:`zmq.green.eventloop`
for why they are the same objects: Tornado cooperates with gevent through monkey-patching)."""
from zmq.eventloop.ioloop import *  # noqa: F403
from tornado.ioloop import IOLoop as IOLoop  # the same object, re-exported for type checkers
