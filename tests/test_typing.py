"""Static typing: the stubs and py.typed let ``mypy --strict`` check code that uses zmq.

* tests/typing_examples/*.py must type-check (that is ``make typecheck``) and must run;
* tests/typing_examples/errors/*.py must fail with exactly the errors marked ``# E: <code>``;
* the stubs must agree with the compiled modules (mypy's stubtest) and with zmq.constants.
"""
from __future__ import annotations

import ast
import glob
import importlib.util
import os
import re
import subprocess
import sys

import pytest

import zmq
from zmq.constants import SocketOption, SocketType

pytest.importorskip("mypy")

# The checkout whose zmq is under test (conftest.py makes sure it is this one).
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(zmq.__file__)))
EXAMPLES = os.path.join(ROOT, "tests", "typing_examples")
GOOD = sorted(glob.glob(os.path.join(EXAMPLES, "*.py")))
BAD = sorted(glob.glob(os.path.join(EXAMPLES, "errors", "*.py")))
CORE = os.path.join(ROOT, "zmq", "backend", "cython")
# Stubs of pure-Python modules: the async sockets, whose methods zmq/_async.py implements once.
ASYNC_STUBS = {"zmq.asyncio": os.path.join(ROOT, "zmq", "asyncio.pyi"),
               "zmq.eventloop.future": os.path.join(ROOT, "zmq", "eventloop", "future.pyi")}
TIMEOUT = 50

# The examples use typing.assert_type and `X | Y` at run time.
needs_311 = pytest.mark.skipif(sys.version_info < (3, 11), reason="the typing examples need Python 3.11+")

ERROR_LINE = re.compile(r"^(?P<path>[^:\n]+):(?P<line>\d+): error: (?P<msg>.*?)  \[(?P<code>[a-z0-9-]+)\]$", re.M)


@pytest.fixture(scope="module")
def mypy_cache(tmp_path_factory):
    """A cache directory shared by this module's mypy runs (kept out of the checkout)."""
    return str(tmp_path_factory.mktemp("mypy_cache"))


def _env() -> dict[str, str]:
    """The environment for running code against the zmq under test."""
    return dict(os.environ, PYTHONPATH=ROOT)


def run_mypy(*args: str, cache_dir: str) -> subprocess.CompletedProcess[str]:
    """``python -m mypy --strict ARGS`` from the checkout root, as ``make typecheck`` runs it.

    Not with PYTHONPATH=ROOT: mypy would then treat zmq as an installed package and hide
    errors inside it, while `make typecheck` (zmq found in the working directory) shows them.
    """
    cmd = [sys.executable, "-m", "mypy", "--strict", "--cache-dir", cache_dir, *args]
    try:
        return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"{' '.join(cmd)} took more than {e.timeout} s")


def test_package_is_marked_typed():
    assert os.path.isfile(os.path.join(ROOT, "zmq", "py.typed"))
    # Every compiled module with public names has its stub next to it.
    for pyx in glob.glob(os.path.join(CORE, "*.pyx")):
        name = os.path.basename(pyx)[:-4]
        if name != "_check":  # nothing public in there
            assert os.path.isfile(os.path.join(CORE, name + ".pyi")), f"no stub for {name}.pyx"
    for path in ASYNC_STUBS.values():
        assert os.path.isfile(path) and os.path.isfile(path[:-1]), path


def test_examples_exist():
    assert len(GOOD) >= 3 and BAD


@needs_311
def test_make_typecheck_passes(mypy_cache):
    # Exactly `make typecheck`: the root mypy.ini keeps errors/ out of the directory walk.
    proc = run_mypy("tests/typing_examples", cache_dir=mypy_cache)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"no issues found in {len(GOOD)} source files" in proc.stdout


def _expected_errors(path: str) -> set[tuple[int, str]]:
    expected = set()
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            m = re.search(r"#\s*E:\s*([a-z0-9-]+)\s*$", line)
            if m:
                expected.add((lineno, m.group(1)))
    return expected


@needs_311
@pytest.mark.parametrize("path", BAD, ids=os.path.basename)
def test_error_examples_fail_as_marked(path, mypy_cache):
    expected = _expected_errors(path)
    assert expected, f"{path} marks no expected error (# E: <code>)"
    proc = run_mypy(os.path.relpath(path, ROOT), cache_dir=mypy_cache)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    # Only this file's errors count here (test_make_typecheck_passes covers the package).
    errors = [m.groupdict() for m in ERROR_LINE.finditer(proc.stdout)]
    found = {(int(e["line"]), e["code"]) for e in errors if os.path.join(ROOT, e["path"]) == path}
    assert found == expected, proc.stdout
    # The headline mistake is reported the way a user would read it.
    assert 'expression has type "bytes", variable has type "str"' in proc.stdout


@needs_311
@pytest.mark.parametrize(
    "path", GOOD,
    ids=os.path.basename)
def test_examples_run(path):
    # The examples are real programs: what they assert about types holds at run time too.
    try:
        proc = subprocess.run(
            [sys.executable, "-W", "error", path], cwd=ROOT, env=_env(),
            capture_output=True, text=True, timeout=30,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{path} did not finish in 30 s")
    assert proc.returncode == 0, proc.stdout + proc.stderr


STUBTEST_CONFIG = """\
[mypy]
# stubtest compares stubs with the compiled modules; the pure-Python modules it has to
# analyse on the way are make typecheck's business, so their errors must not stop it.
[mypy-zmq.*]
ignore_errors = True
[mypy-zmq.backend.cython.*]
ignore_errors = False
[mypy-zmq.constants]
ignore_errors = False
[mypy-zmq.asyncio]
ignore_errors = False
[mypy-zmq.eventloop.future]
ignore_errors = False
"""


def test_stubs_match_runtime(tmp_path):
    # mypy's stubtest imports the modules and compares them with their stubs: the compiled
    # ones, and the async ones whose stubs type the methods of zmq._async's mixin.
    allowlist = os.path.join(ROOT, "tests", "stubtest_allowlist.txt")
    config = tmp_path / "stubtest.ini"
    config.write_text(STUBTEST_CONFIG)
    async_modules = [m for m in ASYNC_STUBS if m != "zmq.eventloop.future" or importlib.util.find_spec("tornado")]
    modules = ["zmq.constants", *async_modules] + [
        f"zmq.backend.cython.{os.path.basename(p)[:-4]}" for p in sorted(glob.glob(os.path.join(CORE, "*.pyi")))
    ]
    cmd = [sys.executable, "-m", "mypy.stubtest", "--concise", "--mypy-config-file", str(config),
           "--allowlist", allowlist, "--ignore-unused-allowlist", *modules]
    try:
        proc = subprocess.run(cmd, cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"stubtest took more than {TIMEOUT} s")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_package_type_checks(mypy_cache):
    """``mypy --strict -p zmq``: the stubs and the pure-Python modules type-check cleanly.
    (The async mixins in zmq/_async.py override zmq.Socket's methods with future-returning
    ones on purpose; the public async types come from zmq/asyncio.pyi and
    zmq/eventloop/future.pyi.)"""
    pytest.importorskip("tornado")  # zmq.eventloop's modules are typed against it
    proc = run_mypy("-p", "zmq", cache_dir=mypy_cache)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _class_members(path: str, name: str) -> dict[str, str]:
    """The members a stub declares in class ``name``: their ast dumps, docstrings left out."""
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            members: dict[str, str] = {}
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    # overloads are kept apart by their position in the class body
                    item.body = []
                    members[f"{item.name}#{len(members)}"] = ast.dump(item)
                elif isinstance(item, ast.Assign):
                    members[f"{ast.unparse(item.targets[0])}#{len(members)}"] = ast.dump(item)
            return members
    raise AssertionError(f"no class {name} in {path}")


def _class_bases(path: str, name: str) -> list[str]:
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            return [ast.unparse(b) for b in node.bases]
    raise AssertionError(f"no class {name} in {path}")


def test_async_stubs_agree():
    # zmq.asyncio and zmq.eventloop.future share their implementation (zmq._async): their
    # Socket and Context take the types declared once on zmq/asyncio.pyi's bases, as at run
    # time, and their Pollers are declared alike.
    import zmq.asyncio
    import zmq.eventloop.future

    for module in (zmq.asyncio, zmq.eventloop.future):
        assert issubclass(module.Socket, zmq.asyncio._AsyncSocket)
        assert issubclass(module.Context, zmq.asyncio._AsyncContext)
    for path in ASYNC_STUBS.values():
        assert _class_bases(path, "Socket") == ["_AsyncSocket"]
        assert _class_bases(path, "Context") == ["_AsyncContext", "zmq.Context[Socket]"]
    ours, tornados = (_class_members(path, "Poller") for path in ASYNC_STUBS.values())
    assert ours == tornados


def test_async_stubs_cover_the_mixins():
    """Every public method of zmq._async's mixins is declared in the stubs, except those
    whose types are the synchronous ones: anything else would be typed as returning a value
    where the socket returns a future."""
    from zmq._async import AsyncSocketMixin
    from zmq._async_poller import AsyncPollerMixin

    same_as_sync = {"bind", "connect", "close", "get", "getsockopt"}
    public = {n for n, v in vars(AsyncSocketMixin).items() if not n.startswith("_") and callable(v)}
    assert same_as_sync <= public
    declared = {key.split("#")[0] for key in _class_members(ASYNC_STUBS["zmq.asyncio"], "_AsyncSocket")}
    assert public - same_as_sync <= declared, sorted(public - same_as_sync - declared)
    public = {n for n, v in vars(AsyncPollerMixin).items() if not n.startswith("_") and callable(v)}
    for path in ASYNC_STUBS.values():
        declared = {key.split("#")[0] for key in _class_members(path, "Poller")}
        assert public <= declared, (path, sorted(public - declared))


def test_constants_stub_is_current():
    # zmq/constants.pyi is generated from zmq/constants.py and must follow its changes.
    proc = subprocess.run(
        [sys.executable, "-m", "buildutils.constants_stub", "--check"], cwd=ROOT, env=_env(),
        capture_output=True, text=True, timeout=30,
    )
    assert proc.returncode == 0, proc.stderr


def _literal_members(tree: ast.Module, alias: str) -> list[str]:
    for node in tree.body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == [alias]:
            value = node.value
            assert isinstance(value, ast.Subscript) and getattr(value.value, "id", None) == "Literal"
            elts = value.slice.elts if isinstance(value.slice, ast.Tuple) else [value.slice]
            names = []
            for e in elts:
                assert isinstance(e, ast.Attribute) and getattr(e.value, "id", None) == "SocketOption"
                names.append(e.attr)
            return names
    raise AssertionError(f"{alias} not found in socket.pyi")


def test_socket_get_overloads_cover_every_option(context):
    """Socket.get's overloads sort every SocketOption into bytes or int (TYPE: SocketType),
    and every option libzmq lets us read here returns what its overload promises."""
    with open(os.path.join(CORE, "socket.pyi"), encoding="utf-8") as f:
        tree = ast.parse(f.read())
    as_bytes = _literal_members(tree, "_BytesOption")
    as_int = _literal_members(tree, "_IntOption")
    assert len(set(as_bytes)) == len(as_bytes) and len(set(as_int)) == len(as_int)
    assert not set(as_bytes) & set(as_int)
    assert set(as_bytes) | set(as_int) | {"TYPE"} == set(SocketOption.__members__)

    checked = set()
    for stype in (zmq.PUB, zmq.SUB, zmq.REQ, zmq.REP, zmq.ROUTER, zmq.DEALER, zmq.PUSH, zmq.PULL,
                  zmq.XPUB, zmq.XSUB, zmq.PAIR, zmq.STREAM):
        s = context.socket(stype)
        try:
            for name, opt in SocketOption.__members__.items():
                try:
                    value = s.get(opt)
                except zmq.ZMQError:
                    continue  # write-only, draft, or not for this socket type
                if name == "TYPE":
                    assert type(value) is SocketType, (name, value)
                elif name in as_bytes:
                    assert type(value) is bytes, (name, value)
                else:
                    assert type(value) is int, (name, value)
                checked.add(name)
        finally:
            s.close(linger=0)
    assert len(checked) > 60, sorted(checked)
