"""Type stub of the compiled Socket (zmq/backend/cython/socket.pyx)."""

from collections.abc import Callable, Iterable
from typing import Any, Literal, SupportsIndex, TypeVar, overload

from typing_extensions import Buffer, disjoint_base

from zmq.backend.cython.context import Context
from zmq.backend.cython.message import Frame, MessageTracker
from zmq.constants import SocketOption, SocketType

_T = TypeVar("_T")

NOTHROW_FLAG: int
"""Internal flag for event loops: on EAGAIN, calls return WOULD_BLOCK instead of raising Again."""

class _WouldBlock:
    """The type of WOULD_BLOCK (falsy)."""

    def __bool__(self) -> Literal[False]: ...

WOULD_BLOCK: _WouldBlock
"""Returned instead of raising Again by calls made with NOTHROW_FLAG (event loops only)."""

def _set_send_releases_gil(on: bool) -> bool:
    """Switch the GIL-release heuristic of sends (for tests); returns the previous setting."""

def fast_entries_installed() -> bool:
    """True if Socket.send/recv run through the fast entries of socket_fastcall.pxi."""

def _install_exact_methods(cls: type) -> bool:
    """Give the Socket subclass ``cls`` send/recv as method descriptors of its own (fast calls)."""

# What Socket.get returns for each option (optkind.pxd, opt_kind): binary and text options
# give bytes, TYPE a SocketType, every other option an int. Plain ints give Any.
_BytesOption = Literal[
    SocketOption.ROUTING_ID,
    SocketOption.SUBSCRIBE,
    SocketOption.UNSUBSCRIBE,
    SocketOption.LAST_ENDPOINT,
    SocketOption.TCP_ACCEPT_FILTER,
    SocketOption.PLAIN_USERNAME,
    SocketOption.PLAIN_PASSWORD,
    SocketOption.CURVE_PUBLICKEY,
    SocketOption.CURVE_SECRETKEY,
    SocketOption.CURVE_SERVERKEY,
    SocketOption.ZAP_DOMAIN,
    SocketOption.CONNECT_ROUTING_ID,
    SocketOption.GSSAPI_PRINCIPAL,
    SocketOption.GSSAPI_SERVICE_PRINCIPAL,
    SocketOption.SOCKS_PROXY,
    SocketOption.XPUB_WELCOME_MSG,
    SocketOption.BINDTODEVICE,
    SocketOption.METADATA,
    SocketOption.SOCKS_USERNAME,
    SocketOption.SOCKS_PASSWORD,
    SocketOption.WSS_KEY_PEM,
    SocketOption.WSS_CERT_PEM,
    SocketOption.WSS_TRUST_PEM,
    SocketOption.WSS_HOSTNAME,
    SocketOption.HELLO_MSG,
    SocketOption.DISCONNECT_MSG,
    SocketOption.HICCUP_MSG,
    SocketOption.IDENTITY,
    SocketOption.CONNECT_RID,
]
_IntOption = Literal[
    SocketOption.HWM,
    SocketOption.AFFINITY,
    SocketOption.RATE,
    SocketOption.RECOVERY_IVL,
    SocketOption.SNDBUF,
    SocketOption.RCVBUF,
    SocketOption.RCVMORE,
    SocketOption.FD,
    SocketOption.EVENTS,
    SocketOption.LINGER,
    SocketOption.RECONNECT_IVL,
    SocketOption.BACKLOG,
    SocketOption.RECONNECT_IVL_MAX,
    SocketOption.MAXMSGSIZE,
    SocketOption.SNDHWM,
    SocketOption.RCVHWM,
    SocketOption.MULTICAST_HOPS,
    SocketOption.RCVTIMEO,
    SocketOption.SNDTIMEO,
    SocketOption.IPV4ONLY,
    SocketOption.ROUTER_MANDATORY,
    SocketOption.TCP_KEEPALIVE,
    SocketOption.TCP_KEEPALIVE_CNT,
    SocketOption.TCP_KEEPALIVE_IDLE,
    SocketOption.TCP_KEEPALIVE_INTVL,
    SocketOption.IMMEDIATE,
    SocketOption.XPUB_VERBOSE,
    SocketOption.ROUTER_RAW,
    SocketOption.IPV6,
    SocketOption.MECHANISM,
    SocketOption.PLAIN_SERVER,
    SocketOption.CURVE_SERVER,
    SocketOption.PROBE_ROUTER,
    SocketOption.REQ_CORRELATE,
    SocketOption.REQ_RELAXED,
    SocketOption.CONFLATE,
    SocketOption.ROUTER_HANDOVER,
    SocketOption.TOS,
    SocketOption.IPC_FILTER_PID,
    SocketOption.IPC_FILTER_UID,
    SocketOption.IPC_FILTER_GID,
    SocketOption.GSSAPI_SERVER,
    SocketOption.GSSAPI_PLAINTEXT,
    SocketOption.HANDSHAKE_IVL,
    SocketOption.XPUB_NODROP,
    SocketOption.BLOCKY,
    SocketOption.XPUB_MANUAL,
    SocketOption.STREAM_NOTIFY,
    SocketOption.INVERT_MATCHING,
    SocketOption.HEARTBEAT_IVL,
    SocketOption.HEARTBEAT_TTL,
    SocketOption.HEARTBEAT_TIMEOUT,
    SocketOption.XPUB_VERBOSER,
    SocketOption.CONNECT_TIMEOUT,
    SocketOption.TCP_MAXRT,
    SocketOption.THREAD_SAFE,
    SocketOption.MULTICAST_MAXTPDU,
    SocketOption.VMCI_BUFFER_SIZE,
    SocketOption.VMCI_BUFFER_MIN_SIZE,
    SocketOption.VMCI_BUFFER_MAX_SIZE,
    SocketOption.VMCI_CONNECT_TIMEOUT,
    SocketOption.USE_FD,
    SocketOption.GSSAPI_PRINCIPAL_NAMETYPE,
    SocketOption.GSSAPI_SERVICE_PRINCIPAL_NAMETYPE,
    SocketOption.ZAP_ENFORCE_DOMAIN,
    SocketOption.LOOPBACK_FASTPATH,
    SocketOption.MULTICAST_LOOP,
    SocketOption.ROUTER_NOTIFY,
    SocketOption.XPUB_MANUAL_LAST_VALUE,
    SocketOption.IN_BATCH_SIZE,
    SocketOption.OUT_BATCH_SIZE,
    SocketOption.WSS_TRUST_SYSTEM,
    SocketOption.ONLY_FIRST_SUBSCRIBE,
    SocketOption.RECONNECT_STOP,
    SocketOption.PRIORITY,
    SocketOption.BUSY_POLL,
    SocketOption.XSUB_VERBOSE_UNSUBSCRIBE,
    SocketOption.TOPICS_COUNT,
    SocketOption.NORM_MODE,
    SocketOption.NORM_UNICAST_NACK,
    SocketOption.NORM_BUFFER_SIZE,
    SocketOption.NORM_SEGMENT_SIZE,
    SocketOption.NORM_BLOCK_SIZE,
    SocketOption.NORM_NUM_PARITY,
    SocketOption.NORM_NUM_AUTOPARITY,
    SocketOption.NORM_PUSH,
    SocketOption.DELAY_ATTACH_ON_CONNECT,
    SocketOption.FAIL_UNROUTABLE,
    SocketOption.ROUTER_BEHAVIOR,
]

@disjoint_base
class Socket:
    """A libzmq socket; not thread-safe: use each socket from one thread at a time."""

    context: Any
    """The Context this socket belongs to (None for a bare shadow)."""
    copy_threshold: int
    """``copy=False`` sends of fewer bytes than this are copied anyway."""

    def __init__(
        self,
        context: Context | Socket | None = None,
        socket_type: int = -1,
        *,
        shadow: int = 0,
        copy_threshold: int | None = None,
    ) -> None:
        """Create a socket of ``socket_type`` in ``context``, or wrap a Socket / the address ``shadow``."""
    @property
    def underlying(self) -> int:
        """The address of the libzmq ``void *`` socket (for :meth:`shadow` or C code)."""
    @property
    def closed(self) -> bool:
        """True once the socket has been closed."""
    @property
    def _owns_handle(self) -> bool:
        """True if closing this object closes the libzmq socket (not a shadow, same process)."""
    def _defer_close(self, linger: int | None = None) -> bool:
        """Close when another thread's call on this socket returns (True), or do nothing (False)."""
    def _deserialize(self, received: Any, load: Callable[[Any], Any]) -> Any:
        """The hook every recv_* serializer ends with: ``load(received)``."""
    def close(self, linger: int | None = None) -> None:
        """Close the socket, keeping pending messages for ``linger`` ms (default: the LINGER option)."""

    # -- options ----------------------------------------------------------------------------
    def set(self, option: int, optval: SupportsIndex | str | Buffer) -> None:
        """Set a socket option: int options take ints, binary options bytes, text options bytes or str."""
    @overload
    def get(self, option: Literal[SocketOption.TYPE]) -> SocketType:
        """The socket's type."""
    @overload
    def get(self, option: _BytesOption) -> bytes:
        """A binary or text option's value (text without its trailing NUL)."""
    @overload
    def get(self, option: _IntOption) -> int:
        """An integer option's value."""
    @overload
    def get(self, option: int) -> Any:
        """A socket option's value: int, bytes or SocketType depending on the option."""
    setsockopt = set
    getsockopt = get

    # -- endpoints --------------------------------------------------------------------------
    def _bind(self, addr: str | bytes) -> None:
        """Bind to ``addr`` (the sugar :meth:`bind` wraps this)."""
    def _connect(self, addr: str | bytes) -> None:
        """Connect to ``addr`` (the sugar :meth:`connect` wraps this)."""
    def unbind(self, addr: str | bytes) -> None:
        """Stop listening on ``addr``."""
    def disconnect(self, addr: str | bytes) -> None:
        """Disconnect from the peer at ``addr``."""
    def monitor(self, addr: str | bytes | None, events: int = 0xFFFF) -> None:
        """Publish this socket's events on a PAIR socket bound at ``addr`` (None: stop)."""
    def join(self, group: str | bytes) -> None:
        """Join a RADIO/DISH group (draft API)."""
    def leave(self, group: str | bytes) -> None:
        """Leave a RADIO/DISH group (draft API)."""
    def fileno(self) -> int:
        """The edge-triggered file descriptor that signals ZMQ events."""

    # -- send -------------------------------------------------------------------------------
    @overload
    def send(
        self,
        data: Buffer,
        flags: int = 0,
        copy: bool = True,
        track: Literal[False] = False,
        routing_id: int | None = None,
        group: str | Buffer | None = None,
    ) -> None:
        """Send one message part (bytes-like or Frame)."""
    @overload
    def send(
        self,
        data: Buffer,
        flags: int = 0,
        *,
        copy: Literal[False],
        track: Literal[True],
        routing_id: int | None = None,
        group: str | Buffer | None = None,
    ) -> MessageTracker:
        """Send one message part and return a tracker of its zero-copy memory."""
    @overload
    def send(
        self,
        data: Buffer,
        flags: int,
        copy: Literal[False],
        track: Literal[True],
        routing_id: int | None = None,
        group: str | Buffer | None = None,
    ) -> MessageTracker:
        """Send one message part and return a tracker of its zero-copy memory."""
    @overload
    def send(
        self,
        data: Buffer,
        flags: int = 0,
        copy: bool = True,
        track: bool = False,
        routing_id: int | None = None,
        group: str | Buffer | None = None,
    ) -> MessageTracker | None:
        """Send one message part: None, or a MessageTracker (a Frame's own, one for copy=False
        zero-copy sends with track=True, or a done one when copy=False copied small data)."""
    @overload
    def send_multipart(
        self,
        msg_parts: Iterable[Buffer],
        flags: int = 0,
        copy: bool = True,
        track: Literal[False] = False,
        **kwargs: Any,
    ) -> None:
        """Send a multipart message: every part but the last carries SNDMORE."""
    @overload
    def send_multipart(
        self,
        msg_parts: Iterable[Buffer],
        flags: int = 0,
        *,
        copy: Literal[False],
        track: Literal[True],
        **kwargs: Any,
    ) -> MessageTracker:
        """Send a multipart message and return a tracker of its zero-copy parts."""
    @overload
    def send_multipart(
        self,
        msg_parts: Iterable[Buffer],
        flags: int,
        copy: Literal[False],
        track: Literal[True],
        **kwargs: Any,
    ) -> MessageTracker:
        """Send a multipart message and return a tracker of its zero-copy parts."""
    @overload
    def send_multipart(
        self,
        msg_parts: Iterable[Buffer],
        flags: int = 0,
        copy: bool = True,
        track: bool = False,
        **kwargs: Any,
    ) -> MessageTracker | None:
        """Send a multipart message; a MessageTracker is returned when ``track`` is true."""
    @overload
    def send_string(
        self,
        u: str,
        flags: int = 0,
        copy: bool = True,
        encoding: str = "utf-8",
        *,
        track: Literal[False] = False,
        routing_id: int | None = None,
        group: str | Buffer | None = None,
    ) -> None:
        """Send a str encoded with ``encoding`` (UTF-8 by default)."""
    @overload
    def send_string(
        self,
        u: str,
        flags: int = 0,
        copy: bool = True,
        encoding: str = "utf-8",
        *,
        track: Literal[True],
        routing_id: int | None = None,
        group: str | Buffer | None = None,
    ) -> MessageTracker:
        """Send an encoded str and return a tracker of the message's memory."""
    @overload
    def send_string(
        self,
        u: str,
        flags: int = 0,
        copy: bool = True,
        encoding: str = "utf-8",
        *,
        track: bool = False,
        routing_id: int | None = None,
        group: str | Buffer | None = None,
    ) -> MessageTracker | None:
        """Send an encoded str; a MessageTracker is returned when ``track`` is true."""
    send_unicode = send_string
    def send_json(
        self,
        obj: Any,
        flags: int = 0,
        *,
        routing_id: int | None = None,
        group: str | Buffer | None = None,
        **kwargs: Any,
    ) -> None:
        """Send ``obj`` serialized as JSON; extra keyword arguments go to ``json.dumps``."""
    @overload
    def send_pyobj(
        self,
        obj: Any,
        flags: int = 0,
        protocol: int | None = None,
        *,
        copy: bool = True,
        track: Literal[False] = False,
        routing_id: int | None = None,
        group: str | Buffer | None = None,
    ) -> None:
        """Send ``obj`` pickled (``protocol`` defaults to ``pickle.DEFAULT_PROTOCOL``)."""
    @overload
    def send_pyobj(
        self,
        obj: Any,
        flags: int = 0,
        protocol: int | None = None,
        *,
        copy: bool = True,
        track: Literal[True],
        routing_id: int | None = None,
        group: str | Buffer | None = None,
    ) -> MessageTracker:
        """Send ``obj`` pickled and return a tracker of the message's memory."""
    @overload
    def send_pyobj(
        self,
        obj: Any,
        flags: int = 0,
        protocol: int | None = None,
        *,
        copy: bool = True,
        track: bool = False,
        routing_id: int | None = None,
        group: str | Buffer | None = None,
    ) -> MessageTracker | None:
        """Send ``obj`` pickled; a MessageTracker is returned when ``track`` is true."""
    @overload
    def send_serialized(
        self,
        msg: _T,
        serialize: Callable[[_T], Iterable[Buffer]],
        flags: int = 0,
        copy: bool = True,
        *,
        track: Literal[False] = False,
        **kwargs: Any,
    ) -> None:
        """Send ``serialize(msg)`` (a list of bytes-like parts) as one multipart message."""
    @overload
    def send_serialized(
        self,
        msg: _T,
        serialize: Callable[[_T], Iterable[Buffer]],
        flags: int = 0,
        copy: bool = True,
        *,
        track: Literal[True],
        **kwargs: Any,
    ) -> MessageTracker:
        """Send ``serialize(msg)`` as one multipart message and return a tracker."""
    @overload
    def send_serialized(
        self,
        msg: _T,
        serialize: Callable[[_T], Iterable[Buffer]],
        flags: int = 0,
        copy: bool = True,
        *,
        track: bool = False,
        **kwargs: Any,
    ) -> MessageTracker | None:
        """Send ``serialize(msg)`` as one multipart message (tracked when ``track`` is true)."""

    # -- recv -------------------------------------------------------------------------------
    @overload
    def recv(self, flags: int = 0, copy: Literal[True] = True, track: bool = False) -> bytes:
        """Receive one message part as bytes."""
    @overload
    def recv(self, flags: int, copy: Literal[False], track: bool = False) -> Frame:
        """Receive one message part as a Frame that owns the message's memory (no copy)."""
    @overload
    def recv(self, flags: int = 0, *, copy: Literal[False], track: bool = False) -> Frame:
        """Receive one message part as a Frame that owns the message's memory (no copy)."""
    @overload
    def recv(self, flags: int = 0, copy: bool = True, track: bool = False) -> bytes | Frame:
        """Receive one message part: bytes, or a Frame when ``copy`` is false."""
    def recv_into(self, buffer: Buffer, /, *, nbytes: int = 0, flags: int = 0) -> int:
        """Receive one part into a writable buffer; returns the message size (truncated if larger)."""
    @overload
    def recv_multipart(self, flags: int = 0, copy: Literal[True] = True, track: bool = False) -> list[bytes]:
        """Receive every part of the next message as bytes."""
    @overload
    def recv_multipart(self, flags: int, copy: Literal[False], track: bool = False) -> list[Frame]:
        """Receive every part of the next message as Frames (no copy)."""
    @overload
    def recv_multipart(self, flags: int = 0, *, copy: Literal[False], track: bool = False) -> list[Frame]:
        """Receive every part of the next message as Frames (no copy)."""
    @overload
    def recv_multipart(
        self, flags: int = 0, copy: bool = True, track: bool = False
    ) -> list[bytes] | list[Frame]:
        """Receive every part of the next message: bytes, or Frames when ``copy`` is false."""
    def recv_string(self, flags: int = 0, encoding: str = "utf-8") -> str:
        """Receive one part and decode it (UTF-8 by default)."""
    recv_unicode = recv_string
    def recv_json(self, flags: int = 0, **kwargs: Any) -> Any:
        """Receive one part and decode it from JSON (keyword arguments go to ``json.loads``)."""
    def recv_pyobj(self, flags: int = 0) -> Any:
        """Receive one part and unpickle it (only from peers you trust completely)."""
    @overload
    def recv_serialized(
        self, deserialize: Callable[[list[bytes]], _T], flags: int = 0, copy: Literal[True] = True
    ) -> _T:
        """Receive a multipart message and return ``deserialize(parts)``."""
    @overload
    def recv_serialized(
        self, deserialize: Callable[[list[Frame]], _T], flags: int, copy: Literal[False]
    ) -> _T:
        """Receive a multipart message as Frames and return ``deserialize(frames)``."""
    @overload
    def recv_serialized(
        self, deserialize: Callable[[list[Frame]], _T], flags: int = 0, *, copy: Literal[False]
    ) -> _T:
        """Receive a multipart message as Frames and return ``deserialize(frames)``."""

    # -- polling ----------------------------------------------------------------------------
    def poll(self, timeout: float | None = None, flags: int = ...) -> int:  # default zmq.POLLIN
        """Wait up to ``timeout`` ms (None: forever) for ``flags`` (POLLIN/POLLOUT); returns the ready events."""
