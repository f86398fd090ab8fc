"""The Cython API: a third-party extension doing ``from zmq cimport Socket, Frame, Context,
libzmq`` builds against ``zmq.get_includes()`` and works on live sockets.

tests/cython_ext.pyx is compiled once per module (cythonize + build_ext in a subprocess,
into a temporary directory) and loaded from there.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import textwrap
import threading

import pytest

import zmq
from _helpers import connected_pair, needs_cython_backend

pytest.importorskip("Cython")
# `from zmq cimport Socket` builds against the compiled backend's types
pytestmark = needs_cython_backend

HERE = os.path.dirname(os.path.abspath(__file__))
# The checkout whose zmq is under test (conftest.py makes sure it is this one).
ZMQ_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(zmq.__file__)))

SETUP = textwrap.dedent(
    """
    import zmq
    from Cython.Build import cythonize
    from setuptools import Extension, setup

    includes = zmq.get_includes()
    ext = Extension("cython_ext", ["cython_ext.pyx"], include_dirs=includes, libraries=["zmq"])
    # include_path: where cythonize looks for zmq/__init__.pxd (needed whenever zmq is not
    # on sys.path as a plain directory, e.g. an editable install).
    setup(
        name="cython_ext",
        ext_modules=cythonize([ext], include_path=includes, quiet=True),
        script_args=["build_ext", "--inplace", "--build-temp", "build"],
    )
    """
)


@pytest.fixture(scope="module")
def ext(tmp_path_factory):
    """The compiled tests/cython_ext.pyx module."""
    build_dir = tmp_path_factory.mktemp("cython_ext")
    shutil.copy(os.path.join(HERE, "cython_ext.pyx"), build_dir)
    (build_dir / "setup_ext.py").write_text(SETUP)
    env = dict(os.environ, PYTHONPATH=ZMQ_ROOT)
    try:
        proc = subprocess.run(
            [sys.executable, "setup_ext.py"], cwd=build_dir, env=env,
            capture_output=True, text=True, timeout=50,
        )
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"building cython_ext took more than {e.timeout} s")
    if proc.returncode != 0:
        pytest.fail(f"building cython_ext failed:\n{proc.stdout}\n{proc.stderr}")
    built = [p for p in build_dir.iterdir() if p.name.startswith("cython_ext.") and p.suffix in (".so", ".pyd")]
    assert len(built) == 1, sorted(p.name for p in build_dir.iterdir())
    spec = importlib.util.spec_from_file_location("cython_ext", built[0])
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def pair(sockets):
    """A connected (PUSH, PULL) pair over inproc."""
    pull, push = connected_pair(sockets, zmq.PULL, zmq.PUSH)
    return push, pull


def test_get_includes_finds_the_pxd_and_header():
    dirs = zmq.get_includes()
    assert all(os.path.isabs(d) and os.path.isdir(d) for d in dirs)

    def found(rel):
        return any(os.path.isfile(os.path.join(d, rel)) for d in dirs)

    assert found(os.path.join("zmq", "__init__.pxd"))
    assert found(os.path.join("zmq", "backend", "cython", "socket.pxd"))
    assert found("zmq_compat.h")  # included (as "zmq_compat.h") by libzmq.pxd


def test_raw_zmq_send_on_socket_handle(ext, pair):
    push, pull = pair
    assert ext.send_n(push, 50, b"payload") == 50
    got = [pull.recv() for _ in range(50)]
    assert got == [b"payload"] * 50


def test_raw_zmq_msg_recv_on_socket_handle(ext, pair):
    push, pull = pair
    for i in range(10):
        push.send(b"x" * i)
    assert ext.recv_n(pull, 10) == sum(range(10))


def test_raw_calls_release_the_gil(ext, pair):
    # recv_n waits in libzmq without the GIL, so this thread can send meanwhile.
    push, pull = pair
    result = []
    t = threading.Thread(target=lambda: result.append(ext.recv_n(pull, 3)))
    t.start()
    try:
        for _ in range(3):
            push.send(b"abc")
    finally:
        t.join(10)
    assert result == [9]


def test_send_recv_on_typed_sockets_and_frame_zmq_msg(ext, pair):
    push, pull = pair
    size, first, more = ext.roundtrip(push, pull, b"hello frame")
    assert (size, first, more) == (11, ord("h"), True)
    push.send(b"as bytes")
    assert ext.recv_bytes(pull) == b"as bytes"


def test_cdef_send_buf_and_recv_msg(ext, pair):
    push, pull = pair
    ext.c_send(push, b"head", zmq.SNDMORE)
    ext.c_send(push, b"straight from C")
    head = ext.c_recv(pull)
    frame = ext.c_recv(pull)
    assert isinstance(frame, zmq.Frame)
    assert (head.bytes, head.more) == (b"head", True)
    assert (frame.bytes, frame.more) == (b"straight from C", False)
    # The C paths keep the Python semantics: NOBLOCK and RCVTIMEO give zmq.Again.
    with pytest.raises(zmq.Again):
        ext.c_recv(pull, zmq.NOBLOCK)
    pull.rcvtimeo = 10
    with pytest.raises(zmq.Again):
        ext.c_recv(pull)


def test_frame_zmq_msg_of_constructed_and_received_frames(ext, pair):
    push, pull = pair
    assert ext.frame_size(zmq.Frame(b"12345")) == 5
    assert ext.frame_size(zmq.Frame()) == 0
    big = bytearray(200_000)
    push.send(big, copy=False)
    frame = pull.recv(copy=False)
    assert ext.frame_size(frame) == len(frame) == 200_000


def test_tracked_send_at_c_level(ext, pair):
    push, pull = pair
    data = bytearray(b"t" * 100_000)
    tracker = ext.tracked_send(push, data)
    assert isinstance(tracker, zmq.MessageTracker)
    assert pull.recv() == bytes(data)
    tracker.wait(5)
    assert tracker.done


def test_context_and_socket_handles(ext, context, pair):
    push, pull = pair
    assert ext.context_handle_matches(context)
    assert ext.socket_type(push) == zmq.PUSH
    assert ext.socket_type(pull) == zmq.PULL


def test_inline_check_usable_and_type_checks(ext, sockets):
    s = sockets(zmq.PAIR)
    assert ext.check_usable(s)
    s.close()
    with pytest.raises(zmq.ZMQError) as info:
        ext.check_usable(s)
    assert info.value.errno == zmq.ENOTSOCK
    with pytest.raises(ValueError, match="closed"):
        ext.send_n(s, 1, b"x")
    with pytest.raises(TypeError):
        ext.send_n(object(), 1, b"x")


def test_libzmq_constants_are_cimportable(ext):
    # `from zmq cimport libzmq` exposes zmq.h's ZMQ_* constants, with zmq's values.
    got = ext.constants()
    for name, value in got.items():
        assert value == getattr(zmq, name), name
    assert got["PUSH"] == zmq.PUSH and got["SNDMORE"] == zmq.SNDMORE and got["LINGER"] == zmq.LINGER


def test_raw_socket_made_with_libzmq_constants(ext, context, sockets):
    pull = sockets(zmq.PULL)
    addr = f"inproc://cython-api-constants-{id(pull):x}"
    pull.bind(addr)
    assert ext.push_with_linger(context, addr, 2000, [b"one", b"two", b"three"]) == 2000
    assert pull.recv_multipart() == [b"one", b"two", b"three"]
