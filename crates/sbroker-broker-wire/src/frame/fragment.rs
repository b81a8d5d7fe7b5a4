//! FRAGMENT: a later piece of a message whose body did not fit one MESSAGE frame (spec 06
//! §1: messages are fragmented; fragments of different messages may interleave, so a
//! small message is not stuck behind a large one). The receiver keeps a partial message
//! in memory, bounded per link, until its last byte arrives.
//!
//! Payload: `conversation_id 16, from_initiator bool, sequence i64, offset u32, chunk bytes`.

use crate::buf::{Reader, Writer};
use crate::error::{Result, malformed};

/// A later piece of a message body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fragment {
    /// The conversation.
    pub conversation_id: [u8; 16],
    /// Direction.
    pub from_initiator: bool,
    /// The message's sequence number.
    pub sequence: i64,
    /// Where the chunk starts in the body.
    pub offset: u32,
    /// The bytes.
    pub chunk: Vec<u8>,
}

impl Fragment {
    pub(crate) fn encode(&self, w: &mut Writer) {
        w.guid(&self.conversation_id);
        w.bool(self.from_initiator);
        w.i64(self.sequence);
        w.u32(self.offset);
        w.bytes(&self.chunk);
    }

    pub(crate) fn decode(r: &mut Reader<'_>, chunk_bytes_max: usize) -> Result<Self> {
        let f = Self {
            conversation_id: r.guid("FRAGMENT conversation_id")?,
            from_initiator: r.bool("FRAGMENT from_initiator")?,
            sequence: r.i64("FRAGMENT sequence")?,
            offset: r.u32("FRAGMENT offset")?,
            chunk: r.bytes("FRAGMENT chunk", chunk_bytes_max)?,
        };
        if f.chunk.is_empty() || f.offset == 0 {
            return Err(malformed("FRAGMENT", "empty, or at offset 0"));
        }
        Ok(f)
    }
}

#[cfg(test)]
mod tests {
    use crate::{Frame, tests::round_trip};

    #[test]
    fn round_trips() {
        round_trip(Frame::Fragment(super::Fragment {
            conversation_id: [9; 16],
            from_initiator: false,
            sequence: 7,
            offset: 65_536,
            chunk: vec![1, 2, 3],
        }));
    }
}
