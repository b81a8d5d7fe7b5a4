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
mod prepared;
mod sink;

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use sbroker_engine::Instance;

pub use client::{Client, ClientConfig, ClientError};

/// Connections served at once; more are refused until one closes.
pub const CONNECTIONS_MAX: usize = 256;
/// The largest request message accepted (a SEND of a 2 GB body is not served over TDS).
pub const REQUEST_BYTES_MAX: usize = 256 * 1024 * 1024;
/// Version reported in PRELOGIN and LOGINACK: the SQL Server release whose T-SQL surface
/// sbroker follows (16.0 = SQL Server 2022). Drivers pick protocol features from it.
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
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            auth: Auth::Trust,
            server_name: "sbroker".to_string(),
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
    if config.auth == Auth::Trust && !trust_allowed(&listener.local_addr()?) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "trust mode (no --sa-password) listens on loopback addresses only",
        ));
    }
    listener.set_nonblocking(true)?;
    let config = Arc::new(config);
    let open = Arc::new(AtomicUsize::new(0));
    let mut next_spid: u16 = 51;
    while !shutdown.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, _peer)) => {
                if open.load(Ordering::SeqCst) >= CONNECTIONS_MAX {
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
                let open_here = Arc::clone(&open);
                open.fetch_add(1, Ordering::SeqCst);
                let spawned = std::thread::Builder::new()
                    .name(format!("tds-{spid}"))
                    .spawn(move || {
                        connection::serve(stream, &instance, &config, spid);
                        open_here.fetch_sub(1, Ordering::SeqCst);
                    });
                if spawned.is_err() {
                    open.fetch_sub(1, Ordering::SeqCst);
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
