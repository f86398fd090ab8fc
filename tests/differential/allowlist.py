"""Differences from pyzmq that we keep on purpose, because ours is better.

Each entry: probe id (``module::probe``) -> (why ours is better, the test of our own
behaviour as ``path::test_name``). A missing feature is never a reason. The differential
test fails when an allow-listed probe stops differing (remove the entry then) and when the
named test does not exist.
"""

ALLOWED: dict[str, tuple[str, str]] = {
    "p_devices::join_before_start": ("join() on a background device that was never started raises RuntimeError saying so; pyzmq's raises AttributeError on None", "tests/test_devices.py::test_background_device_join_and_start_misuse"),
    "p_devices::start_twice": ("a second start() raises RuntimeError; pyzmq's starts a second forwarding thread on the same sockets' configuration (which dies on its binds or forwards twice)", "tests/test_devices.py::test_background_device_join_and_start_misuse"),
    "p_devices::steerable_default_ctrl_type_used": ("a steerable proxy made without ctrl_type steers through a PAIR control socket; pyzmq's device thread dies with TypeError (a socket of type None)", "tests/test_devices.py::test_steerable_without_ctrl_type_uses_a_pair_control_socket"),
    "p_devices::thread_monitored_queue_str_prefixes": ("str monitor prefixes are UTF-8 encoded; pyzmq's monitored queue thread dies with TypeError on them", "tests/test_devices.py::test_thread_monitored_queue_req_rep_with_prefixed_copies"),
    "p_zmqstream::sending_right_after_send": ("a ZMQStream send is handed to libzmq at once when the socket takes it (no loop iteration of latency, nothing lost by closing right after); pyzmq queues every send until the next loop iteration", "tests/test_zmqstream.py::test_send_is_handed_to_libzmq_at_once"),
    "p_zmqstream::flush_sends_queued": ("same as sending_right_after_send: the sends already went out, so flush() has nothing left to hand over", "tests/test_zmqstream.py::test_send_is_handed_to_libzmq_at_once"),
    "p_zmqstream::sending_after_failed_send_on_closed_stream": ("a send refused with OSError on a closed stream leaves nothing queued; pyzmq's sending() then reports the refused message as queued", "tests/test_zmqstream.py::test_send_on_closed_stream_queues_nothing"),
    "p_zmqstream::on_recv_stream_non_callable": ("on_recv_stream refuses a non-callable at once with AssertionError, as pyzmq's on_recv does; pyzmq's on_recv_stream accepts it and fails with a logged TypeError at every message", "tests/test_zmqstream.py::test_on_recv_stream_refuses_a_non_callable"),
    "p_zmqstream::on_recv_goes_on_after_callback_raises": ("after an on_recv callback raises (logged as pyzmq logs it) the next waiting messages are delivered; pyzmq leaves them undelivered until the socket's FD fires again", "tests/test_zmqstream.py::test_exception_in_callback_is_logged_and_receiving_goes_on"),
    "p_zmqstream::send_multipart_generator": ("a ZMQStream sends a one-shot iterable of parts, as cyzmq's Socket.send_multipart does; pyzmq's stream drops it with a logged TypeError", "tests/test_zmqstream.py::test_send_multipart_accepts_a_generator"),
    "p_zmqstream::close_after_context_terminated_under_stream": ("close() still closes the socket after its context was terminated under the stream, so Context.term() completes; pyzmq's close() raises ContextTerminated, leaves the socket open and term() blocks for ever", "tests/test_zmqstream.py::test_close_after_the_context_was_terminated"),
    "p_log::default_format_error": ("ERROR texts are 'ERROR file:line - message', the traceback following as at every level; pyzmq appends ' - %(exc_info)s' to them: ' - None', or the repr of the exc_info tuple with a memory address before the same traceback", "tests/test_log.py::test_error_records_carry_no_exc_info_suffix"),
    "p_log::custom_level_between_known": ("a record of a custom level is published, formatted like the nearest level below; pyzmq's handler fails with KeyError (a logging error on stderr) and publishes nothing", "tests/test_log.py::test_custom_level_is_published_with_the_format_below"),
    "p_log::handler_close_owned_socket": ("close() closes the socket (and terminates the context) the handler made from an address, freeing the endpoint; pyzmq's leaves them open until garbage collection", "tests/test_log.py::test_handler_made_from_an_address_closes_its_socket_and_context"),
    "p_log::topic_logger_level_methods": ("TopicLogger.debug/info/warning/error/critical/fatal(topic, msg, *args) publish under the topic; pyzmq's raise TypeError for every call", "tests/test_log.py::test_topic_logger_level_methods_publish"),
    "p_log::topic_logger_caller_location": ("a TopicLogger record names the caller's file, line and function; pyzmq's name its own handlers.py", "tests/test_log.py::test_topic_logger_records_point_at_the_caller"),
    "p_log::emit_on_closed_socket": ("a send error (closed socket) goes to Handler.handleError as logging handlers do; pyzmq's emit lets ZMQError escape from the logging call", "tests/test_log.py::test_send_errors_go_to_handle_error"),
    "p_cli::log_watch_bad_frames": ("python -m zmq.log prints a one-frame message and undecodable text (replacement characters) and goes on; pyzmq's watcher dies with a traceback (ValueError, UnicodeDecodeError)", "tests/test_log.py::test_cli_survives_odd_frames_and_bad_utf8"),
}
