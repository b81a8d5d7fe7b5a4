//! Types shared by every sbroker crate: the SQL Server style error (`ServerError`),
//! identifiers, and (in [`value`]) the SQL value system the interpreter computes with.
//!
//! This crate must not depend on any other sbroker crate: it is the bottom of the graph.

pub mod convert;
pub mod datetime;
pub mod decimal;
pub mod encoding;
pub mod error;
pub mod ops;
pub mod types;
pub mod value;
pub mod xml;

pub use convert::convert;
pub use decimal::Decimal;
pub use error::ServerError;
pub use ops::ArithOp;
pub use types::{SqlType, StrLen, TypeArg, default_len_for_cast};
pub use uuid::Uuid;
pub use value::Value;

/// Formats a GUID the way SQL Server prints a `uniqueidentifier`: uppercase, hyphenated.
pub fn guid_string(id: &Uuid) -> String {
    id.hyphenated().to_string().to_uppercase()
}
