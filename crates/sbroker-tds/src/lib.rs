//! The TDS codec of sbroker: the bytes of SQL Server's wire protocol (MS-TDS, versions 7.2
//! to 7.4), for the server side (`sbroker serve`) and the client side (`sbroker sql`).
//!
//! Sans-IO: every function here reads from or writes to byte buffers. Sockets, threads and
//! the engine live in `sbroker-server`; this crate knows nothing of them, so each message can
//! be tested (and fuzzed) from bytes. Malformed input is an [`Error`], never a panic.

pub mod buf;
pub mod login7;
pub mod packet;
pub mod prelogin;
pub mod request;
pub mod token;
pub mod types;

pub use packet::{PacketHeader, PacketType};
pub use types::TypeInfo;

/// TDS 7.4 (SQL Server 2012 and later), as sent in LOGIN7 and LOGINACK.
pub const TDS_7_4: u32 = 0x7400_0004;
/// TDS 7.3 revision B (SQL Server 2008 R2).
pub const TDS_7_3B: u32 = 0x730B_0003;
/// TDS 7.3 revision A (SQL Server 2008).
pub const TDS_7_3A: u32 = 0x730A_0003;
/// TDS 7.2 (SQL Server 2005): the oldest version whose requests carry ALL_HEADERS.
pub const TDS_7_2: u32 = 0x7209_0002;

/// The collation the server reports and tags character columns with:
/// `SQL_Latin1_General_CP1_CI_AS` (LCID 0x0409, code page 1252) [MS-TDS 2.2.5.1.2].
pub const DEFAULT_COLLATION: [u8; 5] = [0x09, 0x04, 0xD0, 0x00, 0x34];

/// A codec error: the bytes are not valid TDS, or use a part of it sbroker does not speak.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input ends before the structure does.
    #[error("truncated TDS data: {0}")]
    Truncated(&'static str),
    /// The bytes break a rule of the protocol.
    #[error("malformed TDS data: {0}")]
    Malformed(String),
    /// Valid TDS that sbroker does not implement (a legacy type, a token it never sends).
    #[error("unsupported TDS feature: {0}")]
    Unsupported(String),
}

/// Result of the codec.
pub type Result<T> = std::result::Result<T, Error>;
