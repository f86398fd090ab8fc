"""Frame (alias Message): one message part owning a libzmq ``zmq_msg_t``."""
from zmq.backend.cython.message import Frame, Message

__all__ = ["Frame", "Message"]
