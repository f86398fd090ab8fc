"""zmq.decorators: a Context / Socket per call, always cleaned up."""
from __future__ import annotations

import pytest

import zmq
from zmq.decorators import context, socket

from _helpers import TIMEOUT_MS, endpoint


def test_context_is_appended_and_terminated():
    seen = []

    @context()
    def work(a, ctx, b=None):
        seen.append(ctx)
        assert isinstance(ctx, zmq.Context) and not ctx.closed
        return a, b

    assert work.__name__ == "work"
    assert work(1, b=2) == (1, 2)
    assert seen[0].closed
    work(3)
    assert seen[1] is not seen[0] and seen[1].closed


def test_context_terminated_on_exception():
    seen = []

    @context()
    def boom(ctx):
        seen.append(ctx)
        raise KeyError("boom")

    with pytest.raises(KeyError):
        boom()
    assert seen[0].closed


@pytest.mark.parametrize("deco", [context(name="zctx", io_threads=2), context("zctx", 2)])
def test_context_by_name_with_arguments(deco):
    @deco
    def work(*, zctx):
        assert zctx.io_threads == 2
        return zctx

    assert work().closed


def test_context_supplied_by_caller_is_left_alone():
    @context(name="ctx")
    def work(ctx):
        return ctx

    mine = zmq.Context()
    try:
        assert work(ctx=mine) is mine
        assert not mine.closed
    finally:
        mine.term()


def test_socket_from_outer_context_positional():
    seen = {}

    @context()
    @socket(zmq.PUSH)
    @socket(zmq.PULL)
    def work(ctx, push, pull):
        seen.update(ctx=ctx, pull=pull, push=push)
        assert pull.context is ctx and push.context is ctx
        assert pull.type == zmq.PULL and push.type == zmq.PUSH
        push.linger = pull.linger = 0
        pull.rcvtimeo = TIMEOUT_MS
        url = endpoint("inproc")
        pull.bind(url)
        push.connect(url)
        push.send(b"decorated")
        return pull.recv()

    assert work() == b"decorated"
    assert seen["pull"].closed and seen["push"].closed and seen["ctx"].closed


def test_socket_from_outer_context_by_name():
    seen = {}

    @context("context")  # the keyword @socket looks for by default (context_name)
    @socket("req", zmq.REQ)
    @socket(zmq.REP, name="rep")
    def work(context, req, rep):
        seen.update(ctx=context, req=req, rep=rep)
        assert req.type == zmq.REQ and rep.type == zmq.REP
        assert req.context is context and rep.context is context
        for s in (req, rep):
            s.linger = 0
            s.rcvtimeo = TIMEOUT_MS
        rep.bind("tcp://127.0.0.1:*")
        req.connect(rep.last_endpoint.decode())
        req.send(b"ping")
        rep.send(rep.recv() + b"/pong")
        return req.recv()

    assert work() == b"ping/pong"
    assert all(seen[k].closed for k in ("ctx", "req", "rep"))


def test_socket_closed_on_exception():
    seen = []

    @context()
    @socket(zmq.PAIR)
    def boom(ctx, s):
        seen.append(s)
        s.linger = 0
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        boom()
    assert seen[0].closed


def test_socket_takes_context_keyword_from_caller():
    @socket(zmq.DEALER, name="dealer")
    def work(context, dealer):
        dealer.linger = 0
        return dealer.context is context, dealer

    @socket(zmq.DEALER, name="dealer")
    def other_keyword(ctx, dealer):
        dealer.linger = 0
        return dealer.context is ctx  # only "context" (or context_name) is looked at, as in pyzmq

    mine = zmq.Context()
    try:
        same, dealer = work(context=mine)
        assert same and dealer.closed and not mine.closed
        assert other_keyword(ctx=mine) is False
    finally:
        mine.term()
        zmq.Context.instance().term()


def test_socket_custom_context_name():
    @socket(zmq.PUB, context_name="zc")
    def work(pub, zc):
        return pub.context is zc

    mine = zmq.Context()
    try:
        assert work(zc=mine)
    finally:
        mine.term()


def test_socket_defaults_to_the_global_instance():
    @socket(zmq.PUSH)
    def work(push):
        push.linger = 0
        return push.context, push

    try:
        ctx, push = work()
        assert ctx is zmq.Context.instance()
        assert push.closed and not ctx.closed  # the shared instance is not terminated
    finally:
        zmq.Context.instance().term()


def test_socket_passes_extra_arguments_to_ctx_socket():
    class MySocket(zmq.Socket):
        pass

    @context()
    @socket(zmq.PAIR, socket_class=MySocket)
    def work(ctx, s):
        s.linger = 0
        return type(s)

    assert work() is MySocket


def test_socket_supplied_by_caller_is_left_alone():
    @socket("s", zmq.PAIR)
    def work(s):
        return s

    with zmq.Context() as ctx, ctx.socket(zmq.PAIR) as mine:
        mine.linger = 0
        assert work(s=mine) is mine and not mine.closed


def test_decorator_argument_errors_raise_when_called():
    """As in pyzmq: decorating always works; the call raises."""

    def f(*args, **kwargs):
        return "ran"

    for decorated in (socket()(f), socket("s")(f), context("a", name="b")(f),
                      socket("a", zmq.PUSH, name="b")(f)):
        with pytest.raises(TypeError):
            decorated()
    with pytest.raises(TypeError, match="needs a socket type"):
        socket("s")(f)()
    with zmq.Context() as ctx, ctx.socket(zmq.PAIR) as mine:  # unless the caller brings the socket
        assert socket("s")(f)(s=mine) == "ran"


def test_caller_supplied_objects_replace_the_decorators():
    """pyzmq raises TypeError (a keyword given twice) when the caller passes the named
    context or socket itself; ours uses the caller's and leaves it open."""

    @context("ctx")
    @socket("s", zmq.PAIR)
    def work(ctx=None, s=None):
        return ctx, s

    with zmq.Context() as mine, mine.socket(zmq.PAIR) as sock:
        sock.linger = 0
        got_ctx, got_sock = work(ctx=mine, s=sock)
        assert got_ctx is mine and got_sock is sock
        assert not mine.closed and not sock.closed
