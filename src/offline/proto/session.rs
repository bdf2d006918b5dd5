//! One Messages session with one peer: its handshake phase, reliability (packet numbers, acks,
//! loss detection, retransmission), Nagle, pacing, keepalives, timeouts and measurements.

use super::debug::{DebugLog, DropRun};
use super::pacing::Pacer;
use super::range_set::RangeSet;
use super::rate_meter::RateMeter;
use super::recv_buffer::{Completed, RecvBuffer, MAX_CHANNELS, MAX_REASSEMBLIES};
use super::rtt::RttEstimator;
use super::send_buffer::{FragRef, SendBuffer};
use super::wire::{self, Frame};
use crate::config::{self, ConfigTable};
use crate::constants::{debug_output, end, result, send, state};
use crate::identity::Identity;
use crate::messages::{ConnectionInfo, RealTimeStatus, SessionInfo};
use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// Steam's `k_usecSteamNetworkingP2PSessionIdleTimeout`.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(180);
/// A silent peer is probed this often, well inside `TimeoutConnected`.
const KEEPALIVE: Duration = Duration::from_secs(1);
const ACK_DELAY: Duration = Duration::from_millis(5);
const HANDSHAKE_FIRST_RETRY: Duration = Duration::from_millis(250);
const HANDSHAKE_MAX_RETRY: Duration = Duration::from_secs(1);
/// Ack ranges the receiver remembers (see `RangeSet`).
const RECEIVED_RANGES: usize = 64;
/// Packets acked after a gap before the gap counts as lost (QUIC's kPacketThreshold).
const PACKET_THRESHOLD: u64 = 3;
/// Packet numbers remembered as declared lost.
const LOST_MEMORY: usize = 1024;
/// How far past the largest packet number seen a new one may be: a corrupted or forged number
/// far ahead would otherwise push the duplicate floor past every real packet.
const PACKET_NUMBER_WINDOW: u64 = 1 << 16;
/// Bytes of reassembly one session may hold: two maximum messages and the receive queue.
pub const SESSION_REASSEMBLY_MAX: usize = 4 << 20;

/// The configuration values a session obeys, read once per change.
#[derive(Clone, Debug)]
pub struct Limits {
    pub mtu: usize,
    pub nagle: Duration,
    pub send_buffer: usize,
    pub recv_messages: usize,
    pub recv_bytes: usize,
    pub recv_max_message: usize,
    pub timeout_initial: Duration,
    pub timeout_connected: Duration,
    pub rate: f64,
}

impl Limits {
    pub fn from_config(c: &ConfigTable) -> Limits {
        let ms = |k| Duration::from_millis(c.get_i64(k).max(0) as u64);
        Limits {
            mtu: c
                .get_i64(config::MTU_PACKET_SIZE)
                .clamp(200, wire::MTU_MAX as i64) as usize,
            nagle: Duration::from_micros(c.get_i64(config::NAGLE_TIME).max(0) as u64),
            send_buffer: c.get_i64(config::SEND_BUFFER_SIZE).max(0) as usize,
            recv_messages: c.get_i64(config::RECV_BUFFER_MESSAGES).max(0) as usize,
            recv_bytes: c.get_i64(config::RECV_BUFFER_SIZE).max(0) as usize,
            recv_max_message: (c.get_i64(config::RECV_MAX_MESSAGE_SIZE).max(0) as usize)
                .min(crate::constants::MAX_MESSAGE_SIZE_SEND),
            timeout_initial: ms(config::TIMEOUT_INITIAL),
            timeout_connected: ms(config::TIMEOUT_CONNECTED),
            rate: c.send_rate(),
        }
    }

    /// Fragment size: a full fragment and a one-range ack fit in one datagram.
    pub fn frag_size(&self) -> usize {
        self.mtu - wire::DATA_HEADER_LEN - wire::SEGMENT_OVERHEAD - wire::ack_frame_len(1)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// We asked; waiting for an address, a Challenge or an Accept.
    Connecting,
    /// The peer asked; waiting for the application to accept.
    Requested,
    Connected,
    /// `ClosedByPeer` or `ProblemDetectedLocally`, kept until the application closes it.
    Failed,
}

struct SentPacket {
    time: Instant,
    frags: Vec<FragRef>,
}

/// What a timer did to the session.
pub enum TimerOutcome {
    Failed { event: bool },
    IdleClosed,
    RequestForgotten,
}

/// What the endpoint can still take for one data packet.
pub struct Room {
    /// Reassembly bytes left across every session.
    pub reassembly: usize,
    /// Every receive queue together is at its limit: hold back new reliable data too.
    pub inbox_full: bool,
}

/// What a received data packet amounted to.
pub enum DataOutcome {
    Malformed,
    Duplicate,
    /// Not processed nor acked: the receive queue is full or reassembly is at its limit; the
    /// sender will retransmit.
    HeldBack(&'static str),
    Processed,
}

pub struct Session {
    pub key: Identity,
    pub local_steam_id: u64,
    pub remote_steam_id: u64,
    pub local_id: u64,
    pub remote_id: u64,
    pub addr: Option<SocketAddr>,
    pub conn: u32,
    pub phase: Phase,
    pub initiator: bool,
    state: i32,
    end_reason: i32,
    end_debug: String,
    /// Failed while idle: nobody was told, so a send may start over.
    pub quiet_failure: bool,
    pub cookie: Option<u64>,
    hs_next: Instant,
    hs_interval: Duration,
    created: Instant,
    pub last_recv: Instant,
    last_ping: Instant,
    pub last_app_use: Instant,
    /// When we last said the send queue takes over a second to drain (said at most every 5 s).
    last_queue_warning: Option<Instant>,
    pub send_accept: bool,
    send: SendBuffer,
    pub recv: RecvBuffer,
    rtt: RttEstimator,
    pacer: Pacer,
    next_pn: u64,
    sent: BTreeMap<u64, SentPacket>,
    /// Recently declared lost: a late ack turns a spurious loss back into a delivery, so the
    /// quality figure measures the path, not our loss detector.
    declared_lost: BTreeSet<u64>,
    rto_backoff: u32,
    received: RangeSet,
    largest_received: Option<u64>,
    ack_pending: bool,
    unacked_eliciting: u32,
    first_unacked: Option<Instant>,
    nagle_deadline: Option<Instant>,
    holding_back: bool,
    pub queued_messages: usize,
    pub queued_bytes: usize,
    /// Unreliable messages dropped on a full receive queue since the one the debug output named.
    pub drops_unlogged: u64,
    /// Unreliable fragments refused for lack of reassembly room, for the debug output.
    pub fragment_drops: DropRun,
    /// Unreliable reassemblies expired unfinished since the endpoint last took the count.
    pub expired: usize,
    pub next_message_number: i64,
    pub open_channels: BTreeSet<i32>,
    out_meter: RateMeter,
    in_meter: RateMeter,
    /// Decaying counts for the quality figures.
    acked_count: f64,
    lost_count: f64,
    recv_count: f64,
    recv_gaps: f64,
}

impl Session {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        now: Instant,
        epoch: Instant,
        key: Identity,
        local_steam_id: u64,
        local_id: u64,
        conn: u32,
        initiator: bool,
        limits: &Limits,
    ) -> Session {
        Session {
            remote_steam_id: key.steam_id().unwrap_or(0),
            key,
            local_steam_id,
            local_id,
            remote_id: 0,
            addr: None,
            conn,
            phase: if initiator {
                Phase::Connecting
            } else {
                Phase::Requested
            },
            initiator,
            state: state::CONNECTING,
            end_reason: 0,
            end_debug: String::new(),
            quiet_failure: false,
            cookie: None,
            hs_next: now,
            hs_interval: HANDSHAKE_FIRST_RETRY,
            created: now,
            last_recv: now,
            last_ping: now,
            last_app_use: now,
            last_queue_warning: None,
            send_accept: false,
            send: SendBuffer::default(),
            recv: RecvBuffer::default(),
            rtt: RttEstimator::default(),
            pacer: Pacer::new(limits.rate),
            next_pn: 0,
            sent: BTreeMap::new(),
            declared_lost: BTreeSet::new(),
            rto_backoff: 0,
            received: RangeSet::default(),
            largest_received: None,
            ack_pending: false,
            unacked_eliciting: 0,
            first_unacked: None,
            nagle_deadline: None,
            holding_back: false,
            queued_messages: 0,
            queued_bytes: 0,
            drops_unlogged: 0,
            fragment_drops: DropRun::default(),
            expired: 0,
            next_message_number: 1,
            open_channels: BTreeSet::new(),
            out_meter: RateMeter::new(epoch),
            in_meter: RateMeter::new(epoch),
            acked_count: 0.0,
            lost_count: 0.0,
            recv_count: 0.0,
            recv_gaps: 0.0,
        }
    }

    /// "local steamid:A, remote steamid:B": every diagnostics line names both ends.
    pub fn tag(&self) -> String {
        let remote = match (&self.key, self.remote_steam_id) {
            (Identity::SteamId(_), _) | (_, 0) => self.key.to_string(),
            (k, id) => format!("{k} (steamid:{id})"),
        };
        format!("[local steamid:{}, remote {remote}]", self.local_steam_id)
    }

    pub fn record_datagram_in(&mut self, now: Instant, bytes: usize) {
        self.in_meter.record(now, bytes);
    }

    pub fn set_limits(&mut self, limits: &Limits) {
        self.pacer.set_rate(limits.rate);
    }

    pub fn set_address(&mut self, now: Instant, addr: SocketAddr) {
        if self.addr.is_none() {
            self.addr = Some(addr);
            self.hs_next = now;
        }
    }

    /// Unacked, queued or to-be-resent reliable data, or a partly received reliable message.
    pub fn data_in_flight(&self) -> bool {
        self.send.in_flight() || self.recv.has_partial_reliable()
    }

    pub fn connected(&mut self, now: Instant) {
        self.phase = Phase::Connected;
        self.state = state::CONNECTED;
        self.last_recv = now;
        self.last_ping = now;
        self.last_app_use = now;
        if self.send.has_unsent() {
            self.nagle_deadline = Some(now);
        }
    }

    pub fn on_challenge(&mut self, now: Instant, cookie: u64) {
        self.cookie = Some(cookie);
        self.hs_next = now;
        self.hs_interval = HANDSHAKE_FIRST_RETRY;
    }

    pub fn fail(&mut self, st: i32, reason: i32, why: String, quiet: bool) {
        self.phase = Phase::Failed;
        self.state = st;
        self.end_reason = reason;
        self.end_debug = why;
        self.quiet_failure = quiet;
        self.send.clear();
        self.sent.clear();
    }

    /// Whether sending `len` bytes with `flags` leaves every timer and transmit as they were: a
    /// Nagle'd message joining data already held for its Nagle deadline, still short of a full
    /// packet. The caller then has nothing to flush and no timer to bring forward.
    fn send_is_quiet(&self, len: usize, flags: i32, limits: &Limits) -> bool {
        flags & (send::NO_NAGLE | send::NO_DELAY) == 0
            && self.phase == Phase::Connected
            && !self.send_accept
            && self.nagle_deadline.is_some()
            && self.send.has_unsent()
            && self.send.unsent_bytes() + len < limits.frag_size()
    }

    /// `SendMessageToUser` on this session: an `EResult`, and whether the send was accepted and
    /// quiet (`send_is_quiet`), so the driver need not flush after it.
    pub fn send_message(
        &mut self,
        now: Instant,
        data: &[u8],
        flags: i32,
        channel: i32,
        limits: &Limits,
        log: &mut DebugLog,
    ) -> (i32, bool) {
        let quiet = self.send_is_quiet(data.len(), flags, limits);
        let r = self.queue_message(now, data, flags, channel, limits, log);
        (r, quiet && r == result::OK)
    }

    fn queue_message(
        &mut self,
        now: Instant,
        data: &[u8],
        flags: i32,
        channel: i32,
        limits: &Limits,
        log: &mut DebugLog,
    ) -> i32 {
        let no_delay = flags & send::NO_DELAY != 0;
        let no_nagle = no_delay || flags & send::NO_NAGLE != 0;
        let connected = self.phase == Phase::Connected;
        // Steam sends early messages reliably so a session's first messages are never lost.
        let reliable = flags & send::RELIABLE != 0 || !connected;
        if no_delay && flags & send::RELIABLE == 0 && (!connected || !self.pacer.ready(now)) {
            log.push(
                debug_output::VERBOSE,
                format!(
                    "{}: unreliable NoDelay message of {} bytes dropped (k_EResultIgnored): {}",
                    self.tag(),
                    data.len(),
                    if connected {
                        "the send rate does not allow a packet now"
                    } else {
                        "the session is not connected yet"
                    }
                ),
            );
            return result::IGNORED;
        }
        let queued = self.send.unsent_bytes();
        if queued + data.len() > limits.send_buffer {
            log.push(
                debug_output::WARNING,
                format!(
                    "{}: send refused (k_EResultLimitExceeded): {queued} bytes already queued + {} > SendBufferSize {}; at {:.0} B/s the queue drains in {:.1}s. Raise k_ESteamNetworkingConfig_SendRateMin/SendRateMax or SendBufferSize, or send less",
                    self.tag(),
                    data.len(),
                    limits.send_buffer,
                    self.pacer.rate(),
                    queued as f64 / self.pacer.rate()
                ),
            );
            return result::LIMIT_EXCEEDED;
        }
        self.send.push(channel, reliable, data, limits.frag_size());
        if no_nagle {
            self.nagle_deadline = Some(now);
        } else if self.nagle_deadline.is_none() {
            self.nagle_deadline = Some(now + limits.nagle);
        }
        self.last_app_use = now;
        self.warn_if_queue_is_slow(now, log);
        result::OK
    }

    /// Issue 10: a game that queues faster than the send rate finds out from the debug output,
    /// in words that name the value to raise, before its players find out from the lag.
    fn warn_if_queue_is_slow(&mut self, now: Instant, log: &mut DebugLog) {
        let queued = self.send.unsent_bytes();
        let rate = self.pacer.rate().max(1.0);
        let seconds = queued as f64 / rate;
        let recently = self
            .last_queue_warning
            .is_some_and(|t| now.saturating_duration_since(t) < Duration::from_secs(5));
        if seconds <= 1.0 || recently {
            return;
        }
        self.last_queue_warning = Some(now);
        log.push(
            debug_output::WARNING,
            format!(
                "{}: {queued} bytes queued take {seconds:.1}s to send at {rate:.0} B/s; raise k_ESteamNetworkingConfig_SendRateMin/SendRateMax (Steam's default is 262144 B/s) or send less",
                self.tag()
            ),
        );
    }

    fn handshake_packet(&mut self, now: Instant) -> Option<Vec<u8>> {
        self.addr?;
        if now < self.hs_next {
            return None;
        }
        self.hs_next = now + self.hs_interval;
        self.hs_interval = (self.hs_interval * 2).min(HANDSHAKE_MAX_RETRY);
        let to = self.key.steam_id().unwrap_or(0);
        Some(match self.cookie {
            Some(c) => wire::encode_connect(self.local_id, c, self.local_steam_id, to),
            None => wire::encode_hello(self.local_id, self.local_steam_id, to),
        })
    }

    fn ack_due(&self, now: Instant) -> bool {
        self.ack_pending
            && (self.unacked_eliciting >= 2
                || self.first_unacked.is_some_and(|t| now >= t + ACK_DELAY))
    }

    fn nagle_ok(&self, now: Instant, limits: &Limits) -> bool {
        self.nagle_deadline.is_some_and(|d| now >= d)
            || self.send.unsent_bytes() >= limits.frag_size()
    }

    fn ping_due(&self, now: Instant) -> bool {
        now >= self.last_recv + KEEPALIVE && now >= self.last_ping + KEEPALIVE
    }

    /// The next datagram this session wants sent now.
    pub fn poll_transmit(&mut self, now: Instant, limits: &Limits) -> Option<Vec<u8>> {
        self.addr?;
        match self.phase {
            Phase::Connecting => self.handshake_packet(now),
            Phase::Requested | Phase::Failed => None,
            Phase::Connected => {
                if self.send_accept {
                    self.send_accept = false;
                    return Some(wire::encode_accept(
                        self.remote_id,
                        self.local_id,
                        self.local_steam_id,
                    ));
                }
                self.data_packet(now, limits)
            }
        }
    }

    fn data_packet(&mut self, now: Instant, limits: &Limits) -> Option<Vec<u8>> {
        let ack_due = self.ack_due(now);
        let nagle_ok = self.nagle_ok(now, limits);
        let want_data = self.send.has_retransmit()
            || (self.send.has_unsent() && nagle_ok && self.send.window_open());
        let paced_ok = want_data && self.pacer.ready(now);
        let ping_due = self.ping_due(now);
        if !ack_due && !paced_ok && !ping_due {
            return None;
        }
        let pn = self.next_pn;
        let mut buf = wire::start_data(self.remote_id, pn, limits.mtu);
        if self.ack_pending {
            let ranges: Vec<(u64, u64)> = self
                .received
                .iter_desc()
                .take(wire::MAX_ACK_RANGES)
                .collect();
            if !ranges.is_empty() {
                let delay = self
                    .first_unacked
                    .map_or(0, |t| now.saturating_duration_since(t).as_micros());
                wire::put_ack(&mut buf, delay.min(u32::MAX as u128) as u32, &ranges);
            }
            self.ack_pending = false;
            self.unacked_eliciting = 0;
            self.first_unacked = None;
        }
        let mut frags = Vec::new();
        let mut eliciting = false;
        if paced_ok {
            let fresh = buf.len() <= wire::DATA_HEADER_LEN + wire::ack_frame_len(1);
            loop {
                // The first fragment always fits, even if MTU_PacketSize shrank since it was cut.
                let space = if fresh && !eliciting {
                    usize::MAX
                } else {
                    limits
                        .mtu
                        .saturating_sub(buf.len() + wire::SEGMENT_OVERHEAD)
                };
                let Some(seg) = self.send.next_segment(space, nagle_ok) else {
                    break;
                };
                wire::put_segment(
                    &mut buf,
                    &wire::Segment {
                        reliable: seg.reliable,
                        channel: seg.channel,
                        seq: seg.seq,
                        total: seg.total,
                        offset: seg.offset,
                        data: seg.data,
                    },
                );
                if let Some(f) = seg.frag {
                    frags.push(f);
                }
                eliciting = true;
            }
            if !self.send.has_unsent() {
                self.nagle_deadline = None;
            }
        }
        if ping_due && !eliciting {
            wire::put_ping(&mut buf);
            eliciting = true;
        }
        if buf.len() <= wire::DATA_HEADER_LEN {
            return None;
        }
        self.next_pn += 1;
        if eliciting {
            self.last_ping = now;
            self.sent.insert(pn, SentPacket { time: now, frags });
        }
        self.pacer.consume(now, buf.len());
        self.out_meter.record(now, buf.len());
        Some(buf)
    }

    fn on_ack(&mut self, now: Instant, delay_us: u32, ranges: &[(u64, u64)]) {
        let Some(largest) = ranges.iter().map(|r| r.1).max() else {
            return;
        };
        if largest >= self.next_pn {
            return;
        }
        let mut newly = 0u32;
        for &(s, e) in ranges {
            let late: Vec<u64> = self.declared_lost.range(s..=e).copied().collect();
            for pn in late {
                self.declared_lost.remove(&pn);
                self.lost_count = (self.lost_count - 1.0).max(0.0);
                self.acked_count += 1.0;
            }
            let acked: Vec<u64> = self.sent.range(s..=e).map(|(&pn, _)| pn).collect();
            for pn in acked {
                let Some(p) = self.sent.remove(&pn) else {
                    continue;
                };
                newly += 1;
                if pn == largest {
                    let delay = Duration::from_micros(u64::from(delay_us)).min(ACK_DELAY * 5);
                    let sample = now.saturating_duration_since(p.time);
                    self.rtt.update(sample.checked_sub(delay).unwrap_or(sample));
                }
                for f in p.frags {
                    self.send.on_acked(f);
                }
            }
        }
        if newly == 0 {
            return;
        }
        self.acked_count += f64::from(newly);
        self.rto_backoff = 0;
        let base = self.rtt.srtt().unwrap_or_default().max(self.rtt.latest());
        let threshold = (base * 9 / 8).max(Duration::from_millis(1));
        let lost: Vec<u64> = self
            .sent
            .range(..largest)
            .filter(|(&pn, p)| largest - pn >= PACKET_THRESHOLD || p.time + threshold <= now)
            .map(|(&pn, _)| pn)
            .collect();
        self.declare_lost(&lost);
        self.decay_quality();
    }

    fn declare_lost(&mut self, pns: &[u64]) {
        for pn in pns {
            if let Some(p) = self.sent.remove(pn) {
                self.lost_count += 1.0;
                self.declared_lost.insert(*pn);
                if self.declared_lost.len() > LOST_MEMORY {
                    self.declared_lost.pop_first();
                }
                for f in p.frags {
                    self.send.on_lost(f);
                }
            }
        }
    }

    fn decay_quality(&mut self) {
        if self.acked_count + self.lost_count > 2000.0 {
            self.acked_count /= 2.0;
            self.lost_count /= 2.0;
        }
        if self.recv_count + self.recv_gaps > 2000.0 {
            self.recv_count /= 2.0;
            self.recv_gaps /= 2.0;
        }
    }

    fn rto_deadline(&self) -> Option<Instant> {
        let (_, oldest) = self.sent.first_key_value()?;
        Some(oldest.time + self.rtt.rto(self.rto_backoff) + ACK_DELAY)
    }

    /// A data packet for this session, within the `room` the endpoint has left.
    pub fn handle_data(
        &mut self,
        now: Instant,
        pn: u64,
        frames: &[u8],
        limits: &Limits,
        room: Room,
        completed: &mut Vec<Completed>,
    ) -> DataOutcome {
        let Some(frames) = wire::decode_frames(frames) else {
            return DataOutcome::Malformed;
        };
        if pn
            > self
                .largest_received
                .unwrap_or(0)
                .saturating_add(PACKET_NUMBER_WINDOW)
        {
            return DataOutcome::Malformed;
        }
        self.last_recv = now;
        for f in &frames {
            if let Frame::Ack { delay_us, ranges } = f {
                self.on_ack(now, *delay_us, ranges);
            }
        }
        let eliciting = frames.iter().any(|f| !matches!(f, Frame::Ack { .. }));
        if self.received.contains(pn) {
            if eliciting {
                // Our ack was probably lost; repeat it.
                self.ack_pending = true;
                self.unacked_eliciting = self.unacked_eliciting.max(2);
            }
            return DataOutcome::Duplicate;
        }
        let full = room.inbox_full
            || self.queued_messages >= limits.recv_messages
            || self.queued_bytes >= limits.recv_bytes;
        let budget = room
            .reassembly
            .min(SESSION_REASSEMBLY_MAX.saturating_sub(self.recv.buffered_bytes()));
        let mut need = 0usize;
        let mut opening = 0usize;
        for f in &frames {
            if let Frame::Segment(seg) = f {
                if seg.reliable && self.recv.is_new_reliable(seg) {
                    if full {
                        return self.hold_back("the receive queue is full");
                    }
                    if self.recv.out_of_window(seg) {
                        return self.hold_back("the message is too far ahead of its channel");
                    }
                    if self.recv.is_new_channel(seg.channel)
                        && self.recv.channels_with_state() >= MAX_CHANNELS
                    {
                        return self.hold_back("too many channels (1024 per session)");
                    }
                    if self.recv.opens_reassembly(seg, limits.recv_max_message) {
                        opening += 1;
                        if self.recv.reassemblies() + opening > MAX_REASSEMBLIES {
                            return self
                                .hold_back("too many messages partly received (8192 per session)");
                        }
                    }
                    need += self.recv.new_allocation(seg, limits.recv_max_message);
                }
            }
        }
        if need > budget {
            return self.hold_back("reassembly memory is at its limit");
        }
        self.holding_back = false;
        self.received.insert(pn);
        self.received.trim(RECEIVED_RANGES);
        match self.largest_received {
            Some(l) if pn > l => self.recv_gaps += (pn - l - 1) as f64,
            None => self.recv_gaps += pn as f64,
            _ => {}
        }
        self.largest_received = self.largest_received.max(Some(pn));
        self.recv_count += 1.0;
        if eliciting {
            self.ack_pending = true;
            self.unacked_eliciting += 1;
            self.first_unacked.get_or_insert(now);
        }
        let mut left = budget.saturating_sub(need);
        for f in &frames {
            if let Frame::Segment(seg) = f {
                if seg.reliable {
                    self.recv
                        .reliable(now, seg, limits.recv_max_message, completed);
                } else {
                    let alloc = self.recv.new_allocation(seg, limits.recv_max_message);
                    let refused = if alloc > left {
                        Some("reassembly memory is at its limit")
                    } else if alloc > 0 && self.recv.reassemblies() >= MAX_REASSEMBLIES {
                        Some("too many messages partly received (8192 per session)")
                    } else {
                        None
                    };
                    if let Some(why) = refused {
                        completed.push(Completed::Dropped {
                            channel: seg.channel,
                            size: seg.total as usize,
                            why,
                        });
                        continue;
                    }
                    left -= alloc;
                    if let Some(c) = self.recv.unreliable(now, seg, limits.recv_max_message) {
                        completed.push(c);
                    }
                }
            }
        }
        DataOutcome::Processed
    }

    /// Says in the debug output that unreliable data was dropped, one line per run of drops.
    pub fn report_unreliable_drop(
        &mut self,
        now: Instant,
        what: &str,
        why: &str,
        log: &mut DebugLog,
    ) {
        if let Some(earlier) = self.fragment_drops.note(now) {
            log.push(
                debug_output::WARNING,
                format!(
                    "{}: {what} dropped: {why}{}",
                    self.tag(),
                    super::debug::more_since(earlier)
                ),
            );
        }
    }

    fn hold_back(&mut self, why: &'static str) -> DataOutcome {
        let first = !self.holding_back;
        self.holding_back = true;
        DataOutcome::HeldBack(if first { why } else { "" })
    }

    /// Runs this session's timers due at `now`.
    pub fn handle_timeout(&mut self, now: Instant, limits: &Limits) -> Option<TimerOutcome> {
        match self.phase {
            Phase::Connecting => {
                if now >= self.created + limits.timeout_initial {
                    let why = match self.addr {
                        None => format!(
                            "no address known for {} within TimeoutInitial ({} ms)",
                            self.key,
                            limits.timeout_initial.as_millis()
                        ),
                        Some(a) => format!(
                            "{} at {a} did not accept the session within TimeoutInitial ({} ms)",
                            self.key,
                            limits.timeout_initial.as_millis()
                        ),
                    };
                    self.fail(
                        state::PROBLEM_DETECTED_LOCALLY,
                        end::MISC_TIMEOUT,
                        why,
                        false,
                    );
                    return Some(TimerOutcome::Failed { event: true });
                }
                None
            }
            Phase::Requested => (now >= self.last_recv + limits.timeout_initial)
                .then_some(TimerOutcome::RequestForgotten),
            Phase::Failed => None,
            Phase::Connected => {
                if now >= self.last_recv + limits.timeout_connected {
                    let busy = self.data_in_flight();
                    let why = format!(
                        "nothing heard from the peer for TimeoutConnected ({} ms)",
                        limits.timeout_connected.as_millis()
                    );
                    self.fail(
                        state::PROBLEM_DETECTED_LOCALLY,
                        end::MISC_TIMEOUT,
                        why,
                        !busy,
                    );
                    return Some(TimerOutcome::Failed { event: busy });
                }
                if self.rto_deadline().is_some_and(|d| now >= d) {
                    let rto = self.rtt.rto(self.rto_backoff);
                    let lost: Vec<u64> = self
                        .sent
                        .iter()
                        .filter(|(_, p)| p.time + rto <= now)
                        .map(|(&pn, _)| pn)
                        .collect();
                    self.declare_lost(&lost);
                    self.rto_backoff += 1;
                }
                self.expired += self.recv.expire(now);
                if now >= self.last_app_use + IDLE_TIMEOUT {
                    if self.data_in_flight() {
                        // As Steam: something is still moving, look again in a second.
                        self.last_app_use = now + Duration::from_secs(1) - IDLE_TIMEOUT;
                    } else {
                        return Some(TimerOutcome::IdleClosed);
                    }
                }
                None
            }
        }
    }

    pub fn next_timeout(&self, limits: &Limits) -> Option<Instant> {
        match self.phase {
            Phase::Failed => None,
            Phase::Connecting => {
                let deadline = self.created + limits.timeout_initial;
                Some(match self.addr {
                    Some(_) => deadline.min(self.hs_next),
                    None => deadline,
                })
            }
            Phase::Requested => Some(self.last_recv + limits.timeout_initial),
            Phase::Connected => {
                let mut t = (self.last_recv + limits.timeout_connected)
                    .min(self.last_recv.max(self.last_ping) + KEEPALIVE)
                    .min(self.last_app_use + IDLE_TIMEOUT);
                let mut at = |x: Option<Instant>| {
                    if let Some(x) = x {
                        t = t.min(x);
                    }
                };
                at(self.rto_deadline());
                at(self.recv.next_expiry());
                if self.ack_pending {
                    at(self.first_unacked.map(|f| f + ACK_DELAY));
                }
                let pace = self.pacer.next_ready();
                if self.send.has_retransmit() {
                    at(pace);
                }
                // A closed window opens on an ack, which arrives as a datagram: no timer.
                if self.send.has_unsent() && self.send.window_open() {
                    let nagle = if self.send.unsent_bytes() >= limits.frag_size() {
                        None
                    } else {
                        self.nagle_deadline
                    };
                    at(match (nagle, pace) {
                        (Some(a), Some(b)) => Some(a.max(b)),
                        (a, b) => a.or(b),
                    });
                }
                Some(t)
            }
        }
    }

    pub fn info(&self, now: Instant) -> SessionInfo {
        let st = match self.phase {
            Phase::Connecting | Phase::Requested => state::CONNECTING,
            Phase::Connected => state::CONNECTED,
            Phase::Failed => self.state,
        };
        let addr = self.addr.map(|a| a.to_string()).unwrap_or_default();
        let info = ConnectionInfo {
            identity_remote: self.key.clone(),
            addr_remote: addr.clone(),
            state: st,
            end_reason: self.end_reason,
            end_debug: self.end_debug.clone(),
            connection_description: format!(
                "offline {} at {}",
                self.key,
                if addr.is_empty() {
                    "unknown address"
                } else {
                    &addr
                }
            ),
            ..ConnectionInfo::default()
        };
        let (out_p, out_b) = self.out_meter.per_second(now);
        let (in_p, in_b) = self.in_meter.per_second(now);
        let ratio = |good: f64, bad: f64| {
            if good + bad <= 0.0 {
                -1.0
            } else {
                (good / (good + bad)) as f32
            }
        };
        let pending_reliable = self.send.unsent_reliable() + self.send.retransmit_bytes();
        let pending_unreliable = self.send.unsent_unreliable();
        let rate = self.pacer.rate();
        let status = RealTimeStatus {
            state: st,
            ping: self
                .rtt
                .srtt()
                .map_or(-1, |d| d.as_millis().min(i32::MAX as u128) as i32),
            quality_local: ratio(self.recv_count, self.recv_gaps),
            quality_remote: ratio(self.acked_count, self.lost_count),
            out_packets_per_sec: out_p,
            out_bytes_per_sec: out_b,
            in_packets_per_sec: in_p,
            in_bytes_per_sec: in_b,
            send_rate_bytes_per_second: rate as i32,
            pending_unreliable: pending_unreliable as i32,
            pending_reliable: pending_reliable as i32,
            sent_unacked_reliable: self.send.unacked_reliable() as i32,
            usec_queue_time: ((pending_reliable + pending_unreliable) as f64 / rate * 1e6) as i64,
            usec_max_jitter: self.rtt.max_jitter().as_micros().min(i32::MAX as u128) as i32,
        };
        SessionInfo {
            state: st,
            info,
            status,
        }
    }
}
