"""The CFFI backend's build-free loading: its pre-parsed declarations are current."""
from __future__ import annotations

import pytest

pytest.importorskip("cffi")

from zmq.backend.cffi import _declarations  # noqa: E402


def test_the_out_of_line_abi_module_matches_the_declarations(tmp_path):
    # _cffi_abi.py is generated from _declarations.py and committed: regenerating it must
    # change nothing (run `python -m zmq.backend.cffi._declarations` after editing them).
    fresh = tmp_path / "_cffi_abi.py"
    _declarations.generate(str(fresh))
    with open(_declarations.PATH, "rb") as f:
        committed = f.read()
    assert fresh.read_bytes() == committed, "zmq/backend/cffi/_cffi_abi.py is stale: python -m zmq.backend.cffi._declarations"


def _functions(cdef: str) -> list[str]:
    return [line.split("(")[0].split()[-1].lstrip("*") for line in cdef.splitlines()
            if "(" in line and not line.startswith("typedef")]


def test_the_declared_libzmq_functions_are_in_the_loaded_library():
    from zmq.backend.cffi._ffi import DRAFT_API, has_symbol

    assert len(_functions(_declarations.CDEF)) > 30
    missing = [name for name in _functions(_declarations.CDEF) if not has_symbol(name)]
    assert not missing
    assert DRAFT_API == all(has_symbol(name) for name in _functions(_declarations.DRAFT_CDEF))
