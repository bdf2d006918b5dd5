//! SteamID layout and validity, as the SDK's `CSteamID` defines them.
//!
//! A SteamID packs account id (bits 0..32), instance (32..52), account type (52..56) and
//! universe (56..64). Messages sessions are keyed by individual or game-server IDs only.

pub const ACCOUNT_TYPE_INDIVIDUAL: u64 = 1;
pub const ACCOUNT_TYPE_GAME_SERVER: u64 = 3;
pub const ACCOUNT_TYPE_ANON_GAME_SERVER: u64 = 4;
pub const UNIVERSE_PUBLIC: u64 = 1;
/// `k_unSteamUserDesktopInstance`: what a logged-in user's ID carries.
pub const INSTANCE_DESKTOP: u64 = 1;
/// `k_unSteamUserWebInstance`: the largest instance an individual ID may have.
const INSTANCE_MAX_INDIVIDUAL: u64 = 4;

pub fn account_id(id: u64) -> u32 {
    (id & 0xffff_ffff) as u32
}
pub fn instance(id: u64) -> u64 {
    (id >> 32) & 0xf_ffff
}
pub fn account_type(id: u64) -> u64 {
    (id >> 52) & 0xf
}
pub fn universe(id: u64) -> u64 {
    id >> 56
}

/// Builds an individual, public-universe, desktop-instance ID for `account`.
pub fn individual(account: u32) -> u64 {
    (UNIVERSE_PUBLIC << 56)
        | (ACCOUNT_TYPE_INDIVIDUAL << 52)
        | (INSTANCE_DESKTOP << 32)
        | account as u64
}

/// True for an ID a Messages session can be keyed by: a valid individual user
/// (`CSteamID::IsValid` rules) or a game server.
pub fn is_valid_peer(id: u64) -> bool {
    let universe = universe(id);
    if universe == 0 || universe >= 5 {
        return false;
    }
    match account_type(id) {
        ACCOUNT_TYPE_INDIVIDUAL => account_id(id) != 0 && instance(id) <= INSTANCE_MAX_INDIVIDUAL,
        ACCOUNT_TYPE_GAME_SERVER => account_id(id) != 0,
        ACCOUNT_TYPE_ANON_GAME_SERVER => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typical_user_id_is_valid() {
        assert!(is_valid_peer(76561197960287930));
        assert_eq!(individual(22202), 76561197960287930);
    }

    #[test]
    fn zero_account_and_bad_universe_are_invalid() {
        assert!(!is_valid_peer(0));
        assert!(!is_valid_peer(individual(0)));
        assert!(!is_valid_peer(76561197960287930 & !(0xff << 56)));
        assert!(!is_valid_peer(76561197960287930 | (7 << 56)));
    }

    #[test]
    fn clan_ids_are_not_peers() {
        let clan = (1u64 << 56) | (7 << 52) | 12345;
        assert!(!is_valid_peer(clan));
    }

    #[test]
    fn game_servers_are_peers() {
        let gs = (1u64 << 56) | (ACCOUNT_TYPE_GAME_SERVER << 52) | 99;
        assert!(is_valid_peer(gs));
    }
}
