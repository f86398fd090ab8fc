"""The exceptions cyzmq raises.

Every libzmq failure becomes a :class:`ZMQError` carrying the errno; the few errnos that
callers routinely handle get their own subclass (:class:`Again` for EAGAIN,
:class:`ContextTerminated` for ETERM, :class:`InterruptedSystemCall` for EINTR), chosen by
:func:`error_class`.
"""
from __future__ import annotations

import errno as _errno
import os as _os

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
    strerror: str | None = None

    def __init__(self, errno: int | str | None = None, msg: str | None = None) -> None:
        if isinstance(errno, str):
            errno, msg = None, errno
        elif errno is None:
            from zmq.backend import zmq_errno

            errno = zmq_errno()
        self.errno = errno
        if msg is None:
            msg = _describe(errno) if isinstance(errno, int) else str(errno)
        self.strerror = msg

    def __str__(self) -> str:
        return str(self.strerror)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class Again(ZMQError):
    """EAGAIN: the operation would block (non-blocking call, or RCVTIMEO/SNDTIMEO expired).

    Whatever the arguments, ``errno`` is ``zmq.Errno.EAGAIN`` and the text libzmq's.
    """

    # Class attributes, so that the compiled core can raise Again without running any
    # __init__ (raising Again is the event-loop hot path).
    errno: int | None = Errno.EAGAIN
    strerror: str | None = _os.strerror(_errno.EAGAIN)

    def __init__(self, errno: int | str | None = None, msg: str | None = None) -> None:
        pass


class ContextTerminated(ZMQError):
    """ETERM: the socket's context was terminated.

    Whatever the arguments, ``errno`` is ``zmq.Errno.ETERM`` and the text libzmq's.
    """

    errno: int | None = Errno.ETERM

    def __init__(self, errno: int | str | None = None, msg: str | None = None) -> None:
        super().__init__(Errno.ETERM)


class InterruptedSystemCall(ZMQError, InterruptedError):
    """EINTR: a blocking call was interrupted by a signal whose handler did not raise.

    cyzmq retries such calls itself, so seeing one is a bug. Whatever the arguments,
    ``errno`` is EINTR and the text says so.
    """

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
        self.min_version = min_version
        self.msg = msg
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
