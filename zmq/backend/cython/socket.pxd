# The libzmq socket wrapper: every send/recv path of cyzmq goes through here.

from zmq.backend.cython.libzmq cimport zmq_msg_t
from zmq.backend.cython._check cimport raise_zmq_error, raise_forked, fork_generation
from zmq.backend.cython.libzmq cimport ENOTSOCK


cdef class Socket:
    cdef void *handle                  # zmq_socket() result; NULL once closed
    cdef bint _shadow                  # wraps a socket owned elsewhere: never closed by us
    cdef int _fork_gen                 # fork generation at creation
    cdef object _owner                 # the Socket we shadow, kept alive while we use it
    cdef public object context         # the Context this socket belongs to (None for bare shadows)
    cdef public size_t copy_threshold  # copy=False sends of fewer bytes copy anyway
    cdef object __weakref__
    cdef bint _recv_waits              # the last blocking recv had to wait: skip the doomed try

    cdef int _send_buf(self, const void *buf, size_t n, int flags) except -1
    cdef int _send_msg(self, zmq_msg_t *msg, int flags) except -1
    cdef int _recv_msg(self, zmq_msg_t *msg, int flags) except -1
    cdef int _get_int(self, int option) except? -1
    cdef int _set_int(self, int option, int value) except -1

    cdef inline int _check_usable(self) except -1:
        if self.handle == NULL:
            raise_zmq_error(ENOTSOCK)
        if self._fork_gen != fork_generation():
            raise_forked()
        return 0
