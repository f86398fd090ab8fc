"""Typing example that MUST fail: mistakes with zmq.asyncio sockets that mypy catches.

tests/test_typing.py runs ``mypy --strict`` on this file and expects exactly the errors
marked ``# E: <code>``.
"""
from __future__ import annotations

import zmq
import zmq.asyncio


def needs_async(sock: zmq.asyncio.Socket) -> None: ...


async def main() -> None:
    ctx = zmq.asyncio.Context()
    sock = ctx.socket(zmq.PULL)
    poller = zmq.asyncio.Poller()

    data: str = await sock.recv()  # E: assignment
    raw: bytes = await sock.recv(copy=False)  # E: assignment
    parts: list[bytes] = await sock.recv_multipart(copy=False)  # E: assignment
    tracked = bool(raw)
    tracker: zmq.MessageTracker = await sock.send(b"maybe", track=tracked)  # E: assignment
    ready: bool = await sock.poll()  # E: assignment
    events: dict[zmq.Socket, int] = await poller.poll()  # E: assignment
    # Forgetting `await`: what you hold is the future, not the message.
    message: bytes = sock.recv()  # E: assignment
    sock.recv_string().upper()  # E: attr-defined
    await sock.send("text is not bytes")  # E: call-overload
    count: int = await sock.recv_json()  # no error: JSON can be anything

    # Sync sockets are not awaitable, and not async sockets.
    sync_sock = zmq.Context.instance().socket(zmq.PULL)
    await sync_sock.recv()  # E: misc
    needs_async(sync_sock)  # E: arg-type
    needs_async(sock)  # no error

    sock.close()
    sync_sock.close()
    ctx.term()
