"""The exceptions cyzmq raises.

Every libzmq failure becomes a :class:`ZMQError` carrying the errno; the few errnos that
callers routinely handle get their own subclass (:class:`Again` for EAGAIN,
:class:`ContextTerminated` for ETERM, :class:`InterruptedSystemCall` for EINTR), chosen by
:func:`error_class`.
"""
from __future__ import annotations

import errno as _errno

from zmq.constants import Errno

TYPE_CHECKING = False  # (typing is not imported at `import zmq`)
if TYPE_CHECKING:
    from typing import Callable

__all__ = [
    "ZMQBaseError",
    "ZMQError",
    "Again",
    "ContextTerminated",
    "InterruptedSystemCall",
    "NotDone",
    "ZMQBindError",
    "ZMQVersionError",
    "DraftFDWarning",
]

_strerror: Callable[[int], str] | None = None


def _describe(errnum: int) -> str:
    global _strerror
    if _strerror is None:  # imported late: the compiled core imports this module
        from zmq.backend import strerror

        _strerror = strerror
    return _strerror(errnum)


class ZMQBaseError(Exception):
    """Base class of every exception cyzmq raises."""


class ZMQError(ZMQBaseError):
    """A libzmq call failed.

    Parameters
    ----------
    errno : int or str, optional
        The error number; defaults to libzmq's current ``zmq_errno()``. A str is taken as
        the message (and the errno is then None).
    msg : str, optional
        A message to use instead of libzmq's description of ``errno``.

    Attributes
    ----------
    errno : int or None
        The error number (compare with ``zmq.EAGAIN``, ``zmq.ETERM``, ...).
    strerror : str
        The human-readable description, fixed at construction (and what ``str()`` gives).
    """

    errno: int | None = None
    strerror: str  # (set by __init__: an instance attribute only, as pyzmq's)

    def __init__(self, errno: int | str | None = None, msg: str | None = None) -> None:
        if isinstance(errno, str):
            msg = errno  # (errno stays the class's None, outside the instance dict)
        else:
            if errno is None:
                from zmq.backend import zmq_errno

                errno = zmq_errno()
            self.errno = errno
            if msg is None:
                msg = _describe(errno) if isinstance(errno, int) else str(errno)
        self.strerror = msg

    def __str__(self) -> str:
        return str(self.strerror)

    def __repr__(self) -> str:
        # (the text between plain quotes, whatever it holds: pyzmq's repr)
        return f"{type(self).__name__}('{self}')"


class Again(ZMQError):
    """EAGAIN: the operation would block (non-blocking call, or RCVTIMEO/SNDTIMEO expired).

    Whatever the arguments, ``errno`` is ``zmq.Errno.EAGAIN`` and the text libzmq's. The
    compiled core raises it without running this __init__, giving the new instance the
    same ``__dict__`` (``_check.pyx``: ``new_again``).
    """

    def __init__(self, errno: int | str | None = None, msg: str | None = None) -> None:
        super().__init__(Errno.EAGAIN)


class ContextTerminated(ZMQError):
    """ETERM: the socket's context was terminated.

    Whatever the arguments, ``errno`` is ``zmq.Errno.ETERM`` and the text libzmq's.
    """

    def __init__(self, errno: int | str | None = None, msg: str | None = None) -> None:
        super().__init__(Errno.ETERM)


class InterruptedSystemCall(ZMQError, InterruptedError):  # type: ignore[misc]  # (strerror: str here, str | None on OSError)
    """EINTR: a blocking call was interrupted by a signal whose handler did not raise.

    cyzmq retries such calls itself, so seeing one is a bug. Whatever the arguments,
    ``errno`` is EINTR and the text says so.
    """

    # (a class attribute, so that the instance's errno goes to its __dict__ and its
    # strerror to OSError's slot, as in pyzmq)
    errno: int | None = _errno.EINTR

    def __init__(self, errno: int | str | None = None, msg: str | None = None) -> None:
        super().__init__(_errno.EINTR)

    def __str__(self) -> str:
        return f"{self.strerror}: This call should have been retried. Please report this to cyzmq."


class ConcurrentUseError(ZMQError):
    """A socket was entered by a second thread while another thread was inside a call on it.

    libzmq sockets are not thread-safe: one socket must be used by one thread at a time.
    cyzmq detects the overlap and refuses the second call instead of letting libzmq's state
    be corrupted. ``errno`` is EBUSY. Use one socket per thread, hand sockets over between
    threads with proper synchronisation, or create the socket with ``thread_safe=True`` to
    have its calls serialised by a lock.
    """

    def __init__(self, errno: int | str | None = None, msg: str | None = None) -> None:
        if isinstance(errno, str):
            errno, msg = None, errno
        if msg is None:
            msg = (
                "socket is in use by another thread: a zmq socket must be used by one "
                "thread at a time (or created with thread_safe=True)"
            )
        super().__init__(_errno.EBUSY, msg)


class NotDone(ZMQBaseError):
    """A :class:`~zmq.MessageTracker` wait timed out before libzmq released the message."""


class ZMQBindError(ZMQBaseError):
    """``bind_to_random_port`` could not find a free port in the range and tries given."""


class ZMQVersionError(NotImplementedError):
    """The linked libzmq is too old for the requested feature.

    Parameters
    ----------
    min_version : str
        The libzmq version the feature needs.
    msg : str
        What was asked for.
    """

    min_version: str | None

    def __init__(self, min_version: str, msg: str = "Feature") -> None:
        self.msg = msg
        self.min_version = min_version
        from zmq.backend import zmq_version_info

        self.version = ".".join(map(str, zmq_version_info()))

    def __str__(self) -> str:
        return f"{self.msg} requires libzmq >= {self.min_version}, have {self.version}"

    def __repr__(self) -> str:
        return f"ZMQVersionError({str(self)!r})"


class DraftFDWarning(RuntimeWarning):
    """Warns that a thread-safe (draft) socket's FD is not usable the usual way.

    Parameters
    ----------
    msg : str, optional
        The text (by default: what the warning is about and how to silence it).
    """

    def __init__(self, msg: str = "") -> None:
        if not msg:
            msg = (
                "the FD of a thread-safe (draft) socket is emulated and experimental: it may change or go away"
                " once libzmq gives such sockets an FD of their own. Suppress this warning with"
                " `warnings.simplefilter('ignore', zmq.error.DraftFDWarning)`"
            )
        super().__init__(msg)


_BY_ERRNO: dict[int, type[ZMQError]] = {
    _errno.EAGAIN: Again,
    Errno.ETERM: ContextTerminated,
    _errno.EINTR: InterruptedSystemCall,
}


def error_class(errnum: int) -> type[ZMQError]:
    """Return the ZMQError subclass raised for ``errnum``."""
    return _BY_ERRNO.get(errnum, ZMQError)


def _plain_error(errnum: int) -> ZMQError:
    """A plain ZMQError for ``errnum`` with ``args == ()`` (libzmq's text): what pyzmq raises
    when creating a socket, unbinding or disconnecting fails, whatever the errno."""
    e = ZMQError.__new__(ZMQError)
    e.errno = errnum
    e.strerror = _describe(errnum)
    return e


def _name_address(e: ZMQError, addr: object) -> ZMQError:
    """``e`` with `` (addr=...)`` added to its text: a failed bind or connect names the
    endpoint (its args stay the errno's, as pyzmq's)."""
    e.strerror = f"{e.strerror} (addr={addr!r})"
    return e


def _endpoint_error(bind_or_connect: bool, errnum: int, addr: object) -> ZMQError:
    """The exception for a bind, connect (``bind_or_connect``), unbind or disconnect of
    ``addr`` that libzmq refused with ``errnum``, shaped as pyzmq's.

    bind/connect: the errno's class (``args == (errnum,)``), its text naming the address; a
    too-long ipc path instead explains the limit (``args == ()``). unbind/disconnect: a plain
    ZMQError with ``args == ()`` and libzmq's text.
    """
    if bind_or_connect:
        text = addr.decode("utf-8", "replace") if isinstance(addr, bytes) else str(addr)
        if errnum != _errno.ENAMETOOLONG or not text.startswith("ipc://"):
            return _name_address(error_class(errnum)(errnum), addr)
        from zmq.backend import IPC_PATH_MAX_LEN

        e = _plain_error(errnum)
        e.strerror = (f'ipc path "{text[6:]}" is longer than {IPC_PATH_MAX_LEN} characters '
                      "(sizeof(sockaddr_un.sun_path)). zmq.IPC_PATH_MAX_LEN constant can be used "
                      "to check addr length (if it is defined).")
        return _name_address(e, addr)
    return _plain_error(errnum)
