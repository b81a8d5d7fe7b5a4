//! Catalog views and DMVs (spec 07) built from engine state, plus sys.objects, sys.tables,
//! sys.procedures, sys.schemas, sys.databases and INFORMATION_SCHEMA views.

use sbroker_engine::records::MessageKind;
use sbroker_engine::state::State;
use sbroker_types::{ServerError, SqlType, StrLen, Value};

use crate::Executor;
use crate::query::{Relation, col, nvarchar};
use crate::tables::{KIND_PROC, KIND_TABLE, TableDef, datetime_or_sentinel, ts_to_datetime};

pub(crate) fn rel(cols: &[(&str, SqlType)], rows: Vec<Vec<Value>>) -> Relation {
    Relation {
        cols: cols.iter().map(|(n, t)| col(n, *t)).collect(),
        rows,
    }
}

pub(crate) fn s(v: &str) -> Value {
    Value::NVarChar(v.to_string())
}

fn opt_s(v: Option<&str>) -> Value {
    v.map_or(Value::Null, s)
}

fn b(v: bool) -> Value {
    Value::Bit(v)
}

pub(crate) fn sysname() -> SqlType {
    SqlType::NVarChar(StrLen::Len(128))
}

/// An object row of sys.objects: (name, object_id, type, type_desc, create, modify, shipped).
pub(crate) type ObjRow = (
    String,
    i32,
    &'static str,
    &'static str,
    i64,
    i64,
    bool,
    String,
);

pub(crate) fn objects(st: &State, db: i32) -> Vec<ObjRow> {
    let Some(d) = st.db(db) else {
        return Vec::new();
    };
    let mut out: Vec<ObjRow> = d
        .queues
        .values()
        .map(|q| {
            (
                q.name.clone(),
                q.id,
                "SQ",
                "SERVICE_QUEUE",
                q.create_ts,
                q.modify_ts,
                q.is_ms_shipped,
                q.schema.clone(),
            )
        })
        .collect();
    for ((kind, _), v) in &d.objects {
        if kind == KIND_TABLE {
            if let Ok(t) = serde_json::from_slice::<TableDef>(v) {
                out.push((
                    t.name.clone(),
                    t.object_id,
                    "U ",
                    "USER_TABLE",
                    t.create_ts,
                    t.create_ts,
                    false,
                    t.schema.clone(),
                ));
            }
        } else if (kind == crate::modules::KIND_FUNCTION
            || kind == crate::modules::KIND_TRIGGER
            || kind == crate::modules::KIND_VIEW)
            && let Ok(m) = serde_json::from_slice::<crate::modules::StoredModule>(v)
        {
            let (ty, desc) = if kind == crate::modules::KIND_TRIGGER {
                ("TR", "SQL_TRIGGER")
            } else if kind == crate::modules::KIND_VIEW {
                ("V ", "VIEW")
            } else {
                match m.function_type.as_str() {
                    "IF" => ("IF", "SQL_INLINE_TABLE_VALUED_FUNCTION"),
                    "TF" => ("TF", "SQL_TABLE_VALUED_FUNCTION"),
                    _ => ("FN", "SQL_SCALAR_FUNCTION"),
                }
            };
            out.push((
                m.name.clone(),
                m.object_id,
                ty,
                desc,
                m.create_ts,
                m.create_ts,
                false,
                m.schema.clone(),
            ));
        } else if kind == KIND_PROC
            && let Ok(p) = serde_json::from_slice::<crate::stmt::StoredProc>(v)
        {
            out.push((
                p.name.clone(),
                p.object_id,
                "P ",
                "SQL_STORED_PROCEDURE",
                p.create_ts,
                p.create_ts,
                false,
                p.schema.clone(),
            ));
        }
    }
    out.sort_by_key(|o| o.1);
    out
}

/// The definition of a module (procedure, function, trigger, view) by object id.
pub(crate) fn view_text(st: &State, db: i32, id: i32) -> Option<String> {
    crate::sysviews_security::column_views(st, db, "sys.sql_modules")?
        .rows
        .into_iter()
        .find(|r| matches!(r.first(), Some(Value::Int(x)) if *x == id))
        .and_then(|r| match r.into_iter().nth(1) {
            Some(Value::NVarChar(t)) => Some(t),
            _ => None,
        })
}

/// Kind of the engine objects that record CREATE SCHEMA.
pub(crate) const KIND_SCHEMA: &str = "SCHEMA";

/// A schema created with CREATE SCHEMA.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct StoredSchema {
    pub id: i32,
    pub name: String,
    pub principal_id: i32,
}

/// Schemas of a database: the fixed ones, then those created with CREATE SCHEMA.
pub(crate) fn schemas(d: &sbroker_engine::state::Db) -> Vec<StoredSchema> {
    let fixed = [
        ("dbo", 1, 1),
        ("guest", 2, 2),
        ("INFORMATION_SCHEMA", 3, 3),
        ("sys", 4, 4),
    ];
    let mut out: Vec<StoredSchema> = fixed
        .iter()
        .map(|(n, id, p)| StoredSchema {
            id: *id,
            name: (*n).to_string(),
            principal_id: *p,
        })
        .collect();
    out.extend(
        d.objects
            .iter()
            .filter(|((k, _), _)| k == KIND_SCHEMA)
            .filter_map(|(_, v)| serde_json::from_slice::<StoredSchema>(v).ok()),
    );
    out.sort_by_key(|x| x.id);
    out
}

/// `schema_id` of a schema name (dbo when unknown).
pub(crate) fn schema_id(d: &sbroker_engine::state::Db, name: &str) -> i32 {
    schemas(d)
        .iter()
        .find(|x| x.name.eq_ignore_ascii_case(name))
        .map_or(1, |x| x.id)
}

/// Builds the catalog view `name` (`sys.x` or `information_schema.x`, lowercase).
pub(crate) fn view(
    ex: &mut Executor,
    db: i32,
    name: &str,
) -> Result<Option<Relation>, ServerError> {
    let monitors = if name.starts_with("sys.dm_broker_") {
        ex.session.instance().queue_monitors()
    } else {
        Vec::new()
    };
    if let Some(r) = session_view(ex, name) {
        return Ok(Some(r));
    }
    if let Some(r) = crate::sysviews_network::view(&ex.session.instance(), name) {
        return Ok(Some(r));
    }
    ex.session.with_state(|st| build(st, db, name, &monitors))
}

/// sys.dm_exec_sessions and sys.dm_exec_connections: the open sessions of the instance (TDS
/// connections, embedded and activation sessions); the caller's own row shows its live
/// database and transaction count.
fn session_view(ex: &mut Executor, name: &str) -> Option<Relation> {
    if name != "sys.dm_exec_sessions" && name != "sys.dm_exec_connections" {
        return None;
    }
    let me = ex.session.spid();
    let my_db = ex.session.database_id();
    let my_trancount = ex.session.trancount();
    let sessions = ex.session.instance().sessions();
    let int = SqlType::Int;
    let s = |t: &str| Value::NVarChar(t.to_string());
    Some(if name == "sys.dm_exec_sessions" {
        rel(
            &[
                ("session_id", SqlType::SmallInt),
                ("login_time", SqlType::DateTime),
                ("host_name", nvarchar(128)),
                ("program_name", nvarchar(128)),
                ("client_interface_name", nvarchar(32)),
                ("login_name", nvarchar(128)),
                ("original_login_name", nvarchar(128)),
                ("status", nvarchar(30)),
                ("database_id", SqlType::SmallInt),
                ("open_transaction_count", int),
                ("transaction_isolation_level", SqlType::SmallInt),
                ("is_user_process", SqlType::Bit),
                ("language", nvarchar(128)),
                ("date_format", nvarchar(3)),
                ("date_first", SqlType::SmallInt),
                ("quoted_identifier", SqlType::Bit),
                ("arithabort", SqlType::Bit),
                ("ansi_nulls", SqlType::Bit),
                ("lock_timeout", int),
                ("text_size", int),
            ],
            sessions
                .iter()
                .map(|(spid, i)| {
                    let mine = *spid == me;
                    let opt = |t: &str| if t.is_empty() { Value::Null } else { s(t) };
                    vec![
                        Value::SmallInt(*spid as i16),
                        ts_to_datetime(i.login_time),
                        opt(&i.host_name),
                        opt(&i.program_name),
                        if i.net_transport.is_some() {
                            s("TDS")
                        } else {
                            Value::Null
                        },
                        s(&i.login_name),
                        s(&i.login_name),
                        s(if mine { "running" } else { "sleeping" }),
                        Value::SmallInt(if mine { my_db } else { i.database_id } as i16),
                        Value::Int(if mine { my_trancount as i32 } else { 0 }),
                        Value::SmallInt(2),
                        Value::Bit(true),
                        s("us_english"),
                        s("mdy"),
                        Value::SmallInt(7),
                        Value::Bit(true),
                        Value::Bit(true),
                        Value::Bit(true),
                        Value::Int(-1),
                        Value::Int(i32::MAX),
                    ]
                })
                .collect(),
        )
    } else {
        rel(
            &[
                ("session_id", int),
                ("connect_time", SqlType::DateTime),
                ("net_transport", nvarchar(40)),
                ("protocol_type", nvarchar(40)),
                ("encrypt_option", nvarchar(40)),
                ("auth_scheme", nvarchar(40)),
                ("client_net_address", nvarchar(48)),
                ("client_tcp_port", int),
            ],
            sessions
                .iter()
                .filter(|(_, i)| i.net_transport.is_some())
                .map(|(spid, i)| {
                    let (addr, port) = i
                        .client_address
                        .as_deref()
                        .and_then(|a| a.rsplit_once(':'))
                        .map_or((Value::Null, Value::Null), |(h, p)| {
                            (
                                s(h.trim_start_matches('[').trim_end_matches(']')),
                                p.parse().map_or(Value::Null, Value::Int),
                            )
                        });
                    vec![
                        Value::Int(*spid),
                        ts_to_datetime(i.login_time),
                        s(i.net_transport.as_deref().unwrap_or("TCP")),
                        s("TSQL"),
                        s(if i.encrypted { "TRUE" } else { "FALSE" }),
                        s("SQL"),
                        addr,
                        port,
                    ]
                })
                .collect(),
        )
    })
}

fn build(
    st: &State,
    db: i32,
    name: &str,
    monitors: &[((i32, i32), sbroker_engine::Monitor)],
) -> Result<Option<Relation>, ServerError> {
    let Some(d) = st.db(db) else { return Ok(None) };
    if let Some(r) = crate::sysviews_security::view(st, db, name)
        .or_else(|| crate::sysviews_security::column_views(st, db, name))
    {
        return Ok(Some(r));
    }
    let int = SqlType::Int;
    let r = match name {
        "sys.service_message_types" => rel(
            &[
                ("name", sysname()),
                ("message_type_id", int),
                ("principal_id", int),
                ("validation", SqlType::Char(2)),
                ("validation_desc", nvarchar(60)),
                ("xml_collection_id", int),
            ],
            d.message_types
                .values()
                .map(|m| {
                    let coll = match m.validation {
                        sbroker_engine::Validation::ValidXml(c) => Value::Int(c),
                        _ => Value::Null,
                    };
                    vec![
                        s(&m.name),
                        Value::Int(m.id),
                        Value::Int(m.principal_id),
                        Value::VarChar(format!("{} ", m.validation.code())),
                        s(m.validation.desc()),
                        coll,
                    ]
                })
                .collect(),
        ),
        "sys.service_contracts" => rel(
            &[
                ("name", sysname()),
                ("service_contract_id", int),
                ("principal_id", int),
            ],
            d.contracts
                .values()
                .map(|c| vec![s(&c.name), Value::Int(c.id), Value::Int(c.principal_id)])
                .collect(),
        ),
        "sys.service_contract_message_usages" => rel(
            &[
                ("service_contract_id", int),
                ("message_type_id", int),
                ("is_sent_by_initiator", SqlType::Bit),
                ("is_sent_by_target", SqlType::Bit),
            ],
            d.contracts
                .values()
                .flat_map(|c| {
                    c.usages.iter().map(move |u| {
                        vec![
                            Value::Int(c.id),
                            Value::Int(u.message_type_id),
                            b(u.by_initiator),
                            b(u.by_target),
                        ]
                    })
                })
                .collect(),
        ),
        "sys.service_contract_usages" => rel(
            &[("service_id", int), ("service_contract_id", int)],
            d.services
                .values()
                .flat_map(|sv| {
                    sv.contracts
                        .iter()
                        .map(move |c| vec![Value::Int(sv.id), Value::Int(*c)])
                })
                .collect(),
        ),
        "sys.services" => rel(
            &[
                ("name", sysname()),
                ("service_id", int),
                ("principal_id", int),
                ("service_queue_id", int),
            ],
            d.services
                .values()
                .map(|sv| {
                    vec![
                        s(&sv.name),
                        Value::Int(sv.id),
                        Value::Int(sv.principal_id),
                        Value::Int(sv.queue_id),
                    ]
                })
                .collect(),
        ),
        "sys.service_queue_usages" => rel(
            &[("service_id", int), ("service_queue_id", int)],
            d.services
                .values()
                .map(|sv| vec![Value::Int(sv.id), Value::Int(sv.queue_id)])
                .collect(),
        ),
        "sys.service_queues" => rel(
            &[
                ("name", sysname()),
                ("object_id", int),
                ("principal_id", int),
                ("schema_id", int),
                ("parent_object_id", int),
                ("type", SqlType::Char(2)),
                ("type_desc", nvarchar(60)),
                ("create_date", SqlType::DateTime),
                ("modify_date", SqlType::DateTime),
                ("is_ms_shipped", SqlType::Bit),
                ("is_published", SqlType::Bit),
                ("is_schema_published", SqlType::Bit),
                ("max_readers", SqlType::SmallInt),
                ("activation_procedure", nvarchar(776)),
                ("execute_as_principal_id", int),
                ("is_activation_enabled", SqlType::Bit),
                ("is_receive_enabled", SqlType::Bit),
                ("is_enqueue_enabled", SqlType::Bit),
                ("is_retention_enabled", SqlType::Bit),
                ("is_poison_message_handling_enabled", SqlType::Bit),
            ],
            d.queues
                .values()
                .map(|q| {
                    vec![
                        s(&q.name),
                        Value::Int(q.id),
                        // NULL while the owner is the schema owner (dbo), as in SQL Server.
                        if q.principal_id == 1 {
                            Value::Null
                        } else {
                            Value::Int(q.principal_id)
                        },
                        Value::Int(schema_id(d, &q.schema)),
                        Value::Int(0),
                        Value::VarChar("SQ".into()),
                        s("SERVICE_QUEUE"),
                        ts_to_datetime(q.create_ts),
                        ts_to_datetime(q.modify_ts),
                        b(q.is_ms_shipped),
                        b(false),
                        b(false),
                        Value::SmallInt(q.activation.max_readers),
                        opt_s(q.activation.procedure.as_deref()),
                        q.activation.execute_as.map_or(Value::Null, Value::Int),
                        b(q.activation.enabled),
                        b(q.enabled),
                        b(q.enabled),
                        b(q.retention),
                        b(q.poison_handling),
                    ]
                })
                .collect(),
        ),
        "sys.conversation_endpoints" => {
            let mut eps: Vec<_> = d.endpoints.values().collect();
            eps.sort_by_key(|e| (e.create_ts, !e.is_initiator));
            rel(
                &[
                    ("conversation_handle", SqlType::UniqueIdentifier),
                    ("conversation_id", SqlType::UniqueIdentifier),
                    ("is_initiator", SqlType::TinyInt),
                    ("service_contract_id", int),
                    ("conversation_group_id", SqlType::UniqueIdentifier),
                    ("service_id", int),
                    ("lifetime", SqlType::DateTime),
                    ("state", SqlType::Char(2)),
                    ("state_desc", nvarchar(60)),
                    ("far_service", nvarchar(256)),
                    ("far_broker_instance", nvarchar(128)),
                    ("principal_id", int),
                    ("far_principal_id", int),
                    ("outbound_session_key_identifier", SqlType::UniqueIdentifier),
                    ("inbound_session_key_identifier", SqlType::UniqueIdentifier),
                    ("security_timestamp", SqlType::DateTime),
                    ("dialog_timer", SqlType::DateTime),
                    ("send_sequence", SqlType::BigInt),
                    ("last_send_tran_id", SqlType::Binary(6)),
                    ("end_dialog_sequence", SqlType::BigInt),
                    ("receive_sequence", SqlType::BigInt),
                    ("receive_sequence_frag", int),
                    ("system_sequence", SqlType::BigInt),
                    ("first_out_of_order_sequence", SqlType::BigInt),
                    ("last_out_of_order_sequence", SqlType::BigInt),
                    ("last_out_of_order_frag", int),
                    ("is_system", SqlType::Bit),
                    ("priority", SqlType::TinyInt),
                ],
                eps.iter()
                    .map(|e| {
                        vec![
                            Value::Guid(e.handle),
                            Value::Guid(e.conversation_id),
                            Value::TinyInt(u8::from(e.is_initiator)),
                            Value::Int(e.contract_id),
                            Value::Guid(e.group_id),
                            Value::Int(e.service_id),
                            datetime_or_sentinel(Some(e.lifetime)),
                            Value::VarChar(e.state.code().into()),
                            s(e.state.desc()),
                            s(&e.far_service),
                            opt_s(e.far_broker_instance.as_deref()),
                            Value::Int(e.principal_id),
                            Value::Int(0),
                            Value::Guid(uuid::Uuid::nil()),
                            Value::Guid(uuid::Uuid::nil()),
                            ts_to_datetime(e.create_ts),
                            datetime_or_sentinel(e.dialog_timer),
                            Value::BigInt(e.send_seq),
                            Value::Binary(vec![0; 6]),
                            Value::BigInt(e.end_dialog_seq),
                            Value::BigInt(e.receive_seq),
                            Value::Int(0),
                            Value::BigInt(0),
                            Value::BigInt(0),
                            Value::BigInt(0),
                            Value::Int(0),
                            b(false),
                            Value::TinyInt(e.priority),
                        ]
                    })
                    .collect(),
            )
        }
        "sys.conversation_groups" => rel(
            &[
                ("conversation_group_id", SqlType::UniqueIdentifier),
                ("service_id", int),
                ("is_system", SqlType::Bit),
            ],
            d.groups
                .values()
                .map(|g| vec![Value::Guid(g.id), Value::Int(g.service_id), b(false)])
                .collect(),
        ),
        "sys.transmission_queue" => rel(
            &[
                ("conversation_handle", SqlType::UniqueIdentifier),
                ("to_service_name", nvarchar(256)),
                ("to_broker_instance", nvarchar(128)),
                ("from_service_name", nvarchar(256)),
                ("service_contract_name", nvarchar(256)),
                ("enqueue_time", SqlType::DateTime),
                ("message_sequence_number", SqlType::BigInt),
                ("message_type_name", nvarchar(256)),
                ("is_conversation_error", SqlType::Bit),
                ("is_end_of_dialog", SqlType::Bit),
                ("message_body", SqlType::VarBinary(StrLen::Max)),
                ("transmission_status", nvarchar(4000)),
                ("priority", SqlType::TinyInt),
            ],
            d.txq
                .values()
                .map(|t| {
                    vec![
                        Value::Guid(t.handle),
                        s(&t.to_service),
                        opt_s(t.to_broker_instance.as_deref()),
                        s(&t.from_service),
                        s(&t.contract),
                        ts_to_datetime(t.enqueue_ts),
                        Value::BigInt(t.sequence),
                        s(&t.message_type),
                        b(t.kind == MessageKind::Error),
                        b(t.kind == MessageKind::EndDialog),
                        t.body.clone().map_or(Value::Null, Value::Binary),
                        s(&t.status_text),
                        Value::TinyInt(t.priority),
                    ]
                })
                .collect(),
        ),
        "sys.databases" => rel(
            &[
                ("name", sysname()),
                ("database_id", int),
                ("source_database_id", int),
                ("owner_sid", SqlType::VarBinary(StrLen::Len(85))),
                ("create_date", SqlType::DateTime),
                ("compatibility_level", SqlType::TinyInt),
                ("collation_name", sysname()),
                ("state", SqlType::TinyInt),
                ("state_desc", nvarchar(60)),
                ("is_broker_enabled", SqlType::Bit),
                ("service_broker_guid", SqlType::UniqueIdentifier),
                ("is_honor_broker_priority_on", SqlType::Bit),
                ("is_trustworthy_on", SqlType::Bit),
                ("is_master_key_encrypted_by_server", SqlType::Bit),
            ],
            st.dbs
                .values()
                .map(|x| {
                    vec![
                        s(&x.rec.name),
                        Value::Int(x.rec.id),
                        Value::Null,
                        Value::Binary(vec![1]),
                        ts_to_datetime(x.rec.create_ts),
                        Value::TinyInt(160),
                        s("SQL_Latin1_General_CP1_CI_AS"),
                        Value::TinyInt(0),
                        s("ONLINE"),
                        b(x.rec.broker_enabled),
                        Value::Guid(x.rec.broker_guid),
                        b(x.rec.honor_priority),
                        b(x.rec.trustworthy || x.rec.id == sbroker_engine::MSDB_DB),
                        b(false),
                    ]
                })
                .collect(),
        ),
        "sys.objects" | "sys.all_objects" => rel(
            &[
                ("name", sysname()),
                ("object_id", int),
                ("principal_id", int),
                ("schema_id", int),
                ("parent_object_id", int),
                ("type", SqlType::Char(2)),
                ("type_desc", nvarchar(60)),
                ("create_date", SqlType::DateTime),
                ("modify_date", SqlType::DateTime),
                ("is_ms_shipped", SqlType::Bit),
            ],
            objects(st, db)
                .into_iter()
                .map(|(n, id, ty, desc, c, m, shipped, sch)| {
                    vec![
                        s(&n),
                        Value::Int(id),
                        Value::Null,
                        Value::Int(schema_id(d, &sch)),
                        Value::Int(0),
                        Value::VarChar(ty.into()),
                        s(desc),
                        ts_to_datetime(c),
                        ts_to_datetime(m),
                        b(shipped),
                    ]
                })
                .collect(),
        ),
        "sys.tables" | "sys.procedures" | "sys.views" => {
            let want = match name {
                "sys.tables" => "U ",
                "sys.views" => "V ",
                _ => "P ",
            };
            rel(
                &[
                    ("name", sysname()),
                    ("object_id", int),
                    ("schema_id", int),
                    ("type", SqlType::Char(2)),
                    ("type_desc", nvarchar(60)),
                    ("create_date", SqlType::DateTime),
                ],
                objects(st, db)
                    .into_iter()
                    .filter(|o| o.2 == want)
                    .map(|(n, id, ty, desc, c, _, _, sch)| {
                        vec![
                            s(&n),
                            Value::Int(id),
                            Value::Int(schema_id(d, &sch)),
                            Value::VarChar(ty.into()),
                            s(desc),
                            ts_to_datetime(c),
                        ]
                    })
                    .collect(),
            )
        }
        "sys.schemas" => rel(
            &[
                ("name", sysname()),
                ("schema_id", int),
                ("principal_id", int),
            ],
            schemas(d)
                .into_iter()
                .map(|x| vec![s(&x.name), Value::Int(x.id), Value::Int(x.principal_id)])
                .collect(),
        ),
        "sys.database_principals" => rel(
            &[
                ("name", sysname()),
                ("principal_id", int),
                ("type", SqlType::Char(1)),
                ("type_desc", nvarchar(60)),
                ("default_schema_name", sysname()),
                ("is_fixed_role", SqlType::Bit),
            ],
            d.principals
                .values()
                .map(|p| {
                    vec![
                        s(&p.name),
                        Value::Int(p.id),
                        Value::VarChar(p.kind.clone()),
                        s(&p.type_desc),
                        p.default_schema.as_deref().map_or(Value::Null, s),
                        Value::Bit(p.kind == "R" && (16384..16400).contains(&p.id)),
                    ]
                })
                .collect(),
        ),
        "sys.database_role_members" => rel(
            &[("role_principal_id", int), ("member_principal_id", int)],
            d.principals
                .values()
                .flat_map(|p| {
                    p.members
                        .iter()
                        .map(|m| vec![Value::Int(p.id), Value::Int(*m)])
                })
                .collect(),
        ),
        "sys.event_notifications" => rel(
            &[
                ("name", sysname()),
                ("object_id", int),
                ("parent_class", SqlType::TinyInt),
                ("parent_class_desc", nvarchar(60)),
                ("parent_id", int),
                ("service_name", nvarchar(256)),
                ("broker_instance", nvarchar(128)),
            ],
            d.event_notifications
                .values()
                .map(|e| {
                    vec![
                        s(&e.name),
                        Value::Int(e.id),
                        Value::TinyInt(1),
                        s("OBJECT_OR_COLUMN"),
                        Value::Int(e.queue_id),
                        s(&e.service),
                        s(&e.broker_instance),
                    ]
                })
                .collect(),
        ),
        "sys.routes" => rel(
            &[
                ("name", sysname()),
                ("route_id", int),
                ("principal_id", int),
                ("remote_service_name", nvarchar(256)),
                ("broker_instance", nvarchar(128)),
                ("lifetime", SqlType::DateTime),
                ("address", nvarchar(256)),
                ("mirror_address", nvarchar(256)),
            ],
            d.routes
                .values()
                .map(|r| {
                    vec![
                        s(&r.name),
                        Value::Int(r.id),
                        Value::Int(r.principal_id),
                        opt_s(r.service_name.as_deref()),
                        opt_s(r.broker_instance.as_deref()),
                        r.lifetime.map_or(Value::Null, ts_to_datetime),
                        s(&r.address),
                        opt_s(r.mirror_address.as_deref()),
                    ]
                })
                .collect(),
        ),
        "sys.conversation_priorities" => rel(
            &[
                ("priority_id", int),
                ("name", sysname()),
                ("service_contract_id", int),
                ("local_service_id", int),
                ("remote_service_name", nvarchar(256)),
                ("priority", SqlType::TinyInt),
            ],
            d.priorities
                .values()
                .map(|p| {
                    vec![
                        Value::Int(p.id),
                        s(&p.name),
                        p.contract_id.map_or(Value::Null, Value::Int),
                        p.local_service_id.map_or(Value::Null, Value::Int),
                        opt_s(p.remote_service.as_deref()),
                        Value::TinyInt(p.level),
                    ]
                })
                .collect(),
        ),
        "sys.xml_schema_collections" => rel(
            &[
                ("name", sysname()),
                ("xml_collection_id", int),
                ("schema_id", int),
            ],
            d.xml_collections
                .values()
                .map(|c| vec![s(&c.name), Value::Int(c.id), Value::Int(1)])
                .collect(),
        ),
        "sys.dm_broker_queue_monitors" => rel(
            &[
                ("database_id", int),
                ("queue_id", int),
                ("state", nvarchar(32)),
                ("last_empty_rowset_time", SqlType::DateTime),
                ("last_activated_time", SqlType::DateTime),
                ("tasks_waiting", int),
            ],
            monitors
                .iter()
                .map(|((mdb, qid), m)| {
                    vec![
                        Value::Int(*mdb),
                        Value::Int(*qid),
                        s(m.state_desc()),
                        m.last_empty.map_or(Value::Null, ts_to_datetime),
                        m.last_activated.map_or(Value::Null, ts_to_datetime),
                        Value::Int(st.waiting.get(&(*mdb, *qid)).copied().unwrap_or(0) as i32),
                    ]
                })
                .collect(),
        ),
        "sys.dm_broker_activated_tasks" => rel(
            &[
                ("spid", int),
                ("database_id", SqlType::SmallInt),
                ("queue_id", int),
                ("procedure_name", nvarchar(776)),
                ("execute_as", int),
            ],
            monitors
                .iter()
                .flat_map(|((mdb, qid), m)| {
                    m.tasks.iter().map(move |t| {
                        vec![
                            Value::Int(t.spid),
                            Value::SmallInt(*mdb as i16),
                            Value::Int(*qid),
                            s(&t.procedure),
                            t.execute_as.map_or(Value::Null, Value::Int),
                        ]
                    })
                })
                .collect(),
        ),
        "information_schema.tables" => rel(
            &[
                ("TABLE_CATALOG", nvarchar(128)),
                ("TABLE_SCHEMA", nvarchar(128)),
                ("TABLE_NAME", sysname()),
                ("TABLE_TYPE", SqlType::VarChar(StrLen::Len(10))),
            ],
            objects(st, db)
                .into_iter()
                .filter(|o| o.2 == "U " || o.2 == "V ")
                .map(|o| {
                    vec![
                        s(&d.rec.name),
                        s(&o.7),
                        s(&o.0),
                        Value::VarChar(if o.2 == "V " { "VIEW" } else { "BASE TABLE" }.into()),
                    ]
                })
                .collect(),
        ),
        "information_schema.routines" => rel(
            &[
                ("ROUTINE_CATALOG", nvarchar(128)),
                ("ROUTINE_SCHEMA", nvarchar(128)),
                ("ROUTINE_NAME", sysname()),
                ("ROUTINE_TYPE", nvarchar(20)),
            ],
            objects(st, db)
                .into_iter()
                .filter(|o| o.2 == "P ")
                .map(|o| vec![s(&d.rec.name), s("dbo"), s(&o.0), s("PROCEDURE")])
                .collect(),
        ),
        _ => return Ok(None),
    };
    Ok(Some(r))
}
