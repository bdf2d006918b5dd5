#!/usr/bin/env bash
# Killing one peer (SIGKILL, no goodbye) makes the other's SessionFailed fire within 15 s.
set -u
source "$(dirname "$0")/_lib.sh"
VICTIM_ID=76561197960265811
SURVIVOR_ID=76561197960265812
export KILL_SIGNAL_FILE="$STEAM_MESSAGES_DIR/killed"
STEAM_MESSAGES_STEAMID=$VICTIM_ID run_lua luajit "$REPO/tests/e2e/peer_killed.lua" victim > "$STEAM_MESSAGES_DIR/victim.log" 2>&1 &
victim=$!
sleep 0.3
STEAM_MESSAGES_STEAMID=$SURVIVOR_ID run_lua lua5.4 "$REPO/tests/e2e/peer_killed.lua" survivor $VICTIM_ID > "$STEAM_MESSAGES_DIR/survivor.log" 2>&1 &
survivor=$!
for _ in $(seq 1 100); do
  grep -q "survivor: connected" "$STEAM_MESSAGES_DIR/survivor.log" 2>/dev/null && break
  sleep 0.1
done
# $victim is the background subshell; the Lua process is its child.
pkill -9 -P $victim 2>/dev/null; kill -9 $victim 2>/dev/null
touch "$KILL_SIGNAL_FILE"
rc=0
wait $survivor || rc=$?
cat "$STEAM_MESSAGES_DIR/survivor.log"
exit $rc
