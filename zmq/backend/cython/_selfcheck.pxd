# The type check of self in the methods of our compiled classes (cimported by each module).
#
# Cython 3 makes a method of a cdef class a cyfunction (binding=True) that takes self unchecked
# when called unbound (Socket.send("abc", b"x"), Socket.send.__get__(obj)(...), a method
# copied into another class): the body then reads a str as a Socket and crashes or reads
# garbage. No directive makes Cython check it, so check_self(cls) gives every method defined
# in cls's body a vectorcall of ours that checks args[0], with the TypeError of CPython's
# method descriptors ("descriptor 'send' for '...Socket' objects doesn't apply to a 'str'
# object"), and then does what Cython's vectorcall does (for a METH_FASTCALL|METH_KEYWORDS
# method, the common kind, it calls the method's code directly, as Cython's wrapper would
# after its own check that there is a self: so the check costs about nothing). Every call
# path of a cyfunction goes through its vectorcall (bound methods, tp_call, keyword calls).
# Properties, slots (__len__...) and __reduce__ are CPython's descriptors, which check self
# already; staticmethods and classmethods are not cyfunctions in the class dict.
#
# Per-function data (Cython's vectorcall and the class) lives next to a copy of the function's
# PyMethodDef, which the function's m_ml then points to: the check reads it with one load.
# The fast entries of send/recv (socket_fastcall.pxi) have vectorcalls of their own, which
# make the same check (cyzmq_self_at_a_glance, then PyType_IsSubtype) and raise the same error.

cdef extern from *:
    """
    #if !CYTHON_COMPILING_IN_CPYTHON || CYTHON_COMPILING_IN_LIMITED_API || !CYTHON_VECTORCALL
    #error "cyzmq's compiled core checks self in the vectorcall of its methods: CPython's full API is needed"
    #endif
    #if defined(__GNUC__) || defined(__clang__)
    #define CYZMQ_NOINLINE __attribute__((noinline))
    #else
    #define CYZMQ_NOINLINE
    #endif
    typedef PyObject *(*cyzmq_method_fastcall)(PyObject *, PyObject *const *, Py_ssize_t, PyObject *);
    typedef struct {
        PyMethodDef def;            /* a copy of the function's own: its m_ml points here */
        vectorcallfunc vectorcall;  /* Cython's */
        cyzmq_method_fastcall fastcall;  /* the method's METH_FASTCALL|METH_KEYWORDS entry, or NULL */
        PyTypeObject *type;         /* the class the method is defined in (a reference) */
    } cyzmq_checked_def;

    /* Is `self` an instance of `type` at a glance? The base first: that of zmq.Socket,
       zmq.Context and zmq.Poller is the compiled class. The full MRO walk is for the slow paths. */
    static inline int cyzmq_self_at_a_glance(PyObject *self, PyTypeObject *type) {
        PyTypeObject *t = Py_TYPE(self);
        return t->tp_base == type || t == type;
    }
    /* The TypeError of a method `name` of `type` called with `self`; returns NULL. */
    static PyObject *cyzmq_wrong_self(const char *name, PyTypeObject *type, PyObject *self) {
        PyErr_Format(PyExc_TypeError, "descriptor '%s' for '%.100s' objects doesn't apply to a '%.100s' object",
                     name, type->tp_name, Py_TYPE(self)->tp_name);
        return NULL;
    }
    /* The rest of cyzmq_checked_vectorcall (out of line, so that its fast path needs no stack
       frame): a deeper subclass, a wrong self, no argument at all (Cython's TypeError). */
    static CYZMQ_NOINLINE PyObject *cyzmq_checked_slow(PyObject *func, PyObject *const *args, size_t nargsf, PyObject *kwnames) {
        cyzmq_checked_def *d = (cyzmq_checked_def *)((PyCFunctionObject *)func)->m_ml;
        Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
        if (nargs >= 1) {
            if (!PyType_IsSubtype(Py_TYPE(args[0]), d->type)) return cyzmq_wrong_self(d->def.ml_name, d->type, args[0]);
            if (d->fastcall != NULL) return d->fastcall(args[0], args + 1, nargs - 1, kwnames);
        }
        return d->vectorcall(func, args, nargsf, kwnames);
    }
    /* With a self of the class, what Cython's vectorcall does: a METH_FASTCALL|METH_KEYWORDS
       method is called directly (Cython's wrapper only checks that there is a self). */
    static PyObject *cyzmq_checked_vectorcall(PyObject *func, PyObject *const *args, size_t nargsf, PyObject *kwnames) {
        cyzmq_checked_def *d = (cyzmq_checked_def *)((PyCFunctionObject *)func)->m_ml;
        Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
        if (nargs >= 1 && cyzmq_self_at_a_glance(args[0], d->type)) {
            if (d->fastcall != NULL) return d->fastcall(args[0], args + 1, nargs - 1, kwnames);
            return d->vectorcall(func, args, nargsf, kwnames);
        }
        return cyzmq_checked_slow(func, args, nargsf, kwnames);
    }
    static inline int cyzmq_is_cyfunction(PyObject *o) {
        const char *type_name = strrchr(Py_TYPE(o)->tp_name, '.');
        return type_name != NULL && strcmp(type_name + 1, "cython_function_or_method") == 0;
    }
    /* Give the cyfunction `func`, a method of `type`, the checking vectorcall: 1 if done, 0 if
       it has it already (an alias in the class body). */
    static int cyzmq_check_self_of(PyObject *func, PyObject *type) {
        PyCFunctionObject *cf = (PyCFunctionObject *)func;
        cyzmq_checked_def *d;
        if (cf->vectorcall == cyzmq_checked_vectorcall) return 0;
        if (cf->m_ml == NULL || cf->vectorcall == NULL) {
            PyErr_Format(PyExc_ImportError, "cannot make %R check the type of self", func);
            return -1;
        }
        d = (cyzmq_checked_def *)PyMem_Malloc(sizeof(cyzmq_checked_def));  /* never freed: the class keeps the function */
        if (d == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        d->def = *cf->m_ml;
        d->vectorcall = cf->vectorcall;
        d->fastcall = (d->def.ml_flags & ~METH_COEXIST) == (METH_FASTCALL | METH_KEYWORDS)
            ? (cyzmq_method_fastcall)(void (*)(void))d->def.ml_meth : NULL;
        Py_INCREF(type);
        d->type = (PyTypeObject *)type;
        cf->m_ml = &d->def;
        cf->vectorcall = cyzmq_checked_vectorcall;
        return 1;
    }
    """
    bint cyzmq_is_cyfunction(object o) noexcept
    int cyzmq_check_self_of(object func, object type) except -1
    bint cyzmq_self_at_a_glance(object self, type t) noexcept
    object cyzmq_wrong_self(const char *name, type t, object self)


cdef inline int check_self(type cls) except -1:
    """Make every method defined in the body of the cdef class ``cls`` check its self (call
    once, when the class is complete). Returns how many it changed."""
    cdef int n = 0
    prefix = cls.__qualname__ + "."
    for value in cls.__dict__.values():
        if cyzmq_is_cyfunction(value) and value.__qualname__.startswith(prefix):
            n += cyzmq_check_self_of(value, cls)
    return n
