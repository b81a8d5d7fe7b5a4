//! The 16-byte header in front of every frame, and its checksum.
//!
//! ```text
//! offset size field
//!      0    4 magic      "SBRK"
//!      4    1 version    protocol version of this frame (1)
//!      5    1 kind       FrameKind
//!      6    2 flags      reserved, 0 in version 1 (non-zero is malformed)
//!      8    4 length     payload bytes that follow the header
//!     12    4 checksum   CRC-32 (IEEE) of header bytes 0..12 and the payload
//! ```
//!
//! The checksum catches corruption and desynchronisation, not an attacker: integrity against
//! an attacker comes from the transport (TLS records, or the per-frame MAC when the link is
//! not encrypted).

use crate::error::{Result, WireError};

/// `SBRK`.
pub const MAGIC: [u8; 4] = *b"SBRK";
/// Header length.
pub const HEADER_BYTES: usize = 16;
/// The protocol version this build speaks (and the only one so far).
pub const PROTOCOL_VERSION: u8 = 1;

/// A decoded header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// Frame kind byte.
    pub kind: u8,
    /// Payload length.
    pub length: u32,
    /// Checksum as sent.
    pub checksum: u32,
}

/// The checksum of a frame: header bytes 0..12, then the payload.
pub fn checksum(head12: &[u8], payload: &[u8]) -> u32 {
    let mut h = crc32fast::Hasher::new();
    h.update(head12);
    h.update(payload);
    h.finalize()
}

/// Writes a header and payload into `out`.
pub fn write(out: &mut Vec<u8>, kind: u8, payload: &[u8]) {
    let len = u32::try_from(payload.len()).expect("payloads are limited far below 4 GiB");
    let start = out.len();
    out.extend_from_slice(&MAGIC);
    out.push(PROTOCOL_VERSION);
    out.push(kind);
    out.extend_from_slice(&0u16.to_be_bytes());
    out.extend_from_slice(&len.to_be_bytes());
    let sum = checksum(&out[start..start + 12], payload);
    out.extend_from_slice(&sum.to_be_bytes());
    out.extend_from_slice(payload);
}

/// Reads a header from the first 16 bytes of `b` (which must hold them), checking magic,
/// version, flags and the length limit. The magic is checked first so that a stranger's
/// bytes are refused after at most four of them.
pub fn read(b: &[u8], payload_bytes_max: u32) -> Result<Header> {
    let byte = |i: usize| {
        b.get(i)
            .copied()
            .ok_or(WireError::Truncated("frame header"))
    };
    let magic = [byte(0)?, byte(1)?, byte(2)?, byte(3)?];
    if magic != MAGIC {
        return Err(WireError::BadMagic(magic));
    }
    let version = byte(4)?;
    if version != PROTOCOL_VERSION {
        return Err(WireError::Version(version));
    }
    let kind = byte(5)?;
    let flags = u16::from_be_bytes([byte(6)?, byte(7)?]);
    if flags != 0 {
        return Err(crate::error::malformed(
            "frame flags",
            format!("{flags:#06x}"),
        ));
    }
    let length = u32::from_be_bytes([byte(8)?, byte(9)?, byte(10)?, byte(11)?]);
    if length > payload_bytes_max {
        return Err(WireError::TooLong {
            len: length,
            max: payload_bytes_max,
        });
    }
    let checksum = u32::from_be_bytes([byte(12)?, byte(13)?, byte(14)?, byte(15)?]);
    Ok(Header {
        kind,
        length,
        checksum,
    })
}
