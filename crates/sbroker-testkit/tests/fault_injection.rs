//! Fault injection: a failed write or fsync must fail the commit (error 3314), poison the
//! instance, and after reopening over what is durable every acknowledged message is there
//! exactly once.

use std::sync::Arc;

use sbroker_engine::{
    BeginDialog, Instance, Options, QueueName, Receive, ReceiveFilter, Session, Uuid, Wait,
};
use sbroker_storage::{FaultMode, FaultyBackend, MemoryBackend, SqliteBackend, StorageBackend};
use sbroker_testkit::{CONTRACT, DB, INIT_SVC, REQ, TARGET_Q, TARGET_SVC, setup};

fn quiet() -> Options {
    Options {
        background: false,
        ..Default::default()
    }
}

fn send_one(s: &mut Session, h: Uuid, body: &str) -> Result<(), sbroker_engine::ServerError> {
    s.begin_transaction()?;
    s.send(&[h], Some(REQ), Some(body.as_bytes().to_vec()))?;
    s.commit()
}

fn drain(inst: &Instance) -> Vec<String> {
    let mut s = inst.session();
    s.use_database(DB).expect("use");
    let rows = s
        .receive(&Receive {
            queue: QueueName::new(TARGET_Q),
            top: None,
            filter: ReceiveFilter::None,
            wait: Wait::No,
        })
        .expect("receive after recovery");
    rows.into_iter()
        .map(|r| String::from_utf8(r.message_body.unwrap_or_default()).expect("utf8"))
        .collect()
}

/// Runs the scenario over `faulty`; returns (acknowledged bodies, the failed body).
fn scenario<B: StorageBackend + 'static>(
    faulty: &Arc<FaultyBackend<B>>,
    mode: FaultMode,
    sticky: bool,
) -> (Vec<String>, String) {
    let inst = Instance::open_with(faulty.clone(), quiet()).expect("open");
    let mut s = inst.session();
    setup(&mut s).expect("setup");
    let h = s
        .begin_dialog(&BeginDialog::new(INIT_SVC, TARGET_SVC, Some(CONTRACT)))
        .expect("dialog");
    let mut acked = Vec::new();
    for i in 0..10 {
        let body = format!("acked-{i}");
        send_one(&mut s, h, &body).expect("acknowledged send");
        acked.push(body);
    }
    // A receive that commits: its message must stay gone.
    s.begin_transaction().expect("begin");
    let mut r = Receive::from(TARGET_Q);
    r.top = Some(1);
    let got = s.receive(&r).expect("receive");
    assert_eq!(got.len(), 1);
    s.commit().expect("acknowledged receive");
    acked.retain(|b| got[0].message_body.as_deref() != Some(b.as_bytes()));

    faulty.fail_at(1, mode, sticky);
    let failed = "failed-commit".to_string();
    let err = send_one(&mut s, h, &failed).expect_err("the commit hit the fault");
    assert_eq!(err.number, 3314, "{mode:?}: {err:?}");
    assert!(
        !s.in_transaction(),
        "the failed COMMIT ended the transaction"
    );

    // Poisoned: later changes fail, in this and in other sessions.
    let again = send_one(&mut s, h, "after-failure").expect_err("poisoned");
    assert_eq!(again.number, 3314, "{again:?}");
    let mut other = inst.session();
    other.use_database(DB).expect("use");
    let e = other
        .receive(&Receive::from(TARGET_Q))
        .expect_err("poisoned receive");
    assert_eq!(e.number, 3314);
    let e = other
        .begin_dialog(&BeginDialog::new(INIT_SVC, TARGET_SVC, Some(CONTRACT)))
        .expect_err("poisoned dialog");
    assert_eq!(e.number, 3314);
    (acked, failed)
}

fn check_recovered(inst: &Instance, acked: &[String], failed: &str, mode: FaultMode) {
    let bodies = drain(inst);
    for b in acked {
        let n = bodies.iter().filter(|x| *x == b).count();
        assert_eq!(
            n, 1,
            "{mode:?}: acknowledged {b} found {n} times in {bodies:?}"
        );
    }
    let n = bodies.iter().filter(|x| *x == failed).count();
    assert!(n <= 1, "{mode:?}: the failed commit is there {n} times");
    if mode == FaultMode::FailBeforeWrite {
        assert_eq!(n, 0, "nothing reached the disk, nothing may come back");
    }
    assert!(
        !bodies
            .iter()
            .any(|b| b == "after-failure" || b == "acked-0"),
        "{mode:?}: refused or received work came back: {bodies:?}"
    );
    assert_eq!(bodies.len(), acked.len() + n, "{mode:?}: {bodies:?}");
    // The recovered instance accepts work again.
    let mut s = inst.session();
    s.use_database(DB).expect("use");
    let h = s
        .begin_dialog(&BeginDialog::new(INIT_SVC, TARGET_SVC, Some(CONTRACT)))
        .expect("dialog after recovery");
    send_one(&mut s, h, "after-recovery").expect("send after recovery");
}

#[test]
fn memory_backend_faults_lose_nothing_acknowledged() {
    for mode in [FaultMode::FailBeforeWrite, FaultMode::FailAfterWrite] {
        for sticky in [false, true] {
            let mem = MemoryBackend::new();
            let faulty = Arc::new(FaultyBackend::new(mem.clone()));
            let (acked, failed) = scenario(&faulty, mode, sticky);
            // The old instance is gone with its sessions; reopen over what is durable.
            let inst = Instance::open_with(Arc::new(mem), quiet()).expect("reopen");
            check_recovered(&inst, &acked, &failed, mode);
        }
    }
}

#[test]
fn sqlite_backend_faults_lose_nothing_acknowledged() {
    for mode in [FaultMode::FailBeforeWrite, FaultMode::FailAfterWrite] {
        let dir = tempfile::tempdir().expect("tempdir");
        let (acked, failed) = {
            let faulty = Arc::new(FaultyBackend::new(
                SqliteBackend::open(dir.path()).expect("sqlite"),
            ));
            scenario(&faulty, mode, false)
        };
        let backend = SqliteBackend::open(dir.path()).expect("reopen sqlite");
        let inst = Instance::open_with(Arc::new(backend), quiet()).expect("reopen");
        check_recovered(&inst, &acked, &failed, mode);
    }
}
