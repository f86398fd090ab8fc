"""zmq.eventloop and the deprecated zmq.eventloop.ioloop: Tornado's own IOLoop, re-exported."""
from __future__ import annotations

import asyncio
import importlib
import sys

import pytest

pytest.importorskip("tornado")

import tornado.ioloop  # noqa: E402

import zmq  # noqa: E402
import zmq.eventloop  # noqa: E402


def fresh_ioloop_module():
    """Import zmq.eventloop.ioloop anew (its import warns), expecting the warning."""
    sys.modules.pop("zmq.eventloop.ioloop", None)
    with pytest.warns(DeprecationWarning, match="zmq.eventloop.ioloop is deprecated"):
        return importlib.import_module("zmq.eventloop.ioloop")


def test_eventloop_package_reexports_tornado_ioloop():
    assert zmq.eventloop.IOLoop is tornado.ioloop.IOLoop
    assert zmq.eventloop.__all__ == ["IOLoop"]


def test_import_warns_and_names_are_tornados():
    mod = fresh_ioloop_module()
    assert mod.IOLoop is tornado.ioloop.IOLoop
    assert mod.ZMQIOLoop is tornado.ioloop.IOLoop
    assert mod.PeriodicCallback is tornado.ioloop.PeriodicCallback
    # the rest of tornado.ioloop's public namespace resolves too (Tornado's own objects
    # are the same ones)
    for name in dir(tornado.ioloop):
        if not name.startswith("_"):
            mine, theirs = getattr(mod, name), getattr(tornado.ioloop, name)
            if getattr(theirs, "__module__", "").startswith("tornado"):
                assert mine is theirs, name


def test_star_imports_give_every_public_name():
    # pyzmq's eventloop modules define no __all__: `import *` gives their public names
    mod = fresh_ioloop_module()
    import zmq.eventloop.zmqstream as zmqstream

    assert not hasattr(mod, "__all__") and not hasattr(zmqstream, "__all__")
    star: dict[str, object] = {}
    exec("from zmq.eventloop.ioloop import *", star)  # noqa: S102
    assert {"IOLoop", "ZMQIOLoop", "PeriodicCallback", "install", "TimeoutError"} <= set(star)
    exec("from zmq.eventloop.zmqstream import *", star)  # noqa: S102
    assert star["ZMQStream"] is zmqstream.ZMQStream
    assert "annotations" not in dir(zmq.eventloop)  # the package's namespace is IOLoop only


def test_install_is_a_warning_no_op():
    mod = fresh_ioloop_module()
    with pytest.warns(DeprecationWarning):
        assert mod.install() is None


def test_periodic_callback_drives_a_zmqstream():
    """PeriodicCallback (from the compatibility module) sending through a ZMQStream."""
    from zmq.eventloop.zmqstream import ZMQStream

    mod = fresh_ioloop_module()

    async def test() -> None:
        ctx = zmq.Context()
        try:
            push = ctx.socket(zmq.PUSH)
            pull = ctx.socket(zmq.PULL)
            push.linger = pull.linger = 0
            pull.bind("inproc://periodic")
            push.connect("inproc://periodic")
            sender, receiver = ZMQStream(push), ZMQStream(pull)
            got: list[bytes] = []
            done = asyncio.get_running_loop().create_future()

            def on_recv(msg: list[bytes]) -> None:
                got.append(msg[0])
                if len(got) == 3 and not done.done():
                    done.set_result(None)

            receiver.on_recv(on_recv)
            count = iter(range(100))
            pc = mod.PeriodicCallback(lambda: sender.send(b"tick %d" % next(count)), 5)
            pc.start()
            await asyncio.wait_for(done, 5)
            pc.stop()
            assert got == [b"tick 0", b"tick 1", b"tick 2"]
            sender.close()
            receiver.close()
        finally:
            ctx.term()

    asyncio.run(test())
