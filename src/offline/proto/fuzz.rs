//! Property-based fuzzing on stable Rust (proptest): the datagram decoder fed arbitrary bytes
//! and mutations of real datagrams (the seed corpus in `tests/fuzz-corpus/`), and two endpoints
//! fed arbitrary sequences of API calls, clock steps, wire faults, junk, mutated, replayed and
//! forged datagrams. Properties: no panic; every internal size stays under its limit; a spoofed
//! source never gets a session and never gets more bytes back than it sent; with `opts.key` no
//! message arrives that was not sent.
//!
//! Time-bounded: each target runs batches of cases until `SM_FUZZ_SECONDS` (default 1, so
//! `cargo test` stays quick) of wall time have passed; `tests/e2e/fuzz_wire.sh` gives each 60 s,
//! the two side by side on two test threads, so the CI run takes about a minute, not two.
//! `SM_FUZZ_SEED` picks the first batch's seed (default fixed, so a CI failure replays).

use super::*;
use crate::config::{self, ConfigValue};
use crate::constants::{send, MAX_MESSAGE_SIZE_SEND};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};
use std::collections::HashSet;
use std::path::PathBuf;

const CORPUS_DIR: &str = "tests/fuzz-corpus";

fn env_f64(name: &str, default: f64) -> f64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// Runs `test` on batches of generated inputs until the time budget is spent.
fn run_for<S: Strategy>(
    name: &str,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) {
    let budget = Duration::from_secs_f64(env_f64("SM_FUZZ_SECONDS", 1.0).max(0.05));
    let first_seed = env_f64("SM_FUZZ_SEED", 20_260_601.0) as u64;
    let start = std::time::Instant::now();
    let (mut batch, mut cases) = (0u64, 0u64);
    const BATCH: u32 = 32;
    loop {
        let config = Config {
            cases: BATCH,
            rng_seed: RngSeed::Fixed(first_seed.wrapping_add(batch)),
            failure_persistence: None,
            max_shrink_iters: 4096,
            ..Config::default()
        };
        let mut runner = TestRunner::new(config);
        if let Err(e) = runner.run(&strategy, &test) {
            panic!(
                "fuzz {name}: failed in batch {batch} (SM_FUZZ_SEED={}): {e}",
                first_seed.wrapping_add(batch)
            );
        }
        cases += u64::from(BATCH);
        batch += 1;
        if start.elapsed() >= budget {
            break;
        }
    }
    eprintln!(
        "fuzz {name}: {cases} cases in {:.1} s, no failure",
        start.elapsed().as_secs_f64()
    );
}

// ---- the seed corpus ------------------------------------------------------------------------

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(CORPUS_DIR)
}

/// The committed seeds: one real datagram of each kind, captured from a session.
fn corpus() -> Vec<Vec<u8>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "bin"))
        .filter_map(|p| std::fs::read(p).ok())
        .collect()
}

/// Datagrams of every kind from a real exchange (handshake, data with acks and fragments,
/// pings, close), named for the corpus.
fn capture_session() -> Vec<(String, Vec<u8>)> {
    let now = Instant::now();
    let (id_a, id_b) = (steamid::individual(7001), steamid::individual(7002));
    let a_addr = SocketAddr::from(([127, 0, 0, 1], 41001));
    let b_addr = SocketAddr::from(([127, 0, 0, 1], 41002));
    let mut a = Endpoint::new(id_a, ConfigTable::default(), now, 11);
    let mut b = Endpoint::new(id_b, ConfigTable::default(), now, 12);
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    let mut t = now;
    let peer_b = Identity::SteamId(id_b);
    a.send_message_to_user(t, &peer_b, Some(b_addr), b"first", send::RELIABLE, 0);
    a.send_message_to_user(t, &peer_b, Some(b_addr), &[7u8; 3000], send::RELIABLE, 1);
    for step in 0..200 {
        if step == 100 {
            a.send_message_to_user(t, &peer_b, Some(b_addr), b"unrel", 0, 2);
        }
        a.handle_timeout(t);
        b.handle_timeout(t);
        while let Some(x) = a.poll_transmit(t) {
            out.push((String::new(), x.payload.clone()));
            b.handle_datagram(t, a_addr, &x.payload);
        }
        while let Some(x) = b.poll_transmit(t) {
            out.push((String::new(), x.payload.clone()));
            a.handle_datagram(t, b_addr, &x.payload);
        }
        while let Some(e) = b.poll_event() {
            if let Event::SessionRequest { remote } = e {
                b.accept_session_with_user(t, &remote);
            }
        }
        t += Duration::from_millis(20);
    }
    b.close_session_with_user(t, &Identity::SteamId(id_a));
    while let Some(x) = b.poll_transmit(t) {
        out.push((String::new(), x.payload));
    }
    // One of each kind, and the data packets that carry something different.
    let mut seen = HashSet::new();
    let mut picked = Vec::new();
    for (_, d) in out {
        let kind = match wire::decode(&d) {
            Some((_, Packet::Data { frames, .. })) => {
                let shape: Vec<u8> = wire::decode_frames(frames)
                    .unwrap_or_default()
                    .iter()
                    .map(|f| match f {
                        wire::Frame::Ack { .. } => b'a',
                        wire::Frame::Segment(s) if s.data.len() < s.total as usize => b'f',
                        wire::Frame::Segment(s) if s.reliable => b'r',
                        wire::Frame::Segment(_) => b'u',
                        wire::Frame::Ping => b'p',
                    })
                    .collect();
                format!("data-{}", String::from_utf8_lossy(&shape))
            }
            Some((_, p)) => format!("{p:?}")
                .split([' ', '{'])
                .next()
                .unwrap_or("x")
                .to_lowercase(),
            None => continue,
        };
        if seen.insert(kind.clone()) {
            picked.push((kind, d));
        }
    }
    picked
}

/// `SM_FUZZ_WRITE_CORPUS=1 cargo test corpus`: rewrites the seed files after a wire change.
#[test]
fn the_seed_corpus_is_committed_and_still_decodes() {
    if std::env::var_os("SM_FUZZ_WRITE_CORPUS").is_some() {
        let dir = corpus_dir();
        let _ = std::fs::create_dir_all(&dir);
        for (name, d) in capture_session() {
            std::fs::write(dir.join(format!("{name}.bin")), d).expect("write the corpus");
        }
    }
    let seeds = corpus();
    assert!(
        seeds.len() >= 6,
        "tests/fuzz-corpus/ holds {} seeds",
        seeds.len()
    );
    for s in &seeds {
        assert!(wire::decode(s).is_some(), "a seed no longer decodes: {s:?}");
    }
    let kinds: HashSet<u8> = seeds.iter().map(|s| s[5]).collect();
    assert_eq!(kinds.len(), 6, "one seed of each of the six packet types");
}

// ---- mutations ------------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum Mutation {
    FlipBit(usize, u8),
    SetByte(usize, u8),
    /// A u32 or u64 field overwritten with a boundary value.
    SetWord(usize, u64, bool),
    Truncate(usize),
    Insert(usize, Vec<u8>),
    Remove(usize, usize),
    /// Bytes of another seed pasted in.
    Splice(usize, usize, usize),
    Repeat(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let pos = any::<usize>();
    let boundary = prop_oneof![
        Just(0u64),
        Just(1),
        Just(u64::MAX),
        Just(u32::MAX as u64),
        Just(1 << 63),
        Just(i32::MAX as u64),
        Just(MAX_MESSAGE_SIZE_SEND as u64),
        Just(MAX_MESSAGE_SIZE_SEND as u64 + 1),
        Just(65_535),
        any::<u64>(),
    ];
    prop_oneof![
        3 => (pos, 0u8..8).prop_map(|(p, b)| Mutation::FlipBit(p, b)),
        3 => (pos, any::<u8>()).prop_map(|(p, b)| Mutation::SetByte(p, b)),
        3 => (pos, boundary, any::<bool>()).prop_map(|(p, v, w)| Mutation::SetWord(p, v, w)),
        1 => pos.prop_map(Mutation::Truncate),
        1 => (pos, prop::collection::vec(any::<u8>(), 1..40)).prop_map(|(p, v)| Mutation::Insert(p, v)),
        1 => (pos, 1usize..40).prop_map(|(p, n)| Mutation::Remove(p, n)),
        1 => (any::<usize>(), pos, 1usize..200).prop_map(|(s, p, n)| Mutation::Splice(s, p, n)),
        1 => (pos, 1usize..64).prop_map(|(p, n)| Mutation::Repeat(p, n)),
    ]
}

fn apply(mut d: Vec<u8>, muts: &[Mutation], seeds: &[Vec<u8>]) -> Vec<u8> {
    for m in muts {
        let len = d.len().max(1);
        match m {
            Mutation::FlipBit(p, b) if !d.is_empty() => d[p % len] ^= 1 << b,
            Mutation::SetByte(p, v) if !d.is_empty() => d[p % len] = *v,
            Mutation::SetWord(p, v, wide) => {
                let n = if *wide { 8 } else { 4 };
                if d.len() >= n {
                    let at = p % (d.len() - n + 1);
                    d[at..at + n].copy_from_slice(&v.to_le_bytes()[..n]);
                }
            }
            Mutation::Truncate(p) => d.truncate(p % len),
            Mutation::Insert(p, v) => {
                let at = p % (d.len() + 1);
                d.splice(at..at, v.iter().copied());
            }
            Mutation::Remove(p, n) if !d.is_empty() => {
                let at = p % d.len();
                let end = (at + n).min(d.len());
                d.drain(at..end);
            }
            Mutation::Splice(s, p, n) if !seeds.is_empty() => {
                let src = &seeds[s % seeds.len()];
                let at = p % (d.len() + 1);
                let take = (*n).min(src.len());
                let from = p % (src.len() - take + 1);
                let end = (at + take).min(d.len());
                d.splice(at..end, src[from..from + take].iter().copied());
            }
            Mutation::Repeat(p, n) if !d.is_empty() => {
                let at = p % d.len();
                let end = (at + n).min(d.len());
                let chunk = d[at..end].to_vec();
                d.splice(end..end, chunk);
            }
            _ => {}
        }
        d.truncate(70_000);
    }
    d
}

// ---- target 1: the decoder ------------------------------------------------------------------

/// A datagram for the decoder: random bytes, a valid header with a random body, or a mutated
/// seed.
fn datagram(seeds: Vec<Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    let n = seeds.len().max(1);
    let s2 = seeds.clone();
    prop_oneof![
        1 => prop::collection::vec(any::<u8>(), 0..1500),
        1 => (1u8..=7, any::<u64>(), prop::collection::vec(any::<u8>(), 0..400)).prop_map(|(k, c, body)| {
            let mut v = b"SMSG\x01".to_vec();
            v.push(k);
            v.extend_from_slice(&c.to_le_bytes());
            v.extend(body);
            v
        }),
        4 => (0..n, prop::collection::vec(mutation(), 1..8)).prop_map(move |(i, muts)| {
            let seed = seeds.get(i).cloned().unwrap_or_default();
            apply(seed, &muts, &seeds)
        }),
        1 => (0..n).prop_map(move |i| s2.get(i).cloned().unwrap_or_default()),
    ]
}

/// What a decoded datagram must satisfy, and that encoding it again gives the same bytes: the
/// format has one encoding per value, so nothing can hide in a second form.
fn check_decoded(d: &[u8]) -> Result<(), TestCaseError> {
    let Some((conn, p)) = wire::decode(d) else {
        return Ok(());
    };
    let again = match p {
        Packet::Hello {
            initiator,
            from,
            to,
        } => {
            prop_assert!(d.len() >= wire::HELLO_LEN);
            prop_assert_eq!(
                conn,
                u64::from_le_bytes(d[6..14].try_into().unwrap_or_default())
            );
            let e = wire::encode_hello(initiator, from, to);
            e[14..38].to_vec()
        }
        Packet::Challenge { cookie } => wire::encode_challenge(conn, cookie),
        Packet::Connect {
            initiator,
            cookie,
            from,
            to,
        } => {
            let mut e = wire::encode_connect(initiator, cookie, from, to);
            e[6..14].copy_from_slice(&conn.to_le_bytes());
            e
        }
        Packet::Accept { responder, from } => wire::encode_accept(conn, responder, from),
        Packet::Close { sender, reason } => wire::encode_close(conn, sender, reason),
        Packet::Data { number, frames } => {
            let mut e = wire::start_data(conn, number, d.len());
            if let Some(fs) = wire::decode_frames(frames) {
                for f in &fs {
                    match f {
                        wire::Frame::Ack { delay_us, ranges } => {
                            prop_assert!(
                                !ranges.is_empty() && ranges.len() <= wire::MAX_ACK_RANGES
                            );
                            prop_assert!(ranges.iter().all(|(s, e)| s <= e));
                            wire::put_ack(&mut e, *delay_us, ranges);
                        }
                        wire::Frame::Segment(s) => {
                            prop_assert!(s.total as usize <= MAX_MESSAGE_SIZE_SEND);
                            prop_assert!(s.offset as usize + s.data.len() <= s.total as usize);
                            wire::put_segment(&mut e, s);
                        }
                        wire::Frame::Ping => wire::put_ping(&mut e),
                    }
                }
                prop_assert_eq!(&e[..], d, "data packet re-encodes differently");
            }
            return Ok(());
        }
    };
    if matches!(p, Packet::Hello { .. }) {
        prop_assert_eq!(&again[..], &d[14..38]);
    } else {
        prop_assert!(d.len() >= again.len());
        prop_assert_eq!(&again[..], &d[..again.len()], "re-encodes differently");
    }
    Ok(())
}

#[test]
fn fuzz_decoder_never_panics_and_re_encodes_what_it_accepts() {
    let seeds = corpus();
    let mut key = crypto::PacketKey::new(b"fuzz", [3; 16]);
    let sealed: Vec<Vec<u8>> = seeds.iter().map(|s| key.seal(s)).collect();
    let mut all = seeds.clone();
    all.extend(sealed.iter().cloned());
    run_for("decoder", datagram(all), |d| {
        check_decoded(&d)?;
        // Opening never panics, and only an unaltered sealed seed opens.
        if let Some(plain) = key.open(&d) {
            prop_assert!(sealed.contains(&d), "an altered datagram opened");
            prop_assert!(seeds.contains(&plain));
        }
        Ok(())
    });
}

// ---- target 2: two endpoints ----------------------------------------------------------------

#[derive(Clone, Copy, Debug)]
enum Source {
    /// The real peer's address: everything it sends is taken as the peer's.
    Peer,
    /// An address that never received anything from us: a spoofer or a stranger.
    Spoofed(u8),
}

#[derive(Clone, Debug)]
enum Op {
    Send {
        at_a: bool,
        len: usize,
        flags: i32,
        channel: i32,
    },
    Receive {
        at_a: bool,
        channel: i32,
        max: usize,
    },
    Accept(bool),
    CloseSession(bool),
    CloseChannel(bool, i32),
    Info(bool),
    Stats(bool),
    SetConfig(bool, usize, i32),
    /// Milliseconds of simulated time, running every timer due.
    Advance(u64),
    DeliverAll,
    DropOne(usize),
    DuplicateOne(usize),
    SwapTwo(usize, usize),
    Junk(bool, Source, Vec<u8>),
    Mutate(bool, Source, usize, Vec<Mutation>),
    Replay(bool, Source, usize),
    /// A Hello or Connect with chosen ids and cookie; `claim` picks the SteamID it claims.
    Forge {
        to_a: bool,
        source: Source,
        connect: bool,
        initiator: u64,
        cookie: u64,
        claim: u8,
    },
    Shutdown(bool),
}

fn op() -> impl Strategy<Value = Op> {
    let side = any::<bool>();
    let channel = prop_oneof![4 => 0i32..4, 1 => Just(i32::MAX), 1 => any::<i32>()];
    let len = prop_oneof![
        8 => 0usize..1500,
        3 => 1500usize..20_000,
        1 => 20_000usize..200_000,
        1 => Just(MAX_MESSAGE_SIZE_SEND),
        1 => Just(MAX_MESSAGE_SIZE_SEND + 1),
    ];
    let flags = prop_oneof![
        Just(send::UNRELIABLE),
        Just(send::RELIABLE),
        Just(send::NO_NAGLE),
        Just(send::NO_DELAY),
        Just(send::RELIABLE_NO_NAGLE),
        Just(send::AUTO_RESTART_BROKEN_SESSION | send::RELIABLE),
        any::<i32>(),
    ];
    let source = prop_oneof![3 => Just(Source::Peer), 1 => (0u8..4).prop_map(Source::Spoofed)];
    let config_value = prop_oneof![Just(0), Just(1), Just(-1), 0i32..100_000, any::<i32>()];
    prop_oneof![
        12 => (side, len, flags, channel.clone()).prop_map(|(at_a, len, flags, channel)| Op::Send { at_a, len, flags, channel }),
        5 => (side, channel.clone(), 1usize..100).prop_map(|(at_a, channel, max)| Op::Receive { at_a, channel, max }),
        2 => side.prop_map(Op::Accept),
        1 => side.prop_map(Op::CloseSession),
        1 => (side, channel).prop_map(|(s, c)| Op::CloseChannel(s, c)),
        1 => side.prop_map(Op::Info),
        1 => side.prop_map(Op::Stats),
        1 => (side, 0usize..CONFIG_KEYS.len(), config_value).prop_map(|(s, k, v)| Op::SetConfig(s, k, v)),
        10 => prop_oneof![0u64..50, 50u64..2_000, 2_000u64..30_000].prop_map(Op::Advance),
        6 => Just(Op::DeliverAll),
        3 => any::<usize>().prop_map(Op::DropOne),
        2 => any::<usize>().prop_map(Op::DuplicateOne),
        2 => (any::<usize>(), any::<usize>()).prop_map(|(i, j)| Op::SwapTwo(i, j)),
        2 => (side, source.clone(), prop::collection::vec(any::<u8>(), 0..300)).prop_map(|(s, f, b)| Op::Junk(s, f, b)),
        6 => (side, source.clone(), any::<usize>(), prop::collection::vec(mutation(), 1..5)).prop_map(|(s, f, i, m)| Op::Mutate(s, f, i, m)),
        3 => (side, source.clone(), any::<usize>()).prop_map(|(s, f, i)| Op::Replay(s, f, i)),
        3 => (side, source, any::<bool>(), prop_oneof![Just(0u64), any::<u64>()], any::<u64>(), 0u8..4)
            .prop_map(|(to_a, source, connect, initiator, cookie, claim)| Op::Forge { to_a, source, connect, initiator, cookie, claim }),
        1 => side.prop_map(Op::Shutdown),
    ]
}

const CONFIG_KEYS: &[i32] = &[
    config::SEND_BUFFER_SIZE,
    config::RECV_BUFFER_SIZE,
    config::RECV_BUFFER_MESSAGES,
    config::RECV_MAX_MESSAGE_SIZE,
    config::SEND_RATE_MIN,
    config::SEND_RATE_MAX,
    config::NAGLE_TIME,
    config::MTU_PACKET_SIZE,
    config::TIMEOUT_INITIAL,
    config::TIMEOUT_CONNECTED,
];

struct Datagram {
    to_a: bool,
    from: SocketAddr,
    payload: Vec<u8>,
}

struct Harness {
    now: Instant,
    a: Endpoint,
    b: Endpoint,
    a_addr: SocketAddr,
    b_addr: SocketAddr,
    wire: Vec<Datagram>,
    /// The last datagrams either side sent, for mutation and replay.
    captured: VecDeque<(bool, Vec<u8>)>,
    seeds: Vec<Vec<u8>>,
    /// (receiver is b, channel, payload) of every message either side sent.
    sent: HashSet<(bool, i32, Vec<u8>)>,
    sends: u64,
    keyed: bool,
    /// Bytes each spoofed address sent us and we sent it.
    spoof_in: [usize; 4],
    spoof_out: [usize; 4],
}

impl Harness {
    fn new(seed: u64, keyed: bool, seeds: Vec<Vec<u8>>) -> Harness {
        let now = Instant::now();
        let mut a = Endpoint::new(steamid::individual(1001), ConfigTable::default(), now, seed);
        let mut b = Endpoint::new(
            steamid::individual(1002),
            ConfigTable::default(),
            now,
            !seed,
        );
        if keyed {
            a.set_packet_key(Some(crypto::PacketKey::new(b"fuzz key", [1; 16])));
            b.set_packet_key(Some(crypto::PacketKey::new(b"fuzz key", [2; 16])));
        }
        Harness {
            now,
            a,
            b,
            a_addr: SocketAddr::from(([127, 0, 0, 1], 40001)),
            b_addr: SocketAddr::from(([127, 0, 0, 1], 40002)),
            wire: Vec::new(),
            captured: VecDeque::new(),
            seeds,
            sent: HashSet::new(),
            sends: 0,
            keyed,
            spoof_in: [0; 4],
            spoof_out: [0; 4],
        }
    }

    fn spoof_addr(i: u8) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 2 + i], 50000 + u16::from(i)))
    }

    fn source_addr(&self, to_a: bool, source: Source) -> SocketAddr {
        match source {
            Source::Peer if to_a => self.b_addr,
            Source::Peer => self.a_addr,
            Source::Spoofed(i) => Harness::spoof_addr(i % 4),
        }
    }

    fn endpoint(&mut self, a: bool) -> &mut Endpoint {
        if a {
            &mut self.a
        } else {
            &mut self.b
        }
    }

    fn inject(&mut self, to_a: bool, from: SocketAddr, payload: &[u8]) {
        if let Some(i) = (0..4u8).find(|&i| Harness::spoof_addr(i) == from) {
            self.spoof_in[i as usize] += payload.len();
        }
        let now = self.now;
        self.endpoint(to_a).handle_datagram(now, from, payload);
    }

    /// Collects what both sides send now; what goes to a spoofed address is counted, not sent.
    fn collect(&mut self) -> Result<(), TestCaseError> {
        let now = self.now;
        for at_a in [true, false] {
            let mut n = 0;
            while let Some(t) = self.endpoint(at_a).poll_transmit(now) {
                n += 1;
                prop_assert!(n < 100_000, "poll_transmit never runs dry");
                prop_assert!(
                    t.payload.len() <= 4096 + crypto::OVERHEAD,
                    "datagram of {} bytes",
                    t.payload.len()
                );
                if let Some(i) = (0..4u8).find(|&i| Harness::spoof_addr(i) == t.destination) {
                    self.spoof_out[i as usize] += t.payload.len();
                    continue;
                }
                self.captured.push_back((!at_a, t.payload.clone()));
                if self.captured.len() > 64 {
                    self.captured.pop_front();
                }
                let from = if at_a { self.a_addr } else { self.b_addr };
                let to_a = t.destination == self.a_addr;
                if to_a || t.destination == self.b_addr {
                    self.wire.push(Datagram {
                        to_a,
                        from,
                        payload: t.payload,
                    });
                }
            }
            while let Some(e) = self.endpoint(at_a).poll_event() {
                // Accept about every other request, so held and declined ones are both seen.
                if let Event::SessionRequest { remote } = e {
                    if self.sends.is_multiple_of(2) {
                        self.endpoint(at_a).accept_session_with_user(now, &remote);
                    }
                }
            }
        }
        Ok(())
    }

    fn deliver_all(&mut self) -> Result<(), TestCaseError> {
        for _ in 0..50 {
            if self.wire.is_empty() {
                break;
            }
            for d in std::mem::take(&mut self.wire) {
                self.inject(d.to_a, d.from, &d.payload);
            }
            self.collect()?;
        }
        Ok(())
    }

    fn advance(&mut self, ms: u64) -> Result<(), TestCaseError> {
        let end = self.now + Duration::from_millis(ms);
        let mut steps = 0;
        loop {
            self.a.handle_timeout(self.now);
            self.b.handle_timeout(self.now);
            self.collect()?;
            // Half the wire arrives at each step: a slow path keeps some in flight.
            let n = self.wire.len().div_ceil(2);
            for d in self.wire.drain(..n).collect::<Vec<_>>() {
                self.inject(d.to_a, d.from, &d.payload);
            }
            self.collect()?;
            // What stays on the wire arrives 1 ms later.
            let wire = (!self.wire.is_empty()).then(|| self.now + Duration::from_millis(1));
            let next = [self.a.poll_timeout(), self.b.poll_timeout(), wire]
                .into_iter()
                .flatten()
                .min();
            steps += 1;
            // Each session's timers (pacing, acks, Nagle) fire at most every few ms; far more
            // steps than that means a timer is due and does nothing: the driver would spin.
            prop_assert!(steps < 2 * ms + 10_000, "timers never settle");
            match next {
                Some(t) if t <= end => {
                    self.now = t.max(self.now + Duration::from_micros(100));
                }
                _ if self.now >= end => return Ok(()),
                _ => self.now = end,
            }
        }
    }

    fn message(&mut self, to_b: bool, len: usize, channel: i32) -> Vec<u8> {
        self.sends += 1;
        let tag = self.sends.to_le_bytes();
        let mut data: Vec<u8> = tag.iter().copied().cycle().take(len).collect();
        if len >= 9 {
            data[8] = u8::from(to_b);
        }
        self.sent.insert((to_b, channel, data.clone()));
        data
    }

    fn step(&mut self, op: Op) -> Result<(), TestCaseError> {
        let now = self.now;
        let (a_id, b_id) = (
            Identity::SteamId(self.a.local_steam_id()),
            Identity::SteamId(self.b.local_steam_id()),
        );
        let (a_addr, b_addr) = (self.a_addr, self.b_addr);
        let peer_of = |at_a: bool| {
            if at_a {
                (b_id.clone(), b_addr)
            } else {
                (a_id.clone(), a_addr)
            }
        };
        match op {
            Op::Send {
                at_a,
                len,
                flags,
                channel,
            } => {
                let data = self.message(at_a, len, channel);
                let (peer, addr) = peer_of(at_a);
                let r = self.endpoint(at_a).send_message_to_user(
                    now,
                    &peer,
                    Some(addr),
                    &data,
                    flags,
                    channel,
                );
                if len > MAX_MESSAGE_SIZE_SEND {
                    prop_assert_eq!(r, result::INVALID_PARAM);
                }
            }
            Op::Receive { at_a, channel, max } => {
                let got = self
                    .endpoint(at_a)
                    .receive_messages_on_channel(channel, max);
                prop_assert!(got.len() <= max);
                for m in got {
                    prop_assert_eq!(m.channel, channel);
                    if self.keyed {
                        // Nobody without the key can make a message up.
                        prop_assert!(
                            self.sent.contains(&(!at_a, channel, m.data.clone())),
                            "a message nobody sent arrived ({} bytes on channel {channel})",
                            m.data.len()
                        );
                    }
                }
            }
            Op::Accept(at_a) => {
                let (peer, _) = peer_of(at_a);
                self.endpoint(at_a).accept_session_with_user(now, &peer);
            }
            Op::CloseSession(at_a) => {
                let (peer, _) = peer_of(at_a);
                self.endpoint(at_a).close_session_with_user(now, &peer);
            }
            Op::CloseChannel(at_a, ch) => {
                let (peer, _) = peer_of(at_a);
                self.endpoint(at_a).close_channel_with_user(now, &peer, ch);
            }
            Op::Info(at_a) => {
                let (peer, _) = peer_of(at_a);
                let info = self.endpoint(at_a).session_info(now, &peer);
                prop_assert!((-3..=5).contains(&info.state));
            }
            Op::Stats(at_a) => {
                let named = self.endpoint(at_a).stats().named();
                prop_assert!(named.len() > 10);
            }
            Op::SetConfig(at_a, k, v) => {
                let e = self.endpoint(at_a);
                let mut c = e.config().clone();
                if c.set(CONFIG_KEYS[k % CONFIG_KEYS.len()], &ConfigValue::Int32(v)) {
                    e.set_config(c);
                }
            }
            Op::Advance(ms) => self.advance(ms)?,
            Op::DeliverAll => self.deliver_all()?,
            Op::DropOne(i) if !self.wire.is_empty() => {
                let n = self.wire.len();
                self.wire.remove(i % n);
            }
            Op::DuplicateOne(i) if !self.wire.is_empty() => {
                let d = &self.wire[i % self.wire.len()];
                let copy = Datagram {
                    to_a: d.to_a,
                    from: d.from,
                    payload: d.payload.clone(),
                };
                self.wire.push(copy);
            }
            Op::SwapTwo(i, j) if !self.wire.is_empty() => {
                let n = self.wire.len();
                self.wire.swap(i % n, j % n);
            }
            Op::Junk(to_a, source, bytes) => {
                let from = self.source_addr(to_a, source);
                self.inject(to_a, from, &bytes);
            }
            Op::Mutate(to_a, source, i, muts) => {
                let base = if self.captured.is_empty() || i.is_multiple_of(5) {
                    self.seeds
                        .get(i % self.seeds.len().max(1))
                        .cloned()
                        .unwrap_or_default()
                } else {
                    self.captured[i % self.captured.len()].1.clone()
                };
                let d = apply(base, &muts, &self.seeds);
                let from = self.source_addr(to_a, source);
                self.inject(to_a, from, &d);
            }
            Op::Replay(to_a, source, i) if !self.captured.is_empty() => {
                let d = self.captured[i % self.captured.len()].1.clone();
                let from = self.source_addr(to_a, source);
                self.inject(to_a, from, &d);
            }
            Op::Forge {
                to_a,
                source,
                connect,
                initiator,
                cookie,
                claim,
            } => {
                let claimed = match claim {
                    0 => self.a.local_steam_id(),
                    1 => self.b.local_steam_id(),
                    2 => steamid::individual(4242),
                    _ => u64::from(claim),
                };
                let to = if to_a {
                    self.a.local_steam_id()
                } else {
                    self.b.local_steam_id()
                };
                let d = if connect {
                    wire::encode_connect(initiator, cookie, claimed, to)
                } else {
                    wire::encode_hello(initiator, claimed, to)
                };
                let from = self.source_addr(to_a, source);
                self.inject(to_a, from, &d);
            }
            Op::Shutdown(at_a) => self.endpoint(at_a).shutdown(now),
            _ => {}
        }
        self.collect()?;
        self.check()
    }

    /// Every limit holds, and no spoofed address has a session or got more than it sent.
    fn check(&self) -> Result<(), TestCaseError> {
        for e in [&self.a, &self.b] {
            let st = e.stats();
            prop_assert!(st.sessions as usize <= MAX_SESSIONS);
            prop_assert!(st.pending_requests as usize <= MAX_PENDING_REQUESTS);
            let mut pending_by_address: HashMap<SocketAddr, usize> = HashMap::new();
            for s in e.sessions.values().filter(|s| s.phase == Phase::Requested) {
                *pending_by_address
                    .entry(s.addr.unwrap_or(([0; 4], 0).into()))
                    .or_default() += 1;
            }
            prop_assert!(pending_by_address
                .values()
                .all(|&n| n <= MAX_PENDING_REQUESTS_PER_ADDRESS));
            prop_assert!(st.reassembly_bytes as usize <= REASSEMBLY_MAX);
            prop_assert!(
                st.queued_bytes as usize
                    <= INBOX_MAX_BYTES + session::SESSION_REASSEMBLY_MAX + MAX_MESSAGE_SIZE_SEND
            );
            prop_assert!(st.queued_messages as usize <= INBOX_MAX_MESSAGES + 10_000);
            prop_assert!(e.control.len() <= MAX_CONTROL_QUEUE);
            prop_assert!(e.events.len() <= MAX_EVENTS);
            prop_assert!(e.closes.len() <= 4 * MAX_SESSIONS);
            prop_assert_eq!(e.by_key.len(), e.sessions.len());
            prop_assert_eq!(e.by_local_id.len(), e.sessions.len());
            let (messages, bytes) = e.inbox.recount();
            prop_assert_eq!(
                messages as u64,
                st.queued_messages,
                "queue counters drifted"
            );
            prop_assert_eq!(bytes as u64, st.queued_bytes, "queue counters drifted");
            let per_session: usize = e.sessions.values().map(|s| s.queued_messages).sum();
            prop_assert!(
                per_session <= messages,
                "a session counts messages no queue holds"
            );
            for s in e.sessions.values() {
                prop_assert!(s.recv.reassemblies() <= recv_buffer::MAX_REASSEMBLIES);
                prop_assert!(
                    s.recv.buffered_bytes()
                        <= session::SESSION_REASSEMBLY_MAX + MAX_MESSAGE_SIZE_SEND
                );
                prop_assert!(
                    s.queued_bytes
                        <= e.limits.recv_bytes
                            + session::SESSION_REASSEMBLY_MAX
                            + MAX_MESSAGE_SIZE_SEND
                );
                for i in 0..4u8 {
                    prop_assert!(
                        s.addr != Some(Harness::spoof_addr(i)),
                        "a spoofed source got a session"
                    );
                }
            }
        }
        for i in 0..4 {
            prop_assert!(
                self.spoof_out[i] <= self.spoof_in[i],
                "amplification: {} bytes sent to a spoofed source that sent {}",
                self.spoof_out[i],
                self.spoof_in[i]
            );
        }
        Ok(())
    }
}

#[test]
fn fuzz_two_endpoints_under_hostile_datagrams_and_random_calls() {
    let seeds = corpus();
    let strategy = (
        any::<u64>(),
        prop::bool::weighted(0.25),
        prop::collection::vec(op(), 1..120),
    );
    run_for("endpoints", strategy, |(seed, keyed, ops)| {
        let mut h = Harness::new(seed, keyed, seeds.clone());
        for op in ops {
            h.step(op)?;
        }
        // Whatever happened, the pair still works once the hostile input stops.
        h.advance(30_000)?;
        let (a_id, b_addr) = (Identity::SteamId(h.b.local_steam_id()), h.b_addr);
        let now = h.now;
        h.a.close_session_with_user(now, &a_id);
        h.b.close_session_with_user(now, &Identity::SteamId(h.a.local_steam_id()));
        h.b.set_config(ConfigTable::default());
        h.a.set_config(ConfigTable::default());
        h.b.receive_messages_on_channel(9, 100_000);
        let r =
            h.a.send_message_to_user(now, &a_id, Some(b_addr), b"after", send::RELIABLE, 9);
        prop_assert_eq!(r, result::OK);
        h.sends = 0; // accept the request
        h.advance(2_000)?;
        let got = h.b.receive_messages_on_channel(9, 10);
        prop_assert_eq!(got.len(), 1, "the pair no longer works after the fuzz run");
        Ok(())
    });
}
