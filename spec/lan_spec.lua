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
    local got
    B.NetworkingMessages.OnSteamNetworkingMessagesSessionRequest = function(data)
      B.NetworkingMessages.AcceptSessionWithUser(data.m_identityRemote)
    end
    local idB = sm.identity_of(Steam, B)
    assert.are.equal(Steam.k_EResultOK,
      A.NetworkingMessages.SendMessageToUser(idB, "over the lan", 12, Steam.k_nSteamNetworkingSend_Reliable, 0))
    assert.is_true(sm.pump_until(function()
      local n, msgs = B.NetworkingMessages.ReceiveMessagesOnChannel(0, 4)
      if n > 0 then got = msgs[1].m_pData; msgs[1]:Release() end
      return got ~= nil
    end, 10, A, B))
    assert.are.equal("over the lan", got)
    local _, info = A.NetworkingMessages.GetSessionConnectionInfo(idB)
    assert.are.equal("127.0.0.1:" .. portB, info.m_addrRemote)
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
