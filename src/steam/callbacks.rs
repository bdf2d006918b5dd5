//! The two Messages callbacks, registered once per backend and copied into its event queue.
//!
//! We register our own `Callback` types with the crate rather than using
//! `NetworkingMessages::session_request_callback`: the crate's `SessionRequest` calls
//! `CloseSessionWithUser` when dropped unaccepted, which would decline every request the game
//! has not answered inside the hook. On Steam a request stays pending until the game accepts
//! it, closes it, or ignores it until it times out; that is what the Lua API promises.

use super::convert::{connection_info_from_sdk, identity_from_sdk};
use super::lock;
use crate::identity::Identity;
use crate::messages::{ConnectionInfo, Event};
use std::collections::VecDeque;
use std::ffi::c_void;
use std::ptr::addr_of;
use std::sync::{Arc, Mutex};
use steamworks::{sys, CallbackHandle, Client};

/// Events copied out of Steam's callbacks, waiting for `run_callbacks` to hand them over.
pub(crate) type EventQueue = Arc<Mutex<VecDeque<Event>>>;

/// `SteamNetworkingMessagesSessionRequest_t`, copied as it arrives.
struct SessionRequest {
    remote: Identity,
}

// SAFETY: ID is the struct's callback id; from_raw reads it through the pointer Steam passed
// for that id, field by field.
unsafe impl steamworks::Callback for SessionRequest {
    const ID: i32 = sys::SteamNetworkingMessagesSessionRequest_t_k_iCallback as i32;

    unsafe fn from_raw(raw: *mut c_void) -> Self {
        let p = raw.cast::<sys::SteamNetworkingMessagesSessionRequest_t>();
        let remote = if p.is_null() {
            Identity::Invalid
        } else {
            identity_from_sdk(addr_of!((*p).m_identityRemote))
        };
        SessionRequest { remote }
    }
}

/// `SteamNetworkingMessagesSessionFailed_t`, copied as it arrives.
struct SessionFailed {
    info: ConnectionInfo,
}

// SAFETY: as for SessionRequest.
unsafe impl steamworks::Callback for SessionFailed {
    const ID: i32 = sys::SteamNetworkingMessagesSessionFailed_t_k_iCallback as i32;

    unsafe fn from_raw(raw: *mut c_void) -> Self {
        let p = raw.cast::<sys::SteamNetworkingMessagesSessionFailed_t>();
        let info = if p.is_null() {
            ConnectionInfo::default()
        } else {
            connection_info_from_sdk(addr_of!((*p).m_info))
        };
        SessionFailed { info }
    }
}

/// Registers both callbacks on `client` (for a game server, the `Client` that shares its
/// context); they stay registered while the handles live.
pub(crate) fn register(client: &Client, queue: &EventQueue) -> Vec<CallbackHandle> {
    let requests = Arc::clone(queue);
    let failures = Arc::clone(queue);
    vec![
        client.register_callback(move |r: SessionRequest| {
            lock(&requests).push_back(Event::SessionRequest { remote: r.remote });
        }),
        client.register_callback(move |f: SessionFailed| {
            lock(&failures).push_back(Event::SessionFailed { info: f.info });
        }),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::steam::convert::identity_to_sdk;
    use steamworks::Callback;

    #[test]
    fn callback_ids_are_the_messages_ones() {
        // k_iSteamNetworkingMessagesCallbacks = 1250; Request is +1, Failed is +2.
        assert_eq!(SessionRequest::ID, 1251);
        assert_eq!(SessionFailed::ID, 1252);
    }

    #[test]
    fn session_request_copies_the_remote_identity() {
        let mut raw = sys::SteamNetworkingMessagesSessionRequest_t {
            m_identityRemote: identity_to_sdk(&Identity::SteamId(76561197960287930)),
        };
        // SAFETY: a valid callback struct.
        let r = unsafe { SessionRequest::from_raw((&mut raw as *mut _ as *mut c_void).cast()) };
        assert_eq!(r.remote, Identity::SteamId(76561197960287930));
        let null = unsafe { SessionRequest::from_raw(std::ptr::null_mut()) };
        assert_eq!(null.remote, Identity::Invalid);
    }
}
