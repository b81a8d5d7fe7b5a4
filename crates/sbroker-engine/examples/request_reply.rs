//! A request/reply dialog through the Rust API of the engine, in a temporary directory:
//! the initiator sends a request, the target receives it and replies in one transaction and
//! ends its side, the initiator receives the reply and the EndDialog and ends its side.
//!
//! Run with `cargo run -p sbroker-engine --example request_reply`.

use std::time::Duration;

use sbroker_engine::{
    BeginDialog, END_DIALOG_NAME, EndMode, Instance, QueueOptions, Receive, ReceiveFilter, SentBy,
    ServerError, Validation, Wait,
};

const REQ: &str = "//example/Request";
const REPLY: &str = "//example/Reply";
const CONTRACT: &str = "//example/Contract";

fn text(body: &Option<Vec<u8>>) -> String {
    body.as_deref().map_or_else(
        || "NULL".into(),
        |b| String::from_utf8_lossy(b).into_owned(),
    )
}

fn main() -> Result<(), ServerError> {
    let dir = std::env::temp_dir().join(format!("sbroker-example-{}", std::process::id()));
    let inst = Instance::open(&dir)?;
    println!("opened instance in {}", dir.display());

    let mut s = inst.session();
    s.create_database("example")?;
    s.use_database("example")?;
    s.create_message_type(REQ, Validation::WellFormedXml)?;
    s.create_message_type(REPLY, Validation::WellFormedXml)?;
    s.create_contract(
        CONTRACT,
        &[
            (REQ.into(), SentBy::Initiator),
            (REPLY.into(), SentBy::Target),
        ],
    )?;
    s.create_queue("dbo", "InitiatorQueue", &QueueOptions::default())?;
    s.create_queue("dbo", "TargetQueue", &QueueOptions::default())?;
    s.create_service("//example/Initiator", "InitiatorQueue", &[])?;
    s.create_service("//example/Target", "TargetQueue", &[CONTRACT.into()])?;
    println!("created message types, contract, queues and services");

    // Initiator: BEGIN DIALOG + SEND in one transaction.
    s.begin_transaction()?;
    let h = s.begin_dialog(&BeginDialog::new(
        "//example/Initiator",
        "//example/Target",
        Some(CONTRACT),
    ))?;
    let request = b"<Request>What time is it?</Request>".to_vec();
    s.send(&[h], Some(REQ), Some(request))?;
    s.commit()?;
    println!("initiator {h}: sent {REQ}: <Request>What time is it?</Request>");

    // Target (another session): RECEIVE, reply and END CONVERSATION in one transaction.
    let mut t = inst.session();
    t.use_database("example")?;
    t.begin_transaction()?;
    let mut r = Receive::from("TargetQueue");
    r.top = Some(1);
    r.wait = Wait::For(Duration::from_secs(5));
    let rows = t.receive(&r)?;
    let Some(req) = rows.first() else {
        return Err(ServerError::new(50000, "the request did not arrive"));
    };
    println!(
        "target {}: received {} #{}: {}",
        req.conversation_handle,
        req.message_type_name,
        req.message_sequence_number,
        text(&req.message_body)
    );
    let reply = b"<Reply>Time to reply.</Reply>".to_vec();
    t.send(&[req.conversation_handle], Some(REPLY), Some(reply))?;
    t.end_conversation(req.conversation_handle, &EndMode::Normal)?;
    t.commit()?;
    println!("target: sent {REPLY}: <Reply>Time to reply.</Reply> and ended its side");

    // Initiator: WAITFOR RECEIVE on its conversation until the EndDialog arrives.
    let mut r = Receive::from("InitiatorQueue");
    r.filter = ReceiveFilter::Conversation(h);
    r.wait = Wait::For(Duration::from_secs(5));
    let mut ended = false;
    while !ended {
        s.begin_transaction()?;
        let rows = s.receive(&r)?;
        if rows.is_empty() {
            return Err(ServerError::new(50000, "no reply arrived"));
        }
        for row in &rows {
            println!(
                "initiator: received {} #{}: {}",
                row.message_type_name,
                row.message_sequence_number,
                text(&row.message_body)
            );
            if row.message_type_name == END_DIALOG_NAME {
                s.end_conversation(h, &EndMode::Normal)?;
                println!("initiator: got EndDialog, ended its side; the dialog is closed");
                ended = true;
            }
        }
        s.commit()?;
    }
    drop((s, t, inst));
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
