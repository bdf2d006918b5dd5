#!/usr/bin/env bash
# Installs what building and testing need on Debian 12 (run as root, or with sudo available):
# a C toolchain, Lua 5.1, 5.2, 5.3, 5.4 and LuaJIT with headers, luarocks, busted, luasocket, LÖVE 11
# (the example game and its headless end-to-end test); for the Windows cross-build and its tests
# mingw-w64, Wine (64-bit, headless) and zip, and Rust's x86_64-pc-windows-gnu target through rustup.
# Rust (cargo >= 1.88, which mlua 0.12 needs): used as it is when new enough; else Debian's when apt
# offers a new enough version (Debian 12's is 1.63, too old), else rustup-init from static.rust-lang.org.
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

# rustup's cargo lives in ~/.cargo/bin, which a non-login shell may not have on its PATH.
cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
[ -x "$cargo_bin/cargo" ] && export PATH="$cargo_bin:$PATH"

# install_rustup: Rust's own installer, stable toolchain, minimal profile, into ~/.cargo and ~/.rustup.
install_rustup() {
    command -v curl >/dev/null 2>&1 || { [ $updated = 1 ] || $sudo apt-get update -q; updated=1
                                          $sudo apt-get install -y -q --no-install-recommends curl; }
    local dir init arch
    arch=$(uname -m)-unknown-linux-gnu
    # rustup-init acts by the name it is run as, so the file keeps its name.
    dir=$(mktemp -d); init="$dir/rustup-init"
    echo "setup: installing Rust (stable, minimal profile) with rustup-init for $arch"
    curl --proto '=https' --tlsv1.2 -fsSL --retry 3 -o "$init" \
        "https://static.rust-lang.org/rustup/dist/$arch/rustup-init" \
        || die "could not download rustup-init: install Rust >= $RUST_MIN by hand"
    chmod +x "$init"
    "$init" -y -q --no-modify-path --profile minimal --default-toolchain stable
    rm -rf "$dir"
    export PATH="$cargo_bin:$PATH"
}

if command -v cargo >/dev/null 2>&1 && version_ge "$(rustc --version | awk '{print $2}')" "$RUST_MIN"; then
    echo "setup: $(cargo --version)"
elif command -v rustup >/dev/null 2>&1; then
    echo "setup: rustc is older than $RUST_MIN: rustup update stable"
    rustup toolchain install stable --profile minimal && rustup default stable
else
    # Debian 12's rustc (1.63) is too old for mlua 0.12; a newer Debian's may do.
    [ $updated = 1 ] || { $sudo apt-get update -q; updated=1; }
    candidate=$(apt-cache policy rustc | awk '/Candidate:/ {print $2}')
    upstream=${candidate#*:}; upstream=${upstream%%[+~-]*}
    if [ -n "$upstream" ] && [ "$upstream" != "(none)" ] && version_ge "$upstream" "$RUST_MIN"; then
        echo "setup: installing Debian's rustc/cargo $candidate"
        $sudo apt-get install -y -q --no-install-recommends rustc cargo
    else
        install_rustup
    fi
fi
version_ge "$(rustc --version | awk '{print $2}')" "$RUST_MIN" || die "rustc is older than $RUST_MIN, which mlua 0.12 needs"

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
