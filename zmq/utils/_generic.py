"""``Generic``, ``TypeVar``, ``cast`` and ``overload`` for modules that ``import zmq`` loads,
without importing :mod:`typing` (with the ``re`` it imports, about a third of ``import zmq``).

Type checkers see :mod:`typing`'s own names. At run time these stand-ins keep what a
program can do with them: ``zmq.Context[zmq.Socket]`` is a ``types.GenericAlias``
(``zmq.Context[zmq.Socket]`` in reprs, usable as a base class, ``typing.get_args`` works),
``cast`` returns its value, ``overload`` returns the function (the final, unadorned
definition replaces it, as with :mod:`typing`'s).
"""
from __future__ import annotations

import types

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Generic as Generic, TypeVar as TypeVar, cast as cast, overload as overload
else:

    def class_getitem(cls, params):
        """``cls[params]`` for a class declared generic (``_zmq_generic`` in its own dict):
        a ``types.GenericAlias``; any other class raises TypeError as :mod:`typing` does
        for a subclass that did not declare type parameters of its own."""
        if not cls.__dict__.get("_zmq_generic", False):
            raise TypeError(f"{cls} is not a generic class")
        return types.GenericAlias(cls, params)

    class Generic:
        """Base class of the subscriptable zmq classes: ``C[X]`` is ``types.GenericAlias(C, X)``
        for a class that lists ``Generic[...]`` among its bases."""

        __slots__ = ()
        _zmq_generic = True
        __class_getitem__ = classmethod(class_getitem)

        def __init_subclass__(cls, **kwargs):
            super().__init_subclass__(**kwargs)
            cls._zmq_generic = Generic in cls.__bases__

    def TypeVar(name, *constraints, **kwargs):  # noqa: N802 - typing's name
        """The name, standing for a type variable (only subscriptions use it at run time)."""
        return name

    def cast(typ, val):
        """``val``, unchanged (as :func:`typing.cast`)."""
        return val

    def overload(func):
        """``func``, unchanged (the final definition of the name replaces it)."""
        return func
