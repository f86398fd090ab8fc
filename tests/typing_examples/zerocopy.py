"""Typing example: zero-copy receive into Frames, memoryview access and send tracking."""
from __future__ import annotations

from typing import assert_type

import zmq


def checksum(frame: zmq.Frame) -> int:
    """Sum the bytes of a frame without copying them out of the message."""
    view = memoryview(frame)
    assert not view.readonly  # a received frame owns its message: writable, as in pyzmq
    return sum(view)


def main() -> None:
    ctx = zmq.Context()
    push = ctx.socket(zmq.PUSH)
    pull = ctx.socket(zmq.PULL)
    try:
        push.linger = pull.linger = 0
        pull.rcvtimeo = 5000
        pull.bind("inproc://typing-zerocopy")
        push.connect("inproc://typing-zerocopy")

        payload = bytearray(range(256)) * 1024  # large enough to really be shared
        tracker = push.send(payload, copy=False, track=True)
        assert_type(tracker, zmq.MessageTracker)
        frame = pull.recv(copy=False)
        assert_type(frame, zmq.Frame)
        assert len(frame) == len(payload) and not frame.more
        assert checksum(frame) == sum(payload)
        data: bytes = frame.bytes
        view: memoryview = frame.buffer
        assert data[:3] == bytes(view[:3]) == b"\x00\x01\x02"
        # Over inproc the Frame *is* the sent memory: libzmq lets go once the Frame is gone.
        assert not tracker.done
        view.release()
        del frame
        tracker.wait(5)
        assert tracker.done

        # A Frame can be built once and sent again; multipart zero-copy gives Frames.
        header = zmq.Frame(b"header")
        push.send_multipart([header, memoryview(payload)[:10]], copy=False)
        frames = pull.recv_multipart(copy=False)
        assert_type(frames, list[zmq.Frame])
        assert [f.bytes for f in frames] == [b"header", bytes(range(10))]
        assert frames[0].more and not frames[1].more

        into = bytearray(16)
        push.send(b"0123456789")
        n: int = pull.recv_into(into)
        assert into[:n] == b"0123456789"

        push.send(b"last")
        maybe = pull.recv(copy=bool(n))  # copy chosen at run time: bytes or Frame
        assert_type(maybe, bytes | zmq.Frame)
        assert maybe == b"last"
    finally:
        push.close()
        pull.close()
        ctx.term()


if __name__ == "__main__":
    main()
