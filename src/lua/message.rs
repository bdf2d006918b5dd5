//! `SteamNetworkingMessage_t` userdata: the fields and methods of a received message.
//!
//! A plain Lua userdata holding `Option<Message>`, not an mlua one: a game creates one, reads
//! `m_pData` and calls `Release` for every message it receives, and as raw C calls (`raw.rs`)
//! the three cost a fraction of mlua's userdata machinery. The payload stays a Rust buffer until
//! `m_pData` is read; `Release` (or `__gc`) frees it and leaves `None`.

use super::identity;
use super::raw::{self, Done};
use crate::identity::Identity;
use crate::messages::Message;
use mlua::{ffi, Function, LightUserData, Lua, Table};
use std::ffi::{c_int, c_void};

const NAME: &str = "SteamNetworkingMessage_t";
const METATABLE_KEY: &str = "steam_messages.message.metatable";

/// Upvalues of every message function (after `raw.rs`'s own): the metatable that marks a
/// message, the mlua function that makes an identity userdata, and (for `__index`) the methods.
const METATABLE: c_int = raw::extra(1);
const MAKE_IDENTITY: c_int = raw::extra(2);
const METHODS: c_int = raw::extra(3);

/// The metatable every message has; `ReceiveMessagesOnChannel` takes it as an upvalue.
pub fn metatable(lua: &Lua) -> mlua::Result<Table> {
    lua.named_registry_value(METATABLE_KEY)
}

/// What a message function's closure holds: its name, for its errors, and for a getter method
/// the field it reads (`GetData` is `m_pData`, ...), so methods and fields share `push_field`.
type Info = (&'static str, &'static [u8]);

pub fn register(lua: &Lua) -> mlua::Result<()> {
    let mt = lua.create_table()?;
    // Only the functions below pass it a pointer, to the identity of a message they hold on the
    // stack for the call; the debug library can reach it, as it can reach anything.
    let make_identity: Function = lua.create_function(|lua, p: LightUserData| {
        // SAFETY: see above.
        let id = unsafe { (*(p.0 as *const Identity)).clone() };
        identity::push(lua, id)
    })?;
    let methods = lua.create_table()?;
    let up = (mt.clone(), make_identity.clone());
    let info: Info = ("Release", b"");
    methods.set("Release", raw::closure(lua, release, info, None, up)?)?;
    let getters: [Info; 6] = [
        ("GetData", b"m_pData"),
        ("GetSize", b"m_cbSize"),
        ("GetChannel", b"m_nChannel"),
        ("GetMessageNumber", b"m_nMessageNumber"),
        ("GetTimeReceived", b"m_usecTimeReceived"),
        ("GetIdentityPeer", b"m_identityPeer"),
    ];
    for info in getters {
        let up = (mt.clone(), make_identity.clone());
        methods.set(info.0, raw::closure(lua, get_field, info, None, up)?)?;
    }
    let up = (mt.clone(), make_identity.clone(), methods);
    let info: Info = (NAME, b"");
    mt.set("__index", raw::closure(lua, index, info, None, up)?)?;
    let up = (mt.clone(), make_identity);
    mt.set("__gc", raw::closure(lua, collect, info, None, up)?)?;
    mt.set("__name", NAME)?;
    lua.set_named_registry_value(METATABLE_KEY, mt)?;
    Ok(())
}

/// Pushes a table of new message userdata (a sequence, as `ReceiveMessagesOnChannel` returns).
///
/// # Safety
/// `state` is the running call's; `metatable` is the index of the message metatable.
pub unsafe fn push_list(state: *mut ffi::lua_State, msgs: Vec<Message>, metatable: c_int) {
    ffi::lua_createtable(state, msgs.len().min(c_int::MAX as usize) as c_int, 0);
    for (i, m) in msgs.into_iter().enumerate() {
        let block = ffi::lua_newuserdata(state, std::mem::size_of::<Option<Message>>());
        (block as *mut Option<Message>).write(Some(m));
        ffi::lua_pushvalue(state, metatable);
        ffi::lua_setmetatable(state, -2);
        ffi::lua_rawseti(state, -2, (i + 1) as ffi::lua_Integer);
    }
}

/// The message block at `idx`, if the value there is a message.
unsafe fn message_at(state: *mut ffi::lua_State, idx: c_int) -> Option<*mut Option<Message>> {
    if ffi::lua_type(state, idx) != ffi::LUA_TUSERDATA || ffi::lua_getmetatable(state, idx) == 0 {
        return None;
    }
    let ours = ffi::lua_rawequal(state, -1, METATABLE) != 0;
    ffi::lua_settop(state, -2);
    ours.then(|| ffi::lua_touserdata(state, idx) as *mut Option<Message>)
}

/// The running function's `Info`.
unsafe fn info(state: *mut ffi::lua_State) -> Info {
    raw::state::<Info>(state).copied().unwrap_or((NAME, b""))
}

unsafe fn raise(state: *mut ffi::lua_State, message: String) -> Done {
    raw::push_error(state, &message, true);
    Done::Raise
}

/// The error for a value in argument 1 that is no message: `what (... expected, got ...)`.
unsafe fn not_a_message(state: *mut ffi::lua_State, what: &str) -> Done {
    let got = raw::type_name(state, 1);
    raise(state, format!("{what} ({NAME} expected, got {got})"))
}

/// A method's body: `f` on the live message in `self`; a bad or released `self` is an error.
unsafe fn method(
    state: *mut ffi::lua_State,
    f: impl FnOnce(*mut ffi::lua_State, &Message) -> c_int,
) -> Done {
    let (name, _) = info(state);
    let Some(block) = message_at(state, 1) else {
        return not_a_message(state, &format!("calling '{name}' on bad self"));
    };
    match &*block {
        Some(m) => Done::Values(f(state, m)),
        None => raise(state, format!("'{name}': message already released")),
    }
}

unsafe fn push_bytes(state: *mut ffi::lua_State, bytes: &[u8]) {
    ffi::lua_pushlstring(state, bytes.as_ptr() as *const _, bytes.len());
}

unsafe fn push_integer(state: *mut ffi::lua_State, n: i64) {
    ffi::lua_pushinteger(state, n as ffi::lua_Integer);
}

/// A new `SteamNetworkingIdentity` userdata holding a copy of `id`.
unsafe fn push_identity(state: *mut ffi::lua_State, id: &Identity) {
    ffi::lua_pushvalue(state, MAKE_IDENTITY);
    ffi::lua_pushlightuserdata(state, id as *const Identity as *mut c_void);
    ffi::lua_call(state, 1, 1);
}

/// Pushes field `key` of `m` (nil for a key no message has).
unsafe fn push_field(state: *mut ffi::lua_State, m: &Message, key: &[u8]) {
    match key {
        b"m_pData" => push_bytes(state, &m.data),
        b"m_cbSize" => push_integer(state, m.data.len() as i64),
        b"m_identityPeer" => push_identity(state, &m.peer),
        b"m_nChannel" => push_integer(state, m.channel.into()),
        b"m_nMessageNumber" => push_integer(state, m.message_number),
        b"m_usecTimeReceived" => push_integer(state, m.usec_time_received),
        b"m_nFlags" => push_integer(state, m.flags.into()),
        b"m_conn" => push_integer(state, m.conn.into()),
        b"m_nUserData" => push_integer(state, m.user_data),
        b"m_nConnUserData" => push_integer(state, m.conn_user_data),
        b"m_idxLane" => push_integer(state, m.lane.into()),
        _ => ffi::lua_pushnil(state),
    }
}

/// `__index`: a method by its name, else a field of the live message.
unsafe extern "C-unwind" fn index(state: *mut ffi::lua_State) -> c_int {
    let done = index_body(state);
    raw::finish(state, done)
}

unsafe fn index_body(state: *mut ffi::lua_State) -> Done {
    ffi::lua_settop(state, 2);
    ffi::lua_pushvalue(state, 2);
    if ffi::lua_rawget(state, METHODS) != ffi::LUA_TNIL {
        return Done::Values(1);
    }
    let Some(key) = raw::string_at(state, 2) else {
        return Done::Values(1); // the nil rawget left
    };
    let Some(block) = message_at(state, 1) else {
        return not_a_message(state, &format!("bad argument #1 to '{NAME}'"));
    };
    match &*block {
        Some(m) => {
            push_field(state, m, key);
            Done::Values(1)
        }
        None => raise(state, format!("'{NAME}': message already released")),
    }
}

/// `Release()`: frees the payload; releasing twice is harmless, as it is for a C caller who
/// nulls the pointer.
unsafe extern "C-unwind" fn release(state: *mut ffi::lua_State) -> c_int {
    let done = match message_at(state, 1) {
        Some(block) => {
            drop((*block).take());
            Done::Values(0)
        }
        None => not_a_message(state, "calling 'Release' on bad self"),
    };
    raw::finish(state, done)
}

/// `__gc`: as `Release`, but silent on anything that is not a message (the debug library can
/// call it on any value).
unsafe extern "C-unwind" fn collect(state: *mut ffi::lua_State) -> c_int {
    if let Some(block) = message_at(state, 1) {
        drop((*block).take());
    }
    0
}

/// A getter method (`GetData`, ...): the field its closure names.
unsafe extern "C-unwind" fn get_field(state: *mut ffi::lua_State) -> c_int {
    let (_, field) = info(state);
    let done = method(state, |state, m| {
        push_field(state, m, field);
        1
    });
    raw::finish(state, done)
}
