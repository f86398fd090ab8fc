"""An asyncio ROUTER server answering several DEALER clients concurrently.

The ROUTER socket prefixes each received message with the identity of the client that
sent it, and routes a reply to the client named by its first part: one coroutine serves
every client. Each client sends a few requests without waiting (DEALER sockets are not
bound to REQ's strict alternation), then collects the replies. The server stops after a
"bye" from each client; the program ends by itself.

Run: python examples/asyncio_server.py
"""
import asyncio

import zmq
import zmq.asyncio

N_CLIENTS = 3
N_REQUESTS = 4


async def server(router: zmq.asyncio.Socket) -> int:
    served = 0
    goodbyes = 0
    while goodbyes < N_CLIENTS:
        identity, request = await router.recv_multipart()
        if request == b"bye":
            goodbyes += 1
            continue
        served += 1
        await router.send_multipart([identity, request.upper()])
    return served


async def client(ctx: zmq.asyncio.Context, url: str, name: str) -> list:
    dealer = ctx.socket(zmq.DEALER)
    dealer.routing_id = name.encode()   # otherwise libzmq makes up an identity
    dealer.connect(url)
    for i in range(N_REQUESTS):
        await dealer.send(f"{name} request {i}".encode())
    replies = [(await dealer.recv()).decode() for _ in range(N_REQUESTS)]
    await dealer.send(b"bye")
    dealer.close(linger=1000)            # give "bye" time to leave
    return replies


async def main() -> None:
    ctx = zmq.asyncio.Context()
    router = ctx.socket(zmq.ROUTER)
    router.rcvtimeo = 5000               # a lost message fails with zmq.Again, never hangs
    router.bind("tcp://127.0.0.1:*")
    url = router.last_endpoint.decode()

    server_task = asyncio.create_task(server(router))
    results = await asyncio.gather(*(client(ctx, url, f"client-{i}") for i in range(N_CLIENTS)))
    served = await asyncio.wait_for(server_task, 10)

    for replies in results:
        print(replies[0], "...", replies[-1])
    router.close()
    ctx.term()
    print(f"asyncio_server: served {served} requests")


if __name__ == "__main__":
    asyncio.run(main())
