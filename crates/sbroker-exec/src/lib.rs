//! The T-SQL interpreter of sbroker: runs parsed batches against the engine.
//!
//! An [`Executor`] owns one engine [`Session`] (current database, open transaction,
//! @@TRANCOUNT) plus the T-SQL state around it: variables, @@ROWCOUNT/@@ERROR, the error
//! being handled by a CATCH block, session options, #temp tables. Results stream to a
//! [`ResultSink`] (table printer, JSON printer, TDS encoder).
//!
//! Error semantics follow the CLI contract (DESIGN §2): an error that no TRY/CATCH handles
//! ends its batch; the next batch runs. The open transaction survives the error unless
//! XACT_ABORT is on.

pub mod activation;
mod alter_table;
mod broker_stmt;
mod expr;
mod format;
mod json;
mod merge;
mod modules;
mod query;
mod security_stmt;
mod stmt;
mod sysviews;
mod sysviews_network;
mod sysviews_security;
pub mod tables;
mod xpath;

use std::collections::HashMap;
use std::sync::Arc;

use sbroker_engine::{Instance, Session};
use sbroker_tsql::ast;
pub use sbroker_types::{ServerError, SqlType, Value};

use crate::tables::MemTable;

/// The SQL Server version whose T-SQL surface sbroker follows, as SERVERPROPERTY
/// ('ProductVersion') and the TDS login acknowledgement report it.
pub const PRODUCT_VERSION: &str = "16.0.1000.0";

/// A result-set column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Column name (may be empty for unnamed expressions).
    pub name: String,
    /// SQL type.
    pub ty: SqlType,
}

/// Where results go.
pub trait ResultSink {
    /// A result set.
    fn result_set(&mut self, columns: &[Column], rows: &[Vec<Value>]);
    /// An informational message (PRINT, RAISERROR with severity ≤ 10).
    fn message(&mut self, number: i32, severity: u8, text: &str);
    /// An error the batch did not handle.
    fn error(&mut self, err: &ServerError);
    /// Rows affected by a statement (omitted under SET NOCOUNT ON).
    fn rows_affected(&mut self, _rows: u64) {}
}

/// Collects everything (tests, embedding).
#[derive(Debug, Default, Clone)]
pub struct CollectSink {
    /// Result sets.
    pub result_sets: Vec<(Vec<Column>, Vec<Vec<Value>>)>,
    /// Messages (number, text).
    pub messages: Vec<(i32, String)>,
    /// Errors.
    pub errors: Vec<ServerError>,
}

impl ResultSink for CollectSink {
    fn result_set(&mut self, columns: &[Column], rows: &[Vec<Value>]) {
        self.result_sets.push((columns.to_vec(), rows.to_vec()));
    }
    fn message(&mut self, number: i32, _severity: u8, text: &str) {
        self.messages.push((number, text.to_string()));
    }
    fn error(&mut self, err: &ServerError) {
        self.errors.push(err.clone());
    }
}

/// A parsed procedure with the stored bytes it was parsed from.
pub(crate) type CachedProc = (Arc<Vec<u8>>, Arc<ast::CreateProcedure>);

/// #temp tables by lowercased name.
pub(crate) type TempTables = HashMap<String, MemTable>;

/// A variable.
#[derive(Debug, Clone)]
pub(crate) enum Var {
    Scalar { ty: SqlType, value: Value },
    Table(MemTable),
}

/// A variable scope: a batch, a procedure call or a dynamic SQL batch.
#[derive(Debug, Default)]
pub(crate) struct Frame {
    pub(crate) vars: HashMap<String, Var>,
    /// The DECLARE that created each variable (AST node address): running the same DECLARE
    /// again (in a loop) is not a redeclaration and does not reset the value.
    pub(crate) declared_by: HashMap<String, usize>,
    /// Procedure name, for error reporting.
    pub(crate) procedure: Option<String>,
    /// Table-valued parameters (READONLY) of this frame, lowercase.
    pub(crate) readonly_tables: std::collections::HashSet<String>,
}

/// Control flow out of a statement.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Flow {
    Next,
    Break,
    Continue,
    Return(Option<Value>),
}

/// Outcome of one batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BatchOutcome {
    /// An error was reported that no TRY/CATCH handled.
    pub failed: bool,
}

/// Limit on nested procedure calls and dynamic SQL, as SQL Server's 32 levels.
pub(crate) const NESTING_MAX: u32 = 32;

/// The interpreter state of one connection.
pub struct Executor {
    pub(crate) session: Session,
    pub(crate) frames: Vec<Frame>,
    pub(crate) rowcount: i64,
    pub(crate) last_error: i32,
    /// Errors being handled by enclosing CATCH blocks (innermost last).
    pub(crate) caught: Vec<ServerError>,
    pub(crate) nocount: bool,
    pub(crate) xact_abort: bool,
    pub(crate) temp_tables: HashMap<String, MemTable>,
    /// Copies of `temp_tables` taken at the outermost BEGIN TRANSACTION (name `None`) and at
    /// each SAVE TRANSACTION, so #temp tables roll back with the transaction as in SQL Server.
    pub(crate) temp_snapshots: Vec<(Option<String>, TempTables)>,
    pub(crate) last_identity: Option<i64>,
    pub(crate) proc_cache: HashMap<(i32, String), CachedProc>,
    pub(crate) depth: u32,
    /// Text of the batch being run (the source kept for CREATE PROCEDURE, so line numbers in
    /// a procedure's errors count from the start of its batch, as in SQL Server).
    pub(crate) batch_text: Arc<str>,
    /// The line of the statement being executed (for errors).
    pub(crate) line: u32,
    /// CTEs visible to the query being run.
    pub(crate) ctes: Vec<(String, query::Relation)>,
    /// While the FROM clause of an UPDATE / DELETE is evaluated: the name the target is
    /// written with, the table it is, and whether a FROM source matched it (that source
    /// then carries the row ids, see `query::ROWID`).
    pub(crate) dml_rowid: Option<query::DmlRowid>,
    /// The table with SET IDENTITY_INSERT ON (its `TableRef::identity`), if any.
    pub(crate) identity_insert: Option<String>,
    /// SET CONTEXT_INFO.
    pub(crate) context_info: Option<Vec<u8>>,
    /// sp_set_session_context: key → (value, read-only).
    pub(crate) session_context: HashMap<String, (Value, bool)>,
    /// WITH XMLNAMESPACES declarations in effect: (prefix or None for DEFAULT, uri).
    pub(crate) xml_namespaces: Vec<(Option<String>, String)>,
    /// Cursors by name.
    pub(crate) cursors: HashMap<String, Cursor>,
    /// @@FETCH_STATUS.
    pub(crate) fetch_status: i32,
    /// `inserted` / `deleted` of the triggers being run (innermost last).
    pub(crate) trigger_tables: Vec<modules::TriggerTables>,
    /// EXECUTE AS context stack: (principal id, name), innermost last; empty = dbo.
    pub(crate) users: Vec<(i32, String)>,
}

/// A cursor: its query and, once opened, its rows.
#[derive(Debug, Clone)]
pub(crate) struct Cursor {
    pub(crate) query: Box<ast::Query>,
    pub(crate) rows: Option<Vec<Vec<Value>>>,
    pub(crate) pos: usize,
}

/// Error 2714 for an object that already exists.
pub(crate) fn sbroker_engine_exists(name: &str) -> ServerError {
    ServerError::new(
        2714,
        format!("There is already an object named '{name}' in the database."),
    )
}

impl Executor {
    /// A new executor with its own session on `instance`.
    pub fn new(instance: &Instance) -> Self {
        Self::with_session(instance.session())
    }

    /// An executor over an existing session.
    pub fn with_session(session: Session) -> Self {
        Self {
            session,
            frames: vec![Frame::default()],
            rowcount: 0,
            last_error: 0,
            caught: Vec::new(),
            nocount: false,
            xact_abort: false,
            temp_tables: HashMap::new(),
            temp_snapshots: Vec::new(),
            last_identity: None,
            proc_cache: HashMap::new(),
            depth: 0,
            batch_text: Arc::from(""),
            line: 1,
            ctes: Vec::new(),
            dml_rowid: None,
            identity_insert: None,
            context_info: None,
            session_context: HashMap::new(),
            xml_namespaces: Vec::new(),
            cursors: HashMap::new(),
            fetch_status: -1,
            trigger_tables: Vec::new(),
            users: Vec::new(),
        }
    }

    /// The database user the session runs as (EXECUTE AS / activation), dbo by default.
    pub fn current_user(&self) -> (i32, String) {
        self.users
            .last()
            .cloned()
            .unwrap_or_else(|| (1, "dbo".to_string()))
    }

    /// Switches the execution context to the database user `principal_id` of the current
    /// database (what `EXECUTE AS USER` does); [`Executor::revert`] undoes it. A missing
    /// principal, or a role, gives error 15517.
    pub fn impersonate(&mut self, principal_id: i32) -> Result<(), ServerError> {
        let db = self.session.database_id();
        let found = self.session.with_state(|st| {
            st.db(db).and_then(|d| {
                d.principals
                    .get(&principal_id)
                    .filter(|p| p.kind != "R")
                    .map(|p| p.name.clone())
            })
        });
        let name = found.ok_or_else(|| cannot_impersonate(&principal_id.to_string()))?;
        self.users.push((principal_id, name));
        Ok(())
    }

    /// Ends the innermost EXECUTE AS context (REVERT); without one it does nothing.
    pub fn revert(&mut self) {
        self.users.pop();
    }

    /// The engine session.
    pub fn session(&mut self) -> &mut Session {
        &mut self.session
    }

    /// Parses and runs one batch (the text between `GO` lines).
    pub fn execute_batch(&mut self, sql: &str, sink: &mut dyn ResultSink) -> BatchOutcome {
        let stmts = match sbroker_tsql::parse_batch(sql) {
            Ok(s) => s,
            Err(e) => {
                // Compile errors (102, 156, …) have severity 15 in SQL Server.
                let err = ServerError::new(e.number, e.message.clone())
                    .at_line(e.line)
                    .with_severity(15)
                    .with_state(1);
                sink.error(&err);
                return BatchOutcome { failed: true };
            }
        };
        self.frames = vec![Frame::default()];
        self.batch_text = Arc::from(sql);
        BatchOutcome {
            failed: self.run_top_level(&stmts, sink),
        }
    }

    /// Runs the statements of a batch or RPC call (the top frame is set up); an error no
    /// TRY/CATCH handled goes to the sink with its line. Returns true if there was one.
    fn run_top_level(&mut self, stmts: &[ast::Stmt], sink: &mut dyn ResultSink) -> bool {
        self.caught.clear();
        self.depth = 0;
        match self.exec_block(stmts, sink) {
            Ok(_) => false,
            Err(e) => {
                let e = if e.line.is_none() {
                    e.at_line(self.line)
                } else {
                    e
                };
                self.last_error = e.number;
                sink.error(&e);
                true
            }
        }
    }

    /// Runs a whole script: splits it on `GO` lines and runs every batch (`GO n` repeats).
    /// Error lines are relative to their batch, as sqlcmd reports them. Returns true if any
    /// batch failed.
    pub fn execute_script(&mut self, script: &str, sink: &mut dyn ResultSink) -> bool {
        let mut failed = false;
        for batch in sbroker_tsql::split_batches(script) {
            for _ in 0..batch.count.max(1) {
                if self.execute_batch(&batch.text, sink).failed {
                    failed = true;
                }
            }
        }
        failed
    }
}

/// An argument of a remote procedure call (a TDS RPC request).
#[derive(Debug, Clone, PartialEq)]
pub struct RpcArg {
    /// Parameter name with its `@`; `None` passes the argument by position.
    pub name: Option<String>,
    /// The type the client declared.
    pub ty: SqlType,
    /// The value.
    pub value: Value,
    /// Passed as OUTPUT: its value after the call is returned.
    pub output: bool,
}

/// Outcome of a remote procedure call.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RpcOutcome {
    /// An error was reported that no TRY/CATCH handled.
    pub failed: bool,
    /// The procedure's return status (absent when the call failed before it ran).
    pub status: Option<i32>,
    /// OUTPUT arguments after the call: (position in the argument list, name, type, value).
    pub outputs: Vec<(usize, String, SqlType, Value)>,
}

impl Executor {
    /// Runs a remote procedure call: `procedure` (a system procedure such as
    /// `sp_executesql`, or a user procedure, optionally schema-qualified) with typed
    /// arguments, as `EXEC @status = procedure @a = …, @b = … OUTPUT` would. Used by the
    /// TDS server for RPC requests; errors go to the sink as in a batch.
    pub fn execute_rpc(
        &mut self,
        procedure: &str,
        args: Vec<RpcArg>,
        sink: &mut dyn ResultSink,
    ) -> RpcOutcome {
        const STATUS_VAR: &str = "@__rpc_status";
        let mut frame = Frame::default();
        frame.vars.insert(
            STATUS_VAR.to_string(),
            Var::Scalar {
                ty: SqlType::Int,
                value: Value::Null,
            },
        );
        let mut exec_args = Vec::with_capacity(args.len());
        for (i, a) in args.iter().enumerate() {
            let var = format!("@__rpc_{i}");
            frame.vars.insert(
                var.clone(),
                Var::Scalar {
                    ty: a.ty,
                    value: a.value.clone(),
                },
            );
            exec_args.push(ast::ExecArg {
                name: a.name.clone().filter(|n| n.starts_with('@')),
                value: ast::Expr::Variable(var),
                output: a.output,
            });
        }
        let exec = ast::Exec {
            return_status: Some(STATUS_VAR.to_string()),
            procedure: ast::ProcRef::Name(ast::ObjectName {
                parts: procedure
                    .split('.')
                    .map(|p| ast::Ident::new(p.trim().trim_matches(['[', ']'])))
                    .collect(),
            }),
            args: exec_args,
            recompile: false,
        };
        let stmt = ast::Stmt {
            kind: ast::StmtKind::Exec(Box::new(exec)),
            line: 1,
        };
        self.frames = vec![frame];
        self.line = 1;
        self.batch_text = Arc::from(format!("EXEC {procedure}"));
        let failed = self.run_top_level(std::slice::from_ref(&stmt), sink);
        let var = |name: &str| match self.frames.first().and_then(|f| f.vars.get(name)) {
            Some(Var::Scalar { value, .. }) => Some(value.clone()),
            _ => None,
        };
        let status = match var(STATUS_VAR) {
            Some(Value::Int(s)) => Some(s),
            _ => None,
        };
        let outputs = args
            .iter()
            .enumerate()
            .filter(|(_, a)| a.output)
            .map(|(i, a)| {
                let v = var(&format!("@__rpc_{i}")).unwrap_or(Value::Null);
                (i, a.name.clone().unwrap_or_default(), a.ty, v)
            })
            .collect();
        RpcOutcome {
            failed,
            status,
            outputs,
        }
    }
}

/// Error 15517: an EXECUTE AS target that does not exist or cannot be impersonated.
pub(crate) fn cannot_impersonate(name: &str) -> ServerError {
    ServerError::new(
        15517,
        format!(
            "Cannot execute as the database principal because the principal \"{name}\" does not exist, this type of principal cannot be impersonated, or you do not have permission."
        ),
    )
}
