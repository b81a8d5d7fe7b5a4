//! Payloads of control-flow, variable, cursor, EXEC and general DDL statements
//! (procedures, functions, triggers, views, tables, indexes, DROP, ALTER DATABASE).

use super::expr::Expr;
use super::query::Query;
use super::{DataType, GenericOption, Ident, ObjectName, OptionValue, Stmt};

/// `@name type [= expr]` in `DECLARE`.
#[derive(Debug, Clone, PartialEq)]
pub struct VarDecl {
    /// Variable name including `@`.
    pub name: String,
    /// Declared type.
    pub data_type: DataType,
    /// Initial value.
    pub init: Option<Expr>,
}

/// `DECLARE @t TABLE ( element, … )`.
#[derive(Debug, Clone, PartialEq)]
pub struct DeclareTable {
    /// Variable name including `@`.
    pub name: String,
    /// Columns.
    pub columns: Vec<ColumnDef>,
    /// Table-level constraints.
    pub constraints: Vec<TableConstraint>,
}

/// Cursor options of `DECLARE c CURSOR …`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CursorOption {
    /// `LOCAL`
    Local,
    /// `GLOBAL`
    Global,
    /// `FORWARD_ONLY`
    ForwardOnly,
    /// `SCROLL`
    Scroll,
    /// `STATIC`
    Static,
    /// `KEYSET`
    Keyset,
    /// `DYNAMIC`
    Dynamic,
    /// `FAST_FORWARD`
    FastForward,
    /// `READ_ONLY`
    ReadOnly,
    /// `SCROLL_LOCKS`
    ScrollLocks,
    /// `OPTIMISTIC`
    Optimistic,
    /// `TYPE_WARNING`
    TypeWarning,
}

/// `DECLARE name CURSOR [option …] FOR query [FOR UPDATE [OF col, …]]`.
#[derive(Debug, Clone, PartialEq)]
pub struct DeclareCursor {
    /// Cursor name.
    pub name: Ident,
    /// Options in source order.
    pub options: Vec<CursorOption>,
    /// The cursor query.
    pub query: Box<Query>,
    /// `FOR UPDATE [OF cols]`: `Some(vec![])` for plain `FOR UPDATE`.
    pub for_update: Option<Vec<Ident>>,
}

/// A cursor reference: `name | @cursor_variable`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CursorRef {
    /// A named cursor.
    Name(Ident),
    /// A cursor variable (including `@`).
    Variable(String),
}

/// `FETCH` direction.
#[derive(Debug, Clone, PartialEq)]
pub enum FetchDirection {
    /// `NEXT` (also the default when omitted).
    Next,
    /// `PRIOR`
    Prior,
    /// `FIRST`
    First,
    /// `LAST`
    Last,
    /// `ABSOLUTE n`
    Absolute(Expr),
    /// `RELATIVE n`
    Relative(Expr),
}

/// `FETCH [direction FROM] cursor [INTO @v, …]`. A `FETCH c` without direction is
/// stored with `direction = None`.
#[derive(Debug, Clone, PartialEq)]
pub struct Fetch {
    /// Direction, if written.
    pub direction: Option<FetchDirection>,
    /// Cursor.
    pub cursor: CursorRef,
    /// `INTO` variables (including `@`).
    pub into: Vec<String>,
}

/// `RAISERROR ( msg, severity, state [, arg …] ) [WITH option, …]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Raiserror {
    /// Message id, text or variable.
    pub message: Expr,
    /// Severity.
    pub severity: Expr,
    /// State.
    pub state: Expr,
    /// Substitution arguments.
    pub args: Vec<Expr>,
    /// `WITH` options (`NOWAIT`, `LOG`, `SETERROR`), upper-cased.
    pub options: Vec<String>,
}

/// `THROW number, message, state`.
#[derive(Debug, Clone, PartialEq)]
pub struct Throw {
    /// Error number.
    pub number: Expr,
    /// Message.
    pub message: Expr,
    /// State.
    pub state: Expr,
}

/// The procedure invoked by `EXEC`.
#[derive(Debug, Clone, PartialEq)]
pub enum ProcRef {
    /// A (possibly multi-part) procedure name.
    Name(ObjectName),
    /// A variable holding the procedure name (including `@`).
    Variable(String),
}

/// One `EXEC` argument: `[@param =] { expr | DEFAULT } [OUTPUT | OUT]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ExecArg {
    /// Parameter name including `@`, for named arguments.
    pub name: Option<String>,
    /// The value (a bare word such as `sp_help tablename` is a column-reference
    /// expression; `DEFAULT` is [`Expr::Default`]).
    pub value: Expr,
    /// `OUTPUT` / `OUT` given.
    pub output: bool,
}

/// `EXEC[UTE] [@return_status =] proc [arg [, …]] [WITH RECOMPILE]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Exec {
    /// Variable receiving the return status (including `@`).
    pub return_status: Option<String>,
    /// The procedure.
    pub procedure: ProcRef,
    /// Arguments.
    pub args: Vec<ExecArg>,
    /// `WITH RECOMPILE`.
    pub recompile: bool,
}

/// An `EXECUTE AS` context: `CALLER | SELF | OWNER | USER = 'name' | LOGIN = 'name' | 'name'`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExecuteAs {
    /// `CALLER`
    Caller,
    /// `SELF`
    SelfPrincipal,
    /// `OWNER`
    Owner,
    /// `USER = 'name'` (statement form) or `'name'` (module / activation clause form).
    User(String),
    /// `LOGIN = 'name'`.
    Login(String),
}

/// Whether a module statement was `CREATE`, `ALTER` or `CREATE OR ALTER`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateMode {
    /// `CREATE`
    Create,
    /// `ALTER`
    Alter,
    /// `CREATE OR ALTER`
    CreateOrAlter,
}

/// A procedure or function parameter:
/// `@name [AS] type [= default] [OUTPUT | OUT] [READONLY]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcParam {
    /// Name including `@`.
    pub name: String,
    /// Type.
    pub data_type: DataType,
    /// Default value.
    pub default: Option<Expr>,
    /// `OUTPUT` / `OUT`.
    pub output: bool,
    /// `READONLY`.
    pub readonly: bool,
}

/// A module option in `WITH …` of procedures, functions and triggers.
#[derive(Debug, Clone, PartialEq)]
pub enum ModuleOption {
    /// `EXECUTE AS …`.
    ExecuteAs(ExecuteAs),
    /// Any other option word (`RECOMPILE`, `ENCRYPTION`, `SCHEMABINDING`,
    /// `NATIVE_COMPILATION`, `RETURNS NULL ON NULL INPUT` is not supported).
    Other(Ident),
}

/// `{CREATE [OR ALTER] | ALTER} PROC[EDURE] name [(] param, … [)] [WITH option, …]
/// AS statement…` — the body is every remaining statement of the batch.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateProcedure {
    /// CREATE / ALTER.
    pub mode: CreateMode,
    /// Procedure name.
    pub name: ObjectName,
    /// Parameters.
    pub params: Vec<ProcParam>,
    /// `WITH` options.
    pub options: Vec<ModuleOption>,
    /// Body statements.
    pub body: Vec<Stmt>,
    /// `AS EXTERNAL NAME assembly.class.method` (a CLR procedure; the body is empty).
    pub external_name: Option<ObjectName>,
}

/// What a function returns.
#[derive(Debug, Clone, PartialEq)]
pub enum FunctionReturns {
    /// A scalar type: `RETURNS type … AS BEGIN … END`.
    Scalar(DataType),
    /// An inline table-valued function: `RETURNS TABLE … AS RETURN …`.
    Table,
    /// A multi-statement table-valued function: `RETURNS @t TABLE ( … ) AS BEGIN … END`.
    TableVariable(Box<DeclareTable>),
}

/// `{CREATE [OR ALTER] | ALTER} FUNCTION name ( [param, …] ) RETURNS { type | TABLE }
/// [WITH option, …] [AS] { BEGIN statement… END | RETURN … }`.
///
/// For scalar functions `body` holds the statements inside `BEGIN … END`; for
/// inline table-valued functions it holds the single `RETURN` statement.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateFunction {
    /// CREATE / ALTER.
    pub mode: CreateMode,
    /// Function name.
    pub name: ObjectName,
    /// Parameters.
    pub params: Vec<ProcParam>,
    /// Return kind.
    pub returns: FunctionReturns,
    /// `WITH` options.
    pub options: Vec<ModuleOption>,
    /// Body.
    pub body: Vec<Stmt>,
}

/// Trigger firing time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TriggerTiming {
    /// `AFTER`
    After,
    /// `FOR` (same as AFTER)
    For,
    /// `INSTEAD OF`
    InsteadOf,
}

/// What a trigger is attached to.
#[derive(Debug, Clone, PartialEq)]
pub enum TriggerTarget {
    /// `ON table_or_view`.
    Table(ObjectName),
    /// `ON DATABASE` (DDL trigger).
    Database,
    /// `ON ALL SERVER` (DDL trigger).
    AllServer,
}

/// `{CREATE [OR ALTER] | ALTER} TRIGGER name ON target [WITH option, …]
/// {AFTER | FOR | INSTEAD OF} event, … AS statement…`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateTrigger {
    /// CREATE / ALTER.
    pub mode: CreateMode,
    /// Trigger name.
    pub name: ObjectName,
    /// Target.
    pub target: TriggerTarget,
    /// `WITH` options.
    pub options: Vec<ModuleOption>,
    /// Timing.
    pub timing: TriggerTiming,
    /// Events (`INSERT`, `UPDATE`, `DELETE`, or DDL event names), upper-cased.
    pub events: Vec<String>,
    /// Body (rest of the batch).
    pub body: Vec<Stmt>,
}

/// `{CREATE [OR ALTER] | ALTER} VIEW name [( col, … )] [WITH option, …] AS query`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateView {
    /// CREATE / ALTER.
    pub mode: CreateMode,
    /// View name.
    pub name: ObjectName,
    /// Column names.
    pub columns: Vec<Ident>,
    /// `WITH` options (e.g. `SCHEMABINDING`).
    pub options: Vec<Ident>,
    /// The query.
    pub query: Box<Query>,
}

/// A column definition:
/// `name { type [COLLATE c] | AS expr [PERSISTED] } [column_constraint …]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnDef {
    /// Column name.
    pub name: Ident,
    /// Type (`None` for computed columns).
    pub data_type: Option<DataType>,
    /// Computed column expression.
    pub computed: Option<Expr>,
    /// `PERSISTED` (computed columns).
    pub persisted: bool,
    /// `COLLATE`.
    pub collation: Option<Ident>,
    /// Constraints in source order.
    pub constraints: Vec<ColumnConstraint>,
}

/// A column constraint: `[CONSTRAINT name] kind`.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnConstraint {
    /// Constraint name.
    pub name: Option<Ident>,
    /// The constraint.
    pub kind: ColumnConstraintKind,
}

/// Referential actions for `ON DELETE` / `ON UPDATE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferentialAction {
    /// `NO ACTION`
    NoAction,
    /// `CASCADE`
    Cascade,
    /// `SET NULL`
    SetNull,
    /// `SET DEFAULT`
    SetDefault,
}

/// `REFERENCES table [( col, … )] [ON DELETE action] [ON UPDATE action]`.
#[derive(Debug, Clone, PartialEq)]
pub struct References {
    /// Referenced table.
    pub table: ObjectName,
    /// Referenced columns.
    pub columns: Vec<Ident>,
    /// `ON DELETE`.
    pub on_delete: Option<ReferentialAction>,
    /// `ON UPDATE`.
    pub on_update: Option<ReferentialAction>,
}

/// Column constraint kinds.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnConstraintKind {
    /// `NULL`
    Null,
    /// `NOT NULL`
    NotNull,
    /// `IDENTITY [( seed, increment )]`
    Identity(Option<(i64, i64)>),
    /// `PRIMARY KEY [CLUSTERED | NONCLUSTERED]` (`Some(true)` = CLUSTERED).
    PrimaryKey(Option<bool>),
    /// `UNIQUE [CLUSTERED | NONCLUSTERED]`.
    Unique(Option<bool>),
    /// `DEFAULT expr`.
    Default(Expr),
    /// `CHECK ( expr )`.
    Check(Expr),
    /// `[FOREIGN KEY] REFERENCES …`.
    References(References),
    /// `ROWGUIDCOL`.
    RowGuidCol,
}

/// An index / key column: `name [ASC | DESC]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexColumn {
    /// Column name.
    pub name: Ident,
    /// `DESC`.
    pub desc: bool,
}

/// A table constraint: `[CONSTRAINT name] kind`.
#[derive(Debug, Clone, PartialEq)]
pub struct TableConstraint {
    /// Constraint name.
    pub name: Option<Ident>,
    /// The constraint.
    pub kind: TableConstraintKind,
}

/// Table constraint kinds.
#[derive(Debug, Clone, PartialEq)]
pub enum TableConstraintKind {
    /// `PRIMARY KEY [CLUSTERED | NONCLUSTERED] ( col [ASC|DESC], … )`.
    PrimaryKey {
        /// `Some(true)` = CLUSTERED.
        clustered: Option<bool>,
        /// Key columns.
        columns: Vec<IndexColumn>,
    },
    /// `UNIQUE [CLUSTERED | NONCLUSTERED] ( col, … )`.
    Unique {
        /// `Some(true)` = CLUSTERED.
        clustered: Option<bool>,
        /// Key columns.
        columns: Vec<IndexColumn>,
    },
    /// `FOREIGN KEY ( col, … ) REFERENCES …`.
    ForeignKey {
        /// Referencing columns.
        columns: Vec<Ident>,
        /// Reference.
        references: References,
    },
    /// `CHECK ( expr )`.
    Check(Expr),
    /// `DEFAULT expr FOR column` (ALTER TABLE … ADD CONSTRAINT).
    Default {
        /// The default value.
        value: Expr,
        /// The column it applies to.
        column: Ident,
    },
}

/// `CREATE TABLE name ( { column_def | table_constraint } , … ) [ON filegroup]`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateTable {
    /// Table name (`#temp` names allowed).
    pub name: ObjectName,
    /// Columns.
    pub columns: Vec<ColumnDef>,
    /// Table constraints.
    pub constraints: Vec<TableConstraint>,
    /// `ON filegroup`.
    pub filegroup: Option<Ident>,
    /// `TEXTIMAGE_ON filegroup` (where large values go; recorded, no effect).
    pub textimage_on: Option<Ident>,
}

/// `ALTER TABLE` actions.
#[derive(Debug, Clone, PartialEq)]
pub enum AlterTableAction {
    /// `ADD column_def | table_constraint [, …]`.
    Add {
        /// Added columns.
        columns: Vec<ColumnDef>,
        /// Added constraints.
        constraints: Vec<TableConstraint>,
    },
    /// `DROP COLUMN name [, …]`.
    DropColumns(Vec<Ident>),
    /// `DROP CONSTRAINT name [, …]`.
    DropConstraints(Vec<Ident>),
    /// `{CHECK | NOCHECK} CONSTRAINT {ALL | name [, …]}` (`names` empty = ALL).
    CheckConstraints {
        /// `CHECK` (true) or `NOCHECK`.
        check: bool,
        /// Constraint names; empty for `ALL`.
        names: Vec<Ident>,
    },
    /// `{ENABLE | DISABLE} TRIGGER {ALL | name [, …]}` (`names` empty = ALL).
    Triggers {
        /// `ENABLE` (true) or `DISABLE`.
        enable: bool,
        /// Trigger names; empty for `ALL`.
        names: Vec<Ident>,
    },
    /// `SET ( option = value [, …] )` (e.g. `LOCK_ESCALATION = TABLE`).
    SetOptions(Vec<super::GenericOption>),
    /// `ALTER COLUMN name type [NULL | NOT NULL]`.
    AlterColumn {
        /// Column.
        name: Ident,
        /// New type.
        data_type: DataType,
        /// `Some(true)` = NULL, `Some(false)` = NOT NULL.
        nullable: Option<bool>,
    },
}

/// `ALTER TABLE name action`.
#[derive(Debug, Clone, PartialEq)]
pub struct AlterTable {
    /// Table.
    pub name: ObjectName,
    /// `WITH CHECK` (true) / `WITH NOCHECK` (false) before ADD.
    pub with_check: Option<bool>,
    /// Action.
    pub action: AlterTableAction,
}

/// `CREATE [UNIQUE] [CLUSTERED | NONCLUSTERED] INDEX name ON table ( col [ASC|DESC], … )
/// [INCLUDE ( col, … )] [WHERE filter] [WITH ( option, … )] [ON filegroup]`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateIndex {
    /// `UNIQUE`.
    pub unique: bool,
    /// `Some(true)` = CLUSTERED, `Some(false)` = NONCLUSTERED.
    pub clustered: Option<bool>,
    /// Index name.
    pub name: Ident,
    /// Table.
    pub table: ObjectName,
    /// Key columns.
    pub columns: Vec<IndexColumn>,
    /// `INCLUDE` columns.
    pub include: Vec<Ident>,
    /// Filter predicate.
    pub filter: Option<Expr>,
    /// `WITH ( … )` options.
    pub options: Vec<GenericOption>,
    /// `ON filegroup`.
    pub filegroup: Option<Ident>,
}

/// Object kinds of the generic [`DropStmt`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropKind {
    /// `TABLE`
    Table,
    /// `PROC` / `PROCEDURE`
    Procedure,
    /// `FUNCTION`
    Function,
    /// `TRIGGER`
    Trigger,
    /// `VIEW`
    View,
    /// `SCHEMA`
    Schema,
    /// `DATABASE`
    Database,
    /// `LOGIN` (no IF EXISTS)
    Login,
    /// `USER`
    User,
    /// `ROLE`
    Role,
    /// `INDEX`
    Index,
    /// `TYPE`
    Type,
}

/// `DROP kind [IF EXISTS] name [, …] [ON table]` (`ON` only for `DROP INDEX ix ON t`
/// and `DROP TRIGGER t ON DATABASE`).
#[derive(Debug, Clone, PartialEq)]
pub struct DropStmt {
    /// Object kind.
    pub kind: DropKind,
    /// `IF EXISTS`.
    pub if_exists: bool,
    /// Names.
    pub names: Vec<ObjectName>,
    /// `ON table` (indexes) — for `DROP TRIGGER … ON DATABASE` the single part `DATABASE`.
    pub on: Option<ObjectName>,
}

/// Database reference in `ALTER DATABASE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseRef {
    /// A database name.
    Name(Ident),
    /// `CURRENT`.
    Current,
}

/// `WITH` termination clause of `ALTER DATABASE … SET`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Termination {
    /// `ROLLBACK IMMEDIATE`
    RollbackImmediate,
    /// `ROLLBACK AFTER n [SECONDS]`
    RollbackAfter(i64),
    /// `NO_WAIT`
    NoWait,
}

/// `ALTER DATABASE { name | CURRENT } SET option [, …] [WITH termination]`.
///
/// Options are generic: `ENABLE_BROKER` has no value, `TRUSTWORTHY ON` has value
/// [`OptionValue::On`], `HONOR_BROKER_PRIORITY OFF`, `RECOVERY SIMPLE`, ….
#[derive(Debug, Clone, PartialEq)]
pub struct AlterDatabase {
    /// Database.
    pub database: DatabaseRef,
    /// Options.
    pub options: Vec<GenericOption>,
    /// Termination clause.
    pub termination: Option<Termination>,
}

impl AlterDatabase {
    /// Finds an option by (case-insensitive) name.
    pub fn option(&self, name: &str) -> Option<&GenericOption> {
        self.options
            .iter()
            .find(|o| o.name.value.eq_ignore_ascii_case(name))
    }
}

impl GenericOption {
    /// `true` when the value is `ON`.
    pub fn is_on(&self) -> bool {
        matches!(self.value, Some(OptionValue::On))
    }
}

/// `CREATE TYPE [schema.]name { FROM base_type [NULL | NOT NULL] | AS TABLE ( … ) }`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateType {
    /// Type name.
    pub name: ObjectName,
    /// Alias type: the base type and its nullability.
    pub base: Option<(DataType, Option<bool>)>,
    /// Table type: columns and constraints.
    pub table: Option<(Vec<ColumnDef>, Vec<TableConstraint>)>,
}
