//! Test harness for sbroker's durability promises.
//!
//! * The `crash-worker` binary runs a Service Broker workload against a data directory and
//!   prints one line per *acknowledged* commit (the acknowledgement log). A test kills it
//!   with SIGKILL at a random moment, restarts it, and at every pause checks the data
//!   directory against the log with [`verify`].
//! * The fixture names ([`DB`], [`REQ`], …) and [`setup`] are shared by the worker and the
//!   tests so both sides agree on the objects.
//!
//! # The workload and what it proves
//!
//! Sender threads run transactions that (sometimes) BEGIN DIALOG and SEND 1–3 request
//! messages on their current dialog; each body is a unique payload `run.thread.counter`.
//! Receiver threads run transactions that RECEIVE TOP(10) from the target queue and, in the
//! same transaction, SEND one `Ack` reply per conversation whose body lists the payloads just
//! received. So every payload that was ever durably sent is, at any moment, in exactly one
//! durable place: the target queue (not received yet) or an `Ack` in the initiator queue
//! (received). [`verify`] checks exactly that against the acknowledgement log, plus
//! sequence order per conversation and that no transaction is half applied.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use sbroker_engine::{
    Instance, Options, QueueName, QueueOptions, SentBy, ServerError, Session, Uuid, Validation,
    queue_rows, resolve_queue,
};
use sbroker_storage::SqliteBackend;

/// Database of the crash workload.
pub const DB: &str = "crashdb";
/// Request message type (initiator → target).
pub const REQ: &str = "//sbroker/crash/Request";
/// Acknowledgement message type (target → initiator), body = comma-separated payloads.
pub const ACK: &str = "//sbroker/crash/Ack";
/// Contract.
pub const CONTRACT: &str = "//sbroker/crash/Contract";
/// Initiator queue.
pub const INIT_Q: &str = "CrashInitQ";
/// Target queue.
pub const TARGET_Q: &str = "CrashTargetQ";
/// Initiator service.
pub const INIT_SVC: &str = "//sbroker/crash/Init";
/// Target service.
pub const TARGET_SVC: &str = "//sbroker/crash/Target";
/// Most request messages a sender puts in one transaction.
pub const MAX_SENDS_PER_TXN: u64 = 3;
/// TOP (n) of the receivers.
pub const RECEIVE_TOP: u64 = 10;

/// Creates the crash workload's database and objects, skipping those that exist already
/// (a previous run may have been killed in the middle of setup). Leaves `s` in [`DB`].
pub fn setup(s: &mut Session) -> Result<(), ServerError> {
    let exists = s.with_state(|st| st.db_id_by_name(DB).is_some());
    if !exists {
        s.create_database(DB)?;
    }
    s.use_database(DB)?;
    let db = s.database_id();
    let has = |s: &Session, f: &dyn Fn(&sbroker_engine::state::Db) -> bool| {
        s.with_state(|st| st.db(db).is_some_and(f))
    };
    for mt in [REQ, ACK] {
        if !has(s, &|d| d.message_type_by_name(mt).is_some()) {
            s.create_message_type(mt, Validation::None)?;
        }
    }
    if !has(s, &|d| d.contract_by_name(CONTRACT).is_some()) {
        s.create_contract(
            CONTRACT,
            &[
                (REQ.into(), SentBy::Initiator),
                (ACK.into(), SentBy::Target),
            ],
        )?;
    }
    for q in [INIT_Q, TARGET_Q] {
        if !has(s, &|d| d.queue_by_name(None, q).is_some()) {
            s.create_queue("dbo", q, &QueueOptions::default())?;
        }
    }
    if !has(s, &|d| d.service_by_name(INIT_SVC).is_some()) {
        s.create_service(INIT_SVC, INIT_Q, &[])?;
    }
    if !has(s, &|d| d.service_by_name(TARGET_SVC).is_some()) {
        s.create_service(TARGET_SVC, TARGET_Q, &[CONTRACT.into()])?;
    }
    Ok(())
}

/// A payload: `run.thread.counter`, unique over all runs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Payload {
    /// Id of the worker process run.
    pub run: String,
    /// Sender thread.
    pub thread: u32,
    /// Per-thread counter within the run, from 0.
    pub counter: u64,
}

impl Payload {
    /// Parses `run.thread.counter`.
    pub fn parse(s: &str) -> Option<Payload> {
        let mut it = s.split('.');
        let run = it.next()?.to_string();
        let thread = it.next()?.parse().ok()?;
        let counter = it.next()?.parse().ok()?;
        if it.next().is_some() || run.is_empty() {
            return None;
        }
        Some(Payload {
            run,
            thread,
            counter,
        })
    }
}

impl std::fmt::Display for Payload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.run, self.thread, self.counter)
    }
}

/// One acknowledged message from the worker's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acked {
    /// Conversation handle printed (initiator handle for SENT, target handle for RECV).
    pub handle: Uuid,
    /// message_sequence_number.
    pub seq: i64,
}

/// Everything the worker acknowledged so far (over all runs).
#[derive(Debug, Default, Clone)]
pub struct AckLog {
    /// Acknowledged sends.
    pub sent: HashMap<Payload, Acked>,
    /// Acknowledged receives.
    pub received: HashMap<Payload, Acked>,
    /// Lines seen (complete ones).
    pub lines: u64,
}

impl AckLog {
    /// Adds one complete log line. Unknown lines (START, diagnostics) are ignored; a
    /// malformed SENT/RECV line or a payload acknowledged twice is an error.
    pub fn add_line(&mut self, line: &str) -> Result<(), String> {
        let parts: Vec<&str> = line.split_whitespace().collect();
        let (kind, rest) = match parts.split_first() {
            Some((k, r)) if *k == "SENT" || *k == "RECV" => (*k, r),
            _ => return Ok(()),
        };
        let [h, seq, p] = rest else {
            return Err(format!("malformed line {line:?}"));
        };
        let handle = Uuid::parse_str(h).map_err(|e| format!("{line:?}: {e}"))?;
        let seq: i64 = seq.parse().map_err(|e| format!("{line:?}: {e}"))?;
        let payload = Payload::parse(p).ok_or_else(|| format!("bad payload in {line:?}"))?;
        let map = if kind == "SENT" {
            &mut self.sent
        } else {
            &mut self.received
        };
        if map.insert(payload, Acked { handle, seq }).is_some() {
            return Err(format!("{kind} acknowledged twice: {line:?}"));
        }
        self.lines += 1;
        Ok(())
    }
}

/// What [`verify`] found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// Messages in the target queue.
    pub in_target_queue: usize,
    /// Payloads listed in durable `Ack` messages (received for good).
    pub acked_in_init_queue: usize,
    /// Durable payloads whose SEND was never acknowledged (in-flight at a kill).
    pub durable_unacked_sends: usize,
    /// Durable receives that were never acknowledged (in-flight at a kill).
    pub durable_unacked_receives: usize,
    /// Conversations seen.
    pub conversations: usize,
}

/// Opens the instance in `dir` without background work, as a test would after a crash.
pub fn open_quiet(dir: &Path) -> Result<Instance, ServerError> {
    let backend = SqliteBackend::open(dir).map_err(|e| ServerError::new(3314, e.to_string()))?;
    Instance::open_with(
        Arc::new(backend),
        Options {
            background: false,
            ..Default::default()
        },
    )
}

struct QueuedReq {
    payload: Payload,
    target_handle: Uuid,
    seq: i64,
    queuing_order: i64,
}

/// Checks the durable state of `inst` against the acknowledgement log:
///
/// 1. every payload is durable at most once (target queue plus `Ack` bodies);
/// 2. every acknowledged SEND is durable, in the target queue with the acknowledged
///    sequence number on the acknowledged conversation, or received;
/// 3. no acknowledged RECEIVE is still in the target queue, and each is in an `Ack`;
/// 4. per conversation, queued requests are in strictly increasing sequence order, and the
///    initiator's `send_seq` is above each of them (the SEND's whole transaction is there);
/// 5. durable payloads that were never acknowledged are only the tail of one transaction
///    per (run, thread): at most [`MAX_SENDS_PER_TXN`], consecutive, right after the last
///    acknowledged counter.
pub fn verify(inst: &Instance, log: &AckLog) -> Result<Report, String> {
    inst.with_state(|st| {
        let db = st
            .db_id_by_name(DB)
            .ok_or_else(|| "database missing".to_string())?;
        let d = st.db(db).ok_or("database missing")?;
        let (_, tq) = resolve_queue(st, db, &QueueName::new(TARGET_Q)).map_err(|e| e.message)?;
        let (_, iq) = resolve_queue(st, db, &QueueName::new(INIT_Q)).map_err(|e| e.message)?;
        let mut queued: Vec<QueuedReq> = Vec::new();
        for r in queue_rows(st, db, tq) {
            if r.message_type_name != REQ {
                return Err(format!(
                    "unexpected {} in target queue",
                    r.message_type_name
                ));
            }
            let body = r.message_body.clone().unwrap_or_default();
            let text = String::from_utf8(body).map_err(|e| e.to_string())?;
            let payload = Payload::parse(&text).ok_or_else(|| format!("bad body {text:?}"))?;
            queued.push(QueuedReq {
                payload,
                target_handle: r.conversation_handle,
                seq: r.message_sequence_number,
                queuing_order: r.queuing_order,
            });
        }
        let mut acked_bodies: Vec<Payload> = Vec::new();
        for r in queue_rows(st, db, iq) {
            if r.message_type_name != ACK {
                return Err(format!("unexpected {} in initiator queue", r.message_type_name));
            }
            let text = String::from_utf8(r.message_body.clone().unwrap_or_default())
                .map_err(|e| e.to_string())?;
            for p in text.split(',') {
                acked_bodies.push(Payload::parse(p).ok_or_else(|| format!("bad ack {p:?}"))?);
            }
        }

        // 1. at most once.
        let mut durable: HashSet<Payload> = HashSet::new();
        for p in queued
            .iter()
            .map(|q| &q.payload)
            .chain(acked_bodies.iter())
        {
            if !durable.insert(p.clone()) {
                return Err(format!("payload {p} is durable twice"));
            }
        }
        let in_queue: HashMap<&Payload, &QueuedReq> =
            queued.iter().map(|q| (&q.payload, q)).collect();
        let received: HashSet<&Payload> = acked_bodies.iter().collect();

        // 2. acknowledged sends are durable, with their sequence numbers.
        for (p, a) in &log.sent {
            match in_queue.get(p) {
                Some(q) => {
                    if q.seq != a.seq {
                        return Err(format!(
                            "{p}: acknowledged with sequence {} but queued with {}",
                            a.seq, q.seq
                        ));
                    }
                    let init = d
                        .endpoints
                        .get(&q.target_handle)
                        .and_then(|e| e.far_local)
                        .map(|(_, h)| h);
                    if init != Some(a.handle) {
                        return Err(format!(
                            "{p}: acknowledged on {} but queued on a conversation whose initiator is {init:?}",
                            a.handle
                        ));
                    }
                }
                None if received.contains(p) => {}
                None => return Err(format!("acknowledged SEND {p} is lost")),
            }
        }
        // 3. acknowledged receives are gone from the queue and recorded in an Ack.
        let mut unacked_recv = 0;
        for (p, a) in &log.received {
            if in_queue.contains_key(p) {
                return Err(format!("acknowledged RECEIVE {p} is still in the queue"));
            }
            if !received.contains(p) {
                return Err(format!("acknowledged RECEIVE {p} has no durable Ack"));
            }
            if let Some(s) = log.sent.get(p)
                && s.seq != a.seq
            {
                return Err(format!(
                    "{p}: sent as sequence {} but received as {}",
                    s.seq, a.seq
                ));
            }
        }
        for p in &received {
            if !log.received.contains_key(*p) {
                unacked_recv += 1;
            }
        }

        // 4. per-conversation order and whole transactions.
        let mut by_conv: BTreeMap<Uuid, Vec<&QueuedReq>> = BTreeMap::new();
        for q in &queued {
            by_conv.entry(q.target_handle).or_default().push(q);
        }
        for (h, msgs) in &mut by_conv {
            msgs.sort_by_key(|q| q.queuing_order);
            for w in msgs.windows(2) {
                if let [a, b] = w
                    && a.seq >= b.seq
                {
                    return Err(format!(
                        "conversation {h}: sequence {} queued before {}",
                        a.seq, b.seq
                    ));
                }
            }
            let target = d
                .endpoints
                .get(h)
                .ok_or_else(|| format!("queued message on unknown endpoint {h}"))?;
            let (_, ih) = target
                .far_local
                .ok_or_else(|| format!("target endpoint {h} has no initiator"))?;
            let init = d
                .endpoints
                .get(&ih)
                .ok_or_else(|| format!("initiator endpoint {ih} missing"))?;
            let max = msgs.iter().map(|q| q.seq).max().unwrap_or(-1);
            if init.send_seq <= max {
                return Err(format!(
                    "initiator {ih} has send_seq {} but sequence {max} is queued: half-applied SEND",
                    init.send_seq
                ));
            }
        }

        // 5. unacknowledged durable payloads are one transaction's tail per thread.
        let mut max_acked: HashMap<(&str, u32), u64> = HashMap::new();
        for p in log.sent.keys() {
            let e = max_acked.entry((p.run.as_str(), p.thread)).or_insert(0);
            *e = (*e).max(p.counter + 1);
        }
        let mut unacked: BTreeMap<(&str, u32), Vec<u64>> = BTreeMap::new();
        for p in &durable {
            if !log.sent.contains_key(p) {
                unacked
                    .entry((p.run.as_str(), p.thread))
                    .or_default()
                    .push(p.counter);
            }
        }
        let mut unacked_sends = 0;
        for ((run, thread), mut counters) in unacked {
            counters.sort_unstable();
            let next = max_acked.get(&(run, thread)).copied().unwrap_or(0);
            let expect: Vec<u64> = (next..next + counters.len() as u64).collect();
            if counters.len() as u64 > MAX_SENDS_PER_TXN || counters != expect {
                return Err(format!(
                    "run {run} thread {thread}: unacknowledged durable counters {counters:?}, last acknowledged {next}"
                ));
            }
            unacked_sends += counters.len();
        }
        Ok(Report {
            in_target_queue: queued.len(),
            acked_in_init_queue: acked_bodies.len(),
            durable_unacked_sends: unacked_sends,
            durable_unacked_receives: unacked_recv,
            conversations: by_conv.len(),
        })
    })
}
