//! A blocking TDS client: what `sbroker sql` uses to talk to `sbroker serve` (or any server
//! that answers with the tokens sbroker sends).

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use sbroker_exec::{Column, ResultSink};
use sbroker_tds::buf::Reader;
use sbroker_tds::login7::Login7;
use sbroker_tds::packet::{self, MessageBuffer, PacketType};
use sbroker_tds::prelogin::{PreLogin, encryption};
use sbroker_tds::request;
use sbroker_tds::token::{EnvChange, Token, TokenDecoder, done_status, kind};
use sbroker_types::{ServerError, Value};

/// Largest response message the client accepts.
const RESPONSE_BYTES_MAX: usize = 1 << 30;

/// Where and how to connect.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// `host:port` (also `host,port` as sqlcmd writes it).
    pub server: String,
    /// Login name.
    pub user: String,
    /// Password.
    pub password: String,
    /// Initial database (empty: the login's default).
    pub database: String,
    /// Application name sent in LOGIN7.
    pub app_name: String,
    /// Connect timeout.
    pub connect_timeout: Duration,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            server: "127.0.0.1:1433".into(),
            user: "sa".into(),
            password: String::new(),
            database: String::new(),
            app_name: "sbroker sql".into(),
            connect_timeout: Duration::from_secs(15),
        }
    }
}

/// A client failure.
#[derive(Debug)]
pub enum ClientError {
    /// The connection failed.
    Io(std::io::Error),
    /// The server sent bytes this client cannot read.
    Protocol(String),
    /// The server refused the login.
    Login(ServerError),
}

impl std::fmt::Display for ClientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClientError::Io(e) => write!(f, "{e}"),
            ClientError::Protocol(m) => write!(f, "protocol error: {m}"),
            ClientError::Login(e) => {
                write!(f, "Msg {}, Level {}: {}", e.number, e.severity, e.message)
            }
        }
    }
}

impl std::error::Error for ClientError {}

impl From<std::io::Error> for ClientError {
    fn from(e: std::io::Error) -> Self {
        ClientError::Io(e)
    }
}

impl From<sbroker_tds::Error> for ClientError {
    fn from(e: sbroker_tds::Error) -> Self {
        ClientError::Protocol(e.to_string())
    }
}

/// A logged-in connection.
pub struct Client {
    stream: TcpStream,
    buf: MessageBuffer,
    packet_size: usize,
    descriptor: [u8; 8],
    database: String,
}

fn to_error(m: &sbroker_tds::token::ServerMessage) -> ServerError {
    let mut e = ServerError::new(m.number, m.text.clone())
        .with_severity(m.class)
        .with_state(m.state)
        .at_line(m.line);
    if !m.procedure.is_empty() {
        e.procedure = Some(m.procedure.clone());
    }
    e
}

impl Client {
    /// Connects and logs in.
    pub fn connect(cfg: &ClientConfig) -> Result<Client, ClientError> {
        let server = match cfg.server.split_once(',') {
            Some((h, p)) => format!("{}:{}", h.trim(), p.trim()),
            None if cfg.server.contains(':') => cfg.server.clone(),
            None => format!("{}:1433", cfg.server),
        };
        let addr = server
            .to_socket_addrs()?
            .next()
            .ok_or_else(|| ClientError::Protocol(format!("cannot resolve {server}")))?;
        let stream = TcpStream::connect_timeout(&addr, cfg.connect_timeout)?;
        stream.set_nodelay(true)?;
        let mut c = Client {
            stream,
            buf: MessageBuffer::new(RESPONSE_BYTES_MAX),
            packet_size: packet::PACKET_SIZE_DEFAULT,
            descriptor: [0; 8],
            database: String::new(),
        };
        let pre = PreLogin {
            version: Some([0, 1, 0, 0, 0, 0]),
            encryption: Some(encryption::NOT_SUP),
            instance: Some(vec![0]),
            thread_id: Some(std::process::id()),
            mars: Some(0),
        };
        c.send(PacketType::PreLogin, &pre.encode())?;
        let reply = c.receive()?;
        let reply = PreLogin::decode(&reply)?;
        if matches!(reply.encryption, Some(encryption::REQ | encryption::ON)) {
            return Err(ClientError::Protocol(
                "the server requires encryption, which sbroker sql does not speak".into(),
            ));
        }
        let login = Login7 {
            tds_version: sbroker_tds::TDS_7_4,
            packet_size: 8192,
            client_prog_version: 1,
            client_pid: std::process::id(),
            // USE_DB_ON, INIT_DB_FATAL, SET_LANG_ON; INIT_LANG_FATAL, ODBC.
            option_flags1: 0xE0,
            option_flags2: 0x03,
            type_flags: 0,
            option_flags3: 0,
            hostname: "localhost".into(),
            username: cfg.user.clone(),
            password: cfg.password.clone(),
            app_name: cfg.app_name.clone(),
            server_name: server.clone(),
            library_name: "sbroker".into(),
            language: String::new(),
            database: cfg.database.clone(),
        };
        c.send(PacketType::Login7, &login.encode())?;
        let payload = c.receive()?;
        let mut r = Reader::new(&payload);
        let mut d = TokenDecoder::new();
        let mut acked = false;
        let mut error = None;
        while let Some(t) = d.next(&mut r)? {
            match t {
                Token::LoginAck(_) => acked = true,
                Token::Error(m) => {
                    error.get_or_insert(to_error(&m));
                }
                Token::EnvChange(e) => c.env_change(e),
                _ => {}
            }
        }
        if !acked {
            return Err(ClientError::Login(error.unwrap_or_else(|| {
                ServerError::new(18456, "Login failed.").with_severity(14)
            })));
        }
        Ok(c)
    }

    /// The current database, as the server last reported it.
    pub fn database(&self) -> &str {
        &self.database
    }

    fn env_change(&mut self, e: EnvChange) {
        match e {
            EnvChange::PacketSize(n) => {
                self.packet_size =
                    (n as usize).clamp(packet::PACKET_SIZE_MIN, packet::PACKET_SIZE_MAX);
            }
            EnvChange::Database { new, .. } => self.database = new,
            EnvChange::BeginTransaction(d) => self.descriptor = d,
            EnvChange::CommitTransaction(_) | EnvChange::RollbackTransaction(_) => {
                self.descriptor = [0; 8];
            }
            _ => {}
        }
    }

    fn send(&mut self, ty: PacketType, payload: &[u8]) -> Result<(), ClientError> {
        let mut wire = Vec::with_capacity(payload.len() + 64);
        let mut id = 1;
        packet::frame(ty, payload, self.packet_size, true, &mut id, &mut wire);
        self.stream.write_all(&wire)?;
        Ok(())
    }

    fn receive(&mut self) -> Result<Vec<u8>, ClientError> {
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            if let Some(m) = self.buf.next_message()? {
                return Ok(m.payload);
            }
            let n = self.stream.read(&mut chunk)?;
            if n == 0 {
                return Err(ClientError::Io(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "the server closed the connection",
                )));
            }
            self.buf.push(chunk.get(..n).unwrap_or_default());
        }
    }

    /// Runs one batch; results go to `sink` as `sbroker run` would print them. Returns true
    /// if the batch failed (an error no TRY/CATCH handled).
    pub fn execute(&mut self, sql: &str, sink: &mut dyn ResultSink) -> Result<bool, ClientError> {
        let payload = request::encode_sql_batch(sql, self.descriptor);
        self.send(PacketType::SqlBatch, &payload)?;
        let response = self.receive()?;
        let mut r = Reader::new(&response);
        let mut d = TokenDecoder::new();
        let mut open: Option<(Vec<Column>, Vec<Vec<Value>>)> = None;
        let mut failed = false;
        while let Some(t) = d.next(&mut r)? {
            match t {
                Token::ColMetadata(cols) => {
                    let cols = cols
                        .into_iter()
                        .map(|c| Column {
                            name: c.name,
                            ty: c.ty.sql_type(),
                        })
                        .collect();
                    open = Some((cols, Vec::new()));
                }
                Token::Row(values) => {
                    if let Some((_, rows)) = open.as_mut() {
                        rows.push(values);
                    }
                }
                Token::Done(done) => {
                    if let Some((cols, rows)) = open.take() {
                        sink.result_set(&cols, &rows);
                    }
                    if done.status & done_status::COUNT != 0 {
                        sink.rows_affected(done.rows);
                    }
                    if done.kind == kind::DONE && done.status & done_status::MORE == 0 {
                        failed = done.status & done_status::ERROR != 0;
                    }
                }
                Token::Error(m) => sink.error(&to_error(&m)),
                // Database and language changes are session state, not output (as in
                // `sbroker run`).
                Token::Info(m) if matches!(m.number, 5701 | 5703) => {}
                Token::Info(m) => sink.message(m.number, m.class, &m.text),
                Token::EnvChange(e) => self.env_change(e),
                _ => {}
            }
        }
        Ok(failed)
    }
}
