"""zmq.auth: ZAP handlers deciding real connections over tcp://127.0.0.1, and certificates.

A refused client is shown refused twice over: the server's monitor reports the failed
handshake (HANDSHAKE_FAILED_AUTH with the handler's status code, or _PROTOCOL for a bad
server key) and the server then has nothing to receive, although the client sent.
"""
from __future__ import annotations

import asyncio
import errno
import os
import stat
import subprocess
import sys

import pytest
from _helpers import TIMEOUT_MS

import zmq
import zmq.asyncio
from zmq.auth import CURVE_ALLOW_ANY, Authenticator, create_certificates, load_certificate, load_certificates
from zmq.auth.asyncio import AsyncioAuthenticator
from zmq.auth.thread import ThreadAuthenticator
from zmq.utils import z85
from zmq.utils.monitor import parse_monitor_message, recv_monitor_message

pytestmark = pytest.mark.skipif(not zmq.has("curve"), reason="libzmq built without CURVE")

SUCCEEDED = zmq.EVENT_HANDSHAKE_SUCCEEDED
FAILED_AUTH = zmq.EVENT_HANDSHAKE_FAILED_AUTH
FAILED_PROTOCOL = zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL


# -- fixtures and helpers -------------------------------------------------------------------


@pytest.fixture
def auth(ctx):
    a = ThreadAuthenticator(ctx)
    a.start()
    yield a
    a.stop()


@pytest.fixture
def certs(tmp_path):
    """Server and two client certificate pairs; only client 'alice' is in public/."""
    public = tmp_path / "public"
    public.mkdir()
    secret = tmp_path / "secret"
    secret.mkdir()
    create_certificates(secret, "server")
    create_certificates(secret, "alice")
    create_certificates(secret, "mallory")
    (public / "alice.key").write_bytes((secret / "alice.key").read_bytes())
    keys = {name: load_certificate(secret / f"{name}.key_secret") for name in ("server", "alice", "mallory")}
    return public, keys


class Pair:
    """A secured PULL server (with a monitor) and a PUSH client, closed by :meth:`close`."""

    def __init__(self, ctx, server_opts, client_opts, server_first=None):
        self.server = ctx.socket(zmq.PULL)
        self.client = ctx.socket(zmq.PUSH)
        for s in (self.server, self.client):
            s.linger = 0
            s.rcvtimeo = s.sndtimeo = TIMEOUT_MS
        for name, value in server_opts.items():
            setattr(self.server, name, value)
        for name, value in client_opts.items():
            setattr(self.client, name, value)
        self.monitor = self.server.get_monitor_socket(SUCCEEDED | FAILED_AUTH | FAILED_PROTOCOL)
        self.monitor.rcvtimeo = TIMEOUT_MS
        port = self.server.bind_to_random_port("tcp://127.0.0.1")
        self.client.connect(f"tcp://127.0.0.1:{port}")

    def handshake(self) -> dict:
        """The server's first handshake outcome (bounded by the monitor's rcvtimeo)."""
        return recv_monitor_message(self.monitor)

    def close(self):
        self.server.disable_monitor()
        self.monitor.close()
        self.server.close()
        self.client.close()


@pytest.fixture
def pair(ctx):
    made = []

    def make(server_opts, client_opts):
        p = Pair(ctx, server_opts, client_opts)
        made.append(p)
        return p

    yield make
    for p in made:
        p.close()


def assert_refused(p: Pair, event=FAILED_AUTH, status=400):
    try:  # queued: it would go out once the handshake passed
        p.client.send(b"secret payload", zmq.NOBLOCK)
    except zmq.Again:
        pass  # the refusal came first and libzmq already dropped the connection's pipe
    outcome = p.handshake()
    assert outcome["event"] == event
    if event == FAILED_AUTH:
        assert outcome["value"] == status
    assert p.server.poll(300) == 0, "a refused client's message reached the server"


def assert_accepted(p: Pair, user_id=None) -> zmq.Frame:
    p.client.send(b"hello")
    assert p.handshake()["event"] == SUCCEEDED
    frame = p.server.recv(copy=False)
    assert frame.bytes == b"hello"
    if user_id is not None:
        assert frame.get("User-Id") == user_id
    return frame


def curve_opts(keys, client="alice", serverkey=None):
    server_public, server_secret = keys["server"]
    client_public, client_secret = keys[client]
    server = {"curve_publickey": server_public, "curve_secretkey": server_secret, "curve_server": True}
    client_opts = {
        "curve_publickey": client_public,
        "curve_secretkey": client_secret,
        "curve_serverkey": serverkey or server_public,
    }
    return server, client_opts


PLAIN_SERVER = {"plain_server": True}


def plain_client(user, password):
    return {"plain_username": user.encode(), "plain_password": password.encode()}


# -- address filtering (NULL) ---------------------------------------------------------------


def test_null_allowed_address(auth, pair):
    auth.allow("127.0.0.1")
    assert_accepted(pair({"zap_domain": b"global"}, {}))


def test_null_address_not_in_whitelist(auth, pair):
    auth.allow("192.0.2.1")  # TEST-NET: a string only, no traffic goes there
    assert_refused(pair({"zap_domain": b"global"}, {}))


def test_null_denied_address(auth, pair):
    auth.deny("127.0.0.1")
    assert_refused(pair({"zap_domain": b"global"}, {}))


def test_null_blacklist_lets_others_through(auth, pair):
    auth.deny("192.0.2.1")
    assert_accepted(pair({"zap_domain": b"global"}, {}))


def test_allow_and_deny_exclude_each_other(ctx):
    a = Authenticator(ctx)
    a.allow("127.0.0.1")
    with pytest.raises(ValueError):
        a.deny("10.0.0.1")
    b = Authenticator(ctx)
    b.deny("127.0.0.1")
    with pytest.raises(ValueError):
        b.allow("10.0.0.1")


# -- PLAIN ----------------------------------------------------------------------------------


def test_plain_good_password_and_user_id(auth, pair):
    auth.configure_plain(domain="*", passwords={"admin": "s3cret"})
    assert_accepted(pair(PLAIN_SERVER, plain_client("admin", "s3cret")), user_id="admin")


def test_plain_bad_password(auth, pair):
    auth.configure_plain(domain="*", passwords={"admin": "s3cret"})
    assert_refused(pair(PLAIN_SERVER, plain_client("admin", "guess")))


def test_plain_unknown_user(auth, pair):
    auth.configure_plain(domain="*", passwords={"admin": "s3cret"})
    assert_refused(pair(PLAIN_SERVER, plain_client("eve", "s3cret")))


def test_plain_domains(auth, pair):
    auth.configure_plain(domain="*", passwords={"anyone": "pw"})
    auth.configure_plain(domain="vault", passwords={"keeper": "k"})
    # A domain has its own table...
    assert_refused(pair({**PLAIN_SERVER, "zap_domain": b"vault"}, plain_client("anyone", "pw")))
    assert_accepted(pair({**PLAIN_SERVER, "zap_domain": b"vault"}, plain_client("keeper", "k")), user_id="keeper")
    # ..."*" is the table of requests without a domain, and of no other domain (as in pyzmq).
    assert_accepted(pair(PLAIN_SERVER, plain_client("anyone", "pw")), user_id="anyone")
    assert_refused(pair({**PLAIN_SERVER, "zap_domain": b"other"}, plain_client("anyone", "pw")))


def test_plain_without_configuration_is_refused(auth, pair):
    assert_refused(pair(PLAIN_SERVER, plain_client("admin", "x")))


def test_plain_whitelist_still_checks_password(auth, pair):
    auth.allow("127.0.0.1")
    auth.configure_plain(passwords={"admin": "s3cret"})
    assert_refused(pair(PLAIN_SERVER, plain_client("admin", "nope")))


# -- CURVE ----------------------------------------------------------------------------------


def test_curve_known_client_key(auth, pair, certs):
    public, keys = certs
    auth.configure_curve(domain="*", location=str(public))
    server, client = curve_opts(keys, "alice")
    assert_accepted(pair(server, client), user_id=keys["alice"][0].decode())


def test_curve_unknown_client_key(auth, pair, certs):
    public, keys = certs
    auth.configure_curve(domain="*", location=public)
    assert_refused(pair(*curve_opts(keys, "mallory")))


def test_curve_wrong_server_key(auth, pair, certs):
    _, keys = certs
    auth.configure_curve(domain="*", location=CURVE_ALLOW_ANY)
    server, client = curve_opts(keys, "alice", serverkey=keys["mallory"][0])
    assert_refused(pair(server, client), event=FAILED_PROTOCOL)


def test_curve_allow_any(auth, pair, certs):
    _, keys = certs
    auth.configure_curve(domain="*", location=CURVE_ALLOW_ANY)
    assert_accepted(pair(*curve_opts(keys, "mallory")), user_id=keys["mallory"][0].decode())


def test_curve_denied_address_wins_over_allow_any(auth, pair, certs):
    _, keys = certs
    auth.deny("127.0.0.1")
    auth.configure_curve(location=CURVE_ALLOW_ANY)
    assert_refused(pair(*curve_opts(keys, "alice")))


def test_curve_reconfigure_replaces_policy(auth, pair, certs):
    public, keys = certs
    auth.configure_curve(location=CURVE_ALLOW_ANY)
    auth.configure_curve(location=public)
    assert_refused(pair(*curve_opts(keys, "mallory")))


class Provider:
    """Accepts the keys it is given; records every question."""

    def __init__(self, *allowed: bytes):
        self.allowed = set(allowed)
        self.calls: list[tuple[str, bytes]] = []

    def callback(self, domain, key):
        self.calls.append((domain, key))
        return key in self.allowed


def test_curve_callback_provider(auth, pair, certs):
    _, keys = certs
    provider = Provider(keys["alice"][0])
    auth.configure_curve_callback(domain="app", credentials_provider=provider)
    auth.configure_curve_callback(domain="*", credentials_provider=provider)
    server, client = curve_opts(keys, "alice")
    assert_accepted(pair({**server, "zap_domain": b"app"}, client), user_id=keys["alice"][0].decode())
    assert_refused(pair(*curve_opts(keys, "mallory")))
    assert provider.calls[0] == ("app", keys["alice"][0])
    # the configured domain is passed ("*" for a request without one), the key in Z85;
    # (libzmq may retry a refused connection: each retry asks again)
    assert set(provider.calls[1:]) == {("*", keys["mallory"][0])}


def test_curve_callback_error_is_refusal(auth, pair, certs):
    _, keys = certs

    class Broken:
        def callback(self, domain, key):
            raise RuntimeError("database down")

    auth.configure_curve_callback(credentials_provider=Broken())
    assert_refused(pair(*curve_opts(keys, "alice")), status=500)


def test_curve_callback_needs_provider(ctx):
    with pytest.raises(TypeError):
        Authenticator(ctx).configure_curve_callback(credentials_provider=None)


def test_curve_user_id_override(ctx, pair, certs):
    public, keys = certs
    names = {keys["alice"][0]: "alice@example"}

    class Named(ThreadAuthenticator):
        def curve_user_id(self, client_public_key):
            return names[z85.encode(client_public_key)]  # given the raw key, as in pyzmq

    with Named(ctx) as auth:
        auth.configure_curve(location=public)
        assert_accepted(pair(*curve_opts(keys, "alice")), user_id="alice@example")


def test_curve_user_id_default(ctx):
    key = bytes(range(32))
    a = Authenticator(ctx)
    assert a.curve_user_id(key) == z85.encode(key).decode()
    with pytest.raises(ValueError):
        a.curve_user_id(b"short")


def test_configure_curve_missing_directory_raises(ctx, tmp_path):
    """pyzmq logs the error and keeps the previous keys (a typo silently refuses every
    client); ours raises, and changes nothing."""
    a = Authenticator(ctx)
    with pytest.raises(OSError, match="Invalid certificate directory"):
        a.configure_curve(location=tmp_path / "nowhere")
    assert a.certs == {}


def test_allow_any_is_global_and_cleared_by_other_curve_policies(ctx, tmp_path):
    a = Authenticator(ctx)
    a.configure_curve("dom", CURVE_ALLOW_ANY)
    assert a.allow_any and a.certs == {}
    a.configure_curve("*", tmp_path)
    assert not a.allow_any and a.certs == {"*": {}}
    a.allow_any = True
    a.configure_curve_callback("*", Provider(b""))
    assert not a.allow_any


# -- the ZAP protocol itself ------------------------------------------------------------------


@pytest.fixture
def zap_client(ctx, auth):
    """A REQ socket speaking ZAP to the handler directly."""
    s = ctx.socket(zmq.REQ)
    s.linger = 0
    s.rcvtimeo = s.sndtimeo = TIMEOUT_MS
    s.connect("inproc://zeromq.zap.01")
    yield s
    s.close()


def zap(sock, *frames):
    sock.send_multipart(list(frames))
    return sock.recv_multipart()


def test_zap_reply_format(auth, zap_client):
    auth.configure_plain(passwords={"u": "p"})
    reply = zap(zap_client, b"1.0", b"req-7", b"", b"127.0.0.1", b"", b"PLAIN", b"u", b"p")
    assert reply == [b"1.0", b"req-7", b"200", b"OK", b"u", b""]
    reply = zap(zap_client, b"1.0", b"req-8", b"", b"127.0.0.1", b"", b"PLAIN", b"u", b"x")
    assert reply[:3] == [b"1.0", b"req-8", b"400"] and reply[4] == b""


def test_zap_gssapi_passes_with_the_principal(auth, zap_client):
    reply = zap(zap_client, b"1.0", b"1", b"", b"127.0.0.1", b"", b"GSSAPI", b"principal")
    assert reply[2:5] == [b"200", b"OK", b"principal"]
    auth.configure_gssapi(domain="*", location="/etc/krb5.keytab")  # accepted, changes nothing
    assert zap(zap_client, b"1.0", b"2", b"d", b"127.0.0.1", b"", b"GSSAPI", b"p")[2:5] == [b"200", b"OK", b"p"]


def test_zap_status_texts_are_pyzmqs(auth, zap_client):
    def ask(*frames):
        return zap(zap_client, b"1.0", b"1", *frames)[2:5]

    assert ask(b"", b"127.0.0.1", b"", b"NULL") == [b"200", b"OK", b"anonymous"]
    assert ask(b"", b"127.0.0.1", b"", b"PLAIN", b"u", b"p") == [b"400", b"No passwords defined", b""]
    auth.configure_plain("*", {"u": "p"})
    assert ask(b"", b"127.0.0.1", b"", b"PLAIN", b"u", b"x") == [b"400", b"Invalid password", b""]
    assert ask(b"", b"127.0.0.1", b"", b"PLAIN", b"v", b"p") == [b"400", b"Invalid username", b""]
    assert ask(b"d", b"127.0.0.1", b"", b"PLAIN", b"u", b"p") == [b"400", b"Invalid domain", b""]
    assert ask(b"", b"127.0.0.1", b"", b"PLAIN", b"u") == [b"400", b"Invalid credentials", b""]
    assert ask(b"", b"127.0.0.1", b"", b"CURVE", bytes(32)) == [b"400", b"Unknown domain", b""]
    assert ask(b"", b"127.0.0.1", b"", b"BOGUS") == [b"400", b"NO ACCESS", b""]
    assert zap(zap_client, b"9.9", b"1", b"", b"127.0.0.1", b"", b"NULL")[2:4] == [b"400", b"Invalid version"]
    assert zap(zap_client, b"1.0", b"2")[2:4] == [b"400", b"Not enough frames"]
    auth.allow("10.0.0.1")
    assert ask(b"", b"127.0.0.1", b"", b"NULL") == [b"400", b"Address not allowed", b""]


def test_zap_handler_survives_bad_requests(auth, zap_client):
    """pyzmq's handler thread dies on a CURVE key of a bad length or a raising credentials
    provider (no reply, every later handshake hangs); ours answers and goes on."""

    class Broken:
        def callback(self, domain, key):
            raise RuntimeError("database down")

    assert zap(zap_client, b"1.0", b"4", b"", b"127.0.0.1", b"", b"CURVE", b"short")[2] == b"400"
    auth.configure_curve_callback(credentials_provider=Broken())
    assert zap(zap_client, b"1.0", b"5", b"", b"127.0.0.1", b"", b"CURVE", bytes(32))[2] == b"500"
    assert zap(zap_client, b"1.0", b"6", b"", b"127.0.0.1", b"", b"NULL")[2:4] == [b"200", b"OK"]
    assert auth.is_alive()


def test_thread_handler_awaits_async_provider(auth, pair, certs):
    """handle_zap_message is a coroutine and the thread runs it on a loop of its own, so a
    coroutine callback works with ThreadAuthenticator, as in pyzmq."""
    _, keys = certs

    class AsyncProvider:
        async def callback(self, domain, key):
            await asyncio.sleep(0.01)
            return key == keys["alice"][0]

    assert asyncio.iscoroutinefunction(ThreadAuthenticator.handle_zap_message)
    auth.configure_curve_callback(credentials_provider=AsyncProvider())
    assert_accepted(pair(*curve_opts(keys, "alice")), user_id=keys["alice"][0].decode())
    assert_refused(pair(*curve_opts(keys, "mallory")))


# -- ThreadAuthenticator ----------------------------------------------------------------------


def test_thread_authenticator_lifecycle(ctx):
    auth = ThreadAuthenticator(ctx)
    assert not auth.is_alive()
    auth.start()
    try:
        assert auth.is_alive()
        assert auth.pipe_endpoint.startswith("inproc://")
        assert auth.thread is not None and auth.thread.daemon
        auth.start()  # already running: nothing happens
        # One ZAP handler per context: a second one cannot bind.
        other = ThreadAuthenticator(ctx)
        with pytest.raises(zmq.ZMQError) as info:
            other.start()
        assert info.value.errno == zmq.EADDRINUSE
        assert not other.is_alive()
    finally:
        auth.stop()
    assert not auth.is_alive()
    auth.stop()  # stopping twice is harmless
    # Restartable, also in another context at once.
    with ThreadAuthenticator(ctx) as again, ThreadAuthenticator(zmq.Context()) as elsewhere:
        assert again.is_alive() and elsewhere.is_alive()
    elsewhere.context.term()


def test_thread_authenticator_survives_context_destroy():
    c = zmq.Context()
    auth = ThreadAuthenticator(c)
    auth.start()
    thread = auth.thread
    # destroy() closes the sockets it made for us (the pipe's end in this thread), not
    # the handler thread's: that thread sees ETERM and closes them, so term() returns.
    c.destroy(linger=0)
    thread.join(5)
    assert not thread.is_alive()
    auth.stop()


# -- AsyncioAuthenticator ---------------------------------------------------------------------


async def _next_handshake(monitor) -> int:
    msg = await asyncio.wait_for(monitor.recv_multipart(), TIMEOUT_MS / 1000)
    return parse_monitor_message(msg)["event"]


async def _exercise_async_auth(ctx, auth, keys):
    """alice is accepted, mallory refused, through ``auth`` on the running loop."""
    server = ctx.socket(zmq.PULL)
    server.linger = 0
    server_public, server_secret = keys["server"]
    server.curve_publickey, server.curve_secretkey, server.curve_server = server_public, server_secret, True
    monitor = server.get_monitor_socket(SUCCEEDED | FAILED_AUTH)
    port = server.bind_to_random_port("tcp://127.0.0.1")
    clients = []
    try:
        for name in ("mallory", "alice"):
            client = ctx.socket(zmq.PUSH)
            client.linger = 0
            clients.append(client)
            public, secret = keys[name]
            client.curve_publickey, client.curve_secretkey, client.curve_serverkey = public, secret, server_public
            client.connect(f"tcp://127.0.0.1:{port}")
            await client.send(name.encode())
            expected = SUCCEEDED if name == "alice" else FAILED_AUTH
            assert await _next_handshake(monitor) == expected
        frame = await asyncio.wait_for(server.recv(copy=False), TIMEOUT_MS / 1000)
        assert frame.bytes == b"alice"
        assert frame.get("User-Id") == keys["alice"][0].decode()
        assert await server.poll(300) == 0  # mallory's message never came
    finally:
        server.disable_monitor()
        monitor.close()
        for s in (server, *clients):
            s.close()


def test_asyncio_authenticator(certs):
    public, keys = certs

    async def main():
        ctx = zmq.asyncio.Context()
        auth = AsyncioAuthenticator(ctx)
        try:
            auth.start()
            auth.configure_curve(location=public)
            await _exercise_async_auth(ctx, auth, keys)
        finally:
            auth.stop()
            await asyncio.sleep(0)  # let the cancelled handler task finish
            ctx.destroy(linger=0)

    asyncio.run(asyncio.wait_for(main(), 30))


def test_asyncio_authenticator_async_provider(certs):
    _, keys = certs

    class AsyncProvider:
        def __init__(self):
            self.calls = 0

        async def callback(self, domain, key):
            self.calls += 1
            await asyncio.sleep(0.01)  # e.g. a database look-up
            return key == keys["alice"][0]

    async def main():
        ctx = zmq.asyncio.Context()
        provider = AsyncProvider()
        with AsyncioAuthenticator(ctx) as auth:
            auth.configure_curve_callback(credentials_provider=provider)
            await _exercise_async_auth(ctx, auth, keys)
        await asyncio.sleep(0)
        ctx.destroy(linger=0)
        assert provider.calls >= 2  # alice and mallory (again if libzmq retried mallory)

    asyncio.run(asyncio.wait_for(main(), 30))


def test_ioloop_module_warns_deprecation_on_import():
    pytest.importorskip("tornado.ioloop")
    sys.modules.pop("zmq.auth.ioloop", None)
    with pytest.warns(DeprecationWarning, match="IOLoopAuthenticator is deprecated"):
        import zmq.auth.ioloop  # noqa: F401


def test_asyncio_authenticator_defaults_to_the_global_context():
    assert AsyncioAuthenticator().context is zmq.Context.instance()  # as pyzmq's


@pytest.mark.filterwarnings("ignore:zmq.auth.ioloop.IOLoopAuthenticator is deprecated:DeprecationWarning")
def test_ioloop_authenticator(certs):
    tornado_ioloop = pytest.importorskip("tornado.ioloop")
    import zmq.eventloop.future
    from zmq.auth.ioloop import IOLoopAuthenticator

    public, keys = certs

    async def main():
        io_loop = tornado_ioloop.IOLoop.current()
        ctx = zmq.eventloop.future.Context()
        auth = IOLoopAuthenticator(ctx, io_loop=io_loop)
        assert isinstance(auth, AsyncioAuthenticator) and auth.io_loop is io_loop
        try:
            auth.start()
            auth.configure_curve(location=public)
            await _exercise_async_auth(ctx, auth, keys)
        finally:
            auth.stop()
            await asyncio.sleep(0)
            ctx.destroy(linger=0)

    tornado_ioloop.IOLoop(make_current=False).run_sync(main, timeout=30)


# -- certificates -----------------------------------------------------------------------------


def test_create_certificates_files(tmp_path):
    public_file, secret_file = create_certificates(tmp_path, "node", metadata={"owner": "ops team"})
    assert public_file == str(tmp_path / "node.key")
    assert secret_file == str(tmp_path / "node.key_secret")
    assert stat.S_IMODE(os.stat(secret_file).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(public_file).st_mode) & 0o077 in (0o044, 0o040, 0o004, 0)
    public, no_secret = load_certificate(public_file)
    public2, secret = load_certificate(secret_file)
    assert no_secret is None and public == public2
    assert len(public) == len(secret) == 40
    assert zmq.curve_public(secret) == public  # a real key pair
    text = (tmp_path / "node.key").read_text(encoding="utf-8")
    assert 'owner = "ops team"' in text and "secret-key" not in text
    assert f'public-key = "{public.decode()}"' in text
    assert [name for name in os.listdir(tmp_path) if name.startswith(".")] == []  # no temp files left


def test_secret_file_mode_even_when_replacing_open_file(tmp_path):
    target = tmp_path / "node.key_secret"
    target.write_text("old")
    target.chmod(0o666)
    create_certificates(tmp_path, "node")
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert load_certificate(target)[1] is not None


def test_load_certificate_zpl_variants(tmp_path):
    public, secret = zmq.curve_keypair()
    path = tmp_path / "hand.key"
    path.write_text(
        "# hand written\n"
        "metadata\n"
        "    name = bare-value   # a comment\n"
        "curve\n"
        f"    public-key = '{public.decode()}'\n"
        f'    secret-key = "{secret.decode()}"\n'
    )
    assert load_certificate(path) == (public, secret)


@pytest.mark.parametrize(
    "text",
    [
        "metadata\n",  # no curve section
        'curve\n    public-key = "short"\n',
        'curve\n    public-key = "' + "~" * 40 + '"\n',  # not Z85
        'curve\n    public-key = "unterminated\n',
    ],
)
def test_load_certificate_rejects_garbage(tmp_path, text):
    path = tmp_path / "bad.key"
    path.write_text(text)
    with pytest.raises(ValueError):
        load_certificate(path)


def test_load_certificate_missing_file(tmp_path):
    with pytest.raises(OSError):
        load_certificate(tmp_path / "absent.key")


def test_load_certificates_directory(tmp_path):
    a, _ = create_certificates(tmp_path, "a")
    b, _ = create_certificates(tmp_path, "b")
    (tmp_path / "README").write_text("not a certificate")
    keys = load_certificates(tmp_path)
    assert keys == {load_certificate(a)[0]: True, load_certificate(b)[0]: True}
    with pytest.raises(OSError, match="Invalid certificate directory"):
        load_certificates(tmp_path / "missing")
    with pytest.raises(OSError, match="Invalid certificate file"):
        load_certificate(tmp_path / "missing.key")
    with pytest.raises(FileNotFoundError) as info:
        create_certificates(tmp_path / "missing", "x")
    assert info.value.errno == errno.ENOENT


# -- python -m zmq.curve_keygen -------------------------------------------------------------


def _run_keygen(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-W", "error", "-m", "zmq.curve_keygen", *args],
        capture_output=True, text=True, timeout=30, cwd=cwd,
    )


def test_curve_keygen_prints_a_key_pair():
    proc = _run_keygen()
    assert proc.returncode == 0, proc.stderr
    head, public, blank, head2, secret = proc.stdout.splitlines()
    assert (head, blank, head2) == ("== CURVE PUBLIC KEY ==", "", "== CURVE SECRET KEY ==")
    assert len(public) == len(secret) == 40
    assert zmq.curve_public(secret.encode()) == public.encode()


def test_curve_keygen_json_and_secret():
    import json

    proc = _run_keygen("--json")
    assert proc.returncode == 0, proc.stderr
    keys = json.loads(proc.stdout)
    assert proc.stdout.startswith('{\n "public": ')  # indented by one space, as pyzmq's
    assert zmq.curve_public(keys["secret"].encode()).decode() == keys["public"]
    # (--secret=KEY: a Z85 key may begin with '-', which argparse reads as an option after
    # a separate --secret, in pyzmq's tool as in ours; 1 key in 85)
    derived = _run_keygen(f"--secret={keys['secret']}", "--json")
    assert derived.returncode == 0, derived.stderr
    assert json.loads(derived.stdout) == keys
    plain = _run_keygen(f"--secret={keys['secret']}")
    assert plain.stdout.splitlines()[1::3] == [keys["public"], keys["secret"]]


def test_curve_keygen_secret_beginning_with_a_dash():
    from zmq.utils import z85

    raw = (63 * 85**4 + 12345).to_bytes(4, "big") + bytes(range(28))  # Z85 digit 63 is '-'
    secret = z85.encode(raw).decode()
    assert secret.startswith("-")
    derived = _run_keygen(f"--secret={secret}")
    assert derived.returncode == 0, derived.stderr
    assert derived.stdout.splitlines()[1::3] == [zmq.curve_public(secret.encode()).decode(), secret]


def test_curve_keygen_bad_arguments():
    bad = _run_keygen("--secret", "short")
    assert bad.returncode == 1 and bad.stdout == "" and "40" in bad.stderr
    assert _run_keygen("name").returncode == 2  # no positional arguments, as in pyzmq
    assert "usage: python3 -m zmq.curve_keygen [-h] [--json] [--secret SECRET]" in _run_keygen("--help").stdout


def test_base_authenticator_driven_by_hand(ctx):
    """The plain Authenticator has no loop: the caller feeds it requests."""
    auth = Authenticator(ctx)
    auth.configure_plain(domain="*", passwords={"u": "p"})
    with auth:
        assert auth.zap_socket is not None
        client = ctx.socket(zmq.REQ)
        client.linger = 0
        client.rcvtimeo = TIMEOUT_MS
        try:
            client.connect("inproc://zeromq.zap.01")
            client.send_multipart([b"1.0", b"42", b"", b"127.0.0.1", b"", b"PLAIN", b"u", b"p"])
            assert auth.zap_socket.poll(TIMEOUT_MS)
            # a coroutine, as in pyzmq; Frames work too
            asyncio.run(auth.handle_zap_message(auth.zap_socket.recv_multipart(copy=False)))
            assert client.recv_multipart() == [b"1.0", b"42", b"200", b"OK", b"u", b""]
        finally:
            client.close()
    assert auth.zap_socket is None
