"""JSON that travels as bytes: what :meth:`Socket.send_json` / :meth:`Socket.recv_json`
put on the wire (UTF-8 encoded JSON text)."""
from __future__ import annotations

import json
from typing import Any

__all__ = ["dumps", "loads", "jsonmod"]

#: The JSON module in use (the standard library's).
jsonmod = json


def dumps(o: Any, **kwargs: Any) -> bytes:
    """Serialize ``o`` to JSON, as UTF-8 encoded bytes.

    Keyword arguments go to :func:`json.dumps`. As there, non-ASCII text is written as
    ``\\uXXXX`` escapes (the result is ASCII) unless ``ensure_ascii=False`` is given;
    strings that cannot be UTF-8 (lone surrogates) are escaped even then, so the result
    is always valid UTF-8 JSON.
    """
    text = json.dumps(o, **kwargs)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        kwargs["ensure_ascii"] = True
        return json.dumps(o, **kwargs).encode("ascii")


def loads(s: bytes | bytearray | memoryview | str, **kwargs: Any) -> Any:
    """Parse JSON from ``str`` or UTF-8 bytes (a bytes-like object such as a Frame's
    ``buffer`` too); keyword arguments go to :func:`json.loads`."""
    if isinstance(s, memoryview):
        s = s.tobytes()
    if isinstance(s, (bytes, bytearray)):
        s = s.decode("utf-8")
    return json.loads(s, **kwargs)
