"""The CFFI backend's zero-copy release path (zmq/backend/cffi/_release.py): libzmq's free
function is a libc call that needs no GIL, and the buffers and trackers it releases."""
from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest
from _helpers import pypy_collect

import zmq

pytestmark = pytest.mark.skipif(zmq.backend.BACKEND != "cffi", reason="tests the CFFI backend's internals")

SIZE = 200_000  # above the copy threshold: really shared
WAIT = 5


@pytest.fixture
def pair():
    ctx = zmq.Context()
    a, b = ctx.socket(zmq.PAIR), ctx.socket(zmq.PAIR)
    for s in (a, b):
        s.linger = 0
        s.rcvtimeo = s.sndtimeo = 5000
    a.bind("inproc://cffi-release")
    b.connect("inproc://cffi-release")
    yield a, b
    a.close()
    b.close()
    ctx.term()


def test_the_free_function_is_libcs_not_a_python_callback():
    from zmq.backend.cffi import _release
    from zmq.backend.cffi._ffi import ffi

    address = int(ffi.cast("uintptr_t", _release.FREE_FN))
    assert address == int(ffi.cast("uintptr_t", _release._libc.putw))


def test_a_buffer_sent_twice_is_kept_until_both_messages_are_released(pair):
    a, b = pair
    payload = os.urandom(SIZE)
    first = a.send(payload, copy=False, track=True)
    second = a.send(payload, copy=False, track=True)
    one = b.recv(copy=False)
    assert one.bytes == payload
    del one
    pypy_collect()
    # A release of another buffer, after that one: once its tracker is done, the reader has
    # handled every record written before it (the pipe keeps their order), that one's too.
    later = b.send(os.urandom(SIZE), copy=False, track=True)
    assert len(a.recv()) == SIZE
    later.wait(WAIT)
    # the release record cannot say which message of the shared buffer went: late, never early
    assert not first.done and not second.done
    assert b.recv() == payload
    first.wait(WAIT)
    second.wait(WAIT)


def test_releases_reach_trackers_while_another_thread_waits(pair):
    a, b = pair
    trackers = [a.send(bytearray(SIZE), copy=False, track=True) for _ in range(50)]
    waiter = threading.Thread(target=trackers[-1].wait, args=(WAIT,))
    waiter.start()
    for _ in trackers:
        assert len(b.recv()) == SIZE
    waiter.join(WAIT)
    assert not waiter.is_alive()
    for t in trackers:
        t.wait(WAIT)


_CHILD = r"""
import os, sys
import zmq
ctx = zmq.Context()
a, b = ctx.socket(zmq.PAIR), ctx.socket(zmq.PAIR)
a.linger = b.linger = 0
a.bind("inproc://x"); b.connect("inproc://x")
a.send(bytearray(200000), copy=False)  # starts the release pipe in the parent
assert len(b.recv()) == 200000
a.close(); b.close(); ctx.term()
pid = os.fork()
if pid == 0:
    ctx = zmq.Context()
    a, b = ctx.socket(zmq.PAIR), ctx.socket(zmq.PAIR)
    a.linger = b.linger = 0
    a.bind("inproc://y"); b.connect("inproc://y")
    t = a.send(bytearray(200000), copy=False, track=True)
    assert len(b.recv()) == 200000
    t.wait(5)
    a.close(); b.close(); ctx.term()
    os._exit(0)
_, status = os.waitpid(pid, 0)
print("child", os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else status >> 8)
"""


def test_a_forked_child_releases_through_its_own_pipe(tmp_path):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=root, ZMQ_BACKEND="cffi")
    proc = subprocess.run([sys.executable, "-c", _CHILD], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "child 0", proc.stdout + proc.stderr
