"""The pyzmq-style Context: the singleton, socket factory, option defaults for new sockets."""
from __future__ import annotations

import _thread
import collections
import os
import time
import warnings
import weakref
from collections.abc import Iterable

from zmq.backend import Context as _BackendContext
from zmq.constants import EINVAL, LINGER as _LINGER, SocketOption
from zmq.error import ZMQError
from zmq.sugar import _termwatch
from zmq.sugar._options import context_option, context_option_names, no_such_option, socket_option
from zmq.sugar.socket import Socket
from zmq.utils._generic import Generic, TypeVar, cast, overload  # (not typing's: see there)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

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
    terminates the context on exit (destroying it, with a ResourceWarning for each socket
    still open). Setting an attribute that is neither an option nor declared by the class
    raises AttributeError.

    Shutdown rules (cyzmq's, so that shutdown never hangs without a word):

    - A socket garbage-collected while still open (with a LINGER other than 0) is not
      closed by the collector: the context keeps it open, its queued messages still
      going out, until the context ends. :meth:`destroy` then closes it with the
      ``linger`` it is given (``destroy(linger=0)`` returns at once), :meth:`term` with
      the socket's own LINGER (as if it had been closed when collected, so queued
      messages are delivered as pyzmq delivers them). Close sockets yourself to free
      them earlier. A collected socket with LINGER 0 is closed at once.
    - A :meth:`term` (or ``with`` exit, or :meth:`destroy`) still blocked after
      :attr:`term_warning_after` seconds warns (RuntimeWarning) which sockets may still
      hold unsent messages, with their LINGER and endpoints; the wait goes on.
    - At interpreter exit, contexts still alive are not terminated: their unsent
      messages are dropped and the process exits at once (as pyzmq does). A hang at
      exit cannot be interrupted cleanly and no LINGER bound fits every program;
      terminate the context yourself when messages must be delivered.

    Parameters
    ----------
    io_threads : int or Context
        Number of libzmq I/O threads; or a Context to shadow (as ``shadow=``).
    shadow : int or Context, optional
        An existing libzmq context to wrap without owning it: its address or a Context
        (see :meth:`shadow`). Copies (``copy.copy``) of a Context are shadows too.
    """

    #: Seconds a :meth:`term` may block before a RuntimeWarning names the sockets it
    #: waits for (the wait goes on); None: never warn. Set on the class or an instance.
    term_warning_after: float | None = 5.0

    _socket_class: type[Socket] = Socket
    _instance: Context[Any] | None = None
    _instance_pid: int | None = None
    _instance_lock = _thread.allocate_lock()  # (threading.Lock, without importing threading)

    sockopts: dict[int, Any]
    _shadow_obj: _BackendContext | None = None  # the Context shadowed, kept alive
    _pickle_security: tuple[bytes | None, tuple[str | type, ...] | None] | None = None

    def __init__(self, io_threads: int | _BackendContext = 1, shadow: _BackendContext | int = 0) -> None:
        if isinstance(io_threads, _BackendContext):
            io_threads, shadow = 1, io_threads
        if isinstance(shadow, _BackendContext):
            object.__setattr__(self, "_shadow_obj", shadow)
            shadow = shadow.underlying
        super().__init__(io_threads=io_threads, shadow=shadow)
        object.__setattr__(self, "sockopts", {})
        object.__setattr__(self, "_sockets", weakref.WeakSet())
        # Sockets collected while open, kept open for destroy()/term() to close (see the
        # class docstring); and what sockets closed with a LINGER left behind (for the
        # warning of a blocked term(); bounded, as it only serves that message).
        object.__setattr__(self, "_collected", [])
        object.__setattr__(self, "_lingering", collections.deque(maxlen=1000))

    def __copy__(self: _C, memo: object = None) -> _C:
        """A shadow of this context (sharing the libzmq context, which this one keeps owning)."""
        return self.__class__(shadow=self)

    __deepcopy__ = __copy__

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
            The same object on every call in a process, until it is terminated. A
            subclass shares the instance of its base class while that one is alive
            (unless it declares its own ``_instance = None``, as ``zmq.asyncio.Context``
            does); otherwise its first call creates an instance of the subclass.
        """
        inst = cls._instance
        if inst is None or inst.closed or cls._instance_pid != os.getpid():
            with cls._instance_lock:
                inst = cls._instance
                if inst is None or inst.closed or cls._instance_pid != os.getpid():
                    inst = cls(io_threads=io_threads)
                    cls._instance = inst
                    cls._instance_pid = os.getpid()
        # (typed as this class's: a subclass sharing its base's instance is pyzmq's quirk)
        return cast(_C, inst)

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
            return cls(shadow=address)
        return cls(shadow=int(address))

    @classmethod
    def shadow_pyczmq(cls: type[_C], ctx: Any) -> _C:
        """Wrap a pyczmq ``zctx`` (needs pyczmq installed)."""
        try:
            from pyczmq import ffi, zctx  # type: ignore[import-not-found]
        except ImportError as e:
            raise ModuleNotFoundError("Context.shadow_pyczmq needs pyczmq: pip install pyczmq", name="pyczmq") from e
        return cls(shadow=int(ffi.cast("size_t", zctx.underlying(ctx))))

    def __enter__(self: _C) -> _C:
        return self

    def __exit__(self, *exc: object) -> None:
        # Sockets still open would make term() wait forever: destroy (close them, each
        # with its own LINGER) and say so.
        for s in self._open_sockets():
            warnings.warn(f"Destroying context with unclosed socket {s!r}", ResourceWarning, stacklevel=2)
        self.destroy()

    def _open_sockets(self) -> list[Socket]:
        return [s for s in list(self._sockets) if not s.closed]

    def _adopt_collected(self, sock: Socket) -> bool:
        """Keep ``sock``, being garbage-collected while open, for destroy()/term() to close.

        Returns False when the context cannot keep it (terminated, exiting): the caller
        closes it then.
        """
        if _exiting or self.closed or "_collected" not in self.__dict__:
            return False
        self._sockets.discard(sock)
        self._collected.append(sock)
        return True

    def _close_collected(self, linger: int | None) -> None:
        collected = self._collected
        while collected:
            collected.pop().close(linger=linger)

    def _note_linger(self, sock: Socket, linger: int | None) -> None:
        """Remember a socket being closed with a LINGER that may keep term() waiting."""
        endpoints = sock._endpoints
        if not endpoints or "_lingering" not in self.__dict__:
            return
        if linger is None:
            try:
                linger = sock.get(_LINGER)
            except ZMQError:
                return
        if linger != 0:
            self._lingering.append((repr(sock), linger, endpoints, time.monotonic()))

    def _term_blockers(self) -> list[str]:
        """Descriptions of the sockets a blocked term() may be waiting for."""
        now = time.monotonic()
        lines = [f"{s!r} (still open)" for s in self._open_sockets()]
        for name, linger, endpoints, closed_at in list(self._lingering):
            if linger < 0 or now - closed_at < linger / 1000:
                what = "LINGER=-1 (forever)" if linger < 0 else f"LINGER={linger} ms"
                lines.append(f"{name} closed with {what}, endpoints {', '.join(endpoints)}")
        return lines

    def _warn_term_blocked(self, waited: float) -> None:
        blockers = self._term_blockers()
        shown = "; ".join(blockers[:20]) + (f"; and {len(blockers) - 20} more" if len(blockers) > 20 else "")
        warnings.warn(
            f"Context.term() has been blocked for {waited:g} s, waiting for libzmq to deliver"
            f" the unsent messages of sockets closed with a LINGER (or for open sockets to close):"
            f" {shown or 'sockets this Context did not create or track'}."
            f" Close sockets with linger=0, or use destroy(linger=0), to drop them.",
            RuntimeWarning,
            stacklevel=2,
        )

    def term(self) -> None:
        """Terminate the context: wait until every socket is closed and has sent what its
        LINGER allows, then free it. Blocking calls in other threads get ContextTerminated.

        Sockets garbage-collected while open are closed first, with their own LINGER. If
        the wait lasts longer than :attr:`term_warning_after` seconds, a RuntimeWarning
        names the sockets that may still hold unsent messages and their endpoints; the
        wait goes on. Calling term() again is harmless.
        """
        if self.closed:
            return
        if "_collected" in self.__dict__:
            self._close_collected(None)
        limit = self.term_warning_after
        if limit is None or not self._owns_handle:
            super().term()
            return
        token = _termwatch.watch(limit, self._warn_term_blocked)
        try:
            super().term()
        finally:
            _termwatch.unwatch(token)

    def __del__(self) -> None:
        if not _exiting and self._owns_handle:
            warnings.warn(f"unclosed context {self!r}", ResourceWarning, stacklevel=2, source=self)

    def __repr__(self) -> str:
        cls = type(self)
        name = f"zmq.{cls.__name__}" if cls.__module__.startswith("zmq.sugar") else f"{cls.__module__}.{cls.__name__}"
        if self.closed:
            return f"<{name}() at {id(self):#x} closed>"
        n = len(self._open_sockets()) if "_sockets" in self.__dict__ else 0
        count = f"{n} socket{'s' if n != 1 else ''}" if n else ""
        return f"<{name}({count}) at {id(self):#x}>"

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(context_option_names()))

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
            Passed to the socket class, e.g. ``copy_threshold=0``; except
            ``thread_safe=True``, which makes a :class:`~zmq.sugar.threadsafe.ThreadSafeSocket`
            (calls serialised by a lock, so threads may share it; TypeError for an asyncio
            or gevent socket class).

        Returns
        -------
        Socket
            The new socket. Default options set on the context (``ctx.linger = 0``...)
            have been applied, those not valid for this socket type skipped.

        Raises
        ------
        zmq.ZMQError
            libzmq refused to create the socket: an invalid type (EINVAL), too many
            sockets (EMFILE), or a terminated context (ContextTerminated, ETERM).
        TypeError
            ``socket_type`` is not an int, or negative.
        """
        cls = socket_class or self._socket_class
        if kwargs.pop("thread_safe", False):  # (a keyword kept out of the signature: pyzmq's)
            from zmq.sugar.threadsafe import thread_safe_class

            cls = thread_safe_class(cls)
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
        if self._pickle_security is not None:
            s.set_pickle_security(*self._pickle_security)
        self._sockets.add(s)
        return s

    def set_pickle_security(self, key: bytes | None = None, allowed: Iterable[str | type] | None = None) -> None:
        """The default :meth:`Socket.set_pickle_security` of sockets created from now on
        (signed pickles with ``key``, and/or only the ``allowed`` classes unpickled).
        Both None restores pyzmq's default (no checks) for new sockets. A socket's own
        call overrides it.
        """
        if key is None and allowed is None:
            object.__setattr__(self, "_pickle_security", None)
            return
        if key is not None and (not isinstance(key, bytes) or not key):
            raise TypeError("key must be non-empty bytes") if not isinstance(key, bytes) else ValueError("key must not be empty")
        object.__setattr__(self, "_pickle_security", (key, None if allowed is None else tuple(allowed)))

    def destroy(self, linger: int | None = None) -> None:
        """Close every socket created by this context (with ``linger`` ms if given), then
        terminate it. A socket another thread is blocked in (a recv waiting) is closed by
        that thread instead, when term() wakes its call with ContextTerminated.

        Parameters
        ----------
        linger : int, optional
            LINGER for the sockets being closed, in milliseconds (``0`` drops unsent
            messages at once); by default each socket keeps its own. It applies to the
            sockets garbage-collected while open too (the context kept them open for
            this), so ``destroy(linger=0)`` returns at once.
        """
        if self.closed:
            return
        if "_collected" in self.__dict__:
            self._close_collected(linger)
        for s in list(self._sockets):
            # A socket another thread is inside a call on (a blocking recv) is closed by that
            # thread when term() below wakes the call with ContextTerminated.
            if not s.closed and not s._defer_close(linger):
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
        if name in self.__dict__ or hasattr(type(self), name):
            object.__setattr__(self, name, value)
            return
        copt = context_option(name)
        if copt is not None:
            self.set(copt, value)
            return
        sopt = socket_option(name)
        if sopt is None:
            raise no_such_option(self, name)  # a typo (ctx.lingr = 0), or an undeclared attribute
        self.sockopts[sopt] = value

    def __getattr__(self, name: str) -> Any:
        copt = context_option(name)
        if copt is not None:
            try:
                return self.get(copt)
            except ZMQError as e:
                if e.errno == EINVAL:  # THREAD_AFFINITY_CPU_ADD...: libzmq only lets set them
                    raise AttributeError(f"{name} attribute is write-only") from None
                raise
        sopt = socket_option(name)
        if sopt is not None:
            try:
                return self.sockopts[sopt]
            except KeyError:
                raise AttributeError(sopt.name) from None
        raise AttributeError(f"{type(self).__name__} has no such option: {name.upper()}")

    def __delattr__(self, name: str) -> None:
        if name in self.__dict__ or hasattr(type(self), name):
            object.__delattr__(self, name)
            return
        sopt = socket_option(name)
        if sopt is None:
            raise AttributeError(f"No such socket option: {name.upper()!r}")
        try:
            del self.sockopts[sopt]
        except KeyError:
            raise AttributeError(sopt.name) from None


SyncContext = Context


def _reset_instances_in_child() -> None:
    classes: list[type[Context[Any]]] = [Context, *Context.__subclasses__()]
    for cls in classes:
        if "_instance" in cls.__dict__:
            cls._instance = None


os.register_at_fork(after_in_child=_reset_instances_in_child)
del SocketOption
