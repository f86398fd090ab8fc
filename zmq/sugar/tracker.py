"""MessageTracker: tells when libzmq has released zero-copy message memory."""
from zmq.backend import _FINISHED_TRACKER, MessageTracker  # noqa: F401 - _FINISHED_TRACKER as in pyzmq

__all__ = ["MessageTracker"]
