"""``zmq.green.eventloop``: the Tornado integration, for gevent programs.

There is no separate green event loop here, on purpose. ``zmq.eventloop`` is built on
Tornado, and Tornado's IOLoop is an asyncio loop: it waits in the stdlib ``selectors``
module, never in a zmq call. A second, gevent-flavoured IOLoop would be a different event
loop with a different API, not a cooperative version of the same one. What makes Tornado
cooperate with gevent is gevent's monkey-patching of ``select``/``selectors`` (and
``socket``), which the application opts into with ``gevent.monkey.patch_all()`` before
anything else is imported; then an IOLoop running in one greenlet waits on the hub and
``ZMQStream`` callbacks run alongside other greenlets. Without monkey-patching, a running
IOLoop blocks the thread, and so every greenlet in it.

So, as in pyzmq, ``IOLoop`` here is Tornado's, ``zmq.green.eventloop.ioloop`` is
``zmq.eventloop.ioloop``'s namespace, and ``zmq.green.eventloop.zmqstream.ZMQStream`` is
a subclass of :class:`zmq.eventloop.zmqstream.ZMQStream`. ``ZMQStream`` drives its socket
from the IOLoop's FD watching, so it works with plain or green sockets alike.
"""
from zmq.green.eventloop.ioloop import IOLoop

__all__ = ["IOLoop"]
