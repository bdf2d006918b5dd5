#!/usr/bin/env bash
# Called by rockspec/steam-messages-dev-1.rockspec (build type "command"); run from the checkout's top.
#   rock-build.sh build   LUA LUA_INCDIR                 cargo build for that Lua, stage in build/rock/<lua>/
#   rock-build.sh install LUA LUA_INCDIR LIBDIR LUADIR   copy staged libs to LIBDIR, lua/**.lua to LUADIR
# LUA is luarocks' $(LUA) (the interpreter path), LUA_INCDIR its headers; together they say which Lua
# (lua5.1, lua5.2, lua5.3, lua5.4 or luajit) and so which cargo feature.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$SM_ROOT"

mode=${1:?usage: rock-build.sh build|install LUA LUA_INCDIR [LIBDIR LUADIR]}
interp=${2:-}
incdir=${3:-}
lua=$(lua_name_of "$interp" "$incdir") \
    || die "cannot tell which Lua '$interp' (headers '$incdir') is; want 5.1, 5.2, 5.3, 5.4 or LuaJIT"
stage="build/rock/$lua"

case "$mode" in
build)
    echo "steam-messages: building for $lua (interpreter '$interp', headers '$incdir')"
    scripts/build.sh --out build/rock "$lua"
    ;;
install)
    libdir=${4:?LIBDIR missing} luadir=${5:?LUADIR missing}
    [ -f "$stage/steam_messages.so" ] || die "$stage/steam_messages.so missing: the build step did not run"
    mkdir -p "$libdir"
    # Side by side: the module finds libsteam_api.so through its RUNPATH $ORIGIN.
    cp "$stage/steam_messages.so" "$stage/libsteam_api.so" "$libdir/"
    if [ -d lua ]; then
        (cd lua && find . -name '*.lua' -type f) | while read -r f; do
            mkdir -p "$luadir/$(dirname "$f")"
            cp "lua/$f" "$luadir/$f"
        done
    fi
    ;;
*) die "unknown mode '$mode'" ;;
esac
