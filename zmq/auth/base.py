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

The policy (as pyzmq's):

1. the peer's IP address is checked first: with :meth:`~Authenticator.allow`, only the
   listed addresses pass; with :meth:`~Authenticator.deny`, all but the listed ones;
2. then the mechanism decides: NULL passes (user id ``anonymous``); PLAIN needs a user
   name and password from :meth:`~Authenticator.configure_plain`; CURVE needs a client key
   listed by :meth:`~Authenticator.configure_curve` (or accepted by a callback, see
   :meth:`~Authenticator.configure_curve_callback`), unless any key is allowed; GSSAPI
   passes with the principal as user id (libzmq has verified it); others are refused.

Configuration is per ZAP domain (the server socket's ``zap_domain``); a request without a
domain uses the configuration of the domain ``"*"``.
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

    ``domain`` is the configured ZAP domain (str; ``"*"`` for requests without one) and
    ``key`` the client's public key, Z85-encoded (40 bytes). Return a truth value, or an
    awaitable of one (``async def callback``).
    """

    def callback(self, domain: str, key: bytes) -> Union[bool, Awaitable[bool]]:
        """Whether the CURVE client with public key ``key`` may connect in ``domain``.

        Parameters
        ----------
        domain : str
            The configured ZAP domain the request falls under.
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

    Attributes
    ----------
    zap_socket : zmq.Socket or None
        The REP socket bound at :data:`ZAP_ENDPOINT` while started.
    passwords : dict
        ``{domain: {user name: password}}`` (PLAIN).
    certs : dict
        ``{domain: {Z85 public key: True}}`` (CURVE, from key directories).
    credentials_providers : dict
        ``{domain: provider}`` (CURVE, see :meth:`configure_curve_callback`).
    allow_any : bool
        Whether every CURVE client key is accepted (:data:`CURVE_ALLOW_ANY`), whatever the
        domain: set by :meth:`configure_curve`, cleared by the other CURVE configurations.

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
        self.zap_socket: Optional[zmq.Socket] = None
        self._allowed: frozenset[str] = frozenset()
        self._denied: frozenset[str] = frozenset()
        self.passwords: dict[str, dict[str, str]] = {}
        self.certs: dict[str, dict[bytes, bool]] = {}
        self.credentials_providers: dict[str, CredentialsProvider] = {}
        self.allow_any = False
        self._gssapi: dict[str, Optional[str]] = {}

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
        self._allowed = self._listed("allowed", self._allowed, self._denied, addresses)

    def deny(self, *addresses: str) -> None:
        """Refuse connections from these IP addresses (a blacklist); may be called again
        to add more (ValueError if :meth:`allow` was used, as :meth:`allow`)."""
        self._denied = self._listed("denied", self._denied, self._allowed, addresses)

    def _listed(self, what: str, listed: frozenset[str], other: frozenset[str], addresses: tuple[str, ...]) -> frozenset[str]:
        """``listed`` with ``addresses`` added: the new whitelist or blacklist (logged as
        ``what``); ValueError when the ``other`` list is in use."""
        if other:
            raise ValueError("Only use a allow or deny, not both")
        listed = listed | frozenset(addresses)
        self.log.debug("%s addresses: %s", what, sorted(listed))
        return listed

    def configure_plain(self, domain: str = "*", passwords: Optional[Mapping[str, str]] = None) -> None:
        """Set the PLAIN user names and passwords of ``domain``.

        Parameters
        ----------
        domain : str
            ZAP domain (the server socket's ``zap_domain``; ``"*"`` for requests without
            one).
        passwords : mapping of str to str, optional
            ``{user name: password}``; None or empty changes nothing.
        """
        if passwords:
            self.passwords = {**self.passwords, domain: dict(passwords)}

    def configure_curve(self, domain: str = "*", location: PathType = ".") -> None:
        """Set which CURVE client keys ``domain`` accepts.

        Parameters
        ----------
        domain : str
            ZAP domain, as for :meth:`configure_plain`.
        location : str or os.PathLike
            A directory of public certificates (``*.key`` files, see
            :func:`zmq.auth.certs.load_certificates`), read now; or :data:`CURVE_ALLOW_ANY`
            to accept any key, in every domain (:attr:`allow_any`).

        Raises
        ------
        OSError, ValueError
            The directory cannot be read, or holds an invalid certificate (pyzmq logs
            the error and carries on with the previous keys).
        """
        if location == CURVE_ALLOW_ANY:
            self.allow_any = True
            return
        self.allow_any = False
        self.certs = {**self.certs, domain: load_certificates(location)}

    def configure_curve_callback(
        self, domain: str = "*", credentials_provider: Optional[CredentialsProvider] = None
    ) -> None:
        """Let ``credentials_provider.callback(domain, key)`` decide which CURVE clients
        ``domain`` accepts.

        Parameters
        ----------
        domain : str
            ZAP domain, as for :meth:`configure_plain`.
        credentials_provider : CredentialsProvider
            An object with a ``callback(domain: str, key: bytes) -> bool`` method (or a
            coroutine function): ``domain`` is the configured domain (``"*"`` for requests
            without one), ``key`` the client's public key, Z85-encoded. A true answer
            accepts the client; an exception refuses it (status 500) and is logged.

        Raises
        ------
        TypeError
            ``credentials_provider`` has no ``callback`` method.
        """
        if credentials_provider is None or not callable(getattr(credentials_provider, "callback", None)):
            raise TypeError("credentials_provider must have a callback(domain, key) method")
        self.allow_any = False
        self.credentials_providers = {**self.credentials_providers, domain: credentials_provider}

    def configure_gssapi(self, domain: str = "*", location: Optional[str] = None) -> None:
        """Record a GSSAPI configuration for ``domain`` (kept for pyzmq compatibility).

        GSSAPI clients are accepted whether or not this is called, with their principal as
        user id: libzmq has authenticated them before asking. (The libzmq cyzmq is usually
        built against has no GSSAPI support, so no socket can use that mechanism.)
        """
        self._gssapi = {**self._gssapi, domain: location}

    def curve_user_id(self, client_public_key: bytes) -> str:
        """The user id given to an accepted CURVE client: its public key in Z85.

        Override to map keys to your own user names.

        Parameters
        ----------
        client_public_key : bytes
            The client's raw public key (32 bytes).

        Raises
        ------
        ValueError
            The key's length is not a multiple of 4 (it cannot be Z85-encoded).
        """
        return z85.encode(client_public_key).decode("utf-8")

    # -- request handling -------------------------------------------------------------------

    async def handle_zap_message(self, msg: list[Any]) -> None:
        """Decide one ZAP request and send the reply on :attr:`zap_socket` (a coroutine,
        as in pyzmq: a credentials provider's coroutine callback is awaited).

        Parameters
        ----------
        msg : list of bytes or Frame
            The request's frames: version, request id, domain, address, identity,
            mechanism, then the mechanism's credentials.
        """
        request, decision = self._decide(msg)
        if inspect.isawaitable(decision):
            decision = await decision
            if request is not None:
                self._log_verdict(request, decision)
        sock = self.zap_socket
        if sock is None or sock.closed:
            return
        sent = sock.send_multipart(self._reply_frames(request, decision))
        if inspect.isawaitable(sent):  # an async ZAP socket (AsyncioAuthenticator)
            await sent

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
            return partial, _Verdict(_DENIED, "Not enough frames")
        version, request_id, domain, address, identity, mechanism, *credentials = frames
        try:
            request = _Request(
                version, request_id, domain.decode(self.encoding), address.decode("ascii"),
                identity, mechanism, credentials,
            )
        except UnicodeDecodeError:
            partial = _Request(version, request_id, "", "", identity, mechanism, [])
            return partial, _Verdict(_DENIED, "Invalid domain or address")
        if version != VERSION:
            self.log.error("ZAP request of unsupported version %r", version)
            return request, _Verdict(_DENIED, "Invalid version")
        return request, None

    def _decide(self, msg: list[Any]) -> tuple[Optional[_Request], Decision]:
        """Parse and judge a request; the verdict may be an awaitable (async callbacks)."""
        request, verdict = self._parse(msg)
        if verdict is not None or request is None:
            return request, verdict if verdict is not None else _Verdict(_DENIED, "Not enough frames")
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
            return _Verdict(_DENIED, "Address not allowed")
        if address in self._denied:
            return _Verdict(_DENIED, "Address denied")
        mechanism = request.mechanism
        if mechanism == b"NULL":
            return _Verdict(_OK, "OK", "anonymous")
        if mechanism == b"PLAIN":
            return self._judge_plain(request)
        if mechanism == b"CURVE":
            return self._judge_curve(request)
        if mechanism == b"GSSAPI" and request.credentials:
            principal = request.credentials[0].decode(self.encoding, "replace")
            return _Verdict(_OK, "OK", principal)
        return _Verdict(_DENIED, "NO ACCESS")

    def _judge_plain(self, request: _Request) -> _Verdict:
        if len(request.credentials) != 2:
            return _Verdict(_DENIED, "Invalid credentials")
        if not self.passwords:
            return _Verdict(_DENIED, "No passwords defined")
        passwords = self.passwords.get(request.domain or _WILDCARD)
        if passwords is None:
            return _Verdict(_DENIED, "Invalid domain")
        try:
            user = request.credentials[0].decode(self.encoding)
            given = request.credentials[1].decode(self.encoding)
        except UnicodeDecodeError:
            return _Verdict(_DENIED, "Invalid username")
        expected = passwords.get(user)
        if expected is None:
            return _Verdict(_DENIED, "Invalid username")
        # Compared in constant time, so timing does not reveal how much of it matched.
        if not hmac.compare_digest(str(expected).encode("utf-8"), given.encode("utf-8")):
            return _Verdict(_DENIED, "Invalid password")
        return _Verdict(_OK, "OK", user)

    def _judge_curve(self, request: _Request) -> Decision:
        if len(request.credentials) != 1 or len(request.credentials[0]) != 32:
            return _Verdict(_DENIED, "Invalid credentials")
        raw = request.credentials[0]
        if self.allow_any:
            return _Verdict(_OK, "OK", self.curve_user_id(raw))
        domain = request.domain or _WILDCARD
        provider = self.credentials_providers.get(domain)
        if provider is not None:
            return self._ask_provider(provider, domain, raw)
        keys = self.certs.get(domain)
        if keys is None:
            return _Verdict(_DENIED, "Unknown domain")
        if z85.encode(raw) in keys:
            return _Verdict(_OK, "OK", self.curve_user_id(raw))
        return _Verdict(_DENIED, "Unknown key")

    def _ask_provider(self, provider: CredentialsProvider, domain: str, raw: bytes) -> Decision:
        try:
            answer = provider.callback(domain, z85.encode(raw))
        except Exception as e:
            self.log.exception("CURVE credentials provider failed")
            return self._error(f"credentials provider error: {type(e).__name__}")
        if inspect.isawaitable(answer):
            return _PendingVerdict(self, answer, raw)
        return self._provider_verdict(answer, raw)

    def _provider_verdict(self, allowed: object, raw: bytes) -> _Verdict:
        if allowed:
            return _Verdict(_OK, "OK", self.curve_user_id(raw))
        return _Verdict(_DENIED, "Unknown key")

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
    """The verdict of an async credentials provider: await it."""

    def __init__(self, auth: Authenticator, answer: Awaitable[Any], raw: bytes) -> None:
        self.auth = auth
        self.answer = answer
        self.raw = raw

    def __await__(self) -> Generator[Any, None, _Verdict]:
        return self._resolve().__await__()

    async def _resolve(self) -> _Verdict:
        try:
            allowed = await self.answer
        except Exception as e:
            self.auth.log.exception("CURVE credentials provider failed")
            return self.auth._error(f"credentials provider error: {type(e).__name__}")
        return self.auth._provider_verdict(allowed, self.raw)
