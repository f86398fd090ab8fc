"""Shared fixtures. First of all: make sure we test this checkout's zmq, never another."""
from __future__ import annotations

import os
import sys

import pytest

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

import zmq  # noqa: E402

if not os.path.abspath(zmq.__file__).startswith(os.path.join(_ROOT, "zmq") + os.sep):
    raise pytest.UsageError(
        f"the zmq under test is {zmq.__file__}, not this checkout's ({_ROOT}/zmq): "
        "another zmq (pyzmq?) is shadowing cyzmq. Run the tests through `make test`."
    )

# A failing test must never hang CI: every socket made by the fixtures has bounded waits.
TIMEOUT_MS = 5000


@pytest.fixture
def context():
    """A fresh Context, terminated (after closing leftover sockets) at teardown."""
    ctx = zmq.Context()
    yield ctx
    ctx.destroy(linger=0)


@pytest.fixture
def sockets(context):
    """A factory ``sockets(zmq.PUSH)`` for sockets with linger=0 and 5 s timeouts."""
    made = []

    def make(socket_type, **options):
        s = context.socket(socket_type)
        s.linger = 0
        s.rcvtimeo = TIMEOUT_MS
        s.sndtimeo = TIMEOUT_MS
        for name, value in options.items():
            setattr(s, name, value)
        made.append(s)
        return s

    yield make
    for s in made:
        s.close(linger=0)


_counter = iter(range(10**9))
_ipc_dir: str | None = None


@pytest.fixture(scope="session", autouse=True)
def _ipc_directory(tmp_path_factory):
    """ipc endpoints live in one pytest-managed temporary directory (nothing left in /tmp)."""
    global _ipc_dir
    _ipc_dir = str(tmp_path_factory.mktemp("ipc"))
    yield


def endpoint(transport: str, tmp_path=None) -> str:
    """A fresh endpoint for ``transport``: inproc, ipc (in a temp dir) or tcp (127.0.0.1, random port)."""
    n = next(_counter)
    if transport == "inproc":
        return f"inproc://cyzmq-test-{os.getpid()}-{n}"
    if transport == "ipc":
        assert _ipc_dir is not None, "endpoint('ipc') needs the session's ipc directory"
        return f"ipc://{_ipc_dir}/s{n}"
    if transport == "tcp":
        return "tcp://127.0.0.1:*"
    raise ValueError(transport)


@pytest.fixture(params=["inproc", "ipc", "tcp"])
def transport(request):
    """Each test using it runs over inproc, ipc and tcp."""
    return request.param


@pytest.fixture
def bound_pair(sockets, transport):
    """A factory ``bound_pair(zmq.PUSH, zmq.PULL)`` -> (bound socket, connected socket)."""

    def make(type_a, type_b):
        a = sockets(type_a)
        b = sockets(type_b)
        a.bind(endpoint(transport))
        b.connect(a.last_endpoint.decode())
        return a, b

    return make


def pytest_collection_modifyitems(session, config, items):
    """Tell the differential harness which probe modules the selected tests need (only those run)."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "probe_id" in callspec.params:
            item.module.SELECTED.add(callspec.params["probe_id"].split("::")[0])
