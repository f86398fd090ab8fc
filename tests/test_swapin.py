"""Swapping cyzmq in for pyzmq with plain pip (and uv), in throwaway venvs, offline.

cyzmq's wheel requires its files-less ``pyzmq`` companion (packaging/companion.py), so
packages that require ``pyzmq`` find it met. These tests install the real wheels:

- cyzmq's, built once per run from this checkout (as ``make dist`` does), and the companion;
- pyzmq's own wheel (the oracle release of the Makefile), from pip's wheel cache, where
  ``make oracle`` leaves it (built from the sdist if it is not there);
- stand-ins built here for jupyter_client, ipykernel and ipyparallel (each requires
  ``pyzmq``), and for a pyzmq release newer than the one cyzmq implements.

Every pip and uv run uses ``--no-index --find-links`` and no configuration file.
"""
from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from zmq import _collision

ROOT = Path(__file__).resolve().parents[1]
PYZMQ_VERSION = re.search(r"^PYZMQ_VERSION := (\S+)$", (ROOT / "Makefile").read_text(), re.M).group(1)
#: A pyzmq release newer than any cyzmq implements, as an index will offer some day.
FUTURE_PYZMQ = "99.0.0"

pytestmark = pytest.mark.timeout(300)


def _load_companion():
    spec = importlib.util.spec_from_file_location("_cyzmq_companion", ROOT / "packaging" / "companion.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


companion = _load_companion()
API_LEVEL, CYZMQ_VERSION = companion.versions()
COMPANION_VERSION = companion.companion_version()

# Runs inside a venv: what is installed, what `import zmq` loads, and whether it works.
INSPECT = textwrap.dedent(
    """
    import base64, hashlib, importlib, json, os, sys, sysconfig
    import importlib.metadata as md

    site = sysconfig.get_paths()["purelib"]
    out = {"dists": {}, "zmq_files": [], "import_error": None}
    for dist in md.distributions(path=[site]):
        name = dist.metadata["Name"].lower().replace("_", "-")
        files = {str(f): f.hash.value for f in dist.files or () if f.hash and str(f).startswith("zmq/")}
        out["dists"][name] = {"version": dist.version, "requires": dist.requires or [], "files": files}
    for base, dirs, names in os.walk(os.path.join(site, "zmq")):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        out["zmq_files"] += [os.path.relpath(os.path.join(base, n), site).replace(os.sep, "/") for n in names]
    try:
        import zmq
        for name in ("zmq.asyncio", "zmq.devices", "zmq.auth", "zmq.auth.thread", "zmq.log.handlers",
                     "zmq.utils.monitor", "zmq.utils.z85", "zmq.utils.jsonapi", "zmq.decorators", "zmq.ssh"):
            importlib.import_module(name)
        for app in ("standin_client", "standin_kernel", "standin_parallel"):
            if any(d.replace("_", "-") == app.replace("_", "-") for d in out["dists"]):
                importlib.import_module(app)
        ctx = zmq.Context()
        a, b = ctx.socket(zmq.PAIR), ctx.socket(zmq.PAIR)
        a.bind("inproc://swapin")
        b.connect("inproc://swapin")
        b.rcvtimeo = 5000
        a.send(b"ping")
        out["roundtrip"] = b.recv() == b"ping"
        a.close(linger=0)
        b.close(linger=0)
        ctx.term()
    except Exception as e:
        out["import_error"] = f"{type(e).__name__}: {e}"
    modules = {}
    for name, module in sorted(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if (name == "zmq" or name.startswith("zmq.")) and path:
            with open(path, "rb") as f:
                digest = base64.urlsafe_b64encode(hashlib.sha256(f.read()).digest()).rstrip(b"=").decode()
            modules[name] = [os.path.relpath(path, site).replace(os.sep, "/"), digest]
    out["modules"] = modules
    print(json.dumps(out))
    """
)


def _tool_env(tmp: Path) -> dict[str, str]:
    """The environment of every pip/uv run: no configuration, index or cache of this machine."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_", "PYTHON", "VIRTUAL_ENV", "ZMQ_BACKEND"))}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1",
               UV_NO_CONFIG="1", UV_CACHE_DIR=str(tmp / "uv-cache"), UV_PYTHON_DOWNLOADS="never",
               NO_COLOR="1")
    return env


class Venv:
    """A venv without pip of its own, driven by this interpreter's pip (``pip --python``)."""

    def __init__(self, path: Path, wheels: dict[str, Path]):
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True, timeout=60)
        self.path = path
        self.python = path / "bin" / "python"
        self.wheels = wheels
        self.env = _tool_env(path.parent)

    def _run(self, cmd: list[str], ok: bool) -> str:
        r = subprocess.run(cmd, cwd=self.path, env=self.env, capture_output=True, text=True, timeout=120)
        out = r.stdout + r.stderr
        assert (r.returncode == 0) == ok, f"{' '.join(cmd)} -> {r.returncode}\n{out}"
        return out

    def _links(self, links: tuple[str, ...]) -> list[str]:
        return ["--no-index"] + [a for name in links for a in ("--find-links", str(self.wheels[name]))]

    def pip(self, *args: str, links: tuple[str, ...] = (), ok: bool = True) -> str:
        """Run ``pip <args>`` on this venv, finding wheels only in the named wheel dirs."""
        cmd = [sys.executable, "-m", "pip", "--python", str(self.python), "--no-cache-dir", *args]
        if args[0] in ("install", "download", "wheel"):
            cmd += self._links(links)
        return self._run(cmd, ok)

    def uv(self, *args: str, links: tuple[str, ...] = (), ok: bool = True) -> str:
        """Run ``uv pip <args>`` on this venv, finding wheels only in the named wheel dirs."""
        cmd = [UV, "pip", args[0], "--python", str(self.python), *args[1:]]
        if args[0] == "install":
            cmd += self._links(links)
        return self._run(cmd, ok)

    def state(self) -> dict:
        """What is installed in the venv, and what ``import zmq`` gives (see INSPECT)."""
        r = subprocess.run([str(self.python), "-c", INSPECT], cwd=self.path, env=self.env,
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)


def _uv() -> str | None:
    here = Path(sys.executable).parent / "uv"
    return str(here) if here.exists() else shutil.which("uv")


UV = _uv()


def _wheel_names(path: Path) -> set[str]:
    import zipfile

    with zipfile.ZipFile(path) as zf:
        return set(zf.namelist())


def _pyzmq_wheel(dest: Path) -> Path:
    """pyzmq's own wheel for this interpreter, from pip's wheel cache (else built from the sdist)."""
    pypy = sys.implementation.name == "pypy"
    tag = f"-{'pp' if pypy else 'cp'}{sys.version_info[0]}{sys.version_info[1]}-"
    r = subprocess.run([sys.executable, "-m", "pip", "cache", "list", f"pyzmq-{PYZMQ_VERSION}-", "--format", "abspath"],
                       capture_output=True, text=True, timeout=60)
    cached = [Path(p) for p in r.stdout.split() if tag in Path(p).name]
    dest.mkdir(parents=True, exist_ok=True)
    if cached:
        shutil.copy(cached[0], dest)
    else:
        # PyPy: pyzmq's published wheel (building one needs PyPy's C headers, pypy3-dev)
        subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                        "--only-binary" if pypy else "--no-binary", "pyzmq",
                        "-w", str(dest), f"pyzmq=={PYZMQ_VERSION}"], check=True, timeout=900)
    (wheel,) = dest.glob("pyzmq-*.whl")
    return wheel


class _BuildLock:
    """Holds $CYZMQ_BUILD_LOCK (if set) while the wheel build writes build/ in the checkout."""

    def __enter__(self):
        self.f = None
        if os.environ.get("CYZMQ_BUILD_LOCK"):
            import fcntl

            self.f = open(os.environ["CYZMQ_BUILD_LOCK"], "a")
            fcntl.flock(self.f, fcntl.LOCK_EX)

    def __exit__(self, *exc):
        if self.f:
            self.f.close()


@pytest.fixture(scope="module")
def wheels(tmp_path_factory) -> dict[str, Path]:
    """Wheel directories, built once: ours (cyzmq + companion), pypi (pyzmq), future, apps, apps_next."""
    base = tmp_path_factory.mktemp("wheelhouse")
    dirs = {name: base / name for name in ("ours", "pypi", "future", "apps", "apps_next")}
    with _BuildLock():
        subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                        "--no-cache-dir", "-w", str(dirs["ours"]), str(ROOT)],
                       check=True, timeout=600, capture_output=True)
    companion.build(str(dirs["ours"]))
    _pyzmq_wheel(dirs["pypi"])
    companion.write_wheel(str(dirs["future"]), "pyzmq", FUTURE_PYZMQ, files={
        "zmq/__init__.py": b'raise ImportError("stand-in for a pyzmq release newer than cyzmq implements")\n'})
    apps = [("standin_client", "pyzmq>=23", ""), ("standin_kernel", "pyzmq>=25", "standin_client>=1"),
            ("standin_parallel", "pyzmq>=25", "standin_kernel>=1")]
    for dirname, version in (("apps", "1.0"), ("apps_next", "1.1")):
        for name, pyzmq_req, other in apps:
            requires = f"Requires-Dist: {pyzmq_req}\n" + (f"Requires-Dist: {other}\n" if other else "")
            companion.write_wheel(str(dirs[dirname]), name, version, requires,
                                  files={f"{name}.py": b"import zmq\n"})
    return dirs


def _pip_args(command: str) -> list[str]:
    """The arguments of ``pip ...`` in *command*, without its ``--find-links DIR`` (given as links)."""
    args = command.split()
    assert args[0] == "pip"
    if "--find-links" in args:
        i = args.index("--find-links")
        assert args[i + 1] == "DIR"
        del args[i:i + 2]
    return args[1:]


def _release(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("+")[0].split("."))


def _imported_as(state: dict) -> str:
    """'cyzmq' or 'pyzmq' if every zmq module loaded is that distribution's file, byte for byte."""
    assert state["import_error"] is None, state["import_error"]
    assert state.get("roundtrip") is True
    modules = state["modules"].values()
    for name, dist in state["dists"].items():
        if name in ("cyzmq", "pyzmq") and all(dist["files"].get(path) == digest for path, digest in modules):
            return name
    return f"mixed: {state['modules']}"


def _exactly_files_of(state: dict, name: str) -> None:
    """zmq/ holds exactly the files of distribution *name*, and no other owns any of them."""
    assert sorted(state["zmq_files"]) == sorted(state["dists"][name]["files"])
    for other, dist in state["dists"].items():
        if other != name:
            assert not dist["files"], f"{other} owns files in zmq/ too"


def _assert_swapped_in(venv: Venv) -> dict:
    state = venv.state()
    assert state["dists"]["cyzmq"]["version"] == CYZMQ_VERSION
    assert state["dists"]["pyzmq"]["version"] == COMPANION_VERSION
    _exactly_files_of(state, "cyzmq")
    assert _imported_as(state) == "cyzmq"
    return state


APPS = ("standin_client", "standin_kernel", "standin_parallel")


def test_wheels(wheels, tmp_path):
    """cyzmq's wheel requires exactly its companion; the companion holds nothing but metadata."""
    (ours,) = wheels["ours"].glob("cyzmq-*.whl")
    (comp,) = wheels["ours"].glob("pyzmq-*.whl")
    (real,) = wheels["pypi"].glob("pyzmq-*.whl")
    assert comp.name == f"pyzmq-{COMPANION_VERSION}-py3-none-any.whl"
    assert Path(companion.build(str(tmp_path))).read_bytes() == comp.read_bytes()  # reproducible
    assert all(n.startswith(f"pyzmq-{COMPANION_VERSION}.dist-info/") for n in _wheel_names(comp))
    import zipfile

    with zipfile.ZipFile(ours) as zf:
        meta = zf.read(f"cyzmq-{CYZMQ_VERSION}.dist-info/METADATA").decode()
    requires = [line.split(": ", 1)[1] for line in meta.splitlines() if line.startswith("Requires-Dist: ")]
    # a wheel without the compiled core (PyPy's) runs on the CFFI backend: it needs cffi too
    # (built into PyPy)
    compiled = any(n.endswith((".so", ".pyd")) for n in _wheel_names(ours))
    cffi = ['cffi>=1.15; platform_python_implementation != "PyPy"']
    assert [r for r in requires if "extra ==" not in r] == [companion.requirement()] + ([] if compiled else cffi)
    with zipfile.ZipFile(comp) as zf:
        assert "Requires-Dist" not in zf.read(f"pyzmq-{COMPANION_VERSION}.dist-info/METADATA").decode()
    # The public part of the companion's version is the API level zmq reports.
    import zmq

    assert API_LEVEL == zmq.pyzmq_version()
    # The collision markers are files of pyzmq's wheel that cyzmq's never has.
    for marker in _collision.MARKERS:
        name = "zmq/" + marker.replace(os.sep, "/")
        assert name in _wheel_names(real)
        assert name not in _wheel_names(ours)


def test_swap_in_then_apps_and_upgrades(wheels, tmp_path):
    """Fresh venv: `pip install cyzmq`, then the apps and every upgrade keep zmq cyzmq's."""
    venv = Venv(tmp_path / "venv", wheels)
    out = venv.pip("install", "cyzmq", links=("ours",))
    assert f"Successfully installed cyzmq-{CYZMQ_VERSION} pyzmq-{COMPANION_VERSION}" in out
    _assert_swapped_in(venv)

    out = venv.pip("install", *APPS, links=("apps", "pypi", "ours"))
    assert f"Requirement already satisfied: pyzmq>=2" in out
    assert "Successfully installed standin_client-1.0 standin_kernel-1.0 standin_parallel-1.0" in out
    _assert_swapped_in(venv)
    # Upgrades of the apps (default strategy, only-if-needed) leave pyzmq alone, even with
    # the real pyzmq and a newer release on offer.
    out = venv.pip("install", "-U", *APPS, links=("apps_next", "pypi", "future", "ours"))
    assert "Successfully installed standin_client-1.1 standin_kernel-1.1 standin_parallel-1.1" in out
    assert "pyzmq" not in out.split("Installing collected packages:")[-1], out
    _assert_swapped_in(venv)
    # An explicit upgrade of pyzmq keeps the companion while the index has no pyzmq newer than
    # the API level: PEP 440 sorts 27.3.0+cyzmq.0.1.0 above 27.3.0.
    offered = ("pypi", "ours") if _release(PYZMQ_VERSION) <= _release(API_LEVEL) else ("ours",)
    out = venv.pip("install", "-U", "pyzmq", links=offered)
    assert f"Requirement already satisfied: pyzmq in" in out and f"({COMPANION_VERSION})" in out
    # `pyzmq==27.3.0` is met by 27.3.0+cyzmq... (a local label is ignored against a public version).
    out = venv.pip("install", f"pyzmq=={API_LEVEL}", links=("pypi",))
    assert "Requirement already satisfied" in out
    _assert_swapped_in(venv)
    assert "No broken requirements found." in venv.pip("check")
    _assert_swapped_in(venv)

    # Uninstalling our two distributions leaves no zmq/ at all.
    venv.pip("uninstall", "-y", "cyzmq", "pyzmq")
    state = venv.state()
    assert state["zmq_files"] == []
    assert state["import_error"] == "ModuleNotFoundError: No module named 'zmq'"


def test_swap_into_jupyter_env_and_back(wheels, tmp_path):
    """Apps with the real pyzmq first; `pip install cyzmq` replaces it cleanly; and back again."""
    venv = Venv(tmp_path / "venv", wheels)
    out = venv.pip("install", *APPS, links=("apps", "pypi"))
    assert f"pyzmq-{PYZMQ_VERSION}" in out.splitlines()[-1]
    assert _imported_as(venv.state()) == "pyzmq"

    out = venv.pip("install", "cyzmq", links=("ours", "pypi"))
    assert f"Successfully uninstalled pyzmq-{PYZMQ_VERSION}" in out
    assert f"Successfully installed cyzmq-{CYZMQ_VERSION} pyzmq-{COMPANION_VERSION}" in out
    # pip installed the companion (so uninstalled pyzmq) before cyzmq wrote its files.
    assert out.index("Successfully uninstalled pyzmq") < out.index("Successfully installed")
    _assert_swapped_in(venv)
    assert "No broken requirements found." in venv.pip("check")

    # The way back: remove both, install pyzmq.
    venv.pip("uninstall", "-y", "cyzmq", "pyzmq")
    out = venv.pip("install", "pyzmq", links=("pypi",))
    assert f"Successfully installed pyzmq-{PYZMQ_VERSION}" in out
    state = venv.state()
    _exactly_files_of(state, "pyzmq")
    assert _imported_as(state) == "pyzmq"
    assert "No broken requirements found." in venv.pip("check")


def _force_cyzmq_over_pyzmq(venv: Venv) -> None:
    """cyzmq forced over pyzmq (--no-deps): `import zmq` fails at once, naming both and the fix."""
    venv.pip("install", "--no-deps", "cyzmq", links=("ours",))
    state = venv.state()
    err = state["import_error"]
    assert err.startswith("ImportError: ") and "mixes the files of two distributions" in err
    assert f"cyzmq {CYZMQ_VERSION} and pyzmq {PYZMQ_VERSION}" in err
    assert _collision.FIX_CYZMQ in err and _collision.FIX_PYZMQ in err
    assert state["modules"] == {}  # it failed first thing: no zmq module stayed loaded


def test_cyzmq_forced_over_pyzmq_refuses_with_the_fix(wheels, tmp_path):
    """cyzmq forced over pyzmq: refused at import; each of the two fixes leaves a clean install."""
    venv = Venv(tmp_path / "venv", wheels)
    venv.pip("install", "pyzmq", links=("pypi",))
    _force_cyzmq_over_pyzmq(venv)
    # The fix that goes back to pyzmq.
    uninstall, install = _collision.FIX_PYZMQ.split(" && ")
    venv.pip(*_pip_args(uninstall))
    venv.pip(*_pip_args(install), links=("pypi",))
    state = venv.state()
    _exactly_files_of(state, "pyzmq")
    assert _imported_as(state) == "pyzmq"
    # Again, and the fix that keeps cyzmq (DIR being the wheel directory).
    _force_cyzmq_over_pyzmq(venv)
    venv.pip(*_pip_args(_collision.FIX_CYZMQ), links=("ours",))
    _assert_swapped_in(venv)
    assert "No broken requirements found." in venv.pip("check")


def test_pyzmq_forced_over_cyzmq_is_wholly_pyzmq(wheels, tmp_path):
    """pyzmq forced over cyzmq (--no-deps): `import zmq` is pyzmq's, file for file; pip check says so."""
    venv = Venv(tmp_path / "venv", wheels)
    venv.pip("install", "cyzmq", links=("ours",))
    venv.pip("install", "--no-deps", "--force-reinstall", f"pyzmq=={PYZMQ_VERSION}", links=("pypi",))
    state = venv.state()
    assert _imported_as(state) == "pyzmq"
    out = venv.pip("check", ok=False)
    assert f"cyzmq {CYZMQ_VERSION} has requirement {companion.requirement()}, but you have pyzmq {PYZMQ_VERSION}" in out

    # The fix from docs/install.md: back to a clean cyzmq.
    venv.pip(*_pip_args(_collision.FIX_CYZMQ), links=("ours",))
    _assert_swapped_in(venv)
    assert "No broken requirements found." in venv.pip("check")


def test_newer_pyzmq_replaces_the_companion_when_asked(wheels, tmp_path):
    """Asked for a pyzmq newer than the companion, pip installs it over cyzmq, and says so.

    An eager upgrade of the apps, ``pip install -U pyzmq`` or ``pip install pyzmq==X`` while
    the index has a newer pyzmq: pip resolves only what it was asked for, cyzmq's requirement
    is not in that graph, so pip replaces the companion and reports cyzmq's broken requirement;
    pyzmq's files win (``zmq/__init__.py`` is the new pyzmq's). The fix restores cyzmq.
    """
    venv = Venv(tmp_path / "venv", wheels)
    venv.pip("install", "cyzmq", *APPS, links=("ours", "apps"))
    # With cyzmq named as well, its requirement is in the graph: the companion stays.
    out = venv.pip("install", "-U", "--upgrade-strategy", "eager", "cyzmq", *APPS,
                   links=("apps_next", "future", "ours"))
    assert "Successfully installed standin_client-1.1 standin_kernel-1.1 standin_parallel-1.1" in out
    assert "pyzmq" not in out.split("Installing collected packages:")[-1], out
    _assert_swapped_in(venv)
    for args in (("-U", "--upgrade-strategy", "eager", *APPS), ("-U", "pyzmq"), (f"pyzmq=={FUTURE_PYZMQ}",)):
        out = venv.pip("install", *args, links=("future", "ours"))
        assert f"Successfully uninstalled pyzmq-{COMPANION_VERSION}" in out
        assert f"cyzmq {CYZMQ_VERSION} requires {companion.requirement()}, but you have pyzmq {FUTURE_PYZMQ}" in out
        assert "stand-in for a pyzmq release newer" in venv.state()["import_error"]
        venv.pip(*_pip_args(_collision.FIX_CYZMQ), links=("ours",))
        _assert_swapped_in(venv)


@pytest.mark.skipif(UV is None, reason="uv is not installed (pip install uv)")
@pytest.mark.skipif(sys.implementation.name == "pypy",
                    reason="pyzmq's PyPy wheel requires cffi, which is built into PyPy: pip sees it, uv "
                           "looks for a cffi distribution in the offline wheelhouse")
def test_uv(wheels, tmp_path):
    """The same swap with uv: into a venv with pyzmq, then apps, upgrades, and back."""
    venv = Venv(tmp_path / "venv", wheels)
    venv.uv("install", *APPS, links=("apps", "pypi"))
    assert _imported_as(venv.state()) == "pyzmq"
    out = venv.uv("install", "cyzmq", links=("ours", "pypi"))
    assert f"- pyzmq=={PYZMQ_VERSION}" in out and f"+ pyzmq=={COMPANION_VERSION}" in out
    _assert_swapped_in(venv)
    # uv's -U upgrades everything (like pip's eager strategy): the companion stays while the
    # index has no pyzmq newer than the API level, and is replaced once it has one.
    offered = ("pypi", "ours") if _release(PYZMQ_VERSION) <= _release(API_LEVEL) else ("ours",)
    out = venv.uv("install", "-U", *APPS, links=("apps_next", *offered))
    assert "pyzmq" not in out and "+ standin-parallel==1.1" in out
    out = venv.uv("install", "-U", "pyzmq", links=offered)
    assert "pyzmq==" not in out
    _assert_swapped_in(venv)
    out = venv.uv("install", "-U", *APPS, links=("future", "ours"))
    assert f"- pyzmq=={COMPANION_VERSION}" in out and f"+ pyzmq=={FUTURE_PYZMQ}" in out
    assert "stand-in for a pyzmq release newer" in venv.state()["import_error"]
    venv.uv("install", "--reinstall", "cyzmq", links=("ours",))
    _assert_swapped_in(venv)
    assert "All installed packages are compatible" in venv.uv("check")
    venv.uv("uninstall", "cyzmq", "pyzmq")
    assert venv.state()["zmq_files"] == []
    venv.uv("install", "pyzmq", links=("pypi",))
    state = venv.state()
    _exactly_files_of(state, "pyzmq")
    assert _imported_as(state) == "pyzmq"
