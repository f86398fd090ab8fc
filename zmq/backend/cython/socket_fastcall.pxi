# The fast entries of Socket.send and Socket.recv: the one thing Cython cannot write itself.
#
# send and recv are Cython cpdef methods (declared in socket.pxd: cimport users call them in C).
# A Cython method adds a traceback frame to any exception it raises, and for a NOBLOCK recv
# that finds nothing that frame costs more than the libzmq call. So for the common shapes
# (send(bytes, flags, copy=...), recv(flags, copy=...)) a hand-written METH_FASTCALL entry
# takes the place of Cython's argument parser in the method's own PyMethodDef: it raises Again
# the way a builtin does, with no frame. The method object, its signature and docstring stay
# Cython's, and every other shape goes to Cython's parser (kept in _cy_send/_cy_recv) as it
# came. Both entries make the same decisions as the rest of the core (_attempt/_complete of
# socket_io.pxi). If Cython's method is not the expected cyfunction, nothing is installed and
# the methods stay plain Cython (fast_entries_installed() says which; tests cover both).
# Included by socket.pyx, after the class.

from cpython.ref cimport Py_INCREF

cdef extern from "Python.h":
    bint PyLong_Check(PyObject *o)
    long PyLong_AsLong(PyObject *o)
    Py_ssize_t PyTuple_GET_SIZE(PyObject *o)
    PyObject *PyTuple_GET_ITEM(PyObject *o, Py_ssize_t i)
    void PyErr_SetObject(object type, object value)
    PyObject *PyErr_Occurred()
    void PyErr_Clear()
    int PyObject_IsTrue(PyObject *o)
    int PyUnicode_CompareWithASCIIString(PyObject *s, const char *string)

cdef extern from *:
    """
    typedef PyObject *(*cyzmq_fastcall)(PyObject *, PyObject *const *, Py_ssize_t, PyObject *);
    static cyzmq_fastcall cyzmq_cy_send = NULL, cyzmq_cy_recv = NULL;

    /* Put `entry` in the PyMethodDef of the Cython method `func` (read at every call), keeping
       Cython's own entry in *saved; 0 (nothing done) unless `func` is a cyfunction named
       `name` with a METH_FASTCALL|METH_KEYWORDS entry. */
    static int cyzmq_interpose(PyObject *func, const char *name, void *entry, cyzmq_fastcall *saved) {
    #if CYTHON_COMPILING_IN_CPYTHON && !CYTHON_COMPILING_IN_LIMITED_API
        PyMethodDef *def;
        const char *type_name = strrchr(Py_TYPE(func)->tp_name, '.');
        if (type_name == NULL || strcmp(type_name + 1, "cython_function_or_method") != 0) return 0;
        def = ((PyCFunctionObject *)func)->m_ml;
        if (def == NULL || strcmp(def->ml_name, name) != 0
                || (def->ml_flags & ~METH_COEXIST) != (METH_FASTCALL | METH_KEYWORDS)) return 0;
        if (*saved == NULL) *saved = (cyzmq_fastcall)(void (*)(void))def->ml_meth;
        def->ml_meth = (PyCFunction)entry;
        return 1;
    #else
        return 0;
    #endif
    }
    #define cyzmq_is_exact_bytes(o) (Py_TYPE(o) == &PyBytes_Type)
    /* An int (or IntFlag) of at most one 30-bit digit (every flags value in practice) into *v. */
    static inline int cyzmq_small_int(PyObject *o, long *v) {
    #if PY_VERSION_HEX < 0x030C0000 && !CYTHON_COMPILING_IN_LIMITED_API
        Py_ssize_t size;
        if (!PyLong_Check(o)) return 0;
        size = Py_SIZE(o);
        if (size < -1 || size > 1) return 0;
        *v = size * (long)((PyLongObject *)o)->ob_digit[0];
        return 1;
    #else
        int overflow = 0;
        if (!PyLong_Check(o)) return 0;
        *v = PyLong_AsLongAndOverflow(o, &overflow);
        return !overflow && *v >= INT_MIN && *v <= INT_MAX && !(*v == -1 && PyErr_Occurred());
    #endif
    }
    """
    ctypedef PyObject *(*cyzmq_fastcall)(PyObject *, PyObject *const *, Py_ssize_t, PyObject *)
    cyzmq_fastcall cyzmq_cy_send
    cyzmq_fastcall cyzmq_cy_recv
    int cyzmq_interpose(object func, const char *name, void *entry, cyzmq_fastcall *saved) noexcept
    bint cyzmq_is_exact_bytes(PyObject *o)
    bint cyzmq_small_int(PyObject *o, long *v) noexcept


cdef inline PyObject *_again_no_frame() noexcept:
    """Set zmq.Again as the current exception and return NULL, for the entries to return as
    is (no traceback frame)."""
    exc = zmq_error(EAGAIN)
    PyErr_SetObject(type(exc), exc)
    return NULL


cdef inline PyObject *_new_ref(object o) noexcept:
    Py_INCREF(o)
    return <PyObject *>o


cdef int _simple_args(PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames, Py_ssize_t first,
                      long *flags, int *copy) except -1:
    """Read ``flags`` and ``copy`` from positions ``first`` and ``first + 1`` or keywords
    (``track`` is accepted too). Returns 1 when they are plain, 0 to let the full
    implementation handle (and validate) the call."""
    cdef Py_ssize_t i, nkw
    cdef PyObject *name
    cdef PyObject *value
    cdef int seen = 0  # bits: 1 flags, 2 copy, 4 track
    cdef Py_ssize_t slot
    if kwnames == NULL and nargs <= first + 1:  # the usual shapes: recv(), recv(flags), send(data, flags)
        if nargs == first + 1:
            if not cyzmq_small_int(args[first], flags):
                return 0
        return 1
    nkw = PyTuple_GET_SIZE(kwnames) if kwnames != NULL else 0
    if nargs > first + 3:
        return 0
    for i in range(first, nargs + nkw):
        value = args[i]
        if i < nargs:
            slot = i - first
        else:
            name = PyTuple_GET_ITEM(kwnames, i - nargs)
            if PyUnicode_CompareWithASCIIString(name, "flags") == 0:
                slot = 0
            elif PyUnicode_CompareWithASCIIString(name, "copy") == 0:
                slot = 1
            elif PyUnicode_CompareWithASCIIString(name, "track") == 0:
                slot = 2
            else:
                return 0
        if seen & (1 << slot):
            return 0
        seen |= 1 << slot
        if slot == 0:
            if not PyLong_Check(value):
                return 0
            flags[0] = PyLong_AsLong(value)
            if flags[0] == -1 and PyErr_Occurred() != NULL:
                PyErr_Clear()
                return 0  # too big: the full implementation explains
            if flags[0] > 2147483647 or flags[0] < -2147483648:
                return 0  # not a C int: the full implementation raises OverflowError
        elif slot == 1:
            copy[0] = PyObject_IsTrue(value)
            if copy[0] < 0:
                return -1
        elif value != <PyObject *>False and value != <PyObject *>None:
            return 0  # track=True: the full implementation builds the tracker
    return 1


cdef PyObject *_recv_entry(PyObject *pyself, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) except NULL:
    cdef Socket self = <Socket>pyself
    cdef long flags = 0
    cdef int copy = 1
    cdef zmq_msg_t msg
    cdef Frame frame
    cdef int rc, err = 0
    if (self.handle == NULL or self._fork_gen != fork_generation()
            or (CYZMQ_THREAD_GUARD and self._busy != 0)
            or not _simple_args(args, nargs, kwnames, 0, &flags, &copy)):
        return cyzmq_cy_recv(pyself, args, nargs, kwnames)  # Cython's parser: every other shape
    if copy:
        zmq_msg_init(&msg)
        rc = _attempt(self, OP_RECV_MSG, &msg, NULL, 0, <int>flags, &err)
        if rc < 0:
            if err == EAGAIN and flags & ZMQ_DONTWAIT and not flags & NOTHROW:
                zmq_msg_close(&msg)
                return _again_no_frame()
            try:
                rc = _complete(self, OP_RECV_MSG, &msg, NULL, 0, <int>flags, err)
            except BaseException:
                zmq_msg_close(&msg)
                raise
            if rc == IO_WOULD_BLOCK:
                zmq_msg_close(&msg)
                return _new_ref(WOULD_BLOCK)
        data = _bytes_from_msg(&msg)
        zmq_msg_close(&msg)
        return _new_ref(data)
    frame = new_frame()
    rc = _attempt(self, OP_RECV_MSG, &frame.zmq_msg, NULL, 0, <int>flags, &err)
    if rc < 0:
        if err == EAGAIN and flags & ZMQ_DONTWAIT and not flags & NOTHROW:
            return _again_no_frame()
        if _complete(self, OP_RECV_MSG, &frame.zmq_msg, NULL, 0, <int>flags, err) == IO_WOULD_BLOCK:
            return _new_ref(WOULD_BLOCK)
    frame.more = zmq_msg_more(&frame.zmq_msg)
    return _new_ref(frame)


cdef PyObject *_send_entry(PyObject *pyself, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) except NULL:
    cdef Socket self = <Socket>pyself
    cdef long flags = 0
    cdef int copy = 1
    cdef int rc, err = 0
    cdef Py_ssize_t n
    if (nargs < 1 or self.handle == NULL or self._fork_gen != fork_generation()
            or (CYZMQ_THREAD_GUARD and self._busy != 0)
            or not cyzmq_is_exact_bytes(args[0])
            or not _simple_args(args, nargs, kwnames, 1, &flags, &copy)):
        return cyzmq_cy_send(pyself, args, nargs, kwnames)  # Cython's parser: every other shape
    cdef object data = <object>args[0]
    n = PyBytes_GET_SIZE(data)
    if (not copy and <size_t>n >= self.copy_threshold) or n >= BIG_MESSAGE:
        return cyzmq_cy_send(pyself, args, nargs, kwnames)  # zero-copy, or a big copy
    rc = _attempt(self, OP_SEND_BUF, NULL, PyBytes_AS_STRING(data), <size_t>n, <int>flags, &err)
    if rc < 0:
        if err == EAGAIN and flags & ZMQ_DONTWAIT and not flags & NOTHROW:
            return _again_no_frame()
        if _complete(self, OP_SEND_BUF, NULL, PyBytes_AS_STRING(data), <size_t>n, <int>flags, err) \
                == IO_WOULD_BLOCK:
            return _new_ref(WOULD_BLOCK)
    # copy=False under copy_threshold: copied anyway, so the finished tracker
    return _new_ref(None if copy else finished_tracker)


cdef bint _fast_entries = False


def fast_entries_installed():
    """True if Socket.send/recv run through the fast entries of socket_fastcall.pxi (False:
    plain Cython methods, same behaviour)."""
    return _fast_entries


cdef int _install_fast_entries() except -1:
    global _fast_entries
    _fast_entries = (cyzmq_interpose(Socket.__dict__["recv"], "recv", <void *>_recv_entry, &cyzmq_cy_recv)
                     and cyzmq_interpose(Socket.__dict__["send"], "send", <void *>_send_entry, &cyzmq_cy_send))
    return 0


_install_fast_entries()
