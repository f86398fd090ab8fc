# The libzmq context wrapper.

cdef class Context:
    cdef void *handle        # zmq_ctx_new() result; NULL once terminated
    cdef bint _shadow        # wraps a context owned elsewhere: never terminated by us
    cdef int _fork_gen       # fork generation at creation (see _check.fork_generation)
    cdef int _pid            # creating process, for messages and Context.instance()
    cdef object __weakref__

    cdef int _check_usable(self) except -1
