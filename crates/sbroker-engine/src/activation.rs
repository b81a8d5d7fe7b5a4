//! Internal activation (spec 05 §2): queue monitors that start the activation procedure of
//! a queue in a background session when messages need readers.
//!
//! The engine knows no T-SQL, so it does not run procedures itself: it asks an
//! [`Activator`] (the interpreter installs one) to start a task, and the task reports back
//! with [`Instance::activation_finished`]. The monitor starts at most one task per queue per
//! pass, never more than MAX_QUEUE_READERS, and only when activation is necessary: ready
//! messages that no waiting reader will take, and no reader found the queue empty lately.

use std::collections::HashMap;
use std::sync::Arc;

use crate::instance::{Inner, Instance};
use crate::records::Ts;
use crate::state::State;

/// A request to run a queue's activation procedure once, in a new background session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivationTask {
    /// Task id (unique per instance), to report back with.
    pub id: u64,
    /// Database of the queue.
    pub db: i32,
    /// Queue object id.
    pub queue_id: i32,
    /// Queue name.
    pub queue_name: String,
    /// Three-part procedure name as stored (`[db].[schema].[proc]`).
    pub procedure: String,
    /// EXECUTE AS principal id (−2 = OWNER).
    pub execute_as: Option<i32>,
}

/// Starts activation tasks; implemented by the T-SQL layer (or by a Rust handler).
pub trait Activator: Send + Sync {
    /// Starts `task` in the background and returns at once. When the procedure ends, the
    /// implementation must call [`Instance::activation_finished`] with the task id.
    fn start(&self, instance: &Instance, task: ActivationTask);
}

/// A running task, for `sys.dm_broker_activated_tasks`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunningTask {
    /// Task id.
    pub id: u64,
    /// Session id the activator reported (0 until known).
    pub spid: i32,
    /// Procedure name.
    pub procedure: String,
    /// EXECUTE AS principal.
    pub execute_as: Option<i32>,
}

/// Monitor of one activated queue, for `sys.dm_broker_queue_monitors`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Monitor {
    /// Tasks running for the queue.
    pub tasks: Vec<RunningTask>,
    /// Last time the monitor started a task.
    pub last_activated: Option<Ts>,
    /// Last time an unfiltered RECEIVE / GET CONVERSATION GROUP found nothing.
    pub last_empty: Option<Ts>,
    /// Consecutive failed tasks; activation backs off while this is above zero.
    pub failures: u32,
    /// No new task before this time (back-off after failures).
    pub retry_after: Option<Ts>,
    /// When a QUEUE_ACTIVATION event notification was last sent (event-based activation).
    pub notified: Option<Ts>,
}

/// Activation state of the instance.
#[derive(Default)]
pub struct ActivationState {
    /// Monitors by (database, queue).
    pub monitors: HashMap<(i32, i32), Monitor>,
    /// Next task id.
    pub next_task: u64,
}

impl Monitor {
    /// `INACTIVE`, `NOTIFIED` or `RECEIVES_OCCURRING`.
    pub fn state_desc(&self) -> &'static str {
        if self.tasks.is_empty() && self.notified.is_some() {
            "NOTIFIED"
        } else if self.tasks.is_empty() {
            "INACTIVE"
        } else if self.tasks.iter().all(|t| t.spid == 0) {
            "NOTIFIED"
        } else {
            "RECEIVES_OCCURRING"
        }
    }
}

/// How long readers must not have found the queue empty before another one is started
/// (spec 05 §2.2 rule 2, "a few seconds").
const RESTART_QUIET_US: Ts = 1_000_000;

/// While activation stays necessary, a QUEUE_ACTIVATION event is raised again after this
/// long (spec 05 §3: "events repeat periodically").
const NOTIFY_REPEAT_US: Ts = 5_000_000;

/// Queues that have ready messages that no waiting reader will take.
fn needs_reader(st: &State, db: i32, qid: i32) -> bool {
    let Some(qd) = st.db(db).and_then(|d| d.qdata.get(&qid)) else {
        return false;
    };
    if qd.max_ready_priority().is_none() {
        return false;
    }
    if st.waiting.get(&(db, qid)).copied().unwrap_or(0) > 0 {
        return false;
    }
    qd.msgs.values().any(|m| {
        m.rec.status == 1 && m.pending.is_none() && !st.locks.contains_key(&(db, m.rec.group_id))
    })
}

/// One monitor pass: starts at most one task per queue that needs one.
pub(crate) fn monitor_pass(inner: &Arc<Inner>, now: Ts) {
    let activator = inner.activator.lock().clone();
    let mut to_start = Vec::new();
    let mut notify: Vec<(i32, i32)> = Vec::new();
    {
        let st = inner.state.lock();
        let mut act = inner.activation.lock();
        for d in st.dbs.values() {
            if !d.rec.broker_enabled {
                continue;
            }
            for q in d.queues.values() {
                let a = &q.activation;
                let Some(proc_name) = a.procedure.clone() else {
                    continue;
                };
                if activator.is_none() {
                    continue;
                }
                if !a.enabled || !q.enabled || a.max_readers <= 0 {
                    continue;
                }
                let key = (d.rec.id, q.id);
                let mon = act.monitors.entry(key).or_default();
                if mon.tasks.len() >= usize::try_from(a.max_readers).unwrap_or(0) {
                    continue;
                }
                if !needs_reader(&st, d.rec.id, q.id) {
                    continue;
                }
                if mon.retry_after.is_some_and(|t| now < t) {
                    continue;
                }
                // Start another reader only when none found the queue empty recently and the
                // last start was a while ago (the first reader for a fresh arrival starts at
                // once: nothing was started lately).
                let quiet =
                    |t: Option<Ts>| t.is_none_or(|t| now.saturating_sub(t) >= RESTART_QUIET_US);
                if !quiet(mon.last_activated) || (!mon.tasks.is_empty() && !quiet(mon.last_empty)) {
                    continue;
                }
                let id = act.next_task;
                act.next_task += 1;
                let mon = act.monitors.entry(key).or_default();
                mon.tasks.push(RunningTask {
                    id,
                    spid: 0,
                    procedure: proc_name.clone(),
                    execute_as: a.execute_as,
                });
                mon.last_activated = Some(now);
                to_start.push(ActivationTask {
                    id,
                    db: d.rec.id,
                    queue_id: q.id,
                    queue_name: q.name.clone(),
                    procedure: proc_name,
                    execute_as: a.execute_as,
                });
            }
        }
        // Event-based activation: QUEUE_ACTIVATION event notifications.
        for d in st.dbs.values() {
            if !d.rec.broker_enabled {
                continue;
            }
            for en in d.event_notifications.values() {
                if !en.events.iter().any(|e| e == "QUEUE_ACTIVATION") {
                    continue;
                }
                let Some(q) = d.queues.get(&en.queue_id) else {
                    continue;
                };
                if !q.enabled {
                    continue;
                }
                let key = (d.rec.id, q.id);
                let needed = needs_reader(&st, d.rec.id, q.id);
                let mon = act.monitors.entry(key).or_default();
                if !needed {
                    // A drained queue re-arms the event; a merely locked one does not.
                    let empty = d
                        .qdata
                        .get(&q.id)
                        .is_none_or(|qd| qd.max_ready_priority().is_none());
                    if empty {
                        mon.notified = None;
                    }
                    continue;
                }
                if mon
                    .notified
                    .is_none_or(|t| now.saturating_sub(t) >= NOTIFY_REPEAT_US)
                {
                    mon.notified = Some(now);
                    mon.last_activated = Some(now);
                    notify.push((d.rec.id, en.id));
                }
            }
        }
        // Monitors of queues whose activation was dropped and that run nothing go away.
        act.monitors.retain(|(db, qid), m| {
            !m.tasks.is_empty()
                || st.db(*db).is_some_and(|d| {
                    d.queues
                        .get(qid)
                        .is_some_and(|q| q.activation.enabled && q.activation.procedure.is_some())
                        || d.event_notifications.values().any(|e| {
                            e.queue_id == *qid && e.events.iter().any(|x| x == "QUEUE_ACTIVATION")
                        })
                })
        });
    }
    if !notify.is_empty() {
        let _ = crate::instance::broker_txn(inner, |st, tx| {
            for (db, en) in notify {
                crate::broker::post_event(st, tx, now, db, en, "QUEUE_ACTIVATION");
            }
            st.txq_dirty = true;
        });
    }
    if let Some(activator) = activator {
        let instance = Instance {
            inner: Arc::clone(inner),
        };
        for t in to_start {
            activator.start(&instance, t);
        }
    }
}

impl Instance {
    /// Installs the activator that runs activation procedures.
    pub fn set_activator(&self, activator: Arc<dyn Activator>) {
        *self.inner.activator.lock() = Some(activator);
    }

    /// Reports the session id a task runs in (for `sys.dm_broker_activated_tasks`).
    pub fn activation_started(&self, task_id: u64, spid: i32) {
        let mut act = self.inner.activation.lock();
        for m in act.monitors.values_mut() {
            if let Some(t) = m.tasks.iter_mut().find(|t| t.id == task_id) {
                t.spid = spid;
            }
        }
    }

    /// Reports that a task ended; the monitor may start another. A failed task (the
    /// procedure is missing, raised an error, left a transaction open) makes the monitor back
    /// off: 1 s, 2 s, 4 s … up to a minute, until a task ends cleanly.
    pub fn activation_finished(&self, task_id: u64, failed: bool) {
        let now = self.inner.clock.now();
        let mut act = self.inner.activation.lock();
        for m in act.monitors.values_mut() {
            if m.tasks.iter().any(|t| t.id == task_id) {
                m.tasks.retain(|t| t.id != task_id);
                if failed {
                    m.failures = m.failures.saturating_add(1);
                    let secs = 1i64 << m.failures.min(6).saturating_sub(1);
                    m.retry_after = Some(now.saturating_add(secs.min(60) * 1_000_000));
                } else {
                    m.failures = 0;
                    m.retry_after = None;
                }
            }
        }
    }

    /// Snapshot of the queue monitors: ((database, queue), monitor).
    pub fn queue_monitors(&self) -> Vec<((i32, i32), Monitor)> {
        let mut v: Vec<_> = self
            .inner
            .activation
            .lock()
            .monitors
            .iter()
            .map(|(k, m)| (*k, m.clone()))
            .collect();
        v.sort_by_key(|(k, _)| *k);
        v
    }

    /// Sessions waiting in an unfiltered WAITFOR on a queue (`tasks_waiting`).
    pub fn tasks_waiting(&self, db: i32, queue_id: i32) -> usize {
        self.inner
            .state
            .lock()
            .waiting
            .get(&(db, queue_id))
            .copied()
            .unwrap_or(0)
    }
}

/// Records that an unfiltered RECEIVE / GET CONVERSATION GROUP found the queue empty.
pub(crate) fn note_empty(inner: &Inner, db: i32, qid: i32, now: Ts) {
    let mut act = inner.activation.lock();
    if let Some(m) = act.monitors.get_mut(&(db, qid)) {
        m.last_empty = Some(now);
    }
}
