//! Variables and control flow: `DECLARE` (scalars, table variables, cursors),
//! `SET`, `IF`/`ELSE`, `WHILE`, `BEGIN … END`, `BEGIN TRY/CATCH`, `RETURN`,
//! `RAISERROR`, `THROW`, `WAITFOR DELAY/TIME`, `EXEC`/`EXECUTE` (procedure
//! calls, dynamic SQL, `EXECUTE AS`), transactions and cursor statements.

use super::{PResult, Parser};
use crate::ast::*;
use crate::lexer::{Sym, Tok};

/// Words that start statements requiring a preceding `;` — never taken as
/// optional names (transaction names, EXEC arguments).
const STATEMENT_WORDS: &[&str] = &["SEND", "RECEIVE", "GET", "MOVE", "THROW"];

impl Parser<'_> {
    /// True when the current token is an identifier usable as an optional
    /// trailing name (not a statement-leading word such as SEND).
    pub(crate) fn at_optional_name(&self) -> bool {
        self.at_ident()
            && !self
                .word_upper_at(0)
                .is_some_and(|w| STATEMENT_WORDS.contains(&w.as_str()))
            && !self.is_sym_at(1, Sym::Colon)
    }

    /// `DECLARE { @v [AS] type [= expr] [, …] | @t [AS] TABLE ( … ) | name CURSOR … }`.
    pub(crate) fn parse_declare(&mut self) -> PResult<StmtKind> {
        self.expect_kw("DECLARE")?;
        if !matches!(self.peek(), Tok::Var(_)) {
            return self.parse_declare_cursor();
        }
        if (self.is_kw_at(1, "TABLE")) || (self.is_kw_at(1, "AS") && self.is_kw_at(2, "TABLE")) {
            let name = self.parse_var()?;
            self.eat_kw("AS");
            self.expect_kw("TABLE")?;
            let (columns, constraints) = self.parse_table_elements()?;
            return Ok(StmtKind::DeclareTable(Box::new(DeclareTable {
                name,
                columns,
                constraints,
            })));
        }
        let decls = self.comma_list(|p| {
            let name = p.parse_var()?;
            p.eat_kw("AS");
            let data_type = p.parse_var_type()?;
            let init = if p.eat_sym(Sym::Eq) {
                Some(p.parse_expr()?)
            } else {
                None
            };
            Ok(VarDecl {
                name,
                data_type,
                init,
            })
        })?;
        Ok(StmtKind::Declare(decls))
    }

    /// A variable/parameter type: `data_type | CURSOR`.
    pub(crate) fn parse_var_type(&mut self) -> PResult<DataType> {
        if self.eat_kw("CURSOR") {
            return Ok(DataType {
                name: ObjectName::single(Ident::new("CURSOR")),
                params: TypeParams::None,
            });
        }
        self.parse_data_type()
    }

    /// `name CURSOR [option…] FOR query [FOR UPDATE [OF col, …] | FOR READ ONLY]`.
    fn parse_declare_cursor(&mut self) -> PResult<StmtKind> {
        let name = self.parse_ident()?;
        self.expect_kw("CURSOR")?;
        Ok(StmtKind::DeclareCursor(Box::new(
            self.parse_cursor_definition(name)?,
        )))
    }

    /// `[option…] FOR query [FOR UPDATE [OF col, …]]` after `CURSOR`.
    fn parse_cursor_definition(&mut self, name: Ident) -> PResult<DeclareCursor> {
        let mut options = Vec::new();
        loop {
            let opt = match self.word_upper_at(0).as_deref() {
                Some("LOCAL") => CursorOption::Local,
                Some("GLOBAL") => CursorOption::Global,
                Some("FORWARD_ONLY") => CursorOption::ForwardOnly,
                Some("SCROLL") => CursorOption::Scroll,
                Some("STATIC") => CursorOption::Static,
                Some("KEYSET") => CursorOption::Keyset,
                Some("DYNAMIC") => CursorOption::Dynamic,
                Some("FAST_FORWARD") => CursorOption::FastForward,
                Some("READ_ONLY") => CursorOption::ReadOnly,
                Some("SCROLL_LOCKS") => CursorOption::ScrollLocks,
                Some("OPTIMISTIC") => CursorOption::Optimistic,
                Some("TYPE_WARNING") => CursorOption::TypeWarning,
                _ => break,
            };
            self.pos += 1;
            options.push(opt);
        }
        self.expect_kw("FOR")?;
        let query = self.parse_query()?;
        let for_update = if self.eat_kws(&["FOR", "UPDATE"]) {
            if self.eat_kw("OF") {
                Some(self.comma_list(|p| p.parse_ident())?)
            } else {
                Some(Vec::new())
            }
        } else {
            None
        };
        Ok(DeclareCursor {
            name,
            options,
            query: Box::new(query),
            for_update,
        })
    }

    /// `SET @v op expr | SET TRANSACTION ISOLATION LEVEL … | SET IDENTITY_INSERT t ON|OFF
    /// | SET option [, option]… ON|OFF | SET option value`.
    pub(crate) fn parse_set(&mut self) -> PResult<StmtKind> {
        self.expect_kw("SET")?;
        if let Tok::Var(v) = self.peek() {
            let name = v.clone();
            self.pos += 1;
            let op = self.peek_assign_op(0).ok_or_else(|| self.err())?;
            self.pos += 1;
            if op == AssignOp::Assign && self.eat_kw("CURSOR") {
                let def = self.parse_cursor_definition(Ident::new(name))?;
                return Ok(StmtKind::SetCursor(Box::new(def)));
            }
            let value = self.parse_expr()?;
            return Ok(StmtKind::SetVariable { name, op, value });
        }
        if self.eat_kws(&["TRANSACTION", "ISOLATION", "LEVEL"]) {
            let lvl = if self.eat_kws(&["READ", "UNCOMMITTED"]) {
                IsolationLevel::ReadUncommitted
            } else if self.eat_kws(&["READ", "COMMITTED"]) {
                IsolationLevel::ReadCommitted
            } else if self.eat_kws(&["REPEATABLE", "READ"]) {
                IsolationLevel::RepeatableRead
            } else if self.eat_kw("SNAPSHOT") {
                IsolationLevel::Snapshot
            } else if self.eat_kw("SERIALIZABLE") {
                IsolationLevel::Serializable
            } else {
                return Err(self.err());
            };
            return Ok(StmtKind::SetTransactionIsolationLevel(lvl));
        }
        if self.eat_kw("IDENTITY_INSERT") {
            let table = self.parse_object_name()?;
            let on = self.parse_on_off()?;
            return Ok(StmtKind::SetIdentityInsert { table, on });
        }
        let first = match self.peek() {
            Tok::Word {
                value,
                quote: QuoteStyle::None,
            } => value.to_ascii_uppercase(),
            _ => return Err(self.err()),
        };
        let list_mode = first == "STATISTICS"
            || self.is_kw_at(1, "ON")
            || self.is_kw_at(1, "OFF")
            || self.is_sym_at(1, Sym::Comma);
        if !list_mode {
            self.pos += 1;
            let value = self.parse_expr()?;
            return Ok(StmtKind::SetOptionValue {
                option: first,
                value,
            });
        }
        let mut options = Vec::new();
        loop {
            let mut words = Vec::new();
            while let Some(w) = self.word_upper_at(0) {
                if w == "ON" || w == "OFF" {
                    break;
                }
                words.push(w);
                self.pos += 1;
            }
            if words.is_empty() {
                return Err(self.err());
            }
            options.push(words.join(" "));
            if !self.eat_sym(Sym::Comma) {
                break;
            }
        }
        let on = self.parse_on_off()?;
        Ok(StmtKind::SetOptions { options, on })
    }

    /// `IF condition statement [[;] ELSE statement]`.
    pub(crate) fn parse_if(&mut self) -> PResult<StmtKind> {
        self.expect_kw("IF")?;
        let condition = self.parse_expr()?;
        let then_stmt = self.parse_statement()?;
        if self.is_sym(Sym::Semi) && self.is_kw_at(1, "ELSE") {
            self.pos += 1;
        }
        let else_stmt = if self.eat_kw("ELSE") {
            Some(Box::new(self.parse_statement()?))
        } else {
            None
        };
        Ok(StmtKind::If {
            condition,
            then_stmt: Box::new(then_stmt),
            else_stmt,
        })
    }

    /// `WHILE condition statement`.
    pub(crate) fn parse_while(&mut self) -> PResult<StmtKind> {
        self.expect_kw("WHILE")?;
        let condition = self.parse_expr()?;
        let body = self.parse_statement()?;
        Ok(StmtKind::While {
            condition,
            body: Box::new(body),
        })
    }

    /// `BEGIN … END | BEGIN TRY … | BEGIN TRAN… | BEGIN DIALOG … | BEGIN CONVERSATION TIMER …`.
    pub(crate) fn parse_begin(&mut self) -> PResult<StmtKind> {
        match self.word_upper_at(1).as_deref() {
            Some("TRY") => return self.parse_try_catch(),
            Some("TRAN") | Some("TRANSACTION") => {
                self.pos += 2;
                let name = self.parse_opt_tran_name()?;
                return Ok(StmtKind::BeginTransaction(name));
            }
            Some("DIALOG") => return self.parse_begin_dialog(),
            Some("CONVERSATION") if self.is_kw_at(2, "TIMER") => {
                return self.parse_begin_conversation_timer();
            }
            _ => {}
        }
        self.expect_kw("BEGIN")?;
        let stmts = self.parse_statement_list(Parser::at_block_end)?;
        self.expect_kw("END")?;
        Ok(StmtKind::Block(stmts))
    }

    /// `BEGIN TRY statement… END TRY BEGIN CATCH statement… END CATCH`.
    fn parse_try_catch(&mut self) -> PResult<StmtKind> {
        self.expect_kws(&["BEGIN", "TRY"])?;
        let try_block = self.parse_statement_list(Parser::at_block_end)?;
        self.expect_kws(&["END", "TRY"])?;
        self.expect_kws(&["BEGIN", "CATCH"])?;
        let catch_block = self.parse_statement_list(Parser::at_block_end)?;
        self.expect_kws(&["END", "CATCH"])?;
        Ok(StmtKind::TryCatch {
            try_block,
            catch_block,
        })
    }

    /// `[name | @var]` after TRAN / TRANSACTION.
    fn parse_opt_tran_name(&mut self) -> PResult<Option<TranName>> {
        if let Tok::Var(v) = self.peek() {
            let v = v.clone();
            self.pos += 1;
            return Ok(Some(TranName::Variable(v)));
        }
        if self.at_optional_name() {
            return Ok(Some(TranName::Name(self.parse_ident()?)));
        }
        Ok(None)
    }

    /// `{COMMIT | ROLLBACK} [TRAN[SACTION] [name] | WORK]`.
    pub(crate) fn parse_commit_rollback(&mut self) -> PResult<StmtKind> {
        let commit = self.is_kw("COMMIT");
        self.pos += 1;
        let name = if self.eat_kw("TRAN") || self.eat_kw("TRANSACTION") {
            self.parse_opt_tran_name()?
        } else {
            self.eat_kw("WORK");
            None
        };
        Ok(if commit {
            StmtKind::Commit(name)
        } else {
            StmtKind::Rollback(name)
        })
    }

    /// `SAVE TRAN[SACTION] { name | @var }`.
    pub(crate) fn parse_save(&mut self) -> PResult<StmtKind> {
        self.expect_kw("SAVE")?;
        if !self.eat_kw("TRAN") {
            self.expect_kw("TRANSACTION")?;
        }
        match self.parse_opt_tran_name()? {
            Some(n) => Ok(StmtKind::SaveTransaction(n)),
            None => Err(self.err()),
        }
    }

    /// `RETURN [expr]`.
    pub(crate) fn parse_return(&mut self) -> PResult<StmtKind> {
        self.expect_kw("RETURN")?;
        if self.at_expr_start() && !self.is_sym_at(1, Sym::Colon) {
            Ok(StmtKind::Return(Some(self.parse_expr()?)))
        } else {
            Ok(StmtKind::Return(None))
        }
    }

    /// `RAISERROR ( msg, severity, state [, arg]… ) [WITH option [, option]…]`.
    pub(crate) fn parse_raiserror(&mut self) -> PResult<StmtKind> {
        self.expect_kw("RAISERROR")?;
        self.expect_sym(Sym::LParen)?;
        let message = self.parse_expr()?;
        self.expect_sym(Sym::Comma)?;
        let severity = self.parse_expr()?;
        self.expect_sym(Sym::Comma)?;
        let state = self.parse_expr()?;
        let mut args = Vec::new();
        while self.eat_sym(Sym::Comma) {
            args.push(self.parse_expr()?);
        }
        self.expect_sym(Sym::RParen)?;
        let options = if self.eat_kw("WITH") {
            self.comma_list(|p| match p.word_upper_at(0) {
                Some(w) if matches!(w.as_str(), "NOWAIT" | "LOG" | "SETERROR") => {
                    p.pos += 1;
                    Ok(w)
                }
                _ => Err(p.err()),
            })?
        } else {
            Vec::new()
        };
        Ok(StmtKind::Raiserror(Box::new(Raiserror {
            message,
            severity,
            state,
            args,
            options,
        })))
    }

    /// `THROW [number, message, state]`.
    pub(crate) fn parse_throw(&mut self) -> PResult<StmtKind> {
        self.expect_kw("THROW")?;
        if !matches!(
            self.peek(),
            Tok::Number(_) | Tok::Var(_) | Tok::Str { .. } | Tok::Sym(Sym::Minus)
        ) {
            return Ok(StmtKind::Throw(None));
        }
        let number = self.parse_expr()?;
        self.expect_sym(Sym::Comma)?;
        let message = self.parse_expr()?;
        self.expect_sym(Sym::Comma)?;
        let state = self.parse_expr()?;
        Ok(StmtKind::Throw(Some(Box::new(Throw {
            number,
            message,
            state,
        }))))
    }

    /// `WAITFOR { DELAY expr | TIME expr | ( RECEIVE … | GET CONVERSATION GROUP … ) [, TIMEOUT expr] }`.
    pub(crate) fn parse_waitfor(&mut self) -> PResult<StmtKind> {
        self.expect_kw("WAITFOR")?;
        if self.eat_kw("DELAY") {
            return Ok(StmtKind::WaitForDelay(self.parse_expr()?));
        }
        if self.eat_kw("TIME") {
            return Ok(StmtKind::WaitForTime(self.parse_expr()?));
        }
        self.parse_waitfor_broker()
    }

    /// `EXEC … | EXECUTE …` statement forms.
    pub(crate) fn parse_exec_statement(&mut self) -> PResult<StmtKind> {
        self.pos += 1; // EXEC / EXECUTE
        if self.eat_kw("AS") {
            return Ok(StmtKind::ExecuteAs(self.parse_execute_as_context()?));
        }
        if self.eat_sym(Sym::LParen) {
            let e = self.parse_expr()?;
            self.expect_sym(Sym::RParen)?;
            return Ok(StmtKind::ExecSql(e));
        }
        Ok(StmtKind::Exec(Box::new(self.parse_exec_proc()?)))
    }

    /// `[@ret =] { proc_name | @proc_var } [arg [, arg]…] [WITH RECOMPILE]` (after EXEC).
    pub(crate) fn parse_exec_proc(&mut self) -> PResult<Exec> {
        let return_status = match self.peek() {
            Tok::Var(v) if self.is_sym_at(1, Sym::Eq) => {
                let v = v.clone();
                self.pos += 2;
                Some(v)
            }
            _ => None,
        };
        let procedure = if let Tok::Var(v) = self.peek() {
            let v = v.clone();
            self.pos += 1;
            ProcRef::Variable(v)
        } else {
            ProcRef::Name(self.parse_object_name()?)
        };
        let mut args = Vec::new();
        if self.at_expr_start() && !self.is_sym(Sym::LParen) && !self.is_sym_at(1, Sym::Colon) {
            args = self.comma_list(|p| {
                let name = match p.peek() {
                    Tok::Var(v) if p.is_sym_at(1, Sym::Eq) => {
                        let v = v.clone();
                        p.pos += 2;
                        Some(v)
                    }
                    _ => None,
                };
                let value = p.parse_expr()?;
                let output = p.eat_kw("OUTPUT") || p.eat_kw("OUT");
                Ok(ExecArg {
                    name,
                    value,
                    output,
                })
            })?;
        }
        let recompile = self.eat_kws(&["WITH", "RECOMPILE"]);
        Ok(Exec {
            return_status,
            procedure,
            args,
            recompile,
        })
    }

    /// `CALLER | SELF | OWNER | USER = 'name' | LOGIN = 'name' | 'name'` (after EXECUTE AS).
    pub(crate) fn parse_execute_as_context(&mut self) -> PResult<ExecuteAs> {
        if let Tok::Str { value, .. } = self.peek() {
            let v = value.clone();
            self.pos += 1;
            return Ok(ExecuteAs::User(v));
        }
        let r = match self.word_upper_at(0).as_deref() {
            Some("CALLER") => ExecuteAs::Caller,
            Some("SELF") => ExecuteAs::SelfPrincipal,
            Some("OWNER") => ExecuteAs::Owner,
            Some("USER") => {
                self.pos += 1;
                self.expect_sym(Sym::Eq)?;
                return Ok(ExecuteAs::User(self.parse_string()?));
            }
            Some("LOGIN") => {
                self.pos += 1;
                self.expect_sym(Sym::Eq)?;
                return Ok(ExecuteAs::Login(self.parse_string()?));
            }
            _ => return Err(self.err()),
        };
        self.pos += 1;
        Ok(r)
    }

    /// `cursor_ref ::= [GLOBAL] name | @cursor_variable`.
    pub(crate) fn parse_cursor_ref(&mut self) -> PResult<CursorRef> {
        if let Tok::Var(v) = self.peek() {
            let v = v.clone();
            self.pos += 1;
            return Ok(CursorRef::Variable(v));
        }
        Ok(CursorRef::Name(self.parse_ident()?))
    }

    /// `OPEN cursor | OPEN MASTER KEY DECRYPTION BY PASSWORD = 'pwd'`.
    pub(crate) fn parse_open(&mut self) -> PResult<StmtKind> {
        self.expect_kw("OPEN")?;
        if self.eat_kws(&["MASTER", "KEY"]) {
            self.expect_kws(&["DECRYPTION", "BY", "PASSWORD"])?;
            self.expect_sym(Sym::Eq)?;
            return Ok(StmtKind::OpenMasterKey {
                password: self.parse_string()?,
            });
        }
        Ok(StmtKind::OpenCursor(self.parse_cursor_ref()?))
    }

    /// `CLOSE cursor | CLOSE MASTER KEY`.
    pub(crate) fn parse_close(&mut self) -> PResult<StmtKind> {
        self.expect_kw("CLOSE")?;
        if self.eat_kws(&["MASTER", "KEY"]) {
            return Ok(StmtKind::CloseMasterKey);
        }
        Ok(StmtKind::CloseCursor(self.parse_cursor_ref()?))
    }

    /// `FETCH [NEXT | PRIOR | FIRST | LAST | ABSOLUTE n | RELATIVE n] [FROM] cursor [INTO @v, …]`.
    pub(crate) fn parse_fetch(&mut self) -> PResult<StmtKind> {
        self.expect_kw("FETCH")?;
        let direction = match self.word_upper_at(0).as_deref() {
            Some("NEXT") => Some(FetchDirection::Next),
            Some("PRIOR") => Some(FetchDirection::Prior),
            Some("FIRST") => Some(FetchDirection::First),
            Some("LAST") => Some(FetchDirection::Last),
            Some("ABSOLUTE") | Some("RELATIVE") => {
                let abs = self.is_kw("ABSOLUTE");
                self.pos += 1;
                let e = self.parse_expr_bp(u8::MAX)?;
                self.pos -= 1;
                Some(if abs {
                    FetchDirection::Absolute(e)
                } else {
                    FetchDirection::Relative(e)
                })
            }
            _ => None,
        };
        if direction.is_some() {
            self.pos += 1;
            self.expect_kw("FROM")?;
        } else {
            self.eat_kw("FROM");
        }
        let cursor = self.parse_cursor_ref()?;
        let into = if self.eat_kw("INTO") {
            self.comma_list(|p| p.parse_var())?
        } else {
            Vec::new()
        };
        Ok(StmtKind::Fetch(Box::new(Fetch {
            direction,
            cursor,
            into,
        })))
    }
}
