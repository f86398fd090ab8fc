"""Safe recv_pyobj: signed (HMAC-SHA256) and restricted (allow-listed classes) pickles."""
from __future__ import annotations

import asyncio
import datetime
import os
import pickle
from pathlib import Path

import pytest
from _helpers import pypy_collect

import zmq
import zmq.asyncio
from zmq.sugar.socket import PickleRefused

KEY = b"shared secret of the peers"


class _CreatesFile:
    """Unpickling this calls open(path, 'w'): a file appears (a stand-in for any code)."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (self.path, "w"))


def _pair(ctx: zmq.Context) -> tuple[zmq.Socket, zmq.Socket]:
    a, b = ctx.socket(zmq.PAIR), ctx.socket(zmq.PAIR)
    for s in (a, b):
        s.linger = 0
        s.rcvtimeo = 5000
    a.bind("inproc://safe-pickle")
    b.connect("inproc://safe-pickle")
    return a, b


@pytest.fixture
def pair():
    ctx = zmq.Context()
    a, b = _pair(ctx)
    yield a, b
    a.close()
    b.close()
    ctx.term()


def test_default_is_pyzmqs_compiled_path(pair) -> None:
    a, b = pair
    assert "recv_pyobj" not in vars(b) and type(b).recv_pyobj is zmq.backend.Socket.recv_pyobj
    assert b.pickle_security == (None, None)
    a.send_pyobj({"x": 1})
    assert b.recv_pyobj() == {"x": 1}


def test_signed_round_trip_and_refusals(pair, tmp_path: Path) -> None:
    a, b = pair
    a.set_pickle_security(key=KEY)
    b.set_pickle_security(key=KEY)
    a.send_pyobj({"ok": [1, 2.5, "three"]})
    assert b.recv_pyobj() == {"ok": [1, 2.5, "three"]}
    target = tmp_path / "pwned"
    evil = pickle.dumps(_CreatesFile(target))
    refused = 0
    # unsigned
    a.send(evil)
    with pytest.raises(PickleRefused, match="not signed"):
        b.recv_pyobj()
    refused += 1
    # signed with another key (by hand, as a peer would)
    import hashlib
    import hmac

    a.send(b"cyzmq-hmac-sha256:" + hmac.new(b"wrong key", evil, hashlib.sha256).digest() + evil)
    with pytest.raises(PickleRefused, match="signature does not match"):
        b.recv_pyobj()
    refused += 1
    # a valid signature over a different pickle (tampered in transit)
    good = hmac.new(KEY, b"other", hashlib.sha256).digest()
    a.send(b"cyzmq-hmac-sha256:" + good + evil)
    with pytest.raises(PickleRefused):
        b.recv_pyobj()
    refused += 1
    # truncated
    a.send(b"cyzmq-hmac-sha256:short")
    with pytest.raises(PickleRefused):
        b.recv_pyobj()
    refused += 1
    assert not target.exists()
    assert refused == 4
    a.send_pyobj("still usable")
    assert b.recv_pyobj() == "still usable"
    assert isinstance(PickleRefused("x"), pickle.UnpicklingError)


def test_restricted_refuses_other_classes(pair, tmp_path: Path) -> None:
    a, b = pair
    b.set_pickle_security(allowed=[datetime.date, "datetime.timedelta"])
    assert b.pickle_security == (None, frozenset({"datetime.date", "datetime.timedelta"}))
    a.send_pyobj([datetime.date(2026, 12, 1), datetime.timedelta(3), {"plain": (1, b"2")}])
    assert b.recv_pyobj() == [datetime.date(2026, 12, 1), datetime.timedelta(3), {"plain": (1, b"2")}]
    target = tmp_path / "pwned"
    for payload in (_CreatesFile(target), datetime.datetime(2026, 1, 1)):
        a.send_pyobj(payload)
        with pytest.raises(PickleRefused, match="not on this socket's allow-list"):
            b.recv_pyobj()
    a.send(b"cos\nsystem\n(S'touch " + str(target).encode() + b"'\ntR.")  # protocol 0 os.system
    with pytest.raises(PickleRefused, match="os.system|posix.system"):
        b.recv_pyobj()
    assert not target.exists()
    a.send_pyobj(datetime.date(2000, 1, 1))
    assert b.recv_pyobj() == datetime.date(2000, 1, 1)


def test_signed_and_restricted_combined_and_reset(pair, tmp_path: Path) -> None:
    a, b = pair
    a.set_pickle_security(key=KEY)
    b.set_pickle_security(key=KEY, allowed=[])
    target = tmp_path / "pwned"
    a.send_pyobj(_CreatesFile(target))  # signed by a key holder, still not allowed
    with pytest.raises(PickleRefused):
        b.recv_pyobj()
    assert not target.exists()
    b.set_pickle_security()
    assert "recv_pyobj" not in vars(b) and b.pickle_security == (None, None)
    a.set_pickle_security()
    a.send_pyobj(3)
    assert b.recv_pyobj() == 3


def test_context_default_and_socket_override(tmp_path: Path) -> None:
    ctx = zmq.Context()
    ctx.set_pickle_security(key=KEY)
    a, b = _pair(ctx)
    assert a.pickle_security == (KEY, None) and b.pickle_security == (KEY, None)
    a.send_pyobj({"signed": True})
    assert b.recv_pyobj() == {"signed": True}
    b.set_pickle_security(key=b"another")
    a.send_pyobj(1)
    with pytest.raises(PickleRefused):
        b.recv_pyobj()
    ctx.set_pickle_security()
    c = ctx.socket(zmq.PAIR)
    assert c.pickle_security == (None, None)
    with pytest.raises(TypeError):
        ctx.set_pickle_security(key="text")
    with pytest.raises(ValueError):
        a.set_pickle_security(key=b"")
    for s in (a, b, c):
        s.close()
    ctx.term()


def test_safe_methods_do_not_keep_the_socket_alive() -> None:
    import gc
    import weakref

    ctx = zmq.Context()
    s = ctx.socket(zmq.PAIR)
    s.set_pickle_security(key=KEY)
    s.close()
    ref = weakref.ref(s)
    del s
    pypy_collect()
    assert ref() is None  # freed by refcount: no cycle through the instance methods
    gc.collect()
    ctx.term()


def test_asyncio_sockets_honour_the_modes(tmp_path: Path) -> None:
    target = tmp_path / "pwned"

    async def main() -> None:
        ctx = zmq.asyncio.Context()
        ctx.set_pickle_security(key=KEY)
        a, b = ctx.socket(zmq.PAIR), ctx.socket(zmq.PAIR)
        a.linger = b.linger = 0
        a.bind("inproc://async-safe")
        b.connect("inproc://async-safe")
        await a.send_pyobj({"n": 1})
        assert await asyncio.wait_for(b.recv_pyobj(), 5) == {"n": 1}
        await a.send(pickle.dumps(_CreatesFile(target)))  # unsigned
        with pytest.raises(PickleRefused):
            await asyncio.wait_for(b.recv_pyobj(), 5)
        b.set_pickle_security(key=KEY, allowed=[])
        await a.send_pyobj(_CreatesFile(target))
        with pytest.raises(PickleRefused):
            await asyncio.wait_for(b.recv_pyobj(), 5)
        await a.send_pyobj([1, 2])
        assert await asyncio.wait_for(b.recv_pyobj(), 5) == [1, 2]
        a.close()
        b.close()
        ctx.term()

    asyncio.run(main())
    assert not target.exists()
    assert not os.path.exists(target)


def test_green_sockets_honour_the_modes(tmp_path: Path) -> None:
    pytest.importorskip("gevent")
    import zmq.green as gzmq

    target = tmp_path / "pwned"
    ctx = gzmq.Context()
    a, b = ctx.socket(zmq.PAIR), ctx.socket(zmq.PAIR)
    a.linger = b.linger = 0
    b.rcvtimeo = 5000
    a.bind("inproc://green-safe")
    b.connect("inproc://green-safe")
    a.set_pickle_security(key=KEY)
    b.set_pickle_security(key=KEY)
    a.send_pyobj({"g": 1})
    assert b.recv_pyobj() == {"g": 1}
    a.send(pickle.dumps(_CreatesFile(target)))
    with pytest.raises(PickleRefused):
        b.recv_pyobj()
    a.send_pyobj("again")
    assert b.recv_pyobj() == "again"
    assert not target.exists()
    a.close()
    b.close()
    ctx.term()
