# The METH_FASTCALL entries of Socket.send and Socket.recv (what Cython cannot write itself:
# a non-blocking miss raises Again without a traceback frame). Included by socket.pyx.

# -- C-level entry points for send() and recv() ---------------------------------------------
#
# The two hottest calls get hand-written METH_FASTCALL methods. For the common shapes
# (recv(flags, copy=...), send(bytes, flags, copy=...)) they skip Cython's argument parsing;
# when a non-blocking call finds nothing to do they raise Again the way a builtin does,
# without adding a traceback frame (which costs more than the whole libzmq call); and a
# call that must wait goes straight to the wait, GIL released, with no second attempt.
# Every other shape goes to the full implementations above (Socket._recv, Socket._send),
# which document the arguments.

from cpython.object cimport PyObject
from cpython.ref cimport Py_INCREF

cdef extern from "Python.h":
    ctypedef struct PyMethodDef:
        const char *ml_name
        void *ml_meth
        int ml_flags
        const char *ml_doc
    enum: METH_FASTCALL, METH_KEYWORDS
    PyObject *PyObject_Vectorcall(PyObject *callable, PyObject *const *args, size_t nargsf, PyObject *kwnames)
    bint PyLong_Check(PyObject *o)
    long PyLong_AsLong(PyObject *o)
    Py_ssize_t PyTuple_GET_SIZE(PyObject *o)
    PyObject *PyTuple_GET_ITEM(PyObject *o, Py_ssize_t i)
    void PyErr_SetObject(PyObject *type, PyObject *value)
    PyObject *PyErr_Occurred()
    void PyErr_Clear()
    int PyObject_IsTrue(PyObject *o)
    int PyUnicode_CompareWithASCIIString(PyObject *s, const char *string)
    PyObject *PyBytes_FromStringAndSize_raw "PyBytes_FromStringAndSize" (const char *v, Py_ssize_t n)
    void Py_DECREF_raw "Py_DECREF" (PyObject *o)

cdef extern from *:
    """
    static int cyzmq_install_method(PyObject *type, PyMethodDef *def) {
        PyObject *descr = PyDescr_NewMethod((PyTypeObject *)type, def);
        int rc;
        if (descr == NULL) return -1;
        rc = PyDict_SetItemString(((PyTypeObject *)type)->tp_dict, def->ml_name, descr);
        Py_DECREF(descr);
        PyType_Modified((PyTypeObject *)type);
        return rc;
    }
    #define cyzmq_is_exact_bytes(o) (Py_TYPE(o) == &PyBytes_Type)
    """
    int cyzmq_install_method(object type, PyMethodDef *meth) except -1
    bint cyzmq_is_exact_bytes(PyObject *o)

from zmq.backend.cython._check cimport set_again

cdef PyMethodDef _recv_def
cdef PyMethodDef _send_def
cdef PyObject *_recv_full = NULL
cdef PyObject *_send_full = NULL
cdef PyObject *_recv_wait_fn = NULL
cdef PyObject *_send_wait_fn = NULL
cdef object _docs = []  # keeps the docstrings' bytes alive


cdef PyObject *_delegate(PyObject *full, PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                         PyObject *kwnames) except NULL:
    """Call the full implementation: full(self, *args, **kwnames)."""
    cdef PyObject *stack[12]
    cdef Py_ssize_t nkw = PyTuple_GET_SIZE(kwnames) if kwnames != NULL else 0
    cdef Py_ssize_t i
    if nargs + nkw + 1 > 12:
        raise TypeError("too many arguments")
    stack[0] = self
    for i in range(nargs + nkw):
        stack[i + 1] = args[i]
    return PyObject_Vectorcall(full, stack, nargs + 1, kwnames)


cdef int _simple_args(PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames, Py_ssize_t first,
                      long *flags, int *copy) except -1:
    """Read ``flags`` and ``copy`` from positions ``first`` and ``first + 1`` or keywords
    (``track`` is accepted too). Returns 1 when they are plain, 0 to let the full
    implementation handle (and validate) the call."""
    cdef Py_ssize_t i, nkw = PyTuple_GET_SIZE(kwnames) if kwnames != NULL else 0
    cdef PyObject *name
    cdef PyObject *value
    cdef int seen = 0  # bits: 1 flags, 2 copy, 4 track
    cdef Py_ssize_t slot
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


cdef PyObject *_recv_fast(PyObject *pyself, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) except NULL:
    cdef Socket self = <Socket>pyself
    cdef long flags = 0
    cdef int copy = 1
    cdef zmq_msg_t msg
    cdef Frame frame
    cdef int rc, err
    cdef PyObject *stack[3]
    if (self.handle == NULL or self._fork_gen != fork_generation()
            or not _simple_args(args, nargs, kwnames, 0, &flags, &copy)):
        return _delegate(_recv_full, pyself, args, nargs, kwnames)
    # A blocking recv on a socket whose last blocking recv had to wait goes straight to the
    # wait: on an idle socket the non-blocking try costs libzmq two syscalls for nothing.
    if flags & ZMQ_DONTWAIT or not self._recv_waits:
        if copy:
            zmq_msg_init(&msg)
            rc = zmq_msg_recv(&msg, self.handle, <int>(flags & ~NOTHROW) | ZMQ_DONTWAIT)
            if rc >= 0:
                data = _bytes_from_msg(&msg)
                zmq_msg_close(&msg)
                Py_INCREF(data)
                return <PyObject *>data
            err = zmq_errno()
            zmq_msg_close(&msg)
        else:
            frame = new_frame()
            rc = zmq_msg_recv(&frame.zmq_msg, self.handle, <int>(flags & ~NOTHROW) | ZMQ_DONTWAIT)
            if rc >= 0:
                frame.more = zmq_msg_more(&frame.zmq_msg)
                Py_INCREF(frame)
                return <PyObject *>frame
            err = zmq_errno()
        if err != EAGAIN:
            raise zmq_error(err)
        if flags & ZMQ_DONTWAIT:
            if flags & NOTHROW:
                Py_INCREF(WOULD_BLOCK)
                return <PyObject *>WOULD_BLOCK
            return set_again()  # returned as is: no traceback frame
    # Nothing yet: wait for it (Socket._recv_wait releases the GIL).
    cdef object py_flags = flags  # (typed: Cython would infer a C long)
    cdef object py_copy = bool(copy)
    stack[0] = pyself
    stack[1] = <PyObject *>py_flags
    stack[2] = <PyObject *>py_copy
    return PyObject_Vectorcall(_recv_wait_fn, stack, 3, NULL)


cdef PyObject *_send_fast(PyObject *pyself, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) except NULL:
    cdef Socket self = <Socket>pyself
    cdef long flags = 0
    cdef int copy = 1
    cdef int rc, err
    cdef PyObject *data
    cdef Py_ssize_t n
    cdef PyObject *stack[3]
    if (nargs < 1 or self.handle == NULL or self._fork_gen != fork_generation()
            or not cyzmq_is_exact_bytes(args[0])
            or not _simple_args(args, nargs, kwnames, 1, &flags, &copy)):
        return _delegate(_send_full, pyself, args, nargs, kwnames)
    data = args[0]
    n = PyBytes_GET_SIZE(<object>data)
    if (not copy and <size_t>n >= self.copy_threshold) or n >= BIG_COPY:
        return _delegate(_send_full, pyself, args, nargs, kwnames)  # zero-copy, or a big copy
    rc = _send_now(self.handle, NULL, PyBytes_AS_STRING(<object>data), <size_t>n,
                   <int>(flags & ~NOTHROW) | ZMQ_DONTWAIT, &err)
    if rc >= 0:
        if copy:
            Py_INCREF(None)
            return <PyObject *>None
        Py_INCREF(finished_tracker)  # copy=False under copy_threshold: copied, so done
        return <PyObject *>finished_tracker
    if err != EAGAIN:
        raise zmq_error(err)
    if flags & ZMQ_DONTWAIT:
        if flags & NOTHROW:
            Py_INCREF(WOULD_BLOCK)
            return <PyObject *>WOULD_BLOCK
        return set_again()  # returned as is: no traceback frame
    if not copy:
        return _delegate(_send_full, pyself, args, nargs, kwnames)  # waits, returns the tracker
    cdef object py_flags = flags
    stack[0] = pyself
    stack[1] = data
    stack[2] = <PyObject *>py_flags
    return PyObject_Vectorcall(_send_wait_fn, stack, 3, NULL)


cdef str _body(str doc):
    """A docstring without the signature line Cython's embedsignature put first."""
    first, _, rest = doc.partition("\n")
    return rest.lstrip("\n") if first.startswith("Socket._") else doc


cdef int _install_fast_methods() except -1:
    global _recv_full, _send_full, _recv_wait_fn, _send_wait_fn
    functions = [Socket.__dict__[name] for name in ("_recv", "_send", "_recv_wait", "_send_wait")]
    for f in functions:
        Py_INCREF(f)  # held for the life of the process
    _recv_full = <PyObject *>functions[0]
    _send_full = <PyObject *>functions[1]
    _recv_wait_fn = <PyObject *>functions[2]
    _send_wait_fn = <PyObject *>functions[3]
    recv_doc = ("recv($self, /, flags=0, copy=True, track=False)\n--\n\n"
                + _body(functions[0].__doc__)).encode("utf-8")
    send_doc = ("send($self, /, data, flags=0, copy=True, track=False, routing_id=None, group=None)\n--\n\n"
                + _body(functions[1].__doc__)).encode("utf-8")
    _docs.extend([recv_doc, send_doc])
    _recv_def.ml_name = "recv"
    _recv_def.ml_meth = <void *>_recv_fast
    _recv_def.ml_flags = METH_FASTCALL | METH_KEYWORDS
    _recv_def.ml_doc = recv_doc
    _send_def.ml_name = "send"
    _send_def.ml_meth = <void *>_send_fast
    _send_def.ml_flags = METH_FASTCALL | METH_KEYWORDS
    _send_def.ml_doc = send_doc
    cyzmq_install_method(Socket, &_recv_def)
    cyzmq_install_method(Socket, &_send_def)
    return 0


_install_fast_methods()
