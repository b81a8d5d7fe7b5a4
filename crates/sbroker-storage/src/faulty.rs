//! A fault-injecting backend wrapper for tests: fails chosen batches the way a failing
//! disk would.

use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::Mutex;

use crate::{Row, StorageBackend, StorageError, Table, WriteSet};

/// How an injected fault behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultMode {
    /// The write fails before anything reaches the inner backend (a failed `write`).
    FailBeforeWrite,
    /// The write reaches the inner backend, then the fsync is reported failed. After a real
    /// fsync failure the data may or may not be on disk; the batch must not be acknowledged.
    FailAfterWrite,
}

/// Wraps a backend and fails the `n`-th call of `apply` (1-based) and, optionally, every
/// later one.
pub struct FaultyBackend<B> {
    inner: B,
    calls: AtomicU64,
    plan: Mutex<Option<(u64, FaultMode, bool)>>,
}

impl<B: StorageBackend> FaultyBackend<B> {
    /// Wraps `inner` with no fault planned.
    pub fn new(inner: B) -> Self {
        Self {
            inner,
            calls: AtomicU64::new(0),
            plan: Mutex::new(None),
        }
    }

    /// Plans a fault at the `nth` future `apply` call counted from now (1 = the next one).
    /// With `sticky`, every later call fails too.
    pub fn fail_at(&self, nth: u64, mode: FaultMode, sticky: bool) {
        let base = self.calls.load(Ordering::SeqCst);
        *self.plan.lock() = Some((base + nth, mode, sticky));
    }

    /// The wrapped backend.
    pub fn inner(&self) -> &B {
        &self.inner
    }
}

impl<B: StorageBackend> StorageBackend for FaultyBackend<B> {
    fn apply(&self, batch: &[WriteSet]) -> Result<(), StorageError> {
        let call = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        let plan = *self.plan.lock();
        if let Some((at, mode, sticky)) = plan
            && (call == at || (sticky && call > at))
        {
            if mode == FaultMode::FailAfterWrite {
                self.inner.apply(batch)?;
            }
            return Err(StorageError::Io(format!("injected fault at apply #{call}")));
        }
        self.inner.apply(batch)
    }

    fn scan(&self, table: Table) -> Result<Vec<Row>, StorageError> {
        self.inner.scan(table)
    }

    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        self.inner.get(table, key)
    }

    fn sync_count(&self) -> u64 {
        self.inner.sync_count()
    }
}
