#!/usr/bin/env bash
# Drop-in release bundles: one zip per platform and Lua in dist/, laid out for a game's folder
# (unzip there; the files sit at the top of the zip):
#   steam_messages.so + libsteam_api.so        (Linux x64; RUNPATH $ORIGIN finds the library beside it)
#   steam_messages.dll + steam_api64.dll       (Windows x64; see README.txt for where they go)
#   steam_messages/*.lua                       the pure-Lua helpers from lua/, if any
#   types/*.lua                                LuaLS annotations (---@meta files), if any
#   README.txt, steam_appid.txt                the require line; the Spacewar app id 480 for testing
# Zips: dist/steam_messages-<version>-linux-x64-<lua>.zip for each Lua in LUAS (default all five) and
# dist/steam_messages-<version>-windows-x64-{luajit,lua54}.zip. Release builds: scripts/build.sh (into
# build/<lua>/) and scripts/windows.sh (into dist/windows-x64/).
# Usage: scripts/dist.sh [--no-build] [--linux-only | --windows-only]
#   --no-build packs what build/ and dist/windows-x64/ hold already.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$SM_ROOT"

build=1 linux=1 windows=1
for a in "$@"; do
    case "$a" in
        --no-build) build=0 ;;
        --linux-only) windows=0 ;;
        --windows-only) linux=0 ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) die "unknown argument $a" ;;
    esac
done
command -v zip >/dev/null || die "zip not found: apt-get install zip (or run scripts/setup.sh)"
read -r -a luas <<<"${LUAS:-$DEFAULT_LUAS}"
version=$(sed -nE 's/^version = "([^"]+)"$/\1/p' Cargo.toml | head -n 1)
mkdir -p dist

if [ $build = 1 ]; then
    [ $linux = 0 ] || scripts/build.sh "${luas[@]}"
    [ $windows = 0 ] || scripts/windows.sh
fi

# LuaLS annotation files: anything outside the test and build trees whose first line is ---@meta.
annotations=()
while IFS= read -r f; do
    head -n 1 "$f" | grep -q '^---@meta' && annotations+=("$f")
done < <(find . \( -path ./target -o -path ./build -o -path ./build-test -o -path ./dist -o -path ./spec \
                   -o -path ./tests -o -path ./examples -o -path ./bench -o -path ./.git \) -prune -o \
              -type f -name '*.lua' -print | sed 's|^\./||' | sort)

# readme PLATFORM LUA STAGE -> README.txt text (lists what STAGE holds)
readme() {
    local platform=$1 lua=$2 stage=$3 mod lib where helpers f
    if [ "$platform" = linux-x64 ]; then
        mod=steam_messages.so lib=libsteam_api.so
        where="Keep $mod and $lib together in one folder: the module finds $lib
beside itself (RUNPATH \$ORIGIN), with no LD_LIBRARY_PATH. Lua's default package.cpath
has ./?.so, so running the game from this folder works; else add the folder:
    package.cpath = \"/path/to/folder/?.so;\" .. package.cpath"
    else
        mod=steam_messages.dll lib=steam_api64.dll
        where="Put $mod and $lib beside the game's .exe (love.exe or your fused
game's .exe, where lua51.dll or lua54.dll is): Windows looks for $lib in the
.exe's folder, the current folder and PATH, not in the folder $mod was
loaded from. Needs Windows 10 or later (as Rust's standard library does)."
    fi
    cat <<TXT
steam_messages $version for $lua on $platform
Steam's ISteamNetworkingMessages for Lua and LÖVE, with an offline (loopback/LAN) backend.

Load it:
    local Steam = require "steam_messages"
    package.loaded.luasteam = Steam      -- luasteam code can then require 'luasteam' unchanged
    assert(Steam.Init())                 -- Steam; or Steam.Init { backend = "offline" } without it

$where

Files:
    $(printf '%-22s' "$mod") the module
    $(printf '%-22s' "$lib") Steam's library (Steamworks SDK redistributable)
TXT
    (cd "$stage" && { [ ! -d steam_messages ] || find steam_messages -name '*.lua' -type f; } | sort) | while read -r f; do
        helpers=${f%.lua}; helpers=${helpers//\//.}
        printf '    %-22s pure-Lua helper: require "%s"\n' "$f" "$helpers"
    done
    (cd "$stage" && { [ ! -d types ] || find types -name '*.lua' -type f; } | sort) | while read -r f; do
        printf '    %-22s LuaLS annotations: add types/ to Lua.workspace.library\n' "$f"
    done
    cat <<TXT
    steam_appid.txt        480 (Spacewar), so Steam.Init() works while you develop outside
                           Steam. Put your own app id in it, and do not ship it: Steam sets
                           the app id when it starts the game.
Without a running Steam client Init() returns false and a reason; the offline backend
needs no Steam at all.
TXT
}

# pack PLATFORM LUA SRC_DIR MODULE STEAMLIB
pack() {
    local platform=$1 lua=$2 src=$3 mod=$4 lib=$5 stage zipname f
    [ -f "$src/$mod" ] && [ -f "$src/$lib" ] || die "$src/$mod or $src/$lib missing: build first"
    zipname="steam_messages-$version-$platform-$lua.zip"
    stage=$(mktemp -d "${TMPDIR:-/tmp}/sm-dist.XXXXXX")
    cp "$src/$mod" "$src/$lib" "$stage/"
    if [ -d lua ]; then
        (cd lua && find . -name '*.lua' -type f | sed 's|^\./||') | while read -r f; do
            mkdir -p "$stage/$(dirname "$f")"; cp "lua/$f" "$stage/$f"
        done
    fi
    for f in "${annotations[@]}"; do
        mkdir -p "$stage/types"; cp "$f" "$stage/types/$(basename "$f")"
    done
    if [ "$platform" = linux-x64 ]; then
        readme "$platform" "$lua" "$stage" > "$stage/README.txt"
    else
        readme "$platform" "$lua" "$stage" | sed 's/$/\r/' > "$stage/README.txt"
    fi
    echo 480 > "$stage/steam_appid.txt"
    rm -f "dist/$zipname"
    (cd "$stage" && zip -q -X -r "$SM_ROOT/dist/$zipname" .)
    rm -rf "$stage"
    echo "dist: dist/$zipname"
}

if [ $linux = 1 ]; then
    for lua in "${luas[@]}"; do pack linux-x64 "$lua" "build/$lua" steam_messages.so libsteam_api.so; done
fi
if [ $windows = 1 ]; then
    for lua in luajit lua5.4; do
        d=$(win_lua_dir "$lua")
        pack windows-x64 "$d" "dist/windows-x64/$d" steam_messages.dll steam_api64.dll
    done
fi
