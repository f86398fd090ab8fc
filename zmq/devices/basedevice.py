"""Devices: a pair of sockets with a forwarding loop between them, run in the calling
thread (:class:`Device`), a background thread (:class:`ThreadDevice`) or a child process
(:class:`ProcessDevice`).

A device is configured before it starts (``bind_in``, ``connect_out``,
``setsockopt_in``...) and creates its own sockets, from its own context, in the thread or
process that runs it: the configuring thread never touches them.

Stopping a device
-----------------
The forwarding loop ends when the device's context is terminated. A device runs in the
process-wide :meth:`zmq.Context.instance` by default (``context_factory``), so that the
application's sockets reach its ``inproc://`` endpoints; a :class:`ThreadDevice` takes it
in :meth:`~BackgroundDevice.start`, and ``device.context`` (also ``device._context``) is
it from then on. ``device.context.term(); device.join(timeout)`` stops a thread device
once the application closed its own sockets of that context: the device closes its
sockets as soon as the loop ends, which lets ``term()`` return. A :class:`ProcessDevice`
makes a fresh context in its child; stop it by ending its process
(``device.launcher.terminate()``).

When the loop ends for another reason (a steerable proxy's ``TERMINATE``, an error) the
device closes its sockets and, if it created its context with ``zmq.Context`` itself (a
process device), terminates that context too. A shared context (the instance, or one
from a custom ``context_factory``) is left to its owner.

A single-socket device (``out_type=-1``) forwards what its in socket receives back to
that same socket, e.g. a ROUTER that routes messages between its peers; its ``*_out``
configuration is ignored.
"""
from __future__ import annotations

import functools
import multiprocessing
import threading
from typing import TYPE_CHECKING, Any, Callable, Optional, TypeVar, Union

import zmq
from zmq.backend import device as _device

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

    from typing_extensions import Concatenate, ParamSpec

    _P = ParamSpec("_P")
_R = TypeVar("_R")

__all__ = ["Device", "ThreadDevice", "ProcessDevice"]

#: What :attr:`Device.launcher` holds once a background device started.
Launcher = Union[threading.Thread, "BaseProcess"]


class _SocketPlan:
    """What a device socket will be: its type, options, binds and connects.

    The docstrings of the planning methods are templates: :func:`_planned` makes each of
    them a device method (``bind`` -> ``bind_in``, ``bind_mon``...) documented for its
    socket.

    Parameters
    ----------
    socket_type : int
        The socket type (``zmq.PULL``...).
    reserved : set of str
        The endpoints that :meth:`bind_to_random_port` handed out so far, shared by all
        the sockets of one device, so that it never hands out a port twice.
    """

    def __init__(self, socket_type: int, reserved: set[str]) -> None:
        self.socket_type = socket_type
        self.reserved = reserved
        self.binds: list[str] = []
        self.connects: list[str] = []
        self.sockopts: list[tuple[int, Any]] = []

    def bind(self, addr: str) -> None:
        """Plan a bind of the {role} socket to ``addr``.

        Parameters
        ----------
        addr : str
            An endpoint, e.g. ``"tcp://127.0.0.1:{port}"``.
        """
        self.binds.append(addr)

    def connect(self, addr: str) -> None:
        """Plan a connect of the {role} socket to ``addr`` (an endpoint, as for ``bind_{key}``)."""
        self.connects.append(addr)

    def setsockopt(self, opt: int, value: Any) -> None:
        """Plan a socket option of the {role} socket, set before it binds or connects.

        Parameters
        ----------
        opt : int
            The option ({options}).
        value : int or bytes or str
            Its value.
        """
        self.sockopts.append((opt, value))

    def bind_to_random_port(self, /, addr: str, *args: int, **kwargs: int) -> int:
        """Plan a bind of the {role} socket to a free port of ``addr``.

        A throwaway socket binds the port (with :meth:`zmq.Socket.bind_to_random_port`'s
        arguments) and releases it; the device binds it again when it starts. A port this
        device already handed out (to any of its sockets) is never handed out again.

        Parameters
        ----------
        addr : str
            A tcp address without port, e.g. ``"tcp://127.0.0.1"``.
        *args, **kwargs
            ``min_port``, ``max_port``, ``max_tries``, as for
            :meth:`zmq.Socket.bind_to_random_port`.

        Returns
        -------
        int
            The port the device will bind.

        Raises
        ------
        zmq.ZMQBindError
            If no port of the range is free but for those this device handed out already.
        """
        ctx = zmq.Context()
        try:
            probe = ctx.socket(zmq.PUB)
            try:
                while True:
                    port = probe.bind_to_random_port(addr, *args, **kwargs)
                    endpoint = f"{addr}:{port}"
                    if endpoint not in self.reserved:
                        break
                    # Handed out before: keep it bound, so that the next try cannot pick it
                    # (each try binds one more port: the search ends).
            finally:
                probe.close(linger=0)
        finally:
            ctx.term()  # returns once the probe's listeners are gone
        self.reserved.add(endpoint)
        self.binds.append(endpoint)
        return port

    def make(self, ctx: zmq.Context, made: list[zmq.Socket]) -> zmq.Socket:
        """Create the socket in ``ctx``, configure it, bind and connect it.

        The socket is appended to ``made`` right after its creation, so the caller can
        close it even if an option, a bind or a connect fails.

        Parameters
        ----------
        ctx : zmq.Context
            The device's context.
        made : list of zmq.Socket
            The device's sockets so far.

        Returns
        -------
        zmq.Socket
            The ready socket.
        """
        s = ctx.socket(self.socket_type)
        made.append(s)
        # Default LINGER 0: closing a device must never wait for unreachable peers. A
        # LINGER given with setsockopt_* wins, being applied afterwards.
        s.setsockopt(zmq.LINGER, 0)
        for opt, value in self.sockopts:
            s.setsockopt(opt, value)
        for addr in self.binds:
            s.bind(addr)
        for addr in self.connects:
            s.connect(addr)
        return s


#: How the docstrings of the device methods name each socket, with an example port and
#: example options: ``{key: (role, port, options)}``, the plan of socket ``key`` being the
#: device's attribute ``_<key>``.
_SOCKETS = {
    "in": ("in", 5555, "``zmq.SUBSCRIBE``, ``zmq.RCVHWM``..."),
    "out": ("out", 5556, "``zmq.SNDHWM``, ``zmq.IDENTITY``..."),
    "mon": ("monitor", 5557, "``zmq.SNDHWM``, ``zmq.LINGER``..."),
    "ctrl": ("control", 5558, "``zmq.SUBSCRIBE`` for a SUB control socket..."),
}


def _planned(
    key: str, method: Callable[Concatenate[_SocketPlan, _P], _R]
) -> Callable[Concatenate[Device, _P], _R]:
    """The device method that calls ``method`` on the plan of socket ``key``.

    It is named after ``method`` with the socket's key after the first word (``bind`` ->
    ``bind_in``, ``bind_to_random_port`` -> ``bind_in_to_random_port``) and documented with
    ``method``'s docstring filled in for that socket (see :data:`_SOCKETS`); its signature
    is ``method``'s.
    """
    attr = f"_{key}"

    def planned(self: Device, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        return method(getattr(self, attr), *args, **kwargs)

    functools.update_wrapper(planned, method)  # __wrapped__: inspect.signature shows method's
    head, sep, tail = method.__name__.partition("_")
    planned.__name__ = planned.__qualname__ = f"{head}_{key}{sep}{tail}"
    if method.__doc__ is not None:  # None under python -OO
        role, port, options = _SOCKETS[key]
        planned.__doc__ = method.__doc__.format(role=role, port=port, options=options, key=key)
    return planned


class Device:
    """A device run in the calling thread: ``start()`` blocks until the device ends.

    The device forwards messages between an "in" and an "out" socket with
    :func:`zmq.device` (libzmq's proxy) until its context is terminated.

    Parameters
    ----------
    device_type : int
        ``zmq.QUEUE``, ``zmq.FORWARDER`` or ``zmq.STREAMER``; a label only, the forwarding
        is the same for all (libzmq's proxy).
    in_type : int
        Type of the in socket (e.g. ``zmq.ROUTER``, ``zmq.SUB``, ``zmq.PULL``).
    out_type : int
        Type of the out socket (e.g. ``zmq.DEALER``, ``zmq.PUB``, ``zmq.PUSH``), or -1 for
        a single-socket device: the in socket forwards to itself.

    Attributes
    ----------
    daemon : bool
        For background devices: whether the thread/process is a daemon (default True).
    context : zmq.Context or None
        The context the device's sockets live in, once the device got it (also
        ``_context``, which exists from then on).
    done : bool
        True once the device's run ended (for a :class:`ProcessDevice`, in the child only:
        use ``launcher.is_alive()`` in the parent).

    Raises
    ------
    TypeError
        If ``in_type`` or ``out_type`` is missing.
    """

    #: Called without arguments (in the thread or process running the device) to get the
    #: device's context. Defaults to the process-wide :meth:`zmq.Context.instance`.
    context_factory: Callable[[], zmq.Context] = zmq.Context.instance
    #: The keys of the device's sockets, in the order :meth:`_setup_sockets` makes them
    #: (the plan of each is the attribute ``_<key>``).
    _socket_keys: tuple[str, ...] = ("in", "out")

    def __init__(
        self, device_type: int = zmq.QUEUE, in_type: Optional[int] = None, out_type: Optional[int] = None
    ) -> None:
        if in_type is None or out_type is None:
            raise TypeError("a device needs both in_type and out_type (socket types such as zmq.PULL)")
        self.device_type = device_type
        self.in_type = in_type
        self.out_type = out_type
        self._reserved: set[str] = set()  # endpoints bind_*_to_random_port handed out
        self._in = _SocketPlan(in_type, self._reserved)
        self._out = _SocketPlan(out_type, self._reserved)
        self.daemon = True
        self.done = False
        self.context: Optional[zmq.Context] = None
        self._owns_context = False
        self._sockets: list[zmq.Socket] = []
        self._finished = threading.Event()

    # -- pickling (a ProcessDevice under the "spawn" start method) ------------------------

    def __getstate__(self) -> dict[str, Any]:
        """Picklable state: the configuration, without runtime objects (context, sockets,
        thread or process handles, events)."""
        state = self.__dict__.copy()
        for key in ("context", "_context", "_sockets", "_finished", "launcher"):
            state.pop(key, None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Restore a pickled device, with fresh runtime state."""
        self.__dict__.update(state)
        self.context = None
        self._sockets = []
        self._finished = threading.Event()

    # -- configuration ------------------------------------------------------------------

    bind_in = _planned("in", _SocketPlan.bind)
    connect_in = _planned("in", _SocketPlan.connect)
    setsockopt_in = _planned("in", _SocketPlan.setsockopt)
    bind_in_to_random_port = _planned("in", _SocketPlan.bind_to_random_port)
    bind_out = _planned("out", _SocketPlan.bind)
    connect_out = _planned("out", _SocketPlan.connect)
    setsockopt_out = _planned("out", _SocketPlan.setsockopt)
    bind_out_to_random_port = _planned("out", _SocketPlan.bind_to_random_port)

    # -- running ------------------------------------------------------------------------

    def _make_context(self) -> zmq.Context:
        """The device's context, created with :attr:`context_factory` on first use."""
        if self.context is None:
            factory = self.context_factory
            self._owns_context = factory is zmq.Context
            self.context = self._context = factory()
        return self.context

    def _setup_sockets(self) -> tuple[zmq.Socket, ...]:
        """Create the device's sockets (in this thread).

        Returns
        -------
        tuple of zmq.Socket
            One socket per key of :attr:`_socket_keys`: ``(in_socket, out_socket)``, then
            ``mon_socket`` for a proxy, then ``ctrl_socket`` for a steerable one.
        """
        ctx = self._make_context()
        made: list[zmq.Socket] = []
        for key in self._socket_keys:
            if key == "out" and self.out_type == -1:
                made.append(made[0])  # single-socket device: in forwards to itself
            else:
                made.append(getattr(self, f"_{key}").make(ctx, self._sockets))
        return tuple(made)

    def run_device(self) -> None:
        """Create the sockets and forward between them until the context is terminated.

        Raises
        ------
        zmq.ContextTerminated
            When the device's context is terminated (the normal end).
        """
        ins, outs = self._setup_sockets()
        _device(self.device_type, ins, outs)

    def run(self) -> None:
        """Run the device in this thread until it ends, then clean up.

        The end by context termination is normal and not raised. The device's sockets are
        closed; a context the device created with the default factory is terminated,
        unless someone else terminated it.

        Raises
        ------
        zmq.ZMQError
            If a socket could not be set up (a bind to a busy port...).
        """
        terminated = False
        try:
            self.run_device()
        except zmq.ZMQError as e:
            # (a socket() of a terminated context raises a plain ZMQError(ETERM), as pyzmq's)
            if e.errno != zmq.ETERM:
                raise
            terminated = True
        finally:
            for s in self._sockets:
                s.close()
            ctx = self.context
            if ctx is not None and self._owns_context and not terminated:
                ctx.term()
            self.done = True
            self._finished.set()

    def start(self) -> None:
        """Run the device in the calling thread; returns when it ended (see :meth:`run`)."""
        self.run()

    def join(self, timeout: Optional[float] = None) -> None:
        """Wait until the device ended (a device run by another thread).

        Parameters
        ----------
        timeout : float, optional
            Seconds to wait at most; None waits for ever. Check :attr:`done` afterwards.
        """
        self._finished.wait(timeout)


class BackgroundDevice(Device):
    """Base of devices that run in the background: ``start()`` returns at once.

    The parameters are :class:`Device`'s.
    """

    #: The thread or process running the device, once started.
    launcher: Optional[Launcher] = None

    def _setup_launcher(self) -> Launcher:
        """Make the (unstarted) thread or process that will call :meth:`run`."""
        raise NotImplementedError

    def start(self) -> None:
        """Start the device in the background and return at once.

        Raises
        ------
        RuntimeError
            If the device was already started.
        """
        if self.launcher is not None:
            raise RuntimeError("this device was already started")
        self.launcher = self._setup_launcher()
        self.launcher.start()

    def join(self, timeout: Optional[float] = None) -> None:
        """Wait for the device's thread or process to end.

        Parameters
        ----------
        timeout : float, optional
            Seconds to wait at most; None waits for ever. Check ``launcher.is_alive()``
            afterwards.

        Raises
        ------
        RuntimeError
            If the device was not started.
        """
        if self.launcher is None:
            raise RuntimeError("this device was not started")
        self.launcher.join(timeout)


class ThreadDevice(BackgroundDevice):
    """A device run in a background thread of this process.

    :meth:`start` gets its context from :attr:`context_factory` (by default the
    process-wide :meth:`zmq.Context.instance`, so ``inproc://`` endpoints are shared with
    the application); terminating it stops the device. Its sockets are made by the thread.
    The parameters are :class:`Device`'s.
    """

    def _setup_launcher(self) -> threading.Thread:
        """A thread running :meth:`run`, daemonic if :attr:`daemon` is set."""
        self._make_context()
        return threading.Thread(target=self.run, daemon=self.daemon)


class ProcessDevice(BackgroundDevice):
    """A device run in a child process (made by :mod:`multiprocessing`).

    The child makes a fresh context (``context_factory`` is ``zmq.Context``) and the
    sockets. Stop it with ``device.launcher.terminate()`` and :meth:`join`. The parameters
    are :class:`Device`'s.
    """

    #: A child process cannot share its parent's context: it makes a fresh one.
    context_factory: Callable[[], zmq.Context] = zmq.Context

    def _setup_launcher(self) -> BaseProcess:
        """A process running :meth:`run`, daemonic if :attr:`daemon` is set."""
        return multiprocessing.Process(target=self.run, daemon=self.daemon)
