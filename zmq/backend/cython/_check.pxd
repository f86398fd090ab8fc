# Error conversion and process-wide state shared by every module of the compiled core.

from cpython.object cimport PyObject
from zmq.backend.cython.libzmq cimport zmq_errno, zmq_pollitem_t

cdef extern from "Python.h":
    # Declared here once for the whole core: runs pending signal handlers (-1: one raised).
    int PyErr_CheckSignals() except -1
    bint PyIndex_Check(object o)
    bint PyLong_Check(object o)
    object PyNumber_Index(object o)
    long PyLong_AsLongAndOverflow(object o, int *overflow) except? -1

cdef extern from "<pthread.h>" nogil:
    int pthread_atfork(void (*prepare)() noexcept nogil, void (*parent)() noexcept nogil,
                       void (*child)() noexcept nogil)

# THE converter from an errno to the exception to raise (ZMQError subclass by errno; Again
# made without running its __init__, in the state it leaves).
cdef object zmq_error(int errnum)
cdef PyObject *new_again() noexcept  # zmq.Again: a new reference, or NULL with the error set
cdef object concurrent_use_error()
cdef int raise_forked() except -1
cdef int fork_generation() noexcept nogil
cdef long long monotonic_ms() noexcept nogil
cdef bint interpreter_exiting() noexcept nogil

# After a signal interrupted a poll and the handlers ran: raise if they closed a socket.
ctypedef int (*poll_recheck_fn)(object owner, zmq_pollitem_t *items, int n) except -1
cdef int poll_wait(zmq_pollitem_t *items, int n, long ms, object owner, poll_recheck_fn recheck) except -1


cdef inline int raise_zmq_error(int errnum) except -1:
    raise zmq_error(errnum)


cdef inline int check_rc(int rc) except -1:
    """Raise the exception for zmq_errno() when a libzmq call returned a negative rc."""
    if rc < 0:
        raise zmq_error(zmq_errno())
    return 0


cdef extern from *:
    """
    /* An int (or IntFlag) of at most one 30-bit digit (every flags value in practice) into *v. */
    static inline int cyzmq_small_int(PyObject *o, long *v) {
    #if PY_VERSION_HEX < 0x030C0000 && CYTHON_COMPILING_IN_CPYTHON && !CYTHON_COMPILING_IN_LIMITED_API
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
    bint cyzmq_small_int(PyObject *o, long *v) noexcept


cdef inline int c_int_arg(object value, str name) except? -1:
    """``value`` as a C int, accepting ints and objects with __index__ only (a float is a
    TypeError, as everywhere in Python, rather than being truncated; an int out of range an
    OverflowError, as Python's own C-int arguments raise)."""
    cdef int overflow = 0
    cdef long v
    if cyzmq_small_int(<PyObject *>value, &v):  # (flags: 0, zmq.NOBLOCK...)
        return <int>v
    if not PyLong_Check(value):
        if not PyIndex_Check(value):
            raise TypeError(f"{name} must be an int, not {type(value).__name__!r}")
        value = PyNumber_Index(value)
    v = PyLong_AsLongAndOverflow(value, &overflow)
    if overflow or v < -2147483648 or v > 2147483647:
        raise OverflowError(f"{name}={value} does not fit in a C int")
    return <int>v


cdef inline long timeout_ms(object timeout) except? -2:
    """A poll timeout in ms: None or negative -> -1 (forever); a float is truncated; an int
    beyond a C int is an OverflowError (a huge timeout would otherwise wait forever)."""
    if timeout is None:
        return -1
    t = int(timeout) if isinstance(timeout, float) else PyNumber_Index(timeout)
    if t < 0:
        return -1
    if t > 2147483647:
        raise OverflowError(f"timeout={timeout} ms does not fit in a C int")
    return <long>t
