"""The base class that lets the CFFI backend's Frame export the buffer protocol.

``memoryview(frame)``, ``bytes(frame)`` and ``np.frombuffer(frame)`` need the C-level buffer
protocol. Where the interpreter lets a Python class provide it, the Frame defines
``__buffer__`` and :data:`BufferExporter` adds nothing: CPython from 3.12 (PEP 688) and PyPy
(whose ``__pypy__.bufferable`` base also makes the buffer visible to C extensions such as
NumPy). CPython before 3.12 has no such hook, so there :data:`BufferExporter` is a type built
at import time with ``PyType_FromSpec`` (through ctypes: nothing is compiled) whose
``bf_getbuffer`` slot is a ctypes callback: it asks the object for ``_export()`` -> (address,
size, read-only) and fills the ``Py_buffer`` with ``PyBuffer_FillInfo``, the exporter being the
object itself (so the memory stays alive while any view of it exists).

The one limitation of that slot (CPython < 3.12): a ctypes callback cannot leave a Python
exception set, so when a consumer asks a read-only exporter for writable memory the request
fails without one. Python's argument parsing replaces the failure with its usual TypeError
(``readinto``, ``struct.pack_into``), NumPy retries read-only, ``memoryview`` and ctypes'
``from_buffer`` ask read-only and check; only C code that passes the failure on unchanged
raises SystemError (instead of BufferError). Writable exporters never fail.
"""
from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

_PyBUF_WRITABLE = 0x0001
_Py_bf_getbuffer = 1  # typeslots.h
_Py_TPFLAGS_BASETYPE = 1 << 10
#: What the ctypes-made type points at for good (tp_name at the name): kept alive here.
_keep: list[Any] = []


def _getbuffer(obj: Any, view: int, flags: int) -> int:
    """The ``bf_getbuffer`` slot of the ctypes-made type."""
    # Nothing may escape: ctypes would report it as unraisable and return garbage.
    try:
        address, size, readonly = obj._export()
        if readonly and flags & _PyBUF_WRITABLE:
            return -1  # see the module docstring: no exception can be set from here
        return int(_keep[0](view, obj, address, size, 1 if readonly else 0, flags))
    except BaseException:
        return -1


def _ctypes_exporter() -> type:
    """A base type whose ``bf_getbuffer`` exports ``_export()``, made with PyType_FromSpec."""
    import ctypes

    class Slot(ctypes.Structure):
        _fields_ = [("slot", ctypes.c_int), ("pfunc", ctypes.c_void_p)]

    class Spec(ctypes.Structure):
        _fields_ = [("name", ctypes.c_char_p), ("basicsize", ctypes.c_int), ("itemsize", ctypes.c_int),
                    ("flags", ctypes.c_uint), ("slots", ctypes.POINTER(Slot))]

    fill_info = ctypes.pythonapi.PyBuffer_FillInfo
    fill_info.argtypes = [ctypes.c_void_p, ctypes.py_object, ctypes.c_void_p, ctypes.c_ssize_t,
                          ctypes.c_int, ctypes.c_int]
    fill_info.restype = ctypes.c_int
    getbuffer = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.py_object, ctypes.c_void_p, ctypes.c_int)(_getbuffer)
    name = ctypes.create_string_buffer(b"zmq.backend.cffi._buffer.BufferExporter")
    slots = (Slot * 2)(Slot(_Py_bf_getbuffer, ctypes.cast(getbuffer, ctypes.c_void_p)), Slot(0, None))
    spec = Spec(ctypes.cast(name, ctypes.c_char_p), 0, 0, _Py_TPFLAGS_BASETYPE, slots)
    from_spec = ctypes.pythonapi.PyType_FromSpec
    from_spec.argtypes = [ctypes.POINTER(Spec)]
    from_spec.restype = ctypes.py_object
    _keep[:] = [fill_info, getbuffer, name, slots, spec]
    exporter: type = from_spec(ctypes.byref(spec))
    exporter.__doc__ = "Exports the buffer protocol of ``_export()`` -> (address, size, read-only)."
    return exporter


def _select() -> tuple[type, str]:
    if sys.implementation.name == "pypy":
        return importlib.import_module("__pypy__.bufferable").bufferable, "pypy"
    if sys.version_info >= (3, 12):
        return object, "pep688"
    return _ctypes_exporter(), "ctypes"


#: How ``BufferExporter`` exports: "pep688" (``__buffer__``), "pypy" or "ctypes" (``_export``).
MECHANISM: str
if TYPE_CHECKING:
    BufferExporter = object
else:
    BufferExporter, MECHANISM = _select()

__all__ = ["BufferExporter", "MECHANISM"]
