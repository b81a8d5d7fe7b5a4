//! ERROR: the sender ends the link and says why (refused certificate, missing CONNECT
//! permission, encryption mismatch, endpoint disabled, too many links, a malformed frame).
//! Before TLS it travels in clear text and says nothing secret; the receiving side records
//! the text as the transmission status of the messages that wait for that address.
//!
//! Payload: `code u32, text str`.

use crate::buf::{Reader, Writer};
use crate::error::Result;
use crate::frame::TEXT_BYTES_MAX;

/// Why a link ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorFrame {
    /// A SQL Server error number where one fits (28034 missing CONNECT, 9666 endpoint
    /// not started, …), else 0.
    pub code: u32,
    /// The reason, in words.
    pub text: String,
}

impl ErrorFrame {
    pub(crate) fn encode(&self, w: &mut Writer) {
        w.u32(self.code);
        w.string(&self.text);
    }

    pub(crate) fn decode(r: &mut Reader<'_>) -> Result<Self> {
        Ok(Self {
            code: r.u32("ERROR code")?,
            text: r.string("ERROR text", TEXT_BYTES_MAX)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::{Frame, tests::round_trip};

    #[test]
    fn round_trips() {
        round_trip(Frame::Error(super::ErrorFrame {
            code: 28034,
            text: "no CONNECT permission".into(),
        }));
    }
}
