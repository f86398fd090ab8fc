# The C-level API of cyzmq, for other Cython extensions:
#
#     from zmq cimport Context, Socket, Frame, MessageTracker, libzmq
#
# gives the cdef classes with the C attributes and methods their .pxd files declare
# (``Socket.handle`` is the libzmq ``void *`` socket, ``Context.handle`` the context,
# ``Frame.zmq_msg`` the ``zmq_msg_t``; cdef/cpdef methods such as ``Socket._send_buf`` and
# ``Socket._recv_msg`` are called in C, the other methods through Python) and ``libzmq``,
# the declarations of zmq.h. Build with ``include_dirs=zmq.get_includes()``,
# ``libraries=["zmq"]``, and give cythonize ``include_path=zmq.get_includes()`` too.

from zmq.backend.cython cimport libzmq
from zmq.backend.cython.context cimport Context
from zmq.backend.cython.socket cimport Socket
from zmq.backend.cython.message cimport Frame, MessageTracker
