//! Expression nodes: literals, variables, column references, operators,
//! function calls and the special forms (`CAST`, `CONVERT`, `IIF`, `CASE`,
//! XML method calls, subqueries).

use super::query::{OrderByItem, Query};
use super::{DataType, Ident, ObjectName};

/// A literal constant.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `NULL`.
    Null,
    /// An integer constant that fits in `i64`, e.g. `42`.
    Integer(i64),
    /// A decimal constant kept as written, e.g. `1.50`, `.5`, or an integer
    /// too large for `i64`.
    Decimal(String),
    /// A float constant in exponent form kept as written, e.g. `1e3`, `2.5E-2`.
    Float(String),
    /// A string constant `'it''s'` (value `it's`); `national` is true for `N'…'`.
    String {
        /// The string contents with `''` unescaped.
        value: String,
        /// `N` prefix present.
        national: bool,
    },
    /// A binary constant `0x0AFF` (bytes `[0x0A, 0xFF]`); `0x` is empty.
    Binary(Vec<u8>),
}

/// Unary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-expr`
    Minus,
    /// `+expr`
    Plus,
    /// `~expr` (bitwise not)
    BitNot,
    /// `NOT expr`
    Not,
}

/// Binary operators, listed from highest to lowest precedence group:
/// `* / %` > `+ -` > `& ^ |` > comparisons > (NOT) > `AND` > `OR`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Mod,
    /// `+` (numeric addition or string concatenation)
    Add,
    /// `-`
    Sub,
    /// `&`
    BitAnd,
    /// `|`
    BitOr,
    /// `^`
    BitXor,
    /// `=`
    Eq,
    /// `<>` or `!=`
    NotEq,
    /// `<`
    Lt,
    /// `>`
    Gt,
    /// `<=`
    LtEq,
    /// `>=`
    GtEq,
    /// `!<`
    NotLt,
    /// `!>`
    NotGt,
    /// `AND`
    And,
    /// `OR`
    Or,
}

/// `OVER ( [PARTITION BY expr, …] [ORDER BY item, …] )` window specification.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowSpec {
    /// `PARTITION BY` expressions.
    pub partition_by: Vec<Expr>,
    /// `ORDER BY` items.
    pub order_by: Vec<OrderByItem>,
}

/// A function call: `name ( [DISTINCT] arg, … | * ) [OVER (…)]`, or one of the
/// niladic keyword functions written without parentheses (`CURRENT_TIMESTAMP`,
/// `CURRENT_USER`, `SESSION_USER`, `SYSTEM_USER`, `USER`).
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionCall {
    /// Function name, possibly multi-part (`dbo.fn`).
    pub name: ObjectName,
    /// Arguments (empty for `COUNT(*)`).
    pub args: Vec<Expr>,
    /// `COUNT(*)`-style star argument.
    pub star: bool,
    /// `DISTINCT` before the arguments.
    pub distinct: bool,
    /// Written without parentheses (niladic keyword function).
    pub no_parens: bool,
    /// `OVER (…)` window.
    pub over: Option<Box<WindowSpec>>,
}

/// One `WHEN … THEN …` arm of a `CASE` expression.
#[derive(Debug, Clone, PartialEq)]
pub struct WhenClause {
    /// The `WHEN` value (simple CASE) or condition (searched CASE).
    pub when: Expr,
    /// The `THEN` result.
    pub then: Expr,
}

/// An expression.
///
/// Precedence (highest first): `~`/unary `-`/`+`, `* / %`, `+ -`, `& ^ |`,
/// comparisons / `IS` / `IN` / `LIKE` / `BETWEEN`, `NOT`, `AND`, `OR`.
/// Parentheses written in the source are kept as [`Expr::Nested`].
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A literal constant.
    Literal(Literal),
    /// A local variable or parameter `@name` (stored with the `@`).
    Variable(String),
    /// A system function `@@NAME` (stored with the `@@`, as written).
    GlobalVariable(String),
    /// A (possibly multi-part) column reference: `col`, `t.col`, `inserted.col`.
    Column(ObjectName),
    /// The `DEFAULT` keyword used as a value (`INSERT … VALUES (DEFAULT)`,
    /// `EXEC p DEFAULT`, `UPDATE … SET c = DEFAULT`).
    Default,
    /// `op expr`.
    Unary {
        /// Operator.
        op: UnaryOp,
        /// Operand.
        expr: Box<Expr>,
    },
    /// `left op right`.
    Binary {
        /// Left operand.
        left: Box<Expr>,
        /// Operator.
        op: BinaryOp,
        /// Right operand.
        right: Box<Expr>,
    },
    /// `( expr )` as written in the source.
    Nested(Box<Expr>),
    /// `expr IS [NOT] NULL`.
    IsNull {
        /// Tested expression.
        expr: Box<Expr>,
        /// `IS NOT NULL`.
        negated: bool,
    },
    /// `expr [NOT] BETWEEN low AND high`.
    Between {
        /// Tested expression.
        expr: Box<Expr>,
        /// `NOT BETWEEN`.
        negated: bool,
        /// Lower bound.
        low: Box<Expr>,
        /// Upper bound.
        high: Box<Expr>,
    },
    /// `expr [NOT] IN ( expr, … )`.
    InList {
        /// Tested expression.
        expr: Box<Expr>,
        /// `NOT IN`.
        negated: bool,
        /// The list.
        list: Vec<Expr>,
    },
    /// `expr [NOT] IN ( query )`.
    InSubquery {
        /// Tested expression.
        expr: Box<Expr>,
        /// `NOT IN`.
        negated: bool,
        /// The subquery.
        query: Box<Query>,
    },
    /// `expr [NOT] LIKE pattern [ESCAPE escape]`.
    Like {
        /// Tested expression.
        expr: Box<Expr>,
        /// `NOT LIKE`.
        negated: bool,
        /// Pattern.
        pattern: Box<Expr>,
        /// Escape character expression.
        escape: Option<Box<Expr>>,
    },
    /// `EXISTS ( query )`.
    Exists(Box<Query>),
    /// A scalar subquery `( query )`.
    Subquery(Box<Query>),
    /// `CASE [operand] WHEN … THEN … [ELSE …] END`.
    Case {
        /// Operand of a simple CASE; `None` for a searched CASE.
        operand: Option<Box<Expr>>,
        /// `WHEN` arms (at least one).
        whens: Vec<WhenClause>,
        /// `ELSE` result.
        else_result: Option<Box<Expr>>,
    },
    /// A function call.
    Function(Box<FunctionCall>),
    /// `CAST ( expr AS type )` or `TRY_CAST ( … )`.
    Cast {
        /// Value.
        expr: Box<Expr>,
        /// Target type.
        data_type: DataType,
        /// `TRY_CAST`.
        is_try: bool,
    },
    /// `CONVERT ( type, expr [, style] )` or `TRY_CONVERT ( … )`.
    Convert {
        /// Target type.
        data_type: DataType,
        /// Value.
        expr: Box<Expr>,
        /// Style.
        style: Option<Box<Expr>>,
        /// `TRY_CONVERT`.
        is_try: bool,
    },
    /// `IIF ( condition, true_value, false_value )`.
    Iif {
        /// Condition.
        condition: Box<Expr>,
        /// Value when true.
        then: Box<Expr>,
        /// Value otherwise.
        otherwise: Box<Expr>,
    },
    /// An XML data type method call `target.method ( args )`, e.g.
    /// `@x.value('(/a)[1]', 'int')`, `T.c.query('.')`,
    /// `CAST(b AS XML).exist('/r')`, `@x.nodes('/a/b')`.
    MethodCall {
        /// The value the method is called on.
        target: Box<Expr>,
        /// Method name (`value`, `query`, `exist`, `nodes`, `modify`).
        method: Ident,
        /// Arguments.
        args: Vec<Expr>,
    },
    /// `expr COLLATE collation_name`.
    Collate {
        /// Value.
        expr: Box<Expr>,
        /// Collation.
        collation: Ident,
    },
}

impl Expr {
    /// Convenience constructor for an integer literal.
    pub fn int(v: i64) -> Expr {
        Expr::Literal(Literal::Integer(v))
    }

    /// Convenience constructor for a (non-national) string literal.
    pub fn string(v: impl Into<String>) -> Expr {
        Expr::Literal(Literal::String {
            value: v.into(),
            national: false,
        })
    }
}
