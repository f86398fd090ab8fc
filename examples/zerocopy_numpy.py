"""Send a NumPy array without copying it, and receive it without copying it either.

- send(array, copy=False, track=True) hands libzmq a pointer to the array's memory and
  returns a MessageTracker: the array must not be modified until tracker.done.
- recv(copy=False) returns a zmq.Frame owning the received message; np.frombuffer(frame.buffer)
  views its memory in place (read-only).

The array's dtype and shape travel in a small JSON header part before the data.

Needs NumPy.  Run: python examples/zerocopy_numpy.py
"""
import sys

import zmq
from zmq.utils import jsonapi

try:
    import numpy as np
except ImportError:
    print("zerocopy_numpy: skipped (numpy is not installed)")
    sys.exit(0)


def main() -> None:
    ctx = zmq.Context()
    push = ctx.socket(zmq.PUSH)
    pull = ctx.socket(zmq.PULL)
    pull.rcvtimeo = 5000
    port = pull.bind_to_random_port("tcp://127.0.0.1")
    push.connect(f"tcp://127.0.0.1:{port}")

    array = np.arange(1_000_000, dtype=np.float64).reshape(1000, 1000)   # 8 MB
    header = {"dtype": str(array.dtype), "shape": array.shape}
    tracker = push.send_multipart([jsonapi.dumps(header), array], copy=False, track=True)
    print(f"sent {array.nbytes} bytes; libzmq done with them yet? {tracker.done}")

    meta_frame, data_frame = pull.recv_multipart(copy=False)
    meta = jsonapi.loads(meta_frame.bytes)
    received = np.frombuffer(data_frame.buffer, dtype=meta["dtype"]).reshape(meta["shape"])
    print(f"received {received.shape} {received.dtype}, writeable={received.flags.writeable}")

    tracker.wait(timeout=5)          # raises zmq.NotDone if libzmq still holds the array
    array[0, 0] = -1.0               # safe now: the message has left
    assert received[0, 0] == 0.0     # the received copy is separate from the sent array
    print(f"tracker done: {tracker.done}; sum matches: {received.sum() == np.arange(1_000_000).sum()}")

    push.close()
    pull.close()
    ctx.term()
    print("zerocopy_numpy: done")


if __name__ == "__main__":
    main()
