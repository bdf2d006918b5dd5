//! `Steam.NetworkingMessages` (and the game-server and instance copies): the six calls, each
//! a check of its arguments and one backend call.

use super::convert::{info_table, status_table};
use super::edge::{export, export_fast, Arity, FastArgs};
use super::identity::IdentityUd;
use super::message;
use super::slot::Slot;
use crate::identity::Identity;
use mlua::state::RawLua;
use mlua::{ffi, FromLua, Lua, Table, UserDataRef};
use std::ffi::c_int;
use std::rc::Rc;

/// Largest `nMaxMessages` we take; more in one call is a mistake, not a need.
const MAX_BATCH: i64 = 1 << 16;

pub fn networking_messages(lua: &Lua, slot: &Rc<Slot>) -> mlua::Result<Table> {
    let t = lua.create_table()?;

    let s = slot.clone();
    let checked = slot.clone();
    t.set(
        "SendMessageToUser",
        export_fast(
            lua,
            "SendMessageToUser",
            Arity::One,
            move |_, a: SendArgs| {
                // SAFETY: `SendArgs` lends the string argument, still on the Lua stack while
                // this callback runs.
                let payload = unsafe { a.payload() };
                s.with_named("SendMessageToUser", |b| {
                    b.send_message_to_user(&a.peer, payload, a.flags, a.channel)
                })
            },
            move |_, a| {
                let peer = a.identity(1)?;
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
                    checked.with(a, |b| {
                        b.send_message_to_user(&peer, payload, flags, channel)
                    })
                })
            },
        )?,
    )?;

    let s = slot.clone();
    t.set(
        "ReceiveMessagesOnChannel",
        export(
            lua,
            "ReceiveMessagesOnChannel",
            Arity::Two,
            move |lua, a| {
                let channel = a.integer(1, 0, i32::MAX as i64)? as i32;
                let max = a.integer(2, 1, MAX_BATCH)? as usize;
                let msgs = s.with(a, |b| b.receive_messages_on_channel(channel, max))?;
                let count = msgs.len();
                // Each userdata pushed straight into the table: creating it as a handle and
                // setting it in a second step cost a registry reference per message.
                let list =
                    lua.create_sequence_from(msgs.into_iter().map(message::MessageUd::new))?;
                Ok((count, list))
            },
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

/// `SendMessageToUser(identity, string, size, flags, channel)` with every argument of its type
/// and in range, read off the stack: the call a game makes for every message it sends.
struct SendArgs {
    peer: Identity,
    data: *const u8,
    /// `size`, already checked against the string's length.
    len: usize,
    flags: i32,
    channel: i32,
}

impl SendArgs {
    /// # Safety
    /// Only while the callback that read these arguments runs: the bytes are the Lua string's.
    unsafe fn payload(&self) -> &[u8] {
        std::slice::from_raw_parts(self.data, self.len)
    }
}

/// A number argument with an exact integer value (what `Args::integer` takes before its range
/// check); `None` for anything else, strings included, which the checked path coerces.
unsafe fn exact_integer(state: *mut ffi::lua_State, idx: c_int) -> Option<i64> {
    if ffi::lua_type(state, idx) != ffi::LUA_TNUMBER {
        return None;
    }
    let mut ok = 0;
    let n = ffi::lua_tointegerx(state, idx, &mut ok);
    (ok != 0).then_some(n as i64)
}

impl FastArgs for SendArgs {
    unsafe fn read(state: *mut ffi::lua_State, nargs: c_int, lua: &RawLua) -> Option<SendArgs> {
        if nargs < 5
            || ffi::lua_type(state, 1) != ffi::LUA_TUSERDATA
            || ffi::lua_type(state, 2) != ffi::LUA_TSTRING
        {
            return None;
        }
        let peer = UserDataRef::<IdentityUd>::from_stack(1, lua)
            .ok()?
            .0
            .clone();
        let mut size = 0usize;
        let data = ffi::lua_tolstring(state, 2, &mut size) as *const u8;
        let len = exact_integer(state, 3)?;
        let flags = exact_integer(state, 4)?;
        let channel = exact_integer(state, 5)?;
        if data.is_null()
            || len < 0
            || len as u64 > size as u64
            || i32::try_from(flags).is_err()
            || !(0..=i32::MAX as i64).contains(&channel)
        {
            return None;
        }
        Some(SendArgs {
            peer,
            data,
            len: len as usize,
            flags: flags as i32,
            channel: channel as i32,
        })
    }
}
