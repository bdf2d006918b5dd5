//! `Steam.NetworkingMessages` (and the game-server and instance copies): the six calls, each
//! a check of its arguments and one backend call.

use super::convert::{info_table, status_table};
use super::edge::{self, export, Arity};
use super::identity;
use super::message;
use super::raw::{self, Done};
use super::slot::Slot;
use crate::identity::Identity;
use mlua::{ffi, Lua, Table, Value};
use std::ffi::c_int;
use std::rc::Rc;

/// Largest `nMaxMessages` we take; more in one call is a mistake, not a need.
const MAX_BATCH: i64 = 1 << 16;

pub fn networking_messages(lua: &Lua, slot: &Rc<Slot>) -> mlua::Result<Table> {
    let t = lua.create_table()?;

    let s = slot.clone();
    let checked = edge::checked(lua, SEND, false, move |lua, a| {
        let peer = a.identity(1)?;
        if let Value::UserData(ud) = a.get(1) {
            identity::remember(lua, ud, &peer)?;
        }
        a.with_bytes(2, |data| {
            let len = a.integer(3, 0, i64::MAX)?;
            if len as u64 > data.len() as u64 {
                return Err(a.bad(
                    3,
                    format!("size {len} is larger than the data ({} bytes)", data.len()),
                ));
            }
            let flags = a.int32(4)?;
            let channel = a.integer(5, 0, i32::MAX as i64)? as i32;
            let payload = &data[..len as usize];
            s.with(a, |b| {
                b.send_message_to_user(&peer, payload, flags, channel)
            })
        })
    })?;
    let mirror = identity::mirror(lua)?;
    t.set(
        SEND,
        raw::closure(
            lua,
            send_message_to_user,
            slot.clone(),
            Some(checked),
            mirror,
        )?,
    )?;

    let checked = edge::checked(lua, RECEIVE, false, move |_, a| {
        let channel = a.integer(1, 0, i32::MAX as i64)?;
        let max = a.integer(2, 1, MAX_BATCH)?;
        Ok((channel, max))
    })?;
    let metatable = message::metatable(lua)?;
    t.set(
        RECEIVE,
        raw::closure(
            lua,
            receive_messages_on_channel,
            slot.clone(),
            Some(checked),
            metatable,
        )?,
    )?;

    let s = slot.clone();
    t.set(
        "AcceptSessionWithUser",
        export(lua, "AcceptSessionWithUser", Arity::One, move |_, a| {
            let peer = a.identity(1)?;
            s.with(a, |b| b.accept_session_with_user(&peer))
        })?,
    )?;

    let s = slot.clone();
    t.set(
        "CloseSessionWithUser",
        export(lua, "CloseSessionWithUser", Arity::One, move |_, a| {
            let peer = a.identity(1)?;
            s.with(a, |b| b.close_session_with_user(&peer))
        })?,
    )?;

    let s = slot.clone();
    t.set(
        "CloseChannelWithUser",
        export(lua, "CloseChannelWithUser", Arity::One, move |_, a| {
            let peer = a.identity(1)?;
            let channel = a.integer(2, 0, i32::MAX as i64)? as i32;
            s.with(a, |b| b.close_channel_with_user(&peer, channel))
        })?,
    )?;

    let s = slot.clone();
    t.set(
        "GetSessionConnectionInfo",
        export(
            lua,
            "GetSessionConnectionInfo",
            Arity::Three,
            move |lua, a| {
                let peer = a.identity(1)?;
                let info = s.with(a, |b| b.get_session_connection_info(&peer))?;
                Ok((
                    info.state,
                    info_table(lua, &info.info)?,
                    status_table(lua, &info.status)?,
                ))
            },
        )?,
    )?;
    Ok(t)
}

const SEND: &str = "SendMessageToUser";
const RECEIVE: &str = "ReceiveMessagesOnChannel";

/// `SendMessageToUser(identity, string, size, flags, channel)`: the call a game makes for every
/// message it sends. Raw (see `raw.rs`) when every argument has its type and range and the
/// identity's SteamID is in the mirror (`identity.rs`); the checked function otherwise.
unsafe extern "C-unwind" fn send_message_to_user(state: *mut ffi::lua_State) -> c_int {
    let done = send_body(state);
    raw::finish(state, done)
}

unsafe fn send_body(state: *mut ffi::lua_State) -> Done {
    let (Some(a), Some(slot)) = (SendArgs::read(state), raw::state::<Rc<Slot>>(state)) else {
        return raw::checked(state, 1);
    };
    let sent = raw::guarded(state, SEND, || {
        slot.with_named(SEND, |b| {
            b.send_message_to_user(&a.peer, a.payload, a.flags, a.channel)
        })
    });
    match sent {
        Ok(r) => {
            ffi::lua_pushinteger(state, r as ffi::lua_Integer);
            Done::Values(1)
        }
        Err(()) => Done::Raise,
    }
}

/// The arguments of a send the raw path takes.
struct SendArgs<'a> {
    peer: Identity,
    /// The string argument, cut to `size`; it stays on the stack for the call.
    payload: &'a [u8],
    flags: i32,
    channel: i32,
}

impl SendArgs<'_> {
    unsafe fn read<'a>(state: *mut ffi::lua_State) -> Option<SendArgs<'a>> {
        if ffi::lua_gettop(state) < 5 || ffi::lua_type(state, 1) != ffi::LUA_TUSERDATA {
            return None;
        }
        ffi::lua_pushvalue(state, 1);
        ffi::lua_rawget(state, raw::extra(1));
        let steam_id = raw::string_at(state, -1)
            .and_then(|b| <[u8; 8]>::try_from(b).ok())
            .map(u64::from_le_bytes);
        ffi::lua_settop(state, -2);
        let data = raw::string_at(state, 2)?;
        let len = raw::exact_integer(state, 3)?;
        let flags = raw::exact_integer(state, 4)?;
        let channel = raw::exact_integer(state, 5)?;
        if len < 0
            || len as u64 > data.len() as u64
            || i32::try_from(flags).is_err()
            || !(0..=i32::MAX as i64).contains(&channel)
        {
            return None;
        }
        Some(SendArgs {
            peer: Identity::SteamId(steam_id?),
            payload: &data[..len as usize],
            flags: flags as i32,
            channel: channel as i32,
        })
    }
}

/// `ReceiveMessagesOnChannel(channel, max)`: the call a game makes every frame. Raw (see
/// `raw.rs`); arguments that are not exact integers in range go through the checked function,
/// which words the mistake or hands back the numbers.
unsafe extern "C-unwind" fn receive_messages_on_channel(state: *mut ffi::lua_State) -> c_int {
    let done = receive_body(state);
    raw::finish(state, done)
}

unsafe fn receive_body(state: *mut ffi::lua_State) -> Done {
    let fast = |state| match (raw::exact_integer(state, 1), raw::exact_integer(state, 2)) {
        (Some(c), Some(m))
            if (0..=i32::MAX as i64).contains(&c) && (1..=MAX_BATCH).contains(&m) =>
        {
            Some((c as i32, m as usize))
        }
        _ => None,
    };
    let args = match fast(state) {
        Some(args) => Some(args),
        None => match raw::checked(state, 2) {
            Done::Raise => return Done::Raise,
            Done::Values(_) => fast(state),
        },
    };
    let (Some((channel, max)), Some(slot)) = (args, raw::state::<Rc<Slot>>(state)) else {
        raw::push_error(state, "'ReceiveMessagesOnChannel': internal error", true);
        return Done::Raise;
    };
    let msgs = raw::guarded(state, RECEIVE, || {
        slot.with_named(RECEIVE, |b| b.receive_messages_on_channel(channel, max))
    });
    match msgs {
        Ok(msgs) => {
            ffi::lua_pushinteger(state, msgs.len() as ffi::lua_Integer);
            message::push_list(state, msgs, raw::extra(1));
            Done::Values(2)
        }
        Err(()) => Done::Raise,
    }
}
