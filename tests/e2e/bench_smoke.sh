#!/bin/sh
# The benchmark still runs end to end: BENCH_QUICK=1 (tiny durations, one run) against the
# test build, and the table with its goals section comes out. Timing is never asserted: figures
# on a shared CI machine mean nothing, a bench that no longer runs does.
set -eu
cd "$SM_ROOT"
out=$E2E_TMP/bench.txt
BENCH_QUICK=1 BENCH_BUILD_DIR="$LUA_BUILD_DIR" LUA="$LUA" bench/run.sh > "$out" 2> "$E2E_TMP/bench.err" || {
  cat "$out" "$E2E_TMP/bench.err"; exit 1; }
cat "$out"
grep -q '^| figure' "$out"
grep -q '(b) reliable 64 B one channel' "$out"
grep -q '^goals' "$out"
