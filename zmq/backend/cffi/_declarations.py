"""The C declarations of the CFFI backend, and the generator of ``_cffi_abi.py`` from them.

cffi's out-of-line ABI mode: the declarations are parsed once, here, into ``_cffi_abi.py``
(plain Python holding cffi's type tables; no C compiler is involved), so that importing the
backend needs neither pycparser nor a parse. ``_cffi_abi.py`` is committed; after changing a
declaration, regenerate it::

    python -m zmq.backend.cffi._declarations

(tests/test_cffi_backend.py fails while it is out of date).
"""
from __future__ import annotations

import os
import sys

MODULE = "zmq.backend.cffi._cffi_abi"
PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_cffi_abi.py")

CDEF = """
typedef struct { void *_[8]; } zmq_msg_t;
typedef void (zmq_free_fn)(void *data, void *hint);
typedef struct { void *socket; int fd; short events; short revents; } zmq_pollitem_t;

int zmq_errno(void);
const char *zmq_strerror(int errnum);
void zmq_version(int *major, int *minor, int *patch);

void *zmq_ctx_new(void);
int zmq_ctx_term(void *context);
int zmq_ctx_shutdown(void *context);
int zmq_ctx_set(void *context, int option, int optval);
int zmq_ctx_get(void *context, int option);

int zmq_msg_init(zmq_msg_t *msg);
int zmq_msg_init_size(zmq_msg_t *msg, size_t size);
int zmq_msg_init_data(zmq_msg_t *msg, void *data, size_t size, zmq_free_fn *ffn, void *hint);
int zmq_msg_send(zmq_msg_t *msg, void *s, int flags);
int zmq_msg_recv(zmq_msg_t *msg, void *s, int flags);
int zmq_msg_close(zmq_msg_t *msg);
int zmq_msg_copy(zmq_msg_t *dest, zmq_msg_t *src);
void *zmq_msg_data(zmq_msg_t *msg);
size_t zmq_msg_size(const zmq_msg_t *msg);
int zmq_msg_more(const zmq_msg_t *msg);
int zmq_msg_get(const zmq_msg_t *msg, int property);
int zmq_msg_set(zmq_msg_t *msg, int property, int optval);
const char *zmq_msg_gets(const zmq_msg_t *msg, const char *property);

void *zmq_socket(void *context, int type);
int zmq_close(void *s);
int zmq_setsockopt(void *s, int option, const void *optval, size_t optvallen);
int zmq_getsockopt(void *s, int option, void *optval, size_t *optvallen);
int zmq_bind(void *s, const char *addr);
int zmq_connect(void *s, const char *addr);
int zmq_unbind(void *s, const char *addr);
int zmq_disconnect(void *s, const char *addr);
int zmq_send(void *s, const void *buf, size_t len, int flags);
int zmq_recv(void *s, void *buf, size_t len, int flags);
int zmq_socket_monitor(void *s, const char *addr, int events);

int zmq_poll(zmq_pollitem_t *items, int nitems, long timeout);
int zmq_proxy(void *frontend, void *backend, void *capture);
int zmq_proxy_steerable(void *frontend, void *backend, void *capture, void *control);
int zmq_device(int type, void *frontend, void *backend);

int zmq_has(const char *capability);
int zmq_curve_keypair(char *z85_public_key, char *z85_secret_key);
int zmq_curve_public(char *z85_public_key, const char *z85_secret_key);
"""

#: Draft functions: declared separately, looked up only if the library has them.
DRAFT_CDEF = """
int zmq_join(void *s, const char *group);
int zmq_leave(void *s, const char *group);
int zmq_msg_set_routing_id(zmq_msg_t *msg, uint32_t routing_id);
uint32_t zmq_msg_routing_id(zmq_msg_t *msg);
int zmq_msg_set_group(zmq_msg_t *msg, const char *group);
const char *zmq_msg_group(zmq_msg_t *msg);
"""

#: libc, for the zero-copy release hook (_release.py): looked up in the process itself.
LIBC_CDEF = """
int putw(int w, void *stream);
void *fdopen(int fd, const char *mode);
int setvbuf(void *stream, char *buf, int mode, size_t size);
void clearerr(void *stream);
"""


def generate(path: str = PATH) -> None:
    """Write the out-of-line ABI module for the declarations above to ``path``."""
    from cffi import FFI

    ffi = FFI()
    for cdef in (CDEF, DRAFT_CDEF, LIBC_CDEF):
        ffi.cdef(cdef)
    ffi.set_source(MODULE, None)
    ffi.emit_python_code(path)


if __name__ == "__main__":
    generate(sys.argv[1] if len(sys.argv) > 1 else PATH)
