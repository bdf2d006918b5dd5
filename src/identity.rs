//! `SteamNetworkingIdentity`: who a peer is, and its text forms (`ToString`/`ParseString`).
//!
//! The text forms are the SDK's, so an identity printed here parses on Steam and back:
//! `steamid:<decimal>`, `ip:<addr>:<port>` (IPv6 in brackets), `str:<string>`, `gen:<hex>`,
//! `invalid`.

use crate::steamid;
use std::fmt;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};

/// `k_cchSteamNetworkingMaxGenericString` less its terminating NUL.
pub const MAX_GENERIC_STRING: usize = 31;
/// `sizeof(m_genericBytes)`.
pub const MAX_GENERIC_BYTES: usize = 32;

/// `ESteamNetworkingIdentityType` values.
pub mod kind {
    pub const INVALID: i32 = 0;
    pub const STEAM_ID: i32 = 16;
    pub const IP_ADDRESS: i32 = 1;
    pub const GENERIC_STRING: i32 = 2;
    pub const GENERIC_BYTES: i32 = 3;
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub enum Identity {
    #[default]
    Invalid,
    SteamId(u64),
    Ip(SocketAddr),
    GenericString(String),
    GenericBytes(Vec<u8>),
}

impl Identity {
    /// The SDK's `SetLocalHost`: the IPv6 loopback address with port 0.
    pub fn local_host() -> Identity {
        Identity::Ip(SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), 0))
    }

    pub fn kind(&self) -> i32 {
        match self {
            Identity::Invalid => kind::INVALID,
            Identity::SteamId(_) => kind::STEAM_ID,
            Identity::Ip(_) => kind::IP_ADDRESS,
            Identity::GenericString(_) => kind::GENERIC_STRING,
            Identity::GenericBytes(_) => kind::GENERIC_BYTES,
        }
    }

    pub fn is_invalid(&self) -> bool {
        matches!(self, Identity::Invalid)
    }

    pub fn steam_id(&self) -> Option<u64> {
        match self {
            Identity::SteamId(id) => Some(*id),
            _ => None,
        }
    }

    /// The SDK's `IsLocalHost`: an IP identity on the loopback address, v4 or v6.
    pub fn is_local_host(&self) -> bool {
        match self {
            Identity::Ip(addr) => match addr.ip() {
                IpAddr::V6(ip) => ip.is_loopback(),
                IpAddr::V4(ip) => ip.is_loopback(),
            },
            _ => false,
        }
    }

    /// A SteamID identity, or `Invalid` when the ID cannot key a Messages session.
    pub fn from_steam_id(id: u64) -> Identity {
        if steamid::is_valid_peer(id) {
            Identity::SteamId(id)
        } else {
            Identity::Invalid
        }
    }

    pub fn generic_string(s: &str) -> Option<Identity> {
        (!s.is_empty() && s.len() <= MAX_GENERIC_STRING && !s.contains('\0'))
            .then(|| Identity::GenericString(s.to_owned()))
    }

    pub fn generic_bytes(b: &[u8]) -> Option<Identity> {
        (!b.is_empty() && b.len() <= MAX_GENERIC_BYTES).then(|| Identity::GenericBytes(b.to_vec()))
    }

    /// The SDK's `ParseString`; `None` when the text is no identity form it knows.
    pub fn parse(text: &str) -> Option<Identity> {
        if text == "invalid" {
            return Some(Identity::Invalid);
        }
        let (prefix, rest) = text.split_once(':')?;
        match prefix {
            "steamid" => {
                if rest.is_empty() || !rest.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let id: u64 = rest.parse().ok()?;
                steamid::is_valid_peer(id).then_some(Identity::SteamId(id))
            }
            "ip" => parse_ip(rest).map(Identity::Ip),
            "str" => Identity::generic_string(rest),
            "gen" => {
                if rest.len() % 2 != 0 {
                    return None;
                }
                let bytes = (0..rest.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(rest.get(i..i + 2)?, 16).ok())
                    .collect::<Option<Vec<u8>>>()?;
                Identity::generic_bytes(&bytes)
            }
            _ => None,
        }
    }
}

/// `SteamNetworkingIPAddr::ParseString`: an address with or without a port.
fn parse_ip(text: &str) -> Option<SocketAddr> {
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Some(addr);
    }
    let bare = text
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .unwrap_or(text);
    bare.parse::<IpAddr>().ok().map(|ip| SocketAddr::new(ip, 0))
}

impl fmt::Display for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Identity::Invalid => f.write_str("invalid"),
            Identity::SteamId(id) => write!(f, "steamid:{id}"),
            Identity::Ip(addr) => write!(f, "ip:{addr}"),
            Identity::GenericString(s) => write!(f, "str:{s}"),
            Identity::GenericBytes(b) => {
                f.write_str("gen:")?;
                b.iter().try_for_each(|byte| write!(f, "{byte:02x}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(text: &str) {
        let id = Identity::parse(text).unwrap_or_else(|| panic!("{text} should parse"));
        assert_eq!(id.to_string(), text);
    }

    #[test]
    fn every_text_form_round_trips() {
        round_trip("steamid:76561197960287930");
        round_trip("ip:127.0.0.1:27015");
        round_trip("ip:[::1]:0");
        round_trip("str:lobby-7");
        round_trip("gen:00ff10");
        round_trip("invalid");
    }

    #[test]
    fn malformed_text_does_not_parse() {
        for bad in [
            "",
            "steamid:",
            "steamid:abc",
            "steamid:0",
            "steamid:-5",
            "steamid:99999999999999999999",
            "ip:",
            "ip:nowhere:1",
            "str:",
            "gen:abc",
            "gen:zz",
            "gen:",
            "nonsense",
            "nonsense:1",
        ] {
            assert!(Identity::parse(bad).is_none(), "{bad:?} parsed");
        }
    }

    #[test]
    fn ip_without_port_gets_port_zero() {
        assert_eq!(
            Identity::parse("ip:10.0.0.1").map(|i| i.to_string()),
            Some("ip:10.0.0.1:0".into())
        );
        assert_eq!(
            Identity::parse("ip:[::1]").map(|i| i.to_string()),
            Some("ip:[::1]:0".into())
        );
    }

    #[test]
    fn generic_limits_follow_the_sdk() {
        assert!(Identity::generic_string(&"x".repeat(31)).is_some());
        assert!(Identity::generic_string(&"x".repeat(32)).is_none());
        assert!(Identity::generic_bytes(&[0; 32]).is_some());
        assert!(Identity::generic_bytes(&[0; 33]).is_none());
    }

    #[test]
    fn local_host_is_local_host() {
        assert!(Identity::local_host().is_local_host());
        assert_eq!(Identity::local_host().to_string(), "ip:[::1]:0");
        assert!(!Identity::SteamId(76561197960287930).is_local_host());
    }

    #[test]
    fn invalid_steam_ids_make_invalid_identities() {
        assert!(Identity::from_steam_id(0).is_invalid());
        assert_eq!(
            Identity::from_steam_id(76561197960287930).steam_id(),
            Some(76561197960287930)
        );
    }
}
