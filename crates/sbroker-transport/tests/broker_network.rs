//! Service Broker between two instances over real TCP on 127.0.0.1, with certificate
//! transport security as in the official tutorial (lesson 1–4: master keys, endpoint
//! certificates, logins and users for the far certificate, GRANT CONNECT ON ENDPOINT):
//! a dialog whose messages arrive exactly once and in order in the other instance, replies
//! and END CONVERSATION coming back, messages that wait in sys.transmission_queue while the
//! far endpoint is stopped, refused links (missing CONNECT, a certificate that is not
//! installed, incompatible ENCRYPTION) with the reason in transmission_status, and
//! attackers on raw sockets who get nothing into any queue.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use common::{Node, drain, node, node_tuned, pair, raw, send_one, status_like};
use sbroker_exec::Value;
use sbroker_transport::Tuning;

#[test]
fn a_dialog_between_two_instances() {
    let certs = tempfile::tempdir().unwrap();
    let (mut a, mut b) = pair(certs.path(), "REQUIRED", "REQUIRED", true);

    // Ten requests on one dialog.
    a.sql(
        "USE InitDb;
         DECLARE @h uniqueidentifier, @i int = 1;
         BEGIN DIALOG @h FROM SERVICE [//net/Init] TO SERVICE '//net/Target'
           ON CONTRACT [//net/C] WITH ENCRYPTION = OFF;
         WHILE @i <= 10
         BEGIN
           DECLARE @b nvarchar(100) = N'<req n=\"' + CAST(@i AS nvarchar(10)) + N'\"/>';
           SEND ON CONVERSATION @h MESSAGE TYPE [//net/Req] (@b);
           SET @i += 1;
         END",
    );
    b.sql("USE TargetDb;");
    b.wait_for("SELECT COUNT(*) FROM dbo.Q", Value::Int(10));
    // In order, exactly once, with the initiator's identity.
    let sink = b.sql(
        "SELECT message_sequence_number, CAST(message_body AS xml).value('(/req/@n)[1]', 'int')
         FROM dbo.Q ORDER BY queuing_order;
         SELECT far_service, state_desc FROM sys.conversation_endpoints;",
    );
    let rows = &sink.result_sets[0].1;
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r[0], Value::BigInt(i as i64));
        assert_eq!(r[1], Value::Int(i as i32 + 1));
    }
    let ep = &sink.result_sets[1].1[0];
    assert_eq!(ep[0], Value::NVarChar("//net/Init".into()));
    assert_eq!(ep[1], Value::NVarChar("CONVERSING".into()));
    // The sender's transmission queue is empty once the far side has them.
    a.wait_for("SELECT COUNT(*) FROM sys.transmission_queue", Value::Int(0));

    // The target receives, replies and ends its side.
    b.sql(
        "DECLARE @h uniqueidentifier;
         BEGIN TRANSACTION;
         RECEIVE TOP (1) @h = conversation_handle FROM dbo.Q;
         RECEIVE * FROM dbo.Q WHERE conversation_handle = @h;
         SEND ON CONVERSATION @h MESSAGE TYPE [//net/Reply] (N'<ok/>');
         END CONVERSATION @h;
         COMMIT;",
    );
    a.wait_for("SELECT COUNT(*) FROM dbo.Q", Value::Int(2));
    let sink = a.sql("SELECT message_type_name FROM dbo.Q ORDER BY queuing_order;");
    let types: Vec<Value> = sink.result_sets[0].1.iter().map(|r| r[0].clone()).collect();
    assert_eq!(
        types,
        vec![
            Value::NVarChar("//net/Reply".into()),
            Value::NVarChar("http://schemas.microsoft.com/SQL/ServiceBroker/EndDialog".into())
        ]
    );
    // The initiator ends too: its endpoint goes away once the target acknowledged.
    a.sql(
        "DECLARE @h uniqueidentifier;
         RECEIVE TOP (1) @h = conversation_handle FROM dbo.Q;
         END CONVERSATION @h;",
    );
    a.wait_for(
        "SELECT COUNT(*) FROM sys.conversation_endpoints",
        Value::Int(0),
    );
    a.wait_for("SELECT COUNT(*) FROM sys.transmission_queue", Value::Int(0));
    b.wait_for(
        "SELECT COUNT(*) FROM sys.conversation_endpoints WHERE state_desc = 'CLOSED'",
        Value::Int(1),
    );
}

#[test]
fn messages_wait_while_the_far_endpoint_is_stopped() {
    let certs = tempfile::tempdir().unwrap();
    let (mut a, mut b) = pair(certs.path(), "REQUIRED", "REQUIRED", true);
    b.sql("ALTER ENDPOINT BrokerEndpoint STATE = STOPPED;");
    // Let the listener close.
    std::thread::sleep(Duration::from_millis(500));
    a.sql(
        "USE InitDb;
         DECLARE @h uniqueidentifier;
         BEGIN DIALOG @h FROM SERVICE [//net/Init] TO SERVICE '//net/Target'
           ON CONTRACT [//net/C] WITH ENCRYPTION = OFF;
         SEND ON CONVERSATION @h MESSAGE TYPE [//net/Req] (N'<r/>');",
    );
    // Held, with the connection failure as its status.
    a.wait_for(
        "SELECT CASE WHEN COUNT(*) = 1 AND MAX(transmission_status) LIKE 'Connection attempt failed%'
           THEN 1 ELSE 0 END FROM sys.transmission_queue",
        Value::Int(1),
    );
    b.sql("ALTER ENDPOINT BrokerEndpoint STATE = STARTED; USE TargetDb;");
    b.wait_for("SELECT COUNT(*) FROM dbo.Q", Value::Int(1));
    a.wait_for("SELECT COUNT(*) FROM sys.transmission_queue", Value::Int(0));

    // A dialog to a contract the far service does not accept fails at the sender with the
    // broker's error, as between databases.
    b.sql("CREATE CONTRACT [//net/Other] ([//net/Req] SENT BY INITIATOR);");
    a.sql(
        "CREATE CONTRACT [//net/Other] ([//net/Req] SENT BY INITIATOR);
         DECLARE @h uniqueidentifier;
         BEGIN DIALOG @h FROM SERVICE [//net/Init] TO SERVICE '//net/Target'
           ON CONTRACT [//net/Other] WITH ENCRYPTION = OFF;
         SEND ON CONVERSATION @h MESSAGE TYPE [//net/Req] (N'<r/>');",
    );
    a.wait_for(
        "SELECT COUNT(*) FROM dbo.Q WHERE message_type_name = 'http://schemas.microsoft.com/SQL/ServiceBroker/Error'",
        Value::Int(1),
    );
    // ENCRYPTION = ON across instances waits with a status that says why.
    a.sql(
        "DECLARE @h uniqueidentifier;
         BEGIN DIALOG @h FROM SERVICE [//net/Init] TO SERVICE '//net/Target'
           ON CONTRACT [//net/C] WITH ENCRYPTION = ON;
         SEND ON CONVERSATION @h MESSAGE TYPE [//net/Req] (N'<r/>');",
    );
    a.wait_for(
        "SELECT COUNT(*) FROM sys.transmission_queue WHERE transmission_status LIKE 'Dialog security%'",
        Value::Int(1),
    );

    // DROP ENDPOINT stops networking: a new message waits; delivery inside the instance
    // goes on.
    b.sql("DROP ENDPOINT BrokerEndpoint;");
    std::thread::sleep(Duration::from_millis(500));
    a.sql(
        "DECLARE @h uniqueidentifier;
         BEGIN DIALOG @h FROM SERVICE [//net/Init] TO SERVICE '//net/Target'
           ON CONTRACT [//net/C] WITH ENCRYPTION = OFF;
         SEND ON CONVERSATION @h MESSAGE TYPE [//net/Req] (N'<late/>');",
    );
    a.wait_for(
        "SELECT COUNT(*) FROM sys.transmission_queue WHERE transmission_status LIKE 'Connection attempt failed%'",
        Value::Int(1),
    );
    b.sql(
        "CREATE QUEUE dbo.LocalQ; CREATE SERVICE [//net/Local] ON QUEUE dbo.LocalQ ([//net/C]);
         DECLARE @h uniqueidentifier;
         BEGIN DIALOG @h FROM SERVICE [//net/Target] TO SERVICE '//net/Local'
           ON CONTRACT [//net/C] WITH ENCRYPTION = OFF;
         SEND ON CONVERSATION @h MESSAGE TYPE [//net/Req] (N'<local/>');",
    );
    b.wait_for("SELECT COUNT(*) FROM dbo.LocalQ", Value::Int(1));
    drop(b);
    drop(a);
}

/// F-EP-07: the far instance has A's certificate but its login lacks CONNECT: refused,
/// with the reason in the sender's transmission_status; after GRANT the message flows.
#[test]
fn a_login_without_connect_is_refused_until_granted() {
    let certs = tempfile::tempdir().unwrap();
    let (mut a, mut b) = pair(certs.path(), "REQUIRED", "REQUIRED", false);
    send_one(&mut a, "<r/>");
    status_like(&mut a, "%does not have CONNECT permission%");
    b.sql("USE TargetDb; SELECT COUNT(*) FROM dbo.Q;");
    assert_eq!(
        b.scalar("USE TargetDb; SELECT COUNT(*) FROM dbo.Q"),
        Value::Int(0)
    );
    b.sql("USE master; GRANT CONNECT ON ENDPOINT::BrokerEndpoint TO ALogin;");
    b.wait_for("USE TargetDb; SELECT COUNT(*) FROM dbo.Q", Value::Int(1));
    a.wait_for(
        "USE InitDb; SELECT COUNT(*) FROM sys.transmission_queue",
        Value::Int(0),
    );
}

/// F-EP-09: a certificate that is not the peer's (B trusts a certificate made by some
/// third instance under A's login) is refused; REVOKE CONNECT refuses new links too.
#[test]
fn a_wrong_certificate_is_refused() {
    let certs = tempfile::tempdir().unwrap();
    let mut a = node("A", certs.path());
    let mut b = node("B", certs.path());
    let mut c = node("C", certs.path());
    a.endpoint("REQUIRED");
    b.endpoint("REQUIRED");
    c.endpoint("REQUIRED");
    a.trust("B", true);
    // B installs C's certificate where A's belongs.
    b.sql(&format!(
        "USE master;
         CREATE LOGIN ALogin WITH PASSWORD = 'L0gin!pass';
         CREATE USER AUser FOR LOGIN ALogin;
         CREATE CERTIFICATE ACert AUTHORIZATION AUser FROM FILE = '{}';
         GRANT CONNECT ON ENDPOINT::BrokerEndpoint TO ALogin;",
        certs.path().join("C.cer").display()
    ));
    let (pa, pb) = (a.port, b.port);
    a.services("InitDb", "//net/Init", "//net/Target", pb);
    b.services("TargetDb", "//net/Target", "//net/Init", pa);
    send_one(&mut a, "<r/>");
    status_like(&mut a, "%Certificate not found%");
    assert_eq!(
        b.scalar("USE TargetDb; SELECT COUNT(*) FROM dbo.Q"),
        Value::Int(0)
    );
    drop(c);
}

/// F-EP-09: ENCRYPTION = DISABLED against REQUIRED is refused with a reason; DISABLED
/// against SUPPORTED runs without encryption (frames tagged), SUPPORTED against REQUIRED
/// encrypted.
#[test]
fn encryption_is_negotiated_as_the_table_says() {
    let certs = tempfile::tempdir().unwrap();
    let (mut a, mut b) = pair(certs.path(), "DISABLED", "REQUIRED", true);
    send_one(&mut a, "<r/>");
    status_like(
        &mut a,
        "%encryption required by the endpoints is incompatible%",
    );
    assert_eq!(
        b.scalar("USE TargetDb; SELECT COUNT(*) FROM dbo.Q"),
        Value::Int(0)
    );
    b.sql("USE master; ALTER ENDPOINT BrokerEndpoint FOR SERVICE_BROKER (ENCRYPTION = SUPPORTED);");
    b.wait_for("USE TargetDb; SELECT COUNT(*) FROM dbo.Q", Value::Int(1));
    let links = a.registry.snapshot();
    assert!(
        links.iter().any(|l| l.state == "ONLINE" && !l.encrypted),
        "{links:?}"
    );
    drop((a, b));

    let certs = tempfile::tempdir().unwrap();
    let (mut a, mut b) = pair(certs.path(), "SUPPORTED", "REQUIRED", true);
    send_one(&mut a, "<r/>");
    b.wait_for("USE TargetDb; SELECT COUNT(*) FROM dbo.Q", Value::Int(1));
    let links = a.registry.snapshot();
    assert!(
        links.iter().any(|l| l.state == "ONLINE" && l.encrypted),
        "{links:?}"
    );
}

/// Raw-socket attackers: garbage, a forged MESSAGE with no handshake, a forged MESSAGE
/// after a clear OPEN, a MESSAGE in place of TLS. Each link closes; nothing lands in any
/// queue; the genuine peer still delivers afterwards.
#[test]
fn raw_socket_attackers_get_nothing_into_a_queue() {
    use sbroker_broker_wire::{Frame, Message, Open, WireKind};
    let certs = tempfile::tempdir().unwrap();
    let (mut a, mut b) = pair(certs.path(), "REQUIRED", "REQUIRED", true);
    let forged = Frame::Message(Message {
        conversation_id: [0x42; 16],
        from_initiator: true,
        sequence: 0,
        kind: WireKind::User,
        priority: 5,
        hops_remaining: 16,
        lifetime: i64::MAX,
        encryption: false,
        from_service: "//net/Init".into(),
        from_broker_instance: "00000000-0000-0000-0000-000000000001".into(),
        to_service: "//net/Target".into(),
        to_broker_instance: None,
        contract: "//net/C".into(),
        message_type: "//net/Req".into(),
        body_present: true,
        body_length: 7,
        chunk: b"<evil/>".to_vec(),
    })
    .encode();
    let open = Frame::Open(Open {
        version_min: 1,
        version_max: 1,
    })
    .encode();
    // Garbage.
    let mut s = raw(b.port);
    s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    assert!(drain(s).is_empty());
    // A forged message as the first frame.
    let mut s = raw(b.port);
    s.write_all(&forged).unwrap();
    assert!(drain(s).is_empty());
    // OPEN, then a forged message where TLS should start.
    let mut s = raw(b.port);
    s.write_all(&open).unwrap();
    s.write_all(&forged).unwrap();
    let answer = drain(s);
    assert!(answer.starts_with(b"SBRK"), "an ACCEPT first");
    // Version skew: refused with the reason, in an ERROR frame.
    let mut s = raw(b.port);
    s.write_all(
        &Frame::Open(Open {
            version_min: 9,
            version_max: 9,
        })
        .encode(),
    )
    .unwrap();
    let answer = drain(s);
    match sbroker_broker_wire::decode(&answer, &sbroker_broker_wire::Limits::default()) {
        Ok(Some((Frame::Error(e), _))) => assert!(e.text.contains("versions 9..9"), "{}", e.text),
        other => panic!("version skew: {other:?}"),
    }
    // An oversized frame is refused from its header.
    let mut s = raw(b.port);
    let mut huge = b"SBRK\x01\x01\x00\x00".to_vec();
    huge.extend_from_slice(&u32::MAX.to_be_bytes());
    huge.extend_from_slice(&[0; 4]);
    s.write_all(&huge).unwrap();
    assert!(drain(s).is_empty());
    // A TLS client without a certificate.
    let mut s = raw(b.port);
    s.write_all(&open).unwrap();
    s.write_all(&[0x16, 0x03, 0x01, 0x00, 0x05, 1, 0, 0, 1, 0])
        .unwrap();
    drain(s);
    assert_eq!(
        b.scalar("USE TargetDb; SELECT COUNT(*) FROM dbo.Q"),
        Value::Int(0)
    );
    // The genuine peer is still served.
    send_one(&mut a, "<genuine/>");
    b.wait_for("USE TargetDb; SELECT COUNT(*) FROM dbo.Q", Value::Int(1));
    assert_eq!(
        b.scalar("USE TargetDb; SELECT CAST(message_body AS nvarchar(100)) FROM dbo.Q"),
        Value::NVarChar("<genuine/>".into())
    );
}

/// Many silent sockets (more than the inbound cap) do not keep a genuine peer out for
/// longer than the handshake deadline.
#[test]
fn silent_sockets_do_not_lock_out_a_peer() {
    let certs = tempfile::tempdir().unwrap();
    let (mut a, mut b) = pair(certs.path(), "REQUIRED", "REQUIRED", true);
    let silent: Vec<TcpStream> = (0..80).map(|_| raw(b.port)).collect();
    send_one(&mut a, "<through/>");
    b.wait_for("USE TargetDb; SELECT COUNT(*) FROM dbo.Q", Value::Int(1));
    drop(silent);
}

/// What the proxy does to one connection, in the connector-to-acceptor direction.
#[derive(Debug, Clone, Copy)]
enum Fault {
    /// Passes this many bytes, then closes both sides.
    Cut(usize),
    /// Flips a bit of the byte at this offset.
    Flip(usize),
    /// Passes this many bytes, then passes nothing more either way but keeps both sockets
    /// open: the link is half-open (a stalled peer, a dead middlebox).
    Stall(usize),
    /// Holds every chunk this long before passing it on.
    Delay(Duration),
}

/// A loopback proxy that applies `faults` to its connections in turn (the ones after pass
/// everything through).
fn proxy(to: u16, faults: Vec<Fault>) -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut faults = faults.into_iter();
        for (i, c) in l.incoming().enumerate() {
            let Ok(c) = c else { return };
            let Ok(s) = TcpStream::connect(("127.0.0.1", to)) else {
                continue;
            };
            let fault = faults.next();
            let stalled = Arc::new(AtomicBool::new(false));
            let (c2, s2, st2) = (
                c.try_clone().unwrap(),
                s.try_clone().unwrap(),
                Arc::clone(&stalled),
            );
            std::thread::spawn(move || pipe(s2, c2, None, &st2));
            std::thread::spawn(move || pipe(c, s, fault, &stalled));
            if i > 10_000 {
                return;
            }
        }
    });
    port
}

fn pipe(mut from: TcpStream, mut to: TcpStream, fault: Option<Fault>, stalled: &AtomicBool) {
    let mut buf = [0u8; 16 * 1024];
    let mut seen = 0usize;
    let mut fault = fault;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if stalled.load(Ordering::SeqCst) {
            // Half-open: swallow everything, keep the sockets.
            continue;
        }
        match fault {
            Some(Fault::Cut(at)) if seen + n > at => {
                let _ = to.write_all(&buf[..at - seen]);
                break;
            }
            Some(Fault::Flip(at)) if seen + n > at => {
                buf[at - seen] ^= 0x01;
                fault = None;
            }
            Some(Fault::Stall(at)) if seen + n > at => {
                let _ = to.write_all(&buf[..at - seen]);
                stalled.store(true, Ordering::SeqCst);
                continue;
            }
            Some(Fault::Delay(d)) => std::thread::sleep(d),
            _ => {}
        }
        seen += n;
        if to.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    if !stalled.load(Ordering::SeqCst) {
        let _ = from.shutdown(std::net::Shutdown::Both);
        let _ = to.shutdown(std::net::Shutdown::Both);
    }
}

/// Exactly once and in order through cuts, flipped bytes, a delayed link and a half-open
/// one, on an encrypted link (TLS refuses the bad record) and on a clear, tagged one (the
/// tag refuses the frame). The acknowledgement timeout is 2 s so the half-open link is
/// given up quickly.
#[test]
fn cuts_and_corruption_lose_and_duplicate_nothing() {
    for (enc_a, enc_b) in [("REQUIRED", "REQUIRED"), ("DISABLED", "SUPPORTED")] {
        let certs = tempfile::tempdir().unwrap();
        let tuning = Tuning {
            ack_timeout: Duration::from_secs(2),
        };
        let mut a = node_tuned("A", certs.path(), tuning);
        let mut b = node("B", certs.path());
        a.endpoint(enc_a);
        b.endpoint(enc_b);
        a.trust("B", true);
        b.trust("A", true);
        let via = proxy(
            b.port,
            vec![
                Fault::Cut(20_000),
                Fault::Flip(30_000),
                Fault::Stall(40_000),
                Fault::Cut(50_000),
                Fault::Flip(9_000),
                Fault::Delay(Duration::from_millis(3)),
            ],
        );
        a.services("InitDb", "//net/Init", "//net/Target", via);
        b.services("TargetDb", "//net/Target", "//net/Init", a.port);
        a.sql(
            "USE InitDb;
             DECLARE @h uniqueidentifier, @i int = 0;
             BEGIN DIALOG @h FROM SERVICE [//net/Init] TO SERVICE '//net/Target'
               ON CONTRACT [//net/C] WITH ENCRYPTION = OFF;
             WHILE @i < 3000
             BEGIN
               DECLARE @b nvarchar(100) = N'<m n=\"' + CAST(@i AS nvarchar(10)) + N'\"/>';
               SEND ON CONVERSATION @h MESSAGE TYPE [//net/Req] (@b);
               SET @i += 1;
             END",
        );
        b.wait_for("USE TargetDb; SELECT COUNT(*) FROM dbo.Q", Value::Int(3000));
        let ok = b.scalar(
            "USE TargetDb;
             SELECT CASE WHEN COUNT(*) = 3000 AND COUNT(DISTINCT message_sequence_number) = 3000
               AND SUM(CASE WHEN CAST(message_body AS xml).value('(/m/@n)[1]', 'int') = message_sequence_number
                   THEN 1 ELSE 0 END) = 3000
             THEN 1 ELSE 0 END FROM dbo.Q",
        );
        assert_eq!(ok, Value::Int(1), "{enc_a}/{enc_b}");
        // Five links were broken on purpose; the sixth (delayed) carried the rest.
        assert!(a.registry.opened_total() >= 6, "{enc_a}/{enc_b}");
        a.wait_for(
            "USE InitDb; SELECT COUNT(*) FROM sys.transmission_queue",
            Value::Int(0),
        );
    }
}

/// F-EP-08: during traffic, sys.dm_broker_connections shows the link ONLINE on both sides
/// (the accepting side with the peer's login and certificate) and its byte counters grow.
#[test]
fn the_connection_dmv_shows_live_links() {
    let certs = tempfile::tempdir().unwrap();
    let (mut a, mut b) = pair(certs.path(), "REQUIRED", "REQUIRED", true);
    send_one(&mut a, "<one/>");
    b.wait_for("USE TargetDb; SELECT COUNT(*) FROM dbo.Q", Value::Int(1));
    let sent = |a: &mut Node| {
        a.scalar(
            "SELECT MAX(total_bytes_sent) FROM sys.dm_broker_connections
             WHERE is_accept = 0 AND login_state_desc = 'ONLINE' AND encryption_algorithm_desc = 'AES'",
        )
    };
    let Value::BigInt(first) = sent(&mut a) else {
        panic!("no ONLINE outbound link: {:?}", a.registry.snapshot());
    };
    assert!(first > 0);
    assert_eq!(
        b.scalar(
            "SELECT COUNT(*) FROM sys.dm_broker_connections c
             JOIN master.sys.certificates k ON k.certificate_id = c.peer_certificate_id
             WHERE c.is_accept = 1 AND c.login_state_desc = 'ONLINE'
               AND c.principal_name = 'ALogin' AND k.name = 'ACert'"
        ),
        Value::Int(1)
    );
    send_one(&mut a, "<two/>");
    b.wait_for("USE TargetDb; SELECT COUNT(*) FROM dbo.Q", Value::Int(2));
    let start = Instant::now();
    loop {
        let Value::BigInt(now) = sent(&mut a) else {
            panic!("link gone");
        };
        if now > first {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "bytes did not grow"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// An endpoint with only Windows authentication cannot make a link here: its messages
/// wait with a status that says to use certificates.
#[test]
fn windows_authentication_says_to_use_certificates() {
    let certs = tempfile::tempdir().unwrap();
    let (mut a, _b) = pair(certs.path(), "REQUIRED", "REQUIRED", true);
    a.sql(
        "USE master;
         ALTER ENDPOINT BrokerEndpoint FOR SERVICE_BROKER (AUTHENTICATION = WINDOWS NEGOTIATE);",
    );
    send_one(&mut a, "<w/>");
    status_like(&mut a, "%use AUTHENTICATION = CERTIFICATE%");
}

/// A proxy that passes everything and keeps a copy of the connector's bytes.
fn recording_proxy(to: u16) -> (u16, Arc<std::sync::Mutex<Vec<u8>>>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let copy = Arc::clone(&seen);
    std::thread::spawn(move || {
        for c in l.incoming().take(20) {
            let Ok(mut c) = c else { return };
            let Ok(mut s) = TcpStream::connect(("127.0.0.1", to)) else {
                continue;
            };
            let (c2, s2) = (c.try_clone().unwrap(), s.try_clone().unwrap());
            std::thread::spawn(move || pipe(s2, c2, None, &AtomicBool::new(false)));
            let copy = Arc::clone(&copy);
            std::thread::spawn(move || {
                let mut buf = [0u8; 16 * 1024];
                while let Ok(n) = c.read(&mut buf) {
                    if n == 0 || s.write_all(&buf[..n]).is_err() {
                        break;
                    }
                    copy.lock().unwrap().extend_from_slice(&buf[..n]);
                }
            });
        }
    });
    (port, seen)
}

/// What travels on the wire: with encryption a message body cannot be found in the bytes;
/// without it (DISABLED against SUPPORTED) it can — the frames are authenticated by their
/// tags, not hidden.
#[test]
fn with_encryption_the_bytes_on_the_wire_are_unreadable() {
    for (enc_a, enc_b, visible) in [
        ("REQUIRED", "SUPPORTED", false),
        ("DISABLED", "SUPPORTED", true),
    ] {
        let certs = tempfile::tempdir().unwrap();
        let mut a = node("A", certs.path());
        let mut b = node("B", certs.path());
        a.endpoint(enc_a);
        b.endpoint(enc_b);
        a.trust("B", true);
        b.trust("A", true);
        let (via, seen) = recording_proxy(b.port);
        a.services("InitDb", "//net/Init", "//net/Target", via);
        b.services("TargetDb", "//net/Target", "//net/Init", a.port);
        send_one(&mut a, "<secret>PlainTextMarker42</secret>");
        b.wait_for("USE TargetDb; SELECT COUNT(*) FROM dbo.Q", Value::Int(1));
        let bytes = seen.lock().unwrap().clone();
        // The body is nvarchar: UTF-16LE on the wire.
        let marker: Vec<u8> = "PlainTextMarker42"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        let found = bytes.windows(marker.len()).any(|w| w == marker.as_slice());
        assert_eq!(
            found,
            visible,
            "{enc_a}/{enc_b}: {} bytes seen",
            bytes.len()
        );
    }
}
