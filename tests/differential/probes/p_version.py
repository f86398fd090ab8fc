"""Probes of the version functions and names (zmq.__version__, pyzmq_version, VERSION_*)."""
import zmq
from _probe import call, probe, rec


@probe
def probe_version_strings():
    rec(zmq.__version__)
    rec(zmq.pyzmq_version())
    rec(zmq.pyzmq_version_info())
    rec(zmq.__revision__)


@probe
def probe_libzmq_version():
    rec(zmq.zmq_version())
    rec(zmq.zmq_version_info())
    rec(type(zmq.zmq_version_info()).__name__)
    rec(zmq.zmq_version() == ".".join(map(str, zmq.zmq_version_info())))


@probe
def probe_sugar_version_module():
    import zmq.sugar.version as v

    for name in ("VERSION_MAJOR", "VERSION_MINOR", "VERSION_PATCH", "VERSION_EXTRA", "version_info",
                 "__version__", "__revision__"):
        rec([name, getattr(v, name, "missing")])
    rec(sorted(v.__all__))


@probe
def probe_version_names_on_zmq():
    rec(sorted(n for n in dir(zmq) if "VERSION" in n.upper() or "version" in n))


@probe
def probe_version_comparisons():
    rec(zmq.pyzmq_version_info() >= (27,))
    rec(zmq.pyzmq_version_info()[:2] >= (22, 0))
    rec(zmq.__version__.split(".")[0].isdigit())
    call(lambda: tuple(int(p) for p in zmq.__version__.split(".")))


@probe
def probe_version_function_types():
    for fn in (zmq.pyzmq_version, zmq.pyzmq_version_info, zmq.zmq_version, zmq.zmq_version_info):
        rec([fn.__name__, type(fn()).__name__])


@probe
def probe_stopwatch():
    import time

    w = zmq.Stopwatch()
    w.start()
    time.sleep(0.01)  # (the interval the stopwatch measures)
    t = w.stop()
    rec([type(t).__name__, 5000 <= t < 2_000_000])
    t2 = w.stop()
    rec([type(t2).__name__, t2 >= t])
    w.start()
    w.start()
    rec(type(w.stop()).__name__)
    rec(sorted(n for n in dir(w) if not n.startswith("_")))


@probe
def probe_stopwatch_stop_before_start():
    w = zmq.Stopwatch()
    call(lambda: type(w.stop()).__name__)
