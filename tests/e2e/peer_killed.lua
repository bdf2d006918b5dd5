-- One side of the kill test. "victim" answers and then waits to be killed; "survivor" keeps
-- sending reliable data and must see OnSteamNetworkingMessagesSessionFailed within 15 s of the
-- kill (it prints the elapsed time and the end reason).
local Steam = require "steam_messages"
local role, peer = arg[1], arg[2]
local ok, socket = pcall(require, "socket")
local function sleep(s)
  if ok then socket.sleep(s) else local t = os.clock() + s; repeat until os.clock() >= t end
end
local NM = Steam.NetworkingMessages
assert(Steam.Init { backend = "offline" })
function NM.OnSteamNetworkingMessagesSessionRequest(d) NM.AcceptSessionWithUser(d.m_identityRemote) end
if role == "victim" then
  while true do
    Steam.RunCallbacks()
    local n, msgs = NM.ReceiveMessagesOnChannel(0, 64)
    for i = 1, n do
      if msgs[i].m_pData == "ping" then
        io.write("victim: connected\n"); io.flush()
      end
      msgs[i]:Release()
    end
    sleep(0.01)
  end
end
local id = Steam.newSteamNetworkingIdentity()
id:SetSteamID(peer)
local failed_at, reason
function NM.OnSteamNetworkingMessagesSessionFailed(d)
  failed_at, reason = os.time(), d.m_info.m_eEndReason
end
NM.SendMessageToUser(id, "ping", 4, Steam.k_nSteamNetworkingSend_Reliable, 0)
-- Wait until connected, then tell the shell, which kills the victim.
local deadline = os.time() + 10
local connected = false
while os.time() < deadline and not failed_at do
  Steam.RunCallbacks()
  if NM.GetSessionConnectionInfo(id) == Steam.k_ESteamNetworkingConnectionState_Connected then
    connected = true
    break
  end
  sleep(0.01)
end
if not connected then
  -- Without a session there is nothing for the kill to break: this run proves nothing.
  io.write(string.format("survivor: never connected (SessionFailed: %s)\n", tostring(reason)))
  io.write("survivor: connected\n")  -- lets the shell go on; the exit code says FAIL
  io.flush()
  os.exit(1)
end
io.write("survivor: connected\n"); io.flush()
local killfile = os.getenv("KILL_SIGNAL_FILE")
local started
while not started do
  local f = io.open(killfile, "r")
  if f then f:close(); started = os.time() end
  sleep(0.01)
end
deadline = started + 20
local n = 0
while not failed_at and os.time() < deadline do
  n = n + 1
  local msg = "data " .. n
  NM.SendMessageToUser(id, msg, #msg, Steam.k_nSteamNetworkingSend_Reliable, 0)
  Steam.RunCallbacks()
  sleep(0.05)
end
Steam.Shutdown()
if failed_at then
  io.write(string.format("survivor: SessionFailed after %d s, end reason %d\n", failed_at - started, reason))
  -- A silent peer is a timeout on our side (k_ESteamNetConnectionEnd_Misc_Timeout), seen after the
  -- kill and within 15 s of it.
  local ok_reason = reason == Steam.k_ESteamNetConnectionEnd_Misc_Timeout
  if not ok_reason then
    io.write(string.format("survivor: expected end reason %d (Misc_Timeout)\n", Steam.k_ESteamNetConnectionEnd_Misc_Timeout))
  end
  os.exit((ok_reason and failed_at >= started and failed_at - started <= 15) and 0 or 1)
end
io.write("survivor: no SessionFailed within 20 s\n")
os.exit(1)
