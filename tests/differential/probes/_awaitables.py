"""What an awaitable-returning call did, for the probes of zmq.asyncio and zmq.eventloop.future.

Not a probe module (no ``p_`` prefix): the two import it after putting this directory on
``sys.path`` (the harness loads probe modules by file, with only ``tests/differential`` on the
path). Uses only the stdlib and ``_probe``, so it runs under both interpreters.
"""
import asyncio
import inspect

from _probe import rec


async def settle(fut, wait=1.0):
    """What awaiting ``fut`` gives within ``wait`` seconds (cancelled if still pending)."""
    if not inspect.isawaitable(fut):
        return ("not-awaitable", fut)
    fut = asyncio.ensure_future(fut)
    await asyncio.wait({fut}, timeout=wait)
    if not fut.done():
        fut.cancel()
        return ("pending",)
    if fut.cancelled():
        return ("cancelled",)
    e = fut.exception()
    return ("exc", e) if e is not None else ("ok", fut.result())


async def outcome(fn, *args, wait=1.0, **kwargs):
    """Record how ``fn(*args, **kwargs)`` behaves; return the awaited value (or None)."""
    try:
        r = fn(*args, **kwargs)
    except Exception as e:  # noqa: BLE001 - the exception is the observation
        rec(("raised-now", e))
        return None
    kind = "future" if isinstance(r, asyncio.Future) else type(r).__qualname__
    result = await settle(r, wait)
    rec((kind,) + result)
    return result[1] if result[0] == "ok" else None
