-- opts.key through the Lua API: two offline instances with the same pre-shared key talk; with
-- different keys, or one keyed and one not, no session forms, the initiator's request times out
-- (TimeoutInitial lowered to 1 s to keep this short) and the receiver counts what it refused in
-- Extra.GetStats().datagrams_unauthenticated.
local Steam = require "steam_messages"
local sm = require "support.sm"

local RELIABLE = Steam.k_nSteamNetworkingSend_Reliable

describe("opts.key", function()
  local opened = {}

  local function open(key)
    local inst = sm.instance(Steam, { key = key })
    opened[#opened + 1] = inst
    inst.NetworkingUtils.SetGlobalConfigValueInt32(Steam.k_ESteamNetworkingConfig_TimeoutInitial, 1000)
    return inst
  end

  -- The first message `to` receives on channel 0 (pumping both), or nil after 10 s.
  local function first_message(to, from)
    local got
    sm.pump_until(function()
      local n, msgs = to.NetworkingMessages.ReceiveMessagesOnChannel(0, 10)
      for i = 1, n do
        got = got or msgs[i].m_pData
        msgs[i]:Release()
      end
      return got ~= nil
    end, 10, to, from)
    return got
  end

  after_each(function()
    for _, inst in ipairs(opened) do inst.Shutdown() end
    opened = {}
  end)

  it("lets two instances with the same key exchange messages", function()
    local A, B = open("party-7f3a9c2e"), open("party-7f3a9c2e")
    local idA, idB = sm.identity_of(Steam, A), sm.identity_of(Steam, B)
    B.NetworkingMessages.OnSteamNetworkingMessagesSessionRequest = function(data)
      B.NetworkingMessages.AcceptSessionWithUser(data.m_identityRemote)
    end
    assert.are.equal(Steam.k_EResultOK, A.NetworkingMessages.SendMessageToUser(idB, "hello", 5, RELIABLE, 0))
    assert.are.equal("hello", first_message(B, A))
    assert.are.equal(Steam.k_EResultOK, B.NetworkingMessages.SendMessageToUser(idA, "back", 4, RELIABLE, 0))
    assert.are.equal("back", first_message(A, B))
    assert.are.equal(0, B.Extra.GetStats().datagrams_unauthenticated)
  end)

  -- The initiator's key, then the receiver's: nil is an instance without a key.
  for _, case in ipairs({
    { "different keys", "party-7f3a9c2e", "party-00000000" },
    { "a keyed initiator and an unkeyed receiver", "party-7f3a9c2e", nil },
    { "an unkeyed initiator and a keyed receiver", nil, "party-7f3a9c2e" },
  }) do
    local what, key_a, key_b = case[1], case[2], case[3]
    it("never connects " .. what .. ": the request times out and the receiver counts the datagrams", function()
      local A, B = open(key_a), open(key_b)
      local idB = sm.identity_of(Steam, B)
      local requested, failed = false, nil
      B.NetworkingMessages.OnSteamNetworkingMessagesSessionRequest = function() requested = true end
      A.NetworkingMessages.OnSteamNetworkingMessagesSessionFailed = function(data) failed = data.m_info end
      assert.are.equal(Steam.k_EResultOK, A.NetworkingMessages.SendMessageToUser(idB, "hello", 5, RELIABLE, 0))
      assert.is_true(sm.pump_until(function() return failed ~= nil end, 15, A, B),
        "the initiator's session never failed")
      assert.are.equal(Steam.k_ESteamNetConnectionEnd_Misc_Timeout, failed.m_eEndReason)
      assert.is_false(requested)
      local n = B.NetworkingMessages.ReceiveMessagesOnChannel(0, 10)
      assert.are.equal(0, n)
      local stats = B.Extra.GetStats()
      assert.is_true(stats.datagrams_unauthenticated > 0,
        "datagrams_unauthenticated is " .. tostring(stats.datagrams_unauthenticated))
      assert.are.equal(0, stats.sessions)
      assert.are.equal(0, stats.challenges_sent)
    end)
  end
end)
