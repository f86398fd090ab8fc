"""Python 2/3 string helpers, kept only so that old code importing them still runs.

New code should use ``bytes``/``str`` and ``.encode()``/``.decode()`` directly. Here
``unicode`` is :class:`str`, ``basestring`` is ``(str, bytes)``, and ``b``/``u``/``asbytes``
are aliases of :func:`cast_bytes`/:func:`cast_unicode`.
"""
from __future__ import annotations

import builtins
from typing import Union

__all__ = ["asbytes", "bytes", "unicode", "basestring", "b", "u", "cast_bytes", "cast_unicode"]

#: The byte-string type (Python 2's ``str``).
bytes = builtins.bytes
#: The text type (Python 2's ``unicode``).
unicode = builtins.str
#: What ``isinstance(s, basestring)`` meant: any string, text or bytes.
basestring = (builtins.str, builtins.bytes)


def cast_bytes(s: Union[builtins.str, builtins.bytes], encoding: builtins.str = "utf8", errors: builtins.str = "strict") -> builtins.bytes:
    """``s`` as bytes: returned as is if it already is bytes, else encoded with ``encoding``."""
    if isinstance(s, builtins.bytes):
        return s
    if isinstance(s, builtins.str):
        return s.encode(encoding, errors)
    raise TypeError(f"expected str or bytes, not {type(s).__name__!r}")


def cast_unicode(s: Union[builtins.str, builtins.bytes], encoding: builtins.str = "utf8", errors: builtins.str = "strict") -> builtins.str:
    """``s`` as str: returned as is if it already is str, else decoded with ``encoding``."""
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
