"""Differences from pyzmq that we keep on purpose, because ours is better.

Each entry: probe id (``module::probe``) -> (why ours is better, the test of our own
behaviour as ``path::test_name``). A missing feature is never a reason. The differential
test fails when an allow-listed probe stops differing (remove the entry then) and when the
named test does not exist.
"""

ALLOWED: dict[str, tuple[str, str]] = {
    "p_zmqstream::sending_right_after_send": ("a ZMQStream send is handed to libzmq at once when the socket takes it (no loop iteration of latency, nothing lost by closing right after); pyzmq queues every send until the next loop iteration", "tests/test_zmqstream.py::test_send_is_handed_to_libzmq_at_once"),
    "p_zmqstream::flush_sends_queued": ("same as sending_right_after_send: the sends already went out, so flush() has nothing left to hand over", "tests/test_zmqstream.py::test_send_is_handed_to_libzmq_at_once"),
    "p_zmqstream::sending_after_failed_send_on_closed_stream": ("a send refused with OSError on a closed stream leaves nothing queued; pyzmq's sending() then reports the refused message as queued", "tests/test_zmqstream.py::test_send_on_closed_stream_queues_nothing"),
    "p_zmqstream::on_recv_stream_non_callable": ("on_recv_stream refuses a non-callable at once with AssertionError, as pyzmq's on_recv does; pyzmq's on_recv_stream accepts it and fails with a logged TypeError at every message", "tests/test_zmqstream.py::test_on_recv_stream_refuses_a_non_callable"),
    "p_zmqstream::on_recv_goes_on_after_callback_raises": ("after an on_recv callback raises (logged as pyzmq logs it) the next waiting messages are delivered; pyzmq leaves them undelivered until the socket's FD fires again", "tests/test_zmqstream.py::test_exception_in_callback_is_logged_and_receiving_goes_on"),
    "p_zmqstream::send_multipart_generator": ("a ZMQStream sends a one-shot iterable of parts, as cyzmq's Socket.send_multipart does; pyzmq's stream drops it with a logged TypeError", "tests/test_zmqstream.py::test_send_multipart_accepts_a_generator"),
    "p_zmqstream::close_after_context_terminated_under_stream": ("close() still closes the socket after its context was terminated under the stream, so Context.term() completes; pyzmq's close() raises ContextTerminated, leaves the socket open and term() blocks for ever", "tests/test_zmqstream.py::test_close_after_the_context_was_terminated"),
}
