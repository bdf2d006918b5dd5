//! steam-messages: Steam's ISteamNetworkingMessages for Lua, on Steam or offline.
//!
//! Layers (see ARCHITECTURE in the README): `lua` converts and checks arguments; `messages`
//! is the backend interface; `steam` and `offline` implement it.

pub mod config;
pub mod constants;
pub mod identity;
pub mod messages;
pub mod offline;
pub mod steam;
pub mod steamid;

#[cfg(feature = "lua")]
mod lua;
