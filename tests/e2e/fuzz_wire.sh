#!/usr/bin/env bash
# Fuzzes the wire: each target in src/offline/proto/fuzz.rs (the datagram decoder; two endpoints
# fed random calls and hostile datagrams) runs for SM_FUZZ_SECONDS (default 60) of wall time. The
# two run side by side on two test threads, so this takes about a minute, not two, and keeps the
# whole CI run within its half hour; on a single core they share it, and each line below says how
# many cases a target got through. `cargo test` runs the same targets for about a second; this is
# the long run. It reuses cargo test's build (no features, debug profile), so it compiles nothing
# new. A failure prints the shrunk input and the SM_FUZZ_SEED that replays it.
set -euo pipefail
cd "${SM_ROOT:-$(dirname "$0")/../..}"
export SM_FUZZ_SECONDS=${SM_FUZZ_SECONDS:-60}
# The targets the filter must find: a filter that matches nothing would "pass" with 0 tests.
targets=(decoder endpoints)
echo "fuzz: ${SM_FUZZ_SECONDS}s per target, seed ${SM_FUZZ_SEED:-default}"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
rc=0
cargo test -j"${CARGO_JOBS:-2}" --lib offline::proto::fuzz::fuzz_ -- --test-threads=2 --nocapture \
    >"$log" 2>&1 || rc=$?
grep -oE 'fuzz [a-z]+: .*|test result: .*' "$log" || true
if [ "$rc" != 0 ]; then
    tail -n 80 "$log"
    exit "$rc"
fi
want="test result: ok. ${#targets[@]} passed; 0 failed"
if ! grep -q "^$want" "$log"; then
    echo "fuzz: expected '$want': the filter no longer matches the fuzz targets" >&2
    exit 1
fi
for t in "${targets[@]}"; do
    if ! grep -qE "^fuzz $t: [0-9]+ cases in .*, no failure" "$log"; then
        echo "fuzz: target '$t' did not report its run" >&2
        exit 1
    fi
done
