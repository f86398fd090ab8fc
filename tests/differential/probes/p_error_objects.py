"""The full state of exceptions raised by real calls: args, str, repr, vars, __reduce__,
errno/strerror, pickle and copy round trips, chaining and traceback.

p_error.py covers the classes made directly and the outline (type, errno, message) of a few
raised ones; here every record holds everything an exception shows, for each way a call fails.
"""
import copy
import json
import os
import pickle
import tempfile
import threading

import zmq
import zmq.error
from _probe import mask, norm, probe, rec_raw

COVERS = ()


def _project(text, subs):
    # the InterruptedSystemCall text names the binding to report to; addresses vary per run
    text = text.replace("report this to cyzmq", "report this to <binding>").replace(
        "report this to pyzmq", "report this to <binding>")
    for old, new in subs:
        text = text.replace(old, new)
    return mask(text)


def _names(obj):
    return None if obj is None else type(obj).__qualname__


def _state(e):
    """Everything ``e`` shows, as a dict of plain values (not yet normalised).

    Only zmq's own exceptions: of a TypeError or ValueError, the outline (the texts of
    those are each binding's own wording).
    """
    if not isinstance(e, (zmq.ZMQBaseError, zmq.ZMQVersionError)):
        return {"type": type(e).__qualname__, "nargs": len(e.args), "vars": dict(vars(e))}
    st = {
        "type": type(e).__qualname__,
        "mro": [c.__name__ for c in type(e).__mro__],
        "args": e.args,
        "str": str(e),
        "repr": repr(e),
        "vars": dict(vars(e)),
        "reduce": e.__reduce__(),
        "errno": repr(getattr(e, "errno", "-")),
        "errno_type": type(getattr(e, "errno", None)).__name__,
        "strerror": repr(getattr(e, "strerror", "-")),
        "context": _names(e.__context__),
        "cause": _names(e.__cause__),
        "suppress_context": e.__suppress_context__,
        "has_traceback": e.__traceback__ is not None,
    }
    if isinstance(e, zmq.ZMQError):
        st["is_again"] = e.errno == zmq.EAGAIN
        st["is_eterm"] = e.errno == zmq.ETERM
        st["class_errno"] = repr(getattr(type(e), "errno", "-"))
        st["class_strerror"] = repr(getattr(type(e), "strerror", "-"))
    try:
        back = pickle.loads(pickle.dumps(e))
        st["pickled"] = [type(back).__qualname__, back.args, dict(vars(back)), str(back), repr(back)]
    except Exception as x:  # noqa: BLE001 - the failure is the observation
        st["pickled"] = ["failed", type(x).__qualname__]
    c = copy.copy(e)
    st["copy"] = [type(c).__qualname__, c.args, dict(vars(c)), str(c), c is e]
    return st


def _record(e, label, subs=()):
    text = json.dumps(norm(_state(e)), sort_keys=True)
    rec_raw(json.loads(_project(text, subs)), label)


def _raises(label, fn, *args, subs=(), **kwargs):
    """Call ``fn``; record the full state of what it raised (or that it did not raise)."""
    try:
        fn(*args, **kwargs)
    except Exception as e:  # noqa: BLE001 - the exception is the observation
        _record(e, label, subs)
        return e
    rec_raw("no exception", label)
    return None


def _ctx(kind):
    ctx = zmq.Context()
    s = ctx.socket(kind)
    s.linger = 0
    return ctx, s


def _end(ctx, *socks):
    for s in socks:
        s.close()
    ctx.term()


# -- Again: NOBLOCK, every variant, and the timeouts ---------------------------------------------


@probe
def probe_recv_noblock_variants():
    ctx, s = _ctx(zmq.PULL)
    N = zmq.NOBLOCK
    _raises("recv", s.recv, N)
    _raises("recv_flags_kw", s.recv, flags=N)
    _raises("recv_nocopy", s.recv, N, copy=False)
    _raises("recv_track", s.recv, N, copy=False, track=True)
    _raises("recv_multipart", s.recv_multipart, N)
    _raises("recv_multipart_nocopy", s.recv_multipart, N, copy=False)
    _raises("recv_string", s.recv_string, N)
    _raises("recv_json", s.recv_json, N)
    _raises("recv_pyobj", s.recv_pyobj, N)
    _raises("recv_serialized", s.recv_serialized, lambda parts: parts, N)
    _raises("recv_into", s.recv_into, bytearray(8), flags=N)
    _raises("dontwait", s.recv, zmq.DONTWAIT)
    _end(ctx, s)


@probe
def probe_send_noblock_variants():
    ctx, s = _ctx(zmq.PUSH)
    N = zmq.NOBLOCK
    _raises("send", s.send, b"x", N)
    _raises("send_nocopy", s.send, b"x" * 100000, N, copy=False)
    _raises("send_frame", s.send, zmq.Frame(b"x"), N)
    _raises("send_multipart", s.send_multipart, [b"a", b"b"], N)
    _raises("send_multipart_nocopy", s.send_multipart, [b"a", b"b"], N, copy=False)
    _raises("send_string", s.send_string, "x", N)
    _raises("send_json", s.send_json, {"a": 1}, N)
    _raises("send_pyobj", s.send_pyobj, [1], N)
    _raises("send_serialized", s.send_serialized, b"x", lambda m: [m], N)
    _end(ctx, s)


@probe
def probe_again_fresh_per_raise():
    ctx, s = _ctx(zmq.PULL)
    caught = []
    for _ in range(3):
        try:
            s.recv(zmq.NOBLOCK)
        except zmq.Again as e:
            caught.append(e)
    rec_raw([caught[0] is caught[1], caught[1] is caught[2]], "same object")
    caught[0].note = "mine"
    caught[0].errno = 1
    _record(caught[1], "after changing another one")
    _end(ctx, s)


@probe
def probe_again_while_handling():
    ctx, s = _ctx(zmq.PULL)
    try:
        raise KeyError("k")
    except KeyError:
        _raises("in except", s.recv, zmq.NOBLOCK)
        _raises("multipart in except", s.recv_multipart, zmq.NOBLOCK)
    try:
        try:
            raise KeyError("k")
        except KeyError as k:
            raise RuntimeError("r") from k
    except RuntimeError:
        _raises("in except of a chained one", s.recv, zmq.NOBLOCK)
    try:
        try:
            s.recv(zmq.NOBLOCK)
        except zmq.Again as a:
            raise ValueError("v") from a
    except ValueError as v:
        _record(v, "raised from Again")
        _record(v.__cause__, "the Again it was raised from")
    _end(ctx, s)


@probe
def probe_timeouts():
    ctx, s = _ctx(zmq.PULL)
    s.rcvtimeo = 10
    _raises("rcvtimeo recv", s.recv)
    _raises("rcvtimeo recv nocopy", s.recv, copy=False)
    _raises("rcvtimeo recv_multipart", s.recv_multipart)
    _raises("rcvtimeo recv_string", s.recv_string)
    out = ctx.socket(zmq.PUSH)
    out.linger = 0
    out.sndtimeo = 10
    _raises("sndtimeo send", out.send, b"x")
    _raises("sndtimeo send_multipart", out.send_multipart, [b"x", b"y"])
    _end(ctx, s, out)


# -- endpoints -----------------------------------------------------------------------------------


_BAD_ENDPOINTS = ("bogus://x", "tcp://nope", "tcp://999.1.1.1:5", "ipc://", b"bogus://x")


def _endpoint_errors(op):
    ctx, s = _ctx(zmq.PULL)
    for ep in _BAD_ENDPOINTS:
        _raises(f"{op} {ep!r}", getattr(s, op), ep)
    _end(ctx, s)


@probe
def probe_bind_bad_endpoints():
    _endpoint_errors("bind")


@probe
def probe_connect_bad_endpoints():
    _endpoint_errors("connect")


@probe
def probe_unbind_bad_endpoints():
    _endpoint_errors("unbind")


@probe
def probe_disconnect_bad_endpoints():
    _endpoint_errors("disconnect")


@probe
def probe_endpoint_in_use_and_not_bound():
    ctx, s = _ctx(zmq.PULL)
    other = ctx.socket(zmq.PULL)
    other.linger = 0
    port = other.bind_to_random_port("tcp://127.0.0.1")
    ep = f"tcp://127.0.0.1:{port}"
    subs = [(str(port), "<port>")]
    _raises("bind in use", s.bind, ep, subs=subs)
    _raises("unbind not bound", s.unbind, ep, subs=subs)
    _raises("disconnect not connected", s.disconnect, ep, subs=subs)
    _raises("unbind inproc not bound", s.unbind, "inproc://never-bound-here")
    _raises("disconnect bytes", s.disconnect, b"tcp://127.0.0.1:1")
    s.bind("inproc://p-error-objects")
    _raises("bind inproc twice", other.bind, "inproc://p-error-objects")
    _raises("bind_to_random_port bad addr", s.bind_to_random_port, "bogus://127.0.0.1")
    _end(ctx, s, other)


@probe
def probe_bind_to_random_port_exhausted():
    ctx, s = _ctx(zmq.PULL)
    other = ctx.socket(zmq.PULL)
    other.linger = 0
    port = other.bind_to_random_port("tcp://127.0.0.1")
    _raises("none free", s.bind_to_random_port, "tcp://127.0.0.1", min_port=port, max_port=port + 1,
            max_tries=2, subs=[(str(port), "<port>"), (str(port + 1), "<port+1>")])
    _end(ctx, s, other)


@probe
def probe_bind_ipc_path_too_long():
    ctx, s = _ctx(zmq.PULL)
    d = tempfile.mkdtemp(prefix="p-errobj-")
    try:
        path = os.path.join(d, "a" * zmq.IPC_PATH_MAX_LEN)
        _raises("bind", s.bind, "ipc://" + path, subs=[(d, "<dir>")])
    finally:
        _end(ctx, s)
        os.rmdir(d)


@probe
def probe_monitor_errors():
    ctx, s = _ctx(zmq.PULL)
    _raises("monitor bad protocol", s.monitor, "bogus://x")
    _raises("monitor tcp", s.monitor, "tcp://127.0.0.1:1")
    _raises("monitor type", s.monitor, 5)
    _end(ctx, s)


# -- options, closed sockets, terminated contexts, state -----------------------------------------


@probe
def probe_option_errors():
    ctx, s = _ctx(zmq.PULL)
    _raises("get unknown", s.get, 9999)
    _raises("getsockopt unknown", s.getsockopt, 9999)
    _raises("set unknown", s.set, 9999, 1)
    _raises("setsockopt unknown", s.setsockopt, 9999, 1)
    _raises("set subscribe on pull", s.set, zmq.SUBSCRIBE, b"x")
    _raises("set linger str", s.set, zmq.LINGER, "x")
    _raises("set routing_id str", s.set, zmq.ROUTING_ID, "x")
    _raises("set string bytes", s.setsockopt_string, zmq.ROUTING_ID, b"x")
    _raises("set linger too big", s.set, zmq.LINGER, 2 ** 40)
    _raises("attribute unknown", getattr, s, "no_such_option")
    _raises("set_hwm str", setattr, s, "hwm", "x")
    _end(ctx, s)


@probe
def probe_closed_socket_errors():
    ctx, s = _ctx(zmq.PULL)
    s.close()
    _raises("recv", s.recv)
    _raises("recv noblock", s.recv, zmq.NOBLOCK)
    _raises("recv_multipart", s.recv_multipart)
    _raises("send", s.send, b"x")
    _raises("bind", s.bind, "inproc://x")
    _raises("connect", s.connect, "inproc://x")
    _raises("get", s.get, zmq.LINGER)
    _raises("set", s.set, zmq.LINGER, 0)
    _raises("monitor", s.monitor, "inproc://m")
    ctx.term()


@probe
def probe_terminated_context_errors():
    import time

    ctx, s = _ctx(zmq.PULL)
    term = threading.Thread(target=ctx.term)
    term.start()
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:  # until term() has begun: every call then fails with ETERM
        try:
            s.recv(zmq.NOBLOCK)
        except zmq.Again:
            time.sleep(0.005)
        except zmq.ContextTerminated:
            break
    _raises("recv", s.recv)
    _raises("recv noblock", s.recv, zmq.NOBLOCK)
    _raises("send", s.send, b"x")
    for op in ("bind", "connect", "unbind", "disconnect"):
        _raises(op, getattr(s, op), "inproc://p-errobj-term")
    _raises("get", s.get, zmq.LINGER)
    s.close()
    term.join(5)


@probe
def probe_closed_socket_endpoints():
    ctx, s = _ctx(zmq.PULL)
    s.close()
    for op in ("bind", "connect", "unbind", "disconnect"):
        _raises(op, getattr(s, op), "inproc://x")
        _raises(op + " bytes", getattr(s, op), b"bogus://x")
        _raises(op + " not a str", getattr(s, op), 5)
    ctx.term()


@probe
def probe_eterm_in_thread():
    ctx, s = _ctx(zmq.PULL)
    caught = []

    def wait():
        try:
            s.recv()
        except zmq.ZMQError as e:
            caught.append(e)
        s.close()

    t = threading.Thread(target=wait)
    t.start()
    ctx.term()
    t.join(5)
    for e in caught:
        _record(e, "blocked recv")


@probe
def probe_req_state_errors():
    ctx, req = _ctx(zmq.REQ)
    _raises("recv before send", req.recv)
    _raises("recv_multipart before send", req.recv_multipart)
    req.connect("inproc://p-errobj-req")
    req.send(b"x")
    _raises("send twice", req.send, b"x")
    _raises("send_string twice", req.send_string, "x")
    rep = ctx.socket(zmq.REP)
    rep.linger = 0
    _raises("rep send first", rep.send, b"x")
    router = ctx.socket(zmq.ROUTER)
    router.linger = 0
    router.router_mandatory = 1
    _raises("router unroutable", router.send_multipart, [b"nobody", b"x"])
    pub = ctx.socket(zmq.PUB)
    pub.linger = 0
    _raises("recv on pub", pub.recv, zmq.NOBLOCK)
    _end(ctx, req, rep, router, pub)


# -- poll, frames, curve, proxy, trackers ----------------------------------------------------------


@probe
def probe_poll_errors():
    _raises("zmq_poll object", zmq.zmq_poll, [(object(), zmq.POLLIN)], 0)
    _raises("zmq_poll not a pair", zmq.zmq_poll, [5], 0)
    _raises("zmq_poll negative fd", zmq.zmq_poll, [(-5, zmq.POLLIN)], 0)
    _raises("select object", zmq.select, [object()], [], [], 0)
    p = zmq.Poller()
    _raises("register object", p.register, object())
    _raises("poll bad timeout", p.poll, "x")
    _raises("unregister unknown", p.unregister, object())


@probe
def probe_frame_errors():
    _raises("frame int", zmq.Frame, 123)
    _raises("frame str", zmq.Frame, "text")
    f = zmq.Frame(b"x")
    _raises("frame get unknown", f.get, 9999)
    _raises("frame get name", f.get, "no-such-property")
    _raises("frame set", f.set, 9999, 1)
    _raises("frame getitem", f.__getitem__, 5)
    _raises("frame tracker", lambda: f.tracker.wait(0))


@probe
def probe_curve_and_z85_errors():
    _raises("curve_public short", zmq.curve_public, b"short")
    _raises("curve_public str", zmq.curve_public, "x" * 40)
    import zmq.utils.z85 as z85

    _raises("z85 decode bad length", z85.decode, b"abc")
    _raises("z85 encode bad length", z85.encode, b"abc")


@probe
def probe_proxy_errors():
    _raises("proxy not sockets", zmq.proxy, 1, 2)
    _raises("proxy_steerable not sockets", zmq.proxy_steerable, 1, 2, None, 3)
    ctx, s = _ctx(zmq.PULL)
    _raises("proxy capture not socket", zmq.proxy, s, s, "x")
    _end(ctx, s)


@probe
def probe_tracker_not_done():
    ctx, s = _ctx(zmq.PUSH)
    tracker = s.send(b"x" * 100000, copy=False, track=True)
    _raises("wait", tracker.wait, 0.01)
    _end(ctx, s)


@probe
def probe_context_errors():
    _raises("io_threads str", zmq.Context, "x")
    ctx = zmq.Context()
    _raises("socket bad type", ctx.socket, 9999)
    _raises("get unknown", ctx.get, 9999)
    _raises("set unknown", ctx.set, 9999, 1)
    _raises("set io_threads negative", ctx.set, zmq.IO_THREADS, -1)
    _raises("set max_sockets zero", ctx.set, zmq.MAX_SOCKETS, 0)
    s = ctx.socket(zmq.PULL)
    s.linger = 0
    _raises("join without draft", s.join, "g")
    _raises("get_monitor_socket bad events", s.get_monitor_socket, -5)
    s.close()
    ctx.term()
    _raises("negative io_threads", zmq.Context, -1)


# -- the classes made directly -------------------------------------------------------------------


@probe
def probe_constructed_directly():
    E = zmq.error
    made = {
        "ZMQError()": E.ZMQError(),
        "ZMQError(22)": E.ZMQError(22),
        "ZMQError(EINVAL)": E.ZMQError(zmq.EINVAL),
        "ZMQError(22, m)": E.ZMQError(22, "m"),
        "ZMQError(22, None)": E.ZMQError(22, None),
        "ZMQError(text)": E.ZMQError("text"),
        "ZMQError(quote)": E.ZMQError(22, "it's \"q\""),
        "ZMQError(ETERM)": E.ZMQError(zmq.ETERM),
        "ZMQError(EAGAIN)": E.ZMQError(zmq.EAGAIN),
        "ZMQError(99999)": E.ZMQError(99999),
        "Again()": E.Again(),
        "Again(11)": E.Again(11),
        "Again(11, m)": E.Again(11, "m"),
        "Again(22)": E.Again(22),
        "ContextTerminated()": E.ContextTerminated(),
        "ContextTerminated(1, x)": E.ContextTerminated(1, "x"),
        "InterruptedSystemCall()": E.InterruptedSystemCall(),
        "InterruptedSystemCall(4, s)": E.InterruptedSystemCall(4, "s"),
        "NotDone()": E.NotDone(),
        "NotDone(x)": E.NotDone("x"),
        "ZMQBindError()": E.ZMQBindError(),
        "ZMQBindError(y)": E.ZMQBindError("y"),
        "ZMQBaseError(z)": E.ZMQBaseError("z"),
        "ZMQVersionError(9.9)": E.ZMQVersionError("9.9"),
        "ZMQVersionError(9.9, Thing)": E.ZMQVersionError("9.9", "Thing"),
    }
    subs = [(zmq.zmq_version(), "<v>")]
    for label, e in made.items():
        _record(e, label, subs)


@probe
def probe_constructed_then_raised():
    for cls in (zmq.ZMQError, zmq.Again, zmq.ContextTerminated, zmq.InterruptedSystemCall, zmq.NotDone,
                zmq.ZMQBindError):
        def boom():
            raise cls()

        _raises(cls.__name__, boom)


@probe
def probe_class_attributes():
    E = zmq.error
    for name in ("ZMQBaseError", "ZMQError", "Again", "ContextTerminated", "InterruptedSystemCall", "NotDone",
                 "ZMQBindError", "ZMQVersionError"):
        cls = getattr(E, name)
        own = sorted(k for k in vars(cls) if not k.startswith("__") or k in (
            "__init__", "__str__", "__repr__", "__reduce__", "__setstate__", "__slots__", "__getstate__"))
        rec_raw([own, repr(getattr(cls, "errno", "-")), mask(repr(getattr(cls, "strerror", "-")))], name)


@probe
def probe_mutated_then_pickled():
    ctx, s = _ctx(zmq.PULL)
    for fn, label in ((lambda: s.recv(zmq.NOBLOCK), "again"), (lambda: s.bind("bogus://x"), "bind")):
        try:
            fn()
        except zmq.ZMQError as e:
            e.strerror = "changed"
            e.extra = 1
            _record(e, label)
    _end(ctx, s)


# -- the event-loop sockets ------------------------------------------------------------------------


@probe
def probe_asyncio_errors():
    import asyncio

    import zmq.asyncio

    async def main():
        ctx = zmq.asyncio.Context()
        pull, push = ctx.socket(zmq.PULL), ctx.socket(zmq.PUSH)
        pull.linger = push.linger = 0
        for label, op in (("recv noblock", lambda: pull.recv(zmq.NOBLOCK)),
                          ("recv_multipart noblock", lambda: pull.recv_multipart(zmq.NOBLOCK)),
                          ("recv_string noblock", lambda: pull.recv_string(zmq.NOBLOCK)),
                          ("send noblock", lambda: push.send(b"x", zmq.NOBLOCK)),
                          ("send_multipart noblock", lambda: push.send_multipart([b"x"], zmq.NOBLOCK))):
            try:
                await asyncio.wait_for(op(), 2)
                rec_raw("no exception", label)
            except Exception as e:  # noqa: BLE001 - the exception is the observation
                _record(e, label)
        pull.rcvtimeo = 5
        try:
            await asyncio.wait_for(pull.recv(), 2)
        except Exception as e:  # noqa: BLE001
            _record(e, "recv rcvtimeo")
        pull.close()
        push.close()
        ctx.term()

    asyncio.run(main())


@probe(needs=("gevent",))
def probe_green_errors():
    import zmq.green as gzmq

    ctx = gzmq.Context()
    pull, push = ctx.socket(gzmq.PULL), ctx.socket(gzmq.PUSH)
    pull.linger = push.linger = 0
    _raises("recv noblock", pull.recv, gzmq.NOBLOCK)
    _raises("recv_multipart noblock", pull.recv_multipart, gzmq.NOBLOCK)
    _raises("recv_string noblock", pull.recv_string, gzmq.NOBLOCK)
    _raises("send noblock", push.send, b"x", gzmq.NOBLOCK)
    _raises("bind bad protocol", pull.bind, "bogus://x")
    _raises("unbind not bound", pull.unbind, "tcp://127.0.0.1:1")
    pull.close()
    push.close()
    ctx.term()


@probe(needs=("tornado",))
def probe_eventloop_future_errors():
    import asyncio

    from zmq.eventloop import future

    async def main():
        ctx = future.Context()
        pull = ctx.socket(zmq.PULL)
        pull.linger = 0
        for label, op in (("recv noblock", lambda: pull.recv(zmq.NOBLOCK)),
                          ("recv_multipart noblock", lambda: pull.recv_multipart(zmq.NOBLOCK))):
            try:
                await asyncio.wait_for(op(), 2)
                rec_raw("no exception", label)
            except Exception as e:  # noqa: BLE001 - the exception is the observation
                _record(e, label)
        pull.close()
        ctx.term()

    asyncio.run(main())
