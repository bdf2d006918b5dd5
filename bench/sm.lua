-- The module on its offline backend, one side of one workload. Run by bench/run.sh:
--   lua5.4 bench/sm.lua role=<recv|send|ping|pong|costsend|costrecv|mem> me=<steamid> peer=<steamid>
--                       w=<label> dur=<s> size=<bytes> reliable=<0|1> rate=<tuned|default> loss=<%>
-- Two processes on loopback find each other through the offline backend's per-user directory.
local here = arg[0]:match("^(.*)/[^/]*$") or "."
local C = dofile(here .. "/common.lua")
local socket = require "socket"
local Steam = require "steam_messages"
local o = C.args(arg)
local now = socket.gettime
local NM, U = Steam.NetworkingMessages, Steam.NetworkingUtils
local OK, LIMIT = Steam.k_EResult_OK or 1, Steam.k_EResultLimitExceeded
local RELIABLE, NONAGLE = 8, 1
local dur, size = o.dur or 1, o.size or 64

local opts = { backend = "offline", steamid = tostring(o.me) }
if (o.loss or 0) > 0 then opts.netsim = { loss = o.loss } end
local ok, why = Steam.Init(opts)
if not ok then C.log("sm: Init failed: %s", tostring(why)); os.exit(1) end
if o.rate ~= "default" then
  -- What a game that wants throughput must do on Steam too: raise the fixed 256 KiB/s rate.
  U.SetGlobalConfigValueInt32(Steam.k_ESteamNetworkingConfig_SendRateMin, 0x10000000)
  U.SetGlobalConfigValueInt32(Steam.k_ESteamNetworkingConfig_SendRateMax, 0x10000000)
  -- and the queues: Steam's 1 000 received messages are 64 KB of 64-byte messages, a few ms at
  -- these rates; a full receive queue stops acks, and the sender then waits on retransmissions.
  U.SetGlobalConfigValueInt32(Steam.k_ESteamNetworkingConfig_RecvBufferMessages, 100000)
  U.SetGlobalConfigValueInt32(Steam.k_ESteamNetworkingConfig_RecvBufferSize, 16 * 1048576)
  U.SetGlobalConfigValueInt32(Steam.k_ESteamNetworkingConfig_SendBufferSize, 4 * 1048576)
end
NM.OnSteamNetworkingMessagesSessionRequest = function(d) NM.AcceptSessionWithUser(d.m_identityRemote) end
local Send, Recv = NM.SendMessageToUser, NM.ReceiveMessagesOnChannel
local peer = Steam.newSteamNetworkingIdentity()
peer:SetSteamID(tostring(o.peer))
local res = { stack = o.rate == "default" and "module@256KiB/s" or "module", workload = o.w, role = o.role }

local function finish(code)
  C.result(res)
  Steam.Shutdown()
  os.exit(code or 0)
end

-- Opens the session and waits until the peer accepted it.
local function connect()
  Send(peer, "H", 1, RELIABLE + NONAGLE, 0)
  local deadline = now() + 10
  while now() < deadline do
    Steam.RunCallbacks()
    if NM.GetSessionConnectionInfo(peer) == 3 then return true end
    socket.sleep(0.001)
  end
  res.error = "connect-timeout"
  finish(1)
end

-- Sends the end marker (reliable, after the data on channel 0) and waits for the sink's reply.
local function close_run(sent)
  local marker = "E" .. sent
  while Send(peer, marker, #marker, RELIABLE + NONAGLE, 0) == LIMIT do socket.sleep(0.0005) end
  local deadline = now() + 15 + dur
  while now() < deadline do
    Steam.RunCallbacks()
    local n, msgs = Recv(0, 16)
    for i = 1, n do
      local d = msgs[i].m_pData
      msgs[i]:Release()
      if d == "DONE" then return true end
    end
    socket.sleep(0.001)
  end
  res.error = "no-done"
  return false
end

local role = o.role
if role == "send" then
  connect()
  local flags = o.reliable == 1 and RELIABLE or 0
  local data = C.payload(size)
  local sent, refused, t0 = 0, 0, now()
  local stop = t0 + dur
  repeat
    for _ = 1, 64 do
      local r = Send(peer, data, size, flags, 0)
      if r == LIMIT then
        refused = refused + 1
        socket.sleep(0.0002)
        break
      end
      sent = sent + 1
    end
  until now() >= stop
  res.sent, res.refused, res.secs = sent, refused, now() - t0
  res.send_rate = sent / res.secs
  close_run(sent)
  finish()
elseif role == "recv" or role == "costrecv" then
  local got, bytes, t_first, t_last, sent, done_at = 0, 0, nil, nil, nil, nil
  local samples, peer_id = {}, nil
  local deadline = now() + dur + 30
  while now() < deadline do
    Steam.RunCallbacks()
    if role == "costrecv" then socket.sleep(0.02) end
    local t0, batch = now(), 0
    repeat
      local n, msgs = Recv(0, 256)
      for i = 1, n do
        local m = msgs[i]
        local d = m.m_pData
        if d:byte(1) == 68 then -- "D"
          got, bytes, batch = got + 1, bytes + #d, batch + 1
        elseif d:byte(1) == 69 then -- "E<sent>"
          sent, done_at, peer_id = tonumber(d:sub(2)), now(), m.m_identityPeer
        end
        m:Release()
      end
    until n == 0 or role ~= "costrecv"
    if role == "costrecv" and batch >= C.COST_ROUND / 2 then samples[#samples + 1] = (now() - t0) / batch * 1e6 end
    if batch > 0 then t_first = t_first or t0; t_last = now() end
    if done_at then
      NM.SendMessageToUser(peer_id, "DONE", 4, RELIABLE + NONAGLE, 0)
      if now() > done_at + 0.2 then break end
    end
  end
  res.received, res.sent = got, sent or -1
  if not sent then res.error = "no-end-marker" end
  local secs = (t_first and t_last and t_last > t_first) and (t_last - t_first) or 0
  res.msgs_per_s = secs > 0 and got / secs or 0
  res.mb_per_s = secs > 0 and bytes / secs / 1e6 or 0
  res.lost_share = (sent and sent > 0) and math.max(0, 1 - got / sent) or -1
  if role == "costrecv" then
    table.sort(samples)
    res.us_per_recv = C.percentile(samples, 0.5)
    res.samples = #samples
  end
  socket.sleep(0.05)
  finish()
elseif role == "ping" then
  connect()
  local data = C.payload(16)
  local rtts, t_end, warm, lost = {}, now() + dur, C.warmup(dur), 0
  while now() < t_end do
    local t0 = now()
    Send(peer, data, 16, RELIABLE + NONAGLE, 0)
    local deadline, n = t0 + 1, 0
    repeat n = Recv(0, 1) until n > 0 or now() > deadline
    local t1 = now()
    if n == 0 then lost = lost + 1 elseif warm > 0 then warm = warm - 1 else rtts[#rtts + 1] = (t1 - t0) * 1e6 end
  end
  table.sort(rtts)
  res.rtt_p50, res.rtt_p99, res.pings, res.timeouts = C.percentile(rtts, 0.5), C.percentile(rtts, 0.99), #rtts, lost
  Send(peer, "E", 1, RELIABLE + NONAGLE, 0)
  socket.sleep(0.05)
  finish()
elseif role == "pong" then
  local deadline, from = now() + dur + 20, nil
  while now() < deadline do
    Steam.RunCallbacks()
    for _ = 1, 1000 do
      local n, msgs = Recv(0, 16)
      for i = 1, n do
        local m = msgs[i]
        local d = m.m_pData
        from = from or m.m_identityPeer
        m:Release()
        if d == "E" then socket.sleep(0.05); finish() end
        if d ~= "H" then Send(from, d, #d, RELIABLE + NONAGLE, 0) end
      end
    end
  end
  res.error = "timeout"
  finish(1)
elseif role == "costsend" then
  connect()
  local data, samples = C.payload(size), {}
  local rounds = o.rounds or 20
  for _ = 1, rounds do
    local t0 = now()
    for _ = 1, C.COST_ROUND do Send(peer, data, size, RELIABLE, 0) end
    samples[#samples + 1] = (now() - t0) / C.COST_ROUND * 1e6
    socket.sleep(0.05)
  end
  table.sort(samples)
  res.us_per_send = C.percentile(samples, 0.5)
  close_run(rounds * C.COST_ROUND)
  finish()
elseif role == "mem" then
  -- 10 000 x 64 B = 640 000 B is over the default 512 KiB SendBufferSize: raise it, as a game would.
  U.SetGlobalConfigValueInt32(Steam.k_ESteamNetworkingConfig_SendBufferSize, 1048576)
  collectgarbage(); collectgarbage()
  local before, data, okc = C.rss_kib(), C.payload(64), 0
  for _ = 1, 10000 do
    if Send(peer, data, 64, RELIABLE, 0) == 1 then okc = okc + 1 end
  end
  collectgarbage(); collectgarbage()
  local after = C.rss_kib()
  res.rss_kib, res.rss_delta_kib, res.queued = after, after - before, okc
  finish()
else
  C.log("sm: unknown role %s", tostring(role))
  os.exit(2)
end
