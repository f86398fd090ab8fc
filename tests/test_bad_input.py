"""Bad input never crashes: wrong types and values fail with a clear exception.

The contract checked here, for every socket option (all of ``zmq.SocketOption``) and every
context option (``zmq.ContextOption``), through ``set``, ``setsockopt`` and attribute
assignment, with generated values of every wrong type (str, bytes, non-UTF-8 bytes, float,
None, list, dict, bool, huge and negative ints...):

* the call succeeds (libzmq took the value) and reading the option back gives a value of
  the option's type, or it raises exactly one of TypeError, ValueError or ZMQError (with
  an errno libzmq uses for a refused option);
* nothing else comes out, the process does not crash, and the socket still carries a
  message both ways afterwards.

Then endpoints (malformed, unknown transport, address in use, too long ipc path,
non-str), send/recv with wrong types, and every public method of Socket, Context, Frame,
Poller and MessageTracker on closed sockets and terminated contexts. Method lists come
from introspection, so a new public method fails the coverage check until it is given a
call recipe here.

Hypothesis runs a bounded number of examples per option (CYZMQ_STRESS=1 runs more); no
example waits longer than a poll timeout.
"""
from __future__ import annotations

import errno
import inspect
import json
import math
import os
import subprocess
import sys
import textwrap

import pytest
from _helpers import pypy_collect
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import zmq

STRESS = bool(os.environ.get("CYZMQ_STRESS"))
EXAMPLES = 200 if STRESS else 25
POLL_MS = 2000

# (OverflowError: an int that does not fit the C type, as pyzmq and Python's own C calls raise)
ALLOWED = (TypeError, ValueError, OverflowError, zmq.ZMQError)
# errnos libzmq uses to refuse a socket/context option or an operation on a socket
OPTION_ERRNOS = {errno.EINVAL, errno.ENOTSUP, errno.EFAULT}

HYP = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    database=None,
)

# -- generated values ------------------------------------------------------------------------

EDGE_INTS = [0, 1, -1, 2, 100, 2**31 - 1, -(2**31), 2**31, -(2**31) - 1, 2**32, 2**63 - 1, 2**63, -(2**63),
             -(2**63) - 1, 2**64 - 1, 2**64, 10**30, -(10**30)]
FIXED_VALUES = EDGE_INTS + [
    True, False, None, 0.0, 1.5, -1.0, float("nan"), float("inf"), 1j,
    "", "1", "abc", "\ud800", "é" * 50, "x" * 2000, "a\x00b",
    b"", b"1", b"\xff\xfe\xfd", b"\x00" * 32, b"A" * 40, b"Z" * 41, b"\x80" * 40, b"x" * 5000,
    bytearray(b"xy"), memoryview(b"mv"), [], [1], [b"a"], {}, {"a": 1}, (1,), set(), object(), type,
]

values = st.one_of(
    st.sampled_from(FIXED_VALUES),
    st.integers(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.none(),
    st.text(max_size=80),
    st.binary(max_size=300),
    st.binary(min_size=1, max_size=64).map(lambda b: b"\xff" + b),  # never valid UTF-8
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)

# -- which kind of value each option takes (read back with get) ------------------------------

_BYTES_OPTIONS = {
    "ROUTING_ID", "SUBSCRIBE", "UNSUBSCRIBE", "CONNECT_ROUTING_ID", "XPUB_WELCOME_MSG", "HELLO_MSG",
    "DISCONNECT_MSG", "HICCUP_MSG", "LAST_ENDPOINT", "TCP_ACCEPT_FILTER", "PLAIN_USERNAME", "PLAIN_PASSWORD",
    "ZAP_DOMAIN", "GSSAPI_PRINCIPAL", "GSSAPI_SERVICE_PRINCIPAL", "SOCKS_PROXY", "BINDTODEVICE", "METADATA",
    "SOCKS_USERNAME", "SOCKS_PASSWORD", "WSS_KEY_PEM", "WSS_CERT_PEM", "WSS_TRUST_PEM", "WSS_HOSTNAME",
    "CURVE_PUBLICKEY", "CURVE_SECRETKEY", "CURVE_SERVERKEY",
}


def _expected_type(name: str) -> type:
    return bytes if name in _BYTES_OPTIONS else int


# The socket type an option means something for (others: DEALER, where libzmq refuses
# type-specific options with EINVAL, which is also a case worth running).
_VICTIM_TYPE = {
    "SUBSCRIBE": zmq.SUB, "UNSUBSCRIBE": zmq.SUB, "INVERT_MATCHING": zmq.SUB,
    "ROUTER_MANDATORY": zmq.ROUTER, "ROUTER_RAW": zmq.ROUTER, "ROUTER_HANDOVER": zmq.ROUTER,
    "PROBE_ROUTER": zmq.ROUTER, "CONNECT_ROUTING_ID": zmq.ROUTER, "ROUTER_NOTIFY": zmq.ROUTER,
    "REQ_CORRELATE": zmq.REQ, "REQ_RELAXED": zmq.REQ,
    "XPUB_VERBOSE": zmq.XPUB, "XPUB_VERBOSER": zmq.XPUB, "XPUB_NODROP": zmq.XPUB, "XPUB_MANUAL": zmq.XPUB,
    "XPUB_WELCOME_MSG": zmq.XPUB, "XPUB_MANUAL_LAST_VALUE": zmq.XPUB, "ONLY_FIRST_SUBSCRIBE": zmq.XPUB,
}
_PEER_TYPE = {zmq.DEALER: zmq.DEALER, zmq.ROUTER: zmq.DEALER, zmq.REQ: zmq.REP, zmq.SUB: zmq.PUB, zmq.XPUB: zmq.SUB}

SOCKET_OPTIONS = sorted(zmq.SocketOption, key=int)
CONTEXT_OPTIONS = sorted(zmq.ContextOption, key=int)

@pytest.fixture(scope="module")
def mctx():
    ctx = zmq.Context()
    yield ctx
    ctx.destroy(linger=0)


_pair_counter = iter(range(10**9))


class Pair:
    """A victim socket of ``victim_type`` already connected (inproc) to a peer, with the
    connection established before any bad option is tried."""

    def __init__(self, ctx: zmq.Context, victim_type: int) -> None:
        self.type = victim_type
        self._raw = False
        addr = f"inproc://bad-input-{os.getpid()}-{next(_pair_counter)}"
        self.victim = ctx.socket(victim_type)
        self.victim.linger = 0
        self.peer = ctx.socket(_PEER_TYPE[victim_type])
        self.peer.linger = 0
        if victim_type == zmq.ROUTER:
            self.peer.routing_id = b"peer"
        self.victim.bind(addr)
        self.peer.connect(addr)
        if victim_type == zmq.XPUB:
            self.peer.subscribe(b"")
            assert self.victim.poll(POLL_MS), "subscription never reached the XPUB"
            assert self.victim.recv(zmq.NOBLOCK) == b"\x01"

    def close(self) -> None:
        self.victim.close(linger=0)
        self.peer.close(linger=0)

    def _recv(self, s: zmq.Socket) -> list[bytes]:
        assert s.poll(POLL_MS, zmq.POLLIN), "message did not arrive"
        return s.recv_multipart(zmq.NOBLOCK)

    def _send(self, s: zmq.Socket, parts: list[bytes]) -> None:
        assert s.poll(POLL_MS, zmq.POLLOUT), "socket not writable"
        s.send_multipart(parts, zmq.NOBLOCK)

    def round_trip(self) -> None:
        """One message each way (one way for PUB/SUB), with bounded waits."""
        v, p = self.victim, self.peer
        if self.type == zmq.SUB:
            v.set(zmq.INVERT_MATCHING, 0)  # the fuzzed value may have inverted every topic
            v.subscribe(b"")
            for _ in range(POLL_MS // 20):
                p.send(b"pub", zmq.NOBLOCK)
                if v.poll(20):
                    break
            assert self._recv(v)[-1] == b"pub"
            while v.poll(50):  # drop the duplicates sent while the subscription travelled
                v.recv(zmq.NOBLOCK)
            return
        if self.type == zmq.XPUB:
            self._send(v, [b"xpub"])
            assert self._recv(p) == [b"xpub"]
            return
        if self.type == zmq.ROUTER:
            if self._raw:
                # ROUTER_RAW switched the socket to raw TCP framing, which its DEALER peer
                # does not speak: the socket must still work as a socket, not as a router.
                assert v.get(zmq.LINGER) == 0 and v.poll(0, zmq.POLLOUT) in (0, zmq.POLLOUT)
                return
            self._send(p, [b"ping"])
            assert self._recv(v) == [b"peer", b"ping"]
            self._send(v, [b"peer", b"pong"])
            got = self._recv(p)
            while got == [b""]:  # PROBE_ROUTER's empty probe, sent to the existing pipe too
                got = self._recv(p)
            assert got == [b"pong"]
            return
        self._send(v, [b"ping"])
        assert self._recv(p) == [b"ping"]
        self._send(p, [b"pong"])
        assert self._recv(v) == [b"pong"]


def _check_outcome(exc: BaseException | None, where: str) -> None:
    if exc is None:
        return
    assert isinstance(exc, ALLOWED), f"{where}: {type(exc).__name__}: {exc}"
    n = sum(isinstance(exc, k) for k in ALLOWED)
    assert n == 1, f"{where}: {type(exc).__mro__} is more than one of TypeError/ValueError/ZMQError"
    if isinstance(exc, zmq.ZMQError):
        assert exc.errno in OPTION_ERRNOS, f"{where}: unexpected errno {exc.errno} ({exc})"


# Option names that are also Socket methods (HWM is a property doing the right thing):
# assigning them must set the option, not replace the method.
_SHADOWED_BY_METHODS = {"SUBSCRIBE", "UNSUBSCRIBE"}


def _try_socket_option(ctx: zmq.Context, option: zmq.SocketOption, value: object, how: str) -> None:
    name = option.name
    pair = Pair(ctx, _VICTIM_TYPE.get(name, zmq.DEALER))
    try:
        s = pair.victim
        exc = None
        try:
            if how == "set":
                s.set(option, value)
            elif how == "setsockopt":
                s.setsockopt(option, value)
            else:
                setattr(s, name.lower(), value)
        except BaseException as e:  # noqa: BLE001 - the contract is about exactly which
            exc = e
        where = f"{how}({name}, {value!r:.60})"
        _check_outcome(exc, where)
        if exc is None and name == "ROUTER_RAW" and value:
            pair._raw = True
        if exc is None:
            try:
                attr = how == "attr" and name not in _SHADOWED_BY_METHODS  # reading those gives the method
                got = getattr(s, name.lower()) if attr else s.get(option)
            except AttributeError as e:  # a write-only option read as an attribute (as pyzmq)
                assert attr and "write-only" in str(e), f"{where} then get: {e}"
            except zmq.ZMQError as e:
                assert e.errno == errno.EINVAL, f"{where} then get: errno {e.errno}"  # write-only option
            else:
                assert isinstance(got, _expected_type(name)), f"{where} then get -> {type(got).__name__}"
                assert not isinstance(got, bool)
        pair.round_trip()
    finally:
        pair.close()


# -- socket options --------------------------------------------------------------------------


@pytest.mark.parametrize("option", SOCKET_OPTIONS, ids=lambda o: o.name)
@HYP
@given(value=values, how=st.sampled_from(["set", "setsockopt", "attr"]))
def test_socket_option_with_generated_values(mctx, option, value, how):
    _try_socket_option(mctx, option, value, how)


def test_socket_option_with_every_fixed_value(mctx):
    """Every option x every hand-picked edge value, deterministically (hypothesis above
    samples; this makes sure each edge case meets each option at least once)."""
    for option in SOCKET_OPTIONS:
        for i, value in enumerate(FIXED_VALUES):
            _try_socket_option(mctx, option, value, ("set", "setsockopt", "attr")[i % 3])


@pytest.mark.parametrize("name", sorted(n.lower() for n in _SHADOWED_BY_METHODS))
def test_assigning_an_option_named_like_a_method_does_not_shadow_it(sockets, name):
    sub = sockets(zmq.SUB)
    try:
        setattr(sub, name, b"topic")
    except (TypeError, ValueError, AttributeError):
        pass  # refusing the assignment would be fine too
    assert callable(getattr(sub, name)), f"sock.{name} is now {getattr(sub, name)!r}"
    assert name not in vars(sub)


def test_options_that_take_text_accept_str_and_bytes_and_read_back_bytes(sockets):
    s = sockets(zmq.DEALER)
    s.set(zmq.ZAP_DOMAIN, "domain")
    assert s.get(zmq.ZAP_DOMAIN) == b"domain"
    s.zap_domain = b"\xff\xfe"  # not UTF-8: libzmq stores bytes, get_string refuses to decode
    assert s.zap_domain == b"\xff\xfe"
    with pytest.raises(UnicodeDecodeError):
        s.get_string(zmq.ZAP_DOMAIN)
    with pytest.raises(UnicodeEncodeError):
        s.set_string(zmq.ZAP_DOMAIN, "\udcff")
    with pytest.raises(TypeError):
        s.set_string(zmq.ZAP_DOMAIN, b"bytes")
    with pytest.raises(TypeError):
        s.get_string(zmq.LINGER)  # an int option


def test_unknown_option_numbers_raise_einval(sockets):
    s = sockets(zmq.DEALER)
    for opt in (0, 2, 3, 10, 9999, -1, 2**31 - 1):
        with pytest.raises(zmq.ZMQError) as e:
            s.set(opt, 1)
        assert e.value.errno == errno.EINVAL
        with pytest.raises(zmq.ZMQError):
            s.get(opt)
    for opt in ("linger", None, b"17"):
        with pytest.raises(TypeError):
            s.set(opt, 1)
        with pytest.raises(TypeError):
            s.get(opt)


# -- context options -------------------------------------------------------------------------

# Options whose accepted values configure the I/O threads libzmq starts with the first
# socket. A "valid" but absurd value (IO_THREADS=2**31-1, MAX_SOCKETS=2**31-1: gigabytes of
# slots; a scheduling policy the kernel refuses: libzmq asserts) would make that first
# socket kill or exhaust the test process, so the fuzz checks them on a context that never
# starts; test_bad_thread_sched_policy_does_not_abort covers what happens when it does.
_STARTS_THREADS = {"IO_THREADS", "MAX_SOCKETS", "THREAD_SCHED_POLICY", "THREAD_AFFINITY_CPU_ADD",
                   "THREAD_AFFINITY_CPU_REMOVE", "THREAD_NAME_PREFIX", "SOCKET_LIMIT"}


def _try_context_option(option: zmq.ContextOption, value: object, how: str) -> None:
    ctx = zmq.Context()
    try:
        exc = None
        try:
            if how == "set":
                ctx.set(option, value)
            else:
                setattr(ctx, option.name.lower(), value)
        except BaseException as e:  # noqa: BLE001
            exc = e
        where = f"ctx.{how}({option.name}, {value!r:.60})"
        _check_outcome(exc, where)
        if exc is None:
            try:
                got = getattr(ctx, option.name.lower()) if how == "attr" else ctx.get(option)
            except AttributeError as e:  # a write-only option read as an attribute (as pyzmq)
                assert how == "attr" and "write-only" in str(e), f"{where} then get: {e}"
            except zmq.ZMQError as e:
                assert e.errno == errno.EINVAL, f"{where} then get: errno {e.errno}"  # write-only
            else:
                assert type(got) is int, f"{where} then get -> {type(got).__name__}"
        if option.name not in _STARTS_THREADS or exc is not None:
            pair = Pair(ctx, zmq.DEALER)
            try:
                pair.round_trip()
            finally:
                pair.close()
    finally:
        ctx.destroy(linger=0)


@pytest.mark.parametrize("option", CONTEXT_OPTIONS, ids=lambda o: o.name)
@HYP
@given(value=values, how=st.sampled_from(["set", "attr"]))
def test_context_option_with_generated_values(option, value, how):
    _try_context_option(option, value, how)


def test_context_option_with_every_fixed_value():
    for option in CONTEXT_OPTIONS:
        for i, value in enumerate(FIXED_VALUES):
            _try_context_option(option, value, ("set", "attr")[i % 2])


@pytest.mark.parametrize("value", [2**31, -(2**31) - 1, 2**64])
def test_context_set_out_of_range_int_raises_overflowerror(value):
    with zmq.Context() as ctx:
        with pytest.raises(OverflowError):
            ctx.set(zmq.MAX_SOCKETS, value)


_SCHED_SCRIPT = textwrap.dedent("""
    import sys, zmq
    ctx = zmq.Context()
    try:
        ctx.set(zmq.THREAD_SCHED_POLICY, int(sys.argv[1]))
    except (TypeError, ValueError, zmq.ZMQError) as e:
        print("refused", type(e).__name__)
    s = ctx.socket(zmq.PAIR)
    s.close()
    ctx.term()
    print("ok")
""")


def test_bad_thread_sched_policy_does_not_abort():
    r = subprocess.run([sys.executable, "-c", _SCHED_SCRIPT, "12345"], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, f"child died with {r.returncode}: {r.stderr.strip()[-200:]}"
    assert r.stdout.strip().endswith("ok")


def test_context_socket_option_defaults_of_the_wrong_type_are_stored_not_applied(sockets):
    """Socket options set on a Context are defaults applied to new sockets; a default of
    the wrong type is only noticed then."""
    ctx = zmq.Context()
    try:
        ctx.rcvhwm = 7
        assert ctx.rcvhwm == 7
        s = ctx.socket(zmq.PULL)
        assert s.rcvhwm == 7
        s.close()
        with pytest.raises(AttributeError):
            ctx.sndtimeo  # noqa: B018 - unset default
    finally:
        ctx.destroy(linger=0)


def test_bad_context_default_does_not_leak_an_open_socket():
    import gc
    import warnings

    ctx = zmq.Context()
    try:
        ctx.linger = "not an int"
        gc.collect()  # earlier tests' garbage must not be counted below
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with pytest.raises(TypeError):
                ctx.socket(zmq.PUSH)
            gc.collect()
        leaked = [w for w in caught if issubclass(w.category, ResourceWarning)]
        assert not leaked, leaked[0].message
    finally:
        del ctx.linger
        ctx.destroy(linger=0)


# -- endpoints -------------------------------------------------------------------------------

# Refused before any name resolution (so connect never asks DNS about them).
BAD_ENDPOINTS = [
    "", "tcp://", "tcp://127.0.0.1", "tcp://127.0.0.1:", "tcp://127.0.0.1:abc", "foo://bar",
    "udp://127.0.0.1:5555", "pgm://127.0.0.1;239.192.1.1:5555", "inproc://", "ipc://", "127.0.0.1:5555",
    "tcp:/127.0.0.1:5555", "\u00e9://x",
]
# Hosts that are not numeric addresses: connect would resolve them through DNS, which a
# test must never do, so only bind (local interface lookup only) tries them.
BAD_BIND_ONLY = ["tcp://300.1.1.1:5555", "tcp://[::1", "tcp://127.0.0.1:5555:6666", "tcp://\u00e9:1",
                 "tcp://no-such-interface0:5555"]
# libzmq 4.3.4 accepts out-of-range ports and wraps them (99999 -> 34463, -1 -> 65535): the
# sugar bind/connect refuse them first (EINVAL; tests/test_endpoints.py).
LIBZMQ_WRAPS = ["tcp://127.0.0.1:99999", "tcp://127.0.0.1:-1"]
NOT_STR = [None, 5, 1.5, ["tcp://127.0.0.1:*"], {"tcp": 1}, object(), bytearray(b"tcp://127.0.0.1:*")]


@pytest.mark.parametrize("method", ["bind", "connect", "unbind", "disconnect"])
def test_malformed_endpoints(sockets, method):
    s = sockets(zmq.DEALER)
    for addr in BAD_ENDPOINTS + (BAD_BIND_ONLY if method == "bind" else []):
        with pytest.raises(ALLOWED) as e:
            getattr(s, method)(addr)
        if isinstance(e.value, zmq.ZMQError):
            assert e.value.errno in {errno.EINVAL, errno.EPROTONOSUPPORT, errno.ENOENT, errno.ENODEV,
                                     errno.EADDRNOTAVAIL, errno.ENOCOMPATPROTO if hasattr(errno, "ENOCOMPATPROTO")
                                     else zmq.ENOCOMPATPROTO}, (addr, e.value)
            assert repr(addr) in str(e.value) or method in ("unbind", "disconnect"), str(e.value)
    for addr in NOT_STR:
        with pytest.raises(TypeError):
            getattr(s, method)(addr)
    with pytest.raises(UnicodeEncodeError):
        getattr(s, method)("tcp://127.0.0.1:\udc80")
    if method in ("bind", "connect"):
        for addr in LIBZMQ_WRAPS:
            with pytest.raises(zmq.ZMQError) as e:
                getattr(s, method)(addr)
            assert e.value.errno == errno.EINVAL
    _round_trip_pair(sockets)


def _round_trip_pair(sockets):
    a, b = sockets(zmq.PAIR), sockets(zmq.PAIR)
    a.bind("tcp://127.0.0.1:*")
    b.connect(a.last_endpoint)
    a.send(b"still works")
    assert b.recv() == b"still works"


def test_address_in_use(sockets):
    a, b = sockets(zmq.PULL), sockets(zmq.PULL)
    a.bind("tcp://127.0.0.1:*")
    addr = a.last_endpoint.decode()
    with pytest.raises(zmq.ZMQError) as e:
        b.bind(addr)
    assert e.value.errno == errno.EADDRINUSE
    name = f"inproc://in-use-{os.getpid()}"
    a.bind(name)
    with pytest.raises(zmq.ZMQError) as e:
        b.bind(name)
    assert e.value.errno == errno.EADDRINUSE


def test_unbind_and_disconnect_of_unknown_endpoints(sockets):
    s = sockets(zmq.DEALER)
    for addr in ("tcp://127.0.0.1:1", "inproc://never-bound", "ipc:///tmp/cyzmq-never-bound"):
        for method in (s.unbind, s.disconnect):
            with pytest.raises(zmq.ZMQError) as e:
                method(addr)
            assert e.value.errno == errno.ENOENT


def test_too_long_ipc_path(sockets, tmp_path):
    s = sockets(zmq.PULL)
    d = str(tmp_path)
    with pytest.raises(zmq.ZMQError) as e:
        s.bind(f"ipc://{d}/" + "x" * (zmq.IPC_PATH_MAX_LEN + 10))
    assert e.value.errno == errno.ENAMETOOLONG
    with pytest.raises(zmq.ZMQError) as e:
        s.connect(f"ipc://{d}/" + "x" * (zmq.IPC_PATH_MAX_LEN + 10))
    assert e.value.errno == errno.ENAMETOOLONG


@pytest.mark.parametrize("method", ["bind", "connect"])
def test_endpoint_with_embedded_nul_is_rejected(sockets, method):
    s = sockets(zmq.PULL)
    with pytest.raises(ValueError):
        getattr(s, method)("tcp://127.0.0.1:5\x00garbage")


_PORT_TEXT = st.text(alphabet="0123456789*-+. x%", max_size=8)  # no ':' or ';': host stays 127.0.0.1


@HYP
@given(
    addr=st.one_of(
        st.builds(lambda t: "tcp://127.0.0.1:" + t, _PORT_TEXT),
        st.builds(lambda p, t: p + t, st.sampled_from(["foo://", "", "tcp:/", "udp://", "://", "inproc://"]),
                  st.text(max_size=40).filter(lambda t: ";" not in t and ":" not in t)),
        st.builds(lambda t: "ipc://@" + t, st.text(max_size=150)),  # abstract namespace: no files
        st.binary(max_size=40).filter(lambda b: b"://" not in b),
        st.none(), st.integers(), st.floats(), st.lists(st.text(max_size=3), max_size=2),
    ),
    method=st.sampled_from(["bind", "connect", "unbind", "disconnect"]),
)
def test_generated_endpoints(mctx, addr, method):
    s = mctx.socket(zmq.DEALER)
    s.linger = 0
    try:
        try:
            getattr(s, method)(addr)
        except ALLOWED as e:
            if isinstance(e, zmq.ZMQError):
                assert e.errno != errno.EFAULT
    finally:
        s.close(linger=0)


# -- send / recv with wrong types ------------------------------------------------------------


@pytest.fixture
def pair(sockets):
    a, b = sockets(zmq.PAIR), sockets(zmq.PAIR)
    addr = f"inproc://bad-send-{os.getpid()}-{next(_pair_counter)}"
    a.bind(addr)
    b.connect(addr)
    return a, b


NOT_BUFFERS = [None, 1, 1.5, object(), [b"x"], {"a": b"x"}, (b"x",), {b"x"}, 1j, type]


def _still_works(a, b):
    a.send_multipart([b"one", b"two"])
    assert b.poll(POLL_MS)
    assert b.recv_multipart(zmq.NOBLOCK) == [b"one", b"two"]
    assert not b.poll(0), "a rejected send left a partial message behind"


@pytest.mark.parametrize("copy,track", [(True, False), (False, False), (False, True)])
def test_send_non_buffers(pair, copy, track):
    a, b = pair
    for data in NOT_BUFFERS + ["text", ""]:
        with pytest.raises(TypeError) as e:
            a.send(data, copy=copy, track=track)
        if isinstance(data, str):
            assert "send_string" in str(e.value)
        with pytest.raises(TypeError):
            a.send(data, 0, copy, track)
        if data is not None:  # Frame(None) is an empty frame
            with pytest.raises(TypeError):
                zmq.Frame(data)
    _still_works(a, b)


def test_send_bad_flags(pair):
    a, b = pair
    for flags in ("0", None, b"\x00", [0]):
        with pytest.raises(TypeError):
            a.send(b"x", flags)
        with pytest.raises(TypeError):
            a.send(b"x", flags=flags)
        with pytest.raises(TypeError):
            a.recv(flags)
        with pytest.raises(TypeError):
            a.send_multipart([b"x"], flags)
        with pytest.raises(TypeError):
            a.recv_multipart(flags)
    for flags in (2**63, 2**70, -(2**70)):
        # Out of C int range: OverflowError, as the stdlib's socket.send(b"x", 2**70) does.
        for call in (lambda: a.send(b"x", flags), lambda: a.send(b"x", flags=flags),
                     lambda: a.recv(flags), lambda: a.send_multipart([b"x"], flags)):
            with pytest.raises((OverflowError, ValueError, TypeError)):
                call()
    _still_works(a, b)


@pytest.mark.parametrize("call", ["send", "send_multipart", "get", "set", "recv_into-nbytes", "recv_into-flags",
                                  "recv", "frame_set"])
def test_float_for_an_int_parameter_raises_typeerror(pair, call):
    a, b = pair
    buf = bytearray(4)
    calls = {
        "send": lambda: a.send(b"x", 1.5),
        "send_multipart": lambda: a.send_multipart([b"x"], 1.5),
        "get": lambda: a.get(float(zmq.LINGER)),
        "set": lambda: a.set(float(zmq.LINGER), 0),
        "recv_into-nbytes": lambda: b.recv_into(buf, nbytes=1.5, flags=zmq.NOBLOCK),
        "recv_into-flags": lambda: b.recv_into(buf, flags=1.5),
        "recv": lambda: b.recv(1.5),
        "frame_set": lambda: zmq.Frame(b"x").set(1.5, 0),
    }
    with pytest.raises(TypeError):
        try:
            calls[call]()
        except zmq.ZMQError:
            pass  # libzmq got the truncated value: the float was not refused


def test_send_non_contiguous_buffer(pair):
    a, b = pair
    data = memoryview(bytes(range(20)))[::2]
    # BufferError, as the stdlib socket.send gives for the same buffer.
    for copy in (True, False):
        with pytest.raises((TypeError, ValueError, BufferError)):
            a.send(data, copy=copy)
        with pytest.raises((TypeError, ValueError, BufferError)):
            zmq.Frame(data)
    _still_works(a, b)


@pytest.mark.parametrize("copy", [True, False])
def test_send_multipart_with_a_non_contiguous_part_sends_nothing(pair, copy):
    """A part that cannot give a contiguous buffer is refused before the first part goes
    (it used to send b'head' with SNDMORE and glue it to the next message)."""
    a, b = pair
    data = memoryview(bytes(200_000))[::2]
    with pytest.raises((TypeError, ValueError, BufferError)):
        a.send_multipart([b"head", data], copy=copy)
    _still_works(a, b)


@pytest.mark.parametrize("position", [0, 1, 2])
def test_send_multipart_bad_part_sends_nothing(pair, position):
    a, b = pair
    for bad in NOT_BUFFERS + ["text"]:
        parts = [b"a", b"b", b"c"]
        parts[position] = bad
        with pytest.raises(TypeError) as e:
            a.send_multipart(parts)
        assert f"part {position}" in str(e.value)
        with pytest.raises(TypeError):
            a.send_multipart(parts, copy=False, track=True)
    for not_a_sequence in (b"abc", "abc", bytearray(b"abc"), memoryview(b"abc"), zmq.Frame(b"f"), 5, None):
        with pytest.raises(TypeError):
            a.send_multipart(not_a_sequence)
    with pytest.raises(IndexError):  # as pyzmq
        a.send_multipart([])
    _still_works(a, b)


def test_string_json_serialized_with_bad_input(pair):
    a, b = pair
    for bad in (b"bytes", 5, None, ["x"]):
        with pytest.raises(TypeError):
            a.send_string(bad)
    with pytest.raises(UnicodeEncodeError):
        a.send_string("\ud800")
    with pytest.raises(LookupError):
        a.send_string("x", encoding="no-such-codec")
    with pytest.raises(TypeError):
        a.send_json({1, 2})
    with pytest.raises(ValueError):
        a.send_json(float("nan"), allow_nan=False)
    with pytest.raises(TypeError):
        a.send_serialized("x", lambda m: 5)
    with pytest.raises(TypeError):
        a.send_serialized("x", lambda m: ["not bytes"])
    # invalid input on the receiving side: the error comes out, the socket carries on
    a.send(b"\xff\xfe")
    assert b.poll(POLL_MS)
    with pytest.raises(UnicodeDecodeError):
        b.recv_string()
    a.send(b"{not json")
    assert b.poll(POLL_MS)
    with pytest.raises(json.JSONDecodeError):
        b.recv_json()
    a.send(b"\xff\xfe")
    assert b.poll(POLL_MS)
    with pytest.raises(ValueError):
        b.recv_json()
    _still_works(a, b)


@pytest.mark.parametrize("buffer", [5, None, "text", 1.5, object(), [0, 0]])
def test_recv_into_non_buffers(pair, buffer):
    a, b = pair
    a.send(b"data")
    assert b.poll(POLL_MS)
    with pytest.raises(TypeError):
        b.recv_into(buffer)
    got = bytearray(8)
    assert b.recv_into(got, flags=zmq.NOBLOCK) == 4  # the message is still there
    assert bytes(got[:4]) == b"data"
    _still_works(a, b)


@pytest.mark.parametrize("kind", ["bytes", "readonly-memoryview", "non-contiguous"])
def test_recv_into_unwritable_buffers_raise_buffererror(pair, kind):
    a, b = pair
    buffer = {"bytes": b"12345678", "readonly-memoryview": memoryview(b"12345678"),
              "non-contiguous": memoryview(bytearray(16))[::2]}[kind]
    a.send(b"data")
    assert b.poll(POLL_MS)
    with pytest.raises(BufferError):
        b.recv_into(buffer)


def test_recv_into_bad_sizes_and_flags(pair):
    a, b = pair
    a.send(b"0123456789")
    assert b.poll(POLL_MS)
    buf = bytearray(4)
    with pytest.raises(ValueError):
        b.recv_into(buf, nbytes=-1)
    with pytest.raises(ValueError):
        b.recv_into(buf, nbytes=5)
    for bad in ("1", None):
        with pytest.raises(TypeError):
            b.recv_into(buf, nbytes=bad)
        with pytest.raises(TypeError):
            b.recv_into(buf, flags=bad)
    with pytest.raises((OverflowError, ValueError)):
        b.recv_into(buf, nbytes=2**40)
    assert b.recv_into(buf, nbytes=0, flags=zmq.NOBLOCK) == 10  # truncated to fit, size reported
    assert bytes(buf) == b"0123"
    _still_works(a, b)


def test_poll_and_poller_with_bad_input(pair):
    a, b = pair
    for bad in ("1", [1], b"1"):
        with pytest.raises(TypeError):
            a.poll(bad)
        with pytest.raises(TypeError):
            zmq.zmq_poll([(a, zmq.POLLIN)], bad)
    with pytest.raises(ValueError):
        a.poll(float("nan"))
    for bad_items in ([("not a socket", zmq.POLLIN)], [(object(), zmq.POLLIN)], [(a,)], [(a, "in")], [a], 5, None):
        with pytest.raises((TypeError, ValueError)):
            zmq.zmq_poll(bad_items, 0)
    p = zmq.Poller()
    p.register(object(), zmq.POLLIN)
    with pytest.raises(TypeError):
        p.poll(0)
    p = zmq.Poller()
    p.register(a, "in")
    with pytest.raises(TypeError):
        p.poll(0)
    p = zmq.Poller()
    with pytest.raises(KeyError):
        p.unregister(a)
    with pytest.raises(TypeError):
        p.poll("soon")
    _still_works(a, b)


def test_frame_and_tracker_bad_input():
    f = zmq.Frame(b"x")
    with pytest.raises(zmq.ZMQError):
        f.get("No-Such-Property")
    with pytest.raises(zmq.ZMQError):
        f.get(9999)
    with pytest.raises(TypeError):
        f.get(None)
    with pytest.raises(TypeError):
        f.set("more", 1)
    with pytest.raises(zmq.ZMQError):
        f.set(9999, 1)
    with pytest.raises(TypeError if zmq.DRAFT_API else RuntimeError):
        f.group = 5
    with pytest.raises(TypeError):
        zmq.Frame(b"x", copy_threshold="big")
    with pytest.raises(TypeError):
        zmq.MessageTracker(5)
    with pytest.raises(ValueError):
        zmq.MessageTracker(zmq.Frame(b"untracked"))
    with pytest.raises(TypeError):
        zmq.MessageTracker().wait("soon")
    with pytest.raises(TypeError):
        memoryview(zmq.Frame(b"x" * 100_000, copy=False))[0] = 1  # shares a bytes object: read-only


# -- every public method on closed sockets / terminated contexts -----------------------------


def _socket_calls(mon_addr):
    """name -> callable(socket) for every public Socket method and property."""
    return {
        "bind": lambda s: s.bind("tcp://127.0.0.1:*"),
        "bind_to_random_port": lambda s: s.bind_to_random_port("tcp://127.0.0.1"),
        "connect": lambda s: s.connect("tcp://127.0.0.1:1"),
        "disconnect": lambda s: s.disconnect("tcp://127.0.0.1:1"),
        "unbind": lambda s: s.unbind("tcp://127.0.0.1:1"),
        "disable_monitor": lambda s: s.disable_monitor(),
        "get_monitor_socket": lambda s: s.get_monitor_socket(),
        "monitor": lambda s: s.monitor(mon_addr),
        "fileno": lambda s: s.fileno(),
        "get": lambda s: s.get(zmq.LINGER),
        "getsockopt": lambda s: s.getsockopt(zmq.LINGER),
        "get_hwm": lambda s: s.get_hwm(),
        "get_string": lambda s: s.get_string(zmq.LAST_ENDPOINT),
        "getsockopt_string": lambda s: s.getsockopt_string(zmq.LAST_ENDPOINT),
        "getsockopt_unicode": lambda s: s.getsockopt_unicode(zmq.LAST_ENDPOINT),
        "set": lambda s: s.set(zmq.LINGER, 0),
        "setsockopt": lambda s: s.setsockopt(zmq.LINGER, 0),
        "set_hwm": lambda s: s.set_hwm(5),
        "set_string": lambda s: s.set_string(zmq.ZAP_DOMAIN, "d"),
        "setsockopt_string": lambda s: s.setsockopt_string(zmq.ZAP_DOMAIN, "d"),
        "setsockopt_unicode": lambda s: s.setsockopt_unicode(zmq.ZAP_DOMAIN, "d"),
        "subscribe": lambda s: s.subscribe(b""),
        "unsubscribe": lambda s: s.unsubscribe(b""),
        # (without the draft API, join/leave raise RuntimeError first, as in pyzmq)
        **({"join": lambda s: s.join("g"), "leave": lambda s: s.leave("g")} if zmq.DRAFT_API else {}),
        "poll": lambda s: s.poll(0),
        "recv": lambda s: s.recv(zmq.NOBLOCK),
        "recv_into": lambda s: s.recv_into(bytearray(4), flags=zmq.NOBLOCK),
        "recv_json": lambda s: s.recv_json(zmq.NOBLOCK),
        "recv_multipart": lambda s: s.recv_multipart(zmq.NOBLOCK),
        "recv_pyobj": lambda s: s.recv_pyobj(zmq.NOBLOCK),
        "recv_serialized": lambda s: s.recv_serialized(lambda p: p, zmq.NOBLOCK),
        "recv_string": lambda s: s.recv_string(zmq.NOBLOCK),
        "recv_unicode": lambda s: s.recv_unicode(zmq.NOBLOCK),
        "send": lambda s: s.send(b"x", zmq.NOBLOCK),
        "send_json": lambda s: s.send_json({}, zmq.NOBLOCK),
        "send_multipart": lambda s: s.send_multipart([b"x"], zmq.NOBLOCK),
        "send_pyobj": lambda s: s.send_pyobj(1, zmq.NOBLOCK),
        "send_serialized": lambda s: s.send_serialized(1, lambda m: [b"x"], zmq.NOBLOCK),
        "send_string": lambda s: s.send_string("x", zmq.NOBLOCK),
        "send_unicode": lambda s: s.send_unicode("x", zmq.NOBLOCK),
        "hwm": lambda s: s.hwm,
        "shadow": lambda s: type(s).shadow(s),
    }


# Allowed to work on a closed socket: closing again, and plain state.
SOCKET_OK_WHEN_CLOSED = {"close", "closed", "context", "copy_threshold", "underlying", "socket_type",
                         "join", "leave", "set_pickle_security", "pickle_security"}  # (pure Python settings)


def _public_names(cls):
    """Public methods and properties, without the option attributes (``s.linger``,
    ``ctx.io_threads``...): the option tests above cover every one of those."""
    options = set(zmq.SocketOption.__members__) | set(zmq.ContextOption.__members__)
    return {n for n in dir(cls) if not n.startswith("_") and n.upper() not in options}


def test_every_public_socket_method_has_a_recipe():
    missing = _public_names(zmq.Socket) - set(_socket_calls("")) - SOCKET_OK_WHEN_CLOSED
    assert not missing, f"new public Socket names without a closed-socket check: {sorted(missing)}"


@pytest.mark.parametrize("socket_type", [zmq.PAIR, zmq.SUB, zmq.ROUTER])
def test_every_socket_method_on_a_closed_socket(context, socket_type):
    calls = _socket_calls(f"inproc://closed-mon-{os.getpid()}")
    s = context.socket(socket_type)
    s.close()
    for name, call in sorted(calls.items()):
        with pytest.raises(zmq.ZMQError) as e:
            call(s)
        assert e.value.errno == errno.ENOTSOCK, f"{name}: {e.value!r}"
    for name in ("linger", "rcvmore", "last_endpoint", "events", "fd"):
        with pytest.raises(zmq.ZMQError) as e:
            getattr(s, name)
        assert e.value.errno == errno.ENOTSOCK
        with pytest.raises(zmq.ZMQError):
            setattr(s, name, 0)
    s.close()  # idempotent
    assert s.closed and s.underlying == 0
    assert "closed" in repr(s)
    with pytest.raises(zmq.ZMQError):
        zmq.zmq_poll([(s, zmq.POLLIN)], 0)
    with pytest.raises(zmq.ZMQError):
        zmq.proxy(s, s)


def test_every_socket_method_after_context_shutdown(context):
    """After Context.shutdown() the sockets are still open but their context is
    terminating: every operation fails with ETERM, as ContextTerminated except unbind and
    disconnect, whose plain ZMQError is pyzmq's (tests/differential: p_error_objects), and
    close() still works."""
    calls = _socket_calls(f"inproc://shutdown-mon-{os.getpid()}")
    s = context.socket(zmq.PAIR)
    s.linger = 0
    context.shutdown()
    for name, call in sorted(calls.items()):
        if name in ("shadow", "join", "leave"):
            continue  # shadow needs no libzmq call; join/leave are ENOTSUP before ETERM here
        with pytest.raises(zmq.ZMQError) as e:
            call(s)
        assert e.value.errno == zmq.ETERM, f"{name}: {e.value!r}"
        plain = name in ("unbind", "disconnect")
        assert isinstance(e.value, zmq.ContextTerminated) != plain, f"{name}: {e.value!r}"
    s.close()
    assert s.closed


CONTEXT_CALLS = {
    "socket": lambda c: c.socket(zmq.PAIR),
    "get": lambda c: c.get(zmq.IO_THREADS),
    "set": lambda c: c.set(zmq.IO_THREADS, 1),
    "shutdown": lambda c: c.shutdown(),
}
# Allowed to work on a terminated context: terminating again, plain state, the socket-option
# defaults dictionary (pure Python), and the class-level constructors.
CONTEXT_OK_WHEN_TERMINATED = {
    "term": lambda c: c.term(),
    "destroy": lambda c: c.destroy(linger=0),
    "closed": lambda c: c.closed,
    "underlying": lambda c: c.underlying,
    "setsockopt": lambda c: c.setsockopt(zmq.LINGER, 0),
    "getsockopt": lambda c: c.getsockopt(zmq.LINGER),
    "instance": None,
    "shadow": None,
    "shadow_pyczmq": None,
    "term_warning_after": lambda c: c.term_warning_after,
    "set_pickle_security": lambda c: c.set_pickle_security(),
}


def test_every_public_context_method_has_a_recipe():
    missing = _public_names(zmq.Context) - set(CONTEXT_CALLS) - set(CONTEXT_OK_WHEN_TERMINATED)
    assert not missing, f"new public Context names without a terminated-context check: {sorted(missing)}"


def test_every_context_method_on_a_terminated_context():
    ctx = zmq.Context()
    ctx.term()
    for name, call in CONTEXT_CALLS.items():
        with pytest.raises(zmq.ContextTerminated):
            call(ctx)
    for name in ("io_threads", "max_sockets"):
        with pytest.raises(zmq.ContextTerminated):
            getattr(ctx, name)
        with pytest.raises(zmq.ContextTerminated):
            setattr(ctx, name, 1)
    for name, call in CONTEXT_OK_WHEN_TERMINATED.items():
        if call is not None:
            call(ctx)
    assert ctx.closed and ctx.underlying == 0 and repr(ctx).endswith(" closed>")
    # a fresh instance() replaces a terminated one
    inst = zmq.Context.instance()
    inst.term()
    inst2 = zmq.Context.instance()
    try:
        assert inst2 is not inst and not inst2.closed
    finally:
        inst2.term()


FRAME_CALLS = {
    "buffer": lambda f: bytes(f.buffer),
    "bytes": lambda f: f.bytes,
    "get": lambda f: f.get(zmq.MORE),
    "set": lambda f: f.set(zmq.MORE, 0),
    "group": lambda f: f.group,
    "more": lambda f: f.more,
    "routing_id": lambda f: f.routing_id,
    "tracker": lambda f: f.tracker,
    "tracker_event": lambda f: f.tracker_event,
}
TRACKER_CALLS = {"done": lambda t: t.done, "wait": lambda t: t.wait(1), "events": lambda t: t.events,
                 "peers": lambda t: t.peers}
POLLER_CALLS = {
    "register": lambda p, s: p.register(s, zmq.POLLIN),
    "modify": lambda p, s: p.modify(s, zmq.POLLIN | zmq.POLLOUT),
    "poll": lambda p, s: p.poll(0),
    "unregister": lambda p, s: p.unregister(s),
    "sockets": lambda p, s: p.sockets,
}


def test_every_public_frame_poller_tracker_method_has_a_recipe():
    assert not _public_names(zmq.Frame) - set(FRAME_CALLS)
    assert not _public_names(zmq.MessageTracker) - set(TRACKER_CALLS)
    assert not _public_names(zmq.Poller) - set(POLLER_CALLS)


def test_frames_and_trackers_outlive_their_socket_and_context():
    """A Frame owns its message: every method keeps working (or refuses cleanly) after
    the socket that received it is closed and the context terminated."""
    ctx = zmq.Context()
    a, b = ctx.socket(zmq.PAIR), ctx.socket(zmq.PAIR)
    a.bind("inproc://frame-outlives")
    b.connect("inproc://frame-outlives")
    tracker = a.send(bytearray(100_000), copy=False, track=True)
    a.send(b"second")
    assert b.poll(POLL_MS)
    frames = [b.recv(copy=False), b.recv(copy=False)]
    built = zmq.Frame(b"built", track=True, copy=False)  # zero-copy: its tracker waits for it
    a.close(linger=0)
    b.close(linger=0)
    ctx.term()
    for f in frames + [built]:
        for name, call in FRAME_CALLS.items():
            try:
                call(f)
            except zmq.ZMQError as e:
                assert e.errno in OPTION_ERRNOS, (name, e)
            except RuntimeError:
                assert name in ("routing_id", "group") and not zmq.DRAFT_API  # draft API only
        assert len(f) in (100_000, 6, 5)
    assert not tracker.done  # inproc: the received frame shares the sender's buffer
    del frames, f
    pypy_collect()
    tracker.wait(5)
    for name, call in TRACKER_CALLS.items():
        call(tracker)
    assert tracker.done
    assert not built.tracker.done  # the frame still holds its message


def test_poller_with_closed_sockets(context):
    s = context.socket(zmq.PAIR)
    s.close()
    p = zmq.Poller()
    POLLER_CALLS["register"](p, s)
    POLLER_CALLS["modify"](p, s)
    assert POLLER_CALLS["sockets"](p, s) == [(s, zmq.POLLIN | zmq.POLLOUT)]
    with pytest.raises(zmq.ZMQError) as e:
        POLLER_CALLS["poll"](p, s)
    assert e.value.errno == errno.ENOTSOCK
    POLLER_CALLS["unregister"](p, s)
    assert p.poll(0) == []
