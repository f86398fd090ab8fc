"""Tests for zmq.constants: names, values, flat aliases and enum kinds."""

import enum
import errno
import json
import os
import re
import sys

import pytest

import zmq
from zmq import constants

HAUSNUMERO = 156384712
ZMQ_H = os.environ.get("CYZMQ_ZMQ_H", "/usr/include/zmq.h")
SURFACE = os.environ.get(
    "CYZMQ_SURFACE_REFERENCE", "/work/shared/reference/pyzmq-27-surface.json"
)

ENUMS = [
    "Errno",
    "ContextOption",
    "SocketType",
    "SocketOption",
    "MessageOption",
    "Flag",
    "SecurityMechanism",
    "Event",
    "PollEvent",
    "DeviceType",
    "RouterNotify",
    "NormMode",
    "ReconnectStop",
]
FLAG_ENUMS = {"Flag", "PollEvent", "Event"}
# Prefix a member name gets at module level (empty for most enums).
PREFIX = {"Event": "EVENT_", "RouterNotify": "NOTIFY_", "NormMode": "NORM_",
          "ReconnectStop": "RECONNECT_STOP_"}

# zmq.h defines that are deliberately not exported: versions, defaults, limits,
# feature-test macros and the GSSAPI name-type values.
NOT_EXPORTED = re.compile(
    r"VERSION(_.*)?|.*_DFLT|HAUSNUMERO|DEFINED_STDINT|HAS_CAPABILITIES|HAVE_.*"
    r"|GROUP_MAX_LENGTH|CURRENT_EVENT_VERSION(_DRAFT)?|GSSAPI_NT_.*|EXPORT"
    r"|ZERO_COPY_RECV"  # a draft context option pyzmq does not define either
)
# Values that follow pyzmq (and libzmq 4.3.5+) rather than an older zmq.h: the draft
# RECONNECT_STOP_AFTER_DISCONNECT was 0x3 in libzmq 4.3.4's header and became the bit 0x4.
PYZMQ_VALUES = {"RECONNECT_STOP_AFTER_DISCONNECT": 4}


def flat_name(enum_name, member_name):
    if enum_name == "Event" and member_name.startswith("PROTOCOL_ERROR_"):
        return member_name
    return PREFIX.get(enum_name, "") + member_name


def load_surface():
    if not os.path.exists(SURFACE):
        pytest.skip(f"reference surface {SURFACE} not available")
    with open(SURFACE) as f:
        return json.load(f)


def parse_zmq_h(path):
    """Return {NAME: int} for the integer ``#define ZMQ_NAME ...`` lines of zmq.h.

    Handles literals, references to other ZMQ_ names, ``A | B`` and the
    ``(ZMQ_HAUSNUMERO + n)`` errno fallbacks; everything else is ignored.
    """
    raw = {}
    with open(path) as f:
        for line in f:
            m = re.match(r"#define\s+(ZMQ_\w+|E[A-Z]+)\s+(.+?)\s*(//.*|/\*.*)?$", line)
            if m:
                raw[m.group(1)] = m.group(2)
    values = {}

    def evaluate(expr, depth=0):
        expr = expr.strip()
        if expr.startswith("(") and expr.endswith(")"):
            expr = expr[1:-1].strip()
        for op in ("|", "+"):
            if op in expr:
                parts = [evaluate(p, depth + 1) for p in expr.split(op)]
                if None in parts:
                    return None
                total = 0
                for p in parts:
                    total = total | p if op == "|" else total + p
                return total
        if re.fullmatch(r"-?(0[xX][0-9a-fA-F]+|\d+)", expr):
            return int(expr, 0)
        if expr in raw and depth < 5:
            return evaluate(raw[expr], depth + 1)
        return None

    for name, expr in raw.items():
        value = evaluate(expr)
        if value is not None:
            values[name[4:] if name.startswith("ZMQ_") else name] = value
    return values


@pytest.fixture(scope="module")
def zmq_h():
    if not os.path.exists(ZMQ_H):
        pytest.skip(f"{ZMQ_H} not available")
    return parse_zmq_h(ZMQ_H)


# --- the reference surface ---------------------------------------------------


def test_module_names_match_reference():
    names = load_surface()["zmq.constants"]["names"]
    missing = [n for n in names if not hasattr(constants, n)]
    assert not missing
    assert not set(names) - set(constants.__all__)


@pytest.mark.parametrize("enum_name", [e for e in ENUMS if e not in
                                       ("RouterNotify", "NormMode", "ReconnectStop")])
def test_enum_members_match_reference(enum_name):
    key = "zmq:" + enum_name
    surface = load_surface()
    if key not in surface:
        pytest.skip(f"{key} not in reference")
    wanted = set(surface[key]["names"]) - set(dir(int))
    cls = getattr(constants, enum_name)
    assert wanted, key
    assert not wanted - set(cls.__members__)


# --- values --------------------------------------------------------------------


def test_values_match_zmq_h(zmq_h):
    checked = 0
    for name, value in zmq_h.items():
        if not hasattr(constants, name):
            continue
        if HAUSNUMERO < value < HAUSNUMERO + 51:
            # zmq.h's fallback for an errno that errno.h lacks; the system value wins.
            continue
        assert getattr(constants, name) == PYZMQ_VALUES.get(name, value), name
        checked += 1
    assert checked > 200


def test_every_zmq_h_constant_is_exported(zmq_h):
    missing = [
        n for n in zmq_h
        if not hasattr(constants, n) and not NOT_EXPORTED.fullmatch(n)
    ]
    assert not missing


def test_sample_values():
    c = constants
    assert (c.PAIR, c.PUB, c.SUB, c.REQ, c.REP, c.DEALER, c.ROUTER) == tuple(range(7))
    assert (c.PULL, c.PUSH, c.XPUB, c.XSUB, c.STREAM) == (7, 8, 9, 10, 11)
    assert (c.SERVER, c.CLIENT, c.RADIO, c.DISH, c.CHANNEL) == (12, 13, 14, 15, 20)
    assert (c.AFFINITY, c.ROUTING_ID, c.SUBSCRIBE, c.LINGER) == (4, 5, 6, 17)
    assert (c.SNDHWM, c.RCVHWM, c.RCVTIMEO, c.SNDTIMEO) == (23, 24, 27, 28)
    assert (c.BINDTODEVICE, c.ZAP_ENFORCE_DOMAIN, c.PRIORITY) == (92, 93, 112)
    assert (c.DONTWAIT, c.SNDMORE, c.MORE, c.SRCFD, c.SHARED) == (1, 2, 1, 2, 3)
    assert (c.POLLIN, c.POLLOUT, c.POLLERR, c.POLLPRI) == (1, 2, 4, 8)
    assert (c.NULL, c.PLAIN, c.CURVE, c.GSSAPI) == (0, 1, 2, 3)
    assert (c.STREAMER, c.FORWARDER, c.QUEUE) == (1, 2, 3)
    assert (c.EVENT_CONNECTED, c.EVENT_ALL, c.EVENT_PIPES_STATS) == (1, 0xFFFF, 0x10000)
    assert c.EVENT_HANDSHAKE_FAILED_AUTH == 0x4000
    assert c.PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_WELCOME == 0x10000017
    assert c.PROTOCOL_ERROR_WS_UNSPECIFIED == 0x30000000
    assert (c.IO_THREADS, c.MAX_SOCKETS, c.MSG_T_SIZE, c.THREAD_NAME_PREFIX) == (1, 2, 6, 9)
    assert (c.NOTIFY_CONNECT, c.NOTIFY_DISCONNECT) == (1, 2)
    assert (c.RECONNECT_STOP_CONN_REFUSED, c.RECONNECT_STOP_HANDSHAKE_FAILED,
            c.RECONNECT_STOP_AFTER_DISCONNECT) == (1, 2, 4)


def test_later_draft_values():
    # Not in libzmq 4.3's zmq.h; values from libzmq master.
    names = ["BUSY_POLL", "HICCUP_MSG", "XSUB_VERBOSE_UNSUBSCRIBE", "TOPICS_COUNT",
             "NORM_MODE", "NORM_UNICAST_NACK", "NORM_BUFFER_SIZE", "NORM_SEGMENT_SIZE",
             "NORM_BLOCK_SIZE", "NORM_NUM_PARITY", "NORM_NUM_AUTOPARITY", "NORM_PUSH"]
    for value, name in enumerate(names, 113):
        assert constants.SocketOption[name] == value
        assert getattr(constants, name) is constants.SocketOption[name]
    modes = ["FIXED", "CC", "CCL", "CCE", "CCE_ECNONLY"]
    assert [constants.NormMode[m] for m in modes] == list(range(5))
    assert [getattr(constants, "NORM_" + m) for m in modes] == list(range(5))


def test_errno_values():
    Errno = constants.Errno
    for name in ("EAGAIN", "EINVAL", "EFAULT", "ENOTSUP", "EPROTONOSUPPORT", "ENOBUFS",
                 "ENETDOWN", "EADDRINUSE", "EADDRNOTAVAIL", "ECONNREFUSED", "EINPROGRESS",
                 "ENOTSOCK", "EMSGSIZE", "EAFNOSUPPORT", "ENETUNREACH", "ECONNABORTED",
                 "ECONNRESET", "ENOTCONN", "ETIMEDOUT", "EHOSTUNREACH", "ENETRESET"):
        if hasattr(errno, name):
            assert Errno[name] == getattr(errno, name), name
        else:
            assert Errno[name] > HAUSNUMERO, name
    assert (Errno.EFSM, Errno.ENOCOMPATPROTO, Errno.ETERM, Errno.EMTHREAD) == tuple(
        HAUSNUMERO + n for n in (51, 52, 53, 54)
    )
    assert constants.ETERM is Errno.ETERM


def test_hwm_is_not_a_real_option(zmq_h):
    hwm = constants.SocketOption.HWM
    assert hwm.name == "HWM"  # its own member, not an alias of another option
    assert constants.HWM is hwm
    option_names = set(constants.SocketOption.__members__) - {"HWM"}
    assert all(zmq_h.get(n) != hwm for n in option_names)


def test_ipc_path_max_len():
    # The real limit, from the compiled backend (sun_path less its NUL), as pyzmq has it;
    # zmq.constants does not carry it (nor does pyzmq's).
    if sys.platform.startswith("linux"):
        assert zmq.IPC_PATH_MAX_LEN == 107
    assert isinstance(zmq.IPC_PATH_MAX_LEN, int)
    assert zmq.backend.IPC_PATH_MAX_LEN == zmq.IPC_PATH_MAX_LEN
    assert not hasattr(constants, "IPC_PATH_MAX_LEN")


# --- flat names and aliases --------------------------------------------------------


@pytest.mark.parametrize("enum_name", ENUMS)
def test_flat_names_are_members(enum_name):
    cls = getattr(constants, enum_name)
    for name, member in cls.__members__.items():
        flat = getattr(constants, flat_name(enum_name, name))
        if enum_name == "ContextOption" and name in ("IPV6", "BLOCKY"):
            # Shared with SocketOption, which owns the flat name.
            assert flat is constants.SocketOption[name]
            assert flat == member
        else:
            assert flat is member, name


def test_all_is_complete_and_unique():
    public = constants.__all__
    assert len(public) == len(set(public))
    for name in public:
        assert hasattr(constants, name), name
    for enum_name in ENUMS:
        assert enum_name in public
        for name in getattr(constants, enum_name).__members__:
            assert flat_name(enum_name, name) in public
    for extra in ("Enum", "IntEnum", "IntFlag"):
        assert extra in public


def test_flat_constants_are_enum_members():
    skip = {"IPC_PATH_MAX_LEN"}
    for name in constants.__all__:
        value = getattr(constants, name)
        if name.isupper() and name not in skip:
            assert isinstance(value, enum.Enum), name
            assert isinstance(value, int), name


def test_aliases():
    c = constants
    assert c.SocketType.XREQ is c.SocketType.DEALER is c.XREQ
    assert c.SocketType.XREP is c.SocketType.ROUTER is c.XREP
    assert c.SocketOption.IDENTITY is c.SocketOption.ROUTING_ID is c.IDENTITY
    assert c.CONNECT_RID is c.CONNECT_ROUTING_ID
    assert c.DELAY_ATTACH_ON_CONNECT is c.IMMEDIATE
    assert c.FAIL_UNROUTABLE is c.ROUTER_MANDATORY
    assert c.ROUTER_BEHAVIOR is c.ROUTER_MANDATORY
    assert c.NOBLOCK is c.DONTWAIT is c.Flag.NOBLOCK
    assert c.THREAD_PRIORITY == c.SOCKET_LIMIT == 3
    assert c.EVENT_ALL_V1 == c.EVENT_ALL
    assert c.EVENT_ALL_V2 == c.EVENT_ALL | c.EVENT_PIPES_STATS
    # IPV6 and BLOCKY are context options too (same numbers), but only SocketOption
    # members, as in pyzmq.
    assert c.IPV6 is c.SocketOption.IPV6 and "IPV6" not in c.ContextOption.__members__
    assert c.BLOCKY is c.SocketOption.BLOCKY and "BLOCKY" not in c.ContextOption.__members__
    # MORE is the message property, RCVMORE the socket option.
    assert c.MORE is c.MessageOption.MORE
    assert c.RCVMORE is c.SocketOption.RCVMORE


# --- enum kinds ------------------------------------------------------------------


@pytest.mark.parametrize("enum_name", ENUMS)
def test_enum_kinds(enum_name):
    cls = getattr(constants, enum_name)
    base = enum.IntFlag if enum_name in FLAG_ENUMS else enum.IntEnum
    assert issubclass(cls, base)
    assert cls.__doc__


def test_flags_combine():
    c = constants
    both = c.POLLIN | c.POLLOUT
    assert isinstance(both, c.PollEvent) and both == 3
    assert isinstance(c.DONTWAIT | c.SNDMORE, c.Flag)
    mask = c.EVENT_CONNECTED | c.EVENT_DISCONNECTED
    assert isinstance(mask, c.Event) and mask == 0x201
    assert c.Event(0x0080) is c.Event.CLOSED
    assert c.SocketType(8) is c.PUSH
    assert c.SocketOption(5) is c.ROUTING_ID
    assert c.Errno(c.Errno.ETERM.value) is c.ETERM


def test_members_behave_as_ints():
    c = constants
    assert c.PUSH == 8 and c.PUSH + 0 == 8 and hash(c.PUSH) == hash(8)
    assert {8: "push"}[c.PUSH] == "push"
    assert int(c.EVENT_ALL) == 0xFFFF
    assert "%d" % c.LINGER == "17"


def test_enum_aliases_keep_pyzmq_canonical_names():
    """The first name of a value is the one reprs show: pyzmq's choice for every alias."""
    c = constants
    assert repr(c.Event.ALL_V1) == "<Event.ALL_V1: 65535>" and c.Event.ALL_V1.name == "ALL_V1"
    assert c.EVENT_ALL is c.Event.ALL is c.Event.ALL_V1 and c.Event(0xFFFF).name == "ALL_V1"
    assert c.SocketOption(5).name == "ROUTING_ID" and c.IDENTITY is c.ROUTING_ID
    assert c.SocketOption(61).name == "CONNECT_ROUTING_ID"
    assert c.SocketOption(39).name == "IMMEDIATE" and c.SocketOption(33).name == "ROUTER_MANDATORY"
    assert c.Flag.NOBLOCK is c.Flag.DONTWAIT and c.Flag(1).name == "DONTWAIT"
    # definition order (iteration, __members__) follows pyzmq's too
    assert list(c.MessageOption.__members__) == ["MORE", "SHARED", "SRCFD"]
    names = list(c.SocketOption.__members__)
    assert names.index("IDENTITY") == names.index("BINDTODEVICE") + 1
    assert names.index("IPV4ONLY") > names.index("BINDTODEVICE")
    events = list(c.Event.__members__)
    assert events[0] == "PROTOCOL_ERROR_WS_UNSPECIFIED" and events.index("ALL_V1") < events.index("ALL")


# -- the classes are what class statements make ---------------------------------------------


@pytest.mark.parametrize("name", ENUMS)
def test_enum_is_what_a_class_statement_makes(name):
    # zmq.constants builds its enums the fast way (zmq.constants._enum); a class made by
    # EnumType's own protocol (the functional API) from the same members must be the same.
    ours = getattr(constants, name)
    base = enum.IntFlag if name in FLAG_ENUMS else enum.IntEnum
    members = [(member_name, int(m)) for member_name, m in ours.__members__.items()]
    ref = base(name, members, module=ours.__module__, qualname=ours.__qualname__)
    ref.__doc__ = ours.__doc__
    if hasattr(enum, "_test_simple_enum"):
        enum._test_simple_enum(ref, ours)  # the standard library's own comparison
    assert type(ours) is type(ref) and ours.__mro__[1:] == ref.__mro__[1:]
    assert set(vars(ours)) == set(vars(ref))
    # Members (aliases too) sit in the class dict themselves, as a class statement leaves them.
    assert [(k, v) for k, v in vars(ours).items() if k in ours._member_map_] == [
        (k, getattr(ours, k)) for k in vars(ref) if k in ref._member_map_]
    assert [(k, int(v), v.name) for k, v in ours.__members__.items()] == [
        (k, int(v), v.name) for k, v in ref.__members__.items()]
    assert [m.name for m in ours] == [m.name for m in ref]
    for m, r in zip(ours.__members__.values(), ref.__members__.values()):
        # _sort_order_ exists from Python 3.11 (PyPy 3.9's enum has no such attribute).
        assert (repr(m), str(m), format(m), getattr(m, "_sort_order_", None)) == (
            repr(r), str(r), format(r), getattr(r, "_sort_order_", None))
    if name in FLAG_ENUMS:
        for attr in ("_flag_mask_", "_singles_mask_", "_all_bits_", "_boundary_"):
            # (3.11+ attributes of Flag classes; neither class has them on 3.9)
            assert getattr(ours, attr, None) == getattr(ref, attr, None), attr
        combined = int(list(ours)[0]) | int(list(ours)[-1]) | (1 << 40)
        assert repr(ours(combined)) == repr(ref(combined))
