"""Decorators that give a function its own Context or Socket for the length of a call.

::

    @context()
    @socket(zmq.PUSH)
    def work(ctx, push):
        push.linger = 1000  # at exit, wait at most 1 s for unsent messages
        push.connect("tcp://127.0.0.1:5555")
        push.send(b"job")

Each call of ``work`` gets a fresh Context and a PUSH socket made from it; when the call
ends, even by an exception, the socket is closed and then the context terminated.

The new object is appended to the positional arguments (stacked decorators append in
order, outermost first: ``ctx`` then ``push`` above), or passed as a keyword argument
when the decorator is given a name: ``@context(name="ctx")`` or ``@context("ctx")``,
``@socket(zmq.PUSH, name="push")`` or ``@socket("push", zmq.PUSH)`` (with ``name=``, a
leading str is an argument like the others). A caller that passes that keyword itself
supplies the object, and the decorator neither creates nor closes one.

Bad arguments (no socket type, a wrong one) raise when the function is called, as in pyzmq.
"""
from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

import zmq

__all__ = ("context", "socket")

F = TypeVar("F", bound=Callable[..., Any])


def _split_name(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[str | None, tuple[Any, ...]]:
    """The target keyword name (``name=``, else a leading str argument) and the other args."""
    name = kwargs.pop("name", None)
    if name is None and args and isinstance(args[0], str):
        name, args = args[0], args[1:]
    return name, args


def _call_with(func: Callable[..., Any], name: str | None, obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    if name is None:
        return func(*args, obj, **kwargs)
    kwargs[name] = obj
    return func(*args, **kwargs)


def context(*ctx_args: Any, **ctx_kwargs: Any) -> Callable[[F], F]:
    """Decorate a function so that each call gets a new :class:`zmq.Context`, terminated
    when the call returns or raises.

    Positional and keyword arguments (other than ``name``) go to ``zmq.Context(...)``,
    e.g. ``@context(io_threads=2)``. Sockets the function leaves open keep ``term()``
    waiting (as with ``with zmq.Context():``): close them, or use :func:`socket`.
    """
    name, ctx_args = _split_name(ctx_args, ctx_kwargs)

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if name is not None and name in kwargs:
                return func(*args, **kwargs)
            ctx: zmq.Context[Any] = zmq.Context(*ctx_args, **ctx_kwargs)
            try:
                return _call_with(func, name, ctx, args, kwargs)
            finally:
                ctx.term()

        return wrapper  # type: ignore[return-value]

    return decorate


def _find_context(context_name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> zmq.Context[Any]:
    ctx = kwargs.get(context_name)
    if isinstance(ctx, zmq.Context):
        return ctx
    for value in args:
        if isinstance(value, zmq.Context):
            return value
    return zmq.Context.instance()


def socket(*args: Any, **kwargs: Any) -> Callable[[F], F]:
    """Decorate a function so that each call gets a new :class:`zmq.Socket`, closed when
    the call returns or raises.

    Called as ``socket(socket_type, *args, **kwargs)`` (optionally with the keyword name
    first, or ``name=``). The socket is made with ``ctx.socket(socket_type, *args,
    **kwargs)``, where ``ctx`` is, in order: the call's keyword argument named
    ``context_name`` (default ``"context"``); a Context among the call's positional
    arguments, such as the one an outer :func:`context` decorator passes; else
    ``zmq.Context.instance()``, which is left running.
    """
    name, args = _split_name(args, kwargs)
    context_name = kwargs.pop("context_name", "context")

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*call_args: Any, **call_kwargs: Any) -> Any:
            if name is not None and name in call_kwargs:
                return func(*call_args, **call_kwargs)
            if not args and "socket_type" not in kwargs:
                raise TypeError(f"@socket() of {func.__qualname__} needs a socket type, e.g. @socket(zmq.PUSH)")
            ctx = _find_context(context_name, call_args, call_kwargs)
            sock = ctx.socket(*args, **kwargs)
            try:
                return _call_with(func, name, sock, call_args, call_kwargs)
            finally:
                sock.close()

        return wrapper  # type: ignore[return-value]

    return decorate
