//! The few flat Steamworks functions whose C enums we declare as plain integers.
//!
//! `steamworks-sys` binds C enums (`EResult`, `ESteamNetworkingConnectionState`, ...) as Rust
//! enums. A value outside the Rust enum (a newer SDK's `EResult`, say) is undefined behaviour the
//! moment it is returned, so every function that hands us an enum, or that takes a number the
//! caller chose (a configuration key), is declared here with `i32` in its place. A C enum is an
//! `int` in the ABI, so these are the same symbols with the same calling convention.

use std::ffi::{c_char, c_void};
use steamworks::sys;

/// `FSteamNetworkingSocketsDebugOutput` with its level as a plain integer.
pub(crate) type DebugOutputFn = unsafe extern "C" fn(level: i32, text: *const c_char);

extern "C" {
    /// `ISteamNetworkingMessages::SendMessageToUser`: returns an `EResult`.
    pub(crate) fn SteamAPI_ISteamNetworkingMessages_SendMessageToUser(
        this: *mut sys::ISteamNetworkingMessages,
        identity_remote: *const sys::SteamNetworkingIdentity,
        data: *const c_void,
        len: u32,
        send_flags: i32,
        remote_channel: i32,
    ) -> i32;

    /// `ISteamNetworkingMessages::GetSessionConnectionInfo`: returns an
    /// `ESteamNetworkingConnectionState`. The out structs are written by Steam and read back
    /// field by field (see `convert`), never as typed Rust values.
    pub(crate) fn SteamAPI_ISteamNetworkingMessages_GetSessionConnectionInfo(
        this: *mut sys::ISteamNetworkingMessages,
        identity_remote: *const sys::SteamNetworkingIdentity,
        connection_info: *mut sys::SteamNetConnectionInfo_t,
        quick_status: *mut sys::SteamNetConnectionRealTimeStatus_t,
    ) -> i32;

    /// `ISteamNetworkingUtils::SetConfigValue` (key, scope and data type as integers).
    pub(crate) fn SteamAPI_ISteamNetworkingUtils_SetConfigValue(
        this: *mut sys::ISteamNetworkingUtils,
        value: i32,
        scope_type: i32,
        scope_obj: isize,
        data_type: i32,
        arg: *const c_void,
    ) -> bool;

    /// `ISteamNetworkingUtils::GetConfigValue`: returns an `ESteamNetworkingGetConfigValueResult`.
    pub(crate) fn SteamAPI_ISteamNetworkingUtils_GetConfigValue(
        this: *mut sys::ISteamNetworkingUtils,
        value: i32,
        scope_type: i32,
        scope_obj: isize,
        out_data_type: *mut i32,
        result: *mut c_void,
        cb_result: *mut usize,
    ) -> i32;

    /// `ISteamNetworkingUtils::GetRelayNetworkStatus`: returns an `ESteamNetworkingAvailability`.
    /// `details` may be null.
    pub(crate) fn SteamAPI_ISteamNetworkingUtils_GetRelayNetworkStatus(
        this: *mut sys::ISteamNetworkingUtils,
        details: *mut sys::SteamRelayNetworkStatus_t,
    ) -> i32;

    /// `ISteamNetworkingUtils::SetDebugOutputFunction`.
    pub(crate) fn SteamAPI_ISteamNetworkingUtils_SetDebugOutputFunction(
        this: *mut sys::ISteamNetworkingUtils,
        detail_level: i32,
        func: Option<DebugOutputFn>,
    );
}

/// `ESteamNetworkingGetConfigValueResult` values we act on.
pub(crate) mod get_config_result {
    pub(crate) const OK: i32 = 1;
    pub(crate) const OK_INHERITED: i32 = 2;
    pub(crate) const BUFFER_TOO_SMALL: i32 = -3;
}
