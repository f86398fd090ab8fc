# cython: language_level=3
"""The compiled part of :class:`zmq.Poller`: ``poll()`` over a ``zmq_pollitem_t`` array
kept between polls.

The array is rebuilt only when ``sockets`` changed since the last poll (a registration,
modification or removal replaces or removes one of its ``(object, flags)`` tuples, which
are compared by identity), or when an item is polled through its ``fileno()``, which is
asked again on every poll. A zero timeout, or a ready item, costs one ``zmq_poll`` with the
GIL held; a wait releases the GIL and is retried after EINTR once Python's signal handlers
have run (so Ctrl-C interrupts it), with the remaining time.
"""

cimport cython
from cpython.list cimport PyList_New, PyList_GET_ITEM, PyList_SET_ITEM, PyList_GET_SIZE
from cpython.sequence cimport PySequence_Fast_ITEMS
from cpython.long cimport PyLong_CheckExact, PyLong_AsLongAndOverflow
from cpython.ref cimport PyObject, Py_INCREF, Py_DECREF
from libc.stdlib cimport realloc, free

from zmq.backend.cython.libzmq cimport *
from zmq.backend.cython._selfcheck cimport check_self
from zmq.backend.cython.libzmq cimport zmq_poll as c_zmq_poll
from zmq.backend.cython._check cimport PyErr_CheckSignals, raise_zmq_error, monotonic_ms, timeout_ms
from zmq.backend.cython.socket cimport Socket

cdef extern from "Python.h":
    PyObject *PyObject_GenericGetDict(object o, void *context)  # a new reference, NULL: error
    PyObject *PyDict_GetItemWithError(object d, object key)     # borrowed, NULL: missing or error
    PyObject *PyErr_Occurred()


cdef enum:
    _ITEM_SOCKET = 0
    _ITEM_FD = 1
    _ITEM_FILENO = 2  # asked again on every poll: the object may change its fd


cdef int fill_item(zmq_pollitem_t *item, object obj, short events) except -1:
    """Fill ``item`` for ``obj`` (a Socket, an int fd or an object with fileno()); which of
    the three it was (_ITEM_SOCKET, _ITEM_FD, _ITEM_FILENO)."""
    item.revents = 0
    item.events = events
    if isinstance(obj, Socket):
        (<Socket>obj)._check_usable()
        item.socket = (<Socket>obj).handle
        item.fd = 0
        return _ITEM_SOCKET
    item.socket = NULL
    if isinstance(obj, int):
        item.fd = obj
        return _ITEM_FD
    if hasattr(obj, "fileno"):
        item.fd = obj.fileno()
        return _ITEM_FILENO
    raise TypeError(f"cannot poll {type(obj).__name__!r}: expected a Socket, an int fd or an object with fileno()")

cdef extern from *:
    """
    static inline Py_ssize_t cyzmq_refcnt(PyObject *o) { return Py_REFCNT(o); }
    """
    Py_ssize_t cyzmq_refcnt(PyObject *o) noexcept


cdef int wait_items(zmq_pollitem_t *items, int n, long ms, list objs) except -1:
    """``zmq_poll(items, n, ms)`` with the GIL released, resumed after EINTR with the time
    left once signal handlers have run; ``objs[i]`` is item i's object (a Socket for
    socket items: one a handler closed is ENOTSOCK). Returns zmq_poll's count (0: timeout)."""
    cdef long long deadline = monotonic_ms() + ms if ms > 0 else -1
    cdef int rc, err, i
    while True:
        with nogil:
            rc = c_zmq_poll(items, n, ms)
            err = zmq_errno() if rc < 0 else 0
        if rc >= 0:
            return rc
        if err != EINTR:
            raise_zmq_error(err)
        PyErr_CheckSignals()
        for i in range(n):
            if items[i].socket != NULL and (<Socket>objs[i]).handle != items[i].socket:
                raise_zmq_error(ENOTSOCK)
        if deadline >= 0:
            ms = <long>(deadline - monotonic_ms())
            if ms <= 0:
                return 0


cdef inline long _poll_ms(object timeout) except? -2:
    # Poller.poll's timeout: None or negative waits forever, a float is truncated.
    cdef int overflow = 0
    cdef long v
    if timeout is None:
        return -1
    if PyLong_CheckExact(timeout):
        v = PyLong_AsLongAndOverflow(timeout, &overflow)
        if not overflow and 0 <= v <= 2147483647:
            return v
    if timeout < 0:
        return -1
    return timeout_ms(int(timeout))


@cython.auto_pickle(False)
cdef class PollerCore:
    """The base of :class:`zmq.Poller` on the compiled backend: ``poll()``.

    ``poll()`` reads ``sockets``, the list of registered ``(object, flags)`` pairs in
    registration order, from the instance's ``__dict__`` (where pyzmq's Poller has it: vars(),
    copy and pickle see it), and keeps a C item array built from it between polls.
    """

    cdef zmq_pollitem_t *_items
    cdef int _n                 # items in the array; -1: rebuild at the next poll
    cdef Py_ssize_t _cap
    cdef list _built            # the ``sockets`` entries the array was built from
    cdef list _objs             # what a result reports for each item: the Socket, or the fd
    cdef list _pairs            # per item, the last (object, revents) reported: reused while
                                # the events stay the same (a tuple is a value)
    cdef list _result           # the list the last poll returned: refilled when nobody else
                                # holds it any more (as zip() reuses its tuple)
    cdef bint _dynamic          # an item's fd comes from fileno(): rebuild on every poll

    def __cinit__(self, *args, **kwargs):
        self._built = []
        self._objs = []
        self._pairs = []
        self._n = -1

    def __dealloc__(self):
        free(self._items)

    def __getstate__(self):
        """The instance's ``__dict__``, as a plain object's state: a copy of a Poller watches
        the same ``sockets`` (the C item array is rebuilt by its first poll)."""
        return self.__dict__

    def poll(self, timeout=None):
        """Wait up to ``timeout`` milliseconds (None or negative: forever) and return the
        ``(socket, events)`` pairs that are ready.

        Parameters
        ----------
        timeout : float, optional
            Milliseconds to wait; 0 returns at once.

        Returns
        -------
        list of (socket, int)
            The registered objects with events ready, and those events (file descriptors
            registered as objects with ``fileno()`` are reported as their int fd). Empty on
            timeout; ``dict(poller.poll())`` is handy to test membership.

        Raises
        ------
        zmq.ZMQError
            A registered socket was closed (ENOTSOCK).
        TypeError
            A registered object is neither a Socket, an int nor has ``fileno()``.
        """
        cdef long ms = _poll_ms(timeout)
        _sync(self)
        cdef zmq_pollitem_t *items = self._items
        cdef int n = self._n
        cdef list objs = self._objs
        cdef int i, rc
        for i in range(n):
            items[i].revents = 0
            if items[i].socket != NULL:
                (<Socket>objs[i])._check_usable()
        rc = c_zmq_poll(items, n, 0)
        if rc < 0 and zmq_errno() != EINTR:
            raise_zmq_error(zmq_errno())
        if rc <= 0 and ms != 0:
            rc = wait_items(items, n, ms, objs)
        return _ready(self)



cdef int _sync(PollerCore self) except -1:
    """Make the item array match ``sockets`` (rebuilding it if an entry changed)."""
    cdef PyObject *d = PyObject_GenericGetDict(self, NULL)
    if d == NULL:
        return -1  # (the AttributeError of an instance without a __dict__)
    cdef PyObject *found = PyDict_GetItemWithError(<object>d, "sockets")
    Py_DECREF(<object>d)  # (the instance keeps it, and so `found`, alive)
    if found == NULL and PyErr_Occurred() != NULL:
        return -1
    found_obj = <object>found if found != NULL else self.sockets  # (not in the dict: as Python looks)
    cdef list sockets = found_obj if type(found_obj) is list else list(found_obj)  # (any sequence, as pyzmq's)
    cdef Py_ssize_t n = PyList_GET_SIZE(sockets)
    cdef Py_ssize_t i
    cdef PyObject **now
    cdef PyObject **then
    if n == self._n and not self._dynamic:
        now = PySequence_Fast_ITEMS(sockets)
        then = PySequence_Fast_ITEMS(self._built)
        i = 0
        while i < n and now[i] == then[i]:
            i += 1
        if i == n:
            return 0
    if n > 2147483647:
        raise ValueError("too many items to poll")
    self._n = -1  # until the rebuild below has succeeded
    cdef zmq_pollitem_t *items
    if n > self._cap or self._items == NULL:
        items = <zmq_pollitem_t *>realloc(self._items, (n if n > 0 else 1) * sizeof(zmq_pollitem_t))
        if items == NULL:
            raise MemoryError()
        self._items = items
        self._cap = n if n > 0 else 1
    items = self._items
    cdef list built = list(sockets)
    cdef list objs = []
    cdef bint dynamic = False
    cdef int kind
    for i in range(n):
        obj, events = built[i]
        kind = fill_item(&items[i], obj, events)
        if kind == _ITEM_SOCKET:
            objs.append(obj)
            continue
        if kind == _ITEM_FILENO:
            dynamic = True
        objs.append(items[i].fd)
    self._built = built
    self._objs = objs
    self._pairs = [None] * n
    self._dynamic = dynamic
    self._n = <int>n
    return 0


cdef list _ready(PollerCore self):
    """The ``[(object, revents), ...]`` of the items with events."""
    cdef zmq_pollitem_t *items = self._items
    cdef int i, n = self._n, count = 0
    for i in range(n):
        if items[i].revents:
            count += 1
    cdef list result
    cdef PyObject *last = <PyObject *>self._result
    if last != <PyObject *>None and cyzmq_refcnt(last) == 1 and PyList_GET_SIZE(self._result) == count:
        result = self._result   # only this poller holds it: nobody can see it change
    else:
        result = PyList_New(count)
        for i in range(count):
            Py_INCREF(None)
            PyList_SET_ITEM(result, i, None)
        self._result = result
    cdef PyObject **slots = PySequence_Fast_ITEMS(result)
    cdef PyObject *old
    cdef int j = 0
    cdef object pair, revents
    for i in range(n):
        if items[i].revents and j < count:
            pair = self._pairs[i]
            revents = items[i].revents  # (small ints are shared objects)
            if pair is None or (<tuple>pair)[1] is not revents:
                pair = (self._objs[i], revents)
                self._pairs[i] = pair
            if slots[j] != <PyObject *>pair:
                old = slots[j]
                Py_INCREF(pair)
                slots[j] = <PyObject *>pair
                Py_DECREF(<object>old)
            j += 1
    return result


check_self(PollerCore)
