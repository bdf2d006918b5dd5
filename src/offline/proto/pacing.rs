//! Token-bucket pacing at the configured send rate (`SendRateMax`, never below `SendRateMin`),
//! so a large send leaves as a steady stream instead of a burst that floods the path.

use std::time::{Duration, Instant};

#[derive(Clone, Debug)]
pub struct Pacer {
    rate: f64,
    tokens: f64,
    last: Option<Instant>,
}

impl Pacer {
    pub fn new(rate: f64) -> Pacer {
        let mut p = Pacer {
            rate: 1.0,
            tokens: 0.0,
            last: None,
        };
        p.set_rate(rate);
        p.tokens = p.burst();
        p
    }

    pub fn set_rate(&mut self, rate: f64) {
        self.rate = rate.max(1.0);
        self.tokens = self.tokens.min(self.burst());
    }

    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// A few packets or 20 ms worth, whichever is more: small enough that the rate holds over
    /// any second, large enough that one send of a few messages goes out at once.
    fn burst(&self) -> f64 {
        (self.rate / 50.0).max(4.0 * 1500.0)
    }

    fn refill(&mut self, now: Instant) {
        if let Some(last) = self.last {
            let dt = now.saturating_duration_since(last).as_secs_f64();
            self.tokens = (self.tokens + dt * self.rate).min(self.burst());
        }
        // Two threads feed the core; a reading older than the last one must not move `last`
        // back, or the stretch between them is credited twice (the rate ran ~10% over).
        self.last = Some(self.last.map_or(now, |last| last.max(now)));
    }

    pub fn ready(&mut self, now: Instant) -> bool {
        self.refill(now);
        self.tokens > 0.0
    }

    pub fn consume(&mut self, now: Instant, bytes: usize) {
        self.refill(now);
        self.tokens -= bytes as f64;
    }

    /// When `ready` turns true (rounded up so a timer set for it never finds it still false).
    pub fn next_ready(&self) -> Option<Instant> {
        let last = self.last?;
        if self.tokens > 0.0 {
            return Some(last);
        }
        let secs = (-self.tokens + 1.0) / self.rate;
        Some(last + Duration::from_micros((secs * 1e6).ceil() as u64 + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_reading_older_than_the_last_credits_no_time_twice() {
        let t0 = Instant::now();
        let mut p = Pacer::new(1_000_000.0); // a 20 000-byte burst, refilled at 1 000 bytes/ms
        p.consume(t0, 40_000); // 20 000 bytes owed
        assert!(!p.ready(t0 + Duration::from_millis(10))); // 10 000 earned, 10 000 owed
        assert!(!p.ready(t0 + Duration::from_millis(5))); // an older reading changes nothing
                                                          // Had `last` gone back to 5 ms, 16 ms would earn 11 000 from there and the debt look paid.
        assert!(!p.ready(t0 + Duration::from_millis(16)));
        assert!(p.ready(t0 + Duration::from_millis(21)));
    }
}
