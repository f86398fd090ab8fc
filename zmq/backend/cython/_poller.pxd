# The EINTR-resuming wait of zmq.Poller.poll, for other modules of the core that poll items.

from zmq.backend.cython.libzmq cimport zmq_pollitem_t

cdef int wait_items(zmq_pollitem_t *items, int n, long ms, list objs) except -1
