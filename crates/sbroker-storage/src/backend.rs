//! The backend seam: row-level changes and the trait every backend implements.

use crate::StorageError;

/// The kinds of rows the engine stores. Each maps to one logical table in a backend.
///
/// The numeric value is part of the on-disk format (see `docs/design.md`): never renumber.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum Table {
    /// Instance-wide metadata (format version, counters).
    Meta = 0,
    /// Databases of the instance.
    Database = 1,
    /// Broker catalog objects (message types, contracts, queues, services, routes, …).
    Catalog = 2,
    /// Conversation endpoints.
    Endpoint = 3,
    /// Conversation groups.
    Group = 4,
    /// Messages in service queues (metadata and body).
    Message = 5,
    /// Messages in transmission queues.
    Transmission = 6,
    /// Objects owned by the T-SQL layer (procedures, table definitions, …), opaque here.
    Object = 7,
    /// Rows of user tables, opaque here.
    UserRow = 8,
    /// Message bodies, kept apart from message metadata so status changes do not rewrite
    /// them and bodies need not be in memory.
    MessageBody = 9,
}

impl Table {
    /// Every table, in numeric order.
    pub const ALL: [Table; 10] = [
        Table::Meta,
        Table::Database,
        Table::Catalog,
        Table::Endpoint,
        Table::Group,
        Table::Message,
        Table::Transmission,
        Table::Object,
        Table::UserRow,
        Table::MessageBody,
    ];

    /// The table with this numeric code.
    pub fn from_code(code: u8) -> Option<Table> {
        Table::ALL.iter().copied().find(|t| *t as u8 == code)
    }
}

/// One row-level change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Insert or replace the row `key` of `table` with `value`.
    Put {
        /// Table of the row.
        table: Table,
        /// Primary key.
        key: Vec<u8>,
        /// New value.
        value: Vec<u8>,
    },
    /// Delete the row `key` of `table` (no effect if absent).
    Delete {
        /// Table of the row.
        table: Table,
        /// Primary key.
        key: Vec<u8>,
    },
}

/// The changes of one committed transaction; applied all or nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteSet {
    /// Changes, applied in order.
    pub changes: Vec<Change>,
}

impl WriteSet {
    /// An empty write set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a put.
    pub fn put(&mut self, table: Table, key: Vec<u8>, value: Vec<u8>) {
        self.changes.push(Change::Put { table, key, value });
    }

    /// Adds a delete.
    pub fn delete(&mut self, table: Table, key: Vec<u8>) {
        self.changes.push(Change::Delete { table, key });
    }

    /// True when there is nothing to write.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Total bytes of keys and values (for statistics and limits).
    pub fn size_bytes(&self) -> usize {
        self.changes
            .iter()
            .map(|c| match c {
                Change::Put { key, value, .. } => key.len() + value.len(),
                Change::Delete { key, .. } => key.len(),
            })
            .sum()
    }
}

/// A stored row: key and value.
pub type Row = (Vec<u8>, Vec<u8>);

/// A durable home for rows.
///
/// `apply` is only ever called from the store's committer thread, one batch at a time, in
/// commit order. It must be atomic (all write sets of the batch or none survive a crash) and
/// durable when it returns `Ok`. Reads may be called from any thread.
pub trait StorageBackend: Send + Sync {
    /// Applies every write set of `batch`, in order, atomically and durably.
    fn apply(&self, batch: &[WriteSet]) -> Result<(), StorageError>;

    /// All rows of `table`, ordered by key.
    fn scan(&self, table: Table) -> Result<Vec<Row>, StorageError>;

    /// One row.
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError>;

    /// Number of fsyncs (or equivalent) performed so far, for statistics.
    fn sync_count(&self) -> u64 {
        0
    }
}
