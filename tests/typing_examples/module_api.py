"""Typing example: module-level functions, constants, errors and polling (``zmq.*`` names)."""
from __future__ import annotations

from typing import Literal, assert_type

import zmq


def describe() -> str:
    """One line about the libzmq in use."""
    major, minor, patch = zmq.zmq_version_info()
    curve = "with" if zmq.has("curve") else "without"
    return f"cyzmq {zmq.__version__} (pyzmq API {zmq.pyzmq_version()}) on libzmq {major}.{minor}.{patch} {curve} CURVE"


def main() -> None:
    assert describe().startswith("cyzmq ")
    assert isinstance(zmq.DRAFT_API, bool) and zmq.COPY_THRESHOLD > 0
    assert zmq.strerror(zmq.EAGAIN) and zmq.IPC_PATH_MAX_LEN > 0
    assert_type(zmq.PUSH, Literal[zmq.SocketType.PUSH])  # flat names are the enum members
    assert zmq.PUSH is zmq.SocketType.PUSH and zmq.POLLIN | zmq.POLLOUT == 3
    if zmq.has("curve"):
        public, secret = zmq.curve_keypair()
        assert zmq.curve_public(secret) == public
    includes: list[str] = zmq.get_includes()
    assert includes

    with zmq.Context() as ctx:
        a = ctx.socket(zmq.PAIR)
        b = ctx.socket(zmq.PAIR)
        try:
            a.linger = b.linger = 0
            a.bind("inproc://typing-module-api")
            b.connect("inproc://typing-module-api")
            try:
                b.recv(zmq.NOBLOCK)
            except zmq.Again as e:
                assert e.errno == zmq.EAGAIN
            a.send(b"x")
            ready = zmq.zmq_poll([(b, zmq.POLLIN)], 5000)
            assert_type(ready, list[tuple[zmq.Socket, int]])
            assert ready == [(b, zmq.POLLIN)]
            readable, _, _ = zmq.select([b], [], [], 5)
            assert readable == [b]
            poller = zmq.Poller()
            poller.register(b, zmq.POLLIN)
            events = dict(poller.poll(5000))
            assert events[b] == zmq.POLLIN
            assert b.poll(0) == zmq.POLLIN and b.recv() == b"x"
        finally:
            a.close()
            b.close()


if __name__ == "__main__":
    main()
