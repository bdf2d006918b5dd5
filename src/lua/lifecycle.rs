//! Opening a backend: which one `Init` picks, and how a failure reads.

use super::options::{BackendChoice, InitOptions};
use crate::messages::Backend;
use crate::offline::options::OfflineOptions;
use crate::offline::OfflineBackend;

fn offline(opts: OfflineOptions) -> Result<Box<dyn Backend>, String> {
    OfflineBackend::open(opts).map(|b| Box::new(b) as Box<dyn Backend>)
}

/// The client backend for `Steam.Init`.
pub fn open_client(opts: InitOptions) -> Result<Box<dyn Backend>, String> {
    let steam =
        || crate::steam::init_client(opts.offline.app_id).map(|b| Box::new(b) as Box<dyn Backend>);
    match opts.backend {
        BackendChoice::Steam => steam(),
        BackendChoice::Offline => offline(opts.offline),
        BackendChoice::Auto => steam().or_else(|steam_err| {
            offline(opts.offline.clone())
                .map_err(|offline_err| format!("{steam_err}; offline backend: {offline_err}"))
        }),
    }
}

/// What `Steam.GameServerInit` was given.
pub struct ServerParams {
    pub ip: std::net::Ipv4Addr,
    pub game_port: u16,
    pub query_port: u16,
    pub server_mode: i32,
    pub version: String,
}

/// The game-server backend for `Steam.GameServerInit`.
pub fn open_server(opts: InitOptions, p: &ServerParams) -> Result<Box<dyn Backend>, String> {
    let steam = || {
        crate::steam::init_server(p.ip, p.game_port, p.query_port, p.server_mode, &p.version)
            .map(|b| Box::new(b) as Box<dyn Backend>)
    };
    let mut offline_opts = opts.offline.clone();
    offline_opts.game_server = true;
    if offline_opts.port == 0 {
        offline_opts.port = p.game_port;
    }
    match opts.backend {
        BackendChoice::Steam => steam(),
        BackendChoice::Offline => offline(offline_opts),
        BackendChoice::Auto => steam().or_else(|steam_err| {
            offline(offline_opts)
                .map_err(|offline_err| format!("{steam_err}; offline backend: {offline_err}"))
        }),
    }
}
