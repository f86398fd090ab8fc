"""The fast entries of the compiled Socket.send/recv (zmq/backend/cython/socket_fastcall.pxi):
the Again they raise without a frame of theirs, and the opt-in exact-class method descriptors
(_install_exact_methods), tested on a class of their own (zmq.Socket keeps bound methods)."""
from __future__ import annotations

import inspect
import threading

import pytest

import zmq

cython_socket = pytest.importorskip("zmq.backend.cython.socket")
if zmq.backend.BACKEND != "cython" or not cython_socket.fast_entries_installed():
    # (at module level: the set-up below needs the compiled zmq.Socket)
    pytest.skip("the compiled backend's fast entries", allow_module_level=True)
Core = cython_socket.Socket


class Exact(zmq.Socket):
    """A socket class given the exact-class descriptors."""


assert cython_socket._install_exact_methods(Exact)


@pytest.fixture(params=[zmq.Socket, Exact], ids=["plain", "exact"])
def pair(request):
    ctx = zmq.Context()
    a, b = (ctx.socket(zmq.PAIR, socket_class=request.param) for _ in range(2))
    assert type(a) is request.param
    a.linger = b.linger = 0
    b.bind("inproc://fast-entries")
    a.connect("inproc://fast-entries")
    yield a, b
    a.close()
    b.close()
    ctx.term()


@pytest.mark.parametrize("name", ["send", "recv"])
def test_exact_descriptors_keep_the_cython_signature_and_doc(name):
    exact, core = Exact.__dict__[name], Core.__dict__[name]
    assert type(exact).__name__ == "method_descriptor" and exact.__objclass__ is Exact
    assert name not in zmq.Socket.__dict__  # the default: pyzmq's bound methods
    got = [(p.name, p.default) for p in inspect.signature(exact).parameters.values()]
    want = [(p.name, p.default) for p in inspect.signature(core).parameters.values()]
    assert got == want
    assert exact.__doc__ == core.__doc__
    assert cython_socket._install_exact_methods(Exact) is False  # installed once


def test_subclasses_inherit_or_override(pair):
    a, b = pair
    base = type(a)

    class Plain(base):
        pass

    class Own(base):
        def send(self, data, flags=0, copy=True, track=False, **kwargs):
            return super().send(data.upper(), flags, copy, track, **kwargs)

    assert Plain.send is base.send and Plain.recv is base.recv
    for cls in (Plain, Own):
        s = cls.shadow(a.underlying)
        s.send(b"abc")
        s.send_json({"k": 1})  # the serializers go through the class's own send
        assert b.recv() == (b"ABC" if cls is Own else b"abc")
        assert b.recv() == (b'{"K": 1}' if cls is Own else b'{"k": 1}')


def test_shapes_and_keywords(pair):
    a, b = pair
    assert a.send(b"1") is None
    assert a.send(b"2", 0, True, False) is None
    assert a.send(b"3", flags=0, copy=False).done
    assert a.send(data=b"4") is None
    assert b.recv() == b"1"
    assert b.recv(0, True) == b"2"
    assert b.recv(flags=zmq.NOBLOCK) == b"3"
    frame = b.recv(copy=False, track=True)
    assert frame.bytes == b"4" and frame.tracker.done
    with pytest.raises(TypeError):
        a.send("text")
    with pytest.raises(TypeError):
        b.recv(nope=1)
    with pytest.raises(OverflowError):
        b.recv(2**40)


def test_every_call_path_reaches_the_entries(pair):
    """Bound, unbound, through functools.partial, with a ** dict (the tp_call path, not the
    vectorcall), and with no argument at all (Cython's own TypeError)."""
    import functools

    a, b = pair
    cls = type(a)
    cls.send(a, b"unbound")
    functools.partial(a.send, flags=0)(b"partial")
    a.send(**{"data": b"kw-dict", "copy": True})
    cls.__dict__.get("send", zmq.Socket.send)(a, b"plain call")
    assert [b.recv() for _ in range(4)] == [b"unbound", b"partial", b"kw-dict", b"plain call"]
    with pytest.raises(zmq.Again):
        functools.partial(b.recv, zmq.NOBLOCK)()
    with pytest.raises(zmq.Again):
        b.recv(**{"flags": zmq.NOBLOCK})
    for method in (Core.__dict__["send"], Core.__dict__["recv"]):
        with pytest.raises(TypeError):
            method()


def test_again_has_no_frame_of_ours_and_chains_context(pair):
    _, b = pair
    with pytest.raises(zmq.Again) as info:
        b.recv(zmq.NOBLOCK)
    e = info.value
    assert e.errno == zmq.EAGAIN and str(e) == zmq.strerror(zmq.EAGAIN) and e.__context__ is None
    assert info.traceback[-1].name == "test_again_has_no_frame_of_ours_and_chains_context"
    try:
        try:
            raise KeyError("handled")
        except KeyError:
            b.recv(zmq.NOBLOCK)
    except zmq.Again as again:
        assert isinstance(again.__context__, KeyError)
    with pytest.raises(zmq.Again):
        type(b).recv(b, zmq.NOBLOCK)

    def inside_a_generator():  # (its own, empty, entry on the stack of handled exceptions)
        yield b.recv(zmq.NOBLOCK)

    try:
        try:
            raise KeyError("handled by the caller")
        except KeyError:
            next(inside_a_generator())
    except zmq.Again as again:
        assert isinstance(again.__context__, KeyError)
    with pytest.raises(zmq.Again) as info:
        next(inside_a_generator())
    assert info.value.__context__ is None


def test_sends_with_another_thread_alive(pair):
    a, b = pair
    started, stop = threading.Event(), threading.Event()
    t = threading.Thread(target=lambda: (started.set(), stop.wait(10)))
    t.start()
    try:
        started.wait(10)
        for i in range(3):
            a.send(b"%d" % i)
        assert [b.recv() for _ in range(3)] == [b"0", b"1", b"2"]
    finally:
        stop.set()
        t.join(10)
