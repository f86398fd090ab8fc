"""Helpers that sit beside the core API: Z85 text encoding (:mod:`zmq.utils.z85`),
JSON as bytes (:mod:`zmq.utils.jsonapi`), socket-monitor decoding
(:mod:`zmq.utils.monitor`), pointer casts (:mod:`zmq.utils.interop`), and modules kept so
that code written for older pyzmq versions still imports (:mod:`zmq.utils.strtypes`,
:mod:`zmq.utils.garbage`)."""
