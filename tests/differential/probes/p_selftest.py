"""Probes of the harness itself (the test asserts how each one compares)."""
import zmq
from _probe import call, probe, rec


@probe
def probe_which_binding():
    # differs by construction: the harness must see the difference
    rec("site-packages" in zmq.__file__)


@probe(timeout=0.5)
def probe_hang_is_observed():
    import time

    rec("before")
    time.sleep(3)  # (the hang the harness must observe, past the 0.5 s timeout)
    rec("after")


@probe
def probe_exception_is_observed():
    call(zmq.Context().socket, 12345)
    rec(zmq.ZMQError(zmq.EAGAIN))
