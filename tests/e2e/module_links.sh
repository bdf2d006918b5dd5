#!/usr/bin/env bash
# e2e: each-lua
# The test build links the way shipping needs: RUNPATH $ORIGIN, NEEDED libsteam_api.so (which sits
# beside it), luaopen_steam_messages exported; and it loads from an unrelated directory, with no
# LD_LIBRARY_PATH, by absolute package.cpath alone.
set -euo pipefail
so="${LUA_BUILD_DIR:?run me through scripts/test-all.sh}/steam_messages.so"
"$SM_ROOT/scripts/check-module.sh" "$so"
cd "${E2E_TMP:-/tmp}"
env -u LD_LIBRARY_PATH -u LUA_CPATH SM_DIR="$LUA_BUILD_DIR" "$LUA" -e '
    package.cpath = os.getenv("SM_DIR") .. "/?.so;" .. package.cpath
    local Steam = require "steam_messages"
    assert(type(Steam) == "table", "require returned " .. type(Steam))
    assert(type(Steam.Init) == "function", "Steam.Init missing")
    -- Lua 5.1 has no package.searchpath; the cpath above has the build dir first either way.
    local where = package.searchpath and package.searchpath("steam_messages", package.cpath) or os.getenv("SM_DIR")
    print("module_links: " .. _VERSION .. (jit and (" " .. jit.version) or "") .. ": loaded from " .. where)'
