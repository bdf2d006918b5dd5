-- Faults: a send to a closed loopback port (ICMP port-unreachable), Shutdown during traffic,
-- messages used and garbage-collected after Shutdown, and Init/Shutdown 1 000 times with
-- resident memory and thread count flat (read from /proc/self/status). Loopback only.
local sm = require "support.sm"

local TIMEOUT_INITIAL = 24 -- k_ESteamNetworkingConfig_TimeoutInitial
local LOOPS = tonumber(os.getenv("SM_FAULT_LOOPS") or "") or 1000

-- VmRSS in kB and the thread count, or nil off Linux.
local function proc_status()
  local f = io.open("/proc/self/status", "r")
  if not f then return nil end
  local text = f:read("*a")
  f:close()
  return tonumber(text:match("VmRSS:%s*(%d+)")), tonumber(text:match("Threads:%s*(%d+)"))
end

describe("faults", function()
  local Steam
  setup(function() Steam = sm.load() end)

  local function accept_all(inst)
    inst.NetworkingMessages.OnSteamNetworkingMessagesSessionRequest = function(d)
      inst.NetworkingMessages.AcceptSessionWithUser(d.m_identityRemote)
    end
  end

  local function identity_of(inst, other)
    local id = inst.newSteamNetworkingIdentity()
    id:SetSteamID(other.User.GetSteamID())
    return id
  end

  it("a send to a closed loopback port fails the session after TimeoutInitial, no crash", function()
    -- A port that was just ours and is closed now: whatever comes back (ICMP port-unreachable,
    -- which Linux may report on the next receive) must not upset the service thread.
    local port, probe
    for _ = 1, 20 do
      port = math.random(20000, 60000)
      probe = Steam.Extra.NewOfflineInstance { port = port }
      if probe then break end
    end
    assert.truthy(probe, "no free port found")
    probe.Shutdown()
    local a = sm.instance(Steam)
    assert.is_true(a.NetworkingUtils.SetGlobalConfigValueInt32(TIMEOUT_INITIAL, 2000))
    local failed
    a.NetworkingMessages.OnSteamNetworkingMessagesSessionFailed = function(d) failed = d.m_info end
    local to = a.newSteamNetworkingIdentity()
    assert.is_true(to:ParseString("ip:127.0.0.1:" .. port))
    local t0 = sm.now()
    for i = 1, 20 do
      assert.are.equal(Steam.k_EResultOK,
        a.NetworkingMessages.SendMessageToUser(to, "knock " .. i, 7, Steam.k_nSteamNetworkingSend_Reliable, 0))
    end
    assert.is_true(sm.pump_until(function() return failed ~= nil end, 10, a))
    local took = sm.now() - t0
    assert.is_true(took >= 1.5 and took < 8, "failed after " .. took .. " s")
    assert.are.equal(Steam.k_ESteamNetConnectionEnd_Misc_Timeout, failed.m_eEndReason)
    assert.are.equal(Steam.k_ESteamNetworkingConnectionState_ProblemDetectedLocally,
      (a.NetworkingMessages.GetSessionConnectionInfo(to)))
    assert.are.equal(Steam.k_EResultNoConnection,
      a.NetworkingMessages.SendMessageToUser(to, "again", 5, Steam.k_nSteamNetworkingSend_Reliable, 0))
    -- The instance still works with a live peer.
    local b = sm.instance(Steam); accept_all(b)
    local to_b = identity_of(a, b)
    a.NetworkingMessages.SendMessageToUser(to_b, "alive", 5, Steam.k_nSteamNetworkingSend_Reliable, 0)
    assert.is_true(sm.pump_until(function()
      return b.NetworkingMessages.ReceiveMessagesOnChannel(0, 10) > 0
    end, 10, a, b))
    a.Shutdown(); b.Shutdown()
  end)

  it("Shutdown during traffic: the peer sees the session end, later calls raise strings", function()
    local a, b = sm.instance(Steam), sm.instance(Steam)
    accept_all(b)
    local failed
    a.NetworkingMessages.OnSteamNetworkingMessagesSessionFailed = function(d) failed = d.m_info end
    local to_b = identity_of(a, b)
    local chunk = string.rep("t", 60000)
    local first
    local sent = 0
    assert.is_true(sm.pump_until(function()
      if a.NetworkingMessages.SendMessageToUser(to_b, chunk, #chunk, Steam.k_nSteamNetworkingSend_Reliable, 0)
          == Steam.k_EResultOK then
        sent = sent + 1
      end
      first = first or (b.NetworkingMessages.ReceiveMessagesOnChannel(0, 1) > 0)
      return first
    end, 10, a, b))
    -- b goes away mid-stream: a still has reliable data in flight.
    b.Shutdown()
    assert.is_true(sm.pump_until(function()
      a.NetworkingMessages.SendMessageToUser(to_b, chunk, #chunk, Steam.k_nSteamNetworkingSend_Reliable, 0)
      return failed ~= nil
    end, 15, a))
    assert.are.equal(Steam.k_ESteamNetworkingConnectionState_ClosedByPeer, failed.m_eState)
    assert.are.equal(1001, failed.m_eEndReason)
    assert.are.equal(Steam.k_EResultNoConnection,
      a.NetworkingMessages.SendMessageToUser(to_b, "x", 1, Steam.k_nSteamNetworkingSend_Reliable, 0))
    -- And a goes away while its own queue is full.
    a.NetworkingMessages.SendMessageToUser(to_b, chunk, #chunk,
      Steam.k_nSteamNetworkingSend_Reliable + Steam.k_nSteamNetworkingSend_AutoRestartBrokenSession, 0)
    a.Shutdown()
    for _, f in ipairs { function() return a.NetworkingMessages.SendMessageToUser(to_b, "x", 1, 8, 0) end,
      function() return b.NetworkingMessages.ReceiveMessagesOnChannel(0, 1) end, a.RunCallbacks,
      b.User.GetSteamID, a.Extra.GetStats } do
      local ok, err = pcall(f)
      assert.is_false(ok)
      assert.are.equal("string", type(err))
      assert.truthy(err:find("not initialized", 1, true), err)
    end
    a.Shutdown(); b.Shutdown() -- twice is harmless
    assert.is_true(sent >= 1)
  end)

  it("messages received before Shutdown are still readable, releasable and collectable", function()
    local a, b = sm.instance(Steam), sm.instance(Steam)
    accept_all(b)
    local to_b = identity_of(a, b)
    for i = 1, 20 do
      a.NetworkingMessages.SendMessageToUser(to_b, "m" .. i .. string.rep("!", i * 100), 1 + #tostring(i) + i * 100,
        Steam.k_nSteamNetworkingSend_Reliable, 0)
    end
    local got = {}
    assert.is_true(sm.pump_until(function()
      local n, list = b.NetworkingMessages.ReceiveMessagesOnChannel(0, 100)
      for i = 1, n do got[#got + 1] = list[i] end
      return #got >= 20
    end, 10, a, b))
    a.Shutdown(); b.Shutdown()
    a, b = nil, nil
    collectgarbage("collect"); collectgarbage("collect")
    for i, m in ipairs(got) do
      assert.are.equal("m" .. i, m.m_pData:sub(1, 1 + #tostring(i)))
      assert.are.equal(#m.m_pData, m.m_cbSize)
      assert.are.equal(m:GetSize(), m.m_cbSize)
      assert.truthy(tostring(m.m_identityPeer):find("^steamid:"))
      if i % 2 == 0 then m:Release() end
    end
    got = nil
    collectgarbage("collect"); collectgarbage("collect")
    -- The global backend too.
    assert.is_true((Steam.Init { backend = "offline" }))
    local c = sm.instance(Steam); accept_all(c)
    local NM = Steam.NetworkingMessages
    accept_all(Steam)
    local to_global = identity_of(c, Steam)
    c.NetworkingMessages.SendMessageToUser(to_global, "g", 1, Steam.k_nSteamNetworkingSend_Reliable, 0)
    local kept
    assert.is_true(sm.pump_until(function()
      local n, list = NM.ReceiveMessagesOnChannel(0, 10)
      kept = kept or list[1]
      return n > 0
    end, 10, c, Steam))
    Steam.Shutdown(); c.Shutdown()
    assert.are.equal("g", kept.m_pData)
    kept = nil
    collectgarbage("collect"); collectgarbage("collect")
  end)

  local function loop_flat(label, open, close)
    -- Warm up first: allocators and caches settle in the first few rounds.
    for _ = 1, 20 do close(open()) end
    collectgarbage("collect")
    local rss0, threads0 = proc_status()
    local t0 = sm.now()
    for _ = 1, LOOPS do close(open()) end
    collectgarbage("collect"); collectgarbage("collect")
    local rss1, threads1 = proc_status()
    print(string.format("\n# %s x%d on %s: %.1f s, VmRSS %s -> %s kB, threads %s -> %s", label, LOOPS,
      jit and jit.version or _VERSION, sm.now() - t0, tostring(rss0), tostring(rss1),
      tostring(threads0), tostring(threads1)))
    if rss0 then
      assert.is_true(rss1 - rss0 < 8 * 1024, label .. ": VmRSS grew from " .. rss0 .. " to " .. rss1 .. " kB")
      assert.are.equal(threads0, threads1, label .. ": threads")
    end
  end

  it("NewOfflineInstance and Shutdown " .. LOOPS .. " times: memory and threads flat", function()
    loop_flat("NewOfflineInstance/Shutdown", function() return sm.instance(Steam) end,
      function(inst) inst.Shutdown() end)
  end)

  it("Steam.Init{backend='offline'} and Shutdown " .. LOOPS .. " times: memory and threads flat", function()
    loop_flat("Steam.Init/Shutdown", function()
      local ok, why = Steam.Init { backend = "offline" }
      assert(ok, why)
      return Steam
    end, function(s) s.Shutdown() end)
  end)
end)
