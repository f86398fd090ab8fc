"""Probes of Frame (zmq.Message) and MessageTracker: construction, buffers, properties, tracking."""
import copy as _copy
import pickle

import zmq
from _probe import call, mask, probe, rec


def _pair(kind_a=zmq.PUSH, kind_b=zmq.PULL):
    """A connected inproc pair with bounded waits, and its context."""
    ctx = zmq.Context()
    a = ctx.socket(kind_a)
    b = ctx.socket(kind_b)
    for s in (a, b):
        s.linger = 0
        s.rcvtimeo = 2000
        s.sndtimeo = 2000
    a.bind("inproc://p-frame")
    b.connect("inproc://p-frame")
    return ctx, a, b


def _received(data=b"hello", **send_kw):
    """A Frame received with recv(copy=False) (the context is closed before returning)."""
    ctx, a, b = _pair()
    a.send(data, **send_kw)
    frame = b.recv(copy=False)
    a.close()
    b.close()
    ctx.term()
    return frame


def _view_info(v):
    return (type(v).__name__, v.readonly, v.format, v.itemsize, v.ndim, v.shape, v.nbytes, v.contiguous)


# -- buffers: read-only or writable --------------------------------------------------------


@probe
def probe_received_memoryview_writable():
    frame = _received(b"hello")
    v = memoryview(frame)
    rec(_view_info(v))
    call(v.__setitem__, 0, ord(b"J"))
    rec(bytes(v))


@probe
def probe_received_big_memoryview_writable():
    frame = _received(b"x" * 100_000, copy=False)
    v = memoryview(frame)
    rec(_view_info(v))


@probe
def probe_constructed_memoryview_writable():
    rec(_view_info(memoryview(zmq.Frame(b"hello"))))
    rec(_view_info(memoryview(zmq.Frame(bytearray(b"hello")))))
    rec(_view_info(memoryview(zmq.Frame())))


@probe
def probe_constructed_nocopy_memoryview():
    data = bytearray(b"abcdef")
    f = zmq.Frame(data, copy=False)
    v = memoryview(f)
    rec(_view_info(v))
    data[0] = ord("Z")
    rec(bytes(v))
    rec(f.bytes)


@probe
def probe_constructed_nocopy_bytes_write():
    data = bytes(b"abcdef")
    f = zmq.Frame(data, copy=False)
    v = memoryview(f)
    rec(v.readonly)


@probe
def probe_frame_buffer_attr():
    frame = _received(b"buffered")
    b = frame.buffer
    rec(_view_info(b))
    rec(bytes(b))
    rec(frame.buffer is frame.buffer)
    rec(_view_info(zmq.Frame(b"abc").buffer))
    rec(_view_info(zmq.Frame().buffer))


@probe
def probe_frame_bytes_attr():
    frame = _received(b"bytes!")
    rec(frame.bytes)
    rec(frame.bytes is frame.bytes)
    rec(zmq.Frame(b"abc").bytes)
    rec(zmq.Frame().bytes)
    rec(zmq.Frame(bytearray(b"ba")).bytes)


@probe
def probe_memoryview_writable_flag_request():
    import ctypes

    frame = _received(b"hello")
    # a consumer asking for a writable buffer (ctypes from_buffer needs PyBUF_WRITABLE)
    arr = call(lambda: (ctypes.c_char * 5).from_buffer(frame))
    if arr is not None:
        rec(bytes(arr))
    arr2 = call(lambda: (ctypes.c_char * 3).from_buffer(zmq.Frame(b"abc")))
    if arr2 is not None:
        rec(bytes(arr2))


@probe(needs=("numpy",))
def probe_numpy_frombuffer_received():
    import numpy as np

    frame = _received(b"\x01\x02\x03\x04")
    a = np.frombuffer(frame, dtype=np.uint8)
    rec(bool(a.flags.writeable))
    rec(a.tolist())
    a[0] = 9
    rec(frame.bytes)


@probe(needs=("numpy",))
def probe_numpy_frombuffer_constructed():
    import numpy as np

    a = np.frombuffer(zmq.Frame(b"\x01\x02"), dtype=np.uint8)
    rec(bool(a.flags.writeable))
    b = np.frombuffer(zmq.Frame(b"\x01\x02").buffer, dtype=np.uint8)
    rec(bool(b.flags.writeable))
    c = np.asarray(zmq.Frame(b"\x01\x02\x03\x04"))
    rec((c.dtype.str, c.shape, bool(c.flags.writeable)))


@probe(needs=("numpy",))
def probe_numpy_frame_from_array():
    import numpy as np

    arr = np.arange(10, dtype=np.int32)
    f = zmq.Frame(arr)
    rec(len(f))
    rec(f.bytes == arr.tobytes())
    f2 = zmq.Frame(arr, copy=False)
    rec(len(f2))
    arr[0] = 99
    rec(np.frombuffer(f2, dtype=np.int32)[0].item())
    call(zmq.Frame, np.arange(10)[::2])
    call(zmq.Frame, np.zeros((3, 4))[:, 1])
    f3 = zmq.Frame(np.zeros((2, 3), dtype=np.uint16))
    rec(len(f3))


# -- item access, str, repr ------------------------------------------------------------------


@probe
def probe_frame_getitem_metadata():
    frame = _received(b"meta")
    call(lambda: frame["Socket-Type"])
    call(frame.get, "Socket-Type")
    call(lambda: frame["Nope"])
    call(lambda: frame[zmq.MORE])
    call(lambda: frame[0])


@probe
def probe_frame_getitem_constructed():
    f = zmq.Frame(b"x")
    call(lambda: f["Socket-Type"])
    call(lambda: f[zmq.MORE])
    call(lambda: f[1:2])


@probe
def probe_frame_str_repr_short():
    f = zmq.Frame(b"hello")
    rec(str(f))
    rec(repr(f))
    rec(repr(zmq.Frame()))
    rec(str(zmq.Frame()))


@probe
def probe_frame_str_repr_long():
    f = zmq.Frame(b"abcdefghij" * 20)
    rec(str(f))
    rec(repr(f))
    g = zmq.Frame(b"0123456789" * 10000)
    rec(len(str(g)))
    rec(repr(g))


@probe
def probe_frame_str_repr_binary():
    f = zmq.Frame(bytes(range(40)))
    rec(str(f))
    rec(repr(f))


@probe
def probe_frame_str_repr_non_utf8():
    f = zmq.Frame(b"\xff\xfeabc\x80")
    call(str, f)
    rec(repr(f))
    g = zmq.Frame("héllo wörld".encode("utf-8"))
    rec(str(g))
    rec(repr(g))
    h = zmq.Frame("é".encode("utf-8") * 30)
    rec(repr(h))
    rec(str(h))


@probe
def probe_frame_str_repr_received():
    frame = _received(b"received text")
    rec(str(frame))
    rec(repr(frame))


@probe
def probe_frame_format():
    f = zmq.Frame(b"fmt")
    call(format, f)
    call(format, f, "")
    call(lambda: f"{f}")
    call(lambda: "%s" % f)


# -- constructor ---------------------------------------------------------------------------


@probe
def probe_frame_ctor_positional_keyword():
    call(lambda: len(zmq.Frame(b"abc", False, True)))
    call(lambda: len(zmq.Frame(b"abc", False, True, 10)))
    call(lambda: len(zmq.Frame(data=b"abc")))
    call(lambda: len(zmq.Frame(data=b"abc", track=False, copy=None, copy_threshold=2)))
    call(lambda: zmq.Frame(b"abc", bogus=1))
    call(lambda: zmq.Frame(b"abc", False, True, 10, 11))


@probe
def probe_frame_ctor_str():
    call(zmq.Frame, "text")
    call(zmq.Frame, "")
    call(zmq.Frame, "text", copy=False)
    call(zmq.Frame, "text", track=True)


@probe
def probe_frame_ctor_bad_types():
    call(zmq.Frame, 5)
    call(zmq.Frame, 5.0)
    call(zmq.Frame, [1, 2])
    call(zmq.Frame, object())
    call(zmq.Frame, None)
    call(lambda: len(zmq.Frame(None)))
    call(zmq.Frame, True)


@probe
def probe_frame_ctor_buffers():
    rec(zmq.Frame(memoryview(b"mv")).bytes)
    rec(zmq.Frame(bytearray(b"ba")).bytes)
    rec(zmq.Frame(memoryview(b"abcdef")[1:4]).bytes)
    rec(zmq.Frame(memoryview(b"abcdef")[::2]).bytes if call(zmq.Frame, memoryview(b"abcdef")[::2]) else None)
    import array

    rec(len(zmq.Frame(array.array("i", [1, 2, 3]))))
    rec(zmq.Frame(b"").bytes)


@probe
def probe_frame_ctor_from_frame():
    f = zmq.Frame(b"orig")
    g = call(zmq.Frame, f)
    if g is not None:
        rec(g.bytes)
        rec(g is f)


@probe
def probe_frame_ctor_copy_threshold():
    call(zmq.Frame, b"abc", copy_threshold=-1)
    call(zmq.Frame, b"abc", copy_threshold="x")
    call(zmq.Frame, b"abc", copy_threshold=1.5)
    call(lambda: zmq.Frame(b"abc", copy_threshold=0).bytes)
    call(lambda: zmq.Frame(b"abc", copy="yes").bytes)
    call(lambda: zmq.Frame(b"abc", track=1).tracker is not None)


@probe
def probe_frame_ctor_track_variants():
    for kw in ({}, {"track": True}, {"track": True, "copy": True}, {"track": True, "copy": False},
               {"copy": False}, {"copy": True}):
        f = zmq.Frame(b"x" * 10, **kw)
        rec((sorted(kw.items()), type(f.tracker).__name__, f.tracker.done if f.tracker is not None else None))


@probe
def probe_frame_tracker_event_attr():
    f = zmq.Frame(b"x", track=True)
    call(lambda: type(f.tracker_event).__name__)
    g = zmq.Frame(b"x")
    call(lambda: f.tracker_event is f.tracker)
    call(lambda: g.tracker_event)


# -- attributes ------------------------------------------------------------------------------


@probe
def probe_frame_more_attr():
    ctx, a, b = _pair()
    a.send_multipart([b"1", b"2"])
    f1 = b.recv(copy=False)
    f2 = b.recv(copy=False)
    rec((f1.more, f2.more, type(f1.more).__name__))
    f = zmq.Frame(b"x")
    rec(f.more)
    f.more = True
    rec(f.more)
    call(setattr, f, "more", "yes")
    rec(f.more)
    ctx.destroy(0)


@probe
def probe_frame_get_properties():
    ctx, a, b = _pair()
    a.send_multipart([b"1", b"2"])
    f1 = b.recv(copy=False)
    f2 = b.recv(copy=False)
    for f in (f1, f2, zmq.Frame(b"x")):
        call(f.get, zmq.MORE)
        call(f.get, zmq.SHARED)
        call(lambda: f.get(zmq.SRCFD) >= -1)
    call(f1.get, 12345)
    call(f1.get, "x" * 1000)
    call(f1.get, None)
    call(f1.get, b"Socket-Type")
    ctx.destroy(0)


@probe
def probe_frame_get_metadata_tcp():
    ctx = zmq.Context()
    a = ctx.socket(zmq.DEALER)
    b = ctx.socket(zmq.ROUTER)
    for s in (a, b):
        s.linger = 0
        s.rcvtimeo = 2000
    port = b.bind_to_random_port("tcp://127.0.0.1")
    a.connect(f"tcp://127.0.0.1:{port}")
    a.send(b"hi")
    ident = b.recv(copy=False)
    f = b.recv(copy=False)
    call(f.get, "Socket-Type")
    call(f.get, "Peer-Address")
    call(f.get, "User-Id")
    call(lambda: f["Peer-Address"])
    call(ident.get, "Socket-Type")
    ctx.destroy(0)


@probe
def probe_frame_set_properties():
    f = zmq.Frame(b"x")
    call(f.set, zmq.MORE, 1)
    call(f.set, zmq.SHARED, 1)
    call(f.set, zmq.SRCFD, 3)
    call(f.set, 12345, 1)
    call(f.set, "Socket-Type", "x")
    call(f.set, zmq.MORE, "x")
    call(f.get, zmq.MORE)


@probe
def probe_frame_routing_id_group_non_draft():
    f = zmq.Frame(b"x")
    call(getattr, f, "routing_id")
    call(setattr, f, "routing_id", 5)
    call(getattr, f, "group")
    call(setattr, f, "group", "g")
    call(setattr, f, "group", b"g")


@probe
def probe_frame_len_eq_hash():
    f = zmq.Frame(b"abc")
    rec(len(f))
    rec(len(zmq.Frame()))
    rec(f == b"abc")
    rec(f == zmq.Frame(b"abc"))
    rec(f == "abc")
    rec(f != b"abd")
    rec(f == bytearray(b"abc"))
    rec(f == f)
    rec(f == 3)
    call(lambda: hash(f) == hash(f) and isinstance(hash(f), int))
    rec(b"abc" == f)
    call(lambda: f < zmq.Frame(b"b"))
    call(lambda: bool(f))
    call(lambda: bool(zmq.Frame()))


@probe
def probe_frame_eq_memoryview():
    # memoryview.__eq__ reads the frame's buffer with shape and strides
    f = zmq.Frame(b"abc")
    rec(f == memoryview(b"abc"))
    rec(memoryview(b"abd") == f)
    rec(memoryview(f) == memoryview(b"abc"))


@probe
def probe_frame_eq_identity_semantics():
    a = zmq.Frame(b"same")
    b = zmq.Frame(b"same")
    rec(a == b)
    rec(a != b)
    rec(a in [b])
    rec(b"same" in [a])
    rec(zmq.Frame() == zmq.Frame())


@probe
def probe_frame_copy_deepcopy():
    f = zmq.Frame(b"copyme")
    g = _copy.copy(f)
    rec((type(g).__name__, g.bytes, g is f))
    h = call(_copy.deepcopy, f)
    if h is not None:
        rec((type(h).__name__, h.bytes, h is f))
    fc = f.fast_copy()
    rec((type(fc).__name__, fc.bytes))
    t = zmq.Frame(b"tracked", track=True)
    tc = _copy.copy(t)
    rec(tc.tracker is t.tracker)
    rec(type(tc.tracker).__name__)
    r = _received(b"rcv")
    rc = _copy.copy(r)
    rec((rc.bytes, rc.more))


@probe
def probe_frame_copy_keeps_more():
    ctx, a, b = _pair()
    a.send_multipart([b"1", b"2"])
    f1 = b.recv(copy=False)
    b.recv(copy=False)
    rec(_copy.copy(f1).more)
    rec(f1.fast_copy().more)
    ctx.destroy(0)


@probe
def probe_frame_pickle():
    f = zmq.Frame(b"pickled")
    data = call(pickle.dumps, f)
    if data is not None:
        g = pickle.loads(data)
        rec((type(g).__name__, g.bytes))
    call(lambda: f.__reduce__() is not None)
    call(pickle.dumps, zmq.Frame(b"t", track=True))


@probe
def probe_frame_closed_attr():
    f = zmq.Frame(b"x")
    call(getattr, f, "closed")
    call(lambda: f.close())


@probe
def probe_frame_public_names():
    names = sorted(n for n in dir(zmq.Frame) if not n.startswith("_"))
    rec(names)


@probe
def probe_frame_dunder_names():
    wanted = ["__len__", "__getitem__", "__copy__", "__deepcopy__", "__eq__", "__hash__", "__str__",
              "__repr__", "__reduce__", "__reduce_ex__", "__iter__", "__contains__", "__bool__", "__bytes__",
              "__setitem__", "__class_getitem__"]
    rec([(n, hasattr(zmq.Frame, n)) for n in wanted])


@probe
def probe_frame_signature():
    import inspect

    def params(obj):
        # names, kinds and defaults (annotations are the stubs' business)
        return [(p.name, p.kind.name, repr(p.default)) for p in inspect.signature(obj).parameters.values()]

    call(lambda: params(zmq.Frame))
    call(params, zmq.Frame.get)
    call(params, zmq.Frame.set)
    call(params, zmq.MessageTracker)
    call(params, zmq.MessageTracker.wait)


@probe
def probe_frame_subclass_and_attrs():
    class MyFrame(zmq.Frame):
        pass

    m = MyFrame(b"sub")
    rec((type(m).__name__, m.bytes, len(m)))
    f = zmq.Frame(b"x")
    call(setattr, f, "extra", 1)
    call(setattr, f, "tracker", None)
    call(setattr, f, "bytes", b"y")
    call(setattr, f, "buffer", b"y")
    import weakref

    call(lambda: weakref.ref(f)() is f)


@probe
def probe_frame_subclass_instance_attribute():
    class MyFrame(zmq.Frame):
        pass

    m = MyFrame(b"sub")
    call(setattr, m, "extra", 1)
    call(getattr, m, "extra")


@probe
def probe_frame_option_attributes():
    f = zmq.Frame(b"x")
    call(getattr, f, "shared")
    call(getattr, f, "srcfd")
    call(getattr, f, "nosuchoption")
    call(getattr, f, "_private")
    rec(hasattr(f, "__array_interface__"))
    rec(_received(b"r").shared)


@probe
def probe_frame_bytes_conversion():
    f = zmq.Frame(b"conv")
    rec(bytes(f))
    rec(bytearray(f))
    call(list, f)
    call(lambda: b"".join([f, b"!"]))
    call(lambda: f + b"x")
    call(lambda: b"x" + f)
    call(lambda: b"on" in f)
    call(lambda: f.decode())


@probe
def probe_message_alias():
    rec(zmq.Message is zmq.Frame)
    rec(zmq.Message.__name__)
    rec(zmq.Frame.__module__)
    rec(zmq.Frame.__qualname__)
    rec(zmq.MessageTracker.__module__)
    rec(type(zmq.Frame).__name__)
    import zmq.sugar.frame as sf

    rec([hasattr(sf, n) for n in ("Frame", "Message")])
    rec(sf.Frame is zmq.Frame)
    rec(sf.Message is zmq.Message)
    rec(repr(zmq.Frame))
    rec(repr(zmq.MessageTracker))


# -- send/recv of frames and trackers --------------------------------------------------------


@probe
def probe_send_tracked_frame_return():
    ctx, a, b = _pair()
    f = zmq.Frame(b"y" * 10, track=True)
    for kw in ({}, {"copy": False}, {"copy": True}, {"copy": False, "track": True},
               {"copy": True, "track": True}, {"track": True}, {"track": False, "copy": False}):
        r = a.send(f, **kw)
        rec((sorted(kw.items()), type(r).__name__, r is f.tracker))
        b.recv()
    ctx.destroy(0)


@probe
def probe_send_untracked_frame_return():
    ctx, a, b = _pair()
    f = zmq.Frame(b"y" * 10)
    for kw in ({}, {"copy": False}, {"copy": True}, {"copy": False, "track": True},
               {"copy": True, "track": True}, {"track": True}):
        r = call(a.send, f, **kw)
        rec((sorted(kw.items()), type(r).__name__))
        if isinstance(r, zmq.MessageTracker):
            rec(r.done)
        call(b.recv, zmq.NOBLOCK)
    ctx.destroy(0)


@probe
def probe_send_bytes_tracked_return():
    ctx, a, b = _pair()
    for data in (b"small", b"z" * 100_000):
        for kw in ({"copy": False, "track": True}, {"copy": True, "track": True}, {"track": True},
                   {"copy": False}, {}):
            r = call(a.send, data, **kw)
            rec((len(data), sorted(kw.items()), type(r).__name__))
            b.recv()
            if isinstance(r, zmq.MessageTracker):
                r.wait(2)
                rec(r.done)
    ctx.destroy(0)


@probe
def probe_send_multipart_tracked_frames():
    ctx, a, b = _pair()
    f1 = zmq.Frame(b"a" * 10, track=True)
    f2 = zmq.Frame(b"b" * 10, track=True)
    for kw in ({}, {"copy": False}, {"copy": False, "track": True}, {"copy": True, "track": True},
               {"track": True}):
        r = a.send_multipart([f1, f2], **kw)
        rec((sorted(kw.items()), type(r).__name__, r is f1.tracker, r is f2.tracker))
        b.recv_multipart()
    r = a.send_multipart([f1], copy=False)
    rec((type(r).__name__, r is f1.tracker))
    b.recv_multipart()
    r = a.send_multipart([b"x", f1], copy=False)
    rec((type(r).__name__, r is f1.tracker))
    b.recv_multipart()
    r = a.send_multipart([f1, b"x"], copy=False)
    rec((type(r).__name__, r is f1.tracker))
    b.recv_multipart()
    ctx.destroy(0)


@probe
def probe_send_multipart_mixed_tracked_done():
    ctx, a, b = _pair()
    f1 = zmq.Frame(b"a" * 10, track=True)
    r = a.send_multipart([b"head", f1, bytearray(b"c" * 100_000)], copy=False, track=True)
    rec(type(r).__name__)
    rec([len(p) for p in b.recv_multipart()])
    if isinstance(r, zmq.MessageTracker):
        call(r.wait, 2)
    del f1
    ctx.destroy(0)


@probe
def probe_recv_frame_tracker():
    frame = _received(b"t")
    rec(frame.tracker)
    ctx, a, b = _pair()
    a.send(b"q")
    f = b.recv(copy=False, track=True)
    rec((type(f).__name__, type(f.tracker).__name__))
    a.send(b"r")
    rec(b.recv(track=True))
    ctx.destroy(0)


@probe
def probe_tracker_done_after_send():
    ctx, a, b = _pair()
    data = bytearray(b"d" * 100_000)
    t = a.send(data, copy=False, track=True)
    rec(type(t).__name__)
    b.recv()
    call(t.wait, 2)
    rec(t.done)
    f = zmq.Frame(b"e" * 100_000, track=True)
    rec(f.tracker.done)
    a.send(f, copy=False)
    b.recv()
    rec(f.tracker.done)
    del f
    ctx.destroy(0)


# -- MessageTracker ---------------------------------------------------------------------------


@probe
def probe_tracker_constructor():
    import threading

    t = call(zmq.MessageTracker)
    if t is not None:
        rec(t.done)
        call(t.wait, 0.1)
    ev = threading.Event()
    t2 = call(zmq.MessageTracker, ev)
    if t2 is not None:
        rec(t2.done)
        call(t2.wait, 0.05)
        ev.set()
        rec(t2.done)
    call(zmq.MessageTracker, 5)
    call(zmq.MessageTracker, "x")
    call(zmq.MessageTracker, zmq.Frame(b"x"))
    f = zmq.Frame(b"x", track=True)
    t3 = call(zmq.MessageTracker, f)
    if t3 is not None:
        rec(t3.done)
    t4 = call(zmq.MessageTracker, f.tracker)
    if t4 is not None:
        rec(t4.done)
    call(zmq.MessageTracker, ev, f, f.tracker)


@probe
def probe_tracker_pending_wait():
    import threading

    ev = threading.Event()
    t = zmq.MessageTracker(ev)
    call(t.wait, 0)
    call(t.wait, 0.01)
    call(t.wait, timeout=0.01)
    call(t.wait, "x")
    rec(t.done)
    ev.set()
    call(t.wait)
    call(t.wait, None)
    call(t.wait, -1)


@probe
def probe_tracker_frame_not_sent_wait():
    f = zmq.Frame(b"x" * 10, track=True)
    rec(f.tracker.done)
    call(f.tracker.wait, 0.05)
    del f


@probe
def probe_tracker_attrs():
    t = zmq.MessageTracker()
    rec(sorted(n for n in dir(t) if not n.startswith("_")))
    call(lambda: mask(repr(t)))
    call(lambda: t.events)
    call(lambda: t.peers)
    call(lambda: len(t.events))


@probe
def probe_notdone_exception():
    rec(zmq.NotDone.__mro__[1].__name__)
    e = zmq.NotDone()
    rec(e)
    rec(str(e))
    rec(isinstance(e, zmq.ZMQBaseError))


@probe
def probe_tracker_module_names():
    import zmq.sugar.tracker as st

    rec(hasattr(st, "MessageTracker"))
    rec(st.MessageTracker is zmq.MessageTracker)
    call(lambda: st._FINISHED_TRACKER)
    call(lambda: st._FINISHED_TRACKER.done)


@probe
def probe_tracker_event_kinds():
    rec(zmq.Frame(b"x", track=True).tracker_event)
    rec(zmq.Frame(b"x").tracker_event)
    f = zmq.Frame(b"z" * 100_000, track=True)
    ev = f.tracker_event
    rec(type(ev).__name__)
    del ev, f


@probe
def probe_finished_tracker_identity():
    from zmq.sugar.tracker import _FINISHED_TRACKER as FT

    rec(zmq.Frame(b"x", track=True).tracker is FT)
    rec(zmq.Frame(b"x", track=True, copy=True).tracker is FT)
    rec(zmq.Frame(track=True).tracker is FT)
    rec(zmq.Frame(None, track=True, copy=False).tracker is FT)
    rec(zmq.Frame(b"", track=True, copy=False).tracker is FT)
    rec(zmq.Frame(b"x" * 100_000, track=True).tracker is FT)
    rec((FT.done, FT.events, FT.peers))
    ctx, a, b = _pair()
    rec(a.send(b"s", copy=False) is FT)
    rec(a.send(b"s", copy=False, track=True) is FT)
    rec(a.send_string("s", copy=False) is FT)
    rec(a.send_multipart([b"a", b"b"], copy=False) is FT)
    for _ in range(4):
        b.recv_multipart()
    a.send_multipart([b"1", b"2"])
    rec([f.tracker is FT for f in b.recv_multipart(copy=False, track=True)])
    a.send(b"3")
    rec(b.recv(copy=False, track=True).tracker is FT)
    a.send(b"4")
    rec(b.recv(False, True).tracker is FT)
    ctx.destroy(0)


@probe
def probe_send_multipart_tracked_big_frames():
    ctx, a, b = _pair()

    def desc(r, frames):
        if r is None:
            return "None"
        for i, f in enumerate(frames):
            if r is f.tracker:
                return f"tracker of part {i}"
        return type(r).__name__

    for layout in ("BB", "xB", "Bx", "BX", "XB", "B", "uB", "u"):
        for kw in ({}, {"copy": False}, {"copy": False, "track": True}, {"track": True}):
            parts, frames = [], []
            for c in layout:
                if c == "B":
                    f = zmq.Frame(b"q" * 100_000, track=True)
                elif c == "u":
                    f = zmq.Frame(b"U" * 100_000)
                else:
                    parts.append(b"small" if c == "x" else b"L" * 100_000)
                    continue
                frames.append(f)
                parts.append(f)
            try:
                r = a.send_multipart(parts, **kw)
                rec((layout, sorted(kw.items()), desc(r, frames)))
            except ValueError as e:
                rec((layout, sorted(kw.items()), type(e).__name__))
            call(lambda: [len(p) for p in b.recv_multipart(zmq.NOBLOCK)])
    ctx.destroy(0)


@probe
def probe_tracker_wait_timeouts():
    t = zmq.MessageTracker()
    for to in (0, 0.0, 1e-3, True, -1, -5, 1):
        call(t.wait, to)
    for to in (None, "x", [1]):
        call(t.wait, to)
    call(t.wait, timeout=0)


@probe
def probe_frame_weakref_and_buffer_lifetime():
    import gc
    import weakref

    f = zmq.Frame(b"abc")
    b = f.buffer
    r = weakref.ref(f)
    rec(b is f.buffer)
    del f, b
    rec(r() is None)
    gc.collect()
    rec(r() is None)


@probe
def probe_frame_buffer_write_roundtrip():
    ctx, a, b = _pair()
    a.send(b"abcdef")
    f = b.recv(copy=False)
    f.buffer[0] = ord("X")
    memoryview(f)[1:3] = b"YZ"
    a.send(f)
    rec(b.recv())
    g = zmq.Frame(b"hello")
    g.buffer[:1] = b"J"
    a.send(g)
    rec(b.recv())
    ctx.destroy(0)


@probe
def probe_frame_repr_sizes():
    import mmap

    for n in (16, 17, 999, 1000, 1048575, 1048576, 10 ** 6 * 999, 10 ** 9):
        m = mmap.mmap(-1, n)
        f = zmq.Frame(m, copy=False)
        rec(repr(f)[-14:])
        del f


@probe
def probe_send_multipart_untracked_frame_after_tracked():
    # track=True and an untracked Frame that is not the first part: is anything sent?
    ctx, a, b = _pair()
    parts = [zmq.Frame(b"q" * 100_000, track=True), zmq.Frame(b"u" * 10)]
    call(lambda: a.send_multipart(parts, track=True) and None)
    a.send(b"next")
    call(lambda: [len(p) for p in b.recv_multipart(zmq.NOBLOCK)])
    ctx.destroy(0)


@probe
def probe_frame_bytes_cache_after_write():
    f = zmq.Frame(b"abc")
    rec(f.bytes)
    memoryview(f)[0] = ord("X")
    rec(f.bytes)
    rec(bytes(f.buffer))
    g = zmq.Frame(bytearray(b"abc"))
    memoryview(g)[0] = ord("Y")
    rec(g.bytes)
    r = _received(b"rcv")
    rec(r.bytes)
    memoryview(r)[0] = ord("Z")
    rec((r.bytes, bytes(r)))


@probe(needs=("numpy",))
def probe_frame_over_writable_array():
    import numpy as np

    arr = np.zeros(100_000, dtype=np.uint8)
    f = zmq.Frame(arr, copy=False)
    view = np.frombuffer(f, dtype=np.uint8)
    rec(bool(view.flags.writeable))
    view[0] = 5
    rec(int(arr[0]))
    g = zmq.Frame(arr)  # copy=None, large: shared
    rec(bool(np.frombuffer(g, dtype=np.uint8).flags.writeable))
    h = zmq.Frame(memoryview(bytearray(10)), copy=False)
    rec(memoryview(h).readonly)
    del f, g, h, view


@probe
def probe_frame_follows_copy_threshold_set_at_run_time():
    # jupyter_client's tests patch zmq.COPY_THRESHOLD to track small messages
    zmq.COPY_THRESHOLD = 1
    f = zmq.Frame(b"small", track=True)
    rec(f.tracker is not None and f.tracker.done)
    zmq.COPY_THRESHOLD = 10_000
    g = zmq.Frame(b"x" * 100, track=True)
    rec(g.tracker.done)
    del f, g
