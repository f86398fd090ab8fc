# cython: language_level=3
"""Module-level libzmq functions: version, capabilities, errors, CURVE keys, poll, proxy."""

from libc.stdlib cimport malloc, free
from libc.stdint cimport uintptr_t

from zmq.backend.cython.libzmq cimport (
    CYZMQ_DRAFT_API, CYZMQ_IPC_PATH_MAX_LEN, EINTR, EINVAL, ENOTSOCK, zmq_pollitem_t, zmq_version, zmq_has, zmq_strerror,
    zmq_curve_keypair, zmq_curve_public, zmq_proxy, zmq_proxy_steerable,
    zmq_poll as c_zmq_poll, zmq_errno as c_zmq_errno,
)
from zmq.backend.cython._check cimport (
    PyErr_CheckSignals, check_rc, c_int_arg, raise_zmq_error, zmq_error, timeout_ms, poll_wait,
)
from zmq.backend.cython.socket cimport Socket
from zmq.backend.cython._poller cimport fill_item

DRAFT_API = bool(CYZMQ_DRAFT_API)

#: The longest ipc:// path this platform can bind or connect to (107 on Linux).
IPC_PATH_MAX_LEN = CYZMQ_IPC_PATH_MAX_LEN


def zmq_version_info():
    """The version of the libzmq in use, as ``(major, minor, patch)``."""
    cdef int major, minor, patch
    zmq_version(&major, &minor, &patch)
    return (major, minor, patch)


def has(capability):
    """Whether the linked libzmq supports a capability.

    Parameters
    ----------
    capability : str
        "ipc", "pgm", "tipc", "norm", "curve", "gssapi" or "draft".

    Returns
    -------
    bool

    Raises
    ------
    TypeError
        ``capability`` is not a str.
    """
    if not isinstance(capability, str):
        raise TypeError(f"capability must be a str such as 'curve', not {type(capability).__name__!r}")
    return bool(zmq_has((<str>capability).encode("utf-8")))


def strerror(errno):
    """libzmq's description of an error number.

    Parameters
    ----------
    errno : int
        A system or libzmq errno (``zmq.EAGAIN``, ``zmq.ETERM``...).

    Returns
    -------
    str
    """
    return zmq_strerror(c_int_arg(errno, "errno")).decode("utf-8", "replace")


def zmq_errno():
    """The errno of the last libzmq call in this thread."""
    return c_zmq_errno()


def curve_keypair():
    """A new CURVE key pair as ``(public, secret)``, each 40 bytes of Z85 text.

    Raises ZMQError(ENOTSUP) if libzmq was built without CURVE."""
    cdef char public_key[41]
    cdef char secret_key[41]
    check_rc(zmq_curve_keypair(public_key, secret_key))
    return public_key[:40], secret_key[:40]


def curve_public(secret_key):
    """The CURVE public key that belongs to a secret key.

    Parameters
    ----------
    secret_key : bytes, bytearray or str
        40 characters of Z85 text.

    Returns
    -------
    bytes
        The 40-byte Z85 public key.

    Raises
    ------
    TypeError
        ``secret_key`` is not bytes, bytearray or str.
    ValueError
        ``secret_key`` is not 40 characters of ASCII (ZMQError EINVAL if they are not Z85).
    ZMQError
        ENOTSUP if libzmq was built without CURVE.
    """
    cdef char public_key[41]
    if isinstance(secret_key, str):
        try:
            secret_key = (<str>secret_key).encode("ascii")
        except UnicodeEncodeError:
            raise ValueError("secret_key must be 40 characters of Z85 text (ASCII)") from None
    elif isinstance(secret_key, bytearray):
        secret_key = bytes(secret_key)
    elif not isinstance(secret_key, bytes):
        raise TypeError(f"secret_key must be bytes or str, not {type(secret_key).__name__!r}")
    if len(secret_key) != 40:
        raise ValueError("secret_key must be 40 characters of Z85 text")
    if b"\0" in secret_key:
        # libzmq reads a C string: it would decode a short key into uninitialised memory.
        raise_zmq_error(EINVAL)
    check_rc(zmq_curve_public(public_key, secret_key))
    return public_key[:40]


cdef void *_socket_handle(object s, str role, bint optional=True) except? NULL:
    if s is None and optional:
        return NULL
    if not isinstance(s, Socket):
        raise TypeError(f"{role} must be a zmq.Socket, not {type(s).__name__!r}")
    (<Socket>s)._check_usable()
    return (<Socket>s).handle


cdef int _recheck_sockets(object sockets, zmq_pollitem_t *items, int n) except -1:
    """After signal handlers ran during the wait: did one of them close one of the sockets?"""
    cdef int i
    for i in range(n):
        obj = sockets[i][0]
        if isinstance(obj, Socket) and (<Socket>obj).handle != items[i].socket:
            raise zmq_error(ENOTSOCK)
    return 0


cdef int _wait_marked(zmq_pollitem_t *items, Py_ssize_t n, long ms, object sockets) except -1:
    """poll_wait with every polled Socket marked busy (thread guard) while the GIL is released."""
    cdef uintptr_t *prev = <uintptr_t *>malloc((n if n > 0 else 1) * sizeof(uintptr_t))
    cdef Py_ssize_t i, entered = 0
    if prev == NULL:
        raise MemoryError()
    try:
        for i in range(n):
            obj = sockets[i][0]
            prev[i] = (<Socket>obj)._enter() if isinstance(obj, Socket) else 0
            entered = i + 1
        poll_wait(items, <int>n, ms, sockets, _recheck_sockets)
    finally:
        for i in range(entered - 1, -1, -1):
            obj = sockets[i][0]
            if isinstance(obj, Socket):
                (<Socket>obj)._leave(prev[i])
        free(prev)
    return 0


def zmq_poll(sockets, timeout=-1):
    """Poll sockets and file descriptors for events.

    Parameters
    ----------
    sockets : list of (socket or fd, events)
        zmq Sockets, ints, or objects with ``fileno()``, with the ``zmq.POLLIN``/``POLLOUT``
        mask to wait for.
    timeout : int
        Milliseconds; negative or None waits forever.

    Returns
    -------
    list of (socket or fd, revents) for the items with events ready: zmq Sockets as
    given, everything else as its int file descriptor.
    """
    cdef Py_ssize_t n = len(sockets)
    cdef Py_ssize_t i
    cdef zmq_pollitem_t *items
    cdef long ms = timeout_ms(timeout)
    items = <zmq_pollitem_t *>malloc((n if n > 0 else 1) * sizeof(zmq_pollitem_t))
    if items == NULL:
        raise MemoryError()
    try:
        for i in range(n):
            obj, events = sockets[i]
            fill_item(&items[i], obj, events)
        if ms == 0:
            poll_wait(items, <int>n, 0, sockets, _recheck_sockets)  # never releases the GIL
        else:
            _wait_marked(items, n, ms, sockets)
        return [(sockets[i][0] if items[i].socket != NULL else items[i].fd, items[i].revents)
                for i in range(n) if items[i].revents]
    finally:
        free(items)


cdef int _run_proxy(sockets, void *front, void *back, void *capture, void *control) except -1:
    cdef int rc, err
    cdef void *handles[4]
    handles[0], handles[1], handles[2], handles[3] = front, back, capture, control
    while True:
        with nogil:
            if control != NULL:
                rc = zmq_proxy_steerable(front, back, capture, control)
            else:
                rc = zmq_proxy(front, back, capture)
            err = c_zmq_errno() if rc < 0 else 0
        if rc >= 0:
            return rc
        if err != EINTR:
            raise_zmq_error(err)
        PyErr_CheckSignals()
        for i, s in enumerate(sockets):  # a signal handler may have closed one of them
            if s is not None and (<Socket>s).handle != handles[i]:
                raise_zmq_error(ENOTSOCK)


def proxy(frontend, backend, capture=None):
    """Forward messages both ways between two sockets, in the calling thread.

    Runs without the GIL until the context is terminated; Ctrl-C interrupts it.

    Parameters
    ----------
    frontend, backend : Socket
        The two sides (e.g. ROUTER and DEALER for a queue, XSUB and XPUB for a forwarder).
    capture : Socket, optional
        Receives a copy of every message.

    Raises
    ------
    ContextTerminated
        The context was terminated (the normal way to stop a proxy).
    TypeError
        An argument is not a zmq Socket.
    """
    return _run_proxy((frontend, backend, capture, None), _socket_handle(frontend, "frontend", False),
                      _socket_handle(backend, "backend", False), _socket_handle(capture, "capture"), NULL)


def proxy_steerable(frontend, backend, capture=None, control=None):
    """Like :func:`proxy`, steered by commands received on ``control``.

    Parameters
    ----------
    frontend, backend : Socket
        The two sides.
    capture : Socket, optional
        Receives a copy of every message.
    control : Socket, optional
        Receives b"PAUSE", b"RESUME", b"TERMINATE" (the proxy returns) or b"STATISTICS"
        (replied with 8 uint64 counters); without it this is :func:`proxy`.

    Raises
    ------
    ContextTerminated
        The context was terminated.
    """
    if control is None:
        return proxy(frontend, backend, capture)
    return _run_proxy((frontend, backend, capture, control), _socket_handle(frontend, "frontend", False),
                      _socket_handle(backend, "backend", False), _socket_handle(capture, "capture"),
                      _socket_handle(control, "control"))


def device(device_type, frontend, backend):
    """Old spelling of :func:`proxy`.

    Parameters
    ----------
    device_type : int
        ``zmq.QUEUE``, ``zmq.FORWARDER`` or ``zmq.STREAMER``; ignored, as libzmq does.
    frontend, backend : Socket
        The two sides.
    """
    return proxy(frontend, backend)
