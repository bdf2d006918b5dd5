//! The SDK's numeric constants that the Lua API exposes and the backends return.
//! Values are `steamworks-sys`'s (the Steamworks SDK headers); a test checks them against it.

/// `EResult` values a Messages call can return.
pub mod result {
    pub const OK: i32 = 1;
    pub const FAIL: i32 = 2;
    pub const NO_CONNECTION: i32 = 3;
    pub const INVALID_PARAM: i32 = 8;
    pub const INVALID_STATE: i32 = 11;
    pub const INVALID_STEAM_ID: i32 = 19;
    pub const LIMIT_EXCEEDED: i32 = 25;
    pub const CONNECT_FAILED: i32 = 35;
    pub const IGNORED: i32 = 41;
}

/// `k_nSteamNetworkingSend_*` flags.
pub mod send {
    pub const UNRELIABLE: i32 = 0;
    pub const NO_NAGLE: i32 = 1;
    pub const UNRELIABLE_NO_NAGLE: i32 = 1;
    pub const NO_DELAY: i32 = 4;
    pub const UNRELIABLE_NO_DELAY: i32 = 5;
    pub const RELIABLE: i32 = 8;
    pub const RELIABLE_NO_NAGLE: i32 = 9;
    pub const USE_CURRENT_THREAD: i32 = 16;
    pub const AUTO_RESTART_BROKEN_SESSION: i32 = 32;
}

/// `ESteamNetworkingConnectionState`.
pub mod state {
    pub const NONE: i32 = 0;
    pub const CONNECTING: i32 = 1;
    pub const FINDING_ROUTE: i32 = 2;
    pub const CONNECTED: i32 = 3;
    pub const CLOSED_BY_PEER: i32 = 4;
    pub const PROBLEM_DETECTED_LOCALLY: i32 = 5;
    pub const FIN_WAIT: i32 = -1;
    pub const LINGER: i32 = -2;
    pub const DEAD: i32 = -3;
}

/// `ESteamNetConnectionEnd` values.
pub mod end {
    pub const INVALID: i32 = 0;
    pub const APP_MIN: i32 = 1000;
    pub const APP_GENERIC: i32 = 1000;
    pub const APP_MAX: i32 = 1999;
    pub const APP_EXCEPTION_MIN: i32 = 2000;
    pub const APP_EXCEPTION_GENERIC: i32 = 2000;
    pub const APP_EXCEPTION_MAX: i32 = 2999;
    pub const LOCAL_MIN: i32 = 3000;
    pub const LOCAL_OFFLINE_MODE: i32 = 3001;
    pub const LOCAL_MANY_RELAY_CONNECTIVITY: i32 = 3002;
    pub const LOCAL_HOSTED_SERVER_PRIMARY_RELAY: i32 = 3003;
    pub const LOCAL_NETWORK_CONFIG: i32 = 3004;
    pub const LOCAL_RIGHTS: i32 = 3005;
    pub const LOCAL_P2P_ICE_NO_PUBLIC_ADDRESSES: i32 = 3006;
    pub const LOCAL_MAX: i32 = 3999;
    pub const REMOTE_MIN: i32 = 4000;
    pub const REMOTE_TIMEOUT: i32 = 4001;
    pub const REMOTE_BAD_CRYPT: i32 = 4002;
    pub const REMOTE_BAD_CERT: i32 = 4003;
    pub const REMOTE_BAD_PROTOCOL_VERSION: i32 = 4006;
    pub const REMOTE_P2P_ICE_NO_PUBLIC_ADDRESSES: i32 = 4007;
    pub const REMOTE_MAX: i32 = 4999;
    pub const MISC_MIN: i32 = 5000;
    pub const MISC_GENERIC: i32 = 5001;
    pub const MISC_INTERNAL_ERROR: i32 = 5002;
    pub const MISC_TIMEOUT: i32 = 5003;
    pub const MISC_STEAM_CONNECTIVITY: i32 = 5005;
    pub const MISC_NO_RELAY_SESSIONS_TO_CLIENT: i32 = 5006;
    pub const MISC_P2P_RENDEZVOUS: i32 = 5008;
    pub const MISC_P2P_NAT_FIREWALL: i32 = 5009;
    pub const MISC_PEER_SENT_NO_CONNECTION: i32 = 5010;
    pub const MISC_MAX: i32 = 5999;
    /// Messages: the peer called `CloseSessionWithUser` (`k_ESteamNetConnectionEnd_App_Min + 1`).
    pub const SESSION_CLOSED: i32 = APP_MIN + 1;
    /// Messages: the session went unused and was closed quietly (`App_Min + 2`).
    pub const SESSION_IDLE: i32 = APP_MIN + 2;
}

/// `ESteamNetworkingSocketsDebugOutputType`.
pub mod debug_output {
    pub const NONE: i32 = 0;
    pub const BUG: i32 = 1;
    pub const ERROR: i32 = 2;
    pub const IMPORTANT: i32 = 3;
    pub const WARNING: i32 = 4;
    pub const MSG: i32 = 5;
    pub const VERBOSE: i32 = 6;
    pub const DEBUG: i32 = 7;
    pub const EVERYTHING: i32 = 8;
}

/// `ESteamNetworkingAvailability`: what `GetRelayNetworkStatus` reports.
pub mod availability {
    pub const CANNOT_TRY: i32 = -102;
    pub const FAILED: i32 = -101;
    pub const PREVIOUSLY: i32 = -100;
    pub const RETRYING: i32 = -10;
    pub const UNKNOWN: i32 = 0;
    pub const NEVER_TRIED: i32 = 1;
    pub const WAITING: i32 = 2;
    pub const ATTEMPTING: i32 = 3;
    pub const CURRENT: i32 = 100;

    /// Each value by its name after `k_ESteamNetworkingAvailability_`.
    pub const NAMES: &[(&str, i32)] = &[
        ("CannotTry", CANNOT_TRY),
        ("Failed", FAILED),
        ("Previously", PREVIOUSLY),
        ("Retrying", RETRYING),
        ("Unknown", UNKNOWN),
        ("NeverTried", NEVER_TRIED),
        ("Waiting", WAITING),
        ("Attempting", ATTEMPTING),
        ("Current", CURRENT),
    ];
}

/// `k_cbMaxSteamNetworkingSocketsMessageSizeSend`: the largest message a send takes.
pub const MAX_MESSAGE_SIZE_SEND: usize = 512 * 1024;

/// Every constant the `Steam` table carries, by its SDK name.
pub fn lua_constants() -> Vec<(String, i64)> {
    let mut all: Vec<(String, i64)> = [
        ("k_EResultOK", result::OK as i64),
        ("k_EResultFail", result::FAIL as i64),
        ("k_EResultNoConnection", result::NO_CONNECTION as i64),
        ("k_EResultInvalidParam", result::INVALID_PARAM as i64),
        ("k_EResultInvalidState", result::INVALID_STATE as i64),
        ("k_EResultInvalidSteamID", result::INVALID_STEAM_ID as i64),
        ("k_EResultLimitExceeded", result::LIMIT_EXCEEDED as i64),
        ("k_EResultConnectFailed", result::CONNECT_FAILED as i64),
        ("k_EResultIgnored", result::IGNORED as i64),
        ("k_nSteamNetworkingSend_Unreliable", send::UNRELIABLE as i64),
        ("k_nSteamNetworkingSend_NoNagle", send::NO_NAGLE as i64),
        (
            "k_nSteamNetworkingSend_UnreliableNoNagle",
            send::UNRELIABLE_NO_NAGLE as i64,
        ),
        ("k_nSteamNetworkingSend_NoDelay", send::NO_DELAY as i64),
        (
            "k_nSteamNetworkingSend_UnreliableNoDelay",
            send::UNRELIABLE_NO_DELAY as i64,
        ),
        ("k_nSteamNetworkingSend_Reliable", send::RELIABLE as i64),
        (
            "k_nSteamNetworkingSend_ReliableNoNagle",
            send::RELIABLE_NO_NAGLE as i64,
        ),
        (
            "k_nSteamNetworkingSend_UseCurrentThread",
            send::USE_CURRENT_THREAD as i64,
        ),
        (
            "k_nSteamNetworkingSend_AutoRestartBrokenSession",
            send::AUTO_RESTART_BROKEN_SESSION as i64,
        ),
        ("k_ESteamNetworkingConnectionState_None", state::NONE as i64),
        (
            "k_ESteamNetworkingConnectionState_Connecting",
            state::CONNECTING as i64,
        ),
        (
            "k_ESteamNetworkingConnectionState_FindingRoute",
            state::FINDING_ROUTE as i64,
        ),
        (
            "k_ESteamNetworkingConnectionState_Connected",
            state::CONNECTED as i64,
        ),
        (
            "k_ESteamNetworkingConnectionState_ClosedByPeer",
            state::CLOSED_BY_PEER as i64,
        ),
        (
            "k_ESteamNetworkingConnectionState_ProblemDetectedLocally",
            state::PROBLEM_DETECTED_LOCALLY as i64,
        ),
        (
            "k_ESteamNetworkingConnectionState_FinWait",
            state::FIN_WAIT as i64,
        ),
        (
            "k_ESteamNetworkingConnectionState_Linger",
            state::LINGER as i64,
        ),
        ("k_ESteamNetworkingConnectionState_Dead", state::DEAD as i64),
        ("k_ESteamNetConnectionEnd_Invalid", end::INVALID as i64),
        ("k_ESteamNetConnectionEnd_App_Min", end::APP_MIN as i64),
        (
            "k_ESteamNetConnectionEnd_App_Generic",
            end::APP_GENERIC as i64,
        ),
        ("k_ESteamNetConnectionEnd_App_Max", end::APP_MAX as i64),
        (
            "k_ESteamNetConnectionEnd_AppException_Min",
            end::APP_EXCEPTION_MIN as i64,
        ),
        (
            "k_ESteamNetConnectionEnd_AppException_Generic",
            end::APP_EXCEPTION_GENERIC as i64,
        ),
        (
            "k_ESteamNetConnectionEnd_AppException_Max",
            end::APP_EXCEPTION_MAX as i64,
        ),
        ("k_ESteamNetConnectionEnd_Local_Min", end::LOCAL_MIN as i64),
        (
            "k_ESteamNetConnectionEnd_Local_OfflineMode",
            end::LOCAL_OFFLINE_MODE as i64,
        ),
        (
            "k_ESteamNetConnectionEnd_Local_ManyRelayConnectivity",
            end::LOCAL_MANY_RELAY_CONNECTIVITY as i64,
        ),
        (
            "k_ESteamNetConnectionEnd_Local_HostedServerPrimaryRelay",
            end::LOCAL_HOSTED_SERVER_PRIMARY_RELAY as i64,
        ),
        (
            "k_ESteamNetConnectionEnd_Local_NetworkConfig",
            end::LOCAL_NETWORK_CONFIG as i64,
        ),
        (
            "k_ESteamNetConnectionEnd_Local_Rights",
            end::LOCAL_RIGHTS as i64,
        ),
        (
            "k_ESteamNetConnectionEnd_Local_P2P_ICE_NoPublicAddresses",
            end::LOCAL_P2P_ICE_NO_PUBLIC_ADDRESSES as i64,
        ),
        ("k_ESteamNetConnectionEnd_Local_Max", end::LOCAL_MAX as i64),
        (
            "k_ESteamNetConnectionEnd_Remote_Min",
            end::REMOTE_MIN as i64,
        ),
        (
            "k_ESteamNetConnectionEnd_Remote_Timeout",
            end::REMOTE_TIMEOUT as i64,
        ),
        (
            "k_ESteamNetConnectionEnd_Remote_BadCrypt",
            end::REMOTE_BAD_CRYPT as i64,
        ),
        (
            "k_ESteamNetConnectionEnd_Remote_BadCert",
            end::REMOTE_BAD_CERT as i64,
        ),
        (
            "k_ESteamNetConnectionEnd_Remote_BadProtocolVersion",
            end::REMOTE_BAD_PROTOCOL_VERSION as i64,
        ),
        (
            "k_ESteamNetConnectionEnd_Remote_P2P_ICE_NoPublicAddresses",
            end::REMOTE_P2P_ICE_NO_PUBLIC_ADDRESSES as i64,
        ),
        (
            "k_ESteamNetConnectionEnd_Remote_Max",
            end::REMOTE_MAX as i64,
        ),
        ("k_ESteamNetConnectionEnd_Misc_Min", end::MISC_MIN as i64),
        (
            "k_ESteamNetConnectionEnd_Misc_Generic",
            end::MISC_GENERIC as i64,
        ),
        (
            "k_ESteamNetConnectionEnd_Misc_InternalError",
            end::MISC_INTERNAL_ERROR as i64,
        ),
        (
            "k_ESteamNetConnectionEnd_Misc_Timeout",
            end::MISC_TIMEOUT as i64,
        ),
        (
            "k_ESteamNetConnectionEnd_Misc_SteamConnectivity",
            end::MISC_STEAM_CONNECTIVITY as i64,
        ),
        (
            "k_ESteamNetConnectionEnd_Misc_NoRelaySessionsToClient",
            end::MISC_NO_RELAY_SESSIONS_TO_CLIENT as i64,
        ),
        (
            "k_ESteamNetConnectionEnd_Misc_P2P_Rendezvous",
            end::MISC_P2P_RENDEZVOUS as i64,
        ),
        (
            "k_ESteamNetConnectionEnd_Misc_P2P_NAT_Firewall",
            end::MISC_P2P_NAT_FIREWALL as i64,
        ),
        (
            "k_ESteamNetConnectionEnd_Misc_PeerSentNoConnection",
            end::MISC_PEER_SENT_NO_CONNECTION as i64,
        ),
        ("k_ESteamNetConnectionEnd_Misc_Max", end::MISC_MAX as i64),
        (
            "k_ESteamNetworkingIdentityType_Invalid",
            crate::identity::kind::INVALID as i64,
        ),
        (
            "k_ESteamNetworkingIdentityType_SteamID",
            crate::identity::kind::STEAM_ID as i64,
        ),
        (
            "k_ESteamNetworkingIdentityType_IPAddress",
            crate::identity::kind::IP_ADDRESS as i64,
        ),
        (
            "k_ESteamNetworkingIdentityType_GenericString",
            crate::identity::kind::GENERIC_STRING as i64,
        ),
        (
            "k_ESteamNetworkingIdentityType_GenericBytes",
            crate::identity::kind::GENERIC_BYTES as i64,
        ),
        (
            "k_ESteamNetworkingSocketsDebugOutputType_None",
            debug_output::NONE as i64,
        ),
        (
            "k_ESteamNetworkingSocketsDebugOutputType_Bug",
            debug_output::BUG as i64,
        ),
        (
            "k_ESteamNetworkingSocketsDebugOutputType_Error",
            debug_output::ERROR as i64,
        ),
        (
            "k_ESteamNetworkingSocketsDebugOutputType_Important",
            debug_output::IMPORTANT as i64,
        ),
        (
            "k_ESteamNetworkingSocketsDebugOutputType_Warning",
            debug_output::WARNING as i64,
        ),
        (
            "k_ESteamNetworkingSocketsDebugOutputType_Msg",
            debug_output::MSG as i64,
        ),
        (
            "k_ESteamNetworkingSocketsDebugOutputType_Verbose",
            debug_output::VERBOSE as i64,
        ),
        (
            "k_ESteamNetworkingSocketsDebugOutputType_Debug",
            debug_output::DEBUG as i64,
        ),
        (
            "k_ESteamNetworkingSocketsDebugOutputType_Everything",
            debug_output::EVERYTHING as i64,
        ),
        (
            "k_cbMaxSteamNetworkingSocketsMessageSizeSend",
            MAX_MESSAGE_SIZE_SEND as i64,
        ),
    ]
    .iter()
    .map(|(n, v)| (n.to_string(), *v))
    .collect();
    all.extend(
        availability::NAMES
            .iter()
            .map(|(n, v)| (format!("k_ESteamNetworkingAvailability_{n}"), *v as i64)),
    );
    all.extend(crate::config::lua_constants());
    all
}
