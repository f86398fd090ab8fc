"""ZMQStream echo round trips (tornado IOLoop on asyncio), measured at the client.

A ROUTER socket wrapped in a ZMQStream echoes every message (``on_recv(stream.send_multipart)``:
``[identity, payload]`` goes back as is). The client is a DEALER wrapped in a ZMQStream on
the same IOLoop, whose ``on_recv`` callback sends the next request, so that ``window``
requests (32 B each) are always in flight. One sample = round trips per second over a
batch of ``n``; one checked exchange and one warm-up batch come first. Over tcp
127.0.0.1, everything (this process and libzmq's I/O thread) is pinned to one CPU like the
latency scenarios: cross-CPU wake-ups on this VM would otherwise dominate the 1-in-flight
number.

Tornado is imported here, inside the measured process. pyzmq's benchmark venv has none:
the driver lends it this interpreter's package through PYTHONPATH (see
``bench.lend_packages``); if it is missing anyway the scenario fails with
"tornado not installed" for that library only.
"""
from __future__ import annotations

import asyncio
from time import perf_counter
from typing import Any

import zmq

from ._util import pin_to_one_cpu

TIMEOUT_S = 60.0
PAYLOAD = b"x" * 32


def echo(p: dict, repeats: int) -> dict:
    try:
        import tornado
    except ImportError:
        raise RuntimeError("tornado not installed") from None
    from zmq.eventloop.zmqstream import ZMQStream

    window, n = p["window"], p["n"]
    cpu = pin_to_one_cpu() if p.get("pin") else None  # before the Context (I/O thread)

    async def main() -> list[float]:
        ctx = zmq.Context()
        router = ctx.socket(zmq.ROUTER)
        router.bind("tcp://127.0.0.1:*")
        server = ZMQStream(router)
        server.on_recv(server.send_multipart)
        dealer = ctx.socket(zmq.DEALER)
        dealer.connect(router.getsockopt(zmq.LAST_ENDPOINT).decode())
        client = ZMQStream(dealer)
        loop = asyncio.get_running_loop()
        try:
            got = loop.create_future()
            client.on_recv(got.set_result)
            client.send(PAYLOAD)
            reply = await got
            if [bytes(part) for part in reply] != [PAYLOAD]:
                raise RuntimeError(f"bad echo: {reply!r}")
            rates = []
            for i in range(1 + repeats):
                rate = await _batch(client, loop, window, n)
                if i:
                    rates.append(rate)
            return rates
        finally:
            client.close(linger=0)
            server.close(linger=0)
            ctx.term()

    async def guarded() -> list[float]:
        return await asyncio.wait_for(main(), TIMEOUT_S)

    samples = asyncio.run(guarded())
    return {"samples": samples, "extra": {"cpu": cpu, "tornado": tornado.version}}


async def _batch(client: Any, loop: asyncio.AbstractEventLoop, window: int, n: int) -> float:
    """Round trips per second of ``n`` echoes keeping ``window`` requests in flight."""
    done = loop.create_future()
    sent = received = 0
    send = client.send

    def on_reply(msg: list[Any]) -> None:
        nonlocal sent, received
        received += 1
        if sent < n:
            sent += 1
            send(PAYLOAD)
        elif received == n:
            done.set_result(None)

    client.on_recv(on_reply)
    t0 = perf_counter()
    for _ in range(min(window, n)):
        sent += 1
        send(PAYLOAD)
    await done
    return n / (perf_counter() - t0)
