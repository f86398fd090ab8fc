"""Probes of zmq.eventloop (ZMQStream on Tornado's IOLoop, the ioloop compatibility module).

Every loop-based probe runs the IOLoop for a bounded time (``_run``: ``call_later`` then
``stop``); sockets have linger 0. Logged records are captured as (logger, level, message
template, exception type), since what a stream logs, and where, is part of its behaviour.
"""
import logging
import threading

import zmq
from _probe import call, mask, probe, rec, rec_raw

_count = [0]
_keep = []


def _tornado():
    from tornado.ioloop import IOLoop

    from zmq.eventloop.zmqstream import ZMQStream

    return IOLoop, ZMQStream


def _run(loop, seconds=0.15):
    """Run ``loop`` for ``seconds``."""
    loop.call_later(seconds, loop.stop)
    loop.start()


def _pair(ctx, a=zmq.PAIR, b=zmq.PAIR, tcp=False):
    """Socket ``a`` bound, ``b`` connected to it (linger 0 on both)."""
    _count[0] += 1
    sa = ctx.socket(a)
    sa.linger = 0
    if tcp:
        sa.bind("tcp://127.0.0.1:*")
        addr = sa.last_endpoint.decode()
    else:
        addr = f"inproc://zs{_count[0]}"
        sa.bind(addr)
    sb = ctx.socket(b)
    sb.linger = 0
    sb.connect(addr)
    return sa, sb


def _drain(sock, timeout=200):
    """Every message waiting on a plain socket (waiting up to ``timeout`` ms for the first)."""
    got = []
    while sock.poll(timeout if not got else 20):
        got.append(sock.recv_multipart(zmq.NOBLOCK))
    return got


class _Logs(logging.Handler):
    """Captures log records (attach for the whole probe)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.seen = []
        root = logging.getLogger()
        root.addHandler(self)
        root.setLevel(logging.DEBUG)

    def emit(self, r):
        if r.name == "asyncio" and r.levelno < logging.WARNING:
            return  # "Using selector: ..."
        text = str(r.msg).split("\n")[0]
        if r.name == "asyncio":
            text = text[:21]
        exc = r.exc_info[0].__name__ if r.exc_info and r.exc_info[0] else None
        self.seen.append([r.name, r.levelname, mask(text), exc])

    def rec(self, label="logs", distinct=False):
        # distinct: each record once, in first-seen order (how often a loop re-reports
        # something depends on timing, not on behaviour)
        seen = [r for i, r in enumerate(self.seen) if r not in self.seen[:i]] if distinct else self.seen
        rec_raw(seen, label)
        self.seen = []


def _names(obj):
    return sorted(n for n in dir(obj) if not n.startswith("_"))


# -- modules -----------------------------------------------------------------------------


@probe
def probe_zmqstream_module_all():
    import zmq.eventloop.zmqstream as m

    rec(getattr(m, "__all__", None))


@probe
def probe_zmqstream_module_public_names():
    import zmq.eventloop.zmqstream as m

    rec([n for n in ("ZMQStream", "IOLoop", "zmq", "gen_log", "jsonapi", "pickle", "warnings",
                     "Queue", "asyncio", "Callable", "Any", "overload", "Literal") if hasattr(m, n)])


@probe
def probe_zmqstream_module_ioloop_is_tornados():
    import tornado.ioloop

    import zmq.eventloop.zmqstream as m

    rec(getattr(m, "IOLoop", None) is tornado.ioloop.IOLoop)


_IOLOOP_NAMES = ("Any", "Awaitable", "Callable", "Configurable", "Future", "IOLoop", "PeriodicCallback",
                 "Protocol", "TimeoutError", "TypeVar", "TypedDict", "ZMQIOLoop", "app_log", "asyncio",
                 "chain_future", "concurrent", "datetime", "functools", "future_add_done_callback",
                 "future_set_exc_info", "import_object", "install", "is_future", "isawaitable", "math",
                 "numbers", "os", "random", "sys", "time", "typing", "warnings")
_ZMQSTREAM_NAMES = ("Any", "Awaitable", "Callable", "IOLoop", "Literal", "POLLIN", "POLLOUT", "Queue",
                    "Sequence", "ZMQStream", "asyncio", "gen_log", "jsonapi", "overload", "pickle",
                    "warnings", "zmq")


@probe
def probe_ioloop_namespace_is_tornados():
    import warnings

    import tornado.ioloop

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import zmq.eventloop.ioloop as m
    for name in _IOLOOP_NAMES:
        value = getattr(m, name, None)
        rec([value is not None, value is getattr(tornado.ioloop, name, None)], name)


@probe
def probe_zmqstream_namespace():
    import sys

    import zmq.eventloop.zmqstream as m

    for name in _ZMQSTREAM_NAMES:
        value = getattr(m, name, None)
        same = [source for source in ("typing", "collections.abc", "tornado.ioloop", "queue")
                if value is not None and getattr(sys.modules.get(source), name, None) is value]
        rec([value is not None, same], name)
    rec(m.POLLIN == zmq.POLLIN and m.POLLOUT == zmq.POLLOUT)
    rec(m.zmq is zmq)


@probe
def probe_eventloop_package_names():
    import zmq.eventloop as m

    rec([n for n in _names(m) if n not in ("zmqstream", "ioloop", "future")])
    rec(getattr(m, "__all__", None))


@probe
def probe_ioloop_import_warns():
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        import zmq.eventloop.ioloop  # noqa: F401
    rec(sorted({w.category.__name__ for w in caught}))
    rec(["deprecated" in str(w.message) for w in caught])


@probe
def probe_ioloop_module_names():
    import zmq.eventloop.ioloop as m

    rec(getattr(m, "__all__", None))
    rec([n for n in ("IOLoop", "ZMQIOLoop", "PeriodicCallback", "install", "TimeoutError",
                     "ZMQPoller", "ZMQError", "zmq", "Future", "app_log", "gen_log", "Configurable",
                     "warnings", "time", "os", "sys", "asyncio") if hasattr(m, n)])


@probe
def probe_ioloop_names_are_tornados():
    import tornado.ioloop

    import zmq.eventloop.ioloop as m

    rec(m.IOLoop is tornado.ioloop.IOLoop)
    rec(m.PeriodicCallback is tornado.ioloop.PeriodicCallback)
    rec(m.ZMQIOLoop is tornado.ioloop.IOLoop)
    rec(isinstance(m.ZMQIOLoop, type) and issubclass(m.ZMQIOLoop, tornado.ioloop.IOLoop))


@probe
def probe_ioloop_install():
    import warnings

    import zmq.eventloop.ioloop as m

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call(m.install)
    rec(sorted({w.category.__name__ for w in caught}))


@probe
def probe_ioloop_zmqioloop_current():
    import warnings

    import zmq.eventloop.ioloop as m

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loop = m.ZMQIOLoop.current()
    rec(type(loop).__name__)
    rec(sorted({w.category.__name__ for w in caught}))


@probe
def probe_ioloop_zmqioloop_instance():
    import warnings

    import zmq.eventloop.ioloop as m

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loop = call(m.ZMQIOLoop)
    if loop is not None:
        rec(type(loop).__name__)
        loop.close()
    rec(sorted({w.category.__name__ for w in caught}))


# -- the class -----------------------------------------------------------------------------


@probe
def probe_stream_public_attributes():
    IOLoop, ZMQStream = _tornado()
    rec(_names(ZMQStream))


@probe
def probe_stream_instance_attributes():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    a, b = _pair(ctx)
    s = ZMQStream(a)
    rec([n for n in _names(s) if n not in _names(ZMQStream)])
    s.close()
    b.close()
    ctx.term()


@probe
def probe_stream_signatures():
    import inspect

    IOLoop, ZMQStream = _tornado()
    for name in ("__init__", "on_recv", "on_recv_stream", "on_send", "on_send_stream", "send",
                 "send_multipart", "send_string", "send_unicode", "send_json", "send_pyobj", "flush",
                 "close", "set_close_callback", "stop_on_recv", "stop_on_send", "receiving",
                 "sending", "closed", "on_err", "stop_on_err"):
        fn = getattr(ZMQStream, name, None)
        if fn is None:
            rec(None, name)
            continue
        params = inspect.signature(fn).parameters.values()
        rec([[p.name, p.kind.name, repr(p.default) if p.default is not p.empty else None] for p in params], name)


@probe
def probe_stream_constructor_forms():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    loop = IOLoop.current()
    for make in (lambda s: ZMQStream(s), lambda s: ZMQStream(s, loop), lambda s: ZMQStream(s, io_loop=loop),
                 lambda s: ZMQStream(s, None), lambda s: ZMQStream(socket=s)):
        sock = ctx.socket(zmq.PAIR)
        st = call(make, sock)
        if st is not None:
            rec(st.io_loop is loop)
            rec(st.socket is sock)
            st.close(linger=0)
        else:
            sock.close()
    ctx.term()


@probe
def probe_stream_constructor_bad_socket():
    IOLoop, ZMQStream = _tornado()
    call(ZMQStream, 5)
    call(ZMQStream, None)


@probe
def probe_stream_constructor_bad_io_loop():
    import asyncio

    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    sock = ctx.socket(zmq.PAIR)
    st = call(ZMQStream, sock, asyncio.new_event_loop())
    rec(st is not None)
    sock.close(linger=0)
    ctx.term()


@probe
def probe_stream_constructor_closed_socket():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    sock = ctx.socket(zmq.PAIR)
    sock.close()
    st = call(ZMQStream, sock)
    if st is not None:
        rec(call(st.closed))
    ctx.term()


@probe
def probe_stream_constructor_asyncio_socket():
    import zmq.asyncio

    IOLoop, ZMQStream = _tornado()
    ctx = zmq.asyncio.Context()
    sock = ctx.socket(zmq.PAIR)
    st = ZMQStream(sock)
    rec(type(st.socket).__name__)
    rec(st.socket is sock)
    st.close(linger=0)
    sock.close(linger=0)
    ctx.term()


@probe
def probe_stream_repr():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    sock = ctx.socket(zmq.PAIR)
    st = ZMQStream(sock)
    rec(mask(repr(st)))
    rec(mask(str(st)))
    st.close(linger=0)
    rec(mask(repr(st)))
    ctx.term()


@probe
def probe_stream_registered_with_ioloop():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    loop = IOLoop.current()
    sock = ctx.socket(zmq.PAIR)
    fd = sock.FD
    st = ZMQStream(sock)
    rec(fd in loop.handlers)
    st.on_recv(lambda m: None)
    rec(fd in loop.handlers)
    st.close(linger=0)
    rec(fd in loop.handlers)
    ctx.term()


# -- close, closed --------------------------------------------------------------------------


@probe
def probe_close_and_closed():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    sock = ctx.socket(zmq.PAIR)
    st = ZMQStream(sock)
    rec(call(st.closed))
    call(st.close, linger=0)
    rec(call(st.closed))
    rec(sock.closed)
    rec(st.socket is None)
    call(st.close)
    ctx.term()


def _closed_port():
    """A 127.0.0.1 tcp port that nothing listens on (bound once, then closed)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@probe
def probe_close_linger_reaches_socket():
    # The PUSH connects to a port nobody listens on: its pipe exists from connect on, so the
    # stream's send is queued inside libzmq, and only linger=0 lets term() return. (A bound PUSH
    # whose peer just left raced with the pipe's teardown: pyzmq's stream sometimes blocked in it.)
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    a = ctx.socket(zmq.PUSH)
    a.connect(f"tcp://127.0.0.1:{_closed_port()}")
    st = ZMQStream(a)
    st.send(b"pending")
    _run(IOLoop.current(), 0.05)
    st.close(linger=0)
    done = threading.Event()
    t = threading.Thread(target=lambda: (ctx.term(), done.set()), daemon=True)
    t.start()
    rec(done.wait(2))


@probe
def probe_close_callback():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    sock = ctx.socket(zmq.PAIR)
    st = ZMQStream(sock)
    seen = []
    rec(call(st.set_close_callback, lambda *a: seen.append(("cb", len(a), st.closed()))))
    st.close(linger=0)
    rec(seen)
    st.close()
    rec(seen)
    ctx.term()


@probe
def probe_close_callback_none():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    st = ZMQStream(ctx.socket(zmq.PAIR))
    seen = []
    st.set_close_callback(lambda: seen.append(1))
    st.set_close_callback(None)
    call(st.close, linger=0)
    rec(seen)
    ctx.term()


@probe
def probe_close_callback_non_callable():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    logs = _Logs()
    st = ZMQStream(ctx.socket(zmq.PAIR))
    call(st.set_close_callback, 5)
    call(st.close, linger=0)
    rec(st.closed())
    logs.rec()
    ctx.term()


@probe
def probe_close_callback_raises():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    logs = _Logs()
    st = ZMQStream(ctx.socket(zmq.PAIR))

    def bad():
        raise ValueError("close cb")

    st.set_close_callback(bad)
    call(st.close, linger=0)
    rec(st.closed())
    _run(IOLoop.current(), 0.05)
    logs.rec()
    ctx.term()


@probe
def probe_after_close_operations():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    st = ZMQStream(ctx.socket(zmq.PAIR))
    st.close(linger=0)
    call(st.send, b"x")
    call(st.send_multipart, [b"x"])
    call(st.on_recv, lambda m: None)
    call(st.on_recv, None)
    call(st.on_send, lambda m, s: None)
    call(st.flush)
    call(st.receiving)
    call(st.stop_on_recv)
    call(st.getsockopt, zmq.TYPE)
    ctx.term()


@probe
def probe_sending_after_failed_send_on_closed_stream():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    st = ZMQStream(ctx.socket(zmq.PAIR))
    st.close(linger=0)
    rec(st.sending())
    call(st.send, b"x")
    rec(st.sending())
    ctx.term()


@probe
def probe_close_inside_on_recv():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    logs = _Logs()
    a, b = _pair(ctx)
    st = ZMQStream(a)
    seen = []

    def cb(msg):
        seen.append(msg)
        st.close()

    st.on_recv(cb)
    for i in range(3):
        b.send(b"%d" % i)
    _run(IOLoop.current())
    rec(seen)
    rec(st.closed())
    logs.rec()
    b.close()
    ctx.term()


# -- IOLoop.close(all_fds=True) ---------------------------------------------------------------


@probe
def probe_ioloop_close_all_fds_closes_stream_sockets():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    loop = IOLoop.current()
    a, b = _pair(ctx, tcp=True)
    c = ctx.socket(zmq.PUB)
    c.linger = 0
    streams = [ZMQStream(a), ZMQStream(b), ZMQStream(c)]
    streams[0].on_recv(lambda m: None)
    streams[1].send(b"x")
    _run(loop, 0.05)
    loop.close(all_fds=True)
    rec([s.socket is None for s in streams])
    rec([a.closed, b.closed, c.closed])
    rec([call(s.closed) for s in streams])
    done = threading.Event()
    threading.Thread(target=lambda: (ctx.term(), done.set()), daemon=True).start()
    rec(done.wait(2))


@probe
def probe_ioloop_close_all_fds_idle_stream():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    loop = IOLoop.current()
    sock = ctx.socket(zmq.DEALER)
    sock.linger = 0
    st = ZMQStream(sock)
    loop.close(all_fds=True)
    rec(sock.closed)
    rec(call(st.closed))
    done = threading.Event()
    threading.Thread(target=lambda: (ctx.term(), done.set()), daemon=True).start()
    rec(done.wait(2))


@probe
def probe_ioloop_close_without_all_fds():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    loop = IOLoop.current()
    sock = ctx.socket(zmq.DEALER)
    sock.linger = 0
    st = ZMQStream(sock)
    st.on_recv(lambda m: None)
    loop.close()
    rec(sock.closed)
    rec(call(st.closed))
    sock.close()
    ctx.term()


@probe
def probe_ioloop_close_all_fds_close_callback():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    loop = IOLoop.current()
    sock = ctx.socket(zmq.DEALER)
    sock.linger = 0
    st = ZMQStream(sock)
    seen = []
    st.set_close_callback(lambda: seen.append("closed"))
    loop.close(all_fds=True)
    rec(seen)
    call(st.close)
    rec(seen)
    call(st.send, b"x")
    ctx.term()


@probe
def probe_closed_stream_close_callback_after_socket_closed():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    sock = ctx.socket(zmq.DEALER)
    st = ZMQStream(sock)
    seen = []
    st.set_close_callback(lambda: seen.append("closed"))
    sock.close(linger=0)
    rec(call(st.closed))
    rec(seen)
    call(st.close)
    rec(seen)
    ctx.term()


@probe
def probe_ioloop_close_all_fds_closed_stream():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    loop = IOLoop.current()
    st = ZMQStream(ctx.socket(zmq.DEALER))
    st.close(linger=0)
    call(loop.close, all_fds=True)
    ctx.term()


@probe
def probe_two_streams_one_socket():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    a, b = _pair(ctx)
    s1 = ZMQStream(a)
    s2 = call(ZMQStream, a)
    rec(s2 is not None)
    a.close()
    b.close()
    ctx.term()


# -- receiving -------------------------------------------------------------------------------


@probe
def probe_on_recv_multipart_in_order():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    a, b = _pair(ctx, tcp=True)
    st = ZMQStream(a)
    seen = []
    rec(call(st.on_recv, seen.append))
    for i in range(50):
        b.send_multipart([b"m", b"%d" % i])
    _run(IOLoop.current(), 0.3)
    rec(len(seen))
    rec(seen[:3])
    rec(seen == [[b"m", b"%d" % i] for i in range(50)])
    st.close()
    b.close()
    ctx.term()


@probe
def probe_on_recv_copy_false():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    a, b = _pair(ctx)
    st = ZMQStream(a)
    seen = []
    st.on_recv(seen.append, copy=False)
    b.send_multipart([b"a", b"b"])
    _run(IOLoop.current())
    rec([[type(f).__name__ for f in m] for m in seen])
    rec([[f.bytes for f in m] for m in seen])
    st.close()
    b.close()
    ctx.term()


@probe
def probe_on_recv_non_callable():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    logs = _Logs()
    a, b = _pair(ctx)
    st = ZMQStream(a)
    call(st.on_recv, 5)
    call(st.on_recv, "nope")
    rec(call(st.receiving))
    b.send(b"x")
    _run(IOLoop.current())
    logs.rec()
    rec(st.closed())
    st.close()
    b.close()
    ctx.term()


@probe
def probe_on_recv_stream_non_callable():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    logs = _Logs()
    a, b = _pair(ctx)
    st = ZMQStream(a)
    call(st.on_recv_stream, 5)
    rec(call(st.receiving))
    b.send(b"x")
    _run(IOLoop.current())
    logs.rec()
    st.close()
    b.close()
    ctx.term()


@probe
def probe_on_send_non_callable():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    logs = _Logs()
    a, b = _pair(ctx)
    st = ZMQStream(a)
    call(st.on_send, 5)
    call(st.send, b"x")
    _run(IOLoop.current())
    logs.rec()
    rec(_drain(b))
    st.close()
    b.close()
    ctx.term()


@probe
def probe_on_recv_none_and_receiving():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    a, b = _pair(ctx)
    st = ZMQStream(a)
    rec(st.receiving())
    st.on_recv(lambda m: None)
    rec(st.receiving())
    rec(call(st.on_recv, None))
    rec(st.receiving())
    st.on_recv(lambda m: None)
    rec(call(st.stop_on_recv))
    rec(st.receiving())
    st.close()
    b.close()
    ctx.term()


@probe
def probe_stop_on_recv_keeps_messages():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    a, b = _pair(ctx)
    st = ZMQStream(a)
    first, second = [], []

    def cb(msg):
        first.append(msg)
        st.stop_on_recv()

    st.on_recv(cb)
    for i in range(3):
        b.send(b"%d" % i)
    loop = IOLoop.current()
    _run(loop)
    rec(first)
    st.on_recv(second.append)
    _run(loop)
    rec(second)
    st.close()
    b.close()
    ctx.term()


@probe
def probe_on_recv_stream_args():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    a, b = _pair(ctx)
    st = ZMQStream(a)
    seen = []
    st.on_recv_stream(lambda *args: seen.append((args[0] is st, args[1:])))
    b.send(b"hi")
    _run(IOLoop.current())
    rec(seen)
    rec(st.receiving())
    st.on_recv_stream(None)
    rec(st.receiving())
    st.close()
    b.close()
    ctx.term()


@probe
def probe_on_recv_callback_raises():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    logs = _Logs()
    a, b = _pair(ctx)
    st = ZMQStream(a)
    seen = []

    def cb(msg):
        seen.append(msg)
        if msg == [b"1"]:
            raise ValueError("boom")

    st.on_recv(cb)
    for i in range(2):
        b.send(b"%d" % i)
    _run(IOLoop.current())
    rec(seen)
    rec(st.receiving())
    rec(st.closed())
    logs.rec()
    st.close()
    b.close()
    ctx.term()


@probe
def probe_on_recv_goes_on_after_callback_raises():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    _Logs()
    a, b = _pair(ctx)
    st = ZMQStream(a)
    seen = []

    def cb(msg):
        seen.append(msg)
        if msg == [b"0"]:
            raise ValueError("boom")

    st.on_recv(cb)
    for i in range(3):
        b.send(b"%d" % i)
    _run(IOLoop.current())
    rec(seen)
    st.close()
    b.close()
    ctx.term()


@probe
def probe_on_recv_coroutine_callback():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    a, b = _pair(ctx)
    st = ZMQStream(a)
    seen = []

    async def cb(msg):
        seen.append(("start", msg))
        seen.append(("end", msg))

    st.on_recv(cb)
    b.send(b"1")
    b.send(b"2")
    _run(IOLoop.current())
    rec(seen)
    st.close()
    b.close()
    ctx.term()


@probe
def probe_on_recv_coroutine_raises():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    logs = _Logs()
    a, b = _pair(ctx)
    st = ZMQStream(a)

    async def cb(msg):
        raise KeyError("async boom")

    st.on_recv(cb)
    b.send(b"1")
    _run(IOLoop.current())
    rec(st.receiving())
    logs.rec()
    st.close()
    b.close()
    ctx.term()


@probe
def probe_on_recv_pending_before_registration():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    a, b = _pair(ctx)
    for i in range(3):
        b.send(b"%d" % i)
    st = ZMQStream(a)
    loop = IOLoop.current()
    _run(loop, 0.05)
    seen = []
    st.on_recv(seen.append)
    _run(loop)
    rec(seen)
    st.close()
    b.close()
    ctx.term()


@probe
def probe_recv_callback_replaced_mid_batch():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    a, b = _pair(ctx)
    st = ZMQStream(a)
    seen = []

    def second(msg):
        seen.append(("second", msg))

    def first(msg):
        seen.append(("first", msg))
        st.on_recv(second)

    st.on_recv(first)
    for i in range(3):
        b.send(b"%d" % i)
    _run(IOLoop.current())
    rec(seen)
    st.close()
    b.close()
    ctx.term()


# -- sending ---------------------------------------------------------------------------------


@probe
def probe_send_returns_and_on_send_args():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    a, b = _pair(ctx)
    st = ZMQStream(a)
    seen = []
    rec(call(st.on_send, lambda *args: seen.append(args)))
    rec(call(st.send, b"one"))
    rec(call(st.send_multipart, [b"two", b"parts"]))
    rec(call(st.send_multipart, (b"tuple",)))
    rec(seen)
    _run(IOLoop.current())
    rec(seen)
    rec(_drain(b))
    st.close()
    b.close()
    ctx.term()


@probe
def probe_sending_right_after_send():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    a, b = _pair(ctx)
    st = ZMQStream(a)
    st.send(b"x")
    rec(st.sending())
    rec(b.poll(0))
    _run(IOLoop.current())
    rec(st.sending())
    rec(_drain(b))
    st.close()
    b.close()
    ctx.term()


@probe
def probe_send_callback_kwarg_persists():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    a, b = _pair(ctx)
    st = ZMQStream(a)
    seen = []
    st.send(b"a", callback=lambda m, s: seen.append(("cb1", m)))
    st.send(b"b")
    st.send_multipart([b"c"], callback=lambda m, s: seen.append(("cb2", m)))
    st.send(b"d")
    _run(IOLoop.current())
    rec(seen)
    st.close()
    b.close()
    ctx.term()


@probe
def probe_send_callback_kwarg_vs_on_send():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    a, b = _pair(ctx)
    st = ZMQStream(a)
    seen = []
    st.on_send(lambda m, s: seen.append(("on_send", m)))
    st.send(b"a", callback=lambda m, s: seen.append(("cb", m)))
    st.send(b"b")
    _run(IOLoop.current())
    rec(seen)
    st.close()
    b.close()
    ctx.term()


@probe
def probe_on_send_stream_args():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    a, b = _pair(ctx)
    st = ZMQStream(a)
    seen = []
    st.on_send_stream(lambda *args: seen.append((args[0] is st, args[1:])))
    st.send(b"x")
    _run(IOLoop.current())
    rec(seen)
    rec(call(st.on_send_stream, None))
    st.send(b"y")
    _run(IOLoop.current())
    rec(len(seen))
    st.close()
    b.close()
    ctx.term()


@probe
def probe_stop_on_send():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    a, b = _pair(ctx)
    st = ZMQStream(a)
    seen = []
    st.on_send(lambda m, s: seen.append(m))
    rec(call(st.stop_on_send))
    st.send(b"x")
    _run(IOLoop.current())
    rec(seen)
    rec(_drain(b))
    st.close()
    b.close()
    ctx.term()


@probe
def probe_send_track_status():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    a, b = _pair(ctx)
    st = ZMQStream(a)
    seen = []
    st.on_send(lambda m, s: seen.append(type(s).__name__))
    st.send(b"x" * 1000, copy=False, track=True)
    st.send_multipart([b"y" * 1000], copy=False, track=True)
    _run(IOLoop.current())
    rec(seen)
    rec(_drain(b) == [[b"x" * 1000], [b"y" * 1000]])
    st.close()
    b.close()
    ctx.term()


@probe
def probe_send_copy_false_status():
    # the status is what the socket's send returns (a MessageTracker with copy=False)
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    a, b = _pair(ctx)
    st = ZMQStream(a)
    seen = []
    st.on_send(lambda m, s: seen.append(type(s).__name__))
    st.send(b"z", copy=False)
    _run(IOLoop.current())
    rec(seen)
    st.close()
    b.close()
    ctx.term()


@probe
def probe_send_non_bytes():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    logs = _Logs()
    a, b = _pair(ctx)
    st = ZMQStream(a)
    seen = []
    st.on_send(lambda m, s: seen.append((m, s)))
    rec(call(st.send, 12345))
    rec(call(st.send, b"after"))
    _run(IOLoop.current())
    rec(seen)
    rec(st.sending())
    rec(st.closed())
    logs.rec()
    rec(_drain(b))
    st.send(b"later")
    _run(IOLoop.current())
    rec(_drain(b))
    st.close()
    b.close()
    ctx.term()


@probe
def probe_send_multipart_bad_part():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    logs = _Logs()
    a, b = _pair(ctx)
    st = ZMQStream(a)
    seen = []
    st.on_send(lambda m, s: seen.append((m, s)))
    call(st.send_multipart, [b"ok", 3])
    call(st.send_multipart, [b"fine"])
    _run(IOLoop.current())
    rec(seen)
    logs.rec()
    rec(_drain(b))
    st.close()
    b.close()
    ctx.term()


@probe
def probe_send_on_sub_socket():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    logs = _Logs()
    sub = ctx.socket(zmq.SUB)
    sub.linger = 0
    st = ZMQStream(sub)
    seen = []
    st.on_send(lambda m, s: seen.append((m, s)))
    call(st.send, b"x")
    _run(IOLoop.current())
    rec(seen)
    rec(st.sending())
    rec(st.closed())
    logs.rec()
    st.close()
    ctx.term()


@probe
def probe_send_on_req_twice():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    logs = _Logs()
    rep, req = _pair(ctx, zmq.REP, zmq.REQ)
    st = ZMQStream(req)
    seen = []
    st.on_send(lambda m, s: seen.append((m, s)))
    call(st.send, b"first")
    call(st.send, b"second")
    _run(IOLoop.current())
    rec(seen)
    rec(st.sending())
    logs.rec()
    rec(_drain(rep))
    st.close()
    rep.close()
    ctx.term()


@probe
def probe_on_recv_that_sends_fails_half_way():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    logs = _Logs()
    a, b = _pair(ctx)
    st = ZMQStream(a)
    steps = []

    def cb(msg):
        steps.append("in")
        st.send(b"reply-1")
        st.send(object())
        st.send(b"reply-3")
        steps.append("out")

    st.on_recv(cb)
    b.send(b"request")
    _run(IOLoop.current())
    rec(steps)
    logs.rec()
    rec(_drain(b))
    st.close()
    b.close()
    ctx.term()


@probe
def probe_send_string_variants():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    a, b = _pair(ctx)
    st = ZMQStream(a)
    rec(call(st.send_string, "héllo"))
    rec(call(st.send_string, "héllo", encoding="latin-1"))
    rec(call(st.send_unicode, "u"))
    _run(IOLoop.current())
    rec(_drain(b))
    rec(ZMQStream.send_unicode is ZMQStream.send_string)
    st.close()
    b.close()
    ctx.term()


@probe
def probe_send_string_non_str():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    logs = _Logs()
    a, b = _pair(ctx)
    st = ZMQStream(a)
    call(st.send_string, b"bytes")
    call(st.send_string, 5)
    _run(IOLoop.current())
    logs.rec()
    rec(_drain(b))
    st.close()
    b.close()
    ctx.term()


@probe
def probe_send_json_and_pyobj():
    import pickle

    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    a, b = _pair(ctx)
    st = ZMQStream(a)
    seen = []
    st.on_send(lambda m, s: seen.append(m))
    rec(call(st.send_json, {"a": [1, 2]}))
    rec(call(st.send_pyobj, (1, "x")))
    _run(IOLoop.current())
    got = _drain(b)
    rec(got[0])
    rec(pickle.loads(got[1][0]))
    rec(len(seen))
    rec(seen[0])
    st.close()
    b.close()
    ctx.term()


@probe
def probe_send_json_unserializable():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    logs = _Logs()
    a, b = _pair(ctx)
    st = ZMQStream(a)
    call(st.send_json, {"a": object()})
    call(st.send_pyobj, lambda: None)
    _run(IOLoop.current())
    logs.rec()
    rec(_drain(b))
    st.close()
    b.close()
    ctx.term()


@probe
def probe_send_json_kwargs():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    a, b = _pair(ctx)
    st = ZMQStream(a)
    call(st.send_json, {"b": 1, "a": 2}, sort_keys=True)
    call(st.send_pyobj, [1], protocol=2)
    _run(IOLoop.current())
    got = _drain(b)
    rec(got[:1])
    rec(len(got))
    st.close()
    b.close()
    ctx.term()


@probe
def probe_send_sndmore_flag():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    a, b = _pair(ctx)
    st = ZMQStream(a)
    st.send(b"first", zmq.SNDMORE)
    st.send(b"last")
    _run(IOLoop.current())
    rec(_drain(b))
    st.close()
    b.close()
    ctx.term()


@probe
def probe_send_multipart_odd_inputs():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    logs = _Logs()
    a, b = _pair(ctx)
    st = ZMQStream(a)
    call(st.send_multipart, b"ab")
    call(st.send_multipart, [bytearray(b"ba"), memoryview(b"mv")])
    _run(IOLoop.current())
    logs.rec()
    rec(_drain(b))
    st.close()
    b.close()
    ctx.term()


@probe
def probe_send_multipart_generator():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    _Logs()
    a, b = _pair(ctx)
    st = ZMQStream(a)
    call(st.send_multipart, (p for p in [b"gen", b"erator"]))
    _run(IOLoop.current())
    rec(_drain(b))
    st.close()
    b.close()
    ctx.term()


@probe
def probe_send_callback_non_callable():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    a, b = _pair(ctx)
    st = ZMQStream(a)
    call(st.send, b"x", callback=5)
    _run(IOLoop.current())
    rec(len(_drain(b)))
    st.close()
    b.close()
    ctx.term()


@probe
def probe_send_error_reported_to_on_send():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    logs = _Logs()
    router, dealer = _pair(ctx, zmq.ROUTER, zmq.DEALER)
    router.router_mandatory = 1
    dealer.identity = b"peer"
    dealer.connect(router.last_endpoint.decode())
    st = ZMQStream(router)
    seen = []
    st.on_send(lambda m, s: seen.append((m, s)))
    loop = IOLoop.current()
    loop.call_later(0.05, lambda: (st.send_multipart([b"nobody", b"x"]), st.send_multipart([b"peer", b"y"])))
    _run(loop, 0.25)
    rec(seen)
    rec(st.sending())
    logs.rec()
    rec(_drain(dealer))
    st.close()
    dealer.close()
    ctx.term()


@probe
def probe_send_waits_without_peer_router_mandatory():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    logs = _Logs()
    router = ctx.socket(zmq.ROUTER)
    router.linger = 0
    router.router_mandatory = 1
    st = ZMQStream(router)
    seen = []
    st.on_send(lambda m, s: seen.append((m, s)))
    call(st.send_multipart, [b"nobody", b"x"])
    _run(IOLoop.current())
    rec(seen)
    rec(st.sending())
    logs.rec()
    st.close()
    ctx.term()


@probe
def probe_req_second_send_waits_for_reply():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    _Logs()
    rep, req = _pair(ctx, zmq.REP, zmq.REQ)
    server = ZMQStream(rep)
    server.on_recv(lambda m: server.send_multipart([b"re:" + m[0]]))
    client = ZMQStream(req)
    got = []
    client.on_recv(got.append)
    client.send(b"1")
    client.send(b"2")
    _run(IOLoop.current(), 0.3)
    rec(got)
    rec(client.sending())
    server.close()
    client.close()
    ctx.term()


@probe
def probe_send_queues_under_hwm():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    a, b = _pair(ctx, zmq.PUSH, zmq.PULL, tcp=True)
    for s in (a, b):
        s.sndhwm = s.rcvhwm = 5
    st = ZMQStream(a)
    seen = []
    st.on_send(lambda m, s: seen.append(m[0]))
    for i in range(200):
        st.send(b"%d" % i)
    loop = IOLoop.current()
    _run(loop, 0.1)
    rec(st.sending())
    got = []
    for _ in range(100):
        got.extend(_drain(b, 20))
        _run(loop, 0.01)
        if len(got) >= 200:
            break
    rec(len(got))
    rec(got == [[b"%d" % i] for i in range(200)])
    rec(seen == [b"%d" % i for i in range(200)])
    rec(st.sending())
    st.close()
    b.close()
    ctx.term()


@probe
def probe_on_send_callback_raises():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    logs = _Logs()
    a, b = _pair(ctx)
    st = ZMQStream(a)

    def bad(msg, status):
        raise RuntimeError("send cb")

    st.on_send(bad)
    st.send(b"1")
    st.send(b"2")
    _run(IOLoop.current())
    logs.rec()
    rec(_drain(b))
    rec(st.closed())
    st.close()
    b.close()
    ctx.term()


# -- flush -----------------------------------------------------------------------------------


@probe
def probe_flush_idle():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    a, b = _pair(ctx)
    st = ZMQStream(a)
    rec(call(st.flush))
    rec(call(st.flush, zmq.POLLIN))
    rec(call(st.flush, zmq.POLLOUT, 1))
    st.close()
    b.close()
    ctx.term()


@probe
def probe_flush_receives():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    a, b = _pair(ctx)
    st = ZMQStream(a)
    seen = []
    st.on_recv(seen.append)
    for i in range(5):
        b.send(b"%d" % i)
    a.poll(500)
    rec(call(st.flush, zmq.POLLIN, 2))
    rec(len(seen))
    rec(call(st.flush))
    rec(len(seen))
    st.close()
    b.close()
    ctx.term()


@probe
def probe_flush_sends_queued():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    a, b = _pair(ctx)
    st = ZMQStream(a)
    seen = []
    st.on_send(lambda m, s: seen.append(m))
    st.send(b"1")
    st.send(b"2")
    rec(call(st.flush, zmq.POLLOUT))
    rec(seen)
    rec(st.sending())
    rec(_drain(b))
    st.close()
    b.close()
    ctx.term()


@probe
def probe_flush_on_closed():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    st = ZMQStream(ctx.socket(zmq.PAIR))
    st.close(linger=0)
    call(st.flush)
    ctx.term()


# -- deprecated and socket conveniences ------------------------------------------------------


@probe
def probe_on_err_and_stop_on_err():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    st = ZMQStream(ctx.socket(zmq.PAIR))
    rec(call(st.on_err, lambda *a: None))
    rec(call(st.stop_on_err))
    st.close(linger=0)
    ctx.term()


@probe
def probe_socket_options_via_stream():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    sock = ctx.socket(zmq.DEALER)
    st = ZMQStream(sock)
    rec(int(st.getsockopt(zmq.TYPE)))  # (int(): whether it is an enum is the socket's business)
    rec(call(st.setsockopt, zmq.LINGER, 0))
    rec(sock.linger)
    rec(call(st.setsockopt_string, zmq.IDENTITY, "ident"))
    rec(call(st.getsockopt_string, zmq.IDENTITY))
    rec(call(st.setsockopt_unicode, zmq.IDENTITY, "id2"))
    rec(call(st.getsockopt_unicode, zmq.IDENTITY))
    for name in ("linger", "LINGER", "type", "set", "get", "recv", "send_serialized", "poll",
                 "getsockopt", "setsockopt", "bind", "connect", "unbind", "disconnect",
                 "bind_to_random_port", "context", "closed", "monitor", "FD"):
        rec(hasattr(st, name), name)
    st.close()
    ctx.term()


@probe
def probe_bind_connect_via_stream():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    s1 = ZMQStream(ctx.socket(zmq.PAIR))
    s2 = ZMQStream(ctx.socket(zmq.PAIR))
    s1.setsockopt(zmq.LINGER, 0)
    s2.setsockopt(zmq.LINGER, 0)
    port = s1.bind_to_random_port("tcp://127.0.0.1")
    rec(isinstance(port, int))
    s1.bind("inproc://via-stream")  # (what bind/connect return is the socket's business)
    s2.connect("inproc://via-stream")
    seen = []
    s1.on_recv(seen.append)
    s2.send(b"hello")
    _run(IOLoop.current())
    rec(seen)
    s1.close()
    s2.close()
    ctx.term()


# -- sockets closed behind the stream's back --------------------------------------------------


@probe
def probe_shadowed_socket_closed_under_stream():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    logs = _Logs()
    a, b = _pair(ctx)
    shadow = zmq.Socket.shadow(a.underlying)
    st = ZMQStream(shadow)
    seen = []
    st.on_recv(seen.append)
    b.send(b"1")
    loop = IOLoop.current()
    _run(loop)
    a.close()
    try:
        b.send(b"2", zmq.NOBLOCK)
    except zmq.Again:
        pass
    _run(loop)
    rec(seen)
    # (whether a wake-up came meanwhile, and logged it, depends on libzmq's timing)
    logs.seen = [r for r in logs.seen if not r[2].startswith("Got events for stream")]
    rec(call(st.closed))
    rec(st.socket is None)
    logs.rec()
    call(st.close)
    b.close()
    ctx.term()


@probe
def probe_shadowed_socket_closed_with_queued_send():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    logs = _Logs()
    a, b = _pair(ctx)
    shadow = zmq.Socket.shadow(a.underlying)
    st = ZMQStream(shadow)
    st.on_recv(lambda m: None)
    st.send(b"x")
    a.close()
    st.send(b"y")
    loop = IOLoop.current()
    _run(loop)
    rec(call(st.closed))
    logs.rec()
    b.close()
    ctx.term()


@probe
def probe_socket_closed_directly_under_stream():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    logs = _Logs()
    a, b = _pair(ctx)
    st = ZMQStream(a)
    st.on_recv(lambda m: None)
    loop = IOLoop.current()
    _run(loop, 0.05)
    a.close()
    try:
        b.send(b"x", zmq.NOBLOCK)
    except zmq.Again:
        pass
    _run(loop)
    rec(call(st.closed))
    rec(st.socket is None)
    logs.seen = []  # (whether a wake-up came first, and logged, depends on timing)
    call(st.send, b"x")
    _run(loop, 0.05)
    logs.rec("after send")
    b.close()
    ctx.term()


@probe
def probe_context_terminated_under_stream():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    _Logs()
    a, b = _pair(ctx)
    st = ZMQStream(a)
    st.on_recv(lambda m: None)
    b.close()
    done = threading.Event()
    threading.Thread(target=lambda: (ctx.term(), done.set()), daemon=True).start()
    loop = IOLoop.current()
    _run(loop, 0.3)
    rec(done.is_set())
    rec(call(st.closed))
    # (what gets logged races with term() in the other thread, in pyzmq too: not recorded)
    call(st.send, b"x")
    rec(st.receiving())
    _keep.append(st)  # (whether the loop still references the stream is no behaviour)


@probe
def probe_close_after_context_terminated_under_stream():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    _Logs()
    a, b = _pair(ctx)
    st = ZMQStream(a)
    st.on_recv(lambda m: None)
    b.close()
    done = threading.Event()
    threading.Thread(target=lambda: (ctx.term(), done.set()), daemon=True).start()
    _run(IOLoop.current(), 0.3)
    call(st.close)
    rec(done.wait(2))


# -- several streams and echo ------------------------------------------------------------------


@probe
def probe_router_dealer_echo():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    router, dealer = _pair(ctx, zmq.ROUTER, zmq.DEALER, tcp=True)
    server = ZMQStream(router)
    server.on_recv(server.send_multipart)
    client = ZMQStream(dealer)
    seen = []
    client.on_recv(seen.append)
    for i in range(20):
        client.send(b"%d" % i)
    _run(IOLoop.current(), 0.3)
    rec(seen == [[b"%d" % i] for i in range(20)])
    server.close()
    client.close()
    ctx.term()


@probe
def probe_echo_copy_false_frames():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    router, dealer = _pair(ctx, zmq.ROUTER, zmq.DEALER)
    server = ZMQStream(router)
    server.on_recv(server.send_multipart, copy=False)
    client = ZMQStream(dealer)
    seen = []
    client.on_recv(seen.append)
    client.send_multipart([b"a", b"b"])
    _run(IOLoop.current())
    rec(seen)
    server.close()
    client.close()
    ctx.term()


@probe
def probe_periodic_callback_with_stream():
    IOLoop, ZMQStream = _tornado()
    from zmq.eventloop.ioloop import PeriodicCallback

    ctx = zmq.Context()
    a, b = _pair(ctx)
    st = ZMQStream(a)
    seen = []
    b_stream = ZMQStream(b)
    b_stream.on_recv(seen.append)
    n = [0]

    def tick():
        n[0] += 1
        if n[0] <= 3:
            st.send(b"%d" % n[0])

    pc = PeriodicCallback(tick, 10)
    pc.start()
    _run(IOLoop.current(), 0.2)
    pc.stop()
    rec(seen)
    st.close()
    b_stream.close()
    ctx.term()


@probe
def probe_stream_in_asyncio_run():
    import asyncio

    IOLoop, ZMQStream = _tornado()

    async def main():
        ctx = zmq.Context()
        a, b = _pair(ctx)
        st = ZMQStream(a)
        got = asyncio.get_running_loop().create_future()
        st.on_recv(got.set_result)
        b.send(b"async")
        msg = await asyncio.wait_for(got, 2)
        st.close()
        b.close()
        ctx.term()
        return msg

    rec(asyncio.run(main()))


# -- a loop running in another thread (how ipykernel uses streams) -------------------------------


def _loop_thread():
    IOLoop, ZMQStream = _tornado()
    loop = IOLoop(make_current=False)
    thread = threading.Thread(target=loop.start, daemon=True)
    thread.start()
    return loop, thread


def _stop_loop_thread(loop, thread, *streams):
    done = threading.Event()

    def finish():
        for s in streams:
            s.close()
        loop.stop()
        done.set()

    loop.add_callback(finish)
    rec(done.wait(3), "stopped")
    thread.join(3)
    loop.close()


@probe
def probe_on_recv_from_another_thread_with_message_waiting():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    a, b = _pair(ctx, zmq.ROUTER, zmq.DEALER, tcp=True)
    b.send(b"early")
    loop, thread = _loop_thread()
    st = ZMQStream(a, loop)
    idle = threading.Event()
    loop.add_callback(idle.set)  # the loop ran past the stream's setup, the message waiting
    rec(idle.wait(2))
    got = []
    arrived = threading.Event()
    st.on_recv(lambda m: (got.append(m[1]), arrived.set()))
    rec(arrived.wait(2))
    rec(got)
    _stop_loop_thread(loop, thread, st)
    b.close()
    ctx.term()


@probe
def probe_send_from_another_thread():
    IOLoop, ZMQStream = _tornado()
    ctx = zmq.Context()
    a, b = _pair(ctx, tcp=True)
    loop, thread = _loop_thread()
    st = ZMQStream(a, loop)
    where = []
    all_sent = threading.Event()

    def on_send(m, s):
        where.append(threading.current_thread() is thread)
        if len(where) == 20:
            all_sent.set()

    st.on_send(on_send)
    for i in range(20):
        st.send(b"%d" % i)
    b.rcvtimeo = 2000
    rec([b.recv() for _ in range(20)] == [b"%d" % i for i in range(20)])
    rec(all_sent.wait(2))
    rec(where == [True] * 20)
    _stop_loop_thread(loop, thread, st)
    b.close()
    ctx.term()


@probe
def probe_stream_for_a_waiting_future_socket():
    import asyncio
    import warnings

    from zmq.eventloop.future import Context

    IOLoop, ZMQStream = _tornado()

    async def main():
        ctx = Context()
        s = ctx.socket(zmq.PAIR)
        s.linger = 0
        pending = asyncio.ensure_future(s.recv())
        await asyncio.sleep(0.02)  # the future socket waits on its FD
        rec(s.FD in IOLoop.current().handlers)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (the shadowing RuntimeWarning)
            call(ZMQStream, s)  # its FD is the IOLoop's already
        pending.cancel()
        await asyncio.sleep(0)
        s.close()
        ctx.term()

    asyncio.run(main())
