"""zmq.log: PUBHandler publishing over tcp 127.0.0.1 to real SUB sockets, TopicLogger,
and ``python -m zmq.log`` in a subprocess.

Every socket is closed after its test, every handler is removed and closed, and every
subprocess is waited for with a timeout (killed if it outlives it).
"""
from __future__ import annotations

import io
import logging
import re
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Callable, Iterator, TypeVar

import pytest
from _helpers import close_made_sockets, ctx, make  # noqa: F401  (fixtures)

import zmq
from zmq.log.__main__ import format_record, main
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
    logger, handler, sub = published
    line = sys._getframe().f_lineno + 1
    logger.debug("dbg %d", 1)
    logger.info("info %s", "two")
    logger.warning("warn")
    logger.error("err")
    logger.critical("crit")
    got = [sub.recv_multipart() for _ in range(5)]
    assert got == [
        [b"app.DEBUG", f"{HERE}:{line} - dbg 1".encode()],
        [b"app.INFO", b"info two"],
        [b"app.WARNING", b"warn"],
        [b"app.ERROR", f"{HERE}:{line + 3} - err".encode()],
        [b"app.CRITICAL", f"{HERE}:{line + 4} - crit".encode()],
    ]


def test_root_topic_property_and_setter(published) -> None:
    logger, handler, sub = published
    assert handler.root_topic == "app"
    handler.root_topic = "svc.api"
    logger.info("a")
    assert sub.recv_multipart() == [b"svc.api.INFO", b"a"]
    handler.setRootTopic(b"raw")
    assert handler.root_topic == "raw"
    logger.warning("b")
    assert sub.recv_multipart() == [b"raw.WARNING", b"b"]
    handler.root_topic = ""
    logger.info("c")
    assert sub.recv_multipart() == [b"INFO", b"c"]


def test_per_level_and_global_formatters(published) -> None:
    logger, handler, sub = published
    handler.setFormatter(logging.Formatter("E! %(name)s %(message)s"), logging.ERROR)
    logger.error("boom")
    logger.info("plain")
    assert sub.recv_multipart() == [b"app.ERROR", f"E! {logger.name} boom".encode()]
    assert sub.recv_multipart() == [b"app.INFO", b"plain"]

    handler.setFormatter("[%(levelname)s] %(message)s")  # every level, a str is accepted
    logger.debug("d")
    logger.error("e")
    logger.log(25, "custom level")  # no formatter of its own: formatted like INFO's
    assert sub.recv_multipart() == [b"app.DEBUG", b"[DEBUG] d"]
    assert sub.recv_multipart() == [b"app.ERROR", b"[ERROR] e"]
    assert sub.recv_multipart() == [b"app.Level 25", b"[Level 25] custom level"]

    handler.setFormatter(None)  # back to the defaults
    logger.warning("w")
    assert sub.recv_multipart() == [b"app.WARNING", b"w"]


def test_subtopics_from_extra_and_from_the_message(published) -> None:
    logger, handler, sub = published
    logger.info("pool %s", "low", extra={"topic": "db.pool"})
    logger.warning(f"cache{TOPIC_DELIM}disk is full")
    logger.warning("cache::%s", "args after the delimiter")
    logger.warning("type %s", "std::vector")  # only the format string can carry a topic
    assert sub.recv_multipart() == [b"app.INFO.db.pool", b"pool low"]
    assert sub.recv_multipart() == [b"app.WARNING.cache", b"disk is full"]
    assert sub.recv_multipart() == [b"app.WARNING.cache", b"args after the delimiter"]
    assert sub.recv_multipart() == [b"app.WARNING", b"type std::vector"]


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
    errors = subscriber(ctx, handler, b"app.ERROR")
    warm_up(lambda: logger.error("warm-up"), errors)
    logger.info("not for this subscriber")
    logger.error("for it", extra={"topic": "disk"})
    assert errors.recv_multipart() == [b"app.ERROR.disk", b"%s:%d - for it" % (HERE.encode(), sys._getframe().f_lineno - 1)]
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
    assert sub.recv_multipart() == [b"INFO", b"on my socket"]
    handler.close()
    assert not pub.closed


def test_handler_made_from_an_address_closes_its_socket(ctx) -> None:
    handler = PUBHandler("tcp://127.0.0.1:*", context=ctx)
    assert handler.socket.socket_type == zmq.PUB and handler.ctx is ctx
    handler.close()
    assert handler.socket.closed


def test_handler_without_context_uses_the_instance() -> None:
    handler = PUBHandler("inproc://cyzmq-log-instance")
    _handlers.append(handler)
    assert handler.ctx is zmq.Context.instance()


def test_bad_address_raises_without_leaking_a_socket(ctx) -> None:
    with pytest.raises(zmq.ZMQError):
        PUBHandler("no-such-transport://x", context=ctx)
    ctx.term()  # would hang if the handler had left its socket open


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
    assert pull.recv_multipart() == [b"INFO", b"delivered"]
    for i in range(1000):  # the puller does not read: the queues fill, the rest is dropped
        logger.info("burst %d", i)
    received = 0
    while pull.poll(100):
        pull.recv_multipart()
        received += 1
    assert 0 < received < 1000


def test_send_errors_go_to_handle_error(ctx, monkeypatch) -> None:
    handler = PUBHandler("tcp://127.0.0.1:*", context=ctx)
    logger = attach(fresh_logger(), handler)
    failures: list[logging.LogRecord] = []
    monkeypatch.setattr(handler, "handleError", failures.append)
    handler.socket.close()
    logger.error("after close")
    assert [r.getMessage() for r in failures] == ["after close"]


# -- TopicLogger ----------------------------------------------------------------------


def test_topic_logger_routes_topics(published) -> None:
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
    logger.log("warning", "svc", "by name")
    assert [sub.recv_multipart() for _ in range(8)] == [
        [b"app.DEBUG.net", f"{HERE}:{line} - dbg x".encode()],
        [b"app.INFO.net.tcp", b"connected to host:80"],
        [b"app.WARNING.disk", b"low"],
        [b"app.ERROR.disk", f"{HERE}:{line + 3} - full".encode()],
        [b"app.CRITICAL.core", f"{HERE}:{line + 4} - down".encode()],
        [b"app.CRITICAL.core", f"{HERE}:{line + 5} - fatal alias".encode()],
        [b"app.INFO.svc", b"by number"],
        [b"app.WARNING.svc", b"by name"],
    ]


def test_topic_logger_exception_warn_extra_and_levels(published) -> None:
    _, handler, sub = published
    logger = attach(fresh_topic_logger(), handler)
    try:
        1 / 0
    except ZeroDivisionError:
        logger.exception("math", "division")
    topic, text = sub.recv_multipart()
    assert topic == b"app.ERROR.math"
    assert text.startswith(f"{HERE}:".encode()) and b"ZeroDivisionError" in text

    with pytest.warns(DeprecationWarning):
        logger.warn("old", "spelling")
    assert sub.recv_multipart() == [b"app.WARNING.old", b"spelling"]

    probe = Recorder()
    seen = probe.records
    logger.addHandler(probe)
    logger.info("t", "m", extra={"user": "ann"})
    assert sub.recv_multipart() == [b"app.INFO.t", b"m"]
    assert seen[-1].topic == "t" and seen[-1].user == "ann"  # type: ignore[attr-defined]
    logger.removeHandler(probe)

    quiet = attach(fresh_topic_logger(), handler)
    quiet.setLevel(logging.WARNING)
    quiet.info("quiet", "filtered by level")
    quiet.warning("loud", "kept")
    assert sub.recv_multipart() == [b"app.WARNING.loud", b"kept"]
    assert sub.poll(100) == 0

    with pytest.raises(TypeError):
        logger.log("no-such-level", "t", "m")
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
        assert sub.recv_multipart() == [b"app.INFO.managed", b"via getLogger"]
    finally:
        logger.handlers.clear()
        logging.Logger.manager.loggerDict.pop(name, None)


# -- python -m zmq.log ----------------------------------------------------------------


def test_format_record() -> None:
    when = time.mktime((2024, 1, 2, 3, 4, 5, 0, 0, -1))
    assert format_record(b"app.WARNING.db", b"text\n", when) == "03:04:05 WARNING  app.WARNING.db: text"
    assert format_record(b"nolevel", b"x", when) == "03:04:05 ?        nolevel: x"


LINE = re.compile(r"^\d\d:\d\d:\d\d (INFO|WARNING) +app\.(INFO|WARNING)\.cli: record \d+$")


def run_cli(handler: PUBHandler, logger: logging.Logger, *options: str) -> list[str]:
    """Run ``python -m zmq.log OPTIONS ADDRESS`` (it exits after ``--count`` records)
    while ``logger`` keeps logging; return its output lines."""
    cmd = [sys.executable, "-m", "zmq.log", *options, "--timeout", "20", handler.socket.last_endpoint.decode()]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        i = 0
        while proc.poll() is None:
            assert time.monotonic() < deadline, "python -m zmq.log did not exit"
            level = logging.WARNING if i % 2 else logging.INFO
            logger.log(level, "cli::record %d", i)
            i += 1
            time.sleep(0.02)
        out, err = proc.communicate(timeout=JOIN)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate(timeout=JOIN)
    assert proc.returncode == 0, err
    return out.splitlines()


def test_cli_prints_records_with_levels_and_topics(published) -> None:
    logger, handler, _ = published
    lines = run_cli(handler, logger, "--count", "4")
    assert len(lines) == 4
    assert all(LINE.match(line) for line in lines), lines
    assert {LINE.match(line).group(1) for line in lines} == {"INFO", "WARNING"}  # type: ignore[union-attr]
    for line in lines:
        m = LINE.match(line)
        assert m is not None and m.group(1) == m.group(2)


def test_cli_topic_option_filters(published) -> None:
    logger, handler, _ = published
    lines = run_cli(handler, logger, "--count", "2", "--topic", "app.WARNING")
    assert len(lines) == 2
    assert all(LINE.match(line) and " WARNING " in line for line in lines), lines


def test_cli_main_times_out_with_status_1(ctx, capsys) -> None:
    pub = make(ctx, zmq.PUB)
    pub.bind("tcp://127.0.0.1:*")
    out = io.StringIO()
    assert main(["--timeout", "0.1", "--topic", "x", pub.last_endpoint.decode()], out=out) == 1
    assert out.getvalue() == ""
    assert "no record" in capsys.readouterr().err


def test_cli_main_in_process_with_bind(ctx, tmp_path) -> None:
    """main() binding its SUB (``--bind``, over ipc), a PUBHandler's socket connecting to it."""
    endpoint = f"ipc://{tmp_path}/log.sock"
    pub = make(ctx, zmq.PUB)
    handler = PUBHandler(pub, root_topic="app")
    logger = attach(fresh_logger(), handler)
    pub.connect(endpoint)
    out = io.StringIO()
    result: list[int] = []
    runner = threading.Thread(
        target=lambda: result.append(main(["--bind", "-n", "1", "--timeout", "5", endpoint], out=out)),
        daemon=True,
    )
    runner.start()
    try:
        deadline = time.monotonic() + JOIN
        while runner.is_alive() and time.monotonic() < deadline:
            logger.warning("cli::record 1")
            runner.join(0.02)
    finally:
        runner.join(JOIN + 1)  # main() gives up by itself after 5 s without a record
    assert not runner.is_alive()
    assert result == [0]
    assert LINE.match(out.getvalue().strip()), out.getvalue()
