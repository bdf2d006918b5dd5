-- Steam.Init and the lifecycle with no Steam client (API.md "Lifecycle"). The offline cases
-- need the offline backend (loopback only).
local sm = require "support.sm"

describe("Init", function()
  local Steam
  setup(function() Steam = sm.load() end)
  after_each(function()
    Steam.Shutdown()
    Steam.GameServerShutdown()
  end)

  describe("with no Steam client", function()
    -- These cases are about the default backend, Steam. With STEAM_MESSAGES_BACKEND set they do
    -- not apply; with a Steam client running Init may succeed.
    local env_backend = os.getenv("STEAM_MESSAGES_BACKEND")
    local function needs_default()
      if env_backend and env_backend:match("%S") then
        pending("STEAM_MESSAGES_BACKEND is set (" .. env_backend .. ")")
        return false
      end
      return true
    end

    it("Init() returns false and a string naming the cause, quickly", function()
      if not needs_default() then return end
      local t0 = sm.now()
      local ok, reason = Steam.Init()
      local elapsed = sm.now() - t0
      if ok then
        pending("a Steam client is running: Init() succeeded")
        return
      end
      assert.is_false(ok)
      assert.is_string(reason)
      assert.truthy(#reason > 10, reason)
      assert.truthy(reason:find("Steam", 1, true), reason)
      assert.truthy(elapsed < sm.UNDER_A_SECOND, "Init took " .. elapsed .. " s")
    end)

    it("Init{backend='steam'} fails the same way", function()
      local ok, reason = Steam.Init { backend = "steam" }
      if ok then
        pending("a Steam client is running")
        return
      end
      assert.is_false(ok)
      assert.is_string(reason)
    end)

    it("GetBackend() is nil after a failed Init", function()
      if not needs_default() then return end
      local ok = Steam.Init()
      if ok then pending("a Steam client is running") return end
      assert.is_nil(Steam.GetBackend())
    end)

    it("every call that needs Init raises after a failed Init", function()
      if not needs_default() then return end
      local ok = Steam.Init()
      if ok then pending("a Steam client is running") return end
      local id = Steam.newSteamNetworkingIdentity()
      id:SetSteamID(sm.STEAMID)
      local NM = Steam.NetworkingMessages
      for name, f in pairs {
        SendMessageToUser = function() NM.SendMessageToUser(id, "x", 1, 8, 0) end,
        ReceiveMessagesOnChannel = function() NM.ReceiveMessagesOnChannel(0, 1) end,
        AcceptSessionWithUser = function() NM.AcceptSessionWithUser(id) end,
        CloseSessionWithUser = function() NM.CloseSessionWithUser(id) end,
        CloseChannelWithUser = function() NM.CloseChannelWithUser(id, 0) end,
        GetSessionConnectionInfo = function() NM.GetSessionConnectionInfo(id) end,
        RunCallbacks = function() Steam.RunCallbacks() end,
        GetSteamID = function() Steam.User.GetSteamID() end,
        GetLocalTimestamp = function() Steam.NetworkingUtils.GetLocalTimestamp() end,
      } do
        local err = sm.error_of(f)
        assert.is_string(err, name .. " did not raise")
        assert.truthy(err:find("not initialized", 1, true), err)
      end
    end)

    it("GameServerInit returns false and a reason, quickly", function()
      if not needs_default() then return end
      local t0 = sm.now()
      local ok, reason = Steam.GameServerInit(0, 27015, 27016, 1, "1.0.0.0")
      local elapsed = sm.now() - t0
      if ok then pending("a Steam client is running") return end
      assert.is_false(ok)
      assert.is_string(reason)
      -- Steam itself was asked (a valid mode), and said no: the reason names the SDK call.
      assert.truthy(reason:find("SteamGameServer_Init", 1, true), reason)
      assert.truthy(elapsed < sm.UNDER_A_SECOND, "GameServerInit took " .. elapsed .. " s")
    end)
  end)

  describe("options", function()
    local function init_error(...)
      local args = { ... }
      local n = select("#", ...)
      local unpack = table.unpack or unpack
      return sm.error_of(function() Steam.Init(unpack(args, 1, n)) end)
    end

    it("an unknown backend raises an argument error", function()
      local err = init_error { backend = "bogus" }
      sm.assert_plain_error(err, "bad argument #1 to 'Init' (")
      assert.truthy(err:find("backend", 1, true), err)
      assert.truthy(err:find("init_spec.lua:", 1, true), err)
    end)

    it("a port that is not a number raises", function()
      local err = init_error { port = "x" }
      sm.assert_plain_error(err, "bad argument #1 to 'Init' (")
      assert.truthy(err:find("port", 1, true), err)
    end)

    it("a port out of range raises", function()
      sm.assert_plain_error(init_error { port = 70000 }, "bad argument #1 to 'Init' (")
      sm.assert_plain_error(init_error { port = -1 }, "bad argument #1 to 'Init' (")
    end)

    it("opts that are not a table raise", function()
      sm.assert_plain_error(init_error("offline"), "bad argument #1 to 'Init' (table expected, got string)")
    end)

    it("an invalid steamid raises", function()
      sm.assert_plain_error(init_error { backend = "offline", steamid = "0" }, "bad argument #1 to 'Init' (")
      sm.assert_plain_error(init_error { backend = "offline", steamid = 2 ^ 60 }, "bad argument #1 to 'Init' (")
      sm.assert_plain_error(init_error { backend = "offline", steamid = {} }, "bad argument #1 to 'Init' (")
    end)

    it("a bad bind, peers or netsim raises", function()
      sm.assert_plain_error(init_error { backend = "offline", bind = "nowhere" }, "bad argument #1 to 'Init' (")
      sm.assert_plain_error(init_error { backend = "offline", peers = "127.0.0.1:1" }, "bad argument #1 to 'Init' (")
      sm.assert_plain_error(init_error { backend = "offline", netsim = { bogus = 1 } }, "bad argument #1 to 'Init' (")
      sm.assert_plain_error(init_error { backend = "offline", netsim = { loss = "lots" } }, "bad argument #1 to 'Init' (")
    end)

    it("a failed option check leaves nothing live", function()
      init_error { backend = "bogus" }
      assert.is_nil(Steam.GetBackend())
    end)

    it("GameServerInit checks its arguments", function()
      local err = sm.error_of(function() Steam.GameServerInit("not an ip", 27015, 27016, 1, "1.0") end)
      sm.assert_plain_error(err, "bad argument #1 to 'GameServerInit' (")
      err = sm.error_of(function() Steam.GameServerInit(0, 70000, 27016, 1, "1.0") end)
      sm.assert_plain_error(err, "bad argument #2 to 'GameServerInit' (")
      for _, mode in ipairs { 0, 4, 7, -1 } do
        err = sm.error_of(function() Steam.GameServerInit(0, 27015, 27016, mode, "1.0") end)
        sm.assert_plain_error(err, "bad argument #4 to 'GameServerInit' (value out of range: " .. mode .. " not in 1..3)")
      end
      err = sm.error_of(function() Steam.GameServerInit(0, 27015, 27016, 1, nil) end)
      sm.assert_plain_error(err, "bad argument #5 to 'GameServerInit' (string expected, got nil)")
    end)
  end)

  describe("offline backend", function()
    local opts, mine, other
    before_each(function()
      mine, other = sm.random_steamid(), sm.random_steamid()
      opts = { backend = "offline", steamid = mine, bind = "127.0.0.1" }
    end)

    it("Init{backend='offline'} goes live with the given SteamID", function()
      local ok, reason = Steam.Init(opts)
      assert.is_true(ok, reason)
      assert.is_nil(reason)
      assert.equal("offline", Steam.GetBackend())
      assert.equal(mine, tostring(Steam.User.GetSteamID()))
    end)

    it("a second Init while live returns true and changes nothing", function()
      assert.is_true((Steam.Init(opts)))
      assert.is_true((Steam.Init { backend = "offline", steamid = other }))
      assert.equal(mine, tostring(Steam.User.GetSteamID()))
      assert.equal("offline", Steam.GetBackend())
    end)

    it("Shutdown ends it; calls raise again; Init works again", function()
      assert.is_true((Steam.Init(opts)))
      Steam.Shutdown()
      assert.is_nil(Steam.GetBackend())
      local err = sm.error_of(function() Steam.User.GetSteamID() end)
      assert.is_string(err)
      assert.truthy(err:find("not initialized", 1, true), err)
      assert.is_true((Steam.Init(opts)))
      assert.equal("offline", Steam.GetBackend())
    end)

    it("with no steamid picks a valid one, stable while live", function()
      assert.is_true((Steam.Init { backend = "offline", bind = "127.0.0.1" }))
      local a = Steam.User.GetSteamID()
      local id = Steam.newSteamNetworkingIdentity()
      assert.has_no.errors(function() id:SetSteamID(a) end)
      assert.is_true(a == Steam.User.GetSteamID())
    end)

    it("a live backend answers the calls that needed Init", function()
      assert.is_true((Steam.Init(opts)))
      local NM = Steam.NetworkingMessages
      local n, list = NM.ReceiveMessagesOnChannel(0, 10)
      assert.equal(0, n)
      assert.same({}, list)
      local peer = Steam.newSteamNetworkingIdentity()
      peer:SetSteamID(sm.STEAMID2)
      local state, info, status = NM.GetSessionConnectionInfo(peer)
      assert.equal(Steam.k_ESteamNetworkingConnectionState_None, state)
      assert.is_table(info)
      assert.is_table(status)
      assert.is_false(NM.CloseSessionWithUser(peer))
      assert.is_false(NM.CloseChannelWithUser(peer, 0))
      assert.has_no.errors(function() Steam.RunCallbacks() end)
      assert.is_number(Steam.NetworkingUtils.GetLocalTimestamp())
    end)
  end)
end)
