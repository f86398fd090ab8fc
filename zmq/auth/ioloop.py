"""A ZAP handler for Tornado programs (sockets driven by ZMQStream or
:mod:`zmq.eventloop.future`).

Tornado's IOLoop runs on asyncio, so this is :class:`~zmq.auth.asyncio.AsyncioAuthenticator`
bound to an IOLoop's asyncio loop, with a Tornado-flavoured constructor. Deprecated, as in
pyzmq (importing the module warns): use :class:`~zmq.auth.asyncio.AsyncioAuthenticator`.
"""
from __future__ import annotations

import asyncio
import logging
import warnings
from typing import Any, Optional

from tornado.ioloop import IOLoop

import zmq
import zmq.eventloop.future
from zmq.auth.asyncio import AsyncioAuthenticator

__all__ = ["IOLoopAuthenticator"]

warnings.warn(
    "zmq.auth.ioloop.IOLoopAuthenticator is deprecated: use zmq.auth.asyncio.AsyncioAuthenticator"
    " (Tornado's IOLoop runs on asyncio)",
    DeprecationWarning,
    stacklevel=2,
)


class IOLoopAuthenticator(AsyncioAuthenticator):
    """An :class:`~zmq.auth.Authenticator` serving requests on a Tornado IOLoop.

    Parameters
    ----------
    context, encoding, log
        As for :class:`~zmq.auth.Authenticator`.
    io_loop : tornado.ioloop.IOLoop, optional
        The IOLoop to run on: by default the current one when :meth:`start` is called.
    """

    def __init__(
        self,
        context: Optional[zmq.Context[Any]] = None,
        encoding: str = "utf-8",
        log: Optional[logging.Logger] = None,
        io_loop: Optional[IOLoop] = None,
    ) -> None:
        if context is None:
            context = zmq.Context.instance()
        super().__init__(context=context, encoding=encoding, log=log)
        self.io_loop = io_loop

    def _socket_class(self) -> type[zmq.Socket]:
        return zmq.eventloop.future.Socket

    def _event_loop(self) -> asyncio.AbstractEventLoop:
        io_loop = self.io_loop
        if io_loop is None:
            try:
                return asyncio.get_running_loop()
            except RuntimeError:
                io_loop = IOLoop.current()
        loop: asyncio.AbstractEventLoop = io_loop.asyncio_loop  # type: ignore[attr-defined]
        return loop
