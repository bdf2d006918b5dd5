-- Steam.GameServerInit on the offline backend: a game-server identity with its own interface
-- (Steam.GameServerNetworkingMessages), callbacks from GameServerRunCallbacks.
local Steam = require "steam_messages"
local sm = require "support.sm"

describe("an offline game server", function()
  after_each(function() Steam.GameServerShutdown() end)

  it("has a game-server SteamID and talks to a client instance", function()
    local ok, why = Steam.GameServerInit("127.0.0.1", 0, 0, 1, "1.0.0", { backend = "offline" })
    assert.is_true(ok, why)
    assert.are.equal(true, (Steam.GameServerInit("127.0.0.1", 0, 0, 1, "1.0.0", { backend = "offline" })))
    local sid = Steam.GameServer.GetSteamID()
    local server_id = Steam.newSteamNetworkingIdentity()
    server_id:SetSteamID(sid)
    assert.is_false(server_id:IsInvalid())
    -- Universe 1, account type 3 (game server), instance 0: 85568392920039424 + account id.
    assert.truthy(tostring(sid):find("^855683%d%d%d%d%d%d%d%d%d%d%d$"), tostring(sid))

    local GS = Steam.GameServerNetworkingMessages
    assert.are.equal(GS, Steam.GameServerNetworkingMessages_SteamAPI)
    local requests = {}
    GS.OnSteamNetworkingMessagesSessionRequest = function(data)
      requests[#requests + 1] = data.m_identityRemote:ToString()
      GS.AcceptSessionWithUser(data.m_identityRemote)
    end
    local client = sm.instance(Steam)
    local send = client.NetworkingMessages.SendMessageToUser
    assert.are.equal(Steam.k_EResultOK, send(server_id, "join", 4, Steam.k_nSteamNetworkingSend_Reliable, 0))
    local server = { RunCallbacks = Steam.GameServerRunCallbacks }
    assert.are.equal("join", sm.receive_data(GS, 0, 10, client, server))
    assert.are.same({ sm.identity_of(Steam, client):ToString() }, requests)
    client.Shutdown()
  end)

  it("is separate from the client interface: Steam.Init is not needed and not implied", function()
    assert.is_true((Steam.GameServerInit(0, 0, 0, 1, "1.0.0", { backend = "offline" })))
    local err = sm.error_of(Steam.User.GetSteamID)
    assert.is_string(err)
    assert.truthy(err:find("not initialized", 1, true))
    assert.is_nil(Steam.GetBackend())
  end)

  it("checks its arguments", function()
    assert.truthy(sm.error_of(Steam.GameServerInit, "not an ip", 0, 0, 1, "v"):find("bad argument #1 to 'GameServerInit'", 1, true))
    assert.truthy(sm.error_of(Steam.GameServerInit, 0, 70000, 0, 1, "v"):find("bad argument #2 to 'GameServerInit'", 1, true))
    assert.truthy(sm.error_of(Steam.GameServerInit, 0, 0, 0, 1, nil):find("bad argument #5 to 'GameServerInit'", 1, true))
  end)
end)
