"""Turn a pointer, however it is represented, into the integer address that
``Context.shadow(address)`` and ``Socket.shadow(address)`` take."""
from __future__ import annotations

TYPE_CHECKING = False  # (typing is not imported at `import zmq`)
if TYPE_CHECKING:
    from typing import Any

__all__ = ["cast_int_addr"]


def __getattr__(name: str) -> Any:
    # pyzmq's module has typing.Any among its names; given on use (typing is not loaded
    # by `import zmq`).
    if name == "Any":
        import typing

        return typing.Any
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

# ctypes type codes of the simple types that hold a pointer: c_void_p, c_char_p, c_wchar_p.
_CTYPES_POINTER_CODES = ("P", "z", "Z")


def cast_int_addr(n: Any) -> int:
    """The address held by ``n`` as an ``int``.

    ``n`` may be an int (returned as is), a ctypes pointer (``c_void_p``, ``POINTER(T)``
    instances, ``c_char_p``, function pointers...) or a cffi pointer (``ffi.new``/``ffi.cast``
    results; cffi is imported only when such an object is passed). A NULL pointer gives 0.
    Raises ValueError for anything else.
    """
    if isinstance(n, int):
        return n
    if type(n).__module__ == "_cffi_backend":
        import importlib

        cffi = importlib.import_module("cffi")
        return int(cffi.FFI().cast("uintptr_t", n))
    import ctypes

    pointer_types: tuple[type, ...] = (ctypes._Pointer, getattr(ctypes, "_CFuncPtr"))
    if isinstance(n, pointer_types) or (
        isinstance(n, ctypes._SimpleCData) and getattr(type(n), "_type_", None) in _CTYPES_POINTER_CODES
    ):
        address: Any = n  # a ctypes object (isinstance above cannot narrow to the stub types)
        return ctypes.cast(address, ctypes.c_void_p).value or 0
    raise ValueError(f"cannot cast {n!r} to an integer address")
