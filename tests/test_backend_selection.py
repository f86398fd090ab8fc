"""The backend is chosen in one place (zmq/backend/__init__.py): ZMQ_BACKEND, else the platform."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

import zmq
import zmq.backend

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "ZMQ_BACKEND"}
    environ.update(env)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True,
                          text=True, timeout=60)


@pytest.mark.parametrize("name", ["cython", "cffi"])
def test_zmq_backend_names_the_backend(name):
    if name == "cython" and sys.implementation.name == "pypy":
        pytest.skip("the compiled backend is not built on PyPy")
    out = _run("import zmq; print(zmq.backend.BACKEND, type(zmq.Socket.__mro__[1]).__module__, "
               "zmq.Socket.__mro__[1].__module__)", ZMQ_BACKEND=name)
    assert out.returncode == 0, out.stderr
    backend, _, module = out.stdout.split()
    assert backend == name
    assert module.startswith(f"zmq.backend.{name}.")


def test_default_is_cffi_on_pypy_and_cython_on_cpython():
    out = _run("import zmq; print(zmq.backend.BACKEND)")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ("cffi" if sys.implementation.name == "pypy" else "cython")


def test_an_unknown_backend_is_a_clear_import_error():
    out = _run("import zmq", ZMQ_BACKEND="rust")
    assert out.returncode != 0
    assert "ImportError" in out.stderr and "ZMQ_BACKEND='rust'" in out.stderr and "cffi" in out.stderr


def test_both_backends_provide_the_same_names():
    cffi = zmq.backend.select_backend("zmq.backend.cffi")
    assert sorted(cffi) == sorted(["monitored_queue", *zmq.backend.public_api])
    if zmq.backend.BACKEND == "cython":
        assert sorted(zmq.backend.select_backend("zmq.backend.cython")) == sorted(cffi)


def test_the_cffi_backend_talks_to_libzmq():
    b = zmq.backend.select_backend("zmq.backend.cffi")
    assert b["zmq_version_info"]() == zmq.zmq_version_info()
    ctx = b["Context"]()
    a, c = b["Socket"](ctx, zmq.PAIR), b["Socket"](ctx, zmq.PAIR)
    try:
        a._bind("inproc://backend-selection")
        c._connect("inproc://backend-selection")
        a.send(b"through cffi")
        assert c.recv() == b"through cffi"
    finally:
        a.close(linger=0)
        c.close(linger=0)
        ctx.term()
