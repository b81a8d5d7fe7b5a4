//! General DDL: the `CREATE` / `ALTER` / `DROP` dispatchers and the
//! non-broker objects — procedures, functions, triggers, views, tables
//! (column definitions and constraints, shared with `DECLARE @t TABLE`),
//! indexes, schemas and databases — plus generic `name [=] value` options.

use super::{PResult, Parser};
use crate::ast::*;
use crate::lexer::{Sym, Tok};

impl Parser<'_> {
    /// `CREATE …` dispatcher.
    pub(crate) fn parse_create(&mut self) -> PResult<StmtKind> {
        self.expect_kw("CREATE")?;
        if self.eat_kws(&["OR", "ALTER"]) {
            return self.parse_module(CreateMode::CreateOrAlter);
        }
        let Some(w) = self.word_upper_at(0) else {
            return Err(self.err());
        };
        match w.as_str() {
            "PROC" | "PROCEDURE" | "FUNCTION" | "TRIGGER" | "VIEW" => {
                self.parse_module(CreateMode::Create)
            }
            "TABLE" => self.parse_create_table(),
            "TYPE" => {
                self.pos += 1;
                let name = self.parse_object_name()?;
                if self.eat_kw("FROM") {
                    let dt = self.parse_data_type()?;
                    let nullable = if self.eat_kw("NULL") {
                        Some(true)
                    } else if self.eat_kws(&["NOT", "NULL"]) {
                        Some(false)
                    } else {
                        None
                    };
                    return Ok(StmtKind::CreateType(Box::new(CreateType {
                        name,
                        base: Some((dt, nullable)),
                        table: None,
                    })));
                }
                self.expect_kws(&["AS", "TABLE"])?;
                let (columns, constraints) = self.parse_table_elements()?;
                Ok(StmtKind::CreateType(Box::new(CreateType {
                    name,
                    base: None,
                    table: Some((columns, constraints)),
                })))
            }
            "ASSEMBLY" => {
                self.pos += 1;
                let name = self.parse_ident()?;
                let authorization = self.parse_opt_authorization()?;
                self.expect_kw("FROM")?;
                let from = self.comma_list(|p| p.parse_expr())?;
                let permission_set = if self.eat_kw("WITH") {
                    let opt = self.parse_ident_any()?;
                    if !opt.value.eq_ignore_ascii_case("PERMISSION_SET") {
                        return Err(self.err());
                    }
                    self.expect_sym(Sym::Eq)?;
                    Some(self.parse_ident_any()?)
                } else {
                    None
                };
                Ok(StmtKind::CreateAssembly {
                    name,
                    authorization,
                    from,
                    permission_set,
                })
            }
            "UNIQUE" | "CLUSTERED" | "NONCLUSTERED" | "INDEX" => self.parse_create_index(),
            "SCHEMA" => {
                self.pos += 1;
                let name = self.parse_ident()?;
                let authorization = self.parse_opt_authorization()?;
                Ok(StmtKind::CreateSchema {
                    name,
                    authorization,
                })
            }
            "DATABASE" => {
                self.pos += 1;
                let name = self.parse_ident()?;
                let for_attach = self.eat_kws(&["FOR", "ATTACH"]);
                let options = if self.eat_kw("WITH") {
                    self.comma_list(|p| p.parse_generic_option())?
                } else {
                    Vec::new()
                };
                Ok(StmtKind::CreateDatabase {
                    name,
                    for_attach,
                    options,
                })
            }
            "MESSAGE" => self.parse_create_message_type(),
            "CONTRACT" => self.parse_create_contract(),
            "QUEUE" => self.parse_create_queue(),
            "SERVICE" => self.parse_create_service(),
            "ROUTE" => self.parse_create_route(),
            "REMOTE" => self.parse_create_remote_service_binding(),
            "BROKER" => Ok(StmtKind::CreateBrokerPriority(Box::new(
                self.parse_broker_priority(true)?,
            ))),
            "XML" => self.parse_create_xml_schema_collection(),
            "ENDPOINT" => Ok(StmtKind::CreateEndpoint(Box::new(
                self.parse_endpoint(true)?,
            ))),
            "EVENT" => self.parse_create_event_notification(),
            "MASTER" => self.parse_create_master_key(),
            "CERTIFICATE" => self.parse_create_certificate(),
            "LOGIN" => self.parse_create_login(),
            "USER" => self.parse_create_user(),
            "ROLE" => {
                self.pos += 1;
                let name = self.parse_ident()?;
                let authorization = self.parse_opt_authorization()?;
                Ok(StmtKind::CreateRole {
                    name,
                    authorization,
                })
            }
            _ => Err(self.err()),
        }
    }

    /// `ALTER …` dispatcher.
    pub(crate) fn parse_alter(&mut self) -> PResult<StmtKind> {
        self.expect_kw("ALTER")?;
        let Some(w) = self.word_upper_at(0) else {
            return Err(self.err());
        };
        match w.as_str() {
            "PROC" | "PROCEDURE" | "FUNCTION" | "TRIGGER" | "VIEW" => {
                self.parse_module(CreateMode::Alter)
            }
            "TABLE" => self.parse_alter_table(),
            "ASSEMBLY" => {
                // `ALTER ASSEMBLY name { ADD FILE FROM expr [AS expr] [, …] | DROP FILE …
                // | FROM expr | WITH … }` — SQLCLR; only the name is kept.
                self.pos += 1;
                let name = self.parse_ident()?;
                if self.eat_kws(&["ADD", "FILE", "FROM"]) {
                    self.comma_list(|p| {
                        p.parse_expr()?;
                        if p.eat_kw("AS") {
                            p.parse_expr()?;
                        }
                        Ok(())
                    })?;
                } else if self.eat_kws(&["DROP", "FILE"]) {
                    if !self.eat_kw("ALL") {
                        self.comma_list(|p| p.parse_expr())?;
                    }
                } else if self.eat_kw("FROM") {
                    self.parse_expr()?;
                } else if self.eat_kw("WITH") {
                    self.comma_list(|p| p.parse_generic_option())?;
                }
                Ok(StmtKind::AlterAssembly { name })
            }
            "DATABASE" => self.parse_alter_database(),
            "MESSAGE" => self.parse_alter_message_type(),
            "QUEUE" => self.parse_alter_queue(),
            "SERVICE" => self.parse_alter_service(),
            "ROUTE" => self.parse_alter_route(),
            "REMOTE" => self.parse_alter_remote_service_binding(),
            "BROKER" => Ok(StmtKind::AlterBrokerPriority(Box::new(
                self.parse_broker_priority(false)?,
            ))),
            "ENDPOINT" => Ok(StmtKind::AlterEndpoint(Box::new(
                self.parse_endpoint(false)?,
            ))),
            "CERTIFICATE" => self.parse_alter_certificate(),
            "MASTER" => self.parse_alter_master_key(),
            "ROLE" => self.parse_alter_role(),
            "AUTHORIZATION" => self.parse_alter_authorization(),
            _ => Err(self.err()),
        }
    }

    /// `DROP …` dispatcher.
    pub(crate) fn parse_drop(&mut self) -> PResult<StmtKind> {
        self.expect_kw("DROP")?;
        let Some(w) = self.word_upper_at(0) else {
            return Err(self.err());
        };
        let generic = match w.as_str() {
            "TABLE" => Some(DropKind::Table),
            "PROC" | "PROCEDURE" => Some(DropKind::Procedure),
            "FUNCTION" => Some(DropKind::Function),
            "TRIGGER" => Some(DropKind::Trigger),
            "VIEW" => Some(DropKind::View),
            "SCHEMA" => Some(DropKind::Schema),
            "DATABASE" => Some(DropKind::Database),
            "LOGIN" => Some(DropKind::Login),
            "USER" => Some(DropKind::User),
            "ROLE" => Some(DropKind::Role),
            "INDEX" => Some(DropKind::Index),
            "TYPE" => Some(DropKind::Type),
            _ => None,
        };
        if let Some(kind) = generic {
            self.pos += 1;
            let if_exists = kind != DropKind::Login && self.eat_kws(&["IF", "EXISTS"]);
            let names = self.comma_list(|p| p.parse_object_name())?;
            let on = if self.eat_kw("ON") {
                match kind {
                    DropKind::Index => Some(self.parse_object_name()?),
                    DropKind::Trigger => {
                        self.expect_kw("DATABASE")?;
                        Some(ObjectName::single(Ident::new("DATABASE")))
                    }
                    _ => return Err(self.error_at(self.pos - 1)),
                }
            } else {
                None
            };
            return Ok(StmtKind::Drop(Box::new(DropStmt {
                kind,
                if_exists,
                names,
                on,
            })));
        }
        let broker_kind = if self.eat_kws(&["MESSAGE", "TYPE"]) {
            BrokerObjectKind::MessageType
        } else if self.eat_kw("CONTRACT") {
            BrokerObjectKind::Contract
        } else if self.eat_kw("QUEUE") {
            BrokerObjectKind::Queue
        } else if self.eat_kw("SERVICE") {
            BrokerObjectKind::Service
        } else if self.eat_kw("ROUTE") {
            BrokerObjectKind::Route
        } else if self.eat_kws(&["REMOTE", "SERVICE", "BINDING"]) {
            BrokerObjectKind::RemoteServiceBinding
        } else if self.eat_kws(&["BROKER", "PRIORITY"]) {
            BrokerObjectKind::BrokerPriority
        } else if self.eat_kws(&["XML", "SCHEMA", "COLLECTION"]) {
            BrokerObjectKind::XmlSchemaCollection
        } else if self.eat_kw("ENDPOINT") {
            BrokerObjectKind::Endpoint
        } else if self.eat_kw("CERTIFICATE") {
            BrokerObjectKind::Certificate
        } else if self.eat_kws(&["MASTER", "KEY"]) {
            return Ok(StmtKind::DropMasterKey);
        } else if self.eat_kws(&["EVENT", "NOTIFICATION"]) {
            let names = self.comma_list(|p| p.parse_ident())?;
            self.expect_kw("ON")?;
            let scope = self.parse_event_notification_scope()?;
            return Ok(StmtKind::DropEventNotification { names, scope });
        } else {
            return Err(self.err());
        };
        let name = match broker_kind {
            BrokerObjectKind::Queue | BrokerObjectKind::XmlSchemaCollection => {
                self.parse_object_name()?
            }
            _ => ObjectName::single(self.parse_ident()?),
        };
        Ok(StmtKind::DropBrokerObject {
            kind: broker_kind,
            name,
        })
    }

    /// `PROC… | FUNCTION… | TRIGGER… | VIEW…` after CREATE [OR ALTER] / ALTER.
    fn parse_module(&mut self, mode: CreateMode) -> PResult<StmtKind> {
        if self.eat_kw("PROC") || self.eat_kw("PROCEDURE") {
            self.parse_procedure(mode)
        } else if self.eat_kw("FUNCTION") {
            self.parse_function(mode)
        } else if self.eat_kw("TRIGGER") {
            self.parse_trigger(mode)
        } else if self.eat_kw("VIEW") {
            self.parse_view(mode)
        } else {
            Err(self.err())
        }
    }

    /// `param ::= @name [AS] type [VARYING] [= default] [OUT | OUTPUT] [READONLY]`.
    fn parse_param(&mut self) -> PResult<ProcParam> {
        let name = self.parse_var()?;
        self.eat_kw("AS");
        let data_type = self.parse_var_type()?;
        self.eat_kw("VARYING");
        let default = if self.eat_sym(Sym::Eq) {
            Some(self.parse_expr()?)
        } else {
            None
        };
        let output = self.eat_kw("OUTPUT") || self.eat_kw("OUT");
        let readonly = self.eat_kw("READONLY");
        Ok(ProcParam {
            name,
            data_type,
            default,
            output,
            readonly,
        })
    }

    /// `WITH module_option [, …]` (optional).
    fn parse_module_options(&mut self) -> PResult<Vec<ModuleOption>> {
        if !self.eat_kw("WITH") {
            return Ok(Vec::new());
        }
        self.comma_list(|p| {
            if p.eat_kws(&["EXECUTE", "AS"]) || p.eat_kws(&["EXEC", "AS"]) {
                Ok(ModuleOption::ExecuteAs(p.parse_execute_as_context()?))
            } else {
                Ok(ModuleOption::Other(p.parse_ident()?))
            }
        })
    }

    /// `name [(] [param, …] [)] [WITH options] [FOR REPLICATION] AS statement…`.
    fn parse_procedure(&mut self, mode: CreateMode) -> PResult<StmtKind> {
        let name = self.parse_object_name()?;
        let params = if self.eat_sym(Sym::LParen) {
            let v = if self.is_sym(Sym::RParen) {
                Vec::new()
            } else {
                self.comma_list(|p| p.parse_param())?
            };
            self.expect_sym(Sym::RParen)?;
            v
        } else if matches!(self.peek(), Tok::Var(_)) {
            self.comma_list(|p| p.parse_param())?
        } else {
            Vec::new()
        };
        let options = self.parse_module_options()?;
        self.expect_kw("AS")?;
        if self.eat_kws(&["EXTERNAL", "NAME"]) {
            let external = self.parse_object_name()?;
            return Ok(StmtKind::CreateProcedure(Box::new(CreateProcedure {
                mode,
                name,
                params,
                options,
                body: Vec::new(),
                external_name: Some(external),
            })));
        }
        let body = self.parse_statement_list(|_| false)?;
        Ok(StmtKind::CreateProcedure(Box::new(CreateProcedure {
            mode,
            name,
            params,
            options,
            body,
            external_name: None,
        })))
    }

    /// `name ( [param, …] ) RETURNS { type | TABLE } [WITH options] [AS]
    /// { BEGIN statement… END | RETURN [(] query [)] }`.
    fn parse_function(&mut self, mode: CreateMode) -> PResult<StmtKind> {
        let name = self.parse_object_name()?;
        self.expect_sym(Sym::LParen)?;
        let params = if self.is_sym(Sym::RParen) {
            Vec::new()
        } else {
            self.comma_list(|p| p.parse_param())?
        };
        self.expect_sym(Sym::RParen)?;
        self.expect_kw("RETURNS")?;
        let returns = if self.eat_kw("TABLE") {
            FunctionReturns::Table
        } else if matches!(self.peek(), Tok::Var(_)) {
            let name = self.parse_var()?;
            self.expect_kw("TABLE")?;
            let (columns, constraints) = self.parse_table_elements()?;
            FunctionReturns::TableVariable(Box::new(DeclareTable {
                name,
                columns,
                constraints,
            }))
        } else {
            FunctionReturns::Scalar(self.parse_data_type()?)
        };
        let options = self.parse_module_options()?;
        self.eat_kw("AS");
        let body = match returns {
            FunctionReturns::Table => {
                let line = self.line();
                self.expect_kw("RETURN")?;
                let e = if self.is_kw("SELECT") || self.is_kw("WITH") {
                    Expr::Subquery(Box::new(self.parse_query()?))
                } else {
                    self.parse_expr()?
                };
                vec![Stmt::new(StmtKind::Return(Some(e)), line)]
            }
            FunctionReturns::Scalar(_) | FunctionReturns::TableVariable(_) => {
                self.expect_kw("BEGIN")?;
                let stmts = self.parse_statement_list(Parser::at_block_end)?;
                self.expect_kw("END")?;
                stmts
            }
        };
        Ok(StmtKind::CreateFunction(Box::new(CreateFunction {
            mode,
            name,
            params,
            returns,
            options,
            body,
        })))
    }

    /// `name ON target [WITH options] {AFTER | FOR | INSTEAD OF} event, …
    /// [NOT FOR REPLICATION] AS statement…`.
    fn parse_trigger(&mut self, mode: CreateMode) -> PResult<StmtKind> {
        let name = self.parse_object_name()?;
        self.expect_kw("ON")?;
        let target = if self.eat_kw("DATABASE") {
            TriggerTarget::Database
        } else if self.eat_kws(&["ALL", "SERVER"]) {
            TriggerTarget::AllServer
        } else {
            TriggerTarget::Table(self.parse_object_name()?)
        };
        let options = self.parse_module_options()?;
        let timing = if self.eat_kw("AFTER") {
            TriggerTiming::After
        } else if self.eat_kw("FOR") {
            TriggerTiming::For
        } else if self.eat_kws(&["INSTEAD", "OF"]) {
            TriggerTiming::InsteadOf
        } else {
            return Err(self.err());
        };
        let events = self.comma_list(|p| Ok(p.parse_ident_any()?.value.to_ascii_uppercase()))?;
        self.eat_kws(&["NOT", "FOR", "REPLICATION"]);
        self.expect_kw("AS")?;
        let body = self.parse_statement_list(|_| false)?;
        Ok(StmtKind::CreateTrigger(Box::new(CreateTrigger {
            mode,
            name,
            target,
            options,
            timing,
            events,
            body,
        })))
    }

    /// `name [( col, … )] [WITH option, …] AS query [WITH CHECK OPTION]`.
    fn parse_view(&mut self, mode: CreateMode) -> PResult<StmtKind> {
        let name = self.parse_object_name()?;
        let columns = if self.is_sym(Sym::LParen) {
            self.parse_paren_ident_list()?
        } else {
            Vec::new()
        };
        let options = if self.eat_kw("WITH") {
            self.comma_list(|p| p.parse_ident())?
        } else {
            Vec::new()
        };
        self.expect_kw("AS")?;
        let query = self.parse_query()?;
        self.eat_kws(&["WITH", "CHECK", "OPTION"]);
        Ok(StmtKind::CreateView(Box::new(CreateView {
            mode,
            name,
            columns,
            options,
            query: Box::new(query),
        })))
    }

    /// `TABLE name ( element, … ) [ON filegroup] [TEXTIMAGE_ON filegroup]`.
    fn parse_create_table(&mut self) -> PResult<StmtKind> {
        self.expect_kw("TABLE")?;
        let name = self.parse_object_name()?;
        let (columns, constraints) = self.parse_table_elements()?;
        let filegroup = if self.eat_kw("ON") {
            Some(self.parse_ident_any()?)
        } else {
            None
        };
        let textimage_on = if self.eat_kw("TEXTIMAGE_ON") {
            Some(self.parse_ident_any()?)
        } else {
            None
        };
        Ok(StmtKind::CreateTable(Box::new(CreateTable {
            name,
            columns,
            constraints,
            filegroup,
            textimage_on,
        })))
    }

    /// `( { column_def | table_constraint } [, …] )`.
    pub(crate) fn parse_table_elements(
        &mut self,
    ) -> PResult<(Vec<ColumnDef>, Vec<TableConstraint>)> {
        self.expect_sym(Sym::LParen)?;
        let mut columns = Vec::new();
        let mut constraints = Vec::new();
        loop {
            if self.at_table_constraint() {
                constraints.push(self.parse_table_constraint()?);
            } else {
                columns.push(self.parse_column_def()?);
            }
            if !self.eat_sym(Sym::Comma) {
                // SQL Server also accepts a table constraint right after a column
                // definition without a comma (`c INT NOT NULL PRIMARY KEY (a, b)`).
                if self.at_table_constraint() {
                    continue;
                }
                break;
            }
            if self.is_sym(Sym::RParen) {
                break; // trailing comma is tolerated by SQL Server
            }
        }
        self.expect_sym(Sym::RParen)?;
        Ok((columns, constraints))
    }

    fn at_table_constraint(&self) -> bool {
        [
            "CONSTRAINT",
            "PRIMARY",
            "UNIQUE",
            "FOREIGN",
            "CHECK",
            "DEFAULT",
        ]
        .iter()
        .any(|k| self.is_kw(k))
    }

    /// `[CLUSTERED | NONCLUSTERED]`.
    fn parse_opt_clustered(&mut self) -> Option<bool> {
        if self.eat_kw("CLUSTERED") {
            Some(true)
        } else if self.eat_kw("NONCLUSTERED") {
            Some(false)
        } else {
            None
        }
    }

    /// Index storage options after a key's column list, accepted and ignored:
    /// `[WITH ( option = value, … )] [ON filegroup]`.
    fn skip_index_storage(&mut self) -> PResult<()> {
        if self.is_kw("WITH") && self.is_sym_at(1, Sym::LParen) {
            self.pos += 2;
            self.comma_list(|p| p.parse_generic_option())?;
            self.expect_sym(Sym::RParen)?;
        }
        if self.is_kw("ON") && !self.is_kw_at(1, "DELETE") && !self.is_kw_at(1, "UPDATE") {
            self.pos += 1;
            self.parse_ident_any()?;
        }
        Ok(())
    }

    /// `( col [ASC | DESC], … )`.
    fn parse_index_columns(&mut self) -> PResult<Vec<IndexColumn>> {
        self.expect_sym(Sym::LParen)?;
        let cols = self.comma_list(|p| {
            let name = p.parse_ident()?;
            let desc = if p.eat_kw("DESC") {
                true
            } else {
                p.eat_kw("ASC");
                false
            };
            Ok(IndexColumn { name, desc })
        })?;
        self.expect_sym(Sym::RParen)?;
        Ok(cols)
    }

    /// `table_constraint ::= [CONSTRAINT name] { PRIMARY KEY … | UNIQUE … | FOREIGN KEY … | CHECK … }`.
    fn parse_table_constraint(&mut self) -> PResult<TableConstraint> {
        let name = if self.eat_kw("CONSTRAINT") {
            Some(self.parse_ident()?)
        } else {
            None
        };
        let kind = if self.eat_kws(&["PRIMARY", "KEY"]) {
            let clustered = self.parse_opt_clustered();
            let columns = self.parse_index_columns()?;
            self.skip_index_storage()?;
            TableConstraintKind::PrimaryKey { clustered, columns }
        } else if self.eat_kw("UNIQUE") {
            let clustered = self.parse_opt_clustered();
            let columns = self.parse_index_columns()?;
            self.skip_index_storage()?;
            TableConstraintKind::Unique { clustered, columns }
        } else if self.eat_kws(&["FOREIGN", "KEY"]) {
            let columns = self.parse_paren_ident_list()?;
            self.expect_kw("REFERENCES")?;
            TableConstraintKind::ForeignKey {
                columns,
                references: self.parse_references_rest()?,
            }
        } else if self.eat_kw("CHECK") {
            self.eat_kws(&["NOT", "FOR", "REPLICATION"]);
            self.expect_sym(Sym::LParen)?;
            let e = self.parse_expr()?;
            self.expect_sym(Sym::RParen)?;
            TableConstraintKind::Check(e)
        } else if self.eat_kw("DEFAULT") {
            let value = self.parse_expr()?;
            self.expect_kw("FOR")?;
            TableConstraintKind::Default {
                value,
                column: self.parse_ident()?,
            }
        } else {
            return Err(self.err());
        };
        Ok(TableConstraint { name, kind })
    }

    /// `table [( col, … )] [ON DELETE action] [ON UPDATE action]` after REFERENCES.
    fn parse_references_rest(&mut self) -> PResult<References> {
        let table = self.parse_object_name()?;
        let columns = if self.is_sym(Sym::LParen) {
            self.parse_paren_ident_list()?
        } else {
            Vec::new()
        };
        let mut r = References {
            table,
            columns,
            on_delete: None,
            on_update: None,
        };
        while self.is_kw("ON") && (self.is_kw_at(1, "DELETE") || self.is_kw_at(1, "UPDATE")) {
            let delete = self.is_kw_at(1, "DELETE");
            self.pos += 2;
            let action = if self.eat_kws(&["NO", "ACTION"]) {
                ReferentialAction::NoAction
            } else if self.eat_kw("CASCADE") {
                ReferentialAction::Cascade
            } else if self.eat_kws(&["SET", "NULL"]) {
                ReferentialAction::SetNull
            } else if self.eat_kws(&["SET", "DEFAULT"]) {
                ReferentialAction::SetDefault
            } else {
                return Err(self.err());
            };
            if delete {
                r.on_delete = Some(action);
            } else {
                r.on_update = Some(action);
            }
        }
        Ok(r)
    }

    /// `column_def ::= name { type [COLLATE c] | AS expr [PERSISTED] } [column_constraint…]`.
    pub(crate) fn parse_column_def(&mut self) -> PResult<ColumnDef> {
        let name = self.parse_ident()?;
        let mut col = ColumnDef {
            name,
            data_type: None,
            computed: None,
            persisted: false,
            collation: None,
            constraints: Vec::new(),
        };
        if self.eat_kw("AS") {
            col.computed = Some(self.parse_expr()?);
            col.persisted = self.eat_kw("PERSISTED");
        } else {
            col.data_type = Some(self.parse_data_type()?);
            if self.eat_kw("COLLATE") {
                col.collation = Some(self.parse_ident()?);
            }
        }
        loop {
            let cname = if self.eat_kw("CONSTRAINT") {
                Some(self.parse_ident()?)
            } else {
                None
            };
            if cname.is_none() && self.is_kw("PRIMARY") && self.is_kw_at(1, "KEY") {
                // `PRIMARY KEY (a, b)` after a column is a table constraint (no comma).
                let save = self.pos;
                self.pos += 2;
                self.parse_opt_clustered();
                let table_level = self.is_sym(Sym::LParen);
                self.pos = save;
                if table_level {
                    break;
                }
            }
            if cname.is_none() && self.eat_kw("INDEX") {
                // Inline index (`INDEX ix [CLUSTERED | NONCLUSTERED]`): storage only, ignored.
                self.parse_ident()?;
                self.parse_opt_clustered();
                continue;
            }
            let kind = if self.eat_kw("NULL") {
                ColumnConstraintKind::Null
            } else if self.eat_kws(&["NOT", "NULL"]) {
                ColumnConstraintKind::NotNull
            } else if self.eat_kw("IDENTITY") {
                if self.eat_sym(Sym::LParen) {
                    let seed = self.parse_int()?;
                    self.expect_sym(Sym::Comma)?;
                    let inc = self.parse_int()?;
                    self.expect_sym(Sym::RParen)?;
                    ColumnConstraintKind::Identity(Some((seed, inc)))
                } else {
                    ColumnConstraintKind::Identity(None)
                }
            } else if self.eat_kws(&["PRIMARY", "KEY"]) {
                ColumnConstraintKind::PrimaryKey(self.parse_opt_clustered())
            } else if self.eat_kw("UNIQUE") {
                ColumnConstraintKind::Unique(self.parse_opt_clustered())
            } else if self.eat_kw("DEFAULT") {
                ColumnConstraintKind::Default(self.parse_expr()?)
            } else if self.eat_kw("CHECK") {
                self.expect_sym(Sym::LParen)?;
                let e = self.parse_expr()?;
                self.expect_sym(Sym::RParen)?;
                ColumnConstraintKind::Check(e)
            } else if self.eat_kws(&["FOREIGN", "KEY"]) {
                // `FOREIGN KEY [(this_column)] REFERENCES …` on a column.
                if self.is_sym(Sym::LParen) {
                    self.parse_paren_ident_list()?;
                }
                self.expect_kw("REFERENCES")?;
                ColumnConstraintKind::References(self.parse_references_rest()?)
            } else if self.eat_kw("REFERENCES") {
                ColumnConstraintKind::References(self.parse_references_rest()?)
            } else if self.eat_kw("ROWGUIDCOL") {
                ColumnConstraintKind::RowGuidCol
            } else if cname.is_some() {
                return Err(self.err());
            } else {
                break;
            };
            col.constraints.push(ColumnConstraint { name: cname, kind });
        }
        Ok(col)
    }

    /// `ALTER TABLE name { ADD element, … | DROP COLUMN c, … | DROP CONSTRAINT c, …
    /// | ALTER COLUMN c type [NULL | NOT NULL] }`.
    fn parse_alter_table(&mut self) -> PResult<StmtKind> {
        self.expect_kw("TABLE")?;
        let name = self.parse_object_name()?;
        let with_check = if self.is_kw("WITH") && self.is_kw_at(1, "CHECK") {
            self.pos += 2;
            Some(true)
        } else if self.is_kw("WITH") && self.is_kw_at(1, "NOCHECK") {
            self.pos += 2;
            Some(false)
        } else {
            None
        };
        let names_or_all = |p: &mut Self| -> PResult<Vec<Ident>> {
            if p.eat_kw("ALL") {
                Ok(Vec::new())
            } else {
                p.comma_list(|p| p.parse_ident())
            }
        };
        let action = if (self.is_kw("CHECK") || self.is_kw("NOCHECK"))
            && self.is_kw_at(1, "CONSTRAINT")
        {
            let check = self.is_kw("CHECK");
            self.pos += 2;
            AlterTableAction::CheckConstraints {
                check,
                names: names_or_all(self)?,
            }
        } else if (self.is_kw("ENABLE") || self.is_kw("DISABLE")) && self.is_kw_at(1, "TRIGGER") {
            let enable = self.is_kw("ENABLE");
            self.pos += 2;
            AlterTableAction::Triggers {
                enable,
                names: names_or_all(self)?,
            }
        } else if self.is_kw("SET") && self.is_sym_at(1, Sym::LParen) {
            self.pos += 2;
            // `LOCK_ESCALATION = { AUTO | TABLE | DISABLE }`: values may be keywords.
            let opts = self.comma_list(|p| {
                let name = p.parse_ident_any()?;
                p.expect_sym(Sym::Eq)?;
                let value = p.parse_ident_any()?;
                Ok(GenericOption {
                    name,
                    equals: true,
                    value: Some(OptionValue::Word(value)),
                })
            })?;
            self.expect_sym(Sym::RParen)?;
            AlterTableAction::SetOptions(opts)
        } else if self.eat_kw("ADD") {
            let mut columns = Vec::new();
            let mut constraints = Vec::new();
            loop {
                if self.at_table_constraint() {
                    constraints.push(self.parse_table_constraint()?);
                } else {
                    columns.push(self.parse_column_def()?);
                }
                if !self.eat_sym(Sym::Comma) {
                    break;
                }
            }
            AlterTableAction::Add {
                columns,
                constraints,
            }
        } else if self.eat_kws(&["DROP", "COLUMN"]) {
            AlterTableAction::DropColumns(self.comma_list(|p| p.parse_ident())?)
        } else if self.eat_kws(&["DROP", "CONSTRAINT"]) {
            AlterTableAction::DropConstraints(self.comma_list(|p| p.parse_ident())?)
        } else if self.eat_kws(&["ALTER", "COLUMN"]) {
            let name = self.parse_ident()?;
            let data_type = self.parse_data_type()?;
            let nullable = if self.eat_kw("NULL") {
                Some(true)
            } else if self.eat_kws(&["NOT", "NULL"]) {
                Some(false)
            } else {
                None
            };
            AlterTableAction::AlterColumn {
                name,
                data_type,
                nullable,
            }
        } else {
            return Err(self.err());
        };
        Ok(StmtKind::AlterTable(Box::new(AlterTable {
            name,
            with_check,
            action,
        })))
    }

    /// `[UNIQUE] [CLUSTERED | NONCLUSTERED] INDEX name ON table ( cols ) [INCLUDE ( cols )]
    /// [WHERE expr] [WITH ( option, … )] [ON filegroup]`.
    fn parse_create_index(&mut self) -> PResult<StmtKind> {
        let unique = self.eat_kw("UNIQUE");
        let clustered = self.parse_opt_clustered();
        self.expect_kw("INDEX")?;
        let name = self.parse_ident()?;
        self.expect_kw("ON")?;
        let table = self.parse_object_name()?;
        let columns = self.parse_index_columns()?;
        let include = if self.eat_kw("INCLUDE") {
            self.parse_paren_ident_list()?
        } else {
            Vec::new()
        };
        let filter = if self.eat_kw("WHERE") {
            Some(self.parse_expr()?)
        } else {
            None
        };
        let options = if self.eat_kw("WITH") {
            self.expect_sym(Sym::LParen)?;
            let v = self.comma_list(|p| p.parse_generic_option())?;
            self.expect_sym(Sym::RParen)?;
            v
        } else {
            Vec::new()
        };
        let filegroup = if self.eat_kw("ON") {
            Some(self.parse_ident_any()?)
        } else {
            None
        };
        Ok(StmtKind::CreateIndex(Box::new(CreateIndex {
            unique,
            clustered,
            name,
            table,
            columns,
            include,
            filter,
            options,
            filegroup,
        })))
    }

    /// `generic_option ::= name [ = value | ON | OFF | word ]`.
    pub(crate) fn parse_generic_option(&mut self) -> PResult<GenericOption> {
        let name = self.parse_ident_any()?;
        if self.eat_sym(Sym::Eq) {
            let value = self.parse_option_value()?;
            return Ok(GenericOption {
                name,
                equals: true,
                value: Some(value),
            });
        }
        let value = if self.eat_kw("ON") {
            Some(OptionValue::On)
        } else if self.eat_kw("OFF") {
            Some(OptionValue::Off)
        } else if self.at_optional_name() {
            Some(OptionValue::Word(self.parse_ident()?))
        } else {
            None
        };
        Ok(GenericOption {
            name,
            equals: false,
            value,
        })
    }

    /// `ON | OFF | word | expr`.
    fn parse_option_value(&mut self) -> PResult<OptionValue> {
        if self.eat_kw("ON") {
            Ok(OptionValue::On)
        } else if self.eat_kw("OFF") {
            Ok(OptionValue::Off)
        } else if self.at_ident() && !self.is_sym_at(1, Sym::LParen) && !self.is_sym_at(1, Sym::Dot)
        {
            Ok(OptionValue::Word(self.parse_ident()?))
        } else {
            Ok(OptionValue::Expr(self.parse_expr()?))
        }
    }

    /// `ALTER DATABASE { name | CURRENT } SET option [, …] [WITH termination]`.
    fn parse_alter_database(&mut self) -> PResult<StmtKind> {
        self.expect_kw("DATABASE")?;
        let database = if self.eat_kw("CURRENT") {
            DatabaseRef::Current
        } else {
            DatabaseRef::Name(self.parse_ident()?)
        };
        self.expect_kw("SET")?;
        let options = self.comma_list(|p| {
            // `FILESTREAM ( NON_TRANSACTED_ACCESS = OFF, … )` and similar grouped options:
            // the group is parsed and kept by name only (none of them affects the broker).
            if matches!(p.peek(), Tok::Word { .. }) && p.is_sym_at(1, Sym::LParen) {
                let name = p.parse_ident_any()?;
                p.expect_sym(Sym::LParen)?;
                p.comma_list(|q| q.parse_generic_option())?;
                p.expect_sym(Sym::RParen)?;
                return Ok(GenericOption {
                    name,
                    equals: false,
                    value: None,
                });
            }
            let o = p.parse_generic_option()?;
            // `TARGET_RECOVERY_TIME = 60 SECONDS`: the unit is part of the value.
            if !p.eat_kw("SECONDS") {
                p.eat_kw("MINUTES");
            }
            Ok(o)
        })?;
        let termination = if self.eat_kw("WITH") {
            if self.eat_kws(&["ROLLBACK", "IMMEDIATE"]) {
                Some(Termination::RollbackImmediate)
            } else if self.eat_kws(&["ROLLBACK", "AFTER"]) {
                let n = self.parse_int()?;
                self.eat_kw("SECONDS");
                Some(Termination::RollbackAfter(n))
            } else if self.eat_kw("NO_WAIT") {
                Some(Termination::NoWait)
            } else {
                return Err(self.err());
            }
        } else {
            None
        };
        Ok(StmtKind::AlterDatabase(Box::new(AlterDatabase {
            database,
            options,
            termination,
        })))
    }
}
