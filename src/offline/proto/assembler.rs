//! Reassembly of one message from its fragments. Memory is allocated once, for a total that
//! the frame decoder already checked against the protocol's 512 KiB limit.

use std::collections::BTreeSet;
use std::time::Instant;

#[derive(Debug)]
pub struct Assembler {
    data: Vec<u8>,
    /// Fragment offsets already in; a sender's fragment boundaries never change.
    offsets: BTreeSet<u32>,
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
            offsets: BTreeSet::new(),
            received: 0,
            started: now,
            refused: false,
        }
    }

    pub fn refused(now: Instant) -> Assembler {
        Assembler {
            data: Vec::new(),
            offsets: BTreeSet::new(),
            received: 0,
            started: now,
            refused: true,
        }
    }

    pub fn total(&self) -> usize {
        self.data.len()
    }

    /// Adds a fragment; ignored when it does not fit or was seen already.
    pub fn insert(&mut self, offset: u32, bytes: &[u8]) {
        if self.refused {
            return;
        }
        let start = offset as usize;
        let Some(end) = start.checked_add(bytes.len()) else {
            return;
        };
        if end > self.data.len() || !self.offsets.insert(offset) {
            return;
        }
        self.data[start..end].copy_from_slice(bytes);
        self.received += bytes.len();
    }

    pub fn is_complete(&self) -> bool {
        self.refused || (!self.offsets.is_empty() && self.received >= self.data.len())
    }

    pub fn into_data(self) -> Vec<u8> {
        self.data
    }
}
