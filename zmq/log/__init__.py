"""Logging over ZeroMQ.

- :class:`zmq.log.handlers.PUBHandler`: a :mod:`logging` handler publishing records on a
  PUB socket, under topics such as ``myapp.WARNING.db``.
- :class:`zmq.log.handlers.TopicLogger`: a logger whose calls name a topic.
- ``python -m zmq.log ADDRESS...``: subscribe to such publishers and print the records.
"""
