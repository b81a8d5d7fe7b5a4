//! ACK: the receiver's answer for a batch of messages, sent once the batch is durable.
//!
//! Payload:
//! ```text
//! acks   u32 count, then per conversation direction:
//!        conversation_id 16, from_initiator bool, through i64, broker_instance str
//!          every message of that direction with sequence <= through is durably received
//!          (cumulative: one entry answers a whole run of messages); broker_instance is
//!          the receiving database's service_broker_guid, which pins the dialog to it
//! nacks  u32 count, then per refused message:
//!        conversation_id 16, from_initiator bool, sequence i64, ordinal u64, code i32,
//!        text str
//!          ordinal: the message's position among the messages of this link, from 0,
//!          so that a refusal of an earlier copy never matches a later resend
//!          code 0: not taken now (queue disabled, service missing, out of order) — the
//!          sender keeps it and sends it again later, `text` is its transmission_status;
//!          otherwise a broker error code (-8408, -8425, …): the dialog fails at the sender
//! ```

use crate::buf::{Reader, Writer};
use crate::error::{Result, malformed};
use crate::frame::{NAME_BYTES_MAX, TEXT_BYTES_MAX};

/// Most entries of either list in one ACK frame.
pub const ACK_ENTRIES_MAX: u32 = 65_536;

/// Every message of one conversation direction through `through` arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AckEntry {
    /// The conversation.
    pub conversation_id: [u8; 16],
    /// Direction of the acknowledged messages.
    pub from_initiator: bool,
    /// Highest sequence number durably received.
    pub through: i64,
    /// The receiving database's broker instance.
    pub broker_instance: String,
}

/// One message that was not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nack {
    /// The conversation.
    pub conversation_id: [u8; 16],
    /// Direction.
    pub from_initiator: bool,
    /// The refused message.
    pub sequence: i64,
    /// Its position among the messages of this link.
    pub ordinal: u64,
    /// 0 to resend later; a broker error code to fail the dialog.
    pub code: i32,
    /// Status or error text.
    pub text: String,
}

/// The answer for a batch.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ack {
    /// Cumulative acknowledgements.
    pub acks: Vec<AckEntry>,
    /// Refusals.
    pub nacks: Vec<Nack>,
}

fn count(r: &mut Reader<'_>, what: &'static str, entry_bytes_min: usize) -> Result<usize> {
    let n = r.u32(what)?;
    if n > ACK_ENTRIES_MAX {
        return Err(malformed(
            what,
            format!("{n} entries, limit {ACK_ENTRIES_MAX}"),
        ));
    }
    let n = n as usize;
    // Refuse a count the payload cannot hold before reserving room for it.
    if n.saturating_mul(entry_bytes_min) > r.remaining() {
        return Err(crate::error::WireError::Truncated(what));
    }
    Ok(n)
}

impl Ack {
    pub(crate) fn encode(&self, w: &mut Writer) {
        w.u32(u32::try_from(self.acks.len()).expect("ack lists are bounded"));
        for a in &self.acks {
            w.guid(&a.conversation_id);
            w.bool(a.from_initiator);
            w.i64(a.through);
            w.string(&a.broker_instance);
        }
        w.u32(u32::try_from(self.nacks.len()).expect("nack lists are bounded"));
        for n in &self.nacks {
            w.guid(&n.conversation_id);
            w.bool(n.from_initiator);
            w.i64(n.sequence);
            w.u64(n.ordinal);
            w.i32(n.code);
            w.string(&n.text);
        }
    }

    pub(crate) fn decode(r: &mut Reader<'_>) -> Result<Self> {
        let n = count(r, "ACK acks", 27)?;
        let mut acks = Vec::with_capacity(n);
        for _ in 0..n {
            acks.push(AckEntry {
                conversation_id: r.guid("ACK conversation_id")?,
                from_initiator: r.bool("ACK from_initiator")?,
                through: r.i64("ACK through")?,
                broker_instance: r.string("ACK broker_instance", NAME_BYTES_MAX)?,
            });
        }
        let n = count(r, "ACK nacks", 39)?;
        let mut nacks = Vec::with_capacity(n);
        for _ in 0..n {
            nacks.push(Nack {
                conversation_id: r.guid("NACK conversation_id")?,
                from_initiator: r.bool("NACK from_initiator")?,
                sequence: r.i64("NACK sequence")?,
                ordinal: r.u64("NACK ordinal")?,
                code: r.i32("NACK code")?,
                text: r.string("NACK text", TEXT_BYTES_MAX)?,
            });
        }
        Ok(Self { acks, nacks })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Frame, tests::round_trip};

    #[test]
    fn round_trips() {
        round_trip(Frame::Ack(Ack::default()));
        round_trip(Frame::Ack(Ack {
            acks: vec![AckEntry {
                conversation_id: [1; 16],
                from_initiator: true,
                through: 99,
                broker_instance: "6F9619FF-8B86-D011-B42D-00C04FC964FF".into(),
            }],
            nacks: vec![Nack {
                conversation_id: [2; 16],
                from_initiator: false,
                sequence: 4,
                ordinal: 17,
                code: -8408,
                text: "Target service 'x' does not support contract 'y'.".into(),
            }],
        }));
    }

    #[test]
    fn a_huge_count_is_refused_before_allocation() {
        let mut w = crate::buf::Writer::default();
        w.u32(60_000);
        let mut bytes = Vec::new();
        crate::header::write(&mut bytes, crate::FrameKind::Ack as u8, &w.buf);
        assert!(crate::decode(&bytes, &crate::Limits::default()).is_err());
    }
}
