"""zmq.utils: jsonapi, z85, strtypes, garbage, interop, monitor, win32."""
import zmq
from _probe import call, probe, rec

COVERS = ("zmq.utils.garbage", "zmq.utils.z85", "zmq.utils.strtypes")


def _names(module, names):
    rec(sorted(n for n in names if hasattr(module, n)))


# -- jsonapi -----------------------------------------------------------------------------------


@probe
def probe_jsonapi_names():
    from zmq.utils import jsonapi

    _names(jsonapi, ("dumps", "loads", "jsonmod"))
    rec(getattr(jsonapi, "jsonmod", None) is __import__("json"))


@probe
def probe_jsonapi_dumps_ascii():
    from zmq.utils import jsonapi

    call(jsonapi.dumps, {"a": 1, "b": [1, 2.5, None, True]})
    call(jsonapi.dumps, [])
    call(jsonapi.dumps, "x")


@probe
def probe_jsonapi_dumps_non_ascii():
    from zmq.utils import jsonapi

    call(jsonapi.dumps, {"k": "h\u00e9llo \u2603 \U0001f600"})
    call(jsonapi.dumps, "\ud800")


@probe
def probe_jsonapi_dumps_kwargs():
    from zmq.utils import jsonapi

    call(jsonapi.dumps, {"b": 1, "a": 2}, sort_keys=True)
    call(jsonapi.dumps, {"b": 1}, indent=2)
    call(jsonapi.dumps, "\u00e9", ensure_ascii=False)
    call(jsonapi.dumps, {"a": 1}, separators=(",", ":"))


@probe
def probe_jsonapi_dumps_errors():
    from zmq.utils import jsonapi

    call(jsonapi.dumps, object())
    call(jsonapi.dumps, {1, 2})
    call(jsonapi.dumps, b"bytes")


@probe
def probe_jsonapi_loads():
    from zmq.utils import jsonapi

    call(jsonapi.loads, b'{"a": [1, 2]}')
    call(jsonapi.loads, '{"a": "\\u00e9"}')
    call(jsonapi.loads, "\u00e9".join(['"', '"']).encode("utf-8"))
    call(jsonapi.loads, bytearray(b"[1]"))


@probe
def probe_jsonapi_loads_memoryview():
    # pyzmq raises TypeError for a memoryview (a Frame's buffer): ours parses it (allow-listed)
    from zmq.utils import jsonapi

    call(jsonapi.loads, memoryview(b"[2]"))


@probe
def probe_jsonapi_loads_errors():
    from zmq.utils import jsonapi

    call(jsonapi.loads, b"{bad")
    call(jsonapi.loads, b"\xff")
    call(jsonapi.loads, 5)
    call(jsonapi.loads, b"")


@probe
def probe_jsonapi_loads_kwargs():
    from zmq.utils import jsonapi

    call(jsonapi.loads, b'{"a": 1.5}', parse_float=str)


@probe
def probe_send_json_non_ascii_on_the_wire():
    ctx = zmq.Context()
    a = ctx.socket(zmq.PAIR)
    b = ctx.socket(zmq.PAIR)
    a.bind("inproc://p_utils_json")
    b.connect("inproc://p_utils_json")
    a.send_json({"k": "\u00e9"})
    rec(b.recv())
    a.close()
    b.close()
    ctx.term()


# -- z85 ---------------------------------------------------------------------------------------


@probe
def probe_z85_encode():
    from zmq.utils import z85

    call(z85.encode, bytes([0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B]))
    call(z85.encode, b"")
    call(z85.encode, b"\x00\x00\x00\x00")
    call(z85.encode, b"\xff\xff\xff\xff")
    call(z85.encode, bytearray(b"abcd"))
    call(z85.encode, memoryview(b"abcdefgh"))


@probe
def probe_z85_encode_bad():
    from zmq.utils import z85

    call(z85.encode, b"abc")
    call(z85.encode, b"abcde")
    call(z85.encode, "abcd")
    call(z85.encode, None)
    call(z85.encode, 5)


@probe
def probe_z85_decode():
    from zmq.utils import z85

    call(z85.decode, b"HelloWorld")
    call(z85.decode, "HelloWorld")
    call(z85.decode, b"")
    call(z85.decode, b"00000")
    call(z85.decode, bytearray(b"HelloWorld"))


@probe
def probe_z85_decode_bad():
    from zmq.utils import z85

    call(z85.decode, b"Hell")
    call(z85.decode, b"HelloWorl")
    call(z85.decode, "h\u00e9llo")
    call(z85.decode, None)
    call(z85.decode, 5)


@probe
def probe_z85_decode_bad_characters():
    # pyzmq raises KeyError / struct.error here: ours ValueError (allow-listed)
    from zmq.utils import z85

    call(z85.decode, b"Hello Worl")
    call(z85.decode, b"#####")


@probe
def probe_z85_roundtrip_key():
    from zmq.utils import z85

    pub, sec = zmq.curve_keypair()
    raw = z85.decode(pub)
    rec(len(raw))
    rec(z85.encode(raw) == pub)


@probe
def probe_z85_tables():
    from zmq.utils import z85

    rec(z85.Z85CHARS)
    rec(type(z85.Z85MAP).__name__)
    rec(len(z85.Z85MAP))
    rec(sorted(z85.Z85MAP.items())[:3])
    rec(sorted(z85.Z85MAP)[:3])


# -- strtypes ----------------------------------------------------------------------------------


@probe
def probe_strtypes_cast_bytes():
    from zmq.utils import strtypes

    call(strtypes.cast_bytes, "h\u00e9")
    call(strtypes.cast_bytes, b"x")
    call(strtypes.cast_bytes, "h\u00e9", "latin-1")
    call(strtypes.cast_bytes, "\u2603", "ascii")
    call(strtypes.cast_bytes, "\u2603", "ascii", "replace")
    call(strtypes.cast_bytes, 5)
    call(strtypes.cast_bytes, bytearray(b"x"))
    call(strtypes.cast_bytes, None)


@probe
def probe_strtypes_cast_unicode():
    from zmq.utils import strtypes

    call(strtypes.cast_unicode, b"h\xc3\xa9")
    call(strtypes.cast_unicode, "x")
    call(strtypes.cast_unicode, b"\xe9", "latin-1")
    call(strtypes.cast_unicode, b"\xff")
    call(strtypes.cast_unicode, b"\xff", "utf8", "replace")
    call(strtypes.cast_unicode, 5)
    call(strtypes.cast_unicode, bytearray(b"x"))
    call(strtypes.cast_unicode, None)


@probe
def probe_strtypes_aliases():
    from zmq.utils import strtypes

    rec(strtypes.bytes is bytes)
    rec(strtypes.unicode is str)
    rec(strtypes.basestring)
    rec(strtypes.asbytes is strtypes.cast_bytes)
    rec(strtypes.b is strtypes.cast_bytes)
    rec(strtypes.u is strtypes.cast_unicode)
    call(strtypes.asbytes, "a")
    call(strtypes.b, "a")
    call(strtypes.u, b"a")
    rec(getattr(strtypes, "__all__", None))


@probe
def probe_strtypes_deprecation_on_import():
    import importlib
    import sys
    import warnings

    sys.modules.pop("zmq.utils.strtypes", None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        importlib.import_module("zmq.utils.strtypes")
    rec(sorted({w.category.__name__ for w in caught}))


# -- garbage -----------------------------------------------------------------------------------


@probe
def probe_garbage_names():
    import zmq.utils.garbage as g

    _names(g, ("GarbageCollector", "GarbageCollectorThread", "gc", "gcref", "Event", "Lock", "Thread",
               "NamedTuple", "atexit", "getpid", "struct", "warnings", "Final", "zmq"))
    rec(type(g.gc).__name__)
    rec(issubclass(g.GarbageCollectorThread, g.Thread))


@probe
def probe_garbage_gcref():
    from zmq.utils.garbage import gcref

    r = gcref("obj", None)
    rec(r)
    rec(r.obj)
    rec(r.event)
    rec(gcref._fields)


@probe
def probe_garbage_store_release():
    from threading import Event

    from zmq.utils.garbage import GarbageCollector

    gc = GarbageCollector()
    ev = Event()
    obj = object()
    key = gc.store(obj, ev)
    rec(type(key).__name__)
    rec(len(gc.refs))
    rec(ev.is_set())
    gc.stop()
    rec(gc.is_alive())
    rec(len(gc.refs))
    rec(ev.is_set())
    rec(gc.pid is not None)
    rec(gc.thread)
    rec(gc.url)


@probe
def probe_garbage_api():
    from zmq.utils.garbage import GarbageCollector

    gc = GarbageCollector()
    rec(sorted(n for n in ("store", "start", "stop", "is_alive", "refs", "context", "url", "thread", "pid")
               if hasattr(gc, n)))
    rec(gc.pid)
    rec(gc.is_alive())


@probe
def probe_garbage_alive_after_store():
    # pyzmq starts a collector thread on store: cyzmq needs none (allow-listed)
    from zmq.utils.garbage import GarbageCollector

    gc = GarbageCollector()
    gc.store(object())
    rec(gc.is_alive())
    gc.stop()


@probe
def probe_garbage_global_alive_after_store():
    from zmq.utils.garbage import gc

    rec(gc.is_alive())


# -- interop -----------------------------------------------------------------------------------


@probe
def probe_interop_cast_int_addr():
    import ctypes

    from zmq.utils.interop import cast_int_addr

    call(cast_int_addr, 1234)
    call(cast_int_addr, 0)
    call(cast_int_addr, -1)
    call(cast_int_addr, 2**64)


@probe
def probe_interop_cast_int_addr_ctypes():
    # pyzmq refuses ctypes pointers (ValueError): ours casts them (allow-listed)
    import ctypes

    from zmq.utils.interop import cast_int_addr

    rec(call(cast_int_addr, ctypes.c_void_p(4321)) == 4321)
    call(cast_int_addr, ctypes.c_void_p())
    buf = ctypes.create_string_buffer(4)
    try:
        rec(cast_int_addr(ctypes.cast(buf, ctypes.c_void_p)) == ctypes.addressof(buf))
    except ValueError as e:
        rec(e)


@probe
def probe_interop_cast_int_addr_bad():
    from zmq.utils.interop import cast_int_addr

    call(cast_int_addr, "1234")
    call(cast_int_addr, 1.5)
    call(cast_int_addr, None)
    call(cast_int_addr, b"x")


@probe
def probe_interop_shadow_via_address():
    from zmq.utils.interop import cast_int_addr

    ctx = zmq.Context()
    shadow = zmq.Context.shadow(cast_int_addr(ctx.underlying))
    rec(shadow.underlying == ctx.underlying)
    ctx.term()


# -- monitor -----------------------------------------------------------------------------------


@probe
def probe_monitor_parse_good():
    import struct

    from zmq.utils.monitor import parse_monitor_message

    call(parse_monitor_message, [struct.pack("=hi", zmq.EVENT_CONNECTED, 7), b"tcp://127.0.0.1:1"])
    call(parse_monitor_message, [struct.pack("=hi", zmq.EVENT_CLOSED, -1), b""])
    call(parse_monitor_message, [struct.pack("=HI", 0x8000, 3), b"x"])


@probe
def probe_monitor_parse_bad():
    import struct

    from zmq.utils.monitor import parse_monitor_message

    call(parse_monitor_message, [])
    call(parse_monitor_message, [b"123456"])
    call(parse_monitor_message, [b"12345", b"x"])
    call(parse_monitor_message, [b"1234567", b"x"])
    call(parse_monitor_message, [struct.pack("=hi", 1, 2), b"x", b"y"])
    call(parse_monitor_message, [struct.pack("=hi", 0x7FFF, 2), b"x"])
    call(parse_monitor_message, [struct.pack("=hi", 1, 2), "text"])
    call(parse_monitor_message, None)


@probe
def probe_monitor_parse_frames():
    import struct

    from zmq.utils.monitor import parse_monitor_message

    f = zmq.Frame(struct.pack("=hi", zmq.EVENT_LISTENING, 5))
    call(parse_monitor_message, [f, zmq.Frame(b"ep")])
    call(parse_monitor_message, (struct.pack("=hi", zmq.EVENT_LISTENING, 5), b"ep"))


@probe
def probe_monitor_recv_real_events():
    from zmq.utils.monitor import recv_monitor_message

    ctx = zmq.Context()
    s = ctx.socket(zmq.PULL)
    s.linger = 0
    mon = s.get_monitor_socket()
    mon.rcvtimeo = 2000
    s.bind("tcp://127.0.0.1:0")
    msg = recv_monitor_message(mon)
    if msg:
        rec(sorted(msg))
        rec(msg["event"])
        rec(msg["endpoint"].startswith(b"tcp://127.0.0.1:"))
        rec(type(msg["value"]).__name__)
    call(recv_monitor_message, mon, zmq.NOBLOCK)
    s.disable_monitor()
    mon.close()
    s.close()
    ctx.term()


@probe
def probe_monitor_names():
    import inspect

    import zmq.utils.monitor as m

    _names(m, ("parse_monitor_message", "recv_monitor_message"))
    rec(list(inspect.signature(m.parse_monitor_message).parameters))
    rec(list(inspect.signature(m.recv_monitor_message).parameters))


# -- win32 -------------------------------------------------------------------------------------


@probe
def probe_win32_import():
    import zmq.utils.win32 as w

    rec(hasattr(w, "allow_interrupt"))
    rec(type(w.allow_interrupt).__name__)


@probe
def probe_win32_allow_interrupt_on_linux():
    from zmq.utils.win32 import allow_interrupt

    a = call(allow_interrupt)
    if a is not None:
        ent = call(a.__enter__)
        call(a.__exit__, None, None, None)
    b = call(allow_interrupt, lambda: None)
    if b is not None:
        with b:
            rec("inside")


@probe
def probe_win32_allow_interrupt_bad():
    from zmq.utils.win32 import allow_interrupt

    call(allow_interrupt, 5)
    call(allow_interrupt, None)


@probe
def probe_utils_package():
    import zmq.utils

    rec(sorted(n for n in ("jsonapi", "z85", "monitor", "interop", "strtypes", "garbage", "win32")
               if __import__("importlib").util.find_spec("zmq.utils." + n) is not None))
