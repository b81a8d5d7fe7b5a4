//! Service Broker statements: DDL of message types, contracts, queues and services, and
//! BEGIN DIALOG, SEND, RECEIVE, WAITFOR, GET CONVERSATION GROUP, MOVE, END CONVERSATION,
//! BEGIN CONVERSATION TIMER — mapped onto the engine's typed API.

use std::time::Duration;

use sbroker_engine as eng;
use sbroker_tsql::ast::{self, BinaryOp, Expr, SelectItem, StmtKind};
use sbroker_types::{ServerError, SqlType, Uuid, Value};

use crate::expr::{RowCtx, sql_type_of};
use crate::query::{Relation, TableRef, col, queue_columns, queue_values};
use crate::{Executor, Flow, ResultSink};

fn unsupported(what: &str) -> ServerError {
    ServerError::new(
        40000,
        format!("{what} is not supported by this version of sbroker."),
    )
}

fn queue_name(n: &ast::ObjectName) -> eng::QueueName {
    eng::QueueName {
        database: n.database().map(|i| i.value.clone()),
        schema: n.schema().map(|i| i.value.clone()),
        name: n.name().map(|i| i.value.clone()).unwrap_or_default(),
    }
}

impl Executor {
    fn validation(&self, v: &Option<ast::Validation>) -> Result<eng::Validation, ServerError> {
        Ok(match v {
            None | Some(ast::Validation::None) => eng::Validation::None,
            Some(ast::Validation::Empty) => eng::Validation::Empty,
            Some(ast::Validation::WellFormedXml) => eng::Validation::WellFormedXml,
            Some(ast::Validation::ValidXml(c)) => {
                let name = c.name().map(|i| i.value.clone()).unwrap_or_default();
                let id = self.session.xml_schema_collection_id(&name).ok_or_else(|| {
                    ServerError::new(
                        2211,
                        format!("Cannot find the XML schema collection '{name}', because it does not exist or you do not have permission."),
                    )
                })?;
                eng::Validation::ValidXml(id)
            }
        })
    }

    /// A broker object name written as an identifier, or as a `@variable` holding it.
    fn name_or_var(&mut self, id: &ast::Ident) -> Result<String, ServerError> {
        if id.quote == ast::QuoteStyle::None && id.value.starts_with('@') {
            return match self.get_var(&id.value)? {
                Value::Null => Err(ServerError::new(
                    8421,
                    "The service, contract or message type name is missing (NULL variable).",
                )),
                v => Ok(v.to_display_string()),
            };
        }
        Ok(id.value.clone())
    }

    fn guid_arg(&mut self, e: &Expr, null_error: i32, what: &str) -> Result<Uuid, ServerError> {
        let v = self.eval(e, &RowCtx::EMPTY)?;
        match v {
            Value::Null => Err(ServerError::new(
                null_error,
                format!("The {what} is missing. Specify a {what}."),
            )),
            other => match other.cast(&SqlType::UniqueIdentifier)? {
                Value::Guid(g) => Ok(g),
                _ => Err(ServerError::new(
                    null_error,
                    format!("The {what} is missing."),
                )),
            },
        }
    }

    fn int_arg(&mut self, e: &Expr) -> Result<Option<i64>, ServerError> {
        match self.eval(e, &RowCtx::EMPTY)?.cast(&SqlType::BigInt)? {
            Value::BigInt(i) => Ok(Some(i)),
            _ => Ok(None),
        }
    }

    fn string_arg(&mut self, e: &Expr) -> Result<Option<String>, ServerError> {
        match self.eval(e, &RowCtx::EMPTY)? {
            Value::Null => Ok(None),
            v => Ok(Some(v.to_display_string())),
        }
    }

    fn queue_opts(&mut self, o: &ast::QueueOptions) -> Result<eng::QueueOptions, ServerError> {
        let mut q = eng::QueueOptions {
            status: o.status,
            retention: o.retention,
            ..Default::default()
        };
        if let Some(p) = &o.poison_message_handling {
            q.poison_handling = Some(p.unwrap_or(true));
        }
        if let Some(d) = &o.dead_letter_queue {
            q.dead_letter_queue = Some(d.as_ref().map(queue_name));
        }
        match &o.activation {
            None => {}
            Some(ast::Activation::Drop) => {
                q.activation_given = true;
                q.activation_drop = true;
            }
            Some(ast::Activation::Options(a)) => {
                q.activation_given = true;
                q.activation_status = a.status;
                q.max_readers = a.max_queue_readers;
                if let Some(p) = &a.procedure_name {
                    let db = p
                        .database()
                        .map_or_else(|| self.session.database_name(), |d| d.value.clone());
                    let schema = p.schema().map_or("dbo".to_string(), |s| s.value.clone());
                    let name = p.name().map(|i| i.value.clone()).unwrap_or_default();
                    q.activation_procedure = Some(format!("[{db}].[{schema}].[{name}]"));
                }
                q.execute_as = match &a.execute_as {
                    None => None,
                    Some(ast::ExecuteAs::Owner) => Some(-2),
                    Some(ast::ExecuteAs::User(u) | ast::ExecuteAs::Login(u)) => {
                        Some(self.session.principal_id(u).ok_or_else(|| {
                            ServerError::new(9611, format!("Cannot find the specified user '{u}'."))
                        })?)
                    }
                    Some(ast::ExecuteAs::SelfPrincipal) => Some(self.current_user().0),
                    Some(ast::ExecuteAs::Caller) => None,
                };
            }
        }
        Ok(q)
    }

    /// AUTHORIZATION owner → sets the owner of the next CREATE.
    pub(crate) fn authorization(&mut self, owner: &Option<ast::Ident>) -> Result<(), ServerError> {
        let id = match owner {
            None => None,
            Some(o) => Some(self.session.principal_id(&o.value).ok_or_else(|| {
                ServerError::new(15151, format!("Cannot find the user '{}', because it does not exist or you do not have permission.", o.value))
            })?),
        };
        self.session.set_next_owner(id);
        Ok(())
    }

    fn exec_principals(&mut self, k: &StmtKind) -> Result<bool, ServerError> {
        match k {
            StmtKind::CreateUser(u) => {
                if let ast::UserMapping::Login(l) = &u.mapping
                    && !self.session.login_exists(&l.value)
                {
                    return Err(ServerError::new(
                        15007,
                        format!(
                            "'{}' is not a valid login or you do not have permission.",
                            l.value
                        ),
                    ));
                }
                if let ast::UserMapping::Certificate(c) = &u.mapping {
                    let db = self.session.database_id();
                    let found = self.session.with_state(|st| {
                        st.db(db).is_some_and(|d| {
                            sbroker_engine::security::certificate_by_name(d, &c.value).is_some()
                        })
                    });
                    if !found {
                        return Err(ServerError::new(
                            15151,
                            format!(
                                "Cannot find the certificate '{}', because it does not exist or you do not have permission.",
                                c.value
                            ),
                        ));
                    }
                }
                let cert = matches!(u.mapping, ast::UserMapping::Certificate(_));
                // FOR LOGIN names the login; with nothing written the user maps to the
                // login of the same name, when there is one (CREATE USER documentation).
                let login = match &u.mapping {
                    ast::UserMapping::Login(l) => Some(l.value.as_str()),
                    ast::UserMapping::Default => Some(u.name.value.as_str()),
                    _ => None,
                };
                self.session
                    .create_principal(&u.name.value, false, cert, login)?;
            }
            StmtKind::CreateRole { name, .. } => {
                self.session
                    .create_principal(&name.value, true, false, None)?;
            }
            StmtKind::AlterRole { role, add, member } => {
                self.session
                    .alter_role_member(&role.value, &member.value, *add)?;
            }
            StmtKind::AlterAuthorization {
                securable,
                principal,
            } if securable.class == Some(ast::SecurableClass::Database) => {
                // A database is owned by a login (`TO sa`, `TO [DOMAIN\user]`).
                if let Some(p) = principal
                    && !self.session.login_exists(&p.value)
                {
                    return Err(ServerError::new(
                        15151,
                        format!(
                            "Cannot find the principal '{}', because it does not exist or you do not have permission.",
                            p.value
                        ),
                    ));
                }
                let db = securable
                    .name
                    .name()
                    .map(|i| i.value.clone())
                    .unwrap_or_default();
                if self
                    .session
                    .with_state(|st| st.db_id_by_name(&db))
                    .is_none()
                {
                    return Err(ServerError::new(
                        911,
                        format!(
                            "Database '{db}' does not exist. Make sure that the name is entered correctly."
                        ),
                    ));
                }
            }
            StmtKind::AlterAuthorization {
                securable,
                principal,
            } => {
                let pid = match principal {
                    None => 1,
                    Some(p) => self.session.principal_id(&p.value).ok_or_else(|| {
                        ServerError::new(15151, format!("Cannot find the user '{}', because it does not exist or you do not have permission.", p.value))
                    })?,
                };
                let class = match securable.class {
                    Some(ast::SecurableClass::MessageType) => eng::OwnedClass::MessageType,
                    Some(ast::SecurableClass::Contract) => eng::OwnedClass::Contract,
                    Some(ast::SecurableClass::Service) => eng::OwnedClass::Service,
                    Some(ast::SecurableClass::Route) => eng::OwnedClass::Route,
                    Some(ast::SecurableClass::Object) | None => eng::OwnedClass::Queue,
                    // Other classes have no owner the broker tracks yet.
                    _ => return Ok(true),
                };
                let name = securable
                    .name
                    .name()
                    .map(|i| i.value.clone())
                    .unwrap_or_default();
                self.session.alter_authorization(class, &name, pid)?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    pub(crate) fn exec_broker(
        &mut self,
        k: &StmtKind,
        sink: &mut dyn ResultSink,
    ) -> Result<Flow, ServerError> {
        if self.exec_principals(k)? || self.exec_security(k, sink)? {
            return Ok(Flow::Next);
        }
        match k {
            StmtKind::CreateMessageType(m) => {
                self.authorization(&m.authorization)?;
                let v = self.validation(&m.validation)?;
                self.session.create_message_type(&m.name.value, v)?;
            }
            StmtKind::AlterMessageType {
                name,
                validation: v,
            } => {
                let v = self.validation(&Some(v.clone()))?;
                self.session.alter_message_type(&name.value, v)?;
            }
            StmtKind::CreateContract(c) => {
                self.authorization(&c.authorization)?;
                let items: Vec<(String, eng::SentBy)> = c
                    .messages
                    .iter()
                    .map(|m| {
                        let by = match m.sent_by {
                            ast::SentBy::Initiator => eng::SentBy::Initiator,
                            ast::SentBy::Target => eng::SentBy::Target,
                            ast::SentBy::Any => eng::SentBy::Any,
                        };
                        (m.message_type.value.clone(), by)
                    })
                    .collect();
                self.session.create_contract(&c.name.value, &items)?;
            }
            StmtKind::CreateQueue(q) => {
                let opts = self.queue_opts(&q.options)?;
                let qn = queue_name(&q.name);
                let saved = self.session.database_id();
                if let Some(db) = &qn.database {
                    self.session.use_database(db)?;
                }
                let r = self.session.create_queue(
                    qn.schema.as_deref().unwrap_or("dbo"),
                    &qn.name,
                    &opts,
                );
                self.session.set_database_id(saved);
                r?;
            }
            StmtKind::AlterQueue(a) => {
                let qn = queue_name(&a.name);
                match &a.action {
                    ast::AlterQueueAction::With(o) => {
                        let opts = self.queue_opts(o)?;
                        self.session.alter_queue(&qn, &opts)?;
                    }
                    // Storage maintenance: nothing to do, but the queue must exist.
                    _ => {
                        self.session.with_state(|st| {
                            eng::resolve_queue(st, self.session.database_id(), &qn)
                        })?;
                    }
                }
            }
            StmtKind::CreateService(s) => {
                self.authorization(&s.authorization)?;
                let contracts: Vec<String> = s.contracts.iter().map(|c| c.value.clone()).collect();
                self.session
                    .create_service_on(&s.name.value, &queue_name(&s.queue), &contracts)?;
            }
            StmtKind::AlterService(s) => {
                let mut add = Vec::new();
                let mut drop = Vec::new();
                for c in &s.changes {
                    match c {
                        ast::ServiceContractChange::Add(i) => add.push(i.value.clone()),
                        ast::ServiceContractChange::Drop(i) => drop.push(i.value.clone()),
                    }
                }
                let q = s.queue.as_ref().map(queue_name);
                self.session
                    .alter_service(&s.name.value, q.as_ref(), &add, &drop)?;
            }
            StmtKind::DropBrokerObject { kind, name } => {
                let n = name.name().map(|i| i.value.clone()).unwrap_or_default();
                match kind {
                    ast::BrokerObjectKind::MessageType => self.session.drop_message_type(&n)?,
                    ast::BrokerObjectKind::Contract => self.session.drop_contract(&n)?,
                    ast::BrokerObjectKind::Queue => self.session.drop_queue(&queue_name(name))?,
                    ast::BrokerObjectKind::Service => self.session.drop_service(&n)?,
                    ast::BrokerObjectKind::BrokerPriority => {
                        self.session.drop_broker_priority(&n)?
                    }
                    ast::BrokerObjectKind::Route => self.session.drop_route(&n)?,
                    ast::BrokerObjectKind::XmlSchemaCollection => {
                        self.session.drop_xml_schema_collection(&n)?
                    }
                    other => return Err(unsupported(&format!("DROP {other:?}"))),
                }
            }
            StmtKind::BeginDialog(d) => self.begin_dialog(d)?,
            StmtKind::Send(s) => {
                let mut handles = Vec::with_capacity(s.handles.len());
                for h in &s.handles {
                    handles.push(self.guid_arg(h, 8418, "conversation handle")?);
                }
                let body = match &s.body {
                    None => None,
                    Some(e) => match self.eval(e, &RowCtx::EMPTY)? {
                        Value::Null => {
                            return Err(ServerError::new(
                                8433,
                                "The message body may not be NULL. A zero-length UNICODE or binary string is allowed.",
                            ));
                        }
                        v => v.to_bytes_for_body()?,
                    },
                };
                let mt = match &s.message_type {
                    Some(m) => Some(self.name_or_var(m)?),
                    None => None,
                };
                self.session.send(&handles, mt.as_deref(), body)?;
            }
            StmtKind::Receive(r) => self.receive(r, eng::Wait::No, sink)?,
            StmtKind::GetConversationGroup(g) => self.get_group(g, eng::Wait::No)?,
            StmtKind::WaitFor(w) => {
                let wait = match &w.timeout {
                    None => eng::Wait::Forever,
                    Some(t) => match self.int_arg(t)? {
                        None => eng::Wait::Forever,
                        Some(n) if n < 0 => eng::Wait::Forever,
                        Some(n) => eng::Wait::For(Duration::from_millis(n as u64)),
                    },
                };
                match &w.statement {
                    ast::WaitForStatement::Receive(r) => self.receive(r, wait, sink)?,
                    ast::WaitForStatement::GetConversationGroup(g) => self.get_group(g, wait)?,
                }
            }
            StmtKind::MoveConversation { handle, group } => {
                let h = self.guid_arg(handle, 8418, "conversation handle")?;
                let g = self.guid_arg(group, 8420, "conversation group")?;
                self.session.move_conversation(h, g)?;
            }
            StmtKind::EndConversation(e) => {
                let h = self.guid_arg(&e.handle, 8418, "conversation handle")?;
                let mode = match &e.option {
                    None => eng::EndMode::Normal,
                    Some(ast::EndConversationOption::Cleanup) => eng::EndMode::Cleanup,
                    Some(ast::EndConversationOption::Error { code, description }) => {
                        let code = self.int_arg(code)?;
                        let desc = self.string_arg(description)?;
                        match (code, desc) {
                            (None, None) => {
                                return Err(ServerError::new(
                                    8424,
                                    "The error code and error description are missing. Specify both the error code and description.",
                                ));
                            }
                            (None, _) | (_, None) => {
                                return Err(ServerError::new(
                                    8419,
                                    "Both the error code and the error description must be provided for END CONVERSATION WITH ERROR. Neither value can be NULL.",
                                ));
                            }
                            (Some(c), Some(d)) => eng::EndMode::Error {
                                code: i32::try_from(c).unwrap_or(0),
                                description: d,
                            },
                        }
                    }
                };
                self.session.end_conversation(h, &mode)?;
            }
            StmtKind::BeginConversationTimer { handle, timeout } => {
                let h = self.guid_arg(handle, 8418, "conversation handle")?;
                let t = self
                    .int_arg(timeout)?
                    .ok_or_else(|| ServerError::new(8410, "The timeout value must not be NULL."))?;
                self.session.begin_conversation_timer(h, t)?;
            }
            StmtKind::CreateXmlSchemaCollection { name, schema } => {
                let text = match self.eval(schema, &RowCtx::EMPTY)? {
                    Value::Null => String::new(),
                    v => v.to_display_string(),
                };
                let sch = name.schema().map_or("dbo".to_string(), |i| i.value.clone());
                let n = name.name().map(|i| i.value.clone()).unwrap_or_default();
                self.session.create_xml_schema_collection(&sch, &n, &text)?;
            }
            StmtKind::CreateRoute(r) => {
                self.session
                    .create_route(&r.name.value, &route_opts(&r.options))?;
            }
            StmtKind::AlterRoute { name, options } => {
                self.session
                    .alter_route(&name.value, &route_opts(options))?;
            }
            StmtKind::CreateBrokerPriority(p) => {
                self.session
                    .create_broker_priority(&p.name.value, &priority_args(p))?;
            }
            StmtKind::AlterBrokerPriority(p) => {
                self.session
                    .alter_broker_priority(&p.name.value, &priority_args(p))?;
            }
            StmtKind::CreateEventNotification(n) => {
                let ast::EventNotificationScope::Queue(q) = &n.scope else {
                    return Err(unsupported("EVENT NOTIFICATION on a DATABASE or SERVER"));
                };
                let events: Vec<String> = n.events.iter().map(|e| e.value.clone()).collect();
                self.session.create_event_notification(
                    &n.name.value,
                    &queue_name(q),
                    &events,
                    &n.service,
                    &n.broker_instance,
                )?;
            }
            StmtKind::DropEventNotification { names, scope } => {
                let ast::EventNotificationScope::Queue(q) = scope else {
                    return Err(unsupported("EVENT NOTIFICATION on a DATABASE or SERVER"));
                };
                for n in names {
                    self.session
                        .drop_event_notification(&n.value, &queue_name(q))?;
                }
            }
            other => return Err(unsupported(&format!("Statement {}", stmt_name(other)))),
        }
        Ok(Flow::Next)
    }

    fn begin_dialog(&mut self, d: &ast::BeginDialog) -> Result<(), ServerError> {
        match self.var_type(&d.handle) {
            Some(SqlType::UniqueIdentifier) => {}
            Some(_) => {
                return Err(ServerError::new(
                    8402,
                    format!(
                        "The data type of '{}' in the BEGIN DIALOG statement must be uniqueidentifier.",
                        d.handle
                    ),
                ));
            }
            None => {
                return Err(ServerError::new(
                    137,
                    format!("Must declare the scalar variable \"{}\".", d.handle),
                ));
            }
        }
        let to = self.string_arg(&d.to_service)?.ok_or_else(|| {
            ServerError::new(8421, "The service name is missing. Specify a service name.")
        })?;
        let broker_instance = match &d.broker_instance {
            Some(e) => self.string_arg(e)?,
            None => None,
        };
        let related =
            match &d.related {
                None => None,
                Some(ast::RelatedConversation::Conversation(e)) => Some(
                    eng::Related::Conversation(self.guid_arg(e, 8418, "conversation handle")?),
                ),
                Some(ast::RelatedConversation::Group(e)) => Some(eng::Related::Group(
                    self.guid_arg(e, 8420, "conversation group")?,
                )),
            };
        let lifetime_s = match &d.lifetime {
            None => None,
            Some(e) => match self.int_arg(e)? {
                None => {
                    return Err(ServerError::new(
                        8406,
                        "The dialog lifetime can not be NULL. Specify a valid dialog lifetime value from 1 to 2147483647.",
                    ));
                }
                Some(n) => Some(n),
            },
        };
        let args = eng::BeginDialog {
            from_service: self.name_or_var(&d.from_service)?,
            to_service: to,
            broker_instance,
            contract: match &d.contract {
                Some(c) => Some(self.name_or_var(c)?),
                None => None,
            },
            related,
            lifetime_s,
            encryption: d.encryption.unwrap_or(true),
        };
        let h = self.session.begin_dialog(&args)?;
        self.set_var(&d.handle, Value::Guid(h))
    }

    fn get_group(
        &mut self,
        g: &ast::GetConversationGroup,
        wait: eng::Wait,
    ) -> Result<(), ServerError> {
        match self.var_type(&g.group_variable) {
            Some(SqlType::UniqueIdentifier) => {}
            Some(_) => {
                return Err(ServerError::new(
                    8402,
                    format!(
                        "The data type of '{}' in the GET CONVERSATION GROUP statement must be uniqueidentifier.",
                        g.group_variable
                    ),
                ));
            }
            None => {
                return Err(ServerError::new(
                    137,
                    format!("Must declare the scalar variable \"{}\".", g.group_variable),
                ));
            }
        }
        let r = self
            .session
            .get_conversation_group(&queue_name(&g.queue), wait)?;
        self.rowcount = i64::from(r.is_some());
        self.set_var(&g.group_variable, r.map_or(Value::Null, Value::Guid))
    }

    fn receive(
        &mut self,
        r: &ast::Receive,
        wait: eng::Wait,
        sink: &mut dyn ResultSink,
    ) -> Result<(), ServerError> {
        let assigns = r
            .columns
            .iter()
            .filter(|c| matches!(c, SelectItem::Assign { .. }))
            .count();
        if assigns > 0 && assigns < r.columns.len() {
            return Err(ServerError::new(
                8447,
                "A RECEIVE statement that assigns a value to a variable must not be combined with data retrieval operations.",
            ));
        }
        if assigns > 0 && r.into.is_some() {
            return Err(ServerError::new(
                8450,
                "Assignments in the RECEIVE projection are not allowed in conjunction with the INTO clause.",
            ));
        }
        let top = match &r.top {
            Some(t) => match self.int_arg(t)? {
                Some(n) if n >= 0 => Some(n as u64),
                _ => {
                    return Err(ServerError::new(
                        1060,
                        "The number of rows in the TOP clause must be an integer.",
                    ));
                }
            },
            None => None,
        };
        let filter = match &r.selection {
            None => eng::ReceiveFilter::None,
            Some(w) => self.receive_filter(w)?,
        };
        let args = eng::Receive {
            queue: queue_name(&r.queue),
            top,
            filter,
            wait,
        };
        let rows = self.session.receive(&args)?;
        self.rowcount = rows.len() as i64;
        let qcols = queue_columns();
        let mut out = Relation::default();
        let mut first = true;
        let mut from_values: Vec<usize> = Vec::new();
        for row in &rows {
            let vals = queue_values(row);
            let ctx = RowCtx {
                cols: &qcols,
                vals: &vals,
                group: None,
                outer: None,
            };
            let mut projected = Vec::new();
            for item in &r.columns {
                match item {
                    SelectItem::Wildcard | SelectItem::QualifiedWildcard(_) => {
                        if first {
                            out.cols.extend(qcols.iter().cloned());
                        }
                        projected.extend(vals.iter().cloned());
                    }
                    SelectItem::Expr { expr, alias } => {
                        let v = self.eval(expr, &ctx)?;
                        if first {
                            let name = alias.as_ref().map(|a| a.value.clone()).unwrap_or_else(
                                || match expr {
                                    Expr::Column(n) => {
                                        n.name().map(|i| i.value.clone()).unwrap_or_default()
                                    }
                                    _ => String::new(),
                                },
                            );
                            let ty = column_type(expr, &qcols);
                            if ty.is_none() {
                                from_values.push(out.cols.len());
                            }
                            out.cols
                                .push(col(&name, ty.unwrap_or_else(|| v.sql_type())));
                        }
                        projected.push(v);
                    }
                    SelectItem::Assign { variable, expr, .. } => {
                        let v = self.eval(expr, &ctx)?;
                        self.set_var(variable, v)?;
                    }
                }
            }
            first = false;
            if assigns == 0 {
                out.rows.push(projected);
            }
        }
        if assigns > 0 {
            return Ok(());
        }
        // Columns typed by their values: the first non-NULL value decides (a NULL in the
        // first row says nothing).
        for i in from_values {
            if let Some(v) = out
                .rows
                .iter()
                .filter_map(|r| r.get(i))
                .find(|v| !v.is_null())
                && let Some(c) = out.cols.get_mut(i)
            {
                c.ty = v.sql_type();
            }
        }
        if rows.is_empty() {
            // Empty result with full metadata.
            for item in &r.columns {
                match item {
                    SelectItem::Wildcard | SelectItem::QualifiedWildcard(_) => {
                        out.cols.extend(qcols.iter().cloned())
                    }
                    SelectItem::Expr { expr, alias } => {
                        let name =
                            alias
                                .as_ref()
                                .map(|a| a.value.clone())
                                .unwrap_or_else(|| match expr {
                                    Expr::Column(n) => {
                                        n.name().map(|i| i.value.clone()).unwrap_or_default()
                                    }
                                    _ => String::new(),
                                });
                        out.cols.push(col(
                            &name,
                            column_type(expr, &qcols).unwrap_or(SqlType::Int),
                        ));
                    }
                    SelectItem::Assign { .. } => {}
                }
            }
        }
        match &r.into {
            Some(var) => {
                self.table_var(var)?;
                let t = TableRef::Var(var.clone());
                self.insert_values(&t, &[], out.rows)?;
            }
            None => {
                crate::stmt::emit(sink, &out);
                if !self.nocount {
                    sink.rows_affected(rows.len() as u64);
                }
            }
        }
        Ok(())
    }

    fn receive_filter(&mut self, w: &Expr) -> Result<eng::ReceiveFilter, ServerError> {
        let bad = || {
            ServerError::new(
                102,
                "Incorrect syntax near 'WHERE'. The WHERE clause of RECEIVE may only test conversation_handle = value or conversation_group_id = value.",
            )
            .with_severity(15)
        };
        let w = match w {
            Expr::Nested(inner) => inner.as_ref(),
            other => other,
        };
        let Expr::Binary {
            left,
            op: BinaryOp::Eq,
            right,
        } = w
        else {
            return Err(bad());
        };
        let Expr::Column(c) = left.as_ref() else {
            return Err(bad());
        };
        if matches!(right.as_ref(), Expr::Column(_)) {
            return Err(bad());
        }
        let name = c
            .name()
            .map(|i| i.value.to_ascii_lowercase())
            .unwrap_or_default();
        match name.as_str() {
            "conversation_handle" => Ok(eng::ReceiveFilter::Conversation(self.guid_arg(
                right,
                8418,
                "conversation handle",
            )?)),
            "conversation_group_id" => Ok(eng::ReceiveFilter::Group(self.guid_arg(
                right,
                8420,
                "conversation group",
            )?)),
            _ => Err(bad()),
        }
    }

    /// True when a user function with this name exists (none can be created yet).
    pub(crate) fn is_user_function(&self, _name: &ast::ObjectName) -> bool {
        false
    }

    /// OBJECT_ID('name'): queues, tables, procedures of the current or named database.
    pub(crate) fn object_id(&mut self, name: &str) -> Result<Option<i32>, ServerError> {
        if name.starts_with('#') || name.to_ascii_lowercase().starts_with("tempdb..#") {
            let key = name.rsplit('.').next().unwrap_or(name).to_ascii_lowercase();
            return Ok(self.temp_tables.get(&key).map(|_| -1));
        }
        let stmts = match sbroker_tsql::parse_batch(&format!("SELECT * FROM {name}")) {
            Ok(s) => s,
            Err(_) => return Ok(None),
        };
        let Some(StmtKind::Select(q)) = stmts.into_iter().next().map(|s| s.kind) else {
            return Ok(None);
        };
        let ast::SetExpr::Select(sel) = &q.body else {
            return Ok(None);
        };
        let Some(ast::TableSource::Table { name: on, .. }) = sel.from.first().map(|t| &t.source)
        else {
            return Ok(None);
        };
        let Ok((db, schema, obj)) = self.split_name(on) else {
            return Ok(None);
        };
        if let Some(def) = self.find_table(db, schema.as_deref(), &obj) {
            return Ok(Some(def.object_id));
        }
        let key = crate::tables::table_key(schema.as_deref().unwrap_or("dbo"), &obj);
        let proc_id = self.session.with_state(|st| {
            st.db(db)
                .and_then(|d| {
                    d.objects
                        .get(&(crate::tables::KIND_PROC.to_string(), key.clone()))
                })
                .and_then(|v| serde_json::from_slice::<crate::stmt::StoredProc>(v).ok())
                .map(|p| p.object_id)
        });
        if proc_id.is_some() {
            return Ok(proc_id);
        }
        for kind in [
            crate::modules::KIND_FUNCTION,
            crate::modules::KIND_TRIGGER,
            crate::modules::KIND_VIEW,
        ] {
            if let Some(m) = self.load_module(db, kind, &key) {
                return Ok(Some(m.object_id));
            }
        }
        Ok(self.session.with_state(|st| {
            st.db(db)
                .and_then(|d| d.queue_by_name(schema.as_deref(), &obj))
                .map(|q| q.id)
        }))
    }

    /// OBJECT_NAME(id) in the current database.
    pub(crate) fn object_name(&self, id: i32) -> Option<String> {
        self.object_row(id).map(|o| o.0)
    }

    /// The sys.objects row of an object id in the current database.
    pub(crate) fn object_row(&self, id: i32) -> Option<crate::sysviews::ObjRow> {
        let db = self.session.database_id();
        self.session.with_state(|st| {
            crate::sysviews::objects(st, db)
                .into_iter()
                .find(|o| o.1 == id)
        })
    }
}

fn route_opts(o: &ast::RouteOptions) -> eng::RouteOptions {
    eng::RouteOptions {
        service_name: o.service_name.clone(),
        broker_instance: o.broker_instance.clone(),
        lifetime_s: o.lifetime,
        address: o.address.clone(),
        mirror_address: o.mirror_address.clone(),
    }
}

fn priority_args(p: &ast::BrokerPriority) -> eng::PriorityArgs {
    let name = |c: &Option<ast::NameOrAny>| match c {
        None => eng::Criterion::Unchanged,
        Some(ast::NameOrAny::Any) => eng::Criterion::Any,
        Some(ast::NameOrAny::Name(i)) => eng::Criterion::Name(i.value.clone()),
    };
    eng::PriorityArgs {
        contract: name(&p.contract_name),
        local_service: name(&p.local_service_name),
        remote_service: match &p.remote_service_name {
            None => eng::Criterion::Unchanged,
            Some(ast::StringOrAny::Any) => eng::Criterion::Any,
            Some(ast::StringOrAny::Name(s)) => eng::Criterion::Name(s.clone()),
        },
        level: match &p.priority_level {
            None => None,
            Some(ast::PriorityLevel::Default) => Some(None),
            Some(ast::PriorityLevel::Level(n)) => Some(Some(*n)),
        },
    }
}

fn column_type(e: &Expr, cols: &[crate::expr::RelCol]) -> Option<SqlType> {
    match e {
        Expr::Column(n) => {
            let name = n.name().map(|i| i.value.as_str()).unwrap_or_default();
            cols.iter()
                .find(|c| c.name.eq_ignore_ascii_case(name))
                .map(|c| c.ty)
        }
        Expr::Cast { data_type, .. } | Expr::Convert { data_type, .. } => {
            sql_type_of(data_type, true).ok()
        }
        _ => None,
    }
}

fn stmt_name(k: &StmtKind) -> String {
    let s = format!("{k:?}");
    s.split(['(', ' ', '{'])
        .next()
        .unwrap_or_default()
        .to_string()
}
