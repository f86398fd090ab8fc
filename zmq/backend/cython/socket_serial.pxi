# Serialization helpers for Socket's send_string/json/pyobj and recv_* (the methods are in
# socket.pyx): the lazily imported codecs, and text sent and decoded straight from message
# memory. Included by socket.pyx.

cdef object _json = None
cdef object _json_encoder = None
cdef object _json_decoder = None
cdef object _pickle = None


cdef object _json_codec():
    """The shared JSON encoder (json.dumps defaults); imports json on first use."""
    global _json, _json_encoder, _json_decoder
    if _json_encoder is None:
        import json as _json
        _json_encoder = _json.JSONEncoder()
        _json_decoder = _json.JSONDecoder()
    return _json_encoder


cdef object _pickle_module():
    global _pickle
    if _pickle is None:
        import pickle as _pickle
    return _pickle


cdef int _send_text(Socket self, str text, int flags) except -1:
    """Send ``text`` as UTF-8 straight from the str's own UTF-8 buffer (no bytes object)."""
    cdef Py_ssize_t n
    cdef const char *p = PyUnicode_AsUTF8AndSize(text, &n)
    return _io_send_buf(self, p, <size_t>n, flags)


cdef object _recv_text(Socket self, int flags, str encoding):
    """Receive one part and decode it straight from the message memory."""
    cdef zmq_msg_t msg
    zmq_msg_init(&msg)
    try:
        if _io_recv_msg(self, &msg, flags):
            return WOULD_BLOCK
        if encoding is None or encoding == "utf-8" or encoding == "utf8":
            return PyUnicode_DecodeUTF8(<char *>zmq_msg_data(&msg), zmq_msg_size(&msg), NULL)
        bencoding = encoding.encode("ascii")
        return PyUnicode_Decode(<char *>zmq_msg_data(&msg), zmq_msg_size(&msg), bencoding, NULL)
    finally:
        zmq_msg_close(&msg)
