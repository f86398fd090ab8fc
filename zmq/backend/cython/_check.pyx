# cython: language_level=3
"""errno -> exception, fork tracking, the monotonic clock and the EINTR-retrying poll wait,
shared by the whole core."""

from cpython.object cimport PyObject
from libc.errno cimport EAGAIN, EINTR
from posix.time cimport clock_gettime, timespec, CLOCK_MONOTONIC

from zmq.backend.cython.libzmq cimport ENOTSUP, zmq_poll

import atexit
from zmq import error as _error

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
    PyObject *cyzmq_bare_instance_ref "cyzmq_bare_instance" (PyObject *cls) noexcept

cdef object _Again = _error.Again
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


cdef object zmq_error(int errnum, str msg=None):
    """The exception for ``errnum``, for the caller to raise (a ``raise`` in the caller records
    one traceback level, not two). Again, the common one, skips ZMQError.__init__."""
    if msg is not None:
        return _error_class(errnum)(errnum, msg)
    if errnum == EAGAIN:
        return cyzmq_bare_instance(_Again)
    return _error_class(errnum)(errnum)


cdef PyObject *new_again() noexcept:
    """A new zmq.Again as zmq_error(EAGAIN) makes it (a new reference, or NULL with the error
    set), for the raise of a NOBLOCK call that found nothing to do: the hot exception."""
    return cyzmq_bare_instance_ref(<PyObject *>_Again)


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
