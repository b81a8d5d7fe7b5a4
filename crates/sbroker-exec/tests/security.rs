//! Security objects are durable and their keys stay usable across a restart: the
//! service master key (in master) reopens database master keys, which reopen certificate
//! private keys; password wrappings still open; a rolled-back CREATE leaves nothing.

use sbroker_engine::Instance;
use sbroker_exec::{CollectSink, Executor, Value};

fn run(inst: &Instance, sql: &str) -> CollectSink {
    let mut ex = Executor::new(inst);
    let mut sink = CollectSink::default();
    ex.execute_script(sql, &mut sink);
    assert!(sink.errors.is_empty(), "{:?}", sink.errors);
    sink
}

fn error_numbers(inst: &Instance, sql: &str) -> Vec<i32> {
    let mut ex = Executor::new(inst);
    let mut sink = CollectSink::default();
    ex.execute_script(sql, &mut sink);
    sink.errors.iter().map(|e| e.number).collect()
}

fn single_column(sink: &CollectSink) -> Vec<String> {
    let (_, rows) = sink.result_sets.last().expect("a result set");
    rows.iter()
        .map(|r| match &r[0] {
            Value::NVarChar(s) | Value::VarChar(s) => s.clone(),
            Value::Int(i) => i.to_string(),
            other => format!("{other:?}"),
        })
        .collect()
}

#[test]
fn keys_certificates_logins_and_endpoints_survive_a_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let inst = Instance::open(dir.path()).expect("open");
        run(
            &inst,
            "CREATE DATABASE s;\nGO\nUSE s;\nGO\n\
             CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'db-key-pw';\n\
             CREATE USER owner WITHOUT LOGIN;\n\
             CREATE CERTIFICATE c AUTHORIZATION owner WITH SUBJECT = 'durable';\n\
             CREATE CERTIFICATE p ENCRYPTION BY PASSWORD = 'cert-pw' WITH SUBJECT = 'pw';\n\
             CREATE REMOTE SERVICE BINDING b TO SERVICE 'far' WITH USER = owner;\n\
             USE master;\n\
             CREATE LOGIN l WITH PASSWORD = 'login-pw';\n\
             CREATE ENDPOINT e STATE = STARTED AS TCP (LISTENER_PORT = 4022) FOR SERVICE_BROKER ();\n\
             GRANT CONNECT ON ENDPOINT::e TO l;\nGO\n",
        );
    }
    let inst = Instance::open(dir.path()).expect("reopen");
    let certs = run(
        &inst,
        "USE s;\nGO\nSELECT name + ':' + pvt_key_encryption_type + ':' + subject \
         FROM sys.certificates ORDER BY name;\nGO\n",
    );
    assert_eq!(single_column(&certs), vec!["c:MK:durable", "p:PW:pw"]);
    // The master key opens through the restored service master key: the MK-protected
    // private key signs without OPEN MASTER KEY; the password-protected one needs its password.
    run(
        &inst,
        "USE s;\nGO\nCREATE PROCEDURE signed AS SELECT 1;\nGO\n\
         ADD SIGNATURE TO signed BY CERTIFICATE c;\n\
         ADD SIGNATURE TO signed BY CERTIFICATE p WITH PASSWORD = 'cert-pw';\nGO\n",
    );
    assert_eq!(
        error_numbers(
            &inst,
            "USE s;\nGO\nOPEN MASTER KEY DECRYPTION BY PASSWORD = 'wrong';\nGO\n"
        ),
        vec![15313]
    );
    run(
        &inst,
        "USE s;\nGO\nOPEN MASTER KEY DECRYPTION BY PASSWORD = 'db-key-pw';\nCLOSE MASTER KEY;\nGO\n",
    );
    let sigs = run(
        &inst,
        "USE s;\nGO\nSELECT COUNT(*) FROM sys.crypt_properties;\n\
         SELECT name FROM sys.remote_service_bindings;\nGO\n",
    );
    assert_eq!(single_column(&sigs), vec!["b"]);
    assert!(matches!(sigs.result_sets[0].1[0][0], Value::Int(2)));
    let server = run(
        &inst,
        "SELECT name + ':' + state_desc FROM sys.service_broker_endpoints;\n\
         SELECT SUSER_NAME(grantee_principal_id) FROM sys.server_permissions WHERE class = 105;\nGO\n",
    );
    assert_eq!(single_column(&server), vec!["l"]);
    assert!(matches!(&server.result_sets[0].1[0][0], Value::NVarChar(s) if s == "e:STARTED"));
}

#[test]
fn security_ddl_rolls_back_with_the_transaction() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inst = Instance::open(dir.path()).expect("open");
    run(
        &inst,
        "CREATE DATABASE r;\nGO\nUSE r;\nGO\n\
         BEGIN TRANSACTION;\n\
         CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'pw';\n\
         CREATE CERTIFICATE c WITH SUBJECT = 'rolled back';\n\
         CREATE USER u WITHOUT LOGIN;\n\
         CREATE REMOTE SERVICE BINDING b TO SERVICE 'far' WITH USER = u;\n\
         ROLLBACK;\nGO\n",
    );
    let counts = run(
        &inst,
        "USE r;\nGO\nSELECT (SELECT COUNT(*) FROM sys.symmetric_keys) \
         + (SELECT COUNT(*) FROM sys.certificates) \
         + (SELECT COUNT(*) FROM sys.remote_service_bindings);\nGO\n",
    );
    assert_eq!(single_column(&counts), vec!["0"]);
    drop(inst);
    // Nothing of it reached storage either.
    let inst = Instance::open(dir.path()).expect("reopen");
    let counts = run(
        &inst,
        "USE r;\nGO\nSELECT (SELECT COUNT(*) FROM sys.symmetric_keys) \
         + (SELECT COUNT(*) FROM sys.certificates);\nGO\n",
    );
    assert_eq!(single_column(&counts), vec!["0"]);
}
