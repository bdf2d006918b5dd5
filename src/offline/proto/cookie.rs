//! The stateless handshake cookie: a responder answers a Hello with a value only it can make
//! for that source address, so a spoofed source never gets a session (or any state) created.
//! The value is a keyed PRF of the address, the initiator's connection id and a time bucket.

use super::secret::{Domain, Secret};
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

/// Cookies older than one or two buckets are refused.
const BUCKET: Duration = Duration::from_secs(8);

fn hash(secret: &Secret, addr: &SocketAddr, initiator: u64, bucket: u64) -> u64 {
    let ip = match addr.ip() {
        IpAddr::V4(v4) => u128::from(v4.to_ipv6_mapped()),
        IpAddr::V6(v6) => u128::from(v6),
    };
    secret.prf(
        Domain::Cookie,
        &[
            (ip >> 64) as u64,
            ip as u64,
            u64::from(addr.port()),
            initiator,
            bucket,
        ],
    )
}

fn bucket(epoch: Instant, now: Instant) -> u64 {
    now.saturating_duration_since(epoch).as_secs() / BUCKET.as_secs()
}

pub fn make(
    secret: &Secret,
    epoch: Instant,
    now: Instant,
    addr: &SocketAddr,
    initiator: u64,
) -> u64 {
    hash(secret, addr, initiator, bucket(epoch, now))
}

pub fn verify(
    secret: &Secret,
    epoch: Instant,
    now: Instant,
    addr: &SocketAddr,
    initiator: u64,
    cookie: u64,
) -> bool {
    let b = bucket(epoch, now);
    hash(secret, addr, initiator, b) == cookie
        || (b > 0 && hash(secret, addr, initiator, b - 1) == cookie)
}
