"""JSON that travels as bytes: what :meth:`Socket.send_json` / :meth:`Socket.recv_json`
put on the wire (UTF-8 encoded JSON text)."""
from __future__ import annotations

import json
from typing import Any

__all__ = ["dumps", "loads"]


def dumps(o: Any, **kwargs: Any) -> bytes:
    """Serialize ``o`` to UTF-8 encoded JSON.

    Keyword arguments go to :func:`json.dumps`. Non-ASCII text is written as UTF-8 rather
    than ``\\uXXXX`` escapes (``ensure_ascii=False``) unless ``ensure_ascii=True`` is given;
    strings that cannot be UTF-8 (lone surrogates) fall back to escapes, so the result is
    always valid UTF-8 JSON.
    """
    kwargs.setdefault("ensure_ascii", False)
    text = json.dumps(o, **kwargs)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        kwargs["ensure_ascii"] = True
        return json.dumps(o, **kwargs).encode("ascii")


def loads(s: bytes | bytearray | memoryview | str, **kwargs: Any) -> Any:
    """Parse JSON from ``str`` or UTF-8 bytes; keyword arguments go to :func:`json.loads`."""
    if isinstance(s, memoryview):
        s = s.tobytes()
    if isinstance(s, (bytes, bytearray)):
        s = s.decode("utf-8")
    return json.loads(s, **kwargs)
