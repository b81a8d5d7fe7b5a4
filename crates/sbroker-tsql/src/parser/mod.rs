//! The recursive-descent parser core: token cursor helpers, error reporting,
//! nesting-depth limit, statement lists (including the Service Broker
//! statement-terminator rule) and the top-level statement dispatcher.
//!
//! Statement families are parsed in the sibling modules: [`expr`] (expressions
//! and data types, Pratt parser), [`select`] (queries and DML), [`control`]
//! (variables, flow control, EXEC, transactions, cursors), [`ddl`] (general
//! CREATE/ALTER/DROP), [`broker`] (Service Broker objects and conversation
//! statements) and [`security`] (keys, certificates, principals, permissions).

mod broker;
mod control;
mod ddl;
mod expr;
mod security;
mod select;

use crate::ast::*;
use crate::error::ParseError;
use crate::lexer::{Sym, Tok, Token, is_reserved, tokenize};

/// Result type used throughout the parser.
pub(crate) type PResult<T> = Result<T, ParseError>;

/// Maximum nesting depth of statements / expressions / queries.
pub(crate) const MAX_DEPTH: usize = 200;

/// Nesting depth handled on the caller's stack. Deeper inputs are re-parsed
/// on a helper thread with a large stack (unoptimised builds use several KB
/// of stack per nesting level), still bounded by [`MAX_DEPTH`].
const INLINE_DEPTH: usize = 48;

/// Stack size of the helper thread used for deeply nested inputs.
const DEEP_STACK_BYTES: usize = 64 * 1024 * 1024;

/// Maximum depth of the produced tree, counting both nesting and chains of
/// infix operators (left-deep trees), so that printing and dropping an AST
/// never recurses too deeply.
pub(crate) const MAX_TREE_DEPTH: usize = 400;

/// Parses one batch of T-SQL into statements.
pub(crate) fn parse_batch(sql: &str) -> PResult<Vec<Stmt>> {
    match parse_with_limit(sql, INLINE_DEPTH) {
        Err(e) if e.number == 191 => {
            let owned = sql.to_string();
            let spawned = std::thread::Builder::new()
                .name("sbroker-tsql-deep-parse".into())
                .stack_size(DEEP_STACK_BYTES)
                .spawn(move || parse_with_limit(&owned, MAX_DEPTH));
            match spawned {
                Ok(handle) => handle.join().unwrap_or(Err(e)),
                Err(_) => Err(e),
            }
        }
        r => r,
    }
}

fn parse_with_limit(sql: &str, max_depth: usize) -> PResult<Vec<Stmt>> {
    let toks = tokenize(sql)?;
    let mut p = Parser::new(sql, toks);
    p.max_depth = max_depth;
    let stmts = p.parse_statement_list(|_| false)?;
    if !p.at_eof() {
        return Err(p.err());
    }
    Ok(stmts)
}

/// Parser state: the token vector and a cursor.
pub(crate) struct Parser<'a> {
    src: &'a str,
    toks: Vec<Token>,
    eof: Token,
    pos: usize,
    depth: usize,
    max_depth: usize,
    /// Current tree depth estimate (nesting + operator chains on the path).
    pub(crate) weight: usize,
    /// Highest `weight` reached since the last reset (see the expression parser).
    pub(crate) peak: usize,
}

/// Statement kinds that must be preceded by `;` unless first in their list.
fn requires_terminator(kind: &StmtKind) -> bool {
    match kind {
        StmtKind::Send(_)
        | StmtKind::Receive(_)
        | StmtKind::GetConversationGroup(_)
        | StmtKind::MoveConversation { .. } => true,
        // WAITFOR is a reserved word, so it cannot continue the previous statement, and
        // SQL Server does not require the `;` before it: public code relies on that after
        // BEGIN TRANSACTION, SET, RAISERROR … (52 of 243 scripts measured,
        // docs/compatibility.md), although spec 03 §0 lists it with the others.
        StmtKind::WaitFor(_) => false,
        _ => false,
    }
}

impl<'a> Parser<'a> {
    fn new(src: &'a str, toks: Vec<Token>) -> Self {
        let eof = toks.last().cloned().unwrap_or(Token {
            tok: Tok::Eof,
            line: 1,
            col: 1,
            start: src.len(),
            end: src.len(),
        });
        Parser {
            src,
            toks,
            eof,
            pos: 0,
            depth: 0,
            max_depth: MAX_DEPTH,
            weight: 0,
            peak: 0,
        }
    }

    // ----- cursor helpers -----

    pub(crate) fn token_at(&self, n: usize) -> &Token {
        self.toks.get(self.pos + n).unwrap_or(&self.eof)
    }

    pub(crate) fn peek(&self) -> &Tok {
        &self.token_at(0).tok
    }

    pub(crate) fn peek_nth(&self, n: usize) -> &Tok {
        &self.token_at(n).tok
    }

    pub(crate) fn at_eof(&self) -> bool {
        matches!(self.peek(), Tok::Eof)
    }

    pub(crate) fn line(&self) -> u32 {
        self.token_at(0).line
    }

    /// True when token `n` ahead is the undelimited keyword `kw`.
    pub(crate) fn is_kw_at(&self, n: usize, kw: &str) -> bool {
        matches!(self.peek_nth(n), Tok::Word { value, quote: QuoteStyle::None } if value.eq_ignore_ascii_case(kw))
    }

    pub(crate) fn is_kw(&self, kw: &str) -> bool {
        self.is_kw_at(0, kw)
    }

    pub(crate) fn eat_kw(&mut self, kw: &str) -> bool {
        if self.is_kw(kw) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    pub(crate) fn expect_kw(&mut self, kw: &str) -> PResult<()> {
        if self.eat_kw(kw) {
            Ok(())
        } else {
            Err(self.err())
        }
    }

    /// Eats a sequence of keywords, all or nothing.
    pub(crate) fn eat_kws(&mut self, kws: &[&str]) -> bool {
        if kws.iter().enumerate().all(|(i, k)| self.is_kw_at(i, k)) {
            self.pos += kws.len();
            true
        } else {
            false
        }
    }

    pub(crate) fn expect_kws(&mut self, kws: &[&str]) -> PResult<()> {
        for k in kws {
            self.expect_kw(k)?;
        }
        Ok(())
    }

    /// The upper-cased undelimited word at `n`, if any.
    pub(crate) fn word_upper_at(&self, n: usize) -> Option<String> {
        match self.peek_nth(n) {
            Tok::Word {
                value,
                quote: QuoteStyle::None,
            } => Some(value.to_ascii_uppercase()),
            _ => None,
        }
    }

    pub(crate) fn is_sym_at(&self, n: usize, s: Sym) -> bool {
        matches!(self.peek_nth(n), Tok::Sym(x) if *x == s)
    }

    pub(crate) fn is_sym(&self, s: Sym) -> bool {
        self.is_sym_at(0, s)
    }

    pub(crate) fn eat_sym(&mut self, s: Sym) -> bool {
        if self.is_sym(s) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    pub(crate) fn expect_sym(&mut self, s: Sym) -> PResult<()> {
        if self.eat_sym(s) {
            Ok(())
        } else {
            Err(self.err())
        }
    }

    // ----- errors -----

    /// A syntax error at token index `idx` (at EOF: near the last real token).
    pub(crate) fn error_at(&self, idx: usize) -> ParseError {
        let mut i = idx.min(self.toks.len().saturating_sub(1));
        if matches!(self.toks.get(i).map(|t| &t.tok), Some(Tok::Eof)) && i > 0 {
            i -= 1;
        }
        let Some(t) = self.toks.get(i) else {
            return ParseError::near("", 1, 1);
        };
        let raw = self.src.get(t.start..t.end).unwrap_or("");
        match &t.tok {
            Tok::Word {
                value,
                quote: QuoteStyle::None,
            } if is_reserved(value) => ParseError::near_keyword(raw, t.line, t.col),
            Tok::Word { value, .. } => ParseError::near(value, t.line, t.col),
            Tok::Str { value, .. } => ParseError::near(value, t.line, t.col),
            Tok::Eof => ParseError::near("", t.line, t.col),
            _ => ParseError::near(raw, t.line, t.col),
        }
    }

    /// A syntax error at the current token.
    pub(crate) fn err(&self) -> ParseError {
        self.error_at(self.pos)
    }

    /// Enters one nesting level; fails beyond [`MAX_DEPTH`].
    pub(crate) fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        self.weight += 1;
        self.peak = self.peak.max(self.weight);
        if self.depth > self.max_depth || self.weight > MAX_TREE_DEPTH {
            return Err(self.too_deep());
        }
        Ok(())
    }

    pub(crate) fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
        self.weight = self.weight.saturating_sub(1);
    }

    /// The nesting-too-deep error at the current token.
    pub(crate) fn too_deep(&self) -> ParseError {
        let t = self.token_at(0);
        ParseError::new(
            191,
            "Some part of your SQL statement is nested too deeply. Rewrite the query or break it up into smaller queries.",
            t.line,
            t.col,
        )
    }

    // ----- common terminals -----

    /// `identifier` — an undelimited word that is not reserved, or any delimited identifier.
    pub(crate) fn parse_ident(&mut self) -> PResult<Ident> {
        match self.peek() {
            Tok::Word { value, quote } if *quote != QuoteStyle::None || !is_reserved(value) => {
                let id = Ident {
                    value: value.clone(),
                    quote: *quote,
                };
                self.pos += 1;
                Ok(id)
            }
            _ => Err(self.err()),
        }
    }

    /// `identifier | reserved_word` (used for principals such as `public`,
    /// option names and permission words).
    pub(crate) fn parse_ident_any(&mut self) -> PResult<Ident> {
        match self.peek() {
            Tok::Word { value, quote } => {
                let id = Ident {
                    value: value.clone(),
                    quote: *quote,
                };
                self.pos += 1;
                Ok(id)
            }
            _ => Err(self.err()),
        }
    }

    /// True when the current token can start an identifier.
    pub(crate) fn at_ident(&self) -> bool {
        matches!(self.peek(), Tok::Word { value, quote } if *quote != QuoteStyle::None || !is_reserved(value))
    }

    /// `object_name ::= ident [ . [ident] ]…` (at most four parts; `db..obj` allowed).
    pub(crate) fn parse_object_name(&mut self) -> PResult<ObjectName> {
        let mut parts = vec![self.parse_ident()?];
        while self.is_sym(Sym::Dot) && parts.len() < 4 {
            // `t.*` and `x.method(` are handled by callers: stop before them.
            if self.is_sym_at(1, Sym::Star) {
                break;
            }
            self.pos += 1;
            if self.is_sym(Sym::Dot) {
                parts.push(Ident::new(""));
                continue;
            }
            parts.push(self.parse_ident()?);
        }
        if parts.last().is_some_and(|p| p.value.is_empty()) {
            return Err(self.err());
        }
        Ok(ObjectName { parts })
    }

    /// `@variable`.
    /// `identifier | @variable` — names that real broker code passes in variables
    /// (`FROM SERVICE @svc`, `ON CONTRACT @c`, `MESSAGE TYPE @t`). A variable is returned as
    /// an undelimited [`Ident`] whose value starts with `@`; it prints back as the variable.
    pub(crate) fn parse_ident_or_var(&mut self) -> PResult<Ident> {
        if let Tok::Var(v) = self.peek() {
            let id = Ident::new(v.clone());
            self.pos += 1;
            return Ok(id);
        }
        self.parse_ident()
    }

    pub(crate) fn parse_var(&mut self) -> PResult<String> {
        match self.peek() {
            Tok::Var(v) => {
                let v = v.clone();
                self.pos += 1;
                Ok(v)
            }
            _ => Err(self.err()),
        }
    }

    /// `'string'` or `N'string'`.
    pub(crate) fn parse_string(&mut self) -> PResult<String> {
        match self.peek() {
            Tok::Str { value, .. } => {
                let v = value.clone();
                self.pos += 1;
                Ok(v)
            }
            _ => Err(self.err()),
        }
    }

    /// `[+|-] integer`.
    pub(crate) fn parse_int(&mut self) -> PResult<i64> {
        let neg = if self.eat_sym(Sym::Minus) {
            true
        } else {
            self.eat_sym(Sym::Plus);
            false
        };
        match self.peek() {
            Tok::Number(n) if n.bytes().all(|b| b.is_ascii_digit()) => {
                let v: i64 = n.parse().map_err(|_| self.err())?;
                self.pos += 1;
                Ok(if neg { -v } else { v })
            }
            _ => Err(self.err()),
        }
    }

    /// `ON | OFF`.
    pub(crate) fn parse_on_off(&mut self) -> PResult<bool> {
        if self.eat_kw("ON") {
            Ok(true)
        } else if self.eat_kw("OFF") {
            Ok(false)
        } else {
            Err(self.err())
        }
    }

    /// `= ON | = OFF`.
    pub(crate) fn parse_eq_on_off(&mut self) -> PResult<bool> {
        self.expect_sym(Sym::Eq)?;
        self.parse_on_off()
    }

    /// `item [, item]…`.
    pub(crate) fn comma_list<T>(
        &mut self,
        mut f: impl FnMut(&mut Self) -> PResult<T>,
    ) -> PResult<Vec<T>> {
        let mut out = vec![f(self)?];
        while self.eat_sym(Sym::Comma) {
            out.push(f(self)?);
        }
        Ok(out)
    }

    /// `( ident [, ident]… )`.
    pub(crate) fn parse_paren_ident_list(&mut self) -> PResult<Vec<Ident>> {
        self.expect_sym(Sym::LParen)?;
        let v = self.comma_list(|p| p.parse_ident())?;
        self.expect_sym(Sym::RParen)?;
        Ok(v)
    }

    /// `AUTHORIZATION owner` (optional).
    pub(crate) fn parse_opt_authorization(&mut self) -> PResult<Option<Ident>> {
        if self.eat_kw("AUTHORIZATION") {
            Ok(Some(self.parse_ident_any()?))
        } else {
            Ok(None)
        }
    }

    // ----- statements -----

    /// `statement_list ::= { statement [;] }…` — parses until EOF or until `stop`
    /// returns true. Enforces the rule that SEND, RECEIVE, WAITFOR (RECEIVE/GET),
    /// GET CONVERSATION GROUP and MOVE CONVERSATION must follow a `;` unless
    /// they are the first statement of the list.
    pub(crate) fn parse_statement_list(&mut self, stop: fn(&Parser) -> bool) -> PResult<Vec<Stmt>> {
        let mut out = Vec::new();
        let mut terminated = true;
        loop {
            while self.eat_sym(Sym::Semi) {
                terminated = true;
            }
            if self.at_eof() || stop(self) {
                break;
            }
            let start = self.pos;
            let stmt = self.parse_statement()?;
            if !terminated && requires_terminator(&stmt.kind) {
                return Err(self.error_at(start));
            }
            terminated = matches!(stmt.kind, StmtKind::Label(_));
            out.push(stmt);
        }
        Ok(out)
    }

    /// Stop predicate for `BEGIN … END` style lists.
    pub(crate) fn at_block_end(p: &Parser) -> bool {
        p.is_kw("END") && !p.is_kw_at(1, "CONVERSATION")
    }

    /// `statement` — dispatches on the first token(s).
    pub(crate) fn parse_statement(&mut self) -> PResult<Stmt> {
        self.enter()?;
        let line = self.line();
        let r = self.parse_statement_kind();
        self.leave();
        r.map(|kind| Stmt::new(kind, line))
    }

    fn parse_statement_kind(&mut self) -> PResult<StmtKind> {
        if self.is_sym(Sym::LParen) {
            return Ok(StmtKind::Select(Box::new(self.parse_query()?)));
        }
        // label:
        if self.at_ident() && self.is_sym_at(1, Sym::Colon) {
            let id = self.parse_ident()?;
            self.pos += 1;
            return Ok(StmtKind::Label(id));
        }
        let Some(w) = self.word_upper_at(0) else {
            return Err(self.err());
        };
        match w.as_str() {
            "SELECT" => Ok(StmtKind::Select(Box::new(self.parse_query()?))),
            "WITH" => self.parse_with_statement(),
            "INSERT" => Ok(StmtKind::Insert(Box::new(self.parse_insert(None)?))),
            "UPDATE" => Ok(StmtKind::Update(Box::new(self.parse_update(None)?))),
            "DELETE" => Ok(StmtKind::Delete(Box::new(self.parse_delete(None)?))),
            "MERGE" => Ok(StmtKind::Merge(Box::new(self.parse_merge(None)?))),
            "DECLARE" => self.parse_declare(),
            "SET" => self.parse_set(),
            "IF" => self.parse_if(),
            "WHILE" => self.parse_while(),
            "BREAK" => {
                self.pos += 1;
                Ok(StmtKind::Break)
            }
            "CONTINUE" => {
                self.pos += 1;
                Ok(StmtKind::Continue)
            }
            "BEGIN" => self.parse_begin(),
            "RETURN" => self.parse_return(),
            "PRINT" => {
                self.pos += 1;
                Ok(StmtKind::Print(self.parse_expr()?))
            }
            "RAISERROR" => self.parse_raiserror(),
            "THROW" => self.parse_throw(),
            "GOTO" => {
                self.pos += 1;
                Ok(StmtKind::Goto(self.parse_ident()?))
            }
            "WAITFOR" => self.parse_waitfor(),
            "USE" => {
                self.pos += 1;
                Ok(StmtKind::Use(self.parse_ident()?))
            }
            "EXEC" | "EXECUTE" => self.parse_exec_statement(),
            "REVERT" => {
                self.pos += 1;
                if self.eat_kw("WITH") {
                    self.expect_kw("COOKIE")?;
                    return Err(self.error_at(self.pos - 1));
                }
                Ok(StmtKind::Revert)
            }
            "CHECKPOINT" => {
                self.pos += 1;
                if matches!(self.peek(), Tok::Number(_)) {
                    self.pos += 1;
                }
                Ok(StmtKind::Checkpoint)
            }
            "DBCC" => {
                self.pos += 1;
                let command = self.word_upper_at(0).ok_or_else(|| self.err())?;
                self.pos += 1;
                let args = if self.eat_sym(Sym::LParen) {
                    let a = if self.is_sym(Sym::RParen) {
                        Vec::new()
                    } else {
                        self.comma_list(|p| p.parse_expr())?
                    };
                    self.expect_sym(Sym::RParen)?;
                    a
                } else {
                    Vec::new()
                };
                if self.eat_kw("WITH") {
                    self.comma_list(|p| p.parse_ident_any())?;
                }
                Ok(StmtKind::Dbcc { command, args })
            }
            "RECONFIGURE" => {
                self.pos += 1;
                self.eat_kws(&["WITH", "OVERRIDE"]);
                Ok(StmtKind::Reconfigure)
            }
            "ENABLE" | "DISABLE" if self.is_kw_at(1, "TRIGGER") => {
                let enable = self.is_kw("ENABLE");
                self.pos += 2;
                let names = if self.eat_kw("ALL") {
                    Vec::new()
                } else {
                    self.comma_list(|p| p.parse_object_name())?
                };
                self.expect_kw("ON")?;
                let table = if self.eat_kw("DATABASE") || self.eat_kws(&["ALL", "SERVER"]) {
                    None
                } else {
                    Some(self.parse_object_name()?)
                };
                Ok(StmtKind::EnableTrigger {
                    enable,
                    names,
                    table,
                })
            }
            "COMMIT" | "ROLLBACK" => self.parse_commit_rollback(),
            "SAVE" => self.parse_save(),
            "OPEN" => self.parse_open(),
            "CLOSE" => self.parse_close(),
            "FETCH" => self.parse_fetch(),
            "DEALLOCATE" => {
                self.pos += 1;
                Ok(StmtKind::Deallocate(self.parse_cursor_ref()?))
            }
            "CREATE" => self.parse_create(),
            "ALTER" => self.parse_alter(),
            "DROP" if self.is_kw_at(1, "SIGNATURE") => self.parse_signature(),
            "ADD" if self.is_kw_at(1, "SIGNATURE") => self.parse_signature(),
            "DROP" => self.parse_drop(),
            "TRUNCATE" => {
                self.pos += 1;
                self.expect_kw("TABLE")?;
                Ok(StmtKind::TruncateTable(self.parse_object_name()?))
            }
            "GRANT" | "DENY" | "REVOKE" => self.parse_permission(),
            "BACKUP" => self.parse_backup_certificate(),
            "SEND" => self.parse_send(),
            "RECEIVE" => Ok(StmtKind::Receive(Box::new(self.parse_receive()?))),
            "GET" if self.is_kw_at(1, "CONVERSATION") => Ok(StmtKind::GetConversationGroup(
                Box::new(self.parse_get_conversation_group()?),
            )),
            "MOVE" if self.is_kw_at(1, "CONVERSATION") => self.parse_move_conversation(),
            "END" if self.is_kw_at(1, "CONVERSATION") => self.parse_end_conversation(),
            _ => Err(self.err()),
        }
    }
}
