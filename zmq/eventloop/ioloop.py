"""Deprecated compatibility module: Tornado's own IOLoop works with zmq sockets as it is.

Old code imported ``IOLoop``, ``ZMQIOLoop`` or ``PeriodicCallback`` from here and called
:func:`install` before using zmq with Tornado. Those names are Tornado's own objects
(re-exported from :mod:`tornado.ioloop`, together with the rest of that module's public
namespace) and :func:`install` does nothing. Importing this module emits a
DeprecationWarning; import from :mod:`tornado.ioloop` instead.
"""
from __future__ import annotations

# Stdlib modules that tornado.ioloop's namespace also exposes, kept resolvable here.
import asyncio
import concurrent.futures
import datetime
import functools
import math
import numbers
import os
import random
import sys
import time
import typing
import warnings
from inspect import isawaitable
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar, TypedDict

if sys.version_info < (3, 10):  # Tornado's ioloop names these typing aliases on 3.9 (PyPy)
    from typing import Optional, Tuple, Type, Union  # noqa: F401

from tornado.concurrent import (
    Future,
    chain_future,
    future_add_done_callback,
    future_set_exc_info,
    is_future,
)
from tornado.ioloop import IOLoop, PeriodicCallback
from tornado.log import app_log
from tornado.util import Configurable, TimeoutError, import_object

#: Tornado's IOLoop: since Tornado 5 it runs on asyncio, which handles zmq sockets.
ZMQIOLoop = IOLoop

_MESSAGE = (
    "zmq.eventloop.ioloop is deprecated: zmq works with Tornado's default IOLoop. "
    "Import IOLoop from tornado.ioloop instead."
)

warnings.warn(_MESSAGE, DeprecationWarning, stacklevel=2)


def install() -> None:
    """Do nothing (and warn): zmq needs no special IOLoop. Kept for old code."""
    warnings.warn(_MESSAGE, DeprecationWarning, stacklevel=2)
