//! Network simulation for tests and demos: a rate limit, loss, duplication, reordering, latency
//! and jitter, driven by Steam's `FakePacket*` configuration values (which `opts.netsim` also sets), applied
//! in the order and with the distributions GameNetworkingSockets uses for them.
//! Deterministic for a given seed and sequence of calls.

use super::proto::rng::Rng;
use crate::config::{self, ConfigTable};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// Which way a datagram is going: the `_Send` or the `_Recv` configuration values apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Send,
    Recv,
}

struct Held {
    due: Instant,
    /// Arrival order breaks ties, so equal delays keep FIFO order.
    order: u64,
    dir: Direction,
    peer: SocketAddr,
    payload: Vec<u8>,
}

/// The configuration keys of one direction.
struct Keys {
    loss: i32,
    lag: i32,
    reorder: i32,
    dup: i32,
    jitter_avg: i32,
    jitter_max: i32,
    jitter_pct: i32,
    rate: i32,
    burst: i32,
}

const SEND: Keys = Keys {
    loss: config::FAKE_PACKET_LOSS_SEND,
    lag: config::FAKE_PACKET_LAG_SEND,
    reorder: config::FAKE_PACKET_REORDER_SEND,
    dup: config::FAKE_PACKET_DUP_SEND,
    jitter_avg: config::FAKE_PACKET_JITTER_SEND_AVG,
    jitter_max: config::FAKE_PACKET_JITTER_SEND_MAX,
    jitter_pct: config::FAKE_PACKET_JITTER_SEND_PCT,
    rate: config::FAKE_RATE_LIMIT_SEND_RATE,
    burst: config::FAKE_RATE_LIMIT_SEND_BURST,
};
const RECV: Keys = Keys {
    loss: config::FAKE_PACKET_LOSS_RECV,
    lag: config::FAKE_PACKET_LAG_RECV,
    reorder: config::FAKE_PACKET_REORDER_RECV,
    dup: config::FAKE_PACKET_DUP_RECV,
    jitter_avg: config::FAKE_PACKET_JITTER_RECV_AVG,
    jitter_max: config::FAKE_PACKET_JITTER_RECV_MAX,
    jitter_pct: config::FAKE_PACKET_JITTER_RECV_PCT,
    rate: config::FAKE_RATE_LIMIT_RECV_RATE,
    burst: config::FAKE_RATE_LIMIT_RECV_BURST,
};

/// What one direction remembers between datagrams.
#[derive(Default)]
struct DirectionState {
    /// While a clump of jittered datagrams is held, the earliest the next may fall due: jitter
    /// delays and clumps datagrams but, as on Steam, never reorders them.
    min_next_jittered: Option<Instant>,
    rate_limit: Option<TokenBucket>,
}

/// Steam's fake rate limit (`FakeRateLimit_*_Rate` bytes/s, `_Burst` bytes): a datagram that
/// finds the bucket empty is dropped; one that finds any token passes and spends its size, so
/// the bucket may go below zero. As on Steam the bucket is refilled only when found empty, with
/// everything earned since the last refill, up to the burst. (Steam's starts with 2 GiB of
/// tokens, so its limit bites only after that much; this one starts full at the burst.)
struct TokenBucket {
    tokens: f64,
    refilled: Instant,
}

impl TokenBucket {
    /// Whether a datagram of `len` bytes passes at `now`.
    fn admit(&mut self, now: Instant, rate: f64, burst: f64, len: usize) -> bool {
        if self.tokens <= 0.0 {
            let earned = now.saturating_duration_since(self.refilled).as_secs_f64() * rate;
            self.tokens = (self.tokens + earned).min(burst);
            self.refilled = now;
            if self.tokens <= 0.0 {
                return false;
            }
        }
        self.tokens -= len as f64;
        true
    }
}

pub struct Netsim {
    rng: Rng,
    held: Vec<Held>,
    order: u64,
    send: DirectionState,
    recv: DirectionState,
}

fn ms(v: f64) -> Duration {
    Duration::from_micros((v.max(0.0) * 1000.0) as u64)
}

impl Netsim {
    pub fn new(seed: u64) -> Netsim {
        Netsim {
            rng: Rng::new(seed),
            held: Vec::new(),
            order: 0,
            send: DirectionState::default(),
            recv: DirectionState::default(),
        }
    }

    /// True when every fake-network value is at its default (the driver then skips the netsim).
    pub fn is_idle(config: &ConfigTable) -> bool {
        // Called for every datagram: build the default table once, not per call.
        static DEFAULTS: std::sync::OnceLock<ConfigTable> = std::sync::OnceLock::new();
        let defaults = DEFAULTS.get_or_init(ConfigTable::default);
        [SEND, RECV]
            .iter()
            .flat_map(|k| {
                [
                    k.loss,
                    k.lag,
                    k.reorder,
                    k.dup,
                    k.jitter_avg,
                    k.jitter_max,
                    k.jitter_pct,
                    k.rate,
                    k.burst,
                ]
            })
            .all(|key| config.get(key) == defaults.get(key))
    }

    /// Takes one datagram (`peer` is its destination when sending, its source when receiving).
    pub fn push(
        &mut self,
        now: Instant,
        config: &ConfigTable,
        dir: Direction,
        peer: SocketAddr,
        payload: Vec<u8>,
    ) {
        let (k, state) = match dir {
            Direction::Send => (&SEND, &mut self.send),
            Direction::Recv => (&RECV, &mut self.recv),
        };
        let rate = config.get(k.rate);
        if rate > 0.0 {
            let burst = config.get(k.burst);
            let bucket = state.rate_limit.get_or_insert(TokenBucket {
                tokens: burst,
                refilled: now,
            });
            if !bucket.admit(now, rate, burst, payload.len()) {
                return;
            }
        } else {
            state.rate_limit = None;
        }
        if self.rng.percent(config.get(k.loss)) {
            return;
        }
        let reorder = if self.rng.percent(config.get(k.reorder)) {
            ms(config.get(config::FAKE_PACKET_REORDER_TIME))
        } else {
            Duration::ZERO
        };
        let jitter = random_jitter(&mut self.rng, config, k);
        let dup = self.rng.percent(config.get(k.dup));

        let mut due = now + ms(config.get(k.lag));
        let jitter = match state.min_next_jittered {
            Some(earliest) => jitter.max(earliest.saturating_duration_since(due)),
            None => jitter,
        };
        if jitter > Duration::ZERO {
            due += jitter;
            state.min_next_jittered = Some(due + Duration::from_micros(1));
        } else {
            state.min_next_jittered = None;
        }
        due += reorder;
        if dup {
            let max_us = (config.get(config::FAKE_PACKET_DUP_TIME_MAX).max(0.0) * 1000.0) as u64;
            let extra = Duration::from_micros(1 + self.rng.below(max_us + 1));
            self.hold(due + extra, dir, peer, payload.clone());
        }
        self.hold(due, dir, peer, payload);
    }

    fn hold(&mut self, due: Instant, dir: Direction, peer: SocketAddr, payload: Vec<u8>) {
        self.order += 1;
        self.held.push(Held {
            due,
            order: self.order,
            dir,
            peer,
            payload,
        });
    }

    /// The next datagram due at `now` in direction `dir`, if any.
    pub fn poll(&mut self, now: Instant, dir: Direction) -> Option<(SocketAddr, Vec<u8>)> {
        let i = self
            .held
            .iter()
            .enumerate()
            .filter(|(_, h)| h.dir == dir && h.due <= now)
            .min_by_key(|(_, h)| (h.due, h.order))
            .map(|(i, _)| i)?;
        let h = self.held.swap_remove(i);
        Some((h.peer, h.payload))
    }

    /// When the next held datagram falls due.
    pub fn next_due(&self) -> Option<Instant> {
        self.held.iter().map(|h| h.due).min()
    }
}

/// Steam's fake jitter: for `Pct` % of datagrams, an exponential delay averaging `Avg` ms, capped
/// at `Max` ms; none while either is 0.
fn random_jitter(rng: &mut Rng, config: &ConfigTable, k: &Keys) -> Duration {
    let (avg, max) = (config.get(k.jitter_avg), config.get(k.jitter_max));
    if avg <= 0.0 || max <= 0.0 || !rng.percent(config.get(k.jitter_pct)) {
        return Duration::ZERO;
    }
    // Kept off 0, whose logarithm is infinite.
    let u = rng.unit().max(1e-6);
    ms((-u.ln() * avg).min(max))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ConfigValue;

    fn addr() -> SocketAddr {
        "127.0.0.1:9".parse().unwrap()
    }

    #[test]
    fn default_config_is_idle_and_passes_everything_in_order() {
        let cfg = ConfigTable::default();
        assert!(Netsim::is_idle(&cfg));
        let mut n = Netsim::new(1);
        let t = Instant::now();
        for i in 0..10u8 {
            n.push(t, &cfg, Direction::Send, addr(), vec![i]);
        }
        let got: Vec<u8> = std::iter::from_fn(|| n.poll(t, Direction::Send))
            .map(|(_, p)| p[0])
            .collect();
        assert_eq!(got, (0..10).collect::<Vec<_>>());
        assert!(n.poll(t, Direction::Recv).is_none());
    }

    #[test]
    fn loss_lag_and_duplication_follow_the_config_deterministically() {
        let mut cfg = ConfigTable::default();
        cfg.set(config::FAKE_PACKET_LOSS_SEND, &ConfigValue::Float(20.0));
        cfg.set(config::FAKE_PACKET_DUP_SEND, &ConfigValue::Float(10.0));
        cfg.set(config::FAKE_PACKET_LAG_SEND, &ConfigValue::Int32(50));
        assert!(!Netsim::is_idle(&cfg));
        let run = |seed| {
            let mut n = Netsim::new(seed);
            let t = Instant::now();
            for i in 0..10_000u32 {
                n.push(t, &cfg, Direction::Send, addr(), i.to_le_bytes().to_vec());
            }
            assert!(n
                .poll(t + Duration::from_millis(49), Direction::Send)
                .is_none());
            assert_eq!(n.next_due(), Some(t + Duration::from_millis(50)));
            std::iter::from_fn(|| n.poll(t + Duration::from_secs(1), Direction::Send)).count()
        };
        let delivered = run(7);
        assert_eq!(delivered, run(7));
        // 80% kept, 10% of those doubled: about 8 800.
        assert!((8_500..9_100).contains(&delivered), "{delivered}");
    }

    /// The delay the netsim gives each of `n` datagrams sent a second apart (far enough apart
    /// that no clump carries over from one to the next).
    fn delays(cfg: &ConfigTable, n: u32) -> Vec<f64> {
        let mut sim = Netsim::new(3);
        let t0 = Instant::now();
        (0..n)
            .map(|i| {
                let t = t0 + Duration::from_secs(i as u64);
                sim.push(t, cfg, Direction::Send, addr(), vec![0]);
                let due = sim.next_due().unwrap();
                assert!(sim.poll(due, Direction::Send).is_some());
                (due - t).as_secs_f64() * 1000.0
            })
            .collect()
    }

    fn jitter(avg: f32, max: f32, pct: f32) -> ConfigTable {
        let mut cfg = ConfigTable::default();
        assert!(cfg.set(
            config::FAKE_PACKET_JITTER_SEND_AVG,
            &ConfigValue::Float(avg)
        ));
        assert!(cfg.set(
            config::FAKE_PACKET_JITTER_SEND_MAX,
            &ConfigValue::Float(max)
        ));
        assert!(cfg.set(
            config::FAKE_PACKET_JITTER_SEND_PCT,
            &ConfigValue::Float(pct)
        ));
        cfg
    }

    #[test]
    fn jitter_delays_are_exponential_around_the_average_and_capped_at_the_maximum() {
        let d = delays(&jitter(10.0, 100.0, 100.0), 20_000);
        let mean = d.iter().sum::<f64>() / d.len() as f64;
        assert!((9.5..10.5).contains(&mean), "mean {mean:.2} ms");
        // An exponential's median is ln 2 of its mean, and e^-2 of it lies past twice the mean.
        let below_median = d.iter().filter(|&&x| x < 10.0 * 2f64.ln()).count();
        assert!((9_600..10_400).contains(&below_median), "{below_median}");
        let past_twice = d.iter().filter(|&&x| x > 20.0).count();
        assert!((2_400..3_000).contains(&past_twice), "{past_twice}");
        assert!(d.iter().all(|&x| x <= 100.0));
        let capped = delays(&jitter(10.0, 15.0, 100.0), 2000);
        assert!(capped.iter().all(|&x| x <= 15.0));
        assert!(capped.contains(&15.0));
    }

    #[test]
    fn jitter_touches_pct_percent_of_datagrams_and_steams_defaults_touch_none() {
        let d = delays(&jitter(10.0, 100.0, 75.0), 10_000);
        let untouched = d.iter().filter(|&&x| x == 0.0).count();
        assert!((2_300..2_700).contains(&untouched), "{untouched}");
        assert!(delays(&ConfigTable::default(), 100)
            .iter()
            .all(|&x| x == 0.0));
    }

    #[test]
    fn jitter_clumps_datagrams_but_never_reorders_them() {
        let cfg = jitter(20.0, 100.0, 50.0);
        let mut n = Netsim::new(9);
        let t = Instant::now();
        for i in 0..1000u32 {
            let at = t + Duration::from_micros(100 * i as u64);
            n.push(at, &cfg, Direction::Send, addr(), i.to_le_bytes().to_vec());
        }
        let got: Vec<u32> =
            std::iter::from_fn(|| n.poll(t + Duration::from_secs(10), Direction::Send))
                .map(|(_, p)| u32::from_le_bytes(p[..4].try_into().unwrap()))
                .collect();
        assert_eq!(got, (0..1000).collect::<Vec<_>>());
    }

    fn rate_limit(dir: Direction, rate: i32, burst: i32) -> ConfigTable {
        let k = match dir {
            Direction::Send => &SEND,
            Direction::Recv => &RECV,
        };
        let mut cfg = ConfigTable::default();
        assert!(cfg.set(k.rate, &ConfigValue::Int32(rate)));
        assert!(cfg.set(k.burst, &ConfigValue::Int32(burst)));
        cfg
    }

    /// Bytes that pass when 1 000-byte datagrams are offered at 1 MB/s for ten seconds.
    fn passed_of_a_megabyte_a_second(cfg: &ConfigTable, dir: Direction) -> usize {
        let mut n = Netsim::new(4);
        let t0 = Instant::now();
        for i in 0..10_000u64 {
            n.push(
                t0 + Duration::from_millis(i),
                cfg,
                dir,
                addr(),
                vec![0; 1000],
            );
        }
        std::iter::from_fn(|| n.poll(t0 + Duration::from_secs(11), dir))
            .map(|(_, p)| p.len())
            .sum()
    }

    #[test]
    fn the_fake_rate_limit_drops_what_exceeds_its_rate_after_the_burst() {
        for dir in [Direction::Send, Direction::Recv] {
            let cfg = rate_limit(dir, 100_000, 16_384);
            assert!(!Netsim::is_idle(&cfg));
            // Ten seconds at 100 000 B/s, plus the burst, plus at most one datagram per refill.
            let passed = passed_of_a_megabyte_a_second(&cfg, dir);
            assert!(
                (1_010_000..1_070_000).contains(&passed),
                "{dir:?}: {passed} bytes passed"
            );
        }
        let unlimited = rate_limit(Direction::Send, 0, 16_384);
        let all = passed_of_a_megabyte_a_second(&unlimited, Direction::Send);
        assert_eq!(all, 10_000_000);
        // The other direction is not limited.
        let send_only = rate_limit(Direction::Send, 100_000, 16_384);
        let recv = passed_of_a_megabyte_a_second(&send_only, Direction::Recv);
        assert_eq!(recv, 10_000_000);
    }

    #[test]
    fn rate_limit_values_are_steams_globals() {
        for key in config::FAKE_RATE_LIMIT_SEND_RATE..=config::FAKE_RATE_LIMIT_RECV_BURST {
            assert_eq!(config::spec(key).unwrap().scope, config::scope::GLOBAL);
        }
        let cfg = rate_limit(Direction::Send, i32::MAX, i32::MAX);
        assert_eq!(cfg.get(config::FAKE_RATE_LIMIT_SEND_RATE), 1_073_741_824.0);
        assert_eq!(cfg.get(config::FAKE_RATE_LIMIT_SEND_BURST), 1_048_576.0);
        assert_eq!(
            ConfigTable::default().get(config::FAKE_RATE_LIMIT_RECV_BURST),
            16_384.0
        );
    }
}
