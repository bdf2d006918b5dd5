//! `Steam.NetworkingMessages` (and the game-server and instance copies): the six calls, each
//! a check of its arguments and one backend call.

use super::convert::{info_table, status_table};
use super::edge::{export, Arity};
use super::message;
use super::slot::Slot;
use mlua::{Lua, Table};
use std::rc::Rc;

/// Largest `nMaxMessages` we take; more in one call is a mistake, not a need.
const MAX_BATCH: i64 = 1 << 16;

pub fn networking_messages(lua: &Lua, slot: &Rc<Slot>) -> mlua::Result<Table> {
    let t = lua.create_table()?;

    let s = slot.clone();
    t.set(
        "SendMessageToUser",
        export(lua, "SendMessageToUser", Arity::One, move |_, a| {
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
                s.with(a, |b| {
                    b.send_message_to_user(&peer, payload, flags, channel)
                })
            })
        })?,
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
                let list = lua.create_table_with_capacity(msgs.len(), 0)?;
                let count = msgs.len();
                for (i, m) in msgs.into_iter().enumerate() {
                    list.raw_set(i + 1, message::push(lua, m)?)?;
                }
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
