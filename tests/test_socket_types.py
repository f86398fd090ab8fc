"""Every valid libzmq socket-type pairing exchanging real messages over inproc, ipc and tcp.

Each test checks message contents, multipart framing and (for ROUTER/DEALER/REQ/REP) the
routing envelope. Waits are bounded: the fixture sockets have 5 s RCVTIMEO/SNDTIMEO and
linger=0, and every retry loop has a deadline.
"""
from __future__ import annotations

import socket as pysocket
import time

import pytest

import zmq
from _helpers import endpoint

DEADLINE_S = 5.0


def _until_received(send, receiver, what):
    """Call ``send()`` every 20 ms until ``receiver`` has something (slow joiner), bounded."""
    end = time.monotonic() + DEADLINE_S
    while time.monotonic() < end:
        send()
        if receiver.poll(20):
            return
    pytest.fail(f"{what}: nothing received within {DEADLINE_S} s")


def _recv_until(sock, sentinel, skip=()):
    """Receive multipart messages until one equal to ``[sentinel]``; drop ``skip`` ones."""
    got = []
    for _ in range(10_000):
        msg = sock.recv_multipart()
        if msg == [sentinel]:
            return got
        if msg in skip:
            continue
        got.append(msg)
    pytest.fail("sentinel never arrived")


def _assert_nothing_pending(sock):
    assert sock.poll(50) == 0, "unexpected extra message"


# -- PAIR ---------------------------------------------------------------------------------


def test_pair_pair(bound_pair):
    a, b = bound_pair(zmq.PAIR, zmq.PAIR)
    assert a.type == zmq.PAIR and b.type == zmq.PAIR
    b.send(b"ping")
    assert a.recv() == b"ping"
    a.send_multipart([b"one", b"", b"three"])
    assert b.recv_multipart() == [b"one", b"", b"three"]
    # Ordering across many messages in both directions.
    for i in range(50):
        a.send(b"a%d" % i)
        b.send(b"b%d" % i)
    assert [b.recv() for _ in range(50)] == [b"a%d" % i for i in range(50)]
    assert [a.recv() for _ in range(50)] == [b"b%d" % i for i in range(50)]
    _assert_nothing_pending(a)
    _assert_nothing_pending(b)


# -- publish / subscribe --------------------------------------------------------------------


def _check_filtered_delivery(pub_send, sub):
    """After the subscription is live: only A-topic messages arrive, multipart intact."""
    pub_send([b"A-1", b"part2", b"part3"])
    pub_send([b"B-ignored"])
    pub_send([b"A-2"])
    pub_send([b"Bx", b"not for us"])
    pub_send([b"sync-end"])
    got = _recv_until(sub, b"sync-end", skip=[[b"sync"]])
    assert got == [[b"A-1", b"part2", b"part3"], [b"A-2"]]
    _assert_nothing_pending(sub)


def test_pub_sub(bound_pair):
    pub, sub = bound_pair(zmq.PUB, zmq.SUB)
    sub.subscribe(b"A")
    sub.subscribe(b"sync")
    _until_received(lambda: pub.send(b"sync"), sub, "PUB->SUB join")
    _check_filtered_delivery(pub.send_multipart, sub)


def test_sub_bound_pub_connected(bound_pair):
    sub, pub = bound_pair(zmq.SUB, zmq.PUB)
    sub.subscribe("A")  # str topic
    sub.subscribe("sync")
    _until_received(lambda: pub.send(b"sync"), sub, "PUB(connect)->SUB(bind) join")
    _check_filtered_delivery(pub.send_multipart, sub)


def test_xpub_xsub(bound_pair):
    xpub, xsub = bound_pair(zmq.XPUB, zmq.XSUB)
    # XSUB subscribes by sending a message; XPUB receives it.
    xsub.send(b"\x01A")
    assert xpub.recv() == b"\x01A"
    xsub.send(b"\x01sync")
    assert xpub.recv() == b"\x01sync"
    # Once XPUB has read the subscription it is registered: no slow-joiner loop needed.
    _check_filtered_delivery(xpub.send_multipart, xsub)
    xsub.send(b"\x00A")
    assert xpub.recv() == b"\x00A"


def test_xpub_sub(bound_pair):
    xpub, sub = bound_pair(zmq.XPUB, zmq.SUB)
    sub.subscribe(b"A")
    assert xpub.recv() == b"\x01A"
    sub.subscribe(b"sync")
    assert xpub.recv() == b"\x01sync"
    _check_filtered_delivery(xpub.send_multipart, sub)
    sub.unsubscribe(b"A")
    assert xpub.recv() == b"\x00A"


def test_pub_xsub(bound_pair):
    pub, xsub = bound_pair(zmq.PUB, zmq.XSUB)
    xsub.send(b"\x01A")
    xsub.send(b"\x01sync")
    _until_received(lambda: pub.send(b"sync"), xsub, "PUB->XSUB join")
    _check_filtered_delivery(pub.send_multipart, xsub)


def test_pub_sub_unsubscribe_and_prefix_matching(bound_pair):
    pub, sub = bound_pair(zmq.PUB, zmq.SUB)
    sub.subscribe(b"weather.")
    sub.subscribe(b"sync")
    _until_received(lambda: pub.send(b"sync"), sub, "join")
    pub.send(b"weather.paris 12C")
    pub.send(b"weatherman")  # prefix "weather" without the dot: filtered out
    pub.send(b"sync-end")
    assert _recv_until(sub, b"sync-end", skip=[[b"sync"]]) == [[b"weather.paris 12C"]]
    sub.unsubscribe(b"weather.")
    # SUB filters locally too, so nothing about weather arrives after unsubscribe.
    pub.send(b"weather.oslo -3C")
    pub.send(b"sync-end")
    assert _recv_until(sub, b"sync-end", skip=[[b"sync"]]) == []


# -- request / reply ------------------------------------------------------------------------


def test_req_rep(bound_pair):
    rep, req = bound_pair(zmq.REP, zmq.REQ)
    for i in range(5):
        req.send_multipart([b"request", b"%d" % i])
        assert rep.recv_multipart() == [b"request", b"%d" % i]
        rep.send(b"reply %d" % i)
        assert req.recv_multipart() == [b"reply %d" % i]
    # Lock-step: REQ cannot send twice, REP cannot reply before a request.
    req.send(b"once")
    with pytest.raises(zmq.ZMQError) as exc:
        req.send(b"twice")
    assert exc.value.errno == zmq.EFSM
    assert rep.recv() == b"once"
    rep.send(b"ok")
    assert req.recv() == b"ok"
    with pytest.raises(zmq.ZMQError) as exc:
        rep.send(b"unsolicited")
    assert exc.value.errno == zmq.EFSM


def test_req_router_envelope(sockets, transport):
    router = sockets(zmq.ROUTER)
    router.bind(endpoint(transport))
    req = sockets(zmq.REQ, routing_id=b"req-1")
    req.connect(router.last_endpoint.decode())
    req.send_multipart([b"hello", b"world"])
    # ROUTER sees [routing id, empty delimiter, body...].
    assert router.recv_multipart() == [b"req-1", b"", b"hello", b"world"]
    router.send_multipart([b"req-1", b"", b"answer", b"2"])
    assert req.recv_multipart() == [b"answer", b"2"]


def test_req_router_generated_identity(bound_pair):
    router, req = bound_pair(zmq.ROUTER, zmq.REQ)
    req.send(b"anon")
    rid, delim, body = router.recv_multipart()
    # libzmq generates a 5-byte id starting with a zero byte for anonymous peers.
    assert len(rid) == 5 and rid[0] == 0
    assert (delim, body) == (b"", b"anon")
    router.send_multipart([rid, b"", b"back"])
    assert req.recv() == b"back"


def test_dealer_rep(bound_pair):
    rep, dealer = bound_pair(zmq.REP, zmq.DEALER)
    # A DEALER talking to REP supplies the empty delimiter itself.
    dealer.send_multipart([b"", b"job", b"42"])
    assert rep.recv_multipart() == [b"job", b"42"]
    rep.send_multipart([b"done", b"42"])
    assert dealer.recv_multipart() == [b"", b"done", b"42"]
    # DEALER is asynchronous: two requests in flight, answered in order.
    dealer.send_multipart([b"", b"r1"])
    dealer.send_multipart([b"", b"r2"])
    assert rep.recv() == b"r1"
    rep.send(b"a1")
    assert rep.recv() == b"r2"
    rep.send(b"a2")
    assert dealer.recv_multipart() == [b"", b"a1"]
    assert dealer.recv_multipart() == [b"", b"a2"]


def test_dealer_router_routes_to_the_right_peer(sockets, transport):
    router = sockets(zmq.ROUTER)
    router.bind(endpoint(transport))
    addr = router.last_endpoint.decode()
    d1 = sockets(zmq.DEALER, routing_id=b"alice")
    d2 = sockets(zmq.DEALER, routing_id=b"bob")
    d1.connect(addr)
    d2.connect(addr)
    d1.send_multipart([b"from", b"alice"])
    d2.send_multipart([b"from", b"bob"])
    got = {}
    for _ in range(2):
        rid, *body = router.recv_multipart()
        got[rid] = body
    assert got == {b"alice": [b"from", b"alice"], b"bob": [b"from", b"bob"]}
    router.send_multipart([b"bob", b"for", b"bob"])
    router.send_multipart([b"alice", b"for", b"alice"])
    assert d1.recv_multipart() == [b"for", b"alice"]
    assert d2.recv_multipart() == [b"for", b"bob"]
    _assert_nothing_pending(d1)
    _assert_nothing_pending(d2)


def test_dealer_dealer(bound_pair):
    a, b = bound_pair(zmq.DEALER, zmq.DEALER)
    b.send_multipart([b"x", b"y", b"z"])
    assert a.recv_multipart() == [b"x", b"y", b"z"]
    a.send(b"back")
    assert b.recv() == b"back"
    for i in range(20):
        b.send(b"%d" % i)
    assert [a.recv() for _ in range(20)] == [b"%d" % i for i in range(20)]


def test_router_router_with_identities(sockets, transport):
    server = sockets(zmq.ROUTER, routing_id=b"server")
    server.bind(endpoint(transport))
    client = sockets(zmq.ROUTER, routing_id=b"client", router_mandatory=1)
    client.connect(server.last_endpoint.decode())
    # A ROUTER_MANDATORY socket is writable (POLLOUT) once a peer's routing id is known:
    # before the handshake is done, a send fails with EHOSTUNREACH.
    assert client.poll(DEADLINE_S * 1000, zmq.POLLOUT), "ROUTER-ROUTER handshake never completed"
    client.send_multipart([b"server", b"hi", b"there"])
    assert server.recv_multipart() == [b"client", b"hi", b"there"]
    server.send_multipart([b"client", b"hello", b"back"])
    assert client.recv_multipart() == [b"server", b"hello", b"back"]


def test_router_drops_unroutable_silently_by_default(bound_pair):
    router, dealer = bound_pair(zmq.ROUTER, zmq.DEALER)
    router.send_multipart([b"nobody", b"lost"])  # no error without ROUTER_MANDATORY
    dealer.send(b"hi")
    rid, body = router.recv_multipart()
    assert body == b"hi"
    router.send_multipart([rid, b"found"])
    assert dealer.recv() == b"found"
    _assert_nothing_pending(dealer)


# -- pipeline -------------------------------------------------------------------------------


def test_push_pull(bound_pair):
    push, pull = bound_pair(zmq.PUSH, zmq.PULL)
    for i in range(100):
        if i % 10 == 0:
            push.send_multipart([b"multi", b"%d" % i])
        else:
            push.send(b"%d" % i)
    for i in range(100):
        expected = [b"multi", b"%d" % i] if i % 10 == 0 else [b"%d" % i]
        assert pull.recv_multipart() == expected
    _assert_nothing_pending(pull)


def test_push_pull_fan_in(bound_pair, sockets):
    pull, push1 = bound_pair(zmq.PULL, zmq.PUSH)
    push2 = sockets(zmq.PUSH)
    push2.connect(pull.last_endpoint.decode())
    for i in range(20):
        push1.send_multipart([b"p1", b"%d" % i])
        push2.send_multipart([b"p2", b"%d" % i])
    got = {b"p1": [], b"p2": []}
    for _ in range(40):
        who, n = pull.recv_multipart()
        got[who].append(int(n))
    # Fair-queued: everything arrives, each sender's messages in its own order.
    assert got == {b"p1": list(range(20)), b"p2": list(range(20))}


# -- STREAM with a raw (non-ZMQ) peer --------------------------------------------------------


def _raw_client(ep: str) -> pysocket.socket:
    if ep.startswith("tcp://"):
        host, port = ep[len("tcp://"):].rsplit(":", 1)
        c = pysocket.create_connection((host, int(port)), timeout=DEADLINE_S)
    else:
        c = pysocket.socket(pysocket.AF_UNIX, pysocket.SOCK_STREAM)
        c.settimeout(DEADLINE_S)
        c.connect(ep[len("ipc://"):])
    return c


def _recv_exactly(conn: pysocket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            break
        data += chunk
    return data


@pytest.mark.parametrize("stream_transport", ["tcp", "ipc"])
def test_stream_with_raw_client(sockets, stream_transport):
    stream = sockets(zmq.STREAM)
    stream.bind(endpoint(stream_transport))
    with _raw_client(stream.last_endpoint.decode()) as raw:
        # STREAM_NOTIFY (on by default): a connection shows up as [id, b""].
        rid, empty = stream.recv_multipart()
        assert empty == b"" and len(rid) > 0
        raw.sendall(b"GET / HTTP/1.0\r\n\r\n")
        data = b""
        for _ in range(100):  # TCP may split the bytes over several messages
            r, chunk = stream.recv_multipart()
            assert r == rid
            data += chunk
            if len(data) >= 18:
                break
        assert data == b"GET / HTTP/1.0\r\n\r\n"
        stream.send_multipart([rid, b"HTTP/1.0 200 OK\r\n"])
        assert _recv_exactly(raw, 17) == b"HTTP/1.0 200 OK\r\n"
        # (Not tested: closing a connection by sending [id, b""]. libzmq 4.3.4 itself does
        # not close the TCP connection then, with any binding.)
    # When the raw peer closes, a disconnect notification [id, b""] arrives for its id.
    assert stream.recv_multipart() == [rid, b""]


@pytest.mark.parametrize("stream_transport", ["tcp", "ipc"])
def test_stream_notices_raw_client_disconnect(sockets, stream_transport):
    stream = sockets(zmq.STREAM)
    stream.bind(endpoint(stream_transport))
    raw = _raw_client(stream.last_endpoint.decode())
    try:
        rid, empty = stream.recv_multipart()
        assert empty == b""
        raw.sendall(b"bye")
        assert stream.recv_multipart() == [rid, b"bye"]
    finally:
        raw.close()
    assert stream.recv_multipart() == [rid, b""]


def test_stream_connecting_to_raw_server(sockets):
    with pysocket.create_server(("127.0.0.1", 0)) as server:
        server.settimeout(DEADLINE_S)
        port = server.getsockname()[1]
        stream = sockets(zmq.STREAM)
        stream.connect(f"tcp://127.0.0.1:{port}")
        conn, _ = server.accept()
        with conn:
            conn.settimeout(DEADLINE_S)
            rid, empty = stream.recv_multipart()  # connect notification
            assert empty == b""
            stream.send_multipart([rid, b"ping"])
            assert _recv_exactly(conn, 4) == b"ping"
            conn.sendall(b"pong")
            assert stream.recv_multipart() == [rid, b"pong"]
