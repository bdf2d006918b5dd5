//! `Steam.NetworkingUtils`: luasteam's configuration and utility calls, on one backend.

use super::callbacks::{DebugOutput, GlobalCallbacks};
use super::convert;
use super::edge::{export, Args, Arity, Ret};
use super::slot::Slot;
use crate::config::{self, ConfigValue};
use crate::constants::debug_output;
use mlua::{Lua, Table};
use std::cell::RefCell;
use std::rc::Rc;

/// `SetDebugOutput(level, fn)` / `SetDebugOutputFunction(level, fn)`: process-wide for this
/// Lua state; `fn` nil turns it off.
pub fn set_debug_output(lua: &Lua, a: &Args) -> Ret<()> {
    let level = a.integer(
        1,
        debug_output::NONE as i64,
        debug_output::EVERYTHING as i64,
    )? as i32;
    let func = a.opt_function(2)?;
    match lua.app_data_ref::<RefCell<DebugOutput>>() {
        Some(d) => {
            if let Ok(mut d) = d.try_borrow_mut() {
                *d = DebugOutput { level, func };
            }
        }
        None => {
            drop(lua.set_app_data(RefCell::new(DebugOutput { level, func })));
        }
    }
    Ok(())
}

pub fn networking_utils(
    lua: &Lua,
    slot: &Rc<Slot>,
    globals: &Rc<RefCell<GlobalCallbacks>>,
) -> mlua::Result<Table> {
    let t = lua.create_table()?;

    let s = slot.clone();
    t.set(
        "SetGlobalConfigValueInt32",
        export(lua, "SetGlobalConfigValueInt32", Arity::One, move |_, a| {
            let key = a.int32(1)?;
            let value = a.int32(2)?;
            s.with(a, |b| b.set_config_value(key, &ConfigValue::Int32(value)))
        })?,
    )?;
    let s = slot.clone();
    t.set(
        "SetGlobalConfigValueFloat",
        export(lua, "SetGlobalConfigValueFloat", Arity::One, move |_, a| {
            let key = a.int32(1)?;
            let value = a.number(2)? as f32;
            s.with(a, |b| b.set_config_value(key, &ConfigValue::Float(value)))
        })?,
    )?;
    let s = slot.clone();
    t.set(
        "SetGlobalConfigValueString",
        export(
            lua,
            "SetGlobalConfigValueString",
            Arity::One,
            move |_, a| {
                let key = a.int32(1)?;
                let value = a.string(2)?;
                s.with(a, |b| b.set_config_value(key, &ConfigValue::String(value)))
            },
        )?,
    )?;
    let s = slot.clone();
    t.set(
        "GetGlobalConfigValue",
        export(lua, "GetGlobalConfigValue", Arity::One, move |lua, a| {
            let key = a.int32(1)?;
            let value = s.with(a, |b| b.get_config_value(key))?;
            Ok(match value {
                Some(ConfigValue::Int32(v)) => mlua::Value::Integer(v as _),
                Some(ConfigValue::Float(v)) => mlua::Value::Number(v as f64),
                Some(ConfigValue::String(v)) => mlua::Value::String(lua.create_string(v)?),
                None => mlua::Value::Nil,
            })
        })?,
    )?;
    t.set(
        "GetConfigValueInfo",
        export(lua, "GetConfigValueInfo", Arity::Var, |_, a| {
            let key = a.int32(1)?;
            Ok(match config::spec(key) {
                Some(spec) => (Some(spec.name), Some(spec.data_type), Some(spec.scope)),
                None => (None, None, None),
            })
        })?,
    )?;
    let g = globals.clone();
    t.set(
        "SetGlobalCallback_MessagesSessionRequest",
        export(
            lua,
            "SetGlobalCallback_MessagesSessionRequest",
            Arity::One,
            move |_, a| {
                let f = a.opt_function(1)?;
                Ok(g.try_borrow_mut()
                    .map(|mut g| g.session_request = f)
                    .is_ok())
            },
        )?,
    )?;
    let g = globals.clone();
    t.set(
        "SetGlobalCallback_MessagesSessionFailed",
        export(
            lua,
            "SetGlobalCallback_MessagesSessionFailed",
            Arity::One,
            move |_, a| {
                let f = a.opt_function(1)?;
                Ok(g.try_borrow_mut().map(|mut g| g.session_failed = f).is_ok())
            },
        )?,
    )?;
    t.set(
        "SetDebugOutputFunction",
        export(lua, "SetDebugOutputFunction", Arity::Zero, set_debug_output)?,
    )?;
    let s = slot.clone();
    t.set(
        "InitRelayNetworkAccess",
        export(lua, "InitRelayNetworkAccess", Arity::Zero, move |_, a| {
            s.with(a, |b| b.init_relay_network_access())
        })?,
    )?;
    let s = slot.clone();
    t.set(
        "GetRelayNetworkStatus",
        export(lua, "GetRelayNetworkStatus", Arity::Two, move |lua, a| {
            // luasteam's shape: the summary, then the SteamRelayNetworkStatus_t.
            let status = s.with(a, |b| b.relay_network_status())?;
            Ok((status.avail, convert::relay_status_table(lua, &status)?))
        })?,
    )?;
    let s = slot.clone();
    t.set(
        "GetLocalTimestamp",
        export(lua, "GetLocalTimestamp", Arity::One, move |_, a| {
            s.with(a, |b| b.local_timestamp())
        })?,
    )?;
    Ok(t)
}
