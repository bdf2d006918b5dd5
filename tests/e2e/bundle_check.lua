-- Run by tests/e2e/dist_bundles.sh with an unpacked release zip as the current directory and no
-- LUA_PATH / LUA_CPATH: the default package.path and package.cpath (./?.lua, ./?.so or .\?.dll) must
-- find everything. Arguments: the pure-Lua helper modules the zip holds (e.g. steam_messages.router).
local Steam = require "steam_messages"
assert(type(Steam) == "table" and type(Steam.Init) == "function", "require did not return the Steam table")
-- A release build carries no test hooks (event injection, forced panics): they exist only with the
-- crate's test-hooks feature.
assert(Steam.Extra._Test == nil, "a release bundle exposes Steam.Extra._Test")
for i = 1, #arg do
  local m = require(arg[i])
  assert(m ~= nil, "helper " .. arg[i] .. " returned nil")
end
local ok, reason = Steam.Init()
assert(ok == false and type(reason) == "string", "Init() without Steam returned " .. tostring(ok))
assert(reason:find("Steam client not running or not installed", 1, true), "Init() reason: " .. reason)
assert(Steam.Init { backend = "offline" }, "offline Init failed")
assert(Steam.GetBackend() == "offline")
local id = tostring(Steam.User.GetSteamID())
assert(id:match("^7656%d+$") and #id == 17, "not a SteamID: " .. id)
Steam.Shutdown()
print(("bundle ok: %s, %d helper(s), Init() -> false, %q; offline Init ok"):format(
  (jit and jit.version) or _VERSION, #arg, reason))
