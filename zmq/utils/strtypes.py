"""Python 2/3 string helpers, kept only so that old code importing them still runs.

New code should use ``bytes``/``str`` and ``.encode()``/``.decode()`` directly: the
functions here warn (DeprecationWarning) at each call, as pyzmq's do. ``unicode`` is
:class:`str`, ``basestring`` is ``(str,)`` (what it meant for text on Python 3), and
``b``/``u``/``asbytes`` are aliases of :func:`cast_bytes`/:func:`cast_unicode`.
"""
from __future__ import annotations

import builtins
import warnings
from typing import Union

__all__ = ["asbytes", "bytes", "unicode", "basestring", "b", "u", "cast_bytes", "cast_unicode"]

#: The byte-string type (Python 2's ``str``).
bytes = builtins.bytes
#: The text type (Python 2's ``unicode``).
unicode = builtins.str
#: The text types, as a tuple for ``isinstance``.
basestring = (builtins.str,)

_DEPRECATED = "zmq.utils.strtypes is deprecated: use str.encode() and bytes.decode()"


def cast_bytes(s: Union[builtins.str, builtins.bytes], encoding: builtins.str = "utf8", errors: builtins.str = "strict") -> builtins.bytes:
    """``s`` as bytes: returned as is if it already is bytes, else encoded with ``encoding``."""
    warnings.warn(_DEPRECATED, DeprecationWarning, stacklevel=2)
    if isinstance(s, builtins.bytes):
        return s
    if isinstance(s, builtins.str):
        return s.encode(encoding, errors)
    raise TypeError(f"expected str or bytes, not {type(s).__name__!r}")


def cast_unicode(s: Union[builtins.str, builtins.bytes], encoding: builtins.str = "utf8", errors: builtins.str = "strict") -> builtins.str:
    """``s`` as str: returned as is if it already is str, else decoded with ``encoding``."""
    warnings.warn(_DEPRECATED, DeprecationWarning, stacklevel=2)
    if isinstance(s, builtins.str):
        return s
    if isinstance(s, builtins.bytes):
        return s.decode(encoding, errors)
    raise TypeError(f"expected str or bytes, not {type(s).__name__!r}")


#: Old name of :func:`cast_bytes`.
asbytes = cast_bytes
#: Old short name of :func:`cast_bytes`.
b = cast_bytes
#: Old short name of :func:`cast_unicode`.
u = cast_unicode
