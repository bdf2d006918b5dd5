-- Steam's configuration values and limits, kept by the offline backend at Steam's defaults and
-- changed the way a game changes them on Steam (Steam.NetworkingUtils).
local Steam = require "steam_messages"
local socket = require "socket"

local RELIABLE = Steam.k_nSteamNetworkingSend_Reliable

local sm = require "support.sm"
local unpack = table.unpack or unpack

-- Runs the peers' callbacks until `done()` is true; generous timeout, no timing assertions.
local function pump(peers, done, seconds) return sm.pump_until(done, seconds, unpack(peers)) end
local function identity_of(peer) return sm.identity_of(Steam, peer) end

local function accept_all(peer)
  peer.NetworkingMessages.OnSteamNetworkingMessagesSessionRequest = function(data)
    peer.NetworkingMessages.AcceptSessionWithUser(data.m_identityRemote)
  end
end

describe("Steam's limits, offline too", function()
  local instances = {}
  local function new(opts)
    local p = assert(Steam.Extra.NewOfflineInstance(opts or {}))
    instances[#instances + 1] = p
    return p
  end
  after_each(function()
    Steam.Extra.SetDebugOutput(Steam.k_ESteamNetworkingSocketsDebugOutputType_None, nil)
    for _, p in ipairs(instances) do p.Shutdown() end
    instances = {}
  end)

  it("reads back Steam's defaults", function()
    local U = new().NetworkingUtils
    local defaults = {
      SendRateMin = 262144, SendRateMax = 262144, SendBufferSize = 524288, RecvBufferSize = 1048576,
      RecvBufferMessages = 1000, RecvMaxMessageSize = 524288, NagleTime = 5000, MTU_PacketSize = 1300,
      TimeoutInitial = 10000, TimeoutConnected = 10000, FakePacketLoss_Send = 0, FakePacketLag_Send = 0,
    }
    for name, value in pairs(defaults) do
      assert.are.equal(value, U.GetGlobalConfigValue(Steam["k_ESteamNetworkingConfig_" .. name]), name)
      local info_name, data_type, scope = U.GetConfigValueInfo(Steam["k_ESteamNetworkingConfig_" .. name])
      assert.are.equal(name, info_name)
      assert.is_number(data_type)
      assert.is_number(scope)
    end
  end)

  it("clamps as Steam clamps and refuses unknown values", function()
    local U = new().NetworkingUtils
    assert.is_true(U.SetGlobalConfigValueInt32(Steam.k_ESteamNetworkingConfig_SendRateMax, 2147483647))
    assert.are.equal(0x10000000, U.GetGlobalConfigValue(Steam.k_ESteamNetworkingConfig_SendRateMax))
    assert.is_false(U.SetGlobalConfigValueInt32(99999, 1))
    assert.is_nil(U.GetGlobalConfigValue(99999))
    assert.is_true(U.SetGlobalConfigValueFloat(Steam.k_ESteamNetworkingConfig_FakePacketLoss_Send, 250))
    assert.are.equal(100, U.GetGlobalConfigValue(Steam.k_ESteamNetworkingConfig_FakePacketLoss_Send))
  end)

  it("converts a value of another type as Steam's SetConfigValue does", function()
    local U = new().NetworkingUtils
    local K = function(name) return Steam["k_ESteamNetworkingConfig_" .. name] end
    assert.is_true(U.SetGlobalConfigValueFloat(K "SendRateMax", 1e6))
    assert.are.equal(1000000, U.GetGlobalConfigValue(K "SendRateMax"))
    assert.is_true(U.SetGlobalConfigValueFloat(K "NagleTime", 1500.5))
    assert.are.equal(1501, U.GetGlobalConfigValue(K "NagleTime"))
    assert.is_true(U.SetGlobalConfigValueString(K "SendBufferSize", "1048576"))
    assert.are.equal(1048576, U.GetGlobalConfigValue(K "SendBufferSize"))
    assert.is_true(U.SetGlobalConfigValueString(K "FakePacketLoss_Recv", "2.5"))
    assert.are.equal(2.5, U.GetGlobalConfigValue(K "FakePacketLoss_Recv"))
    assert.is_false(U.SetGlobalConfigValueString(K "SendBufferSize", "lots"))
    assert.are.equal(1048576, U.GetGlobalConfigValue(K "SendBufferSize"))
  end)

  it("returns k_EResultLimitExceeded after about 512 KiB of small reliable sends, and says which value to raise", function()
    local A, B = new(), new()
    accept_all(B)
    local lines = {}
    Steam.Extra.SetDebugOutput(Steam.k_ESteamNetworkingSocketsDebugOutputType_Warning, function(_, text)
      lines[#lines + 1] = text
    end)
    local idB = identity_of(B)
    local chunk = string.rep("x", 100)
    local sent, result = 0, nil
    for _ = 1, 20000 do
      result = A.NetworkingMessages.SendMessageToUser(idB, chunk, #chunk, RELIABLE, 0)
      if result ~= Steam.k_EResultOK then break end
      sent = sent + #chunk
    end
    assert.are.equal(Steam.k_EResultLimitExceeded, result)
    -- A little goes out while the loop runs; the limit is about 512 KiB either way.
    assert.is_true(sent >= 500 * 1024 and sent <= 640 * 1024, "sent " .. sent)
    A.RunCallbacks()
    local named = false
    for _, text in ipairs(lines) do
      if text:find("k_EResultLimitExceeded", 1, true) and text:find("SendRateMin", 1, true)
        and text:find("SendBufferSize", 1, true) then named = true end
    end
    assert.is_true(named, "no debug line names the values to raise")
    local _, _, status = A.NetworkingMessages.GetSessionConnectionInfo(idB)
    assert.are.equal(262144, status.m_nSendRateBytesPerSecond)
    assert.is_true(status.m_cbPendingReliable > 400 * 1024)
  end)

  it("delivers reliable messages exactly once and in order with 20% fake loss each way", function()
    local loss = { FakePacketLoss_Send = 20, FakePacketLoss_Recv = 20 }
    local A, B = new { netsim = loss }, new { netsim = loss }
    -- This checks delivery, not timeouts: on a loaded machine a lossy handshake may take a while.
    for _, p in ipairs({ A, B }) do
      p.NetworkingUtils.SetGlobalConfigValueInt32(Steam.k_ESteamNetworkingConfig_TimeoutInitial, 60000)
      p.NetworkingUtils.SetGlobalConfigValueInt32(Steam.k_ESteamNetworkingConfig_TimeoutConnected, 60000)
    end
    accept_all(B)
    local idB = identity_of(B)
    for i = 1, 200 do
      local text = "m" .. i
      assert.are.equal(Steam.k_EResultOK, A.NetworkingMessages.SendMessageToUser(idB, text, #text, RELIABLE, 3))
    end
    local got = {}
    assert.is_true(pump({ A, B }, function()
      local n, msgs = B.NetworkingMessages.ReceiveMessagesOnChannel(3, 100)
      for i = 1, n do got[#got + 1] = msgs[i].m_pData; msgs[i]:Release() end
      return #got >= 200
    end, 90))
    assert.are.equal(200, #got)
    for i = 1, 200 do assert.are.equal("m" .. i, got[i]) end
  end)

  it("fails the session at TimeoutInitial with 100% fake loss", function()
    local A, B = new(), new()
    accept_all(B)
    A.NetworkingUtils.SetGlobalConfigValueFloat(Steam.k_ESteamNetworkingConfig_FakePacketLoss_Send, 100)
    A.NetworkingUtils.SetGlobalConfigValueInt32(Steam.k_ESteamNetworkingConfig_TimeoutInitial, 1500)
    local failed
    A.NetworkingMessages.OnSteamNetworkingMessagesSessionFailed = function(data) failed = data.m_info end
    local idB = identity_of(B)
    local started = socket.gettime()
    A.NetworkingMessages.SendMessageToUser(idB, "lost", 4, RELIABLE, 0)
    assert.is_true(pump({ A, B }, function() return failed ~= nil end, 15))
    local elapsed = socket.gettime() - started
    assert.is_true(elapsed >= 1.4, "failed after " .. elapsed .. " s, before TimeoutInitial")
    assert.are.equal(Steam.k_ESteamNetConnectionEnd_Misc_Timeout, failed.m_eEndReason)
    assert.are.equal(Steam.k_ESteamNetworkingConnectionState_ProblemDetectedLocally,
      (A.NetworkingMessages.GetSessionConnectionInfo(idB)))
  end)

  it("reads Steam's jitter defaults, and opts.netsim.jitter jitters every datagram by that average", function()
    local K = function(name) return Steam["k_ESteamNetworkingConfig_FakePacketJitter_" .. name] end
    local U = new().NetworkingUtils
    assert.are.same({ 0, 100, 75 }, { U.GetGlobalConfigValue(K "Send_Avg"), U.GetGlobalConfigValue(K "Send_Max"),
      U.GetGlobalConfigValue(K "Send_Pct") })
    local _, data_type, scope = U.GetConfigValueInfo(K "Send_Avg")
    assert.are.same({ Steam.k_ESteamNetworkingConfig_Float, Steam.k_ESteamNetworkingConfig_Global }, { data_type, scope })
    U = new({ netsim = { jitter = 30 } }).NetworkingUtils
    assert.are.same({ 30, 300, 100 }, { U.GetGlobalConfigValue(K "Send_Avg"), U.GetGlobalConfigValue(K "Send_Max"),
      U.GetGlobalConfigValue(K "Send_Pct") })
    -- A config name given beside the shorthand wins, whatever order the table iterates in.
    U = new({ netsim = { jitter = 30, FakePacketJitter_Send_Max = 50 } }).NetworkingUtils
    assert.are.equal(50, U.GetGlobalConfigValue(K "Send_Max"))
  end)

  it("calls luasteam-style global callbacks besides the On* hooks", function()
    local A, B = new(), new()
    local seen = {}
    B.NetworkingUtils.SetGlobalCallback_MessagesSessionRequest(function(data)
      seen[#seen + 1] = "global:" .. data.m_identityRemote:ToString()
      B.NetworkingMessages.AcceptSessionWithUser(data.m_identityRemote)
    end)
    B.NetworkingMessages.OnSteamNetworkingMessagesSessionRequest = function(data)
      seen[#seen + 1] = "hook:" .. data.m_identityRemote:ToString()
    end
    local failed
    A.NetworkingUtils.SetGlobalCallback_MessagesSessionFailed(function(data) failed = data.m_info end)
    A.NetworkingUtils.SetGlobalConfigValueInt32(Steam.k_ESteamNetworkingConfig_TimeoutInitial, 500)
    local idA, idB = identity_of(A), identity_of(B)
    A.NetworkingMessages.SendMessageToUser(idB, "hi", 2, RELIABLE, 0)
    assert.is_true(pump({ A, B }, function() return #seen >= 2 end))
    assert.are.same({ "hook:" .. idA:ToString(), "global:" .. idA:ToString() }, seen)
    local nobody = Steam.newSteamNetworkingIdentity()
    nobody:SetSteamID("76561197960265998")
    A.NetworkingMessages.SendMessageToUser(nobody, "x", 1, RELIABLE, 0)
    assert.is_true(pump({ A }, function() return failed ~= nil end, 10))
    assert.are.equal("steamid:76561197960265998", failed.m_identityRemote:ToString())
  end)

  it("reports the relay network as current offline, in luasteam's two return values", function()
    local U = new().NetworkingUtils
    local avail, details = U.GetRelayNetworkStatus()
    assert.are.equal(100, Steam.k_ESteamNetworkingAvailability_Current)
    assert.are.equal(-102, Steam.k_ESteamNetworkingAvailability_CannotTry)
    assert.are.equal(Steam.k_ESteamNetworkingAvailability_Current, avail)
    assert.are.same({
      m_eAvail = avail, m_bPingMeasurementInProgress = 0, m_eAvailNetworkConfig = avail, m_eAvailAnyRelay = avail,
      m_debugMsg = "",
    }, details)
  end)

  it("reports GetLocalTimestamp in microseconds on the clock of m_usecTimeReceived", function()
    local A, B = new(), new()
    accept_all(B)
    local before = B.NetworkingUtils.GetLocalTimestamp()
    A.NetworkingMessages.SendMessageToUser(identity_of(B), "t", 1, RELIABLE, 0)
    local stamp
    assert.is_true(pump({ A, B }, function()
      local n, msgs = B.NetworkingMessages.ReceiveMessagesOnChannel(0, 1)
      if n > 0 then stamp = msgs[1].m_usecTimeReceived; msgs[1]:Release() end
      return stamp ~= nil
    end))
    local after = B.NetworkingUtils.GetLocalTimestamp()
    assert.is_true(stamp >= before and stamp <= after, string.format("%s not in %s..%s", stamp, before, after))
  end)
end)
