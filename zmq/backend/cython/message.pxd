# Frames (zmq_msg_t owners), zero-copy buffer lifetimes and MessageTracker.

from cpython.buffer cimport Py_buffer
from zmq.backend.cython.libzmq cimport zmq_msg_t

cdef enum:
    # 64 KiB, the one size threshold of the core: zmq.COPY_THRESHOLD's default (smaller
    # zero-copy sends and frames are copied anyway) and the size from which a copy is made
    # with the GIL released.
    BIG_MESSAGE = 65536


cdef struct ZeroCopyHint:
    # One zero-copy message: the exported buffer libzmq reads from, kept alive (view.obj
    # holds the reference) until libzmq's free callback has fired and we drained it.
    Py_buffer view
    int released        # set by the free callback (any thread), read under _zc_lock
    int refs            # 1 while libzmq holds it + 1 per tracker; touched only with the GIL
    ZeroCopyHint *next  # link in the pending-release list


cdef class MessageTracker:
    cdef ZeroCopyHint **_hints   # hints we hold a ref on
    cdef Py_ssize_t _nhints
    cdef public set events       # threading.Events also waited for
    cdef public set peers        # other MessageTrackers also waited for
    cdef object __weakref__
    cdef int add_hint(self, ZeroCopyHint *hint) except -1
    cpdef bint _is_done(self) except -1


cdef class Frame:
    cdef zmq_msg_t zmq_msg       # the message; always initialised, closed in __dealloc__
    cdef object _data            # the object a zero-copy frame was built from (or None)
    cdef object _bytes           # cached bytes copy
    cdef public object tracker   # MessageTracker when built with track=True
    cdef public bint more        # set on frames returned by recv(copy=False)
    cdef bint _readonly          # shares the memory of a read-only object (zero-copy from bytes)
    cdef object _view_ref        # weakref to the memoryview `buffer` last returned
    cdef object _tracker_event   # the Event tracker_event returned (made on first use)
    cdef object __weakref__


cdef int init_zero_copy(zmq_msg_t *msg, object data, MessageTracker tracker) except -1
# The tracker of messages that were copied: done from the start (pyzmq's _FINISHED_TRACKER).
cdef MessageTracker finished_tracker
cdef int zc_drain() except -1
cdef int zc_maybe_drain() except -1
cdef MessageTracker new_tracker()
cdef Frame new_frame()
