# The libzmq context wrapper.

cdef class Context:
    cdef void *handle        # zmq_ctx_new() result; NULL once terminated
    cdef bint _shadow        # wraps a context owned elsewhere: never terminated by us
    cdef int _fork_gen       # fork generation at creation (see _check.fork_generation)
    cdef int _pid            # creating process, for messages and Context.instance()
    cdef int _sched_policy   # THREAD_SCHED_POLICY set so far (-1: libzmq's default)
    cdef int _thread_priority  # THREAD_PRIORITY set so far (-1: libzmq's default)
    cdef object __weakref__

    cdef int _check_usable(self) except -1
