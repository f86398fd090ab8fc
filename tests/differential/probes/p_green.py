"""Probes of zmq.green: green Context/Socket/Poller, cooperative waits, green device/proxy,
zmq.green.eventloop. gevent is imported inside each probe; every wait is bounded."""
import inspect
import time

import zmq
from _probe import call, mask, probe, rec


def _g():
    import gevent

    import zmq.green as gz
    return gevent, gz


def _pair(gz, kind_a=zmq.PUSH, kind_b=zmq.PULL, addr="inproc://green-pair"):
    ctx = gz.Context()
    a = ctx.socket(kind_a)
    b = ctx.socket(kind_b)
    for s in (a, b):
        s.linger = 0
    a.bind(addr)
    b.connect(addr)
    return ctx, a, b


def _close(ctx, *socks):
    for s in socks:
        s.close(linger=0)
    ctx.term()


# -- names and types ---------------------------------------------------------------------

@probe(needs=("gevent",))
def probe_class_names():
    gevent, gz = _g()
    for cls in (gz.Socket, gz.Context, gz.Poller):
        rec((cls.__name__, cls.__qualname__, cls.__module__))


@probe(needs=("gevent",))
def probe_class_mro_names():
    gevent, gz = _g()
    for cls in (gz.Socket, gz.Context, gz.Poller):
        rec([c.__name__ for c in cls.__mro__ if c.__module__.startswith("zmq.green")])
        rec(issubclass(cls, (zmq.Socket, zmq.Context, zmq.Poller)))


@probe(needs=("gevent",))
def probe_core_module_names():
    gevent, gz = _g()
    import zmq.green.core as core
    import zmq.green.poll as poll
    rec(core._Socket is gz.Socket)
    rec(core._Context is gz.Context)
    rec(poll._Poller is gz.Poller)
    rec(core._original_Socket is zmq.Socket)
    rec(core._original_Context is zmq.Context)
    rec(poll._original_Poller is zmq.Poller)


@probe(needs=("gevent",))
def probe_module_names():
    gevent, gz = _g()
    for name in ("Socket", "Context", "Poller", "device", "proxy", "proxy_steerable", "select",
                 "zmq_poll", "SyncSocket", "SyncContext", "Frame", "ZMQError", "Again", "PUSH"):
        rec(hasattr(gz, name), name)
    rec(gz.SyncSocket is zmq.SyncSocket)
    rec(gz.SyncContext is zmq.SyncContext)
    rec(gz.Frame is zmq.Frame)
    rec(gz.ZMQError is zmq.ZMQError)
    rec(gz.device is zmq.device)


@probe(needs=("gevent",))
def probe_select_and_zmq_poll_are_green():
    gevent, gz = _g()
    rec(gz.select is zmq.select)
    rec(gz.zmq_poll is zmq.zmq_poll)
    rec(gz.proxy is zmq.proxy)
    rec(gz.proxy_steerable is zmq.proxy_steerable)


@probe(needs=("gevent",), timeout=3)
def probe_select_lets_other_greenlets_run():
    gevent, gz = _g()
    ctx, a, b = _pair(gz)
    gevent.spawn_later(0.05, a.send, b"x")
    t0 = time.monotonic()
    r = gz.select([b], [], [], 1)
    rec([s is b for s in r[0]])
    rec(time.monotonic() - t0 < 0.5, "woken by the other greenlet")
    r = gz.zmq_poll([(b, zmq.POLLIN)], 1000)
    rec(len(r))
    _close(ctx, a, b)


@probe(needs=("gevent",))
def probe_module_not_forwarding():
    gevent, gz = _g()
    for name in ("green", "asyncio", "devices", "auth", "eventloop", "nonexistent_name"):
        rec(hasattr(gz, name), name)


@probe(needs=("gevent",))
def probe_module_all():
    gevent, gz = _g()
    rec(sorted(gz.__all__) == sorted(zmq.__all__))
    rec("Socket" in gz.__all__ and "Context" in gz.__all__)


# -- reprs --------------------------------------------------------------------------------

@probe(needs=("gevent",))
def probe_socket_repr():
    gevent, gz = _g()
    ctx = gz.Context()
    s = ctx.socket(zmq.PUSH)
    rec(mask(repr(s)))
    rec(s)
    s.close()
    rec(mask(repr(s)))
    ctx.term()


@probe(needs=("gevent",))
def probe_context_repr():
    gevent, gz = _g()
    ctx = gz.Context()
    rec(mask(repr(ctx)))
    s = ctx.socket(zmq.PAIR)
    rec(mask(repr(ctx)))
    s2 = ctx.socket(zmq.PAIR)
    rec(mask(repr(ctx)))
    s.close()
    s2.close()
    ctx.term()
    rec(mask(repr(ctx)))


@probe(needs=("gevent",))
def probe_subclass_repr():
    gevent, gz = _g()

    class MySocket(gz.Socket):
        pass

    class MyContext(gz.Context):
        pass

    ctx = MyContext()
    rec(repr(ctx).split("(")[0])
    s = MySocket(ctx, zmq.PULL)
    rec(repr(s).split("(")[0])
    s.close()
    ctx.term()


@probe(needs=("gevent",))
def probe_instance_and_shadow_repr():
    gevent, gz = _g()
    inst = gz.Context.instance()
    rec(type(inst).__name__)
    rec(inst is gz.Context.instance())
    rec(zmq.Context.instance() is inst)
    plain = zmq.Context()
    sh = gz.Context.shadow(plain.underlying)
    rec(mask(repr(sh)))
    s = sh.socket(zmq.PUSH)
    rec(type(s).__name__)
    s.close()
    plain.term()
    inst.term()


@probe(needs=("gevent",))
def probe_wrap_plain_socket():
    gevent, gz = _g()
    plain = zmq.Context()
    p = plain.socket(zmq.PUSH)
    w = gz.Socket(p)
    rec(mask(repr(w)))
    rec(type(w).__name__)
    rec(w.underlying == p.underlying)
    sh = gz.Socket.shadow(p.underlying)
    rec(mask(repr(sh)))
    p.close()
    plain.term()


@probe(needs=("gevent",))
def probe_poller_repr():
    gevent, gz = _g()
    p = gz.Poller()
    rec(p)
    rec(type(p).__name__)


@probe(needs=("gevent",))
def probe_socket_class_of_context():
    gevent, gz = _g()
    ctx = gz.Context()
    rec(ctx._socket_class is gz.Socket)
    s = ctx.socket(zmq.PUB)
    rec(isinstance(s, gz.Socket))
    rec(isinstance(s, zmq.Socket))
    s2 = ctx.socket(zmq.PUB, socket_class=zmq.Socket)
    rec(type(s2).__name__)
    s.close()
    s2.close()
    ctx.term()


# -- cooperative send/recv --------------------------------------------------------------

@probe(needs=("gevent",))
def probe_send_recv_across_greenlets():
    gevent, gz = _g()
    ctx, a, b = _pair(gz)
    got = []
    r = gevent.spawn(lambda: got.append(b.recv()))
    gevent.sleep(0.01)
    rec(r.ready(), "receiver waiting")
    gevent.spawn(a.send, b"hello").join(1)
    r.join(2)
    rec(got)
    _close(ctx, a, b)


@probe(needs=("gevent",))
def probe_recv_blocks_only_its_greenlet():
    gevent, gz = _g()
    ctx, a, b = _pair(gz)
    ticks = []

    def ticker():
        for i in range(5):
            ticks.append(i)
            gevent.sleep(0.01)
        a.send(b"done")

    r = gevent.spawn(b.recv)
    t = gevent.spawn(ticker)
    r.join(3)
    t.join(1)
    rec(len(ticks))
    rec(r.value)
    _close(ctx, a, b)


@probe(needs=("gevent",))
def probe_tcp_req_rep_greenlets():
    gevent, gz = _g()
    ctx = gz.Context()
    rep = ctx.socket(zmq.REP)
    rep.linger = 0
    port = rep.bind_to_random_port("tcp://127.0.0.1")
    req = ctx.socket(zmq.REQ)
    req.linger = 0
    req.connect(f"tcp://127.0.0.1:{port}")

    def server():
        for _ in range(3):
            rep.send(rep.recv() + b"!")

    srv = gevent.spawn(server)
    out = []

    def client():
        for i in range(3):
            req.send(b"q%d" % i)
            out.append(req.recv())

    c = gevent.spawn(client)
    gevent.joinall([srv, c], timeout=3)
    rec(out)
    _close(ctx, rep, req)


@probe(needs=("gevent",))
def probe_noblock_again():
    gevent, gz = _g()
    ctx, a, b = _pair(gz)
    call(b.recv, zmq.NOBLOCK)
    call(b.recv_multipart, zmq.NOBLOCK)
    call(b.recv_string, zmq.DONTWAIT)
    call(b.recv_json, zmq.NOBLOCK)
    _close(ctx, a, b)


@probe(needs=("gevent",))
def probe_send_noblock_no_peer():
    gevent, gz = _g()
    ctx = gz.Context()
    s = ctx.socket(zmq.PUSH)
    s.linger = 0
    s.bind("inproc://green-nopeer")
    call(s.send, b"x", zmq.NOBLOCK)
    call(s.send_multipart, [b"a", b"b"], zmq.NOBLOCK)
    s.close()
    ctx.term()


@probe(needs=("gevent",))
def probe_multipart_string_json_pyobj():
    gevent, gz = _g()
    ctx, a, b = _pair(gz)
    a.send_multipart([b"a", b"", b"c"])
    call(b.recv_multipart)
    a.send_string("héllo")
    call(b.recv_string)
    a.send_json({"k": [1, 2]})
    call(b.recv_json)
    a.send_pyobj((1, "two"))
    call(b.recv_pyobj)
    a.send(b"part", zmq.SNDMORE)
    a.send(b"last")
    call(b.recv)
    rec(b.rcvmore)
    call(b.recv)
    rec(b.getsockopt(zmq.RCVMORE))
    a.send(b"frame")
    f = b.recv(copy=False)
    rec(type(f).__name__)
    rec(f.bytes)
    _close(ctx, a, b)


@probe(needs=("gevent",))
def probe_recv_into_and_track():
    gevent, gz = _g()
    ctx, a, b = _pair(gz)
    a.send(b"12345")
    buf = bytearray(3)
    call(b.recv_into, buf)
    rec(bytes(buf))
    t = call(a.send, b"x" * 100, copy=False, track=True)
    rec(type(t).__name__)
    call(b.recv)
    _close(ctx, a, b)


@probe(needs=("gevent",))
def probe_send_serialized():
    gevent, gz = _g()
    ctx, a, b = _pair(gz)
    call(a.send_serialized, "abc", lambda m: [m.encode(), b"x"])
    call(b.recv_serialized, lambda parts: [p.decode() for p in parts])
    _close(ctx, a, b)


@probe(needs=("gevent",))
def probe_many_greenlets_share_a_socket():
    gevent, gz = _g()
    ctx, a, b = _pair(gz)
    got = []
    rs = [gevent.spawn(lambda: got.append(b.recv())) for _ in range(5)]
    gevent.sleep(0.01)
    for i in range(5):
        a.send(b"%d" % i)
    gevent.joinall(rs, timeout=3)
    rec(sorted(got))
    _close(ctx, a, b)


@probe(needs=("gevent",))
def probe_send_blocks_at_hwm_then_goes():
    gevent, gz = _g()
    ctx = gz.Context()
    a = ctx.socket(zmq.PUSH)
    a.linger = 0
    a.sndhwm = 1
    a.bind("inproc://green-hwm")
    b = ctx.socket(zmq.PULL)
    b.linger = 0
    b.rcvhwm = 1
    b.connect("inproc://green-hwm")
    sent = []

    def sender():
        for i in range(10):
            a.send(b"%d" % i)
            sent.append(i)

    s = gevent.spawn(sender)
    gevent.sleep(0.05)
    rec(len(sent) < 10, "blocked")
    got = [b.recv() for _ in range(10)]
    s.join(2)
    rec(len(sent))
    rec(got[-1])
    _close(ctx, a, b)


# -- timeouts --------------------------------------------------------------------------------

@probe(needs=("gevent",))
def probe_rcvtimeo():
    gevent, gz = _g()
    ctx, a, b = _pair(gz)
    b.rcvtimeo = 100
    rec(b.rcvtimeo)
    t0 = time.monotonic()
    g = gevent.spawn(b.recv)
    g.join(1)
    rec(g.ready(), "recv ended")
    rec(type(g.exception).__name__ if g.ready() else None)
    rec(time.monotonic() - t0 < 0.9, "within a second")
    g.kill()
    _close(ctx, a, b)


@probe(needs=("gevent",))
def probe_sndtimeo():
    gevent, gz = _g()
    ctx = gz.Context()
    s = ctx.socket(zmq.DEALER)
    s.linger = 0
    s.sndtimeo = 100
    rec(s.getsockopt(zmq.SNDTIMEO))
    g = gevent.spawn(s.send, b"nobody")
    g.join(1)
    rec(g.ready(), "send ended")
    rec(type(g.exception).__name__ if g.ready() else None)
    g.kill()
    s.close()
    ctx.term()


@probe(needs=("gevent",))
def probe_socket_poll_timeout():
    gevent, gz = _g()
    ctx, a, b = _pair(gz)
    call(b.poll, 50)
    call(b.poll, 0)
    call(a.poll, 10, zmq.POLLOUT)
    a.send(b"x")
    gevent.sleep(0.01)
    call(b.poll, 100)
    call(b.poll, None)
    call(b.poll, 10, zmq.POLLIN | zmq.POLLOUT)
    _close(ctx, a, b)


@probe(needs=("gevent",))
def probe_poll_wakes_on_message():
    gevent, gz = _g()
    ctx, a, b = _pair(gz)
    g = gevent.spawn(b.poll, 2000)
    gevent.sleep(0.02)
    rec(g.ready())
    a.send(b"wake")
    g.join(1)
    rec(g.value)
    _close(ctx, a, b)


@probe(needs=("gevent",))
def probe_poller():
    gevent, gz = _g()
    ctx, a, b = _pair(gz)
    p = gz.Poller()
    p.register(b, zmq.POLLIN)
    p.register(a, zmq.POLLOUT)
    r = p.poll(50)
    rec(sorted(ev for _, ev in r))
    p.unregister(a)
    rec(p.poll(30))
    rec(p.poll(0))
    a.send(b"x")
    r = p.poll(500)
    rec([(s is b, ev) for s, ev in r])
    p.modify(b, zmq.POLLIN | zmq.POLLOUT)
    rec(len(p.sockets))
    call(p.unregister, a)
    _close(ctx, a, b)


@probe(needs=("gevent",))
def probe_poller_other_greenlet_runs():
    gevent, gz = _g()
    ctx, a, b = _pair(gz)
    p = gz.Poller()
    p.register(b, zmq.POLLIN)
    ran = []
    g = gevent.spawn(lambda: ran.append(1) or a.send(b"x"))
    r = p.poll(2000)
    rec(ran)
    rec(len(r))
    g.join(1)
    _close(ctx, a, b)


@probe(needs=("gevent",))
def probe_select():
    gevent, gz = _g()
    ctx, a, b = _pair(gz)
    r = gz.select([b], [a], [], 0.05)
    rec(([s is b for s in r[0]], [s is a for s in r[1]], r[2]))
    a.send(b"x")
    r = gz.select([b], [], [], 1)
    rec([s is b for s in r[0]])
    _close(ctx, a, b)


# -- close, term, context manager ----------------------------------------------------------------

@probe(needs=("gevent",))
def probe_close_then_use():
    gevent, gz = _g()
    ctx, a, b = _pair(gz)
    b.close()
    rec(b.closed)
    call(b.recv)
    call(b.send, b"x")
    call(b.poll, 10)
    call(b.close)
    a.close()
    ctx.term()


@probe(needs=("gevent",))
def probe_close_wakes_waiting_greenlet():
    gevent, gz = _g()
    ctx, a, b = _pair(gz)
    g = gevent.spawn(b.recv)
    gevent.sleep(0.02)
    b.close()
    g.join(2)
    rec(g.ready())
    rec(type(g.exception).__name__ if g.ready() else None)
    rec(getattr(g.exception, "errno", None))
    a.close()
    ctx.term()


@probe(needs=("gevent",))
def probe_context_managers():
    gevent, gz = _g()
    with gz.Context() as ctx:
        rec(type(ctx).__name__)
        with ctx.socket(zmq.PUSH) as s:
            rec(type(s).__name__)
            s.linger = 0
        rec(s.closed)
    rec(ctx.closed)


@probe(needs=("gevent",))
def probe_term_while_greenlet_waits():
    gevent, gz = _g()
    ctx = gz.Context()
    s = ctx.socket(zmq.PULL)
    s.linger = 0
    s.bind("inproc://green-term")
    out = []

    def waiter():
        try:
            s.recv()
        except zmq.ZMQError as e:
            out.append(type(e).__name__)
        s.close()

    g = gevent.spawn(waiter)
    gevent.sleep(0.02)
    t = gevent.spawn(ctx.term)
    gevent.joinall([g, t], timeout=3)
    rec(out)
    rec(ctx.closed)


@probe(needs=("gevent",))
def probe_get_set_options():
    gevent, gz = _g()
    ctx = gz.Context()
    s = ctx.socket(zmq.ROUTER)
    s.setsockopt(zmq.LINGER, 0)
    s.set(zmq.SNDHWM, 7)
    rec(s.get(zmq.SNDHWM))
    rec(s.getsockopt(zmq.LINGER))
    # (whether TYPE reads as an int or an enum is the plain socket's business: p_socket)
    rec(int(s.get(zmq.TYPE)))
    rec(type(s.get(zmq.TYPE)) is type(zmq.Socket.get(s, zmq.TYPE)))
    rec(s.socket_type)
    rec(s.get(zmq.EVENTS))
    call(s.setsockopt, 99999, 1)
    rec(isinstance(s.fd, int))
    s.close()
    ctx.term()


# -- green device / proxy ----------------------------------------------------------------------

@probe(needs=("gevent",))
def probe_green_device_forwards_while_others_run():
    gevent, gz = _g()
    ctx = gz.Context()
    front = ctx.socket(zmq.PULL)
    back = ctx.socket(zmq.PUSH)
    for s in (front, back):
        s.linger = 0
    front.bind("inproc://green-dev-in")
    back.bind("inproc://green-dev-out")
    cin = ctx.socket(zmq.PUSH)
    cout = ctx.socket(zmq.PULL)
    for s in (cin, cout):
        s.linger = 0
    cin.connect("inproc://green-dev-in")
    cout.connect("inproc://green-dev-out")
    dev = gevent.spawn(gz.device, zmq.STREAMER, front, back)
    gevent.sleep(0.01)
    cin.send(b"through green device")
    g = gevent.spawn(cout.recv)
    g.join(2)
    rec(g.value)
    dev.kill(block=True, timeout=1)
    rec(dev.ready())
    _close(ctx, front, back, cin, cout)


@probe(needs=("gevent",), timeout=3)
def probe_green_proxy_forwards_while_others_run():
    gevent, gz = _g()
    ctx = gz.Context()
    front = ctx.socket(zmq.PULL)
    back = ctx.socket(zmq.PUSH)
    for s in (front, back):
        s.linger = 0
    front.bind("inproc://green-proxy-in")
    back.bind("inproc://green-proxy-out")
    cin = ctx.socket(zmq.PUSH)
    cout = ctx.socket(zmq.PULL)
    for s in (cin, cout):
        s.linger = 0
    cin.connect("inproc://green-proxy-in")
    cout.connect("inproc://green-proxy-out")
    cin.send(b"through green proxy")
    px = gevent.spawn(gz.proxy, front, back)
    g = gevent.spawn(cout.recv)
    g.join(1)
    rec(g.value)
    px.kill(block=True, timeout=1)
    _close(ctx, front, back, cin, cout)


@probe(needs=("gevent",))
def probe_green_device_signature():
    gevent, gz = _g()
    rec(list(inspect.signature(gz.device).parameters))


@probe(needs=("gevent",))
def probe_green_device_bad_args():
    gevent, gz = _g()
    call(gz.device, zmq.QUEUE, "a", "b")
    call(gz.device, zmq.QUEUE)


# -- zmq.green.eventloop -------------------------------------------------------------------------

@probe(needs=("gevent", "tornado"))
def probe_eventloop_names():
    import zmq.green.eventloop as el
    rec(sorted(getattr(el, "__all__", [])))
    rec(hasattr(el, "IOLoop"))
    import tornado.ioloop
    rec(getattr(el, "IOLoop", None) is tornado.ioloop.IOLoop)
    rec(hasattr(el, "ioloop"))


@probe(needs=("gevent", "tornado"))
def probe_eventloop_ioloop_module():
    import zmq.green.eventloop.ioloop as io
    import zmq.eventloop.ioloop as io0
    for name in ("IOLoop", "ZMQIOLoop", "install", "PeriodicCallback", "TimeoutError"):
        rec(getattr(io, name, None) is getattr(io0, name, None), name)
    rec(hasattr(io, "__all__"))


@probe(needs=("gevent", "tornado"))
def probe_eventloop_zmqstream_module():
    import zmq.eventloop.zmqstream as zs0
    import zmq.green.eventloop.zmqstream as zs
    rec(sorted(getattr(zs, "__all__", [])))
    rec(zs.ZMQStream is zs0.ZMQStream)
    rec(issubclass(zs.ZMQStream, zs0.ZMQStream))
    rec(zs.ZMQStream.__module__)
    rec([p for p in inspect.signature(zs.ZMQStream).parameters])


@probe(needs=("gevent", "tornado"))
def probe_green_zmqstream_keeps_socket():
    gevent, gz = _g()
    import zmq.green.eventloop.zmqstream as zs
    plain = zmq.Context()
    s = plain.socket(zmq.PULL)
    st = zs.ZMQStream(s)
    rec(st.socket is s)
    st.close()
    gctx = gz.Context()
    gs = gctx.socket(zmq.PULL)
    st2 = zs.ZMQStream(gs)
    rec(st2.socket is gs)
    rec(type(st2.socket).__name__)
    st2.close()
    plain.term()
    gctx.term()


@probe(needs=("gevent",))
def probe_poller_with_fileno_object():
    import os
    gevent, gz = _g()
    r, w = os.pipe()
    with os.fdopen(r, "rb", buffering=0) as rf:
        p = gz.Poller()
        p.register(rf, zmq.POLLIN)
        rec(p.poll(20))
        gevent.spawn_later(0.05, os.write, w, b"!")
        res = p.poll(2000)
        rec([(fd == rf.fileno(), ev) for fd, ev in res])
    os.close(w)


@probe(needs=("gevent",))
def probe_green_socket_send_types():
    gevent, gz = _g()
    ctx, a, b = _pair(gz)
    call(a.send, "a str")
    call(a.send_string, b"bytes")
    call(a.send, memoryview(b"mv"))
    call(b.recv)
    call(a.send_multipart, [b"x", 5])
    _close(ctx, a, b)


@probe(needs=("gevent",))
def probe_green_context_socket_kwargs():
    gevent, gz = _g()
    ctx = gz.Context()
    ctx.linger = 0
    s = ctx.socket(zmq.PUB)
    rec(s.linger)
    call(ctx.socket, 12345)
    s.close()
    ctx.term()


# -- more gevent interplay -----------------------------------------------------------------------

@probe(needs=("gevent",))
def probe_gevent_timeout_interrupts_recv():
    gevent, gz = _g()
    ctx, a, b = _pair(gz)
    try:
        with gevent.Timeout(0.05):
            b.recv()
        rec("returned")
    except gevent.Timeout as e:
        rec(type(e).__name__)
    a.send(b"after timeout")
    call(b.recv)
    _close(ctx, a, b)


@probe(needs=("gevent",))
def probe_killed_greenlet_recv():
    gevent, gz = _g()
    ctx, a, b = _pair(gz)
    g = gevent.spawn(b.recv)
    gevent.sleep(0.01)
    g.kill(timeout=1)
    rec(g.dead)
    rec(type(g.value).__name__)
    a.send(b"next")
    h = gevent.spawn(b.recv)
    h.join(1)
    rec(h.value)
    _close(ctx, a, b)


@probe(needs=("gevent",))
def probe_socket_class_on_plain_context():
    gevent, gz = _g()
    ctx = zmq.Context()
    s = ctx.socket(zmq.PUSH, socket_class=gz.Socket)
    rec(type(s).__name__)
    rec(mask(repr(s)))
    s2 = gz.Socket(ctx, zmq.PULL)
    rec(type(s2).__name__)
    rec(type(s2.context).__name__)
    s.close()
    s2.close()
    ctx.term()


@probe(needs=("gevent",))
def probe_green_socket_context_attr():
    gevent, gz = _g()
    ctx = gz.Context()
    s = ctx.socket(zmq.PUSH)
    rec(s.context is ctx)
    rec(type(s.context).__name__)
    s.close()
    ctx.term()


@probe(needs=("gevent",))
def probe_green_monitor_socket():
    gevent, gz = _g()
    ctx = gz.Context()
    s = ctx.socket(zmq.PUSH)
    s.linger = 0
    m = s.get_monitor_socket()
    rec(type(m).__name__)
    s.bind("tcp://127.0.0.1:*")
    ev = gevent.spawn(m.recv_multipart)
    ev.join(2)
    rec(ev.ready())
    rec(len(ev.value) if ev.ready() and ev.value else None)
    s.disable_monitor()
    m.close()
    s.close()
    ctx.term()


@probe(needs=("gevent",))
def probe_green_io_threads_and_options():
    gevent, gz = _g()
    ctx = gz.Context(io_threads=2)
    rec(ctx.get(zmq.IO_THREADS))
    ctx.set(zmq.MAX_SOCKETS, 64)
    rec(ctx.get(zmq.MAX_SOCKETS))
    ctx.term()
    call(gz.Context, io_threads=-1)


@probe(needs=("gevent",))
def probe_green_destroy_with_open_sockets():
    gevent, gz = _g()
    ctx = gz.Context()
    socks = [ctx.socket(zmq.PUSH) for _ in range(3)]
    ctx.destroy(linger=0)
    rec([s.closed for s in socks])
    rec(ctx.closed)


@probe(needs=("gevent",))
def probe_green_unclosed_socket_gc():
    import gc
    gevent, gz = _g()
    ctx = gz.Context()
    s = ctx.socket(zmq.PUSH)
    del s
    gc.collect()
    ctx.term()
    rec(ctx.closed)


@probe(needs=("gevent",))
def probe_green_send_json_errors():
    gevent, gz = _g()
    ctx, a, b = _pair(gz)
    call(a.send_json, object())
    call(a.send_string, 5)
    call(a.send_pyobj, lambda: 1)
    a.send(b"not json")
    call(b.recv_json)
    _close(ctx, a, b)


@probe(needs=("gevent",))
def probe_green_poll_none_timeout_with_data():
    gevent, gz = _g()
    ctx, a, b = _pair(gz)
    a.send(b"x")
    gevent.sleep(0.01)
    call(b.poll, None)
    call(b.poll, -1)
    p = gz.Poller()
    p.register(b)
    rec([ev for _, ev in p.poll(None)])
    rec([ev for _, ev in p.poll(-1)])
    call(p.poll, "x")
    _close(ctx, a, b)


@probe(needs=("gevent",))
def probe_green_poller_mixed_plain_and_green():
    gevent, gz = _g()
    gctx, a, b = _pair(gz, addr="inproc://green-mixed")
    plain = zmq.Context()
    pa = plain.socket(zmq.PAIR)
    pb = plain.socket(zmq.PAIR)
    for s in (pa, pb):
        s.linger = 0
    pa.bind("inproc://plain-mixed")
    pb.connect("inproc://plain-mixed")
    p = gz.Poller()
    p.register(b, zmq.POLLIN)
    p.register(pb, zmq.POLLIN)
    gevent.spawn_later(0.02, pa.send, b"plain")
    r = p.poll(2000)
    rec([(s is pb, ev) for s, ev in r])
    pb.recv()
    gevent.spawn_later(0.02, a.send, b"green")
    r = p.poll(2000)
    rec([(s is b, ev) for s, ev in r])
    for s in (pa, pb):
        s.close()
    plain.term()
    _close(gctx, a, b)


@probe(needs=("gevent",))
def probe_green_subscribe_helpers():
    gevent, gz = _g()
    ctx = gz.Context()
    pub = ctx.socket(zmq.PUB)
    sub = ctx.socket(zmq.SUB)
    for s in (pub, sub):
        s.linger = 0
    pub.bind("inproc://green-ps")
    sub.connect("inproc://green-ps")
    sub.subscribe("to")
    sub.setsockopt_string(zmq.SUBSCRIBE, "b")
    gevent.sleep(0.01)
    pub.send(b"nothing")
    pub.send(b"topic")
    pub.send(b"bar")
    call(sub.recv)
    call(sub.recv)
    call(sub.recv, zmq.NOBLOCK)
    sub.unsubscribe("to")
    _close(ctx, pub, sub)


@probe(needs=("gevent",))
def probe_green_proxy_steerable_signature_and_terminate():
    gevent, gz = _g()
    ctx = gz.Context()
    front = ctx.socket(zmq.PULL)
    back = ctx.socket(zmq.PUSH)
    ctrl_in = ctx.socket(zmq.PAIR)
    ctrl_out = ctx.socket(zmq.PAIR)
    for s in (front, back, ctrl_in, ctrl_out):
        s.linger = 0
    front.bind("inproc://gps-in")
    back.bind("inproc://gps-out")
    ctrl_in.bind("inproc://gps-ctrl")
    ctrl_out.connect("inproc://gps-ctrl")
    ctrl_out.send(b"TERMINATE")
    gevent.sleep(0.01)
    g = gevent.spawn(gz.proxy_steerable, front, back, None, ctrl_in)
    g.join(2)
    rec(g.ready())
    rec(g.value)
    _close(ctx, front, back, ctrl_in, ctrl_out)


def _params(fn):
    out = []
    for p in inspect.signature(fn).parameters.values():
        default = None if p.default is inspect.Parameter.empty else p.default
        out.append((p.name, p.kind.name, default))
    return out


@probe(needs=("gevent",))
def probe_green_method_signatures():
    gevent, gz = _g()
    for name in ("recv", "recv_into", "poll", "get", "close", "send_string", "recv_string",
                 "send_json", "recv_json"):
        rec(_params(getattr(gz.Socket, name)), name)
    rec(_params(gz.Poller.poll), "Poller.poll")
    rec(_params(gz.Context.term), "Context.term")
    rec(_params(gz.select), "select")
    rec(_params(gz.zmq_poll), "zmq_poll")


@probe(needs=("gevent",))
def probe_green_device_ends_when_a_socket_closes():
    gevent, gz = _g()
    ctx = gz.Context()
    front = ctx.socket(zmq.ROUTER)
    back = ctx.socket(zmq.DEALER)
    for s in (front, back):
        s.linger = 0
    front.bind("inproc://gdc-in")
    back.bind("inproc://gdc-out")
    dev = gevent.spawn(gz.device, zmq.QUEUE, front, back)
    gevent.sleep(0.02)
    front.close()
    dev.join(2)
    rec(dev.ready())
    e = dev.exception
    rec((type(e).__name__, getattr(e, "errno", None)) if e is not None else dev.value)
    if not dev.ready():
        dev.kill(timeout=1)
    back.close()
    ctx.term()


@probe(needs=("gevent",))
def probe_green_device_req_rep_tcp():
    gevent, gz = _g()
    ctx = gz.Context()
    front = ctx.socket(zmq.ROUTER)
    back = ctx.socket(zmq.DEALER)
    for s in (front, back):
        s.linger = 0
    pf = front.bind_to_random_port("tcp://127.0.0.1")
    pb = back.bind_to_random_port("tcp://127.0.0.1")
    req = ctx.socket(zmq.REQ)
    rep = ctx.socket(zmq.REP)
    for s in (req, rep):
        s.linger = 0
    req.connect(f"tcp://127.0.0.1:{pf}")
    rep.connect(f"tcp://127.0.0.1:{pb}")
    dev = gevent.spawn(gz.device, zmq.QUEUE, front, back)

    def server():
        rep.send(rep.recv() + b" back")

    srv = gevent.spawn(server)
    req.send(b"there")
    g = gevent.spawn(req.recv)
    g.join(3)
    rec(g.value)
    srv.join(1)
    dev.kill(timeout=1)
    _close(ctx, front, back, req, rep)


@probe(needs=("gevent",))
def probe_green_recv_copy_false_track():
    gevent, gz = _g()
    ctx, a, b = _pair(gz)
    a.send(b"tracked")
    f = b.recv(copy=False, track=True)
    rec(type(f).__name__)
    rec(f.bytes)
    rec(type(f.tracker).__name__ if f.tracker is not None else None)
    a.send_multipart([b"1", b"2"])
    parts = b.recv_multipart(copy=False)
    rec([type(p).__name__ for p in parts])
    _close(ctx, a, b)


@probe(needs=("gevent",))
def probe_green_method_signatures_explicit():
    gevent, gz = _g()
    for name in ("send", "send_multipart", "recv_multipart", "set"):
        rec(_params(getattr(gz.Socket, name)), name)
