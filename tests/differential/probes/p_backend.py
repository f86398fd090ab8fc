"""Probes of the compiled core's module functions and Socket send/recv edge cases.

Covers zmq.backend's names, has/strerror/zmq_errno/versions, CURVE key functions, zmq_poll and
zmq.select, proxy/device argument checks, recv_into, send/recv with odd inputs, closed
sockets, option get/set with wrong types and ipc path limits.
"""
import os
import tempfile

import zmq
from _probe import call, mask, probe, rec


def _pair(kind_a=zmq.PUSH, kind_b=zmq.PULL, addr="inproc://p-backend"):
    ctx = zmq.Context()
    a = ctx.socket(kind_a)
    b = ctx.socket(kind_b)
    for s in (a, b):
        s.linger = 0
        s.rcvtimeo = 1000
        s.sndtimeo = 1000
    a.bind(addr)
    b.connect(addr)
    return ctx, a, b


# -- zmq.backend and module functions -------------------------------------------------------


@probe
def probe_backend_public_names():
    import zmq.backend as zb

    rec(sorted(zb.__all__))
    rec([(n, type(getattr(zb, n)).__name__) for n in sorted(zb.__all__)])
    rec(sorted(zb.public_api))
    for n in ("select_backend", "monitored_queue", "public_api"):
        rec((n, hasattr(zb, n)))


@probe
def probe_backend_select_backend():
    import inspect

    import zmq.backend as zb

    api = zb.select_backend("zmq.backend.cython")
    rec((type(api).__name__, sorted(api)))
    rec(all(api[n] is getattr(zb, n) for n in zb.public_api))
    rec([(p.name, p.kind.name) for p in inspect.signature(zb.select_backend).parameters.values()])
    call(zb.select_backend, "no_such_backend_module")
    call(zb.select_backend, "zmq")


@probe
def probe_backend_monitored_queue():
    import inspect

    import zmq.backend as zb

    mq = zb.monitored_queue
    rec([(p.name, p.kind.name, repr(p.default)) for p in inspect.signature(mq).parameters.values()])
    import zmq.devices

    rec(mq is zmq.devices.monitored_queue)


@probe
def probe_backend_objects_are_zmq_objects():
    import zmq.backend as zb

    for n in ("Context", "Socket", "zmq_poll", "proxy", "has", "strerror", "zmq_errno", "curve_keypair",
              "curve_public", "proxy_steerable", "zmq_version_info", "IPC_PATH_MAX_LEN", "PYZMQ_DRAFT_API"):
        obj = getattr(zb, n, None)
        rec((n, obj is getattr(zmq, n, "missing"), obj is None))
    rec(issubclass(zmq.Socket, zb.Socket))
    rec(issubclass(zmq.Context, zb.Context))
    rec(issubclass(zmq.Frame, zb.Frame))
    rec(issubclass(zmq.Message, zb.Message))
    rec(isinstance(zmq.Frame(b"x"), zb.Frame))


@probe
def probe_has_capabilities():
    for cap in ("ipc", "pgm", "tipc", "norm", "curve", "gssapi", "draft", "vmci", "ws", "wss", "nope", ""):
        call(zmq.has, cap)
    call(zmq.has, b"ipc")
    call(zmq.has, None)
    call(zmq.has, 1)
    call(zmq.has, "ipc\0x")


@probe
def probe_strerror_values():
    for n in (0, zmq.EAGAIN, zmq.EINVAL, zmq.ETERM, zmq.EFSM, zmq.ENOTSOCK, zmq.EMTHREAD, zmq.ENOCOMPATPROTO,
              zmq.ENOTSUP, 156384712, 99999, -1):
        call(zmq.strerror, n)
    call(zmq.strerror, "x")
    call(zmq.strerror, None)
    call(zmq.strerror, 2 ** 40)
    call(zmq.strerror, zmq.Errno.EAGAIN)


@probe
def probe_zmq_errno_after_failure():
    rec(type(zmq.zmq_errno()).__name__)
    ctx = zmq.Context()
    s = ctx.socket(zmq.PULL)
    s.linger = 0
    try:
        s.recv(zmq.NOBLOCK)
    except zmq.Again:
        pass
    rec(zmq.zmq_errno())
    try:
        s.bind("bogus://x")
    except zmq.ZMQError:
        pass
    rec(zmq.zmq_errno())
    s.close()
    ctx.term()
    call(zmq.zmq_errno, 1)


@probe
def probe_versions():
    rec(zmq.zmq_version_info())
    rec(type(zmq.zmq_version_info()).__name__)
    rec(zmq.zmq_version())
    rec(zmq.backend.zmq_version_info() == zmq.zmq_version_info())
    rec(type(zmq.pyzmq_version()).__name__)
    rec(type(zmq.pyzmq_version_info()).__name__)
    call(zmq.zmq_version_info, 1)


@probe
def probe_curve_keypair_shape():
    if not zmq.has("curve"):
        rec("no curve")
        return
    pub, sec = zmq.curve_keypair()
    rec((type(pub).__name__, len(pub), type(sec).__name__, len(sec)))
    rec(zmq.curve_public(sec) == pub)
    rec(zmq.curve_public(sec.decode()) == pub)
    call(zmq.curve_keypair, 1)


@probe
def probe_curve_public_bad_input():
    call(zmq.curve_public, b"short")
    call(zmq.curve_public, b"x" * 41)
    call(zmq.curve_public, b"\x00" * 40)
    call(zmq.curve_public, b"~" * 40)
    call(zmq.curve_public, "é" * 40)
    call(zmq.curve_public, None)
    call(zmq.curve_public, 5)
    call(zmq.curve_public, bytearray(b"x" * 40))
    call(zmq.curve_public, memoryview(b"0" * 40))
    call(lambda: len(zmq.curve_public(b"0" * 40)))
    call(zmq.curve_public, b"")


@probe
def probe_ipc_path_max_len():
    rec(zmq.IPC_PATH_MAX_LEN)
    rec(zmq.backend.IPC_PATH_MAX_LEN)
    rec(zmq.constants.IPC_PATH_MAX_LEN)
    rec(type(zmq.IPC_PATH_MAX_LEN).__name__)


def _ipc_too_long(method, extra):
    ctx = zmq.Context()
    s = ctx.socket(zmq.PULL)
    s.linger = 0
    d = tempfile.mkdtemp(prefix="p-backend-")
    try:
        room = zmq.IPC_PATH_MAX_LEN - len(d) - 1 + extra
        path = os.path.join(d, "a" * max(1, room))
        try:
            getattr(s, method)("ipc://" + path)
            rec("ok")
        except zmq.ZMQError as e:
            rec((type(e).__qualname__, e.errno))
            text = str(e)
            # says why: names the path and the limit
            rec((path in text, str(zmq.IPC_PATH_MAX_LEN) in text, "IPC_PATH_MAX_LEN" in text))
    finally:
        s.close()
        ctx.term()
        for f in os.listdir(d):
            os.unlink(os.path.join(d, f))
        os.rmdir(d)


@probe
def probe_ipc_too_long_bind():
    _ipc_too_long("bind", 1)


@probe
def probe_ipc_too_long_connect():
    _ipc_too_long("connect", 1)


@probe
def probe_ipc_exactly_max_bind():
    _ipc_too_long("bind", 0)


@probe
def probe_ipc_much_too_long_bind():
    _ipc_too_long("bind", 300)


@probe
def probe_ipc_much_too_long_connect():
    _ipc_too_long("connect", 300)


# -- zmq_poll / select ------------------------------------------------------------------------


@probe
def probe_zmq_poll_basic():
    ctx, a, b = _pair()
    rec(zmq.zmq_poll([(b, zmq.POLLIN)], 0))
    a.send(b"x")
    r = zmq.zmq_poll([(b, zmq.POLLIN), (a, zmq.POLLOUT)], 500)
    rec([(s is b, s is a, ev) for s, ev in r])
    rec(zmq.zmq_poll([], 0))
    rec(zmq.zmq_poll([(b, 0)], 0))
    ctx.destroy(0)


@probe
def probe_zmq_poll_bad_inputs():
    ctx, a, b = _pair()
    call(zmq.zmq_poll, [(object(), zmq.POLLIN)], 0)
    call(zmq.zmq_poll, [(b,)], 0)
    call(zmq.zmq_poll, [b], 0)
    call(zmq.zmq_poll, [(b, "x")], 0)
    call(zmq.zmq_poll, [(b, zmq.POLLIN)], "x")
    call(zmq.zmq_poll, None, 0)
    call(zmq.zmq_poll, 5, 0)
    call(zmq.zmq_poll, [(b, -1)], 0)
    call(zmq.zmq_poll, [(-1, zmq.POLLIN)], 0)
    call(zmq.zmq_poll, [(b, zmq.POLLIN)], 1.5)
    call(zmq.zmq_poll, [(b, zmq.POLLIN)], 2 ** 40)
    call(zmq.zmq_poll, ((b, zmq.POLLIN),), 0)
    call(lambda: zmq.zmq_poll(iter([(b, zmq.POLLIN)]), 0))
    call(zmq.zmq_poll, [[b, zmq.POLLIN]], 0)
    ctx.destroy(0)


@probe
def probe_zmq_poll_events_out_of_range():
    ctx, a, b = _pair()
    call(zmq.zmq_poll, [(b, 2 ** 16)], 0)
    call(zmq.zmq_poll, [(b, 2 ** 20 | zmq.POLLIN)], 0)
    ctx.destroy(0)


@probe
def probe_zmq_poll_closed_socket():
    ctx, a, b = _pair()
    b.close()
    call(zmq.zmq_poll, [(b, zmq.POLLIN)], 0)
    ctx.destroy(0)


@probe
def probe_zmq_poll_fds():
    import socket

    r, w = socket.socketpair()
    try:
        rec(zmq.zmq_poll([(r, zmq.POLLIN)], 0))
        w.send(b"x")
        out = zmq.zmq_poll([(r, zmq.POLLIN), (w.fileno(), zmq.POLLOUT)], 500)
        rec([(s is r, s == r.fileno(), s == w.fileno(), type(s).__name__, ev) for s, ev in out])
        rec([s == r.fileno() for s in zmq.select([r], [], [], 0.5)[0]])

        class FilenoOnly:
            def fileno(self):
                return r.fileno()

        rec([(type(s).__name__, s == r.fileno()) for s, _ in zmq.zmq_poll([(FilenoOnly(), zmq.POLLIN)], 100)])
        p = zmq.Poller()
        p.register(r, zmq.POLLIN)
        rec([(type(s).__name__, s == r.fileno()) for s, _ in p.poll(100)])
        call(zmq.zmq_poll, [(r.fileno() + 1000, zmq.POLLIN)], 0)
    finally:
        r.close()
        w.close()


@probe
def probe_zmq_poll_timeout_kinds():
    import time

    ctx, a, b = _pair()
    for t in (0, 10, 10.0, -1 if False else 1, False):
        t0 = time.monotonic()
        call(zmq.zmq_poll, [(b, zmq.POLLIN)], t)
        rec(time.monotonic() - t0 < 0.5)
    call(zmq.zmq_poll, [(b, zmq.POLLIN)], timeout=1)
    ctx.destroy(0)


@probe
def probe_select_basic():
    ctx, a, b = _pair()
    rec(zmq.select([b], [], [], 0))
    a.send(b"x")
    r = zmq.select([b], [a], [b], 0.5)
    rec([[s is b or s is a for s in lst] for lst in r])
    call(zmq.select, [object()], [], [], 0)
    call(zmq.select, [b], [], [], "x")
    call(zmq.select, [b], [], [], None) if False else None
    call(zmq.select, [b], [], [])  if False else None
    call(lambda: zmq.select([], [], [], 0))
    ctx.destroy(0)


@probe
def probe_sync_poller_basic():
    ctx, a, b = _pair()
    p = zmq.Poller()
    p.register(b, zmq.POLLIN)
    rec(p.poll(0))
    a.send(b"x")
    rec([(s is b, ev) for s, ev in p.poll(500)])
    call(p.poll, "x")
    call(p.register, object(), zmq.POLLIN)
    p.unregister(b)
    call(p.unregister, b)
    rec(p.poll(0))
    ctx.destroy(0)


# -- proxy / device ---------------------------------------------------------------------------


@probe
def probe_proxy_bad_args():
    ctx = zmq.Context()
    s = ctx.socket(zmq.PAIR)
    s.linger = 0
    call(zmq.proxy, None, None)
    call(zmq.proxy, s, None)
    call(zmq.proxy, s, 5)
    call(zmq.proxy, "a", "b")
    call(zmq.proxy, s, s, "x")
    call(zmq.proxy_steerable, s, s, None, "x")
    call(zmq.proxy_steerable, None, None)
    call(zmq.device, zmq.QUEUE, None, None)
    call(zmq.device, "x", s, 1)
    call(zmq.proxy)
    call(zmq.device, zmq.QUEUE)
    s.close()
    ctx.term()


@probe
def probe_proxy_closed_sockets():
    ctx = zmq.Context()
    a = ctx.socket(zmq.PAIR)
    b = ctx.socket(zmq.PAIR)
    a.close()
    call(zmq.proxy, a, b)
    call(zmq.proxy_steerable, b, a, None, b)
    b.close()
    ctx.term()


@probe(timeout=8)
def probe_proxy_steerable_terminate():
    import threading

    ctx = zmq.Context()
    front = ctx.socket(zmq.PULL)
    back = ctx.socket(zmq.PUSH)
    ctrl = ctx.socket(zmq.PAIR)
    ctl = ctx.socket(zmq.PAIR)
    for s in (front, back, ctrl, ctl):
        s.linger = 0
    front.bind("inproc://pf")
    back.bind("inproc://pb")
    ctrl.bind("inproc://pc")
    ctl.connect("inproc://pc")
    res = []
    t = threading.Thread(target=lambda: res.append(call(zmq.proxy_steerable, front, back, None, ctrl)))
    t.start()
    ctl.send(b"TERMINATE")
    t.join(4)
    rec(t.is_alive())
    for s in (front, back, ctrl, ctl):
        s.close()
    ctx.term()


@probe(timeout=8)
def probe_proxy_ends_with_context_term():
    import threading

    ctx = zmq.Context()
    front = ctx.socket(zmq.PULL)
    back = ctx.socket(zmq.PUSH)
    for s in (front, back):
        s.linger = 0
    front.bind("inproc://pf2")
    back.bind("inproc://pb2")
    t = threading.Thread(target=lambda: call(zmq.proxy, front, back))
    t.start()
    # a message through the proxy: the event that it runs when the context is terminated
    push = ctx.socket(zmq.PUSH)
    pull = ctx.socket(zmq.PULL)
    for s in (push, pull):
        s.linger = 0
        s.rcvtimeo = 2000
    push.connect("inproc://pf2")
    pull.connect("inproc://pb2")
    push.send(b"through")
    call(pull.recv)
    push.close()
    pull.close()
    term = threading.Thread(target=ctx.term)
    term.start()
    t.join(4)
    rec(t.is_alive())
    front.close()
    back.close()
    term.join(4)
    rec(term.is_alive())


# -- send/recv with odd inputs ---------------------------------------------------------------


@probe
def probe_send_bad_types():
    ctx, a, b = _pair()
    for data in ("text", "", None, 5, 1.5, [b"a"], (b"a",), {b"a": 1}, object(), True):
        call(a.send, data)
    call(a.send, b"x", "flags")
    call(a.send, b"x", None)
    call(a.send, b"x", 2 ** 40)
    call(a.send, b"x", -1)
    call(a.send)
    call(a.send, b"x", bogus=1)
    call(b.recv, zmq.NOBLOCK)
    ctx.destroy(0)


@probe
def probe_send_float_flags():
    # a float where an int flag or option is expected
    ctx, a, b = _pair()
    call(a.send, b"x", 1.0)
    call(b.recv, 1.0)
    call(b.recv, zmq.NOBLOCK)
    call(zmq.strerror, 1.0)
    call(a.get, 1.5)
    ctx.destroy(0)


@probe
def probe_send_str_message_text():
    ctx, a, b = _pair()
    try:
        a.send("text")
    except TypeError as e:
        rec("send_string" in str(e))
    try:
        a.send(5)
    except TypeError as e:
        rec("bytes-like" in str(e) and "'int'" in str(e))
    try:
        a.send_multipart([b"x", "b"])
    except TypeError as e:
        rec("1" in str(e))
    ctx.destroy(0)


@probe
def probe_send_buffer_kinds():
    import array

    ctx, a, b = _pair()
    for data in (b"bytes", bytearray(b"ba"), memoryview(b"mv"), memoryview(b"abcdef")[2:4], array.array("i", [1, 2]),
                 zmq.Frame(b"frame"), memoryview(b""), b""):
        for copy in (True, False):
            call(a.send, data, copy=copy)
            rec(b.recv())
    call(a.send, memoryview(b"abcdef")[::2])
    call(a.send, memoryview(b"abcdef")[::2], copy=False)
    call(b.recv, zmq.NOBLOCK)
    ctx.destroy(0)


@probe(needs=("numpy",))
def probe_send_numpy_arrays():
    import numpy as np

    ctx, a, b = _pair()
    arr = np.arange(12, dtype=np.int16).reshape(3, 4)
    for copy in (True, False):
        call(a.send, arr, copy=copy)
        rec(b.recv() == arr.tobytes())
        call(a.send, arr.T, copy=copy)
        call(a.send, arr[:, 1], copy=copy)
        call(a.send, np.asfortranarray(arr), copy=copy)
        got = call(b.recv, zmq.NOBLOCK)
        rec(got == np.asfortranarray(arr).tobytes() if got is not None else None)
    call(b.recv, zmq.NOBLOCK)
    ctx.destroy(0)


@probe
def probe_send_large_memoryviews():
    ctx, a, b = _pair()
    big = bytearray(b"q" * 300_000)
    for copy in (True, False):
        t = a.send(memoryview(big), copy=copy)
        rec(type(t).__name__)
        rec(len(b.recv()))
        a.send(memoryview(big)[1000:2000], copy=copy)
        rec(len(b.recv()))
    ctx.destroy(0)


@probe
def probe_send_copy_threshold_boundary():
    ctx, a, b = _pair()
    thr = a.copy_threshold
    rec(thr == zmq.COPY_THRESHOLD)
    for n in (thr - 1, thr, thr + 1):
        r = a.send(b"t" * n, copy=False, track=True)
        rec((n - thr, type(r).__name__))
        rec(len(b.recv()))
        r = a.send(bytearray(n), copy=False)
        rec((n - thr, type(r).__name__))
        b.recv()
    a.copy_threshold = 0
    r = a.send(b"s", copy=False, track=True)
    rec(type(r).__name__)
    if r is not None:
        b.recv()
        call(r.wait, 1)
        rec(r.done)
    call(setattr, a, "copy_threshold", "x")
    ctx.destroy(0)


@probe
def probe_send_copy_threshold_negative():
    ctx, a, b = _pair()
    call(setattr, a, "copy_threshold", -1)
    ctx.destroy(0)


@probe
def probe_send_track_with_copy():
    ctx, a, b = _pair()
    for kw in ({"copy": True, "track": True}, {"track": True}, {"copy": False, "track": True}):
        r = a.send(b"k" * 100_000, **kw)
        rec((sorted(kw.items()), type(r).__name__))
        b.recv()
        if r is not None:
            r.wait(2)
            rec(r.done)
    ctx.destroy(0)


@probe
def probe_send_multipart_mixed():
    ctx, a, b = _pair()
    parts = [b"a", bytearray(b"b"), memoryview(b"c"), zmq.Frame(b"d"), b"e" * 100_000]
    call(a.send_multipart, parts)
    rec([bytes(p[:3]) for p in b.recv_multipart()])
    call(a.send_multipart, parts, copy=False)
    got = b.recv_multipart(copy=False)
    rec([(type(p).__name__, p.bytes[:3], p.more) for p in got])
    call(a.send_multipart, [b"a", "b"])
    call(a.send_multipart, [b"a", None])
    call(a.send_multipart, [b"a", 5])
    call(a.send_multipart, b"abc")
    call(a.send_multipart, "abc")
    call(a.send_multipart, [])
    call(a.send_multipart, (b"x", b"y"))
    call(a.send_multipart, None)
    out = []
    while True:
        try:
            out.append(b.recv_multipart(zmq.NOBLOCK))
        except zmq.Again:
            break
    rec(out)
    ctx.destroy(0)


@probe
def probe_send_multipart_not_a_list():
    ctx, a, b = _pair()
    call(a.send_multipart, iter([b"x", b"y"]))
    call(a.send_multipart, zmq.Frame(b"x"))
    call(lambda: b.recv_multipart(zmq.NOBLOCK))
    ctx.destroy(0)


@probe
def probe_recv_multipart_options():
    ctx, a, b = _pair()
    a.send_multipart([b"1", b"2", b"3"])
    rec(b.recv_multipart(copy=True))
    a.send_multipart([b"1", b"2"])
    rec([(f.bytes, f.more) for f in b.recv_multipart(copy=False)])
    call(b.recv_multipart, zmq.NOBLOCK)
    call(b.recv_multipart, "x")
    call(b.recv_multipart, bogus=1)
    a.send_multipart([b"1", b"2"])
    rec(b.recv_multipart(0, True, False))
    ctx.destroy(0)


@probe
def probe_recv_odd_args():
    ctx, a, b = _pair()
    a.send(b"z")
    call(b.recv, "x")
    call(b.recv, None)
    call(b.recv, 0, "yes")
    call(b.recv, copy=None)
    call(b.recv, bogus=1)
    call(b.recv, zmq.NOBLOCK)
    call(b.recv, zmq.NOBLOCK)
    ctx.destroy(0)


@probe
def probe_send_recv_closed_socket():
    ctx, a, b = _pair()
    a.close()
    b.close()
    call(a.send, b"x")
    call(a.send, b"x", copy=False)
    call(a.send, bytearray(100_000), copy=False)
    call(a.send_multipart, [b"x", b"y"])
    call(a.send_string, "x")
    call(a.send_json, 1)
    call(a.send_pyobj, 1)
    call(b.recv)
    call(b.recv, copy=False)
    call(b.recv_multipart)
    call(b.recv_string)
    call(b.get, zmq.LINGER)
    call(b.set, zmq.LINGER, 0)
    call(getattr, b, "linger")
    call(b.getsockopt, zmq.TYPE)
    call(b.bind, "inproc://x")
    call(b.connect, "inproc://x")
    call(b.unbind, "inproc://x")
    call(b.disconnect, "inproc://x")
    call(b.monitor, "inproc://m")
    call(b.fileno)
    call(b.subscribe, b"x")
    call(b.close)
    ctx.term()


# -- recv_into --------------------------------------------------------------------------------


@probe
def probe_socket_poll_closed():
    ctx, a, b = _pair()
    b.close()
    call(b.poll, 0)
    call(b.poll, 10, zmq.POLLOUT)
    ctx.destroy(0)


@probe
def probe_recv_into_closed_socket():
    ctx, a, b = _pair()
    b.close()
    call(b.recv_into, bytearray(5))
    ctx.destroy(0)


@probe
def probe_recv_into_basic():
    ctx, a, b = _pair()
    a.send(b"hello world")
    buf = bytearray(20)
    rec(b.recv_into(buf))
    rec(bytes(buf))
    a.send(b"hello world")
    buf = bytearray(5)
    rec(b.recv_into(buf))
    rec(bytes(buf))
    a.send(b"0123456789")
    buf = bytearray(10)
    rec(b.recv_into(buf, nbytes=4))
    rec(bytes(buf))
    a.send(b"positional")
    call(b.recv_into, buf, 4)
    call(b.recv_into, buf, 4, 0)
    a.send(b"abc")
    rec(b.recv_into(memoryview(bytearray(8))[2:6]))
    ctx.destroy(0)


@probe
def probe_recv_into_bad_buffers():
    ctx, a, b = _pair()
    for label, buf in (("bytes", b"xxxxx"), ("readonly-mv", memoryview(b"xxxxx")),
                       ("noncontig-mv", memoryview(bytearray(10))[::2]), ("str", "xxxxx"), ("int", 5),
                       ("none", None), ("list", [0] * 5)):
        try:
            b.recv_into(buf, flags=zmq.NOBLOCK)
            rec((label, "ok"))
        except Exception as e:  # noqa: BLE001
            rec((label, type(e).__name__, getattr(e, "errno", None)))
    ctx.destroy(0)


@probe(needs=("numpy",))
def probe_recv_into_numpy():
    import numpy as np

    ctx, a, b = _pair()
    a.send(b"\x01\x02\x03\x04")
    arr = np.zeros(4, dtype=np.uint8)
    rec(b.recv_into(arr))
    rec(arr.tolist())
    for label, buf in (("noncontig", np.zeros(10, dtype=np.uint8)[::2]),
                       ("readonly", np.frombuffer(b"\x00" * 8, dtype=np.uint8)),
                       ("fortran-2d", np.asfortranarray(np.zeros((3, 4), dtype=np.uint8))),
                       ("2d", np.zeros((2, 3), dtype=np.uint8))):
        a.send(b"abcdef")
        try:
            rec((label, b.recv_into(buf, flags=zmq.NOBLOCK)))
        except Exception as e:  # noqa: BLE001
            rec((label, type(e).__name__, getattr(e, "errno", None)))
            b.recv()
    ctx.destroy(0)


@probe
def probe_recv_into_nbytes_flags():
    ctx, a, b = _pair()
    buf = bytearray(10)
    for nbytes in (-1, 0, 10, 11, 2 ** 40, 2 ** 31, "x", None, True):
        a.send(b"abc")
        try:
            rec((repr(nbytes), b.recv_into(buf, nbytes=nbytes)))
        except Exception as e:  # noqa: BLE001
            rec((repr(nbytes), type(e).__name__, getattr(e, "errno", None)))
            b.recv()
    for flags in ("x", None, -1, 2 ** 40):
        try:
            rec((repr(flags), b.recv_into(buf, flags=flags)))
        except Exception as e:  # noqa: BLE001
            rec((repr(flags), type(e).__name__, getattr(e, "errno", None)))
    call(b.recv_into, buf, flags=zmq.NOBLOCK)
    call(b.recv_into, buf, nbytes=3, flags=zmq.NOBLOCK)
    call(b.recv_into)
    call(b.recv_into, buf, nbytes=1, bogus=4)
    ctx.destroy(0)


@probe
def probe_recv_into_zero_length():
    ctx, a, b = _pair()
    a.send(b"abc")
    call(b.recv_into, bytearray(0))
    a.send(b"")
    call(b.recv_into, bytearray(4))
    ctx.destroy(0)


# -- options with wrong types -----------------------------------------------------------------


@probe
def probe_set_wrong_types():
    ctx = zmq.Context()
    s = ctx.socket(zmq.SUB)
    s.linger = 0
    call(s.set, zmq.LINGER, "x")
    call(s.set, zmq.LINGER, b"x")
    call(s.set, zmq.LINGER, 1.5)
    call(s.set, zmq.LINGER, None)
    call(s.set, zmq.LINGER, 2 ** 40)
    call(s.set, zmq.SUBSCRIBE, 5)
    call(s.set, zmq.SUBSCRIBE, "text")
    call(s.set, zmq.SUBSCRIBE, None)
    call(s.set, zmq.IDENTITY, "ident")
    call(s.set, zmq.IDENTITY, 5)
    call(s.set, zmq.AFFINITY, "x")
    call(s.set, zmq.AFFINITY, 2 ** 64)
    call(s.set, zmq.MAXMSGSIZE, "x")
    call(s.set, zmq.MAXMSGSIZE, 2 ** 63)
    call(s.set, zmq.ZAP_DOMAIN, 5)
    call(s.set, 99999, 1)
    call(s.set, "linger", 1)
    call(s.set, None, 1)
    s.close()
    ctx.term()


@probe
def probe_get_wrong_types():
    ctx = zmq.Context()
    s = ctx.socket(zmq.SUB)
    s.linger = 0
    call(s.get, "linger")
    call(s.get, None)
    call(s.get, 99999)
    call(s.get, 2 ** 40)
    call(s.get, zmq.SUBSCRIBE)
    call(s.get, zmq.LINGER)
    call(s.get, zmq.IDENTITY)
    call(s.get, zmq.AFFINITY)
    call(s.get, zmq.MAXMSGSIZE)
    call(s.get, zmq.LAST_ENDPOINT)
    call(s.get, zmq.EVENTS)
    call(lambda: type(s.get(zmq.FD)).__name__)
    call(s.get, zmq.RCVMORE)
    call(s.get, zmq.MECHANISM)
    s.close()
    ctx.term()


@probe
def probe_getsockopt_string_forms():
    ctx = zmq.Context()
    s = ctx.socket(zmq.DEALER)
    s.linger = 0
    s.bind("tcp://127.0.0.1:*")
    call(lambda: s.getsockopt_string(zmq.LAST_ENDPOINT).startswith("tcp://127.0.0.1:"))
    call(s.getsockopt_string, zmq.LINGER)
    call(s.setsockopt_string, zmq.IDENTITY, "abc")
    call(s.getsockopt_string, zmq.IDENTITY)
    call(s.setsockopt_string, zmq.IDENTITY, b"abc")
    call(s.setsockopt_string, zmq.LINGER, "5")
    s.close()
    ctx.term()


# -- Cython-level names -----------------------------------------------------------------------


@probe
def probe_frame_and_socket_from_backend():
    import zmq.backend.cython as zbc

    rec(sorted(zbc.__all__))
    rec([hasattr(zbc, n) for n in zmq.backend.public_api])
    rec(all(getattr(zbc, n) is getattr(zmq.backend, n) for n in zmq.backend.public_api))
    call(lambda: zmq.backend.Socket is zmq.Socket)
    call(lambda: zmq.backend.Context is zmq.Context)


@probe(needs=("numpy",))
def probe_send_numpy_non_contiguous():
    import numpy as np

    ctx, a, b = _pair()
    arr = np.arange(12, dtype=np.int16).reshape(3, 4)
    call(a.send, arr.T, copy=False)
    call(a.send, arr.T)
    call(a.send, arr[:, 1], copy=False)
    call(a.send, arr[:, 1])
    call(a.send_multipart, [b"x", arr[:, 1]], copy=False)
    call(a.send_multipart, [b"x", arr[:, 1]])
    call(zmq.Frame, np.zeros(100_000)[::2], copy=False)
    call(zmq.Frame, np.zeros(100_000)[::2])
    call(lambda: [len(p) for p in b.recv_multipart(zmq.NOBLOCK)])
    call(lambda: [len(p) for p in b.recv_multipart(zmq.NOBLOCK)])
    call(b.recv, zmq.NOBLOCK)
    ctx.destroy(0)


@probe
def probe_poll_huge_timeout():
    ctx, a, b = _pair()
    call(zmq.zmq_poll, [(b, zmq.POLLIN)], 2 ** 40)
    call(b.poll, 2 ** 40)
    p = zmq.Poller()
    p.register(b, zmq.POLLIN)
    call(p.poll, 2 ** 40)
    call(zmq.select, [b], [], [], 2 ** 40)
    ctx.destroy(0)


@probe
def probe_send_routing_id_group_non_draft():
    ctx, a, b = _pair()
    if zmq.DRAFT_API:
        rec("draft")
        ctx.destroy(0)
        return
    call(a.send, b"x", routing_id=1)
    call(a.send, b"x", group="g")
    call(a.send, zmq.Frame(b"x"), routing_id=1)
    call(b.recv, zmq.NOBLOCK)
    ctx.destroy(0)


@probe
def probe_frame_buffer_survives_socket_close():
    ctx, a, b = _pair()
    a.send(b"x" * 100_000, copy=False)
    f = b.recv(copy=False)
    view = f.buffer
    ctx.destroy(0)
    rec((len(view), bytes(view[:3]), f.bytes[-3:]))
