"""zmq.green: greenlets sharing one thread, each blocking on its own socket.

With `import zmq.green as zmq`, a socket call that has to wait parks only the calling
greenlet on gevent's hub, so the server, the clients and a ticker all make progress in a
single thread.

Needs gevent.  Run: python examples/gevent_greenlets.py
"""
import sys

try:
    import gevent
    import gevent.event
except ImportError:
    print("gevent_greenlets: skipped (gevent is not installed)")
    sys.exit(0)

import zmq.green as zmq

N_CLIENTS = 3
N_REQUESTS = 3


def server(ctx, url):
    with ctx.socket(zmq.ROUTER) as router:
        router.rcvtimeo = 5000
        router.bind(url)
        for _ in range(N_CLIENTS * N_REQUESTS):
            # A REQ client's message reaches a ROUTER as [identity, b"", request].
            identity, empty, request = router.recv_multipart()   # waits cooperatively
            gevent.sleep(0.01)                                    # pretend to work
            router.send_multipart([identity, empty, request[::-1]])


def client(ctx, url, name):
    with ctx.socket(zmq.REQ) as req:
        req.rcvtimeo = 5000
        req.connect(url)
        answers = []
        for i in range(N_REQUESTS):
            req.send_string(f"{name}-{i}")
            answers.append(req.recv_string())
        return answers


def ticker(stop):
    ticks = 0
    while not stop.is_set():
        ticks += 1
        gevent.sleep(0.005)      # other greenlets run meanwhile
    return ticks


def main():
    ctx = zmq.Context()
    url = "inproc://green-server"
    stop = gevent.event.Event()
    tick = gevent.spawn(ticker, stop)
    srv = gevent.spawn(server, ctx, url)
    gevent.sleep(0)              # let the server bind before the clients connect
    clients = [gevent.spawn(client, ctx, url, f"c{i}") for i in range(N_CLIENTS)]
    gevent.joinall(clients + [srv], timeout=20, raise_error=True)
    stop.set()
    tick.join()
    ctx.term()
    for g in clients:
        print(g.value)
    print(f"ticker ran {tick.value} times while the sockets were waiting")
    print(f"gevent_greenlets: {sum(len(g.value) for g in clients)} replies")


if __name__ == "__main__":
    main()
