#!/usr/bin/env bash
# Native-crash guard: run a focused subset of the test suite under valgrind memcheck and
# summarize the errors whose stacks go through cyzmq's compiled modules
# (zmq/backend/cython/*.so), with the .pyx file:line each C line was generated from.
#
#   tools/memcheck.sh                  # the default subset
#   tools/memcheck.sh tests/test_x.py  # your own pytest arguments instead
#
# Environment: PYTHON (default .venv/bin/python), MEMCHECK_DIR (logs, default
# /tmp/cyzmq-memcheck), MEMCHECK_TIMEOUT (seconds for the whole run, default 3000).
#
# Python-aware setup: PYTHONMALLOC=malloc makes every Python allocation a real malloc that
# memcheck can follow (no pymalloc arenas, which look like uninitialised reads); only
# *definite* leaks count as errors (interpreter-lifetime objects are "still reachable" or
# "possibly lost" and are not reported); tools/valgrind-python.supp silences the few
# CPython/libc/libzmq start-up reports that are not ours. Exit status: 0 when no error is
# attributable to our modules and the tests passed, 1 otherwise (the summary says which).
set -u
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
OUT=${MEMCHECK_DIR:-/tmp/cyzmq-memcheck}
LIMIT=${MEMCHECK_TIMEOUT:-3000}
mkdir -p "$OUT"
rm -f "$OUT"/vg.*.log

if ! command -v valgrind >/dev/null; then
  echo "valgrind is not installed (Debian/Ubuntu: apt-get install valgrind)" >&2
  exit 2
fi

if [ $# -eq 0 ]; then
  set -- \
    tests/test_zerocopy.py tests/test_gc.py tests/test_security.py tests/test_memory.py \
    tests/test_bad_input.py tests/test_faults.py tests/test_socket_types.py tests/test_poll.py \
    -k "not generated_values and not every_fixed_value"
fi

export PYTHONMALLOC=malloc
export CYZMQ_MEMCHECK=1          # our memory/load tests shrink their message counts
export PYTHONFAULTHANDLER=1
echo "memcheck: $PYTHON -m pytest $* (logs in $OUT)"
timeout --signal=KILL "$LIMIT" valgrind --tool=memcheck \
  --error-exitcode=99 --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite \
  --track-origins=yes --num-callers=40 --trace-children=no \
  --suppressions=tools/valgrind-python.supp \
  --log-file="$OUT/vg.%p.log" \
  "$PYTHON" -m pytest -q -p no:cacheprovider --timeout=900 "$@" >"$OUT/pytest.log" 2>&1
rc=$?
tail -n 3 "$OUT/pytest.log"
"$PYTHON" tools/memcheck_summary.py "$OUT" "$rc"
