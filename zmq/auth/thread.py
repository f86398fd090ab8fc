"""A ZAP handler running in a background thread: authentication for blocking programs.

>>> auth = ThreadAuthenticator(ctx)      # doctest: +SKIP
>>> auth.start()
>>> auth.allow("127.0.0.1")
>>> auth.configure_curve(domain="*", location="public_keys/")
>>> ...
>>> auth.stop()
"""
from __future__ import annotations

import asyncio
import errno
import itertools
import threading
from typing import Optional

import zmq
from zmq.auth.base import Authenticator

__all__ = ["ThreadAuthenticator"]

_TERMINATE = b"TERMINATE"
_START_TIMEOUT = 10.0
_STOP_TIMEOUT = 10.0
_ids = itertools.count()


class ThreadAuthenticator(Authenticator):
    """An :class:`~zmq.auth.Authenticator` whose requests are handled in its own thread.

    The thread runs an event loop of its own, so a CURVE credentials provider may be a
    coroutine function (``async def callback(self, domain, key)``).

    :meth:`start` binds the ZAP socket (from the handler thread) before returning, so
    sockets secured afterwards are authenticated from their first connection.
    Configuration methods may be called at any time from any thread.

    Parameters
    ----------
    context, encoding, log
        As for :class:`~zmq.auth.Authenticator`.

    Attributes
    ----------
    pipe_endpoint : str
        The inproc endpoint of the PAIR pipe that tells the thread to stop ("" until
        started).
    pipe : zmq.Socket or None
        This side of that pipe.
    thread : threading.Thread or None
        The handler thread.
    """

    pipe_endpoint: str = ""
    pipe: Optional[zmq.Socket] = None
    thread: Optional[threading.Thread] = None

    def start(self) -> None:
        """Start the handler thread; return once its ZAP socket is bound.

        Raises
        ------
        zmq.ZMQError
            The ZAP endpoint is taken (another handler runs in this context).
        RuntimeError
            The thread did not come up in time.
        """
        if self.is_alive():
            return
        if self.pipe is not None:  # the thread ended on its own (context terminated)
            self.stop()
        self.pipe_endpoint = f"inproc://cyzmq.auth.thread.{id(self):x}.{next(_ids)}"
        pipe: zmq.Socket = self.context.socket(zmq.PAIR, socket_class=zmq.Socket)
        pipe.linger = 0
        pipe.sndtimeo = 1000  # the thread may be gone: never block on telling it to stop
        pipe.bind(self.pipe_endpoint)
        ready = threading.Event()
        failure: list[BaseException] = []
        thread = threading.Thread(
            target=self._run, args=(ready, failure), name=f"zmq.auth {self.pipe_endpoint}", daemon=True
        )
        thread.start()
        if not ready.wait(_START_TIMEOUT):
            try:
                pipe.send(_TERMINATE)
            except zmq.ZMQError:
                pass
            thread.join(_STOP_TIMEOUT)
            pipe.close()
            raise RuntimeError("the authentication thread did not start in time")
        if failure:
            thread.join(_STOP_TIMEOUT)
            pipe.close()
            raise failure[0]
        self.pipe, self.thread = pipe, thread

    def stop(self) -> None:
        """Stop the handler thread (waiting for it) and close its sockets."""
        pipe, thread = self.pipe, self.thread
        self.pipe = self.thread = None
        if pipe is None:
            return
        try:
            if thread is not None and thread.is_alive():
                pipe.send(_TERMINATE)
        except zmq.ZMQError:
            pass  # context terminated (the thread has seen it too), or the thread is gone
        finally:
            if thread is not None:
                thread.join(_STOP_TIMEOUT)
            pipe.close()

    def is_alive(self) -> bool:
        """Whether the handler thread is running."""
        return self.thread is not None and self.thread.is_alive()

    def _make_zap_socket(self) -> zmq.Socket:
        # Made directly, not by context.socket(): Context.destroy() (called from another
        # thread) must not close the handler thread's sockets under it; ETERM tells it to.
        sock = zmq.Socket(self.context, zmq.REP)
        sock.linger = 1
        return sock

    # -- the thread ------------------------------------------------------------------------------

    def _run(self, ready: threading.Event, failure: list[BaseException]) -> None:
        """The handler thread: serve ZAP requests until told to stop over the pipe."""
        pipe = zmq.Socket(self.context, zmq.PAIR)  # untracked, as the ZAP socket
        try:
            pipe.linger = 0
            pipe.connect(self.pipe_endpoint)
            Authenticator.start(self)
        except BaseException as e:
            failure.append(e)
            pipe.close()
            ready.set()
            return
        ready.set()
        try:
            self._serve(pipe)
        finally:
            Authenticator.stop(self)
            pipe.close()

    def _serve(self, pipe: zmq.Socket) -> None:
        # handle_zap_message is a coroutine (a credentials provider may be one too): each
        # request runs to completion on this thread's own event loop.
        loop = asyncio.new_event_loop()
        try:
            self._serve_on(pipe, loop)
        finally:
            loop.close()

    def _serve_on(self, pipe: zmq.Socket, loop: asyncio.AbstractEventLoop) -> None:
        zap = self.zap_socket
        assert zap is not None
        poller = zmq.Poller()
        poller.register(pipe, zmq.POLLIN)
        poller.register(zap, zmq.POLLIN)
        while True:
            try:
                events = dict(poller.poll())
            except zmq.ContextTerminated:
                return
            except zmq.ZMQError as e:
                if e.errno == errno.EINTR:
                    continue
                raise
            if pipe in events:
                if pipe.recv() == _TERMINATE:
                    return
            if zap in events:
                try:
                    msg = zap.recv_multipart(zmq.NOBLOCK)
                except zmq.Again:
                    continue
                except zmq.ContextTerminated:
                    return
                try:
                    loop.run_until_complete(self.handle_zap_message(msg))
                except zmq.ContextTerminated:
                    return
                except Exception:  # never let one request end the handler
                    self.log.exception("failed to answer a ZAP request")
