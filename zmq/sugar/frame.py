"""Frame (alias Message): one message part owning a libzmq ``zmq_msg_t``."""
from zmq.backend import Frame, Message

__all__ = ["Frame", "Message"]
