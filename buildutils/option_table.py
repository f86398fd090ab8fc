"""The socket option table: the one place that says what type each option's value has.

Every ``zmq.SocketOption`` member (aliases excepted) has one row here: its name, the kind
of value libzmq's ``zmq_getsockopt``/``zmq_setsockopt`` take for it, whether it can be
read and/or written, and where it comes from (libzmq 4.3's stable API, its DRAFT
section, or libzmq master). Option *numbers* are not repeated here: they are those of
``zmq/constants.py`` (checked against ``zmq.h`` by ``tests/test_option_table.py``).

``python -m buildutils.options_gen`` renders the table into the files the code reads:

* ``zmq/backend/cython/optkind.pxd``: ``cdef enum OptKind`` and the inline
  ``opt_kind(option)`` of the compiled core;
* ``zmq/backend/_optkinds.py``: the same table as Python data (the CFFI backend's).

Edit this file, then run the generator; ``--check`` (run by the tests) fails when a
generated file is out of date.
"""
from __future__ import annotations

from typing import NamedTuple

# Kinds of option values: (name, compiled OptKind member, what it is). Their order gives the
# OptKind values; "int" is first, the kind of every option not listed otherwise.
KINDS: tuple[tuple[str, str, str], ...] = (
    ("int", "OPT_INT", "a C int"),
    ("int64", "OPT_INT64", "an int64_t"),
    ("uint64", "OPT_UINT64", "a uint64_t"),
    ("bytes", "OPT_BINARY", "arbitrary bytes of exact length (ROUTING_ID, SUBSCRIBE...)"),
    ("str", "OPT_TEXT", "NUL-terminated text (endpoints, credentials...): str accepted on set"),
    ("fd", "OPT_FD", "a file descriptor (SOCKET on Windows)"),
    ("curve_key", "OPT_CURVE_KEY", "a CURVE key: 32 bytes, or 40 Z85 characters (read as Z85)"),
    ("hwm", "OPT_HWM", "the pseudo-option HWM: SNDHWM and RCVHWM together"),
)
KIND_NAMES: tuple[str, ...] = tuple(k[0] for k in KINDS)


class Option(NamedTuple):
    """One row of the table."""

    name: str    #: the zmq.h name without ZMQ_
    kind: str    #: one of KIND_NAMES
    access: str  #: "rw", "r" (getsockopt only) or "w" (setsockopt only)
    #: "stable" (libzmq 4.3), "vmci" (4.3, where built with the VMCI transport), "draft" (4.3's
    #: DRAFT API), "master" (after 4.3) or "pseudo" (not a libzmq option)
    origin: str


def _rows(origin: str, text: str) -> list[Option]:
    rows = []
    for line in text.strip().splitlines():
        name, kind, access = line.split()
        rows.append(Option(name, kind, access, origin))
    return rows


OPTIONS: tuple[Option, ...] = tuple(
    _rows("pseudo", """
HWM                         hwm        w
""")
    + _rows("stable", """
AFFINITY                    uint64     rw
ROUTING_ID                  bytes      rw
SUBSCRIBE                   bytes      w
UNSUBSCRIBE                 bytes      w
RATE                        int        rw
RECOVERY_IVL                int        rw
SNDBUF                      int        rw
RCVBUF                      int        rw
RCVMORE                     int        r
FD                          fd         r
EVENTS                      int        r
TYPE                        int        r
LINGER                      int        rw
RECONNECT_IVL               int        rw
BACKLOG                     int        rw
RECONNECT_IVL_MAX           int        rw
MAXMSGSIZE                  int64      rw
SNDHWM                      int        rw
RCVHWM                      int        rw
MULTICAST_HOPS              int        rw
RCVTIMEO                    int        rw
SNDTIMEO                    int        rw
IPV4ONLY                    int        rw
LAST_ENDPOINT               str        r
ROUTER_MANDATORY            int        w
TCP_KEEPALIVE               int        rw
TCP_KEEPALIVE_CNT           int        rw
TCP_KEEPALIVE_IDLE          int        rw
TCP_KEEPALIVE_INTVL         int        rw
TCP_ACCEPT_FILTER           str        w
IMMEDIATE                   int        rw
XPUB_VERBOSE                int        w
ROUTER_RAW                  int        w
IPV6                        int        rw
MECHANISM                   int        r
PLAIN_SERVER                int        rw
PLAIN_USERNAME              str        rw
PLAIN_PASSWORD              str        rw
CURVE_SERVER                int        rw
CURVE_PUBLICKEY             curve_key  rw
CURVE_SECRETKEY             curve_key  rw
CURVE_SERVERKEY             curve_key  rw
PROBE_ROUTER                int        w
REQ_CORRELATE               int        w
REQ_RELAXED                 int        w
CONFLATE                    int        rw
ZAP_DOMAIN                  str        rw
ROUTER_HANDOVER             int        w
TOS                         int        rw
IPC_FILTER_PID              int        w
IPC_FILTER_UID              int        w
IPC_FILTER_GID              int        w
CONNECT_ROUTING_ID          bytes      w
GSSAPI_SERVER               int        rw
GSSAPI_PRINCIPAL            str        rw
GSSAPI_SERVICE_PRINCIPAL    str        rw
GSSAPI_PLAINTEXT            int        rw
HANDSHAKE_IVL               int        rw
SOCKS_PROXY                 str        rw
XPUB_NODROP                 int        w
BLOCKY                      int        w
XPUB_MANUAL                 int        w
XPUB_WELCOME_MSG            bytes      w
STREAM_NOTIFY               int        w
INVERT_MATCHING             int        rw
HEARTBEAT_IVL               int        rw
HEARTBEAT_TTL               int        rw
HEARTBEAT_TIMEOUT           int        rw
XPUB_VERBOSER               int        w
CONNECT_TIMEOUT             int        rw
TCP_MAXRT                   int        rw
THREAD_SAFE                 int        r
MULTICAST_MAXTPDU           int        rw
USE_FD                      int        rw
GSSAPI_PRINCIPAL_NAMETYPE   int        rw
GSSAPI_SERVICE_PRINCIPAL_NAMETYPE int  rw
BINDTODEVICE                str        rw
""")
    + _rows("vmci", """
VMCI_BUFFER_SIZE            uint64     rw
VMCI_BUFFER_MIN_SIZE        uint64     rw
VMCI_BUFFER_MAX_SIZE        uint64     rw
VMCI_CONNECT_TIMEOUT        int        rw
""")
    + _rows("draft", """
ZAP_ENFORCE_DOMAIN          int        rw
LOOPBACK_FASTPATH           int        rw
METADATA                    str        w
MULTICAST_LOOP              int        rw
ROUTER_NOTIFY               int        rw
XPUB_MANUAL_LAST_VALUE      int        w
SOCKS_USERNAME              str        rw
SOCKS_PASSWORD              str        rw
IN_BATCH_SIZE               int        rw
OUT_BATCH_SIZE              int        rw
WSS_KEY_PEM                 str        w
WSS_CERT_PEM                str        w
WSS_TRUST_PEM               str        w
WSS_HOSTNAME                str        w
WSS_TRUST_SYSTEM            int        w
ONLY_FIRST_SUBSCRIBE        int        w
RECONNECT_STOP              int        rw
HELLO_MSG                   bytes      w
DISCONNECT_MSG              bytes      w
PRIORITY                    int        rw
""")
    + _rows("master", """
BUSY_POLL                   int        w
HICCUP_MSG                  bytes      w
XSUB_VERBOSE_UNSUBSCRIBE    int        w
TOPICS_COUNT                int        r
NORM_MODE                   int        rw
NORM_UNICAST_NACK           int        rw
NORM_BUFFER_SIZE            int        rw
NORM_SEGMENT_SIZE           int        rw
NORM_BLOCK_SIZE             int        rw
NORM_NUM_PARITY             int        rw
NORM_NUM_AUTOPARITY         int        rw
NORM_PUSH                   int        rw
""")
)
