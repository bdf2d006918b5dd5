#!/usr/bin/env bash
# Checks that a built steam_messages.so can be required from anywhere with no LD_LIBRARY_PATH:
# RUNPATH (or RPATH) is $ORIGIN, it NEEDs libsteam_api.so, libsteam_api.so sits beside it, and it
# exports luaopen_steam_messages.
# Usage: scripts/check-module.sh [--warn] path/to/steam_messages.so
#   --warn: report problems but exit 0 (the build uses this; tests/e2e/module_links.sh does not).
set -uo pipefail
warn=0
[ "${1:-}" = --warn ] && { warn=1; shift; }
so=${1:?usage: check-module.sh [--warn] SO}
problems=0
problem() { echo "check-module: $so: $*" >&2; problems=$((problems + 1)); }

[ -f "$so" ] || { problem "no such file"; exit 1; }
dyn=$(readelf -d "$so") || { problem "readelf failed"; exit 1; }
grep -Eq '\((RUNPATH|RPATH)\).*\[\$ORIGIN\]' <<<"$dyn" || problem "RUNPATH is not \$ORIGIN (see build.rs)"
grep -Eq '\(NEEDED\).*\[libsteam_api\.so\]' <<<"$dyn" || problem "does not NEED libsteam_api.so"
[ -f "$(dirname "$so")/libsteam_api.so" ] || problem "no libsteam_api.so beside it"
readelf --dyn-syms -W "$so" | grep -Eq ' FUNC +GLOBAL +DEFAULT +[0-9]+ luaopen_steam_messages$' \
    || problem "does not export luaopen_steam_messages"

if [ $problems -gt 0 ]; then
    [ $warn = 1 ] && { echo "check-module: warning: $problems problem(s), see above" >&2; exit 0; }
    exit 1
fi
echo "check-module: $so: ok (RUNPATH \$ORIGIN, NEEDED libsteam_api.so, luaopen_steam_messages)"
