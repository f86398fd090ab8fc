"""Behaviours the integration suite (``make test-integration``) turned out to depend on, over real
sockets and without Jupyter.

jupyter_client picks a kernel's five ports (free when picked) and the kernel binds them a moment
later. When another process takes one in between, ipykernel's start-up raises EADDRINUSE. If the
port was the iopub one, its XPUB socket is left open, and ipykernel's atexit handler then calls
``Context.term()``, which waits for that socket forever: the kernel process stays alive and never
answers, and the client reports "Kernel didn't respond in 60 seconds" (jupyter_client's
test_client.py::TestKernelClient::test_complete once failed so). pyzmq does exactly the same; the
first tests below pin the two behaviours involved, which are libzmq's and must stay as they are.
The last one pins a regression of ours that the suite's ipyparallel timings found.
"""

from __future__ import annotations

import socket
import threading
import time
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


@pytest.mark.parametrize("kind", ["PUB", "ROUTER"])
def test_idle_zmqstream_without_on_recv_does_not_spin(kind: str) -> None:
    """ipyparallel's schedulers hold ZMQStreams nobody receives from (PUB monitor streams,
    ROUTER streams before their on_recv). A wake-up of such a stream must still consume the
    FD's signal: unread, the FD stays readable and the loop calls the stream again at once,
    forever (an idle cluster burnt 40 % of a core per scheduler, and map_sync ran at 0.6x)."""
    from tornado.ioloop import IOLoop

    from zmq.eventloop.zmqstream import ZMQStream

    ctx = zmq.Context()
    loop = IOLoop(make_current=False)
    peer = ctx.socket(zmq.SUB if kind == "PUB" else zmq.DEALER)
    peer.linger = 0
    try:
        if kind == "PUB":
            peer.setsockopt(zmq.SUBSCRIBE, b"")
        port = peer.bind_to_random_port("tcp://127.0.0.1")
        stream = ZMQStream(ctx.socket(getattr(zmq, kind)), loop)
        stream.socket.linger = 0
        stream.connect(f"tcp://127.0.0.1:{port}")  # the connection and subscription signal its FD
        loop.call_later(1.0, loop.stop)
        cpu0 = time.process_time()
        loop.start()
        cpu = time.process_time() - cpu0
        stream.close()
        assert cpu < 0.1, f"an idle {kind} stream used {cpu:.2f} s of CPU in 1 s of loop"
    finally:
        loop.close(all_fds=True)
        peer.close()
        ctx.term()
