//! Single-instance broker behaviours beyond the basic dialog (issue "[3 of 4]"): timers and
//! lifetimes with a manual clock, timers surviving a restart, GET CONVERSATION GROUP, MOVE,
//! RELATED_CONVERSATION(_GROUP), group locks across sessions, retention, database broker
//! options and endpoint clean-up.

mod common;
use std::sync::Arc;
use std::time::Duration;

use common::*;
use sbroker_engine::*;
use sbroker_storage::{MemoryBackend, SqliteBackend};

const T0: Ts = 1_800_000_000_000_000;

fn manual(dir: &std::path::Path) -> (Instance, Session, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(T0));
    let opts = Options {
        clock: clock.clone(),
        background: false,
        closed_linger: Duration::from_secs(0),
        ..Default::default()
    };
    let backend = Arc::new(SqliteBackend::open(dir).expect("open"));
    let inst = Instance::open_with(backend, opts).expect("open");
    let mut s = inst.session();
    if s.use_database("app").is_err() {
        s.create_database("app").expect("db");
        s.use_database("app").expect("use");
        s.create_queue("dbo", "qi", &QueueOptions::default())
            .expect("q");
        s.create_queue("dbo", "qt", &QueueOptions::default())
            .expect("q");
        s.create_service("si", "qi", &[]).expect("s");
        s.create_service("st", "qt", &["DEFAULT".into()])
            .expect("s");
    }
    (inst, s, clock)
}

fn types(rows: &[QueueRow]) -> Vec<String> {
    rows.iter().map(|r| r.message_type_name.clone()).collect()
}

#[test]
fn dialog_timer_fires_once_resets_and_survives_restart() {
    let dir = tempfile::tempdir().expect("tmp");
    let h = {
        let (inst, mut s, clock) = manual(dir.path());
        let h = s
            .begin_dialog(&BeginDialog::new("si", "st", None))
            .expect("dialog");
        s.begin_conversation_timer(h, 60).expect("timer");
        s.begin_conversation_timer(h, 2).expect("reset");
        clock.advance(Duration::from_secs(1));
        inst.run_background_once();
        assert!(
            s.receive(&Receive::from("qi")).expect("recv").is_empty(),
            "not yet due"
        );
        clock.advance(Duration::from_secs(2));
        inst.run_background_once();
        let rows = s.receive(&Receive::from("qi")).expect("recv");
        assert_eq!(types(&rows), vec![DIALOG_TIMER_NAME.to_string()]);
        assert_eq!(rows[0].message_body, None);
        clock.advance(Duration::from_secs(120));
        inst.run_background_once();
        assert!(
            s.receive(&Receive::from("qi")).expect("recv").is_empty(),
            "the old 60 s timer was replaced"
        );
        // A new timer, then a restart before it fires.
        s.begin_conversation_timer(h, 30).expect("timer");
        h
    };
    // The new process's clock starts at T0 again: the timer was set at T0 + 123 s for 30 s.
    let (inst, mut s, clock) = manual(dir.path());
    clock.advance(Duration::from_secs(150));
    inst.run_background_once();
    assert!(
        s.receive(&Receive::from("qi")).expect("recv").is_empty(),
        "not yet due after restart"
    );
    clock.advance(Duration::from_secs(4));
    inst.run_background_once();
    let rows = s.receive(&Receive::from("qi")).expect("recv");
    assert_eq!(types(&rows), vec![DIALOG_TIMER_NAME.to_string()]);
    assert_eq!(rows[0].conversation_handle, h);
}

#[test]
fn rolled_back_timer_never_fires_and_timer_errors() {
    let dir = tempfile::tempdir().expect("tmp");
    let (inst, mut s, clock) = manual(dir.path());
    let mut d = BeginDialog::new("si", "st", None);
    d.lifetime_s = Some(10);
    let h = s.begin_dialog(&d).expect("dialog");
    s.begin_transaction().expect("begin");
    s.begin_conversation_timer(h, 1).expect("timer");
    s.rollback().expect("rollback");
    clock.advance(Duration::from_secs(5));
    inst.run_background_once();
    assert!(s.receive(&Receive::from("qi")).expect("recv").is_empty());
    assert_eq!(s.begin_conversation_timer(h, 100).unwrap_err().number, 8410);
    assert_eq!(
        s.begin_conversation_timer(Uuid::new_v4(), 1)
            .unwrap_err()
            .number,
        8426
    );
}

#[test]
fn lifetime_expiry_errors_both_sides() {
    let dir = tempfile::tempdir().expect("tmp");
    let (inst, mut s, clock) = manual(dir.path());
    let mut d = BeginDialog::new("si", "st", None);
    d.lifetime_s = Some(3);
    let h = s.begin_dialog(&d).expect("dialog");
    s.send(&[h], None, Some(vec![1])).expect("send");
    clock.advance(Duration::from_secs(4));
    inst.run_background_once();
    let init = s.receive(&Receive::from("qi")).expect("recv");
    assert_eq!(types(&init), vec![ERROR_NAME.to_string()]);
    let text = xml::decode_body_text(init[0].message_body.as_deref().expect("body")).expect("text");
    assert!(text.contains("<Code>-8489</Code>"), "{text}");
    // The target gets its own Error, before the application message.
    let tgt = s.receive(&Receive::from("qt")).expect("recv");
    assert_eq!(
        types(&tgt),
        vec![ERROR_NAME.to_string(), "DEFAULT".to_string()]
    );
    assert_eq!(s.send(&[h], None, Some(vec![2])).unwrap_err().number, 8429);
    assert_eq!(
        endpoint_states(&s),
        vec![(false, "ER".into()), (true, "ER".into())]
    );
    assert_eq!(
        BeginDialog {
            lifetime_s: Some(0),
            ..BeginDialog::new("si", "st", None)
        }
        .lifetime_s,
        Some(0)
    );
    let zero = s.begin_dialog(&BeginDialog {
        lifetime_s: Some(0),
        ..BeginDialog::new("si", "st", None)
    });
    assert_eq!(zero.unwrap_err().number, 8411);
}

#[test]
fn get_group_move_and_related_groups() {
    let dir = tempfile::tempdir().expect("tmp");
    let (_inst, mut s, _clock) = manual(dir.path());
    let h1 = s
        .begin_dialog(&BeginDialog::new("si", "st", None))
        .expect("d1");
    let mut d2 = BeginDialog::new("si", "st", None);
    d2.related = Some(Related::Conversation(h1));
    let h2 = s.begin_dialog(&d2).expect("d2");
    let g = Uuid::new_v4();
    let mut d3 = BeginDialog::new("si", "st", None);
    d3.related = Some(Related::Group(g));
    let h3 = s.begin_dialog(&d3).expect("d3");
    let (g1, g2, g3) = s.with_state(|st| {
        let d = st.db(s.database_id()).expect("db");
        (
            d.endpoints[&h1].group_id,
            d.endpoints[&h2].group_id,
            d.endpoints[&h3].group_id,
        )
    });
    assert_eq!(g1, g2, "RELATED_CONVERSATION joins the group");
    assert_eq!(
        g3, g,
        "an unused RELATED_CONVERSATION_GROUP id becomes the new group's id"
    );
    s.send(&[h1], None, Some(vec![1])).expect("send");
    let q = QueueName::new("qt");
    let got = s.get_conversation_group(&q, Wait::No).expect("get");
    assert!(got.is_some());
    assert_eq!(
        s.receive(&Receive::from("qt")).expect("still there").len(),
        1
    );
    assert_eq!(s.get_conversation_group(&q, Wait::No).expect("get"), None);
    let started = std::time::Instant::now();
    assert_eq!(
        s.get_conversation_group(&q, Wait::For(Duration::from_millis(200)))
            .expect("get"),
        None
    );
    assert!(started.elapsed() >= Duration::from_millis(200));
    // MOVE h3 into h1's group; the emptied group disappears.
    s.move_conversation(h3, g1).expect("move");
    let exists = s.with_state(|st| st.db(s.database_id()).expect("db").groups.contains_key(&g));
    assert!(!exists);
    assert_eq!(
        s.move_conversation(Uuid::new_v4(), g1).unwrap_err().number,
        8426
    );
    assert_eq!(
        s.move_conversation(h3, Uuid::new_v4()).unwrap_err().number,
        8439
    );
    // A group of another service cannot be joined.
    let other = s.with_state(|st| {
        let d = st.db(s.database_id()).expect("db");
        d.groups
            .values()
            .find(|gr| gr.service_id != d.service_by_name("si").map(|x| x.id).unwrap_or(0))
            .map(|gr| gr.id)
    });
    if let Some(tg) = other {
        let mut d4 = BeginDialog::new("si", "st", None);
        d4.related = Some(Related::Group(tg));
        assert_eq!(s.begin_dialog(&d4).unwrap_err().number, 9610);
    }
}

#[test]
fn a_filtered_receive_waits_for_the_group_lock() {
    let dir = tempfile::tempdir().expect("tmp");
    let (inst, mut a, _clock) = manual(dir.path());
    let h = a
        .begin_dialog(&BeginDialog::new("si", "st", None))
        .expect("dialog");
    a.send(&[h], None, Some(vec![1])).expect("send");
    a.send(&[h], None, Some(vec![2])).expect("send");
    a.begin_transaction().expect("begin");
    let mut top1 = Receive::from("qt");
    top1.top = Some(1);
    let first = a.receive(&top1).expect("recv");
    let g = first[0].conversation_group_id;
    let (tx, rx) = std::sync::mpsc::channel();
    let inst2 = inst.clone();
    let t = std::thread::spawn(move || {
        let mut b = inst2.session();
        b.use_database("app").expect("use");
        let mut r = Receive::from("qt");
        r.filter = ReceiveFilter::Group(g);
        let rows = b.receive(&r).expect("recv");
        tx.send(rows.len()).expect("send");
    });
    assert!(
        rx.recv_timeout(Duration::from_millis(300)).is_err(),
        "B must block while A holds the group"
    );
    a.commit().expect("commit");
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(5))
            .expect("B proceeds after commit"),
        1
    );
    t.join().expect("join");
}

#[test]
fn retention_keeps_rows_until_end() {
    let dir = tempfile::tempdir().expect("tmp");
    let (_inst, mut s, _clock) = manual(dir.path());
    let ret = QueueOptions {
        retention: Some(true),
        ..Default::default()
    };
    s.alter_queue(&QueueName::new("qi"), &ret).expect("alter");
    s.alter_queue(&QueueName::new("qt"), &ret).expect("alter");
    let h = s
        .begin_dialog(&BeginDialog::new("si", "st", None))
        .expect("dialog");
    s.send(&[h], None, Some(vec![7])).expect("send");
    let statuses = |s: &Session, q: &str| {
        s.with_state(|st| {
            let (db, qid) = resolve_queue(st, s.database_id(), &QueueName::new(q)).expect("q");
            queue_rows(st, db, qid)
                .iter()
                .map(|r| r.status)
                .collect::<Vec<_>>()
        })
    };
    assert_eq!(statuses(&s, "qi"), vec![3], "sent copy kept with status 3");
    assert!(
        s.receive(&Receive::from("qi")).expect("recv").is_empty(),
        "status 3 is never received"
    );
    let got = s.receive(&Receive::from("qt")).expect("recv");
    assert_eq!(got.len(), 1);
    assert_eq!(
        statuses(&s, "qt"),
        vec![0],
        "received row kept with status 0"
    );
    assert!(s.receive(&Receive::from("qt")).expect("recv").is_empty());
    s.end_conversation(got[0].conversation_handle, &EndMode::Normal)
        .expect("end");
    assert!(statuses(&s, "qt").is_empty(), "END purges retained rows");
    // Disabled queue with retention: SEND fails with 9618.
    let off = QueueOptions {
        status: Some(false),
        ..Default::default()
    };
    s.alter_queue(&QueueName::new("qi"), &off).expect("alter");
    let h2 = s
        .begin_dialog(&BeginDialog::new("si", "st", None))
        .expect("dialog");
    assert_eq!(s.send(&[h2], None, Some(vec![1])).unwrap_err().number, 9618);
}

#[test]
fn broker_options_disable_new_and_error() {
    let dir = tempfile::tempdir().expect("tmp");
    let (inst, mut s, _clock) = manual(dir.path());
    let db = s.database_id();
    s.set_broker_option(db, BrokerOption::Disable)
        .expect("disable");
    let h = s
        .begin_dialog(&BeginDialog::new("si", "st", None))
        .expect("dialog");
    s.send(&[h], None, Some(vec![1])).expect("send");
    s.send(&[h], None, Some(vec![2])).expect("send");
    assert!(s.receive(&Receive::from("qt")).expect("recv").is_empty());
    assert!(s.transmission_status(h).contains("disabled"));
    s.set_broker_option(db, BrokerOption::Enable)
        .expect("enable");
    inst.run_background_once();
    let got = s.receive(&Receive::from("qt")).expect("recv");
    assert_eq!(
        got.iter()
            .map(|r| r.message_body.clone())
            .collect::<Vec<_>>(),
        vec![Some(vec![1]), Some(vec![2])]
    );
    // ERROR_BROKER_CONVERSATIONS: every open endpoint gets Error -9719.
    s.set_broker_option(db, BrokerOption::ErrorConversations)
        .expect("error");
    let errs = s.receive(&Receive::from("qi")).expect("recv");
    let text = xml::decode_body_text(errs[0].message_body.as_deref().expect("body")).expect("text");
    assert!(text.contains("-9719"));
    // NEW_BROKER: new GUID, all endpoints gone, no messages.
    let before = s.with_state(|st| st.db(db).expect("db").rec.broker_guid);
    s.set_broker_option(db, BrokerOption::New).expect("new");
    let (after, eps, msgs) = s.with_state(|st| {
        let d = st.db(db).expect("db");
        (
            d.rec.broker_guid,
            d.endpoints.len(),
            d.qdata.values().map(|q| q.msgs.len()).sum::<usize>(),
        )
    });
    assert_ne!(before, after);
    assert_eq!((eps, msgs), (0, 0));
}

#[test]
fn short_dialogs_leave_no_endpoints_behind() {
    let backend = Arc::new(MemoryBackend::new());
    let clock = Arc::new(ManualClock::new(T0));
    let opts = Options {
        clock: clock.clone(),
        background: false,
        closed_linger: Duration::from_secs(1),
        ..Default::default()
    };
    let inst = Instance::open_with(backend, opts).expect("open");
    let mut s = inst.session();
    s.create_database("app").expect("db");
    s.use_database("app").expect("use");
    s.create_queue("dbo", "qi", &QueueOptions::default())
        .expect("q");
    s.create_queue("dbo", "qt", &QueueOptions::default())
        .expect("q");
    s.create_service("si", "qi", &[]).expect("s");
    s.create_service("st", "qt", &["DEFAULT".into()])
        .expect("s");
    for _ in 0..2_000 {
        s.begin_transaction().expect("begin");
        let h = s
            .begin_dialog(&BeginDialog::new("si", "st", None))
            .expect("dialog");
        s.send(&[h], None, Some(vec![1])).expect("send");
        s.commit().expect("commit");
        s.begin_transaction().expect("begin");
        let r = s.receive(&Receive::from("qt")).expect("recv");
        s.end_conversation(r[0].conversation_handle, &EndMode::Normal)
            .expect("end target");
        s.commit().expect("commit");
        s.end_conversation(h, &EndMode::Normal)
            .expect("end initiator");
    }
    let counts = |s: &Session| {
        s.with_state(|st| {
            let d = st.db(s.database_id()).expect("db");
            (
                d.endpoints.len(),
                d.groups.len(),
                d.qdata.values().map(|q| q.msgs.len()).sum::<usize>(),
            )
        })
    };
    let (eps, _, msgs) = counts(&s);
    assert_eq!(msgs, 0);
    assert_eq!(eps, 2_000, "closed target endpoints linger in CD");
    clock.advance(Duration::from_secs(2));
    inst.run_background_once();
    assert_eq!(
        counts(&s),
        (0, 0, 0),
        "after the linger period nothing is left"
    );
}

#[test]
fn dead_letter_queue_takes_the_poison_message_instead_of_disabling() {
    let dir = tempfile::tempdir().expect("tmp");
    let (_inst, mut s, _clock) = manual(dir.path());
    s.create_queue("dbo", "dlq", &QueueOptions::default())
        .expect("dlq");
    let opts = QueueOptions {
        dead_letter_queue: Some(Some(QueueName::new("dlq"))),
        ..Default::default()
    };
    s.alter_queue(&QueueName::new("qt"), &opts).expect("alter");
    let h = s
        .begin_dialog(&BeginDialog::new("si", "st", None))
        .expect("dialog");
    s.send(&[h], None, Some(b"poison".to_vec())).expect("send");
    s.send(&[h], None, Some(b"good".to_vec())).expect("send");
    let mut top1 = Receive::from("qt");
    top1.top = Some(1);
    for _ in 0..5 {
        s.begin_transaction().expect("begin");
        assert_eq!(
            s.receive(&top1).expect("recv")[0].message_body,
            Some(b"poison".to_vec())
        );
        s.rollback().expect("rollback");
    }
    // The queue stays enabled; the poison message moved; the next one is receivable.
    let next = s.receive(&top1).expect("queue still enabled");
    assert_eq!(next[0].message_body, Some(b"good".to_vec()));
    let dead = s.receive(&Receive::from("dlq")).expect("dlq");
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].message_body, Some(b"poison".to_vec()));
    assert_eq!(dead[0].conversation_handle, next[0].conversation_handle);
    assert_eq!(
        s.drop_queue(&QueueName::new("dlq")).unwrap_err().number,
        3729
    );
}

/// F-RCV-18: four sessions receive in transactions from 50 dialogs × 20 messages: every
/// message exactly once, per-dialog order kept, never two sessions inside one group.
#[test]
fn concurrent_readers_get_every_message_once_in_order() {
    let backend = Arc::new(MemoryBackend::new());
    let opts = Options {
        background: false,
        ..Default::default()
    };
    let inst = Instance::open_with(backend, opts).expect("open");
    let mut s = inst.session();
    s.create_database("app").expect("db");
    s.use_database("app").expect("use");
    s.create_queue("dbo", "qi", &QueueOptions::default())
        .expect("q");
    s.create_queue("dbo", "qt", &QueueOptions::default())
        .expect("q");
    s.create_service("si", "qi", &[]).expect("s");
    s.create_service("st", "qt", &["DEFAULT".into()])
        .expect("s");
    let handles: Vec<Uuid> = (0..50)
        .map(|_| {
            s.begin_dialog(&BeginDialog::new("si", "st", None))
                .expect("d")
        })
        .collect();
    for i in 0..20u32 {
        s.begin_transaction().expect("begin");
        for (d, h) in handles.iter().enumerate() {
            s.send(&[*h], None, Some(format!("{d}:{i}").into_bytes()))
                .expect("send");
        }
        s.commit().expect("commit");
    }
    let in_group: Arc<parking_lot::Mutex<std::collections::HashSet<Uuid>>> = Arc::default();
    type Received = Vec<(Uuid, i64, Vec<u8>)>;
    let got: Arc<parking_lot::Mutex<Received>> = Arc::default();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let inst = inst.clone();
            let in_group = in_group.clone();
            let got = got.clone();
            std::thread::spawn(move || {
                let mut r = inst.session();
                r.use_database("app").expect("use");
                let mut top = Receive::from("qt");
                top.top = Some(7);
                loop {
                    r.begin_transaction().expect("begin");
                    let rows = r.receive(&top).expect("recv");
                    if rows.is_empty() {
                        r.commit().expect("commit");
                        break;
                    }
                    let g = rows[0].conversation_group_id;
                    assert!(
                        rows.iter().all(|x| x.conversation_group_id == g),
                        "one group per RECEIVE"
                    );
                    assert!(
                        in_group.lock().insert(g),
                        "two sessions inside one group at once"
                    );
                    std::thread::yield_now();
                    got.lock().extend(rows.iter().map(|x| {
                        (
                            x.conversation_handle,
                            x.message_sequence_number,
                            x.message_body.clone().unwrap_or_default(),
                        )
                    }));
                    in_group.lock().remove(&g);
                    r.commit().expect("commit");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("reader");
    }
    let got = got.lock();
    assert_eq!(got.len(), 1000, "every message exactly once");
    let mut per: std::collections::HashMap<Uuid, Vec<i64>> = std::collections::HashMap::new();
    for (h, seq, _) in got.iter() {
        per.entry(*h).or_default().push(*seq);
    }
    assert_eq!(per.len(), 50);
    for seqs in per.values() {
        assert_eq!(seqs, &(0..20).collect::<Vec<i64>>(), "per-dialog order");
    }
}

/// F-WAIT-06: a session waiting in WAITFOR (RECEIVE) gets an error when the queue is disabled.
#[test]
fn waiting_receive_fails_when_the_queue_is_disabled() {
    let dir = tempfile::tempdir().expect("tmp");
    let (inst, mut s, _clock) = manual(dir.path());
    let t = std::thread::spawn(move || {
        let mut b = inst.session();
        b.use_database("app").expect("use");
        let mut r = Receive::from("qt");
        r.wait = Wait::For(Duration::from_secs(20));
        let started = std::time::Instant::now();
        (b.receive(&r).map(|v| v.len()), started.elapsed())
    });
    std::thread::sleep(Duration::from_millis(200));
    let off = QueueOptions {
        status: Some(false),
        ..Default::default()
    };
    s.alter_queue(&QueueName::new("qt"), &off).expect("disable");
    let (r, waited) = t.join().expect("join");
    assert_eq!(r.unwrap_err().number, 9617);
    assert!(waited < Duration::from_secs(5), "the error comes promptly");
}

/// sp_getapplock semantics: exclusive locks block other owners until the transaction ends,
/// shared locks share, timeouts return -1, session locks survive commits.
#[test]
fn application_locks() {
    let dir = tempfile::tempdir().expect("tmp");
    let (inst, mut a, _clock) = manual(dir.path());
    let mut b = inst.session();
    b.use_database("app").expect("use");
    a.begin_transaction().expect("begin");
    assert_eq!(
        a.get_applock("res", AppLockMode::Exclusive, AppLockOwner::Transaction, -1)
            .expect("get"),
        0
    );
    b.begin_transaction().expect("begin");
    assert_eq!(
        b.get_applock("RES", AppLockMode::Shared, AppLockOwner::Transaction, 100)
            .expect("get"),
        -1,
        "blocked, then timed out"
    );
    let inst2 = inst.clone();
    let t = std::thread::spawn(move || {
        let mut c = inst2.session();
        c.use_database("app").expect("use");
        c.begin_transaction().expect("begin");
        let r = c
            .get_applock(
                "res",
                AppLockMode::Exclusive,
                AppLockOwner::Transaction,
                5000,
            )
            .expect("get");
        c.commit().expect("commit");
        r
    });
    std::thread::sleep(Duration::from_millis(100));
    a.commit().expect("commit releases the lock");
    assert_eq!(t.join().expect("join"), 1, "granted after waiting");
    assert_eq!(
        b.get_applock("res", AppLockMode::Shared, AppLockOwner::Transaction, 0)
            .expect("get"),
        0
    );
    b.rollback().expect("rollback");
    assert_eq!(
        a.get_applock("s", AppLockMode::Exclusive, AppLockOwner::Session, 0)
            .expect("get"),
        0
    );
    assert_eq!(
        b.get_applock("s", AppLockMode::Exclusive, AppLockOwner::Session, 0)
            .expect("get"),
        -1
    );
    assert_eq!(
        a.release_applock("s", AppLockOwner::Session)
            .expect("release"),
        0
    );
    assert_eq!(
        b.get_applock("s", AppLockMode::Exclusive, AppLockOwner::Session, 0)
            .expect("get"),
        0
    );
    assert_eq!(
        a.release_applock("nope", AppLockOwner::Session)
            .expect("release"),
        -999
    );
    assert_eq!(
        a.get_applock("t", AppLockMode::Exclusive, AppLockOwner::Transaction, 0)
            .unwrap_err()
            .number,
        1223
    );
}

/// A backlog larger than the body budget: bodies of durable messages leave memory and are
/// read back on RECEIVE, after a restart too; retention, moving a service and rollback keep
/// them intact.
#[test]
fn backlog_bodies_leave_memory_and_come_back() {
    let dir = tempfile::tempdir().expect("tmp");
    let open = || {
        let opts = Options {
            background: false,
            body_cache_bytes: 4096,
            ..Default::default()
        };
        Instance::open_with(
            Arc::new(SqliteBackend::open(dir.path()).expect("open")),
            opts,
        )
        .expect("open")
    };
    let body = |i: usize| -> Vec<u8> { (0..1000).map(|j| ((i * 7 + j) % 251) as u8).collect() };
    {
        let inst = open();
        let mut s = inst.session();
        s.create_database("app").expect("db");
        s.use_database("app").expect("use");
        s.create_queue("dbo", "qi", &QueueOptions::default())
            .expect("q");
        s.create_queue("dbo", "qt", &QueueOptions::default())
            .expect("q");
        s.create_queue("dbo", "qt2", &QueueOptions::default())
            .expect("q");
        s.create_service("si", "qi", &[]).expect("s");
        s.create_service("st", "qt", &["DEFAULT".into()])
            .expect("s");
        let h = s
            .begin_dialog(&BeginDialog::new("si", "st", None))
            .expect("dialog");
        for i in 0..300 {
            s.send(&[h], None, Some(body(i))).expect("send");
        }
        let inline = inst.with_state(|st| st.inline_body_bytes());
        assert!(
            inline <= 4096 + 1000,
            "bodies beyond the budget left memory: {inline} bytes inline"
        );
        // Rolled-back receive: bodies come back intact.
        s.begin_transaction().expect("begin");
        let mut top = Receive::from("qt");
        top.top = Some(10);
        let got = s.receive(&top).expect("recv");
        assert_eq!(got[3].message_body, Some(body(3)));
        s.rollback().expect("rollback");
        // Moving the service moves the evicted bodies too.
        s.alter_service("st", Some(&QueueName::new("qt2")), &[], &[])
            .expect("move");
    }
    let inst = open();
    let mut s = inst.session();
    s.use_database("app").expect("use");
    assert!(
        inst.with_state(|st| st.inline_body_bytes()) <= 4096 + 1000,
        "recovery does not load bodies"
    );
    let ret = QueueOptions {
        retention: Some(true),
        ..Default::default()
    };
    s.alter_queue(&QueueName::new("qt2"), &ret)
        .expect("retention");
    let mut n = 0;
    loop {
        let mut top = Receive::from("qt2");
        top.top = Some(50);
        let rows = s.receive(&top).expect("recv");
        if rows.is_empty() {
            break;
        }
        for r in rows {
            assert_eq!(
                r.message_body,
                Some(body(r.message_sequence_number as usize)),
                "body of #{}",
                r.message_sequence_number
            );
            n += 1;
        }
    }
    assert_eq!(n, 300);
    let retained = s.with_state(|st| {
        let (db, q) = resolve_queue(st, s.database_id(), &QueueName::new("qt2")).expect("q");
        queue_rows(st, db, q)
    });
    assert_eq!(retained.len(), 300);
    assert!(
        retained
            .iter()
            .all(|r| r.status == 0
                && r.message_body == Some(body(r.message_sequence_number as usize)))
    );
}
