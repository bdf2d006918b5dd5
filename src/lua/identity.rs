//! `SteamNetworkingIdentity` userdata: luasteam's methods over `crate::identity::Identity`.

use super::edge::{export_method, index, Args, Arity, Ret};
use super::uint64;
use crate::identity::Identity;
use mlua::{AnyUserData, Lua, MetaMethod, Table, UserData, UserDataFields, UserDataMethods, Value};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

pub struct IdentityUd(pub Identity);

const INDEX_KEY: &str = "steam_messages.identity.index";
const MIRROR_KEY: &str = "steam_messages.identity.mirror";

/// The SteamID of each identity userdata a checked send has met, as 8 little-endian bytes, in a
/// table with weak keys: the raw `SendMessageToUser` (`interface.rs`) reads it with one `rawget`
/// where reading the userdata itself takes mlua's borrow machinery. Every change to an identity
/// goes through `with_identity`, which drops its entry; the next checked send writes it again.
pub fn mirror(lua: &Lua) -> mlua::Result<Table> {
    lua.named_registry_value(MIRROR_KEY)
}

/// Notes `id` as what `ud` holds, for the raw send (only SteamIDs: the calls a game makes for
/// every message; any other identity takes the checked path each time).
pub fn remember(lua: &Lua, ud: &AnyUserData, id: &Identity) -> mlua::Result<()> {
    if let Identity::SteamId(raw) = id {
        mirror(lua)?.raw_set(ud, lua.create_string(raw.to_le_bytes())?)?;
    }
    Ok(())
}

impl UserData for IdentityUd {
    fn add_fields<F: UserDataFields<Self>>(f: &mut F) {
        f.add_meta_field("__name", "SteamNetworkingIdentity");
        f.add_meta_field_with("__index", |lua| {
            lua.named_registry_value::<Value>(INDEX_KEY)
        });
    }

    fn add_methods<M: UserDataMethods<Self>>(m: &mut M) {
        m.add_meta_method(MetaMethod::ToString, |_, this, ()| Ok(this.0.to_string()));
        m.add_meta_function(MetaMethod::Eq, |_, (a, b): (AnyUserData, AnyUserData)| {
            Ok(match (a.borrow::<IdentityUd>(), b.borrow::<IdentityUd>()) {
                (Ok(a), Ok(b)) => a.0 == b.0,
                _ => false,
            })
        });
    }
}

pub fn push(lua: &Lua, id: Identity) -> mlua::Result<AnyUserData> {
    lua.create_userdata(IdentityUd(id))
}

impl Args {
    /// A `SteamNetworkingIdentity` argument, copied out.
    pub fn identity(&self, i: usize) -> Ret<Identity> {
        match self.get(i) {
            Value::UserData(ud) => match ud.borrow::<IdentityUd>() {
                Ok(id) => Ok(id.0.clone()),
                Err(_) => Err(self.type_error(i, "SteamNetworkingIdentity")),
            },
            _ => Err(self.type_error(i, "SteamNetworkingIdentity")),
        }
    }

    fn identity_ud(&self) -> Ret<AnyUserData> {
        match self.get(1) {
            Value::UserData(ud) if ud.is::<IdentityUd>() => Ok(ud.clone()),
            _ => Err(self.type_error(1, "SteamNetworkingIdentity")),
        }
    }

    /// The SDK's setters that return false and leave the identity alone when the value is no good.
    fn replace_identity(&self, new: Option<Identity>) -> Ret<bool> {
        self.with_identity(|id| match new {
            Some(new) => {
                *id = new;
                true
            }
            None => false,
        })
    }

    fn with_identity<R>(&self, f: impl FnOnce(&mut Identity) -> R) -> Ret<R> {
        let ud = self.identity_ud()?;
        let mut id = ud
            .borrow_mut::<IdentityUd>()
            .map_err(|_| self.bad(1, "identity is in use"))?;
        let before = id.0.clone();
        let r = f(&mut id.0);
        if id.0 != before {
            mirror(self.lua())?.raw_set(&ud, Value::Nil)?;
        }
        Ok(r)
    }
}

/// `Steam.newSteamNetworkingIdentity([table])`: a new, invalid identity. luasteam ignores the
/// table; so do we, but anything other than a table or nothing is a mistake.
pub fn new_identity(lua: &Lua, args: &Args) -> Ret<AnyUserData> {
    args.opt_table(1)?;
    Ok(push(lua, Identity::Invalid)?)
}

/// Builds the method table and registers the `__index` every identity userdata uses.
pub fn register(lua: &Lua) -> mlua::Result<()> {
    let mirror = lua.create_table()?;
    let weak = lua.create_table()?;
    weak.set("__mode", "k")?;
    mirror.set_metatable(Some(weak))?;
    lua.set_named_registry_value(MIRROR_KEY, mirror)?;
    let methods = lua.create_table()?;
    methods.set(
        "Clear",
        export_method(lua, "Clear", Arity::Zero, |_, a| {
            a.with_identity(|id| *id = Identity::Invalid)
        })?,
    )?;
    methods.set(
        "IsInvalid",
        export_method(lua, "IsInvalid", Arity::One, |_, a| {
            a.with_identity(|id| id.is_invalid())
        })?,
    )?;
    let set_steam_id = |name: &'static str| {
        export_method(lua, name, Arity::Zero, move |_, a| {
            let raw = a.uint64(2)?;
            let valid = a.with_identity(|id| {
                *id = Identity::from_steam_id(raw);
                !id.is_invalid()
            })?;
            if valid {
                Ok(())
            } else {
                Err(a.bad(
                    2,
                    format!("{raw} is not a valid individual or game-server SteamID"),
                ))
            }
        })
    };
    methods.set("SetSteamID", set_steam_id("SetSteamID")?)?;
    methods.set("SetSteamID64", set_steam_id("SetSteamID64")?)?;
    let get_steam_id = |name: &'static str| {
        export_method(lua, name, Arity::One, |lua, a| {
            let raw = a.with_identity(|id| id.steam_id().unwrap_or(0))?;
            Ok(uint64::push(lua, raw)?)
        })
    };
    methods.set("GetSteamID", get_steam_id("GetSteamID")?)?;
    methods.set("GetSteamID64", get_steam_id("GetSteamID64")?)?;
    methods.set(
        "SetIPv4Addr",
        export_method(lua, "SetIPv4Addr", Arity::Zero, |_, a| {
            let ip = match a.get(2) {
                Value::String(s) => s
                    .to_string_lossy()
                    .parse::<Ipv4Addr>()
                    .map_err(|_| a.bad(2, "IPv4 address expected (integer or dotted string)"))?,
                _ => Ipv4Addr::from(a.integer(2, 0, u32::MAX as i64)? as u32),
            };
            let port = a.integer(3, 0, u16::MAX as i64)? as u16;
            a.with_identity(|id| *id = Identity::Ip(SocketAddr::new(IpAddr::V4(ip), port)))
        })?,
    )?;
    methods.set(
        "GetIPv4",
        export_method(lua, "GetIPv4", Arity::One, |_, a| {
            a.with_identity(|id| match id {
                Identity::Ip(SocketAddr::V4(v4)) => u32::from(*v4.ip()) as i64,
                _ => 0,
            })
        })?,
    )?;
    methods.set(
        "SetLocalHost",
        export_method(lua, "SetLocalHost", Arity::Zero, |_, a| {
            a.with_identity(|id| *id = Identity::local_host())
        })?,
    )?;
    methods.set(
        "IsLocalHost",
        export_method(lua, "IsLocalHost", Arity::One, |_, a| {
            a.with_identity(|id| id.is_local_host())
        })?,
    )?;
    methods.set(
        "SetGenericString",
        export_method(lua, "SetGenericString", Arity::One, |_, a| {
            let s = a.string(2)?;
            a.replace_identity(Identity::generic_string(&s))
        })?,
    )?;
    methods.set(
        "GetGenericString",
        export_method(lua, "GetGenericString", Arity::One, |_, a| {
            a.with_identity(|id| match id {
                Identity::GenericString(s) => Some(s.clone()),
                _ => None,
            })
        })?,
    )?;
    methods.set(
        "SetGenericBytes",
        export_method(lua, "SetGenericBytes", Arity::One, |_, a| {
            let data = a.bytes(2)?;
            let len = if a.is_nil(3) {
                data.len() as i64
            } else {
                a.integer(3, 0, data.len() as i64)?
            };
            let bytes = data[..len as usize].to_vec();
            a.replace_identity(Identity::generic_bytes(&bytes))
        })?,
    )?;
    methods.set(
        "GetGenericBytes",
        export_method(lua, "GetGenericBytes", Arity::One, |lua, a| {
            let bytes = a.with_identity(|id| match id {
                Identity::GenericBytes(b) => Some(b.clone()),
                _ => None,
            })?;
            Ok(match bytes {
                Some(b) => Some(lua.create_string(b)?),
                None => None,
            })
        })?,
    )?;
    methods.set(
        "ToString",
        export_method(lua, "ToString", Arity::One, |_, a| {
            a.with_identity(|id| id.to_string())
        })?,
    )?;
    methods.set(
        "ParseString",
        export_method(lua, "ParseString", Arity::One, |_, a| {
            let text = a.bytes(2)?;
            let parsed = std::str::from_utf8(&text).ok().and_then(Identity::parse);
            a.with_identity(|id| match parsed {
                Some(new) => {
                    *id = new;
                    true
                }
                None => {
                    // The SDK clears the identity before it parses.
                    *id = Identity::Invalid;
                    false
                }
            })
        })?,
    )?;
    methods.set(
        "GetType",
        export_method(lua, "GetType", Arity::One, |_, a| {
            a.with_identity(|id| id.kind())
        })?,
    )?;
    let idx = index(lua, "SteamNetworkingIdentity", methods, |_, _| {
        Ok(Value::Nil)
    })?;
    lua.set_named_registry_value(INDEX_KEY, idx)?;
    Ok(())
}
