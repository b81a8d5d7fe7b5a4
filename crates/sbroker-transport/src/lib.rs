//! Service Broker between instances (spec 06 §1–2, §7): the SERVICE_BROKER endpoint's
//! listener, one outbound link per far address, certificate-authenticated TLS, windowed
//! delivery with batched acknowledgements.
//!
//! Threads, not tasks: a link is a thread that blocks on its socket with deadlines, like
//! the TDS server's connections. Inbound links are capped ([`limits::INBOUND_LINKS_MAX`])
//! and each must finish its handshake within [`limits::HANDSHAKE_TIMEOUT`], so strangers
//! cannot pile up threads; an outbound link serves one address, so a silent peer slows only
//! the messages bound for it.
//!
//! The frames are `sbroker-broker-wire`'s; this crate converts them to and from the
//! engine's types (`convert.rs`) and is the only place where the two meet.

pub mod channel;
mod convert;
mod forward;
pub mod limits;
mod link_in;
mod link_out;
pub mod network;
pub mod registry;
mod tls;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

use sbroker_broker_wire::{Encryption, Handshake};
use sbroker_engine::{BrokerEndpoint, Instance, NetworkStatus};

use crate::forward::Forwarder;

pub use limits::Tuning;
pub use network::{Conn, Listener, Network, TcpNetwork};
pub use registry::{Direction, LinkInfo, Registry};

fn log(text: &str) {
    eprintln!("sbroker: broker transport: {text}");
}

fn encryption_of(e: &BrokerEndpoint) -> Encryption {
    match e.encryption_mode() {
        "DISABLED" => Encryption::Disabled,
        "SUPPORTED" => Encryption::Supported,
        _ => Encryption::Required,
    }
}

fn local_handshake(e: &BrokerEndpoint) -> Handshake {
    Handshake {
        instance_id: *e.instance_id.as_bytes(),
        endpoint_name: e.name.clone(),
        encryption: encryption_of(e),
        window_messages: limits::WINDOW_MESSAGES_MAX as u32,
    }
}

/// The negotiation table of spec 06 §7: encrypted, plain, or refused with a reason.
fn negotiate(ours: &Handshake, theirs: &Handshake) -> Result<bool, String> {
    ours.encryption.negotiate(theirs.encryption).ok_or_else(|| {
        format!(
            "Connection handshake failed. The encryption required by the endpoints is incompatible: this endpoint has ENCRYPTION = {}, the peer's ('{}') has ENCRYPTION = {}.",
            ours.encryption.keyword(),
            theirs.endpoint_name,
            theirs.encryption.keyword()
        )
    })
}

/// The broker network of an instance: owns the listener, the outbound links and the
/// forwarding buffer.
pub struct Transport {
    instance: Instance,
    network: Arc<dyn Network>,
    registry: Arc<Registry>,
    forwarder: Arc<Forwarder>,
    stopped: Arc<AtomicBool>,
    tuning: limits::Tuning,
}

/// What the broker DMVs read: the links and the forwarding buffer.
struct Status {
    registry: Arc<Registry>,
    forwarder: Arc<Forwarder>,
}

impl NetworkStatus for Status {
    fn connections(&self) -> Vec<sbroker_engine::BrokerConnection> {
        self.registry.connections()
    }

    fn forwarded(&self) -> Vec<sbroker_engine::ForwardedMessage> {
        self.forwarder.snapshot()
    }
}

impl Transport {
    /// The transport of `instance` over `network`.
    pub fn new(instance: Instance, network: Arc<dyn Network>) -> Self {
        let registry = Arc::new(Registry::default());
        let stopped = Arc::new(AtomicBool::new(false));
        let forwarder = Forwarder::new(
            instance.clone(),
            Arc::clone(&network),
            Arc::clone(&registry),
            Arc::clone(&stopped),
        );
        // sys.dm_broker_connections and sys.dm_broker_forwarded_messages read from here.
        instance.set_network_status(Arc::new(Status {
            registry: Arc::clone(&registry),
            forwarder: Arc::clone(&forwarder),
        }));
        Self {
            instance,
            network,
            registry,
            forwarder,
            stopped,
            tuning: limits::Tuning::default(),
        }
    }

    /// The same transport with other limits (tests shorten the acknowledgement timeout).
    pub fn with_tuning(mut self, tuning: limits::Tuning) -> Self {
        self.tuning = tuning;
        self
    }

    /// The links, for sys.dm_broker_connections and tests.
    pub fn registry(&self) -> Arc<Registry> {
        Arc::clone(&self.registry)
    }

    /// Runs until `shutdown`: the listener follows the endpoint's state (open while
    /// STARTED or DISABLED, which refuses with a reason), and each far address with
    /// waiting messages gets a link.
    pub fn run(&self, shutdown: Arc<AtomicBool>) {
        let mut listener: Option<(SocketAddr, Arc<AtomicBool>)> = None;
        let mut links: HashMap<String, JoinHandle<()>> = HashMap::new();
        while !shutdown.load(Ordering::SeqCst) {
            let endpoint = self.instance.broker_endpoint_config();
            let want = endpoint
                .as_ref()
                .filter(|e| e.state == 0 || e.state == 2)
                .and_then(|e| {
                    let ip = e.ip.clone().unwrap_or_else(|| "0.0.0.0".to_string());
                    format!("{ip}:{}", e.port).parse::<SocketAddr>().ok()
                });
            if listener.as_ref().map(|l| l.0) != want {
                if let Some((_, stop)) = listener.take() {
                    stop.store(true, Ordering::SeqCst);
                }
                if let Some(addr) = want {
                    match self.network.listen(addr) {
                        Ok(l) => {
                            let stop = Arc::new(AtomicBool::new(false));
                            let (inst, stop2, reg, fwd) = (
                                self.instance.clone(),
                                Arc::clone(&stop),
                                Arc::clone(&self.registry),
                                Arc::clone(&self.forwarder),
                            );
                            std::thread::spawn(move || listen(l, inst, stop2, reg, fwd));
                            listener = Some((addr, stop));
                        }
                        Err(e) => log(&format!("cannot listen on {addr}: {e}")),
                    }
                }
            }
            links.retain(|_, h| !h.is_finished());
            if endpoint.as_ref().is_some_and(|e| e.state == 0) {
                for address in self.instance.remote_destinations().into_keys() {
                    if links.len() >= limits::OUTBOUND_LINKS_MAX {
                        break;
                    }
                    if links.contains_key(&address) {
                        continue;
                    }
                    let tuning = self.tuning;
                    let (inst, net, stop, reg, a) = (
                        self.instance.clone(),
                        Arc::clone(&self.network),
                        Arc::clone(&shutdown),
                        Arc::clone(&self.registry),
                        address.clone(),
                    );
                    let h = std::thread::spawn(move || {
                        link_out::run(&inst, net.as_ref(), &a, &stop, &reg, &tuning);
                    });
                    links.insert(address, h);
                }
            }
            std::thread::sleep(limits::POLL);
        }
        if let Some((_, stop)) = listener {
            stop.store(true, Ordering::SeqCst);
        }
        self.stopped.store(true, Ordering::SeqCst);
    }
}

/// Runs the broker network of `instance` over TCP until `shutdown`.
pub fn run(instance: Instance, shutdown: Arc<AtomicBool>) {
    Transport::new(instance, Arc::new(TcpNetwork)).run(shutdown);
}

fn listen(
    l: Box<dyn Listener>,
    instance: Instance,
    stop: Arc<AtomicBool>,
    reg: Arc<Registry>,
    fwd: Arc<Forwarder>,
) {
    while !stop.load(Ordering::SeqCst) {
        match l.poll_accept() {
            Ok(Some(conn)) => {
                if reg.inbound_count() >= limits::INBOUND_LINKS_MAX {
                    // Refused before a byte is read: the cap holds against floods.
                    log(&format!(
                        "refused a link from {}: too many links",
                        conn.peer()
                    ));
                    conn.close();
                    continue;
                }
                let _ = conn.set_write_timeout(Some(limits::WRITE_TIMEOUT));
                // Registered here, before the thread starts, so the cap counts it.
                let link = reg.open(Direction::Inbound, &conn.peer());
                let (inst, stop, reg, fwd) = (
                    instance.clone(),
                    Arc::clone(&stop),
                    Arc::clone(&reg),
                    Arc::clone(&fwd),
                );
                std::thread::spawn(move || link_in::serve(conn, &inst, &stop, &reg, link, &fwd));
            }
            Ok(None) => std::thread::sleep(std::time::Duration::from_millis(20)),
            Err(e) => {
                log(&format!("accept failed: {e}"));
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
        }
    }
}
