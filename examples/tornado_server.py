"""A Tornado echo server built on ZMQStream callbacks, with a ZMQStream client.

ZMQStream calls on_recv callbacks from Tornado's IOLoop for every message, and its send
methods never block the loop. The client sends a few messages, checks the echoes, and
stops the loop; the program ends by itself (a timeout guards against a hang).

Needs Tornado.  Run: python examples/tornado_server.py
"""
import asyncio
import sys

import zmq

try:
    from tornado.ioloop import IOLoop
except ImportError:
    print("tornado_server: skipped (tornado is not installed)")
    sys.exit(0)

from zmq.eventloop.zmqstream import ZMQStream

N_MESSAGES = 5


async def main() -> list:
    ctx = zmq.Context.instance()

    # The server: a ROUTER echoing every message back to its sender ([identity, body]).
    server = ZMQStream(ctx.socket(zmq.ROUTER))
    port = server.bind_to_random_port("tcp://127.0.0.1")
    server.on_recv_stream(lambda stream, msg: stream.send_multipart(msg))

    # The client: a DEALER; its replies arrive in on_recv.
    client = ZMQStream(ctx.socket(zmq.DEALER))
    client.connect(f"tcp://127.0.0.1:{port}")
    loop = IOLoop.current().asyncio_loop
    finished = loop.create_future()
    echoes = []

    def on_reply(msg):
        echoes.append(msg[0].decode())
        if len(echoes) == N_MESSAGES and not finished.done():
            finished.set_result(None)

    client.on_recv(on_reply)
    for i in range(N_MESSAGES):
        client.send_string(f"hello {i}")

    await asyncio.wait_for(finished, timeout=10)
    client.close(linger=0)
    server.close(linger=0)
    return echoes


if __name__ == "__main__":
    echoes = IOLoop.current().run_sync(main)
    for e in echoes:
        print("echo:", e)
    zmq.Context.instance().term()
    print(f"tornado_server: {len(echoes)} echoes")
