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
use std::time::Instant;

use sbroker_broker_wire::{
    Accept, Ack, AckEntry, ErrorFrame, Frame, Handshake, Message, Nack, PROTOCOL_VERSION,
};
use sbroker_engine::{Instance, RemoteMessage, Verdict};

use crate::channel::{Channel, LinkError};
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
) {
    let mut chan = Channel::new(conn);
    let peer = chan.peer();
    let result = handshake(&mut chan, instance, &link)
        .and_then(|_| receive(&mut chan, instance, stop, &link));
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

/// Messages in, acknowledgements out, until the peer leaves, the endpoint stops or the
/// link is idle too long.
fn receive(
    chan: &mut Channel,
    instance: &Instance,
    stop: &AtomicBool,
    link: &LinkHandle,
) -> Result<(), LinkError> {
    let mut partial: HashMap<([u8; 16], bool, i64), Partial> = HashMap::new();
    let mut partial_bytes = 0usize;
    let mut ordinal: u64 = 0;
    let mut last_frame = Instant::now();
    loop {
        if stop.load(Ordering::SeqCst) {
            // The endpoint stopped: take nothing more; the sender keeps what it sent.
            return Ok(());
        }
        // Ordinals and messages side by side: the messages go to the engine as one slice.
        let mut ordinals: Vec<u64> = Vec::new();
        let mut batch: Vec<RemoteMessage> = Vec::new();
        // Wait for one frame (checking the stop flag now and then), then take every
        // frame that is already here, up to a batch.
        let first = chan.recv(Instant::now() + limits::POLL)?;
        let Some(first) = first else {
            if last_frame.elapsed() > limits::IDLE_TIMEOUT {
                return Ok(());
            }
            continue;
        };
        last_frame = Instant::now();
        // A batch closes BATCH_GATHER after its first frame: under a steady stream it
        // would otherwise grow to its size limit and hold every message in it that long.
        let gather_until = last_frame + limits::BATCH_GATHER;
        let mut next = Some(first);
        while let Some(f) = next {
            match f {
                Frame::Message(m) => {
                    let complete = m.chunk.len() == m.body_length as usize;
                    if complete {
                        let body = m.body_present.then(|| m.chunk.clone());
                        ordinals.push(ordinal);
                        batch.push(convert::remote_message(m, body));
                        ordinal += 1;
                    } else {
                        partial_bytes += m.body_length as usize;
                        if partial_bytes > limits::PARTIAL_BYTES_MAX {
                            return Err(LinkError::Protocol(
                                "partial messages over the link's limit".into(),
                            ));
                        }
                        let key = (m.conversation_id, m.from_initiator, m.sequence);
                        let mut body = Vec::new();
                        body.extend_from_slice(&m.chunk);
                        partial.insert(key, Partial { head: m, body });
                    }
                }
                Frame::Fragment(f) => {
                    let key = (f.conversation_id, f.from_initiator, f.sequence);
                    let p = partial
                        .get_mut(&key)
                        .ok_or_else(|| LinkError::Protocol("a fragment of no message".into()))?;
                    if f.offset as usize != p.body.len()
                        || p.body.len() + f.chunk.len() > p.head.body_length as usize
                    {
                        return Err(LinkError::Protocol("a fragment out of place".into()));
                    }
                    p.body.extend_from_slice(&f.chunk);
                    if p.body.len() == p.head.body_length as usize
                        && let Some(p) = partial.remove(&key)
                    {
                        partial_bytes -= p.head.body_length as usize;
                        ordinals.push(ordinal);
                        batch.push(convert::remote_message(p.head, Some(p.body)));
                        ordinal += 1;
                    }
                }
                Frame::Error(e) => return Err(LinkError::Refused(e.text)),
                other => {
                    return Err(LinkError::Protocol(format!(
                        "{:?} on an inbound link",
                        other.kind()
                    )));
                }
            }
            if batch.len() >= limits::BATCH_MESSAGES_MAX {
                break;
            }
            next = chan.try_recv()?;
            if next.is_none() {
                // What arrives before the batch closes joins it.
                next = chan.recv(gather_until)?;
            }
        }
        if batch.is_empty() {
            continue;
        }
        if stop.load(Ordering::SeqCst) {
            return Ok(());
        }
        let verdicts = instance.accept_remote_batch(&batch);
        let ack = ack_of(&ordinals, &batch, &verdicts);
        chan.send(&[Frame::Ack(ack)])?;
        link.count(batch.len() as u64, chan);
    }
}

/// One ACK for a batch: the highest accepted sequence per conversation direction, and a
/// refusal per message not taken.
fn ack_of(ordinals: &[u64], batch: &[RemoteMessage], verdicts: &[Verdict]) -> Ack {
    let mut acks: Vec<AckEntry> = Vec::new();
    let mut nacks = Vec::new();
    for ((ordinal, m), v) in ordinals.iter().zip(batch).zip(verdicts) {
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
        }
    }
    Ack { acks, nacks }
}
