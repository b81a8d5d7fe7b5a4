//! The links of an instance, for `sys.dm_broker_connections`, logs and tests: who is on
//! the other end, in which state, and how many bytes and messages went each way.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use std::sync::Mutex;

/// Which side opened the link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// This instance connected (it sends messages on the link).
    Outbound,
    /// The peer connected (it sends messages to this instance).
    Inbound,
}

/// What one link shows.
#[derive(Debug, Clone)]
pub struct LinkInfo {
    /// Id, unique in the process.
    pub id: u64,
    /// Which side opened it.
    pub direction: Direction,
    /// The peer's address.
    pub peer: String,
    /// `CONNECTING`, `ONLINE` or `ERROR` (sys.dm_broker_connections `login_state_desc`
    /// words: `ONLINE` once authenticated).
    pub state: String,
    /// The peer's login (from its certificate).
    pub login: String,
    /// The peer's endpoint name.
    pub peer_endpoint: String,
    /// Frames carried in TLS.
    pub encrypted: bool,
    /// Bytes sent.
    pub bytes_sent: u64,
    /// Bytes received.
    pub bytes_received: u64,
    /// Messages sent (outbound) or received (inbound).
    pub messages: u64,
    /// The last error, if any.
    pub last_error: String,
    /// When the link opened (microseconds since 1970).
    pub opened_us: i64,
}

/// A link's entry, updated by its thread.
#[derive(Debug)]
pub struct LinkHandle {
    id: u64,
    info: Mutex<LinkInfo>,
}

impl LinkHandle {
    fn with(&self, f: impl FnOnce(&mut LinkInfo)) {
        if let Ok(mut i) = self.info.lock() {
            f(&mut i);
        }
    }

    /// Authenticated and negotiated.
    pub fn set_online(&self, login: &str, peer_endpoint: &str, encrypted: bool) {
        self.with(|i| {
            i.state = "ONLINE".into();
            i.login = login.into();
            i.peer_endpoint = peer_endpoint.into();
            i.encrypted = encrypted;
        });
    }

    /// The link failed.
    pub fn set_error(&self, e: &str) {
        self.with(|i| {
            i.state = "ERROR".into();
            i.last_error = e.into();
        });
    }

    /// Counters after a batch received.
    pub fn count_received(&self, messages: u64, bytes_in: u64, bytes_out: u64) {
        self.with(|i| {
            i.messages += messages;
            i.bytes_received = bytes_in;
            i.bytes_sent = bytes_out;
        });
    }

    /// Counters after messages sent.
    pub fn count_sent(&self, messages: u64, bytes_in: u64, bytes_out: u64) {
        self.count_received(messages, bytes_in, bytes_out);
    }
}

/// Every open link.
#[derive(Debug, Default)]
pub struct Registry {
    next: AtomicU64,
    links: Mutex<BTreeMap<u64, Arc<LinkHandle>>>,
}

impl Registry {
    /// A new link in state CONNECTING.
    pub fn open(&self, direction: Direction, peer: &str) -> Arc<LinkHandle> {
        let id = self.next.fetch_add(1, Ordering::SeqCst) + 1;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        let h = Arc::new(LinkHandle {
            id,
            info: Mutex::new(LinkInfo {
                id,
                direction,
                peer: peer.into(),
                state: "CONNECTING".into(),
                login: String::new(),
                peer_endpoint: String::new(),
                encrypted: false,
                bytes_sent: 0,
                bytes_received: 0,
                messages: 0,
                last_error: String::new(),
                opened_us: now,
            }),
        });
        if let Ok(mut l) = self.links.lock() {
            l.insert(id, Arc::clone(&h));
        }
        h
    }

    /// The link ended.
    pub fn close(&self, h: &LinkHandle) {
        if let Ok(mut l) = self.links.lock() {
            l.remove(&h.id);
        }
    }

    /// Links opened since start, both directions.
    pub fn opened_total(&self) -> u64 {
        self.next.load(Ordering::SeqCst)
    }

    /// Open links, inbound ones counted.
    pub fn inbound_count(&self) -> usize {
        self.snapshot()
            .iter()
            .filter(|l| l.direction == Direction::Inbound)
            .count()
    }

    /// A copy of every link's state.
    pub fn snapshot(&self) -> Vec<LinkInfo> {
        self.links
            .lock()
            .map(|l| {
                l.values()
                    .filter_map(|h| h.info.lock().ok().map(|i| i.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }
}
