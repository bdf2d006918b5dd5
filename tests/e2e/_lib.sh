# Shared by the end-to-end tests: where the module is, and a private peer directory per test.
# Env from scripts/test-all.sh: SM_TEST_BUILD_ROOT holds build-test/<lua>/ for every Lua.
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD_ROOT=${SM_TEST_BUILD_ROOT:-$REPO/build-test}
export STEAM_MESSAGES_BACKEND=offline
export STEAM_MESSAGES_DIR; STEAM_MESSAGES_DIR=$(mktemp -d)
trap 'rm -rf "$STEAM_MESSAGES_DIR"; kill $(jobs -p) 2>/dev/null || true' EXIT

# run_lua <interpreter> <args...>: runs Lua with the test build of the module for that Lua.
run_lua() {
  local lua=$1; shift
  local dir="$BUILD_ROOT/$lua"
  if [ ! -f "$dir/steam_messages.so" ]; then
    echo "e2e: no module for $lua in $dir" >&2
    return 97
  fi
  LUA_CPATH="$dir/?.so;;" LUA_CPATH_5_4="$dir/?.so;;" "$lua" "$@"
}
