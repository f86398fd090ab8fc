# cython: language_level=3
"""Frames, zero-copy sends and MessageTracker.

Zero-copy design: a zero-copy message points libzmq at the memory of a Python buffer.
libzmq calls ``_zc_free`` when it is done with it, from whatever thread it likes and
without the GIL. That callback never touches Python objects: it marks the hint released,
pushes it on a C list and asks the interpreter (``Py_AddPendingCall``) to drain the list
soon. The drain, run with the GIL, releases the buffer and the reference. No helper thread,
no per-message Python object, and a MessageTracker is just a set of hint pointers.
"""

cimport cython
from cpython.buffer cimport (
    PyObject_GetBuffer, PyBuffer_Release, PyBUF_ANY_CONTIGUOUS, PyBUF_WRITABLE, PyBUF_FORMAT, PyBUF_ND,
    PyBUF_STRIDES,
)
from cpython.bytes cimport PyBytes_FromStringAndSize
from cpython.ref cimport Py_INCREF
from libc.stdlib cimport malloc, free, realloc
from libc.string cimport memcpy
from libc.stdint cimport uint32_t

from zmq.backend.cython.libzmq cimport *
from zmq.backend.cython._selfcheck cimport check_self
from zmq.backend.cython._check cimport (
    PyErr_CheckSignals, pthread_atfork, check_rc, c_int_arg, raise_zmq_error, monotonic_ms, fork_generation,
)

import atexit
import sys
from weakref import ref as _weakref

from zmq.error import NotDone

cdef extern from "Python.h":
    int Py_AddPendingCall(int (*func)(void *) noexcept, void *arg) nogil

cdef extern from "<pthread.h>" nogil:
    ctypedef struct pthread_mutex_t:
        pass
    ctypedef struct pthread_cond_t:
        pass
    int pthread_mutex_init(pthread_mutex_t *m, void *attr)
    int pthread_mutex_lock(pthread_mutex_t *m)
    int pthread_mutex_unlock(pthread_mutex_t *m)
    int pthread_cond_init(pthread_cond_t *c, void *attr)
    int pthread_cond_broadcast(pthread_cond_t *c)
    int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const void *abstime)
    int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)

from posix.time cimport timespec, clock_gettime, CLOCK_REALTIME

cdef pthread_mutex_t _zc_lock
cdef pthread_cond_t _zc_cond
cdef ZeroCopyHint *_zc_pending = NULL   # released hints waiting for the GIL
cdef bint _zc_scheduled = False          # a pending call is queued
cdef bint _zc_finalizing = False         # after atexit: never call into the interpreter again

pthread_mutex_init(&_zc_lock, NULL)
pthread_cond_init(&_zc_cond, NULL)


cdef void _zc_reinit_in_child() noexcept nogil:
    # Another thread may have held the lock at fork time; the child starts fresh.
    global _zc_scheduled
    pthread_mutex_init(&_zc_lock, NULL)
    pthread_cond_init(&_zc_cond, NULL)
    _zc_scheduled = False


pthread_atfork(NULL, NULL, _zc_reinit_in_child)


def _zc_at_exit():
    global _zc_finalizing
    zc_drain()
    pthread_mutex_lock(&_zc_lock)
    _zc_finalizing = True
    pthread_mutex_unlock(&_zc_lock)


atexit.register(_zc_at_exit)


cdef int _zc_pending_call(void *arg) noexcept with gil:
    try:
        zc_drain()
    except BaseException:
        pass
    return 0


cdef void _zc_free(void *data, void *vhint) noexcept nogil:
    # Called by libzmq (any thread, no GIL) when it no longer needs the buffer.
    cdef ZeroCopyHint *hint = <ZeroCopyHint *>vhint
    cdef bint schedule
    pthread_mutex_lock(&_zc_lock)
    global _zc_pending, _zc_scheduled
    hint.released = 1
    hint.next = _zc_pending
    _zc_pending = hint
    schedule = not _zc_scheduled and not _zc_finalizing
    if schedule:
        _zc_scheduled = True
    pthread_cond_broadcast(&_zc_cond)
    pthread_mutex_unlock(&_zc_lock)
    if schedule and Py_AddPendingCall(_zc_pending_call, NULL) != 0:
        pthread_mutex_lock(&_zc_lock)
        _zc_scheduled = False  # queue full: the next send or wait drains instead
        pthread_mutex_unlock(&_zc_lock)


cdef inline void _hint_decref(ZeroCopyHint *hint) noexcept:
    hint.refs -= 1
    if hint.refs == 0:
        free(hint)


cdef int zc_drain() except -1:
    """Release every buffer libzmq has let go of (needs the GIL)."""
    global _zc_pending, _zc_scheduled
    cdef ZeroCopyHint *hint
    cdef ZeroCopyHint *nxt
    pthread_mutex_lock(&_zc_lock)
    hint = _zc_pending
    _zc_pending = NULL
    _zc_scheduled = False
    pthread_mutex_unlock(&_zc_lock)
    while hint != NULL:
        nxt = hint.next
        PyBuffer_Release(&hint.view)
        _hint_decref(hint)
        hint = nxt
    return 0


cdef int zc_maybe_drain() except -1:
    # An unlocked peek is enough: a miss only delays the release to the next call.
    if _zc_pending != NULL:
        zc_drain()
    return 0


def _drain_released_buffers():
    """Release the Python buffers of zero-copy messages libzmq has finished with."""
    zc_drain()


cdef str _not_a_buffer(object data):
    if isinstance(data, str):
        return "str objects cannot be sent as bytes: use send_string() or encode it first"
    return f"a bytes-like object (bytes, bytearray, memoryview, array, Frame) is required, not {type(data).__name__!r}"


cdef int init_zero_copy(zmq_msg_t *msg, object data, MessageTracker tracker) except -1:
    """Initialise ``msg`` to share ``data``'s memory; the buffer stays exported until libzmq frees it.

    Returns 1 when that memory is read-only (``data`` is bytes, say), else 0."""
    cdef int readonly
    cdef ZeroCopyHint *hint = <ZeroCopyHint *>malloc(sizeof(ZeroCopyHint))
    if hint == NULL:
        raise MemoryError()
    if not PyObject_CheckBuffer(data):
        free(hint)
        raise TypeError(_not_a_buffer(data))
    try:
        PyObject_GetBuffer(data, &hint.view, PyBUF_ANY_CONTIGUOUS)
    except BaseException:
        free(hint)
        raise
    hint.released = 0
    hint.refs = 1
    hint.next = NULL
    if zmq_msg_init_data(msg, hint.view.buf, <size_t>hint.view.len, _zc_free, hint) < 0:
        PyBuffer_Release(&hint.view)
        free(hint)
        raise MemoryError()
    readonly = hint.view.readonly
    if tracker is not None:
        tracker.add_hint(hint)
    zc_maybe_drain()
    return readonly


cdef extern from "Python.h":
    bint PyObject_CheckBuffer(object obj)


@cython.final
@cython.embedsignature(False)  # the docstring carries the text signature inspect reads
cdef class MessageTracker:
    """MessageTracker(*towatch)
--

Tells when libzmq has finished with the memory of zero-copy messages.

    Returned by ``send(..., copy=False, track=True)`` and ``Frame(..., track=True).tracker``.
    Until :attr:`done` is true, the buffer that was sent must not be modified. Messages that
    were copied get a tracker that is done from the start.

    Parameters
    ----------
    *towatch : MessageTracker, Frame or threading.Event
        Other trackers (or tracked Frames, or Events) to combine into this one.

    Attributes
    ----------
    events : set
        The Events given to the constructor.
    peers : set
        The MessageTrackers given to the constructor (directly or as tracked Frames).
    """

    def __cinit__(self, *towatch):
        self._hints = NULL
        self._nhints = 0
        self.events = set()
        self.peers = set()

    def __init__(self, *towatch):
        for obj in towatch:
            if isinstance(obj, Frame):
                if (<Frame>obj).tracker is None:
                    raise ValueError("this Frame is not tracked: create it with track=True")
                self.peers.add((<Frame>obj).tracker)
            elif isinstance(obj, MessageTracker):
                self.peers.add(obj)
            elif hasattr(obj, "wait") and hasattr(obj, "is_set"):
                self.events.add(obj)
            else:
                raise TypeError(f"cannot track {type(obj).__name__!r}: expected MessageTracker, Frame or Event")

    def __dealloc__(self):
        cdef Py_ssize_t i
        for i in range(self._nhints):
            _hint_decref(self._hints[i])
        free(self._hints)

    cdef int add_hint(self, ZeroCopyHint *hint) except -1:
        cdef ZeroCopyHint **grown = <ZeroCopyHint **>realloc(self._hints, (self._nhints + 1) * sizeof(ZeroCopyHint *))
        if grown == NULL:
            raise MemoryError()
        self._hints = grown
        self._hints[self._nhints] = hint
        self._nhints += 1
        hint.refs += 1
        return 0

    cpdef bint _is_done(self) except -1:
        cdef Py_ssize_t i
        cdef bint done = True
        pthread_mutex_lock(&_zc_lock)
        for i in range(self._nhints):
            if not self._hints[i].released:
                done = False
                break
        pthread_mutex_unlock(&_zc_lock)
        if not done:
            return False
        for peer in self.peers:
            if not (<MessageTracker>peer)._is_done():
                return False
        for event in self.events:
            if not event.is_set():
                return False
        return True

    @property
    def done(self) -> bool:
        """True once libzmq has released every message this tracker watches."""
        zc_maybe_drain()
        return self._is_done()

    def wait(self, timeout=-1):
        """Block until :attr:`done`, for at most ``timeout`` seconds (negative: forever).

        Raises
        ------
        NotDone
            The messages were still in use when the timeout expired.
        TypeError
            ``timeout`` is not a number.
        """
        if not isinstance(timeout, (int, float)):
            raise TypeError(f"timeout must be a number of seconds, not {type(timeout).__name__!r}")
        cdef double secs = timeout
        cdef long long deadline = monotonic_ms() + <long long>(secs * 1000) if secs >= 0 else -1
        cdef long long remaining
        cdef Py_ssize_t i
        cdef timespec ts
        cdef bint pending
        cdef int released
        for i in range(self._nhints):
            while True:
                if deadline < 0:
                    remaining = 100  # wake up now and then so that Ctrl-C is seen promptly
                else:
                    remaining = deadline - monotonic_ms()
                    if remaining > 100:
                        remaining = 100
                with nogil:
                    released = _wait_released(self._hints[i], remaining)
                if released:
                    break
                if deadline >= 0 and monotonic_ms() >= deadline:
                    raise NotDone()
                PyErr_CheckSignals()
        for other in list(self.peers) + list(self.events):
            if deadline < 0:
                remaining_s = None
            else:
                remaining_s = max(0.0, (deadline - monotonic_ms()) / 1000.0)
            if isinstance(other, MessageTracker):
                other.wait(-1 if remaining_s is None else remaining_s)
            elif not other.wait(remaining_s):
                raise NotDone()
        zc_maybe_drain()


cdef int _wait_released(ZeroCopyHint *hint, long long ms) noexcept nogil:
    """Wait up to ``ms`` for libzmq to release ``hint``; 1 if it is released.

    Runs without the GIL from start to end: the lock must never be held by a thread that
    is waiting for the GIL, since the free callback can run in a thread that holds it.
    """
    cdef timespec ts
    cdef int released
    pthread_mutex_lock(&_zc_lock)
    if not hint.released and ms > 0:
        clock_gettime(CLOCK_REALTIME, &ts)
        ts.tv_nsec += ms * 1000000
        ts.tv_sec += ts.tv_nsec // 1000000000
        ts.tv_nsec = ts.tv_nsec % 1000000000
        pthread_cond_timedwait(&_zc_cond, &_zc_lock, &ts)
    released = hint.released
    pthread_mutex_unlock(&_zc_lock)
    return released


cdef MessageTracker new_tracker():
    return MessageTracker.__new__(MessageTracker)


finished_tracker = new_tracker()
_FINISHED_TRACKER = finished_tracker


COPY_THRESHOLD_DEFAULT = BIG_MESSAGE


cdef str _size_text(size_t n):
    """A short size for reprs: 999B, 65kB, 10MB, 2GB."""
    if n < 1000:
        return f"{n}B"
    if n < (1 << 20):
        return f"{n // 1000}kB"
    if n < 1000000000:
        return f"{n // 1000000}MB"
    return f"{n // 1000000000}GB"


@cython.freelist(32)
cdef class Frame:
    """One message part, owned by a libzmq ``zmq_msg_t``.

    Returned by ``recv(copy=False)``; the buffer protocol exposes its memory without a
    copy (``memoryview(frame)``, ``numpy.frombuffer(frame, ...)``), writable except when
    the frame shares the memory of a read-only object (``Frame(some_bytes, copy=False)``).
    Built from data, it is a message ready to send several times. Frames compare and hash
    by identity; compare ``frame.bytes`` for content.

    Parameters
    ----------
    data : bytes-like, optional
        The content. Never a ``str`` (encode it).
    track : bool
        Give the frame a :class:`MessageTracker`. A frame that copied its data gets one that
        is done from the start; a zero-copy frame's is done once libzmq has released the
        memory (the frame and every message sent from it are gone).
    copy : bool, optional
        Copy ``data`` (True) or share its memory (False). Default: share when the data is
        at least ``copy_threshold`` bytes.
    copy_threshold : int, optional
        Size from which ``copy=None`` shares memory (default ``zmq.COPY_THRESHOLD``).
    **kwargs
        Accepted and ignored, for compatibility.
    """

    def __cinit__(self, *args, **kwargs):
        zmq_msg_init(&self.zmq_msg)
        self.more = False

    def __init__(self, data=None, track=False, copy=None, copy_threshold=None, **kwargs):
        cdef Py_buffer view
        cdef size_t threshold
        if data is None:
            if track:
                self.tracker = finished_tracker
            return
        if isinstance(data, Frame):
            data = (<Frame>data).bytes
        if not PyObject_CheckBuffer(data):
            raise TypeError(_not_a_buffer(data))
        if copy is None:
            # zmq.COPY_THRESHOLD as it is now (applications and their tests change it), as sockets do
            threshold = (getattr(sys.modules.get("zmq"), "COPY_THRESHOLD", COPY_THRESHOLD_DEFAULT)
                         if copy_threshold is None else copy_threshold)
            copy = (len(data) if isinstance(data, bytes) else memoryview(data).nbytes) < threshold
        if copy:
            PyObject_GetBuffer(data, &view, PyBUF_ANY_CONTIGUOUS)
            try:
                check_rc(zmq_msg_close(&self.zmq_msg))
                if zmq_msg_init_size(&self.zmq_msg, <size_t>view.len) < 0:
                    zmq_msg_init(&self.zmq_msg)
                    raise MemoryError()
                memcpy(zmq_msg_data(&self.zmq_msg), view.buf, <size_t>view.len)
            finally:
                PyBuffer_Release(&view)
            if type(data) is bytes:
                self._bytes = data
            if track:
                self.tracker = finished_tracker
            return
        tracker = new_tracker() if track else None
        zmq_msg_close(&self.zmq_msg)
        try:
            self._readonly = init_zero_copy(&self.zmq_msg, data, tracker)
        except BaseException:
            zmq_msg_init(&self.zmq_msg)
            raise
        self._data = data
        self.tracker = tracker

    def __dealloc__(self):
        zmq_msg_close(&self.zmq_msg)

    def __len__(self):
        return zmq_msg_size(&self.zmq_msg)

    def __getbuffer__(self, Py_buffer *buffer, int flags):
        if flags & PyBUF_WRITABLE and self._readonly:
            raise BufferError("this Frame shares the memory of a read-only object: it cannot be written to")
        buffer.buf = zmq_msg_data(&self.zmq_msg)
        buffer.len = zmq_msg_size(&self.zmq_msg)
        buffer.obj = self
        buffer.readonly = self._readonly
        buffer.format = NULL
        if flags & PyBUF_FORMAT:
            buffer.format = b"B"
        buffer.ndim = 1
        # As PyBuffer_FillInfo does: consumers asking for shape or strides dereference them.
        buffer.shape = &buffer.len if flags & PyBUF_ND else NULL
        buffer.strides = &buffer.itemsize if (flags & PyBUF_STRIDES) == PyBUF_STRIDES else NULL
        buffer.suboffsets = NULL
        buffer.itemsize = 1
        buffer.internal = NULL

    def __releasebuffer__(self, Py_buffer *buffer):
        pass

    @property
    def bytes(self) -> bytes:
        """The content as bytes (copied once, then cached)."""
        if self._bytes is None:
            self._bytes = PyBytes_FromStringAndSize(<char *>zmq_msg_data(&self.zmq_msg), zmq_msg_size(&self.zmq_msg))
        return self._bytes

    @property
    def buffer(self) -> memoryview:
        """A memoryview of the content (no copy; the same one while it is alive)."""
        # Held through a weakref: a cached strong reference would be a cycle (the view
        # references the frame), keeping big messages alive until the garbage collector runs.
        cdef object view
        if self._view_ref is not None:
            view = self._view_ref()
            if view is not None:
                return view
        view = memoryview(self)
        self._view_ref = _weakref(view)
        return view

    @property
    def tracker_event(self):
        """Deprecated: a ``threading.Event`` that is set once :attr:`tracker` is done.

        None for untracked frames and for frames that copied their data."""
        if self.tracker is None or self.tracker is finished_tracker:
            return None
        if self._tracker_event is None:
            self._tracker_event = _tracker_event_class()(self.tracker)
        return self._tracker_event

    def get(self, option):
        """Get a message property.

        Parameters
        ----------
        option : int or str
            An int property (``zmq.MORE``, ``zmq.SRCFD``, ``zmq.SHARED``) or a metadata name
            (``"Socket-Type"``, ``"Peer-Address"``, ``"User-Id"``, ``"Routing-Id"``...) as
            str or bytes.

        Returns
        -------
        int or str

        Raises
        ------
        ZMQError
            EINVAL for an unknown property or metadata the message does not carry.
        TypeError
            ``option`` is neither an int nor a str/bytes name.
        """
        cdef const char *value
        if isinstance(option, (str, bytes)):
            key = (<str>option).encode("utf-8") if isinstance(option, str) else option
            value = zmq_msg_gets(&self.zmq_msg, key)
            if value == NULL:
                raise_zmq_error(zmq_errno())
            return value.decode("utf-8", "replace")
        cdef int rc = zmq_msg_get(&self.zmq_msg, c_int_arg(option, "option"))
        check_rc(rc)
        return rc

    def __getitem__(self, key):
        """``frame[key]`` is ``frame.get(key)`` (``frame["Peer-Address"]``)."""
        return self.get(key)

    def __getattr__(self, name):
        # Message properties as attributes, as option names are on sockets: frame.shared.
        if name.startswith("_"):
            raise AttributeError(name)
        upper = name.upper()
        if upper == "SHARED":
            return self.get(ZMQ_SHARED)
        if upper == "SRCFD":
            raise AttributeError(f"{name} attribute is write-only")
        raise AttributeError(f"Frame has no such option: {upper}")

    def set(self, option, value):
        """Set an int message property (libzmq accepts few; most raise ZMQError(EINVAL))."""
        cdef int c_option = c_int_arg(option, "option")
        cdef int c_value = c_int_arg(value, "value")
        check_rc(zmq_msg_set(&self.zmq_msg, c_option, c_value))

    @property
    def routing_id(self):
        """The routing id of a SERVER/CLIENT message (draft API; None when unset).

        Raises RuntimeError when libzmq is built without the draft API."""
        _need_draft("routing_id", "CLIENT-SERVER")
        cdef uint32_t rid = zmq_msg_routing_id(&self.zmq_msg)
        return rid if rid != 0 else None

    @routing_id.setter
    def routing_id(self, value):
        _need_draft("routing_id", "CLIENT-SERVER")
        check_rc(zmq_msg_set_routing_id(&self.zmq_msg, <uint32_t>value))

    @property
    def group(self):
        """The RADIO/DISH group of the message (draft API; None when unset).

        Raises RuntimeError when libzmq is built without the draft API."""
        _need_draft("group", "RADIO-DISH")
        cdef const char *g = zmq_msg_group(&self.zmq_msg)
        if g == NULL or g[0] == 0:
            return None
        return g.decode("utf-8", "replace")

    @group.setter
    def group(self, value):
        _need_draft("group", "RADIO-DISH")
        if isinstance(value, str):
            value = value.encode("utf-8")
        check_rc(zmq_msg_set_group(&self.zmq_msg, value))

    def __copy__(self):
        """A new Frame sharing this one's content (libzmq reference counting, no copy) and tracker."""
        cdef Frame other = new_frame()
        check_rc(zmq_msg_copy(&other.zmq_msg, &self.zmq_msg))
        other._bytes = self._bytes
        other._readonly = self._readonly
        other.tracker = self.tracker
        return other

    def __repr__(self):
        cdef size_t n = zmq_msg_size(&self.zmq_msg)
        cdef char *data = <char *>zmq_msg_data(&self.zmq_msg)
        if n <= 16:
            return f"<zmq.Frame({PyBytes_FromStringAndSize(data, n)!r})>"
        return f"<zmq.Frame({PyBytes_FromStringAndSize(data, 12)!r}...{_size_text(n)})>"

    __str__ = __repr__


cdef object _TrackerEvent = None


cdef object _tracker_event_class():
    """threading.Event reading its state from a MessageTracker (defined on first use)."""
    global _TrackerEvent
    if _TrackerEvent is None:
        import threading

        class Event(threading.Event):
            """A threading.Event that is set once the MessageTracker it watches is done."""

            def __init__(self, tracker):
                super().__init__()
                self._tracker = tracker

            def is_set(self):
                return super().is_set() or self._tracker.done

            isSet = is_set

            def wait(self, timeout=None):
                if super().is_set():
                    return True
                try:
                    self._tracker.wait(-1 if timeout is None else timeout)
                except NotDone:
                    return False
                return True

        Event.__module__ = "zmq.sugar.frame"
        _TrackerEvent = Event
    return _TrackerEvent


cdef int _need_draft(str attribute, str sockets) except -1:
    if not CYZMQ_DRAFT_API:
        raise RuntimeError(f"Frame.{attribute} needs libzmq built with the draft API ({sockets} sockets)")
    return 0


cdef extern from *:
    """
    /* Give a static extension type the dotted name users import it from (its __module__). */
    static int cyzmq_set_type_name(PyObject *type, const char *name) {
        ((PyTypeObject *)type)->tp_name = name;
        PyType_Modified((PyTypeObject *)type);
        return 0;
    }
    """
    int cyzmq_set_type_name(object type, const char *name) except -1


# Where users find them (and pyzmq defines them): zmq.Frame is zmq.sugar.frame.Frame.
cyzmq_set_type_name(Frame, "zmq.sugar.frame.Frame")
cyzmq_set_type_name(MessageTracker, "zmq.sugar.tracker.MessageTracker")
check_self(Frame)
check_self(MessageTracker)


cdef Frame new_frame():
    return Frame.__new__(Frame)


Message = Frame
