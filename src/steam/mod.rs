//! The Steam backend: a thin mapping of `Backend` onto the `steamworks` crate.
//!
//! The crate initialises and shuts Steam down (`Client::init`, `Server::init`; the last `Client`
//! handle dropped calls `SteamAPI_Shutdown` or `SteamGameServer_Shutdown`) and dispatches
//! callbacks. Everything `ISteamNetworkingMessages` and `ISteamNetworkingUtils` does goes
//! through the flat C functions directly: the crate lacks some of them, and its wrappers turn
//! `EResult`s into errors we would have to turn back into numbers.

mod callbacks;
#[cfg(test)]
mod constants_check;
mod convert;
mod debug_output;
mod ffi;

use crate::config::{data_type, scope, ConfigValue};
use crate::constants::{availability, result, state};
use crate::identity::Identity;
use crate::messages::{Backend, DebugLine, Event, Message, RelayNetworkStatus, SessionInfo};
use callbacks::EventQueue;
use convert::{
    connection_info_from_sdk, identity_to_sdk, message_from_sdk, relay_network_status_from_sdk,
};
use std::collections::HashSet;
use std::ffi::CString;
use std::mem::MaybeUninit;
use std::net::Ipv4Addr;
use std::ptr;
use std::sync::{Mutex, MutexGuard, PoisonError};
use steamworks::{sys, CallbackHandle, Client, SteamAPIInitError};

/// Messages fetched from Steam per `ReceiveMessagesOnChannel` call; larger requests loop.
const RECEIVE_BATCH: usize = 256;
/// The longest configuration value (a string) we fetch.
const MAX_CONFIG_VALUE_BYTES: usize = 4096;

/// Locks `mutex`, taking the data even if a holder panicked: every queue here stays consistent
/// between statements, so a poisoned lock is no reason to panic again.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// `Steam.NetworkingMessages` (or `Steam.GameServerNetworkingMessages`) on the real Steam.
pub struct SteamBackend {
    live: Option<Live>,
    /// Peers we sent to, received from, accepted or were asked by: `shutdown` closes their
    /// sessions so the peers see them closed rather than timing out.
    peers: HashSet<Identity>,
    events: EventQueue,
}

/// What exists between init and shutdown. Fields drop in order: callbacks unregister first, and
/// the last crate handle (`client`) goes last, shutting Steam down.
struct Live {
    _callbacks: Vec<CallbackHandle>,
    messages: *mut sys::ISteamNetworkingMessages,
    utils: *mut sys::ISteamNetworkingUtils,
    server: Option<steamworks::Server>,
    client: Client,
}

// SAFETY: the interface pointers are Steam's process-wide objects, valid while `client` lives
// and callable from any thread (the crate marks its own wrappers of them Send and Sync).
unsafe impl Send for Live {}

/// `SteamAPI_Init` (through the crate), for the logged-in user. `appid` sets `SteamAppId` as
/// `Client::init_app` does; without it Steam finds the app id itself (launched from Steam,
/// `steam_appid.txt`, or the environment).
pub fn init_client(appid: Option<u32>) -> Result<SteamBackend, String> {
    let client = match appid {
        Some(id) => Client::init_app(id),
        None => Client::init(),
    }
    .map_err(|e| init_error("SteamAPI_Init", e))?;
    // SAFETY: Steam is initialised; the accessor returns the interface or null.
    let messages = unsafe { sys::SteamAPI_SteamNetworkingMessages_SteamAPI_v002() };
    SteamBackend::start(client, None, messages)
}

/// `SteamGameServer_Init` (through the crate). `ip` is the address to bind, host order when a
/// `u32` (0 = any); `server_mode` is `EServerMode` (1 no authentication, 2 authentication,
/// 3 authentication and VAC).
///
/// The server then logs on anonymously (`ISteamGameServer::LogOnAnonymous`): a game server
/// has a SteamID, which Messages sessions are keyed by, only once logged on, and the Lua API
/// has no log-on call of its own. Logging on is asynchronous: `local_steam_id` is valid once
/// Steam has answered, a few `RunCallbacks` later.
pub fn init_server(
    ip: impl Into<Ipv4Addr>,
    game_port: u16,
    query_port: u16,
    server_mode: i32,
    version: &str,
) -> Result<SteamBackend, String> {
    use steamworks::ServerMode;
    let mode = match server_mode {
        1 => ServerMode::NoAuthentication,
        2 => ServerMode::Authentication,
        3 => ServerMode::AuthenticationAndSecure,
        other => {
            return Err(format!(
                "invalid server mode {other} (eServerModeNoAuthentication = 1, \
                 eServerModeAuthentication = 2, eServerModeAuthenticationAndSecure = 3)"
            ))
        }
    };
    if version.contains('\0') {
        return Err("invalid server version string (contains a NUL byte)".into());
    }
    let (server, client) =
        steamworks::Server::init(ip.into(), game_port, query_port, mode, version)
            .map_err(|e| init_error("SteamGameServer_Init", e))?;
    server.log_on_anonymous();
    // SAFETY: the game server is initialised; the accessor returns the interface or null.
    let messages = unsafe { sys::SteamAPI_SteamGameServerNetworkingMessages_SteamAPI_v002() };
    SteamBackend::start(client, Some(server), messages)
}

/// Names the cause first, then Steam's own words.
fn init_error(call: &str, error: SteamAPIInitError) -> String {
    match error {
        SteamAPIInitError::NoSteamClient(msg) => {
            format!("Steam client not running ({call} failed: {msg})")
        }
        SteamAPIInitError::VersionMismatch(msg) => {
            format!("Steam client out of date ({call} failed: {msg})")
        }
        // Without a Steam installation libsteam_api cannot load steamclient.so and reports a
        // generic failure naming that file; on Windows it finds no install directory in the registry.
        SteamAPIInitError::FailedGeneric(msg)
            if msg.contains("steamclient") || msg.contains("client install directory") =>
        {
            format!("Steam client not running or not installed ({call} failed: {msg})")
        }
        SteamAPIInitError::FailedGeneric(msg) => format!(
            "{call} failed: {msg} (is Steam running and logged in, the app id known \
             (opts.appid, steam_appid.txt or SteamAppId) and owned by the user?)"
        ),
    }
}

impl SteamBackend {
    fn start(
        client: Client,
        server: Option<steamworks::Server>,
        messages: *mut sys::ISteamNetworkingMessages,
    ) -> Result<SteamBackend, String> {
        // SAFETY: Steam is initialised; the accessor returns the user's interface, else the
        // game server's (see isteamnetworkingutils.h), or null.
        let utils = unsafe { sys::SteamAPI_SteamNetworkingUtils_SteamAPI_v004() };
        if messages.is_null() || utils.is_null() {
            // Dropping `client` (and `server`) shuts Steam down again.
            return Err(
                "Steam initialised but the SteamNetworkingMessages or SteamNetworkingUtils \
                 interface is missing (Steam client too old?)"
                    .into(),
            );
        }
        let events = EventQueue::default();
        let callbacks = callbacks::register(&client, &events);
        Ok(SteamBackend {
            live: Some(Live {
                _callbacks: callbacks,
                messages,
                utils,
                server,
                client,
            }),
            peers: HashSet::new(),
            events,
        })
    }

    fn remember(&mut self, peer: &Identity) {
        if matches!(peer, Identity::SteamId(_)) && !self.peers.contains(peer) {
            self.peers.insert(peer.clone());
        }
    }

    /// The live interface and the SDK form of `peer`, when `peer` can key a Messages session:
    /// Steam's Messages sessions take SteamID identities only.
    fn session_target(
        &self,
        peer: &Identity,
    ) -> Option<(
        *mut sys::ISteamNetworkingMessages,
        sys::SteamNetworkingIdentity,
    )> {
        let live = self.live.as_ref()?;
        matches!(peer, Identity::SteamId(_)).then(|| (live.messages, identity_to_sdk(peer)))
    }
}

impl Backend for SteamBackend {
    fn name(&self) -> &'static str {
        "steam"
    }

    fn local_steam_id(&self) -> u64 {
        match &self.live {
            Some(Live {
                server: Some(server),
                ..
            }) => server.steam_id().raw(),
            Some(live) => live.client.user().steam_id().raw(),
            None => 0,
        }
    }

    fn send_message_to_user(
        &mut self,
        peer: &Identity,
        data: &[u8],
        flags: i32,
        channel: i32,
    ) -> i32 {
        if self.live.is_none() {
            return result::FAIL;
        }
        let Some((messages, remote)) = self.session_target(peer) else {
            return result::INVALID_STEAM_ID;
        };
        let Ok(len) = u32::try_from(data.len()) else {
            return result::INVALID_PARAM;
        };
        self.remember(peer);
        // SAFETY: live interface; `remote` and `data` outlive the call, which copies them.
        unsafe {
            ffi::SteamAPI_ISteamNetworkingMessages_SendMessageToUser(
                messages,
                &remote,
                data.as_ptr().cast(),
                len,
                flags,
                channel,
            )
        }
    }

    fn receive_messages_on_channel(&mut self, channel: i32, max: usize) -> Vec<Message> {
        let Some(live) = &self.live else {
            return Vec::new();
        };
        let messages = live.messages;
        let mut out = Vec::new();
        let mut batch = vec![ptr::null_mut::<sys::SteamNetworkingMessage_t>(); RECEIVE_BATCH];
        while out.len() < max {
            let want = (max - out.len()).min(RECEIVE_BATCH);
            // SAFETY: live interface; `batch` has room for `want` pointers.
            let got = unsafe {
                sys::SteamAPI_ISteamNetworkingMessages_ReceiveMessagesOnChannel(
                    messages,
                    channel,
                    batch.as_mut_ptr(),
                    want as i32,
                )
            };
            let got = usize::try_from(got).unwrap_or(0).min(want);
            for &raw in &batch[..got] {
                if raw.is_null() {
                    continue;
                }
                // SAFETY: Steam handed us this message; we copy it, then release it once.
                let message = unsafe { message_from_sdk(raw) };
                unsafe { sys::SteamAPI_SteamNetworkingMessage_t_Release(raw) };
                self.remember(&message.peer);
                out.push(message);
            }
            if got < want {
                break;
            }
        }
        out
    }

    fn accept_session_with_user(&mut self, peer: &Identity) -> bool {
        let Some((messages, remote)) = self.session_target(peer) else {
            return false;
        };
        // SAFETY: live interface; `remote` outlives the call.
        let accepted = unsafe {
            sys::SteamAPI_ISteamNetworkingMessages_AcceptSessionWithUser(messages, &remote)
        };
        if accepted {
            self.remember(peer);
        }
        accepted
    }

    fn close_session_with_user(&mut self, peer: &Identity) -> bool {
        let Some((messages, remote)) = self.session_target(peer) else {
            return false;
        };
        self.peers.remove(peer);
        // SAFETY: live interface; `remote` outlives the call.
        unsafe { sys::SteamAPI_ISteamNetworkingMessages_CloseSessionWithUser(messages, &remote) }
    }

    fn close_channel_with_user(&mut self, peer: &Identity, channel: i32) -> bool {
        let Some((messages, remote)) = self.session_target(peer) else {
            return false;
        };
        // SAFETY: live interface; `remote` outlives the call.
        unsafe {
            sys::SteamAPI_ISteamNetworkingMessages_CloseChannelWithUser(messages, &remote, channel)
        }
    }

    fn get_session_connection_info(&mut self, peer: &Identity) -> SessionInfo {
        let Some((messages, remote)) = self.session_target(peer) else {
            return SessionInfo::default();
        };
        let mut info = MaybeUninit::<sys::SteamNetConnectionInfo_t>::zeroed();
        let mut status = MaybeUninit::<sys::SteamNetConnectionRealTimeStatus_t>::zeroed();
        // SAFETY: live interface; the out structs are writable and outlive the call.
        let session_state = unsafe {
            ffi::SteamAPI_ISteamNetworkingMessages_GetSessionConnectionInfo(
                messages,
                &remote,
                info.as_mut_ptr(),
                status.as_mut_ptr(),
            )
        };
        if session_state == state::NONE {
            return SessionInfo::default();
        }
        // SAFETY: zeroed, then filled by Steam; read field by field.
        unsafe {
            SessionInfo {
                state: session_state,
                info: connection_info_from_sdk(info.as_ptr()),
                status: convert::real_time_status_from_sdk(status.as_ptr()),
            }
        }
    }

    fn run_callbacks(&mut self) -> Vec<Event> {
        if let Some(live) = &self.live {
            live.client.run_callbacks();
        }
        let events: Vec<Event> = lock(&self.events).drain(..).collect();
        for event in &events {
            if let Event::SessionRequest { remote } = event {
                self.remember(remote);
            }
        }
        events
    }

    fn drain_debug_output(&mut self, level: i32) -> Vec<DebugLine> {
        let utils = self.live.as_ref().map_or(ptr::null_mut(), |l| l.utils);
        debug_output::drain(utils, level)
    }

    fn set_config_value(&mut self, key: i32, value: &ConfigValue) -> bool {
        let Some(live) = &self.live else {
            return false;
        };
        let set = |data_type: i32, arg: *const std::ffi::c_void| {
            // SAFETY: live interface; `arg` points to a value of `data_type` (for strings, the
            // NUL-terminated text itself, as SetConfigValueStruct passes it).
            unsafe {
                ffi::SteamAPI_ISteamNetworkingUtils_SetConfigValue(
                    live.utils,
                    key,
                    scope::GLOBAL,
                    0,
                    data_type,
                    arg,
                )
            }
        };
        match value {
            ConfigValue::Int32(v) => set(data_type::INT32, (v as *const i32).cast()),
            ConfigValue::Float(v) => set(data_type::FLOAT, (v as *const f32).cast()),
            ConfigValue::String(s) => match CString::new(s.as_str()) {
                Ok(text) => set(data_type::STRING, text.as_ptr().cast()),
                Err(_) => false,
            },
        }
    }

    fn get_config_value(&self, key: i32) -> Option<ConfigValue> {
        let live = self.live.as_ref()?;
        let get = |out_type: &mut i32, buf: *mut std::ffi::c_void, len: &mut usize| {
            // SAFETY: live interface; `buf` is null or writable for `*len` bytes.
            unsafe {
                ffi::SteamAPI_ISteamNetworkingUtils_GetConfigValue(
                    live.utils,
                    key,
                    scope::GLOBAL,
                    0,
                    out_type,
                    buf,
                    len,
                )
            }
        };
        // First ask for the size (null buffer: BufferTooSmall with the size), then fetch.
        let mut value_type = 0;
        let mut len = 0usize;
        if get(&mut value_type, ptr::null_mut(), &mut len)
            != ffi::get_config_result::BUFFER_TOO_SMALL
            || len == 0
            || len > MAX_CONFIG_VALUE_BYTES
        {
            return None;
        }
        // u64 words: Steam stores numbers through a typed pointer, so keep the buffer aligned.
        let mut words = vec![0u64; len.div_ceil(8)];
        let mut filled = words.len() * 8;
        let got = get(&mut value_type, words.as_mut_ptr().cast(), &mut filled);
        if got != ffi::get_config_result::OK && got != ffi::get_config_result::OK_INHERITED {
            return None;
        }
        let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_ne_bytes()).collect();
        let bytes = bytes.get(..filled.min(bytes.len()))?;
        let word = |b: &[u8]| -> Option<[u8; 4]> { b.get(..4)?.try_into().ok() };
        match value_type {
            data_type::INT32 => word(bytes).map(|w| ConfigValue::Int32(i32::from_ne_bytes(w))),
            data_type::FLOAT => word(bytes).map(|w| ConfigValue::Float(f32::from_ne_bytes(w))),
            data_type::STRING => {
                let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
                Some(ConfigValue::String(
                    String::from_utf8_lossy(&bytes[..end]).into_owned(),
                ))
            }
            _ => None,
        }
    }

    fn local_timestamp(&self) -> i64 {
        match &self.live {
            // SAFETY: live interface.
            Some(live) => unsafe {
                sys::SteamAPI_ISteamNetworkingUtils_GetLocalTimestamp(live.utils)
            },
            None => 0,
        }
    }

    fn init_relay_network_access(&mut self) {
        if let Some(live) = &self.live {
            // SAFETY: live interface.
            unsafe { sys::SteamAPI_ISteamNetworkingUtils_InitRelayNetworkAccess(live.utils) };
        }
    }

    fn relay_network_status(&mut self) -> RelayNetworkStatus {
        let Some(live) = &self.live else {
            // Nothing to ask after shutdown.
            return RelayNetworkStatus::all(availability::UNKNOWN);
        };
        let mut details = MaybeUninit::<sys::SteamRelayNetworkStatus_t>::zeroed();
        // SAFETY: live interface; `details` is a writable struct of the SDK's layout, read
        // only after Steam filled it in.
        unsafe {
            let avail = ffi::SteamAPI_ISteamNetworkingUtils_GetRelayNetworkStatus(
                live.utils,
                details.as_mut_ptr(),
            );
            RelayNetworkStatus {
                avail,
                ..relay_network_status_from_sdk(details.as_ptr())
            }
        }
    }

    fn shutdown(&mut self) {
        let Some(live) = self.live.take() else {
            return;
        };
        for peer in self.peers.drain() {
            let remote = identity_to_sdk(&peer);
            // SAFETY: live interface until `live` drops below; `remote` outlives the call.
            unsafe {
                sys::SteamAPI_ISteamNetworkingMessages_CloseSessionWithUser(live.messages, &remote)
            };
        }
        lock(&self.events).clear();
        debug_output::forget_installation();
        // The last crate handle goes here: SteamAPI_Shutdown / SteamGameServer_Shutdown.
        drop(live);
    }
}

impl Drop for SteamBackend {
    fn drop(&mut self) {
        self.shutdown();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    /// No Steam client runs where the tests run: init must fail, say why, and fail fast.
    /// Client and server in one test: libsteam_api's init is not meant to run on two threads.
    #[test]
    fn init_without_steam_fails_fast_and_names_the_cause() {
        let started = Instant::now();
        let result = init_client(None);
        let elapsed = started.elapsed();
        // On a developer machine with Steam running there is nothing to check.
        if let Err(message) = result {
            assert!(message.contains("Steam client"), "{message}");
            assert!(message.contains("SteamAPI_Init failed"), "{message}");
            assert!(elapsed < Duration::from_millis(500), "took {elapsed:?}");
            eprintln!("init_client failed in {elapsed:?}: {message}");
        }

        let started = Instant::now();
        let result = init_server(0u32, 27015, 27016, 1, "1.0.0.0");
        let elapsed = started.elapsed();
        if let Err(message) = result {
            assert!(message.contains("SteamGameServer_Init failed"), "{message}");
            assert!(elapsed < Duration::from_millis(500), "took {elapsed:?}");
            eprintln!("init_server failed in {elapsed:?}: {message}");
        }
    }

    #[test]
    fn init_server_rejects_bad_arguments_before_calling_steam() {
        let err = init_server(0u32, 27015, 27016, 7, "1.0.0.0").err();
        assert!(err.is_some_and(|e| e.contains("invalid server mode 7")));
        let err = init_server(Ipv4Addr::UNSPECIFIED, 27015, 27016, 1, "1\0").err();
        assert!(err.is_some_and(|e| e.contains("NUL")));
    }

    #[test]
    fn init_errors_name_the_cause() {
        let e = init_error(
            "SteamAPI_Init",
            SteamAPIInitError::NoSteamClient("x".into()),
        );
        assert_eq!(e, "Steam client not running (SteamAPI_Init failed: x)");
        let e = init_error(
            "SteamAPI_Init",
            SteamAPIInitError::FailedGeneric("No appID found".into()),
        );
        assert!(e.starts_with("SteamAPI_Init failed: No appID found"), "{e}");
        assert!(e.contains("app id"), "{e}");
    }
}
