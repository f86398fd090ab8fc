# The fast entries of Socket.send and Socket.recv: the one thing Cython cannot write itself.
#
# send and recv are Cython methods (def; the C forms for cimport users are _send/_recv in
# socket.pxd). A Cython method adds a traceback frame to any exception it raises, and for a
# NOBLOCK recv that finds nothing that frame costs more than the libzmq call. So for the common
# shapes (send(bytes, flags, copy=...), recv(flags, copy=...)) a hand-written METH_FASTCALL
# entry takes the place of Cython's argument parser in the method's own PyMethodDef: it raises
# Again the way a builtin does, with no frame. The method object, its signature and docstring
# stay Cython's, and every other shape goes to Cython's parser (kept in _cy_send/_cy_recv) as it
# came. The method object's vectorcall is ours too, calling the entry directly once self is
# checked to be a Socket (Cython's wrapper only moved self out of args[0]; the check is
# _selfcheck.pxd's). Both entries make the same decisions as the rest of the core
# (_attempt/_complete of socket_io.pxi). If Cython's method is not the expected cyfunction,
# nothing is installed and the methods stay plain Cython (fast_entries_installed() says which;
# tests cover both).
#
# Opt-in (not applied to zmq.Socket): _install_exact_methods(cls) gives a Socket class the
# entries as method descriptors of its own. CPython (3.11+) calls a method descriptor of an
# object's exact class straight from the bytecode, skipping the generic call path a Cython
# function takes: about 90 instructions less per call (send+recv 1975 -> 1806 in
# `make bench-instructions`). The price is visible, which is why it is not the default (pyzmq's
# sock.send is a bound method): sock.send becomes a builtin method (its repr;
# inspect.ismethod False, no __func__, weakref.WeakMethod refuses it). The descriptors'
# signature is the Cython method's (__text_signature__ from its __code__ and __defaults__),
# their __doc__ its docstring.
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
    /* [0] send, [1] recv: Cython's parsers (what the entries hand every other shape to), the
       entries, and Cython's vectorcalls of the two methods. */
    static cyzmq_fastcall cyzmq_cy_send = NULL, cyzmq_cy_recv = NULL;
    static cyzmq_fastcall cyzmq_entries[2];
    #if CYTHON_COMPILING_IN_CPYTHON && !CYTHON_COMPILING_IN_LIMITED_API
    static vectorcallfunc cyzmq_cy_vectorcalls[2];

    static PyTypeObject *cyzmq_socket_type;  /* the compiled Socket */

    /* The vectorcalls of the two methods: self is args[0] (an unbound call, and a bound
       method's, which prepends it), as Cython's own vectorcall has it, without its flag
       checks, and checked to be a Socket as _selfcheck.pxd checks every other method's. */
    static CYZMQ_NOINLINE PyObject *cyzmq_fast_slow(int which, PyObject *func, PyObject *const *args, size_t nargsf,
                                                    PyObject *kwnames) {
        Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
        if (nargs < 1) return cyzmq_cy_vectorcalls[which](func, args, nargsf, kwnames);  /* Cython's TypeError */
        if (!PyType_IsSubtype(Py_TYPE(args[0]), cyzmq_socket_type))
            return cyzmq_wrong_self(which == 0 ? "send" : "recv", cyzmq_socket_type, args[0]);
        return cyzmq_entries[which](args[0], args + 1, nargs - 1, kwnames);
    }
    static PyObject *cyzmq_send_vectorcall(PyObject *func, PyObject *const *args, size_t nargsf, PyObject *kwnames) {
        Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
        if (nargs >= 1 && cyzmq_self_at_a_glance(args[0], cyzmq_socket_type))
            return cyzmq_entries[0](args[0], args + 1, nargs - 1, kwnames);
        return cyzmq_fast_slow(0, func, args, nargsf, kwnames);
    }
    static PyObject *cyzmq_recv_vectorcall(PyObject *func, PyObject *const *args, size_t nargsf, PyObject *kwnames) {
        Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
        if (nargs >= 1 && cyzmq_self_at_a_glance(args[0], cyzmq_socket_type))
            return cyzmq_entries[1](args[0], args + 1, nargs - 1, kwnames);
        return cyzmq_fast_slow(1, func, args, nargsf, kwnames);
    }
    #endif

    /* Make `entry` the code of the Cython method `func` (`which`: 0 send, 1 recv): in its
       PyMethodDef (read by every call path), keeping Cython's own entry in *saved, and as its
       vectorcall (the path of every positional or keyword call: one C call less). 0 (nothing
       done) unless `func` is a cyfunction named `name` with a METH_FASTCALL|METH_KEYWORDS
       entry and Cython's vectorcall. */
    static int cyzmq_interpose(PyObject *func, const char *name, int which, void *entry, cyzmq_fastcall *saved) {
    #if CYTHON_COMPILING_IN_CPYTHON && !CYTHON_COMPILING_IN_LIMITED_API
        PyMethodDef *def;
        PyCFunctionObject *cf = (PyCFunctionObject *)func;
        const char *type_name = strrchr(Py_TYPE(func)->tp_name, '.');
        if (type_name == NULL || strcmp(type_name + 1, "cython_function_or_method") != 0) return 0;
        def = cf->m_ml;
        if (def == NULL || strcmp(def->ml_name, name) != 0
                || (def->ml_flags & ~METH_COEXIST) != (METH_FASTCALL | METH_KEYWORDS)
                || cf->vectorcall == NULL) return 0;
        if (*saved == NULL) {
            *saved = (cyzmq_fastcall)(void (*)(void))def->ml_meth;
            cyzmq_cy_vectorcalls[which] = cf->vectorcall;
        }
        cyzmq_entries[which] = (cyzmq_fastcall)entry;
        def->ml_meth = (PyCFunction)entry;
        cf->vectorcall = which == 0 ? cyzmq_send_vectorcall : cyzmq_recv_vectorcall;
        return 1;
    #else
        return 0;
    #endif
    }
    /* The PyMethodDefs of the exact-class descriptors of send [0] and recv [1]: one each,
       shared by every class given them (ml_doc is set once, from the Cython method). */
    static PyMethodDef cyzmq_exact_defs[2] = {
        {"send", NULL, METH_FASTCALL | METH_KEYWORDS, NULL},
        {"recv", NULL, METH_FASTCALL | METH_KEYWORDS, NULL},
    };
    static PyObject *cyzmq_exact_descr(PyObject *cls, int which, void *entry, const char *doc) {
        PyMethodDef *def = &cyzmq_exact_defs[which];
        if (def->ml_meth == NULL) {
            def->ml_meth = (PyCFunction)entry;
            def->ml_doc = doc;
        }
        return PyDescr_NewMethod((PyTypeObject *)cls, def);
    }
    /* Is `o` (a class attribute, may be NULL) an exact-class descriptor of send/recv? */
    static inline int cyzmq_is_exact_descr(PyObject *o, int which) {
        return o != NULL && Py_TYPE(o) == &PyMethodDescr_Type
            && ((PyMethodDescrObject *)o)->d_method == &cyzmq_exact_defs[which];
    }
    /* Raise the new exception instance `exc` (a reference it takes; NULL: the error is set
       already) as a builtin does: with the implicit __context__ of an exception being
       handled, and no traceback of ours. With none being handled, PyErr_SetObject's checks
       are skipped (they would find nothing to do). Returns NULL. */
    static PyObject *cyzmq_raise_new(PyObject *exc) {
        if (exc == NULL) return NULL;
    #if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000 && !defined(PYPY_VERSION) \
            && !CYTHON_COMPILING_IN_LIMITED_API
        /* 3.11: what PyErr_GetHandledException and PyErr_Restore do, inline (the thread
           state's exception stack and current-error fields; 3.12 changed both). */
        PyThreadState *ts = PyThreadState_Get();
        _PyErr_StackItem *handled = ts->exc_info;
        while ((handled->exc_value == NULL || handled->exc_value == Py_None) && handled->previous_item != NULL)
            handled = handled->previous_item;
        if (handled->exc_value == NULL || handled->exc_value == Py_None) {
            PyObject *old_type = ts->curexc_type, *old_value = ts->curexc_value, *old_tb = ts->curexc_traceback;
            Py_INCREF(Py_TYPE(exc));
            ts->curexc_type = (PyObject *)Py_TYPE(exc);
            ts->curexc_value = exc;
            ts->curexc_traceback = NULL;
            Py_XDECREF(old_type);
            Py_XDECREF(old_value);
            Py_XDECREF(old_tb);
            return NULL;
        }
    #elif PY_VERSION_HEX >= 0x030B0000 && !defined(PYPY_VERSION) && !CYTHON_COMPILING_IN_LIMITED_API
        PyObject *handled = PyErr_GetHandledException();
        if (handled == NULL) {
            PyObject *type = (PyObject *)Py_TYPE(exc);
            Py_INCREF(type);
            PyErr_Restore(type, exc, NULL);
            return NULL;
        }
        Py_DECREF(handled);
    #endif
        PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
        Py_DECREF(exc);
        return NULL;
    }
    #define cyzmq_is_exact_bytes(o) (Py_TYPE(o) == &PyBytes_Type)
    """
    ctypedef PyObject *(*cyzmq_fastcall)(PyObject *, PyObject *const *, Py_ssize_t, PyObject *)
    PyTypeObject *cyzmq_socket_type
    cyzmq_fastcall cyzmq_cy_send
    cyzmq_fastcall cyzmq_cy_recv
    int cyzmq_interpose(object func, const char *name, int which, void *entry, cyzmq_fastcall *saved) noexcept
    object cyzmq_exact_descr(object cls, int which, void *entry, const char *doc)
    bint cyzmq_is_exact_descr(PyObject *o, int which) noexcept
    PyObject *cyzmq_raise_new(PyObject *exc) noexcept
    bint cyzmq_is_exact_bytes(PyObject *o)


cdef inline PyObject *_again_no_frame() noexcept:
    """Set zmq.Again as the current exception and return NULL, for the entries to return as
    is (no traceback frame)."""
    return cyzmq_raise_new(new_again())


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


cdef inline bint _plain_args(PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames, Py_ssize_t first,
                             long *flags, int *copy) except -1:
    """_simple_args with the usual shapes (no keywords, flags at most) decided inline."""
    if kwnames == NULL and nargs <= first + 1:
        return nargs == first or cyzmq_small_int(args[first], flags)
    return _simple_args(args, nargs, kwnames, first, flags, copy)


cdef inline bint _usable_now(Socket self) noexcept:
    """What Socket._check_usable lets through, without raising (the full methods raise)."""
    return (self.handle != NULL and self._fork_gen == fork_generation()
            and not (CYZMQ_THREAD_GUARD and self._busy != 0))


# (self is a borrowed reference: the entries are PyCFunctions, called with a Socket)
cdef PyObject *_recv_entry(Socket self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) except NULL:
    cdef long flags = 0
    cdef int copy = 1
    cdef zmq_msg_t msg
    cdef Frame frame
    cdef size_t n
    cdef int rc, err = 0
    if not _usable_now(self) or not _plain_args(args, nargs, kwnames, 0, &flags, &copy):
        return cyzmq_cy_recv(<PyObject *>self, args, nargs, kwnames)  # Cython's parser: every other shape
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
        n = zmq_msg_size(&msg)
        data = PyBytes_FromStringAndSize(<char *>zmq_msg_data(&msg), n) if n < BIG_MESSAGE else _bytes_from_msg(&msg)
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


cdef PyObject *_send_entry(Socket self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) except NULL:
    cdef long flags = 0
    cdef int copy = 1
    cdef int rc, err = 0
    cdef Py_ssize_t n
    if (nargs < 1 or not cyzmq_is_exact_bytes(args[0]) or not _usable_now(self)
            or not _plain_args(args, nargs, kwnames, 1, &flags, &copy)):
        return cyzmq_cy_send(<PyObject *>self, args, nargs, kwnames)  # Cython's parser: every other shape
    n = PyBytes_GET_SIZE(<object>args[0])
    if (not copy and <size_t>n >= self.copy_threshold) or n >= BIG_MESSAGE:
        return cyzmq_cy_send(<PyObject *>self, args, nargs, kwnames)  # zero-copy, or a big copy
    cdef char *buf = PyBytes_AS_STRING(<object>args[0])
    rc = _attempt(self, OP_SEND_BUF, NULL, buf, <size_t>n, <int>flags, &err)
    if rc < 0:
        if err == EAGAIN and flags & ZMQ_DONTWAIT and not flags & NOTHROW:
            return _again_no_frame()
        if _complete(self, OP_SEND_BUF, NULL, buf, <size_t>n, <int>flags, err) == IO_WOULD_BLOCK:
            return _new_ref(WOULD_BLOCK)
    # copy=False under copy_threshold: copied anyway, so the finished tracker
    return _new_ref(None if copy else finished_tracker)


cdef bint _fast_entries = False
cdef list _exact_docs = []  # the ml_doc buffers of the exact-class descriptors (kept alive)


def fast_entries_installed():
    """True if Socket.send/recv run through the fast entries of socket_fastcall.pxi (False:
    plain Cython methods, same behaviour)."""
    return _fast_entries


cdef int _install_fast_entries() except -1:
    global _fast_entries, cyzmq_socket_type
    cyzmq_socket_type = <PyTypeObject *>Socket
    _fast_entries = (cyzmq_interpose(Socket.__dict__["recv"], "recv", _CORE_RECV, <void *>_recv_entry, &cyzmq_cy_recv)
                     and cyzmq_interpose(Socket.__dict__["send"], "send", _CORE_SEND, <void *>_send_entry, &cyzmq_cy_send))
    return 0


cdef bytes _exact_doc(str name, object method):
    """The ml_doc of an exact-class descriptor: the text signature of the Cython ``method``
    (which inspect.signature reads) and then its docstring (the descriptor's __doc__)."""
    code = method.__code__
    names = code.co_varnames[1:code.co_argcount]
    defaults = method.__defaults__ or ()
    first = len(names) - len(defaults)
    params = ["$self"] + [n if i < first else f"{n}={defaults[i - first]!r}" for i, n in enumerate(names)]
    return f"{name}({', '.join(params)})\n--\n\n{method.__doc__ or ''}".encode()


def _install_exact_methods(cls):
    """Give the Socket subclass ``cls`` send and recv as method descriptors of its own, which
    CPython calls without the generic call path for instances of exactly ``cls`` (the same
    entries, arguments, results and exceptions; but ``sock.send`` is then a builtin method,
    not a bound method). Skipped for a method the class overrides and when the fast entries
    are not installed.

    Returns
    -------
    bool
        Whether both were installed.
    """
    if not _fast_entries or not (isinstance(cls, type) and issubclass(cls, Socket)):
        return False
    return _install_exact(cls, _CORE_SEND, <void *>_send_entry) + _install_exact(cls, _CORE_RECV, <void *>_recv_entry) == 2


cdef int _install_exact(type cls, int which, void *entry) except -1:
    """Install the exact-class descriptor of send or recv on ``cls`` (1), unless ``cls``
    overrides the method (0)."""
    name = _core_names[which]
    if _PyType_Lookup(<PyTypeObject *>cls, name) != _core_methods[which]:
        return 0
    if not _exact_docs:
        _exact_docs.extend([_exact_doc(n, Socket.__dict__[n]) for n in _core_names[:2]])
    cdef bytes doc = _exact_docs[which]
    setattr(cls, name, cyzmq_exact_descr(cls, which, entry, doc))
    return 1


_install_fast_entries()
