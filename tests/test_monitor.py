"""Socket monitoring: Socket.monitor() / get_monitor_socket() / disable_monitor() deliver
libzmq's real socket events.

Events are decoded here from the wire format libzmq documents (zmq_socket_monitor(3)):
frame 1 is a native-endian uint16 event number followed by a uint32 value, frame 2 the
endpoint. (zmq.utils.monitor is deliberately not used.)
"""
from __future__ import annotations

import os
import stat
import struct
import time

import pytest

import zmq

WAIT = 3.0  # seconds


def recv_event(mon, timeout_ms: int = 2000):
    """The next event as (event, value, endpoint), or None if none came within the timeout."""
    if not mon.poll(timeout_ms):
        return None
    frames = mon.recv_multipart()
    assert len(frames) == 2, frames
    assert len(frames[0]) == 6, frames[0]
    event, value = struct.unpack("=HI", frames[0])
    return event, value, frames[1].decode()


def wait_for(mon, wanted: int, timeout: float = WAIT):
    """Read events until one of type ``wanted`` arrives. Returns (that event, events seen before)."""
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ev = recv_event(mon, max(1, int((deadline - time.monotonic()) * 1000)))
        if ev is None:
            break
        if ev[0] == wanted:
            return ev, seen
        seen.append(ev)
    names = [zmq.Event(e[0]).name for e in seen]
    raise AssertionError(f"no {zmq.Event(wanted).name} event within {timeout}s; saw {names}")


def _is_socket_fd(fd: int) -> bool:
    try:
        return stat.S_ISSOCK(os.fstat(fd).st_mode)
    except OSError:
        return False


@pytest.fixture
def ipc_endpoint(tmp_path):
    return f"ipc://{tmp_path}/sock"


def test_monitor_reports_listening_on_bind(sockets):
    s = sockets(zmq.PULL)
    s.monitor("inproc://mon-listen", zmq.EVENT_ALL)
    mon = sockets(zmq.PAIR)
    mon.connect("inproc://mon-listen")
    s.bind("tcp://127.0.0.1:*")
    endpoint = s.last_endpoint.decode()
    event, value, where = recv_event(mon)
    assert event == zmq.EVENT_LISTENING
    assert where == endpoint
    assert _is_socket_fd(value)  # the value of LISTENING is the listening socket's fd
    s.disable_monitor()


def test_monitor_ipc_listening(sockets, ipc_endpoint):
    s = sockets(zmq.PULL)
    mon = s.get_monitor_socket()
    try:
        s.bind(ipc_endpoint)
        event, value, where = recv_event(mon)
        assert (event, where) == (zmq.EVENT_LISTENING, ipc_endpoint)
        assert _is_socket_fd(value)
    finally:
        s.disable_monitor()
        mon.close()


def test_get_monitor_socket_sees_connected_and_accepted_over_tcp(sockets):
    server = sockets(zmq.PULL)
    client = sockets(zmq.PUSH)
    smon = server.get_monitor_socket()
    cmon = client.get_monitor_socket()
    try:
        assert smon.type == zmq.PAIR
        server.bind("tcp://127.0.0.1:*")
        endpoint = server.last_endpoint.decode()
        (_, _, where), _ = wait_for(smon, zmq.EVENT_LISTENING)
        assert where == endpoint

        client.connect(endpoint)
        (_, cfd, cwhere), _ = wait_for(cmon, zmq.EVENT_CONNECTED)
        assert cwhere == endpoint
        assert _is_socket_fd(cfd)
        (_, sfd, swhere), _ = wait_for(smon, zmq.EVENT_ACCEPTED)
        assert swhere == endpoint
        assert _is_socket_fd(sfd)
        # ZMTP handshake completes on both sides.
        wait_for(cmon, zmq.EVENT_HANDSHAKE_SUCCEEDED)
        wait_for(smon, zmq.EVENT_HANDSHAKE_SUCCEEDED)

        # The connection being reported is real: traffic flows over it.
        client.send(b"monitored")
        assert server.recv() == b"monitored"
    finally:
        server.disable_monitor()
        client.disable_monitor()
        smon.close()
        cmon.close()


def test_disconnected_when_the_peer_goes_away(sockets):
    server = sockets(zmq.PULL)
    mon = server.get_monitor_socket()
    try:
        server.bind("tcp://127.0.0.1:*")
        endpoint = server.last_endpoint.decode()
        client = sockets(zmq.PUSH)
        client.connect(endpoint)
        (_, accepted_fd, _), _ = wait_for(mon, zmq.EVENT_ACCEPTED)
        wait_for(mon, zmq.EVENT_HANDSHAKE_SUCCEEDED)
        client.close()
        (_, fd, where), seen = wait_for(mon, zmq.EVENT_DISCONNECTED)
        assert where == endpoint
        assert fd == accepted_fd  # the same connection that was accepted
    finally:
        server.disable_monitor()
        mon.close()


def test_connecting_side_sees_disconnect_and_retry_when_the_server_goes_away(sockets):
    server = sockets(zmq.PULL)
    server.bind("tcp://127.0.0.1:*")
    endpoint = server.last_endpoint.decode()
    client = sockets(zmq.PUSH, reconnect_ivl=50)
    mon = client.get_monitor_socket()
    try:
        client.connect(endpoint)
        wait_for(mon, zmq.EVENT_HANDSHAKE_SUCCEEDED)
        server.close()
        (_, _, where), _ = wait_for(mon, zmq.EVENT_DISCONNECTED)
        assert where == endpoint
        (_, interval, where), _ = wait_for(mon, zmq.EVENT_CONNECT_RETRIED)
        assert where == endpoint
        assert interval >= 50  # the value is the reconnect interval in ms
    finally:
        client.disable_monitor()
        mon.close()


def test_closed_on_unbind_and_on_close(sockets):
    s = sockets(zmq.PULL)
    mon = s.get_monitor_socket()
    try:
        s.bind("tcp://127.0.0.1:*")
        endpoint = s.last_endpoint.decode()
        (_, listen_fd, _), _ = wait_for(mon, zmq.EVENT_LISTENING)
        s.unbind(endpoint)
        (_, fd, where), _ = wait_for(mon, zmq.EVENT_CLOSED)
        assert where == endpoint
        assert fd == listen_fd

        s.bind(endpoint)  # the same port again
        wait_for(mon, zmq.EVENT_LISTENING)
        s.close()
        (_, _, where), _ = wait_for(mon, zmq.EVENT_CLOSED)
        assert where == endpoint
        # Closing the monitored socket ends the monitoring.
        (event, value, where), _ = wait_for(mon, zmq.EVENT_MONITOR_STOPPED)
        assert (value, where) == (0, "")
    finally:
        mon.close()


def test_monitor_stopped_after_disable_monitor(sockets):
    s = sockets(zmq.PULL)
    mon = s.get_monitor_socket()
    try:
        s.bind("tcp://127.0.0.1:*")
        wait_for(mon, zmq.EVENT_LISTENING)
        s.disable_monitor()
        (event, value, where), seen = wait_for(mon, zmq.EVENT_MONITOR_STOPPED)
        assert seen == []
        assert (value, where) == (0, "")
        # No more events once stopped.
        s.bind("tcp://127.0.0.1:*")
        assert recv_event(mon, 200) is None
    finally:
        mon.close()


def test_monitor_none_stops_monitoring(sockets):
    s = sockets(zmq.PUSH)
    s.monitor("inproc://mon-none", zmq.EVENT_ALL)
    mon = sockets(zmq.PAIR)
    mon.connect("inproc://mon-none")
    s.bind("tcp://127.0.0.1:*")
    wait_for(mon, zmq.EVENT_LISTENING)
    s.monitor(None)
    wait_for(mon, zmq.EVENT_MONITOR_STOPPED)
    s.bind("tcp://127.0.0.1:*")
    assert recv_event(mon, 200) is None


def test_event_mask_filters_events(sockets, ipc_endpoint):
    server = sockets(zmq.PAIR)
    mon = server.get_monitor_socket(zmq.EVENT_ACCEPTED | zmq.EVENT_DISCONNECTED)
    try:
        server.bind(ipc_endpoint)  # LISTENING is not in the mask
        client = sockets(zmq.PAIR)
        client.connect(ipc_endpoint)
        event, _, where = recv_event(mon)
        assert (event, where) == (zmq.EVENT_ACCEPTED, ipc_endpoint)
        client.close()
        event, _, where = recv_event(mon)
        assert (event, where) == (zmq.EVENT_DISCONNECTED, ipc_endpoint)
        # Neither HANDSHAKE_* nor MONITOR_STOPPED is in the mask.
        server.disable_monitor()
        assert recv_event(mon, 200) is None
    finally:
        mon.close()


def test_monitor_address_must_be_inproc(sockets):
    s = sockets(zmq.PAIR)
    with pytest.raises(zmq.ZMQError) as excinfo:
        s.monitor("tcp://127.0.0.1:5555", zmq.EVENT_ALL)
    assert excinfo.value.errno == zmq.EPROTONOSUPPORT


def test_monitoring_a_closed_socket_raises(sockets):
    s = sockets(zmq.PAIR)
    s.close()
    with pytest.raises(zmq.ZMQError) as excinfo:
        s.monitor("inproc://mon-closed", zmq.EVENT_ALL)
    assert excinfo.value.errno == zmq.ENOTSOCK
