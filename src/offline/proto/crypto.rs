//! `opts.key`: a pre-shared key that authenticates and encrypts every datagram, so nobody
//! without it can pose as another SteamID, read the traffic or inject into a session.
//!
//! A sealed datagram is `SMSK`, a 24-byte nonce, then the XChaCha20-Poly1305 ciphertext of the
//! plain datagram (`wire`) with its 16-byte tag; the magic is the associated data. The nonce is
//! this endpoint's random 16-byte prefix and a counter, so it never repeats for one key: the
//! prefix differs between endpoints (and between runs of one), the counter within one.
//! The AEAD key is SHA-256 of a fixed label and the caller's key string: a long random key
//! string is as strong as the cipher; a short word can be guessed offline from one datagram.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};

pub const SEALED_MAGIC: [u8; 4] = *b"SMSK";
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
/// What sealing adds to a datagram.
pub const OVERHEAD: usize = SEALED_MAGIC.len() + NONCE_LEN + TAG_LEN;
const KEY_LABEL: &[u8] = b"steam-messages opts.key v1\0";

pub struct PacketKey {
    aead: XChaCha20Poly1305,
    prefix: [u8; 16],
    counter: u64,
}

impl PacketKey {
    /// `key` is the caller's key string; `prefix` 16 random bytes unique to this endpoint.
    pub fn new(key: &[u8], prefix: [u8; 16]) -> PacketKey {
        let mut h = Sha256::new();
        h.update(KEY_LABEL);
        h.update(key);
        let derived = h.finalize();
        PacketKey {
            aead: XChaCha20Poly1305::new(Key::from_slice(&derived)),
            prefix,
            counter: 0,
        }
    }

    pub fn seal(&mut self, plain: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        nonce[..16].copy_from_slice(&self.prefix);
        nonce[16..].copy_from_slice(&self.counter.to_le_bytes());
        self.counter = self.counter.wrapping_add(1);
        let payload = Payload {
            msg: plain,
            aad: &SEALED_MAGIC,
        };
        let mut out = Vec::with_capacity(plain.len() + OVERHEAD);
        out.extend_from_slice(&SEALED_MAGIC);
        out.extend_from_slice(&nonce);
        // Encryption into a Vec fails only when memory does; an empty datagram is then dropped
        // by the receiver like any malformed one.
        if let Ok(ct) = self.aead.encrypt(XNonce::from_slice(&nonce), payload) {
            out.extend_from_slice(&ct);
        }
        out
    }

    /// The plain datagram, or `None` when it was not sealed with this key or was altered.
    pub fn open(&self, sealed: &[u8]) -> Option<Vec<u8>> {
        if sealed.len() < OVERHEAD || !is_sealed(sealed) {
            return None;
        }
        let (nonce, ct) = sealed[SEALED_MAGIC.len()..].split_at(NONCE_LEN);
        let payload = Payload {
            msg: ct,
            aad: &SEALED_MAGIC,
        };
        self.aead.decrypt(XNonce::from_slice(nonce), payload).ok()
    }
}

/// Whether a datagram claims to be sealed (for the diagnostics of a key mismatch).
pub fn is_sealed(datagram: &[u8]) -> bool {
    datagram.starts_with(&SEALED_MAGIC)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_datagrams_open_only_with_the_same_key_and_unaltered() {
        let mut a = PacketKey::new(b"secret", [1; 16]);
        let b = PacketKey::new(b"secret", [2; 16]);
        let other = PacketKey::new(b"Secret", [1; 16]);
        let s1 = a.seal(b"hello");
        let s2 = a.seal(b"hello");
        assert_ne!(s1, s2, "the nonce must change");
        assert_eq!(s1.len(), 5 + OVERHEAD);
        assert_eq!(b.open(&s1).as_deref(), Some(&b"hello"[..]));
        assert_eq!(other.open(&s1), None);
        for i in 0..s1.len() {
            let mut t = s1.clone();
            t[i] ^= 0x40;
            assert_eq!(b.open(&t), None, "byte {i} altered");
        }
        assert_eq!(b.open(&s1[..s1.len() - 1]), None);
        assert_eq!(b.open(b"SMSG\x01\x05"), None);
        assert_eq!(b.open(&a.seal(b"")).as_deref(), Some(&b""[..]));
    }
}
