#!/usr/bin/env bash
# Runs every test and ends with one line, `N passed, N failed` (`, N skipped` when some were), exiting
# non-zero if anything failed. What `make test` and .ci/run run. A suite that cannot run (does not
# build, crashes, times out, prints no result) counts as a failure, never as zero tests.
#
#  1. Rust: `cargo test` with no features (the Rust core, no Lua). Counts come from cargo's
#     "test result: ... N passed; M failed" lines.
#  2. Builds the test-hooks module for each Lua in LUAS (default "lua5.1 lua5.2 lua5.3 lua5.4 luajit"):
#     scripts/build.sh --test-hooks -> build-test/<lua>/steam_messages.so (+ libsteam_api.so),
#     cargo release profile, target dir target/<lua>/.
#  3. Lua specs: busted on spec/ once per Lua, run by that Lua's own interpreter
#     (`<lua> /usr/bin/busted -o TAP spec`; Debian's lua-busted is installed for 5.1 to 5.4 and LuaJIT
#     uses the 5.1 modules). .busted puts build-test/<lua>/ first on package.cpath, so a spec just
#     does `require "steam_messages"`. Counts come from the TAP lines; a missing or short plan is a crash.
#  4. End-to-end: every tests/e2e/*.sh, in name order, each one test. Files named _*.sh are helpers
#     and are not run; any other *.sh must be executable. A script with the line `# e2e: each-lua`
#     in its first 10 lines runs once per Lua (each run one test), any other once. Each run gets:
#       cwd            the checkout's top directory (SM_ROOT)
#       SM_ROOT        absolute path of the checkout
#       LUAS           the Luas under test, space-separated
#       LUA            interpreter command for this run (each-lua: that Lua; else the first of LUAS)
#       LUA_BUILD_DIR  absolute build-test/<LUA>/: steam_messages.so and libsteam_api.so, test hooks on
#       SM_TEST_BUILD_ROOT  absolute build-test/ (every Lua's build is in <that>/<lua>/)
#       LUA_CPATH      "$LUA_BUILD_DIR/?.so;;" (versioned LUA_CPATH_5_x unset), so `$LUA -e
#                      'require "steam_messages"'` loads the test build
#       E2E_TMP        a fresh empty directory, removed afterwards (kept if KEEP_E2E_TMP=1)
#     It passes by exiting 0 within E2E_TIMEOUT seconds (default 900).
#
# Environment: LUAS; CARGO_JOBS (default 2); SKIP_CARGO_TEST=1, SKIP_SPECS=1, SKIP_E2E=1 to leave a
# stage out while iterating (a skipped stage is reported, never counted as passed).
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$SM_ROOT"

read -r -a luas <<<"${LUAS:-$DEFAULT_LUAS}"
export LUAS="${luas[*]}"
E2E_TIMEOUT=${E2E_TIMEOUT:-900}
SPEC_TIMEOUT=${SPEC_TIMEOUT:-900}
CARGO_TEST_TIMEOUT=${CARGO_TEST_TIMEOUT:-1800}
logs="$SM_ROOT/build-test/logs"
mkdir -p "$logs"
[ -f build-test/.gitignore ] || echo '*' > build-test/.gitignore

passed=0 failed=0 skipped=0
report=()
# record SUITE PASSED FAILED SKIPPED [NOTE]
record() {
    passed=$((passed + $2)) failed=$((failed + $3)) skipped=$((skipped + $4))
    local line
    line=$(printf '%-28s %4d passed, %4d failed' "$1" "$2" "$3")
    [ "$4" -gt 0 ] && line+=", $4 skipped"
    [ -n "${5:-}" ] && line+="  ($5)"
    report+=("$line")
    echo "--- $line"
}
banner() { echo; echo "=== $* ==="; }

# 1. Rust core -----------------------------------------------------------------------------------
if [ "${SKIP_CARGO_TEST:-0}" = 1 ]; then
    report+=("cargo test                   skipped (SKIP_CARGO_TEST=1)")
else
    banner "cargo test (no features)"
    log="$logs/cargo-test.log"
    timeout "$CARGO_TEST_TIMEOUT" cargo test -j"$CARGO_JOBS" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    read -r p f i < <(sed -nE 's/.*test result: [A-Za-z]+\. ([0-9]+) passed; ([0-9]+) failed; ([0-9]+) ignored.*/\1 \2 \3/p' "$log" |
        awk '{p+=$1; f+=$2; i+=$3; n++} END {print (n ? p : -1), f+0, i+0}')
    if [ "$p" -lt 0 ]; then
        record "cargo test" 0 1 0 "no test result line, exit $rc: did not build or crashed"
    elif [ "$rc" != 0 ] && [ "$f" = 0 ]; then
        record "cargo test" "$p" 1 "$i" "exit $rc with no failed test: a test binary crashed or timed out"
    else
        record "cargo test" "$p" "$f" "$i"
    fi
fi

# 2 + 3. Test-hooks builds and busted specs, per Lua ---------------------------------------------
busted_bin=$(command -v busted || true)
have_specs=0
[ -n "$(find spec -name '*_spec.lua' 2>/dev/null | head -n 1)" ] && have_specs=1

for lua in "${luas[@]}"; do
    banner "build $lua (test hooks)"
    scripts/build.sh --test-hooks "$lua" 2>&1 | tee "$logs/build-$lua.log"
    if [ "${PIPESTATUS[0]}" != 0 ]; then
        record "build $lua" 0 1 0 "scripts/build.sh --test-hooks $lua failed; specs not run"
        continue
    fi

    [ "${SKIP_SPECS:-0}" = 1 ] && { report+=("busted $lua                 skipped (SKIP_SPECS=1)"); continue; }
    if [ $have_specs = 0 ]; then
        report+=("busted $lua                 no spec/*_spec.lua yet")
        continue
    fi
    banner "busted $lua"
    log="$logs/busted-$lua.log"
    if ! command -v "$lua" >/dev/null; then
        record "busted $lua" 0 1 0 "interpreter $lua not found"; continue
    fi
    if [ -z "$busted_bin" ]; then
        record "busted $lua" 0 1 0 "busted not found (apt-get install lua-busted)"; continue
    fi
    # The interpreter runs busted's script itself (whose #! would pick whatever `lua` is); .busted
    # reads SM_TEST_BUILD_ROOT to find build-test/<lua>/.
    SM_TEST_BUILD_ROOT="$SM_ROOT/build-test" timeout "$SPEC_TIMEOUT" "$lua" "$busted_bin" -o TAP spec 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    ok=$(grep -cE '^ok [0-9]+ ' "$log")
    skip=$(grep -cE '^ok [0-9]+ - # SKIP' "$log")
    notok=$(grep -cE '^not ok [0-9]+ ' "$log")
    plan=$(sed -nE 's/^1\.\.([0-9]+)$/\1/p' "$log" | tail -n 1)
    pass=$((ok - skip))
    if [ -z "$plan" ]; then
        if [ "$rc" = 1 ]; then
            # Busted's TAP writer itself dies on a spec file that fails to load; the plain writer
            # shows the real error. Shown only, not counted.
            echo "--- busted $lua: no TAP plan; re-running with the plain writer to show the error:"
            SM_TEST_BUILD_ROOT="$SM_ROOT/build-test" timeout "$SPEC_TIMEOUT" "$lua" "$busted_bin" -o plainTerminal spec 2>&1 | tail -n 40
        fi
        record "busted $lua" "$pass" $((notok + 1)) "$skip" "no TAP plan, exit $rc: busted crashed or timed out"
    elif [ "$plan" != $((ok + notok)) ]; then
        record "busted $lua" "$pass" $((notok + 1)) "$skip" "plan 1..$plan but $((ok + notok)) results"
    elif [ "$rc" != 0 ] && [ "$notok" = 0 ]; then
        record "busted $lua" "$pass" 1 "$skip" "exit $rc with no failed test"
    else
        record "busted $lua" "$pass" "$notok" "$skip"
    fi
done

# 4. End-to-end scripts --------------------------------------------------------------------------
run_e2e() { # run_e2e NAME SCRIPT LUA
    local name=$1 script=$2 lua=$3 tmp rc log
    banner "e2e $name"
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/sm-e2e.XXXXXX")
    log="$logs/e2e-${name//[^A-Za-z0-9._-]/_}.log"
    (
        unset LUA_CPATH_5_2 LUA_CPATH_5_3 LUA_CPATH_5_4
        export SM_ROOT LUAS LUA="$lua" SM_TEST_BUILD_ROOT="$SM_ROOT/build-test"
        export LUA_BUILD_DIR="$SM_ROOT/build-test/$lua" LUA_CPATH="$SM_ROOT/build-test/$lua/?.so;;"
        export E2E_TMP="$tmp"
        timeout "$E2E_TIMEOUT" "$script"
    ) 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    [ "${KEEP_E2E_TMP:-0}" = 1 ] || rm -rf "$tmp"
    if [ "$rc" = 0 ]; then
        record "e2e $name" 1 0 0
    elif [ "$rc" = 124 ]; then
        record "e2e $name" 0 1 0 "timed out after ${E2E_TIMEOUT}s"
    else
        record "e2e $name" 0 1 0 "exit $rc, log $log"
    fi
}

if [ "${SKIP_E2E:-0}" = 1 ]; then
    report+=("e2e                          skipped (SKIP_E2E=1)")
else
    shopt -s nullglob
    for script in tests/e2e/*.sh; do
        base=$(basename "$script" .sh)
        case "$base" in _*) continue ;; esac
        if [ ! -x "$script" ]; then
            record "e2e $base" 0 1 0 "$script is not executable (chmod +x, or name helpers _*.sh)"
            continue
        fi
        if head -n 10 "$script" | grep -q '^# e2e: each-lua'; then
            for lua in "${luas[@]}"; do run_e2e "$base[$lua]" "$script" "$lua"; done
        else
            run_e2e "$base" "$script" "${luas[0]}"
        fi
    done
fi

echo
echo "=== summary (logs in build-test/logs/) ==="
printf '%s\n' "${report[@]}"
summary="$passed passed, $failed failed"
[ $skipped -gt 0 ] && summary+=", $skipped skipped"
echo "$summary"
[ $failed = 0 ]
