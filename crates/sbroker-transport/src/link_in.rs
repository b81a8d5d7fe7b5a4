//! The accepting side of a link: clear-text OPEN, TLS, the peer's certificate checked
//! against master before any of its frames is read, HANDSHAKE and encryption negotiation,
//! then messages in and acknowledgements out.
//!
//! Messages are taken in batches: every complete message that has arrived goes to the
//! engine in one durable commit, and one ACK answers them all. A message is acknowledged
//! only after that commit returned.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Instant;

use sbroker_broker_wire::{
    Accept, Ack, AckEntry, ErrorFrame, Frame, Handshake, Message, Nack, PROTOCOL_VERSION,
};
use sbroker_engine::{Instance, RemoteMessage, Verdict};

use crate::channel::{Channel, LinkError};
use crate::forward::{Forwarder, Relay};
use crate::registry::{LinkHandle, Registry};
use crate::{convert, limits, local_handshake, log, negotiate};

/// A message whose body is still arriving.
struct Partial {
    head: Message,
    body: Vec<u8>,
}

/// Runs one accepted connection to its end. `stop` is raised when the endpoint stops.
pub fn serve(
    conn: Box<dyn crate::network::Conn>,
    instance: &Instance,
    stop: &AtomicBool,
    registry: &Arc<Registry>,
    link: Arc<LinkHandle>,
    forwarder: &Arc<Forwarder>,
) {
    let mut chan = Channel::new(conn);
    let peer = chan.peer();
    let result = handshake(&mut chan, instance, &link)
        .and_then(|_| receive(&mut chan, instance, stop, &link, forwarder));
    match result {
        Ok(()) => {}
        Err(e) => {
            log(&format!("inbound link from {peer} closed: {e}"));
            link.set_error(&e.to_string());
        }
    }
    chan.close();
    registry.close(&link);
}

fn refuse(chan: &mut Channel, code: u32, text: &str) -> LinkError {
    let _ = chan.send(&[Frame::Error(ErrorFrame {
        code,
        text: text.to_string(),
    })]);
    LinkError::Refused(text.to_string())
}

fn handshake(chan: &mut Channel, instance: &Instance, link: &LinkHandle) -> Result<(), LinkError> {
    // One deadline for the whole handshake: a peer that sends a byte now and then does not
    // keep the link (and its slot) for longer.
    let deadline = Instant::now() + limits::HANDSHAKE_TIMEOUT;
    let open = match chan.expect(deadline, "OPEN")? {
        Frame::Open(o) => o,
        other => {
            return Err(LinkError::Protocol(format!(
                "{:?} before OPEN",
                other.kind()
            )));
        }
    };
    if !(open.version_min..=open.version_max).contains(&PROTOCOL_VERSION) {
        return Err(refuse(
            chan,
            0,
            &format!(
                "The peer speaks broker protocol versions {}..{}; this instance speaks {PROTOCOL_VERSION}.",
                open.version_min, open.version_max
            ),
        ));
    }
    let Some(endpoint) = instance.broker_endpoint_config() else {
        return Err(refuse(
            chan,
            9666,
            "The Service Broker endpoint does not exist.",
        ));
    };
    if endpoint.state == 2 {
        return Err(refuse(
            chan,
            9666,
            "The Service Broker endpoint is DISABLED and refuses connections.",
        ));
    }
    let identity = match instance.broker_endpoint_identity() {
        Ok(i) => i,
        Err(reason) => return Err(refuse(chan, 0, &reason)),
    };
    chan.send(&[Frame::Accept(Accept {
        version: PROTOCOL_VERSION,
    })])?;
    let config = crate::tls::server_config(&identity).map_err(LinkError::Tls)?;
    let tls = rustls::ServerConnection::new(config).map_err(|e| LinkError::Tls(e.to_string()))?;
    chan.start_tls(tls.into(), deadline)?;
    // Authorization before any frame of the peer is read.
    let cert = chan
        .peer_certificate()
        .ok_or_else(|| LinkError::Tls("the peer presented no certificate".into()))?;
    let login = match instance.authorize_peer_certificate(&cert) {
        Ok(l) => l,
        Err(reason) => return Err(refuse(chan, 28034, &reason)),
    };
    let theirs = match chan.expect(deadline, "HANDSHAKE")? {
        Frame::Handshake(h) => h,
        other => {
            return Err(LinkError::Protocol(format!(
                "{:?} before HANDSHAKE",
                other.kind()
            )));
        }
    };
    let ours: Handshake = local_handshake(&endpoint);
    let encrypted = match negotiate(&ours, &theirs) {
        Ok(e) => e,
        Err(reason) => return Err(refuse(chan, 0, &reason)),
    };
    chan.send(&[Frame::Handshake(ours)])?;
    if !encrypted {
        chan.to_tagged(false, deadline)?;
    }
    link.set_online(&login, &theirs.endpoint_name, encrypted);
    link.count(0, chan);
    Ok(())
}

/// What one inbound link keeps between batches.
struct Inflow {
    partial: HashMap<([u8; 16], bool, i64), Partial>,
    partial_bytes: usize,
    /// Position of the next complete message on this link.
    ordinal: u64,
    /// Messages handed to the forwarder whose answer has not come back yet.
    forwarding: usize,
}

/// Messages in, acknowledgements out, until the peer leaves, the endpoint stops or the
/// link is idle too long.
fn receive(
    chan: &mut Channel,
    instance: &Instance,
    stop: &AtomicBool,
    link: &LinkHandle,
    forwarder: &Arc<Forwarder>,
) -> Result<(), LinkError> {
    let relays = forwarder.register_upstream(link.id());
    let r = receive_loop(chan, instance, stop, link, forwarder, &relays);
    forwarder.unregister_upstream(link.id());
    r
}

fn receive_loop(
    chan: &mut Channel,
    instance: &Instance,
    stop: &AtomicBool,
    link: &LinkHandle,
    forwarder: &Arc<Forwarder>,
    relays: &mpsc::Receiver<Relay>,
) -> Result<(), LinkError> {
    let mut flow = Inflow {
        partial: HashMap::new(),
        partial_bytes: 0,
        ordinal: 0,
        forwarding: 0,
    };
    let mut last_frame = Instant::now();
    loop {
        if stop.load(Ordering::SeqCst) {
            // The endpoint stopped: take nothing more; the sender keeps what it sent.
            return Ok(());
        }
        relay_answers(chan, relays, &mut flow)?;
        // Wait for one frame (checking the stop flag now and then; more often while
        // forwarded messages wait for their answers), then gather a batch.
        let wait = if flow.forwarding > 0 {
            limits::FORWARD_POLL
        } else {
            limits::POLL
        };
        let Some(first) = chan.recv(Instant::now() + wait)? else {
            if flow.forwarding == 0 && last_frame.elapsed() > limits::IDLE_TIMEOUT {
                return Ok(());
            }
            continue;
        };
        last_frame = Instant::now();
        let (ordinals, batch) = gather(chan, first, &mut flow)?;
        if batch.is_empty() {
            continue;
        }
        if stop.load(Ordering::SeqCst) {
            return Ok(());
        }
        let verdicts = instance.accept_remote_batch(&batch);
        let ack = settle(
            instance, link, forwarder, &mut flow, &ordinals, batch, &verdicts,
        );
        chan.send(&[Frame::Ack(ack)])?;
        link.count(ordinals.len() as u64, chan);
    }
}

/// Sends the answers the forwarder relayed for this link.
fn relay_answers(
    chan: &mut Channel,
    relays: &mpsc::Receiver<Relay>,
    flow: &mut Inflow,
) -> Result<(), LinkError> {
    let mut ack = Ack::default();
    while let Ok(r) = relays.try_recv() {
        flow.forwarding = flow.forwarding.saturating_sub(1);
        match r {
            Relay::Ack(a) => ack.acks.push(a),
            Relay::Nack(n) => ack.nacks.push(n),
        }
    }
    if ack.acks.is_empty() && ack.nacks.is_empty() {
        return Ok(());
    }
    chan.send(&[Frame::Ack(ack)])
}

/// `first` and every frame that arrives within BATCH_GATHER of it (up to a batch):
/// the complete messages, with their ordinals on the link.
fn gather(
    chan: &mut Channel,
    first: Frame,
    flow: &mut Inflow,
) -> Result<(Vec<u64>, Vec<RemoteMessage>), LinkError> {
    // A batch closes BATCH_GATHER after its first frame: under a steady stream it would
    // otherwise grow to its size limit and hold every message in it that long.
    let gather_until = Instant::now() + limits::BATCH_GATHER;
    let mut ordinals: Vec<u64> = Vec::new();
    let mut batch: Vec<RemoteMessage> = Vec::new();
    let mut next = Some(first);
    while let Some(f) = next {
        if let Some(m) = take_frame(f, flow)? {
            ordinals.push(flow.ordinal);
            batch.push(m);
            flow.ordinal += 1;
        }
        if batch.len() >= limits::BATCH_MESSAGES_MAX {
            break;
        }
        next = chan.try_recv()?;
        if next.is_none() {
            next = chan.recv(gather_until)?;
        }
    }
    Ok((ordinals, batch))
}

/// One frame of an inbound link: a complete message, or a piece of one.
fn take_frame(f: Frame, flow: &mut Inflow) -> Result<Option<RemoteMessage>, LinkError> {
    match f {
        Frame::Message(m) => {
            if m.chunk.len() == m.body_length as usize {
                let body = m.body_present.then(|| m.chunk.clone());
                return Ok(Some(convert::remote_message(m, body)));
            }
            flow.partial_bytes += m.body_length as usize;
            if flow.partial_bytes > limits::PARTIAL_BYTES_MAX {
                return Err(LinkError::Protocol(
                    "partial messages over the link's limit".into(),
                ));
            }
            let key = (m.conversation_id, m.from_initiator, m.sequence);
            let body = m.chunk.clone();
            flow.partial.insert(key, Partial { head: m, body });
            Ok(None)
        }
        Frame::Fragment(f) => {
            let key = (f.conversation_id, f.from_initiator, f.sequence);
            let p = flow
                .partial
                .get_mut(&key)
                .ok_or_else(|| LinkError::Protocol("a fragment of no message".into()))?;
            if f.offset as usize != p.body.len()
                || p.body.len() + f.chunk.len() > p.head.body_length as usize
            {
                return Err(LinkError::Protocol("a fragment out of place".into()));
            }
            p.body.extend_from_slice(&f.chunk);
            if p.body.len() < p.head.body_length as usize {
                return Ok(None);
            }
            let Some(p) = flow.partial.remove(&key) else {
                return Ok(None);
            };
            flow.partial_bytes -= p.head.body_length as usize;
            Ok(Some(convert::remote_message(p.head, Some(p.body))))
        }
        Frame::Error(e) => Err(LinkError::Refused(e.text)),
        other => Err(LinkError::Protocol(format!(
            "{:?} on an inbound link",
            other.kind()
        ))),
    }
}

/// The engine's verdicts: messages for this instance are answered now; messages to
/// forward go to the forwarder (their answer comes back later through `relay_answers`),
/// or are refused when their hops are spent or the buffer is full.
fn settle(
    instance: &Instance,
    link: &LinkHandle,
    forwarder: &Arc<Forwarder>,
    flow: &mut Inflow,
    ordinals: &[u64],
    batch: Vec<RemoteMessage>,
    verdicts: &[Verdict],
) -> Ack {
    let mut here: Vec<(u64, RemoteMessage, Verdict)> = Vec::new();
    for ((ordinal, mut m), v) in ordinals.iter().zip(batch).zip(verdicts) {
        let Verdict::Forward { address } = v else {
            here.push((*ordinal, m, v.clone()));
            continue;
        };
        let refused = if m.hops_remaining == 0 {
            Some("The message was discarded by a forwarding instance: it has passed the most forwarders a message may pass (a routing loop?).".to_string())
        } else {
            m.hops_remaining -= 1;
            let size = instance
                .broker_endpoint_config()
                .map_or(10, |e| e.forward_size_mb.max(0));
            let buffer_bytes_max = usize::try_from(size).unwrap_or(0) * 1024 * 1024;
            forwarder
                .offer(
                    link.id(),
                    *ordinal,
                    m.clone(),
                    address.clone(),
                    buffer_bytes_max,
                )
                .err()
        };
        match refused {
            None => flow.forwarding += 1,
            Some(text) => here.push((*ordinal, m, Verdict::Rejected { code: None, text })),
        }
    }
    ack_of(&here)
}

/// One ACK for a batch: the highest accepted sequence per conversation direction, and a
/// refusal per message not taken.
fn ack_of(answered: &[(u64, RemoteMessage, Verdict)]) -> Ack {
    let mut acks: Vec<AckEntry> = Vec::new();
    let mut nacks = Vec::new();
    for (ordinal, m, v) in answered {
        let id = *m.conversation_id.as_bytes();
        match v {
            Verdict::Accepted { broker_instance } => {
                match acks
                    .iter_mut()
                    .find(|a| a.conversation_id == id && a.from_initiator == m.from_initiator)
                {
                    Some(a) => a.through = a.through.max(m.seq),
                    None => acks.push(AckEntry {
                        conversation_id: id,
                        from_initiator: m.from_initiator,
                        through: m.seq,
                        broker_instance: broker_instance.clone(),
                    }),
                }
            }
            Verdict::Rejected { code, text } => nacks.push(Nack {
                conversation_id: id,
                from_initiator: m.from_initiator,
                sequence: m.seq,
                ordinal: *ordinal,
                code: code.unwrap_or(0),
                text: text.chars().take(2000).collect(),
            }),
            // Settled above; never here.
            Verdict::Forward { .. } => {}
        }
    }
    Ack { acks, nacks }
}
