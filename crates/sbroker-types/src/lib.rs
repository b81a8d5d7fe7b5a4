//! Types shared by every sbroker crate: the SQL Server style error (`ServerError`),
//! identifiers, and (in [`value`]) the SQL value system the interpreter computes with.
//!
//! This crate must not depend on any other sbroker crate: it is the bottom of the graph.

pub mod error;

pub use error::ServerError;
pub use uuid::Uuid;

/// Formats a GUID the way SQL Server prints a `uniqueidentifier`: uppercase, hyphenated.
pub fn guid_string(id: &Uuid) -> String {
    id.hyphenated().to_string().to_uppercase()
}
