#!/usr/bin/env bash
# Fuzzes the wire for about a minute (SM_FUZZ_SECONDS, default 60, shared by the two targets in
# src/offline/proto/fuzz.rs: the datagram decoder, and two endpoints fed random calls and
# hostile datagrams). `cargo test` runs the same targets for about a second; this is the long run.
# It reuses cargo test's build (no features, debug profile), so it compiles nothing new.
# A failure prints the shrunk input and the SM_FUZZ_SEED that replays it.
set -euo pipefail
cd "${SM_ROOT:-$(dirname "$0")/../..}"
export SM_FUZZ_SECONDS=${SM_FUZZ_SECONDS:-60}
echo "fuzz: ${SM_FUZZ_SECONDS}s, seed ${SM_FUZZ_SEED:-default}"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
rc=0
cargo test -j"${CARGO_JOBS:-2}" --lib offline::proto::fuzz::fuzz_ -- --test-threads=1 --nocapture \
    >"$log" 2>&1 || rc=$?
grep -oE 'fuzz [a-z]+: .*|test result: .*' "$log" || true
[ "$rc" = 0 ] || tail -n 80 "$log"
exit "$rc"
