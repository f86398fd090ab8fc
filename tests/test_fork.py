"""fork(): libzmq objects cannot cross a fork.

In the child, objects inherited from the parent must refuse to work (a clear ZMQError,
never a hang or a crash), ``Context.instance()`` must be a new context, and new
contexts/sockets must work and can talk to the parent. The parent must not notice any of it.

Children are forked with os.fork() (and once through multiprocessing's "fork" start
method); they report back as JSON over a pipe and always leave through os._exit(). The
parent bounds every wait and kills a child that overstays.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import select
import signal
import time
import traceback
import warnings

import pytest

import zmq

CHILD_TIMEOUT = 10.0  # seconds


def _fork():
    with warnings.catch_warnings():
        # Python >= 3.12 warns about fork() in a multi-threaded process (libzmq's threads).
        warnings.simplefilter("ignore", DeprecationWarning)
        return os.fork()


def run_in_child(func, *args):
    """Run ``func(*args)`` in a forked child; return its JSON-able result (or raise with the
    child's traceback)."""
    r, w = os.pipe()
    pid = _fork()
    if pid == 0:  # child: never return into pytest
        code = 1
        try:
            os.close(r)
            try:
                payload = {"result": func(*args)}
                code = 0
            except BaseException:
                payload = {"error": traceback.format_exc()}
            data = json.dumps(payload).encode()
            while data:
                data = data[os.write(w, data):]
        finally:
            os._exit(code)
    os.close(w)
    try:
        chunks = []
        deadline = time.monotonic() + CHILD_TIMEOUT
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            ready, _, _ = select.select([r], [], [], left)
            if not ready:
                break
            chunk = os.read(r, 65536)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(r)
        status = _reap(pid)
    raw = b"".join(chunks)
    assert raw, f"the child sent nothing (wait status {status})"
    payload = json.loads(raw)
    assert "error" not in payload, "child failed:\n" + payload["error"]
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
    return payload["result"]


def _reap(pid):
    deadline = time.monotonic() + CHILD_TIMEOUT
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)  # our own child, by pid
            return os.waitpid(pid, 0)[1]
        time.sleep(0.01)  # (waitpid has no timeout: a bounded poll)


def _make(ctx, kind, **opts):
    s = ctx.socket(kind)
    s.linger = 0
    s.rcvtimeo = 5000
    s.sndtimeo = 5000
    for k, v in opts.items():
        setattr(s, k, v)
    return s


def test_context_instance_in_child_is_fresh_and_works():
    previous = zmq.Context.__dict__.get("_instance")
    created_here = previous is None or previous.closed
    inst = zmq.Context.instance()
    try:

        def child():
            c = zmq.Context.instance()
            out = {
                "fresh": c is not inst,
                "usable": not c.closed,
                "singleton": zmq.Context.instance() is c,
                "same_handle": c.underlying == inst.underlying,
            }
            a = _make(c, zmq.PAIR)
            b = _make(c, zmq.PAIR)
            a.bind("inproc://fork-instance")
            b.connect("inproc://fork-instance")
            a.send(b"child inproc")
            out["roundtrip"] = b.recv().decode()
            a.close()
            b.close()
            c.term()
            return out

        out = run_in_child(child)
        assert out == {
            "fresh": True,
            "usable": True,
            "singleton": True,
            "same_handle": False,
            "roundtrip": "child inproc",
        }
        # The parent's instance is untouched.
        assert zmq.Context.instance() is inst
        assert not inst.closed
        s = _make(inst, zmq.PAIR)
        s.close()
    finally:
        if created_here and zmq.Context.instance() is inst:
            inst.term()


def test_inherited_objects_raise_in_child_and_parent_traffic_is_unaffected(context, sockets):
    pull = sockets(zmq.PULL)
    pull.bind("tcp://127.0.0.1:*")
    endpoint = pull.last_endpoint.decode()
    push = sockets(zmq.PUSH)
    push.connect(endpoint)
    for i in range(3):
        push.send(b"warm-up %d" % i)
        assert pull.recv() == b"warm-up %d" % i
    push.send(b"queued before fork")  # still waiting in the parent's PULL queue
    assert pull.poll(2000) == zmq.POLLIN

    def child():
        poller = zmq.Poller()
        poller.register(pull, zmq.POLLIN)
        attempts = {
            "recv": lambda: pull.recv(),
            "recv_noblock": lambda: pull.recv(zmq.NOBLOCK),
            "recv_multipart": lambda: pull.recv_multipart(),
            "send": lambda: push.send(b"from the child"),
            "send_zero_copy": lambda: push.send(b"z" * 100_000, copy=False),
            "poll": lambda: pull.poll(5000),
            "zmq_poll": lambda: zmq.zmq_poll([(pull, zmq.POLLIN)], 5000),
            "Poller.poll": lambda: poller.poll(5000),
            "bind": lambda: pull.bind("tcp://127.0.0.1:*"),
            "connect": lambda: push.connect(endpoint),
            "getsockopt": lambda: pull.rcvtimeo,
            "setsockopt": lambda: setattr(pull, "rcvtimeo", 1),
            "monitor": lambda: pull.monitor("inproc://fork-mon"),
            "proxy": lambda: zmq.proxy(pull, push),
            "context.socket": lambda: context.socket(zmq.PUSH),
            "context.get": lambda: context.get(zmq.IO_THREADS),
        }
        out = {}
        for name, attempt in attempts.items():
            start = time.monotonic()
            try:
                attempt()
                out[name] = {"raised": None}
            except zmq.ZMQError as e:
                out[name] = {"raised": "ZMQError", "message": str(e)}
            except Exception as e:
                out[name] = {"raised": type(e).__name__, "message": str(e)}
            out[name]["seconds"] = time.monotonic() - start
        # Cleaning up the inherited objects is harmless and never touches the parent's.
        pull.close()
        push.close()
        context.term()
        out["closed"] = [pull.closed, push.closed, context.closed]
        return out

    out = run_in_child(child)
    closed = out.pop("closed")
    assert closed == [True, True, True]
    for name, report in out.items():
        assert report["raised"] == "ZMQError", (name, report)
        assert "fork" in report["message"].lower(), (name, report["message"])
        assert report["seconds"] < 1.0, (name, report)  # refused at once, no hang

    # The parent's sockets and context are unaffected.
    assert not pull.closed and not push.closed and not context.closed
    assert pull.recv() == b"queued before fork"
    assert pull.poll(100) == 0  # the child's send never made it
    for i in range(20):
        push.send(b"after fork %d" % i)
    assert [pull.recv() for _ in range(20)] == [b"after fork %d" % i for i in range(20)]
    extra = _make(context, zmq.PAIR)
    extra.close()


def test_parent_keeps_working_while_the_child_runs(sockets):
    pull = sockets(zmq.PULL)
    pull.bind("inproc://fork-busy")
    push = sockets(zmq.PUSH)
    push.connect("inproc://fork-busy")
    r, w = os.pipe()
    pid = _fork()
    if pid == 0:
        try:
            os.close(w)
            # Alive, touching nothing inherited, until the parent closes its end (bounded).
            select.select([r], [], [], CHILD_TIMEOUT)
        finally:
            os._exit(0)
    os.close(r)
    try:
        start = time.monotonic()
        n = 0
        while time.monotonic() - start < 0.2:
            push.send(b"%d" % n)
            assert pull.recv() == b"%d" % n
            n += 1
        assert n > 10
        assert os.waitpid(pid, os.WNOHANG) == (0, 0), "the child did not run alongside"
    finally:
        os.close(w)
        status = _reap(pid)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    push.send(b"after exit")
    assert pull.recv() == b"after exit"


@pytest.fixture(params=["tcp", "ipc"])
def parent_endpoint(request, tmp_path):
    if request.param == "tcp":
        yield "tcp://127.0.0.1:*"
        return
    yield f"ipc://{tmp_path}/rep"


def test_child_with_a_fresh_context_talks_to_the_parent(sockets, parent_endpoint):
    rep = sockets(zmq.REP)
    rep.bind(parent_endpoint)
    endpoint = rep.last_endpoint.decode()

    def child():
        with zmq.Context() as c:
            req = _make(c, zmq.REQ)
            req.connect(endpoint)
            req.send(b"hello from %d" % os.getpid())
            reply = req.recv()
            req.close()
        return reply.decode()

    r, w = os.pipe()
    pid = _fork()
    if pid == 0:
        code = 1
        try:
            os.close(r)
            os.write(w, child().encode())
            code = 0
        except BaseException:
            os.write(w, traceback.format_exc().encode()[-2000:])
        finally:
            os._exit(code)
    os.close(w)
    try:
        request = rep.recv()
        assert request == b"hello from %d" % pid
        rep.send(b"hello child")
        ready, _, _ = select.select([r], [], [], CHILD_TIMEOUT)
        answer = os.read(r, 4096) if ready else b""
    finally:
        os.close(r)
        status = _reap(pid)
    assert answer == b"hello child"
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def _mp_child(endpoint):
    # Runs in a multiprocessing "fork" child.
    ctx = zmq.Context.instance()
    try:
        s = _make(ctx, zmq.PUSH)
        s.linger = 2000  # let the message reach the parent before the context goes
        s.connect(endpoint)
        s.send_multipart([b"mp child", str(os.getpid()).encode()])
        s.close()
    finally:
        ctx.term()


def test_multiprocessing_fork_child_sends_to_the_parent(sockets, tmp_path):
    pull = sockets(zmq.PULL)
    pull.bind(f"ipc://{tmp_path}/mp")
    mp = multiprocessing.get_context("fork")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        proc = mp.Process(target=_mp_child, args=(f"ipc://{tmp_path}/mp",))
        proc.start()
    try:
        assert pull.recv_multipart() == [b"mp child", str(proc.pid).encode()]
        proc.join(CHILD_TIMEOUT)
        assert proc.exitcode == 0
    finally:
        if proc.is_alive():
            proc.kill()
            proc.join(5)
        proc.close()
