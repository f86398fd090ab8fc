# Error checking and process-wide state shared by every module of the compiled core.

from cpython.object cimport PyObject
from zmq.backend.cython.libzmq cimport zmq_errno

cdef int raise_zmq_error(int errnum) except -1
cdef object zmq_error(int errnum)
cdef object again_type
cdef PyObject *set_again() noexcept
cdef int raise_zmq_error_msg(int errnum, str msg) except -1
cdef int raise_forked() except -1
cdef int fork_generation() noexcept nogil
cdef long long monotonic_ms() noexcept nogil
cdef bint interpreter_exiting() noexcept nogil


cdef inline int check_rc(int rc) except -1:
    """Raise the ZMQError for zmq_errno() when a libzmq call returned a negative rc."""
    if rc < 0:
        raise_zmq_error(zmq_errno())
    return 0


cdef extern from "Python.h":
    bint PyIndex_Check(object o)
    bint PyLong_Check(object o)
    object PyNumber_Index(object o)
    long PyLong_AsLongAndOverflow(object o, int *overflow) except? -1


cdef inline int c_int_arg(object value, str name) except? -1:
    """``value`` as a C int, accepting ints and objects with __index__ only (a float is a
    TypeError, as everywhere in Python, rather than being truncated; an int out of range an
    OverflowError, as Python's own C-int arguments raise)."""
    cdef int overflow = 0
    cdef long v
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
