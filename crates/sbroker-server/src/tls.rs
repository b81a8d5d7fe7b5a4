//! TLS for TDS 7.x [MS-TDS 2.2.6.5, 3.3.5.4]: when a client asks for encryption in PRELOGIN,
//! the TLS handshake travels inside PRELOGIN packets; after it, the connection carries raw
//! TLS records with the TDS packets inside.
//!
//! Like SQL Server without a configured certificate, the server makes a self-signed
//! certificate at startup, so clients connect with `TrustServerCertificate=yes` (or their
//! equivalent). The handshake and record layer are rustls; this file only moves bytes
//! between the socket, the PRELOGIN wrapping and rustls.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};

use rustls::ServerConnection;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// The server's TLS settings.
#[derive(Clone)]
pub struct TlsSetup {
    /// TDS 7.x: TLS inside PRELOGIN.
    pub(crate) config: Arc<rustls::ServerConfig>,
    /// TDS 8 strict: TLS first, ALPN `tds/8.0`.
    pub(crate) strict: Arc<rustls::ServerConfig>,
    /// The certificate (DER), for clients that pin it (strict mode verifies it).
    pub cert_der: Vec<u8>,
}

impl std::fmt::Debug for TlsSetup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TlsSetup")
    }
}

impl TlsSetup {
    /// A fresh self-signed certificate for `localhost` and 127.0.0.1 (ECDSA P-256).
    pub fn self_signed() -> Result<Self, String> {
        let names = vec!["localhost".to_string(), "127.0.0.1".to_string()];
        let ck = rcgen::generate_simple_self_signed(names)
            .map_err(|e| format!("cannot make a certificate: {e}"))?;
        let der = ck.cert.der().to_vec();
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(ck.signing_key.serialize_der()));
        Self::from_der(vec![CertificateDer::from(der)], key)
    }

    /// A certificate chain and its private key.
    pub fn from_der(
        chain: Vec<CertificateDer<'static>>,
        key: PrivateKeyDer<'static>,
    ) -> Result<Self, String> {
        // TLS 1.2: the version drivers use inside TDS 7.x PRELOGIN (Microsoft's ODBC driver
        // drops the connection when offered 1.3 there; 1.3 belongs to TDS 8 strict mode).
        let cert_der = chain.first().map(|c| c.to_vec()).unwrap_or_default();
        let mut config =
            rustls::ServerConfig::builder_with_protocol_versions(&[&rustls::version::TLS12])
                .with_no_client_auth()
                .with_single_cert(chain.clone(), key.clone_key())
                .map_err(|e| format!("bad certificate or key: {e}"))?;
        // Session tickets would be sent after the handshake, while some clients still read
        // PRELOGIN-wrapped records.
        config.send_tls13_tickets = 0;
        // Strict mode is plain TLS (1.2 or 1.3) whose application protocol is TDS 8.
        let mut strict = rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| format!("bad certificate or key: {e}"))?;
        strict.alpn_protocols = vec![b"tds/8.0".to_vec()];
        strict.send_tls13_tickets = 0;
        Ok(Self {
            config: Arc::new(config),
            strict: Arc::new(strict),
            cert_der,
        })
    }
}

/// The byte stream of a connection: plain TCP, or TLS over it. Cloned between the reader
/// thread and the writer; TLS state is shared under a lock that is never held while
/// waiting for the peer's bytes.
#[derive(Clone)]
pub(crate) enum Wire {
    Plain(Arc<TcpStream>),
    Tls(Arc<TlsWire>),
}

pub(crate) struct TlsWire {
    sock: Arc<TcpStream>,
    conn: Mutex<ServerConnection>,
    /// Raw bytes read before the switch to TLS records (after the last PRELOGIN packet).
    early: Mutex<Vec<u8>>,
}

fn tls_err(e: rustls::Error) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e)
}

impl Wire {
    pub(crate) fn plain(sock: TcpStream) -> Self {
        Wire::Plain(Arc::new(sock))
    }

    pub(crate) fn tls(sock: Arc<TcpStream>, conn: ServerConnection, early: Vec<u8>) -> Self {
        Wire::Tls(Arc::new(TlsWire {
            sock,
            conn: Mutex::new(conn),
            early: Mutex::new(early),
        }))
    }

    /// The socket under the stream.
    pub(crate) fn socket(&self) -> &Arc<TcpStream> {
        match self {
            Wire::Plain(s) => s,
            Wire::Tls(t) => &t.sock,
        }
    }

    /// Reads bytes (plain text for TLS); 0 at the end of the stream.
    pub(crate) fn read(&self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Wire::Plain(s) => (&**s).read(buf),
            Wire::Tls(t) => t.read(buf),
        }
    }

    /// Writes all of `bytes`.
    pub(crate) fn write_all(&self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Wire::Plain(s) => (&**s).write_all(bytes),
            Wire::Tls(t) => t.write_all(bytes),
        }
    }
}

impl TlsWire {
    fn lock(&self) -> std::sync::MutexGuard<'_, ServerConnection> {
        self.conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Feeds raw bytes to rustls and sends whatever it wants to send (alerts).
    fn feed(&self, mut raw: &[u8]) -> io::Result<()> {
        let mut conn = self.lock();
        while !raw.is_empty() {
            conn.read_tls(&mut raw)?;
            conn.process_new_packets().map_err(tls_err)?;
        }
        while conn.wants_write() {
            conn.write_tls(&mut &*self.sock)?;
        }
        Ok(())
    }

    fn read(&self, buf: &mut [u8]) -> io::Result<usize> {
        let early = std::mem::take(&mut *self.early.lock().unwrap_or_else(|p| p.into_inner()));
        if !early.is_empty() {
            self.feed(&early)?;
        }
        let mut raw = vec![0u8; 16 * 1024];
        loop {
            match self.lock().reader().read(buf) {
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => return Err(e),
            }
            // No plain text buffered: wait for records without holding the lock.
            let n = (&*self.sock).read(&mut raw)?;
            if n == 0 {
                return Ok(0);
            }
            self.feed(raw.get(..n).unwrap_or_default())?;
        }
    }

    fn write_all(&self, mut bytes: &[u8]) -> io::Result<()> {
        let mut conn = self.lock();
        // rustls buffers at most 64 KiB of unsent records: encrypt and send in turns.
        while !bytes.is_empty() {
            let n = conn.writer().write(bytes)?;
            bytes = bytes.get(n..).unwrap_or_default();
            let mut sent = false;
            while conn.wants_write() {
                conn.write_tls(&mut &*self.sock)?;
                sent = true;
            }
            if n == 0 && !sent {
                return Err(io::ErrorKind::WriteZero.into());
            }
        }
        Ok(())
    }
}
