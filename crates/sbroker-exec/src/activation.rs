//! The T-SQL activator: runs a queue's activation procedure in a new background session
//! when the engine's queue monitor asks for a reader (spec 05 §2.4).
//!
//! Each task gets its own thread, session and executor, in the queue's database. Result
//! sets are discarded; PRINT, RAISERROR and errors go to the log as message 9724. A task
//! that ends with an open transaction is rolled back (8415).

use std::sync::Arc;

use sbroker_engine::{ActivationTask, Activator, Instance};
use sbroker_types::{ServerError, Value};

use crate::{Column, Executor, ResultSink};

/// Where activated procedures' output goes.
pub type ActivationLog = Arc<dyn Fn(&str) + Send + Sync>;

/// Runs activation procedures as T-SQL.
pub struct TsqlActivator {
    log: ActivationLog,
}

impl TsqlActivator {
    /// An activator writing its log lines through `log`.
    pub fn new(log: ActivationLog) -> Self {
        Self { log }
    }

    /// An activator that logs to standard error.
    pub fn stderr() -> Self {
        Self::new(Arc::new(|line: &str| eprintln!("{line}")))
    }
}

/// Sends an activated procedure's output to the log (message 9724).
struct LogSink {
    log: ActivationLog,
    procedure: String,
    queue: String,
}

impl LogSink {
    fn write(&self, text: &str) {
        (self.log)(&format!(
            "Msg 9724: The activated proc '{}' running on queue '{}' output the following: '{}'",
            self.procedure, self.queue, text
        ));
    }
}

impl ResultSink for LogSink {
    fn result_set(&mut self, _columns: &[Column], _rows: &[Vec<Value>]) {}
    fn message(&mut self, _number: i32, _severity: u8, text: &str) {
        self.write(text);
    }
    fn error(&mut self, err: &ServerError) {
        self.write(&format!(
            "Msg {}, Level {}: {}",
            err.number, err.severity, err.message
        ));
    }
}

impl Activator for TsqlActivator {
    fn start(&self, instance: &Instance, task: ActivationTask) {
        let inst = instance.clone();
        let log = Arc::clone(&self.log);
        let task_id = task.id;
        let spawned = std::thread::Builder::new()
            .name(format!("sbroker-activation-{}", task.id))
            .spawn(move || run_task(&inst, &task, log));
        if let Err(e) = spawned {
            (self.log)(&format!(
                "Msg 28088: could not start an activated task: {e}"
            ));
            instance.activation_finished(task_id, true);
        }
    }
}

fn run_task(inst: &Instance, task: &ActivationTask, log: ActivationLog) {
    let mut ex = Executor::new(inst);
    inst.activation_started(task.id, ex.session().spid());
    ex.session().set_database_id(task.db);
    let queue = format!("{}.dbo.{}", ex.session().database_name(), task.queue_name);
    let mut sink = LogSink {
        log: Arc::clone(&log),
        procedure: task.procedure.clone(),
        queue,
    };
    match ex.procedure_param_count(&task.procedure) {
        Some(0) => {}
        Some(_) => {
            sink.write(&format!(
                "Msg 9653: The signature of activation stored procedure '{}' is invalid. Parameters are not allowed.",
                task.procedure
            ));
            drop(ex);
            inst.activation_finished(task.id, true);
            return;
        }
        None => {
            sink.write(&format!(
                "Msg 2812: Could not find stored procedure '{}'.",
                task.procedure
            ));
            drop(ex);
            inst.activation_finished(task.id, true);
            return;
        }
    }
    // The procedure runs as the queue's EXECUTE AS principal (OWNER: the queue's owner).
    let principal = match task.execute_as {
        Some(-2) => {
            let db = task.db;
            ex.session()
                .with_state(|st| {
                    st.db(db)
                        .and_then(|d| d.queues.get(&task.queue_id))
                        .map(|q| q.principal_id)
                })
                .unwrap_or(1)
        }
        Some(id) => id,
        None => 1,
    };
    if let Err(e) = ex.impersonate(principal) {
        sink.error(&e);
        drop(ex);
        inst.activation_finished(task.id, true);
        return;
    }
    let outcome = ex.execute_batch(&format!("EXEC {}", task.procedure), &mut sink);
    let open_transaction = ex.session().in_transaction();
    if open_transaction {
        let _ = ex.session().rollback();
        sink.write(
            "Msg 8415: The activated task was aborted because the invoked stored procedure did not execute COMMIT or ROLLBACK on one or more transactions that it began.",
        );
    }
    if outcome.failed {
        (log)(&format!(
            "Msg 28088: The activated task was aborted due to an error (queue {}).",
            task.queue_name
        ));
    }
    drop(ex);
    inst.activation_finished(task.id, outcome.failed || open_transaction);
}
