//! Persistent records: the rows the engine keeps in memory and writes to storage.
//!
//! Each record is encoded with postcard. Changing a field changes the on-disk format:
//! bump `sbroker_storage` format version and describe it in `docs/design.md`.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Microseconds since 1970-01-01 UTC.
pub type Ts = i64;

/// "No timer" / "far in the future".
pub const TS_NEVER: Ts = i64::MAX;

/// A database of the instance.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DatabaseRec {
    /// `database_id`.
    pub id: i32,
    /// Name (case-insensitive lookups).
    pub name: String,
    /// `service_broker_guid`.
    pub broker_guid: Uuid,
    /// `is_broker_enabled`.
    pub broker_enabled: bool,
    /// `is_trustworthy_on`.
    pub trustworthy: bool,
    /// `is_honor_broker_priority_on`.
    pub honor_priority: bool,
    /// Creation time.
    pub create_ts: Ts,
    /// Next id for user broker objects (message types, contracts, services, routes, …).
    pub next_broker_id: i32,
    /// Next `object_id` for schema-scoped objects (queues, tables, procedures, …).
    pub next_object_id: i32,
}

/// VALIDATION of a message type.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub enum Validation {
    /// `NONE`: anything.
    None,
    /// `EMPTY`: no body.
    Empty,
    /// `WELL_FORMED_XML`.
    WellFormedXml,
    /// `VALID_XML WITH SCHEMA COLLECTION` (collection id).
    ValidXml(i32),
}

impl Validation {
    /// The `validation` column value (`N`, `E`, `X`).
    pub fn code(self) -> &'static str {
        match self {
            Validation::None => "N",
            Validation::Empty => "E",
            Validation::WellFormedXml | Validation::ValidXml(_) => "X",
        }
    }

    /// The `validation_desc` column value.
    pub fn desc(self) -> &'static str {
        match self {
            Validation::None => "BINARY",
            Validation::Empty => "EMPTY",
            Validation::WellFormedXml | Validation::ValidXml(_) => "XML",
        }
    }
}

/// A message type.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MessageTypeRec {
    /// `message_type_id`.
    pub id: i32,
    /// Name (binary comparison).
    pub name: String,
    /// Owner.
    pub principal_id: i32,
    /// Validation.
    pub validation: Validation,
}

/// One message type of a contract.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct ContractUsage {
    /// Message type id.
    pub message_type_id: i32,
    /// SENT BY INITIATOR or ANY.
    pub by_initiator: bool,
    /// SENT BY TARGET or ANY.
    pub by_target: bool,
}

/// A contract.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ContractRec {
    /// `service_contract_id`.
    pub id: i32,
    /// Name (binary comparison).
    pub name: String,
    /// Owner.
    pub principal_id: i32,
    /// Message types.
    pub usages: Vec<ContractUsage>,
}

/// Activation settings of a queue.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct Activation {
    /// `is_activation_enabled`.
    pub enabled: bool,
    /// Three-part bracketed procedure name.
    pub procedure: Option<String>,
    /// MAX_QUEUE_READERS.
    pub max_readers: i16,
    /// `execute_as_principal_id` (−2 = OWNER).
    pub execute_as: Option<i32>,
}

/// A service queue.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct QueueRec {
    /// `object_id`.
    pub id: i32,
    /// Schema name.
    pub schema: String,
    /// Name.
    pub name: String,
    /// Owner.
    pub principal_id: i32,
    /// STATUS (receive and enqueue enabled).
    pub enabled: bool,
    /// RETENTION.
    pub retention: bool,
    /// POISON_MESSAGE_HANDLING.
    pub poison_handling: bool,
    /// sbroker extension: queue that receives a poison message instead of the queue being
    /// disabled (`POISON_MESSAGE_HANDLING (DEAD_LETTER_QUEUE = q)`).
    pub dead_letter_queue: Option<i32>,
    /// Activation.
    pub activation: Activation,
    /// Built-in queue.
    pub is_ms_shipped: bool,
    /// Creation time.
    pub create_ts: Ts,
    /// Last modification.
    pub modify_ts: Ts,
}

/// A service.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ServiceRec {
    /// `service_id`.
    pub id: i32,
    /// Name (binary comparison).
    pub name: String,
    /// Owner.
    pub principal_id: i32,
    /// Queue object id.
    pub queue_id: i32,
    /// Contracts accepted as target.
    pub contracts: Vec<i32>,
}

/// A conversation priority (CREATE BROKER PRIORITY); `None` criteria mean ANY.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PriorityRec {
    /// `priority_id`.
    pub id: i32,
    /// Name.
    pub name: String,
    /// CONTRACT_NAME (id).
    pub contract_id: Option<i32>,
    /// LOCAL_SERVICE_NAME (id).
    pub local_service_id: Option<i32>,
    /// REMOTE_SERVICE_NAME (compared byte for byte).
    pub remote_service: Option<String>,
    /// PRIORITY_LEVEL (1..10).
    pub level: u8,
}

/// A database principal (user or role).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PrincipalRec {
    /// `principal_id`.
    pub id: i32,
    /// Name.
    pub name: String,
    /// `type`: `S` SQL user, `C` user mapped to a certificate, `R` database role.
    pub kind: String,
    /// `type_desc`.
    pub type_desc: String,
    /// Default schema.
    pub default_schema: Option<String>,
    /// Role members (principal ids), for roles.
    pub members: Vec<i32>,
    /// The server login a user maps to (`CREATE USER … FOR LOGIN`; dbo maps to `sa`).
    /// Added after format 1's first layout: rows written before it decode through
    /// [`PrincipalRecV1`].
    pub login_id: Option<i32>,
}

/// The first layout of [`PrincipalRec`] (no `login_id`), still read from old data
/// directories.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PrincipalRecV1 {
    /// `principal_id`.
    pub id: i32,
    /// Name.
    pub name: String,
    /// `type`.
    pub kind: String,
    /// `type_desc`.
    pub type_desc: String,
    /// Default schema.
    pub default_schema: Option<String>,
    /// Role members.
    pub members: Vec<i32>,
}

impl From<PrincipalRecV1> for PrincipalRec {
    fn from(r: PrincipalRecV1) -> Self {
        // Before user-to-login mappings were kept, only dbo had one (the owner, `sa`).
        let login_id = (r.id == 1).then_some(1);
        Self {
            id: r.id,
            name: r.name,
            kind: r.kind,
            type_desc: r.type_desc,
            default_schema: r.default_schema,
            members: r.members,
            login_id,
        }
    }
}

/// An event notification on a queue (CREATE EVENT NOTIFICATION … ON QUEUE).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EventNotificationRec {
    /// Id.
    pub id: i32,
    /// Name.
    pub name: String,
    /// Queue object id.
    pub queue_id: i32,
    /// Events (`QUEUE_ACTIVATION`, `BROKER_QUEUE_DISABLED`), upper case.
    pub events: Vec<String>,
    /// Target service name.
    pub service: String,
    /// Target broker instance (GUID text; `current database` resolved at CREATE).
    pub broker_instance: String,
    /// The dialog the notifications travel on, once opened.
    pub dialog: Option<uuid::Uuid>,
}

/// A route (CREATE ROUTE).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RouteRec {
    /// `route_id`.
    pub id: i32,
    /// Name.
    pub name: String,
    /// Owner.
    pub principal_id: i32,
    /// SERVICE_NAME (`None` = any).
    pub service_name: Option<String>,
    /// BROKER_INSTANCE (`None` = any).
    pub broker_instance: Option<String>,
    /// Expiry (`None` = never).
    pub lifetime: Option<Ts>,
    /// ADDRESS: `LOCAL`, `TRANSPORT` or `TCP://host:port`.
    pub address: String,
    /// MIRROR_ADDRESS.
    pub mirror_address: Option<String>,
}

/// An XML schema collection (CREATE XML SCHEMA COLLECTION).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct XmlCollectionRec {
    /// `xml_collection_id`.
    pub id: i32,
    /// Schema name.
    pub schema: String,
    /// Name.
    pub name: String,
    /// The schema documents with their target namespaces.
    pub schemas: Vec<(Option<String>, String)>,
}

/// Endpoint states of `sys.conversation_endpoints`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
pub enum EndpointState {
    /// STARTED_OUTBOUND.
    SO,
    /// STARTED_INBOUND.
    SI,
    /// CONVERSING.
    CO,
    /// DISCONNECTED_INBOUND.
    DI,
    /// DISCONNECTED_OUTBOUND.
    DO,
    /// ERROR.
    ER,
    /// CLOSED.
    CD,
}

impl EndpointState {
    /// The two-letter code.
    pub fn code(self) -> &'static str {
        match self {
            EndpointState::SO => "SO",
            EndpointState::SI => "SI",
            EndpointState::CO => "CO",
            EndpointState::DI => "DI",
            EndpointState::DO => "DO",
            EndpointState::ER => "ER",
            EndpointState::CD => "CD",
        }
    }

    /// The `state_desc` text.
    pub fn desc(self) -> &'static str {
        match self {
            EndpointState::SO => "STARTED_OUTBOUND",
            EndpointState::SI => "STARTED_INBOUND",
            EndpointState::CO => "CONVERSING",
            EndpointState::DI => "DISCONNECTED_INBOUND",
            EndpointState::DO => "DISCONNECTED_OUTBOUND",
            EndpointState::ER => "ERROR",
            EndpointState::CD => "CLOSED",
        }
    }
}

/// One side of a dialog.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EndpointRec {
    /// `conversation_handle`.
    pub handle: Uuid,
    /// `conversation_id`.
    pub conversation_id: Uuid,
    /// `is_initiator`.
    pub is_initiator: bool,
    /// Dialog contract.
    pub contract_id: i32,
    /// Current group.
    pub group_id: Uuid,
    /// Local service.
    pub service_id: i32,
    /// Absolute expiry.
    pub lifetime: Ts,
    /// State.
    pub state: EndpointState,
    /// Far service name.
    pub far_service: String,
    /// Far broker instance (text), once known.
    pub far_broker_instance: Option<String>,
    /// Principal.
    pub principal_id: i32,
    /// Pending timer expiry.
    pub dialog_timer: Option<Ts>,
    /// Next sequence number to send.
    pub send_seq: i64,
    /// Next expected inbound sequence number.
    pub receive_seq: i64,
    /// Sequence number of our EndDialog, −1 when none.
    pub end_dialog_seq: i64,
    /// Priority level.
    pub priority: u8,
    /// ENCRYPTION requested.
    pub encryption: bool,
    /// The far endpoint, when it lives in this instance: (database id, handle).
    pub far_local: Option<(i32, Uuid)>,
    /// When the endpoint reached CD (for disposal).
    pub closed_ts: Option<Ts>,
    /// Security timestamp / creation time.
    pub create_ts: Ts,
}

/// A conversation group.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GroupRec {
    /// `conversation_group_id`.
    pub id: Uuid,
    /// Service of the group.
    pub service_id: i32,
}

/// What a queued message is, for RECEIVE ordering and system types.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub enum MessageKind {
    /// An application message.
    User,
    /// `…/EndDialog`.
    EndDialog,
    /// `…/Error`.
    Error,
    /// `…/DialogTimer`.
    DialogTimer,
}

/// A message in a service queue.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MessageRec {
    /// Queue object id.
    pub queue_id: i32,
    /// `queuing_order`.
    pub queuing_order: i64,
    /// `status`: 0 retained received, 1 ready, 2 incomplete, 3 retained sent.
    pub status: u8,
    /// Priority.
    pub priority: u8,
    /// Local endpoint handle.
    pub handle: Uuid,
    /// Group of the endpoint when enqueued (updated by MOVE).
    pub group_id: Uuid,
    /// `message_sequence_number`.
    pub sequence: i64,
    /// Local service id.
    pub service_id: i32,
    /// Contract id.
    pub contract_id: i32,
    /// Message type id.
    pub message_type_id: i32,
    /// Kind.
    pub kind: MessageKind,
    /// Validation code at enqueue.
    pub validation: Validation,
    /// Body (`None` = NULL).
    pub body: Option<Vec<u8>>,
    /// Enqueue time.
    pub enqueue_ts: Ts,
}

impl MessageRec {
    /// A copy without the body (cheap for large bodies).
    pub fn clone_without_body(&self) -> MessageRec {
        MessageRec {
            queue_id: self.queue_id,
            queuing_order: self.queuing_order,
            status: self.status,
            priority: self.priority,
            handle: self.handle,
            group_id: self.group_id,
            sequence: self.sequence,
            service_id: self.service_id,
            contract_id: self.contract_id,
            message_type_id: self.message_type_id,
            kind: self.kind,
            validation: self.validation,
            body: None,
            enqueue_ts: self.enqueue_ts,
        }
    }
}

/// A message waiting in a database's transmission queue.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TransmissionRec {
    /// Order within the database's transmission queue.
    pub id: i64,
    /// Sending endpoint.
    pub handle: Uuid,
    /// `to_service_name`.
    pub to_service: String,
    /// `to_broker_instance`.
    pub to_broker_instance: Option<String>,
    /// `from_service_name`.
    pub from_service: String,
    /// `service_contract_name`.
    pub contract: String,
    /// `enqueue_time`.
    pub enqueue_ts: Ts,
    /// `message_sequence_number`.
    pub sequence: i64,
    /// `message_type_name`.
    pub message_type: String,
    /// Kind (Error → is_conversation_error, EndDialog → is_end_of_dialog).
    pub kind: MessageKind,
    /// Body.
    pub body: Option<Vec<u8>>,
    /// `transmission_status`.
    pub status_text: String,
    /// Priority.
    pub priority: u8,
}

/// A secret wrapped with AES-256-GCM, under a key or under a password (PBKDF2-HMAC-SHA256).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct WrappedKey {
    /// PBKDF2 salt; empty when the wrapping key is itself a key (not a password).
    pub salt: Vec<u8>,
    /// PBKDF2 iterations (0 when wrapped under a key).
    pub iterations: u32,
    /// Nonce (12 bytes), ciphertext and tag.
    pub blob: Vec<u8>,
}

/// The database master key (CREATE MASTER KEY): a 256-bit key stored only wrapped.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MasterKeyRec {
    /// `symmetric_key_id` (always 101).
    pub id: i32,
    /// `key_guid`.
    pub guid: Uuid,
    /// `create_date`.
    pub created: Ts,
    /// `modify_date`.
    pub modified: Ts,
    /// One wrapping per `ENCRYPTION BY PASSWORD`.
    pub by_passwords: Vec<WrappedKey>,
    /// Wrapping under the service master key (lets the broker open it without a password).
    pub by_service_master_key: Option<WrappedKey>,
}

/// How a certificate's private key is protected.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub enum KeyProtection {
    /// By the database master key (`MK`).
    MasterKey,
    /// By a password (`PW`).
    Password,
}

/// A certificate (CREATE CERTIFICATE): an X.509 certificate and maybe its private key.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CertificateRec {
    /// `certificate_id`.
    pub id: i32,
    /// Name.
    pub name: String,
    /// Owner (`principal_id`).
    pub principal_id: i32,
    /// The certificate, DER.
    pub der: Vec<u8>,
    /// The PKCS#8 private key, wrapped; `None` for a public-key-only certificate.
    pub private_key: Option<(KeyProtection, WrappedKey)>,
    /// `ACTIVE FOR BEGIN_DIALOG`.
    pub active_for_begin_dialog: bool,
    /// `pvt_key_last_backup_date`.
    pub last_backup: Option<Ts>,
}

/// A module signature (ADD SIGNATURE … BY CERTIFICATE).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SignatureRec {
    /// Id of this row.
    pub id: i32,
    /// The signed object (`major_id`).
    pub object_id: i32,
    /// The signing certificate.
    pub certificate_id: i32,
    /// RSA PKCS#1 SHA-256 signature over the module's definition.
    pub signature: Vec<u8>,
}

/// A remote service binding.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RemoteServiceBindingRec {
    /// `remote_service_binding_id`.
    pub id: i32,
    /// Name.
    pub name: String,
    /// Owner.
    pub principal_id: i32,
    /// `remote_service_name`.
    pub remote_service_name: String,
    /// `remote_principal_id` (the user owning the remote service's certificate).
    pub remote_principal_id: i32,
    /// `is_anonymous_on`.
    pub anonymous: bool,
}

/// A server login (kept in the master database).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LoginRec {
    /// `principal_id`.
    pub id: i32,
    /// Name.
    pub name: String,
    /// `type`: `S` SQL login, `U` Windows login, `C` certificate-mapped login.
    pub kind: String,
    /// `sid`.
    pub sid: Vec<u8>,
    /// Password verifier (PBKDF2 of the password; only for SQL logins).
    pub password: Option<WrappedKey>,
    /// The certificate (in master) a certificate-mapped login maps to.
    pub certificate_id: Option<i32>,
    /// `create_date`.
    pub created: Ts,
}

/// A TCP endpoint (CREATE ENDPOINT … FOR SERVICE_BROKER | DATABASE_MIRRORING), kept in
/// the master database.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EndpointDefRec {
    /// `endpoint_id`.
    pub id: i32,
    /// Name.
    pub name: String,
    /// Owner login.
    pub principal_id: i32,
    /// `type`: 3 SERVICE_BROKER, 4 DATABASE_MIRRORING.
    pub kind: u8,
    /// `state`: 0 STARTED, 1 STOPPED, 2 DISABLED.
    pub state: u8,
    /// `LISTENER_PORT`.
    pub port: i32,
    /// `LISTENER_IP` (`None` = ALL).
    pub ip: Option<String>,
    /// `connection_auth`: 1 NTLM, 2 KERBEROS, 3 NEGOTIATE, 4 CERTIFICATE, 5..10 combinations.
    pub auth: u8,
    /// The authentication certificate (in master).
    pub certificate_id: Option<i32>,
    /// `encryption_algorithm` (0 NONE … see sys.service_broker_endpoints).
    pub encryption: u8,
    /// `is_message_forwarding_enabled`.
    pub forwarding: bool,
    /// `message_forwarding_size` (MB).
    pub forward_size: i32,
    /// `role` of a mirroring endpoint: 0 NONE, 1 PARTNER, 2 WITNESS, 3 ALL.
    pub role: u8,
    /// Logins granted CONNECT (2 = public).
    pub connect: Vec<i32>,
}

/// The service master key (one per instance, kept in the master database).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ServiceMasterKeyRec {
    /// Always 102.
    pub id: i32,
    /// The key.
    pub key: Vec<u8>,
}
