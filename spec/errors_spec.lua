-- Programming mistakes raise plain strings worded as luaL_argerror words them, with the caller's
-- position in front (API.md "Errors"). Needs no backend: arguments are checked before the call
-- reaches one.
local sm = require "support.sm"

describe("errors", function()
  local Steam, NM, P
  setup(function()
    Steam = sm.load()
    NM = Steam.NetworkingMessages
    P = Steam.Extra.ParseUint64
  end)

  local function peer()
    local id = Steam.newSteamNetworkingIdentity()
    id:SetSteamID(sm.STEAMID)
    return id
  end

  describe("wording and position", function()
    it("a missing string argument", function()
      local id = peer()
      local where = sm.here(); local err = sm.error_of(function() NM.SendMessageToUser(id, nil, 1, 8, 0) end)
      sm.assert_plain_error(err, "bad argument #2 to 'SendMessageToUser' (string expected, got nil)", where)
      assert.truthy(err:find("^spec/errors_spec%.lua:%d+: bad argument #2 to 'SendMessageToUser' %(string expected, got nil%)$")
        or err:find("errors_spec%.lua:%d+: bad argument #2 to 'SendMessageToUser' %(string expected, got nil%)$"), err)
    end)

    it("works with busted's has_error and the exact message", function()
      local id = peer()
      assert.has_error(function() NM.SendMessageToUser(id, nil, 1, 8, 0) end,
        "bad argument #2 to 'SendMessageToUser' (string expected, got nil)")
    end)

    it("says 'no value' for an argument not passed", function()
      local id = peer()
      local where = sm.here(); local err = sm.error_of(function() NM.SendMessageToUser(id) end)
      sm.assert_plain_error(err, "bad argument #2 to 'SendMessageToUser' (string expected, got no value)", where)
    end)

    it("names the first argument", function()
      local where = sm.here(); local err = sm.error_of(function() NM.AcceptSessionWithUser(nil) end)
      sm.assert_plain_error(err, "bad argument #1 to 'AcceptSessionWithUser' (SteamNetworkingIdentity expected, got nil)", where)
    end)

    it("counts a method's arguments after self", function()
      local id = Steam.newSteamNetworkingIdentity()
      local where = sm.here(); local err = sm.error_of(function() id:SetSteamID({}) end)
      sm.assert_plain_error(err, "bad argument #1 to 'SetSteamID' (uint64 expected, got table)", where)
      where = sm.here(); err = sm.error_of(function() id:SetIPv4Addr(0x7f000001, "port") end)
      sm.assert_plain_error(err, "bad argument #2 to 'SetIPv4Addr' (number expected, got string)", where)
    end)

    it("names a bad self as luaL_argerror does", function()
      local id = Steam.newSteamNetworkingIdentity()
      local where = sm.here(); local err = sm.error_of(function() id.ToString(5) end)
      sm.assert_plain_error(err, "calling 'ToString' on bad self (SteamNetworkingIdentity expected, got number)", where)
    end)

    it("names the wrong userdata: a uint64 where an identity is expected", function()
      local where = sm.here(); local err = sm.error_of(function() NM.SendMessageToUser(P(sm.STEAMID), "x", 1, 8, 0) end)
      sm.assert_plain_error(err, "bad argument #1 to 'SendMessageToUser' (SteamNetworkingIdentity expected, got uint64)", where)
    end)

    it("names the wrong userdata: an identity where a uint64 is expected", function()
      local id, other = Steam.newSteamNetworkingIdentity(), peer()
      local where = sm.here(); local err = sm.error_of(function() id:SetSteamID(other) end)
      sm.assert_plain_error(err, "bad argument #1 to 'SetSteamID' (uint64 expected, got SteamNetworkingIdentity)", where)
    end)

    it("names the wrong userdata as self", function()
      local id = Steam.newSteamNetworkingIdentity()
      local err = sm.error_of(function() id.IsInvalid(P("1")) end)
      sm.assert_plain_error(err, "calling 'IsInvalid' on bad self (SteamNetworkingIdentity expected, got uint64)")
    end)

    it("has no position when called straight from pcall (a C caller)", function()
      local err = sm.error_of(NM.SendMessageToUser, nil)
      sm.assert_plain_error(err, "bad argument #1 to 'SendMessageToUser' (SteamNetworkingIdentity expected, got nil)")
      assert.equal("bad argument #1 to 'SendMessageToUser' (SteamNetworkingIdentity expected, got nil)", err)
    end)

    it("is catchable and matchable with string.find", function()
      local ok, err = pcall(function() Steam.newSteamNetworkingIdentity(5) end)
      assert.is_false(ok)
      assert.equal("string", type(err))
      assert.truthy(err:find("bad argument #1 to 'newSteamNetworkingIdentity' (table expected, got number)", 1, true))
    end)
  end)

  describe("SendMessageToUser's cbData", function()
    local cases = {
      { "larger than the data", 4, "size 4 is larger than the data (3 bytes)" },
      { "negative", -1, "value out of range" },
      { "not an integer", 1.5, "number has no integer representation" },
      { "not a number", "x", "number expected, got string" },
      { "nil", nil, "number expected, got nil" },
    }
    for _, c in ipairs(cases) do
      it("raises when it is " .. c[1], function()
        local id = peer()
        local where = sm.here(); local err = sm.error_of(function() NM.SendMessageToUser(id, "abc", c[2], 8, 0) end)
        sm.assert_plain_error(err, "bad argument #3 to 'SendMessageToUser' (", nil)
        assert.truthy(err:find(c[3], 1, true), err)
        assert.equal(1, err:find(where, 1, true), err)
      end)
    end
  end)

  describe("channels", function()
    for _, ch in ipairs { -1, 2 ^ 31, 2 ^ 40, 0.5 } do
      it("SendMessageToUser raises for channel " .. tostring(ch), function()
        local id = peer()
        local err = sm.error_of(function() NM.SendMessageToUser(id, "abc", 3, 8, ch) end)
        sm.assert_plain_error(err, "bad argument #5 to 'SendMessageToUser' (")
      end)
      it("ReceiveMessagesOnChannel raises for channel " .. tostring(ch), function()
        local err = sm.error_of(function() NM.ReceiveMessagesOnChannel(ch, 10) end)
        sm.assert_plain_error(err, "bad argument #1 to 'ReceiveMessagesOnChannel' (")
      end)
      it("CloseChannelWithUser raises for channel " .. tostring(ch), function()
        local id = peer()
        local err = sm.error_of(function() NM.CloseChannelWithUser(id, ch) end)
        sm.assert_plain_error(err, "bad argument #2 to 'CloseChannelWithUser' (")
      end)
    end
  end)

  describe("maxMessages", function()
    for _, n in ipairs { 0, -1, 2 ^ 31, 2 ^ 40, 1.5 } do
      it("raises for " .. tostring(n), function()
        local err = sm.error_of(function() NM.ReceiveMessagesOnChannel(0, n) end)
        sm.assert_plain_error(err, "bad argument #2 to 'ReceiveMessagesOnChannel' (")
      end)
    end
  end)

  describe("other arguments", function()
    it("flags must be an integer", function()
      local err = sm.error_of(function() NM.SendMessageToUser(peer(), "abc", 3, "reliable", 0) end)
      sm.assert_plain_error(err, "bad argument #4 to 'SendMessageToUser' (number expected, got string)")
    end)

    it("SetGenericBytes len larger than the data", function()
      local id = Steam.newSteamNetworkingIdentity()
      local err = sm.error_of(function() id:SetGenericBytes("ab", 3) end)
      sm.assert_plain_error(err, "bad argument #2 to 'SetGenericBytes' (")
    end)

    it("SetIPv4Addr port out of range", function()
      local id = Steam.newSteamNetworkingIdentity()
      local err = sm.error_of(function() id:SetIPv4Addr(0x7f000001, 70000) end)
      sm.assert_plain_error(err, "bad argument #2 to 'SetIPv4Addr' (")
    end)

    it("ParseString needs a string", function()
      local id = Steam.newSteamNetworkingIdentity()
      local err = sm.error_of(function() id:ParseString(nil) end)
      sm.assert_plain_error(err, "bad argument #1 to 'ParseString' (string expected, got nil)")
    end)

    it("ParseUint64 needs a string or an integer", function()
      local err = sm.error_of(function() P(nil) end)
      sm.assert_plain_error(err, "bad argument #1 to 'ParseUint64' (")
      err = sm.error_of(function() P({}) end)
      sm.assert_plain_error(err, "bad argument #1 to 'ParseUint64' (")
    end)

    it("global callbacks must be functions", function()
      local err = sm.error_of(function() Steam.NetworkingUtils.SetGlobalCallback_MessagesSessionRequest(5) end)
      sm.assert_plain_error(err, "bad argument #1 to 'SetGlobalCallback_MessagesSessionRequest' (function expected, got number)")
      err = sm.error_of(function() Steam.NetworkingUtils.SetGlobalCallback_MessagesSessionFailed("f") end)
      sm.assert_plain_error(err, "bad argument #1 to 'SetGlobalCallback_MessagesSessionFailed' (function expected, got string)")
    end)

    it("a numeric string is a number by Lua's own rules, as luaL_checknumber takes it", function()
      -- Lua reads "0x10" as 16 and " 2 " as 2; "1e" is no number to any Lua.
      local err = sm.error_of(function() NM.ReceiveMessagesOnChannel(0, "0x0") end)
      sm.assert_plain_error(err, "bad argument #2 to 'ReceiveMessagesOnChannel' (value out of range: 0 not in 1..65536)")
      err = sm.error_of(function() NM.ReceiveMessagesOnChannel(0, " -2 ") end)
      sm.assert_plain_error(err, "bad argument #2 to 'ReceiveMessagesOnChannel' (value out of range: -2 not in 1..65536)")
      -- Each Lua by its own rules: LuaJIT reads "inf" and "nan" as numbers, PUC Lua does not.
      local key = Steam.k_ESteamNetworkingConfig_FakePacketLoss_Send
      for _, text in ipairs { "inf", "-inf", "nan", "infinity", "1e", "", " 0x10 " } do
        err = sm.error_of(function() Steam.NetworkingUtils.SetGlobalConfigValueFloat(key, text) end)
        if tonumber(text) == nil then
          sm.assert_plain_error(err, "bad argument #2 to 'SetGlobalConfigValueFloat' (number expected, got string)")
        else
          -- Past the argument checks, so the error is that no backend is live.
          sm.assert_plain_error(err, "Steam is not initialized")
        end
      end
    end)

    it("config setters check their key and value", function()
      local err = sm.error_of(function() Steam.NetworkingUtils.SetGlobalConfigValueInt32("x", 1) end)
      sm.assert_plain_error(err, "bad argument #1 to 'SetGlobalConfigValueInt32' (number expected, got string)")
      err = sm.error_of(function() Steam.NetworkingUtils.SetGlobalConfigValueInt32(11, nil) end)
      sm.assert_plain_error(err, "bad argument #2 to 'SetGlobalConfigValueInt32' (number expected, got nil)")
    end)

    it("NewOfflineInstance takes a table", function()
      local err = sm.error_of(function() Steam.Extra.NewOfflineInstance("x") end)
      sm.assert_plain_error(err, "bad argument #1 to 'NewOfflineInstance' (table expected, got string)")
    end)

    it("SetDebugOutput checks its level and function", function()
      local err = sm.error_of(function() Steam.Extra.SetDebugOutput(99, print) end)
      sm.assert_plain_error(err, "bad argument #1 to 'SetDebugOutput' (")
      err = sm.error_of(function() Steam.Extra.SetDebugOutput(1, 5) end)
      sm.assert_plain_error(err, "bad argument #2 to 'SetDebugOutput' (function expected, got number)")
    end)
  end)

  describe("before Init", function()
    before_each(function()
      -- This file's Steam table (busted insulates package.loaded per file) was never
      -- initialized; Shutdown makes sure of it, and "after Shutdown" is the same case.
      Steam.Shutdown()
      assert.is_nil(Steam.GetBackend())
    end)

    local function assert_not_initialized(err, name)
      sm.assert_plain_error(err, "'" .. name .. "'")
      assert.truthy(err:find("not initialized", 1, true), err)
      assert.truthy(err:find("Steam.Init", 1, true), err)
    end

    it("every call that needs a backend raises and names Init", function()
      local id = peer()
      local calls = {
        SendMessageToUser = function() NM.SendMessageToUser(id, "abc", 3, 8, 0) end,
        ReceiveMessagesOnChannel = function() NM.ReceiveMessagesOnChannel(0, 10) end,
        AcceptSessionWithUser = function() NM.AcceptSessionWithUser(id) end,
        CloseSessionWithUser = function() NM.CloseSessionWithUser(id) end,
        CloseChannelWithUser = function() NM.CloseChannelWithUser(id, 0) end,
        GetSessionConnectionInfo = function() NM.GetSessionConnectionInfo(id) end,
        RunCallbacks = function() Steam.RunCallbacks() end,
        GetSteamID = function() Steam.User.GetSteamID() end,
        GetLocalTimestamp = function() Steam.NetworkingUtils.GetLocalTimestamp() end,
        GetGlobalConfigValue = function() Steam.NetworkingUtils.GetGlobalConfigValue(11) end,
        SetGlobalConfigValueInt32 = function() Steam.NetworkingUtils.SetGlobalConfigValueInt32(11, 1024) end,
      }
      for name, f in pairs(calls) do
        local err = sm.error_of(f)
        assert.is_string(err, name .. " did not raise before Init")
        assert_not_initialized(err, name)
        assert.truthy(err:find("errors_spec.lua:", 1, true), "no caller position in: " .. err)
      end
    end)

    it("the game-server interface names GameServerInit", function()
      local id = peer()
      local err = sm.error_of(function() Steam.GameServerNetworkingMessages.AcceptSessionWithUser(id) end)
      sm.assert_plain_error(err, "not initialized")
      assert.truthy(err:find("GameServerInit", 1, true), err)
      err = sm.error_of(function() Steam.GameServerRunCallbacks() end)
      sm.assert_plain_error(err, "GameServerInit")
      err = sm.error_of(function() Steam.GameServer.GetSteamID() end)
      sm.assert_plain_error(err, "GameServerInit")
    end)

    it("Shutdown and GameServerShutdown are harmless", function()
      assert.has_no.errors(function() Steam.Shutdown(); Steam.Shutdown() end)
      assert.has_no.errors(function() Steam.GameServerShutdown() end)
    end)

    it("argument errors still come first", function()
      local err = sm.error_of(function() NM.SendMessageToUser(peer(), nil, 1, 8, 0) end)
      sm.assert_plain_error(err, "bad argument #2 to 'SendMessageToUser' (string expected, got nil)")
    end)
  end)

  describe("panic guard", function()
    it("turns a Rust panic into a plain 'internal error' string", function()
      local where = sm.here(); local err = sm.error_of(function() Steam.Extra._Test.Panic() end)
      assert.is_string(err)
      assert.truthy(err:find("internal error", 1, true), err)
      assert.truthy(err:find("'Panic'", 1, true), err)
      assert.equal(1, err:find(where, 1, true), err)
      assert.is_nil(err:find("stack traceback", 1, true), err)
    end)

    it("leaves the module working", function()
      for _ = 1, 3 do sm.error_of(Steam.Extra._Test.Panic) end
      assert.equal(sm.STEAMID, tostring(P(sm.STEAMID)))
      local id = peer()
      assert.equal("steamid:" .. sm.STEAMID, id:ToString())
      local err = sm.error_of(function() NM.SendMessageToUser(id, nil, 1, 8, 0) end)
      sm.assert_plain_error(err, "bad argument #2 to 'SendMessageToUser' (string expected, got nil)")
    end)
  end)
end)
