#!/usr/bin/env bash
# Builds the LuaJIT module and opens the LÖVE example twice: a host window and a joiner window on
# the offline backend (examples/love/). Close both windows to finish.
# Usage: scripts/love-demo.sh    (make love-demo)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$SM_ROOT"
command -v love >/dev/null || die "love not found: run scripts/setup.sh (Debian's love 11)"
scripts/build.sh luajit
love examples/love host &
host=$!
sleep 1
love examples/love join || true
wait "$host" || true
