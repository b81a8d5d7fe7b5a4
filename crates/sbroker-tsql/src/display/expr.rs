//! `Display` for expressions, queries, table sources and DML statements.

use std::fmt::{self, Display, Formatter};

use super::{Commas, Quoted, q};
use crate::ast::*;

impl Display for Literal {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Null => f.write_str("NULL"),
            Literal::Integer(i) => write!(f, "{i}"),
            Literal::Decimal(s) | Literal::Float(s) => f.write_str(s),
            Literal::String { value, national } => write!(f, "{}", Quoted(value, *national)),
            Literal::Binary(b) => {
                f.write_str("0x")?;
                for x in b {
                    write!(f, "{x:02X}")?;
                }
                Ok(())
            }
        }
    }
}

impl Display for BinaryOp {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "%",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::BitAnd => "&",
            BinaryOp::BitOr => "|",
            BinaryOp::BitXor => "^",
            BinaryOp::Eq => "=",
            BinaryOp::NotEq => "<>",
            BinaryOp::Lt => "<",
            BinaryOp::Gt => ">",
            BinaryOp::LtEq => "<=",
            BinaryOp::GtEq => ">=",
            BinaryOp::NotLt => "!<",
            BinaryOp::NotGt => "!>",
            BinaryOp::And => "AND",
            BinaryOp::Or => "OR",
        })
    }
}

fn not(negated: bool) -> &'static str {
    if negated { "NOT " } else { "" }
}

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Literal(l) => write!(f, "{l}"),
            Expr::Variable(v) | Expr::GlobalVariable(v) => f.write_str(v),
            Expr::Column(c) => write!(f, "{c}"),
            Expr::Default => f.write_str("DEFAULT"),
            Expr::Unary { op, expr } => {
                let sep = if matches!(
                    **expr,
                    Expr::Unary {
                        op: UnaryOp::Minus | UnaryOp::Plus,
                        ..
                    }
                ) {
                    " "
                } else {
                    ""
                };
                match op {
                    UnaryOp::Minus => write!(f, "-{sep}{expr}"),
                    UnaryOp::Plus => write!(f, "+{sep}{expr}"),
                    UnaryOp::BitNot => write!(f, "~{expr}"),
                    UnaryOp::Not => write!(f, "NOT {expr}"),
                }
            }
            Expr::Binary { left, op, right } => write!(f, "{left} {op} {right}"),
            Expr::Nested(e) => write!(f, "({e})"),
            Expr::IsNull { expr, negated } => write!(f, "{expr} IS {}NULL", not(*negated)),
            Expr::Between {
                expr,
                negated,
                low,
                high,
            } => write!(f, "{expr} {}BETWEEN {low} AND {high}", not(*negated)),
            Expr::InList {
                expr,
                negated,
                list,
            } => write!(f, "{expr} {}IN ({})", not(*negated), Commas(list)),
            Expr::InSubquery {
                expr,
                negated,
                query,
            } => write!(f, "{expr} {}IN ({query})", not(*negated)),
            Expr::Like {
                expr,
                negated,
                pattern,
                escape,
            } => {
                write!(f, "{expr} {}LIKE {pattern}", not(*negated))?;
                if let Some(e) = escape {
                    write!(f, " ESCAPE {e}")?;
                }
                Ok(())
            }
            Expr::Exists(q) => write!(f, "EXISTS ({q})"),
            Expr::Subquery(q) => write!(f, "({q})"),
            Expr::Case {
                operand,
                whens,
                else_result,
            } => {
                f.write_str("CASE")?;
                if let Some(o) = operand {
                    write!(f, " {o}")?;
                }
                for w in whens {
                    write!(f, " WHEN {} THEN {}", w.when, w.then)?;
                }
                if let Some(e) = else_result {
                    write!(f, " ELSE {e}")?;
                }
                f.write_str(" END")
            }
            Expr::Function(call) => write!(f, "{call}"),
            Expr::Cast {
                expr,
                data_type,
                is_try,
            } => write!(
                f,
                "{}CAST({expr} AS {data_type})",
                if *is_try { "TRY_" } else { "" }
            ),
            Expr::Convert {
                data_type,
                expr,
                style,
                is_try,
            } => {
                write!(
                    f,
                    "{}CONVERT({data_type}, {expr}",
                    if *is_try { "TRY_" } else { "" }
                )?;
                if let Some(s) = style {
                    write!(f, ", {s}")?;
                }
                f.write_str(")")
            }
            Expr::Iif {
                condition,
                then,
                otherwise,
            } => write!(f, "IIF({condition}, {then}, {otherwise})"),
            Expr::MethodCall {
                target,
                method,
                args,
            } => write!(f, "{target}.{method}({})", Commas(args)),
            Expr::Collate { expr, collation } => write!(f, "{expr} COLLATE {collation}"),
        }
    }
}

impl Display for FunctionCall {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.name)?;
        if self.no_parens {
            return Ok(());
        }
        f.write_str("(")?;
        if self.star {
            f.write_str("*")?;
        } else {
            if self.distinct {
                f.write_str("DISTINCT ")?;
            }
            write!(f, "{}", Commas(&self.args))?;
        }
        f.write_str(")")?;
        if let Some(w) = &self.over {
            f.write_str(" OVER (")?;
            let mut sp = "";
            if !w.partition_by.is_empty() {
                write!(f, "PARTITION BY {}", Commas(&w.partition_by))?;
                sp = " ";
            }
            if !w.order_by.is_empty() {
                write!(f, "{sp}ORDER BY {}", Commas(&w.order_by))?;
            }
            f.write_str(")")?;
        }
        Ok(())
    }
}

impl Display for OrderByItem {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.expr)?;
        if self.desc {
            f.write_str(" DESC")?;
        }
        Ok(())
    }
}

impl Display for WithClause {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("WITH ")?;
        if !self.xml_namespaces.is_empty() {
            f.write_str("XMLNAMESPACES (")?;
            for (i, ns) in self.xml_namespaces.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                match &ns.prefix {
                    Some(p) => write!(f, "{} AS {p}", q(&ns.uri))?,
                    None => write!(f, "DEFAULT {}", q(&ns.uri))?,
                }
            }
            f.write_str(")")?;
            if !self.ctes.is_empty() {
                f.write_str(", ")?;
            }
        }
        for (i, c) in self.ctes.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{}", c.name)?;
            if !c.columns.is_empty() {
                write!(f, " ({})", Commas(&c.columns))?;
            }
            write!(f, " AS ({})", c.query)?;
        }
        Ok(())
    }
}

impl Display for Query {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if let Some(w) = &self.with {
            write!(f, "{w} ")?;
        }
        write!(f, "{}", self.body)?;
        if !self.order_by.is_empty() {
            write!(f, " ORDER BY {}", Commas(&self.order_by))?;
        }
        if let Some(o) = &self.offset {
            write!(f, " OFFSET {o} ROWS")?;
            if let Some(n) = &self.fetch {
                write!(f, " FETCH NEXT {n} ROWS ONLY")?;
            }
        }
        if let Some(x) = &self.for_xml {
            write!(f, " {x}")?;
        }
        if let Some(j) = &self.for_json {
            write!(f, " FOR JSON {}", if j.path { "PATH" } else { "AUTO" })?;
            match &j.root {
                Some(Some(n)) => write!(f, ", ROOT ({})", q(n))?,
                Some(None) => f.write_str(", ROOT")?,
                None => {}
            }
            if j.include_nulls {
                f.write_str(", INCLUDE_NULL_VALUES")?;
            }
            if j.without_array_wrapper {
                f.write_str(", WITHOUT_ARRAY_WRAPPER")?;
            }
        }
        Ok(())
    }
}

impl Display for ForXml {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("FOR XML ")?;
        let opt = |f: &mut Formatter<'_>, n: &Option<String>| -> fmt::Result {
            if let Some(n) = n {
                write!(f, "({})", q(n))?;
            }
            Ok(())
        };
        match &self.mode {
            XmlMode::Raw(n) => {
                f.write_str("RAW")?;
                opt(f, n)?;
            }
            XmlMode::Auto => f.write_str("AUTO")?,
            XmlMode::Path(n) => {
                f.write_str("PATH")?;
                opt(f, n)?;
            }
            XmlMode::Explicit => f.write_str("EXPLICIT")?,
        }
        match self.elements {
            Some(true) => f.write_str(", ELEMENTS XSINIL")?,
            Some(false) => f.write_str(", ELEMENTS")?,
            None => {}
        }
        if let Some(r) = &self.root {
            f.write_str(", ROOT")?;
            opt(f, r)?;
        }
        if self.type_directive {
            f.write_str(", TYPE")?;
        }
        if self.binary_base64 {
            f.write_str(", BINARY BASE64")?;
        }
        Ok(())
    }
}

impl Display for SetExpr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            SetExpr::Select(s) => write!(f, "{s}"),
            SetExpr::Query(q) => write!(f, "({q})"),
            SetExpr::SetOperation { left, op, right } => {
                let op = match op {
                    SetOperator::Union => "UNION",
                    SetOperator::UnionAll => "UNION ALL",
                    SetOperator::Except => "EXCEPT",
                    SetOperator::Intersect => "INTERSECT",
                };
                write!(f, "{left} {op} {right}")
            }
        }
    }
}

impl Display for Top {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "TOP ({})", self.quantity)?;
        if self.percent {
            f.write_str(" PERCENT")?;
        }
        if self.with_ties {
            f.write_str(" WITH TIES")?;
        }
        Ok(())
    }
}

pub(crate) fn write_from(f: &mut Formatter<'_>, from: &[TableWithJoins]) -> fmt::Result {
    if !from.is_empty() {
        write!(f, " FROM {}", Commas(from))?;
    }
    Ok(())
}

pub(crate) fn write_where(f: &mut Formatter<'_>, w: &Option<Expr>) -> fmt::Result {
    if let Some(w) = w {
        write!(f, " WHERE {w}")?;
    }
    Ok(())
}

impl Display for Select {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("SELECT ")?;
        if self.distinct {
            f.write_str("DISTINCT ")?;
        }
        if let Some(t) = &self.top {
            write!(f, "{t} ")?;
        }
        write!(f, "{}", Commas(&self.items))?;
        if let Some(i) = &self.into {
            write!(f, " INTO {i}")?;
        }
        write_from(f, &self.from)?;
        write_where(f, &self.selection)?;
        if !self.group_by.is_empty() {
            write!(f, " GROUP BY {}", Commas(&self.group_by))?;
        }
        if let Some(h) = &self.having {
            write!(f, " HAVING {h}")?;
        }
        Ok(())
    }
}

impl Display for SelectItem {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            SelectItem::Wildcard => f.write_str("*"),
            SelectItem::QualifiedWildcard(n) => write!(f, "{n}.*"),
            SelectItem::Expr { expr, alias } => {
                write!(f, "{expr}")?;
                if let Some(a) = alias {
                    write!(f, " AS {a}")?;
                }
                Ok(())
            }
            SelectItem::Assign { variable, op, expr } => write!(f, "{variable} {op} {expr}"),
        }
    }
}

impl Display for TableWithJoins {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.source)?;
        for j in &self.joins {
            let kw = match j.kind {
                JoinKind::Inner => "INNER JOIN",
                JoinKind::LeftOuter => "LEFT OUTER JOIN",
                JoinKind::RightOuter => "RIGHT OUTER JOIN",
                JoinKind::FullOuter => "FULL OUTER JOIN",
                JoinKind::Cross => "CROSS JOIN",
                JoinKind::CrossApply => "CROSS APPLY",
                JoinKind::OuterApply => "OUTER APPLY",
            };
            write!(f, " {kw} {}", j.source)?;
            if let Some(on) = &j.on {
                write!(f, " ON {on}")?;
            }
        }
        Ok(())
    }
}

fn write_alias(f: &mut Formatter<'_>, alias: &Option<Ident>, cols: &[Ident]) -> fmt::Result {
    if let Some(a) = alias {
        write!(f, " AS {a}")?;
        if !cols.is_empty() {
            write!(f, "({})", Commas(cols))?;
        }
    }
    Ok(())
}

pub(crate) fn write_hints(f: &mut Formatter<'_>, hints: &[Ident]) -> fmt::Result {
    if !hints.is_empty() {
        write!(f, " WITH ({})", Commas(hints))?;
    }
    Ok(())
}

impl Display for TableSource {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            TableSource::Table { name, alias, hints } => {
                write!(f, "{name}")?;
                write_alias(f, alias, &[])?;
                write_hints(f, hints)
            }
            TableSource::Variable { name, alias } => {
                f.write_str(name)?;
                write_alias(f, alias, &[])
            }
            TableSource::Derived {
                query,
                alias,
                columns,
            } => {
                write!(f, "({query})")?;
                write_alias(f, alias, columns)
            }
            TableSource::Function {
                expr,
                alias,
                columns,
                json_schema,
            } => {
                write!(f, "{expr}")?;
                if !json_schema.is_empty() {
                    let cols: Vec<String> = json_schema
                        .iter()
                        .map(|c| {
                            let mut s = format!("{} {}", c.name, c.data_type);
                            if let Some(p) = &c.path {
                                s.push_str(&format!(" {}", q(p)));
                            }
                            if c.as_json {
                                s.push_str(" AS JSON");
                            }
                            s
                        })
                        .collect();
                    write!(f, " WITH ({})", cols.join(", "))?;
                }
                write_alias(f, alias, columns)
            }
            TableSource::Nested(t) => write!(f, "({t})"),
        }
    }
}

impl Display for DmlTarget {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            DmlTarget::Table(n) => write!(f, "{n}"),
            DmlTarget::Variable(v) => f.write_str(v),
        }
    }
}

impl Display for OutputClause {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, " OUTPUT {}", Commas(&self.items))?;
        if let Some(t) = &self.into {
            write!(f, " INTO {t}")?;
            if !self.into_columns.is_empty() {
                write!(f, " ({})", Commas(&self.into_columns))?;
            }
        }
        Ok(())
    }
}

fn write_with(f: &mut Formatter<'_>, w: &Option<WithClause>) -> fmt::Result {
    if let Some(w) = w {
        write!(f, "{w} ")?;
    }
    Ok(())
}

fn write_top(f: &mut Formatter<'_>, t: &Option<Top>) -> fmt::Result {
    if let Some(t) = t {
        write!(f, " {t}")?;
    }
    Ok(())
}

impl Display for Insert {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write_with(f, &self.with)?;
        f.write_str("INSERT")?;
        write_top(f, &self.top)?;
        write!(f, " INTO {}", self.target)?;
        write_hints(f, &self.hints)?;
        if !self.columns.is_empty() {
            write!(f, " ({})", Commas(&self.columns))?;
        }
        if let Some(o) = &self.output {
            write!(f, "{o}")?;
        }
        match &self.source {
            InsertSource::Values(rows) => {
                f.write_str(" VALUES ")?;
                for (i, r) in rows.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "({})", Commas(r))?;
                }
                Ok(())
            }
            InsertSource::Query(q) => write!(f, " {q}"),
            InsertSource::Exec(e) => write!(f, " EXEC {e}"),
            InsertSource::DefaultValues => f.write_str(" DEFAULT VALUES"),
        }
    }
}

impl Display for Assignment {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.target {
            AssignTarget::Column(c) => write!(f, "{c}")?,
            AssignTarget::Variable(v) => f.write_str(v)?,
        }
        write!(f, " {} {}", self.op, self.value)
    }
}

impl Display for Update {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write_with(f, &self.with)?;
        f.write_str("UPDATE")?;
        write_top(f, &self.top)?;
        write!(f, " {}", self.target)?;
        write_hints(f, &self.hints)?;
        write!(f, " SET {}", Commas(&self.assignments))?;
        if let Some(o) = &self.output {
            write!(f, "{o}")?;
        }
        write_from(f, &self.from)?;
        write_where(f, &self.selection)
    }
}

impl Display for Merge {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write_with(f, &self.with)?;
        write!(f, "MERGE INTO {}", self.target)?;
        if let Some(a) = &self.alias {
            write!(f, " AS {a}")?;
        }
        write!(f, " USING {} ON {}", self.source, self.on)?;
        for c in &self.clauses {
            f.write_str(match c.kind {
                MergeMatch::Matched => " WHEN MATCHED",
                MergeMatch::NotMatchedByTarget => " WHEN NOT MATCHED BY TARGET",
                MergeMatch::NotMatchedBySource => " WHEN NOT MATCHED BY SOURCE",
            })?;
            if let Some(cond) = &c.condition {
                write!(f, " AND {cond}")?;
            }
            f.write_str(" THEN ")?;
            match &c.action {
                MergeAction::Update(a) => write!(f, "UPDATE SET {}", Commas(a))?,
                MergeAction::Delete => f.write_str("DELETE")?,
                MergeAction::Insert { columns, values } => {
                    f.write_str("INSERT")?;
                    if !columns.is_empty() {
                        write!(f, " ({})", Commas(columns))?;
                    }
                    match values {
                        Some(v) => write!(f, " VALUES ({})", Commas(v))?,
                        None => f.write_str(" DEFAULT VALUES")?,
                    }
                }
            }
        }
        if let Some(o) = &self.output {
            write!(f, "{o}")?;
        }
        Ok(())
    }
}

impl Display for Delete {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write_with(f, &self.with)?;
        f.write_str("DELETE")?;
        write_top(f, &self.top)?;
        write!(f, " FROM {}", self.target)?;
        write_hints(f, &self.hints)?;
        if let Some(o) = &self.output {
            write!(f, "{o}")?;
        }
        write_from(f, &self.from)?;
        write_where(f, &self.selection)
    }
}
