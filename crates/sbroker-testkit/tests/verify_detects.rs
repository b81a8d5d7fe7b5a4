//! The checker itself: it accepts a consistent state and rejects logs that claim more (or
//! other) than what is durable, so a passing crash test means something.

use sbroker_engine::{BeginDialog, Receive};
use sbroker_testkit::{
    AckLog, CONTRACT, INIT_SVC, REQ, TARGET_Q, TARGET_SVC, open_quiet, setup, verify,
};

#[test]
fn verify_accepts_truth_and_rejects_lies() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inst = open_quiet(dir.path()).expect("open");
    let mut s = inst.session();
    setup(&mut s).expect("setup");
    s.begin_transaction().expect("begin");
    let h = s
        .begin_dialog(&BeginDialog::new(INIT_SVC, TARGET_SVC, Some(CONTRACT)))
        .expect("dialog");
    let mut log = AckLog::default();
    for c in 0..3 {
        let p = format!("run1.0.{c}");
        s.send(&[h], Some(REQ), Some(p.clone().into_bytes()))
            .expect("send");
        log.add_line(&format!("SENT {h} {c} {p}")).expect("line");
    }
    s.commit().expect("commit");
    let report = verify(&inst, &log).expect("consistent");
    assert_eq!(report.in_target_queue, 3);

    // A SEND acknowledged but not durable.
    let mut lie = log.clone();
    lie.add_line(&format!("SENT {h} 3 run1.0.3")).expect("line");
    assert!(verify(&inst, &lie).unwrap_err().contains("lost"));
    // A wrong sequence number.
    let mut lie = AckLog::default();
    lie.add_line(&format!("SENT {h} 7 run1.0.0")).expect("line");
    assert!(verify(&inst, &lie).unwrap_err().contains("sequence"));
    // A RECEIVE acknowledged but the message is still queued.
    let mut lie = log.clone();
    lie.add_line(&format!("RECV {h} 0 run1.0.0")).expect("line");
    assert!(
        verify(&inst, &lie)
            .unwrap_err()
            .contains("still in the queue")
    );
    // Durable messages nobody acknowledged beyond one transaction's worth.
    assert!(
        verify(&inst, &AckLog::default()).is_ok(),
        "3 = one transaction"
    );
    s.send(&[h], Some(REQ), Some(b"run1.0.3".to_vec()))
        .expect("send");
    assert!(
        verify(&inst, &AckLog::default()).is_err(),
        "4 unacknowledged"
    );
    // A receive without its Ack (the worker always acks in the same transaction).
    let rows = s.receive(&Receive::from(TARGET_Q)).expect("receive");
    assert_eq!(rows.len(), 4);
    assert!(verify(&inst, &log).unwrap_err().contains("lost"));
}
