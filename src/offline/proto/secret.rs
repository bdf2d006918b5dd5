//! An endpoint's secret key and the keyed PRF (SipHash-2-4) drawn from it: the handshake
//! cookie and the connection ids must be unpredictable to anyone who sees some of them.
//! SplitMix's mixer is invertible, so one observed value gave away the seed, and with it every
//! cookie and connection id; SipHash with a 128-bit key does not.

use siphasher::sip::SipHasher24;
use std::hash::Hasher;

/// What a PRF output is for, so a cookie can never be replayed as a connection id.
#[derive(Clone, Copy)]
pub enum Domain {
    Cookie = 1,
    ConnectionId = 2,
    /// The keys of the session tables' hasher (`table_hash`).
    TableHash = 3,
}

#[derive(Clone)]
pub struct Secret {
    k0: u64,
    k1: u64,
}

impl Secret {
    /// `k0`, `k1`: 128 bits from a good random source (tests pass fixed ones).
    pub fn new(k0: u64, k1: u64) -> Secret {
        Secret { k0, k1 }
    }

    pub fn prf(&self, domain: Domain, words: &[u64]) -> u64 {
        let mut h = SipHasher24::new_with_keys(self.k0, self.k1);
        h.write_u8(domain as u8);
        for w in words {
            h.write_u64(*w);
        }
        h.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_depend_on_key_domain_and_input() {
        let s = Secret::new(1, 2);
        let a = s.prf(Domain::Cookie, &[7]);
        assert_eq!(a, Secret::new(1, 2).prf(Domain::Cookie, &[7]));
        assert_ne!(a, Secret::new(1, 3).prf(Domain::Cookie, &[7]));
        assert_ne!(a, s.prf(Domain::ConnectionId, &[7]));
        assert_ne!(a, s.prf(Domain::Cookie, &[8]));
    }
}
