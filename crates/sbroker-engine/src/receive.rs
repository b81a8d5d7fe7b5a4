//! RECEIVE, WAITFOR (RECEIVE), GET CONVERSATION GROUP and reading queues (spec 03 §2).

use std::time::{Duration, Instant};

use sbroker_types::ServerError;
use uuid::Uuid;

use crate::broker::handle_not_found;
use crate::instance::Ctx;
use crate::records::*;
use crate::state::{Db, State};
use crate::txn;

/// A queue named in a statement: `[db.][schema.]name`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueName {
    /// Database, when given.
    pub database: Option<String>,
    /// Schema, when given.
    pub schema: Option<String>,
    /// Queue name.
    pub name: String,
}

impl QueueName {
    /// An unqualified queue name.
    pub fn new(name: &str) -> Self {
        Self {
            database: None,
            schema: None,
            name: name.into(),
        }
    }
}

/// The WHERE clause of RECEIVE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiveFilter {
    /// No WHERE: the best unlocked group.
    None,
    /// WHERE conversation_handle = h.
    Conversation(Uuid),
    /// WHERE conversation_group_id = g.
    Group(Uuid),
}

/// How long RECEIVE / GET CONVERSATION GROUP may wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// No WAITFOR: return at once.
    No,
    /// WAITFOR without TIMEOUT (or −1): until something arrives.
    Forever,
    /// WAITFOR … TIMEOUT.
    For(Duration),
}

/// One row of a queue, with every column of `RECEIVE *` (spec 03 §3), names resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueRow {
    /// status.
    pub status: u8,
    /// priority.
    pub priority: u8,
    /// queuing_order.
    pub queuing_order: i64,
    /// conversation_group_id.
    pub conversation_group_id: Uuid,
    /// conversation_handle.
    pub conversation_handle: Uuid,
    /// message_sequence_number.
    pub message_sequence_number: i64,
    /// service_name.
    pub service_name: String,
    /// service_id.
    pub service_id: i32,
    /// service_contract_name.
    pub service_contract_name: String,
    /// service_contract_id.
    pub service_contract_id: i32,
    /// message_type_name.
    pub message_type_name: String,
    /// message_type_id.
    pub message_type_id: i32,
    /// validation (`N`, `E`, `X`).
    pub validation: &'static str,
    /// message_body.
    pub message_body: Option<Vec<u8>>,
    /// message_enqueue_time.
    pub message_enqueue_time: Ts,
}

/// Builds the row view of a message.
pub fn queue_row(d: &Db, m: &MessageRec) -> QueueRow {
    QueueRow {
        status: m.status,
        priority: m.priority,
        queuing_order: m.queuing_order,
        conversation_group_id: m.group_id,
        conversation_handle: m.handle,
        message_sequence_number: m.sequence,
        service_name: d
            .services
            .get(&m.service_id)
            .map(|s| s.name.clone())
            .unwrap_or_default(),
        service_id: m.service_id,
        service_contract_name: d
            .contracts
            .get(&m.contract_id)
            .map(|c| c.name.clone())
            .unwrap_or_default(),
        service_contract_id: m.contract_id,
        message_type_name: d
            .message_types
            .get(&m.message_type_id)
            .map(|t| t.name.clone())
            .unwrap_or_default(),
        message_type_id: m.message_type_id,
        validation: m.validation.code(),
        message_body: m.body.clone(),
        message_enqueue_time: m.enqueue_ts,
    }
}

/// Resolves a queue name to (database id, queue id); error 208 when missing.
pub fn resolve_queue(
    st: &State,
    current_db: i32,
    q: &QueueName,
) -> Result<(i32, i32), ServerError> {
    let not_found = || ServerError::new(208, format!("Invalid object name '{}'.", q.name));
    let db = match &q.database {
        Some(name) if !name.is_empty() => st.db_id_by_name(name).ok_or_else(not_found)?,
        _ => current_db,
    };
    let d = st.db(db).ok_or_else(not_found)?;
    let rec = d
        .queue_by_name(q.schema.as_deref(), &q.name)
        .ok_or_else(not_found)?;
    Ok((db, rec.id))
}

fn queue_disabled(name: &str) -> ServerError {
    ServerError::new(
        9617,
        format!("The service queue \"{name}\" is currently disabled."),
    )
}

/// Visible to this transaction: committed, or inserted by it.
fn visible(m: &crate::state::QueuedMessage, me: crate::txn::TxnId) -> bool {
    m.pending.is_none_or(|p| p == me)
}

/// The best group to read from, skipping groups locked by other transactions: the group of
/// the earliest eligible row of the highest priority level present. The scan stops at the
/// first eligible row of the highest level that has ready rows, so it is proportional to
/// the rows it must skip (locked or uncommitted), not to the queue length.
fn pick_group(ctx: &Ctx<'_, '_>, db: i32, qid: i32) -> Option<Uuid> {
    let d = ctx.guard.db(db)?;
    let qd = d.qdata.get(&qid)?;
    let top = qd.max_ready_priority()?;
    let me = ctx.tx.id;
    let mut best: Option<(u8, Uuid)> = None;
    for m in qd.msgs.values() {
        if m.rec.status != 1 || !visible(m, me) {
            continue;
        }
        if best.is_some_and(|(p, _)| p >= m.rec.priority) {
            continue;
        }
        if ctx.locked_by_other(db, m.rec.group_id) {
            continue;
        }
        best = Some((m.rec.priority, m.rec.group_id));
        if m.rec.priority >= top {
            break;
        }
    }
    best.map(|b| b.1)
}

/// Arguments of RECEIVE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receive {
    /// FROM queue.
    pub queue: QueueName,
    /// TOP (n).
    pub top: Option<u64>,
    /// WHERE.
    pub filter: ReceiveFilter,
    /// WAITFOR.
    pub wait: Wait,
}

impl Receive {
    /// RECEIVE * FROM queue (no TOP, no WHERE, no WAITFOR).
    pub fn from(queue: &str) -> Self {
        Self {
            queue: QueueName::new(queue),
            top: None,
            filter: ReceiveFilter::None,
            wait: Wait::No,
        }
    }
}

fn deadline(w: Wait) -> Option<Instant> {
    match w {
        Wait::For(d) => Some(Instant::now() + d),
        _ => None,
    }
}

struct WaitGuard {
    key: (i32, i32),
}

/// RECEIVE.
pub fn receive(ctx: &mut Ctx<'_, '_>, args: &Receive) -> Result<Vec<QueueRow>, ServerError> {
    let until = deadline(args.wait);
    let mut registered: Option<WaitGuard> = None;
    let result = loop {
        let (db, qid) = resolve_queue(&ctx.guard, ctx.db, &args.queue)?;
        let qrec = ctx
            .guard
            .db(db)
            .and_then(|d| d.queues.get(&qid))
            .cloned()
            .ok_or_else(|| ServerError::new(208, "Invalid object name."))?;
        if !qrec.enabled {
            break Err(queue_disabled(&qrec.name));
        }
        let group = match args.filter {
            ReceiveFilter::Conversation(h) => {
                let ep = ctx
                    .guard
                    .db(db)
                    .and_then(|d| d.endpoints.get(&h))
                    .cloned()
                    .ok_or_else(|| handle_not_found(&h))?;
                let ep_queue = ctx
                    .guard
                    .db(db)
                    .and_then(|d| d.services.get(&ep.service_id))
                    .map(|s| s.queue_id);
                if ep_queue != Some(qid) {
                    break Err(handle_not_found(&h));
                }
                ctx.lock_group(db, ep.group_id)?;
                Some(ep.group_id)
            }
            ReceiveFilter::Group(g) => {
                if !ctx.guard.db(db).is_some_and(|d| d.groups.contains_key(&g)) {
                    break Err(ServerError::new(
                        8436,
                        format!(
                            "The conversation group \"{}\" is not found.",
                            sbroker_types::guid_string(&g)
                        ),
                    ));
                }
                ctx.lock_group(db, g)?;
                Some(g)
            }
            ReceiveFilter::None => pick_group(ctx, db, qid),
        };
        if let Some(g) = group {
            let rows = take_messages(ctx, db, qid, g, args)?;
            if !rows.is_empty() || args.wait == Wait::No {
                break Ok(rows);
            }
        } else if args.wait == Wait::No {
            crate::activation::note_empty(ctx.inner, db, qid, ctx.now());
            break Ok(Vec::new());
        }
        if registered.is_none() {
            *ctx.guard.waiting.entry((db, qid)).or_insert(0) += 1;
            registered = Some(WaitGuard { key: (db, qid) });
        }
        match ctx.wait_change(until) {
            Ok(true) => continue,
            Ok(false) => {
                if args.filter == ReceiveFilter::None {
                    let now = ctx.now();
                    crate::activation::note_empty(ctx.inner, db, qid, now);
                }
                break Ok(Vec::new());
            }
            Err(e) => break Err(e),
        }
    };
    if let Some(w) = registered
        && let Some(n) = ctx.guard.waiting.get_mut(&w.key)
    {
        *n = n.saturating_sub(1);
    }
    result
}

fn take_messages(
    ctx: &mut Ctx<'_, '_>,
    db: i32,
    qid: i32,
    group: Uuid,
    args: &Receive,
) -> Result<Vec<QueueRow>, ServerError> {
    let me = ctx.tx.id;
    ctx.lock_group(db, group)?;
    let Some(d) = ctx.guard.db(db) else {
        return Ok(Vec::new());
    };
    let Some(qd) = d.qdata.get(&qid) else {
        return Ok(Vec::new());
    };
    let handle_filter = match args.filter {
        ReceiveFilter::Conversation(h) => Some(h),
        _ => None,
    };
    let Some(conv_map) = qd.group_handles.get(&group) else {
        return Ok(Vec::new());
    };
    let eligible = |q: &i64| {
        qd.msgs
            .get(q)
            .filter(|m| m.rec.status == 1 && visible(m, me))
    };
    // Conversations of the group with their priority and first eligible row: highest
    // priority first, then earliest queuing order. The per-conversation indexes keep this
    // proportional to TOP and to the rows skipped, not to the group's backlog.
    let mut convs: Vec<(u8, i64, Uuid)> = conv_map
        .keys()
        .filter(|h| handle_filter.is_none_or(|f| f == **h))
        .filter_map(|h| {
            let set = qd.by_handle.get(h)?;
            let first = set.iter().find_map(&eligible)?;
            Some((first.rec.priority, first.rec.queuing_order, *h))
        })
        .collect();
    if convs.is_empty() {
        return Ok(Vec::new());
    }
    convs.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let limit = args
        .top
        .map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX));
    let kind_rank = |k: MessageKind| match k {
        MessageKind::DialogTimer => 0,
        MessageKind::Error => 1,
        _ => 2,
    };
    let mut msgs: Vec<MessageRec> = Vec::new();
    'conv: for (_, _, h) in &convs {
        // Inside one conversation: DialogTimer, then Error, then the rest in sequence order
        // (a conversation's rows arrive in sequence order, so queuing order is sequence
        // order).
        if let Some(sp) = qd.specials.get(h) {
            let mut special: Vec<&MessageRec> =
                sp.iter().filter_map(&eligible).map(|m| &m.rec).collect();
            special.sort_by_key(|m| (kind_rank(m.kind), m.sequence, m.queuing_order));
            for m in special {
                if msgs.len() >= limit {
                    break 'conv;
                }
                msgs.push(m.clone());
            }
        }
        if let Some(set) = qd.by_handle.get(h) {
            for q in set {
                if msgs.len() >= limit {
                    break 'conv;
                }
                if let Some(m) = eligible(q).filter(|m| kind_rank(m.rec.kind) == 2) {
                    msgs.push(m.rec.clone());
                }
            }
        }
    }
    // Bodies that left memory (large backlogs) are read back from storage.
    for m in &mut msgs {
        if qd.msgs.get(&m.queuing_order).is_some_and(|x| x.on_disk) {
            m.body = ctx.guard.load_body(db, qid, m.queuing_order);
        }
    }
    if msgs.is_empty() {
        return Ok(Vec::new());
    }
    let retention = d.queues.get(&qid).is_some_and(|q| q.retention);
    let rows: Vec<QueueRow> = msgs.iter().map(|m| queue_row(d, m)).collect();
    let (st, tx) = ctx.parts();
    if let Some(first) = msgs.iter().map(|m| m.queuing_order).min() {
        tx.first_received.entry((db, qid)).or_insert(first);
    }
    for m in msgs {
        if retention {
            let mut r = m;
            r.status = 0;
            txn::update_message(st, tx, db, qid, r);
        } else {
            txn::remove_message(st, tx, db, qid, m.queuing_order);
        }
    }
    tx.received_queues.insert((db, qid));
    Ok(rows)
}

/// GET CONVERSATION GROUP: locks and returns the next group with ready messages.
pub fn get_conversation_group(
    ctx: &mut Ctx<'_, '_>,
    queue: &QueueName,
    wait: Wait,
) -> Result<Option<Uuid>, ServerError> {
    let until = deadline(wait);
    loop {
        let (db, qid) = resolve_queue(&ctx.guard, ctx.db, queue)?;
        let qrec = ctx
            .guard
            .db(db)
            .and_then(|d| d.queues.get(&qid))
            .cloned()
            .ok_or_else(|| ServerError::new(208, "Invalid object name."))?;
        if !qrec.enabled {
            return Err(queue_disabled(&qrec.name));
        }
        if let Some(g) = pick_group(ctx, db, qid) {
            ctx.lock_group(db, g)?;
            return Ok(Some(g));
        }
        if wait == Wait::No {
            return Ok(None);
        }
        if !ctx.wait_change(until)? {
            return Ok(None);
        }
    }
}

/// Every row of a queue (SELECT … FROM queue), without locking or removing anything.
pub fn queue_rows(st: &State, db: i32, qid: i32) -> Vec<QueueRow> {
    let Some(d) = st.db(db) else {
        return Vec::new();
    };
    let Some(qd) = d.qdata.get(&qid) else {
        return Vec::new();
    };
    qd.msgs
        .values()
        .map(|m| {
            if m.on_disk {
                let mut rec = m.rec.clone();
                rec.body = st.load_body(db, qid, rec.queuing_order);
                queue_row(d, &rec)
            } else {
                queue_row(d, &m.rec)
            }
        })
        .collect()
}
