//! The application's receive queues: received messages per channel, in arrival order, waiting
//! for `ReceiveMessagesOnChannel`. It keeps its own totals, so messages whose session is gone
//! (the peer closed while they were unread) still count against the endpoint's limits.

use crate::messages::Message;
use std::collections::{BTreeMap, VecDeque};

#[derive(Default)]
pub struct Inbox {
    channels: BTreeMap<i32, VecDeque<Message>>,
    messages: usize,
    bytes: usize,
}

impl Inbox {
    /// Messages and bytes waiting, across every channel and session.
    pub fn totals(&self) -> (usize, usize) {
        (self.messages, self.bytes)
    }

    pub fn push(&mut self, m: Message) {
        self.messages += 1;
        self.bytes += m.data.len();
        self.channels.entry(m.channel).or_default().push_back(m);
    }

    /// Up to `max` messages of one channel, oldest first.
    pub fn take(&mut self, channel: i32, max: usize) -> Vec<Message> {
        let Some(q) = self.channels.get_mut(&channel) else {
            return Vec::new();
        };
        let n = max.min(q.len());
        let out: Vec<Message> = q.drain(..n).collect();
        if q.is_empty() {
            self.channels.remove(&channel);
        }
        self.messages -= out.len();
        self.bytes -= out.iter().map(|m| m.data.len()).sum::<usize>();
        out
    }

    /// Drops the messages of session `conn` (on one channel, or all); how many and their bytes.
    pub fn drop_session(&mut self, conn: u32, channel: Option<i32>) -> (usize, usize) {
        let (mut dropped, mut freed) = (0, 0);
        for (&ch, q) in self.channels.iter_mut() {
            if channel.is_some_and(|c| c != ch) {
                continue;
            }
            q.retain(|m| {
                let mine = m.conn == conn;
                if mine {
                    dropped += 1;
                    freed += m.data.len();
                }
                !mine
            });
        }
        self.channels.retain(|_, q| !q.is_empty());
        self.messages -= dropped;
        self.bytes -= freed;
        (dropped, freed)
    }

    pub fn clear(&mut self) {
        *self = Inbox::default();
    }

    /// Counts the queues themselves (for the fuzz tests' check of the totals).
    #[cfg(test)]
    pub fn recount(&self) -> (usize, usize) {
        let all = self.channels.values().flatten();
        (
            all.clone().count(),
            all.map(|m| m.data.len()).sum::<usize>(),
        )
    }
}
