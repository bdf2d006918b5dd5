//! Plain Rust values to the Lua tables luasteam hands out (`SteamNetConnectionInfo_t`,
//! `SteamNetConnectionRealTimeStatus_t`, `SteamRelayNetworkStatus_t`, the two callback structs).

use super::identity;
use crate::messages::{ConnectionInfo, Event, RealTimeStatus, RelayNetworkStatus};
use mlua::{Lua, Table};

pub fn info_table(lua: &Lua, info: &ConnectionInfo) -> mlua::Result<Table> {
    let t = lua.create_table()?;
    t.set(
        "m_identityRemote",
        identity::push(lua, info.identity_remote.clone())?,
    )?;
    t.set("m_nUserData", info.user_data)?;
    t.set("m_hListenSocket", info.listen_socket)?;
    t.set("m_addrRemote", info.addr_remote.as_str())?;
    t.set("m_idPOPRemote", info.pop_remote)?;
    t.set("m_idPOPRelay", info.pop_relay)?;
    t.set("m_eState", info.state)?;
    t.set("m_eEndReason", info.end_reason)?;
    t.set("m_szEndDebug", info.end_debug.as_str())?;
    t.set(
        "m_szConnectionDescription",
        info.connection_description.as_str(),
    )?;
    t.set("m_nFlags", info.flags)?;
    Ok(t)
}

pub fn status_table(lua: &Lua, s: &RealTimeStatus) -> mlua::Result<Table> {
    let t = lua.create_table()?;
    t.set("m_eState", s.state)?;
    t.set("m_nPing", s.ping)?;
    t.set("m_flConnectionQualityLocal", s.quality_local)?;
    t.set("m_flConnectionQualityRemote", s.quality_remote)?;
    t.set("m_flOutPacketsPerSec", s.out_packets_per_sec)?;
    t.set("m_flOutBytesPerSec", s.out_bytes_per_sec)?;
    t.set("m_flInPacketsPerSec", s.in_packets_per_sec)?;
    t.set("m_flInBytesPerSec", s.in_bytes_per_sec)?;
    t.set("m_nSendRateBytesPerSecond", s.send_rate_bytes_per_second)?;
    t.set("m_cbPendingUnreliable", s.pending_unreliable)?;
    t.set("m_cbPendingReliable", s.pending_reliable)?;
    t.set("m_cbSentUnackedReliable", s.sent_unacked_reliable)?;
    t.set("m_usecQueueTime", s.usec_queue_time)?;
    t.set("m_usecMaxJitter", s.usec_max_jitter)?;
    Ok(t)
}

pub fn relay_status_table(lua: &Lua, s: &RelayNetworkStatus) -> mlua::Result<Table> {
    let t = lua.create_table()?;
    t.set("m_eAvail", s.avail)?;
    t.set(
        "m_bPingMeasurementInProgress",
        s.ping_measurement_in_progress,
    )?;
    t.set("m_eAvailNetworkConfig", s.avail_network_config)?;
    t.set("m_eAvailAnyRelay", s.avail_any_relay)?;
    t.set("m_debugMsg", s.debug_msg.as_str())?;
    Ok(t)
}

/// The callback's data table and the name of the hook it goes to.
pub fn event_table(lua: &Lua, event: &Event) -> mlua::Result<(&'static str, Table)> {
    let t = lua.create_table()?;
    Ok(match event {
        Event::SessionRequest { remote } => {
            t.set("m_identityRemote", identity::push(lua, remote.clone())?)?;
            ("OnSteamNetworkingMessagesSessionRequest", t)
        }
        Event::SessionFailed { info } => {
            t.set("m_info", info_table(lua, info)?)?;
            ("OnSteamNetworkingMessagesSessionFailed", t)
        }
    })
}
