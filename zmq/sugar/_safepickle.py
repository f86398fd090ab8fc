"""Safe pickles for :meth:`Socket.set_pickle_security`: signed (HMAC-SHA256, checked before
unpickling) and restricted (allow-listed classes only) send_pyobj/recv_pyobj.

Imported when a socket or context is first given a pickle security setting, so that
``import zmq`` does not load pickle, hmac and hashlib.
"""
from __future__ import annotations

import hashlib
import hmac
import io
import pickle
import weakref
from typing import TYPE_CHECKING, Any

from zmq.constants import ENOTSOCK
from zmq.error import ZMQError

if TYPE_CHECKING:
    from zmq.sugar.socket import Socket


class PickleRefused(pickle.UnpicklingError):
    """A message refused by :meth:`Socket.recv_pyobj` in a safe pickle mode, without
    unpickling it: unsigned, signed with another key, or naming a class not allowed."""


#: Prefix of a signed pickle: this tag, then the HMAC-SHA256 of the pickle, then the pickle.
_SIGNED_TAG = b"cyzmq-hmac-sha256:"
_DIGEST_SIZE = hashlib.sha256().digest_size


class _PicklePolicy:
    """The safe pickle settings of a socket (see :meth:`Socket.set_pickle_security`)."""

    __slots__ = ("key", "allowed")

    def __init__(self, key: bytes | None, allowed: frozenset[str] | None) -> None:
        self.key = key
        self.allowed = allowed

    def dumps(self, obj: Any, protocol: int | None) -> bytes:
        data = pickle.dumps(obj, pickle.DEFAULT_PROTOCOL if protocol is None else protocol)
        if self.key is None:
            return data
        return _SIGNED_TAG + hmac.new(self.key, data, hashlib.sha256).digest() + data

    def loads(self, msg: Any) -> Any:
        data = bytes(msg)
        if self.key is not None:
            if not data.startswith(_SIGNED_TAG):
                raise PickleRefused("recv_pyobj: the message is not signed (this socket accepts only signed pickles); not unpickled")
            start = len(_SIGNED_TAG) + _DIGEST_SIZE
            digest, data = data[len(_SIGNED_TAG):start], data[start:]
            if not hmac.compare_digest(digest, hmac.new(self.key, data, hashlib.sha256).digest()):
                raise PickleRefused("recv_pyobj: the message's signature does not match this socket's key; not unpickled")
        if self.allowed is None:
            return pickle.loads(data)
        return _RestrictedUnpickler(io.BytesIO(data), self.allowed).load()


class _RestrictedUnpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, allowed: frozenset[str]) -> None:
        super().__init__(file)
        self._allowed = allowed

    def find_class(self, module: str, name: str) -> Any:
        if f"{module}.{name}" not in self._allowed:
            raise PickleRefused(f"recv_pyobj: {module}.{name} is not on this socket's allow-list; not unpickled")
        return super().find_class(module, name)


def _class_name(c: str | type) -> str:
    return c if isinstance(c, str) else f"{c.__module__}.{c.__qualname__}"


class _SafePickleMethod:
    """send_pyobj/recv_pyobj of one socket in a safe mode, set on the instance (so the
    class's compiled methods stay the default path); holds the socket weakly (no cycle)."""

    __slots__ = ("_socket", "_policy", "_recv", "__weakref__")

    def __init__(self, socket: Socket, policy: _PicklePolicy, recv: bool) -> None:
        self._socket = weakref.ref(socket)
        self._policy = policy
        self._recv = recv

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        sock = self._socket()
        if sock is None:
            raise ZMQError(ENOTSOCK)
        if self._recv:
            return _recv_safe(sock, self._policy, *args, **kwargs)
        return _send_safe(sock, self._policy, *args, **kwargs)


def _send_safe(sock: Socket, policy: _PicklePolicy, obj: Any, flags: int = 0, protocol: int | None = None, **kwargs: Any) -> Any:
    # type(sock).send: the plain, green (cooperative) or async (a Future) send of this socket.
    return type(sock).send(sock, policy.dumps(obj, protocol), flags, **kwargs)


def _recv_safe(sock: Socket, policy: _PicklePolicy, flags: int = 0) -> Any:
    got: Any = type(sock).recv(sock, flags)
    if not hasattr(got, "add_done_callback"):
        return policy.loads(got)
    # An async socket: a Future of the checked object.
    out = got.get_loop().create_future()

    def done(f: Any) -> None:
        if out.cancelled():
            return
        if f.cancelled():
            out.cancel()
        elif f.exception() is not None:
            out.set_exception(f.exception())
        else:
            try:
                out.set_result(policy.loads(f.result()))
            except Exception as e:  # noqa: BLE001 - handed to the awaiting caller
                out.set_exception(e)

    got.add_done_callback(done)
    out.add_done_callback(lambda o: got.cancel() if o.cancelled() else None)
    return out
