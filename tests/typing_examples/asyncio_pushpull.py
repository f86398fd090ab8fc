"""Typing example: PUSH/PULL with zmq.asyncio, where every send/recv/poll is awaited."""
from __future__ import annotations

import asyncio
from typing import Any, assert_type

import zmq
import zmq.asyncio

ENDPOINT = "inproc://typing-asyncio-pushpull"


async def pushpull(ctx: zmq.asyncio.Context) -> None:
    push = ctx.socket(zmq.PUSH)
    pull = ctx.socket(zmq.PULL)
    assert_type(pull, zmq.asyncio.Socket)
    try:
        push.linger = pull.linger = 0  # options as attributes, as on sync sockets
        pull.bind(ENDPOINT)
        push.connect(ENDPOINT)

        # The methods return asyncio futures of what the sync methods return.
        pending = pull.recv()
        assert_type(pending, asyncio.Future[bytes])
        assert isinstance(pending, asyncio.Future) and not pending.done()
        assert_type(await push.send(b"one"), None)
        assert_type(await asyncio.wait_for(pending, 5), bytes)
        assert pending.result() == b"one"

        await push.send_multipart([b"two", b"parts"])
        assert_type(await pull.poll(5000), int)
        parts = await pull.recv_multipart()
        assert_type(parts, list[bytes])
        assert parts == [b"two", b"parts"]

        payload = bytearray(100_000)  # large enough to be sent without a copy
        tracker = await push.send(payload, copy=False, track=True)
        assert_type(tracker, zmq.MessageTracker)
        frame = await pull.recv(copy=False)
        assert_type(frame, zmq.Frame)
        assert len(frame) == len(payload)
        more: int = pull.rcvmore
        assert not more
        del frame
        tracker.wait(5)

        await push.send_multipart([b"zero", b"copy"], copy=False)
        frames = await pull.recv_multipart(copy=False)
        assert_type(frames, list[zmq.Frame])
        assert [f.bytes for f in frames] == [b"zero", b"copy"]

        await push.send_string("text")
        assert_type(await pull.recv_string(), str)
        await push.send_json({"n": 1})
        assert_type(await pull.recv_json(), Any)  # JSON can be anything
        await push.send_pyobj({"n": 2})
        assert_type(await pull.recv_pyobj(), Any)

        # Several sockets at once: the async Poller's poll() is awaited too.
        poller = zmq.asyncio.Poller()
        poller.register(pull, zmq.POLLIN)
        assert_type(await poller.poll(0), list[tuple[Any, int]])
        await push.send(b"ready")
        events = dict(await poller.poll(5000))
        assert events[pull] == zmq.POLLIN
        assert await pull.recv() == b"ready"
    finally:
        push.close()
        pull.close()


async def sharing() -> None:
    """Async objects sharing the libzmq context and sockets of synchronous ones."""
    with zmq.Context() as sync_ctx:
        actx = zmq.asyncio.Context.from_context(sync_ctx)
        assert_type(actx, zmq.asyncio.Context)
        sync_pull = sync_ctx.socket(zmq.PULL)
        apush = actx.socket(zmq.PUSH)
        try:
            sync_pull.rcvtimeo = 5000
            sync_pull.bind(ENDPOINT + "-sharing")
            apull = zmq.asyncio.Socket.from_socket(sync_pull)
            assert_type(apull, zmq.asyncio.Socket)
            apush.connect(ENDPOINT + "-sharing")
            await apush.send(b"shared")
            assert_type(await apull.recv(), bytes)
        finally:
            apush.close(linger=0)
            sync_pull.close(linger=0)


async def main() -> None:
    with zmq.asyncio.Context.instance() as ctx:  # terminated on exit
        assert_type(ctx, zmq.asyncio.Context)
        await pushpull(ctx)
    await sharing()


if __name__ == "__main__":
    asyncio.run(main())
