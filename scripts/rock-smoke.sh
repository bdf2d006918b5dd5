#!/usr/bin/env bash
# Installs the rock from rockspec/steam-messages-dev-1.rockspec into a fresh tree for each Lua, then,
# from another directory and with no LD_LIBRARY_PATH, requires it from that tree and checks that
# Steam.Init() with no Steam client returns false and a reason, that the pure-Lua helper
# steam_messages.router loads from the tree, and that the annotations are in the rock's directory.
# Usage: scripts/rock-smoke.sh [--rock FILE.src.rock] [LUA...]   (default: $LUAS, else lua5.1 lua5.2 lua5.3 lua5.4 luajit)
#   --rock: `luarocks install` that packed rock (scripts/rock-pack.sh) instead of `luarocks make`.
#   KEEP_TREES=1 keeps the temporary trees and prints where they are.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$SM_ROOT"

rock=
if [ "${1:-}" = --rock ]; then
    rock=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
    [ -f "$rock" ] || die "no rock $2"
    shift 2
fi
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
    if [ -n "$rock" ]; then
        args=(--lua-version "$abi" install --tree "$tree" "$rock")
    else
        args=(--lua-version "$abi" make --tree "$tree" "$rockspec")
    fi
    if [ "$lua" = luajit ]; then
        incdir=$(pkg-config --variable=includedir luajit 2>/dev/null || true)
        incdir=$(ls -d "${incdir:-/usr/include}"/luajit-2.* 2>/dev/null | head -n 1 || true)
        args+=("LUA=$interp" "LUA_INCDIR=${incdir:-/usr/include/luajit-2.1}")
    fi
    echo "==> $lua: luarocks ${args[*]}"
    if ! luarocks "${args[@]}"; then
        echo "rock-smoke: $lua: FAIL: luarocks ${args[1]} failed" >&2
        failures=$((failures + 1))
        continue
    fi
    libdir="$tree/lib/lua/$abi"
    rockdir="$tree/lib/luarocks/rocks-$abi/steam-messages/dev-1"
    for f in "$libdir/steam_messages.so" "$libdir/libsteam_api.so" "$tree/share/lua/$abi/steam_messages/router.lua" \
             "$rockdir/types/steam_messages.lua"; do
        [ -f "$f" ] || { echo "rock-smoke: $lua: FAIL: $f not installed" >&2; failures=$((failures + 1)); continue 2; }
    done
    # Init with no Steam client running must fail politely: false and a reason, not a load error.
    # shellcheck disable=SC2016
    probe='local dir = os.getenv("SM_ROCK_LIBDIR")
        package.cpath = dir .. "/?.so;" .. package.cpath
        package.path = os.getenv("SM_ROCK_LUADIR") .. "/?.lua;" .. package.path
        assert(type(require("steam_messages.router").new) == "function", "steam_messages.router did not load")
        local where = package.searchpath and package.searchpath("steam_messages", package.cpath)
        if where and where:sub(1, #dir) ~= dir then error("loaded from " .. where .. ", not the tree") end
        local Steam = require("steam_messages")
        assert(Steam.Extra._Test == nil, "the rock is a release build, yet it has Steam.Extra._Test")
        local ok, reason = Steam.Init()
        print("RESULT", tostring(ok), type(reason), tostring(reason))'
    out=$(cd "$elsewhere" && env -u LD_LIBRARY_PATH -u STEAM_MESSAGES_BACKEND -u LUA_CPATH \
        -u LUA_CPATH_5_2 -u LUA_CPATH_5_3 -u LUA_CPATH_5_4 -u LUA_PATH -u LUA_PATH_5_2 -u LUA_PATH_5_3 -u LUA_PATH_5_4 \
        SM_ROCK_LIBDIR="$libdir" SM_ROCK_LUADIR="$tree/share/lua/$abi" timeout 60 "$interp" -e "$probe" 2>&1) || true
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
