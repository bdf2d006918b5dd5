//! A backend slot: the one backend a `Steam`-shaped table talks to, live between `Init` and
//! `Shutdown`. Lua calls borrow it briefly; `RunCallbacks` releases it before calling hooks, so
//! a hook may call back into the API.

use super::edge::{Args, Fail, Ret};
use crate::messages::{Backend, Event};
use std::cell::RefCell;
use std::rc::{Rc, Weak};

pub struct Slot {
    /// The call that makes this slot live, named in "not initialized" errors.
    init_call: &'static str,
    backend: RefCell<Option<Box<dyn Backend>>>,
    /// Events injected by the test hooks, dispatched before the backend's own.
    injected: RefCell<Vec<Event>>,
}

impl Slot {
    pub fn new(init_call: &'static str) -> Rc<Slot> {
        Rc::new(Slot {
            init_call,
            backend: RefCell::new(None),
            injected: RefCell::new(Vec::new()),
        })
    }

    pub fn is_live(&self) -> bool {
        self.backend
            .try_borrow()
            .map(|b| b.is_some())
            .unwrap_or(true)
    }

    pub fn set(&self, backend: Box<dyn Backend>) -> Ret<()> {
        let mut slot = self
            .backend
            .try_borrow_mut()
            .map_err(|_| Fail::new("backend is busy"))?;
        *slot = Some(backend);
        Ok(())
    }

    /// Shuts the backend down (if live) and empties the slot.
    pub fn shutdown(&self) {
        let taken = match self.backend.try_borrow_mut() {
            Ok(mut b) => b.take(),
            Err(_) => None,
        };
        if let Some(mut backend) = taken {
            backend.shutdown();
        }
        if let Ok(mut injected) = self.injected.try_borrow_mut() {
            injected.clear();
        }
    }

    /// Runs `f` on the live backend; before `Init` (or after `Shutdown`) it is an error that
    /// names the call and what to do.
    pub fn with<R>(&self, args: &Args, f: impl FnOnce(&mut dyn Backend) -> R) -> Ret<R> {
        self.with_named(args.name(), f)
    }

    /// `with` for a call that has no `Args` (a fast path); `name` is the call's name.
    pub fn with_named<R>(&self, name: &str, f: impl FnOnce(&mut dyn Backend) -> R) -> Ret<R> {
        let mut guard = self
            .backend
            .try_borrow_mut()
            .map_err(|_| Fail::new(format!("'{name}' called while the backend is busy")))?;
        match guard.as_mut() {
            Some(backend) => Ok(f(backend.as_mut())),
            None => Err(Fail::new(format!(
                "'{name}': Steam is not initialized (call {} first and check that it returned true)",
                self.init_call
            ))),
        }
    }

    /// Like `with`, but `None` instead of an error when the slot is empty.
    pub fn try_with<R>(&self, f: impl FnOnce(&mut dyn Backend) -> R) -> Option<R> {
        let mut guard = self.backend.try_borrow_mut().ok()?;
        guard.as_mut().map(|b| f(b.as_mut()))
    }

    /// Only the test hooks inject events; release builds never do.
    #[cfg(feature = "test-hooks")]
    pub fn inject(&self, event: Event) {
        if let Ok(mut injected) = self.injected.try_borrow_mut() {
            injected.push(event);
        }
    }

    pub fn take_injected(&self) -> Vec<Event> {
        self.injected
            .try_borrow_mut()
            .map(|mut i| std::mem::take(&mut *i))
            .unwrap_or_default()
    }
}

/// Every slot of one Lua state, so diagnostics from all of them reach `SetDebugOutput`.
#[derive(Default)]
pub struct SlotList {
    slots: Vec<Weak<Slot>>,
}

impl SlotList {
    pub fn add(&mut self, slot: &Rc<Slot>) {
        self.slots.retain(|s| s.strong_count() > 0);
        self.slots.push(Rc::downgrade(slot));
    }

    pub fn live(&self) -> Vec<Rc<Slot>> {
        self.slots.iter().filter_map(Weak::upgrade).collect()
    }
}
