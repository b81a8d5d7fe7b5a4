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
