"""The pyzmq-style Socket: options as attributes, bind/connect contexts, monitor helpers.

The send/recv family (including multipart, string, JSON and pickle) is inherited unchanged
from the compiled core, so none of it pays for a Python-level frame here.
"""
from __future__ import annotations

import builtins
import itertools
import warnings
from collections.abc import Callable, Iterable

from zmq.backend import BACKEND
from zmq.backend import Socket as _BackendSocket
from zmq.constants import EINVAL, ENOTSOCK, SocketOption, SocketType
from zmq.error import ZMQBindError, ZMQError
from zmq.sugar._options import no_such_option, option_spellings, socket_option
from zmq.utils._generic import TypeVar  # (not typing's: see there)
from zmq.utils import _generic

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from zmq.sugar._safepickle import PickleRefused, _PicklePolicy
    from zmq.sugar.context import Context

T = TypeVar("T", bound="Socket")
_monitor_ids = itertools.count()


def _port_of(hostport: str) -> str | None:
    """The port part of ``host:port`` (``[v6]:port`` too), or None if there is none."""
    if hostport.startswith("["):
        _, sep, rest = hostport.partition("]")
        return rest[1:] if sep and rest.startswith(":") else None
    return hostport.rpartition(":")[2] if ":" in hostport else None


def _check_endpoint(addr: Any) -> None:
    """Refuse a tcp/udp endpoint whose port is not ``*`` or a decimal in 0-65535.

    libzmq 4.3 parses ports loosely and wraps them (``:99999`` binds 34463, ``:-1``
    65535, ``:5x`` 5); this check runs before libzmq sees the endpoint. Other transports
    (ipc, inproc...) and non-str values are left to libzmq.

    Raises
    ------
    zmq.ZMQError
        EINVAL, naming the endpoint and the port.
    """
    if not isinstance(addr, str) or not addr.startswith(("tcp://", "udp://")):
        return
    *sources, dest = addr[6:].split(";")
    for i, part in enumerate((*sources, dest)):
        port = _port_of(part)
        if port is None or port == "*" or not port.isascii() or "\x00" in port:
            continue  # (a non-ASCII port: encoding or libzmq refuses it, as before)
        # (port is ASCII here, so isdigit() means [0-9]+; no `re` at `import zmq`)
        if port.isdigit() and int(port) <= 65535:
            continue
        # A source part may be a bare IPv6 address without port ("fe80::1;..."): only a
        # number there is taken for a port; the destination's port must be a number.
        if i < len(sources) and not (port[1:] if port[:1] in ("+", "-") else port).isdigit():
            continue
        raise ZMQError(EINVAL, f"Invalid argument (addr={addr!r}): port {port!r} is not * or 0-65535")


class _SocketContext:
    """Returned by :meth:`Socket.bind`/:meth:`Socket.connect`: ``with`` it to unbind/disconnect on exit."""

    __slots__ = ("socket", "kind", "addr")

    def __init__(self, socket: Socket, kind: str, addr: str) -> None:
        self.socket = socket
        self.kind = kind
        self.addr = addr

    def __enter__(self) -> Socket:
        return self.socket

    def __exit__(self, *exc: object) -> None:
        if self.socket.closed:
            return
        undo = self.socket.unbind if self.kind == "bind" else self.socket.disconnect
        try:
            undo(self.addr)
        except ZMQError:
            pass  # already gone (peer vanished, context terminating): nothing to undo

    def __repr__(self) -> str:
        return f"<SocketContext({self.kind}={self.addr!r})>"


class Socket(_BackendSocket):
    """A ZeroMQ socket, with socket options as case-insensitive attributes.

    ``s.linger = 0``, ``s.identity = b"worker-1"``, ``s.rcvmore``, ``s.fd``... read and write
    the options of the same name. Create sockets with :meth:`Context.socket`; use them as
    context managers to close them on exit.
    """

    # zmq.Socket[bytes] (runtime annotations of libraries typed against pyzmq) is a
    # GenericAlias; subclasses, as typing's, are not generic.
    _zmq_generic = True
    if not TYPE_CHECKING:
        __class_getitem__ = classmethod(_generic.class_getitem)

    _monitor_socket: Socket | None = None
    _pickle_policy: _PicklePolicy | None = None
    #: Endpoints given to bind()/connect() (named by the warning of a blocked term()).
    _endpoints: tuple[str, ...] = ()
    #: The socket's type, read once at creation (so a closed socket still knows it).
    _type: SocketType | None = None

    def __init__(
        self,
        ctx_or_socket: Context[Any] | Socket | None = None,
        socket_type: int = 0,
        *,
        shadow: Socket | int = 0,
        copy_threshold: int | None = None,
    ) -> None:
        if isinstance(socket_type, int) and socket_type < 0:
            raise TypeError("socket_type must be specified")
        if isinstance(shadow, _BackendSocket):  # Socket(shadow=other): as Socket(other)
            ctx_or_socket, shadow = shadow, 0
        super().__init__(ctx_or_socket, socket_type, shadow=shadow, copy_threshold=copy_threshold)
        if not self.closed:
            try:
                object.__setattr__(self, "_type", SocketType(self.get(SocketOption.TYPE)))
            except ValueError:
                pass  # a type this version does not name

    @classmethod
    def shadow(cls: type[T], address: int | Socket) -> T:
        """Wrap an existing libzmq socket (its address, e.g. ``other.underlying``) without owning it."""
        if isinstance(address, _BackendSocket):
            return cls(address)
        return cls(shadow=int(address))

    def __copy__(self: T, memo: object = None) -> T:
        """A shadow of this socket (sharing the libzmq socket, which this one keeps owning)."""
        return self.__class__(shadow=self.underlying)

    __deepcopy__ = __copy__

    # -- context management and lifetime ----------------------------------------------------

    def __enter__(self: T) -> T:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        if not self.closed and self._owns_handle:
            warnings.warn(f"unclosed socket {self!r}", ResourceWarning, stacklevel=2, source=self)
            # Closing now with an infinite LINGER would leave its queued messages beyond
            # the reach of Context.destroy(linger=0): its context keeps it open instead,
            # and closes it with the LINGER destroy() is given (or its own, by term()).
            ctx = self.context
            adopt = getattr(ctx, "_adopt_collected", None)
            try:
                keep = adopt is not None and self.get(SocketOption.LINGER) != 0
            except ZMQError:
                keep = False
            if keep and adopt is not None and adopt(self):
                return
            self.close()  # honours the LINGER option

    def close(self, linger: int | None = None) -> None:
        """Close the socket (idempotent; a shadow socket only forgets its handle).

        Parameters
        ----------
        linger : int, optional
            Milliseconds to keep trying to deliver pending outgoing messages; default: the
            LINGER option (-1: until delivered or the context terminates). Applied even when
            the context is already terminating.
        """
        if self._endpoints and not self.closed:
            note = getattr(self.context, "_note_linger", None)
            if note is not None:
                note(self, linger)
        super().close(linger)

    def __repr__(self) -> str:
        cls = type(self)
        mod = cls.__module__
        name = f"zmq.{cls.__name__}" if mod.startswith("zmq.sugar") else f"{mod}.{cls.__name__}"
        closed = " closed" if self.closed else ""
        kind = self._type.name if self._type is not None else "UNKNOWN"
        return f"<{name}(zmq.{kind}) at {id(self):#x}{closed}>"

    def __dir__(self) -> list[str]:
        # Options are listed once, in UPPER case (as pyzmq does); the other spellings of
        # their properties are left out.
        cls = type(self)
        return sorted(n for n in super().__dir__() if _OPTION_PROPERTIES.get(n) is not getattr(cls, n, None) or n.isupper())

    # -- options as attributes -------------------------------------------------------------

    if TYPE_CHECKING:
        # For type checkers only: option attributes (s.linger, s.rcvmore...) are properties
        # added after the class is built. At run time a __getattr__ would slow every method call.
        def __getattr__(self, name: str) -> Any: ...

    def __setattr__(self, name: str, value: Any) -> None:
        if name in ("subscribe", "unsubscribe"):
            # The methods share the options' names: assignment means the option.
            getattr(self, name)(value)
            return
        if name in self.__dict__ or hasattr(type(self), name):
            object.__setattr__(self, name, value)
            return
        # Not an attribute of the object: an option in any case (s.Linger = 0), or a typo
        # such as s.lingr, refused. (Subclasses declare their own attributes in the class.)
        opt = socket_option(name)
        if opt is None:
            raise no_such_option(self, name)
        self.set(opt, value)

    @property
    def type(self) -> SocketType:
        """The socket's type, e.g. ``zmq.PUSH`` (known even once the socket is closed)."""
        if self._type is None:
            return self.get(SocketOption.TYPE)
        return self._type

    @type.setter
    def type(self, value: int) -> None:
        self.set(SocketOption.TYPE, value)  # read-only in libzmq: EINVAL

    @property
    def socket_type(self) -> SocketType:
        """The socket's type, e.g. ``zmq.PUSH`` (deprecated: use :attr:`type`)."""
        warnings.warn("Socket.socket_type is deprecated, use Socket.type", DeprecationWarning, stacklevel=2)
        return self.type

    @property
    def hwm(self) -> int:
        """The high-water mark: setting it sets SNDHWM and RCVHWM; reading gives SNDHWM."""
        return self.get(SocketOption.SNDHWM)

    @hwm.setter
    def hwm(self, value: int) -> None:
        self.set(SocketOption.HWM, value)

    def set_hwm(self, value: int) -> None:
        """Set SNDHWM and RCVHWM to ``value``."""
        self.set(SocketOption.HWM, value)

    def get_hwm(self) -> int:
        """The high-water mark (SNDHWM)."""
        return self.get(SocketOption.SNDHWM)

    def set_string(self, option: int, optval: str, encoding: str = "utf-8") -> None:
        """Set a bytes option from a str, encoded with ``encoding``.

        Raises
        ------
        TypeError
            ``optval`` is not a str.
        """
        if not isinstance(optval, str):
            raise TypeError(f"set_string takes a str, not {type(optval).__name__!r}")
        self.set(option, optval.encode(encoding))

    def get_string(self, option: int, encoding: str = "utf-8") -> str:
        """Get a bytes option decoded to str.

        Raises
        ------
        TypeError
            The option's value is not bytes (an int option).
        """
        value = self.get(option)
        if not isinstance(value, bytes):
            raise TypeError(f"option {option} is not a bytes option")
        return value.decode(encoding)

    setsockopt_string = set_string
    getsockopt_string = get_string
    setsockopt_unicode = set_string
    getsockopt_unicode = get_string

    def subscribe(self, topic: str | bytes) -> None:
        """Subscribe to messages starting with ``topic`` (SUB/XSUB sockets; str is UTF-8 encoded)."""
        self.set(SocketOption.SUBSCRIBE, topic.encode("utf-8") if isinstance(topic, str) else topic)

    def unsubscribe(self, topic: str | bytes) -> None:
        """Undo a :meth:`subscribe` of ``topic``."""
        self.set(SocketOption.UNSUBSCRIBE, topic.encode("utf-8") if isinstance(topic, str) else topic)

    # -- endpoints -------------------------------------------------------------------------

    def bind(self, addr: str) -> _SocketContext:
        """Accept connections on ``addr`` (``tcp://127.0.0.1:5555``, ``ipc://path``,
        ``inproc://name``; ``tcp://...:*`` picks a free port, see ``last_endpoint``).

        Returns a context manager whose exit unbinds again.

        Parameters
        ----------
        addr : str
            The endpoint.

        Returns
        -------
        context manager
            ``with sock.bind(addr):`` unbinds on exit; outside ``with`` it can be ignored.
            Its ``addr`` attribute is the endpoint actually bound (the port a wildcard
            picked included).

        Raises
        ------
        zmq.ZMQError
            The endpoint is invalid or taken (e.g. EADDRINUSE); the message names it.
            A tcp/udp port that is not ``*`` or 0-65535 is EINVAL (libzmq itself would
            wrap it: ``:99999`` would bind port 34463).
        """
        _check_endpoint(addr)
        self._bind(addr)
        if isinstance(addr, str) and addr.endswith(":*"):
            addr = self.get(SocketOption.LAST_ENDPOINT).decode()
        self._remember_endpoint(addr)
        return _SocketContext(self, "bind", addr)

    def connect(self, addr: str) -> _SocketContext:
        """Connect to the peer at ``addr``. Returns a context manager whose exit disconnects.

        The connection itself is made in the background (and re-made after failures): the
        peer does not need to be bound yet.

        Parameters
        ----------
        addr : str
            The endpoint, e.g. ``tcp://127.0.0.1:5555``.

        Returns
        -------
        context manager
            ``with sock.connect(addr):`` disconnects on exit; outside ``with`` it can be
            ignored.

        Raises
        ------
        zmq.ZMQError
            The endpoint is invalid (EINVAL, a tcp/udp port outside 0-65535 included) or
            its transport unsupported (EPROTONOSUPPORT).
        """
        _check_endpoint(addr)
        self._connect(addr)
        self._remember_endpoint(addr)
        return _SocketContext(self, "connect", addr)

    def _remember_endpoint(self, addr: Any) -> None:
        endpoints = self._endpoints
        if len(endpoints) < 16:  # enough to name it in a warning
            object.__setattr__(self, "_endpoints", (*endpoints, str(addr)))

    def bind_to_random_port(
        self, addr: str, min_port: int = 49152, max_port: int = 65536, max_tries: int = 100
    ) -> int:
        """Bind to a free port of ``addr`` (e.g. ``tcp://127.0.0.1``) and return the port.

        With the default range the OS picks the port; otherwise up to ``max_tries`` random
        ports in ``[min_port, max_port)`` are tried.

        Raises
        ------
        ZMQBindError
            No port in the range could be bound.
        zmq.ZMQError
            EINVAL: ``min_port`` is outside 0-65535 or ``max_port`` (exclusive) outside
            1-65536.
        """
        if not (0 <= min_port <= 65535 and 1 <= max_port <= 65536):
            raise ZMQError(EINVAL, f"Invalid argument: port range [{min_port}, {max_port}) is not within 0-65535")
        if min_port == 49152 and max_port == 65536:
            _check_endpoint(f"{addr}:*")
            self._bind(f"{addr}:*")
            bound = self.get(SocketOption.LAST_ENDPOINT).decode()
            self._remember_endpoint(bound)
            return int(bound.rsplit(":", 1)[-1])
        import random

        for _ in range(max_tries):
            port = random.randrange(min_port, max_port)
            try:
                self._bind(f"{addr}:{port}")
            except ZMQError as e:
                if e.errno not in (98, 13, 48, 10048) and "in use" not in (e.strerror or ""):
                    raise
            else:
                self._remember_endpoint(f"{addr}:{port}")
                return port
        raise ZMQBindError(f"could not bind {addr} to a port in [{min_port}, {max_port}) in {max_tries} tries")

    # -- monitoring ------------------------------------------------------------------------

    def get_monitor_socket(self, events: int | None = None, addr: str | None = None) -> Socket:
        """Start monitoring this socket and return a connected PAIR socket that receives the
        events (decode them with :func:`zmq.utils.monitor.recv_monitor_message`).

        Parameters
        ----------
        events : int, optional
            The events to report, ``zmq.EVENT_*`` flags or'ed together (default: all).
        addr : str, optional
            The inproc endpoint the events are published on (default: a unique one).

        Returns
        -------
        Socket
            The PAIR socket receiving the events; calling this again while it is open
            returns it again. Close it after :meth:`disable_monitor`.
        """
        from zmq.constants import EVENT_ALL, PAIR

        if self._monitor_socket is not None and not self._monitor_socket.closed:
            return self._monitor_socket
        if addr is None:
            addr = f"inproc://cyzmq.monitor.{id(self):x}.{next(_monitor_ids)}"
        self.monitor(addr, EVENT_ALL if events is None else events)
        ctx = self.context
        mon: Socket = ctx.socket(PAIR)
        mon.connect(addr)
        self._monitor_socket = mon
        return mon

    # -- safe pickles ----------------------------------------------------------------------

    def set_pickle_security(self, key: bytes | None = None, allowed: Iterable[str | builtins.type] | None = None) -> None:
        """Make :meth:`send_pyobj`/:meth:`recv_pyobj` safe against untrusted peers.

        By default (both None) they pickle and unpickle anything, as pyzmq does:
        unpickling runs code chosen by the sender. See docs/howto/security.md.

        Parameters
        ----------
        key : bytes, optional
            Signed mode: a secret shared with the peers. send_pyobj adds an HMAC-SHA256
            of the pickle made with it; recv_pyobj checks it before unpickling, and
            raises :class:`PickleRefused` (the bytes never unpickled) for a message
            that is unsigned or signed with another key.
        allowed : iterable of str or class, optional
            Restricted mode: recv_pyobj unpickles only these classes (and functions),
            given as classes or ``"module.QualName"`` strings; any other one raises
            :class:`PickleRefused`. (Plain containers, numbers, str and bytes need no
            entry.) Both modes can be combined.

        Notes
        -----
        A refused message has been consumed; the socket stays usable. Sockets of
        :mod:`zmq.asyncio`, :mod:`zmq.eventloop.future` and :mod:`zmq.green` honour
        the modes too (their recv_pyobj then awaits the checked object).
        :meth:`Context.set_pickle_security` sets the default for new sockets.
        """
        if key is not None and not isinstance(key, bytes):
            raise TypeError(f"key must be bytes, not {type(key).__name__!r}")
        if key == b"":
            raise ValueError("key must not be empty")
        from zmq.sugar._safepickle import _class_name, _PicklePolicy, _SafePickleMethod

        names = None if allowed is None else frozenset(_class_name(c) for c in allowed)
        if key is None and names is None:
            for name in ("send_pyobj", "recv_pyobj"):
                self.__dict__.pop(name, None)
            object.__setattr__(self, "_pickle_policy", None)
            return
        policy = _PicklePolicy(key, names)
        object.__setattr__(self, "_pickle_policy", policy)
        object.__setattr__(self, "send_pyobj", _SafePickleMethod(self, policy, recv=False))
        object.__setattr__(self, "recv_pyobj", _SafePickleMethod(self, policy, recv=True))

    @property
    def pickle_security(self) -> tuple[bytes | None, frozenset[str] | None]:
        """The (key, allowed) set by :meth:`set_pickle_security` ((None, None): pyzmq's)."""
        policy = self._pickle_policy
        return (None, None) if policy is None else (policy.key, policy.allowed)

    def disable_monitor(self) -> None:
        """Stop the monitoring started by :meth:`get_monitor_socket` (or :meth:`monitor`)."""
        self._monitor_socket = None
        self.monitor(None, 0)


def _option_property(option: SocketOption) -> property:
    # The attribute in Python (the CFFI backend's); the compiled core has its own.
    name = option.name

    def fget(self: Socket) -> Any:
        try:
            return self.get(option)
        except ZMQError as e:
            if e.errno == EINVAL:  # an option libzmq only lets set (or one of another type)
                raise AttributeError(f"{name} attribute is write-only") from None
            raise

    def fset(self: Socket, value: Any) -> None:
        self.set(option, value)

    return property(fget, fset, doc=f"The {name} socket option (see :meth:`Socket.get`/:meth:`Socket.set`).")


def _write_only_property(name: str) -> property:
    def fget(self: Socket) -> Any:
        raise AttributeError(f"{name} attribute is write-only")

    def fset(self: Socket, value: Any) -> None:
        self.set(SocketOption[name], value)

    return property(fget, fset, doc=f"The {name} socket option (write-only).")


_option_attribute: Callable[[SocketOption], Any] = _option_property
if BACKEND == "cython":
    # Descriptors that read (and write int options) without a Python frame: s.rcvmore
    # costs a few hundred instructions instead of ~1500 through a property and get().
    from zmq.backend.cython._optattr import OptionAttribute

    _option_attribute = OptionAttribute

#: Every option attribute installed on Socket, by attribute name.
_OPTION_PROPERTIES: dict[str, Any] = {}


def _add_option_properties(cls: type) -> None:
    # Properties rather than __getattr__: a class with __getattr__ makes CPython (3.11) build
    # a bound method object on every method call (s.send(...), s.recv()...): 1895 -> 2279
    # instructions per inproc send measured with callgrind. Each option gets a property
    # for each of its usual spellings (linger, LINGER, Linger; last_endpoint, Last_Endpoint...).
    for name, option in SocketOption.__members__.items():
        # HWM (both SNDHWM and RCVHWM) is write-only as an attribute: read `hwm` instead.
        prop = _write_only_property(name) if name == "HWM" else _option_attribute(option)
        for attr in option_spellings(name):
            if attr not in cls.__dict__ and not hasattr(cls, attr):
                setattr(cls, attr, prop)
                _OPTION_PROPERTIES[attr] = prop


_add_option_properties(Socket)

SyncSocket = Socket


def __getattr__(name: str) -> Any:
    # The safe-pickle machinery (pickle, hmac, hashlib) is loaded by set_pickle_security,
    # not by `import zmq`; its exception is still importable from here.
    if name == "PickleRefused":
        from zmq.sugar._safepickle import PickleRefused

        return PickleRefused
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
