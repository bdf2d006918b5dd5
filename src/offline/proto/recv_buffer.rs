//! Incoming messages of one session before the application sees them: per-channel reliable
//! ordering (dedup below the next expected sequence, a bounded reorder window above it) and
//! unreliable reassembly that expires.

use super::assembler::Assembler;
use super::wire::Segment;
use std::collections::btree_map::Entry;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// How far ahead of the next expected message a reliable sequence may be.
pub const REORDER_WINDOW: u64 = 8192;
/// An unreliable message whose fragments have not all arrived by then never will.
pub const UNRELIABLE_EXPIRY: Duration = Duration::from_secs(3);
/// What one open reassembly costs beyond its message bytes (the entry, its fragment map, the
/// allocator's rounding), charged against the same budget: a peer claiming one-byte messages
/// would otherwise open millions of them for a byte each.
pub const REASSEMBLY_OVERHEAD: usize = 256;
// The entry itself takes under half; its map node, fragment map and data rounding the rest.
const _: () = assert!(std::mem::size_of::<Assembler>() + 16 <= REASSEMBLY_OVERHEAD / 2);
/// Partly received or out-of-order messages one session holds at most: the sender's in-flight
/// window (half the reorder window) fits with room to spare.
pub const MAX_REASSEMBLIES: usize = REORDER_WINDOW as usize;
/// Channels with reliable receive state one session keeps at most. Their sequence numbers
/// must outlive the channel's traffic, so they are never pruned; a game uses a handful.
pub const MAX_CHANNELS: usize = 1024;

#[derive(Default)]
struct ReliableChannel {
    next: u64,
    pending: BTreeMap<u64, Assembler>,
}

/// A message leaving the reassembly: delivered, refused as too large, or dropped unfinished.
pub enum Completed {
    Message {
        channel: i32,
        reliable: bool,
        data: Vec<u8>,
    },
    Refused {
        channel: i32,
        reliable: bool,
        size: usize,
    },
    /// A fragment of an unreliable message of `size` bytes not taken: the message is lost.
    Dropped {
        channel: i32,
        size: usize,
        why: &'static str,
    },
}

#[derive(Default)]
pub struct RecvBuffer {
    channels: BTreeMap<i32, ReliableChannel>,
    unreliable: BTreeMap<(i32, u64), Assembler>,
    held: Held,
}

/// What the open reassemblies (entries in `unreliable` and every channel's `pending`) hold: one
/// place opens and closes them, so the count and the bytes charged cannot drift apart.
#[derive(Default)]
struct Held {
    /// Bytes allocated by reassembly and the reorder buffer, with `REASSEMBLY_OVERHEAD` each.
    bytes: usize,
    reassemblies: usize,
}

impl Held {
    fn open(&mut self, total: usize, max_message: usize) {
        self.bytes += charge(total, max_message);
        self.reassemblies += 1;
    }

    /// `a` leaves: delivered, refused or expired.
    fn close(&mut self, a: &Assembler) {
        // A refused assembler keeps no data, so its total is 0, as it was charged.
        self.bytes = self.bytes.saturating_sub(REASSEMBLY_OVERHEAD + a.total());
        self.reassemblies -= 1;
    }
}

/// Bytes one reassembly of a `total`-byte message is charged (a refused one keeps no data).
fn charge(total: usize, max_message: usize) -> usize {
    REASSEMBLY_OVERHEAD + if total > max_message { 0 } else { total }
}

impl RecvBuffer {
    pub fn buffered_bytes(&self) -> usize {
        self.held.bytes
    }

    /// True when this reliable segment carries data not yet taken (it needs queue room).
    pub fn is_new_reliable(&self, seg: &Segment<'_>) -> bool {
        let ch = self.channels.get(&seg.channel);
        let next = ch.map_or(0, |c| c.next);
        seg.seq >= next
            && !ch
                .and_then(|c| c.pending.get(&seg.seq))
                .is_some_and(|a| a.is_complete())
    }

    /// True when the segment would open a new reassembly of `total` bytes beyond the window.
    pub fn out_of_window(&self, seg: &Segment<'_>) -> bool {
        let next = self.channels.get(&seg.channel).map_or(0, |c| c.next);
        seg.seq >= next.saturating_add(REORDER_WINDOW)
    }

    pub fn reassemblies(&self) -> usize {
        self.held.reassemblies
    }

    pub fn channels_with_state(&self) -> usize {
        self.channels.len()
    }

    /// True when a reliable segment on `channel` would add a channel's state.
    pub fn is_new_channel(&self, channel: i32) -> bool {
        !self.channels.contains_key(&channel)
    }

    /// True when taking this segment adds a reassembly: a fragment of a message not yet open,
    /// or a whole reliable message that is not next in order.
    pub fn opens_reassembly(&self, seg: &Segment<'_>, max_message: usize) -> bool {
        let total = seg.total as usize;
        let whole = seg.offset == 0 && seg.data.len() == total;
        if !seg.reliable {
            return !whole
                && total <= max_message
                && !self.unreliable.contains_key(&(seg.channel, seg.seq));
        }
        let ch = self.channels.get(&seg.channel);
        let next = ch.map_or(0, |c| c.next);
        seg.seq >= next
            && seg.seq < next.saturating_add(REORDER_WINDOW)
            && !ch.is_some_and(|c| c.pending.contains_key(&seg.seq))
            && !(seg.seq == next && whole && total <= max_message)
    }

    /// Bytes this segment would newly be charged.
    pub fn new_allocation(&self, seg: &Segment<'_>, max_message: usize) -> usize {
        if self.opens_reassembly(seg, max_message) {
            charge(seg.total as usize, max_message)
        } else {
            0
        }
    }

    pub fn has_partial_reliable(&self) -> bool {
        self.channels.values().any(|c| !c.pending.is_empty())
    }

    pub fn reliable(
        &mut self,
        now: Instant,
        seg: &Segment<'_>,
        max_message: usize,
        out: &mut Vec<Completed>,
    ) {
        // State only for a segment taken: one outside the window must not leave a channel behind.
        let next = self.channels.get(&seg.channel).map_or(0, |c| c.next);
        if seg.seq < next || seg.seq >= next.saturating_add(REORDER_WINDOW) {
            return;
        }
        let ch = self.channels.entry(seg.channel).or_default();
        // The common case, a whole message that is the next one expected, goes out at once:
        // no reassembly (an allocation and a tree insert per message) to take it apart again.
        if seg.seq == ch.next
            && seg.offset == 0
            && seg.data.len() == seg.total as usize
            && seg.data.len() <= max_message
            && !ch.pending.contains_key(&seg.seq)
        {
            ch.next += 1;
            let waiting = !ch.pending.is_empty();
            out.push(Completed::Message {
                channel: seg.channel,
                reliable: true,
                data: seg.data.to_vec(),
            });
            if waiting {
                self.deliver_in_order(seg.channel, out);
            }
            return;
        }
        let asm = match ch.pending.entry(seg.seq) {
            Entry::Occupied(o) => o.into_mut(),
            Entry::Vacant(v) => {
                self.held.open(seg.total as usize, max_message);
                if seg.total as usize > max_message {
                    out.push(Completed::Refused {
                        channel: seg.channel,
                        reliable: true,
                        size: seg.total as usize,
                    });
                    v.insert(Assembler::refused(now))
                } else {
                    v.insert(Assembler::new(seg.total, now))
                }
            }
        };
        asm.insert(seg.offset, seg.data);
        self.deliver_in_order(seg.channel, out);
    }

    /// Hands out the channel's complete messages that are next in order.
    fn deliver_in_order(&mut self, channel: i32, out: &mut Vec<Completed>) {
        let Some(ch) = self.channels.get_mut(&channel) else {
            return;
        };
        while ch
            .pending
            .first_key_value()
            .is_some_and(|(&s, a)| s == ch.next && a.is_complete())
        {
            let Some((_, a)) = ch.pending.pop_first() else {
                break;
            };
            ch.next += 1;
            self.held.close(&a);
            if !a.refused {
                out.push(Completed::Message {
                    channel,
                    reliable: true,
                    data: a.into_data(),
                });
            }
        }
    }

    pub fn unreliable(
        &mut self,
        now: Instant,
        seg: &Segment<'_>,
        max_message: usize,
    ) -> Option<Completed> {
        if seg.total as usize > max_message {
            // Only report it once per message, on its first fragment.
            return (seg.offset == 0).then_some(Completed::Refused {
                channel: seg.channel,
                reliable: false,
                size: seg.total as usize,
            });
        }
        let key = (seg.channel, seg.seq);
        if seg.offset == 0 && seg.data.len() == seg.total as usize {
            return Some(Completed::Message {
                channel: seg.channel,
                reliable: false,
                data: seg.data.to_vec(),
            });
        }
        let asm = self.unreliable.entry(key).or_insert_with(|| {
            self.held.open(seg.total as usize, max_message);
            Assembler::new(seg.total, now)
        });
        asm.insert(seg.offset, seg.data);
        if !asm.is_complete() {
            return None;
        }
        let asm = self.unreliable.remove(&key)?;
        self.held.close(&asm);
        Some(Completed::Message {
            channel: seg.channel,
            reliable: false,
            data: asm.into_data(),
        })
    }

    /// Drops unreliable reassemblies that will not complete; returns how many.
    pub fn expire(&mut self, now: Instant) -> usize {
        let before = self.unreliable.len();
        let held = &mut self.held;
        self.unreliable.retain(|_, a| {
            let keep = now.saturating_duration_since(a.started) < UNRELIABLE_EXPIRY;
            if !keep {
                held.close(a);
            }
            keep
        });
        before - self.unreliable.len()
    }

    pub fn next_expiry(&self) -> Option<Instant> {
        self.unreliable
            .values()
            .map(|a| a.started + UNRELIABLE_EXPIRY)
            .min()
    }
}
