# Helpers of Socket's serializers (send_string/json/pyobj/serialized and recv_*, defined in
# socket.pyx): "is this send/recv the core's own?" (then text goes straight from and to message
# memory), the lazily imported codecs, and the loaders handed to Socket._deserialize.
# Included by socket.pyx.

from cpython.object cimport PyObject, PyTypeObject, Py_TYPE

cdef extern from "Python.h":
    PyObject *_PyType_Lookup(PyTypeObject *type, object name)

cdef enum CoreMethod:
    _CORE_SEND = 0
    _CORE_RECV = 1
    _CORE_RECV_MULTIPART = 2
    _CORE_DESERIALIZE = 3

# The core's own methods and their names, filled in once the class exists (_note_core_methods).
cdef PyObject *_core_methods[4]
cdef tuple _core_names = ("send", "recv", "recv_multipart", "_deserialize")


cdef int _note_core_methods() except -1:
    cdef int i
    for i in range(4):
        _core_methods[i] = <PyObject *>Socket.__dict__[_core_names[i]]  # the type keeps it alive
    return 0


cdef inline bint _own(Socket self, int which):
    """True if ``type(self)`` uses the core's own method (no subclass overrides it)."""
    return _PyType_Lookup(<PyTypeObject *>Py_TYPE(self), _core_names[which]) == _core_methods[which]


cdef object _json = None
cdef object _json_encoder = None
cdef object _json_decoder = None
cdef object _pickle = None


cdef object _json_module():
    """json, with the shared encoder and decoder (json.dumps/loads defaults), on first use."""
    global _json, _json_encoder, _json_decoder
    if _json is None:
        import json
        _json_encoder = json.JSONEncoder()
        _json_decoder = json.JSONDecoder()
        _json = json
    return _json


cdef str _json_dumps(object obj, dict kwargs):
    """json.dumps(obj, **kwargs)."""
    json = _json_module()
    return json.dumps(obj, **kwargs) if kwargs else _json_encoder.encode(obj)


cdef object _json_loads(str text, dict kwargs):
    """json.loads(text, **kwargs)."""
    json = _json_module()
    return json.loads(text, **kwargs) if kwargs else _json_decoder.decode(text)


cdef object _json_loader(dict kwargs):
    """The ``load`` recv_json hands to _deserialize."""
    json = _json_module()
    return functools.partial(json.loads, **kwargs) if kwargs else json.loads


cdef object _decoder(str encoding):
    """The ``load`` recv_string hands to _deserialize."""
    return functools.partial(bytes.decode, encoding=encoding)


cdef object _pickle_module():
    global _pickle
    if _pickle is None:
        import pickle as _pickle
    return _pickle


cdef int _send_text(Socket self, str text, int flags) except -1:
    """Send ``text`` as UTF-8 straight from the str's own UTF-8 buffer (no bytes object)."""
    cdef Py_ssize_t n = 0
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
