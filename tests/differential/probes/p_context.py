"""Probes of zmq.Context: construction, shadows, copies, the singleton, reprs, exits, options."""
import copy
import gc

import zmq
from _probe import call, mask, probe, rec


def _same(a, b):
    return a.underlying == b.underlying


@probe
def probe_ctor_positional_context_shadows():
    ctx = zmq.Context()
    c2 = call(zmq.Context, ctx)
    rec(c2 is not None and _same(c2, ctx), "shares handle")
    rec(type(c2))
    s = c2.socket(zmq.PAIR)
    s.close()
    ctx.term()


@probe
def probe_ctor_shadow_keyword_context():
    ctx = zmq.Context()
    c2 = call(zmq.Context, shadow=ctx)
    rec(c2 is not None and _same(c2, ctx))
    s = c2.socket(zmq.PAIR)
    s.close()
    ctx.term()


@probe
def probe_ctor_shadow_keyword_address():
    ctx = zmq.Context()
    c2 = call(zmq.Context, shadow=ctx.underlying)
    rec(_same(c2, ctx))
    ctx.term()


@probe
def probe_shadow_term_then_owner_term():
    ctx = zmq.Context()
    c2 = zmq.Context(shadow=ctx.underlying)
    call(c2.term)
    rec(c2.closed)
    rec(ctx.closed)
    call(ctx.term)


@probe
def probe_ctor_negative_io_threads():
    call(zmq.Context, -1)
    call(zmq.Context, io_threads=-1)


@probe
def probe_ctor_io_threads_values():
    for n in (0, 1, 2):
        c = zmq.Context(n)
        rec(c.get(zmq.IO_THREADS))
        c.term()
    c = zmq.Context(io_threads=3)
    rec(c.io_threads)
    c.term()


@probe
def probe_ctor_io_threads_str():
    call(zmq.Context, "2")


@probe
def probe_ctor_kwargs_extra():
    c = call(zmq.Context, foo=1)
    if c is not None:
        c.term()


@probe
def probe_copy_context():
    ctx = zmq.Context()
    for fn in (copy.copy, copy.deepcopy):
        c2 = call(fn, ctx)
        if c2 is not None:
            rec(type(c2))
            rec(_same(c2, ctx), "same handle")
            rec(c2 is ctx, "identical")
            s = c2.socket(zmq.PUSH)
            s.close()
    ctx.term()


@probe
def probe_shadow_classmethod():
    ctx = zmq.Context()
    c2 = zmq.Context.shadow(ctx.underlying)
    rec(_same(c2, ctx))
    c3 = call(zmq.Context.shadow, ctx)
    if c3 is not None:
        rec(_same(c3, ctx))
    rec(mask(repr(c2)))
    ctx.term()


@probe
def probe_shadow_bad_args():
    call(zmq.Context.shadow, "nope")


@probe
def probe_shadow_none():
    c = call(zmq.Context.shadow, None)
    if c is not None:
        c.term()


@probe
def probe_instance_same_object():
    a = zmq.Context.instance()
    b = zmq.Context.instance()
    rec(a is b)
    rec(type(a))
    a.term()
    c = zmq.Context.instance()
    rec(c is a, "new after term")
    rec(c.closed)
    c.term()


@probe
def probe_instance_io_threads():
    a = zmq.Context.instance(io_threads=2)
    rec(a.io_threads)
    b = zmq.Context.instance(io_threads=3)
    rec(b.io_threads)
    a.term()


@probe
def probe_instance_subclass_first():
    class Sub(zmq.Context):
        pass

    a = Sub.instance()
    rec(type(a).__name__)
    b = zmq.Context.instance()
    rec(type(b).__name__)
    rec(a is b)
    rec(Sub.instance() is a)
    a.term()
    b.term()


@probe
def probe_instance_subclass_after_base():
    class Sub(zmq.Context):
        pass

    base = zmq.Context.instance()
    a = Sub.instance()
    rec(type(a).__name__)
    rec(a is base)
    rec("_instance" in Sub.__dict__)
    base.term()
    c = Sub.instance()
    rec(type(c).__name__)
    rec(c is zmq.Context.instance())
    c.term()
    zmq.Context.instance().term()


@probe
def probe_instance_subclass_own_attr():
    class Sub(zmq.Context):
        _instance = None

    base = zmq.Context.instance()
    a = Sub.instance()
    rec(type(a).__name__)
    rec(a is base)
    a.term()
    base.term()


@probe
def probe_repr_states():
    ctx = zmq.Context()
    rec(mask(repr(ctx)))
    s = ctx.socket(zmq.PUSH)
    rec(mask(repr(ctx)))
    s2 = ctx.socket(zmq.PULL)
    rec(mask(repr(ctx)))
    s.close()
    rec(mask(repr(ctx)))
    s2.close()
    del s, s2
    gc.collect()
    rec(mask(repr(ctx)))
    ctx.term()
    rec(mask(repr(ctx)))
    rec(str(ctx) == repr(ctx))


@probe
def probe_repr_subclass():
    class MyCtx(zmq.Context):
        pass

    c = MyCtx()
    rec(mask(repr(c)))
    c.term()
    rec(mask(repr(c)))


@probe
def probe_repr_destroy():
    ctx = zmq.Context()
    s = ctx.socket(zmq.PUSH)
    ctx.destroy(linger=0)
    rec(mask(repr(ctx)))
    rec(mask(repr(s)))
    rec(s.closed)


@probe
def probe_with_no_sockets():
    with zmq.Context() as ctx:
        rec(ctx.closed)
    rec(ctx.closed)
    rec(mask(repr(ctx)))


@probe
def probe_with_open_socket():
    with zmq.Context() as ctx:
        s = ctx.socket(zmq.PUSH)
        s.connect("tcp://127.0.0.1:1")
    rec(ctx.closed)
    rec(s.closed)
    rec(mask(repr(s)))


@probe
def probe_with_open_socket_pending_message():
    import time

    start = time.monotonic()
    with zmq.Context() as ctx:
        s = ctx.socket(zmq.PUSH)
        s.linger = 300  # the socket's own LINGER is honoured by the exit (a queued message waits)
        s.connect("tcp://127.0.0.1:1")
        s.send(b"pending")
    rec(0.2 < time.monotonic() - start < 3)
    rec(ctx.closed)
    rec(s.closed)


@probe
def probe_with_open_socket_warning_text():
    import warnings

    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        with zmq.Context() as ctx:
            s = ctx.socket(zmq.PUSH)
    rec([x.category.__name__ for x in w])
    rec([mask(str(x.message)) for x in w])
    rec(s.closed)


@probe
def probe_with_closed_sockets_no_warning():
    import warnings

    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        with zmq.Context() as ctx:
            s = ctx.socket(zmq.PUSH)
            s.close()
    rec([x.category.__name__ for x in w])
    rec(ctx.closed)


@probe
def probe_with_exception_inside():
    try:
        with zmq.Context() as ctx:
            s = ctx.socket(zmq.PUSH)
            raise KeyError("x")
    except KeyError as e:
        rec(e)
    rec(ctx.closed)
    rec(s.closed)


@probe
def probe_with_returns_self():
    ctx = zmq.Context()
    with ctx as c2:
        rec(c2 is ctx)
    rec(ctx.__exit__(None, None, None))


@probe
def probe_term_twice():
    ctx = zmq.Context()
    call(ctx.term)
    call(ctx.term)
    rec(ctx.closed)


@probe
def probe_destroy_variants():
    ctx = zmq.Context()
    s = ctx.socket(zmq.PUSH)
    s.connect("tcp://127.0.0.1:1")
    s.send(b"x")
    call(ctx.destroy, 0)
    rec(s.closed)
    call(ctx.destroy)
    ctx2 = zmq.Context()
    call(ctx2.destroy, linger=0)
    rec(ctx2.closed)


@probe
def probe_destroy_linger_applied():
    import warnings

    ctx = zmq.Context()
    s = ctx.socket(zmq.PUSH)
    s.linger = 0
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        ctx.destroy()
    rec([x.category.__name__ for x in w])
    rec(s.closed)


@probe
def probe_closed_context_methods():
    ctx = zmq.Context()
    ctx.term()
    call(ctx.socket, zmq.PUSH)
    call(ctx.get, zmq.IO_THREADS)
    call(ctx.set, zmq.IO_THREADS, 2)
    call(getattr, ctx, "io_threads")
    rec(ctx.underlying)
    call(ctx.destroy)


@probe
def probe_socket_bad_type():
    ctx = zmq.Context()
    call(ctx.socket, 12345)
    call(ctx.socket, -1)
    call(ctx.socket, "PUSH")
    call(ctx.socket, None)
    call(ctx.socket, -5)
    ctx.term()


@probe
def probe_float_arguments():
    ctx = zmq.Context()
    s = call(ctx.socket, 1.0)
    if s is not None:
        s.close()
    c = call(zmq.Context, 1.5)
    if c is not None:
        c.term()
    ctx.term()


@probe
def probe_socket_class_argument():
    class MySock(zmq.Socket):
        pass

    ctx = zmq.Context()
    s = ctx.socket(zmq.PUSH, socket_class=MySock)
    rec(type(s).__name__)
    s.close()
    s = ctx.socket(zmq.PUSH, MySock)
    rec(type(s).__name__)
    s.close()
    ctx.term()


@probe
def probe_socket_kwargs():
    ctx = zmq.Context()
    s = ctx.socket(zmq.PUSH, copy_threshold=10)
    rec(s.copy_threshold)
    s.close()
    call(ctx.socket, zmq.PUSH, bogus=1)
    ctx.term()


@probe
def probe_context_options_get_set():
    ctx = zmq.Context()
    for opt in (zmq.IO_THREADS, zmq.MAX_SOCKETS, zmq.SOCKET_LIMIT, zmq.IPV6, zmq.BLOCKY, zmq.MAX_MSGSZ,
                zmq.MSG_T_SIZE, zmq.THREAD_NAME_PREFIX):
        call(ctx.get, opt)
    call(ctx.set, zmq.MAX_SOCKETS, 100)
    rec(ctx.get(zmq.MAX_SOCKETS))
    call(ctx.set, zmq.IPV6, True)
    call(ctx.get, 99999)
    call(ctx.set, 99999, 1)
    call(ctx.set, zmq.MAX_SOCKETS, "x")
    call(ctx.set, zmq.MAX_SOCKETS, 1.5)
    call(ctx.get, "IO_THREADS")
    ctx.term()


@probe
def probe_context_option_attributes():
    ctx = zmq.Context()
    rec(ctx.io_threads)
    rec(ctx.max_sockets)
    ctx.max_sockets = 50
    rec(ctx.max_sockets)
    rec(ctx.MAX_SOCKETS)
    call(getattr, ctx, "Max_Sockets")
    call(getattr, ctx, "ipv6")
    call(getattr, ctx, "nonexistent_thing")
    ctx.term()


@probe
def probe_context_sockopt_defaults():
    ctx = zmq.Context()
    ctx.linger = 0
    ctx.setsockopt(zmq.SNDHWM, 7)
    ctx.subscribe = b"top"
    rec(ctx.sockopts)
    rec(ctx.linger)
    rec(ctx.getsockopt(zmq.SNDHWM))
    call(ctx.getsockopt, zmq.RCVHWM)
    call(getattr, ctx, "rcvhwm")
    s = ctx.socket(zmq.SUB)
    rec(s.linger)
    rec(s.sndhwm)
    s.close()
    p = ctx.socket(zmq.PUSH)
    rec(p.linger)
    p.close()
    del ctx.linger
    rec(ctx.sockopts)
    call(delattr, ctx, "linger")
    call(delattr, ctx, "sndhwm")
    rec(ctx.sockopts)
    ctx.term()


@probe
def probe_context_sockopt_get_set_methods():
    ctx = zmq.Context()
    call(ctx.set, zmq.LINGER, 0)
    call(ctx.get, zmq.LINGER)
    call(ctx.setsockopt, zmq.IO_THREADS, 2)
    rec(ctx.sockopts)
    ctx.term()


@probe
def probe_context_sockopt_bad_type_default():
    ctx = zmq.Context()
    ctx.linger = "zero"
    call(ctx.socket, zmq.PUSH)
    ctx.identity = 5
    ctx.linger = 0
    call(ctx.socket, zmq.PUSH)
    ctx.term()


@probe
def probe_context_dir():
    ctx = zmq.Context()
    d = dir(ctx)
    for name in ("IO_THREADS", "MAX_SOCKETS", "SOCKET_LIMIT", "io_threads", "max_sockets", "linger", "LINGER",
                 "socket", "term", "destroy", "instance", "underlying", "closed", "shadow", "BLOCKY", "IPV6"):
        rec([name, name in d])
    ctx.term()


@probe
def probe_context_arbitrary_attribute():
    ctx = zmq.Context()
    ctx.my_attr = 5
    rec(ctx.my_attr)
    rec("my_attr" in ctx.__dict__)
    del ctx.my_attr
    call(getattr, ctx, "my_attr")
    ctx.term()


@probe
def probe_context_underlying_type():
    ctx = zmq.Context()
    rec(type(ctx.underlying).__name__)
    rec(ctx.underlying != 0)
    ctx.term()
    rec(type(ctx.underlying).__name__)


@probe
def probe_context_subclass_init_attrs():
    class MyCtx(zmq.Context):
        def __init__(self, *a, **kw):
            super().__init__(*a, **kw)
            self.extra = "x"

    c = MyCtx()
    rec(c.extra)
    rec(c.sockopts)
    s = c.socket(zmq.PUSH)
    rec(type(s).__name__)
    s.close()
    c.term()


@probe
def probe_context_socket_class_attr():
    class MySock(zmq.Socket):
        pass

    class MyCtx(zmq.Context):
        _socket_class = MySock

    c = MyCtx()
    s = c.socket(zmq.PUSH)
    rec(type(s).__name__)
    rec(type(s.context).__name__)
    s.close()
    c.term()


@probe
def probe_context_term_with_closed_sockets():
    ctx = zmq.Context()
    for t in (zmq.PUSH, zmq.PULL, zmq.PUB):
        ctx.socket(t).close()
    call(ctx.term)
    rec(ctx.closed)


@probe
def probe_context_gc_unclosed():
    zmq.Context()
    gc.collect()
    rec("collected")


@probe
def probe_context_gc_terminated():
    c = zmq.Context()
    c.term()
    del c
    gc.collect()
    rec("collected")


@probe
def probe_syncontext_alias():
    c = zmq.SyncContext()
    rec(type(c).__name__)
    s = c.socket(zmq.PUSH)
    rec(isinstance(s, zmq.Socket))
    s.close()
    c.term()


@probe
def probe_context_hash_eq():
    a = zmq.Context()
    b = zmq.Context(shadow=a)
    rec(a == b)
    rec(a == a)
    rec(len({a, b}))
    a.term()


@probe
def probe_context_pickle():
    import pickle

    a = zmq.Context()
    call(pickle.dumps, a)
    a.term()



@probe
def probe_shadow_pyczmq_without_pyczmq():
    # pyczmq is installed under neither interpreter: the call must fail the same way
    import zmq.asyncio

    call(zmq.Context.shadow_pyczmq, object())
    call(zmq.asyncio.Context.shadow_pyczmq, object())
