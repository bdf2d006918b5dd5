#!/usr/bin/env bash
# `luarocks make --local` (the per-user tree, ~/.luarocks) installs the rock for Lua 5.4, and after
# `eval "$(luarocks path)"`, as the README says, Lua started in another directory loads it: Init()
# with no Steam client returns false and a reason, the router helper loads, and the release build
# has no test hooks. HOME is a fresh directory, so the real ~/.luarocks is never touched.
set -euo pipefail
cd "${SM_ROOT:?run me through scripts/test-all.sh, or set SM_ROOT}"
tmp=${E2E_TMP:?run me through scripts/test-all.sh}
# Cargo and rustup keep finding the real toolchain and crate cache when HOME moves.
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export HOME="$tmp/home"
mkdir -p "$HOME" "$tmp/elsewhere"
unset LUA_PATH LUA_CPATH LUA_PATH_5_2 LUA_CPATH_5_2 LUA_PATH_5_3 LUA_CPATH_5_3 LUA_PATH_5_4 LUA_CPATH_5_4 \
      LD_LIBRARY_PATH STEAM_MESSAGES_BACKEND
luarocks --lua-version 5.4 make --local rockspec/steam-messages-dev-1.rockspec
so="$HOME/.luarocks/lib/lua/5.4/steam_messages.so"
[ -f "$so" ] && [ -f "$(dirname "$so")/libsteam_api.so" ] || { echo "rock_local: FAIL: $so and libsteam_api.so not both installed" >&2; exit 1; }
eval "$(luarocks --lua-version 5.4 path)"
cd "$tmp/elsewhere"
lua5.4 -e '
  local Steam = require "steam_messages"
  local where = package.searchpath("steam_messages", package.cpath)
  assert(where:find(os.getenv("HOME") .. "/.luarocks/", 1, true), "loaded from " .. where)
  assert(type(require("steam_messages.router").new) == "function", "router did not load")
  assert(Steam.Extra._Test == nil, "the rock has test hooks")
  local ok, reason = Steam.Init()
  assert(ok == false and type(reason) == "string", "Init() returned " .. tostring(ok))
  print("rock_local: ok: loaded " .. where .. "; Init() -> false, " .. reason)'
