#!/usr/bin/env bash
# Installs the rock from rockspec/steam-messages-dev-1.rockspec into a fresh tree for each Lua, then,
# from another directory and with no LD_LIBRARY_PATH, requires it from that tree and checks that
# Steam.Init() with no Steam client returns false and a reason.
# Usage: scripts/rock-smoke.sh [LUA...]   (default: $LUAS, else lua5.1 lua5.4 luajit)
#   KEEP_TREES=1 keeps the temporary trees and prints where they are.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$SM_ROOT"

luas=("$@")
[ ${#luas[@]} -gt 0 ] || read -r -a luas <<<"${LUAS:-$DEFAULT_LUAS}"
rockspec=rockspec/steam-messages-dev-1.rockspec
failures=0

for lua in "${luas[@]}"; do
    abi=$(lua_abi "$lua") || die "unknown Lua '$lua'"
    interp=$(command -v "$lua") || { echo "rock-smoke: $lua: interpreter not found" >&2; failures=$((failures + 1)); continue; }
    tree=$(mktemp -d "${TMPDIR:-/tmp}/sm-rock-$lua.XXXXXX")
    elsewhere=$(mktemp -d "${TMPDIR:-/tmp}/sm-rock-cwd.XXXXXX")
    # Debian's luarocks knows lua5.1..5.4 by version; LuaJIT is Lua 5.1 with another interpreter
    # and other headers, given as luarocks variables.
    args=(--lua-version "$abi" make --tree "$tree" "$rockspec")
    if [ "$lua" = luajit ]; then
        incdir=$(pkg-config --variable=includedir luajit 2>/dev/null || true)
        incdir=$(ls -d "${incdir:-/usr/include}"/luajit-2.* 2>/dev/null | head -n 1 || true)
        args+=("LUA=$interp" "LUA_INCDIR=${incdir:-/usr/include/luajit-2.1}")
    fi
    echo "==> $lua: luarocks ${args[*]}"
    if ! luarocks "${args[@]}"; then
        echo "rock-smoke: $lua: FAIL: luarocks make failed" >&2
        failures=$((failures + 1))
        continue
    fi
    libdir="$tree/lib/lua/$abi"
    for f in steam_messages.so libsteam_api.so; do
        [ -f "$libdir/$f" ] || { echo "rock-smoke: $lua: FAIL: $libdir/$f not installed" >&2; failures=$((failures + 1)); continue 2; }
    done
    # Init with no Steam client running must fail politely: false and a reason, not a load error.
    # shellcheck disable=SC2016
    probe='local dir = os.getenv("SM_ROCK_LIBDIR")
        package.cpath = dir .. "/?.so;" .. package.cpath
        local where = package.searchpath and package.searchpath("steam_messages", package.cpath)
        if where and where:sub(1, #dir) ~= dir then error("loaded from " .. where .. ", not the tree") end
        local Steam = require("steam_messages")
        local ok, reason = Steam.Init()
        print("RESULT", tostring(ok), type(reason), tostring(reason))'
    out=$(cd "$elsewhere" && env -u LD_LIBRARY_PATH -u STEAM_MESSAGES_BACKEND -u LUA_CPATH \
        -u LUA_CPATH_5_2 -u LUA_CPATH_5_3 -u LUA_CPATH_5_4 \
        SM_ROCK_LIBDIR="$libdir" timeout 60 "$interp" -e "$probe" 2>&1) || true
    result=$(grep '^RESULT' <<<"$out" | tail -n 1 || true)
    if [[ "$result" =~ ^RESULT$'\t'false$'\t'string$'\t'.+ ]]; then
        echo "rock-smoke: $lua: ok: Init() -> false, \"${result#*string$'\t'}\""
    else
        echo "rock-smoke: $lua: FAIL: expected Init() to return false and a reason; got:" >&2
        sed 's/^/    /' <<<"$out" >&2
        failures=$((failures + 1))
    fi
    if [ "${KEEP_TREES:-0}" = 1 ]; then echo "rock-smoke: $lua: tree kept at $tree"; else rm -rf "$tree"; fi
    rm -rf "$elsewhere"
done

[ $failures = 0 ] || { echo "rock-smoke: $failures failure(s)" >&2; exit 1; }
echo "rock-smoke: all ok (${luas[*]})"
