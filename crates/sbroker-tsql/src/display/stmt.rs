//! `Display` for control-flow, variable, cursor, EXEC, transaction and
//! general DDL statements; broker and security statements are delegated to
//! [`super::broker`].

use std::fmt::{self, Display, Formatter};

use super::{Commas, on_off, q, write_stmts};
use crate::ast::*;

impl Display for VarDecl {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.name, self.data_type)?;
        if let Some(i) = &self.init {
            write!(f, " = {i}")?;
        }
        Ok(())
    }
}

impl Display for CursorOption {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CursorOption::Local => "LOCAL",
            CursorOption::Global => "GLOBAL",
            CursorOption::ForwardOnly => "FORWARD_ONLY",
            CursorOption::Scroll => "SCROLL",
            CursorOption::Static => "STATIC",
            CursorOption::Keyset => "KEYSET",
            CursorOption::Dynamic => "DYNAMIC",
            CursorOption::FastForward => "FAST_FORWARD",
            CursorOption::ReadOnly => "READ_ONLY",
            CursorOption::ScrollLocks => "SCROLL_LOCKS",
            CursorOption::Optimistic => "OPTIMISTIC",
            CursorOption::TypeWarning => "TYPE_WARNING",
        })
    }
}

impl Display for CursorRef {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            CursorRef::Name(n) => write!(f, "{n}"),
            CursorRef::Variable(v) => f.write_str(v),
        }
    }
}

impl Display for ExecArg {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if let Some(n) = &self.name {
            write!(f, "{n} = ")?;
        }
        write!(f, "{}", self.value)?;
        if self.output {
            f.write_str(" OUTPUT")?;
        }
        Ok(())
    }
}

impl Display for Exec {
    /// Prints `[@ret = ] proc [args] [WITH RECOMPILE]` (without the EXEC keyword).
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if let Some(r) = &self.return_status {
            write!(f, "{r} = ")?;
        }
        match &self.procedure {
            ProcRef::Name(n) => write!(f, "{n}")?,
            ProcRef::Variable(v) => f.write_str(v)?,
        }
        if !self.args.is_empty() {
            write!(f, " {}", Commas(&self.args))?;
        }
        if self.recompile {
            f.write_str(" WITH RECOMPILE")?;
        }
        Ok(())
    }
}

/// Statement-form EXECUTE AS context (`USER = 'x'`).
pub(crate) struct ExecAsStmt<'a>(pub &'a ExecuteAs);

impl Display for ExecAsStmt<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self.0 {
            ExecuteAs::User(u) => write!(f, "USER = {}", q(u)),
            other => write!(f, "{other}"),
        }
    }
}

impl Display for ExecuteAs {
    /// Module/activation form: `CALLER | SELF | OWNER | 'user' | LOGIN = 'login'`.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            ExecuteAs::Caller => f.write_str("CALLER"),
            ExecuteAs::SelfPrincipal => f.write_str("SELF"),
            ExecuteAs::Owner => f.write_str("OWNER"),
            ExecuteAs::User(u) => write!(f, "{}", q(u)),
            ExecuteAs::Login(l) => write!(f, "LOGIN = {}", q(l)),
        }
    }
}

impl Display for ModuleOption {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            ModuleOption::ExecuteAs(e) => write!(f, "EXECUTE AS {e}"),
            ModuleOption::Other(i) => write!(f, "{i}"),
        }
    }
}

impl Display for ProcParam {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.name, self.data_type)?;
        if let Some(d) = &self.default {
            write!(f, " = {d}")?;
        }
        if self.output {
            f.write_str(" OUTPUT")?;
        }
        if self.readonly {
            f.write_str(" READONLY")?;
        }
        Ok(())
    }
}

fn mode(m: CreateMode) -> &'static str {
    match m {
        CreateMode::Create => "CREATE",
        CreateMode::Alter => "ALTER",
        CreateMode::CreateOrAlter => "CREATE OR ALTER",
    }
}

fn write_module_options(f: &mut Formatter<'_>, o: &[ModuleOption]) -> fmt::Result {
    if !o.is_empty() {
        write!(f, " WITH {}", Commas(o))?;
    }
    Ok(())
}

fn clustered(c: Option<bool>) -> &'static str {
    match c {
        Some(true) => " CLUSTERED",
        Some(false) => " NONCLUSTERED",
        None => "",
    }
}

impl Display for IndexColumn {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.name, if self.desc { " DESC" } else { "" })
    }
}

impl Display for References {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "REFERENCES {}", self.table)?;
        if !self.columns.is_empty() {
            write!(f, " ({})", Commas(&self.columns))?;
        }
        let act = |a: &ReferentialAction| match a {
            ReferentialAction::NoAction => "NO ACTION",
            ReferentialAction::Cascade => "CASCADE",
            ReferentialAction::SetNull => "SET NULL",
            ReferentialAction::SetDefault => "SET DEFAULT",
        };
        if let Some(a) = &self.on_delete {
            write!(f, " ON DELETE {}", act(a))?;
        }
        if let Some(a) = &self.on_update {
            write!(f, " ON UPDATE {}", act(a))?;
        }
        Ok(())
    }
}

impl Display for ColumnConstraint {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if let Some(n) = &self.name {
            write!(f, "CONSTRAINT {n} ")?;
        }
        match &self.kind {
            ColumnConstraintKind::Null => f.write_str("NULL"),
            ColumnConstraintKind::NotNull => f.write_str("NOT NULL"),
            ColumnConstraintKind::Identity(None) => f.write_str("IDENTITY"),
            ColumnConstraintKind::Identity(Some((s, i))) => write!(f, "IDENTITY({s}, {i})"),
            ColumnConstraintKind::PrimaryKey(c) => write!(f, "PRIMARY KEY{}", clustered(*c)),
            ColumnConstraintKind::Unique(c) => write!(f, "UNIQUE{}", clustered(*c)),
            ColumnConstraintKind::Default(e) => write!(f, "DEFAULT {e}"),
            ColumnConstraintKind::Check(e) => write!(f, "CHECK ({e})"),
            ColumnConstraintKind::References(r) => write!(f, "{r}"),
            ColumnConstraintKind::RowGuidCol => f.write_str("ROWGUIDCOL"),
        }
    }
}

impl Display for ColumnDef {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.name)?;
        if let Some(c) = &self.computed {
            write!(f, " AS {c}")?;
            if self.persisted {
                f.write_str(" PERSISTED")?;
            }
        }
        if let Some(t) = &self.data_type {
            write!(f, " {t}")?;
        }
        if let Some(c) = &self.collation {
            write!(f, " COLLATE {c}")?;
        }
        for c in &self.constraints {
            write!(f, " {c}")?;
        }
        Ok(())
    }
}

impl Display for TableConstraint {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if let Some(n) = &self.name {
            write!(f, "CONSTRAINT {n} ")?;
        }
        match &self.kind {
            TableConstraintKind::PrimaryKey {
                clustered: c,
                columns,
            } => {
                write!(f, "PRIMARY KEY{} ({})", clustered(*c), Commas(columns))
            }
            TableConstraintKind::Unique {
                clustered: c,
                columns,
            } => {
                write!(f, "UNIQUE{} ({})", clustered(*c), Commas(columns))
            }
            TableConstraintKind::ForeignKey {
                columns,
                references,
            } => write!(f, "FOREIGN KEY ({}) {references}", Commas(columns)),
            TableConstraintKind::Check(e) => write!(f, "CHECK ({e})"),
            TableConstraintKind::Default { value, column } => {
                write!(f, "DEFAULT {value} FOR {column}")
            }
        }
    }
}

fn write_elements(
    f: &mut Formatter<'_>,
    cols: &[ColumnDef],
    cons: &[TableConstraint],
) -> fmt::Result {
    f.write_str("(")?;
    write!(f, "{}", Commas(cols))?;
    if !cols.is_empty() && !cons.is_empty() {
        f.write_str(", ")?;
    }
    write!(f, "{}", Commas(cons))?;
    f.write_str(")")
}

impl Display for DropKind {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DropKind::Table => "TABLE",
            DropKind::Procedure => "PROCEDURE",
            DropKind::Function => "FUNCTION",
            DropKind::Trigger => "TRIGGER",
            DropKind::View => "VIEW",
            DropKind::Schema => "SCHEMA",
            DropKind::Database => "DATABASE",
            DropKind::Login => "LOGIN",
            DropKind::User => "USER",
            DropKind::Role => "ROLE",
            DropKind::Index => "INDEX",
            DropKind::Type => "TYPE",
        })
    }
}

fn write_opt_name(f: &mut Formatter<'_>, n: &Option<TranName>) -> fmt::Result {
    if let Some(n) = n {
        write!(f, " {n}")?;
    }
    Ok(())
}

impl Display for StmtKind {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            StmtKind::Select(q) => write!(f, "{q}"),
            StmtKind::Insert(i) => write!(f, "{i}"),
            StmtKind::Update(u) => write!(f, "{u}"),
            StmtKind::Merge(m) => write!(f, "{m}"),
            StmtKind::Delete(d) => write!(f, "{d}"),
            StmtKind::Declare(v) => write!(f, "DECLARE {}", Commas(v)),
            StmtKind::DeclareTable(t) => {
                write!(f, "DECLARE {} TABLE ", t.name)?;
                write_elements(f, &t.columns, &t.constraints)
            }
            StmtKind::DeclareCursor(c) | StmtKind::SetCursor(c) => {
                if matches!(self, StmtKind::SetCursor(_)) {
                    write!(f, "SET {} = CURSOR", c.name.value)?;
                } else {
                    write!(f, "DECLARE {} CURSOR", c.name)?;
                }
                for o in &c.options {
                    write!(f, " {o}")?;
                }
                write!(f, " FOR {}", c.query)?;
                if let Some(cols) = &c.for_update {
                    f.write_str(" FOR UPDATE")?;
                    if !cols.is_empty() {
                        write!(f, " OF {}", Commas(cols))?;
                    }
                }
                Ok(())
            }
            StmtKind::SetVariable { name, op, value } => write!(f, "SET {name} {op} {value}"),
            StmtKind::SetOptions { options, on } => {
                write!(f, "SET {} {}", options.join(", "), on_off(*on))
            }
            StmtKind::SetOptionValue { option, value } => write!(f, "SET {option} {value}"),
            StmtKind::SetTransactionIsolationLevel(l) => {
                let s = match l {
                    IsolationLevel::ReadUncommitted => "READ UNCOMMITTED",
                    IsolationLevel::ReadCommitted => "READ COMMITTED",
                    IsolationLevel::RepeatableRead => "REPEATABLE READ",
                    IsolationLevel::Snapshot => "SNAPSHOT",
                    IsolationLevel::Serializable => "SERIALIZABLE",
                };
                write!(f, "SET TRANSACTION ISOLATION LEVEL {s}")
            }
            StmtKind::SetIdentityInsert { table, on } => {
                write!(f, "SET IDENTITY_INSERT {table} {}", on_off(*on))
            }
            StmtKind::If {
                condition,
                then_stmt,
                else_stmt,
            } => {
                write!(f, "IF {condition}\n{then_stmt}")?;
                if let Some(e) = else_stmt {
                    write!(f, "\nELSE {e}")?;
                }
                Ok(())
            }
            StmtKind::While { condition, body } => write!(f, "WHILE {condition}\n{body}"),
            StmtKind::Break => f.write_str("BREAK"),
            StmtKind::Continue => f.write_str("CONTINUE"),
            StmtKind::Block(s) => {
                f.write_str("BEGIN\n")?;
                write_stmts(f, s)?;
                f.write_str("END")
            }
            StmtKind::TryCatch {
                try_block,
                catch_block,
            } => {
                f.write_str("BEGIN TRY\n")?;
                write_stmts(f, try_block)?;
                f.write_str("END TRY\nBEGIN CATCH\n")?;
                write_stmts(f, catch_block)?;
                f.write_str("END CATCH")
            }
            StmtKind::Return(None) => f.write_str("RETURN"),
            StmtKind::Return(Some(e)) => write!(f, "RETURN {e}"),
            StmtKind::Print(e) => write!(f, "PRINT {e}"),
            StmtKind::Raiserror(r) => {
                write!(f, "RAISERROR({}, {}, {}", r.message, r.severity, r.state)?;
                for a in &r.args {
                    write!(f, ", {a}")?;
                }
                f.write_str(")")?;
                if !r.options.is_empty() {
                    write!(f, " WITH {}", r.options.join(", "))?;
                }
                Ok(())
            }
            StmtKind::Throw(None) => f.write_str("THROW"),
            StmtKind::Throw(Some(t)) => {
                write!(f, "THROW {}, {}, {}", t.number, t.message, t.state)
            }
            StmtKind::Goto(l) => write!(f, "GOTO {l}"),
            StmtKind::Label(l) => write!(f, "{l}:"),
            StmtKind::WaitForDelay(e) => write!(f, "WAITFOR DELAY {e}"),
            StmtKind::WaitForTime(e) => write!(f, "WAITFOR TIME {e}"),
            StmtKind::Use(d) => write!(f, "USE {d}"),
            StmtKind::Exec(e) => write!(f, "EXEC {e}"),
            StmtKind::ExecSql(e) => write!(f, "EXEC ({e})"),
            StmtKind::ExecuteAs(e) => write!(f, "EXECUTE AS {}", ExecAsStmt(e)),
            StmtKind::Revert => f.write_str("REVERT"),
            StmtKind::Reconfigure => f.write_str("RECONFIGURE"),
            StmtKind::Checkpoint => f.write_str("CHECKPOINT"),
            StmtKind::Dbcc { command, args } => {
                write!(f, "DBCC {command}")?;
                if !args.is_empty() {
                    write!(f, " ({})", Commas(args))?;
                }
                Ok(())
            }
            StmtKind::EnableTrigger {
                enable,
                names,
                table,
            } => {
                write!(f, "{} TRIGGER ", if *enable { "ENABLE" } else { "DISABLE" })?;
                if names.is_empty() {
                    f.write_str("ALL")?;
                } else {
                    write!(f, "{}", Commas(names))?;
                }
                match table {
                    Some(t) => write!(f, " ON {t}"),
                    None => f.write_str(" ON DATABASE"),
                }
            }
            StmtKind::OpenCursor(c) => write!(f, "OPEN {c}"),
            StmtKind::Fetch(x) => {
                f.write_str("FETCH ")?;
                match &x.direction {
                    None => {}
                    Some(FetchDirection::Next) => f.write_str("NEXT FROM ")?,
                    Some(FetchDirection::Prior) => f.write_str("PRIOR FROM ")?,
                    Some(FetchDirection::First) => f.write_str("FIRST FROM ")?,
                    Some(FetchDirection::Last) => f.write_str("LAST FROM ")?,
                    Some(FetchDirection::Absolute(e)) => write!(f, "ABSOLUTE {e} FROM ")?,
                    Some(FetchDirection::Relative(e)) => write!(f, "RELATIVE {e} FROM ")?,
                }
                write!(f, "{}", x.cursor)?;
                if !x.into.is_empty() {
                    write!(f, " INTO {}", x.into.join(", "))?;
                }
                Ok(())
            }
            StmtKind::CloseCursor(c) => write!(f, "CLOSE {c}"),
            StmtKind::Deallocate(c) => write!(f, "DEALLOCATE {c}"),
            StmtKind::BeginTransaction(n) => {
                f.write_str("BEGIN TRANSACTION")?;
                write_opt_name(f, n)
            }
            StmtKind::Commit(n) => {
                f.write_str("COMMIT TRANSACTION")?;
                write_opt_name(f, n)
            }
            StmtKind::Rollback(n) => {
                f.write_str("ROLLBACK TRANSACTION")?;
                write_opt_name(f, n)
            }
            StmtKind::SaveTransaction(n) => write!(f, "SAVE TRANSACTION {n}"),
            StmtKind::CreateProcedure(p) => {
                write!(f, "{} PROCEDURE {}", mode(p.mode), p.name)?;
                if !p.params.is_empty() {
                    write!(f, " {}", Commas(&p.params))?;
                }
                write_module_options(f, &p.options)?;
                if let Some(ext) = &p.external_name {
                    return write!(f, " AS EXTERNAL NAME {ext}");
                }
                f.write_str(" AS\n")?;
                write_stmts(f, &p.body)
            }
            StmtKind::AlterAssembly { name } => write!(f, "ALTER ASSEMBLY {name}"),
            StmtKind::CreateAssembly {
                name,
                authorization,
                from,
                permission_set,
            } => {
                write!(f, "CREATE ASSEMBLY {name}")?;
                if let Some(a) = authorization {
                    write!(f, " AUTHORIZATION {a}")?;
                }
                write!(f, " FROM {}", Commas(from))?;
                if let Some(p) = permission_set {
                    write!(f, " WITH PERMISSION_SET = {p}")?;
                }
                Ok(())
            }
            StmtKind::CreateFunction(x) => {
                write!(
                    f,
                    "{} FUNCTION {}({}) RETURNS ",
                    mode(x.mode),
                    x.name,
                    Commas(&x.params)
                )?;
                match &x.returns {
                    FunctionReturns::Scalar(t) => write!(f, "{t}")?,
                    FunctionReturns::Table => f.write_str("TABLE")?,
                    FunctionReturns::TableVariable(t) => {
                        write!(f, "{} TABLE ", t.name)?;
                        write_elements(f, &t.columns, &t.constraints)?;
                    }
                }
                write_module_options(f, &x.options)?;
                f.write_str(" AS\n")?;
                match &x.returns {
                    FunctionReturns::Table => {
                        for s in &x.body {
                            write!(f, "{s}")?;
                        }
                        Ok(())
                    }
                    FunctionReturns::Scalar(_) | FunctionReturns::TableVariable(_) => {
                        f.write_str("BEGIN\n")?;
                        write_stmts(f, &x.body)?;
                        f.write_str("END")
                    }
                }
            }
            StmtKind::CreateTrigger(t) => {
                write!(f, "{} TRIGGER {} ON ", mode(t.mode), t.name)?;
                match &t.target {
                    TriggerTarget::Table(n) => write!(f, "{n}")?,
                    TriggerTarget::Database => f.write_str("DATABASE")?,
                    TriggerTarget::AllServer => f.write_str("ALL SERVER")?,
                }
                write_module_options(f, &t.options)?;
                let timing = match t.timing {
                    TriggerTiming::After => "AFTER",
                    TriggerTiming::For => "FOR",
                    TriggerTiming::InsteadOf => "INSTEAD OF",
                };
                writeln!(f, " {timing} {} AS", t.events.join(", "))?;
                write_stmts(f, &t.body)
            }
            StmtKind::CreateView(v) => {
                write!(f, "{} VIEW {}", mode(v.mode), v.name)?;
                if !v.columns.is_empty() {
                    write!(f, " ({})", Commas(&v.columns))?;
                }
                if !v.options.is_empty() {
                    write!(f, " WITH {}", Commas(&v.options))?;
                }
                write!(f, " AS {}", v.query)
            }
            StmtKind::CreateTable(t) => {
                write!(f, "CREATE TABLE {} ", t.name)?;
                write_elements(f, &t.columns, &t.constraints)?;
                if let Some(fg) = &t.filegroup {
                    write!(f, " ON {fg}")?;
                }
                if let Some(fg) = &t.textimage_on {
                    write!(f, " TEXTIMAGE_ON {fg}")?;
                }
                Ok(())
            }
            StmtKind::CreateType(t) => {
                write!(f, "CREATE TYPE {}", t.name)?;
                if let Some((dt, nullable)) = &t.base {
                    write!(f, " FROM {dt}")?;
                    match nullable {
                        Some(true) => f.write_str(" NULL")?,
                        Some(false) => f.write_str(" NOT NULL")?,
                        None => {}
                    }
                }
                if let Some((cols, cons)) = &t.table {
                    f.write_str(" AS TABLE ")?;
                    write_elements(f, cols, cons)?;
                }
                Ok(())
            }
            StmtKind::AlterTable(t) => {
                write!(f, "ALTER TABLE {} ", t.name)?;
                match t.with_check {
                    Some(true) => f.write_str("WITH CHECK ")?,
                    Some(false) => f.write_str("WITH NOCHECK ")?,
                    None => {}
                }
                let all_or = |names: &Vec<Ident>| {
                    if names.is_empty() {
                        "ALL".to_string()
                    } else {
                        Commas(names).to_string()
                    }
                };
                match &t.action {
                    AlterTableAction::CheckConstraints { check, names } => write!(
                        f,
                        "{} CONSTRAINT {}",
                        if *check { "CHECK" } else { "NOCHECK" },
                        all_or(names)
                    ),
                    AlterTableAction::Triggers { enable, names } => write!(
                        f,
                        "{} TRIGGER {}",
                        if *enable { "ENABLE" } else { "DISABLE" },
                        all_or(names)
                    ),
                    AlterTableAction::SetOptions(o) => write!(f, "SET ({})", Commas(o)),
                    AlterTableAction::Add {
                        columns,
                        constraints,
                    } => {
                        f.write_str("ADD ")?;
                        write!(f, "{}", Commas(columns))?;
                        if !columns.is_empty() && !constraints.is_empty() {
                            f.write_str(", ")?;
                        }
                        write!(f, "{}", Commas(constraints))
                    }
                    AlterTableAction::DropColumns(c) => write!(f, "DROP COLUMN {}", Commas(c)),
                    AlterTableAction::DropConstraints(c) => {
                        write!(f, "DROP CONSTRAINT {}", Commas(c))
                    }
                    AlterTableAction::AlterColumn {
                        name,
                        data_type,
                        nullable,
                    } => {
                        write!(f, "ALTER COLUMN {name} {data_type}")?;
                        match nullable {
                            Some(true) => f.write_str(" NULL"),
                            Some(false) => f.write_str(" NOT NULL"),
                            None => Ok(()),
                        }
                    }
                }
            }
            StmtKind::CreateIndex(i) => {
                f.write_str("CREATE ")?;
                if i.unique {
                    f.write_str("UNIQUE ")?;
                }
                match i.clustered {
                    Some(true) => f.write_str("CLUSTERED ")?,
                    Some(false) => f.write_str("NONCLUSTERED ")?,
                    None => {}
                }
                write!(
                    f,
                    "INDEX {} ON {} ({})",
                    i.name,
                    i.table,
                    Commas(&i.columns)
                )?;
                if !i.include.is_empty() {
                    write!(f, " INCLUDE ({})", Commas(&i.include))?;
                }
                if let Some(w) = &i.filter {
                    write!(f, " WHERE {w}")?;
                }
                if !i.options.is_empty() {
                    write!(f, " WITH ({})", Commas(&i.options))?;
                }
                if let Some(fg) = &i.filegroup {
                    write!(f, " ON {fg}")?;
                }
                Ok(())
            }
            StmtKind::Drop(d) => {
                write!(f, "DROP {}", d.kind)?;
                if d.if_exists {
                    f.write_str(" IF EXISTS")?;
                }
                write!(f, " {}", Commas(&d.names))?;
                if let Some(on) = &d.on {
                    write!(f, " ON {on}")?;
                }
                Ok(())
            }
            StmtKind::CreateSchema {
                name,
                authorization,
            } => {
                write!(f, "CREATE SCHEMA {name}")?;
                if let Some(a) = authorization {
                    write!(f, " AUTHORIZATION {a}")?;
                }
                Ok(())
            }
            StmtKind::CreateDatabase {
                name,
                for_attach,
                options,
            } => {
                write!(f, "CREATE DATABASE {name}")?;
                if *for_attach {
                    f.write_str(" FOR ATTACH")?;
                }
                if !options.is_empty() {
                    write!(f, " WITH {}", Commas(options))?;
                }
                Ok(())
            }
            StmtKind::AlterDatabase(a) => {
                f.write_str("ALTER DATABASE ")?;
                match &a.database {
                    DatabaseRef::Name(n) => write!(f, "{n}")?,
                    DatabaseRef::Current => f.write_str("CURRENT")?,
                }
                write!(f, " SET {}", Commas(&a.options))?;
                match &a.termination {
                    None => Ok(()),
                    Some(Termination::RollbackImmediate) => f.write_str(" WITH ROLLBACK IMMEDIATE"),
                    Some(Termination::RollbackAfter(n)) => {
                        write!(f, " WITH ROLLBACK AFTER {n} SECONDS")
                    }
                    Some(Termination::NoWait) => f.write_str(" WITH NO_WAIT"),
                }
            }
            StmtKind::TruncateTable(n) => write!(f, "TRUNCATE TABLE {n}"),
            other => super::broker::fmt_broker(other, f),
        }
    }
}
