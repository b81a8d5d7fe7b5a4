//! The broker catalog: built-in objects of every database and the DDL of message types,
//! contracts, queues and services, with SQL Server's checks and error numbers.

use sbroker_types::ServerError;
use uuid::Uuid;

use crate::records::*;
use crate::state::{CatKind, Db, State};
use crate::txn::{self, CatObj, Txn};

/// First id of user-created broker objects.
pub const USER_ID_MIN: i32 = 65536;

/// `…/ServiceBroker/Error`.
pub const MT_ERROR: i32 = 1;
/// `…/ServiceBroker/EndDialog`.
pub const MT_END_DIALOG: i32 = 2;
/// `…/ServiceBroker/DialogTimer`.
pub const MT_DIALOG_TIMER: i32 = 5;
/// `DEFAULT` message type.
pub const MT_DEFAULT: i32 = 14;
/// `DEFAULT` contract.
pub const CONTRACT_DEFAULT: i32 = 6;

const SB: &str = "http://schemas.microsoft.com/SQL/ServiceBroker";
const NOTIF: &str = "http://schemas.microsoft.com/SQL/Notifications";

/// Name of the EndDialog message type.
pub const END_DIALOG_NAME: &str = "http://schemas.microsoft.com/SQL/ServiceBroker/EndDialog";
/// Name of the Error message type.
pub const ERROR_NAME: &str = "http://schemas.microsoft.com/SQL/ServiceBroker/Error";
/// Name of the DialogTimer message type.
pub const DIALOG_TIMER_NAME: &str = "http://schemas.microsoft.com/SQL/ServiceBroker/DialogTimer";

/// Queue ids of the built-in queues (object ids below any user object).
const BUILTIN_QUEUE_IDS: [i32; 3] = [1003150619, 1035150733, 1067150847];

/// First object id handed to user objects of a new database.
pub const FIRST_USER_OBJECT_ID: i32 = 1_131_151_075;

/// Fills a fresh database with the built-in message types, contracts, queues and services.
pub fn add_builtins(db: &mut Db, now: Ts) {
    let mt = |id: i32, name: String, v: Validation| MessageTypeRec {
        id,
        name,
        principal_id: 1,
        validation: v,
    };
    let types = [
        mt(1, format!("{SB}/Error"), Validation::WellFormedXml),
        mt(2, format!("{SB}/EndDialog"), Validation::Empty),
        mt(
            3,
            format!("{NOTIF}/QueryNotification"),
            Validation::WellFormedXml,
        ),
        mt(
            4,
            format!("{NOTIF}/EventNotification"),
            Validation::WellFormedXml,
        ),
        mt(5, format!("{SB}/DialogTimer"), Validation::Empty),
        mt(
            6,
            format!("{SB}/BrokerConfigurationNotice/MissingRoute"),
            Validation::WellFormedXml,
        ),
        mt(
            7,
            format!("{SB}/BrokerConfigurationNotice/FailedRoute"),
            Validation::WellFormedXml,
        ),
        mt(
            8,
            format!("{SB}/BrokerConfigurationNotice/MissingRemoteServiceBinding"),
            Validation::WellFormedXml,
        ),
        mt(
            9,
            format!("{SB}/BrokerConfigurationNotice/FailedRemoteServiceBinding"),
            Validation::WellFormedXml,
        ),
        mt(10, format!("{SB}/ServiceEcho/Echo"), Validation::None),
        mt(
            11,
            format!("{SB}/ServiceDiagnostic/Query"),
            Validation::WellFormedXml,
        ),
        mt(
            12,
            format!("{SB}/ServiceDiagnostic/Status"),
            Validation::WellFormedXml,
        ),
        mt(
            13,
            format!("{SB}/ServiceDiagnostic/Description"),
            Validation::None,
        ),
        mt(14, "DEFAULT".into(), Validation::None),
    ];
    for t in types {
        db.message_types.insert(t.id, t);
    }
    let u = |id, i, t| ContractUsage {
        message_type_id: id,
        by_initiator: i,
        by_target: t,
    };
    let contracts = [
        (
            1,
            format!("{NOTIF}/PostQueryNotification"),
            vec![u(3, true, false)],
        ),
        (
            2,
            format!("{NOTIF}/PostEventNotification"),
            vec![u(4, true, false)],
        ),
        (
            3,
            format!("{SB}/BrokerConfigurationNotice"),
            vec![
                u(6, true, false),
                u(7, true, false),
                u(8, true, false),
                u(9, true, false),
            ],
        ),
        (4, format!("{SB}/ServiceEcho"), vec![u(10, true, true)]),
        (
            5,
            format!("{SB}/ServiceDiagnostic"),
            vec![u(11, true, false), u(12, false, true), u(13, false, true)],
        ),
        (6, "DEFAULT".into(), vec![u(14, true, true)]),
    ];
    for (id, name, usages) in contracts {
        db.contracts.insert(
            id,
            ContractRec {
                id,
                name,
                principal_id: 1,
                usages,
            },
        );
    }
    let queues = [
        "QueryNotificationErrorsQueue",
        "EventNotificationErrorsQueue",
        "ServiceBrokerQueue",
    ];
    for (i, name) in queues.iter().enumerate() {
        let id = BUILTIN_QUEUE_IDS.get(i).copied().unwrap_or(i as i32 + 1);
        db.queues.insert(
            id,
            QueueRec {
                id,
                schema: "dbo".into(),
                name: (*name).into(),
                principal_id: 1,
                enabled: true,
                retention: false,
                poison_handling: true,
                dead_letter_queue: None,
                activation: Activation::default(),
                is_ms_shipped: true,
                create_ts: now,
                modify_ts: now,
            },
        );
        db.qdata.entry(id).or_default();
    }
    let principal = |id: i32, name: &str, kind: &str, desc: &str| PrincipalRec {
        id,
        name: name.into(),
        kind: kind.into(),
        type_desc: desc.into(),
        default_schema: (kind != "R").then(|| "dbo".to_string()),
        members: Vec::new(),
        login_id: (id == 1).then_some(1),
    };
    for p in [
        principal(0, "public", "R", "DATABASE_ROLE"),
        principal(1, "dbo", "S", "SQL_USER"),
        principal(2, "guest", "S", "SQL_USER"),
        principal(3, "INFORMATION_SCHEMA", "S", "SQL_USER"),
        principal(4, "sys", "S", "SQL_USER"),
    ] {
        db.principals.insert(p.id, p);
    }
    ensure_fixed_roles(db);
    let services = [
        (
            1,
            format!("{NOTIF}/QueryNotificationService"),
            0usize,
            vec![],
        ),
        (2, format!("{NOTIF}/EventNotificationService"), 1, vec![]),
        (3, format!("{SB}/ServiceBroker"), 2, vec![4, 5]),
    ];
    for (id, name, q, contracts) in services {
        let queue_id = BUILTIN_QUEUE_IDS.get(q).copied().unwrap_or(1);
        db.services.insert(
            id,
            ServiceRec {
                id,
                name,
                principal_id: 1,
                queue_id,
                contracts,
            },
        );
    }
}

/// The fixed database roles, with SQL Server's principal ids.
const FIXED_ROLES: [(i32, &str); 9] = [
    (16384, "db_owner"),
    (16385, "db_accessadmin"),
    (16386, "db_securityadmin"),
    (16387, "db_ddladmin"),
    (16389, "db_backupoperator"),
    (16390, "db_datareader"),
    (16391, "db_datawriter"),
    (16392, "db_denydatareader"),
    (16393, "db_denydatawriter"),
];

/// Adds every fixed database role the database lacks (new databases, and databases
/// recovered from a data directory written before a role was added here).
pub fn ensure_fixed_roles(db: &mut Db) {
    for (id, name) in FIXED_ROLES {
        if db.principals.contains_key(&id) || db.principal_id(name).is_some() {
            continue;
        }
        db.principals.insert(
            id,
            PrincipalRec {
                id,
                name: name.into(),
                kind: "R".into(),
                type_desc: "DATABASE_ROLE".into(),
                default_schema: None,
                members: Vec::new(),
                login_id: None,
            },
        );
    }
}

/// Error 2714.
pub fn already_exists(name: &str) -> ServerError {
    ServerError::new(
        2714,
        format!("There is already an object named '{name}' in the database."),
    )
}

fn system_object() -> ServerError {
    ServerError::new(9663, "The system object cannot be modified.")
}

fn referenced(kind: &str, name: &str, by: &str) -> ServerError {
    ServerError::new(
        3729,
        format!("Cannot drop {kind} '{name}' because it is being referenced by object '{by}'."),
    )
}

fn db_of(st: &State, db: i32) -> Result<&Db, ServerError> {
    st.db(db)
        .ok_or_else(|| ServerError::new(911, format!("Database id {db} does not exist.")))
}

/// Allocates the next user broker id of a database.
fn next_broker_id(st: &mut State, tx: &mut Txn, db: i32) -> Result<i32, ServerError> {
    let mut rec = db_of(st, db)?.rec.clone();
    let id = rec.next_broker_id;
    rec.next_broker_id += 1;
    txn::put_db_rec(st, tx, rec);
    Ok(id)
}

/// Allocates the next object id of a database (queues, tables, procedures, …).
pub fn next_object_id(st: &mut State, tx: &mut Txn, db: i32) -> Result<i32, ServerError> {
    let mut rec = db_of(st, db)?.rec.clone();
    let id = rec.next_object_id;
    rec.next_object_id += 1;
    txn::put_db_rec(st, tx, rec);
    Ok(id)
}

/// CREATE MESSAGE TYPE.
pub fn create_message_type(
    st: &mut State,
    tx: &mut Txn,
    db: i32,
    name: &str,
    validation: Validation,
    owner: i32,
) -> Result<i32, ServerError> {
    if db_of(st, db)?.message_type_by_name(name).is_some() {
        return Err(already_exists(name));
    }
    let id = next_broker_id(st, tx, db)?;
    let rec = MessageTypeRec {
        id,
        name: name.into(),
        principal_id: owner,
        validation,
    };
    txn::put_catalog(st, tx, db, CatObj::MessageType(rec));
    Ok(id)
}

fn message_type_not_found(name: &str) -> ServerError {
    ServerError::new(8428, format!("The message type \"{name}\" is not found."))
}

/// ALTER MESSAGE TYPE … VALIDATION.
pub fn alter_message_type(
    st: &mut State,
    tx: &mut Txn,
    db: i32,
    name: &str,
    validation: Validation,
) -> Result<(), ServerError> {
    let mut rec = db_of(st, db)?
        .message_type_by_name(name)
        .cloned()
        .ok_or_else(|| message_type_not_found(name))?;
    if rec.id < USER_ID_MIN {
        return Err(system_object());
    }
    rec.validation = validation;
    txn::put_catalog(st, tx, db, CatObj::MessageType(rec));
    Ok(())
}

/// DROP MESSAGE TYPE.
pub fn drop_message_type(
    st: &mut State,
    tx: &mut Txn,
    db: i32,
    name: &str,
) -> Result<(), ServerError> {
    let d = db_of(st, db)?;
    let rec = d
        .message_type_by_name(name)
        .cloned()
        .ok_or_else(|| message_type_not_found(name))?;
    if rec.id < USER_ID_MIN {
        return Err(system_object());
    }
    if let Some(c) = d
        .contracts
        .values()
        .find(|c| c.usages.iter().any(|u| u.message_type_id == rec.id))
    {
        return Err(referenced("message type", name, &c.name));
    }
    txn::remove_catalog(st, tx, db, CatKind::MessageType, rec.id);
    Ok(())
}

/// Who may send a message type on a contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SentBy {
    /// SENT BY INITIATOR.
    Initiator,
    /// SENT BY TARGET.
    Target,
    /// SENT BY ANY.
    Any,
}

/// CREATE CONTRACT.
pub fn create_contract(
    st: &mut State,
    tx: &mut Txn,
    db: i32,
    name: &str,
    owner: i32,
    items: &[(String, SentBy)],
) -> Result<i32, ServerError> {
    let d = db_of(st, db)?;
    if d.contract_by_name(name).is_some() {
        return Err(already_exists(name));
    }
    let mut usages: Vec<ContractUsage> = Vec::new();
    for (mt, by) in items {
        let t = d
            .message_type_by_name(mt)
            .ok_or_else(|| message_type_not_found(mt))?;
        if usages.iter().any(|u| u.message_type_id == t.id) {
            return Err(ServerError::new(
                8403,
                format!("The message type '{mt}' is specified more than once."),
            ));
        }
        usages.push(ContractUsage {
            message_type_id: t.id,
            by_initiator: matches!(by, SentBy::Initiator | SentBy::Any),
            by_target: matches!(by, SentBy::Target | SentBy::Any),
        });
    }
    if !usages.iter().any(|u| u.by_initiator) {
        return Err(ServerError::new(
            8492,
            format!(
                "The contract \"{name}\" must have at least one message SENT BY INITIATOR or ANY."
            ),
        ));
    }
    let id = next_broker_id(st, tx, db)?;
    txn::put_catalog(
        st,
        tx,
        db,
        CatObj::Contract(ContractRec {
            id,
            name: name.into(),
            principal_id: owner,
            usages,
        }),
    );
    Ok(id)
}

/// Error 8425.
pub fn contract_not_found(name: &str) -> ServerError {
    ServerError::new(8425, format!("The service contract '{name}' is not found."))
}

/// DROP CONTRACT.
pub fn drop_contract(st: &mut State, tx: &mut Txn, db: i32, name: &str) -> Result<(), ServerError> {
    let d = db_of(st, db)?;
    let rec = d.contract_by_name(name).cloned().ok_or_else(|| {
        ServerError::new(
            15151,
            format!("Cannot drop the contract '{name}', because it does not exist or you do not have permission."),
        )
    })?;
    if rec.id < USER_ID_MIN {
        return Err(system_object());
    }
    if let Some(s) = d.services.values().find(|s| s.contracts.contains(&rec.id)) {
        return Err(referenced("contract", name, &s.name));
    }
    if let Some(p) = priority_referencing(d, Some(rec.id), None) {
        return Err(referenced("contract", name, &p));
    }
    txn::remove_catalog(st, tx, db, CatKind::Contract, rec.id);
    Ok(())
}

/// Settings of CREATE/ALTER QUEUE; `None` = not specified.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueOptions {
    /// STATUS.
    pub status: Option<bool>,
    /// RETENTION.
    pub retention: Option<bool>,
    /// POISON_MESSAGE_HANDLING (STATUS).
    pub poison_handling: Option<bool>,
    /// ACTIVATION (STATUS).
    pub activation_status: Option<bool>,
    /// ACTIVATION (PROCEDURE_NAME), already three-part.
    pub activation_procedure: Option<String>,
    /// ACTIVATION (MAX_QUEUE_READERS).
    pub max_readers: Option<i64>,
    /// ACTIVATION (EXECUTE AS) principal id.
    pub execute_as: Option<i32>,
    /// ACTIVATION (DROP).
    pub activation_drop: bool,
    /// An ACTIVATION clause was present.
    pub activation_given: bool,
    /// sbroker extension: DEAD_LETTER_QUEUE; `Some(None)` = NONE.
    pub dead_letter_queue: Option<Option<crate::receive::QueueName>>,
}

fn resolve_dead_letter(
    st: &State,
    db: i32,
    own: Option<i32>,
    opts: &QueueOptions,
) -> Result<Option<Option<i32>>, ServerError> {
    match &opts.dead_letter_queue {
        None => Ok(None),
        Some(None) => Ok(Some(None)),
        Some(Some(q)) => {
            let (qdb, qid) = crate::receive::resolve_queue(st, db, q)?;
            if qdb != db || Some(qid) == own {
                return Err(ServerError::new(
                    40001,
                    format!(
                        "The dead-letter queue '{}' must be another queue of the same database.",
                        q.name
                    ),
                ));
            }
            Ok(Some(Some(qid)))
        }
    }
}

fn check_readers(n: Option<i64>) -> Result<Option<i16>, ServerError> {
    match n {
        None => Ok(None),
        Some(n) if (0..=32767).contains(&n) => Ok(Some(n as i16)),
        Some(n) => Err(ServerError::new(
            8675,
            format!(
                "The value {n} for MAX_QUEUE_READERS is out of range; it must be between 0 and 32767."
            ),
        )),
    }
}

/// CREATE QUEUE.
#[expect(
    clippy::too_many_arguments,
    reason = "one parameter per DDL input; a struct would only wrap them"
)]
pub fn create_queue(
    st: &mut State,
    tx: &mut Txn,
    db: i32,
    schema: &str,
    name: &str,
    owner: i32,
    opts: &QueueOptions,
    now: Ts,
) -> Result<i32, ServerError> {
    if name.starts_with('#') {
        return Err(ServerError::new(
            2760,
            format!("Queues cannot be temporary objects: '{name}'."),
        ));
    }
    if db_of(st, db)?.queue_by_name(Some(schema), name).is_some() {
        return Err(already_exists(name));
    }
    let readers = check_readers(opts.max_readers)?;
    let dead_letter = resolve_dead_letter(st, db, None, opts)?.flatten();
    let id = next_object_id(st, tx, db)?;
    let activation = if opts.activation_given && !opts.activation_drop {
        Activation {
            enabled: opts.activation_status.unwrap_or(true),
            procedure: opts.activation_procedure.clone(),
            max_readers: readers.unwrap_or(0),
            execute_as: opts.execute_as,
        }
    } else {
        Activation::default()
    };
    let rec = QueueRec {
        id,
        schema: schema.into(),
        name: name.into(),
        principal_id: owner,
        enabled: opts.status.unwrap_or(true),
        retention: opts.retention.unwrap_or(false),
        poison_handling: opts.poison_handling.unwrap_or(true),
        dead_letter_queue: dead_letter,
        activation,
        is_ms_shipped: false,
        create_ts: now,
        modify_ts: now,
    };
    txn::put_catalog(st, tx, db, CatObj::Queue(rec));
    Ok(id)
}

/// ALTER QUEUE … WITH.
pub fn alter_queue(
    st: &mut State,
    tx: &mut Txn,
    db: i32,
    queue_id: i32,
    opts: &QueueOptions,
    now: Ts,
) -> Result<(), ServerError> {
    let mut rec = db_of(st, db)?
        .queues
        .get(&queue_id)
        .cloned()
        .ok_or_else(|| ServerError::new(208, "Invalid object name."))?;
    if rec.is_ms_shipped {
        return Err(system_object());
    }
    let readers = check_readers(opts.max_readers)?;
    if let Some(s) = opts.status {
        rec.enabled = s;
    }
    if let Some(r) = opts.retention {
        rec.retention = r;
    }
    if let Some(p) = opts.poison_handling {
        rec.poison_handling = p;
    }
    if let Some(d) = resolve_dead_letter(st, db, Some(queue_id), opts)? {
        rec.dead_letter_queue = d;
    }
    if opts.activation_drop {
        rec.activation = Activation::default();
    } else if opts.activation_given {
        if let Some(s) = opts.activation_status {
            rec.activation.enabled = s;
        }
        if let Some(p) = &opts.activation_procedure {
            rec.activation.procedure = Some(p.clone());
        }
        if let Some(n) = readers {
            rec.activation.max_readers = n;
        }
        if opts.execute_as.is_some() {
            rec.activation.execute_as = opts.execute_as;
        }
    }
    if rec.activation.enabled
        && rec.activation.procedure.is_some()
        && db_of(st, db)?
            .event_notifications
            .values()
            .any(|e| e.queue_id == queue_id && e.events.iter().any(|x| x == "QUEUE_ACTIVATION"))
    {
        return Err(ServerError::new(
            9717,
            format!(
                "The queue '{}' has a QUEUE_ACTIVATION event notification; internal activation cannot be enabled on it.",
                rec.name
            ),
        ));
    }
    rec.modify_ts = now;
    if rec.enabled {
        st.poison_counts.remove(&(db, queue_id));
        st.txq_dirty = true;
    }
    txn::put_catalog(st, tx, db, CatObj::Queue(rec));
    Ok(())
}

/// DROP QUEUE.
pub fn drop_queue(st: &mut State, tx: &mut Txn, db: i32, queue_id: i32) -> Result<(), ServerError> {
    let d = db_of(st, db)?;
    let rec = d
        .queues
        .get(&queue_id)
        .cloned()
        .ok_or_else(|| ServerError::new(208, "Invalid object name."))?;
    if rec.is_ms_shipped {
        return Err(system_object());
    }
    if let Some(s) = d.services.values().find(|s| s.queue_id == queue_id) {
        return Err(referenced("queue", &rec.name, &s.name));
    }
    if let Some(q) = d
        .queues
        .values()
        .find(|q| q.dead_letter_queue == Some(queue_id))
    {
        return Err(referenced("queue", &rec.name, &q.name));
    }
    let qs: Vec<i64> = d
        .qdata
        .get(&queue_id)
        .map(|q| q.msgs.keys().copied().collect())
        .unwrap_or_default();
    for q in qs {
        txn::remove_message(st, tx, db, queue_id, q);
    }
    txn::remove_catalog(st, tx, db, CatKind::Queue, queue_id);
    Ok(())
}

fn resolve_contracts(d: &Db, names: &[String]) -> Result<Vec<i32>, ServerError> {
    let mut ids = Vec::new();
    for n in names {
        let c = d.contract_by_name(n).ok_or_else(|| contract_not_found(n))?;
        if ids.contains(&c.id) {
            return Err(ServerError::new(
                8404,
                format!("The service contract '{n}' is specified more than once."),
            ));
        }
        ids.push(c.id);
    }
    Ok(ids)
}

/// CREATE SERVICE.
pub fn create_service(
    st: &mut State,
    tx: &mut Txn,
    db: i32,
    name: &str,
    owner: i32,
    queue_id: i32,
    contracts: &[String],
) -> Result<i32, ServerError> {
    let d = db_of(st, db)?;
    if d.service_by_name(name).is_some() {
        return Err(already_exists(name));
    }
    let ids = resolve_contracts(d, contracts)?;
    let id = next_broker_id(st, tx, db)?;
    txn::put_catalog(
        st,
        tx,
        db,
        CatObj::Service(ServiceRec {
            id,
            name: name.into(),
            principal_id: owner,
            queue_id,
            contracts: ids,
        }),
    );
    Ok(id)
}

/// Error 8423 / 15151 for an unknown service.
pub fn service_not_found(name: &str) -> ServerError {
    ServerError::new(8423, format!("The service \"{name}\" is not found."))
}

/// ALTER SERVICE.
pub fn alter_service(
    st: &mut State,
    tx: &mut Txn,
    db: i32,
    name: &str,
    new_queue: Option<i32>,
    add: &[String],
    drop: &[String],
) -> Result<(), ServerError> {
    let d = db_of(st, db)?;
    let mut rec = d
        .service_by_name(name)
        .cloned()
        .ok_or_else(|| service_not_found(name))?;
    if rec.id < USER_ID_MIN {
        return Err(system_object());
    }
    if new_queue.is_none() && add.is_empty() && drop.is_empty() {
        return Err(ServerError::new(
            8493,
            format!(
                "The alter of service '{name}' must change the queue or at least one contract."
            ),
        ));
    }
    for id in resolve_contracts(d, add)? {
        if rec.contracts.contains(&id) {
            return Err(ServerError::new(
                8404,
                "The service contract is specified more than once.",
            ));
        }
        rec.contracts.push(id);
    }
    for id in resolve_contracts(d, drop)? {
        if !rec.contracts.contains(&id) {
            return Err(ServerError::new(
                8425,
                "The service contract is not found in the service's contract list.",
            ));
        }
        rec.contracts.retain(|c| *c != id);
    }
    let old_queue = rec.queue_id;
    if let Some(q) = new_queue {
        rec.queue_id = q;
    }
    let service_id = rec.id;
    txn::put_catalog(st, tx, db, CatObj::Service(rec));
    if let Some(q) = new_queue.filter(|q| *q != old_queue) {
        // Move the service's messages to the new queue.
        let orders: Vec<i64> = st
            .db(db)
            .and_then(|d| d.qdata.get(&old_queue))
            .map(|qd| {
                qd.msgs
                    .values()
                    .filter(|m| m.rec.service_id == service_id)
                    .map(|m| m.rec.queuing_order)
                    .collect()
            })
            .unwrap_or_default();
        // Bodies that left memory are read back: the moved row gets a new key.
        let moving: Vec<MessageRec> = orders
            .iter()
            .filter_map(|q| st.message_with_body(db, old_queue, *q))
            .collect();
        for m in moving {
            txn::remove_message(st, tx, db, old_queue, m.queuing_order);
            let mut moved = m;
            moved.queue_id = q;
            txn::insert_message(st, tx, db, moved);
        }
    }
    Ok(())
}

/// The group row of a new group.
pub fn new_group(id: Uuid, service_id: i32) -> GroupRec {
    GroupRec { id, service_id }
}

/// A criterion of CREATE/ALTER BROKER PRIORITY.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Criterion {
    /// Not given (ALTER keeps the old value; CREATE means ANY).
    Unchanged,
    /// ANY.
    Any,
    /// A named contract or service, or a remote service name.
    Name(String),
}

/// Arguments of CREATE/ALTER BROKER PRIORITY.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriorityArgs {
    /// CONTRACT_NAME.
    pub contract: Criterion,
    /// LOCAL_SERVICE_NAME.
    pub local_service: Criterion,
    /// REMOTE_SERVICE_NAME.
    pub remote_service: Criterion,
    /// PRIORITY_LEVEL; `Some(None)` = DEFAULT (5).
    pub level: Option<Option<i64>>,
}

fn priority_level(level: Option<Option<i64>>, old: u8) -> Result<u8, ServerError> {
    match level {
        None => Ok(old),
        Some(None) => Ok(5),
        Some(Some(n)) if (1..=10).contains(&n) => Ok(n as u8),
        Some(Some(n)) => Err(ServerError::new(
            8474,
            format!(
                "The PRIORITY_LEVEL value {n} is not valid. PRIORITY_LEVEL must be an integer from 1 to 10, or DEFAULT."
            ),
        )),
    }
}

fn resolve_priority(
    d: &Db,
    args: &PriorityArgs,
    mut rec: PriorityRec,
) -> Result<PriorityRec, ServerError> {
    match &args.contract {
        Criterion::Unchanged => {}
        Criterion::Any => rec.contract_id = None,
        Criterion::Name(n) => {
            rec.contract_id = Some(
                d.contract_by_name(n)
                    .ok_or_else(|| contract_not_found(n))?
                    .id,
            )
        }
    }
    match &args.local_service {
        Criterion::Unchanged => {}
        Criterion::Any => rec.local_service_id = None,
        Criterion::Name(n) => {
            rec.local_service_id =
                Some(d.service_by_name(n).ok_or_else(|| service_not_found(n))?.id)
        }
    }
    match &args.remote_service {
        Criterion::Unchanged => {}
        Criterion::Any => rec.remote_service = None,
        Criterion::Name(n) => rec.remote_service = Some(n.clone()),
    }
    rec.level = priority_level(args.level, rec.level)?;
    let dup = d.priorities.values().any(|p| {
        p.id != rec.id
            && p.contract_id == rec.contract_id
            && p.local_service_id == rec.local_service_id
            && p.remote_service == rec.remote_service
    });
    if dup {
        return Err(ServerError::new(
            8475,
            format!(
                "The broker priority '{}' has the same CONTRACT_NAME, LOCAL_SERVICE_NAME and REMOTE_SERVICE_NAME as another broker priority in the database.",
                rec.name
            ),
        ));
    }
    Ok(rec)
}

/// CREATE BROKER PRIORITY.
pub fn create_priority(
    st: &mut State,
    tx: &mut Txn,
    db: i32,
    name: &str,
    args: &PriorityArgs,
) -> Result<i32, ServerError> {
    let d = db_of(st, db)?;
    if d.priorities
        .values()
        .any(|p| p.name.eq_ignore_ascii_case(name))
    {
        return Err(already_exists(name));
    }
    let rec = PriorityRec {
        id: 0,
        name: name.into(),
        contract_id: None,
        local_service_id: None,
        remote_service: None,
        level: 5,
    };
    let mut rec = resolve_priority(d, args, rec)?;
    rec.id = next_broker_id(st, tx, db)?;
    let id = rec.id;
    txn::put_catalog(st, tx, db, CatObj::Priority(rec));
    Ok(id)
}

fn priority_not_found(name: &str) -> ServerError {
    ServerError::new(
        15151,
        format!(
            "Cannot find the broker priority '{name}', because it does not exist or you do not have permission."
        ),
    )
}

/// ALTER BROKER PRIORITY: only the given criteria change; existing endpoints keep theirs.
pub fn alter_priority(
    st: &mut State,
    tx: &mut Txn,
    db: i32,
    name: &str,
    args: &PriorityArgs,
) -> Result<(), ServerError> {
    let d = db_of(st, db)?;
    let old = d
        .priorities
        .values()
        .find(|p| p.name.eq_ignore_ascii_case(name))
        .cloned()
        .ok_or_else(|| priority_not_found(name))?;
    let rec = resolve_priority(d, args, old)?;
    txn::put_catalog(st, tx, db, CatObj::Priority(rec));
    Ok(())
}

/// DROP BROKER PRIORITY.
pub fn drop_priority(st: &mut State, tx: &mut Txn, db: i32, name: &str) -> Result<(), ServerError> {
    let d = db_of(st, db)?;
    let id = d
        .priorities
        .values()
        .find(|p| p.name.eq_ignore_ascii_case(name))
        .map(|p| p.id)
        .ok_or_else(|| priority_not_found(name))?;
    txn::remove_catalog(st, tx, db, CatKind::Priority, id);
    Ok(())
}

/// The broker priority that references a contract or service, if any (blocks DROP).
pub fn priority_referencing(d: &Db, contract: Option<i32>, service: Option<i32>) -> Option<String> {
    d.priorities
        .values()
        .find(|p| {
            (contract.is_some() && p.contract_id == contract)
                || (service.is_some() && p.local_service_id == service)
        })
        .map(|p| p.name.clone())
}

/// CREATE XML SCHEMA COLLECTION.
pub fn create_xml_collection(
    st: &mut State,
    tx: &mut Txn,
    db: i32,
    schema: &str,
    name: &str,
    text: &str,
) -> Result<i32, ServerError> {
    let d = db_of(st, db)?;
    if d.xml_collections
        .values()
        .any(|c| c.name.eq_ignore_ascii_case(name) && c.schema.eq_ignore_ascii_case(schema))
    {
        return Err(ServerError::new(
            2374,
            format!("A collection with name '{name}' already exists in the current database."),
        ));
    }
    let schemas = crate::xsd::split_schemas(text)?;
    let id = next_broker_id(st, tx, db)?;
    txn::put_catalog(
        st,
        tx,
        db,
        CatObj::XmlCollection(XmlCollectionRec {
            id,
            schema: schema.into(),
            name: name.into(),
            schemas,
        }),
    );
    Ok(id)
}

/// DROP XML SCHEMA COLLECTION (refused while a message type validates with it).
pub fn drop_xml_collection(
    st: &mut State,
    tx: &mut Txn,
    db: i32,
    name: &str,
) -> Result<(), ServerError> {
    let d = db_of(st, db)?;
    let c = d.xml_collections.values().find(|c| c.name.eq_ignore_ascii_case(name)).cloned().ok_or_else(|| {
        ServerError::new(15151, format!("Cannot drop the XML schema collection '{name}', because it does not exist or you do not have permission."))
    })?;
    if let Some(m) = d
        .message_types
        .values()
        .find(|m| m.validation == Validation::ValidXml(c.id))
    {
        return Err(referenced("XML schema collection", name, &m.name));
    }
    txn::remove_catalog(st, tx, db, CatKind::XmlCollection, c.id);
    Ok(())
}

/// Options of CREATE/ALTER ROUTE (`None` = not given).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RouteOptions {
    /// SERVICE_NAME.
    pub service_name: Option<String>,
    /// BROKER_INSTANCE.
    pub broker_instance: Option<String>,
    /// LIFETIME in seconds.
    pub lifetime_s: Option<i64>,
    /// ADDRESS.
    pub address: Option<String>,
    /// MIRROR_ADDRESS.
    pub mirror_address: Option<String>,
}

/// Name of the Broker Configuration Notice service in routes.
pub const BCN_SERVICE: &str = "SQL/ServiceBroker/BrokerConfiguration";

fn is_tcp_address(a: &str) -> bool {
    let Some(rest) = a
        .get(..6)
        .filter(|p| p.eq_ignore_ascii_case("tcp://"))
        .and_then(|_| a.get(6..))
    else {
        return false;
    };
    let Some((host, port)) = rest.rsplit_once(':') else {
        return false;
    };
    !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '[' | ']' | ':'))
        && port
            .trim_end_matches('/')
            .parse::<u16>()
            .is_ok_and(|p| p > 0)
}

fn check_route(r: &RouteRec) -> Result<(), ServerError> {
    for v in [
        Some(&r.address),
        r.service_name.as_ref(),
        r.broker_instance.as_ref(),
        r.mirror_address.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        if v.is_empty() {
            return Err(ServerError::new(9659, "The route field cannot be empty."));
        }
        if v.chars().count() > 256 {
            return Err(ServerError::new(
                9660,
                "The route field is too long (the limit is 256 characters).",
            ));
        }
    }
    let local = r.address.eq_ignore_ascii_case("LOCAL");
    let transport = r.address.eq_ignore_ascii_case("TRANSPORT");
    if !local && !transport && !is_tcp_address(&r.address) {
        return Err(ServerError::new(
            9744,
            format!(
                "The address '{}' is not valid; expected LOCAL, TRANSPORT or TCP://host:port.",
                r.address
            ),
        ));
    }
    if r.broker_instance.is_some() && r.service_name.is_none() {
        return Err(ServerError::new(
            9662,
            "The BROKER_INSTANCE option requires SERVICE_NAME.",
        ));
    }
    if transport && r.service_name.is_some() {
        return Err(ServerError::new(
            9745,
            "A route with ADDRESS = 'TRANSPORT' cannot specify SERVICE_NAME.",
        ));
    }
    if let Some(m) = &r.mirror_address {
        if r.service_name.is_none() || r.broker_instance.is_none() {
            return Err(ServerError::new(
                9661,
                "SERVICE_NAME and BROKER_INSTANCE are required when MIRROR_ADDRESS is specified.",
            ));
        }
        if !is_tcp_address(m) {
            return Err(ServerError::new(
                9743,
                "MIRROR_ADDRESS must be a TCP address.",
            ));
        }
        if m.eq_ignore_ascii_case(&r.address) {
            return Err(ServerError::new(
                9747,
                "ADDRESS and MIRROR_ADDRESS must differ.",
            ));
        }
    }
    if r.service_name.as_deref() == Some(BCN_SERVICE) && r.broker_instance.is_some() {
        return Err(ServerError::new(
            9662,
            "A route to the Broker Configuration Notice service cannot specify BROKER_INSTANCE.",
        ));
    }
    Ok(())
}

fn apply_route_options(r: &mut RouteRec, o: &RouteOptions, now: Ts) -> Result<(), ServerError> {
    if let Some(v) = &o.service_name {
        r.service_name = Some(v.clone());
    }
    if let Some(v) = &o.broker_instance {
        r.broker_instance = Some(v.clone());
    }
    if let Some(s) = o.lifetime_s {
        if !(1..=2_147_483_647).contains(&s) {
            return Err(ServerError::new(
                9746,
                format!("The LIFETIME value {s} is outside the allowed range."),
            ));
        }
        r.lifetime = Some(now.saturating_add(s.saturating_mul(1_000_000)));
    }
    if let Some(v) = &o.address {
        r.address = v.clone();
    }
    if let Some(v) = &o.mirror_address {
        r.mirror_address = Some(v.clone());
    }
    check_route(r)
}

/// CREATE ROUTE.
pub fn create_route(
    st: &mut State,
    tx: &mut Txn,
    db: i32,
    name: &str,
    o: &RouteOptions,
    now: Ts,
) -> Result<i32, ServerError> {
    let d = db_of(st, db)?;
    if d.routes.values().any(|r| r.name.eq_ignore_ascii_case(name)) {
        return Err(already_exists(name));
    }
    if o.address.is_none() {
        return Err(ServerError::new(
            102,
            "Incorrect syntax near ')': CREATE ROUTE requires ADDRESS.",
        )
        .with_severity(15));
    }
    let id = d
        .routes
        .keys()
        .next_back()
        .map_or(USER_ID_MIN, |m| (m + 1).max(USER_ID_MIN));
    let mut r = RouteRec {
        id,
        name: name.into(),
        principal_id: 1,
        service_name: None,
        broker_instance: None,
        lifetime: None,
        address: String::new(),
        mirror_address: None,
    };
    apply_route_options(&mut r, o, now)?;
    st.txq_dirty = true;
    txn::put_catalog(st, tx, db, CatObj::Route(r));
    Ok(id)
}

fn route_not_found(name: &str) -> ServerError {
    ServerError::new(
        15151,
        format!(
            "Cannot find the route '{name}', because it does not exist or you do not have permission."
        ),
    )
}

/// ALTER ROUTE: sets the given fields only.
pub fn alter_route(
    st: &mut State,
    tx: &mut Txn,
    db: i32,
    name: &str,
    o: &RouteOptions,
    now: Ts,
) -> Result<(), ServerError> {
    let mut r = db_of(st, db)?
        .routes
        .values()
        .find(|r| r.name.eq_ignore_ascii_case(name))
        .cloned()
        .ok_or_else(|| route_not_found(name))?;
    apply_route_options(&mut r, o, now)?;
    st.txq_dirty = true;
    txn::put_catalog(st, tx, db, CatObj::Route(r));
    Ok(())
}

/// DROP ROUTE (messages already classified keep going; new ones wait).
pub fn drop_route(st: &mut State, tx: &mut Txn, db: i32, name: &str) -> Result<(), ServerError> {
    let id = db_of(st, db)?
        .routes
        .values()
        .find(|r| r.name.eq_ignore_ascii_case(name))
        .map(|r| r.id)
        .ok_or_else(|| route_not_found(name))?;
    txn::remove_catalog(st, tx, db, CatKind::Route, id);
    Ok(())
}

/// CREATE USER / CREATE ROLE: returns the new principal id.
pub fn create_principal(
    st: &mut State,
    tx: &mut Txn,
    db: i32,
    name: &str,
    role: bool,
    certificate: bool,
    login_id: Option<i32>,
) -> Result<i32, ServerError> {
    let d = db_of(st, db)?;
    if d.principal_id(name).is_some() {
        return Err(ServerError::new(
            15023,
            format!("User, group, or role '{name}' already exists in the current database."),
        ));
    }
    let id = d
        .principals
        .keys()
        .copied()
        .filter(|k| *k < 16384)
        .max()
        .unwrap_or(4)
        .max(4)
        + 1;
    let (kind, desc) = match (role, certificate) {
        (true, _) => ("R", "DATABASE_ROLE"),
        (false, true) => ("C", "CERTIFICATE_MAPPED_USER"),
        (false, false) => ("S", "SQL_USER"),
    };
    let rec = PrincipalRec {
        id,
        name: name.into(),
        kind: kind.into(),
        type_desc: desc.into(),
        default_schema: (!role).then(|| "dbo".to_string()),
        members: Vec::new(),
        login_id,
    };
    txn::put_catalog(st, tx, db, CatObj::Principal(rec));
    Ok(id)
}

/// DROP USER / DROP ROLE (refused while the principal owns broker objects, and for a
/// role while it has members). A dropped user leaves every role it was a member of.
pub fn drop_principal(
    st: &mut State,
    tx: &mut Txn,
    db: i32,
    name: &str,
    role: bool,
) -> Result<(), ServerError> {
    let d = db_of(st, db)?;
    let word = if role { "role" } else { "user" };
    let id = d
        .principal_id(name)
        .filter(|id| d.principals.get(id).is_some_and(|p| (p.kind == "R") == role))
        .ok_or_else(|| {
            ServerError::new(15151, format!("Cannot drop the {word} '{name}', because it does not exist or you do not have permission."))
        })?;
    if !(5..16384).contains(&id) {
        let number = if role { 15142 } else { 15150 };
        return Err(ServerError::new(
            number,
            format!("Cannot drop the {word} '{name}'."),
        ));
    }
    if role && d.principals.get(&id).is_some_and(|p| !p.members.is_empty()) {
        return Err(ServerError::new(
            15144,
            "The role has members. It must be empty before it can be dropped.",
        ));
    }
    let owns = d.message_types.values().any(|m| m.principal_id == id)
        || d.contracts.values().any(|c| c.principal_id == id)
        || d.services.values().any(|s| s.principal_id == id)
        || d.queues.values().any(|q| q.principal_id == id);
    if owns {
        return Err(ServerError::new(
            15138,
            format!(
                "The database principal owns objects in the database and cannot be dropped: '{name}'."
            ),
        ));
    }
    let left: Vec<PrincipalRec> = d
        .principals
        .values()
        .filter(|p| p.members.contains(&id))
        .map(|p| {
            let mut p = p.clone();
            p.members.retain(|m| *m != id);
            p
        })
        .collect();
    for p in left {
        txn::put_catalog(st, tx, db, CatObj::Principal(p));
    }
    txn::remove_catalog(st, tx, db, CatKind::Principal, id);
    Ok(())
}

/// ALTER ROLE … ADD MEMBER / DROP MEMBER.
pub fn alter_role_member(
    st: &mut State,
    tx: &mut Txn,
    db: i32,
    role: &str,
    member: &str,
    add: bool,
) -> Result<(), ServerError> {
    let d = db_of(st, db)?;
    let missing = |n: &str| {
        ServerError::new(
            15151,
            format!(
                "Cannot alter the role '{n}', because it does not exist or you do not have permission."
            ),
        )
    };
    let rid = d.principal_id(role).ok_or_else(|| missing(role))?;
    let mid = d.principal_id(member).ok_or_else(|| missing(member))?;
    let mut rec = d
        .principals
        .get(&rid)
        .cloned()
        .ok_or_else(|| missing(role))?;
    if rec.kind != "R" {
        return Err(missing(role));
    }
    rec.members.retain(|m| *m != mid);
    if add {
        rec.members.push(mid);
    }
    txn::put_catalog(st, tx, db, CatObj::Principal(rec));
    Ok(())
}

/// Classes of ALTER AUTHORIZATION handled by the broker catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnedClass {
    /// MESSAGE TYPE::
    MessageType,
    /// CONTRACT::
    Contract,
    /// SERVICE::
    Service,
    /// OBJECT:: (a queue)
    Queue,
    /// ROUTE::
    Route,
}

/// ALTER AUTHORIZATION ON class::name TO principal.
pub fn alter_authorization(
    st: &mut State,
    tx: &mut Txn,
    db: i32,
    class: OwnedClass,
    name: &str,
    principal: i32,
) -> Result<(), ServerError> {
    let d = db_of(st, db)?;
    let missing = || {
        ServerError::new(
            15151,
            format!(
                "Cannot find the object '{name}', because it does not exist or you do not have permission."
            ),
        )
    };
    let obj = match class {
        OwnedClass::MessageType => d.message_type_by_name(name).cloned().map(|mut r| {
            r.principal_id = principal;
            CatObj::MessageType(r)
        }),
        OwnedClass::Contract => d.contract_by_name(name).cloned().map(|mut r| {
            r.principal_id = principal;
            CatObj::Contract(r)
        }),
        OwnedClass::Service => d.service_by_name(name).cloned().map(|mut r| {
            r.principal_id = principal;
            CatObj::Service(r)
        }),
        OwnedClass::Queue => d.queue_by_name(None, name).cloned().map(|mut r| {
            r.principal_id = principal;
            CatObj::Queue(r)
        }),
        OwnedClass::Route => d
            .routes
            .values()
            .find(|r| r.name.eq_ignore_ascii_case(name))
            .cloned()
            .map(|mut r| {
                r.principal_id = principal;
                CatObj::Route(r)
            }),
    }
    .ok_or_else(missing)?;
    txn::put_catalog(st, tx, db, obj);
    Ok(())
}

/// CREATE EVENT NOTIFICATION name ON QUEUE q FOR events TO SERVICE 's', 'instance'.
#[expect(clippy::too_many_arguments, reason = "one parameter per DDL input")]
pub fn create_event_notification(
    st: &mut State,
    tx: &mut Txn,
    db: i32,
    name: &str,
    queue_id: i32,
    events: &[String],
    service: &str,
    broker_instance: &str,
) -> Result<i32, ServerError> {
    let d = db_of(st, db)?;
    // The name is unique within its scope: for ON QUEUE, the queue (two queues may each
    // carry a notification of the same name).
    if d.event_notifications
        .values()
        .any(|e| e.queue_id == queue_id && e.name.eq_ignore_ascii_case(name))
    {
        return Err(already_exists(name));
    }
    let q = d
        .queues
        .get(&queue_id)
        .ok_or_else(|| ServerError::new(208, "Invalid object name."))?;
    let events: Vec<String> = events.iter().map(|e| e.to_ascii_uppercase()).collect();
    for e in &events {
        if e != "QUEUE_ACTIVATION" && e != "BROKER_QUEUE_DISABLED" {
            return Err(ServerError::new(
                1082,
                format!(
                    "'{e}' does not support synchronous trigger registration or is not a queue event."
                ),
            ));
        }
    }
    if events.iter().any(|e| e == "QUEUE_ACTIVATION")
        && q.activation.enabled
        && q.activation.procedure.is_some()
    {
        return Err(ServerError::new(
            9718,
            format!(
                "The queue '{}' has internal activation enabled; a QUEUE_ACTIVATION event notification cannot be created on it.",
                q.name
            ),
        ));
    }
    let instance = if broker_instance.eq_ignore_ascii_case("current database") {
        sbroker_types::guid_string(&d.rec.broker_guid)
    } else {
        broker_instance.to_string()
    };
    let id = d
        .event_notifications
        .keys()
        .next_back()
        .map_or(1, |m| m + 1);
    let rec = EventNotificationRec {
        id,
        name: name.into(),
        queue_id,
        events,
        service: service.into(),
        broker_instance: instance,
        dialog: None,
    };
    txn::put_catalog(st, tx, db, CatObj::EventNotification(rec));
    Ok(id)
}

/// DROP EVENT NOTIFICATION name ON QUEUE q.
pub fn drop_event_notification(
    st: &mut State,
    tx: &mut Txn,
    db: i32,
    name: &str,
    queue_id: i32,
) -> Result<(), ServerError> {
    let d = db_of(st, db)?;
    let id = d
        .event_notifications
        .values()
        .find(|e| e.queue_id == queue_id && e.name.eq_ignore_ascii_case(name))
        .map(|e| e.id)
        .ok_or_else(|| ServerError::new(15151, format!("Cannot drop the event notification '{name}', because it does not exist or you do not have permission.")))?;
    txn::remove_catalog(st, tx, db, CatKind::EventNotification, id);
    Ok(())
}
