//! Statement execution: control flow, variables, TRY/CATCH, transactions, procedures and
//! EXEC, dynamic SQL, cursors, user tables (DDL and DML) and databases.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use sbroker_tsql::ast::{self, AssignOp, DmlTarget, Expr, Stmt, StmtKind};
use sbroker_types::{ServerError, SqlType, StrLen, Value};
use serde::{Deserialize, Serialize};

use crate::expr::{RelCol, RowCtx, sql_type_of};
use crate::query::{Relation, TableRef, col};
use crate::tables::{self, ColumnDef, KIND_PROC, KIND_TABLE, MemTable, StoredType, TableDef};
use crate::{Executor, Flow, Frame, NESTING_MAX, ResultSink, Var};

/// A stored procedure as kept in the engine (kind `P`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct StoredProc {
    pub object_id: i32,
    pub schema: String,
    pub name: String,
    /// Canonical text of the CREATE PROCEDURE statement.
    pub source: String,
    pub create_ts: i64,
}

fn unsupported(what: &str) -> ServerError {
    ServerError::new(
        40000,
        format!("{what} is not supported by this version of sbroker."),
    )
}

pub(crate) fn apply_assign_op(
    ex: &mut Executor,
    var: &str,
    op: AssignOp,
    v: Value,
) -> Result<Value, ServerError> {
    if op == AssignOp::Assign {
        return Ok(v);
    }
    let cur = ex.get_var(var)?;
    let a = match op {
        AssignOp::Add => sbroker_types::ArithOp::Add,
        AssignOp::Sub => sbroker_types::ArithOp::Sub,
        AssignOp::Mul => sbroker_types::ArithOp::Mul,
        AssignOp::Div => sbroker_types::ArithOp::Div,
        AssignOp::Mod => sbroker_types::ArithOp::Mod,
        AssignOp::BitAnd => sbroker_types::ArithOp::BitAnd,
        AssignOp::BitOr => sbroker_types::ArithOp::BitOr,
        AssignOp::BitXor => sbroker_types::ArithOp::BitXor,
        AssignOp::Assign => return Ok(v),
    };
    sbroker_types::ops::arith(a, &cur, &v)
}

pub(crate) fn type_to_stored(dt: &ast::DataType) -> StoredType {
    let args = match &dt.params {
        ast::TypeParams::Max => vec![-1],
        ast::TypeParams::Numbers(ns) => ns.iter().map(|n| *n as i64).collect(),
        _ => Vec::new(),
    };
    StoredType {
        name: dt.name.name().map(|i| i.value.clone()).unwrap_or_default(),
        args,
    }
}

pub(crate) fn columns_to_def(
    cols: &[ast::ColumnDef],
    constraints: &[ast::TableConstraint],
    name: &str,
    schema: &str,
    object_id: i32,
    now: i64,
) -> Result<TableDef, ServerError> {
    let mut out = Vec::new();
    let mut pk = Vec::new();
    for (i, c) in cols.iter().enumerate() {
        let Some(dt) = &c.data_type else {
            return Err(unsupported("A computed column"));
        };
        sql_type_of(dt, false)?;
        let mut nullable = true;
        let mut identity = None;
        let mut default = None;
        for k in &c.constraints {
            match &k.kind {
                ast::ColumnConstraintKind::NotNull => nullable = false,
                ast::ColumnConstraintKind::Null => nullable = true,
                ast::ColumnConstraintKind::Identity(seed) => {
                    identity = Some(seed.unwrap_or((1, 1)));
                    nullable = false;
                }
                ast::ColumnConstraintKind::PrimaryKey(_) => {
                    pk.push(i);
                    nullable = false;
                }
                ast::ColumnConstraintKind::Default(e) => default = Some(e.to_string()),
                _ => {}
            }
        }
        out.push(ColumnDef {
            name: c.name.value.clone(),
            ty: type_to_stored(dt),
            nullable,
            identity,
            default,
        });
    }
    for k in constraints {
        if let ast::TableConstraintKind::PrimaryKey { columns, .. } = &k.kind {
            for ic in columns {
                let idx = out
                    .iter()
                    .position(|c| c.name.eq_ignore_ascii_case(&ic.name.value))
                    .ok_or_else(|| {
                        ServerError::new(
                            1911,
                            format!(
                                "Column name '{}' does not exist in the target table or view.",
                                ic.name.value
                            ),
                        )
                    })?;
                if let Some(c) = out.get_mut(idx) {
                    c.nullable = false;
                }
                pk.push(idx);
            }
        }
    }
    let seed = out.iter().find_map(|c| c.identity).map_or(1, |(s, _)| s);
    Ok(TableDef {
        object_id,
        schema: schema.into(),
        name: name.into(),
        columns: out,
        primary_key: pk,
        next_identity: seed,
        next_row: 1,
        create_ts: now,
        constraints: named_constraints(cols, constraints, name),
        indexes: unique_constraint_indexes(cols, constraints, name),
    })
}

/// UNIQUE constraints of a CREATE TABLE as unique indexes (column or table level).
fn unique_constraint_indexes(
    cols: &[ast::ColumnDef],
    constraints: &[ast::TableConstraint],
    table: &str,
) -> Vec<crate::tables::IndexDef> {
    let mut out = Vec::new();
    for c in cols {
        for k in &c.constraints {
            if matches!(k.kind, ast::ColumnConstraintKind::Unique(_)) {
                out.push(crate::tables::IndexDef {
                    name: k.name.as_ref().map_or_else(
                        || format!("UQ__{table}__{}", c.name.value),
                        |n| n.value.clone(),
                    ),
                    unique: true,
                    clustered: false,
                    columns: vec![c.name.value.clone()],
                    constraint: true,
                });
            }
        }
    }
    for (i, k) in constraints.iter().enumerate() {
        if let ast::TableConstraintKind::Unique { clustered, columns } = &k.kind {
            out.push(crate::tables::IndexDef {
                name: k
                    .name
                    .as_ref()
                    .map_or_else(|| format!("UQ__{table}__{}", i + 1), |n| n.value.clone()),
                unique: true,
                clustered: *clustered == Some(true),
                columns: columns.iter().map(|c| c.name.value.clone()).collect(),
                constraint: true,
            });
        }
    }
    out
}

impl Executor {
    /// CHECK constraints (enabled ones) on a row about to be written: a condition that is
    /// false (not unknown) is error 547.
    pub(crate) fn check_constraints(
        &mut self,
        def: &TableDef,
        row: &[Value],
        statement: &str,
    ) -> Result<(), ServerError> {
        let checks: Vec<crate::tables::NamedConstraint> = def
            .constraints
            .iter()
            .filter(|k| k.check.is_some() && !k.disabled)
            .cloned()
            .collect();
        if checks.is_empty() {
            return Ok(());
        }
        let types = def.types()?;
        let cols: Vec<RelCol> = def
            .columns
            .iter()
            .zip(types)
            .map(|(c, ty)| RelCol {
                table: Some(def.name.to_ascii_lowercase()),
                name: c.name.clone(),
                ty,
            })
            .collect();
        let ctx = RowCtx {
            cols: &cols,
            vals: row,
            group: None,
            outer: None,
        };
        for k in checks {
            let e = parse_condition(k.check.as_deref().unwrap_or("1 = 1"))?;
            if self.eval_pred(&e, &ctx)? == Some(false) {
                let db = self.session.database_name();
                let column = k
                    .column
                    .as_deref()
                    .map(|c| format!(", column '{c}'"))
                    .unwrap_or_default();
                return Err(ServerError::new(
                    547,
                    format!(
                        "The {statement} statement conflicted with the CHECK constraint \"{}\". The conflict occurred in database \"{db}\", table \"{}.{}\"{column}.",
                        k.name, def.schema, def.name
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// The keys a row must not share with another: (error number, message prefix, columns).
fn unique_keys(def: &TableDef) -> Vec<(i32, String, Vec<usize>)> {
    let object = format!("{}.{}", def.schema, def.name);
    let mut keys = Vec::new();
    if !def.primary_key.is_empty() {
        let pk = def
            .constraints
            .iter()
            .find(|k| k.kind == "PK")
            .map_or_else(|| format!("PK_{}", def.name), |k| k.name.clone());
        keys.push((
            2627,
            format!("Violation of PRIMARY KEY constraint '{pk}'. Cannot insert duplicate key in object '{object}'."),
            def.primary_key.clone(),
        ));
    }
    for ix in def.indexes.iter().filter(|i| i.unique) {
        let cols: Vec<usize> = ix
            .columns
            .iter()
            .filter_map(|c| def.column_index(c))
            .collect();
        let text = if ix.constraint {
            format!(
                "Violation of UNIQUE KEY constraint '{}'. Cannot insert duplicate key in object '{object}'.",
                ix.name
            )
        } else {
            format!(
                "Cannot insert duplicate key row in object '{object}' with unique index '{}'.",
                ix.name
            )
        };
        keys.push((if ix.constraint { 2627 } else { 2601 }, text, cols));
    }
    keys
}

/// Whether two rows have equal values in `cols` (NULLs equal, as unique indexes treat them).
fn same_key(a: &[Value], b: &[Value], cols: &[usize]) -> Result<bool, ServerError> {
    for &k in cols {
        let (Some(x), Some(y)) = (a.get(k), b.get(k)) else {
            continue;
        };
        match (x.is_null(), y.is_null()) {
            (true, true) => continue,
            (false, false) => {
                if x.compare(y)? != Some(std::cmp::Ordering::Equal) {
                    return Ok(false);
                }
            }
            _ => return Ok(false),
        }
    }
    Ok(true)
}

/// Refuses `row` when it repeats the primary key or a unique key of one of `others`.
pub(crate) fn check_unique<'a>(
    def: &TableDef,
    row: &[Value],
    others: impl Iterator<Item = &'a Vec<Value>> + Clone,
) -> Result<(), ServerError> {
    for (number, text, cols) in unique_keys(def) {
        for other in others.clone() {
            if same_key(row, other, &cols)? {
                let vals: Vec<String> = cols
                    .iter()
                    .map(|&k| {
                        row.get(k).map_or("NULL".into(), |v| {
                            if v.is_null() {
                                "NULL".into()
                            } else {
                                v.to_display_string()
                            }
                        })
                    })
                    .collect();
                return Err(ServerError::new(
                    number,
                    format!("{text} The duplicate key value is ({}).", vals.join(", ")),
                )
                .with_state(1));
            }
        }
    }
    Ok(())
}

/// The constraints of a CREATE TABLE with their names (generated like SQL Server's
/// `PK__table__…` when none is given).
fn named_constraints(
    cols: &[ast::ColumnDef],
    constraints: &[ast::TableConstraint],
    table: &str,
) -> Vec<crate::tables::NamedConstraint> {
    let kind_of = |k: &ast::TableConstraintKind| match k {
        ast::TableConstraintKind::PrimaryKey { .. } => "PK",
        ast::TableConstraintKind::Unique { .. } => "UQ",
        ast::TableConstraintKind::ForeignKey { .. } => "F",
        ast::TableConstraintKind::Check(_) => "C",
        ast::TableConstraintKind::Default { .. } => "D",
    };
    let mut out = Vec::new();
    let mut n = 0;
    let mut generated = |kind: &str, col: &str| {
        n += 1;
        format!("{kind}__{table}__{col}{n}")
    };
    for c in cols {
        for k in &c.constraints {
            let (kind, check) = match &k.kind {
                ast::ColumnConstraintKind::PrimaryKey(_) => ("PK", None),
                ast::ColumnConstraintKind::Default(_) => ("D", None),
                ast::ColumnConstraintKind::Unique(_) => ("UQ", None),
                ast::ColumnConstraintKind::Check(e) => ("C", Some(e.to_string())),
                _ => continue,
            };
            let name = k
                .name
                .as_ref()
                .map_or_else(|| generated(kind, &c.name.value), |i| i.value.clone());
            out.push(crate::tables::NamedConstraint {
                name,
                kind: kind.into(),
                column: matches!(kind, "D" | "C").then(|| c.name.value.clone()),
                check,
                disabled: false,
            });
        }
    }
    for k in constraints {
        let kind = kind_of(&k.kind);
        let column = match &k.kind {
            ast::TableConstraintKind::Default { column, .. } => Some(column.value.clone()),
            _ => None,
        };
        let check = match &k.kind {
            ast::TableConstraintKind::Check(e) => Some(e.to_string()),
            _ => None,
        };
        let name = k
            .name
            .as_ref()
            .map_or_else(|| generated(kind, ""), |i| i.value.clone());
        out.push(crate::tables::NamedConstraint {
            name,
            kind: kind.into(),
            column,
            check,
            disabled: false,
        });
    }
    out
}

impl Executor {
    pub(crate) fn exec_block(
        &mut self,
        stmts: &[Stmt],
        sink: &mut dyn ResultSink,
    ) -> Result<Flow, ServerError> {
        for s in stmts {
            let flow = self.exec_stmt(s, sink)?;
            if flow != Flow::Next {
                return Ok(flow);
            }
        }
        Ok(Flow::Next)
    }

    fn exec_stmt(&mut self, s: &Stmt, sink: &mut dyn ResultSink) -> Result<Flow, ServerError> {
        self.line = s.line;
        let r = self.exec_kind(&s.kind, sink);
        match r {
            Ok(f) => {
                if !matches!(
                    s.kind,
                    StmtKind::If { .. }
                        | StmtKind::While { .. }
                        | StmtKind::Block(_)
                        | StmtKind::TryCatch { .. }
                ) {
                    self.last_error = 0;
                }
                Ok(f)
            }
            Err(mut e) => {
                if e.line.is_none() {
                    e.line = Some(s.line);
                }
                if e.procedure.is_none() {
                    e.procedure = self.frames.last().and_then(|f| f.procedure.clone());
                }
                self.last_error = e.number;
                if self.xact_abort && self.session.in_transaction() && e.severity >= 11 {
                    let _ = self.session.rollback();
                    self.temp_rollback(None);
                }
                Err(e)
            }
        }
    }

    /// Runs an INSERT/UPDATE/DELETE on a permanent table as one atomic statement, as SQL
    /// Server does: if any row fails (PRIMARY KEY, NOT NULL, a trigger's error…) none of the
    /// statement's changes remain. Autocommit statements get their own transaction; inside a
    /// transaction a statement savepoint is used.
    fn atomic_dml<T>(
        &mut self,
        target: &DmlTarget,
        f: impl FnOnce(&mut Self) -> Result<T, ServerError>,
    ) -> Result<T, ServerError> {
        // #temp tables and table variables are outside the engine's transactions; an alias
        // target (`UPDATE o … FROM t AS o`) resolves later and is treated as a table.
        if matches!(
            self.dml_target(target),
            Ok(TableRef::Temp(_) | TableRef::Var(_))
        ) {
            return f(self);
        }
        const SAVEPOINT: &str = "\u{1}sbroker-statement";
        let auto = !self.session.in_transaction();
        if auto {
            self.session.begin_transaction()?;
        } else {
            self.session.save(SAVEPOINT)?;
        }
        let depth = self.session.trancount();
        let result = f(self);
        if auto {
            // The statement (a trigger) may have ended the transaction itself.
            if self.session.in_transaction() && self.session.trancount() == depth {
                if result.is_ok() {
                    self.session.commit()?;
                } else {
                    let _ = self.session.rollback();
                }
            }
        } else if result.is_err() && self.session.has_savepoint(SAVEPOINT) {
            let _ = self.session.rollback_to_savepoint(SAVEPOINT);
        }
        result
    }

    /// Restores #temp tables after a rollback: to the savepoint `name`, or (None) to the
    /// start of the transaction.
    pub(crate) fn temp_rollback(&mut self, name: Option<&str>) {
        match name {
            Some(n) => {
                let pos = self
                    .temp_snapshots
                    .iter()
                    .rposition(|(sp, _)| sp.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(n)));
                if let Some(pos) = pos {
                    // The savepoint stays valid after a rollback to it.
                    self.temp_snapshots.truncate(pos + 1);
                    if let Some((_, t)) = self.temp_snapshots.get(pos) {
                        self.temp_tables = t.clone();
                    }
                }
            }
            None => {
                if let Some((_, t)) = self.temp_snapshots.first() {
                    self.temp_tables = t.clone();
                }
                self.temp_snapshots.clear();
            }
        }
    }

    pub(crate) fn eval0(&mut self, e: &Expr) -> Result<Value, ServerError> {
        self.eval(e, &RowCtx::EMPTY)
    }

    fn exec_kind(&mut self, k: &StmtKind, sink: &mut dyn ResultSink) -> Result<Flow, ServerError> {
        match k {
            StmtKind::Select(q) => {
                self.exec_select(q, sink)?;
            }
            StmtKind::Insert(i) => {
                let n = self.atomic_dml(&i.target, |ex| ex.exec_insert(i, sink))?;
                self.report_rows(n, sink);
            }
            StmtKind::Update(u) => {
                let n = self.atomic_dml(&u.target, |ex| ex.exec_update(u, sink))?;
                self.report_rows(n, sink);
            }
            StmtKind::Merge(m) => {
                let n = self.atomic_dml(&m.target, |ex| ex.exec_merge(m, sink))?;
                self.report_rows(n, sink);
            }
            StmtKind::Delete(d) => {
                let n = self.atomic_dml(&d.target, |ex| ex.exec_delete(d, sink))?;
                self.report_rows(n, sink);
            }
            StmtKind::Declare(vars) => {
                for v in vars {
                    if v.data_type
                        .name
                        .name()
                        .is_some_and(|n| n.value.eq_ignore_ascii_case("CURSOR"))
                    {
                        // A cursor variable: its cursor lives in `cursors` under `@name`
                        // once SET @c = CURSOR … runs; a new variable refers to none.
                        self.cursors.remove(&v.name.to_ascii_lowercase());
                        continue;
                    }
                    // A table type: the variable is a table variable of that shape.
                    if let Some(crate::modules::StoredType {
                        table: Some(def), ..
                    }) = self.user_type(&v.data_type)
                    {
                        self.declare_table_var(&v.name, std::ptr::from_ref(v) as usize, def)?;
                        continue;
                    }
                    let ty = self.declared_type(&v.data_type)?;
                    let key = v.name.to_ascii_lowercase();
                    let node = std::ptr::from_ref(v) as usize;
                    let init = match &v.init {
                        Some(e) => Some(self.eval0(e)?.assign_to(&ty)?),
                        None => None,
                    };
                    let frame = self
                        .frames
                        .last_mut()
                        .ok_or_else(|| ServerError::new(137, "no scope"))?;
                    if frame.declared_by.get(&key) == Some(&node) {
                        // The same DECLARE run again (a loop): keep the value unless it has
                        // an initializer, which is an assignment.
                        if let Some(init) = init {
                            frame.vars.insert(key, Var::Scalar { ty, value: init });
                        }
                        continue;
                    }
                    let init = init.unwrap_or(Value::Null);
                    if frame.vars.contains_key(&key) {
                        return Err(ServerError::new(
                            134,
                            format!(
                                "The variable name '{}' has already been declared. Variable names must be unique within a query batch or stored procedure.",
                                v.name
                            ),
                        ));
                    }
                    frame.declared_by.insert(key.clone(), node);
                    frame.vars.insert(key, Var::Scalar { ty, value: init });
                }
            }
            StmtKind::DeclareTable(t) => {
                let def = columns_to_def(&t.columns, &t.constraints, &t.name, "dbo", 0, 0)?;
                self.declare_table_var(&t.name, std::ptr::from_ref(t.as_ref()) as usize, def)?;
            }
            StmtKind::DeclareCursor(c) | StmtKind::SetCursor(c) => {
                self.cursors.insert(
                    c.name.value.to_ascii_lowercase(),
                    crate::Cursor {
                        query: c.query.clone(),
                        rows: None,
                        pos: 0,
                    },
                );
            }
            StmtKind::OpenCursor(c) => {
                let name = cursor_name(c);
                let q = self
                    .cursors
                    .get(&name)
                    .map(|c| c.query.clone())
                    .ok_or_else(|| no_cursor(&name))?;
                let rel = self.run_query(&q, None)?;
                if let Some(cur) = self.cursors.get_mut(&name) {
                    cur.rows = Some(rel.rows);
                    cur.pos = 0;
                }
            }
            StmtKind::Fetch(f) => {
                let name = cursor_name(&f.cursor);
                let cur = self
                    .cursors
                    .get_mut(&name)
                    .ok_or_else(|| no_cursor(&name))?;
                let rows = cur
                    .rows
                    .as_ref()
                    .ok_or_else(|| ServerError::new(16917, "Cursor is not open."))?;
                let idx = match &f.direction {
                    Some(ast::FetchDirection::First) => 0,
                    Some(ast::FetchDirection::Last) => rows.len().saturating_sub(1),
                    Some(ast::FetchDirection::Prior) => cur.pos.saturating_sub(2),
                    _ => cur.pos,
                };
                let row = rows.get(idx).cloned();
                cur.pos = idx + 1;
                match row {
                    Some(r) => {
                        self.fetch_status = 0;
                        for (var, v) in f.into.iter().zip(r) {
                            self.set_var(var, v)?;
                        }
                    }
                    None => self.fetch_status = -1,
                }
            }
            StmtKind::CloseCursor(c) => {
                let name = cursor_name(c);
                let cur = self
                    .cursors
                    .get_mut(&name)
                    .ok_or_else(|| no_cursor(&name))?;
                if cur.rows.take().is_none() {
                    return Err(ServerError::new(16917, "Cursor is not open."));
                }
            }
            StmtKind::Deallocate(c) => {
                let name = cursor_name(c);
                self.cursors.remove(&name).ok_or_else(|| no_cursor(&name))?;
            }
            StmtKind::SetVariable { name, op, value } => {
                let v = self.eval0(value)?;
                let v = apply_assign_op(self, name, *op, v)?;
                self.set_var(name, v)?;
            }
            StmtKind::SetOptions { options, on } => {
                for o in options {
                    match o.to_ascii_uppercase().as_str() {
                        "NOCOUNT" => self.nocount = *on,
                        "XACT_ABORT" => self.xact_abort = *on,
                        _ => {}
                    }
                }
            }
            StmtKind::SetIdentityInsert { table, on } => {
                let t = self.table_ref(table)?;
                let (def, _) = self.table_rows(&t)?;
                if !def.columns.iter().any(|c| c.identity.is_some()) {
                    return Err(ServerError::new(
                        8106,
                        format!(
                            "Table '{}' does not have the identity property. Cannot perform SET operation.",
                            def.name
                        ),
                    ));
                }
                let key = t.identity();
                if *on {
                    if let Some(other) = &self.identity_insert
                        && *other != key
                    {
                        return Err(ServerError::new(
                            8107,
                            format!(
                                "IDENTITY_INSERT is already ON for another table. Cannot perform SET operation for table '{}'.",
                                def.name
                            ),
                        ));
                    }
                    self.identity_insert = Some(key);
                } else if self.identity_insert.as_deref() == Some(key.as_str()) {
                    self.identity_insert = None;
                }
            }
            StmtKind::SetOptionValue { option, value } if option == "CONTEXT_INFO" => {
                self.context_info = match self.eval0(value)? {
                    Value::Null => None,
                    v => match v.cast(&SqlType::VarBinary(StrLen::Len(128)))? {
                        Value::Binary(mut b) => {
                            b.resize(128, 0);
                            Some(b)
                        }
                        _ => None,
                    },
                };
            }
            StmtKind::SetOptionValue { .. } | StmtKind::SetTransactionIsolationLevel(_) => {}
            StmtKind::If {
                condition,
                then_stmt,
                else_stmt,
            } => {
                if self.eval_pred(condition, &RowCtx::EMPTY)? == Some(true) {
                    return self.exec_stmt(then_stmt, sink);
                } else if let Some(e) = else_stmt {
                    return self.exec_stmt(e, sink);
                }
            }
            StmtKind::While { condition, body } => {
                let mut guard: u64 = 0;
                while self.eval_pred(condition, &RowCtx::EMPTY)? == Some(true) {
                    guard += 1;
                    if guard > 1_000_000_000 {
                        return Err(ServerError::new(
                            40000,
                            "WHILE loop iteration limit reached.",
                        ));
                    }
                    match self.exec_stmt(body, sink)? {
                        Flow::Break => break,
                        Flow::Continue | Flow::Next => {}
                        ret @ Flow::Return(_) => return Ok(ret),
                    }
                }
            }
            StmtKind::Break => return Ok(Flow::Break),
            StmtKind::Continue => return Ok(Flow::Continue),
            StmtKind::Block(stmts) => return self.exec_block(stmts, sink),
            StmtKind::TryCatch {
                try_block,
                catch_block,
            } => match self.exec_block(try_block, sink) {
                Ok(f) => return Ok(f),
                Err(e) if e.severity >= 11 && e.severity < 20 => {
                    self.caught.push(e);
                    let r = self.exec_block(catch_block, sink);
                    self.caught.pop();
                    return r;
                }
                Err(e) => return Err(e),
            },
            StmtKind::Return(e) => {
                let v = match e {
                    Some(e) => Some(self.eval0(e)?),
                    None => None,
                };
                return Ok(Flow::Return(v));
            }
            StmtKind::Print(e) => {
                let v = self.eval0(e)?;
                let text = match v {
                    Value::Null => String::new(),
                    other => match other.cast(&SqlType::NVarChar(StrLen::Max))? {
                        Value::NVarChar(s) => s,
                        _ => String::new(),
                    },
                };
                sink.message(0, 0, &text);
            }
            StmtKind::Raiserror(r) => return self.raiserror(r, sink).map(|_| Flow::Next),
            StmtKind::Throw(t) => {
                return Err(match t {
                    None => self.caught.last().cloned().ok_or_else(|| {
                        ServerError::new(10704, "To rethrow an error, a THROW statement must be used inside a CATCH block.")
                    })?,
                    Some(t) => {
                        let n = match self.eval0(&t.number)?.cast(&SqlType::Int)? {
                            Value::Int(n) => n,
                            _ => 50000,
                        };
                        if n < 50000 {
                            return Err(ServerError::new(35100, format!("Error number {n} in the THROW statement is outside the valid range. Specify an error number in the valid range of 50000 to 2147483647.")));
                        }
                        let msg = match self.eval0(&t.message)? {
                            Value::Null => String::new(),
                            v => v.to_display_string(),
                        };
                        let state = match self.eval0(&t.state)?.cast(&SqlType::Int)? {
                            Value::Int(s) => s.clamp(0, 255) as u8,
                            _ => 1,
                        };
                        ServerError::new(n, msg).with_state(state)
                    }
                });
            }
            StmtKind::Goto(_) => return Err(unsupported("GOTO")),
            StmtKind::Label(_) => {}
            StmtKind::WaitForDelay(e) | StmtKind::WaitForTime(e) => {
                let v = self.eval0(e)?;
                let is_delay = matches!(k, StmtKind::WaitForDelay(_));
                self.wait_for_time(&v, is_delay)?;
            }
            StmtKind::Use(db) => self.session.use_database(&db.value)?,
            StmtKind::Exec(e) => {
                self.exec_proc(e, sink)?;
            }
            StmtKind::ExecSql(e) => {
                let v = self.eval0(e)?;
                let sql = v.to_display_string();
                self.dynamic_sql(&sql, Vec::new(), sink)?;
            }
            StmtKind::ExecuteAs(a) => self.execute_as(a)?,
            StmtKind::Revert => self.revert(),
            // sp_configure changes nothing here (trust mode), so there is nothing to apply.
            StmtKind::Reconfigure => {}
            // Every COMMIT is already durable (fsync before it returns): nothing to flush.
            StmtKind::Checkpoint => {}
            // Cache-clearing commands have no state to act on; the rest are not modelled.
            StmtKind::Dbcc { command, .. } => match command.as_str() {
                "FREEPROCCACHE" | "DROPCLEANBUFFERS" | "FREESYSTEMCACHE" | "FREESESSIONCACHE" => {}
                other => {
                    return Err(unsupported(&format!("DBCC {other}")));
                }
            },
            StmtKind::EnableTrigger {
                enable,
                names,
                table,
            } => match table {
                Some(t) => {
                    let tr = self.table_ref(t)?;
                    let (def, _) = self.table_rows(&tr)?;
                    let names: Vec<ast::Ident> =
                        names.iter().filter_map(|n| n.name().cloned()).collect();
                    self.enable_triggers(&tr, &def, &names, *enable)?;
                }
                // DDL triggers do not exist here: ALL switches nothing, a name is not found.
                None => {
                    if let Some(n) = names.first() {
                        return Err(ServerError::new(
                            3701,
                            format!(
                                "Cannot find the object '{n}', because it does not exist or you do not have permission."
                            ),
                        ));
                    }
                }
            },
            StmtKind::BeginTransaction(_) => {
                let outermost = !self.session.in_transaction();
                self.session.begin_transaction()?;
                if outermost {
                    self.temp_snapshots = vec![(None, self.temp_tables.clone())];
                }
            }
            StmtKind::Commit(_) => {
                self.session.commit()?;
                if !self.session.in_transaction() {
                    self.temp_snapshots.clear();
                }
            }
            StmtKind::Rollback(name) => match name {
                Some(ast::TranName::Name(n)) if self.session.has_savepoint(&n.value) => {
                    self.session.rollback_to_savepoint(&n.value)?;
                    self.temp_rollback(Some(&n.value));
                }
                Some(ast::TranName::Variable(v)) => {
                    let n = self.get_var(v)?.to_display_string();
                    if self.session.has_savepoint(&n) {
                        self.session.rollback_to_savepoint(&n)?;
                        self.temp_rollback(Some(&n));
                    } else {
                        self.session.rollback()?;
                        self.temp_rollback(None);
                    }
                }
                _ => {
                    self.session.rollback()?;
                    self.temp_rollback(None);
                }
            },
            StmtKind::SaveTransaction(name) => {
                let n = match name {
                    ast::TranName::Name(i) => i.value.clone(),
                    ast::TranName::Variable(v) => self.get_var(v)?.to_display_string(),
                };
                self.session.save(&n)?;
                self.temp_snapshots
                    .push((Some(n), self.temp_tables.clone()));
            }
            StmtKind::CreateProcedure(p) => self.create_procedure(p, k)?,
            StmtKind::CreateTable(t) => self.create_table(t)?,
            StmtKind::CreateType(t) => self.create_type(t)?,
            StmtKind::Drop(d) => self.exec_drop(d)?,
            StmtKind::CreateSchema {
                name,
                authorization,
            } => self.create_schema(name, authorization)?,
            StmtKind::CreateIndex(i) => self.create_index(i)?,
            StmtKind::CreateDatabase { name, .. } => {
                self.ensure_no_transaction("CREATE DATABASE")?;
                self.session.create_database(&name.value)?;
            }
            StmtKind::AlterDatabase(a) => self.alter_database(a)?,
            StmtKind::TruncateTable(name) => {
                let t = self.table_ref(name)?;
                let (_, rows) = self.table_rows(&t)?;
                for (id, _) in rows {
                    self.delete_row(&t, id)?;
                }
            }
            StmtKind::CreateFunction(f) => self.create_function(f, k)?,
            StmtKind::CreateTrigger(t) => self.create_trigger(t, k)?,
            StmtKind::CreateView(v) => self.create_view(v, k)?,
            StmtKind::AlterTable(a) => self.alter_table(a)?,
            other => return self.exec_broker(other, sink),
        }
        Ok(Flow::Next)
    }

    fn report_rows(&mut self, n: i64, sink: &mut dyn ResultSink) {
        self.rowcount = n;
        if !self.nocount {
            sink.rows_affected(n as u64);
        }
    }

    pub(crate) fn ensure_no_transaction(&self, what: &str) -> Result<(), ServerError> {
        if self.session.in_transaction() {
            return Err(ServerError::new(
                226,
                format!("{what} statement not allowed within multi-statement transaction."),
            ));
        }
        Ok(())
    }

    fn wait_for_time(&mut self, v: &Value, delay: bool) -> Result<(), ServerError> {
        let t = match v.cast(&SqlType::Time)? {
            Value::Time(t) => t,
            _ => return Ok(()),
        };
        use chrono::Timelike;
        let secs = f64::from(t.num_seconds_from_midnight()) + f64::from(t.nanosecond()) / 1e9;
        let dur = if delay {
            secs
        } else {
            let now = chrono::Utc::now().naive_utc().time();
            let n = f64::from(now.num_seconds_from_midnight());
            if secs >= n {
                secs - n
            } else {
                secs + 86400.0 - n
            }
        };
        let cancel = self.session.cancel_flag();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs_f64(dur.max(0.0));
        while std::time::Instant::now() < deadline {
            if cancel.load(std::sync::atomic::Ordering::SeqCst) {
                return Err(ServerError::new(3617, "The query was cancelled.").with_severity(11));
            }
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            std::thread::sleep(left.min(std::time::Duration::from_millis(100)));
        }
        Ok(())
    }

    fn raiserror(
        &mut self,
        r: &ast::Raiserror,
        sink: &mut dyn ResultSink,
    ) -> Result<(), ServerError> {
        let msg = self.eval0(&r.message)?;
        let sev = match self.eval0(&r.severity)?.cast(&SqlType::Int)? {
            Value::Int(n) => n.clamp(0, 25) as u8,
            _ => 16,
        };
        let state = match self.eval0(&r.state)?.cast(&SqlType::Int)? {
            Value::Int(n) => n.clamp(0, 255) as u8,
            _ => 1,
        };
        let mut args = Vec::new();
        for a in &r.args {
            args.push(self.eval0(a)?);
        }
        let (number, text) = match msg {
            Value::Int(n) => (n, format!("Error {n}")),
            other => (
                50000,
                crate::expr::format_message(&other.to_display_string(), &args)?,
            ),
        };
        if sev <= 10 {
            sink.message(number, sev, &text);
            return Ok(());
        }
        Err(ServerError::new(number, text)
            .with_severity(sev)
            .with_state(state))
    }

    fn exec_select(
        &mut self,
        q: &ast::Query,
        sink: &mut dyn ResultSink,
    ) -> Result<(), ServerError> {
        // SELECT … INTO #t creates a table from the result.
        if let ast::SetExpr::Select(sel) = &q.body
            && let Some(into) = &sel.into
        {
            let mut inner = q.clone();
            if let ast::SetExpr::Select(s) = &mut inner.body {
                s.into = None;
            }
            let rel = self.run_query(&inner, None)?;
            return self.select_into(into, rel, sink);
        }
        let assigning = matches!(&q.body, ast::SetExpr::Select(s) if s.items.iter().any(|i| matches!(i, ast::SelectItem::Assign { .. })));
        let rel = self.run_query(q, None)?;
        if assigning {
            return Ok(());
        }
        self.rowcount = rel.rows.len() as i64;
        emit(sink, &rel);
        if !self.nocount {
            sink.rows_affected(rel.rows.len() as u64);
        }
        Ok(())
    }

    fn select_into(
        &mut self,
        into: &ast::ObjectName,
        rel: Relation,
        sink: &mut dyn ResultSink,
    ) -> Result<(), ServerError> {
        let name = into.name().map(|i| i.value.clone()).unwrap_or_default();
        let columns: Vec<ColumnDef> = rel
            .cols
            .iter()
            .map(|c| ColumnDef {
                name: c.name.clone(),
                ty: stored_of(&c.ty),
                nullable: true,
                identity: None,
                default: None,
            })
            .collect();
        let def = TableDef {
            object_id: 0,
            schema: "dbo".into(),
            name: name.clone(),
            columns,
            primary_key: Vec::new(),
            next_identity: 1,
            next_row: 1,
            create_ts: 0,
            constraints: Vec::new(),
            indexes: Vec::new(),
        };
        let n = rel.rows.len() as i64;
        if name.starts_with('#') {
            let key = name.to_ascii_lowercase();
            if self.temp_tables.contains_key(&key) {
                return Err(crate::sbroker_engine_exists(&name));
            }
            let mut t = MemTable::new(def);
            for (i, r) in rel.rows.into_iter().enumerate() {
                t.rows.insert(i as i64 + 1, r);
            }
            t.def.next_row = n + 1;
            self.temp_tables.insert(key, t);
        } else {
            let (db, schema, obj) = self.split_name(into)?;
            if self.find_table(db, schema.as_deref(), &obj).is_some() {
                return Err(crate::sbroker_engine_exists(&obj));
            }
            let mut def = def;
            def.object_id = self.session.allocate_object_id()?;
            def.schema = schema.unwrap_or_else(|| "dbo".into());
            def.create_ts = now_ts();
            self.save_table_def(db, &def)?;
            let t = TableRef::User(db, def);
            for r in rel.rows {
                self.insert_row(&t, r)?;
            }
        }
        self.report_rows(n, sink);
        Ok(())
    }

    pub(crate) fn save_table_def(&mut self, db: i32, def: &TableDef) -> Result<(), ServerError> {
        let bytes = serde_json::to_vec(def).map_err(|e| ServerError::new(40000, e.to_string()))?;
        self.session.put_object(
            db,
            KIND_TABLE,
            &tables::table_key(&def.schema, &def.name),
            Some(bytes),
        )
    }

    /// Inserts a row (already converted to column types); returns the row id.
    pub(crate) fn insert_row(&mut self, t: &TableRef, row: Vec<Value>) -> Result<i64, ServerError> {
        match t {
            // The engine hands out the row id: concurrent sessions inserting into one table
            // never get the same one.
            TableRef::User(db, def) => self.session.insert_user_row(
                *db,
                i64::from(def.object_id),
                Arc::new(tables::encode_row(&row)),
            ),
            TableRef::Temp(key) => {
                let t = self
                    .temp_tables
                    .get_mut(key)
                    .ok_or_else(|| ServerError::new(208, "Invalid object name."))?;
                let id = t.def.next_row;
                t.def.next_row += 1;
                t.rows.insert(id, row);
                Ok(id)
            }
            TableRef::Var(name) => {
                let key = name.to_ascii_lowercase();
                match self.frames.last_mut().and_then(|f| f.vars.get_mut(&key)) {
                    Some(Var::Table(t)) => {
                        let id = t.def.next_row;
                        t.def.next_row += 1;
                        t.rows.insert(id, row);
                        Ok(id)
                    }
                    _ => Err(ServerError::new(
                        1087,
                        format!("Must declare the table variable \"{name}\"."),
                    )),
                }
            }
        }
    }

    pub(crate) fn update_row(
        &mut self,
        t: &TableRef,
        id: i64,
        row: Vec<Value>,
    ) -> Result<(), ServerError> {
        match t {
            TableRef::User(db, def) => self.session.put_user_row(
                *db,
                i64::from(def.object_id),
                id,
                Some(Arc::new(tables::encode_row(&row))),
            ),
            TableRef::Temp(key) => {
                if let Some(t) = self.temp_tables.get_mut(key) {
                    t.rows.insert(id, row);
                }
                Ok(())
            }
            TableRef::Var(name) => {
                if let Some(Var::Table(t)) = self
                    .frames
                    .last_mut()
                    .and_then(|f| f.vars.get_mut(&name.to_ascii_lowercase()))
                {
                    t.rows.insert(id, row);
                }
                Ok(())
            }
        }
    }

    pub(crate) fn delete_row(&mut self, t: &TableRef, id: i64) -> Result<(), ServerError> {
        match t {
            TableRef::User(db, def) => {
                self.session
                    .put_user_row(*db, i64::from(def.object_id), id, None)
            }
            TableRef::Temp(key) => {
                if let Some(t) = self.temp_tables.get_mut(key) {
                    t.rows.remove(&id);
                }
                Ok(())
            }
            TableRef::Var(name) => {
                if let Some(Var::Table(t)) = self
                    .frames
                    .last_mut()
                    .and_then(|f| f.vars.get_mut(&name.to_ascii_lowercase()))
                {
                    t.rows.remove(&id);
                }
                Ok(())
            }
        }
    }

    pub(crate) fn dml_target(&self, t: &DmlTarget) -> Result<TableRef, ServerError> {
        match t {
            DmlTarget::Table(name) => self.table_ref(name),
            DmlTarget::Variable(v) => {
                self.table_var(v)?;
                self.writable_table_var(v)?;
                Ok(TableRef::Var(v.clone()))
            }
        }
    }

    /// A READONLY table-valued parameter cannot be the target of INSERT, UPDATE, DELETE or
    /// MERGE (10700).
    pub(crate) fn writable_table_var(&self, v: &str) -> Result<(), ServerError> {
        if self
            .frames
            .last()
            .is_some_and(|f| f.readonly_tables.contains(&v.to_ascii_lowercase()))
        {
            return Err(ServerError::new(
                10700,
                format!("The table-valued parameter \"{v}\" is READONLY and cannot be modified."),
            ));
        }
        Ok(())
    }

    /// Converts, fills defaults and identity, and checks NOT NULL and PRIMARY KEY.
    pub(crate) fn build_row(
        &mut self,
        t: &TableRef,
        def: &mut TableDef,
        given: &[(usize, Value)],
        existing: &[(i64, Vec<Value>)],
    ) -> Result<Vec<Value>, ServerError> {
        let types = def.types()?;
        let mut row = vec![Value::Null; def.columns.len()];
        let mut set = vec![false; def.columns.len()];
        for (i, v) in given {
            let ty = types.get(*i).cloned().unwrap_or(SqlType::Int);
            if def.columns.get(*i).is_some_and(|c| c.identity.is_some())
                && self.identity_insert.as_deref() != Some(t.identity().as_str())
            {
                return Err(ServerError::new(
                    544,
                    format!(
                        "Cannot insert explicit value for identity column in table '{}' when IDENTITY_INSERT is set to OFF.",
                        def.name
                    ),
                ));
            }
            if let Some(slot) = row.get_mut(*i) {
                *slot = v.assign_to(&ty)?;
            }
            if let Some(s) = set.get_mut(*i) {
                *s = true;
            }
        }
        for (i, c) in def.columns.clone().iter().enumerate() {
            if let Some((_, inc)) = c.identity
                && set.get(i).copied().unwrap_or(false)
            {
                // IDENTITY_INSERT ON: the given value stands, and the next generated one
                // comes after it.
                let given = match row.get(i).map(|v| v.cast(&SqlType::BigInt)) {
                    Some(Ok(Value::BigInt(n))) => n,
                    _ => def.next_identity,
                };
                if (inc > 0 && given + inc > def.next_identity)
                    || (inc < 0 && given + inc < def.next_identity)
                {
                    def.next_identity = given + inc;
                }
                self.last_identity = Some(given);
                continue;
            }
            if let Some((_, inc)) = c.identity {
                let v = def.next_identity;
                def.next_identity += inc;
                self.last_identity = Some(v);
                if let Some(slot) = row.get_mut(i) {
                    *slot = Value::BigInt(v).assign_to(types.get(i).unwrap_or(&SqlType::Int))?;
                }
                continue;
            }
            if !set.get(i).copied().unwrap_or(false)
                && let Some(d) = &c.default
            {
                let e = parse_expr(d)?;
                let v = self.eval0(&e)?;
                if let Some(slot) = row.get_mut(i) {
                    *slot = v.assign_to(types.get(i).unwrap_or(&SqlType::Int))?;
                }
            }
            if !c.nullable && row.get(i).is_none_or(Value::is_null) {
                return Err(ServerError::new(
                    515,
                    format!(
                        "Cannot insert the value NULL into column '{}', table '{}'; column does not allow nulls. INSERT fails.",
                        c.name, def.name
                    ),
                ));
            }
        }
        check_unique(def, &row, existing.iter().map(|(_, r)| r))?;
        self.check_constraints(def, &row, "INSERT")?;
        let _ = t;
        Ok(row)
    }

    pub(crate) fn persist_def_counters(
        &mut self,
        t: &TableRef,
        def: &TableDef,
    ) -> Result<(), ServerError> {
        match t {
            TableRef::User(db, _) => {
                let mut cur = self
                    .find_table(*db, Some(&def.schema), &def.name)
                    .unwrap_or_else(|| def.clone());
                cur.next_identity = def.next_identity;
                self.save_table_def(*db, &cur)
            }
            TableRef::Temp(key) => {
                if let Some(tt) = self.temp_tables.get_mut(key) {
                    tt.def.next_identity = def.next_identity;
                }
                Ok(())
            }
            TableRef::Var(name) => {
                if let Some(Var::Table(tt)) = self
                    .frames
                    .last_mut()
                    .and_then(|f| f.vars.get_mut(&name.to_ascii_lowercase()))
                {
                    tt.def.next_identity = def.next_identity;
                }
                Ok(())
            }
        }
    }

    /// Inserts rows given as values for `columns` (empty = all non-identity columns).
    pub(crate) fn insert_values(
        &mut self,
        t: &TableRef,
        columns: &[String],
        rows: Vec<Vec<Value>>,
    ) -> Result<Vec<Vec<Value>>, ServerError> {
        let (mut def, mut existing) = self.table_rows(t)?;
        let idx: Vec<usize> =
            if columns.is_empty() {
                def.columns
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| c.identity.is_none())
                    .map(|(i, _)| i)
                    .collect()
            } else {
                let mut v = Vec::new();
                for c in columns {
                    v.push(def.column_index(c).ok_or_else(|| {
                        ServerError::new(207, format!("Invalid column name '{c}'."))
                    })?);
                }
                v
            };
        let mut inserted = Vec::new();
        for r in rows {
            if r.len() != idx.len() {
                return Err(ServerError::new(
                    213,
                    "Column name or number of supplied values does not match table definition.",
                ));
            }
            let given: Vec<(usize, Value)> = idx.iter().copied().zip(r).collect();
            let row = self.build_row(t, &mut def, &given, &existing)?;
            let id = self.insert_row(t, row.clone())?;
            existing.push((id, row.clone()));
            inserted.push(row);
        }
        self.persist_def_counters(t, &def)?;
        Ok(inserted)
    }

    fn exec_insert(
        &mut self,
        i: &ast::Insert,
        sink: &mut dyn ResultSink,
    ) -> Result<i64, ServerError> {
        let t = self.dml_target(&i.target)?;
        let rows: Vec<Vec<Value>> = match &i.source {
            ast::InsertSource::Values(rows) => {
                let mut out = Vec::new();
                for r in rows {
                    let mut vals = Vec::new();
                    for e in r {
                        vals.push(self.eval0(e)?);
                    }
                    out.push(vals);
                }
                out
            }
            ast::InsertSource::Query(q) => self.run_query(q, None)?.rows,
            ast::InsertSource::Exec(e) => {
                let mut collect = crate::CollectSink::default();
                self.exec_proc(e, &mut collect)?;
                collect
                    .result_sets
                    .into_iter()
                    .flat_map(|(_, r)| r)
                    .collect()
            }
            ast::InsertSource::DefaultValues => vec![Vec::new()],
        };
        let cols: Vec<String> = i.columns.iter().map(|c| c.value.clone()).collect();
        let inserted = self.insert_values(&t, &cols, rows)?;
        let n = inserted.len() as i64;
        self.fire_triggers(&t, "INSERT", inserted.clone(), Vec::new(), sink)?;
        if let Some(out) = &i.output {
            let (def, _) = self.table_rows(&t)?;
            self.output_clause(out, &def, &inserted, &[], sink)?;
        }
        Ok(n)
    }

    pub(crate) fn output_clause(
        &mut self,
        out: &ast::OutputClause,
        def: &TableDef,
        inserted: &[Vec<Value>],
        deleted: &[Vec<Value>],
        sink: &mut dyn ResultSink,
    ) -> Result<(), ServerError> {
        let types = def.types()?;
        let mut cols: Vec<RelCol> = Vec::new();
        for (c, ty) in def.columns.iter().zip(&types) {
            cols.push(RelCol {
                table: Some("inserted".into()),
                name: c.name.clone(),
                ty: *ty,
            });
        }
        for (c, ty) in def.columns.iter().zip(&types) {
            cols.push(RelCol {
                table: Some("deleted".into()),
                name: c.name.clone(),
                ty: *ty,
            });
        }
        let n = inserted.len().max(deleted.len());
        let width = def.columns.len();
        let mut result = Relation::default();
        for i in 0..n {
            let mut vals = inserted
                .get(i)
                .cloned()
                .unwrap_or_else(|| vec![Value::Null; width]);
            vals.extend(
                deleted
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| vec![Value::Null; width]),
            );
            let ctx = RowCtx {
                cols: &cols,
                vals: &vals,
                group: None,
                outer: None,
            };
            let mut row = Vec::new();
            for item in &out.items {
                match item {
                    ast::SelectItem::Expr { expr, alias } => {
                        let v = self.eval(expr, &ctx)?;
                        if i == 0 {
                            let name = alias.as_ref().map(|a| a.value.clone()).unwrap_or_else(
                                || match expr {
                                    Expr::Column(n) => {
                                        n.name().map(|x| x.value.clone()).unwrap_or_default()
                                    }
                                    _ => String::new(),
                                },
                            );
                            result.cols.push(col(&name, v.sql_type()));
                        }
                        row.push(v);
                    }
                    ast::SelectItem::QualifiedWildcard(q) => {
                        let which = q
                            .name()
                            .map(|x| x.value.to_ascii_lowercase())
                            .unwrap_or_default();
                        for (c, v) in cols.iter().zip(&vals) {
                            if c.table.as_deref() == Some(which.as_str()) {
                                if i == 0 {
                                    result.cols.push(col(&c.name, c.ty));
                                }
                                row.push(v.clone());
                            }
                        }
                    }
                    _ => return Err(unsupported("This OUTPUT item")),
                }
            }
            result.rows.push(row);
        }
        match &out.into {
            Some(target) => {
                let t = self.dml_target(target)?;
                let cols: Vec<String> = out.into_columns.iter().map(|c| c.value.clone()).collect();
                self.insert_values(&t, &cols, result.rows)?;
            }
            None => emit(sink, &result),
        }
        Ok(())
    }

    fn target_ctx_cols(
        &self,
        t: &TableRef,
        def: &TableDef,
        alias_hint: &[ast::TableWithJoins],
    ) -> Result<Vec<RelCol>, ServerError> {
        let types = def.types()?;
        let mut qual = def.name.to_ascii_lowercase();
        if let TableRef::Var(v) = t {
            qual = v.to_ascii_lowercase();
        }
        let _ = alias_hint;
        Ok(def
            .columns
            .iter()
            .zip(types)
            .map(|(c, ty)| RelCol {
                table: Some(qual.clone()),
                name: c.name.clone(),
                ty,
            })
            .collect())
    }

    /// DECLARE of a table variable (`@t TABLE (…)` or `@t table_type`): re-running the same
    /// DECLARE in a loop keeps the rows; another DECLARE of the name is error 134.
    fn declare_table_var(
        &mut self,
        name: &str,
        node: usize,
        def: TableDef,
    ) -> Result<(), ServerError> {
        let key = name.to_ascii_lowercase();
        let frame = self
            .frames
            .last_mut()
            .ok_or_else(|| ServerError::new(137, "no scope"))?;
        if frame.declared_by.get(&key) == Some(&node) {
            return Ok(());
        }
        if frame.vars.contains_key(&key) {
            return Err(ServerError::new(
                134,
                format!(
                    "The variable name '{name}' has already been declared. Variable names must be unique within a query batch or stored procedure."
                ),
            ));
        }
        frame.declared_by.insert(key.clone(), node);
        frame.vars.insert(key, Var::Table(MemTable::new(def)));
        Ok(())
    }

    /// `SET col = expr, @v = expr, …` of UPDATE and MERGE applied to one row: the new row
    /// (converted to the column types; NOT NULL checked). `ctx` is what the expressions see.
    pub(crate) fn apply_assignments(
        &mut self,
        def: &TableDef,
        types: &[SqlType],
        row: &[Value],
        assignments: &[ast::Assignment],
        ctx: &RowCtx<'_>,
    ) -> Result<Vec<Value>, ServerError> {
        let mut new = row.to_vec();
        for a in assignments {
            let v = self.eval(&a.value, ctx)?;
            match &a.target {
                ast::AssignTarget::Variable(var) => {
                    let v = apply_assign_op(self, var, a.op, v)?;
                    self.set_var(var, v)?;
                }
                ast::AssignTarget::Column(c) => {
                    let name = c.name().map(|i| i.value.clone()).unwrap_or_default();
                    let i = def.column_index(&name).ok_or_else(|| {
                        ServerError::new(207, format!("Invalid column name '{name}'."))
                    })?;
                    let cur = row.get(i).cloned().unwrap_or(Value::Null);
                    let v = match a.op {
                        AssignOp::Assign => v,
                        AssignOp::Add => cur.add(&v)?,
                        AssignOp::Sub => cur.sub(&v)?,
                        AssignOp::Mul => cur.mul(&v)?,
                        AssignOp::Div => cur.div(&v)?,
                        _ => v,
                    };
                    let v = v.assign_to(types.get(i).unwrap_or(&SqlType::Int))?;
                    if v.is_null() && def.columns.get(i).is_some_and(|c| !c.nullable) {
                        return Err(ServerError::new(
                            515,
                            format!(
                                "Cannot insert the value NULL into column '{name}', table '{}'; column does not allow nulls. UPDATE fails.",
                                def.name
                            ),
                        ));
                    }
                    if let Some(slot) = new.get_mut(i) {
                        *slot = v;
                    }
                }
            }
        }
        Ok(new)
    }

    /// The table an UPDATE / DELETE changes: with a FROM clause the target may be the alias
    /// of one of its sources (`UPDATE o SET … FROM dbo.Orders AS o …`).
    fn dml_target_with_from(
        &self,
        target: &DmlTarget,
        from: &[ast::TableWithJoins],
    ) -> Result<TableRef, ServerError> {
        if let DmlTarget::Table(n) = target
            && n.parts.len() == 1
            && !from.is_empty()
        {
            let alias = &n.parts[0].value;
            let sources = from
                .iter()
                .flat_map(|t| std::iter::once(&t.source).chain(t.joins.iter().map(|j| &j.source)));
            for src in sources {
                match src {
                    ast::TableSource::Table {
                        name,
                        alias: Some(a),
                        ..
                    } if a.value.eq_ignore_ascii_case(alias) => return self.table_ref(name),
                    ast::TableSource::Variable {
                        name,
                        alias: Some(a),
                    } if a.value.eq_ignore_ascii_case(alias) => {
                        self.table_var(name)?;
                        self.writable_table_var(name)?;
                        return Ok(TableRef::Var(name.clone()));
                    }
                    _ => {}
                }
            }
        }
        self.dml_target(target)
    }

    /// The rows an UPDATE / DELETE considers, with the columns their expressions see:
    /// the target's own rows, or with a FROM clause the joined rows (see `dml_from_rows`).
    fn dml_candidates(
        &mut self,
        t: &TableRef,
        def: &TableDef,
        rows: &[(i64, Vec<Value>)],
        target: &DmlTarget,
        from: &[ast::TableWithJoins],
    ) -> Result<crate::query::DmlRows, ServerError> {
        if from.is_empty() {
            return Ok((self.target_ctx_cols(t, def, from)?, rows.to_vec()));
        }
        let name = match target {
            DmlTarget::Table(n) => n.name().map(|i| i.value.clone()).unwrap_or_default(),
            DmlTarget::Variable(v) => v.clone(),
        };
        self.dml_from_rows(t, &name, from)
    }

    fn exec_update(
        &mut self,
        u: &ast::Update,
        sink: &mut dyn ResultSink,
    ) -> Result<i64, ServerError> {
        let t = self.dml_target_with_from(&u.target, &u.from)?;
        let (def, rows) = self.table_rows(&t)?;
        let (cols, candidates) = self.dml_candidates(&t, &def, &rows, &u.target, &u.from)?;
        let by_id: HashMap<i64, Vec<Value>> = rows.iter().cloned().collect();
        let types = def.types()?;
        let mut n = 0;
        let (mut olds, mut news) = (Vec::new(), Vec::new());
        let mut updated: Vec<(i64, Vec<Value>)> = Vec::new();
        let mut done: HashSet<i64> = HashSet::new();
        let all_rows = rows;
        for (id, vals) in candidates {
            let ctx = RowCtx {
                cols: &cols,
                vals: &vals,
                group: None,
                outer: None,
            };
            if let Some(w) = &u.selection
                && self.eval_pred(w, &ctx)? != Some(true)
            {
                continue;
            }
            // A target row matched by several FROM rows is updated once (SQL Server: by
            // one of them, unspecified which; here the first).
            if !done.insert(id) {
                continue;
            }
            let Some(row) = by_id.get(&id).cloned() else {
                continue;
            };
            let new = self.apply_assignments(&def, &types, &row, &u.assignments, &ctx)?;
            olds.push(row.clone());
            news.push(new.clone());
            updated.push((id, new));
            n += 1;
        }
        for (_, new) in &updated {
            self.check_constraints(&def, new, "UPDATE")?;
        }
        // Keys are checked on the table as the whole statement leaves it, before any row
        // changes, so a refused UPDATE changes nothing.
        if !updated.is_empty() {
            let mut fin: std::collections::BTreeMap<i64, Vec<Value>> =
                all_rows.into_iter().collect();
            for (id, r) in &updated {
                fin.insert(*id, r.clone());
            }
            for (id, r) in &updated {
                check_unique(
                    &def,
                    r,
                    fin.iter().filter(|(k, _)| *k != id).map(|(_, v)| v),
                )?;
            }
        }
        for (id, new) in updated {
            self.update_row(&t, id, new)?;
        }
        if let Some(out) = &u.output {
            self.output_clause(out, &def, &news, &olds, sink)?;
        }
        self.fire_triggers(&t, "UPDATE", news, olds, sink)?;
        Ok(n)
    }

    fn exec_delete(
        &mut self,
        d: &ast::Delete,
        sink: &mut dyn ResultSink,
    ) -> Result<i64, ServerError> {
        let t = self.dml_target_with_from(&d.target, &d.from)?;
        let (def, rows) = self.table_rows(&t)?;
        let (cols, candidates) = self.dml_candidates(&t, &def, &rows, &d.target, &d.from)?;
        let by_id: HashMap<i64, Vec<Value>> = rows.into_iter().collect();
        let mut n = 0;
        let mut olds = Vec::new();
        let mut done: HashSet<i64> = HashSet::new();
        for (id, vals) in candidates {
            if let Some(w) = &d.selection {
                let ctx = RowCtx {
                    cols: &cols,
                    vals: &vals,
                    group: None,
                    outer: None,
                };
                if self.eval_pred(w, &ctx)? != Some(true) {
                    continue;
                }
            }
            if !done.insert(id) {
                continue;
            }
            let Some(row) = by_id.get(&id).cloned() else {
                continue;
            };
            olds.push(row.clone());
            self.delete_row(&t, id)?;
            n += 1;
        }
        if let Some(out) = &d.output {
            self.output_clause(out, &def, &[], &olds, sink)?;
        }
        self.fire_triggers(&t, "DELETE", Vec::new(), olds, sink)?;
        Ok(n)
    }

    fn create_table(&mut self, t: &ast::CreateTable) -> Result<(), ServerError> {
        let name = t.name.name().map(|i| i.value.clone()).unwrap_or_default();
        if name.starts_with('#') {
            let key = name.to_ascii_lowercase();
            if self.temp_tables.contains_key(&key) {
                return Err(crate::sbroker_engine_exists(&name));
            }
            let def = columns_to_def(&t.columns, &t.constraints, &name, "dbo", 0, now_ts())?;
            self.temp_tables.insert(key, MemTable::new(def));
            return Ok(());
        }
        let (db, schema, obj) = self.split_name(&t.name)?;
        let schema = schema.unwrap_or_else(|| "dbo".into());
        let exists = self.find_table(db, Some(&schema), &obj).is_some()
            || self.session.with_state(|st| {
                st.db(db)
                    .and_then(|d| d.queue_by_name(Some(&schema), &obj))
                    .is_some()
            });
        if exists {
            return Err(crate::sbroker_engine_exists(&obj));
        }
        let id = self.session.allocate_object_id()?;
        let def = columns_to_def(&t.columns, &t.constraints, &obj, &schema, id, now_ts())?;
        self.save_table_def(db, &def)
    }

    fn create_procedure(
        &mut self,
        p: &ast::CreateProcedure,
        kind: &StmtKind,
    ) -> Result<(), ServerError> {
        if let Some(ext) = &p.external_name {
            return Err(ServerError::new(
                40000,
                format!(
                    "CLR procedures (AS EXTERNAL NAME {ext}) are not supported by sbroker; write the procedure in T-SQL."
                ),
            ));
        }
        let (db, schema, name) = self.split_name(&p.name)?;
        let schema = schema.unwrap_or_else(|| "dbo".into());
        let key = tables::table_key(&schema, &name);
        let existing = self.load_proc(db, &key);
        match (p.mode, &existing) {
            (ast::CreateMode::Create, Some(_)) => return Err(crate::sbroker_engine_exists(&name)),
            (ast::CreateMode::Alter, None) => {
                return Err(ServerError::new(
                    208,
                    format!("Could not find stored procedure '{name}'."),
                ));
            }
            _ => {}
        }
        let object_id = match &existing {
            Some(e) => {
                // A changed definition invalidates its signatures (ALTER PROCEDURE).
                self.session.drop_signatures_of(db, e.object_id)?;
                e.object_id
            }
            None => self.session.allocate_object_id()?,
        };
        // Keep the batch text when the batch is just this procedure (SQL Server's rule), so
        // error lines inside it count from the start of the batch; else the canonical text.
        let batch_is_proc = matches!(
            sbroker_tsql::parse_batch(&self.batch_text).as_deref(),
            Ok([only]) if only.kind == *kind
        );
        let source = if batch_is_proc {
            self.batch_text.to_string()
        } else {
            Stmt::new(kind.clone(), 1).to_string()
        };
        let sp = StoredProc {
            object_id,
            schema,
            name,
            source,
            create_ts: now_ts(),
        };
        let bytes = serde_json::to_vec(&sp).map_err(|e| ServerError::new(40000, e.to_string()))?;
        self.session.put_object(db, KIND_PROC, &key, Some(bytes))
    }

    pub(crate) fn load_proc(&self, db: i32, key: &str) -> Option<StoredProc> {
        self.session.with_state(|st| {
            st.db(db)
                .and_then(|d| d.objects.get(&(KIND_PROC.to_string(), key.to_string())))
                .and_then(|v| serde_json::from_slice(v).ok())
        })
    }

    /// Looks up and parses a procedure (cached by its stored bytes).
    /// Number of parameters of a stored procedure; `None` when there is no such procedure.
    pub(crate) fn procedure_param_count(&mut self, name: &str) -> Option<usize> {
        let stmts = sbroker_tsql::parse_batch(&format!("EXEC {name}")).ok()?;
        let Some(StmtKind::Exec(e)) = stmts.into_iter().next().map(|s| s.kind) else {
            return None;
        };
        let ast::ProcRef::Name(n) = &e.procedure else {
            return None;
        };
        self.procedure(n)
            .ok()
            .flatten()
            .map(|(_, p)| p.params.len())
    }

    fn procedure(
        &mut self,
        name: &ast::ObjectName,
    ) -> Result<Option<(i32, Arc<ast::CreateProcedure>)>, ServerError> {
        let (db, schema, obj) = self.split_name(name)?;
        let key = tables::table_key(schema.as_deref().unwrap_or("dbo"), &obj);
        let raw = self.session.with_state(|st| {
            st.db(db)
                .and_then(|d| d.objects.get(&(KIND_PROC.to_string(), key.clone())))
                .cloned()
        });
        let Some(raw) = raw else { return Ok(None) };
        if let Some((bytes, p)) = self.proc_cache.get(&(db, key.clone()))
            && Arc::ptr_eq(bytes, &raw)
        {
            return Ok(Some((db, p.clone())));
        }
        let sp: StoredProc =
            serde_json::from_slice(&raw).map_err(|e| ServerError::new(40000, e.to_string()))?;
        let stmts = sbroker_tsql::parse_batch(&sp.source)
            .map_err(|e| ServerError::new(e.number, e.message))?;
        let Some(StmtKind::CreateProcedure(p)) = stmts.into_iter().next().map(|s| s.kind) else {
            return Err(ServerError::new(40000, "stored procedure text is damaged"));
        };
        let p: Arc<ast::CreateProcedure> = Arc::from(p);
        self.proc_cache.insert((db, key), (raw, p.clone()));
        Ok(Some((db, p)))
    }

    fn exec_drop(&mut self, d: &ast::DropStmt) -> Result<(), ServerError> {
        for name in &d.names {
            let obj = name.name().map(|i| i.value.clone()).unwrap_or_default();
            match d.kind {
                ast::DropKind::Table => {
                    if obj.starts_with('#') {
                        if self.temp_tables.remove(&obj.to_ascii_lowercase()).is_none()
                            && !d.if_exists
                        {
                            return Err(drop_missing("table", &obj));
                        }
                        continue;
                    }
                    let (db, schema, o) = self.split_name(name)?;
                    match self.find_table(db, schema.as_deref(), &o) {
                        Some(def) => {
                            let (_, rows) = self.table_rows(&TableRef::User(db, def.clone()))?;
                            for (id, _) in rows {
                                self.session.put_user_row(
                                    db,
                                    i64::from(def.object_id),
                                    id,
                                    None,
                                )?;
                            }
                            self.session.put_object(
                                db,
                                KIND_TABLE,
                                &tables::table_key(&def.schema, &def.name),
                                None,
                            )?;
                        }
                        None if d.if_exists => {}
                        None => return Err(drop_missing("table", &o)),
                    }
                }
                ast::DropKind::Procedure => {
                    let (db, schema, o) = self.split_name(name)?;
                    let key = tables::table_key(schema.as_deref().unwrap_or("dbo"), &o);
                    if let Some(p) = self.load_proc(db, &key) {
                        self.session.drop_signatures_of(db, p.object_id)?;
                        self.session.put_object(db, KIND_PROC, &key, None)?;
                    } else if !d.if_exists {
                        return Err(drop_missing("procedure", &o));
                    }
                }
                ast::DropKind::Database => {
                    self.ensure_no_transaction("DROP DATABASE")?;
                    let exists = self
                        .session
                        .with_state(|st| st.db_id_by_name(&obj).is_some());
                    if exists || !d.if_exists {
                        self.session.drop_database(&obj)?;
                    }
                }
                ast::DropKind::Function => {
                    self.drop_module(crate::modules::KIND_FUNCTION, name, d.if_exists)?;
                }
                ast::DropKind::Trigger => {
                    self.drop_module(crate::modules::KIND_TRIGGER, name, d.if_exists)?;
                }
                ast::DropKind::View => {
                    self.drop_module(crate::modules::KIND_VIEW, name, d.if_exists)?;
                }
                ast::DropKind::User | ast::DropKind::Role => {
                    let exists = self.session.principal_id(&obj).is_some();
                    if exists || !d.if_exists {
                        self.session
                            .drop_principal(&obj, matches!(d.kind, ast::DropKind::Role))?;
                    }
                }
                ast::DropKind::Schema => {
                    let db = self.session.database_id();
                    let key = obj.to_ascii_lowercase();
                    let exists = self.session.with_state(|st| {
                        st.db(db).is_some_and(|d| {
                            d.objects.contains_key(&(
                                crate::sysviews::KIND_SCHEMA.to_string(),
                                key.clone(),
                            ))
                        })
                    });
                    if exists {
                        self.session
                            .put_object(db, crate::sysviews::KIND_SCHEMA, &key, None)?;
                    } else if !d.if_exists {
                        return Err(drop_missing("schema", &obj));
                    }
                }
                ast::DropKind::Login => self.session.drop_login(&obj)?,
                ast::DropKind::Index => self.drop_index(name, d.on.as_ref(), d.if_exists)?,
                ast::DropKind::Type => self.drop_type(name, d.if_exists)?,
            }
        }
        Ok(())
    }

    fn alter_database(&mut self, a: &ast::AlterDatabase) -> Result<(), ServerError> {
        let db = match &a.database {
            ast::DatabaseRef::Current => self.session.database_id(),
            ast::DatabaseRef::Name(n) => self.session.with_state(|st| st.db_id_by_name(&n.value)).ok_or_else(|| {
                ServerError::new(5011, format!("User does not have permission to alter database '{}', the database does not exist, or the database is not in a state that allows access checks.", n.value))
            })?,
        };
        for o in &a.options {
            let name = o.name.value.to_ascii_uppercase();
            use sbroker_engine::BrokerOption as B;
            match name.as_str() {
                "ENABLE_BROKER" => self.session.set_broker_option(db, B::Enable)?,
                "DISABLE_BROKER" => self.session.set_broker_option(db, B::Disable)?,
                "NEW_BROKER" => self.session.set_broker_option(db, B::New)?,
                "ERROR_BROKER_CONVERSATIONS" => {
                    self.session.set_broker_option(db, B::ErrorConversations)?
                }
                "TRUSTWORTHY" => self.session.set_database_flag(db, Some(o.is_on()), None)?,
                "HONOR_BROKER_PRIORITY" => {
                    self.session.set_database_flag(db, None, Some(o.is_on()))?
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// EXEC procedure (user or system).
    pub(crate) fn exec_proc(
        &mut self,
        e: &ast::Exec,
        sink: &mut dyn ResultSink,
    ) -> Result<(), ServerError> {
        let name = match &e.procedure {
            ast::ProcRef::Name(n) => n.clone(),
            ast::ProcRef::Variable(v) => {
                let s = self.get_var(v)?.to_display_string();
                ast::ObjectName {
                    parts: s
                        .split('.')
                        .map(|p| ast::Ident::new(p.trim_matches(['[', ']'])))
                        .collect(),
                }
            }
        };
        let short = name
            .name()
            .map(|i| i.value.to_ascii_lowercase())
            .unwrap_or_default();
        let status = match short.as_str() {
            "sp_executesql" => {
                let mut args = e.args.iter();
                let sql = match args.next() {
                    Some(a) => self.eval0(&a.value)?.to_display_string(),
                    None => {
                        return Err(ServerError::new(
                            201,
                            "Procedure or function 'sp_executesql' expects parameter '@statement', which was not supplied.",
                        ));
                    }
                };
                let mut params: Vec<ParamDecl> = Vec::new();
                if let Some(decl) = args.next() {
                    let decl = self.eval0(&decl.value)?.to_display_string();
                    params = parse_param_decls(&decl)?;
                }
                let rest: Vec<&ast::ExecArg> = args.collect();
                for (i, a) in rest.iter().enumerate() {
                    let v = self.eval0(&a.value)?;
                    let slot = match &a.name {
                        Some(n) => params.iter_mut().find(|p| p.0.eq_ignore_ascii_case(n)),
                        None => params.get_mut(i),
                    };
                    if let Some(p) = slot {
                        p.2 = Some(v);
                        if a.output
                            && let Expr::Variable(var) = &a.value
                        {
                            p.4 = Some(var.clone());
                        }
                    }
                }
                let bind: Vec<(String, SqlType, Value)> = params
                    .iter()
                    .map(|p| (p.0.clone(), p.1, p.2.clone().unwrap_or(Value::Null)))
                    .collect();
                let outs = self.dynamic_sql(&sql, bind, sink)?;
                for p in &params {
                    if let (true, Some(var)) = (p.3, &p.4)
                        && let Some((_, v)) =
                            outs.iter().find(|(n, _)| n.eq_ignore_ascii_case(&p.0))
                    {
                        self.set_var(var, v.clone())?;
                    }
                }
                0
            }
            "sp_getapplock" | "sp_releaseapplock" => self.applock(&short, &e.args)?,
            "sp_addrolemember" | "sp_droprolemember" => {
                let role = self.proc_arg(&e.args, 0, "@rolename")?;
                let member = self.proc_arg(&e.args, 1, "@membername")?;
                self.session
                    .alter_role_member(&role, &member, short == "sp_addrolemember")?;
                0
            }
            "sp_addlogin" => {
                let login = self.proc_arg(&e.args, 0, "@loginame")?;
                let password = self.proc_arg(&e.args, 1, "@passwd").unwrap_or_default();
                let kind = sbroker_engine::security::LoginKind::Password(password);
                self.session.create_login(&login, &kind)?;
                0
            }
            "sp_adduser" | "sp_grantdbaccess" => {
                let login = self.proc_arg(&e.args, 0, "@loginame")?;
                let user = self
                    .proc_arg(&e.args, 1, "@name_in_db")
                    .unwrap_or_else(|_| login.clone());
                if !self.session.login_exists(&login) {
                    return Err(ServerError::new(
                        15007,
                        format!("'{login}' is not a valid login or you do not have permission."),
                    ));
                }
                self.session
                    .create_principal(&user, false, false, Some(&login))?;
                0
            }
            // Server configuration and database ownership: every session is sysadmin in
            // trust mode, so these have nothing to change here (docs/compatibility.md).
            "sp_configure" | "sp_changedbowner" => 0,
            "sp_helptext" => {
                let name = self.proc_arg(&e.args, 0, "@objname")?;
                let id = self.object_id(&name)?;
                let db = self.session.database_id();
                let text = id.and_then(|id| {
                    self.session
                        .with_state(|st| crate::sysviews::view_text(st, db, id))
                });
                let Some(text) = text else {
                    return Err(ServerError::new(
                        15009,
                        format!(
                            "The object '{name}' does not exist in database '{}' or is invalid for this operation.",
                            self.session.database_name()
                        ),
                    ));
                };
                let rows: Vec<Vec<Value>> = text
                    .split_inclusive('\n')
                    .map(|l| vec![Value::NVarChar(l.to_string())])
                    .collect();
                let rel = Relation {
                    cols: vec![col("Text", SqlType::NVarChar(StrLen::Len(255)))],
                    rows,
                };
                emit(sink, &rel);
                0
            }
            "sp_set_session_context" => {
                let key = self.proc_arg(&e.args, 0, "@key")?;
                let value = match e
                    .args
                    .iter()
                    .find(|a| {
                        a.name
                            .as_deref()
                            .is_some_and(|n| n.eq_ignore_ascii_case("@value"))
                    })
                    .or_else(|| e.args.get(1).filter(|a| a.name.is_none()))
                {
                    Some(a) => self.eval0(&a.value)?,
                    None => Value::Null,
                };
                let read_only = match e
                    .args
                    .iter()
                    .find(|a| {
                        a.name
                            .as_deref()
                            .is_some_and(|n| n.eq_ignore_ascii_case("@read_only"))
                    })
                    .or_else(|| e.args.get(2).filter(|a| a.name.is_none()))
                {
                    Some(a) => matches!(self.eval0(&a.value)?.cast(&SqlType::Int)?, Value::Int(1)),
                    None => false,
                };
                let k = key.to_ascii_lowercase();
                if self.session_context.get(&k).is_some_and(|(_, ro)| *ro) {
                    return Err(ServerError::new(
                        15664,
                        format!(
                            "Cannot set key '{key}' in the session context. The key has been set as read_only for this session."
                        ),
                    ));
                }
                self.session_context.insert(k, (value, read_only));
                0
            }
            // Informational listings: accepted, no rows (docs/compatibility.md).
            "sp_help" | "sp_who" | "sp_who2" => 0,
            _ => self.call_user_proc(&name, &e.args, sink)?,
        };
        if let Some(ret) = &e.return_status {
            self.set_var(ret, Value::Int(status))?;
        }
        Ok(())
    }

    /// A system procedure argument by position or `@name`, as text.
    fn proc_arg(
        &mut self,
        args: &[ast::ExecArg],
        pos: usize,
        name: &str,
    ) -> Result<String, ServerError> {
        let a = args
            .iter()
            .find(|a| {
                a.name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
            })
            .or_else(|| args.get(pos).filter(|a| a.name.is_none()));
        match a {
            Some(a) => Ok(self.eval0(&a.value)?.to_display_string()),
            None => Err(ServerError::new(
                201,
                format!("Procedure expects parameter '{name}', which was not supplied."),
            )),
        }
    }

    /// sp_getapplock / sp_releaseapplock; returns the procedure's return code.
    fn applock(&mut self, which: &str, args: &[ast::ExecArg]) -> Result<i32, ServerError> {
        use sbroker_engine::{AppLockMode, AppLockOwner};
        let resource = self.proc_arg(args, 0, "@Resource")?;
        let get = which == "sp_getapplock";
        let owner_pos = if get { 2 } else { 1 };
        let owner = match self.proc_arg(args, owner_pos, "@LockOwner") {
            Ok(o) if o.eq_ignore_ascii_case("session") => AppLockOwner::Session,
            Ok(o) if o.eq_ignore_ascii_case("transaction") => AppLockOwner::Transaction,
            Ok(o) => {
                return Err(ServerError::new(
                    1002,
                    format!("Invalid lock owner '{o}'; use Transaction or Session."),
                ));
            }
            Err(_) => AppLockOwner::Transaction,
        };
        if !get {
            return self.session.release_applock(&resource, owner);
        }
        let mode = match self
            .proc_arg(args, 1, "@LockMode")?
            .to_ascii_lowercase()
            .as_str()
        {
            "shared" | "intentshared" => AppLockMode::Shared,
            "update" | "intentexclusive" | "exclusive" => AppLockMode::Exclusive,
            other => {
                return Err(ServerError::new(
                    1002,
                    format!("Invalid lock mode '{other}'."),
                ));
            }
        };
        let timeout = match self.proc_arg(args, 3, "@LockTimeout") {
            Ok(t) => t.trim().parse::<i64>().unwrap_or(-1),
            Err(_) => -1,
        };
        self.session.get_applock(&resource, mode, owner, timeout)
    }

    /// CREATE SCHEMA name [AUTHORIZATION owner]: user schemas get ids from 5.
    fn create_schema(
        &mut self,
        name: &ast::Ident,
        owner: &Option<ast::Ident>,
    ) -> Result<(), ServerError> {
        let db = self.session.database_id();
        let existing = self
            .session
            .with_state(|st| st.db(db).map(crate::sysviews::schemas).unwrap_or_default());
        if existing
            .iter()
            .any(|x| x.name.eq_ignore_ascii_case(&name.value))
        {
            return Err(ServerError::new(
                2714,
                format!(
                    "There is already an object named '{}' in the database.",
                    name.value
                ),
            ));
        }
        let principal_id = match owner {
            None => 1,
            Some(o) => self.session.principal_id(&o.value).ok_or_else(|| {
                ServerError::new(15151, format!("Cannot find the user '{}', because it does not exist or you do not have permission.", o.value))
            })?,
        };
        let id = existing.iter().map(|x| x.id).max().unwrap_or(4).max(4) + 1;
        let rec = crate::sysviews::StoredSchema {
            id,
            name: name.value.clone(),
            principal_id,
        };
        let bytes = serde_json::to_vec(&rec).map_err(|e| ServerError::new(40000, e.to_string()))?;
        self.session.put_object(
            db,
            crate::sysviews::KIND_SCHEMA,
            &name.value.to_ascii_lowercase(),
            Some(bytes),
        )
    }

    fn call_user_proc(
        &mut self,
        name: &ast::ObjectName,
        args: &[ast::ExecArg],
        sink: &mut dyn ResultSink,
    ) -> Result<i32, ServerError> {
        let Some((db, p)) = self.procedure(name)? else {
            return Err(ServerError::new(
                2812,
                format!("Could not find stored procedure '{name}'."),
            ));
        };
        if self.depth >= NESTING_MAX {
            return Err(ServerError::new(
                217,
                "Maximum stored procedure, function, trigger, or view nesting level exceeded (limit 32).",
            ));
        }
        let mut frame = Frame {
            // SQL Server 2017+ names it `schema.procedure`, without brackets.
            procedure: p.name.name().map(|i| {
                let schema = p.name.schema().map_or("dbo", |s| s.value.as_str());
                format!("{schema}.{}", i.value)
            }),
            ..Frame::default()
        };
        let mut outputs: Vec<(String, String)> = Vec::new();
        for (i, param) in p.params.iter().enumerate() {
            // A table-valued parameter: a copy of the caller's table variable.
            if let Some(crate::modules::StoredType {
                table: Some(def), ..
            }) = self.user_type(&param.data_type)
            {
                let given = given_arg(args, i, &param.name);
                let table = match given.map(|a| &a.value) {
                    Some(Expr::Variable(v)) => self.table_var(v)?.clone(),
                    Some(_) => {
                        return Err(ServerError::new(
                            206,
                            format!(
                                "Operand type clash: the table-valued parameter '{}' needs a table variable.",
                                param.name
                            ),
                        ));
                    }
                    None => MemTable::new(def),
                };
                if param.readonly {
                    frame
                        .readonly_tables
                        .insert(param.name.to_ascii_lowercase());
                }
                frame
                    .vars
                    .insert(param.name.to_ascii_lowercase(), Var::Table(table));
                continue;
            }
            let ty = self.declared_type(&param.data_type)?;
            let given = given_arg(args, i, &param.name);
            let v = match given {
                Some(a) => {
                    if a.output
                        && param.output
                        && let Expr::Variable(var) = &a.value
                    {
                        outputs.push((param.name.clone(), var.clone()));
                    }
                    self.eval0(&a.value)?
                }
                None => match &param.default {
                    Some(d) => self.eval0(d)?,
                    None => {
                        return Err(ServerError::new(
                            201,
                            format!(
                                "Procedure or function '{}' expects parameter '{}', which was not supplied.",
                                p.name, param.name
                            ),
                        ));
                    }
                },
            };
            frame.vars.insert(
                param.name.to_ascii_lowercase(),
                Var::Scalar {
                    value: v.assign_to(&ty)?,
                    ty,
                },
            );
        }
        for a in args {
            if let Some(n) = &a.name
                && !p.params.iter().any(|x| x.name.eq_ignore_ascii_case(n))
            {
                return Err(ServerError::new(
                    8145,
                    format!("{n} is not a parameter for procedure {}.", p.name),
                ));
            }
        }
        let saved_db = self.session.database_id();
        self.session.set_database_id(db);
        self.frames.push(frame);
        self.depth += 1;
        // An EXECUTE AS inside the procedure ends with it.
        let saved_users = self.users.len();
        let r = self.exec_block(&p.body, sink);
        self.users.truncate(saved_users);
        self.depth -= 1;
        let frame = self.frames.pop();
        self.session.set_database_id(saved_db);
        let flow = r?;
        if let Some(f) = frame {
            for (param, var) in outputs {
                if let Some(Var::Scalar { value, .. }) = f.vars.get(&param.to_ascii_lowercase()) {
                    self.set_var(&var, value.clone())?;
                }
            }
        }
        Ok(match flow {
            Flow::Return(Some(v)) => match v.cast(&SqlType::Int)? {
                Value::Int(i) => i,
                _ => 0,
            },
            _ => 0,
        })
    }

    /// Runs dynamic SQL in its own scope; returns the final values of the parameters.
    fn dynamic_sql(
        &mut self,
        sql: &str,
        params: Vec<(String, SqlType, Value)>,
        sink: &mut dyn ResultSink,
    ) -> Result<Vec<(String, Value)>, ServerError> {
        if self.depth >= NESTING_MAX {
            return Err(ServerError::new(
                217,
                "Maximum nesting level exceeded (limit 32).",
            ));
        }
        let stmts = sbroker_tsql::parse_batch(sql).map_err(|e| {
            ServerError::new(e.number, e.message)
                .at_line(e.line)
                .with_severity(15)
        })?;
        let mut frame = Frame::default();
        for (n, ty, v) in &params {
            frame.vars.insert(
                n.to_ascii_lowercase(),
                Var::Scalar {
                    ty: *ty,
                    value: v.assign_to(ty)?,
                },
            );
        }
        let saved_db = self.session.database_id();
        self.frames.push(frame);
        self.depth += 1;
        let saved_text = std::mem::replace(&mut self.batch_text, Arc::from(sql));
        let saved_users = self.users.len();
        let r = self.exec_block(&stmts, sink);
        self.users.truncate(saved_users);
        self.batch_text = saved_text;
        self.depth -= 1;
        let frame = self.frames.pop();
        // USE inside dynamic SQL lasts only until the EXEC ends.
        self.session.set_database_id(saved_db);
        r?;
        Ok(params
            .iter()
            .filter_map(|(n, _, _)| {
                match frame
                    .as_ref()
                    .and_then(|f| f.vars.get(&n.to_ascii_lowercase()))
                {
                    Some(Var::Scalar { value, .. }) => Some((n.clone(), value.clone())),
                    _ => None,
                }
            })
            .collect())
    }
}

/// The argument a procedure call passes for parameter `name` at position `i`: by name, or
/// the unnamed argument at that position.
fn given_arg<'a>(args: &'a [ast::ExecArg], i: usize, name: &str) -> Option<&'a ast::ExecArg> {
    args.iter()
        .find(|a| {
            a.name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        })
        .or_else(|| args.get(i).filter(|a| a.name.is_none()))
}

fn cursor_name(c: &ast::CursorRef) -> String {
    match c {
        ast::CursorRef::Name(i) => i.value.to_ascii_lowercase(),
        ast::CursorRef::Variable(v) => v.to_ascii_lowercase(),
    }
}

fn no_cursor(name: &str) -> ServerError {
    if name.starts_with('@') {
        return ServerError::new(
            16950,
            format!("The variable '{name}' does not currently have a cursor allocated to it."),
        );
    }
    ServerError::new(
        16916,
        format!("A cursor with the name '{name}' does not exist."),
    )
}

fn drop_missing(kind: &str, name: &str) -> ServerError {
    ServerError::new(
        3701,
        format!(
            "Cannot drop the {kind} '{name}', because it does not exist or you do not have permission."
        ),
    )
}

pub(crate) fn now_ts() -> i64 {
    chrono::Utc::now().timestamp_micros()
}

fn stored_of(ty: &SqlType) -> StoredType {
    let text = ty.to_string();
    let (name, args) = match text.find('(') {
        Some(i) => (
            text.get(..i).unwrap_or_default().to_string(),
            text.get(i + 1..text.len().saturating_sub(1))
                .unwrap_or_default()
                .to_string(),
        ),
        None => (text.clone(), String::new()),
    };
    let args = args
        .split(',')
        .filter(|a| !a.trim().is_empty())
        .map(|a| {
            if a.trim().eq_ignore_ascii_case("max") {
                -1
            } else {
                a.trim().parse().unwrap_or(1)
            }
        })
        .collect();
    StoredType { name, args }
}

pub(crate) fn parse_expr(text: &str) -> Result<Expr, ServerError> {
    let stmts = sbroker_tsql::parse_batch(&format!("SELECT {text}"))
        .map_err(|e| ServerError::new(e.number, e.message))?;
    if let Some(StmtKind::Select(q)) = stmts.into_iter().next().map(|s| s.kind)
        && let ast::SetExpr::Select(s) = q.body
        && let Some(ast::SelectItem::Expr { expr, .. }) = s.items.into_iter().next()
    {
        return Ok(expr);
    }
    Err(ServerError::new(
        102,
        format!("Incorrect syntax near '{text}'."),
    ))
}

/// Parses a stored search condition (a CHECK constraint): `a = b` here is a comparison, not
/// the `alias = expr` of a select list.
pub(crate) fn parse_condition(text: &str) -> Result<Expr, ServerError> {
    let stmts = sbroker_tsql::parse_batch(&format!("SELECT 1 WHERE {text}"))
        .map_err(|e| ServerError::new(e.number, e.message))?;
    if let Some(StmtKind::Select(q)) = stmts.into_iter().next().map(|s| s.kind)
        && let ast::SetExpr::Select(s) = q.body
        && let Some(w) = s.selection
    {
        return Ok(w);
    }
    Err(ServerError::new(
        102,
        format!("Incorrect syntax near '{text}'."),
    ))
}

/// A parameter of sp_executesql: name, type, value, OUTPUT, the caller's variable.
type ParamDecl = (String, SqlType, Option<Value>, bool, Option<String>);

/// Parses `N'@a int, @b nvarchar(10) OUTPUT'` of sp_executesql.
fn parse_param_decls(decl: &str) -> Result<Vec<ParamDecl>, ServerError> {
    if decl.trim().is_empty() {
        return Ok(Vec::new());
    }
    let stmts = sbroker_tsql::parse_batch(&format!(
        "CREATE PROCEDURE p_sbroker_params {decl} AS RETURN"
    ))
    .map_err(|e| ServerError::new(e.number, e.message))?;
    let Some(StmtKind::CreateProcedure(p)) = stmts.into_iter().next().map(|s| s.kind) else {
        return Err(ServerError::new(
            102,
            "Incorrect syntax in the parameter definition.",
        ));
    };
    let mut out = Vec::new();
    for param in &p.params {
        out.push((
            param.name.clone(),
            sql_type_of(&param.data_type, false)?,
            None,
            param.output,
            None,
        ));
    }
    Ok(out)
}

/// Sends a relation to the sink.
pub(crate) fn emit(sink: &mut dyn ResultSink, rel: &Relation) {
    let cols: Vec<crate::Column> = rel
        .cols
        .iter()
        .map(|c| crate::Column {
            name: c.name.clone(),
            ty: c.ty,
        })
        .collect();
    sink.result_set(&cols, &rel.rows);
}

impl Executor {
    /// `EXECUTE AS { CALLER | SELF | USER = 'name' | LOGIN = 'name' }` (statement form).
    fn execute_as(&mut self, a: &ast::ExecuteAs) -> Result<(), ServerError> {
        match a {
            ast::ExecuteAs::Caller | ast::ExecuteAs::SelfPrincipal => {
                let me = self.current_user();
                self.users.push(me);
            }
            ast::ExecuteAs::Owner => self.users.push((1, "dbo".to_string())),
            ast::ExecuteAs::User(u) => {
                let id = self
                    .session
                    .principal_id(u)
                    .ok_or_else(|| crate::cannot_impersonate(u))?;
                self.impersonate(id)
                    .map_err(|_| crate::cannot_impersonate(u))?;
            }
            ast::ExecuteAs::Login(l) => {
                // The one login is `sa`, mapped to dbo.
                if !l.eq_ignore_ascii_case("sa") {
                    return Err(ServerError::new(
                        15406,
                        format!(
                            "Cannot execute as the server principal because the principal \"{l}\" does not exist, this type of principal cannot be impersonated, or you do not have permission."
                        ),
                    ));
                }
                self.users.push((1, "dbo".to_string()));
            }
        }
        Ok(())
    }
}
