#!/usr/bin/env bash
# Builds the Windows interpreters the Wine tests load the module into, from sources cargo fetches
# (tests/wine/sources/Cargo.toml pins luajit-src and lua-src), with mingw-w64:
#   build-test/wine/luajit/  luajit.exe, lua51.dll (as LÖVE 11 ships it), lua/jit/*.lua
#   build-test/wine/lua54/   lua54.exe (tests/wine/lua_host.c), lua54.dll
# and puts the TEST-ONLY bcryptprimitives.dll stub (tests/wine/bcryptprimitives.c: Wine 8 lacks
# ProcessPrng, which Rust's std imports) beside each .exe, never beside the module. Then creates the Wine
# prefix build-test/wine/prefix. Does nothing when all is built from the same sources already.
# Usage: scripts/wine-hosts.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/wine-env.sh"
cd "$SM_ROOT"

cc="$WIN_CROSS-gcc"
command -v "$cc" >/dev/null || die "$cc not found: apt-get install mingw-w64 (or run scripts/setup.sh)"
mkdir -p "$WINE_ROOT"
[ -f "$WINE_ROOT/.gitignore" ] || echo '*' > "$WINE_ROOT/.gitignore"

stamp="$WINE_ROOT/hosts.stamp"
want=$(cat tests/wine/sources/Cargo.lock tests/wine/*.c scripts/wine-hosts.sh | sha256sum | cut -c1-16)
if [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && [ -f "$WINE_ROOT/luajit/luajit.exe" ] && [ -f "$WINE_ROOT/lua54/lua54.exe" ]; then
    echo "wine-hosts: up to date in $WINE_ROOT"
else
    meta=$(cargo metadata --locked --format-version 1 --manifest-path tests/wine/sources/Cargo.toml) \
        || die "cargo metadata could not fetch luajit-src / lua-src"
    crate_dir() { grep -o "\"manifest_path\":\"[^\"]*/$1-[0-9][^\"]*/Cargo.toml\"" <<<"$meta" | head -n 1 | sed -E 's/^"manifest_path":"(.*)\/Cargo.toml"$/\1/'; }
    luajit_src=$(crate_dir luajit-src); lua_src=$(crate_dir lua-src)
    [ -d "$luajit_src/luajit2" ] || die "no LuaJIT source in '$luajit_src'"
    lua54_src=$(ls -d "$lua_src"/lua-5.4.* 2>/dev/null | tail -n 1)
    [ -n "$lua54_src" ] || die "no Lua 5.4 source in '$lua_src'"
    rm -rf "$WINE_ROOT/src" "$WINE_ROOT/luajit" "$WINE_ROOT/lua54"
    mkdir -p "$WINE_ROOT/src" "$WINE_ROOT/luajit/lua/jit" "$WINE_ROOT/lua54"

    echo "==> LuaJIT for Windows from $luajit_src"
    cp -r "$luajit_src/luajit2" "$WINE_ROOT/src/luajit"
    # The crate keeps the release number in luajit_relver.txt; LuaJIT's Makefile reads .relver.
    cp "$luajit_src/luajit_relver.txt" "$WINE_ROOT/src/luajit/.relver"
    make -C "$WINE_ROOT/src/luajit" -j"$CARGO_JOBS" HOST_CC=gcc CROSS="$WIN_CROSS-" TARGET_SYS=Windows \
        >"$WINE_ROOT/src/luajit-build.log" 2>&1 || { tail -n 30 "$WINE_ROOT/src/luajit-build.log"; die "LuaJIT build failed"; }
    cp "$WINE_ROOT/src/luajit/src/luajit.exe" "$WINE_ROOT/src/luajit/src/lua51.dll" "$WINE_ROOT/luajit/"
    cp "$WINE_ROOT"/src/luajit/src/jit/*.lua "$WINE_ROOT/luajit/lua/jit/"

    echo "==> Lua 5.4 for Windows from $lua54_src"
    obj="$WINE_ROOT/src/lua54"; mkdir -p "$obj"
    for c in "$lua54_src"/*.c; do
        case "$(basename "$c")" in lua.c|luac.c|onelua.c) continue ;; esac
        echo "$c"
    done | xargs -P "$CARGO_JOBS" -I{} sh -c '"$0" -O2 -DLUA_BUILD_AS_DLL -c "$1" -o "$2/$(basename "$1" .c).o"' "$cc" {} "$obj"
    "$cc" -shared -o "$WINE_ROOT/lua54/lua54.dll" "$obj"/*.o -Wl,--out-implib,"$obj/liblua54.dll.a"
    "$cc" -O2 -I"$lua54_src" -o "$WINE_ROOT/lua54/lua54.exe" tests/wine/lua_host.c "$obj/liblua54.dll.a"

    echo "==> test-only bcryptprimitives.dll (ProcessPrng -> BCryptGenRandom)"
    "$cc" -O2 -shared -o "$WINE_ROOT/src/bcryptprimitives.dll" tests/wine/bcryptprimitives.c -lbcrypt
    cp "$WINE_ROOT/src/bcryptprimitives.dll" "$WINE_ROOT/luajit/"
    cp "$WINE_ROOT/src/bcryptprimitives.dll" "$WINE_ROOT/lua54/"
    echo "$want" > "$stamp"
fi

wine_start   # creates the prefix on first use
wine_stop
