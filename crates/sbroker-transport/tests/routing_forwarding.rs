//! Routing between instances and message forwarding (spec 06 §3–§5), with instances in
//! this process on 127.0.0.1 ports and certificate transport security: route precedence
//! (F-RT-07), load balancing and pinning (F-RT-10), msdb's routes for arriving messages
//! (F-RT-09), a forwarder that passes messages on and relays the far acknowledgement
//! (F-FWD-01, F-FWD-03), forwarding disabled (F-FWD-02) and a routing loop (F-FWD-04).

mod common;

use std::time::{Duration, Instant};

use common::{Node, node};
use sbroker_exec::Value;

fn trust_both(a: &mut Node, b: &mut Node) {
    let (an, bn) = (a.name.clone(), b.name.clone());
    a.trust(&bn, true);
    b.trust(&an, true);
}

/// A database `db` with the test's message types and contract, and queue `q` with
/// service `service` on it.
fn database(n: &mut Node, db: &str, service: &str) {
    n.sql(&format!(
        "CREATE DATABASE {db};
         GO
         USE {db};
         CREATE MESSAGE TYPE [//net/Req] VALIDATION = WELL_FORMED_XML;
         CREATE MESSAGE TYPE [//net/Reply] VALIDATION = WELL_FORMED_XML;
         CREATE CONTRACT [//net/C] ([//net/Req] SENT BY INITIATOR, [//net/Reply] SENT BY TARGET);
         CREATE QUEUE dbo.Q;
         CREATE SERVICE [{service}] ON QUEUE dbo.Q ([//net/C]);"
    ));
}

fn guid_of(n: &mut Node, db: &str) -> String {
    match n.scalar(&format!(
        "SELECT service_broker_guid FROM sys.databases WHERE name = '{db}'"
    )) {
        Value::Guid(g) => g.to_string(),
        other => panic!("guid: {other:?}"),
    }
}

fn send(n: &mut Node, db: &str, to: &str, broker: Option<&str>, count: usize) {
    let b = broker.map_or(String::new(), |g| format!(", '{g}'"));
    n.sql(&format!(
        "USE {db};
         DECLARE @h uniqueidentifier, @i int = 0;
         BEGIN DIALOG @h FROM SERVICE [//net/Init] TO SERVICE '{to}'{b}
           ON CONTRACT [//net/C] WITH ENCRYPTION = OFF;
         WHILE @i < {count}
         BEGIN
           DECLARE @m nvarchar(100) = N'<m n=\"' + CAST(@i AS nvarchar(10)) + N'\"/>';
           SEND ON CONVERSATION @h MESSAGE TYPE [//net/Req] (@m);
           SET @i += 1;
         END"
    ));
}

fn count(n: &mut Node, db: &str) -> Value {
    n.scalar(&format!("USE {db}; SELECT COUNT(*) FROM dbo.Q"))
}

/// F-RT-07: routes (S, B, a1), (S, –, a2) and (–, –, a3): a dialog naming B goes to a1,
/// one without B to a2, one to another service to a3.
#[test]
fn routes_match_by_precedence() {
    let certs = tempfile::tempdir().unwrap();
    let mut i = node("I", certs.path());
    let mut t1 = node("T1", certs.path());
    let mut t2 = node("T2", certs.path());
    let mut t3 = node("T3", certs.path());
    for n in [&mut i, &mut t1, &mut t2, &mut t3] {
        n.endpoint("REQUIRED");
    }
    for t in [&mut t1, &mut t2, &mut t3] {
        trust_both(&mut i, t);
    }
    database(&mut i, "InitDb", "//net/Init");
    database(&mut t1, "TargetDb", "//net/S");
    database(&mut t2, "TargetDb", "//net/S");
    database(&mut t3, "TargetDb", "//net/Other");
    let b1 = guid_of(&mut t1, "TargetDb");
    let (p1, p2, p3) = (t1.port, t2.port, t3.port);
    i.sql(&format!(
        "USE InitDb;
         CREATE ROUTE R1 WITH SERVICE_NAME = '//net/S', BROKER_INSTANCE = '{b1}',
           ADDRESS = 'TCP://127.0.0.1:{p1}';
         CREATE ROUTE R2 WITH SERVICE_NAME = '//net/S', ADDRESS = 'TCP://127.0.0.1:{p2}';
         CREATE ROUTE R3 WITH ADDRESS = 'TCP://127.0.0.1:{p3}';"
    ));
    // F-RT-08: a service present in this instance stays local although the wildcard TCP
    // route matches too (AutoCreatedLocal is a wildcard route as well).
    i.sql(
        "USE InitDb; CREATE QUEUE dbo.LocalQ;
         CREATE SERVICE [//net/Local] ON QUEUE dbo.LocalQ ([//net/C]);",
    );
    send(&mut i, "InitDb", "//net/S", Some(&b1), 1);
    send(&mut i, "InitDb", "//net/S", None, 2);
    send(&mut i, "InitDb", "//net/Other", None, 3);
    send(&mut i, "InitDb", "//net/Local", None, 4);
    t1.wait_for("USE TargetDb; SELECT COUNT(*) FROM dbo.Q", Value::Int(1));
    t2.wait_for("USE TargetDb; SELECT COUNT(*) FROM dbo.Q", Value::Int(2));
    t3.wait_for("USE TargetDb; SELECT COUNT(*) FROM dbo.Q", Value::Int(3));
    i.wait_for("USE InitDb; SELECT COUNT(*) FROM dbo.LocalQ", Value::Int(4));
    i.wait_for(
        "USE InitDb; SELECT COUNT(*) FROM sys.transmission_queue",
        Value::Int(0),
    );
}

/// F-RT-10: routes (S, B1, a1) and (S, B2, a2); twenty dialogs without a broker instance
/// spread over both, and every message of a dialog reaches the same database; the
/// initiator's endpoints learn the database that answered.
#[test]
fn dialogs_balance_over_routes_and_stay_pinned() {
    let certs = tempfile::tempdir().unwrap();
    let mut i = node("I", certs.path());
    let mut t1 = node("T1", certs.path());
    let mut t2 = node("T2", certs.path());
    for n in [&mut i, &mut t1, &mut t2] {
        n.endpoint("REQUIRED");
    }
    trust_both(&mut i, &mut t1);
    trust_both(&mut i, &mut t2);
    database(&mut i, "InitDb", "//net/Init");
    database(&mut t1, "TargetDb", "//net/S");
    database(&mut t2, "TargetDb", "//net/S");
    let (b1, b2) = (guid_of(&mut t1, "TargetDb"), guid_of(&mut t2, "TargetDb"));
    let (p1, p2) = (t1.port, t2.port);
    i.sql(&format!(
        "USE InitDb;
         CREATE ROUTE R1 WITH SERVICE_NAME = '//net/S', BROKER_INSTANCE = '{b1}',
           ADDRESS = 'TCP://127.0.0.1:{p1}';
         CREATE ROUTE R2 WITH SERVICE_NAME = '//net/S', BROKER_INSTANCE = '{b2}',
           ADDRESS = 'TCP://127.0.0.1:{p2}';"
    ));
    for _ in 0..20 {
        send(&mut i, "InitDb", "//net/S", None, 3);
    }
    let start = Instant::now();
    let (c1, c2) = loop {
        let (Value::Int(c1), Value::Int(c2)) =
            (count(&mut t1, "TargetDb"), count(&mut t2, "TargetDb"))
        else {
            panic!("counts");
        };
        if c1 + c2 == 60 {
            break (c1, c2);
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{c1} + {c2} of 60"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(c1 > 0 && c2 > 0, "not spread: {c1} / {c2}");
    // Whole dialogs in one place: three messages per conversation on each side.
    for t in [&mut t1, &mut t2] {
        assert_eq!(
            t.scalar(
                "USE TargetDb; SELECT CASE WHEN COUNT(*) = 3 * COUNT(DISTINCT conversation_handle)
                 THEN 1 ELSE 0 END FROM dbo.Q"
            ),
            Value::Int(1)
        );
    }
    // Pinned: every initiator endpoint knows its far broker instance.
    i.wait_for(
        "USE InitDb; SELECT COUNT(*) FROM sys.transmission_queue",
        Value::Int(0),
    );
    assert_eq!(
        i.scalar(&format!(
            "USE InitDb; SELECT COUNT(*) FROM sys.conversation_endpoints
             WHERE far_broker_instance IN ('{b1}', '{b2}')"
        )),
        Value::Int(20)
    );
}

/// F-RT-09: arriving messages are classified with msdb's routes. Without msdb's
/// AutoCreatedLocal nothing arrives (the sender is told and keeps the message); a route
/// for the service in msdb lets it in.
#[test]
fn arriving_messages_follow_msdb_routes() {
    let certs = tempfile::tempdir().unwrap();
    let mut i = node("I", certs.path());
    let mut t = node("T", certs.path());
    i.endpoint("REQUIRED");
    t.endpoint("REQUIRED");
    trust_both(&mut i, &mut t);
    database(&mut i, "InitDb", "//net/Init");
    database(&mut t, "TargetDb", "//net/S");
    let pt = t.port;
    i.sql(&format!(
        "USE InitDb; CREATE ROUTE R WITH SERVICE_NAME = '//net/S', ADDRESS = 'TCP://127.0.0.1:{pt}';"
    ));
    t.sql("USE msdb; DROP ROUTE AutoCreatedLocal;");
    send(&mut i, "InitDb", "//net/S", None, 1);
    common::status_like(&mut i, "%no route in its msdb matches service%");
    assert_eq!(count(&mut t, "TargetDb"), Value::Int(0));
    t.sql("USE msdb; CREATE ROUTE AllowS WITH SERVICE_NAME = '//net/S', ADDRESS = 'LOCAL';");
    t.wait_for("USE TargetDb; SELECT COUNT(*) FROM dbo.Q", Value::Int(1));
    // The other way round: a dialog begun in a user database ignores msdb's routes. A route
    // to T only in I's msdb sends nothing; the dialog waits in InitDb.
    i.sql(&format!(
        "USE msdb; CREATE ROUTE OnlyInMsdb WITH SERVICE_NAME = '//net/Z', ADDRESS = 'TCP://127.0.0.1:{pt}';"
    ));
    send(&mut i, "InitDb", "//net/Z", None, 1);
    common::status_like(&mut i, "The target service name could not be found%");
}

/// Three instances I → F → T: F forwards (msdb routes for both services), and
/// returns T's acknowledgements. While T is stopped the message waits in F's forwarding
/// buffer (sys.dm_broker_forwarded_messages) and in I's transmission queue.
fn forwarding_setup(certs: &std::path::Path, forwarding: bool) -> (Node, Node, Node) {
    let mut i = node("I", certs);
    let mut f = node("F", certs);
    let mut t = node("T", certs);
    for n in [&mut i, &mut f, &mut t] {
        n.endpoint("REQUIRED");
    }
    trust_both(&mut i, &mut f);
    trust_both(&mut f, &mut t);
    database(&mut i, "InitDb", "//net/Init");
    database(&mut t, "TargetDb", "//net/Target");
    let (pi, pf, pt) = (i.port, f.port, t.port);
    i.sql(&format!(
        "USE InitDb; CREATE ROUTE ToT WITH SERVICE_NAME = '//net/Target', ADDRESS = 'TCP://127.0.0.1:{pf}';"
    ));
    t.sql(&format!(
        "USE TargetDb; CREATE ROUTE ToI WITH SERVICE_NAME = '//net/Init', ADDRESS = 'TCP://127.0.0.1:{pf}';"
    ));
    let state = if forwarding { "ENABLED" } else { "DISABLED" };
    f.sql(&format!(
        "USE master;
         ALTER ENDPOINT BrokerEndpoint FOR SERVICE_BROKER (MESSAGE_FORWARDING = {state}, MESSAGE_FORWARD_SIZE = 20);
         USE msdb;
         CREATE ROUTE FwdT WITH SERVICE_NAME = '//net/Target', ADDRESS = 'TCP://127.0.0.1:{pt}';
         CREATE ROUTE FwdI WITH SERVICE_NAME = '//net/Init', ADDRESS = 'TCP://127.0.0.1:{pi}';"
    ));
    (i, f, t)
}

/// F-FWD-01, F-FWD-03: messages reach T through F, exactly once and in order; I's rows
/// leave only after T has them; replies and END CONVERSATION come back through F.
#[test]
fn a_forwarder_passes_messages_on() {
    let certs = tempfile::tempdir().unwrap();
    let (mut i, mut f, mut t) = forwarding_setup(certs.path(), true);
    t.sql("USE master; ALTER ENDPOINT BrokerEndpoint STATE = STOPPED;");
    std::thread::sleep(Duration::from_millis(300));
    send(&mut i, "InitDb", "//net/Target", None, 1);
    f.wait_for(
        "SELECT COUNT(*) FROM sys.dm_broker_forwarded_messages
         WHERE to_service_name = '//net/Target' AND hops_remaining = 15 AND is_initiator = 1",
        Value::Int(1),
    );
    assert_eq!(
        i.scalar("USE InitDb; SELECT COUNT(*) FROM sys.transmission_queue"),
        Value::Int(1),
        "the initiator keeps its copy until the target has it"
    );
    t.sql("USE master; ALTER ENDPOINT BrokerEndpoint STATE = STARTED;");
    t.wait_for("USE TargetDb; SELECT COUNT(*) FROM dbo.Q", Value::Int(1));
    i.wait_for(
        "USE InitDb; SELECT COUNT(*) FROM sys.transmission_queue",
        Value::Int(0),
    );
    f.wait_for(
        "SELECT COUNT(*) FROM sys.dm_broker_forwarded_messages",
        Value::Int(0),
    );
    // A stream through the forwarder: exactly once, in order.
    t.sql("USE TargetDb; RECEIVE * FROM dbo.Q;");
    send(&mut i, "InitDb", "//net/Target", None, 500);
    t.wait_for("USE TargetDb; SELECT COUNT(*) FROM dbo.Q", Value::Int(500));
    assert_eq!(
        t.scalar(
            "USE TargetDb;
             SELECT CASE WHEN COUNT(DISTINCT message_sequence_number) = 500
               AND SUM(CASE WHEN CAST(message_body AS xml).value('(/m/@n)[1]', 'int') = message_sequence_number
                   THEN 1 ELSE 0 END) = 500 THEN 1 ELSE 0 END FROM dbo.Q"
        ),
        Value::Int(1)
    );
    // The target answers and ends; both come back through F.
    t.sql(
        "USE TargetDb;
         DECLARE @h uniqueidentifier;
         RECEIVE TOP (1) @h = conversation_handle FROM dbo.Q;
         SEND ON CONVERSATION @h MESSAGE TYPE [//net/Reply] (N'<ok/>');
         END CONVERSATION @h;",
    );
    i.wait_for(
        "USE InitDb; SELECT COUNT(*) FROM dbo.Q WHERE message_type_name = '//net/Reply'",
        Value::Int(1),
    );
    i.wait_for(
        "USE InitDb; SELECT COUNT(*) FROM dbo.Q WHERE message_type_name = 'http://schemas.microsoft.com/SQL/ServiceBroker/EndDialog'",
        Value::Int(1),
    );
    // The forwarder keeps no conversation of its own.
    assert_eq!(
        f.scalar("SELECT COUNT(*) FROM sys.conversation_endpoints"),
        Value::Int(0)
    );
}

/// F-FWD-02: with forwarding disabled the message is not delivered; I keeps it and says
/// why.
#[test]
fn forwarding_disabled_keeps_the_message_at_the_sender() {
    let certs = tempfile::tempdir().unwrap();
    let (mut i, _f, mut t) = forwarding_setup(certs.path(), false);
    send(&mut i, "InitDb", "//net/Target", None, 1);
    common::status_like(&mut i, "%message forwarding is disabled there%");
    assert_eq!(count(&mut t, "TargetDb"), Value::Int(0));
}

/// F-FWD-04: two forwarders that route the service to each other: the message goes round
/// until its hops are spent, is discarded, and the sender is told.
#[test]
fn a_routing_loop_ends_at_the_hop_limit() {
    let certs = tempfile::tempdir().unwrap();
    let mut i = node("I", certs.path());
    let mut f1 = node("F1", certs.path());
    let mut f2 = node("F2", certs.path());
    for n in [&mut i, &mut f1, &mut f2] {
        n.endpoint("REQUIRED");
    }
    trust_both(&mut i, &mut f1);
    trust_both(&mut f1, &mut f2);
    database(&mut i, "InitDb", "//net/Init");
    let (p1, p2) = (f1.port, f2.port);
    i.sql(&format!(
        "USE InitDb; CREATE ROUTE ToF1 WITH SERVICE_NAME = '//net/Target', ADDRESS = 'TCP://127.0.0.1:{p1}';"
    ));
    for (f, other) in [(&mut f1, p2), (&mut f2, p1)] {
        f.sql(&format!(
            "USE master;
             ALTER ENDPOINT BrokerEndpoint FOR SERVICE_BROKER (MESSAGE_FORWARDING = ENABLED);
             USE msdb;
             CREATE ROUTE Loop WITH SERVICE_NAME = '//net/Target', ADDRESS = 'TCP://127.0.0.1:{other}';"
        ));
    }
    send(&mut i, "InitDb", "//net/Target", None, 1);
    common::status_like(&mut i, "%most forwarders a message may pass%");
}

/// A silent peer (it accepts the connection and never answers) holds up only the
/// messages bound for it: another instance keeps getting its messages at once.
#[test]
fn a_silent_peer_does_not_slow_other_peers() {
    let certs = tempfile::tempdir().unwrap();
    let mut i = node("I", certs.path());
    let mut t = node("T", certs.path());
    i.endpoint("REQUIRED");
    t.endpoint("REQUIRED");
    trust_both(&mut i, &mut t);
    database(&mut i, "InitDb", "//net/Init");
    database(&mut t, "TargetDb", "//net/S");
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let ps = silent.local_addr().unwrap().port();
    // Accept and hold every connection without a byte in answer.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for c in silent.incoming().take(50) {
            held.push(c);
        }
    });
    let pt = t.port;
    i.sql(&format!(
        "USE InitDb;
         CREATE ROUTE Silent WITH SERVICE_NAME = '//net/Silent', ADDRESS = 'TCP://127.0.0.1:{ps}';
         CREATE ROUTE Good WITH SERVICE_NAME = '//net/S', ADDRESS = 'TCP://127.0.0.1:{pt}';"
    ));
    send(&mut i, "InitDb", "//net/Silent", None, 5);
    std::thread::sleep(Duration::from_millis(300));
    let start = Instant::now();
    for k in 1..=5 {
        send(&mut i, "InitDb", "//net/S", None, 1);
        t.wait_for("USE TargetDb; SELECT COUNT(*) FROM dbo.Q", Value::Int(k));
    }
    // Well under the silent peer's 10 s handshake deadline.
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
}

/// F-PRI-09: with HONOR_BROKER_PRIORITY ON, a remote backlog leaves by conversation
/// priority: priority-10 messages queued after priority-1 ones still arrive first.
#[test]
fn a_remote_backlog_leaves_by_priority() {
    let certs = tempfile::tempdir().unwrap();
    let mut i = node("I", certs.path());
    let mut t = node("T", certs.path());
    i.endpoint("REQUIRED");
    t.endpoint("REQUIRED");
    trust_both(&mut i, &mut t);
    database(&mut i, "InitDb", "//net/Init");
    database(&mut t, "TargetDb", "//net/S");
    let pt = t.port;
    i.sql(&format!(
        "ALTER DATABASE InitDb SET HONOR_BROKER_PRIORITY ON;
         GO
         USE InitDb;
         CREATE SERVICE [//net/InitHigh] ON QUEUE dbo.Q;
         CREATE BROKER PRIORITY Lo FOR CONVERSATION SET
           (LOCAL_SERVICE_NAME = [//net/Init], PRIORITY_LEVEL = 1);
         CREATE BROKER PRIORITY Hi FOR CONVERSATION SET
           (LOCAL_SERVICE_NAME = [//net/InitHigh], PRIORITY_LEVEL = 10);
         CREATE ROUTE R WITH SERVICE_NAME = '//net/S', ADDRESS = 'TCP://127.0.0.1:{pt}';"
    ));
    t.sql("USE master; ALTER ENDPOINT BrokerEndpoint STATE = STOPPED;");
    std::thread::sleep(Duration::from_millis(300));
    for (from, tag) in [("//net/Init", "lo"), ("//net/InitHigh", "hi")] {
        i.sql(&format!(
            "USE InitDb;
             DECLARE @h uniqueidentifier, @i int = 0;
             BEGIN DIALOG @h FROM SERVICE [{from}] TO SERVICE '//net/S'
               ON CONTRACT [//net/C] WITH ENCRYPTION = OFF;
             WHILE @i < 200
             BEGIN
               SEND ON CONVERSATION @h MESSAGE TYPE [//net/Req] (N'<m p=\"{tag}\"/>');
               SET @i += 1;
             END"
        ));
    }
    t.sql("USE master; ALTER ENDPOINT BrokerEndpoint STATE = STARTED;");
    t.wait_for("USE TargetDb; SELECT COUNT(*) FROM dbo.Q", Value::Int(400));
    assert_eq!(
        t.scalar(
            "USE TargetDb;
             SELECT CASE WHEN
               AVG(CASE WHEN CAST(message_body AS nvarchar(100)) LIKE '%hi%' THEN queuing_order END)
               < AVG(CASE WHEN CAST(message_body AS nvarchar(100)) LIKE '%lo%' THEN queuing_order END)
             THEN 1 ELSE 0 END FROM dbo.Q"
        ),
        Value::Int(1)
    );
}
