//! The store: one committer thread doing group commit over a [`StorageBackend`].
//!
//! Protocol (normative copy in `docs/design.md`):
//! 1. `submit` appends the write set to the pending list and gives it the next sequence
//!    number `seq` (1, 2, 3, …). Callers submit in their commit order; the engine submits
//!    while holding its state lock, so storage order equals engine commit order.
//! 2. The committer takes the whole pending list (every write set waiting at that moment),
//!    calls `backend.apply` once for all of them, then publishes `durable_seq` = the highest
//!    `seq` of the batch and wakes every waiter.
//! 3. If `apply` fails, the committer records `failed_from` = the lowest `seq` of that batch
//!    and the store is poisoned: the failed batch's waiters and every later submit get an
//!    error. Batches before it stay acknowledged; they were durable before the failure.

use std::collections::VecDeque;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};

use crate::{StorageBackend, StorageError, WriteSet};

/// Limit on write sets handed to the backend in one batch, so one fsync never waits on an
/// unbounded amount of data.
const BATCH_WRITE_SETS_MAX: usize = 4096;

struct Shared {
    state: Mutex<State>,
    /// Signals the committer that work is pending (or shutdown).
    work: Condvar,
    /// Signals waiters that `durable_seq` or `failed_from` moved.
    done: Condvar,
}

struct State {
    pending: VecDeque<(u64, WriteSet)>,
    next_seq: u64,
    durable_seq: u64,
    failed_from: Option<u64>,
    failure: Option<StorageError>,
    shutdown: bool,
    stats: StoreStats,
}

/// Counters of the committer, for benchmarks and diagnostics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoreStats {
    /// Write sets made durable.
    pub commits: u64,
    /// Backend batches (one fsync each).
    pub batches: u64,
    /// Bytes of keys and values written.
    pub bytes: u64,
}

/// Group-committing store over a backend.
pub struct Store {
    shared: Arc<Shared>,
    backend: Arc<dyn StorageBackend>,
    committer: Option<JoinHandle<()>>,
}

/// A submitted write set; [`CommitTicket::wait`] blocks until it is durable.
#[must_use = "a commit is only durable once wait() returns Ok"]
pub struct CommitTicket {
    shared: Arc<Shared>,
    seq: u64,
}

impl Store {
    /// Starts a store over `backend` with its committer thread.
    pub fn new(backend: Arc<dyn StorageBackend>) -> Self {
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                pending: VecDeque::new(),
                next_seq: 1,
                durable_seq: 0,
                failed_from: None,
                failure: None,
                shutdown: false,
                stats: StoreStats::default(),
            }),
            work: Condvar::new(),
            done: Condvar::new(),
        });
        let worker_shared = Arc::clone(&shared);
        let worker_backend = Arc::clone(&backend);
        let committer = std::thread::Builder::new()
            .name("sbroker-committer".into())
            .spawn(move || committer_loop(&worker_shared, worker_backend.as_ref()))
            .ok();
        Self {
            shared,
            backend,
            committer,
        }
    }

    /// The backend, for reads (recovery, lazily loaded rows).
    pub fn backend(&self) -> &Arc<dyn StorageBackend> {
        &self.backend
    }

    /// Queues `ws` for the next group commit. Fails at once if the store is poisoned.
    pub fn submit(&self, ws: WriteSet) -> Result<CommitTicket, StorageError> {
        let mut st = self.shared.state.lock();
        if st.failed_from.is_some() {
            return Err(StorageError::Poisoned);
        }
        if st.shutdown || self.committer.is_none() {
            return Err(StorageError::Closed);
        }
        let seq = st.next_seq;
        st.next_seq += 1;
        st.pending.push_back((seq, ws));
        drop(st);
        self.shared.work.notify_one();
        Ok(CommitTicket {
            shared: Arc::clone(&self.shared),
            seq,
        })
    }

    /// True once a write failed; the store then refuses every write.
    pub fn is_poisoned(&self) -> bool {
        self.shared.state.lock().failed_from.is_some()
    }

    /// Committer counters so far.
    pub fn stats(&self) -> StoreStats {
        self.shared.state.lock().stats
    }

    /// Waits until everything submitted so far is durable (or failed).
    pub fn flush(&self) -> Result<(), StorageError> {
        let seq = self.shared.state.lock().next_seq - 1;
        CommitTicket {
            shared: Arc::clone(&self.shared),
            seq,
        }
        .wait()
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        self.shared.state.lock().shutdown = true;
        self.shared.work.notify_all();
        if let Some(h) = self.committer.take() {
            let _ = h.join();
        }
    }
}

impl CommitTicket {
    /// Blocks until the write set is durable. An error means it is not acknowledged: it may
    /// or may not be found after recovery, and the store is poisoned.
    pub fn wait(self) -> Result<(), StorageError> {
        let mut st = self.shared.state.lock();
        loop {
            if let Some(failed) = st.failed_from
                && self.seq >= failed
            {
                return Err(st.failure.clone().unwrap_or(StorageError::Poisoned));
            }
            if st.durable_seq >= self.seq {
                return Ok(());
            }
            if st.shutdown && st.pending.is_empty() && st.durable_seq < self.seq {
                return Err(StorageError::Closed);
            }
            self.shared
                .done
                .wait_for(&mut st, Duration::from_millis(100));
        }
    }

    /// Like [`CommitTicket::wait`] with an upper bound on the wait; `None` on timeout.
    pub fn wait_timeout(self, limit: Duration) -> Option<Result<(), StorageError>> {
        let deadline = Instant::now() + limit;
        let mut st = self.shared.state.lock();
        loop {
            if let Some(failed) = st.failed_from
                && self.seq >= failed
            {
                return Some(Err(st.failure.clone().unwrap_or(StorageError::Poisoned)));
            }
            if st.durable_seq >= self.seq {
                return Some(Ok(()));
            }
            if self.shared.done.wait_until(&mut st, deadline).timed_out() {
                return None;
            }
        }
    }
}

fn committer_loop(shared: &Shared, backend: &dyn StorageBackend) {
    loop {
        let batch: Vec<(u64, WriteSet)> = {
            let mut st = shared.state.lock();
            while st.pending.is_empty() && !st.shutdown {
                shared.work.wait(&mut st);
            }
            if st.pending.is_empty() && st.shutdown {
                return;
            }
            let n = st.pending.len().min(BATCH_WRITE_SETS_MAX);
            st.pending.drain(..n).collect()
        };
        let (Some(first), Some(last)) = (batch.first().map(|b| b.0), batch.last().map(|b| b.0))
        else {
            continue;
        };
        let sets: Vec<WriteSet> = batch.into_iter().map(|(_, ws)| ws).collect();
        let bytes: u64 = sets.iter().map(|w| w.size_bytes() as u64).sum();
        let result = backend.apply(&sets);
        let mut st = shared.state.lock();
        match result {
            Ok(()) => {
                debug_assert!(last > st.durable_seq, "durable sequence must only grow");
                st.durable_seq = last;
                st.stats.commits += sets.len() as u64;
                st.stats.batches += 1;
                st.stats.bytes += bytes;
            }
            Err(e) => {
                // Poison: this batch and everything after it is refused. The pending list is
                // failed as well, since a later write set may depend on this one.
                st.failed_from = Some(first);
                st.failure = Some(e);
                st.pending.clear();
            }
        }
        drop(st);
        shared.done.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FaultMode, FaultyBackend, MemoryBackend, Table};

    fn ws(k: u8) -> WriteSet {
        let mut w = WriteSet::new();
        w.put(Table::Message, vec![k], vec![k]);
        w
    }

    #[test]
    fn commits_become_durable_in_order() {
        let mem = MemoryBackend::new();
        let store = Store::new(Arc::new(mem.clone()));
        let tickets: Vec<_> = (0..50)
            .map(|i| store.submit(ws(i)).expect("submit"))
            .collect();
        for t in tickets {
            t.wait().expect("durable");
        }
        assert_eq!(mem.scan(Table::Message).expect("scan").len(), 50);
        let stats = store.stats();
        assert_eq!(stats.commits, 50);
        assert!(stats.batches <= 50);
    }

    #[test]
    fn group_commit_serves_concurrent_committers_with_fewer_syncs() {
        let dir = tempfile::tempdir().expect("tempdir");
        let backend = Arc::new(crate::SqliteBackend::open(dir.path()).expect("open"));
        let store = Arc::new(Store::new(backend));
        let threads: Vec<_> = (0..8u8)
            .map(|t| {
                let store = Arc::clone(&store);
                std::thread::spawn(move || {
                    for i in 0..50u8 {
                        let mut w = WriteSet::new();
                        w.put(Table::Message, vec![t, i], vec![0; 100]);
                        store.submit(w).expect("submit").wait().expect("durable");
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().expect("join");
        }
        let stats = store.stats();
        assert_eq!(stats.commits, 400);
        assert!(
            stats.batches < 400,
            "8 concurrent committers must share fsyncs: {stats:?}"
        );
    }

    #[test]
    fn failed_write_poisons_and_keeps_acknowledged_commits() {
        for mode in [FaultMode::FailBeforeWrite, FaultMode::FailAfterWrite] {
            let mem = MemoryBackend::new();
            let faulty = Arc::new(FaultyBackend::new(mem.clone()));
            let store = Store::new(faulty.clone());
            store
                .submit(ws(1))
                .expect("submit")
                .wait()
                .expect("first is durable");
            faulty.fail_at(1, mode, false);
            let err = store.submit(ws(2)).expect("submit").wait();
            assert!(err.is_err(), "the failed batch must not be acknowledged");
            assert!(store.is_poisoned());
            assert_eq!(store.submit(ws(3)).err(), Some(StorageError::Poisoned));
            // The acknowledged commit is there; the refused one never is reported.
            let rows = mem.scan(Table::Message).expect("scan");
            assert!(rows.contains(&(vec![1], vec![1])));
            assert!(!rows.contains(&(vec![3], vec![3])));
        }
    }
}
