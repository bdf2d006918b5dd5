-- The luasteam documentation's NetworkingMessages examples (shared/reference), assembled into
-- one peer script and run unchanged; only Init gets options. Two processes run it:
--   luasteam_peer.lua server            -- accepts, echoes, reports
--   luasteam_peer.lua client <steamid>  -- sends numbered reliable messages, checks order, closes
-- It exits 0 when its side of the exchange went as the API promises.
local Steam = require "steam_messages"
package.loaded.luasteam = Steam
Steam = require "luasteam"

local role, peer = arg[1], arg[2]
local ok, socket = pcall(require, "socket")
-- Without luasocket (the Windows runs under Wine): the host's sleep (tests/wine/lua_host.c), or the
-- OS's through LuaJIT's ffi, before a busy wait.
local host_sleep = rawget(_G, "sleep")
if not ok and not host_sleep and jit then
  local ffi = require "ffi"
  if ffi.os == "Windows" then
    ffi.cdef "void Sleep(uint32_t ms);"
    host_sleep = function(s) ffi.C.Sleep(s * 1000) end
  else
    ffi.cdef "int usleep(uint32_t us);"
    host_sleep = function(s) ffi.C.usleep(s * 1e6) end
  end
end
local function sleep(s)
  if ok then socket.sleep(s)
  elseif host_sleep then host_sleep(s)
  else local t = os.clock() + s; repeat until os.clock() >= t end
end
local function log(...) io.write("[" .. role .. "] ", table.concat({ ... }, " "), "\n"); io.flush() end

assert(Steam.Init { backend = "offline" })

-- From the reference: accept every session request.
function Steam.NetworkingMessages.OnSteamNetworkingMessagesSessionRequest(data)
    Steam.NetworkingMessages.AcceptSessionWithUser(data.m_identityRemote)
end

local failures = 0
-- From the reference: report failed sessions.
function Steam.NetworkingMessages.OnSteamNetworkingMessagesSessionFailed(data)
    print('Messages session failed:', data.m_info.m_eEndReason)
    failures = failures + 1
end

local function serializePacket(t) return table.concat(t, ",") end

local received = {}
local function processMessage(identity, data, size)
  assert(#data == size, "size field disagrees with data")
  received[#received + 1] = { from = identity:ToString(), data = data }
end

local function pump()
  Steam.RunCallbacks()
  -- From the reference: receive and release.
  local count, msgs = Steam.NetworkingMessages.ReceiveMessagesOnChannel(0, 32)
  for i = 1, count do
      local msg = msgs[i]
      processMessage(msg.m_identityPeer, msg.m_pData, msg.m_cbSize)
      msg:Release()
  end
end

local function send(send_to, send_data)
  -- From the reference: parse an identity string and send reliably.
  local identity = Steam.newSteamNetworkingIdentity {}
  identity:ParseString(send_to)
  local data = serializePacket(send_data)
  local result = Steam.NetworkingMessages.SendMessageToUser(
      identity, data, #data, Steam.k_nSteamNetworkingSend_Reliable, 0)
  if result ~= Steam.k_EResultOK then
      print('Send failed:', result)
  end
  return result
end

local N = tonumber(os.getenv("E2E_MESSAGES") or "200")
local deadline = os.time() + 30

if role == "server" then
  log("up as", tostring(Steam.User.GetSteamID()))
  local echoed, done = 0, false
  while os.time() < deadline and not done do
    pump()
    for _, m in ipairs(received) do
      if m.data == "close" then done = true
      else send(m.from, { "echo", m.data }); echoed = echoed + 1 end
    end
    received = {}
    sleep(0.002)
  end
  log("echoed", echoed)
  -- Stay until the client closed the session, so its close reaches a live peer.
  local wait_until = os.time() + 3
  while os.time() < wait_until do pump(); sleep(0.01) end
  Steam.Shutdown()
  os.exit((done and echoed == N) and 0 or 1)
else
  local target = "steamid:" .. peer
  for i = 1, N do
    local r = send(target, { "msg", i })
    if r ~= Steam.k_EResultOK then log("send", i, "returned", r); os.exit(1) end
  end
  local got = {}
  while #got < N and os.time() < deadline do
    pump()
    for _, m in ipairs(received) do got[#got + 1] = m.data end
    received = {}
    sleep(0.002)
  end
  for i = 1, N do
    if got[i] ~= "echo,msg," .. i then log("out of order or missing at", i, tostring(got[i])); os.exit(1) end
  end
  log("all", N, "echoes in order")
  send(target, { "close" })
  -- Let the reliable "close" be acknowledged, then close as the reference does.
  local identity = Steam.newSteamNetworkingIdentity {}
  identity:SetSteamID(peer)
  for _ = 1, 200 do
    pump()
    local _, _, st = Steam.NetworkingMessages.GetSessionConnectionInfo(identity)
    if st.m_cbPendingReliable == 0 and st.m_cbSentUnackedReliable == 0 then break end
    sleep(0.01)
  end
  Steam.NetworkingMessages.CloseSessionWithUser(identity)
  local state = Steam.NetworkingMessages.GetSessionConnectionInfo(identity)
  Steam.Shutdown()
  os.exit((state == 0 and failures == 0) and 0 or 1)
end
