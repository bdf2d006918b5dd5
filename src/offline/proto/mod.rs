//! The offline backend's protocol core, sans-IO: sessions, handshake, channels, reliability,
//! fragmentation, acks, RTT, pacing, timeouts. Time and datagrams are inputs; datagrams to send,
//! events and diagnostics are outputs. No sockets, no clock, no threads: every test of it is
//! deterministic.
//!
//! PUBLIC CONTRACT (the driver in `offline/driver.rs` and the tests depend on exactly this API;
//! the implementation may be split across files under `proto/` freely).

use crate::config::ConfigTable;
use crate::identity::Identity;
use crate::messages::{DebugLine, Event, Message, SessionInfo};
use std::net::SocketAddr;
use std::time::Instant;

/// A datagram the core wants sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transmit {
    pub destination: SocketAddr,
    pub payload: Vec<u8>,
}

/// Counters a caller (and the hardening tests) can read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EndpointStats {
    pub datagrams_received: u64,
    pub datagrams_sent: u64,
    /// Datagrams dropped as malformed, wrong magic/version, unknown connection, bad cookie...
    pub datagrams_dropped: u64,
    /// Received messages dropped because a receive queue was full, or too large.
    pub messages_dropped: u64,
    pub sessions: u64,
    pub pending_requests: u64,
}

/// One local peer: every session of one SteamID.
pub struct Endpoint {
    _private: (),
}

impl Endpoint {
    /// `epoch` is time zero for `m_usecTimeReceived` and `local_timestamp`; `seed` seeds the
    /// random connection ids and cookie secret (tests pass a fixed one).
    pub fn new(local_steam_id: u64, config: ConfigTable, epoch: Instant, seed: u64) -> Endpoint {
        let _ = (local_steam_id, config, epoch, seed);
        unimplemented!()
    }

    pub fn local_steam_id(&self) -> u64 {
        unimplemented!()
    }

    /// Replaces the configuration; takes effect on live sessions where Steam's does.
    pub fn set_config(&mut self, config: ConfigTable) {
        let _ = config;
        unimplemented!()
    }
    pub fn config(&self) -> &ConfigTable {
        unimplemented!()
    }

    /// `SendMessageToUser`. `address` is where the peer is, when the driver knows it (from the
    /// directory, or the `ip:` identity itself); `None` leaves the session Connecting until
    /// `set_peer_address` or the connect timeout. Returns an `EResult`.
    pub fn send_message_to_user(
        &mut self,
        now: Instant,
        peer: &Identity,
        address: Option<SocketAddr>,
        data: &[u8],
        flags: i32,
        channel: i32,
    ) -> i32 {
        let _ = (now, peer, address, data, flags, channel);
        unimplemented!()
    }

    pub fn receive_messages_on_channel(&mut self, channel: i32, max: usize) -> Vec<Message> {
        let _ = (channel, max);
        unimplemented!()
    }

    pub fn accept_session_with_user(&mut self, now: Instant, peer: &Identity) -> bool {
        let _ = (now, peer);
        unimplemented!()
    }

    pub fn close_session_with_user(&mut self, now: Instant, peer: &Identity) -> bool {
        let _ = (now, peer);
        unimplemented!()
    }

    pub fn close_channel_with_user(&mut self, now: Instant, peer: &Identity, channel: i32) -> bool {
        let _ = (now, peer, channel);
        unimplemented!()
    }

    pub fn session_info(&self, now: Instant, peer: &Identity) -> SessionInfo {
        let _ = (now, peer);
        unimplemented!()
    }

    /// Sessions still waiting for an address (the driver retries its directory for these).
    pub fn unresolved_peers(&self) -> Vec<Identity> {
        unimplemented!()
    }

    pub fn set_peer_address(&mut self, now: Instant, peer: &Identity, address: SocketAddr) {
        let _ = (now, peer, address);
        unimplemented!()
    }

    /// Feeds one received datagram. Malformed or hostile input is counted and dropped.
    pub fn handle_datagram(&mut self, now: Instant, from: SocketAddr, payload: &[u8]) {
        let _ = (now, from, payload);
        unimplemented!()
    }

    /// Runs timers (retransmits, Nagle, keepalives, timeouts) due at `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        let _ = now;
        unimplemented!()
    }

    /// The next datagram to send now (pacing permitting), or `None`.
    pub fn poll_transmit(&mut self, now: Instant) -> Option<Transmit> {
        let _ = now;
        unimplemented!()
    }

    /// When `handle_timeout` next needs calling (also when pacing next allows a send).
    pub fn poll_timeout(&self) -> Option<Instant> {
        unimplemented!()
    }

    pub fn poll_event(&mut self) -> Option<Event> {
        unimplemented!()
    }

    /// Diagnostics since the last call, every level; each names local and remote SteamID.
    pub fn drain_debug(&mut self) -> Vec<DebugLine> {
        unimplemented!()
    }

    pub fn stats(&self) -> EndpointStats {
        unimplemented!()
    }

    /// Closes every session (peers see `ClosedByPeer`, end reason 1001) and queues the close
    /// datagrams; the driver sends them before it drops the socket.
    pub fn shutdown(&mut self, now: Instant) {
        let _ = now;
        unimplemented!()
    }
}
