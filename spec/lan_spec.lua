-- Finding a peer by SteamID among the LAN peers a game lists (opts.peers), with the per-user
-- directory switched off (opts.directory = false) so only the LAN lookup can place it.
-- Everything stays on loopback: the "LAN" is 127.0.0.1.
local Steam = require "steam_messages"
local sm = require "support.sm"

-- A free loopback port: try a few random ones (a port in use makes the instance return nil).
local function instance_on_free_port(opts)
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
  for _ = 1, 20 do
    local port = math.random(20000, 60000)
    opts.port = port
    local inst = Steam.Extra.NewOfflineInstance(opts)
    if inst then return inst, port end
  end
  error("no free loopback port found")
end

describe("LAN peers", function()
  it("are asked for a SteamID the directory cannot place", function()
    local B, portB = instance_on_free_port { directory = false }
    local A = sm.instance(Steam, { directory = false, peers = { "127.0.0.1:" .. portB } })
    B.NetworkingMessages.OnSteamNetworkingMessagesSessionRequest = function(data)
      B.NetworkingMessages.AcceptSessionWithUser(data.m_identityRemote)
    end
    local idB = sm.identity_of(Steam, B)
    assert.are.equal(Steam.k_EResultOK,
      A.NetworkingMessages.SendMessageToUser(idB, "over the lan", 12, Steam.k_nSteamNetworkingSend_Reliable, 0))
    assert.are.equal("over the lan", sm.receive_data(B.NetworkingMessages, 0, 10, A, B))
    local _, info = A.NetworkingMessages.GetSessionConnectionInfo(idB)
    assert.are.equal("127.0.0.1:" .. portB, info.m_addrRemote)
    A.Shutdown(); B.Shutdown()
  end)

  it("an ip: identity reaches a peer by its address alone, which sees the caller by SteamID", function()
    local B, portB = instance_on_free_port { directory = false }
    local A = sm.instance(Steam, { directory = false })
    local requested
    B.NetworkingMessages.OnSteamNetworkingMessagesSessionRequest = function(data)
      requested = tostring(data.m_identityRemote)
      B.NetworkingMessages.AcceptSessionWithUser(data.m_identityRemote)
    end
    local to = Steam.newSteamNetworkingIdentity()
    assert.is_true(to:ParseString("ip:127.0.0.1:" .. portB))
    for i = 1, 3 do
      local text = "by address " .. i
      assert.are.equal(Steam.k_EResultOK,
        A.NetworkingMessages.SendMessageToUser(to, text, #text, Steam.k_nSteamNetworkingSend_Reliable, 1))
    end
    local got, from = {}, nil
    assert.is_true(sm.pump_until(function()
      local n, msgs = B.NetworkingMessages.ReceiveMessagesOnChannel(1, 8)
      for i = 1, n do
        got[#got + 1] = msgs[i].m_pData
        from = msgs[i].m_identityPeer
        msgs[i]:Release()
      end
      return #got == 3
    end, 10, A, B))
    assert.are.same({ "by address 1", "by address 2", "by address 3" }, got)
    local a_id = "steamid:" .. tostring(A.User.GetSteamID())
    assert.are.equal(a_id, requested)
    assert.are.equal(a_id, tostring(from))
    -- B answers the SteamID it saw; A's session by address carries the answer back.
    assert.are.equal(Steam.k_EResultOK,
      B.NetworkingMessages.SendMessageToUser(from, "back", 4, Steam.k_nSteamNetworkingSend_Reliable, 1))
    assert.are.equal("back", sm.receive_data(A.NetworkingMessages, 1, 10, A, B))
    A.Shutdown(); B.Shutdown()
  end)

  it("leave an unlisted, undiscoverable peer to fail at the connect timeout", function()
    local B = sm.instance(Steam, { directory = false })
    local A = sm.instance(Steam, { directory = false })
    A.NetworkingUtils.SetGlobalConfigValueInt32(Steam.k_ESteamNetworkingConfig_TimeoutInitial, 500)
    local failed
    A.NetworkingMessages.OnSteamNetworkingMessagesSessionFailed = function(data) failed = data.m_info end
    A.NetworkingMessages.SendMessageToUser(sm.identity_of(Steam, B), "x", 1, Steam.k_nSteamNetworkingSend_Reliable, 0)
    assert.is_true(sm.pump_until(function() return failed ~= nil end, 10, A, B))
    assert.are.equal(Steam.k_ESteamNetConnectionEnd_Misc_Timeout, failed.m_eEndReason)
    A.Shutdown(); B.Shutdown()
  end)

  it("reject options of the wrong type", function()
    assert.truthy(sm.error_of(Steam.Extra.NewOfflineInstance, { directory = "no" }):find("opts.directory", 1, true))
    assert.truthy(sm.error_of(Steam.Extra.NewOfflineInstance, { peers = { 5 } }):find("opts.peers", 1, true))
    assert.truthy(sm.error_of(Steam.Extra.NewOfflineInstance, { peers = { "nohost" } }):find("opts.peers", 1, true))
  end)
end)
