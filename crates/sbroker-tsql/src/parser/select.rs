//! Queries and DML: `WITH` (CTEs and XMLNAMESPACES), `SELECT`, set
//! operations, `ORDER BY`, `FOR XML`, table sources and joins, `INSERT`,
//! `UPDATE`, `DELETE`, `OUTPUT`, `TOP`, and select-list items (shared with
//! `RECEIVE`).

use super::{PResult, Parser};
use crate::ast::*;
use crate::lexer::{Sym, Tok, is_reserved};

/// Legacy table hints accepted as `table (NOLOCK)` without `WITH`.
const LEGACY_HINTS: &[&str] = &[
    "NOLOCK",
    "READPAST",
    "UPDLOCK",
    "ROWLOCK",
    "HOLDLOCK",
    "TABLOCK",
    "TABLOCKX",
    "PAGLOCK",
    "XLOCK",
    "READUNCOMMITTED",
    "READCOMMITTED",
    "REPEATABLEREAD",
    "SERIALIZABLE",
    "NOWAIT",
];

impl Parser<'_> {
    /// `WITH … { SELECT | INSERT | UPDATE | DELETE }` at statement level.
    pub(crate) fn parse_with_statement(&mut self) -> PResult<StmtKind> {
        let with = self.parse_with_clause()?;
        if self.is_kw("INSERT") {
            Ok(StmtKind::Insert(Box::new(self.parse_insert(Some(with))?)))
        } else if self.is_kw("UPDATE") {
            Ok(StmtKind::Update(Box::new(self.parse_update(Some(with))?)))
        } else if self.is_kw("DELETE") {
            Ok(StmtKind::Delete(Box::new(self.parse_delete(Some(with))?)))
        } else {
            let mut q = self.parse_query_body_and_tail()?;
            q.with = Some(with);
            Ok(StmtKind::Select(Box::new(q)))
        }
    }

    /// `with_clause ::= WITH [XMLNAMESPACES ( ns [, ns]… ) [,]] [cte [, cte]…]`.
    pub(crate) fn parse_with_clause(&mut self) -> PResult<WithClause> {
        self.expect_kw("WITH")?;
        let mut w = WithClause {
            xml_namespaces: Vec::new(),
            ctes: Vec::new(),
        };
        if self.eat_kw("XMLNAMESPACES") {
            self.expect_sym(Sym::LParen)?;
            w.xml_namespaces = self.comma_list(|p| {
                if p.eat_kw("DEFAULT") {
                    Ok(XmlNamespace {
                        uri: p.parse_string()?,
                        prefix: None,
                    })
                } else {
                    let uri = p.parse_string()?;
                    p.expect_kw("AS")?;
                    Ok(XmlNamespace {
                        uri,
                        prefix: Some(p.parse_ident()?),
                    })
                }
            })?;
            self.expect_sym(Sym::RParen)?;
            if !self.eat_sym(Sym::Comma) {
                return Ok(w);
            }
        }
        w.ctes = self.comma_list(|p| p.parse_cte())?;
        Ok(w)
    }

    /// `cte ::= name [( col, … )] AS ( query )`.
    fn parse_cte(&mut self) -> PResult<Cte> {
        let name = self.parse_ident()?;
        let columns = if self.is_sym(Sym::LParen) {
            self.parse_paren_ident_list()?
        } else {
            Vec::new()
        };
        self.expect_kw("AS")?;
        self.expect_sym(Sym::LParen)?;
        let query = self.parse_query()?;
        self.expect_sym(Sym::RParen)?;
        Ok(Cte {
            name,
            columns,
            query: Box::new(query),
        })
    }

    /// `query ::= [with_clause] set_expr [ORDER BY …] [OFFSET … [FETCH …]] [FOR XML …]`.
    pub(crate) fn parse_query(&mut self) -> PResult<Query> {
        self.enter()?;
        let r = self.parse_query_inner();
        self.leave();
        r
    }

    fn parse_query_inner(&mut self) -> PResult<Query> {
        let with = if self.is_kw("WITH") {
            Some(self.parse_with_clause()?)
        } else {
            None
        };
        let mut q = self.parse_query_body_and_tail()?;
        q.with = with;
        Ok(q)
    }

    fn parse_query_body_and_tail(&mut self) -> PResult<Query> {
        let body = self.parse_set_expr()?;
        let mut q = Query {
            with: None,
            body,
            order_by: Vec::new(),
            offset: None,
            fetch: None,
            for_xml: None,
            for_json: None,
        };
        if self.eat_kws(&["ORDER", "BY"]) {
            q.order_by = self.comma_list(|p| p.parse_order_by_item())?;
            if self.eat_kw("OFFSET") {
                q.offset = Some(self.parse_expr()?);
                if !self.eat_kw("ROWS") {
                    self.expect_kw("ROW")?;
                }
                if self.eat_kw("FETCH") {
                    if !self.eat_kw("NEXT") {
                        self.expect_kw("FIRST")?;
                    }
                    q.fetch = Some(self.parse_expr()?);
                    if !self.eat_kw("ROWS") {
                        self.expect_kw("ROW")?;
                    }
                    self.expect_kw("ONLY")?;
                }
            }
        }
        if self.is_kw("FOR") && self.is_kw_at(1, "XML") {
            q.for_xml = Some(self.parse_for_xml()?);
        } else if self.is_kw("FOR") && self.is_kw_at(1, "JSON") {
            self.pos += 2;
            let path = if self.eat_kw("PATH") {
                true
            } else {
                self.expect_kw("AUTO")?;
                false
            };
            let mut fj = ForJson {
                path,
                root: None,
                include_nulls: false,
                without_array_wrapper: false,
            };
            while self.eat_sym(Sym::Comma) {
                if self.eat_kw("ROOT") {
                    let name = if self.eat_sym(Sym::LParen) {
                        let n = self.parse_string()?;
                        self.expect_sym(Sym::RParen)?;
                        Some(n)
                    } else {
                        None
                    };
                    fj.root = Some(name);
                } else if self.eat_kw("INCLUDE_NULL_VALUES") {
                    fj.include_nulls = true;
                } else if self.eat_kw("WITHOUT_ARRAY_WRAPPER") {
                    fj.without_array_wrapper = true;
                } else {
                    return Err(self.err());
                }
            }
            q.for_json = Some(fj);
        }
        Ok(q)
    }

    /// `set_expr ::= query_term { {UNION [ALL] | EXCEPT | INTERSECT} query_term }…`.
    fn parse_set_expr(&mut self) -> PResult<SetExpr> {
        let mut left = self.parse_query_term()?;
        loop {
            let op = if self.eat_kw("UNION") {
                if self.eat_kw("ALL") {
                    SetOperator::UnionAll
                } else {
                    SetOperator::Union
                }
            } else if self.eat_kw("EXCEPT") {
                SetOperator::Except
            } else if self.eat_kw("INTERSECT") {
                SetOperator::Intersect
            } else {
                break;
            };
            let right = self.parse_query_term()?;
            left = SetExpr::SetOperation {
                left: Box::new(left),
                op,
                right: Box::new(right),
            };
        }
        Ok(left)
    }

    /// `query_term ::= select | ( query )`.
    fn parse_query_term(&mut self) -> PResult<SetExpr> {
        if self.eat_sym(Sym::LParen) {
            let q = self.parse_query()?;
            self.expect_sym(Sym::RParen)?;
            Ok(SetExpr::Query(Box::new(q)))
        } else {
            Ok(SetExpr::Select(Box::new(self.parse_select()?)))
        }
    }

    /// `TOP ( expr ) [PERCENT] [WITH TIES]` or `TOP n`.
    pub(crate) fn parse_top(&mut self) -> PResult<Option<Top>> {
        if !self.eat_kw("TOP") {
            return Ok(None);
        }
        let quantity = if self.eat_sym(Sym::LParen) {
            let e = self.parse_expr()?;
            self.expect_sym(Sym::RParen)?;
            e
        } else {
            match self.peek() {
                Tok::Number(_) | Tok::Var(_) => self.parse_expr_bp(u8::MAX)?,
                _ => return Err(self.err()),
            }
        };
        let percent = self.eat_kw("PERCENT");
        let with_ties = self.eat_kws(&["WITH", "TIES"]);
        Ok(Some(Top {
            quantity,
            percent,
            with_ties,
        }))
    }

    /// `select ::= SELECT [ALL | DISTINCT] [top] item, … [INTO name] [FROM …]
    /// [WHERE expr] [GROUP BY expr, …] [HAVING expr]`.
    fn parse_select(&mut self) -> PResult<Select> {
        self.expect_kw("SELECT")?;
        let distinct = if self.eat_kw("DISTINCT") {
            true
        } else {
            self.eat_kw("ALL");
            false
        };
        let top = self.parse_top()?;
        let items = self.comma_list(|p| p.parse_select_item())?;
        let into = if self.eat_kw("INTO") {
            Some(self.parse_object_name()?)
        } else {
            None
        };
        let from = if self.eat_kw("FROM") {
            self.comma_list(|p| p.parse_table_with_joins())?
        } else {
            Vec::new()
        };
        let selection = if self.eat_kw("WHERE") {
            Some(self.parse_expr()?)
        } else {
            None
        };
        let group_by = if self.eat_kws(&["GROUP", "BY"]) {
            self.comma_list(|p| p.parse_expr())?
        } else {
            Vec::new()
        };
        let having = if self.eat_kw("HAVING") {
            Some(self.parse_expr()?)
        } else {
            None
        };
        Ok(Select {
            distinct,
            top,
            items,
            into,
            from,
            selection,
            group_by,
            having,
        })
    }

    /// Assignment operator at the current token, if any.
    pub(crate) fn peek_assign_op(&self, n: usize) -> Option<AssignOp> {
        match self.peek_nth(n) {
            Tok::Sym(s) => match s {
                Sym::Eq => Some(AssignOp::Assign),
                Sym::PlusEq => Some(AssignOp::Add),
                Sym::MinusEq => Some(AssignOp::Sub),
                Sym::StarEq => Some(AssignOp::Mul),
                Sym::SlashEq => Some(AssignOp::Div),
                Sym::PercentEq => Some(AssignOp::Mod),
                Sym::AmpEq => Some(AssignOp::BitAnd),
                Sym::PipeEq => Some(AssignOp::BitOr),
                Sym::CaretEq => Some(AssignOp::BitXor),
                _ => None,
            },
            _ => None,
        }
    }

    /// `select_item ::= * | qualifier.* | @var op expr | alias = expr | expr [[AS] alias]`.
    pub(crate) fn parse_select_item(&mut self) -> PResult<SelectItem> {
        if self.eat_sym(Sym::Star) {
            return Ok(SelectItem::Wildcard);
        }
        // qualifier.*  (a.b.*)
        {
            let mut n = 0;
            while matches!(self.peek_nth(n), Tok::Word { .. }) && self.is_sym_at(n + 1, Sym::Dot) {
                if self.is_sym_at(n + 2, Sym::Star) {
                    let q = self.parse_object_name()?;
                    self.expect_sym(Sym::Dot)?;
                    self.expect_sym(Sym::Star)?;
                    return Ok(SelectItem::QualifiedWildcard(q));
                }
                n += 2;
            }
        }
        if let Tok::Var(v) = self.peek()
            && let Some(op) = self.peek_assign_op(1)
        {
            let variable = v.clone();
            self.pos += 2;
            let expr = self.parse_expr()?;
            return Ok(SelectItem::Assign { variable, op, expr });
        }
        // alias = expr
        if self.is_sym_at(1, Sym::Eq) {
            let alias = match self.peek() {
                Tok::Word { value, quote } if *quote != QuoteStyle::None || !is_reserved(value) => {
                    Some(Ident {
                        value: value.clone(),
                        quote: *quote,
                    })
                }
                Tok::Str { value, .. } => Some(Ident::bracketed(value.clone())),
                _ => None,
            };
            if let Some(alias) = alias {
                self.pos += 2;
                let expr = self.parse_expr()?;
                return Ok(SelectItem::Expr {
                    expr,
                    alias: Some(alias),
                });
            }
        }
        let expr = self.parse_expr()?;
        let alias = self.parse_column_alias()?;
        Ok(SelectItem::Expr { expr, alias })
    }

    /// `[AS] alias` after a select-list expression (alias may be a string).
    fn parse_column_alias(&mut self) -> PResult<Option<Ident>> {
        let had_as = self.eat_kw("AS");
        match self.peek() {
            Tok::Str { value, .. } => {
                let id = Ident::bracketed(value.clone());
                self.pos += 1;
                Ok(Some(id))
            }
            _ if self.at_ident() && (had_as || !self.at_broker_statement()) => {
                Ok(Some(self.parse_ident()?))
            }
            _ if had_as => Err(self.err()),
            _ => Ok(None),
        }
    }

    /// `[AS] alias` after a table source.
    fn parse_table_alias(&mut self) -> PResult<Option<Ident>> {
        if self.eat_kw("AS") {
            return Ok(Some(self.parse_ident()?));
        }
        if self.at_ident() && !self.at_broker_statement() {
            return Ok(Some(self.parse_ident()?));
        }
        Ok(None)
    }

    /// A Service Broker statement starts here (`RECEIVE *` / `RECEIVE TOP`, `SEND ON`):
    /// its unreserved first word is not the alias of the table before it.
    fn at_broker_statement(&self) -> bool {
        (self.is_kw("RECEIVE") && (self.is_sym_at(1, Sym::Star) || self.is_kw_at(1, "TOP")))
            || (self.is_kw("SEND") && self.is_kw_at(1, "ON"))
    }

    /// `FOR XML mode [, directive]…`.
    fn parse_for_xml(&mut self) -> PResult<ForXml> {
        self.expect_kws(&["FOR", "XML"])?;
        let opt_name = |p: &mut Self| -> PResult<Option<String>> {
            if p.eat_sym(Sym::LParen) {
                let s = p.parse_string()?;
                p.expect_sym(Sym::RParen)?;
                Ok(Some(s))
            } else {
                Ok(None)
            }
        };
        let mode = if self.eat_kw("RAW") {
            XmlMode::Raw(opt_name(self)?)
        } else if self.eat_kw("AUTO") {
            XmlMode::Auto
        } else if self.eat_kw("PATH") {
            XmlMode::Path(opt_name(self)?)
        } else if self.eat_kw("EXPLICIT") {
            XmlMode::Explicit
        } else {
            return Err(self.err());
        };
        let mut fx = ForXml {
            mode,
            elements: None,
            root: None,
            type_directive: false,
            binary_base64: false,
        };
        while self.eat_sym(Sym::Comma) {
            if self.eat_kw("ELEMENTS") {
                fx.elements = Some(if self.eat_kw("XSINIL") {
                    true
                } else {
                    self.eat_kw("ABSENT");
                    false
                });
            } else if self.eat_kw("ROOT") {
                fx.root = Some(opt_name(self)?);
            } else if self.eat_kw("TYPE") {
                fx.type_directive = true;
            } else if self.eat_kws(&["BINARY", "BASE64"]) {
                fx.binary_base64 = true;
            } else {
                return Err(self.err());
            }
        }
        Ok(fx)
    }

    /// `table_with_joins ::= table_source { join }…`.
    pub(crate) fn parse_table_with_joins(&mut self) -> PResult<TableWithJoins> {
        let source = self.parse_table_source()?;
        let mut joins = Vec::new();
        loop {
            let kind = if self.eat_kw("JOIN") || self.eat_kws(&["INNER", "JOIN"]) {
                JoinKind::Inner
            } else if self.eat_kws(&["LEFT", "JOIN"]) || self.eat_kws(&["LEFT", "OUTER", "JOIN"]) {
                JoinKind::LeftOuter
            } else if self.eat_kws(&["RIGHT", "JOIN"]) || self.eat_kws(&["RIGHT", "OUTER", "JOIN"])
            {
                JoinKind::RightOuter
            } else if self.eat_kws(&["FULL", "JOIN"]) || self.eat_kws(&["FULL", "OUTER", "JOIN"]) {
                JoinKind::FullOuter
            } else if self.eat_kws(&["CROSS", "JOIN"]) {
                JoinKind::Cross
            } else if self.eat_kws(&["CROSS", "APPLY"]) {
                JoinKind::CrossApply
            } else if self.eat_kws(&["OUTER", "APPLY"]) {
                JoinKind::OuterApply
            } else {
                break;
            };
            let source = self.parse_table_source()?;
            let on = match kind {
                JoinKind::Cross | JoinKind::CrossApply | JoinKind::OuterApply => None,
                _ => {
                    self.expect_kw("ON")?;
                    Some(self.parse_expr()?)
                }
            };
            joins.push(Join { kind, source, on });
        }
        Ok(TableWithJoins { source, joins })
    }

    /// `table_source ::= name [[AS] alias] [hints] | @var [[AS] alias] | ( query ) [AS] alias [(cols)]
    /// | function_call [[AS] alias [(cols)]] | ( table_with_joins )`.
    fn parse_table_source(&mut self) -> PResult<TableSource> {
        self.enter()?;
        let r = self.parse_table_source_inner();
        self.leave();
        r
    }

    fn parse_table_source_inner(&mut self) -> PResult<TableSource> {
        if self.is_sym(Sym::LParen) {
            if self.is_kw_at(1, "SELECT")
                || self.is_kw_at(1, "WITH")
                || self.is_sym_at(1, Sym::LParen) && self.is_kw_at(2, "SELECT")
            {
                self.pos += 1;
                let q = self.parse_query()?;
                self.expect_sym(Sym::RParen)?;
                let alias = self.parse_table_alias()?;
                let columns = self.parse_opt_alias_columns(alias.is_some())?;
                return Ok(TableSource::Derived {
                    query: Box::new(q),
                    alias,
                    columns,
                });
            }
            self.pos += 1;
            let inner = self.parse_table_with_joins()?;
            self.expect_sym(Sym::RParen)?;
            return Ok(TableSource::Nested(Box::new(inner)));
        }
        if let Tok::Var(v) = self.peek() {
            let v = v.clone();
            if self.is_sym_at(1, Sym::Dot) {
                // @x.nodes('…')
                let expr = self.parse_expr_bp(u8::MAX)?;
                return self.finish_function_source(expr);
            }
            self.pos += 1;
            let alias = self.parse_table_alias()?;
            return Ok(TableSource::Variable { name: v, alias });
        }
        let start = self.pos;
        let name = self.parse_object_name()?;
        if self.is_sym(Sym::LParen) && !self.at_legacy_hint() {
            self.pos = start;
            let expr = self.parse_expr_bp(u8::MAX)?;
            return self.finish_function_source(expr);
        }
        let alias = self.parse_table_alias()?;
        let hints = self.parse_table_hints()?;
        Ok(TableSource::Table { name, alias, hints })
    }

    fn at_legacy_hint(&self) -> bool {
        self.is_sym(Sym::LParen)
            && self.is_sym_at(2, Sym::RParen)
            && self
                .word_upper_at(1)
                .is_some_and(|w| LEGACY_HINTS.contains(&w.as_str()))
    }

    fn finish_function_source(&mut self, expr: Expr) -> PResult<TableSource> {
        if !matches!(expr, Expr::Function(_) | Expr::MethodCall { .. }) {
            return Err(self.err());
        }
        // OPENJSON(…) WITH ( name type ['path'] [AS JSON], … ).
        let mut json_schema = Vec::new();
        if self.is_kw("WITH") && self.is_sym_at(1, Sym::LParen) {
            self.pos += 2;
            json_schema = self.comma_list(|p| {
                let name = p.parse_ident()?;
                let data_type = p.parse_data_type()?;
                let path = if matches!(p.peek(), Tok::Str { .. }) {
                    Some(p.parse_string()?)
                } else {
                    None
                };
                let as_json = p.eat_kws(&["AS", "JSON"]);
                Ok(JsonColumn {
                    name,
                    data_type,
                    path,
                    as_json,
                })
            })?;
            self.expect_sym(Sym::RParen)?;
        }
        let alias = self.parse_table_alias()?;
        let columns = self.parse_opt_alias_columns(alias.is_some())?;
        Ok(TableSource::Function {
            expr,
            alias,
            columns,
            json_schema,
        })
    }

    fn parse_opt_alias_columns(&mut self, has_alias: bool) -> PResult<Vec<Ident>> {
        if has_alias && self.is_sym(Sym::LParen) {
            self.parse_paren_ident_list()
        } else {
            Ok(Vec::new())
        }
    }

    /// `[WITH] ( hint [, hint]… )` after a table name.
    pub(crate) fn parse_table_hints(&mut self) -> PResult<Vec<Ident>> {
        if self.is_kw("WITH") && self.is_sym_at(1, Sym::LParen) {
            self.pos += 2;
        } else if self.at_legacy_hint() {
            self.pos += 1;
        } else {
            return Ok(Vec::new());
        }
        let hints = self.comma_list(|p| p.parse_ident_any())?;
        self.expect_sym(Sym::RParen)?;
        Ok(hints)
    }

    /// `dml_target ::= object_name | @table_variable`.
    fn parse_dml_target(&mut self) -> PResult<DmlTarget> {
        if let Tok::Var(v) = self.peek() {
            let v = v.clone();
            self.pos += 1;
            Ok(DmlTarget::Variable(v))
        } else {
            Ok(DmlTarget::Table(self.parse_object_name()?))
        }
    }

    /// `OUTPUT item, … [INTO target [( col, … )]]` (optional).
    fn parse_output(&mut self) -> PResult<Option<OutputClause>> {
        if !self.eat_kw("OUTPUT") {
            return Ok(None);
        }
        let items = self.comma_list(|p| p.parse_select_item())?;
        let mut oc = OutputClause {
            items,
            into: None,
            into_columns: Vec::new(),
        };
        if self.eat_kw("INTO") {
            oc.into = Some(self.parse_dml_target()?);
            if self.is_sym(Sym::LParen) {
                oc.into_columns = self.parse_paren_ident_list()?;
            }
        }
        Ok(Some(oc))
    }

    /// `INSERT [TOP (n)] [INTO] target [WITH (hints)] [( cols )] [OUTPUT …]
    /// { VALUES ( … ) [, …] | query | EXEC … | DEFAULT VALUES }`.
    pub(crate) fn parse_insert(&mut self, with: Option<WithClause>) -> PResult<Insert> {
        self.expect_kw("INSERT")?;
        let top = self.parse_top()?;
        self.eat_kw("INTO");
        let target = self.parse_dml_target()?;
        let hints = if self.is_kw("WITH") && self.is_sym_at(1, Sym::LParen) {
            self.parse_table_hints()?
        } else {
            Vec::new()
        };
        let columns = if self.is_sym(Sym::LParen) && !self.is_kw_at(1, "SELECT") {
            self.parse_paren_ident_list()?
        } else {
            Vec::new()
        };
        let output = self.parse_output()?;
        let source = if self.eat_kw("VALUES") {
            InsertSource::Values(self.comma_list(|p| {
                p.expect_sym(Sym::LParen)?;
                let row = p.comma_list(|p| p.parse_expr())?;
                p.expect_sym(Sym::RParen)?;
                Ok(row)
            })?)
        } else if self.eat_kws(&["DEFAULT", "VALUES"]) {
            InsertSource::DefaultValues
        } else if self.is_kw("EXEC") || self.is_kw("EXECUTE") {
            self.pos += 1;
            InsertSource::Exec(Box::new(self.parse_exec_proc()?))
        } else if self.is_kw("SELECT") || self.is_kw("WITH") || self.is_sym(Sym::LParen) {
            InsertSource::Query(Box::new(self.parse_query()?))
        } else {
            return Err(self.err());
        };
        Ok(Insert {
            with,
            top,
            target,
            hints,
            columns,
            output,
            source,
        })
    }

    /// `assignment, …` of UPDATE SET / MERGE … UPDATE SET.
    fn parse_assignments(&mut self) -> PResult<Vec<Assignment>> {
        self.comma_list(|p| {
            let target = if let Tok::Var(v) = p.peek() {
                let v = v.clone();
                p.pos += 1;
                AssignTarget::Variable(v)
            } else {
                AssignTarget::Column(p.parse_object_name()?)
            };
            let op = p.peek_assign_op(0).ok_or_else(|| p.err())?;
            p.pos += 1;
            let value = p.parse_expr()?;
            Ok(Assignment { target, op, value })
        })
    }

    /// `MERGE [INTO] target [WITH (hints)] [[AS] alias] USING source ON cond
    /// { WHEN [NOT] MATCHED [BY TARGET | BY SOURCE] [AND cond] THEN action }… [OUTPUT …]`.
    pub(crate) fn parse_merge(&mut self, with: Option<WithClause>) -> PResult<Merge> {
        self.expect_kw("MERGE")?;
        self.parse_top()?;
        self.eat_kw("INTO");
        let target = self.parse_dml_target()?;
        if self.is_kw("WITH") && self.is_sym_at(1, Sym::LParen) {
            self.parse_table_hints()?;
        }
        let alias = if self.eat_kw("AS") || (self.at_ident() && !self.is_kw("USING")) {
            Some(self.parse_ident()?)
        } else {
            None
        };
        self.expect_kw("USING")?;
        let source = self.parse_table_source()?;
        self.expect_kw("ON")?;
        let on = self.parse_expr()?;
        let mut clauses = Vec::new();
        while self.eat_kw("WHEN") {
            let kind = if self.eat_kw("MATCHED") {
                MergeMatch::Matched
            } else {
                self.expect_kws(&["NOT", "MATCHED"])?;
                if self.eat_kws(&["BY", "SOURCE"]) {
                    MergeMatch::NotMatchedBySource
                } else {
                    self.eat_kws(&["BY", "TARGET"]);
                    MergeMatch::NotMatchedByTarget
                }
            };
            let condition = if self.eat_kw("AND") {
                Some(self.parse_expr()?)
            } else {
                None
            };
            self.expect_kw("THEN")?;
            let action = if self.eat_kw("UPDATE") {
                self.expect_kw("SET")?;
                MergeAction::Update(self.parse_assignments()?)
            } else if self.eat_kw("DELETE") {
                MergeAction::Delete
            } else {
                self.expect_kw("INSERT")?;
                let columns = if self.is_sym(Sym::LParen) {
                    self.parse_paren_ident_list()?
                } else {
                    Vec::new()
                };
                let values = if self.eat_kws(&["DEFAULT", "VALUES"]) {
                    None
                } else {
                    self.expect_kw("VALUES")?;
                    self.expect_sym(Sym::LParen)?;
                    let v = self.comma_list(|p| p.parse_expr())?;
                    self.expect_sym(Sym::RParen)?;
                    Some(v)
                };
                MergeAction::Insert { columns, values }
            };
            clauses.push(MergeClause {
                kind,
                condition,
                action,
            });
        }
        if clauses.is_empty() {
            return Err(self.err());
        }
        let output = self.parse_output()?;
        Ok(Merge {
            with,
            target,
            alias,
            source,
            on,
            clauses,
            output,
        })
    }

    /// `UPDATE [TOP (n)] target [WITH (hints)] SET assignment, … [OUTPUT …]
    /// [FROM …] [WHERE …]`.
    pub(crate) fn parse_update(&mut self, with: Option<WithClause>) -> PResult<Update> {
        self.expect_kw("UPDATE")?;
        let top = self.parse_top()?;
        let target = self.parse_dml_target()?;
        let hints = self.parse_table_hints()?;
        self.expect_kw("SET")?;
        let assignments = self.parse_assignments()?;
        let output = self.parse_output()?;
        let from = if self.eat_kw("FROM") {
            self.comma_list(|p| p.parse_table_with_joins())?
        } else {
            Vec::new()
        };
        let selection = if self.eat_kw("WHERE") {
            Some(self.parse_expr()?)
        } else {
            None
        };
        Ok(Update {
            with,
            top,
            target,
            hints,
            assignments,
            output,
            from,
            selection,
        })
    }

    /// `DELETE [TOP (n)] [FROM] target [WITH (hints)] [OUTPUT …] [FROM …] [WHERE …]`.
    pub(crate) fn parse_delete(&mut self, with: Option<WithClause>) -> PResult<Delete> {
        self.expect_kw("DELETE")?;
        let top = self.parse_top()?;
        self.eat_kw("FROM");
        let target = self.parse_dml_target()?;
        let hints = self.parse_table_hints()?;
        let output = self.parse_output()?;
        let from = if self.eat_kw("FROM") {
            self.comma_list(|p| p.parse_table_with_joins())?
        } else {
            Vec::new()
        };
        let selection = if self.eat_kw("WHERE") {
            Some(self.parse_expr()?)
        } else {
            None
        };
        Ok(Delete {
            with,
            top,
            target,
            hints,
            output,
            from,
            selection,
        })
    }
}
