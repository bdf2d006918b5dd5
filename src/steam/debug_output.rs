//! Steam's networking diagnostics (`ISteamNetworkingUtils::SetDebugOutputFunction`), queued
//! for `drain_debug_output`.
//!
//! The SDK calls the output function from its service threads, possibly while holding its own
//! locks, and asks that it be fast and make no Steamworks calls: ours only copies the line into
//! a process-wide queue. The queue is bounded so a game that never drains it does not grow.

use super::ffi;
use super::lock;
use crate::constants::debug_output;
use crate::messages::DebugLine;
use std::collections::VecDeque;
use std::ffi::{c_char, CStr};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Mutex;
use steamworks::sys;

/// Lines kept at most; the oldest go first.
const MAX_LINES: usize = 4096;

static LINES: Mutex<VecDeque<DebugLine>> = Mutex::new(VecDeque::new());
/// The detail level installed with Steam, `NONE` when our function is not installed.
static INSTALLED_LEVEL: AtomicI32 = AtomicI32::new(debug_output::NONE);

unsafe extern "C" fn on_debug_output(level: i32, text: *const c_char) {
    if text.is_null() {
        return;
    }
    // SAFETY: Steam passes a NUL-terminated string valid for the call.
    let text = unsafe { CStr::from_ptr(text) }
        .to_string_lossy()
        .trim_end()
        .to_owned();
    push(DebugLine { level, text });
}

fn push(line: DebugLine) {
    let mut lines = lock(&LINES);
    if lines.len() >= MAX_LINES {
        lines.pop_front();
    }
    lines.push_back(line);
}

/// Asks Steam for output up to `level` (installing our function the first time), then returns
/// and removes the queued lines at or below `level`. Steam only formats lines up to the level
/// installed, so the level follows the caller's: the SDK warns against asking for detail and
/// filtering it out.
pub(crate) fn drain(utils: *mut sys::ISteamNetworkingUtils, level: i32) -> Vec<DebugLine> {
    let level = level.clamp(debug_output::NONE, debug_output::EVERYTHING);
    if INSTALLED_LEVEL.swap(level, Ordering::SeqCst) != level && !utils.is_null() {
        let func: Option<ffi::DebugOutputFn> = if level == debug_output::NONE {
            None
        } else {
            Some(on_debug_output)
        };
        // SAFETY: `utils` is the live ISteamNetworkingUtils; `func` is a 'static function.
        unsafe { ffi::SteamAPI_ISteamNetworkingUtils_SetDebugOutputFunction(utils, level, func) };
    }
    take_at_or_below(level)
}

fn take_at_or_below(level: i32) -> Vec<DebugLine> {
    let mut lines = lock(&LINES);
    let (taken, kept): (Vec<DebugLine>, Vec<DebugLine>) =
        lines.drain(..).partition(|l| l.level <= level);
    lines.extend(kept);
    taken
}

/// Forgets the installed level, so the next backend installs the function again.
pub(crate) fn forget_installation() {
    INSTALLED_LEVEL.store(debug_output::NONE, Ordering::SeqCst);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_function_queues_lines_drain_filters_by_level_and_the_queue_is_bounded() {
        // SAFETY: NUL-terminated literals.
        unsafe {
            on_debug_output(debug_output::WARNING, c"warn line\n".as_ptr());
            on_debug_output(debug_output::VERBOSE, c"verbose line".as_ptr());
            on_debug_output(debug_output::MSG, std::ptr::null());
        }
        let taken = take_at_or_below(debug_output::MSG);
        assert!(taken.contains(&DebugLine {
            level: debug_output::WARNING,
            text: "warn line".into()
        }));
        assert!(taken.iter().all(|l| l.level <= debug_output::MSG));
        let rest = take_at_or_below(debug_output::EVERYTHING);
        assert!(rest.iter().any(|l| l.text == "verbose line"));

        // One test, because the queue is process-wide: the queue stays bounded.
        for i in 0..MAX_LINES + 10 {
            push(DebugLine {
                level: debug_output::BUG,
                text: i.to_string(),
            });
        }
        assert!(lock(&LINES).len() <= MAX_LINES);
        take_at_or_below(debug_output::EVERYTHING);
    }
}
