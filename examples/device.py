"""A queue device in a background thread between REQ clients and REP workers.

The ThreadDevice forwards between a ROUTER (clients connect to it) and a DEALER (workers
connect to it): requests are load-balanced over the workers and replies routed back to
the right client, without the clients knowing how many workers there are. Terminating
the device's context stops it.

Run: python examples/device.py
"""
import threading

import zmq
from zmq.devices import ThreadDevice

N_WORKERS = 2
N_CLIENTS = 3
N_REQUESTS = 4


def worker(ctx: zmq.Context, url: str, wid: int, served: list, finished: threading.Event) -> None:
    with ctx.socket(zmq.REP) as rep:
        rep.connect(url)
        while not finished.is_set():   # until every client has its replies
            if rep.poll(100):          # wait at most 100 ms, then re-check
                request = rep.recv_string()
                served[wid] += 1
                rep.send_string(f"{request} -> worker {wid}")


def client(ctx: zmq.Context, url: str, cid: int, replies: list) -> None:
    with ctx.socket(zmq.REQ) as req:
        req.rcvtimeo = 5000
        req.connect(url)
        for i in range(N_REQUESTS):
            req.send_string(f"client {cid} request {i}")
            replies.append(req.recv_string())


def main() -> None:
    device = ThreadDevice(zmq.QUEUE, zmq.ROUTER, zmq.DEALER)
    front = device.bind_in_to_random_port("tcp://127.0.0.1")
    back = device.bind_out_to_random_port("tcp://127.0.0.1")
    device.start()

    ctx = zmq.Context()
    served = [0] * N_WORKERS
    replies: list = []
    finished = threading.Event()
    workers = [threading.Thread(target=worker, args=(ctx, f"tcp://127.0.0.1:{back}", w, served, finished))
               for w in range(N_WORKERS)]
    clients = [threading.Thread(target=client, args=(ctx, f"tcp://127.0.0.1:{front}", c, replies))
               for c in range(N_CLIENTS)]
    for t in workers + clients:
        t.start()
    for t in clients:
        t.join()
    finished.set()
    for t in workers:
        t.join()
    ctx.term()

    device.context.term()   # ends the device's forwarding loop...
    device.join(5)          # ...and its thread
    print(replies[0])
    print(f"requests served per worker: {served}")
    print(f"device: {len(replies)} replies")


if __name__ == "__main__":
    main()
