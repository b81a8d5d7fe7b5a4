//! Service Broker between instances: the listener that the SERVICE_BROKER endpoint opens
//! (`CREATE ENDPOINT … STATE = STARTED AS TCP (LISTENER_PORT = n [, LISTENER_IP = (a.b.c.d)])
//! FOR SERVICE_BROKER`), and the sender that moves transmission-queue rows whose route is
//! `TCP://host:port` to the far instance.
//!
//! Delivery is exactly once and in order per conversation: a row leaves the sender's
//! transmission queue only after the receiver committed the message and answered; the
//! sender sends one row per conversation at a time, oldest first; the receiver recognises a
//! resent message by its sequence number and does not enqueue it twice. Nothing moves
//! while the endpoint is not STARTED: rows wait with the 9666 status, as in SQL Server.
//!
//! Wire: frames of a 4-byte big-endian length and a JSON body — a
//! [`sbroker_engine::RemoteMessage`] one way, a [`sbroker_engine::Verdict`] back. Transport
//! authentication and encryption and dialog security are not implemented here: dialogs
//! begun WITH ENCRYPTION = ON to another instance wait with a status that says so.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use sbroker_engine::{Instance, Outbound, RemoteMessage, Verdict};

/// A frame longer than this is refused.
const FRAME_BYTES_MAX: usize = 256 * 1024 * 1024;
/// How often the endpoint's state and the transmission queues are looked at.
const POLL: Duration = Duration::from_millis(100);
/// Rows looked at in one pass.
const PASS_ROWS_MAX: usize = 1000;
/// How long a send or an answer may take.
const IO_TIMEOUT: Duration = Duration::from_secs(10);

fn write_frame(s: &mut TcpStream, body: &[u8]) -> std::io::Result<()> {
    let len = u32::try_from(body.len())
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidInput, "frame too long"))?;
    let mut buf = Vec::with_capacity(body.len() + 4);
    buf.extend_from_slice(&len.to_be_bytes());
    buf.extend_from_slice(body);
    s.write_all(&buf)
}

fn read_frame(s: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut len = [0u8; 4];
    s.read_exact(&mut len)?;
    let len = u32::from_be_bytes(len) as usize;
    if len > FRAME_BYTES_MAX {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "frame too long",
        ));
    }
    let mut body = vec![0u8; len];
    s.read_exact(&mut body)?;
    Ok(body)
}

/// Runs the broker network of `instance` until `shutdown`: starts and stops the listener
/// with the endpoint's state, and sends what routing sends to other instances.
pub fn run(instance: Instance, shutdown: Arc<AtomicBool>) {
    let mut listener: Option<(SocketAddr, Arc<AtomicBool>)> = None;
    let mut links: HashMap<String, TcpStream> = HashMap::new();
    while !shutdown.load(Ordering::SeqCst) {
        let endpoint = instance.broker_endpoint();
        let started = endpoint.as_ref().is_some_and(|e| e.0);
        // Listener: open while STARTED, on the configured port and address.
        let want = endpoint.as_ref().filter(|e| e.0).and_then(|(_, port, ip)| {
            let ip = ip.clone().unwrap_or_else(|| "0.0.0.0".to_string());
            format!("{ip}:{port}").parse::<SocketAddr>().ok()
        });
        if listener.as_ref().map(|l| l.0) != want {
            if let Some((_, stop)) = listener.take() {
                stop.store(true, Ordering::SeqCst);
            }
            if let Some(addr) = want
                && let Ok(l) = TcpListener::bind(addr)
            {
                let stop = Arc::new(AtomicBool::new(false));
                let (inst, stop2) = (instance.clone(), Arc::clone(&stop));
                std::thread::spawn(move || listen(l, inst, stop2));
                listener = Some((addr, stop));
            }
        }
        if started {
            // Keep sending while rows move; sleep only when nothing did.
            while send_pending(&instance, &mut links) > 0 && !shutdown.load(Ordering::SeqCst) {}
        } else {
            links.clear();
        }
        std::thread::sleep(POLL);
    }
    if let Some((_, stop)) = listener {
        stop.store(true, Ordering::SeqCst);
    }
}

fn listen(l: TcpListener, instance: Instance, stop: Arc<AtomicBool>) {
    if l.set_nonblocking(true).is_err() {
        return;
    }
    while !stop.load(Ordering::SeqCst) {
        match l.accept() {
            Ok((s, _)) => {
                let (inst, stop) = (instance.clone(), Arc::clone(&stop));
                std::thread::spawn(move || serve_link(s, &inst, &stop));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

/// One connection from another instance: messages in, verdicts out.
fn serve_link(mut s: TcpStream, instance: &Instance, stop: &AtomicBool) {
    if s.set_nonblocking(false).is_err() {
        return;
    }
    let _ = s.set_nodelay(true);
    while !stop.load(Ordering::SeqCst) {
        let Ok(frame) = read_frame(&mut s) else {
            return;
        };
        // The endpoint stopped (or was dropped) while this link waited: take nothing more;
        // the sender keeps the message and tries again.
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let verdict = match serde_json::from_slice::<RemoteMessage>(&frame) {
            Ok(m) => instance.accept_remote(&m),
            // Bytes that are not a message end the link; the sender tries again.
            Err(_) => return,
        };
        let Ok(body) = serde_json::to_vec(&verdict) else {
            return;
        };
        if write_frame(&mut s, &body).is_err() {
            return;
        }
    }
}

fn connect(address: &str) -> std::io::Result<TcpStream> {
    let hostport = address
        .get(6..)
        .filter(|_| address.to_ascii_uppercase().starts_with("TCP://"))
        .unwrap_or(address)
        .trim_end_matches('/');
    let addr = hostport.to_socket_addrs()?.next().ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::NotFound, "address does not resolve")
    })?;
    let s = TcpStream::connect_timeout(&addr, IO_TIMEOUT)?;
    s.set_read_timeout(Some(IO_TIMEOUT))?;
    s.set_write_timeout(Some(IO_TIMEOUT))?;
    let _ = s.set_nodelay(true);
    Ok(s)
}

fn exchange(s: &mut TcpStream, o: &Outbound) -> std::io::Result<Verdict> {
    let body = serde_json::to_vec(&o.msg)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
    write_frame(s, &body)?;
    let answer = read_frame(s)?;
    serde_json::from_slice(&answer)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
}

/// One pass over the waiting rows: each goes to its address on a kept connection, in
/// order per conversation; after a failure the conversation's later rows and the
/// address's other rows wait for the next pass. Returns the rows delivered.
fn send_pending(instance: &Instance, links: &mut HashMap<String, TcpStream>) -> usize {
    let mut failed: Vec<String> = Vec::new();
    let mut stalled: std::collections::HashSet<sbroker_engine::Uuid> =
        std::collections::HashSet::new();
    let mut delivered = 0;
    for o in instance.remote_outbound(PASS_ROWS_MAX) {
        if stalled.contains(&o.handle) {
            continue;
        }
        if o.msg.encryption {
            stalled.insert(o.handle);
            let _ = instance.remote_failed(
                &o,
                None,
                "Dialog security between instances is not available in sbroker: begin the dialog WITH ENCRYPTION = OFF.",
            );
            continue;
        }
        if failed.contains(&o.address) {
            stalled.insert(o.handle);
            continue;
        }
        let link = match links.remove(&o.address) {
            Some(s) => Ok(s),
            None => connect(&o.address),
        };
        let result = link.and_then(|mut s| exchange(&mut s, &o).map(|v| (s, v)));
        match result {
            Ok((s, Verdict::Accepted { broker_instance })) => {
                links.insert(o.address.clone(), s);
                if instance.remote_done(&o, &broker_instance).is_ok() {
                    delivered += 1;
                } else {
                    stalled.insert(o.handle);
                }
            }
            Ok((s, Verdict::Rejected { code, text })) => {
                links.insert(o.address.clone(), s);
                stalled.insert(o.handle);
                let _ = instance.remote_failed(&o, code, &text);
            }
            Err(e) => {
                let _ = instance.remote_failed(
                    &o,
                    None,
                    &format!(
                        "Connection attempt failed with error: '{e}'. (address {})",
                        o.address
                    ),
                );
                failed.push(o.address.clone());
                stalled.insert(o.handle);
            }
        }
    }
    delivered
}
