#!/usr/bin/env bash
# The packed rock installs and loads for every Lua under test: scripts/rock-pack.sh (`luarocks pack`
# of the rockspec, the working tree as its source) makes a .src.rock, then scripts/rock-smoke.sh
# --rock runs `luarocks install --tree <fresh tree>` of that file per Lua and, from another directory
# with no LD_LIBRARY_PATH, requires steam_messages and steam_messages.router from the tree and finds
# the annotations in the rock's directory.
set -euo pipefail
cd "${SM_ROOT:?run me through scripts/test-all.sh, or set SM_ROOT}"
export TMPDIR=${E2E_TMP:-${TMPDIR:-/tmp}}
rock=$(scripts/rock-pack.sh --out "$TMPDIR/dist")
echo "rock_pack_install: packed $rock"
# The install builds in a copy of the sources. Give it a copy of this checkout's cargo target dirs so
# only the crate itself compiles (the checkout's own target/ stays untouched).
read -r -a luas <<<"${LUAS:-lua5.1 lua5.4 luajit}"
mkdir -p "$TMPDIR/target"
for lua in "${luas[@]}"; do
    [ -d "target/$lua" ] && cp -a "target/$lua" "$TMPDIR/target/"
done
SM_CARGO_TARGET_ROOT="$TMPDIR/target" scripts/rock-smoke.sh --rock "$rock" "${luas[@]}"
