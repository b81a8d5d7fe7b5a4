//! Durable storage for sbroker.
//!
//! The engine keeps its working state in memory and describes every committed transaction
//! as a [`WriteSet`]: a list of row-level changes (put or delete of one keyed row of one
//! [`Table`]). This crate makes write sets durable:
//!
//! * [`Store`] owns one committer thread. [`Store::submit`] queues a write set in commit
//!   order and returns a [`CommitTicket`]; [`CommitTicket::wait`] returns once that write set
//!   is durable. The committer takes *every* write set waiting at that moment and hands them
//!   to the backend as one batch: one atomic backend transaction and one fsync serve them all
//!   (group commit).
//! * [`StorageBackend`] is the seam below: it applies a batch atomically and durably and
//!   reads rows back at recovery. [`SqliteBackend`] is the embedded default (SQLite in WAL
//!   mode, `synchronous=FULL`); [`MemoryBackend`] keeps rows in memory (tests, simulation);
//!   [`FaultyBackend`] wraps another backend and fails chosen batches (fault-injection tests).
//! * After a failed batch the store is *poisoned*: every later submit fails with
//!   [`StorageError::Poisoned`] until the store is reopened and state is recovered from what
//!   is durable. Nothing acknowledged is ever lost, and nothing unacknowledged is reported as
//!   durable.
//!
//! The seam is at the level of engine state changes, not file pages, so a backend that keeps
//! the same rows in PostgreSQL tables can replace SQLite without touching the engine.
//!
//! This crate knows nothing of Service Broker semantics; keys and values are opaque bytes.

mod backend;
mod faulty;
mod memory;
mod sqlite;
mod store;

pub use backend::{Change, Row, StorageBackend, Table, WriteSet};
pub use faulty::{FaultMode, FaultyBackend};
pub use memory::MemoryBackend;
pub use sqlite::SqliteBackend;
pub use store::{CommitTicket, Store, StoreStats};

/// Errors of the storage layer.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum StorageError {
    /// A write or fsync failed. The batch it carried is not durable.
    #[error("storage I/O error: {0}")]
    Io(String),
    /// An earlier write or fsync failed; the store refuses writes until it is reopened.
    #[error("storage is poisoned by an earlier write failure; reopen to recover")]
    Poisoned,
    /// The store was shut down.
    #[error("storage is closed")]
    Closed,
    /// Stored data could not be decoded.
    #[error("storage data is corrupt: {0}")]
    Corrupt(String),
}
