"""Probes of zmq.Socket: construction, reprs, closed sockets, options as attributes, endpoints."""
import copy

import zmq
from _probe import call, mask, probe, rec


def _ctx_sock(kind=zmq.PUSH):
    ctx = zmq.Context()
    s = ctx.socket(kind)
    s.linger = 0
    return ctx, s


@probe
def probe_ctor_positional_keyword():
    ctx = zmq.Context()
    s = zmq.Socket(ctx, zmq.PUSH)
    rec(s.socket_type)
    s.close()
    s = zmq.Socket(ctx, socket_type=zmq.PULL)
    rec(s.socket_type)
    s.close()
    call(zmq.Socket, ctx)
    call(zmq.Socket, ctx, 9999)
    call(zmq.Socket, None, zmq.PUSH)
    call(zmq.Socket, "ctx", zmq.PUSH)
    call(zmq.Socket, ctx, zmq.PUSH, 5)
    ctx.term()


@probe
def probe_ctor_copy_threshold():
    ctx = zmq.Context()
    s = zmq.Socket(ctx, zmq.PUSH, copy_threshold=5)
    rec(s.copy_threshold)
    s.close()
    s = zmq.Socket(ctx, zmq.PUSH)
    rec(s.copy_threshold)
    s.close()
    ctx.term()


@probe
def probe_shadow_socket_object():
    ctx, s = _ctx_sock()
    s2 = zmq.Socket(s)
    rec(s2.underlying == s.underlying)
    rec(s2.context is ctx)
    rec(type(s2).__name__)
    s3 = zmq.Socket(shadow=s.underlying)
    rec(s3.underlying == s.underlying)
    rec(s3.context)
    s4 = call(zmq.Socket, shadow=s)
    rec(s4 is not None and s4.underlying == s.underlying)
    s5 = zmq.Socket.shadow(s.underlying)
    rec(s5.underlying == s.underlying)
    rec(repr(s5) == repr(s5))
    s.close()
    ctx.term()


@probe
def probe_copy_socket():
    ctx, s = _ctx_sock()
    for fn in (copy.copy, copy.deepcopy):
        s2 = call(lambda: type(fn(s)))
        if s2 is not None:
            s2 = fn(s)
            rec(type(s2).__name__)
            rec(s2.underlying == s.underlying)
            rec(s2 is s)
            rec(s2.context)
            rec(s2.type)
    s.close()
    ctx.term()


@probe
def probe_shadow_socket_close_then_owner():
    ctx, s = _ctx_sock()
    s2 = zmq.Socket.shadow(s.underlying)
    s2.close()
    rec(s2.closed)
    rec(s.closed)
    call(s.get, zmq.LINGER)
    s.close()
    ctx.term()


@probe
def probe_repr_open_closed():
    ctx = zmq.Context()
    for kind in (zmq.PUSH, zmq.SUB, zmq.ROUTER, zmq.PAIR):
        s = ctx.socket(kind)
        rec(mask(repr(s)))
        s.close()
        rec(mask(repr(s)))
    ctx.term()


@probe
def probe_repr_subclass():
    class MySocket(zmq.Socket):
        pass

    ctx = zmq.Context()
    s = MySocket(ctx, zmq.REQ)
    rec(mask(repr(s)))
    s.close()
    rec(mask(repr(s)))
    ctx.term()


@probe
def probe_repr_bind_connect_result():
    ctx, s = _ctx_sock()
    r = s.bind("inproc://p_socket_repr")
    rec(mask(repr(r)))
    rec(type(r).__name__)
    c = s.connect("inproc://p_socket_repr2")
    rec(mask(repr(c)))
    rec(r.addr)
    rec(r.kind)
    rec(r.socket is s)
    rec(c.kind)
    s.close()
    rec(mask(repr(r)))
    ctx.term()


@probe
def probe_bind_wildcard_result_addr():
    ctx, s = _ctx_sock()
    r = s.bind("tcp://127.0.0.1:*")
    rec(r.addr.startswith("tcp://127.0.0.1:") and not r.addr.endswith("*"))
    rec(r.addr == s.last_endpoint.decode())
    s.close()
    ctx.term()


@probe
def probe_bind_context_manager():
    ctx, s = _ctx_sock(zmq.PULL)
    with s.bind("inproc://p_socket_cm") as x:
        rec(x is s)
        p = ctx.socket(zmq.PUSH)
        p.linger = 0
        call(p.connect, "inproc://p_socket_cm")
        p.close()
    call(s.unbind, "inproc://p_socket_cm")
    with s.connect("tcp://127.0.0.1:1") as y:
        rec(y is s)
    call(s.disconnect, "tcp://127.0.0.1:1")
    s.close()
    ctx.term()


@probe
def probe_context_manager_socket():
    ctx = zmq.Context()
    with ctx.socket(zmq.PUSH) as s:
        rec(s.closed)
    rec(s.closed)
    ctx.term()


@probe
def probe_closed_socket_methods():
    ctx, s = _ctx_sock()
    s.close()
    for name, args in [
        ("send", (b"x",)), ("recv", ()), ("send_multipart", ([b"x"],)), ("recv_multipart", ()),
        ("send_string", ("x",)), ("recv_string", ()), ("send_json", (1,)), ("recv_json", ()),
        ("send_pyobj", (1,)), ("recv_pyobj", ()), ("bind", ("inproc://x",)), ("connect", ("inproc://x",)),
        ("unbind", ("inproc://x",)), ("disconnect", ("inproc://x",)), ("get", (zmq.LINGER,)),
        ("set", (zmq.LINGER, 0)), ("getsockopt", (zmq.LINGER,)), ("setsockopt", (zmq.LINGER, 0)),
        ("get_hwm", ()), ("set_hwm", (5,)), ("poll", (0,)), ("monitor", ("inproc://m",)),
        ("get_monitor_socket", ()), ("disable_monitor", ()), ("fileno", ()), ("close", ()),
        ("subscribe", (b"",)), ("bind_to_random_port", ("tcp://127.0.0.1",)),
        ("recv_into", (bytearray(4),)), ("get_string", (zmq.LAST_ENDPOINT,)),
        ("set_string", (zmq.ROUTING_ID, "x")), ("join", ("g",)),
    ]:
        rec(name)
        call(getattr(s, name), *args)
    rec(s.closed)
    call(getattr, s, "linger")
    call(getattr, s, "socket_type")
    call(getattr, s, "hwm")
    call(getattr, s, "rcvmore")
    rec(s.underlying)
    ctx.term()


@probe
def probe_closed_socket_set_attr():
    ctx, s = _ctx_sock()
    s.close()
    call(setattr, s, "linger", 0)
    call(setattr, s, "hwm", 1)
    ctx.term()


@probe
def probe_get_set_variants():
    ctx, s = _ctx_sock(zmq.SUB)
    call(s.set, zmq.LINGER, 5)
    call(s.get, zmq.LINGER)
    call(s.setsockopt, zmq.LINGER, 6)
    call(s.getsockopt, zmq.LINGER)
    call(s.set, zmq.SUBSCRIBE, b"a")
    call(s.set, zmq.SUBSCRIBE, "a")
    call(s.setsockopt_string, zmq.SUBSCRIBE, "b")
    call(s.set_string, zmq.ROUTING_ID, "id\u00e9")
    call(s.get_string, zmq.ROUTING_ID)
    call(s.getsockopt_string, zmq.ROUTING_ID)
    call(s.getsockopt_unicode, zmq.ROUTING_ID)
    call(s.setsockopt_unicode, zmq.ROUTING_ID, "u")
    call(s.get, zmq.ROUTING_ID)
    call(s.set_string, zmq.ROUTING_ID, b"bytes")
    call(s.get_string, zmq.LINGER)
    call(s.set_string, zmq.ROUTING_ID, "x", encoding="latin-1")
    call(s.get, 99999)
    call(s.set, 99999, 1)
    call(s.set, zmq.LINGER, "x")
    call(s.set, zmq.LINGER, 1.5)
    call(s.set, zmq.LINGER, None)
    call(s.set, zmq.ROUTING_ID, 5)
    call(s.set, "LINGER", 0)
    call(s.get, "LINGER")
    call(s.set, zmq.LINGER, 2**40)
    call(s.set, zmq.MAXMSGSIZE, 2**40)
    call(s.get, zmq.MAXMSGSIZE)
    call(s.get, zmq.EVENTS)
    call(s.get, zmq.RCVMORE)
    call(s.get, zmq.LAST_ENDPOINT)
    call(s.get, zmq.MECHANISM)
    s.close()
    ctx.term()


@probe
def probe_hwm_variants():
    ctx, s = _ctx_sock()
    call(s.get_hwm)
    call(s.set_hwm, 50)
    rec([s.sndhwm, s.rcvhwm, s.hwm])
    s.hwm = 60
    rec([s.sndhwm, s.rcvhwm, s.get_hwm()])
    s.sndhwm = 10
    rec([s.hwm, s.get_hwm()])
    call(s.set, zmq.HWM, 7)
    rec([s.sndhwm, s.rcvhwm])
    call(s.get, zmq.HWM)
    call(getattr, s, "HWM")
    call(s.set_hwm, "x")
    s.close()
    ctx.term()


@probe
def probe_option_attributes_read():
    ctx, s = _ctx_sock(zmq.DEALER)
    for name in ("linger", "LINGER", "sndhwm", "rcvtimeo", "routing_id", "identity", "rcvmore", "events",
                 "type", "mechanism", "last_endpoint", "immediate", "ipv6", "ipv4only", "affinity",
                 "maxmsgsize", "reconnect_ivl", "backlog", "tcp_keepalive", "curve_server", "plain_server",
                 "zap_domain", "socks_proxy", "thread_safe", "tos", "handshake_ivl", "heartbeat_ivl",
                 "delay_attach_on_connect", "connect_timeout", "multicast_hops", "rate", "sndbuf", "rcvbuf",
                 "use_fd", "bindtodevice", "gssapi_server", "vmci_buffer_size", "router_mandatory"):
        rec(name)
        call(getattr, s, name)
    rec(type(s.fd).__name__)
    rec(s.fd == s.fileno())
    s.close()
    ctx.term()


@probe
def probe_option_attributes_mixed_case():
    ctx, s = _ctx_sock()
    s.linger = 3
    for name in ("Linger", "Sndhwm", "Last_Endpoint", "Last_endpoint", "Rcvmore"):
        call(getattr, s, name)
    s.close()
    ctx.term()


@probe
def probe_option_attributes_odd_case():
    ctx, s = _ctx_sock()
    s.linger = 3
    for name in ("LiNgEr", "rcvMore", "RcvMore", "lAST_ENDPOINT"):
        call(getattr, s, name)
    s.close()
    ctx.term()


@probe
def probe_get_type_is_enum():
    ctx, s = _ctx_sock(zmq.SUB)
    call(s.get, zmq.TYPE)
    call(s.getsockopt, zmq.TYPE)
    call(getattr, s, "TYPE")
    call(getattr, s, "Type")
    s.close()
    ctx.term()


@probe
def probe_set_unsigned_negative():
    ctx, s = _ctx_sock()
    call(s.set, zmq.AFFINITY, -1)
    rec(s.affinity)
    s.close()
    ctx.term()


@probe
def probe_option_attributes_write_only():
    ctx, s = _ctx_sock(zmq.SUB)
    for name in ("subscribe", "SUBSCRIBE", "unsubscribe", "hwm", "HWM", "router_mandatory", "xpub_verbose",
                 "probe_router", "req_relaxed", "conflate", "tcp_accept_filter", "connect_routing_id",
                 "blocky", "metadata"):
        rec(name)
        call(getattr, s, name)
    s.close()
    ctx.term()


@probe
def probe_curve_key_attributes():
    ctx, s = _ctx_sock()
    for name in ("curve_publickey", "curve_secretkey", "curve_serverkey"):
        call(getattr, s, name)
        call(s.get, getattr(zmq, name.upper()))
    s.close()
    ctx.term()


@probe
def probe_option_attributes_write():
    ctx, s = _ctx_sock(zmq.SUB)
    s.linger = 1
    s.LINGER = 2
    rec(s.linger)
    s.Linger = 3
    rec(s.linger)
    s.lInGeR = 4
    rec(s.get(zmq.LINGER))
    s.subscribe = b"top"
    s.unsubscribe = b"top"
    s.identity = b"me"
    rec(s.routing_id)
    s.rcvtimeo = 10
    rec(s.RCVTIMEO)
    call(setattr, s, "linger", "x")
    call(setattr, s, "identity", 5)
    call(setattr, s, "identity", "str")
    call(setattr, s, "rcvmore", 1)
    call(setattr, s, "last_endpoint", b"")
    call(setattr, s, "events", 1)
    s.close()
    ctx.term()


@probe
def probe_option_attribute_unknown_set():
    ctx, s = _ctx_sock()
    call(setattr, s, "lingr", 0)
    call(setattr, s, "foo", 1)
    call(setattr, s, "_private", 1)
    call(getattr, s, "_private")
    call(setattr, s, "Foo", 1)
    call(getattr, s, "lingr")
    call(getattr, s, "foo")
    call(setattr, s, "copy_threshold", 7)
    rec(s.copy_threshold)
    call(setattr, s, "context", s.context)
    call(setattr, s, "closed", True)
    call(setattr, s, "underlying", 0)
    call(setattr, s, "send", None)
    s.close()
    ctx.term()


@probe
def probe_option_attribute_unknown_messages():
    ctx, s = _ctx_sock()
    for name in ("lingr", "_private", "foo", "Lingr"):
        try:
            setattr(s, name, 0)
        except AttributeError as e:
            rec(str(e))
    s.close()
    ctx.term()


@probe
def probe_option_attribute_delete():
    ctx, s = _ctx_sock()
    call(delattr, s, "linger")
    call(delattr, s, "foo")
    call(delattr, s, "LINGER")
    rec(s.linger)
    s.close()
    ctx.term()


@probe
def probe_subclass_sets_attr_in_init():
    class S1(zmq.Socket):
        def __init__(self, *a, **kw):
            super().__init__(*a, **kw)
            self.extra = 1

    class S2(zmq.Socket):
        extra = None

        def __init__(self, *a, **kw):
            super().__init__(*a, **kw)
            self.extra = 2

    class S3(zmq.Socket):
        extra = None

        def __init__(self, *a, **kw):
            self.extra = 3
            super().__init__(*a, **kw)

    class S4(zmq.Socket):
        def __init__(self, *a, **kw):
            super().__init__(*a, **kw)
            self._x = 4

    ctx = zmq.Context()
    for cls in (S1, S2, S3, S4):
        s = call(cls, ctx, zmq.PUSH)
        if s is not None:
            rec([getattr(s, "extra", None), getattr(s, "_x", None)])
            s.extra = 9
            rec(s.extra)
            s.close()
    ctx.term()


@probe
def probe_subclass_linger_property_override():
    class S(zmq.Socket):
        @property
        def linger(self):
            return "mine"

    ctx = zmq.Context()
    s = S(ctx, zmq.PUSH)
    rec(s.linger)
    rec(s.LINGER)
    call(setattr, s, "linger", 0)
    s.close()
    ctx.term()


@probe
def probe_dir_socket():
    ctx, s = _ctx_sock()
    d = dir(s)
    for name in ("LINGER", "linger", "HWM", "hwm", "SUBSCRIBE", "subscribe", "send", "recv", "socket_type",
                 "IDENTITY", "identity", "fd", "FD", "TYPE", "context", "copy_threshold", "Linger"):
        rec([name, name in d])
    s.close()
    ctx.term()


@probe
def probe_type_attribute():
    ctx, s = _ctx_sock()
    rec(s.type)
    rec("type" in dir(s))
    call(setattr, s, "type", 1)
    rec(s.type)
    s.close()
    rec(s.type)
    ctx.term()


@probe
def probe_dir_getattr_all_work():
    ctx = zmq.Context()
    for kind in (zmq.PUSH, zmq.SUB, zmq.ROUTER):
        s = ctx.socket(kind)
        kinds = {}
        for name in dir(s):
            try:
                getattr(s, name)
            except AttributeError:
                pass
            except Exception as e:
                kinds.setdefault(type(e).__name__, []).append(name)
        rec(kinds)
        s.close()
    ctx.term()


@probe
def probe_mock_spec_socket():
    from unittest import mock

    ctx, s = _ctx_sock()
    m = call(lambda: mock.Mock(spec=s) and "made")
    if m is not None:
        m = mock.Mock(spec=s)
        rec(callable(m.send))
        call(getattr, m, "nonexistent")
    s.close()
    ctx.term()


@probe
def probe_inspect_getmembers_socket():
    import inspect

    ctx, s = _ctx_sock()
    members = call(lambda: "send" in [n for n, _ in inspect.getmembers(s)])
    s.close()
    ctx.term()


@probe
def probe_mock_spec_context():
    import inspect
    from unittest import mock

    ctx = zmq.Context()
    m = call(lambda: mock.Mock(spec=ctx) and "made")
    if m is not None:
        m = mock.Mock(spec=ctx)
        rec(callable(m.socket))
    rec(call(lambda: "socket" in [n for n, _ in inspect.getmembers(ctx)]))
    ctx.term()


@probe
def probe_socket_type_property():
    ctx = zmq.Context()
    for kind in (zmq.PAIR, zmq.PUB, zmq.SUB, zmq.REQ, zmq.REP, zmq.DEALER, zmq.ROUTER, zmq.PULL, zmq.PUSH,
                 zmq.XPUB, zmq.XSUB, zmq.STREAM):
        s = ctx.socket(kind)
        rec(s.socket_type)
        rec(s.type)
        s.close()
    ctx.term()


@probe
def probe_underlying():
    ctx, s = _ctx_sock()
    rec(type(s.underlying).__name__)
    rec(s.underlying != 0)
    s.close()
    rec(s.underlying)
    ctx.term()


@probe
def probe_bind_to_random_port_default():
    ctx, s = _ctx_sock()
    port = s.bind_to_random_port("tcp://127.0.0.1")
    rec(type(port).__name__)
    rec(49152 <= port < 65536)
    rec(s.last_endpoint.decode().endswith(f":{port}"))
    s.close()
    ctx.term()


@probe
def probe_bind_to_random_port_range():
    ctx, s = _ctx_sock()
    port = s.bind_to_random_port("tcp://127.0.0.1", min_port=20000, max_port=20100)
    rec(20000 <= port < 20100)
    port = s.bind_to_random_port("tcp://127.0.0.1", 20100, 20200, 50)
    rec(20100 <= port < 20200)
    s.close()
    ctx.term()


@probe
def probe_bind_to_random_port_errors():
    ctx, s = _ctx_sock()
    call(s.bind_to_random_port, "tcp://127.0.0.1", min_port=20000, max_port=20000)
    call(s.bind_to_random_port, "tcp://127.0.0.1", max_tries=0, min_port=20000, max_port=20010)
    call(s.bind_to_random_port, "inproc://x")
    call(s.bind_to_random_port, "tcp://999.0.0.1")
    call(s.bind_to_random_port, "tcp://127.0.0.1:5")
    call(s.bind_to_random_port, "nope://127.0.0.1")
    port = call(lambda: type(s.bind_to_random_port("tcp://127.0.0.1", min_port=70000, max_port=70010, max_tries=3)))
    s.close()
    ctx.term()


@probe
def probe_bind_to_random_port_taken():
    ctx, s = _ctx_sock()
    other = ctx.socket(zmq.PULL)
    other.linger = 0
    port = other.bind_to_random_port("tcp://127.0.0.1", 21000, 21001)
    rec(port)
    call(s.bind_to_random_port, "tcp://127.0.0.1", 21000, 21001, 3)
    other.close()
    s.close()
    ctx.term()


@probe
def probe_monitor_socket():
    ctx, s = _ctx_sock()
    m = s.get_monitor_socket()
    rec(type(m).__name__)
    rec(m.socket_type)
    m2 = s.get_monitor_socket()
    rec(m2 is m)
    s.bind("tcp://127.0.0.1:*")
    rec(m.poll(2000))
    from zmq.utils.monitor import recv_monitor_message

    ev = recv_monitor_message(m)
    rec(ev["event"])
    call(s.disable_monitor)
    rec(m.closed)
    call(s.disable_monitor)
    m.close()
    s.close()
    ctx.term()


@probe
def probe_monitor_events_arg():
    ctx, s = _ctx_sock()
    m = s.get_monitor_socket(zmq.EVENT_LISTENING)
    s.bind("tcp://127.0.0.1:*")
    rec(m.poll(2000))
    from zmq.utils.monitor import recv_monitor_message

    rec(recv_monitor_message(m)["event"])
    s.disable_monitor()
    m.close()
    call(s.monitor, "inproc://p_socket_mon", zmq.EVENT_ALL)
    call(s.monitor, None)
    call(s.monitor, "tcp://127.0.0.1:1")
    call(s.monitor, 5)
    s.close()
    ctx.term()


@probe
def probe_monitor_addr_arg():
    ctx, s = _ctx_sock()
    m = s.get_monitor_socket(addr="inproc://p_socket_named_monitor")
    rec(m.last_endpoint)
    s.disable_monitor()
    m.close()
    s.close()
    ctx.term()


@probe
def probe_poll_method():
    ctx = zmq.Context()
    a = ctx.socket(zmq.PAIR)
    b = ctx.socket(zmq.PAIR)
    a.bind("inproc://p_socket_poll")
    b.connect("inproc://p_socket_poll")
    call(a.poll, 0)
    call(a.poll, 0, zmq.POLLOUT)
    b.send(b"x")
    call(a.poll, 1000)
    call(a.poll, None)
    call(a.poll, 10, zmq.POLLIN | zmq.POLLOUT)
    call(a.poll, -1)
    call(a.poll, 1.5)
    call(a.poll, "x")
    a.close()
    b.close()
    ctx.term()


@probe
def probe_send_recv_basic_types():
    ctx = zmq.Context()
    a = ctx.socket(zmq.PAIR)
    b = ctx.socket(zmq.PAIR)
    a.bind("inproc://p_socket_sr")
    b.connect("inproc://p_socket_sr")
    a.rcvtimeo = b.rcvtimeo = 2000
    call(b.send, b"x")
    call(a.recv)
    call(b.send, "str")
    call(b.send, memoryview(b"mv"))
    call(a.recv)
    call(b.send, 5)
    call(b.send_string, "s")
    call(a.recv_string)
    call(b.send_multipart, [b"a", b"b"])
    call(a.recv_multipart)
    fr = call(b.send, b"t", copy=False, track=True)
    call(a.recv, copy=False)
    call(b.send, b"x", zmq.SNDMORE)
    call(b.send, b"y")
    call(a.recv_multipart)
    a.close()
    b.close()
    ctx.term()


@probe
def probe_context_attribute():
    ctx, s = _ctx_sock()
    rec(s.context is ctx)
    s.close()
    rec(s.context is ctx)
    ctx.term()


@probe
def probe_join_leave_non_dish():
    ctx, s = _ctx_sock()
    call(s.join, "g")
    call(s.leave, "g")
    s.close()
    ctx.term()


@probe
def probe_socket_gc_unclosed():
    import gc

    ctx = zmq.Context()
    s = ctx.socket(zmq.PUSH)
    del s
    gc.collect()
    rec("collected")
    ctx.term()


@probe
def probe_socket_hash_eq():
    ctx, s = _ctx_sock()
    s2 = zmq.Socket(s)
    rec(s == s2)
    rec(s == s)
    rec(len({s, s2}))
    s.close()
    ctx.term()


@probe
def probe_socket_pickle():
    import pickle

    ctx, s = _ctx_sock()
    call(pickle.dumps, s)
    s.close()
    ctx.term()


@probe
def probe_signatures():
    import inspect

    for fn in (zmq.Socket.bind_to_random_port, zmq.Socket.get_monitor_socket, zmq.Socket.set_string,
               zmq.Socket.get_string, zmq.Socket.close, zmq.Socket.poll, zmq.Socket.monitor,
               zmq.Context.socket, zmq.Context.instance, zmq.Context.destroy, zmq.Context.term,
               zmq.Poller.poll, zmq.Poller.register, zmq.select):
        sig = inspect.signature(fn)
        rec([fn.__name__, [(p.name, p.kind.name, repr(p.default) if p.default is not p.empty else None)
                            for p in sig.parameters.values()]])


@probe
def probe_tcp_port_out_of_range():
    ctx, s = _ctx_sock(zmq.PULL)
    for addr in ("tcp://127.0.0.1:99999", "tcp://127.0.0.1:-1", "tcp://[::1]:70000;127.0.0.1:5555"):
        try:
            s.bind(addr)
        except zmq.ZMQError as e:
            rec(["bind", addr, e.errno])
        else:
            rec(["bind", addr, "bound", s.last_endpoint != b""])
            s.unbind(s.last_endpoint)
    p = ctx.socket(zmq.PUSH)
    p.linger = 0
    for addr in ("tcp://127.0.0.1:99999", "tcp://localhost:5555;127.0.0.1:99999"):
        try:
            p.connect(addr)
        except zmq.ZMQError as e:
            rec(["connect", addr, e.errno])
        else:
            rec(["connect", addr, "connected"])
    try:
        port = s.bind_to_random_port("tcp://127.0.0.1", min_port=70000, max_port=70010)
    except zmq.ZMQError as e:
        rec(["random", e.errno])
    else:
        rec(["random", "bound", port > 65535])
    p.close()
    s.close()
    ctx.term()
