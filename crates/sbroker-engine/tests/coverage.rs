//! Checklist rows (spec 00) that need two concurrent sessions or a restart, proven through
//! the engine API: group locks taken by SEND, BEGIN DIALOG, GET CONVERSATION GROUP and
//! savepoint-rolled-back RECEIVE; per-side locks; WAITFOR wake-up rules; `#` names seen by
//! another session; pending sends surviving a restart. See docs/feature-coverage.md.

use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use sbroker_engine::*;
use sbroker_storage::SqliteBackend;

/// How long a blocked session is watched before concluding that it waits.
const BLOCKED: Duration = Duration::from_millis(400);
/// Generous limit for a session that must proceed.
const PROCEEDS: Duration = Duration::from_secs(10);

/// An instance with database `app`: queues qi/qt, services si (initiator) and st ([DEFAULT]).
fn setup(dir: &std::path::Path) -> (Instance, Session) {
    let inst = Instance::open(dir).expect("open");
    let mut s = inst.session();
    s.create_database("app").expect("db");
    s.use_database("app").expect("use");
    s.create_queue("dbo", "qi", &QueueOptions::default())
        .expect("qi");
    s.create_queue("dbo", "qt", &QueueOptions::default())
        .expect("qt");
    s.create_service("si", "qi", &[]).expect("si");
    s.create_service("st", "qt", &["DEFAULT".into()])
        .expect("st");
    (inst, s)
}

fn session(inst: &Instance) -> Session {
    let mut s = inst.session();
    s.use_database("app").expect("use");
    s
}

/// The target-side handle of the dialog whose initiator handle is `h`.
fn target_of(s: &Session, h: Uuid) -> Uuid {
    s.with_state(|st| {
        let d = st.db(s.database_id()).expect("db");
        let conv = d.endpoints[&h].conversation_id;
        d.endpoints
            .values()
            .find(|e| e.conversation_id == conv && !e.is_initiator)
            .map(|e| e.handle)
            .expect("target endpoint")
    })
}

fn group_of(s: &Session, h: Uuid) -> Uuid {
    s.with_state(|st| st.db(s.database_id()).expect("db").endpoints[&h].group_id)
}

fn top1(queue: &str) -> Receive {
    let mut r = Receive::from(queue);
    r.top = Some(1);
    r
}

/// Runs `f` on a new session in a thread; the channel reports its result.
fn in_thread<T: Send + 'static>(
    inst: &Instance,
    f: impl FnOnce(&mut Session) -> T + Send + 'static,
) -> (mpsc::Receiver<T>, std::thread::JoinHandle<()>) {
    let inst = inst.clone();
    let (tx, rx) = mpsc::channel();
    let t = std::thread::spawn(move || {
        let mut b = session(&inst);
        let _ = tx.send(f(&mut b));
    });
    (rx, t)
}

/// F-SEND-15: A holds the target group G in an open RECEIVE transaction; B's SEND on a
/// dialog of G (the target endpoint) blocks until A commits.
#[test]
fn f_send_15_send_waits_for_the_group_lock() {
    let dir = tempfile::tempdir().expect("tmp");
    let (inst, mut a) = setup(dir.path());
    let h = a
        .begin_dialog(&BeginDialog::new("si", "st", None))
        .expect("dialog");
    a.send(&[h], None, Some(vec![1])).expect("send");
    let t = target_of(&a, h);
    a.begin_transaction().expect("begin");
    assert_eq!(a.receive(&top1("qt")).expect("recv").len(), 1);
    let (rx, th) = in_thread(&inst, move |b| {
        b.send(&[t], None, Some(vec![2])).map(|_| ())
    });
    assert!(
        rx.recv_timeout(BLOCKED).is_err(),
        "B's SEND must wait for A's group lock"
    );
    a.commit().expect("commit");
    rx.recv_timeout(PROCEEDS)
        .expect("B proceeds after commit")
        .expect("send succeeds");
    th.join().expect("join");
    let replies = a.receive(&Receive::from("qi")).expect("recv");
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0].message_body.as_deref(), Some(&[2u8][..]));
}

/// F-RCV-14: SAVE TRAN s; RECEIVE; ROLLBACK TRAN s puts the message back but keeps the
/// group lock: B's RECEIVE WHERE conversation_group_id = G blocks until A ends.
#[test]
fn f_rcv_14_savepoint_rollback_keeps_the_lock() {
    let dir = tempfile::tempdir().expect("tmp");
    let (inst, mut a) = setup(dir.path());
    let h = a
        .begin_dialog(&BeginDialog::new("si", "st", None))
        .expect("dialog");
    a.send(&[h], None, Some(vec![7])).expect("send");
    let g = group_of(&a, target_of(&a, h));
    a.begin_transaction().expect("begin");
    a.save("s").expect("save");
    assert_eq!(a.receive(&top1("qt")).expect("recv").len(), 1);
    a.rollback_to_savepoint("s").expect("rollback to savepoint");
    let back = a.with_state(|st| {
        st.db(a.database_id())
            .expect("db")
            .qdata
            .values()
            .map(|q| q.msgs.len())
            .sum::<usize>()
    });
    assert_eq!(back, 1, "the message is back in the queue");
    let (rx, th) = in_thread(&inst, move |b| {
        let mut r = Receive::from("qt");
        r.filter = ReceiveFilter::Group(g);
        b.receive(&r).map(|rows| rows.len())
    });
    assert!(
        rx.recv_timeout(BLOCKED).is_err(),
        "B must wait: the savepoint rollback keeps A's group lock"
    );
    a.commit().expect("commit");
    assert_eq!(
        rx.recv_timeout(PROCEEDS)
            .expect("B proceeds")
            .expect("recv"),
        1
    );
    th.join().expect("join");
}

/// F-WAIT-01 / F-WAIT-03: WAITFOR (RECEIVE) without TIMEOUT waits until a message arrives
/// and returns it promptly after the sender commits.
#[test]
fn f_wait_03_waitfor_without_timeout_waits_for_arrival() {
    let dir = tempfile::tempdir().expect("tmp");
    let (inst, mut a) = setup(dir.path());
    let (rx, th) = in_thread(&inst, |b| {
        let mut r = Receive::from("qt");
        r.wait = Wait::Forever;
        b.receive(&r).map(|rows| (rows.len(), Instant::now()))
    });
    assert!(rx.recv_timeout(BLOCKED).is_err(), "B waits: queue empty");
    let h = a
        .begin_dialog(&BeginDialog::new("si", "st", None))
        .expect("dialog");
    a.send(&[h], None, Some(vec![1])).expect("send");
    let sent = Instant::now();
    let (n, at) = rx.recv_timeout(PROCEEDS).expect("B returns").expect("recv");
    assert_eq!(n, 1);
    assert!(
        at.duration_since(sent) < Duration::from_secs(2),
        "wake-up is prompt"
    );
    th.join().expect("join");
}

/// F-WAIT-07: a message for a group that A holds does not wake an unfiltered waiter; after A
/// commits, the waiter receives it.
#[test]
fn f_wait_07_locked_group_messages_do_not_wake_waiters() {
    let dir = tempfile::tempdir().expect("tmp");
    let (inst, mut a) = setup(dir.path());
    let h = a
        .begin_dialog(&BeginDialog::new("si", "st", None))
        .expect("dialog");
    a.send(&[h], None, Some(vec![1])).expect("send");
    a.begin_transaction().expect("begin");
    assert_eq!(a.receive(&top1("qt")).expect("recv").len(), 1);
    let (rx, th) = in_thread(&inst, |b| {
        let mut r = Receive::from("qt");
        r.wait = Wait::For(Duration::from_secs(20));
        b.receive(&r).map(|rows| {
            rows.iter()
                .map(|x| x.message_body.clone())
                .collect::<Vec<_>>()
        })
    });
    let mut c = session(&inst);
    c.send(&[h], None, Some(vec![2]))
        .expect("send for the locked group");
    assert!(
        rx.recv_timeout(BLOCKED).is_err(),
        "B keeps waiting: the new message belongs to A's locked group"
    );
    a.commit().expect("commit");
    assert_eq!(
        rx.recv_timeout(PROCEEDS)
            .expect("B returns after A commits")
            .expect("recv"),
        vec![Some(vec![2])]
    );
    th.join().expect("join");
}

/// F-GRP-02: two GET CONVERSATION GROUPs in one transaction lock two different groups (the
/// first group's messages are received in between, see 02 §4.1); other sessions can receive
/// from neither until A commits.
#[test]
fn f_grp_02_two_gets_lock_two_groups() {
    let dir = tempfile::tempdir().expect("tmp");
    let (inst, mut a) = setup(dir.path());
    for body in [1u8, 2] {
        let h = a
            .begin_dialog(&BeginDialog::new("si", "st", None))
            .expect("dialog");
        a.send(&[h], None, Some(vec![body])).expect("send");
    }
    let q = QueueName::new("qt");
    a.begin_transaction().expect("begin");
    let g1 = a
        .get_conversation_group(&q, Wait::No)
        .expect("get")
        .expect("g1");
    // 02 §4.1: a group locked by the current transaction stays eligible, so while g1 still
    // has messages a second GET returns it again; once they are received, GET moves on.
    assert_eq!(
        a.get_conversation_group(&q, Wait::No).expect("get"),
        Some(g1)
    );
    let mut r1 = Receive::from("qt");
    r1.filter = ReceiveFilter::Group(g1);
    assert_eq!(a.receive(&r1).expect("recv g1").len(), 1);
    let g2 = a
        .get_conversation_group(&q, Wait::No)
        .expect("get")
        .expect("g2");
    assert_ne!(g1, g2);
    let (rx1, th1) = in_thread(&inst, move |b| {
        let mut r = Receive::from("qt");
        r.filter = ReceiveFilter::Group(g1);
        b.receive(&r).map(|rows| rows.len())
    });
    let mut b = session(&inst);
    assert!(
        b.receive(&Receive::from("qt")).expect("recv").is_empty(),
        "both groups are locked by A"
    );
    let (rx, th) = in_thread(&inst, move |b| {
        let mut r = Receive::from("qt");
        r.filter = ReceiveFilter::Group(g2);
        b.receive(&r).map(|rows| rows.len())
    });
    assert!(rx.recv_timeout(BLOCKED).is_err(), "B waits for g2");
    assert!(rx1.recv_timeout(BLOCKED).is_err(), "C waits for g1");
    a.commit().expect("commit");
    assert_eq!(rx.recv_timeout(PROCEEDS).expect("B").expect("recv"), 1);
    assert_eq!(rx1.recv_timeout(PROCEEDS).expect("C").expect("recv"), 0);
    th.join().expect("join");
    th1.join().expect("join");
}

/// F-GRP-06: locks are per side: A holds the initiator's group; B receives the target side
/// of the same dialog without waiting.
#[test]
fn f_grp_06_locks_are_per_side() {
    let dir = tempfile::tempdir().expect("tmp");
    let (inst, mut a) = setup(dir.path());
    let h = a
        .begin_dialog(&BeginDialog::new("si", "st", None))
        .expect("dialog");
    a.send(&[h], None, Some(vec![1])).expect("send");
    let t = target_of(&a, h);
    a.send(&[t], None, Some(vec![9])).expect("reply");
    a.send(&[h], None, Some(vec![2])).expect("send");
    a.begin_transaction().expect("begin");
    let got = a.receive(&Receive::from("qi")).expect("recv");
    assert_eq!(got.len(), 1, "A holds the initiator group");
    let (rx, th) = in_thread(&inst, move |b| {
        let mut r = Receive::from("qt");
        r.filter = ReceiveFilter::Conversation(t);
        b.receive(&r).map(|rows| rows.len())
    });
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(3))
            .expect("B is not blocked by the initiator-side lock")
            .expect("recv"),
        2
    );
    th.join().expect("join");
    a.commit().expect("commit");
}

/// F-GRP-08: BEGIN DIALOG … RELATED_CONVERSATION_GROUP = G in an open transaction locks G;
/// B's RECEIVE WHERE conversation_group_id = G blocks until A ends.
#[test]
fn f_grp_08_begin_dialog_locks_its_group() {
    let dir = tempfile::tempdir().expect("tmp");
    let (inst, mut a) = setup(dir.path());
    let h = a
        .begin_dialog(&BeginDialog::new("si", "st", None))
        .expect("dialog");
    a.send(&[h], None, Some(vec![1])).expect("send");
    let t = target_of(&a, h);
    a.send(&[t], None, Some(vec![5])).expect("reply into qi");
    let g = group_of(&a, h);
    a.begin_transaction().expect("begin");
    let mut d = BeginDialog::new("si", "st", None);
    d.related = Some(Related::Group(g));
    let h2 = a.begin_dialog(&d).expect("related dialog");
    assert_eq!(group_of(&a, h2), g);
    let (rx, th) = in_thread(&inst, move |b| {
        let mut r = Receive::from("qi");
        r.filter = ReceiveFilter::Group(g);
        b.receive(&r).map(|rows| rows.len())
    });
    assert!(
        rx.recv_timeout(BLOCKED).is_err(),
        "B waits for the group A's BEGIN DIALOG locked"
    );
    a.commit().expect("commit");
    assert_eq!(rx.recv_timeout(PROCEEDS).expect("B").expect("recv"), 1);
    th.join().expect("join");
}

/// F-MT-05: a message type named `[#t]` is a permanent object, visible from another session.
#[test]
fn f_mt_05_hash_names_are_permanent() {
    let dir = tempfile::tempdir().expect("tmp");
    let (inst, mut a) = setup(dir.path());
    a.create_message_type("#t", Validation::None).expect("#t");
    a.create_message_type("//X/Y", Validation::None)
        .expect("uri");
    let b = session(&inst);
    let seen = b.with_state(|st| {
        let d = st.db(b.database_id()).expect("db");
        (
            d.message_type_by_name("#t").is_some(),
            d.message_type_by_name("//X/Y").is_some(),
        )
    });
    assert_eq!(seen, (true, true));
}

/// F-DUR-03: a message to a service that does not exist yet survives a restart and is
/// delivered once the service is created.
#[test]
fn f_dur_03_pending_sends_survive_restart() {
    let dir = tempfile::tempdir().expect("tmp");
    let opts = || Options {
        clock: Arc::new(ManualClock::new(1_800_000_000_000_000)),
        background: false,
        closed_linger: Duration::from_secs(0),
        ..Default::default()
    };
    {
        let backend = Arc::new(SqliteBackend::open(dir.path()).expect("open"));
        let inst = Instance::open_with(backend, opts()).expect("open");
        let mut s = inst.session();
        s.create_database("app").expect("db");
        s.use_database("app").expect("use");
        s.create_queue("dbo", "qi", &QueueOptions::default())
            .expect("qi");
        s.create_service("si", "qi", &[]).expect("si");
        let h = s
            .begin_dialog(&BeginDialog::new("si", "later", None))
            .expect("dialog");
        s.send(&[h], None, Some(b"survives".to_vec()))
            .expect("send");
        inst.run_background_once();
        assert!(!s.transmission_status(h).is_empty());
    }
    let backend = Arc::new(SqliteBackend::open(dir.path()).expect("reopen"));
    let inst = Instance::open_with(backend, opts()).expect("reopen");
    let mut s = inst.session();
    s.use_database("app").expect("use");
    s.create_queue("dbo", "ql", &QueueOptions::default())
        .expect("ql");
    s.create_service("later", "ql", &["DEFAULT".into()])
        .expect("later");
    inst.run_background_once();
    let got = s.receive(&Receive::from("ql")).expect("recv");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].message_body.as_deref(), Some(&b"survives"[..]));
}
