"""Python logging over ZeroMQ: a PUBHandler publishes records, a SUB socket prints them.

Each record travels as [topic, text], the topic being "<root topic>.<LEVEL>[.<sub-topic>]";
the subscriber here asks for everything under "myapp" and prints what arrives.

Run: python examples/logging_pub.py
"""
import logging

import zmq
from zmq.log.handlers import PUBHandler


def main() -> None:
    ctx = zmq.Context()
    sub = ctx.socket(zmq.SUB)
    sub.rcvtimeo = 5000
    sub.subscribe("myapp")

    handler = PUBHandler("tcp://127.0.0.1:*", context=ctx, root_topic="myapp")
    sub.connect(handler.socket.last_endpoint.decode())

    logger = logging.getLogger("example")
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    logger.propagate = False

    # A PUB socket drops what it publishes before the subscription arrives: log a
    # heartbeat until the subscriber sees one (bounded), then the real records.
    for _ in range(500):
        logger.debug("heartbeat")
        if sub.poll(10):
            break
    while sub.poll(50):
        sub.recv_multipart()

    logger.info("service started")
    logger.warning("db.pool::pool nearly exhausted (%d%%)", 95)      # sub-topic db.pool
    logger.error("http::request failed")                             # sub-topic http
    for _ in range(3):
        topic, text = sub.recv_multipart()
        print(f"{topic.decode():<24} {text.decode().strip()}")

    logger.removeHandler(handler)
    handler.close()          # closes the PUB socket the handler created
    sub.close()
    ctx.term()
    print("logging_pub: done")


if __name__ == "__main__":
    main()
