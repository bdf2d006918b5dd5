-- Run under Wine by tests/e2e/windows_wine.sh, from a folder that holds only what a game ships
-- (steam_messages.dll, steam_api64.dll) and this script, with that folder as the current directory:
--   1. `require "steam_messages"` finds the module through the default package.cpath (.\?.dll);
--   2. Init() with no Steam client returns false and a reason naming the cause;
--   3. two Steam.Extra.NewOfflineInstance peers in this one process exchange reliable messages, in
--      order, on several channels (interleaved), then close;
--   4. an entry left in the peer directory (%TEMP%\steam-messages-<user>) by a process that is gone
--      does not block its SteamID (the Windows process check).
-- Exits 0 when all holds; prints what failed otherwise.
local Steam = require "steam_messages"
local where = (jit and jit.version) or _VERSION
local function say(...) io.write("[", where, "] ", table.concat({ ... }, " "), "\n"); io.flush() end

local sleep = rawget(_G, "sleep")            -- lua54.exe (tests/wine/lua_host.c) has one
if not sleep then
  local ffi = require "ffi"                  -- LuaJIT
  ffi.cdef "void Sleep(uint32_t ms);"
  sleep = function(s) ffi.C.Sleep(s * 1000) end
end
local function clock() return os.time() end

-- 1 + 2
assert(type(Steam) == "table" and type(Steam.Init) == "function", "require did not return the Steam table")
local ok, reason = Steam.Init()
say("Init() ->", tostring(ok), tostring(reason))
assert(ok == false, "Init() without Steam returned " .. tostring(ok))
assert(type(reason) == "string", "no reason string")
assert(reason:find("Steam client not running or not installed", 1, true),
  "the reason does not name the cause: " .. reason)
assert(Steam.GetBackend() == nil, "a backend is live after a failed Init")

-- 3
local A = assert(Steam.Extra.NewOfflineInstance {})
local B = assert(Steam.Extra.NewOfflineInstance {})
assert(A.GetBackend() == "offline")
local function identity_of(peer)
  local id = Steam.newSteamNetworkingIdentity()
  id:SetSteamID(peer.User.GetSteamID())
  return id
end
local idA, idB = identity_of(A), identity_of(B)
local requests = 0
B.NetworkingMessages.OnSteamNetworkingMessagesSessionRequest = function(data)
  requests = requests + 1
  assert(B.NetworkingMessages.AcceptSessionWithUser(data.m_identityRemote))
end

local CHANNELS, N = { 0, 1, 7 }, 300
for i = 1, N do
  for _, ch in ipairs(CHANNELS) do
    local data = ("ch%d #%d %s"):format(ch, i, ("x"):rep(i % 50))
    local r = A.NetworkingMessages.SendMessageToUser(idB, data, #data, Steam.k_nSteamNetworkingSend_Reliable, ch)
    assert(r == Steam.k_EResultOK, "send returned " .. tostring(r))
  end
end
-- One larger than an MTU, so fragmentation is exercised too.
local big = ("0123456789abcdef"):rep(4096)
assert(A.NetworkingMessages.SendMessageToUser(idB, big, #big, Steam.k_nSteamNetworkingSend_Reliable, 3) == Steam.k_EResultOK)

local got, big_ok = {}, false
for _, ch in ipairs(CHANNELS) do got[ch] = 0 end
local deadline = clock() + 30
local function complete()
  for _, ch in ipairs(CHANNELS) do if got[ch] < N then return false end end
  return big_ok
end
while not complete() and clock() < deadline do
  A.RunCallbacks(); B.RunCallbacks()
  for _, ch in ipairs(CHANNELS) do
    local n, msgs = B.NetworkingMessages.ReceiveMessagesOnChannel(ch, 64)
    for k = 1, n do
      local m = msgs[k]
      got[ch] = got[ch] + 1
      local want = ("ch%d #%d %s"):format(ch, got[ch], ("x"):rep(got[ch] % 50))
      assert(m.m_pData == want, ("channel %d: message %d out of order: %q"):format(ch, got[ch], m.m_pData))
      assert(m.m_identityPeer == idA, "sender identity wrong")
      m:Release()
    end
  end
  local n, msgs = B.NetworkingMessages.ReceiveMessagesOnChannel(3, 4)
  for k = 1, n do big_ok = msgs[k].m_pData == big; msgs[k]:Release() end
  sleep(0.002)
end
for _, ch in ipairs(CHANNELS) do
  assert(got[ch] == N, ("channel %d: %d of %d messages in 30 s"):format(ch, got[ch], N))
end
assert(big_ok, "the 64 KiB message did not arrive intact")
assert(requests == 1, "expected one session request, saw " .. requests)
say(("two offline instances: %d reliable messages in order on channels 0, 1, 7 and a 64 KiB one"):format(N * #CHANNELS))

assert(A.NetworkingMessages.CloseSessionWithUser(idB))
A.Shutdown(); B.Shutdown()

-- 4
local stale_id = "76561197960265999"
local dir = assert(os.getenv("TEMP"), "no %TEMP%") .. "\\steam-messages-" .. (os.getenv("USERNAME") or "user")
local f = assert(io.open(dir .. "\\" .. stale_id, "w"), "cannot write into the peer directory " .. dir)
f:write("127.0.0.1:9 4000000000\n")   -- no such process
f:close()
local C, err = Steam.Extra.NewOfflineInstance { steamid = stale_id }
assert(C, "a dead process's entry blocked its SteamID: " .. tostring(err))
assert(tostring(C.User.GetSteamID()) == stale_id)
C.Shutdown()
say("a dead process's peer-directory entry is ignored")
say("ok")
