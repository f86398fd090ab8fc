"""Authentication of ZeroMQ connections: ZAP handlers (ZeroMQ RFC 27) and CURVE certificates.

Start one handler per Context, configure it, then secure sockets with socket options::

    import zmq
    from zmq.auth.thread import ThreadAuthenticator

    ctx = zmq.Context()
    auth = ThreadAuthenticator(ctx)
    auth.start()
    auth.allow("127.0.0.1")
    auth.configure_curve(domain="*", location="public_keys/")

    server = ctx.socket(zmq.REP)
    server.curve_secretkey, server.curve_publickey = server_secret, server_public
    server.curve_server = True

Handlers: :class:`zmq.auth.thread.ThreadAuthenticator` (a background thread),
:class:`zmq.auth.asyncio.AsyncioAuthenticator` (an asyncio task) and
:class:`zmq.auth.ioloop.IOLoopAuthenticator` (Tornado). Certificates:
:mod:`zmq.auth.certs`; ``python -m zmq.curve_keygen`` makes key pairs.
"""
from zmq.auth import base, certs
from zmq.auth.base import Authenticator
from zmq.auth.certs import CURVE_ALLOW_ANY, create_certificates, load_certificate, load_certificates

__all__ = [
    "Authenticator", "CURVE_ALLOW_ANY", "base", "certs", "create_certificates", "load_certificate",
    "load_certificates",
]
