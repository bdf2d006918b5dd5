//! The datagram format. Every datagram: magic `SMSG`, version, packet type, then the
//! receiver's connection id (0 only on a first Hello/Connect). Decoding checks every length
//! against the buffer and the protocol's limits before trusting it; anything off is `None`.
//!
//! Data packets carry a packet number and frames: acks (QUIC-style ranges), message segments
//! (one fragment of one message) and pings.

use crate::constants::MAX_MESSAGE_SIZE_SEND;

pub const MAGIC: [u8; 4] = *b"SMSG";
pub const VERSION: u8 = 1;
pub const HEADER_LEN: usize = 4 + 1 + 1 + 8;
/// Hello is padded to this, so a responder's Challenge never amplifies a spoofed Hello.
pub const HELLO_LEN: usize = 96;
/// Ranges one ack frame carries at most; older gaps the sender settles by its loss detection.
pub const MAX_ACK_RANGES: usize = 16;
/// Frame type, flags, channel, sequence, total, offset, length.
pub const SEGMENT_OVERHEAD: usize = 1 + 1 + 4 + 8 + 4 + 4 + 2;
/// Data packet: header and packet number.
pub const DATA_HEADER_LEN: usize = HEADER_LEN + 8;

pub const fn ack_frame_len(ranges: usize) -> usize {
    1 + 4 + 1 + 16 * ranges
}

/// `MTU_PacketSize`'s largest value, as on Steam (its config range is 200..1300).
pub const MTU_MAX: usize = 1300;
/// The longest datagram an endpoint sends, and so takes: a packet at `MTU_MAX` (fragments are
/// cut to leave room for a one-range ack), a full ack frame in place of that one, and the
/// `opts.key` seal. Anything longer is refused unread, whichever way the driver received it.
pub const MAX_DATAGRAM: usize =
    MTU_MAX + ack_frame_len(MAX_ACK_RANGES) - ack_frame_len(1) + super::crypto::OVERHEAD;

mod ty {
    pub const HELLO: u8 = 1;
    pub const CHALLENGE: u8 = 2;
    pub const CONNECT: u8 = 3;
    pub const ACCEPT: u8 = 4;
    pub const DATA: u8 = 5;
    pub const CLOSE: u8 = 6;
}

mod frame {
    pub const ACK: u8 = 1;
    pub const SEGMENT: u8 = 2;
    pub const PING: u8 = 3;
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Packet<'a> {
    Hello {
        initiator: u64,
        from: u64,
        to: u64,
    },
    Challenge {
        cookie: u64,
    },
    Connect {
        initiator: u64,
        cookie: u64,
        from: u64,
        to: u64,
    },
    Accept {
        responder: u64,
        from: u64,
    },
    Data {
        number: u64,
        frames: &'a [u8],
    },
    /// Also the decline of a pending request. `sender` lets a receiver that never learned our
    /// connection id (a Connecting initiator closing) still find the session.
    Close {
        sender: u64,
        reason: i32,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Frame<'a> {
    /// Inclusive ranges, newest first.
    Ack {
        delay_us: u32,
        ranges: Vec<(u64, u64)>,
    },
    Segment(Segment<'a>),
    Ping,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment<'a> {
    pub reliable: bool,
    pub channel: i32,
    pub seq: u64,
    pub total: u32,
    pub offset: u32,
    pub data: &'a [u8],
}

struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    fn bytes(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.buf.len() < n {
            return None;
        }
        let (head, tail) = self.buf.split_at(n);
        self.buf = tail;
        Some(head)
    }
    fn u8(&mut self) -> Option<u8> {
        self.bytes(1).map(|b| b[0])
    }
    fn u16(&mut self) -> Option<u16> {
        self.bytes(2)?.try_into().ok().map(u16::from_le_bytes)
    }
    fn u32(&mut self) -> Option<u32> {
        self.bytes(4)?.try_into().ok().map(u32::from_le_bytes)
    }
    fn i32(&mut self) -> Option<i32> {
        self.bytes(4)?.try_into().ok().map(i32::from_le_bytes)
    }
    fn u64(&mut self) -> Option<u64> {
        self.bytes(8)?.try_into().ok().map(u64::from_le_bytes)
    }
}

/// Decodes a datagram into the receiver's connection id and its packet.
pub fn decode(buf: &[u8]) -> Option<(u64, Packet<'_>)> {
    let mut r = Reader { buf };
    if r.bytes(4)? != MAGIC || r.u8()? != VERSION {
        return None;
    }
    let kind = r.u8()?;
    let conn = r.u64()?;
    let packet = match kind {
        ty::HELLO => {
            if buf.len() < HELLO_LEN {
                return None;
            }
            Packet::Hello {
                initiator: r.u64()?,
                from: r.u64()?,
                to: r.u64()?,
            }
        }
        ty::CHALLENGE => Packet::Challenge { cookie: r.u64()? },
        ty::CONNECT => Packet::Connect {
            initiator: r.u64()?,
            cookie: r.u64()?,
            from: r.u64()?,
            to: r.u64()?,
        },
        ty::ACCEPT => Packet::Accept {
            responder: r.u64()?,
            from: r.u64()?,
        },
        ty::DATA => Packet::Data {
            number: r.u64()?,
            frames: r.buf,
        },
        ty::CLOSE => Packet::Close {
            sender: r.u64()?,
            reason: r.i32()?,
        },
        _ => return None,
    };
    Some((conn, packet))
}

/// Decodes a data packet's frames; `None` when any of them is malformed.
pub fn decode_frames(buf: &[u8]) -> Option<Vec<Frame<'_>>> {
    let mut r = Reader { buf };
    let mut out = Vec::new();
    while !r.buf.is_empty() {
        let f = match r.u8()? {
            frame::ACK => {
                let delay_us = r.u32()?;
                let n = r.u8()? as usize;
                if n == 0 || n > MAX_ACK_RANGES {
                    return None;
                }
                let mut ranges = Vec::with_capacity(n);
                for _ in 0..n {
                    let (s, e) = (r.u64()?, r.u64()?);
                    if s > e {
                        return None;
                    }
                    ranges.push((s, e));
                }
                Frame::Ack { delay_us, ranges }
            }
            frame::SEGMENT => {
                let flags = r.u8()?;
                let channel = r.i32()?;
                let seq = r.u64()?;
                let total = r.u32()?;
                let offset = r.u32()?;
                let len = r.u16()? as usize;
                let data = r.bytes(len)?;
                // The sender's limit bounds every message; a bigger claim is hostile.
                if total as usize > MAX_MESSAGE_SIZE_SEND
                    || offset as usize + len > total as usize
                    || flags & !1 != 0
                {
                    return None;
                }
                Frame::Segment(Segment {
                    reliable: flags & 1 != 0,
                    channel,
                    seq,
                    total,
                    offset,
                    data,
                })
            }
            frame::PING => Frame::Ping,
            _ => return None,
        };
        out.push(f);
    }
    Some(out)
}

fn header(kind: u8, conn: u64, extra: usize) -> Vec<u8> {
    let mut v = Vec::with_capacity(HEADER_LEN + extra);
    v.extend_from_slice(&MAGIC);
    v.push(VERSION);
    v.push(kind);
    v.extend_from_slice(&conn.to_le_bytes());
    v
}

pub fn encode_hello(initiator: u64, from: u64, to: u64) -> Vec<u8> {
    let mut v = header(ty::HELLO, 0, HELLO_LEN);
    for w in [initiator, from, to] {
        v.extend_from_slice(&w.to_le_bytes());
    }
    v.resize(HELLO_LEN, 0);
    v
}

pub fn encode_challenge(initiator: u64, cookie: u64) -> Vec<u8> {
    let mut v = header(ty::CHALLENGE, initiator, 8);
    v.extend_from_slice(&cookie.to_le_bytes());
    v
}

pub fn encode_connect(initiator: u64, cookie: u64, from: u64, to: u64) -> Vec<u8> {
    let mut v = header(ty::CONNECT, 0, 32);
    for w in [initiator, cookie, from, to] {
        v.extend_from_slice(&w.to_le_bytes());
    }
    v
}

pub fn encode_accept(initiator: u64, responder: u64, from: u64) -> Vec<u8> {
    let mut v = header(ty::ACCEPT, initiator, 16);
    v.extend_from_slice(&responder.to_le_bytes());
    v.extend_from_slice(&from.to_le_bytes());
    v
}

pub fn encode_close(receiver: u64, sender: u64, reason: i32) -> Vec<u8> {
    let mut v = header(ty::CLOSE, receiver, 12);
    v.extend_from_slice(&sender.to_le_bytes());
    v.extend_from_slice(&reason.to_le_bytes());
    v
}

pub fn start_data(receiver: u64, number: u64, capacity: usize) -> Vec<u8> {
    let mut v = header(ty::DATA, receiver, capacity);
    v.extend_from_slice(&number.to_le_bytes());
    v
}

pub fn put_ack(v: &mut Vec<u8>, delay_us: u32, ranges: &[(u64, u64)]) {
    v.push(frame::ACK);
    v.extend_from_slice(&delay_us.to_le_bytes());
    v.push(ranges.len() as u8);
    for (s, e) in ranges {
        v.extend_from_slice(&s.to_le_bytes());
        v.extend_from_slice(&e.to_le_bytes());
    }
}

pub fn put_segment(v: &mut Vec<u8>, seg: &Segment<'_>) {
    v.push(frame::SEGMENT);
    v.push(u8::from(seg.reliable));
    v.extend_from_slice(&seg.channel.to_le_bytes());
    v.extend_from_slice(&seg.seq.to_le_bytes());
    v.extend_from_slice(&seg.total.to_le_bytes());
    v.extend_from_slice(&seg.offset.to_le_bytes());
    v.extend_from_slice(&(seg.data.len() as u16).to_le_bytes());
    v.extend_from_slice(seg.data);
}

pub fn put_ping(v: &mut Vec<u8>) {
    v.push(frame::PING);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_packet_round_trips() {
        let hello = encode_hello(7, 8, 9);
        assert_eq!(hello.len(), HELLO_LEN);
        assert_eq!(
            decode(&hello),
            Some((
                0,
                Packet::Hello {
                    initiator: 7,
                    from: 8,
                    to: 9
                }
            ))
        );
        assert!(encode_challenge(7, 1).len() <= HELLO_LEN);
        assert_eq!(
            decode(&encode_close(1, 2, 1001)),
            Some((
                1,
                Packet::Close {
                    sender: 2,
                    reason: 1001
                }
            ))
        );
        let mut d = start_data(5, 42, 100);
        put_ack(&mut d, 3, &[(10, 12), (1, 4)]);
        let seg = Segment {
            reliable: true,
            channel: -3,
            seq: 9,
            total: 10,
            offset: 5,
            data: b"hello",
        };
        put_segment(&mut d, &seg);
        put_ping(&mut d);
        let (conn, p) = decode(&d).unwrap();
        assert_eq!(conn, 5);
        let Packet::Data { number, frames } = p else {
            panic!("not data")
        };
        assert_eq!(number, 42);
        let f = decode_frames(frames).unwrap();
        assert_eq!(f.len(), 3);
        assert_eq!(f[1], Frame::Segment(seg));
    }

    #[test]
    fn hostile_lengths_are_refused() {
        let mut d = start_data(5, 1, 100);
        put_segment(
            &mut d,
            &Segment {
                reliable: false,
                channel: 0,
                seq: 0,
                total: u32::MAX,
                offset: 0,
                data: b"x",
            },
        );
        let (_, Packet::Data { frames, .. }) = decode(&d).unwrap() else {
            panic!()
        };
        assert!(decode_frames(frames).is_none());
        assert!(decode(&encode_hello(1, 2, 3)[..HELLO_LEN - 1]).is_none());
        assert!(decode(b"SMSG").is_none());
    }
}
