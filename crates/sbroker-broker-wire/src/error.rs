//! The codec's typed error: what was wrong with the bytes. The transport turns each into a
//! closed link and a logged reason; none of them is ever a panic.

/// Bytes that are not a valid broker frame.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WireError {
    /// The first four bytes are not `SBRK`: not our protocol (a TDS client, an HTTP probe,
    /// garbage).
    #[error("bad magic {0:02x?}: not a Service Broker frame")]
    BadMagic([u8; 4]),
    /// A protocol version this build does not speak.
    #[error("unsupported protocol version {0}")]
    Version(u8),
    /// A frame kind this build does not know.
    #[error("unknown frame kind {0}")]
    UnknownKind(u8),
    /// The header announces more bytes than the limit allows; refused before allocating.
    #[error("frame of {len} bytes is over the limit of {max} bytes")]
    TooLong {
        /// Announced payload length.
        len: u32,
        /// The limit in force.
        max: u32,
    },
    /// The checksum does not match the bytes.
    #[error("checksum mismatch (header {header:#010x}, computed {computed:#010x})")]
    Checksum {
        /// Checksum in the header.
        header: u32,
        /// Checksum of the bytes received.
        computed: u32,
    },
    /// The payload ends before its structure does.
    #[error("truncated {0}")]
    Truncated(&'static str),
    /// The payload breaks a rule of the frame (bad UTF-8, a count over its limit, trailing
    /// bytes, an unknown enumeration value).
    #[error("malformed {what}: {why}")]
    Malformed {
        /// The field.
        what: &'static str,
        /// What is wrong with it.
        why: String,
    },
}

/// Result of the codec.
pub type Result<T> = std::result::Result<T, WireError>;

pub(crate) fn malformed(what: &'static str, why: impl Into<String>) -> WireError {
    WireError::Malformed {
        what,
        why: why.into(),
    }
}
