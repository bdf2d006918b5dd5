//! Datagrams in batches: one `sendmmsg` / `recvmmsg` system call for many datagrams on Linux,
//! a loop of `send_to` / nothing elsewhere (the Windows and macOS builds keep the plain calls).
//! Also larger socket buffers, so a burst the pacer allows does not overflow the peer's queue.

use std::net::{SocketAddr, UdpSocket};

/// Datagrams handled per system call at most.
pub const BATCH: usize = 64;
/// Buffer per datagram in a received batch: longer than any datagram the core takes
/// (`wire::MAX_DATAGRAM`), so a datagram that does not fit is handed on truncated, still too
/// long, and the core counts and reports its drop as it does on the single-datagram path.
pub const DATAGRAM_MAX: usize = 8192;
const _: () = assert!(DATAGRAM_MAX > super::proto::wire::MAX_DATAGRAM);
/// Socket buffer we ask for: a few milliseconds of traffic at Steam's highest send rate. The OS
/// caps it (Linux: `net.core.rmem_max` / `wmem_max`); asking is best effort.
#[cfg(unix)]
const SOCKET_BUFFER: i32 = 4 << 20;

/// Raises the socket's send and receive buffers (best effort).
pub fn tune_buffers(socket: &UdpSocket) {
    #[cfg(unix)]
    {
        use std::os::unix::io::AsRawFd;
        let fd = socket.as_raw_fd();
        for opt in [libc::SO_RCVBUF, libc::SO_SNDBUF] {
            // SAFETY: a valid fd, a pointer to a live i32 and its exact size.
            unsafe {
                libc::setsockopt(
                    fd,
                    libc::SOL_SOCKET,
                    opt,
                    (&SOCKET_BUFFER as *const i32).cast(),
                    std::mem::size_of::<i32>() as libc::socklen_t,
                );
            }
        }
    }
    #[cfg(not(unix))]
    let _ = socket;
}

/// Sends `(destination, payload)`s from the front of `datagrams` without waiting, and removes
/// what went. A send that fails otherwise (an unreachable port) drops that datagram, as one
/// `send_to` would (UDP is lossy); a full socket buffer leaves the rest in `datagrams` for the
/// next try, since the caller may hold the core's lock and must not block on the network.
pub fn send_all(socket: &UdpSocket, datagrams: &mut Vec<(SocketAddr, Vec<u8>)>) {
    #[cfg(target_os = "linux")]
    send_until_blocked(datagrams, |batch| linux::send_batch(socket, batch));
    #[cfg(not(target_os = "linux"))]
    send_until_blocked(datagrams, |batch| {
        let (dest, payload) = &batch[0];
        socket.send_to(payload, dest).map(|_| 1)
    });
}

/// The retry rules of `send_all` over `send`, one system call sending a prefix of what it is
/// given and saying how many.
fn send_until_blocked<T>(
    datagrams: &mut Vec<T>,
    mut send: impl FnMut(&[T]) -> std::io::Result<usize>,
) {
    let mut done = 0;
    while done < datagrams.len() {
        match send(&datagrams[done..]) {
            Ok(n) if n > 0 => done += n,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            // The first one failed: skip it and go on with the rest.
            _ => done += 1,
        }
    }
    datagrams.drain(..done.min(datagrams.len()));
}

/// Whether `recv_ready` reads the socket on this platform. Where it does not, nothing but the
/// service thread's blocking receive reads it, so the game's thread must never be left to.
pub const RECV_READY_READS: bool = cfg!(target_os = "linux");

/// Receives what is already queued on the socket without waiting, into `bufs`; `out` gets the
/// buffer index, length and source of each. Elsewhere than Linux: nothing (the caller's blocking receive
/// takes one datagram per wake-up, as before).
pub fn recv_ready(
    socket: &UdpSocket,
    bufs: &mut [Vec<u8>],
    out: &mut Vec<(usize, usize, SocketAddr)>,
) {
    out.clear();
    #[cfg(target_os = "linux")]
    linux::recv_ready(socket, bufs, out);
    #[cfg(not(target_os = "linux"))]
    let _ = (socket, bufs);
}

#[cfg(target_os = "linux")]
mod linux {
    use super::BATCH;
    use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6, UdpSocket};
    use std::os::unix::io::AsRawFd;

    fn to_sockaddr(addr: &SocketAddr) -> (libc::sockaddr_storage, libc::socklen_t) {
        // SAFETY: sockaddr_storage is plain data; all-zero is a valid value.
        let mut storage: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
        let len = match addr {
            SocketAddr::V4(a) => {
                let sin = libc::sockaddr_in {
                    sin_family: libc::AF_INET as libc::sa_family_t,
                    sin_port: a.port().to_be(),
                    sin_addr: libc::in_addr {
                        s_addr: u32::from_ne_bytes(a.ip().octets()),
                    },
                    sin_zero: [0; 8],
                };
                // SAFETY: sockaddr_in fits in sockaddr_storage, which is aligned for it.
                unsafe {
                    std::ptr::write((&mut storage as *mut libc::sockaddr_storage).cast(), sin)
                };
                std::mem::size_of::<libc::sockaddr_in>()
            }
            SocketAddr::V6(a) => {
                let sin6 = libc::sockaddr_in6 {
                    sin6_family: libc::AF_INET6 as libc::sa_family_t,
                    sin6_port: a.port().to_be(),
                    sin6_flowinfo: a.flowinfo(),
                    sin6_addr: libc::in6_addr {
                        s6_addr: a.ip().octets(),
                    },
                    sin6_scope_id: a.scope_id(),
                };
                // SAFETY: as above, for sockaddr_in6.
                unsafe {
                    std::ptr::write((&mut storage as *mut libc::sockaddr_storage).cast(), sin6)
                };
                std::mem::size_of::<libc::sockaddr_in6>()
            }
        };
        (storage, len as libc::socklen_t)
    }

    fn from_sockaddr(storage: &libc::sockaddr_storage) -> Option<SocketAddr> {
        match storage.ss_family as i32 {
            libc::AF_INET => {
                // SAFETY: the family says the storage holds a sockaddr_in.
                let sin: &libc::sockaddr_in =
                    unsafe { &*(storage as *const libc::sockaddr_storage).cast() };
                let ip = Ipv4Addr::from(sin.sin_addr.s_addr.to_ne_bytes());
                Some(SocketAddr::V4(SocketAddrV4::new(
                    ip,
                    u16::from_be(sin.sin_port),
                )))
            }
            libc::AF_INET6 => {
                // SAFETY: the family says the storage holds a sockaddr_in6.
                let sin6: &libc::sockaddr_in6 =
                    unsafe { &*(storage as *const libc::sockaddr_storage).cast() };
                Some(SocketAddr::V6(SocketAddrV6::new(
                    Ipv6Addr::from(sin6.sin6_addr.s6_addr),
                    u16::from_be(sin6.sin6_port),
                    sin6.sin6_flowinfo,
                    sin6.sin6_scope_id,
                )))
            }
            _ => None,
        }
    }

    /// One `sendmmsg` of up to `BATCH` datagrams from the front of `datagrams`, without waiting.
    pub fn send_batch(
        socket: &UdpSocket,
        datagrams: &[(SocketAddr, Vec<u8>)],
    ) -> std::io::Result<usize> {
        let chunk = &datagrams[..datagrams.len().min(BATCH)];
        let mut addrs: Vec<(libc::sockaddr_storage, libc::socklen_t)> =
            chunk.iter().map(|(a, _)| to_sockaddr(a)).collect();
        let mut iovs: Vec<libc::iovec> = chunk
            .iter()
            .map(|(_, p)| libc::iovec {
                iov_base: p.as_ptr() as *mut libc::c_void,
                iov_len: p.len(),
            })
            .collect();
        // SAFETY: mmsghdr is plain data; every pointer set below outlives the call.
        let mut msgs: Vec<libc::mmsghdr> = (0..chunk.len())
            .map(|_| unsafe { std::mem::zeroed() })
            .collect();
        for (i, m) in msgs.iter_mut().enumerate() {
            m.msg_hdr.msg_name = (&mut addrs[i].0 as *mut libc::sockaddr_storage).cast();
            m.msg_hdr.msg_namelen = addrs[i].1;
            m.msg_hdr.msg_iov = &mut iovs[i];
            m.msg_hdr.msg_iovlen = 1;
        }
        // SAFETY: msgs are initialised mmsghdrs pointing at live buffers; MSG_DONTWAIT: a full
        // socket buffer is EAGAIN, not a wait with the core's lock held.
        let n = unsafe {
            libc::sendmmsg(
                socket.as_raw_fd(),
                msgs.as_mut_ptr(),
                msgs.len() as libc::c_uint,
                libc::MSG_DONTWAIT,
            )
        };
        if n < 0 {
            Err(std::io::Error::last_os_error())
        } else {
            Ok(n as usize)
        }
    }

    pub fn recv_ready(
        socket: &UdpSocket,
        bufs: &mut [Vec<u8>],
        out: &mut Vec<(usize, usize, SocketAddr)>,
    ) {
        let fd = socket.as_raw_fd();
        let n = bufs.len().min(BATCH);
        // SAFETY: plain data, zero is valid.
        let mut addrs: Vec<libc::sockaddr_storage> =
            (0..n).map(|_| unsafe { std::mem::zeroed() }).collect();
        let mut iovs: Vec<libc::iovec> = bufs[..n]
            .iter_mut()
            .map(|b| libc::iovec {
                iov_base: b.as_mut_ptr().cast(),
                iov_len: b.len(),
            })
            .collect();
        // SAFETY: as above.
        let mut msgs: Vec<libc::mmsghdr> = (0..n).map(|_| unsafe { std::mem::zeroed() }).collect();
        for (i, m) in msgs.iter_mut().enumerate() {
            m.msg_hdr.msg_name = (&mut addrs[i] as *mut libc::sockaddr_storage).cast();
            m.msg_hdr.msg_namelen =
                std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
            m.msg_hdr.msg_iov = &mut iovs[i];
            m.msg_hdr.msg_iovlen = 1;
        }
        // SAFETY: n initialised mmsghdrs pointing at live buffers; MSG_DONTWAIT never blocks.
        let got = unsafe {
            libc::recvmmsg(
                fd,
                msgs.as_mut_ptr(),
                n as libc::c_uint,
                libc::MSG_DONTWAIT,
                std::ptr::null_mut(),
            )
        };
        for i in 0..got.max(0) as usize {
            // A truncated datagram (MSG_TRUNC) fills its buffer: `msg_len` never exceeds it.
            let len = (msgs[i].msg_len as usize).min(bufs[i].len());
            if let Some(from) = from_sockaddr(&addrs[i]) {
                out.push((i, len, from));
            }
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use std::net::{SocketAddr, UdpSocket};

    #[test]
    fn a_full_socket_buffer_keeps_the_rest_for_the_next_try_and_a_failed_send_drops_one() {
        let mut queue: Vec<u32> = (0..20).collect();
        let mut sent = Vec::new();
        let mut calls = 0;
        send_until_blocked(&mut queue, |batch| {
            calls += 1;
            match calls {
                2 => Err(std::io::ErrorKind::ConnectionRefused.into()),
                4 => Err(std::io::ErrorKind::WouldBlock.into()),
                _ => {
                    let n = batch.len().min(5);
                    sent.extend_from_slice(&batch[..n]);
                    Ok(n)
                }
            }
        });
        assert_eq!(sent, [0, 1, 2, 3, 4, 6, 7, 8, 9, 10]);
        assert_eq!(queue, (11..20).collect::<Vec<u32>>());
        send_until_blocked(&mut queue, |batch| {
            sent.extend_from_slice(batch);
            Ok(batch.len())
        });
        assert!(queue.is_empty());
        assert_eq!(sent.len(), 19);
    }

    #[test]
    fn a_batch_sent_with_sendmmsg_arrives_whole_through_recvmmsg() {
        let a = UdpSocket::bind("127.0.0.1:0").unwrap();
        let b = UdpSocket::bind("127.0.0.1:0").unwrap();
        let to = b.local_addr().unwrap();
        let sent: Vec<(SocketAddr, Vec<u8>)> =
            (0..100u8).map(|i| (to, vec![i; 10 + i as usize])).collect();
        send_all(&a, &mut sent.clone());
        let mut bufs = vec![vec![0u8; 2048]; BATCH];
        let mut out = Vec::new();
        let mut got = Vec::new();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while got.len() < 100 && std::time::Instant::now() < deadline {
            recv_ready(&b, &mut bufs, &mut out);
            for &(i, len, from) in &out {
                assert_eq!(from, a.local_addr().unwrap());
                got.push(bufs[i][..len].to_vec());
            }
        }
        let want: Vec<Vec<u8>> = sent.into_iter().map(|(_, p)| p).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn a_datagram_longer_than_the_buffer_is_handed_on_too_long_to_take() {
        let a = UdpSocket::bind("127.0.0.1:0").unwrap();
        let b = UdpSocket::bind("127.0.0.1:0").unwrap();
        let to = b.local_addr().unwrap();
        let mut sent = vec![(to, vec![7u8; DATAGRAM_MAX + 100]), (to, vec![8u8; 10])];
        send_all(&a, &mut sent);
        assert!(sent.is_empty());
        let mut bufs = vec![vec![0u8; DATAGRAM_MAX]; BATCH];
        let mut out = Vec::new();
        let mut lens = Vec::new();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while lens.len() < 2 && std::time::Instant::now() < deadline {
            recv_ready(&b, &mut bufs, &mut out);
            lens.extend(out.iter().map(|&(_, len, _)| len));
        }
        assert_eq!(lens, vec![DATAGRAM_MAX, 10]);
        assert!(lens[0] > crate::offline::proto::wire::MAX_DATAGRAM);
    }
}
