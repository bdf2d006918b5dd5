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

/// Payload buffers kept for reuse at most, and the largest kept: a game sends many small
/// messages a frame, and a reused buffer spares each a malloc and a free; a bulk message's
/// buffer is not worth keeping.
const SPARE_BUFFERS: usize = 256;
const SPARE_CAPACITY: usize = 2048;

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

/// Queued and unacked messages by id. Ids only grow and most messages leave in the order they
/// came, so a deque of slots from the oldest id on does what a `BTreeMap` did here without a
/// tree insert and node allocation per message; a message acked out of order leaves an empty
/// slot until the ones before it go (at most the in-flight window's worth).
#[derive(Default)]
struct OutMessages {
    /// The id of `slots[0]`.
    base: u64,
    slots: VecDeque<Option<OutMessage>>,
}

impl OutMessages {
    fn insert(&mut self, id: u64, m: OutMessage) {
        if self.slots.is_empty() {
            self.base = id;
        }
        // Ids come from one counter, so `id` is the next slot; a gap would only be empty slots.
        while self.base + (self.slots.len() as u64) < id {
            self.slots.push_back(None);
        }
        match id.checked_sub(self.base) {
            Some(i) if i as usize == self.slots.len() => self.slots.push_back(Some(m)),
            Some(i) => {
                if let Some(slot) = self.slots.get_mut(i as usize) {
                    *slot = Some(m);
                }
            }
            None => {}
        }
    }

    fn index(&self, id: u64) -> Option<usize> {
        let i = id.checked_sub(self.base)?;
        (i < self.slots.len() as u64).then_some(i as usize)
    }

    fn get(&self, id: &u64) -> Option<&OutMessage> {
        self.slots.get(self.index(*id)?)?.as_ref()
    }

    fn get_mut(&mut self, id: &u64) -> Option<&mut OutMessage> {
        let i = self.index(*id)?;
        self.slots.get_mut(i)?.as_mut()
    }

    fn remove(&mut self, id: &u64) -> Option<OutMessage> {
        let i = self.index(*id)?;
        let m = self.slots.get_mut(i)?.take();
        while let Some(None) = self.slots.front() {
            self.slots.pop_front();
            self.base += 1;
        }
        m
    }

    /// The oldest message's id.
    fn first_id(&self) -> Option<u64> {
        // Empty slots never stay at the front (see `remove`).
        self.slots.front().map(|_| self.base)
    }

    fn clear(&mut self) {
        self.slots.clear();
    }
}

#[derive(Default)]
pub struct SendBuffer {
    msgs: OutMessages,
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
    /// Buffers of messages that left, for `push` (`SPARE_BUFFERS`).
    spare: Vec<Vec<u8>>,
}

impl SendBuffer {
    fn recycle(&mut self, data: Vec<u8>) {
        if self.spare.len() < SPARE_BUFFERS && data.capacity() <= SPARE_CAPACITY {
            self.spare.push(data);
        }
    }

    /// Queues a copy of `payload`.
    pub fn push(&mut self, channel: i32, reliable: bool, payload: &[u8], frag_size: usize) {
        let mut data = if payload.len() <= SPARE_CAPACITY {
            self.spare.pop().unwrap_or_default()
        } else {
            Vec::new()
        };
        data.clear();
        data.extend_from_slice(payload);
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
        match (self.msgs.first_id(), self.queue.front()) {
            (Some(oldest), Some(&(next, _))) => next - oldest < MAX_IN_FLIGHT_MESSAGES,
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
            if let Some(old) = self.spent_unreliable.replace(m) {
                self.recycle(old.data);
            }
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
            if let Some(m) = self.msgs.remove(&f.msg) {
                self.recycle(m.data);
            }
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
    use super::{AckedFrags, OutMessage, OutMessages, SendBuffer, SPARE_CAPACITY};

    fn msg(seq: u64) -> OutMessage {
        OutMessage {
            channel: 0,
            seq,
            reliable: true,
            data: vec![seq as u8],
            frag_size: 1,
            acked: AckedFrags::new(1),
            remaining: 1,
        }
    }

    #[test]
    fn out_messages_keep_the_oldest_first_through_out_of_order_removal() {
        let mut m = OutMessages::default();
        for id in 10..15 {
            m.insert(id, msg(id));
        }
        assert_eq!(m.first_id(), Some(10));
        assert_eq!(m.remove(&12).map(|x| x.seq), Some(12));
        assert!(m.get(&12).is_none());
        assert_eq!(m.remove(&12).map(|x| x.seq), None);
        assert_eq!(m.remove(&10).map(|x| x.seq), Some(10));
        assert_eq!(m.first_id(), Some(11));
        assert_eq!(m.remove(&11).map(|x| x.seq), Some(11));
        assert_eq!(
            m.first_id(),
            Some(13),
            "the emptied slot of 12 went with them"
        );
        assert!(m.get(&9).is_none() && m.get(&15).is_none());
        m.remove(&13);
        m.remove(&14);
        assert_eq!(m.first_id(), None);
        m.insert(20, msg(20));
        assert_eq!(m.first_id(), Some(20));
        assert_eq!(m.get_mut(&20).map(|x| x.seq), Some(20));
    }

    #[test]
    fn a_reused_payload_buffer_carries_only_its_new_message() {
        let mut b = SendBuffer::default();
        let long = vec![7u8; 1000];
        b.push(0, true, &long, 1200);
        let frag = b.next_segment(1200, true).and_then(|s| s.frag);
        b.on_acked(frag.expect("a reliable segment"));
        assert_eq!(b.spare.len(), 1, "the acked message's buffer");
        b.push(0, true, b"short", 1200);
        assert!(b.spare.is_empty(), "taken again");
        let seg = b.next_segment(1200, true).expect("the short message");
        assert_eq!((seg.data, seg.total), (&b"short"[..], 5));
        b.push(0, true, &vec![1u8; SPARE_CAPACITY + 1], 1200);
        let seg = b
            .next_segment(1200, true)
            .expect("a big message's first fragment");
        assert!(seg.data.iter().all(|&x| x == 1));
    }

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
