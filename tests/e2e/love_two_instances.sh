#!/usr/bin/env bash
# Two headless LÖVE instances of examples/love (SM_LOVE_TEST: no window, prints to stdout) on the
# offline backend: state and events go both ways, and when the joiner quits the host sees its
# session lost (closed by peer, problem detected locally, or gone: state 4, 5 or 0).
# Needs Debian's `love` (11.x, LuaJIT) and the LuaJIT test build (build-test/luajit/).
set -u
cd "${SM_ROOT:?run me through scripts/test-all.sh, or set SM_ROOT}"
command -v love >/dev/null || { echo "love_two_instances: 'love' not found (scripts/setup.sh installs it)" >&2; exit 1; }
module_dir="${SM_TEST_BUILD_ROOT:-$SM_ROOT/build-test}/luajit"
[ -f "$module_dir/steam_messages.so" ] || { echo "love_two_instances: no $module_dir/steam_messages.so (LUAS must include luajit)" >&2; exit 1; }

tmp=${E2E_TMP:-$(mktemp -d)}
export SM_MODULE_DIR="$module_dir" STEAM_MESSAGES_DIR="$tmp/peers" STEAM_MESSAGES_BACKEND=offline
unset STEAM_MESSAGES_STEAMID STEAM_MESSAGES_PORT STEAM_MESSAGES_PEERS
mkdir -p "$STEAM_MESSAGES_DIR"
HOST=76561197960265729 JOIN=76561197960265730

# The host quits a second after it sees the joiner lost, or after 60 s.
SM_LOVE_TEST=60 timeout 90 love examples/love host >"$tmp/host.log" 2>"$tmp/host.err" &
host=$!
for _ in $(seq 1 300); do grep -q '^SM ready' "$tmp/host.log" 2>/dev/null && break; sleep 0.1; done
SM_LOVE_TEST=4 timeout 60 love examples/love join >"$tmp/join.log" 2>"$tmp/join.err"
join_rc=$?
wait $host
host_rc=$?

for who in host join; do echo "--- $who"; cat "$tmp/$who.log"; grep -v -e '^ALSA' -e XDG_RUNTIME_DIR "$tmp/$who.err"; done
fail=0
expect() { # expect WHO PATTERN WHAT
    grep -qE "$2" "$tmp/$1.log" || { echo "love_two_instances: FAIL: $1 did not $3 (no line matching '$2')" >&2; fail=1; }
}
[ $host_rc = 0 ] || { echo "love_two_instances: FAIL: host exited $host_rc" >&2; fail=1; }
[ $join_rc = 0 ] || { echo "love_two_instances: FAIL: joiner exited $join_rc" >&2; fail=1; }
expect host "^SM connected steamid:$JOIN\$" "connect to the joiner"
expect join "^SM connected steamid:$HOST\$" "connect to the host"
expect host "^SM first state from steamid:$JOIN\$" "get the joiner's state (unreliable)"
expect join "^SM first state from steamid:$HOST\$" "get the host's state (unreliable)"
expect host "^SM event from steamid:$JOIN: event [0-9]+\$" "get the joiner's events (reliable)"
expect join "^SM event from steamid:$HOST: event [0-9]+\$" "get the host's events (reliable)"
expect host "^SM summary from steamid:$JOIN states=[1-9][0-9]* events=[1-9]" "count states and events from the joiner"
expect join "^SM summary from steamid:$HOST states=[1-9][0-9]* events=[1-9]" "count states and events from the host"
# The on-screen status (state, ping, quality), printed once a second in headless mode.
expect host "^SM status steamid:$JOIN  connected  ping [0-9]+ ms  quality [0-9]+% / [0-9?]+%" "show the joiner's session status"
expect join "^SM status steamid:$HOST  connected  ping [0-9]+ ms  quality [0-9]+% / [0-9?]+%" "show the host's session status"
expect host "^SM lost steamid:$JOIN state=[045] " "see the joiner's session lost after it quit"
expect host "^SM quit\$" "quit cleanly"
expect join "^SM quit\$" "quit cleanly"
[ $fail = 0 ] && echo "love_two_instances: ok"
exit $fail
