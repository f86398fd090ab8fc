# cython: language_level=3
"""Socket options as attributes, served by the compiled core (``s.rcvmore``, ``s.linger``...).

The sugar Socket class installs one :class:`OptionAttribute` under each spelling of each
option's name. Reading an int, 64-bit or FD option (``TYPE`` as a ``SocketType``) calls
``zmq_getsockopt`` on the socket's handle directly; an int option set to a plain int calls
``zmq_setsockopt``. Everything else (bytes, text and CURVE options, values needing
conversion or refused with a message) goes through the socket's ``get``/``set``, as does
every access on a socket class that overrides ``get`` or ``set`` (zmq.green's sockets
answer EVENTS themselves).
"""

cimport cython
from cpython.long cimport PyLong_CheckExact, PyLong_AsLongAndOverflow
from cpython.tuple cimport PyTuple_GET_ITEM
from cpython.object cimport Py_TYPE, PyTypeObject
from libc.stdint cimport int64_t, uint64_t

from zmq.backend.cython.libzmq cimport *
from zmq.backend.cython._selfcheck cimport check_self
from zmq.backend.cython._check cimport check_rc, raise_zmq_error, fork_generation
from zmq.backend.cython.optkind cimport opt_kind, OPT_INT, OPT_INT64, OPT_UINT64, OPT_FD
from zmq.backend.cython.socket cimport Socket, CYZMQ_THREAD_GUARD

from zmq.constants import SocketType as _SocketType
from zmq.error import ZMQError

cdef extern from *:
    """
    /* The type's version tag: it changes whenever the type or one of its bases is modified
       (0: none assigned, nothing may be cached). */
    static unsigned int cyzmq_type_version(PyObject *t) {
    #ifdef Py_TPFLAGS_VALID_VERSION_TAG
        if (!PyType_HasFeature((PyTypeObject *)t, Py_TPFLAGS_VALID_VERSION_TAG))
            return 0;
    #endif
        return ((PyTypeObject *)t)->tp_version_tag;
    }

    #define CYZMQ_TYPE_CACHE 4
    /* Socket classes known to use the core's get/set, as (type, version tag): a few, so
       that programs mixing plain, asyncio and other sockets keep hitting the cache. */
    static PyTypeObject *cyzmq_core_types[CYZMQ_TYPE_CACHE];
    static unsigned int cyzmq_core_tags[CYZMQ_TYPE_CACHE];
    static int cyzmq_core_next;

    static inline int cyzmq_known_core_type(PyObject *obj) {
        PyTypeObject *t = Py_TYPE(obj);
        for (int i = 0; i < CYZMQ_TYPE_CACHE; i++) {
            /* (a modified type's tag is reset to 0, and later reassigned a fresh one) */
            if (cyzmq_core_types[i] == t)
                return cyzmq_core_tags[i] == t->tp_version_tag;
        }
        return 0;
    }

    static void cyzmq_remember_core_type(PyObject *t) {
        unsigned int tag = cyzmq_type_version(t);
        if (tag == 0)
            return;
        for (int i = 0; i < CYZMQ_TYPE_CACHE; i++) {
            if (cyzmq_core_types[i] == (PyTypeObject *)t) {
                cyzmq_core_tags[i] = tag;
                return;
            }
        }
        cyzmq_core_types[cyzmq_core_next] = (PyTypeObject *)t;
        cyzmq_core_tags[cyzmq_core_next] = tag;
        cyzmq_core_next = (cyzmq_core_next + 1) % CYZMQ_TYPE_CACHE;
    }
    """
    bint cyzmq_known_core_type(object obj) noexcept
    void cyzmq_remember_core_type(object t) noexcept

cdef object _core_get = Socket.get
cdef object _core_set = Socket.set
cdef dict _socket_types = _SocketType._value2member_map_
cdef tuple _small_ints = tuple(range(256))  # the interpreter's own int objects


cdef inline bint _core_options(object obj) except -1:
    """Whether ``obj`` is a Socket whose class reads and writes options with the core's get/set."""
    if cyzmq_known_core_type(obj):
        return True
    t = type(obj)
    if not isinstance(obj, Socket) or getattr(t, "get", None) is not _core_get or getattr(t, "set", None) is not _core_set:
        return False
    cyzmq_remember_core_type(t)  # (the lookups above have given it a version tag, if it can have one)
    return True


@cython.auto_pickle(False)
cdef class OptionAttribute:
    """A socket option as a read/write attribute of Socket (``s.linger``, ``s.LINGER``...).

    Parameters
    ----------
    option : zmq.SocketOption
        The option read and written.
    """

    cdef readonly object option   # the SocketOption
    cdef int number
    cdef int kind
    cdef str name

    def __init__(self, option):
        self.option = option
        self.number = option
        self.kind = opt_kind(self.number)
        self.name = option.name

    @property
    def __doc__(self):
        return f"The {self.name} socket option (see :meth:`Socket.get`/:meth:`Socket.set`)."

    def __repr__(self):
        return f"<socket option attribute {self.name}>"

    def __get__(self, obj, objtype):
        cdef int ival
        cdef size_t size = sizeof(int)
        # The hot case first (s.rcvmore, s.events, s.linger...): an int option of a core socket.
        if (self.kind == OPT_INT and self.number != ZMQ_TYPE and cyzmq_known_core_type(obj)
                and (<Socket>obj).handle != NULL and (<Socket>obj)._fork_gen == fork_generation()
                and not (CYZMQ_THREAD_GUARD and (<Socket>obj)._busy != 0)):  # (else _get raises)
            if zmq_getsockopt((<Socket>obj).handle, self.number, &ival, &size) == 0:
                if 0 <= ival < 256:
                    return <object>PyTuple_GET_ITEM(_small_ints, ival)  # (no new int to build)
                return ival
        return self._get(obj)

    cdef object _get(self, obj):
        """__get__ in every other case (and the error of a failed int read)."""
        if obj is None:
            return self
        if not cyzmq_known_core_type(obj) and not _core_options(obj):
            if not isinstance(obj, Socket):
                raise self._wrong_object(obj)
            return self._get_via_method(obj)
        (<Socket>obj)._check_usable()
        cdef void *handle = (<Socket>obj).handle
        cdef int ival = 0
        cdef int64_t i64 = 0
        cdef uint64_t u64 = 0
        cdef cyzmq_fd_t fd = 0
        cdef size_t size
        cdef int rc
        if self.kind == OPT_INT:
            size = sizeof(int)
            rc = zmq_getsockopt(handle, self.number, &ival, &size)
            if rc == 0:
                if self.number == ZMQ_TYPE:
                    member = _socket_types.get(ival)
                    return member if member is not None else _SocketType(ival)
                return ival
        elif self.kind == OPT_FD:
            size = sizeof(cyzmq_fd_t)
            rc = zmq_getsockopt(handle, self.number, &fd, &size)
            if rc == 0:
                return fd
        elif self.kind == OPT_INT64:
            size = sizeof(int64_t)
            rc = zmq_getsockopt(handle, self.number, &i64, &size)
            if rc == 0:
                return i64
        elif self.kind == OPT_UINT64:
            size = sizeof(uint64_t)
            rc = zmq_getsockopt(handle, self.number, &u64, &size)
            if rc == 0:
                return u64
        else:
            return self._get_via_method(obj)
        if zmq_errno() == EINVAL:  # an option libzmq only lets set
            raise self._write_only()
        raise_zmq_error(zmq_errno())

    def __set__(self, obj, value):
        cdef int overflow = 0
        cdef long v
        cdef int ival
        if self.kind == OPT_INT and PyLong_CheckExact(value) and _core_options(obj):
            v = PyLong_AsLongAndOverflow(value, &overflow)
            if not overflow and -2147483648 <= v <= 2147483647:
                (<Socket>obj)._check_usable()
                ival = <int>v
                check_rc(zmq_setsockopt((<Socket>obj).handle, self.number, &ival, sizeof(int)))
                return
        if not isinstance(obj, Socket):
            raise self._wrong_object(obj)
        obj.set(self.option, value)  # conversions, and their errors, are set()'s

    def __delete__(self, obj):
        if not isinstance(obj, Socket):
            raise self._wrong_object(obj)
        raise AttributeError(f"the {self.name} option attribute of {type(obj).__name__!r} objects cannot be deleted")

    cdef object _wrong_object(self, obj):
        """The TypeError of CPython's descriptors used on an object of another class."""
        return TypeError(f"descriptor {self.name!r} for {(<PyTypeObject *>Socket).tp_name.decode()!r} "
                         f"objects doesn't apply to a {Py_TYPE(obj).tp_name.decode()!r} object")

    cdef object _write_only(self):
        return AttributeError(f"{self.name} attribute is write-only")

    def _get_via_method(self, obj):
        try:
            return obj.get(self.option)
        except ZMQError as e:
            if e.errno == EINVAL:
                raise self._write_only() from None
            raise


check_self(OptionAttribute)
