"""The socket option table (buildutils/option_table.py) against zmq.h and a real libzmq, and
the option attributes served from it (s.rcvmore, s.linger...) over real sockets."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from _helpers import needs_cython_backend

import zmq

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
from buildutils.option_table import OPTIONS  # noqa: E402

ZMQ_H = "/usr/include/zmq.h"
STABLE = [row for row in OPTIONS if row.origin == "stable"]


def test_generated_files_are_current():
    proc = subprocess.run([sys.executable, "-m", "buildutils.options_gen", "--check"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_every_socket_option_has_one_row():
    canonical = {name for name, member in zmq.SocketOption.__members__.items() if member.name == name}
    assert sorted(row.name for row in OPTIONS) == sorted(canonical)


@pytest.mark.skipif(not os.path.exists(ZMQ_H), reason=f"no {ZMQ_H} to compare with")
def test_numbers_are_those_of_zmq_h():
    with open(ZMQ_H) as f:
        defined = dict(re.findall(r"^#define ZMQ_([A-Z0-9_]+) (\d+)\b", f.read(), re.M))
    checked = 0
    for row in OPTIONS:
        if row.name in defined and row.origin != "pseudo":
            assert int(zmq.SocketOption[row.name]) == int(defined[row.name]), row.name
            checked += 1
    # every stable option is in the 4.3 header (HWM is not a libzmq 4 option)
    assert checked >= len(STABLE)


def test_backend_data_matches_the_table():
    from zmq.backend import _optkinds

    for row in OPTIONS:
        number = int(zmq.SocketOption[row.name])
        expected = getattr(_optkinds, row.kind.upper())
        assert _optkinds.KINDS.get(number, _optkinds.INT) == expected, row.name
        assert (number in _optkinds.READ_ONLY) == (row.access == "r"), row.name
        assert (number in _optkinds.WRITE_ONLY) == (row.access == "w"), row.name


@pytest.mark.parametrize("row", [r for r in STABLE if "r" in r.access], ids=lambda r: r.name)
def test_readable_options_read_with_their_kind(sockets, row):
    s = sockets(zmq.DEALER)
    value = s.get(zmq.SocketOption[row.name])
    assert isinstance(value, bytes if row.kind in ("bytes", "str", "curve_key") else int)


@pytest.mark.parametrize("row", [r for r in STABLE if r.access == "w"], ids=lambda r: r.name)
def test_write_only_options_refuse_reading(sockets, row):
    s = sockets(zmq.DEALER)
    with pytest.raises(zmq.ZMQError) as e:
        s.get(zmq.SocketOption[row.name])
    assert e.value.errno == zmq.EINVAL
    with pytest.raises(AttributeError, match="write-only"):
        getattr(s, row.name)


@pytest.mark.parametrize("row", [r for r in STABLE if r.access == "r"], ids=lambda r: r.name)
def test_read_only_options_refuse_writing(sockets, row):
    s = sockets(zmq.DEALER)
    with pytest.raises(zmq.ZMQError) as e:
        s.set(zmq.SocketOption[row.name], 0 if row.kind in ("int", "fd") else b"x")
    assert e.value.errno == zmq.EINVAL


def test_attributes_read_live_values(sockets):
    a = sockets(zmq.PAIR)
    b = sockets(zmq.PAIR)
    a.bind("inproc://option-table-live")
    b.connect("inproc://option-table-live")
    assert b.rcvmore == 0 and not b.events & zmq.POLLIN
    a.send_multipart([b"1", b"2"])
    assert b.poll(2000) == zmq.POLLIN
    assert b.EVENTS & zmq.POLLIN
    assert b.recv() == b"1"
    assert b.rcvmore == 1 and b.RCVMORE == 1 and b.Rcvmore == 1
    assert b.recv() == b"2"
    assert b.rcvmore == 0
    assert a.TYPE is zmq.PAIR and a.Type is zmq.PAIR
    assert isinstance(a.fd, int) and a.fd == a.get(zmq.FD) and a.FD == a.fd
    assert a.last_endpoint == a.Last_Endpoint == b"inproc://option-table-live"


def test_attribute_writes(sockets):
    s = sockets(zmq.DEALER)
    s.linger = 7
    assert s.linger == 7 == s.get(zmq.LINGER)
    s.Linger = 0
    assert s.LINGER == 0
    s.maxmsgsize = 2**40
    assert s.maxmsgsize == 2**40
    s.affinity = 2**63
    assert s.affinity == 2**63
    s.routing_id = b"me"
    assert s.identity == b"me"
    s.linger = True  # an int subclass: through set(), as any other value
    assert s.linger == 1
    with pytest.raises(OverflowError):
        s.linger = 2**40
    with pytest.raises(TypeError):
        s.linger = 1.5
    with pytest.raises(TypeError):
        s.linger = "0"
    with pytest.raises(zmq.ZMQError) as e:
        s.rcvmore = 1
    assert e.value.errno == zmq.EINVAL
    with pytest.raises(AttributeError, match="no such option"):
        s.lingr = 0
    with pytest.raises(AttributeError):
        del s.linger
    assert s.linger == 1


def test_attributes_on_a_closed_socket(sockets):
    s = sockets(zmq.DEALER)
    s.close()
    for read in (lambda: s.rcvmore, lambda: s.linger, lambda: s.fd, lambda: s.identity, lambda: s.maxmsgsize):
        with pytest.raises(zmq.ZMQError) as e:
            read()
        assert e.value.errno == zmq.ENOTSOCK
    with pytest.raises(zmq.ZMQError) as e:
        s.linger = 0
    assert e.value.errno == zmq.ENOTSOCK


def test_a_subclass_overriding_get_and_set_is_asked(sockets, ctx):
    asked = []

    class Counting(zmq.Socket):
        def get(self, option):
            asked.append(("get", int(option)))
            return super().get(option)

        def set(self, option, value):
            asked.append(("set", int(option)))
            super().set(option, value)

    s = Counting(ctx, zmq.DEALER)
    asked.clear()  # (Socket.__init__ reads TYPE)
    try:
        assert s.rcvmore == 0
        s.linger = 0
        assert s.linger == 0
        plain = sockets(zmq.DEALER)
        assert plain.rcvmore == 0  # a plain socket in between does not confuse the cache
        assert s.events in (0, zmq.POLLOUT)
    finally:
        s.close()
    assert asked == [("get", zmq.RCVMORE), ("set", zmq.LINGER), ("get", zmq.LINGER), ("get", zmq.EVENTS)]


def test_a_class_patched_after_use_is_asked_from_then_on(ctx):
    class Late(zmq.Socket):
        pass

    s = Late(ctx, zmq.DEALER)
    try:
        assert s.linger == -1
        Late.get = lambda self, option: "patched"
        assert s.linger == "patched"
        del Late.get
        assert s.linger == -1
    finally:
        s.close()


@needs_cython_backend
def test_compiled_attributes_are_installed_under_every_spelling():
    from zmq.backend.cython._optattr import OptionAttribute

    for name in ("rcvmore", "RCVMORE", "linger", "Linger", "fd", "FD", "TYPE", "last_endpoint", "Last_Endpoint"):
        descr = zmq.Socket.__dict__[name]
        assert isinstance(descr, OptionAttribute)
        assert descr.option == zmq.SocketOption[name.upper()]
    assert zmq.Socket.__dict__["rcvmore"] is zmq.Socket.__dict__["RCVMORE"]
    assert "RCVMORE" in (zmq.Socket.rcvmore.__doc__ or "")
