#!/usr/bin/env bash
# Installs what building and testing need on Debian 12 (run as root, or with sudo available):
# a C toolchain, Lua 5.1, 5.2, 5.3, 5.4 and LuaJIT with headers, luarocks, busted, luasocket, LÖVE 11
# (the example game and its headless end-to-end test); for the Windows cross-build and its tests
# mingw-w64, Wine (64-bit, headless) and zip, and Rust's x86_64-pc-windows-gnu target through rustup.
# Rust (cargo >= 1.88, which mlua 0.12 needs) must already be there: Debian 12's own rustc is 1.63,
# too old, and rustup's installer needs more of the internet than a package registry. If cargo is
# missing, Debian's cargo/rustc are installed only when apt offers a new enough version.
# Installs nothing when everything is already there (no `apt-get update` either).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

export DEBIAN_FRONTEND=noninteractive
PACKAGES=(build-essential pkg-config binutils ca-certificates
          lua5.1 liblua5.1-0-dev lua5.2 liblua5.2-dev lua5.3 liblua5.3-dev
          lua5.4 liblua5.4-dev luajit libluajit-5.1-dev
          luarocks lua-busted lua-socket love
          mingw-w64 wine wine64 zip unzip)
RUST_MIN=1.88

sudo=
[ "$(id -u)" = 0 ] || sudo=sudo

missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
updated=0
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    $sudo apt-get update -q
    updated=1
    $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
else
    echo "setup: Debian packages already installed"
fi

version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" = "$2" ]; }

if command -v cargo >/dev/null 2>&1; then
    have=$(rustc --version | awk '{print $2}')
    version_ge "$have" "$RUST_MIN" || die "rustc $have is older than $RUST_MIN, which mlua 0.12 needs: update Rust"
    echo "setup: $(cargo --version)"
else
    [ $updated = 1 ] || $sudo apt-get update -q
    candidate=$(apt-cache policy rustc | awk '/Candidate:/ {print $2}')
    upstream=${candidate#*:}; upstream=${upstream%%[+~-]*}
    if [ -n "$upstream" ] && [ "$upstream" != "(none)" ] && version_ge "$upstream" "$RUST_MIN"; then
        echo "setup: installing Debian's rustc/cargo $candidate"
        $sudo apt-get install -y -q --no-install-recommends rustc cargo
    else
        die "cargo not found, and Debian's rustc (${candidate:-none}) is older than $RUST_MIN: install Rust >= $RUST_MIN with rustup"
    fi
fi

# The Windows cross-build (scripts/windows.sh) needs the standard library for x86_64-pc-windows-gnu.
if command -v rustup >/dev/null 2>&1; then
    if rustup target list --installed | grep -qx "$WIN_TARGET"; then
        echo "setup: Rust target $WIN_TARGET already installed"
    else
        echo "setup: rustup target add $WIN_TARGET"
        rustup target add "$WIN_TARGET"
    fi
else
    echo "setup: warning: no rustup, so no Rust target $WIN_TARGET: make windows and the Wine tests will fail" >&2
fi
