"""JSON that travels as bytes: what :meth:`Socket.send_json` / :meth:`Socket.recv_json`
put on the wire (UTF-8 encoded JSON text)."""
from __future__ import annotations

TYPE_CHECKING = False  # (typing is not imported at `import zmq`, nor json: this module is)
if TYPE_CHECKING:
    import json
    from typing import Any

    #: The JSON module in use (the standard library's).
    jsonmod = json

__all__ = ["dumps", "loads", "jsonmod"]


def __getattr__(name: str) -> Any:
    # `jsonmod` (the standard library's json) is imported on first use: `import zmq` loads
    # this module, and most programs never send JSON.
    if name == "jsonmod":
        import json

        globals()["jsonmod"] = json
        return json
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), "jsonmod"})


def dumps(o: Any, **kwargs: Any) -> bytes:
    """Serialize ``o`` to JSON, as UTF-8 encoded bytes.

    Keyword arguments go to :func:`json.dumps`. As there, non-ASCII text is written as
    ``\\uXXXX`` escapes (the result is ASCII) unless ``ensure_ascii=False`` is given;
    strings that cannot be UTF-8 (lone surrogates) are escaped even then, so the result
    is always valid UTF-8 JSON.
    """
    import json

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
    import json

    return json.loads(s, **kwargs)
