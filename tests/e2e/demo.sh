#!/usr/bin/env bash
# The README's main command, `make demo`, works: it builds the release module for Lua 5.4 and runs
# examples/demo.sh, a host and a joiner in two processes on the offline backend. The joiner exits 0
# only when every echo came back and the host only when it served one; the lines both print show
# the messages went each way.
set -uo pipefail
cd "${SM_ROOT:?run me through scripts/test-all.sh, or set SM_ROOT}"
out="$E2E_TMP/demo.out"
make --no-print-directory demo LUA=lua5.4 > "$out" 2>&1
rc=$?
cat "$out"
[ $rc = 0 ] || { echo "demo: FAIL: make demo exited $rc" >&2; exit 1; }
grep -q '^demo: host exit 0, joiner exit 0$' "$out" || { echo "demo: FAIL: no clean exit line" >&2; exit 1; }
grep -q '^\[host\]' "$out" && grep -q '^\[join\]' "$out" || { echo "demo: FAIL: a side printed nothing" >&2; exit 1; }
echo "demo: ok"
