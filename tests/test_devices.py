"""zmq.devices: every device class forwarding real traffic over tcp/inproc.

Every device started here is stopped by the ``devices`` fixture, bounded in time: a thread
device by terminating its context (from a helper thread, joined with a timeout), a process
device by terminating its process. Test-side sockets have linger=0 and receive timeouts.
"""
from __future__ import annotations

import pickle
import struct
import threading
import time
from typing import Callable, Iterator

import pytest
from _helpers import make

import zmq
from zmq.devices import (
    Device,
    MonitoredQueue,
    ProcessDevice,
    ProcessMonitoredQueue,
    ProcessProxy,
    ProcessProxySteerable,
    Proxy,
    ProxySteerable,
    ThreadDevice,
    ThreadMonitoredQueue,
    ThreadProxy,
    ThreadProxySteerable,
    monitored_queue,
)
from zmq.devices.basedevice import BackgroundDevice

JOIN = 5.0  # seconds
LOCAL = "tcp://127.0.0.1"


def _join_or_fail(thread: threading.Thread, what: str) -> None:
    thread.join(JOIN)
    assert not thread.is_alive(), f"{what} did not end within {JOIN} s"


def stop_device(dev: BackgroundDevice) -> None:
    """Stop a started background device, bounded in time; a no-op if it already ended."""
    launcher = dev.launcher
    if launcher is None or not launcher.is_alive():
        if launcher is not None:
            launcher.join(JOIN)
        return
    if isinstance(launcher, threading.Thread):
        assert dev.context is not None
        term = threading.Thread(target=dev.context.term, daemon=True)
        term.start()
        dev.join(JOIN)
        assert not launcher.is_alive(), "the device thread did not end when its context was terminated"
        _join_or_fail(term, "Context.term()")
    else:
        launcher.terminate()
        dev.join(JOIN)
        if launcher.is_alive():  # pragma: no cover - only if SIGTERM was ignored
            launcher.kill()
            dev.join(JOIN)
        assert not launcher.is_alive()


@pytest.fixture
def devices() -> Iterator[Callable[[BackgroundDevice], BackgroundDevice]]:
    """``devices(dev)`` registers a background device; all are stopped at teardown."""
    started: list[BackgroundDevice] = []

    def register(dev: BackgroundDevice) -> BackgroundDevice:
        started.append(dev)
        return dev

    yield register
    for dev in started:
        stop_device(dev)


def addr(port: int) -> str:
    return f"{LOCAL}:{port}"


def warm_up(send: Callable[[], None], sub: zmq.Socket, is_warmup: Callable[[list[bytes]], bool]) -> None:
    """PUB/SUB slow joiner: ``send()`` until ``sub`` receives something, then drain the
    warm-up messages still in flight."""
    deadline = time.monotonic() + JOIN
    while not sub.poll(50):
        assert time.monotonic() < deadline, "no message reached the subscriber"
        send()
    while sub.poll(100):
        msg = sub.recv_multipart()
        assert is_warmup(msg), msg


def stats(ctrl: zmq.Socket) -> list[int]:
    """Ask a steerable proxy for its STATISTICS (eight native uint64 frames)."""
    ctrl.send(b"STATISTICS")
    frames = ctrl.recv_multipart()
    assert len(frames) == 8
    return [struct.unpack("=Q", f)[0] for f in frames]


# -- configuration --------------------------------------------------------------------


def test_device_needs_socket_types() -> None:
    with pytest.raises(TypeError):
        Device(zmq.QUEUE)
    with pytest.raises(TypeError):
        ThreadDevice(zmq.QUEUE, zmq.ROUTER)


def test_background_device_join_and_start_misuse(devices) -> None:
    dev = devices(ThreadDevice(zmq.STREAMER, zmq.PULL, zmq.PUSH))
    with pytest.raises(RuntimeError):
        dev.join(0.1)
    dev.start()
    with pytest.raises(RuntimeError):
        dev.start()
    assert dev.launcher is not None and dev.launcher.daemon


def test_daemon_flag_reaches_the_thread(devices) -> None:
    dev = devices(ThreadDevice(zmq.STREAMER, zmq.PULL, zmq.PUSH))
    dev.daemon = False
    dev.start()
    assert isinstance(dev.launcher, threading.Thread)
    assert dev.launcher.daemon is False


def test_default_context_factories() -> None:
    for cls in (Device, ThreadDevice, ThreadProxy, ThreadMonitoredQueue, ThreadProxySteerable):
        assert cls.context_factory == zmq.Context.instance
    for cls in (ProcessDevice, ProcessProxy, ProcessMonitoredQueue, ProcessProxySteerable):
        assert cls.context_factory is zmq.Context
    assert ThreadDevice.launcher is None


def test_class_hierarchy_as_pyzmq() -> None:
    assert issubclass(ProxySteerable, Proxy) and issubclass(MonitoredQueue, Proxy)
    assert issubclass(ThreadProxySteerable, ThreadProxy) and issubclass(ThreadMonitoredQueue, ThreadProxy)
    assert issubclass(ProcessProxySteerable, ProcessProxy) and issubclass(ProcessMonitoredQueue, ProcessProxy)
    assert not issubclass(ProcessDevice, ThreadDevice)
    import zmq.devices
    import zmq.devices.basedevice
    import zmq.devices.proxydevice

    assert zmq.devices.basedevice.__all__ == ["Device", "ThreadDevice", "ProcessDevice"]
    assert zmq.devices.proxydevice.__all__ == ["Proxy", "ThreadProxy", "ProcessProxy"]
    assert {"ProxySteerable", "ThreadProxySteerable", "ProcessProxySteerable"} <= set(zmq.devices.__all__)
    assert zmq.devices.DeviceType is zmq.DeviceType and zmq.devices.proxy is zmq.proxy
    # the module pyzmq defines them in (pickles name it)
    assert ThreadProxySteerable.__module__ == "zmq.devices.proxysteerabledevice"
    assert pickle.loads(pickle.dumps(ProxySteerable(zmq.PULL, zmq.PUSH))).__class__ is ProxySteerable


def test_thread_device_runs_in_the_instance_context_reaching_inproc(devices) -> None:
    inst = zmq.Context.instance()
    dev = devices(ThreadDevice(zmq.STREAMER, zmq.PULL, zmq.PUSH))
    dev.bind_in("inproc://cyzmq-dev-inst-in")
    dev.bind_out("inproc://cyzmq-dev-inst-out")
    assert not hasattr(dev, "_context")
    dev.start()
    assert dev._context is dev.context is inst
    assert not dev.launcher.name.startswith("zmq-")  # threading's default name, as pyzmq's
    client = make(inst, zmq.PUSH, connect="inproc://cyzmq-dev-inst-in")
    worker = make(inst, zmq.PULL, connect="inproc://cyzmq-dev-inst-out")
    client.send(b"inproc through a thread device")
    assert worker.recv() == b"inproc through a thread device"
    client.close()
    worker.close()
    stop_device(dev)  # terminates the instance: the application's sockets are closed


def test_single_socket_device_routes_back_to_its_peers(ctx, devices) -> None:
    dev = devices(ThreadDevice(zmq.QUEUE, zmq.ROUTER, -1))
    port = dev.bind_in_to_random_port(LOCAL)
    dev.bind_out("tcp://127.0.0.1:1")  # ignored: there is no out socket
    dev.start()
    dealer = make(ctx, zmq.DEALER, connect=addr(port))
    dealer.send_multipart([b"echo", b"me"])
    assert dealer.recv_multipart() == [b"echo", b"me"]
    assert dev.launcher.is_alive()
    stop_device(dev)
    assert dev.done and len(dev._sockets) == 1 and dev._sockets[0].closed


def _free_ports(n: int) -> int:
    """A port ``base`` such that ``base .. base+n-1`` are free on 127.0.0.1 right now."""
    import socket

    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            base = s.getsockname()[1]
        if base + n > 65535:
            continue
        try:
            held = []
            for p in range(base, base + n):
                t = socket.socket()
                held.append(t)
                t.bind(("127.0.0.1", p))
            return base
        except OSError:
            continue
        finally:
            for t in held:
                t.close()
    pytest.fail("no run of free ports found")


def test_random_ports_are_never_handed_out_twice_then_exhaust() -> None:
    base = _free_ports(3)
    dev = ThreadProxy(zmq.PULL, zmq.PUSH)
    got = [dev.bind_in_to_random_port(LOCAL, base, base + 3, 100),
           dev.bind_out_to_random_port(LOCAL, base, base + 3, 100),
           dev.bind_mon_to_random_port(LOCAL, min_port=base, max_port=base + 3, max_tries=100)]
    assert sorted(got) == [base, base + 1, base + 2]  # shared by all sockets of the device
    with pytest.raises(zmq.ZMQBindError):
        dev.bind_in_to_random_port(LOCAL, base, base + 3, 100)
    assert dev._in.binds == [addr(got[0])]  # the failed call planned nothing
    # another device has its own reservations
    assert ThreadDevice(zmq.QUEUE, zmq.PULL, zmq.PUSH).bind_in_to_random_port(LOCAL, base, base + 1) == base
    # without a range (an OS-assigned port), still never the same one twice
    dev2 = ThreadDevice(zmq.QUEUE, zmq.PULL, zmq.PUSH)
    ports = {dev2.bind_in_to_random_port(LOCAL) for _ in range(20)}
    assert len(ports) == 20


def test_device_configuration_pickles_without_runtime_state() -> None:
    dev = ProcessProxySteerable(zmq.ROUTER, zmq.DEALER, zmq.PUB)
    dev.bind_in("tcp://127.0.0.1:5999")
    dev.connect_out("ipc:///tmp/nowhere")
    dev.setsockopt_mon(zmq.SNDHWM, 7)
    dev.bind_ctrl("inproc://ctrl")
    copy = pickle.loads(pickle.dumps(dev))
    assert isinstance(copy, ProcessProxySteerable)
    assert copy._in.binds == ["tcp://127.0.0.1:5999"]
    assert copy._out.connects == ["ipc:///tmp/nowhere"]
    assert copy._mon.sockopts == [(zmq.SNDHWM, 7)]
    assert copy._ctrl.binds == ["inproc://ctrl"]
    assert copy.context is None and copy.launcher is None and not copy.done


def test_bind_to_random_port_in_a_range(ctx, devices) -> None:
    dev = devices(ThreadDevice(zmq.STREAMER, zmq.PULL, zmq.PUSH))
    pin = dev.bind_in_to_random_port(LOCAL, min_port=20000, max_port=30000, max_tries=100)
    pout = dev.bind_out_to_random_port(LOCAL)
    assert 20000 <= pin < 30000
    assert pout != pin
    dev.start()
    client = make(ctx, zmq.PUSH, connect=addr(pin))
    worker = make(ctx, zmq.PULL, connect=addr(pout))
    client.send(b"through a ranged port")
    assert worker.recv() == b"through a ranged port"


# -- plain devices --------------------------------------------------------------------


def test_thread_device_streams_push_pull_and_stops_on_term(ctx, devices) -> None:
    dev = devices(ThreadDevice(zmq.STREAMER, zmq.PULL, zmq.PUSH))
    pin = dev.bind_in_to_random_port(LOCAL)
    pout = dev.bind_out_to_random_port(LOCAL)
    dev.start()
    client = make(ctx, zmq.PUSH, connect=addr(pin))
    worker = make(ctx, zmq.PULL, connect=addr(pout))
    messages = [[b"one"], [b"multi", b"part"], [b"x" * 50_000], [b""]]
    for m in messages:
        client.send_multipart(m)
    assert [worker.recv_multipart() for _ in messages] == messages

    assert dev.context is not None and not dev.done
    stop_device(dev)
    assert dev.done
    assert dev.context.closed


def test_thread_device_queue_carries_req_rep(ctx, devices) -> None:
    dev = devices(ThreadDevice(zmq.QUEUE, zmq.ROUTER, zmq.DEALER))
    pin = dev.bind_in_to_random_port(LOCAL)
    pout = dev.bind_out_to_random_port(LOCAL)
    dev.start()
    reqs = [make(ctx, zmq.REQ, connect=addr(pin)) for _ in range(3)]
    rep = make(ctx, zmq.REP, connect=addr(pout))
    for i, req in enumerate(reqs):
        req.send(b"ping %d" % i)
    for _ in reqs:
        rep.send(rep.recv().replace(b"ping", b"pong"))
    for i, req in enumerate(reqs):
        assert req.recv() == b"pong %d" % i


def test_thread_device_forwards_pub_sub_with_subscribe_option(ctx, devices) -> None:
    dev = devices(ThreadDevice(zmq.FORWARDER, zmq.SUB, zmq.PUB))
    dev.setsockopt_in(zmq.SUBSCRIBE, b"news")
    pin = dev.bind_in_to_random_port(LOCAL)
    pout = dev.bind_out_to_random_port(LOCAL)
    dev.start()
    pub = make(ctx, zmq.PUB, connect=addr(pin))
    sub = make(ctx, zmq.SUB, connect=addr(pout), subscribe=b"")
    warm_up(lambda: pub.send_multipart([b"news", b"warm"]), sub, lambda m: m == [b"news", b"warm"])

    pub.send_multipart([b"weather", b"filtered out by the device's SUBSCRIBE option"])
    pub.send_multipart([b"news", b"hello"])
    assert sub.recv_multipart() == [b"news", b"hello"]
    assert sub.poll(100) == 0


def test_thread_device_connects_and_sets_options(ctx, devices) -> None:
    front = make(ctx, zmq.PUSH, bind=f"{LOCAL}:*")
    back = make(ctx, zmq.ROUTER, bind=f"{LOCAL}:*")
    dev = devices(ThreadDevice(zmq.STREAMER, zmq.PULL, zmq.DEALER))
    dev.connect_in(front.last_endpoint.decode())
    dev.connect_out(back.last_endpoint.decode())
    dev.setsockopt_out(zmq.ROUTING_ID, b"device-out")
    dev.setsockopt_in(zmq.RCVHWM, 5)
    dev.start()
    front.send_multipart([b"", b"via connects"])
    assert back.recv_multipart() == [b"device-out", b"", b"via connects"]


def test_foreground_device_shares_the_instance_context_until_it_is_terminated() -> None:
    inst = zmq.Context.instance()
    dev = Device(zmq.STREAMER, zmq.PULL, zmq.PUSH)
    dev.bind_in("inproc://cyzmq-dev-fg-in")
    dev.bind_out("inproc://cyzmq-dev-fg-out")
    runner = threading.Thread(target=dev.start, daemon=True)
    runner.start()
    try:
        client = make(inst, zmq.PUSH, connect="inproc://cyzmq-dev-fg-in")
        worker = make(inst, zmq.PULL, connect="inproc://cyzmq-dev-fg-out")
        client.send(b"inproc, same context")
        assert worker.recv() == b"inproc, same context"
        assert dev.context is inst
        dev.join(0.05)
        assert not dev.done and runner.is_alive(), "start() must block while the device runs"
        client.close()
        worker.close()
    finally:
        term = threading.Thread(target=inst.term, daemon=True)
        term.start()
        _join_or_fail(runner, "Device.start()")
        _join_or_fail(term, "Context.term()")
    dev.join(JOIN)
    assert dev.done


def test_foreground_device_setup_error_raises_and_closes_its_sockets(ctx) -> None:
    dev = Device(zmq.QUEUE, zmq.ROUTER, zmq.DEALER)
    dev.context_factory = lambda: ctx
    dev.bind_in("inproc://cyzmq-dev-ok")
    dev.bind_out("no-such-transport://x")
    with pytest.raises(zmq.ZMQError):
        dev.start()
    assert dev.done
    assert not ctx.closed  # a context from a custom factory is the caller's
    ctx.term()  # would hang if the device had left a socket open


# -- proxies --------------------------------------------------------------------------


def test_thread_proxy_copies_to_a_push_monitor(ctx, devices) -> None:
    dev = devices(ThreadProxy(zmq.PULL, zmq.PUSH, zmq.PUSH))
    pin = dev.bind_in_to_random_port(LOCAL)
    pout = dev.bind_out_to_random_port(LOCAL)
    pmon = dev.bind_mon_to_random_port(LOCAL)
    dev.start()
    client = make(ctx, zmq.PUSH, connect=addr(pin))
    worker = make(ctx, zmq.PULL, connect=addr(pout))
    mon = make(ctx, zmq.PULL, connect=addr(pmon))
    messages = [[b"a"], [b"b", b"c"]]
    for m in messages:
        client.send_multipart(m)
    assert [worker.recv_multipart() for _ in messages] == messages
    assert [mon.recv_multipart() for _ in messages] == messages


def test_thread_proxy_connects_its_pub_monitor_with_options(ctx, devices) -> None:
    collector = make(ctx, zmq.SUB, bind=f"{LOCAL}:*", subscribe=b"")
    dev = devices(ThreadProxy(zmq.PULL, zmq.PUSH))
    dev.connect_mon(collector.last_endpoint.decode())
    dev.setsockopt_mon(zmq.SNDHWM, 1000)
    pin = dev.bind_in_to_random_port(LOCAL)
    pout = dev.bind_out_to_random_port(LOCAL)
    dev.start()
    client = make(ctx, zmq.PUSH, connect=addr(pin))
    worker = make(ctx, zmq.PULL, connect=addr(pout))

    def send_warm() -> None:
        client.send(b"warm")
        assert worker.recv() == b"warm"

    warm_up(send_warm, collector, lambda m: m == [b"warm"])
    client.send_multipart([b"topic", b"payload"])
    assert worker.recv_multipart() == [b"topic", b"payload"]
    assert collector.recv_multipart() == [b"topic", b"payload"]


def test_foreground_proxy_runs_until_its_context_ends(ctx) -> None:
    dev = Proxy(zmq.PULL, zmq.PUSH, zmq.PUSH)
    dev.context_factory = lambda: ctx
    dev.bind_in("inproc://cyzmq-proxy-in")
    dev.bind_out("inproc://cyzmq-proxy-out")
    dev.bind_mon("inproc://cyzmq-proxy-mon")
    runner = threading.Thread(target=dev.start, daemon=True)
    runner.start()
    client = make(ctx, zmq.PUSH, connect="inproc://cyzmq-proxy-in")
    worker = make(ctx, zmq.PULL, connect="inproc://cyzmq-proxy-out")
    mon = make(ctx, zmq.PULL, connect="inproc://cyzmq-proxy-mon")
    client.send(b"x")
    assert worker.recv() == b"x"
    assert mon.recv() == b"x"
    for s in (client, worker, mon):
        s.close()
    term = threading.Thread(target=ctx.term, daemon=True)
    term.start()
    _join_or_fail(runner, "Proxy.start()")
    _join_or_fail(term, "Context.term()")
    assert dev.done


def test_thread_proxy_steerable_pause_resume_statistics_terminate(ctx, devices) -> None:
    dev = devices(ThreadProxySteerable(zmq.PULL, zmq.PUSH, zmq.PUSH))
    pin = dev.bind_in_to_random_port(LOCAL)
    pout = dev.bind_out_to_random_port(LOCAL)
    pmon = dev.bind_mon_to_random_port(LOCAL)
    pctrl = dev.bind_ctrl_to_random_port(LOCAL)
    dev.start()
    client = make(ctx, zmq.PUSH, connect=addr(pin))
    worker = make(ctx, zmq.PULL, connect=addr(pout))
    mon = make(ctx, zmq.PULL, connect=addr(pmon))
    ctrl = make(ctx, zmq.PAIR, connect=addr(pctrl))

    client.send(b"12345")
    assert worker.recv() == b"12345"
    assert mon.recv() == b"12345"
    # frontend: msgs in, bytes in, msgs out, bytes out; then the same for the backend
    assert stats(ctrl) == [1, 5, 0, 0, 0, 0, 1, 5]

    ctrl.send(b"PAUSE")
    stats(ctrl)  # replied after PAUSE was handled: the proxy is paused now
    client.send(b"held")
    assert worker.poll(200) == 0, "a paused proxy must not forward"
    ctrl.send(b"RESUME")
    assert worker.recv() == b"held"
    assert stats(ctrl) == [2, 9, 0, 0, 0, 0, 2, 9]

    ctrl.send(b"TERMINATE")
    dev.join(JOIN)
    assert dev.launcher is not None and not dev.launcher.is_alive()
    assert dev.done
    # the shared instance context is left open; the device's own sockets are closed
    assert dev.context is zmq.Context.instance() and not dev.context.closed
    assert len(dev._sockets) == 4 and all(s.closed for s in dev._sockets)


def test_steerable_sub_control_socket_with_options(ctx, devices) -> None:
    dev = devices(ThreadProxySteerable(zmq.PULL, zmq.PUSH, zmq.PUB, zmq.SUB))
    dev.setsockopt_ctrl(zmq.SUBSCRIBE, b"")
    pctrl = dev.bind_ctrl_to_random_port(LOCAL)
    dev.bind_in_to_random_port(LOCAL)
    dev.bind_out_to_random_port(LOCAL)
    assert dev.ctrl_type == zmq.SUB
    dev.start()
    boss = make(ctx, zmq.PUB, connect=addr(pctrl))
    deadline = time.monotonic() + JOIN
    while dev.launcher is not None and dev.launcher.is_alive():
        assert time.monotonic() < deadline, "TERMINATE never reached the SUB control socket"
        boss.send(b"TERMINATE")  # repeated: the first may precede the subscription
        dev.join(0.05)
    assert dev.done


def test_foreground_proxy_steerable_returns_on_terminate(ctx) -> None:
    dev = ProxySteerable(zmq.PULL, zmq.PUSH)
    dev.context_factory = lambda: ctx
    dev.bind_in("inproc://cyzmq-ps-in")
    dev.bind_out("inproc://cyzmq-ps-out")
    dev.bind_ctrl("inproc://cyzmq-ps-ctrl")
    runner = threading.Thread(target=dev.start, daemon=True)
    runner.start()
    ctrl = make(ctx, zmq.PAIR, connect="inproc://cyzmq-ps-ctrl")
    client = make(ctx, zmq.PUSH, connect="inproc://cyzmq-ps-in")
    worker = make(ctx, zmq.PULL, connect="inproc://cyzmq-ps-out")
    client.send(b"before terminate")
    assert worker.recv() == b"before terminate"
    ctrl.send(b"TERMINATE")
    _join_or_fail(runner, "ProxySteerable.start()")
    assert dev.done
    assert not ctx.closed  # not the device's context: left to its owner


# -- monitored queues -----------------------------------------------------------------


def test_thread_monitored_queue_req_rep_with_prefixed_copies(ctx, devices) -> None:
    dev = devices(ThreadMonitoredQueue(zmq.ROUTER, zmq.DEALER, zmq.PUB, in_prefix="req>", out_prefix=b"<rep"))
    pin = dev.bind_in_to_random_port(LOCAL)
    pout = dev.bind_out_to_random_port(LOCAL)
    pmon = dev.bind_mon_to_random_port(LOCAL)
    dev.start()
    req = make(ctx, zmq.REQ, connect=addr(pin), routing_id=b"client-1")
    rep = make(ctx, zmq.REP, connect=addr(pout))
    mon = make(ctx, zmq.SUB, connect=addr(pmon), subscribe=b"")

    def round_trip(body: bytes) -> None:
        req.send(body)
        rep.send(rep.recv() + b"!")
        assert req.recv() == body + b"!"

    warm_up(lambda: round_trip(b"warm"), mon, lambda m: m[-1] in (b"warm", b"warm!"))
    round_trip(b"hello")
    assert mon.recv_multipart() == [b"req>", b"client-1", b"", b"hello"]
    assert mon.recv_multipart() == [b"<rep", b"client-1", b"", b"hello!"]
    assert mon.poll(100) == 0


def test_foreground_monitored_queue_and_function(ctx) -> None:
    assert monitored_queue.__doc__ and "Parameters" in monitored_queue.__doc__
    dev = MonitoredQueue(zmq.PULL, zmq.PUSH, zmq.PUSH)
    assert (dev._in_prefix, dev._out_prefix) == (b"in", b"out")
    dev.context_factory = lambda: ctx
    dev.bind_in("inproc://cyzmq-mq-in")
    dev.bind_out("inproc://cyzmq-mq-out")
    dev.bind_mon("inproc://cyzmq-mq-mon")
    runner = threading.Thread(target=dev.start, daemon=True)
    runner.start()
    client = make(ctx, zmq.PUSH, connect="inproc://cyzmq-mq-in")
    worker = make(ctx, zmq.PULL, connect="inproc://cyzmq-mq-out")
    mon = make(ctx, zmq.PULL, connect="inproc://cyzmq-mq-mon")
    client.send_multipart([b"a", b"b"])
    assert worker.recv_multipart() == [b"a", b"b"]
    assert mon.recv_multipart() == [b"in", b"a", b"b"]
    for s in (client, worker, mon):
        s.close()
    term = threading.Thread(target=ctx.term, daemon=True)
    term.start()
    _join_or_fail(runner, "MonitoredQueue.start()")
    _join_or_fail(term, "Context.term()")
    assert dev.done


# -- process devices ------------------------------------------------------------------


@pytest.mark.parametrize(
    "make_device",
    [
        lambda: ProcessDevice(zmq.STREAMER, zmq.PULL, zmq.PUSH),
        lambda: ProcessProxy(zmq.PULL, zmq.PUSH, zmq.PUSH),
        lambda: ProcessMonitoredQueue(zmq.PULL, zmq.PUSH, zmq.PUSH, b"fwd", b"back"),
        lambda: ProcessProxySteerable(zmq.PULL, zmq.PUSH, zmq.PUSH),
    ],
    ids=["ProcessDevice", "ProcessProxy", "ProcessMonitoredQueue", "ProcessProxySteerable"],
)
def test_process_devices_forward_and_stop(ctx, devices, make_device) -> None:
    dev = devices(make_device())
    pin = dev.bind_in_to_random_port(LOCAL)
    pout = dev.bind_out_to_random_port(LOCAL)
    pmon = dev.bind_mon_to_random_port(LOCAL) if hasattr(dev, "bind_mon") else None
    pctrl = dev.bind_ctrl_to_random_port(LOCAL) if hasattr(dev, "bind_ctrl") else None
    dev.start()
    assert dev.launcher is not None and dev.launcher.pid is not None
    client = make(ctx, zmq.PUSH, connect=addr(pin))
    worker = make(ctx, zmq.PULL, connect=addr(pout))
    mon = make(ctx, zmq.PULL, connect=addr(pmon)) if pmon is not None else None
    prefix = [b"fwd"] if isinstance(dev, ProcessMonitoredQueue) else []
    if mon is not None:
        # monitored_queue's copies are best effort: wait until the monitor is connected

        def send_warm() -> None:
            client.send(b"warm")
            assert worker.recv() == b"warm"

        warm_up(send_warm, mon, lambda m: m == prefix + [b"warm"])
    client.send_multipart([b"to", b"child"])
    assert worker.recv_multipart() == [b"to", b"child"]
    if mon is not None:
        assert mon.recv_multipart() == prefix + [b"to", b"child"]
    if pctrl is not None:
        ctrl = make(ctx, zmq.PAIR, connect=addr(pctrl))
        counters = stats(ctrl)
        assert counters[0] == counters[6] >= 2  # messages in on the front = out on the back
        ctrl.send(b"TERMINATE")
        dev.join(JOIN)
        assert dev.launcher.exitcode == 0  # TERMINATE is a normal end
    else:
        stop_device(dev)
        assert dev.launcher.exitcode is not None


# -- differences from pyzmq kept on purpose (tests/differential/allowlist.py) ----------


def test_steerable_without_ctrl_type_uses_a_pair_control_socket(ctx, devices) -> None:
    # pyzmq's device thread dies (a socket of type None); ours steers through a PAIR
    dev = devices(ThreadProxySteerable(zmq.PULL, zmq.PUSH))
    assert dev.ctrl_type is None
    pctrl = dev.bind_ctrl_to_random_port(LOCAL)
    dev.bind_in("inproc://cyzmq-dev-nectrl-in")
    dev.start()
    ctrl = make(ctx, zmq.PAIR, connect=addr(pctrl))
    assert stats(ctrl) == [0] * 8
    ctrl.send(b"TERMINATE")
    dev.join(JOIN)
    assert not dev.launcher.is_alive() and dev.done


def test_monitored_queue_prefix_types(ctx) -> None:
    a, b, m = make(ctx, zmq.PULL), make(ctx, zmq.PUSH), make(ctx, zmq.PUB)
    for bad in (5, bytearray(b"x"), memoryview(b"x"), None):
        with pytest.raises(TypeError):
            monitored_queue(a, b, m, bad)
        with pytest.raises(TypeError):
            monitored_queue(a, b, m, b"in", bad)


def test_device_that_made_its_own_context_terminates_it_when_it_ends(ctx, devices) -> None:
    # pyzmq's leaves such a context unterminated (a ResourceWarning when collected)
    dev = devices(ThreadProxySteerable(zmq.PULL, zmq.PUSH, zmq.PUB, zmq.PAIR))
    dev.context_factory = zmq.Context
    pctrl = dev.bind_ctrl_to_random_port(LOCAL)
    dev.bind_in("inproc://cyzmq-dev-own-in")
    dev.start()
    assert dev._context is not zmq.Context.instance()
    ctrl = make(ctx, zmq.PAIR, connect=addr(pctrl))
    ctrl.send(b"TERMINATE")
    dev.join(JOIN)
    assert not dev.launcher.is_alive() and dev._context.closed


def test_monitored_queue_copy_waits_for_a_push_monitor(devices) -> None:
    # as pyzmq's: the copy goes first, so a PUSH monitor without a peer holds the queue
    # and no copy is lost
    inst = zmq.Context.instance()
    dev = devices(ThreadMonitoredQueue(zmq.PULL, zmq.PUSH, zmq.PUSH))
    dev.bind_in("inproc://cyzmq-mq-wait-in")
    dev.bind_out("inproc://cyzmq-mq-wait-out")
    dev.bind_mon("inproc://cyzmq-mq-wait-mon")
    dev.start()
    client = make(inst, zmq.PUSH, connect="inproc://cyzmq-mq-wait-in")
    worker = make(inst, zmq.PULL, connect="inproc://cyzmq-mq-wait-out")
    client.send(b"one")
    assert worker.poll(300) == 0, "forwarded before the monitor took its copy"
    mon = make(inst, zmq.PULL, connect="inproc://cyzmq-mq-wait-mon")
    assert mon.recv_multipart() == [b"in", b"one"]
    assert worker.recv() == b"one"
    for s in (client, worker, mon):
        s.close()
    stop_device(dev)
