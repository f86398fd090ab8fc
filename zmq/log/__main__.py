"""``python -m zmq.log``: print the log records published by :class:`~zmq.log.handlers.PUBHandler`.

Usage (the interface of pyzmq's log watcher)::

    python -m zmq.log [-t TOPIC] [--timestamp] [--separator SEP] [--dateformat FMT]
                      [--align] [--color] zmq_pub_url

Connects a SUB socket to ``zmq_pub_url``, subscribed to ``TOPIC`` (a prefix such as
``myapp.ERROR``; default: everything), and prints each record as ``topic | text`` (the
text stripped of surrounding whitespace), optionally after the local time (``--timestamp``,
formatted with ``--dateformat``), with the topic's parts padded to the widest seen so far
(``--align``), and coloured by the level that ends the topic (``--color``, which needs the
``colorama`` module). Runs until interrupted (Ctrl-C ends it with status 0).
"""
from __future__ import annotations

import argparse
import datetime
import importlib
import sys
from typing import Any, Optional, Sequence

import zmq

__all__ = ["main", "parse_args", "format_record"]

#: The default ``--dateformat`` (day before month, as pyzmq's watcher prints it).
DATEFORMAT = "%Y-%d-%m %H:%M"

#: colorama ``Fore`` attribute for the level that ends a topic (others are not coloured).
_LEVEL_COLORS = {
    "DEBUG": "LIGHTCYAN_EX",
    "INFO": "LIGHTWHITE_EX",
    "WARNING": "YELLOW",
    "ERROR": "LIGHTRED_EX",
    "CRITICAL": "LIGHTRED_EX",
}


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Parse the command line.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (default ``sys.argv[1:]``).

    Returns
    -------
    argparse.Namespace
        ``zmq_pub_url``, ``topic``, ``timestamp``, ``separator``, ``dateformat``,
        ``align``, ``color``.
    """
    parser = argparse.ArgumentParser("ZMQ Log Watcher")
    parser.add_argument("zmq_pub_url", type=str, help="URL to a ZMQ publisher socket.")
    parser.add_argument("-t", "--topic", type=str, default="", help="Only receive messages that start with this topic.")
    parser.add_argument("--timestamp", action="store_true", help="Append local time to the log messages.")
    parser.add_argument("--separator", type=str, default=" | ", help="String to print between topic and message.")
    parser.add_argument(
        "--dateformat", type=str, default=DATEFORMAT, help="Set alternative date format for use with --timestamp."
    )
    parser.add_argument("--align", action="store_true", help="Try to align messages by the width of their topics.")
    parser.add_argument(
        "--color", action="store_true",
        help="Color the output based on the error level. Requires the colorama module.",
    )
    return parser.parse_args(argv)


def format_record(
    topic: bytes,
    text: bytes,
    separator: str = " | ",
    widths: Optional[list[int]] = None,
) -> tuple[str, str]:
    """The printed form of one record, and its level (the topic's last part).

    Parameters
    ----------
    topic : bytes
        The topic frame, e.g. ``b"myapp.WARNING"``.
    text : bytes
        The message frame (undecodable UTF-8 is replaced, surrounding whitespace stripped).
    separator : str
        Printed between topic and text.
    widths : list of int, optional
        For ``--align``: the widest topic part seen at each position, updated in place;
        every part (missing ones as empty) is padded to it.

    Returns
    -------
    tuple of str
        ``("topic | text", level)``.
    """
    parts = topic.decode("utf-8", "replace").strip().split(".")
    if widths is not None:
        for i, part in enumerate(parts):
            if i == len(widths):
                widths.append(len(part))
            elif len(part) > widths[i]:
                widths[i] = len(part)
        padded = parts + [""] * (len(widths) - len(parts))
        shown = ".".join(part.ljust(width) for part, width in zip(padded, widths))
    else:
        shown = ".".join(parts)
    message = text.decode("utf-8", "replace").strip()
    return f"{shown}{separator}{message}", parts[-1]


def _colorama(enabled: bool) -> Any:
    """colorama's ``Fore``, initialised, when ``--color`` is on (ImportError if missing)."""
    if not enabled:
        return None
    colorama = importlib.import_module("colorama")  # optional, and without type stubs
    colorama.init()
    return colorama.Fore


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Subscribe and print records until interrupted (see the module docs).

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (default ``sys.argv[1:]``).
    """
    args = parse_args(argv)
    fore = _colorama(args.color)
    ctx = zmq.Context()
    sub = ctx.socket(zmq.SUB)
    sub.linger = 0
    widths: Optional[list[int]] = [] if args.align else None
    try:
        sub.setsockopt(zmq.SUBSCRIBE, args.topic.encode("utf-8"))
        sub.connect(args.zmq_pub_url)
        while True:
            topic, *rest = sub.recv_multipart()
            line, level = format_record(topic, b"".join(rest), args.separator, widths)
            if fore is not None:
                color = _LEVEL_COLORS.get(level)
                line = (getattr(fore, color) if color else "") + line + fore.RESET
            if args.timestamp:
                line = f"{datetime.datetime.now().strftime(args.dateformat)} {line}"
            print(line, flush=True)
    except KeyboardInterrupt:
        if fore is not None:
            print(fore.RESET, flush=True)
    finally:
        sub.close()
        ctx.term()


if __name__ == "__main__":
    main()
