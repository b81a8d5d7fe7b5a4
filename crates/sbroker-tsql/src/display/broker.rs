//! `Display` for Service Broker and security statements.

use std::fmt::{self, Display, Formatter};

use super::{Commas, on_off, q};
use crate::ast::*;

impl Display for Validation {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Validation::None => f.write_str("NONE"),
            Validation::Empty => f.write_str("EMPTY"),
            Validation::WellFormedXml => f.write_str("WELL_FORMED_XML"),
            Validation::ValidXml(c) => write!(f, "VALID_XML WITH SCHEMA COLLECTION {c}"),
        }
    }
}

impl Display for ContractMessage {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let by = match self.sent_by {
            SentBy::Initiator => "INITIATOR",
            SentBy::Target => "TARGET",
            SentBy::Any => "ANY",
        };
        write!(f, "{} SENT BY {by}", self.message_type)
    }
}

impl Display for QueueOptions {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        if let Some(s) = self.status {
            parts.push(format!("STATUS = {}", on_off(s)));
        }
        if let Some(r) = self.retention {
            parts.push(format!("RETENTION = {}", on_off(r)));
        }
        match &self.activation {
            None => {}
            Some(Activation::Drop) => parts.push("ACTIVATION (DROP)".into()),
            Some(Activation::Options(a)) => {
                let mut sub: Vec<String> = Vec::new();
                if let Some(s) = a.status {
                    sub.push(format!("STATUS = {}", on_off(s)));
                }
                if let Some(p) = &a.procedure_name {
                    sub.push(format!("PROCEDURE_NAME = {p}"));
                }
                if let Some(m) = a.max_queue_readers {
                    sub.push(format!("MAX_QUEUE_READERS = {m}"));
                }
                if let Some(e) = &a.execute_as {
                    sub.push(format!("EXECUTE AS {e}"));
                }
                parts.push(format!("ACTIVATION ({})", sub.join(", ")));
            }
        }
        let dlq = match &self.dead_letter_queue {
            None => String::new(),
            Some(None) => "DEAD_LETTER_QUEUE = NONE".into(),
            Some(Some(q)) => format!("DEAD_LETTER_QUEUE = {q}"),
        };
        match (self.poison_message_handling, dlq.is_empty()) {
            (None, _) => {}
            (Some(None), true) => parts.push("POISON_MESSAGE_HANDLING ()".into()),
            (Some(None), false) => parts.push(format!("POISON_MESSAGE_HANDLING ({dlq})")),
            (Some(Some(s)), true) => {
                parts.push(format!("POISON_MESSAGE_HANDLING (STATUS = {})", on_off(s)))
            }
            (Some(Some(s)), false) => parts.push(format!(
                "POISON_MESSAGE_HANDLING (STATUS = {}, {dlq})",
                on_off(s)
            )),
        }
        f.write_str(&parts.join(", "))
    }
}

impl Display for RouteOptions {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        if let Some(s) = &self.service_name {
            parts.push(format!("SERVICE_NAME = {}", q(s)));
        }
        if let Some(s) = &self.broker_instance {
            parts.push(format!("BROKER_INSTANCE = {}", q(s)));
        }
        if let Some(l) = self.lifetime {
            parts.push(format!("LIFETIME = {l}"));
        }
        if let Some(s) = &self.address {
            parts.push(format!("ADDRESS = {}", q(s)));
        }
        if let Some(s) = &self.mirror_address {
            parts.push(format!("MIRROR_ADDRESS = {}", q(s)));
        }
        f.write_str(&parts.join(", "))
    }
}

impl Display for NameOrAny {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            NameOrAny::Any => f.write_str("ANY"),
            NameOrAny::Name(n) => write!(f, "{n}"),
        }
    }
}

impl Display for BrokerPriority {
    /// Prints `name FOR CONVERSATION [SET (…)]` (without the leading CREATE/ALTER BROKER PRIORITY).
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{} FOR CONVERSATION", self.name)?;
        if !self.has_set {
            return Ok(());
        }
        let mut parts: Vec<String> = Vec::new();
        if let Some(c) = &self.contract_name {
            parts.push(format!("CONTRACT_NAME = {c}"));
        }
        if let Some(c) = &self.local_service_name {
            parts.push(format!("LOCAL_SERVICE_NAME = {c}"));
        }
        match &self.remote_service_name {
            None => {}
            Some(StringOrAny::Any) => parts.push("REMOTE_SERVICE_NAME = ANY".into()),
            Some(StringOrAny::Name(s)) => parts.push(format!("REMOTE_SERVICE_NAME = {}", q(s))),
        }
        match &self.priority_level {
            None => {}
            Some(PriorityLevel::Default) => parts.push("PRIORITY_LEVEL = DEFAULT".into()),
            Some(PriorityLevel::Level(n)) => parts.push(format!("PRIORITY_LEVEL = {n}")),
        }
        write!(f, " SET ({})", parts.join(", "))
    }
}

fn win(m: &Option<WindowsAuth>) -> &'static str {
    match m {
        None => "WINDOWS",
        Some(WindowsAuth::Ntlm) => "WINDOWS NTLM",
        Some(WindowsAuth::Kerberos) => "WINDOWS KERBEROS",
        Some(WindowsAuth::Negotiate) => "WINDOWS NEGOTIATE",
    }
}

impl Display for Endpoint {
    /// Prints `name [AUTHORIZATION l] [STATE = …] [AS TCP (…)] [FOR SERVICE_BROKER (…)]`.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.name)?;
        if let Some(a) = &self.authorization {
            write!(f, " AUTHORIZATION {a}")?;
        }
        if let Some(s) = self.state {
            let s = match s {
                EndpointState::Started => "STARTED",
                EndpointState::Stopped => "STOPPED",
                EndpointState::Disabled => "DISABLED",
            };
            write!(f, " STATE = {s}")?;
        }
        if let Some(t) = &self.tcp {
            let mut parts: Vec<String> = Vec::new();
            if let Some(p) = t.listener_port {
                parts.push(format!("LISTENER_PORT = {p}"));
            }
            match &t.listener_ip {
                None => {}
                Some(ListenerIp::All) => parts.push("LISTENER_IP = ALL".into()),
                Some(ListenerIp::V4(a)) => parts.push(format!("LISTENER_IP = ({a})")),
                Some(ListenerIp::V6(a)) => parts.push(format!("LISTENER_IP = ({})", q(a))),
            }
            write!(f, " AS TCP ({})", parts.join(", "))?;
        }
        if let Some(sb) = &self.service_broker {
            let mut parts: Vec<String> = Vec::new();
            match &sb.authentication {
                None => {}
                Some(EndpointAuthentication::Windows(m)) => {
                    parts.push(format!("AUTHENTICATION = {}", win(m)))
                }
                Some(EndpointAuthentication::Certificate(c)) => {
                    parts.push(format!("AUTHENTICATION = CERTIFICATE {c}"))
                }
                Some(EndpointAuthentication::WindowsCertificate(m, c)) => {
                    parts.push(format!("AUTHENTICATION = {} CERTIFICATE {c}", win(m)))
                }
                Some(EndpointAuthentication::CertificateWindows(c, m)) => {
                    parts.push(format!("AUTHENTICATION = CERTIFICATE {c} {}", win(m)))
                }
            }
            if let Some(e) = &sb.encryption {
                let mode = match e.mode {
                    EncryptionMode::Disabled => "DISABLED",
                    EncryptionMode::Supported => "SUPPORTED",
                    EncryptionMode::Required => "REQUIRED",
                };
                let mut s = format!("ENCRYPTION = {mode}");
                if !e.algorithms.is_empty() {
                    s.push_str(" ALGORITHM");
                    for a in &e.algorithms {
                        s.push_str(match a {
                            EncryptionAlgorithm::Aes => " AES",
                            EncryptionAlgorithm::Rc4 => " RC4",
                        });
                    }
                }
                parts.push(s);
            }
            if let Some(m) = sb.message_forwarding {
                parts.push(format!(
                    "MESSAGE_FORWARDING = {}",
                    if m { "ENABLED" } else { "DISABLED" }
                ));
            }
            if let Some(n) = sb.message_forward_size {
                parts.push(format!("MESSAGE_FORWARD_SIZE = {n}"));
            }
            if let Some(r) = &sb.role {
                parts.push(format!("ROLE = {r}"));
            }
            let payload = if self.mirroring {
                "DATABASE_MIRRORING"
            } else {
                "SERVICE_BROKER"
            };
            write!(f, " FOR {payload} ({})", parts.join(", "))?;
        }
        Ok(())
    }
}

impl Display for Receive {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("RECEIVE ")?;
        if let Some(t) = &self.top {
            write!(f, "TOP ({t}) ")?;
        }
        write!(f, "{} FROM {}", Commas(&self.columns), self.queue)?;
        if let Some(i) = &self.into {
            write!(f, " INTO {i}")?;
        }
        if let Some(w) = &self.selection {
            write!(f, " WHERE {w}")?;
        }
        Ok(())
    }
}

impl Display for GetConversationGroup {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "GET CONVERSATION GROUP {} FROM {}",
            self.group_variable, self.queue
        )
    }
}

impl Display for EventNotificationScope {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            EventNotificationScope::Server => f.write_str("SERVER"),
            EventNotificationScope::Database => f.write_str("DATABASE"),
            EventNotificationScope::Queue(q) => write!(f, "QUEUE {q}"),
        }
    }
}

impl Display for PrivateKeyOption {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            PrivateKeyOption::File(s) => write!(f, "FILE = {}", q(s)),
            PrivateKeyOption::DecryptionByPassword(s) => {
                write!(f, "DECRYPTION BY PASSWORD = {}", q(s))
            }
            PrivateKeyOption::EncryptionByPassword(s) => {
                write!(f, "ENCRYPTION BY PASSWORD = {}", q(s))
            }
        }
    }
}

impl Display for Securable {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if let Some(c) = &self.class {
            let s = match c {
                SecurableClass::Service => "SERVICE",
                SecurableClass::Contract => "CONTRACT",
                SecurableClass::MessageType => "MESSAGE TYPE",
                SecurableClass::Route => "ROUTE",
                SecurableClass::RemoteServiceBinding => "REMOTE SERVICE BINDING",
                SecurableClass::Endpoint => "ENDPOINT",
                SecurableClass::Object => "OBJECT",
                SecurableClass::Schema => "SCHEMA",
                SecurableClass::XmlSchemaCollection => "XML SCHEMA COLLECTION",
                SecurableClass::Certificate => "CERTIFICATE",
                SecurableClass::Database => "DATABASE",
                SecurableClass::Login => "LOGIN",
                SecurableClass::User => "USER",
                SecurableClass::Role => "ROLE",
                SecurableClass::Type => "TYPE",
                SecurableClass::Other(s) => s.as_str(),
            };
            write!(f, "{s}::")?;
        }
        write!(f, "{}", self.name)
    }
}

impl Display for BrokerObjectKind {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BrokerObjectKind::MessageType => "MESSAGE TYPE",
            BrokerObjectKind::Contract => "CONTRACT",
            BrokerObjectKind::Queue => "QUEUE",
            BrokerObjectKind::Service => "SERVICE",
            BrokerObjectKind::Route => "ROUTE",
            BrokerObjectKind::RemoteServiceBinding => "REMOTE SERVICE BINDING",
            BrokerObjectKind::BrokerPriority => "BROKER PRIORITY",
            BrokerObjectKind::XmlSchemaCollection => "XML SCHEMA COLLECTION",
            BrokerObjectKind::Endpoint => "ENDPOINT",
            BrokerObjectKind::Certificate => "CERTIFICATE",
        })
    }
}

fn auth(f: &mut Formatter<'_>, a: &Option<Ident>) -> fmt::Result {
    if let Some(a) = a {
        write!(f, " AUTHORIZATION {a}")?;
    }
    Ok(())
}

/// Prints the broker and security statement kinds.
pub(crate) fn fmt_broker(kind: &StmtKind, f: &mut Formatter<'_>) -> fmt::Result {
    match kind {
        StmtKind::CreateMessageType(m) => {
            write!(f, "CREATE MESSAGE TYPE {}", m.name)?;
            auth(f, &m.authorization)?;
            if let Some(v) = &m.validation {
                write!(f, " VALIDATION = {v}")?;
            }
            Ok(())
        }
        StmtKind::AlterMessageType { name, validation } => {
            write!(f, "ALTER MESSAGE TYPE {name} VALIDATION = {validation}")
        }
        StmtKind::CreateContract(c) => {
            write!(f, "CREATE CONTRACT {}", c.name)?;
            auth(f, &c.authorization)?;
            write!(f, " ({})", Commas(&c.messages))
        }
        StmtKind::CreateQueue(c) => {
            write!(f, "CREATE QUEUE {}", c.name)?;
            if !c.options.is_empty() {
                write!(f, " WITH {}", c.options)?;
            }
            if let Some(fg) = &c.filegroup {
                write!(f, " ON {fg}")?;
            }
            Ok(())
        }
        StmtKind::AlterQueue(a) => {
            write!(f, "ALTER QUEUE {} ", a.name)?;
            match &a.action {
                AlterQueueAction::With(o) => write!(f, "WITH {o}"),
                AlterQueueAction::Rebuild(o) => {
                    f.write_str("REBUILD")?;
                    if !o.is_empty() {
                        write!(f, " WITH ({})", Commas(o))?;
                    }
                    Ok(())
                }
                AlterQueueAction::Reorganize(o) => {
                    f.write_str("REORGANIZE")?;
                    if !o.is_empty() {
                        write!(f, " WITH ({})", Commas(o))?;
                    }
                    Ok(())
                }
                AlterQueueAction::MoveTo(fg) => write!(f, "MOVE TO {fg}"),
            }
        }
        StmtKind::CreateService(s) => {
            write!(f, "CREATE SERVICE {}", s.name)?;
            auth(f, &s.authorization)?;
            write!(f, " ON QUEUE {}", s.queue)?;
            if !s.contracts.is_empty() {
                write!(f, " ({})", Commas(&s.contracts))?;
            }
            Ok(())
        }
        StmtKind::AlterService(s) => {
            write!(f, "ALTER SERVICE {}", s.name)?;
            if let Some(q) = &s.queue {
                write!(f, " ON QUEUE {q}")?;
            }
            if !s.changes.is_empty() {
                let parts: Vec<String> = s
                    .changes
                    .iter()
                    .map(|c| match c {
                        ServiceContractChange::Add(n) => format!("ADD CONTRACT {n}"),
                        ServiceContractChange::Drop(n) => format!("DROP CONTRACT {n}"),
                    })
                    .collect();
                write!(f, " ({})", parts.join(", "))?;
            }
            Ok(())
        }
        StmtKind::CreateRoute(r) => {
            write!(f, "CREATE ROUTE {}", r.name)?;
            auth(f, &r.authorization)?;
            write!(f, " WITH {}", r.options)
        }
        StmtKind::AlterRoute { name, options } => write!(f, "ALTER ROUTE {name} WITH {options}"),
        StmtKind::CreateRemoteServiceBinding(b) => {
            write!(f, "CREATE REMOTE SERVICE BINDING {}", b.name)?;
            auth(f, &b.authorization)?;
            write!(f, " TO SERVICE {} WITH USER = {}", q(&b.service), b.user)?;
            if let Some(a) = b.anonymous {
                write!(f, ", ANONYMOUS = {}", on_off(a))?;
            }
            Ok(())
        }
        StmtKind::AlterRemoteServiceBinding {
            name,
            user,
            anonymous,
        } => {
            write!(f, "ALTER REMOTE SERVICE BINDING {name} WITH ")?;
            if let Some(u) = user {
                write!(f, "USER = {u}")?;
                if anonymous.is_some() {
                    f.write_str(", ")?;
                }
            }
            if let Some(a) = anonymous {
                write!(f, "ANONYMOUS = {}", on_off(*a))?;
            }
            Ok(())
        }
        StmtKind::CreateBrokerPriority(p) => write!(f, "CREATE BROKER PRIORITY {p}"),
        StmtKind::AlterBrokerPriority(p) => write!(f, "ALTER BROKER PRIORITY {p}"),
        StmtKind::CreateXmlSchemaCollection { name, schema } => {
            write!(f, "CREATE XML SCHEMA COLLECTION {name} AS {schema}")
        }
        StmtKind::CreateEndpoint(e) => write!(f, "CREATE ENDPOINT {e}"),
        StmtKind::AlterEndpoint(e) => write!(f, "ALTER ENDPOINT {e}"),
        StmtKind::CreateEventNotification(e) => {
            write!(f, "CREATE EVENT NOTIFICATION {} ON {}", e.name, e.scope)?;
            if e.fan_in {
                f.write_str(" WITH FAN_IN")?;
            }
            write!(
                f,
                " FOR {} TO SERVICE {}, {}",
                Commas(&e.events),
                q(&e.service),
                q(&e.broker_instance)
            )
        }
        StmtKind::DropEventNotification { names, scope } => {
            write!(f, "DROP EVENT NOTIFICATION {} ON {scope}", Commas(names))
        }
        StmtKind::DropBrokerObject { kind, name } => write!(f, "DROP {kind} {name}"),
        StmtKind::BeginDialog(d) => {
            write!(
                f,
                "BEGIN DIALOG CONVERSATION {} FROM SERVICE {} TO SERVICE {}",
                d.handle, d.from_service, d.to_service
            )?;
            if let Some(b) = &d.broker_instance {
                write!(f, ", {b}")?;
            }
            if let Some(c) = &d.contract {
                write!(f, " ON CONTRACT {c}")?;
            }
            let mut parts: Vec<String> = Vec::new();
            match &d.related {
                None => {}
                Some(RelatedConversation::Conversation(e)) => {
                    parts.push(format!("RELATED_CONVERSATION = {e}"))
                }
                Some(RelatedConversation::Group(e)) => {
                    parts.push(format!("RELATED_CONVERSATION_GROUP = {e}"))
                }
            }
            if let Some(l) = &d.lifetime {
                parts.push(format!("LIFETIME = {l}"));
            }
            if let Some(e) = d.encryption {
                parts.push(format!("ENCRYPTION = {}", on_off(e)));
            }
            if !parts.is_empty() {
                write!(f, " WITH {}", parts.join(", "))?;
            }
            Ok(())
        }
        StmtKind::Send(s) => {
            write!(f, "SEND ON CONVERSATION ({})", Commas(&s.handles))?;
            if let Some(m) = &s.message_type {
                write!(f, " MESSAGE TYPE {m}")?;
            }
            if let Some(b) = &s.body {
                write!(f, " ({b})")?;
            }
            Ok(())
        }
        StmtKind::Receive(r) => write!(f, "{r}"),
        StmtKind::GetConversationGroup(g) => write!(f, "{g}"),
        StmtKind::WaitFor(w) => {
            match &w.statement {
                WaitForStatement::Receive(r) => write!(f, "WAITFOR ({r})")?,
                WaitForStatement::GetConversationGroup(g) => write!(f, "WAITFOR ({g})")?,
            }
            if let Some(t) = &w.timeout {
                write!(f, ", TIMEOUT {t}")?;
            }
            Ok(())
        }
        StmtKind::MoveConversation { handle, group } => {
            write!(f, "MOVE CONVERSATION {handle} TO {group}")
        }
        StmtKind::EndConversation(e) => {
            write!(f, "END CONVERSATION {}", e.handle)?;
            match &e.option {
                None => Ok(()),
                Some(EndConversationOption::Cleanup) => f.write_str(" WITH CLEANUP"),
                Some(EndConversationOption::Error { code, description }) => {
                    write!(f, " WITH ERROR = {code} DESCRIPTION = {description}")
                }
            }
        }
        StmtKind::BeginConversationTimer { handle, timeout } => {
            write!(f, "BEGIN CONVERSATION TIMER ({handle}) TIMEOUT = {timeout}")
        }
        StmtKind::CreateMasterKey { password } => {
            write!(
                f,
                "CREATE MASTER KEY ENCRYPTION BY PASSWORD = {}",
                q(password)
            )
        }
        StmtKind::OpenMasterKey { password } => {
            write!(
                f,
                "OPEN MASTER KEY DECRYPTION BY PASSWORD = {}",
                q(password)
            )
        }
        StmtKind::CloseMasterKey => f.write_str("CLOSE MASTER KEY"),
        StmtKind::AlterMasterKey(a) => match a {
            AlterMasterKeyAction::Regenerate { force, password } => write!(
                f,
                "ALTER MASTER KEY {}REGENERATE WITH ENCRYPTION BY PASSWORD = {}",
                if *force { "FORCE " } else { "" },
                q(password)
            ),
            AlterMasterKeyAction::AddServiceMasterKey => {
                f.write_str("ALTER MASTER KEY ADD ENCRYPTION BY SERVICE MASTER KEY")
            }
            AlterMasterKeyAction::AddPassword(p) => {
                write!(f, "ALTER MASTER KEY ADD ENCRYPTION BY PASSWORD = {}", q(p))
            }
            AlterMasterKeyAction::DropServiceMasterKey => {
                f.write_str("ALTER MASTER KEY DROP ENCRYPTION BY SERVICE MASTER KEY")
            }
            AlterMasterKeyAction::DropPassword(p) => {
                write!(f, "ALTER MASTER KEY DROP ENCRYPTION BY PASSWORD = {}", q(p))
            }
        },
        StmtKind::Signature {
            add,
            object,
            certificate,
            password,
        } => {
            if *add {
                write!(f, "ADD SIGNATURE TO {object} BY CERTIFICATE {certificate}")?;
            } else {
                write!(
                    f,
                    "DROP SIGNATURE FROM {object} BY CERTIFICATE {certificate}"
                )?;
            }
            if let Some(p) = password {
                write!(f, " WITH PASSWORD = {}", q(p))?;
            }
            Ok(())
        }
        StmtKind::DropMasterKey => f.write_str("DROP MASTER KEY"),
        StmtKind::CreateCertificate(c) => {
            write!(f, "CREATE CERTIFICATE {}", c.name)?;
            auth(f, &c.authorization)?;
            match &c.source {
                CertificateSource::File { path, private_key } => {
                    write!(f, " FROM FILE = {}", q(path))?;
                    if !private_key.is_empty() {
                        write!(f, " WITH PRIVATE KEY ({})", Commas(private_key))?;
                    }
                }
                CertificateSource::Generate {
                    encryption_password,
                    subject,
                    start_date,
                    expiry_date,
                } => {
                    if let Some(p) = encryption_password {
                        write!(f, " ENCRYPTION BY PASSWORD = {}", q(p))?;
                    }
                    write!(f, " WITH SUBJECT = {}", q(subject))?;
                    if let Some(d) = start_date {
                        write!(f, ", START_DATE = {}", q(d))?;
                    }
                    if let Some(d) = expiry_date {
                        write!(f, ", EXPIRY_DATE = {}", q(d))?;
                    }
                }
            }
            if let Some(a) = c.active_for_begin_dialog {
                write!(f, " ACTIVE FOR BEGIN_DIALOG = {}", on_off(a))?;
            }
            Ok(())
        }
        StmtKind::AlterCertificate { name, action } => {
            write!(f, "ALTER CERTIFICATE {name} ")?;
            match action {
                AlterCertificateAction::ActiveForBeginDialog(b) => {
                    write!(f, "WITH ACTIVE FOR BEGIN_DIALOG = {}", on_off(*b))
                }
                AlterCertificateAction::RemovePrivateKey => f.write_str("REMOVE PRIVATE KEY"),
                AlterCertificateAction::PrivateKey(o) => {
                    write!(f, "WITH PRIVATE KEY ({})", Commas(o))
                }
            }
        }
        StmtKind::BackupCertificate {
            name,
            file,
            private_key,
        } => {
            write!(f, "BACKUP CERTIFICATE {name} TO FILE = {}", q(file))?;
            if !private_key.is_empty() {
                write!(f, " WITH PRIVATE KEY ({})", Commas(private_key))?;
            }
            Ok(())
        }
        StmtKind::CreateLogin(l) => {
            write!(f, "CREATE LOGIN {} ", l.name)?;
            match &l.source {
                LoginSource::Password { password, options } => {
                    write!(f, "WITH PASSWORD = {}", q(password))?;
                    for o in options {
                        write!(f, ", {o}")?;
                    }
                    Ok(())
                }
                LoginSource::Certificate(c) => write!(f, "FROM CERTIFICATE {c}"),
                LoginSource::Windows => f.write_str("FROM WINDOWS"),
            }
        }
        StmtKind::CreateUser(u) => {
            write!(f, "CREATE USER {}", u.name)?;
            match &u.mapping {
                UserMapping::Default => {}
                UserMapping::WithoutLogin => f.write_str(" WITHOUT LOGIN")?,
                UserMapping::Login(l) => write!(f, " FOR LOGIN {l}")?,
                UserMapping::Certificate(c) => write!(f, " FOR CERTIFICATE {c}")?,
            }
            if let Some(s) = &u.default_schema {
                write!(f, " WITH DEFAULT_SCHEMA = {s}")?;
            }
            Ok(())
        }
        StmtKind::CreateRole {
            name,
            authorization,
        } => {
            write!(f, "CREATE ROLE {name}")?;
            auth(f, authorization)
        }
        StmtKind::AlterRole { role, add, member } => write!(
            f,
            "ALTER ROLE {role} {} MEMBER {member}",
            if *add { "ADD" } else { "DROP" }
        ),
        StmtKind::Permission(p) => {
            let a = match p.action {
                PermissionAction::Grant => "GRANT",
                PermissionAction::Deny => "DENY",
                PermissionAction::Revoke => "REVOKE",
            };
            f.write_str(a)?;
            if p.grant_option_for {
                f.write_str(" GRANT OPTION FOR")?;
            }
            write!(f, " {}", p.permissions.join(", "))?;
            if let Some(on) = &p.on {
                write!(f, " ON {on}")?;
            }
            write!(f, " TO {}", Commas(&p.principals))?;
            if p.with_grant_option {
                f.write_str(" WITH GRANT OPTION")?;
            }
            if p.cascade {
                f.write_str(" CASCADE")?;
            }
            if let Some(a) = &p.as_principal {
                write!(f, " AS {a}")?;
            }
            Ok(())
        }
        StmtKind::AlterAuthorization {
            securable,
            principal,
        } => {
            write!(f, "ALTER AUTHORIZATION ON {securable} TO ")?;
            match principal {
                Some(p) => write!(f, "{p}"),
                None => f.write_str("SCHEMA OWNER"),
            }
        }
        // All general statements are handled in `stmt.rs`.
        _ => Ok(()),
    }
}
