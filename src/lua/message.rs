//! `SteamNetworkingMessage_t` userdata: the fields and methods of a received message.
//! The payload stays a Rust buffer until `m_pData` is read; `Release` (or `__gc`) frees it.

use super::edge::{
    export_method, export_method_fast, index_fast, Args, Arity, Fail, FastArgs, Ret,
};
use super::identity;
use crate::messages::Message;
use mlua::state::RawLua;
use mlua::{
    ffi, FromLua, IntoLua, Lua, UserData, UserDataFields, UserDataRef, UserDataRefMut, Value,
};
use std::ffi::c_int;

pub struct MessageUd(pub Option<Message>);

const INDEX_KEY: &str = "steam_messages.message.index";

impl UserData for MessageUd {
    fn add_fields<F: UserDataFields<Self>>(f: &mut F) {
        f.add_meta_field("__name", "SteamNetworkingMessage_t");
        f.add_meta_field_with("__index", |lua| {
            lua.named_registry_value::<Value>(INDEX_KEY)
        });
    }
}

impl MessageUd {
    pub fn new(msg: Message) -> MessageUd {
        MessageUd(Some(msg))
    }
}

impl Args {
    /// Runs `f` on the live message in argument 1; a released one is an error.
    fn with_message<R>(&self, f: impl FnOnce(&Message) -> R) -> Ret<R> {
        let ud = match self.get(1) {
            Value::UserData(ud) if ud.is::<MessageUd>() => ud.clone(),
            _ => return Err(self.type_error(1, "SteamNetworkingMessage_t")),
        };
        let msg = ud
            .borrow::<MessageUd>()
            .map_err(|_| self.bad(1, "message is in use"))?;
        match &msg.0 {
            Some(m) => Ok(f(m)),
            None => Err(super::edge::Fail::new(format!(
                "'{}': message already released",
                self.name()
            ))),
        }
    }
}

fn field(lua: &Lua, m: &Message, key: &[u8]) -> mlua::Result<Value> {
    Ok(match key {
        b"m_pData" => Value::String(lua.create_string(&m.data)?),
        b"m_cbSize" => Value::Integer(m.data.len() as _),
        b"m_identityPeer" => Value::UserData(identity::push(lua, m.peer.clone())?),
        b"m_nChannel" => Value::Integer(m.channel as _),
        b"m_nMessageNumber" => m.message_number.into_lua(lua)?,
        b"m_usecTimeReceived" => m.usec_time_received.into_lua(lua)?,
        b"m_nFlags" => Value::Integer(m.flags as _),
        b"m_conn" => Value::Integer(m.conn as _),
        b"m_nUserData" => m.user_data.into_lua(lua)?,
        b"m_nConnUserData" => m.conn_user_data.into_lua(lua)?,
        b"m_idxLane" => Value::Integer(m.lane as _),
        _ => Value::Nil,
    })
}

pub fn register(lua: &Lua) -> mlua::Result<()> {
    let methods = lua.create_table()?;
    methods.set(
        "Release",
        export_method_fast(
            lua,
            "Release",
            Arity::Zero,
            |_, mut m: Releasing| {
                m.0 .0 = None;
                Ok(())
            },
            |_, a| {
                // Releasing twice is harmless, as it is for a C caller who nulls the pointer.
                match a.get(1) {
                    Value::UserData(ud) if ud.is::<MessageUd>() => {
                        let mut msg = ud
                            .borrow_mut::<MessageUd>()
                            .map_err(|_| a.bad(1, "message is in use"))?;
                        msg.0 = None;
                        Ok(())
                    }
                    _ => Err(a.type_error(1, "SteamNetworkingMessage_t")),
                }
            },
        )?,
    )?;
    methods.set(
        "GetData",
        export_method(lua, "GetData", Arity::One, |lua, a| {
            let s = a.with_message(|m| lua.create_string(&m.data))??;
            Ok(s)
        })?,
    )?;
    methods.set(
        "GetSize",
        export_method(lua, "GetSize", Arity::One, |_, a| {
            a.with_message(|m| m.data.len() as i64)
        })?,
    )?;
    methods.set(
        "GetChannel",
        export_method(lua, "GetChannel", Arity::One, |_, a| {
            a.with_message(|m| m.channel)
        })?,
    )?;
    methods.set(
        "GetMessageNumber",
        export_method(lua, "GetMessageNumber", Arity::One, |_, a| {
            a.with_message(|m| m.message_number)
        })?,
    )?;
    methods.set(
        "GetTimeReceived",
        export_method(lua, "GetTimeReceived", Arity::One, |_, a| {
            a.with_message(|m| m.usec_time_received)
        })?,
    )?;
    methods.set(
        "GetIdentityPeer",
        export_method(lua, "GetIdentityPeer", Arity::One, |lua, a| {
            let peer = a.with_message(|m| m.peer.clone())?;
            Ok(identity::push(lua, peer)?)
        })?,
    )?;
    let idx = index_fast(
        lua,
        "SteamNetworkingMessage_t",
        methods,
        |lua, r: FieldRead| match &r.msg.0 {
            // SAFETY: the key is the string argument, on the Lua stack while this call runs.
            Some(m) => Ok(field(lua, m, unsafe { r.key() })?),
            None => Err(Fail::new(
                "'SteamNetworkingMessage_t': message already released",
            )),
        },
        |lua, a| {
            // Matched as bytes: turning the key into a `String` first cost an allocation.
            let key = match a.get(2) {
                Value::String(s) => s.as_bytes(),
                _ => return Ok(Value::Nil),
            };
            let value = a.with_message(|m| field(lua, m, &key))??;
            Ok(value)
        },
    )?;
    lua.set_named_registry_value(INDEX_KEY, idx)?;
    Ok(())
}

/// `message:Release()` on a message not borrowed elsewhere: every received message's last call.
struct Releasing(UserDataRefMut<MessageUd>);

impl FastArgs for Releasing {
    unsafe fn read(state: *mut ffi::lua_State, nargs: c_int, lua: &RawLua) -> Option<Releasing> {
        if nargs < 1 || ffi::lua_type(state, 1) != ffi::LUA_TUSERDATA {
            return None;
        }
        UserDataRefMut::<MessageUd>::from_stack(1, lua)
            .ok()
            .map(Releasing)
    }
}

/// `message.field` on a live message with a string key: every received message's `m_pData`.
struct FieldRead {
    msg: UserDataRef<MessageUd>,
    key: *const u8,
    len: usize,
}

impl FieldRead {
    /// # Safety
    /// Only while the callback that read the arguments runs: the bytes are the Lua string's.
    unsafe fn key(&self) -> &[u8] {
        std::slice::from_raw_parts(self.key, self.len)
    }
}

impl FastArgs for FieldRead {
    unsafe fn read(state: *mut ffi::lua_State, nargs: c_int, lua: &RawLua) -> Option<FieldRead> {
        if nargs < 2
            || ffi::lua_type(state, 1) != ffi::LUA_TUSERDATA
            || ffi::lua_type(state, 2) != ffi::LUA_TSTRING
        {
            return None;
        }
        let msg = UserDataRef::<MessageUd>::from_stack(1, lua).ok()?;
        // A released message's error is worded by the checked path.
        msg.0.as_ref()?;
        let mut len = 0usize;
        let key = ffi::lua_tolstring(state, 2, &mut len) as *const u8;
        (!key.is_null()).then_some(FieldRead { msg, key, len })
    }
}
