//! What the broker transport (`sbroker-transport`) asks of the engine: the rows that leave
//! for other instances, batches of messages that arrive from them, and the configuration
//! of the SERVICE_BROKER endpoint with the checks of transport security (spec 06 §7).
//!
//! Batches are the point: one durable commit takes a whole window of arriving messages,
//! and one commit removes a whole acknowledged window from the transmission queue, so the
//! cost of an fsync is shared by every message of the window.

use std::collections::HashMap;

use sbroker_types::ServerError;
use uuid::Uuid;

use crate::broker_remote::{Outbound, RemoteMessage, Verdict};
use crate::instance::{Instance, MASTER_DB, broker_txn};
use crate::records::Ts;
use crate::security;

/// The SERVICE_BROKER endpoint, as the transport needs it.
#[derive(Debug, Clone)]
pub struct BrokerEndpoint {
    /// Endpoint name.
    pub name: String,
    /// `state`: 0 STARTED, 1 STOPPED, 2 DISABLED.
    pub state: u8,
    /// LISTENER_PORT.
    pub port: u16,
    /// LISTENER_IP (`None` = all addresses).
    pub ip: Option<String>,
    /// `connection_auth` code (1..3 Windows only; 4..10 include CERTIFICATE).
    pub auth: u8,
    /// `encryption_algorithm` code (0 DISABLED; 3, 4, 7, 8 SUPPORTED; else REQUIRED).
    pub encryption: u8,
    /// MESSAGE_FORWARDING.
    pub forwarding: bool,
    /// MESSAGE_FORWARD_SIZE, megabytes.
    pub forward_size_mb: i32,
    /// This instance's id on the wire (master's service_broker_guid).
    pub instance_id: Uuid,
}

/// An endpoint certificate with its private key in clear, for the TLS handshake only.
#[derive(Clone)]
pub struct EndpointIdentity {
    /// The certificate, DER.
    pub cert_der: Vec<u8>,
    /// Its private key, PKCS#8 DER.
    pub private_key_pkcs8: Vec<u8>,
}

impl std::fmt::Debug for EndpointIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The private key is never printed.
        f.debug_struct("EndpointIdentity")
            .field("cert_der_bytes", &self.cert_der.len())
            .finish_non_exhaustive()
    }
}

impl BrokerEndpoint {
    /// The endpoint offers certificate authentication.
    pub fn certificate_auth(&self) -> bool {
        self.auth >= 4
    }

    /// ENCRYPTION as a keyword: `DISABLED`, `SUPPORTED` or `REQUIRED`.
    pub fn encryption_mode(&self) -> &'static str {
        match self.encryption {
            0 => "DISABLED",
            3 | 4 | 7 | 8 => "SUPPORTED",
            _ => "REQUIRED",
        }
    }
}

/// A peer that passed transport authentication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerIdentity {
    /// The login the peer's certificate maps to.
    pub login: String,
    /// The certificate's id in master (`peer_certificate_id`).
    pub certificate_id: i32,
}

/// One broker network connection, as sys.dm_broker_connections shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BrokerConnection {
    /// Unique in the process (the view's `connection_id` is made from it).
    pub id: u64,
    /// The peer connected to this instance.
    pub is_accept: bool,
    /// `ip:port` of the peer (or the route address for outgoing links).
    pub peer_address: String,
    /// `CONNECTING`, `ONLINE` (authenticated) or `ERROR`.
    pub login_state: String,
    /// The peer's login, once authenticated.
    pub login: String,
    /// The peer's certificate in master, once authenticated.
    pub peer_certificate_id: Option<i32>,
    /// The link is encrypted.
    pub encrypted: bool,
    /// When the connection opened.
    pub connect_time: Ts,
    /// When the peer was authenticated.
    pub login_time: Option<Ts>,
    /// Last frame in or out.
    pub last_activity_time: Ts,
    /// Bytes on the wire.
    pub bytes_sent: u64,
    /// Bytes on the wire.
    pub bytes_received: u64,
    /// Frames (messages, fragments, acknowledgements) sent.
    pub frames_sent: u64,
    /// Frames received.
    pub frames_received: u64,
}

/// A message on its way through this instance (sys.dm_broker_forwarded_messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardedMessage {
    /// The conversation.
    pub conversation_id: Uuid,
    /// Sent by the initiator.
    pub is_initiator: bool,
    /// Destination service.
    pub to_service: String,
    /// Destination broker instance, when known.
    pub to_broker_instance: Option<String>,
    /// Sending service.
    pub from_service: String,
    /// Sending broker instance.
    pub from_broker_instance: String,
    /// Where it goes next.
    pub adjacent_broker_address: String,
    /// Its sequence number.
    pub sequence: i64,
    /// Hops it may still take.
    pub hops_remaining: u8,
    /// The dialog's expiry.
    pub lifetime: Ts,
    /// Seconds it has waited here.
    pub time_consumed_s: u64,
}

/// What the transport reports about its links; installed with
/// [`Instance::set_network_status`].
pub trait NetworkStatus: Send + Sync {
    /// The open connections.
    fn connections(&self) -> Vec<BrokerConnection>;
    /// Messages being forwarded.
    fn forwarded(&self) -> Vec<ForwardedMessage> {
        Vec::new()
    }
}

impl Instance {
    /// Installs the transport's status source.
    pub fn set_network_status(&self, source: std::sync::Arc<dyn NetworkStatus>) {
        *self.inner.network.lock() = Some(source);
    }

    /// Messages being forwarded (none without a transport).
    pub fn forwarded_messages(&self) -> Vec<ForwardedMessage> {
        let source = self.inner.network.lock().clone();
        source.map(|s| s.forwarded()).unwrap_or_default()
    }

    /// The broker network connections (none without a transport).
    pub fn broker_connections(&self) -> Vec<BrokerConnection> {
        let source = self.inner.network.lock().clone();
        source.map(|s| s.connections()).unwrap_or_default()
    }

    /// The identity the SERVICE_BROKER endpoint proves in a link's handshake: its
    /// certificate and clear private key, or why it has none (Windows authentication only,
    /// no certificate, no private key, master key missing, outside its dates). Opens the
    /// private key, so it is called per handshake, not per poll.
    pub fn broker_endpoint_identity(&self) -> Result<EndpointIdentity, String> {
        let now = self.inner.clock.now();
        let st = self.inner.state.lock();
        let master = st.db(MASTER_DB).ok_or("master is missing")?;
        let e = master
            .sec
            .endpoints
            .values()
            .find(|e| e.kind == 3)
            .ok_or("The Service Broker endpoint does not exist.")?;
        match e.certificate_id.and_then(|id| master.sec.certificates.get(&id)) {
            None if e.auth < 4 => Err(
                "The endpoint uses Windows authentication, which sbroker does not provide: use AUTHENTICATION = CERTIFICATE."
                    .to_string(),
            ),
            None => Err("The endpoint's certificate does not exist.".to_string()),
            Some(c) => endpoint_identity(&st, c, now),
        }
    }

    /// The SERVICE_BROKER endpoint of the instance, if one exists.
    pub fn broker_endpoint_config(&self) -> Option<BrokerEndpoint> {
        let st = self.inner.state.lock();
        let master = st.db(MASTER_DB)?;
        let e = master.sec.endpoints.values().find(|e| e.kind == 3)?.clone();
        Some(BrokerEndpoint {
            name: e.name.clone(),
            state: e.state,
            port: u16::try_from(e.port).unwrap_or(0),
            ip: e.ip.clone(),
            auth: e.auth,
            encryption: e.encryption,
            forwarding: e.forwarding,
            forward_size_mb: e.forward_size,
            instance_id: master.rec.broker_guid,
        })
    }

    /// The SERVICE_BROKER endpoint: (STARTED, listener port, listener ip).
    pub fn broker_endpoint(&self) -> Option<(bool, u16, Option<String>)> {
        self.broker_endpoint_config()
            .map(|e| (e.state == 0, e.port, e.ip))
    }

    /// Transport authentication of a peer (spec 06 §7): the certificate it proved it holds
    /// must be installed in master, be within its validity dates, and belong to a login
    /// (directly, or through the master user that owns it) that has CONNECT on this
    /// instance's SERVICE_BROKER endpoint; `sa` has it implicitly. Returns the login and
    /// certificate, or the reason for refusing, as SQL Server words it in its connection handshake
    /// errors.
    pub fn authorize_peer_certificate(&self, der: &[u8]) -> Result<PeerIdentity, String> {
        let now = self.inner.clock.now();
        let st = self.inner.state.lock();
        let master = st.db(MASTER_DB).ok_or("master is missing")?;
        let endpoint = master
            .sec
            .endpoints
            .values()
            .find(|e| e.kind == 3)
            .ok_or("The Service Broker endpoint does not exist.")?;
        let Some(cert) = master.sec.certificates.values().find(|c| c.der == der) else {
            return Err("Connection handshake failed. The certificate used by the peer is invalid due to the following reason: Certificate not found. (the peer's certificate is not installed in master)".into());
        };
        let info = security::cert_info(der).map_err(|e| e.message)?;
        if now < info.start {
            return Err("Connection handshake failed. The certificate used by the peer is invalid due to the following reason: Certificate is not yet valid.".into());
        }
        if now > info.expiry {
            return Err("Connection handshake failed. The certificate used by the peer is invalid due to the following reason: Certificate expired.".into());
        }
        // The login: one made FROM CERTIFICATE, else the login of the owning user.
        let login = master
            .sec
            .logins
            .values()
            .find(|l| l.certificate_id == Some(cert.id))
            .map(|l| l.id)
            .or_else(|| {
                master
                    .principals
                    .get(&cert.principal_id)
                    .and_then(|p| p.login_id)
            });
        let Some(login) = login else {
            return Err(format!(
                "Connection handshake failed. The certificate '{}' used by the peer is not owned by a user mapped to a login.",
                cert.name
            ));
        };
        let name = security::login_name(&st, login).unwrap_or_else(|| format!("#{login}"));
        if login == 1 || endpoint.connect.contains(&login) || endpoint.connect.contains(&2) {
            Ok(PeerIdentity {
                login: name,
                certificate_id: cert.id,
            })
        } else {
            Err(format!(
                "Connection handshake failed. The login '{name}' does not have CONNECT permission on the endpoint. State 84. (28034)"
            ))
        }
    }

    /// Messages waiting in transmission queues whose routes lead to other instances, oldest
    /// first (each endpoint's in sequence order), at most `limit`.
    pub fn remote_outbound(&self, limit: usize) -> Vec<Outbound> {
        let now = self.inner.clock.now();
        crate::broker_remote::outbound(&self.inner.state.lock(), now, limit, None, &|_, _, _| true)
    }

    /// As [`Instance::remote_outbound`], for one address, leaving out the rows `keep`
    /// refuses (`keep(database_id, transmission_queue_id, conversation_handle)`).
    pub fn remote_outbound_to(
        &self,
        address: &str,
        limit: usize,
        keep: &dyn Fn(i32, i64, Uuid) -> bool,
    ) -> Vec<Outbound> {
        let now = self.inner.clock.now();
        crate::broker_remote::outbound(&self.inner.state.lock(), now, limit, Some(address), keep)
    }

    /// Sleeps until some transaction commits or `timeout` passes: the transport's sender
    /// waits here when it has nothing in flight, so a new message leaves as soon as its
    /// SEND commits. A commit just before the call is not seen; the timeout bounds that.
    pub fn wait_for_commit(&self, timeout: std::time::Duration) {
        let mut g = self.inner.state.lock();
        self.inner.changed.wait_for(&mut g, timeout);
    }

    /// The addresses that have messages waiting, with their counts.
    pub fn remote_destinations(&self) -> HashMap<String, usize> {
        let now = self.inner.clock.now();
        let st = self.inner.state.lock();
        let mut out: HashMap<String, usize> = HashMap::new();
        for (db, d) in &st.dbs {
            let mut by_handle: HashMap<Uuid, Option<String>> = HashMap::new();
            for row in d.txq.values() {
                let Some(ep) = d.endpoints.get(&row.handle) else {
                    continue;
                };
                let a = by_handle
                    .entry(row.handle)
                    .or_insert_with(|| crate::routing::remote_address(&st, *db, now, ep));
                if let Some(a) = a {
                    *out.entry(a.clone()).or_default() += 1;
                }
            }
        }
        out
    }

    /// The far instance accepted `o` (durably): it leaves the transmission queue.
    pub fn remote_done(&self, o: &Outbound, far_broker_instance: &str) -> Result<(), ServerError> {
        self.remote_done_batch(&[(o, far_broker_instance)])
    }

    /// A window of accepted messages leaves the transmission queue in one commit.
    pub fn remote_done_batch(&self, done: &[(&Outbound, &str)]) -> Result<(), ServerError> {
        if done.is_empty() {
            return Ok(());
        }
        let now = self.inner.clock.now();
        broker_txn(&self.inner, |st, tx| {
            for (o, far) in done {
                crate::broker_remote::remote_done(st, tx, now, o, far);
            }
        })?;
        self.inner.changed.notify_all();
        Ok(())
    }

    /// `o` could not be delivered: with a code the dialog fails with that broker error;
    /// without one it waits, `text` being its transmission status.
    pub fn remote_failed(
        &self,
        o: &Outbound,
        code: Option<i32>,
        text: &str,
    ) -> Result<(), ServerError> {
        self.remote_failed_batch(&[(o, code, text)])
    }

    /// Several refusals in one commit.
    pub fn remote_failed_batch(
        &self,
        failed: &[(&Outbound, Option<i32>, &str)],
    ) -> Result<(), ServerError> {
        if failed.is_empty() {
            return Ok(());
        }
        let now = self.inner.clock.now();
        broker_txn(&self.inner, |st, tx| {
            for (o, code, text) in failed {
                crate::broker_remote::remote_failed(st, tx, now, o, *code, text);
            }
        })?;
        self.inner.changed.notify_all();
        Ok(())
    }

    /// A message from another instance; the verdict is sent back once it is durable.
    pub fn accept_remote(&self, m: &RemoteMessage) -> Verdict {
        self.accept_remote_batch(std::slice::from_ref(m))
            .pop()
            .unwrap_or_else(|| Verdict::Rejected {
                code: None,
                text: "not processed".into(),
            })
    }

    /// A window of messages from another instance, taken in one durable commit; one
    /// verdict per message, in order. When the commit fails every message is refused for
    /// now (the sender keeps them and sends them again).
    pub fn accept_remote_batch(&self, batch: &[RemoteMessage]) -> Vec<Verdict> {
        let now = self.inner.clock.now();
        let v = broker_txn(&self.inner, |st, tx| {
            batch
                .iter()
                .map(|m| crate::broker_remote::accept_remote(st, tx, now, m))
                .collect::<Vec<_>>()
        });
        self.inner.changed.notify_all();
        match v {
            Ok(v) => v,
            Err(e) => batch
                .iter()
                .map(|_| Verdict::Rejected {
                    code: None,
                    text: e.message.clone(),
                })
                .collect(),
        }
    }
}

/// The certificate and clear private key of the endpoint's certificate, when usable.
fn endpoint_identity(
    st: &crate::state::State,
    c: &crate::records::CertificateRec,
    now: Ts,
) -> Result<EndpointIdentity, String> {
    let info = security::cert_info(&c.der).map_err(|e| e.message)?;
    if now > info.expiry || now < info.start {
        return Err(format!(
            "The endpoint's certificate '{}' is outside its validity period.",
            c.name
        ));
    }
    let pk = security::certificate_private_key(st, MASTER_DB, c).map_err(|e| {
        format!(
            "The private key of the endpoint's certificate '{}' cannot be opened: {}",
            c.name, e.message
        )
    })?;
    Ok(EndpointIdentity {
        cert_der: c.der.clone(),
        private_key_pkcs8: pk,
    })
}
