//! The socket driver: one service thread per offline backend reads the UDP socket and runs the
//! clock, feeds the protocol core, and sends what it emits. It keeps sessions alive (acks,
//! resends, keepalives) however rarely the game calls `RunCallbacks`. Lua-side calls take the
//! lock briefly, flush what they queued themselves, and never wait on the network; a receive
//! with nothing queued takes what already waits on the socket, and a game that polls in a loop
//! reads the socket alone while the service thread keeps the timers (`BUSY_POLL_US`).

use super::batch;
use super::directory::Directory;
use super::lan::{LanLocator, LanPacket};
use super::netsim::{Direction, Netsim};
use super::proto::Endpoint;
use crate::identity::Identity;
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::thread::{JoinHandle, Thread};
use std::time::{Duration, Instant};

/// The largest datagram we read: any UDP payload whole, so the core sees its real length and
/// counts and reports one over `wire::MAX_DATAGRAM`.
const RECV_BUFFER: usize = 65_536;
/// The longest the service thread sleeps with nothing due, so a stop is noticed promptly.
const MAX_IDLE: Duration = Duration::from_millis(100);
/// Batches of already-queued datagrams the service thread takes per wake-up at most, before it
/// runs timers and sends (so acks go out while a flood is still arriving).
const RECV_BATCHES: usize = 4;
/// How soon datagrams the socket's full send buffer refused are tried again.
const SEND_RETRY: Duration = Duration::from_millis(1);
/// How often unresolved peers are looked up in the directory again.
const RESOLVE_EVERY: Duration = Duration::from_millis(200);
/// A game that polls the socket (`ReceiveMessagesOnChannel` with nothing queued), finds nothing
/// and polls again within `BUSY_POLL_US` is waiting in a loop, and for `GAME_POLLS_FOR` after that
/// it is the one that reads the socket: the service thread then only keeps the timers. Two
/// threads blocked on one socket would both be woken by a datagram, and on a machine with few
/// cores the wake-up of the second takes a core from the game (the round trip's tail). A poll
/// that finds more than one datagram waiting (a flood) hands the socket back: then the service
/// thread's work on another core is worth its wake-ups (a flood of unreliable 64-byte messages
/// arrived at ~0.8 M/s with the game's thread alone, ~1 M/s with both). A game that polls once a frame never
/// counts as busy, so its datagrams are never left waiting for it; one that stops polling gets
/// the service thread back on the socket within `GAME_POLLS_FOR`.
const BUSY_POLL_US: u64 = 1_000;
const GAME_POLLS_FOR: Duration = Duration::from_millis(10);

pub struct Core {
    pub endpoint: Endpoint,
    pub netsim: Netsim,
    last_resolve: Instant,
    lan: LanLocator,
    /// Datagrams of one flush, sent together (one `sendmmsg` on Linux); kept to reuse its memory.
    /// What a full socket buffer refused stays here for the next flush.
    outgoing: Vec<(SocketAddr, Vec<u8>)>,
    /// Whether any fake-network value is set: read on every datagram, so kept here and
    /// refreshed by `config_changed` rather than worked out from the table each time.
    simulate: bool,
    /// Buffers for `poll_socket` (allocated on first use).
    poll_bufs: Vec<Vec<u8>>,
    poll_ready: Vec<(usize, usize, SocketAddr)>,
}

impl Core {
    /// Call after changing the endpoint's configuration.
    pub fn config_changed(&mut self) {
        self.simulate = !Netsim::is_idle(self.endpoint.config());
    }

    /// Moves every datagram the endpoint and the netsim have due into `outgoing`.
    fn collect(&mut self, now: Instant) {
        while let Some(t) = self.endpoint.poll_transmit(now) {
            if self.simulate {
                let config = self.endpoint.config();
                self.netsim
                    .push(now, config, Direction::Send, t.destination, t.payload);
            } else {
                self.outgoing.push((t.destination, t.payload));
            }
        }
        let netsim = &mut self.netsim;
        self.outgoing
            .extend(std::iter::from_fn(|| netsim.poll(now, Direction::Send)));
    }

    /// When the service thread next has work: a timer, the netsim, or datagrams waiting for
    /// room in the socket's send buffer.
    fn next_wakeup(&self, now: Instant) -> Option<Instant> {
        let retry = (!self.outgoing.is_empty()).then_some(now + SEND_RETRY);
        [self.endpoint.poll_timeout(), self.netsim.next_due(), retry]
            .into_iter()
            .flatten()
            .min()
    }
}

pub struct Shared {
    core: Mutex<Core>,
    socket: UdpSocket,
    /// Where a zero-length datagram wakes the service thread.
    wake_addr: SocketAddr,
    /// The instant (µs after `epoch`) the service thread sleeps until; 0 while it works.
    sleeping_until: AtomicU64,
    /// A wake-up datagram is on its way: one per sleep is enough.
    wake_sent: AtomicBool,
    /// A game-side call left work for the service thread (`request_service`).
    work_pending: AtomicBool,
    /// The service thread sleeps parked, not on the socket (`GAME_POLLS_FOR`); set with
    /// `sleeping_until`, under the lock, so a waker knows how to wake it.
    parked: AtomicBool,
    /// When the game's thread last read the socket (µs after `epoch`; 0: never).
    game_polled: AtomicU64,
    /// Until when the game's thread reads the socket (µs after `epoch`; see `BUSY_POLL_US`).
    game_drives_until: AtomicU64,
    /// The service thread, to unpark it.
    thread: OnceLock<Thread>,
    stop: AtomicBool,
    directory: Option<Directory>,
    pub epoch: Instant,
}

impl Shared {
    pub fn new(
        endpoint: Endpoint,
        socket: UdpSocket,
        directory: Option<Directory>,
        lan_peers: Vec<SocketAddr>,
        epoch: Instant,
        seed: u64,
    ) -> std::io::Result<Shared> {
        let local = socket.local_addr()?;
        batch::tune_buffers(&socket);
        let wake_addr = if local.ip().is_unspecified() {
            SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), local.port())
        } else {
            local
        };
        let simulate = !Netsim::is_idle(endpoint.config());
        Ok(Shared {
            core: Mutex::new(Core {
                simulate,
                poll_bufs: Vec::new(),
                poll_ready: Vec::new(),
                endpoint,
                netsim: Netsim::new(seed),
                last_resolve: epoch,
                lan: LanLocator::new(lan_peers),
                outgoing: Vec::new(),
            }),
            socket,
            wake_addr,
            sleeping_until: AtomicU64::new(u64::MAX),
            wake_sent: AtomicBool::new(false),
            work_pending: AtomicBool::new(false),
            parked: AtomicBool::new(false),
            game_polled: AtomicU64::new(0),
            game_drives_until: AtomicU64::new(0),
            thread: OnceLock::new(),
            stop: AtomicBool::new(false),
            directory,
            epoch,
        })
    }

    /// The core, even if a thread panicked while holding it: its state is still the best we have.
    pub fn lock(&self) -> MutexGuard<'_, Core> {
        self.core
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn directory(&self) -> Option<&Directory> {
        self.directory.as_ref()
    }

    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.socket.local_addr().ok()
    }

    fn micros(&self, t: Instant) -> u64 {
        t.saturating_duration_since(self.epoch)
            .as_micros()
            .min(u64::MAX as u128 - 1) as u64
    }

    /// Sends everything the core and the netsim have due, as far as the socket takes it without
    /// waiting, then wakes the service thread if the core's next timer is earlier than the
    /// thread's sleep.
    pub fn flush(&self, core: &mut Core, now: Instant) {
        // Datagrams the socket would not take last time go first; while any wait, the core and
        // the netsim keep theirs (bounded queues there; pacing then follows the socket's pace).
        if !core.outgoing.is_empty() {
            batch::send_all(&self.socket, &mut core.outgoing);
        }
        if core.outgoing.is_empty() {
            core.collect(now);
            if !core.outgoing.is_empty() {
                batch::send_all(&self.socket, &mut core.outgoing);
            }
        }
        let next = core.next_wakeup(now);
        if let Some(next) = next {
            if self.micros(next) < self.sleeping_until.load(Ordering::Acquire) {
                self.wake();
            }
        }
    }

    /// Wakes the service thread from its sleep: a datagram to itself when it sleeps on the
    /// socket, an unpark when it sleeps parked (a wake before the park is kept by the park token).
    fn wake(&self) {
        if self.parked.load(Ordering::Acquire) {
            if let Some(thread) = self.thread.get() {
                thread.unpark();
            }
        } else {
            let _ = self.socket.send_to(&[], self.wake_addr);
        }
    }

    /// Leaves the sending of what a game-side call made due to the service thread. Call with
    /// the core locked: the thread checks `work_pending` under the lock before it sleeps, and
    /// stores `sleeping_until` in the same hold, so either it sees the work or this sees it
    /// asleep and wakes it (one datagram per sleep).
    pub fn request_service(&self) {
        self.work_pending.store(true, Ordering::Release);
        if self.sleeping_until.load(Ordering::Acquire) != 0
            && !self.wake_sent.swap(true, Ordering::AcqRel)
        {
            self.wake();
        }
    }

    /// The service thread's send: what is due leaves the core under the lock, and goes to the
    /// socket after the lock is released, so a game-side call never waits on a system call of
    /// this thread's. What the socket refuses goes back in front of the queue.
    fn send_unlocked(&self, mut core: MutexGuard<'_, Core>, now: Instant) {
        if core.outgoing.is_empty() {
            core.collect(now);
        }
        if core.outgoing.is_empty() {
            return;
        }
        let mut out = std::mem::take(&mut core.outgoing);
        drop(core);
        batch::send_all(&self.socket, &mut out);
        if !out.is_empty() {
            let mut core = self.lock();
            out.append(&mut core.outgoing);
            core.outgoing = out;
        }
    }

    /// Feeds one received datagram to the core (through the netsim when it is active).
    fn receive(&self, core: &mut Core, now: Instant, from: SocketAddr, payload: &[u8]) {
        if payload.is_empty() {
            return; // a wake-up
        }
        if let Some(packet) = LanPacket::decode(payload) {
            self.on_lan_packet(core, now, from, packet);
            return;
        }
        if !core.simulate {
            core.endpoint.handle_datagram(now, from, payload);
        } else {
            core.netsim.push(
                now,
                core.endpoint.config(),
                Direction::Recv,
                from,
                payload.to_vec(),
            );
        }
    }

    /// Takes the datagrams already waiting on the socket (Linux; elsewhere nothing), for a
    /// caller that holds the core: a game polling `ReceiveMessagesOnChannel` gets what has
    /// arrived without waiting for the service thread to wake. True when it took any.
    pub fn poll_socket(&self, core: &mut Core, now: Instant) -> bool {
        const POLL_BUFFERS: usize = 8;
        let mut bufs = std::mem::take(&mut core.poll_bufs);
        let mut ready = std::mem::take(&mut core.poll_ready);
        if bufs.is_empty() {
            bufs = vec![vec![0u8; batch::DATAGRAM_MAX]; POLL_BUFFERS];
        }
        batch::recv_ready(&self.socket, &mut bufs, &mut ready);
        let us = self.micros(now).max(1);
        let before = self.game_polled.swap(us, Ordering::AcqRel);
        if ready.len() >= 2 {
            // A flood: the service thread shares the work again, on the other core.
            if self.game_drives_until.swap(0, Ordering::AcqRel) > us {
                self.wake();
            }
        } else if batch::RECV_READY_READS
            && ready.is_empty()
            && before != 0
            && us.saturating_sub(before) < BUSY_POLL_US
        {
            let until = us.saturating_add(GAME_POLLS_FOR.as_micros() as u64);
            self.game_drives_until.store(until, Ordering::Release);
        }
        for &(i, n, from) in &ready {
            self.receive(core, now, from, &bufs[i][..n]);
        }
        let took = !ready.is_empty();
        core.poll_bufs = bufs;
        core.poll_ready = ready;
        took
    }

    fn service(&self, core: &mut Core, now: Instant) {
        while let Some((from, payload)) = core.netsim.poll(now, Direction::Recv) {
            core.endpoint.handle_datagram(now, from, &payload);
        }
        core.endpoint.handle_timeout(now);
        if now.saturating_duration_since(core.last_resolve) >= RESOLVE_EVERY {
            core.last_resolve = now;
            self.resolve(core, now);
        }
    }

    /// Gives the core addresses for the peers it is waiting on: from the directory, else by
    /// asking the LAN peers the game listed.
    fn resolve(&self, core: &mut Core, now: Instant) {
        let mut unplaced = Vec::new();
        for peer in core.endpoint.unresolved_peers() {
            if let Identity::SteamId(id) = peer {
                match self.directory.as_ref().and_then(|d| d.lookup(id)) {
                    Some(addr) => core.endpoint.set_peer_address(now, &peer, addr),
                    None => unplaced.push(id),
                }
            }
        }
        for (dest, query) in core.lan.queries(now, &unplaced) {
            let _ = self.socket.send_to(&query, dest);
        }
    }

    /// A LAN query for our SteamID gets our answer; an answer we asked for places that peer.
    fn on_lan_packet(&self, core: &mut Core, now: Instant, from: SocketAddr, packet: LanPacket) {
        match packet {
            LanPacket::Query(id) if id == core.endpoint.local_steam_id() => {
                let _ = self.socket.send_to(&LanPacket::Answer(id).encode(), from);
            }
            LanPacket::Answer(id) if core.lan.asked_for(id) => {
                core.endpoint
                    .set_peer_address(now, &Identity::SteamId(id), from);
            }
            _ => {}
        }
    }

    /// The service loop; returns when `stop` is set.
    fn run(&self) {
        let mut buf = vec![0u8; RECV_BUFFER];
        let mut bufs = vec![vec![0u8; batch::DATAGRAM_MAX]; batch::BATCH];
        let mut ready = Vec::with_capacity(batch::BATCH);
        let _ = self.thread.set(std::thread::current());
        while !self.stop.load(Ordering::Acquire) {
            let now = Instant::now();
            let sleep = {
                let core = self.lock();
                if self.work_pending.swap(false, Ordering::AcqRel) {
                    None
                } else {
                    let next = core.next_wakeup(now);
                    let mut until = next
                        .map(|n| n.min(now + MAX_IDLE))
                        .unwrap_or(now + MAX_IDLE);
                    let parked = self.game_drives(now);
                    if parked {
                        let game = self.game_drives_until.load(Ordering::Acquire);
                        until = until.min(self.epoch + Duration::from_micros(game));
                    }
                    self.parked.store(parked, Ordering::Release);
                    self.sleeping_until
                        .store(self.micros(until), Ordering::Release);
                    Some((until.saturating_duration_since(now), parked))
                }
            };
            // Work left by a game-side call: no sleep, and no blocking receive.
            let received = match sleep {
                None => None,
                Some((sleep, true)) => {
                    std::thread::park_timeout(sleep);
                    None
                }
                Some((sleep, false)) => {
                    // A zero timeout means "block forever" to the OS, so never ask for less.
                    let _ = self
                        .socket
                        .set_read_timeout(Some(sleep.max(Duration::from_micros(50))));
                    Some(self.socket.recv_from(&mut buf))
                }
            };
            self.sleeping_until.store(0, Ordering::Release);
            self.parked.store(false, Ordering::Release);
            self.wake_sent.store(false, Ordering::Release);
            let mut core = self.lock();
            let now = Instant::now(); // under the lock: see `OfflineBackend::act`

            // A timeout or an error (Windows reports port-unreachable as a reset) takes nothing;
            // a datagram, or work to do, goes on to what else is queued, unless the game's
            // thread is the one reading the socket now.
            let busy = match received {
                Some(Ok((n, from))) => {
                    self.receive(&mut core, now, from, &buf[..n]);
                    true
                }
                Some(Err(_)) => false,
                None => !self.game_drives(now),
            };
            if busy {
                // A flood: take what is already queued too, before timers and sends.
                for _ in 0..RECV_BATCHES {
                    batch::recv_ready(&self.socket, &mut bufs, &mut ready);
                    for &(i, n, from) in &ready {
                        self.receive(&mut core, now, from, &bufs[i][..n]);
                    }
                    if ready.len() < batch::BATCH {
                        break;
                    }
                }
            }
            self.service(&mut core, now);
            self.send_unlocked(core, now);
        }
        self.sleeping_until.store(u64::MAX, Ordering::Release);
    }

    /// Whether the game's thread reads the socket now (`BUSY_POLL_US`).
    fn game_drives(&self, now: Instant) -> bool {
        self.micros(now) < self.game_drives_until.load(Ordering::Acquire)
    }

    /// Stops the loop; the caller joins the thread.
    pub fn request_stop(&self) {
        self.stop.store(true, Ordering::Release);
        if let Some(thread) = self.thread.get() {
            thread.unpark();
        }
        let _ = self.socket.send_to(&[], self.wake_addr);
    }
}

/// Starts the service thread.
pub fn spawn(shared: Arc<Shared>) -> std::io::Result<JoinHandle<()>> {
    std::thread::Builder::new()
        .name("steam-messages-offline".into())
        .spawn(move || shared.run())
}
