//! Expression evaluation: scalar expressions, predicates (three-valued), built-in
//! functions, aggregates over a group, and xml methods.

use std::cmp::Ordering;

use sbroker_tsql::ast::{self, BinaryOp, Expr, Literal, UnaryOp};
use sbroker_types::{ArithOp, ServerError, SqlType, StrLen, TypeArg, Value};

use crate::{Executor, Var};

/// A column of an intermediate relation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RelCol {
    /// Table alias or name the column can be qualified with (lowercase).
    pub table: Option<String>,
    /// Column name.
    pub name: String,
    /// Type.
    pub ty: SqlType,
}

/// The row an expression is evaluated against.
#[derive(Clone, Copy)]
pub(crate) struct RowCtx<'a> {
    pub cols: &'a [RelCol],
    pub vals: &'a [Value],
    /// Rows of the current group, for aggregates.
    pub group: Option<&'a [Vec<Value>]>,
    /// Enclosing query's row (correlated subqueries).
    pub outer: Option<&'a RowCtx<'a>>,
}

impl<'a> RowCtx<'a> {
    pub(crate) const EMPTY: RowCtx<'static> = RowCtx {
        cols: &[],
        vals: &[],
        group: None,
        outer: None,
    };

    fn lookup(&self, qualifier: Option<&str>, name: &str) -> Result<Option<Value>, ServerError> {
        let mut found: Option<&Value> = None;
        for (i, c) in self.cols.iter().enumerate() {
            if !c.name.eq_ignore_ascii_case(name) {
                continue;
            }
            if let Some(q) = qualifier
                && c.table
                    .as_deref()
                    .is_none_or(|t| !t.eq_ignore_ascii_case(q))
            {
                continue;
            }
            if found.is_some() && qualifier.is_none() {
                return Err(ServerError::new(
                    209,
                    format!("Ambiguous column name '{name}'."),
                ));
            }
            found = self.vals.get(i);
            if qualifier.is_some() {
                break;
            }
        }
        match found {
            Some(v) => Ok(Some(v.clone())),
            None => match self.outer {
                Some(o) => o.lookup(qualifier, name),
                None => Ok(None),
            },
        }
    }
}

pub(crate) fn sql_type_of(dt: &ast::DataType, for_cast: bool) -> Result<SqlType, ServerError> {
    let args: Vec<TypeArg> = match &dt.params {
        ast::TypeParams::None | ast::TypeParams::XmlSchema { .. } => Vec::new(),
        ast::TypeParams::Max => vec![TypeArg::Max],
        ast::TypeParams::Numbers(ns) => ns.iter().map(|n| TypeArg::Number(*n as i64)).collect(),
    };
    let name = dt.name.name().map(|i| i.value.clone()).unwrap_or_default();
    if for_cast {
        SqlType::from_name_for_cast(&name, &args)
    } else {
        SqlType::from_name(&name, &args)
    }
}

pub(crate) fn truthy(v: &Value) -> Option<bool> {
    match v {
        Value::Null => None,
        Value::Bit(b) => Some(*b),
        Value::Int(i) => Some(*i != 0),
        Value::BigInt(i) => Some(*i != 0),
        Value::TinyInt(i) => Some(*i != 0),
        Value::SmallInt(i) => Some(*i != 0),
        _ => Some(true),
    }
}

fn arg(args: &[Expr], i: usize, name: &str) -> Result<Expr, ServerError> {
    args.get(i).cloned().ok_or_else(|| {
        ServerError::new(
            174,
            format!("The {name} function requires {} argument(s).", i + 1),
        )
    })
}

fn as_i64(v: &Value) -> Result<Option<i64>, ServerError> {
    match v.cast(&SqlType::BigInt)? {
        Value::BigInt(i) => Ok(Some(i)),
        _ => Ok(None),
    }
}

fn as_string(v: &Value) -> Result<Option<String>, ServerError> {
    match v {
        Value::Null => Ok(None),
        Value::NVarChar(s) | Value::VarChar(s) | Value::Xml(s) => Ok(Some(s.clone())),
        other => match other.cast(&SqlType::NVarChar(StrLen::Max))? {
            Value::NVarChar(s) => Ok(Some(s)),
            _ => Ok(None),
        },
    }
}

fn same_string_kind(template: &Value, s: String) -> Value {
    match template {
        Value::VarChar(_) => Value::VarChar(s),
        _ => Value::NVarChar(s),
    }
}

const AGGREGATES: [&str; 7] = [
    "COUNT",
    "SUM",
    "MIN",
    "MAX",
    "AVG",
    "COUNT_BIG",
    "STRING_AGG",
];

/// The window function calls (`f(…) OVER (…)`) of an expression, outside subqueries.
pub(crate) fn window_calls<'a>(e: &'a Expr, out: &mut Vec<&'a ast::FunctionCall>) {
    match e {
        Expr::Function(f) => {
            if f.over.is_some() {
                out.push(f);
            }
            for a in &f.args {
                window_calls(a, out);
            }
        }
        Expr::Unary { expr, .. } | Expr::Nested(expr) | Expr::IsNull { expr, .. } => {
            window_calls(expr, out)
        }
        Expr::Binary { left, right, .. } => {
            window_calls(left, out);
            window_calls(right, out);
        }
        Expr::Cast { expr, .. } | Expr::Convert { expr, .. } | Expr::Collate { expr, .. } => {
            window_calls(expr, out)
        }
        Expr::Case {
            operand,
            whens,
            else_result,
        } => {
            if let Some(o) = operand {
                window_calls(o, out);
            }
            for w in whens {
                window_calls(&w.when, out);
                window_calls(&w.then, out);
            }
            if let Some(e) = else_result {
                window_calls(e, out);
            }
        }
        Expr::Iif {
            condition,
            then,
            otherwise,
        } => {
            window_calls(condition, out);
            window_calls(then, out);
            window_calls(otherwise, out);
        }
        _ => {}
    }
}

/// Name of the hidden column that carries a window call's values (its address: stable
/// while the statement runs).
pub(crate) fn window_column(f: &ast::FunctionCall) -> String {
    format!("$window{:p}", f as *const ast::FunctionCall)
}

/// True when the expression contains an aggregate function call (not inside a subquery).
pub(crate) fn has_aggregate(e: &Expr) -> bool {
    match e {
        Expr::Function(f) => {
            let n = f
                .name
                .name()
                .map(|i| i.value.to_ascii_uppercase())
                .unwrap_or_default();
            (f.name.parts.len() == 1 && AGGREGATES.contains(&n.as_str()) && f.over.is_none())
                || f.args.iter().any(has_aggregate)
        }
        Expr::Unary { expr, .. } | Expr::Nested(expr) | Expr::IsNull { expr, .. } => {
            has_aggregate(expr)
        }
        Expr::Binary { left, right, .. } => has_aggregate(left) || has_aggregate(right),
        Expr::Cast { expr, .. } | Expr::Convert { expr, .. } | Expr::Collate { expr, .. } => {
            has_aggregate(expr)
        }
        Expr::Case {
            operand,
            whens,
            else_result,
        } => {
            operand.as_deref().is_some_and(has_aggregate)
                || whens
                    .iter()
                    .any(|w| has_aggregate(&w.when) || has_aggregate(&w.then))
                || else_result.as_deref().is_some_and(has_aggregate)
        }
        Expr::Iif {
            condition,
            then,
            otherwise,
        } => has_aggregate(condition) || has_aggregate(then) || has_aggregate(otherwise),
        Expr::Between {
            expr, low, high, ..
        } => has_aggregate(expr) || has_aggregate(low) || has_aggregate(high),
        Expr::InList { expr, list, .. } => has_aggregate(expr) || list.iter().any(has_aggregate),
        _ => false,
    }
}

impl Executor {
    /// IS_MEMBER / IS_ROLEMEMBER: 1 when `member` belongs to `role` (directly or through
    /// nested roles; everyone is in `public`, dbo in `db_owner`), 0 when not, NULL when
    /// the role does not exist.
    fn role_member(&mut self, role: &str, member: &str) -> Value {
        let db = self.session.database_id();
        self.session.with_state(|st| {
            let Some(d) = st.db(db) else {
                return Value::Null;
            };
            let Some(rid) = d
                .principal_id(role)
                .filter(|id| d.principals.get(id).is_some_and(|p| p.kind == "R"))
            else {
                return Value::Null;
            };
            let Some(mid) = d.principal_id(member) else {
                return Value::Null;
            };
            if rid == 0 || (mid == 1 && rid == 16384) {
                return Value::Int(1);
            }
            // Walk up from the member through the roles it belongs to.
            let mut seen = vec![mid];
            let mut i = 0;
            while i < seen.len() {
                let cur = seen[i];
                for p in d.principals.values() {
                    if p.members.contains(&cur) && !seen.contains(&p.id) {
                        if p.id == rid {
                            return Value::Int(1);
                        }
                        seen.push(p.id);
                    }
                }
                i += 1;
            }
            Value::Int(0)
        })
    }

    pub(crate) fn get_var(&self, name: &str) -> Result<Value, ServerError> {
        let key = name.to_ascii_lowercase();
        match self.frames.last().and_then(|f| f.vars.get(&key)) {
            Some(Var::Scalar { value, .. }) => Ok(value.clone()),
            Some(Var::Table(_)) => Err(ServerError::new(
                137,
                format!("Must declare the scalar variable \"{name}\"."),
            )),
            None => Err(ServerError::new(
                137,
                format!("Must declare the scalar variable \"{name}\"."),
            )),
        }
    }

    pub(crate) fn var_type(&self, name: &str) -> Option<SqlType> {
        match self
            .frames
            .last()
            .and_then(|f| f.vars.get(&name.to_ascii_lowercase()))
        {
            Some(Var::Scalar { ty, .. }) => Some(*ty),
            _ => None,
        }
    }

    /// Assigns with implicit conversion to the variable's declared type.
    pub(crate) fn set_var(&mut self, name: &str, v: Value) -> Result<(), ServerError> {
        let key = name.to_ascii_lowercase();
        let frame = self
            .frames
            .last_mut()
            .ok_or_else(|| ServerError::new(137, "no scope"))?;
        match frame.vars.get_mut(&key) {
            Some(Var::Scalar { ty, value }) => {
                *value = v.assign_to(ty)?;
                Ok(())
            }
            _ => Err(ServerError::new(
                137,
                format!("Must declare the scalar variable \"{name}\"."),
            )),
        }
    }

    /// Evaluates a predicate (three-valued).
    pub(crate) fn eval_pred(
        &mut self,
        e: &Expr,
        row: &RowCtx<'_>,
    ) -> Result<Option<bool>, ServerError> {
        match e {
            Expr::Nested(inner) => self.eval_pred(inner, row),
            Expr::Unary {
                op: UnaryOp::Not,
                expr,
            } => Ok(self.eval_pred(expr, row)?.map(|b| !b)),
            Expr::Binary {
                left,
                op: BinaryOp::And,
                right,
            } => {
                let l = self.eval_pred(left, row)?;
                if l == Some(false) {
                    return Ok(Some(false));
                }
                let r = self.eval_pred(right, row)?;
                Ok(match (l, r) {
                    (_, Some(false)) => Some(false),
                    (Some(true), Some(true)) => Some(true),
                    _ => None,
                })
            }
            Expr::Binary {
                left,
                op: BinaryOp::Or,
                right,
            } => {
                let l = self.eval_pred(left, row)?;
                if l == Some(true) {
                    return Ok(Some(true));
                }
                let r = self.eval_pred(right, row)?;
                Ok(match (l, r) {
                    (_, Some(true)) => Some(true),
                    (Some(false), Some(false)) => Some(false),
                    _ => None,
                })
            }
            Expr::Binary { left, op, right } if is_comparison(*op) => {
                let l = self.eval(left, row)?;
                let r = self.eval(right, row)?;
                compare_op(*op, &l, &r)
            }
            Expr::IsNull { expr, negated } => {
                let v = self.eval(expr, row)?;
                Ok(Some(v.is_null() != *negated))
            }
            Expr::Between {
                expr,
                negated,
                low,
                high,
            } => {
                let v = self.eval(expr, row)?;
                let lo = self.eval(low, row)?;
                let hi = self.eval(high, row)?;
                let a = compare_op(BinaryOp::GtEq, &v, &lo)?;
                let b = compare_op(BinaryOp::LtEq, &v, &hi)?;
                let r = match (a, b) {
                    (Some(false), _) | (_, Some(false)) => Some(false),
                    (Some(true), Some(true)) => Some(true),
                    _ => None,
                };
                Ok(if *negated { r.map(|x| !x) } else { r })
            }
            Expr::InList {
                expr,
                negated,
                list,
            } => {
                let v = self.eval(expr, row)?;
                let mut vals = Vec::with_capacity(list.len());
                for item in list {
                    vals.push(self.eval(item, row)?);
                }
                let r = in_values(&v, &vals)?;
                Ok(if *negated { r.map(|x| !x) } else { r })
            }
            Expr::InSubquery {
                expr,
                negated,
                query,
            } => {
                let v = self.eval(expr, row)?;
                let rel = self.run_query(query, Some(row))?;
                let vals: Vec<Value> = rel
                    .rows
                    .into_iter()
                    .filter_map(|r| r.into_iter().next())
                    .collect();
                let r = in_values(&v, &vals)?;
                Ok(if *negated { r.map(|x| !x) } else { r })
            }
            Expr::Like {
                expr,
                negated,
                pattern,
                escape,
            } => {
                let v = self.eval(expr, row)?;
                let p = self.eval(pattern, row)?;
                let esc = match escape {
                    Some(e) => as_string(&self.eval(e, row)?)?.and_then(|s| s.chars().next()),
                    None => None,
                };
                let (Some(s), Some(p)) = (as_string(&v)?, as_string(&p)?) else {
                    return Ok(None);
                };
                let m = like_match(&s, &p, esc);
                Ok(Some(m != *negated))
            }
            Expr::Exists(q) => {
                let rel = self.run_query(q, Some(row))?;
                Ok(Some(!rel.rows.is_empty()))
            }
            other => {
                let v = self.eval(other, row)?;
                Ok(truthy(&v))
            }
        }
    }

    /// Evaluates a scalar expression.
    pub(crate) fn eval(&mut self, e: &Expr, row: &RowCtx<'_>) -> Result<Value, ServerError> {
        match e {
            Expr::Literal(l) => Ok(literal(l)),
            Expr::Variable(name) => self.get_var(name),
            Expr::GlobalVariable(name) => self.global_var(name),
            Expr::Column(name) => {
                let col = name.name().map(|i| i.value.as_str()).unwrap_or_default();
                let qual = if name.parts.len() >= 2 {
                    name.parts
                        .get(name.parts.len() - 2)
                        .map(|i| i.value.as_str())
                } else {
                    None
                };
                match row.lookup(qual, col)? {
                    Some(v) => Ok(v),
                    None => Err(ServerError::new(
                        207,
                        format!("Invalid column name '{col}'."),
                    )),
                }
            }
            Expr::Default => Ok(Value::Null),
            Expr::Nested(inner) => self.eval(inner, row),
            Expr::Unary { op, expr } => {
                let v = self.eval(expr, row)?;
                match op {
                    UnaryOp::Minus => v.neg(),
                    UnaryOp::Plus => Ok(v),
                    UnaryOp::BitNot => v.bit_not(),
                    UnaryOp::Not => Ok(self.eval_pred(e, row)?.map_or(Value::Null, Value::Bit)),
                }
            }
            Expr::Binary { left, op, right } => {
                let arith = match op {
                    BinaryOp::Add => Some(ArithOp::Add),
                    BinaryOp::Sub => Some(ArithOp::Sub),
                    BinaryOp::Mul => Some(ArithOp::Mul),
                    BinaryOp::Div => Some(ArithOp::Div),
                    BinaryOp::Mod => Some(ArithOp::Mod),
                    BinaryOp::BitAnd => Some(ArithOp::BitAnd),
                    BinaryOp::BitOr => Some(ArithOp::BitOr),
                    BinaryOp::BitXor => Some(ArithOp::BitXor),
                    _ => None,
                };
                match arith {
                    Some(a) => {
                        let l = self.eval(left, row)?;
                        let r = self.eval(right, row)?;
                        sbroker_types::ops::arith(a, &l, &r)
                    }
                    None => Ok(self.eval_pred(e, row)?.map_or(Value::Null, Value::Bit)),
                }
            }
            Expr::IsNull { .. }
            | Expr::Between { .. }
            | Expr::InList { .. }
            | Expr::InSubquery { .. }
            | Expr::Like { .. }
            | Expr::Exists(_) => Ok(self.eval_pred(e, row)?.map_or(Value::Null, Value::Bit)),
            Expr::Subquery(q) => {
                let rel = self.run_query(q, Some(row))?;
                if rel.rows.len() > 1 {
                    return Err(ServerError::new(
                        512,
                        "Subquery returned more than 1 value. This is not permitted when the subquery follows =, !=, <, <= , >, >= or when the subquery is used as an expression.",
                    ));
                }
                Ok(rel
                    .rows
                    .into_iter()
                    .next()
                    .and_then(|r| r.into_iter().next())
                    .unwrap_or(Value::Null))
            }
            Expr::Case {
                operand,
                whens,
                else_result,
            } => {
                match operand {
                    Some(op) => {
                        let v = self.eval(op, row)?;
                        for w in whens {
                            let c = self.eval(&w.when, row)?;
                            if compare_op(BinaryOp::Eq, &v, &c)? == Some(true) {
                                return self.eval(&w.then, row);
                            }
                        }
                    }
                    None => {
                        for w in whens {
                            if self.eval_pred(&w.when, row)? == Some(true) {
                                return self.eval(&w.then, row);
                            }
                        }
                    }
                }
                match else_result {
                    Some(e) => self.eval(e, row),
                    None => Ok(Value::Null),
                }
            }
            Expr::Iif {
                condition,
                then,
                otherwise,
            } => {
                if self.eval_pred(condition, row)? == Some(true) {
                    self.eval(then, row)
                } else {
                    self.eval(otherwise, row)
                }
            }
            Expr::Cast {
                expr,
                data_type,
                is_try,
            } => {
                let v = self.eval(expr, row)?;
                let ty = sql_type_of(data_type, true)?;
                match v.cast(&ty) {
                    Ok(x) => Ok(x),
                    Err(_) if *is_try => Ok(Value::Null),
                    Err(e) => Err(e),
                }
            }
            Expr::Convert {
                data_type,
                expr,
                style,
                is_try,
            } => {
                let v = self.eval(expr, row)?;
                let ty = sql_type_of(data_type, true)?;
                let style = match style {
                    Some(s) => as_i64(&self.eval(s, row)?)?.map(|x| x as i32),
                    None => None,
                };
                match sbroker_types::convert(&v, &ty, style) {
                    Ok(x) => Ok(x),
                    Err(_) if *is_try => Ok(Value::Null),
                    Err(e) => Err(e),
                }
            }
            Expr::Function(f) => self.call_function(f, row),
            Expr::MethodCall {
                target,
                method,
                args,
            } => {
                let t = self.eval(target, row)?;
                let mut vals = Vec::new();
                for a in args {
                    vals.push(self.eval(a, row)?);
                }
                crate::query::xml_method(self, &t, &method.value, &vals)
            }
            Expr::Collate { expr, .. } => self.eval(expr, row),
        }
    }

    fn global_var(&mut self, name: &str) -> Result<Value, ServerError> {
        let n = name.trim_start_matches('@').to_ascii_uppercase();
        Ok(match n.as_str() {
            "ROWCOUNT" => Value::Int(self.rowcount.clamp(i32::MIN as i64, i32::MAX as i64) as i32),
            "ERROR" => Value::Int(self.last_error),
            "TRANCOUNT" => Value::Int(self.session.trancount() as i32),
            "SPID" => Value::SmallInt(self.session.spid() as i16),
            "IDENTITY" => self.last_identity.map_or(Value::Null, |i| {
                Value::Decimal(sbroker_types::Decimal::from_i128(i as i128))
            }),
            "SERVERNAME" => Value::NVarChar("SBROKER".into()),
            "SERVICENAME" => Value::NVarChar("MSSQLSERVER".into()),
            "VERSION" => Value::NVarChar(format!(
                "sbroker {} (SQL Server Service Broker compatible) - {}",
                env!("CARGO_PKG_VERSION"),
                crate::PRODUCT_VERSION
            )),
            "TEXTSIZE" => Value::Int(i32::MAX),
            "LOCK_TIMEOUT" => Value::Int(-1),
            "MAX_CONNECTIONS" => Value::Int(32_767),
            "FETCH_STATUS" => Value::Int(self.fetch_status),
            "DATEFIRST" => Value::TinyInt(7),
            "LANGUAGE" => Value::NVarChar("us_english".into()),
            "MAX_PRECISION" => Value::TinyInt(38),
            "NESTLEVEL" => Value::Int(self.depth as i32),
            // The object id of the running procedure, function or trigger (0 outside).
            "PROCID" => match self.frames.last().and_then(|f| f.procedure.clone()) {
                Some(p) => Value::Int(self.object_id(&p)?.unwrap_or(0)),
                None => Value::Int(0),
            },
            "OPTIONS" => Value::Int(0),
            _ => {
                return Err(ServerError::new(
                    137,
                    format!("Must declare the scalar variable \"@@{n}\"."),
                ));
            }
        })
    }

    fn error_fn(&self, f: impl Fn(&ServerError) -> Value) -> Value {
        self.caught.last().map_or(Value::Null, f)
    }

    fn call_function(
        &mut self,
        f: &ast::FunctionCall,
        row: &RowCtx<'_>,
    ) -> Result<Value, ServerError> {
        let name = f
            .name
            .name()
            .map(|i| i.value.to_ascii_uppercase())
            .unwrap_or_default();
        if f.over.is_some() {
            let hidden = window_column(f);
            return match row.cols.iter().position(|c| c.name == hidden) {
                Some(i) => Ok(row.vals.get(i).cloned().unwrap_or(Value::Null)),
                None => Err(ServerError::new(
                    4108,
                    "Windowed functions can only appear in the SELECT or ORDER BY clauses.",
                )),
            };
        }
        if f.name.parts.len() == 1 && AGGREGATES.contains(&name.as_str()) {
            return self.aggregate(&name, f, row);
        }
        if let Some(v) = self.call_user_function(&f.name, &f.args, row)? {
            return Ok(v);
        }
        if f.name.parts.len() > 1 || self.is_user_function(&f.name) {
            return Err(ServerError::new(
                4121,
                format!(
                    "Cannot find either column \"dbo\" or the user-defined function or aggregate \"{}\", or the name is ambiguous.",
                    f.name
                ),
            ));
        }
        let mut vals = Vec::with_capacity(f.args.len());
        // Lazily evaluated functions first.
        match name.as_str() {
            "ISNULL" => {
                let a = self.eval(&arg(&f.args, 0, "isnull")?, row)?;
                if !a.is_null() {
                    return Ok(a);
                }
                let b = self.eval(&arg(&f.args, 1, "isnull")?, row)?;
                return if b.is_null() {
                    Ok(b)
                } else {
                    b.assign_to(&a.sql_type()).or(Ok(b))
                };
            }
            "COALESCE" => {
                for a in &f.args {
                    let v = self.eval(a, row)?;
                    if !v.is_null() {
                        return Ok(v);
                    }
                }
                return Ok(Value::Null);
            }
            _ => {}
        }
        let is_date_fn = matches!(
            name.as_str(),
            "DATEADD" | "DATEDIFF" | "DATEDIFF_BIG" | "DATEPART" | "DATENAME"
        );
        for (i, a) in f.args.iter().enumerate() {
            // The first argument of the date functions is a datepart keyword, not an expression.
            if i == 0 && is_date_fn {
                vals.push(Value::Null);
                continue;
            }
            vals.push(self.eval(a, row)?);
        }
        let v0 = vals.first().cloned().unwrap_or(Value::Null);
        let v1 = vals.get(1).cloned().unwrap_or(Value::Null);
        let v2 = vals.get(2).cloned().unwrap_or(Value::Null);
        let now = || chrono::Utc::now().naive_utc();
        Ok(match name.as_str() {
            "NEWID" | "NEWSEQUENTIALID" => Value::Guid(uuid::Uuid::new_v4()),
            "GETDATE" | "CURRENT_TIMESTAMP" | "GETUTCDATE" => {
                Value::DateTime(sbroker_types::datetime::round_datetime(now()))
            }
            "SYSDATETIME" | "SYSUTCDATETIME" => Value::DateTime2(now()),
            "SYSDATETIMEOFFSET" => Value::DateTime2(now()),
            "LEN" => match as_string(&v0)? {
                Some(s) => Value::Int(s.trim_end_matches(' ').chars().count() as i32),
                None => Value::Null,
            },
            "DATALENGTH" => match &v0 {
                Value::Null => Value::Null,
                Value::NVarChar(s) | Value::Xml(s) => {
                    Value::Int((s.encode_utf16().count() * 2) as i32)
                }
                Value::VarChar(s) => Value::Int(s.chars().count() as i32),
                Value::Binary(b) => Value::Int(b.len() as i32),
                Value::Int(_) => Value::Int(4),
                Value::BigInt(_) => Value::Int(8),
                Value::Guid(_) => Value::Int(16),
                Value::Bit(_) | Value::TinyInt(_) => Value::Int(1),
                Value::SmallInt(_) => Value::Int(2),
                _ => Value::Int(8),
            },
            "SUBSTRING" => {
                let (Some(start), Some(len)) = (as_i64(&v1)?, as_i64(&v2)?) else {
                    return Ok(Value::Null);
                };
                if len < 0 {
                    return Err(ServerError::new(
                        537,
                        "Invalid length parameter passed to the LEFT or SUBSTRING function.",
                    ));
                }
                let from = (start - 1).max(0) as usize;
                let end = (start - 1 + len).max(0) as usize;
                match &v0 {
                    Value::Null => Value::Null,
                    Value::Binary(b) => Value::Binary(
                        b.iter()
                            .skip(from)
                            .take(end.saturating_sub(from))
                            .copied()
                            .collect(),
                    ),
                    other => {
                        let s = as_string(other)?.unwrap_or_default();
                        same_string_kind(
                            other,
                            s.chars()
                                .skip(from)
                                .take(end.saturating_sub(from))
                                .collect(),
                        )
                    }
                }
            }
            "UPPER" => {
                as_string(&v0)?.map_or(Value::Null, |s| same_string_kind(&v0, s.to_uppercase()))
            }
            "LOWER" => {
                as_string(&v0)?.map_or(Value::Null, |s| same_string_kind(&v0, s.to_lowercase()))
            }
            "LTRIM" => as_string(&v0)?.map_or(Value::Null, |s| {
                same_string_kind(&v0, s.trim_start().to_string())
            }),
            "RTRIM" => as_string(&v0)?.map_or(Value::Null, |s| {
                same_string_kind(&v0, s.trim_end().to_string())
            }),
            "TRIM" => {
                as_string(&v0)?.map_or(Value::Null, |s| same_string_kind(&v0, s.trim().to_string()))
            }
            "REVERSE" => as_string(&v0)?.map_or(Value::Null, |s| {
                same_string_kind(&v0, s.chars().rev().collect())
            }),
            "LEFT" | "RIGHT" => {
                let (Some(s), Some(n)) = (as_string(&v0)?, as_i64(&v1)?) else {
                    return Ok(Value::Null);
                };
                let n = n.max(0) as usize;
                let count = s.chars().count();
                let out: String = if name == "LEFT" {
                    s.chars().take(n).collect()
                } else {
                    s.chars().skip(count.saturating_sub(n)).collect()
                };
                same_string_kind(&v0, out)
            }
            "REPLACE" => {
                let (Some(s), Some(a), Some(b)) =
                    (as_string(&v0)?, as_string(&v1)?, as_string(&v2)?)
                else {
                    return Ok(Value::Null);
                };
                if a.is_empty() {
                    same_string_kind(&v0, s)
                } else {
                    same_string_kind(&v0, replace_ci(&s, &a, &b))
                }
            }
            "REPLICATE" => {
                let (Some(s), Some(n)) = (as_string(&v0)?, as_i64(&v1)?) else {
                    return Ok(Value::Null);
                };
                same_string_kind(&v0, s.repeat(n.clamp(0, 1_000_000) as usize))
            }
            "SPACE" => match as_i64(&v0)? {
                Some(n) => Value::VarChar(" ".repeat(n.clamp(0, 8000) as usize)),
                None => Value::Null,
            },
            "CHARINDEX" => {
                let (Some(needle), Some(hay)) = (as_string(&v0)?, as_string(&v1)?) else {
                    return Ok(Value::Null);
                };
                let start = as_i64(&v2)?.unwrap_or(1).max(1) as usize;
                let hay_l = hay.to_lowercase();
                let needle_l = needle.to_lowercase();
                let chars: Vec<char> = hay_l.chars().collect();
                let skip: String = chars.iter().skip(start - 1).collect();
                match skip.find(&needle_l) {
                    Some(byte_pos) => Value::Int((skip[..byte_pos].chars().count() + start) as i32),
                    None => Value::Int(0),
                }
            }
            "CONCAT" => {
                let mut out = String::new();
                let mut unicode = false;
                for v in &vals {
                    if matches!(v, Value::NVarChar(_)) {
                        unicode = true;
                    }
                    if let Some(s) = as_string(v)? {
                        out.push_str(&s);
                    }
                }
                if unicode {
                    Value::NVarChar(out)
                } else {
                    Value::VarChar(out)
                }
            }
            "NULLIF" => {
                if compare_op(BinaryOp::Eq, &v0, &v1)? == Some(true) {
                    Value::Null
                } else {
                    v0
                }
            }
            "ABS" => match &v0 {
                Value::Null => Value::Null,
                v => {
                    if compare_op(BinaryOp::Lt, v, &Value::Int(0))? == Some(true) {
                        v.neg()?
                    } else {
                        v.clone()
                    }
                }
            },
            "CEILING" | "FLOOR" | "ROUND" | "SQRT" | "POWER" | "EXP" | "LOG" => {
                let Value::Float(x) = v0.cast(&SqlType::Float)? else {
                    return Ok(Value::Null);
                };
                let r = match name.as_str() {
                    "CEILING" => x.ceil(),
                    "FLOOR" => x.floor(),
                    "ROUND" => {
                        let d = as_i64(&v1)?.unwrap_or(0) as i32;
                        let m = 10f64.powi(d);
                        (x * m).round() / m
                    }
                    "SQRT" => x.sqrt(),
                    "EXP" => x.exp(),
                    "LOG" => x.ln(),
                    _ => {
                        let Value::Float(y) = v1.cast(&SqlType::Float)? else {
                            return Ok(Value::Null);
                        };
                        x.powf(y)
                    }
                };
                match v0 {
                    Value::Int(_) | Value::BigInt(_) | Value::SmallInt(_) | Value::TinyInt(_)
                        if name != "SQRT" && name != "EXP" && name != "LOG" =>
                    {
                        Value::Float(r).cast(&v0.sql_type())?
                    }
                    Value::Decimal(_) => Value::Float(r).cast(&v0.sql_type())?,
                    _ => Value::Float(r),
                }
            }
            "SIGN" => match v0.cast(&SqlType::Float)? {
                Value::Float(x) => Value::Int(if x > 0.0 {
                    1
                } else if x < 0.0 {
                    -1
                } else {
                    0
                }),
                _ => Value::Null,
            },
            "RAND" => Value::Float(rand_f64()),
            "ISNUMERIC" => Value::Int(i32::from(
                !v0.is_null()
                    && v0.cast(&SqlType::Float).is_ok()
                    && !matches!(v0, Value::Guid(_) | Value::Binary(_)),
            )),
            "STR" => match v0.cast(&SqlType::Float)? {
                Value::Float(x) => {
                    // STR(float [, length = 10 [, decimal = 0]]): right-aligned, rounded;
                    // '*' × length when the number does not fit.
                    let len = if vals.len() > 1 {
                        as_i64(&v1)?
                    } else {
                        Some(10)
                    };
                    let dec = if vals.len() > 2 {
                        as_i64(&v2)?
                    } else {
                        Some(0)
                    };
                    match (len, dec) {
                        (Some(len), Some(dec)) if (1..=8000).contains(&len) && dec >= 0 => {
                            let len = len as usize;
                            let dec = (dec as usize).min(16);
                            let text = format!("{x:.dec$}");
                            // Too long: fewer decimals first, as SQL Server does.
                            let text = if text.len() > len {
                                let int_part = format!("{x:.0}");
                                if int_part.len() > len {
                                    "*".repeat(len)
                                } else {
                                    let room = len.saturating_sub(int_part.len() + 1);
                                    if room == 0 {
                                        int_part
                                    } else {
                                        format!("{x:.room$}")
                                    }
                                }
                            } else {
                                text
                            };
                            Value::VarChar(format!("{text:>len$}"))
                        }
                        _ => Value::Null,
                    }
                }
                _ => Value::Null,
            },
            "DB_NAME" => match as_i64(&v0)? {
                None if vals.is_empty() => Value::NVarChar(self.session.database_name()),
                None => Value::Null,
                Some(id) => self
                    .session
                    .with_state(|st| st.db(id as i32).map(|d| d.rec.name.clone()))
                    .map_or(Value::Null, Value::NVarChar),
            },
            "DB_ID" => match as_string(&v0)? {
                None if vals.is_empty() => Value::SmallInt(self.session.database_id() as i16),
                None => Value::Null,
                Some(n) => self
                    .session
                    .with_state(|st| st.db_id_by_name(&n))
                    .map_or(Value::Null, |i| Value::SmallInt(i as i16)),
            },
            "OBJECT_ID" => match as_string(&v0)? {
                Some(n) => self.object_id(&n)?.map_or(Value::Null, Value::Int),
                None => Value::Null,
            },
            "OBJECTPROPERTY" | "OBJECTPROPERTYEX" => {
                let prop = as_string(vals.get(1).unwrap_or(&Value::Null))?;
                match (as_i64(&v0)?, prop) {
                    (Some(id), Some(prop)) => match self.object_row(id as i32) {
                        None => Value::Null,
                        Some(o) => {
                            let ty = o.2.trim_end();
                            let flag = |b: bool| Value::Int(i32::from(b));
                            match prop.to_ascii_lowercase().as_str() {
                                "isprocedure" => flag(ty == "P"),
                                "isusertable" => flag(ty == "U"),
                                "istable" => flag(ty == "U" || ty == "SQ"),
                                "isview" => flag(ty == "V"),
                                "istrigger" => flag(ty == "TR"),
                                "isscalarfunction" => flag(ty == "FN"),
                                "istablefunction" => flag(ty == "IF" || ty == "TF"),
                                "isinlinefunction" => flag(ty == "IF"),
                                "isqueue" => flag(ty == "SQ"),
                                "isexecuted" => flag(matches!(ty, "P" | "FN" | "IF" | "TF" | "TR")),
                                "ismsshipped" => flag(o.6),
                                "ownerid" => Value::Int(1),
                                "schemaid" => {
                                    let db = self.session.database_id();
                                    self.session.with_state(|st| {
                                        st.db(db).map_or(Value::Null, |d| {
                                            Value::Int(crate::sysviews::schema_id(d, &o.7))
                                        })
                                    })
                                }
                                "basetype" if name == "OBJECTPROPERTYEX" => {
                                    Value::NVarChar(ty.to_string())
                                }
                                _ => Value::Null,
                            }
                        }
                    },
                    _ => Value::Null,
                }
            }
            "OBJECT_NAME" => match as_i64(&v0)? {
                Some(id) => self
                    .object_name(id as i32)
                    .map_or(Value::Null, Value::NVarChar),
                None => Value::Null,
            },
            "SCHEMA_NAME" => {
                let db = self.session.database_id();
                let list = self
                    .session
                    .with_state(|st| st.db(db).map(crate::sysviews::schemas).unwrap_or_default());
                let id = if vals.is_empty() {
                    Some(1)
                } else {
                    as_i64(&v0)?
                };
                match id {
                    Some(id) => list
                        .iter()
                        .find(|x| i64::from(x.id) == id)
                        .map_or(Value::Null, |x| Value::NVarChar(x.name.clone())),
                    None => Value::Null,
                }
            }
            "SCHEMA_ID" => {
                let db = self.session.database_id();
                let list = self
                    .session
                    .with_state(|st| st.db(db).map(crate::sysviews::schemas).unwrap_or_default());
                match as_string(&v0)? {
                    None if vals.is_empty() => Value::Int(1),
                    None => Value::Null,
                    Some(n) => list
                        .iter()
                        .find(|x| x.name.eq_ignore_ascii_case(&n))
                        .map_or(Value::Null, |x| Value::Int(x.id)),
                }
            }
            "USER_NAME" if !vals.is_empty() => match as_i64(&v0)? {
                None => Value::Null,
                Some(id) => {
                    let db = self.session.database_id();
                    self.session
                        .with_state(|st| {
                            st.db(db).and_then(|d| {
                                d.principals
                                    .values()
                                    .find(|p| i64::from(p.id) == id)
                                    .map(|p| p.name.clone())
                            })
                        })
                        .map_or(Value::Null, Value::NVarChar)
                }
            },
            "USER_NAME" | "CURRENT_USER" | "SESSION_USER" | "USER" => {
                Value::NVarChar(self.current_user().1)
            }
            "SUSER_NAME" if !vals.is_empty() => match v0 {
                Value::Null => Value::Null,
                ref v => {
                    let id = match sbroker_types::convert(v, &sbroker_types::SqlType::Int, None)? {
                        Value::Int(i) => i,
                        _ => 0,
                    };
                    self.session
                        .with_state(|st| sbroker_engine::security::login_name(st, id))
                        .map_or(Value::Null, Value::NVarChar)
                }
            },
            // The session's login (a TDS login under SQL authentication; sa otherwise).
            "SUSER_SNAME" | "SUSER_NAME" | "SYSTEM_USER" | "ORIGINAL_LOGIN" => Value::NVarChar(
                self.session
                    .client_info()
                    .map_or_else(|| "sa".to_string(), |i| i.login_name),
            ),
            "USER_ID" | "DATABASE_PRINCIPAL_ID" if !vals.is_empty() => match as_string(&v0)? {
                None => Value::Null,
                Some(n) => {
                    let db = self.session.database_id();
                    self.session
                        .with_state(|st| {
                            st.db(db).and_then(|d| {
                                d.principals
                                    .values()
                                    .find(|p| p.name.eq_ignore_ascii_case(&n))
                                    .map(|p| p.id)
                            })
                        })
                        .map_or(Value::Null, Value::Int)
                }
            },
            "USER_ID" | "DATABASE_PRINCIPAL_ID" => Value::Int(self.current_user().0),
            "TYPE_NAME" => match v0 {
                Value::Null => Value::Null,
                ref v => match sbroker_types::convert(v, &sbroker_types::SqlType::Int, None)? {
                    Value::Int(i) => crate::sysviews_security::type_name(i)
                        .map_or(Value::Null, |n| Value::NVarChar(n.into())),
                    _ => Value::Null,
                },
            },
            // TRANSLATE(text, from, to): each character of `from` becomes the one at the same
            // position of `to` (error 9828 when their lengths differ).
            "TRANSLATE" => match (
                as_string(&v0)?,
                as_string(&v1)?,
                as_string(vals.get(2).unwrap_or(&Value::Null))?,
            ) {
                (Some(t), Some(from), Some(to)) => {
                    let from: Vec<char> = from.chars().collect();
                    let to: Vec<char> = to.chars().collect();
                    if from.len() != to.len() {
                        return Err(ServerError::new(
                            9828,
                            "The second and third arguments of the TRANSLATE built-in function must contain an equal number of characters.",
                        ));
                    }
                    let out: String = t
                        .chars()
                        .map(|c| from.iter().position(|f| *f == c).map_or(c, |i| to[i]))
                        .collect();
                    same_string_kind(&v0, out)
                }
                _ => Value::Null,
            },
            "HASHBYTES" => crate::format::hashbytes(&v0, &v1)?,
            "FORMAT" => crate::format::format(&v0, &v1)?,
            "SESSION_CONTEXT" => match as_string(&v0)? {
                Some(k) => self
                    .session_context
                    .get(&k.to_ascii_lowercase())
                    .map_or(Value::Null, |(v, _)| v.clone()),
                None => Value::Null,
            },
            "CONTEXT_INFO" => self.context_info.clone().map_or(Value::Null, Value::Binary),
            "ISJSON" => crate::json::isjson(&v0),
            "JSON_VALUE" => crate::json::json_value(&v0, vals.get(1).unwrap_or(&Value::Null))?,
            "JSON_QUERY" => crate::json::json_query(&v0, vals.get(1))?,
            "JSON_MODIFY" => crate::json::json_modify(
                &v0,
                vals.get(1).unwrap_or(&Value::Null),
                vals.get(2).unwrap_or(&Value::Null),
            )?,
            // CHOOSE(i, a, b, …): the i-th value (1-based), NULL when out of range.
            "CHOOSE" => match as_i64(&v0)? {
                Some(i) if i >= 1 => vals.get(i as usize).cloned().unwrap_or(Value::Null),
                _ => Value::Null,
            },
            "CERT_ID" => match as_string(&v0)? {
                None => Value::Null,
                Some(n) => {
                    let db = self.session.database_id();
                    self.session
                        .with_state(|st| {
                            st.db(db).and_then(|d| {
                                sbroker_engine::security::certificate_by_name(d, &n).map(|c| c.id)
                            })
                        })
                        .map_or(Value::Null, Value::Int)
                }
            },
            "SUSER_ID" if !vals.is_empty() => match as_string(&v0)? {
                None => Value::Null,
                Some(n) => self
                    .session
                    .with_state(|st| sbroker_engine::security::login_id(st, &n))
                    .map_or(Value::Null, Value::Int),
            },
            "SUSER_ID" => Value::Int(1),
            // The client's LOGIN7 HostName / AppName; in-process sessions have none.
            "HOST_NAME" => match self.session.client_info().map(|i| i.host_name) {
                Some(h) if !h.is_empty() => Value::NVarChar(h),
                _ => Value::NVarChar("localhost".into()),
            },
            "APP_NAME" => match self.session.client_info().map(|i| i.program_name) {
                Some(p) if !p.is_empty() => Value::NVarChar(p),
                _ => Value::NVarChar("sbroker".into()),
            },
            // What a client asks the server about itself; unknown properties are NULL, as in
            // SQL Server.
            "SERVERPROPERTY" => match as_string(&v0)?.map(|p| p.to_ascii_lowercase()) {
                Some(p) => match p.as_str() {
                    "servername" | "machinename" => Value::NVarChar("SBROKER".into()),
                    "instancename" => Value::Null,
                    // The SQL Server release whose T-SQL surface sbroker follows (the TDS
                    // LOGINACK reports the same): drivers and ORMs parse it as numbers.
                    "productversion" => Value::NVarChar(crate::PRODUCT_VERSION.into()),
                    "productmajorversion" => Value::NVarChar("16".into()),
                    "productminorversion" => Value::NVarChar("0".into()),
                    "productbuild" => Value::NVarChar("1000".into()),
                    "productlevel" => Value::NVarChar("RTM".into()),
                    "edition" => Value::NVarChar(format!(
                        "sbroker {} (SQL Server 2022 compatible)",
                        env!("CARGO_PKG_VERSION")
                    )),
                    // 3: the Enterprise/Developer feature level.
                    "engineedition" => Value::Int(3),
                    "isintegratedsecurityonly" | "isclustered" | "ishadrenabled" => Value::Int(0),
                    "collation" => Value::NVarChar("SQL_Latin1_General_CP1_CI_AS".into()),
                    _ => Value::Null,
                },
                None => Value::Null,
            },
            "IS_MEMBER" | "IS_ROLEMEMBER" if !vals.is_empty() => {
                let member = match vals.get(1) {
                    Some(v) => as_string(v)?,
                    None => Some(self.current_user().1),
                };
                match (as_string(&v0)?, member) {
                    (Some(role), Some(member)) => self.role_member(&role, &member),
                    _ => Value::Null,
                }
            }
            "IS_SRVROLEMEMBER" | "HAS_PERMS_BY_NAME" => Value::Int(1),
            "ERROR_NUMBER" => self.error_fn(|e| Value::Int(e.number)),
            "ERROR_MESSAGE" => self.error_fn(|e| Value::NVarChar(e.message.clone())),
            "ERROR_SEVERITY" => self.error_fn(|e| Value::Int(i32::from(e.severity))),
            "ERROR_STATE" => self.error_fn(|e| Value::Int(i32::from(e.state))),
            "ERROR_LINE" => self.error_fn(|e| Value::Int(e.line.unwrap_or(0) as i32)),
            "ERROR_PROCEDURE" => {
                self.error_fn(|e| e.procedure.clone().map_or(Value::Null, Value::NVarChar))
            }
            "XACT_STATE" => Value::SmallInt(i16::from(self.session.in_transaction())),
            "SCOPE_IDENTITY" | "IDENT_CURRENT" => self.last_identity.map_or(Value::Null, |i| {
                Value::Decimal(sbroker_types::Decimal::from_i128(i as i128))
            }),
            "GET_TRANSMISSION_STATUS" => match v0.cast(&SqlType::UniqueIdentifier) {
                Ok(Value::Guid(h)) => Value::NVarChar(self.session.transmission_status(h)),
                _ => Value::NVarChar(String::new()),
            },
            "DATEADD" | "DATEDIFF" | "DATEDIFF_BIG" | "DATEPART" | "DATENAME" => {
                let part = f.args.first().map(datepart_name).unwrap_or_default();
                return crate::query::date_function(&name, &part, &v1, &v2);
            }
            "YEAR" | "MONTH" | "DAY" => {
                return crate::query::date_function("DATEPART", &name, &v0, &Value::Null);
            }
            "EOMONTH" => crate::query::eomonth(&v0, vals.get(1).unwrap_or(&Value::Null))?,
            "FORMATMESSAGE" => match as_string(&v0)? {
                Some(s) => Value::NVarChar(format_message(&s, vals.get(1..).unwrap_or_default())?),
                None => Value::Null,
            },
            "QUOTENAME" => match as_string(&v0)? {
                Some(s) => Value::NVarChar(format!("[{}]", s.replace(']', "]]"))),
                None => Value::Null,
            },
            "CHAR" => match as_i64(&v0)? {
                Some(c) => Value::VarChar(
                    char::from_u32(c as u32)
                        .map(String::from)
                        .unwrap_or_default(),
                ),
                None => Value::Null,
            },
            "NCHAR" => match as_i64(&v0)? {
                Some(c) => Value::NVarChar(
                    char::from_u32(c as u32)
                        .map(String::from)
                        .unwrap_or_default(),
                ),
                None => Value::Null,
            },
            "ASCII" | "UNICODE" => match as_string(&v0)? {
                Some(s) => s
                    .chars()
                    .next()
                    .map_or(Value::Null, |c| Value::Int(c as i32)),
                None => Value::Null,
            },
            "NEXT VALUE FOR" => {
                return Err(ServerError::new(
                    40000,
                    "Sequences (CREATE SEQUENCE / NEXT VALUE FOR) are not supported by this version of sbroker.",
                ));
            }
            _ => {
                return Err(ServerError::new(
                    195,
                    format!("'{name}' is not a recognized built-in function name."),
                ));
            }
        })
    }

    fn aggregate(
        &mut self,
        name: &str,
        f: &ast::FunctionCall,
        row: &RowCtx<'_>,
    ) -> Result<Value, ServerError> {
        let Some(group) = row.group else {
            return Err(ServerError::new(
                147,
                "An aggregate may not appear in the WHERE clause unless it is in a subquery contained in a HAVING clause or a select list.",
            ));
        };
        if f.star {
            return Ok(if name == "COUNT_BIG" {
                Value::BigInt(group.len() as i64)
            } else {
                Value::Int(group.len() as i32)
            });
        }
        let expr = arg(&f.args, 0, name)?;
        let mut vals = Vec::with_capacity(group.len());
        for r in group {
            let ctx = RowCtx {
                cols: row.cols,
                vals: r,
                group: None,
                outer: row.outer,
            };
            let v = self.eval(&expr, &ctx)?;
            if !v.is_null() {
                vals.push(v);
            }
        }
        if f.distinct {
            let mut uniq: Vec<Value> = Vec::new();
            for v in vals {
                let mut dup = false;
                for u in &uniq {
                    if compare_op(BinaryOp::Eq, u, &v)? == Some(true) {
                        dup = true;
                        break;
                    }
                }
                if !dup {
                    uniq.push(v);
                }
            }
            vals = uniq;
        }
        Ok(match name {
            // STRING_AGG(expr, separator): the non-NULL values joined in row order.
            "STRING_AGG" => {
                if vals.is_empty() {
                    return Ok(Value::Null);
                }
                let sep_expr = arg(&f.args, 1, name)?;
                let sep = self.eval(&sep_expr, &RowCtx::EMPTY)?.to_display_string();
                let national = vals.iter().any(|v| !matches!(v, Value::VarChar(_)))
                    || matches!(self.eval(&sep_expr, &RowCtx::EMPTY)?, Value::NVarChar(_));
                let text = vals
                    .iter()
                    .map(Value::to_display_string)
                    .collect::<Vec<_>>()
                    .join(&sep);
                if national {
                    Value::NVarChar(text)
                } else {
                    Value::VarChar(text)
                }
            }
            "COUNT" => Value::Int(vals.len() as i32),
            "COUNT_BIG" => Value::BigInt(vals.len() as i64),
            "MIN" | "MAX" => {
                let mut best: Option<Value> = None;
                for v in vals {
                    best = match best {
                        None => Some(v),
                        Some(b) => {
                            let ord = b.compare(&v)?;
                            let take = if name == "MIN" {
                                ord == Some(Ordering::Greater)
                            } else {
                                ord == Some(Ordering::Less)
                            };
                            Some(if take { v } else { b })
                        }
                    };
                }
                best.unwrap_or(Value::Null)
            }
            "SUM" | "AVG" => {
                if vals.is_empty() {
                    return Ok(Value::Null);
                }
                let n = vals.len();
                let mut acc = match vals.first() {
                    Some(Value::Int(_) | Value::SmallInt(_) | Value::TinyInt(_)) => Value::Int(0),
                    Some(Value::BigInt(_)) => Value::BigInt(0),
                    Some(v) => Value::Int(0)
                        .cast(&v.sql_type())
                        .unwrap_or(Value::Float(0.0)),
                    None => Value::Int(0),
                };
                for v in &vals {
                    acc = acc.add(v)?;
                }
                if name == "AVG" {
                    acc.div(&Value::Int(n as i32))?
                } else {
                    acc
                }
            }
            _ => Value::Null,
        })
    }
}

fn datepart_name(e: &Expr) -> String {
    match e {
        Expr::Column(n) => n
            .name()
            .map(|i| i.value.to_ascii_lowercase())
            .unwrap_or_default(),
        Expr::Literal(Literal::String { value, .. }) => value.to_ascii_lowercase(),
        _ => String::new(),
    }
}

fn rand_f64() -> f64 {
    let b = uuid::Uuid::new_v4();
    let x = u64::from_le_bytes(b.as_bytes()[..8].try_into().unwrap_or([0; 8]));
    (x >> 11) as f64 / (1u64 << 53) as f64
}

fn replace_ci(s: &str, a: &str, b: &str) -> String {
    let lower = s.to_lowercase();
    let al = a.to_lowercase();
    if lower.len() != s.len() {
        return s.replace(a, b);
    }
    let mut out = String::new();
    let mut i = 0;
    while let Some(pos) = lower.get(i..).and_then(|t| t.find(&al)) {
        out.push_str(s.get(i..i + pos).unwrap_or_default());
        out.push_str(b);
        i += pos + al.len();
    }
    out.push_str(s.get(i..).unwrap_or_default());
    out
}

/// `FORMATMESSAGE` / RAISERROR substitution of `%d`, `%s`, `%i`, `%u`, `%x`, `%ls`, `%.*ls`.
pub(crate) fn format_message(fmt: &str, args: &[Value]) -> Result<String, ServerError> {
    let mut out = String::new();
    let mut it = args.iter();
    let chars: Vec<char> = fmt.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars.get(i).copied().unwrap_or(' ');
        if c != '%' {
            out.push(c);
            i += 1;
            continue;
        }
        if chars.get(i + 1) == Some(&'%') {
            out.push('%');
            i += 2;
            continue;
        }
        let mut j = i + 1;
        while j < chars.len()
            && chars
                .get(j)
                .is_some_and(|c| "-+ #0123456789.*lh".contains(*c))
        {
            j += 1;
        }
        let conv = chars.get(j).copied().unwrap_or('s');
        let v = it.next().cloned().unwrap_or(Value::Null);
        let text = match v {
            Value::Null => "(null)".to_string(),
            other => match conv {
                'x' | 'X' => match as_i64(&other)? {
                    Some(n) => format!("{n:x}"),
                    None => String::new(),
                },
                _ => as_string(&other)?.unwrap_or_default(),
            },
        };
        out.push_str(&text);
        i = j + 1;
    }
    Ok(out)
}

pub(crate) fn literal(l: &Literal) -> Value {
    match l {
        Literal::Null => Value::Null,
        Literal::Integer(i) => {
            if let Ok(x) = i32::try_from(*i) {
                Value::Int(x)
            } else {
                Value::BigInt(*i)
            }
        }
        Literal::Decimal(s) => sbroker_types::Decimal::parse(s).map_or(Value::Null, Value::Decimal),
        Literal::Float(s) => Value::Float(s.parse().unwrap_or(0.0)),
        Literal::String { value, national } => {
            if *national {
                Value::NVarChar(value.clone())
            } else {
                Value::VarChar(value.clone())
            }
        }
        Literal::Binary(b) => Value::Binary(b.clone()),
    }
}

fn is_comparison(op: BinaryOp) -> bool {
    matches!(
        op,
        BinaryOp::Eq
            | BinaryOp::NotEq
            | BinaryOp::Lt
            | BinaryOp::Gt
            | BinaryOp::LtEq
            | BinaryOp::GtEq
            | BinaryOp::NotLt
            | BinaryOp::NotGt
    )
}

pub(crate) fn compare_op(op: BinaryOp, l: &Value, r: &Value) -> Result<Option<bool>, ServerError> {
    let Some(ord) = l.compare(r)? else {
        return Ok(None);
    };
    Ok(Some(match op {
        BinaryOp::Eq => ord == Ordering::Equal,
        BinaryOp::NotEq => ord != Ordering::Equal,
        BinaryOp::Lt => ord == Ordering::Less,
        BinaryOp::Gt => ord == Ordering::Greater,
        BinaryOp::LtEq | BinaryOp::NotGt => ord != Ordering::Greater,
        BinaryOp::GtEq | BinaryOp::NotLt => ord != Ordering::Less,
        _ => false,
    }))
}

fn in_values(v: &Value, list: &[Value]) -> Result<Option<bool>, ServerError> {
    if v.is_null() {
        return Ok(None);
    }
    let mut saw_null = false;
    for x in list {
        match compare_op(BinaryOp::Eq, v, x)? {
            Some(true) => return Ok(Some(true)),
            None => saw_null = true,
            Some(false) => {}
        }
    }
    Ok(if saw_null { None } else { Some(false) })
}

/// LIKE with `%`, `_`, `[set]`, `[^set]`, case-insensitive.
pub(crate) fn like_match(s: &str, p: &str, escape: Option<char>) -> bool {
    let s: Vec<char> = s.to_lowercase().chars().collect();
    let p: Vec<char> = p.to_lowercase().chars().collect();
    like_rec(&s, &p, escape, 0)
}

fn like_rec(s: &[char], p: &[char], esc: Option<char>, depth: u32) -> bool {
    if depth > 10_000 {
        return false;
    }
    let Some(&c) = p.first() else {
        return s.is_empty();
    };
    let rest = p.get(1..).unwrap_or_default();
    if Some(c) == esc {
        let Some(&lit) = rest.first() else {
            return false;
        };
        return s.first() == Some(&lit)
            && like_rec(
                s.get(1..).unwrap_or_default(),
                rest.get(1..).unwrap_or_default(),
                esc,
                depth + 1,
            );
    }
    match c {
        '%' => {
            (0..=s.len()).any(|i| like_rec(s.get(i..).unwrap_or_default(), rest, esc, depth + 1))
        }
        '_' => !s.is_empty() && like_rec(s.get(1..).unwrap_or_default(), rest, esc, depth + 1),
        '[' => {
            let Some(end) = rest.iter().position(|&x| x == ']') else {
                return s.first() == Some(&'[')
                    && like_rec(s.get(1..).unwrap_or_default(), rest, esc, depth + 1);
            };
            let set = rest.get(..end).unwrap_or_default();
            let (neg, set) = match set.first() {
                Some('^') => (true, set.get(1..).unwrap_or_default()),
                _ => (false, set),
            };
            let Some(&ch) = s.first() else { return false };
            let mut hit = false;
            let mut k = 0;
            while k < set.len() {
                let a = set.get(k).copied().unwrap_or(' ');
                if set.get(k + 1) == Some(&'-') && k + 2 < set.len() {
                    let b = set.get(k + 2).copied().unwrap_or(' ');
                    if a <= ch && ch <= b {
                        hit = true;
                    }
                    k += 3;
                } else {
                    if a == ch {
                        hit = true;
                    }
                    k += 1;
                }
            }
            hit != neg
                && like_rec(
                    s.get(1..).unwrap_or_default(),
                    rest.get(end + 1..).unwrap_or_default(),
                    esc,
                    depth + 1,
                )
        }
        _ => {
            s.first() == Some(&c) && like_rec(s.get(1..).unwrap_or_default(), rest, esc, depth + 1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns() {
        assert!(like_match("Hello", "h%", None));
        assert!(like_match("abc", "a_c", None));
        assert!(like_match("abc", "[a-c]bc", None));
        assert!(!like_match("abc", "[^a]bc", None));
        assert!(like_match("50%", "50!%", Some('!')));
        assert!(!like_match("abc", "ab", None));
    }

    #[test]
    fn formats_messages() {
        let s = format_message(
            "x=%d y=%s %%",
            &[Value::Int(5), Value::NVarChar("a".into())],
        )
        .expect("fmt");
        assert_eq!(s, "x=5 y=a %");
    }
}
