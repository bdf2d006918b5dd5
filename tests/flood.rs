//! A flood on loopback against the real offline backend (socket, service thread, core): 100 000
//! junk datagrams and 1 000 fake session starts (Hellos claiming random SteamIDs, Connects with
//! bad cookies, cookies replayed from another address, and real handshakes nobody accepts) from
//! four attacker sockets, while a real session keeps exchanging reliable messages. Memory stays
//! bounded (counters and VmRSS), the attackers get back no more bytes than their Hellos carried,
//! and the real session delivers every message, in order, throughout. Halfway through, a new
//! peer opens a session and trades messages with the flooded one: the per-address limits keep
//! room for it. The figures go to stdout: `cargo test --test flood -- --nocapture` shows them.

use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};
use steam_messages::identity::Identity;
use steam_messages::messages::{Backend, Event};
use steam_messages::offline::options::OfflineOptions;
use steam_messages::offline::proto::{wire, MAX_PENDING_REQUESTS_PER_ADDRESS};
use steam_messages::offline::OfflineBackend;
use steam_messages::steamid;

const JUNK: usize = 100_000;
const FAKE_STARTS: usize = 1_000;
const ROUNDS: usize = 10;
const RELIABLE: i32 = 8;
const ATTACKERS: usize = 4;
/// The channel the peer that joins mid-flood uses, both ways.
const LATE_CHANNEL: i32 = 1;

/// A field of /proc/self/status in kB (or a count), when there is one.
fn proc_status(field: &str) -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = text.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

struct XorShift(u64);
impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn stat(b: &mut OfflineBackend, name: &str) -> i64 {
    b.stats()
        .into_iter()
        .find(|(k, _)| *k == name)
        .map_or(-1, |(_, v)| v)
}

/// A peer that opens its session with b in the middle of the flood: it sends to b, b answers
/// each message, both in order.
struct Late {
    c: OfflineBackend,
    id: Identity,
    sent: usize,
    /// c's messages b received (and answered).
    received: usize,
    /// b's answers c received.
    answers: usize,
}

/// Receives what waits on `channel`, each "`prefix` n" with n counting on from `count`; returns
/// the numbers taken.
fn take_in_order(
    to: &mut OfflineBackend,
    channel: i32,
    prefix: &str,
    count: &mut usize,
) -> std::ops::Range<usize> {
    let first = *count;
    for m in to.receive_messages_on_channel(channel, 10_000) {
        let want = format!("{prefix} {count}");
        assert_eq!(
            String::from_utf8_lossy(&m.data),
            want,
            "{prefix}: out of order or lost"
        );
        *count += 1;
    }
    first..*count
}

struct Real {
    a: OfflineBackend,
    b: OfflineBackend,
    to_b: Identity,
    a_id: Identity,
    sent: usize,
    received: usize,
    late: Option<Late>,
}

impl Real {
    fn send(&mut self) {
        let msg = format!("real {}", self.sent);
        let r = self
            .a
            .send_message_to_user(&self.to_b, msg.as_bytes(), RELIABLE, 0);
        assert_eq!(r, 1, "a real send failed with EResult {r}");
        self.sent += 1;
    }

    fn send_late(&mut self) {
        let Some(l) = &mut self.late else {
            return;
        };
        let msg = format!("late {}", l.sent);
        let r =
            l.c.send_message_to_user(&self.to_b, msg.as_bytes(), RELIABLE, LATE_CHANNEL);
        assert_eq!(r, 1, "the late peer's send failed with EResult {r}");
        l.sent += 1;
    }

    /// Receives on b (accepting only the real peers), checking order.
    fn pump(&mut self) {
        for e in self.b.run_callbacks() {
            if let Event::SessionRequest { remote } = e {
                let late = self.late.as_ref().is_some_and(|l| l.id == remote);
                if remote == self.a_id || late {
                    self.b.accept_session_with_user(&remote);
                }
            }
        }
        if let Some(l) = &mut self.late {
            for n in take_in_order(&mut self.b, LATE_CHANNEL, "late", &mut l.received) {
                let answer = format!("answer {n}");
                let r =
                    self.b
                        .send_message_to_user(&l.id, answer.as_bytes(), RELIABLE, LATE_CHANNEL);
                assert_eq!(r, 1, "b's answer failed with EResult {r}");
            }
            l.c.run_callbacks();
            l.c.drain_debug_output(0);
            take_in_order(&mut l.c, LATE_CHANNEL, "answer", &mut l.answers);
        }
        self.a.run_callbacks();
        self.a.drain_debug_output(0);
        self.b.drain_debug_output(0);
        take_in_order(&mut self.b, 0, "real", &mut self.received);
    }

    fn late_behind(&self) -> bool {
        self.late
            .as_ref()
            .is_some_and(|l| l.received < l.sent || l.answers < l.sent)
    }

    fn wait_all(&mut self, round: usize) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while (self.received < self.sent || self.late_behind()) && Instant::now() < deadline {
            self.pump();
            std::thread::sleep(Duration::from_millis(2));
        }
        assert_eq!(
            self.received, self.sent,
            "round {round}: the real session stalled under the flood"
        );
        if let Some(l) = &self.late {
            assert_eq!(
                (l.received, l.answers),
                (l.sent, l.sent),
                "round {round}: the session opened mid-flood stalled"
            );
        }
    }
}

#[test]
fn a_flood_leaves_memory_bounded_and_the_real_session_working() {
    let dir = std::env::temp_dir().join(format!("sm-flood-{}", std::process::id()));
    std::env::set_var("STEAM_MESSAGES_DIR", &dir);
    let (ida, idb) = (steamid::individual(880_001), steamid::individual(880_002));
    let open = |id| {
        OfflineBackend::open(OfflineOptions {
            steam_id: Some(id),
            ..OfflineOptions::default()
        })
        .expect("open an offline backend on loopback")
    };
    let mut real = Real {
        a: open(ida),
        b: open(idb),
        to_b: Identity::SteamId(idb),
        a_id: Identity::SteamId(ida),
        sent: 0,
        received: 0,
        late: None,
    };
    let b_addr: SocketAddr = real.b.local_addr().expect("b's address");
    real.send();
    real.wait_all(0);

    let seeds: Vec<Vec<u8>> =
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fuzz-corpus"))
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .filter(|e| e.path().extension().is_some_and(|x| x == "bin"))
                    .filter_map(|e| std::fs::read(e.path()).ok())
                    .collect()
            })
            .unwrap_or_default();
    assert!(!seeds.is_empty(), "tests/fuzz-corpus/ is empty");
    let attackers: Vec<UdpSocket> = (0..ATTACKERS)
        .map(|_| {
            let s = UdpSocket::bind("127.0.0.1:0").expect("bind an attacker socket");
            s.set_nonblocking(true).expect("nonblocking");
            s
        })
        .collect();
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let (mut hello_bytes, mut back_bytes) = (0usize, 0usize);
    let mut cookies: Vec<(usize, u64, u64)> = Vec::new();
    let mut buf = [0u8; 2048];
    let mut drain = |attackers: &[UdpSocket], cookies: &mut Vec<(usize, u64, u64)>| -> usize {
        let mut n = 0;
        for (i, s) in attackers.iter().enumerate() {
            while let Ok((len, _)) = s.recv_from(&mut buf) {
                n += len;
                if let Some((initiator, wire::Packet::Challenge { cookie })) =
                    wire::decode(&buf[..len])
                {
                    cookies.push((i, initiator, cookie));
                }
            }
        }
        n
    };

    let rss_before = proc_status("VmRSS:");
    let threads_before = proc_status("Threads:");
    let started = Instant::now();
    let mut junk_sent = 0usize;
    for round in 1..=ROUNDS {
        if round == ROUNDS / 2 {
            let id = steamid::individual(880_003);
            real.late = Some(Late {
                c: open(id),
                id: Identity::SteamId(id),
                sent: 0,
                received: 0,
                answers: 0,
            });
            real.send_late();
        }
        for i in 0..JUNK / ROUNDS {
            let d: Vec<u8> = match i % 4 {
                0 => (0..rng.below(1400)).map(|_| rng.next() as u8).collect(),
                1 | 2 => {
                    let mut d = seeds[rng.below(seeds.len())].clone();
                    for _ in 0..1 + rng.below(4) {
                        let k = rng.below(d.len());
                        d[k] = rng.next() as u8;
                    }
                    d
                }
                _ => {
                    // A well-formed data packet for a connection id nobody has.
                    let mut d = wire::start_data(rng.next(), rng.next() % 1000, 64);
                    wire::put_ping(&mut d);
                    d
                }
            };
            let _ = attackers[i % 4].send_to(&d, b_addr);
            junk_sent += 1;
            if i % 50 == 0 {
                // Small bursts, and a pause until the service thread has read them (its count
                // stops moving), or the kernel drops most of the flood before the core sees it.
                let (mut last, mut still) = (-1, 0);
                for _ in 0..200 {
                    let now = stat(&mut real.b, "datagrams_received");
                    still = if now == last { still + 1 } else { 0 };
                    if still >= 3 {
                        break;
                    }
                    last = now;
                    std::thread::sleep(Duration::from_micros(200));
                }
                back_bytes += drain(&attackers, &mut cookies);
            }
            if i % 1000 == 0 {
                real.send();
                real.send_late();
                real.pump();
            }
        }
        for k in 0..FAKE_STARTS / ROUNDS {
            let who = k % 4;
            let claimed = steamid::individual(900_000 + rng.below(1_000_000) as u32);
            let d = match k % 5 {
                0 | 1 => {
                    let h = wire::encode_hello(rng.next() | 1, claimed, idb);
                    hello_bytes += h.len();
                    h
                }
                2 => wire::encode_connect(rng.next() | 1, rng.next(), claimed, idb),
                3 => match cookies.pop() {
                    // A real cookie, replayed from another attacker's address.
                    Some((owner, initiator, cookie)) => {
                        let c = wire::encode_connect(initiator, cookie, claimed, idb);
                        let _ = attackers[(owner + 1) % 4].send_to(&c, b_addr);
                        continue;
                    }
                    None => wire::encode_connect(rng.next() | 1, rng.next(), claimed, idb),
                },
                _ => match cookies.pop() {
                    // A real handshake from the right address: a pending request, never accepted.
                    Some((owner, initiator, cookie)) => {
                        let c = wire::encode_connect(initiator, cookie, claimed, idb);
                        let _ = attackers[owner].send_to(&c, b_addr);
                        continue;
                    }
                    None => wire::encode_connect(rng.next() | 1, rng.next(), claimed, idb),
                },
            };
            let _ = attackers[who].send_to(&d, b_addr);
            std::thread::sleep(Duration::from_micros(200));
            back_bytes += drain(&attackers, &mut cookies);
        }
        real.wait_all(round);
        let (sessions, pending) = (
            stat(&mut real.b, "sessions"),
            stat(&mut real.b, "pending_requests"),
        );
        assert!(sessions <= 1 + 64, "round {round}: {sessions} sessions");
        // Each attacker address holds at most its share, whatever it claims.
        assert!(
            pending as usize <= ATTACKERS * MAX_PENDING_REQUESTS_PER_ADDRESS,
            "round {round}: {pending} pending requests"
        );
    }
    std::thread::sleep(Duration::from_millis(50));
    back_bytes += drain(&attackers, &mut cookies);
    let elapsed = started.elapsed();
    for _ in 0..10 {
        real.send();
    }
    real.wait_all(ROUNDS + 1);
    // Its service thread was not there when the count before was taken.
    let late_sent = real.late.take().map_or(0, |mut l| {
        l.c.shutdown();
        l.sent
    });
    let rss_after = proc_status("VmRSS:");
    let threads_after = proc_status("Threads:");

    let stats = real.b.stats();
    let line: Vec<String> = stats.iter().map(|(k, v)| format!("{k}={v}")).collect();
    println!(
        "flood: {junk_sent} junk datagrams and {FAKE_STARTS} fake session starts in {:.1} s; \
         real messages {} sent, {} received in order; a peer opened mid-flood traded {late_sent} \
         messages and answers; attackers sent {hello_bytes} bytes of Hello, \
         got {back_bytes} back; VmRSS {:?} -> {:?} kB, threads {:?} -> {:?}\nflood: b: {}",
        elapsed.as_secs_f64(),
        real.sent,
        real.received,
        rss_before,
        rss_after,
        threads_before,
        threads_after,
        line.join(" ")
    );
    assert!(
        back_bytes <= hello_bytes,
        "amplification: {back_bytes} bytes sent back for {hello_bytes} bytes of Hello"
    );
    let received = stat(&mut real.b, "datagrams_received");
    assert!(
        received >= (JUNK / 2) as i64,
        "only {received} datagrams reached the core: the flood did not test it"
    );
    assert!(stat(&mut real.b, "datagrams_dropped") >= (JUNK / 2) as i64);
    assert!(stat(&mut real.b, "challenges_sent") > 0);
    // The attackers' completed handshakes outnumber what one address may leave pending: the
    // per-address limit, not the overall one, is what stopped them.
    assert!(
        stat(&mut real.b, "requests_refused_per_address") > 0,
        "the flood never reached the per-address pending limit"
    );
    assert_eq!(stat(&mut real.b, "requests_refused"), 0);
    assert!(late_sent > 0);
    assert!(stat(&mut real.b, "queued_messages") <= 1000);
    assert!(stat(&mut real.b, "reassembly_bytes") <= 64 << 20);
    if let (Some(before), Some(after)) = (rss_before, rss_after) {
        assert!(
            after <= before + 32 * 1024,
            "VmRSS grew from {before} kB to {after} kB under the flood"
        );
    }
    assert_eq!(threads_before, threads_after);
    real.a.shutdown();
    real.b.shutdown();
    let _ = std::fs::remove_dir_all(&dir);
}
