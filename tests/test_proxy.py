"""zmq.proxy, zmq.proxy_steerable and zmq.device running in a thread between real sockets.

The sockets handed to the proxy are used only by the proxy thread from then on; that
thread closes them (linger=0) as soon as the proxy call ends, so terminating the context
cannot hang. Every join has a timeout.
"""
from __future__ import annotations

import struct
import threading

import pytest

import zmq

JOIN = 5.0  # seconds


class ProxyThread(threading.Thread):
    """Run ``func(*args)`` in a thread, record its result or exception, then close the
    sockets among ``args`` (plain close(): they were all created with linger=0)."""

    def __init__(self, func, *socks):
        super().__init__(daemon=True)
        self.func = func
        self.socks = socks
        self.result = None
        self.error = None
        self.returned = False

    def run(self):
        try:
            self.result = self.func(*self.socks)
            self.returned = True
        except BaseException as e:  # recorded, checked by the test
            self.error = e
        finally:
            for s in self.socks:
                if isinstance(s, zmq.Socket):
                    s.close()  # LINGER is already 0 (see _make)


def _terminate(ctx, threads, own_sockets):
    """Close the test's own sockets, terminate ``ctx`` from a helper thread (term blocks
    until the proxy thread closed its sockets) and wait for everything, bounded."""
    for s in own_sockets:
        s.close(linger=0)
    term = threading.Thread(target=ctx.term, daemon=True)
    term.start()
    for t in threads:
        t.join(JOIN)
        assert not t.is_alive(), "the proxy did not end when the context was terminated"
    term.join(JOIN)
    assert not term.is_alive(), "Context.term() hung"
    assert ctx.closed


def _make(ctx, kind, bind=None, connect=None, **opts):
    s = ctx.socket(kind)
    s.linger = 0
    s.rcvtimeo = 5000
    s.sndtimeo = 5000
    for k, v in opts.items():
        setattr(s, k, v)
    if bind:
        s.bind(bind)
    if connect:
        s.connect(connect)
    return s


@pytest.mark.parametrize("transport", ["inproc", "tcp"])
def test_proxy_forwards_push_pull_with_capture(ctx, transport):
    if transport == "inproc":
        front_addr, back_addr = "inproc://px-front", "inproc://px-back"
    else:
        front_addr = back_addr = "tcp://127.0.0.1:*"
    front = _make(ctx, zmq.PULL, bind=front_addr)
    back = _make(ctx, zmq.PUSH, bind=back_addr)
    capture = _make(ctx, zmq.PUSH, bind="inproc://px-capture")
    client = _make(ctx, zmq.PUSH, connect=front.last_endpoint.decode())
    worker = _make(ctx, zmq.PULL, connect=back.last_endpoint.decode())
    captured = _make(ctx, zmq.PULL, connect="inproc://px-capture")

    proxy = ProxyThread(zmq.proxy, front, back, capture)
    proxy.start()

    messages = [[b"single"], [b"multi", b"part", b"message"], [b"x" * 100_000], [b""]]
    for m in messages:
        client.send_multipart(m)
    for m in messages:
        assert worker.recv_multipart() == m
    for m in messages:
        assert captured.recv_multipart() == m
    assert worker.poll(100) == 0
    assert captured.poll(100) == 0
    assert proxy.is_alive()

    _terminate(ctx, [proxy], [client, worker, captured])
    assert isinstance(proxy.error, zmq.ContextTerminated), proxy.error
    assert not proxy.returned


def test_proxy_router_dealer_carries_req_rep_with_capture(ctx):
    front = _make(ctx, zmq.ROUTER, bind="tcp://127.0.0.1:*")
    back = _make(ctx, zmq.DEALER, bind="tcp://127.0.0.1:*")
    capture = _make(ctx, zmq.PUSH, bind="inproc://px-rr-capture")
    captured = _make(ctx, zmq.PULL, connect="inproc://px-rr-capture")
    reqs = [_make(ctx, zmq.REQ, connect=front.last_endpoint.decode()) for _ in range(2)]
    rep = _make(ctx, zmq.REP, connect=back.last_endpoint.decode())

    proxy = ProxyThread(zmq.proxy, front, back, capture)
    proxy.start()

    for i in range(3):
        for n, req in enumerate(reqs):
            req.send(b"ping %d/%d" % (n, i))
            assert rep.recv() == b"ping %d/%d" % (n, i)
            rep.send(b"pong %d/%d" % (n, i))
            assert req.recv() == b"pong %d/%d" % (n, i)

    # The capture socket saw every request and every reply, routing envelope included.
    seen = []
    for _ in range(12):
        frames = captured.recv_multipart()
        assert b"" in frames  # the REQ/REP delimiter travels through the proxy
        seen.append(frames[-1])
    assert captured.poll(100) == 0
    expected = []
    for i in range(3):
        for n in range(2):
            expected += [b"ping %d/%d" % (n, i), b"pong %d/%d" % (n, i)]
    assert sorted(seen) == sorted(expected)

    _terminate(ctx, [proxy], [captured, rep, *reqs])
    assert isinstance(proxy.error, zmq.ContextTerminated), proxy.error


def test_proxy_without_capture_ends_with_context_terminated(ctx):
    front = _make(ctx, zmq.PULL, bind="inproc://px2-front")
    back = _make(ctx, zmq.PUSH, bind="inproc://px2-back")
    proxy = ProxyThread(zmq.proxy, front, back)
    proxy.start()
    proxy.join(0.2)
    assert proxy.is_alive()  # it runs until the context goes away
    _terminate(ctx, [proxy], [])
    assert isinstance(proxy.error, zmq.ContextTerminated)
    assert front.closed and back.closed


def test_proxy_rejects_non_sockets(ctx):
    front = _make(ctx, zmq.PULL)
    with pytest.raises(TypeError):
        zmq.proxy(front, "not a socket")
    with pytest.raises(TypeError):
        zmq.proxy(object(), front)
    front.close()
    ctx.term()


def test_proxy_thread_may_close_with_linger_after_context_terminated(ctx):
    # The usual shutdown idiom of a proxy thread: catch ContextTerminated, close the sockets.
    # close(linger=0) must close even though libzmq refuses options (ETERM) at this point,
    # or Context.term() in the other thread never returns.
    front = ctx.socket(zmq.PULL)
    back = ctx.socket(zmq.PUSH)
    front.bind("inproc://px-idiom-front")
    back.bind("inproc://px-idiom-back")
    outcome = {}

    def run():
        try:
            zmq.proxy(front, back)
        except zmq.ContextTerminated:
            outcome["terminated"] = True
        for s in (front, back):
            try:
                s.close(linger=0)
            except Exception as e:  # recorded; the test fails on it below
                outcome.setdefault("close_errors", []).append(repr(e))
            finally:
                if not s.closed:
                    s.close()  # fallback, so that term() can finish whatever happens

    proxy = threading.Thread(target=run, daemon=True)
    proxy.start()
    term = threading.Thread(target=ctx.term, daemon=True)
    term.start()
    proxy.join(JOIN)
    term.join(JOIN)
    assert not proxy.is_alive() and not term.is_alive()
    assert outcome.get("terminated")
    assert outcome.get("close_errors") is None, outcome["close_errors"]


# -- proxy_steerable -------------------------------------------------------------------------


def _stats(control):
    control.send(b"STATISTICS")
    frames = control.recv_multipart()
    assert len(frames) == 8
    assert all(len(f) == 8 for f in frames)
    return [struct.unpack("=Q", f)[0] for f in frames]


def test_proxy_steerable_pause_resume_statistics_terminate(ctx):
    front = _make(ctx, zmq.PULL, bind="inproc://ps-front")
    back = _make(ctx, zmq.PUSH, bind="inproc://ps-back")
    control = _make(ctx, zmq.PAIR, bind="inproc://ps-control")
    client = _make(ctx, zmq.PUSH, connect="inproc://ps-front")
    worker = _make(ctx, zmq.PULL, connect="inproc://ps-back")
    controller = _make(ctx, zmq.PAIR, connect="inproc://ps-control")

    proxy = ProxyThread(zmq.proxy_steerable, front, back, None, control)
    proxy.start()

    # Running: forwards.
    for i in range(3):
        client.send(b"msg-%d" % i)  # 5 bytes each
    for i in range(3):
        assert worker.recv() == b"msg-%d" % i
    # frontend: in msgs/bytes, out msgs/bytes; backend: in msgs/bytes, out msgs/bytes
    assert _stats(controller) == [3, 15, 0, 0, 0, 0, 3, 15]

    # PAUSE: control messages are handled in order, so once the STATISTICS reply arrives
    # the pause is in effect. Messages now wait in the frontend.
    controller.send(b"PAUSE")
    assert _stats(controller) == [3, 15, 0, 0, 0, 0, 3, 15]
    client.send(b"paused-1")
    client.send(b"paused-2")
    assert worker.poll(300) == 0
    assert _stats(controller) == [3, 15, 0, 0, 0, 0, 3, 15]  # nothing read while paused

    # RESUME: the queued messages flow.
    controller.send(b"RESUME")
    assert worker.recv() == b"paused-1"
    assert worker.recv() == b"paused-2"
    assert _stats(controller) == [5, 31, 0, 0, 0, 0, 5, 31]

    # TERMINATE: proxy_steerable returns normally (no exception).
    controller.send(b"TERMINATE")
    proxy.join(JOIN)
    assert not proxy.is_alive(), "TERMINATE did not end proxy_steerable"
    assert proxy.error is None, proxy.error
    assert proxy.returned
    assert proxy.result in (None, 0)
    assert front.closed and back.closed and control.closed

    for s in (client, worker, controller):
        s.close()
    ctx.term()


def test_proxy_steerable_statistics_count_both_directions(ctx):
    front = _make(ctx, zmq.ROUTER, bind="inproc://ps2-front")
    back = _make(ctx, zmq.DEALER, bind="inproc://ps2-back")
    control = _make(ctx, zmq.PAIR, bind="inproc://ps2-control")
    req = _make(ctx, zmq.REQ, connect="inproc://ps2-front")
    rep = _make(ctx, zmq.REP, connect="inproc://ps2-back")
    controller = _make(ctx, zmq.PAIR, connect="inproc://ps2-control")

    proxy = ProxyThread(zmq.proxy_steerable, front, back, None, control)
    proxy.start()
    req.send(b"abcd")
    assert rep.recv() == b"abcd"
    rep.send(b"efghij")
    assert req.recv() == b"efghij"
    stats = _stats(controller)
    # Counted per (multipart) message; bytes are summed over its frames. Through ROUTER a
    # request is routing id + empty delimiter + body, and so is the reply.
    front_in, front_in_bytes, front_out, front_out_bytes, back_in, back_in_bytes, back_out, back_out_bytes = stats
    assert front_in == back_out == 1
    assert back_in == front_out == 1
    assert front_in_bytes > len(b"abcd")
    assert front_in_bytes == back_out_bytes
    assert back_in_bytes == front_out_bytes
    assert front_in_bytes - back_in_bytes == len(b"abcd") - len(b"efghij")

    _terminate(ctx, [proxy], [req, rep, controller])
    # Without TERMINATE, terminating the context ends proxy_steerable too.
    assert isinstance(proxy.error, zmq.ContextTerminated), proxy.error


def test_proxy_steerable_without_control_is_a_plain_proxy(ctx):
    front = _make(ctx, zmq.PULL, bind="inproc://ps3-front")
    back = _make(ctx, zmq.PUSH, bind="inproc://ps3-back")
    client = _make(ctx, zmq.PUSH, connect="inproc://ps3-front")
    worker = _make(ctx, zmq.PULL, connect="inproc://ps3-back")
    proxy = ProxyThread(zmq.proxy_steerable, front, back)
    proxy.start()
    client.send(b"through")
    assert worker.recv() == b"through"
    _terminate(ctx, [proxy], [client, worker])
    assert isinstance(proxy.error, zmq.ContextTerminated), proxy.error


# -- device ----------------------------------------------------------------------------------


def test_device_queue(ctx):
    front = _make(ctx, zmq.ROUTER, bind="tcp://127.0.0.1:*")
    back = _make(ctx, zmq.DEALER, bind="tcp://127.0.0.1:*")
    req = _make(ctx, zmq.REQ, connect=front.last_endpoint.decode())
    rep = _make(ctx, zmq.REP, connect=back.last_endpoint.decode())

    device = ProxyThread(zmq.device, zmq.QUEUE, front, back)
    device.start()

    for i in range(3):
        req.send(b"request %d" % i)
        assert rep.recv() == b"request %d" % i
        rep.send(b"reply %d" % i)
        assert req.recv() == b"reply %d" % i

    _terminate(ctx, [device], [req, rep])
    assert isinstance(device.error, zmq.ContextTerminated), device.error


def test_proxy_needs_a_frontend_and_a_backend(ctx):
    s = _make(ctx, zmq.PAIR)
    for call in (lambda: zmq.proxy(None, None), lambda: zmq.proxy(s, None), lambda: zmq.proxy(None, s),
                 lambda: zmq.proxy_steerable(None, None), lambda: zmq.proxy_steerable(s, None, None, s),
                 lambda: zmq.device(zmq.QUEUE, None, None)):
        with pytest.raises(TypeError):  # as pyzmq (capture and control may be None)
            call()
    s.close()
    ctx.term()


def test_proxy_with_closed_sockets_is_enotsock(ctx):
    # pyzmq hands libzmq a NULL socket (EFAULT); a closed socket is ENOTSOCK everywhere else.
    closed = _make(ctx, zmq.PAIR)
    closed.close()
    live = _make(ctx, zmq.PAIR)
    for call in (lambda: zmq.proxy(closed, live), lambda: zmq.proxy(live, closed),
                 lambda: zmq.proxy(live, live, closed), lambda: zmq.proxy_steerable(live, live, None, closed)):
        with pytest.raises(zmq.ZMQError) as e:
            call()
        assert e.value.errno == zmq.ENOTSOCK
    live.close()
    ctx.term()
