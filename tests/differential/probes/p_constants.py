"""Probes of zmq.constants and the public names of zmq, zmq.sugar, zmq.constants."""
import enum

import zmq
from _probe import call, probe, rec

# The probes below enumerate every member of every enum and every constant (surface_coverage.py).
COVERS = ("zmq.constants", "zmq[UPPER]", "zmq:SocketType", "zmq:SocketOption", "zmq:ContextOption", "zmq:Flag",
          "zmq:PollEvent", "zmq:MessageOption", "zmq:Event", "zmq:SecurityMechanism", "zmq:DeviceType", "zmq:Errno")


def _enums():
    import zmq.constants as c

    return [v for k, v in sorted(vars(c).items()) if isinstance(v, type) and issubclass(v, enum.Enum)
            and v.__module__ == c.__name__ and not k.startswith("_")]


@probe
def probe_enum_classes():
    rec(sorted(e.__name__ for e in _enums()))
    rec(sorted(e.__name__ for e in _enums() if issubclass(e, enum.IntFlag)))


def _enum_probe(cls_name):
    cls = getattr(zmq.constants, cls_name)
    rec([cls.__name__, [b.__name__ for b in cls.__mro__]])
    rec([[name, int(m), m.name, repr(m), str(m), format(m)] for name, m in cls.__members__.items()])


for _name in ("SocketType", "SocketOption", "ContextOption", "Flag", "PollEvent", "MessageOption", "Event",
              "NormMode", "RouterNotify", "ReconnectStop", "SecurityMechanism", "DeviceType", "Errno"):
    def _make(n):
        def fn():
            _enum_probe(n)
        fn.__name__ = f"probe_enum_{n}"
        return fn

    probe(_make(_name))


@probe
def probe_event_all_v1():
    E = zmq.Event
    rec(repr(E.ALL_V1))
    rec(E.ALL_V1.name)
    rec(repr(E.ALL))
    rec(E.ALL.name)
    rec(int(E.ALL_V1))
    rec(repr(E(0xFFFF)))
    rec(repr(zmq.EVENT_ALL_V1))
    rec(repr(zmq.EVENT_ALL))
    rec(E["ALL_V1"] is E.ALL_V1)


@probe
def probe_enum_lookup_by_value():
    call(zmq.SocketType, 8)
    call(zmq.SocketType, 999)
    call(zmq.SocketOption, 17)
    call(zmq.SocketOption, 5)
    call(zmq.SocketOption, 33)
    call(zmq.SocketOption, 61)
    call(zmq.SocketOption, 39)
    call(zmq.SocketOption, 31)
    call(zmq.SocketOption, 38)
    call(zmq.Errno, 11)
    call(zmq.Errno, 156384763)
    call(zmq.Event, 1)
    call(zmq.PollEvent, 3)
    call(zmq.Flag, 3)
    call(zmq.Event, 3)
    call(lambda: zmq.SocketType["PUSH"])


@probe
def probe_flag_combinations():
    rec(repr(zmq.POLLIN | zmq.POLLOUT))
    rec(repr(zmq.DONTWAIT | zmq.SNDMORE))
    rec(repr(zmq.EVENT_CONNECTED | zmq.EVENT_DISCONNECTED))
    rec(type(zmq.POLLIN | zmq.POLLOUT).__name__)
    rec(repr(zmq.POLLIN | 8))
    rec(repr(zmq.POLLIN & zmq.POLLOUT))
    rec(repr(~zmq.POLLIN))
    rec(str(zmq.POLLIN | zmq.POLLOUT))
    rec(repr(zmq.PUSH + 1))
    rec(type(zmq.PUSH + 1).__name__)
    rec(zmq.PUSH == 8)
    rec(hash(zmq.PUSH) == hash(8))
    rec(f"{zmq.PUSH}")
    rec("%d" % zmq.PUSH)


@probe
def probe_flat_constant_types():
    for name in ("PUSH", "LINGER", "IO_THREADS", "DONTWAIT", "SNDMORE", "POLLIN", "EVENT_ALL", "EAGAIN", "ETERM",
                 "MORE", "SHARED", "NULL", "PLAIN", "CURVE", "QUEUE", "FORWARDER", "STREAMER", "IPV6", "BLOCKY",
                 "HWM", "IDENTITY", "NOBLOCK", "RCVMORE", "SRCFD", "NOTIFY_CONNECT", "RECONNECT_STOP_CONN_REFUSED",
                 "NORM_FIXED", "EVENT_ALL_V1", "EVENT_ALL_V2", "ENOTSOCK", "EFSM", "EMTHREAD", "ENOCOMPATPROTO",
                 "THREAD_SAFE", "MSG_T_SIZE"):
        v = getattr(zmq, name, None)
        rec([name, type(v).__name__, None if v is None else int(v), None if v is None else repr(v)])


@probe
def probe_constant_values_all():
    import zmq.constants as c

    out = []
    for name in sorted(c.__all__):
        v = getattr(c, name)
        if isinstance(v, int):
            out.append([name, int(v), type(v).__name__])
    rec(out)


@probe
def probe_constants_module_names():
    import zmq.constants as c

    rec(sorted(c.__all__))


def _zmq_attribute(name):
    # what zmq defines, not the stdlib names its modules happen to import (os, sys...)
    import types

    v = getattr(zmq, name)
    if isinstance(v, types.ModuleType):
        return v.__name__.startswith("zmq")
    mod = getattr(v, "__module__", None) or ""
    return not callable(v) or mod.startswith("zmq") or mod in ("enum", "builtins")


@probe
def probe_zmq_public_names():
    rec(sorted(n for n in dir(zmq) if not n.startswith("_") and not n.isupper() and _zmq_attribute(n)))


@probe
def probe_zmq_all():
    rec(sorted(set(n for n in zmq.__all__ if not n.isupper())))
    rec(sorted(set(n for n in zmq.__all__ if n.isupper())) == sorted(n for n in dir(zmq) if n.isupper()
                                                                if n not in ("COPY_THRESHOLD",)) or "mismatch")


@probe
def probe_import_star():
    ns = {}
    exec("from zmq import *", ns)
    rec(sorted(n for n in ns if not n.startswith("__") and not n.isupper()))


@probe
def probe_submodules_loaded_by_import():
    import sys

    rec(all(m in sys.modules for m in ("zmq.utils", "zmq.utils.jsonapi", "zmq.utils.interop", "zmq.constants",
                                        "zmq.error", "zmq.sugar", "zmq.backend")))
    rec(callable(zmq.utils.jsonapi.dumps))


@probe
def probe_zmq_upper_names():
    rec(sorted(n for n in dir(zmq) if not n.startswith("_") and n.isupper()))


@probe
def probe_zmq_upper_values():
    out = []
    for n in sorted(dir(zmq)):
        if n.isupper() and not n.startswith("_"):
            v = getattr(zmq, n)
            out.append([n, type(v).__name__, int(v) if isinstance(v, int) else repr(v)])
    rec(out)


@probe
def probe_sugar_public_names():
    import zmq.sugar as s

    rec(sorted(set(n for n in s.__all__ if not n.startswith("_") or n.startswith("__"))))


@probe
def probe_dunder_names():
    rec(sorted(n for n in ("__version__", "__revision__", "__all__") if hasattr(zmq, n)))


@probe
def probe_copy_threshold_draft_api():
    rec(zmq.COPY_THRESHOLD)
    rec(type(zmq.DRAFT_API).__name__)
    rec(zmq.DRAFT_API == zmq.has("draft"))
    rec(type(zmq.PYZMQ_DRAFT_API).__name__)
    rec(zmq.IPC_PATH_MAX_LEN)


@probe
def probe_copy_threshold_applied():
    old = zmq.COPY_THRESHOLD
    zmq.COPY_THRESHOLD = 10
    ctx = zmq.Context()
    s = ctx.socket(zmq.PUSH)
    rec(s.copy_threshold)
    s.close()
    zmq.COPY_THRESHOLD = old
    ctx.term()


@probe
def probe_get_includes_library_dirs():
    import os

    inc = zmq.get_includes()
    rec(type(inc).__name__)
    rec(all(isinstance(p, str) and os.path.isdir(p) for p in inc))
    libs = zmq.get_library_dirs()
    rec(type(libs).__name__)
    rec(all(isinstance(p, str) and os.path.isdir(p) for p in libs))


@probe
def probe_has_capabilities():
    for cap in ("ipc", "pgm", "tipc", "norm", "curve", "gssapi", "draft", "nonsense"):
        call(zmq.has, cap)
    call(zmq.has, b"ipc")


@probe
def probe_strerror_errno():
    for e in (zmq.EAGAIN, zmq.ETERM, zmq.EFSM, zmq.ENOTSOCK, 0, 99999):
        call(zmq.strerror, e)
    call(zmq.zmq_errno)


@probe
def probe_error_classes():
    for cls in (zmq.ZMQError, zmq.Again, zmq.ContextTerminated, zmq.InterruptedSystemCall, zmq.NotDone,
                zmq.ZMQBindError, zmq.ZMQVersionError, zmq.ZMQBaseError):
        rec([cls.__name__, [b.__name__ for b in cls.__mro__]])
    call(zmq.ZMQError, zmq.EAGAIN)
    rec(str(zmq.ZMQError(zmq.EAGAIN)))
    rec(repr(zmq.ZMQError(zmq.EAGAIN)))
    rec(type(zmq.ZMQError(zmq.EAGAIN).errno).__name__)
    rec(str(zmq.ZMQError(zmq.ETERM)))
    rec(type(zmq.ZMQError(zmq.ETERM)).__name__)
    rec(repr(zmq.Again()))


@probe
def probe_intenum_reexport():
    rec(zmq.IntEnum is enum.IntEnum)
    rec([issubclass(zmq.SocketType, zmq.IntEnum), issubclass(zmq.Flag, zmq.IntEnum)])
