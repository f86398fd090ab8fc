"""Build the ``pyzmq`` companion wheel: a distribution named ``pyzmq`` that holds no files.

Libraries such as jupyter_client and ipykernel declare ``Requires-Dist: pyzmq``. cyzmq
requires this companion (``pyzmq==<API level>+cyzmq.<cyzmq version>``, see ``setup.py``),
so installing cyzmq also installs a ``pyzmq`` that pip and uv take as that requirement met:
they do not fetch the real pyzmq wheel, whose files would land in the ``zmq/`` directory
cyzmq owns (unless asked for a pyzmq newer than the companion: docs/install.md).

Why cyzmq requires the companion and not the other way round: pip installs a requirement
before whatever depends on it, so the companion (which replaces an installed pyzmq, whose
uninstall deletes every file of its ``zmq/``) always goes in before cyzmq writes its files.

Its version is ``<pyzmq API level>+cyzmq.<cyzmq version>`` (``27.3.0+cyzmq.0.1.0``): the
public part is the pyzmq release whose API cyzmq implements, so ``pyzmq>=25`` and
``pyzmq==27.3.0`` are met; PEP 440 sorts a local version above its public one.

Usage: ``python packaging/companion.py [OUTDIR]`` (default ``dist``) prints the wheel path.
The wheel is written with the standard library only, byte-for-byte reproducibly.
"""
from __future__ import annotations

import base64
import hashlib
import os
import re
import sys
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
#: Every zip entry gets this timestamp, so rebuilding gives an identical file.
_EPOCH = (1980, 1, 1, 0, 0, 0)


def _read(relpath: str) -> str:
    with open(os.path.join(ROOT, relpath), encoding="utf-8") as f:
        return f.read()


def _assigned(name: str, text: str) -> str | None:
    """The string literal assigned to *name* at module level (``A = B = "x"`` too)."""
    m = re.search(rf'^(?:\w+\s*=\s*)*{name}\s*=\s*(?:\w+\s*=\s*)*"([^"]+)"', text, re.MULTILINE)
    return m.group(1) if m else None


def versions() -> tuple[str, str]:
    """The pyzmq API level cyzmq implements and cyzmq's own version.

    Returns
    -------
    (api_level, cyzmq_version): tuple of str
        ``PYZMQ_API_VERSION`` (or else ``__version__``) of ``zmq/sugar/version.py``, and
        ``[project] version`` of ``pyproject.toml``; read without importing ``zmq``.
    """
    text = _read("zmq/sugar/version.py")
    api = _assigned("PYZMQ_API_VERSION", text) or _assigned("__version__", text)
    project = _read("pyproject.toml").split("\n[project]\n", 1)[-1].split("\n[", 1)[0]
    own = _assigned("version", project)
    if not api or not own:
        raise SystemExit("packaging/companion.py: cannot read the versions from zmq/sugar/version.py and pyproject.toml")
    return api, own


def companion_version() -> str:
    """The companion's PEP 440 version, e.g. ``"27.3.0+cyzmq.0.1.0"``."""
    api, own = versions()
    return f"{api}+cyzmq.{own}"


def requirement() -> str:
    """cyzmq's requirement on its companion, e.g. ``"pyzmq==27.3.0+cyzmq.0.1.0"``."""
    return f"pyzmq=={companion_version()}"


def write_wheel(outdir: str, name: str, version: str, metadata: str = "",
                files: dict[str, bytes] | None = None) -> str:
    """Write a pure-Python wheel and return its path.

    Parameters
    ----------
    outdir : str
        Directory for the wheel (created if missing).
    name, version : str
        Distribution name (already normalised, e.g. ``pyzmq``) and PEP 440 version.
    metadata : str
        Extra ``METADATA`` lines after Name and Version (``Requires-Dist: ...``), and the
        description after a blank line.
    files : dict of str to bytes, optional
        Files to install, by path relative to site-packages.

    Returns
    -------
    str
        The path of ``<name>-<version>-py3-none-any.whl``.
    """
    distinfo = f"{name}-{version}.dist-info"
    entries = list((files or {}).items())
    entries.append((f"{distinfo}/METADATA",
                    f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n{metadata}".encode()))
    entries.append((f"{distinfo}/WHEEL",
                    b"Wheel-Version: 1.0\nGenerator: cyzmq packaging/companion.py\n"
                    b"Root-Is-Purelib: true\nTag: py3-none-any\n"))
    record = ""
    for path, data in entries:
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record += f"{path},sha256={digest},{len(data)}\n"
    entries.append((f"{distinfo}/RECORD", (record + f"{distinfo}/RECORD,,\n").encode()))

    os.makedirs(outdir, exist_ok=True)
    path = os.path.join(outdir, f"{name}-{version}-py3-none-any.whl")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for entry, data in entries:
            info = zipfile.ZipInfo(entry, _EPOCH)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return path


def build(outdir: str) -> str:
    """Write the companion wheel into *outdir* and return its path.

    Parameters
    ----------
    outdir : str
        Directory for the wheel (created if missing).

    Returns
    -------
    str
        The path of ``pyzmq-<API level>+cyzmq.<version>-py3-none-any.whl``.
    """
    api, own = versions()
    metadata = (
        f"Summary: Stand-in for pyzmq {api}, installed with cyzmq {own}, whose zmq module it is (no files)\n"
        "License: BSD-3-Clause\n"
        "Requires-Python: >=3.9\n"
        "\n"
        f"cyzmq {own} requires this distribution, so that packages requiring `pyzmq` accept\n"
        "cyzmq's `zmq` instead of installing pyzmq's files over it. To go back to pyzmq:\n"
        "`pip uninstall -y cyzmq pyzmq && pip install pyzmq`.\n"
    )
    return write_wheel(outdir, "pyzmq", f"{api}+cyzmq.{own}", metadata)


if __name__ == "__main__":
    if len(sys.argv) > 2 or (len(sys.argv) == 2 and sys.argv[1].startswith("-")):
        sys.exit("usage: python packaging/companion.py [OUTDIR]  (default: dist)")
    print(build(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "dist")))
