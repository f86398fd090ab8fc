"""The pure-Python layer of cyzmq over the compiled core: what ``import zmq`` exposes."""
from zmq.error import (
    Again,
    ContextTerminated,
    DraftFDWarning,
    InterruptedSystemCall,
    NotDone,
    ZMQBaseError,
    ZMQBindError,
    ZMQError,
    ZMQVersionError,
)
from zmq.backend import device
from zmq.sugar.context import Context, SyncContext
from zmq.sugar.frame import Frame, Message
from zmq.sugar.poll import Poller, select
from zmq.sugar.socket import Socket, SyncSocket
from zmq.sugar.stopwatch import Stopwatch
from zmq.sugar.tracker import MessageTracker
from zmq.sugar.version import __revision__, __version__, pyzmq_version, pyzmq_version_info, zmq_version, zmq_version_info

__all__ = [
    "Again", "Context", "ContextTerminated", "DraftFDWarning", "Frame", "InterruptedSystemCall",
    "Message", "MessageTracker", "NotDone", "Poller", "Socket", "Stopwatch", "SyncContext",
    "SyncSocket", "ZMQBaseError", "ZMQBindError", "ZMQError", "ZMQVersionError", "device",
    "pyzmq_version", "pyzmq_version_info", "select", "zmq_version", "zmq_version_info",
    "__version__", "__revision__",
]
