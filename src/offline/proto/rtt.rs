//! Round-trip time estimation and the retransmission timeout, after RFC 6298.

use std::time::Duration;

/// Loopback RTTs are microseconds; without a floor the RTO would fire on scheduling noise.
const MIN_RTO: Duration = Duration::from_millis(25);
/// Keeps a stalled receiver (full queue) probed often enough to resume promptly once drained.
const MAX_RTO: Duration = Duration::from_secs(1);
const INITIAL_RTO: Duration = Duration::from_millis(250);

#[derive(Clone, Debug, Default)]
pub struct RttEstimator {
    srtt: Option<Duration>,
    rttvar: Duration,
    latest: Duration,
    max_jitter: Duration,
}

impl RttEstimator {
    pub fn update(&mut self, sample: Duration) {
        self.latest = sample;
        match self.srtt {
            None => {
                self.srtt = Some(sample);
                self.rttvar = sample / 2;
            }
            Some(srtt) => {
                let dev = srtt.abs_diff(sample);
                self.max_jitter = self.max_jitter.max(dev);
                self.rttvar = (self.rttvar * 3 + dev) / 4;
                self.srtt = Some((srtt * 7 + sample) / 8);
            }
        }
    }

    pub fn srtt(&self) -> Option<Duration> {
        self.srtt
    }

    pub fn latest(&self) -> Duration {
        self.latest
    }

    pub fn max_jitter(&self) -> Duration {
        self.max_jitter
    }

    /// `backoff` doublings, as RFC 6298 5.5 asks after each expiry.
    pub fn rto(&self, backoff: u32) -> Duration {
        let base = match self.srtt {
            None => INITIAL_RTO,
            Some(srtt) => srtt + (self.rttvar * 4).max(Duration::from_millis(1)),
        };
        (base.max(MIN_RTO) * 2u32.saturating_pow(backoff.min(8))).min(MAX_RTO.max(base))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rto_follows_rfc6298_with_a_floor_and_backoff() {
        let mut r = RttEstimator::default();
        assert_eq!(r.rto(0), INITIAL_RTO);
        r.update(Duration::from_millis(100));
        assert_eq!(r.srtt(), Some(Duration::from_millis(100)));
        assert_eq!(r.rto(0), Duration::from_millis(300));
        assert_eq!(r.rto(1), Duration::from_millis(600));
        assert_eq!(r.rto(5), MAX_RTO);
        let mut fast = RttEstimator::default();
        fast.update(Duration::from_micros(50));
        assert_eq!(fast.rto(0), MIN_RTO);
    }
}
