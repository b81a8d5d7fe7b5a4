//! Expression parsing (a Pratt parser over T-SQL operator precedence), the
//! special expression forms (CASE, CAST, CONVERT, IIF, EXISTS, subqueries,
//! function calls, XML method calls) and data types.

use super::{MAX_TREE_DEPTH, PResult, Parser};
use crate::ast::*;
use crate::lexer::{Sym, Tok, is_reserved};

// Binding powers (higher binds tighter).
const BP_OR: u8 = 1;
const BP_AND: u8 = 2;
const BP_NOT: u8 = 3;
const BP_CMP: u8 = 4;
const BP_BIT: u8 = 5;
const BP_ADD: u8 = 6;
const BP_MUL: u8 = 7;
const BP_UNARY: u8 = 8;

/// XML data type method names recognised in `a.b.method(…)` position.
const XML_METHODS: &[&str] = &["value", "query", "exist", "nodes", "modify"];

/// Reserved words that may nevertheless be called as functions.
const RESERVED_FUNCTIONS: &[&str] = &["COALESCE", "NULLIF", "LEFT", "RIGHT", "UPDATE", "USER"];

/// Reserved niladic functions written without parentheses.
const NILADIC: &[&str] = &[
    "CURRENT_TIMESTAMP",
    "CURRENT_USER",
    "SESSION_USER",
    "SYSTEM_USER",
    "USER",
];

enum Infix {
    Binary(BinaryOp, u8),
    Is,
    In(bool),
    Like(bool),
    Between(bool),
    Collate,
}

impl Parser<'_> {
    /// `expression` — full expression including `AND`/`OR`.
    pub(crate) fn parse_expr(&mut self) -> PResult<Expr> {
        self.parse_expr_bp(0)
    }

    /// Parses an expression whose operators all bind tighter than `min_bp`.
    pub(crate) fn parse_expr_bp(&mut self, min_bp: u8) -> PResult<Expr> {
        self.enter()?;
        let r = self.parse_expr_bp_inner(min_bp);
        self.leave();
        r
    }

    fn peek_infix(&self) -> Option<(Infix, u8)> {
        let bin = |op, bp| Some((Infix::Binary(op, bp), bp));
        match self.peek() {
            Tok::Sym(s) => match s {
                Sym::Star => bin(BinaryOp::Mul, BP_MUL),
                Sym::Slash => bin(BinaryOp::Div, BP_MUL),
                Sym::Percent => bin(BinaryOp::Mod, BP_MUL),
                Sym::Plus => bin(BinaryOp::Add, BP_ADD),
                Sym::Minus => bin(BinaryOp::Sub, BP_ADD),
                Sym::Amp => bin(BinaryOp::BitAnd, BP_BIT),
                Sym::Pipe => bin(BinaryOp::BitOr, BP_BIT),
                Sym::Caret => bin(BinaryOp::BitXor, BP_BIT),
                Sym::Eq => bin(BinaryOp::Eq, BP_CMP),
                Sym::Ne => bin(BinaryOp::NotEq, BP_CMP),
                Sym::Lt => bin(BinaryOp::Lt, BP_CMP),
                Sym::Gt => bin(BinaryOp::Gt, BP_CMP),
                Sym::Le => bin(BinaryOp::LtEq, BP_CMP),
                Sym::Ge => bin(BinaryOp::GtEq, BP_CMP),
                Sym::NotLt => bin(BinaryOp::NotLt, BP_CMP),
                Sym::NotGt => bin(BinaryOp::NotGt, BP_CMP),
                _ => None,
            },
            Tok::Word { .. } => {
                let w = self.word_upper_at(0)?;
                match w.as_str() {
                    "AND" => bin(BinaryOp::And, BP_AND),
                    "OR" => bin(BinaryOp::Or, BP_OR),
                    "IS" => Some((Infix::Is, BP_CMP)),
                    "IN" => Some((Infix::In(false), BP_CMP)),
                    "LIKE" => Some((Infix::Like(false), BP_CMP)),
                    "BETWEEN" => Some((Infix::Between(false), BP_CMP)),
                    "COLLATE" => Some((Infix::Collate, BP_UNARY + 1)),
                    "NOT" => match self.word_upper_at(1).as_deref() {
                        Some("IN") => Some((Infix::In(true), BP_CMP)),
                        Some("LIKE") => Some((Infix::Like(true), BP_CMP)),
                        Some("BETWEEN") => Some((Infix::Between(true), BP_CMP)),
                        _ => None,
                    },
                    _ => None,
                }
            }
            _ => None,
        }
    }

    fn parse_expr_bp_inner(&mut self, min_bp: u8) -> PResult<Expr> {
        // Track the depth of the tree being built: operators chained in this
        // loop sit on top of the left operand's subtree.
        let start = self.weight;
        let saved_peak = self.peak;
        self.peak = start;
        let r = self.parse_expr_chain(min_bp, start);
        self.weight = start;
        self.peak = self.peak.max(saved_peak);
        r
    }

    fn parse_expr_chain(&mut self, min_bp: u8, start: usize) -> PResult<Expr> {
        let mut left = self.parse_prefix()?;
        self.weight = self.peak.max(start);
        while let Some((infix, bp)) = self.peek_infix() {
            if bp <= min_bp {
                break;
            }
            self.weight += 1;
            self.peak = self.peak.max(self.weight);
            if self.weight > MAX_TREE_DEPTH {
                return Err(self.too_deep());
            }
            left = match infix {
                Infix::Binary(op, bp) => {
                    self.pos += 1;
                    let right = self.parse_expr_bp(bp)?;
                    Expr::Binary {
                        left: Box::new(left),
                        op,
                        right: Box::new(right),
                    }
                }
                Infix::Is => {
                    self.pos += 1;
                    let negated = self.eat_kw("NOT");
                    self.expect_kw("NULL")?;
                    Expr::IsNull {
                        expr: Box::new(left),
                        negated,
                    }
                }
                Infix::In(negated) => {
                    self.pos += if negated { 2 } else { 1 };
                    self.expect_sym(Sym::LParen)?;
                    let r = if self.is_kw("SELECT") || self.is_kw("WITH") {
                        let q = self.parse_query()?;
                        Expr::InSubquery {
                            expr: Box::new(left),
                            negated,
                            query: Box::new(q),
                        }
                    } else {
                        let list = self.comma_list(|p| p.parse_expr())?;
                        Expr::InList {
                            expr: Box::new(left),
                            negated,
                            list,
                        }
                    };
                    self.expect_sym(Sym::RParen)?;
                    r
                }
                Infix::Like(negated) => {
                    self.pos += if negated { 2 } else { 1 };
                    let pattern = self.parse_expr_bp(BP_CMP)?;
                    let escape = if self.eat_kw("ESCAPE") {
                        Some(Box::new(self.parse_expr_bp(BP_CMP)?))
                    } else {
                        None
                    };
                    Expr::Like {
                        expr: Box::new(left),
                        negated,
                        pattern: Box::new(pattern),
                        escape,
                    }
                }
                Infix::Between(negated) => {
                    self.pos += if negated { 2 } else { 1 };
                    let low = self.parse_expr_bp(BP_CMP)?;
                    self.expect_kw("AND")?;
                    let high = self.parse_expr_bp(BP_CMP)?;
                    Expr::Between {
                        expr: Box::new(left),
                        negated,
                        low: Box::new(low),
                        high: Box::new(high),
                    }
                }
                Infix::Collate => {
                    self.pos += 1;
                    let collation = self.parse_ident()?;
                    Expr::Collate {
                        expr: Box::new(left),
                        collation,
                    }
                }
            };
        }
        Ok(left)
    }

    /// `prefix ::= unary_op expr | NOT expr | primary { . method ( args ) }…`.
    fn parse_prefix(&mut self) -> PResult<Expr> {
        let unary = match self.peek() {
            Tok::Sym(Sym::Minus) => Some((UnaryOp::Minus, BP_UNARY)),
            Tok::Sym(Sym::Plus) => Some((UnaryOp::Plus, BP_UNARY)),
            Tok::Sym(Sym::Tilde) => Some((UnaryOp::BitNot, BP_UNARY)),
            _ if self.is_kw("NOT") => Some((UnaryOp::Not, BP_NOT)),
            _ => None,
        };
        if let Some((op, bp)) = unary {
            self.pos += 1;
            let expr = self.parse_expr_bp(bp)?;
            return Ok(Expr::Unary {
                op,
                expr: Box::new(expr),
            });
        }
        let mut e = self.parse_primary()?;
        // Postfix XML method calls: expr.method(args)
        while self.is_sym(Sym::Dot)
            && matches!(self.peek_nth(1), Tok::Word { .. })
            && self.is_sym_at(2, Sym::LParen)
        {
            self.pos += 1;
            let method = self.parse_ident()?;
            let args = self.parse_call_args()?;
            e = Expr::MethodCall {
                target: Box::new(e),
                method,
                args,
            };
        }
        Ok(e)
    }

    /// `( [expr [, expr]…] )`.
    fn parse_call_args(&mut self) -> PResult<Vec<Expr>> {
        self.expect_sym(Sym::LParen)?;
        if self.eat_sym(Sym::RParen) {
            return Ok(Vec::new());
        }
        let args = self.comma_list(|p| p.parse_expr())?;
        self.expect_sym(Sym::RParen)?;
        Ok(args)
    }

    /// `literal | @var | @@fn | column | function_call | ( expr ) | ( query ) |
    /// CASE … | CAST … | CONVERT … | IIF … | EXISTS ( query ) | DEFAULT`.
    fn parse_primary(&mut self) -> PResult<Expr> {
        let tok = self.peek().clone();
        match tok {
            Tok::Number(n) => {
                self.pos += 1;
                Ok(Expr::Literal(number_literal(&n)))
            }
            Tok::Str { value, national } => {
                self.pos += 1;
                Ok(Expr::Literal(Literal::String { value, national }))
            }
            Tok::Binary(b) => {
                self.pos += 1;
                Ok(Expr::Literal(Literal::Binary(b)))
            }
            Tok::Var(v) => {
                self.pos += 1;
                Ok(Expr::Variable(v))
            }
            Tok::GlobalVar(v) => {
                self.pos += 1;
                Ok(Expr::GlobalVariable(v))
            }
            Tok::Sym(Sym::LParen) => {
                self.pos += 1;
                if self.is_kw("SELECT") || self.is_kw("WITH") {
                    let q = self.parse_query()?;
                    self.expect_sym(Sym::RParen)?;
                    Ok(Expr::Subquery(Box::new(q)))
                } else {
                    let e = self.parse_expr()?;
                    self.expect_sym(Sym::RParen)?;
                    Ok(Expr::Nested(Box::new(e)))
                }
            }
            Tok::Word {
                value,
                quote: QuoteStyle::None,
            } => self.parse_word_primary(&value),
            Tok::Word { .. } => self.parse_name_primary(),
            _ => Err(self.err()),
        }
    }

    fn parse_word_primary(&mut self, value: &str) -> PResult<Expr> {
        let upper = value.to_ascii_uppercase();
        let next_paren = self.is_sym_at(1, Sym::LParen);
        match upper.as_str() {
            "NULL" => {
                self.pos += 1;
                Ok(Expr::Literal(Literal::Null))
            }
            "DEFAULT" => {
                self.pos += 1;
                Ok(Expr::Default)
            }
            "CASE" => self.parse_case(),
            "EXISTS" => {
                self.pos += 1;
                self.expect_sym(Sym::LParen)?;
                let q = self.parse_query()?;
                self.expect_sym(Sym::RParen)?;
                Ok(Expr::Exists(Box::new(q)))
            }
            "CAST" | "TRY_CAST" if next_paren => self.parse_cast(upper == "TRY_CAST"),
            "CONVERT" | "TRY_CONVERT" if next_paren => self.parse_convert(upper == "TRY_CONVERT"),
            "IIF" if next_paren => {
                self.pos += 1;
                let args = self.parse_call_args()?;
                let mut it = args.into_iter();
                match (it.next(), it.next(), it.next(), it.next()) {
                    (Some(c), Some(a), Some(b), None) => Ok(Expr::Iif {
                        condition: Box::new(c),
                        then: Box::new(a),
                        otherwise: Box::new(b),
                    }),
                    _ => Err(self.error_at(self.pos - 1)),
                }
            }
            _ if is_reserved(&upper) => {
                if next_paren && RESERVED_FUNCTIONS.contains(&upper.as_str()) {
                    self.pos += 1;
                    let name = ObjectName::single(Ident::new(value));
                    self.parse_function_rest(name)
                } else if NILADIC.contains(&upper.as_str()) {
                    self.pos += 1;
                    Ok(Expr::Function(Box::new(FunctionCall {
                        name: ObjectName::single(Ident::new(value)),
                        args: Vec::new(),
                        star: false,
                        distinct: false,
                        no_parens: true,
                        over: None,
                    })))
                } else {
                    Err(self.err())
                }
            }
            _ => self.parse_name_primary(),
        }
    }

    /// `column_ref | function_call | column_ref.method(args)`.
    fn parse_name_primary(&mut self) -> PResult<Expr> {
        let name = self.parse_object_name()?;
        if !self.is_sym(Sym::LParen) {
            return Ok(Expr::Column(name));
        }
        let n = name.parts.len();
        let is_method = n >= 2
            && name.parts.last().is_some_and(|m| {
                m.quote == QuoteStyle::None
                    && XML_METHODS.iter().any(|x| x.eq_ignore_ascii_case(&m.value))
            });
        if is_method {
            let mut parts = name.parts;
            let method = parts.pop().unwrap_or_else(|| Ident::new(""));
            let args = self.parse_call_args()?;
            return Ok(Expr::MethodCall {
                target: Box::new(Expr::Column(ObjectName { parts })),
                method,
                args,
            });
        }
        self.parse_function_rest(name)
    }

    /// `( [DISTINCT | ALL] args | * ) [OVER ( … )]` after a function name.
    fn parse_function_rest(&mut self, name: ObjectName) -> PResult<Expr> {
        self.expect_sym(Sym::LParen)?;
        let mut call = FunctionCall {
            name,
            args: Vec::new(),
            star: false,
            distinct: false,
            no_parens: false,
            over: None,
        };
        if self.eat_sym(Sym::Star) {
            call.star = true;
        } else if !self.is_sym(Sym::RParen) {
            if self.eat_kw("DISTINCT") {
                call.distinct = true;
            } else {
                self.eat_kw("ALL");
            }
            call.args = self.comma_list(|p| p.parse_expr())?;
        }
        self.expect_sym(Sym::RParen)?;
        if self.is_kw("OVER") {
            self.pos += 1;
            self.expect_sym(Sym::LParen)?;
            let mut w = WindowSpec {
                partition_by: Vec::new(),
                order_by: Vec::new(),
            };
            if self.eat_kws(&["PARTITION", "BY"]) {
                w.partition_by = self.comma_list(|p| p.parse_expr())?;
            }
            if self.eat_kws(&["ORDER", "BY"]) {
                w.order_by = self.comma_list(|p| p.parse_order_by_item())?;
            }
            self.expect_sym(Sym::RParen)?;
            call.over = Some(Box::new(w));
        }
        Ok(Expr::Function(Box::new(call)))
    }

    /// `CASE [operand] WHEN expr THEN expr … [ELSE expr] END`.
    fn parse_case(&mut self) -> PResult<Expr> {
        self.expect_kw("CASE")?;
        let operand = if self.is_kw("WHEN") {
            None
        } else {
            Some(Box::new(self.parse_expr()?))
        };
        let mut whens = Vec::new();
        while self.eat_kw("WHEN") {
            let when = self.parse_expr()?;
            self.expect_kw("THEN")?;
            let then = self.parse_expr()?;
            whens.push(WhenClause { when, then });
        }
        if whens.is_empty() {
            return Err(self.err());
        }
        let else_result = if self.eat_kw("ELSE") {
            Some(Box::new(self.parse_expr()?))
        } else {
            None
        };
        self.expect_kw("END")?;
        Ok(Expr::Case {
            operand,
            whens,
            else_result,
        })
    }

    /// `CAST ( expr AS data_type )`.
    fn parse_cast(&mut self, is_try: bool) -> PResult<Expr> {
        self.pos += 1;
        self.expect_sym(Sym::LParen)?;
        let expr = self.parse_expr()?;
        self.expect_kw("AS")?;
        let data_type = self.parse_data_type()?;
        self.expect_sym(Sym::RParen)?;
        Ok(Expr::Cast {
            expr: Box::new(expr),
            data_type,
            is_try,
        })
    }

    /// `CONVERT ( data_type, expr [, style] )`.
    fn parse_convert(&mut self, is_try: bool) -> PResult<Expr> {
        self.pos += 1;
        self.expect_sym(Sym::LParen)?;
        let data_type = self.parse_data_type()?;
        self.expect_sym(Sym::Comma)?;
        let expr = self.parse_expr()?;
        let style = if self.eat_sym(Sym::Comma) {
            Some(Box::new(self.parse_expr()?))
        } else {
            None
        };
        self.expect_sym(Sym::RParen)?;
        Ok(Expr::Convert {
            data_type,
            expr: Box::new(expr),
            style,
            is_try,
        })
    }

    /// `data_type ::= type_name [ ( MAX | n [, n] | [CONTENT | DOCUMENT] xml_schema_collection ) ]`.
    pub(crate) fn parse_data_type(&mut self) -> PResult<DataType> {
        let name = self.parse_object_name()?;
        if !self.is_sym(Sym::LParen) {
            return Ok(DataType {
                name,
                params: TypeParams::None,
            });
        }
        self.pos += 1;
        let params = if self.eat_kw("MAX") {
            TypeParams::Max
        } else if matches!(self.peek(), Tok::Number(_)) {
            let mut nums = Vec::new();
            loop {
                match self.peek() {
                    Tok::Number(n) => {
                        let v: u64 = n.parse().map_err(|_| self.err())?;
                        nums.push(v);
                        self.pos += 1;
                    }
                    _ => return Err(self.err()),
                }
                if !self.eat_sym(Sym::Comma) {
                    break;
                }
            }
            TypeParams::Numbers(nums)
        } else {
            let document = if self.eat_kw("DOCUMENT") {
                Some(true)
            } else if self.eat_kw("CONTENT") {
                Some(false)
            } else {
                None
            };
            TypeParams::XmlSchema {
                document,
                collection: self.parse_object_name()?,
            }
        };
        self.expect_sym(Sym::RParen)?;
        Ok(DataType { name, params })
    }

    /// `expr [ASC | DESC]`.
    pub(crate) fn parse_order_by_item(&mut self) -> PResult<OrderByItem> {
        let expr = self.parse_expr()?;
        let desc = if self.eat_kw("DESC") {
            true
        } else {
            self.eat_kw("ASC");
            false
        };
        Ok(OrderByItem { expr, desc })
    }

    /// True when the current token can begin an expression (used for optional
    /// expressions such as `RETURN [expr]` and EXEC arguments).
    pub(crate) fn at_expr_start(&self) -> bool {
        match self.peek() {
            Tok::Number(_) | Tok::Str { .. } | Tok::Binary(_) | Tok::Var(_) | Tok::GlobalVar(_) => {
                true
            }
            Tok::Sym(s) => matches!(s, Sym::Minus | Sym::Plus | Sym::Tilde | Sym::LParen),
            Tok::Word { value, quote } => {
                if *quote != QuoteStyle::None {
                    return true;
                }
                let u = value.to_ascii_uppercase();
                if is_reserved(&u) {
                    matches!(
                        u.as_str(),
                        "NULL"
                            | "CASE"
                            | "EXISTS"
                            | "NOT"
                            | "CONVERT"
                            | "TRY_CONVERT"
                            | "COALESCE"
                            | "NULLIF"
                            | "LEFT"
                            | "RIGHT"
                            | "CURRENT_TIMESTAMP"
                            | "CURRENT_USER"
                            | "SESSION_USER"
                            | "SYSTEM_USER"
                            | "USER"
                    )
                } else {
                    !matches!(u.as_str(), "SEND" | "RECEIVE" | "GET" | "MOVE" | "THROW")
                }
            }
            Tok::Eof => false,
        }
    }
}

/// Classifies a numeric token into a [`Literal`].
fn number_literal(n: &str) -> Literal {
    if n.contains(['e', 'E']) {
        Literal::Float(n.to_string())
    } else if n.contains('.') {
        Literal::Decimal(n.to_string())
    } else {
        match n.parse::<i64>() {
            Ok(v) => Literal::Integer(v),
            Err(_) => Literal::Decimal(n.to_string()),
        }
    }
}
