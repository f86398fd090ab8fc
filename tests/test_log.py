"""zmq.log: PUBHandler publishing over tcp 127.0.0.1 to real SUB sockets, TopicLogger,
and ``python -m zmq.log`` in a subprocess (against an XPUB, stopped by a signal).

Every socket is closed after its test, every handler is removed and closed, and every
subprocess is waited for with a timeout (killed if it outlives it).
"""
from __future__ import annotations

import gc
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
import warnings
from pathlib import Path
from typing import Callable, Iterator, TypeVar

import pytest
from _helpers import make

import zmq
from zmq.log.__main__ import format_record
from zmq.log.handlers import TOPIC_DELIM, PUBHandler, TopicLogger

JOIN = 5.0  # seconds
ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).name

_handlers: list[logging.Handler] = []


@pytest.fixture(autouse=True)
def close_handlers() -> Iterator[None]:
    """Close the test's handlers after the test (its sockets: see close_made_sockets)."""
    yield
    while _handlers:
        _handlers.pop().close()


L = TypeVar("L", bound=logging.Logger)


def attach(logger: L, handler: logging.Handler) -> L:
    """Give ``logger`` only ``handler`` (closed after the test), at DEBUG level."""
    _handlers.append(handler)
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    return logger


def _name() -> str:
    return f"cyzmq-test-{uuid.uuid4().hex[:8]}"


def fresh_logger() -> logging.Logger:
    """A logger of its own (not registered with the logging manager)."""
    return logging.Logger(_name())


def fresh_topic_logger() -> TopicLogger:
    """A TopicLogger of its own (not registered with the logging manager)."""
    return TopicLogger(_name())


class Recorder(logging.Handler):
    """Keeps the records it handles."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep ``record``."""
        self.records.append(record)


def subscriber(ctx: zmq.Context, handler: PUBHandler, topic: bytes = b"") -> zmq.Socket:
    sub = make(ctx, zmq.SUB)
    sub.subscribe(topic)
    sub.connect(handler.socket.last_endpoint.decode())
    return sub


def warm_up(log: Callable[[], None], sub: zmq.Socket) -> None:
    """PUB/SUB slow joiner: log until ``sub`` receives, then drain what is in flight."""
    deadline = time.monotonic() + JOIN
    while not sub.poll(50):
        assert time.monotonic() < deadline, "no record reached the subscriber"
        log()
    while sub.poll(100):
        sub.recv_multipart()


@pytest.fixture
def published(ctx) -> tuple[logging.Logger, PUBHandler, zmq.Socket]:
    """(logger, handler bound to tcp 127.0.0.1 with root topic 'app', connected SUB)."""
    handler = PUBHandler("tcp://127.0.0.1:*", context=ctx, root_topic="app")
    logger = attach(fresh_logger(), handler)
    sub = subscriber(ctx, handler)
    warm_up(lambda: logger.info("warm-up"), sub)
    return logger, handler, sub


# -- PUBHandler -----------------------------------------------------------------------


def test_levels_become_topics_with_default_formats(published) -> None:
    """All levels but INFO say their level and origin; every text ends with a newline."""
    logger, handler, sub = published
    line = sys._getframe().f_lineno + 1
    logger.debug("dbg %d", 1)
    logger.info("info %s", "two")
    logger.warning("warn")
    logger.critical("crit")
    got = [sub.recv_multipart() for _ in range(4)]
    assert got == [
        [b"app.DEBUG", f"DEBUG {HERE}:{line} - dbg 1\n".encode()],
        [b"app.INFO", b"info two\n"],
        [b"app.WARNING", f"WARNING {HERE}:{line + 2} - warn\n".encode()],
        [b"app.CRITICAL", f"CRITICAL {HERE}:{line + 3} - crit\n".encode()],
    ]


def test_error_records_carry_no_exc_info_suffix(published) -> None:
    """pyzmq appends " - None" (the record's exc_info) to ERROR texts; we publish the
    message alone, the traceback (if any) following as for every level."""
    logger, handler, sub = published
    logger.error("err")
    line = sys._getframe().f_lineno - 1
    assert sub.recv_multipart() == [b"app.ERROR", f"ERROR {HERE}:{line} - err\n".encode()]
    try:
        raise KeyError("k")
    except KeyError:
        logger.error("with traceback", exc_info=True)
    topic, text = sub.recv_multipart()
    assert text.startswith(f"ERROR {HERE}:{line + 6} - with traceback\nTraceback".encode())
    assert b" - (" not in text and b"None" not in text


def test_custom_level_is_published_with_the_format_below(published) -> None:
    """A level without a formatter of its own (pyzmq: KeyError, nothing published) is
    formatted like the nearest level below it."""
    logger, handler, sub = published
    logger.setLevel(1)
    logger.log(25, "custom")
    logger.log(5, "below debug")
    assert sub.recv_multipart() == [b"app.Level 25", b"custom\n"]
    line = sys._getframe().f_lineno - 2
    assert sub.recv_multipart() == [b"app.Level 5", f"Level 5 {HERE}:{line} - below debug\n".encode()]


def test_root_topic_property_and_setter(published) -> None:
    logger, handler, sub = published
    assert handler.root_topic == "app"
    handler.root_topic = "svc.api"
    logger.info("a")
    assert sub.recv_multipart() == [b"svc.api.INFO", b"a\n"]
    handler.setRootTopic(b"raw")
    assert handler.root_topic == "raw"
    logger.info("b")
    assert sub.recv_multipart() == [b"raw.INFO", b"b\n"]
    handler.root_topic = ""
    logger.info("c")
    assert sub.recv_multipart() == [b"INFO", b"c\n"]


def test_per_level_and_global_formatters(published) -> None:
    logger, handler, sub = published
    handler.setFormatter(logging.Formatter("E! %(name)s %(message)s"), logging.ERROR)
    logger.error("boom")
    logger.info("plain")
    assert sub.recv_multipart() == [b"app.ERROR", f"E! {logger.name} boom".encode()]
    assert sub.recv_multipart() == [b"app.INFO", b"plain\n"]

    handler.setFormatter("[%(levelname)s] %(message)s")  # every level, a str is accepted
    assert handler.formatter is None  # the per-level table formats, as in pyzmq
    logger.debug("d")
    logger.error("e")
    assert sub.recv_multipart() == [b"app.DEBUG", b"[DEBUG] d"]
    assert sub.recv_multipart() == [b"app.ERROR", b"[ERROR] e"]

    handler.setFormatter(None)  # back to the defaults
    logger.info("w")
    assert sub.recv_multipart() == [b"app.INFO", b"w\n"]


def test_subtopics_come_from_the_message_only(published) -> None:
    logger, handler, sub = published
    logger.info("pool %s", "low", extra={"topic": "db.pool"})  # a record attribute is no topic
    logger.info(f"cache{TOPIC_DELIM}disk is full")
    logger.info("cache::%s", "args after the delimiter")
    logger.info("type %s", "std::vector")  # only the message, not its arguments, carries one
    logger.info(["a::b"])  # str() of a non-str message
    assert sub.recv_multipart() == [b"app.INFO", b"pool low\n"]
    assert sub.recv_multipart() == [b"app.INFO.cache", b"disk is full\n"]
    assert sub.recv_multipart() == [b"app.INFO.cache", b"args after the delimiter\n"]
    assert sub.recv_multipart() == [b"app.INFO", b"type std::vector\n"]
    assert sub.recv_multipart() == [b"app.INFO.['a", b"b']\n"]


def test_exception_text_is_published(published) -> None:
    logger, handler, sub = published
    try:
        raise ValueError("bad value")
    except ValueError:
        logger.exception("it failed")
    topic, text = sub.recv_multipart()
    assert topic == b"app.ERROR"
    assert b"it failed" in text and b"Traceback" in text and b"ValueError: bad value" in text


def test_subscribers_filter_by_topic_prefix(ctx) -> None:
    handler = PUBHandler("tcp://127.0.0.1:*", context=ctx, root_topic="app")
    logger = attach(fresh_logger(), handler)
    errors = subscriber(ctx, handler, b"app.CRITICAL")
    warm_up(lambda: logger.critical("warm-up"), errors)
    logger.info("not for this subscriber")
    logger.critical("disk::for it")
    line = sys._getframe().f_lineno - 1
    assert errors.recv_multipart() == [b"app.CRITICAL.disk", f"CRITICAL {HERE}:{line} - for it\n".encode()]
    assert errors.poll(100) == 0


def test_handler_on_a_given_socket_is_left_open(ctx) -> None:
    pub = make(ctx, zmq.PUB)
    port = pub.bind_to_random_port("tcp://127.0.0.1")
    handler = PUBHandler(pub)
    assert handler.socket is pub and handler.ctx is ctx
    logger = attach(fresh_logger(), handler)
    sub = make(ctx, zmq.SUB)
    sub.subscribe(b"")
    sub.connect(f"tcp://127.0.0.1:{port}")
    warm_up(lambda: logger.info("warm-up"), sub)
    logger.info("on my socket")
    assert sub.recv_multipart() == [b"INFO", b"on my socket\n"]
    handler.close()
    assert not pub.closed and not ctx.closed


def test_handler_made_from_an_address_closes_its_socket_and_context() -> None:
    """pyzmq's close() leaves the socket (and context) it made open; ours frees them."""
    handler = PUBHandler("tcp://127.0.0.1:*")
    assert handler.socket.type == zmq.PUB
    assert handler.ctx is not zmq.Context.instance()  # a context of its own, as in pyzmq
    handler.close()
    assert handler.socket.closed and handler.ctx.closed


def test_handler_made_from_an_address_in_a_given_context(ctx) -> None:
    handler = PUBHandler("tcp://127.0.0.1:*", context=ctx)
    assert handler.ctx is ctx
    handler.close()
    assert handler.socket.closed and not ctx.closed  # the caller's context stays


def test_bad_address_raises_without_leaking(ctx) -> None:
    with pytest.raises(zmq.ZMQError):
        PUBHandler("no-such-transport://x", context=ctx)
    ctx.term()  # would hang if the handler had left its socket open
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(zmq.ZMQError):
            PUBHandler("no-such-transport://x")  # its own context is terminated too
        with pytest.raises(TypeError):
            PUBHandler(5)  # type: ignore[arg-type]
        gc.collect()
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []


def test_logging_never_blocks_without_subscribers_or_at_hwm(ctx) -> None:
    handler = PUBHandler("tcp://127.0.0.1:*", context=ctx)
    handler.socket.sndhwm = 1
    logger = attach(fresh_logger(), handler)
    slow = make(ctx, zmq.SUB, rcvhwm=1)
    slow.subscribe(b"")
    slow.connect(handler.socket.last_endpoint.decode())  # connected, never reading
    start = time.monotonic()
    for i in range(20_000):
        logger.info("record %d", i)
    assert time.monotonic() - start < 10


def test_logging_on_a_non_pub_socket_drops_instead_of_blocking(ctx) -> None:
    push = make(ctx, zmq.PUSH, sndhwm=1, sndtimeo=-1)
    push.bind("tcp://127.0.0.1:*")
    handler = PUBHandler(push)
    logger = attach(fresh_logger(), handler)
    start = time.monotonic()
    for i in range(200):  # no peer at all: a blocking send would wait for ever
        logger.info("dropped %d", i)
    assert time.monotonic() - start < 2

    pull = make(ctx, zmq.PULL, rcvhwm=1)
    pull.connect(push.last_endpoint.decode())
    deadline = time.monotonic() + JOIN
    while not pull.poll(20):  # once connected, records get through again
        assert time.monotonic() < deadline
        logger.info("delivered")
    assert pull.recv_multipart() == [b"INFO", b"delivered\n"]
    for i in range(1000):  # the puller does not read: the queues fill, the rest is dropped
        logger.info("burst %d", i)
    received = 0
    while pull.poll(100):
        pull.recv_multipart()
        received += 1
    assert 0 < received < 1000


def test_send_errors_go_to_handle_error(ctx, monkeypatch) -> None:
    """pyzmq lets a send error (closed socket) escape from the logging call; ours goes to
    handleError, as logging handlers do."""
    handler = PUBHandler("tcp://127.0.0.1:*", context=ctx)
    logger = attach(fresh_logger(), handler)
    failures: list[logging.LogRecord] = []
    monkeypatch.setattr(handler, "handleError", failures.append)
    handler.socket.close()
    logger.error("after close")  # does not raise
    assert [r.getMessage() for r in failures] == ["after close"]


# -- TopicLogger ----------------------------------------------------------------------


def test_topic_logger_level_methods_publish(published) -> None:
    """pyzmq's level methods raise TypeError; ours take (topic, msg, *args) like log()."""
    _, handler, sub = published
    logger = attach(fresh_topic_logger(), handler)
    assert isinstance(logger, TopicLogger)
    line = sys._getframe().f_lineno + 1
    logger.debug("net", "dbg %s", "x")
    logger.info("net.tcp", "connected to %s:%d", "host", 80)
    logger.warning("disk", "low")
    logger.error("disk", "full")
    logger.critical("core", "down")
    logger.fatal("core", "fatal alias")
    logger.log(logging.INFO, "svc", "by number")
    assert [sub.recv_multipart() for _ in range(7)] == [
        [b"app.DEBUG.net", f"DEBUG {HERE}:{line} - dbg x\n".encode()],
        [b"app.INFO.net.tcp", b"connected to host:80\n"],
        [b"app.WARNING.disk", f"WARNING {HERE}:{line + 2} - low\n".encode()],
        [b"app.ERROR.disk", f"ERROR {HERE}:{line + 3} - full\n".encode()],
        [b"app.CRITICAL.core", f"CRITICAL {HERE}:{line + 4} - down\n".encode()],
        [b"app.CRITICAL.core", f"CRITICAL {HERE}:{line + 5} - fatal alias\n".encode()],
        [b"app.INFO.svc", b"by number\n"],
    ]


def test_topic_logger_records_point_at_the_caller() -> None:
    """pyzmq's TopicLogger records name its own module as their origin; ours the caller."""
    logger = attach(fresh_topic_logger(), Recorder())
    logger.log(logging.WARNING, "t", "m")
    logger.info("t", "m")
    records = logger.handlers[0].records  # type: ignore[attr-defined]
    line = sys._getframe().f_lineno - 3
    assert [(r.filename, r.lineno, r.funcName) for r in records] == [
        (HERE, line, "test_topic_logger_records_point_at_the_caller"),
        (HERE, line + 1, "test_topic_logger_records_point_at_the_caller"),
    ]


def test_topic_logger_prefixes_the_message_with_the_topic() -> None:
    """As in pyzmq, other handlers see ``topic::msg`` (args applied as usual)."""
    recorder = Recorder()
    logger = attach(fresh_topic_logger(), recorder)
    logger.log(logging.INFO, "db", "pool %s", "low")
    logger.log(logging.INFO, "db", 5)
    logger.info("t", "m", extra={"user": "ann"})
    assert [(r.msg, r.getMessage()) for r in recorder.records] == [
        ("db::pool %s", "db::pool low"), ("db::5", "db::5"), ("t::m", "t::m")]
    assert recorder.records[-1].user == "ann"  # type: ignore[attr-defined]


def test_topic_logger_exception_warn_and_levels(published) -> None:
    _, handler, sub = published
    logger = attach(fresh_topic_logger(), handler)
    try:
        1 / 0
    except ZeroDivisionError:
        logger.exception("math", "division")
    topic, text = sub.recv_multipart()
    assert topic == b"app.ERROR.math"
    assert text.startswith(f"ERROR {HERE}:".encode()) and b"ZeroDivisionError" in text

    with pytest.warns(DeprecationWarning):
        logger.warn("old", "spelling")
    topic, text = sub.recv_multipart()
    assert topic == b"app.WARNING.old" and text.endswith(b" - spelling\n")

    quiet = attach(fresh_topic_logger(), handler)
    quiet.setLevel(logging.WARNING)
    quiet.info("quiet", "filtered by level")
    quiet.log(logging.ERROR, "loud", "kept")
    assert sub.recv_multipart()[0] == b"app.ERROR.loud"
    assert sub.poll(100) == 0

    with pytest.raises(TypeError, match="level must be an integer"):
        logger.log("INFO", "t", "m")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        logger.log(None, "t", "m")  # type: ignore[arg-type]


def test_topic_logger_through_the_logging_manager(published) -> None:
    _, handler, sub = published
    previous = logging.getLoggerClass()
    logging.setLoggerClass(TopicLogger)
    try:
        name = f"cyzmq-test-managed-{uuid.uuid4().hex[:8]}"
        logger = logging.getLogger(name)
    finally:
        logging.setLoggerClass(previous)
    try:
        assert isinstance(logger, TopicLogger)
        attach(logger, handler)
        logger.info("managed", "via getLogger")
        assert sub.recv_multipart() == [b"app.INFO.managed", b"via getLogger\n"]
    finally:
        logger.handlers.clear()
        logging.Logger.manager.loggerDict.pop(name, None)


# -- python -m zmq.log ----------------------------------------------------------------


def test_format_record() -> None:
    assert format_record(b"app.WARNING.db", b"  text\n\n") == ("app.WARNING.db | text", "db")
    assert format_record(b"x", b"y", separator="::") == ("x::y", "x")
    widths: list[int] = []
    assert format_record(b"a.b", b"1", widths=widths)[0] == "a.b | 1"
    assert format_record(b"aaaa.b", b"2", widths=widths)[0] == "aaaa.b | 2"
    assert format_record(b"a", b"3", widths=widths)[0] == "a   .  | 3"
    assert widths == [4, 1]
    assert format_record(b"\xff", b"\xfe")[0] == "\ufffd | \ufffd"


def watch(*options: str, records: list[list[bytes]], sig: int = signal.SIGINT,
          env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run ``python -m zmq.log OPTIONS URL`` against an XPUB (whose subscription message says
    the watcher is connected), publish ``records``, stop it with ``sig`` once it has printed
    them; (status, stdout).

    A last record (on the watcher's subscribed topic) marks the end: the watcher is stopped
    when it has printed that line, which is left out of the stdout returned.
    """
    end_mark = "cyzmq-test-end-of-records"
    lines: list[str] = []
    printed_all = threading.Event()

    def read_stdout() -> None:
        for line in proc.stdout:
            if end_mark in line:
                printed_all.set()
            else:
                lines.append(line)

    with zmq.Context() as ctx:
        pub = make(ctx, zmq.XPUB)
        port = pub.bind_to_random_port("tcp://127.0.0.1")
        cmd = [sys.executable, "-m", "zmq.log", *options, f"tcp://127.0.0.1:{port}"]
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
        reader = threading.Thread(target=read_stdout, daemon=True)
        reader.start()
        try:
            assert pub.poll(20_000), "python -m zmq.log did not subscribe"
            topic = pub.recv()[1:]  # (a subscription message: b"\x01" + topic)
            for record in [*records, [topic, end_mark.encode()]]:
                pub.send_multipart(record)
            assert printed_all.wait(20), "python -m zmq.log did not print the records"
            proc.send_signal(sig)
            proc.wait(timeout=JOIN)
            reader.join(JOIN)
            out = "".join(lines)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=JOIN)
            reader.join(JOIN)
            proc.stdout.close()
            pub.close()
    return proc.returncode, out


def test_cli_prints_topic_separator_and_stripped_text() -> None:
    status, out = watch(records=[[b"app.INFO", b"hello\n"], [b"app.WARNING.db", b"  WARNING x - y \n"]])
    assert status == 0  # Ctrl-C ends it quietly
    assert out == "app.INFO | hello\napp.WARNING.db | WARNING x - y\n"


def test_cli_options_topic_separator_align_timestamp() -> None:
    status, out = watch("-t", "app.W", "--separator", ": ", "--align", "--timestamp", "--dateformat", "<%Y>",
                        records=[[b"app.INFO", b"no"], [b"app.WARNING", b"1"], [b"app.W.x", b"2"]])
    year = time.strftime("%Y")
    assert out == f"<{year}> app.WARNING: 1\n<{year}> app.W      .x: 2\n"


def test_cli_survives_odd_frames_and_bad_utf8() -> None:
    """pyzmq's watcher dies on a one-frame message or undecodable text; ours prints them."""
    status, out = watch(records=[[b"one"], [b"E", b"\xff"], [b"INFO", b"a", b"b"], [b"INFO", b"after"]])
    assert status == 0
    assert out == "one | \nE | \ufffd\nINFO | ab\nINFO | after\n"


def test_cli_sigterm_and_usage_errors() -> None:
    status, _ = watch(records=[], sig=signal.SIGTERM)
    assert status == -signal.SIGTERM
    proc = subprocess.run([sys.executable, "-m", "zmq.log"], cwd=ROOT, capture_output=True, text=True, timeout=20)
    assert proc.returncode == 2 and "the following arguments are required: zmq_pub_url" in proc.stderr
    assert proc.stderr.startswith("usage: ZMQ Log Watcher")


def test_cli_color_uses_colorama_by_level(tmp_path) -> None:
    """--color wraps each line in the colorama colour of the topic's last part (as pyzmq's
    watcher does) and resets the colour at Ctrl-C; a stand-in colorama shows the codes."""
    (tmp_path / "colorama.py").write_text(
        "class Fore:\n"
        "    LIGHTCYAN_EX, LIGHTWHITE_EX, YELLOW, LIGHTRED_EX, RESET = '<c>', '<w>', '<y>', '<r>', '<0>'\n"
        "def init():\n"
        "    pass\n"
    )
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    status, out = watch("--color", records=[[b"a.DEBUG", b"d"], [b"a.WARNING", b"w"], [b"ERROR.x", b"e"],
                                            [b"CRITICAL", b"c"]], env=env)
    assert status == 0
    assert out == "<c>a.DEBUG | d<0>\n<y>a.WARNING | w<0>\nERROR.x | e<0>\n<r>CRITICAL | c<0>\n<0>\n"
