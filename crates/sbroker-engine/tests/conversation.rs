//! Conversations end to end through the typed API: the single-database tutorial, state
//! machine, contract and validation errors, transactions and durability across reopen.

mod common;
use common::*;
use sbroker_engine::*;

#[test]
fn tutorial_request_reply_end() {
    let dir = tempfile::tempdir().expect("tmp");
    let (_inst, mut s) = setup(dir.path());
    s.begin_transaction().expect("begin");
    let h = s
        .begin_dialog(&BeginDialog::new(INIT, TARGET, Some(CONTRACT)))
        .expect("dialog");
    s.send(
        &[h],
        Some(REQ),
        Some(utf16(
            "<RequestMsg>Message for Target service.</RequestMsg>",
        )),
    )
    .expect("send");
    s.commit().expect("commit");
    assert_eq!(
        endpoint_states(&s),
        vec![(false, "CO".into()), (true, "CO".into())]
    );

    s.begin_transaction().expect("begin");
    let mut r = Receive::from("TargetQueue1DB");
    r.top = Some(1);
    r.wait = Wait::For(std::time::Duration::from_secs(1));
    let rows = s.receive(&r).expect("receive");
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row.message_type_name, REQ);
    assert_eq!(row.message_sequence_number, 0);
    assert_eq!(row.validation, "X");
    assert_eq!(row.service_name, TARGET);
    assert_ne!(
        row.conversation_handle, h,
        "two sides have different handles"
    );
    let th = row.conversation_handle;
    s.send(
        &[th],
        Some(REPLY),
        Some(utf16("<ReplyMsg>Message for Initiator service.</ReplyMsg>")),
    )
    .expect("reply");
    s.end_conversation(th, &EndMode::Normal)
        .expect("end target");
    s.commit().expect("commit");
    assert_eq!(
        endpoint_states(&s),
        vec![(false, "CD".into()), (true, "DI".into())]
    );

    let rows = s.with_state(|st| {
        let (db, q) =
            resolve_queue(st, s.database_id(), &QueueName::new("InitiatorQueue1DB")).expect("q");
        queue_rows(st, db, q)
    });
    let types: Vec<&str> = rows.iter().map(|r| r.message_type_name.as_str()).collect();
    assert_eq!(types, vec![REPLY, END_DIALOG_NAME]);
    assert_eq!(rows[1].message_sequence_number, 1);
    assert_eq!(rows[1].message_body, None);

    s.begin_transaction().expect("begin");
    let mut r = Receive::from("InitiatorQueue1DB");
    r.top = Some(1);
    let rows = s.receive(&r).expect("receive");
    assert_eq!(rows[0].message_type_name, REPLY);
    assert_eq!(rows[0].conversation_handle, h);
    s.end_conversation(h, &EndMode::Normal)
        .expect("end initiator");
    s.commit().expect("commit");
    // Initiator deleted at CD; target lingers in CD.
    assert_eq!(endpoint_states(&s), vec![(false, "CD".into())]);
    let left = s
        .receive(&Receive::from("InitiatorQueue1DB"))
        .expect("receive");
    assert!(
        left.is_empty(),
        "END CONVERSATION deleted the unreceived EndDialog"
    );
}

#[test]
fn send_is_invisible_until_commit_and_rollback_discards() {
    let dir = tempfile::tempdir().expect("tmp");
    let (inst, mut a) = setup(dir.path());
    let mut b = inst.session();
    b.use_database("app").expect("use");
    a.begin_transaction().expect("begin");
    let h = a
        .begin_dialog(&BeginDialog::new(INIT, TARGET, Some(CONTRACT)))
        .expect("dialog");
    a.send(&[h], Some(REQ), Some(b"<a/>".to_vec()))
        .expect("send");
    assert!(
        b.receive(&Receive::from("TargetQueue1DB"))
            .expect("recv")
            .is_empty()
    );
    a.rollback().expect("rollback");
    assert!(
        b.receive(&Receive::from("TargetQueue1DB"))
            .expect("recv")
            .is_empty()
    );
    assert!(
        endpoint_states(&a).is_empty(),
        "rolled-back BEGIN DIALOG leaves no endpoint"
    );
    let groups = a.with_state(|st| st.db(a.database_id()).map(|d| d.groups.len()).unwrap_or(0));
    assert_eq!(groups, 0, "rolled-back BEGIN DIALOG leaves no group");
}

#[test]
fn rolled_back_receive_restores_order() {
    let dir = tempfile::tempdir().expect("tmp");
    let (_inst, mut s) = setup(dir.path());
    let h = s
        .begin_dialog(&BeginDialog::new(INIT, TARGET, Some(CONTRACT)))
        .expect("dialog");
    for i in 0..5 {
        s.send(&[h], Some(REQ), Some(format!("<m>{i}</m>").into_bytes()))
            .expect("send");
    }
    s.begin_transaction().expect("begin");
    let got = s.receive(&Receive::from("TargetQueue1DB")).expect("recv");
    assert_eq!(got.len(), 5);
    s.rollback().expect("rollback");
    let again = s.receive(&Receive::from("TargetQueue1DB")).expect("recv");
    let seqs: Vec<i64> = again.iter().map(|r| r.message_sequence_number).collect();
    assert_eq!(seqs, vec![0, 1, 2, 3, 4]);
    assert!(again.iter().all(|r| r.status == 1));
    assert_eq!(
        again.iter().map(|r| r.queuing_order).collect::<Vec<_>>(),
        got.iter().map(|r| r.queuing_order).collect::<Vec<_>>()
    );
    assert!(
        s.receive(&Receive::from("TargetQueue1DB"))
            .expect("recv")
            .is_empty()
    );
}

#[test]
fn contract_direction_and_state_errors() {
    let dir = tempfile::tempdir().expect("tmp");
    let (_inst, mut s) = setup(dir.path());
    let h = s
        .begin_dialog(&BeginDialog::new(INIT, TARGET, Some(CONTRACT)))
        .expect("dialog");
    assert_eq!(s.send(&[h], Some(REPLY), None).unwrap_err().number, 8432);
    assert_eq!(
        s.send(&[h], Some("DEFAULT"), None).unwrap_err().number,
        8431
    );
    assert_eq!(s.send(&[h], Some("nope"), None).unwrap_err().number, 8428);
    assert_eq!(
        s.send(&[Uuid::new_v4()], Some(REQ), None)
            .unwrap_err()
            .number,
        8426
    );
    assert_eq!(s.send(&[h, h], Some(REQ), None).unwrap_err().number, 8429);
    s.send(&[h], Some(REQ), Some(b"<a/>".to_vec()))
        .expect("send");
    let rows = s.receive(&Receive::from("TargetQueue1DB")).expect("recv");
    let th = rows[0].conversation_handle;
    assert_eq!(s.send(&[th], Some(REQ), None).unwrap_err().number, 8434);
    s.end_conversation(th, &EndMode::Normal).expect("end");
    // Initiator is DI now: SEND fails with 8429.
    let e = s.send(&[h], Some(REQ), None).unwrap_err();
    assert_eq!(e.number, 8429);
    assert!(e.message.contains("'DI'"));
    assert_eq!(
        s.end_conversation(th, &EndMode::Normal).unwrap_err().number,
        8427
    );
    assert_eq!(
        s.begin_dialog(&BeginDialog::new("nope", TARGET, None))
            .unwrap_err()
            .number,
        8423
    );
    assert_eq!(
        s.begin_dialog(&BeginDialog::new(INIT, TARGET, Some("nope")))
            .unwrap_err()
            .number,
        8425
    );
}

#[test]
fn contract_not_accepted_and_invalid_xml_error_the_dialog() {
    let dir = tempfile::tempdir().expect("tmp");
    let (_inst, mut s) = setup(dir.path());
    // DEFAULT contract to a service that does not list it: Error -8408 at the initiator.
    let h = s
        .begin_dialog(&BeginDialog::new(INIT, TARGET, None))
        .expect("dialog");
    s.send(&[h], None, Some(vec![1, 2])).expect("send succeeds");
    let rows = s
        .receive(&Receive::from("InitiatorQueue1DB"))
        .expect("recv");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].message_type_name, ERROR_NAME);
    let text = xml::decode_body_text(rows[0].message_body.as_deref().expect("body")).expect("text");
    assert!(text.contains("<Code>-8408</Code>"), "{text}");
    assert!(
        s.receive(&Receive::from("TargetQueue1DB"))
            .expect("recv")
            .is_empty()
    );
    // Malformed XML: -9615 to the sender, nothing at the target.
    let h2 = s
        .begin_dialog(&BeginDialog::new(INIT, TARGET, Some(CONTRACT)))
        .expect("dialog");
    s.send(&[h2], Some(REQ), Some(utf16("<a>")))
        .expect("send succeeds");
    let rows = s
        .receive(&Receive::from("InitiatorQueue1DB"))
        .expect("recv");
    let text = xml::decode_body_text(rows[0].message_body.as_deref().expect("body")).expect("text");
    assert!(text.contains("<Code>-9615</Code>"), "{text}");
    assert_eq!(
        s.send(&[h2], Some(REQ), Some(b"<a/>".to_vec()))
            .unwrap_err()
            .number,
        8429
    );
}

#[test]
fn multicast_and_state_survive_reopen() {
    let dir = tempfile::tempdir().expect("tmp");
    let handles = {
        let (_inst, mut s) = setup(dir.path());
        let hs: Vec<Uuid> = (0..3)
            .map(|_| {
                s.begin_dialog(&BeginDialog::new(INIT, TARGET, Some(CONTRACT)))
                    .expect("dialog")
            })
            .collect();
        s.send(&hs, Some(REQ), Some(b"<m/>".to_vec()))
            .expect("multicast");
        s.send(&hs[..1], Some(REQ), Some(b"<n/>".to_vec()))
            .expect("send");
        hs
    };
    let inst = Instance::open(dir.path()).expect("reopen");
    let mut s = inst.session();
    s.use_database("app").expect("use");
    let mut total = 0;
    loop {
        let rows = s.receive(&Receive::from("TargetQueue1DB")).expect("recv");
        if rows.is_empty() {
            break;
        }
        total += rows.len();
    }
    assert_eq!(total, 4);
    let sends: Vec<i64> = s.with_state(|st| {
        handles
            .iter()
            .map(|h| {
                st.db(s.database_id())
                    .and_then(|d| d.endpoints.get(h))
                    .map_or(-1, |e| e.send_seq)
            })
            .collect()
    });
    assert_eq!(sends, vec![2, 1, 1]);
}

#[test]
fn end_with_error_and_cleanup() {
    let dir = tempfile::tempdir().expect("tmp");
    let (_inst, mut s) = setup(dir.path());
    let h = s
        .begin_dialog(&BeginDialog::new(INIT, TARGET, Some(CONTRACT)))
        .expect("dialog");
    s.send(&[h], Some(REQ), Some(b"<a/>".to_vec()))
        .expect("send");
    let th = s.receive(&Receive::from("TargetQueue1DB")).expect("recv")[0].conversation_handle;
    s.end_conversation(
        th,
        &EndMode::Error {
            code: 50,
            description: "x & y".into(),
        },
    )
    .expect("end");
    let rows = s
        .receive(&Receive::from("InitiatorQueue1DB"))
        .expect("recv");
    let text = xml::decode_body_text(rows[0].message_body.as_deref().expect("body")).expect("text");
    assert!(
        text.contains("<Code>50</Code>") && text.contains("x &amp; y"),
        "{text}"
    );
    assert_eq!(
        endpoint_states(&s),
        vec![(false, "CD".into()), (true, "ER".into())]
    );
    assert_eq!(
        s.end_conversation(
            h,
            &EndMode::Error {
                code: 0,
                description: "x".into()
            }
        )
        .unwrap_err()
        .number,
        8419
    );
    s.end_conversation(h, &EndMode::Cleanup).expect("cleanup");
    assert_eq!(endpoint_states(&s), vec![(false, "CD".into())]);
}

#[test]
fn group_locks_make_other_readers_skip() {
    let dir = tempfile::tempdir().expect("tmp");
    let (inst, mut a) = setup(dir.path());
    let h1 = a
        .begin_dialog(&BeginDialog::new(INIT, TARGET, Some(CONTRACT)))
        .expect("d1");
    let h2 = a
        .begin_dialog(&BeginDialog::new(INIT, TARGET, Some(CONTRACT)))
        .expect("d2");
    a.send(&[h1], Some(REQ), Some(b"<a/>".to_vec()))
        .expect("send");
    a.send(&[h1], Some(REQ), Some(b"<b/>".to_vec()))
        .expect("send");
    a.send(&[h2], Some(REQ), Some(b"<c/>".to_vec()))
        .expect("send");
    let mut b = inst.session();
    b.use_database("app").expect("use");
    a.begin_transaction().expect("begin");
    let mut top1 = Receive::from("TargetQueue1DB");
    top1.top = Some(1);
    let first = a.receive(&top1).expect("recv");
    let g1 = first[0].conversation_group_id;
    let other = b.receive(&Receive::from("TargetQueue1DB")).expect("recv");
    assert_eq!(other.len(), 1);
    assert_ne!(
        other[0].conversation_group_id, g1,
        "B skips the group A holds"
    );
    let mine = a.receive(&Receive::from("TargetQueue1DB")).expect("recv");
    assert_eq!(mine.len(), 1, "A still sees its own locked group");
    assert_eq!(mine[0].conversation_group_id, g1);
    a.commit().expect("commit");
}

#[test]
fn waitfor_receive_wakes_on_commit_and_times_out() {
    let dir = tempfile::tempdir().expect("tmp");
    let (inst, mut a) = setup(dir.path());
    let start = std::time::Instant::now();
    let mut r = Receive::from("TargetQueue1DB");
    r.wait = Wait::For(std::time::Duration::from_millis(300));
    assert!(a.receive(&r).expect("recv").is_empty());
    assert!(start.elapsed() >= std::time::Duration::from_millis(300));
    let waiter = std::thread::spawn(move || {
        let mut b = inst.session();
        b.use_database("app").expect("use");
        let mut r = Receive::from("TargetQueue1DB");
        r.wait = Wait::For(std::time::Duration::from_secs(10));
        b.receive(&r).expect("recv").len()
    });
    std::thread::sleep(std::time::Duration::from_millis(200));
    let h = a
        .begin_dialog(&BeginDialog::new(INIT, TARGET, Some(CONTRACT)))
        .expect("dialog");
    a.send(&[h], Some(REQ), Some(b"<a/>".to_vec()))
        .expect("send");
    assert_eq!(waiter.join().expect("join"), 1);
}

#[test]
fn poison_message_disables_queue_after_five_rollbacks() {
    let dir = tempfile::tempdir().expect("tmp");
    let (_inst, mut s) = setup(dir.path());
    let h = s
        .begin_dialog(&BeginDialog::new(INIT, TARGET, Some(CONTRACT)))
        .expect("dialog");
    s.send(&[h], Some(REQ), Some(b"<a/>".to_vec()))
        .expect("send");
    for _ in 0..5 {
        s.begin_transaction().expect("begin");
        assert_eq!(
            s.receive(&Receive::from("TargetQueue1DB"))
                .expect("recv")
                .len(),
            1
        );
        s.rollback().expect("rollback");
    }
    assert_eq!(
        s.receive(&Receive::from("TargetQueue1DB"))
            .unwrap_err()
            .number,
        9617
    );
    let on = QueueOptions {
        status: Some(true),
        ..Default::default()
    };
    s.alter_queue(&QueueName::new("TargetQueue1DB"), &on)
        .expect("alter");
    assert_eq!(
        s.receive(&Receive::from("TargetQueue1DB"))
            .expect("recv")
            .len(),
        1
    );
}

#[test]
fn unknown_target_waits_in_transmission_queue_then_delivers() {
    let dir = tempfile::tempdir().expect("tmp");
    let (inst, mut s) = setup(dir.path());
    let h = s
        .begin_dialog(&BeginDialog::new(INIT, "//later", None))
        .expect("dialog");
    s.send(&[h], None, Some(vec![1])).expect("send");
    let pending = s.with_state(|st| st.db(s.database_id()).map(|d| d.txq.len()).unwrap_or(0));
    assert_eq!(pending, 1);
    assert!(!s.transmission_status(h).is_empty());
    s.create_queue("dbo", "LaterQ", &QueueOptions::default())
        .expect("q");
    s.create_service("//later", "LaterQ", &["DEFAULT".into()])
        .expect("svc");
    inst.run_background_once();
    let rows = s.receive(&Receive::from("LaterQ")).expect("recv");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].message_body, Some(vec![1]));
    assert_eq!(rows[0].message_type_name, "DEFAULT");
}
