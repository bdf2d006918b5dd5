//! `src/constants.rs` (and the identity kinds) against `steamworks-sys`, which carries the
//! Steamworks SDK headers' values: the Lua API promises the SDK's numbers.

use crate::constants::{
    availability, debug_output, end, result, send, state, MAX_MESSAGE_SIZE_SEND,
};
use crate::identity::{kind, MAX_GENERIC_BYTES, MAX_GENERIC_STRING};
use steamworks::sys;

#[test]
fn results_are_the_sdks() {
    use sys::EResult as E;
    let pairs = [
        (result::OK, E::k_EResultOK),
        (result::FAIL, E::k_EResultFail),
        (result::NO_CONNECTION, E::k_EResultNoConnection),
        (result::INVALID_PARAM, E::k_EResultInvalidParam),
        (result::INVALID_STATE, E::k_EResultInvalidState),
        (result::INVALID_STEAM_ID, E::k_EResultInvalidSteamID),
        (result::LIMIT_EXCEEDED, E::k_EResultLimitExceeded),
        (result::CONNECT_FAILED, E::k_EResultConnectFailed),
        (result::IGNORED, E::k_EResultIgnored),
    ];
    for (ours, sdk) in pairs {
        assert_eq!(ours, sdk as i32, "{sdk:?}");
    }
}

#[test]
fn send_flags_are_the_sdks() {
    let pairs = [
        (send::UNRELIABLE, sys::k_nSteamNetworkingSend_Unreliable),
        (send::NO_NAGLE, sys::k_nSteamNetworkingSend_NoNagle),
        (
            send::UNRELIABLE_NO_NAGLE,
            sys::k_nSteamNetworkingSend_UnreliableNoNagle,
        ),
        (send::NO_DELAY, sys::k_nSteamNetworkingSend_NoDelay),
        (
            send::UNRELIABLE_NO_DELAY,
            sys::k_nSteamNetworkingSend_UnreliableNoDelay,
        ),
        (send::RELIABLE, sys::k_nSteamNetworkingSend_Reliable),
        (
            send::RELIABLE_NO_NAGLE,
            sys::k_nSteamNetworkingSend_ReliableNoNagle,
        ),
        (
            send::USE_CURRENT_THREAD,
            sys::k_nSteamNetworkingSend_UseCurrentThread,
        ),
        (
            send::AUTO_RESTART_BROKEN_SESSION,
            sys::k_nSteamNetworkingSend_AutoRestartBrokenSession,
        ),
    ];
    for (i, (ours, sdk)) in pairs.into_iter().enumerate() {
        assert_eq!(ours, sdk, "send flag #{i}");
    }
    assert_eq!(
        MAX_MESSAGE_SIZE_SEND as i32,
        sys::k_cbMaxSteamNetworkingSocketsMessageSizeSend
    );
}

#[test]
fn connection_states_are_the_sdks() {
    use sys::ESteamNetworkingConnectionState as S;
    let pairs = [
        (state::NONE, S::k_ESteamNetworkingConnectionState_None),
        (
            state::CONNECTING,
            S::k_ESteamNetworkingConnectionState_Connecting,
        ),
        (
            state::FINDING_ROUTE,
            S::k_ESteamNetworkingConnectionState_FindingRoute,
        ),
        (
            state::CONNECTED,
            S::k_ESteamNetworkingConnectionState_Connected,
        ),
        (
            state::CLOSED_BY_PEER,
            S::k_ESteamNetworkingConnectionState_ClosedByPeer,
        ),
        (
            state::PROBLEM_DETECTED_LOCALLY,
            S::k_ESteamNetworkingConnectionState_ProblemDetectedLocally,
        ),
        (
            state::FIN_WAIT,
            S::k_ESteamNetworkingConnectionState_FinWait,
        ),
        (state::LINGER, S::k_ESteamNetworkingConnectionState_Linger),
        (state::DEAD, S::k_ESteamNetworkingConnectionState_Dead),
    ];
    for (ours, sdk) in pairs {
        assert_eq!(ours, sdk as i32, "{sdk:?}");
    }
}

#[test]
fn end_reasons_are_the_sdks() {
    use sys::ESteamNetConnectionEnd as E;
    let pairs = [
        (end::INVALID, E::k_ESteamNetConnectionEnd_Invalid),
        (end::APP_MIN, E::k_ESteamNetConnectionEnd_App_Min),
        (end::APP_GENERIC, E::k_ESteamNetConnectionEnd_App_Generic),
        (end::APP_MAX, E::k_ESteamNetConnectionEnd_App_Max),
        (
            end::APP_EXCEPTION_MIN,
            E::k_ESteamNetConnectionEnd_AppException_Min,
        ),
        (
            end::APP_EXCEPTION_GENERIC,
            E::k_ESteamNetConnectionEnd_AppException_Generic,
        ),
        (
            end::APP_EXCEPTION_MAX,
            E::k_ESteamNetConnectionEnd_AppException_Max,
        ),
        (end::LOCAL_MIN, E::k_ESteamNetConnectionEnd_Local_Min),
        (
            end::LOCAL_OFFLINE_MODE,
            E::k_ESteamNetConnectionEnd_Local_OfflineMode,
        ),
        (
            end::LOCAL_MANY_RELAY_CONNECTIVITY,
            E::k_ESteamNetConnectionEnd_Local_ManyRelayConnectivity,
        ),
        (
            end::LOCAL_HOSTED_SERVER_PRIMARY_RELAY,
            E::k_ESteamNetConnectionEnd_Local_HostedServerPrimaryRelay,
        ),
        (
            end::LOCAL_NETWORK_CONFIG,
            E::k_ESteamNetConnectionEnd_Local_NetworkConfig,
        ),
        (end::LOCAL_RIGHTS, E::k_ESteamNetConnectionEnd_Local_Rights),
        (
            end::LOCAL_P2P_ICE_NO_PUBLIC_ADDRESSES,
            E::k_ESteamNetConnectionEnd_Local_P2P_ICE_NoPublicAddresses,
        ),
        (end::LOCAL_MAX, E::k_ESteamNetConnectionEnd_Local_Max),
        (end::REMOTE_MIN, E::k_ESteamNetConnectionEnd_Remote_Min),
        (
            end::REMOTE_TIMEOUT,
            E::k_ESteamNetConnectionEnd_Remote_Timeout,
        ),
        (
            end::REMOTE_BAD_CRYPT,
            E::k_ESteamNetConnectionEnd_Remote_BadCrypt,
        ),
        (
            end::REMOTE_BAD_CERT,
            E::k_ESteamNetConnectionEnd_Remote_BadCert,
        ),
        (
            end::REMOTE_BAD_PROTOCOL_VERSION,
            E::k_ESteamNetConnectionEnd_Remote_BadProtocolVersion,
        ),
        (
            end::REMOTE_P2P_ICE_NO_PUBLIC_ADDRESSES,
            E::k_ESteamNetConnectionEnd_Remote_P2P_ICE_NoPublicAddresses,
        ),
        (end::REMOTE_MAX, E::k_ESteamNetConnectionEnd_Remote_Max),
        (end::MISC_MIN, E::k_ESteamNetConnectionEnd_Misc_Min),
        (end::MISC_GENERIC, E::k_ESteamNetConnectionEnd_Misc_Generic),
        (
            end::MISC_INTERNAL_ERROR,
            E::k_ESteamNetConnectionEnd_Misc_InternalError,
        ),
        (end::MISC_TIMEOUT, E::k_ESteamNetConnectionEnd_Misc_Timeout),
        (
            end::MISC_STEAM_CONNECTIVITY,
            E::k_ESteamNetConnectionEnd_Misc_SteamConnectivity,
        ),
        (
            end::MISC_NO_RELAY_SESSIONS_TO_CLIENT,
            E::k_ESteamNetConnectionEnd_Misc_NoRelaySessionsToClient,
        ),
        (
            end::MISC_P2P_RENDEZVOUS,
            E::k_ESteamNetConnectionEnd_Misc_P2P_Rendezvous,
        ),
        (
            end::MISC_P2P_NAT_FIREWALL,
            E::k_ESteamNetConnectionEnd_Misc_P2P_NAT_Firewall,
        ),
        (
            end::MISC_PEER_SENT_NO_CONNECTION,
            E::k_ESteamNetConnectionEnd_Misc_PeerSentNoConnection,
        ),
        (end::MISC_MAX, E::k_ESteamNetConnectionEnd_Misc_Max),
    ];
    for (ours, sdk) in pairs {
        assert_eq!(ours, sdk as i32, "{sdk:?}");
    }
    // Messages' own end reasons (csteamnetworkingmessages.cpp): App_Min + 1 and + 2.
    assert_eq!(
        end::SESSION_CLOSED,
        E::k_ESteamNetConnectionEnd_App_Min as i32 + 1
    );
    assert_eq!(
        end::SESSION_IDLE,
        E::k_ESteamNetConnectionEnd_App_Min as i32 + 2
    );
}

#[test]
fn identity_kinds_and_limits_are_the_sdks() {
    use sys::ESteamNetworkingIdentityType as T;
    let pairs = [
        (kind::INVALID, T::k_ESteamNetworkingIdentityType_Invalid),
        (kind::STEAM_ID, T::k_ESteamNetworkingIdentityType_SteamID),
        (
            kind::IP_ADDRESS,
            T::k_ESteamNetworkingIdentityType_IPAddress,
        ),
        (
            kind::GENERIC_STRING,
            T::k_ESteamNetworkingIdentityType_GenericString,
        ),
        (
            kind::GENERIC_BYTES,
            T::k_ESteamNetworkingIdentityType_GenericBytes,
        ),
    ];
    for (ours, sdk) in pairs {
        assert_eq!(ours, sdk as i32, "{sdk:?}");
    }
    assert_eq!(
        MAX_GENERIC_STRING + 1,
        sys::SteamNetworkingIdentity_k_cchMaxGenericString as usize
    );
    assert_eq!(
        MAX_GENERIC_BYTES,
        sys::SteamNetworkingIdentity_k_cbMaxGenericBytes as usize
    );
}

#[test]
fn availability_values_are_the_sdks() {
    use sys::ESteamNetworkingAvailability as A;
    let sdk = [
        ("CannotTry", A::k_ESteamNetworkingAvailability_CannotTry),
        ("Failed", A::k_ESteamNetworkingAvailability_Failed),
        ("Previously", A::k_ESteamNetworkingAvailability_Previously),
        ("Retrying", A::k_ESteamNetworkingAvailability_Retrying),
        ("Unknown", A::k_ESteamNetworkingAvailability_Unknown),
        ("NeverTried", A::k_ESteamNetworkingAvailability_NeverTried),
        ("Waiting", A::k_ESteamNetworkingAvailability_Waiting),
        ("Attempting", A::k_ESteamNetworkingAvailability_Attempting),
        ("Current", A::k_ESteamNetworkingAvailability_Current),
    ];
    assert_eq!(availability::NAMES.len(), sdk.len());
    for ((name, ours), (sdk_name, value)) in availability::NAMES.iter().zip(sdk) {
        assert_eq!((*name, *ours), (sdk_name, value as i32));
    }
}

#[test]
fn debug_output_levels_are_the_sdks() {
    use sys::ESteamNetworkingSocketsDebugOutputType as D;
    let pairs = [
        (
            debug_output::NONE,
            D::k_ESteamNetworkingSocketsDebugOutputType_None,
        ),
        (
            debug_output::BUG,
            D::k_ESteamNetworkingSocketsDebugOutputType_Bug,
        ),
        (
            debug_output::ERROR,
            D::k_ESteamNetworkingSocketsDebugOutputType_Error,
        ),
        (
            debug_output::IMPORTANT,
            D::k_ESteamNetworkingSocketsDebugOutputType_Important,
        ),
        (
            debug_output::WARNING,
            D::k_ESteamNetworkingSocketsDebugOutputType_Warning,
        ),
        (
            debug_output::MSG,
            D::k_ESteamNetworkingSocketsDebugOutputType_Msg,
        ),
        (
            debug_output::VERBOSE,
            D::k_ESteamNetworkingSocketsDebugOutputType_Verbose,
        ),
        (
            debug_output::DEBUG,
            D::k_ESteamNetworkingSocketsDebugOutputType_Debug,
        ),
        (
            debug_output::EVERYTHING,
            D::k_ESteamNetworkingSocketsDebugOutputType_Everything,
        ),
    ];
    for (ours, sdk) in pairs {
        assert_eq!(ours, sdk as i32, "{sdk:?}");
    }
}

#[test]
fn config_scopes_and_types_are_the_sdks() {
    use crate::config::{data_type, scope};
    assert_eq!(
        scope::GLOBAL,
        sys::ESteamNetworkingConfigScope::k_ESteamNetworkingConfig_Global as i32
    );
    assert_eq!(
        scope::CONNECTION,
        sys::ESteamNetworkingConfigScope::k_ESteamNetworkingConfig_Connection as i32
    );
    use sys::ESteamNetworkingConfigDataType as D;
    assert_eq!(data_type::INT32, D::k_ESteamNetworkingConfig_Int32 as i32);
    assert_eq!(data_type::INT64, D::k_ESteamNetworkingConfig_Int64 as i32);
    assert_eq!(data_type::FLOAT, D::k_ESteamNetworkingConfig_Float as i32);
    assert_eq!(data_type::STRING, D::k_ESteamNetworkingConfig_String as i32);
    assert_eq!(data_type::PTR, D::k_ESteamNetworkingConfig_Ptr as i32);
}

#[test]
fn config_keys_are_the_sdks() {
    use sys::ESteamNetworkingConfigValue as V;
    let sdk = [
        ("TimeoutInitial", V::k_ESteamNetworkingConfig_TimeoutInitial),
        (
            "TimeoutConnected",
            V::k_ESteamNetworkingConfig_TimeoutConnected,
        ),
        ("SendBufferSize", V::k_ESteamNetworkingConfig_SendBufferSize),
        ("RecvBufferSize", V::k_ESteamNetworkingConfig_RecvBufferSize),
        (
            "RecvBufferMessages",
            V::k_ESteamNetworkingConfig_RecvBufferMessages,
        ),
        (
            "RecvMaxMessageSize",
            V::k_ESteamNetworkingConfig_RecvMaxMessageSize,
        ),
        ("SendRateMin", V::k_ESteamNetworkingConfig_SendRateMin),
        ("SendRateMax", V::k_ESteamNetworkingConfig_SendRateMax),
        ("NagleTime", V::k_ESteamNetworkingConfig_NagleTime),
        ("MTU_PacketSize", V::k_ESteamNetworkingConfig_MTU_PacketSize),
        (
            "FakePacketLoss_Send",
            V::k_ESteamNetworkingConfig_FakePacketLoss_Send,
        ),
        (
            "FakePacketLoss_Recv",
            V::k_ESteamNetworkingConfig_FakePacketLoss_Recv,
        ),
        (
            "FakePacketLag_Send",
            V::k_ESteamNetworkingConfig_FakePacketLag_Send,
        ),
        (
            "FakePacketLag_Recv",
            V::k_ESteamNetworkingConfig_FakePacketLag_Recv,
        ),
        (
            "FakePacketReorder_Send",
            V::k_ESteamNetworkingConfig_FakePacketReorder_Send,
        ),
        (
            "FakePacketReorder_Recv",
            V::k_ESteamNetworkingConfig_FakePacketReorder_Recv,
        ),
        (
            "FakePacketReorder_Time",
            V::k_ESteamNetworkingConfig_FakePacketReorder_Time,
        ),
        (
            "FakePacketDup_Send",
            V::k_ESteamNetworkingConfig_FakePacketDup_Send,
        ),
        (
            "FakePacketDup_Recv",
            V::k_ESteamNetworkingConfig_FakePacketDup_Recv,
        ),
        (
            "FakePacketDup_TimeMax",
            V::k_ESteamNetworkingConfig_FakePacketDup_TimeMax,
        ),
        (
            "FakePacketJitter_Send_Avg",
            V::k_ESteamNetworkingConfig_FakePacketJitter_Send_Avg,
        ),
        (
            "FakePacketJitter_Send_Max",
            V::k_ESteamNetworkingConfig_FakePacketJitter_Send_Max,
        ),
        (
            "FakePacketJitter_Send_Pct",
            V::k_ESteamNetworkingConfig_FakePacketJitter_Send_Pct,
        ),
        (
            "FakePacketJitter_Recv_Avg",
            V::k_ESteamNetworkingConfig_FakePacketJitter_Recv_Avg,
        ),
        (
            "FakePacketJitter_Recv_Max",
            V::k_ESteamNetworkingConfig_FakePacketJitter_Recv_Max,
        ),
        (
            "FakePacketJitter_Recv_Pct",
            V::k_ESteamNetworkingConfig_FakePacketJitter_Recv_Pct,
        ),
        (
            "FakeRateLimit_Send_Rate",
            V::k_ESteamNetworkingConfig_FakeRateLimit_Send_Rate,
        ),
        (
            "FakeRateLimit_Send_Burst",
            V::k_ESteamNetworkingConfig_FakeRateLimit_Send_Burst,
        ),
        (
            "FakeRateLimit_Recv_Rate",
            V::k_ESteamNetworkingConfig_FakeRateLimit_Recv_Rate,
        ),
        (
            "FakeRateLimit_Recv_Burst",
            V::k_ESteamNetworkingConfig_FakeRateLimit_Recv_Burst,
        ),
    ];
    for (name, value) in sdk {
        let spec = crate::config::SPECS
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("{name} missing from config::SPECS"));
        assert_eq!(spec.key, value as i32, "{name}");
    }
    assert_eq!(crate::config::SPECS.len(), sdk.len());
}
