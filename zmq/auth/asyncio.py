"""A ZAP handler running as an asyncio task, for programs built on :mod:`zmq.asyncio`.

>>> auth = AsyncioAuthenticator(ctx)     # doctest: +SKIP
>>> auth.start()                          # in (or before running) the event loop
>>> auth.configure_plain(domain="*", passwords={"admin": "secret"})
>>> ...
>>> auth.stop()

CURVE credentials providers (:meth:`~zmq.auth.Authenticator.configure_curve_callback`)
may be coroutines (``async def callback(self, domain, key) -> bool``), as with every
handler. Requests are answered in order, one at a time.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Optional

import zmq
import zmq.asyncio
from zmq.auth.base import Authenticator

__all__ = ["AsyncioAuthenticator"]


class AsyncioAuthenticator(Authenticator):
    """An :class:`~zmq.auth.Authenticator` serving requests in an asyncio task.

    Parameters
    ----------
    context : zmq.Context, optional
        The context whose sockets are authenticated (``zmq.Context.instance()`` by
        default, as in pyzmq; a :class:`zmq.asyncio.Context` works too).
    loop : asyncio.AbstractEventLoop, optional
        The loop to run the task on: by default the running loop when :meth:`start` is
        called (or, outside of one, the current event loop).
    encoding, log
        As for :class:`~zmq.auth.Authenticator`.
    """

    def __init__(
        self,
        context: Optional[zmq.Context[Any]] = None,
        loop: Optional[asyncio.AbstractEventLoop] = None,
        encoding: str = "utf-8",
        log: Optional[logging.Logger] = None,
    ) -> None:
        super().__init__(context=context, encoding=encoding, log=log)
        self.loop = loop
        self._task: Optional[asyncio.Task[None]] = None

    def _socket_class(self) -> type[zmq.Socket]:
        """The async socket class of the ZAP socket."""
        return zmq.asyncio.Socket

    def _make_zap_socket(self) -> zmq.Socket:
        sock: zmq.Socket = self.context.socket(zmq.REP, socket_class=self._socket_class())
        sock.linger = 1
        return sock

    def _event_loop(self) -> asyncio.AbstractEventLoop:
        """The loop the handler task runs on."""
        if self.loop is not None:
            return self.loop
        try:
            return asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.get_event_loop_policy().get_event_loop()

    def start(self) -> None:
        """Bind the ZAP socket and start the handler task on the event loop.

        Call it from the loop's thread; when called before the loop runs, requests are
        served once it does.

        Raises
        ------
        zmq.ZMQError
            The ZAP endpoint is taken (another handler runs in this context).
        """
        if self._task is not None and not self._task.done():
            return
        loop = self._event_loop()
        super().start()
        self._task = loop.create_task(self._serve(), name="zmq.auth ZAP handler")

    def stop(self) -> None:
        """Cancel the handler task and close the ZAP socket."""
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
        super().stop()

    async def _serve(self) -> None:
        """The handler task: receive and answer requests until stopped."""
        sock = self.zap_socket
        while sock is not None and not sock.closed:
            try:
                msg = await sock.recv_multipart()  # type: ignore[misc]
            except zmq.ZMQError as e:
                if e.errno in (zmq.ENOTSOCK, zmq.ETERM):
                    return  # stopped, or the context is being terminated
                raise
            try:
                await self.handle_zap_message(msg)
            except asyncio.CancelledError:
                raise
            except zmq.ZMQError as e:
                if e.errno in (zmq.ENOTSOCK, zmq.ETERM):
                    return
                self.log.exception("failed to answer a ZAP request")
            except Exception:  # never let one request end the handler
                self.log.exception("failed to answer a ZAP request")
