//! The Lua glue: the only code that touches mlua. It checks and converts arguments, builds the
//! `Steam` table luasteam code expects, and dispatches callbacks in `RunCallbacks`.

mod callbacks;
mod convert;
mod edge;
mod identity;
mod instance;
mod interface;
mod lifecycle;
mod message;
mod options;
mod raw;
mod slot;
mod uint64;
mod utils;

use edge::{export, Args, Arity, Ret};
use instance::Parts;
use lifecycle::ServerParams;
use mlua::{Lua, Table, Value};
use options::BackendChoice;
use std::net::Ipv4Addr;

/// `require "steam_messages"`.
#[mlua::lua_module(skip_memory_check)]
fn steam_messages(lua: &Lua) -> mlua::Result<Table> {
    edge::install(lua)?;
    identity::register(lua)?;
    message::register(lua)?;

    let steam = lua.create_table()?;
    let client = Parts::new(lua, "Steam.Init")?;
    let extra = client.fill(lua, &steam)?;
    let slot = client.slot.clone();
    steam.set(
        "Init",
        export(
            lua,
            "Init",
            Arity::Var,
            move |_, a| -> Ret<(bool, Option<String>)> {
                let opts = options::read(a, 1, BackendChoice::Steam)?;
                if slot.is_live() {
                    return Ok((true, None));
                }
                init_result(&slot, lifecycle::open_client(opts))
            },
        )?,
    )?;

    let server = Parts::new(lua, "Steam.GameServerInit")?;
    steam.set("GameServerNetworkingMessages", &server.messages)?;
    steam.set("GameServerNetworkingMessages_SteamAPI", &server.messages)?;
    steam.set("GameServerNetworkingUtils", &server.utils)?;
    steam.set(
        "GameServerRunCallbacks",
        server.run_callbacks(lua, "GameServerRunCallbacks")?,
    )?;
    steam.set(
        "GameServerShutdown",
        server.shutdown(lua, "GameServerShutdown")?,
    )?;
    let game_server = lua.create_table()?;
    game_server.set("GetSteamID", server.get_steam_id(lua, "GetSteamID")?)?;
    steam.set("GameServer", game_server)?;
    let slot = server.slot.clone();
    steam.set(
        "GameServerInit",
        export(
            lua,
            "GameServerInit",
            Arity::Var,
            move |_, a| -> Ret<(bool, Option<String>)> {
                let params = server_params(a)?;
                let opts = options::read(a, 6, BackendChoice::Steam)?;
                if slot.is_live() {
                    return Ok((true, None));
                }
                init_result(&slot, lifecycle::open_server(opts, &params))
            },
        )?,
    )?;

    extra.set(
        "NewOfflineInstance",
        export(lua, "NewOfflineInstance", Arity::Var, new_offline_instance)?,
    )?;
    steam.set("_VERSION", env!("CARGO_PKG_VERSION"))?;
    Ok(steam)
}

/// What `Init`/`GameServerInit` return: `true`, or `false` and why (a runtime condition, such as
/// no Steam client, is a return value, not an error).
fn init_result(
    slot: &slot::Slot,
    opened: Result<Box<dyn crate::messages::Backend>, String>,
) -> Ret<(bool, Option<String>)> {
    match opened {
        Ok(backend) => {
            slot.set(backend)?;
            Ok((true, None))
        }
        Err(reason) => Ok((false, Some(reason))),
    }
}

/// `GameServerInit(ip, gamePort, queryPort, serverMode, version)`.
fn server_params(a: &Args) -> Ret<ServerParams> {
    let ip = match a.get(1) {
        Value::String(s) => s
            .to_string_lossy()
            .trim()
            .parse::<Ipv4Addr>()
            .map_err(|_| a.bad(1, "IPv4 address expected (integer or dotted string)"))?,
        _ => Ipv4Addr::from(a.integer(1, 0, u32::MAX as i64)? as u32),
    };
    Ok(ServerParams {
        ip,
        game_port: a.integer(2, 0, 65535)? as u16,
        query_port: a.integer(3, 0, 65535)? as u16,
        // EServerMode: 1 no authentication, 2 authentication, 3 authentication and secure (VAC);
        // 0 is eServerModeInvalid, which SteamGameServer_Init refuses, so it is a caller's mistake.
        server_mode: a.integer(4, 1, 3)? as i32,
        version: a.string(5)?,
    })
}

/// `Steam.Extra.NewOfflineInstance(opts)`: a `Steam`-shaped table with its own offline backend,
/// or `nil, reason` when it cannot open (a port in use, say): a runtime condition, not a mistake.
fn new_offline_instance(lua: &Lua, a: &Args) -> Ret<(Option<Table>, Option<String>)> {
    let mut opts = options::read(a, 1, BackendChoice::Offline)?;
    opts.backend = BackendChoice::Offline;
    let parts = Parts::new(lua, "Steam.Extra.NewOfflineInstance")?;
    let backend = match lifecycle::open_client(opts) {
        Ok(b) => b,
        Err(reason) => return Ok((None, Some(reason))),
    };
    parts.slot.set(backend)?;
    let t = lua.create_table()?;
    parts.fill(lua, &t)?;
    Ok((Some(t), None))
}
