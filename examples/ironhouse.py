"""Ironhouse: CURVE encryption plus authentication of the client by its public key.

1. Make a certificate (key pair) for the server and one for each client, in a temporary
   directory: zmq.auth.create_certificates writes NAME.key (public) and NAME.key_secret
   (secret, readable by its owner only).
2. Start a ThreadAuthenticator (a ZAP handler) in the server's context, allowing only
   127.0.0.1 and only the clients whose public certificates are in an "authorized"
   directory: here the good client's, not the intruder's.
3. The server socket is a CURVE server (it knows its own secret key); each client is a
   CURVE client that knows the server's public key and its own key pair.

The authorized client's request is answered; the intruder's connection is refused during
the handshake, so its request never reaches the server and its receive times out.

Run: python examples/ironhouse.py
"""
import os
import shutil
import sys
import tempfile

import zmq
import zmq.auth
from zmq.auth.thread import ThreadAuthenticator


def make_certificates(base: str) -> tuple:
    keys = os.path.join(base, "certificates")
    authorized = os.path.join(base, "authorized")
    os.mkdir(keys)
    os.mkdir(authorized)
    for name in ("server", "client", "intruder"):
        zmq.auth.create_certificates(keys, name)
    # Only the good client's *public* certificate goes to the authorized directory.
    shutil.copy(os.path.join(keys, "client.key"), authorized)
    return keys, authorized


def curve_client(ctx: zmq.Context, keys: str, name: str, url: str) -> zmq.Socket:
    sock = ctx.socket(zmq.REQ)
    sock.linger = 0
    sock.rcvtimeo = 1000
    public, secret = zmq.auth.load_certificate(os.path.join(keys, f"{name}.key_secret"))
    server_public, _ = zmq.auth.load_certificate(os.path.join(keys, "server.key"))
    sock.curve_publickey = public
    sock.curve_secretkey = secret
    sock.curve_serverkey = server_public      # the client must know the server's key
    sock.connect(url)
    return sock


def main() -> None:
    if not zmq.has("curve"):
        print("ironhouse: skipped (libzmq was built without CURVE)")
        sys.exit(0)

    base = tempfile.mkdtemp(prefix="cyzmq-ironhouse-")
    ctx = zmq.Context()
    try:
        keys, authorized = make_certificates(base)

        auth = ThreadAuthenticator(ctx)
        auth.start()
        auth.allow("127.0.0.1")
        auth.configure_curve(domain="*", location=authorized)

        server = ctx.socket(zmq.REP)
        server.linger = 0
        server.rcvtimeo = 5000
        public, secret = zmq.auth.load_certificate(os.path.join(keys, "server.key_secret"))
        server.curve_publickey = public
        server.curve_secretkey = secret
        server.curve_server = True
        server.bind("tcp://127.0.0.1:*")
        url = server.last_endpoint.decode()

        client = curve_client(ctx, keys, "client", url)
        client.send(b"hello from the authorized client")
        request = server.recv(copy=False)
        # libzmq attaches the ZAP handler's user id to every message: the client's key.
        print(f"server got {request.bytes!r} from user {request.get('User-Id')[:8]}...")
        server.send(b"welcome")
        print(f"client got {client.recv()!r}")

        intruder = curve_client(ctx, keys, "intruder", url)
        intruder.send(b"let me in")
        try:
            intruder.recv()
            print("the intruder got an answer: authentication is broken")
            sys.exit(1)
        except zmq.Again:
            print("intruder: no answer (its key is not authorized)")

        for s in (client, intruder, server):
            s.close()
        auth.stop()
    finally:
        ctx.term()
        shutil.rmtree(base)
    print("ironhouse: done")


if __name__ == "__main__":
    main()
