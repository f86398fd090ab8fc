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
    """True if ``type(self)`` uses the core's own method (no subclass overrides it): the
    Cython method, or (send and recv) its exact-class descriptor (socket_fastcall.pxi)."""
    cdef PyObject *found = _PyType_Lookup(<PyTypeObject *>Py_TYPE(self), _core_names[which])
    return found == _core_methods[which] or (which <= _CORE_RECV and cyzmq_is_exact_descr(found, which))


cdef object _json = None
cdef object _json_encode = None     # json's C encoder with json.dumps' defaults (markers below)
cdef dict _json_markers = None      # its circular-reference markers
cdef object _json_scan = None       # json's C scanner with json.loads' defaults
cdef object _JSONDecodeError = None
cdef object _pickle = None


cdef object _json_module():
    """json, with the C encoder and scanner json.dumps/json.loads use by default, on first use.

    Calling them directly skips json's Python layers (JSONEncoder.encode/iterencode, which
    build a new C encoder per call, and JSONDecoder.decode/raw_decode) with the same results
    and errors."""
    global _json, _json_encode, _json_markers, _json_scan, _JSONDecodeError
    if _json is None:
        import json
        import json.encoder
        encoder = json.JSONEncoder()
        if json.encoder.c_make_encoder is not None:
            _json_markers = {}
            _json_encode = json.encoder.c_make_encoder(
                _json_markers, encoder.default, json.encoder.encode_basestring_ascii, None,
                encoder.key_separator, encoder.item_separator, False, False, True)
        else:  # no _json C module: json's own Python path
            _json_encode = encoder.encode
        decoder = json.JSONDecoder()
        _json_scan = decoder.scan_once
        _JSONDecodeError = json.JSONDecodeError
        _json = json
    return _json


cdef str _json_dumps(object obj, dict kwargs):
    """json.dumps(obj, **kwargs)."""
    json = _json_module()
    if kwargs:
        return json.dumps(obj, **kwargs)
    if _json_markers is None:
        return _json_encode(obj)
    try:
        return "".join(_json_encode(obj, 0))
    except BaseException:
        _json_markers.clear()  # the C encoder leaves its markers behind when it fails
        raise


cdef inline Py_ssize_t _skip_json_space(str text, Py_ssize_t i, Py_ssize_t n):
    cdef Py_UCS4 c
    while i < n:
        c = text[i]
        if c != u' ' and c != u'\t' and c != u'\n' and c != u'\r':
            break
        i += 1
    return i


cdef object _json_loads(str text, dict kwargs):
    """json.loads(text, **kwargs)."""
    json = _json_module()
    if kwargs:
        return json.loads(text, **kwargs)
    cdef Py_ssize_t n = len(text)
    if n and text[0] == u'\ufeff':
        raise _JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
    cdef Py_ssize_t start = _skip_json_space(text, 0, n)
    try:
        obj, end = _json_scan(text, start)
    except StopIteration as err:
        raise _JSONDecodeError("Expecting value", text, err.value) from None
    if _skip_json_space(text, end, n) != n:
        raise _JSONDecodeError("Extra data", text, _skip_json_space(text, end, n))
    return obj


cdef object _json_loader(dict kwargs):
    """The ``load`` recv_json hands to _deserialize."""
    json = _json_module()
    return functools.partial(json.loads, **kwargs) if kwargs else json.loads


cdef object _decoder(str encoding):
    """The ``load`` recv_string hands to _deserialize."""
    return functools.partial(bytes.decode, encoding=encoding)


cdef object _pickle_dumps = None
cdef object _pickle_loads = None
cdef object _pickle_protocol = None


cdef object _pickle_module():
    """pickle, with dumps/loads/DEFAULT_PROTOCOL kept at C level, on first use."""
    global _pickle, _pickle_dumps, _pickle_loads, _pickle_protocol
    if _pickle is None:
        import pickle
        _pickle_dumps = pickle.dumps
        _pickle_loads = pickle.loads
        _pickle_protocol = pickle.DEFAULT_PROTOCOL
        _pickle = pickle
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
