# The libzmq C API used by cyzmq: a plain copy of zmq.h's declarations, no logic.
# Draft functions come from zmq_compat.h, which stubs them (ENOTSUP) when libzmq lacks them.

from libc.stdint cimport uint8_t, uint32_t, uint64_t, int64_t

cdef extern from "zmq_compat.h" nogil:
    enum: CYZMQ_DRAFT_API
    enum: CYZMQ_IPC_PATH_MAX_LEN  # sizeof(sockaddr_un.sun_path) - 1
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

    # Every other constant of zmq.h (not used by cyzmq itself; for Cython code doing
    # `from zmq cimport libzmq`). Draft ones are absent from non-draft builds.
    enum: ZMQ_THREAD_AFFINITY_CPU_ADD, ZMQ_THREAD_AFFINITY_CPU_REMOVE, ZMQ_THREAD_NAME_PREFIX
    enum: ZMQ_IO_THREADS_DFLT, ZMQ_MAX_SOCKETS_DFLT, ZMQ_THREAD_PRIORITY_DFLT
    enum: ZMQ_THREAD_SCHED_POLICY_DFLT, ZMQ_PAIR, ZMQ_PUB, ZMQ_SUB, ZMQ_REQ, ZMQ_REP, ZMQ_DEALER
    enum: ZMQ_ROUTER, ZMQ_PULL, ZMQ_PUSH, ZMQ_XPUB, ZMQ_XSUB, ZMQ_STREAM, ZMQ_XREQ, ZMQ_XREP
    enum: ZMQ_AFFINITY, ZMQ_ROUTING_ID, ZMQ_RATE, ZMQ_RECOVERY_IVL, ZMQ_SNDBUF, ZMQ_RCVBUF
    enum: ZMQ_RECONNECT_IVL, ZMQ_BACKLOG, ZMQ_RECONNECT_IVL_MAX, ZMQ_MAXMSGSIZE, ZMQ_MULTICAST_HOPS
    enum: ZMQ_LAST_ENDPOINT, ZMQ_ROUTER_MANDATORY, ZMQ_TCP_KEEPALIVE, ZMQ_TCP_KEEPALIVE_CNT
    enum: ZMQ_TCP_KEEPALIVE_IDLE, ZMQ_TCP_KEEPALIVE_INTVL, ZMQ_IMMEDIATE, ZMQ_XPUB_VERBOSE
    enum: ZMQ_ROUTER_RAW, ZMQ_IPV6, ZMQ_MECHANISM, ZMQ_PLAIN_SERVER, ZMQ_PLAIN_USERNAME
    enum: ZMQ_PLAIN_PASSWORD, ZMQ_CURVE_SERVER, ZMQ_CURVE_PUBLICKEY, ZMQ_CURVE_SECRETKEY
    enum: ZMQ_CURVE_SERVERKEY, ZMQ_PROBE_ROUTER, ZMQ_REQ_CORRELATE, ZMQ_REQ_RELAXED, ZMQ_CONFLATE
    enum: ZMQ_ZAP_DOMAIN, ZMQ_ROUTER_HANDOVER, ZMQ_TOS, ZMQ_CONNECT_ROUTING_ID, ZMQ_GSSAPI_SERVER
    enum: ZMQ_GSSAPI_PRINCIPAL, ZMQ_GSSAPI_SERVICE_PRINCIPAL, ZMQ_GSSAPI_PLAINTEXT
    enum: ZMQ_HANDSHAKE_IVL, ZMQ_SOCKS_PROXY, ZMQ_XPUB_NODROP, ZMQ_XPUB_MANUAL, ZMQ_XPUB_WELCOME_MSG
    enum: ZMQ_STREAM_NOTIFY, ZMQ_INVERT_MATCHING, ZMQ_HEARTBEAT_IVL, ZMQ_HEARTBEAT_TTL
    enum: ZMQ_HEARTBEAT_TIMEOUT, ZMQ_XPUB_VERBOSER, ZMQ_CONNECT_TIMEOUT, ZMQ_TCP_MAXRT
    enum: ZMQ_THREAD_SAFE, ZMQ_MULTICAST_MAXTPDU, ZMQ_VMCI_BUFFER_SIZE, ZMQ_VMCI_BUFFER_MIN_SIZE
    enum: ZMQ_VMCI_BUFFER_MAX_SIZE, ZMQ_VMCI_CONNECT_TIMEOUT, ZMQ_USE_FD
    enum: ZMQ_GSSAPI_PRINCIPAL_NAMETYPE, ZMQ_GSSAPI_SERVICE_PRINCIPAL_NAMETYPE, ZMQ_BINDTODEVICE
    enum: ZMQ_NULL, ZMQ_PLAIN, ZMQ_CURVE, ZMQ_GSSAPI, ZMQ_GROUP_MAX_LENGTH, ZMQ_IDENTITY
    enum: ZMQ_CONNECT_RID, ZMQ_TCP_ACCEPT_FILTER, ZMQ_IPC_FILTER_PID, ZMQ_IPC_FILTER_UID
    enum: ZMQ_IPC_FILTER_GID, ZMQ_IPV4ONLY, ZMQ_DELAY_ATTACH_ON_CONNECT, ZMQ_NOBLOCK
    enum: ZMQ_FAIL_UNROUTABLE, ZMQ_ROUTER_BEHAVIOR, ZMQ_GSSAPI_NT_HOSTBASED, ZMQ_GSSAPI_NT_USER_NAME
    enum: ZMQ_GSSAPI_NT_KRB5_PRINCIPAL, ZMQ_EVENT_CONNECTED, ZMQ_EVENT_CONNECT_DELAYED
    enum: ZMQ_EVENT_CONNECT_RETRIED, ZMQ_EVENT_LISTENING, ZMQ_EVENT_BIND_FAILED, ZMQ_EVENT_ACCEPTED
    enum: ZMQ_EVENT_ACCEPT_FAILED, ZMQ_EVENT_CLOSED, ZMQ_EVENT_CLOSE_FAILED, ZMQ_EVENT_DISCONNECTED
    enum: ZMQ_EVENT_MONITOR_STOPPED, ZMQ_EVENT_ALL, ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL
    enum: ZMQ_EVENT_HANDSHAKE_SUCCEEDED, ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL
    enum: ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, ZMQ_PROTOCOL_ERROR_ZMTP_UNSPECIFIED
    enum: ZMQ_PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND, ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_SEQUENCE
    enum: ZMQ_PROTOCOL_ERROR_ZMTP_KEY_EXCHANGE
    enum: ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED
    enum: ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_MESSAGE
    enum: ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_HELLO
    enum: ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_INITIATE
    enum: ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_ERROR
    enum: ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_READY
    enum: ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_WELCOME
    enum: ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_METADATA, ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC
    enum: ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH, ZMQ_PROTOCOL_ERROR_ZAP_UNSPECIFIED
    enum: ZMQ_PROTOCOL_ERROR_ZAP_MALFORMED_REPLY, ZMQ_PROTOCOL_ERROR_ZAP_BAD_REQUEST_ID
    enum: ZMQ_PROTOCOL_ERROR_ZAP_BAD_VERSION, ZMQ_PROTOCOL_ERROR_ZAP_INVALID_STATUS_CODE
    enum: ZMQ_PROTOCOL_ERROR_ZAP_INVALID_METADATA, ZMQ_PROTOCOL_ERROR_WS_UNSPECIFIED
    enum: ZMQ_POLLITEMS_DFLT, ZMQ_HAS_CAPABILITIES, ZMQ_STREAMER, ZMQ_FORWARDER, ZMQ_QUEUE
