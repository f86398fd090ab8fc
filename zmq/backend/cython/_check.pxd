# Error checking and process-wide state shared by every module of the compiled core.

from zmq.backend.cython.libzmq cimport zmq_errno

cdef int raise_zmq_error(int errnum) except -1
cdef object zmq_error(int errnum)
cdef object again_type
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
