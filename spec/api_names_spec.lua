-- Every name /work/shared/API.md lists is present with the right type, and the constants carry
-- the Steamworks SDK's numbers (steamworks-sys' bindings). Needs no backend.
local sm = require "support.sm"

describe("API names", function()
  local Steam
  setup(function() Steam = sm.load() end)

  local function check_functions(t, where, names)
    assert.is_table(t, where .. " is not a table")
    for _, name in ipairs(names) do
      assert.is_function(t[name], where .. "." .. name .. " is not a function")
    end
  end

  it("require returns the Steam table", function()
    assert.is_table(Steam)
    assert.equal(Steam, require "steam_messages")
  end)

  it("has the lifecycle functions", function()
    check_functions(Steam, "Steam", {
      "Init", "Shutdown", "RunCallbacks", "GameServerInit", "GameServerShutdown",
      "GameServerRunCallbacks", "GetBackend", "newSteamNetworkingIdentity",
    })
  end)

  it("has User.GetSteamID and GameServer.GetSteamID", function()
    check_functions(Steam.User, "Steam.User", { "GetSteamID" })
    check_functions(Steam.GameServer, "Steam.GameServer", { "GetSteamID" })
  end)

  it("has Steam.Extra", function()
    check_functions(Steam.Extra, "Steam.Extra", { "ParseUint64", "NewOfflineInstance", "SetDebugOutput" })
  end)

  it("has the test hooks in this (test-hooks) build", function()
    check_functions(Steam.Extra._Test, "Steam.Extra._Test",
      { "InjectSessionRequest", "InjectSessionFailed", "Panic" })
  end)

  it("gives identities every luasteam method", function()
    local id = Steam.newSteamNetworkingIdentity()
    assert.equal("userdata", type(id))
    for _, name in ipairs {
      "Clear", "IsInvalid", "SetSteamID", "GetSteamID", "SetSteamID64", "GetSteamID64",
      "SetIPv4Addr", "GetIPv4", "SetLocalHost", "IsLocalHost", "SetGenericString",
      "GetGenericString", "SetGenericBytes", "ToString", "ParseString",
    } do
      assert.is_function(id[name], "identity:" .. name .. " is not a function")
    end
  end)

  local six = {
    "SendMessageToUser", "ReceiveMessagesOnChannel", "AcceptSessionWithUser",
    "CloseSessionWithUser", "CloseChannelWithUser", "GetSessionConnectionInfo",
  }

  it("has NetworkingMessages with the six functions", function()
    check_functions(Steam.NetworkingMessages, "Steam.NetworkingMessages", six)
  end)

  it("has GameServerNetworkingMessages with the six functions", function()
    check_functions(Steam.GameServerNetworkingMessages, "Steam.GameServerNetworkingMessages", six)
  end)

  it("has the _SteamAPI aliases", function()
    check_functions(Steam.NetworkingMessages_SteamAPI, "Steam.NetworkingMessages_SteamAPI", six)
    check_functions(Steam.GameServerNetworkingMessages_SteamAPI,
      "Steam.GameServerNetworkingMessages_SteamAPI", six)
    assert.equal(Steam.NetworkingMessages, Steam.NetworkingMessages_SteamAPI)
    assert.equal(Steam.GameServerNetworkingMessages, Steam.GameServerNetworkingMessages_SteamAPI)
    assert.are_not.equal(Steam.NetworkingMessages, Steam.GameServerNetworkingMessages)
  end)

  it("has NetworkingUtils", function()
    check_functions(Steam.NetworkingUtils, "Steam.NetworkingUtils", {
      "SetGlobalConfigValueInt32", "SetGlobalConfigValueFloat", "SetGlobalConfigValueString",
      "GetConfigValueInfo", "GetGlobalConfigValue",
      "SetGlobalCallback_MessagesSessionRequest", "SetGlobalCallback_MessagesSessionFailed",
      "SetDebugOutputFunction", "InitRelayNetworkAccess", "GetRelayNetworkStatus",
      "GetLocalTimestamp",
    })
  end)

  describe("constants", function()
    local function check(values)
      for name, value in pairs(values) do
        assert.equal(value, Steam[name], "Steam." .. name)
        assert.equal("number", type(Steam[name]), "Steam." .. name)
      end
    end

    it("send flags", function()
      check {
        k_nSteamNetworkingSend_Unreliable = 0,
        k_nSteamNetworkingSend_NoNagle = 1,
        k_nSteamNetworkingSend_UnreliableNoNagle = 1,
        k_nSteamNetworkingSend_NoDelay = 4,
        k_nSteamNetworkingSend_UnreliableNoDelay = 5,
        k_nSteamNetworkingSend_Reliable = 8,
        k_nSteamNetworkingSend_ReliableNoNagle = 9,
        k_nSteamNetworkingSend_UseCurrentThread = 16,
        k_nSteamNetworkingSend_AutoRestartBrokenSession = 32,
      }
    end)

    it("EResult values", function()
      check {
        k_EResultOK = 1,
        k_EResultNoConnection = 3,
        k_EResultInvalidParam = 8,
        k_EResultInvalidSteamID = 19,
        k_EResultLimitExceeded = 25,
        k_EResultIgnored = 41,
      }
    end)

    it("connection states", function()
      check {
        k_ESteamNetworkingConnectionState_None = 0,
        k_ESteamNetworkingConnectionState_Connecting = 1,
        k_ESteamNetworkingConnectionState_FindingRoute = 2,
        k_ESteamNetworkingConnectionState_Connected = 3,
        k_ESteamNetworkingConnectionState_ClosedByPeer = 4,
        k_ESteamNetworkingConnectionState_ProblemDetectedLocally = 5,
        k_ESteamNetworkingConnectionState_FinWait = -1,
        k_ESteamNetworkingConnectionState_Linger = -2,
        k_ESteamNetworkingConnectionState_Dead = -3,
      }
    end)

    it("end reasons", function()
      check {
        k_ESteamNetConnectionEnd_Invalid = 0,
        k_ESteamNetConnectionEnd_App_Min = 1000,
        k_ESteamNetConnectionEnd_App_Generic = 1000,
        k_ESteamNetConnectionEnd_App_Max = 1999,
        k_ESteamNetConnectionEnd_AppException_Min = 2000,
        k_ESteamNetConnectionEnd_Local_Min = 3000,
        k_ESteamNetConnectionEnd_Remote_Min = 4000,
        k_ESteamNetConnectionEnd_Remote_Timeout = 4001,
        k_ESteamNetConnectionEnd_Misc_Min = 5000,
        k_ESteamNetConnectionEnd_Misc_Generic = 5001,
        k_ESteamNetConnectionEnd_Misc_InternalError = 5002,
        k_ESteamNetConnectionEnd_Misc_Timeout = 5003,
        k_ESteamNetConnectionEnd_Misc_PeerSentNoConnection = 5010,
      }
    end)

    it("identity types", function()
      check {
        k_ESteamNetworkingIdentityType_Invalid = 0,
        k_ESteamNetworkingIdentityType_SteamID = 16,
        k_ESteamNetworkingIdentityType_IPAddress = 1,
        k_ESteamNetworkingIdentityType_GenericString = 2,
        k_ESteamNetworkingIdentityType_GenericBytes = 3,
      }
    end)

    it("configuration values", function()
      check {
        k_ESteamNetworkingConfig_FakePacketLoss_Send = 2,
        k_ESteamNetworkingConfig_FakePacketLoss_Recv = 3,
        k_ESteamNetworkingConfig_FakePacketLag_Send = 4,
        k_ESteamNetworkingConfig_FakePacketReorder_Send = 6,
        k_ESteamNetworkingConfig_SendBufferSize = 9,
        k_ESteamNetworkingConfig_SendRateMin = 10,
        k_ESteamNetworkingConfig_SendRateMax = 11,
        k_ESteamNetworkingConfig_NagleTime = 12,
        k_ESteamNetworkingConfig_TimeoutInitial = 24,
        k_ESteamNetworkingConfig_TimeoutConnected = 25,
        k_ESteamNetworkingConfig_FakePacketDup_Send = 26,
        k_ESteamNetworkingConfig_MTU_PacketSize = 32,
        k_ESteamNetworkingConfig_RecvBufferSize = 47,
        k_ESteamNetworkingConfig_RecvBufferMessages = 48,
        k_ESteamNetworkingConfig_RecvMaxMessageSize = 49,
      }
    end)

    it("debug output levels", function()
      check {
        k_ESteamNetworkingSocketsDebugOutputType_None = 0,
        k_ESteamNetworkingSocketsDebugOutputType_Bug = 1,
        k_ESteamNetworkingSocketsDebugOutputType_Msg = 5,
        k_ESteamNetworkingSocketsDebugOutputType_Everything = 8,
      }
    end)

    it("the largest message a send takes", function()
      check { k_cbMaxSteamNetworkingSocketsMessageSizeSend = 512 * 1024 }
    end)
  end)

  it("GetConfigValueInfo names a configuration value without a backend", function()
    local name = Steam.NetworkingUtils.GetConfigValueInfo(Steam.k_ESteamNetworkingConfig_SendRateMax)
    assert.equal("SendRateMax", name)
  end)
end)
