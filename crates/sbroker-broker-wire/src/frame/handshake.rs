//! HANDSHAKE: the first frame each side sends inside TLS, once the peer's certificate has
//! been checked: who this instance is and what it wants of the link.
//!
//! Payload:
//! ```text
//! instance_id      16  the sending instance's id (master's service_broker_guid)
//! endpoint_name    str the sending endpoint's name (for logs and sys.dm_broker_connections)
//! encryption        u8 0 DISABLED, 1 SUPPORTED, 2 REQUIRED (the endpoint's ENCRYPTION)
//! window_messages  u32 how many messages the sender may have unacknowledged
//! ```
//! Both sides apply the negotiation table of spec 06 §7 to the two `encryption` values;
//! a refused combination ends the link with an ERROR frame.

use crate::buf::{Reader, Writer};
use crate::error::{Result, malformed};
use crate::frame::NAME_BYTES_MAX;

/// ENCRYPTION of an endpoint, as negotiated on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encryption {
    /// `ENCRYPTION = DISABLED`.
    Disabled,
    /// `ENCRYPTION = SUPPORTED`.
    Supported,
    /// `ENCRYPTION = REQUIRED` (the default).
    Required,
}

impl Encryption {
    fn code(self) -> u8 {
        match self {
            Encryption::Disabled => 0,
            Encryption::Supported => 1,
            Encryption::Required => 2,
        }
    }

    fn from_code(b: u8) -> Result<Self> {
        match b {
            0 => Ok(Encryption::Disabled),
            1 => Ok(Encryption::Supported),
            2 => Ok(Encryption::Required),
            other => Err(malformed("HANDSHAKE encryption", format!("code {other}"))),
        }
    }

    /// The outcome for two endpoints (spec 06 §7): `Some(true)` encrypted, `Some(false)`
    /// plain, `None` refused. The table is symmetric.
    pub fn negotiate(self, other: Encryption) -> Option<bool> {
        use Encryption::*;
        match (self, other) {
            (Disabled, Required) | (Required, Disabled) => None,
            (Disabled, _) | (_, Disabled) => Some(false),
            _ => Some(true),
        }
    }

    /// The keyword, for messages.
    pub fn keyword(self) -> &'static str {
        match self {
            Encryption::Disabled => "DISABLED",
            Encryption::Supported => "SUPPORTED",
            Encryption::Required => "REQUIRED",
        }
    }
}

/// One side's handshake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handshake {
    /// The sending instance.
    pub instance_id: [u8; 16],
    /// Its endpoint's name.
    pub endpoint_name: String,
    /// Its endpoint's ENCRYPTION.
    pub encryption: Encryption,
    /// Messages the sender of this frame lets the peer have unacknowledged.
    pub window_messages: u32,
}

impl Handshake {
    pub(crate) fn encode(&self, w: &mut Writer) {
        w.guid(&self.instance_id);
        w.string(&self.endpoint_name);
        w.u8(self.encryption.code());
        w.u32(self.window_messages);
    }

    pub(crate) fn decode(r: &mut Reader<'_>) -> Result<Self> {
        Ok(Self {
            instance_id: r.guid("HANDSHAKE instance_id")?,
            endpoint_name: r.string("HANDSHAKE endpoint_name", NAME_BYTES_MAX)?,
            encryption: Encryption::from_code(r.u8("HANDSHAKE encryption")?)?,
            window_messages: r.u32("HANDSHAKE window_messages")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Encryption::*;
    use crate::{Frame, tests::round_trip};

    #[test]
    fn round_trips() {
        for e in [Disabled, Supported, Required] {
            round_trip(Frame::Handshake(super::Handshake {
                instance_id: [7; 16],
                endpoint_name: "BrokerEndpoint".into(),
                encryption: e,
                window_messages: 4096,
            }));
        }
    }

    #[test]
    fn negotiation_follows_the_spec_table() {
        // Rows: local; columns: remote DISABLED, SUPPORTED, REQUIRED (spec 06 §7).
        let table = [
            (Disabled, [Some(false), Some(false), None]),
            (Supported, [Some(false), Some(true), Some(true)]),
            (Required, [None, Some(true), Some(true)]),
        ];
        for (local, row) in table {
            for (remote, want) in [Disabled, Supported, Required].into_iter().zip(row) {
                assert_eq!(local.negotiate(remote), want, "{local:?} / {remote:?}");
            }
        }
    }
}
