//! ACCEPT: the listening instance's clear-text answer to OPEN: the version both speak.
//! TLS starts right after it. A listener that will not take the link answers with an
//! ERROR frame instead (endpoint DISABLED, too many links, no common version, an
//! authentication method sbroker cannot provide), so the connector can say why in
//! `sys.transmission_queue.transmission_status`.
//!
//! Payload: `version u8`.

use crate::buf::{Reader, Writer};
use crate::error::Result;

/// The acceptor's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accept {
    /// The protocol version of the link.
    pub version: u8,
}

impl Accept {
    pub(crate) fn encode(&self, w: &mut Writer) {
        w.u8(self.version);
    }

    pub(crate) fn decode(r: &mut Reader<'_>) -> Result<Self> {
        Ok(Self {
            version: r.u8("ACCEPT version")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::{Frame, tests::round_trip};

    #[test]
    fn round_trips() {
        round_trip(Frame::Accept(super::Accept { version: 1 }));
    }
}
