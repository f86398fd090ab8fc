"""Publish :mod:`logging` records over ZeroMQ.

:class:`PUBHandler` sends each record as a two-frame message ``[topic, text]``. The topic
is made of dot-separated parts: the handler's root topic (if any), the record's level name,
then the record's sub-topic (if any)::

    myapp.WARNING.db.pool   ->   "pool exhausted, waiting"

so subscribers filter by prefix: ``b"myapp.ERROR"`` gets every error of ``myapp``.

A record's sub-topic comes from its ``topic`` attribute (set by :class:`TopicLogger`, or by
any logger with ``extra={"topic": "db.pool"}``); failing that, from the message's format
string: what comes before its first ``TOPIC_DELIM`` (``"db.pool::pool exhausted"``) is the
sub-topic, and is removed from the published text. Arguments of the message are never
searched for the delimiter.

Receive them with ``python -m zmq.log ADDRESS`` (see :mod:`zmq.log.__main__`).
"""
from __future__ import annotations

import copy
import logging
from typing import TYPE_CHECKING, Any, Final, Union, cast

import zmq

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["TOPIC_DELIM", "PUBHandler", "TopicLogger"]

#: Separates a sub-topic from the text in a log message: ``"db.pool::pool exhausted"``.
TOPIC_DELIM: Final = "::"

#: Formats used until :meth:`PUBHandler.setFormatter` says otherwise: debug and error
#: records tell where they were logged.
_DEFAULT_FORMATS: Final = {
    logging.DEBUG: "%(filename)s:%(lineno)d - %(message)s",
    logging.INFO: "%(message)s",
    logging.WARNING: "%(message)s",
    logging.ERROR: "%(filename)s:%(lineno)d - %(message)s",
    logging.CRITICAL: "%(filename)s:%(lineno)d - %(message)s",
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
        The context for the new socket when given an address (default:
        :meth:`zmq.Context.instance`).
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
        interface_or_socket: Union[str, zmq.Socket],
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
            self._owns_socket = False
        else:
            self.ctx = context if context is not None else zmq.Context.instance()
            self.socket = self.ctx.socket(zmq.PUB)
            self._owns_socket = True
            try:
                self.socket.bind(interface_or_socket)
            except BaseException:
                self.socket.close(linger=0)
                raise

    # -- topics -------------------------------------------------------------------------

    @property
    def root_topic(self) -> str:
        """The first part of every topic (``""`` for none)."""
        return self._root_topic

    @root_topic.setter
    def root_topic(self, value: Union[str, bytes]) -> None:
        self.setRootTopic(value)

    def setRootTopic(self, root_topic: Union[str, bytes]) -> None:
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

    def setFormatter(self, fmt: Union[logging.Formatter, str, None], level: int = logging.NOTSET) -> None:
        """Set the formatter of one level, or of all levels.

        Parameters
        ----------
        fmt : logging.Formatter or str or None
            The formatter (a str is made a :class:`logging.Formatter`; None restores the
            default).
        level : int
            The level it formats (``logging.DEBUG``...); ``logging.NOTSET`` (default) sets
            it for every level.
        """
        if isinstance(fmt, str):
            fmt = logging.Formatter(fmt)
        if level == logging.NOTSET:
            if fmt is None:
                self.formatters = {lvl: logging.Formatter(f) for lvl, f in _DEFAULT_FORMATS.items()}
            else:
                self.formatters = dict.fromkeys(set(self.formatters) | set(_DEFAULT_FORMATS), fmt)
            self.formatter = fmt
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
        ``topic::`` prefix when the sub-topic came from the message)."""
        topic = getattr(record, "topic", None)
        if topic is not None:
            return str(topic), record
        msg = record.msg
        if isinstance(msg, str) and TOPIC_DELIM in msg:
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
        """Detach the handler; close its socket if the handler made it (given an address)."""
        try:
            if self._owns_socket and not self.socket.closed:
                self.socket.close()
        finally:
            super().close()


def _topic_method(level: int) -> Callable[..., None]:
    """A level method of :class:`TopicLogger` (``info(topic, msg, *args, **kwargs)``)."""

    def method(self: TopicLogger, topic: str, msg: object, *args: Any, **kwargs: Any) -> None:
        if self.isEnabledFor(level):
            self._log_topic(level, topic, msg, args, kwargs)

    return method


class TopicLogger(logging.Logger):
    """A logger whose calls name a topic: ``log(level, topic, msg, *args)``,
    ``info(topic, msg, *args)``...

    The topic goes into the record's ``topic`` attribute, which :class:`PUBHandler` uses
    as the sub-topic of the published message (``root.INFO.topic``). Use it directly
    (``TopicLogger("myapp")``) or for every new logger with
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
        kwargs["stacklevel"] = kwargs.get("stacklevel", 1) + 2
        extra = dict(kwargs.pop("extra", None) or {})
        extra["topic"] = topic
        self._log(level, msg, args, extra=extra, **kwargs)

    def log(self, level: Union[int, str], topic: str, msg: object, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        """Log ``msg % args`` at ``level`` under ``topic``.

        Parameters
        ----------
        level : int or str
            The level (``logging.INFO`` or ``"INFO"``).
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
            If ``level`` is not an int nor a known level name.
        """
        if isinstance(level, str):
            named = logging.getLevelName(level.upper())
            if not isinstance(named, int):
                raise TypeError(f"unknown logging level {level!r}")
            level = named
        elif not isinstance(level, int):
            raise TypeError(f"level must be an int or a level name, not {type(level).__name__!r}")
        if self.isEnabledFor(level):
            self._log_topic(level, topic, msg, args, kwargs)


# The level methods take the topic first, like log(). (Logger.warn and Logger.exception
# call them, so they route topics too.) The loop leaves `name` and `meth` bound at module
# level, as the reference module does.
for name in ("debug", "info", "warning", "error", "critical"):
    meth = _topic_method(getattr(logging, name.upper()))
    meth.__name__ = name
    meth.__qualname__ = f"TopicLogger.{name}"
    meth.__doc__ = f"""Log ``msg % args`` at {name.upper()} level under ``topic``.

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
    setattr(TopicLogger, name, meth)
TopicLogger.fatal = TopicLogger.critical
