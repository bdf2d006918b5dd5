//! `RunCallbacks`: hands queued events to the `On*` hooks and the luasteam-style global
//! callbacks, and diagnostics to the debug output function, on the caller's thread.
//! An error in a hook does not lose the events after it: the queue is finished first, then the
//! first error is raised as it was, with its position and traceback.

use super::convert::event_table;
use super::edge::{Fail, Position, Ret};
use super::slot::SlotList;
use crate::messages::Event;
use mlua::{Function, Lua, Table, Value};
use std::cell::RefCell;
use std::rc::Rc;

/// `SetGlobalCallback_MessagesSessionRequest/Failed`: functions called besides the `On*` hooks.
#[derive(Default)]
pub struct GlobalCallbacks {
    pub session_request: Option<Function>,
    pub session_failed: Option<Function>,
}

/// `SetDebugOutput`: one function and level for every backend in this Lua state.
#[derive(Default)]
pub struct DebugOutput {
    pub level: i32,
    pub func: Option<Function>,
}

/// The plain text of a Lua error: no "runtime error:" prefix, the traceback kept.
fn error_text(e: &mlua::Error) -> String {
    match e {
        mlua::Error::RuntimeError(msg) => msg.clone(),
        mlua::Error::CallbackError { traceback, cause } => {
            format!("{}\n{traceback}", error_text(cause))
        }
        mlua::Error::WithContext { context, cause } => format!("{context}: {}", error_text(cause)),
        other => other.to_string(),
    }
}

fn call(f: &Function, args: impl mlua::IntoLuaMulti, first_error: &mut Option<String>) {
    if let Err(e) = f.call::<()>(args) {
        first_error.get_or_insert_with(|| error_text(&e));
    }
}

/// Diagnostics from every live backend of this Lua state, to the debug output function.
fn deliver_debug_output(lua: &Lua, first_error: &mut Option<String>) {
    let (level, func) = match lua.app_data_ref::<RefCell<DebugOutput>>() {
        Some(d) => match d.try_borrow() {
            Ok(d) => (d.level, d.func.clone()),
            Err(_) => return,
        },
        None => return,
    };
    let Some(func) = func else { return };
    let slots = lua
        .app_data_ref::<RefCell<SlotList>>()
        .and_then(|l| l.try_borrow().ok().map(|l| l.live()));
    for slot in slots.unwrap_or_default() {
        let lines = slot
            .try_with(|b| b.drain_debug_output(level))
            .unwrap_or_default();
        for line in lines {
            call(&func, (line.level, line.text), first_error);
        }
    }
}

pub fn run_callbacks(
    lua: &Lua,
    messages: &Table,
    globals: &Rc<RefCell<GlobalCallbacks>>,
    events: Vec<Event>,
) -> Ret<()> {
    let mut first_error = None;
    deliver_debug_output(lua, &mut first_error);
    for event in &events {
        let (hook, data) = event_table(lua, event)?;
        if let Value::Function(f) = messages.raw_get::<Value>(hook)? {
            call(&f, data.clone(), &mut first_error);
        }
        let global = globals.try_borrow().ok().and_then(|g| match event {
            Event::SessionRequest { .. } => g.session_request.clone(),
            Event::SessionFailed { .. } => g.session_failed.clone(),
        });
        if let Some(f) = global {
            call(&f, data, &mut first_error);
        }
    }
    match first_error {
        Some(text) => Err(Fail(text, Position::AsIs)),
        None => Ok(()),
    }
}
