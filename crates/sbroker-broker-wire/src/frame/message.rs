//! MESSAGE: one dialog message, or the first fragment of one. The dialog protocol's unit
//! (spec 06 §1): the receiving instance finds or creates its conversation endpoint from
//! these fields and enqueues the body once all of it has arrived.
//!
//! Payload:
//! ```text
//! conversation_id      16
//! from_initiator       bool
//! sequence             i64   per direction of the dialog, from 0, no gaps except before
//!                            an Error message (END CONVERSATION WITH ERROR drops pending)
//! kind                 u8    1 user, 2 EndDialog, 3 Error
//! priority             u8    1..10 (the sender's conversation priority)
//! hops_remaining       u8    forwarders the message may still pass (0: no more)
//! lifetime             i64   dialog expiry, microseconds since 1970-01-01 UTC
//! encryption           bool  the dialog's ENCRYPTION setting
//! from_service         str
//! from_broker_instance str
//! to_service           str
//! to_broker_instance   opt str
//! contract             str
//! message_type         str
//! body_present         bool  false for a NULL body
//! body_length          u32   the whole body's length (fragments carry the rest)
//! chunk                bytes the first bytes of the body
//! ```

use crate::buf::{Reader, Writer};
use crate::error::{Result, malformed};
use crate::frame::NAME_BYTES_MAX;

/// What a message is, on the wire (DialogTimer never leaves its instance).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WireKind {
    /// An application message.
    User,
    /// `http://schemas.microsoft.com/SQL/ServiceBroker/EndDialog`.
    EndDialog,
    /// `http://schemas.microsoft.com/SQL/ServiceBroker/Error`.
    Error,
}

impl WireKind {
    fn code(self) -> u8 {
        match self {
            WireKind::User => 1,
            WireKind::EndDialog => 2,
            WireKind::Error => 3,
        }
    }

    fn from_code(b: u8) -> Result<Self> {
        match b {
            1 => Ok(WireKind::User),
            2 => Ok(WireKind::EndDialog),
            3 => Ok(WireKind::Error),
            other => Err(malformed("MESSAGE kind", format!("code {other}"))),
        }
    }
}

/// One message (or its first fragment).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The conversation.
    pub conversation_id: [u8; 16],
    /// Sent by the initiator (else by the target).
    pub from_initiator: bool,
    /// Sequence number in the sender's direction.
    pub sequence: i64,
    /// User, EndDialog or Error.
    pub kind: WireKind,
    /// Conversation priority at the sender.
    pub priority: u8,
    /// Forwarders the message may still pass.
    pub hops_remaining: u8,
    /// Dialog lifetime.
    pub lifetime: i64,
    /// ENCRYPTION of the dialog.
    pub encryption: bool,
    /// Sending service.
    pub from_service: String,
    /// Sending database's broker instance.
    pub from_broker_instance: String,
    /// Destination service.
    pub to_service: String,
    /// Destination broker instance, when known.
    pub to_broker_instance: Option<String>,
    /// Contract.
    pub contract: String,
    /// Message type.
    pub message_type: String,
    /// False for a NULL body.
    pub body_present: bool,
    /// Length of the whole body.
    pub body_length: u32,
    /// The first bytes of the body (all of it when it fits one frame).
    pub chunk: Vec<u8>,
}

impl Message {
    pub(crate) fn encode(&self, w: &mut Writer) {
        w.guid(&self.conversation_id);
        w.bool(self.from_initiator);
        w.i64(self.sequence);
        w.u8(self.kind.code());
        w.u8(self.priority);
        w.u8(self.hops_remaining);
        w.i64(self.lifetime);
        w.bool(self.encryption);
        w.string(&self.from_service);
        w.string(&self.from_broker_instance);
        w.string(&self.to_service);
        w.opt_string(self.to_broker_instance.as_deref());
        w.string(&self.contract);
        w.string(&self.message_type);
        w.bool(self.body_present);
        w.u32(self.body_length);
        w.bytes(&self.chunk);
    }

    pub(crate) fn decode(r: &mut Reader<'_>, chunk_bytes_max: usize) -> Result<Self> {
        let m = Self {
            conversation_id: r.guid("MESSAGE conversation_id")?,
            from_initiator: r.bool("MESSAGE from_initiator")?,
            sequence: r.i64("MESSAGE sequence")?,
            kind: WireKind::from_code(r.u8("MESSAGE kind")?)?,
            priority: r.u8("MESSAGE priority")?,
            hops_remaining: r.u8("MESSAGE hops_remaining")?,
            lifetime: r.i64("MESSAGE lifetime")?,
            encryption: r.bool("MESSAGE encryption")?,
            from_service: r.string("MESSAGE from_service", NAME_BYTES_MAX)?,
            from_broker_instance: r.string("MESSAGE from_broker_instance", NAME_BYTES_MAX)?,
            to_service: r.string("MESSAGE to_service", NAME_BYTES_MAX)?,
            to_broker_instance: r.opt_string("MESSAGE to_broker_instance", NAME_BYTES_MAX)?,
            contract: r.string("MESSAGE contract", NAME_BYTES_MAX)?,
            message_type: r.string("MESSAGE message_type", NAME_BYTES_MAX)?,
            body_present: r.bool("MESSAGE body_present")?,
            body_length: r.u32("MESSAGE body_length")?,
            chunk: r.bytes("MESSAGE chunk", chunk_bytes_max)?,
        };
        if m.sequence < 0 {
            return Err(malformed("MESSAGE sequence", "negative"));
        }
        if !(1..=10).contains(&m.priority) {
            return Err(malformed("MESSAGE priority", format!("{}", m.priority)));
        }
        if m.chunk.len() > m.body_length as usize || (!m.body_present && m.body_length != 0) {
            return Err(malformed("MESSAGE chunk", "longer than the body"));
        }
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Frame, tests::round_trip};

    pub(crate) fn sample(len: usize) -> Message {
        Message {
            conversation_id: [3; 16],
            from_initiator: true,
            sequence: 41,
            kind: WireKind::User,
            priority: 5,
            hops_remaining: 16,
            lifetime: 1_900_000_000_000_000,
            encryption: false,
            from_service: "//Adv/InstInit".into(),
            from_broker_instance: "6F9619FF-8B86-D011-B42D-00C04FC964FF".into(),
            to_service: "//Adv/InstTarg".into(),
            to_broker_instance: Some("x".into()),
            contract: "//Adv/Contract".into(),
            message_type: "//Adv/Request".into(),
            body_present: true,
            body_length: u32::try_from(len).unwrap(),
            chunk: vec![0xAB; len],
        }
    }

    #[test]
    fn round_trips() {
        round_trip(Frame::Message(sample(100)));
        let mut m = sample(0);
        m.body_present = false;
        m.to_broker_instance = None;
        m.kind = WireKind::EndDialog;
        round_trip(Frame::Message(m));
    }

    #[test]
    fn a_chunk_longer_than_its_body_is_refused() {
        let mut m = sample(10);
        m.body_length = 5;
        let bytes = Frame::Message(m).encode();
        assert!(crate::decode(&bytes, &crate::Limits::default()).is_err());
    }
}
