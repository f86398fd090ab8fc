"""``python -m zmq.log``: print the log records published by :class:`~zmq.log.handlers.PUBHandler`.

Usage::

    python -m zmq.log [--topic T]... [--bind] [--count N] [--timeout S] ADDRESS...

Subscribes (a SUB socket connecting to every ADDRESS, or binding them with ``--bind``) to
the topics given (prefixes such as ``myapp.ERROR``; default: everything) and prints each
record as ``HH:MM:SS LEVEL topic: text``, the level being read from the topic. Ends on
Ctrl-C, after ``--count`` records, or after ``--timeout`` seconds without a record.
"""
from __future__ import annotations

import argparse
import sys
import time
from typing import Optional, Sequence, TextIO

import zmq

__all__ = ["main", "format_record", "parse_args"]

_LEVELS = frozenset({"DEBUG", "INFO", "WARNING", "WARN", "ERROR", "CRITICAL", "FATAL"})


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Parse the command line.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (default ``sys.argv[1:]``).

    Returns
    -------
    argparse.Namespace
        ``addresses``, ``topics``, ``bind``, ``count``, ``timeout``.
    """
    parser = argparse.ArgumentParser(
        prog="python -m zmq.log", description="Print the log records published by zmq.log.handlers.PUBHandler."
    )
    parser.add_argument("addresses", metavar="ADDRESS", nargs="+", help="publisher endpoint, e.g. tcp://127.0.0.1:5555")
    parser.add_argument(
        "-t", "--topic", dest="topics", metavar="TOPIC", action="append", default=None,
        help="subscribe to this topic prefix (repeatable; default: all)",
    )
    parser.add_argument("--bind", action="store_true", help="bind the addresses instead of connecting to them")
    parser.add_argument("-n", "--count", type=int, default=None, help="exit after this many records")
    parser.add_argument(
        "--timeout", type=float, default=None, help="exit (status 1) after this many seconds without a record"
    )
    return parser.parse_args(argv)


def format_record(topic: bytes, text: bytes, when: Optional[float] = None) -> str:
    """The printed line of one published record.

    Parameters
    ----------
    topic : bytes
        The topic frame, e.g. ``b"myapp.WARNING.db"``.
    text : bytes
        The formatted message.
    when : float, optional
        Reception time (default: now).

    Returns
    -------
    str
        ``"HH:MM:SS LEVEL    topic: text"``; the level is the first topic part that is a
        level name (``?`` if none).
    """
    topic_s = topic.decode("utf-8", "replace")
    level = next((part for part in topic_s.split(".") if part in _LEVELS), "?")
    stamp = time.strftime("%H:%M:%S", time.localtime(time.time() if when is None else when))
    return f"{stamp} {level:<8} {topic_s}: {text.decode('utf-8', 'replace').rstrip()}"


def main(argv: Optional[Sequence[str]] = None, out: TextIO = sys.stdout) -> int:
    """Subscribe and print records until Ctrl-C, ``--count`` or ``--timeout``.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (default ``sys.argv[1:]``).
    out : file
        Where to print (default stdout).

    Returns
    -------
    int
        The exit status: 0, or 1 after a ``--timeout``.
    """
    args = parse_args(argv)
    ctx = zmq.Context()
    sub = ctx.socket(zmq.SUB)
    sub.linger = 0
    try:
        for topic in args.topics or [""]:
            sub.setsockopt(zmq.SUBSCRIBE, topic.encode("utf-8"))
        for addr in args.addresses:
            if args.bind:
                sub.bind(addr)
            else:
                sub.connect(addr)
        timeout_ms = -1 if args.timeout is None else max(0, int(args.timeout * 1000))
        seen = 0
        while args.count is None or seen < args.count:
            if not sub.poll(timeout_ms):
                print(f"no record in {args.timeout} s", file=sys.stderr)
                return 1
            topic, *rest = sub.recv_multipart()
            text = b"".join(rest)
            print(format_record(topic, text), file=out, flush=True)
            seen += 1
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        sub.close()
        ctx.term()


if __name__ == "__main__":
    sys.exit(main())
