"""Refuse to run from a ``zmq/`` directory into which pyzmq's wheel was installed as well.

pyzmq and cyzmq both install the top-level package ``zmq``. cyzmq requires its ``pyzmq``
companion (packaging/companion.py), which resolvers take as pyzmq, but one can still be
written over the other (``pip install --no-deps``, an upgrade to a newer pyzmq, another
installer):

- cyzmq over pyzmq: cyzmq's files replace those both ship, pyzmq's other files stay, and
  this module (imported first by ``zmq/__init__.py``) raises ImportError at once, naming
  both distributions and the fix. It only stats two files of pyzmq's compiled backend,
  which cyzmq's wheel never has.
- pyzmq over cyzmq: pyzmq's files replace ``zmq/__init__.py`` and everything it imports,
  so ``import zmq`` is wholly pyzmq's; pip (and ``pip check``) name cyzmq's broken requirement.
"""
import os

#: Files (relative to ``zmq/``) that pyzmq's wheels have (27.2.0 and 27.3.0 were checked)
#: and cyzmq's never has (tests/test_swapin.py checks it against the wheels it builds).
MARKERS = (os.path.join("backend", "cython", "_zmq.py"), os.path.join("backend", "cython", "constant_enums.pxi"))

FIX_CYZMQ = "pip install --force-reinstall --find-links DIR cyzmq"
FIX_PYZMQ = "pip uninstall -y cyzmq pyzmq && pip install pyzmq"


def check(pkg_dir: str) -> None:
    """Raise ImportError if pyzmq's files are in *pkg_dir* (the ``zmq/`` being imported).

    Parameters
    ----------
    pkg_dir : str
        The directory of the ``zmq`` package.

    Raises
    ------
    ImportError
        Naming the two distributions found and the commands that repair the install.
    """
    for marker in MARKERS:
        if os.path.exists(os.path.join(pkg_dir, marker)):
            raise ImportError(message(pkg_dir), name="zmq", path=pkg_dir)


def message(pkg_dir: str) -> str:
    """The error text for a *pkg_dir* holding the files of both pyzmq and cyzmq."""
    import importlib.metadata

    found = {"cyzmq": "cyzmq", "pyzmq": "pyzmq"}
    for dist in importlib.metadata.distributions(path=[os.path.dirname(pkg_dir)]):
        name = (dist.metadata["Name"] or "").lower()
        if name in found:
            found[name] = f"{name} {dist.version}"
    return (
        f"{pkg_dir} mixes the files of two distributions, {found['cyzmq']} and {found['pyzmq']}: "
        "cyzmq was installed over pyzmq without removing it. Repair it with one of:\n"
        f"    {FIX_CYZMQ}    # keep cyzmq (DIR: where the wheels of `make dist` are)\n"
        f"    {FIX_PYZMQ}    # go back to pyzmq\n"
        "(see 'Swapping cyzmq in for pyzmq' in docs/install.md)"
    )


check(os.path.dirname(__file__))
