"""Type stub of zmq/backend/cython/_optattr.pyx: socket options as attributes."""

from typing import Any, overload

from typing_extensions import Self, disjoint_base

from zmq.constants import SocketOption

@disjoint_base
class OptionAttribute:
    """A socket option as a read/write attribute of Socket (``s.linger``, ``s.LINGER``...)."""

    @property
    def option(self) -> SocketOption: ...
    def __init__(self, option: SocketOption) -> None: ...
    @overload
    def __get__(self, obj: None, objtype: type | None = None, /) -> Self: ...
    @overload
    def __get__(self, obj: object, objtype: type | None = None, /) -> Any: ...
    def __set__(self, obj: object, value: Any, /) -> None: ...
    def __delete__(self, obj: object, /) -> None: ...
