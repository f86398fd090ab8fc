# cython: language_level=3
"""The compiled loop of zmq.devices.monitored_queue (runs without the GIL)."""

from libc.stdlib cimport malloc, realloc, free
from libc.string cimport memcpy

from zmq.backend.cython.libzmq cimport *
from zmq.backend.cython._check cimport PyErr_CheckSignals, raise_zmq_error
from zmq.backend.cython.socket cimport Socket


cdef void _close_all(zmq_msg_t *parts, int n) noexcept nogil:
    cdef int i
    for i in range(n):
        zmq_msg_close(&parts[i])


cdef int _forward(void *src, void *dst, void *mon, zmq_msg_t *prefix, bint swap_ids,
                  zmq_msg_t **buf, int *cap) noexcept nogil:
    """Move one whole message from src to dst, publishing a copy on mon after the prefix.

    Returns 1 if a message moved, 0 if none was waiting, -1 on error (errno set). With
    swap_ids (ROUTER to ROUTER) the first two frames trade places so replies route back.
    """
    cdef zmq_msg_t *parts = buf[0]
    cdef zmq_msg_t tmp, copy
    cdef int n = 0, i, rc, last
    while True:
        if n == cap[0]:
            parts = <zmq_msg_t *>realloc(parts, (cap[0] * 2) * sizeof(zmq_msg_t))
            if parts == NULL:
                _close_all(buf[0], n)
                return -1
            buf[0] = parts
            cap[0] *= 2
        zmq_msg_init(&parts[n])
        rc = zmq_msg_recv(&parts[n], src, ZMQ_DONTWAIT if n == 0 else 0)
        while rc < 0 and n > 0 and zmq_errno() == EINTR:
            # Mid-message: finish moving it first; the signal is handled once we return.
            rc = zmq_msg_recv(&parts[n], src, 0)
        if rc < 0:
            zmq_msg_close(&parts[n])
            _close_all(parts, n)
            if n == 0 and zmq_errno() == EAGAIN:
                return 0
            return -1
        n += 1
        if not zmq_msg_more(&parts[n - 1]):
            break
    if swap_ids and n >= 2:
        zmq_msg_init(&tmp)
        zmq_msg_move(&tmp, &parts[0])
        zmq_msg_move(&parts[0], &parts[1])
        zmq_msg_move(&parts[1], &tmp)
        zmq_msg_close(&tmp)
    # The monitor gets its copy first, waiting as pyzmq's does: a monitor that cannot take
    # it yet (a PUSH without a peer, at its HWM) holds the queue; a PUB drops it by itself.
    if mon != NULL:
        zmq_msg_init(&copy)
        zmq_msg_copy(&copy, prefix)
        if zmq_msg_send(&copy, mon, ZMQ_SNDMORE) < 0:  # a signal or ETERM: no copy
            zmq_msg_close(&copy)
        else:
            for i in range(n):
                zmq_msg_init(&copy)
                zmq_msg_copy(&copy, &parts[i])
                rc = zmq_msg_send(&copy, mon, ZMQ_SNDMORE if i < n - 1 else 0)
                while rc < 0 and zmq_errno() == EINTR:  # never leave half a copy behind
                    rc = zmq_msg_send(&copy, mon, ZMQ_SNDMORE if i < n - 1 else 0)
                if rc < 0:
                    zmq_msg_close(&copy)
    for i in range(n):
        last = i == n - 1
        rc = zmq_msg_send(&parts[i], dst, 0 if last else ZMQ_SNDMORE)
        while rc < 0 and i > 0 and zmq_errno() == EINTR:  # never leave half a message behind
            rc = zmq_msg_send(&parts[i], dst, 0 if last else ZMQ_SNDMORE)
        if rc < 0:
            _close_all(&parts[i], n - i)
            return -1
    return 1


cdef int _init_prefix(zmq_msg_t *msg, bytes data) except -1:
    if zmq_msg_init_size(msg, len(data)) < 0:
        raise MemoryError()
    memcpy(zmq_msg_data(msg), <const char *>data, len(data))
    return 0


def monitored_queue(Socket in_socket, Socket out_socket, Socket mon_socket, in_prefix=b"in", out_prefix=b"out"):
    """Forward messages both ways between ``in_socket`` and ``out_socket`` (a queue device),
    publishing a copy of each on ``mon_socket`` preceded by a frame ``in_prefix`` (traffic
    from in to out) or ``out_prefix`` (from out to in). ROUTER-to-ROUTER queues swap the two
    routing frames. Runs without the GIL until the context is terminated (raises
    ContextTerminated); Ctrl-C interrupts it.
    """
    cdef zmq_pollitem_t items[2]
    cdef zmq_msg_t in_msg, out_msg
    cdef void *ins
    cdef void *outs
    cdef void *mons
    cdef bint swap_ids
    cdef int rc = 0, err = 0, cap = 8
    cdef zmq_msg_t *buf
    if isinstance(in_prefix, str):
        in_prefix = in_prefix.encode("utf-8")
    if isinstance(out_prefix, str):
        out_prefix = out_prefix.encode("utf-8")
    in_socket._check_usable()
    out_socket._check_usable()
    mon_socket._check_usable()
    ins, outs, mons = in_socket.handle, out_socket.handle, mon_socket.handle
    swap_ids = in_socket.get(ZMQ_TYPE) == 6 and out_socket.get(ZMQ_TYPE) == 6  # ROUTER, ROUTER
    buf = <zmq_msg_t *>malloc(cap * sizeof(zmq_msg_t))
    if buf == NULL:
        raise MemoryError()
    _init_prefix(&in_msg, bytes(in_prefix))
    _init_prefix(&out_msg, bytes(out_prefix))
    items[0].socket = ins
    items[0].fd = 0
    items[0].events = ZMQ_POLLIN
    items[1].socket = outs
    items[1].fd = 0
    items[1].events = ZMQ_POLLIN
    try:
        while True:
            with nogil:
                while True:
                    rc = zmq_poll(items, 2, -1)
                    if rc < 0:
                        break
                    if items[0].revents & ZMQ_POLLIN:
                        rc = _forward(ins, outs, mons, &in_msg, swap_ids, &buf, &cap)
                        while rc == 1:
                            rc = _forward(ins, outs, mons, &in_msg, swap_ids, &buf, &cap)
                        if rc < 0:
                            break
                    if items[1].revents & ZMQ_POLLIN:
                        rc = _forward(outs, ins, mons, &out_msg, swap_ids, &buf, &cap)
                        while rc == 1:
                            rc = _forward(outs, ins, mons, &out_msg, swap_ids, &buf, &cap)
                        if rc < 0:
                            break
                err = zmq_errno()
            if err == EINTR:
                PyErr_CheckSignals()
                continue
            raise_zmq_error(err)
    finally:
        zmq_msg_close(&in_msg)
        zmq_msg_close(&out_msg)
        free(buf)
