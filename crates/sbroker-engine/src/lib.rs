//! The Service Broker engine of sbroker.
//!
//! An [`Instance`] is one data directory holding `master`, the system databases and user
//! databases, each with its broker catalog (message types, contracts, queues, services),
//! conversation endpoints, groups, queues and transmission queue. A [`Session`] runs
//! operations in transactions: SEND is invisible until COMMIT, ROLLBACK puts received
//! messages back in order, COMMIT returns once the change is durable.
//!
//! The engine knows nothing of T-SQL text, TDS or sockets; the T-SQL interpreter and the
//! Rust API are both clients of [`Session`].
//!
//! ```no_run
//! use sbroker_engine::{Instance, BeginDialog, Receive, EndMode, SentBy, QueueOptions};
//! # fn main() -> Result<(), sbroker_types::ServerError> {
//! let inst = Instance::open("./data")?;
//! let mut s = inst.session();
//! s.create_database("app")?;
//! s.use_database("app")?;
//! s.create_message_type("//app/Request", sbroker_engine::Validation::WellFormedXml)?;
//! s.create_contract("//app/Contract", &[("//app/Request".into(), SentBy::Initiator)])?;
//! s.create_queue("dbo", "InitQ", &QueueOptions::default())?;
//! s.create_queue("dbo", "TargetQ", &QueueOptions::default())?;
//! s.create_service("//app/Init", "InitQ", &[])?;
//! s.create_service("//app/Target", "TargetQ", &["//app/Contract".into()])?;
//! s.begin_transaction()?;
//! let h = s.begin_dialog(&BeginDialog::new("//app/Init", "//app/Target", Some("//app/Contract")))?;
//! s.send(&[h], Some("//app/Request"), Some(b"<hello/>".to_vec()))?;
//! s.commit()?; // durable here
//! let rows = s.receive(&Receive::from("TargetQ"))?;
//! s.end_conversation(rows[0].conversation_handle, &EndMode::Normal)?;
//! # Ok(()) }
//! ```

pub mod activation;
mod applock;
mod broker;
mod broker_remote;
mod catalog;
mod instance;
mod receive;
pub mod records;
mod remote;
mod routing;
pub mod security;
pub mod state;
mod txn;
pub mod xml;
mod xsd;

use std::sync::Arc;

pub use activation::{ActivationTask, Activator, Monitor, RunningTask};
pub use applock::{AppLockMode, AppLockOwner};
pub use broker::{BeginDialog, BrokerOption, EndMode, LIFETIME_MAX_S, Related, validate_body};
pub use broker_remote::{HOPS_MAX, Outbound, RemoteMessage, Verdict};
pub use catalog::{
    CONTRACT_DEFAULT, Criterion, DIALOG_TIMER_NAME, END_DIALOG_NAME, ERROR_NAME, MT_DEFAULT,
    OwnedClass, PriorityArgs, QueueOptions, RouteOptions, SentBy, USER_ID_MIN,
};
pub use instance::{
    Clock, Ctx, FIRST_USER_DB, Instance, MASTER_DB, MSDB_DB, ManualClock, Options, Session,
    SessionInfo, SystemClock,
};
pub use receive::{QueueName, QueueRow, Receive, ReceiveFilter, Wait, queue_rows, resolve_queue};
pub use records::{EndpointState, Ts, Validation};
pub use remote::{
    BrokerConnection, BrokerEndpoint, EndpointIdentity, ForwardedMessage, NetworkStatus,
    PeerIdentity,
};
pub use sbroker_types::ServerError;
pub use uuid::Uuid;

use crate::txn::{insert_user_row, put_db_rec, put_object, put_user_row};

/// Owner id used for objects created without AUTHORIZATION (dbo).
const DBO: i32 = 1;

impl Session {
    /// BEGIN DIALOG: returns the new initiator handle.
    pub fn begin_dialog(&mut self, args: &BeginDialog) -> Result<Uuid, ServerError> {
        self.run(|ctx| broker::begin_dialog(ctx, args))
    }

    /// SEND ON CONVERSATION on one or several handles.
    pub fn send(
        &mut self,
        handles: &[Uuid],
        message_type: Option<&str>,
        body: Option<Vec<u8>>,
    ) -> Result<(), ServerError> {
        self.run(|ctx| broker::send(ctx, handles, message_type, body))
    }

    /// RECEIVE (with WAITFOR when `args.wait` says so).
    pub fn receive(&mut self, args: &Receive) -> Result<Vec<QueueRow>, ServerError> {
        self.run(|ctx| receive::receive(ctx, args))
    }

    /// GET CONVERSATION GROUP.
    pub fn get_conversation_group(
        &mut self,
        queue: &QueueName,
        wait: Wait,
    ) -> Result<Option<Uuid>, ServerError> {
        self.run(|ctx| receive::get_conversation_group(ctx, queue, wait))
    }

    /// END CONVERSATION.
    pub fn end_conversation(&mut self, handle: Uuid, mode: &EndMode) -> Result<(), ServerError> {
        self.run(|ctx| broker::end_conversation(ctx, handle, mode))
    }

    /// BEGIN CONVERSATION TIMER.
    pub fn begin_conversation_timer(
        &mut self,
        handle: Uuid,
        timeout_s: i64,
    ) -> Result<(), ServerError> {
        self.run(|ctx| broker::begin_timer(ctx, handle, timeout_s))
    }

    /// MOVE CONVERSATION.
    pub fn move_conversation(&mut self, handle: Uuid, group: Uuid) -> Result<(), ServerError> {
        self.run(|ctx| broker::move_conversation(ctx, handle, group))
    }

    /// GET_TRANSMISSION_STATUS(handle).
    pub fn transmission_status(&self, handle: Uuid) -> String {
        broker::transmission_status(&self.inner.state.lock(), self.db, handle)
    }

    /// Read access to the state (catalog views).
    pub fn with_state<T>(&self, f: impl FnOnce(&state::State) -> T) -> T {
        f(&self.inner.state.lock())
    }

    /// CREATE MESSAGE TYPE.
    pub fn create_message_type(&mut self, name: &str, v: Validation) -> Result<i32, ServerError> {
        let owner = self.next_owner.take().unwrap_or(DBO);
        self.run(|ctx| {
            let db = ctx.db;
            let (st, tx) = ctx.parts();
            catalog::create_message_type(st, tx, db, name, v, owner)
        })
    }

    /// ALTER MESSAGE TYPE.
    pub fn alter_message_type(&mut self, name: &str, v: Validation) -> Result<(), ServerError> {
        self.run(|ctx| {
            let db = ctx.db;
            let (st, tx) = ctx.parts();
            catalog::alter_message_type(st, tx, db, name, v)
        })
    }

    /// DROP MESSAGE TYPE.
    pub fn drop_message_type(&mut self, name: &str) -> Result<(), ServerError> {
        self.run(|ctx| {
            let db = ctx.db;
            let (st, tx) = ctx.parts();
            catalog::drop_message_type(st, tx, db, name)
        })
    }

    /// CREATE CONTRACT.
    pub fn create_contract(
        &mut self,
        name: &str,
        items: &[(String, SentBy)],
    ) -> Result<i32, ServerError> {
        let owner = self.next_owner.take().unwrap_or(DBO);
        self.run(|ctx| {
            let db = ctx.db;
            let (st, tx) = ctx.parts();
            catalog::create_contract(st, tx, db, name, owner, items)
        })
    }

    /// DROP CONTRACT.
    pub fn drop_contract(&mut self, name: &str) -> Result<(), ServerError> {
        self.run(|ctx| {
            let db = ctx.db;
            let (st, tx) = ctx.parts();
            catalog::drop_contract(st, tx, db, name)
        })
    }

    /// CREATE QUEUE in the current database.
    pub fn create_queue(
        &mut self,
        schema: &str,
        name: &str,
        opts: &QueueOptions,
    ) -> Result<i32, ServerError> {
        let owner = self.next_owner.take().unwrap_or(DBO);
        self.run(|ctx| {
            let db = ctx.db;
            let now = ctx.now();
            let (st, tx) = ctx.parts();
            catalog::create_queue(st, tx, db, schema, name, owner, opts, now)
        })
    }

    /// ALTER QUEUE … WITH.
    pub fn alter_queue(
        &mut self,
        queue: &QueueName,
        opts: &QueueOptions,
    ) -> Result<(), ServerError> {
        self.run(|ctx| {
            let (db, qid) = resolve_queue(&ctx.guard, ctx.db, queue)?;
            let now = ctx.now();
            let (st, tx) = ctx.parts();
            catalog::alter_queue(st, tx, db, qid, opts, now)
        })
    }

    /// DROP QUEUE.
    pub fn drop_queue(&mut self, queue: &QueueName) -> Result<(), ServerError> {
        self.run(|ctx| {
            let (db, qid) = resolve_queue(&ctx.guard, ctx.db, queue)?;
            let (st, tx) = ctx.parts();
            catalog::drop_queue(st, tx, db, qid)
        })
    }

    /// CREATE SERVICE … ON QUEUE … (contracts).
    pub fn create_service(
        &mut self,
        name: &str,
        queue: &str,
        contracts: &[String],
    ) -> Result<i32, ServerError> {
        let q = QueueName::new(queue);
        self.create_service_on(name, &q, contracts)
    }

    /// CREATE SERVICE with a qualified queue name.
    pub fn create_service_on(
        &mut self,
        name: &str,
        queue: &QueueName,
        contracts: &[String],
    ) -> Result<i32, ServerError> {
        let owner = self.next_owner.take().unwrap_or(DBO);
        self.run(|ctx| {
            let (qdb, qid) = resolve_queue(&ctx.guard, ctx.db, queue)?;
            let db = ctx.db;
            if qdb != db {
                return Err(ServerError::new(
                    208,
                    format!("Invalid object name '{}'.", queue.name),
                ));
            }
            let (st, tx) = ctx.parts();
            catalog::create_service(st, tx, db, name, owner, qid, contracts)
        })
    }

    /// ALTER SERVICE.
    pub fn alter_service(
        &mut self,
        name: &str,
        queue: Option<&QueueName>,
        add: &[String],
        drop: &[String],
    ) -> Result<(), ServerError> {
        self.run(|ctx| {
            let qid = match queue {
                Some(q) => Some(resolve_queue(&ctx.guard, ctx.db, q)?.1),
                None => None,
            };
            let db = ctx.db;
            let (st, tx) = ctx.parts();
            catalog::alter_service(st, tx, db, name, qid, add, drop)
        })
    }

    /// DROP SERVICE.
    pub fn drop_service(&mut self, name: &str) -> Result<(), ServerError> {
        self.run(|ctx| broker::drop_service(ctx, name))
    }

    /// CREATE DATABASE: returns its id.
    pub fn create_database(&mut self, name: &str) -> Result<i32, ServerError> {
        self.run(|ctx| {
            if ctx.guard.db_id_by_name(name).is_some() {
                return Err(ServerError::new(
                    1801,
                    format!("Database '{name}' already exists. Choose a different database name."),
                ));
            }
            let id = ctx
                .guard
                .dbs
                .keys()
                .next_back()
                .copied()
                .unwrap_or(0)
                .max(instance::FIRST_USER_DB - 1)
                + 1;
            let now = ctx.now();
            let db = instance::new_database(id, name, true, now);
            let (st, tx) = ctx.parts();
            txn::add_db(st, tx, db);
            instance::touch_new_db(st, tx, id);
            Ok(id)
        })
    }

    /// DROP DATABASE.
    pub fn drop_database(&mut self, name: &str) -> Result<(), ServerError> {
        let current = self.db;
        self.run(|ctx| {
            let id = ctx.guard.db_id_by_name(name).ok_or_else(|| {
                ServerError::new(3701, format!("Cannot drop the database '{name}', because it does not exist or you do not have permission."))
            })?;
            if id < instance::FIRST_USER_DB {
                return Err(ServerError::new(3708, format!("Cannot drop the database '{name}' because it is a system database.")));
            }
            if id == current {
                return Err(ServerError::new(3702, format!("Cannot drop database \"{name}\" because it is currently in use.")));
            }
            let (st, tx) = ctx.parts();
            txn::drop_db(st, tx, id);
            Ok(())
        })
    }

    /// ALTER DATABASE … SET ENABLE_BROKER / DISABLE_BROKER / NEW_BROKER /
    /// ERROR_BROKER_CONVERSATIONS.
    pub fn set_broker_option(&mut self, db: i32, opt: BrokerOption) -> Result<(), ServerError> {
        self.run(|ctx| broker::set_broker_option(ctx, db, opt))
    }

    /// ALTER DATABASE … SET TRUSTWORTHY / HONOR_BROKER_PRIORITY.
    pub fn set_database_flag(
        &mut self,
        db: i32,
        trustworthy: Option<bool>,
        honor_priority: Option<bool>,
    ) -> Result<(), ServerError> {
        self.run(|ctx| {
            let mut rec = ctx
                .guard
                .db(db)
                .map(|d| d.rec.clone())
                .ok_or_else(|| ServerError::new(911, "database does not exist"))?;
            if let Some(t) = trustworthy {
                rec.trustworthy = t;
            }
            if let Some(h) = honor_priority {
                rec.honor_priority = h;
            }
            let (st, tx) = ctx.parts();
            put_db_rec(st, tx, rec);
            Ok(())
        })
    }

    /// Allocates an object id in the current database (tables, procedures, …).
    pub fn allocate_object_id(&mut self) -> Result<i32, ServerError> {
        self.run(|ctx| {
            let db = ctx.db;
            let (st, tx) = ctx.parts();
            catalog::next_object_id(st, tx, db)
        })
    }

    /// Stores (or with `None` deletes) an opaque object of the T-SQL layer, transactionally.
    pub fn put_object(
        &mut self,
        db: i32,
        kind: &str,
        name: &str,
        value: Option<Vec<u8>>,
    ) -> Result<(), ServerError> {
        self.run(|ctx| {
            let (st, tx) = ctx.parts();
            put_object(st, tx, db, kind, name, value);
            Ok(())
        })
    }

    /// Inserts an opaque user-table row, transactionally, under a new row id (unique even
    /// among concurrent sessions' uncommitted inserts) and returns the id.
    pub fn insert_user_row(
        &mut self,
        db: i32,
        table: i64,
        value: Arc<Vec<u8>>,
    ) -> Result<i64, ServerError> {
        self.run(|ctx| {
            let (st, tx) = ctx.parts();
            insert_user_row(st, tx, db, table, value)
                .ok_or_else(|| ServerError::new(911, format!("Database id {db} does not exist.")))
        })
    }

    /// Stores (or with `None` deletes) an opaque user-table row, transactionally.
    pub fn put_user_row(
        &mut self,
        db: i32,
        table: i64,
        row: i64,
        value: Option<Arc<Vec<u8>>>,
    ) -> Result<(), ServerError> {
        self.run(|ctx| {
            let (st, tx) = ctx.parts();
            put_user_row(st, tx, db, table, row, value);
            Ok(())
        })
    }
}

impl Session {
    /// CREATE BROKER PRIORITY.
    pub fn create_broker_priority(
        &mut self,
        name: &str,
        args: &PriorityArgs,
    ) -> Result<i32, ServerError> {
        self.run(|ctx| {
            let db = ctx.db;
            let (st, tx) = ctx.parts();
            catalog::create_priority(st, tx, db, name, args)
        })
    }

    /// ALTER BROKER PRIORITY.
    pub fn alter_broker_priority(
        &mut self,
        name: &str,
        args: &PriorityArgs,
    ) -> Result<(), ServerError> {
        self.run(|ctx| {
            let db = ctx.db;
            let (st, tx) = ctx.parts();
            catalog::alter_priority(st, tx, db, name, args)
        })
    }

    /// DROP BROKER PRIORITY.
    pub fn drop_broker_priority(&mut self, name: &str) -> Result<(), ServerError> {
        self.run(|ctx| {
            let db = ctx.db;
            let (st, tx) = ctx.parts();
            catalog::drop_priority(st, tx, db, name)
        })
    }
}

impl Session {
    /// CREATE XML SCHEMA COLLECTION.
    pub fn create_xml_schema_collection(
        &mut self,
        schema: &str,
        name: &str,
        text: &str,
    ) -> Result<i32, ServerError> {
        self.run(|ctx| {
            let db = ctx.db;
            let (st, tx) = ctx.parts();
            catalog::create_xml_collection(st, tx, db, schema, name, text)
        })
    }

    /// DROP XML SCHEMA COLLECTION.
    pub fn drop_xml_schema_collection(&mut self, name: &str) -> Result<(), ServerError> {
        self.run(|ctx| {
            let db = ctx.db;
            let (st, tx) = ctx.parts();
            catalog::drop_xml_collection(st, tx, db, name)
        })
    }

    /// Id of an XML schema collection of the current database.
    pub fn xml_schema_collection_id(&self, name: &str) -> Option<i32> {
        let db = self.db;
        self.with_state(|st| {
            st.db(db)?
                .xml_collections
                .values()
                .find(|c| c.name.eq_ignore_ascii_case(name))
                .map(|c| c.id)
        })
    }
}

impl Session {
    /// CREATE ROUTE.
    pub fn create_route(&mut self, name: &str, o: &RouteOptions) -> Result<i32, ServerError> {
        self.run(|ctx| {
            let (db, now) = (ctx.db, ctx.now());
            let (st, tx) = ctx.parts();
            catalog::create_route(st, tx, db, name, o, now)
        })
    }

    /// ALTER ROUTE.
    pub fn alter_route(&mut self, name: &str, o: &RouteOptions) -> Result<(), ServerError> {
        self.run(|ctx| {
            let (db, now) = (ctx.db, ctx.now());
            let (st, tx) = ctx.parts();
            catalog::alter_route(st, tx, db, name, o, now)
        })
    }

    /// DROP ROUTE.
    pub fn drop_route(&mut self, name: &str) -> Result<(), ServerError> {
        self.run(|ctx| {
            let db = ctx.db;
            let (st, tx) = ctx.parts();
            catalog::drop_route(st, tx, db, name)
        })
    }
}

impl Session {
    /// Sets the owner (principal id) of the object the next CREATE makes — the
    /// AUTHORIZATION clause. Unset means dbo.
    pub fn set_next_owner(&mut self, principal: Option<i32>) {
        self.next_owner = principal;
    }

    /// Principal id of a user or role of the current database.
    pub fn principal_id(&self, name: &str) -> Option<i32> {
        let db = self.db;
        self.with_state(|st| st.db(db)?.principal_id(name))
    }

    /// CREATE USER / CREATE ROLE.
    pub fn create_principal(
        &mut self,
        name: &str,
        role: bool,
        certificate: bool,
        login: Option<&str>,
    ) -> Result<i32, ServerError> {
        self.run(|ctx| {
            let db = ctx.db;
            let (st, tx) = ctx.parts();
            let login_id = login.and_then(|l| security::login_id(st, l));
            catalog::create_principal(st, tx, db, name, role, certificate, login_id)
        })
    }

    /// DROP USER (`role` false) / DROP ROLE (`role` true).
    pub fn drop_principal(&mut self, name: &str, role: bool) -> Result<(), ServerError> {
        self.run(|ctx| {
            let db = ctx.db;
            let (st, tx) = ctx.parts();
            catalog::drop_principal(st, tx, db, name, role)
        })
    }

    /// ALTER ROLE … ADD|DROP MEMBER.
    pub fn alter_role_member(
        &mut self,
        role: &str,
        member: &str,
        add: bool,
    ) -> Result<(), ServerError> {
        self.run(|ctx| {
            let db = ctx.db;
            let (st, tx) = ctx.parts();
            catalog::alter_role_member(st, tx, db, role, member, add)
        })
    }

    /// ALTER AUTHORIZATION ON class::name TO principal.
    pub fn alter_authorization(
        &mut self,
        class: OwnedClass,
        name: &str,
        principal: i32,
    ) -> Result<(), ServerError> {
        self.run(|ctx| {
            let db = ctx.db;
            let (st, tx) = ctx.parts();
            catalog::alter_authorization(st, tx, db, class, name, principal)
        })
    }
}

impl Session {
    /// CREATE EVENT NOTIFICATION … ON QUEUE … FOR events TO SERVICE 's', 'instance'.
    pub fn create_event_notification(
        &mut self,
        name: &str,
        queue: &QueueName,
        events: &[String],
        service: &str,
        broker_instance: &str,
    ) -> Result<i32, ServerError> {
        self.run(|ctx| {
            let (db, qid) = resolve_queue(&ctx.guard, ctx.db, queue)?;
            let (st, tx) = ctx.parts();
            catalog::create_event_notification(
                st,
                tx,
                db,
                name,
                qid,
                events,
                service,
                broker_instance,
            )
        })
    }

    /// DROP EVENT NOTIFICATION name ON QUEUE ….
    pub fn drop_event_notification(
        &mut self,
        name: &str,
        queue: &QueueName,
    ) -> Result<(), ServerError> {
        self.run(|ctx| {
            let (db, qid) = resolve_queue(&ctx.guard, ctx.db, queue)?;
            let (st, tx) = ctx.parts();
            catalog::drop_event_notification(st, tx, db, name, qid)
        })
    }
}

/// Security statements (master keys, certificates, signatures, bindings, logins,
/// endpoints). Logins and endpoints are server-level: they live in master whatever the
/// current database is.
impl Session {
    /// CREATE MASTER KEY ENCRYPTION BY PASSWORD.
    pub fn create_master_key(&mut self, password: &str) -> Result<(), ServerError> {
        self.run(|ctx| {
            let (db, now) = (ctx.db, ctx.now());
            let (st, tx) = ctx.parts();
            security::create_master_key(st, tx, db, password, now)
        })
    }

    /// ALTER MASTER KEY.
    pub fn alter_master_key(&mut self, a: &security::AlterMasterKey) -> Result<(), ServerError> {
        let keys = self.open_keys.clone();
        let db = self.db;
        self.run(|ctx| {
            let now = ctx.now();
            let (st, tx) = ctx.parts();
            security::alter_master_key(st, tx, db, a, &keys, now)
        })?;
        if matches!(a, security::AlterMasterKey::Regenerate(_)) {
            self.open_keys.remove(&db);
        }
        Ok(())
    }

    /// OPEN MASTER KEY DECRYPTION BY PASSWORD.
    pub fn open_master_key(&mut self, password: &str) -> Result<(), ServerError> {
        let db = self.db;
        let key = self.with_state(|st| security::open_master_key(st, db, password))?;
        self.open_keys.insert(db, key);
        Ok(())
    }

    /// CLOSE MASTER KEY.
    pub fn close_master_key(&mut self) {
        self.open_keys.remove(&self.db);
    }

    /// DROP MASTER KEY.
    pub fn drop_master_key(&mut self) -> Result<(), ServerError> {
        let db = self.db;
        self.run(|ctx| {
            let (st, tx) = ctx.parts();
            security::drop_master_key(st, tx, db)
        })?;
        self.open_keys.remove(&db);
        Ok(())
    }

    /// CREATE CERTIFICATE.
    pub fn create_certificate(
        &mut self,
        name: &str,
        source: &security::CertSource,
        encryption_password: Option<&str>,
        active: bool,
    ) -> Result<i32, ServerError> {
        let owner = self.next_owner.take().unwrap_or(DBO);
        let keys = self.open_keys.clone();
        self.run(|ctx| {
            let (db, now) = (ctx.db, ctx.now());
            let (st, tx) = ctx.parts();
            security::create_certificate(
                st,
                tx,
                db,
                name,
                owner,
                source,
                encryption_password,
                active,
                &keys,
                now,
            )
        })
    }

    /// ALTER CERTIFICATE.
    pub fn alter_certificate(
        &mut self,
        name: &str,
        a: &security::AlterCertificate,
    ) -> Result<(), ServerError> {
        let keys = self.open_keys.clone();
        self.run(|ctx| {
            let db = ctx.db;
            let (st, tx) = ctx.parts();
            security::alter_certificate(st, tx, db, name, a, &keys)
        })
    }

    /// BACKUP CERTIFICATE: (certificate DER, private-key file).
    pub fn backup_certificate(
        &mut self,
        name: &str,
        private_key: Option<(Option<&str>, &str)>,
    ) -> Result<(Vec<u8>, Option<Vec<u8>>), ServerError> {
        let keys = self.open_keys.clone();
        self.run(|ctx| {
            let (db, now) = (ctx.db, ctx.now());
            let (st, tx) = ctx.parts();
            security::backup_certificate(st, tx, db, name, private_key, &keys, now)
        })
    }

    /// DROP CERTIFICATE.
    pub fn drop_certificate(&mut self, name: &str) -> Result<(), ServerError> {
        self.run(|ctx| {
            let db = ctx.db;
            let (st, tx) = ctx.parts();
            security::drop_certificate(st, tx, db, name)
        })
    }

    /// ADD SIGNATURE TO a module BY CERTIFICATE.
    pub fn add_signature(
        &mut self,
        object_id: i32,
        definition: &str,
        cert: &str,
        password: Option<&str>,
    ) -> Result<(), ServerError> {
        let keys = self.open_keys.clone();
        self.run(|ctx| {
            let db = ctx.db;
            let (st, tx) = ctx.parts();
            security::add_signature(st, tx, db, object_id, definition, cert, password, &keys)
        })
    }

    /// DROP SIGNATURE FROM a module BY CERTIFICATE.
    pub fn drop_signature(&mut self, object_id: i32, cert: &str) -> Result<(), ServerError> {
        self.run(|ctx| {
            let db = ctx.db;
            let (st, tx) = ctx.parts();
            security::drop_signature(st, tx, db, object_id, cert)
        })
    }

    /// Forgets the signatures of a module (in database `db`) whose definition changed.
    pub fn drop_signatures_of(&mut self, db: i32, object_id: i32) -> Result<(), ServerError> {
        self.run(|ctx| {
            let (st, tx) = ctx.parts();
            security::drop_signatures_of(st, tx, db, object_id);
            Ok(())
        })
    }

    /// CREATE REMOTE SERVICE BINDING.
    pub fn create_remote_service_binding(
        &mut self,
        name: &str,
        service: &str,
        user: &str,
        anonymous: bool,
    ) -> Result<i32, ServerError> {
        let owner = self.next_owner.take().unwrap_or(DBO);
        self.run(|ctx| {
            let db = ctx.db;
            let (st, tx) = ctx.parts();
            security::create_binding(st, tx, db, name, owner, service, user, anonymous)
        })
    }

    /// ALTER REMOTE SERVICE BINDING.
    pub fn alter_remote_service_binding(
        &mut self,
        name: &str,
        user: Option<&str>,
        anonymous: Option<bool>,
    ) -> Result<(), ServerError> {
        self.run(|ctx| {
            let db = ctx.db;
            let (st, tx) = ctx.parts();
            security::alter_binding(st, tx, db, name, user, anonymous)
        })
    }

    /// DROP REMOTE SERVICE BINDING.
    pub fn drop_remote_service_binding(&mut self, name: &str) -> Result<(), ServerError> {
        self.run(|ctx| {
            let db = ctx.db;
            let (st, tx) = ctx.parts();
            security::drop_binding(st, tx, db, name)
        })
    }

    /// CREATE LOGIN.
    pub fn create_login(
        &mut self,
        name: &str,
        kind: &security::LoginKind,
    ) -> Result<i32, ServerError> {
        self.run(|ctx| {
            let now = ctx.now();
            let (st, tx) = ctx.parts();
            security::create_login(st, tx, name, kind, now)
        })
    }

    /// DROP LOGIN.
    pub fn drop_login(&mut self, name: &str) -> Result<(), ServerError> {
        self.run(|ctx| {
            let (st, tx) = ctx.parts();
            security::drop_login(st, tx, name)
        })
    }

    /// Resolves a file path of a security statement: absolute paths stay, relative ones
    /// are taken from the instance's data directory (SQL Server's default data folder).
    pub fn resolve_file(&self, path: &str) -> std::path::PathBuf {
        let p = std::path::Path::new(path);
        match &self.inner.opts.file_dir {
            Some(d) if p.is_relative() => d.join(p),
            _ => p.to_path_buf(),
        }
    }

    /// Whether a login exists.
    pub fn login_exists(&self, name: &str) -> bool {
        self.with_state(|st| security::login_id(st, name)).is_some()
    }

    fn no_endpoint_ddl_in_transaction(&self, what: &str) -> Result<(), ServerError> {
        if self.in_transaction() {
            return Err(ServerError::new(
                574,
                format!("{what} statement cannot be used inside a user transaction."),
            ));
        }
        Ok(())
    }

    /// CREATE ENDPOINT (not allowed in a user transaction).
    pub fn create_endpoint(
        &mut self,
        name: &str,
        o: &security::EndpointOptions,
    ) -> Result<i32, ServerError> {
        self.no_endpoint_ddl_in_transaction("CREATE ENDPOINT")?;
        self.run(|ctx| {
            let (st, tx) = ctx.parts();
            security::create_endpoint(st, tx, name, o)
        })
    }

    /// ALTER ENDPOINT (not allowed in a user transaction).
    pub fn alter_endpoint(
        &mut self,
        name: &str,
        o: &security::EndpointOptions,
    ) -> Result<(), ServerError> {
        self.no_endpoint_ddl_in_transaction("ALTER ENDPOINT")?;
        self.run(|ctx| {
            let (st, tx) = ctx.parts();
            security::alter_endpoint(st, tx, name, o)
        })
    }

    /// DROP ENDPOINT (not allowed in a user transaction).
    pub fn drop_endpoint(&mut self, name: &str) -> Result<(), ServerError> {
        self.no_endpoint_ddl_in_transaction("DROP ENDPOINT")?;
        self.run(|ctx| {
            let (st, tx) = ctx.parts();
            security::drop_endpoint(st, tx, name)
        })
    }

    /// GRANT / REVOKE CONNECT ON ENDPOINT::e TO login.
    pub fn endpoint_connect(
        &mut self,
        endpoint: &str,
        login: &str,
        grant: bool,
    ) -> Result<(), ServerError> {
        self.run(|ctx| {
            let (st, tx) = ctx.parts();
            security::endpoint_connect(st, tx, endpoint, login, grant)
        })
    }
}
