//! Finding a SteamID among the LAN peers a game lists (`opts.peers`): the directory only knows
//! this machine, so for a SteamID it cannot place, the driver asks each listed peer "is this
//! you?" and the one that is answers from its own address. The exchange is two fixed-size
//! datagrams, no larger in reply than in query, so it cannot be used to amplify traffic; the
//! session handshake that follows checks the SteamID again (and the key, when one is set).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

const QUERY: &[u8; 4] = b"SMLQ";
const ANSWER: &[u8; 4] = b"SMLA";
const VERSION: u8 = 1;
const LEN: usize = 4 + 1 + 8;
/// How often one SteamID is asked for again while it stays unplaced.
const ASK_EVERY: Duration = Duration::from_millis(500);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LanPacket {
    /// "Whoever has this SteamID, answer."
    Query(u64),
    /// "I have this SteamID" (sent only by its owner, only in reply to a query).
    Answer(u64),
}

fn encode(magic: &[u8; 4], steam_id: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(LEN);
    out.extend_from_slice(magic);
    out.push(VERSION);
    out.extend_from_slice(&steam_id.to_le_bytes());
    out
}

impl LanPacket {
    pub fn encode(self) -> Vec<u8> {
        match self {
            LanPacket::Query(id) => encode(QUERY, id),
            LanPacket::Answer(id) => encode(ANSWER, id),
        }
    }

    /// `None` for anything that is not exactly one of ours (session datagrams included).
    pub fn decode(bytes: &[u8]) -> Option<LanPacket> {
        if bytes.len() != LEN || bytes[4] != VERSION {
            return None;
        }
        let id = u64::from_le_bytes(bytes[5..13].try_into().ok()?);
        match &bytes[..4] {
            m if m == QUERY => Some(LanPacket::Query(id)),
            m if m == ANSWER => Some(LanPacket::Answer(id)),
            _ => None,
        }
    }
}

/// The queries still owed to the listed peers, paced per SteamID.
#[derive(Default)]
pub struct LanLocator {
    peers: Vec<SocketAddr>,
    asked: HashMap<u64, Instant>,
}

impl LanLocator {
    pub fn new(peers: Vec<SocketAddr>) -> LanLocator {
        LanLocator {
            peers,
            asked: HashMap::new(),
        }
    }

    /// The datagrams to send now for the SteamIDs nobody has placed yet.
    pub fn queries(&mut self, now: Instant, unplaced: &[u64]) -> Vec<(SocketAddr, Vec<u8>)> {
        self.asked.retain(|id, _| unplaced.contains(id));
        if self.peers.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for &id in unplaced {
            let due = self
                .asked
                .get(&id)
                .is_none_or(|t| now.saturating_duration_since(*t) >= ASK_EVERY);
            if due {
                self.asked.insert(id, now);
                out.extend(
                    self.peers
                        .iter()
                        .map(|p| (*p, LanPacket::Query(id).encode())),
                );
            }
        }
        out
    }

    /// Whether we asked for `id` (an answer nobody asked for is ignored).
    pub fn asked_for(&self, id: u64) -> bool {
        self.asked.contains_key(&id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packets_round_trip_and_nothing_else_decodes() {
        for p in [LanPacket::Query(76561197960287930), LanPacket::Answer(1)] {
            assert_eq!(LanPacket::decode(&p.encode()), Some(p));
        }
        assert_eq!(LanPacket::decode(b"SMLQ"), None);
        let mut wrong_version = LanPacket::Query(5).encode();
        wrong_version[4] = 9;
        assert_eq!(LanPacket::decode(&wrong_version), None);
        let mut session = LanPacket::Query(5).encode();
        session[..4].copy_from_slice(b"SMSG");
        assert_eq!(LanPacket::decode(&session), None);
    }

    #[test]
    fn queries_go_to_every_listed_peer_and_are_paced() {
        let a: SocketAddr = "127.0.0.1:1".parse().unwrap();
        let b: SocketAddr = "127.0.0.1:2".parse().unwrap();
        let mut l = LanLocator::new(vec![a, b]);
        let t0 = Instant::now();
        let first = l.queries(t0, &[7]);
        assert_eq!(first.iter().map(|q| q.0).collect::<Vec<_>>(), vec![a, b]);
        assert!(l.queries(t0 + Duration::from_millis(100), &[7]).is_empty());
        assert_eq!(l.queries(t0 + ASK_EVERY, &[7]).len(), 2);
        assert!(l.asked_for(7));
        l.queries(t0 + ASK_EVERY, &[]);
        assert!(!l.asked_for(7));
    }

    #[test]
    fn no_listed_peers_means_no_queries() {
        let mut l = LanLocator::new(Vec::new());
        assert!(l.queries(Instant::now(), &[7]).is_empty());
    }
}
