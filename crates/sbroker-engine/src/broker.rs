//! Dialogs: BEGIN DIALOG, SEND, delivery inside the instance, END CONVERSATION, timers,
//! lifetimes, MOVE, the transmission queue and its retries.
//!
//! Delivery inside one instance is part of the sending transaction (spec 02 §7): the
//! message goes straight into the target queue, invisible until commit. When it cannot
//! (unknown service, disabled broker or queue) it waits in the sender's transmission queue
//! and the background pass retries it, in order per conversation.

use sbroker_types::ServerError;
use uuid::Uuid;

use crate::catalog::{
    self, CONTRACT_DEFAULT, MT_DEFAULT, MT_DIALOG_TIMER, MT_END_DIALOG, MT_ERROR,
};
use crate::instance::{Ctx, Inner, broker_txn};
use crate::records::*;
use crate::routing::{NO_TRANSPORT, locate_target};
use crate::state::State;
use crate::txn::{self, Txn};

/// Default and maximum dialog lifetime in seconds.
pub const LIFETIME_MAX_S: i64 = 2_147_483_647;

/// RELATED_CONVERSATION / RELATED_CONVERSATION_GROUP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Related {
    /// Join the group of this conversation handle.
    Conversation(Uuid),
    /// Join (or create) the group with this id.
    Group(Uuid),
}

/// Arguments of BEGIN DIALOG.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BeginDialog {
    /// FROM SERVICE.
    pub from_service: String,
    /// TO SERVICE.
    pub to_service: String,
    /// Broker instance GUID text, or `CURRENT DATABASE`.
    pub broker_instance: Option<String>,
    /// ON CONTRACT (default `DEFAULT`).
    pub contract: Option<String>,
    /// RELATED_*.
    pub related: Option<Related>,
    /// LIFETIME in seconds.
    pub lifetime_s: Option<i64>,
    /// ENCRYPTION.
    pub encryption: bool,
}

impl BeginDialog {
    /// A dialog between two services on a contract, with defaults for the rest.
    pub fn new(from: &str, to: &str, contract: Option<&str>) -> Self {
        Self {
            from_service: from.into(),
            to_service: to.into(),
            broker_instance: None,
            contract: contract.map(Into::into),
            related: None,
            lifetime_s: None,
            encryption: false,
        }
    }
}

/// How END CONVERSATION ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndMode {
    /// Plain END CONVERSATION.
    Normal,
    /// WITH ERROR = code DESCRIPTION = text.
    Error {
        /// Positive application code.
        code: i32,
        /// Description.
        description: String,
    },
    /// WITH CLEANUP.
    Cleanup,
}

pub(crate) fn handle_not_found(h: &Uuid) -> ServerError {
    ServerError::new(
        8426,
        format!(
            "The conversation handle \"{}\" is not found.",
            sbroker_types::guid_string(h)
        ),
    )
}

fn secs(s: i64) -> Ts {
    s.saturating_mul(1_000_000)
}

/// BEGIN DIALOG.
pub fn begin_dialog(ctx: &mut Ctx<'_, '_>, args: &BeginDialog) -> Result<Uuid, ServerError> {
    let db = ctx.db;
    let now = ctx.now();
    let d = ctx
        .guard
        .db(db)
        .ok_or_else(|| ServerError::new(911, "database does not exist"))?;
    let svc = d
        .service_by_name(&args.from_service)
        .cloned()
        .ok_or_else(|| catalog::service_not_found(&args.from_service))?;
    let contract_name = args.contract.clone().unwrap_or_else(|| "DEFAULT".into());
    let contract = d
        .contract_by_name(&contract_name)
        .cloned()
        .ok_or_else(|| catalog::contract_not_found(&contract_name))?;
    if args.to_service.is_empty() {
        return Err(ServerError::new(8421, "The service name is missing."));
    }
    if args.to_service.chars().count() > 256 {
        return Err(ServerError::new(
            8412,
            format!(
                "The syntax of the service name '{}' is invalid.",
                args.to_service
            ),
        ));
    }
    let broker_instance = match &args.broker_instance {
        None => None,
        Some(s) if s.eq_ignore_ascii_case("CURRENT DATABASE") => {
            Some(sbroker_types::guid_string(&d.rec.broker_guid))
        }
        Some(s) if s.chars().count() > 128 => {
            return Err(ServerError::new(
                8413,
                format!("The syntax of the broker instance '{s}' is invalid."),
            ));
        }
        Some(s) => Some(s.clone()),
    };
    let lifetime_s = args.lifetime_s.unwrap_or(LIFETIME_MAX_S);
    if lifetime_s <= 0 || lifetime_s > LIFETIME_MAX_S {
        return Err(ServerError::new(
            8411,
            format!(
                "The dialog lifetime value of {lifetime_s} is outside the allowable range of 1 to 2147483647. Specify a valid dialog lifetime value."
            ),
        ));
    }
    let group_id = match args.related {
        None => {
            let g = Uuid::new_v4();
            let (st, tx) = ctx.parts();
            txn::put_group(st, tx, db, catalog::new_group(g, svc.id));
            g
        }
        Some(Related::Conversation(h)) => {
            let ep = d.endpoints.get(&h).ok_or_else(|| handle_not_found(&h))?;
            if ep.service_id != svc.id {
                return Err(related_mismatch());
            }
            ep.group_id
        }
        Some(Related::Group(g)) => match d.groups.get(&g) {
            Some(gr) if gr.service_id != svc.id => return Err(related_mismatch()),
            Some(_) => g,
            None => {
                let (st, tx) = ctx.parts();
                txn::put_group(st, tx, db, catalog::new_group(g, svc.id));
                g
            }
        },
    };
    ctx.lock_group(db, group_id)?;
    let priority = ctx
        .guard
        .db(db)
        .map_or(5, |d| d.priority_for(contract.id, svc.id, &args.to_service));
    let handle = Uuid::new_v4();
    let ep = EndpointRec {
        handle,
        conversation_id: Uuid::new_v4(),
        is_initiator: true,
        contract_id: contract.id,
        group_id,
        service_id: svc.id,
        lifetime: now.saturating_add(secs(lifetime_s)),
        state: EndpointState::SO,
        far_service: args.to_service.clone(),
        far_broker_instance: broker_instance,
        principal_id: svc.principal_id,
        dialog_timer: None,
        send_seq: 0,
        receive_seq: 0,
        end_dialog_seq: -1,
        priority,
        encryption: args.encryption,
        far_local: None,
        closed_ts: None,
        create_ts: now,
    };
    let (st, tx) = ctx.parts();
    txn::put_endpoint(st, tx, db, ep);
    Ok(handle)
}

fn related_mismatch() -> ServerError {
    ServerError::new(
        9610,
        "The service specified in the FROM SERVICE clause must match the service of the related conversation or related conversation group.",
    )
}

/// A message leaving an endpoint.
#[derive(Debug, Clone)]
pub(crate) struct Outgoing {
    pub(crate) kind: MessageKind,
    pub(crate) type_name: String,
    pub(crate) body: Option<Vec<u8>>,
    pub(crate) seq: i64,
}

/// Result of one delivery attempt.
enum Delivery {
    /// Enqueued at the target (or discarded because the far side is gone).
    Done,
    /// Not deliverable now; the text explains why.
    Held(String),
}

/// SEND ON CONVERSATION.
pub fn send(
    ctx: &mut Ctx<'_, '_>,
    handles: &[Uuid],
    message_type: Option<&str>,
    body: Option<Vec<u8>>,
) -> Result<(), ServerError> {
    let db = ctx.db;
    for (i, h) in handles.iter().enumerate() {
        if handles.get(..i).is_some_and(|prev| prev.contains(h)) {
            return Err(ServerError::new(
                8429,
                format!(
                    "The conversation handle \"{}\" is specified more than once.",
                    sbroker_types::guid_string(h)
                ),
            ));
        }
    }
    let type_name = message_type.unwrap_or("DEFAULT").to_string();
    // Checks for every handle first, so a failure sends nothing (the statement is atomic
    // anyway through its undo mark, but errors must be raised before any lock waits).
    for h in handles {
        let d = ctx
            .guard
            .db(db)
            .ok_or_else(|| ServerError::new(911, "database does not exist"))?;
        let ep = d.endpoints.get(h).ok_or_else(|| handle_not_found(h))?;
        let group = ep.group_id;
        ctx.lock_group(db, group)?;
        let d = ctx
            .guard
            .db(db)
            .ok_or_else(|| ServerError::new(911, "database does not exist"))?;
        let ep = d
            .endpoints
            .get(h)
            .cloned()
            .ok_or_else(|| handle_not_found(h))?;
        check_send(d, &ep, &type_name)?;
    }
    let now = ctx.now();
    for h in handles {
        let (st, tx) = ctx.parts();
        let Some(mut ep) = st.db(db).and_then(|d| d.endpoints.get(h)).cloned() else {
            continue;
        };
        let seq = ep.send_seq;
        ep.send_seq += 1;
        if ep.state == EndpointState::SO {
            ep.state = EndpointState::CO;
        }
        txn::put_endpoint(st, tx, db, ep.clone());
        // RETENTION on the sender's queue keeps a copy with status 3.
        retain_sent_copy(st, tx, db, &ep, &type_name, &body, seq, now);
        let out = Outgoing {
            kind: MessageKind::User,
            type_name: type_name.clone(),
            body: body.clone(),
            seq,
        };
        transmit(st, tx, now, db, *h, out)?;
    }
    Ok(())
}

fn check_send(d: &crate::state::Db, ep: &EndpointRec, type_name: &str) -> Result<(), ServerError> {
    if !matches!(ep.state, EndpointState::SO | EndpointState::CO) {
        return Err(ServerError::new(
            8429,
            format!(
                "The conversation endpoint is not in a valid state for SEND. The current endpoint state is '{}'.",
                ep.state.code()
            ),
        ));
    }
    let mt = d.message_type_by_name(type_name).ok_or_else(|| {
        ServerError::new(
            8428,
            format!("The message type \"{type_name}\" is not found."),
        )
    })?;
    let contract = d
        .contracts
        .get(&ep.contract_id)
        .ok_or_else(|| catalog::contract_not_found("?"))?;
    let usage = contract.usages.iter().find(|u| u.message_type_id == mt.id);
    let Some(usage) = usage else {
        return Err(ServerError::new(
            8431,
            format!("The message type '{type_name}' is not part of the service contract."),
        ));
    };
    if ep.is_initiator && !usage.by_initiator {
        return Err(ServerError::new(
            8432,
            format!(
                "The message cannot be sent because the message type '{type_name}' is marked SENT BY TARGET in the contract, however this service is an Initiator."
            ),
        ));
    }
    if !ep.is_initiator && !usage.by_target {
        return Err(ServerError::new(
            8434,
            format!(
                "The message cannot be sent because the message type '{type_name}' is marked SENT BY INITIATOR in the contract, however this service is a Target."
            ),
        ));
    }
    if let Some(q) = d
        .services
        .get(&ep.service_id)
        .and_then(|s| d.queues.get(&s.queue_id))
        && !q.enabled
        && q.retention
    {
        return Err(ServerError::new(
            9618,
            format!(
                "The message cannot be sent because the service queue '{}' associated with the dialog is currently disabled and retention is on.",
                q.name
            ),
        ));
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn retain_sent_copy(
    st: &mut State,
    tx: &mut Txn,
    db: i32,
    ep: &EndpointRec,
    type_name: &str,
    body: &Option<Vec<u8>>,
    seq: i64,
    now: Ts,
) {
    let Some(d) = st.db(db) else { return };
    let Some(svc) = d.services.get(&ep.service_id) else {
        return;
    };
    let Some(q) = d.queues.get(&svc.queue_id) else {
        return;
    };
    if !q.retention {
        return;
    }
    let Some(mt) = d.message_type_by_name(type_name) else {
        return;
    };
    let rec = MessageRec {
        queue_id: q.id,
        queuing_order: st.next_queuing_order,
        status: 3,
        priority: ep.priority,
        handle: ep.handle,
        group_id: ep.group_id,
        sequence: seq,
        service_id: ep.service_id,
        contract_id: ep.contract_id,
        message_type_id: mt.id,
        kind: MessageKind::User,
        validation: mt.validation,
        body: body.clone(),
        enqueue_ts: now,
    };
    st.next_queuing_order += 1;
    txn::insert_message(st, tx, db, rec);
}

/// Sends one sequenced message from endpoint `h`: straight to the target when possible,
/// otherwise into the transmission queue (always there when earlier messages of the same
/// endpoint are still waiting, so order is kept).
fn transmit(
    st: &mut State,
    tx: &mut Txn,
    now: Ts,
    db: i32,
    h: Uuid,
    out: Outgoing,
) -> Result<(), ServerError> {
    let waiting = st
        .db(db)
        .is_some_and(|d| d.txq.values().any(|t| t.handle == h));
    let status = if waiting {
        Delivery::Held(String::new())
    } else {
        deliver(st, tx, now, db, h, &out)
    };
    match status {
        Delivery::Done => {
            after_delivery(st, tx, now, db, h, out.kind);
            if let Some(d) = st.db_mut(db) {
                d.tx_status.insert(h, String::new());
            }
        }
        Delivery::Held(text) => {
            let Some(d) = st.db(db) else { return Ok(()) };
            let Some(ep) = d.endpoints.get(&h) else {
                return Ok(());
            };
            let rec = TransmissionRec {
                id: st.next_txq_id,
                handle: h,
                to_service: ep.far_service.clone(),
                to_broker_instance: ep.far_broker_instance.clone(),
                from_service: d
                    .services
                    .get(&ep.service_id)
                    .map(|s| s.name.clone())
                    .unwrap_or_default(),
                contract: d
                    .contracts
                    .get(&ep.contract_id)
                    .map(|c| c.name.clone())
                    .unwrap_or_default(),
                enqueue_ts: now,
                sequence: out.seq,
                message_type: out.type_name,
                kind: out.kind,
                body: out.body,
                status_text: text.clone(),
                priority: ep.priority,
            };
            st.next_txq_id += 1;
            if !text.is_empty()
                && let Some(d) = st.db_mut(db)
            {
                d.tx_status.insert(h, text);
            }
            txn::put_txq(st, tx, db, rec);
        }
    }
    Ok(())
}

/// After the far side accepted our EndDialog or Error: DO → CD (initiators are deleted).
pub(crate) fn after_delivery(
    st: &mut State,
    tx: &mut Txn,
    now: Ts,
    db: i32,
    h: Uuid,
    kind: MessageKind,
) {
    if !matches!(kind, MessageKind::EndDialog | MessageKind::Error) {
        return;
    }
    let Some(mut ep) = st.db(db).and_then(|d| d.endpoints.get(&h)).cloned() else {
        return;
    };
    if ep.state == EndpointState::DO {
        ep.state = EndpointState::CD;
        close_endpoint(st, tx, now, db, ep);
    }
}

/// An endpoint reached CD: initiators are deleted at once, targets linger.
fn close_endpoint(st: &mut State, tx: &mut Txn, now: Ts, db: i32, mut ep: EndpointRec) {
    ep.state = EndpointState::CD;
    ep.dialog_timer = None;
    if ep.is_initiator {
        let g = ep.group_id;
        txn::remove_endpoint(st, tx, db, ep.handle);
        txn::drop_group_if_empty(st, tx, db, g);
    } else {
        ep.closed_ts = Some(now);
        txn::put_endpoint(st, tx, db, ep);
    }
}

/// One delivery attempt inside the instance.
fn deliver(st: &mut State, tx: &mut Txn, now: Ts, db: i32, h: Uuid, out: &Outgoing) -> Delivery {
    let Some(from) = st.db(db).and_then(|d| d.endpoints.get(&h)).cloned() else {
        return Delivery::Done;
    };
    if !st.db(db).is_some_and(|d| d.rec.broker_enabled) {
        return Delivery::Held("The broker is disabled in the sender's database.".into());
    }
    // The far endpoint, if it already exists.
    let existing = from.far_local.and_then(|(tdb, th)| {
        st.db(tdb)
            .and_then(|d| d.endpoints.get(&th))
            .map(|e| (tdb, e.clone()))
    });
    if from.far_local.is_some() && existing.is_none() {
        // The far side was cleaned up: nothing can receive this any more.
        return Delivery::Done;
    }
    let (tdb, target_service_id) = match &existing {
        Some((tdb, e)) => (*tdb, e.service_id),
        None => match locate_target(st, db, now, &from) {
            Ok(t) => t,
            Err(text) => return Delivery::Held(text),
        },
    };
    let Some(td) = st.db(tdb) else {
        return Delivery::Held("target database missing".into());
    };
    if tdb != db && from.is_initiator {
        // Spec 06 §6.6–6.7: between databases the broker impersonates the initiating
        // service's owner into the target database (needs TRUSTWORTHY ON in the initiator
        // database), and ENCRYPTION = ON needs session keys protected by master keys.
        let trusted = st
            .db(db)
            .is_some_and(|x| x.rec.trustworthy || x.rec.id == crate::instance::MSDB_DB);
        if !trusted {
            return Delivery::Held(format!(
                "The server principal \"sa\" is not able to access the database \"{}\" under the current security context.",
                td.rec.name
            ));
        }
        // The broker opens each database master key through the service master key.
        let has_key = |id: i32| {
            st.db(id)
                .and_then(|x| x.sec.master_key.as_ref())
                .is_some_and(|k| k.by_service_master_key.is_some())
        };
        if from.encryption && !(has_key(db) && has_key(tdb)) {
            return Delivery::Held(
                "The session keys for this conversation could not be created or accessed. The database master key is required for this operation.".into(),
            );
        }
    }
    if !td.rec.broker_enabled {
        return Delivery::Held("The broker is disabled in the target database. (28013)".into());
    }
    let Some(tsvc) = td.services.get(&target_service_id).cloned() else {
        return Delivery::Held("The target service name could not be found.".into());
    };
    let tguid = td.rec.broker_guid;
    let Some(tqueue) = td.queues.get(&tsvc.queue_id).cloned() else {
        return Delivery::Held("The target queue does not exist.".into());
    };
    if !tqueue.enabled {
        return Delivery::Held(format!(
            "The service queue \"{}\" is currently disabled.",
            tqueue.name
        ));
    }
    let from_svc_name = st
        .db(db)
        .and_then(|d| d.services.get(&from.service_id))
        .map(|s| s.name.clone())
        .unwrap_or_default();
    let contract_name = st
        .db(db)
        .and_then(|d| d.contracts.get(&from.contract_id))
        .map(|c| c.name.clone())
        .unwrap_or_default();
    // The receiving side's contract: the existing endpoint's, or the one a new endpoint
    // would get (the target service must accept it).
    let target_contract_id = match &existing {
        Some((_, e)) => e.contract_id,
        None => {
            let tcontract = td.contract_by_name(&contract_name).cloned();
            let accepted = tcontract
                .as_ref()
                .is_some_and(|c| tsvc.contracts.contains(&c.id));
            if !accepted || !from.is_initiator {
                let text = format!(
                    "Target service '{}' does not support contract '{}'.",
                    tsvc.name, contract_name
                );
                broker_error(st, tx, now, db, h, -8408, &text);
                return Delivery::Done;
            }
            tcontract.map_or(CONTRACT_DEFAULT, |c| c.id)
        }
    };
    if let Some((_, e)) = &existing
        && matches!(
            e.state,
            EndpointState::DO | EndpointState::CD | EndpointState::ER
        )
    {
        // Late message for an endpoint that has ended or errored: discarded.
        return Delivery::Done;
    }
    // Message type and validation as the receiving database defines them, checked before a
    // new target endpoint exists: a rejected first message leaves nothing at the target.
    let (type_id, validation) = match classify(
        td,
        target_contract_id,
        out,
        from.conversation_id,
        from.is_initiator,
    ) {
        Ok(t) => t,
        Err((code, to_sender, to_receiver)) => {
            broker_error(st, tx, now, db, h, code, &to_sender);
            if let Some((_, e)) = &existing {
                let rcode = if code == -9615 { -9616 } else { code };
                broker_error(st, tx, now, tdb, e.handle, rcode, &to_receiver);
            }
            return Delivery::Done;
        }
    };
    let target_ep = match existing {
        Some((_, e)) => e,
        None => {
            let tprio = td.priority_for(target_contract_id, tsvc.id, &from_svc_name);
            let group = Uuid::new_v4();
            txn::put_group(st, tx, tdb, catalog::new_group(group, tsvc.id));
            let sguid = st.db(db).map(|d| d.rec.broker_guid).unwrap_or_default();
            let ep = EndpointRec {
                handle: Uuid::new_v4(),
                conversation_id: from.conversation_id,
                is_initiator: false,
                contract_id: target_contract_id,
                group_id: group,
                service_id: tsvc.id,
                lifetime: from.lifetime,
                state: EndpointState::CO,
                far_service: from_svc_name.clone(),
                far_broker_instance: Some(sbroker_types::guid_string(&sguid)),
                principal_id: tsvc.principal_id,
                dialog_timer: None,
                send_seq: 0,
                receive_seq: 0,
                end_dialog_seq: -1,
                priority: tprio,
                encryption: from.encryption,
                far_local: Some((db, h)),
                closed_ts: None,
                create_ts: now,
            };
            txn::put_endpoint(st, tx, tdb, ep.clone());
            let mut f = from.clone();
            f.far_local = Some((tdb, ep.handle));
            if f.far_broker_instance.is_none() {
                f.far_broker_instance = Some(sbroker_types::guid_string(&tguid));
            }
            txn::put_endpoint(st, tx, db, f);
            ep
        }
    };
    land(
        st,
        tx,
        now,
        tdb,
        target_ep,
        tqueue.id,
        (type_id, validation),
        out,
    );
    Delivery::Done
}

/// Puts a delivered message into the target endpoint's queue and advances the endpoint
/// (next expected sequence number; EndDialog → DI, Error → ER).
#[allow(clippy::too_many_arguments)]
pub(crate) fn land(
    st: &mut State,
    tx: &mut Txn,
    now: Ts,
    tdb: i32,
    target_ep: EndpointRec,
    queue_id: i32,
    (type_id, validation): (i32, Validation),
    out: &Outgoing,
) {
    let rec = MessageRec {
        queue_id,
        queuing_order: st.next_queuing_order,
        status: 1,
        priority: target_ep.priority,
        handle: target_ep.handle,
        group_id: target_ep.group_id,
        sequence: out.seq,
        service_id: target_ep.service_id,
        contract_id: target_ep.contract_id,
        message_type_id: type_id,
        kind: out.kind,
        validation,
        body: out.body.clone(),
        enqueue_ts: now,
    };
    st.next_queuing_order += 1;
    txn::insert_message(st, tx, tdb, rec);
    let mut tep = target_ep;
    tep.receive_seq = tep.receive_seq.max(out.seq + 1);
    match out.kind {
        MessageKind::EndDialog => tep.state = EndpointState::DI,
        MessageKind::Error => tep.state = EndpointState::ER,
        _ => {}
    }
    txn::put_endpoint(st, tx, tdb, tep);
}

/// The receiving database's message type id and validation for an outgoing message, or the
/// broker error it causes: (code, text for the sender, text for the receiver).
pub(crate) fn classify(
    td: &crate::state::Db,
    contract_id: i32,
    out: &Outgoing,
    conversation_id: Uuid,
    from_initiator: bool,
) -> Result<(i32, Validation), (i32, String, String)> {
    match out.kind {
        MessageKind::EndDialog => Ok((MT_END_DIALOG, Validation::Empty)),
        MessageKind::Error => Ok((MT_ERROR, Validation::WellFormedXml)),
        MessageKind::DialogTimer => Ok((MT_DIALOG_TIMER, Validation::Empty)),
        MessageKind::User => {
            let mt = td.message_type_by_name(&out.type_name).cloned();
            let in_contract = mt.as_ref().is_some_and(|m| {
                td.contracts
                    .get(&contract_id)
                    .is_some_and(|c| c.usages.iter().any(|u| u.message_type_id == m.id))
            });
            let Some(mt) = mt.filter(|_| in_contract) else {
                let text = format!(
                    "The remote service has sent a message of type '{}' that is not part of the local contract.",
                    out.type_name
                );
                return Err((-8498, text.clone(), text));
            };
            if let Err(why) = validate_body(td, mt.validation, out.body.as_deref()) {
                let tail = format!(
                    "{why} This occurred in the message with Conversation ID '{}', Initiator: {}, and Message sequence number: {}.",
                    sbroker_types::guid_string(&conversation_id),
                    u8::from(from_initiator),
                    out.seq
                );
                return Err((
                    -9615,
                    format!(
                        "A message of type '{}' failed XML validation on the target service. {tail}",
                        out.type_name
                    ),
                    format!(
                        "A message of type '{}' was received and failed XML validation. {tail}",
                        out.type_name
                    ),
                ));
            }
            Ok((mt.id, mt.validation))
        }
    }
}

/// Receiver-side validation of a body against a message type.
pub fn validate_body(
    d: &crate::state::Db,
    v: Validation,
    body: Option<&[u8]>,
) -> Result<(), String> {
    match v {
        Validation::None => Ok(()),
        Validation::Empty => match body {
            None => Ok(()),
            Some([]) => Ok(()),
            Some(_) => Err("The message body must be empty.".into()),
        },
        Validation::WellFormedXml => match body {
            None => Ok(()),
            Some(b) => crate::xml::check_well_formed(b),
        },
        Validation::ValidXml(c) => {
            let Some(b) = body else { return Ok(()) };
            crate::xml::check_well_formed(b)?;
            let text = crate::xml::decode_body_text(b)?;
            let coll = d
                .xml_collections
                .get(&c)
                .ok_or("XML Validation: the schema collection no longer exists.")?;
            crate::xsd::validate(&coll.schemas, &text)
        }
    }
}

/// A broker-generated (unsequenced) Error message into the local queue of `h`; the
/// endpoint moves to ER and its pending user messages stop.
pub(crate) fn broker_error(
    st: &mut State,
    tx: &mut Txn,
    now: Ts,
    db: i32,
    h: Uuid,
    code: i32,
    text: &str,
) {
    let Some(mut ep) = st.db(db).and_then(|d| d.endpoints.get(&h)).cloned() else {
        return;
    };
    if matches!(ep.state, EndpointState::CD | EndpointState::DO) {
        return;
    }
    ep.state = EndpointState::ER;
    let seq = ep.receive_seq;
    txn::put_endpoint(st, tx, db, ep.clone());
    // Pending user messages of an errored dialog are discarded.
    drop_pending(st, tx, db, h, true);
    enqueue_local(
        st,
        tx,
        now,
        db,
        &ep,
        MessageKind::Error,
        Some(crate::xml::error_body(code, text)),
        seq,
    );
}

/// Removes the transmission-queue rows of endpoint `h` (only its application messages
/// with `user_only`).
fn drop_pending(st: &mut State, tx: &mut Txn, db: i32, h: Uuid, user_only: bool) {
    let ids: Vec<i64> = st
        .db(db)
        .map(|d| {
            d.txq
                .values()
                .filter(|t| t.handle == h && (!user_only || t.kind == MessageKind::User))
                .map(|t| t.id)
                .collect()
        })
        .unwrap_or_default();
    for id in ids {
        txn::remove_txq(st, tx, db, id);
    }
}

/// Puts a system message (Error, DialogTimer) into the endpoint's own queue.
#[allow(clippy::too_many_arguments)]
fn enqueue_local(
    st: &mut State,
    tx: &mut Txn,
    now: Ts,
    db: i32,
    ep: &EndpointRec,
    kind: MessageKind,
    body: Option<Vec<u8>>,
    seq: i64,
) {
    let Some(d) = st.db(db) else { return };
    let Some(svc) = d.services.get(&ep.service_id) else {
        return;
    };
    let (type_id, validation) = match kind {
        MessageKind::Error => (MT_ERROR, Validation::WellFormedXml),
        MessageKind::DialogTimer => (MT_DIALOG_TIMER, Validation::Empty),
        MessageKind::EndDialog => (MT_END_DIALOG, Validation::Empty),
        MessageKind::User => (MT_DEFAULT, Validation::None),
    };
    let rec = MessageRec {
        queue_id: svc.queue_id,
        queuing_order: st.next_queuing_order,
        status: 1,
        priority: ep.priority,
        handle: ep.handle,
        group_id: ep.group_id,
        sequence: seq,
        service_id: ep.service_id,
        contract_id: ep.contract_id,
        message_type_id: type_id,
        kind,
        validation,
        body,
        enqueue_ts: now,
    };
    st.next_queuing_order += 1;
    txn::insert_message(st, tx, db, rec);
}

/// Deletes every queue row of an endpoint in its local queue.
fn delete_local_messages(st: &mut State, tx: &mut Txn, db: i32, ep: &EndpointRec) {
    let Some(d) = st.db(db) else { return };
    let Some(qid) = d.services.get(&ep.service_id).map(|s| s.queue_id) else {
        return;
    };
    let qs: Vec<i64> = d
        .qdata
        .get(&qid)
        .and_then(|qd| qd.by_group.get(&ep.group_id).map(|set| (qd, set)))
        .map(|(qd, set)| {
            set.iter()
                .copied()
                .filter(|q| qd.msgs.get(q).is_some_and(|m| m.rec.handle == ep.handle))
                .collect()
        })
        .unwrap_or_default();
    for q in qs {
        txn::remove_message(st, tx, db, qid, q);
    }
}

/// Locks the conversation group of endpoint `h` of the current database (waiting while
/// another transaction holds it); 8426 when there is no such endpoint.
fn lock_endpoint_group(ctx: &mut Ctx<'_, '_>, h: Uuid) -> Result<(), ServerError> {
    let db = ctx.db;
    let group = ctx
        .guard
        .db(db)
        .and_then(|d| d.endpoints.get(&h))
        .map(|e| e.group_id)
        .ok_or_else(|| handle_not_found(&h))?;
    ctx.lock_group(db, group)
}

/// END CONVERSATION.
pub fn end_conversation(ctx: &mut Ctx<'_, '_>, h: Uuid, mode: &EndMode) -> Result<(), ServerError> {
    let db = ctx.db;
    if let EndMode::Error { code, description } = mode {
        if *code <= 0 {
            return Err(ServerError::new(
                8419,
                format!(
                    "The error code {code} is invalid: END CONVERSATION WITH ERROR requires a positive error code."
                ),
            ));
        }
        if description.chars().count() > 3000 {
            return Err(ServerError::new(
                8419,
                "The error description is longer than 3000 characters.",
            ));
        }
    }
    lock_endpoint_group(ctx, h)?;
    let now = ctx.now();
    let (st, tx) = ctx.parts();
    let ep = st
        .db(db)
        .and_then(|d| d.endpoints.get(&h))
        .cloned()
        .ok_or_else(|| handle_not_found(&h))?;
    if *mode == EndMode::Cleanup {
        delete_local_messages(st, tx, db, &ep);
        drop_pending(st, tx, db, h, false);
        txn::remove_endpoint(st, tx, db, h);
        txn::drop_group_if_empty(st, tx, db, ep.group_id);
        return Ok(());
    }
    match ep.state {
        EndpointState::DO | EndpointState::CD => {
            return Err(ServerError::new(
                8427,
                format!(
                    "The conversation endpoint is not in a valid state for END CONVERSATION. The current endpoint state is '{}'.",
                    ep.state.code()
                ),
            ));
        }
        EndpointState::DI | EndpointState::ER => {
            delete_local_messages(st, tx, db, &ep);
            // Nothing is sent; pending messages to the far side are dropped.
            drop_pending(st, tx, db, h, false);
            close_endpoint(st, tx, now, db, ep);
        }
        EndpointState::SO | EndpointState::CO | EndpointState::SI => {
            delete_local_messages(st, tx, db, &ep);
            let mut ep2 = ep.clone();
            let seq = ep2.send_seq;
            ep2.send_seq += 1;
            ep2.state = EndpointState::DO;
            ep2.dialog_timer = None;
            let out = match mode {
                EndMode::Error { code, description } => {
                    drop_pending(st, tx, db, h, false);
                    Outgoing {
                        kind: MessageKind::Error,
                        type_name: catalog::ERROR_NAME.into(),
                        body: Some(crate::xml::error_body(*code, description)),
                        seq,
                    }
                }
                _ => {
                    ep2.end_dialog_seq = seq;
                    Outgoing {
                        kind: MessageKind::EndDialog,
                        type_name: catalog::END_DIALOG_NAME.into(),
                        body: None,
                        seq,
                    }
                }
            };
            txn::put_endpoint(st, tx, db, ep2);
            transmit(st, tx, now, db, h, out)?;
        }
    }
    Ok(())
}

/// BEGIN CONVERSATION TIMER.
pub fn begin_timer(ctx: &mut Ctx<'_, '_>, h: Uuid, timeout_s: i64) -> Result<(), ServerError> {
    let db = ctx.db;
    if timeout_s < 0 {
        return Err(ServerError::new(
            8410,
            "The conversation timer timeout must not be negative.",
        ));
    }
    lock_endpoint_group(ctx, h)?;
    let now = ctx.now();
    let (st, tx) = ctx.parts();
    let mut ep = st
        .db(db)
        .and_then(|d| d.endpoints.get(&h))
        .cloned()
        .ok_or_else(|| handle_not_found(&h))?;
    if matches!(ep.state, EndpointState::DO | EndpointState::CD) {
        return Err(ServerError::new(
            8458,
            format!(
                "The conversation endpoint is not in a valid state for BEGIN CONVERSATION TIMER. The current endpoint state is '{}'.",
                ep.state.code()
            ),
        ));
    }
    let due = now.saturating_add(secs(timeout_s));
    if due > ep.lifetime {
        return Err(ServerError::new(
            8410,
            "The conversation timer cannot be set beyond the conversation's lifetime.",
        ));
    }
    ep.dialog_timer = Some(due);
    txn::put_endpoint(st, tx, db, ep);
    Ok(())
}

/// MOVE CONVERSATION.
pub fn move_conversation(
    ctx: &mut Ctx<'_, '_>,
    h: Uuid,
    to_group: Uuid,
) -> Result<(), ServerError> {
    let db = ctx.db;
    let d = ctx
        .guard
        .db(db)
        .ok_or_else(|| ServerError::new(911, "database does not exist"))?;
    let ep = d
        .endpoints
        .get(&h)
        .cloned()
        .ok_or_else(|| handle_not_found(&h))?;
    let invalid = || {
        ServerError::new(
            8439,
            format!(
                "The destination conversation group '{}' is invalid.",
                sbroker_types::guid_string(&to_group)
            ),
        )
    };
    let dest = d.groups.get(&to_group).cloned().ok_or_else(invalid)?;
    let q_of = |svc: i32| d.services.get(&svc).map(|s| s.queue_id);
    if q_of(dest.service_id) != q_of(ep.service_id) || q_of(ep.service_id).is_none() {
        return Err(invalid());
    }
    if matches!(ep.state, EndpointState::DO | EndpointState::CD) {
        return Err(ServerError::new(
            8438,
            "The conversation endpoint is not in a valid state for MOVE CONVERSATION.",
        ));
    }
    ctx.lock_group(db, ep.group_id)?;
    ctx.lock_group(db, to_group)?;
    let (st, tx) = ctx.parts();
    let Some(mut ep) = st.db(db).and_then(|d| d.endpoints.get(&h)).cloned() else {
        return Err(handle_not_found(&h));
    };
    let old = ep.group_id;
    if old == to_group {
        return Ok(());
    }
    ep.group_id = to_group;
    txn::put_endpoint(st, tx, db, ep.clone());
    let Some(qid) = st
        .db(db)
        .and_then(|d| d.services.get(&ep.service_id))
        .map(|s| s.queue_id)
    else {
        return Ok(());
    };
    let msgs: Vec<MessageRec> = st
        .db(db)
        .and_then(|d| d.qdata.get(&qid))
        .map(|qd| {
            qd.by_group
                .get(&old)
                .map(|set| {
                    set.iter()
                        .filter_map(|q| qd.msgs.get(q))
                        .filter(|m| m.rec.handle == h)
                        .map(|m| m.rec.clone())
                        .collect()
                })
                .unwrap_or_default()
        })
        .unwrap_or_default();
    for mut m in msgs {
        m.group_id = to_group;
        txn::update_message(st, tx, db, qid, m);
    }
    txn::drop_group_if_empty(st, tx, db, old);
    Ok(())
}

/// DROP SERVICE: deletes its messages and endpoints; open far sides get Error −8470.
pub fn drop_service(ctx: &mut Ctx<'_, '_>, name: &str) -> Result<(), ServerError> {
    let db = ctx.db;
    let now = ctx.now();
    let (st, tx) = ctx.parts();
    let d = st
        .db(db)
        .ok_or_else(|| ServerError::new(911, "database does not exist"))?;
    let svc = d.service_by_name(name).cloned().ok_or_else(|| {
        ServerError::new(15151, format!("Cannot drop the service '{name}', because it does not exist or you do not have permission."))
    })?;
    if svc.id < catalog::USER_ID_MIN {
        return Err(ServerError::new(
            9663,
            "The system object cannot be modified.",
        ));
    }
    if let Some(p) = catalog::priority_referencing(d, None, Some(svc.id)) {
        return Err(ServerError::new(
            3729,
            format!("Cannot drop service '{name}' because it is being referenced by object '{p}'."),
        ));
    }
    let eps: Vec<EndpointRec> = d
        .endpoints
        .values()
        .filter(|e| e.service_id == svc.id)
        .cloned()
        .collect();
    for ep in eps {
        if matches!(
            ep.state,
            EndpointState::SO | EndpointState::CO | EndpointState::DI
        ) && let Some((fdb, fh)) = ep.far_local
        {
            broker_error(
                st,
                tx,
                now,
                fdb,
                fh,
                -8470,
                "Remote service has been dropped.",
            );
        }
        delete_local_messages(st, tx, db, &ep);
        drop_pending(st, tx, db, ep.handle, false);
        txn::remove_endpoint(st, tx, db, ep.handle);
        txn::drop_group_if_empty(st, tx, db, ep.group_id);
    }
    let groups: Vec<Uuid> = st
        .db(db)
        .map(|d| {
            d.groups
                .values()
                .filter(|g| g.service_id == svc.id)
                .map(|g| g.id)
                .collect()
        })
        .unwrap_or_default();
    for g in groups {
        txn::remove_group(st, tx, db, g);
    }
    // Remaining rows of the service (retained copies) go too.
    let rows: Vec<i64> = st
        .db(db)
        .and_then(|d| d.qdata.get(&svc.queue_id))
        .map(|qd| {
            qd.msgs
                .values()
                .filter(|m| m.rec.service_id == svc.id)
                .map(|m| m.rec.queuing_order)
                .collect()
        })
        .unwrap_or_default();
    for q in rows {
        txn::remove_message(st, tx, db, svc.queue_id, q);
    }
    txn::remove_catalog(st, tx, db, crate::state::CatKind::Service, svc.id);
    Ok(())
}

/// GET_TRANSMISSION_STATUS.
pub fn transmission_status(st: &State, db: i32, h: Uuid) -> String {
    st.db(db)
        .and_then(|d| d.tx_status.get(&h))
        .cloned()
        .unwrap_or_default()
}

/// Database broker options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BrokerOption {
    /// ENABLE_BROKER.
    Enable,
    /// DISABLE_BROKER.
    Disable,
    /// NEW_BROKER.
    New,
    /// ERROR_BROKER_CONVERSATIONS.
    ErrorConversations,
}

/// ALTER DATABASE … SET <broker option>.
pub fn set_broker_option(
    ctx: &mut Ctx<'_, '_>,
    db: i32,
    opt: BrokerOption,
) -> Result<(), ServerError> {
    let now = ctx.now();
    let (st, tx) = ctx.parts();
    let mut rec = st
        .db(db)
        .map(|d| d.rec.clone())
        .ok_or_else(|| ServerError::new(911, "database does not exist"))?;
    match opt {
        BrokerOption::Enable => {
            let dup = st.dbs.values().any(|d| {
                d.rec.id != db && d.rec.broker_enabled && d.rec.broker_guid == rec.broker_guid
            });
            if dup {
                return Err(ServerError::new(
                    9772,
                    "The Service Broker in database cannot be enabled because there is already an enabled Service Broker with the same ID.",
                ));
            }
            rec.broker_enabled = true;
            st.txq_dirty = true;
        }
        BrokerOption::Disable => rec.broker_enabled = false,
        BrokerOption::New => {
            rec.broker_guid = Uuid::new_v4();
            rec.broker_enabled = true;
            let Some(d) = st.db(db) else { return Ok(()) };
            let eps: Vec<Uuid> = d.endpoints.keys().copied().collect();
            let groups: Vec<Uuid> = d.groups.keys().copied().collect();
            let msgs: Vec<(i32, i64)> = d
                .qdata
                .iter()
                .flat_map(|(qid, qd)| qd.msgs.keys().map(move |q| (*qid, *q)))
                .collect();
            let txq: Vec<i64> = d.txq.keys().copied().collect();
            for h in eps {
                txn::remove_endpoint(st, tx, db, h);
            }
            for g in groups {
                txn::remove_group(st, tx, db, g);
            }
            for (qid, q) in msgs {
                txn::remove_message(st, tx, db, qid, q);
            }
            for id in txq {
                txn::remove_txq(st, tx, db, id);
            }
        }
        BrokerOption::ErrorConversations => {
            rec.broker_enabled = true;
            let eps: Vec<EndpointRec> = st
                .db(db)
                .map(|d| d.endpoints.values().cloned().collect())
                .unwrap_or_default();
            for ep in eps {
                if matches!(
                    ep.state,
                    EndpointState::CD | EndpointState::DO | EndpointState::ER
                ) {
                    continue;
                }
                broker_error(
                    st,
                    tx,
                    now,
                    db,
                    ep.handle,
                    -9719,
                    "The database for this conversation endpoint is attached or restored.",
                );
                if let Some((fdb, fh)) = ep.far_local
                    && fdb != db
                {
                    broker_error(
                        st,
                        tx,
                        now,
                        fdb,
                        fh,
                        -9720,
                        "The database for the remote conversation endpoint is attached or restored.",
                    );
                }
            }
        }
    }
    txn::put_db_rec(st, tx, rec);
    Ok(())
}

/// One pass of background work: timers, lifetimes, transmission retries, disposal.
pub(crate) fn background_pass(inner: &Inner, full: bool) {
    let now = inner.clock.now();
    fire_timers(inner, now);
    let retry = {
        let mut st = inner.state.lock();
        let r = st.txq_dirty || (full && st.dbs.values().any(|d| !d.txq.is_empty()));
        st.txq_dirty = false;
        r
    };
    if retry {
        retry_transmissions(inner, now);
    }
    if full {
        dispose_closed(inner, now);
    }
}

fn fire_timers(inner: &Inner, now: Ts) {
    let due: Vec<(Ts, i32, Uuid)> = {
        let st = inner.state.lock();
        st.timers
            .range(..=(now, i32::MAX, Uuid::max()))
            .copied()
            .collect()
    };
    if due.is_empty() {
        return;
    }
    let _ = broker_txn(inner, |st, tx| {
        for entry in due {
            let (t, db, h) = entry;
            st.timers.remove(&entry);
            let Some(ep) = st.db(db).and_then(|d| d.endpoints.get(&h)).cloned() else {
                continue;
            };
            if st.locks.contains_key(&(db, ep.group_id)) {
                // Someone holds the group (maybe changing this very timer): try again soon.
                st.timers.insert((now + 100_000, db, h));
                continue;
            }
            if ep.dialog_timer == Some(t) && t <= now {
                let mut e = ep.clone();
                e.dialog_timer = None;
                txn::put_endpoint(st, tx, db, e.clone());
                enqueue_local(
                    st,
                    tx,
                    now,
                    db,
                    &e,
                    MessageKind::DialogTimer,
                    None,
                    e.receive_seq,
                );
            }
            let ep = st.db(db).and_then(|d| d.endpoints.get(&h)).cloned();
            if let Some(ep) = ep
                && ep.lifetime == t
                && t <= now
                && matches!(
                    ep.state,
                    EndpointState::SO | EndpointState::CO | EndpointState::DI | EndpointState::SI
                )
            {
                broker_error(
                    st,
                    tx,
                    now,
                    db,
                    h,
                    -8489,
                    "The dialog has exceeded the specified LIFETIME.",
                );
                // A dialog that expired while waiting to be delivered loses its messages.
                drop_pending(st, tx, db, h, false);
            }
        }
    });
}

fn retry_transmissions(inner: &Inner, now: Ts) {
    let _ = broker_txn(inner, |st, tx| {
        let dbs: Vec<i32> = st.dbs.keys().copied().collect();
        for db in dbs {
            let rows: Vec<TransmissionRec> = st
                .db(db)
                .map(|d| d.txq.values().cloned().collect())
                .unwrap_or_default();
            let mut blocked: std::collections::HashSet<Uuid> = std::collections::HashSet::new();
            for row in rows {
                if blocked.contains(&row.handle) {
                    continue;
                }
                if st
                    .db(db)
                    .and_then(|d| d.endpoints.get(&row.handle))
                    .is_none()
                {
                    txn::remove_txq(st, tx, db, row.id);
                    continue;
                }
                let out = Outgoing {
                    kind: row.kind,
                    type_name: row.message_type.clone(),
                    body: row.body.clone(),
                    seq: row.sequence,
                };
                match deliver(st, tx, now, db, row.handle, &out) {
                    Delivery::Done => {
                        txn::remove_txq(st, tx, db, row.id);
                        after_delivery(st, tx, now, db, row.handle, row.kind);
                        if let Some(d) = st.db_mut(db) {
                            d.tx_status.insert(row.handle, String::new());
                        }
                    }
                    // With the broker endpoint started, the network sender owns the status of
                    // rows bound for other instances (connection failures, far refusals).
                    Delivery::Held(text) if text == NO_TRANSPORT && network_started(st) => {
                        blocked.insert(row.handle);
                    }
                    Delivery::Held(text) => {
                        blocked.insert(row.handle);
                        if row.status_text != text {
                            let mut r = row.clone();
                            r.status_text = text.clone();
                            txn::put_txq(st, tx, db, r);
                        }
                        if let Some(d) = st.db_mut(db) {
                            d.tx_status.insert(row.handle, text);
                        }
                    }
                }
            }
        }
        tx.txq_touched = false;
    });
}

/// Whether the instance's SERVICE_BROKER endpoint is STARTED (its network sender runs).
fn network_started(st: &State) -> bool {
    st.db(crate::instance::MASTER_DB).is_some_and(|m| {
        m.sec
            .endpoints
            .values()
            .any(|e| e.kind == 3 && e.state == 0)
    })
}

fn dispose_closed(inner: &Inner, now: Ts) {
    let linger = i64::try_from(inner.opts.closed_linger.as_micros()).unwrap_or(i64::MAX);
    let victims: Vec<(i32, Uuid, Uuid)> = {
        let st = inner.state.lock();
        st.dbs
            .values()
            .flat_map(|d| {
                d.endpoints
                    .values()
                    .filter(|e| {
                        e.state == EndpointState::CD
                            && e.closed_ts.is_some_and(|c| now.saturating_sub(c) >= linger)
                    })
                    .map(move |e| (d.rec.id, e.handle, e.group_id))
            })
            .filter(|(db, _, g)| !st.locks.contains_key(&(*db, *g)))
            .collect()
    };
    if victims.is_empty() {
        return;
    }
    let _ = broker_txn(inner, |st, tx| {
        for (db, h, g) in victims {
            txn::remove_endpoint(st, tx, db, h);
            txn::drop_group_if_empty(st, tx, db, g);
        }
    });
}

/// Name of the EventNotification message type.
pub const EVENT_NOTIFICATION_TYPE: &str =
    "http://schemas.microsoft.com/SQL/Notifications/EventNotification";
/// Built-in service that sends event notifications.
const EVENT_NOTIFICATION_SERVICE: i32 = 2;
/// Built-in contract of event notifications (PostEventNotification).
const POST_EVENT_CONTRACT: i32 = 2;

/// Sends an `EVENT_INSTANCE` of `event_type` about queue `queue_id` for event notification
/// `en_id`, on the notification's dialog (opened on first use from the built-in
/// EventNotificationService on the PostEventNotification contract).
pub(crate) fn post_event(
    st: &mut State,
    tx: &mut Txn,
    now: Ts,
    db: i32,
    en_id: i32,
    event_type: &str,
) {
    let Some(d) = st.db(db) else { return };
    let Some(mut en) = d.event_notifications.get(&en_id).cloned() else {
        return;
    };
    let Some(q) = d.queues.get(&en.queue_id).cloned() else {
        return;
    };
    let db_name = d.rec.name.clone();
    let reuse = en.dialog.filter(|h| {
        d.endpoints
            .get(h)
            .is_some_and(|e| matches!(e.state, EndpointState::SO | EndpointState::CO))
    });
    let h = match reuse {
        Some(h) => h,
        None => {
            let group = Uuid::new_v4();
            txn::put_group(
                st,
                tx,
                db,
                catalog::new_group(group, EVENT_NOTIFICATION_SERVICE),
            );
            let h = Uuid::new_v4();
            let ep = EndpointRec {
                handle: h,
                conversation_id: Uuid::new_v4(),
                is_initiator: true,
                contract_id: POST_EVENT_CONTRACT,
                group_id: group,
                service_id: EVENT_NOTIFICATION_SERVICE,
                lifetime: TS_NEVER,
                state: EndpointState::SO,
                far_service: en.service.clone(),
                far_broker_instance: Some(en.broker_instance.clone()),
                principal_id: 1,
                dialog_timer: None,
                send_seq: 0,
                receive_seq: 0,
                end_dialog_seq: -1,
                priority: 5,
                encryption: false,
                far_local: None,
                closed_ts: None,
                create_ts: now,
            };
            txn::put_endpoint(st, tx, db, ep);
            en.dialog = Some(h);
            txn::put_catalog(st, tx, db, txn::CatObj::EventNotification(en.clone()));
            h
        }
    };
    let Some(mut ep) = st.db(db).and_then(|d| d.endpoints.get(&h)).cloned() else {
        return;
    };
    let seq = ep.send_seq;
    ep.send_seq += 1;
    ep.state = EndpointState::CO;
    txn::put_endpoint(st, tx, db, ep);
    let post_time = chrono_like(now);
    let xml = format!(
        "<EVENT_INSTANCE><EventType>{event_type}</EventType><PostTime>{post_time}</PostTime><SPID>0</SPID><ServerName>SBROKER</ServerName><LoginName>sa</LoginName><UserName>dbo</UserName><DatabaseName>{}</DatabaseName><SchemaName>{}</SchemaName><ObjectName>{}</ObjectName><ObjectType>QUEUE</ObjectType></EVENT_INSTANCE>",
        sbroker_types::xml::escape_xml_text(&db_name),
        sbroker_types::xml::escape_xml_text(&q.schema),
        sbroker_types::xml::escape_xml_text(&q.name),
    );
    let mut body = vec![0xFF, 0xFE];
    for u in xml.encode_utf16() {
        body.extend_from_slice(&u.to_le_bytes());
    }
    let out = Outgoing {
        kind: MessageKind::User,
        type_name: EVENT_NOTIFICATION_TYPE.into(),
        body: Some(body),
        seq,
    };
    let _ = transmit(st, tx, now, db, h, out);
}

/// `yyyy-mm-ddThh:mm:ss.fff` (UTC) for an engine timestamp.
fn chrono_like(ts: Ts) -> String {
    let secs = ts.div_euclid(1_000_000);
    let ms = ts.rem_euclid(1_000_000) / 1000;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{ms:03}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Event notifications of a queue for an event type.
pub(crate) fn notifications_for(st: &State, db: i32, queue_id: i32, event: &str) -> Vec<i32> {
    st.db(db)
        .map(|d| {
            d.event_notifications
                .values()
                .filter(|e| e.queue_id == queue_id && e.events.iter().any(|x| x == event))
                .map(|e| e.id)
                .collect()
        })
        .unwrap_or_default()
}
