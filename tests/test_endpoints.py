"""Endpoint validation: tcp/udp ports outside 0-65535 are refused before libzmq wraps them."""
from __future__ import annotations

import pytest

import zmq

BAD_PORTS = [
    "tcp://127.0.0.1:99999",  # libzmq would bind 34463
    "tcp://127.0.0.1:65536",
    "tcp://127.0.0.1:-1",  # libzmq would bind 65535
    "tcp://127.0.0.1:5x",  # libzmq would bind 5
    "tcp://127.0.0.1:+5",
    "tcp://[::1]:70000",
    "tcp://localhost:99999",
    "tcp://localhost:4294967297",
    "tcp://127.0.0.1:5555;127.0.0.1:99999",  # the destination of a source-address form
    "tcp://127.0.0.1:99999;127.0.0.1:5555",  # the source
    "tcp://[::1]:99999;[::1]:5555",
    "udp://127.0.0.1:99999",
]


@pytest.mark.parametrize("addr", BAD_PORTS)
@pytest.mark.parametrize("method", ["bind", "connect"])
def test_out_of_range_port_is_einval(ctx: zmq.Context, method: str, addr: str) -> None:
    s = ctx.socket(zmq.PUSH)
    with pytest.raises(zmq.ZMQError) as info:
        getattr(s, method)(addr)
    assert info.value.errno == zmq.EINVAL
    assert addr in str(info.value) and "0-65535" in str(info.value)
    assert s.last_endpoint == b""  # libzmq never saw it
    s.close()


def test_valid_tcp_endpoints_still_work(ctx: zmq.Context) -> None:
    pull = ctx.socket(zmq.PULL)
    pull.rcvtimeo = 5000
    pull.bind("tcp://127.0.0.1:0")
    port = int(pull.last_endpoint.rsplit(b":", 1)[1])
    assert 0 < port <= 65535
    bound = pull.bind("tcp://127.0.0.1:*")
    assert bound.addr.startswith("tcp://127.0.0.1:") and not bound.addr.endswith("*")
    push = ctx.socket(zmq.PUSH)
    push.connect(f"tcp://127.0.0.1:0;127.0.0.1:{port}")  # source address, OS-picked source port
    push.connect(f"tcp://127.0.0.1;localhost:{port}")  # source without a port, destination hostname
    push.send(b"hello")
    assert pull.recv() == b"hello"
    push.close()
    pull.close()


def test_ipv6_endpoints(ctx: zmq.Context) -> None:
    s = ctx.socket(zmq.PULL)
    s.ipv6 = True
    try:
        s.bind("tcp://[::1]:*")
    except zmq.ZMQError as e:  # a host without IPv6 loopback: the parse still must refuse
        assert e.errno != zmq.EINVAL
    else:
        assert s.last_endpoint.startswith(b"tcp://[::1]:")
    with pytest.raises(zmq.ZMQError) as info:
        s.connect("tcp://[::1]:65536")
    assert info.value.errno == zmq.EINVAL
    s.close()


def test_other_transports_unaffected(ctx: zmq.Context, tmp_path) -> None:
    s = ctx.socket(zmq.PULL)
    s.bind(f"ipc://{tmp_path}/sock:99999")  # a path, not a port
    s.bind("inproc://name:99999")
    s.connect("inproc://other:70000")
    with pytest.raises(zmq.ZMQError) as info:
        s.bind("foo://127.0.0.1:99999")
    assert info.value.errno == zmq.EPROTONOSUPPORT
    with pytest.raises(zmq.ZMQError) as info:
        s.connect("tcp://127.0.0.1:*")  # libzmq's own refusal
    assert info.value.errno == zmq.EINVAL
    s.close()


@pytest.mark.parametrize(("lo", "hi"), [(70000, 70010), (-5, 100), (60000, 65537), (0, 0), (65536, 65540)])
def test_bind_to_random_port_range_checked(ctx: zmq.Context, lo: int, hi: int) -> None:
    s = ctx.socket(zmq.PULL)
    with pytest.raises(zmq.ZMQError) as info:
        s.bind_to_random_port("tcp://127.0.0.1", min_port=lo, max_port=hi)
    assert info.value.errno == zmq.EINVAL
    assert s.last_endpoint == b""
    s.close()


def test_bind_to_random_port_valid_ranges(ctx: zmq.Context) -> None:
    s = ctx.socket(zmq.PULL)
    port = s.bind_to_random_port("tcp://127.0.0.1")
    assert s.last_endpoint == f"tcp://127.0.0.1:{port}".encode()
    port = s.bind_to_random_port("tcp://127.0.0.1", min_port=40000, max_port=65536)
    assert 40000 <= port <= 65535
    s.close()
