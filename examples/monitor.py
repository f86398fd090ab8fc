"""Watch a socket's connection events with libzmq's socket monitor.

get_monitor_socket() makes libzmq publish every event of a socket (listening, connection
delayed/established, handshake, disconnection...) on a PAIR socket;
zmq.utils.monitor.recv_monitor_message() decodes them. Here a REP server is monitored
while a client connects, makes one request and goes away.

Run: python examples/monitor.py
"""
import zmq
from zmq.utils.monitor import recv_monitor_message


def main() -> None:
    ctx = zmq.Context()
    server = ctx.socket(zmq.REP)
    monitor = server.get_monitor_socket()     # every event; or pass a mask of zmq.EVENT_*
    monitor.rcvtimeo = 5000                    # a missing event fails, never hangs

    server.bind("tcp://127.0.0.1:*")
    url = server.last_endpoint.decode()

    client = ctx.socket(zmq.REQ)
    client.connect(url)
    client.send(b"ping")
    server.send(server.recv())
    client.recv()
    client.close(linger=0)                     # the server will see a disconnection

    seen = []
    while zmq.EVENT_DISCONNECTED not in seen:
        event = recv_monitor_message(monitor)
        seen.append(event["event"])
        print(f"{event['event'].name:<20} value={event['value']:<4} {event['endpoint'].decode()}")

    server.disable_monitor()
    monitor.close()
    server.close()
    ctx.term()
    print("monitor: saw " + ", ".join(e.name for e in seen))


if __name__ == "__main__":
    main()
