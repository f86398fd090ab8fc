"""Makes sure we test this checkout's zmq, never another; registers the fixtures of _helpers.py."""
from __future__ import annotations

import os
import signal

import pytest

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

import zmq  # noqa: E402

if not os.path.abspath(zmq.__file__).startswith(os.path.join(_ROOT, "zmq") + os.sep):
    raise pytest.UsageError(
        f"the zmq under test is {zmq.__file__}, not this checkout's ({_ROOT}/zmq): "
        "another zmq (pyzmq?) is shadowing cyzmq. Run the tests through `make test`."
    )

# Started in the background by a shell without job control (`cmd &` in a script, nohup), the
# run inherits SIGINT ignored, and so would every child it starts: the tests that press Ctrl-C
# on a child (a blocking recv, `python -m zmq.log`) would wait for nothing. Ctrl-C is what
# they test, so the run gives its children the default disposition a terminal gives.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

# The shared fixtures and helpers live in _helpers.py; imported here, the fixtures are
# available to every test module (and `from conftest import endpoint` keeps working).
from _helpers import (  # noqa: E402,F401
    TIMEOUT_MS,
    _ipc_directory,
    bound_pair,
    close_made_sockets,
    context,
    ctx,
    endpoint,
    pipe,
    sockets,
    sockpair,
    transport,
)


def pytest_collection_modifyitems(session, config, items):
    """Tell the differential harness which probe modules the selected tests need (only those run)."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "probe_id" in callspec.params:
            item.module.SELECTED.add(callspec.params["probe_id"].split("::")[0])
