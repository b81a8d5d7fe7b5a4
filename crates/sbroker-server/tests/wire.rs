//! The server at the byte level, on a real socket: ATTENTION cancels a blocked WAITFOR,
//! malformed or hostile bytes end only their own connection, and a client may skip
//! PRELOGIN. Requests are built with the sans-IO codec.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{Server, start_with};
use sbroker_server::{Auth, ServerConfig};
use sbroker_tds::buf::Reader;
use sbroker_tds::login7::Login7;
use sbroker_tds::packet::{self, MessageBuffer, PacketType};
use sbroker_tds::prelogin::PreLogin;
use sbroker_tds::request;
use sbroker_tds::token::{Token, TokenDecoder, done_status};

fn start() -> Server {
    start_with(ServerConfig::default_with(Auth::Trust))
}

struct Conn {
    s: TcpStream,
    buf: MessageBuffer,
}

impl Conn {
    fn open(port: u16) -> Conn {
        let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        Conn {
            s,
            buf: MessageBuffer::new(1 << 26),
        }
    }

    fn send(&mut self, ty: PacketType, payload: &[u8]) {
        let mut wire = Vec::new();
        let mut id = 1;
        packet::frame(ty, payload, 4096, true, &mut id, &mut wire);
        self.s.write_all(&wire).unwrap();
    }

    /// The next whole message, or `None` when the server closed the connection.
    fn receive(&mut self) -> Option<Vec<u8>> {
        let mut chunk = [0u8; 8192];
        loop {
            if let Some(m) = self.buf.next_message().unwrap() {
                return Some(m.payload);
            }
            match self.s.read(&mut chunk) {
                Ok(0) | Err(_) => return None,
                Ok(n) => self.buf.push(&chunk[..n]),
            }
        }
    }

    fn tokens(&mut self) -> Vec<Token> {
        let payload = self.receive().expect("a response");
        let mut r = Reader::new(&payload);
        let mut d = TokenDecoder::new();
        let mut out = Vec::new();
        while let Some(t) = d.next(&mut r).unwrap() {
            out.push(t);
        }
        out
    }

    fn login(&mut self, with_prelogin: bool) {
        if with_prelogin {
            self.send(PacketType::PreLogin, &PreLogin::default().encode());
            PreLogin::decode(&self.receive().unwrap()).unwrap();
        }
        let login = Login7 {
            tds_version: sbroker_tds::TDS_7_4,
            packet_size: 4096,
            username: "sa".into(),
            ..Default::default()
        };
        self.send(PacketType::Login7, &login.encode());
        let toks = self.tokens();
        assert!(
            toks.iter().any(|t| matches!(t, Token::LoginAck(_))),
            "{toks:?}"
        );
    }

    fn batch(&mut self, sql: &str) -> Vec<Token> {
        self.send(
            PacketType::SqlBatch,
            &request::encode_sql_batch(sql, [0; 8]),
        );
        self.tokens()
    }
}

fn int_result(toks: &[Token]) -> Option<i32> {
    toks.iter().find_map(|t| match t {
        Token::Row(v) => match v.first() {
            Some(sbroker_types::Value::Int(i)) => Some(*i),
            _ => None,
        },
        _ => None,
    })
}

#[test]
fn attention_cancels_a_blocked_waitfor() {
    let server = start();
    let mut c = Conn::open(server.port);
    c.login(true);
    c.send(
        PacketType::SqlBatch,
        &request::encode_sql_batch("WAITFOR DELAY '00:05:00'; SELECT 1", [0; 8]),
    );
    std::thread::sleep(Duration::from_millis(300));
    let started = Instant::now();
    c.send(PacketType::Attention, &[]);
    let toks = c.tokens();
    assert!(started.elapsed() < Duration::from_secs(10));
    let last = toks.last().expect("tokens");
    assert!(
        matches!(last, Token::Done(d) if d.status & done_status::ATTN != 0),
        "{toks:?}"
    );
    // The cancelled batch's SELECT never ran, and the connection goes on.
    assert!(int_result(&toks).is_none());
    assert_eq!(int_result(&c.batch("SELECT 42")), Some(42));
}

#[test]
fn an_attention_after_the_request_ended_is_still_acknowledged() {
    let server = start();
    let mut c = Conn::open(server.port);
    c.login(false);
    assert_eq!(int_result(&c.batch("SELECT 1")), Some(1));
    c.send(PacketType::Attention, &[]);
    let toks = c.tokens();
    assert!(matches!(toks.last(), Some(Token::Done(d)) if d.status & done_status::ATTN != 0));
    assert_eq!(int_result(&c.batch("SELECT 2")), Some(2));
}

#[test]
fn malformed_bytes_end_only_their_own_connection() {
    let server = start();
    let mut good = Conn::open(server.port);
    good.login(true);

    let garbage: Vec<Vec<u8>> = vec![
        // Not TDS at all (an HTTP request, a TLS ClientHello).
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
        vec![0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5],
        // A header whose length is shorter than the header.
        vec![0x12, 0x01, 0x00, 0x04, 0, 0, 1, 0],
        // A PRELOGIN whose option table points past the end.
        vec![
            0x12, 0x01, 0x00, 0x0D, 0, 0, 1, 0, 0x00, 0xFF, 0xFF, 0x00, 0x06,
        ],
        // A LOGIN7 that claims to be 1 MB long.
        vec![
            0x10, 0x01, 0x00, 0x10, 0, 0, 1, 0, 0x00, 0x00, 0x10, 0x00, 0, 0, 0, 0x74,
        ],
    ];
    for g in garbage {
        let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let _ = s.write_all(&g);
        let mut sink = Vec::new();
        // The server closes the connection (or answers and then closes); it never hangs.
        let _ = s.read_to_end(&mut sink);
    }

    // After login: a batch whose ALL_HEADERS length is absurd, and an RPC cut short, get
    // an error each and the connection stays usable.
    let mut c = Conn::open(server.port);
    c.login(true);
    c.send(PacketType::SqlBatch, &[0xFF, 0xFF, 0xFF, 0x7F, 0x41, 0x00]);
    let toks = c.tokens();
    assert!(
        toks.iter()
            .any(|t| matches!(t, Token::Error(m) if m.number == 8009)),
        "{toks:?}"
    );
    let mut rpc = Vec::new();
    request::write_all_headers(&mut rpc, [0; 8]);
    rpc.extend_from_slice(&[0xFF, 0xFF, 10, 0, 0, 0, 4, b'@', 0, b'x']);
    c.send(PacketType::Rpc, &rpc);
    let toks = c.tokens();
    assert!(
        toks.iter()
            .any(|t| matches!(t, Token::Error(m) if m.number == 8009)),
        "{toks:?}"
    );
    assert_eq!(int_result(&c.batch("SELECT 7")), Some(7));

    // The connection opened first never noticed.
    assert_eq!(int_result(&good.batch("SELECT 3")), Some(3));
}

#[test]
fn random_bytes_never_take_the_server_down() {
    let server = start();
    // A small deterministic generator: the same bytes every run.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for round in 0..200 {
        let len = 1 + (round * 37) % 300;
        let mut bytes = Vec::with_capacity(len);
        for _ in 0..len {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            bytes.push(x as u8);
        }
        // Half the rounds look like a packet header to get past the first check.
        if round % 2 == 0 && bytes.len() >= 8 {
            bytes[0] = [0x12, 0x10, 0x01, 0x03, 0x0E][round % 5];
            bytes[1] = 0x01;
            bytes[2] = 0;
            bytes[3] = len.min(255) as u8;
        }
        let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_millis(500)))
            .unwrap();
        let _ = s.write_all(&bytes);
        let _ = s.shutdown(std::net::Shutdown::Write);
        let mut sink = Vec::new();
        let _ = s.read_to_end(&mut sink);
    }
    let mut c = Conn::open(server.port);
    c.login(true);
    assert_eq!(int_result(&c.batch("SELECT 99")), Some(99));
}

#[test]
fn transaction_manager_requests_begin_and_roll_back() {
    let server = start();
    let mut c = Conn::open(server.port);
    c.login(true);
    c.batch("CREATE TABLE dbo.tm (v int)");
    let mut begin = Vec::new();
    request::write_all_headers(&mut begin, [0; 8]);
    begin.extend_from_slice(&5u16.to_le_bytes());
    begin.extend_from_slice(&[0, 0]);
    c.send(PacketType::TransactionManager, &begin);
    let toks = c.tokens();
    let descriptor = toks
        .iter()
        .find_map(|t| match t {
            Token::EnvChange(sbroker_tds::token::EnvChange::BeginTransaction(d)) => Some(*d),
            _ => None,
        })
        .expect("a begin-transaction ENVCHANGE");
    c.batch("INSERT dbo.tm VALUES (1)");
    assert_eq!(int_result(&c.batch("SELECT @@TRANCOUNT")), Some(1));
    let mut rollback = Vec::new();
    request::write_all_headers(&mut rollback, descriptor);
    rollback.extend_from_slice(&8u16.to_le_bytes());
    rollback.extend_from_slice(&[0, 0]);
    c.send(PacketType::TransactionManager, &rollback);
    let toks = c.tokens();
    assert!(
        toks.iter().any(|t| matches!(
            t,
            Token::EnvChange(sbroker_tds::token::EnvChange::RollbackTransaction(d)) if *d == descriptor
        )),
        "{toks:?}"
    );
    assert_eq!(int_result(&c.batch("SELECT COUNT(*) FROM dbo.tm")), Some(0));
}

#[test]
fn a_client_that_never_logs_in_is_disconnected() {
    let mut config = ServerConfig::default_with(Auth::Trust);
    config.login_timeout = Duration::from_millis(300);
    let server = start_with(config);
    let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let started = Instant::now();
    let mut buf = [0u8; 16];
    // The server closes the connection: read returns 0 (or a reset), not a timeout.
    let r = s.read(&mut buf);
    assert!(matches!(r, Ok(0)) || r.is_err_and(|e| e.kind() != std::io::ErrorKind::WouldBlock));
    assert!(started.elapsed() < Duration::from_secs(10));
    // A client that logs in in time is not affected, and may then stay idle.
    let mut c = Conn::open(server.port);
    c.login(true);
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(int_result(&c.batch("SELECT 1")), Some(1));
}

/// A pooled client resets the connection (status bit 0x08 on a request): the session is
/// new (variables, temp tables, open transaction gone, back in the login's database) and
/// ATTENTION still reaches it.
#[test]
fn reset_connection_gives_a_fresh_session_that_attention_still_reaches() {
    let server = start();
    let mut c = Conn::open(server.port);
    c.login(true);
    c.batch("CREATE DATABASE other; CREATE TABLE #t (v int);");
    c.batch("USE other; BEGIN TRANSACTION;");
    let mut wire = Vec::new();
    let mut id = 1;
    packet::frame(
        PacketType::SqlBatch,
        &request::encode_sql_batch(
            "SELECT @@TRANCOUNT, DB_NAME(), OBJECT_ID('tempdb..#t')",
            [0; 8],
        ),
        4096,
        true,
        &mut id,
        &mut wire,
    );
    wire[1] |= packet::STATUS_RESET_CONNECTION;
    c.s.write_all(&wire).unwrap();
    let toks = c.tokens();
    let row = toks
        .iter()
        .find_map(|t| match t {
            Token::Row(v) => Some(v.clone()),
            _ => None,
        })
        .expect("a row");
    assert_eq!(row[0], sbroker_types::Value::Int(0));
    assert_eq!(row[1], sbroker_types::Value::NVarChar("master".into()));
    assert_eq!(row[2], sbroker_types::Value::Null);
    // ATTENTION cancels a WAITFOR of the new session.
    c.send(
        PacketType::SqlBatch,
        &request::encode_sql_batch("WAITFOR DELAY '00:05:00'", [0; 8]),
    );
    std::thread::sleep(Duration::from_millis(300));
    let started = Instant::now();
    c.send(PacketType::Attention, &[]);
    let toks = c.tokens();
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(matches!(toks.last(), Some(Token::Done(d)) if d.status & done_status::ATTN != 0));
}
