//! The adjacent-broker protocol of sbroker (spec 06 §1, layer 2): the frames two instances
//! exchange over a Service Broker endpoint connection, as a sans-IO codec.
//!
//! Every function here reads from or writes to byte buffers; sockets, TLS, threads and the
//! engine live in `sbroker-transport`, and these types are never the engine's, so an
//! internal refactor cannot change the protocol. Malformed input is a [`WireError`], never
//! a panic, and every length is checked against [`Limits`] before anything is allocated.
//!
//! A link: the connector sends OPEN in clear text; the acceptor answers ACCEPT (or ERROR);
//! TLS with the endpoint certificates starts; each side checks the other's certificate and
//! sends HANDSHAKE; then MESSAGE / FRAGMENT frames flow one way and ACK frames the other
//! (both ways on a link used by both sides). `docs/design.md` §13 has the byte layout.

mod buf;
pub mod error;
pub mod frame;
pub mod header;

pub use error::{Result, WireError};
pub use frame::accept::Accept;
pub use frame::ack::{Ack, AckEntry, Nack};
pub use frame::error::ErrorFrame;
pub use frame::fragment::Fragment;
pub use frame::handshake::{Encryption, Handshake};
pub use frame::message::{Message, WireKind};
pub use frame::open::Open;
pub use header::{HEADER_BYTES, PROTOCOL_VERSION};

/// Size limits the decoder enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest payload of one frame.
    pub payload_bytes_max: u32,
}

/// Largest body chunk the sender puts in one frame; larger bodies are fragmented.
pub const CHUNK_BYTES_MAX: usize = 256 * 1024;

impl Default for Limits {
    fn default() -> Self {
        // A full chunk plus the message header fields (six names of at most 1 KiB each).
        Self {
            payload_bytes_max: (CHUNK_BYTES_MAX + 16 * 1024) as u32,
        }
    }
}

/// Frame kind codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum FrameKind {
    /// [`Open`].
    Open = 1,
    /// [`Accept`].
    Accept = 2,
    /// [`Handshake`].
    Handshake = 3,
    /// [`Message`].
    Message = 4,
    /// [`Fragment`].
    Fragment = 5,
    /// [`Ack`].
    Ack = 6,
    /// [`ErrorFrame`].
    Error = 7,
}

/// A frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// Connector's clear-text opening.
    Open(Open),
    /// Acceptor's clear-text answer.
    Accept(Accept),
    /// Identity and wishes, inside TLS.
    Handshake(Handshake),
    /// A message or its first fragment.
    Message(Message),
    /// A later fragment.
    Fragment(Fragment),
    /// Acknowledgements and refusals.
    Ack(Ack),
    /// The link ends, with a reason.
    Error(ErrorFrame),
}

impl Frame {
    /// The kind code.
    pub fn kind(&self) -> FrameKind {
        match self {
            Frame::Open(_) => FrameKind::Open,
            Frame::Accept(_) => FrameKind::Accept,
            Frame::Handshake(_) => FrameKind::Handshake,
            Frame::Message(_) => FrameKind::Message,
            Frame::Fragment(_) => FrameKind::Fragment,
            Frame::Ack(_) => FrameKind::Ack,
            Frame::Error(_) => FrameKind::Error,
        }
    }

    /// Appends the frame's bytes (header and payload) to `out`.
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        let mut w = buf::Writer::default();
        match self {
            Frame::Open(f) => f.encode(&mut w),
            Frame::Accept(f) => f.encode(&mut w),
            Frame::Handshake(f) => f.encode(&mut w),
            Frame::Message(f) => f.encode(&mut w),
            Frame::Fragment(f) => f.encode(&mut w),
            Frame::Ack(f) => f.encode(&mut w),
            Frame::Error(f) => f.encode(&mut w),
        }
        header::write(out, self.kind() as u8, &w.buf);
    }

    /// The frame's bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode_into(&mut out);
        out
    }
}

/// Decodes the frame at the start of `input`: `Ok(None)` when more bytes are needed,
/// `Ok(Some((frame, consumed)))` otherwise. The header is checked (magic, version, length
/// limit) as soon as its bytes are there, so a stranger is refused without waiting for a
/// payload it announced.
pub fn decode(input: &[u8], limits: &Limits) -> Result<Option<(Frame, usize)>> {
    // Check the magic on the first bytes, before a whole header arrived.
    let seen = input.len().min(4);
    if input.get(..seen) != header::MAGIC.get(..seen) {
        let mut m = [0u8; 4];
        m[..seen].copy_from_slice(&input[..seen]);
        return Err(WireError::BadMagic(m));
    }
    if input.len() < HEADER_BYTES {
        return Ok(None);
    }
    let h = header::read(input, limits.payload_bytes_max)?;
    let total = HEADER_BYTES + h.length as usize;
    let Some(payload) = input.get(HEADER_BYTES..total) else {
        return Ok(None);
    };
    let computed = header::checksum(&input[..12], payload);
    if computed != h.checksum {
        return Err(WireError::Checksum {
            header: h.checksum,
            computed,
        });
    }
    let mut r = buf::Reader::new(payload);
    let chunk_max = limits.payload_bytes_max as usize;
    let frame = match h.kind {
        1 => Frame::Open(Open::decode(&mut r)?),
        2 => Frame::Accept(Accept::decode(&mut r)?),
        3 => Frame::Handshake(Handshake::decode(&mut r)?),
        4 => Frame::Message(Message::decode(&mut r, chunk_max)?),
        5 => Frame::Fragment(Fragment::decode(&mut r, chunk_max)?),
        6 => Frame::Ack(Ack::decode(&mut r)?),
        7 => Frame::Error(ErrorFrame::decode(&mut r)?),
        other => return Err(WireError::UnknownKind(other)),
    };
    r.finish("frame payload")?;
    Ok(Some((frame, total)))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Encode, decode, compare, and check that every byte was consumed and that every
    /// proper prefix asks for more bytes.
    pub(crate) fn round_trip(f: Frame) {
        let bytes = f.encode();
        let (back, used) = decode(&bytes, &Limits::default())
            .expect("decodes")
            .expect("complete");
        assert_eq!(back, f);
        assert_eq!(used, bytes.len());
        for cut in [0, 1, 4, HEADER_BYTES - 1, HEADER_BYTES, bytes.len() - 1] {
            if cut < bytes.len() {
                assert_eq!(
                    decode(&bytes[..cut], &Limits::default()),
                    Ok(None),
                    "cut {cut}"
                );
            }
        }
    }

    #[test]
    fn strangers_are_refused_at_the_first_bytes() {
        assert!(matches!(
            decode(b"\x12\x01\x00", &Limits::default()),
            Err(WireError::BadMagic(_))
        ));
        assert!(matches!(
            decode(b"GET / HTTP/1.1\r\n", &Limits::default()),
            Err(WireError::BadMagic(_))
        ));
    }

    #[test]
    fn oversized_frames_are_refused_from_the_header() {
        let mut b = b"SBRK\x01\x04\x00\x00".to_vec();
        b.extend_from_slice(&u32::MAX.to_be_bytes());
        b.extend_from_slice(&[0; 4]);
        assert!(matches!(
            decode(&b, &Limits::default()),
            Err(WireError::TooLong { .. })
        ));
    }

    #[test]
    fn version_skew_and_flipped_bits_are_refused() {
        let good = Frame::Error(ErrorFrame {
            code: 1,
            text: "x".into(),
        })
        .encode();
        let mut v = good.clone();
        v[4] = 2;
        assert_eq!(decode(&v, &Limits::default()), Err(WireError::Version(2)));
        let mut c = good.clone();
        let last = c.len() - 1;
        c[last] ^= 0x40;
        assert!(matches!(
            decode(&c, &Limits::default()),
            Err(WireError::Checksum { .. })
        ));
    }

    proptest! {
        #[test]
        fn garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = decode(&bytes, &Limits::default());
        }

        #[test]
        fn garbage_after_a_valid_header_never_panics(
            kind in 0u8..10,
            payload in proptest::collection::vec(any::<u8>(), 0..512),
        ) {
            let mut b = Vec::new();
            header::write(&mut b, kind, &payload);
            let _ = decode(&b, &Limits::default());
        }
    }
}
