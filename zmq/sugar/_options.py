"""Lookup of socket/context options by attribute name (``s.linger`` -> SocketOption.LINGER)."""
from __future__ import annotations

from zmq.constants import ContextOption, SocketOption

_SOCKET: dict[str, SocketOption] = {name.lower(): member for name, member in SocketOption.__members__.items()}
_CONTEXT: dict[str, ContextOption] = {name.lower(): member for name, member in ContextOption.__members__.items()}


def socket_option(name: str) -> SocketOption | None:
    """The socket option an attribute name stands for (case-insensitive), or None."""
    return _SOCKET.get(name.lower())


def context_option(name: str) -> ContextOption | None:
    """The context option an attribute name stands for (case-insensitive), or None."""
    return _CONTEXT.get(name.lower())


def socket_option_names() -> list[str]:
    """Every socket option as a lower-case attribute name, for ``dir(socket)``."""
    return sorted(_SOCKET)
