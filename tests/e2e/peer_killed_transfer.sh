#!/usr/bin/env bash
# Killing a peer (SIGKILL) in the middle of a large reliable transfer: the sender's SessionFailed
# fires within 15 s, later sends return k_EResultNoConnection, and nothing crashes or hangs.
set -u
source "$(dirname "$0")/_lib.sh"
VICTIM_ID=76561197960265821
SURVIVOR_ID=76561197960265822
export KILL_SIGNAL_FILE="$STEAM_MESSAGES_DIR/killed"
lua=${LUA:-lua5.4}
STEAM_MESSAGES_STEAMID=$VICTIM_ID run_lua "$lua" "$REPO/tests/e2e/peer_killed_transfer.lua" victim > "$STEAM_MESSAGES_DIR/victim.log" 2>&1 &
victim=$!
sleep 0.3
STEAM_MESSAGES_STEAMID=$SURVIVOR_ID run_lua "$lua" "$REPO/tests/e2e/peer_killed_transfer.lua" survivor $VICTIM_ID > "$STEAM_MESSAGES_DIR/survivor.log" 2>&1 &
survivor=$!
for _ in $(seq 1 200); do
  grep -q "victim: receiving" "$STEAM_MESSAGES_DIR/victim.log" 2>/dev/null && break
  sleep 0.1
done
grep -q "victim: receiving" "$STEAM_MESSAGES_DIR/victim.log" || { echo "the transfer never started"; cat "$STEAM_MESSAGES_DIR"/*.log; exit 1; }
# $victim is the background subshell; the Lua process is its child.
pkill -9 -P $victim 2>/dev/null; kill -9 $victim 2>/dev/null
touch "$KILL_SIGNAL_FILE"
rc=0
wait $survivor || rc=$?
cat "$STEAM_MESSAGES_DIR/survivor.log"
exit $rc
