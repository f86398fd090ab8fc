"""Find the system libzmq for the build, or explain clearly how to get it.

Search order: ``ZMQ_PREFIX`` (a directory with ``include/zmq.h`` and ``lib/``), then
``pkg-config libzmq``, then the compiler's default paths. Nothing is ever downloaded.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field

MIN_VERSION = (4, 3)

MISSING = """
cyzmq needs libzmq >= {need} and its C header (zmq.h) to build, and {problem}.
Install the development package for libzmq, then build again:
    Debian/Ubuntu:  sudo apt-get install libzmq3-dev pkg-config
    Fedora/RHEL:    sudo dnf install zeromq-devel
    macOS Homebrew: brew install zeromq pkg-config
    conda:          conda install -c conda-forge zeromq
If libzmq is installed somewhere unusual, point ZMQ_PREFIX at the directory that holds
include/zmq.h and lib/libzmq.so (e.g. ZMQ_PREFIX=/opt/zeromq), or make
`pkg-config --cflags libzmq` find it through PKG_CONFIG_PATH.
"""


@dataclass
class LibzmqConfig:
    """Compiler and linker settings for building against one libzmq."""

    include_dirs: list[str] = field(default_factory=list)
    library_dirs: list[str] = field(default_factory=list)
    runtime_library_dirs: list[str] = field(default_factory=list)
    libraries: list[str] = field(default_factory=lambda: ["zmq"])
    define_macros: list[tuple[str, str | None]] = field(default_factory=list)
    version: tuple[int, int, int] = (0, 0, 0)
    found_by: str = ""


class LibzmqNotFound(SystemExit):
    """Raised (as a SystemExit, so setuptools prints just the message) when libzmq is unusable."""


def _fail(problem: str) -> LibzmqNotFound:
    need = ".".join(map(str, MIN_VERSION))
    return LibzmqNotFound(MISSING.format(need=need, problem=problem))


def header_version(include_dirs: list[str]) -> tuple[int, int, int] | None:
    """Read ZMQ_VERSION_{MAJOR,MINOR,PATCH} from the first zmq.h found in ``include_dirs``."""
    for d in include_dirs + ["/usr/include", "/usr/local/include"]:
        path = os.path.join(d, "zmq.h")
        if os.path.exists(path):
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
            parts = [
                re.search(rf"#define\s+ZMQ_VERSION_{p}\s+(\d+)", text) for p in ("MAJOR", "MINOR", "PATCH")
            ]
            if all(parts):
                return tuple(int(m.group(1)) for m in parts)  # type: ignore[return-value]
    return None


def _pkg_config() -> LibzmqConfig | None:
    exe = shutil.which("pkg-config")
    if not exe:
        return None
    try:
        cflags = subprocess.check_output([exe, "--cflags", "libzmq"], text=True, stderr=subprocess.DEVNULL)
        libs = subprocess.check_output([exe, "--libs", "libzmq"], text=True, stderr=subprocess.DEVNULL)
    except subprocess.CalledProcessError:
        return None
    cfg = LibzmqConfig(libraries=[], found_by="pkg-config")
    for tok in cflags.split():
        if tok.startswith("-I"):
            cfg.include_dirs.append(tok[2:])
        elif tok.startswith("-D"):
            name, _, value = tok[2:].partition("=")
            cfg.define_macros.append((name, value or None))
    for tok in libs.split():
        if tok.startswith("-L"):
            cfg.library_dirs.append(tok[2:])
        elif tok.startswith("-l"):
            cfg.libraries.append(tok[2:])
    if "zmq" not in cfg.libraries:
        cfg.libraries.append("zmq")
    return cfg


def _prefix(prefix: str) -> LibzmqConfig:
    lib = next((os.path.join(prefix, d) for d in ("lib64", "lib") if os.path.isdir(os.path.join(prefix, d))), None)
    if not os.path.exists(os.path.join(prefix, "include", "zmq.h")) or lib is None:
        raise _fail(f"ZMQ_PREFIX={prefix} has no include/zmq.h and lib/ directory")
    return LibzmqConfig(
        include_dirs=[os.path.join(prefix, "include")],
        library_dirs=[lib],
        runtime_library_dirs=[lib],
        found_by=f"ZMQ_PREFIX={prefix}",
    )


def find_libzmq() -> LibzmqConfig:
    """Return the settings to build against libzmq; raise :class:`LibzmqNotFound` if unusable."""
    prefix = os.environ.get("ZMQ_PREFIX")
    cfg = _prefix(prefix) if prefix else (_pkg_config() or LibzmqConfig(found_by="default compiler paths"))
    version = header_version(cfg.include_dirs)
    if version is None:
        raise _fail("zmq.h was not found (tried ZMQ_PREFIX, pkg-config and the default include paths)")
    if version[:2] < MIN_VERSION:
        raise _fail(f"the libzmq found ({'.'.join(map(str, version))}, via {cfg.found_by}) is too old")
    cfg.version = version
    if os.environ.get("ZMQ_DRAFT_API") == "1" and ("ZMQ_BUILD_DRAFT_API", None) not in cfg.define_macros:
        cfg.define_macros.append(("ZMQ_BUILD_DRAFT_API", None))
    return cfg


if __name__ == "__main__":
    try:
        c = find_libzmq()
    except LibzmqNotFound as e:
        print(e)
        raise SystemExit(1)
    print(f"libzmq {'.'.join(map(str, c.version))} found via {c.found_by}: {c}")
