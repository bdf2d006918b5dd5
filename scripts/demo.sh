#!/usr/bin/env bash
# Builds the module for one Lua (default lua5.4) into build/<lua>/ and runs examples/demo.sh: two
# processes exchanging messages on the offline backend. examples/demo.sh takes the interpreter as its
# argument and loads the module from build/<lua>/.
# Usage: scripts/demo.sh [LUA]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$SM_ROOT"

lua=${1:-lua5.4}
scripts/build.sh "$lua"
[ -f examples/demo.sh ] || die "examples/demo.sh does not exist yet"
# examples/demo.sh reads LUA_BUILD_DIR as relative to the checkout; let it pick build/<lua>/ itself.
unset LUA_BUILD_DIR
echo "==> examples/demo.sh $lua"
exec bash examples/demo.sh "$lua"
