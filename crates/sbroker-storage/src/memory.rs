//! An in-memory backend: rows in ordered maps. Used by tests and the simulator.
//!
//! Clones share the same rows, so a test can "reopen" a store over the same memory.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::Mutex;

use crate::{Change, Row, StorageBackend, StorageError, Table, WriteSet};

type Rows = BTreeMap<(Table, Vec<u8>), Vec<u8>>;

/// Rows kept in memory; `apply` is atomic because it holds one lock for the whole batch.
#[derive(Clone, Default)]
pub struct MemoryBackend {
    rows: Arc<Mutex<Rows>>,
    syncs: Arc<AtomicU64>,
}

impl MemoryBackend {
    /// An empty backend.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of rows stored in all tables.
    pub fn len(&self) -> usize {
        self.rows.lock().len()
    }

    /// True when no row is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl StorageBackend for MemoryBackend {
    fn apply(&self, batch: &[WriteSet]) -> Result<(), StorageError> {
        let mut rows = self.rows.lock();
        for ws in batch {
            for c in &ws.changes {
                match c {
                    Change::Put { table, key, value } => {
                        rows.insert((*table, key.clone()), value.clone());
                    }
                    Change::Delete { table, key } => {
                        rows.remove(&(*table, key.clone()));
                    }
                }
            }
        }
        self.syncs.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn scan(&self, table: Table) -> Result<Vec<Row>, StorageError> {
        let rows = self.rows.lock();
        Ok(rows
            .range((table, Vec::new())..)
            .take_while(|((t, _), _)| *t == table)
            .map(|((_, k), v)| (k.clone(), v.clone()))
            .collect())
    }

    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        Ok(self.rows.lock().get(&(table, key.to_vec())).cloned())
    }

    fn sync_count(&self) -> u64 {
        self.syncs.load(Ordering::Relaxed)
    }
}
