"""Security: CURVE traffic is unreadable on the wire; a wrong key gets nothing through.

A TCP relay written here (a thread forwarding bytes between the client's and the server's
connections, recording every byte both ways) sits between a client and a server on
127.0.0.1. With CURVE, a known plaintext marker sent both ways must reach the other side
yet never appear in the captured bytes; without CURVE (NULL mechanism) the same marker is
right there in the capture, which shows the relay does see the payload. A client holding
the wrong server key, or no CURVE at all, gets nothing through.
"""
from __future__ import annotations

import selectors
import socket as pysocket
import threading

import pytest

import zmq

pytestmark = pytest.mark.skipif(not zmq.has("curve"), reason="libzmq without CURVE")

MARKER = b"cyzmq-PLAINTEXT-marker-7f3a9c"
WAIT_MS = 5000


class Relay:
    """Forward every TCP connection made to ``self.port`` on to 127.0.0.1:``target``,
    recording the bytes seen in each direction."""

    def __init__(self, target: int) -> None:
        self.target = target
        self.listener = pysocket.create_server(("127.0.0.1", 0))
        self.listener.setblocking(False)
        self.port = self.listener.getsockname()[1]
        self.upstream = bytearray()    # client -> server
        self.downstream = bytearray()  # server -> client
        self.connections = 0
        self._stop = threading.Event()
        self._socks: list[pysocket.socket] = []
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @property
    def captured(self) -> bytes:
        return bytes(self.upstream) + b"\n--\n" + bytes(self.downstream)

    def _run(self) -> None:
        sel = selectors.DefaultSelector()
        sel.register(self.listener, selectors.EVENT_READ, None)
        peers: dict[pysocket.socket, tuple[pysocket.socket, bytearray]] = {}
        try:
            while not self._stop.is_set():
                for key, _ in sel.select(0.05):
                    sock = key.fileobj
                    if sock is self.listener:
                        client, _ = self.listener.accept()
                        server = pysocket.create_connection(("127.0.0.1", self.target), timeout=5)
                        for s in (client, server):
                            s.setblocking(False)
                            self._socks.append(s)
                            sel.register(s, selectors.EVENT_READ, None)
                        peers[client] = (server, self.upstream)
                        peers[server] = (client, self.downstream)
                        self.connections += 1
                        continue
                    other, log = peers[sock]
                    try:
                        data = sock.recv(65536)
                    except (BlockingIOError, InterruptedError):
                        continue
                    except OSError:
                        data = b""
                    if not data:
                        for s in (sock, other):
                            try:
                                sel.unregister(s)
                            except (KeyError, ValueError):
                                pass
                            s.close()
                        continue
                    log += data  # before forwarding: what arrived has been logged
                    other.setblocking(True)
                    other.settimeout(5)
                    try:
                        other.sendall(data)
                    except OSError:
                        pass
                    finally:
                        other.setblocking(False)
        finally:
            sel.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(10)
        for s in self._socks:
            s.close()
        self.listener.close()


@pytest.fixture
def relay_to():
    relays = []

    def make(target_port: int) -> Relay:
        r = Relay(target_port)
        relays.append(r)
        return r

    yield make
    for r in relays:
        r.close()


def _port(s: zmq.Socket) -> int:
    return int(s.last_endpoint.decode().rsplit(":", 1)[1])


def _server(sockets, keys=None):
    server = sockets(zmq.REP)
    if keys is not None:
        server.curve_server = 1
        server.curve_secretkey = keys[1]
        server.curve_publickey = keys[0]
    server.bind("tcp://127.0.0.1:*")
    return server


def _client(sockets, server_public=None):
    client = sockets(zmq.REQ)
    if server_public is not None:
        public, secret = zmq.curve_keypair()
        client.curve_publickey = public
        client.curve_secretkey = secret
        client.curve_serverkey = server_public
    return client


def _exchange(server, client, rounds=5):
    for i in range(rounds):
        client.send_multipart([MARKER, b"request %d" % i])
        assert server.poll(WAIT_MS), "the request never arrived"
        assert server.recv_multipart() == [MARKER, b"request %d" % i]
        server.send_multipart([MARKER, b"reply %d" % i])
        assert client.poll(WAIT_MS)
        assert client.recv_multipart() == [MARKER, b"reply %d" % i]


def test_curve_payload_never_appears_on_the_wire(sockets, relay_to):
    server_keys = zmq.curve_keypair()
    server = _server(sockets, server_keys)
    relay = relay_to(_port(server))
    client = _client(sockets, server_keys[0])
    client.connect(f"tcp://127.0.0.1:{relay.port}")
    _exchange(server, client)  # (the relay logs bytes before forwarding them: all are in)
    assert relay.connections == 1
    assert len(relay.upstream) > 5 * len(MARKER) and len(relay.downstream) > 5 * len(MARKER)
    assert b"CURVE" in relay.captured  # the mechanism name in the greeting: it is the real stream
    assert MARKER not in relay.captured
    for piece in (MARKER[:12], MARKER[-12:], b"request 0", b"reply 0"):
        assert piece not in relay.captured


def test_null_mechanism_payload_is_visible_on_the_wire(sockets, relay_to):
    server = _server(sockets)
    relay = relay_to(_port(server))
    client = _client(sockets)
    client.connect(f"tcp://127.0.0.1:{relay.port}")
    _exchange(server, client)  # (the relay logs bytes before forwarding them: all are in)
    assert relay.upstream.count(MARKER) == 5
    assert relay.downstream.count(MARKER) == 5


@pytest.mark.parametrize("client_kind", ["wrong server key", "no curve"])
def test_client_without_the_right_server_key_gets_nothing_through(sockets, relay_to, client_kind):
    server_keys = zmq.curve_keypair()
    server = _server(sockets, server_keys)
    relay = relay_to(_port(server))
    if client_kind == "wrong server key":
        client = _client(sockets, zmq.curve_keypair()[0])
    else:
        client = _client(sockets)
    client.connect(f"tcp://127.0.0.1:{relay.port}")
    client.send_multipart([MARKER, b"let me in"])
    assert server.poll(1500) == 0, "a message got through without the right key"
    assert relay.connections >= 1  # the attempt did reach the server through the relay
    assert MARKER not in relay.captured
    # a correctly keyed client on the same server still works
    good = _client(sockets, server_keys[0])
    good.connect(server.last_endpoint.decode())
    _exchange(server, good, rounds=1)


def test_recv_pyobj_docstring_warns_about_untrusted_data():
    doc = zmq.Socket.recv_pyobj.__doc__ or ""
    lowered = doc.lower()
    assert "trust" in lowered, doc
    assert "recv_json" in doc and "recv_serialized" in doc, doc
