//! Messages between instances, on the engine's side: the rows that leave
//! (`outbound`), settling them when the far side answers (`remote_done`, `remote_failed`),
//! and taking messages that arrive (`accept_remote`) with the checks and the enqueue code of
//! a delivery between databases.

use uuid::Uuid;

use crate::broker::{Outgoing, after_delivery, broker_error, classify, land};
use crate::catalog;
use crate::records::*;
use crate::routing::{Inbound, RouteKey, guid_text_eq, remote_address, route_inbound};
use crate::state::State;
use crate::txn::{self, Txn};

/// A message crossing to another instance: what the receiving instance needs to find or
/// create its endpoint and enqueue the message. This is the engine's side of the exchange;
/// the bytes on the wire are `sbroker-broker-wire`'s, converted in `sbroker-transport`.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteMessage {
    /// The conversation.
    pub conversation_id: Uuid,
    /// Sent by the initiator (else by the target).
    pub from_initiator: bool,
    /// Sending service.
    pub from_service: String,
    /// Sending database's broker instance.
    pub from_broker_instance: String,
    /// Destination service.
    pub to_service: String,
    /// Destination broker instance, when known.
    pub to_broker_instance: Option<String>,
    /// Contract name.
    pub contract: String,
    /// Message type name.
    pub message_type: String,
    /// User message, EndDialog or Error.
    pub kind: MessageKind,
    /// Body.
    pub body: Option<Vec<u8>>,
    /// Sequence number in the sender's direction of the dialog.
    pub seq: i64,
    /// Dialog lifetime (expiry time).
    pub lifetime: Ts,
    /// ENCRYPTION setting of the dialog.
    pub encryption: bool,
    /// The sending endpoint's conversation priority (1..10).
    pub priority: u8,
    /// Forwarding hops left (spec 06 §4): each forwarder takes one; at 0 the message is
    /// dropped, which ends routing loops.
    pub hops_remaining: u8,
}

/// Hops a message may take (forwarders it may pass).
pub const HOPS_MAX: u8 = 16;

/// A transmission-queue row that routing sends to another instance.
#[derive(Debug, Clone, PartialEq)]
pub struct Outbound {
    /// Sending database.
    pub db: i32,
    /// Its transmission-queue row.
    pub txq_id: i64,
    /// Sending endpoint.
    pub handle: Uuid,
    /// `TCP://host:port` of the chosen route.
    pub address: String,
    /// The message.
    pub msg: RemoteMessage,
}

/// The receiving instance's answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Durably enqueued (or recognised as a duplicate); the receiver's broker instance.
    Accepted {
        /// Broker instance of the receiving database.
        broker_instance: String,
    },
    /// For another instance: this instance forwards it to `address` (MESSAGE_FORWARDING).
    Forward {
        /// `TCP://host:port` of the msdb route chosen.
        address: String,
    },
    /// Not taken. With a code the dialog fails at the sender (a broker Error message, as
    /// for a local delivery); without one the message waits and is sent again.
    Rejected {
        /// Broker error code (-8408, -8498, -9615, …), if the dialog must fail.
        code: Option<i32>,
        /// transmission_status text / error text.
        text: String,
    },
}

/// The waiting transmission-queue rows whose routing leads to the network, oldest first
/// (so each endpoint's rows are in sequence order); at most `limit`, only those going to
/// `to` when it is given, and only rows `keep(db, txq_id, handle)` accepts (the
/// transport skips rows already in flight and dialogs it holds back).
pub(crate) fn outbound(
    st: &State,
    now: Ts,
    limit: usize,
    to: Option<&str>,
    keep: &dyn Fn(i32, i64, Uuid) -> bool,
) -> Vec<Outbound> {
    let mut out = Vec::new();
    for (db, d) in &st.dbs {
        if out.len() >= limit {
            break;
        }
        let mut addresses: std::collections::HashMap<Uuid, Option<String>> =
            std::collections::HashMap::new();
        let mut rows: Vec<(&TransmissionRec, &EndpointRec, String)> = Vec::new();
        for row in d.txq.values() {
            // With priorities honoured every row is looked at (a later row may outrank);
            // otherwise the oldest `limit` do.
            if !d.rec.honor_priority && out.len() + rows.len() >= limit {
                break;
            }
            if !keep(*db, row.id, row.handle) {
                continue;
            }
            let Some(ep) = d.endpoints.get(&row.handle) else {
                continue;
            };
            let address = addresses
                .entry(row.handle)
                .or_insert_with(|| remote_address(st, *db, now, ep))
                .clone();
            let Some(address) = address else {
                continue;
            };
            if to.is_some_and(|t| !t.eq_ignore_ascii_case(&address)) {
                continue;
            }
            rows.push((row, ep, address));
        }
        if d.rec.honor_priority {
            // F-PRI-09: higher conversation priority leaves first. The sort is stable and a
            // conversation has one priority, so each keeps its sequence order.
            rows.sort_by_key(|(_, ep, _)| std::cmp::Reverse(ep.priority));
        }
        for (row, ep, address) in rows.into_iter().take(limit - out.len()) {
            out.push(Outbound {
                db: *db,
                txq_id: row.id,
                handle: row.handle,
                address,
                msg: RemoteMessage {
                    conversation_id: ep.conversation_id,
                    from_initiator: ep.is_initiator,
                    from_service: row.from_service.clone(),
                    from_broker_instance: sbroker_types::guid_string(&d.rec.broker_guid),
                    to_service: row.to_service.clone(),
                    to_broker_instance: row.to_broker_instance.clone(),
                    contract: row.contract.clone(),
                    message_type: row.message_type.clone(),
                    kind: row.kind,
                    body: row.body.clone(),
                    seq: row.sequence,
                    lifetime: ep.lifetime,
                    encryption: ep.encryption,
                    priority: ep.priority.clamp(1, 10),
                    hops_remaining: HOPS_MAX,
                },
            });
        }
    }
    out
}

/// The far instance took the message: the row leaves the transmission queue, as after a
/// local delivery.
pub(crate) fn remote_done(
    st: &mut State,
    tx: &mut Txn,
    now: Ts,
    o: &Outbound,
    far_broker_instance: &str,
) {
    if !st.db(o.db).is_some_and(|d| d.txq.contains_key(&o.txq_id)) {
        return;
    }
    txn::remove_txq(st, tx, o.db, o.txq_id);
    if let Some(mut ep) = st
        .db(o.db)
        .and_then(|d| d.endpoints.get(&o.handle))
        .cloned()
        && ep.far_broker_instance.is_none()
    {
        ep.far_broker_instance = Some(far_broker_instance.to_string());
        txn::put_endpoint(st, tx, o.db, ep);
    }
    after_delivery(st, tx, now, o.db, o.handle, o.msg.kind);
    if let Some(d) = st.db_mut(o.db) {
        d.tx_status.insert(o.handle, String::new());
    }
}

/// The far instance refused the message (or could not be reached): with a code the dialog
/// fails here; without one the row waits with `text` as its status.
pub(crate) fn remote_failed(
    st: &mut State,
    tx: &mut Txn,
    now: Ts,
    o: &Outbound,
    code: Option<i32>,
    text: &str,
) {
    let Some(row) = st.db(o.db).and_then(|d| d.txq.get(&o.txq_id)).cloned() else {
        return;
    };
    match code {
        Some(code) => {
            txn::remove_txq(st, tx, o.db, o.txq_id);
            broker_error(st, tx, now, o.db, o.handle, code, text);
        }
        None => {
            if row.status_text != text {
                let mut r = row;
                r.status_text = text.to_string();
                txn::put_txq(st, tx, o.db, r);
            }
            if let Some(d) = st.db_mut(o.db) {
                d.tx_status.insert(o.handle, text.to_string());
            }
        }
    }
}

/// MESSAGE_FORWARDING = ENABLED on a STARTED SERVICE_BROKER endpoint.
fn forwarding_enabled(st: &State) -> bool {
    st.db(crate::instance::MASTER_DB).is_some_and(|m| {
        m.sec
            .endpoints
            .values()
            .any(|e| e.kind == 3 && e.state == 0 && e.forwarding)
    })
}

fn out_of_order(got: i64, want: i64) -> Verdict {
    Verdict::Rejected {
        code: None,
        text: format!(
            "The message with sequence number {got} arrived before message {want} of its dialog; it is sent again after it."
        ),
    }
}

/// Receives a message from another instance: finds or creates the local endpoint of the
/// conversation and enqueues, with the checks of a local delivery. A message already
/// received (its sequence number is behind the endpoint's) is accepted again without a
/// second copy, so a sender that resends after a lost acknowledgement delivers exactly once.
pub(crate) fn accept_remote(st: &mut State, tx: &mut Txn, now: Ts, m: &RemoteMessage) -> Verdict {
    let rejected = |code: Option<i32>, text: String| Verdict::Rejected { code, text };
    let out = Outgoing {
        kind: m.kind,
        type_name: m.message_type.clone(),
        body: m.body.clone(),
        seq: m.seq,
    };
    let existing = st.dbs.iter().find_map(|(id, d)| {
        d.by_conversation
            .get(&(m.conversation_id, !m.from_initiator))
            .and_then(|h| d.endpoints.get(h))
            .map(|e| (*id, e.clone()))
    });
    let (tdb, target_ep) = match existing {
        Some((tdb, ep)) => {
            let guid = st
                .db(tdb)
                .map(|d| sbroker_types::guid_string(&d.rec.broker_guid))
                .unwrap_or_default();
            if m.seq < ep.receive_seq
                || matches!(
                    ep.state,
                    EndpointState::DO | EndpointState::CD | EndpointState::ER
                )
            {
                // A duplicate, or a late message for an endpoint that has ended.
                return Verdict::Accepted {
                    broker_instance: guid,
                };
            }
            if m.seq > ep.receive_seq && m.kind != MessageKind::Error {
                // An earlier message has not arrived (it was refused for now, or is still
                // on its way after a reconnect): taking this one would break the order.
                // An Error may follow a gap: END CONVERSATION WITH ERROR drops the
                // sender's pending messages.
                return out_of_order(m.seq, ep.receive_seq);
            }
            if !guid_text_eq(
                ep.far_broker_instance
                    .as_deref()
                    .unwrap_or(&m.from_broker_instance),
                &m.from_broker_instance,
            ) {
                return rejected(
                    None,
                    "The message claims a conversation of another broker instance.".into(),
                );
            }
            (tdb, ep)
        }
        None => {
            // No endpoint here: msdb's routes decide (spec 06 §3.2).
            let key = RouteKey {
                service: &m.to_service,
                broker: m.to_broker_instance.as_deref(),
                conversation: m.conversation_id,
            };
            let (tdb, sid) = match route_inbound(st, now, &key, forwarding_enabled(st)) {
                Inbound::Local(d, s) => (d, s),
                Inbound::Forward(address) => return Verdict::Forward { address },
                Inbound::Drop(text) => return rejected(None, text),
            };
            if !m.from_initiator {
                // The initiator's side of this conversation is gone here: nothing can take
                // the message.
                return Verdict::Accepted {
                    broker_instance: String::new(),
                };
            }
            if m.seq > 0 && m.kind != MessageKind::Error {
                // The dialog's first message has not arrived yet.
                return out_of_order(m.seq, 0);
            }
            let Some(td) = st.db(tdb) else {
                return rejected(None, "target database missing".into());
            };
            let Some(tsvc) = td.services.get(&sid).cloned() else {
                return rejected(None, "The target service name could not be found.".into());
            };
            let tcontract = td.contract_by_name(&m.contract).cloned();
            let Some(tcontract) = tcontract.filter(|c| tsvc.contracts.contains(&c.id)) else {
                return rejected(
                    Some(-8408),
                    format!(
                        "Target service '{}' does not support contract '{}'.",
                        tsvc.name, m.contract
                    ),
                );
            };
            let prio = td.priority_for(tcontract.id, tsvc.id, &m.from_service);
            let group = Uuid::new_v4();
            txn::put_group(st, tx, tdb, catalog::new_group(group, tsvc.id));
            let ep = EndpointRec {
                handle: Uuid::new_v4(),
                conversation_id: m.conversation_id,
                is_initiator: false,
                contract_id: tcontract.id,
                group_id: group,
                service_id: tsvc.id,
                lifetime: m.lifetime,
                state: EndpointState::CO,
                far_service: m.from_service.clone(),
                far_broker_instance: Some(m.from_broker_instance.clone()),
                principal_id: tsvc.principal_id,
                dialog_timer: None,
                send_seq: 0,
                receive_seq: 0,
                end_dialog_seq: -1,
                priority: prio,
                encryption: m.encryption,
                far_local: None,
                closed_ts: None,
                create_ts: now,
            };
            (tdb, ep)
        }
    };
    let Some(td) = st.db(tdb) else {
        return rejected(None, "target database missing".into());
    };
    let guid = sbroker_types::guid_string(&td.rec.broker_guid);
    if !td.rec.broker_enabled {
        return rejected(
            None,
            "The broker is disabled in the target database. (28013)".into(),
        );
    }
    let Some(queue) = td
        .services
        .get(&target_ep.service_id)
        .and_then(|s| td.queues.get(&s.queue_id))
        .cloned()
    else {
        return rejected(None, "The target queue does not exist.".into());
    };
    if !queue.enabled {
        return rejected(
            None,
            format!(
                "The service queue \"{}\" is currently disabled.",
                queue.name
            ),
        );
    }
    let classified = classify(
        td,
        target_ep.contract_id,
        &out,
        m.conversation_id,
        m.from_initiator,
    );
    let is_new = !st
        .db(tdb)
        .is_some_and(|d| d.endpoints.contains_key(&target_ep.handle));
    match classified {
        Ok(tv) => {
            if is_new {
                txn::put_endpoint(st, tx, tdb, target_ep.clone());
            }
            land(st, tx, now, tdb, target_ep, queue.id, tv, &out);
            Verdict::Accepted {
                broker_instance: guid,
            }
        }
        Err((code, to_sender, to_receiver)) => {
            if !is_new {
                let rcode = if code == -9615 { -9616 } else { code };
                broker_error(st, tx, now, tdb, target_ep.handle, rcode, &to_receiver);
            }
            rejected(Some(code), to_sender)
        }
    }
}
