//! Outgoing messages of one session: the unsent queue, fragmentation at fixed boundaries (so a
//! retransmitted fragment is the same bytes at the same offset), per-channel reliable sequence
//! numbers, and what is sent but unacked.

use super::recv_buffer::REORDER_WINDOW;
use std::collections::{BTreeMap, HashSet, VecDeque};

/// Reliable bytes sent and not yet acked at most. The receiver does not ack what it has no room
/// for, so sending past what it can take only turns into loss and retransmission (a flood at
/// 0x10000000 B/s once left megabytes unacked and the session crawling for seconds).
pub const MAX_IN_FLIGHT_BYTES: usize = 1 << 20;
/// Messages from the oldest one not yet acked to the next new one at most: well inside the
/// receiver's reorder window, past which it holds whole packets back.
pub const MAX_IN_FLIGHT_MESSAGES: u64 = REORDER_WINDOW / 2;

/// One fragment of one reliable message, as a sent packet remembers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FragRef {
    msg: u64,
    frag: u32,
}

struct OutMessage {
    channel: i32,
    seq: u64,
    reliable: bool,
    data: Vec<u8>,
    frag_size: usize,
    acked: AckedFrags,
    remaining: usize,
}

/// Which fragments of a message the peer acked. Up to 64 in a word: a message of one packet or
/// a few (nearly all) costs no allocation beyond its payload's.
enum AckedFrags {
    Word { frags: u32, bits: u64 },
    Words { frags: u32, bits: Vec<u64> },
}

impl AckedFrags {
    fn new(frags: usize) -> AckedFrags {
        let n = frags.min(u32::MAX as usize) as u32;
        if frags <= 64 {
            AckedFrags::Word { frags: n, bits: 0 }
        } else {
            AckedFrags::Words {
                frags: n,
                bits: vec![0; frags.div_ceil(64)],
            }
        }
    }

    fn len(&self) -> u32 {
        match self {
            AckedFrags::Word { frags, .. } | AckedFrags::Words { frags, .. } => *frags,
        }
    }

    /// Whether `frag` is acked; `None` past the last fragment.
    fn get(&self, frag: u32) -> Option<bool> {
        if frag >= self.len() {
            return None;
        }
        let (word, bit) = ((frag / 64) as usize, frag % 64);
        let w = match self {
            AckedFrags::Word { bits, .. } => *bits,
            AckedFrags::Words { bits, .. } => bits.get(word).copied().unwrap_or(0),
        };
        Some(w >> bit & 1 == 1)
    }

    /// Marks `frag` acked; its state before, `None` past the last fragment.
    fn set(&mut self, frag: u32) -> Option<bool> {
        let before = self.get(frag)?;
        let (word, bit) = ((frag / 64) as usize, frag % 64);
        match self {
            AckedFrags::Word { bits, .. } => *bits |= 1 << bit,
            AckedFrags::Words { bits, .. } => {
                if let Some(w) = bits.get_mut(word) {
                    *w |= 1 << bit;
                }
            }
        }
        Some(before)
    }
}

impl OutMessage {
    fn frags(&self) -> u32 {
        self.acked.len()
    }
    fn range(&self, frag: u32) -> (usize, usize) {
        let start = frag as usize * self.frag_size;
        (start, (start + self.frag_size).min(self.data.len()))
    }
}

/// A fragment ready to go on the wire.
pub struct OutSegment<'a> {
    pub reliable: bool,
    pub channel: i32,
    pub seq: u64,
    pub total: u32,
    pub offset: u32,
    pub data: &'a [u8],
    /// Set for reliable fragments, so the packet can remember them.
    pub frag: Option<FragRef>,
}

#[derive(Default)]
pub struct SendBuffer {
    msgs: BTreeMap<u64, OutMessage>,
    next_id: u64,
    /// Unsent messages and the next fragment of the first one.
    queue: VecDeque<(u64, u32)>,
    retransmit: VecDeque<FragRef>,
    /// What `retransmit` holds, so a loss is queued once without scanning the queue.
    queued_resend: HashSet<FragRef>,
    next_seq: BTreeMap<i32, u64>,
    next_unreliable: u64,
    unsent_reliable: usize,
    unsent_unreliable: usize,
    unacked_reliable: usize,
    /// The unreliable message whose last fragment is being handed out.
    spent_unreliable: Option<OutMessage>,
}

impl SendBuffer {
    pub fn push(&mut self, channel: i32, reliable: bool, data: Vec<u8>, frag_size: usize) {
        let seq = if reliable {
            let s = self.next_seq.entry(channel).or_insert(0);
            *s += 1;
            *s - 1
        } else {
            self.next_unreliable += 1;
            self.next_unreliable - 1
        };
        let frag_size = frag_size.max(1);
        let frags = data.len().div_ceil(frag_size).max(1);
        if reliable {
            self.unsent_reliable += data.len();
        } else {
            self.unsent_unreliable += data.len();
        }
        let id = self.next_id;
        self.next_id += 1;
        self.msgs.insert(
            id,
            OutMessage {
                channel,
                seq,
                reliable,
                data,
                frag_size,
                acked: AckedFrags::new(frags),
                remaining: frags,
            },
        );
        self.queue.push_back((id, 0));
    }

    /// Bytes queued and never sent: what `SendBufferSize` limits.
    pub fn unsent_bytes(&self) -> usize {
        self.unsent_reliable + self.unsent_unreliable
    }
    pub fn unsent_reliable(&self) -> usize {
        self.unsent_reliable
    }
    pub fn unsent_unreliable(&self) -> usize {
        self.unsent_unreliable
    }
    pub fn unacked_reliable(&self) -> usize {
        self.unacked_reliable
    }
    pub fn retransmit_bytes(&self) -> usize {
        self.retransmit
            .iter()
            .filter_map(|f| {
                let m = self.msgs.get(&f.msg)?;
                let (s, e) = m.range(f.frag);
                Some(e - s)
            })
            .sum()
    }

    pub fn has_unsent(&self) -> bool {
        !self.queue.is_empty()
    }
    pub fn has_retransmit(&self) -> bool {
        !self.retransmit.is_empty()
    }
    /// Unacked, unsent or to-be-resent reliable data: a close or timeout now loses something.
    pub fn in_flight(&self) -> bool {
        self.unacked_reliable > 0 || !self.queue.is_empty() || !self.retransmit.is_empty()
    }
    /// Drops everything (close, failure); sequence numbers keep counting.
    pub fn clear(&mut self) {
        self.msgs.clear();
        self.queue.clear();
        self.retransmit.clear();
        self.queued_resend.clear();
        self.unsent_reliable = 0;
        self.unsent_unreliable = 0;
        self.unacked_reliable = 0;
    }

    /// True while new data may go out: the in-flight limits above are not reached.
    pub fn window_open(&self) -> bool {
        if self.unacked_reliable >= MAX_IN_FLIGHT_BYTES {
            return false;
        }
        match (self.msgs.first_key_value(), self.queue.front()) {
            (Some((&oldest, _)), Some(&(next, _))) => next - oldest < MAX_IN_FLIGHT_MESSAGES,
            _ => true,
        }
    }

    fn pop_retransmit(&mut self) {
        if let Some(f) = self.retransmit.pop_front() {
            self.queued_resend.remove(&f);
        }
    }

    /// The next fragment to send if it fits in `space` payload bytes: lost fragments first,
    /// then new data when `allow_new` and the window is open.
    pub fn next_segment(&mut self, space: usize, allow_new: bool) -> Option<OutSegment<'_>> {
        while let Some(&f) = self.retransmit.front() {
            let Some(m) = self.msgs.get(&f.msg) else {
                self.pop_retransmit();
                continue;
            };
            if m.acked.get(f.frag).unwrap_or(true) {
                self.pop_retransmit();
                continue;
            }
            let (s, e) = m.range(f.frag);
            if e - s > space {
                return None;
            }
            self.pop_retransmit();
            let m = self.msgs.get(&f.msg)?;
            return Some(OutSegment {
                reliable: true,
                channel: m.channel,
                seq: m.seq,
                total: m.data.len() as u32,
                offset: s as u32,
                data: &m.data[s..e],
                frag: Some(f),
            });
        }
        if !allow_new || !self.window_open() {
            return None;
        }
        let &(id, frag) = self.queue.front()?;
        let m = self.msgs.get(&id)?;
        let (s, e) = m.range(frag);
        if e - s > space {
            return None;
        }
        let last = frag + 1 >= m.frags();
        let reliable = m.reliable;
        if reliable {
            self.unsent_reliable = self.unsent_reliable.saturating_sub(e - s);
            self.unacked_reliable += e - s;
        } else {
            self.unsent_unreliable = self.unsent_unreliable.saturating_sub(e - s);
        }
        if last {
            self.queue.pop_front();
        } else if let Some(front) = self.queue.front_mut() {
            front.1 += 1;
        }
        if last && !reliable {
            // Unreliable data is never resent: it leaves the buffer with its last fragment.
            let m = self.msgs.remove(&id)?;
            self.spent_unreliable = Some(m);
            let m = self.spent_unreliable.as_ref()?;
            return Some(OutSegment {
                reliable: false,
                channel: m.channel,
                seq: m.seq,
                total: m.data.len() as u32,
                offset: s as u32,
                data: &m.data[s..e],
                frag: None,
            });
        }
        let m = self.msgs.get(&id)?;
        Some(OutSegment {
            reliable,
            channel: m.channel,
            seq: m.seq,
            total: m.data.len() as u32,
            offset: s as u32,
            data: &m.data[s..e],
            frag: reliable.then_some(FragRef { msg: id, frag }),
        })
    }

    pub fn on_acked(&mut self, f: FragRef) {
        let Some(m) = self.msgs.get_mut(&f.msg) else {
            return;
        };
        if m.acked.set(f.frag) != Some(false) {
            return;
        }
        m.remaining -= 1;
        let (s, e) = m.range(f.frag);
        self.unacked_reliable = self.unacked_reliable.saturating_sub(e - s);
        if m.remaining == 0 {
            self.msgs.remove(&f.msg);
        }
    }

    pub fn on_lost(&mut self, f: FragRef) {
        let pending = self
            .msgs
            .get(&f.msg)
            .and_then(|m| m.acked.get(f.frag))
            .is_some_and(|acked| !acked);
        if pending && self.queued_resend.insert(f) {
            self.retransmit.push_back(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::AckedFrags;

    #[test]
    fn marks_each_fragment_once_inline_and_past_64() {
        for frags in [1usize, 64, 65, 200] {
            let mut a = AckedFrags::new(frags);
            assert_eq!(a.len() as usize, frags);
            for f in (0..frags as u32).rev() {
                assert_eq!(a.get(f), Some(false));
                assert_eq!(a.set(f), Some(false));
                assert_eq!(a.set(f), Some(true), "frag {f} of {frags} acked twice");
            }
            assert_eq!(a.get(frags as u32), None);
            assert_eq!(a.set(frags as u32), None);
        }
    }
}
