"""Version information: cyzmq's own, the pyzmq API level it implements, and libzmq's."""
from __future__ import annotations

from zmq.backend import zmq_version_info

__version__ = "0.1.0"
#: The pyzmq release whose public API cyzmq implements (client libraries gate on it).
PYZMQ_API_VERSION = "27.2.0"
__revision__ = ""

VERSION_MAJOR, VERSION_MINOR, VERSION_PATCH = (int(p) for p in __version__.split(".")[:3])
VERSION = VERSION_MAJOR * 10000 + VERSION_MINOR * 100 + VERSION_PATCH


def pyzmq_version() -> str:
    """The pyzmq API level cyzmq implements, as a string ("27.2.0")."""
    return PYZMQ_API_VERSION


def pyzmq_version_info() -> tuple[int, ...]:
    """The pyzmq API level as a tuple of ints, e.g. ``(27, 2, 0)``."""
    return tuple(int(p) for p in PYZMQ_API_VERSION.split("."))


def zmq_version() -> str:
    """The version of the libzmq in use, e.g. "4.3.4"."""
    return "{}.{}.{}".format(*zmq_version_info())


__all__ = ["__version__", "__revision__", "pyzmq_version", "pyzmq_version_info", "zmq_version", "zmq_version_info"]
