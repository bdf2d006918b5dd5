//! The hasher of the session tables (`by_key`, `by_local_id`), looked up on every send and every
//! datagram: std's SipHash-1-3 cost about 200 instructions a lookup there, three lookups a send.
//! This is a folded multiply keyed with 128 bits drawn from the endpoint's secret: a peer chooses
//! the keys it sends (its SteamID, connection ids) but cannot see the hash key, and the tables
//! are bounded (`MAX_SESSIONS`), so even a collision costs a longer probe, never a slow table.

use super::secret::{Domain, Secret};
use std::hash::{BuildHasher, Hasher};

#[derive(Clone)]
pub struct TableHash {
    k0: u64,
    k1: u64,
}

impl TableHash {
    pub fn new(secret: &Secret) -> TableHash {
        TableHash {
            k0: secret.prf(Domain::TableHash, &[0]),
            // Odd, so no multiply ever loses the bits it mixes.
            k1: secret.prf(Domain::TableHash, &[1]) | 1,
        }
    }
}

impl BuildHasher for TableHash {
    type Hasher = TableHasher;

    fn build_hasher(&self) -> TableHasher {
        TableHasher {
            state: self.k0,
            k1: self.k1,
        }
    }
}

pub struct TableHasher {
    state: u64,
    k1: u64,
}

/// The high and low halves of the 128-bit product, folded: every input bit reaches every output
/// bit, which a plain 64-bit multiply does not give the low bits.
fn fold_mul(a: u64, b: u64) -> u64 {
    let p = (a as u128).wrapping_mul(b as u128);
    (p as u64) ^ ((p >> 64) as u64)
}

impl Hasher for TableHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(c);
            self.write_u64(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        let mut word = [0u8; 8];
        word[..rest.len()].copy_from_slice(rest);
        // The length goes in with the tail, so "ab" and "ab\0" differ.
        self.write_u64(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 56));
    }

    fn write_u8(&mut self, i: u8) {
        self.write_u64(i as u64);
    }
    fn write_u16(&mut self, i: u16) {
        self.write_u64(i as u64);
    }
    fn write_u32(&mut self, i: u32) {
        self.write_u64(i as u64);
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    fn write_isize(&mut self, i: isize) {
        self.write_u64(i as u64);
    }

    fn write_u64(&mut self, i: u64) {
        self.state = fold_mul(self.state ^ i, self.k1);
    }

    fn finish(&self) -> u64 {
        fold_mul(self.state, self.k1 ^ 0x9e37_79b9_7f4a_7c15)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::Identity;

    fn hash(t: &TableHash, id: &Identity) -> u64 {
        t.hash_one(id)
    }

    #[test]
    fn hashes_depend_on_the_key_and_the_identity() {
        let t = TableHash::new(&Secret::new(1, 2));
        let a = Identity::SteamId(76561198000000001);
        assert_eq!(hash(&t, &a), hash(&TableHash::new(&Secret::new(1, 2)), &a));
        assert_ne!(hash(&t, &a), hash(&TableHash::new(&Secret::new(1, 3)), &a));
        assert_ne!(
            hash(&t, &a),
            hash(&t, &Identity::SteamId(76561198000000002))
        );
        let ip: Identity = Identity::Ip("127.0.0.1:27015".parse().unwrap());
        let ip2: Identity = Identity::Ip("127.0.0.1:27016".parse().unwrap());
        assert_ne!(hash(&t, &ip), hash(&t, &ip2));
        assert_ne!(
            t.hash_one([1u8, 2].as_slice()),
            t.hash_one([1u8, 2, 0].as_slice())
        );
    }

    #[test]
    fn nearby_steam_ids_spread_over_the_low_bits() {
        let t = TableHash::new(&Secret::new(5, 6));
        let mut buckets = [0u32; 64];
        for i in 0..64 * 64 {
            let h = hash(&t, &Identity::SteamId(76561198000000000 + i));
            buckets[(h & 63) as usize] += 1;
        }
        assert!(buckets.iter().all(|&n| n > 16 && n < 128), "{buckets:?}");
    }
}
