//! The bounded diagnostics buffer behind `drain_debug`: a caller who never drains must not
//! make the core grow without limit, so the oldest lines go first and are counted.

use crate::constants::debug_output;
use crate::messages::DebugLine;
use std::collections::VecDeque;

const MAX_LINES: usize = 1000;

#[derive(Debug, Default)]
pub struct DebugLog {
    lines: VecDeque<DebugLine>,
    dropped: u64,
}

impl DebugLog {
    pub fn push(&mut self, level: i32, text: String) {
        if self.lines.len() >= MAX_LINES {
            self.lines.pop_front();
            self.dropped += 1;
        }
        self.lines.push_back(DebugLine { level, text });
    }

    pub fn drain(&mut self) -> Vec<DebugLine> {
        let mut out = Vec::with_capacity(self.lines.len() + 1);
        if self.dropped > 0 {
            out.push(DebugLine {
                level: debug_output::WARNING,
                text: format!(
                    "{} older debug lines dropped (buffer holds {MAX_LINES}; drain more often)",
                    self.dropped
                ),
            });
            self.dropped = 0;
        }
        out.extend(self.lines.drain(..));
        out
    }
}
