"""Ctrl-C for programs blocked in libzmq on Windows: :class:`allow_interrupt`.

On Windows, a console Ctrl-C does not interrupt a thread blocked in a native call: the
interpreter only sees it once the call returns. :class:`allow_interrupt` installs, for the
length of a ``with`` block, a console control handler that runs an action at once (by
default: raise KeyboardInterrupt in the main thread, as Ctrl-C would)::

    with allow_interrupt():
        socket.recv()

cyzmq's blocking calls are interruptible on POSIX systems already, so there the class
is a context manager that does nothing, and code written for Windows runs unchanged.
"""
from __future__ import annotations

import os
from typing import Any, Callable, Optional

__all__ = ["allow_interrupt"]


class allow_interrupt:
    """A context manager: while it is entered, Ctrl-C runs ``action`` (Windows only).

    Parameters
    ----------
    action : callable, optional
        Called with no argument on Ctrl-C or Ctrl-Break (default: interrupt the main
        thread with KeyboardInterrupt). Ignored, like the whole class, off Windows.
    """

    def __init__(self, action: Optional[Callable[[], Any]] = None) -> None:
        self._action = action
        self._handler: Any = None

    def __enter__(self) -> None:
        if os.name == "nt":
            self._install()

    def __exit__(self, *exc: object) -> None:
        if self._handler is not None:
            self._set_handler(self._handler, False)
            self._handler = None

    def _install(self) -> None:
        import ctypes
        import _thread

        action = self._action if self._action is not None else _thread.interrupt_main
        handler_type = ctypes.WINFUNCTYPE(ctypes.c_int, ctypes.c_uint)  # type: ignore[attr-defined]

        def on_console_event(event: int) -> int:
            if event in (0, 1):  # CTRL_C_EVENT, CTRL_BREAK_EVENT
                action()
                return 1  # handled: the default handler would kill the process
            return 0

        self._handler = handler_type(on_console_event)
        self._set_handler(self._handler, True)

    @staticmethod
    def _set_handler(handler: Any, add: bool) -> None:
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        if not kernel32.SetConsoleCtrlHandler(handler, add):
            raise ctypes.WinError()  # type: ignore[attr-defined]
