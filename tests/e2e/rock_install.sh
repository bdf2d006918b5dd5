#!/usr/bin/env bash
# The rock installs and loads for every Lua under test: `luarocks make` of
# rockspec/steam-messages-dev-1.rockspec into a fresh tree per Lua, then, from another directory and
# with no LD_LIBRARY_PATH, `require "steam_messages"` from that tree and `Init()` with no Steam
# client returns false and a reason. See scripts/rock-smoke.sh.
set -euo pipefail
cd "${SM_ROOT:?run me through scripts/test-all.sh, or set SM_ROOT}"
TMPDIR=${E2E_TMP:-${TMPDIR:-/tmp}} exec scripts/rock-smoke.sh ${LUAS:-}
