# The EINTR-resuming wait of zmq.Poller.poll, and how one (object, events) pair becomes a
# poll item, for other modules of the core that poll items.

from zmq.backend.cython.libzmq cimport zmq_pollitem_t

cdef int wait_items(zmq_pollitem_t *items, int n, long ms, list objs) except -1
cdef int fill_item(zmq_pollitem_t *item, object obj, short events) except -1
