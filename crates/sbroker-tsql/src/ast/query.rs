//! Query and DML nodes: `SELECT` (with CTEs, `WITH XMLNAMESPACES`, set
//! operations, `FOR XML`), table sources and joins, `INSERT`, `UPDATE`,
//! `DELETE` and the `OUTPUT` clause.

use super::expr::Expr;
use super::{AssignOp, Ident, ObjectName};

/// `WITH XMLNAMESPACES ( … ) [, cte …]` and/or `WITH cte [, …]` prefix.
#[derive(Debug, Clone, PartialEq)]
pub struct WithClause {
    /// `XMLNAMESPACES` declarations (empty when not given).
    pub xml_namespaces: Vec<XmlNamespace>,
    /// Common table expressions.
    pub ctes: Vec<Cte>,
}

/// One entry of `XMLNAMESPACES ( 'uri' AS prefix | DEFAULT 'uri' )`.
#[derive(Debug, Clone, PartialEq)]
pub struct XmlNamespace {
    /// The namespace URI.
    pub uri: String,
    /// The prefix; `None` for `DEFAULT 'uri'`.
    pub prefix: Option<Ident>,
}

/// A common table expression: `name [( col, … )] AS ( query )`.
#[derive(Debug, Clone, PartialEq)]
pub struct Cte {
    /// CTE name.
    pub name: Ident,
    /// Optional column names.
    pub columns: Vec<Ident>,
    /// The query.
    pub query: Box<Query>,
}

/// A complete query:
/// `[WITH …] set_expr [ORDER BY …] [OFFSET n ROWS [FETCH {NEXT|FIRST} m ROWS ONLY]] [FOR XML …]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// `WITH` prefix.
    pub with: Option<WithClause>,
    /// The body.
    pub body: SetExpr,
    /// `ORDER BY` items.
    pub order_by: Vec<OrderByItem>,
    /// `OFFSET n ROWS`.
    pub offset: Option<Expr>,
    /// `FETCH NEXT m ROWS ONLY` (only with `offset`).
    pub fetch: Option<Expr>,
    /// `FOR XML …`.
    pub for_xml: Option<ForXml>,
    /// `FOR JSON …`.
    pub for_json: Option<ForJson>,
}

/// `FOR JSON { PATH | AUTO } [, ROOT ('name')] [, INCLUDE_NULL_VALUES]
/// [, WITHOUT_ARRAY_WRAPPER]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ForJson {
    /// `PATH` (true) or `AUTO`.
    pub path: bool,
    /// `ROOT`, with its optional name.
    pub root: Option<Option<String>>,
    /// `INCLUDE_NULL_VALUES`.
    pub include_nulls: bool,
    /// `WITHOUT_ARRAY_WRAPPER`.
    pub without_array_wrapper: bool,
}

/// A column of `OPENJSON(…) WITH ( name type ['path'] [AS JSON], … )`.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonColumn {
    /// Column name.
    pub name: Ident,
    /// Column type.
    pub data_type: super::DataType,
    /// JSON path (default `$.name`).
    pub path: Option<String>,
    /// `AS JSON`: the column holds an object or array as JSON text.
    pub as_json: bool,
}

/// Set operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetOperator {
    /// `UNION`
    Union,
    /// `UNION ALL`
    UnionAll,
    /// `EXCEPT`
    Except,
    /// `INTERSECT`
    Intersect,
}

/// A query body: `SELECT …`, `( query )`, or `left {UNION [ALL]|EXCEPT|INTERSECT} right`
/// (left-associative).
#[derive(Debug, Clone, PartialEq)]
pub enum SetExpr {
    /// A single `SELECT`.
    Select(Box<Select>),
    /// A parenthesised query.
    Query(Box<Query>),
    /// A set operation.
    SetOperation {
        /// Left input.
        left: Box<SetExpr>,
        /// Operator.
        op: SetOperator,
        /// Right input.
        right: Box<SetExpr>,
    },
}

/// `TOP ( expr ) [PERCENT] [WITH TIES]` (also accepted without parentheses: `TOP 5`).
#[derive(Debug, Clone, PartialEq)]
pub struct Top {
    /// Row count (or percentage).
    pub quantity: Expr,
    /// `PERCENT`.
    pub percent: bool,
    /// `WITH TIES`.
    pub with_ties: bool,
}

/// `SELECT [ALL | DISTINCT] [TOP …] item, … [INTO table] [FROM source, …]
/// [WHERE cond] [GROUP BY expr, …] [HAVING cond]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Select {
    /// `DISTINCT`.
    pub distinct: bool,
    /// `TOP`.
    pub top: Option<Top>,
    /// Select list.
    pub items: Vec<SelectItem>,
    /// `INTO new_table`.
    pub into: Option<ObjectName>,
    /// `FROM` sources (comma-separated).
    pub from: Vec<TableWithJoins>,
    /// `WHERE`.
    pub selection: Option<Expr>,
    /// `GROUP BY`.
    pub group_by: Vec<Expr>,
    /// `HAVING`.
    pub having: Option<Expr>,
}

/// A select-list (or RECEIVE column list, or OUTPUT list) item.
///
/// Grammar: `` `*` | `qualifier.*` | `expr [[AS] alias]` | `alias = expr` |
/// `@var {=|+=|…} expr` ``. The `alias = expr` form is normalised to
/// [`SelectItem::Expr`] with an alias (string aliases such as `'x'` become
/// bracketed identifiers).
#[derive(Debug, Clone, PartialEq)]
pub enum SelectItem {
    /// `*`.
    Wildcard,
    /// `t.*`, `inserted.*`.
    QualifiedWildcard(ObjectName),
    /// An expression with optional alias.
    Expr {
        /// Value.
        expr: Expr,
        /// Column alias.
        alias: Option<Ident>,
    },
    /// A variable assignment `@v = expr`.
    Assign {
        /// Variable name including `@`.
        variable: String,
        /// Operator.
        op: AssignOp,
        /// Value.
        expr: Expr,
    },
}

/// `expr [ASC | DESC]`.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderByItem {
    /// Sort key.
    pub expr: Expr,
    /// `DESC`.
    pub desc: bool,
}

/// `FOR XML` mode.
#[derive(Debug, Clone, PartialEq)]
pub enum XmlMode {
    /// `RAW [('element')]`.
    Raw(Option<String>),
    /// `AUTO`.
    Auto,
    /// `PATH [('element')]`.
    Path(Option<String>),
    /// `EXPLICIT`.
    Explicit,
}

/// `FOR XML mode [, ELEMENTS [XSINIL | ABSENT]] [, ROOT [('name')]] [, TYPE]
/// [, BINARY BASE64]` (directives printed in that order).
#[derive(Debug, Clone, PartialEq)]
pub struct ForXml {
    /// Mode.
    pub mode: XmlMode,
    /// `ELEMENTS` given; `Some(true)` = `ELEMENTS XSINIL`, `Some(false)` = plain
    /// `ELEMENTS` (or `ELEMENTS ABSENT`).
    pub elements: Option<bool>,
    /// `ROOT` given, with optional root element name.
    pub root: Option<Option<String>>,
    /// `TYPE` (return an `xml` value).
    pub type_directive: bool,
    /// `BINARY BASE64`.
    pub binary_base64: bool,
}

/// A table source followed by its joins: `source [join …]`.
#[derive(Debug, Clone, PartialEq)]
pub struct TableWithJoins {
    /// The leftmost source.
    pub source: TableSource,
    /// Joins applied left to right.
    pub joins: Vec<Join>,
}

/// Join kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinKind {
    /// `[INNER] JOIN … ON`
    Inner,
    /// `LEFT [OUTER] JOIN … ON`
    LeftOuter,
    /// `RIGHT [OUTER] JOIN … ON`
    RightOuter,
    /// `FULL [OUTER] JOIN … ON`
    FullOuter,
    /// `CROSS JOIN`
    Cross,
    /// `CROSS APPLY`
    CrossApply,
    /// `OUTER APPLY`
    OuterApply,
}

/// One join: `kind source [ON condition]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Join {
    /// Join kind.
    pub kind: JoinKind,
    /// Right-hand source.
    pub source: TableSource,
    /// `ON` condition (absent for CROSS JOIN and APPLY).
    pub on: Option<Expr>,
}

/// A table source.
#[derive(Debug, Clone, PartialEq)]
pub enum TableSource {
    /// `name [[AS] alias] [WITH (hint, …)]` (legacy `name (NOLOCK)` is accepted).
    /// Also used for queues (`FROM dbo.q WITH (NOLOCK)`).
    Table {
        /// Table / view / queue name.
        name: ObjectName,
        /// Alias.
        alias: Option<Ident>,
        /// Table hints, e.g. `NOLOCK`.
        hints: Vec<Ident>,
    },
    /// `@table_variable [[AS] alias]`.
    Variable {
        /// Variable name including `@`.
        name: String,
        /// Alias.
        alias: Option<Ident>,
    },
    /// `( query ) [AS] alias [( col, … )]`.
    Derived {
        /// The subquery.
        query: Box<Query>,
        /// Alias.
        alias: Option<Ident>,
        /// Column aliases.
        columns: Vec<Ident>,
    },
    /// A table-valued function or XML `nodes()` call:
    /// `dbo.fn(args) [AS] alias [(cols)]`, `@x.nodes('/a') AS T(c)`,
    /// `T.c.nodes('b') AS U(d)`. `expr` is a [`Expr::Function`] or
    /// [`Expr::MethodCall`].
    Function {
        /// The call.
        expr: Expr,
        /// Alias.
        alias: Option<Ident>,
        /// Column aliases.
        columns: Vec<Ident>,
        /// `OPENJSON(…) WITH ( … )` schema (empty otherwise).
        json_schema: Vec<JsonColumn>,
    },
    /// `( source [join …] )` — a parenthesised join.
    Nested(Box<TableWithJoins>),
}

/// The target of INSERT / UPDATE / DELETE: a table name (or alias) or a table variable.
#[derive(Debug, Clone, PartialEq)]
pub enum DmlTarget {
    /// A table, view or alias name.
    Table(ObjectName),
    /// A table variable (including `@`).
    Variable(String),
}

/// `OUTPUT item, … [INTO target [( col, … )]]`.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputClause {
    /// Output items (may reference `inserted.` / `deleted.`).
    pub items: Vec<SelectItem>,
    /// `INTO` target.
    pub into: Option<DmlTarget>,
    /// `INTO` column list.
    pub into_columns: Vec<Ident>,
}

/// The row source of an INSERT.
#[derive(Debug, Clone, PartialEq)]
pub enum InsertSource {
    /// `VALUES ( expr, … ) [, ( … ) …]`.
    Values(Vec<Vec<Expr>>),
    /// A query.
    Query(Box<Query>),
    /// `EXEC …`.
    Exec(Box<super::ddl::Exec>),
    /// `DEFAULT VALUES`.
    DefaultValues,
}

/// `[WITH …] INSERT [TOP (n)] [INTO] target [WITH (hints)] [( col, … )]
/// [OUTPUT …] { VALUES … | query | EXEC … | DEFAULT VALUES }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Insert {
    /// CTE prefix.
    pub with: Option<WithClause>,
    /// `TOP`.
    pub top: Option<Top>,
    /// Target table.
    pub target: DmlTarget,
    /// Table hints.
    pub hints: Vec<Ident>,
    /// Column list.
    pub columns: Vec<Ident>,
    /// `OUTPUT` clause.
    pub output: Option<OutputClause>,
    /// Row source.
    pub source: InsertSource,
}

/// Target of an `UPDATE … SET` assignment.
#[derive(Debug, Clone, PartialEq)]
pub enum AssignTarget {
    /// A (possibly qualified) column.
    Column(ObjectName),
    /// A variable (including `@`).
    Variable(String),
}

/// `target op expr` in `UPDATE … SET`.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// Column or variable.
    pub target: AssignTarget,
    /// Operator.
    pub op: AssignOp,
    /// Value.
    pub value: Expr,
}

/// `[WITH …] UPDATE [TOP (n)] target [WITH (hints)] SET assignment, … [OUTPUT …]
/// [FROM source, …] [WHERE cond]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Update {
    /// CTE prefix.
    pub with: Option<WithClause>,
    /// `TOP`.
    pub top: Option<Top>,
    /// Target.
    pub target: DmlTarget,
    /// Table hints.
    pub hints: Vec<Ident>,
    /// `SET` list.
    pub assignments: Vec<Assignment>,
    /// `OUTPUT`.
    pub output: Option<OutputClause>,
    /// `FROM`.
    pub from: Vec<TableWithJoins>,
    /// `WHERE`.
    pub selection: Option<Expr>,
}

/// `[WITH …] DELETE [TOP (n)] [FROM] target [WITH (hints)] [OUTPUT …]
/// [FROM source, …] [WHERE cond]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Delete {
    /// CTE prefix.
    pub with: Option<WithClause>,
    /// `TOP`.
    pub top: Option<Top>,
    /// Target.
    pub target: DmlTarget,
    /// Table hints.
    pub hints: Vec<Ident>,
    /// `OUTPUT`.
    pub output: Option<OutputClause>,
    /// `FROM`.
    pub from: Vec<TableWithJoins>,
    /// `WHERE`.
    pub selection: Option<Expr>,
}

/// Which rows a `WHEN` clause of MERGE applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MergeMatch {
    /// `WHEN MATCHED`.
    Matched,
    /// `WHEN NOT MATCHED [BY TARGET]`.
    NotMatchedByTarget,
    /// `WHEN NOT MATCHED BY SOURCE`.
    NotMatchedBySource,
}

/// What a `WHEN` clause of MERGE does.
#[derive(Debug, Clone, PartialEq)]
pub enum MergeAction {
    /// `UPDATE SET assignment, …`.
    Update(Vec<Assignment>),
    /// `DELETE`.
    Delete,
    /// `INSERT [(cols)] { VALUES (exprs) | DEFAULT VALUES }` (`values` `None` = DEFAULT VALUES).
    Insert {
        /// Column list.
        columns: Vec<Ident>,
        /// The values.
        values: Option<Vec<Expr>>,
    },
}

/// `WHEN [NOT] MATCHED [BY TARGET | BY SOURCE] [AND cond] THEN action`.
#[derive(Debug, Clone, PartialEq)]
pub struct MergeClause {
    /// Which rows.
    pub kind: MergeMatch,
    /// `AND` condition.
    pub condition: Option<Expr>,
    /// The action.
    pub action: MergeAction,
}

/// `[WITH …] MERGE [INTO] target [[AS] alias] USING source ON cond WHEN … [OUTPUT …]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Merge {
    /// CTE prefix.
    pub with: Option<WithClause>,
    /// Target table.
    pub target: DmlTarget,
    /// Target alias.
    pub alias: Option<Ident>,
    /// The source (a table, table variable, derived table …, with its alias).
    pub source: TableSource,
    /// Match condition.
    pub on: Expr,
    /// `WHEN` clauses in order.
    pub clauses: Vec<MergeClause>,
    /// `OUTPUT`.
    pub output: Option<OutputClause>,
}
