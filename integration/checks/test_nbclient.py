"""nbclient executing a notebook of 20 cells, the way ``jupyter execute`` / nbconvert run one."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import nbformat
from conftest import wait_gone
from nbclient import NotebookClient
from traitlets.config import Config

CELLS = [
    "import os, sys, time\nprint(os.getpid())",                          # 0: the kernel's pid
    "print('hello from the kernel')",
    "print('to stderr', file=sys.stderr)",
    "total = sum(range(101))\ntotal",                                      # 3: execute_result
    "from IPython.display import display, HTML, Markdown, JSON, Image",
    "display(HTML('<b>bold</b>'))",                                        # 5
    "display(Markdown('# Title'))",
    "display({'application/json': {'a': [1, 2]}, 'text/plain': 'json'}, raw=True)",
    "h = display(HTML('<i>v1</i>'), display_id='d1')",                     # 8
    "h.update(HTML('<i>v2</i>'))",
    "for i in range(3):\n    print(i)",                                    # 10
    "raise ValueError('boom')",                                            # 11: error, allowed
    "print('after the error', total)",
    "t0 = time.monotonic(); time.sleep(3); print(round(time.monotonic() - t0) >= 3)",  # 13: slow
    "import base64\npng = base64.b64decode("
    "'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==')\n"
    "display(Image(data=png, format='png'))",                             # 14
    "%%capture captured\nprint('hidden')",
    "captured.stdout",                                                     # 16
    "def square(v):\n    return v * v\n[square(v) for v in range(5)]",
    "'text' * 2",
    "print('done')",                                                       # 19
]


def text(out: dict) -> str:
    return out.get("text") or out.get("data", {}).get("text/plain", "")


def stream(outputs: list, name: str = "stdout") -> str:
    """A cell's text on one stream (the kernel may flush one print in several messages)."""
    return "".join(o["text"] for o in outputs if o["output_type"] == "stream" and o["name"] == name)


def test_notebook(tmp_path: Path, metric: Any) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in CELLS]
    config = Config()
    config.KernelManager.ip = "127.0.0.1"
    client = NotebookClient(nb, timeout=60, kernel_name="python3", allow_errors=True, config=config,
                            resources={"metadata": {"path": str(tmp_path)}})
    t0 = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - t0
    outs = [cell.outputs for cell in nb.cells]
    pid = int(stream(outs[0]))
    _, left = wait_gone([pid], 1.0)
    assert not left, "the kernel process still runs after the notebook"

    assert stream(outs[1]) == "hello from the kernel\n"
    assert stream(outs[2], "stderr") == "to stderr\n" and stream(outs[2]) == ""
    assert outs[3][0]["output_type"] == "execute_result" and text(outs[3][0]) == "5050"
    assert outs[5][0]["data"]["text/html"] == "<b>bold</b>"
    assert outs[6][0]["data"]["text/markdown"] == "# Title"
    assert outs[7][0]["data"]["application/json"] == {"a": [1, 2]}
    assert outs[8][0]["data"]["text/html"] == "<i>v2</i>"  # updated in place by cell 9
    assert outs[9] == []
    assert stream(outs[10]) == "0\n1\n2\n"
    assert outs[11][0]["output_type"] == "error" and outs[11][0]["ename"] == "ValueError"
    assert outs[11][0]["evalue"] == "boom"
    assert stream(outs[12]) == "after the error 5050\n"
    assert stream(outs[13]) == "True\n"
    assert "image/png" in outs[14][0]["data"]
    assert outs[15] == []
    assert text(outs[16][0]) == "'hidden\\n'"
    assert text(outs[17][0]) == "[0, 1, 4, 9, 16]"
    assert text(outs[18][0]) == "'texttext'"
    assert stream(outs[19]) == "done\n"
    assert [c.execution_count for c in nb.cells] == list(range(1, len(CELLS) + 1))
    assert elapsed >= 3
    metric("nbclient 20-cell notebook s", elapsed, "s", False)
