#!/usr/bin/env bash
# Checks a cross-built steam_messages.dll: a PE32+ DLL that exports luaopen_steam_messages, imports
# the Lua DLL its build is for (lua51.dll for LuaJIT, lua54.dll) and steam_api64.dll, which sits beside
# it, and needs no MinGW runtime DLL (libgcc_s, libwinpthread) that a game folder would not have.
# Usage: scripts/check-dll.sh path/to/steam_messages.dll [lua51.dll|lua54.dll]
# With the second argument, the DLL must import that Lua DLL and not the other one: a LuaJIT build
# that pulled in lua54.dll would load in no LÖVE game.
set -uo pipefail
dll=${1:?usage: check-dll.sh DLL [LUA_DLL]}
want=${2:-}
objdump=x86_64-w64-mingw32-objdump
command -v $objdump >/dev/null || objdump=objdump
problems=0
problem() { echo "check-dll: $dll: $*" >&2; problems=$((problems + 1)); }

[ -f "$dll" ] || { problem "no such file"; exit 1; }
info=$($objdump -p "$dll" 2>&1) || { problem "objdump -p failed: $info"; exit 1; }
grep -q 'pei-x86-64' <<<"$info" || problem "not a 64-bit Windows image"
imports=$(sed -nE 's/^[[:space:]]*DLL Name: (.*)$/\1/p' <<<"$info" | tr 'A-Z' 'a-z' | sort -u)
grep -Eq '^[[:space:]]*\[ *[0-9]+\] luaopen_steam_messages$' <<<"$(sed -n '/\[Ordinal\/Name Pointer\] Table/,/^$/p' <<<"$info")" \
    || problem "does not export luaopen_steam_messages"
grep -qx 'steam_api64.dll' <<<"$imports" || problem "does not import steam_api64.dll"
[ -f "$(dirname "$dll")/steam_api64.dll" ] || problem "no steam_api64.dll beside it"
grep -Eqx 'lua51.dll|lua54.dll' <<<"$imports" || problem "imports neither lua51.dll nor lua54.dll"
if [ -n "$want" ]; then
    grep -qx "$want" <<<"$imports" || problem "does not import $want"
    other=$(grep -Ex 'lua5[14].dll' <<<"$imports" | grep -vx "$want")
    [ -z "$other" ] || problem "imports $other besides $want"
fi
bad=$(grep -Ei '^(libgcc|libwinpthread|libstdc)' <<<"$imports")
[ -z "$bad" ] || problem "needs MinGW runtime DLLs: $bad"

[ $problems = 0 ] || exit 1
echo "check-dll: $dll: ok (imports $(grep -Ex 'lua5[14].dll' <<<"$imports"), steam_api64.dll; exports luaopen_steam_messages)"
