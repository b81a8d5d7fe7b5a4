//! Fixed database roles exist in every database and role memberships survive a restart;
//! a dropped user leaves the roles it was in, durably.

use sbroker_engine::Instance;
use sbroker_exec::{CollectSink, Executor, Value};

fn run(inst: &Instance, sql: &str) -> CollectSink {
    let mut ex = Executor::new(inst);
    let mut sink = CollectSink::default();
    ex.execute_script(sql, &mut sink);
    assert!(sink.errors.is_empty(), "{:?}", sink.errors);
    sink
}

fn members(inst: &Instance) -> Vec<(String, String)> {
    let s = run(
        inst,
        "USE a;\nGO\nSELECT r.name, m.name FROM sys.database_role_members rm \
         JOIN sys.database_principals r ON r.principal_id = rm.role_principal_id \
         JOIN sys.database_principals m ON m.principal_id = rm.member_principal_id \
         ORDER BY r.name, m.name;\nGO\n",
    );
    let (_, rows) = s.result_sets.last().expect("a result set");
    rows.iter()
        .map(|r| match (&r[0], &r[1]) {
            (Value::NVarChar(a), Value::NVarChar(b)) => (a.clone(), b.clone()),
            other => panic!("unexpected {other:?}"),
        })
        .collect()
}

#[test]
fn fixed_role_membership_is_durable_and_follows_drop_user() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let inst = Instance::open(dir.path()).expect("open");
        run(
            &inst,
            "CREATE DATABASE a;\nGO\nUSE a;\nGO\n\
             CREATE USER reader WITHOUT LOGIN; CREATE USER writer WITHOUT LOGIN;\n\
             ALTER ROLE db_datareader ADD MEMBER reader;\n\
             ALTER ROLE db_datareader ADD MEMBER writer;\n\
             ALTER ROLE db_datawriter ADD MEMBER writer;\nGO\n",
        );
    }
    let inst = Instance::open(dir.path()).expect("reopen");
    assert_eq!(
        members(&inst),
        vec![
            ("db_datareader".into(), "reader".into()),
            ("db_datareader".into(), "writer".into()),
            ("db_datawriter".into(), "writer".into()),
        ]
    );
    run(&inst, "USE a;\nGO\nDROP USER writer;\nGO\n");
    drop(inst);
    let inst = Instance::open(dir.path()).expect("reopen again");
    assert_eq!(
        members(&inst),
        vec![("db_datareader".into(), "reader".into())]
    );
    // No dangling membership rows (the joins above would hide them).
    let s = run(
        &inst,
        "USE a;\nGO\nSELECT COUNT(*) FROM sys.database_role_members;\nGO\n",
    );
    let (_, rows) = s.result_sets.last().expect("a result set");
    assert_eq!(rows[0][0], Value::Int(1));
}
