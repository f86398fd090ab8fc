"""Publish :mod:`logging` records over ZeroMQ.

:class:`PUBHandler` sends each record as a two-frame message ``[topic, text]``. The topic
is made of dot-separated parts: the handler's root topic (if any), the record's level name,
then the record's sub-topic (if any)::

    myapp.WARNING.db.pool   ->   "WARNING app.py:12 - pool exhausted, waiting\\n"

so subscribers filter by prefix: ``b"myapp.ERROR"`` gets every error of ``myapp``.

A record's sub-topic comes from its message: what comes before the first ``TOPIC_DELIM``
of ``str(record.msg)`` (``"db.pool::pool exhausted"``) is the sub-topic, and is removed from
the published text. Arguments of the message are never searched for the delimiter.
:class:`TopicLogger` writes its ``topic`` argument there.

Receive them with ``python -m zmq.log ADDRESS`` (see :mod:`zmq.log.__main__`).
"""
from __future__ import annotations

import copy
import logging
import sys
import warnings
from typing import TYPE_CHECKING, Any, Final, cast

import zmq

if TYPE_CHECKING:
    from collections.abc import Callable

#: Separates a sub-topic from the text in a log message: ``"db.pool::pool exhausted"``.
TOPIC_DELIM: Final = "::"

#: Where a record was logged, as the default formats of every level but INFO start.
_ORIGIN: Final = "%(levelname)s %(filename)s:%(lineno)d - "

#: Formats used until :meth:`PUBHandler.setFormatter` says otherwise: all but INFO
#: records tell their level and where they were logged; each text ends with a newline.
_DEFAULT_FORMATS: Final = {
    logging.DEBUG: _ORIGIN + "%(message)s\n",
    logging.INFO: "%(message)s\n",
    logging.WARNING: _ORIGIN + "%(message)s\n",
    logging.ERROR: _ORIGIN + "%(message)s\n",
    logging.CRITICAL: _ORIGIN + "%(message)s\n",
}


class PUBHandler(logging.Handler):
    """A logging handler that publishes records on a ZeroMQ socket.

    Logging through it never blocks: messages are sent with ``zmq.NOBLOCK`` and a message
    the socket cannot take at once (HWM reached, no peer for a PUSH...) is dropped. A PUB
    socket (the usual case) never blocks anyway: it drops for slow or absent subscribers.

    Parameters
    ----------
    interface_or_socket : str or zmq.Socket
        An address to bind a new PUB socket to (``"tcp://127.0.0.1:5555"``), or a socket
        to publish on (normally a PUB; it stays the caller's and is not closed by
        :meth:`close`).
    context : zmq.Context, optional
        The context for the new socket when given an address (default: a new
        :class:`zmq.Context` of the handler's own).
    root_topic : str
        First part of every topic (default none).

    Attributes
    ----------
    socket : zmq.Socket
        The socket records are published on.
    ctx : zmq.Context
        Its context.
    formatters : dict of int to logging.Formatter
        The formatter of each level (see :meth:`setFormatter`).
    """

    socket: zmq.Socket
    ctx: zmq.Context

    def __init__(
        self,
        interface_or_socket: str | zmq.Socket,
        context: zmq.Context | None = None,
        root_topic: str = "",
    ) -> None:
        super().__init__()
        self._root_topic = ""
        self.root_topic = root_topic
        self.formatters: dict[int, logging.Formatter] = {
            level: logging.Formatter(fmt) for level, fmt in _DEFAULT_FORMATS.items()
        }
        if isinstance(interface_or_socket, zmq.Socket):
            self.socket = interface_or_socket
            self.ctx = cast(zmq.Context, interface_or_socket.context)
            self._owns_socket = self._owns_context = False
        else:
            self._owns_context = context is None
            self.ctx = context if context is not None else zmq.Context()
            self.socket = self.ctx.socket(zmq.PUB)
            self._owns_socket = True
            try:
                self.socket.bind(interface_or_socket)
            except BaseException:
                self.socket.close(linger=0)
                if self._owns_context:
                    self.ctx.term()
                raise

    # -- topics -------------------------------------------------------------------------

    @property
    def root_topic(self) -> str:
        """The first part of every topic (``""`` for none)."""
        return self._root_topic

    @root_topic.setter
    def root_topic(self, value: str | bytes) -> None:
        self.setRootTopic(value)

    def setRootTopic(self, root_topic: str | bytes) -> None:
        """Set the first part of every topic.

        Parameters
        ----------
        root_topic : str or bytes
            E.g. ``"myapp"`` (bytes are decoded as UTF-8); ``""`` for none.
        """
        if isinstance(root_topic, bytes):
            root_topic = root_topic.decode("utf-8")
        self._root_topic = root_topic

    # -- formatting ---------------------------------------------------------------------

    def setFormatter(self, fmt: logging.Formatter | str | None, level: int = logging.NOTSET) -> None:
        """Set the formatter of one level, or of all levels.

        Parameters
        ----------
        fmt : logging.Formatter or str or None
            The formatter (a str is made a :class:`logging.Formatter`; None restores the
            default).
        level : int
            The level it formats (``logging.DEBUG``...); ``logging.NOTSET`` (default) sets
            it for every level.

        Notes
        -----
        The handler formats with :attr:`formatters` only: the inherited ``formatter``
        attribute stays None, as in pyzmq.
        """
        if isinstance(fmt, str):
            fmt = logging.Formatter(fmt)
        if level == logging.NOTSET:
            if fmt is None:
                self.formatters = {lvl: logging.Formatter(f) for lvl, f in _DEFAULT_FORMATS.items()}
            else:
                self.formatters = dict.fromkeys(set(self.formatters) | set(_DEFAULT_FORMATS), fmt)
        elif fmt is None:
            self.formatters[level] = logging.Formatter(_DEFAULT_FORMATS.get(level, "%(message)s"))
        else:
            self.formatters[level] = fmt

    def _formatter_for(self, levelno: int) -> logging.Formatter:
        """The formatter of ``levelno``: its own, else that of the nearest level below."""
        found = self.formatters.get(levelno)
        if found is not None:
            return found
        below = [lvl for lvl in self.formatters if lvl <= levelno]
        return self.formatters[max(below)] if below else self.formatters[min(self.formatters)]

    def format(self, record: logging.LogRecord) -> str:
        """Format ``record`` with the formatter of its level.

        Parameters
        ----------
        record : logging.LogRecord
            The record.

        Returns
        -------
        str
            The text to publish.
        """
        return self._formatter_for(record.levelno).format(record)

    # -- publishing ---------------------------------------------------------------------

    def _split_topic(self, record: logging.LogRecord) -> tuple[str, logging.LogRecord]:
        """The record's sub-topic, and the record to format (a copy without the
        ``topic::`` prefix when its message has one)."""
        msg = str(record.msg)
        if TOPIC_DELIM in msg:
            sub, text = msg.split(TOPIC_DELIM, 1)
            record = copy.copy(record)
            record.msg = text
            return sub, record
        return "", record

    def emit(self, record: logging.LogRecord) -> None:
        """Publish ``record`` as ``[topic, text]`` without blocking (see the class doc).

        Parameters
        ----------
        record : logging.LogRecord
            The record.
        """
        try:
            sub, record = self._split_topic(record)
            parts = [self._root_topic, record.levelname, sub]
            topic = ".".join(p for p in parts if p)
            text = self.format(record)
            self.socket.send_multipart([topic.encode("utf-8"), text.encode("utf-8")], zmq.NOBLOCK)
        except zmq.Again:
            pass  # the socket cannot take it now: drop rather than block the logger
        except Exception:
            self.handleError(record)

    def close(self) -> None:
        """Detach the handler; close its socket if the handler made it (given an address),
        and terminate its context if it made that too (given no ``context``)."""
        try:
            if self._owns_socket and not self.socket.closed:
                self.socket.close()
            if self._owns_context and not self.ctx.closed:
                self.ctx.term()
        finally:
            super().close()


def _topic_method(level: int, name: str) -> Callable[..., None]:
    """The level method ``name`` of :class:`TopicLogger` (``info(topic, msg, *args, **kwargs)``)."""

    def method(self: TopicLogger, topic: str, msg: object, *args: Any, **kwargs: Any) -> None:
        if self.isEnabledFor(level):
            self._log_topic(level, topic, msg, args, kwargs)

    method.__name__ = name
    method.__qualname__ = f"TopicLogger.{name}"
    method.__doc__ = f"""Log ``msg % args`` at {logging.getLevelName(level)} level under ``topic``.

    Parameters
    ----------
    topic : str
        The sub-topic, e.g. ``"db.pool"``.
    msg : object
        The message (a %-format string with ``args``).
    *args
        Arguments of ``msg``.
    **kwargs
        As for :meth:`logging.Logger.{name}` (``exc_info``, ``extra``...).
    """
    return method


#: The stacklevel that skips TopicLogger's own frames: before 3.11, logging counted one of
#: them (the caller of ``_log``) as a level already.
_OWN_FRAMES = 2 if sys.version_info >= (3, 11) else 1


class TopicLogger(logging.Logger):
    """A logger whose calls name a topic: ``log(level, topic, msg, *args)``,
    ``info(topic, msg, *args)``...

    The record's message becomes ``topic + TOPIC_DELIM + str(msg)`` (``"db.pool::text"``),
    which :class:`PUBHandler` splits again to publish under ``root.INFO.db.pool``; other
    handlers see the prefixed message. The record points at the caller of these methods.
    Use it directly (``TopicLogger("myapp")``) or for every new logger with
    ``logging.setLoggerClass(TopicLogger)``.

    Parameters
    ----------
    name : str
        The logger's name.
    level : int
        Its level (default ``logging.NOTSET``).
    """

    def _log_topic(self, level: int, topic: str, msg: object, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        """Make and handle the record, the caller of the public method being its origin."""
        # Skip this frame and the public method's so the record points at their caller.
        kwargs["stacklevel"] = kwargs.get("stacklevel", 1) + _OWN_FRAMES
        self._log(level, f"{topic}{TOPIC_DELIM}{msg}", args, **kwargs)

    def log(self, level: int, topic: str, msg: object, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        """Log ``msg % args`` at ``level`` under ``topic``.

        Parameters
        ----------
        level : int
            The level (``logging.INFO``...).
        topic : str
            The sub-topic, e.g. ``"db.pool"``.
        msg : object
            The message (a %-format string with ``args``).
        *args
            Arguments of ``msg``.
        **kwargs
            As for :meth:`logging.Logger.log` (``exc_info``, ``extra``, ``stacklevel``...).

        Raises
        ------
        TypeError
            If ``level`` is not an int (as :meth:`logging.Logger.log` when
            ``logging.raiseExceptions`` is set).
        """
        if not isinstance(level, int):
            if logging.raiseExceptions:
                raise TypeError("level must be an integer")
            return
        if self.isEnabledFor(level):
            self._log_topic(level, topic, msg, args, kwargs)

    debug = _topic_method(logging.DEBUG, "debug")
    info = _topic_method(logging.INFO, "info")
    warning = _topic_method(logging.WARNING, "warning")
    error = _topic_method(logging.ERROR, "error")
    critical = _topic_method(logging.CRITICAL, "critical")
    fatal = _topic_method(logging.CRITICAL, "fatal")

    def warn(self, topic: str, msg: object, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        """Deprecated alias of :meth:`warning` (it warns, as :meth:`logging.Logger.warn`)."""
        warnings.warn("The 'warn' method is deprecated, use 'warning' instead", DeprecationWarning, stacklevel=2)
        if self.isEnabledFor(logging.WARNING):
            self._log_topic(logging.WARNING, topic, msg, args, kwargs)

    def exception(  # type: ignore[override]
        self, topic: str, msg: object, *args: Any, exc_info: Any = True, **kwargs: Any
    ) -> None:
        """Log ``msg % args`` at ERROR level under ``topic``, with the exception being handled.

        Parameters
        ----------
        topic : str
            The sub-topic, e.g. ``"db.pool"``.
        msg : object
            The message (a %-format string with ``args``).
        *args
            Arguments of ``msg``.
        exc_info
            As for :meth:`logging.Logger.exception` (default: the current exception).
        **kwargs
            As for :meth:`logging.Logger.error`.
        """
        if self.isEnabledFor(logging.ERROR):
            self._log_topic(logging.ERROR, topic, msg, args, dict(kwargs, exc_info=exc_info))


# Module-level names that the reference surface of pyzmq 27 lists here (leftovers of the
# loop that made its level methods); pyzmq 27.3 itself calls them _name and _meth.
name = "critical"
meth = TopicLogger.critical
