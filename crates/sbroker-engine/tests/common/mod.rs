//! Shared fixture: an instance in a temp dir with the tutorial's objects.
#![allow(dead_code)]

use sbroker_engine::*;

pub const REQ: &str = "//AWDB/1DBSample/RequestMessage";
pub const REPLY: &str = "//AWDB/1DBSample/ReplyMessage";
pub const CONTRACT: &str = "//AWDB/1DBSample/SampleContract";
pub const TARGET: &str = "//AWDB/1DBSample/TargetService";
pub const INIT: &str = "//AWDB/1DBSample/InitiatorService";

pub fn setup(dir: &std::path::Path) -> (Instance, Session) {
    let inst = Instance::open(dir).expect("open");
    let mut s = inst.session();
    s.create_database("app").expect("create db");
    s.use_database("app").expect("use");
    s.create_message_type(REQ, Validation::WellFormedXml)
        .expect("mt");
    s.create_message_type(REPLY, Validation::WellFormedXml)
        .expect("mt");
    s.create_contract(
        CONTRACT,
        &[
            (REQ.into(), SentBy::Initiator),
            (REPLY.into(), SentBy::Target),
        ],
    )
    .expect("contract");
    s.create_queue("dbo", "TargetQueue1DB", &QueueOptions::default())
        .expect("q");
    s.create_queue("dbo", "InitiatorQueue1DB", &QueueOptions::default())
        .expect("q");
    s.create_service(TARGET, "TargetQueue1DB", &[CONTRACT.into()])
        .expect("svc");
    s.create_service(INIT, "InitiatorQueue1DB", &[])
        .expect("svc");
    (inst, s)
}

pub fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
}

pub fn endpoint_states(s: &Session) -> Vec<(bool, String)> {
    let db = s.database_id();
    s.with_state(|st| {
        let mut v: Vec<(bool, String)> = st
            .db(db)
            .map(|d| {
                d.endpoints
                    .values()
                    .map(|e| (e.is_initiator, e.state.code().to_string()))
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    })
}
