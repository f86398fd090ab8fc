#!/usr/bin/env bash
# Creates the two venvs of `make test-integration`, with the same applications (integration/pins.txt):
#   .venv-int         cyzmq from this checkout: the wheels of `make dist` (dist/), as a user installs them
#   .venv-int-pyzmq   pyzmq $PYZMQ_VERSION built from source against the system libzmq
# and fetches the jupyter_client sdist whose test suite is run. A venv whose stamp matches the pins,
# this script and cyzmq's packaging is kept; cyzmq's wheel is installed again whenever it changed.
# Never installs pyzmq into .venv-int (only cyzmq's files-less companion).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
PYZMQ_VERSION="${PYZMQ_VERSION:-27.3.0}"
PINS=integration/pins.txt
CACHE=.venv-int-cache
KEY="$(cat "$PINS" integration/setup.sh pyproject.toml packaging/companion.py | sha256sum | cut -c1-16)"

# How each venv gets its zmq. cyzmq as a user swaps it in (docs/install.md): pip installs cyzmq's
# wheel and its files-less `pyzmq` companion, which meets the applications' pyzmq requirement. The
# wheel is `make dist`'s, which reuses the extensions already compiled in build/ (an editable
# install compiled them all once more: ~80 s).
CYZMQ_WHEELS=(dist/cyzmq-*.whl dist/pyzmq-*+cyzmq.*.whl)
for wheel in "${CYZMQ_WHEELS[@]}"; do
    [ -f "$wheel" ] || { echo "integration: $wheel is missing: run make dist (make test-integration does)"; exit 1; }
done
WHEELS_KEY="$(cat "${CYZMQ_WHEELS[@]}" | sha256sum | cut -c1-16)"
install_cyzmq() {
    "$1/bin/python" -m pip install -q --no-index --no-deps --force-reinstall "${CYZMQ_WHEELS[@]}"
    rm -f "$1"/.cyzmq-* && touch "$1/.cyzmq-$WHEELS_KEY"
}
install_pyzmq() { "$1/bin/python" -m pip install -q --no-binary pyzmq "pyzmq==$PYZMQ_VERSION"; }

make_venv() {  # make_venv DIR INSTALLER
    local dir="$1" installer="$2" stamp="$1/.int-$KEY"
    if [ -f "$stamp" ]; then
        return
    fi
    local t0=$SECONDS
    rm -rf "$dir"
    "$PYTHON" -m venv "$dir"
    "$dir/bin/python" -m pip install -q --upgrade pip
    # The applications and their test requirements, exactly pinned, without resolving pyzmq in.
    "$dir/bin/python" -m pip install -q --no-deps -r "$PINS"
    "$installer" "$dir"
    check="$("$dir/bin/python" -m pip check 2>&1)" || { echo "$check"; echo "integration: $dir: requirements not met"; exit 1; }
    touch "$stamp"
    echo "integration: $dir ready in $((SECONDS - t0)) s, $(du -sh "$dir" | cut -f1)"
}

make_venv .venv-int install_cyzmq
make_venv .venv-int-pyzmq install_pyzmq
# A kept .venv-int gets the wheels again when they are not the ones it has.
[ -f ".venv-int/.cyzmq-$WHEELS_KEY" ] || install_cyzmq .venv-int

# The two venvs must run different zmq packages, each from its site-packages: cyzmq's (the version
# of this checkout) and pyzmq.
CYZMQ_VERSION="$(basename dist/cyzmq-*.whl | cut -d- -f2)"
(cd / && "$ROOT/.venv-int/bin/python" -c 'import sys, zmq; sys.exit(zmq.cyzmq_version() != sys.argv[1] or "site-packages" not in zmq.__file__)' "$CYZMQ_VERSION") ||
    { echo "integration: .venv-int does not import cyzmq $CYZMQ_VERSION from its site-packages"; exit 1; }
(cd / && "$ROOT/.venv-int/bin/python" -c 'import sys, importlib.metadata as m; sys.exit("+cyzmq" not in m.version("pyzmq"))') ||
    { echo "integration: .venv-int's pyzmq distribution is not cyzmq's companion"; exit 1; }
(cd / && "$ROOT/.venv-int-pyzmq/bin/python" -c 'import sys, zmq; sys.exit(zmq.pyzmq_version() != sys.argv[1] or "site-packages" not in zmq.__file__)' "$PYZMQ_VERSION") ||
    { echo "integration: .venv-int-pyzmq does not import pyzmq $PYZMQ_VERSION"; exit 1; }

# jupyter_client's sdist (tests included), at the pinned version.
JC_VERSION="$(sed -n 's/^jupyter_client==//p' "$PINS")"
if [ ! -d "$CACHE/jupyter_client-$JC_VERSION/tests" ]; then
    rm -rf "$CACHE" && mkdir -p "$CACHE"
    .venv-int-pyzmq/bin/python -m pip download -q --no-deps --no-binary :all: -d "$CACHE" "jupyter_client==$JC_VERSION"
    tar -xzf "$CACHE/jupyter_client-$JC_VERSION.tar.gz" -C "$CACHE"
fi
