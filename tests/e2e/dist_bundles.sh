#!/usr/bin/env bash
# `scripts/dist.sh` makes the drop-in zips (Linux: each Lua in LUAS; Windows: LuaJIT and Lua 5.4). Each
# is unpacked into an empty folder and checked there: it holds the module, Steam's library beside it,
# README.txt, steam_appid.txt, every pure-Lua helper from lua/ (and nothing test-only such as the Wine
# bcryptprimitives.dll stub); then, with that folder as the current directory and no LUA_PATH,
# LUA_CPATH or LD_LIBRARY_PATH, tests/e2e/bundle_check.lua requires the module and the helpers, sees
# Init() fail with the cause, and runs the offline backend. Windows zips run under Wine with the
# Windows LuaJIT / Lua 5.4 from scripts/wine-hosts.sh.
set -euo pipefail
cd "${SM_ROOT:?run me through scripts/test-all.sh, or set SM_ROOT}"
source scripts/lib.sh
source scripts/wine-env.sh
tmp=${E2E_TMP:-$(mktemp -d)}
read -r -a luas <<<"${LUAS:-$DEFAULT_LUAS}"
version=$(sed -nE 's/^version = "([^"]+)"$/\1/p' Cargo.toml | head -n 1)
check="$SM_ROOT/tests/e2e/bundle_check.lua"

scripts/dist.sh
scripts/wine-hosts.sh

helpers=()
if [ -d lua ]; then
    while read -r f; do helpers+=("$f"); done < <(cd lua && find . -name '*.lua' -type f | sed 's|^\./||' | sort)
fi
modules=()
for f in "${helpers[@]}"; do m=${f%.lua}; m=${m%/init}; modules+=("${m//\//.}"); done

# contents ZIP DIR MODULE LIB: unpack ZIP into the empty DIR and check what it holds.
contents() {
    local zip=$1 dir=$2 f
    [ -f "$zip" ] || { echo "dist_bundles: $zip was not made" >&2; return 1; }
    mkdir "$dir"
    unzip -q "$zip" -d "$dir"
    for f in "$3" "$4" README.txt steam_appid.txt types/steam_messages.lua "${helpers[@]}"; do
        [ -f "$dir/$f" ] || { echo "dist_bundles: $zip lacks $f" >&2; return 1; }
    done
    if unzip -Z1 "$zip" | grep -Eiq 'bcryptprimitives|\.o$|\.a$'; then
        echo "dist_bundles: $zip holds test-only or build files: $(unzip -Z1 "$zip" | tr '\n' ' ')" >&2; return 1
    fi
    grep -q 'require "steam_messages"' "$dir/README.txt" || { echo "dist_bundles: README.txt lacks the require line" >&2; return 1; }
    echo "==> $(basename "$zip"): $(unzip -Z1 "$zip" | grep -v '/$' | tr '\n' ' ')"
}

clean_env=(env -u LUA_PATH -u LUA_CPATH -u LUA_PATH_5_2 -u LUA_CPATH_5_2 -u LUA_PATH_5_3 -u LUA_CPATH_5_3
           -u LUA_PATH_5_4 -u LUA_CPATH_5_4 -u LD_LIBRARY_PATH -u STEAM_MESSAGES_BACKEND -u STEAM_MESSAGES_STEAMID
           -u STEAM_MESSAGES_PORT -u STEAM_MESSAGES_PEERS)
for lua in "${luas[@]}"; do
    dir="$tmp/linux-$lua"
    contents "dist/steam_messages-$version-linux-x64-$lua.zip" "$dir" steam_messages.so libsteam_api.so
    (cd "$dir" && "${clean_env[@]}" STEAM_MESSAGES_DIR="$tmp/peers" "$lua" "$check" "${modules[@]}")
done

wine_start
trap wine_stop EXIT
for d in luajit lua54; do
    dir="$tmp/windows-$d"
    contents "dist/steam_messages-$version-windows-x64-$d.zip" "$dir" steam_messages.dll steam_api64.dll
    case $d in luajit) exe="$WINE_ROOT/luajit/luajit.exe" ;; lua54) exe="$WINE_ROOT/lua54/lua54.exe" ;; esac
    # The Windows side uses its default peer directory, in the prefix's %TEMP%.
    (cd "$dir" && "${clean_env[@]}" -u STEAM_MESSAGES_DIR timeout 90 wine "$exe" "$check" "${modules[@]}" </dev/null)
done
echo "dist_bundles: all ok"
