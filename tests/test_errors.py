"""Errors: the exception hierarchy, errno mapping, closed sockets, terminated contexts,
bind/connect failures and wrong argument types. Every error here comes from a real call."""
from __future__ import annotations

import errno
import pickle
import threading
import time

import pytest

import zmq
from _helpers import endpoint, wait_until_in_call
from zmq.sugar._options import option_spellings

# -- hierarchy -------------------------------------------------------------------------------


def test_hierarchy():
    assert issubclass(zmq.ZMQBaseError, Exception)
    assert issubclass(zmq.ZMQError, zmq.ZMQBaseError)
    for cls in (zmq.Again, zmq.ContextTerminated, zmq.InterruptedSystemCall):
        assert issubclass(cls, zmq.ZMQError)
    assert issubclass(zmq.InterruptedSystemCall, InterruptedError)
    assert issubclass(zmq.NotDone, zmq.ZMQBaseError) and not issubclass(zmq.NotDone, zmq.ZMQError)
    assert issubclass(zmq.ZMQBindError, zmq.ZMQBaseError) and not issubclass(zmq.ZMQBindError, zmq.ZMQError)
    assert issubclass(zmq.ZMQVersionError, NotImplementedError)
    assert zmq.error.ZMQError is zmq.ZMQError


@pytest.mark.parametrize("cls,default", [
    (zmq.Again, errno.EAGAIN),
    (zmq.ContextTerminated, zmq.ETERM),
    (zmq.InterruptedSystemCall, errno.EINTR),
])
def test_subclass_default_errno(cls, default):
    e = cls()
    assert e.errno == default
    assert e.strerror == zmq.strerror(default)


@pytest.mark.parametrize("code", list(zmq.Errno), ids=[e.name for e in zmq.Errno])
def test_errno_strerror_str_repr(code):
    e = zmq.ZMQError(code)
    assert e.errno == code
    assert e.strerror == zmq.strerror(code) and e.strerror
    assert str(e) == e.strerror
    assert repr(e).startswith("ZMQError(") and e.strerror in repr(e)


def test_custom_message():
    e = zmq.ZMQError(errno.EINVAL, "my own words")
    assert e.errno == errno.EINVAL
    assert e.strerror == "my own words" and str(e) == "my own words"
    assert "my own words" in repr(e)


def test_libzmq_specific_errno_text():
    assert zmq.ZMQError(zmq.ETERM).strerror == "Context was terminated"
    assert zmq.ZMQError(zmq.EFSM).strerror == "Operation cannot be accomplished in current state"
    assert zmq.ETERM == 156384712 + 53


@pytest.mark.parametrize("exc", [
    zmq.ZMQError(errno.EINVAL),
    zmq.ZMQError(errno.EADDRINUSE, "Address already in use (addr='tcp://127.0.0.1:1')"),
    zmq.Again(),
    zmq.ContextTerminated(),
    zmq.InterruptedSystemCall(),
    zmq.NotDone(),
    zmq.ZMQBindError("no port"),
    zmq.ZMQVersionError("9.0", "Teleport"),
], ids=lambda e: type(e).__name__)
def test_pickle_round_trip(exc):
    back = pickle.loads(pickle.dumps(exc))
    assert type(back) is type(exc)
    assert str(back) == str(exc)
    assert repr(back) == repr(exc)
    assert getattr(back, "errno", None) == getattr(exc, "errno", None)
    if isinstance(exc, zmq.ZMQError):
        assert back.strerror == exc.strerror


def test_version_error_message():
    e = zmq.ZMQVersionError("9.0", "Teleport")
    assert e.min_version == "9.0"
    assert "Teleport" in str(e) and "9.0" in str(e) and zmq.zmq_version() in str(e)


# -- errno -> exception class, from real failures -------------------------------------------


def test_real_errors_map_to_the_right_class(sockets, context):
    pull = sockets(zmq.PULL)
    pull.bind(endpoint("inproc"))
    with pytest.raises(zmq.ZMQError) as exc:
        pull.recv(zmq.NOBLOCK)
    assert type(exc.value) is zmq.Again and exc.value.errno == errno.EAGAIN

    req = sockets(zmq.REQ)
    with pytest.raises(zmq.ZMQError) as exc:
        req.recv()  # REQ must send first
    assert type(exc.value) is zmq.ZMQError and exc.value.errno == zmq.EFSM

    with pytest.raises(zmq.ZMQError) as exc:
        pull.set(9999, 1)
    assert type(exc.value) is zmq.ZMQError and exc.value.errno == errno.EINVAL

    router = sockets(zmq.ROUTER, router_mandatory=1)
    with pytest.raises(zmq.ZMQError) as exc:
        router.send_multipart([b"nobody", b"x"])
    assert type(exc.value) is zmq.ZMQError and exc.value.errno == errno.EHOSTUNREACH

    context.shutdown()
    with pytest.raises(zmq.ZMQError) as exc:
        pull.recv()
    assert type(exc.value) is zmq.ContextTerminated and exc.value.errno == zmq.ETERM


def test_except_zmqerror_catches_again(sockets):
    s = sockets(zmq.PULL)
    try:
        s.recv(zmq.NOBLOCK)
    except zmq.ZMQError as e:
        assert e.errno == zmq.EAGAIN
    else:
        pytest.fail("no error")


# -- closed sockets ------------------------------------------------------------------------

CLOSED_CALLS = {
    "bind": lambda s: s.bind("inproc://closed-socket"),
    "bind_to_random_port": lambda s: s.bind_to_random_port("tcp://127.0.0.1"),
    "connect": lambda s: s.connect("inproc://closed-socket"),
    "unbind": lambda s: s.unbind("inproc://closed-socket"),
    "disconnect": lambda s: s.disconnect("inproc://closed-socket"),
    "send": lambda s: s.send(b"x"),
    "send_multipart": lambda s: s.send_multipart([b"x", b"y"]),
    "send_string": lambda s: s.send_string("x"),
    "send_unicode": lambda s: s.send_unicode("x"),
    "send_json": lambda s: s.send_json({"x": 1}),
    "send_pyobj": lambda s: s.send_pyobj({"x": 1}),
    "send_serialized": lambda s: s.send_serialized(1, lambda o: [b"%d" % o]),
    "recv": lambda s: s.recv(),
    "recv_multipart": lambda s: s.recv_multipart(),
    "recv_string": lambda s: s.recv_string(),
    "recv_unicode": lambda s: s.recv_unicode(),
    "recv_json": lambda s: s.recv_json(),
    "recv_pyobj": lambda s: s.recv_pyobj(),
    "recv_serialized": lambda s: s.recv_serialized(lambda parts: parts),
    "recv_into": lambda s: s.recv_into(bytearray(4)),
    "get": lambda s: s.get(zmq.LINGER),
    "set": lambda s: s.set(zmq.LINGER, 0),
    "getsockopt": lambda s: s.getsockopt(zmq.LINGER),
    "setsockopt": lambda s: s.setsockopt(zmq.LINGER, 0),
    "get_string": lambda s: s.get_string(zmq.LAST_ENDPOINT),
    "set_string": lambda s: s.set_string(zmq.ZAP_DOMAIN, "x"),
    "getsockopt_string": lambda s: s.getsockopt_string(zmq.LAST_ENDPOINT),
    "setsockopt_string": lambda s: s.setsockopt_string(zmq.ZAP_DOMAIN, "x"),
    "getsockopt_unicode": lambda s: s.getsockopt_unicode(zmq.LAST_ENDPOINT),
    "setsockopt_unicode": lambda s: s.setsockopt_unicode(zmq.ZAP_DOMAIN, "x"),
    "get_hwm": lambda s: s.get_hwm(),
    "set_hwm": lambda s: s.set_hwm(5),
    "hwm": lambda s: s.hwm,
    "subscribe": lambda s: s.subscribe(b"x"),
    "unsubscribe": lambda s: s.unsubscribe("x"),
    "poll": lambda s: s.poll(0),
    "fileno": lambda s: s.fileno(),
    "monitor": lambda s: s.monitor("inproc://closed-monitor"),
    "get_monitor_socket": lambda s: s.get_monitor_socket(),
    "disable_monitor": lambda s: s.disable_monitor(),
    **({"join": lambda s: s.join("group"), "leave": lambda s: s.leave("group")} if zmq.DRAFT_API else {}),
    # options as attributes
    "<attr get>": lambda s: s.linger,
    "<attr set>": lambda s: setattr(s, "linger", 0),
    "<hwm set>": lambda s: setattr(s, "hwm", 5),
}

# Public Socket attributes that are fine on a closed socket.
ALLOWED_WHEN_CLOSED = {"close", "closed", "context", "copy_threshold", "underlying", "shadow", "type", "socket_type",
                       # pickle settings are the Python object's, not libzmq's
                       "set_pickle_security", "pickle_security"}
if not zmq.DRAFT_API:
    ALLOWED_WHEN_CLOSED |= {"join", "leave"}  # RuntimeError first without the draft API


def test_closed_call_table_covers_every_public_member():
    # socket options are properties, exercised through "<attr get>"/"<attr set>"
    options = {n for name in zmq.SocketOption.__members__ for n in option_spellings(name)} - set(CLOSED_CALLS)
    public = {n for n in dir(zmq.Socket) if not n.startswith("_")} - options
    assert public - ALLOWED_WHEN_CLOSED == {n for n in CLOSED_CALLS if not n.startswith("<")}


@pytest.mark.parametrize("name", list(CLOSED_CALLS))
def test_closed_socket_raises_enotsock(context, name):
    s = context.socket(zmq.SUB)
    s.close()
    assert s.closed
    with pytest.raises(zmq.ZMQError) as exc:
        CLOSED_CALLS[name](s)
    assert exc.value.errno == zmq.ENOTSOCK, exc.value
    assert type(exc.value) is zmq.ZMQError


def test_close_is_idempotent(context):
    s = context.socket(zmq.PUSH)
    assert not s.closed
    s.close()
    assert s.closed
    s.close()
    s.close(linger=0)
    assert s.closed
    with context.socket(zmq.PULL) as s2:
        s2.close()
    assert s2.closed  # __exit__ after an explicit close is harmless


# -- terminated contexts ------------------------------------------------------------------------


def test_socket_from_terminated_context():
    ctx = zmq.Context()
    ctx.term()
    assert ctx.closed
    with pytest.raises(zmq.ContextTerminated) as exc:
        ctx.socket(zmq.PUSH)
    assert exc.value.errno == zmq.ETERM
    ctx.term()  # again: harmless


def test_context_shutdown_wakes_and_fails_operations():
    ctx = zmq.Context()
    s = ctx.socket(zmq.PULL)
    try:
        s.linger = 0
        s.bind(endpoint("inproc"))
        ctx.shutdown()
        for call in (s.recv, lambda: s.send(b"x"), s.recv_multipart):
            with pytest.raises(zmq.ContextTerminated):
                call()
    finally:
        s.close()
        ctx.term()


def test_blocking_recv_gets_context_terminated_from_another_thread():
    ctx = zmq.Context()
    s = ctx.socket(zmq.PULL)
    s.linger = 0
    s.rcvtimeo = 10_000  # bounded, and far longer than the test should take
    s.bind(endpoint("inproc"))
    outcome = {}
    started = threading.Event()

    def receiver():
        started.set()
        t0 = time.monotonic()
        try:
            s.recv()
            outcome["result"] = "received?!"
        except BaseException as e:  # noqa: BLE001 - recorded and checked below
            outcome["error"] = e
        finally:
            outcome["elapsed"] = time.monotonic() - t0
            s.close()  # lets term() return

    t = threading.Thread(target=receiver, daemon=True)
    t.start()
    assert started.wait(5)
    assert wait_until_in_call(t, "s.recv()")  # recv has been entered (and blocks in libzmq)
    terminator = threading.Thread(target=ctx.term, daemon=True)
    terminator.start()
    terminator.join(5)
    t.join(5)
    assert not terminator.is_alive(), "term() did not return"
    assert not t.is_alive()
    assert isinstance(outcome.get("error"), zmq.ContextTerminated), outcome
    assert outcome["error"].errno == zmq.ETERM
    assert outcome["elapsed"] < 5  # woken by term(), not by RCVTIMEO
    assert ctx.closed and s.closed


# -- bind / connect failures ----------------------------------------------------------------


def test_bind_tcp_address_in_use(sockets):
    a = sockets(zmq.PULL)
    a.bind("tcp://127.0.0.1:*")
    addr = a.last_endpoint.decode()
    b = sockets(zmq.PULL)
    with pytest.raises(zmq.ZMQError) as exc:
        b.bind(addr)
    assert exc.value.errno == errno.EADDRINUSE
    assert type(exc.value) is zmq.ZMQError
    assert addr in str(exc.value)
    assert "in use" in str(exc.value).lower()


def test_bind_inproc_name_in_use(sockets):
    addr = endpoint("inproc")
    sockets(zmq.PULL).bind(addr)
    with pytest.raises(zmq.ZMQError) as exc:
        sockets(zmq.PULL).bind(addr)
    assert exc.value.errno == errno.EADDRINUSE
    assert addr in str(exc.value)


BAD_ENDPOINTS = [
    ("tcp://", errno.EINVAL),
    ("tcp://127.0.0.1", errno.EINVAL),
    ("tcp://127.0.0.1:notaport", errno.EINVAL),
    ("tcp//127.0.0.1:5555", errno.EINVAL),
    ("no-transport-at-all", errno.EINVAL),
    ("", errno.EINVAL),
    ("inproc://", errno.EINVAL),
    ("ipc://", errno.EINVAL),
    ("bogus://127.0.0.1:5555", errno.EPROTONOSUPPORT),
    ("http://127.0.0.1:80", errno.EPROTONOSUPPORT),
]


@pytest.mark.parametrize("method", ["bind", "connect"])
@pytest.mark.parametrize("addr,code", BAD_ENDPOINTS, ids=[a or "<empty>" for a, _ in BAD_ENDPOINTS])
def test_malformed_endpoints(sockets, method, addr, code):
    s = sockets(zmq.PUSH)
    with pytest.raises(zmq.ZMQError) as exc:
        getattr(s, method)(addr)
    assert exc.value.errno == code, exc.value
    assert type(exc.value) is zmq.ZMQError


@pytest.mark.parametrize("method", ["bind", "connect", "unbind", "disconnect"])
@pytest.mark.parametrize("addr", [None, 5555, ["tcp://127.0.0.1:5555"]], ids=["None", "int", "list"])
def test_endpoint_must_be_text(sockets, method, addr):
    with pytest.raises(TypeError):
        getattr(sockets(zmq.PUSH), method)(addr)


def test_unbind_and_disconnect_unknown_endpoint(sockets):
    s = sockets(zmq.PUSH)
    with pytest.raises(zmq.ZMQError) as exc:
        s.unbind("tcp://127.0.0.1:1")
    assert exc.value.errno == errno.ENOENT
    with pytest.raises(zmq.ZMQError) as exc:
        s.disconnect("tcp://127.0.0.1:1")
    assert exc.value.errno == errno.ENOENT


# -- wrong types on send ------------------------------------------------------------------------


@pytest.fixture
def pair(sockets):
    a = sockets(zmq.PAIR)
    b = sockets(zmq.PAIR)
    a.bind(endpoint("inproc"))
    b.connect(a.last_endpoint.decode())
    return a, b


def test_send_str_mentions_send_string(pair):
    a, b = pair
    with pytest.raises(TypeError) as exc:
        a.send("text")
    assert "send_string" in str(exc.value)
    with pytest.raises(TypeError):
        a.send("text", copy=False)
    with pytest.raises(TypeError):
        a.send_multipart(["text"])
    assert b.poll(50) == 0


@pytest.mark.parametrize("value", [None, 42, 1.5, {"a": 1}, object()], ids=["None", "int", "float", "dict", "object"])
@pytest.mark.parametrize("copy", [True, False], ids=["copy", "nocopy"])
def test_send_non_buffer_raises_typeerror(pair, value, copy):
    a, b = pair
    with pytest.raises(TypeError):
        a.send(value, copy=copy)
    with pytest.raises(TypeError):
        a.send(value, copy=copy, track=True)
    # Nothing was sent; the socket still works.
    assert b.poll(20) == 0
    a.send(b"ok")
    assert b.recv() == b"ok"


def test_frame_from_str_raises_typeerror():
    with pytest.raises(TypeError):
        zmq.Frame("text")
    with pytest.raises(TypeError):
        zmq.Frame(12)


# -- as pyzmq's (found by tests/differential/probes/p_error.py) ----------------------------


def test_strerror_is_fixed_at_construction_and_assignable():
    e = zmq.ZMQError(errno.EINVAL)
    e.errno = errno.EAGAIN  # the text stays the one of the errno it was made with
    assert str(e) == "Invalid argument"
    e.strerror = "changed"
    assert str(e) == "changed" and repr(e) == "ZMQError('changed')"


def test_str_errno_is_the_message():
    e = zmq.ZMQError("only text")
    assert e.errno is None and e.strerror == "only text" and e.args == ("only text",)


def test_subclasses_fix_their_errno_and_text():
    again = zmq.Again(5, "ignored")
    assert again.errno is zmq.Errno.EAGAIN and str(again) == "Resource temporarily unavailable"
    assert again.args == (5, "ignored")
    term = zmq.ContextTerminated(5, "ignored")
    assert term.errno is zmq.Errno.ETERM and str(term) == "Context was terminated"
    intr = zmq.InterruptedSystemCall(5, "ignored")
    assert intr.errno == errno.EINTR and intr.strerror == "Interrupted system call"
    assert str(intr).startswith("Interrupted system call: This call should have been retried.")
    assert repr(intr) == f"InterruptedSystemCall({str(intr)!r})"


def test_again_raised_by_the_core_carries_its_errno_in_args():
    with zmq.Context() as ctx:
        s = ctx.socket(zmq.PULL)
        try:
            for recv in (s.recv, s.recv_multipart):
                with pytest.raises(zmq.Again) as info:
                    recv(zmq.NOBLOCK)
                assert info.value.args == (errno.EAGAIN,) and info.value.errno is zmq.Errno.EAGAIN
        finally:
            s.close(linger=0)


def test_draft_fd_warning_has_a_default_text():
    assert "simplefilter('ignore', zmq.error.DraftFDWarning)" in str(zmq.error.DraftFDWarning())
    assert str(zmq.error.DraftFDWarning("custom")) == "custom"


# -- the full state of raised errors, as pyzmq's (tests/differential/probes/p_error_objects.py) --


def _again_calls(pull, push):
    return {
        "recv": lambda: pull.recv(zmq.NOBLOCK),
        "recv_nocopy": lambda: pull.recv(zmq.NOBLOCK, copy=False),
        "recv_multipart": lambda: pull.recv_multipart(zmq.NOBLOCK),
        "recv_string": lambda: pull.recv_string(zmq.NOBLOCK),
        "recv_into": lambda: pull.recv_into(bytearray(4), flags=zmq.NOBLOCK),
        "send": lambda: push.send(b"x", zmq.NOBLOCK),
        "send_multipart": lambda: push.send_multipart([b"a", b"b"], zmq.NOBLOCK),
    }


@pytest.mark.parametrize("call", list(_again_calls(None, None)))
def test_raised_again_has_the_instance_dict_of_a_constructed_one(sockets, call):
    fn = _again_calls(sockets(zmq.PULL), sockets(zmq.PUSH))[call]
    caught = []
    for _ in range(2):
        with pytest.raises(zmq.Again) as info:
            fn()
        caught.append(info.value)
    first, second = caught
    assert first is not second  # a fresh object per raise
    expected = {"errno": zmq.Errno.EAGAIN, "strerror": "Resource temporarily unavailable"}
    assert vars(first) == expected == vars(zmq.Again())
    assert first.__reduce__() == (zmq.Again, (errno.EAGAIN,), expected)
    first.errno, first.extra = 1, "mine"  # changing one leaves the next one alone
    with pytest.raises(zmq.Again) as info:
        fn()
    assert vars(info.value) == expected and vars(second) == expected
    back = pickle.loads(pickle.dumps(second))
    assert type(back) is zmq.Again and back.args == (errno.EAGAIN,) and vars(back) == expected


def test_again_after_a_timeout_has_the_same_state(sockets):
    pull = sockets(zmq.PULL, rcvtimeo=1)
    with pytest.raises(zmq.Again) as info:
        pull.recv()
    assert info.value.args == (errno.EAGAIN,)
    assert vars(info.value) == {"errno": zmq.Errno.EAGAIN, "strerror": "Resource temporarily unavailable"}


def test_again_raised_while_handling_an_exception_chains_it(sockets):
    pull = sockets(zmq.PULL)
    try:
        raise KeyError("k")
    except KeyError:
        with pytest.raises(zmq.Again) as info:
            pull.recv(zmq.NOBLOCK)
    assert type(info.value.__context__) is KeyError and info.value.__cause__ is None


def test_error_classes_keep_errno_and_strerror_on_instances():
    # as pyzmq's: no class-level strerror, errno only on ZMQError (None) and EINTR's class
    assert not hasattr(zmq.ZMQError, "strerror") and zmq.ZMQError.errno is None
    assert zmq.Again.errno is None and zmq.ContextTerminated.errno is None
    assert zmq.InterruptedSystemCall.errno == errno.EINTR
    assert vars(zmq.ContextTerminated(1, "x")) == {"errno": zmq.Errno.ETERM, "strerror": "Context was terminated"}
    intr = zmq.InterruptedSystemCall()
    assert vars(intr) == {"errno": errno.EINTR}  # its strerror is OSError's slot
    assert intr.strerror == "Interrupted system call"
    assert vars(zmq.ZMQError("only text")) == {"strerror": "only text"}
    assert list(vars(zmq.ZMQVersionError("9.9"))) == ["msg", "min_version", "version"]


def test_repr_puts_the_text_between_plain_quotes():
    assert repr(zmq.ZMQError(errno.EINVAL, "it's")) == "ZMQError('it's')"
    assert repr(zmq.Again()) == "Again('Resource temporarily unavailable')"


@pytest.mark.parametrize("method", ["bind", "connect"])
def test_bind_and_connect_errors_name_the_address_in_strerror_only(sockets, method):
    s = sockets(zmq.PULL)
    with pytest.raises(zmq.ZMQError) as info:
        getattr(s, method)("bogus://x")
    e = info.value
    assert type(e) is zmq.ZMQError and e.args == (errno.EPROTONOSUPPORT,)
    assert e.strerror == "Protocol not supported (addr='bogus://x')" == str(e)
    assert repr(e) == "ZMQError('Protocol not supported (addr='bogus://x')')"
    back = pickle.loads(pickle.dumps(e))
    assert back.args == e.args and vars(back) == vars(e)


@pytest.mark.parametrize("method", ["unbind", "disconnect"])
def test_unbind_and_disconnect_errors_are_plain(sockets, method):
    s = sockets(zmq.PULL)
    with pytest.raises(zmq.ZMQError) as info:
        getattr(s, method)("tcp://127.0.0.1:1")
    e = info.value
    assert type(e) is zmq.ZMQError and e.args == ()
    assert vars(e) == {"errno": errno.ENOENT, "strerror": "No such file or directory"}


def test_endpoint_errors_on_a_closed_socket(context):
    s = context.socket(zmq.PULL)
    s.close()
    for method in ("bind", "connect", "unbind", "disconnect"):
        with pytest.raises(TypeError):  # the argument is checked first
            getattr(s, method)(5)
        with pytest.raises(zmq.ZMQError) as info:
            getattr(s, method)("inproc://x")
        assert info.value.errno == errno.ENOTSOCK and info.value.args == (errno.ENOTSOCK,)
        named = method in ("bind", "connect")
        assert ("(addr='inproc://x')" in str(info.value)) is named


def test_bind_to_a_too_long_ipc_path_is_explained_with_empty_args(sockets, tmp_path):
    path = str(tmp_path) + "/" + "a" * zmq.IPC_PATH_MAX_LEN
    with pytest.raises(zmq.ZMQError) as info:
        sockets(zmq.PULL).bind("ipc://" + path)
    e = info.value
    assert e.args == () and e.errno == errno.ENAMETOOLONG
    assert e.strerror.startswith(f'ipc path "{path}" is longer than {zmq.IPC_PATH_MAX_LEN} characters')
    assert e.strerror.endswith(f"(addr='ipc://{path}')")


def test_failed_socket_creation_is_a_plain_error_with_empty_args(context):
    with pytest.raises(zmq.ZMQError) as info:
        context.socket(9999)
    assert type(info.value) is zmq.ZMQError and info.value.args == ()
    assert vars(info.value) == {"errno": errno.EINVAL, "strerror": "Invalid argument"}


def test_exhausted_bind_to_random_port_names_the_range(sockets):
    taken = sockets(zmq.PULL)
    port = taken.bind_to_random_port("tcp://127.0.0.1")
    with pytest.raises(zmq.ZMQBindError) as info:
        sockets(zmq.PULL).bind_to_random_port("tcp://127.0.0.1", min_port=port, max_port=port + 1, max_tries=2)
    assert str(info.value) == f"could not bind tcp://127.0.0.1 to a port in [{port}, {port + 1}) in 2 tries"
