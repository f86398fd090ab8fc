"""Probes of zmq.Poller (sync) and zmq.select: registration, results, timeouts."""
import os
import socket as pysocket
import time

import zmq
from _probe import call, probe, rec


def _pair(ctx, name):
    a = ctx.socket(zmq.PAIR)
    b = ctx.socket(zmq.PAIR)
    a.linger = b.linger = 0
    a.bind(f"inproc://{name}")
    b.connect(f"inproc://{name}")
    return a, b


def _fdnames(result, names):
    # results with fds/objects described by name, not by (random) fd numbers
    out = []
    for obj, ev in result:
        out.append([names.get(id(obj), names.get(obj, type(obj).__name__)), ev, type(ev).__name__])
    return sorted(out)


@probe
def probe_register_poll_sockets():
    ctx = zmq.Context()
    a, b = _pair(ctx, "pp1")
    p = zmq.Poller()
    p.register(a, zmq.POLLIN)
    p.register(b)
    rec(_fdnames(p.poll(0), {id(a): "a", id(b): "b"}))
    b.send(b"x")
    rec(_fdnames(p.poll(1000), {id(a): "a", id(b): "b"}))
    rec(_fdnames(p.sockets, {id(a): "a", id(b): "b"}))
    rec(a in p)
    rec(b in p)
    a.close()
    b.close()
    ctx.term()


@probe
def probe_int_fd_result():
    r, w = os.pipe()
    os.write(w, b"x")
    p = zmq.Poller()
    p.register(r, zmq.POLLIN)
    res = p.poll(100)
    rec([[fd == r, type(fd).__name__, ev, type(ev).__name__] for fd, ev in res])
    os.close(r)
    os.close(w)


@probe
def probe_fileno_object_result():
    a, b = pysocket.socketpair()
    b.send(b"x")
    p = zmq.Poller()
    p.register(a, zmq.POLLIN)
    res = p.poll(100)
    rec([[obj is a, obj == a.fileno(), type(obj).__name__, ev] for obj, ev in res])
    rec([[type(obj).__name__, type(ev).__name__] for obj, ev in p.sockets])
    p.modify(a, zmq.POLLOUT)
    res = p.poll(100)
    rec([[obj is a, obj == a.fileno(), ev] for obj, ev in res])
    p.unregister(a)
    rec(p.poll(0))
    a.close()
    b.close()


@probe
def probe_register_flags_zero_and_modify():
    ctx = zmq.Context()
    a, b = _pair(ctx, "pp2")
    p = zmq.Poller()
    call(p.register, a, 0)
    rec(a in p)
    p.register(a, zmq.POLLIN)
    p.register(a, zmq.POLLOUT)
    rec([ev for _, ev in p.sockets])
    call(p.modify, a, zmq.POLLIN | zmq.POLLOUT)
    rec([ev for _, ev in p.sockets])
    call(p.modify, b, zmq.POLLIN)
    rec(len(p.sockets))
    call(p.register, a, 0)
    rec(a in p)
    call(p.unregister, a)
    call(p.unregister, b)
    rec(len(p.sockets))
    a.close()
    b.close()
    ctx.term()


@probe
def probe_register_bad_objects():
    p = zmq.Poller()
    call(p.register, "x")
    call(p.poll, 0)
    p2 = zmq.Poller()
    call(p2.register, None)
    call(p2.poll, 0)
    p3 = zmq.Poller()
    call(p3.register, 1.5)
    call(p3.poll, 0)


@probe
def probe_unregister_missing():
    p = zmq.Poller()
    call(p.unregister, 5)
    call(p.modify, 5, zmq.POLLIN)
    rec(p.sockets)


@probe
def probe_poll_timeouts():
    ctx = zmq.Context()
    a, b = _pair(ctx, "pp3")
    p = zmq.Poller()
    p.register(a, zmq.POLLIN)
    for t in (0, 1, 10.7, -1, None):
        if t in (-1, None):
            b.send(b"x")
        start = time.monotonic()
        res = call(p.poll, t)
        rec([t, len(res) if res is not None else None, time.monotonic() - start < 2])
        if res:
            a.recv()
    call(p.poll, "x")
    call(p.poll, timeout=0)
    a.close()
    b.close()
    ctx.term()


@probe
def probe_poll_float_rounding():
    ctx = zmq.Context()
    a, _b = _pair(ctx, "pp4")
    p = zmq.Poller()
    p.register(a, zmq.POLLIN)
    start = time.monotonic()
    p.poll(0.9)
    rec(time.monotonic() - start < 0.5)
    a.close()
    _b.close()
    ctx.term()


@probe
def probe_poll_closed_socket():
    ctx = zmq.Context()
    a, b = _pair(ctx, "pp5")
    p = zmq.Poller()
    p.register(a, zmq.POLLIN)
    a.close()
    call(p.poll, 0)
    b.close()
    ctx.term()


@probe
def probe_poll_empty():
    p = zmq.Poller()
    call(p.poll, 0)
    call(p.poll, 10)


@probe
def probe_poll_result_types():
    ctx = zmq.Context()
    a, b = _pair(ctx, "pp6")
    p = zmq.Poller()
    p.register(a)
    res = p.poll(100)
    rec([[type(s).__name__, ev, type(ev).__name__] for s, ev in res])
    rec(type(res).__name__)
    rec(type(dict(res)).__name__)
    a.close()
    b.close()
    ctx.term()


@probe
def probe_select_sockets():
    ctx = zmq.Context()
    a, b = _pair(ctx, "pp7")
    r, w, x = zmq.select([a, b], [a, b], [a], 0)
    rec([len(r), len(w), len(x)])
    b.send(b"x")
    r, w, x = zmq.select([a, b], [], [], 1)
    rec([s is a for s in r])
    rec([type(v).__name__ for v in (r, w, x)])
    a.close()
    b.close()
    ctx.term()


@probe
def probe_select_fds_order():
    r1, w1 = os.pipe()
    r2, w2 = os.pipe()
    os.write(w1, b"x")
    os.write(w2, b"x")
    r, w, x = zmq.select([r1, r2], [], [], 0.1)
    rec([fd == r1 for fd in r], "order")
    r, w, x = zmq.select([r2, r1], [], [], 0.1)
    rec([fd == r1 for fd in r], "order reversed input")
    r, w, x = zmq.select([], [w1], [], None)
    rec([fd == w1 for fd in w])
    for fd in (r1, w1, r2, w2):
        os.close(fd)


@probe
def probe_select_timeouts():
    start = time.monotonic()
    rec(zmq.select([], [], [], 0.05))
    rec(time.monotonic() - start < 1)
    call(zmq.select, [], [], [], "x")
    call(zmq.select, ["x"], [], [], 0)


@probe
def probe_poller_attributes():
    p = zmq.Poller()
    rec(p.sockets)
    rec(sorted(n for n in dir(p) if not n.startswith("_")))
    rec(type(p).__name__)


@probe
def probe_poller_socket_poll_method():
    ctx = zmq.Context()
    a, b = _pair(ctx, "pp8")
    call(b.poll, 0, zmq.POLLOUT)
    call(a.poll, 0)
    b.send(b"y")
    call(a.poll, 1000)
    a.close()
    b.close()
    ctx.term()


@probe
def probe_poller_state_in_dict():
    # sockets lives in the instance's __dict__: vars, copy, pickle and reassignment see it there
    import copy
    import pickle

    ctx = zmq.Context()
    a, b = _pair(ctx, "pp9")
    p = zmq.Poller()
    rec(sorted(vars(p)))
    rec(pickle.loads(pickle.dumps(p)).__dict__)
    p.register(a, zmq.POLLIN)
    q = copy.copy(p)
    rec(q.sockets is p.sockets, q._map is p._map)
    b.send(b"x")
    rec(_fdnames(q.poll(1000), {id(a): "a"}))
    d = copy.deepcopy(p)
    rec(len(d.sockets), d.sockets[0][0] is a)
    call(pickle.dumps, p)
    p.sockets = ((a, zmq.POLLIN),)
    rec(_fdnames(p.poll(0), {id(a): "a"}))
    p.sockets = None
    call(p.poll, 0)
    del p.sockets
    call(p.poll, 0)

    class Bare(zmq.Poller):
        def __init__(self):
            pass

    call(Bare().poll, 0)
    a.close()
    b.close()
    ctx.term()
