//! Two endpoints on one simulated clock and a lossy simulated wire, driven until a deadline
//! (quinn-proto's `tests/util.rs` idea); then the behaviours the Lua contract promises.

use super::*;
use crate::config::{self, ConfigValue};
use crate::constants::{end, result, send, state};

fn id_a() -> u64 {
    steamid::individual(1001)
}
fn id_b() -> u64 {
    steamid::individual(1002)
}

/// A send as `OfflineBackend` makes it: the open-session path first, the full one when that
/// declines; so every test here covers both and their agreement.
fn send_as_the_driver_does(
    e: &mut Endpoint,
    now: Instant,
    peer: &Identity,
    addr: Option<SocketAddr>,
    data: &[u8],
    flags: i32,
    channel: i32,
) -> i32 {
    e.send_on_open_session(now, peer, data, flags, channel)
        .unwrap_or_else(|| e.send_message_to_user(now, peer, addr, data, flags, channel))
}

struct InFlight {
    due: Instant,
    order: u64,
    to: SocketAddr,
    from: SocketAddr,
    payload: Vec<u8>,
}

struct Pair {
    now: Instant,
    a: Endpoint,
    b: Endpoint,
    a_addr: SocketAddr,
    b_addr: SocketAddr,
    wire: Vec<InFlight>,
    order: u64,
    rng: Rng,
    latency: Duration,
    loss: f64,
    dup: f64,
    reorder: f64,
    /// Everything sent is lost (a peer vanished).
    cut: bool,
    auto_accept_b: bool,
    events_a: Vec<(Instant, Event)>,
    events_b: Vec<(Instant, Event)>,
    /// (time, from, bytes) of every datagram put on the wire.
    log: Vec<(Instant, SocketAddr, usize)>,
}

impl Pair {
    fn new(cfg: ConfigTable) -> Pair {
        Pair::with_configs(cfg.clone(), cfg, 1)
    }

    fn with_configs(ca: ConfigTable, cb: ConfigTable, seed: u64) -> Pair {
        let now = Instant::now();
        Pair {
            now,
            a: Endpoint::new(id_a(), ca, now, seed),
            b: Endpoint::new(id_b(), cb, now, seed.wrapping_add(1)),
            a_addr: "127.0.0.1:40001".parse().unwrap(),
            b_addr: "127.0.0.1:40002".parse().unwrap(),
            wire: Vec::new(),
            order: 0,
            rng: Rng::new(seed ^ 0xABCD),
            latency: Duration::from_millis(1),
            loss: 0.0,
            dup: 0.0,
            reorder: 0.0,
            cut: false,
            auto_accept_b: true,
            events_a: Vec::new(),
            events_b: Vec::new(),
            log: Vec::new(),
        }
    }

    fn send_ab(&mut self, data: &[u8], flags: i32, channel: i32) -> i32 {
        let (peer, addr) = (Identity::SteamId(id_b()), Some(self.b_addr));
        send_as_the_driver_does(&mut self.a, self.now, &peer, addr, data, flags, channel)
    }

    fn send_ba(&mut self, data: &[u8], flags: i32, channel: i32) -> i32 {
        let (peer, addr) = (Identity::SteamId(id_a()), Some(self.a_addr));
        send_as_the_driver_does(&mut self.b, self.now, &peer, addr, data, flags, channel)
    }

    fn put(&mut self, from: SocketAddr, t: Transmit) {
        self.log.push((self.now, from, t.payload.len()));
        if self.cut || self.rng.percent(self.loss) {
            return;
        }
        let mut due = self.now + self.latency;
        if self.rng.percent(self.reorder) {
            due += Duration::from_micros(self.rng.below(5_000));
        }
        if self.rng.percent(self.dup) {
            self.order += 1;
            self.wire.push(InFlight {
                due: due + Duration::from_micros(self.rng.below(3_000)),
                order: self.order,
                to: t.destination,
                from,
                payload: t.payload.clone(),
            });
        }
        self.order += 1;
        self.wire.push(InFlight {
            due,
            order: self.order,
            to: t.destination,
            from,
            payload: t.payload,
        });
    }

    /// Everything due at `now`, until nothing moves.
    fn flush(&mut self) {
        loop {
            let mut moved = false;
            self.a.handle_timeout(self.now);
            self.b.handle_timeout(self.now);
            while let Some(t) = self.a.poll_transmit(self.now) {
                self.put(self.a_addr, t);
                moved = true;
            }
            while let Some(t) = self.b.poll_transmit(self.now) {
                self.put(self.b_addr, t);
                moved = true;
            }
            self.wire.sort_by_key(|f| (f.due, f.order));
            while self.wire.first().is_some_and(|f| f.due <= self.now) {
                let f = self.wire.remove(0);
                if f.to == self.a_addr {
                    self.a.handle_datagram(self.now, f.from, &f.payload);
                } else if f.to == self.b_addr {
                    self.b.handle_datagram(self.now, f.from, &f.payload);
                }
                moved = true;
            }
            while let Some(e) = self.a.poll_event() {
                self.events_a.push((self.now, e));
            }
            while let Some(e) = self.b.poll_event() {
                if let (Event::SessionRequest { remote }, true) = (&e, self.auto_accept_b) {
                    assert!(self.b.accept_session_with_user(self.now, remote));
                    moved = true;
                }
                self.events_b.push((self.now, e));
            }
            if !moved {
                break;
            }
        }
    }

    fn drive_for(&mut self, d: Duration) {
        let end = self.now + d;
        let mut stuck = 0;
        loop {
            self.flush();
            let next = [
                self.a.poll_timeout(),
                self.b.poll_timeout(),
                self.wire.iter().map(|f| f.due).min(),
            ]
            .into_iter()
            .flatten()
            .min();
            match next {
                Some(t) if t <= end => {
                    if t <= self.now {
                        // A timer that asks for a wakeup but does nothing: a core bug.
                        stuck += 1;
                        assert!(stuck < 1000, "poll_timeout keeps returning a past time");
                        self.now += Duration::from_micros(10);
                    } else {
                        stuck = 0;
                        self.now = t;
                    }
                }
                _ => {
                    self.now = end;
                    self.flush();
                    return;
                }
            }
        }
    }

    fn connect(&mut self) {
        assert_eq!(self.send_ab(b"hi", send::RELIABLE, 0), result::OK);
        self.drive_for(Duration::from_millis(100));
        assert_eq!(self.state_a(), state::CONNECTED);
        assert_eq!(self.state_b(), state::CONNECTED);
        let got = self.b.receive_messages_on_channel(0, 10);
        assert_eq!(got.len(), 1);
    }

    /// Bytes per second `a` put on the wire from `start` until now.
    fn a_send_rate_since(&self, start: Instant) -> f64 {
        let bytes: usize = self
            .log
            .iter()
            .filter(|(t, f, _)| *t >= start && *f == self.a_addr)
            .map(|e| e.2)
            .sum();
        bytes as f64 / (self.now - start).as_secs_f64()
    }

    fn state_a(&self) -> i32 {
        self.a
            .session_info(self.now, &Identity::SteamId(id_b()))
            .state
    }
    fn state_b(&self) -> i32 {
        self.b
            .session_info(self.now, &Identity::SteamId(id_a()))
            .state
    }
}

fn cfg_with(pairs: &[(i32, i32)]) -> ConfigTable {
    let mut c = ConfigTable::default();
    for &(k, v) in pairs {
        assert!(c.set(k, &ConfigValue::Int32(v)));
    }
    c
}

fn failed(events: &[(Instant, Event)]) -> Vec<(Instant, crate::messages::ConnectionInfo)> {
    events
        .iter()
        .filter_map(|(t, e)| match e {
            Event::SessionFailed { info } => Some((*t, info.clone())),
            _ => None,
        })
        .collect()
}

fn requests(events: &[(Instant, Event)]) -> usize {
    events
        .iter()
        .filter(|(_, e)| matches!(e, Event::SessionRequest { .. }))
        .count()
}

#[test]
fn reliable_messages_arrive_once_and_in_order_under_loss_duplication_and_reordering() {
    let mut p = Pair::new(cfg_with(&[(config::SEND_RATE_MAX, 10_000_000)]));
    p.loss = 20.0;
    p.dup = 5.0;
    p.reorder = 10.0;
    const N: usize = 10_000;
    let mut got: Vec<Vec<u32>> = vec![Vec::new(); 4];
    let mut i = 0;
    let mut rounds = 0;
    while got.iter().map(Vec::len).sum::<usize>() < N {
        rounds += 1;
        assert!(rounds < 100_000, "stalled at {i} sent");
        while i < N {
            let ch = (i % 4) as i32;
            let mut body = (i as u32).to_le_bytes().to_vec();
            body.resize(8 + i % 200, 7);
            match p.send_ab(&body, send::RELIABLE, ch) {
                r if r == result::OK => i += 1,
                r if r == result::LIMIT_EXCEEDED => break,
                r => panic!("send returned {r}"),
            }
            if i % 500 == 0 {
                break;
            }
        }
        p.drive_for(Duration::from_millis(20));
        for (ch, seen) in got.iter_mut().enumerate() {
            for m in p.b.receive_messages_on_channel(ch as i32, usize::MAX) {
                assert_eq!(m.flags & send::RELIABLE, send::RELIABLE);
                seen.push(u32::from_le_bytes(m.data[..4].try_into().unwrap()));
            }
        }
    }
    for (ch, seen) in got.iter().enumerate() {
        let want: Vec<u32> = (0..N as u32).filter(|v| *v as usize % 4 == ch).collect();
        assert_eq!(seen, &want, "channel {ch}");
    }
    assert!(failed(&p.events_a).is_empty() && failed(&p.events_b).is_empty());
    let info = p.a.session_info(p.now, &Identity::SteamId(id_b()));
    assert!(
        info.status.quality_remote > 0.5 && info.status.quality_remote < 0.95,
        "{}",
        info.status.quality_remote
    );
}

#[test]
fn largest_messages_round_trip_reliable_and_unreliable_and_one_byte_more_is_invalid() {
    let mut p = Pair::new(ConfigTable::default());
    p.connect();
    let big: Vec<u8> = (0..MAX_MESSAGE_SIZE_SEND)
        .map(|i| (i * 31 % 251) as u8)
        .collect();
    assert_eq!(p.send_ab(&big, send::RELIABLE, 1), result::OK);
    p.drive_for(Duration::from_secs(5));
    assert_eq!(p.send_ab(&big, send::UNRELIABLE, 2), result::OK);
    p.drive_for(Duration::from_secs(5));
    let r = p.b.receive_messages_on_channel(1, 10);
    let u = p.b.receive_messages_on_channel(2, 10);
    assert_eq!(r.len(), 1);
    assert_eq!(u.len(), 1);
    assert!(r[0].data == big && u[0].data == big);
    assert_eq!(u[0].flags & send::RELIABLE, 0);
    let too_big = vec![0u8; MAX_MESSAGE_SIZE_SEND + 1];
    assert_eq!(
        p.send_ab(&too_big, send::RELIABLE, 1),
        result::INVALID_PARAM
    );
    assert_eq!(
        p.a.send_message_to_user(p.now, &Identity::Invalid, None, b"x", 0, 0),
        result::INVALID_PARAM
    );
}

#[test]
fn ignored_request_fails_the_initiator_after_timeout_initial() {
    let mut p = Pair::new(ConfigTable::default());
    p.auto_accept_b = false;
    let start = p.now;
    assert_eq!(p.send_ab(b"hello?", 0, 0), result::OK);
    p.drive_for(Duration::from_secs(9));
    assert_eq!(p.state_a(), state::CONNECTING);
    assert!(failed(&p.events_a).is_empty());
    p.drive_for(Duration::from_secs(2));
    let f = failed(&p.events_a);
    assert_eq!(f.len(), 1);
    let at = f[0].0 - start;
    assert!(
        at >= Duration::from_secs(10) && at < Duration::from_millis(10_100),
        "{at:?}"
    );
    assert_eq!(f[0].1.state, state::PROBLEM_DETECTED_LOCALLY);
    assert_eq!(f[0].1.end_reason, end::MISC_TIMEOUT);
    assert_eq!(p.state_a(), state::PROBLEM_DETECTED_LOCALLY);
    assert_eq!(requests(&p.events_b), 1, "one request per session");
    assert!(p.b.receive_messages_on_channel(0, 10).is_empty());
    // The responder forgets the request once the initiator stops asking.
    p.drive_for(Duration::from_secs(11));
    assert_eq!(p.state_b(), state::NONE);
    assert_eq!(p.send_ab(b"again", 0, 0), result::NO_CONNECTION);
}

#[test]
fn a_peer_with_no_address_fails_after_timeout_initial() {
    let mut p = Pair::new(cfg_with(&[(config::TIMEOUT_INITIAL, 3000)]));
    let peer = Identity::SteamId(id_b());
    assert_eq!(
        p.a.send_message_to_user(p.now, &peer, None, b"x", 0, 0),
        result::OK
    );
    assert_eq!(p.a.unresolved_peers(), vec![peer.clone()]);
    p.drive_for(Duration::from_millis(2900));
    assert!(failed(&p.events_a).is_empty());
    p.drive_for(Duration::from_millis(200));
    let f = failed(&p.events_a);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].1.end_reason, end::MISC_TIMEOUT);
    assert!(f[0].1.end_debug.contains("no address"));
}

#[test]
fn late_address_still_connects() {
    let mut p = Pair::new(ConfigTable::default());
    let peer = Identity::SteamId(id_b());
    assert_eq!(
        p.a.send_message_to_user(p.now, &peer, None, b"x", 0, 0),
        result::OK
    );
    p.drive_for(Duration::from_secs(2));
    let b_addr = p.b_addr;
    p.a.set_peer_address(p.now, &peer, b_addr);
    p.drive_for(Duration::from_millis(50));
    assert_eq!(p.state_a(), state::CONNECTED);
    assert_eq!(p.b.receive_messages_on_channel(0, 10).len(), 1);
}

#[test]
fn vanished_peer_times_out_quietly_when_idle_and_with_an_event_when_busy() {
    // Idle: fails quietly at TimeoutConnected.
    let mut p = Pair::new(ConfigTable::default());
    p.connect();
    p.drive_for(Duration::from_secs(5));
    assert_eq!(
        p.state_a(),
        state::CONNECTED,
        "keepalives hold an idle session"
    );
    let cut_at = p.now;
    p.cut = true;
    p.drive_for(Duration::from_secs(12));
    assert_eq!(p.state_a(), state::PROBLEM_DETECTED_LOCALLY);
    let info = p.a.session_info(p.now, &Identity::SteamId(id_b())).info;
    assert_eq!(info.end_reason, end::MISC_TIMEOUT);
    assert!(failed(&p.events_a).is_empty());
    assert!(p.now - cut_at >= Duration::from_secs(10));

    // Busy: the same, with SessionFailed.
    let mut p = Pair::new(ConfigTable::default());
    p.connect();
    p.cut = true;
    let cut_at = p.now;
    assert_eq!(p.send_ab(b"lost", send::RELIABLE, 0), result::OK);
    p.drive_for(Duration::from_secs(12));
    let f = failed(&p.events_a);
    assert_eq!(f.len(), 1);
    // Counted from the last datagram heard, a little before the cut.
    let at = f[0].0 - cut_at;
    assert!(
        at >= Duration::from_millis(9_500) && at <= Duration::from_millis(10_100),
        "{at:?}"
    );
    assert_eq!(f[0].1.state, state::PROBLEM_DETECTED_LOCALLY);
}

#[test]
fn accepting_later_delivers_the_held_messages_reliably_in_order() {
    let mut p = Pair::new(ConfigTable::default());
    p.auto_accept_b = false;
    for i in 0..3u8 {
        assert_eq!(p.send_ab(&[i], send::UNRELIABLE, 5), result::OK);
    }
    p.drive_for(Duration::from_secs(2));
    assert_eq!(requests(&p.events_b), 1);
    assert!(p.b.receive_messages_on_channel(5, 10).is_empty());
    assert_eq!(p.state_b(), state::CONNECTING);
    assert!(p
        .b
        .accept_session_with_user(p.now, &Identity::SteamId(id_a())));
    p.drive_for(Duration::from_millis(100));
    let got = p.b.receive_messages_on_channel(5, 10);
    assert_eq!(
        got.iter().map(|m| m.data[0]).collect::<Vec<_>>(),
        vec![0, 1, 2]
    );
    assert!(got.iter().all(|m| m.flags & send::RELIABLE != 0));
    assert!(got
        .windows(2)
        .all(|w| w[0].message_number < w[1].message_number));
    assert_eq!(got[0].peer, Identity::SteamId(id_a()));
    assert_eq!(requests(&p.events_b), 1);
    assert!(!p.b.drain_debug().is_empty());
}

#[test]
fn sending_to_a_peer_whose_request_waits_accepts_it_implicitly() {
    // API.md: SendMessageToUser to a peer with a pending request accepts it, as Steam does.
    let mut p = Pair::new(ConfigTable::default());
    p.auto_accept_b = false;
    assert_eq!(p.send_ab(b"from a", send::RELIABLE, 2), result::OK);
    p.drive_for(Duration::from_secs(1));
    assert_eq!(requests(&p.events_b), 1);
    assert_eq!(p.state_b(), state::CONNECTING);
    assert!(p.b.receive_messages_on_channel(2, 10).is_empty());
    // b answers instead of calling AcceptSessionWithUser.
    assert_eq!(p.send_ba(b"from b", send::RELIABLE, 2), result::OK);
    p.drive_for(Duration::from_millis(200));
    assert_eq!(p.state_b(), state::CONNECTED);
    assert_eq!(p.state_a(), state::CONNECTED);
    let got_b = p.b.receive_messages_on_channel(2, 10);
    assert_eq!(
        got_b.len(),
        1,
        "a's held message is delivered once accepted"
    );
    assert_eq!(got_b[0].data, b"from a");
    let got_a = p.a.receive_messages_on_channel(2, 10);
    assert_eq!(got_a.len(), 1);
    assert_eq!(got_a[0].data, b"from b");
    assert_eq!(requests(&p.events_b), 1, "no second request");
    assert!(failed(&p.events_a).is_empty() && failed(&p.events_b).is_empty());
}

#[test]
fn declining_a_request_fails_the_initiator_with_closed_by_peer() {
    let mut p = Pair::new(ConfigTable::default());
    p.auto_accept_b = false;
    assert_eq!(p.send_ab(b"x", 0, 0), result::OK);
    p.drive_for(Duration::from_millis(100));
    assert!(p
        .b
        .close_session_with_user(p.now, &Identity::SteamId(id_a())));
    p.drive_for(Duration::from_millis(100));
    let f = failed(&p.events_a);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].1.state, state::CLOSED_BY_PEER);
    assert_eq!(f[0].1.end_reason, end::SESSION_CLOSED);
    assert_eq!(p.send_ab(b"x", 0, 0), result::NO_CONNECTION);
    assert!(!p
        .b
        .close_session_with_user(p.now, &Identity::SteamId(id_a())));
}

#[test]
fn closing_an_idle_session_removes_the_peers_quietly_and_a_new_send_is_a_new_request() {
    let mut p = Pair::new(ConfigTable::default());
    p.connect();
    p.drive_for(Duration::from_millis(100));
    assert!(p
        .a
        .close_session_with_user(p.now, &Identity::SteamId(id_b())));
    p.drive_for(Duration::from_millis(500));
    assert_eq!(p.state_b(), state::NONE);
    assert!(failed(&p.events_b).is_empty());
    assert_eq!(p.send_ba(b"back", send::RELIABLE, 0), result::OK);
    p.drive_for(Duration::from_millis(100));
    assert_eq!(requests(&p.events_a), 1);
    assert!(p
        .a
        .accept_session_with_user(p.now, &Identity::SteamId(id_b())));
    p.drive_for(Duration::from_millis(100));
    assert_eq!(p.a.receive_messages_on_channel(0, 10).len(), 1);
}

#[test]
fn the_open_session_send_declines_all_but_an_open_session_with_an_address() {
    let mut p = Pair::new(ConfigTable::default());
    p.auto_accept_b = false;
    let (to_a, to_b) = (Identity::SteamId(id_a()), Identity::SteamId(id_b()));
    let now = p.now;
    assert_eq!(
        p.a.send_on_open_session(now, &to_b, b"x", 0, 0),
        None,
        "no session"
    );
    let none =
        p.a.send_message_to_user(now, &to_b, None, b"x", send::RELIABLE, 0);
    assert_eq!(none, result::OK);
    let unplaced = p.a.send_on_open_session(now, &to_b, b"x", 0, 0);
    assert_eq!(unplaced, None, "a session with no address yet");
    assert_eq!(p.send_ab(b"y", send::RELIABLE, 0), result::OK);
    p.drive_for(Duration::from_millis(100));
    let requested = p.b.send_on_open_session(p.now, &to_a, b"x", 0, 0);
    assert_eq!(requested, None, "a request: the full path accepts it");
    assert_eq!(
        p.a.send_on_open_session(p.now, &to_b, b"z", send::RELIABLE, 0),
        Some(result::OK)
    );
    let big = vec![0u8; MAX_MESSAGE_SIZE_SEND + 1];
    assert_eq!(
        p.a.send_on_open_session(p.now, &to_b, &big, 0, 0),
        None,
        "too big: the full path says why"
    );
    assert!(p.b.close_session_with_user(p.now, &to_a));
    p.drive_for(Duration::from_millis(100));
    assert_eq!(
        p.a.send_on_open_session(p.now, &to_b, b"x", 0, 0),
        None,
        "failed"
    );
    // Closed and opened again: the new session, not the one the last send went to.
    assert!(p.a.close_session_with_user(p.now, &to_b));
    p.auto_accept_b = true;
    assert_eq!(p.send_ab(b"again", send::RELIABLE, 3), result::OK);
    assert_eq!(p.send_ab(b"and again", send::RELIABLE, 3), result::OK);
    p.drive_for(Duration::from_millis(200));
    let got: Vec<Vec<u8>> =
        p.b.receive_messages_on_channel(3, 10)
            .into_iter()
            .map(|m| m.data)
            .collect();
    assert_eq!(got, vec![b"again".to_vec(), b"and again".to_vec()]);
    assert_eq!(p.state_a(), state::CONNECTED);
}

#[test]
fn closing_on_a_busy_peer_fails_it_until_it_restarts_the_session() {
    let mut p = Pair::new(ConfigTable::default());
    p.connect();
    let big = vec![1u8; 300_000];
    assert_eq!(p.send_ba(&big, send::RELIABLE, 0), result::OK);
    p.drive_for(Duration::from_millis(100));
    assert!(p
        .a
        .close_session_with_user(p.now, &Identity::SteamId(id_b())));
    p.drive_for(Duration::from_millis(500));
    let f = failed(&p.events_b);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].1.state, state::CLOSED_BY_PEER);
    assert_eq!(f[0].1.end_reason, end::SESSION_CLOSED);
    assert_eq!(p.state_b(), state::CLOSED_BY_PEER);
    assert_eq!(p.send_ba(b"x", send::RELIABLE, 0), result::NO_CONNECTION);
    let r = p.send_ba(b"x", send::RELIABLE | send::AUTO_RESTART_BROKEN_SESSION, 0);
    assert_eq!(r, result::OK);
    p.drive_for(Duration::from_millis(100));
    assert_eq!(requests(&p.events_a), 1);
    assert!(
        p.a.receive_messages_on_channel(0, 10).is_empty(),
        "held until accepted"
    );
}

#[test]
fn closing_channels_drops_unread_messages_and_the_last_one_closes_the_session() {
    let mut p = Pair::new(ConfigTable::default());
    p.connect();
    assert_eq!(p.send_ab(b"one", send::RELIABLE, 1), result::OK);
    assert_eq!(p.send_ab(b"two", send::RELIABLE, 2), result::OK);
    p.drive_for(Duration::from_millis(100));
    let a = Identity::SteamId(id_a());
    assert!(p.b.close_channel_with_user(p.now, &a, 1));
    assert!(p.b.receive_messages_on_channel(1, 10).is_empty());
    assert!(!p.b.close_channel_with_user(p.now, &a, 7));
    assert!(p.b.close_channel_with_user(p.now, &a, 2));
    assert_eq!(p.state_b(), state::CONNECTED, "channel 0 is still open");
    assert!(p.b.close_channel_with_user(p.now, &a, 0));
    assert_eq!(p.state_b(), state::NONE);
    p.drive_for(Duration::from_millis(500));
    assert_eq!(p.state_a(), state::NONE);
}

#[test]
fn an_unused_session_closes_quietly_after_three_minutes() {
    let mut p = Pair::new(ConfigTable::default());
    p.connect();
    p.drive_for(Duration::from_secs(170));
    assert_eq!(p.state_a(), state::CONNECTED);
    assert_eq!(p.state_b(), state::CONNECTED);
    p.drive_for(Duration::from_secs(15));
    assert_eq!(p.state_a(), state::NONE);
    assert_eq!(p.state_b(), state::NONE);
    assert!(failed(&p.events_a).is_empty() && failed(&p.events_b).is_empty());
}

#[test]
fn simultaneous_open_makes_one_session_both_ways() {
    let mut p = Pair::new(ConfigTable::default());
    p.auto_accept_b = false;
    assert_eq!(p.send_ab(b"from a", send::RELIABLE, 0), result::OK);
    assert_eq!(p.send_ba(b"from b", send::RELIABLE, 0), result::OK);
    p.drive_for(Duration::from_millis(500));
    assert_eq!(p.state_a(), state::CONNECTED);
    assert_eq!(p.state_b(), state::CONNECTED);
    assert_eq!(p.a.receive_messages_on_channel(0, 10).len(), 1);
    assert_eq!(p.b.receive_messages_on_channel(0, 10).len(), 1);
    assert!(failed(&p.events_a).is_empty() && failed(&p.events_b).is_empty());
    assert_eq!(p.a.stats().sessions, 1);
    assert_eq!(p.b.stats().sessions, 1);
}

#[test]
fn send_buffer_fills_at_512k_and_says_why() {
    let mut p = Pair::new(ConfigTable::default());
    p.connect();
    let chunk = vec![0u8; 1000];
    let mut accepted = 0;
    while p.send_ab(&chunk, send::RELIABLE, 0) == result::OK {
        accepted += 1;
        assert!(accepted < 10_000);
    }
    assert!((520..=525).contains(&accepted), "{accepted}");
    assert_eq!(p.send_ab(&chunk, send::RELIABLE, 0), result::LIMIT_EXCEEDED);
    let lines = p.a.drain_debug();
    assert!(lines.iter().any(|l| l.text.contains("SendBufferSize")
        && l.text.contains("SendRateMin")
        && l.text.contains(&format!("steamid:{}", id_b()))));
    let info = p.a.session_info(p.now, &Identity::SteamId(id_b()));
    assert!(info.status.pending_reliable > 500_000);
    assert_eq!(info.status.send_rate_bytes_per_second, 262_144);
}

#[test]
fn pacing_holds_the_configured_send_rate() {
    for rate in [262_144i32, 1_000_000] {
        let mut p = Pair::new(cfg_with(&[(config::SEND_RATE_MAX, rate)]));
        p.connect();
        let chunk = vec![0u8; 4000];
        let start = p.now;
        for _ in 0..1000 {
            while p.send_ab(&chunk, send::RELIABLE, 0) == result::OK {}
            p.drive_for(Duration::from_millis(10));
        }
        let measured = p.a_send_rate_since(start);
        assert!(
            (measured / rate as f64 - 1.0).abs() < 0.05,
            "rate {rate}: measured {measured:.0} B/s"
        );
    }
}

#[test]
fn a_rate_set_above_100_mib_paces_at_100_mib_as_on_steam() {
    let mut p = Pair::new(cfg_with(&[
        (config::SEND_RATE_MIN, 0x1000_0000),
        (config::SEND_RATE_MAX, 0x1000_0000),
    ]));
    p.connect();
    let chunk = vec![0u8; 64 * 1024];
    let mut start = p.now;
    // The first 50 ms spend the pacer's initial 20 ms burst; measure after it.
    for i in 0..350 {
        if i == 50 {
            start = p.now;
        }
        while p.send_ab(&chunk, send::RELIABLE, 0) == result::OK {}
        p.drive_for(Duration::from_millis(1));
        p.b.receive_messages_on_channel(0, 1000);
    }
    let measured = p.a_send_rate_since(start);
    assert!(
        (measured / config::SEND_RATE_CEILING - 1.0).abs() < 0.05,
        "measured {measured:.0} B/s"
    );
    let info = p.a.session_info(p.now, &Identity::SteamId(id_b()));
    assert_eq!(info.status.send_rate_bytes_per_second, 100 * 1024 * 1024);
}

#[test]
fn nagle_holds_small_messages_for_nagle_time_unless_told_not_to() {
    let mut p = Pair::new(ConfigTable::default());
    p.connect();
    p.drive_for(Duration::from_millis(200));
    let from_a = p.a_addr;
    let t0 = p.now;
    assert_eq!(p.send_ab(b"a", send::RELIABLE, 0), result::OK);
    p.drive_for(Duration::from_millis(1));
    assert_eq!(p.send_ab(b"b", send::RELIABLE, 0), result::OK);
    p.drive_for(Duration::from_millis(20));
    let sends: Vec<Instant> = p
        .log
        .iter()
        .filter(|(t, f, _)| *t >= t0 && *f == from_a)
        .map(|e| e.0)
        .collect();
    assert_eq!(sends[0] - t0, Duration::from_millis(5));
    assert_eq!(p.b.receive_messages_on_channel(0, 10).len(), 2);
    let t1 = p.now;
    assert_eq!(p.send_ab(b"c", send::RELIABLE_NO_NAGLE, 0), result::OK);
    p.drive_for(Duration::from_millis(20));
    let first = p.log.iter().find(|(t, f, _)| *t >= t1 && *f == from_a);
    assert_eq!(first.map(|e| e.0), Some(t1));
}

#[test]
fn a_quiet_send_makes_nothing_due_and_moves_no_timer() {
    let mut p = Pair::new(ConfigTable::default());
    p.connect();
    p.drive_for(Duration::from_millis(200));
    assert_eq!(p.send_ab(b"first", send::RELIABLE, 0), result::OK);
    assert!(
        !p.a.last_send_was_quiet(),
        "the first starts the Nagle wait"
    );
    p.flush();
    let mut quiet = 0;
    for i in 0..64u32 {
        let before = p.a.poll_timeout();
        let data = [i as u8; 64];
        let flags = if i % 2 == 0 {
            send::RELIABLE
        } else {
            send::UNRELIABLE
        };
        assert_eq!(p.send_ab(&data, flags, 0), result::OK);
        if p.a.last_send_was_quiet() {
            quiet += 1;
            assert_eq!(p.a.poll_timeout(), before, "send {i} moved a timer");
            assert!(
                p.a.poll_transmit(p.now).is_none(),
                "send {i} made a datagram due"
            );
        } else {
            p.flush();
        }
    }
    assert!(
        quiet > 32,
        "only {quiet} of 64 small Nagle'd sends were quiet"
    );
    assert_eq!(p.send_ab(b"now", send::RELIABLE_NO_NAGLE, 0), result::OK);
    assert!(!p.a.last_send_was_quiet());
    p.drive_for(Duration::from_millis(20));
    assert_eq!(p.b.receive_messages_on_channel(0, 100).len(), 66);
}

#[test]
fn unreliable_no_delay_is_ignored_before_the_session_connects() {
    let mut p = Pair::new(ConfigTable::default());
    assert_eq!(
        p.send_ab(b"x", send::UNRELIABLE_NO_DELAY, 0),
        result::IGNORED
    );
    p.connect();
    assert_eq!(p.send_ab(b"x", send::UNRELIABLE_NO_DELAY, 0), result::OK);
}

#[test]
fn a_full_receive_queue_drops_unreliable_and_holds_back_reliable() {
    let cb = cfg_with(&[(config::RECV_BUFFER_MESSAGES, 100)]);
    let mut p = Pair::with_configs(ConfigTable::default(), cb, 3);
    p.connect();
    for i in 0..100u32 {
        assert_eq!(p.send_ab(&i.to_le_bytes(), send::RELIABLE, 0), result::OK);
    }
    p.drive_for(Duration::from_millis(200));
    for _ in 0..50 {
        assert_eq!(p.send_ab(b"u", send::UNRELIABLE, 1), result::OK);
    }
    p.drive_for(Duration::from_millis(200));
    assert_eq!(p.b.stats().messages_dropped, 50);
    for i in 100..300u32 {
        assert_eq!(p.send_ab(&i.to_le_bytes(), send::RELIABLE, 0), result::OK);
    }
    p.drive_for(Duration::from_secs(2));
    let lines = p.b.drain_debug();
    assert!(lines.iter().any(|l| l.text.contains("RecvBufferMessages")));
    let mut got = Vec::new();
    for _ in 0..50 {
        for m in p.b.receive_messages_on_channel(0, 1000) {
            got.push(u32::from_le_bytes(m.data[..4].try_into().unwrap()));
        }
        p.drive_for(Duration::from_secs(1));
    }
    assert_eq!(got, (0..300).collect::<Vec<_>>());
    assert_eq!(p.b.stats().messages_dropped, 50);
    assert!(p.b.receive_messages_on_channel(1, 100).is_empty());
}

#[test]
fn a_run_of_unreliable_drops_is_one_debug_line_and_a_count() {
    let cb = cfg_with(&[(config::RECV_BUFFER_MESSAGES, 10)]);
    let mut p = Pair::with_configs(ConfigTable::default(), cb, 3);
    p.connect();
    for _ in 0..60 {
        assert_eq!(p.send_ab(b"u", send::UNRELIABLE, 1), result::OK);
    }
    p.drive_for(Duration::from_millis(200));
    assert_eq!(p.b.stats().messages_dropped, 50);
    let named =
        |lines: &[DebugLine], what: &str| lines.iter().filter(|l| l.text.contains(what)).count();
    let lines = p.b.drain_debug();
    assert_eq!(named(&lines, "dropped: receive queue full"), 1);
    assert_eq!(p.b.receive_messages_on_channel(1, 100).len(), 10);
    assert_eq!(p.send_ab(b"after", send::UNRELIABLE, 1), result::OK);
    p.drive_for(Duration::from_millis(200));
    let lines = p.b.drain_debug();
    assert_eq!(
        named(&lines, "49 more unreliable messages dropped"),
        1,
        "{:?}",
        lines.iter().map(|l| &l.text).collect::<Vec<_>>()
    );
    assert_eq!(p.b.receive_messages_on_channel(1, 100).len(), 1);
}

#[test]
fn messages_over_recv_max_message_size_are_refused_and_counted() {
    let cb = cfg_with(&[(config::RECV_MAX_MESSAGE_SIZE, 2000)]);
    let mut p = Pair::with_configs(ConfigTable::default(), cb, 4);
    p.connect();
    assert_eq!(p.send_ab(&[1u8; 5000], send::RELIABLE, 0), result::OK);
    assert_eq!(p.send_ab(&[2u8; 100], send::RELIABLE, 0), result::OK);
    assert_eq!(p.send_ab(&[3u8; 5000], send::UNRELIABLE, 0), result::OK);
    p.drive_for(Duration::from_millis(200));
    let got = p.b.receive_messages_on_channel(0, 10);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].data, vec![2u8; 100]);
    assert_eq!(p.b.stats().messages_dropped, 2);
    assert!(p
        .b
        .drain_debug()
        .iter()
        .any(|l| l.text.contains("RecvMaxMessageSize")));
}

#[test]
fn session_info_reports_measurements() {
    let mut p = Pair::new(ConfigTable::default());
    p.latency = Duration::from_millis(20);
    assert_eq!(
        p.a.session_info(p.now, &Identity::SteamId(id_b())),
        SessionInfo::default()
    );
    assert_eq!(p.send_ab(b"hi", send::RELIABLE, 0), result::OK);
    for _ in 0..100 {
        p.send_ab(&[0u8; 1000], send::RELIABLE, 0);
        p.drive_for(Duration::from_millis(10));
    }
    let s = p.a.session_info(p.now, &Identity::SteamId(id_b()));
    assert_eq!(s.state, state::CONNECTED);
    assert!((38..=50).contains(&s.status.ping), "{}", s.status.ping);
    assert!(s.status.out_packets_per_sec > 10.0 && s.status.out_bytes_per_sec > 10_000.0);
    assert!(s.status.in_packets_per_sec > 10.0);
    assert!(s.status.quality_remote > 0.99 && s.status.quality_local > 0.99);
    assert_eq!(s.info.addr_remote, "127.0.0.1:40002");
    assert!(s
        .info
        .connection_description
        .contains(&format!("steamid:{}", id_b())));
}

#[test]
fn shutdown_closes_every_session_on_the_peer() {
    let mut p = Pair::new(ConfigTable::default());
    p.connect();
    assert_eq!(
        p.send_ba(&vec![0u8; 200_000], send::RELIABLE, 0),
        result::OK
    );
    p.drive_for(Duration::from_millis(50));
    let now = p.now;
    p.a.shutdown(now);
    assert_eq!(p.a.stats().sessions, 0);
    p.drive_for(Duration::from_millis(100));
    let f = failed(&p.events_b);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].1.end_reason, end::SESSION_CLOSED);
}

/// A real data datagram from a to b, to tamper with.
fn captured_data(p: &mut Pair) -> Vec<u8> {
    assert_eq!(p.send_ab(b"sample", send::RELIABLE_NO_NAGLE, 0), result::OK);
    let now = p.now;
    loop {
        let t = p.a.poll_transmit(now).expect("a data datagram");
        if matches!(wire::decode(&t.payload), Some((_, Packet::Data { .. }))) {
            return t.payload;
        }
    }
}

#[test]
fn hostile_datagrams_are_counted_and_dropped() {
    let mut p = Pair::new(ConfigTable::default());
    p.connect();
    let data = captured_data(&mut p);
    let (from, now) = (p.a_addr, p.now);
    let before = p.b.stats().datagrams_dropped;
    let mut hostile: Vec<Vec<u8>> = Vec::new();
    for cut in [0, 3, 5, 13, 21, data.len() - 1] {
        hostile.push(data[..cut].to_vec());
    }
    let mut bad_magic = data.clone();
    bad_magic[0] = b'X';
    hostile.push(bad_magic);
    let mut bad_version = data.clone();
    bad_version[4] = 99;
    hostile.push(bad_version);
    let mut unknown_conn = data.clone();
    unknown_conn[6] ^= 0xFF;
    hostile.push(unknown_conn);
    let mut bad_type = data.clone();
    bad_type[5] = 77;
    hostile.push(bad_type);
    hostile.push(wire::encode_connect(5, 12345, id_a(), id_b()));
    hostile.push(wire::encode_hello(0, id_a(), id_b()));
    hostile.push(wire::encode_close(0, 999, 1001));
    // A fragment claiming 4 GiB, on the real connection id.
    let (conn, _) = wire::decode(&data).unwrap();
    let mut huge = wire::start_data(conn, 1_000_000, 64);
    wire::put_segment(
        &mut huge,
        &wire::Segment {
            reliable: true,
            channel: 0,
            seq: 1,
            total: u32::MAX,
            offset: 0,
            data: b"x",
        },
    );
    hostile.push(huge);
    let n = hostile.len() as u64;
    for h in &hostile {
        p.b.handle_datagram(now, from, h);
    }
    // From the wrong address, even a perfect copy is refused.
    p.b.handle_datagram(now, "127.0.0.1:9".parse().unwrap(), &data);
    assert_eq!(p.b.stats().datagrams_dropped - before, n + 1);
    assert_eq!(p.b.stats().sessions, 1);
    assert_eq!(p.b.stats().pending_requests, 0);
    p.drive_for(Duration::from_millis(200));
    assert_eq!(p.state_b(), state::CONNECTED);
    let got = p.b.receive_messages_on_channel(0, 10);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].data, b"sample");
}

#[test]
fn random_bytes_never_panic_and_never_open_sessions() {
    let mut p = Pair::new(ConfigTable::default());
    p.connect();
    let data = captured_data(&mut p);
    let (from, now) = (p.a_addr, p.now);
    let mut rng = Rng::new(99);
    for i in 0..50_000 {
        let len = rng.below(200) as usize;
        let mut buf: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
        if i % 3 == 0 && len >= 14 {
            // Valid prefix and a real connection id, random body: reaches the frame decoder.
            buf[..14].copy_from_slice(&data[..14]);
        }
        if i % 7 == 0 {
            // Corrupt the header only: the body carries no checksum (UDP's covers it), so a
            // corrupted body could be a valid message on another channel.
            let mut m = data.clone();
            let k = rng.below(wire::HEADER_LEN as u64) as usize;
            m[k] = rng.next_u64() as u8;
            buf = m;
        }
        p.b.handle_datagram(now, from, &buf);
    }
    assert_eq!(p.b.stats().pending_requests, 0);
    assert_eq!(p.b.stats().sessions, 1);
    assert!(p.b.stats().datagrams_dropped > 40_000);
    p.drive_for(Duration::from_millis(300));
    assert_eq!(p.send_ab(b"still fine", send::RELIABLE, 3), result::OK);
    p.drive_for(Duration::from_millis(300));
    assert_eq!(p.b.receive_messages_on_channel(3, 10).len(), 1);
}

#[test]
fn random_loss_patterns_deliver_every_reliable_message_in_order() {
    for seed in 0..12u64 {
        let mut p = Pair::with_configs(
            cfg_with(&[(config::SEND_RATE_MAX, 5_000_000)]),
            ConfigTable::default(),
            seed,
        );
        let mut rng = Rng::new(seed);
        p.loss = rng.below(40) as f64;
        p.dup = rng.below(10) as f64;
        p.reorder = rng.below(30) as f64;
        p.latency = Duration::from_millis(1 + rng.below(30));
        let sizes: Vec<usize> = (0..60).map(|_| rng.below(6000) as usize).collect();
        for (i, &n) in sizes.iter().enumerate() {
            let body = vec![i as u8; n];
            assert_eq!(p.send_ab(&body, send::RELIABLE, (i % 2) as i32), result::OK);
        }
        p.drive_for(Duration::from_secs(60));
        let mut got: Vec<Vec<u8>> =
            p.b.receive_messages_on_channel(0, 1000)
                .into_iter()
                .map(|m| m.data)
                .collect();
        got.extend(
            p.b.receive_messages_on_channel(1, 1000)
                .into_iter()
                .map(|m| m.data),
        );
        let mut want: Vec<Vec<u8>> = sizes
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 2 == 0)
            .map(|(i, &n)| vec![i as u8; n])
            .collect();
        want.extend(
            sizes
                .iter()
                .enumerate()
                .filter(|(i, _)| i % 2 == 1)
                .map(|(i, &n)| vec![i as u8; n]),
        );
        assert!(
            got == want,
            "seed {seed}: loss {} dup {} reorder {}",
            p.loss,
            p.dup,
            p.reorder
        );
    }
}

#[test]
fn the_netsim_can_sit_in_the_datagram_path() {
    use crate::offline::netsim::{Direction, Netsim};
    let mut cfg = ConfigTable::default();
    assert!(cfg.set(config::FAKE_PACKET_LOSS_SEND, &ConfigValue::Float(10.0)));
    assert!(cfg.set(config::FAKE_PACKET_LAG_SEND, &ConfigValue::Int32(15)));
    assert!(cfg.set(
        config::FAKE_PACKET_JITTER_SEND_AVG,
        &ConfigValue::Float(5.0)
    ));
    let mut p = Pair::new(ConfigTable::default());
    let (mut pushed, mut delivered) = (0, 0);
    let mut first_push = None;
    let mut first_delivery = None;
    let mut sim = Netsim::new(5);
    let (a_addr, b_addr) = (p.a_addr, p.b_addr);
    let peer = Identity::SteamId(id_b());
    for i in 0..200u32 {
        assert_eq!(
            p.a.send_message_to_user(
                p.now,
                &peer,
                Some(b_addr),
                &i.to_le_bytes(),
                send::RELIABLE,
                0
            ),
            result::OK
        );
    }
    let end = p.now + Duration::from_secs(30);
    while p.now < end {
        let now = p.now;
        for ep in [&mut p.a, &mut p.b] {
            ep.handle_timeout(now);
        }
        while let Some(t) = p.a.poll_transmit(now) {
            sim.push(now, &cfg, Direction::Send, t.destination, t.payload);
            pushed += 1;
            first_push.get_or_insert(now);
        }
        while let Some(t) = p.b.poll_transmit(now) {
            p.a.handle_datagram(now, b_addr, &t.payload);
        }
        while let Some((to, d)) = sim.poll(now, Direction::Send) {
            assert_eq!(to, b_addr);
            p.b.handle_datagram(now, a_addr, &d);
            delivered += 1;
            first_delivery.get_or_insert(now);
        }
        while let Some(Event::SessionRequest { remote }) = p.b.poll_event() {
            p.b.accept_session_with_user(now, &remote);
        }
        p.now += Duration::from_millis(1);
    }
    let got: Vec<u32> =
        p.b.receive_messages_on_channel(0, 1000)
            .iter()
            .map(|m| u32::from_le_bytes(m.data[..4].try_into().unwrap()))
            .collect();
    assert_eq!(got, (0..200).collect::<Vec<_>>());
    // The netsim acted: datagrams were lost and none arrived before the fake lag.
    assert!(delivered < pushed, "{delivered} of {pushed} delivered");
    let lag = first_delivery.zip(first_push).map(|(d, p)| d - p);
    assert!(lag >= Some(Duration::from_millis(15)), "{lag:?}");
}

#[test]
fn a_queue_slower_than_a_second_is_explained_once_per_five_seconds() {
    let mut p = Pair::new(ConfigTable::default());
    p.connect();
    p.a.drain_debug();
    let chunk = vec![0u8; 1000];
    // 400 KB at Steam's default 256 KiB/s is about 1.5 s of queue.
    for _ in 0..400 {
        assert_eq!(p.send_ab(&chunk, send::RELIABLE, 0), result::OK);
    }
    let slow = |lines: &[crate::messages::DebugLine]| {
        lines
            .iter()
            .filter(|l| {
                l.text.contains("queued take") && l.text.contains("SendRateMin/SendRateMax")
            })
            .count()
    };
    assert_eq!(slow(&p.a.drain_debug()), 1);
    p.drive_for(Duration::from_secs(6));
    for _ in 0..400 {
        assert_eq!(p.send_ab(&chunk, send::RELIABLE, 0), result::OK);
    }
    assert_eq!(slow(&p.a.drain_debug()), 1);
}

/// The send rate a connected session reports after `settings` are set on it, in order.
fn live_send_rate_after(settings: &[(i32, i32)]) -> i32 {
    let mut p = Pair::new(ConfigTable::default());
    p.connect();
    let mut config = p.a.config().clone();
    for &(key, value) in settings {
        assert!(config.set(key, &ConfigValue::Int32(value)));
    }
    p.a.set_config(config);
    let info = p.a.session_info(p.now, &Identity::SteamId(id_b()));
    info.status.send_rate_bytes_per_second
}

#[test]
fn raising_the_send_rate_takes_effect_on_a_live_session() {
    let rate = live_send_rate_after(&[
        (config::SEND_RATE_MAX, 4_000_000),
        (config::SEND_RATE_MIN, 4_000_000),
    ]);
    assert_eq!(rate, 4_000_000);
}

#[test]
fn a_send_rate_min_above_max_wins_as_on_steam() {
    let rate = live_send_rate_after(&[
        (config::SEND_RATE_MIN, 1_000_000),
        (config::SEND_RATE_MAX, 512 * 1024),
    ]);
    assert_eq!(rate, 1_000_000);
}

fn keyed_pair(key_a: Option<&[u8]>, key_b: Option<&[u8]>) -> Pair {
    let mut p = Pair::new(ConfigTable::default());
    p.a.set_packet_key(key_a.map(|k| crypto::PacketKey::new(k, [1; 16])));
    p.b.set_packet_key(key_b.map(|k| crypto::PacketKey::new(k, [2; 16])));
    p
}

#[test]
fn peers_with_the_same_key_talk_and_every_datagram_is_sealed() {
    let mut p = keyed_pair(Some(b"lan party"), Some(b"lan party"));
    p.connect();
    assert_eq!(p.send_ab(b"sealed", send::RELIABLE_NO_NAGLE, 1), result::OK);
    let mut sent = Vec::new();
    while let Some(t) = p.a.poll_transmit(p.now) {
        sent.push(t.clone());
        p.put(p.a_addr, t);
    }
    assert!(!sent.is_empty());
    for t in &sent {
        assert!(crypto::is_sealed(&t.payload));
        assert!(
            !t.payload.windows(6).any(|w| w == b"sealed"),
            "plaintext on the wire"
        );
    }
    p.drive_for(Duration::from_millis(100));
    let got = p.b.receive_messages_on_channel(1, 10);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].data, b"sealed");
    assert_eq!(p.b.stats().datagrams_unauthenticated, 0);
}

#[test]
fn peers_with_different_keys_or_one_without_never_connect() {
    for (ka, kb) in [
        (Some(&b"key one"[..]), Some(&b"key two"[..])),
        (Some(&b"key one"[..]), None),
        (None, Some(&b"key two"[..])),
    ] {
        let mut p = keyed_pair(ka, kb);
        assert_eq!(p.send_ab(b"hi", send::RELIABLE, 0), result::OK);
        p.drive_for(Duration::from_secs(12));
        assert_eq!(p.b.stats().sessions, 0, "b took a session ({ka:?}, {kb:?})");
        assert!(requests(&p.events_b) == 0);
        assert!(p.b.stats().datagrams_unauthenticated > 0);
        assert_eq!(p.b.stats().challenges_sent, 0);
        let f = failed(&p.events_a);
        assert_eq!(f.len(), 1, "a's session fails after TimeoutInitial");
        assert_eq!(f[0].1.end_reason, end::MISC_TIMEOUT);
    }
}

#[test]
fn a_forged_hello_claiming_another_steamid_is_refused_without_the_key() {
    let mut p = keyed_pair(Some(b"k"), Some(b"k"));
    let before = p.b.stats();
    // Whoever lacks the key can only send plain datagrams (or garbage posing as sealed ones).
    let hello = wire::encode_hello(77, id_a(), id_b());
    p.b.handle_datagram(p.now, p.a_addr, &hello);
    let mut fake = crypto::SEALED_MAGIC.to_vec();
    fake.extend_from_slice(&[0u8; 80]);
    p.b.handle_datagram(p.now, p.a_addr, &fake);
    let after = p.b.stats();
    assert_eq!(
        after.datagrams_unauthenticated - before.datagrams_unauthenticated,
        2
    );
    assert_eq!(after.challenges_sent, 0);
    assert!(
        p.b.poll_transmit(p.now).is_none(),
        "nothing goes back to a forger"
    );
}

/// A full handshake from `from` claiming `claimed`, as an attacker that passes the cookie would
/// make it: Hello, read the Challenge, Connect with its cookie.
fn handshake_from(e: &mut Endpoint, now: Instant, from: SocketAddr, initiator: u64, claimed: u64) {
    let to = e.local_steam_id();
    e.handle_datagram(now, from, &wire::encode_hello(initiator, claimed, to));
    let t = e.poll_transmit(now).expect("a Challenge for the Hello");
    assert_eq!(t.destination, from);
    let Some((_, wire::Packet::Challenge { cookie })) = wire::decode(&t.payload) else {
        panic!("not a Challenge");
    };
    e.handle_datagram(
        now,
        from,
        &wire::encode_connect(initiator, cookie, claimed, to),
    );
}

/// The `n`th start from a source claiming made-up SteamIDs.
fn fake_start(e: &mut Endpoint, now: Instant, from: SocketAddr, n: u64) {
    handshake_from(e, now, from, 100 + n, steamid::individual(5000 + n as u32));
}

fn session_requests(e: &mut Endpoint) -> Vec<Identity> {
    std::iter::from_fn(|| e.poll_event())
        .filter_map(|ev| match ev {
            Event::SessionRequest { remote } => Some(remote),
            _ => None,
        })
        .collect()
}

#[test]
fn one_address_cannot_take_every_pending_request_slot() {
    let now = Instant::now();
    let mut b = Endpoint::new(id_b(), ConfigTable::default(), now, 5);
    let attacker: SocketAddr = "127.0.0.1:41000".parse().unwrap();
    for i in 0..MAX_PENDING_REQUESTS as u64 {
        fake_start(&mut b, now, attacker, i);
    }
    let st = b.stats();
    assert_eq!(st.pending_requests, MAX_PENDING_REQUESTS_PER_ADDRESS as u64);
    assert_eq!(
        st.requests_refused_per_address,
        (MAX_PENDING_REQUESTS - MAX_PENDING_REQUESTS_PER_ADDRESS) as u64
    );
    assert_eq!(st.requests_refused, 0);
    let refusals = b
        .drain_debug()
        .iter()
        .filter(|l| {
            l.text
                .contains("too many pending session requests from this address")
        })
        .count();
    assert_eq!(
        refusals,
        MAX_PENDING_REQUESTS - MAX_PENDING_REQUESTS_PER_ADDRESS
    );
    assert_eq!(
        session_requests(&mut b).len(),
        MAX_PENDING_REQUESTS_PER_ADDRESS
    );
    // A real peer on the same host, another port, still gets through.
    let real: SocketAddr = "127.0.0.1:41001".parse().unwrap();
    handshake_from(&mut b, now, real, 9, id_a());
    assert_eq!(session_requests(&mut b), vec![Identity::SteamId(id_a())]);
}

#[test]
fn the_overall_pending_limit_holds_across_addresses() {
    let now = Instant::now();
    let mut b = Endpoint::new(id_b(), ConfigTable::default(), now, 6);
    let per = MAX_PENDING_REQUESTS_PER_ADDRESS;
    let addresses = MAX_PENDING_REQUESTS / per + 1;
    for a in 0..addresses {
        let from = SocketAddr::from(([127, 0, 0, 1], 42000 + a as u16));
        for i in 0..per {
            fake_start(&mut b, now, from, (a * per + i) as u64);
        }
    }
    let st = b.stats();
    assert_eq!(st.pending_requests, MAX_PENDING_REQUESTS as u64);
    assert_eq!(st.requests_refused, per as u64);
    assert_eq!(st.requests_refused_per_address, 0);
}

#[test]
fn one_address_holds_at_most_max_sessions_per_address() {
    let now = Instant::now();
    let mut b = Endpoint::new(id_b(), ConfigTable::default(), now, 7);
    let attacker: SocketAddr = "127.0.0.1:43000".parse().unwrap();
    // Accepted in batches, so the pending limit never stops it first.
    for i in 0..MAX_SESSIONS_PER_ADDRESS as u64 + 3 {
        fake_start(&mut b, now, attacker, i);
        for peer in session_requests(&mut b) {
            assert!(b.accept_session_with_user(now, &peer));
        }
        while b.poll_transmit(now).is_some() {}
    }
    let st = b.stats();
    assert_eq!(st.sessions, MAX_SESSIONS_PER_ADDRESS as u64);
    assert_eq!(st.pending_requests, 0);
    assert_eq!(st.sessions_refused_per_address, 3);
    assert_eq!(st.sessions_refused, 0);
    assert!(b
        .drain_debug()
        .iter()
        .any(|l| l.text.contains("too many sessions with this address")));
}

/// Forges data datagrams as a hostile peer would on its own connection: b's real connection
/// id, packet numbers from `pn` on (the first call passes 0: just past a's), and the segments
/// `seg(i)` gives for the i-th datagram, fed to b at once. Returns the next packet number.
fn forge_segments<'a>(
    p: &mut Pair,
    pn: u64,
    datagrams: u64,
    seg: impl Fn(u64) -> Vec<wire::Segment<'a>>,
) -> u64 {
    let data = captured_data(p);
    let Some((conn, Packet::Data { number, .. })) = wire::decode(&data) else {
        panic!("a data datagram");
    };
    let first = pn.max(number + 1);
    let (from, now) = (p.a_addr, p.now);
    for i in 0..datagrams {
        let mut d = wire::start_data(conn, first + i, 1400);
        for s in seg(i) {
            wire::put_segment(&mut d, &s);
        }
        p.b.handle_datagram(now, from, &d);
    }
    first + datagrams
}

/// The first byte of a message of `total` bytes.
fn one_byte_of(reliable: bool, channel: i32, seq: u64, total: u32) -> wire::Segment<'static> {
    wire::Segment {
        reliable,
        channel,
        seq,
        total,
        offset: 0,
        data: b"x",
    }
}

fn session_b(p: &Pair) -> &Session {
    p.b.sessions.values().next().expect("b's session")
}

/// The session still takes a message after whatever the test fed it. (The forged packet
/// numbers are a's future ones, so a's own datagrams would now count as duplicates.)
fn still_delivers(p: &mut Pair, pn: u64) {
    forge_segments(p, pn, 1, |_| {
        vec![wire::Segment {
            reliable: false,
            channel: 0,
            seq: 1 << 40,
            total: 7,
            offset: 0,
            data: b"genuine",
        }]
    });
    let got = p.b.receive_messages_on_channel(0, 100);
    assert!(got.iter().any(|m| m.data == b"genuine"));
}

#[test]
fn fragments_claiming_tiny_messages_open_a_bounded_number_of_reassemblies() {
    let mut p = Pair::new(ConfigTable::default());
    p.connect();
    // 160 000 unreliable one-byte fragments of two-byte messages, each its own reassembly.
    let pn = forge_segments(&mut p, 0, 20_000, |i| {
        (0..8)
            .map(|k| one_byte_of(false, (i % 3000) as i32, i * 8 + k, 2))
            .collect()
    });
    let s = session_b(&p);
    assert!(s.recv.reassemblies() <= 8192, "8192 per session");
    assert!(s.recv.buffered_bytes() <= session::SESSION_REASSEMBLY_MAX);
    assert_eq!(
        s.recv.buffered_bytes(),
        s.recv.reassemblies() * (recv_buffer::REASSEMBLY_OVERHEAD + 2)
    );
    let st = p.b.stats();
    assert_eq!(
        st.fragments_dropped,
        160_000 - s.recv.reassemblies() as u64,
        "every fragment not taken is counted"
    );
    let lines = p.b.drain_debug();
    assert!(lines.iter().any(|l| l
        .text
        .contains("dropped: too many messages partly received")));
    assert!(lines.len() < 20, "one line per run of drops, not per drop");
    still_delivers(&mut p, pn);
}

#[test]
fn reliable_fragments_on_many_channels_hold_back_past_the_channel_and_reassembly_limits() {
    // A receive queue that takes the first message of every channel tried.
    let cb = cfg_with(&[(config::RECV_BUFFER_MESSAGES, 100_000)]);
    let mut p = Pair::with_configs(ConfigTable::default(), cb, 1);
    p.connect();
    // Whole messages that are first on their channel: no reassembly, but a channel's state each.
    let pn = forge_segments(&mut p, 0, 1000, |i| {
        (0..4)
            .map(|k| one_byte_of(true, 100 + (i * 4 + k) as i32, 0, 1))
            .collect()
    });
    assert!(
        session_b(&p).recv.channels_with_state() <= 1024 + 4,
        "1024 per session"
    );
    let held = p.b.stats().datagrams_held_back;
    assert!(held > 0);
    // Then fragments of messages ahead of the next one, on channels that exist.
    let pn = forge_segments(&mut p, pn, 10_000, |i| {
        (0..8)
            .map(|k| one_byte_of(true, 100 + k, 1 + i, 2))
            .collect()
    });
    let s = session_b(&p);
    assert!(s.recv.reassemblies() <= 8192, "8192 per session");
    assert!(s.recv.buffered_bytes() <= session::SESSION_REASSEMBLY_MAX);
    assert!(p.b.stats().datagrams_held_back > held);
    let lines = p.b.drain_debug();
    for why in ["too many channels", "too many messages partly received"] {
        assert!(
            lines.iter().any(|l| l.text.contains(why)),
            "{why}: {:?}",
            lines.iter().map(|l| &l.text).collect::<Vec<_>>()
        );
    }
    still_delivers(&mut p, pn);
}

#[test]
fn overlapping_unreliable_fragments_never_deliver_a_message_with_a_hole() {
    let mut p = Pair::new(ConfigTable::default());
    p.connect();
    let first = [1u8; 20];
    let second = [2u8; 20];
    forge_segments(&mut p, 0, 2, |i| {
        vec![wire::Segment {
            reliable: false,
            channel: 7,
            seq: 0,
            total: 30,
            offset: if i == 0 { 0 } else { 10 },
            data: if i == 0 { &first } else { &second },
        }]
    });
    assert!(p.b.receive_messages_on_channel(7, 10).is_empty());
}

#[test]
fn a_datagram_longer_than_any_endpoint_sends_is_counted_and_dropped() {
    let mut p = Pair::new(ConfigTable::default());
    p.connect();
    let mut data = captured_data(&mut p);
    let before = p.b.stats();
    assert_eq!(wire::MAX_DATAGRAM, 1584, "the figure README.md gives");
    data.resize(wire::MAX_DATAGRAM + 1, 0);
    p.b.handle_datagram(p.now, p.a_addr, &data);
    let after = p.b.stats();
    assert_eq!(after.datagrams_oversized, before.datagrams_oversized + 1);
    assert_eq!(after.datagrams_dropped, before.datagrams_dropped + 1);
    assert!(p.b.drain_debug().iter().any(|l| l
        .text
        .contains("longer than any datagram an endpoint sends")));
}

#[test]
fn no_endpoint_sends_a_datagram_longer_than_it_takes() {
    let cfg = cfg_with(&[
        (config::MTU_PACKET_SIZE, wire::MTU_MAX as i32),
        (config::SEND_RATE_MAX, 20_000_000),
    ]);
    let mut p = keyed_pair(Some(b"k"), Some(b"k"));
    p.a.set_config(cfg.clone());
    p.b.set_config(cfg);
    p.connect();
    // Loss leaves gaps, so acks carry many ranges next to full fragments.
    p.loss = 10.0;
    let big = vec![5u8; MAX_MESSAGE_SIZE_SEND];
    assert_eq!(p.send_ab(&big, send::RELIABLE, 1), result::OK);
    assert_eq!(p.send_ba(&big, send::RELIABLE, 1), result::OK);
    p.drive_for(Duration::from_secs(20));
    assert_eq!(p.b.receive_messages_on_channel(1, 10).len(), 1);
    let longest = p.log.iter().map(|&(_, _, len)| len).max().unwrap_or(0);
    assert!(longest > wire::MTU_MAX, "the test reaches the limit");
    assert!(longest <= wire::MAX_DATAGRAM, "{longest}");
    assert_eq!(p.b.stats().datagrams_oversized, 0);
}

#[test]
fn an_unreliable_message_whose_fragments_stop_coming_expires_counted_and_reported() {
    let mut p = Pair::new(ConfigTable::default());
    p.connect();
    forge_segments(&mut p, 0, 1, |_| vec![one_byte_of(false, 3, 9, 2000)]);
    assert_eq!(session_b(&p).recv.reassemblies(), 1);
    p.drive_for(recv_buffer::UNRELIABLE_EXPIRY + Duration::from_millis(500));
    assert_eq!(session_b(&p).recv.reassemblies(), 0);
    assert_eq!(p.b.stats().reassemblies_expired, 1);
    assert!(p.b.drain_debug().iter().any(|l| l
        .text
        .contains("1 unreliable messages partly received for 3 s dropped")));
}

#[test]
fn callbacks_dropped_for_want_of_run_callbacks_are_counted_and_reported() {
    let mut e = Endpoint::new(id_a(), ConfigTable::default(), Instant::now(), 1);
    for _ in 0..MAX_EVENTS + 10 {
        e.push_event(Event::SessionRequest {
            remote: Identity::SteamId(id_b()),
        });
    }
    assert_eq!(e.stats().events_dropped, 10);
    let lines = e.drain_debug();
    let named = |what: &str| lines.iter().filter(|l| l.text.contains(what)).count();
    assert_eq!(named("oldest callback dropped"), 1);
    e.handle_timeout(e.last_now + Duration::from_secs(2));
    let lines = e.drain_debug();
    assert!(lines
        .iter()
        .any(|l| l.text.contains("9 more callbacks dropped")));
}

#[test]
fn an_accept_lost_after_the_cookie_expired_is_sent_again() {
    let cfg = cfg_with(&[
        (config::TIMEOUT_INITIAL, 60_000),
        (config::TIMEOUT_CONNECTED, 60_000),
    ]);
    let mut p = Pair::new(cfg);
    p.auto_accept_b = false;
    assert_eq!(p.send_ab(b"hi", send::RELIABLE, 0), result::OK);
    p.drive_for(Duration::from_millis(100));
    assert_eq!(requests(&p.events_b), 1);
    // The Accept is lost, and so is everything else until a's cookie is long stale.
    p.cut = true;
    assert!(p
        .b
        .accept_session_with_user(p.now, &Identity::SteamId(id_a())));
    p.drive_for(Duration::from_secs(30));
    assert_eq!(p.state_a(), state::CONNECTING);
    p.cut = false;
    p.drive_for(Duration::from_secs(3));
    assert_eq!(p.state_a(), state::CONNECTED);
    assert_eq!(p.b.receive_messages_on_channel(0, 10).len(), 1);
}
