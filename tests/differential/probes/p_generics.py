"""Subscripted classes, as libraries typed against pyzmq write them in runtime annotations
(``zmq.Socket[Any]``, ``zmq.Context[zmq.Socket]``)."""
import typing

import zmq
from _probe import probe, rec


def _subscript(cls, arg):
    try:
        alias = cls[arg]
    except TypeError as e:
        rec(["TypeError", cls.__qualname__])
        return None
    rec([typing.get_origin(alias) is cls, typing.get_args(alias) == (arg,), repr(alias)])
    return alias


@probe
def probe_subscript_sync_classes():
    for cls in (zmq.Socket, zmq.Context, zmq.Poller, zmq.Frame, zmq.MessageTracker):
        _subscript(cls, bytes)
    _subscript(zmq.Context, zmq.Socket[bytes])


@probe
def probe_subscript_async_classes():
    import zmq.asyncio

    for cls in (zmq.asyncio.Socket, zmq.asyncio.Context, zmq.asyncio.Poller):
        _subscript(cls, bytes)


@probe
def probe_subscript_green_classes():
    import zmq.green

    for cls in (zmq.green.Socket, zmq.green.Context, zmq.green.Poller):
        _subscript(cls, bytes)


@probe
def probe_subclass_of_subscripted_context():
    class Ctx(zmq.Context[zmq.Socket[bytes]]):
        pass

    rec([c.__name__ for c in Ctx.__mro__][:2])
    _subscript(Ctx, zmq.Socket)
    ctx = Ctx()
    s = ctx.socket(zmq.PAIR)
    rec(type(s).__name__)
    s.close()
    ctx.term()


@probe
def probe_subclass_of_socket_is_not_generic():
    class MySocket(zmq.Socket):
        pass

    _subscript(MySocket, bytes)


@probe
def probe_runtime_annotations():
    class Holder:
        sock: zmq.Socket[typing.Any]
        ctx: zmq.Context[typing.Any]

    rec(sorted(Holder.__annotations__))
    hints = typing.get_type_hints(Holder)
    rec({k: [typing.get_origin(v).__name__, typing.get_args(v) == (typing.Any,)] for k, v in hints.items()})
