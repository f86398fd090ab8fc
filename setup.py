"""Build the compiled core of cyzmq against the system libzmq.

Everything about finding libzmq lives in ``buildutils``; this file only lists the
extension modules. On PyPy, or with ``CYZMQ_NO_EXTENSIONS=1`` (a machine without a C
compiler), nothing is compiled: cyzmq then runs on its CFFI backend, which needs the
``cffi`` package and libzmq's shared library at run time only.
"""
import importlib.util
import os
import platform
import sys

from setuptools import Extension, setup

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from buildutils.libzmq import find_libzmq  # noqa: E402

CORE = "zmq/backend/cython"
MODULES = ["_check", "message", "context", "socket", "_utils", "_devices", "_optattr", "_poller"]


def compiled() -> bool:
    """Whether to build the Cython core (not on PyPy, not when CYZMQ_NO_EXTENSIONS is set)."""
    return platform.python_implementation() != "PyPy" and not os.environ.get("CYZMQ_NO_EXTENSIONS")


def extensions():
    if not compiled():
        return []
    cfg = find_libzmq()
    exts = [
        Extension(
            f"zmq.backend.cython.{name}",
            [f"{CORE}/{name}.pyx"],
            include_dirs=[CORE] + cfg.include_dirs,
            library_dirs=cfg.library_dirs,
            runtime_library_dirs=cfg.runtime_library_dirs,
            libraries=cfg.libraries,
            define_macros=cfg.define_macros,
            extra_compile_args=["-O2"],
        )
        for name in MODULES
    ]
    from Cython.Build import cythonize

    return cythonize(
        exts,
        compiler_directives={
            "language_level": "3",
            "embedsignature": True,
        },
        include_path=[CORE],
        nthreads=int(os.environ.get("CYZMQ_CYTHON_JOBS", "2")),
        annotate=bool(os.environ.get("CYZMQ_ANNOTATE")),
    )


def companion_requirement():
    """cyzmq's requirement on its `pyzmq` companion (packaging/companion.py says why)."""
    # Loaded by path: a `packaging` package import would find the PyPI project of that name.
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "packaging", "companion.py")
    spec = importlib.util.spec_from_file_location("_cyzmq_companion", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.requirement()


setup(
    ext_modules=extensions(),
    install_requires=[companion_requirement()] + ([] if compiled() else ["cffi>=1.15; platform_python_implementation != 'PyPy'"]),
)
