//! Service Broker statements: message types, contracts, queues, services,
//! routes, remote service bindings, broker priorities, XML schema
//! collections, endpoints, event notifications, and the conversation
//! statements BEGIN DIALOG, SEND, RECEIVE, WAITFOR (RECEIVE | GET
//! CONVERSATION GROUP), GET CONVERSATION GROUP, MOVE CONVERSATION, END
//! CONVERSATION and BEGIN CONVERSATION TIMER.

use super::{PResult, Parser};
use crate::ast::*;
use crate::lexer::{Sym, Tok};

impl Parser<'_> {
    /// `VALIDATION = { NONE | EMPTY | WELL_FORMED_XML | VALID_XML WITH SCHEMA COLLECTION name }`
    /// (after the `VALIDATION` keyword).
    fn parse_validation(&mut self) -> PResult<Validation> {
        self.expect_sym(Sym::Eq)?;
        if self.eat_kw("NONE") {
            Ok(Validation::None)
        } else if self.eat_kw("EMPTY") {
            Ok(Validation::Empty)
        } else if self.eat_kw("WELL_FORMED_XML") {
            Ok(Validation::WellFormedXml)
        } else if self.eat_kw("VALID_XML") {
            self.expect_kws(&["WITH", "SCHEMA", "COLLECTION"])?;
            Ok(Validation::ValidXml(self.parse_object_name()?))
        } else {
            Err(self.err())
        }
    }

    /// `CREATE MESSAGE TYPE name [AUTHORIZATION owner] [VALIDATION = …]`.
    pub(crate) fn parse_create_message_type(&mut self) -> PResult<StmtKind> {
        self.expect_kws(&["MESSAGE", "TYPE"])?;
        let name = self.parse_ident()?;
        let authorization = self.parse_opt_authorization()?;
        let validation = if self.eat_kw("VALIDATION") {
            Some(self.parse_validation()?)
        } else {
            None
        };
        Ok(StmtKind::CreateMessageType(Box::new(CreateMessageType {
            name,
            authorization,
            validation,
        })))
    }

    /// `ALTER MESSAGE TYPE name VALIDATION = …`.
    pub(crate) fn parse_alter_message_type(&mut self) -> PResult<StmtKind> {
        self.expect_kws(&["MESSAGE", "TYPE"])?;
        let name = self.parse_ident()?;
        self.expect_kw("VALIDATION")?;
        let validation = self.parse_validation()?;
        Ok(StmtKind::AlterMessageType { name, validation })
    }

    /// `CREATE CONTRACT name [AUTHORIZATION owner]
    /// ( { msg | [DEFAULT] } SENT BY { INITIATOR | TARGET | ANY } [, …] )`.
    pub(crate) fn parse_create_contract(&mut self) -> PResult<StmtKind> {
        self.expect_kw("CONTRACT")?;
        let name = self.parse_ident()?;
        let authorization = self.parse_opt_authorization()?;
        self.expect_sym(Sym::LParen)?;
        let messages = self.comma_list(|p| {
            let message_type = p.parse_ident()?;
            p.expect_kws(&["SENT", "BY"])?;
            let sent_by = if p.eat_kw("INITIATOR") {
                SentBy::Initiator
            } else if p.eat_kw("TARGET") {
                SentBy::Target
            } else if p.eat_kw("ANY") {
                SentBy::Any
            } else {
                return Err(p.err());
            };
            Ok(ContractMessage {
                message_type,
                sent_by,
            })
        })?;
        self.expect_sym(Sym::RParen)?;
        Ok(StmtKind::CreateContract(Box::new(CreateContract {
            name,
            authorization,
            messages,
        })))
    }

    /// `queue_options ::= { STATUS = ON|OFF | RETENTION = ON|OFF | ACTIVATION ( … )
    /// | POISON_MESSAGE_HANDLING ( [STATUS = ON|OFF] ) } [[,] …]` (after WITH).
    fn parse_queue_options(&mut self, allow_drop: bool) -> PResult<QueueOptions> {
        let mut o = QueueOptions::default();
        let mut first = true;
        loop {
            let save = self.pos;
            if !first {
                self.eat_sym(Sym::Comma);
            }
            let w = self.word_upper_at(0);
            match w.as_deref() {
                Some("STATUS") if o.status.is_none() => {
                    self.pos += 1;
                    o.status = Some(self.parse_eq_on_off()?);
                }
                Some("RETENTION") if o.retention.is_none() => {
                    self.pos += 1;
                    o.retention = Some(self.parse_eq_on_off()?);
                }
                Some("ACTIVATION") if o.activation.is_none() => {
                    self.pos += 1;
                    o.activation = Some(self.parse_activation(allow_drop)?);
                }
                Some("POISON_MESSAGE_HANDLING") if o.poison_message_handling.is_none() => {
                    self.pos += 1;
                    self.expect_sym(Sym::LParen)?;
                    let st = if self.eat_kw("STATUS") {
                        Some(self.parse_eq_on_off()?)
                    } else {
                        None
                    };
                    // sbroker extension: DEAD_LETTER_QUEUE = queue | NONE.
                    if st.is_some() {
                        self.eat_sym(Sym::Comma);
                    }
                    if self.word_upper_at(0).as_deref() == Some("DEAD_LETTER_QUEUE") {
                        self.pos += 1;
                        self.expect_sym(Sym::Eq)?;
                        if self.eat_kw("NONE") {
                            o.dead_letter_queue = Some(None);
                        } else {
                            o.dead_letter_queue = Some(Some(self.parse_object_name()?));
                        }
                    }
                    self.expect_sym(Sym::RParen)?;
                    o.poison_message_handling = Some(st);
                }
                _ => {
                    if first {
                        return Err(self.err());
                    }
                    self.pos = save;
                    break;
                }
            }
            first = false;
        }
        Ok(o)
    }

    /// `ACTIVATION ( { [STATUS = ON|OFF] [,] [PROCEDURE_NAME = name] [,]
    /// [MAX_QUEUE_READERS = n] [,] [EXECUTE AS { SELF | OWNER | 'user' }] | DROP } )`.
    fn parse_activation(&mut self, allow_drop: bool) -> PResult<Activation> {
        self.expect_sym(Sym::LParen)?;
        if allow_drop && self.eat_kw("DROP") {
            self.expect_sym(Sym::RParen)?;
            return Ok(Activation::Drop);
        }
        let mut a = ActivationOptions::default();
        let mut first = true;
        while !self.is_sym(Sym::RParen) {
            if !first {
                self.eat_sym(Sym::Comma);
            }
            first = false;
            match self.word_upper_at(0).as_deref() {
                Some("STATUS") if a.status.is_none() => {
                    self.pos += 1;
                    a.status = Some(self.parse_eq_on_off()?);
                }
                Some("PROCEDURE_NAME") if a.procedure_name.is_none() => {
                    self.pos += 1;
                    self.expect_sym(Sym::Eq)?;
                    a.procedure_name = Some(self.parse_object_name()?);
                }
                Some("MAX_QUEUE_READERS") if a.max_queue_readers.is_none() => {
                    self.pos += 1;
                    self.expect_sym(Sym::Eq)?;
                    a.max_queue_readers = Some(self.parse_int()?);
                }
                Some("EXECUTE") if a.execute_as.is_none() => {
                    self.pos += 1;
                    self.expect_kw("AS")?;
                    let ctx = self.parse_execute_as_context()?;
                    if !matches!(
                        ctx,
                        ExecuteAs::SelfPrincipal | ExecuteAs::Owner | ExecuteAs::User(_)
                    ) {
                        return Err(self.error_at(self.pos - 1));
                    }
                    a.execute_as = Some(ctx);
                }
                _ => return Err(self.err()),
            }
        }
        if first {
            return Err(self.err());
        }
        self.expect_sym(Sym::RParen)?;
        Ok(Activation::Options(a))
    }

    /// `CREATE QUEUE name [WITH options] [ON { filegroup | [DEFAULT] }]`.
    pub(crate) fn parse_create_queue(&mut self) -> PResult<StmtKind> {
        self.expect_kw("QUEUE")?;
        let name = self.parse_object_name()?;
        let options = if self.eat_kw("WITH") {
            self.parse_queue_options(false)?
        } else {
            QueueOptions::default()
        };
        let filegroup = if self.eat_kw("ON") {
            Some(self.parse_ident()?)
        } else {
            None
        };
        Ok(StmtKind::CreateQueue(Box::new(CreateQueue {
            name,
            options,
            filegroup,
        })))
    }

    /// `ALTER QUEUE name { WITH options | REBUILD [WITH ( MAXDOP = n )]
    /// | REORGANIZE [WITH ( LOB_COMPACTION = ON|OFF )] | MOVE TO filegroup }`.
    pub(crate) fn parse_alter_queue(&mut self) -> PResult<StmtKind> {
        self.expect_kw("QUEUE")?;
        let name = self.parse_object_name()?;
        let paren_opts = |p: &mut Self| -> PResult<Vec<GenericOption>> {
            if p.eat_kw("WITH") {
                p.expect_sym(Sym::LParen)?;
                let v = p.comma_list(|p| p.parse_generic_option())?;
                p.expect_sym(Sym::RParen)?;
                Ok(v)
            } else {
                Ok(Vec::new())
            }
        };
        let action = if self.eat_kw("WITH") {
            AlterQueueAction::With(self.parse_queue_options(true)?)
        } else if self.eat_kw("REBUILD") {
            AlterQueueAction::Rebuild(paren_opts(self)?)
        } else if self.eat_kw("REORGANIZE") {
            AlterQueueAction::Reorganize(paren_opts(self)?)
        } else if self.eat_kws(&["MOVE", "TO"]) {
            AlterQueueAction::MoveTo(self.parse_ident()?)
        } else {
            return Err(self.err());
        };
        Ok(StmtKind::AlterQueue(Box::new(AlterQueue { name, action })))
    }

    /// `CREATE SERVICE name [AUTHORIZATION owner] ON QUEUE queue [( contract, … )]`.
    pub(crate) fn parse_create_service(&mut self) -> PResult<StmtKind> {
        self.expect_kw("SERVICE")?;
        let name = self.parse_ident()?;
        let authorization = self.parse_opt_authorization()?;
        self.expect_kws(&["ON", "QUEUE"])?;
        let queue = self.parse_object_name()?;
        let contracts = if self.is_sym(Sym::LParen) {
            self.parse_paren_ident_list()?
        } else {
            Vec::new()
        };
        Ok(StmtKind::CreateService(Box::new(CreateService {
            name,
            authorization,
            queue,
            contracts,
        })))
    }

    /// `ALTER SERVICE name [ON QUEUE queue] [( {ADD | DROP} CONTRACT c, … )]`.
    pub(crate) fn parse_alter_service(&mut self) -> PResult<StmtKind> {
        self.expect_kw("SERVICE")?;
        let name = self.parse_ident()?;
        let queue = if self.eat_kws(&["ON", "QUEUE"]) {
            Some(self.parse_object_name()?)
        } else {
            None
        };
        let changes = if self.eat_sym(Sym::LParen) {
            let v = self.comma_list(|p| {
                if p.eat_kws(&["ADD", "CONTRACT"]) {
                    Ok(ServiceContractChange::Add(p.parse_ident()?))
                } else if p.eat_kws(&["DROP", "CONTRACT"]) {
                    Ok(ServiceContractChange::Drop(p.parse_ident()?))
                } else {
                    Err(p.err())
                }
            })?;
            self.expect_sym(Sym::RParen)?;
            v
        } else {
            Vec::new()
        };
        // `ALTER SERVICE s` with nothing to change parses; the engine reports 8493.
        Ok(StmtKind::AlterService(Box::new(AlterService {
            name,
            queue,
            changes,
        })))
    }

    /// `route_option [[,] route_option]…` after WITH.
    fn parse_route_options(&mut self) -> PResult<RouteOptions> {
        let mut o = RouteOptions::default();
        let mut first = true;
        loop {
            let save = self.pos;
            if !first && !self.eat_sym(Sym::Comma) {
                break;
            }
            let w = self.word_upper_at(0);
            let known = matches!(
                w.as_deref(),
                Some(
                    "SERVICE_NAME" | "BROKER_INSTANCE" | "LIFETIME" | "ADDRESS" | "MIRROR_ADDRESS"
                )
            );
            if !known {
                if first {
                    return Err(self.err());
                }
                self.pos = save;
                break;
            }
            self.pos += 1;
            self.expect_sym(Sym::Eq)?;
            match w.as_deref() {
                Some("SERVICE_NAME") if o.service_name.is_none() => {
                    o.service_name = Some(self.parse_string()?)
                }
                Some("BROKER_INSTANCE") if o.broker_instance.is_none() => {
                    o.broker_instance = Some(self.parse_string()?)
                }
                Some("LIFETIME") if o.lifetime.is_none() => o.lifetime = Some(self.parse_int()?),
                Some("ADDRESS") if o.address.is_none() => o.address = Some(self.parse_string()?),
                Some("MIRROR_ADDRESS") if o.mirror_address.is_none() => {
                    o.mirror_address = Some(self.parse_string()?)
                }
                _ => return Err(self.error_at(self.pos - 2)),
            }
            first = false;
        }
        Ok(o)
    }

    /// `CREATE ROUTE name [AUTHORIZATION owner] WITH route_option, …`.
    pub(crate) fn parse_create_route(&mut self) -> PResult<StmtKind> {
        self.expect_kw("ROUTE")?;
        let name = self.parse_ident()?;
        let authorization = self.parse_opt_authorization()?;
        self.expect_kw("WITH")?;
        let options = self.parse_route_options()?;
        Ok(StmtKind::CreateRoute(Box::new(CreateRoute {
            name,
            authorization,
            options,
        })))
    }

    /// `ALTER ROUTE name WITH route_option, …`.
    pub(crate) fn parse_alter_route(&mut self) -> PResult<StmtKind> {
        self.expect_kw("ROUTE")?;
        let name = self.parse_ident()?;
        self.expect_kw("WITH")?;
        let options = self.parse_route_options()?;
        Ok(StmtKind::AlterRoute { name, options })
    }

    /// `CREATE REMOTE SERVICE BINDING name [AUTHORIZATION owner] TO SERVICE 'svc'
    /// WITH USER = user [, ANONYMOUS = ON|OFF]`.
    pub(crate) fn parse_create_remote_service_binding(&mut self) -> PResult<StmtKind> {
        self.expect_kws(&["REMOTE", "SERVICE", "BINDING"])?;
        let name = self.parse_ident()?;
        let authorization = self.parse_opt_authorization()?;
        self.expect_kws(&["TO", "SERVICE"])?;
        let service = self.parse_string()?;
        self.expect_kws(&["WITH", "USER"])?;
        self.expect_sym(Sym::Eq)?;
        let user = self.parse_ident_any()?;
        let anonymous = if self.eat_sym(Sym::Comma) {
            self.expect_kw("ANONYMOUS")?;
            Some(self.parse_eq_on_off()?)
        } else {
            None
        };
        Ok(StmtKind::CreateRemoteServiceBinding(Box::new(
            CreateRemoteServiceBinding {
                name,
                authorization,
                service,
                user,
                anonymous,
            },
        )))
    }

    /// `ALTER REMOTE SERVICE BINDING name WITH [USER = user] [, ANONYMOUS = ON|OFF]`.
    pub(crate) fn parse_alter_remote_service_binding(&mut self) -> PResult<StmtKind> {
        self.expect_kws(&["REMOTE", "SERVICE", "BINDING"])?;
        let name = self.parse_ident()?;
        self.expect_kw("WITH")?;
        let mut user = None;
        let mut anonymous = None;
        if self.eat_kw("USER") {
            self.expect_sym(Sym::Eq)?;
            user = Some(self.parse_ident_any()?);
            if self.eat_sym(Sym::Comma) {
                self.expect_kw("ANONYMOUS")?;
                anonymous = Some(self.parse_eq_on_off()?);
            }
        } else {
            self.expect_kw("ANONYMOUS")?;
            anonymous = Some(self.parse_eq_on_off()?);
        }
        Ok(StmtKind::AlterRemoteServiceBinding {
            name,
            user,
            anonymous,
        })
    }

    /// `{CREATE | ALTER} BROKER PRIORITY name FOR CONVERSATION [SET ( item [[,] item]… )]`.
    pub(crate) fn parse_broker_priority(&mut self, create: bool) -> PResult<BrokerPriority> {
        self.expect_kws(&["BROKER", "PRIORITY"])?;
        let name = self.parse_ident()?;
        self.expect_kws(&["FOR", "CONVERSATION"])?;
        let mut bp = BrokerPriority {
            name,
            has_set: false,
            contract_name: None,
            local_service_name: None,
            remote_service_name: None,
            priority_level: None,
        };
        if !self.eat_kw("SET") {
            if create {
                return Ok(bp);
            }
            return Err(self.err());
        }
        bp.has_set = true;
        self.expect_sym(Sym::LParen)?;
        let mut first = true;
        while !self.is_sym(Sym::RParen) {
            if !first {
                self.eat_sym(Sym::Comma);
            }
            first = false;
            let name_or_any = |p: &mut Self| -> PResult<NameOrAny> {
                p.expect_sym(Sym::Eq)?;
                if p.eat_kw("ANY") {
                    Ok(NameOrAny::Any)
                } else {
                    Ok(NameOrAny::Name(p.parse_ident()?))
                }
            };
            match self.word_upper_at(0).as_deref() {
                Some("CONTRACT_NAME") if bp.contract_name.is_none() => {
                    self.pos += 1;
                    bp.contract_name = Some(name_or_any(self)?);
                }
                Some("LOCAL_SERVICE_NAME") if bp.local_service_name.is_none() => {
                    self.pos += 1;
                    bp.local_service_name = Some(name_or_any(self)?);
                }
                Some("REMOTE_SERVICE_NAME") if bp.remote_service_name.is_none() => {
                    self.pos += 1;
                    self.expect_sym(Sym::Eq)?;
                    bp.remote_service_name = Some(if self.eat_kw("ANY") {
                        StringOrAny::Any
                    } else {
                        StringOrAny::Name(self.parse_string()?)
                    });
                }
                Some("PRIORITY_LEVEL") if bp.priority_level.is_none() => {
                    self.pos += 1;
                    self.expect_sym(Sym::Eq)?;
                    bp.priority_level = Some(if self.eat_kw("DEFAULT") {
                        PriorityLevel::Default
                    } else {
                        PriorityLevel::Level(self.parse_int()?)
                    });
                }
                _ => return Err(self.err()),
            }
        }
        if first {
            return Err(self.err());
        }
        self.expect_sym(Sym::RParen)?;
        Ok(bp)
    }

    /// `CREATE XML SCHEMA COLLECTION [schema.]name AS expr`.
    pub(crate) fn parse_create_xml_schema_collection(&mut self) -> PResult<StmtKind> {
        self.expect_kws(&["XML", "SCHEMA", "COLLECTION"])?;
        let name = self.parse_object_name()?;
        self.expect_kw("AS")?;
        let schema = self.parse_expr()?;
        Ok(StmtKind::CreateXmlSchemaCollection { name, schema })
    }

    /// `ENDPOINT name [AUTHORIZATION login] [STATE = …] [AS TCP ( … )] [FOR SERVICE_BROKER ( … )]`.
    pub(crate) fn parse_endpoint(&mut self, create: bool) -> PResult<Endpoint> {
        self.expect_kw("ENDPOINT")?;
        let name = self.parse_ident()?;
        let authorization = if create {
            self.parse_opt_authorization()?
        } else {
            None
        };
        let state = if self.eat_kw("STATE") {
            self.expect_sym(Sym::Eq)?;
            Some(if self.eat_kw("STARTED") {
                EndpointState::Started
            } else if self.eat_kw("STOPPED") {
                EndpointState::Stopped
            } else if self.eat_kw("DISABLED") {
                EndpointState::Disabled
            } else {
                return Err(self.err());
            })
        } else {
            None
        };
        let tcp = if self.eat_kw("AS") {
            self.expect_kw("TCP")?;
            Some(self.parse_tcp_options()?)
        } else if create {
            return Err(self.err());
        } else {
            None
        };
        let mut mirroring = false;
        let service_broker = if self.eat_kw("FOR") {
            if self.eat_kw("DATABASE_MIRRORING") {
                mirroring = true;
            } else {
                self.expect_kw("SERVICE_BROKER")?;
            }
            Some(self.parse_service_broker_options()?)
        } else if create {
            return Err(self.err());
        } else {
            None
        };
        if !create && state.is_none() && tcp.is_none() && service_broker.is_none() {
            return Err(self.err());
        }
        Ok(Endpoint {
            name,
            authorization,
            state,
            tcp,
            service_broker,
            mirroring,
        })
    }

    /// `( LISTENER_PORT = n [, LISTENER_IP = { ALL | ( ipv4 ) | ( 'ipv6' ) }] )`.
    fn parse_tcp_options(&mut self) -> PResult<TcpOptions> {
        self.expect_sym(Sym::LParen)?;
        let mut o = TcpOptions::default();
        loop {
            if self.eat_kw("LISTENER_PORT") && o.listener_port.is_none() {
                self.expect_sym(Sym::Eq)?;
                o.listener_port = Some(self.parse_int()?);
            } else if self.eat_kw("LISTENER_IP") && o.listener_ip.is_none() {
                self.expect_sym(Sym::Eq)?;
                o.listener_ip = Some(if self.eat_kw("ALL") {
                    ListenerIp::All
                } else {
                    self.expect_sym(Sym::LParen)?;
                    let ip = if let Tok::Str { value, .. } = self.peek() {
                        let v = value.clone();
                        self.pos += 1;
                        ListenerIp::V6(v)
                    } else {
                        let mut s = String::new();
                        while let Tok::Number(n) = self.peek() {
                            s.push_str(n);
                            self.pos += 1;
                        }
                        if s.is_empty() {
                            return Err(self.err());
                        }
                        ListenerIp::V4(s)
                    };
                    self.expect_sym(Sym::RParen)?;
                    ip
                });
            } else {
                return Err(self.err());
            }
            if !self.eat_sym(Sym::Comma) {
                break;
            }
        }
        self.expect_sym(Sym::RParen)?;
        Ok(o)
    }

    /// `[WINDOWS] [NTLM | KERBEROS | NEGOTIATE]` method after WINDOWS.
    fn parse_windows_method(&mut self) -> Option<WindowsAuth> {
        if self.eat_kw("NTLM") {
            Some(WindowsAuth::Ntlm)
        } else if self.eat_kw("KERBEROS") {
            Some(WindowsAuth::Kerberos)
        } else if self.eat_kw("NEGOTIATE") {
            Some(WindowsAuth::Negotiate)
        } else {
            None
        }
    }

    /// `( [AUTHENTICATION = …] [[,] ENCRYPTION = …] [[,] MESSAGE_FORWARDING = …]
    /// [[,] MESSAGE_FORWARD_SIZE = n] )`.
    fn parse_service_broker_options(&mut self) -> PResult<ServiceBrokerOptions> {
        self.expect_sym(Sym::LParen)?;
        let mut o = ServiceBrokerOptions::default();
        let mut first = true;
        while !self.is_sym(Sym::RParen) {
            if !first {
                self.eat_sym(Sym::Comma);
            }
            first = false;
            match self.word_upper_at(0).as_deref() {
                Some("AUTHENTICATION") if o.authentication.is_none() => {
                    self.pos += 1;
                    self.expect_sym(Sym::Eq)?;
                    let auth = if self.eat_kw("WINDOWS") {
                        let m = self.parse_windows_method();
                        if self.eat_kw("CERTIFICATE") {
                            EndpointAuthentication::WindowsCertificate(m, self.parse_ident()?)
                        } else {
                            EndpointAuthentication::Windows(m)
                        }
                    } else if self.eat_kw("CERTIFICATE") {
                        let c = self.parse_ident()?;
                        if self.eat_kw("WINDOWS") {
                            EndpointAuthentication::CertificateWindows(
                                c,
                                self.parse_windows_method(),
                            )
                        } else {
                            EndpointAuthentication::Certificate(c)
                        }
                    } else {
                        return Err(self.err());
                    };
                    o.authentication = Some(auth);
                }
                Some("ENCRYPTION") if o.encryption.is_none() => {
                    self.pos += 1;
                    self.expect_sym(Sym::Eq)?;
                    let mode = if self.eat_kw("DISABLED") {
                        EncryptionMode::Disabled
                    } else if self.eat_kw("SUPPORTED") {
                        EncryptionMode::Supported
                    } else if self.eat_kw("REQUIRED") {
                        EncryptionMode::Required
                    } else {
                        return Err(self.err());
                    };
                    let mut algorithms = Vec::new();
                    if mode != EncryptionMode::Disabled && self.eat_kw("ALGORITHM") {
                        loop {
                            if self.eat_kw("AES") {
                                algorithms.push(EncryptionAlgorithm::Aes);
                            } else if self.eat_kw("RC4") {
                                algorithms.push(EncryptionAlgorithm::Rc4);
                            } else {
                                break;
                            }
                        }
                        if algorithms.is_empty() || algorithms.len() > 2 {
                            return Err(self.err());
                        }
                    }
                    o.encryption = Some(EndpointEncryption { mode, algorithms });
                }
                Some("MESSAGE_FORWARDING") if o.message_forwarding.is_none() => {
                    self.pos += 1;
                    self.expect_sym(Sym::Eq)?;
                    o.message_forwarding = Some(if self.eat_kw("ENABLED") {
                        true
                    } else if self.eat_kw("DISABLED") {
                        false
                    } else {
                        return Err(self.err());
                    });
                }
                Some("ROLE") if o.role.is_none() => {
                    self.pos += 1;
                    self.expect_sym(Sym::Eq)?;
                    let r = self.word_upper_at(0).ok_or_else(|| self.err())?;
                    if !matches!(r.as_str(), "WITNESS" | "PARTNER" | "ALL") {
                        return Err(self.err());
                    }
                    self.pos += 1;
                    o.role = Some(r);
                }
                Some("MESSAGE_FORWARD_SIZE") if o.message_forward_size.is_none() => {
                    self.pos += 1;
                    self.expect_sym(Sym::Eq)?;
                    o.message_forward_size = Some(self.parse_int()?);
                }
                _ => return Err(self.err()),
            }
        }
        self.expect_sym(Sym::RParen)?;
        Ok(o)
    }

    /// `SERVER | DATABASE | QUEUE name` after ON.
    pub(crate) fn parse_event_notification_scope(&mut self) -> PResult<EventNotificationScope> {
        if self.eat_kw("SERVER") {
            Ok(EventNotificationScope::Server)
        } else if self.eat_kw("DATABASE") {
            Ok(EventNotificationScope::Database)
        } else if self.eat_kw("QUEUE") {
            Ok(EventNotificationScope::Queue(self.parse_object_name()?))
        } else {
            Err(self.err())
        }
    }

    /// `CREATE EVENT NOTIFICATION name ON scope [WITH FAN_IN] FOR event, …
    /// TO SERVICE 'svc', 'broker_instance'`.
    pub(crate) fn parse_create_event_notification(&mut self) -> PResult<StmtKind> {
        self.expect_kws(&["EVENT", "NOTIFICATION"])?;
        let name = self.parse_ident()?;
        self.expect_kw("ON")?;
        let scope = self.parse_event_notification_scope()?;
        let fan_in = self.eat_kws(&["WITH", "FAN_IN"]);
        self.expect_kw("FOR")?;
        let events = self.comma_list(|p| p.parse_ident())?;
        self.expect_kws(&["TO", "SERVICE"])?;
        let service = self.parse_string()?;
        self.expect_sym(Sym::Comma)?;
        let broker_instance = self.parse_string()?;
        Ok(StmtKind::CreateEventNotification(Box::new(
            CreateEventNotification {
                name,
                scope,
                fan_in,
                events,
                service,
                broker_instance,
            },
        )))
    }

    /// `BEGIN DIALOG [CONVERSATION] @h FROM SERVICE name TO SERVICE expr [, expr]
    /// [ON CONTRACT name] [WITH option [[,] option]…]`.
    pub(crate) fn parse_begin_dialog(&mut self) -> PResult<StmtKind> {
        self.expect_kws(&["BEGIN", "DIALOG"])?;
        self.eat_kw("CONVERSATION");
        let handle = self.parse_var()?;
        self.expect_kws(&["FROM", "SERVICE"])?;
        let from_service = self.parse_ident_or_var()?;
        self.expect_kws(&["TO", "SERVICE"])?;
        let to_service = self.parse_expr()?;
        let broker_instance = if self.eat_sym(Sym::Comma) {
            Some(self.parse_expr()?)
        } else {
            None
        };
        let contract = if self.eat_kws(&["ON", "CONTRACT"]) {
            Some(self.parse_ident_or_var()?)
        } else {
            None
        };
        let mut d = BeginDialog {
            handle,
            from_service,
            to_service,
            broker_instance,
            contract,
            related: None,
            lifetime: None,
            encryption: None,
        };
        if self.eat_kw("WITH") {
            let mut first = true;
            loop {
                let save = self.pos;
                if !first {
                    self.eat_sym(Sym::Comma);
                }
                match self.word_upper_at(0).as_deref() {
                    Some("RELATED_CONVERSATION") if d.related.is_none() => {
                        self.pos += 1;
                        self.expect_sym(Sym::Eq)?;
                        d.related = Some(RelatedConversation::Conversation(self.parse_expr()?));
                    }
                    Some("RELATED_CONVERSATION_GROUP") if d.related.is_none() => {
                        self.pos += 1;
                        self.expect_sym(Sym::Eq)?;
                        d.related = Some(RelatedConversation::Group(self.parse_expr()?));
                    }
                    Some("LIFETIME") if d.lifetime.is_none() => {
                        self.pos += 1;
                        self.expect_sym(Sym::Eq)?;
                        d.lifetime = Some(self.parse_expr()?);
                    }
                    Some("ENCRYPTION") if d.encryption.is_none() => {
                        self.pos += 1;
                        d.encryption = Some(self.parse_eq_on_off()?);
                    }
                    _ => {
                        if first {
                            return Err(self.err());
                        }
                        self.pos = save;
                        break;
                    }
                }
                first = false;
            }
        }
        Ok(StmtKind::BeginDialog(Box::new(d)))
    }

    /// `BEGIN CONVERSATION TIMER ( handle ) TIMEOUT = expr`.
    pub(crate) fn parse_begin_conversation_timer(&mut self) -> PResult<StmtKind> {
        self.expect_kws(&["BEGIN", "CONVERSATION", "TIMER"])?;
        self.expect_sym(Sym::LParen)?;
        let handle = self.parse_expr()?;
        self.expect_sym(Sym::RParen)?;
        self.expect_kw("TIMEOUT")?;
        self.expect_sym(Sym::Eq)?;
        let timeout = self.parse_expr()?;
        Ok(StmtKind::BeginConversationTimer { handle, timeout })
    }

    /// `SEND ON CONVERSATION { ( handle, … ) | handle, … } [MESSAGE TYPE name] [( body )]`.
    pub(crate) fn parse_send(&mut self) -> PResult<StmtKind> {
        self.expect_kws(&["SEND", "ON", "CONVERSATION"])?;
        let handles = if self.eat_sym(Sym::LParen) {
            let v = self.comma_list(|p| p.parse_expr())?;
            self.expect_sym(Sym::RParen)?;
            v
        } else {
            self.comma_list(|p| p.parse_expr())?
        };
        let message_type = if self.eat_kws(&["MESSAGE", "TYPE"]) {
            Some(self.parse_ident_or_var()?)
        } else {
            None
        };
        let body = if self.eat_sym(Sym::LParen) {
            let e = self.parse_expr()?;
            self.expect_sym(Sym::RParen)?;
            Some(e)
        } else {
            None
        };
        Ok(StmtKind::Send(Box::new(SendMessage {
            handles,
            message_type,
            body,
        })))
    }

    /// `RECEIVE [TOP ( n )] column_specifier, … FROM queue [INTO @t] [WHERE expr]`.
    pub(crate) fn parse_receive(&mut self) -> PResult<Receive> {
        self.expect_kw("RECEIVE")?;
        let top = if self.eat_kw("TOP") {
            self.expect_sym(Sym::LParen)?;
            let e = self.parse_expr()?;
            self.expect_sym(Sym::RParen)?;
            Some(e)
        } else {
            None
        };
        let columns = self.comma_list(|p| p.parse_select_item())?;
        self.expect_kw("FROM")?;
        let queue = self.parse_object_name()?;
        let into = if self.eat_kw("INTO") {
            Some(self.parse_var()?)
        } else {
            None
        };
        let selection = if self.eat_kw("WHERE") {
            Some(self.parse_expr()?)
        } else {
            None
        };
        Ok(Receive {
            top,
            columns,
            queue,
            into,
            selection,
        })
    }

    /// `GET CONVERSATION GROUP @g FROM queue`.
    pub(crate) fn parse_get_conversation_group(&mut self) -> PResult<GetConversationGroup> {
        self.expect_kws(&["GET", "CONVERSATION", "GROUP"])?;
        let group_variable = self.parse_var()?;
        self.expect_kw("FROM")?;
        let queue = self.parse_object_name()?;
        Ok(GetConversationGroup {
            group_variable,
            queue,
        })
    }

    /// `( RECEIVE … | GET CONVERSATION GROUP … ) [, TIMEOUT expr]` after WAITFOR.
    pub(crate) fn parse_waitfor_broker(&mut self) -> PResult<StmtKind> {
        self.expect_sym(Sym::LParen)?;
        let statement = if self.is_kw("RECEIVE") {
            WaitForStatement::Receive(self.parse_receive()?)
        } else if self.is_kw("GET") {
            WaitForStatement::GetConversationGroup(self.parse_get_conversation_group()?)
        } else {
            return Err(self.err());
        };
        self.expect_sym(Sym::RParen)?;
        let timeout = if self.eat_sym(Sym::Comma) {
            self.expect_kw("TIMEOUT")?;
            Some(self.parse_expr()?)
        } else {
            None
        };
        Ok(StmtKind::WaitFor(Box::new(WaitFor { statement, timeout })))
    }

    /// `MOVE CONVERSATION handle TO group`.
    pub(crate) fn parse_move_conversation(&mut self) -> PResult<StmtKind> {
        self.expect_kws(&["MOVE", "CONVERSATION"])?;
        let handle = self.parse_expr()?;
        self.expect_kw("TO")?;
        let group = self.parse_expr()?;
        Ok(StmtKind::MoveConversation { handle, group })
    }

    /// `END CONVERSATION handle [WITH ERROR = code DESCRIPTION = text | WITH CLEANUP]`.
    pub(crate) fn parse_end_conversation(&mut self) -> PResult<StmtKind> {
        self.expect_kws(&["END", "CONVERSATION"])?;
        let handle = self.parse_expr()?;
        let option = if self.eat_kw("WITH") {
            if self.eat_kw("CLEANUP") {
                Some(EndConversationOption::Cleanup)
            } else {
                self.expect_kw("ERROR")?;
                self.expect_sym(Sym::Eq)?;
                let code = self.parse_expr()?;
                self.expect_kw("DESCRIPTION")?;
                self.expect_sym(Sym::Eq)?;
                let description = self.parse_expr()?;
                Some(EndConversationOption::Error { code, description })
            }
        } else {
            None
        };
        Ok(StmtKind::EndConversation(Box::new(EndConversation {
            handle,
            option,
        })))
    }
}
