/* Compile-time bridge between cyzmq and the libzmq it is built against.
 *
 * libzmq only declares its DRAFT API when built with ZMQ_BUILD_DRAFT_API (Debian's is
 * not).  Here every draft function we call gets a stand-in that fails with ENOTSUP, and
 * every draft constant we name gets its zmq.h value, so one source builds everywhere and
 * the draft features light up where the library has them.
 */
#ifndef CYZMQ_COMPAT_H
#define CYZMQ_COMPAT_H

#include <errno.h>
#include <stdint.h>
#include "zmq.h"

#ifdef ZMQ_BUILD_DRAFT_API
#define CYZMQ_DRAFT_API 1
#else
#define CYZMQ_DRAFT_API 0

static inline int zmq_join(void *s, const char *group) { (void)s; (void)group; errno = ENOTSUP; return -1; }
static inline int zmq_leave(void *s, const char *group) { (void)s; (void)group; errno = ENOTSUP; return -1; }
static inline int zmq_msg_set_routing_id(zmq_msg_t *m, uint32_t rid) { (void)m; (void)rid; errno = ENOTSUP; return -1; }
static inline uint32_t zmq_msg_routing_id(zmq_msg_t *m) { (void)m; errno = ENOTSUP; return 0; }
static inline int zmq_msg_set_group(zmq_msg_t *m, const char *g) { (void)m; (void)g; errno = ENOTSUP; return -1; }
static inline const char *zmq_msg_group(zmq_msg_t *m) { (void)m; errno = ENOTSUP; return NULL; }
static inline int zmq_ctx_set_ext(void *c, int o, const void *v, size_t n) { (void)c; (void)o; (void)v; (void)n; errno = ENOTSUP; return -1; }
static inline int zmq_ctx_get_ext(void *c, int o, void *v, size_t *n) { (void)c; (void)o; (void)v; (void)n; errno = ENOTSUP; return -1; }
static inline int zmq_socket_monitor_versioned(void *s, const char *a, uint64_t e, int v, int t)
{ (void)s; (void)a; (void)e; (void)v; (void)t; errno = ENOTSUP; return -1; }
#endif

/* The longest ipc:// path libzmq can use: sockaddr_un.sun_path less its terminating NUL
 * (107 on Linux, 103 on macOS and the BSDs). */
#ifndef _WIN32
#include <sys/un.h>
#define CYZMQ_IPC_PATH_MAX_LEN ((int)sizeof(((struct sockaddr_un *)0)->sun_path) - 1)
#else
#define CYZMQ_IPC_PATH_MAX_LEN 107
#endif

/* ZMQ_FD is a SOCKET (unsigned, pointer-sized) on Windows and an int elsewhere. */
#ifndef _WIN32
typedef int cyzmq_fd_t;
#else
typedef zmq_fd_t cyzmq_fd_t;
#endif

#endif
