//! Message forwarding (spec 06 §5): an instance whose endpoint has MESSAGE_FORWARDING =
//! ENABLED passes on messages that msdb's routes send to another instance.
//!
//! The forwarder holds messages in memory only (at most MESSAGE_FORWARD_SIZE megabytes)
//! and never acknowledges one itself: the acknowledgement (or refusal) of the next hop is
//! relayed back on the link the message came in on, so the initiator keeps its copy until
//! the target has it durably — a forwarder that dies loses nothing. It holds no dialog
//! keys and opens no endpoint: a forwarded conversation leaves no state here.
//!
//! Each message carries the hops it may still take; the forwarder takes one, and a
//! message with none left is dropped (the sender is told why), which ends routing loops.
//! A copy that comes back round a loop has fewer hops than the one waiting here, so it is
//! a different entry and travels on until its hops run out.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sbroker_broker_wire::{AckEntry, Frame, Nack};
use sbroker_engine::{ForwardedMessage, Instance, RemoteMessage};

use crate::channel::{Channel, LinkError};
use crate::link_out::{connect, sleep_unless};
use crate::network::Network;
use crate::registry::{Direction, Registry};
use crate::{convert, limits, log};

/// What goes back to the link a forwarded message came in on.
#[derive(Debug, Clone)]
pub(crate) enum Relay {
    /// The next hop has it durably (through this sequence number).
    Ack(AckEntry),
    /// It was refused or dropped; the ordinal is the upstream link's.
    Nack(Nack),
}

/// (conversation, from_initiator, sequence, hops_remaining).
type Key = ([u8; 16], bool, i64, u8);

struct Entry {
    msg: RemoteMessage,
    address: String,
    /// (upstream link, its ordinal of the message): resends may add more.
    upstream: Vec<(u64, u64)>,
    received: Instant,
    /// The ordinal on the downstream link while in flight there.
    in_flight: Option<u64>,
    bytes: usize,
}

#[derive(Default)]
struct State {
    entries: HashMap<Key, Entry>,
    bytes: usize,
    senders: HashMap<String, std::thread::JoinHandle<()>>,
    upstreams: HashMap<u64, mpsc::Sender<Relay>>,
}

/// The forwarding buffer and its senders.
pub(crate) struct Forwarder {
    instance: Instance,
    network: Arc<dyn Network>,
    registry: Arc<Registry>,
    shutdown: Arc<AtomicBool>,
    state: Mutex<State>,
}

fn key_of(m: &RemoteMessage) -> Key {
    (
        *m.conversation_id.as_bytes(),
        m.from_initiator,
        m.seq,
        m.hops_remaining,
    )
}

fn bytes_of(m: &RemoteMessage) -> usize {
    m.body.as_ref().map_or(0, Vec::len) + 512
}

impl Forwarder {
    pub(crate) fn new(
        instance: Instance,
        network: Arc<dyn Network>,
        registry: Arc<Registry>,
        shutdown: Arc<AtomicBool>,
    ) -> Arc<Self> {
        Arc::new(Self {
            instance,
            network,
            registry,
            shutdown,
            state: Mutex::new(State::default()),
        })
    }

    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        let mut g = self.state.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut g)
    }

    /// An inbound link's channel for relayed answers.
    pub(crate) fn register_upstream(&self, link: u64) -> mpsc::Receiver<Relay> {
        let (tx, rx) = mpsc::channel();
        self.with(|s| s.upstreams.insert(link, tx));
        rx
    }

    /// The inbound link closed: answers for it are dropped (its sender resends).
    pub(crate) fn unregister_upstream(&self, link: u64) {
        self.with(|s| s.upstreams.remove(&link));
    }

    /// Takes `msg` (its hops already counted) from upstream `link` for `address`; `Err`
    /// is the reason to refuse it now.
    pub(crate) fn offer(
        self: &Arc<Self>,
        link: u64,
        ordinal: u64,
        msg: RemoteMessage,
        address: String,
        buffer_bytes_max: usize,
    ) -> Result<(), String> {
        let key = key_of(&msg);
        let spawn = self.with(|s| -> Result<bool, String> {
            if let Some(e) = s.entries.get_mut(&key) {
                // A resend of a message still on its way: answer both copies.
                e.upstream.push((link, ordinal));
                return Ok(false);
            }
            let bytes = bytes_of(&msg);
            if s.bytes + bytes > buffer_bytes_max {
                return Err("The forwarding instance's MESSAGE_FORWARD_SIZE buffer is full; the message is sent again later.".into());
            }
            s.bytes += bytes;
            s.entries.insert(
                key,
                Entry {
                    msg,
                    address: address.clone(),
                    upstream: vec![(link, ordinal)],
                    received: Instant::now(),
                    in_flight: None,
                    bytes,
                },
            );
            s.senders.retain(|_, h| !h.is_finished());
            Ok(!s.senders.contains_key(&address))
        })?;
        if spawn {
            let me = Arc::clone(self);
            let a = address.clone();
            let h = std::thread::spawn(move || me.run_address(&a));
            self.with(|s| s.senders.insert(address, h));
        }
        Ok(())
    }

    /// Removes `key` and sends `relay(upstream ordinal)` to each upstream link.
    fn settle(&self, s: &mut State, key: &Key, relay: impl Fn(u64) -> Relay) {
        if let Some(e) = s.entries.remove(key) {
            s.bytes -= e.bytes;
            for (link, ordinal) in e.upstream {
                if let Some(tx) = s.upstreams.get(&link) {
                    let _ = tx.send(relay(ordinal));
                }
            }
        }
    }

    fn nack_relay(key: &Key, text: &str) -> impl Fn(u64) -> Relay {
        let (c, d, seq) = (key.0, key.1, key.2);
        let text = text.to_string();
        move |ordinal| {
            Relay::Nack(Nack {
                conversation_id: c,
                from_initiator: d,
                sequence: seq,
                ordinal,
                code: 0,
                text: text.clone(),
            })
        }
    }

    /// Drops entries older than the forwarding time limit, telling their senders.
    fn expire(&self, address: &str, why: &str) {
        self.with(|s| {
            let old: Vec<Key> = s
                .entries
                .iter()
                .filter(|(_, e)| {
                    e.address == address && e.received.elapsed() > limits::FORWARD_TIME_MAX
                })
                .map(|(k, _)| *k)
                .collect();
            for k in old {
                let text = format!("The forwarding instance could not pass the message on: {why}");
                self.settle(s, &k, Self::nack_relay(&k, &text));
            }
        });
    }

    fn pending(&self, address: &str) -> bool {
        self.with(|s| s.entries.values().any(|e| e.address == address))
    }

    /// One downstream link for `address`, while it has messages.
    fn run_address(self: &Arc<Self>, address: &str) {
        let mut backoff = limits::RETRY_DELAY_MIN;
        while !self.shutdown.load(Ordering::SeqCst) && self.pending(address) {
            let link = self.registry.open(Direction::Outbound, address);
            let r = connect(&self.instance, self.network.as_ref(), address, &link).and_then(
                |mut chan| {
                    backoff = limits::RETRY_DELAY_MIN;
                    let r = self.pass_on(&mut chan, address, &link);
                    chan.close();
                    r
                },
            );
            self.registry.close(&link);
            self.with(|s| {
                for e in s.entries.values_mut().filter(|e| e.address == address) {
                    e.in_flight = None;
                }
            });
            if let Err(e) = r {
                log(&format!("forwarding to {address}: {e}"));
                self.expire(address, &e.to_string());
                sleep_unless(&self.shutdown, backoff);
                backoff = (backoff * 2).min(limits::RETRY_DELAY_MAX);
            }
        }
    }

    fn pass_on(
        &self,
        chan: &mut Channel,
        address: &str,
        link: &crate::registry::LinkHandle,
    ) -> Result<(), LinkError> {
        let mut next_ordinal: u64 = 0;
        let mut last_answer = Instant::now();
        loop {
            if self.shutdown.load(Ordering::SeqCst) || !self.pending(address) {
                return Ok(());
            }
            // Send what waits, oldest sequence first per conversation.
            let frames = self.with(|s| {
                let mut waiting: Vec<(&Key, &mut Entry)> = s
                    .entries
                    .iter_mut()
                    .filter(|(_, e)| e.address == address && e.in_flight.is_none())
                    .collect();
                waiting.sort_by_key(|(k, _)| (k.0, k.1, k.2));
                let mut frames = Vec::new();
                for (_, e) in waiting {
                    e.in_flight = Some(next_ordinal);
                    next_ordinal += 1;
                    frames.extend(convert::frames_of(&e.msg));
                }
                frames
            });
            if !frames.is_empty() {
                chan.send(&frames)?;
                link.count(0, chan);
            }
            match chan.recv(Instant::now() + Duration::from_millis(5))? {
                Some(Frame::Ack(ack)) => {
                    last_answer = Instant::now();
                    self.apply(address, &ack);
                }
                Some(Frame::Error(e)) => return Err(LinkError::Refused(e.text)),
                Some(other) => {
                    return Err(LinkError::Protocol(format!(
                        "{:?} on a forwarding link",
                        other.kind()
                    )));
                }
                None => {
                    let flying = self.with(|s| {
                        s.entries
                            .values()
                            .any(|e| e.address == address && e.in_flight.is_some())
                    });
                    if !flying {
                        last_answer = Instant::now();
                    } else if last_answer.elapsed() > limits::ACK_TIMEOUT {
                        return Err(LinkError::Timeout("acknowledgement"));
                    }
                }
            }
        }
    }

    /// The next hop's answer, relayed upstream.
    fn apply(&self, address: &str, ack: &sbroker_broker_wire::Ack) {
        self.with(|s| {
            for n in &ack.nacks {
                let key = s
                    .entries
                    .iter()
                    .find(|(_, e)| e.address == address && e.in_flight == Some(n.ordinal))
                    .map(|(k, _)| *k);
                if let Some(k) = key {
                    let (code, text) = (n.code, n.text.clone());
                    self.settle(s, &k, move |ordinal| {
                        Relay::Nack(Nack {
                            conversation_id: k.0,
                            from_initiator: k.1,
                            sequence: k.2,
                            ordinal,
                            code,
                            text: text.clone(),
                        })
                    });
                }
            }
            for a in &ack.acks {
                let keys: Vec<Key> = s
                    .entries
                    .iter()
                    .filter(|(k, e)| {
                        e.address == address
                            && e.in_flight.is_some()
                            && k.0 == a.conversation_id
                            && k.1 == a.from_initiator
                            && k.2 <= a.through
                    })
                    .map(|(k, _)| *k)
                    .collect();
                for k in keys {
                    let entry = a.clone();
                    self.settle(s, &k, move |_| Relay::Ack(entry.clone()));
                }
            }
        });
    }

    /// Messages on their way through this instance (sys.dm_broker_forwarded_messages).
    pub(crate) fn snapshot(&self) -> Vec<ForwardedMessage> {
        self.with(|s| {
            s.entries
                .values()
                .map(|e| ForwardedMessage {
                    conversation_id: e.msg.conversation_id,
                    is_initiator: e.msg.from_initiator,
                    to_service: e.msg.to_service.clone(),
                    to_broker_instance: e.msg.to_broker_instance.clone(),
                    from_service: e.msg.from_service.clone(),
                    from_broker_instance: e.msg.from_broker_instance.clone(),
                    adjacent_broker_address: e.address.clone(),
                    sequence: e.msg.seq,
                    hops_remaining: e.msg.hops_remaining,
                    lifetime: e.msg.lifetime,
                    time_consumed_s: e.received.elapsed().as_secs(),
                })
                .collect()
        })
    }
}
