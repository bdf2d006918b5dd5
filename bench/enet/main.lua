-- LÖVE's built-in enet, one side of one workload. Run by bench/run.sh (headless, see conf.lua):
--   BENCH_DIR=bench love bench/enet role=<...> port=<mine> peerport=<theirs> w=<label> dur=<s> size=<bytes> reliable=<0|1>
-- Busy polling with host:service(0), the mode the module's polling receive is compared with.
-- ENet queues reliable data without bound, so for reliable floods the receiver acks every few
-- messages and the sender keeps a window (as a game must, or memory grows without end).
function love.load(args)
  local C = dofile((os.getenv("BENCH_DIR") or "bench") .. "/common.lua")
  local enet = require "enet"
  local o = C.args(args)
  local now = love.timer.getTime
  local sleep = love.timer.sleep
  local dur, size = o.dur or 1, o.size or 64
  local res = { stack = "enet", workload = o.w, role = o.role }
  local errors = 0
  local host, peer

  local function finish(code)
    res.service_errors = errors
    C.result(res)
    if peer then pcall(peer.disconnect_now, peer) end
    if host then pcall(host.destroy, host) end
    os.exit(code or 0)
  end
  -- ENet's service raises "Error during service" under load; count it and go on.
  local function service(h, timeout)
    local ok, ev = pcall(h.service, h, timeout)
    if not ok then errors = errors + 1; return nil end
    return ev
  end
  local function connect()
    host = enet.host_create(nil, 1, 2)
    peer = host:connect("127.0.0.1:" .. o.peerport, 2)
    local deadline = now() + 10
    while now() < deadline do
      local ev = service(host, 10)
      if ev and ev.type == "connect" then return end
    end
    res.error = "connect-timeout"
    finish(1)
  end
  local function listen()
    host = enet.host_create("127.0.0.1:" .. o.port, 4, 2)
    if not host then res.error = "bind"; finish(1) end
  end

  local reliable = o.reliable == 1
  local ack_every = size >= 4096 and 4 or 512
  local window = size >= 4096 and 32 or 16384
  local role = o.role
  if role == "send" or role == "costsend" then
    connect()
    local data = C.payload(size)
    local flag = reliable and "reliable" or "unreliable"
    local sent, acked, t0, done = 0, 0, now(), false
    local function pump()
      local ev = service(host, 0)
      while ev do
        if ev.type == "receive" then
          local d = ev.data
          if d:byte(1) == 65 then acked = math.max(acked, tonumber(d:sub(2)) or 0)
          elseif d == "DONE" then done = true end
        end
        ev = service(host, 0)
      end
    end
    if role == "costsend" then
      local samples = {}
      for _ = 1, o.rounds or 20 do
        local t = now()
        for _ = 1, C.COST_ROUND do peer:send(data, 0, "reliable") end
        host:flush()
        samples[#samples + 1] = (now() - t) / C.COST_ROUND * 1e6
        sent = sent + C.COST_ROUND
        local pause = now() + 0.05
        while now() < pause do pump(); sleep(0.001) end
      end
      table.sort(samples)
      res.us_per_send = C.percentile(samples, 0.5)
    else
      local stop = t0 + dur
      repeat
        local room = reliable and math.min(64, window - (sent - acked)) or 64
        for _ = 1, room do peer:send(data, 0, flag); sent = sent + 1 end
        pump()
      until now() >= stop
      res.secs = now() - t0
      res.send_rate = sent / res.secs
      res.sent = sent
    end
    peer:send("E" .. sent, 0, "reliable")
    local deadline = now() + 15 + dur
    while not done and now() < deadline do pump(); sleep(0.0005) end
    if not done then res.error = "no-done" end
    finish()
  elseif role == "recv" or role == "costrecv" then
    listen()
    local got, bytes, t_first, t_last, sent, done_at, samples = 0, 0, nil, nil, nil, nil, {}
    local deadline = now() + dur + 30
    while now() < deadline do
      if role == "costrecv" then sleep(0.02) end
      local t0, batch = now(), 0
      local ev = service(host, 0)
      while ev do
        if ev.type == "receive" then
          local d = ev.data
          if d:byte(1) == 68 then
            batch, bytes = batch + 1, bytes + #d
            if reliable and (got + batch) % ack_every == 0 then ev.peer:send("A" .. (got + batch), 1, "reliable") end
          elseif d:byte(1) == 69 then
            sent, done_at = tonumber(d:sub(2)), now()
            ev.peer:send("DONE", 0, "reliable")
          end
        end
        if role ~= "costrecv" and batch >= 256 then break end
        ev = service(host, 0)
      end
      if role == "costrecv" and batch >= C.COST_ROUND / 2 then samples[#samples + 1] = (now() - t0) / batch * 1e6 end
      if batch > 0 then t_first = t_first or t0; t_last = now(); got = got + batch end
      if done_at and now() > done_at + 0.2 then break end
    end
    host:flush()
    res.received, res.sent = got, sent or -1
    if not sent then res.error = "no-end-marker" end
    local secs = (t_first and t_last and t_last > t_first) and (t_last - t_first) or 0
    res.msgs_per_s = secs > 0 and got / secs or 0
    res.mb_per_s = secs > 0 and bytes / secs / 1e6 or 0
    res.lost_share = (sent and sent > 0) and math.max(0, 1 - got / sent) or -1
    if role == "costrecv" then
      table.sort(samples)
      res.us_per_recv = C.percentile(samples, 0.5)
    end
    finish()
  elseif role == "ping" then
    connect()
    local data = C.payload(16)
    local rtts, t_end, warm, lost = {}, now() + dur, C.warmup(dur), 0
    while now() < t_end do
      local t0 = now()
      peer:send(data, 0, "reliable")
      local deadline, got = t0 + 1, false
      repeat
        local ev = service(host, 0)
        got = ev ~= nil and ev.type == "receive"
      until got or now() > deadline
      local t1 = now()
      if not got then lost = lost + 1 elseif warm > 0 then warm = warm - 1 else rtts[#rtts + 1] = (t1 - t0) * 1e6 end
    end
    table.sort(rtts)
    res.rtt_p50, res.rtt_p99, res.pings, res.timeouts = C.percentile(rtts, 0.5), C.percentile(rtts, 0.99), #rtts, lost
    peer:send("E", 0, "reliable")
    host:flush()
    sleep(0.05)
    finish()
  elseif role == "pong" then
    listen()
    local deadline = now() + dur + 20
    while now() < deadline do
      local ev = service(host, 0)
      if ev and ev.type == "receive" then
        if ev.data == "E" then finish() end
        ev.peer:send(ev.data, 0, "reliable")
        host:flush()
      end
    end
    res.error = "timeout"
    finish(1)
  elseif role == "mem" then
    -- Both ends in this process: connect, then queue 10 000 reliable messages without servicing.
    local server = enet.host_create("127.0.0.1:" .. o.port, 1, 2)
    host = enet.host_create(nil, 1, 2)
    peer = host:connect("127.0.0.1:" .. o.port, 2)
    local deadline, up = now() + 5, false
    while not up and now() < deadline do
      service(server, 1)
      local ev = service(host, 1)
      up = ev ~= nil and ev.type == "connect"
    end
    if not up then res.error = "connect-timeout"; finish(1) end
    collectgarbage(); collectgarbage()
    local before, data = C.rss_kib(), C.payload(64)
    for _ = 1, 10000 do peer:send(data, 0, "reliable") end
    collectgarbage(); collectgarbage()
    local after = C.rss_kib()
    res.rss_kib, res.rss_delta_kib, res.queued = after, after - before, 10000
    finish()
  else
    C.log("enet: unknown role %s", tostring(role))
    os.exit(2)
  end
end
