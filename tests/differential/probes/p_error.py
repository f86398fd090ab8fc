"""zmq.error: the exception classes (str, repr, errno, strerror, pickling, hierarchy)."""
import errno
import pickle

import zmq
import zmq.error
from _probe import call, probe, rec

COVERS = ("zmq.error",)

NAMES = ("Again", "ContextTerminated", "DraftFDWarning", "InterruptedSystemCall", "NotDone", "ZMQBaseError",
         "ZMQBindError", "ZMQError", "ZMQVersionError")


def _project(text):
    # the text of InterruptedSystemCall names the binding to report the bug to
    return text.replace("report this to cyzmq", "report this to <binding>").replace(
        "report this to pyzmq", "report this to <binding>")


def _describe(e):
    rec(type(e).__name__)
    rec(_project(str(e)), "str")
    rec(_project(repr(e)), "repr")
    rec(getattr(e, "errno", "-"), "errno")
    rec(getattr(e, "strerror", "-"), "strerror")
    rec(e.args, "args")


@probe
def probe_error_names():
    rec(sorted(n for n in NAMES if hasattr(zmq.error, n)))
    rec(sorted(n for n in NAMES if getattr(zmq, n, None) is getattr(zmq.error, n, None)))


@probe
def probe_error_hierarchy():
    E = zmq.error
    for name in NAMES:
        cls = getattr(E, name)
        rec([b.__name__ for b in cls.__mro__], name)


@probe
def probe_zmqerror_errno():
    _describe(zmq.ZMQError(errno.EINVAL))


@probe
def probe_zmqerror_zmq_errno():
    _describe(zmq.ZMQError(zmq.ETERM))
    _describe(zmq.ZMQError(zmq.EFSM))
    _describe(zmq.ZMQError(zmq.ENOTSUP))


@probe
def probe_zmqerror_with_msg():
    _describe(zmq.ZMQError(errno.EINVAL, "custom text"))


@probe
def probe_zmqerror_msg_only():
    call(lambda: _describe(zmq.ZMQError(msg="only msg")))


@probe
def probe_zmqerror_unknown_errno():
    _describe(zmq.ZMQError(99999))


@probe
def probe_zmqerror_non_int_errno():
    call(lambda: _describe(zmq.ZMQError("text")))
    call(lambda: _describe(zmq.ZMQError(None, "m")))


@probe
def probe_zmqerror_no_args():
    e = zmq.ZMQError()
    rec(type(e.errno).__name__)
    rec(type(str(e)).__name__)


@probe
def probe_again():
    _describe(zmq.Again())
    _describe(zmq.Again(errno.EAGAIN))
    _describe(zmq.Again(errno.EAGAIN, "m"))


@probe
def probe_context_terminated():
    _describe(zmq.ContextTerminated())
    _describe(zmq.ContextTerminated(zmq.ETERM, "gone"))


@probe
def probe_interrupted_system_call():
    _describe(zmq.InterruptedSystemCall())
    _describe(zmq.InterruptedSystemCall(errno.EINTR))
    _describe(zmq.InterruptedSystemCall(errno.EINTR, "sig"))


@probe
def probe_not_done():
    _describe(zmq.NotDone())
    _describe(zmq.NotDone("waiting"))


@probe
def probe_bind_error():
    _describe(zmq.ZMQBindError())
    _describe(zmq.ZMQBindError("no port"))


@probe
def probe_version_error():
    e = zmq.ZMQVersionError("9.9")
    rec(type(e).__name__)
    rec(str(e).replace(zmq.zmq_version(), "<v>"))
    rec(repr(e).replace(zmq.zmq_version(), "<v>"))
    rec(e.min_version)
    rec(e.msg)
    e = zmq.ZMQVersionError("9.9", "Thing")
    rec(str(e).replace(zmq.zmq_version(), "<v>"))
    rec(getattr(e, "version", None) == zmq.zmq_version())
    call(zmq.ZMQVersionError)


@probe
def probe_draft_fd_warning():
    w = zmq.error.DraftFDWarning()
    rec("warnings.simplefilter('ignore', zmq.error.DraftFDWarning)" in str(w))
    w = zmq.error.DraftFDWarning("custom")
    rec(str(w))
    rec(issubclass(zmq.error.DraftFDWarning, RuntimeWarning))


@probe
def probe_pickle_errors():
    for e in (zmq.ZMQError(errno.EINVAL), zmq.ZMQError(errno.EINVAL, "m"), zmq.Again(), zmq.ContextTerminated(),
              zmq.InterruptedSystemCall(), zmq.NotDone("x"), zmq.ZMQBindError("y")):
        try:
            back = pickle.loads(pickle.dumps(e))
        except Exception as x:  # noqa: BLE001
            rec(x, type(e).__name__)
            continue
        rec([type(back).__name__, _project(str(back)), getattr(back, "errno", None)], type(e).__name__)


@probe
def probe_pickle_version_error():
    e = zmq.ZMQVersionError("9.9", "Thing")
    try:
        back = pickle.loads(pickle.dumps(e))
        rec([type(back).__name__, back.min_version, back.msg])
    except Exception as x:  # noqa: BLE001
        rec(x)


@probe
def probe_raised_by_libzmq():
    ctx = zmq.Context()
    s = ctx.socket(zmq.REP)
    try:
        s.send(b"x")
    except zmq.ZMQError as e:
        _describe(e)
    s.close()
    try:
        s.recv()
    except zmq.ZMQError as e:
        _describe(e)
    ctx.term()


@probe
def probe_again_raised():
    ctx = zmq.Context()
    s = ctx.socket(zmq.PULL)
    s.linger = 0
    try:
        s.recv(zmq.NOBLOCK)
    except zmq.Again as e:
        _describe(e)
        rec(isinstance(e, zmq.ZMQError))
    s.close()
    ctx.term()


@probe
def probe_errors_compare_and_hash():
    a, b = zmq.ZMQError(errno.EINVAL), zmq.ZMQError(errno.EINVAL)
    rec(a == b)
    rec(isinstance(hash(a), int))
    rec(isinstance(zmq.InterruptedSystemCall(), InterruptedError))
    rec(isinstance(zmq.InterruptedSystemCall(), OSError))
    rec(isinstance(zmq.Again(), OSError))


@probe
def probe_zmqerror_attribute_assignment():
    e = zmq.ZMQError(errno.EINVAL)
    e.errno = errno.EAGAIN
    rec(str(e))
    e.strerror = "changed"
    rec(str(e))
    rec(repr(e))


@probe
def probe_error_raise_and_catch_by_base():
    for cls in (zmq.Again, zmq.ContextTerminated, zmq.InterruptedSystemCall, zmq.NotDone, zmq.ZMQBindError):
        try:
            raise cls()
        except zmq.ZMQBaseError as e:
            rec(type(e).__name__)


@probe
def probe_zmqerror_kwargs():
    call(lambda: str(zmq.ZMQError(errno=errno.EINVAL)))
    call(lambda: str(zmq.ZMQError(errno.EINVAL, msg="m")))
    call(lambda: str(zmq.ZMQError(errno.EINVAL, "m", "extra")))


@probe
def probe_strerror_function():
    call(zmq.strerror, errno.EINVAL)
    call(zmq.strerror, zmq.ETERM)
    call(zmq.strerror, 99999)
    call(zmq.strerror, "x")
