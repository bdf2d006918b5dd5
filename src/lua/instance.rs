//! One `Steam`-shaped set of tables bound to one backend slot: the global client, the global
//! game server, and each `Steam.Extra.NewOfflineInstance`.

use super::callbacks::{self, GlobalCallbacks};
use super::edge::{export, Arity, Ret};
use super::slot::{Slot, SlotList};
use super::{identity, interface, uint64, utils};
use mlua::{Function, Lua, Table};
use std::cell::RefCell;
use std::rc::Rc;

/// A table held weakly from Rust: closures stored in the table itself must not keep it alive,
/// or an instance the game dropped would never be collected (nor its backend shut down).
struct WeakTable {
    holder: Table,
}

impl WeakTable {
    fn new(lua: &Lua, t: &Table) -> mlua::Result<WeakTable> {
        let holder = lua.create_table()?;
        let meta = lua.create_table()?;
        meta.set("__mode", "v")?;
        holder.set_metatable(Some(meta))?;
        holder.raw_set(1, t)?;
        Ok(WeakTable { holder })
    }
    fn get(&self) -> Option<Table> {
        self.holder.raw_get::<Option<Table>>(1).ok().flatten()
    }
}

pub struct Parts {
    pub slot: Rc<Slot>,
    pub messages: Table,
    pub utils: Table,
    globals: Rc<RefCell<GlobalCallbacks>>,
}

impl Parts {
    pub fn new(lua: &Lua, init_call: &'static str) -> mlua::Result<Parts> {
        let slot = Slot::new(init_call);
        match lua.app_data_ref::<RefCell<SlotList>>() {
            Some(list) => {
                if let Ok(mut list) = list.try_borrow_mut() {
                    list.add(&slot);
                }
            }
            None => {
                let mut list = SlotList::default();
                list.add(&slot);
                drop(lua.set_app_data(RefCell::new(list)));
            }
        }
        let globals = Rc::new(RefCell::new(GlobalCallbacks::default()));
        let messages = interface::networking_messages(lua, &slot)?;
        let utils = utils::networking_utils(lua, &slot, &globals)?;
        Ok(Parts {
            slot,
            messages,
            utils,
            globals,
        })
    }

    pub fn run_callbacks(&self, lua: &Lua, name: &'static str) -> mlua::Result<Function> {
        let slot = self.slot.clone();
        let globals = self.globals.clone();
        let messages = WeakTable::new(lua, &self.messages)?;
        export(lua, name, Arity::Zero, move |lua, a| -> Ret<()> {
            let mut events = slot.take_injected();
            events.extend(slot.with(a, |b| b.run_callbacks())?);
            let Some(messages) = messages.get() else {
                return Ok(());
            };
            callbacks::run_callbacks(lua, &messages, &globals, events)
        })
    }

    /// Shutdown is harmless when nothing is live, as `SteamAPI_Shutdown` is.
    pub fn shutdown(&self, lua: &Lua, name: &'static str) -> mlua::Result<Function> {
        let slot = self.slot.clone();
        export(lua, name, Arity::Zero, move |_, _| {
            slot.shutdown();
            Ok(())
        })
    }

    pub fn get_steam_id(&self, lua: &Lua, name: &'static str) -> mlua::Result<Function> {
        let slot = self.slot.clone();
        export(lua, name, Arity::One, move |lua, a| {
            let id = slot.with(a, |b| b.local_steam_id())?;
            Ok(uint64::push(lua, id)?)
        })
    }

    pub fn get_backend(&self, lua: &Lua) -> mlua::Result<Function> {
        let slot = self.slot.clone();
        export(lua, "GetBackend", Arity::One, move |_, _| {
            Ok(slot.try_with(|b| b.name()))
        })
    }

    /// `Extra.GetStats()`: the backend's counters as a table (empty on Steam).
    pub fn get_stats(&self, lua: &Lua) -> mlua::Result<Function> {
        let slot = self.slot.clone();
        export(lua, "GetStats", Arity::One, move |lua, a| {
            let stats = slot.with(a, |b| b.stats())?;
            let t = lua.create_table_with_capacity(0, stats.len())?;
            for (name, value) in stats {
                t.raw_set(name, value)?;
            }
            Ok(t)
        })
    }

    /// Puts the shared pieces into `t` under luasteam's names, with the constants and an `Extra`
    /// table (returned, so the global table can add what only it has).
    pub fn fill(&self, lua: &Lua, t: &Table) -> mlua::Result<Table> {
        set_constants(t)?;
        t.set(
            "newSteamNetworkingIdentity",
            export(
                lua,
                "newSteamNetworkingIdentity",
                Arity::One,
                identity::new_identity,
            )?,
        )?;
        t.set("NetworkingMessages", &self.messages)?;
        t.set("NetworkingMessages_SteamAPI", &self.messages)?;
        t.set("NetworkingUtils", &self.utils)?;
        t.set("NetworkingUtils_SteamAPI", &self.utils)?;
        t.set("RunCallbacks", self.run_callbacks(lua, "RunCallbacks")?)?;
        t.set("Shutdown", self.shutdown(lua, "Shutdown")?)?;
        t.set("GetBackend", self.get_backend(lua)?)?;
        let user = lua.create_table()?;
        user.set("GetSteamID", self.get_steam_id(lua, "GetSteamID")?)?;
        t.set("User", user)?;
        let extra = lua.create_table()?;
        extra.set(
            "ParseUint64",
            export(lua, "ParseUint64", Arity::One, uint64::parse_uint64)?,
        )?;
        extra.set(
            "SetDebugOutput",
            export(lua, "SetDebugOutput", Arity::Zero, utils::set_debug_output)?,
        )?;
        extra.set("GetStats", self.get_stats(lua)?)?;
        #[cfg(feature = "test-hooks")]
        extra.set("_Test", test_hooks(lua, &self.slot)?)?;
        t.set("Extra", &extra)?;
        Ok(extra)
    }
}

/// The constants every `Steam`-shaped table carries.
pub fn set_constants(t: &Table) -> mlua::Result<()> {
    for (name, value) in crate::constants::lua_constants() {
        t.raw_set(name, value)?;
    }
    Ok(())
}

/// Test builds only: entry points that inject events into one slot and force a panic, so the
/// specs can drive callback dispatch and the panic guard with no peer.
#[cfg(feature = "test-hooks")]
pub fn test_hooks(lua: &Lua, slot: &Rc<Slot>) -> mlua::Result<Table> {
    use crate::messages::{ConnectionInfo, Event};
    let t = lua.create_table()?;
    let s = slot.clone();
    t.set(
        "InjectSessionRequest",
        export(lua, "InjectSessionRequest", Arity::Zero, move |_, a| {
            let remote = a.identity(1)?;
            s.inject(Event::SessionRequest { remote });
            Ok(())
        })?,
    )?;
    let s = slot.clone();
    t.set(
        "InjectSessionFailed",
        export(lua, "InjectSessionFailed", Arity::Zero, move |_, a| {
            let remote = a.identity(1)?;
            let end_reason = a.int32(2)?;
            let end_debug = if a.is_nil(3) {
                String::new()
            } else {
                a.string(3)?
            };
            s.inject(Event::SessionFailed {
                info: ConnectionInfo {
                    identity_remote: remote,
                    state: crate::constants::state::PROBLEM_DETECTED_LOCALLY,
                    end_reason,
                    end_debug,
                    ..ConnectionInfo::default()
                },
            });
            Ok(())
        })?,
    )?;
    t.set(
        "Panic",
        export(lua, "Panic", Arity::Zero, |_, _| -> Ret<()> {
            panic!("forced panic for the panic-guard test")
        })?,
    )?;
    Ok(t)
}
