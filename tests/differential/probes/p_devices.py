"""Probes of zmq.devices: the device classes, their configuration, and messages through them.

Thread devices are stopped by terminating their context (``zmq.Context.instance()`` for
pyzmq's thread devices) or with a steerable proxy's TERMINATE; every wait is bounded.
Only bools and counts are recorded about ports, never port numbers.

No probe sleeps until a device is up. Clients may connect to a device's inproc endpoints
before it binds them (libzmq queues the pending connection, and attaches it, with its
routing id and subscriptions, when the device binds), so those that need the device's peers
known at once (a ROUTER routing to a worker, a PUB monitor) connect before ``start()``.
Otherwise a message through the device is the sign that it runs; over tcp a SUB is known
to be subscribed once a monitor copy has reached it (``_subscribed``).
"""
import inspect
import socket
import threading

import zmq
import zmq.devices as D
from _probe import call, probe, rec

CLASSES = ["Device", "ThreadDevice", "ProcessDevice", "Proxy", "ThreadProxy", "ProcessProxy",
           "ProxySteerable", "ThreadProxySteerable", "ProcessProxySteerable",
           "MonitoredQueue", "ThreadMonitoredQueue", "ProcessMonitoredQueue"]


def _params(fn):
    """Parameter names, kinds and defaults of ``fn`` (annotations left out)."""
    out = []
    for p in inspect.signature(fn).parameters.values():
        default = None if p.default is inspect.Parameter.empty else p.default
        out.append((p.name, p.kind.name, default))
    return out


def _free_base(n):
    """A port such that ``n`` ports from it are free on 127.0.0.1 (checked with the stdlib)."""
    for _ in range(50):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        base = s.getsockname()[1]
        s.close()
        if base + n >= 65535:
            continue
        ok = True
        for p in range(base, base + n):
            t = socket.socket()
            try:
                t.bind(("127.0.0.1", p))
            except OSError:
                ok = False
            finally:
                t.close()
        if ok:
            return base
    raise RuntimeError("no free port range")


def _port(fn, *args, **kwargs):
    """Call a bind_*_to_random_port; record whether it gave an int port, or what it raised."""
    try:
        port = fn(*args, **kwargs)
    except Exception as e:  # noqa: BLE001 - the exception is the observation
        rec(e)
        return None
    rec(isinstance(port, int), "int port")
    return port


def _client(ctx, kind, addr, connect=True, opts=None):
    s = ctx.socket(kind)
    s.linger = 0
    s.rcvtimeo = 2000
    s.sndtimeo = 2000
    for k, v in (opts or {}).items():
        s.setsockopt(k, v)
    (s.connect if connect else s.bind)(addr)
    return s


def _through(ctx, in_addr, out_addr):
    """Put one message through a PULL->PUSH device from a PUSH at ``in_addr`` to a PULL at
    ``out_addr`` (clients of ``ctx``, closed again): the event that the device runs. Records
    what arrived."""
    push = _client(ctx, zmq.PUSH, in_addr)
    pull = _client(ctx, zmq.PULL, out_addr)
    call(push.send, b"up?")
    call(pull.recv)
    push.close()
    pull.close()


def _subscribed(sub, exchange, rounds=40):
    """Repeat ``exchange(i)`` until ``sub`` receives a copy ending in ``b"warm-%d" % i``.

    ``exchange(i)`` sends unrecorded traffic through a device whose monitor ``sub`` reads,
    its last monitor copy ending in that mark. A copy arriving means the subscription has
    reached the device; the copies are read and dropped, up to the last one of the round
    that came through (later rounds' copies follow it in order, so none is left behind).
    """
    for i in range(rounds):
        exchange(i)
        mark = b"warm-%d" % i
        while sub.poll(100):
            if sub.recv_multipart()[-1] == mark:
                return True
    return False


def _stop_instance(dev, *socks):
    """Close the clients (of the instance context) and terminate it: ends the device."""
    for s in socks:
        s.close(linger=0)
    t = threading.Thread(target=zmq.Context.instance().term, daemon=True)
    t.start()
    t.join(3)
    rec(t.is_alive(), "term hung")
    dev.join(3)
    rec(dev.launcher.is_alive(), "alive after stop")


# -- the classes ----------------------------------------------------------------------------

@probe
def probe_module_all():
    rec(sorted(D.__all__))
    rec(sorted(n for n in dir(D) if not n.startswith("_") and n[0].isupper()))


@probe
def probe_submodule_all():
    import zmq.devices.basedevice as b
    import zmq.devices.monitoredqueuedevice as m
    import zmq.devices.proxydevice as p
    for mod in (b, m, p):
        rec(sorted(getattr(mod, "__all__", [])))


@probe
def probe_namespace_extras():
    import zmq.devices.proxysteerabledevice as ps
    rec(sorted(ps.__all__))
    rec(D.ThreadProxySteerable.__module__)
    rec(D.ThreadMonitoredQueue.__module__)
    rec(D.ThreadDevice.__module__)
    rec(D.ThreadProxy.__module__)
    rec(getattr(D, "proxy", None) is zmq.proxy)
    rec(D.DeviceType is zmq.DeviceType)


@probe
def probe_monitored_queue_module():
    import zmq.devices.monitoredqueue as mq
    rec(callable(mq.monitored_queue))
    rec(D.monitored_queue is mq.monitored_queue)


@probe
def probe_class_mro():
    for name in CLASSES:
        rec([c.__name__ for c in getattr(D, name).__mro__], name)


@probe
def probe_class_isinstance():
    rec(issubclass(D.ProxySteerable, D.Proxy))
    rec(issubclass(D.MonitoredQueue, D.Proxy))
    rec(issubclass(D.ThreadMonitoredQueue, D.ThreadProxy))
    rec(issubclass(D.ThreadProxySteerable, D.ThreadProxy))
    rec(issubclass(D.ProcessMonitoredQueue, D.ProcessProxy))
    rec(issubclass(D.ThreadProxy, D.ThreadDevice))
    rec(issubclass(D.ProcessDevice, D.ThreadDevice))


@probe
def probe_constructor_params():
    for name in CLASSES:
        rec(_params(getattr(D, name)), name)


@probe
def probe_method_params():
    d = D.ThreadProxySteerable(zmq.PULL, zmq.PUSH)
    for m in ("bind_in", "connect_out", "setsockopt_in", "bind_in_to_random_port", "bind_mon",
              "bind_ctrl_to_random_port", "setsockopt_ctrl", "join", "start", "run", "run_device"):
        rec([(n, k) for n, k, _ in _params(getattr(d, m))], m)


@probe
def probe_method_names():
    for name in CLASSES:
        cls = getattr(D, name)
        rec(sorted(n for n in dir(cls) if not n.startswith("_")), name)


@probe
def probe_context_factory():
    for name in CLASSES:
        rec(getattr(D, name).context_factory, name)


@probe
def probe_launcher_class_attr():
    for name in CLASSES:
        rec(getattr(getattr(D, name), "launcher", "none"), name)


@probe
def probe_attributes_after_init():
    d = D.Device(zmq.QUEUE, zmq.ROUTER, zmq.DEALER)
    rec(d.device_type)
    rec(d.in_type)
    rec(d.out_type)
    rec(d.daemon)
    rec(d.done)
    rec(hasattr(d, "launcher"))
    rec(hasattr(d, "_context"))


@probe
def probe_types_not_enums():
    d = D.Device(99, 1234, -1)
    rec((d.device_type, d.in_type, d.out_type))
    d = D.Device("x", "y", "z")
    rec((d.device_type, d.in_type, d.out_type))
    d = D.ThreadDevice(zmq.FORWARDER, zmq.SUB, zmq.PUB)
    rec((d.device_type, d.in_type, d.out_type))


@probe
def probe_proxy_attributes():
    p = D.Proxy(zmq.PULL, zmq.PUSH)
    rec((p.device_type, p.in_type, p.out_type, p.mon_type))
    p = D.ProxySteerable(zmq.PULL, zmq.PUSH)
    rec((p.mon_type, getattr(p, "ctrl_type", "missing")))
    p = D.ThreadProxySteerable(zmq.PULL, zmq.PUSH, zmq.PUSH, zmq.REP)
    rec((p.mon_type, p.ctrl_type))
    p = D.ThreadProxy(in_type=zmq.ROUTER, out_type=zmq.DEALER, mon_type=zmq.PAIR)
    rec((p.in_type, p.out_type, p.mon_type))


@probe
def probe_monitored_queue_attributes():
    q = D.MonitoredQueue(zmq.ROUTER, zmq.DEALER)
    rec((q.mon_type, q.in_prefix, q.out_prefix))
    q = D.ThreadMonitoredQueue(zmq.ROUTER, zmq.DEALER, zmq.PUB, "a", "b")
    rec((q.in_prefix, q.out_prefix))
    q = D.ThreadMonitoredQueue(zmq.ROUTER, zmq.DEALER, in_prefix=b"x", out_prefix=b"y")
    rec((q.in_prefix, q.out_prefix))


@probe
def probe_missing_types():
    call(D.Device)
    call(D.Device, zmq.QUEUE)
    call(D.Device, zmq.QUEUE, zmq.PULL)
    call(D.Device, zmq.QUEUE, out_type=zmq.PULL)
    call(D.ThreadDevice, zmq.QUEUE, None, zmq.PUSH)
    call(D.Proxy, zmq.PULL)
    call(D.ProxySteerable)
    call(D.MonitoredQueue, zmq.ROUTER)
    call(D.Device, zmq.QUEUE, zmq.PULL, zmq.PUSH, 5)


@probe
def probe_configuration_calls():
    d = D.ThreadProxySteerable(zmq.PULL, zmq.PUSH)
    for m in ("bind_in", "bind_out", "connect_in", "connect_out", "bind_mon", "connect_mon",
              "bind_ctrl", "connect_ctrl"):
        call(getattr(d, m), "inproc://x")
    for m in ("setsockopt_in", "setsockopt_out", "setsockopt_mon", "setsockopt_ctrl"):
        call(getattr(d, m), zmq.LINGER, 0)
    call(d.bind_in, 5)
    call(d.setsockopt_in, "x", 5)
    call(d.bind_in)


@probe
def probe_join_before_start():
    d = D.ThreadDevice(zmq.QUEUE, zmq.PULL, zmq.PUSH)
    call(d.join, 0.01)
    p = D.ProcessDevice(zmq.QUEUE, zmq.PULL, zmq.PUSH)
    call(p.join, 0.01)


# -- bind_*_to_random_port ------------------------------------------------------------------

@probe
def probe_random_port_distinct_until_exhausted():
    base = _free_base(3)
    d = D.ThreadDevice(zmq.QUEUE, zmq.PULL, zmq.PUSH)
    got = []
    for _ in range(3):
        got.append(_port(d.bind_in_to_random_port, "tcp://127.0.0.1", min_port=base, max_port=base + 3, max_tries=100))
    rec(len(set(got)), "distinct")
    rec(all(isinstance(p, int) and base <= p < base + 3 for p in got), "in range")
    _port(d.bind_in_to_random_port, "tcp://127.0.0.1", min_port=base, max_port=base + 3, max_tries=100)


@probe
def probe_random_port_shared_between_sockets():
    base = _free_base(2)
    d = D.ThreadProxy(zmq.PULL, zmq.PUSH)
    a = _port(d.bind_in_to_random_port, "tcp://127.0.0.1", base, base + 2, 100)
    b = _port(d.bind_out_to_random_port, "tcp://127.0.0.1", base, base + 2, 100)
    rec(a != b)
    _port(d.bind_mon_to_random_port, "tcp://127.0.0.1", base, base + 2, 100)


@probe
def probe_random_port_per_device():
    base = _free_base(1)
    d1 = D.ThreadDevice(zmq.QUEUE, zmq.PULL, zmq.PUSH)
    d2 = D.ThreadDevice(zmq.QUEUE, zmq.PULL, zmq.PUSH)
    a = _port(d1.bind_in_to_random_port, "tcp://127.0.0.1", base, base + 1)
    b = _port(d2.bind_in_to_random_port, "tcp://127.0.0.1", base, base + 1)
    rec(a == b == base)


@probe
def probe_random_port_busy_port_skipped():
    base = _free_base(2)
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", base))
    blocker.listen()
    try:
        d = D.Device(zmq.QUEUE, zmq.PULL, zmq.PUSH)
        p = _port(d.bind_in_to_random_port, "tcp://127.0.0.1", base, base + 2, 50)
        rec(p == base + 1)
        _port(d.bind_in_to_random_port, "tcp://127.0.0.1", base, base + 2, 50)
    finally:
        blocker.close()


@probe
def probe_random_port_errors():
    d = D.Device(zmq.QUEUE, zmq.PULL, zmq.PUSH)
    _port(d.bind_out_to_random_port, "tcp://127.0.0.1", foo=3)
    _port(d.bind_out_to_random_port, "tcp://127.0.0.1", 45700, 45700)
    _port(d.bind_out_to_random_port, 5)
    p = _port(d.bind_out_to_random_port, "tcp://127.0.0.1", max_tries=0)
    rec(isinstance(p, int))


@probe
def probe_random_port_not_held():
    d = D.Device(zmq.QUEUE, zmq.PULL, zmq.PUSH)
    port = d.bind_in_to_random_port("tcp://127.0.0.1")
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
        rec("free")
    except OSError:
        rec("held")
    finally:
        s.close()


@probe
def probe_random_port_device_binds_it():
    d = D.ThreadDevice(zmq.QUEUE, zmq.PULL, zmq.PUSH)
    pin = d.bind_in_to_random_port("tcp://127.0.0.1")
    pout = d.bind_out_to_random_port("tcp://127.0.0.1")
    d.start()
    ctx = zmq.Context()
    push = _client(ctx, zmq.PUSH, f"tcp://127.0.0.1:{pin}")
    pull = _client(ctx, zmq.PULL, f"tcp://127.0.0.1:{pout}")
    call(push.send, b"through")
    call(pull.recv)
    push.close()
    pull.close()
    ctx.term()
    _stop_instance(d)


# -- messages through thread devices ------------------------------------------------------------

@probe
def probe_thread_queue_tcp_req_rep():
    d = D.ThreadDevice(zmq.QUEUE, zmq.ROUTER, zmq.DEALER)
    pin = d.bind_in_to_random_port("tcp://127.0.0.1")
    pout = d.bind_out_to_random_port("tcp://127.0.0.1")
    d.start()
    ctx = zmq.Context()
    req = _client(ctx, zmq.REQ, f"tcp://127.0.0.1:{pin}")
    rep = _client(ctx, zmq.REP, f"tcp://127.0.0.1:{pout}")
    call(req.send, b"ping")
    call(rep.recv)
    call(rep.send, b"pong")
    call(req.recv)
    req.close()
    rep.close()
    ctx.term()
    _stop_instance(d)
    rec(d.done)


@probe
def probe_thread_streamer_inproc_instance():
    d = D.ThreadDevice(zmq.STREAMER, zmq.PULL, zmq.PUSH)
    d.bind_in("inproc://e2-in")
    d.bind_out("inproc://e2-out")
    d.start()
    ctx = zmq.Context.instance()
    push = call(_client, ctx, zmq.PUSH, "inproc://e2-in")
    pull = call(_client, ctx, zmq.PULL, "inproc://e2-out")
    if push is not None and pull is not None:
        call(push.send_multipart, [b"a", b"b"])
        call(pull.recv_multipart)
    _stop_instance(d, *[s for s in (push, pull) if s is not None])


@probe
def probe_thread_forwarder_sub_pub():
    d = D.ThreadDevice(zmq.FORWARDER, zmq.SUB, zmq.PUB)
    pin = d.bind_in_to_random_port("tcp://127.0.0.1")
    pout = d.bind_out_to_random_port("tcp://127.0.0.1")
    d.setsockopt_in(zmq.SUBSCRIBE, b"")
    d.start()
    ctx = zmq.Context()
    pub = _client(ctx, zmq.PUB, f"tcp://127.0.0.1:{pin}")
    sub = _client(ctx, zmq.SUB, f"tcp://127.0.0.1:{pout}")
    sub.setsockopt(zmq.SUBSCRIBE, b"t")
    got = None
    for _ in range(40):
        pub.send(b"topic")
        if sub.poll(50):
            got = sub.recv()
            break
    rec(got)
    pub.close()
    sub.close()
    ctx.term()
    _stop_instance(d)


@probe
def probe_thread_connecting_device():
    ctx = zmq.Context()
    push = ctx.socket(zmq.PUSH)
    push.linger = 0
    pin = push.bind_to_random_port("tcp://127.0.0.1")
    pull = ctx.socket(zmq.PULL)
    pull.linger = 0
    pull.rcvtimeo = 2000
    pout = pull.bind_to_random_port("tcp://127.0.0.1")
    d = D.ThreadDevice(zmq.QUEUE, zmq.PULL, zmq.PUSH)
    d.connect_in(f"tcp://127.0.0.1:{pin}")
    d.connect_out(f"tcp://127.0.0.1:{pout}")
    d.start()
    push.send(b"via connects")
    call(pull.recv)
    push.close()
    pull.close()
    ctx.term()
    _stop_instance(d)


@probe
def probe_thread_single_socket_router():
    d = D.ThreadDevice(zmq.QUEUE, zmq.ROUTER, -1)
    port = d.bind_in_to_random_port("tcp://127.0.0.1")
    d.start()
    ctx = zmq.Context()
    dealer = _client(ctx, zmq.DEALER, f"tcp://127.0.0.1:{port}")
    call(dealer.send_multipart, [b"echo", b"me"])
    call(dealer.recv_multipart)
    rec(d.launcher.is_alive(), "running")
    dealer.close()
    ctx.term()
    _stop_instance(d)


@probe
def probe_thread_single_socket_out_binds_ignored():
    d = D.ThreadDevice(zmq.QUEUE, zmq.ROUTER, -1)
    port = d.bind_in_to_random_port("tcp://127.0.0.1")
    call(d.bind_out, "tcp://127.0.0.1:1")
    call(d.setsockopt_out, zmq.LINGER, 0)
    d.start()
    ctx = zmq.Context()
    dealer = _client(ctx, zmq.DEALER, f"tcp://127.0.0.1:{port}")
    call(dealer.send, b"x")
    call(dealer.recv)
    rec(d.launcher.is_alive(), "running")
    dealer.close()
    ctx.term()
    _stop_instance(d)


@probe
def probe_single_socket_in_type_minus_one():
    d = D.ThreadDevice(zmq.QUEUE, -1, zmq.ROUTER)
    d.bind_out("inproc://e2-single")
    d.start()
    d.join(0.3)
    rec(d.launcher.is_alive(), "running")
    if d.launcher.is_alive():
        _stop_instance(d)


@probe
def probe_bad_device_type_still_forwards():
    d = D.ThreadDevice(99, zmq.PULL, zmq.PUSH)
    pin = d.bind_in_to_random_port("tcp://127.0.0.1")
    pout = d.bind_out_to_random_port("tcp://127.0.0.1")
    d.start()
    ctx = zmq.Context()
    push = _client(ctx, zmq.PUSH, f"tcp://127.0.0.1:{pin}")
    pull = _client(ctx, zmq.PULL, f"tcp://127.0.0.1:{pout}")
    call(push.send, b"x")
    call(pull.recv)
    push.close()
    pull.close()
    ctx.term()
    _stop_instance(d)


@probe
def probe_bad_socket_type_thread_ends():
    d = D.ThreadDevice(zmq.QUEUE, 1234, zmq.PUSH)
    d.bind_in("inproc://e2-bad")
    d.start()
    d.join(2)
    rec(d.launcher.is_alive())
    rec(d.done)


@probe
def probe_bad_address_thread_ends():
    d = D.ThreadDevice(zmq.QUEUE, zmq.PULL, zmq.PUSH)
    d.bind_in("nonsense://x")
    d.start()
    d.join(2)
    rec(d.launcher.is_alive())
    rec(d.done)


@probe
def probe_start_twice():
    d = D.ThreadDevice(zmq.QUEUE, zmq.PULL, zmq.PUSH)
    d.bind_in("inproc://e2-twice-in")
    d.bind_out("inproc://e2-twice-out")
    d.start()
    call(d.start)
    _through(zmq.Context.instance(), "inproc://e2-twice-in", "inproc://e2-twice-out")
    _stop_instance(d)


@probe
def probe_context_after_start():
    d = D.ThreadDevice(zmq.QUEUE, zmq.PULL, zmq.PUSH)
    d.bind_in("inproc://e2-c-in")
    d.bind_out("inproc://e2-c-out")
    rec(hasattr(d, "_context"), "before")
    d.start()
    rec(hasattr(d, "_context"), "after")
    rec(getattr(d, "_context", None) is zmq.Context.instance(), "is instance")
    _through(zmq.Context.instance(), "inproc://e2-c-in", "inproc://e2-c-out")
    _stop_instance(d)
    rec(d.done)


@probe
def probe_custom_context_factory():
    mine = zmq.Context()
    d = D.ThreadDevice(zmq.QUEUE, zmq.PULL, zmq.PUSH)
    d.context_factory = lambda: mine
    d.bind_in("inproc://e2-f-in")
    d.bind_out("inproc://e2-f-out")
    d.start()
    push = _client(mine, zmq.PUSH, "inproc://e2-f-in")
    pull = _client(mine, zmq.PULL, "inproc://e2-f-out")
    push.send(b"own ctx")
    call(pull.recv)
    push.close()
    pull.close()
    t = threading.Thread(target=mine.term, daemon=True)
    t.start()
    t.join(3)
    d.join(3)
    rec(d.launcher.is_alive())
    rec(mine.closed)


@probe
def probe_daemon_and_launcher():
    d = D.ThreadDevice(zmq.QUEUE, zmq.PULL, zmq.PUSH)
    d.daemon = False
    d.bind_in("inproc://e2-d-in")
    d.bind_out("inproc://e2-d-out")
    d.start()
    rec(type(d.launcher).__name__)
    rec(d.launcher.daemon)
    rec(d.launcher.name.split(" ")[-1])
    call(d.join, 0.05)
    rec(d.launcher.is_alive())
    _stop_instance(d)
    d2 = D.ThreadDevice(zmq.QUEUE, zmq.PULL, zmq.PUSH)
    rec(d2.daemon)


@probe
def probe_done_and_sockets_after_terminate():
    p = D.ThreadProxySteerable(zmq.PULL, zmq.PUSH, zmq.PUB, zmq.PAIR)
    p.bind_in("inproc://e2-t-i")
    p.bind_out("inproc://e2-t-o")
    p.bind_mon("inproc://e2-t-m")
    p.bind_ctrl("inproc://e2-t-c")
    p.start()
    ctx = zmq.Context.instance()
    c = _client(ctx, zmq.PAIR, "inproc://e2-t-c")
    c.send(b"TERMINATE")
    p.join(3)
    rec(p.launcher.is_alive())
    rec(p.done)
    rec(p._context is ctx, "instance used")
    rec(ctx.closed, "instance closed")
    rec([s.closed for s in getattr(p, "_sockets", [])], "sockets closed")
    c.close()


@probe
def probe_foreground_device_in_thread():
    d = D.Device(zmq.QUEUE, zmq.PULL, zmq.PUSH)
    d.bind_in("inproc://e2-fg-in")
    d.bind_out("inproc://e2-fg-out")
    t = threading.Thread(target=d.start, daemon=True)
    t.start()
    ctx = zmq.Context.instance()
    push = _client(ctx, zmq.PUSH, "inproc://e2-fg-in")
    pull = _client(ctx, zmq.PULL, "inproc://e2-fg-out")
    push.send(b"fg")
    call(pull.recv)
    push.close()
    pull.close()
    term = threading.Thread(target=ctx.term, daemon=True)
    term.start()
    term.join(3)
    t.join(3)
    rec(t.is_alive())
    rec(d.done)


@probe
def probe_foreground_join():
    d = D.Device(zmq.QUEUE, zmq.PULL, zmq.PUSH)
    r = call(d.join, 0.01)
    rec(r)


@probe
def probe_foreground_run_bad_address():
    d = D.Device(zmq.QUEUE, zmq.PULL, zmq.PUSH)
    d.bind_in("nonsense://x")
    call(d.run)
    rec(d.done)


# -- proxies --------------------------------------------------------------------------------------

@probe
def probe_thread_proxy_monitor_copies():
    p = D.ThreadProxy(zmq.PULL, zmq.PUSH, zmq.PUSH)
    p.bind_in("inproc://e2-p-in")
    p.bind_out("inproc://e2-p-out")
    p.bind_mon("inproc://e2-p-mon")
    p.start()
    ctx = zmq.Context.instance()
    push = _client(ctx, zmq.PUSH, "inproc://e2-p-in")
    pull = _client(ctx, zmq.PULL, "inproc://e2-p-out")
    mon = _client(ctx, zmq.PULL, "inproc://e2-p-mon")
    push.send_multipart([b"m1", b"m2"])
    call(pull.recv_multipart)
    call(mon.recv_multipart)
    _stop_instance(p, push, pull, mon)


@probe(timeout=10)
def probe_thread_proxy_pub_monitor_tcp():
    p = D.ThreadProxy(zmq.ROUTER, zmq.DEALER)
    pin = p.bind_in_to_random_port("tcp://127.0.0.1")
    pout = p.bind_out_to_random_port("tcp://127.0.0.1")
    pmon = p.bind_mon_to_random_port("tcp://127.0.0.1")
    p.start()
    ctx = zmq.Context()
    sub = _client(ctx, zmq.SUB, f"tcp://127.0.0.1:{pmon}")
    sub.setsockopt(zmq.SUBSCRIBE, b"")
    req = _client(ctx, zmq.REQ, f"tcp://127.0.0.1:{pin}", opts={zmq.ROUTING_ID: b"client"})
    rep = _client(ctx, zmq.REP, f"tcp://127.0.0.1:{pout}")

    def exchange(i):
        req.send(b"ask-%d" % i)
        rep.recv()
        rep.send(b"warm-%d" % i)
        req.recv()

    rec(_subscribed(sub, exchange), "subscribed")
    req.send(b"q")
    call(rep.recv)
    rep.send(b"a")
    call(req.recv)
    call(sub.recv_multipart)
    call(sub.recv_multipart)
    for s in (sub, req, rep):
        s.close()
    ctx.term()
    _stop_instance(p)


@probe
def probe_steerable_statistics_pause_resume():
    p = D.ThreadProxySteerable(zmq.PULL, zmq.PUSH, zmq.PUB, zmq.PAIR)
    p.bind_in("inproc://e2-s-in")
    p.bind_out("inproc://e2-s-out")
    p.bind_mon("inproc://e2-s-mon")
    p.bind_ctrl("inproc://e2-s-ctrl")
    p.start()
    ctx = zmq.Context.instance()
    push = _client(ctx, zmq.PUSH, "inproc://e2-s-in")
    pull = _client(ctx, zmq.PULL, "inproc://e2-s-out")
    ctrl = _client(ctx, zmq.PAIR, "inproc://e2-s-ctrl")
    push.send(b"one")
    call(pull.recv)
    ctrl.send(b"PAUSE")
    # commands are handled in order: once STATISTICS is answered, PAUSE has been handled
    ctrl.send(b"STATISTICS")
    ctrl.recv_multipart()
    push.send(b"two")
    rec(pull.poll(200), "while paused")
    ctrl.send(b"RESUME")
    call(pull.recv)
    ctrl.send(b"STATISTICS")
    stats = call(ctrl.recv_multipart)
    rec(len(stats) if stats else None)
    ctrl.send(b"TERMINATE")
    p.join(3)
    rec(p.launcher.is_alive())
    for s in (push, pull, ctrl):
        s.close()


@probe
def probe_steerable_default_ctrl_type_used():
    p = D.ThreadProxySteerable(zmq.PULL, zmq.PUSH)
    p.bind_in("inproc://e2-sd-in")
    p.bind_out("inproc://e2-sd-out")
    p.bind_ctrl("inproc://e2-sd-ctrl")
    p.start()
    _through(zmq.Context.instance(), "inproc://e2-sd-in", "inproc://e2-sd-out")
    rec(p.launcher.is_alive(), "running")
    ctx = zmq.Context.instance()
    ctrl = call(_client, ctx, zmq.PAIR, "inproc://e2-sd-ctrl")
    if ctrl is not None:
        ctrl.send(b"TERMINATE")
        p.join(2)
        rec(p.launcher.is_alive())
        ctrl.close()
    if p.launcher.is_alive():
        _stop_instance(p)


# -- monitored queues ----------------------------------------------------------------------------

@probe
def probe_thread_monitored_queue_prefixes():
    q = D.ThreadMonitoredQueue(zmq.ROUTER, zmq.DEALER, zmq.PUB, b"IN", b"OUT")
    q.bind_in("inproc://e2-q-in")
    q.bind_out("inproc://e2-q-out")
    q.bind_mon("inproc://e2-q-mon")
    ctx = zmq.Context.instance()
    sub = _client(ctx, zmq.SUB, "inproc://e2-q-mon")
    sub.setsockopt(zmq.SUBSCRIBE, b"")
    req = _client(ctx, zmq.REQ, "inproc://e2-q-in", opts={zmq.ROUTING_ID: b"rq"})
    rep = _client(ctx, zmq.REP, "inproc://e2-q-out")
    q.start()  # (after the SUB subscribed: the monitor knows it from its bind on)
    req.send(b"hello")
    call(rep.recv)
    rep.send(b"world")
    call(req.recv)
    call(sub.recv_multipart)
    call(sub.recv_multipart)
    _stop_instance(q, sub, req, rep)


@probe
def probe_thread_monitored_queue_str_prefixes():
    q = D.ThreadMonitoredQueue(zmq.PULL, zmq.PUSH, zmq.PUSH, "ünï", "out")
    q.bind_in("inproc://e2-qs-in")
    q.bind_out("inproc://e2-qs-out")
    q.bind_mon("inproc://e2-qs-mon")
    q.start()
    ctx = zmq.Context.instance()
    push = _client(ctx, zmq.PUSH, "inproc://e2-qs-in")
    pull = _client(ctx, zmq.PULL, "inproc://e2-qs-out")
    mon = _client(ctx, zmq.PULL, "inproc://e2-qs-mon")
    push.send(b"data")
    call(pull.recv)
    call(mon.recv_multipart)
    _stop_instance(q, push, pull, mon)


@probe
def probe_monitored_queue_function_errors():
    ctx = zmq.Context()
    a, b, m = ctx.socket(zmq.PULL), ctx.socket(zmq.PUSH), ctx.socket(zmq.PUB)
    call(D.monitored_queue, a, b, "notasocket")
    call(D.monitored_queue, a, b, m, 5)
    call(D.monitored_queue, a, b)
    call(D.monitored_queue, a, b, m, b"in", bytearray(b"out"))
    for s in (a, b, m):
        s.close(linger=0)
    ctx.term()


@probe
def probe_monitored_queue_function_ends_on_term():
    ctx = zmq.Context()
    a, b, m = ctx.socket(zmq.ROUTER), ctx.socket(zmq.DEALER), ctx.socket(zmq.PUB)
    result = []

    def run():
        try:
            D.monitored_queue(a, b, m)
        except Exception as e:
            result.append(type(e).__name__)
        for s in (a, b, m):
            s.close(linger=0)

    a.bind("inproc://e2-mqf-in")
    b.bind("inproc://e2-mqf-out")
    client = _client(ctx, zmq.DEALER, "inproc://e2-mqf-in", opts={zmq.ROUTING_ID: b"c"})
    worker = _client(ctx, zmq.DEALER, "inproc://e2-mqf-out")
    t = threading.Thread(target=run, daemon=True)
    t.start()
    client.send(b"job")
    call(worker.recv_multipart)  # through the queue: it runs
    client.close()
    worker.close()
    term = threading.Thread(target=ctx.term, daemon=True)
    term.start()
    term.join(3)
    t.join(3)
    rec(result)


# -- process devices (few, bounded) ----------------------------------------------------------------

@probe(timeout=15)
def probe_process_device_tcp():
    d = D.ProcessDevice(zmq.QUEUE, zmq.PULL, zmq.PUSH)
    pin = d.bind_in_to_random_port("tcp://127.0.0.1")
    pout = d.bind_out_to_random_port("tcp://127.0.0.1")
    d.start()
    rec(type(d.launcher).__name__)
    rec(d.launcher.daemon)
    ctx = zmq.Context()
    push = _client(ctx, zmq.PUSH, f"tcp://127.0.0.1:{pin}")
    pull = _client(ctx, zmq.PULL, f"tcp://127.0.0.1:{pout}")
    pull.rcvtimeo = 5000
    push.send(b"to the child")
    call(pull.recv)
    push.close()
    pull.close()
    ctx.term()
    call(d.join, 0.05)
    rec(d.launcher.is_alive())
    d.launcher.terminate()
    d.join(5)
    rec(d.launcher.is_alive())
    rec(d.done)


@probe(timeout=15)
def probe_process_monitored_queue_tcp():
    q = D.ProcessMonitoredQueue(zmq.PULL, zmq.PUSH, zmq.PUSH, b"i", b"o")
    pin = q.bind_in_to_random_port("tcp://127.0.0.1")
    pout = q.bind_out_to_random_port("tcp://127.0.0.1")
    pmon = q.bind_mon_to_random_port("tcp://127.0.0.1")
    q.start()
    ctx = zmq.Context()
    push = _client(ctx, zmq.PUSH, f"tcp://127.0.0.1:{pin}")
    pull = _client(ctx, zmq.PULL, f"tcp://127.0.0.1:{pout}")
    mon = _client(ctx, zmq.PULL, f"tcp://127.0.0.1:{pmon}")
    for s in (pull, mon):
        s.rcvtimeo = 5000
    push.send(b"p")
    call(pull.recv)
    call(mon.recv_multipart)
    for s in (push, pull, mon):
        s.close()
    ctx.term()
    q.launcher.terminate()
    q.join(5)
    rec(q.launcher.is_alive())


# -- more -------------------------------------------------------------------------------------------

@probe
def probe_monitored_queue_push_monitor_without_peer():
    q = D.ThreadMonitoredQueue(zmq.PULL, zmq.PUSH, zmq.PUSH)
    q.bind_in("inproc://e2-mw-in")
    q.bind_out("inproc://e2-mw-out")
    q.bind_mon("inproc://e2-mw-mon")
    q.start()
    ctx = zmq.Context.instance()
    push = _client(ctx, zmq.PUSH, "inproc://e2-mw-in")
    pull = _client(ctx, zmq.PULL, "inproc://e2-mw-out")
    push.send(b"one")
    rec(pull.poll(300), "forwarded before a monitor peer")
    mon = _client(ctx, zmq.PULL, "inproc://e2-mw-mon")
    call(mon.recv_multipart)
    call(pull.recv)
    _stop_instance(q, push, pull, mon)


@probe
def probe_pickle_before_start():
    import pickle
    d = D.ThreadProxySteerable(zmq.ROUTER, zmq.DEALER, zmq.PUB, zmq.PAIR)
    d.bind_in("tcp://127.0.0.1:5999")
    d.setsockopt_out(zmq.SNDHWM, 7)
    c = call(lambda: pickle.loads(pickle.dumps(d)))
    if c is not None:
        rec((c.in_type, c.out_type, c.mon_type, c.ctrl_type, c.daemon, c.done))
    q = D.MonitoredQueue(zmq.ROUTER, zmq.DEALER, zmq.PUB, b"a", b"b")
    c = call(lambda: pickle.loads(pickle.dumps(q)))


@probe
def probe_owned_context_factory_after_terminate():
    p = D.ThreadProxySteerable(zmq.PULL, zmq.PUSH, zmq.PUB, zmq.PAIR)
    p.context_factory = zmq.Context
    port = p.bind_ctrl_to_random_port("tcp://127.0.0.1")
    p.bind_in("inproc://e2-own-in")
    p.start()
    rec(type(getattr(p, "_context", None)).__name__)
    ctx = zmq.Context()
    c = _client(ctx, zmq.PAIR, f"tcp://127.0.0.1:{port}")
    c.send(b"TERMINATE")
    p.join(3)
    rec(p.launcher.is_alive())
    rec(p._context.closed if hasattr(p, "_context") else "none")
    c.close()
    ctx.term()


@probe
def probe_router_router_monitored_queue():
    q = D.ThreadMonitoredQueue(zmq.ROUTER, zmq.ROUTER, zmq.PUB)
    q.bind_in("inproc://e2-rr-in")
    q.bind_out("inproc://e2-rr-out")
    q.bind_mon("inproc://e2-rr-mon")
    q.setsockopt_out(zmq.ROUTING_ID, b"queue")
    ctx = zmq.Context.instance()
    client = _client(ctx, zmq.DEALER, "inproc://e2-rr-in", opts={zmq.ROUTING_ID: b"client"})
    worker = _client(ctx, zmq.DEALER, "inproc://e2-rr-out", opts={zmq.ROUTING_ID: b"worker"})
    sub = _client(ctx, zmq.SUB, "inproc://e2-rr-mon")
    sub.setsockopt(zmq.SUBSCRIBE, b"")
    q.start()  # (after the worker and the SUB connected: the queue knows them from its binds on)
    # a client addresses the worker by its id; the worker replies to the client's id
    client.send_multipart([b"worker", b"job"])
    got = call(worker.recv_multipart)
    if got:
        worker.send_multipart([got[0], b"done"])
        call(client.recv_multipart)
    call(sub.recv_multipart)
    _stop_instance(q, client, worker, sub)


@probe
def probe_configure_after_start_ignored():
    d = D.ThreadDevice(zmq.QUEUE, zmq.PULL, zmq.PUSH)
    d.bind_in("inproc://e2-late-in")
    d.bind_out("inproc://e2-late-out")
    d.start()
    _through(zmq.Context.instance(), "inproc://e2-late-in", "inproc://e2-late-out")
    call(d.bind_in, "inproc://e2-late-extra")
    ctx = zmq.Context.instance()
    s = ctx.socket(zmq.PUSH)
    s.linger = 0
    call(s.connect, "inproc://e2-late-extra")
    s.sndtimeo = 100
    call(s.send, b"x")
    _stop_instance(d, s)


@probe(timeout=15)
def probe_process_device_context_in_parent():
    d = D.ProcessDevice(zmq.QUEUE, zmq.PULL, zmq.PUSH)
    d.bind_in_to_random_port("tcp://127.0.0.1")
    d.bind_out_to_random_port("tcp://127.0.0.1")
    d.daemon = False
    d.start()
    rec(hasattr(d, "_context"))
    rec(d.launcher.daemon)
    # (no second start here: pyzmq's would launch a second process, left running)
    d.launcher.terminate()
    d.join(5)
    rec(d.launcher.is_alive())
    rec(d.launcher.exitcode)


@probe
def probe_device_run_return_value():
    d = D.Device(zmq.QUEUE, zmq.PULL, zmq.PUSH)
    mine = zmq.Context()
    d.context_factory = lambda: mine
    d.bind_in("inproc://e2-rv-in")
    d.bind_out("inproc://e2-rv-out")
    res = []
    t = threading.Thread(target=lambda: res.append(d.run()), daemon=True)
    t.start()
    _through(mine, "inproc://e2-rv-in", "inproc://e2-rv-out")
    term = threading.Thread(target=mine.term, daemon=True)
    term.start()
    t.join(3)
    term.join(3)
    rec(res)
    rec(d.done)


@probe
def probe_proxy_mon_type_none():
    p = D.ThreadProxy(zmq.PULL, zmq.PUSH, None)
    rec(p.mon_type)
    p.bind_in("inproc://e2-mn-in")
    p.start()
    p.join(0.5)
    rec(p.launcher.is_alive(), "running")
    if p.launcher.is_alive():
        _stop_instance(p)


@probe
def probe_single_socket_proxy_and_monitored_queue():
    for cls, name in ((D.ThreadProxy, "proxy"), (D.ThreadMonitoredQueue, "mq")):
        d = cls(zmq.ROUTER, -1, zmq.PUB)
        d.bind_in(f"inproc://e2-ss-{name}")
        d.start()
        d.join(0.3)
        rec(d.launcher.is_alive(), name)
        if d.launcher.is_alive():
            ctx = zmq.Context.instance()
            dealer = _client(ctx, zmq.DEALER, f"inproc://e2-ss-{name}")
            dealer.send(b"x")
            call(dealer.recv_multipart)
            _stop_instance(d, dealer)


@probe(timeout=15)
def probe_process_steerable_terminate_exitcode():
    p = D.ProcessProxySteerable(zmq.PULL, zmq.PUSH, zmq.PUB, zmq.PAIR)
    p.bind_in_to_random_port("tcp://127.0.0.1")
    pctrl = p.bind_ctrl_to_random_port("tcp://127.0.0.1")
    p.start()
    ctx = zmq.Context()
    c = _client(ctx, zmq.PAIR, f"tcp://127.0.0.1:{pctrl}")
    c.send(b"TERMINATE")
    p.join(5)
    if p.launcher.is_alive():
        p.launcher.terminate()
        p.join(5)
    rec(p.launcher.is_alive())
    rec(p.launcher.exitcode)
    c.close()
    ctx.term()
