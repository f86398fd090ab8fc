"""Methods called with a self of the wrong class raise a clear exception, never crash.

A method of a compiled class called unbound (``zmq.Socket.send("abc", b"x")``), bound to another
object (``zmq.Socket.send.__get__(obj)``) or copied into another class must not read a str as
a Socket. Every member of the classes under test -- the public classes' MROs (compiled and
Python), every class of the compiled modules, and the option descriptors -- is called with
wrong selves in a child process per class (``-X faulthandler``, bounded), so that a crash is a
failure naming the class, not a dead pytest. Both backends are run: on the compiled one a
C-level member (a Cython method, a slot, a property, an option descriptor) must raise the
TypeError of CPython's own descriptors, naming the class and the wrong object's type; Python
members (the sugar, the CFFI backend) may raise any Exception or duck-type (Python's rules).

Run as a script, this file is the child: ``python -X faulthandler test_wrong_self.py list`` prints
the classes under test, ``... run KEY`` the outcome of every call on one of them, as JSON.
"""
from __future__ import annotations

import functools
import importlib
import importlib.machinery
import json
import os
import subprocess
import sys
import types

import pytest

import zmq

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHILD_TIMEOUT = 120  # seconds per class (the child dumps its stacks and exits 10 s before)
HEAPTYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE

# The extra positional arguments each member is called with (after the wrong self): enough
# to get past the argument parsing of most signatures, so that an unchecked self is used.
ARG_SHAPES: list[tuple] = [(), (1,), (b"x",), (1, 1), (b"x", 1, 1)]


# -- the child --------------------------------------------------------------------------------

@functools.cache
def _classes() -> dict[str, type]:
    """The classes under test, by key: the MROs of the public classes and, on the compiled
    backend, every class defined in one of its extension modules."""
    found: list[type] = []
    for public in (zmq.Socket, zmq.Context, zmq.Frame, zmq.MessageTracker, zmq.Poller):
        found.extend(c for c in public.__mro__ if c is not object)
    if zmq.backend.BACKEND == "cython":
        core = os.path.join(os.path.dirname(zmq.__file__), "backend", "cython")
        for filename in sorted(os.listdir(core)):
            for suffix in importlib.machinery.EXTENSION_SUFFIXES:
                if filename.endswith(suffix):
                    module = importlib.import_module(f"zmq.backend.cython.{filename[:-len(suffix)]}")
                    found.extend(v for v in vars(module).values() if isinstance(v, type) and (
                        v.__module__ == module.__name__  # (Frame says it is zmq.sugar.frame's)
                        or v.__module__.startswith("zmq.") and not v.__flags__ & HEAPTYPE))
                    break
    classes: dict[str, type] = {}
    for cls in found:
        key = f"{cls.__module__}.{cls.__qualname__}"
        assert classes.setdefault(key, cls) is cls, f"two classes are {key}"
    return classes


def _must_check_self(cls: type, member: object) -> bool:
    """Whether ``member`` of ``cls`` is C code that reads its self as a ``cls``, and so must
    refuse another object: CPython's descriptors, the Cython methods of a compiled class (not
    those of a Python class compiled by Cython: their self is an object, used as Python
    would), and the instances of compiled classes (the option descriptors). On PyPy nothing
    is C: its builtins are the interpreter's own, with its own messages, and ours are Python."""
    if sys.implementation.name == "pypy":
        return False
    if isinstance(member, (types.BuiltinFunctionType, types.MethodDescriptorType, types.WrapperDescriptorType,
                           types.GetSetDescriptorType, types.MemberDescriptorType,
                           types.ClassMethodDescriptorType)):
        return True
    if zmq.backend.BACKEND != "cython":
        return False
    if type(member) is type(zmq.backend.Socket.close):  # cython_function_or_method
        return not cls.__flags__ & HEAPTYPE
    return not type(member).__flags__ & HEAPTYPE and type(member) in _classes().values()


class Impostor:
    """An object of an unrelated Python class (also the class methods are copied into)."""


def _wrong_selves(cls: type) -> list[object]:
    """Objects that are not instances of ``cls``: builtins, an unrelated object, and instances
    of the other classes under test (a Frame as a Socket, a Socket as a Context...). Fresh
    ones for every member: a Python method may duck-type and change them."""
    ctx = zmq.Context()
    sock = ctx.socket(zmq.PAIR)
    sock.linger = 0
    sock.rcvtimeo = sock.sndtimeo = 100
    candidates = ["abc", 1, None, object(), Impostor(), ctx, sock, zmq.Frame(b"x"), zmq.MessageTracker(),
                  zmq.Poller(), vars(zmq.Socket)["linger"]]
    return [w for w in candidates if not isinstance(w, cls)]


def _outcome(call) -> dict:
    try:
        result = call()
    except Exception as e:
        return {"raised": type(e).__name__, "message": str(e)[:300]}
    except BaseException as e:  # noqa: B036 (SystemExit and the like: reported, not swallowed)
        return {"raised": type(e).__name__, "message": str(e)[:300], "base": True}
    return {"returned": repr(result)[:100], "is_self": False}


def _calls(name: str, member: object, w: object):
    """(style, call) for every way of calling ``member`` with ``w`` as self."""
    if callable(member) and not isinstance(member, type):
        for args in ARG_SHAPES:
            yield f"direct{args!r}", lambda args=args: member(w, *args)
        yield "keywords", lambda: member(w, **{"flags": 0})
        get = getattr(type(member), "__get__", None)
        if get is not None and w is not None:
            for args in ARG_SHAPES:
                yield f"bound{args!r}", lambda args=args: member.__get__(w, type(w))(*args)
        if get is not None and isinstance(w, Impostor) and not name.startswith("__"):
            copied = type("Impostor", (Impostor,), {name: member})()
            for args in ARG_SHAPES:
                yield f"copied{args!r}", lambda args=args: getattr(copied, name)(*args)
    else:
        kind = type(member)
        if hasattr(kind, "__get__"):
            yield "__get__", lambda: kind.__get__(member, w, type(w))
        if hasattr(kind, "__set__"):
            yield "__set__(1)", lambda: kind.__set__(member, w, 1)
            yield "__set__(b'x')", lambda: kind.__set__(member, w, b"x")
        if hasattr(kind, "__delete__"):
            yield "__delete__", lambda: kind.__delete__(member, w)


def _members(cls: type):
    """(name, member) of everything ``cls`` defines that can be called or is a descriptor
    (option descriptors sharing an object over spellings: once); classmethods as their
    function (its cls is then the wrong object), staticmethods not (they have no self). On
    PyPy, not the interpreter's ``__dict__``/``__weakref__`` slots: deleting an object's dict
    through another class's slot aborts PyPy itself (7.3.11), whatever class defines it."""
    seen: set[int] = set()
    for name, member in vars(cls).items():
        if isinstance(member, staticmethod) or id(member) in seen:
            continue
        if sys.implementation.name == "pypy" and name in ("__dict__", "__weakref__"):
            continue
        seen.add(id(member))
        if isinstance(member, classmethod):
            member = member.__func__
        if callable(member) or hasattr(type(member), "__get__"):
            yield name, member


def run_child(key: str) -> None:
    """Call every member of the class ``key`` with every wrong self; print the outcomes (JSON)."""
    import faulthandler

    faulthandler.dump_traceback_later(CHILD_TIMEOUT - 10, exit=True)
    cls = _classes()[key]
    records = []
    for name, member in _members(cls):
        print(f"member {name}", file=sys.stderr, flush=True)
        strict = _must_check_self(cls, member)
        for w in _wrong_selves(cls):
            for style, call in _calls(name, member, w):
                record = {"member": name, "kind": type(member).__name__, "strict": strict,
                          "self": type(w).__name__, "style": style, **_outcome(call)}
                if "returned" in record and style == "__get__" and w is None:
                    record["is_self"] = type(member).__get__(member, None, cls) is member
                records.append(record)
    json.dump({"class": key, "name": cls.__name__, "records": records}, sys.stdout)
    sys.stdout.flush()
    os._exit(0)  # (the wrong selves may have been duck-typed into sockets: no clean-up to wait on)


# -- the tests --------------------------------------------------------------------------------

def _child(backend: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "ZMQ_BACKEND"}
    env["ZMQ_BACKEND"] = backend
    return subprocess.run([sys.executable, "-X", "faulthandler", os.path.abspath(__file__), *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=CHILD_TIMEOUT)


def _backends() -> list:
    compiled = pytest.mark.skipif(sys.implementation.name == "pypy", reason="the compiled backend is not built on PyPy")
    return [pytest.param("cython", marks=compiled), "cffi"]


def _violations(result: dict) -> list[str]:
    """What in one class's outcomes breaks the rule (empty: none)."""
    bad = []
    for r in result["records"]:
        where = f"{result['class']}.{r['member']} ({r['kind']}) {r['style']} with a {r['self']} as self"
        if r.get("base"):
            bad.append(f"{where}: raised {r['raised']}: {r['message']}")
        elif not r["strict"]:
            continue  # Python code: any Exception, or a duck-typed result, is Python's own behaviour
        elif "returned" in r:
            if not r["is_self"]:  # (only descr.__get__(None, cls), the class access, returns)
                bad.append(f"{where}: returned {r['returned']}")
        elif r["raised"] != "TypeError" or r["self"] not in r["message"] or result["name"] not in r["message"]:
            bad.append(f"{where}: {r['raised']}: {r['message']!r} (not the TypeError naming "
                       f"{result['name']!r} and {r['self']!r})")
    return bad


@pytest.mark.parametrize("backend", _backends())
def test_every_member_refuses_a_wrong_self(backend):
    listing = _child(backend, "list")
    assert listing.returncode == 0, listing.stderr
    keys = json.loads(listing.stdout)
    expected = {"zmq.sugar.socket.Socket", "zmq.sugar.context.Context", "zmq.sugar.frame.Frame",
                "zmq.sugar.tracker.MessageTracker", "zmq.sugar.poll.Poller", f"zmq.backend.{backend}.socket.Socket",
                f"zmq.backend.{backend}.context.Context"}
    if backend == "cython":
        expected |= {"zmq.backend.cython._poller.PollerCore", "zmq.backend.cython._optattr.OptionAttribute"}
    assert expected <= set(keys), keys
    failures = []
    strict_calls = calls = 0
    for key in keys:
        try:
            proc = _child(backend, "run", key)
        except subprocess.TimeoutExpired as e:
            failures.append(f"{key}: no result in {CHILD_TIMEOUT} s; stderr: {(e.stderr or b'')[-2000:]!r}")
            continue
        if proc.returncode != 0:
            members = [line for line in proc.stderr.splitlines() if line.startswith("member ")]
            failures.append(f"{key}: the child died (exit status {proc.returncode}) in "
                            f"{members[-1] if members else '?'}:\n{proc.stderr[-3000:]}")
            continue
        result = json.loads(proc.stdout)
        failures.extend(_violations(result))
        strict_calls += sum(r["strict"] for r in result["records"])
        calls += len(result["records"])
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:60])
    assert calls > 1000
    assert strict_calls > 0 or sys.implementation.name == "pypy"  # (PyPy: no member is C)


def _cython_only():
    if zmq.backend.BACKEND != "cython":
        pytest.skip("the compiled backend's self check (ZMQ_BACKEND=cffi runs pure Python)")


def test_the_reported_crashes_are_type_errors():
    _cython_only()
    with pytest.raises(TypeError, match=r"descriptor 'send' for 'zmq\.backend\.cython\.socket\.Socket' objects "
                                        r"doesn't apply to a 'str' object"):
        zmq.Socket.send("abc", b"x")
    with pytest.raises(TypeError, match=r"descriptor 'get' for .*Socket' objects doesn't apply to a 'int' object"):
        zmq.Socket.get(1, 5)

    class Copied:
        send = zmq.Socket.send
        recv = zmq.Socket.recv
        get = zmq.Socket.get

    with pytest.raises(TypeError, match="'Copied' object"):
        Copied().send(b"x")
    with pytest.raises(TypeError, match="'Copied' object"):
        Copied().recv()
    with pytest.raises(TypeError, match="'Copied' object"):
        Copied().get(zmq.TYPE)
    bound = zmq.Socket.send.__get__(object())  # binding is allowed; the call is checked
    with pytest.raises(TypeError, match="'object' object"):
        bound(b"x")
    with pytest.raises(TypeError, match="needs an argument"):
        zmq.Socket.send()


class _Deeper(zmq.Socket):
    """A subclass of the sugar Socket: its self is checked through the whole MRO."""


def test_a_right_self_still_works_unbound_and_bound(ctx):
    a = ctx.socket(zmq.PAIR)
    b = _Deeper(ctx, zmq.PAIR)
    for s in (a, b):
        s.linger = 0
        s.rcvtimeo = 5000
    try:
        port = b.bind_to_random_port("tcp://127.0.0.1")
        a.connect(f"tcp://127.0.0.1:{port}")
        core = zmq.Socket.__mro__[1]
        core.send(a, b"one")
        assert core.recv(b) == b"one"
        zmq.Socket.send.__get__(b)(b"two")
        assert zmq.Socket.recv.__get__(a)() == b"two"
        b.send_multipart([b"3", b"4"])
        assert core.recv_multipart(a) == [b"3", b"4"]
        assert core.get(b, zmq.TYPE) == zmq.PAIR
        assert zmq.Socket.__dict__["linger"].__get__(b, type(b)) == 0
        for s in (a, b):
            with pytest.raises(zmq.Again) as info:
                core.recv(s, zmq.NOBLOCK)
            if zmq.backend.BACKEND == "cython":  # the subclass's self takes the MRO walk to the same fast entry
                assert info.traceback[-1].name == "test_a_right_self_still_works_unbound_and_bound"
    finally:
        a.close(linger=0)
        b.close(linger=0)


if __name__ == "__main__":
    if sys.argv[1] == "list":
        print(json.dumps(sorted(_classes())))
    else:
        run_child(sys.argv[2])
