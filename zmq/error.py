"""The exceptions cyzmq raises.

Every libzmq failure becomes a :class:`ZMQError` carrying the errno; the few errnos that
callers routinely handle get their own subclass (:class:`Again` for EAGAIN,
:class:`ContextTerminated` for ETERM, :class:`InterruptedSystemCall` for EINTR), chosen by
:func:`error_class`.
"""
from __future__ import annotations

import errno as _errno
from typing import Any, Callable

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
        from zmq.backend.cython._utils import strerror

        _strerror = strerror
    return _strerror(errnum)


class ZMQBaseError(Exception):
    """Base class of every exception cyzmq raises."""


class ZMQError(ZMQBaseError):
    """A libzmq call failed.

    Parameters
    ----------
    errno : int, optional
        The error number; defaults to libzmq's current ``zmq_errno()``.
    msg : str, optional
        A message to use instead of libzmq's description of ``errno``.

    Attributes
    ----------
    errno : int
        The error number (compare with ``zmq.EAGAIN``, ``zmq.ETERM``, ...).
    strerror : str
        The human-readable description.
    """

    errno: int | None = None
    _msg: str | None = None

    def __init__(self, errno: int | None = None, msg: str | None = None) -> None:
        if errno is None:
            from zmq.backend.cython._utils import zmq_errno

            errno = zmq_errno()
        self.errno = errno
        self._msg = msg

    @property
    def strerror(self) -> str:
        """The description of :attr:`errno` (or the message given at construction)."""
        if self._msg is not None:
            return self._msg
        return _describe(self.errno) if isinstance(self.errno, int) else str(self.errno)

    def __str__(self) -> str:
        return self.strerror

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.strerror!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.errno, self._msg))


class Again(ZMQError):
    """EAGAIN: the operation would block (non-blocking call, or RCVTIMEO/SNDTIMEO expired)."""

    # A class attribute, so that the compiled core can raise Again without running any
    # __init__ (raising Again is the event-loop hot path).
    errno: int | None = _errno.EAGAIN

    def __init__(self, errno: int | None = _errno.EAGAIN, msg: str | None = None) -> None:
        if errno != _errno.EAGAIN:
            self.errno = errno
        if msg is not None:
            self._msg = msg


class ContextTerminated(ZMQError):
    """ETERM: the socket's context was terminated."""

    def __init__(self, errno: int | None = None, msg: str | None = None) -> None:
        super().__init__(_ETERM if errno is None else errno, msg)


class InterruptedSystemCall(ZMQError, InterruptedError):  # type: ignore[misc]  # OSError.strerror is an attribute
    """EINTR: a blocking call was interrupted by a signal whose handler did not raise."""

    def __init__(self, errno: int | None = _errno.EINTR, msg: str | None = None) -> None:
        super().__init__(errno, msg)

    def __str__(self) -> str:
        return self.strerror + ": interrupted system call"


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
        from zmq.backend.cython._utils import zmq_version_info

        self.version = ".".join(map(str, zmq_version_info()))

    def __str__(self) -> str:
        return f"{self.msg} requires libzmq >= {self.min_version}, have {self.version}"

    def __repr__(self) -> str:
        return f"ZMQVersionError({str(self)!r})"


class DraftFDWarning(RuntimeWarning):
    """Warns that a thread-safe (draft) socket's FD is not usable the usual way."""


_ETERM = 156384712 + 53

_BY_ERRNO: dict[int, type[ZMQError]] = {
    _errno.EAGAIN: Again,
    _ETERM: ContextTerminated,
    _errno.EINTR: InterruptedSystemCall,
}


def error_class(errnum: int) -> type[ZMQError]:
    """Return the ZMQError subclass raised for ``errnum``."""
    return _BY_ERRNO.get(errnum, ZMQError)
