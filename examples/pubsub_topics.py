"""Publish-subscribe with topics: two subscribers see only the topics they subscribed to.

A message's first part is its topic; a SUB socket receives the messages whose first bytes
match one of its subscriptions. Subscriptions reach the publisher asynchronously, so the
publisher first makes sure both subscribers are listening (the "slow joiner" problem) by
publishing hellos on a control topic until each subscriber has seen one.

Run: python examples/pubsub_topics.py
"""
import zmq

READINGS = [
    ("weather.paris", "21C"),
    ("weather.rome", "25C"),
    ("traffic.paris", "jammed"),
    ("weather.paris", "22C"),
    ("traffic.rome", "fluid"),
]


def main() -> None:
    with zmq.Context() as ctx:
        pub = ctx.socket(zmq.PUB)
        pub.bind("inproc://updates")

        weather = ctx.socket(zmq.SUB)      # everything about the weather
        paris = ctx.socket(zmq.SUB)        # only the weather in Paris
        for sub, topic in ((weather, "weather."), (paris, "weather.paris")):
            sub.rcvtimeo = 5000            # a lost message fails the program, never hangs it
            sub.connect("inproc://updates")
            sub.subscribe("ctl.")          # control messages: ctl.hello and ctl.end
            sub.subscribe(topic)

        # Handshake: publish hellos until each subscriber received one (a bounded loop),
        # then drop the extra hellos.
        for sub in (weather, paris):
            for _ in range(500):
                pub.send_multipart([b"ctl.hello", b""])
                if sub.poll(10):
                    break
            else:
                raise SystemExit("a subscriber never connected")
        for sub in (weather, paris):
            while sub.poll(0):
                sub.recv_multipart()

        for topic, value in READINGS:
            pub.send_multipart([topic.encode(), value.encode()])
        pub.send_multipart([b"ctl.end", b""])

        for name, sub in (("weather", weather), ("paris", paris)):
            received = []
            while True:
                topic, value = sub.recv_multipart()
                if topic == b"ctl.end":
                    break
                received.append(f"{topic.decode()}={value.decode()}")
            print(f"{name} subscriber got: {', '.join(received)}")

        for s in (pub, weather, paris):
            s.close()
    print("pubsub_topics: done")


if __name__ == "__main__":
    main()
