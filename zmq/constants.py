"""libzmq constants as Python enums, plus flat aliases such as ``zmq.PUSH``.

Values are those of libzmq 4.3's ``zmq.h``, including its DRAFT section and the
later draft options from libzmq master (BUSY_POLL ... NORM_PUSH, NORM modes).
Draft values are always defined here; whether the linked libzmq accepts them is
decided at call time (it fails with ENOTSUP/EINVAL when it does not).

Every enum member is also a module attribute under its ``zmq.h`` name without the
``ZMQ_`` prefix, and those attributes *are* the members (``PUSH is SocketType.PUSH``),
so they print nicely and still compare equal to plain ints.

This module is imported by ``import zmq``, so it is kept cheap: only ``enum`` and
``errno``, the classes are built by :func:`_enum` (see there), and the flat names are
added with one ``globals().update``.
It is also the input a ``buildutils`` script can read to generate Cython-side tables.
"""

import enum as _enum_module
import errno as _errno
from enum import Enum, IntEnum, IntFlag

# libzmq's base for error numbers the platform's errno.h lacks (zmq.h).
_HAUSNUMERO = 156384712

_simple_enum = getattr(_enum_module, "_simple_enum", None)  # Python 3.11+


def _enum(etype):
    """Class decorator: the plain class becomes an ``etype`` enum, the same as a class
    statement deriving from ``etype`` makes (members in order, a repeated value an alias).

    Why not the class statement: ``import zmq`` builds about 250 members, and EnumType's
    member-by-member protocol made that a fifth of the import time. ``enum._simple_enum``
    (Python 3.11+, used by the standard library for its own large enums) builds the same
    class about 2.5x faster; it only leaves each member in the class dict as a redirecting
    ``enum.property`` where a class statement puts the member itself, so the members are
    put back. ``tests/test_constants.py`` compares every class with a class statement's.
    """

    def build(cls):
        if _simple_enum is None:  # Python < 3.11: the functional API (a class statement's protocol)
            members = [(name, value) for name, value in vars(cls).items() if not name.startswith("_")]
            made = etype(cls.__name__, members, module=cls.__module__, qualname=cls.__qualname__)
            made.__doc__ = cls.__doc__
            return made
        made = _simple_enum(etype)(cls)
        for name, member in made._member_map_.items():
            type.__setattr__(made, name, member)  # (EnumType.__setattr__ refuses members)
        return made

    return build


@_enum(IntEnum)
class Errno:
    """Error numbers that libzmq can report (``zmq_errno()``)."""

    # Always present in errno.h; zmq.h has no fallback for these.
    EAGAIN = _errno.EAGAIN
    EFAULT = _errno.EFAULT
    EINVAL = _errno.EINVAL
    # zmq.h uses the system value when errno.h defines it, else HAUSNUMERO + n.
    ENOTSUP = getattr(_errno, "ENOTSUP", _HAUSNUMERO + 1)
    EPROTONOSUPPORT = getattr(_errno, "EPROTONOSUPPORT", _HAUSNUMERO + 2)
    ENOBUFS = getattr(_errno, "ENOBUFS", _HAUSNUMERO + 3)
    ENETDOWN = getattr(_errno, "ENETDOWN", _HAUSNUMERO + 4)
    EADDRINUSE = getattr(_errno, "EADDRINUSE", _HAUSNUMERO + 5)
    EADDRNOTAVAIL = getattr(_errno, "EADDRNOTAVAIL", _HAUSNUMERO + 6)
    ECONNREFUSED = getattr(_errno, "ECONNREFUSED", _HAUSNUMERO + 7)
    EINPROGRESS = getattr(_errno, "EINPROGRESS", _HAUSNUMERO + 8)
    ENOTSOCK = getattr(_errno, "ENOTSOCK", _HAUSNUMERO + 9)
    EMSGSIZE = getattr(_errno, "EMSGSIZE", _HAUSNUMERO + 10)
    EAFNOSUPPORT = getattr(_errno, "EAFNOSUPPORT", _HAUSNUMERO + 11)
    ENETUNREACH = getattr(_errno, "ENETUNREACH", _HAUSNUMERO + 12)
    ECONNABORTED = getattr(_errno, "ECONNABORTED", _HAUSNUMERO + 13)
    ECONNRESET = getattr(_errno, "ECONNRESET", _HAUSNUMERO + 14)
    ENOTCONN = getattr(_errno, "ENOTCONN", _HAUSNUMERO + 15)
    ETIMEDOUT = getattr(_errno, "ETIMEDOUT", _HAUSNUMERO + 16)
    EHOSTUNREACH = getattr(_errno, "EHOSTUNREACH", _HAUSNUMERO + 17)
    ENETRESET = getattr(_errno, "ENETRESET", _HAUSNUMERO + 18)
    # Native 0MQ errors, never system values.
    EFSM = _HAUSNUMERO + 51
    ENOCOMPATPROTO = _HAUSNUMERO + 52
    ETERM = _HAUSNUMERO + 53
    EMTHREAD = _HAUSNUMERO + 54


@_enum(IntEnum)
class ContextOption:
    """Options for ``zmq_ctx_set`` / ``zmq_ctx_get``."""

    IO_THREADS = 1
    MAX_SOCKETS = 2
    SOCKET_LIMIT = 3  # read-only
    THREAD_PRIORITY = 3  # write-only; shares its number with SOCKET_LIMIT in zmq.h
    THREAD_SCHED_POLICY = 4
    MAX_MSGSZ = 5
    MSG_T_SIZE = 6
    THREAD_AFFINITY_CPU_ADD = 7
    THREAD_AFFINITY_CPU_REMOVE = 8
    THREAD_NAME_PREFIX = 9
    # (zmq_ctx_set also takes ZMQ_IPV6 and ZMQ_BLOCKY: pass zmq.IPV6 / zmq.BLOCKY, which
    # are SocketOption members with the same numbers, as pyzmq has them.)


@_enum(IntEnum)
class SocketType:
    """Socket types for ``zmq_socket``."""

    PAIR = 0
    PUB = 1
    SUB = 2
    REQ = 3
    REP = 4
    DEALER = 5
    ROUTER = 6
    PULL = 7
    PUSH = 8
    XPUB = 9
    XSUB = 10
    STREAM = 11
    # Deprecated aliases.
    XREQ = DEALER
    XREP = ROUTER
    # DRAFT socket types.
    SERVER = 12
    CLIENT = 13
    RADIO = 14
    DISH = 15
    GATHER = 16
    SCATTER = 17
    DGRAM = 18
    PEER = 19
    CHANNEL = 20


@_enum(IntEnum)
class SocketOption:
    """Socket options for ``zmq_setsockopt`` / ``zmq_getsockopt``."""

    # Not a libzmq 4 option: the sugar layer expands HWM into SNDHWM + RCVHWM.
    # 1 is the number ZMQ_HWM had in libzmq 2.x; libzmq 3+ left it unused, so a
    # stray HWM passed straight to libzmq fails with EINVAL instead of setting
    # some unrelated option.
    HWM = 1
    AFFINITY = 4
    ROUTING_ID = 5
    SUBSCRIBE = 6
    UNSUBSCRIBE = 7
    RATE = 8
    RECOVERY_IVL = 9
    SNDBUF = 11
    RCVBUF = 12
    RCVMORE = 13
    FD = 14
    EVENTS = 15
    TYPE = 16
    LINGER = 17
    RECONNECT_IVL = 18
    BACKLOG = 19
    RECONNECT_IVL_MAX = 21
    MAXMSGSIZE = 22
    SNDHWM = 23
    RCVHWM = 24
    MULTICAST_HOPS = 25
    RCVTIMEO = 27
    SNDTIMEO = 28
    LAST_ENDPOINT = 32
    ROUTER_MANDATORY = 33
    TCP_KEEPALIVE = 34
    TCP_KEEPALIVE_CNT = 35
    TCP_KEEPALIVE_IDLE = 36
    TCP_KEEPALIVE_INTVL = 37
    IMMEDIATE = 39
    XPUB_VERBOSE = 40
    ROUTER_RAW = 41
    IPV6 = 42
    MECHANISM = 43
    PLAIN_SERVER = 44
    PLAIN_USERNAME = 45
    PLAIN_PASSWORD = 46
    CURVE_SERVER = 47
    CURVE_PUBLICKEY = 48
    CURVE_SECRETKEY = 49
    CURVE_SERVERKEY = 50
    PROBE_ROUTER = 51
    REQ_CORRELATE = 52
    REQ_RELAXED = 53
    CONFLATE = 54
    ZAP_DOMAIN = 55
    ROUTER_HANDOVER = 56
    TOS = 57
    CONNECT_ROUTING_ID = 61
    GSSAPI_SERVER = 62
    GSSAPI_PRINCIPAL = 63
    GSSAPI_SERVICE_PRINCIPAL = 64
    GSSAPI_PLAINTEXT = 65
    HANDSHAKE_IVL = 66
    SOCKS_PROXY = 68
    XPUB_NODROP = 69
    BLOCKY = 70
    XPUB_MANUAL = 71
    XPUB_WELCOME_MSG = 72
    STREAM_NOTIFY = 73
    INVERT_MATCHING = 74
    HEARTBEAT_IVL = 75
    HEARTBEAT_TTL = 76
    HEARTBEAT_TIMEOUT = 77
    XPUB_VERBOSER = 78
    CONNECT_TIMEOUT = 79
    TCP_MAXRT = 80
    THREAD_SAFE = 81
    MULTICAST_MAXTPDU = 84
    VMCI_BUFFER_SIZE = 85
    VMCI_BUFFER_MIN_SIZE = 86
    VMCI_BUFFER_MAX_SIZE = 87
    VMCI_CONNECT_TIMEOUT = 88
    USE_FD = 89
    GSSAPI_PRINCIPAL_NAMETYPE = 90
    GSSAPI_SERVICE_PRINCIPAL_NAMETYPE = 91
    BINDTODEVICE = 92
    # Deprecated names (after the current ones, in pyzmq's order: reprs use the first name).
    IDENTITY = ROUTING_ID
    CONNECT_RID = CONNECT_ROUTING_ID
    TCP_ACCEPT_FILTER = 38
    IPC_FILTER_PID = 58
    IPC_FILTER_UID = 59
    IPC_FILTER_GID = 60
    IPV4ONLY = 31  # use IPV6
    DELAY_ATTACH_ON_CONNECT = IMMEDIATE
    FAIL_UNROUTABLE = ROUTER_MANDATORY
    ROUTER_BEHAVIOR = ROUTER_MANDATORY
    # DRAFT options in libzmq 4.3.
    ZAP_ENFORCE_DOMAIN = 93
    LOOPBACK_FASTPATH = 94
    METADATA = 95
    MULTICAST_LOOP = 96
    ROUTER_NOTIFY = 97
    XPUB_MANUAL_LAST_VALUE = 98
    SOCKS_USERNAME = 99
    SOCKS_PASSWORD = 100
    IN_BATCH_SIZE = 101
    OUT_BATCH_SIZE = 102
    WSS_KEY_PEM = 103
    WSS_CERT_PEM = 104
    WSS_TRUST_PEM = 105
    WSS_HOSTNAME = 106
    WSS_TRUST_SYSTEM = 107
    ONLY_FIRST_SUBSCRIBE = 108
    RECONNECT_STOP = 109
    HELLO_MSG = 110
    DISCONNECT_MSG = 111
    PRIORITY = 112
    # DRAFT options added after 4.3 (libzmq master).
    BUSY_POLL = 113
    HICCUP_MSG = 114
    XSUB_VERBOSE_UNSUBSCRIBE = 115
    TOPICS_COUNT = 116
    NORM_MODE = 117
    NORM_UNICAST_NACK = 118
    NORM_BUFFER_SIZE = 119
    NORM_SEGMENT_SIZE = 120
    NORM_BLOCK_SIZE = 121
    NORM_NUM_PARITY = 122
    NORM_NUM_AUTOPARITY = 123
    NORM_PUSH = 124


@_enum(IntEnum)
class MessageOption:
    """Message properties for ``zmq_msg_get`` / ``zmq_msg_set``."""

    MORE = 1
    SHARED = 3
    SRCFD = 2  # deprecated


@_enum(IntFlag)
class Flag:
    """Send/recv flags; they combine with ``|``."""

    DONTWAIT = 1
    SNDMORE = 2
    NOBLOCK = DONTWAIT  # deprecated alias


@_enum(IntEnum)
class SecurityMechanism:
    """Security mechanisms (values of the MECHANISM socket option)."""

    NULL = 0
    PLAIN = 1
    CURVE = 2
    GSSAPI = 3


@_enum(IntFlag)
class Event:
    """Socket monitor events; the mask given to ``zmq_socket_monitor`` combines them.

    The ``PROTOCOL_ERROR_*`` members are not event bits: they are the codes carried
    as the value of a ``HANDSHAKE_FAILED_PROTOCOL`` event.  They live here so that
    every monitor number has a name, and are exported flat without the ``EVENT_`` prefix.
    """

    PROTOCOL_ERROR_WS_UNSPECIFIED = 0x30000000
    PROTOCOL_ERROR_ZMTP_UNSPECIFIED = 0x10000000
    PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND = 0x10000001
    PROTOCOL_ERROR_ZMTP_INVALID_SEQUENCE = 0x10000002
    PROTOCOL_ERROR_ZMTP_KEY_EXCHANGE = 0x10000003
    PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED = 0x10000011
    PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_MESSAGE = 0x10000012
    PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_HELLO = 0x10000013
    PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_INITIATE = 0x10000014
    PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_ERROR = 0x10000015
    PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_READY = 0x10000016
    PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_WELCOME = 0x10000017
    PROTOCOL_ERROR_ZMTP_INVALID_METADATA = 0x10000018
    PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC = 0x11000001
    PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH = 0x11000002
    PROTOCOL_ERROR_ZAP_UNSPECIFIED = 0x20000000
    PROTOCOL_ERROR_ZAP_MALFORMED_REPLY = 0x20000001
    PROTOCOL_ERROR_ZAP_BAD_REQUEST_ID = 0x20000002
    PROTOCOL_ERROR_ZAP_BAD_VERSION = 0x20000003
    PROTOCOL_ERROR_ZAP_INVALID_STATUS_CODE = 0x20000004
    PROTOCOL_ERROR_ZAP_INVALID_METADATA = 0x20000005
    CONNECTED = 0x0001
    CONNECT_DELAYED = 0x0002
    CONNECT_RETRIED = 0x0004
    LISTENING = 0x0008
    BIND_FAILED = 0x0010
    ACCEPTED = 0x0020
    ACCEPT_FAILED = 0x0040
    CLOSED = 0x0080
    CLOSE_FAILED = 0x0100
    DISCONNECTED = 0x0200
    MONITOR_STOPPED = 0x0400
    HANDSHAKE_FAILED_NO_DETAIL = 0x0800
    HANDSHAKE_SUCCEEDED = 0x1000
    HANDSHAKE_FAILED_PROTOCOL = 0x2000
    HANDSHAKE_FAILED_AUTH = 0x4000
    # ALL_V1 first: it is the name of 0xFFFF in reprs (ALL is its alias), as in pyzmq.
    ALL_V1 = 0xFFFF
    ALL = ALL_V1
    PIPES_STATS = 0x10000  # DRAFT
    # DRAFT: the mask for zmq_socket_monitor_versioned with event version 2.
    ALL_V2 = ALL | PIPES_STATS


@_enum(IntFlag)
class PollEvent:
    """Events for ``zmq_poll`` items and the EVENTS socket option."""

    POLLIN = 1
    POLLOUT = 2
    POLLERR = 4
    POLLPRI = 8


@_enum(IntEnum)
class DeviceType:
    """Device types for the deprecated ``zmq_device``."""

    STREAMER = 1
    FORWARDER = 2
    QUEUE = 3


@_enum(IntEnum)
class RouterNotify:
    """Values of the ROUTER_NOTIFY socket option (DRAFT); they combine with ``|``."""

    CONNECT = 1
    DISCONNECT = 2


@_enum(IntEnum)
class NormMode:
    """Values of the NORM_MODE socket option (DRAFT, libzmq master)."""

    FIXED = 0
    CC = 1
    CCL = 2
    CCE = 3
    CCE_ECNONLY = 4


@_enum(IntEnum)
class ReconnectStop:
    """Values of the RECONNECT_STOP socket option (DRAFT)."""

    CONN_REFUSED = 1
    HANDSHAKE_FAILED = 2
    AFTER_DISCONNECT = 4  # 0x4 since libzmq 4.3.5 (0x3 in 4.3.4's draft header)


#: Every enum class, with the prefix its members get as flat names (``EVENT_CLOSED``).
_CLASSES = (
    ("", Errno),
    ("", ContextOption),
    ("", SocketType),
    ("", SocketOption),
    ("", MessageOption),
    ("", Flag),
    ("", SecurityMechanism),
    ("EVENT_", Event),
    ("", PollEvent),
    ("", DeviceType),
    ("NOTIFY_", RouterNotify),
    ("NORM_", NormMode),
    ("RECONNECT_STOP_", ReconnectStop),
)


def _flat():
    """Map every flat name (``PUSH``, ``EVENT_CLOSED``, ...) to its enum member."""
    flat = {}
    for prefix, enum_cls in _CLASSES:
        if prefix:
            flat.update((prefix + name, m) for name, m in enum_cls.__members__.items())
        else:
            flat.update(enum_cls.__members__)
    # Protocol error codes keep their own zmq.h names: PROTOCOL_ERROR_*, not EVENT_*.
    for name in [n for n in flat if n.startswith("EVENT_PROTOCOL_ERROR_")]:
        flat[name[len("EVENT_") :]] = flat.pop(name)
    return flat


_flat_names = _flat()
globals().update(_flat_names)

__all__ = ["Enum", "IntEnum", "IntFlag", *(enum_cls.__name__ for _, enum_cls in _CLASSES), *_flat_names]

del _CLASSES, _flat, _flat_names, _enum, _enum_module, _simple_enum
