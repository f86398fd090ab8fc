"""Type stub of the module-level libzmq functions (zmq/backend/cython/_utils.pyx)."""

from collections.abc import Sequence
from typing import Protocol, TypeVar

from zmq.backend.cython.socket import Socket

class _SupportsFileno(Protocol):
    def fileno(self) -> int: ...

_Pollable = TypeVar("_Pollable", bound=Socket | int | _SupportsFileno)

DRAFT_API: bool
"""True when the linked libzmq exposes its draft API."""
IPC_PATH_MAX_LEN: int
"""The longest ipc:// path this platform can bind or connect to (107 on Linux)."""

def zmq_version_info() -> tuple[int, int, int]:
    """The version of the libzmq in use, as ``(major, minor, patch)``."""

def has(capability: str) -> bool:
    """Whether libzmq supports ``capability`` ("ipc", "pgm", "tipc", "norm", "curve", "gssapi", "draft")."""

def strerror(errno: int) -> str:
    """libzmq's description of an error number."""

def zmq_errno() -> int:
    """The errno of the last libzmq call in this thread."""

def curve_keypair() -> tuple[bytes, bytes]:
    """A new CURVE key pair as ``(public, secret)``, each 40 bytes of Z85 text."""

def curve_public(secret_key: str | bytes | bytearray) -> bytes:
    """The Z85 public key (40 bytes) that belongs to a Z85 ``secret_key``."""

def zmq_poll(
    sockets: Sequence[tuple[_Pollable, int]], timeout: float | None = -1
) -> list[tuple[_Pollable, int]]:
    """Wait up to ``timeout`` ms (negative/None: forever) and return the ready ``(item, revents)`` pairs."""

def proxy(frontend: Socket, backend: Socket, capture: Socket | None = None) -> int:
    """Forward messages between ``frontend`` and ``backend`` until the context is terminated."""

def proxy_steerable(
    frontend: Socket, backend: Socket, capture: Socket | None = None, control: Socket | None = None
) -> int:
    """Like :func:`proxy`, steered by PAUSE/RESUME/TERMINATE/STATISTICS messages on ``control``."""

def device(device_type: int, frontend: Socket, backend: Socket) -> int:
    """Old spelling of :func:`proxy` (``device_type`` is ignored)."""
