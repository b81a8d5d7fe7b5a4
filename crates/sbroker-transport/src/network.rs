//! The network seam (STYLE rule 7): links reach the outside world only through
//! [`Network`], so a fault-injecting network or a simulator can stand in for TCP.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::time::Duration;

/// A byte stream to a peer.
pub trait Conn: Read + Write + Send {
    /// Read timeout (`None` blocks); a read that times out returns `WouldBlock` or
    /// `TimedOut`.
    fn set_read_timeout(&self, t: Option<Duration>) -> io::Result<()>;
    /// Write timeout.
    fn set_write_timeout(&self, t: Option<Duration>) -> io::Result<()>;
    /// The peer's address, for logs and sys.dm_broker_connections.
    fn peer(&self) -> String;
    /// Closes both directions now.
    fn close(&self);
}

/// Where connections come from.
pub trait Listener: Send {
    /// A waiting connection, if any; never blocks for long (the caller polls so that it
    /// can follow the endpoint's state).
    fn poll_accept(&self) -> io::Result<Option<Box<dyn Conn>>>;
}

/// Connecting and listening.
pub trait Network: Send + Sync + 'static {
    /// Connects to `host:port` within `timeout`.
    fn connect(&self, host_port: &str, timeout: Duration) -> io::Result<Box<dyn Conn>>;
    /// Listens on `addr`.
    fn listen(&self, addr: SocketAddr) -> io::Result<Box<dyn Listener>>;
}

/// Real TCP.
#[derive(Debug, Default, Clone, Copy)]
pub struct TcpNetwork;

impl Conn for TcpStream {
    fn set_read_timeout(&self, t: Option<Duration>) -> io::Result<()> {
        TcpStream::set_read_timeout(self, t)
    }
    fn set_write_timeout(&self, t: Option<Duration>) -> io::Result<()> {
        TcpStream::set_write_timeout(self, t)
    }
    fn peer(&self) -> String {
        self.peer_addr().map(|a| a.to_string()).unwrap_or_default()
    }
    fn close(&self) {
        let _ = self.shutdown(std::net::Shutdown::Both);
    }
}

struct TcpListen(TcpListener);

impl Listener for TcpListen {
    fn poll_accept(&self) -> io::Result<Option<Box<dyn Conn>>> {
        match self.0.accept() {
            Ok((s, _)) => {
                s.set_nonblocking(false)?;
                let _ = s.set_nodelay(true);
                Ok(Some(Box::new(s)))
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(None),
            Err(e) => Err(e),
        }
    }
}

impl Network for TcpNetwork {
    fn connect(&self, host_port: &str, timeout: Duration) -> io::Result<Box<dyn Conn>> {
        let addr = host_port
            .to_socket_addrs()?
            .next()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "address does not resolve"))?;
        let s = TcpStream::connect_timeout(&addr, timeout)?;
        let _ = s.set_nodelay(true);
        Ok(Box::new(s))
    }

    fn listen(&self, addr: SocketAddr) -> io::Result<Box<dyn Listener>> {
        let l = TcpListener::bind(addr)?;
        l.set_nonblocking(true)?;
        Ok(Box::new(TcpListen(l)))
    }
}
