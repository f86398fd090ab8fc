"""Behaviours the integration suite (``make test-integration``) turned out to depend on, over real
sockets and without Jupyter.

jupyter_client picks a kernel's five ports (free when picked) and the kernel binds them a moment
later. When another process takes one in between, ipykernel's start-up raises EADDRINUSE. If the
port was the iopub one, its XPUB socket is left open, and ipykernel's atexit handler then calls
``Context.term()``, which waits for that socket forever: the kernel process stays alive and never
answers, and the client reports "Kernel didn't respond in 60 seconds" (jupyter_client's
test_client.py::TestKernelClient::test_complete once failed so). pyzmq does exactly the same; the
tests below pin the two behaviours involved, which are libzmq's and must stay as they are.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

import zmq


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A 127.0.0.1 port another socket is listening on (without SO_REUSEADDR)."""
    thief = socket.socket()
    thief.bind(("127.0.0.1", 0))
    thief.listen()
    try:
        yield thief.getsockname()[1]
    finally:
        thief.close()


def test_bind_to_a_taken_port_raises_eaddrinuse_and_leaves_the_socket_open(taken_port: int) -> None:
    ctx = zmq.Context()
    sock = ctx.socket(zmq.XPUB)
    try:
        with pytest.raises(zmq.ZMQError) as info:
            sock.bind(f"tcp://127.0.0.1:{taken_port}")
        assert info.value.errno == zmq.EADDRINUSE
        assert not sock.closed
        sock.bind("tcp://127.0.0.1:*")  # still usable
    finally:
        sock.close(linger=0)
        ctx.term()


def test_term_waits_for_a_socket_whose_bind_failed_until_it_is_closed(taken_port: int) -> None:
    ctx = zmq.Context()
    sock = ctx.socket(zmq.XPUB)
    sock.linger = 1000  # as ipykernel sets it
    with pytest.raises(zmq.ZMQError):
        sock.bind(f"tcp://127.0.0.1:{taken_port}")
    returned = threading.Event()
    terminator = threading.Thread(target=lambda: (ctx.term(), returned.set()))
    terminator.start()
    try:
        assert not returned.wait(0.5), "term() returned while a socket of the context was open"
    finally:
        sock.close()
        terminator.join(10)
    assert returned.is_set(), "term() did not return once the socket was closed"
