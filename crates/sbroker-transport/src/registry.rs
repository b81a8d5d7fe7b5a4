//! The links of an instance, for `sys.dm_broker_connections`, logs and tests: who is on
//! the other end, in which state, and how many bytes, frames and messages went each way.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use sbroker_engine::{BrokerConnection, PeerIdentity};

use crate::channel::Channel;

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
    /// `CONNECTING`, `ONLINE` (authenticated) or `ERROR`.
    pub state: String,
    /// The peer's login and certificate, once authenticated.
    pub identity: Option<PeerIdentity>,
    /// The peer's endpoint name.
    pub peer_endpoint: String,
    /// Frames carried in TLS.
    pub encrypted: bool,
    /// Bytes sent.
    pub bytes_sent: u64,
    /// Bytes received.
    pub bytes_received: u64,
    /// Frames sent.
    pub frames_sent: u64,
    /// Frames received.
    pub frames_received: u64,
    /// Messages sent (outbound) or received (inbound).
    pub messages: u64,
    /// The last error, if any.
    pub last_error: String,
    /// When the link opened (microseconds since 1970).
    pub opened_us: i64,
    /// When the peer was authenticated.
    pub online_us: Option<i64>,
    /// Last counter update.
    pub last_activity_us: i64,
}

fn now_us() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A link's entry, updated by its thread.
#[derive(Debug)]
pub struct LinkHandle {
    id: u64,
    info: Mutex<LinkInfo>,
}

impl LinkHandle {
    /// The link's id.
    pub fn id(&self) -> u64 {
        self.id
    }

    fn with(&self, f: impl FnOnce(&mut LinkInfo)) {
        if let Ok(mut i) = self.info.lock() {
            f(&mut i);
        }
    }

    /// Authenticated and negotiated.
    pub fn set_online(&self, peer: &PeerIdentity, peer_endpoint: &str, encrypted: bool) {
        self.with(|i| {
            i.state = "ONLINE".into();
            i.identity = Some(peer.clone());
            i.peer_endpoint = peer_endpoint.into();
            i.encrypted = encrypted;
            i.online_us = Some(now_us());
        });
    }

    /// The link failed.
    pub fn set_error(&self, e: &str) {
        self.with(|i| {
            i.state = "ERROR".into();
            i.last_error = e.into();
        });
    }

    /// Counters after `messages` messages went through `chan`.
    pub fn count(&self, messages: u64, chan: &Channel) {
        self.with(|i| {
            i.messages += messages;
            i.bytes_received = chan.bytes_received;
            i.bytes_sent = chan.bytes_sent;
            i.frames_received = chan.frames_received;
            i.frames_sent = chan.frames_sent;
            i.last_activity_us = now_us();
        });
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
        let now = now_us();
        let h = Arc::new(LinkHandle {
            id,
            info: Mutex::new(LinkInfo {
                id,
                direction,
                peer: peer.into(),
                state: "CONNECTING".into(),
                identity: None,
                peer_endpoint: String::new(),
                encrypted: false,
                bytes_sent: 0,
                bytes_received: 0,
                frames_sent: 0,
                frames_received: 0,
                messages: 0,
                last_error: String::new(),
                opened_us: now,
                online_us: None,
                last_activity_us: now,
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

    /// Open inbound links.
    pub fn inbound_count(&self) -> usize {
        self.links
            .lock()
            .map(|l| {
                l.values()
                    .filter(|h| {
                        h.info
                            .lock()
                            .is_ok_and(|i| i.direction == Direction::Inbound)
                    })
                    .count()
            })
            .unwrap_or(0)
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

impl Registry {
    /// The links as sys.dm_broker_connections shows them.
    pub fn connections(&self) -> Vec<BrokerConnection> {
        self.snapshot()
            .into_iter()
            .map(|i| BrokerConnection {
                id: i.id,
                is_accept: i.direction == Direction::Inbound,
                peer_address: i.peer,
                login_state: i.state,
                login: i
                    .identity
                    .as_ref()
                    .map(|p| p.login.clone())
                    .unwrap_or_default(),
                peer_certificate_id: i.identity.as_ref().map(|p| p.certificate_id),
                encrypted: i.encrypted,
                connect_time: i.opened_us,
                login_time: i.online_us,
                last_activity_time: i.last_activity_us,
                bytes_sent: i.bytes_sent,
                bytes_received: i.bytes_received,
                frames_sent: i.frames_sent,
                frames_received: i.frames_received,
            })
            .collect()
    }
}
