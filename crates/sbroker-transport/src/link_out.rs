//! The connecting side of a link: one thread per far address, so a silent or slow peer
//! holds up only its own messages. It connects, authenticates (see `link_in.rs` for the
//! other side), then keeps a window of messages in flight: rows are read from the
//! transmission queue, sent without waiting, and leave the queue — many in one commit —
//! when the peer's ACK says they are durable there. A refused message waits (its dialog
//! is held back for a moment) or fails its dialog, as the peer's answer says.
//!
//! On any failure the link closes, the waiting rows get the reason as their
//! `transmission_status`, and the link is opened again after a backoff. Nothing is lost:
//! a row leaves only after its ACK, and the peer recognises a resent message by its
//! sequence number.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use sbroker_broker_wire::{Frame, Open, PROTOCOL_VERSION};
use sbroker_engine::{Instance, Outbound, Uuid};

use crate::channel::{Channel, LinkError};
use crate::network::Network;
use crate::registry::{Direction, LinkHandle, Registry};
use crate::{convert, limits, local_handshake, log, negotiate};

/// Status of a message of a dialog begun WITH ENCRYPTION = ON to another instance.
const UNSECURED_STATUS: &str = "Dialog security between instances is not available in sbroker yet: begin the dialog WITH ENCRYPTION = OFF.";

/// A message in flight.
struct InFlight {
    ordinal: u64,
    row: Outbound,
}

/// Runs the link to `address` (`TCP://host:port`) until there is nothing to send for a
/// while, the endpoint stops, or `shutdown`.
pub fn run(
    instance: &Instance,
    network: &dyn Network,
    address: &str,
    shutdown: &AtomicBool,
    registry: &Arc<Registry>,
    tuning: &limits::Tuning,
) {
    let mut backoff = limits::RETRY_DELAY_MIN;
    let mut idle_since = Instant::now();
    while !shutdown.load(Ordering::SeqCst) {
        if !instance.broker_endpoint().is_some_and(|e| e.0) {
            return;
        }
        let pending = instance
            .remote_outbound_to(address, 1, &|_, _, _| true)
            .len();
        if pending == 0 {
            if idle_since.elapsed() > limits::LINK_IDLE_CLOSE {
                return;
            }
            std::thread::sleep(limits::POLL);
            continue;
        }
        let link = registry.open(Direction::Outbound, address);
        let result = connect(instance, network, address, &link).and_then(|mut chan| {
            backoff = limits::RETRY_DELAY_MIN;
            let r = send_loop(&mut chan, instance, address, shutdown, &link, tuning);
            chan.close();
            r
        });
        registry.close(&link);
        idle_since = Instant::now();
        match result {
            Ok(()) => {}
            Err(e) => {
                let text = e.to_string();
                log(&format!("link to {address}: {text}"));
                mark_waiting(instance, address, &text);
                sleep_unless(shutdown, backoff);
                backoff = (backoff * 2).min(limits::RETRY_DELAY_MAX);
            }
        }
    }
}

pub(crate) fn sleep_unless(shutdown: &AtomicBool, d: Duration) {
    let until = Instant::now() + d;
    while Instant::now() < until && !shutdown.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(20).min(d));
    }
}

/// Every row waiting for `address` shows why it waits.
fn mark_waiting(instance: &Instance, address: &str, text: &str) {
    let rows = instance.remote_outbound_to(address, limits::STATUS_ROWS_MAX, &|_, _, _| true);
    // Rows of dialogs that wait for dialog security keep that reason.
    let failed: Vec<(&Outbound, Option<i32>, &str)> = rows
        .iter()
        .filter(|o| !o.msg.encryption)
        .map(|o| (o, None, text))
        .collect();
    let _ = instance.remote_failed_batch(&failed);
}

/// The transmission status of a failed connection attempt, worded as SQL Server words it
/// ("Connection attempt failed with error: '10061(No connection could be made …)'.").
fn connect_failure(e: &std::io::Error) -> String {
    let text = e.to_string();
    let text = text.split(" (os error").next().unwrap_or(&text);
    match e.raw_os_error() {
        Some(code) => format!("Connection attempt failed with error: '{code}({text})'."),
        None => format!("Connection attempt failed with error: '{text}'."),
    }
}

fn host_port(address: &str) -> &str {
    address
        .get(6..)
        .filter(|_| address.to_ascii_uppercase().starts_with("TCP://"))
        .unwrap_or(address)
        .trim_end_matches('/')
}

/// Connects and authenticates: OPEN/ACCEPT in clear, TLS with the endpoint certificate,
/// the far certificate checked against master, HANDSHAKE both ways, encryption negotiated.
pub(crate) fn connect(
    instance: &Instance,
    network: &dyn Network,
    address: &str,
    link: &LinkHandle,
) -> Result<Channel, LinkError> {
    let endpoint = instance
        .broker_endpoint_config()
        .ok_or_else(|| LinkError::Refused("The Service Broker endpoint does not exist.".into()))?;
    let identity = instance
        .broker_endpoint_identity()
        .map_err(LinkError::Refused)?;
    let deadline = Instant::now() + limits::HANDSHAKE_TIMEOUT;
    let conn = network
        .connect(host_port(address), limits::CONNECT_TIMEOUT)
        .map_err(|e| LinkError::Refused(connect_failure(&e)))?;
    conn.set_write_timeout(Some(limits::WRITE_TIMEOUT))?;
    let mut chan = Channel::new(conn);
    chan.send(&[Frame::Open(Open {
        version_min: PROTOCOL_VERSION,
        version_max: PROTOCOL_VERSION,
    })])?;
    match chan.expect(deadline, "ACCEPT")? {
        Frame::Accept(a) if a.version == PROTOCOL_VERSION => {}
        other => {
            return Err(LinkError::Protocol(format!(
                "{:?} in answer to OPEN",
                other.kind()
            )));
        }
    }
    let config = crate::tls::client_config(&identity).map_err(LinkError::Tls)?;
    let tls = rustls::ClientConnection::new(config, crate::tls::server_name())
        .map_err(|e| LinkError::Tls(e.to_string()))?;
    chan.start_tls(tls.into(), deadline)?;
    let cert = chan
        .peer_certificate()
        .ok_or_else(|| LinkError::Tls("the peer presented no certificate".into()))?;
    let login = instance
        .authorize_peer_certificate(&cert)
        .map_err(|reason| {
            let _ = chan.send(&[Frame::Error(sbroker_broker_wire::ErrorFrame {
                code: 28034,
                text: "The connecting instance refused this endpoint's certificate.".into(),
            })]);
            LinkError::Refused(format!("{reason} (the far endpoint's certificate)"))
        })?;
    let ours = local_handshake(&endpoint);
    chan.send(&[Frame::Handshake(ours.clone())])?;
    let theirs = match chan.expect(deadline, "HANDSHAKE")? {
        Frame::Handshake(h) => h,
        other => {
            return Err(LinkError::Protocol(format!(
                "{:?} in answer to HANDSHAKE",
                other.kind()
            )));
        }
    };
    let encrypted = negotiate(&ours, &theirs).map_err(LinkError::Refused)?;
    if !encrypted {
        chan.to_tagged(true, deadline)?;
    }
    link.set_online(&login, &theirs.endpoint_name, encrypted);
    link.count(0, &chan);
    Ok(chan)
}

/// Keeps the window full and applies the peer's answers.
fn send_loop(
    chan: &mut Channel,
    instance: &Instance,
    address: &str,
    shutdown: &AtomicBool,
    link: &LinkHandle,
    tuning: &limits::Tuning,
) -> Result<(), LinkError> {
    let mut in_flight: Vec<InFlight> = Vec::new();
    let mut held: HashMap<Uuid, Instant> = HashMap::new();
    let mut next_ordinal: u64 = 0;
    let mut idle_since = Instant::now();
    let mut last_answer = Instant::now();
    loop {
        if shutdown.load(Ordering::SeqCst) || !instance.broker_endpoint().is_some_and(|e| e.0) {
            return Ok(());
        }
        held.retain(|_, until| *until > Instant::now());
        // Fill the window.
        let mut sent_now = 0;
        if in_flight.len() < limits::WINDOW_MESSAGES_MAX {
            let flying: HashSet<(i32, i64)> =
                in_flight.iter().map(|f| (f.row.db, f.row.txq_id)).collect();
            let rows = instance.remote_outbound_to(
                address,
                limits::WINDOW_MESSAGES_MAX - in_flight.len(),
                &|db, id, h| !flying.contains(&(db, id)) && !held.contains_key(&h),
            );
            // Rows of a dialog whose earlier rows are held stay back too (order).
            let mut frames = Vec::new();
            let mut bytes = 0usize;
            let mut unsecured: Vec<Outbound> = Vec::new();
            for row in rows {
                if bytes > limits::WINDOW_BYTES_MAX {
                    break;
                }
                if row.msg.encryption || unsecured.iter().any(|u| u.handle == row.handle) {
                    // Dialog security between instances is not built yet: a dialog begun
                    // WITH ENCRYPTION = ON waits rather than travel without it.
                    held.insert(row.handle, Instant::now() + limits::HOLD_UNSECURED);
                    unsecured.push(row);
                    continue;
                }
                bytes += row.msg.body.as_ref().map_or(0, Vec::len) + 256;
                frames.extend(convert::frames_of(&row.msg));
                in_flight.push(InFlight {
                    ordinal: next_ordinal,
                    row,
                });
                next_ordinal += 1;
                sent_now += 1;
            }
            let waiting: Vec<(&Outbound, Option<i32>, &str)> = unsecured
                .iter()
                .map(|o| (o, None, UNSECURED_STATUS))
                .collect();
            let _ = instance.remote_failed_batch(&waiting);
            if !frames.is_empty() {
                chan.send(&frames)?;
                link.count(sent_now, chan);
            }
        }
        if in_flight.is_empty() {
            if idle_since.elapsed() > limits::LINK_IDLE_CLOSE {
                return Ok(());
            }
            if sent_now == 0 {
                // Nothing to send and nothing to hear about: wake on the next commit.
                instance.wait_for_commit(limits::POLL);
                continue;
            }
        } else {
            idle_since = Instant::now();
        }
        // Answers: wait briefly when more could be sent, longer when the window is full
        // or nothing waits.
        let wait = if sent_now > 0 && in_flight.len() < limits::WINDOW_MESSAGES_MAX {
            Duration::from_micros(200)
        } else {
            limits::POLL
        };
        let mut answered = false;
        let mut next = chan.recv(Instant::now() + wait)?;
        while let Some(frame) = next {
            match frame {
                Frame::Ack(ack) => apply_ack(instance, &mut in_flight, &mut held, ack),
                Frame::Error(e) => return Err(LinkError::Refused(e.text)),
                other => {
                    return Err(LinkError::Protocol(format!(
                        "{:?} on an outbound link",
                        other.kind()
                    )));
                }
            }
            answered = true;
            next = chan.try_recv()?;
        }
        if answered || in_flight.is_empty() {
            last_answer = Instant::now();
        } else if last_answer.elapsed() > tuning.ack_timeout {
            return Err(LinkError::Timeout("acknowledgement"));
        }
    }
}

/// Applies one ACK: refusals first (a held dialog's rows leave the window and are sent
/// again later), then the cumulative acknowledgements in one commit.
fn apply_ack(
    instance: &Instance,
    in_flight: &mut Vec<InFlight>,
    held: &mut HashMap<Uuid, Instant>,
    ack: sbroker_broker_wire::Ack,
) {
    let mut failed: Vec<(Outbound, Option<i32>, String)> = Vec::new();
    for n in &ack.nacks {
        let Some(pos) = in_flight.iter().position(|f| f.ordinal == n.ordinal) else {
            // An answer for an earlier copy: that row was already resent or settled.
            continue;
        };
        let row = in_flight.remove(pos).row;
        if n.code != 0 {
            failed.push((row, Some(n.code), n.text.clone()));
            continue;
        }
        // Hold the dialog back; its later rows in flight leave the window with it (the
        // peer refuses them as out of order) and go again after the hold.
        held.insert(row.handle, Instant::now() + limits::HOLD_AFTER_REFUSAL);
        in_flight.retain(|f| f.row.handle != row.handle || f.row.msg.seq < row.msg.seq);
        failed.push((row, None, n.text.clone()));
    }
    let mut done: Vec<(Outbound, String)> = Vec::new();
    for a in &ack.acks {
        let id = Uuid::from_bytes(a.conversation_id);
        let mut i = 0;
        while i < in_flight.len() {
            let m = &in_flight[i].row.msg;
            if m.conversation_id == id && m.from_initiator == a.from_initiator && m.seq <= a.through
            {
                done.push((in_flight.remove(i).row, a.broker_instance.clone()));
            } else {
                i += 1;
            }
        }
    }
    let failed_refs: Vec<(&Outbound, Option<i32>, &str)> =
        failed.iter().map(|(o, c, t)| (o, *c, t.as_str())).collect();
    if let Err(e) = instance.remote_failed_batch(&failed_refs) {
        log(&format!("cannot record refusals: {}", e.message));
    }
    let done_refs: Vec<(&Outbound, &str)> = done.iter().map(|(o, b)| (o, b.as_str())).collect();
    if let Err(e) = instance.remote_done_batch(&done_refs) {
        // The rows stay in the transmission queue and are sent again; the peer answers
        // the copies as duplicates.
        log(&format!("cannot commit acknowledged rows: {}", e.message));
    }
}
