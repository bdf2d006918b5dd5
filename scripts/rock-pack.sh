#!/usr/bin/env bash
# Packs a source rock from this checkout: `luarocks pack` of rockspec/steam-messages-dev-1.rockspec
# with the working tree (tracked and untracked, not ignored files) as its source archive, so the rock
# carries what you have, committed or not. Prints the rock's path.
# Usage: scripts/rock-pack.sh [--out DIR]      (default DIR: dist/)
# Then, anywhere cargo >= 1.88 is installed:
#   luarocks --lua-version 5.4 install --tree TREE dist/steam-messages-dev-1.src.rock
# SM_CARGO_TARGET_ROOT (see build.sh) lets that build reuse a checkout's cargo target directories.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$SM_ROOT"

out=dist
while [ $# -gt 0 ]; do
    case "$1" in
        --out) out=$2; shift 2 ;;
        -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
        *) die "unknown argument $1" ;;
    esac
done
command -v luarocks >/dev/null || die "luarocks not found: run scripts/setup.sh"
rockspec=rockspec/steam-messages-dev-1.rockspec
name=steam-messages version=dev-1

stage=$(mktemp -d "${TMPDIR:-/tmp}/sm-pack.XXXXXX")
trap 'rm -rf "$stage"' EXIT
# The source archive: the files git knows of or would add, as they are on disk.
mkdir -p "$stage/$name"
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
    [ -f "$f" ] || continue   # deleted in the working tree
    mkdir -p "$stage/$name/$(dirname "$f")"
    cp -p "$f" "$stage/$name/$f"
done
tar -C "$stage" -czf "$stage/$name-$version.tar.gz" "$name"
# The rockspec as shipped, its source pointed at that archive (`luarocks make` ignores source.url;
# pack fetches it).
sed -E "s|^( *)url = \"git\\+file://\\.\",|\\1url = \"file://$stage/$name-$version.tar.gz\",\\n\\1dir = \"$name\",|" \
    "$rockspec" >"$stage/$name-$version.rockspec"
grep -q "file://$stage" "$stage/$name-$version.rockspec" || die "could not point $rockspec's source.url at the archive"
(cd "$stage" && luarocks pack "$name-$version.rockspec" >&2)
mkdir -p "$out"
mv -f "$stage/$name-$version.src.rock" "$out/"
echo "$out/$name-$version.src.rock"
