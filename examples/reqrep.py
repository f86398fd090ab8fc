"""Request-reply: a REP server thread answers the requests of a REQ client.

REQ and REP enforce a strict send/receive alternation: the client must receive the reply
before sending its next request, and the server must reply before receiving the next one.

Run: python examples/reqrep.py
"""
import threading

import zmq

N_REQUESTS = 5


def server(ctx: zmq.Context, url: str) -> None:
    with ctx.socket(zmq.REP) as rep:
        rep.rcvtimeo = 5000          # never hang forever if the client disappears
        rep.connect(url)
        for _ in range(N_REQUESTS):
            request = rep.recv_json()
            rep.send_json({"n": request["n"], "square": request["n"] ** 2})


def main() -> None:
    with zmq.Context() as ctx:
        with ctx.socket(zmq.REQ) as req:
            req.rcvtimeo = 5000
            # Bind to a free port chosen by the system; read back the actual endpoint.
            req.bind("tcp://127.0.0.1:*")
            url = req.last_endpoint.decode()
            thread = threading.Thread(target=server, args=(ctx, url))
            thread.start()
            for n in range(N_REQUESTS):
                req.send_json({"n": n})
                reply = req.recv_json()
                print(f"{n}^2 = {reply['square']}")
            thread.join()
    print("reqrep: done")


if __name__ == "__main__":
    main()
