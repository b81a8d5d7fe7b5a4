//! Internal activation through T-SQL: the activated procedure's output goes to the log as
//! 9724 lines (F-ACT-07), an open transaction at exit is rolled back and 8415 logged
//! (F-ACT-08), a procedure with parameters is refused with 9653 and never runs (F-ACT-05),
//! and ACTIVATION (DROP) stops new starts (F-ACT-11).

use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use sbroker_engine::{Instance, Options};
use sbroker_exec::activation::TsqlActivator;
use sbroker_exec::{CollectSink, Executor};
use sbroker_storage::MemoryBackend;

fn setup() -> (Instance, Executor, Arc<Mutex<Vec<String>>>) {
    let inst =
        Instance::open_with(Arc::new(MemoryBackend::new()), Options::default()).expect("open");
    let log: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink_log = log.clone();
    inst.set_activator(Arc::new(TsqlActivator::new(Arc::new(move |l: &str| {
        sink_log.lock().push(l.to_string())
    }))));
    let mut ex = Executor::new(&inst);
    let mut sink = CollectSink::default();
    ex.execute_script(
        "CREATE DATABASE a;\nGO\nUSE a;\nGO\n\
         CREATE QUEUE qi; CREATE SERVICE si ON QUEUE qi;\n\
         CREATE TABLE seen (n INT);\nGO\n",
        &mut sink,
    );
    assert!(sink.errors.is_empty(), "{:?}", sink.errors);
    (inst, ex, log)
}

fn run(ex: &mut Executor, sql: &str) -> CollectSink {
    let mut sink = CollectSink::default();
    ex.execute_script(sql, &mut sink);
    assert!(sink.errors.is_empty(), "{:?}", sink.errors);
    sink
}

fn wait_for(log: &Arc<Mutex<Vec<String>>>, what: &str) -> bool {
    let end = Instant::now() + Duration::from_secs(10);
    while Instant::now() < end {
        if log.lock().iter().any(|l| l.contains(what)) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

fn count(ex: &mut Executor, sql: &str) -> i64 {
    let s = run(ex, sql);
    match s
        .result_sets
        .last()
        .and_then(|(_, rows)| rows.first())
        .and_then(|r| r.first())
    {
        Some(sbroker_exec::Value::Int(n)) => i64::from(*n),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn output_is_logged_and_open_transactions_are_rolled_back() {
    let (_inst, mut ex, log) = setup();
    run(
        &mut ex,
        "CREATE PROCEDURE p AS\n\
           BEGIN TRANSACTION;\n\
           DECLARE @b VARBINARY(MAX);\n\
           RECEIVE TOP(1) @b = message_body FROM qt;\n\
           PRINT 'processed one';\n\
           INSERT seen VALUES (1);\n\
         GO\n\
         CREATE QUEUE qt WITH ACTIVATION (STATUS = ON, PROCEDURE_NAME = p, MAX_QUEUE_READERS = 1, EXECUTE AS OWNER);\n\
         CREATE SERVICE st ON QUEUE qt ([DEFAULT]);\nGO\n\
         DECLARE @h UNIQUEIDENTIFIER;\n\
         BEGIN DIALOG @h FROM SERVICE si TO SERVICE 'st' WITH ENCRYPTION = OFF;\n\
         SEND ON CONVERSATION @h (0x01);\nGO\n",
    );
    assert!(
        wait_for(&log, "processed one"),
        "PRINT output logged: {:?}",
        log.lock()
    );
    assert!(log.lock().iter().any(|l| l.starts_with("Msg 9724: The activated proc '[a].[dbo].[p]' running on queue")));
    assert!(
        wait_for(&log, "Msg 8415"),
        "open transaction reported: {:?}",
        log.lock()
    );
    // The procedure's work was rolled back: the message is back and the row is gone.
    assert_eq!(count(&mut ex, "SELECT COUNT(*) FROM seen;\nGO\n"), 0);
    assert_eq!(count(&mut ex, "SELECT COUNT(*) FROM qt;\nGO\n"), 1);
}

#[test]
fn procedures_with_parameters_never_run_and_drop_stops_activation() {
    let (_inst, mut ex, log) = setup();
    run(
        &mut ex,
        "CREATE PROCEDURE withparam @x INT AS INSERT seen VALUES (@x);\nGO\n\
         CREATE QUEUE qt WITH ACTIVATION (STATUS = ON, PROCEDURE_NAME = withparam, MAX_QUEUE_READERS = 1, EXECUTE AS OWNER);\n\
         CREATE SERVICE st ON QUEUE qt ([DEFAULT]);\nGO\n\
         DECLARE @h UNIQUEIDENTIFIER;\n\
         BEGIN DIALOG @h FROM SERVICE si TO SERVICE 'st' WITH ENCRYPTION = OFF;\n\
         SEND ON CONVERSATION @h (0x01);\nGO\n",
    );
    assert!(wait_for(&log, "Msg 9653"), "{:?}", log.lock());
    assert_eq!(
        count(&mut ex, "SELECT COUNT(*) FROM seen;\nGO\n"),
        0,
        "the procedure never ran"
    );
    run(&mut ex, "ALTER QUEUE qt WITH ACTIVATION (DROP);\nGO\n");
    let before = log.lock().len();
    run(
        &mut ex,
        "DECLARE @h UNIQUEIDENTIFIER;\n\
         BEGIN DIALOG @h FROM SERVICE si TO SERVICE 'st' WITH ENCRYPTION = OFF;\n\
         SEND ON CONVERSATION @h (0x02);\nGO\n",
    );
    std::thread::sleep(Duration::from_millis(2500));
    assert_eq!(
        log.lock().len(),
        before,
        "no activation after ACTIVATION (DROP)"
    );
    assert_eq!(
        count(
            &mut ex,
            "SELECT COUNT(*) FROM sys.dm_broker_queue_monitors;\nGO\n"
        ),
        0
    );
}

/// F-ACT-06: the activated procedure runs as the queue's EXECUTE AS principal, so
/// USER_NAME() inside it is that user ('user', OWNER = the queue's owner, SELF = whoever
/// ran the CREATE QUEUE).
#[test]
fn activated_procedures_run_as_the_execute_as_principal() {
    let (_inst, mut ex, log) = setup();
    run(
        &mut ex,
        "CREATE TABLE who (q SYSNAME, u SYSNAME);\n\
         CREATE USER worker WITHOUT LOGIN; CREATE USER creator WITHOUT LOGIN;\nGO\n\
         CREATE PROCEDURE pw AS BEGIN DECLARE @b VARBINARY(MAX); RECEIVE TOP(1) @b = message_body FROM qw; INSERT who VALUES ('qw', USER_NAME()); END\nGO\n\
         CREATE PROCEDURE po AS BEGIN DECLARE @b VARBINARY(MAX); RECEIVE TOP(1) @b = message_body FROM qo; INSERT who VALUES ('qo', USER_NAME()); END\nGO\n\
         CREATE PROCEDURE ps AS BEGIN DECLARE @b VARBINARY(MAX); RECEIVE TOP(1) @b = message_body FROM qs; INSERT who VALUES ('qs', USER_NAME()); END\nGO\n\
         CREATE QUEUE qw WITH ACTIVATION (STATUS = ON, PROCEDURE_NAME = pw, MAX_QUEUE_READERS = 1, EXECUTE AS 'worker');\n\
         CREATE QUEUE qo WITH ACTIVATION (STATUS = ON, PROCEDURE_NAME = po, MAX_QUEUE_READERS = 1, EXECUTE AS OWNER);\n\
         EXECUTE AS USER = 'creator';\n\
         CREATE QUEUE qs WITH ACTIVATION (STATUS = ON, PROCEDURE_NAME = ps, MAX_QUEUE_READERS = 1, EXECUTE AS SELF);\n\
         REVERT;\n\
         CREATE SERVICE sw ON QUEUE qw ([DEFAULT]); CREATE SERVICE so ON QUEUE qo ([DEFAULT]); CREATE SERVICE ss ON QUEUE qs ([DEFAULT]);\nGO\n\
         DECLARE @h UNIQUEIDENTIFIER;\n\
         BEGIN DIALOG @h FROM SERVICE si TO SERVICE 'sw' WITH ENCRYPTION = OFF; SEND ON CONVERSATION @h (0x01);\n\
         BEGIN DIALOG @h FROM SERVICE si TO SERVICE 'so' WITH ENCRYPTION = OFF; SEND ON CONVERSATION @h (0x01);\n\
         BEGIN DIALOG @h FROM SERVICE si TO SERVICE 'ss' WITH ENCRYPTION = OFF; SEND ON CONVERSATION @h (0x01);\nGO\n",
    );
    let end = Instant::now() + Duration::from_secs(10);
    while count(&mut ex, "SELECT COUNT(*) FROM who;\nGO\n") < 3 && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(50));
    }
    let s = run(&mut ex, "SELECT q, u FROM who ORDER BY q;\nGO\n");
    let rows: Vec<String> = s.result_sets[0]
        .1
        .iter()
        .map(|r| format!("{}={}", r[0].to_display_string(), r[1].to_display_string()))
        .collect();
    assert_eq!(
        rows,
        ["qo=dbo", "qs=creator", "qw=worker"],
        "log: {:?}",
        log.lock()
    );
    // The caller's own context is untouched by the activated tasks.
    let s = run(&mut ex, "SELECT USER_NAME();\nGO\n");
    assert_eq!(s.result_sets[0].1[0][0].to_display_string(), "dbo");
}

/// F-CAT-09: while an activated procedure runs, sys.dm_broker_activated_tasks lists it
/// and sys.dm_broker_queue_monitors shows the queue's monitor; afterwards the task row
/// is gone.
#[test]
fn activation_dmvs_show_running_tasks() {
    let (_inst, mut ex, log) = setup();
    run(
        &mut ex,
        "CREATE PROCEDURE slow AS BEGIN DECLARE @b VARBINARY(MAX); RECEIVE TOP(1) @b = message_body FROM qt; WAITFOR DELAY '00:00:02'; PRINT 'slow done'; END\nGO\n\
         CREATE QUEUE qt WITH ACTIVATION (STATUS = ON, PROCEDURE_NAME = slow, MAX_QUEUE_READERS = 1, EXECUTE AS OWNER);\n\
         CREATE SERVICE st ON QUEUE qt ([DEFAULT]);\nGO\n\
         DECLARE @h UNIQUEIDENTIFIER;\n\
         BEGIN DIALOG @h FROM SERVICE si TO SERVICE 'st' WITH ENCRYPTION = OFF;\n\
         SEND ON CONVERSATION @h (0x01);\nGO\n",
    );
    let tasks = "SELECT COUNT(*) FROM sys.dm_broker_activated_tasks t JOIN sys.service_queues q ON q.object_id = t.queue_id WHERE q.name = 'qt' AND t.procedure_name LIKE '%slow%' AND t.database_id = DB_ID();\nGO\n";
    let end = Instant::now() + Duration::from_secs(10);
    let mut seen = false;
    while !seen && Instant::now() < end {
        seen = count(&mut ex, tasks) == 1;
        if !seen {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    assert!(seen, "the running task is listed: {:?}", log.lock());
    assert_eq!(
        count(
            &mut ex,
            "SELECT COUNT(*) FROM sys.dm_broker_queue_monitors m JOIN sys.service_queues q ON q.object_id = m.queue_id WHERE q.name = 'qt' AND m.database_id = DB_ID();\nGO\n"
        ),
        1
    );
    assert!(wait_for(&log, "slow done"), "{:?}", log.lock());
    let end = Instant::now() + Duration::from_secs(5);
    while count(&mut ex, tasks) != 0 && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(count(&mut ex, tasks), 0, "the finished task is gone");
}
