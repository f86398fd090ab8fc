"""Lookup of socket/context options by attribute name (``s.linger`` -> SocketOption.LINGER)."""
from __future__ import annotations

from zmq.constants import ContextOption, SocketOption

TYPE_CHECKING = False  # (typing is not imported at `import zmq`)
if TYPE_CHECKING:
    from typing import Any

_SOCKET: dict[str, SocketOption] = {name.lower(): member for name, member in SocketOption.__members__.items()}
_CONTEXT: dict[str, ContextOption] = {name.lower(): member for name, member in ContextOption.__members__.items()}


def socket_option(name: str) -> SocketOption | None:
    """The socket option an attribute name stands for (case-insensitive), or None."""
    return _SOCKET.get(name.lower())


def context_option(name: str) -> ContextOption | None:
    """The context option an attribute name stands for (case-insensitive), or None."""
    return _CONTEXT.get(name.lower())


def context_option_names() -> list[str]:
    """Every context option's name (UPPER case), for ``dir(context)``."""
    return list(ContextOption.__members__)


def option_spellings(name: str) -> list[str]:
    """The attribute spellings an option gets as a property: ``linger``, ``LINGER``,
    ``Linger``; ``last_endpoint``, ``LAST_ENDPOINT``, ``Last_endpoint``, ``Last_Endpoint``."""
    upper = name.upper()
    words = "_".join(w.capitalize() for w in upper.split("_"))
    return list(dict.fromkeys((upper.lower(), upper, upper.capitalize(), words)))


def no_such_option(obj: Any, name: str) -> AttributeError:
    """The error for setting ``obj.<name>`` that is neither an attribute nor an option."""
    return AttributeError(f"{type(obj).__name__} has no such option: {name.upper()}")
