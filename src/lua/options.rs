//! `Steam.Init([opts])` and `NewOfflineInstance(opts)` options, and the environment variables
//! that set the same (`STEAM_MESSAGES_BACKEND`, `_STEAMID`, `_PORT`, `_PEERS`, `_KEY`).

use super::edge::{Args, Fail, Ret};
use super::uint64::{parse_decimal, Uint64};
use crate::config::{self, ConfigValue};
use crate::offline::options::OfflineOptions;
use crate::steamid;
use mlua::{Table, Value};
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BackendChoice {
    Steam,
    Offline,
    /// Steam when a client is running, else offline.
    Auto,
}

pub struct InitOptions {
    pub backend: BackendChoice,
    pub offline: OfflineOptions,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn bad_field(a: &Args, i: usize, field: &str, expected: &str, got: &Value) -> Fail {
    a.bad(
        i,
        format!(
            "opts.{field}: {expected} expected, got {}",
            super::edge::type_name(a.lua(), got)
        ),
    )
}

fn parse_backend(text: &str) -> Option<BackendChoice> {
    match text {
        "steam" => Some(BackendChoice::Steam),
        "offline" => Some(BackendChoice::Offline),
        "auto" => Some(BackendChoice::Auto),
        _ => None,
    }
}

fn parse_peer(text: &str) -> Option<SocketAddr> {
    text.trim().to_socket_addrs().ok()?.next()
}

/// The netsim shorthands, each a `_Send` fake-network value (`jitter` sets three: see
/// `jitter_settings`).
const NETSIM_KEYS: &[(&str, i32)] = &[
    ("loss", config::FAKE_PACKET_LOSS_SEND),
    ("duplicate", config::FAKE_PACKET_DUP_SEND),
    ("reorder", config::FAKE_PACKET_REORDER_SEND),
    ("latency", config::FAKE_PACKET_LAG_SEND),
    ("jitter", config::FAKE_PACKET_JITTER_SEND_AVG),
];

/// `jitter = ms`: every datagram sent gets Steam's exponential jitter averaging `ms`. Steam's
/// defaults jitter only 75 % of datagrams and cap the delay at 100 ms, which would not average
/// `ms`, so the shorthand jitters all of them and caps at ten times the average (a share of
/// e^-10 is cut), within Steam's 100..5000 ms.
fn jitter_settings(avg_ms: f64) -> [(i32, ConfigValue); 3] {
    [
        (
            config::FAKE_PACKET_JITTER_SEND_AVG,
            ConfigValue::Float(avg_ms as f32),
        ),
        (
            config::FAKE_PACKET_JITTER_SEND_PCT,
            ConfigValue::Float(100.0),
        ),
        (
            config::FAKE_PACKET_JITTER_SEND_MAX,
            ConfigValue::Float((avg_ms * 10.0).clamp(100.0, 5000.0) as f32),
        ),
    ]
}

/// Reads options from argument `i` (a table or nil) over the environment's defaults.
pub fn read(a: &Args, i: usize, default_backend: BackendChoice) -> Ret<InitOptions> {
    let mut out = InitOptions {
        backend: default_backend,
        offline: OfflineOptions::default(),
    };
    if let Some(b) = env("STEAM_MESSAGES_BACKEND") {
        // An unknown value means offline, so a typo never silently needs Steam.
        out.backend = parse_backend(b.trim()).unwrap_or(BackendChoice::Offline);
    }
    if let Some(id) = env("STEAM_MESSAGES_STEAMID").and_then(|v| parse_decimal(&v)) {
        out.offline.steam_id = Some(id).filter(|id| steamid::is_valid_peer(*id));
    }
    if let Some(port) = env("STEAM_MESSAGES_PORT").and_then(|v| v.trim().parse::<u16>().ok()) {
        out.offline.port = port;
    }
    if let Some(peers) = env("STEAM_MESSAGES_PEERS") {
        out.offline.peers = peers.split(',').filter_map(parse_peer).collect();
    }
    if let Some(key) = env("STEAM_MESSAGES_KEY") {
        out.offline.key = Some(key.into_bytes());
    }
    let Some(t) = a.opt_table(i)? else {
        return Ok(out);
    };
    read_table(a, i, &t, &mut out)?;
    Ok(out)
}

fn read_table(a: &Args, i: usize, t: &Table, out: &mut InitOptions) -> Ret<()> {
    let field = |name: &str| -> Ret<Value> { Ok(t.raw_get::<Value>(name)?) };

    match field("backend")? {
        Value::Nil => {}
        Value::String(s) => {
            out.backend = parse_backend(&s.to_string_lossy())
                .ok_or_else(|| a.bad(i, "opts.backend: 'steam', 'offline' or 'auto' expected"))?;
        }
        other => return Err(bad_field(a, i, "backend", "string", &other)),
    }
    match field("steamid")? {
        Value::Nil => {}
        v => {
            let id = match &v {
                Value::UserData(ud) => ud.borrow::<Uint64>().map(|u| u.0).ok(),
                Value::String(s) => parse_decimal(&s.to_string_lossy()),
                Value::Integer(n) if *n > 0 && (*n as f64) < 9_007_199_254_740_992.0 => {
                    Some(*n as u64)
                }
                Value::Number(n)
                    if n.fract() == 0.0 && *n > 0.0 && *n < 9_007_199_254_740_992.0 =>
                {
                    Some(*n as u64)
                }
                _ => None,
            };
            match id {
                Some(id) if steamid::is_valid_peer(id) => out.offline.steam_id = Some(id),
                Some(id) => {
                    return Err(a.bad(
                        i,
                        format!(
                            "opts.steamid: {id} is not a valid individual or game-server SteamID"
                        ),
                    ))
                }
                None => return Err(bad_field(a, i, "steamid", "uint64 or decimal string", &v)),
            }
        }
    }
    match field("appid")? {
        Value::Nil => {}
        Value::Integer(n) if (0..=u32::MAX as i64).contains(&n) => {
            out.offline.app_id = Some(n as u32)
        }
        Value::Number(n) if n.fract() == 0.0 && (0.0..=u32::MAX as f64).contains(&n) => {
            out.offline.app_id = Some(n as u32)
        }
        other => return Err(bad_field(a, i, "appid", "integer 0..4294967295", &other)),
    }
    match field("port")? {
        Value::Nil => {}
        Value::Integer(n) if (0..=65535).contains(&n) => out.offline.port = n as u16,
        Value::Number(n) if n.fract() == 0.0 && (0.0..=65535.0).contains(&n) => {
            out.offline.port = n as u16
        }
        other => return Err(bad_field(a, i, "port", "integer 0..65535", &other)),
    }
    match field("bind")? {
        Value::Nil => {}
        Value::String(s) => {
            out.offline.bind = s.to_string_lossy().trim().parse::<IpAddr>().map_err(|_| {
                a.bad(
                    i,
                    "opts.bind: an IP address expected (e.g. '127.0.0.1' or '0.0.0.0')",
                )
            })?;
        }
        other => return Err(bad_field(a, i, "bind", "string", &other)),
    }
    match field("peers")? {
        Value::Nil => {}
        Value::Table(list) => {
            out.offline.peers.clear();
            for entry in list.sequence_values::<Value>() {
                let entry = entry?;
                let text = match &entry {
                    Value::String(s) => s.to_string_lossy(),
                    other => return Err(bad_field(a, i, "peers[]", "string 'host:port'", other)),
                };
                let addr = parse_peer(&text).ok_or_else(|| {
                    a.bad(
                        i,
                        format!("opts.peers: cannot resolve '{text}' (expected 'host:port')"),
                    )
                })?;
                out.offline.peers.push(addr);
            }
        }
        other => {
            return Err(bad_field(
                a,
                i,
                "peers",
                "table of 'host:port' strings",
                &other,
            ))
        }
    }
    match field("key")? {
        Value::Nil => {}
        Value::String(s) if !s.as_bytes().is_empty() => {
            out.offline.key = Some(s.as_bytes().to_vec());
        }
        Value::String(_) => {
            return Err(a.bad(
                i,
                "opts.key: a non-empty string expected (an empty key would protect nothing)",
            ))
        }
        other => return Err(bad_field(a, i, "key", "string", &other)),
    }
    match field("directory")? {
        Value::Nil => {}
        Value::Boolean(b) => out.offline.use_directory = b,
        other => return Err(bad_field(a, i, "directory", "boolean", &other)),
    }
    match field("netsim")? {
        Value::Nil => {}
        Value::Table(sim) => read_netsim(a, i, &sim, &mut out.offline.config)?,
        other => return Err(bad_field(a, i, "netsim", "table", &other)),
    }
    Ok(())
}

/// `opts.netsim`: the shorthands above, or any fake-network value by its config name
/// (`FakePacketLoss_Recv = 5`). Both are the same mechanism as `SetGlobalConfigValue*`.
fn read_netsim(
    a: &Args,
    i: usize,
    sim: &Table,
    config_out: &mut Vec<(i32, ConfigValue)>,
) -> Ret<()> {
    // Shorthands go first, so a config name given beside one (`FakePacketJitter_Send_Max`
    // with `jitter`) wins whatever order the table iterates in.
    let mut by_name = Vec::new();
    for pair in sim.pairs::<Value, Value>() {
        let (k, v) = pair?;
        let name = match &k {
            Value::String(s) => s.to_string_lossy(),
            other => return Err(bad_field(a, i, "netsim key", "string", other)),
        };
        let shorthand = NETSIM_KEYS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, k)| *k);
        let key = shorthand
            .or_else(|| {
                config::SPECS
                    .iter()
                    .find(|s| s.name == name && s.name.starts_with("Fake"))
                    .map(|s| s.key)
            })
            .ok_or_else(|| a.bad(i, format!("opts.netsim: unknown setting '{name}'")))?;
        // Passed on as SetGlobalConfigValueInt32/Float would, and converted to the value's
        // type the way Steam converts them.
        let (number, value) = match v {
            Value::Integer(n) => (
                n as f64,
                ConfigValue::Int32(n.clamp(i32::MIN.into(), i32::MAX.into()) as i32),
            ),
            Value::Number(n) if n.is_finite() => (n, ConfigValue::Float(n as f32)),
            other => return Err(bad_field(a, i, &format!("netsim.{name}"), "number", &other)),
        };
        if name == "jitter" {
            config_out.extend(jitter_settings(number));
            continue;
        }
        match shorthand {
            Some(_) => config_out.push((key, value)),
            None => by_name.push((key, value)),
        }
    }
    config_out.extend(by_name);
    Ok(())
}
