//! Transactions: in-place changes with an undo log, dirty-row tracking and group locks.
//!
//! Every change to [`State`] made on behalf of a transaction goes through a function of this
//! module. Each records (1) an undo entry restoring the previous value and (2) the
//! [`RowRef`] it touched. ROLLBACK runs the undo entries backwards; a savepoint is a position
//! in the undo log; COMMIT encodes the current value of each touched row into one write set.
//! Messages inserted by an open transaction carry its id and stay invisible to others.

use std::collections::HashSet;
use std::sync::Arc;

use uuid::Uuid;

use crate::records::*;
use crate::state::{CatKind, Db, QueuedMessage, RowRef, State};

/// Transaction id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TxnId(pub u64);

type Undo = Box<dyn FnOnce(&mut State) + Send>;

/// An open transaction.
pub struct Txn {
    /// Id.
    pub id: TxnId,
    undo: Vec<Undo>,
    dirty: Vec<RowRef>,
    /// Groups locked by this transaction.
    pub locks: Vec<(i32, Uuid)>,
    /// Messages inserted (db, queue, queuing order), to publish at commit.
    pub pending_msgs: Vec<(i32, i32, i64)>,
    /// Queues this transaction received messages from (poison-message counting).
    pub received_queues: HashSet<(i32, i32)>,
    /// Per queue, the first message this transaction received (the poison candidate).
    pub first_received: std::collections::HashMap<(i32, i32), i64>,
    /// Named savepoints: name and undo-log position.
    pub savepoints: Vec<(String, usize)>,
    /// Transmission-queue rows were added; the transmitter should look.
    pub txq_touched: bool,
}

impl Txn {
    /// A new transaction.
    pub fn new(id: TxnId) -> Self {
        Self {
            id,
            undo: Vec::new(),
            dirty: Vec::new(),
            locks: Vec::new(),
            pending_msgs: Vec::new(),
            received_queues: HashSet::new(),
            first_received: std::collections::HashMap::new(),
            savepoints: Vec::new(),
            txq_touched: false,
        }
    }

    /// Current undo-log position (a savepoint).
    pub fn mark(&self) -> usize {
        self.undo.len()
    }

    /// Undoes everything after `mark`, newest first. Locks are kept.
    pub fn rollback_to(&mut self, st: &mut State, mark: usize) {
        while self.undo.len() > mark {
            if let Some(u) = self.undo.pop() {
                u(st);
            }
        }
    }

    /// Rows touched, without duplicates, in first-touch order.
    pub fn take_dirty(&mut self) -> Vec<RowRef> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for r in self.dirty.drain(..) {
            if seen.insert(r.clone()) {
                out.push(r);
            }
        }
        out
    }

    fn track(&mut self, r: RowRef, undo: impl FnOnce(&mut State) + Send + 'static) {
        self.dirty.push(r);
        self.undo.push(Box::new(undo));
    }

    /// Marks a row for persistence without an undo entry (used by broker-internal work
    /// whose in-memory effect needs no rollback).
    pub fn touch(&mut self, r: RowRef) {
        self.dirty.push(r);
    }
}

fn db_mut(st: &mut State, db: i32) -> Option<&mut Db> {
    st.dbs.get_mut(&db)
}

/// Inserts or replaces an endpoint.
pub fn put_endpoint(st: &mut State, tx: &mut Txn, db: i32, ep: EndpointRec) {
    let h = ep.handle;
    st.index_timers(db, &ep);
    let Some(d) = db_mut(st, db) else { return };
    let old = d.endpoints.get(&h).cloned();
    d.put_endpoint(ep);
    tx.track(RowRef::Endpoint(db, h), move |s| {
        restore_endpoint(s, db, h, old)
    });
}

/// Removes an endpoint.
pub fn remove_endpoint(st: &mut State, tx: &mut Txn, db: i32, h: Uuid) {
    let Some(d) = db_mut(st, db) else { return };
    let old = d.remove_endpoint(&h);
    d.tx_status.remove(&h);
    tx.track(RowRef::Endpoint(db, h), move |s| {
        restore_endpoint(s, db, h, old)
    });
}

fn restore_endpoint(s: &mut State, db: i32, h: Uuid, old: Option<EndpointRec>) {
    if let Some(ep) = &old {
        s.index_timers(db, ep);
    }
    if let Some(d) = s.dbs.get_mut(&db) {
        match old {
            Some(ep) => d.put_endpoint(ep),
            None => {
                d.remove_endpoint(&h);
            }
        }
    }
}

/// Inserts or replaces a group.
pub fn put_group(st: &mut State, tx: &mut Txn, db: i32, g: GroupRec) {
    let Some(d) = db_mut(st, db) else { return };
    let id = g.id;
    let old = d.groups.insert(id, g);
    tx.track(RowRef::Group(db, id), move |s| {
        restore_group(s, db, id, old)
    });
}

/// Removes a group.
pub fn remove_group(st: &mut State, tx: &mut Txn, db: i32, id: Uuid) {
    let Some(d) = db_mut(st, db) else { return };
    let old = d.groups.remove(&id);
    tx.track(RowRef::Group(db, id), move |s| {
        restore_group(s, db, id, old)
    });
}

fn restore_group(s: &mut State, db: i32, id: Uuid, old: Option<GroupRec>) {
    if let Some(d) = s.dbs.get_mut(&db) {
        match old {
            Some(g) => {
                d.groups.insert(id, g);
            }
            None => {
                d.groups.remove(&id);
            }
        }
    }
}

/// Removes a group if no endpoint belongs to it any more.
pub fn drop_group_if_empty(st: &mut State, tx: &mut Txn, db: i32, id: Uuid) {
    let empty = st
        .dbs
        .get(&db)
        .is_some_and(|d| d.groups.contains_key(&id) && !d.group_members.contains_key(&id));
    if empty {
        remove_group(st, tx, db, id);
    }
}

/// Inserts a new message, invisible to other transactions until commit.
pub fn insert_message(st: &mut State, tx: &mut Txn, db: i32, rec: MessageRec) {
    let (qid, q) = (rec.queue_id, rec.queuing_order);
    let Some(d) = db_mut(st, db) else { return };
    d.qdata.entry(qid).or_default().insert(QueuedMessage {
        on_disk: false,
        rec,
        pending: Some(tx.id),
    });
    tx.pending_msgs.push((db, qid, q));
    tx.track(RowRef::Message(db, qid, q), move |s| {
        if let Some(qd) = s.dbs.get_mut(&db).and_then(|d| d.qdata.get_mut(&qid)) {
            qd.remove(q);
        }
    });
}

/// Replaces a message's record (status change, group move).
pub fn update_message(st: &mut State, tx: &mut Txn, db: i32, qid: i32, rec: MessageRec) {
    let q = rec.queuing_order;
    let Some(qd) = db_mut(st, db).and_then(|d| d.qdata.get_mut(&qid)) else {
        return;
    };
    let pending = qd.msgs.get(&q).and_then(|m| m.pending);
    let old = qd.remove(q);
    let on_disk = old.as_ref().is_some_and(|o| o.on_disk) && rec.body.is_none();
    qd.insert(QueuedMessage {
        rec,
        pending,
        on_disk,
    });
    tx.track(RowRef::Message(db, qid, q), move |s| {
        restore_message(s, db, qid, q, old)
    });
}

/// Deletes a message.
pub fn remove_message(st: &mut State, tx: &mut Txn, db: i32, qid: i32, q: i64) {
    let Some(qd) = db_mut(st, db).and_then(|d| d.qdata.get_mut(&qid)) else {
        return;
    };
    let old = qd.remove(q);
    tx.track(RowRef::Message(db, qid, q), move |s| {
        restore_message(s, db, qid, q, old)
    });
}

fn restore_message(s: &mut State, db: i32, qid: i32, q: i64, old: Option<QueuedMessage>) {
    if let Some(qd) = s.dbs.get_mut(&db).map(|d| d.qdata.entry(qid).or_default()) {
        qd.remove(q);
        if let Some(m) = old {
            qd.insert(m);
        }
    }
}

/// Inserts or replaces a transmission-queue row.
pub fn put_txq(st: &mut State, tx: &mut Txn, db: i32, rec: TransmissionRec) {
    let id = rec.id;
    let Some(d) = db_mut(st, db) else { return };
    let old = d.txq.insert(id, rec);
    tx.txq_touched = true;
    tx.track(RowRef::Transmission(db, id), move |s| {
        restore_txq(s, db, id, old)
    });
}

/// Removes a transmission-queue row.
pub fn remove_txq(st: &mut State, tx: &mut Txn, db: i32, id: i64) {
    let Some(d) = db_mut(st, db) else { return };
    let old = d.txq.remove(&id);
    tx.track(RowRef::Transmission(db, id), move |s| {
        restore_txq(s, db, id, old)
    });
}

fn restore_txq(s: &mut State, db: i32, id: i64, old: Option<TransmissionRec>) {
    if let Some(d) = s.dbs.get_mut(&db) {
        match old {
            Some(r) => {
                d.txq.insert(id, r);
            }
            None => {
                d.txq.remove(&id);
            }
        }
    }
}

/// A catalog object of any kind.
#[derive(Debug, Clone)]
pub enum CatObj {
    /// Message type.
    MessageType(MessageTypeRec),
    /// Contract.
    Contract(ContractRec),
    /// Queue.
    Queue(QueueRec),
    /// Service.
    Service(ServiceRec),
    /// Broker priority.
    Priority(PriorityRec),
    /// XML schema collection.
    XmlCollection(XmlCollectionRec),
    /// Route.
    Route(RouteRec),
    /// Database principal.
    Principal(PrincipalRec),
    /// Event notification.
    EventNotification(EventNotificationRec),
    /// Database master key.
    MasterKey(MasterKeyRec),
    /// Certificate.
    Certificate(CertificateRec),
    /// Remote service binding.
    RemoteServiceBinding(RemoteServiceBindingRec),
    /// Module signature.
    Signature(SignatureRec),
    /// Login.
    Login(LoginRec),
    /// TCP endpoint.
    EndpointDef(EndpointDefRec),
    /// Service master key.
    ServiceMasterKey(ServiceMasterKeyRec),
}

impl CatObj {
    fn kind_id(&self) -> (CatKind, i32) {
        match self {
            CatObj::MessageType(r) => (CatKind::MessageType, r.id),
            CatObj::Contract(r) => (CatKind::Contract, r.id),
            CatObj::Queue(r) => (CatKind::Queue, r.id),
            CatObj::Service(r) => (CatKind::Service, r.id),
            CatObj::Priority(r) => (CatKind::Priority, r.id),
            CatObj::XmlCollection(r) => (CatKind::XmlCollection, r.id),
            CatObj::Route(r) => (CatKind::Route, r.id),
            CatObj::Principal(r) => (CatKind::Principal, r.id),
            CatObj::EventNotification(r) => (CatKind::EventNotification, r.id),
            CatObj::MasterKey(r) => (CatKind::MasterKey, r.id),
            CatObj::Certificate(r) => (CatKind::Certificate, r.id),
            CatObj::RemoteServiceBinding(r) => (CatKind::RemoteServiceBinding, r.id),
            CatObj::Signature(r) => (CatKind::Signature, r.id),
            CatObj::Login(r) => (CatKind::Login, r.id),
            CatObj::EndpointDef(r) => (CatKind::EndpointDef, r.id),
            CatObj::ServiceMasterKey(r) => (CatKind::ServiceMasterKey, r.id),
        }
    }
}

fn cat_get(d: &Db, kind: CatKind, id: i32) -> Option<CatObj> {
    match kind {
        CatKind::MessageType => d.message_types.get(&id).cloned().map(CatObj::MessageType),
        CatKind::Contract => d.contracts.get(&id).cloned().map(CatObj::Contract),
        CatKind::Queue => d.queues.get(&id).cloned().map(CatObj::Queue),
        CatKind::Service => d.services.get(&id).cloned().map(CatObj::Service),
        CatKind::Priority => d.priorities.get(&id).cloned().map(CatObj::Priority),
        CatKind::XmlCollection => d
            .xml_collections
            .get(&id)
            .cloned()
            .map(CatObj::XmlCollection),
        CatKind::Route => d.routes.get(&id).cloned().map(CatObj::Route),
        CatKind::Principal => d.principals.get(&id).cloned().map(CatObj::Principal),
        CatKind::EventNotification => d
            .event_notifications
            .get(&id)
            .cloned()
            .map(CatObj::EventNotification),
        CatKind::MasterKey => d.sec.master_key.clone().map(CatObj::MasterKey),
        CatKind::Certificate => d
            .sec
            .certificates
            .get(&id)
            .cloned()
            .map(CatObj::Certificate),
        CatKind::RemoteServiceBinding => d
            .sec
            .bindings
            .get(&id)
            .cloned()
            .map(CatObj::RemoteServiceBinding),
        CatKind::Signature => d.sec.signatures.get(&id).cloned().map(CatObj::Signature),
        CatKind::Login => d.sec.logins.get(&id).cloned().map(CatObj::Login),
        CatKind::EndpointDef => d.sec.endpoints.get(&id).cloned().map(CatObj::EndpointDef),
        CatKind::ServiceMasterKey => d
            .sec
            .service_master_key
            .clone()
            .map(CatObj::ServiceMasterKey),
    }
}

fn cat_set(d: &mut Db, kind: CatKind, id: i32, v: Option<CatObj>) {
    match (kind, v) {
        (_, Some(CatObj::MessageType(r))) => {
            d.message_types.insert(id, r);
        }
        (_, Some(CatObj::Contract(r))) => {
            d.contracts.insert(id, r);
        }
        (_, Some(CatObj::Queue(r))) => {
            d.qdata.entry(id).or_default();
            d.queues.insert(id, r);
        }
        (_, Some(CatObj::Service(r))) => {
            d.services.insert(id, r);
        }
        (_, Some(CatObj::Priority(r))) => {
            d.priorities.insert(id, r);
        }
        (CatKind::Priority, None) => {
            d.priorities.remove(&id);
        }
        (_, Some(CatObj::XmlCollection(r))) => {
            d.xml_collections.insert(id, r);
        }
        (CatKind::XmlCollection, None) => {
            d.xml_collections.remove(&id);
        }
        (_, Some(CatObj::Route(r))) => {
            d.routes.insert(id, r);
        }
        (CatKind::Route, None) => {
            d.routes.remove(&id);
        }
        (_, Some(CatObj::Principal(r))) => {
            d.principals.insert(id, r);
        }
        (CatKind::Principal, None) => {
            d.principals.remove(&id);
        }
        (_, Some(CatObj::EventNotification(r))) => {
            d.event_notifications.insert(id, r);
        }
        (CatKind::EventNotification, None) => {
            d.event_notifications.remove(&id);
        }
        (_, Some(CatObj::MasterKey(r))) => d.sec.master_key = Some(r),
        (CatKind::MasterKey, None) => d.sec.master_key = None,
        (_, Some(CatObj::Certificate(r))) => {
            d.sec.certificates.insert(id, r);
        }
        (CatKind::Certificate, None) => {
            d.sec.certificates.remove(&id);
        }
        (_, Some(CatObj::RemoteServiceBinding(r))) => {
            d.sec.bindings.insert(id, r);
        }
        (CatKind::RemoteServiceBinding, None) => {
            d.sec.bindings.remove(&id);
        }
        (_, Some(CatObj::Signature(r))) => {
            d.sec.signatures.insert(id, r);
        }
        (CatKind::Signature, None) => {
            d.sec.signatures.remove(&id);
        }
        (_, Some(CatObj::Login(r))) => {
            d.sec.logins.insert(id, r);
        }
        (CatKind::Login, None) => {
            d.sec.logins.remove(&id);
        }
        (_, Some(CatObj::EndpointDef(r))) => {
            d.sec.endpoints.insert(id, r);
        }
        (CatKind::EndpointDef, None) => {
            d.sec.endpoints.remove(&id);
        }
        (_, Some(CatObj::ServiceMasterKey(r))) => d.sec.service_master_key = Some(r),
        (CatKind::ServiceMasterKey, None) => d.sec.service_master_key = None,
        (CatKind::MessageType, None) => {
            d.message_types.remove(&id);
        }
        (CatKind::Contract, None) => {
            d.contracts.remove(&id);
        }
        (CatKind::Queue, None) => {
            d.queues.remove(&id);
        }
        (CatKind::Service, None) => {
            d.services.remove(&id);
        }
    }
}

/// Inserts or replaces a catalog object.
pub fn put_catalog(st: &mut State, tx: &mut Txn, db: i32, obj: CatObj) {
    let (kind, id) = obj.kind_id();
    let Some(d) = db_mut(st, db) else { return };
    let old = cat_get(d, kind, id);
    cat_set(d, kind, id, Some(obj));
    tx.track(RowRef::Catalog(db, kind, id), move |s| {
        if let Some(d) = s.dbs.get_mut(&db) {
            cat_set(d, kind, id, old);
        }
    });
}

/// Removes a catalog object.
pub fn remove_catalog(st: &mut State, tx: &mut Txn, db: i32, kind: CatKind, id: i32) {
    let Some(d) = db_mut(st, db) else { return };
    let old = cat_get(d, kind, id);
    cat_set(d, kind, id, None);
    tx.track(RowRef::Catalog(db, kind, id), move |s| {
        if let Some(d) = s.dbs.get_mut(&db) {
            cat_set(d, kind, id, old);
        }
    });
}

/// Replaces a database record (flags, counters).
pub fn put_db_rec(st: &mut State, tx: &mut Txn, rec: DatabaseRec) {
    let id = rec.id;
    let Some(d) = db_mut(st, id) else { return };
    let old = std::mem::replace(&mut d.rec, rec);
    tx.track(RowRef::Database(id), move |s| {
        if let Some(d) = s.dbs.get_mut(&id) {
            d.rec = old;
        }
    });
}

/// Adds a whole database.
pub fn add_db(st: &mut State, tx: &mut Txn, db: Db) {
    let id = db.rec.id;
    st.dbs.insert(id, db);
    tx.track(RowRef::Database(id), move |s| {
        s.dbs.remove(&id);
    });
}

/// Removes a whole database and every row of it.
pub fn drop_db(st: &mut State, tx: &mut Txn, id: i32) {
    let Some(db) = st.dbs.remove(&id) else { return };
    // Every row of the database must be deleted from storage as well.
    for k in db.message_types.keys() {
        tx.dirty.push(RowRef::Catalog(id, CatKind::MessageType, *k));
    }
    for k in db.contracts.keys() {
        tx.dirty.push(RowRef::Catalog(id, CatKind::Contract, *k));
    }
    for k in db.queues.keys() {
        tx.dirty.push(RowRef::Catalog(id, CatKind::Queue, *k));
    }
    for k in db.services.keys() {
        tx.dirty.push(RowRef::Catalog(id, CatKind::Service, *k));
    }
    for k in db.priorities.keys() {
        tx.dirty.push(RowRef::Catalog(id, CatKind::Priority, *k));
    }
    for k in db.xml_collections.keys() {
        tx.dirty
            .push(RowRef::Catalog(id, CatKind::XmlCollection, *k));
    }
    for k in db.routes.keys() {
        tx.dirty.push(RowRef::Catalog(id, CatKind::Route, *k));
    }
    for k in db.principals.keys() {
        tx.dirty.push(RowRef::Catalog(id, CatKind::Principal, *k));
    }
    for k in db.event_notifications.keys() {
        tx.dirty
            .push(RowRef::Catalog(id, CatKind::EventNotification, *k));
    }
    if let Some(mk) = &db.sec.master_key {
        tx.dirty
            .push(RowRef::Catalog(id, CatKind::MasterKey, mk.id));
    }
    for k in db.sec.certificates.keys() {
        tx.dirty.push(RowRef::Catalog(id, CatKind::Certificate, *k));
    }
    for k in db.sec.bindings.keys() {
        tx.dirty
            .push(RowRef::Catalog(id, CatKind::RemoteServiceBinding, *k));
    }
    for k in db.sec.signatures.keys() {
        tx.dirty.push(RowRef::Catalog(id, CatKind::Signature, *k));
    }
    for h in db.endpoints.keys() {
        tx.dirty.push(RowRef::Endpoint(id, *h));
    }
    for g in db.groups.keys() {
        tx.dirty.push(RowRef::Group(id, *g));
    }
    for (qid, qd) in &db.qdata {
        for q in qd.msgs.keys() {
            tx.dirty.push(RowRef::Message(id, *qid, *q));
        }
    }
    for t in db.txq.keys() {
        tx.dirty.push(RowRef::Transmission(id, *t));
    }
    for (kind, name) in db.objects.keys() {
        tx.dirty
            .push(RowRef::Object(id, kind.clone(), name.clone()));
    }
    for (t, rows) in &db.user_rows {
        for r in rows.keys() {
            tx.dirty.push(RowRef::UserRow(id, *t, *r));
        }
    }
    tx.track(RowRef::Database(id), move |s| {
        s.dbs.insert(id, db);
    });
}

/// Sets (or with `None` deletes) an opaque object of the T-SQL layer.
pub fn put_object(
    st: &mut State,
    tx: &mut Txn,
    db: i32,
    kind: &str,
    name: &str,
    value: Option<Vec<u8>>,
) {
    let Some(d) = db_mut(st, db) else { return };
    let key = (kind.to_string(), name.to_string());
    let old = match value {
        Some(v) => d.objects.insert(key.clone(), Arc::new(v)),
        None => d.objects.remove(&key),
    };
    let (k2, n2) = key.clone();
    tx.track(RowRef::Object(db, k2, n2), move |s| {
        if let Some(d) = s.dbs.get_mut(&db) {
            match old {
                Some(v) => {
                    d.objects.insert(key, v);
                }
                None => {
                    d.objects.remove(&key);
                }
            }
        }
    });
}

/// Sets (or with `None` deletes) an opaque user-table row.
/// Inserts a user-table row under a new row id and returns the id.
pub fn insert_user_row(
    st: &mut State,
    tx: &mut Txn,
    db: i32,
    table: i64,
    value: Arc<Vec<u8>>,
) -> Option<i64> {
    let d = db_mut(st, db)?;
    let rows = &d.user_rows;
    let next = d.user_row_next.entry(table).or_insert_with(|| {
        rows.get(&table)
            .and_then(|r| r.last_key_value())
            .map_or(1, |(k, _)| k + 1)
    });
    let id = *next;
    *next += 1;
    put_user_row(st, tx, db, table, id, Some(value));
    Some(id)
}

pub fn put_user_row(
    st: &mut State,
    tx: &mut Txn,
    db: i32,
    table: i64,
    row: i64,
    value: Option<Arc<Vec<u8>>>,
) {
    let Some(d) = db_mut(st, db) else { return };
    let rows = d.user_rows.entry(table).or_default();
    let old = match value {
        Some(v) => rows.insert(row, v),
        None => rows.remove(&row),
    };
    tx.track(RowRef::UserRow(db, table, row), move |s| {
        if let Some(rows) = s
            .dbs
            .get_mut(&db)
            .map(|d| d.user_rows.entry(table).or_default())
        {
            match old {
                Some(v) => {
                    rows.insert(row, v);
                }
                None => {
                    rows.remove(&row);
                }
            }
        }
    });
}
