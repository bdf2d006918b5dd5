-- Two peers exchanging messages on the offline backend: no Steam client needed.
--
--   lua5.4 examples/demo.lua host                 -- waits for a peer, echoes what it gets
--   lua5.4 examples/demo.lua join <host-steamid>  -- sends to the host, prints the echoes
--
-- examples/demo.sh starts both in one terminal. The module must be on package.cpath
-- (demo.sh points it at build/<lua>/).
local Steam = require "steam_messages"

local role, target = arg[1], arg[2]
if role ~= "host" and role ~= "join" then
  io.stderr:write("usage: demo.lua host | demo.lua join <host-steamid>\n")
  os.exit(2)
end

local ok, socket = pcall(require, "socket")
local function sleep(s)
  if ok then socket.sleep(s) else local t = os.clock() + s; repeat until os.clock() >= t end
end
local function say(fmt, ...) io.write(string.format("[%s] " .. fmt .. "\n", role, ...)); io.flush() end

local ready, why = Steam.Init { backend = "offline" }
if not ready then say("Init failed: %s", why); os.exit(1) end
local me = Steam.User.GetSteamID()
say("offline backend up as steamid:%s", tostring(me))

local NM = Steam.NetworkingMessages
function NM.OnSteamNetworkingMessagesSessionRequest(data)
  say("session request from %s: accepting", data.m_identityRemote:ToString())
  NM.AcceptSessionWithUser(data.m_identityRemote)
end
function NM.OnSteamNetworkingMessagesSessionFailed(data)
  say("session with %s failed: end reason %d (%s)", data.m_info.m_identityRemote:ToString(),
    data.m_info.m_eEndReason, data.m_info.m_szEndDebug)
end

local function status(peer)
  local state, info, st = NM.GetSessionConnectionInfo(peer)
  return string.format("state %d, ping %d ms, quality %.2f, %.0f B/s out", state, st.m_nPing,
    st.m_flConnectionQualityLocal, st.m_flOutBytesPerSec)
end

if role == "host" then
  local served, deadline = 0, os.time() + 30
  while os.time() < deadline do
    Steam.RunCallbacks()
    local n, msgs = NM.ReceiveMessagesOnChannel(0, 32)
    for i = 1, n do
      local m = msgs[i]
      say("got %q from %s", m.m_pData, m.m_identityPeer:ToString())
      if m.m_pData == "bye" then
        say("peer said bye; %s", status(m.m_identityPeer))
        served = served + 1
      else
        NM.SendMessageToUser(m.m_identityPeer, "echo: " .. m.m_pData, #m.m_pData + 6,
          Steam.k_nSteamNetworkingSend_Reliable, 0)
      end
      m:Release()
    end
    if served > 0 then break end
    sleep(0.005)
  end
  -- Linger a moment so our acknowledgement of "bye" reaches the joiner before we close.
  for _ = 1, 30 do Steam.RunCallbacks(); sleep(0.01) end
  Steam.Shutdown()
  say(served > 0 and "done" or "no peer came")
  os.exit(served > 0 and 0 or 1)
else
  local host = Steam.newSteamNetworkingIdentity()
  host:SetSteamID(target)
  local sent, echoed, total = 0, 0, 5
  local deadline = os.time() + 20
  while echoed < total and os.time() < deadline do
    Steam.RunCallbacks()
    if sent < total and sent == echoed then
      sent = sent + 1
      local text = "hello " .. sent
      local r = NM.SendMessageToUser(host, text, #text, Steam.k_nSteamNetworkingSend_Reliable, 0)
      say("sent %q (result %d)", text, r)
    end
    local n, msgs = NM.ReceiveMessagesOnChannel(0, 32)
    for i = 1, n do
      say("got %q; %s", msgs[i].m_pData, status(host))
      echoed = echoed + 1
      msgs[i]:Release()
    end
    sleep(0.005)
  end
  NM.SendMessageToUser(host, "bye", 3, Steam.k_nSteamNetworkingSend_Reliable, 0)
  -- Give the reliable "bye" time to be acknowledged before the session closes.
  for _ = 1, 100 do
    Steam.RunCallbacks()
    local _, _, st = NM.GetSessionConnectionInfo(host)
    if st.m_cbPendingReliable == 0 and st.m_cbSentUnackedReliable == 0 then break end
    sleep(0.01)
  end
  Steam.Shutdown()
  say("%d of %d echoes received", echoed, total)
  os.exit(echoed == total and 0 or 1)
end
