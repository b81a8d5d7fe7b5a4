//! One client connection: PRELOGIN, LOGIN7, then requests until the client leaves.

use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use sbroker_engine::{Instance, SessionInfo};
use sbroker_exec::{Executor, RpcArg};
use sbroker_tds::login7::Login7;
use sbroker_tds::packet::{self, Message, MessageBuffer, PacketType};
use sbroker_tds::prelogin::{PreLogin, encryption};
use sbroker_tds::request::{self, TmRequest};
use sbroker_tds::token::{
    EnvChange, LoginAck, ServerMessage, done_status, encode_done, encode_env_change,
    encode_login_ack, encode_message, encode_return_status, encode_return_value, kind,
};
use sbroker_tds::types::TypeInfo;
use sbroker_types::{ServerError, SqlType, Value};

use crate::prepared::{Plan, Prepared};
use crate::sink::{PacketWriter, TdsSink};
use crate::tls::{TlsSetup, Wire};
use crate::{Auth, REPORTED_VERSION, REQUEST_BYTES_MAX, ServerConfig, Stats};

/// What the reader thread hands to the session thread.
enum Incoming {
    Request(Message),
    /// The connection ended (EOF, a read error or bytes that are not TDS).
    Closed,
}

/// Reads whole messages off the connection.
struct MessageReader {
    wire: Wire,
    buf: MessageBuffer,
}

impl MessageReader {
    fn next(&mut self) -> Option<Message> {
        let mut chunk = [0u8; 16 * 1024];
        loop {
            match self.buf.next_message() {
                Ok(Some(m)) => return Some(m),
                Ok(None) => {}
                Err(_) => return None,
            }
            match self.wire.read(&mut chunk) {
                Ok(0) | Err(_) => return None,
                Ok(n) => self.buf.push(chunk.get(..n).unwrap_or_default()),
            }
        }
    }
}

/// Serves one connection to its end. Errors end the connection; nothing here panics on
/// client bytes.
pub(crate) fn serve(stream: TcpStream, instance: &Instance, config: &ServerConfig, stats: &Stats) {
    let _ = stream.set_nodelay(true);
    // A client has this long to log in; a silent connection does not keep a thread.
    let _ = stream.set_read_timeout(Some(config.login_timeout));
    // TDS 8 strict mode starts with a TLS ClientHello (record type 0x16, not a TDS packet
    // type): TLS first, then PRELOGIN and everything else inside it.
    let mut first = [0u8; 1];
    let strict = matches!(stream.peek(&mut first), Ok(1) if first[0] == 0x16);
    let wire = if strict {
        let Some(tls) = &config.tls else {
            return;
        };
        let Some(wire) = strict_handshake(stream, tls) else {
            return;
        };
        wire
    } else {
        Wire::plain(stream)
    };
    let mut reader = MessageReader {
        wire: wire.clone(),
        buf: MessageBuffer::new(REQUEST_BYTES_MAX),
    };
    let mut w = PacketWriter::new(wire);
    let Some(mut exec) = login(&mut reader, &mut w, instance, config, strict) else {
        return;
    };
    // Logged in: requests may be far apart.
    let _ = w.wire.socket().set_read_timeout(None);

    // From here on a reader thread watches the socket so an ATTENTION can cancel a running
    // batch; the session thread (this one) runs requests in order.
    let cancel = exec.session().cancel_flag();
    let (tx, rx) = mpsc::channel::<Incoming>();
    // The flag of the current session: a connection reset gives the connection a new
    // session, and ATTENTION must reach that one.
    let cancel_slot = Arc::new(std::sync::Mutex::new(Arc::clone(&cancel)));
    let reader_slot = Arc::clone(&cancel_slot);
    let cancel_current = move || {
        reader_slot
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .store(true, Ordering::SeqCst);
    };
    let spawned = std::thread::Builder::new()
        .name("tds-read".to_string())
        .spawn(move || {
            loop {
                let Some(m) = reader.next() else {
                    let _ = tx.send(Incoming::Closed);
                    // The client is gone: stop whatever it was running.
                    cancel_current();
                    return;
                };
                if m.ty == PacketType::Attention {
                    cancel_current();
                }
                if tx.send(Incoming::Request(m)).is_err() {
                    return;
                }
            }
        });
    if spawned.is_err() {
        return;
    }
    let mut conn = Conn {
        exec,
        instance: instance.clone(),
        config,
        cancel,
        cancel_slot,
        rx,
        next_descriptor: 1,
        descriptor: [0; 8],
        login_db: String::new(),
        prepared: Prepared::default(),
    };
    conn.login_db = conn.exec.session().database_name();
    while let Ok(Incoming::Request(m)) = conn.rx.recv() {
        stats.request();
        conn.handle(m, &mut w);
        if w.failed.is_some() {
            break;
        }
    }
    // The reader thread may still wait on the socket: closing it ends that thread too.
    let _ = w.wire.socket().shutdown(std::net::Shutdown::Both);
    // Dropping the executor rolls back an open transaction, as SQL Server does when a
    // connection closes.
}

/// PRELOGIN and LOGIN7; `None` when the connection must close.
fn login(
    reader: &mut MessageReader,
    w: &mut PacketWriter,
    instance: &Instance,
    config: &ServerConfig,
    strict: bool,
) -> Option<Executor> {
    let first = reader.next()?;
    let login_msg = if first.ty == PacketType::PreLogin {
        let client = PreLogin::decode(&first.payload).ok()?;
        // Full TLS when the client asks for it (ON / REQ) and a certificate is set up.
        // A client that only offers encryption (OFF) is answered NOT_SUP and goes on in
        // clear text, as it would without TLS support (no login-only encryption).
        // In strict mode the connection is already TLS.
        let tls = config.tls.as_ref().filter(|_| {
            !strict && matches!(client.encryption, Some(encryption::ON | encryption::REQ))
        });
        let reply = PreLogin {
            version: Some([
                REPORTED_VERSION[0],
                REPORTED_VERSION[1],
                REPORTED_VERSION[2],
                REPORTED_VERSION[3],
                0,
                0,
            ]),
            // No TLS: clients that do not insist on encryption go on in clear text; a client
            // that requires it stops here with its own message.
            encryption: Some(if tls.is_some() || strict {
                encryption::ON
            } else {
                encryption::NOT_SUP
            }),
            instance: Some(vec![0]),
            // THREADID is empty from a server (drivers check it).
            thread_id: None,
            mars: client.mars.map(|_| 0),
        };
        w.buf.extend_from_slice(&reply.encode());
        w.finish();
        if let Some(tls) = tls {
            let wire = tls_handshake(reader, w, tls)?;
            reader.wire = wire.clone();
            w.wire = wire;
        }
        reader.next()?
    } else {
        first
    };
    if login_msg.ty != PacketType::Login7 {
        return None;
    }
    let login = match Login7::decode(&login_msg.payload) {
        Ok(l) => l,
        Err(_) => {
            login_failed(w, config, "", "The login packet is malformed.");
            return None;
        }
    };
    if login.tds_version < sbroker_tds::TDS_7_2 {
        login_failed(
            w,
            config,
            &login.username,
            "The client's TDS version is older than 7.2, which sbroker does not speak.",
        );
        return None;
    }
    // Integrated (SSPI) security is not offered: only SQL logins or trust mode.
    let integrated = login.option_flags2 & 0x80 != 0;
    let accepted = match &config.auth {
        Auth::Trust => true,
        Auth::SaPassword(pw) => {
            !integrated
                && if login.username.eq_ignore_ascii_case("sa") {
                    login.password == *pw
                } else {
                    instance.check_login_password(&login.username, &login.password)
                }
        }
    };
    if !accepted {
        login_failed(w, config, &login.username, "");
        return None;
    }
    let mut exec = Executor::new(instance);
    let encrypted = !matches!(w.wire, Wire::Plain(_));
    let peer = w.wire.socket().peer_addr().ok().map(|a| a.to_string());
    let login_name = match &config.auth {
        // Trust mode runs every login as sa.
        Auth::Trust => "sa".to_string(),
        Auth::SaPassword(_) => login.username.clone(),
    };
    exec.session().set_client_info(|i| {
        i.login_name = login_name;
        i.host_name = login.hostname.clone();
        i.program_name = login.app_name.clone();
        i.client_address = peer;
        i.net_transport = Some("TCP".into());
        i.encrypted = encrypted;
    });
    let old_db = exec.session().database_name();
    if !login.database.is_empty()
        && let Err(e) = exec.session().use_database(&login.database)
    {
        let _ = e;
        let m = ServerMessage {
            number: 4060,
            state: 1,
            class: 11,
            text: format!(
                "Cannot open database \"{}\" requested by the login. The login failed.",
                login.database
            ),
            server: config.server_name.clone(),
            procedure: String::new(),
            line: 1,
        };
        encode_message(&mut w.buf, kind::ERROR, &m);
        login_failed(w, config, &login.username, "");
        return None;
    }
    let packet_size = match login.packet_size {
        0 => packet::PACKET_SIZE_DEFAULT,
        n => (n as usize).clamp(packet::PACKET_SIZE_MIN, packet::PACKET_SIZE_MAX),
    };
    let db = exec.session().database_name();
    let out = &mut w.buf;
    encode_env_change(
        out,
        &EnvChange::Database {
            new: db.clone(),
            old: old_db,
        },
    );
    info(
        out,
        config,
        5701,
        &format!("Changed database context to '{db}'."),
    );
    encode_env_change(out, &EnvChange::Language("us_english".into()));
    info(out, config, 5703, "Changed language setting to us_english.");
    encode_env_change(out, &EnvChange::Collation(sbroker_tds::DEFAULT_COLLATION));
    encode_env_change(out, &EnvChange::PacketSize(packet_size as u32));
    // Agree on the client's version when it is one sbroker speaks, else on 7.4.
    let tds_version = if login.tds_version <= sbroker_tds::TDS_7_4 {
        login.tds_version
    } else {
        sbroker_tds::TDS_7_4
    };
    encode_login_ack(
        out,
        &LoginAck {
            interface: 1,
            tds_version,
            prog_name: "Microsoft SQL Server".into(),
            version: REPORTED_VERSION,
        },
    );
    if login.has_feature_ext() {
        // No feature is acknowledged: an empty FEATUREEXTACK.
        out.extend_from_slice(&[kind::FEATURE_EXT_ACK, 0xFF]);
    }
    encode_done(out, kind::DONE, done_status::FINAL, 0);
    w.finish();
    w.set_packet_size(packet_size);
    if w.failed.is_some() {
        return None;
    }
    Some(exec)
}

/// TDS 8 strict mode: the TLS handshake straight on the socket (ALPN `tds/8.0`).
fn strict_handshake(stream: TcpStream, tls: &TlsSetup) -> Option<Wire> {
    let mut conn = rustls::ServerConnection::new(Arc::clone(&tls.strict)).ok()?;
    let sock = Arc::new(stream);
    // The login timeout set on the socket bounds the handshake too.
    while conn.is_handshaking() {
        conn.complete_io(&mut &*sock).ok()?;
    }
    Some(Wire::tls(sock, conn, Vec::new()))
}

/// The TLS handshake inside PRELOGIN packets; returns the TLS stream for the rest of the
/// connection.
fn tls_handshake(reader: &mut MessageReader, w: &mut PacketWriter, tls: &TlsSetup) -> Option<Wire> {
    let mut conn = rustls::ServerConnection::new(Arc::clone(&tls.config)).ok()?;
    // A handshake takes two or three flights; a client that keeps talking is not one.
    for _ in 0..16 {
        let m = reader.next()?;
        if m.ty != PacketType::PreLogin {
            return None;
        }
        let mut records = m.payload.as_slice();
        while !records.is_empty() {
            conn.read_tls(&mut records).ok()?;
            conn.process_new_packets().ok()?;
        }
        let mut out = Vec::new();
        while conn.wants_write() {
            conn.write_tls(&mut out).ok()?;
        }
        if !out.is_empty() {
            let mut wire = Vec::new();
            let mut id = 1;
            packet::frame(
                PacketType::PreLogin,
                &out,
                packet::PACKET_SIZE_DEFAULT,
                true,
                &mut id,
                &mut wire,
            );
            w.wire.write_all(&wire).ok()?;
        }
        if !conn.is_handshaking() {
            let early = reader.buf.take_pending();
            return Some(Wire::tls(Arc::clone(w.wire.socket()), conn, early));
        }
    }
    None
}

fn info(out: &mut Vec<u8>, config: &ServerConfig, number: i32, text: &str) {
    encode_message(
        out,
        kind::INFO,
        &ServerMessage {
            number,
            state: 1,
            class: 0,
            text: text.to_string(),
            server: config.server_name.clone(),
            procedure: String::new(),
            line: 1,
        },
    );
}

/// Error 18456 and the end of the login response.
fn login_failed(w: &mut PacketWriter, config: &ServerConfig, user: &str, detail: &str) {
    let mut text = format!("Login failed for user '{user}'.");
    if !detail.is_empty() {
        text.push(' ');
        text.push_str(detail);
    }
    encode_message(
        &mut w.buf,
        kind::ERROR,
        &ServerMessage {
            number: 18456,
            state: 1,
            class: 14,
            text,
            server: config.server_name.clone(),
            procedure: String::new(),
            line: 1,
        },
    );
    encode_done(&mut w.buf, kind::DONE, done_status::ERROR, 0);
    w.finish();
}

/// A prepared statement's handle as an OUTPUT parameter value.
fn handle_value((pos, name, h): (usize, String, i32)) -> (usize, String, TypeInfo, Value) {
    (pos, name, TypeInfo::of(&SqlType::Int), Value::Int(h))
}

/// The session state of a logged-in connection.
struct Conn<'a> {
    exec: Executor,
    instance: Instance,
    config: &'a ServerConfig,
    cancel: Arc<AtomicBool>,
    /// Where the reader thread finds the current session's cancel flag.
    cancel_slot: Arc<std::sync::Mutex<Arc<AtomicBool>>>,
    rx: mpsc::Receiver<Incoming>,
    next_descriptor: u64,
    /// Descriptor of the open transaction, as last reported to the client.
    descriptor: [u8; 8],
    /// The database the login chose (a connection reset goes back to it).
    login_db: String,
    /// Statements prepared with sp_prepare / sp_prepexec.
    prepared: Prepared,
}

impl Conn<'_> {
    fn handle(&mut self, m: Message, w: &mut PacketWriter) {
        if m.status & (packet::STATUS_RESET_CONNECTION | packet::STATUS_RESET_CONNECTION_SKIP_TRAN)
            != 0
        {
            self.reset();
        }
        let before = self.state();
        let failed = match m.ty {
            PacketType::SqlBatch => match request::decode_sql_batch(&m.payload, true) {
                Ok(text) => self.batch(&text, w),
                Err(e) => self.protocol_error(w, &e.to_string()),
            },
            PacketType::Rpc => self.rpc(&m.payload, w),
            PacketType::TransactionManager => self.transaction_manager(&m.payload, w),
            PacketType::Attention => {
                // The request it meant to cancel has already ended.
                self.cancel.store(false, Ordering::SeqCst);
                encode_done(&mut w.buf, kind::DONE, done_status::ATTN, 0);
                w.finish();
                return;
            }
            other => self.protocol_error(w, &format!("unexpected {other:?} message")),
        };
        if self.cancel.load(Ordering::SeqCst) {
            // Cancelled: the response ends with the attention acknowledgement once the
            // ATTENTION message itself is read (the reader thread queued it).
            loop {
                match self.rx.recv() {
                    Ok(Incoming::Request(a)) if a.ty == PacketType::Attention => break,
                    Ok(Incoming::Request(_)) => continue,
                    Ok(Incoming::Closed) | Err(_) => return,
                }
            }
            self.cancel.store(false, Ordering::SeqCst);
            encode_done(&mut w.buf, kind::DONE, done_status::ATTN, 0);
            w.finish();
            return;
        }
        self.env_changes(before, w);
        let mut status = if failed {
            done_status::ERROR
        } else {
            done_status::FINAL
        };
        if self.exec.session().in_transaction() {
            status |= done_status::IN_XACT;
        }
        // RPC responses already ended with DONEPROC.
        if m.ty != PacketType::Rpc {
            encode_done(&mut w.buf, kind::DONE, status, 0);
        }
        w.finish();
    }

    /// Runs a SQL batch; true if it failed.
    fn batch(&mut self, sql: &str, w: &mut PacketWriter) -> bool {
        let cancel = Arc::clone(&self.cancel);
        let config = self.config;
        let mut sink = TdsSink::new(w, false, &cancel, &config.server_name);
        let failed = self.exec.execute_batch(sql, &mut sink).failed;
        sink.close();
        failed
    }

    /// (database, in a transaction).
    fn state(&mut self) -> (String, bool) {
        let s = self.exec.session();
        (s.database_name(), s.in_transaction())
    }

    /// ENVCHANGE tokens for what the request changed.
    fn env_changes(&mut self, before: (String, bool), w: &mut PacketWriter) {
        let after = self.state();
        if after.0 != before.0 {
            encode_env_change(
                &mut w.buf,
                &EnvChange::Database {
                    new: after.0.clone(),
                    old: before.0,
                },
            );
            info(
                &mut w.buf,
                self.config,
                5701,
                &format!("Changed database context to '{}'.", after.0),
            );
        }
        match (before.1, after.1) {
            (false, true) => {
                self.descriptor = self.next_descriptor.to_le_bytes();
                self.next_descriptor += 1;
                encode_env_change(&mut w.buf, &EnvChange::BeginTransaction(self.descriptor));
            }
            // A zero descriptor: the end was already reported (a TM rollback request).
            (true, false) if self.descriptor != [0; 8] => {
                // Committed or rolled back: the trancount alone does not say which; a
                // rollback is reported only when the client asked for one (TM request).
                encode_env_change(&mut w.buf, &EnvChange::CommitTransaction(self.descriptor));
                self.descriptor = [0; 8];
            }
            _ => {}
        }
    }

    /// sp_reset_connection: roll back, forget session state, return to the login database.
    fn reset(&mut self) {
        let info = self.exec.session().client_info();
        self.exec = Executor::new(&self.instance);
        if let Some(info) = info {
            self.exec.session().set_client_info(|i| {
                *i = SessionInfo {
                    login_time: i.login_time,
                    ..info
                }
            });
        }
        self.cancel = self.exec.session().cancel_flag();
        *self
            .cancel_slot
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::clone(&self.cancel);
        let db = self.login_db.clone();
        let _ = self.exec.session().use_database(&db);
        self.descriptor = [0; 8];
        self.prepared = Prepared::default();
    }

    fn protocol_error(&mut self, w: &mut PacketWriter, detail: &str) -> bool {
        let err = ServerError::new(
            8009,
            format!(
                "The incoming tabular data stream (TDS) protocol stream is incorrect: {detail}."
            ),
        );
        let mut sink = TdsSink::new(w, false, &self.cancel, &self.config.server_name);
        sbroker_exec::ResultSink::error(&mut sink, &err);
        true
    }

    fn rpc(&mut self, payload: &[u8], w: &mut PacketWriter) -> bool {
        let calls = match request::decode_rpc(payload, true, REQUEST_BYTES_MAX) {
            Ok(c) => c,
            Err(e) => {
                self.protocol_error(w, &e.to_string());
                encode_done(&mut w.buf, kind::DONE, done_status::ERROR, 0);
                return true;
            }
        };
        let n = calls.len();
        let mut any_failed = false;
        for (i, call) in calls.into_iter().enumerate() {
            let plan = self.prepared.plan(&call.proc.name(), call.params);
            let (failed, status, outputs) = match plan {
                Plan::Error(e) => {
                    let mut sink = TdsSink::new(w, true, &self.cancel, &self.config.server_name);
                    sbroker_exec::ResultSink::error(&mut sink, &e);
                    (true, None, Vec::new())
                }
                Plan::Done { handle_out } => (
                    false,
                    Some(0),
                    handle_out.into_iter().map(handle_value).collect(),
                ),
                Plan::Run {
                    name,
                    args,
                    handle_out,
                } => {
                    let positions: Vec<(usize, TypeInfo)> =
                        args.iter().map(|(pos, p)| (*pos, p.ty)).collect();
                    let args: Vec<RpcArg> = args
                        .into_iter()
                        .map(|(_, p)| RpcArg {
                            output: p.is_output(),
                            name: (!p.name.is_empty()).then_some(p.name),
                            ty: p.ty.sql_type(),
                            value: p.value,
                        })
                        .collect();
                    let outcome = {
                        let cancel = Arc::clone(&self.cancel);
                        let server_name = self.config.server_name.clone();
                        let mut sink = TdsSink::new(w, true, &cancel, &server_name);
                        let outcome = self.exec.execute_rpc(&name, args, &mut sink);
                        sink.close();
                        outcome
                    };
                    if self.cancel.load(Ordering::SeqCst) {
                        return true;
                    }
                    let mut outputs: Vec<(usize, String, TypeInfo, Value)> =
                        handle_out.into_iter().map(handle_value).collect();
                    for (k, pname, _ty, value) in outcome.outputs {
                        let Some((pos, ti)) = positions.get(k).copied() else {
                            continue;
                        };
                        let value = value.cast(&ti.sql_type()).unwrap_or(Value::Null);
                        outputs.push((pos, pname, ti, value));
                    }
                    (outcome.failed, outcome.status, outputs)
                }
            };
            any_failed |= failed;
            if let Some(s) = status {
                encode_return_status(&mut w.buf, s);
            }
            for (pos, pname, ti, value) in &outputs {
                let mut tmp = Vec::new();
                let ordinal = u16::try_from(*pos).unwrap_or(u16::MAX);
                if encode_return_value(&mut tmp, ordinal, pname, ti, value).is_ok() {
                    w.buf.extend_from_slice(&tmp);
                }
            }
            let mut status = if failed {
                done_status::ERROR
            } else {
                done_status::FINAL
            };
            if i + 1 < n {
                status |= done_status::MORE;
            }
            encode_done(&mut w.buf, kind::DONE_PROC, status, 0);
            w.flush_full();
        }
        any_failed
    }

    fn transaction_manager(&mut self, payload: &[u8], w: &mut PacketWriter) -> bool {
        let req = match request::decode_tm(payload, true) {
            Ok(r) => r,
            Err(e) => return self.protocol_error(w, &e.to_string()),
        };
        let sql = match &req {
            TmRequest::Begin(_) => "BEGIN TRANSACTION".to_string(),
            TmRequest::Commit { begin_new: false } => "COMMIT TRANSACTION".to_string(),
            TmRequest::Commit { begin_new: true } => {
                "COMMIT TRANSACTION; BEGIN TRANSACTION".to_string()
            }
            TmRequest::Rollback { name, begin_new } => {
                let target = if name.is_empty() {
                    String::new()
                } else {
                    format!(" [{}]", name.replace(']', "]]"))
                };
                let again = if *begin_new {
                    "; BEGIN TRANSACTION"
                } else {
                    ""
                };
                format!("IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION{target}{again}")
            }
            TmRequest::Save(name) => format!("SAVE TRANSACTION [{}]", name.replace(']', "]]")),
            TmRequest::Other(t) => {
                return self.protocol_error(w, &format!("transaction manager request {t}"));
            }
        };
        let was = self.exec.session().in_transaction();
        let failed = self.batch(&sql, w);
        // A rollback is reported as such; env_changes reports the rest.
        if was && !self.exec.session().in_transaction() && matches!(req, TmRequest::Rollback { .. })
        {
            encode_env_change(&mut w.buf, &EnvChange::RollbackTransaction(self.descriptor));
            self.descriptor = [0; 8];
        }
        failed
    }
}
