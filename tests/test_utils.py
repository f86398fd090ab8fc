"""zmq.utils: Z85, jsonapi, strtypes, interop, monitor and garbage, over real sockets."""
from __future__ import annotations

import ctypes
import json
import os
import struct
import threading
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import zmq
from zmq.utils import garbage, interop, jsonapi, monitor, strtypes, z85

from _helpers import TIMEOUT_MS, endpoint, needs_export_locks

# -- z85 ----------------------------------------------------------------------------------

RFC32_RAW = bytes([0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B])


def test_z85_rfc32_vector():
    assert z85.encode(RFC32_RAW) == b"HelloWorld"
    assert z85.decode(b"HelloWorld") == RFC32_RAW
    assert z85.decode("HelloWorld") == RFC32_RAW


def test_z85_alphabet_objects():
    assert len(z85.Z85CHARS) == 85 == len(set(z85.Z85CHARS))
    assert all(z85.Z85MAP[c] == i for i, c in enumerate(z85.Z85CHARS))
    assert z85.encode(b"\0\0\0\0") == b"00000"
    assert z85.encode(b"\xff\xff\xff\xff") == b"%nSc0"
    assert z85.encode(b"") == b"" == z85.decode("")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=256).map(lambda b: b[: len(b) // 4 * 4]))
def test_z85_round_trip(raw):
    text = z85.encode(raw)
    assert len(text) == len(raw) // 4 * 5
    assert set(text) <= set(z85.Z85CHARS)
    assert z85.decode(text) == raw
    assert z85.decode(text.decode("ascii")) == raw


def test_z85_round_trip_large_and_buffer_types():
    raw = os.urandom(1 << 16)
    text = z85.encode(bytearray(raw))
    assert z85.encode(memoryview(raw)) == text
    assert z85.decode(bytearray(text)) == raw
    assert z85.decode(memoryview(text)) == raw


@pytest.mark.parametrize("n", [1, 2, 3, 5, 7])
def test_z85_encode_rejects_partial_words(n):
    with pytest.raises(ValueError):
        z85.encode(b"x" * n)


@pytest.mark.parametrize("text", ["Hell", "HelloWorl", "HelloWorld!"])
def test_z85_decode_rejects_partial_groups(text):
    with pytest.raises(ValueError):
        z85.decode(text)


@pytest.mark.parametrize("text", ['Hell"', "Hel~o", "Hel o", "Hell\x00", "Hellé", b"Hell\xff"])
def test_z85_decode_rejects_invalid_characters(text):
    with pytest.raises(ValueError):
        z85.decode(text)


@pytest.mark.parametrize("text", ["%nSc1", "#####", "00000%nSc1"])
def test_z85_decode_rejects_out_of_range_groups(text):
    with pytest.raises(ValueError):
        z85.decode(text)


@pytest.mark.skipif(not zmq.has("curve"), reason="libzmq built without CURVE")
def test_z85_curve_keys():
    public, secret = zmq.curve_keypair()
    raw_public, raw_secret = z85.decode(public), z85.decode(secret)
    assert len(raw_public) == len(raw_secret) == 32
    assert z85.encode(raw_public) == public and z85.encode(raw_secret) == secret
    assert zmq.curve_public(secret) == public
    assert zmq.curve_public(z85.encode(raw_secret).decode()) == public


@pytest.mark.skipif(not zmq.has("curve"), reason="libzmq built without CURVE")
def test_z85_binary_keys_accepted_by_libzmq(sockets):
    # libzmq takes CURVE keys as 32 raw bytes too, and reports them as Z85: both must agree.
    public, secret = zmq.curve_keypair()
    s = sockets(zmq.DEALER)
    s.curve_secretkey = z85.decode(secret)
    s.curve_publickey = z85.decode(public)
    assert s.curve_secretkey == secret
    assert s.curve_publickey == public


# -- jsonapi ------------------------------------------------------------------------------


def test_jsonapi_dumps_escapes_non_ascii_as_pyzmq():
    out = jsonapi.dumps({"name": "Ünïcødé ☃ \U0001f600", "n": [1, 2.5, None, True]})
    assert isinstance(out, bytes)
    out.decode("ascii")  # \uXXXX escapes, as json.dumps (and pyzmq) by default
    assert b"\\u2603 \\ud83d\\ude00" in out
    assert json.loads(out.decode("utf-8")) == {"name": "Ünïcødé ☃ \U0001f600", "n": [1, 2.5, None, True]}
    assert jsonapi.jsonmod is json


def test_send_json_puts_ascii_json_on_the_wire(sockets):
    a, b = sockets(zmq.PAIR), sockets(zmq.PAIR)
    a.bind(endpoint("inproc"))
    b.connect(a.last_endpoint.decode())
    a.send_json({"k": "é"})
    assert b.recv() == b'{"k": "\\u00e9"}'


def test_jsonapi_kwargs_and_fallbacks():
    assert jsonapi.dumps({"b": 1, "a": 2}, sort_keys=True) == b'{"a": 2, "b": 1}'
    assert jsonapi.dumps("é", ensure_ascii=False) == '"é"'.encode()
    # a lone surrogate cannot be UTF-8: it is escaped, and still round-trips
    out = jsonapi.dumps("\ud800x", ensure_ascii=False)
    out.decode("utf-8")
    assert jsonapi.loads(out) == "\ud800x"


@pytest.mark.parametrize("kind", [bytes, bytearray, memoryview, lambda b: b.decode()])
def test_jsonapi_loads_accepts_bytes_and_str(kind):
    assert jsonapi.loads(kind('{"k": ["é", 1]}'.encode())) == {"k": ["é", 1]}


def test_jsonapi_loads_accepts_a_frame_buffer(sockets):
    """pyzmq's loads refuses a memoryview (TypeError); ours parses a Frame's buffer."""
    a, b = sockets(zmq.PAIR), sockets(zmq.PAIR)
    a.bind(endpoint("inproc"))
    b.connect(a.last_endpoint.decode())
    a.send_json({"k": [1]})
    frame = b.recv(copy=False)
    assert jsonapi.loads(frame.buffer) == {"k": [1]}


def test_jsonapi_loads_kwargs():
    assert jsonapi.loads(b'{"x": 1.5}', parse_float=str) == {"x": "1.5"}


def test_jsonapi_interoperates_with_send_json(sockets):
    a, b = sockets(zmq.PAIR), sockets(zmq.PAIR)
    a.bind(endpoint("inproc"))
    b.connect(a.last_endpoint.decode())
    a.send(jsonapi.dumps({"hello": "wörld"}))
    assert b.recv_json() == {"hello": "wörld"}
    b.send_json([1, "ü"])
    assert jsonapi.loads(a.recv()) == [1, "ü"]


# -- strtypes -----------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_strtypes():
    assert strtypes.bytes is bytes and strtypes.unicode is str
    assert strtypes.basestring == (str,)
    assert strtypes.cast_bytes("é") == "é".encode() == strtypes.b("é") == strtypes.asbytes("é")
    assert strtypes.cast_bytes("é", "latin-1") == b"\xe9"
    assert strtypes.cast_bytes(b"\xff") == b"\xff"
    assert strtypes.cast_unicode(b"\xc3\xa9") == "é" == strtypes.u(b"\xc3\xa9")
    assert strtypes.cast_unicode(b"\xff", errors="replace") == "\ufffd"
    assert strtypes.cast_unicode("x") == "x"
    with pytest.raises(UnicodeDecodeError):
        strtypes.cast_unicode(b"\xff")
    with pytest.raises(TypeError):
        strtypes.cast_bytes(3)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["cast_bytes", "cast_unicode", "asbytes", "b", "u"])
def test_strtypes_functions_warn_deprecation(name):
    with pytest.warns(DeprecationWarning, match="strtypes is deprecated"):
        getattr(strtypes, name)("x")


# -- interop ------------------------------------------------------------------------------


def test_cast_int_addr_ctypes():
    value = ctypes.c_int(42)
    assert interop.cast_int_addr(ctypes.pointer(value)) == ctypes.addressof(value)
    assert interop.cast_int_addr(ctypes.c_void_p(1234)) == 1234
    assert interop.cast_int_addr(ctypes.c_void_p()) == 0
    buf = ctypes.create_string_buffer(b"data")
    assert interop.cast_int_addr(ctypes.cast(buf, ctypes.c_char_p)) == ctypes.addressof(buf)
    assert interop.cast_int_addr(99) == 99


@pytest.mark.parametrize("bad", [1.5, "0x10", ctypes.c_int(3), object()])
def test_cast_int_addr_rejects_non_pointers(bad):
    with pytest.raises(ValueError):
        interop.cast_int_addr(bad)


def test_cast_int_addr_shadows_a_real_context():
    ctx = zmq.Context()
    try:
        shadow = zmq.Context.shadow(interop.cast_int_addr(ctypes.c_void_p(ctx.underlying)))
        assert shadow.underlying == ctx.underlying
        with shadow.socket(zmq.PAIR) as a, ctx.socket(zmq.PAIR) as b:
            a.linger = b.linger = 0
            b.rcvtimeo = TIMEOUT_MS
            url = endpoint("inproc")
            a.bind(url)
            b.connect(url)  # inproc only connects within one libzmq context
            a.send(b"through the shadow")
            assert b.recv() == b"through the shadow"
    finally:
        ctx.term()


def test_cast_int_addr_cffi():
    cffi = pytest.importorskip("cffi")
    ffi = cffi.FFI()
    p = ffi.new("int *")
    assert interop.cast_int_addr(p) == int(ffi.cast("uintptr_t", p))
    assert interop.cast_int_addr(ffi.NULL) == 0
    assert interop.cast_int_addr(ffi.cast("void *", 4321)) == 4321


# -- monitor ------------------------------------------------------------------------------


def _wait_for(mon, wanted):
    """Events received from ``mon`` up to and including the first of ``wanted``."""
    seen = []
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        msg = monitor.recv_monitor_message(mon)
        seen.append(msg)
        if msg["event"] == wanted:
            return seen
    raise AssertionError(f"{wanted!r} not seen; got {seen}")


def test_monitor_tcp_events(sockets):
    server = sockets(zmq.PULL)
    server_mon = server.get_monitor_socket()
    server_mon.rcvtimeo = TIMEOUT_MS
    server_mon.linger = 0
    client = sockets(zmq.PUSH)
    client_mon = client.get_monitor_socket(zmq.EVENT_CONNECTED | zmq.EVENT_CONNECT_DELAYED)
    client_mon.rcvtimeo = TIMEOUT_MS
    client_mon.linger = 0
    try:
        server.bind("tcp://127.0.0.1:*")
        url = server.last_endpoint
        listening = monitor.recv_monitor_message(server_mon)
        assert listening["event"] is zmq.Event.LISTENING
        assert listening["endpoint"] == url
        assert isinstance(listening["value"], int) and listening["value"] >= 0  # the fd

        client.connect(url.decode())
        connected = _wait_for(client_mon, zmq.Event.CONNECTED)[-1]
        assert connected["endpoint"] == url
        accepted = _wait_for(server_mon, zmq.Event.ACCEPTED)[-1]
        assert accepted["endpoint"] == url
        assert set(accepted) == {"event", "value", "endpoint"}

        client.send(b"after the handshake")
        assert server.recv() == b"after the handshake"
    finally:
        server.disable_monitor()
        client.disable_monitor()
        server_mon.close()
        client_mon.close()


def test_monitor_with_explicit_monitor_address(context, sockets):
    s = sockets(zmq.PULL)
    addr = endpoint("inproc")
    s.monitor(addr, zmq.EVENT_LISTENING | zmq.EVENT_CLOSED)
    mon = sockets(zmq.PAIR)
    mon.connect(addr)
    s.bind("tcp://127.0.0.1:*")
    event = monitor.recv_monitor_message(mon)
    assert event["event"] == zmq.EVENT_LISTENING and event["endpoint"] == s.last_endpoint
    s.monitor(None, 0)
    # flags go to recv_multipart: nothing else is pending
    with pytest.raises(zmq.Again):
        while True:
            monitor.recv_monitor_message(mon, zmq.NOBLOCK)


def test_parse_monitor_message():
    frame = struct.pack("=hi", zmq.EVENT_ACCEPTED, 7)  # native order, as libzmq sends it
    out = monitor.parse_monitor_message([frame, b"tcp://127.0.0.1:5555"])
    assert out == {"event": zmq.Event.ACCEPTED, "value": 7, "endpoint": b"tcp://127.0.0.1:5555"}
    assert isinstance(out["event"], zmq.Event) and isinstance(out["value"], zmq.Event)  # as pyzmq
    closed = monitor.parse_monitor_message([struct.pack("=hi", zmq.EVENT_CLOSED, -1), b""])
    assert closed["value"] == zmq.Event(-1)  # read as signed, as pyzmq does
    endpoint_frame = zmq.Frame(b"ep")
    assert monitor.parse_monitor_message([zmq.Frame(frame), endpoint_frame])["endpoint"] is endpoint_frame


@pytest.mark.parametrize(
    "msg, exc",
    [([], RuntimeError), ([b"\0" * 6], RuntimeError), ([b"\0" * 6, b"a", b"b"], RuntimeError),
     ([b"\0" * 5, b"tcp://x"], RuntimeError), ([b"\0" * 10, b"tcp://x"], RuntimeError), (None, TypeError)],
)
def test_parse_monitor_message_rejects_malformed(msg, exc):
    with pytest.raises(exc):
        monitor.parse_monitor_message(msg)


# -- garbage ------------------------------------------------------------------------------


def test_garbage_store_and_release():
    gc = garbage.GarbageCollector()
    event = threading.Event()
    obj = bytearray(b"kept alive")
    key = gc.store(obj, event)
    assert len(gc) == 1 and gc.refs[key].obj is obj and not event.is_set()
    assert gc.release(key) is obj
    assert event.is_set() and len(gc) == 0
    key = gc.store(b"no event")
    assert gc.release(garbage._KEY.pack(key)) == b"no event"  # pyzmq's packed form
    with pytest.raises(KeyError):
        gc.release(key)


def test_garbage_thread_api_is_honest():
    """pyzmq's collector starts a thread on the first store (is_alive() True); cyzmq needs
    none and says so."""
    gc = garbage.GarbageCollector()
    assert gc.pid is None and gc.thread is None and gc.url == "inproc://pyzmq.gc.01"
    event = threading.Event()
    gc.store(b"x", event)
    assert gc.is_alive() is False and gc.pid == os.getpid()
    gc.start()
    assert gc.is_alive() is False
    gc.stop()  # forgets what was stored, as pyzmq's stop() does, without setting events
    assert gc.refs == {} and not event.is_set()
    assert isinstance(garbage.gc, garbage.GarbageCollector)


@needs_export_locks
def test_garbage_collect_releases_zero_copy_buffers(sockets):
    a, b = sockets(zmq.PAIR), sockets(zmq.PAIR)
    url = endpoint("inproc")
    a.bind(url)
    b.connect(url)
    data = bytearray(200_000)  # above the copy threshold: really sent zero-copy
    a.send(data, copy=False)
    with pytest.raises(BufferError):
        data.extend(b"x")  # exported to libzmq while the message sits in the pipe
    assert len(b.recv()) == 200_000
    garbage.gc.collect()
    data.extend(b"x")  # released
    assert len(data) == 200_001


def test_garbage_collector_thread():
    t = garbage.GarbageCollectorThread(garbage.GarbageCollector(), interval=0.01)
    t.start()
    assert t.is_alive()
    t.stop(timeout=5)
    assert not t.is_alive()


# -- win32 --------------------------------------------------------------------------------


def test_win32_allow_interrupt_is_a_no_op_off_windows(sockets):
    from zmq.utils.win32 import allow_interrupt

    called = []
    with allow_interrupt(lambda: called.append(1)) as entered:
        assert entered is None
        s = sockets(zmq.PULL)
        s.rcvtimeo = 50
        with pytest.raises(zmq.Again):
            s.recv()
    assert called == []
    guard = allow_interrupt()
    assert guard.__enter__() is None and guard.__exit__(None, None, None) is None
