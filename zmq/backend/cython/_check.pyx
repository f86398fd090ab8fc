# cython: language_level=3
"""errno -> exception, fork tracking, the monotonic clock and the EINTR-retrying poll wait,
shared by the whole core."""

from cpython.object cimport PyObject
from libc.errno cimport EAGAIN, EINTR
from posix.time cimport clock_gettime, timespec, CLOCK_MONOTONIC

from zmq.backend.cython.libzmq cimport ENOTSUP, zmq_poll, zmq_strerror

import atexit
from zmq import error as _error
from zmq.constants import Errno as _Errno

cdef extern from *:
    """
    /* zmq.Again as its __init__ leaves it, made by tp_new and a copy of a template dict
       instead of running __init__: args (EAGAIN,), as those of the Again pyzmq raises (one
       shared tuple); __dict__ {'errno': Errno.EAGAIN, 'strerror': <libzmq's text>}, a
       fresh dict per instance. */
    static PyObject *cyzmq_again_cls = NULL, *cyzmq_again_args = NULL, *cyzmq_again_state = NULL;
    static int cyzmq_again_setup(PyObject *cls, PyObject *state) {
        if (((PyTypeObject *)cls)->tp_dictoffset != offsetof(PyBaseExceptionObject, dict)) {
            PyErr_SetString(PyExc_SystemError, "zmq.Again: unexpected instance layout");
            return -1;
        }
        cyzmq_again_args = Py_BuildValue("(i)", EAGAIN);
        if (cyzmq_again_args == NULL) return -1;
        Py_INCREF(cls);
        Py_INCREF(state);
        cyzmq_again_cls = cls;
        cyzmq_again_state = state;
        return 0;
    }
    static PyObject *cyzmq_new_again(void) {
        PyTypeObject *t = (PyTypeObject *)cyzmq_again_cls;
        PyObject *e = t->tp_new(t, cyzmq_again_args, NULL), *d;
        if (e == NULL) return NULL;
        d = PyDict_Copy(cyzmq_again_state);
        if (d == NULL) {
            Py_DECREF(e);
            return NULL;
        }
        ((PyBaseExceptionObject *)e)->dict = d;  /* (tp_new left it NULL) */
        return e;
    }
    """
    int cyzmq_again_setup(object cls, object state) except -1
    object cyzmq_new_again()
    PyObject *cyzmq_new_again_ref "cyzmq_new_again" () noexcept

cyzmq_again_setup(_error.Again, {"errno": _Errno.EAGAIN, "strerror": zmq_strerror(EAGAIN).decode("utf-8")})
cdef object _error_class = _error.error_class
cdef object _ZMQError = _error.ZMQError
cdef object _ConcurrentUseError = _error.ConcurrentUseError

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


cdef object zmq_error(int errnum):
    """The exception for ``errnum``, for the caller to raise (a ``raise`` in the caller records
    one traceback level, not two). Again, the common one, skips ZMQError.__init__."""
    if errnum == EAGAIN:
        return cyzmq_new_again()
    return _error_class(errnum)(errnum)


cdef PyObject *new_again() noexcept:
    """A new zmq.Again as zmq_error(EAGAIN) makes it (a new reference, or NULL with the error
    set), for the raise of a NOBLOCK call that found nothing to do: the hot exception."""
    return cyzmq_new_again_ref()


cdef object concurrent_use_error():
    """ConcurrentUseError: a second thread entered a socket another thread is inside."""
    return _ConcurrentUseError()


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


cdef int poll_wait(zmq_pollitem_t *items, int n, long ms, object owner, poll_recheck_fn recheck) except -1:
    """zmq_poll over ``items`` for up to ``ms`` milliseconds (-1: forever): a first look with
    the GIL held, then a wait with it released. A signal runs Python's handlers (one that
    raises ends the call); ``recheck(owner, items, n)`` then makes sure they closed none of
    the sockets, and the wait goes on for the time left. Returns how many items are ready."""
    cdef long long deadline = monotonic_ms() + ms if ms > 0 else -1
    cdef int err
    cdef int rc = zmq_poll(items, n, 0)
    if rc < 0:
        err = zmq_errno()
        if err != EINTR:
            raise zmq_error(err)
        rc = 0
    while rc == 0 and ms != 0:
        with nogil:
            rc = zmq_poll(items, n, ms)
            err = zmq_errno() if rc < 0 else 0
        if rc >= 0:
            break
        if err != EINTR:
            raise zmq_error(err)
        PyErr_CheckSignals()
        recheck(owner, items, n)
        rc = 0
        if deadline >= 0:
            ms = <long>(deadline - monotonic_ms())
            if ms <= 0:
                break
    return rc
