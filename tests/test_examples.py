"""Run every program in examples/ and check that it ends by itself, successfully.

Each example runs in a subprocess of the interpreter running the tests, with a timeout,
from a scratch working directory. It must exit 0 and print its key line (the table below;
a new example needs an entry), without a ResourceWarning. Examples that need an optional
package print a "skipped" line when it is missing, which is reported as a skip.
"""
from __future__ import annotations

import glob
import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = sorted(glob.glob(os.path.join(ROOT, "examples", "*.py")))
TIMEOUT_S = 30

#: example file -> a regular expression its output must contain.
EXPECTED = {
    "reqrep.py": r"4\^2 = 16\nreqrep: done",
    "pubsub_topics.py": r"paris subscriber got: weather\.paris=21C, weather\.paris=22C\n",
    "pipeline.py": r"pipeline: total = 4495",
    "asyncio_server.py": r"asyncio_server: served 12 requests",
    "tornado_server.py": r"tornado_server: 5 echoes",
    "device.py": r"device: 12 replies",
    "logging_pub.py": r"myapp\.WARNING\.db\.pool +WARNING logging_pub\.py:\d+ - pool nearly exhausted \(95%\)",
    "ironhouse.py": r"client got b'welcome'\nintruder: no answer",
    "monitor.py": r"monitor: saw .*ACCEPTED.*DISCONNECTED",
    "zerocopy_numpy.py": r"tracker done: True; sum matches: True",
    "gevent_greenlets.py": r"gevent_greenlets: 9 replies",
}
SKIPPED = r"^\w+: skipped \(.+\)$"


def test_examples_are_found():
    assert EXAMPLES, "no examples found"
    missing = [os.path.basename(p) for p in EXAMPLES if os.path.basename(p) not in EXPECTED]
    assert not missing, f"add the key output line of {missing} to EXPECTED in {__file__}"


@pytest.mark.parametrize("path", EXAMPLES, ids=[os.path.basename(p) for p in EXAMPLES])
def test_example_runs(path, tmp_path):
    name = os.path.basename(path)
    env = dict(os.environ)
    # The examples must import this checkout's zmq, as the tests do.
    env["PYTHONPATH"] = os.pathsep.join(p for p in (ROOT, env.get("PYTHONPATH")) if p)
    try:
        proc = subprocess.run(
            # ResourceWarning is shown (it is ignored by default): an example must close
            # what it opens.
            [sys.executable, "-X", "faulthandler", "-W", "always::ResourceWarning", path],
            cwd=tmp_path, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
            timeout=TIMEOUT_S,
        )
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"{name} did not end within {TIMEOUT_S} s; output so far:\n{e.stdout}\n{e.stderr}")
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"{name} exited with {proc.returncode}:\n{output}"
    assert "ResourceWarning" not in proc.stderr, f"{name} leaves sockets or contexts open:\n{proc.stderr}"
    if re.search(SKIPPED, proc.stdout, re.M):
        pytest.skip(proc.stdout.strip().splitlines()[-1])
    expected = EXPECTED.get(name)
    assert expected is not None, f"no expected output for {name} in EXPECTED"
    assert re.search(expected, proc.stdout), f"{name}: {expected!r} not found in its output:\n{output}"
