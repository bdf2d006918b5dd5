---@meta steam_messages
-- LuaLS (lua-language-server) annotations for `require "steam_messages"`: every function, userdata,
-- field and constant of the module, with the types the contract (luasteam's Steam.NetworkingMessages
-- plus this module's Steam.Extra) gives them. Point your editor at this directory, e.g. in
-- .luarc.json: { "workspace.library": ["<path>/types"], "runtime.version": "LuaJIT" }.
-- The rock installs it in its rock directory: `luarocks show --rock-dir steam-messages`/types.
--
-- It is also plain Lua that builds stubs of the module's shape: spec/annotations_spec.lua loads it
-- and compares it name by name with the real module, so an unannotated name fails a test.

---An exact unsigned 64-bit integer (a SteamID), as luasteam has it. `==`, `<`, `<=`, `..` and
---`tostring` (exact decimal) work; anywhere a uint64 is taken, a decimal string is taken too, and a
---Lua number if it is an exact integer below 2^53.
---@class uint64: userdata
---@operator concat(any): string

---Something that names a SteamID: a uint64, a decimal string, or an exact integer below 2^53.
---@alias steam_messages.SteamIDLike uint64|string|integer

---A peer's identity (SteamNetworkingIdentity). `tostring(identity)` is `identity:ToString()`;
---`==` compares identities. Setters given the wrong type raise an error naming the argument.
---@class SteamNetworkingIdentity: userdata
local SteamNetworkingIdentity = {}
---Makes the identity invalid.
function SteamNetworkingIdentity:Clear() end
---@return boolean
function SteamNetworkingIdentity:IsInvalid() end
---Sets a SteamID; one that is not a valid individual or game-server SteamID makes the identity invalid.
---@param steamID steam_messages.SteamIDLike
function SteamNetworkingIdentity:SetSteamID(steamID) end
---@return uint64 steamID 0 when the identity is not a SteamID
function SteamNetworkingIdentity:GetSteamID() end
---Same as `SetSteamID`.
---@param steamID steam_messages.SteamIDLike
function SteamNetworkingIdentity:SetSteamID64(steamID) end
---Same as `GetSteamID`.
---@return uint64
function SteamNetworkingIdentity:GetSteamID64() end
---@param ip integer IPv4 address as a host-order integer (0x01020304 is 1.2.3.4)
---@param port integer
function SteamNetworkingIdentity:SetIPv4Addr(ip, port) end
---@return integer ip host-order IPv4 address, 0 when the identity is not an IPv4 address
function SteamNetworkingIdentity:GetIPv4() end
---Sets the identity to localhost, as the SDK does.
function SteamNetworkingIdentity:SetLocalHost() end
---@return boolean
function SteamNetworkingIdentity:IsLocalHost() end
---@param s string
---@return boolean ok false when the string is too long
function SteamNetworkingIdentity:SetGenericString(s) end
---@return string? s nil when the identity is not a generic string
function SteamNetworkingIdentity:GetGenericString() end
---@param data string
---@param len integer bytes of `data` to use
---@return boolean ok
function SteamNetworkingIdentity:SetGenericBytes(data, len) end
---@return string? bytes nil when the identity is not generic bytes
function SteamNetworkingIdentity:GetGenericBytes() end
---The SDK's text form: `steamid:<decimal>`, `ip:<addr>:<port>`, `str:<string>`, `gen:<hex>`, `invalid`.
---@return string
function SteamNetworkingIdentity:ToString() end
---Parses the `ToString` forms.
---@param s string
---@return boolean ok
function SteamNetworkingIdentity:ParseString(s) end
---@return integer type k_ESteamNetworkingIdentityType_*
function SteamNetworkingIdentity:GetType() end

---A received message (SteamNetworkingMessage_t). Release it when done (`__gc` releases one you
---forgot); reading a field after `Release` raises "message already released".
---@class SteamNetworkingMessage_t: userdata
---@field m_pData string the payload
---@field m_cbSize integer payload size in bytes
---@field m_identityPeer SteamNetworkingIdentity who sent it
---@field m_nChannel integer the channel it was sent on
---@field m_nMessageNumber integer per-session sequence number
---@field m_usecTimeReceived integer local timestamp (microseconds) when it arrived
---@field m_nFlags integer the k_nSteamNetworkingSend_* flags it was sent with
---@field m_conn integer connection handle (0 for Messages sessions)
---@field m_nUserData integer
---@field m_nConnUserData integer
---@field m_idxLane integer
local SteamNetworkingMessage_t = {}
---Frees the message; a second call is harmless.
function SteamNetworkingMessage_t:Release() end
---@return string
function SteamNetworkingMessage_t:GetData() end
---@return integer
function SteamNetworkingMessage_t:GetSize() end
---@return integer
function SteamNetworkingMessage_t:GetChannel() end
---@return integer
function SteamNetworkingMessage_t:GetMessageNumber() end
---@return integer usec
function SteamNetworkingMessage_t:GetTimeReceived() end
---@return SteamNetworkingIdentity
function SteamNetworkingMessage_t:GetIdentityPeer() end

---`info` of GetSessionConnectionInfo and of SessionFailed (SteamNetConnectionInfo_t).
---@class SteamNetConnectionInfo_t
---@field m_identityRemote SteamNetworkingIdentity
---@field m_nUserData integer
---@field m_hListenSocket integer
---@field m_addrRemote string `"ip:port"`, empty when unknown
---@field m_idPOPRemote integer
---@field m_idPOPRelay integer
---@field m_eState integer k_ESteamNetworkingConnectionState_*
---@field m_eEndReason integer k_ESteamNetConnectionEnd_* (1001 closed, 1002 idle)
---@field m_szEndDebug string why it ended, in words
---@field m_szConnectionDescription string
---@field m_nFlags integer

---The details GetRelayNetworkStatus returns (offline: everything Current).
---@class SteamRelayNetworkStatus_t
---@field m_eAvail integer k_ESteamNetworkingAvailability_*
---@field m_bPingMeasurementInProgress integer nonzero while pings to relays are measured
---@field m_eAvailNetworkConfig integer k_ESteamNetworkingAvailability_*
---@field m_eAvailAnyRelay integer k_ESteamNetworkingAvailability_*
---@field m_debugMsg string

---`status` of GetSessionConnectionInfo (SteamNetConnectionRealTimeStatus_t).
---@class SteamNetConnectionRealTimeStatus_t
---@field m_eState integer k_ESteamNetworkingConnectionState_*
---@field m_nPing integer round-trip time, ms
---@field m_flConnectionQualityLocal number 0..1 (-1 until measured)
---@field m_flConnectionQualityRemote number 0..1 (-1 until measured)
---@field m_flOutPacketsPerSec number
---@field m_flOutBytesPerSec number
---@field m_flInPacketsPerSec number
---@field m_flInBytesPerSec number
---@field m_nSendRateBytesPerSecond integer
---@field m_cbPendingUnreliable integer
---@field m_cbPendingReliable integer
---@field m_cbSentUnackedReliable integer
---@field m_usecQueueTime integer
---@field m_usecMaxJitter integer

---The argument of OnSteamNetworkingMessagesSessionRequest.
---@class SteamNetworkingMessagesSessionRequest_t
---@field m_identityRemote SteamNetworkingIdentity who wants to talk

---The argument of OnSteamNetworkingMessagesSessionFailed.
---@class SteamNetworkingMessagesSessionFailed_t
---@field m_info SteamNetConnectionInfo_t the session as it ended

---`Steam.Init(opts)`, `GameServerInit(..., opts)` and `Extra.NewOfflineInstance(opts)`; all optional.
---@class steam_messages.InitOptions
---@field backend? "steam"|"offline"|"auto" default: env STEAM_MESSAGES_BACKEND, else "steam"
---@field steamid? steam_messages.SteamIDLike offline: the local SteamID (env STEAM_MESSAGES_STEAMID; default random)
---@field appid? integer
---@field port? integer offline UDP port, 0 = any (env STEAM_MESSAGES_PORT)
---@field bind? string address to listen on, default "127.0.0.1"; LAN play needs "0.0.0.0"
---@field peers? string[] LAN peers as "host:port", asked for a SteamID the directory cannot place (env STEAM_MESSAGES_PEERS, comma-separated)
---@field netsim? steam_messages.NetSim fake network conditions (offline)
---@field key? string offline: a pre-shared key; every datagram is authenticated and encrypted with it (env STEAM_MESSAGES_KEY)
---@field directory? boolean offline: false turns off the per-user peer directory (only `peers` and `ip:` identities find peers)

---The offline endpoint's counters (Steam.Extra.GetStats); an empty table on Steam.
---@class steam_messages.Stats
---@field datagrams_received integer
---@field datagrams_sent integer
---@field datagrams_dropped integer
---@field datagrams_unauthenticated integer datagrams that failed the `key` check
---@field datagrams_oversized integer datagrams longer than any an endpoint sends (1584 bytes)
---@field datagrams_held_back integer
---@field messages_dropped integer
---@field fragments_dropped integer unreliable fragments refused: reassembly memory or entries at their limit
---@field reassemblies_expired integer unreliable messages whose other fragments never came
---@field challenges_sent integer
---@field handshakes_refused integer
---@field sessions_refused integer
---@field requests_refused integer
---@field sessions_refused_per_address integer session starts refused: one address (ip and port) holds max_sessions_per_address
---@field requests_refused_per_address integer session requests refused: one address has max_pending_requests_per_address unanswered
---@field events_dropped integer
---@field sessions integer current sessions
---@field pending_requests integer current unanswered session requests
---@field queued_messages integer received messages waiting to be read
---@field queued_bytes integer
---@field reassembly_bytes integer
---@field max_sessions integer
---@field max_pending_requests integer
---@field max_sessions_per_address integer
---@field max_pending_requests_per_address integer
---@field max_queued_messages integer
---@field max_queued_bytes integer
---@field max_reassembly_bytes integer

---Send-side network simulation; any `FakePacket*` / `FakeRateLimit_*` config name is taken too.
---@class steam_messages.NetSim
---@field loss? number percent of packets lost
---@field duplicate? number percent duplicated
---@field reorder? number percent reordered
---@field latency? number ms added
---@field jitter? number ms of average jitter, on every datagram (sets FakePacketJitter_Send_Avg, _Pct = 100, _Max = 10x)
---@field [string] number

---Steam.NetworkingMessages / Steam.GameServerNetworkingMessages (ISteamNetworkingMessages).
---@class steam_messages.NetworkingMessages
---Called from RunCallbacks when a peer opens a session with you; accept with AcceptSessionWithUser
---(now or later), decline with CloseSessionWithUser; ignoring it declines it after ~10 s.
---@field OnSteamNetworkingMessagesSessionRequest? fun(data: SteamNetworkingMessagesSessionRequest_t)
---Called from RunCallbacks when a session fails that never connected or had data in flight.
---@field OnSteamNetworkingMessagesSessionFailed? fun(data: SteamNetworkingMessagesSessionFailed_t)
local NetworkingMessages = {}
---Sends `data` (its first `cbData` bytes); opens the session and implicitly accepts it.
---@param identity SteamNetworkingIdentity
---@param data string
---@param cbData integer bytes of `data` to send, at most #data
---@param flags integer k_nSteamNetworkingSend_*
---@param channel integer 0..2^31-1
---@return integer result k_EResult*: OK, InvalidParam, NoConnection, LimitExceeded, Ignored, InvalidSteamID
function NetworkingMessages.SendMessageToUser(identity, data, cbData, flags, channel) end
---Up to `maxMessages` messages in arrival order; release each one.
---@param channel integer
---@param maxMessages integer 1..65536
---@return integer count
---@return SteamNetworkingMessage_t[] messages
function NetworkingMessages.ReceiveMessagesOnChannel(channel, maxMessages) end
---@param identity SteamNetworkingIdentity
---@return boolean ok
function NetworkingMessages.AcceptSessionWithUser(identity) end
---Ends the session (declines a pending request); drops queued and unread messages.
---@param identity SteamNetworkingIdentity
---@return boolean ok false when there was nothing to close
function NetworkingMessages.CloseSessionWithUser(identity) end
---@param identity SteamNetworkingIdentity
---@param channel integer
---@return boolean ok false when the channel was not open
function NetworkingMessages.CloseChannelWithUser(identity, channel) end
---@param identity SteamNetworkingIdentity
---@return integer state k_ESteamNetworkingConnectionState_* (0: no session)
---@return SteamNetConnectionInfo_t info
---@return SteamNetConnectionRealTimeStatus_t status
function NetworkingMessages.GetSessionConnectionInfo(identity) end

---Steam.NetworkingUtils (ISteamNetworkingUtils): configuration and diagnostics.
---@class steam_messages.NetworkingUtils
local NetworkingUtils = {}
---@param eValue integer k_ESteamNetworkingConfig_*
---@param val integer
---@return boolean ok
function NetworkingUtils.SetGlobalConfigValueInt32(eValue, val) end
---@param eValue integer k_ESteamNetworkingConfig_*
---@param val number
---@return boolean ok
function NetworkingUtils.SetGlobalConfigValueFloat(eValue, val) end
---@param eValue integer k_ESteamNetworkingConfig_*
---@param val string
---@return boolean ok
function NetworkingUtils.SetGlobalConfigValueString(eValue, val) end
---@param eValue integer k_ESteamNetworkingConfig_*
---@return string? name nil for an unknown value
---@return integer? dataType k_ESteamNetworkingConfig_Int32/Int64/Float/String/Ptr
---@return integer? scope k_ESteamNetworkingConfig_Global/SocketsInterface/ListenSocket/Connection
function NetworkingUtils.GetConfigValueInfo(eValue) end
---Ours: the current global value.
---@param eValue integer k_ESteamNetworkingConfig_*
---@return integer|number|string|nil value
function NetworkingUtils.GetGlobalConfigValue(eValue) end
---Called from RunCallbacks in addition to the On* hook.
---@param fn? fun(data: SteamNetworkingMessagesSessionRequest_t)
---@return boolean ok
function NetworkingUtils.SetGlobalCallback_MessagesSessionRequest(fn) end
---Called from RunCallbacks in addition to the On* hook.
---@param fn? fun(data: SteamNetworkingMessagesSessionFailed_t)
---@return boolean ok
function NetworkingUtils.SetGlobalCallback_MessagesSessionFailed(fn) end
---Same as Steam.Extra.SetDebugOutput.
---@param level integer k_ESteamNetworkingSocketsDebugOutputType_*
---@param fn? fun(level: integer, text: string)
function NetworkingUtils.SetDebugOutputFunction(level, fn) end
function NetworkingUtils.InitRelayNetworkAccess() end
---@return integer availability a k_ESteamNetworkingAvailability_* value (offline always Current, 100)
---@return SteamRelayNetworkStatus_t details
function NetworkingUtils.GetRelayNetworkStatus() end
---@return integer usec local timestamp, microseconds
function NetworkingUtils.GetLocalTimestamp() end

---@class steam_messages.User
local User = {}
---@return uint64 steamID the logged-in user (offline: opts.steamid, else a random valid ID)
function User.GetSteamID() end

---@class steam_messages.GameServer
local GameServer = {}
---@return uint64 steamID the game server's SteamID
function GameServer.GetSteamID() end

---Ours: what luasteam does not have.
---@class steam_messages.Extra
local Extra = {}
---@param s string|integer
---@return uint64 value 0 when `s` is not a valid decimal 64-bit integer
function Extra.ParseUint64(s) end
---A `Steam`-shaped table with its own offline backend, SteamID and socket (for tests and tools).
---@param opts? steam_messages.InitOptions
---@return steam_messages.Instance? instance nil when its socket cannot be opened
---@return string? reason
function Extra.NewOfflineInstance(opts) end
---Process-wide: `fn(level, text)` is called from the next RunCallbacks of any backend with what it
---saw and did (requests, accepts, declines, drops and why, timeouts, closes). nil turns it off.
---@param level integer k_ESteamNetworkingSocketsDebugOutputType_*
---@param fn? fun(level: integer, text: string)
function Extra.SetDebugOutput(level, fn) end

---The endpoint's counters and levels (the global backend's; an instance's own in its Extra).
---@return steam_messages.Stats stats
function Extra.GetStats() end

---The `Extra` of an offline instance.
---@class steam_messages.InstanceExtra
local InstanceExtra = {}
InstanceExtra.ParseUint64 = Extra.ParseUint64
InstanceExtra.SetDebugOutput = Extra.SetDebugOutput
InstanceExtra.GetStats = Extra.GetStats

---The SDK constants, with the SDK numbers; every one is on the Steam table and on each offline instance.
---@class steam_messages.Constants
local Constants = {}

-- Send flags for SendMessageToUser (combine with +).
Constants.k_nSteamNetworkingSend_Unreliable = 0
Constants.k_nSteamNetworkingSend_NoNagle = 1
Constants.k_nSteamNetworkingSend_UnreliableNoNagle = 1
Constants.k_nSteamNetworkingSend_NoDelay = 4
Constants.k_nSteamNetworkingSend_UnreliableNoDelay = 5
Constants.k_nSteamNetworkingSend_Reliable = 8
Constants.k_nSteamNetworkingSend_ReliableNoNagle = 9
Constants.k_nSteamNetworkingSend_UseCurrentThread = 16
Constants.k_nSteamNetworkingSend_AutoRestartBrokenSession = 32

-- EResult values returned by SendMessageToUser.
Constants.k_EResultOK = 1
Constants.k_EResultFail = 2
Constants.k_EResultNoConnection = 3
Constants.k_EResultInvalidParam = 8
Constants.k_EResultInvalidState = 11
Constants.k_EResultInvalidSteamID = 19
Constants.k_EResultLimitExceeded = 25
Constants.k_EResultConnectFailed = 35
Constants.k_EResultIgnored = 41

-- Session states (GetSessionConnectionInfo, m_eState); FinWait, Linger and Dead are internal.
Constants.k_ESteamNetworkingConnectionState_Dead = -3
Constants.k_ESteamNetworkingConnectionState_Linger = -2
Constants.k_ESteamNetworkingConnectionState_FinWait = -1
Constants.k_ESteamNetworkingConnectionState_None = 0
Constants.k_ESteamNetworkingConnectionState_Connecting = 1
Constants.k_ESteamNetworkingConnectionState_FindingRoute = 2
Constants.k_ESteamNetworkingConnectionState_Connected = 3
Constants.k_ESteamNetworkingConnectionState_ClosedByPeer = 4
Constants.k_ESteamNetworkingConnectionState_ProblemDetectedLocally = 5

-- End reasons (m_eEndReason); a closed session ends with App_Min + 1 (1001), an idle one with App_Min + 2.
Constants.k_ESteamNetConnectionEnd_Invalid = 0
Constants.k_ESteamNetConnectionEnd_App_Generic = 1000
Constants.k_ESteamNetConnectionEnd_App_Min = 1000
Constants.k_ESteamNetConnectionEnd_App_Max = 1999
Constants.k_ESteamNetConnectionEnd_AppException_Generic = 2000
Constants.k_ESteamNetConnectionEnd_AppException_Min = 2000
Constants.k_ESteamNetConnectionEnd_AppException_Max = 2999
Constants.k_ESteamNetConnectionEnd_Local_Min = 3000
Constants.k_ESteamNetConnectionEnd_Local_OfflineMode = 3001
Constants.k_ESteamNetConnectionEnd_Local_ManyRelayConnectivity = 3002
Constants.k_ESteamNetConnectionEnd_Local_HostedServerPrimaryRelay = 3003
Constants.k_ESteamNetConnectionEnd_Local_NetworkConfig = 3004
Constants.k_ESteamNetConnectionEnd_Local_Rights = 3005
Constants.k_ESteamNetConnectionEnd_Local_P2P_ICE_NoPublicAddresses = 3006
Constants.k_ESteamNetConnectionEnd_Local_Max = 3999
Constants.k_ESteamNetConnectionEnd_Remote_Min = 4000
Constants.k_ESteamNetConnectionEnd_Remote_Timeout = 4001
Constants.k_ESteamNetConnectionEnd_Remote_BadCrypt = 4002
Constants.k_ESteamNetConnectionEnd_Remote_BadCert = 4003
Constants.k_ESteamNetConnectionEnd_Remote_BadProtocolVersion = 4006
Constants.k_ESteamNetConnectionEnd_Remote_P2P_ICE_NoPublicAddresses = 4007
Constants.k_ESteamNetConnectionEnd_Remote_Max = 4999
Constants.k_ESteamNetConnectionEnd_Misc_Min = 5000
Constants.k_ESteamNetConnectionEnd_Misc_Generic = 5001
Constants.k_ESteamNetConnectionEnd_Misc_InternalError = 5002
Constants.k_ESteamNetConnectionEnd_Misc_Timeout = 5003
Constants.k_ESteamNetConnectionEnd_Misc_SteamConnectivity = 5005
Constants.k_ESteamNetConnectionEnd_Misc_NoRelaySessionsToClient = 5006
Constants.k_ESteamNetConnectionEnd_Misc_P2P_Rendezvous = 5008
Constants.k_ESteamNetConnectionEnd_Misc_P2P_NAT_Firewall = 5009
Constants.k_ESteamNetConnectionEnd_Misc_PeerSentNoConnection = 5010
Constants.k_ESteamNetConnectionEnd_Misc_Max = 5999

-- Identity types (SteamNetworkingIdentity:GetType()).
Constants.k_ESteamNetworkingIdentityType_Invalid = 0
Constants.k_ESteamNetworkingIdentityType_IPAddress = 1
Constants.k_ESteamNetworkingIdentityType_GenericString = 2
Constants.k_ESteamNetworkingIdentityType_GenericBytes = 3
Constants.k_ESteamNetworkingIdentityType_SteamID = 16

-- Debug output levels (Extra.SetDebugOutput, NetworkingUtils.SetDebugOutputFunction).
Constants.k_ESteamNetworkingSocketsDebugOutputType_None = 0
Constants.k_ESteamNetworkingSocketsDebugOutputType_Bug = 1
Constants.k_ESteamNetworkingSocketsDebugOutputType_Error = 2
Constants.k_ESteamNetworkingSocketsDebugOutputType_Important = 3
Constants.k_ESteamNetworkingSocketsDebugOutputType_Warning = 4
Constants.k_ESteamNetworkingSocketsDebugOutputType_Msg = 5
Constants.k_ESteamNetworkingSocketsDebugOutputType_Verbose = 6
Constants.k_ESteamNetworkingSocketsDebugOutputType_Debug = 7
Constants.k_ESteamNetworkingSocketsDebugOutputType_Everything = 8

-- Relay network availability (NetworkingUtils.GetRelayNetworkStatus).
Constants.k_ESteamNetworkingAvailability_CannotTry = -102
Constants.k_ESteamNetworkingAvailability_Failed = -101
Constants.k_ESteamNetworkingAvailability_Previously = -100
Constants.k_ESteamNetworkingAvailability_Retrying = -10
Constants.k_ESteamNetworkingAvailability_Unknown = 0
Constants.k_ESteamNetworkingAvailability_NeverTried = 1
Constants.k_ESteamNetworkingAvailability_Waiting = 2
Constants.k_ESteamNetworkingAvailability_Attempting = 3
Constants.k_ESteamNetworkingAvailability_Current = 100

-- Configuration values, data types and scopes (NetworkingUtils).
Constants.k_ESteamNetworkingConfig_Invalid = 0
Constants.k_ESteamNetworkingConfig_Global = 1
Constants.k_ESteamNetworkingConfig_Int32 = 1
Constants.k_ESteamNetworkingConfig_FakePacketLoss_Send = 2
Constants.k_ESteamNetworkingConfig_Int64 = 2
Constants.k_ESteamNetworkingConfig_SocketsInterface = 2
Constants.k_ESteamNetworkingConfig_FakePacketLoss_Recv = 3
Constants.k_ESteamNetworkingConfig_Float = 3
Constants.k_ESteamNetworkingConfig_ListenSocket = 3
Constants.k_ESteamNetworkingConfig_Connection = 4
Constants.k_ESteamNetworkingConfig_FakePacketLag_Send = 4
Constants.k_ESteamNetworkingConfig_String = 4
Constants.k_ESteamNetworkingConfig_FakePacketLag_Recv = 5
Constants.k_ESteamNetworkingConfig_Ptr = 5
Constants.k_ESteamNetworkingConfig_FakePacketReorder_Send = 6
Constants.k_ESteamNetworkingConfig_FakePacketReorder_Recv = 7
Constants.k_ESteamNetworkingConfig_FakePacketReorder_Time = 8
Constants.k_ESteamNetworkingConfig_SendBufferSize = 9
Constants.k_ESteamNetworkingConfig_SendRateMin = 10
Constants.k_ESteamNetworkingConfig_SendRateMax = 11
Constants.k_ESteamNetworkingConfig_NagleTime = 12
Constants.k_ESteamNetworkingConfig_IP_AllowWithoutAuth = 23
Constants.k_ESteamNetworkingConfig_TimeoutInitial = 24
Constants.k_ESteamNetworkingConfig_TimeoutConnected = 25
Constants.k_ESteamNetworkingConfig_FakePacketDup_Send = 26
Constants.k_ESteamNetworkingConfig_FakePacketDup_Recv = 27
Constants.k_ESteamNetworkingConfig_FakePacketDup_TimeMax = 28
Constants.k_ESteamNetworkingConfig_MTU_PacketSize = 32
Constants.k_ESteamNetworkingConfig_MTU_DataSize = 33
Constants.k_ESteamNetworkingConfig_Unencrypted = 34
Constants.k_ESteamNetworkingConfig_SymmetricConnect = 37
Constants.k_ESteamNetworkingConfig_LocalVirtualPort = 38
Constants.k_ESteamNetworkingConfig_ConnectionUserData = 40
Constants.k_ESteamNetworkingConfig_FakeRateLimit_Send_Rate = 42
Constants.k_ESteamNetworkingConfig_FakeRateLimit_Send_Burst = 43
Constants.k_ESteamNetworkingConfig_FakeRateLimit_Recv_Rate = 44
Constants.k_ESteamNetworkingConfig_FakeRateLimit_Recv_Burst = 45
Constants.k_ESteamNetworkingConfig_RecvBufferSize = 47
Constants.k_ESteamNetworkingConfig_RecvBufferMessages = 48
Constants.k_ESteamNetworkingConfig_RecvMaxMessageSize = 49
Constants.k_ESteamNetworkingConfig_RecvMaxSegmentsPerPacket = 50
Constants.k_ESteamNetworkingConfig_FakePacketJitter_Send_Avg = 53
Constants.k_ESteamNetworkingConfig_FakePacketJitter_Send_Max = 54
Constants.k_ESteamNetworkingConfig_FakePacketJitter_Send_Pct = 55
Constants.k_ESteamNetworkingConfig_FakePacketJitter_Recv_Avg = 56
Constants.k_ESteamNetworkingConfig_FakePacketJitter_Recv_Max = 57
Constants.k_ESteamNetworkingConfig_FakePacketJitter_Recv_Pct = 58
Constants.k_ESteamNetworkingConfig_Callback_MessagesSessionRequest = 204
Constants.k_ESteamNetworkingConfig_Callback_MessagesSessionFailed = 205

-- Sizes.
Constants.k_cbMaxSteamNetworkingSocketsMessageSizeSend = 524288

---A table shaped like `Steam`, bound to its own offline backend (Steam.Extra.NewOfflineInstance).
---It is live from creation until its Shutdown; there is no Init.
---@class steam_messages.Instance: steam_messages.Constants
local Instance = {}
Instance.NetworkingMessages = NetworkingMessages
Instance.NetworkingMessages_SteamAPI = NetworkingMessages
Instance.NetworkingUtils = NetworkingUtils
Instance.NetworkingUtils_SteamAPI = NetworkingUtils
Instance.User = User
Instance.Extra = InstanceExtra
---Dispatches this instance's queued callbacks to its On* hooks.
function Instance.RunCallbacks() end
---Closes every session of this instance and frees its socket.
function Instance.Shutdown() end
---@return "offline"|nil backend nil after Shutdown
function Instance.GetBackend() end
---@param t? table ignored (luasteam takes one)
---@return SteamNetworkingIdentity identity an invalid identity
function Instance.newSteamNetworkingIdentity(t) end

---The table `require "steam_messages"` returns.
---@class steam_messages.Steam: steam_messages.Constants
local Steam = {}
---The crate version.
Steam._VERSION = "0.1.0"
Steam.NetworkingMessages = NetworkingMessages
---Same table as NetworkingMessages.
Steam.NetworkingMessages_SteamAPI = NetworkingMessages
Steam.NetworkingUtils = NetworkingUtils
---Same table as NetworkingUtils.
Steam.NetworkingUtils_SteamAPI = NetworkingUtils
---The game server's interface (after GameServerInit): the same functions, its own table and hooks.
Steam.GameServerNetworkingMessages = NetworkingMessages
---Same table as GameServerNetworkingMessages.
Steam.GameServerNetworkingMessages_SteamAPI = NetworkingMessages
---The game server's NetworkingUtils.
Steam.GameServerNetworkingUtils = NetworkingUtils
Steam.User = User
Steam.GameServer = GameServer
Steam.Extra = Extra

---Starts the backend: Steam (a running Steam client), or offline. A second Init while live returns true.
---@param opts? steam_messages.InitOptions
---@return boolean ok
---@return string? reason why it failed (no Steam client, no steam_appid.txt, ...)
function Steam.Init(opts) end
---Closes every session (peers see ClosedByPeer) and frees sockets and threads; Init may follow.
function Steam.Shutdown() end
---Dispatches queued callbacks to the On* hooks, on the caller's thread; call it every frame.
function Steam.RunCallbacks() end
---@param ip integer|string IPv4 address (host-order integer or dotted string)
---@param gamePort integer offline: the UDP port
---@param queryPort integer
---@param serverMode integer
---@param version string
---@param opts? steam_messages.InitOptions
---@return boolean ok
---@return string? reason
function Steam.GameServerInit(ip, gamePort, queryPort, serverMode, version, opts) end
function Steam.GameServerShutdown() end
function Steam.GameServerRunCallbacks() end
---Ours: which backend is live.
---@return "steam"|"offline"|nil
function Steam.GetBackend() end
---@param t? table ignored (luasteam takes one)
---@return SteamNetworkingIdentity identity an invalid identity
function Steam.newSteamNetworkingIdentity(t) end

-- The stubs of every interface, for spec/annotations_spec.lua (editors use the first value).
return Steam, {
  Constants = Constants,
  Instance = Instance,
  SteamNetworkingIdentity = SteamNetworkingIdentity,
  SteamNetworkingMessage_t = SteamNetworkingMessage_t,
}
