-- A loop to run under a profiler (not a side-by-side benchmark): two offline instances in one
-- process, N reliable 64-byte sends from A to B in rows of 200, B draining every 2 000. Prints the
-- wall time per send and per received message on the Lua thread.
--   LUA_CPATH="build/lua5.4/?.so;;" perf record -g lua5.4 bench/profile_send.lua 400000 [flags]
local Steam = require "steam_messages"
local socket = require "socket"
local N = tonumber(arg[1] or 200000)
local flags = tonumber(arg[2] or 8)
local A = assert(Steam.Extra.NewOfflineInstance{steamid = "76561198000009001", bind = "127.0.0.1"})
local B = assert(Steam.Extra.NewOfflineInstance{steamid = "76561198000009002", bind = "127.0.0.1"})
for _, I in ipairs{A, B} do
  local U = I.NetworkingUtils
  U.SetGlobalConfigValueInt32(Steam.k_ESteamNetworkingConfig_SendRateMin, 0x10000000)
  U.SetGlobalConfigValueInt32(Steam.k_ESteamNetworkingConfig_SendRateMax, 0x10000000)
  U.SetGlobalConfigValueInt32(Steam.k_ESteamNetworkingConfig_SendBufferSize, 0x10000000)
  U.SetGlobalConfigValueInt32(Steam.k_ESteamNetworkingConfig_RecvBufferMessages, 100000000)
  U.SetGlobalConfigValueInt32(Steam.k_ESteamNetworkingConfig_RecvBufferSize, 0x10000000)
end
B.NetworkingMessages.OnSteamNetworkingMessagesSessionRequest = function(d) B.NetworkingMessages.AcceptSessionWithUser(d.m_identityRemote) end
local pb = Steam.newSteamNetworkingIdentity(); pb:SetSteamID("76561198000009002")
local Send, Recv = A.NetworkingMessages.SendMessageToUser, B.NetworkingMessages.ReceiveMessagesOnChannel
Send(pb, "H", 1, 9, 0)
while A.NetworkingMessages.GetSessionConnectionInfo(pb) ~= 3 do A.RunCallbacks(); B.RunCallbacks(); socket.sleep(0.001) end
local data = string.rep("x", 64)
local got = 0
local tsend, trecv = 0, 0
local sent = 0
while sent < N do
  local t0 = socket.gettime()
  for _ = 1, 200 do Send(pb, data, 64, flags, 0) end
  sent = sent + 200
  local t1 = socket.gettime()
  tsend = tsend + (t1 - t0)
  if sent % 2000 == 0 then
    socket.sleep(0.0005)
    local t2 = socket.gettime()
    repeat
      local n, msgs = Recv(0, 256)
      for i = 1, n do local d = msgs[i].m_pData; msgs[i]:Release() end
      got = got + n
    until n == 0
    trecv = trecv + (socket.gettime() - t2)
  end
end
local deadline = socket.gettime() + 5
while got < N + 1 and socket.gettime() < deadline do
  local t2 = socket.gettime()
  local n, msgs = Recv(0, 256)
  for i = 1, n do local d = msgs[i].m_pData; msgs[i]:Release() end
  got = got + n
  trecv = trecv + (socket.gettime() - t2)
  if n == 0 then socket.sleep(0.0005) end
end
print(string.format("sends %d  %.3f us/send (wall)  recv %d  %.3f us/recv (wall, polls included)", N, tsend / N * 1e6, got, trecv / got * 1e6))
