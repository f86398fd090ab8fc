"""zmq.decorators: @context and @socket (arguments, names, stacking, errors, cleanup)."""
import zmq
from _probe import call, probe, rec

COVERS = ("zmq.decorators",)


def _kind(obj):
    if isinstance(obj, zmq.Socket):
        return ["Socket", obj.type, obj.closed]
    if isinstance(obj, zmq.Context):
        return ["Context", obj.closed]
    return type(obj).__name__


@probe
def probe_context_positional():
    from zmq.decorators import context

    seen = []

    @context()
    def f(a, ctx):
        seen.append(ctx)
        return [a, _kind(ctx)]

    call(f, 1)
    rec(_kind(seen[0]))
    rec(f.__name__)


@probe
def probe_context_no_parens():
    from zmq.decorators import context

    def f(ctx):
        return _kind(ctx)

    g = context(f)
    rec(callable(g))
    call(g)


@probe
def probe_context_named():
    from zmq.decorators import context

    @context("ctx")
    def f(x, ctx=None):
        return [x, _kind(ctx)]

    call(f, 1)

    @context(name="c2")
    def g(c2=None):
        return _kind(c2)

    call(g)


@probe
def probe_context_named_passed_by_caller():
    from zmq.decorators import context

    mine = zmq.Context()

    @context("ctx")
    def f(ctx=None):
        return ctx is mine

    call(f, ctx=mine)
    rec(mine.closed)
    mine.term()


@probe
def probe_context_args():
    from zmq.decorators import context

    @context(2)
    def f(ctx):
        return ctx.get(zmq.IO_THREADS)

    call(f)

    @context(io_threads=3)
    def g(ctx):
        return ctx.get(zmq.IO_THREADS)

    call(g)


@probe
def probe_context_bad_args():
    from zmq.decorators import context

    @context(io_threads="x")
    def f(ctx):
        return 1

    call(f)

    @context(bogus=1)
    def g(ctx):
        return 1

    call(g)


@probe
def probe_context_exception_inside():
    from zmq.decorators import context

    seen = []

    @context()
    def f(ctx):
        seen.append(ctx)
        raise ValueError("inside")

    call(f)
    rec(_kind(seen[0]))


@probe
def probe_context_class_kw():
    import zmq.asyncio
    from zmq.decorators import context

    @context(zmq.asyncio.Context)
    def f(ctx):
        return type(ctx).__name__

    call(f)


@probe
def probe_socket_positional():
    from zmq.decorators import socket

    seen = []

    @socket(zmq.PUSH)
    def f(a, s):
        seen.append(s)
        return [a, _kind(s)]

    call(f, 1)
    rec(_kind(seen[0]))
    rec(seen[0].context is zmq.Context.instance())


@probe
def probe_socket_named():
    from zmq.decorators import socket

    @socket("s", zmq.PULL)
    def f(s=None):
        return _kind(s)

    call(f)

    @socket(zmq.PUB, name="p")
    def g(p=None):
        return _kind(p)

    call(g)


@probe
def probe_socket_named_passed_by_caller():
    from zmq.decorators import socket

    ctx = zmq.Context()
    mine = ctx.socket(zmq.PAIR)

    @socket("s", zmq.PULL)
    def f(s=None):
        return s is mine

    call(f, s=mine)
    rec(mine.closed)
    mine.close()
    ctx.term()


@probe
def probe_socket_without_type():
    # pyzmq raises when the function is called, not when decorated
    from zmq.decorators import socket

    try:
        dec = socket()
    except TypeError as e:
        rec(e, "at decoration")
        return

    def f(s):
        return _kind(s)

    g = dec(f)
    rec(callable(g))
    call(g)


@probe
def probe_socket_name_only():
    from zmq.decorators import socket

    try:
        dec = socket("s")
    except TypeError as e:
        rec(e, "at decoration")
        return

    def f(s=None):
        return _kind(s)

    g = dec(f)
    rec(callable(g))
    call(g)


@probe
def probe_socket_type_keyword():
    from zmq.decorators import socket

    dec = socket(socket_type=zmq.REQ)

    def f(s):
        return _kind(s)

    call(dec(f))

    def g(s=None):
        return _kind(s)

    call(socket("s", socket_type=zmq.PULL)(g))


@probe
def probe_socket_bad_type():
    from zmq.decorators import socket

    @socket(12345)
    def f(s):
        return 1

    call(f)

    @socket("x")
    def g(x=None):
        return 1

    call(g)


@probe
def probe_socket_no_parens():
    from zmq.decorators import socket

    def f(s):
        return _kind(s)

    g = socket(f)
    rec(callable(g))
    call(g)


@probe
def probe_stacked_context_socket():
    from zmq.decorators import context, socket

    seen = []

    @context()
    @socket(zmq.PUSH)
    @socket(zmq.PULL)
    def f(ctx, push, pull):
        seen.extend([ctx, push, pull])
        return [_kind(ctx), _kind(push), _kind(pull), push.context is ctx, pull.context is ctx]

    call(f)
    rec([_kind(x) for x in seen])


@probe
def probe_stacked_named():
    from zmq.decorators import context, socket

    seen = []

    @context("ctx")
    @socket("push", zmq.PUSH)
    def f(ctx=None, push=None):
        seen.extend([ctx, push])
        return [push.context is ctx]

    call(f)
    rec([_kind(x) for x in seen])


@probe
def probe_stacked_with_args():
    from zmq.decorators import context, socket

    @context()
    @socket(zmq.PUSH)
    def f(a, b, ctx, push, c=3):
        return [a, b, c, _kind(ctx), _kind(push)]

    call(f, 1, 2)
    call(f, 1, 2, c=4)


@probe
def probe_socket_context_name():
    from zmq.decorators import context, socket

    seen = []

    @context("myctx")
    @socket("s", zmq.PAIR, context_name="myctx")
    def f(myctx=None, s=None):
        seen.append(s.context is myctx)

    call(f)
    rec(seen)


@probe
def probe_socket_kwargs_to_socket():
    from zmq.decorators import socket

    @socket(zmq.PUSH, socket_class=zmq.Socket)
    def f(s):
        return type(s).__name__

    call(f)


@probe
def probe_socket_exception_closes():
    from zmq.decorators import socket

    seen = []

    @socket(zmq.PUSH)
    def f(s):
        seen.append(s)
        raise KeyError("x")

    call(f)
    rec(_kind(seen[0]))


@probe
def probe_decorator_preserves_metadata():
    from zmq.decorators import context, socket

    @context()
    @socket(zmq.PUSH)
    def documented(ctx, s):
        """doc"""

    rec(documented.__name__)
    rec(documented.__doc__)
    rec(hasattr(documented, "__wrapped__"))


@probe
def probe_decorator_name_twice():
    from zmq.decorators import context, socket

    def f(**kw):
        return sorted(kw)

    for dec in (lambda: context("a", name="b"), lambda: socket("a", zmq.PUSH, name="b"),
                lambda: socket(zmq.PUSH, "x")):
        try:
            g = dec()(f)
        except TypeError as e:
            rec(e, "at decoration")
            continue
        call(g)


@probe
def probe_socket_finds_context():
    from zmq.decorators import context, socket

    c = zmq.Context()

    @socket(zmq.PUSH)
    def by_kw(s, x=None):
        return s.context is x

    call(by_kw, x=c)

    @socket(zmq.PUSH)
    def by_context_kw(s, context=None):
        return s.context is context

    call(by_context_kw, context=c)

    @socket(zmq.PUSH, context_name="zz")
    def by_name(s, zz=None):
        return s.context is zz

    call(by_name, zz=c)

    @socket(zmq.PUSH)
    def by_position(x, s):
        return s.context is x

    call(by_position, c)

    @context("c")
    @socket("s", zmq.PUSH)
    def named_c(c=None, s=None):
        return [s.context is c, s.context is zmq.Context.instance()]

    call(named_c)
    c.term()


@probe
def probe_extra_positional_keyword_clash():
    from zmq.decorators import context

    @context()
    def q(ctx):
        return 1

    call(q, ctx=1)

    @context()
    def r(*a):
        return [type(x).__name__ for x in a]

    call(r, 1, 2)


@probe
def probe_decorators_module_names():
    import zmq.decorators as d

    rec(sorted(n for n in ("context", "socket") if hasattr(d, n)))
    rec(getattr(d, "__all__", None))
    rec(type(d.context).__name__)
    rec(type(d.socket).__name__)
