//! In-memory engine state, its row references for persistence, and recovery.
//!
//! The state holds every database with its catalog, endpoints, groups, queues, transmission
//! queue and the opaque objects and rows of the T-SQL layer. Transactions change it in place
//! under the engine lock and record undo entries (see `txn.rs`); at commit the rows they
//! touched ([`RowRef`]) are encoded into one storage write set.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use sbroker_storage::{Change, StorageBackend, StorageError, Table};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::records::*;
use crate::txn::TxnId;

/// Kinds of catalog objects (part of the catalog key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum CatKind {
    /// Message types.
    MessageType = 1,
    /// Contracts.
    Contract = 2,
    /// Queues.
    Queue = 3,
    /// Services.
    Service = 4,
    /// Broker priorities.
    Priority = 5,
    /// XML schema collections.
    XmlCollection = 6,
    /// Routes.
    Route = 7,
    /// Database principals.
    Principal = 8,
    /// Event notifications.
    EventNotification = 9,
    /// The database master key.
    MasterKey = 10,
    /// Certificates.
    Certificate = 11,
    /// Remote service bindings.
    RemoteServiceBinding = 12,
    /// Module signatures.
    Signature = 13,
    /// Server logins (master only).
    Login = 14,
    /// TCP endpoints (master only).
    EndpointDef = 15,
    /// The service master key (master only).
    ServiceMasterKey = 16,
}

/// A reference to one persistent row.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RowRef {
    /// A database record.
    Database(i32),
    /// A catalog object.
    Catalog(i32, CatKind, i32),
    /// An endpoint.
    Endpoint(i32, Uuid),
    /// A group.
    Group(i32, Uuid),
    /// A queued message: db, queue, queuing order.
    Message(i32, i32, i64),
    /// A transmission-queue row.
    Transmission(i32, i64),
    /// An opaque object of the T-SQL layer: db, kind, name.
    Object(i32, String, String),
    /// An opaque user-table row: db, table id, row id.
    UserRow(i32, i64, i64),
}

/// A message in memory: the record plus the transaction that inserted it, if uncommitted.
#[derive(Debug, Clone)]
pub struct QueuedMessage {
    /// The record.
    pub rec: MessageRec,
    /// Inserted by this still-open transaction (invisible to others).
    pub pending: Option<TxnId>,
    /// The body is not in memory (`rec.body` is `None`); it is in storage.
    pub on_disk: bool,
}

/// Messages of one queue, indexed by queuing order and by group.
#[derive(Debug, Default, Clone)]
pub struct QueueData {
    /// All rows by queuing order.
    pub msgs: BTreeMap<i64, QueuedMessage>,
    /// Queuing orders of each group's rows.
    pub by_group: HashMap<Uuid, BTreeSet<i64>>,
    /// Queuing orders of each conversation's rows (conversation handle).
    pub by_handle: HashMap<Uuid, BTreeSet<i64>>,
    /// Conversations with rows in each group, with their row counts.
    pub group_handles: HashMap<Uuid, HashMap<Uuid, usize>>,
    /// DialogTimer and Error rows of each conversation: RECEIVE returns them first.
    pub specials: HashMap<Uuid, BTreeSet<i64>>,
    /// Number of ready (status 1) rows per priority level, so RECEIVE can stop scanning
    /// as soon as it found a row of the highest level present.
    pub ready_by_priority: [u32; 11],
    /// Bytes of bodies held in memory.
    pub inline_bytes: usize,
}

impl QueueData {
    /// Inserts a row (replacing one with the same queuing order).
    pub fn insert(&mut self, m: QueuedMessage) {
        let q = m.rec.queuing_order;
        if let Some(old) = self.msgs.remove(&q) {
            self.unindex(&old.rec, q);
        }
        self.index(&m.rec, q);
        self.msgs.insert(q, m);
    }

    /// Removes a row.
    pub fn remove(&mut self, q: i64) -> Option<QueuedMessage> {
        let m = self.msgs.remove(&q)?;
        self.unindex(&m.rec, q);
        Some(m)
    }

    fn index(&mut self, m: &MessageRec, q: i64) {
        self.by_group.entry(m.group_id).or_default().insert(q);
        self.by_handle.entry(m.handle).or_default().insert(q);
        *self
            .group_handles
            .entry(m.group_id)
            .or_default()
            .entry(m.handle)
            .or_insert(0) += 1;
        if matches!(m.kind, MessageKind::DialogTimer | MessageKind::Error) {
            self.specials.entry(m.handle).or_default().insert(q);
        }
        self.count_ready(m, true);
        self.inline_bytes += m.body.as_ref().map_or(0, Vec::len);
    }

    fn unindex(&mut self, m: &MessageRec, q: i64) {
        fn take<K: std::hash::Hash + Eq>(map: &mut HashMap<K, BTreeSet<i64>>, k: K, q: i64) {
            if let Some(set) = map.get_mut(&k) {
                set.remove(&q);
                if set.is_empty() {
                    map.remove(&k);
                }
            }
        }
        take(&mut self.by_group, m.group_id, q);
        take(&mut self.by_handle, m.handle, q);
        take(&mut self.specials, m.handle, q);
        if let Some(hs) = self.group_handles.get_mut(&m.group_id) {
            if let Some(n) = hs.get_mut(&m.handle) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    hs.remove(&m.handle);
                }
            }
            if hs.is_empty() {
                self.group_handles.remove(&m.group_id);
            }
        }
        self.count_ready(m, false);
        self.inline_bytes = self
            .inline_bytes
            .saturating_sub(m.body.as_ref().map_or(0, Vec::len));
    }

    /// Drops a durable message's body from memory; it is read back from storage on use.
    pub fn evict_body(&mut self, q: i64) {
        if let Some(m) = self.msgs.get_mut(&q)
            && m.pending.is_none()
            && !m.on_disk
        {
            let n = m.rec.body.take().map_or(0, |b| b.len());
            m.on_disk = true;
            self.inline_bytes = self.inline_bytes.saturating_sub(n);
        }
    }

    fn count_ready(&mut self, m: &MessageRec, add: bool) {
        if m.status != 1 {
            return;
        }
        if let Some(n) = self
            .ready_by_priority
            .get_mut(usize::from(m.priority.min(10)))
        {
            *n = if add {
                n.saturating_add(1)
            } else {
                n.saturating_sub(1)
            };
        }
    }

    /// Highest priority level that has ready rows.
    pub fn max_ready_priority(&self) -> Option<u8> {
        (0..=10u8).rev().find(|p| {
            self.ready_by_priority
                .get(usize::from(*p))
                .is_some_and(|n| *n > 0)
        })
    }
}

/// Security objects of one database.
#[derive(Debug, Clone, Default)]
pub struct SecurityCatalog {
    /// The database master key.
    pub master_key: Option<MasterKeyRec>,
    /// Certificates by id.
    pub certificates: BTreeMap<i32, CertificateRec>,
    /// Remote service bindings by id.
    pub bindings: BTreeMap<i32, RemoteServiceBindingRec>,
    /// Module signatures by id.
    pub signatures: BTreeMap<i32, SignatureRec>,
    /// Server logins by principal id (master only).
    pub logins: BTreeMap<i32, LoginRec>,
    /// TCP endpoints by id (master only).
    pub endpoints: BTreeMap<i32, EndpointDefRec>,
    /// The service master key (master only).
    pub service_master_key: Option<ServiceMasterKeyRec>,
}

/// One database.
#[derive(Debug, Clone)]
pub struct Db {
    /// Record.
    pub rec: DatabaseRec,
    /// Message types by id.
    pub message_types: BTreeMap<i32, MessageTypeRec>,
    /// Contracts by id.
    pub contracts: BTreeMap<i32, ContractRec>,
    /// Queues by object id.
    pub queues: BTreeMap<i32, QueueRec>,
    /// Services by id.
    pub services: BTreeMap<i32, ServiceRec>,
    /// Broker priorities by id.
    pub priorities: BTreeMap<i32, PriorityRec>,
    /// XML schema collections by id.
    pub xml_collections: BTreeMap<i32, XmlCollectionRec>,
    /// Routes by id.
    pub routes: BTreeMap<i32, RouteRec>,
    /// Database principals by id.
    pub principals: BTreeMap<i32, PrincipalRec>,
    /// Event notifications by id.
    pub event_notifications: BTreeMap<i32, EventNotificationRec>,
    /// Security objects: master key, certificates, bindings, signatures; logins,
    /// endpoints and the service master key (in master).
    pub sec: SecurityCatalog,
    /// Endpoints by handle.
    pub endpoints: HashMap<Uuid, EndpointRec>,
    /// Endpoint handle by (conversation id, is_initiator).
    pub by_conversation: HashMap<(Uuid, bool), Uuid>,
    /// Groups by id.
    pub groups: HashMap<Uuid, GroupRec>,
    /// Number of endpoints in each group.
    pub group_members: HashMap<Uuid, usize>,
    /// Queue contents by queue id.
    pub qdata: HashMap<i32, QueueData>,
    /// Transmission queue by id.
    pub txq: BTreeMap<i64, TransmissionRec>,
    /// Last transmission status per endpoint (GET_TRANSMISSION_STATUS).
    pub tx_status: HashMap<Uuid, String>,
    /// Opaque objects of the T-SQL layer by (kind, name).
    pub objects: BTreeMap<(String, String), Arc<Vec<u8>>>,
    /// Opaque user-table rows by table id, then row id.
    pub user_rows: HashMap<i64, BTreeMap<i64, Arc<Vec<u8>>>>,
    /// Next row id per user table. Not transactional (a rolled-back insert does not give
    /// its id back, so concurrent inserts never share one); rebuilt after a restart from
    /// the highest stored id.
    pub user_row_next: HashMap<i64, i64>,
}

impl Db {
    /// An empty database (without built-in objects).
    pub fn new(rec: DatabaseRec) -> Self {
        Self {
            rec,
            message_types: BTreeMap::new(),
            contracts: BTreeMap::new(),
            queues: BTreeMap::new(),
            services: BTreeMap::new(),
            priorities: BTreeMap::new(),
            xml_collections: BTreeMap::new(),
            routes: BTreeMap::new(),
            principals: BTreeMap::new(),
            event_notifications: BTreeMap::new(),
            sec: SecurityCatalog::default(),
            endpoints: HashMap::new(),
            by_conversation: HashMap::new(),
            groups: HashMap::new(),
            group_members: HashMap::new(),
            qdata: HashMap::new(),
            txq: BTreeMap::new(),
            tx_status: HashMap::new(),
            objects: BTreeMap::new(),
            user_rows: HashMap::new(),
            user_row_next: HashMap::new(),
        }
    }

    /// Message type by exact (binary) name.
    pub fn message_type_by_name(&self, name: &str) -> Option<&MessageTypeRec> {
        self.message_types.values().find(|m| m.name == name)
    }

    /// Contract by exact name.
    pub fn contract_by_name(&self, name: &str) -> Option<&ContractRec> {
        self.contracts.values().find(|c| c.name == name)
    }

    /// Service by exact name.
    pub fn service_by_name(&self, name: &str) -> Option<&ServiceRec> {
        self.services.values().find(|s| s.name == name)
    }

    /// Priority level for a new endpoint (spec 08 §1.1): the best-ranked matching broker
    /// priority of this database, else 5.
    pub fn priority_for(
        &self,
        contract_id: i32,
        local_service_id: i32,
        remote_service: &str,
    ) -> u8 {
        let mut best: Option<(u8, i32, u8)> = None;
        for p in self.priorities.values() {
            let c = match p.contract_id {
                Some(id) if id == contract_id => 0,
                Some(_) => continue,
                None => 4,
            };
            let l = match p.local_service_id {
                Some(id) if id == local_service_id => 0,
                Some(_) => continue,
                None => 2,
            };
            let r = match &p.remote_service {
                Some(n) if n == remote_service => 0,
                Some(_) => continue,
                None => 1,
            };
            let rank = c + l + r;
            if best.is_none_or(|(br, bid, _)| (rank, p.id) < (br, bid)) {
                best = Some((rank, p.id, p.level));
            }
        }
        best.map_or(5, |b| b.2)
    }

    /// Principal id by name (case-insensitive).
    pub fn principal_id(&self, name: &str) -> Option<i32> {
        self.principals
            .values()
            .find(|p| p.name.eq_ignore_ascii_case(name))
            .map(|p| p.id)
    }

    /// Queue by schema and name (case-insensitive, like the default collation).
    pub fn queue_by_name(&self, schema: Option<&str>, name: &str) -> Option<&QueueRec> {
        self.queues.values().find(|q| {
            q.name.eq_ignore_ascii_case(name)
                && schema.is_none_or(|s| s.is_empty() || q.schema.eq_ignore_ascii_case(s))
        })
    }

    /// Inserts or replaces an endpoint, keeping the indexes in step.
    pub fn put_endpoint(&mut self, ep: EndpointRec) {
        let old_group = self.endpoints.get(&ep.handle).map(|e| e.group_id);
        if let Some(g) = old_group {
            self.dec_group(g);
        }
        *self.group_members.entry(ep.group_id).or_insert(0) += 1;
        self.by_conversation
            .insert((ep.conversation_id, ep.is_initiator), ep.handle);
        self.endpoints.insert(ep.handle, ep);
    }

    /// Removes an endpoint, keeping the indexes in step.
    pub fn remove_endpoint(&mut self, handle: &Uuid) -> Option<EndpointRec> {
        let ep = self.endpoints.remove(handle)?;
        self.dec_group(ep.group_id);
        if self
            .by_conversation
            .get(&(ep.conversation_id, ep.is_initiator))
            == Some(handle)
        {
            self.by_conversation
                .remove(&(ep.conversation_id, ep.is_initiator));
        }
        Some(ep)
    }

    fn dec_group(&mut self, g: Uuid) {
        if let Some(n) = self.group_members.get_mut(&g) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.group_members.remove(&g);
            }
        }
    }

    /// Highest queuing order used in any queue of this database.
    pub fn max_queuing_order(&self) -> i64 {
        self.qdata
            .values()
            .filter_map(|q| q.msgs.keys().next_back().copied())
            .max()
            .unwrap_or(0)
    }
}

/// Whole-instance state.
#[derive(Debug)]
pub struct State {
    /// Databases by id.
    pub dbs: BTreeMap<i32, Db>,
    /// Group locks: (db, group) → owning transaction.
    pub locks: HashMap<(i32, Uuid), TxnId>,
    /// Which transaction each blocked transaction waits for (deadlock detection).
    pub waits_for: HashMap<TxnId, TxnId>,
    /// Consecutive rolled-back receives per (db, queue).
    pub poison_counts: HashMap<(i32, i32), u32>,
    /// Timer index: (due, db, handle). Entries may be stale; they are checked on firing.
    pub timers: BTreeSet<(Ts, i32, Uuid)>,
    /// Next queuing order (instance-wide, so it is monotonic in every queue).
    pub next_queuing_order: i64,
    /// Next transmission-queue id.
    pub next_txq_id: i64,
    /// Next transaction id.
    pub next_txn: u64,
    /// Sessions waiting in WAITFOR per (db, queue).
    pub waiting: HashMap<(i32, i32), usize>,
    /// Set when storage failed: every later change is refused until reopen.
    pub poisoned: bool,
    /// Endpoints handed to the transmitter for a retry pass.
    pub txq_dirty: bool,
    /// Application locks (sp_getapplock) by (database, resource lowercased).
    pub(crate) applocks: HashMap<(i32, String), Vec<crate::applock::Grant>>,
    /// Where evicted message bodies are read back from.
    pub(crate) body_store: BodyStore,
    /// Body bytes the instance keeps in memory before it evicts durable bodies.
    pub(crate) body_budget: usize,
}

/// The storage backend, for reading message bodies that are not in memory.
#[derive(Clone, Default)]
pub struct BodyStore(pub(crate) Option<Arc<dyn StorageBackend>>);

impl std::fmt::Debug for BodyStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "BodyStore(backend)"
        } else {
            "BodyStore(none)"
        })
    }
}

/// Encodes a message body row: tag 0 = NULL, 1 = bytes follow.
pub(crate) fn encode_body(body: &Option<Vec<u8>>) -> Vec<u8> {
    match body {
        None => vec![0],
        Some(b) => {
            let mut v = Vec::with_capacity(b.len() + 1);
            v.push(1);
            v.extend_from_slice(b);
            v
        }
    }
}

fn decode_body(v: &[u8]) -> Option<Vec<u8>> {
    match v.split_first() {
        Some((1, rest)) => Some(rest.to_vec()),
        _ => None,
    }
}

impl State {
    /// Empty state.
    pub fn new() -> Self {
        Self {
            dbs: BTreeMap::new(),
            locks: HashMap::new(),
            waits_for: HashMap::new(),
            poison_counts: HashMap::new(),
            timers: BTreeSet::new(),
            next_queuing_order: 1,
            next_txq_id: 1,
            next_txn: 1,
            waiting: HashMap::new(),
            poisoned: false,
            txq_dirty: false,
            applocks: HashMap::new(),
            body_store: BodyStore::default(),
            body_budget: 64 << 20,
        }
    }

    /// Bytes of message bodies held in memory.
    pub fn inline_body_bytes(&self) -> usize {
        self.dbs
            .values()
            .flat_map(|d| d.qdata.values())
            .map(|q| q.inline_bytes)
            .sum()
    }

    /// A queued message with its body, reading the body from storage when it is not in
    /// memory.
    pub fn message_with_body(&self, db: i32, qid: i32, q: i64) -> Option<MessageRec> {
        let m = self.dbs.get(&db)?.qdata.get(&qid)?.msgs.get(&q)?;
        let mut rec = m.rec.clone();
        if m.on_disk {
            rec.body = self.load_body(db, qid, q);
        }
        Some(rec)
    }

    /// Reads a body row from storage (`None` for a NULL body or a missing row).
    pub fn load_body(&self, db: i32, qid: i32, q: i64) -> Option<Vec<u8>> {
        let backend = self.body_store.0.as_ref()?;
        let key = encode_key(&RowRef::Message(db, qid, q));
        backend
            .get(Table::MessageBody, &key)
            .ok()
            .flatten()
            .and_then(|v| decode_body(&v))
    }

    /// The storage changes of the rows a transaction touched, in order.
    pub fn write_set(&self, dirty: &[RowRef]) -> sbroker_storage::WriteSet {
        let mut changes = Vec::with_capacity(dirty.len() + 4);
        for r in dirty {
            if let RowRef::Message(dbid, qid, q) = r {
                let key = encode_key(r);
                match self
                    .dbs
                    .get(dbid)
                    .and_then(|d| d.qdata.get(qid))
                    .and_then(|qd| qd.msgs.get(q))
                {
                    Some(m) => {
                        // Metadata without the body; the body row only when it is in memory
                        // (an evicted body is already durable and never changes).
                        let meta = m.rec.clone_without_body();
                        changes.push(Change::Put {
                            table: Table::Message,
                            key: key.clone(),
                            value: postcard::to_allocvec(&meta).unwrap_or_default(),
                        });
                        if !m.on_disk {
                            changes.push(Change::Put {
                                table: Table::MessageBody,
                                key,
                                value: encode_body(&m.rec.body),
                            });
                        }
                    }
                    None => {
                        changes.push(Change::Delete {
                            table: Table::Message,
                            key: key.clone(),
                        });
                        changes.push(Change::Delete {
                            table: Table::MessageBody,
                            key,
                        });
                    }
                }
            } else {
                changes.push(self.persist(r));
            }
        }
        sbroker_storage::WriteSet { changes }
    }

    /// Database by id.
    pub fn db(&self, id: i32) -> Option<&Db> {
        self.dbs.get(&id)
    }

    /// Database by id, mutable.
    pub fn db_mut(&mut self, id: i32) -> Option<&mut Db> {
        self.dbs.get_mut(&id)
    }

    /// Database id by name (case-insensitive).
    pub fn db_id_by_name(&self, name: &str) -> Option<i32> {
        self.dbs
            .values()
            .find(|d| d.rec.name.eq_ignore_ascii_case(name))
            .map(|d| d.rec.id)
    }

    /// Adds the timer entries of an endpoint to the index.
    pub fn index_timers(&mut self, db: i32, ep: &EndpointRec) {
        if let Some(t) = ep.dialog_timer {
            self.timers.insert((t, db, ep.handle));
        }
        if ep.lifetime != TS_NEVER && !matches!(ep.state, EndpointState::ER | EndpointState::CD) {
            self.timers.insert((ep.lifetime, db, ep.handle));
        }
    }

    /// Encodes the current value of a row as a storage change.
    pub fn persist(&self, r: &RowRef) -> Change {
        fn put<T: Serialize>(table: Table, key: Vec<u8>, v: &T) -> Change {
            // Encoding our own plain records into a Vec cannot fail.
            let value = postcard::to_allocvec(v).unwrap_or_default();
            Change::Put { table, key, value }
        }
        let key = encode_key(r);
        match r {
            RowRef::Database(id) => match self.dbs.get(id) {
                Some(db) => put(Table::Database, key, &db.rec),
                None => Change::Delete {
                    table: Table::Database,
                    key,
                },
            },
            RowRef::Catalog(dbid, kind, id) => {
                let db = self.dbs.get(dbid);
                let value = db.and_then(|db| match kind {
                    CatKind::MessageType => db.message_types.get(id).map(encode),
                    CatKind::Contract => db.contracts.get(id).map(encode),
                    CatKind::Queue => db.queues.get(id).map(encode),
                    CatKind::Service => db.services.get(id).map(encode),
                    CatKind::Priority => db.priorities.get(id).map(encode),
                    CatKind::XmlCollection => db.xml_collections.get(id).map(encode),
                    CatKind::Route => db.routes.get(id).map(encode),
                    CatKind::Principal => db.principals.get(id).map(encode),
                    CatKind::EventNotification => db.event_notifications.get(id).map(encode),
                    CatKind::MasterKey => db.sec.master_key.as_ref().map(encode),
                    CatKind::Certificate => db.sec.certificates.get(id).map(encode),
                    CatKind::RemoteServiceBinding => db.sec.bindings.get(id).map(encode),
                    CatKind::Signature => db.sec.signatures.get(id).map(encode),
                    CatKind::Login => db.sec.logins.get(id).map(encode),
                    CatKind::EndpointDef => db.sec.endpoints.get(id).map(encode),
                    CatKind::ServiceMasterKey => db.sec.service_master_key.as_ref().map(encode),
                });
                match value {
                    Some(value) => Change::Put {
                        table: Table::Catalog,
                        key,
                        value,
                    },
                    None => Change::Delete {
                        table: Table::Catalog,
                        key,
                    },
                }
            }
            RowRef::Endpoint(dbid, h) => {
                match self.dbs.get(dbid).and_then(|d| d.endpoints.get(h)) {
                    Some(ep) => put(Table::Endpoint, key, ep),
                    None => Change::Delete {
                        table: Table::Endpoint,
                        key,
                    },
                }
            }
            RowRef::Group(dbid, g) => match self.dbs.get(dbid).and_then(|d| d.groups.get(g)) {
                Some(gr) => put(Table::Group, key, gr),
                None => Change::Delete {
                    table: Table::Group,
                    key,
                },
            },
            RowRef::Message(dbid, qid, q) => {
                match self
                    .dbs
                    .get(dbid)
                    .and_then(|d| d.qdata.get(qid))
                    .and_then(|qd| qd.msgs.get(q))
                {
                    Some(m) => put(Table::Message, key, &m.rec),
                    None => Change::Delete {
                        table: Table::Message,
                        key,
                    },
                }
            }
            RowRef::Transmission(dbid, id) => {
                match self.dbs.get(dbid).and_then(|d| d.txq.get(id)) {
                    Some(t) => put(Table::Transmission, key, t),
                    None => Change::Delete {
                        table: Table::Transmission,
                        key,
                    },
                }
            }
            RowRef::Object(dbid, kind, name) => match self
                .dbs
                .get(dbid)
                .and_then(|d| d.objects.get(&(kind.clone(), name.clone())))
            {
                Some(v) => Change::Put {
                    table: Table::Object,
                    key,
                    value: v.as_ref().clone(),
                },
                None => Change::Delete {
                    table: Table::Object,
                    key,
                },
            },
            RowRef::UserRow(dbid, t, rid) => match self
                .dbs
                .get(dbid)
                .and_then(|d| d.user_rows.get(t))
                .and_then(|rows| rows.get(rid))
            {
                Some(v) => Change::Put {
                    table: Table::UserRow,
                    key,
                    value: v.as_ref().clone(),
                },
                None => Change::Delete {
                    table: Table::UserRow,
                    key,
                },
            },
        }
    }

    /// Rebuilds the state from a backend's rows.
    pub fn recover(backend: &dyn StorageBackend) -> Result<State, StorageError> {
        let mut st = State::new();
        for (_, v) in backend.scan(Table::Database)? {
            let rec: DatabaseRec = decode(&v)?;
            st.dbs.insert(rec.id, Db::new(rec));
        }
        for (k, v) in backend.scan(Table::Catalog)? {
            let (dbid, rest) = split_db(&k)?;
            let kind = *rest.first().ok_or_else(|| corrupt("catalog key"))?;
            let Some(db) = st.dbs.get_mut(&dbid) else {
                continue;
            };
            match kind {
                1 => {
                    let r: MessageTypeRec = decode(&v)?;
                    db.message_types.insert(r.id, r);
                }
                2 => {
                    let r: ContractRec = decode(&v)?;
                    db.contracts.insert(r.id, r);
                }
                3 => {
                    let r: QueueRec = decode(&v)?;
                    db.queues.insert(r.id, r);
                }
                4 => {
                    let r: ServiceRec = decode(&v)?;
                    db.services.insert(r.id, r);
                }
                5 => {
                    let r: PriorityRec = decode(&v)?;
                    db.priorities.insert(r.id, r);
                }
                6 => {
                    let r: XmlCollectionRec = decode(&v)?;
                    db.xml_collections.insert(r.id, r);
                }
                7 => {
                    let r: RouteRec = decode(&v)?;
                    db.routes.insert(r.id, r);
                }
                8 => {
                    // Rows of the first layout (no login mapping) end early.
                    let r: PrincipalRec = match decode(&v) {
                        Ok(r) => r,
                        Err(_) => decode::<PrincipalRecV1>(&v)?.into(),
                    };
                    db.principals.insert(r.id, r);
                }
                9 => {
                    let r: EventNotificationRec = decode(&v)?;
                    db.event_notifications.insert(r.id, r);
                }
                10 => db.sec.master_key = Some(decode(&v)?),
                11 => {
                    let r: CertificateRec = decode(&v)?;
                    db.sec.certificates.insert(r.id, r);
                }
                12 => {
                    let r: RemoteServiceBindingRec = decode(&v)?;
                    db.sec.bindings.insert(r.id, r);
                }
                13 => {
                    let r: SignatureRec = decode(&v)?;
                    db.sec.signatures.insert(r.id, r);
                }
                14 => {
                    let r: LoginRec = decode(&v)?;
                    db.sec.logins.insert(r.id, r);
                }
                15 => {
                    let r: EndpointDefRec = decode(&v)?;
                    db.sec.endpoints.insert(r.id, r);
                }
                16 => db.sec.service_master_key = Some(decode(&v)?),
                _ => return Err(corrupt("catalog kind")),
            }
        }
        for (k, v) in backend.scan(Table::Group)? {
            let (dbid, _) = split_db(&k)?;
            let r: GroupRec = decode(&v)?;
            if let Some(db) = st.dbs.get_mut(&dbid) {
                db.groups.insert(r.id, r);
            }
        }
        let mut eps = Vec::new();
        for (k, v) in backend.scan(Table::Endpoint)? {
            let (dbid, _) = split_db(&k)?;
            let r: EndpointRec = decode(&v)?;
            eps.push((dbid, r));
        }
        for (dbid, r) in eps {
            st.index_timers(dbid, &r);
            if let Some(db) = st.dbs.get_mut(&dbid) {
                db.put_endpoint(r);
            }
        }
        let mut max_q = 0;
        for (k, v) in backend.scan(Table::Message)? {
            let (dbid, _) = split_db(&k)?;
            let r: MessageRec = decode(&v)?;
            max_q = max_q.max(r.queuing_order);
            if let Some(db) = st.dbs.get_mut(&dbid) {
                db.qdata
                    .entry(r.queue_id)
                    .or_default()
                    .insert(QueuedMessage {
                        on_disk: r.body.is_none(),
                        rec: r,
                        pending: None,
                    });
            }
        }
        st.next_queuing_order = max_q + 1;
        let mut max_t = 0;
        for (k, v) in backend.scan(Table::Transmission)? {
            let (dbid, _) = split_db(&k)?;
            let r: TransmissionRec = decode(&v)?;
            max_t = max_t.max(r.id);
            if let Some(db) = st.dbs.get_mut(&dbid) {
                db.txq.insert(r.id, r);
            }
        }
        st.next_txq_id = max_t + 1;
        st.txq_dirty = true;
        for (k, v) in backend.scan(Table::Object)? {
            let (dbid, rest) = split_db(&k)?;
            let (kind, name) = decode_two_strings(rest)?;
            if let Some(db) = st.dbs.get_mut(&dbid) {
                db.objects.insert((kind, name), Arc::new(v));
            }
        }
        for (k, v) in backend.scan(Table::UserRow)? {
            let (dbid, rest) = split_db(&k)?;
            let t = read_i64(rest, 0)?;
            let rid = read_i64(rest, 8)?;
            if let Some(db) = st.dbs.get_mut(&dbid) {
                db.user_rows.entry(t).or_default().insert(rid, Arc::new(v));
            }
        }
        // Dangling groups (no endpoint) are not kept; every queue has a QueueData.
        for db in st.dbs.values_mut() {
            let ids: HashSet<i32> = db.queues.keys().copied().collect();
            for id in ids {
                db.qdata.entry(id).or_default();
            }
        }
        Ok(st)
    }
}

impl Default for State {
    fn default() -> Self {
        Self::new()
    }
}

fn encode<T: Serialize>(v: &T) -> Vec<u8> {
    postcard::to_allocvec(v).unwrap_or_default()
}

fn decode<T: DeserializeOwned>(v: &[u8]) -> Result<T, StorageError> {
    postcard::from_bytes(v).map_err(|e| StorageError::Corrupt(e.to_string()))
}

fn corrupt(what: &str) -> StorageError {
    StorageError::Corrupt(format!("bad {what}"))
}

fn split_db(k: &[u8]) -> Result<(i32, &[u8]), StorageError> {
    let head: [u8; 4] = k
        .get(..4)
        .and_then(|s| s.try_into().ok())
        .ok_or_else(|| corrupt("key"))?;
    Ok((i32::from_be_bytes(head), k.get(4..).unwrap_or_default()))
}

fn read_i64(b: &[u8], at: usize) -> Result<i64, StorageError> {
    let s: [u8; 8] = b
        .get(at..at + 8)
        .and_then(|s| s.try_into().ok())
        .ok_or_else(|| corrupt("key"))?;
    Ok(i64::from_be_bytes(s))
}

fn decode_two_strings(b: &[u8]) -> Result<(String, String), StorageError> {
    let len: [u8; 2] = b
        .get(..2)
        .and_then(|s| s.try_into().ok())
        .ok_or_else(|| corrupt("key"))?;
    let n = u16::from_be_bytes(len) as usize;
    let a = b.get(2..2 + n).ok_or_else(|| corrupt("key"))?;
    let rest = b.get(2 + n..).unwrap_or_default();
    Ok((
        String::from_utf8(a.to_vec()).map_err(|_| corrupt("key"))?,
        String::from_utf8(rest.to_vec()).map_err(|_| corrupt("key"))?,
    ))
}

/// The storage key of a row (layout in `docs/design.md`).
pub fn encode_key(r: &RowRef) -> Vec<u8> {
    let mut k = Vec::with_capacity(32);
    match r {
        RowRef::Database(db) => k.extend_from_slice(&db.to_be_bytes()),
        RowRef::Catalog(db, kind, id) => {
            k.extend_from_slice(&db.to_be_bytes());
            k.push(*kind as u8);
            k.extend_from_slice(&id.to_be_bytes());
        }
        RowRef::Endpoint(db, h) | RowRef::Group(db, h) => {
            k.extend_from_slice(&db.to_be_bytes());
            k.extend_from_slice(h.as_bytes());
        }
        RowRef::Message(db, q, o) => {
            k.extend_from_slice(&db.to_be_bytes());
            k.extend_from_slice(&q.to_be_bytes());
            k.extend_from_slice(&o.to_be_bytes());
        }
        RowRef::Transmission(db, id) => {
            k.extend_from_slice(&db.to_be_bytes());
            k.extend_from_slice(&id.to_be_bytes());
        }
        RowRef::Object(db, kind, name) => {
            k.extend_from_slice(&db.to_be_bytes());
            let kb = kind.as_bytes();
            k.extend_from_slice(&(kb.len().min(u16::MAX as usize) as u16).to_be_bytes());
            k.extend_from_slice(kb);
            k.extend_from_slice(name.as_bytes());
        }
        RowRef::UserRow(db, t, rid) => {
            k.extend_from_slice(&db.to_be_bytes());
            k.extend_from_slice(&t.to_be_bytes());
            k.extend_from_slice(&rid.to_be_bytes());
        }
    }
    k
}
