//! The backend interface: what `Steam.NetworkingMessages` needs from Steam or from the offline
//! backend, in plain Rust types. The Lua glue talks only to this trait, so a Lua caller cannot
//! tell the backends apart except by `GetBackend()`.

use crate::config::ConfigValue;
use crate::constants::availability;
use crate::identity::Identity;

/// A received message (`SteamNetworkingMessage_t`), owned until the caller releases it.
#[derive(Clone, Debug, Default)]
pub struct Message {
    pub data: Vec<u8>,
    pub peer: Identity,
    pub channel: i32,
    pub message_number: i64,
    /// µs on the backend's clock (`GetLocalTimestamp`).
    pub usec_time_received: i64,
    /// Only the `k_nSteamNetworkingSend_Reliable` bit is meaningful on receipt.
    pub flags: i32,
    pub conn: u32,
    pub user_data: i64,
    pub conn_user_data: i64,
    pub lane: u16,
}

/// `SteamNetConnectionInfo_t`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ConnectionInfo {
    pub identity_remote: Identity,
    pub user_data: i64,
    pub listen_socket: u32,
    /// `"ip:port"`, empty when unknown.
    pub addr_remote: String,
    pub pop_remote: u32,
    pub pop_relay: u32,
    pub state: i32,
    pub end_reason: i32,
    pub end_debug: String,
    pub connection_description: String,
    pub flags: i32,
}

/// `SteamRelayNetworkStatus_t`: what `GetRelayNetworkStatus` returns (its summary is `avail`).
#[derive(Clone, Debug, PartialEq)]
pub struct RelayNetworkStatus {
    pub avail: i32,
    pub ping_measurement_in_progress: i32,
    pub avail_network_config: i32,
    pub avail_any_relay: i32,
    pub debug_msg: String,
}

impl RelayNetworkStatus {
    /// Every part `avail`, nothing measuring, no message.
    pub fn all(avail: i32) -> RelayNetworkStatus {
        RelayNetworkStatus {
            avail,
            ping_measurement_in_progress: 0,
            avail_network_config: avail,
            avail_any_relay: avail,
            debug_msg: String::new(),
        }
    }
}

/// `SteamNetConnectionRealTimeStatus_t`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RealTimeStatus {
    pub state: i32,
    pub ping: i32,
    pub quality_local: f32,
    pub quality_remote: f32,
    pub out_packets_per_sec: f32,
    pub out_bytes_per_sec: f32,
    pub in_packets_per_sec: f32,
    pub in_bytes_per_sec: f32,
    pub send_rate_bytes_per_second: i32,
    pub pending_unreliable: i32,
    pub pending_reliable: i32,
    pub sent_unacked_reliable: i32,
    pub usec_queue_time: i64,
    pub usec_max_jitter: i32,
}

/// What `GetSessionConnectionInfo` returns; all zero when there is no session.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SessionInfo {
    pub state: i32,
    pub info: ConnectionInfo,
    pub status: RealTimeStatus,
}

/// A callback for `RunCallbacks` to dispatch, in the order it happened.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// `SteamNetworkingMessagesSessionRequest_t`.
    SessionRequest { remote: Identity },
    /// `SteamNetworkingMessagesSessionFailed_t`.
    SessionFailed { info: ConnectionInfo },
}

/// One line of diagnostics for `SetDebugOutput`: a `k_ESteamNetworkingSocketsDebugOutputType_*`
/// level and its text.
#[derive(Clone, Debug, PartialEq)]
pub struct DebugLine {
    pub level: i32,
    pub text: String,
}

/// `ISteamNetworkingMessages`, plus the few lifecycle and utility calls around it.
///
/// Arguments are already checked by the Lua glue (types, ranges, `cbData`); a backend answers
/// runtime conditions with the SDK's return values and never panics on them.
pub trait Backend {
    /// `"steam"` or `"offline"`.
    fn name(&self) -> &'static str;
    /// The local SteamID (the logged-in user, the game server, or the offline identity).
    fn local_steam_id(&self) -> u64;

    /// `SendMessageToUser`: an `EResult`.
    fn send_message_to_user(
        &mut self,
        peer: &Identity,
        data: &[u8],
        flags: i32,
        channel: i32,
    ) -> i32;
    /// `ReceiveMessagesOnChannel`: at most `max` messages, in arrival order.
    fn receive_messages_on_channel(&mut self, channel: i32, max: usize) -> Vec<Message>;
    fn accept_session_with_user(&mut self, peer: &Identity) -> bool;
    fn close_session_with_user(&mut self, peer: &Identity) -> bool;
    fn close_channel_with_user(&mut self, peer: &Identity, channel: i32) -> bool;
    fn get_session_connection_info(&mut self, peer: &Identity) -> SessionInfo;

    /// Lets the backend run its callbacks and hands over what happened since the last call.
    fn run_callbacks(&mut self) -> Vec<Event>;
    /// Diagnostics at or below `level` since the last call (offline: what the backend saw and did).
    fn drain_debug_output(&mut self, level: i32) -> Vec<DebugLine>;

    /// `SetGlobalConfigValue*`: false for a value the backend does not know or the wrong type.
    fn set_config_value(&mut self, key: i32, value: &ConfigValue) -> bool;
    /// The value in force, `None` when the backend cannot tell.
    fn get_config_value(&self, key: i32) -> Option<ConfigValue>;
    /// `GetLocalTimestamp`: µs, the clock of `m_usecTimeReceived`.
    fn local_timestamp(&self) -> i64;

    /// `ISteamNetworkingUtils::InitRelayNetworkAccess`; nothing to do offline.
    fn init_relay_network_access(&mut self) {}
    /// `GetRelayNetworkStatus`; offline needs no relay, so everything is current.
    fn relay_network_status(&mut self) -> RelayNetworkStatus {
        RelayNetworkStatus::all(availability::CURRENT)
    }

    /// `Steam.Extra.GetStats`: the backend's counters by name (offline: datagrams, drops,
    /// sessions, queues and their limits); Steam exposes none.
    fn stats(&mut self) -> Vec<(&'static str, i64)> {
        Vec::new()
    }

    /// Closes every session (peers see them closed), frees sockets and threads.
    fn shutdown(&mut self);
}
