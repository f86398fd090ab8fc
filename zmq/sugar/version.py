"""Version information: the pyzmq API level cyzmq implements, cyzmq's own version, libzmq's.

``zmq.__version__`` and :func:`pyzmq_version` report the pyzmq release whose API cyzmq
implements, so that libraries gating on pyzmq versions see what they can use. cyzmq's own
release is :func:`cyzmq_version` (the version in ``pyproject.toml``).
"""
from __future__ import annotations

import functools

from zmq.backend import zmq_version_info

#: The pyzmq release whose public API cyzmq implements (client libraries gate on it).
PYZMQ_API_VERSION = "27.3.0"
__version__ = PYZMQ_API_VERSION
__revision__ = ""

VERSION_MAJOR, VERSION_MINOR, VERSION_PATCH = (int(p) for p in PYZMQ_API_VERSION.split(".")[:3])
#: A pre-release/development suffix of the API level ("" for a release), as pyzmq has.
VERSION_EXTRA = ""
version_info = (VERSION_MAJOR, VERSION_MINOR, VERSION_PATCH)


def pyzmq_version() -> str:
    """The pyzmq API level cyzmq implements, as a string (``"27.3.0"``, as ``zmq.__version__``)."""
    return __version__


def pyzmq_version_info() -> tuple[int, ...]:
    """The pyzmq API level as a tuple of ints, e.g. ``(27, 3, 0)``."""
    return version_info


@functools.lru_cache(maxsize=None)
def cyzmq_version() -> str:
    """cyzmq's own version, e.g. ``"0.1.0"`` (not the pyzmq API level it implements).

    It is the installed distribution's version, i.e. ``[project] version`` of
    pyproject.toml; ``"unknown"`` when cyzmq runs without being installed.
    """
    import importlib.metadata  # here, not at import: it costs more than all of `import zmq`

    try:
        return importlib.metadata.version("cyzmq")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def zmq_version() -> str:
    """The version of the libzmq in use, e.g. "4.3.4"."""
    return "{}.{}.{}".format(*zmq_version_info())


# (cyzmq_version is left out, so that `from zmq import *` imports the same names as with pyzmq.)
__all__ = ["zmq_version", "zmq_version_info", "pyzmq_version", "pyzmq_version_info", "__version__", "__revision__"]
