//! The offline backend's protocol core, sans-IO: sessions, handshake, channels, reliability,
//! fragmentation, acks, RTT, pacing, timeouts. Time and datagrams are inputs; datagrams to send,
//! events and diagnostics are outputs. No sockets, no clock, no threads: every test of it is
//! deterministic.
//!
//! Layout: `wire` is the datagram codec; `session` one peer's state machine, built from
//! `send_buffer`, `recv_buffer` + `assembler`, `range_set` (acks), `rtt`, `pacing` and
//! `rate_meter`; `cookie` the stateless handshake check, keyed by `secret`; `crypto` seals
//! datagrams with the optional pre-shared key; `debug` the diagnostics buffer. This
//! file is the `Endpoint`: the session table, the handshake's responder side, the application's
//! receive queue and the Messages API rules.
//!
//! Handshake: Hello (padded) -> Challenge{cookie} (no state kept) -> Connect{cookie} -> the
//! responder creates a pending request and raises `SessionRequest`; Accept goes back only once
//! the application accepts (or sends to the peer).

mod assembler;
mod cookie;
pub mod crypto;
mod debug;
mod inbox;
mod pacing;
mod range_set;
mod rate_meter;
mod recv_buffer;
pub mod rng;
mod rtt;
pub mod secret;
mod send_buffer;
mod session;
mod table_hash;
pub mod wire;

#[cfg(test)]
mod fuzz;
#[cfg(test)]
mod tests;

use crate::config::ConfigTable;
use crate::constants::{debug_output, end, result, send, state, MAX_MESSAGE_SIZE_SEND};
use crate::identity::Identity;
use crate::messages::{DebugLine, Event, Message, SessionInfo};
use crate::steamid;
use crypto::PacketKey;
use debug::{DebugLog, DropRun};
use inbox::Inbox;
use recv_buffer::{Completed, MAX_CHANNELS};
use rng::Rng;
use secret::{Domain, Secret};
use session::{DataOutcome, Limits, Phase, Session, TimerOutcome};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use table_hash::TableHash;
use wire::Packet;

/// Sessions one endpoint keeps at most; beyond it new sessions are refused.
pub const MAX_SESSIONS: usize = 512;
/// Pending (not yet accepted) requests at most: a flood of Connects cannot exhaust memory.
pub const MAX_PENDING_REQUESTS: usize = 64;
/// Pending requests, and sessions, one source address may hold: a source that passes the cookie
/// can claim a new SteamID per Connect, and without these it would take every pending slot (and
/// lock real peers out until TimeoutInitial). Keyed by the full address, ip and port: peers on
/// one machine (every test, every local game) share 127.0.0.1 and differ only by port. So one
/// host with many ports is held only by the limits overall.
pub const MAX_PENDING_REQUESTS_PER_ADDRESS: usize = 8;
pub const MAX_SESSIONS_PER_ADDRESS: usize = 64;
/// Reassembly memory across every session.
pub const REASSEMBLY_MAX: usize = 64 << 20;
/// Received messages waiting for `ReceiveMessagesOnChannel`, across every session (each session
/// also obeys RecvBufferMessages / RecvBufferSize): 512 sessions at 1 MiB each must not add up.
pub const INBOX_MAX_MESSAGES: usize = 65_536;
pub const INBOX_MAX_BYTES: usize = 64 << 20;
/// Events waiting for `RunCallbacks` at most: a game that never calls it under a flood of
/// session requests must not grow without limit. The oldest go first and are counted.
pub const MAX_EVENTS: usize = 4096;
/// Stateless replies (Challenges) waiting to go out at most.
const MAX_CONTROL_QUEUE: usize = 256;
/// A Close is sent this many times, since nothing acknowledges it.
const CLOSE_REPEATS: u8 = 3;
const CLOSE_SPACING: Duration = Duration::from_millis(100);

/// A datagram the core wants sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transmit {
    pub destination: SocketAddr,
    pub payload: Vec<u8>,
}

/// Counters a caller (`Steam.Extra.GetStats`) and the hardening tests can read: totals since
/// the endpoint opened, then the levels now, each next to the limit it stays under.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EndpointStats {
    pub datagrams_received: u64,
    pub datagrams_sent: u64,
    /// Datagrams dropped as malformed, wrong magic/version, unknown connection, bad cookie...
    pub datagrams_dropped: u64,
    /// Of those, datagrams that failed the `opts.key` check (or lacked one when it is set).
    pub datagrams_unauthenticated: u64,
    /// Of those, datagrams longer than `wire::MAX_DATAGRAM`.
    pub datagrams_oversized: u64,
    /// Received messages dropped because a receive queue was full, or too large.
    pub messages_dropped: u64,
    /// Fragments of unreliable messages not taken: reassembly memory or entries at their limit.
    pub fragments_dropped: u64,
    /// Unreliable messages whose fragments stopped coming (dropped after `UNRELIABLE_EXPIRY`).
    pub reassemblies_expired: u64,
    /// Data packets not taken (the peer resends): a receive queue or reassembly at its limit.
    pub datagrams_held_back: u64,
    /// Challenges sent in answer to a Hello (never larger than the Hello).
    pub challenges_sent: u64,
    /// Hellos not answered because too many Challenges were already waiting to go out.
    pub handshakes_refused: u64,
    /// Session starts refused at `MAX_SESSIONS` / `MAX_PENDING_REQUESTS`.
    pub sessions_refused: u64,
    pub requests_refused: u64,
    /// Session starts refused at `MAX_SESSIONS_PER_ADDRESS` /
    /// `MAX_PENDING_REQUESTS_PER_ADDRESS` (and not counted above).
    pub sessions_refused_per_address: u64,
    pub requests_refused_per_address: u64,
    /// Events dropped because `RunCallbacks` was not called for `MAX_EVENTS` of them.
    pub events_dropped: u64,
    pub sessions: u64,
    pub pending_requests: u64,
    /// Received messages (and their bytes) waiting for `ReceiveMessagesOnChannel`.
    pub queued_messages: u64,
    pub queued_bytes: u64,
    /// Bytes held by reassembly and reorder buffers.
    pub reassembly_bytes: u64,
}

impl EndpointStats {
    /// Name and value of every counter, for the Lua table.
    pub fn named(&self) -> Vec<(&'static str, u64)> {
        vec![
            ("datagrams_received", self.datagrams_received),
            ("datagrams_sent", self.datagrams_sent),
            ("datagrams_dropped", self.datagrams_dropped),
            ("datagrams_unauthenticated", self.datagrams_unauthenticated),
            ("datagrams_oversized", self.datagrams_oversized),
            ("datagrams_held_back", self.datagrams_held_back),
            ("messages_dropped", self.messages_dropped),
            ("fragments_dropped", self.fragments_dropped),
            ("reassemblies_expired", self.reassemblies_expired),
            ("challenges_sent", self.challenges_sent),
            ("handshakes_refused", self.handshakes_refused),
            ("sessions_refused", self.sessions_refused),
            ("requests_refused", self.requests_refused),
            (
                "sessions_refused_per_address",
                self.sessions_refused_per_address,
            ),
            (
                "requests_refused_per_address",
                self.requests_refused_per_address,
            ),
            ("events_dropped", self.events_dropped),
            ("sessions", self.sessions),
            ("pending_requests", self.pending_requests),
            ("queued_messages", self.queued_messages),
            ("queued_bytes", self.queued_bytes),
            ("reassembly_bytes", self.reassembly_bytes),
            ("max_sessions", MAX_SESSIONS as u64),
            ("max_pending_requests", MAX_PENDING_REQUESTS as u64),
            ("max_sessions_per_address", MAX_SESSIONS_PER_ADDRESS as u64),
            (
                "max_pending_requests_per_address",
                MAX_PENDING_REQUESTS_PER_ADDRESS as u64,
            ),
            ("max_queued_messages", INBOX_MAX_MESSAGES as u64),
            ("max_queued_bytes", INBOX_MAX_BYTES as u64),
            ("max_reassembly_bytes", REASSEMBLY_MAX as u64),
        ]
    }
}

struct PendingClose {
    destination: SocketAddr,
    receiver: u64,
    sender: u64,
    reason: i32,
    left: u8,
    next: Instant,
}

/// One local peer: every session of one SteamID.
pub struct Endpoint {
    local_steam_id: u64,
    config: ConfigTable,
    limits: Limits,
    epoch: Instant,
    last_now: Instant,
    /// See `last_send_was_quiet`.
    last_send_quiet: bool,
    secret: Secret,
    /// Counter behind the connection ids (a PRF of it, so ids are unpredictable).
    next_id: u64,
    /// `opts.key`: every datagram sealed and opened with it.
    key: Option<PacketKey>,
    /// Keyed by the session's `conn` handle, so iteration order (and so every test) is stable.
    sessions: BTreeMap<u32, Session>,
    by_key: HashMap<Identity, u32, TableHash>,
    by_local_id: HashMap<u64, u32, TableHash>,
    /// The session the last send went to: a game sends many messages to one peer in a row, and
    /// this spares each the table look-up (`send_on_open_session`). Cleared with the session.
    last_send: Option<(Identity, u32)>,
    next_conn: u32,
    next_poll: u32,
    inbox: Inbox,
    control: VecDeque<Transmit>,
    closes: Vec<PendingClose>,
    events: VecDeque<Event>,
    /// Events dropped at `MAX_EVENTS`, for the debug output.
    event_drops: DropRun,
    debug: DebugLog,
    stats: EndpointStats,
}

impl Endpoint {
    /// `epoch` is time zero for `m_usecTimeReceived` and `local_timestamp`; `seed` makes the
    /// secret behind connection ids and cookies (tests pass a fixed one; a real endpoint uses
    /// `with_secret` and 128 random bits).
    pub fn new(local_steam_id: u64, config: ConfigTable, epoch: Instant, seed: u64) -> Endpoint {
        let mut rng = Rng::new(seed);
        let secret = Secret::new(rng.next_u64(), rng.next_u64());
        Endpoint::with_secret(local_steam_id, config, epoch, secret)
    }

    pub fn with_secret(
        local_steam_id: u64,
        config: ConfigTable,
        epoch: Instant,
        secret: Secret,
    ) -> Endpoint {
        let table_hash = TableHash::new(&secret);
        Endpoint {
            local_steam_id,
            limits: Limits::from_config(&config),
            config,
            epoch,
            last_now: epoch,
            last_send_quiet: false,
            secret,
            next_id: 0,
            key: None,
            sessions: BTreeMap::new(),
            by_key: HashMap::with_hasher(table_hash.clone()),
            by_local_id: HashMap::with_hasher(table_hash),
            last_send: None,
            next_conn: 1,
            next_poll: 0,
            inbox: Inbox::default(),
            control: VecDeque::new(),
            closes: Vec::new(),
            events: VecDeque::new(),
            event_drops: DropRun::default(),
            debug: DebugLog::default(),
            stats: EndpointStats::default(),
        }
    }

    pub fn local_steam_id(&self) -> u64 {
        self.local_steam_id
    }

    /// `opts.key`: from now on every datagram is sealed, and only sealed ones are taken.
    pub fn set_packet_key(&mut self, key: Option<PacketKey>) {
        self.key = key;
    }

    fn push_event(&mut self, event: Event) {
        if self.events.len() >= MAX_EVENTS {
            self.events.pop_front();
            self.stats.events_dropped += 1;
            if let Some(earlier) = self.event_drops.note(self.last_now) {
                let text = format!(
                    "{}: oldest callback dropped: {MAX_EVENTS} wait for RunCallbacks; call it every frame{}",
                    self.local_tag(),
                    debug::more_since(earlier)
                );
                self.log(debug_output::WARNING, text);
            }
        }
        self.events.push_back(event);
    }

    fn next_local_id(&mut self) -> u64 {
        loop {
            self.next_id += 1;
            let id = self.secret.prf(Domain::ConnectionId, &[self.next_id]);
            if id != 0 && !self.by_local_id.contains_key(&id) {
                return id;
            }
        }
    }

    /// The address a live (not failed) session with `peer` already sends to: a send to it needs
    /// no directory lookup, since `set_address` keeps the first address anyway.
    pub fn peer_address(&self, peer: &Identity) -> Option<SocketAddr> {
        let s = self.sessions.get(self.by_key.get(peer)?)?;
        if s.phase == Phase::Failed {
            return None;
        }
        s.addr
    }

    /// Replaces the configuration; takes effect on live sessions where Steam's does.
    pub fn set_config(&mut self, config: ConfigTable) {
        self.limits = Limits::from_config(&config);
        self.config = config;
        for s in self.sessions.values_mut() {
            s.set_limits(&self.limits);
        }
    }
    pub fn config(&self) -> &ConfigTable {
        &self.config
    }

    fn log(&mut self, level: i32, text: String) {
        self.debug.push(level, text);
    }

    fn local_tag(&self) -> String {
        format!("[local steamid:{}]", self.local_steam_id)
    }

    fn new_session(&mut self, now: Instant, key: Identity, initiator: bool) -> Option<u32> {
        if self.sessions.len() >= MAX_SESSIONS {
            let text = format!(
                "{}: no session with {key}: {MAX_SESSIONS} sessions already open",
                self.local_tag()
            );
            self.log(debug_output::WARNING, text);
            self.stats.sessions_refused += 1;
            return None;
        }
        let local_id = self.next_local_id();
        let conn = self.next_conn;
        self.next_conn = self.next_conn.wrapping_add(1).max(1);
        let s = Session::new(
            now,
            self.epoch,
            key.clone(),
            self.local_steam_id,
            local_id,
            conn,
            initiator,
            &self.limits,
        );
        self.sessions.insert(conn, s);
        self.by_key.insert(key, conn);
        self.by_local_id.insert(local_id, conn);
        Some(conn)
    }

    fn remove_session(&mut self, conn: u32) -> Option<Session> {
        let s = self.sessions.remove(&conn)?;
        self.last_send = None;
        self.by_key.remove(&s.key);
        self.by_local_id.remove(&s.local_id);
        Some(s)
    }

    /// Drops the unread messages a session delivered (on one channel, or all).
    fn drop_unread(&mut self, conn: u32, channel: Option<i32>) -> usize {
        let (dropped, freed) = self.inbox.drop_session(conn, channel);
        if let Some(s) = self.sessions.get_mut(&conn) {
            s.queued_messages = s.queued_messages.saturating_sub(dropped);
            s.queued_bytes = s.queued_bytes.saturating_sub(freed);
        }
        dropped
    }

    fn schedule_close(&mut self, now: Instant, s: &Session, reason: i32) {
        let Some(destination) = s.addr else {
            return;
        };
        if s.phase == Phase::Failed || (s.phase == Phase::Connecting && s.cookie.is_none()) {
            return;
        }
        self.closes.push(PendingClose {
            destination,
            receiver: s.remote_id,
            sender: s.local_id,
            reason,
            left: CLOSE_REPEATS,
            next: now,
        });
    }

    /// The session key for an identity the application named, or why it cannot be one.
    fn session_key(&self, peer: &Identity) -> Result<Identity, String> {
        match peer {
            Identity::SteamId(id) if *id == self.local_steam_id => {
                Err("a session with oneself is not supported".into())
            }
            Identity::SteamId(id) if steamid::is_valid_peer(*id) => Ok(peer.clone()),
            Identity::Ip(a) if a.port() != 0 && !a.ip().is_unspecified() => Ok(peer.clone()),
            Identity::Ip(_) => Err("an ip: identity needs an address and a port".into()),
            _ => Err(format!(
                "{peer} is not an identity a Messages session can use (SteamID or ip:)"
            )),
        }
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
        self.last_now = now;
        self.last_send_quiet = false;
        if data.len() > MAX_MESSAGE_SIZE_SEND {
            let text = format!(
                "{}: message of {} bytes to {peer} refused (k_EResultInvalidParam): the limit is k_cbMaxSteamNetworkingSocketsMessageSizeSend = {MAX_MESSAGE_SIZE_SEND}",
                self.local_tag(),
                data.len()
            );
            self.log(debug_output::WARNING, text);
            return result::INVALID_PARAM;
        }
        let key = match self.session_key(peer) {
            Ok(k) => k,
            Err(why) => {
                let text = format!(
                    "{}: send to {peer} refused (k_EResultInvalidParam): {why}",
                    self.local_tag()
                );
                self.log(debug_output::WARNING, text);
                return result::INVALID_PARAM;
            }
        };
        let address = address.or(match key {
            Identity::Ip(a) => Some(a),
            _ => None,
        });
        // One table lookup: a session that survives the checks below is the one to send on.
        let mut existing = self.by_key.get(&key).copied();
        if let Some(conn) = existing {
            let Some(s) = self.sessions.get(&conn) else {
                return result::FAIL;
            };
            if s.phase == Phase::Failed {
                if flags & send::AUTO_RESTART_BROKEN_SESSION == 0 && !s.quiet_failure {
                    let text = format!(
                        "{}: send refused (k_EResultNoConnection): the session failed ({}); close it or send with k_nSteamNetworkingSend_AutoRestartBrokenSession",
                        s.tag(),
                        s.info(now).info.end_debug
                    );
                    self.log(debug_output::WARNING, text);
                    return result::NO_CONNECTION;
                }
                let text = format!("{}: restarting the failed session", s.tag());
                self.log(debug_output::MSG, text);
                self.drop_unread(conn, None);
                self.remove_session(conn);
                existing = None;
            } else if s.phase == Phase::Requested {
                self.accept(now, conn, "sending to the peer accepts its request");
            }
        }
        let conn = match existing {
            Some(c) => c,
            None => {
                let Some(c) = self.new_session(now, key.clone(), true) else {
                    return result::LIMIT_EXCEEDED;
                };
                if let Some(s) = self.sessions.get(&c) {
                    let text = format!(
                        "{}: opening a session (address {})",
                        s.tag(),
                        address.map_or("not yet known".into(), |a| a.to_string())
                    );
                    self.log(debug_output::MSG, text);
                }
                c
            }
        };
        let Some(s) = self.sessions.get_mut(&conn) else {
            return result::FAIL;
        };
        if let Some(a) = address {
            s.set_address(now, a);
        }
        let (r, quiet) = s.send_message(now, data, flags, channel, &self.limits, &mut self.debug);
        self.last_send_quiet = quiet;
        r
    }

    /// `SendMessageToUser` on a session that is open (connecting or connected) and has an
    /// address: the send a game makes many times a frame, with none of the checks that only a
    /// new, failed or requested session needs (and the same result). `None`: not such a
    /// session, take `send_message_to_user`.
    pub fn send_on_open_session(
        &mut self,
        now: Instant,
        peer: &Identity,
        data: &[u8],
        flags: i32,
        channel: i32,
    ) -> Option<i32> {
        if data.len() > MAX_MESSAGE_SIZE_SEND {
            return None;
        }
        let conn = match &self.last_send {
            Some((key, conn)) if key == peer => *conn,
            _ => *self.by_key.get(peer)?,
        };
        let s = self.sessions.get_mut(&conn)?;
        if !matches!(s.phase, Phase::Connecting | Phase::Connected) || s.addr.is_none() {
            return None;
        }
        self.last_now = now;
        let (r, quiet) = s.send_message(now, data, flags, channel, &self.limits, &mut self.debug);
        self.last_send_quiet = quiet;
        if self.last_send.as_ref().is_none_or(|(_, c)| *c != conn) {
            self.last_send = Some((peer.clone(), conn));
        }
        Some(r)
    }

    /// Whether the last `send_message_to_user` changed nothing a driver acts on (see
    /// `Session::send_is_quiet`): no datagram became due and no timer moved earlier, so the
    /// driver need not flush after it, the cost of a send most games make many times a frame.
    pub fn last_send_was_quiet(&self) -> bool {
        self.last_send_quiet
    }

    fn accept(&mut self, now: Instant, conn: u32, why: &str) {
        let Some(s) = self.sessions.get_mut(&conn) else {
            return;
        };
        s.connected(now);
        s.send_accept = true;
        let text = format!("{}: session request accepted ({why})", s.tag());
        self.log(debug_output::MSG, text);
    }

    pub fn receive_messages_on_channel(&mut self, channel: i32, max: usize) -> Vec<Message> {
        let out = self.inbox.take(channel, max);
        for m in &out {
            if let Some(s) = self.sessions.get_mut(&m.conn) {
                s.queued_messages = s.queued_messages.saturating_sub(1);
                s.queued_bytes = s.queued_bytes.saturating_sub(m.data.len());
            }
        }
        out
    }

    pub fn accept_session_with_user(&mut self, now: Instant, peer: &Identity) -> bool {
        self.last_now = now;
        let Some(&conn) = self.by_key.get(peer) else {
            return false;
        };
        let Some(s) = self.sessions.get_mut(&conn) else {
            return false;
        };
        match s.phase {
            Phase::Requested => {
                self.accept(now, conn, "AcceptSessionWithUser");
                true
            }
            Phase::Failed => false,
            Phase::Connecting | Phase::Connected => {
                s.last_app_use = now;
                true
            }
        }
    }

    pub fn close_session_with_user(&mut self, now: Instant, peer: &Identity) -> bool {
        self.last_now = now;
        let Some(&conn) = self.by_key.get(peer) else {
            return false;
        };
        self.drop_unread(conn, None);
        let Some(s) = self.remove_session(conn) else {
            return false;
        };
        let what = if s.phase == Phase::Requested {
            "session request declined"
        } else {
            "session closed"
        };
        let text = format!(
            "{}: {what} by CloseSessionWithUser; queued outgoing data dropped, the peer sees end reason {}",
            s.tag(),
            end::SESSION_CLOSED
        );
        self.log(debug_output::MSG, text);
        self.schedule_close(now, &s, end::SESSION_CLOSED);
        true
    }

    pub fn close_channel_with_user(&mut self, now: Instant, peer: &Identity, channel: i32) -> bool {
        self.last_now = now;
        let Some(&conn) = self.by_key.get(peer) else {
            return false;
        };
        let dropped = self.drop_unread(conn, Some(channel));
        let Some(s) = self.sessions.get_mut(&conn) else {
            return false;
        };
        let was_open = s.open_channels.remove(&channel);
        if !was_open && dropped == 0 {
            return false;
        }
        if s.open_channels.is_empty() {
            self.close_session_with_user(now, peer);
        }
        true
    }

    pub fn session_info(&self, now: Instant, peer: &Identity) -> SessionInfo {
        self.by_key
            .get(peer)
            .and_then(|c| self.sessions.get(c))
            .map(|s| s.info(now))
            .unwrap_or_default()
    }

    /// Sessions still waiting for an address (the driver retries its directory for these).
    pub fn unresolved_peers(&self) -> Vec<Identity> {
        self.sessions
            .values()
            .filter(|s| s.addr.is_none() && s.phase == Phase::Connecting)
            .map(|s| s.key.clone())
            .collect()
    }

    pub fn set_peer_address(&mut self, now: Instant, peer: &Identity, address: SocketAddr) {
        if let Some(s) = self.by_key.get(peer).and_then(|c| self.sessions.get_mut(c)) {
            s.set_address(now, address);
        }
    }

    fn drop_datagram(&mut self, from: SocketAddr, why: &str) {
        self.stats.datagrams_dropped += 1;
        let text = format!("{}: datagram from {from} dropped: {why}", self.local_tag());
        self.log(debug_output::EVERYTHING, text);
    }

    /// The session a datagram addressed to `conn` belongs to, if it came from its peer.
    fn session_for(&self, conn: u64, from: SocketAddr) -> Option<u32> {
        let &c = self.by_local_id.get(&conn)?;
        let s = self.sessions.get(&c)?;
        (s.addr == Some(from)).then_some(c)
    }

    /// Feeds one received datagram. Malformed or hostile input is counted and dropped.
    pub fn handle_datagram(&mut self, now: Instant, from: SocketAddr, payload: &[u8]) {
        self.last_now = now;
        self.stats.datagrams_received += 1;
        if payload.len() > wire::MAX_DATAGRAM {
            self.stats.datagrams_oversized += 1;
            let why = format!(
                "{} bytes, longer than any datagram an endpoint sends ({})",
                payload.len(),
                wire::MAX_DATAGRAM
            );
            return self.drop_datagram(from, &why);
        }
        let opened;
        let payload = match &self.key {
            None if crypto::is_sealed(payload) => {
                self.stats.datagrams_unauthenticated += 1;
                return self.drop_datagram(
                    from,
                    "sealed with a key (opts.key) and this endpoint has none",
                );
            }
            None => payload,
            Some(key) => match key.open(payload) {
                Some(plain) => {
                    opened = plain;
                    &opened[..]
                }
                None => {
                    self.stats.datagrams_unauthenticated += 1;
                    let why = if crypto::is_sealed(payload) {
                        "sealed with a different key (opts.key), or altered"
                    } else {
                        "not sealed, and this endpoint requires its key (opts.key)"
                    };
                    return self.drop_datagram(from, why);
                }
            },
        };
        let Some((conn, packet)) = wire::decode(payload) else {
            return self.drop_datagram(from, "not a valid packet (magic, version, length)");
        };
        match packet {
            Packet::Hello {
                initiator,
                from: id,
                to,
            } => self.on_hello(now, from, conn, initiator, id, to),
            Packet::Connect {
                initiator,
                cookie,
                from: id,
                to,
            } => self.on_connect(now, from, conn, initiator, cookie, id, to),
            Packet::Challenge { cookie } => {
                match self
                    .session_for(conn, from)
                    .and_then(|c| self.sessions.get_mut(&c))
                {
                    Some(s) if s.phase == Phase::Connecting => s.on_challenge(now, cookie),
                    _ => self.drop_datagram(from, "challenge for no connecting session"),
                }
            }
            Packet::Accept {
                responder,
                from: id,
            } => self.on_accept(now, from, conn, responder, id),
            Packet::Data { number, frames } => {
                self.on_data(now, from, conn, number, frames, payload.len())
            }
            Packet::Close { sender, reason } => self.on_close(now, from, conn, sender, reason),
        }
    }

    fn handshake_ids_ok(&self, initiator: u64, id: u64, to: u64) -> bool {
        initiator != 0
            && steamid::is_valid_peer(id)
            && id != self.local_steam_id
            && (to == 0 || to == self.local_steam_id)
    }

    /// In a simultaneous open the lower SteamID leaves the handshake to the higher one.
    fn yields_to_own_attempt(&self, id: u64) -> bool {
        self.by_key
            .get(&Identity::SteamId(id))
            .and_then(|c| self.sessions.get(c))
            .is_some_and(|s| {
                s.initiator && s.phase == Phase::Connecting && self.local_steam_id < id
            })
    }

    fn on_hello(
        &mut self,
        now: Instant,
        from: SocketAddr,
        conn: u64,
        initiator: u64,
        id: u64,
        to: u64,
    ) {
        if conn != 0 || !self.handshake_ids_ok(initiator, id, to) {
            return self.drop_datagram(from, "hello with bad ids");
        }
        if self.yields_to_own_attempt(id) {
            let text = format!(
                "{}: hello from steamid:{id} ignored: both sides opened at once and the higher SteamID accepts",
                self.local_tag()
            );
            return self.log(debug_output::DEBUG, text);
        }
        if self.control.len() >= MAX_CONTROL_QUEUE {
            self.stats.handshakes_refused += 1;
            return self.drop_datagram(from, "too many handshakes at once");
        }
        self.stats.challenges_sent += 1;
        let cookie = cookie::make(&self.secret, self.epoch, now, &from, initiator);
        self.control.push_back(Transmit {
            destination: from,
            payload: wire::encode_challenge(initiator, cookie),
        });
    }

    #[allow(clippy::too_many_arguments)]
    fn on_connect(
        &mut self,
        now: Instant,
        from: SocketAddr,
        conn: u64,
        initiator: u64,
        cookie: u64,
        id: u64,
        to: u64,
    ) {
        if conn != 0 || !self.handshake_ids_ok(initiator, id, to) {
            return self.drop_datagram(from, "connect with bad ids");
        }
        let key = Identity::SteamId(id);
        // A retransmitted Connect (our Accept was lost, or the app has not answered yet), known
        // by the peer's connection id and address before the cookie is checked: the initiator
        // repeats the cookie it got for as long as TimeoutInitial, which may outlive the cookie.
        let session = self.by_key.get(&key).and_then(|c| self.sessions.get_mut(c));
        if let Some(s) = session.filter(|s| s.remote_id == initiator && s.addr == Some(from)) {
            s.last_recv = now;
            if s.phase == Phase::Connected && !s.initiator {
                s.send_accept = true;
            }
            return;
        }
        if !cookie::verify(&self.secret, self.epoch, now, &from, initiator, cookie) {
            return self.drop_datagram(from, "connect with a bad or stale cookie");
        }
        if let Some(&c) = self.by_key.get(&key) {
            let local_higher = self.local_steam_id > id;
            let Some(s) = self.sessions.get_mut(&c) else {
                return;
            };
            if s.initiator && s.phase == Phase::Connecting {
                if !local_higher {
                    let text = format!(
                        "{}: connect ignored: both sides opened at once and the higher SteamID accepts",
                        s.tag()
                    );
                    return self.log(debug_output::DEBUG, text);
                }
                s.remote_id = initiator;
                s.remote_steam_id = id;
                s.addr = Some(from);
                s.initiator = false;
                let text = format!(
                    "{}: both sides opened at once; accepting the peer's attempt and sending our queued messages on it",
                    s.tag()
                );
                self.log(debug_output::MSG, text);
                return self.accept(now, c, "simultaneous open");
            }
            // The peer started over (it closed, idled out or restarted): the old session is gone.
            let text = format!(
                "{}: the peer opened a new session; the old one is discarded",
                s.tag()
            );
            self.log(debug_output::MSG, text);
            self.drop_unread(c, None);
            self.remove_session(c);
        }
        if let Err(why) = self.admit_request(from) {
            return self.drop_datagram(from, why);
        }
        let Some(c) = self.new_session(now, key.clone(), false) else {
            return self.drop_datagram(from, "too many sessions");
        };
        if let Some(s) = self.sessions.get_mut(&c) {
            s.remote_id = initiator;
            s.addr = Some(from);
            s.last_recv = now;
            let text = format!(
                "{}: session requested from {from}; its messages are held until AcceptSessionWithUser (an unanswered request times out after TimeoutInitial, {} ms)",
                s.tag(),
                self.limits.timeout_initial.as_millis()
            );
            self.debug.push(debug_output::MSG, text);
        }
        self.push_event(Event::SessionRequest { remote: key });
    }

    /// Whether a new session request from `from` fits under the pending and per-address limits;
    /// a refusal is counted. `MAX_SESSIONS` is checked when the session is made.
    fn admit_request(&mut self, from: SocketAddr) -> Result<(), &'static str> {
        let (mut pending, mut pending_from, mut sessions_from) = (0, 0, 0);
        for s in self.sessions.values() {
            let requested = s.phase == Phase::Requested;
            pending += usize::from(requested);
            if s.addr == Some(from) {
                pending_from += usize::from(requested);
                sessions_from += 1;
            }
        }
        if pending_from >= MAX_PENDING_REQUESTS_PER_ADDRESS {
            self.stats.requests_refused_per_address += 1;
            return Err("too many pending session requests from this address");
        }
        if sessions_from >= MAX_SESSIONS_PER_ADDRESS {
            self.stats.sessions_refused_per_address += 1;
            return Err("too many sessions with this address");
        }
        if pending >= MAX_PENDING_REQUESTS {
            self.stats.requests_refused += 1;
            return Err("too many pending session requests");
        }
        Ok(())
    }

    fn on_accept(&mut self, now: Instant, from: SocketAddr, conn: u64, responder: u64, id: u64) {
        let Some(c) = self.session_for(conn, from) else {
            return self.drop_datagram(from, "accept for no session");
        };
        let Some(s) = self.sessions.get_mut(&c) else {
            return;
        };
        if s.phase == Phase::Connected && s.remote_id == responder {
            return;
        }
        let id_ok = match s.key {
            Identity::SteamId(k) => k == id,
            _ => steamid::is_valid_peer(id),
        };
        if s.phase != Phase::Connecting || !s.initiator || responder == 0 || !id_ok {
            return self.drop_datagram(from, "unexpected accept");
        }
        s.remote_id = responder;
        s.remote_steam_id = id;
        s.connected(now);
        let text = format!("{}: session accepted by the peer; connected", s.tag());
        self.log(debug_output::MSG, text);
    }

    fn on_data(
        &mut self,
        now: Instant,
        from: SocketAddr,
        conn: u64,
        number: u64,
        frames: &[u8],
        len: usize,
    ) {
        let Some(c) = self.session_for(conn, from) else {
            return self.drop_datagram(from, "data for an unknown connection");
        };
        let budget = REASSEMBLY_MAX.saturating_sub(self.reassembly_bytes());
        let (mut inbox_messages, mut inbox_bytes) = self.inbox.totals();
        let inbox_full = inbox_messages >= INBOX_MAX_MESSAGES || inbox_bytes >= INBOX_MAX_BYTES;
        let Some(s) = self.sessions.get_mut(&c) else {
            return;
        };
        if s.phase != Phase::Connected {
            return self.drop_datagram(from, "data before the session is connected");
        }
        s.record_datagram_in(now, len);
        let mut completed = Vec::new();
        let room = session::Room {
            reassembly: budget,
            inbox_full,
        };
        match s.handle_data(now, number, frames, &self.limits, room, &mut completed) {
            DataOutcome::Malformed => return self.drop_datagram(from, "malformed frames"),
            DataOutcome::Duplicate => return,
            DataOutcome::HeldBack(why) => {
                self.stats.datagrams_held_back += 1;
                if !why.is_empty() {
                    let text = format!(
                        "{}: reliable data held back (not acked; the peer resends): {why} ({} messages, {} bytes queued; limits RecvBufferMessages {}, RecvBufferSize {}): call ReceiveMessagesOnChannel",
                        s.tag(),
                        s.queued_messages,
                        s.queued_bytes,
                        self.limits.recv_messages,
                        self.limits.recv_bytes
                    );
                    self.debug.push(debug_output::WARNING, text);
                }
                return;
            }
            DataOutcome::Processed => {}
        }
        let usec = now.saturating_duration_since(self.epoch).as_micros() as i64;
        for done in completed {
            match done {
                Completed::Refused {
                    channel,
                    reliable,
                    size,
                } => {
                    self.stats.messages_dropped += 1;
                    let text = format!(
                        "{}: {} message of {size} bytes on channel {channel} dropped: larger than RecvMaxMessageSize ({})",
                        s.tag(),
                        if reliable { "reliable" } else { "unreliable" },
                        self.limits.recv_max_message
                    );
                    self.debug.push(debug_output::WARNING, text);
                }
                Completed::Dropped { channel, size, why } => {
                    self.stats.fragments_dropped += 1;
                    let what = format!(
                        "fragment of an unreliable message of {size} bytes on channel {channel} (the message is lost)"
                    );
                    s.report_unreliable_drop(now, &what, why, &mut self.debug);
                }
                Completed::Message {
                    channel,
                    reliable,
                    data,
                } => {
                    // A reliable channel already has receive state, which has its own limit.
                    if !reliable
                        && s.open_channels.len() >= MAX_CHANNELS
                        && !s.open_channels.contains(&channel)
                    {
                        self.stats.messages_dropped += 1;
                        let what = format!(
                            "unreliable message of {} bytes on channel {channel}",
                            data.len()
                        );
                        let why = "too many channels (1024 per session)";
                        s.report_unreliable_drop(now, &what, why, &mut self.debug);
                        continue;
                    }
                    let full = s.queued_messages >= self.limits.recv_messages
                        || s.queued_bytes + data.len() > self.limits.recv_bytes
                        || inbox_messages >= INBOX_MAX_MESSAGES
                        || inbox_bytes + data.len() > INBOX_MAX_BYTES;
                    if full && !reliable {
                        self.stats.messages_dropped += 1;
                        // One line per run of drops: under a flood, formatting a line for every
                        // dropped message took the service thread's time from taking datagrams,
                        // and the game's thread waited for the lock, so fewer got through.
                        s.drops_unlogged += 1;
                        if s.drops_unlogged > 1 {
                            continue;
                        }
                        let text = format!(
                            "{}: unreliable message of {} bytes on channel {channel} dropped: receive queue full ({} messages, {} bytes; limits RecvBufferMessages {}, RecvBufferSize {})",
                            s.tag(),
                            data.len(),
                            s.queued_messages,
                            s.queued_bytes,
                            self.limits.recv_messages,
                            self.limits.recv_bytes
                        );
                        self.debug.push(debug_output::WARNING, text);
                        continue;
                    }
                    if s.drops_unlogged > 1 {
                        let text = format!(
                            "{}: {} more unreliable messages dropped while the receive queue was full",
                            s.tag(),
                            s.drops_unlogged - 1
                        );
                        self.debug.push(debug_output::WARNING, text);
                    }
                    s.drops_unlogged = 0;
                    s.queued_messages += 1;
                    s.queued_bytes += data.len();
                    inbox_messages += 1;
                    inbox_bytes += data.len();
                    s.open_channels.insert(channel);
                    let number = s.next_message_number;
                    s.next_message_number += 1;
                    self.inbox.push(Message {
                        data,
                        peer: s.key.clone(),
                        channel,
                        message_number: number,
                        usec_time_received: usec,
                        flags: if reliable { send::RELIABLE } else { 0 },
                        conn: s.conn,
                        user_data: 0,
                        conn_user_data: 0,
                        lane: 0,
                    });
                }
            }
        }
    }

    fn on_close(&mut self, now: Instant, from: SocketAddr, conn: u64, sender: u64, reason: i32) {
        let c = if conn != 0 {
            self.session_for(conn, from).filter(|c| {
                self.sessions
                    .get(c)
                    .is_some_and(|s| s.remote_id == 0 || s.remote_id == sender)
            })
        } else {
            // The peer closed before it learned our id: only a pending request can be meant.
            self.sessions
                .iter()
                .find(|(_, s)| {
                    s.phase == Phase::Requested && s.remote_id == sender && s.addr == Some(from)
                })
                .map(|(&c, _)| c)
        };
        let Some(c) = c else {
            return self.drop_datagram(from, "close for no session");
        };
        let Some(s) = self.sessions.get_mut(&c) else {
            return;
        };
        let never_connected = s.phase == Phase::Connecting;
        match s.phase {
            Phase::Failed => {}
            Phase::Requested => {
                let text = format!("{}: the peer withdrew its session request", s.tag());
                self.log(debug_output::MSG, text);
                self.drop_unread(c, None);
                self.remove_session(c);
            }
            Phase::Connecting | Phase::Connected => {
                if never_connected || s.data_in_flight() {
                    let why = if never_connected {
                        "the peer declined the session request".to_string()
                    } else {
                        format!("closed by peer (end reason {reason}) with data in flight")
                    };
                    s.fail(state::CLOSED_BY_PEER, reason, why.clone(), false);
                    let info = s.info(now).info;
                    let text = format!("{}: session failed: {why}", s.tag());
                    self.log(debug_output::IMPORTANT, text);
                    self.push_event(Event::SessionFailed { info });
                } else {
                    let text = format!(
                        "{}: closed by peer (end reason {reason}) while idle; session removed",
                        s.tag()
                    );
                    self.log(debug_output::MSG, text);
                    self.remove_session(c);
                }
            }
        }
    }

    /// Runs timers (retransmits, Nagle, keepalives, timeouts) due at `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.last_now = now;
        if let Some(n) = self.event_drops.overdue(now) {
            let text = format!(
                "{}: {n} more callbacks dropped since the last line: call RunCallbacks every frame",
                self.local_tag()
            );
            self.log(debug_output::WARNING, text);
        }
        let conns: Vec<u32> = self.sessions.keys().copied().collect();
        for c in conns {
            let Some(s) = self.sessions.get_mut(&c) else {
                continue;
            };
            let expired = std::mem::take(&mut s.expired);
            if expired > 0 {
                self.stats.reassemblies_expired += expired as u64;
                let what = format!(
                    "{expired} unreliable messages partly received for {} s",
                    recv_buffer::UNRELIABLE_EXPIRY.as_secs()
                );
                let why = "their other fragments never came";
                s.report_unreliable_drop(now, &what, why, &mut self.debug);
            }
            if let Some(n) = s.fragment_drops.overdue(now) {
                let text = format!(
                    "{}: {n} more unreliable messages or fragments dropped since the last line, for the reasons it gave",
                    s.tag()
                );
                self.debug.push(debug_output::WARNING, text);
            }
            match s.handle_timeout(now, &self.limits) {
                None => {}
                Some(TimerOutcome::Failed { event }) => {
                    let info = s.info(now).info;
                    let text = format!(
                        "{}: session failed{}: {}",
                        s.tag(),
                        if event { "" } else { " quietly (it was idle)" },
                        info.end_debug
                    );
                    let level = if event {
                        debug_output::IMPORTANT
                    } else {
                        debug_output::MSG
                    };
                    self.log(level, text);
                    if event {
                        self.push_event(Event::SessionFailed { info });
                    }
                }
                Some(TimerOutcome::IdleClosed) => {
                    let text = format!(
                        "{}: unused for {} s; closed quietly (end reason {})",
                        s.tag(),
                        session::IDLE_TIMEOUT.as_secs(),
                        end::SESSION_IDLE
                    );
                    self.log(debug_output::MSG, text);
                    if let Some(s) = self.remove_session(c) {
                        self.schedule_close(now, &s, end::SESSION_IDLE);
                    }
                }
                Some(TimerOutcome::RequestForgotten) => {
                    let text = format!(
                        "{}: session request was never accepted and the peer stopped asking; forgotten",
                        s.tag()
                    );
                    self.log(debug_output::MSG, text);
                    self.drop_unread(c, None);
                    self.remove_session(c);
                }
            }
        }
    }

    /// The next datagram to send now (pacing permitting), or `None`.
    pub fn poll_transmit(&mut self, now: Instant) -> Option<Transmit> {
        let mut t = self.next_transmit(now)?;
        self.stats.datagrams_sent += 1;
        if let Some(key) = &mut self.key {
            t.payload = key.seal(&t.payload);
        }
        Some(t)
    }

    fn next_transmit(&mut self, now: Instant) -> Option<Transmit> {
        if let Some(t) = self.control.pop_front() {
            return Some(t);
        }
        if let Some(i) = self.closes.iter().position(|c| c.next <= now) {
            let c = &mut self.closes[i];
            let t = Transmit {
                destination: c.destination,
                payload: wire::encode_close(c.receiver, c.sender, c.reason),
            };
            c.left -= 1;
            c.next = now + CLOSE_SPACING * u32::from(CLOSE_REPEATS - c.left);
            if c.left == 0 {
                self.closes.swap_remove(i);
            }
            return Some(t);
        }
        // Round robin, so one busy session cannot starve the others. Two passes over the map
        // rather than a list of handles: this runs for every datagram and every flush.
        let start = self.next_poll;
        let limits = &self.limits;
        let mut found = None;
        for (&c, s) in self.sessions.range_mut(start..) {
            if let Some(payload) = s.poll_transmit(now, limits) {
                found = Some((c, s.addr, payload));
                break;
            }
        }
        if found.is_none() {
            for (&c, s) in self.sessions.range_mut(..start) {
                if let Some(payload) = s.poll_transmit(now, limits) {
                    found = Some((c, s.addr, payload));
                    break;
                }
            }
        }
        let (c, addr, payload) = found?;
        self.next_poll = c.wrapping_add(1);
        Some(Transmit {
            destination: addr?,
            payload,
        })
    }

    /// When `handle_timeout` next needs calling (also when pacing next allows a send).
    pub fn poll_timeout(&self) -> Option<Instant> {
        let sessions = self
            .sessions
            .values()
            .filter_map(|s| s.next_timeout(&self.limits));
        let closes = self.closes.iter().map(|c| c.next);
        sessions.chain(closes).min()
    }

    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// Diagnostics since the last call, every level; each names local and remote SteamID.
    pub fn drain_debug(&mut self) -> Vec<DebugLine> {
        self.debug.drain()
    }

    pub fn stats(&self) -> EndpointStats {
        let (queued_messages, queued_bytes) = self.inbox.totals();
        EndpointStats {
            sessions: self.sessions.len() as u64,
            pending_requests: self
                .sessions
                .values()
                .filter(|s| s.phase == Phase::Requested)
                .count() as u64,
            queued_messages: queued_messages as u64,
            queued_bytes: queued_bytes as u64,
            reassembly_bytes: self.reassembly_bytes() as u64,
            ..self.stats.clone()
        }
    }

    fn reassembly_bytes(&self) -> usize {
        self.sessions
            .values()
            .map(|s| s.recv.buffered_bytes())
            .sum()
    }

    /// Closes every session (peers see `ClosedByPeer`, end reason 1001) and queues the close
    /// datagrams; the driver sends them before it drops the socket.
    pub fn shutdown(&mut self, now: Instant) {
        let conns: Vec<u32> = self.sessions.keys().copied().collect();
        for c in conns {
            if let Some(s) = self.remove_session(c) {
                if let (Some(destination), true) = (
                    s.addr,
                    s.phase != Phase::Failed && (s.remote_id != 0 || s.phase == Phase::Requested),
                ) {
                    for _ in 0..2 {
                        self.control.push_back(Transmit {
                            destination,
                            payload: wire::encode_close(
                                s.remote_id,
                                s.local_id,
                                end::SESSION_CLOSED,
                            ),
                        });
                    }
                }
            }
        }
        self.inbox.clear();
        self.closes.retain(|c| c.next <= now);
        let text = format!("{}: shut down; every session closed", self.local_tag());
        self.log(debug_output::MSG, text);
    }
}
