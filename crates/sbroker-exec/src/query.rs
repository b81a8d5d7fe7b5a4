//! SELECT: table sources (user tables, queues, catalog views, table variables, #temp
//! tables, derived tables, CTEs), joins and APPLY, WHERE, GROUP BY/HAVING with aggregates,
//! ORDER BY, TOP, DISTINCT, UNION; FOR XML; xml methods; date functions.

use std::cmp::Ordering;

use chrono::{Datelike, Duration, NaiveDateTime, Timelike};
use sbroker_tsql::ast::{self, Expr, JoinKind, Query, Select, SelectItem, SetExpr, TableSource};
use sbroker_types::{ServerError, SqlType, StrLen, Value};

use crate::expr::{RelCol, RowCtx, has_aggregate};
use crate::tables::{self, KIND_TABLE, MemTable, TableDef};
use crate::{Executor, Var};

/// An intermediate or final relation.
#[derive(Debug, Clone, Default)]
pub(crate) struct Relation {
    pub cols: Vec<RelCol>,
    pub rows: Vec<Vec<Value>>,
}

impl Relation {
    pub(crate) fn new(cols: Vec<RelCol>) -> Self {
        Self {
            cols,
            rows: Vec::new(),
        }
    }

    fn qualify(mut self, q: &str) -> Self {
        let q = q.to_ascii_lowercase();
        for c in &mut self.cols {
            c.table = Some(q.clone());
        }
        self
    }
}

/// Where the rows of a named table come from.
pub(crate) enum TableRef {
    /// A permanent user table: database id and definition.
    User(i32, TableDef),
    /// A #temp table (key lowercased).
    Temp(String),
    /// A table variable.
    Var(String),
}

/// Rows of a table with their row ids.
pub(crate) type RowsWithIds = Vec<(i64, Vec<Value>)>;

/// Columns and `(target row id, values)` of the rows an UPDATE / DELETE works on.
pub(crate) type DmlRows = (Vec<RelCol>, RowsWithIds);

/// Name of the hidden column that carries the target's row ids through the FROM clause of
/// an UPDATE / DELETE.
pub(crate) const ROWID: &str = "$rowid";

/// The target of an UPDATE / DELETE … FROM while its FROM clause is evaluated.
#[derive(Debug, Clone)]
pub(crate) struct DmlRowid {
    /// The name the target is written with (lowercase): an alias or a table name.
    pub name: String,
    /// Identity of the target table.
    pub key: String,
    /// A FROM source was taken as the target.
    pub matched: bool,
}

impl TableRef {
    /// A key that tells tables apart (database and object id, #temp name, variable name).
    pub(crate) fn identity(&self) -> String {
        match self {
            TableRef::User(db, def) => format!("u:{db}:{}", def.object_id),
            TableRef::Temp(k) => format!("t:{k}"),
            TableRef::Var(v) => format!("v:{}", v.to_ascii_lowercase()),
        }
    }
}

pub(crate) fn col(name: &str, ty: SqlType) -> RelCol {
    RelCol {
        table: None,
        name: name.to_string(),
        ty,
    }
}

pub(crate) fn nvarchar(n: u32) -> SqlType {
    SqlType::NVarChar(StrLen::Len(n))
}

/// Columns of a queue (spec 03 §3).
pub(crate) fn queue_columns() -> Vec<RelCol> {
    vec![
        col("status", SqlType::TinyInt),
        col("priority", SqlType::TinyInt),
        col("queuing_order", SqlType::BigInt),
        col("conversation_group_id", SqlType::UniqueIdentifier),
        col("conversation_handle", SqlType::UniqueIdentifier),
        col("message_sequence_number", SqlType::BigInt),
        col("service_name", nvarchar(512)),
        col("service_id", SqlType::Int),
        col("service_contract_name", nvarchar(256)),
        col("service_contract_id", SqlType::Int),
        col("message_type_name", nvarchar(256)),
        col("message_type_id", SqlType::Int),
        col("validation", SqlType::NChar(2)),
        col("message_body", SqlType::VarBinary(StrLen::Max)),
        col("message_enqueue_time", SqlType::DateTime),
    ]
}

/// Values of a queue row, in [`queue_columns`] order.
pub(crate) fn queue_values(r: &sbroker_engine::QueueRow) -> Vec<Value> {
    vec![
        Value::TinyInt(r.status),
        Value::TinyInt(r.priority),
        Value::BigInt(r.queuing_order),
        Value::Guid(r.conversation_group_id),
        Value::Guid(r.conversation_handle),
        Value::BigInt(r.message_sequence_number),
        Value::NVarChar(r.service_name.clone()),
        Value::Int(r.service_id),
        Value::NVarChar(r.service_contract_name.clone()),
        Value::Int(r.service_contract_id),
        Value::NVarChar(r.message_type_name.clone()),
        Value::Int(r.message_type_id),
        Value::NVarChar(format!("{} ", r.validation)),
        r.message_body.clone().map_or(Value::Null, Value::Binary),
        tables::ts_to_datetime(r.message_enqueue_time),
    ]
}

impl Executor {
    /// Resolves `[db.][schema.]name` to a database id, schema and name.
    pub(crate) fn split_name(
        &self,
        name: &ast::ObjectName,
    ) -> Result<(i32, Option<String>, String), ServerError> {
        let obj = name.name().map(|i| i.value.clone()).unwrap_or_default();
        let schema = name.schema().map(|i| i.value.clone());
        let db = match name.database() {
            Some(d) => self.session.with_state(|st| st.db_id_by_name(&d.value)).ok_or_else(|| {
                ServerError::new(
                    911,
                    format!("Database '{}' does not exist. Make sure that the name is entered correctly.", d.value),
                )
            })?,
            None => self.session.database_id(),
        };
        Ok((db, schema, obj))
    }

    /// Finds a user table definition.
    pub(crate) fn find_table(&self, db: i32, schema: Option<&str>, name: &str) -> Option<TableDef> {
        let schema = schema.unwrap_or("dbo");
        let key = tables::table_key(schema, name);
        self.session.with_state(|st| {
            st.db(db)
                .and_then(|d| d.objects.get(&(KIND_TABLE.to_string(), key)))
                .and_then(|v| serde_json::from_slice::<TableDef>(v).ok())
        })
    }

    /// Resolves a DML target to a table.
    pub(crate) fn table_ref(&self, name: &ast::ObjectName) -> Result<TableRef, ServerError> {
        let obj = name.name().map(|i| i.value.clone()).unwrap_or_default();
        if obj.starts_with('#') {
            let key = obj.to_ascii_lowercase();
            if self.temp_tables.contains_key(&key) {
                return Ok(TableRef::Temp(key));
            }
            return Err(ServerError::new(
                208,
                format!("Invalid object name '{obj}'."),
            ));
        }
        let (db, schema, obj) = self.split_name(name)?;
        if let Some(def) = self.find_table(db, schema.as_deref(), &obj) {
            return Ok(TableRef::User(db, def));
        }
        let is_queue = self.session.with_state(|st| {
            st.db(db)
                .and_then(|d| d.queue_by_name(schema.as_deref(), &obj))
                .is_some()
        });
        if is_queue {
            return Err(ServerError::new(
                8662,
                format!(
                    "The queue '{obj}' cannot be modified with INSERT, UPDATE, DELETE or TRUNCATE; use SEND and RECEIVE."
                ),
            ));
        }
        Err(ServerError::new(
            208,
            format!("Invalid object name '{name}'."),
        ))
    }

    /// Rows of a table with their row ids.
    pub(crate) fn table_rows(&self, t: &TableRef) -> Result<(TableDef, RowsWithIds), ServerError> {
        match t {
            TableRef::User(db, def) => {
                let raw: Vec<(i64, std::sync::Arc<Vec<u8>>)> = self.session.with_state(|st| {
                    st.db(*db)
                        .and_then(|d| d.user_rows.get(&i64::from(def.object_id)))
                        .map(|rows| rows.iter().map(|(k, v)| (*k, v.clone())).collect())
                        .unwrap_or_default()
                });
                let mut out = Vec::with_capacity(raw.len());
                for (id, bytes) in raw {
                    out.push((id, tables::decode_row(&bytes)?));
                }
                Ok((def.clone(), out))
            }
            TableRef::Temp(key) => {
                let t = self.temp_tables.get(key).ok_or_else(|| {
                    ServerError::new(208, format!("Invalid object name '{key}'."))
                })?;
                Ok((
                    t.def.clone(),
                    t.rows.iter().map(|(k, v)| (*k, v.clone())).collect(),
                ))
            }
            TableRef::Var(name) => {
                let t = self.table_var(name)?;
                Ok((
                    t.def.clone(),
                    t.rows.iter().map(|(k, v)| (*k, v.clone())).collect(),
                ))
            }
        }
    }

    pub(crate) fn table_var(&self, name: &str) -> Result<&MemTable, ServerError> {
        match self
            .frames
            .last()
            .and_then(|f| f.vars.get(&name.to_ascii_lowercase()))
        {
            Some(Var::Table(t)) => Ok(t),
            _ => Err(ServerError::new(
                1087,
                format!("Must declare the table variable \"{name}\"."),
            )),
        }
    }

    pub(crate) fn relation_of_table(&self, t: &TableRef) -> Result<Relation, ServerError> {
        let (def, rows) = self.table_rows(t)?;
        let types = def.types()?;
        let cols = def
            .columns
            .iter()
            .zip(types)
            .map(|(c, ty)| col(&c.name, ty))
            .collect();
        Ok(Relation {
            cols,
            rows: rows.into_iter().map(|(_, r)| r).collect(),
        })
    }

    /// A table's rows; when it is the target of the UPDATE / DELETE … FROM being evaluated
    /// (written with the target's name or alias), with the hidden row-id column.
    fn relation_for_dml(
        &mut self,
        t: &TableRef,
        obj: &str,
        alias: Option<&ast::Ident>,
    ) -> Result<Relation, ServerError> {
        let wanted = self.dml_rowid.as_ref().is_some_and(|d| {
            !d.matched
                && d.key == t.identity()
                && (alias.is_some_and(|a| a.value.eq_ignore_ascii_case(&d.name))
                    || obj.eq_ignore_ascii_case(&d.name))
        });
        if !wanted {
            return self.relation_of_table(t);
        }
        if let Some(d) = self.dml_rowid.as_mut() {
            d.matched = true;
        }
        self.relation_with_rowids(t)
    }

    /// A table's rows with the hidden row-id column last.
    pub(crate) fn relation_with_rowids(&self, t: &TableRef) -> Result<Relation, ServerError> {
        let (def, rows) = self.table_rows(t)?;
        let types = def.types()?;
        let mut cols: Vec<RelCol> = def
            .columns
            .iter()
            .zip(types)
            .map(|(c, ty)| col(&c.name, ty))
            .collect();
        cols.push(col(ROWID, SqlType::BigInt));
        Ok(Relation {
            cols,
            rows: rows
                .into_iter()
                .map(|(id, mut r)| {
                    r.push(Value::BigInt(id));
                    r
                })
                .collect(),
        })
    }

    /// The rows an UPDATE / DELETE … FROM works on: the joined FROM rows (the target's own
    /// source, or the target cross-joined when FROM does not name it), each with the target
    /// row id. Returns the columns and `(row id, joined values)`.
    pub(crate) fn dml_from_rows(
        &mut self,
        t: &TableRef,
        target_name: &str,
        from: &[ast::TableWithJoins],
    ) -> Result<DmlRows, ServerError> {
        self.dml_rowid = Some(DmlRowid {
            name: target_name.to_ascii_lowercase(),
            key: t.identity(),
            matched: false,
        });
        let joined = self.from_relation(from, None);
        let state = self.dml_rowid.take();
        let mut rel = joined?;
        if !state.is_some_and(|d| d.matched) {
            let target = self.relation_with_rowids(t)?.qualify(target_name);
            rel = cross(target, rel);
        }
        let pos = rel
            .cols
            .iter()
            .position(|c| c.name == ROWID)
            .ok_or_else(|| ServerError::new(40000, "internal: no target row id"))?;
        let rows = rel
            .rows
            .into_iter()
            .filter_map(|r| match r.get(pos) {
                Some(Value::BigInt(id)) => Some((*id, r)),
                _ => None,
            })
            .collect();
        Ok((rel.cols, rows))
    }

    /// The rows of a MERGE source (a table, table variable, derived table …), qualified by
    /// its alias.
    pub(crate) fn merge_source(&mut self, src: &TableSource) -> Result<Relation, ServerError> {
        self.source_relation(src, None)
    }

    /// Rows of one table source.
    fn source_relation(
        &mut self,
        src: &TableSource,
        outer: Option<&RowCtx<'_>>,
    ) -> Result<Relation, ServerError> {
        match src {
            TableSource::Table { name, alias, .. } => {
                let obj = name.name().map(|i| i.value.clone()).unwrap_or_default();
                let qual = alias.as_ref().map_or(obj.clone(), |a| a.value.clone());
                // Inside a trigger, `inserted` and `deleted` are tables.
                if name.parts.len() == 1
                    && let Some(rel) = self.trigger_table(&obj)
                {
                    return Ok(rel.qualify(&qual));
                }
                // CTEs shadow everything else.
                if name.parts.len() == 1
                    && let Some((_, rel)) = self
                        .ctes
                        .iter()
                        .rev()
                        .find(|(n, _)| n.eq_ignore_ascii_case(&obj))
                {
                    return Ok(rel.clone().qualify(&qual));
                }
                let schema = name.schema().map(|i| i.value.to_ascii_lowercase());
                if matches!(schema.as_deref(), Some("sys") | Some("information_schema")) {
                    let (db, _, _) = self.split_name(name)?;
                    let view = format!(
                        "{}.{}",
                        schema.unwrap_or_default(),
                        obj.to_ascii_lowercase()
                    );
                    let rel = crate::sysviews::view(self, db, &view)?.ok_or_else(|| {
                        ServerError::new(208, format!("Invalid object name '{name}'."))
                    })?;
                    return Ok(rel.qualify(&qual));
                }
                if obj.starts_with('#') {
                    let tr = TableRef::Temp(obj.to_ascii_lowercase());
                    let r = self.relation_for_dml(&tr, &obj, alias.as_ref())?;
                    return Ok(r.qualify(&qual));
                }
                let (db, schema, obj) = self.split_name(name)?;
                if let Some(def) = self.find_table(db, schema.as_deref(), &obj) {
                    let tr = TableRef::User(db, def);
                    return Ok(self
                        .relation_for_dml(&tr, &obj, alias.as_ref())?
                        .qualify(&qual));
                }
                if let Some(rel) = self.view_relation(db, schema.as_deref(), &obj)? {
                    return Ok(rel.qualify(&qual));
                }
                let queue = self.session.with_state(|st| {
                    st.db(db)
                        .and_then(|d| d.queue_by_name(schema.as_deref(), &obj))
                        .map(|q| q.id)
                        .map(|qid| sbroker_engine::queue_rows(st, db, qid))
                });
                if let Some(rows) = queue {
                    let mut rel = Relation::new(queue_columns());
                    rel.rows = rows.iter().map(queue_values).collect();
                    return Ok(rel.qualify(&qual));
                }
                Err(ServerError::new(
                    208,
                    format!("Invalid object name '{name}'."),
                ))
            }
            TableSource::Variable { name, alias } => {
                let rel =
                    self.relation_for_dml(&TableRef::Var(name.clone()), name, alias.as_ref())?;
                Ok(rel.qualify(&alias.as_ref().map_or(name.clone(), |a| a.value.clone())))
            }
            TableSource::Derived {
                query,
                alias,
                columns,
            } => {
                let mut rel = self.run_query(query, outer)?;
                for (c, name) in rel.cols.iter_mut().zip(columns) {
                    c.name = name.value.clone();
                }
                Ok(match alias {
                    Some(a) => rel.qualify(&a.value),
                    None => rel,
                })
            }
            TableSource::Function {
                expr,
                alias,
                columns,
                json_schema,
            } => {
                let ctx = outer.copied().unwrap_or(RowCtx::EMPTY);
                let rel = match self.builtin_table_function(expr, &ctx, json_schema)? {
                    Some(r) => r,
                    None => self.table_function(expr, &ctx, columns)?,
                };
                Ok(match alias {
                    Some(a) => rel.qualify(&a.value),
                    None => rel,
                })
            }
            TableSource::Nested(t) => self.from_relation(std::slice::from_ref(t.as_ref()), outer),
        }
    }

    fn table_function(
        &mut self,
        expr: &Expr,
        row: &RowCtx<'_>,
        columns: &[ast::Ident],
    ) -> Result<Relation, ServerError> {
        if let Expr::Function(fc) = expr {
            let mut rel = self
                .call_table_function(&fc.name, &fc.args, row)?
                .ok_or_else(|| {
                    ServerError::new(208, format!("Invalid object name '{}'.", fc.name))
                })?;
            for (c, name) in rel.cols.iter_mut().zip(columns) {
                c.name = name.value.clone();
            }
            let last = fc.name.name().map_or(String::new(), |i| i.value.clone());
            return Ok(rel.qualify(&last));
        }
        let Expr::MethodCall {
            target,
            method,
            args,
        } = expr
        else {
            return Err(ServerError::new(
                208,
                "Only user table-valued functions and xml nodes() can be used in FROM.",
            ));
        };
        if !method.value.eq_ignore_ascii_case("nodes") {
            return Err(ServerError::new(
                208,
                format!("'{}' is not a table-valued method.", method.value),
            ));
        }
        let t = self.eval(target, row)?;
        let path = match args.first() {
            Some(a) => self.eval(a, row)?,
            None => Value::Null,
        };
        let name = columns.first().map_or("c".to_string(), |c| c.value.clone());
        let mut rel = Relation::new(vec![col(&name, SqlType::Xml)]);
        if let (Some(xml), Value::VarChar(p) | Value::NVarChar(p)) = (xml_text(&t)?, path) {
            let ns = self.xml_namespaces.clone();
            for frag in crate::xpath::nodes(&xml, &p, &ns, self)? {
                rel.rows.push(vec![Value::Xml(frag)]);
            }
        }
        Ok(rel)
    }

    /// FROM list with joins → one relation.
    #[allow(clippy::wrong_self_convention)]
    fn from_relation(
        &mut self,
        from: &[ast::TableWithJoins],
        outer: Option<&RowCtx<'_>>,
    ) -> Result<Relation, ServerError> {
        let mut acc: Option<Relation> = None;
        for twj in from {
            let mut rel = self.source_relation(&twj.source, outer)?;
            for j in &twj.joins {
                rel = self.join(rel, j, outer)?;
            }
            acc = Some(match acc {
                None => rel,
                Some(left) => cross(left, rel),
            });
        }
        Ok(acc.unwrap_or_else(|| Relation {
            cols: Vec::new(),
            rows: vec![Vec::new()],
        }))
    }

    fn join(
        &mut self,
        left: Relation,
        j: &ast::Join,
        outer: Option<&RowCtx<'_>>,
    ) -> Result<Relation, ServerError> {
        let apply = matches!(j.kind, JoinKind::CrossApply | JoinKind::OuterApply);
        let right_static = if apply {
            None
        } else {
            Some(self.source_relation(&j.source, outer)?)
        };
        let mut cols = left.cols.clone();
        let mut out_rows = Vec::new();
        let mut right_cols: Vec<RelCol> = right_static
            .as_ref()
            .map(|r| r.cols.clone())
            .unwrap_or_default();
        let mut right_matched = vec![false; right_static.as_ref().map_or(0, |r| r.rows.len())];
        for lrow in &left.rows {
            let right = match &right_static {
                Some(r) => r.clone(),
                None => {
                    let lctx = RowCtx {
                        cols: &left.cols,
                        vals: lrow,
                        group: None,
                        outer,
                    };
                    let r = self.source_relation(&j.source, Some(&lctx))?;
                    if right_cols.is_empty() {
                        right_cols = r.cols.clone();
                    }
                    r
                }
            };
            let mut matched = false;
            for (ri, rrow) in right.rows.iter().enumerate() {
                let mut combined = lrow.clone();
                combined.extend(rrow.iter().cloned());
                let ok = match &j.on {
                    Some(on) => {
                        let mut all = left.cols.clone();
                        all.extend(right.cols.iter().cloned());
                        let ctx = RowCtx {
                            cols: &all,
                            vals: &combined,
                            group: None,
                            outer,
                        };
                        self.eval_pred(on, &ctx)? == Some(true)
                    }
                    None => true,
                };
                if ok {
                    matched = true;
                    if let Some(m) = right_matched.get_mut(ri) {
                        *m = true;
                    }
                    out_rows.push(combined);
                }
            }
            if !matched
                && matches!(
                    j.kind,
                    JoinKind::LeftOuter | JoinKind::FullOuter | JoinKind::OuterApply
                )
            {
                let mut combined = lrow.clone();
                combined.extend(std::iter::repeat_n(
                    Value::Null,
                    right.cols.len().max(right_cols.len()),
                ));
                out_rows.push(combined);
            }
        }
        if matches!(j.kind, JoinKind::RightOuter | JoinKind::FullOuter)
            && let Some(r) = &right_static
        {
            for (ri, rrow) in r.rows.iter().enumerate() {
                if !right_matched.get(ri).copied().unwrap_or(true) {
                    let mut combined: Vec<Value> =
                        std::iter::repeat_n(Value::Null, left.cols.len()).collect();
                    combined.extend(rrow.iter().cloned());
                    out_rows.push(combined);
                }
            }
        }
        cols.extend(right_cols);
        Ok(Relation {
            cols,
            rows: out_rows,
        })
    }

    /// Runs a query and returns its relation.
    pub(crate) fn run_query(
        &mut self,
        q: &Query,
        outer: Option<&RowCtx<'_>>,
    ) -> Result<Relation, ServerError> {
        let ctes_before = self.ctes.len();
        let ns_before = self.xml_namespaces.len();
        if let Some(w) = &q.with {
            for ns in &w.xml_namespaces {
                self.xml_namespaces
                    .push((ns.prefix.as_ref().map(|p| p.value.clone()), ns.uri.clone()));
            }
            for cte in &w.ctes {
                let rel = match self.recursive_cte(cte, outer) {
                    Some(r) => r,
                    None => self.run_query(&cte.query, outer),
                };
                let rel = match rel {
                    Ok(r) => r,
                    Err(e) => {
                        self.ctes.truncate(ctes_before);
                        self.xml_namespaces.truncate(ns_before);
                        return Err(e);
                    }
                };
                let mut rel = rel;
                for (c, n) in rel.cols.iter_mut().zip(&cte.columns) {
                    c.name = n.value.clone();
                }
                self.ctes.push((cte.name.value.clone(), rel));
            }
        }
        let result = self.run_query_body(q, outer);
        self.ctes.truncate(ctes_before);
        self.xml_namespaces.truncate(ns_before);
        let rel = result?;
        match (&q.for_xml, &q.for_json) {
            (Some(fx), _) => for_xml(&rel, fx),
            (None, Some(fj)) => crate::json::for_json(&rel, fj),
            (None, None) => Ok(rel),
        }
    }

    /// The values of one window function call for every row, and their type: rows are
    /// split by PARTITION BY and ordered by ORDER BY; ROW_NUMBER, RANK, DENSE_RANK, NTILE,
    /// LAG, LEAD, FIRST_VALUE / LAST_VALUE, and the aggregates (over the partition, or
    /// running up to the current row's peers when there is an ORDER BY).
    fn window_values(
        &mut self,
        f: &ast::FunctionCall,
        cols: &[RelCol],
        rows: &[Vec<Value>],
        outer: Option<&RowCtx<'_>>,
    ) -> Result<(Vec<Value>, SqlType), ServerError> {
        let Some(w) = f.over.as_deref() else {
            return Ok((vec![Value::Null; rows.len()], SqlType::Int));
        };
        let name = f
            .name
            .name()
            .map(|i| i.value.to_ascii_uppercase())
            .unwrap_or_default();
        let mut parts: Vec<Vec<Value>> = Vec::with_capacity(rows.len());
        let mut keys: Vec<Vec<Value>> = Vec::with_capacity(rows.len());
        for r in rows {
            let ctx = RowCtx {
                cols,
                vals: r,
                group: None,
                outer,
            };
            let mut p = Vec::new();
            for e in &w.partition_by {
                p.push(self.eval(e, &ctx)?);
            }
            let mut k = Vec::new();
            for o in &w.order_by {
                k.push(self.eval(&o.expr, &ctx)?);
            }
            parts.push(p);
            keys.push(k);
        }
        // Partitions in first-seen order, each a list of row indexes.
        let mut partitions: Vec<Vec<usize>> = Vec::new();
        for i in 0..rows.len() {
            let mut found = None;
            for (pi, members) in partitions.iter().enumerate() {
                if let Some(&first) = members.first()
                    && rows_equal(&parts[first], &parts[i])?
                {
                    found = Some(pi);
                    break;
                }
            }
            match found {
                Some(pi) => partitions[pi].push(i),
                None => partitions.push(vec![i]),
            }
        }
        let cmp_keys = |a: &[Value], b: &[Value]| -> Ordering {
            for ((x, y), o) in a.iter().zip(b).zip(&w.order_by) {
                let c = cmp_values(x, y);
                let c = if o.desc { c.reverse() } else { c };
                if c != Ordering::Equal {
                    return c;
                }
            }
            Ordering::Equal
        };
        let mut out = vec![Value::Null; rows.len()];
        let mut ty = SqlType::BigInt;
        for members in &mut partitions {
            members.sort_by(|&a, &b| cmp_keys(&keys[a], &keys[b]));
            let n = members.len();
            let mut rank = 0usize;
            let mut dense = 0usize;
            for (pos, &i) in members.iter().enumerate() {
                let new_peer =
                    pos == 0 || cmp_keys(&keys[members[pos - 1]], &keys[i]) != Ordering::Equal;
                if new_peer {
                    rank = pos + 1;
                    dense += 1;
                }
                // The rows up to the last peer of the current one (default frame).
                let peers_end = (pos..n)
                    .take_while(|&q| cmp_keys(&keys[members[q]], &keys[i]) == Ordering::Equal)
                    .last()
                    .unwrap_or(pos)
                    + 1;
                let arg_at = |ex: &mut Self, at: usize, k: usize| -> Result<Value, ServerError> {
                    match f.args.get(k) {
                        Some(e) => ex.eval(
                            e,
                            &RowCtx {
                                cols,
                                vals: &rows[at],
                                group: None,
                                outer,
                            },
                        ),
                        None => Ok(Value::Null),
                    }
                };
                out[i] = match name.as_str() {
                    "ROW_NUMBER" => Value::BigInt(pos as i64 + 1),
                    "RANK" => Value::BigInt(rank as i64),
                    "DENSE_RANK" => Value::BigInt(dense as i64),
                    "NTILE" => {
                        let buckets = match arg_at(self, i, 0)?.cast(&SqlType::BigInt)? {
                            Value::BigInt(b) if b > 0 => b as usize,
                            _ => {
                                return Err(ServerError::new(
                                    4110,
                                    "The argument type of the NTILE function must be a positive integer.",
                                ));
                            }
                        };
                        let (q, r) = (n / buckets, n % buckets);
                        // The first r buckets have q + 1 rows.
                        let big = r * (q + 1);
                        let b = if pos < big {
                            pos / (q + 1)
                        } else {
                            r + (pos - big) / q.max(1)
                        };
                        Value::BigInt(b as i64 + 1)
                    }
                    "LAG" | "LEAD" => {
                        let off = match f.args.get(1) {
                            Some(_) => match arg_at(self, i, 1)?.cast(&SqlType::BigInt)? {
                                Value::BigInt(o) => o,
                                _ => 1,
                            },
                            None => 1,
                        };
                        let target = if name == "LAG" {
                            pos as i64 - off
                        } else {
                            pos as i64 + off
                        };
                        if (0..n as i64).contains(&target) {
                            arg_at(self, members[target as usize], 0)?
                        } else {
                            arg_at(self, i, 2)?
                        }
                    }
                    "FIRST_VALUE" => arg_at(self, members[0], 0)?,
                    "LAST_VALUE" => arg_at(self, members[peers_end - 1], 0)?,
                    _ => {
                        let frame: Vec<Vec<Value>> = if w.order_by.is_empty() {
                            members.iter().map(|&m| rows[m].clone()).collect()
                        } else {
                            members[..peers_end]
                                .iter()
                                .map(|&m| rows[m].clone())
                                .collect()
                        };
                        let ctx = RowCtx {
                            cols,
                            vals: &rows[i],
                            group: Some(&frame),
                            outer,
                        };
                        let plain = ast::FunctionCall {
                            over: None,
                            ..f.clone()
                        };
                        self.eval(&Expr::Function(Box::new(plain)), &ctx)?
                    }
                };
                if !out[i].is_null() {
                    ty = out[i].sql_type();
                }
            }
        }
        Ok((out, ty))
    }

    /// A recursive CTE (`anchor UNION ALL member`, the member naming the CTE): the anchor
    /// rows, then the member run on the rows of the previous round until it returns none.
    /// `None` when the CTE is not recursive. More than 100 rounds is error 530, as SQL
    /// Server's default MAXRECURSION.
    fn recursive_cte(
        &mut self,
        cte: &ast::Cte,
        outer: Option<&RowCtx<'_>>,
    ) -> Option<Result<Relation, ServerError>> {
        let SetExpr::SetOperation {
            left,
            op: ast::SetOperator::UnionAll,
            right,
        } = &cte.query.body
        else {
            return None;
        };
        let name = cte.name.value.to_ascii_lowercase();
        let text = right.to_string().to_ascii_lowercase();
        let refers = text
            .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '#' || c == '@'))
            .any(|w| w.trim_matches(|c| c == '[' || c == ']') == name);
        if !refers {
            return None;
        }
        Some((|| {
            let mut anchor = self.run_set_expr(left, outer)?;
            for (c, n) in anchor.cols.iter_mut().zip(&cte.columns) {
                c.name = n.value.clone();
            }
            let cols = anchor.cols.clone();
            let mut all = anchor.rows.clone();
            let mut delta = anchor;
            let mut rounds = 0;
            while !delta.rows.is_empty() {
                if rounds >= 100 {
                    return Err(ServerError::new(
                        530,
                        "The statement terminated. The maximum recursion 100 has been exhausted before statement completion.",
                    ));
                }
                rounds += 1;
                self.ctes.push((cte.name.value.clone(), delta));
                let next = self.run_set_expr(right, outer);
                self.ctes.pop();
                let next = next?;
                all.extend(next.rows.iter().cloned());
                delta = Relation {
                    cols: cols.clone(),
                    rows: next.rows,
                };
            }
            Ok(Relation { cols, rows: all })
        })())
    }

    fn run_query_body(
        &mut self,
        q: &Query,
        outer: Option<&RowCtx<'_>>,
    ) -> Result<Relation, ServerError> {
        match &q.body {
            SetExpr::Select(sel) => self.run_select(sel, &q.order_by, outer),
            other => {
                let mut rel = self.run_set_expr(other, outer)?;
                if !q.order_by.is_empty() {
                    let mut keyed = Vec::with_capacity(rel.rows.len());
                    for r in std::mem::take(&mut rel.rows) {
                        let ctx = RowCtx {
                            cols: &rel.cols,
                            vals: &r,
                            group: None,
                            outer,
                        };
                        let mut keys = Vec::new();
                        for o in &q.order_by {
                            keys.push(self.order_key(&o.expr, &ctx, &rel.cols, &r)?);
                        }
                        keyed.push((keys, r));
                    }
                    sort_keyed(&mut keyed, &q.order_by);
                    rel.rows = keyed.into_iter().map(|(_, r)| r).collect();
                }
                Ok(rel)
            }
        }
    }

    fn run_set_expr(
        &mut self,
        s: &SetExpr,
        outer: Option<&RowCtx<'_>>,
    ) -> Result<Relation, ServerError> {
        match s {
            SetExpr::Select(sel) => self.run_select(sel, &[], outer),
            SetExpr::Query(q) => self.run_query(q, outer),
            SetExpr::SetOperation { left, op, right } => {
                let mut l = self.run_set_expr(left, outer)?;
                let r = self.run_set_expr(right, outer)?;
                if l.cols.len() != r.cols.len() {
                    return Err(ServerError::new(
                        205,
                        "All queries combined using a UNION, INTERSECT or EXCEPT operator must have an equal number of expressions in their target lists.",
                    ));
                }
                match op {
                    ast::SetOperator::UnionAll => l.rows.extend(r.rows),
                    ast::SetOperator::Union => {
                        l.rows.extend(r.rows);
                        l.rows = dedup_rows(std::mem::take(&mut l.rows))?;
                    }
                    ast::SetOperator::Except => {
                        let mut keep = Vec::new();
                        for row in dedup_rows(l.rows)? {
                            if !contains_row(&r.rows, &row)? {
                                keep.push(row);
                            }
                        }
                        l.rows = keep;
                    }
                    ast::SetOperator::Intersect => {
                        let mut keep = Vec::new();
                        for row in dedup_rows(l.rows)? {
                            if contains_row(&r.rows, &row)? {
                                keep.push(row);
                            }
                        }
                        l.rows = keep;
                    }
                }
                Ok(l)
            }
        }
    }

    fn order_key(
        &mut self,
        e: &Expr,
        src: &RowCtx<'_>,
        out_cols: &[RelCol],
        out_vals: &[Value],
    ) -> Result<Value, ServerError> {
        if let Expr::Literal(ast::Literal::Integer(n)) = e {
            return Ok(out_vals
                .get((*n as usize).saturating_sub(1))
                .cloned()
                .unwrap_or(Value::Null));
        }
        if let Expr::Column(name) = e
            && name.parts.len() == 1
        {
            let n = name.name().map(|i| i.value.as_str()).unwrap_or_default();
            if let Some(i) = out_cols.iter().position(|c| c.name.eq_ignore_ascii_case(n)) {
                return Ok(out_vals.get(i).cloned().unwrap_or(Value::Null));
            }
        }
        self.eval(e, src)
    }

    /// One SELECT (no set operations). Assignment items assign per row and return no rows.
    pub(crate) fn run_select(
        &mut self,
        sel: &Select,
        order_by: &[ast::OrderByItem],
        outer: Option<&RowCtx<'_>>,
    ) -> Result<Relation, ServerError> {
        let mut src = self.from_relation(&sel.from, outer)?;
        let mut rows = Vec::with_capacity(src.rows.len());
        for r in std::mem::take(&mut src.rows) {
            let keep = match &sel.selection {
                Some(w) => {
                    let ctx = RowCtx {
                        cols: &src.cols,
                        vals: &r,
                        group: None,
                        outer,
                    };
                    self.eval_pred(w, &ctx)? == Some(true)
                }
                None => true,
            };
            if keep {
                rows.push(r);
            }
        }
        // Window functions (`… OVER (…)`) are computed over the filtered rows and carried
        // as hidden columns the function calls then read (see `window_column`).
        let visible_cols = src.cols.len();
        let mut calls: Vec<&ast::FunctionCall> = Vec::new();
        for item in &sel.items {
            if let SelectItem::Expr { expr, .. } | SelectItem::Assign { expr, .. } = item {
                crate::expr::window_calls(expr, &mut calls);
            }
        }
        for o in order_by {
            crate::expr::window_calls(&o.expr, &mut calls);
        }
        for f in calls {
            let values = self.window_values(f, &src.cols, &rows, outer)?;
            src.cols.push(col(&crate::expr::window_column(f), values.1));
            for (r, v) in rows.iter_mut().zip(values.0) {
                r.push(v);
            }
        }
        let aggregate = !sel.group_by.is_empty()
            || sel.items.iter().any(|i| match i {
                SelectItem::Expr { expr, .. } | SelectItem::Assign { expr, .. } => {
                    has_aggregate(expr)
                }
                _ => false,
            })
            || sel.having.as_ref().is_some_and(has_aggregate);
        // Each output unit: a representative row and, when grouping, the group's rows.
        #[allow(clippy::type_complexity)]
        let units: Vec<(Vec<Value>, Option<Vec<Vec<Value>>>)> = if aggregate {
            let mut groups: Vec<(Vec<Value>, Vec<Vec<Value>>)> = Vec::new();
            for r in rows {
                let ctx = RowCtx {
                    cols: &src.cols,
                    vals: &r,
                    group: None,
                    outer,
                };
                let mut key = Vec::with_capacity(sel.group_by.len());
                for g in &sel.group_by {
                    key.push(self.eval(g, &ctx)?);
                }
                let mut found = None;
                for (i, (k, _)) in groups.iter().enumerate() {
                    if rows_equal(k, &key)? {
                        found = Some(i);
                        break;
                    }
                }
                match found.and_then(|i| groups.get_mut(i)) {
                    Some((_, members)) => members.push(r),
                    None => groups.push((key, vec![r])),
                }
            }
            if groups.is_empty() && sel.group_by.is_empty() {
                groups.push((Vec::new(), Vec::new()));
            }
            let width = src.cols.len();
            let mut units = Vec::new();
            for (_, members) in groups {
                let rep = members
                    .first()
                    .cloned()
                    .unwrap_or_else(|| vec![Value::Null; width]);
                if let Some(h) = &sel.having {
                    let ctx = RowCtx {
                        cols: &src.cols,
                        vals: &rep,
                        group: Some(&members),
                        outer,
                    };
                    if self.eval_pred(h, &ctx)? != Some(true) {
                        continue;
                    }
                }
                units.push((rep, Some(members)));
            }
            units
        } else {
            rows.into_iter().map(|r| (r, None)).collect()
        };
        let assigning = sel
            .items
            .iter()
            .any(|i| matches!(i, SelectItem::Assign { .. }));
        if assigning {
            if sel
                .items
                .iter()
                .any(|i| !matches!(i, SelectItem::Assign { .. }))
            {
                return Err(ServerError::new(
                    141,
                    "A SELECT statement that assigns a value to a variable must not be combined with data-retrieval operations.",
                ));
            }
            let limit = self.top_limit(sel, outer)?;
            let mut n = 0i64;
            for (rep, group) in units.iter().take(limit) {
                let ctx = RowCtx {
                    cols: &src.cols,
                    vals: rep,
                    group: group.as_deref(),
                    outer,
                };
                for item in &sel.items {
                    if let SelectItem::Assign { variable, op, expr } = item {
                        let v = self.eval(expr, &ctx)?;
                        let v = crate::stmt::apply_assign_op(self, variable, *op, v)?;
                        self.set_var(variable, v)?;
                    }
                }
                n += 1;
            }
            self.rowcount = n;
            return Ok(Relation::default());
        }
        // Output columns.
        let mut out_cols: Vec<RelCol> = Vec::new();
        for item in &sel.items {
            match item {
                SelectItem::Wildcard => {
                    out_cols.extend(src.cols.iter().take(visible_cols).cloned())
                }
                SelectItem::QualifiedWildcard(q) => {
                    let qn = q
                        .name()
                        .map(|i| i.value.to_ascii_lowercase())
                        .unwrap_or_default();
                    out_cols.extend(
                        src.cols
                            .iter()
                            .filter(|c| c.table.as_deref() == Some(qn.as_str()))
                            .cloned(),
                    );
                }
                SelectItem::Expr { expr, alias } => out_cols.push(RelCol {
                    table: None,
                    name: alias
                        .as_ref()
                        .map_or_else(|| default_column_name(expr), |a| a.value.clone()),
                    ty: static_type(expr, &src.cols, &|v| self.var_type(v)),
                }),
                SelectItem::Assign { .. } => {}
            }
        }
        let mut out: Vec<(Vec<Value>, Vec<Value>)> = Vec::with_capacity(units.len());
        for (rep, group) in &units {
            let ctx = RowCtx {
                cols: &src.cols,
                vals: rep,
                group: group.as_deref(),
                outer,
            };
            let mut vals = Vec::with_capacity(out_cols.len());
            for item in &sel.items {
                match item {
                    SelectItem::Wildcard => vals.extend(rep.iter().take(visible_cols).cloned()),
                    SelectItem::QualifiedWildcard(q) => {
                        let qn = q
                            .name()
                            .map(|i| i.value.to_ascii_lowercase())
                            .unwrap_or_default();
                        for (c, v) in src.cols.iter().zip(rep) {
                            if c.table.as_deref() == Some(qn.as_str()) {
                                vals.push(v.clone());
                            }
                        }
                    }
                    SelectItem::Expr { expr, .. } => vals.push(self.eval(expr, &ctx)?),
                    SelectItem::Assign { .. } => {}
                }
            }
            let mut keys = Vec::with_capacity(order_by.len());
            for o in order_by {
                keys.push(self.order_key(&o.expr, &ctx, &out_cols, &vals)?);
            }
            out.push((keys, vals));
        }
        if !order_by.is_empty() {
            sort_keyed(&mut out, order_by);
        }
        let mut rows: Vec<Vec<Value>> = out.into_iter().map(|(_, v)| v).collect();
        if sel.distinct {
            rows = dedup_rows(rows)?;
        }
        let limit = self.top_limit(sel, outer)?;
        rows.truncate(limit);
        // Types from values where the static guess was unknown.
        for (i, c) in out_cols.iter_mut().enumerate() {
            if c.ty == SqlType::Int
                && let Some(v) = rows.iter().filter_map(|r| r.get(i)).find(|v| !v.is_null())
            {
                c.ty = v.sql_type();
            }
        }
        Ok(Relation {
            cols: out_cols,
            rows,
        })
    }

    fn top_limit(
        &mut self,
        sel: &Select,
        outer: Option<&RowCtx<'_>>,
    ) -> Result<usize, ServerError> {
        match &sel.top {
            None => Ok(usize::MAX),
            Some(t) => {
                let ctx = outer.copied().unwrap_or(RowCtx::EMPTY);
                let v = self.eval(&t.quantity, &ctx)?;
                match v.cast(&SqlType::BigInt)? {
                    Value::BigInt(n) if n >= 0 => Ok(n as usize),
                    _ => Err(ServerError::new(
                        1060,
                        "The number of rows in the TOP clause must be an integer.",
                    )),
                }
            }
        }
    }
}

fn default_column_name(e: &Expr) -> String {
    match e {
        Expr::Column(n) => n.name().map(|i| i.value.clone()).unwrap_or_default(),
        _ => String::new(),
    }
}

/// A best-effort static type of a select expression; `Int` means "learn from values".
fn static_type(e: &Expr, cols: &[RelCol], var_type: &dyn Fn(&str) -> Option<SqlType>) -> SqlType {
    match e {
        // A variable's declared type, even when it holds NULL.
        Expr::Variable(v) => var_type(v).unwrap_or(SqlType::Int),
        Expr::Nested(inner) => static_type(inner, cols, var_type),
        Expr::Literal(ast::Literal::String { national, .. }) => {
            if *national {
                nvarchar(4000)
            } else {
                SqlType::VarChar(StrLen::Len(8000))
            }
        }
        // String concatenation keeps the string type even when the result is NULL.
        Expr::Binary {
            left,
            op: ast::BinaryOp::Add,
            right,
        } => {
            let l = static_type(left, cols, var_type);
            let r = static_type(right, cols, var_type);
            let is_str = |t: &SqlType| {
                matches!(
                    t,
                    SqlType::VarChar(_)
                        | SqlType::NVarChar(_)
                        | SqlType::Char(_)
                        | SqlType::NChar(_)
                )
            };
            let is_null = |e: &Expr| matches!(e, Expr::Literal(ast::Literal::Null));
            if (is_str(&l) || is_null(left))
                && (is_str(&r) || is_null(right))
                && !(is_null(left) && is_null(right))
            {
                if matches!(l, SqlType::NVarChar(_) | SqlType::NChar(_))
                    || matches!(r, SqlType::NVarChar(_) | SqlType::NChar(_))
                {
                    nvarchar(4000)
                } else {
                    SqlType::VarChar(StrLen::Len(8000))
                }
            } else {
                SqlType::Int
            }
        }
        // Functions that may return NULL: their declared result types.
        Expr::Function(f) if f.name.parts.len() == 1 => {
            let name = f
                .name
                .name()
                .map(|i| i.value.to_ascii_uppercase())
                .unwrap_or_default();
            match name.as_str() {
                "ERROR_MESSAGE" | "GET_TRANSMISSION_STATUS" => nvarchar(4000),
                "ERROR_PROCEDURE" | "DB_NAME" | "OBJECT_NAME" | "USER_NAME" | "SUSER_SNAME"
                | "SCHEMA_NAME" => nvarchar(128),
                "NEWID" => SqlType::UniqueIdentifier,
                "GETDATE" | "GETUTCDATE" => SqlType::DateTime,
                "SYSDATETIME" | "SYSUTCDATETIME" => SqlType::DateTime2(7),
                _ => SqlType::Int,
            }
        }
        Expr::Column(n) => {
            let name = n.name().map(|i| i.value.as_str()).unwrap_or_default();
            cols.iter()
                .find(|c| c.name.eq_ignore_ascii_case(name))
                .map_or(SqlType::Int, |c| c.ty)
        }
        Expr::Cast { data_type, .. } | Expr::Convert { data_type, .. } => {
            crate::expr::sql_type_of(data_type, true).unwrap_or(SqlType::Int)
        }
        _ => SqlType::Int,
    }
}

fn cross(left: Relation, right: Relation) -> Relation {
    let mut cols = left.cols;
    cols.extend(right.cols);
    let mut rows = Vec::with_capacity(left.rows.len() * right.rows.len());
    for l in &left.rows {
        for r in &right.rows {
            let mut row = l.clone();
            row.extend(r.iter().cloned());
            rows.push(row);
        }
    }
    Relation { cols, rows }
}

fn rows_equal(a: &[Value], b: &[Value]) -> Result<bool, ServerError> {
    if a.len() != b.len() {
        return Ok(false);
    }
    for (x, y) in a.iter().zip(b) {
        let eq = match (x.is_null(), y.is_null()) {
            (true, true) => true,
            (false, false) => x.compare(y)? == Some(Ordering::Equal),
            _ => false,
        };
        if !eq {
            return Ok(false);
        }
    }
    Ok(true)
}

fn contains_row(rows: &[Vec<Value>], row: &[Value]) -> Result<bool, ServerError> {
    for r in rows {
        if rows_equal(r, row)? {
            return Ok(true);
        }
    }
    Ok(false)
}

fn dedup_rows(rows: Vec<Vec<Value>>) -> Result<Vec<Vec<Value>>, ServerError> {
    let mut out: Vec<Vec<Value>> = Vec::new();
    for r in rows {
        if !contains_row(&out, &r)? {
            out.push(r);
        }
    }
    Ok(out)
}

fn cmp_values(a: &Value, b: &Value) -> Ordering {
    match (a.is_null(), b.is_null()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        _ => a.compare(b).ok().flatten().unwrap_or(Ordering::Equal),
    }
}

fn sort_keyed(rows: &mut [(Vec<Value>, Vec<Value>)], order: &[ast::OrderByItem]) {
    rows.sort_by(|(ka, _), (kb, _)| {
        for (i, o) in order.iter().enumerate() {
            let (Some(a), Some(b)) = (ka.get(i), kb.get(i)) else {
                continue;
            };
            let c = cmp_values(a, b);
            let c = if o.desc { c.reverse() } else { c };
            if c != Ordering::Equal {
                return c;
            }
        }
        Ordering::Equal
    });
}

fn xml_text(v: &Value) -> Result<Option<String>, ServerError> {
    Ok(match v {
        Value::Null => None,
        Value::Xml(s) => Some(s.clone()),
        other => match other.cast(&SqlType::Xml)? {
            Value::Xml(s) => Some(s),
            _ => None,
        },
    })
}

/// xml methods: value(), query(), exist().
pub(crate) fn xml_method(
    ex: &mut Executor,
    target: &Value,
    method: &str,
    args: &[Value],
) -> Result<Value, ServerError> {
    let Some(xml) = xml_text(target)? else {
        return Ok(Value::Null);
    };
    let path = match args.first() {
        Some(Value::NVarChar(s) | Value::VarChar(s)) => s.clone(),
        _ => {
            return Err(ServerError::new(
                8172,
                "The argument 1 of the XML data type method must be a string literal.",
            ));
        }
    };
    let ns = ex.xml_namespaces.clone();
    match method.to_ascii_lowercase().as_str() {
        "value" => {
            let ty = match args.get(1) {
                Some(Value::NVarChar(s) | Value::VarChar(s)) => parse_type_name(s)?,
                _ => {
                    return Err(ServerError::new(
                        8172,
                        "The argument 2 of the XML data type method \"value\" must be a string literal.",
                    ));
                }
            };
            match crate::xpath::value(&xml, &path, &ns, ex)? {
                Some(s) => Value::NVarChar(s).cast(&ty),
                None => Ok(Value::Null),
            }
        }
        "query" => Ok(Value::Xml(
            crate::xpath::nodes(&xml, &path, &ns, ex)?.concat(),
        )),
        "exist" => Ok(Value::Bit(
            !crate::xpath::nodes(&xml, &path, &ns, ex)?.is_empty(),
        )),
        other => Err(ServerError::new(
            4121,
            format!("'{other}' is not a valid xml data type method."),
        )),
    }
}

fn parse_type_name(s: &str) -> Result<SqlType, ServerError> {
    let s = s.trim();
    let (name, args) = match s.find('(') {
        Some(i) => (
            s.get(..i).unwrap_or_default(),
            s.get(i + 1..s.len().saturating_sub(1)).unwrap_or_default(),
        ),
        None => (s, ""),
    };
    let args: Vec<sbroker_types::TypeArg> = args
        .split(',')
        .filter(|a| !a.trim().is_empty())
        .map(|a| {
            let a = a.trim();
            if a.eq_ignore_ascii_case("max") {
                sbroker_types::TypeArg::Max
            } else {
                sbroker_types::TypeArg::Number(a.parse().unwrap_or(1))
            }
        })
        .collect();
    SqlType::from_name_for_cast(name, &args)
}

fn for_xml(rel: &Relation, fx: &ast::ForXml) -> Result<Relation, ServerError> {
    let esc = sbroker_types::xml::escape_xml;
    let mut out = String::new();
    // `elements`: Some(false) = ELEMENTS, Some(true) = ELEMENTS XSINIL (NULLs become
    // `<c xsi:nil="true"/>`).
    let xsinil = fx.elements == Some(true);
    let (row_tag, elements) = match &fx.mode {
        ast::XmlMode::Raw(tag) => (
            tag.clone().unwrap_or_else(|| "row".into()),
            fx.elements.is_some(),
        ),
        ast::XmlMode::Path(tag) => (tag.clone().unwrap_or_else(|| "row".into()), true),
        ast::XmlMode::Auto | ast::XmlMode::Explicit => (
            rel.cols
                .first()
                .and_then(|c| c.table.clone())
                .unwrap_or_else(|| "row".into()),
            fx.elements.is_some(),
        ),
    };
    const XSI: &str = " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"";
    for r in &rel.rows {
        let mut attrs = String::new();
        if xsinil && fx.root.is_none() && !row_tag.is_empty() {
            attrs.push_str(XSI);
        }
        let mut inner = String::new();
        for (c, v) in rel.cols.iter().zip(r) {
            if v.is_null() {
                if xsinil && elements && !c.name.is_empty() && !c.name.starts_with('@') {
                    inner.push_str(&format!("<{} xsi:nil=\"true\"/>", c.name));
                }
                continue;
            }
            let text = match v {
                Value::Xml(s) => s.clone(),
                other => esc(&other.to_display_string()),
            };
            if let Some(attr) = c.name.strip_prefix('@') {
                attrs.push_str(&format!(" {attr}=\"{text}\""));
            } else if elements && !c.name.is_empty() {
                inner.push_str(&format!("<{0}>{text}</{0}>", c.name));
            } else if c.name.is_empty() || matches!(v, Value::Xml(_)) {
                inner.push_str(&text);
            } else {
                attrs.push_str(&format!(" {}=\"{text}\"", c.name));
            }
        }
        if row_tag.is_empty() {
            out.push_str(&inner);
        } else if inner.is_empty() {
            out.push_str(&format!("<{row_tag}{attrs}/>"));
        } else {
            out.push_str(&format!("<{row_tag}{attrs}>{inner}</{row_tag}>"));
        }
    }
    if let Some(root) = &fx.root {
        let r = root.clone().unwrap_or_else(|| "root".into());
        let decl = if xsinil { XSI } else { "" };
        out = format!("<{r}{decl}>{out}</{r}>");
    }
    let name = "XML_F52E2B61-18A1-11d1-B105-00805F49916B";
    let value = if fx.type_directive {
        Value::Xml(out)
    } else {
        Value::NVarChar(out)
    };
    let ty = if fx.type_directive {
        SqlType::Xml
    } else {
        SqlType::NVarChar(StrLen::Max)
    };
    Ok(Relation {
        cols: vec![col(if fx.type_directive { "" } else { name }, ty)],
        rows: vec![vec![value]],
    })
}

fn to_datetime(v: &Value) -> Result<Option<NaiveDateTime>, ServerError> {
    Ok(match v {
        Value::Null => None,
        Value::DateTime(d) | Value::DateTime2(d) => Some(*d),
        Value::Date(d) => d.and_hms_opt(0, 0, 0),
        other => match other.cast(&SqlType::DateTime2(7))? {
            Value::DateTime2(d) => Some(d),
            _ => None,
        },
    })
}

/// EOMONTH(date [, months]): the last day of the month, as a `date`.
pub(crate) fn eomonth(v: &Value, months: &Value) -> Result<Value, ServerError> {
    let Some(d) = to_datetime(v)? else {
        return Ok(Value::Null);
    };
    let shift = match months {
        Value::Null => 0,
        m => match m.cast(&SqlType::BigInt)? {
            Value::BigInt(n) => n,
            _ => 0,
        },
    };
    let first = add_months(
        d.date().with_day(1).unwrap_or(d.date()).and_time(d.time()),
        shift + 1,
    );
    Ok(Value::Date(first.date() - chrono::Duration::days(1)))
}

fn norm_part(p: &str) -> &'static str {
    match p.to_ascii_lowercase().as_str() {
        "year" | "yy" | "yyyy" => "year",
        "quarter" | "qq" | "q" => "quarter",
        "month" | "mm" | "m" => "month",
        "dayofyear" | "dy" | "y" => "dayofyear",
        "day" | "dd" | "d" => "day",
        "week" | "wk" | "ww" => "week",
        "weekday" | "dw" => "weekday",
        "hour" | "hh" => "hour",
        "minute" | "mi" | "n" => "minute",
        "second" | "ss" | "s" => "second",
        "millisecond" | "ms" => "millisecond",
        "microsecond" | "mcs" => "microsecond",
        "nanosecond" | "ns" => "nanosecond",
        _ => "invalid",
    }
}

/// DATEADD / DATEDIFF / DATEPART / DATENAME.
pub(crate) fn date_function(
    name: &str,
    part: &str,
    a: &Value,
    b: &Value,
) -> Result<Value, ServerError> {
    let p = norm_part(part);
    if p == "invalid" {
        return Err(ServerError::new(
            155,
            format!("'{part}' is not a recognized datepart option."),
        ));
    }
    match name {
        "DATEADD" => {
            let n = match a.cast(&SqlType::BigInt)? {
                Value::BigInt(n) => n,
                _ => return Ok(Value::Null),
            };
            let Some(d) = to_datetime(b)? else {
                return Ok(Value::Null);
            };
            let r = match p {
                "year" => add_months(d, n * 12),
                "quarter" => add_months(d, n * 3),
                "month" => add_months(d, n),
                "day" | "dayofyear" | "weekday" => d + Duration::days(n),
                "week" => d + Duration::weeks(n),
                "hour" => d + Duration::hours(n),
                "minute" => d + Duration::minutes(n),
                "second" => d + Duration::seconds(n),
                "millisecond" => d + Duration::milliseconds(n),
                "microsecond" => d + Duration::microseconds(n),
                _ => d + Duration::nanoseconds(n),
            };
            Ok(match b {
                Value::DateTime2(_) => Value::DateTime2(r),
                Value::Date(_) => Value::Date(r.date()),
                _ => Value::DateTime(sbroker_types::datetime::round_datetime(r)),
            })
        }
        "DATEDIFF" | "DATEDIFF_BIG" => {
            let (Some(x), Some(y)) = (to_datetime(a)?, to_datetime(b)?) else {
                return Ok(Value::Null);
            };
            let months = |d: &NaiveDateTime| i64::from(d.year()) * 12 + i64::from(d.month0());
            let v = match p {
                "year" => i64::from(y.year() - x.year()),
                "quarter" => (months(&y) / 3) - (months(&x) / 3),
                "month" => months(&y) - months(&x),
                "day" | "dayofyear" | "weekday" => (y.date() - x.date()).num_days(),
                "week" => (y.date() - x.date()).num_days() / 7,
                "hour" => {
                    (y.date() - x.date()).num_days() * 24 + i64::from(y.hour())
                        - i64::from(x.hour())
                }
                "minute" => (y - x).num_minutes(),
                "second" => (y - x).num_seconds(),
                "millisecond" => (y - x).num_milliseconds(),
                "microsecond" => (y - x).num_microseconds().unwrap_or(i64::MAX),
                _ => (y - x).num_nanoseconds().unwrap_or(i64::MAX),
            };
            if name == "DATEDIFF_BIG" {
                return Ok(Value::BigInt(v));
            }
            i32::try_from(v).map(Value::Int).map_err(|_| {
                ServerError::new(535, "The datediff function resulted in an overflow.")
            })
        }
        _ => {
            let Some(d) = to_datetime(a)? else {
                return Ok(Value::Null);
            };
            let v = match p {
                "year" => d.year(),
                "quarter" => d.month0() as i32 / 3 + 1,
                "month" => d.month() as i32,
                "dayofyear" => d.ordinal() as i32,
                "day" => d.day() as i32,
                "week" => d.iso_week().week() as i32,
                "weekday" => d.weekday().num_days_from_sunday() as i32 + 1,
                "hour" => d.hour() as i32,
                "minute" => d.minute() as i32,
                "second" => d.second() as i32,
                "millisecond" => (d.nanosecond() / 1_000_000) as i32,
                "microsecond" => (d.nanosecond() / 1000) as i32,
                _ => d.nanosecond() as i32,
            };
            if name == "DATENAME" {
                Ok(Value::NVarChar(v.to_string()))
            } else {
                Ok(Value::Int(v))
            }
        }
    }
}

fn add_months(d: NaiveDateTime, n: i64) -> NaiveDateTime {
    let total = i64::from(d.year()) * 12 + i64::from(d.month0()) + n;
    let year = (total.div_euclid(12)) as i32;
    let month = (total.rem_euclid(12)) as u32 + 1;
    let mut day = d.day();
    loop {
        if let Some(nd) = chrono::NaiveDate::from_ymd_opt(year, month, day) {
            return nd.and_time(d.time());
        }
        if day <= 28 {
            return d;
        }
        day -= 1;
    }
}
