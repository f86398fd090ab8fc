# The libzmq C API used by cyzmq: a plain copy of zmq.h's declarations, no logic.
# Draft functions come from zmq_compat.h, which stubs them (ENOTSUP) when libzmq lacks them.

from libc.stdint cimport uint8_t, uint32_t, uint64_t, int64_t

cdef extern from "zmq_compat.h" nogil:
    enum: CYZMQ_DRAFT_API
    ctypedef int cyzmq_fd_t

    enum: ZMQ_VERSION_MAJOR, ZMQ_VERSION_MINOR, ZMQ_VERSION_PATCH, ZMQ_VERSION
    enum: ZMQ_HAUSNUMERO, ENOTSUP, EPROTONOSUPPORT, ENOBUFS, ENETDOWN, EADDRINUSE, EADDRNOTAVAIL
    enum: ECONNREFUSED, EINPROGRESS, ENOTSOCK, EMSGSIZE, EAFNOSUPPORT, ENETUNREACH
    enum: ECONNABORTED, ECONNRESET, ENOTCONN, ETIMEDOUT, EHOSTUNREACH, ENETRESET
    enum: EFSM, ENOCOMPATPROTO, ETERM, EMTHREAD
    enum: EAGAIN, EINTR, EINVAL, EFAULT, ENOMEM

    int zmq_errno()
    const char *zmq_strerror(int errnum)
    void zmq_version(int *major, int *minor, int *patch)

    # contexts
    enum: ZMQ_IO_THREADS, ZMQ_MAX_SOCKETS, ZMQ_SOCKET_LIMIT, ZMQ_MAX_MSGSZ, ZMQ_MSG_T_SIZE
    enum: ZMQ_THREAD_PRIORITY, ZMQ_THREAD_SCHED_POLICY
    enum: ZMQ_BLOCKY, ZMQ_LINGER, ZMQ_RCVTIMEO, ZMQ_SNDTIMEO, ZMQ_RCVMORE, ZMQ_EVENTS, ZMQ_FD
    enum: ZMQ_TYPE, ZMQ_SNDHWM, ZMQ_RCVHWM, ZMQ_SUBSCRIBE, ZMQ_UNSUBSCRIBE
    void *zmq_ctx_new()
    int zmq_ctx_term(void *context)
    int zmq_ctx_shutdown(void *context)
    int zmq_ctx_set(void *context, int option, int optval)
    int zmq_ctx_get(void *context, int option)
    int zmq_ctx_set_ext(void *context, int option, const void *optval, size_t optvallen)
    int zmq_ctx_get_ext(void *context, int option, void *optval, size_t *optvallen)

    # messages
    ctypedef struct zmq_msg_t:
        pass
    ctypedef void zmq_free_fn(void *data, void *hint)
    enum: ZMQ_MORE, ZMQ_SRCFD, ZMQ_SHARED
    int zmq_msg_init(zmq_msg_t *msg)
    int zmq_msg_init_size(zmq_msg_t *msg, size_t size)
    int zmq_msg_init_data(zmq_msg_t *msg, void *data, size_t size, zmq_free_fn *ffn, void *hint)
    int zmq_msg_send(zmq_msg_t *msg, void *s, int flags)
    int zmq_msg_recv(zmq_msg_t *msg, void *s, int flags)
    int zmq_msg_close(zmq_msg_t *msg)
    int zmq_msg_move(zmq_msg_t *dest, zmq_msg_t *src)
    int zmq_msg_copy(zmq_msg_t *dest, zmq_msg_t *src)
    void *zmq_msg_data(zmq_msg_t *msg)
    size_t zmq_msg_size(const zmq_msg_t *msg)
    int zmq_msg_more(const zmq_msg_t *msg)
    int zmq_msg_get(const zmq_msg_t *msg, int property)
    int zmq_msg_set(zmq_msg_t *msg, int property, int optval)
    const char *zmq_msg_gets(const zmq_msg_t *msg, const char *property)
    int zmq_msg_set_routing_id(zmq_msg_t *msg, uint32_t routing_id)
    uint32_t zmq_msg_routing_id(zmq_msg_t *msg)
    int zmq_msg_set_group(zmq_msg_t *msg, const char *group)
    const char *zmq_msg_group(zmq_msg_t *msg)

    # sockets
    enum: ZMQ_DONTWAIT, ZMQ_SNDMORE
    void *zmq_socket(void *context, int type)
    int zmq_close(void *s)
    int zmq_setsockopt(void *s, int option, const void *optval, size_t optvallen)
    int zmq_getsockopt(void *s, int option, void *optval, size_t *optvallen)
    int zmq_bind(void *s, const char *addr)
    int zmq_connect(void *s, const char *addr)
    int zmq_unbind(void *s, const char *addr)
    int zmq_disconnect(void *s, const char *addr)
    int zmq_send(void *s, const void *buf, size_t len, int flags)
    int zmq_recv(void *s, void *buf, size_t len, int flags)
    int zmq_socket_monitor(void *s, const char *addr, int events)
    int zmq_socket_monitor_versioned(void *s, const char *addr, uint64_t events, int event_version, int type)
    int zmq_join(void *s, const char *group)
    int zmq_leave(void *s, const char *group)

    # polling
    enum: ZMQ_POLLIN, ZMQ_POLLOUT, ZMQ_POLLERR, ZMQ_POLLPRI
    ctypedef struct zmq_pollitem_t:
        void *socket
        cyzmq_fd_t fd
        short events
        short revents
    int zmq_poll(zmq_pollitem_t *items, int nitems, long timeout)

    # devices
    int zmq_proxy(void *frontend, void *backend, void *capture)
    int zmq_proxy_steerable(void *frontend, void *backend, void *capture, void *control)
    int zmq_device(int type, void *frontend, void *backend)

    # capabilities, keys
    int zmq_has(const char *capability)
    char *zmq_z85_encode(char *dest, const uint8_t *data, size_t size)
    uint8_t *zmq_z85_decode(uint8_t *dest, const char *string)
    int zmq_curve_keypair(char *z85_public_key, char *z85_secret_key)
    int zmq_curve_public(char *z85_public_key, const char *z85_secret_key)
