//! Scalar user functions (CREATE FUNCTION … RETURNS type) and DML triggers (CREATE TRIGGER
//! … ON table AFTER INSERT, UPDATE, DELETE with the `inserted` and `deleted` tables).
//!
//! Both are stored like procedures: an engine object holding the canonical text of the
//! CREATE statement, parsed again on use. Triggers run once per statement, inside the
//! writer's transaction, after the rows changed.

use serde::{Deserialize, Serialize};

use sbroker_tsql::ast::{self, Stmt, StmtKind};
use sbroker_types::{ServerError, Value};

use crate::expr::{RowCtx, sql_type_of};
use crate::query::{Relation, TableRef, col};
use crate::tables::{self, TableDef};
use crate::{Executor, Flow, Frame, NESTING_MAX, ResultSink, Var};

/// Engine object kind of scalar functions.
pub const KIND_FUNCTION: &str = "FN";
/// Engine object kind of triggers.
pub const KIND_TRIGGER: &str = "TR";

/// A stored module (function or trigger).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct StoredModule {
    pub object_id: i32,
    pub schema: String,
    pub name: String,
    /// For triggers: key of the table (`schema.name`, lowercase).
    pub table: Option<String>,
    /// For triggers: INSERT / UPDATE / DELETE.
    pub events: Vec<String>,
    pub source: String,
    pub create_ts: i64,
    /// sys.objects type of a function: `FN` (scalar), `IF` (inline table-valued) or `TF`
    /// (multi-statement table-valued). Modules stored before table-valued functions
    /// existed are scalar functions or triggers: the default.
    #[serde(default = "scalar_function_type")]
    pub function_type: String,
    /// A trigger turned off by `ALTER TABLE … DISABLE TRIGGER` / `DISABLE TRIGGER`.
    #[serde(default)]
    pub disabled: bool,
}

fn scalar_function_type() -> String {
    "FN".to_string()
}

/// The `inserted` and `deleted` tables of a running trigger.
#[derive(Debug, Clone)]
pub(crate) struct TriggerTables {
    pub inserted: Relation,
    pub deleted: Relation,
}

/// Statements that have side effects outside the function and so cannot be in one
/// (F-GEN-01).
fn side_effect(k: &StmtKind) -> Option<&'static str> {
    Some(match k {
        StmtKind::Send(_) => "SEND",
        StmtKind::Receive(_) | StmtKind::WaitFor(_) => "RECEIVE",
        StmtKind::EndConversation(_) => "END CONVERSATION",
        StmtKind::GetConversationGroup(_) => "GET CONVERSATION GROUP",
        StmtKind::MoveConversation { .. } => "MOVE CONVERSATION",
        StmtKind::BeginDialog(_) => "BEGIN DIALOG",
        StmtKind::BeginConversationTimer { .. } => "BEGIN CONVERSATION TIMER",
        StmtKind::Insert(_) | StmtKind::Update(_) | StmtKind::Delete(_) => "INSERT/UPDATE/DELETE",
        StmtKind::Exec(_) | StmtKind::ExecSql(_) => "EXECUTE",
        StmtKind::BeginTransaction(_) | StmtKind::Commit(_) | StmtKind::Rollback(_) => {
            "transaction"
        }
        StmtKind::Print(_) => "PRINT",
        StmtKind::Raiserror(_) => "RAISERROR",
        _ => return None,
    })
}

fn check_function_body(stmts: &[Stmt]) -> Result<(), ServerError> {
    for s in stmts {
        if let Some(op) = side_effect(&s.kind) {
            // Table variables may be changed inside functions.
            let table_var = match &s.kind {
                StmtKind::Insert(i) => matches!(i.target, ast::DmlTarget::Variable(_)),
                StmtKind::Update(u) => matches!(u.target, ast::DmlTarget::Variable(_)),
                StmtKind::Delete(d) => matches!(d.target, ast::DmlTarget::Variable(_)),
                _ => false,
            };
            if !table_var {
                return Err(ServerError::new(
                    443,
                    format!("Invalid use of a side-effecting operator '{op}' within a function."),
                )
                .at_line(s.line));
            }
        }
        match &s.kind {
            StmtKind::Block(b) => check_function_body(b)?,
            StmtKind::If {
                then_stmt,
                else_stmt,
                ..
            } => {
                check_function_body(std::slice::from_ref(then_stmt))?;
                if let Some(e) = else_stmt {
                    check_function_body(std::slice::from_ref(e))?;
                }
            }
            StmtKind::While { body, .. } => check_function_body(std::slice::from_ref(body))?,
            StmtKind::TryCatch { .. } => {
                return Err(ServerError::new(
                    443,
                    "Invalid use of a side-effecting operator 'BEGIN TRY' within a function.",
                )
                .at_line(s.line));
            }
            _ => {}
        }
    }
    Ok(())
}

fn now_ts() -> i64 {
    chrono::Utc::now().timestamp_micros()
}

impl Executor {
    pub(crate) fn load_module(&self, db: i32, kind: &str, key: &str) -> Option<StoredModule> {
        self.session.with_state(|st| {
            st.db(db)
                .and_then(|d| d.objects.get(&(kind.to_string(), key.to_string())))
                .and_then(|v| serde_json::from_slice(v).ok())
        })
    }

    fn save_module(
        &mut self,
        db: i32,
        kind: &str,
        key: &str,
        m: &StoredModule,
    ) -> Result<(), ServerError> {
        let bytes = serde_json::to_vec(m).map_err(|e| ServerError::new(40000, e.to_string()))?;
        self.session.put_object(db, kind, key, Some(bytes))
    }

    /// CREATE [OR ALTER] FUNCTION (scalar).
    pub(crate) fn create_function(
        &mut self,
        f: &ast::CreateFunction,
        kind: &StmtKind,
    ) -> Result<(), ServerError> {
        check_function_body(&f.body)?;
        let (db, schema, name) = self.split_name(&f.name)?;
        let schema = schema.unwrap_or_else(|| "dbo".into());
        let key = tables::table_key(&schema, &name);
        let existing = self.load_module(db, KIND_FUNCTION, &key);
        match (f.mode, &existing) {
            (ast::CreateMode::Create, Some(_)) => return Err(crate::sbroker_engine_exists(&name)),
            (ast::CreateMode::Alter, None) => {
                return Err(ServerError::new(
                    208,
                    format!("Invalid object name '{name}'."),
                ));
            }
            _ => {}
        }
        let object_id = match &existing {
            Some(e) => {
                self.session.drop_signatures_of(db, e.object_id)?;
                e.object_id
            }
            None => self.session.allocate_object_id()?,
        };
        let m = StoredModule {
            object_id,
            schema,
            name,
            table: None,
            events: Vec::new(),
            source: Stmt::new(kind.clone(), 1).to_string(),
            create_ts: now_ts(),
            function_type: match f.returns {
                ast::FunctionReturns::Scalar(_) => "FN",
                ast::FunctionReturns::Table => "IF",
                ast::FunctionReturns::TableVariable(_) => "TF",
            }
            .to_string(),
            disabled: false,
        };
        self.save_module(db, KIND_FUNCTION, &key, &m)
    }

    /// A user function by name: its database, stored module and parsed definition;
    /// `Ok(None)` when no such function exists.
    fn load_function(
        &self,
        name: &ast::ObjectName,
    ) -> Result<Option<(i32, StoredModule, Box<ast::CreateFunction>)>, ServerError> {
        let Ok((db, schema, obj)) = self.split_name(name) else {
            return Ok(None);
        };
        let key = tables::table_key(schema.as_deref().unwrap_or("dbo"), &obj);
        let Some(m) = self.load_module(db, KIND_FUNCTION, &key) else {
            return Ok(None);
        };
        let stmts = sbroker_tsql::parse_batch(&m.source)
            .map_err(|e| ServerError::new(e.number, e.message))?;
        let Some(StmtKind::CreateFunction(f)) = stmts.into_iter().next().map(|s| s.kind) else {
            return Err(ServerError::new(40000, "stored function text is damaged"));
        };
        Ok(Some((db, m, f)))
    }

    /// Calls a scalar user function; `Ok(None)` when no such function exists.
    pub(crate) fn call_user_function(
        &mut self,
        name: &ast::ObjectName,
        args: &[ast::Expr],
        row: &RowCtx<'_>,
    ) -> Result<Option<Value>, ServerError> {
        let Some((db, m, f)) = self.load_function(name)? else {
            return Ok(None);
        };
        let ast::FunctionReturns::Scalar(ret) = &f.returns else {
            return Ok(None);
        };
        let ret_ty = sql_type_of(ret, false)?;
        let frame = self.function_frame(&f, &m.name, args, row)?;
        let saved_db = self.session.database_id();
        self.session.set_database_id(db);
        self.frames.push(frame);
        self.depth += 1;
        let mut sink = crate::CollectSink::default();
        let r = self.exec_block(&f.body, &mut sink);
        self.depth -= 1;
        self.frames.pop();
        self.session.set_database_id(saved_db);
        match r? {
            Flow::Return(Some(v)) => Ok(Some(v.assign_to(&ret_ty)?)),
            _ => Err(ServerError::new(
                455,
                "The last statement included within a function must be a return statement.",
            )),
        }
    }

    /// Runs a table-valued user function named in FROM; `Ok(None)` when no such function
    /// exists. Inline functions run their query; multi-statement ones run their body and
    /// return the rows of their `RETURNS @t TABLE`.
    pub(crate) fn call_table_function(
        &mut self,
        name: &ast::ObjectName,
        args: &[ast::Expr],
        row: &RowCtx<'_>,
    ) -> Result<Option<Relation>, ServerError> {
        let Some((db, m, f)) = self.load_function(name)? else {
            return Ok(None);
        };
        if matches!(f.returns, ast::FunctionReturns::Scalar(_)) {
            return Ok(None);
        }
        let mut frame = self.function_frame(&f, &m.name, args, row)?;
        if let ast::FunctionReturns::TableVariable(t) = &f.returns {
            let def =
                crate::stmt::columns_to_def(&t.columns, &t.constraints, &t.name, "dbo", 0, 0)?;
            frame.vars.insert(
                t.name.to_ascii_lowercase(),
                Var::Table(crate::MemTable::new(def)),
            );
        }
        let saved_db = self.session.database_id();
        self.session.set_database_id(db);
        self.frames.push(frame);
        self.depth += 1;
        let r = match &f.returns {
            ast::FunctionReturns::TableVariable(t) => {
                let mut sink = crate::CollectSink::default();
                match self.exec_block(&f.body, &mut sink) {
                    Ok(Flow::Return(Some(_))) => Err(ServerError::new(
                        178,
                        "A RETURN statement with a return value cannot be used in this context.",
                    )),
                    Ok(_) => self.relation_of_table(&TableRef::Var(t.name.clone())),
                    Err(e) => Err(e),
                }
            }
            _ => match f.body.first().map(|s| &s.kind) {
                Some(StmtKind::Return(Some(ast::Expr::Subquery(q)))) => self.run_query(q, None),
                _ => Err(ServerError::new(40000, "stored function text is damaged")),
            },
        };
        self.depth -= 1;
        self.frames.pop();
        self.session.set_database_id(saved_db);
        r.map(Some)
    }

    /// A new frame for a call of function `f` with `args` bound to its parameters.
    fn function_frame(
        &mut self,
        f: &ast::CreateFunction,
        name: &str,
        args: &[ast::Expr],
        row: &RowCtx<'_>,
    ) -> Result<Frame, ServerError> {
        if args.len() != f.params.len() {
            return Err(ServerError::new(
                313,
                format!(
                    "An insufficient number of arguments were supplied for the procedure or function {}.",
                    name
                ),
            ));
        }
        if self.depth >= NESTING_MAX {
            return Err(ServerError::new(
                217,
                "Maximum stored procedure, function, trigger, or view nesting level exceeded (limit 32).",
            ));
        }
        let mut frame = Frame {
            procedure: Some(name.to_string()),
            ..Frame::default()
        };
        for (p, a) in f.params.iter().zip(args) {
            let ty = sql_type_of(&p.data_type, false)?;
            let v = match a {
                ast::Expr::Default => match &p.default {
                    Some(d) => self.eval(d, &RowCtx::EMPTY)?,
                    None => Value::Null,
                },
                other => self.eval(other, row)?,
            };
            frame.vars.insert(
                p.name.to_ascii_lowercase(),
                Var::Scalar {
                    value: v.assign_to(&ty)?,
                    ty,
                },
            );
        }
        Ok(frame)
    }

    /// CREATE [OR ALTER] TRIGGER … ON table AFTER|FOR events.
    pub(crate) fn create_trigger(
        &mut self,
        t: &ast::CreateTrigger,
        kind: &StmtKind,
    ) -> Result<(), ServerError> {
        let ast::TriggerTarget::Table(table) = &t.target else {
            return Err(ServerError::new(
                40000,
                "DDL triggers are not supported by this version of sbroker.",
            ));
        };
        if t.timing == ast::TriggerTiming::InsteadOf {
            return Err(ServerError::new(
                40000,
                "INSTEAD OF triggers are not supported by this version of sbroker.",
            ));
        }
        let (db, tschema, tname) = self.split_name(table)?;
        let def = self
            .find_table(db, tschema.as_deref(), &tname)
            .ok_or_else(|| {
                ServerError::new(
                    8197,
                    format!(
                        "The object '{tname}' does not exist or is invalid for this operation."
                    ),
                )
            })?;
        let (_, schema, name) = self.split_name(&t.name)?;
        let schema = schema.unwrap_or_else(|| "dbo".into());
        let key = tables::table_key(&schema, &name);
        let existing = self.load_module(db, KIND_TRIGGER, &key);
        match (t.mode, &existing) {
            (ast::CreateMode::Create, Some(_)) => return Err(crate::sbroker_engine_exists(&name)),
            (ast::CreateMode::Alter, None) => {
                return Err(ServerError::new(
                    208,
                    format!("Invalid object name '{name}'."),
                ));
            }
            _ => {}
        }
        let object_id = match &existing {
            Some(e) => {
                self.session.drop_signatures_of(db, e.object_id)?;
                e.object_id
            }
            None => self.session.allocate_object_id()?,
        };
        let m = StoredModule {
            object_id,
            schema,
            name,
            table: Some(tables::table_key(&def.schema, &def.name)),
            events: t.events.iter().map(|e| e.to_ascii_uppercase()).collect(),
            source: Stmt::new(kind.clone(), 1).to_string(),
            create_ts: now_ts(),
            function_type: String::new(),
            disabled: false,
        };
        self.save_module(db, KIND_TRIGGER, &key, &m)
    }

    /// DROP FUNCTION / DROP TRIGGER.
    pub(crate) fn drop_module(
        &mut self,
        kind: &str,
        name: &ast::ObjectName,
        if_exists: bool,
    ) -> Result<(), ServerError> {
        let (db, schema, obj) = self.split_name(name)?;
        let key = tables::table_key(schema.as_deref().unwrap_or("dbo"), &obj);
        if let Some(m) = self.load_module(db, kind, &key) {
            self.session.drop_signatures_of(db, m.object_id)?;
            return self.session.put_object(db, kind, &key, None);
        }
        if if_exists {
            return Ok(());
        }
        let what = match kind {
            KIND_TRIGGER => "trigger",
            KIND_VIEW => "view",
            _ => "function",
        };
        Err(ServerError::new(
            3701,
            format!(
                "Cannot drop the {what} '{obj}', because it does not exist or you do not have permission."
            ),
        ))
    }

    /// Runs the AFTER triggers of a user table for one statement.
    pub(crate) fn fire_triggers(
        &mut self,
        t: &TableRef,
        event: &str,
        inserted: Vec<Vec<Value>>,
        deleted: Vec<Vec<Value>>,
        sink: &mut dyn ResultSink,
    ) -> Result<(), ServerError> {
        let TableRef::User(db, def) = t else {
            return Ok(());
        };
        let table_key = tables::table_key(&def.schema, &def.name);
        let mods: Vec<StoredModule> = self.session.with_state(|st| {
            st.db(*db)
                .map(|d| {
                    d.objects
                        .iter()
                        .filter(|((k, _), _)| k == KIND_TRIGGER)
                        .filter_map(|(_, v)| serde_json::from_slice::<StoredModule>(v).ok())
                        .filter(|m| {
                            m.table.as_deref() == Some(table_key.as_str())
                                && !m.disabled
                                && m.events.iter().any(|e| e == event)
                        })
                        .collect()
                })
                .unwrap_or_default()
        });
        if mods.is_empty() {
            return Ok(());
        }
        let rel = |rows: Vec<Vec<Value>>, def: &TableDef| -> Result<Relation, ServerError> {
            let types = def.types()?;
            Ok(Relation {
                cols: def
                    .columns
                    .iter()
                    .zip(types)
                    .map(|(c, ty)| col(&c.name, ty))
                    .collect(),
                rows,
            })
        };
        let tt = TriggerTables {
            inserted: rel(inserted, def)?,
            deleted: rel(deleted, def)?,
        };
        let affected = tt.inserted.rows.len().max(tt.deleted.rows.len()) as i64;
        for m in mods {
            if self.depth >= NESTING_MAX {
                return Err(ServerError::new(
                    217,
                    "Maximum stored procedure, function, trigger, or view nesting level exceeded (limit 32).",
                ));
            }
            let stmts = sbroker_tsql::parse_batch(&m.source)
                .map_err(|e| ServerError::new(e.number, e.message))?;
            let Some(StmtKind::CreateTrigger(trg)) = stmts.into_iter().next().map(|s| s.kind)
            else {
                continue;
            };
            self.trigger_tables.push(tt.clone());
            self.frames.push(Frame {
                procedure: Some(m.name.clone()),
                ..Frame::default()
            });
            self.depth += 1;
            let saved_rowcount = self.rowcount;
            self.rowcount = affected;
            let saved_users = self.users.len();
            let r = self.exec_block(&trg.body, sink);
            self.users.truncate(saved_users);
            self.rowcount = saved_rowcount;
            self.depth -= 1;
            self.frames.pop();
            self.trigger_tables.pop();
            r?;
        }
        Ok(())
    }

    /// The `inserted` / `deleted` table of the running trigger.
    pub(crate) fn trigger_table(&self, name: &str) -> Option<Relation> {
        let tt = self.trigger_tables.last()?;
        match name.to_ascii_lowercase().as_str() {
            "inserted" => Some(tt.inserted.clone()),
            "deleted" => Some(tt.deleted.clone()),
            _ => None,
        }
    }
}

/// Engine object kind of views.
pub const KIND_VIEW: &str = "V";

impl Executor {
    /// CREATE / ALTER / CREATE OR ALTER VIEW: the definition is stored and expanded
    /// wherever the view is named in a FROM clause.
    pub(crate) fn create_view(
        &mut self,
        v: &ast::CreateView,
        kind: &StmtKind,
    ) -> Result<(), ServerError> {
        let (db, schema, name) = self.split_name(&v.name)?;
        let schema = schema.unwrap_or_else(|| "dbo".into());
        let key = tables::table_key(&schema, &name);
        let existing = self.load_module(db, KIND_VIEW, &key);
        match (v.mode, &existing) {
            (ast::CreateMode::Create, Some(_)) => return Err(crate::sbroker_engine_exists(&name)),
            (ast::CreateMode::Alter, None) => {
                return Err(ServerError::new(
                    208,
                    format!("Invalid object name '{name}'."),
                ));
            }
            _ => {}
        }
        if existing.is_none()
            && (self.find_table(db, Some(&schema), &name).is_some()
                || self.load_proc(db, &key).is_some())
        {
            return Err(crate::sbroker_engine_exists(&name));
        }
        // The query must be valid now: run it once (its rows are discarded).
        let rel = self.run_query(&v.query, None)?;
        if !v.columns.is_empty() && v.columns.len() != rel.cols.len() {
            return Err(ServerError::new(
                8159,
                format!("'{name}' has fewer columns than were specified in the column list."),
            ));
        }
        let object_id = match &existing {
            Some(e) => e.object_id,
            None => self.session.allocate_object_id()?,
        };
        let m = StoredModule {
            object_id,
            schema,
            name,
            table: None,
            events: Vec::new(),
            source: Stmt::new(kind.clone(), 1).to_string(),
            create_ts: now_ts(),
            function_type: "V".into(),
            disabled: false,
        };
        self.save_module(db, KIND_VIEW, &key, &m)
    }

    /// The rows of a view, or `None` when `[schema.]name` is not a view of `db`.
    pub(crate) fn view_relation(
        &mut self,
        db: i32,
        schema: Option<&str>,
        name: &str,
    ) -> Result<Option<Relation>, ServerError> {
        let key = tables::table_key(schema.unwrap_or("dbo"), name);
        let Some(m) = self.load_module(db, KIND_VIEW, &key) else {
            return Ok(None);
        };
        let stmts = sbroker_tsql::parse_batch(&m.source)
            .map_err(|_| ServerError::new(40000, "view definition is damaged"))?;
        let Some(StmtKind::CreateView(v)) = stmts.into_iter().next().map(|s| s.kind) else {
            return Err(ServerError::new(40000, "view definition is damaged"));
        };
        if self.frames.len() > 32 {
            return Err(ServerError::new(
                217,
                "Maximum stored procedure, function, trigger, or view nesting level exceeded (limit 32).",
            ));
        }
        let mut rel = self.run_query(&v.query, None)?;
        for (c, n) in rel.cols.iter_mut().zip(&v.columns) {
            c.name = n.value.clone();
        }
        Ok(Some(rel))
    }
}

/// Engine object kind of user-defined types (CREATE TYPE).
pub const KIND_TYPE: &str = "TYPE";

/// A user-defined type: an alias of a system type, or a table type.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct StoredType {
    pub schema: String,
    pub name: String,
    /// Alias type: the base type.
    pub alias: Option<tables::StoredType>,
    /// Alias type: NOT NULL.
    pub not_null: bool,
    /// Table type: its definition.
    pub table: Option<TableDef>,
}

impl Executor {
    /// CREATE TYPE.
    pub(crate) fn create_type(&mut self, t: &ast::CreateType) -> Result<(), ServerError> {
        let (db, schema, name) = self.split_name(&t.name)?;
        let schema = schema.unwrap_or_else(|| "dbo".into());
        let key = tables::table_key(&schema, &name);
        if self.load_user_type(db, &key).is_some()
            || crate::expr::sql_type_of(
                &ast::DataType {
                    name: ast::ObjectName::single(ast::Ident::new(&name)),
                    params: ast::TypeParams::None,
                },
                false,
            )
            .is_ok()
        {
            return Err(ServerError::new(
                219,
                format!(
                    "The type '{schema}.{name}' already exists, or you do not have permission to create it."
                ),
            ));
        }
        let stored = match (&t.base, &t.table) {
            (Some((dt, nullable)), _) => {
                crate::expr::sql_type_of(dt, false)?;
                StoredType {
                    schema: schema.clone(),
                    name: name.clone(),
                    alias: Some(crate::stmt::type_to_stored(dt)),
                    not_null: *nullable == Some(false),
                    table: None,
                }
            }
            (None, Some((cols, cons))) => StoredType {
                schema: schema.clone(),
                name: name.clone(),
                alias: None,
                not_null: false,
                table: Some(crate::stmt::columns_to_def(
                    cols, cons, &name, &schema, 0, 0,
                )?),
            },
            (None, None) => return Err(ServerError::new(102, "Incorrect syntax near 'TYPE'.")),
        };
        let bytes =
            serde_json::to_vec(&stored).map_err(|e| ServerError::new(40000, e.to_string()))?;
        self.session.put_object(db, KIND_TYPE, &key, Some(bytes))
    }

    /// DROP TYPE.
    pub(crate) fn drop_type(
        &mut self,
        name: &ast::ObjectName,
        if_exists: bool,
    ) -> Result<(), ServerError> {
        let (db, schema, obj) = self.split_name(name)?;
        let key = tables::table_key(schema.as_deref().unwrap_or("dbo"), &obj);
        if self.load_user_type(db, &key).is_some() {
            return self.session.put_object(db, KIND_TYPE, &key, None);
        }
        if if_exists {
            return Ok(());
        }
        Err(ServerError::new(
            218,
            format!(
                "Could not find the type '{obj}' because it does not exist or you do not have permission."
            ),
        ))
    }

    fn load_user_type(&self, db: i32, key: &str) -> Option<StoredType> {
        self.session.with_state(|st| {
            st.db(db)
                .and_then(|d| d.objects.get(&(KIND_TYPE.to_string(), key.to_string())))
                .and_then(|v| serde_json::from_slice(v).ok())
        })
    }

    /// The user-defined type a declaration names, if it is one (system types are `None`).
    pub(crate) fn user_type(&self, dt: &ast::DataType) -> Option<StoredType> {
        let db = self.session.database_id();
        let name = dt.name.name()?.value.clone();
        let schema = dt
            .name
            .schema()
            .map_or_else(|| "dbo".to_string(), |s| s.value.clone());
        if dt.name.parts.len() == 1 && crate::expr::sql_type_of(dt, false).is_ok() {
            return None;
        }
        self.load_user_type(db, &tables::table_key(&schema, &name))
    }

    /// The SQL type of a declaration, resolving alias types.
    pub(crate) fn declared_type(
        &self,
        dt: &ast::DataType,
    ) -> Result<sbroker_types::SqlType, ServerError> {
        match self.user_type(dt) {
            Some(StoredType {
                alias: Some(base), ..
            }) => base.sql_type(),
            _ => crate::expr::sql_type_of(dt, false),
        }
    }
}
