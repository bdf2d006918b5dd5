//! Reassembly of one message from its fragments. Memory is allocated once, for a total that
//! the frame decoder already checked against the protocol's 512 KiB limit.

use std::collections::BTreeMap;
use std::time::Instant;

#[derive(Debug)]
pub struct Assembler {
    data: Vec<u8>,
    /// Fragments already in, start -> end. A sender's fragment boundaries never change, so a
    /// fragment that overlaps another without being the same one is forged or corrupt: taking
    /// it would let bytes counted twice stand for a hole that is still zeros.
    fragments: BTreeMap<u32, u32>,
    /// Bytes covered; fragments never overlap, so equal to the total means no hole is left.
    received: usize,
    pub started: Instant,
    /// Refused (too large for `RecvMaxMessageSize`): kept only as a placeholder so the
    /// reliable sequence can move past it.
    pub refused: bool,
}

impl Assembler {
    pub fn new(total: u32, now: Instant) -> Assembler {
        Assembler {
            data: vec![0; total as usize],
            fragments: BTreeMap::new(),
            received: 0,
            started: now,
            refused: false,
        }
    }

    pub fn refused(now: Instant) -> Assembler {
        Assembler {
            refused: true,
            ..Assembler::new(0, now)
        }
    }

    pub fn total(&self) -> usize {
        self.data.len()
    }

    /// Adds a fragment; ignored when it does not fit, was seen already, or overlaps another.
    pub fn insert(&mut self, offset: u32, bytes: &[u8]) {
        if self.refused {
            return;
        }
        let start = offset as usize;
        let Some(end) = start.checked_add(bytes.len()) else {
            return;
        };
        // An empty fragment is a whole message only when the message is empty.
        if end > self.data.len() || (bytes.is_empty() && !self.data.is_empty()) {
            return;
        }
        let end32 = end as u32;
        let before = self.fragments.range(..offset).next_back();
        if before.is_some_and(|(_, &e)| e > offset) {
            return;
        }
        // Also the same fragment again: it starts where one already does.
        let after = self.fragments.range(offset..).next();
        if after.is_some_and(|(&s, _)| s < end32 || s == offset) {
            return;
        }
        self.fragments.insert(offset, end32);
        self.data[start..end].copy_from_slice(bytes);
        self.received += bytes.len();
    }

    pub fn is_complete(&self) -> bool {
        self.refused || (!self.fragments.is_empty() && self.received == self.data.len())
    }

    pub fn into_data(self) -> Vec<u8> {
        self.data
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_fragments_never_complete_a_message_with_a_hole() {
        let now = Instant::now();
        let mut a = Assembler::new(30, now);
        a.insert(0, &[1; 20]);
        // Overlaps the first and claims bytes 10..30: counted, the old check saw 30 of 30.
        a.insert(10, &[2; 20]);
        assert!(!a.is_complete());
        // A fragment starting inside another, and one ending inside the next, are refused too.
        a.insert(5, &[3; 2]);
        a.insert(25, &[4; 5]);
        a.insert(21, &[5; 5]);
        assert!(!a.is_complete());
        a.insert(20, &[6; 5]);
        assert!(a.is_complete());
        let data = a.into_data();
        assert_eq!(&data[..20], &[1; 20]);
        assert_eq!(&data[20..25], &[6; 5]);
        assert_eq!(&data[25..], &[4; 5]);
    }

    #[test]
    fn a_repeated_fragment_counts_once() {
        let now = Instant::now();
        let mut a = Assembler::new(20, now);
        a.insert(0, &[1; 10]);
        a.insert(0, &[1; 10]);
        assert!(!a.is_complete());
        a.insert(10, &[2; 10]);
        assert!(a.is_complete());
    }

    #[test]
    fn an_empty_message_completes_on_its_one_empty_fragment() {
        let now = Instant::now();
        let mut a = Assembler::new(0, now);
        assert!(!a.is_complete());
        a.insert(0, &[]);
        assert!(a.is_complete());
        let mut b = Assembler::new(5, now);
        b.insert(3, &[]);
        assert!(!b.is_complete());
    }
}
