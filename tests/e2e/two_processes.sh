#!/usr/bin/env bash
# Two real processes (lua5.4 and luajit) on loopback run the luasteam reference examples:
# session request and accept, reliable ordered echo of 200 messages, close.
set -u
source "$(dirname "$0")/_lib.sh"
SERVER_ID=76561197960265801
CLIENT_ID=76561197960265802
STEAM_MESSAGES_STEAMID=$SERVER_ID run_lua lua5.4 "$REPO/tests/e2e/luasteam_peer.lua" server &
server=$!
sleep 0.3
client_rc=0
STEAM_MESSAGES_STEAMID=$CLIENT_ID run_lua luajit "$REPO/tests/e2e/luasteam_peer.lua" client $SERVER_ID || client_rc=$?
server_rc=0
wait $server || server_rc=$?
echo "two_processes: server exit $server_rc, client exit $client_rc"
[ $server_rc -eq 0 ] && [ $client_rc -eq 0 ]
