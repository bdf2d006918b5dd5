#!/bin/sh
# The side-by-side benchmark: this module (offline backend), LÖVE's enet and raw luasocket UDP,
# two processes each on loopback, same workloads and sizes, one table at the end (bench/table.lua).
#
#   make bench                      # or bench/run.sh; median of BENCH_RUNS runs (3)
#   BENCH_QUICK=1 bench/run.sh      # tiny durations, one run: proves the bench runs (CI smoke)
#
# Environment: LUA (lua5.4) runs the module and raw UDP programs; BENCH_BUILD_DIR (build/$LUA)
# holds steam_messages.so; BENCH_DUR seconds per workload (2); BENCH_RUNS (3); BENCH_OUT keeps
# the raw RESULT lines there. Every process runs under `timeout`, so a peer that never shows up
# costs a few seconds, never a hang.
set -u
cd "$(dirname "$0")/.."
LUA=${LUA:-lua5.4}
BUILD=${BENCH_BUILD_DIR:-build/$LUA}
if [ "${BENCH_QUICK:-0}" = 1 ]; then
  DUR=${BENCH_DUR:-0.3}; RUNS=${BENCH_RUNS:-1}; ROUNDS=3
else
  DUR=${BENCH_DUR:-2}; RUNS=${BENCH_RUNS:-3}; ROUNDS=20
fi
LIMIT=$(awk "BEGIN { print int($DUR + 45) }")
TMP=$(mktemp -d "${TMPDIR:-/tmp}/sm-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
OUT=${BENCH_OUT:-$TMP/results.txt}
: > "$OUT"

if [ ! -f "$BUILD/steam_messages.so" ]; then
  echo "bench: $BUILD/steam_messages.so missing: run 'make build LUA=$LUA' first" >&2
  exit 1
fi
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
export LUA_CPATH="$BUILD/?.so;;"
unset LUA_CPATH_5_4 LUA_CPATH_5_3 LUA_CPATH_5_2
export BENCH_DIR="$PWD/bench"
HAVE_LOVE=0; command -v love >/dev/null 2>&1 && HAVE_LOVE=1
"$LUA" -e 'require "socket"' 2>/dev/null || { echo "bench: luasocket missing (Debian: lua-socket)" >&2; exit 1; }

# SteamIDs and ports unique to this run, so a bench beside other tests never meets them.
SEQ=0
ID_BASE=$((76561198000000000 + ($$ % 50000) * 200))
PORT_BASE=$((20000 + ($$ % 2000) * 20))

# cmd STACK ROLE ME PEER ARGS...: the command line of one side.
cmd() {
  stack=$1 role=$2 me=$3 peer=$4; shift 4
  case $stack in
    module) echo "$LUA bench/sm.lua role=$role me=$((ID_BASE + me)) peer=$((ID_BASE + peer)) $*" ;;
    raw) echo "$LUA bench/raw.lua role=$role port=$((PORT_BASE + me)) peerport=$((PORT_BASE + peer)) $*" ;;
    enet) echo "love $BENCH_DIR/enet role=$role port=$((PORT_BASE + me)) peerport=$((PORT_BASE + peer)) $*" ;;
  esac
}

# pair STACK SERVER_ROLE CLIENT_ROLE ARGS...: both sides of one workload, server first.
pair() {
  stack=$1 srole=$2 crole=$3; shift 3
  SEQ=$((SEQ + 2)); a=$SEQ; b=$((SEQ + 1))
  [ "$stack" = enet ] && [ $HAVE_LOVE = 0 ] && return 0
  timeout -k 5 "$LIMIT" $(cmd "$stack" "$srole" $a $b "$@") >> "$TMP/s.out" 2>> "$TMP/err.log" &
  spid=$!
  sleep 0.3
  timeout -k 5 "$LIMIT" $(cmd "$stack" "$crole" $b $a "$@") >> "$TMP/c.out" 2>> "$TMP/err.log"
  crc=$?
  wait $spid; src=$?
  grep -h '^RESULT' "$TMP/s.out" "$TMP/c.out" | sed "s/^RESULT /RESULT run=$RUN /" >> "$OUT"
  : > "$TMP/s.out"; : > "$TMP/c.out"
  if [ $crc -ne 0 ] || [ $src -ne 0 ]; then
    echo "RESULT run=$RUN stack=$stack workload=$W role=exit error=exit-$src/$crc" >> "$OUT"
  fi
}

single() {
  stack=$1 role=$2; shift 2
  SEQ=$((SEQ + 2))
  [ "$stack" = enet ] && [ $HAVE_LOVE = 0 ] && return 0
  timeout -k 5 "$LIMIT" $(cmd "$stack" "$role" $SEQ $((SEQ + 1)) "$@") 2>> "$TMP/err.log" \
    | grep '^RESULT' | sed "s/^RESULT /RESULT run=$RUN /" >> "$OUT"
}

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)
echo "bench: $RUNS run(s) of ${DUR}s per workload; module from $BUILD ($LUA); enet: love $(love --version 2>/dev/null | head -1 | awk '{print $2}')" >&2
RUN=1
while [ $RUN -le $RUNS ]; do
  for stack in module enet raw; do
    W=a; pair $stack recv send w=a dur=$DUR size=64 reliable=0
    W=b; pair $stack recv send w=b dur=$DUR size=64 reliable=1
    W=c; pair $stack pong ping w=c dur=$DUR
    W=d; pair $stack recv send w=d dur=$DUR size=65536 reliable=1
    W=f; pair $stack costrecv costsend w=f dur=$DUR size=64 rounds=$ROUNDS
    W=mem; single $stack mem w=mem
  done
  # (e): 2% loss on every datagram each side sends (the module's netsim, FakePacketLoss_Send).
  W=e_b; pair module recv send w=e_b dur=$DUR size=64 reliable=1 loss=2
  W=e_d; pair module recv send w=e_d dur=$DUR size=65536 reliable=1 loss=2
  # What a game gets at Steam's default 256 KiB/s.
  W=b; pair module recv send w=b dur=$DUR size=64 reliable=1 rate=default
  W=d; pair module recv send w=d dur=$DUR size=65536 reliable=1 rate=default
  echo "bench: run $RUN of $RUNS done" >&2
  RUN=$((RUN + 1))
done
if [ -s "$TMP/err.log" ] && [ "${BENCH_VERBOSE:-0}" = 1 ]; then cat "$TMP/err.log" >&2; fi
"$LUA" bench/table.lua "$OUT" "$DUR" "$RUNS"
cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ *//')
echo
echo "machine: $(nproc 2>/dev/null || echo '?') cores, ${cpu:-unknown CPU}; load average at start $LOAD_START, at end $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
echo "module: $LUA, $BUILD/steam_messages.so; enet: love $(love --version 2>/dev/null | head -1 | awk '{print $2}'); raw: $LUA + luasocket"
