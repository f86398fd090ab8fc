"""The pyzmq-style Context: the singleton, socket factory, option defaults for new sockets."""
from __future__ import annotations

import os
import threading
import warnings
import weakref
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from zmq.backend import Context as _BackendContext
from zmq.constants import SocketOption
from zmq.error import ZMQError
from zmq.sugar._options import context_option, socket_option
from zmq.sugar.socket import Socket

if TYPE_CHECKING:
    # A PEP 696 default, so that a bare `zmq.Context()` is a Context[Socket] for type
    # checkers (typing.TypeVar only takes `default` from Python 3.13).
    from typing_extensions import TypeVar as _TypeVarWithDefault

    _S = _TypeVarWithDefault("_S", bound=Socket, default=Socket)
else:
    _S = TypeVar("_S", bound=Socket)
_C = TypeVar("_C", bound="Context[Any]")

_exiting = False


def _mark_exiting() -> None:
    global _exiting
    _exiting = True


import atexit  # noqa: E402

atexit.register(_mark_exiting)


class Context(_BackendContext, Generic[_S]):
    """A ZeroMQ context: creates sockets and owns the I/O threads (thread-safe).

    Context options are attributes (``ctx.io_threads = 2``); socket options set as
    attributes (``ctx.linger = 0``) become defaults for every socket created afterwards
    (silently skipped for socket types they don't apply to). ``with zmq.Context() as ctx:``
    terminates the context on exit.

    Parameters
    ----------
    io_threads : int
        Number of libzmq I/O threads.
    shadow : int, optional
        Address of an existing libzmq context to wrap (see :meth:`shadow`).
    """

    _socket_class: type[Socket] = Socket
    _instance: Context[Any] | None = None
    _instance_pid: int | None = None
    _instance_lock = threading.Lock()

    sockopts: dict[int, Any]

    def __init__(self, io_threads: int = 1, shadow: int = 0, **kwargs: Any) -> None:
        super().__init__(io_threads=io_threads, shadow=shadow)
        object.__setattr__(self, "sockopts", {})
        object.__setattr__(self, "_sockets", weakref.WeakSet())

    @classmethod
    def instance(cls: type[_C], io_threads: int = 1) -> _C:
        """The process-wide shared Context of this class, created on first use (and again
        in a forked child or after it was terminated).

        Parameters
        ----------
        io_threads : int
            I/O threads of the context, if this call creates it (ignored otherwise).

        Returns
        -------
        Context
            The same object on every call in a process, until it is terminated. Each
            subclass (``zmq.asyncio.Context``...) has its own instance.
        """
        inst = cls.__dict__.get("_instance")
        if inst is None or inst.closed or cls.__dict__.get("_instance_pid") != os.getpid():
            with cls._instance_lock:
                inst = cls.__dict__.get("_instance")
                if inst is None or inst.closed or cls.__dict__.get("_instance_pid") != os.getpid():
                    inst = cls(io_threads=io_threads)
                    cls._instance = inst
                    cls._instance_pid = os.getpid()
        return inst

    @classmethod
    def shadow(cls: type[_C], address: int | _BackendContext) -> _C:
        """Wrap an existing libzmq context (its ``underlying`` address) without owning it.

        Parameters
        ----------
        address : int or Context
            The address of a libzmq ``void *`` context, or a Context whose
            :attr:`underlying` context to share.

        Returns
        -------
        Context
            A new object using that context; terminating it leaves the libzmq context to
            its owner.
        """
        if isinstance(address, _BackendContext):
            address = address.underlying
        return cls(shadow=int(address))

    @classmethod
    def shadow_pyczmq(cls: type[_C], ctx: Any) -> _C:
        """Wrap a pyczmq ``zctx`` (needs pyczmq installed)."""
        try:
            from pyczmq import ffi, zctx  # type: ignore[import-not-found]
        except ImportError as e:
            raise ImportError("Context.shadow_pyczmq needs pyczmq: pip install pyczmq") from e
        return cls(shadow=int(ffi.cast("size_t", zctx.underlying(ctx))))

    def __enter__(self: _C) -> _C:
        return self

    def __exit__(self, *exc: object) -> None:
        self.term()

    def __del__(self) -> None:
        if not _exiting and self._owns_handle:
            warnings.warn(f"unclosed context {self!r}", ResourceWarning, stacklevel=2, source=self)

    def __repr__(self) -> str:
        cls = type(self)
        name = f"zmq.{cls.__name__}" if cls.__module__.startswith("zmq.sugar") else f"{cls.__module__}.{cls.__name__}"
        n = len(getattr(self, "_sockets", ()))
        state = " terminated" if self.closed else ""
        return f"<{name}({n} socket{'s' if n != 1 else ''}{state}) at {id(self):#x}>"

    # -- sockets ---------------------------------------------------------------------------

    @overload
    def socket(self: Context[_S], socket_type: int, **kwargs: Any) -> _S: ...
    @overload
    def socket(self, socket_type: int, socket_class: type[_S], **kwargs: Any) -> _S: ...

    def socket(self, socket_type: int, socket_class: type[Any] | None = None, **kwargs: Any) -> Any:
        """Create a socket of ``socket_type`` (``zmq.PUSH``...) with this context's default
        options applied. Extra keyword arguments go to the socket class.

        Parameters
        ----------
        socket_type : int
            ``zmq.REQ``, ``zmq.PUB``, ``zmq.PUSH``...
        socket_class : type, optional
            The class of the new socket (default: this context's socket class, e.g.
            :class:`zmq.Socket`, or :class:`zmq.asyncio.Socket` for an async context).
        **kwargs
            Passed to the socket class, e.g. ``copy_threshold=0``.

        Returns
        -------
        Socket
            The new socket. Default options set on the context (``ctx.linger = 0``...)
            have been applied, those not valid for this socket type skipped.

        Raises
        ------
        zmq.ZMQError
            libzmq refused to create the socket: an invalid type (EINVAL), too many
            sockets (EMFILE), or a terminated context (ETERM).
        """
        cls = socket_class or self._socket_class
        s = cls(self, socket_type, **kwargs)
        try:
            for opt, value in self.sockopts.items():
                try:
                    s.set(opt, value)
                except ZMQError:
                    pass  # an option that does not apply to this socket type
        except BaseException:
            s.close(linger=0)  # a default of the wrong type: don't leave the socket to the GC
            raise
        self._sockets.add(s)
        return s

    def destroy(self, linger: int | None = None) -> None:
        """Close every socket created by this context (with ``linger`` ms if given), then
        terminate it. Only safe when no other thread is using those sockets.

        Parameters
        ----------
        linger : int, optional
            LINGER for the sockets being closed, in milliseconds (``0`` drops unsent
            messages at once); by default each socket keeps its own.
        """
        if self.closed:
            return
        for s in list(self._sockets):
            if not s.closed:
                s.close(linger=linger)
        self.term()

    # -- options ---------------------------------------------------------------------------

    def setsockopt(self, opt: int, value: Any) -> None:
        """Set a default socket option for sockets created from now on.

        Parameters
        ----------
        opt : int
            A socket option (``zmq.LINGER``, ``zmq.SUBSCRIBE``...).
        value : int, bytes or str
            Its value, as for :meth:`zmq.Socket.set`. It is applied to each new socket
            it is valid for, and skipped silently for the others.
        """
        self.sockopts[opt] = value

    def getsockopt(self, opt: int) -> Any:
        """The default value of a socket option set with :meth:`setsockopt`.

        Parameters
        ----------
        opt : int
            The socket option.

        Raises
        ------
        KeyError
            No default is set for ``opt``.
        """
        return self.sockopts[opt]

    def __setattr__(self, name: str, value: Any) -> None:
        if not name.startswith("_") and name not in self.__dict__ and not hasattr(type(self), name):
            copt = context_option(name)
            if copt is not None:
                self.set(copt, value)
                return
            sopt = socket_option(name)
            if sopt is not None:
                self.sockopts[sopt] = value
                return
        object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        if not name.startswith("_"):
            copt = context_option(name)
            if copt is not None:
                return self.get(copt)
            sopt = socket_option(name)
            if sopt is not None:
                try:
                    return self.sockopts[sopt]
                except KeyError:
                    raise AttributeError(f"no default for socket option {name!r} is set on this context") from None
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __delattr__(self, name: str) -> None:
        sopt = socket_option(name) if not name.startswith("_") else None
        if sopt is not None and sopt in self.sockopts:
            del self.sockopts[sopt]
            return
        object.__delattr__(self, name)


SyncContext = Context


def _reset_instances_in_child() -> None:
    classes: list[type[Context[Any]]] = [Context, *Context.__subclasses__()]
    for cls in classes:
        if "_instance" in cls.__dict__:
            cls._instance = None


os.register_at_fork(after_in_child=_reset_instances_in_child)
del SocketOption
