-- One side of the mid-transfer kill test. "victim" accepts and reads a large reliable stream
-- until it is killed; "survivor" streams 60 KB reliable messages and, once the victim is killed
-- (SIGKILL, no goodbye) with data in flight, must see SessionFailed within 15 s, get
-- k_EResultNoConnection on later sends, and shut down cleanly.
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
  local bytes, told = 0, false
  while true do
    Steam.RunCallbacks()
    local n, msgs = NM.ReceiveMessagesOnChannel(0, 64)
    for i = 1, n do
      bytes = bytes + msgs[i].m_cbSize
      msgs[i]:Release()
    end
    if bytes >= 300000 and not told then
      io.write("victim: receiving\n"); io.flush(); told = true
    end
    sleep(0.005)
  end
end
local id = Steam.newSteamNetworkingIdentity()
id:SetSteamID(peer)
local failed_at, reason
function NM.OnSteamNetworkingMessagesSessionFailed(d)
  failed_at, reason = os.time(), d.m_info.m_eEndReason
end
local chunk = string.rep("s", 60000)
local killfile = os.getenv("KILL_SIGNAL_FILE")
local started, sent, full = nil, 0, 0
local deadline = os.time() + 40
while not failed_at and os.time() < deadline do
  local r = NM.SendMessageToUser(id, chunk, #chunk, Steam.k_nSteamNetworkingSend_Reliable, 0)
  if r == Steam.k_EResultOK then sent = sent + 1 elseif r == Steam.k_EResultLimitExceeded then full = full + 1 end
  Steam.RunCallbacks()
  if not started then
    local f = io.open(killfile, "r")
    if f then
      f:close(); started = os.time()
      local _, _, status = NM.GetSessionConnectionInfo(id)
      io.write(string.format("survivor: victim killed with %d bytes unacked, %d pending\n",
        status.m_cbSentUnackedReliable, status.m_cbPendingReliable)); io.flush()
    end
  end
  sleep(0.01)
end
local after = NM.SendMessageToUser(id, "after", 5, Steam.k_nSteamNetworkingSend_Reliable, 0)
Steam.Shutdown()
io.write(string.format("survivor: %d messages of 60 KB queued (%d refused: buffer full); ", sent, full))
if failed_at and started then
  io.write(string.format("SessionFailed %d s after the kill, end reason %d; next send returned %d\n",
    failed_at - started, reason, after))
  os.exit((failed_at - started <= 15 and after == Steam.k_EResultNoConnection) and 0 or 1)
end
io.write("no SessionFailed within the deadline\n")
os.exit(1)
