"""Typing example: PUB/SUB with socket options read and written as attributes."""
from __future__ import annotations

import time
from typing import assert_type

import zmq


def main() -> None:
    with zmq.Context() as ctx:
        ctx.linger = 0  # a default socket option for every socket created afterwards
        pub = ctx.socket(zmq.PUB)
        sub = ctx.socket(zmq.SUB)
        try:
            pub.sndhwm = 1000
            sub.rcvtimeo = 5000
            sub.subscribe("weather.")
            sub.setsockopt(zmq.SUBSCRIBE, b"news.")
            assert sub.linger == 0
            port: int = pub.bind_to_random_port("tcp://127.0.0.1")
            endpoint: bytes = pub.get(zmq.LAST_ENDPOINT)
            assert endpoint.decode().endswith(f":{port}")
            assert_type(pub.get(zmq.LINGER), int)
            assert_type(pub.getsockopt(zmq.TYPE), zmq.SocketType)
            assert pub.type == zmq.PUB
            sub.connect(endpoint.decode())

            # PUB drops messages until the subscription has arrived: publish until one lands.
            poller = zmq.Poller()
            poller.register(sub, zmq.POLLIN)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                pub.send_multipart([b"weather.paris", b"sunny"])
                pub.send_multipart([b"sports.", b"ignored: not subscribed"])
                if poller.poll(50):
                    break
            topic = sub.recv()
            more: int = sub.rcvmore
            assert more == 1
            body = sub.recv_string()
            assert (topic, body) == (b"weather.paris", "sunny")
            assert not sub.get(zmq.RCVMORE)
            sub.unsubscribe(b"weather.")
        finally:
            pub.close()
            sub.close()


if __name__ == "__main__":
    main()
