//! What `Steam.Init{...}` or `NewOfflineInstance{...}` tells the offline backend.

use crate::config::ConfigValue;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

#[derive(Clone, Debug)]
pub struct OfflineOptions {
    /// The local SteamID; a random valid individual (or game-server) ID when `None`.
    pub steam_id: Option<u64>,
    pub app_id: Option<u32>,
    /// UDP port, 0 = any.
    pub port: u16,
    /// Loopback unless the caller asks for LAN play.
    pub bind: IpAddr,
    /// LAN peers to reach by address.
    pub peers: Vec<SocketAddr>,
    /// Configuration values set before the first session (netsim settings among them).
    pub config: Vec<(i32, ConfigValue)>,
    /// Find and announce peers on this machine through the per-user directory (`opts.directory`,
    /// on by default; off leaves only `ip:` identities and `peers`).
    pub use_directory: bool,
    /// A game-server identity (`GameServerInit`) rather than a user's.
    pub game_server: bool,
    /// `opts.key`: every datagram sealed with it; peers without the same key cannot talk to us.
    pub key: Option<Vec<u8>>,
}

impl Default for OfflineOptions {
    fn default() -> Self {
        OfflineOptions {
            steam_id: None,
            app_id: None,
            port: 0,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            peers: Vec::new(),
            config: Vec::new(),
            game_server: false,
            use_directory: true,
            key: None,
        }
    }
}
