//! Packet framing [MS-TDS 2.2.3]: every message travels as one or more packets, each with an
//! 8-byte header; the last packet of a message carries the EOM status bit.

use crate::buf::Reader;
use crate::{Error, Result};

/// Length of a packet header.
pub const HEADER_LEN: usize = 8;
/// The smallest packet size a client may negotiate [MS-TDS 2.2.6.4].
pub const PACKET_SIZE_MIN: usize = 512;
/// The largest packet size [MS-TDS 2.2.6.4].
pub const PACKET_SIZE_MAX: usize = 32_767;
/// The packet size before LOGIN7 negotiates another one.
pub const PACKET_SIZE_DEFAULT: usize = 4096;

/// Status bit: the last packet of a message.
pub const STATUS_EOM: u8 = 0x01;
/// Status bit: the client asks to reset the connection before this request.
pub const STATUS_RESET_CONNECTION: u8 = 0x08;
/// Status bit: reset the connection but keep the transaction.
pub const STATUS_RESET_CONNECTION_SKIP_TRAN: u8 = 0x10;

/// Message types [MS-TDS 2.2.3.1.1].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum PacketType {
    /// SQL batch (client).
    SqlBatch = 0x01,
    /// RPC request (client).
    Rpc = 0x03,
    /// Tabular result: every server response.
    TabularResult = 0x04,
    /// Attention: cancel the running request (client).
    Attention = 0x06,
    /// Bulk load data (client).
    BulkLoad = 0x07,
    /// Transaction manager request (client).
    TransactionManager = 0x0E,
    /// LOGIN7 (client).
    Login7 = 0x10,
    /// SSPI (client).
    Sspi = 0x11,
    /// PRELOGIN (client and server).
    PreLogin = 0x12,
}

impl PacketType {
    /// The type of a header byte.
    pub fn from_u8(b: u8) -> Option<Self> {
        Some(match b {
            0x01 => Self::SqlBatch,
            0x03 => Self::Rpc,
            0x04 => Self::TabularResult,
            0x06 => Self::Attention,
            0x07 => Self::BulkLoad,
            0x0E => Self::TransactionManager,
            0x10 => Self::Login7,
            0x11 => Self::Sspi,
            0x12 => Self::PreLogin,
            _ => return None,
        })
    }
}

/// A packet header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PacketHeader {
    /// Message type.
    pub ty: PacketType,
    /// Status bits (`STATUS_*`).
    pub status: u8,
    /// Packet length including the header (big-endian on the wire).
    pub length: u16,
    /// Server process id (big-endian on the wire).
    pub spid: u16,
    /// Packet number within the message (wraps at 255).
    pub packet_id: u8,
}

impl PacketHeader {
    /// Parses a header and checks its length field.
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes);
        let ty_byte = r.u8("packet type")?;
        let ty = PacketType::from_u8(ty_byte)
            .ok_or_else(|| Error::Malformed(format!("unknown packet type 0x{ty_byte:02X}")))?;
        let status = r.u8("packet status")?;
        let length = r.u16_be("packet length")?;
        let spid = r.u16_be("packet spid")?;
        let packet_id = r.u8("packet id")?;
        let _window = r.u8("packet window")?;
        if usize::from(length) < HEADER_LEN || usize::from(length) > PACKET_SIZE_MAX + 1 {
            return Err(Error::Malformed(format!("packet length {length}")));
        }
        Ok(Self {
            ty,
            status,
            length,
            spid,
            packet_id,
        })
    }

    /// Appends the header's 8 bytes.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.push(self.ty as u8);
        out.push(self.status);
        out.extend_from_slice(&self.length.to_be_bytes());
        out.extend_from_slice(&self.spid.to_be_bytes());
        out.push(self.packet_id);
        out.push(0);
    }

    /// True for the last packet of a message.
    pub fn is_eom(&self) -> bool {
        self.status & STATUS_EOM != 0
    }
}

/// Collects the packets of one message and yields it once the EOM packet arrived.
///
/// Push bytes as they come off the socket; [`MessageBuffer::next_message`] returns
/// `Ok(None)` until a whole message is there. Every limit is checked before memory is used.
#[derive(Debug)]
pub struct MessageBuffer {
    pending: Vec<u8>,
    message: Vec<u8>,
    message_type: Option<PacketType>,
    first_status: u8,
    message_bytes_max: usize,
}

/// A whole message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Its type.
    pub ty: PacketType,
    /// Status bits of its first packet (reset-connection flags live there).
    pub status: u8,
    /// The payload, headers removed.
    pub payload: Vec<u8>,
}

impl MessageBuffer {
    /// A buffer that refuses messages over `message_bytes_max`.
    pub fn new(message_bytes_max: usize) -> Self {
        Self {
            pending: Vec::new(),
            message: Vec::new(),
            message_type: None,
            first_status: 0,
            message_bytes_max,
        }
    }

    /// Adds bytes read from the connection.
    pub fn push(&mut self, bytes: &[u8]) {
        self.pending.extend_from_slice(bytes);
    }

    /// Takes the bytes received but not yet part of a packet (after a protocol switch, such
    /// as the start of TLS records following the last PRELOGIN packet).
    pub fn take_pending(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.pending)
    }

    /// True when no partial packet or message is held.
    pub fn is_idle(&self) -> bool {
        self.pending.is_empty() && self.message_type.is_none()
    }

    /// The next complete message, `Ok(None)` if more bytes are needed.
    pub fn next_message(&mut self) -> Result<Option<Message>> {
        loop {
            let Some(head) = self.pending.get(..HEADER_LEN) else {
                return Ok(None);
            };
            let header = PacketHeader::decode(head)?;
            let len = usize::from(header.length);
            let Some(body) = self.pending.get(HEADER_LEN..len) else {
                return Ok(None);
            };
            match self.message_type {
                None => {
                    self.message_type = Some(header.ty);
                    self.first_status = header.status;
                }
                // An attention may arrive between the packets of nothing else, but a
                // message's packets must all have its type.
                Some(t) if t != header.ty => {
                    return Err(Error::Malformed(format!(
                        "packet of type {:?} inside a {t:?} message",
                        header.ty
                    )));
                }
                Some(_) => {}
            }
            if self.message.len() + body.len() > self.message_bytes_max {
                return Err(Error::Malformed(format!(
                    "message larger than {} bytes",
                    self.message_bytes_max
                )));
            }
            self.message.extend_from_slice(body);
            self.pending.drain(..len);
            if header.is_eom() {
                let ty = self.message_type.take().unwrap_or(header.ty);
                return Ok(Some(Message {
                    ty,
                    status: self.first_status,
                    payload: std::mem::take(&mut self.message),
                }));
            }
        }
    }
}

/// Splits `payload` into packets of at most `packet_size` bytes and appends them to `out`.
/// `last` says whether the final packet ends the message (EOM). `packet_id` counts on.
pub fn frame(
    ty: PacketType,
    payload: &[u8],
    packet_size: usize,
    last: bool,
    packet_id: &mut u8,
    out: &mut Vec<u8>,
) {
    let body_max = packet_size.clamp(PACKET_SIZE_MIN, PACKET_SIZE_MAX) - HEADER_LEN;
    let mut chunks = payload.chunks(body_max).peekable();
    if payload.is_empty() {
        // An empty message is still one packet.
        push_packet(ty, &[], last, packet_id, out);
        return;
    }
    while let Some(chunk) = chunks.next() {
        let eom = last && chunks.peek().is_none();
        push_packet(ty, chunk, eom, packet_id, out);
    }
}

fn push_packet(ty: PacketType, body: &[u8], eom: bool, packet_id: &mut u8, out: &mut Vec<u8>) {
    let header = PacketHeader {
        ty,
        status: if eom { STATUS_EOM } else { 0 },
        length: u16::try_from(HEADER_LEN + body.len()).unwrap_or(u16::MAX),
        spid: 0,
        packet_id: *packet_id,
    };
    *packet_id = packet_id.wrapping_add(1);
    header.encode(out);
    out.extend_from_slice(body);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_and_reassemble() {
        let payload: Vec<u8> = (0..10_000u32).map(|i| i as u8).collect();
        let mut wire = Vec::new();
        let mut id = 1;
        frame(
            PacketType::SqlBatch,
            &payload,
            512,
            true,
            &mut id,
            &mut wire,
        );
        assert_eq!(wire.len(), payload.len() + 8 * payload.len().div_ceil(504));
        let mut mb = MessageBuffer::new(1 << 20);
        // Byte by byte: only the last byte completes the message.
        for (i, b) in wire.iter().enumerate() {
            mb.push(&[*b]);
            let m = mb.next_message().unwrap();
            if i + 1 < wire.len() {
                assert!(m.is_none());
            } else {
                let m = m.unwrap();
                assert_eq!(m.ty, PacketType::SqlBatch);
                assert_eq!(m.payload, payload);
            }
        }
        assert!(mb.is_idle());
    }

    #[test]
    fn limits_and_garbage() {
        let mut wire = Vec::new();
        let mut id = 1;
        frame(
            PacketType::Rpc,
            &[0u8; 3000],
            4096,
            true,
            &mut id,
            &mut wire,
        );
        let mut mb = MessageBuffer::new(1000);
        mb.push(&wire);
        assert!(mb.next_message().is_err());

        let mut mb = MessageBuffer::new(1000);
        mb.push(&[0x99, 1, 0, 8, 0, 0, 0, 0]);
        assert!(mb.next_message().is_err());
        let mut mb = MessageBuffer::new(1000);
        mb.push(&[0x01, 1, 0, 3, 0, 0, 0, 0]);
        assert!(mb.next_message().is_err());
    }

    #[test]
    fn mixed_types_in_one_message_are_refused() {
        let mut wire = Vec::new();
        let mut id = 1;
        frame(
            PacketType::SqlBatch,
            &[1; 10],
            4096,
            false,
            &mut id,
            &mut wire,
        );
        frame(PacketType::Rpc, &[1; 10], 4096, true, &mut id, &mut wire);
        let mut mb = MessageBuffer::new(1 << 20);
        mb.push(&wire);
        assert!(mb.next_message().is_err());
    }
}
