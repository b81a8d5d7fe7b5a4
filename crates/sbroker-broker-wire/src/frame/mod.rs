//! The frames, one file each. Each owns its payload layout, encoder, decoder and tests.

pub mod accept;
pub mod ack;
pub mod error;
pub mod fragment;
pub mod handshake;
pub mod message;
pub mod open;

/// Longest name on the wire: 256 characters of up to 4 UTF-8 bytes (sysname and the
/// 256-character service and contract names).
pub const NAME_BYTES_MAX: usize = 1024;
/// Longest status or error text.
pub const TEXT_BYTES_MAX: usize = 8192;
