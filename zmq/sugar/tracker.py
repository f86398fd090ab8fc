"""MessageTracker: tells when libzmq has released zero-copy message memory."""
from zmq.backend import MessageTracker

__all__ = ["MessageTracker"]
