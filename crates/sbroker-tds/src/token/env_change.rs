//! ENVCHANGE [MS-TDS 2.2.7.9]: the server tells the client that session state changed.

use crate::buf::{Reader, put_b_varbyte, put_b_varchar};
use crate::{Error, Result};

/// An environment change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvChange {
    /// Type 1: current database.
    Database {
        /// New database.
        new: String,
        /// Previous database.
        old: String,
    },
    /// Type 2: language.
    Language(String),
    /// Type 4: packet size.
    PacketSize(u32),
    /// Type 7: SQL collation (5 bytes).
    Collation([u8; 5]),
    /// Type 8: a transaction began; its descriptor.
    BeginTransaction([u8; 8]),
    /// Type 9: the transaction with this descriptor committed.
    CommitTransaction([u8; 8]),
    /// Type 10: the transaction with this descriptor rolled back.
    RollbackTransaction([u8; 8]),
    /// Any other type (skipped).
    Other(u8),
}

/// Writes an ENVCHANGE token.
pub fn encode_env_change(out: &mut Vec<u8>, e: &EnvChange) {
    let mut body = Vec::new();
    match e {
        EnvChange::Database { new, old } => {
            body.push(1);
            put_b_varchar(&mut body, new);
            put_b_varchar(&mut body, old);
        }
        EnvChange::Language(l) => {
            body.push(2);
            put_b_varchar(&mut body, l);
            put_b_varchar(&mut body, "");
        }
        EnvChange::PacketSize(n) => {
            body.push(4);
            put_b_varchar(&mut body, &n.to_string());
            put_b_varchar(&mut body, "4096");
        }
        EnvChange::Collation(c) => {
            body.push(7);
            put_b_varbyte(&mut body, c);
            put_b_varbyte(&mut body, &[]);
        }
        EnvChange::BeginTransaction(d) => {
            body.push(8);
            put_b_varbyte(&mut body, d);
            put_b_varbyte(&mut body, &[]);
        }
        EnvChange::CommitTransaction(d) => {
            body.push(9);
            put_b_varbyte(&mut body, &[]);
            put_b_varbyte(&mut body, d);
        }
        EnvChange::RollbackTransaction(d) => {
            body.push(10);
            put_b_varbyte(&mut body, &[]);
            put_b_varbyte(&mut body, d);
        }
        EnvChange::Other(t) => {
            body.push(*t);
            put_b_varbyte(&mut body, &[]);
            put_b_varbyte(&mut body, &[]);
        }
    }
    out.push(super::kind::ENV_CHANGE);
    out.extend_from_slice(&u16::try_from(body.len()).unwrap_or(u16::MAX).to_le_bytes());
    out.extend_from_slice(&body);
}

fn descriptor(b: &[u8]) -> [u8; 8] {
    let mut d = [0u8; 8];
    if let Some(s) = b.get(..8) {
        d.copy_from_slice(s);
    }
    d
}

pub(super) fn decode(r: &mut Reader<'_>) -> Result<EnvChange> {
    let len = usize::from(r.u16_le("envchange length")?);
    let body = r.take(len, "envchange")?;
    let mut b = Reader::new(body);
    let ty = b.u8("envchange type")?;
    Ok(match ty {
        1 => EnvChange::Database {
            new: b.b_varchar("new database")?,
            old: b.b_varchar("old database")?,
        },
        2 => EnvChange::Language(b.b_varchar("language")?),
        4 => {
            let s = b.b_varchar("packet size")?;
            EnvChange::PacketSize(
                s.parse()
                    .map_err(|_| Error::Malformed(format!("packet size '{s}'")))?,
            )
        }
        7 => {
            let c = b.b_varbyte("collation")?;
            let mut a = [0u8; 5];
            if let Some(s) = c.get(..5) {
                a.copy_from_slice(s);
            }
            EnvChange::Collation(a)
        }
        8 => EnvChange::BeginTransaction(descriptor(b.b_varbyte("descriptor")?)),
        9 | 10 => {
            b.b_varbyte("new descriptor")?;
            let d = descriptor(b.b_varbyte("old descriptor")?);
            if ty == 9 {
                EnvChange::CommitTransaction(d)
            } else {
                EnvChange::RollbackTransaction(d)
            }
        }
        other => EnvChange::Other(other),
    })
}
