//! The instance (one data directory) and sessions (one transaction context each).
//!
//! Concurrency model: one engine lock (`Inner::state`) guards all in-memory state; every
//! statement runs under it and releases it only while waiting (group locks, WAITFOR) or
//! for the fsync at COMMIT. The lock is never held across storage I/O: a commit hands its
//! write set to the store in commit order, releases the lock, then waits for durability.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicI64, Ordering};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex, MutexGuard};
use sbroker_storage::{SqliteBackend, StorageBackend, Store, StoreStats};
use sbroker_types::ServerError;
use uuid::Uuid;

use crate::catalog;
use crate::records::*;
use crate::state::{Db, State};
use crate::txn::{self, Txn, TxnId};

/// Source of the current time, so tests and the simulator can move time by hand.
pub trait Clock: Send + Sync {
    /// Microseconds since 1970-01-01 UTC.
    fn now(&self) -> Ts;
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Ts {
        let d = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
    }
}

/// A clock that only moves when told to.
#[derive(Debug)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    /// A clock set to `start`.
    pub fn new(start: Ts) -> Self {
        Self(AtomicI64::new(start))
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        self.0.fetch_add(
            i64::try_from(by.as_micros()).unwrap_or(i64::MAX),
            Ordering::SeqCst,
        );
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Ts {
        self.0.load(Ordering::SeqCst)
    }
}

/// Options of an instance.
#[derive(Clone)]
pub struct Options {
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// Run the background worker (timers, lifetimes, transmission retries, disposal).
    pub background: bool,
    /// How long a closed target endpoint stays in CD before it is deleted.
    pub closed_linger: Duration,
    /// Bytes of message bodies kept in memory; beyond it the bodies of durable messages are
    /// dropped from memory and read back from storage when received, so a backlog can be
    /// larger than RAM.
    pub body_cache_bytes: usize,
    /// Where relative file paths of BACKUP / CREATE CERTIFICATE … FILE resolve (SQL
    /// Server's default data folder): the data directory; `None` = the current directory.
    pub file_dir: Option<std::path::PathBuf>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            clock: Arc::new(SystemClock),
            background: true,
            closed_linger: Duration::from_secs(60),
            body_cache_bytes: 64 << 20,
            file_dir: None,
        }
    }
}

pub(crate) struct Inner {
    pub(crate) state: Mutex<State>,
    /// Notified after every commit and rollback: waiters re-check their condition.
    pub(crate) changed: Condvar,
    pub(crate) store: Store,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) opts: Options,
    /// Runs activation procedures (installed by the T-SQL layer).
    pub(crate) activator: Mutex<Option<Arc<dyn crate::activation::Activator>>>,
    /// Queue monitors and running activated tasks.
    pub(crate) activation: Mutex<crate::activation::ActivationState>,
    shutdown: AtomicBool,
    next_spid: AtomicI32,
    /// Open sessions by spid (sys.dm_exec_sessions); a session leaves when dropped.
    pub(crate) sessions: Mutex<std::collections::BTreeMap<i32, SessionInfo>>,
    /// The broker transport's view of its links (sys.dm_broker_connections), when one runs.
    pub(crate) network: Mutex<Option<Arc<dyn crate::remote::NetworkStatus>>>,
}

/// Who a session is, as sys.dm_exec_sessions / sys.dm_exec_connections show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    /// Login name (`sa` for embedded and activation sessions).
    pub login_name: String,
    /// Client machine name (LOGIN7 HostName), empty when unknown.
    pub host_name: String,
    /// Client program name (LOGIN7 AppName), empty when unknown.
    pub program_name: String,
    /// Client address (`ip:port`) for network sessions.
    pub client_address: Option<String>,
    /// Network protocol of the connection ("TCP"), `None` for in-process sessions.
    pub net_transport: Option<String>,
    /// Whether the connection is encrypted (TLS).
    pub encrypted: bool,
    /// When the session began.
    pub login_time: Ts,
    /// Current database (as of the session's last USE).
    pub database_id: i32,
}

/// One sbroker instance: a data directory with `master`, system databases and user
/// databases. Cheap to clone; every clone is the same instance.
#[derive(Clone)]
pub struct Instance {
    pub(crate) inner: Arc<Inner>,
}

/// Ids of the system databases.
pub const MASTER_DB: i32 = 1;
/// tempdb.
pub const TEMPDB_DB: i32 = 2;
/// model.
pub const MODEL_DB: i32 = 3;
/// msdb.
pub const MSDB_DB: i32 = 4;
/// First id of user databases.
pub const FIRST_USER_DB: i32 = 5;

pub(crate) fn storage_error(e: sbroker_storage::StorageError) -> ServerError {
    ServerError::new(3314, format!("A storage failure stopped the commit: {e}")).with_severity(21)
}

/// Builds a new database record and its built-in objects.
pub(crate) fn new_database(id: i32, name: &str, broker_enabled: bool, now: Ts) -> Db {
    let rec = DatabaseRec {
        id,
        name: name.into(),
        broker_guid: Uuid::new_v4(),
        broker_enabled,
        trustworthy: false,
        honor_priority: false,
        create_ts: now,
        next_broker_id: catalog::USER_ID_MIN,
        next_object_id: catalog::FIRST_USER_OBJECT_ID,
    };
    let mut db = Db::new(rec);
    catalog::add_builtins(&mut db, now);
    if id != MASTER_DB {
        db.routes.insert(
            catalog::USER_ID_MIN,
            RouteRec {
                id: catalog::USER_ID_MIN,
                name: "AutoCreatedLocal".into(),
                principal_id: 1,
                service_name: None,
                broker_instance: None,
                lifetime: None,
                address: "LOCAL".into(),
                mirror_address: None,
            },
        );
    }
    db
}

impl Instance {
    /// Opens (creating if needed) the instance stored in `dir`.
    pub fn open(dir: impl AsRef<Path>) -> Result<Instance, ServerError> {
        let backend = SqliteBackend::open(dir.as_ref()).map_err(storage_error)?;
        let opts = Options {
            file_dir: Some(dir.as_ref().to_path_buf()),
            ..Options::default()
        };
        Self::open_with(Arc::new(backend), opts)
    }

    /// Opens an instance over any backend.
    pub fn open_with(
        backend: Arc<dyn StorageBackend>,
        opts: Options,
    ) -> Result<Instance, ServerError> {
        let mut state = State::recover(backend.as_ref()).map_err(storage_error)?;
        for db in state.dbs.values_mut() {
            catalog::ensure_fixed_roles(db);
        }
        state.body_store = crate::state::BodyStore(Some(Arc::clone(&backend)));
        state.body_budget = opts.body_cache_bytes;
        let store = Store::new(Arc::clone(&backend));
        let now = opts.clock.now();
        if state.dbs.is_empty() {
            // A fresh instance: create the system databases in one durable commit.
            let mut tx = Txn::new(TxnId(0));
            for (id, name, enabled) in [
                (MASTER_DB, "master", false),
                (TEMPDB_DB, "tempdb", true),
                (MODEL_DB, "model", false),
                (MSDB_DB, "msdb", true),
            ] {
                let db = new_database(id, name, enabled, now);
                txn::add_db(&mut state, &mut tx, db);
                persist_whole_db(&state, &mut tx, id);
            }
            let dirty = tx.take_dirty();
            let ws = state.write_set(&dirty);
            store
                .submit(ws)
                .and_then(|t| t.wait())
                .map_err(storage_error)?;
        }
        // The service master key exists before any session runs: made inside a user
        // transaction, a rollback could take it away from a key another session wrapped.
        {
            let mut tx = Txn::new(TxnId(0));
            if crate::security::ensure_service_master_key(&mut state, &mut tx) {
                let dirty = tx.take_dirty();
                let ws = state.write_set(&dirty);
                store
                    .submit(ws)
                    .and_then(|t| t.wait())
                    .map_err(storage_error)?;
            }
        }
        let inner = Arc::new(Inner {
            state: Mutex::new(state),
            changed: Condvar::new(),
            store,
            clock: Arc::clone(&opts.clock),
            opts: opts.clone(),
            activator: Mutex::new(None),
            activation: Mutex::new(crate::activation::ActivationState::default()),
            shutdown: AtomicBool::new(false),
            next_spid: AtomicI32::new(51),
            sessions: Mutex::new(std::collections::BTreeMap::new()),
            network: Mutex::new(None),
        });
        if opts.background {
            let weak = Arc::downgrade(&inner);
            let _ = std::thread::Builder::new()
                .name("sbroker-background".into())
                .spawn(move || background_loop(&weak));
        }
        Ok(Instance { inner })
    }

    /// A new session whose current database is `master`.
    pub fn session(&self) -> Session {
        let spid = self.inner.next_spid.fetch_add(1, Ordering::Relaxed);
        self.inner.sessions.lock().insert(
            spid,
            SessionInfo {
                login_name: "sa".into(),
                host_name: String::new(),
                program_name: String::new(),
                client_address: None,
                net_transport: None,
                encrypted: false,
                login_time: self.inner.clock.now(),
                database_id: MASTER_DB,
            },
        );
        Session {
            inner: Arc::clone(&self.inner),
            db: MASTER_DB,
            txn: None,
            trancount: 0,
            spid,
            cancel: Arc::new(AtomicBool::new(false)),
            next_owner: None,
            open_keys: Default::default(),
        }
    }

    /// The open sessions (sys.dm_exec_sessions).
    pub fn sessions(&self) -> Vec<(i32, SessionInfo)> {
        self.inner
            .sessions
            .lock()
            .iter()
            .map(|(k, v)| (*k, v.clone()))
            .collect()
    }

    /// The store's group-commit counters.
    pub fn store_stats(&self) -> StoreStats {
        self.inner.store.stats()
    }

    /// Number of fsyncs the backend did.
    pub fn sync_count(&self) -> u64 {
        self.inner.store.backend().sync_count()
    }

    /// Runs due background work now: timers, lifetimes, transmission retries, disposal.
    /// The background thread calls this periodically; tests with a manual clock call it.
    pub fn run_background_once(&self) {
        crate::broker::background_pass(&self.inner, true);
        crate::activation::monitor_pass(&self.inner, self.inner.clock.now());
    }

    /// Read access to the whole state (catalog views, diagnostics).
    pub fn with_state<T>(&self, f: impl FnOnce(&State) -> T) -> T {
        f(&self.inner.state.lock())
    }

    /// Current time of the instance clock.
    pub fn now(&self) -> Ts {
        self.inner.clock.now()
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.shutdown.store(true, Ordering::SeqCst);
    }
}

fn persist_whole_db(st: &State, tx: &mut Txn, id: i32) {
    use crate::state::{CatKind, RowRef};
    let Some(db) = st.db(id) else { return };
    for k in db.message_types.keys() {
        tx.touch(RowRef::Catalog(id, CatKind::MessageType, *k));
    }
    for k in db.contracts.keys() {
        tx.touch(RowRef::Catalog(id, CatKind::Contract, *k));
    }
    for k in db.queues.keys() {
        tx.touch(RowRef::Catalog(id, CatKind::Queue, *k));
    }
    for k in db.services.keys() {
        tx.touch(RowRef::Catalog(id, CatKind::Service, *k));
    }
    for k in db.routes.keys() {
        tx.touch(RowRef::Catalog(id, CatKind::Route, *k));
    }
    for k in db.principals.keys() {
        tx.touch(RowRef::Catalog(id, CatKind::Principal, *k));
    }
}

pub(crate) fn touch_new_db(st: &State, tx: &mut Txn, id: i32) {
    persist_whole_db(st, tx, id);
}

fn background_loop(weak: &Weak<Inner>) {
    let mut last_full = Instant::now();
    loop {
        std::thread::sleep(Duration::from_millis(50));
        let Some(inner) = weak.upgrade() else { return };
        if inner.shutdown.load(Ordering::SeqCst) {
            return;
        }
        let full = last_full.elapsed() >= Duration::from_millis(1000);
        if full {
            last_full = Instant::now();
        }
        crate::broker::background_pass(&inner, full);
        crate::activation::monitor_pass(&inner, inner.clock.now());
    }
}

/// A session: the current database, the open transaction (if any) and @@TRANCOUNT.
///
/// Every operation outside an explicit transaction runs in its own transaction that
/// commits (durably) before the call returns. Inside an explicit transaction a failing
/// operation undoes only its own changes (statement atomicity); the transaction stays open.
pub struct Session {
    pub(crate) inner: Arc<Inner>,
    pub(crate) db: i32,
    pub(crate) txn: Option<Txn>,
    trancount: u32,
    spid: i32,
    cancel: Arc<AtomicBool>,
    /// Owner for the next CREATE (AUTHORIZATION clause); dbo when unset.
    pub(crate) next_owner: Option<i32>,
    /// Database master keys opened with OPEN MASTER KEY (closed by CLOSE MASTER KEY).
    pub(crate) open_keys: crate::security::OpenKeys,
}

/// What an operation sees: the locked state, its transaction and the current database.
pub struct Ctx<'a, 'b> {
    pub(crate) guard: MutexGuard<'a, State>,
    pub(crate) inner: &'a Inner,
    pub(crate) tx: &'b mut Txn,
    pub(crate) db: i32,
    pub(crate) cancel: &'b AtomicBool,
}

impl Ctx<'_, '_> {
    /// Current time.
    pub fn now(&self) -> Ts {
        self.inner.clock.now()
    }

    /// Waits for a change (commit/rollback anywhere) until `deadline`; returns false on
    /// timeout. Fails if the session was cancelled.
    pub(crate) fn wait_change(&mut self, deadline: Option<Instant>) -> Result<bool, ServerError> {
        if self.cancel.load(Ordering::SeqCst) {
            return Err(ServerError::new(3617, "The query was cancelled.").with_severity(11));
        }
        let step = Instant::now() + Duration::from_millis(200);
        let until = deadline.map_or(step, |d| d.min(step));
        self.inner.changed.wait_until(&mut self.guard, until);
        if self.cancel.load(Ordering::SeqCst) {
            return Err(ServerError::new(3617, "The query was cancelled.").with_severity(11));
        }
        Ok(deadline.is_none_or(|d| Instant::now() < d))
    }

    /// Locks a conversation group for this transaction, waiting while another holds it.
    pub(crate) fn lock_group(&mut self, db: i32, g: Uuid) -> Result<(), ServerError> {
        let me = self.tx.id;
        loop {
            match self.guard.locks.get(&(db, g)).copied() {
                None => {
                    self.guard.locks.insert((db, g), me);
                    self.tx.locks.push((db, g));
                    return Ok(());
                }
                Some(owner) if owner == me => return Ok(()),
                Some(owner) => {
                    // Deadlock detection: follow the waits-for chain from the owner.
                    let mut cur = owner;
                    let mut steps = 0;
                    while let Some(next) = self.guard.waits_for.get(&cur).copied() {
                        if next == me {
                            return Err(ServerError::new(
                                1205,
                                "Transaction was deadlocked on lock resources with another process and has been chosen as the deadlock victim. Rerun the transaction.",
                            )
                            .with_severity(13));
                        }
                        cur = next;
                        steps += 1;
                        if steps > 10_000 {
                            break;
                        }
                    }
                    self.guard.waits_for.insert(me, owner);
                    let r = self.wait_change(None);
                    self.guard.waits_for.remove(&me);
                    r?;
                }
            }
        }
    }

    /// True when the group is locked by another transaction.
    pub(crate) fn locked_by_other(&self, db: i32, g: Uuid) -> bool {
        self.guard
            .locks
            .get(&(db, g))
            .is_some_and(|o| *o != self.tx.id)
    }

    /// Split borrow: the state and the transaction.
    pub(crate) fn parts(&mut self) -> (&mut State, &mut Txn) {
        (&mut self.guard, self.tx)
    }
}

impl Session {
    /// The session id (@@SPID).
    pub fn spid(&self) -> i32 {
        self.spid
    }

    /// The instance this session belongs to.
    pub fn instance(&self) -> Instance {
        Instance {
            inner: Arc::clone(&self.inner),
        }
    }

    /// Current database id.
    pub fn database_id(&self) -> i32 {
        self.db
    }

    /// Current database name.
    pub fn database_name(&self) -> String {
        self.inner
            .state
            .lock()
            .db(self.db)
            .map(|d| d.rec.name.clone())
            .unwrap_or_default()
    }

    /// USE: changes the current database.
    pub fn use_database(&mut self, name: &str) -> Result<(), ServerError> {
        let id = self.inner.state.lock().db_id_by_name(name).ok_or_else(|| {
            ServerError::new(
                911,
                format!("Database '{name}' does not exist. Make sure that the name is entered correctly."),
            )
        })?;
        self.db = id;
        if let Some(info) = self.inner.sessions.lock().get_mut(&self.spid) {
            info.database_id = id;
        }
        Ok(())
    }

    /// Describes the client of this session (the TDS server sets it after login).
    pub fn set_client_info(&self, info: impl FnOnce(&mut SessionInfo)) {
        if let Some(i) = self.inner.sessions.lock().get_mut(&self.spid) {
            info(i);
        }
    }

    /// This session's client description.
    pub fn client_info(&self) -> Option<SessionInfo> {
        self.inner.sessions.lock().get(&self.spid).cloned()
    }

    /// Sets the current database by id (used to run procedures in their database).
    pub fn set_database_id(&mut self, id: i32) {
        self.db = id;
    }

    /// A flag that, once set, makes this session's waits fail promptly (ATTENTION).
    pub fn cancel_flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.cancel)
    }

    /// @@TRANCOUNT.
    pub fn trancount(&self) -> u32 {
        self.trancount
    }

    /// True inside an explicit transaction.
    pub fn in_transaction(&self) -> bool {
        self.trancount > 0
    }

    /// BEGIN TRANSACTION (nested calls only increment @@TRANCOUNT).
    pub fn begin_transaction(&mut self) -> Result<(), ServerError> {
        if self.trancount == 0 {
            let id = {
                let mut st = self.inner.state.lock();
                let id = st.next_txn;
                st.next_txn += 1;
                id
            };
            self.txn = Some(Txn::new(TxnId(id)));
        }
        self.trancount += 1;
        Ok(())
    }

    /// COMMIT: decrements @@TRANCOUNT; the outermost commit makes everything durable.
    pub fn commit(&mut self) -> Result<(), ServerError> {
        if self.trancount == 0 {
            return Err(ServerError::new(
                3902,
                "The COMMIT TRANSACTION request has no corresponding BEGIN TRANSACTION.",
            ));
        }
        self.trancount -= 1;
        if self.trancount > 0 {
            return Ok(());
        }
        let Some(tx) = self.txn.take() else {
            return Ok(());
        };
        let guard = self.inner.state.lock();
        commit_txn(&self.inner, guard, tx)
    }

    /// ROLLBACK: undoes the whole transaction and sets @@TRANCOUNT to 0.
    pub fn rollback(&mut self) -> Result<(), ServerError> {
        if self.trancount == 0 {
            return Err(ServerError::new(
                3903,
                "The ROLLBACK TRANSACTION request has no corresponding BEGIN TRANSACTION.",
            ));
        }
        self.trancount = 0;
        if let Some(tx) = self.txn.take() {
            let guard = self.inner.state.lock();
            rollback_txn(&self.inner, guard, tx);
        }
        Ok(())
    }

    /// SAVE TRANSACTION name.
    pub fn save(&mut self, name: &str) -> Result<(), ServerError> {
        let tx = self.txn.as_mut().ok_or_else(|| {
            ServerError::new(
                628,
                "Cannot issue SAVE TRANSACTION when there is no active transaction.",
            )
        })?;
        let mark = tx.mark();
        tx.savepoints.push((name.to_string(), mark));
        Ok(())
    }

    /// ROLLBACK TRANSACTION savepoint: undoes changes after the savepoint, keeps locks.
    pub fn rollback_to_savepoint(&mut self, name: &str) -> Result<(), ServerError> {
        let Some(tx) = self.txn.as_mut() else {
            return Err(ServerError::new(
                3903,
                "The ROLLBACK TRANSACTION request has no corresponding BEGIN TRANSACTION.",
            ));
        };
        let Some(pos) = tx
            .savepoints
            .iter()
            .rposition(|(n, _)| n.eq_ignore_ascii_case(name))
        else {
            return Err(ServerError::new(
                6401,
                format!(
                    "Cannot roll back {name}. No transaction or savepoint of that name was found."
                ),
            ));
        };
        let mark = tx.savepoints.get(pos).map_or(0, |s| s.1);
        tx.savepoints.truncate(pos + 1);
        let mut st = self.inner.state.lock();
        // Messages received after the savepoint come back; they do not count as a
        // rolled-back receive for poison-message detection.
        tx.rollback_to(&mut st, mark);
        drop(st);
        self.inner.changed.notify_all();
        Ok(())
    }

    /// True when `name` is a savepoint of the open transaction.
    pub fn has_savepoint(&self, name: &str) -> bool {
        self.txn.as_ref().is_some_and(|t| {
            t.savepoints
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case(name))
        })
    }

    /// Runs `f` as one statement: in the open transaction, or in its own auto-committed one.
    /// On error the statement's changes are undone.
    pub fn run<T>(
        &mut self,
        f: impl FnOnce(&mut Ctx<'_, '_>) -> Result<T, ServerError>,
    ) -> Result<T, ServerError> {
        let inner = Arc::clone(&self.inner);
        let mut guard = inner.state.lock();
        if guard.poisoned {
            return Err(ServerError::new(
                3314,
                "The instance stopped accepting changes after a storage failure; restart it to recover.",
            )
            .with_severity(21));
        }
        let auto = self.txn.is_none();
        let mut tx = match self.txn.take() {
            Some(t) => t,
            None => {
                let id = guard.next_txn;
                guard.next_txn += 1;
                Txn::new(TxnId(id))
            }
        };
        let mark = tx.mark();
        let mut ctx = Ctx {
            guard,
            inner: &inner,
            tx: &mut tx,
            db: self.db,
            cancel: &self.cancel,
        };
        let result = f(&mut ctx);
        let mut guard = ctx.guard;
        match result {
            Err(e) => {
                tx.rollback_to(&mut guard, mark);
                if auto {
                    rollback_txn(&inner, guard, tx);
                } else {
                    self.txn = Some(tx);
                    drop(guard);
                    inner.changed.notify_all();
                }
                Err(e)
            }
            Ok(v) => {
                if auto {
                    commit_txn(&inner, guard, tx)?;
                } else {
                    self.txn = Some(tx);
                }
                Ok(v)
            }
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.inner.sessions.lock().remove(&self.spid);
        if let Some(tx) = self.txn.take() {
            let guard = self.inner.state.lock();
            rollback_txn(&self.inner, guard, tx);
        }
        let mut st = self.inner.state.lock();
        if !st.applocks.is_empty() {
            crate::applock::release_holder(&mut st, crate::applock::Holder::Session(self.spid));
            drop(st);
            self.inner.changed.notify_all();
        }
    }
}

/// Commits: publishes the transaction's messages, writes its rows, releases its locks,
/// then waits (without the engine lock) until the write set is durable.
pub(crate) fn commit_txn(
    inner: &Inner,
    mut guard: MutexGuard<'_, State>,
    mut tx: Txn,
) -> Result<(), ServerError> {
    let st = &mut *guard;
    let inserted: Vec<(i32, i32, i64)> = tx.pending_msgs.drain(..).collect();
    for &(db, qid, q) in &inserted {
        if let Some(m) = st
            .dbs
            .get_mut(&db)
            .and_then(|d| d.qdata.get_mut(&qid))
            .and_then(|qd| qd.msgs.get_mut(&q))
            && m.pending == Some(tx.id)
        {
            m.pending = None;
        }
    }
    for q in &tx.received_queues {
        st.poison_counts.remove(q);
    }
    let dirty = tx.take_dirty();
    let ticket = if dirty.is_empty() {
        None
    } else {
        let ws = st.write_set(&dirty);
        match inner.store.submit(ws) {
            Ok(t) => Some(t),
            Err(e) => {
                st.poisoned = true;
                tx.rollback_to(st, 0);
                release_locks(st, &tx);
                drop(guard);
                inner.changed.notify_all();
                return Err(storage_error(e));
            }
        }
    };
    release_locks(st, &tx);
    if tx.txq_touched {
        st.txq_dirty = true;
    }
    drop(guard);
    inner.changed.notify_all();
    if let Some(t) = ticket
        && let Err(e) = t.wait()
    {
        inner.state.lock().poisoned = true;
        return Err(storage_error(e));
    }
    if !inserted.is_empty() {
        // Now durable: over the body budget, this transaction's bodies leave memory.
        let mut st = inner.state.lock();
        if st.inline_body_bytes() > st.body_budget {
            for (db, qid, q) in inserted {
                if let Some(qd) = st.dbs.get_mut(&db).and_then(|d| d.qdata.get_mut(&qid)) {
                    qd.evict_body(q);
                }
            }
        }
    }
    Ok(())
}

fn release_locks(st: &mut State, tx: &Txn) {
    for l in &tx.locks {
        if st.locks.get(l) == Some(&tx.id) {
            st.locks.remove(l);
        }
    }
    if !st.applocks.is_empty() {
        crate::applock::release_txn(st, tx.id);
    }
}

/// Rolls back the whole transaction and counts rolled-back receives for poison-message
/// detection: the fifth consecutive one disables the queue.
pub(crate) fn rollback_txn(inner: &Inner, mut guard: MutexGuard<'_, State>, mut tx: Txn) {
    let st = &mut *guard;
    tx.rollback_to(st, 0);
    release_locks(st, &tx);
    let mut disable = Vec::new();
    for q in &tx.received_queues {
        let n = st.poison_counts.entry(*q).or_insert(0);
        *n += 1;
        if *n >= 5 {
            disable.push(*q);
        }
    }
    let mut ticket = None;
    if !disable.is_empty() && !st.poisoned {
        let mut btx = Txn::new(TxnId(0));
        for (db, qid) in disable {
            st.poison_counts.remove(&(db, qid));
            let rec = st.db(db).and_then(|d| d.queues.get(&qid)).cloned();
            let Some(mut rec) = rec.filter(|r| r.poison_handling && r.enabled) else {
                continue;
            };
            let poison = tx.first_received.get(&(db, qid)).copied();
            let moved = match (rec.dead_letter_queue, poison) {
                (Some(dlq), Some(q)) => move_to_dead_letter(st, &mut btx, db, qid, q, dlq),
                _ => false,
            };
            if !moved {
                rec.enabled = false;
                txn::put_catalog(st, &mut btx, db, txn::CatObj::Queue(rec));
                // BROKER_QUEUE_DISABLED event notifications (spec 05 §3, §4.1).
                let now = inner.clock.now();
                for en in crate::broker::notifications_for(st, db, qid, "BROKER_QUEUE_DISABLED") {
                    crate::broker::post_event(st, &mut btx, now, db, en, "BROKER_QUEUE_DISABLED");
                    st.txq_dirty = true;
                }
            }
        }
        for (db, qid, q) in btx.pending_msgs.drain(..) {
            if let Some(m) = st
                .dbs
                .get_mut(&db)
                .and_then(|d| d.qdata.get_mut(&qid))
                .and_then(|qd| qd.msgs.get_mut(&q))
            {
                m.pending = None;
            }
        }
        let dirty = btx.take_dirty();
        if !dirty.is_empty() {
            let ws = st.write_set(&dirty);
            ticket = inner.store.submit(ws).ok();
        }
    }
    drop(guard);
    inner.changed.notify_all();
    if let Some(t) = ticket
        && t.wait().is_err()
    {
        inner.state.lock().poisoned = true;
    }
}

/// sbroker extension: moves the poison message to the queue's dead-letter queue (keeping
/// its columns, with a new queuing order) instead of disabling the queue.
fn move_to_dead_letter(st: &mut State, tx: &mut Txn, db: i32, qid: i32, q: i64, dlq: i32) -> bool {
    let Some(mut m) = st.message_with_body(db, qid, q) else {
        return false;
    };
    if !st.db(db).is_some_and(|d| d.queues.contains_key(&dlq)) {
        return false;
    }
    txn::remove_message(st, tx, db, qid, q);
    m.queue_id = dlq;
    m.queuing_order = st.next_queuing_order;
    st.next_queuing_order += 1;
    txn::insert_message(st, tx, db, m);
    true
}

/// Runs broker-internal work in its own transaction and commits it.
pub(crate) fn broker_txn<T>(
    inner: &Inner,
    f: impl FnOnce(&mut State, &mut Txn) -> T,
) -> Result<T, ServerError> {
    let mut guard = inner.state.lock();
    if guard.poisoned {
        return Err(ServerError::new(3314, "storage poisoned").with_severity(21));
    }
    let id = guard.next_txn;
    guard.next_txn += 1;
    let mut tx = Txn::new(TxnId(id));
    let v = f(&mut guard, &mut tx);
    commit_txn(inner, guard, tx)?;
    Ok(v)
}
