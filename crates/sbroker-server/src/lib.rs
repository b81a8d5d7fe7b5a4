//! The TDS server of sbroker (`sbroker serve`) and its client (`sbroker sql`).
//!
//! Runtime glue between the sans-IO codec (`sbroker-tds`) and the interpreter
//! (`sbroker-exec`): a thread per connection, as the interpreter is synchronous and blocks in
//! engine waits (DESIGN §3). Each connection has a second thread that only reads the socket,
//! so an ATTENTION arriving while a batch runs cancels it at once (the engine's waits observe
//! the session's cancel flag).
//!
//! The server takes a bound listener and a shutdown flag (tests bind port 0).

mod client;
mod connection;
pub mod http;
mod prepared;
mod sink;
mod tls;

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use sbroker_engine::Instance;

pub use client::{Client, ClientConfig, ClientError};
pub use tls::TlsSetup;

/// Connections served at once; more are refused until one closes.
pub const CONNECTIONS_MAX: usize = 256;
/// The largest request message accepted (a SEND of a 2 GB body is not served over TDS).
pub const REQUEST_BYTES_MAX: usize = 256 * 1024 * 1024;
/// Version reported in PRELOGIN and LOGINACK: the SQL Server release whose T-SQL surface
/// sbroker follows (16.0.1000 = SQL Server 2022, `sbroker_exec::PRODUCT_VERSION`). Drivers
/// pick protocol features from it.
pub const REPORTED_VERSION: [u8; 4] = [16, 0, 0x03, 0xE8];

/// How the server authenticates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    /// Any login name is accepted and runs as `sa` (loopback only).
    Trust,
    /// SQL authentication: `sa` with this password, or a login made with CREATE LOGIN … WITH
    /// PASSWORD.
    SaPassword(String),
}

/// Server settings.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Authentication mode.
    pub auth: Auth,
    /// Name reported in messages (ERROR/INFO tokens) and @@SERVERNAME-like places.
    pub server_name: String,
    /// TLS for clients that ask for encryption; `None` answers ENCRYPT_NOT_SUP to all.
    pub tls: Option<TlsSetup>,
    /// How long a new connection may take to finish PRELOGIN, TLS and LOGIN7; a silent
    /// client does not keep a thread.
    pub login_timeout: Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            auth: Auth::Trust,
            server_name: "sbroker".to_string(),
            tls: None,
            login_timeout: Duration::from_secs(30),
        }
    }
}

impl ServerConfig {
    /// The default settings with `auth`.
    pub fn default_with(auth: Auth) -> Self {
        Self {
            auth,
            ..Self::default()
        }
    }
}

/// Counters of the TDS side, shown by the HTTP dashboard and metrics.
#[derive(Debug, Default)]
pub struct Stats {
    open: AtomicU64,
    accepted: AtomicU64,
    requests: AtomicU64,
}

impl Stats {
    /// (open connections, connections accepted, requests served).
    pub fn read(&self) -> (u64, u64, u64) {
        (
            self.open.load(Ordering::Relaxed),
            self.accepted.load(Ordering::Relaxed),
            self.requests.load(Ordering::Relaxed),
        )
    }

    pub(crate) fn request(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }
}

/// Whether trust mode may listen on `addr`: loopback addresses only (DESIGN §2).
pub fn trust_allowed(addr: &SocketAddr) -> bool {
    addr.ip().is_loopback()
}

/// Serves TDS on `listener` until `shutdown` is set. Each connection gets a thread; the
/// call returns once the accept loop stops (open connections end with their clients).
pub fn run(
    listener: TcpListener,
    instance: Instance,
    config: ServerConfig,
    shutdown: Arc<AtomicBool>,
) -> std::io::Result<()> {
    run_with_stats(
        listener,
        instance,
        config,
        shutdown,
        Arc::new(Stats::default()),
    )
}

/// [`run`], counting connections and requests in `stats`.
pub fn run_with_stats(
    listener: TcpListener,
    instance: Instance,
    config: ServerConfig,
    shutdown: Arc<AtomicBool>,
    stats: Arc<Stats>,
) -> std::io::Result<()> {
    if config.auth == Auth::Trust && !trust_allowed(&listener.local_addr()?) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "trust mode (no --sa-password) listens on loopback addresses only",
        ));
    }
    listener.set_nonblocking(true)?;
    let config = Arc::new(config);
    let mut next_spid: u16 = 51;
    while !shutdown.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, _peer)) => {
                if stats.open.load(Ordering::SeqCst) >= CONNECTIONS_MAX as u64 {
                    // Closing without a reply: the client reports a failed connection.
                    drop(stream);
                    continue;
                }
                stream.set_nonblocking(false)?;
                let spid = next_spid;
                next_spid = if next_spid == u16::MAX {
                    51
                } else {
                    next_spid + 1
                };
                let instance = instance.clone();
                let config = Arc::clone(&config);
                let stats_here = Arc::clone(&stats);
                stats.open.fetch_add(1, Ordering::SeqCst);
                stats.accepted.fetch_add(1, Ordering::Relaxed);
                let spawned = std::thread::Builder::new()
                    .name(format!("tds-{spid}"))
                    .spawn(move || {
                        connection::serve(stream, &instance, &config, &stats_here);
                        stats_here.open.fetch_sub(1, Ordering::SeqCst);
                    });
                if spawned.is_err() {
                    stats.open.fetch_sub(1, Ordering::SeqCst);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            // Per-connection failures (ECONNABORTED, EMFILE) must not stop the server.
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    Ok(())
}
