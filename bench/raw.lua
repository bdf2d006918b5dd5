-- Raw luasocket UDP: the floor of what a message can cost (one sendto / recvfrom each, no
-- acks, no ordering, no retransmission). Run by bench/run.sh:
--   lua5.4 bench/raw.lua role=<recv|send|ping|pong|costsend|costrecv> port=<mine> peerport=<theirs>
--                        w=<label> dur=<s> size=<bytes>
-- "Reliable" workloads are the same unreliable datagrams: raw UDP has no reliability to measure,
-- so its row is what the wire and the interpreter cost with nothing on top. A 64 KiB message goes
-- as 1 300-byte datagrams (the module's MTU_PacketSize), one syscall each.
local here = arg[0]:match("^(.*)/[^/]*$") or "."
local C = dofile(here .. "/common.lua")
local socket = require "socket"
local o = C.args(arg)
local now = socket.gettime
local dur, size = o.dur or 1, o.size or 64
local MTU = 1300
local res = { stack = "raw-udp", workload = o.w, role = o.role }

local udp = assert(socket.udp())
udp:setoption("reuseaddr", true)
assert(udp:setsockname("127.0.0.1", o.port))
assert(udp:setpeername("127.0.0.1", o.peerport))
udp:settimeout(0)
local function finish(code) C.result(res); udp:close(); os.exit(code or 0) end

local role = o.role
if role == "send" or role == "costsend" then
  local chunk = math.min(size, MTU)
  local per_msg = math.ceil(size / chunk)
  local data = C.payload(chunk)
  local sent, t0 = 0, now()
  if role == "costsend" then
    local samples = {}
    for _ = 1, o.rounds or 20 do
      local t = now()
      for _ = 1, C.COST_ROUND do udp:send(data) end
      samples[#samples + 1] = (now() - t) / C.COST_ROUND * 1e6
      sent = sent + C.COST_ROUND
      socket.sleep(0.05)
    end
    table.sort(samples)
    res.us_per_send = C.percentile(samples, 0.5)
  else
    local stop = t0 + dur
    repeat
      for _ = 1, 64 do
        for _ = 1, per_msg do udp:send(data) end
        sent = sent + 1
      end
    until now() >= stop
    res.secs = now() - t0
    res.send_rate = sent / res.secs
  end
  res.sent = sent
  -- The end marker is a datagram too: repeat it so a lost one does not lose the run.
  for _ = 1, 20 do udp:send("E" .. sent); socket.sleep(0.005) end
  finish()
elseif role == "recv" or role == "costrecv" then
  local got, bytes, t_first, t_last, sent, done_at, samples = 0, 0, nil, nil, nil, nil, {}
  local per_msg = math.ceil(size / math.min(size, MTU))
  local deadline = now() + dur + 30
  while now() < deadline do
    if role == "costrecv" then socket.sleep(0.02) end
    local t0, batch = now(), 0
    repeat
      local d = udp:receive()
      if d then
        if d:byte(1) == 68 then
          batch, bytes = batch + 1, bytes + #d
        elseif d:byte(1) == 69 then
          sent, done_at = sent or tonumber(d:sub(2)), done_at or now()
        end
      end
    until not d or (role ~= "costrecv" and batch >= 256)
    if role == "costrecv" and batch >= C.COST_ROUND / 2 then samples[#samples + 1] = (now() - t0) / batch * 1e6 end
    if batch > 0 then t_first = t_first or t0; t_last = now(); got = got + batch end
    if done_at and now() > done_at + 0.2 then break end
  end
  local msgs = got / per_msg
  res.received, res.sent = math.floor(msgs), sent or -1
  if not sent then res.error = "no-end-marker" end
  local secs = (t_first and t_last and t_last > t_first) and (t_last - t_first) or 0
  res.msgs_per_s = secs > 0 and msgs / secs or 0
  res.mb_per_s = secs > 0 and bytes / secs / 1e6 or 0
  res.lost_share = (sent and sent > 0) and math.max(0, 1 - msgs / sent) or -1
  if role == "costrecv" then
    table.sort(samples)
    res.us_per_recv = C.percentile(samples, 0.5)
  end
  finish()
elseif role == "ping" then
  socket.sleep(0.1)
  local data = C.payload(16)
  local rtts, t_end, warm, lost = {}, now() + dur, C.warmup(dur), 0
  while now() < t_end do
    local t0 = now()
    udp:send(data)
    local deadline, d = t0 + 0.2, nil
    repeat d = udp:receive() until d or now() > deadline
    local t1 = now()
    if not d then lost = lost + 1 elseif warm > 0 then warm = warm - 1 else rtts[#rtts + 1] = (t1 - t0) * 1e6 end
  end
  table.sort(rtts)
  res.rtt_p50, res.rtt_p99, res.pings, res.timeouts = C.percentile(rtts, 0.5), C.percentile(rtts, 0.99), #rtts, lost
  for _ = 1, 5 do udp:send("E") end
  finish()
elseif role == "pong" then
  local deadline = now() + dur + 20
  while now() < deadline do
    for _ = 1, 1000 do
      local d = udp:receive()
      if d == "E" then finish() end
      if d then udp:send(d) end
    end
  end
  res.error = "timeout"
  finish(1)
elseif role == "mem" then
  res.note = "no-queue"
  finish()
else
  C.log("raw: unknown role %s", tostring(role))
  os.exit(2)
end
