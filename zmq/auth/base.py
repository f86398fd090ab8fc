"""The ZAP handler: decides which peers may connect to this process's secured sockets.

libzmq asks a ZAP handler (ZeroMQ RFC 27) about every incoming connection of a socket that
uses a security mechanism (PLAIN, CURVE; NULL too when the socket sets ``zap_domain``). It
sends the request to the REP socket bound at ``inproc://zeromq.zap.01`` in the socket's
context; the handler answers "200" (allowed, with the user id libzmq then attaches to every
message as the ``User-Id`` property) or "400" (denied: the connection is dropped before any
message goes through).

:class:`Authenticator` is that handler's logic, without a loop of its own: something must
call :meth:`Authenticator.handle_zap_message` for each request received on its
``zap_socket``. :class:`zmq.auth.thread.ThreadAuthenticator` does that in a background
thread, :class:`zmq.auth.asyncio.AsyncioAuthenticator` in an asyncio task.

The policy:

1. the peer's IP address is checked first: with :meth:`~Authenticator.allow`, only the
   listed addresses pass; with :meth:`~Authenticator.deny`, all but the listed ones;
2. then the mechanism decides: NULL passes; PLAIN needs a user name and password from
   :meth:`~Authenticator.configure_plain`; CURVE needs a client key listed by
   :meth:`~Authenticator.configure_curve` (or accepted by a callback, see
   :meth:`~Authenticator.configure_curve_callback`); GSSAPI is always denied.

Configuration is per ZAP domain (the server socket's ``zap_domain``); the domain ``"*"``
applies to every domain without a configuration of its own.
"""
from __future__ import annotations

import hmac
import inspect
import logging
from typing import Any, Awaitable, Generator, Mapping, NamedTuple, Optional, Protocol, TypeVar, Union

import zmq
from zmq.auth.certs import CURVE_ALLOW_ANY, PathType, load_certificates
from zmq.utils import z85

__all__ = ["Authenticator", "CredentialsProvider", "CURVE_ALLOW_ANY", "VERSION", "ZAP_ENDPOINT"]

#: The endpoint libzmq sends ZAP requests to (one handler per context).
ZAP_ENDPOINT = "inproc://zeromq.zap.01"
#: The ZAP protocol version this handler speaks.
VERSION = b"1.0"

_WILDCARD = "*"
_OK = b"200"
_DENIED = b"400"
_ERROR = b"500"


class CredentialsProvider(Protocol):
    """What :meth:`Authenticator.configure_curve_callback` takes: an object whose
    ``callback(domain, key)`` says whether a CURVE client may connect.

    ``domain`` is the ZAP domain (str) and ``key`` the client's public key, Z85-encoded
    (40 bytes). Return a bool (an :class:`~zmq.auth.asyncio.AsyncioAuthenticator` also
    accepts an awaitable of a bool).
    """

    def callback(self, domain: str, key: bytes) -> Union[bool, Awaitable[bool]]:
        """Whether the CURVE client with public key ``key`` may connect in ``domain``.

        Parameters
        ----------
        domain : str
            The ZAP domain (the server socket's ``zap_domain``).
        key : bytes
            The client's public key, Z85-encoded (40 bytes).

        Returns
        -------
        bool or awaitable of bool
            True to accept the client. An exception denies it.
        """
        ...


class _Verdict(NamedTuple):
    """The answer to a ZAP request."""

    status_code: bytes
    status_text: str
    user_id: str = ""


class _Request(NamedTuple):
    """A parsed ZAP request (RFC 27)."""

    version: bytes
    request_id: bytes
    domain: str
    address: str
    identity: bytes
    mechanism: bytes
    credentials: list[bytes]


Decision = Union[_Verdict, Awaitable[_Verdict]]
_A = TypeVar("_A", bound="Authenticator")


def _for_domain(table: Mapping[str, Any], domain: str) -> Any:
    """The entry of ``table`` for ``domain``, else its ``"*"`` entry, else None."""
    if domain in table:
        return table[domain]
    return table.get(_WILDCARD)


class Authenticator:
    """ZAP request handling for every secured socket of a Context.

    Use it as a context manager to :meth:`start` and :meth:`stop` it.

    Parameters
    ----------
    context : zmq.Context, optional
        The context whose sockets are authenticated (``zmq.Context.instance()`` by
        default). Only sockets of this context consult this handler.
    encoding : str
        Encoding of domains, PLAIN user names and passwords, and user ids.
    log : logging.Logger, optional
        Where decisions are logged (at DEBUG level; ``logging.getLogger("zmq.auth")`` by
        default).

    Notes
    -----
    Configuration methods replace the tables they change with new objects instead of
    mutating them, so they may be called from another thread than the one handling
    requests (as :class:`~zmq.auth.thread.ThreadAuthenticator` does): each request is
    decided with either the old or the new configuration, never a mix.
    """

    def __init__(
        self,
        context: Optional[zmq.Context[Any]] = None,
        encoding: str = "utf-8",
        log: Optional[logging.Logger] = None,
    ) -> None:
        self.context: zmq.Context[Any] = context if context is not None else zmq.Context.instance()
        self.encoding = encoding
        self.log = log if log is not None else logging.getLogger("zmq.auth")
        #: The REP socket bound at ZAP_ENDPOINT while started.
        self.zap_socket: Optional[zmq.Socket] = None
        self._allowed: frozenset[str] = frozenset()
        self._denied: frozenset[str] = frozenset()
        #: domain -> {user name: password}
        self.passwords: dict[str, dict[str, str]] = {}
        #: domain -> {Z85 public key: True}, for domains configured with key directories.
        self.certs: dict[str, dict[bytes, bool]] = {}
        #: domain -> provider, for domains configured with configure_curve_callback.
        self.credentials_providers: dict[str, CredentialsProvider] = {}
        #: domains whose CURVE clients are all accepted (CURVE_ALLOW_ANY).
        self.curve_allow_any: frozenset[str] = frozenset()
        #: domain -> location given to configure_gssapi (recorded; GSSAPI is always denied).
        self.gssapi: dict[str, Optional[str]] = {}

    # -- lifetime ------------------------------------------------------------------------------

    def start(self) -> None:
        """Bind the ZAP socket: from now on the context's secured sockets ask this handler.

        Raises
        ------
        zmq.ZMQError
            Another handler is already bound in this context (EADDRINUSE).
        """
        if self.zap_socket is not None:
            return
        sock = self._make_zap_socket()
        try:
            sock.bind(ZAP_ENDPOINT)
        except BaseException:
            sock.close(linger=0)
            raise
        self.zap_socket = sock
        self.log.debug("ZAP handler bound at %s", ZAP_ENDPOINT)

    def __enter__(self: _A) -> _A:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _make_zap_socket(self) -> zmq.Socket:
        """A new REP socket for ZAP requests (subclasses make async ones)."""
        sock: zmq.Socket = self.context.socket(zmq.REP, socket_class=zmq.Socket)
        sock.linger = 1
        return sock

    def stop(self) -> None:
        """Close the ZAP socket.

        Warning: with no handler bound, libzmq asks nobody: a CURVE server then accepts
        any client key. Stop the handler only once its context's secured sockets are
        closed, or start another.
        """
        sock, self.zap_socket = self.zap_socket, None
        if sock is not None and not sock.closed:
            try:
                # Frees the endpoint now: close() alone frees it later, in libzmq's reaper
                # thread, and a handler started right after could find it still taken.
                sock.unbind(ZAP_ENDPOINT)
            except zmq.ZMQError:
                pass  # context terminating
            sock.close()

    # -- configuration -------------------------------------------------------------------------

    def allow(self, *addresses: str) -> None:
        """Accept connections only from these IP addresses (a whitelist); may be called
        again to add more.

        Raises
        ------
        ValueError
            :meth:`deny` was used: a handler has either a whitelist or a blacklist.
        """
        if self._denied:
            raise ValueError("allow() cannot be combined with deny(): use one or the other")
        self._allowed = self._allowed | frozenset(addresses)
        self.log.debug("allowed addresses: %s", sorted(self._allowed))

    def deny(self, *addresses: str) -> None:
        """Refuse connections from these IP addresses (a blacklist); may be called again
        to add more.

        Raises
        ------
        ValueError
            :meth:`allow` was used: a handler has either a whitelist or a blacklist.
        """
        if self._allowed:
            raise ValueError("deny() cannot be combined with allow(): use one or the other")
        self._denied = self._denied | frozenset(addresses)
        self.log.debug("denied addresses: %s", sorted(self._denied))

    def configure_plain(self, domain: str = "*", passwords: Optional[Mapping[str, str]] = None) -> None:
        """Set the PLAIN user names and passwords of ``domain`` (``"*"``: any domain).

        Parameters
        ----------
        domain : str
            ZAP domain (the server socket's ``zap_domain``; ``"*"`` for all domains
            without a configuration of their own).
        passwords : mapping of str to str, optional
            ``{user name: password}``; None or empty denies every PLAIN client.
        """
        table = dict(self.passwords)
        table[domain] = dict(passwords or {})
        self.passwords = table

    def configure_curve(self, domain: str = "*", location: Union[PathType, None] = "") -> None:
        """Set which CURVE client keys ``domain`` (``"*"``: any domain) accepts.

        Parameters
        ----------
        domain : str
            ZAP domain, as for :meth:`configure_plain`.
        location : str or os.PathLike
            A directory of public certificates (``*.key`` files, see
            :func:`zmq.auth.certs.load_certificates`), read now, or
            :data:`CURVE_ALLOW_ANY` to accept any key. Empty or None accepts no key.

        Raises
        ------
        OSError, ValueError
            The directory cannot be read, or holds an invalid certificate.
        """
        keys: Optional[dict[bytes, bool]] = None
        allow_any = location == CURVE_ALLOW_ANY
        if not allow_any:
            keys = load_certificates(location) if location else {}
        self._set_curve(domain, keys=keys, allow_any=allow_any, provider=None)

    def configure_curve_callback(
        self, domain: str = "*", credentials_provider: Optional[CredentialsProvider] = None
    ) -> None:
        """Let ``credentials_provider.callback(domain, key)`` decide which CURVE clients
        ``domain`` (``"*"``: any domain) accepts.

        Parameters
        ----------
        domain : str
            ZAP domain, as for :meth:`configure_plain`.
        credentials_provider : CredentialsProvider
            An object with a ``callback(domain: str, key: bytes) -> bool`` method; ``key``
            is the client's public key, Z85-encoded. An exception raised by the callback
            denies the client (status 500) and is logged.
        """
        if credentials_provider is None or not callable(getattr(credentials_provider, "callback", None)):
            raise TypeError("credentials_provider must have a callback(domain, key) method")
        self._set_curve(domain, keys=None, allow_any=False, provider=credentials_provider)

    def _set_curve(
        self,
        domain: str,
        keys: Optional[dict[bytes, bool]],
        allow_any: bool,
        provider: Optional[CredentialsProvider],
    ) -> None:
        """Replace ``domain``'s CURVE policy (one of: key table, allow any, provider)."""
        certs = {d: k for d, k in self.certs.items() if d != domain}
        providers = {d: p for d, p in self.credentials_providers.items() if d != domain}
        if keys is not None:
            certs[domain] = keys
        if provider is not None:
            providers[domain] = provider
        self.certs = certs
        self.credentials_providers = providers
        self.curve_allow_any = (self.curve_allow_any - {domain}) | ({domain} if allow_any else set())

    def configure_gssapi(self, domain: str = "*", location: Optional[str] = None) -> None:
        """Record a GSSAPI configuration for ``domain``.

        The libzmq cyzmq is built against (Debian's) has no GSSAPI support, so no socket
        can use that mechanism; should a GSSAPI request arrive anyway, it is denied (status
        400, "GSSAPI is not supported by this ZAP handler"). The call is kept so that code
        written for other builds runs.
        """
        table = dict(self.gssapi)
        table[domain] = location
        self.gssapi = table
        self.log.warning("GSSAPI configured for domain %r, but this handler denies every GSSAPI client", domain)

    def curve_user_id(self, client_public_key: bytes) -> str:
        """The user id given to an accepted CURVE client: its public key in Z85.

        Override to map keys to your own user names.

        Parameters
        ----------
        client_public_key : bytes
            The client's public key, Z85-encoded (40 bytes; a raw 32-byte key is encoded).
        """
        key = bytes(client_public_key)
        if len(key) == 32:
            key = z85.encode(key)
        return key.decode("ascii")

    # -- request handling -------------------------------------------------------------------

    def handle_zap_message(self, msg: list[Any]) -> None:
        """Decide one ZAP request and send the reply on :attr:`zap_socket`.

        Parameters
        ----------
        msg : list of bytes or Frame
            The request's frames: version, request id, domain, address, identity,
            mechanism, then the mechanism's credentials.
        """
        request, decision = self._decide(msg)
        if inspect.isawaitable(decision):
            _discard(decision)
            decision = self._error(
                "the CURVE credentials provider returned an awaitable: use AsyncioAuthenticator"
            )
        self._send_reply(request, decision)

    def _send_reply(self, request: Optional[_Request], verdict: _Verdict) -> None:
        assert self.zap_socket is not None, "handle_zap_message needs a started Authenticator"
        self.zap_socket.send_multipart(self._reply_frames(request, verdict))

    def _reply_frames(self, request: Optional[_Request], verdict: _Verdict) -> list[bytes]:
        """The reply frames: version, request id, status code, status text, user id, metadata."""
        request_id = request.request_id if request is not None else b""
        return [
            VERSION,
            request_id,
            verdict.status_code,
            verdict.status_text.encode(self.encoding, "replace"),
            verdict.user_id.encode(self.encoding) if verdict.status_code == _OK else b"",
            b"",
        ]

    def _parse(self, msg: list[Any]) -> tuple[Optional[_Request], Optional[_Verdict]]:
        """The request in ``msg``, or the verdict for a malformed one."""
        frames = [bytes(part) for part in msg]
        if len(frames) < 6:
            self.log.error("malformed ZAP request (%d frames)", len(frames))
            partial = _Request(VERSION, frames[1] if len(frames) > 1 else b"", "", "", b"", b"", [])
            return partial, _Verdict(_DENIED, "malformed ZAP request")
        version, request_id, domain, address, identity, mechanism, *credentials = frames
        try:
            request = _Request(
                version, request_id, domain.decode(self.encoding), address.decode("ascii"),
                identity, mechanism, credentials,
            )
        except UnicodeDecodeError:
            partial = _Request(version, request_id, "", "", identity, mechanism, [])
            return partial, _Verdict(_DENIED, "undecodable domain or address")
        if version != VERSION:
            self.log.error("ZAP request of unsupported version %r", version)
            return request, _Verdict(_DENIED, f"unsupported ZAP version {version!r}")
        return request, None

    def _decide(self, msg: list[Any]) -> tuple[Optional[_Request], Decision]:
        """Parse and judge a request; the verdict may be an awaitable (async callbacks)."""
        request, verdict = self._parse(msg)
        if verdict is not None or request is None:
            return request, verdict if verdict is not None else _Verdict(_DENIED, "malformed ZAP request")
        try:
            decision = self._judge(request)
        except Exception as e:  # a bug in an override must not wedge the ZAP socket
            self.log.exception("error deciding a ZAP request")
            decision = self._error(f"internal error: {type(e).__name__}")
        if not inspect.isawaitable(decision):
            self._log_verdict(request, decision)
        return request, decision

    def _judge(self, request: _Request) -> Decision:
        address = request.address
        if self._allowed and address not in self._allowed:
            return _Verdict(_DENIED, "address not allowed")
        if address in self._denied:
            return _Verdict(_DENIED, "address denied")
        mechanism = request.mechanism
        if mechanism == b"NULL":
            return _Verdict(_OK, "OK")
        if mechanism == b"PLAIN":
            return self._judge_plain(request)
        if mechanism == b"CURVE":
            return self._judge_curve(request)
        if mechanism == b"GSSAPI":
            return _Verdict(_DENIED, "GSSAPI is not supported by this ZAP handler")
        return _Verdict(_DENIED, f"unknown security mechanism {mechanism.decode('ascii', 'replace')!r}")

    def _judge_plain(self, request: _Request) -> _Verdict:
        if len(request.credentials) != 2:
            return _Verdict(_DENIED, "PLAIN needs a user name and a password")
        passwords = _for_domain(self.passwords, request.domain)
        if passwords is None:
            return _Verdict(_DENIED, f"no PLAIN passwords for domain {request.domain!r}")
        try:
            user = request.credentials[0].decode(self.encoding)
            given = request.credentials[1].decode(self.encoding)
        except UnicodeDecodeError:
            return _Verdict(_DENIED, "undecodable user name or password")
        expected = passwords.get(user)
        # Compared in constant time, so timing does not reveal how much of it matched.
        if expected is None or not hmac.compare_digest(str(expected).encode("utf-8"), given.encode("utf-8")):
            return _Verdict(_DENIED, "invalid user name or password")
        return _Verdict(_OK, "OK", user)

    def _judge_curve(self, request: _Request) -> Decision:
        if len(request.credentials) != 1 or len(request.credentials[0]) != 32:
            return _Verdict(_DENIED, "CURVE needs a 32-byte client key")
        key = z85.encode(request.credentials[0])
        domain = request.domain
        if not self._has_curve_policy(domain):
            domain = _WILDCARD
        if domain in self.curve_allow_any:
            return _Verdict(_OK, "OK", self.curve_user_id(key))
        provider = self.credentials_providers.get(domain)
        if provider is not None:
            return self._ask_provider(provider, request.domain, key)
        keys = self.certs.get(domain)
        if keys is None:
            return _Verdict(_DENIED, f"no CURVE policy for domain {request.domain!r}")
        if key in keys:
            return _Verdict(_OK, "OK", self.curve_user_id(key))
        return _Verdict(_DENIED, "unknown CURVE client key")

    def _has_curve_policy(self, domain: str) -> bool:
        return domain in self.curve_allow_any or domain in self.certs or domain in self.credentials_providers

    def _ask_provider(self, provider: CredentialsProvider, domain: str, key: bytes) -> Decision:
        try:
            answer = provider.callback(domain, key)
        except Exception as e:
            self.log.exception("CURVE credentials provider failed")
            return self._error(f"credentials provider error: {type(e).__name__}")
        if inspect.isawaitable(answer):
            return _PendingVerdict(self, answer, key)
        return self._provider_verdict(answer, key)

    def _provider_verdict(self, allowed: object, key: bytes) -> _Verdict:
        if isinstance(allowed, int) and allowed:  # a bool (or int): anything else denies
            return _Verdict(_OK, "OK", self.curve_user_id(key))
        return _Verdict(_DENIED, "CURVE client key refused by the credentials provider")

    def _error(self, text: str) -> _Verdict:
        return _Verdict(_ERROR, text)

    def _log_verdict(self, request: _Request, verdict: _Verdict) -> None:
        self.log.debug(
            "ZAP %s: %s %s (domain %r, address %r)%s",
            "ALLOWED" if verdict.status_code == _OK else "DENIED",
            request.mechanism.decode("ascii", "replace"),
            verdict.status_text,
            request.domain,
            request.address,
            f", user id {verdict.user_id!r}" if verdict.user_id else "",
        )


class _PendingVerdict:
    """The verdict of an async credentials provider: await it (or :meth:`close` it)."""

    def __init__(self, auth: Authenticator, answer: Awaitable[Any], key: bytes) -> None:
        self.auth = auth
        self.answer = answer
        self.key = key

    def __await__(self) -> Generator[Any, None, _Verdict]:
        return self._resolve().__await__()

    async def _resolve(self) -> _Verdict:
        try:
            allowed = await self.answer
        except Exception as e:
            self.auth.log.exception("CURVE credentials provider failed")
            return self.auth._error(f"credentials provider error: {type(e).__name__}")
        return self.auth._provider_verdict(allowed, self.key)

    def close(self) -> None:
        """Drop the provider's awaitable unawaited."""
        _discard(self.answer)


def _discard(awaitable: Awaitable[Any]) -> None:
    """Drop an awaitable that will never be awaited (closing coroutines avoids a warning)."""
    close = getattr(awaitable, "close", None)
    if callable(close):
        close()
    cancel = getattr(awaitable, "cancel", None)
    if callable(cancel):
        cancel()

