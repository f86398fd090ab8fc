"""Command line tools: ``python -m zmq.curve_keygen`` and ``python -m zmq.log``
(stdout and exit status; random keys normalised, checked for consistency instead)."""
import os
import re
import signal
import subprocess
import sys
import time

import zmq
from _probe import probe, rec

SECRET = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"
_KEY = re.compile(r"(?<![^\s\"])[0-9a-zA-Z.\-:+=^!/*?&<>()\[\]{}@%$#]{40}(?![^\s\"])")


def _keygen(*args):
    proc = subprocess.run([sys.executable, "-m", "zmq.curve_keygen", *args], capture_output=True, text=True,
                          timeout=20, env=dict(os.environ, COLUMNS="80"))
    rec(proc.returncode, "status")
    keys = _KEY.findall(proc.stdout)
    rec(_KEY.sub("<KEY>", proc.stdout), "stdout")
    rec(bool(proc.stderr), "stderr")
    return keys, proc


@probe(timeout=20)
def probe_keygen_no_args():
    keys, _ = _keygen()
    rec(len(keys))
    if len(keys) == 2:
        rec(zmq.curve_public(keys[1].encode()).decode() == keys[0])


@probe(timeout=20)
def probe_keygen_json():
    import json

    keys, proc = _keygen("--json")
    data = json.loads(proc.stdout)
    rec(sorted(data))
    rec(zmq.curve_public(data["secret"].encode()).decode() == data["public"])


@probe(timeout=20)
def probe_keygen_secret():
    keys, proc = _keygen("--secret", SECRET)
    rec(keys == [zmq.curve_public(SECRET.encode()).decode(), SECRET])


@probe(timeout=20)
def probe_keygen_secret_json():
    import json

    keys, proc = _keygen("--secret", SECRET, "--json")
    rec(json.loads(proc.stdout) == {"public": zmq.curve_public(SECRET.encode()).decode(), "secret": SECRET})


@probe(timeout=20)
def probe_keygen_bad_secret():
    _keygen("--secret", "short")


@probe(timeout=20)
def probe_keygen_empty_secret():
    keys, _ = _keygen("--secret=")
    rec(len(keys))


@probe(timeout=20)
def probe_keygen_help():
    _, proc = _keygen("--help")


@probe(timeout=20)
def probe_keygen_positional_rejected():
    _, proc = _keygen("name")
    rec(proc.stderr.splitlines()[-1:])


@probe(timeout=20)
def probe_keygen_unknown_option():
    _, proc = _keygen("--bogus")
    rec(proc.stderr.splitlines()[-1:])


@probe
def probe_keygen_module_names():
    import zmq.curve_keygen as k

    rec(callable(getattr(k, "_main", None)))


# -- python -m zmq.log -------------------------------------------------------------------------


def _watch(messages, *opts, sig=signal.SIGINT, env=None):
    """Run the log watcher against an XPUB (which tells when it subscribed), publish
    ``messages``, stop it with ``sig``; record its status and stdout (digits masked when
    it prints timestamps: the two runs may fall in different minutes)."""
    ctx = zmq.Context()
    pub = ctx.socket(zmq.XPUB)
    pub.linger = 0
    port = pub.bind_to_random_port("tcp://127.0.0.1")
    proc = subprocess.Popen([sys.executable, "-m", "zmq.log", *opts, f"tcp://127.0.0.1:{port}"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        subscribed = pub.poll(10000)
        rec(bool(subscribed), "subscribed")
        early = b""
        if subscribed:
            rec(pub.recv(), "subscription")
            for m in messages:
                pub.send_multipart(m)
            # wait until every message is printed ("topic | text" each; a loaded machine may
            # take a while), at most 5 s
            import select

            deadline = time.monotonic() + 5
            while not (early.count(b" | ") >= len(messages) and early.endswith(b"\n")) and time.monotonic() < deadline:
                if select.select([proc.stdout], [], [], 0.1)[0]:
                    chunk = os.read(proc.stdout.fileno(), 65536)
                    if not chunk:
                        break
                    early += chunk
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=10)
        out = early + out
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
        pub.close()
        ctx.term()
    rec(proc.returncode, "status")
    text = out.decode("utf-8", "backslashreplace")
    rec(re.sub(r"\d", "9", text) if "--timestamp" in opts else text, "stdout")
    return out, err


RECORDS = [[b"INFO", b"hello\n"], [b"root.WARNING.sub", b"WARNING f.py:3 - careful\n"], [b"ERROR", b"bad"],
           [b"DEBUG", b"  spaced  \n\n"], [b"x.y.z.INFO", b"i"], [b"C", b"x\ny\n"], [b"D", b""]]


@probe(timeout=25)
def probe_log_watch_default():
    _watch(RECORDS)


@probe(timeout=25)
def probe_log_watch_sigterm():
    _watch(RECORDS[:1], sig=signal.SIGTERM)


@probe(timeout=25)
def probe_log_watch_separator():
    _watch(RECORDS[:3], "--separator", "::")


@probe(timeout=25)
def probe_log_watch_align():
    _watch([[b"a.b", b"1"], [b"aaaa.b", b"2"], [b"a.bbbbb.c", b"3"], [b"a", b"4"], [b"a.b.c.d", b"5"],
            [b"", b"6"], [b"INFO", b"7"]], "--align")


@probe(timeout=25)
def probe_log_watch_topic():
    _watch([[b"abc", b"1"], [b"ab", b"2"], [b"xabc", b"3"]], "-t", "ab")


@probe(timeout=25)
def probe_log_watch_topic_last_wins():
    _watch([[b"root.x", b"1"], [b"ERROR", b"2"]], "-t", "root", "--topic", "ERROR")


@probe(timeout=25)
def probe_log_watch_timestamp():
    import datetime

    out, _ = _watch([[b"a", b"1"]], "--timestamp", "--dateformat", "%Y|%d|%m")
    now = datetime.datetime.now()
    rec(out.decode().startswith(f"{now:%Y|%d|%m} a | 1"))


@probe(timeout=25)
def probe_log_watch_default_dateformat():
    out, _ = _watch([[b"a", b"1"]], "--timestamp")
    rec(re.sub(rb"\d", b"9", out))


@probe(timeout=25)
def probe_log_watch_color_without_colorama():
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    proc = subprocess.run([sys.executable, "-c", "import colorama"], capture_output=True, timeout=20)
    if proc.returncode == 0:
        rec("colorama installed")
        return
    proc = subprocess.run([sys.executable, "-m", "zmq.log", "--color", "tcp://127.0.0.1:9"],
                          capture_output=True, text=True, timeout=20)
    rec(proc.returncode)
    rec(proc.stdout)
    rec(proc.stderr.strip().splitlines()[-1:])


@probe(timeout=20)
def probe_log_watch_help():
    proc = subprocess.run([sys.executable, "-m", "zmq.log", "--help"], capture_output=True, text=True,
                          timeout=20, env=dict(os.environ, COLUMNS="80"))
    rec(proc.returncode)
    rec(proc.stdout)


@probe(timeout=20)
def probe_log_watch_no_args():
    proc = subprocess.run([sys.executable, "-m", "zmq.log"], capture_output=True, text=True, timeout=20,
                          env=dict(os.environ, COLUMNS="80"))
    rec(proc.returncode)
    rec(proc.stdout)
    rec(proc.stderr)


@probe(timeout=20)
def probe_log_watch_two_urls():
    proc = subprocess.run([sys.executable, "-m", "zmq.log", "tcp://127.0.0.1:9", "tcp://127.0.0.1:10"],
                          capture_output=True, text=True, timeout=20, env=dict(os.environ, COLUMNS="80"))
    rec(proc.returncode)
    rec(proc.stderr.splitlines()[-1:])


@probe(timeout=25)
def probe_log_watch_bad_frames():
    # pyzmq's watcher dies on a one-frame message or undecodable text: ours prints (allow-listed)
    _watch([[b"one"], [b"E", b"\xff\xfe"], [b"INFO", b"after"]])


@probe
def probe_log_main_module_names():
    import zmq.log.__main__ as m

    rec(callable(m.main))
