//! The broker network DMVs (spec 07 §3): sys.dm_broker_connections from the transport's
//! links (`Instance::broker_connections`), and sys.dm_broker_forwarded_messages from its
//! forwarding buffer (`Instance::forwarded_messages`).

use sbroker_engine::{BrokerConnection, Instance, Uuid};
use sbroker_types::{SqlType, Value};

use crate::query::{Relation, nvarchar};
use crate::sysviews::{rel, s};
use crate::tables::ts_to_datetime;

/// `connection_id`: a stable GUID made from the link's number.
fn connection_guid(id: u64) -> Value {
    Value::Guid(Uuid::from_u64_pair(0x5342_524b_0000_0001, id))
}

fn big(v: u64) -> Value {
    Value::BigInt(i64::try_from(v).unwrap_or(i64::MAX))
}

fn connection_row(c: &BrokerConnection) -> Vec<Value> {
    // `state`: 3 CONNECTED once the socket is up, 4 LOGGED_IN once authenticated;
    // `login_state`: 12 ONLINE, 13 ERROR, else a handshake step (here 1, NEGOTIATE).
    let (state, state_desc) = match c.login_state.as_str() {
        "ONLINE" => (4, "LOGGED_IN"),
        _ => (3, "CONNECTED"),
    };
    let (login_state, login_state_desc) = match c.login_state.as_str() {
        "ONLINE" => (12, "ONLINE"),
        "ERROR" => (13, "ERROR"),
        _ => (1, "NEGOTIATE"),
    };
    let (alg, alg_desc) = if c.encrypted { (2, "AES") } else { (0, "NONE") };
    vec![
        connection_guid(c.id),
        connection_guid(c.id),
        Value::SmallInt(state),
        s(state_desc),
        ts_to_datetime(c.connect_time),
        c.login_time.map_or(Value::Null, ts_to_datetime),
        s("CERTIFICATE"),
        s(&c.login),
        Value::Null,
        ts_to_datetime(c.last_activity_time),
        Value::Bit(c.is_accept),
        Value::SmallInt(login_state),
        s(login_state_desc),
        c.peer_certificate_id.map_or(Value::Null, Value::Int),
        Value::SmallInt(alg),
        s(alg_desc),
        Value::SmallInt(0),
        Value::Bit(false),
        Value::SmallInt(0),
        Value::Bit(false),
        big(c.bytes_sent),
        big(c.bytes_received),
        big(c.frames_sent),
        big(c.frames_received),
        big(c.frames_sent),
        big(c.frames_received),
        Value::Null,
        s(&c.peer_address),
    ]
}

/// The view `name`, when it is one of these.
pub(crate) fn view(instance: &Instance, name: &str) -> Option<Relation> {
    let small = SqlType::SmallInt;
    let big_t = SqlType::BigInt;
    match name {
        "sys.dm_broker_connections" => Some(rel(
            &[
                ("connection_id", SqlType::UniqueIdentifier),
                ("transport_stream_id", SqlType::UniqueIdentifier),
                ("state", small),
                ("state_desc", nvarchar(60)),
                ("connect_time", SqlType::DateTime),
                ("login_time", SqlType::DateTime),
                ("authentication_method", nvarchar(128)),
                ("principal_name", nvarchar(128)),
                ("remote_user_name", nvarchar(128)),
                ("last_activity_time", SqlType::DateTime),
                ("is_accept", SqlType::Bit),
                ("login_state", small),
                ("login_state_desc", nvarchar(60)),
                ("peer_certificate_id", SqlType::Int),
                ("encryption_algorithm", small),
                ("encryption_algorithm_desc", nvarchar(60)),
                ("receives_posted", small),
                ("is_receive_flow_controlled", SqlType::Bit),
                ("sends_posted", small),
                ("is_send_flow_controlled", SqlType::Bit),
                ("total_bytes_sent", big_t),
                ("total_bytes_received", big_t),
                ("total_fragments_sent", big_t),
                ("total_fragments_received", big_t),
                ("total_sends", big_t),
                ("total_receives", big_t),
                ("peer_arbitration_id", SqlType::UniqueIdentifier),
                // Not a SQL Server column: the peer's address, for diagnosis.
                ("peer_address", nvarchar(256)),
            ],
            instance
                .broker_connections()
                .iter()
                .map(connection_row)
                .collect(),
        )),
        "sys.dm_broker_forwarded_messages" => Some(rel(
            &[
                ("conversation_id", SqlType::UniqueIdentifier),
                ("is_initiator", SqlType::Bit),
                ("to_service_name", nvarchar(256)),
                ("to_broker_instance", nvarchar(128)),
                ("from_service_name", nvarchar(256)),
                ("from_broker_instance", nvarchar(128)),
                ("adjacent_broker_address", nvarchar(256)),
                ("message_sequence_number", big_t),
                ("message_fragment_number", SqlType::Int),
                ("hops_remaining", SqlType::TinyInt),
                ("time_to_live", SqlType::Int),
                ("time_consumed", SqlType::Int),
                ("message_id", SqlType::UniqueIdentifier),
            ],
            instance
                .forwarded_messages()
                .iter()
                .map(|f| {
                    let now_us = chrono::Utc::now().timestamp_micros();
                    let ttl_s = (f.lifetime.saturating_sub(now_us) / 1_000_000)
                        .clamp(0, i64::from(i32::MAX));
                    vec![
                        Value::Guid(f.conversation_id),
                        Value::Bit(f.is_initiator),
                        s(&f.to_service),
                        f.to_broker_instance.as_deref().map_or(Value::Null, s),
                        s(&f.from_service),
                        s(&f.from_broker_instance),
                        s(&f.adjacent_broker_address),
                        Value::BigInt(f.sequence),
                        Value::Int(0),
                        Value::TinyInt(f.hops_remaining),
                        Value::Int(i32::try_from(ttl_s).unwrap_or(i32::MAX)),
                        Value::Int(i32::try_from(f.time_consumed_s).unwrap_or(i32::MAX)),
                        Value::Guid(Uuid::from_u64_pair(
                            f.conversation_id.as_u64_pair().0,
                            u64::try_from(f.sequence).unwrap_or(0),
                        )),
                    ]
                })
                .collect(),
        )),
        _ => None,
    }
}
