//! Service Broker and security statement payloads: message types, contracts,
//! queues, services, routes, remote service bindings, priorities, endpoints,
//! XML schema collections, dialogs (BEGIN DIALOG / SEND / RECEIVE / WAITFOR /
//! END CONVERSATION …), event notifications, certificates, logins, users and
//! permissions.

use super::expr::Expr;
use super::query::SelectItem;
use super::{ExecuteAs, GenericOption, Ident, ObjectName};

/// Message type validation:
/// `NONE | EMPTY | WELL_FORMED_XML | VALID_XML WITH SCHEMA COLLECTION name`.
#[derive(Debug, Clone, PartialEq)]
pub enum Validation {
    /// `NONE`
    None,
    /// `EMPTY`
    Empty,
    /// `WELL_FORMED_XML`
    WellFormedXml,
    /// `VALID_XML WITH SCHEMA COLLECTION name`
    ValidXml(ObjectName),
}

/// `CREATE MESSAGE TYPE name [AUTHORIZATION owner] [VALIDATION = …]`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateMessageType {
    /// Message type name.
    pub name: Ident,
    /// Owner.
    pub authorization: Option<Ident>,
    /// Validation (default NONE when absent).
    pub validation: Option<Validation>,
}

/// `SENT BY` role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SentBy {
    /// `INITIATOR`
    Initiator,
    /// `TARGET`
    Target,
    /// `ANY`
    Any,
}

/// `{ message_type | [DEFAULT] } SENT BY { INITIATOR | TARGET | ANY }`.
#[derive(Debug, Clone, PartialEq)]
pub struct ContractMessage {
    /// Message type (`[DEFAULT]` is a bracketed identifier).
    pub message_type: Ident,
    /// Who may send it.
    pub sent_by: SentBy,
}

/// `CREATE CONTRACT name [AUTHORIZATION owner] ( contract_message, … )`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateContract {
    /// Contract name.
    pub name: Ident,
    /// Owner.
    pub authorization: Option<Ident>,
    /// Message usages (at least one).
    pub messages: Vec<ContractMessage>,
}

/// Sub-options of `ACTIVATION ( … )`. In CREATE QUEUE the procedure,
/// MAX_QUEUE_READERS and EXECUTE AS are required by SQL Server; the parser
/// accepts any subset in any order and leaves that check to the executor.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ActivationOptions {
    /// `STATUS = ON | OFF`.
    pub status: Option<bool>,
    /// `PROCEDURE_NAME = [db.][schema.]proc`.
    pub procedure_name: Option<ObjectName>,
    /// `MAX_QUEUE_READERS = n`.
    pub max_queue_readers: Option<i64>,
    /// `EXECUTE AS { SELF | OWNER | 'user' }`.
    pub execute_as: Option<ExecuteAs>,
}

/// `ACTIVATION ( options | DROP )`.
#[derive(Debug, Clone, PartialEq)]
pub enum Activation {
    /// Activation options.
    Options(ActivationOptions),
    /// `ACTIVATION ( DROP )` (ALTER QUEUE only).
    Drop,
}

/// Queue `WITH` options; every field is optional and they may appear in any
/// order, separated by optional commas. Printed in the order
/// STATUS, RETENTION, ACTIVATION, POISON_MESSAGE_HANDLING.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QueueOptions {
    /// `STATUS = ON | OFF`.
    pub status: Option<bool>,
    /// `RETENTION = ON | OFF`.
    pub retention: Option<bool>,
    /// `ACTIVATION ( … )`.
    pub activation: Option<Activation>,
    /// `POISON_MESSAGE_HANDLING ( [STATUS = ON | OFF] )`: `Some(None)` when the
    /// parentheses are empty.
    pub poison_message_handling: Option<Option<bool>>,
    /// sbroker extension inside `POISON_MESSAGE_HANDLING ( … )`:
    /// `DEAD_LETTER_QUEUE = name | NONE`; `Some(None)` for NONE.
    pub dead_letter_queue: Option<Option<ObjectName>>,
}

impl QueueOptions {
    /// True when no option is set.
    pub fn is_empty(&self) -> bool {
        self.status.is_none()
            && self.retention.is_none()
            && self.activation.is_none()
            && self.poison_message_handling.is_none()
            && self.dead_letter_queue.is_none()
    }
}

/// `CREATE QUEUE [db.][schema.]name [WITH options] [ON { filegroup | [DEFAULT] }]`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateQueue {
    /// Queue name.
    pub name: ObjectName,
    /// Options (`WITH` omitted when empty).
    pub options: QueueOptions,
    /// `ON filegroup`.
    pub filegroup: Option<Ident>,
}

/// `ALTER QUEUE` action.
#[derive(Debug, Clone, PartialEq)]
pub enum AlterQueueAction {
    /// `WITH options`.
    With(QueueOptions),
    /// `REBUILD [WITH ( MAXDOP = n )]`.
    Rebuild(Vec<GenericOption>),
    /// `REORGANIZE [WITH ( LOB_COMPACTION = ON | OFF )]`.
    Reorganize(Vec<GenericOption>),
    /// `MOVE TO { filegroup | "default" }`.
    MoveTo(Ident),
}

/// `ALTER QUEUE name action`.
#[derive(Debug, Clone, PartialEq)]
pub struct AlterQueue {
    /// Queue name.
    pub name: ObjectName,
    /// Action.
    pub action: AlterQueueAction,
}

/// `CREATE SERVICE name [AUTHORIZATION owner] ON QUEUE [schema.]queue
/// [( { contract | [DEFAULT] } , … )]`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateService {
    /// Service name.
    pub name: Ident,
    /// Owner.
    pub authorization: Option<Ident>,
    /// Queue.
    pub queue: ObjectName,
    /// Contracts accepted as target (empty = initiator-only service).
    pub contracts: Vec<Ident>,
}

/// One change in `ALTER SERVICE … ( ADD CONTRACT c | DROP CONTRACT c , … )`.
#[derive(Debug, Clone, PartialEq)]
pub enum ServiceContractChange {
    /// `ADD CONTRACT c`
    Add(Ident),
    /// `DROP CONTRACT c`
    Drop(Ident),
}

/// `ALTER SERVICE name [ON QUEUE q] [( change, … )]`.
#[derive(Debug, Clone, PartialEq)]
pub struct AlterService {
    /// Service name.
    pub name: Ident,
    /// New queue.
    pub queue: Option<ObjectName>,
    /// Contract changes.
    pub changes: Vec<ServiceContractChange>,
}

/// Route options (`WITH` list of CREATE/ALTER ROUTE), any order, printed in
/// the order SERVICE_NAME, BROKER_INSTANCE, LIFETIME, ADDRESS, MIRROR_ADDRESS.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RouteOptions {
    /// `SERVICE_NAME = 'name'`.
    pub service_name: Option<String>,
    /// `BROKER_INSTANCE = 'guid'`.
    pub broker_instance: Option<String>,
    /// `LIFETIME = seconds`.
    pub lifetime: Option<i64>,
    /// `ADDRESS = 'LOCAL' | 'TRANSPORT' | 'TCP://host:port'`.
    pub address: Option<String>,
    /// `MIRROR_ADDRESS = 'TCP://host:port'`.
    pub mirror_address: Option<String>,
}

/// `CREATE ROUTE name [AUTHORIZATION owner] WITH option, …`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateRoute {
    /// Route name.
    pub name: Ident,
    /// Owner.
    pub authorization: Option<Ident>,
    /// Options.
    pub options: RouteOptions,
}

/// `CREATE REMOTE SERVICE BINDING name [AUTHORIZATION owner] TO SERVICE 'svc'
/// WITH USER = user [, ANONYMOUS = ON | OFF]`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateRemoteServiceBinding {
    /// Binding name.
    pub name: Ident,
    /// Owner.
    pub authorization: Option<Ident>,
    /// Remote service name.
    pub service: String,
    /// Database user whose certificate is used.
    pub user: Ident,
    /// `ANONYMOUS`.
    pub anonymous: Option<bool>,
}

/// A priority criterion naming a local object: `name | ANY`.
#[derive(Debug, Clone, PartialEq)]
pub enum NameOrAny {
    /// The bare keyword `ANY` (wildcard). `[ANY]` is a name.
    Any,
    /// An object name.
    Name(Ident),
}

/// `REMOTE_SERVICE_NAME = 'name' | ANY`.
#[derive(Debug, Clone, PartialEq)]
pub enum StringOrAny {
    /// `ANY`
    Any,
    /// A string literal.
    Name(String),
}

/// `PRIORITY_LEVEL = 1..10 | DEFAULT`.
#[derive(Debug, Clone, PartialEq)]
pub enum PriorityLevel {
    /// A number.
    Level(i64),
    /// `DEFAULT` (5).
    Default,
}

/// `{CREATE | ALTER} BROKER PRIORITY name FOR CONVERSATION [SET ( [CONTRACT_NAME = …]
/// [,] [LOCAL_SERVICE_NAME = …] [,] [REMOTE_SERVICE_NAME = …] [,] [PRIORITY_LEVEL = …] )]`.
#[derive(Debug, Clone, PartialEq)]
pub struct BrokerPriority {
    /// Priority name.
    pub name: Ident,
    /// `SET (…)` was written (`false` only for CREATE without SET).
    pub has_set: bool,
    /// `CONTRACT_NAME`.
    pub contract_name: Option<NameOrAny>,
    /// `LOCAL_SERVICE_NAME`.
    pub local_service_name: Option<NameOrAny>,
    /// `REMOTE_SERVICE_NAME`.
    pub remote_service_name: Option<StringOrAny>,
    /// `PRIORITY_LEVEL`.
    pub priority_level: Option<PriorityLevel>,
}

/// Endpoint state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointState {
    /// `STARTED`
    Started,
    /// `STOPPED`
    Stopped,
    /// `DISABLED`
    Disabled,
}

/// `LISTENER_IP = ALL | ( ipv4 ) | ( 'ipv6' )`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListenerIp {
    /// `ALL`
    All,
    /// `( 10.0.0.1 )` — the dotted address as text.
    V4(String),
    /// `( '::1' )`.
    V6(String),
}

/// `AS TCP ( LISTENER_PORT = n [, LISTENER_IP = …] )`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TcpOptions {
    /// Port.
    pub listener_port: Option<i64>,
    /// Listener address.
    pub listener_ip: Option<ListenerIp>,
}

/// Windows authentication method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowsAuth {
    /// `NTLM`
    Ntlm,
    /// `KERBEROS`
    Kerberos,
    /// `NEGOTIATE`
    Negotiate,
}

/// `AUTHENTICATION = …` of a Service Broker endpoint.
#[derive(Debug, Clone, PartialEq)]
pub enum EndpointAuthentication {
    /// `WINDOWS [method]`.
    Windows(Option<WindowsAuth>),
    /// `CERTIFICATE cert`.
    Certificate(Ident),
    /// `WINDOWS [method] CERTIFICATE cert`.
    WindowsCertificate(Option<WindowsAuth>, Ident),
    /// `CERTIFICATE cert WINDOWS [method]`.
    CertificateWindows(Ident, Option<WindowsAuth>),
}

/// Endpoint encryption requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EncryptionMode {
    /// `DISABLED`
    Disabled,
    /// `SUPPORTED`
    Supported,
    /// `REQUIRED`
    Required,
}

/// Encryption algorithm names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EncryptionAlgorithm {
    /// `AES`
    Aes,
    /// `RC4`
    Rc4,
}

/// `ENCRYPTION = { DISABLED | { SUPPORTED | REQUIRED } [ALGORITHM alg [alg]] }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointEncryption {
    /// Mode.
    pub mode: EncryptionMode,
    /// Algorithms in preference order (empty = default).
    pub algorithms: Vec<EncryptionAlgorithm>,
}

/// `FOR SERVICE_BROKER ( … )` options, any order, commas optional.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ServiceBrokerOptions {
    /// `AUTHENTICATION`.
    pub authentication: Option<EndpointAuthentication>,
    /// `ENCRYPTION`.
    pub encryption: Option<EndpointEncryption>,
    /// `MESSAGE_FORWARDING = ENABLED | DISABLED` (`true` = ENABLED).
    pub message_forwarding: Option<bool>,
    /// `MESSAGE_FORWARD_SIZE = megabytes`.
    pub message_forward_size: Option<i64>,
    /// `ROLE = { WITNESS | PARTNER | ALL }` (FOR DATABASE_MIRRORING only), upper case.
    pub role: Option<String>,
}

/// `{CREATE | ALTER} ENDPOINT name [AUTHORIZATION login] [STATE = …]
/// [AS TCP ( … )] [FOR SERVICE_BROKER ( … )]` (CREATE requires AS TCP and FOR
/// SERVICE_BROKER).
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    /// Endpoint name.
    pub name: Ident,
    /// Owner login (CREATE only).
    pub authorization: Option<Ident>,
    /// `STATE`.
    pub state: Option<EndpointState>,
    /// `AS TCP ( … )`.
    pub tcp: Option<TcpOptions>,
    /// `FOR SERVICE_BROKER ( … )` or `FOR DATABASE_MIRRORING ( … )`.
    pub service_broker: Option<ServiceBrokerOptions>,
    /// The payload is `DATABASE_MIRRORING` rather than `SERVICE_BROKER`.
    pub mirroring: bool,
}

/// `BEGIN DIALOG` related-conversation option.
#[derive(Debug, Clone, PartialEq)]
pub enum RelatedConversation {
    /// `RELATED_CONVERSATION = handle`.
    Conversation(Expr),
    /// `RELATED_CONVERSATION_GROUP = group_id`.
    Group(Expr),
}

/// `BEGIN DIALOG [CONVERSATION] @handle FROM SERVICE name TO SERVICE expr
/// [, expr] [ON CONTRACT name] [WITH [related] [[,] LIFETIME = expr]
/// [[,] ENCRYPTION = ON | OFF]]` (options any order, commas optional).
#[derive(Debug, Clone, PartialEq)]
pub struct BeginDialog {
    /// Handle variable (including `@`).
    pub handle: String,
    /// Initiator service.
    pub from_service: Ident,
    /// Target service name expression (string literal or variable).
    pub to_service: Expr,
    /// Broker instance expression (`'guid'`, `'CURRENT DATABASE'` or variable).
    pub broker_instance: Option<Expr>,
    /// Contract.
    pub contract: Option<Ident>,
    /// RELATED_CONVERSATION / RELATED_CONVERSATION_GROUP.
    pub related: Option<RelatedConversation>,
    /// LIFETIME (seconds).
    pub lifetime: Option<Expr>,
    /// ENCRYPTION.
    pub encryption: Option<bool>,
}

/// `SEND ON CONVERSATION [(] handle [, …] [)] [MESSAGE TYPE name] [( body )]`.
#[derive(Debug, Clone, PartialEq)]
pub struct SendMessage {
    /// Conversation handles (at least one).
    pub handles: Vec<Expr>,
    /// Message type (default `DEFAULT`).
    pub message_type: Option<Ident>,
    /// Message body.
    pub body: Option<Expr>,
}

/// `RECEIVE [TOP ( n )] column_specifier, … FROM queue [INTO @t] [WHERE cond]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Receive {
    /// `TOP (n)`.
    pub top: Option<Expr>,
    /// Column specifiers (select items).
    pub columns: Vec<SelectItem>,
    /// Queue.
    pub queue: ObjectName,
    /// `INTO @table_variable` (including `@`).
    pub into: Option<String>,
    /// `WHERE` (any expression is parsed; the executor accepts only
    /// `conversation_handle = x` / `conversation_group_id = x`).
    pub selection: Option<Expr>,
}

/// `GET CONVERSATION GROUP @g FROM queue`.
#[derive(Debug, Clone, PartialEq)]
pub struct GetConversationGroup {
    /// Variable receiving the group id (including `@`).
    pub group_variable: String,
    /// Queue.
    pub queue: ObjectName,
}

/// The statement inside `WAITFOR ( … )`.
#[derive(Debug, Clone, PartialEq)]
pub enum WaitForStatement {
    /// `RECEIVE …`.
    Receive(Receive),
    /// `GET CONVERSATION GROUP …`.
    GetConversationGroup(GetConversationGroup),
}

/// `WAITFOR ( statement ) [, TIMEOUT expr]`.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitFor {
    /// The waiting statement.
    pub statement: WaitForStatement,
    /// Timeout in milliseconds.
    pub timeout: Option<Expr>,
}

/// `END CONVERSATION` options.
#[derive(Debug, Clone, PartialEq)]
pub enum EndConversationOption {
    /// `WITH ERROR = code DESCRIPTION = text`.
    Error {
        /// Failure code.
        code: Expr,
        /// Description.
        description: Expr,
    },
    /// `WITH CLEANUP`.
    Cleanup,
}

/// `END CONVERSATION handle [WITH ERROR = … DESCRIPTION = … | WITH CLEANUP]`.
#[derive(Debug, Clone, PartialEq)]
pub struct EndConversation {
    /// Handle.
    pub handle: Expr,
    /// Option.
    pub option: Option<EndConversationOption>,
}

/// Kinds of broker/security objects dropped with `DROP kind name`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BrokerObjectKind {
    /// `MESSAGE TYPE`
    MessageType,
    /// `CONTRACT`
    Contract,
    /// `QUEUE`
    Queue,
    /// `SERVICE`
    Service,
    /// `ROUTE`
    Route,
    /// `REMOTE SERVICE BINDING`
    RemoteServiceBinding,
    /// `BROKER PRIORITY`
    BrokerPriority,
    /// `XML SCHEMA COLLECTION`
    XmlSchemaCollection,
    /// `ENDPOINT`
    Endpoint,
    /// `CERTIFICATE`
    Certificate,
}

/// Scope of an event notification.
#[derive(Debug, Clone, PartialEq)]
pub enum EventNotificationScope {
    /// `ON SERVER`
    Server,
    /// `ON DATABASE`
    Database,
    /// `ON QUEUE name`
    Queue(ObjectName),
}

/// `CREATE EVENT NOTIFICATION name ON scope [WITH FAN_IN] FOR event, …
/// TO SERVICE 'svc', { 'broker_instance' | 'current database' }`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateEventNotification {
    /// Name.
    pub name: Ident,
    /// Scope.
    pub scope: EventNotificationScope,
    /// `WITH FAN_IN`.
    pub fan_in: bool,
    /// Event names / groups (e.g. `QUEUE_ACTIVATION`), as written.
    pub events: Vec<Ident>,
    /// Target service name.
    pub service: String,
    /// Broker instance (`'current database'` or a GUID string).
    pub broker_instance: String,
}

/// Private-key option inside `WITH PRIVATE KEY ( … )`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrivateKeyOption {
    /// `FILE = 'path'`
    File(String),
    /// `DECRYPTION BY PASSWORD = 'pwd'`
    DecryptionByPassword(String),
    /// `ENCRYPTION BY PASSWORD = 'pwd'`
    EncryptionByPassword(String),
}

/// Where a certificate comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertificateSource {
    /// `FROM FILE = 'path' [WITH PRIVATE KEY ( … )]`.
    File {
        /// Path.
        path: String,
        /// Private key options (empty when absent).
        private_key: Vec<PrivateKeyOption>,
    },
    /// `[ENCRYPTION BY PASSWORD = 'pwd'] WITH SUBJECT = 's' [, START_DATE = 'd']
    /// [, EXPIRY_DATE = 'd']`.
    Generate {
        /// `ENCRYPTION BY PASSWORD`.
        encryption_password: Option<String>,
        /// Subject.
        subject: String,
        /// Start date text.
        start_date: Option<String>,
        /// Expiry date text.
        expiry_date: Option<String>,
    },
}

/// `CREATE CERTIFICATE name [AUTHORIZATION user] source [ACTIVE FOR BEGIN_DIALOG = ON | OFF]`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateCertificate {
    /// Name.
    pub name: Ident,
    /// Owner.
    pub authorization: Option<Ident>,
    /// Source.
    pub source: CertificateSource,
    /// `ACTIVE FOR BEGIN_DIALOG`.
    pub active_for_begin_dialog: Option<bool>,
}

/// `ALTER CERTIFICATE name …` actions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlterCertificateAction {
    /// `WITH ACTIVE FOR BEGIN_DIALOG = ON | OFF`.
    ActiveForBeginDialog(bool),
    /// `REMOVE PRIVATE KEY`.
    RemovePrivateKey,
    /// `WITH PRIVATE KEY ( … )`.
    PrivateKey(Vec<PrivateKeyOption>),
}

/// How a login authenticates.
#[derive(Debug, Clone, PartialEq)]
pub enum LoginSource {
    /// `WITH PASSWORD = 'pwd' [, option = value …]`.
    Password {
        /// Password.
        password: String,
        /// Other options (`CHECK_POLICY = OFF`, `DEFAULT_DATABASE = db`, …).
        options: Vec<GenericOption>,
    },
    /// `FROM CERTIFICATE cert`.
    Certificate(Ident),
    /// `FROM WINDOWS`.
    Windows,
}

/// `CREATE LOGIN name { WITH PASSWORD = … | FROM CERTIFICATE c | FROM WINDOWS }`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateLogin {
    /// Login name.
    pub name: Ident,
    /// Source.
    pub source: LoginSource,
}

/// How a database user is mapped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserMapping {
    /// Nothing written (maps to the login of the same name).
    Default,
    /// `WITHOUT LOGIN`.
    WithoutLogin,
    /// `{FOR | FROM} LOGIN login`.
    Login(Ident),
    /// `{FOR | FROM} CERTIFICATE cert`.
    Certificate(Ident),
}

/// `CREATE USER name [mapping] [WITH DEFAULT_SCHEMA = schema]`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateUser {
    /// User name.
    pub name: Ident,
    /// Mapping.
    pub mapping: UserMapping,
    /// Default schema.
    pub default_schema: Option<Ident>,
}

/// Securable classes used in `class::name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecurableClass {
    /// `SERVICE`
    Service,
    /// `CONTRACT`
    Contract,
    /// `MESSAGE TYPE`
    MessageType,
    /// `ROUTE`
    Route,
    /// `REMOTE SERVICE BINDING`
    RemoteServiceBinding,
    /// `ENDPOINT`
    Endpoint,
    /// `OBJECT`
    Object,
    /// `SCHEMA`
    Schema,
    /// `XML SCHEMA COLLECTION`
    XmlSchemaCollection,
    /// `CERTIFICATE`
    Certificate,
    /// `DATABASE`
    Database,
    /// `LOGIN`
    Login,
    /// `USER`
    User,
    /// `ROLE`
    Role,
    /// `TYPE`
    Type,
    /// Any other class, upper-cased words separated by one space.
    Other(String),
}

/// A securable: `[class::]name`.
#[derive(Debug, Clone, PartialEq)]
pub struct Securable {
    /// Class (`None` = object, written without `::`).
    pub class: Option<SecurableClass>,
    /// Name.
    pub name: ObjectName,
}

/// `GRANT`, `DENY` or `REVOKE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PermissionAction {
    /// `GRANT`
    Grant,
    /// `DENY`
    Deny,
    /// `REVOKE`
    Revoke,
}

/// `GRANT perm, … [ON securable] TO principal, … [WITH GRANT OPTION] [AS principal]`,
/// `DENY perm, … [ON securable] TO principal, … [CASCADE] [AS principal]`,
/// `REVOKE [GRANT OPTION FOR] perm, … [ON securable] {TO | FROM} principal, … [CASCADE] [AS principal]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Permission {
    /// Action.
    pub action: PermissionAction,
    /// `GRANT OPTION FOR` (REVOKE only).
    pub grant_option_for: bool,
    /// Permission names, upper-cased, words separated by one space
    /// (e.g. `"SEND"`, `"VIEW DEFINITION"`, `"ALTER ANY SERVICE"`).
    pub permissions: Vec<String>,
    /// Securable (`None` for database/server-level permissions).
    pub on: Option<Securable>,
    /// Principals.
    pub principals: Vec<Ident>,
    /// `WITH GRANT OPTION`.
    pub with_grant_option: bool,
    /// `CASCADE`.
    pub cascade: bool,
    /// `AS principal`.
    pub as_principal: Option<Ident>,
}

/// `ALTER MASTER KEY …`.
#[derive(Debug, Clone, PartialEq)]
pub enum AlterMasterKeyAction {
    /// `[FORCE] REGENERATE WITH ENCRYPTION BY PASSWORD = 'pwd'`.
    Regenerate {
        /// `FORCE`.
        force: bool,
        /// Password.
        password: String,
    },
    /// `ADD ENCRYPTION BY SERVICE MASTER KEY`.
    AddServiceMasterKey,
    /// `ADD ENCRYPTION BY PASSWORD = 'pwd'`.
    AddPassword(String),
    /// `DROP ENCRYPTION BY SERVICE MASTER KEY`.
    DropServiceMasterKey,
    /// `DROP ENCRYPTION BY PASSWORD = 'pwd'`.
    DropPassword(String),
}
