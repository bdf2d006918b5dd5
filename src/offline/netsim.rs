//! Network simulation for tests and demos: loss, duplication, reordering, latency and jitter,
//! driven by Steam's `FakePacket*` configuration values (which `opts.netsim` also sets).
//!
//! PUBLIC CONTRACT (the driver depends on exactly this API).

use crate::config::ConfigTable;
use std::net::SocketAddr;
use std::time::Instant;

/// Which way a datagram is going: the `_Send` or the `_Recv` configuration values apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Send,
    Recv,
}

pub struct Netsim {
    _private: (),
}

impl Netsim {
    pub fn new(seed: u64) -> Netsim {
        let _ = seed;
        unimplemented!()
    }

    /// True when every fake-network value is at its default (the driver then skips the netsim).
    pub fn is_idle(config: &ConfigTable) -> bool {
        let _ = config;
        unimplemented!()
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
        let _ = (now, config, dir, peer, payload);
        unimplemented!()
    }

    /// The next datagram due at `now` in direction `dir`, if any.
    pub fn poll(&mut self, now: Instant, dir: Direction) -> Option<(SocketAddr, Vec<u8>)> {
        let _ = (now, dir);
        unimplemented!()
    }

    /// When the next held datagram falls due.
    pub fn next_due(&self) -> Option<Instant> {
        unimplemented!()
    }
}
