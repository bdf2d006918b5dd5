#!/usr/bin/env bash
# Cross-builds the module for 64-bit Windows from Linux, for the Luas Windows games use:
#   <out>/luajit/steam_messages.dll   imports lua51.dll: LuaJIT, as LÖVE 11 ships it
#   <out>/lua54/steam_messages.dll    imports lua54.dll: Lua 5.4
# each with steam_api64.dll (the Steamworks SDK's, bundled by the steamworks crate) beside it.
# Usage: scripts/windows.sh [--out DIR] [LUA...]   LUA: luajit, lua5.4 (default both); out: dist/windows-x64
# Needs the rustup target x86_64-pc-windows-gnu and mingw-w64 (its linker, and the dlltool rustc uses
# for mlua's raw-dylib imports of lua51.dll / lua54.dll); scripts/setup.sh installs both.
# Cargo builds in release into target/<lua>/x86_64-pc-windows-gnu/, beside that Lua's Linux build.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$SM_ROOT"

out=dist/windows-x64
while [ $# -gt 0 ]; do
    case "$1" in
        --out) out=$2; shift 2 ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        -*) die "unknown option $1" ;;
        *) break ;;
    esac
done
[ $# -gt 0 ] || set -- luajit lua5.4
command -v cargo >/dev/null || die "cargo not found: run scripts/setup.sh, or install Rust >= 1.88"
command -v "$WIN_CROSS-gcc" >/dev/null || die "$WIN_CROSS-gcc not found: apt-get install mingw-w64 (or run scripts/setup.sh)"
if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx "$WIN_TARGET"; then
    die "the Rust target $WIN_TARGET is missing: rustup target add $WIN_TARGET (or run scripts/setup.sh)"
fi

for lua in "$@"; do
    dir=$(win_lua_dir "$lua") || die "Windows builds are for luajit and lua5.4, not '$lua'"
    feature=$(lua_feature "$lua")
    target="target/$lua"
    echo "==> cargo build --release --target $WIN_TARGET --features $feature --target-dir $target"
    CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=${CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER:-$WIN_CROSS-gcc} \
        cargo build --release -j"$CARGO_JOBS" --target "$WIN_TARGET" --features "$feature" --target-dir "$target"

    dll="$target/$WIN_TARGET/release/steam_messages.dll"
    api=$(ls -t "$target/$WIN_TARGET"/release/build/steamworks-sys-*/out/steam_api64.dll 2>/dev/null | head -n 1)
    [ -f "$dll" ] || die "cargo produced no $dll"
    [ -n "$api" ] || die "no steam_api64.dll under $target/$WIN_TARGET/release/build/steamworks-sys-*/out/"

    dest="$out/$dir"
    mkdir -p "$dest"
    cp "$dll" "$dest/steam_messages.dll"
    cp "$api" "$dest/steam_api64.dll"
    case $dir in luajit) lua_dll=lua51.dll ;; *) lua_dll=lua54.dll ;; esac
    "$SM_ROOT/scripts/check-dll.sh" "$dest/steam_messages.dll" "$lua_dll"
done
