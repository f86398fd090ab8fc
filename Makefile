# cyzmq developer entry points. `make test` and `make bench` do all set-up themselves.
PYTHON ?= python3
VENV := .venv
VPY := $(VENV)/bin/python
CORE := zmq/backend/cython
SOURCES := $(wildcard $(CORE)/*.pyx $(CORE)/*.pxd $(CORE)/*.pxi $(CORE)/*.h) setup.py pyproject.toml packaging/companion.py zmq/sugar/version.py
STAMP := $(VENV)/.cyzmq-built
# The oracle of tests/differential: pyzmq built from source against the same system libzmq.
ORACLE := .venv-pyzmq
PYZMQ_VERSION := 27.3.0
ORACLE_STAMP := $(ORACLE)/.pyzmq-$(PYZMQ_VERSION)
# Wheels of `make dist`: cyzmq and its `pyzmq` companion (packaging/companion.py), which cyzmq
# requires, so the editable install of `make build` finds the companion here too.
DIST := dist

.PHONY: all build dist oracle test bench bench-anyio bench-quick bench-compare bench-instructions valgrind typecheck memcheck stress docs clean libzmq openssh

all: build

# libzmq and its header: install Debian's package when missing and we are root.
libzmq:
	@if pkg-config --exists libzmq 2>/dev/null || [ -f /usr/include/zmq.h ] || [ -n "$$ZMQ_PREFIX" ]; then \
	  :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "libzmq not found: installing Debian's libzmq3-dev and pkg-config"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q libzmq3-dev pkg-config >/dev/null || \
	  { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q libzmq3-dev pkg-config >/dev/null; }; \
	else \
	  echo "libzmq (>= 4.3) and its header are missing. Install them, then run make again:"; \
	  echo "  Debian/Ubuntu: sudo apt-get install libzmq3-dev pkg-config"; \
	  echo "  macOS: brew install zeromq pkg-config    conda: conda install -c conda-forge zeromq"; \
	  echo "or set ZMQ_PREFIX to the directory holding include/zmq.h and lib/."; \
	  exit 1; \
	fi

# OpenSSH server and client for tests/test_ssh.py: installed when missing and we are root
# (otherwise those tests skip, saying why).
openssh:
	@if command -v ssh >/dev/null 2>&1 && { command -v sshd >/dev/null 2>&1 || [ -x /usr/sbin/sshd ]; }; then \
	  :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "OpenSSH not found: installing Debian's openssh-server and openssh-client"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q openssh-server openssh-client >/dev/null || \
	  { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q openssh-server openssh-client >/dev/null; }; \
	else \
	  echo "OpenSSH not found: tests/test_ssh.py will skip (Debian: sudo apt-get install openssh-server openssh-client)"; \
	fi
	@if [ "$$(id -u)" = 0 ] && [ ! -d /run/sshd ]; then mkdir -p -m 0755 /run/sshd; fi

$(VPY):
	$(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install -q --upgrade pip

# Editable install (also rebuilds the extensions) whenever a .pyx/.pxd/.h or the build files change.
$(STAMP): $(SOURCES) | $(VPY) libzmq
	$(VPY) -m pip install -q 'Cython>=3.0.10' 'setuptools>=64' wheel
	$(VPY) packaging/companion.py $(DIST) >/dev/null
	$(VPY) -m pip install -q --no-build-isolation --find-links $(DIST) -e '.[test]'
	$(VPY) setup.py -q build_ext --inplace
	@touch $@

build: libzmq $(STAMP)

# The two wheels to install: `pip install --find-links dist cyzmq` (docs/install.md).
dist: build
	rm -f $(DIST)/cyzmq-*.whl $(DIST)/pyzmq-*+cyzmq.*.whl
	$(VPY) packaging/companion.py $(DIST)
	$(VPY) -m pip wheel -q --no-deps --no-build-isolation -w $(DIST) .
	@ls $(DIST)/*.whl

# pyzmq for the differential probes, with the same tornado/gevent/numpy as .venv.
$(ORACLE_STAMP): | $(STAMP)
	rm -rf $(ORACLE)
	$(PYTHON) -m venv $(ORACLE)
	$(ORACLE)/bin/python -m pip install -q --upgrade pip
	$(ORACLE)/bin/python -m pip install -q --no-binary pyzmq pyzmq==$(PYZMQ_VERSION) || \
	  { echo "could not install pyzmq $(PYZMQ_VERSION) into $(ORACLE): the differential tests need it"; exit 1; }
	$(VPY) -m pip freeze | grep -iE '^(tornado|gevent|greenlet|numpy)==' | xargs $(ORACLE)/bin/python -m pip install -q
	cd / && $(CURDIR)/$(ORACLE)/bin/python -c 'import zmq, sys; sys.exit(zmq.zmq_version() != "'"$$(cd / && $(CURDIR)/$(VPY) -c 'import zmq; print(zmq.zmq_version())')"'")' || \
	  { echo "$(ORACLE)'s pyzmq does not use the system libzmq"; exit 1; }
	@touch $@

oracle: build $(ORACLE_STAMP)

test: build oracle openssh
	$(VPY) -X faulthandler -m pytest -q $(PYTEST_ARGS)

# The whole suite again over the CFFI backend (CPython), differential probes included.
.PHONY: test-cffi
test-cffi: build oracle openssh
	ZMQ_BACKEND=cffi $(VPY) -X faulthandler -m pytest -q $(PYTEST_ARGS)

# The whole suite on PyPy (over the CFFI backend, nothing compiled): Debian's pypy3, in .venv-pypy.
PYPY ?= pypy3
PVENV := .venv-pypy
PVPY := $(PVENV)/bin/python
PYPY_STAMP := $(PVENV)/.cyzmq-installed

.PHONY: pypy test-pypy
pypy:
	@if command -v $(PYPY) >/dev/null 2>&1 && $(PYPY) -c 'import venv, ensurepip' 2>/dev/null; then \
	  :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "PyPy not found: installing Debian's pypy3 and pypy3-venv"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q pypy3 pypy3-venv >/dev/null || \
	  { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q pypy3 pypy3-venv >/dev/null; }; \
	else \
	  echo "PyPy 3 is missing: install it (Debian: sudo apt-get install pypy3 pypy3-venv) or set PYPY=..."; exit 1; \
	fi

$(PYPY_STAMP): $(SOURCES) $(wildcard zmq/backend/cffi/*.py) | pypy libzmq
	[ -x $(PVPY) ] || $(PYPY) -m venv $(PVENV)
	$(PVPY) -m pip install -q --upgrade pip 'setuptools>=64' wheel
	$(PVPY) packaging/companion.py $(DIST) >/dev/null
	$(PVPY) -m pip install -q --no-build-isolation --find-links $(DIST) -e '.[test]'
	@touch $@

# The differential probes are not run here: their oracle is pyzmq on CPython 3.11, so on
# PyPy 3.9 they would compare interpreters (enum reprs, signatures, dunder names), not zmq.
# The CFFI backend's own differential run is `make test-cffi` (same probes, same interpreter).
test-pypy: $(PYPY_STAMP) openssh
	$(PVPY) -X faulthandler -m pytest -q --ignore=tests/differential $(PYTEST_ARGS)

# pyzmq $(PYZMQ_VERSION) on PyPy (its own CFFI backend), built from source against the same
# system libzmq, for `make bench-pypy`. Building it needs PyPy's C headers (pypy3-dev).
PVENV_PYZMQ := .venv-pypy-pyzmq
PYPY_PYZMQ_STAMP := $(PVENV_PYZMQ)/.pyzmq-$(PYZMQ_VERSION)

$(PYPY_PYZMQ_STAMP): | pypy libzmq
	@if [ ! -f /usr/include/pypy3.9/patchlevel.h ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing Debian's pypy3-dev (PyPy's C headers, to build pyzmq for PyPy)"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q pypy3-dev >/dev/null || \
	  { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q pypy3-dev >/dev/null; }; \
	fi
	rm -rf $(PVENV_PYZMQ)
	$(PYPY) -m venv $(PVENV_PYZMQ)
	$(PVENV_PYZMQ)/bin/python -m pip install -q --upgrade pip
	$(PVENV_PYZMQ)/bin/python -m pip install -q --no-binary pyzmq pyzmq==$(PYZMQ_VERSION) tornado
	@touch $@

# `make bench` on PyPy: cyzmq (CFFI backend) against pyzmq's CFFI backend, both on PyPy, as a table.
.PHONY: bench-pypy
bench-pypy: $(PYPY_STAMP) $(PYPY_PYZMQ_STAMP)
	$(PVPY) perf/bench_pypy.py --pyzmq-python $(PVENV_PYZMQ)/bin/python $(BENCH_ARGS)

# zmq.anyio against the zmq-anyio package (its own venv, with the pyzmq it brings), as a table.
ZMQANYIO := .venv-zmqanyio
ZMQANYIO_VERSION := 0.4.1
ZMQANYIO_STAMP := $(ZMQANYIO)/.zmq-anyio-$(ZMQANYIO_VERSION)

$(ZMQANYIO_STAMP): | libzmq
	rm -rf $(ZMQANYIO)
	$(PYTHON) -m venv $(ZMQANYIO)
	$(ZMQANYIO)/bin/python -m pip install -q --upgrade pip
	$(ZMQANYIO)/bin/python -m pip install -q zmq-anyio==$(ZMQANYIO_VERSION) trio
	@touch $@

.PHONY: bench-anyio
bench-anyio: build $(ZMQANYIO_STAMP)
	$(VPY) perf/anyio_compare.py --venv-zmqanyio $(ZMQANYIO) $(BENCH_ARGS)

# Real applications over cyzmq and, side by side, over pyzmq: jupyter_client's own test suite,
# ipykernel, nbclient, ipyparallel (integration/; versions pinned in integration/pins.txt).
.PHONY: test-integration
test-integration: dist
	PYTHON=$(PYTHON) PYZMQ_VERSION=$(PYZMQ_VERSION) integration/setup.sh
	$(PYTHON) integration/run.py $(INTEGRATION_ARGS)

bench: build
	$(VPY) perf/bench.py $(BENCH_ARGS)

bench-quick: build
	$(VPY) perf/bench.py --quick $(BENCH_ARGS)

bench-compare: build oracle
	$(VPY) perf/bench.py --compare $(BENCH_ARGS)

# Instructions per operation under callgrind, against the same calls in C and against pyzmq.
bench-instructions: build oracle valgrind
	$(VPY) perf/instructions.py $(BENCH_ARGS)

# Heavier variants of the reliability suites (more hypothesis examples, 1M small / 10k 1 MiB
# messages, 100 sockets x 1000 messages, 3 peer kills; issue 15: 8 threads x 100,000 calls on
# shared sockets, 300 protocol-property examples per pattern; issue 16: 100,000 messages per
# async flavour under random cancellation).
stress: build
	CYZMQ_STRESS=1 $(VPY) -X faulthandler -m pytest -q tests/test_bad_input.py tests/test_faults.py \
	  tests/test_memory.py tests/test_load.py tests/test_security.py tests/test_thread_misuse.py \
	  tests/test_threadsafe_socket.py tests/test_properties.py tests/test_cancellation.py $(PYTEST_ARGS)

valgrind:
	@command -v valgrind >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  { DEBIAN_FRONTEND=noninteractive apt-get install -y -q valgrind >/dev/null || \
	    { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q valgrind >/dev/null; }; }; } || \
	  { echo "valgrind is missing: apt-get install valgrind"; exit 1; }

# valgrind memcheck over a focused subset; fails on errors through zmq/backend/cython.
memcheck: build valgrind
	PYTHON=$(VPY) tools/memcheck.sh $(MEMCHECK_ARGS)

typecheck: build
	$(VPY) -m mypy --strict tests/typing_examples

# The HTML documentation, warnings as errors. Installs pyproject's `docs` extra (read from
# the file, so that cyzmq itself is not reinstalled and rebuilt) into the venv first.
docs: build
	$(VPY) -c 'import tomllib; extras = tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]; print("\n".join(extras.get("docs", ["sphinx>=7", "myst-parser>=2"])))' \
	  | xargs $(VPY) -m pip install -q
	$(VPY) -m sphinx -W --keep-going -b html docs docs/_build/html

clean:
	rm -rf build *.egg-info $(STAMP) $(CORE)/*.c $(CORE)/*.so $(CORE)/*.html
