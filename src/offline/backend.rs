//! `OfflineBackend`: the `Backend` trait over the protocol core and its socket driver.

use super::directory::Directory;
use super::driver::{self, Shared};
use super::options::OfflineOptions;
use super::proto::crypto::PacketKey;
use super::proto::secret::Secret;
use super::proto::Endpoint;
use crate::config::{ConfigTable, ConfigValue};
use crate::constants::send;
use crate::identity::Identity;
use crate::messages::{Backend, DebugLine, Event, Message, SessionInfo};
use crate::steamid;
use std::collections::hash_map::RandomState;
use std::collections::VecDeque;
use std::hash::{BuildHasher, Hasher};
use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Instant;

/// Diagnostics kept between `RunCallbacks` calls; older lines are dropped past this.
const MAX_DEBUG_LINES: usize = 4096;

pub struct OfflineBackend {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
    steam_id: u64,
    registered_at: Option<SocketAddr>,
    debug: VecDeque<DebugLine>,
}

/// 64 random bits: std's random hash keys (seeded from the OS once per thread, and different
/// for every `RandomState`) hashing the clock and pid, so no extra dependency is needed.
fn random_seed() -> u64 {
    let mut h = RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.write_u32(std::process::id());
    h.finish()
}

fn random_steam_id(seed: u64, game_server: bool) -> u64 {
    let account = ((seed >> 16) as u32).max(1);
    if game_server {
        (steamid::UNIVERSE_PUBLIC << 56)
            | (steamid::ACCOUNT_TYPE_GAME_SERVER << 52)
            | account as u64
    } else {
        steamid::individual(account)
    }
}

impl OfflineBackend {
    pub fn open(opts: OfflineOptions) -> Result<OfflineBackend, String> {
        let seed = random_seed();
        let steam_id = opts
            .steam_id
            .unwrap_or_else(|| random_steam_id(seed, opts.game_server));
        let socket = UdpSocket::bind(SocketAddr::new(opts.bind, opts.port)).map_err(|e| {
            format!(
                "offline backend cannot bind UDP {}:{}: {e}",
                opts.bind, opts.port
            )
        })?;
        let local = socket
            .local_addr()
            .map_err(|e| format!("offline backend: {e}"))?;
        let mut config = ConfigTable::default();
        for (key, value) in &opts.config {
            config.set(*key, value);
        }
        let epoch = Instant::now();
        // The secret behind cookies and connection ids: 128 bits, none of them from `seed`,
        // which the SteamID above may show.
        let secret = Secret::new(random_seed(), random_seed());
        let mut endpoint = Endpoint::with_secret(steam_id, config, epoch, secret);
        if let Some(key) = &opts.key {
            let mut prefix = [0u8; 16];
            prefix[..8].copy_from_slice(&random_seed().to_le_bytes());
            prefix[8..].copy_from_slice(&random_seed().to_le_bytes());
            endpoint.set_packet_key(Some(PacketKey::new(key, prefix)));
        }
        let directory = if opts.use_directory {
            Directory::open().ok()
        } else {
            None
        };
        // Peers on this machine reach us on loopback even when we listen on every interface.
        let announce = if local.ip().is_unspecified() {
            SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), local.port())
        } else {
            local
        };
        let mut registered_at = None;
        if let Some(dir) = &directory {
            dir.register(steam_id, announce)?;
            registered_at = Some(announce);
        }
        let shared = Arc::new(
            Shared::new(
                endpoint,
                socket,
                directory,
                opts.peers.clone(),
                epoch,
                seed ^ 0x9e37_79b9_7f4a_7c15,
            )
            .map_err(|e| format!("offline backend: {e}"))?,
        );
        let thread = driver::spawn(shared.clone())
            .map_err(|e| format!("offline backend cannot start its thread: {e}"))?;
        Ok(OfflineBackend {
            shared,
            thread: Some(thread),
            steam_id,
            registered_at,
            debug: VecDeque::new(),
        })
    }

    /// Where this backend listens (tests and `ip:` identities use it).
    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.shared.local_addr()
    }

    /// Where `peer` is: an `ip:` identity is its own address; a SteamID is looked up.
    fn address_of(&self, peer: &Identity) -> Option<SocketAddr> {
        match peer {
            Identity::Ip(addr) => Some(*addr),
            Identity::SteamId(id) => self.shared.directory().and_then(|d| d.lookup(*id)),
            _ => None,
        }
    }

    /// Runs `f` on the core at the current time, then sends what it queued.
    fn act<R>(&mut self, f: impl FnOnce(&mut Endpoint, Instant) -> R) -> R {
        // The clock is read under the lock, so the core sees time in the order the threads
        // reach it: a `now` taken before waiting for the lock could be older than one the
        // service thread already gave the core, and the pacer counted that stretch twice.
        let mut core = self.shared.lock();
        let now = Instant::now();
        let r = f(&mut core.endpoint, now);
        self.shared.flush(&mut core, now);
        r
    }

    fn collect_debug(&mut self) {
        let lines = self.shared.lock().endpoint.drain_debug();
        self.debug.extend(lines);
        while self.debug.len() > MAX_DEBUG_LINES {
            self.debug.pop_front();
        }
    }

    fn stop(&mut self) {
        if let Some(thread) = self.thread.take() {
            self.act(|e, now| e.shutdown(now));
            self.shared.request_stop();
            let _ = thread.join();
            if let (Some(dir), Some(addr)) = (self.shared.directory(), self.registered_at.take()) {
                dir.unregister(self.steam_id, addr);
            }
        }
    }
}

impl Backend for OfflineBackend {
    fn name(&self) -> &'static str {
        "offline"
    }

    fn local_steam_id(&self) -> u64 {
        self.steam_id
    }

    fn send_message_to_user(
        &mut self,
        peer: &Identity,
        data: &[u8],
        flags: i32,
        channel: i32,
    ) -> i32 {
        // The directory is a file read per lookup: only a session without an address needs it,
        // and the lookup happens outside the lock.
        let mut core = self.shared.lock();
        let now = Instant::now();
        let r = match core
            .endpoint
            .send_on_open_session(now, peer, data, flags, channel)
        {
            Some(r) => r,
            None if core.endpoint.peer_address(peer).is_none() => {
                drop(core);
                let address = self.address_of(peer);
                return self.act(|e, now| {
                    e.send_message_to_user(now, peer, address, data, flags, channel)
                });
            }
            None => core
                .endpoint
                .send_message_to_user(now, peer, None, data, flags, channel),
        };
        // A message Nagle holds with others changes nothing due: no flush (a transmit poll and
        // a timer scan per call) until one fills a packet or starts a new Nagle wait. What a
        // Nagle'd send makes due the service thread sends, so a game's stream of small sends
        // costs its thread no system call per packet; NoNagle and NoDelay go out from here, at
        // once, as a game sending them wants.
        if !core.endpoint.last_send_was_quiet() {
            if flags & (send::NO_NAGLE | send::NO_DELAY) == 0 {
                self.shared.request_service();
            } else {
                self.shared.flush(&mut core, now);
            }
        }
        r
    }

    fn receive_messages_on_channel(&mut self, channel: i32, max: usize) -> Vec<Message> {
        let mut core = self.shared.lock();
        let now = Instant::now();
        let mut out = core.endpoint.receive_messages_on_channel(channel, max);
        // Nothing queued: what already arrived on the socket is taken here, so a game that
        // polls sees it without the service thread's wake-up latency.
        if out.is_empty() && self.shared.poll_socket(&mut core, now) {
            out = core.endpoint.receive_messages_on_channel(channel, max);
        }
        self.shared.flush(&mut core, now);
        out
    }

    fn accept_session_with_user(&mut self, peer: &Identity) -> bool {
        self.act(|e, now| e.accept_session_with_user(now, peer))
    }

    fn close_session_with_user(&mut self, peer: &Identity) -> bool {
        self.act(|e, now| e.close_session_with_user(now, peer))
    }

    fn close_channel_with_user(&mut self, peer: &Identity, channel: i32) -> bool {
        self.act(|e, now| e.close_channel_with_user(now, peer, channel))
    }

    fn get_session_connection_info(&mut self, peer: &Identity) -> SessionInfo {
        let core = self.shared.lock();
        core.endpoint.session_info(Instant::now(), peer)
    }

    fn run_callbacks(&mut self) -> Vec<Event> {
        self.collect_debug();
        let mut core = self.shared.lock();
        std::iter::from_fn(|| core.endpoint.poll_event()).collect()
    }

    fn drain_debug_output(&mut self, level: i32) -> Vec<DebugLine> {
        self.collect_debug();
        self.debug.drain(..).filter(|l| l.level <= level).collect()
    }

    fn set_config_value(&mut self, key: i32, value: &ConfigValue) -> bool {
        let mut core = self.shared.lock();
        let now = Instant::now();
        let mut config = core.endpoint.config().clone();
        let ok = config.set(key, value);
        if ok {
            core.endpoint.set_config(config);
            core.config_changed();
        }
        self.shared.flush(&mut core, now);
        ok
    }

    fn get_config_value(&self, key: i32) -> Option<ConfigValue> {
        self.shared.lock().endpoint.config().value(key)
    }

    fn local_timestamp(&self) -> i64 {
        Instant::now()
            .saturating_duration_since(self.shared.epoch)
            .as_micros() as i64
    }

    fn stats(&mut self) -> Vec<(&'static str, i64)> {
        let stats = self.shared.lock().endpoint.stats();
        stats
            .named()
            .into_iter()
            .map(|(k, v)| (k, v.min(i64::MAX as u64) as i64))
            .collect()
    }

    fn shutdown(&mut self) {
        self.stop();
    }
}

impl Drop for OfflineBackend {
    fn drop(&mut self) {
        self.stop();
    }
}
