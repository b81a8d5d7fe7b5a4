//! OPEN: the first frame of a link, sent in clear text by the connecting instance before
//! TLS starts. It carries nothing secret and nothing the engine sees: only the protocol
//! versions the connector speaks, so that version skew is refused with a reason instead of
//! a failed TLS handshake.
//!
//! Payload: `version_min u8, version_max u8`.

use crate::buf::{Reader, Writer};
use crate::error::{Result, malformed};

/// The connector's opening.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Open {
    /// Lowest protocol version spoken.
    pub version_min: u8,
    /// Highest protocol version spoken.
    pub version_max: u8,
}

impl Open {
    pub(crate) fn encode(&self, w: &mut Writer) {
        w.u8(self.version_min);
        w.u8(self.version_max);
    }

    pub(crate) fn decode(r: &mut Reader<'_>) -> Result<Self> {
        let version_min = r.u8("OPEN version_min")?;
        let version_max = r.u8("OPEN version_max")?;
        if version_min > version_max {
            return Err(malformed("OPEN versions", "min above max"));
        }
        Ok(Self {
            version_min,
            version_max,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::{Frame, tests::round_trip};

    #[test]
    fn round_trips() {
        round_trip(Frame::Open(super::Open {
            version_min: 1,
            version_max: 3,
        }));
    }
}
