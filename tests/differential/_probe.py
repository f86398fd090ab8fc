"""What a probe may use: the ``@probe`` decorator, ``rec`` and ``call``.

Probe modules (``probes/*.py``) are imported under both interpreters, ours and pyzmq's,
so this module and they use only the standard library and ``zmq``. A probe is a function
that exercises one behaviour and records what it sees with :func:`rec` / :func:`call`;
the runner (``_runner.py``) turns the records into an observation, and the test compares
the observation under cyzmq with the one under pyzmq.
"""
from __future__ import annotations

import enum
import json
import math
import re
from typing import Any, Callable

#: Every probe of the module being defined, in definition order: name -> (function, options).
PROBES: dict[str, tuple[Callable[[], Any], dict[str, Any]]] = {}

_ADDR = re.compile(r"0x[0-9a-fA-F]+")
_out: Any = None  # the runner's stream of records (a file), set in the forked child


def probe(fn: Callable[[], Any] | None = None, *, timeout: float = 5.0, needs: tuple[str, ...] = ()):
    """Register ``fn`` as a probe, named after the function (without a ``probe_`` prefix).

    ``timeout``: seconds after which the probe counts as not finished (and is killed).
    ``needs``: modules it imports besides zmq (tornado, gevent, numpy), documented only.
    """

    def register(f: Callable[[], Any]) -> Callable[[], Any]:
        name = f.__name__[6:] if f.__name__.startswith("probe_") else f.__name__
        if name in PROBES:
            raise ValueError(f"probe {name!r} defined twice")
        PROBES[name] = (f, {"timeout": timeout, "needs": needs})
        return f

    return register(fn) if fn is not None else register


def mask(text: str) -> str:
    """``text`` with memory addresses replaced by ``0x?``."""
    return _ADDR.sub("0x?", text)


def norm(value: Any, depth: int = 0) -> Any:
    """A JSON-able, implementation-neutral description of ``value``."""
    if depth > 6:
        return {"deep": type(value).__qualname__}
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, enum.Enum):
        return {"enum": type(value).__qualname__, "name": value.name, "value": norm(value.value, depth + 1)}
    if type(value) in (int, str):
        return value
    if type(value) is float:
        return value if math.isfinite(value) else repr(value)
    if type(value) in (bytes, bytearray):
        return {type(value).__name__: value.decode("latin-1")}
    if type(value) in (list, tuple):
        return {type(value).__name__: [norm(v, depth + 1) for v in value]}
    if type(value) in (set, frozenset):
        return {type(value).__name__: sorted((json.dumps(norm(v, depth + 1), sort_keys=True) for v in value))}
    if type(value) is dict:
        return {"dict": [[norm(k, depth + 1), norm(v, depth + 1)] for k, v in value.items()]}
    if isinstance(value, BaseException):
        return exc_info(value)
    if isinstance(value, type):
        return {"class": value.__qualname__}
    return {"type": type(value).__qualname__, "repr": mask(repr(value))}


def exc_info(e: BaseException) -> dict[str, Any]:
    """An exception as type name, errno (for ZMQError and OSError) and message class."""
    info: dict[str, Any] = {"exc": type(e).__qualname__}
    errno = getattr(e, "errno", None)
    if errno is not None:
        info["errno"] = errno
    text = str(e)
    info["msg"] = "empty" if not text else "text"
    return info


def rec(value: Any, label: str | None = None) -> Any:
    """Record ``value`` (normalised by :func:`norm`); returns it unchanged."""
    _emit({"rec": norm(value), **({"label": label} if label else {})})
    return value


def rec_raw(value: Any, label: str | None = None) -> Any:
    """Record an already JSON-able ``value`` exactly as it is."""
    _emit({"rec": value, **({"label": label} if label else {})})
    return value


def call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call ``fn(*args, **kwargs)``; record its result, or the exception it raised.

    Returns the result, or None when it raised.
    """
    try:
        result = fn(*args, **kwargs)
    except Exception as e:  # noqa: BLE001 - the exception is the observation
        _emit({"raised": exc_info(e)})
        return None
    _emit({"ret": norm(result)})
    return result


def _emit(record: dict[str, Any]) -> None:
    if _out is None:  # imported outside the runner (collection in pytest): nothing to record
        return
    _out.write(json.dumps(record, sort_keys=True) + "\n")
    _out.flush()
