#!/usr/bin/env bash
# Builds the module for one Lua (default lua5.4) and runs examples/demo.sh: two processes exchanging
# messages on the offline backend. The demo gets the same variables as an e2e test (scripts/README.md),
# pointing at the release build: LUA, LUA_BUILD_DIR=build/<lua>, LUA_CPATH, SM_ROOT.
# Usage: scripts/demo.sh [LUA] [ARGS for examples/demo.sh...]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$SM_ROOT"

lua=${1:-lua5.4}
[ $# -gt 0 ] && shift
scripts/build.sh "$lua"
[ -f examples/demo.sh ] || die "examples/demo.sh does not exist yet"
unset LUA_CPATH_5_2 LUA_CPATH_5_3 LUA_CPATH_5_4
export SM_ROOT LUA="$lua" LUA_BUILD_DIR="$SM_ROOT/build/$lua" LUA_CPATH="$SM_ROOT/build/$lua/?.so;;"
echo "==> examples/demo.sh $* (LUA=$LUA, module from $LUA_BUILD_DIR)"
exec bash examples/demo.sh "$@"
