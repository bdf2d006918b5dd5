//! The bounded diagnostics buffer behind `drain_debug`: a caller who never drains must not
//! make the core grow without limit, so the oldest lines go first and are counted.

use crate::constants::debug_output;
use crate::messages::DebugLine;
use std::collections::VecDeque;
use std::time::{Duration, Instant};

const MAX_LINES: usize = 1000;
/// A run of drops of one kind gets a line at most this often.
const DROP_LINE_SPACING: Duration = Duration::from_secs(1);

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

/// Drops of one kind as few lines: the first of a run gets its own, later ones are counted and
/// named in the next, at most one a second. A line formatted per drop under a flood took the
/// receiver's time from taking datagrams (see `Session::drops_unlogged`).
#[derive(Debug, Default)]
pub struct DropRun {
    unlogged: u64,
    last_line: Option<Instant>,
}

impl DropRun {
    /// Notes one drop. `Some(earlier)` when it gets a line now, `earlier` being the drops
    /// noted since the last line that it did not name.
    pub fn note(&mut self, now: Instant) -> Option<u64> {
        let line = self.line_allowed(now);
        if line.is_none() {
            self.unlogged += 1;
        }
        line
    }

    /// Drops no line named yet, once a line is allowed again: for a summary from a timer, so
    /// the end of a run is reported even when no further drop comes.
    pub fn overdue(&mut self, now: Instant) -> Option<u64> {
        if self.unlogged == 0 {
            return None;
        }
        self.line_allowed(now)
    }

    fn line_allowed(&mut self, now: Instant) -> Option<u64> {
        if self
            .last_line
            .is_some_and(|t| now.saturating_duration_since(t) < DROP_LINE_SPACING)
        {
            return None;
        }
        self.last_line = Some(now);
        Some(std::mem::take(&mut self.unlogged))
    }
}

/// " (and N more since the last line)" for a line that names one drop of a run.
pub fn more_since(earlier: u64) -> String {
    if earlier == 0 {
        String::new()
    } else {
        format!(" (and {earlier} more since the last line)")
    }
}
