-- Two NewOfflineInstance peers in one Lua state exchanging messages over loopback (API.md
-- "Steam.NetworkingMessages"). Waits are bounded by generous timeouts, never fixed sleeps.
local sm = require "support.sm"

describe("messages between two offline peers", function()
  local Steam, A, B, idA, idB
  local TIMEOUT = 10

  setup(function() Steam = sm.load() end)
  before_each(function()
    A = sm.instance(Steam)
    B = sm.instance(Steam)
    idB = A.newSteamNetworkingIdentity()
    idB:SetSteamID(B.User.GetSteamID())
    idA = B.newSteamNetworkingIdentity()
    idA:SetSteamID(A.User.GetSteamID())
  end)
  after_each(function()
    if A then A.Shutdown() end
    if B then B.Shutdown() end
    A, B = nil, nil
  end)

  local function accept_all(inst)
    inst.NetworkingMessages.OnSteamNetworkingMessagesSessionRequest = function(d)
      inst.NetworkingMessages.AcceptSessionWithUser(d.m_identityRemote)
    end
  end

  -- Receives on `inst` until `want` messages arrived on `channel` (or the timeout); returns them.
  local function receive(inst, channel, want)
    local got = {}
    sm.pump_until(function()
      local n, list = inst.NetworkingMessages.ReceiveMessagesOnChannel(channel, 100)
      for i = 1, n do got[#got + 1] = list[i] end
      return #got >= want
    end, TIMEOUT, A, B)
    return got
  end

  -- A's session with B is Connected and B acknowledged everything A sent: B holds it all.
  local function all_acked()
    local state, _, status = A.NetworkingMessages.GetSessionConnectionInfo(idB)
    return state == A.k_ESteamNetworkingConnectionState_Connected
      and status.m_cbPendingReliable == 0 and status.m_cbSentUnackedReliable == 0
  end

  it("the peers have distinct valid SteamIDs", function()
    assert.is_false(A.User.GetSteamID() == B.User.GetSteamID())
    assert.is_false(idA:IsInvalid())
    assert.is_false(idB:IsInvalid())
  end)

  it("with no session, GetSessionConnectionInfo is 0 and zeroed tables", function()
    local state, info, status = A.NetworkingMessages.GetSessionConnectionInfo(idB)
    assert.equal(0, state)
    assert.is_table(info)
    assert.is_table(status)
    assert.equal(0, info.m_eEndReason)
    assert.equal(0, status.m_cbPendingReliable)
  end)

  it("delivers a reliable message with every field", function()
    accept_all(B)
    local before = B.NetworkingUtils.GetLocalTimestamp()
    assert.equal(A.k_EResultOK, A.NetworkingMessages.SendMessageToUser(idB, "hello", 5, A.k_nSteamNetworkingSend_Reliable, 3))
    local got = receive(B, 3, 1)
    assert.equal(1, #got)
    local m = got[1]
    assert.equal("userdata", type(m))
    assert.equal("hello", m.m_pData)
    assert.equal(5, m.m_cbSize)
    assert.equal(3, m.m_nChannel)
    assert.is_true(m.m_identityPeer == idA)
    assert.equal(tostring(idA), tostring(m.m_identityPeer))
    assert.is_number(m.m_nMessageNumber)
    assert.is_number(m.m_usecTimeReceived)
    assert.is_number(m.m_nFlags)
    assert.equal("hello", m:GetData())
    assert.equal(5, m:GetSize())
    assert.equal(3, m:GetChannel())
    assert.equal(m.m_nMessageNumber, m:GetMessageNumber())
    assert.equal(m.m_usecTimeReceived, m:GetTimeReceived())
    assert.truthy(m:GetTimeReceived() >= before, "received before the send")
    m:Release()
  end)

  it("sends a prefix when cbData is smaller than the data", function()
    accept_all(B)
    assert.equal(1, A.NetworkingMessages.SendMessageToUser(idB, "abcdef", 3, 8, 0))
    local got = receive(B, 0, 1)
    assert.equal("abc", got[1] and got[1].m_pData)
  end)

  it("carries binary data unchanged", function()
    accept_all(B)
    local bytes = {}
    for i = 0, 255 do bytes[#bytes + 1] = string.char(i) end
    local data = table.concat(bytes) .. "\0\0end"
    assert.equal(1, A.NetworkingMessages.SendMessageToUser(idB, data, #data, 8, 0))
    local got = receive(B, 0, 1)
    assert.equal(data, got[1] and got[1].m_pData)
  end)

  it("reassembles a large reliable message", function()
    accept_all(B)
    local chunk = {}
    for i = 1, 1000 do chunk[i] = string.format("%07d|", i) end
    local data = string.rep(table.concat(chunk), 12) -- 96 000 bytes, many packets
    assert.equal(1, A.NetworkingMessages.SendMessageToUser(idB, data, #data, 8, 0))
    local got = receive(B, 0, 1)
    assert.equal(#data, got[1] and got[1].m_cbSize)
    assert.is_true(got[1] and got[1].m_pData == data)
  end)

  it("delivers reliable messages exactly once and in order", function()
    accept_all(B)
    local N = 200
    for i = 1, N do
      assert.equal(1, A.NetworkingMessages.SendMessageToUser(idB, "m" .. i, #("m" .. i), 8, 0))
    end
    local got = receive(B, 0, N)
    assert.equal(N, #got)
    for i = 1, N do assert.equal("m" .. i, got[i].m_pData) end
    -- Nothing more comes.
    local n = B.NetworkingMessages.ReceiveMessagesOnChannel(0, 100)
    assert.equal(0, n)
  end)

  it("ReceiveMessagesOnChannel returns at most maxMessages", function()
    accept_all(B)
    for i = 1, 5 do A.NetworkingMessages.SendMessageToUser(idB, "x" .. i, 2, 8, 0) end
    assert.is_true(sm.pump_until(all_acked, TIMEOUT, A, B), "B never acknowledged everything")
    local first = {}
    sm.pump_until(function()
      if #first >= 2 then return true end
      local n, list = B.NetworkingMessages.ReceiveMessagesOnChannel(0, 2 - #first)
      assert.truthy(n <= 2 - #first)
      for i = 1, n do first[#first + 1] = list[i].m_pData end
      return #first >= 2
    end, TIMEOUT, A, B)
    assert.same({ "x1", "x2" }, first)
    local rest = receive(B, 0, 3)
    assert.equal(3, #rest)
    assert.equal("x3", rest[1].m_pData)
  end)

  it("keeps channels apart", function()
    accept_all(B)
    A.NetworkingMessages.SendMessageToUser(idB, "on1", 3, 8, 1)
    A.NetworkingMessages.SendMessageToUser(idB, "on2", 3, 8, 2)
    local two = receive(B, 2, 1)
    local one = receive(B, 1, 1)
    assert.equal("on2", two[1] and two[1].m_pData)
    assert.equal("on1", one[1] and one[1].m_pData)
    assert.equal(0, (B.NetworkingMessages.ReceiveMessagesOnChannel(0, 10)))
  end)

  it("the receiver can answer through m_identityPeer", function()
    accept_all(B)
    A.NetworkingMessages.SendMessageToUser(idB, "ping", 4, 8, 0)
    local got = receive(B, 0, 1)
    assert.equal(1, B.NetworkingMessages.SendMessageToUser(got[1].m_identityPeer, "pong", 4, 8, 0))
    local back = receive(A, 0, 1)
    assert.equal("pong", back[1] and back[1].m_pData)
    assert.is_true(back[1].m_identityPeer == idB)
  end)

  it("raises the SessionRequest hook with the sender's identity", function()
    local from
    B.NetworkingMessages.OnSteamNetworkingMessagesSessionRequest = function(d) from = d.m_identityRemote end
    A.NetworkingMessages.SendMessageToUser(idB, "knock", 5, 8, 0)
    assert.is_true(sm.pump_until(function() return from ~= nil end, TIMEOUT, A, B), "no session request")
    assert.is_true(from == idA)
  end)

  it("holds messages until the request is accepted, then delivers them in order", function()
    local requested = false
    B.NetworkingMessages.OnSteamNetworkingMessagesSessionRequest = function() requested = true end
    for i = 1, 3 do A.NetworkingMessages.SendMessageToUser(idB, "held" .. i, 5, 8, 0) end
    assert.is_true(sm.pump_until(function() return requested end, TIMEOUT, A, B), "no session request")
    -- Not accepted: nothing is delivered, however long we look.
    for _ = 1, 20 do
      A.RunCallbacks(); B.RunCallbacks()
      assert.equal(0, (B.NetworkingMessages.ReceiveMessagesOnChannel(0, 10)))
      sm.sleep(0.005)
    end
    assert.is_true(B.NetworkingMessages.AcceptSessionWithUser(idA))
    local got = receive(B, 0, 3)
    assert.equal(3, #got)
    for i = 1, 3 do assert.equal("held" .. i, got[i].m_pData) end
  end)

  it("reaches Connected on both sides", function()
    accept_all(B)
    A.NetworkingMessages.SendMessageToUser(idB, "x", 1, 8, 0)
    receive(B, 0, 1)
    local connected = sm.pump_until(function()
      return A.NetworkingMessages.GetSessionConnectionInfo(idB) == A.k_ESteamNetworkingConnectionState_Connected
        and B.NetworkingMessages.GetSessionConnectionInfo(idA) == B.k_ESteamNetworkingConnectionState_Connected
    end, TIMEOUT, A, B)
    assert.is_true(connected)
    local state, info = A.NetworkingMessages.GetSessionConnectionInfo(idB)
    assert.equal(3, state)
    assert.equal(3, info.m_eState)
    assert.is_true(info.m_identityRemote == idB)
    assert.truthy(info.m_addrRemote:find("^127%.0%.0%.1:%d+$"), info.m_addrRemote)
  end)

  describe("send results", function()
    it("an invalid identity gives k_EResultInvalidParam", function()
      local nobody = A.newSteamNetworkingIdentity()
      assert.equal(A.k_EResultInvalidParam, A.NetworkingMessages.SendMessageToUser(nobody, "x", 1, 8, 0))
    end)

    it("a message over 512 KiB gives k_EResultInvalidParam", function()
      local big = string.rep("x", A.k_cbMaxSteamNetworkingSocketsMessageSizeSend + 1)
      assert.equal(A.k_EResultInvalidParam, A.NetworkingMessages.SendMessageToUser(idB, big, #big, 8, 0))
    end)
  end)

  describe("released messages", function()
    local m
    before_each(function()
      accept_all(B)
      A.NetworkingMessages.SendMessageToUser(idB, "bye", 3, 8, 0)
      m = receive(B, 0, 1)[1]
      assert.is_not_nil(m)
    end)

    it("Release twice is harmless", function()
      assert.has_no.errors(function() m:Release(); m:Release() end)
    end)

    it("reading a field after Release raises 'message already released'", function()
      m:Release()
      local where = sm.here(); local err = sm.error_of(function() return m.m_pData end)
      assert.is_string(err)
      assert.truthy(err:find("message already released", 1, true), err)
      assert.equal(1, err:find(where, 1, true), err)
      err = sm.error_of(function() return m:GetData() end)
      assert.is_string(err)
      assert.truthy(err:find("message already released", 1, true), err)
    end)

    it("a message where an identity is expected is a named argument error", function()
      local err = sm.error_of(function() A.NetworkingMessages.SendMessageToUser(m, "x", 1, 8, 0) end)
      sm.assert_plain_error(err,
        "bad argument #1 to 'SendMessageToUser' (SteamNetworkingIdentity expected, got SteamNetworkingMessage_t)")
    end)
  end)

  -- SendMessageToUser, ReceiveMessagesOnChannel and the message userdata are raw C calls
  -- (src/lua/raw.rs) with the checked path behind them; these pin what the raw paths must keep.
  describe("the per-message fast paths", function()
    it("an identity changed after a send sends the next message to its new peer", function()
      local C = sm.instance(Steam)
      local idC = A.newSteamNetworkingIdentity()
      idC:SetSteamID(C.User.GetSteamID())
      accept_all(B); accept_all(C)
      local peer = A.newSteamNetworkingIdentity()
      peer:SetSteamID(B.User.GetSteamID())
      for i = 1, 3 do assert.equal(1, A.NetworkingMessages.SendMessageToUser(peer, "toB" .. i, 4, 8, 0)) end
      peer:SetSteamID(C.User.GetSteamID())
      assert.equal(1, A.NetworkingMessages.SendMessageToUser(peer, "toC", 3, 8, 0))
      peer:ParseString("steamid:" .. tostring(B.User.GetSteamID()))
      assert.equal(1, A.NetworkingMessages.SendMessageToUser(peer, "toB4", 4, 8, 0))
      local gotB, gotC = {}, {}
      sm.pump_until(function()
        local n, list = B.NetworkingMessages.ReceiveMessagesOnChannel(0, 100)
        for i = 1, n do gotB[#gotB + 1] = list[i].m_pData; list[i]:Release() end
        n, list = C.NetworkingMessages.ReceiveMessagesOnChannel(0, 100)
        for i = 1, n do gotC[#gotC + 1] = list[i].m_pData; list[i]:Release() end
        return #gotB >= 4 and #gotC >= 1
      end, TIMEOUT, A, B, C)
      C.Shutdown()
      assert.same({ "toB1", "toB2", "toB3", "toB4" }, gotB)
      assert.same({ "toC" }, gotC)
    end)

    it("sends and receives from inside a coroutine, as LÖVE runs a game", function()
      accept_all(B)
      local got
      local co = coroutine.wrap(function()
        for i = 1, 5 do assert.equal(1, A.NetworkingMessages.SendMessageToUser(idB, "co" .. i, 3, 8, 0)) end
        local list = {}
        sm.pump_until(function()
          local n, msgs = B.NetworkingMessages.ReceiveMessagesOnChannel(0, 100)
          for i = 1, n do list[#list + 1] = msgs[i]:GetData(); msgs[i]:Release() end
          return #list >= 5
        end, TIMEOUT, A, B)
        got = list
      end)
      co()
      assert.same({ "co1", "co2", "co3", "co4", "co5" }, got)
    end)

    it("every field and method of a received message", function()
      accept_all(B)
      A.NetworkingMessages.SendMessageToUser(idB, "fields", 6, 8, 3)
      local m = receive(B, 3, 1)[1]
      assert.equal("fields", m.m_pData)
      assert.equal("fields", m:GetData())
      assert.equal(6, m.m_cbSize)
      assert.equal(6, m:GetSize())
      assert.equal(3, m.m_nChannel)
      assert.equal(3, m:GetChannel())
      assert.equal(m.m_nMessageNumber, m:GetMessageNumber())
      assert.equal(m.m_usecTimeReceived, m:GetTimeReceived())
      assert.equal(8, m.m_nFlags)
      assert.equal(tostring(idA), tostring(m.m_identityPeer))
      assert.equal(tostring(idA), tostring(m:GetIdentityPeer()))
      assert.is_true(m:GetIdentityPeer() == idA)
      assert.is_nil(m.no_such_field)
      assert.is_nil(m[1])
      m:Release()
    end)

    it("a message method on something else is a bad-self error, and __gc ignores it", function()
      accept_all(B)
      A.NetworkingMessages.SendMessageToUser(idB, "x", 1, 8, 0)
      local m = receive(B, 0, 1)[1]
      local where = sm.here(); local err = sm.error_of(function() local _ = m.GetData(idA) end)
      sm.assert_plain_error(err,
        "calling 'GetData' on bad self (SteamNetworkingMessage_t expected, got SteamNetworkingIdentity)", where)
      err = sm.error_of(function() return m.Release(42) end)
      sm.assert_plain_error(err, "calling 'Release' on bad self (SteamNetworkingMessage_t expected, got number)")
      local mt = debug.getmetatable(m)
      assert.has_no.errors(function() mt.__gc(idA); mt.__gc(nil) end)
      assert.is_false(idA:IsInvalid())
      err = sm.error_of(function() return mt.__index(7, "m_pData") end)
      sm.assert_plain_error(err,
        "bad argument #1 to 'SteamNetworkingMessage_t' (SteamNetworkingMessage_t expected, got number)")
      assert.equal("x", m.m_pData)
      m:Release()
    end)
  end)

  describe("closing", function()
    it("CloseSessionWithUser is true for an open session and false with nothing to close", function()
      accept_all(B)
      A.NetworkingMessages.SendMessageToUser(idB, "x", 1, 8, 0)
      receive(B, 0, 1)
      assert.is_true(B.NetworkingMessages.CloseSessionWithUser(idA))
      assert.is_false(B.NetworkingMessages.CloseSessionWithUser(idA))
      assert.equal(0, (B.NetworkingMessages.GetSessionConnectionInfo(idA)))
    end)

    it("CloseChannelWithUser drops the channel's unread messages", function()
      accept_all(B)
      A.NetworkingMessages.SendMessageToUser(idB, "keep", 4, 8, 1)
      A.NetworkingMessages.SendMessageToUser(idB, "drop", 4, 8, 2)
      -- Wait until both arrived: channel 1's message is read, channel 2's is left unread.
      assert.equal("keep", receive(B, 1, 1)[1].m_pData)
      assert.is_true(sm.pump_until(all_acked, TIMEOUT, A, B), "B never acknowledged everything")
      assert.is_true(B.NetworkingMessages.CloseChannelWithUser(idA, 2))
      assert.equal(0, (B.NetworkingMessages.ReceiveMessagesOnChannel(2, 10)))
    end)
  end)
end)
