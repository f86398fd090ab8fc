"""Typing example that MUST fail: every line marked ``# E: <code>`` is a mistake mypy catches.

tests/test_typing.py runs ``mypy --strict`` on this file and expects exactly these errors.
"""
from __future__ import annotations

import zmq

ctx = zmq.Context()
sock = ctx.socket(zmq.PULL)

data: str = sock.recv()  # E: assignment
frame: zmq.Frame = sock.recv()  # E: assignment
raw: bytes = sock.recv(copy=False)  # E: assignment
parts: list[bytes] = sock.recv_multipart(copy=False)  # E: assignment
tracker: zmq.MessageTracker = sock.send(b"no tracking asked")  # E: assignment
sock.send("text is not bytes")  # E: call-overload
sock.send_multipart(b"one message, not a list of parts")  # E: arg-type
sock.recv_string(copy=False)  # E: call-arg
count: int = sock.recv_json()  # no error: JSON can be anything
name: str = sock.get(zmq.LAST_ENDPOINT)  # E: assignment
kind: zmq.SocketType = sock.get(zmq.LINGER)  # E: assignment
sock.bind(5555)  # E: arg-type

sock.close()
ctx.term()
