# cython: language_level=3
"""errno -> exception, fork tracking and the monotonic clock, shared by the whole core."""

from libc.errno cimport EAGAIN
from posix.time cimport clock_gettime, timespec, CLOCK_MONOTONIC

from zmq.backend.cython.libzmq cimport ENOTSUP

import atexit
from zmq import error as _error

cdef extern from "<pthread.h>" nogil:
    int pthread_atfork(void (*prepare)() noexcept nogil, void (*parent)() noexcept nogil,
                       void (*child)() noexcept nogil)

cdef extern from *:
    """
    /* An instance of an exception class made by tp_new alone: no __init__, no __dict__;
       its args are (EAGAIN,), as those of the Again pyzmq raises (one shared tuple). */
    static PyObject *cyzmq_again_args = NULL;
    static PyObject *cyzmq_bare_instance(PyObject *cls) {
        PyTypeObject *t = (PyTypeObject *)cls;
        if (cyzmq_again_args == NULL) {
            cyzmq_again_args = Py_BuildValue("(i)", EAGAIN);
            if (cyzmq_again_args == NULL) return NULL;
        }
        return t->tp_new(t, cyzmq_again_args, NULL);
    }
    """
    object cyzmq_bare_instance(object cls)

cdef object _Again = _error.Again
again_type = _Again
cdef object _error_class = _error.error_class
cdef object _ZMQError = _error.ZMQError

# Bumped in every child right after fork(); objects remember the value they were born with,
# so "was I created in this process?" is an int compare instead of a getpid() syscall.
cdef int _fork_generation = 0
cdef bint _exiting = False


cdef void _after_fork_in_child() noexcept nogil:
    global _fork_generation
    _fork_generation += 1


pthread_atfork(NULL, NULL, _after_fork_in_child)


def _mark_exiting():
    global _exiting
    _exiting = True


atexit.register(_mark_exiting)


cdef PyObject *set_again() noexcept:
    """Set zmq.Again as the current exception and return NULL, for C-level callers that
    return the NULL as is (so that no traceback frame is added on the way out)."""
    exc = cyzmq_bare_instance(_Again)
    PyErr_SetObject(_Again, exc)
    return NULL


cdef extern from "Python.h":
    void PyErr_SetObject(object type, object value)


cdef int raise_zmq_error(int errnum) except -1:
    if errnum == EAGAIN:  # the common one: errno is a class attribute of Again
        raise cyzmq_bare_instance(_Again)
    raise _error_class(errnum)(errnum)


cdef object zmq_error(int errnum):
    """The exception instance for ``errnum``, for callers that raise it themselves: a
    ``raise`` in the caller records one traceback level instead of two."""
    if errnum == EAGAIN:
        return cyzmq_bare_instance(_Again)
    return _error_class(errnum)(errnum)


cdef int raise_zmq_error_msg(int errnum, str msg) except -1:
    raise _error_class(errnum)(errnum, msg)


cdef int raise_forked() except -1:
    raise _ZMQError(
        ENOTSUP,
        "this object was created before fork() in the parent process; "
        "libzmq objects cannot cross a fork: create a new Context and sockets in the child",
    )


cdef int fork_generation() noexcept nogil:
    return _fork_generation


cdef long long monotonic_ms() noexcept nogil:
    cdef timespec ts
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return <long long>ts.tv_sec * 1000 + ts.tv_nsec // 1000000


cdef bint interpreter_exiting() noexcept nogil:
    return _exiting
