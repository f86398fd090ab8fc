"""Typing example: a synchronous REQ/REP exchange with str, JSON, bytes and multipart messages."""
from __future__ import annotations

from typing import Any, assert_type

import zmq


def answer(rep: zmq.Socket) -> None:
    """Reply to one JSON request with the sum of its numbers."""
    request: Any = rep.recv_json()
    rep.send_json({"sum": sum(request["numbers"])})


def main() -> None:
    ctx = zmq.Context()
    assert_type(ctx, zmq.Context[zmq.Socket])
    rep = ctx.socket(zmq.REP)
    req = ctx.socket(zmq.REQ)
    assert_type(req, zmq.Socket)
    try:
        for s in (rep, req):
            s.linger = 0
            s.rcvtimeo = 5000
        rep.bind("inproc://typing-reqrep")
        req.connect("inproc://typing-reqrep")

        req.send_string("world")
        name: str = rep.recv_string()
        rep.send_string(f"hello {name}")
        assert req.recv_string() == "hello world"

        req.send_json({"numbers": [1, 2, 3]})
        answer(rep)
        assert req.recv_json() == {"sum": 6}

        req.send_multipart([b"a", bytearray(b"b"), memoryview(b"c")])
        parts = rep.recv_multipart()
        assert_type(parts, list[bytes])
        rep.send_multipart([p.upper() for p in parts])
        assert req.recv_multipart() == [b"A", b"B", b"C"]

        nothing = req.send(b"ping", zmq.NOBLOCK)
        assert_type(nothing, None)
        data: bytes = rep.recv()
        rep.send(data[::-1])
        assert req.recv() == b"gnip"

        try:
            req.recv(flags=zmq.NOBLOCK)  # nothing was sent: REQ is not allowed to receive now
        except zmq.ZMQError as e:
            assert e.errno == zmq.EFSM
    finally:
        req.close()
        rep.close()
        ctx.term()


if __name__ == "__main__":
    main()
