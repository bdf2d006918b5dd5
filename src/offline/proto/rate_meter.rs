//! Packets and bytes per second over a sliding one-second window, for the real-time status.

use std::time::{Duration, Instant};

const BUCKETS: usize = 10;
const BUCKET: Duration = Duration::from_millis(100);

#[derive(Clone, Debug)]
pub struct RateMeter {
    epoch: Instant,
    /// (bucket number, packets, bytes)
    buckets: [(u64, u64, u64); BUCKETS],
}

impl RateMeter {
    pub fn new(epoch: Instant) -> RateMeter {
        RateMeter {
            epoch,
            buckets: [(u64::MAX, 0, 0); BUCKETS],
        }
    }

    fn bucket(&self, now: Instant) -> u64 {
        (now.saturating_duration_since(self.epoch).as_micros() / BUCKET.as_micros()) as u64
    }

    pub fn record(&mut self, now: Instant, bytes: usize) {
        let n = self.bucket(now);
        let slot = &mut self.buckets[(n % BUCKETS as u64) as usize];
        if slot.0 != n {
            *slot = (n, 0, 0);
        }
        slot.1 += 1;
        slot.2 += bytes as u64;
    }

    /// (packets/s, bytes/s) over the last second.
    pub fn per_second(&self, now: Instant) -> (f32, f32) {
        let n = self.bucket(now);
        let (mut p, mut b) = (0u64, 0u64);
        for &(k, pk, by) in &self.buckets {
            if k != u64::MAX && k <= n && n - k < BUCKETS as u64 {
                p += pk;
                b += by;
            }
        }
        (p as f32, b as f32)
    }
}
