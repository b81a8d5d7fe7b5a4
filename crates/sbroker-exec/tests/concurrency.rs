//! Sessions inserting into one user table at the same time lose no rows, also when some
//! of them roll back (row ids come from the engine, not from a shared counter in the
//! table definition).

use std::sync::Arc;

use sbroker_engine::{Instance, Options};
use sbroker_exec::{CollectSink, Executor, Value};
use sbroker_storage::MemoryBackend;

fn run(ex: &mut Executor, sql: &str) -> CollectSink {
    let mut sink = CollectSink::default();
    ex.execute_script(sql, &mut sink);
    assert!(sink.errors.is_empty(), "{:?}", sink.errors);
    sink
}

#[test]
fn concurrent_inserts_into_one_table_lose_no_rows() {
    let inst =
        Instance::open_with(Arc::new(MemoryBackend::new()), Options::default()).expect("open");
    let mut ex = Executor::new(&inst);
    run(
        &mut ex,
        "CREATE DATABASE c;\nGO\nUSE c;\nGO\nCREATE TABLE t (who INT, n INT);\nGO\n",
    );
    const PER_THREAD: i32 = 300;
    std::thread::scope(|s| {
        for who in 0..3 {
            let inst = inst.clone();
            s.spawn(move || {
                let mut ex = Executor::new(&inst);
                run(&mut ex, "USE c;\nGO\n");
                for n in 0..PER_THREAD {
                    // Thread 2 rolls every other insert back.
                    let sql = if who == 2 && n % 2 == 1 {
                        format!("BEGIN TRAN; INSERT t VALUES ({who}, {n}); ROLLBACK;\nGO\n")
                    } else {
                        format!("INSERT t VALUES ({who}, {n});\nGO\n")
                    };
                    run(&mut ex, &sql);
                }
            });
        }
    });
    let s = run(
        &mut ex,
        "SELECT who, COUNT(*), COUNT(DISTINCT n) FROM t GROUP BY who ORDER BY who;\nGO\n",
    );
    let rows: Vec<Vec<Value>> = s.result_sets[0].1.clone();
    let expect = |who: i32, n: i32| vec![Value::Int(who), Value::Int(n), Value::Int(n)];
    assert_eq!(
        rows,
        vec![
            expect(0, PER_THREAD),
            expect(1, PER_THREAD),
            expect(2, PER_THREAD / 2)
        ]
    );
}
