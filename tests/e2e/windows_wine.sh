#!/usr/bin/env bash
# The Windows builds, under Wine (headless): `scripts/windows.sh` cross-builds
# dist/windows-x64/{luajit,lua54}/ (steam_messages.dll + steam_api64.dll), `scripts/wine-hosts.sh`
# builds a Windows LuaJIT and Lua 5.4 from source; then, for each, in a folder holding only the two
# DLLs (the current directory, as a game's folder is):
#   - tests/wine/windows_smoke.lua: require, Init() without Steam -> false + the cause, two
#     NewOfflineInstance peers exchanging reliable ordered messages on several channels;
# and two Windows processes (LuaJIT server, Lua 5.4 client) on loopback run tests/e2e/luasteam_peer.lua:
# session request / accept / reliable echo in order / close, finding each other through the offline
# backend's peer directory in the Wine user's %TEMP%.
set -euo pipefail
cd "${SM_ROOT:?run me through scripts/test-all.sh, or set SM_ROOT}"
source scripts/lib.sh
source scripts/wine-env.sh
tmp=${E2E_TMP:-$(mktemp -d)}

scripts/windows.sh
scripts/wine-hosts.sh
wine_start
trap wine_stop EXIT
# The Windows processes use the default peer directory (%TEMP% in the prefix), not the Linux one.
unset STEAM_MESSAGES_DIR STEAM_MESSAGES_BACKEND STEAM_MESSAGES_STEAMID STEAM_MESSAGES_PORT STEAM_MESSAGES_PEERS
# Wine hands the environment to Windows programs: the Linux LUA_CPATH from test-all.sh would send
# require to build-test/<lua>/steam_messages.so. Default paths only, as a game has.
unset LUA_PATH LUA_CPATH LUA_PATH_5_2 LUA_CPATH_5_2 LUA_PATH_5_3 LUA_CPATH_5_3 LUA_PATH_5_4 LUA_CPATH_5_4

exe_of() { case "$1" in luajit) echo "$WINE_ROOT/luajit/luajit.exe" ;; lua54) echo "$WINE_ROOT/lua54/lua54.exe" ;; esac; }
for lua in luajit lua54; do
    game="$tmp/game-$lua"
    mkdir -p "$game"
    cp dist/windows-x64/$lua/steam_messages.dll dist/windows-x64/$lua/steam_api64.dll "$game/"
    cp tests/wine/windows_smoke.lua tests/e2e/luasteam_peer.lua "$game/"
    echo "==> wine $(basename "$(exe_of $lua)") windows_smoke.lua (in $game)"
    (cd "$game" && wine_run 90 "$(exe_of $lua)" windows_smoke.lua)
done

echo "==> two Windows processes: LuaJIT server, Lua 5.4 client"
SERVER_ID=76561197960265821
CLIENT_ID=76561197960265822
(cd "$tmp/game-luajit" && STEAM_MESSAGES_STEAMID=$SERVER_ID wine_run 90 "$(exe_of luajit)" luasteam_peer.lua server) &
server=$!
sleep 1
client_rc=0
(cd "$tmp/game-lua54" && STEAM_MESSAGES_STEAMID=$CLIENT_ID wine_run 90 "$(exe_of lua54)" luasteam_peer.lua client $SERVER_ID) || client_rc=$?
server_rc=0
wait $server || server_rc=$?
echo "windows_wine: server exit $server_rc, client exit $client_rc"
[ $server_rc = 0 ] && [ $client_rc = 0 ]
