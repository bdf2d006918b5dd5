-- Two offline peers in one Lua state (Steam.Extra.NewOfflineInstance), each with its own
-- backend, SteamID and loopback socket: the session rules of API.md end to end.
local Steam = require "steam_messages"
local socket = require "socket"

local RELIABLE = Steam.k_nSteamNetworkingSend_Reliable
local UNRELIABLE = Steam.k_nSteamNetworkingSend_Unreliable

-- Runs the peers' callbacks until `done()` is true; generous timeout, no timing assertions.
local sm = require "support.sm"
local unpack = table.unpack or unpack

-- Runs the peers' callbacks until `done()` is true; generous timeout, no timing assertions.
local function pump(peers, done, seconds) return sm.pump_until(done, seconds, unpack(peers)) end
local function identity_of(peer) return sm.identity_of(Steam, peer) end

local function receive_all(peer, channel, into)
  local n, msgs = peer.NetworkingMessages.ReceiveMessagesOnChannel(channel, 100)
  for i = 1, n do
    into[#into + 1] = { data = msgs[i].m_pData, from = msgs[i].m_identityPeer:ToString(),
      channel = msgs[i].m_nChannel, reliable = msgs[i].m_nFlags }
    msgs[i]:Release()
  end
  return n
end

describe("two offline instances", function()
  local A, B, idA, idB, log

  before_each(function()
    A = assert(Steam.Extra.NewOfflineInstance {})
    B = assert(Steam.Extra.NewOfflineInstance {})
    idA, idB = identity_of(A), identity_of(B)
    log = {}
    Steam.Extra.SetDebugOutput(Steam.k_ESteamNetworkingSocketsDebugOutputType_Msg, function(level, text)
      log[#log + 1] = text
    end)
  end)

  after_each(function()
    Steam.Extra.SetDebugOutput(Steam.k_ESteamNetworkingSocketsDebugOutputType_None, nil)
    A.Shutdown()
    B.Shutdown()
  end)

  -- B accepts every request, and A's reliable `first` opens the session; what B received.
  local function open_with(first)
    B.NetworkingMessages.OnSteamNetworkingMessagesSessionRequest = function(data)
      B.NetworkingMessages.AcceptSessionWithUser(data.m_identityRemote)
    end
    A.NetworkingMessages.SendMessageToUser(idB, first, #first, RELIABLE, 0)
    local got = {}
    assert.is_true(pump({ A, B }, function() receive_all(B, 0, got); return #got == 1 end))
    return got
  end

  local function logged(pattern)
    for _, line in ipairs(log) do
      if line:find(pattern) then return true end
    end
    return false
  end

  it("have distinct SteamIDs and report the offline backend", function()
    assert.are_not.equal(tostring(A.User.GetSteamID()), tostring(B.User.GetSteamID()))
    assert.are.equal("offline", A.GetBackend())
  end)

  it("hold a request until it is accepted, then deliver reliable messages in order on several channels", function()
    local requests = {}
    B.NetworkingMessages.OnSteamNetworkingMessagesSessionRequest = function(data)
      requests[#requests + 1] = data.m_identityRemote:ToString()
    end
    for i = 1, 50 do
      for ch = 0, 3 do
        local text = ch .. ":" .. i
        assert.are.equal(Steam.k_EResultOK, A.NetworkingMessages.SendMessageToUser(idB, text, #text, RELIABLE, ch))
      end
    end
    assert.is_true(pump({ A, B }, function() return #requests > 0 end))
    assert.are.equal(idA:ToString(), requests[1])
    -- Not accepted yet: nothing is delivered.
    local early = {}
    for ch = 0, 3 do receive_all(B, ch, early) end
    assert.are.equal(0, #early)
    assert.is_true(B.NetworkingMessages.AcceptSessionWithUser(idA))
    local got = { [0] = {}, {}, {}, {} }
    assert.is_true(pump({ A, B }, function()
      for ch = 0, 3 do receive_all(B, ch, got[ch]) end
      return #got[0] == 50 and #got[1] == 50 and #got[2] == 50 and #got[3] == 50
    end))
    for ch = 0, 3 do
      for i = 1, 50 do
        assert.are.equal(ch .. ":" .. i, got[ch][i].data)
        assert.are.equal(idA:ToString(), got[ch][i].from)
        assert.are.equal(ch, got[ch][i].channel)
      end
    end
    assert.are.equal(1, #requests)
    assert.is_true(logged("session request"))
    assert.is_true(logged("accepted"))
  end)

  it("deliver unreliable messages and answer both ways once connected", function()
    B.NetworkingMessages.OnSteamNetworkingMessagesSessionRequest = function(data)
      B.NetworkingMessages.AcceptSessionWithUser(data.m_identityRemote)
    end
    A.NetworkingMessages.SendMessageToUser(idB, "hi", 2, RELIABLE, 0)
    local got = {}
    assert.is_true(pump({ A, B }, function() return receive_all(B, 0, got) > 0 or #got > 0 end))
    for i = 1, 20 do
      local text = "u" .. i
      assert.are.equal(Steam.k_EResultOK, A.NetworkingMessages.SendMessageToUser(idB, text, #text, UNRELIABLE, 5))
    end
    local unrel = {}
    -- Loopback loses nothing in practice; ask only for most, the promise is "may be lost".
    assert.is_true(pump({ A, B }, function() receive_all(B, 5, unrel); return #unrel >= 15 end))
    local reply = {}
    assert.are.equal(Steam.k_EResultOK, B.NetworkingMessages.SendMessageToUser(idA, "back", 4, RELIABLE, 0))
    assert.is_true(pump({ A, B }, function() receive_all(A, 0, reply); return #reply > 0 end))
    assert.are.equal("back", reply[1].data)
    local state, info, status = A.NetworkingMessages.GetSessionConnectionInfo(idB)
    assert.are.equal(Steam.k_ESteamNetworkingConnectionState_Connected, state)
    assert.are.equal(idB:ToString(), info.m_identityRemote:ToString())
    assert.truthy(info.m_addrRemote:find("^127%.0%.0%.1:%d+$"))
    assert.are.equal(262144, status.m_nSendRateBytesPerSecond)
  end)

  it("send what luaL_check* takes: integral floats, numeric strings, a number as data, a shorter size", function()
    B.NetworkingMessages.OnSteamNetworkingMessagesSessionRequest = function(data)
      B.NetworkingMessages.AcceptSessionWithUser(data.m_identityRemote)
    end
    local Send = A.NetworkingMessages.SendMessageToUser
    assert.are.equal(Steam.k_EResultOK, Send(idB, "plain", 5, RELIABLE, 0))
    assert.are.equal(Steam.k_EResultOK, Send(idB, "float", 5.0, RELIABLE + 0.0, 0.0))
    assert.are.equal(Steam.k_EResultOK, Send(idB, "strings", "7", tostring(RELIABLE), "0"))
    assert.are.equal(Steam.k_EResultOK, Send(idB, 42, 2, RELIABLE, 0))
    assert.are.equal(Steam.k_EResultOK, Send(idB, "cut-here", 3, RELIABLE, 0, "ignored"))
    local got = {}
    assert.is_true(pump({ A, B }, function() receive_all(B, 0, got); return #got >= 5 end))
    local data = {}
    for i, m in ipairs(got) do data[i] = m.data end
    assert.are.same({ "plain", "float", "strings", "42", "cut" }, data)
  end)

  it("decline a request with CloseSessionWithUser: the sender's session fails, closed by peer", function()
    local failed
    A.NetworkingMessages.OnSteamNetworkingMessagesSessionFailed = function(data) failed = data.m_info end
    B.NetworkingMessages.OnSteamNetworkingMessagesSessionRequest = function(data)
      B.NetworkingMessages.CloseSessionWithUser(data.m_identityRemote)
    end
    A.NetworkingMessages.SendMessageToUser(idB, "knock", 5, RELIABLE, 0)
    assert.is_true(pump({ A, B }, function() return failed ~= nil end))
    assert.are.equal(Steam.k_ESteamNetConnectionEnd_App_Min + 1, failed.m_eEndReason)
    assert.are.equal(Steam.k_ESteamNetworkingConnectionState_ClosedByPeer, A.NetworkingMessages.GetSessionConnectionInfo(idB))
    assert.are.equal(Steam.k_EResultNoConnection, A.NetworkingMessages.SendMessageToUser(idB, "again", 5, RELIABLE, 0))
    assert.are.equal(Steam.k_EResultOK, A.NetworkingMessages.SendMessageToUser(idB, "again", 5,
      RELIABLE + Steam.k_nSteamNetworkingSend_AutoRestartBrokenSession, 0))
    assert.is_true(logged("declin") or logged("clos"))
  end)

  it("close an idle session quietly: the peer returns to no session and a new send is a new request", function()
    local requests = 0
    B.NetworkingMessages.OnSteamNetworkingMessagesSessionRequest = function(data)
      requests = requests + 1
      B.NetworkingMessages.AcceptSessionWithUser(data.m_identityRemote)
    end
    local failed = false
    B.NetworkingMessages.OnSteamNetworkingMessagesSessionFailed = function() failed = true end
    A.NetworkingMessages.SendMessageToUser(idB, "one", 3, RELIABLE, 0)
    local got = {}
    assert.is_true(pump({ A, B }, function() receive_all(B, 0, got); return #got == 1 end))
    -- Let A's data be acknowledged, so B is idle when A closes.
    assert.is_true(pump({ A, B }, function()
      local _, _, st = A.NetworkingMessages.GetSessionConnectionInfo(idB)
      return st.m_cbSentUnackedReliable == 0 and st.m_cbPendingReliable == 0
    end))
    assert.is_true(A.NetworkingMessages.CloseSessionWithUser(idB))
    assert.is_false(A.NetworkingMessages.CloseSessionWithUser(idB))
    assert.are.equal(0, (A.NetworkingMessages.GetSessionConnectionInfo(idB)))
    assert.is_true(pump({ A, B }, function() return B.NetworkingMessages.GetSessionConnectionInfo(idA) == 0 end))
    assert.is_false(failed)
    A.NetworkingMessages.SendMessageToUser(idB, "two", 3, RELIABLE, 0)
    assert.is_true(pump({ A, B }, function() receive_all(B, 0, got); return #got == 2 end))
    assert.are.equal(2, requests)
  end)

  it("close a channel: unread messages on it are dropped, other channels keep theirs", function()
    B.NetworkingMessages.OnSteamNetworkingMessagesSessionRequest = function(data)
      B.NetworkingMessages.AcceptSessionWithUser(data.m_identityRemote)
    end
    A.NetworkingMessages.SendMessageToUser(idB, "c1", 2, RELIABLE, 1)
    A.NetworkingMessages.SendMessageToUser(idB, "c2", 2, RELIABLE, 2)
    assert.is_true(pump({ A, B }, function()
      local _, _, st = A.NetworkingMessages.GetSessionConnectionInfo(idB)
      return A.NetworkingMessages.GetSessionConnectionInfo(idB) == 3 and st.m_cbSentUnackedReliable == 0
        and st.m_cbPendingReliable == 0
    end))
    assert.is_true(B.NetworkingMessages.CloseChannelWithUser(idA, 1))
    local c1, c2 = {}, {}
    receive_all(B, 1, c1)
    receive_all(B, 2, c2)
    assert.are.equal(0, #c1)
    assert.are.equal(1, #c2)
  end)

  it("refuse a message over 512 KiB with k_EResultInvalidParam and carry one of exactly 512 KiB", function()
    B.NetworkingMessages.OnSteamNetworkingMessagesSessionRequest = function(data)
      B.NetworkingMessages.AcceptSessionWithUser(data.m_identityRemote)
    end
    local big = string.rep("x", 512 * 1024)
    assert.are.equal(Steam.k_EResultInvalidParam, A.NetworkingMessages.SendMessageToUser(idB, big .. "y", #big + 1, RELIABLE, 0))
    A.NetworkingUtils.SetGlobalConfigValueInt32(Steam.k_ESteamNetworkingConfig_SendRateMax, 64 * 1024 * 1024)
    A.NetworkingUtils.SetGlobalConfigValueInt32(Steam.k_ESteamNetworkingConfig_SendRateMin, 64 * 1024 * 1024)
    assert.are.equal(Steam.k_EResultOK, A.NetworkingMessages.SendMessageToUser(idB, big, #big, RELIABLE, 0))
    local got = {}
    assert.is_true(pump({ A, B }, function() receive_all(B, 0, got); return #got == 1 end, 20))
    assert.are.equal(#big, #got[1].data)
    assert.are.equal(big, got[1].data)
  end)

  it("keep Steam's defaults for the configuration values", function()
    local U = A.NetworkingUtils
    assert.are.equal(262144, U.GetGlobalConfigValue(Steam.k_ESteamNetworkingConfig_SendRateMax))
    assert.are.equal(524288, U.GetGlobalConfigValue(Steam.k_ESteamNetworkingConfig_SendBufferSize))
    assert.are.equal(1000, U.GetGlobalConfigValue(Steam.k_ESteamNetworkingConfig_RecvBufferMessages))
    assert.are.equal(1300, U.GetGlobalConfigValue(Steam.k_ESteamNetworkingConfig_MTU_PacketSize))
    assert.are.equal(10000, U.GetGlobalConfigValue(Steam.k_ESteamNetworkingConfig_TimeoutInitial))
  end)

  it("report an unreachable peer through SessionFailed after the connect timeout", function()
    A.NetworkingUtils.SetGlobalConfigValueInt32(Steam.k_ESteamNetworkingConfig_TimeoutInitial, 1000)
    local failed
    A.NetworkingMessages.OnSteamNetworkingMessagesSessionFailed = function(data) failed = data.m_info end
    local nobody = Steam.newSteamNetworkingIdentity()
    nobody:SetSteamID("76561197960265999")
    assert.are.equal(Steam.k_EResultOK, A.NetworkingMessages.SendMessageToUser(nobody, "anyone?", 7, RELIABLE, 0))
    assert.is_true(pump({ A }, function() return failed ~= nil end, 15))
    assert.are.equal(Steam.k_ESteamNetConnectionEnd_Misc_Timeout, failed.m_eEndReason)
    assert.are.equal("steamid:76561197960265999", failed.m_identityRemote:ToString())
  end)

  it("keep a session alive while the Lua side is busy for 5 s (the service thread answers)", function()
    for _, p in ipairs({ A, B }) do
      p.NetworkingUtils.SetGlobalConfigValueInt32(Steam.k_ESteamNetworkingConfig_TimeoutConnected, 3000)
    end
    local got = open_with("before")
    -- A loading screen: no RunCallbacks, no receive, for longer than the connected timeout.
    socket.sleep(5)
    assert.are.equal(Steam.k_ESteamNetworkingConnectionState_Connected, A.NetworkingMessages.GetSessionConnectionInfo(idB))
    assert.are.equal(Steam.k_ESteamNetworkingConnectionState_Connected, B.NetworkingMessages.GetSessionConnectionInfo(idA))
    A.NetworkingMessages.SendMessageToUser(idB, "after", 5, RELIABLE, 0)
    assert.is_true(pump({ A, B }, function() receive_all(B, 0, got); return #got == 2 end))
    assert.are.equal("after", got[2].data)
  end)

  it("read the socket from a busy-polling game, and from the service thread again once it stops", function()
    local got = open_with("hello")
    -- A game loop that polls without a pause: it reads the socket itself.
    local deadline = socket.gettime() + 10
    for i = 1, 100 do A.NetworkingMessages.SendMessageToUser(idB, "busy" .. i, 4 + #tostring(i), RELIABLE, 0) end
    repeat receive_all(B, 0, got) until #got == 101 or socket.gettime() > deadline
    assert.are.equal(101, #got)
    for i = 1, 100 do assert.are.equal("busy" .. i, got[i + 1].data) end
    -- It stops polling (a loading screen): the service thread takes the datagrams and queues
    -- them, with no call on B's side at all.
    for i = 1, 10 do A.NetworkingMessages.SendMessageToUser(idB, "later" .. i, 5 + #tostring(i), RELIABLE, 0) end
    local stats
    deadline = socket.gettime() + 10
    repeat
      socket.sleep(0.01)
      stats = B.Extra.GetStats()
    until stats.queued_messages == 10 or socket.gettime() > deadline
    assert.are.equal(10, stats.queued_messages)
    got = {}
    receive_all(B, 0, got)
    assert.are.equal(10, #got)
    assert.are.equal("later10", got[10].data)
  end)
end)

describe("offline instances on a lossy network", function()
  it("deliver reliable messages exactly once and in order under loss, duplication and reordering", function()
    local sim = { loss = 20, duplicate = 5, reorder = 5, FakePacketLoss_Recv = 10 }
    local A = assert(Steam.Extra.NewOfflineInstance { netsim = sim })
    local B = assert(Steam.Extra.NewOfflineInstance { netsim = sim })
    -- This checks delivery, not timeouts: on a loaded machine a lossy handshake may take a while.
    for _, p in ipairs({ A, B }) do
      p.NetworkingUtils.SetGlobalConfigValueInt32(Steam.k_ESteamNetworkingConfig_TimeoutInitial, 60000)
      p.NetworkingUtils.SetGlobalConfigValueInt32(Steam.k_ESteamNetworkingConfig_TimeoutConnected, 60000)
    end
    local idB = identity_of(B)
    B.NetworkingMessages.OnSteamNetworkingMessagesSessionRequest = function(data)
      B.NetworkingMessages.AcceptSessionWithUser(data.m_identityRemote)
    end
    local N = 300
    for i = 1, N do
      for ch = 0, 1 do
        local text = ch .. "/" .. i
        assert.are.equal(Steam.k_EResultOK, A.NetworkingMessages.SendMessageToUser(idB, text, #text, RELIABLE, ch))
      end
    end
    local got = { [0] = {}, {} }
    local ok = pump({ A, B }, function()
      receive_all(B, 0, got[0]); receive_all(B, 1, got[1])
      return #got[0] >= N and #got[1] >= N
    end, 90)
    A.Shutdown(); B.Shutdown()
    assert.is_true(ok)
    for ch = 0, 1 do
      assert.are.equal(N, #got[ch])
      for i = 1, N do assert.are.equal(ch .. "/" .. i, got[ch][i].data) end
    end
  end)
end)
