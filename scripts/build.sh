#!/usr/bin/env bash
# Builds the module for one or more Luas and lays each out as a loadable directory:
#   <out>/<lua>/steam_messages.so   the module (RUNPATH $ORIGIN)
#   <out>/<lua>/libsteam_api.so     Steam's library, found through that RUNPATH
# Usage: scripts/build.sh [--test-hooks] [--out DIR] LUA...
#   LUA is lua5.1, lua5.2, lua5.3, lua5.4 or luajit. Cargo builds in release into target/<lua>/ so
#   builds for different Luas never invalidate each other; --test-hooks adds the `test-hooks` feature
#   and makes the default out dir build-test/ instead of build/. SM_CARGO_TARGET_ROOT (an absolute
#   path) replaces target/: a rock unpacked elsewhere can reuse a checkout's compiled dependencies.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$SM_ROOT"

hooks=0
out=
while [ $# -gt 0 ]; do
    case "$1" in
        --test-hooks) hooks=1; shift ;;
        --out) out=$2; shift 2 ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        -*) die "unknown option $1" ;;
        *) break ;;
    esac
done
[ $# -gt 0 ] || die "usage: scripts/build.sh [--test-hooks] [--out DIR] LUA..."
if [ -z "$out" ]; then
    if [ $hooks = 1 ]; then out=build-test; else out=build; fi
fi
command -v cargo >/dev/null || die "cargo not found: run scripts/setup.sh, or install Rust >= 1.88"

for lua in "$@"; do
    feature=$(lua_feature "$lua") || die "unknown Lua '$lua' (want lua5.1, lua5.2, lua5.3, lua5.4 or luajit)"
    [ $hooks = 1 ] && feature="$feature,test-hooks"
    target="${SM_CARGO_TARGET_ROOT:-target}/$lua"
    echo "==> cargo build --release --features $feature --target-dir $target"
    cargo build --release -j"$CARGO_JOBS" --features "$feature" --target-dir "$target"

    so="$target/release/libsteam_messages.so"
    api=$(steam_api_lib "$target" release)
    [ -f "$so" ] || die "cargo produced no $so"
    [ -n "$api" ] || die "no libsteam_api.so under $target/release/build/steamworks-sys-*/out/"

    dest="$out/$lua"
    mkdir -p "$dest"
    # Copy then rename: a process that has the old file mapped keeps its copy intact.
    cp "$so" "$dest/.steam_messages.so.tmp" && mv -f "$dest/.steam_messages.so.tmp" "$dest/steam_messages.so"
    cp "$api" "$dest/.libsteam_api.so.tmp" && mv -f "$dest/.libsteam_api.so.tmp" "$dest/libsteam_api.so"
    echo "==> $dest/steam_messages.so"
    "$SM_ROOT/scripts/check-module.sh" --warn "$dest/steam_messages.so"
done

# build/ is ignored by .gitignore; build-test/ and other out dirs ignore themselves.
[ "$out" = build ] || [ -f "$out/.gitignore" ] || echo '*' > "$out/.gitignore"
