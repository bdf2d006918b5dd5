#!/usr/bin/env bash
# Runs the two-peer demo: a host and a joiner, each its own process, on the offline backend.
# Usage: examples/demo.sh [lua interpreter, default lua5.4]  (after `make build LUA=...`)
set -euo pipefail
cd "$(dirname "$0")/.."
LUA=${1:-${LUA:-lua5.4}}
MOD_DIR=${LUA_BUILD_DIR:-build/$LUA}
if [ ! -f "$MOD_DIR/steam_messages.so" ]; then
  echo "demo: $MOD_DIR/steam_messages.so is missing; run 'make build LUA=$LUA' first" >&2
  exit 1
fi
case "$MOD_DIR" in /*) ;; *) MOD_DIR="$PWD/$MOD_DIR" ;; esac
export LUA_CPATH="$MOD_DIR/?.so;;" LUA_CPATH_5_4="$MOD_DIR/?.so;;"
# Two fixed SteamIDs so the joiner knows whom to call; a private directory keeps this run apart.
export STEAM_MESSAGES_DIR; STEAM_MESSAGES_DIR=$(mktemp -d)
trap 'rm -rf "$STEAM_MESSAGES_DIR"' EXIT
HOST_ID=76561197960265729
JOIN_ID=76561197960265730
STEAM_MESSAGES_STEAMID=$HOST_ID "$LUA" examples/demo.lua host &
host=$!
sleep 0.5
join_rc=0
STEAM_MESSAGES_STEAMID=$JOIN_ID "$LUA" examples/demo.lua join "$HOST_ID" || join_rc=$?
host_rc=0
wait "$host" || host_rc=$?
echo "demo: host exit $host_rc, joiner exit $join_rc"
[ "$host_rc" -eq 0 ] && [ "$join_rc" -eq 0 ]
