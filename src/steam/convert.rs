//! Conversions between the SDK's structs and the backend's plain types.
//!
//! Identities we send are built field by field exactly as the SDK's inline setters in
//! `steamnetworkingtypes.h` build them (`SetSteamID64`, `SetIPAddr`, `SetGenericString`,
//! `SetGenericBytes`), so no Steam call is needed and the tests can compare with the SDK's own.
//!
//! Structs that Steam wrote are read through raw pointers, field by field: several fields are C
//! enums that `steamworks-sys` binds as Rust enums, and a value Steam writes that the Rust enum
//! lacks must not become a Rust enum value. Enum fields are read as `i32`.

use crate::identity::{Identity, MAX_GENERIC_BYTES, MAX_GENERIC_STRING};
use crate::messages::{ConnectionInfo, Message, RealTimeStatus, RelayNetworkStatus};
use std::ffi::c_char;
use std::net::{Ipv6Addr, SocketAddr};
use std::ptr::addr_of;
use steamworks::sys;

use sys::ESteamNetworkingIdentityType as IdentityType;

/// `SteamNetworkingIPAddr` for `addr`; IPv4 as the SDK stores it, IPv4-mapped IPv6
/// (`SteamNetworkingIPAddr::SetIPv4`).
pub(crate) fn ip_addr_to_sdk(addr: &SocketAddr) -> sys::SteamNetworkingIPAddr {
    let octets = match addr {
        SocketAddr::V4(v4) => v4.ip().to_ipv6_mapped().octets(),
        SocketAddr::V6(v6) => v6.ip().octets(),
    };
    sys::SteamNetworkingIPAddr {
        __bindgen_anon_1: sys::SteamNetworkingIPAddr__bindgen_ty_2 { m_ipv6: octets },
        m_port: addr.port(),
    }
}

/// Reads a `SteamNetworkingIPAddr`; an IPv4-mapped address comes back as IPv4
/// (`SteamNetworkingIPAddr::IsIPv4`).
///
/// # Safety
/// `p` points to a readable `SteamNetworkingIPAddr`.
pub(crate) unsafe fn ip_addr_from_sdk(p: *const sys::SteamNetworkingIPAddr) -> SocketAddr {
    let octets = addr_of!((*p).__bindgen_anon_1)
        .cast::<[u8; 16]>()
        .read_unaligned();
    let port = addr_of!((*p).m_port).read_unaligned();
    let ip = Ipv6Addr::from(octets);
    match ip.to_ipv4_mapped() {
        Some(v4) => SocketAddr::new(v4.into(), port),
        None => SocketAddr::new(ip.into(), port),
    }
}

/// `"ip:port"` for `m_addrRemote`, empty when Steam left it all zeros (unknown or relayed).
///
/// # Safety
/// `p` points to a readable `SteamNetworkingIPAddr`.
unsafe fn remote_addr_text(p: *const sys::SteamNetworkingIPAddr) -> String {
    let octets = addr_of!((*p).__bindgen_anon_1)
        .cast::<[u8; 16]>()
        .read_unaligned();
    if octets == [0; 16] {
        return String::new();
    }
    ip_addr_from_sdk(p).to_string()
}

/// The SDK struct for `identity`. An identity the SDK could not hold (a string or byte string
/// over its limit, a string with a NUL) becomes the invalid identity rather than a truncated one.
pub(crate) fn identity_to_sdk(identity: &Identity) -> sys::SteamNetworkingIdentity {
    let mut raw = sys::SteamNetworkingIdentity {
        m_eType: IdentityType::k_ESteamNetworkingIdentityType_Invalid,
        m_cbSize: 0,
        __bindgen_anon_1: sys::SteamNetworkingIdentity__bindgen_ty_2 {
            m_reserved: [0; 32],
        },
    };
    match identity {
        Identity::Invalid => {}
        Identity::SteamId(id) => {
            raw.m_eType = IdentityType::k_ESteamNetworkingIdentityType_SteamID;
            raw.m_cbSize = std::mem::size_of::<u64>() as i32;
            raw.__bindgen_anon_1.m_steamID64 = *id;
        }
        Identity::Ip(addr) => {
            raw.m_eType = IdentityType::k_ESteamNetworkingIdentityType_IPAddress;
            raw.m_cbSize = std::mem::size_of::<sys::SteamNetworkingIPAddr>() as i32;
            raw.__bindgen_anon_1.m_ip = ip_addr_to_sdk(addr);
        }
        Identity::GenericString(s) => {
            let bytes = s.as_bytes();
            if bytes.is_empty() || bytes.len() > MAX_GENERIC_STRING || bytes.contains(&0) {
                return raw;
            }
            let mut text = [0 as c_char; MAX_GENERIC_STRING + 1];
            for (dst, src) in text.iter_mut().zip(bytes) {
                *dst = *src as c_char;
            }
            raw.m_eType = IdentityType::k_ESteamNetworkingIdentityType_GenericString;
            raw.m_cbSize = bytes.len() as i32 + 1;
            raw.__bindgen_anon_1.m_szGenericString = text;
        }
        Identity::GenericBytes(b) => {
            if b.is_empty() || b.len() > MAX_GENERIC_BYTES {
                return raw;
            }
            let mut bytes = [0u8; MAX_GENERIC_BYTES];
            bytes[..b.len()].copy_from_slice(b);
            raw.m_eType = IdentityType::k_ESteamNetworkingIdentityType_GenericBytes;
            raw.m_cbSize = b.len() as i32;
            raw.__bindgen_anon_1.m_genericBytes = bytes;
        }
    }
    raw
}

/// Reads a `SteamNetworkingIdentity` Steam wrote. Kinds a Messages game cannot address
/// (Xbox pairwise, PSN, unknown) and malformed ones read as `Identity::Invalid`.
///
/// # Safety
/// `p` points to a readable `SteamNetworkingIdentity`.
pub(crate) unsafe fn identity_from_sdk(p: *const sys::SteamNetworkingIdentity) -> Identity {
    let kind = addr_of!((*p).m_eType).cast::<i32>().read_unaligned();
    let size = addr_of!((*p).m_cbSize).read_unaligned();
    let body = addr_of!((*p).__bindgen_anon_1);
    match kind {
        crate::identity::kind::STEAM_ID => match body.cast::<u64>().read_unaligned() {
            0 => Identity::Invalid,
            id => Identity::SteamId(id),
        },
        crate::identity::kind::IP_ADDRESS => {
            Identity::Ip(ip_addr_from_sdk(body.cast::<sys::SteamNetworkingIPAddr>()))
        }
        crate::identity::kind::GENERIC_STRING => {
            let bytes = body.cast::<[u8; MAX_GENERIC_STRING + 1]>().read_unaligned();
            let text = c_text(&bytes);
            Identity::generic_string(&text).unwrap_or(Identity::Invalid)
        }
        crate::identity::kind::GENERIC_BYTES => {
            let bytes = body.cast::<[u8; MAX_GENERIC_BYTES]>().read_unaligned();
            usize::try_from(size)
                .ok()
                .and_then(|len| bytes.get(..len))
                .and_then(Identity::generic_bytes)
                .unwrap_or(Identity::Invalid)
        }
        _ => Identity::Invalid,
    }
}

/// The text of a NUL-terminated C buffer (all of it when unterminated), invalid UTF-8 replaced.
fn c_text(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

/// Reads a `SteamNetConnectionInfo_t` Steam wrote.
///
/// # Safety
/// `p` points to a readable `SteamNetConnectionInfo_t`.
pub(crate) unsafe fn connection_info_from_sdk(
    p: *const sys::SteamNetConnectionInfo_t,
) -> ConnectionInfo {
    ConnectionInfo {
        identity_remote: identity_from_sdk(addr_of!((*p).m_identityRemote)),
        user_data: addr_of!((*p).m_nUserData).read_unaligned(),
        listen_socket: addr_of!((*p).m_hListenSocket).read_unaligned(),
        addr_remote: remote_addr_text(addr_of!((*p).m_addrRemote)),
        pop_remote: addr_of!((*p).m_idPOPRemote).read_unaligned(),
        pop_relay: addr_of!((*p).m_idPOPRelay).read_unaligned(),
        state: addr_of!((*p).m_eState).cast::<i32>().read_unaligned(),
        end_reason: addr_of!((*p).m_eEndReason).read_unaligned(),
        end_debug: c_text(
            &addr_of!((*p).m_szEndDebug)
                .cast::<[u8; 128]>()
                .read_unaligned(),
        ),
        connection_description: c_text(
            &addr_of!((*p).m_szConnectionDescription)
                .cast::<[u8; 128]>()
                .read_unaligned(),
        ),
        flags: addr_of!((*p).m_nFlags).read_unaligned(),
    }
}

/// Reads a `SteamRelayNetworkStatus_t` Steam wrote.
///
/// # Safety
/// `p` points to a readable `SteamRelayNetworkStatus_t`.
pub(crate) unsafe fn relay_network_status_from_sdk(
    p: *const sys::SteamRelayNetworkStatus_t,
) -> RelayNetworkStatus {
    RelayNetworkStatus {
        avail: addr_of!((*p).m_eAvail).cast::<i32>().read_unaligned(),
        ping_measurement_in_progress: addr_of!((*p).m_bPingMeasurementInProgress).read_unaligned(),
        avail_network_config: addr_of!((*p).m_eAvailNetworkConfig)
            .cast::<i32>()
            .read_unaligned(),
        avail_any_relay: addr_of!((*p).m_eAvailAnyRelay)
            .cast::<i32>()
            .read_unaligned(),
        debug_msg: c_text(
            &addr_of!((*p).m_debugMsg)
                .cast::<[u8; 256]>()
                .read_unaligned(),
        ),
    }
}

/// Reads a `SteamNetConnectionRealTimeStatus_t` Steam wrote.
///
/// # Safety
/// `p` points to a readable `SteamNetConnectionRealTimeStatus_t`.
pub(crate) unsafe fn real_time_status_from_sdk(
    p: *const sys::SteamNetConnectionRealTimeStatus_t,
) -> RealTimeStatus {
    RealTimeStatus {
        state: addr_of!((*p).m_eState).cast::<i32>().read_unaligned(),
        ping: addr_of!((*p).m_nPing).read_unaligned(),
        quality_local: addr_of!((*p).m_flConnectionQualityLocal).read_unaligned(),
        quality_remote: addr_of!((*p).m_flConnectionQualityRemote).read_unaligned(),
        out_packets_per_sec: addr_of!((*p).m_flOutPacketsPerSec).read_unaligned(),
        out_bytes_per_sec: addr_of!((*p).m_flOutBytesPerSec).read_unaligned(),
        in_packets_per_sec: addr_of!((*p).m_flInPacketsPerSec).read_unaligned(),
        in_bytes_per_sec: addr_of!((*p).m_flInBytesPerSec).read_unaligned(),
        send_rate_bytes_per_second: addr_of!((*p).m_nSendRateBytesPerSecond).read_unaligned(),
        pending_unreliable: addr_of!((*p).m_cbPendingUnreliable).read_unaligned(),
        pending_reliable: addr_of!((*p).m_cbPendingReliable).read_unaligned(),
        sent_unacked_reliable: addr_of!((*p).m_cbSentUnackedReliable).read_unaligned(),
        usec_queue_time: addr_of!((*p).m_usecQueueTime).read_unaligned(),
        usec_max_jitter: addr_of!((*p).m_usecMaxJitter).read_unaligned(),
    }
}

/// Copies a received `SteamNetworkingMessage_t` (payload included). Does not release it.
///
/// # Safety
/// `p` points to a readable message whose `m_pData` holds `m_cbSize` bytes when non-null.
pub(crate) unsafe fn message_from_sdk(p: *const sys::SteamNetworkingMessage_t) -> Message {
    let data_ptr = addr_of!((*p).m_pData).read_unaligned().cast::<u8>();
    let size = addr_of!((*p).m_cbSize).read_unaligned();
    let data = match usize::try_from(size) {
        Ok(len) if len > 0 && !data_ptr.is_null() => {
            std::slice::from_raw_parts(data_ptr, len).to_vec()
        }
        _ => Vec::new(),
    };
    Message {
        data,
        peer: identity_from_sdk(addr_of!((*p).m_identityPeer)),
        channel: addr_of!((*p).m_nChannel).read_unaligned(),
        message_number: addr_of!((*p).m_nMessageNumber).read_unaligned(),
        usec_time_received: addr_of!((*p).m_usecTimeReceived).read_unaligned(),
        flags: addr_of!((*p).m_nFlags).read_unaligned(),
        conn: addr_of!((*p).m_conn).read_unaligned(),
        user_data: addr_of!((*p).m_nUserData).read_unaligned(),
        conn_user_data: addr_of!((*p).m_nConnUserData).read_unaligned(),
        lane: addr_of!((*p).m_idxLane).read_unaligned(),
    }
}

#[cfg(test)]
mod tests {
    //! The hand-built structs are compared byte for byte with what the SDK's own flat setters
    //! in libsteam_api build. Those are the header's inline functions (no interface lookup), so
    //! they run without `SteamAPI_Init`.
    use super::*;
    use std::mem::{size_of, MaybeUninit};
    use std::net::{IpAddr, Ipv4Addr};

    fn bytes_of<T>(value: &T) -> Vec<u8> {
        // SAFETY: reading the bytes of a fully initialised plain-data value.
        unsafe { std::slice::from_raw_parts((value as *const T).cast::<u8>(), size_of::<T>()) }
            .to_vec()
    }

    fn sdk_cleared() -> sys::SteamNetworkingIdentity {
        let mut raw = MaybeUninit::<sys::SteamNetworkingIdentity>::zeroed();
        // SAFETY: Clear memsets the struct; all zeros is the invalid identity.
        unsafe {
            sys::SteamAPI_SteamNetworkingIdentity_Clear(raw.as_mut_ptr());
            raw.assume_init()
        }
    }

    fn round_trip(identity: Identity) {
        let raw = identity_to_sdk(&identity);
        // SAFETY: `raw` is a valid identity we built.
        assert_eq!(unsafe { identity_from_sdk(&raw) }, identity);
    }

    #[test]
    fn every_identity_kind_round_trips_through_the_sdk_struct() {
        round_trip(Identity::Invalid);
        round_trip(Identity::SteamId(76561197960287930));
        round_trip(Identity::Ip("10.1.2.3:27015".parse().unwrap()));
        round_trip(Identity::Ip("[2001:db8::7]:9".parse().unwrap()));
        round_trip(Identity::local_host());
        round_trip(Identity::generic_string("lobby-7").unwrap());
        round_trip(Identity::generic_string(&"x".repeat(MAX_GENERIC_STRING)).unwrap());
        round_trip(Identity::generic_bytes(&[0, 255, 16]).unwrap());
        round_trip(Identity::generic_bytes(&[7; MAX_GENERIC_BYTES]).unwrap());
    }

    #[test]
    fn steam_id_identity_matches_the_sdk_setter() {
        let id = 76561197960287930u64;
        let mut sdk = sdk_cleared();
        // SAFETY: inline setter/getter on a valid struct.
        unsafe { sys::SteamAPI_SteamNetworkingIdentity_SetSteamID64(&mut sdk, id) };
        let ours = identity_to_sdk(&Identity::SteamId(id));
        assert_eq!(bytes_of(&ours), bytes_of(&sdk));
        let mut ours = ours;
        assert_eq!(
            unsafe { sys::SteamAPI_SteamNetworkingIdentity_GetSteamID64(&mut ours) },
            id
        );
    }

    #[test]
    fn ip_identity_matches_the_sdk_setter() {
        for addr in ["192.168.1.20:27015", "[::1]:0", "[2001:db8::1]:65535"] {
            let addr: SocketAddr = addr.parse().unwrap();
            let mut sdk_ip = MaybeUninit::<sys::SteamNetworkingIPAddr>::zeroed();
            // SAFETY: inline setters on a zeroed struct.
            let sdk_ip = unsafe {
                match addr.ip() {
                    IpAddr::V4(v4) => sys::SteamAPI_SteamNetworkingIPAddr_SetIPv4(
                        sdk_ip.as_mut_ptr(),
                        u32::from(v4),
                        addr.port(),
                    ),
                    IpAddr::V6(v6) => sys::SteamAPI_SteamNetworkingIPAddr_SetIPv6(
                        sdk_ip.as_mut_ptr(),
                        v6.octets().as_ptr(),
                        addr.port(),
                    ),
                }
                sdk_ip.assume_init()
            };
            assert_eq!(
                bytes_of(&ip_addr_to_sdk(&addr)),
                bytes_of(&sdk_ip),
                "{addr}"
            );

            let mut sdk = sdk_cleared();
            // SAFETY: inline setter on a valid struct.
            unsafe { sys::SteamAPI_SteamNetworkingIdentity_SetIPAddr(&mut sdk, &sdk_ip) };
            assert_eq!(
                bytes_of(&identity_to_sdk(&Identity::Ip(addr))),
                bytes_of(&sdk),
                "{addr}"
            );
        }
    }

    #[test]
    fn ipv4_reads_back_as_the_sdk_reads_it() {
        let mut ours = ip_addr_to_sdk(&"127.0.0.1:80".parse().unwrap());
        // SAFETY: inline getters on a valid struct.
        unsafe {
            assert!(sys::SteamAPI_SteamNetworkingIPAddr_IsIPv4(&mut ours));
            assert_eq!(
                sys::SteamAPI_SteamNetworkingIPAddr_GetIPv4(&mut ours),
                u32::from(Ipv4Addr::LOCALHOST)
            );
        }
    }

    #[test]
    fn generic_identities_match_the_sdk_setters() {
        let mut sdk = sdk_cleared();
        let text = c"lobby-7";
        // SAFETY: inline setter on a valid struct with a NUL-terminated string.
        assert!(unsafe {
            sys::SteamAPI_SteamNetworkingIdentity_SetGenericString(&mut sdk, text.as_ptr())
        });
        let ours = identity_to_sdk(&Identity::generic_string("lobby-7").unwrap());
        assert_eq!(bytes_of(&ours), bytes_of(&sdk));

        let data = [1u8, 2, 3, 250];
        let mut sdk = sdk_cleared();
        // SAFETY: inline setter on a valid struct with a buffer of the given length.
        assert!(unsafe {
            sys::SteamAPI_SteamNetworkingIdentity_SetGenericBytes(
                &mut sdk,
                data.as_ptr().cast(),
                data.len() as u32,
            )
        });
        let ours = identity_to_sdk(&Identity::generic_bytes(&data).unwrap());
        assert_eq!(bytes_of(&ours), bytes_of(&sdk));
    }

    #[test]
    fn identities_the_sdk_cannot_hold_become_invalid() {
        let too_long = Identity::GenericString("y".repeat(MAX_GENERIC_STRING + 1));
        assert_eq!(
            bytes_of(&identity_to_sdk(&too_long)),
            bytes_of(&sdk_cleared())
        );
        let with_nul = Identity::GenericString("a\0b".into());
        assert_eq!(
            bytes_of(&identity_to_sdk(&with_nul)),
            bytes_of(&sdk_cleared())
        );
        let too_many = Identity::GenericBytes(vec![1; MAX_GENERIC_BYTES + 1]);
        assert_eq!(
            bytes_of(&identity_to_sdk(&too_many)),
            bytes_of(&sdk_cleared())
        );
    }

    #[test]
    fn unknown_identity_kinds_read_as_invalid() {
        let mut raw = identity_to_sdk(&Identity::SteamId(76561197960287930));
        // Write a kind the Rust enum does not have, the way Steam could.
        // SAFETY: m_eType is the struct's first 4 bytes.
        unsafe {
            (&mut raw as *mut sys::SteamNetworkingIdentity)
                .cast::<i32>()
                .write(99)
        };
        assert_eq!(unsafe { identity_from_sdk(&raw) }, Identity::Invalid);
    }

    fn zeroed_info() -> sys::SteamNetConnectionInfo_t {
        // SAFETY: all zeros is a valid SteamNetConnectionInfo_t (enums at their 0 variant).
        unsafe { MaybeUninit::zeroed().assume_init() }
    }

    fn text<const N: usize>(s: &str) -> [c_char; N] {
        let mut out = [0 as c_char; N];
        for (dst, src) in out.iter_mut().zip(s.bytes()) {
            *dst = src as c_char;
        }
        out
    }

    #[test]
    fn connection_info_converts_every_field() {
        let mut raw = zeroed_info();
        raw.m_identityRemote = identity_to_sdk(&Identity::SteamId(76561197960287930));
        raw.m_nUserData = -7;
        raw.m_hListenSocket = 3;
        raw.m_addrRemote = ip_addr_to_sdk(&"1.2.3.4:27015".parse().unwrap());
        raw.m_idPOPRemote = 11;
        raw.m_idPOPRelay = 12;
        raw.m_eState = sys::ESteamNetworkingConnectionState::k_ESteamNetworkingConnectionState_ProblemDetectedLocally;
        raw.m_eEndReason = 4001;
        raw.m_szEndDebug = text("Timed out");
        raw.m_szConnectionDescription = text("#1 P2P steamid:76561197960287930");
        raw.m_nFlags = 5;
        // SAFETY: `raw` is a valid struct.
        let info = unsafe { connection_info_from_sdk(&raw) };
        assert_eq!(
            info,
            ConnectionInfo {
                identity_remote: Identity::SteamId(76561197960287930),
                user_data: -7,
                listen_socket: 3,
                addr_remote: "1.2.3.4:27015".into(),
                pop_remote: 11,
                pop_relay: 12,
                state: 5,
                end_reason: 4001,
                end_debug: "Timed out".into(),
                connection_description: "#1 P2P steamid:76561197960287930".into(),
                flags: 5,
            }
        );
    }

    #[test]
    fn unknown_remote_address_is_empty_and_ipv6_is_bracketed() {
        let mut raw = zeroed_info();
        // SAFETY: `raw` is a valid struct.
        assert_eq!(unsafe { connection_info_from_sdk(&raw) }.addr_remote, "");
        raw.m_addrRemote = ip_addr_to_sdk(&"[::1]:5".parse().unwrap());
        assert_eq!(
            unsafe { connection_info_from_sdk(&raw) }.addr_remote,
            "[::1]:5"
        );
    }

    #[test]
    fn real_time_status_converts_every_field() {
        // SAFETY: all zeros is a valid status struct.
        let mut raw: sys::SteamNetConnectionRealTimeStatus_t =
            unsafe { MaybeUninit::zeroed().assume_init() };
        raw.m_eState =
            sys::ESteamNetworkingConnectionState::k_ESteamNetworkingConnectionState_Connected;
        raw.m_nPing = 42;
        raw.m_flConnectionQualityLocal = 0.5;
        raw.m_flConnectionQualityRemote = 0.25;
        raw.m_flOutPacketsPerSec = 1.0;
        raw.m_flOutBytesPerSec = 2.0;
        raw.m_flInPacketsPerSec = 3.0;
        raw.m_flInBytesPerSec = 4.0;
        raw.m_nSendRateBytesPerSecond = 262_144;
        raw.m_cbPendingUnreliable = 6;
        raw.m_cbPendingReliable = 7;
        raw.m_cbSentUnackedReliable = 8;
        raw.m_usecQueueTime = 9;
        raw.m_usecMaxJitter = -1;
        // SAFETY: `raw` is a valid struct.
        let status = unsafe { real_time_status_from_sdk(&raw) };
        assert_eq!(
            status,
            RealTimeStatus {
                state: 3,
                ping: 42,
                quality_local: 0.5,
                quality_remote: 0.25,
                out_packets_per_sec: 1.0,
                out_bytes_per_sec: 2.0,
                in_packets_per_sec: 3.0,
                in_bytes_per_sec: 4.0,
                send_rate_bytes_per_second: 262_144,
                pending_unreliable: 6,
                pending_reliable: 7,
                sent_unacked_reliable: 8,
                usec_queue_time: 9,
                usec_max_jitter: -1,
            }
        );
    }

    #[test]
    fn message_copies_payload_and_fields() {
        let mut payload = b"hello".to_vec();
        // SAFETY: all zeros is a valid message struct (null pointers, no functions).
        let mut raw: sys::SteamNetworkingMessage_t = unsafe { MaybeUninit::zeroed().assume_init() };
        raw.m_pData = payload.as_mut_ptr().cast();
        raw.m_cbSize = payload.len() as i32;
        raw.m_conn = 77;
        raw.m_identityPeer = identity_to_sdk(&Identity::SteamId(76561197960287930));
        raw.m_nConnUserData = 5;
        raw.m_usecTimeReceived = 123_456;
        raw.m_nMessageNumber = 9;
        raw.m_nChannel = 2;
        raw.m_nFlags = 8;
        raw.m_nUserData = 6;
        raw.m_idxLane = 1;
        // SAFETY: `raw` points at `payload`, alive for the call.
        let msg = unsafe { message_from_sdk(&raw) };
        assert_eq!(msg.data, b"hello");
        assert_eq!(msg.peer, Identity::SteamId(76561197960287930));
        assert_eq!(
            (msg.channel, msg.message_number, msg.usec_time_received),
            (2, 9, 123_456)
        );
        assert_eq!((msg.flags, msg.conn, msg.user_data), (8, 77, 6));
        assert_eq!((msg.conn_user_data, msg.lane), (5, 1));
    }

    #[test]
    fn message_without_payload_is_empty() {
        // SAFETY: all zeros is a valid message struct.
        let mut raw: sys::SteamNetworkingMessage_t = unsafe { MaybeUninit::zeroed().assume_init() };
        raw.m_cbSize = 10; // size with a null pointer: nothing to copy
        assert!(unsafe { message_from_sdk(&raw) }.data.is_empty());
        raw.m_cbSize = -1;
        assert!(unsafe { message_from_sdk(&raw) }.data.is_empty());
    }
}
