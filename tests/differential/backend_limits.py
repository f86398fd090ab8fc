"""Differences from pyzmq that come with a backend itself, not with a choice of cyzmq's.

pyzmq on CPython (the oracle) is a compiled Cython extension, and so is cyzmq's default
backend: every probe compares those two. ``make test-cffi`` runs the same probes with
``ZMQ_BACKEND=cffi``, where cyzmq's backend is plain Python over CFFI. A few probes observe
exactly that, what the objects *are*, rather than what they do: those are listed here, per
backend, with the reason (docs/howto/backends.md). The differential test reports them as
expected failures (XFAIL, with the reason) and fails when one stops differing.

Nothing that a program sees through zmq's API may be listed: a behaviour the CFFI backend
gets wrong is fixed, not listed.
"""

BACKEND_LIMITS: dict[str, dict[str, str]] = {
    "cffi": {
        "p_backend::backend_public_names":
            "the backend's functions are Python functions, not Cython ones (type name 'function')",
        "p_backend::backend_select_backend":
            "zmq.backend is the selected CFFI backend, so zmq.backend.cython's objects are other ones",
        "p_backend::frame_and_socket_from_backend":
            "zmq.backend is the selected CFFI backend, so zmq.backend.cython's objects are other ones",
        "p_frame::frame_signature":
            "Frame is a Python class, so inspect.signature(zmq.Frame) finds its __init__; "
            "a Cython type has no signature (ValueError)",
    },
}
