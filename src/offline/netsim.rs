//! Network simulation for tests and demos: loss, duplication, reordering, latency and jitter,
//! driven by Steam's `FakePacket*` configuration values (which `opts.netsim` also sets).
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
}

const SEND: Keys = Keys {
    loss: config::FAKE_PACKET_LOSS_SEND,
    lag: config::FAKE_PACKET_LAG_SEND,
    reorder: config::FAKE_PACKET_REORDER_SEND,
    dup: config::FAKE_PACKET_DUP_SEND,
    jitter_avg: config::FAKE_PACKET_JITTER_SEND_AVG,
    jitter_max: config::FAKE_PACKET_JITTER_SEND_MAX,
    jitter_pct: config::FAKE_PACKET_JITTER_SEND_PCT,
};
const RECV: Keys = Keys {
    loss: config::FAKE_PACKET_LOSS_RECV,
    lag: config::FAKE_PACKET_LAG_RECV,
    reorder: config::FAKE_PACKET_REORDER_RECV,
    dup: config::FAKE_PACKET_DUP_RECV,
    jitter_avg: config::FAKE_PACKET_JITTER_RECV_AVG,
    jitter_max: config::FAKE_PACKET_JITTER_RECV_MAX,
    jitter_pct: config::FAKE_PACKET_JITTER_RECV_PCT,
};

pub struct Netsim {
    rng: Rng,
    held: Vec<Held>,
    order: u64,
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
        let k = match dir {
            Direction::Send => &SEND,
            Direction::Recv => &RECV,
        };
        if self.rng.percent(config.get(k.loss)) {
            return;
        }
        let mut delay = ms(config.get(k.lag));
        if self.rng.percent(config.get(k.jitter_pct)) {
            // Exponential around the average, capped: mostly small, now and then large.
            let avg = config.get(k.jitter_avg);
            let max = config.get(k.jitter_max).max(avg);
            let u = self.rng.unit().max(1e-12);
            delay += ms((-u.ln() * avg).min(max));
        }
        if self.rng.percent(config.get(k.reorder)) {
            delay += ms(config.get(config::FAKE_PACKET_REORDER_TIME));
        }
        if self.rng.percent(config.get(k.dup)) {
            let max_us = (config.get(config::FAKE_PACKET_DUP_TIME_MAX).max(0.0) * 1000.0) as u64;
            let extra = Duration::from_micros(self.rng.below(max_us + 1));
            self.hold(now + delay + extra, dir, peer, payload.clone());
        }
        self.hold(now + delay, dir, peer, payload);
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
}
