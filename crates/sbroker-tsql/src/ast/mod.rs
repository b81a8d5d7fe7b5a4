//! The typed abstract syntax tree produced by the parser.
//!
//! This module owns the statement wrapper [`Stmt`], the top-level statement enum
//! [`StmtKind`] and the small shared building blocks (identifiers, multi-part
//! names, data types, generic options). Expressions live in [`expr`], queries and
//! DML in [`query`], general DDL / control-flow payloads in [`ddl`], and Service
//! Broker plus security statements in [`broker`].
//!
//! # Equality
//! All AST types derive `PartialEq`. [`Stmt`] implements it by hand and compares
//! only [`Stmt::kind`]: the source line is **excluded** from equality so that an
//! AST parsed from pretty-printed text compares equal to the original.
//!
//! # Display
//! Every node implements `Display`, printing canonical T-SQL that parses back to
//! an equal AST (parentheses written in the source are kept as
//! [`Expr::Nested`](expr::Expr::Nested) nodes, so printing never needs to invent
//! parentheses).

pub mod broker;
pub mod ddl;
pub mod expr;
pub mod query;

pub use broker::*;
pub use ddl::*;
pub use expr::*;
pub use query::*;

/// How an identifier was written in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QuoteStyle {
    /// A regular identifier such as `foo`, `#temp` or `##global`.
    None,
    /// A delimited identifier `[foo]` (a `]]` in the source becomes `]`).
    Bracket,
    /// A delimited identifier `"foo"` (a `""` in the source becomes `"`).
    DoubleQuote,
}

/// An identifier: `name | [name] | "name"`.
///
/// `value` holds the identifier text with delimiters removed and escapes
/// resolved (`[a]]b]` has value `a]b`). `quote` remembers the delimiter so that,
/// for instance, `[DEFAULT]` (the built-in contract name) can be told apart from
/// the keyword `DEFAULT`, and `[ANY]` from the wildcard `ANY`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Ident {
    /// The identifier text without delimiters.
    pub value: String,
    /// How the identifier was delimited.
    pub quote: QuoteStyle,
}

impl Ident {
    /// A regular (undelimited) identifier.
    pub fn new(value: impl Into<String>) -> Self {
        Ident {
            value: value.into(),
            quote: QuoteStyle::None,
        }
    }

    /// A bracket-delimited identifier (`[value]`).
    pub fn bracketed(value: impl Into<String>) -> Self {
        Ident {
            value: value.into(),
            quote: QuoteStyle::Bracket,
        }
    }

    /// True when the identifier was written with `[ ]` or `" "` delimiters.
    pub fn is_quoted(&self) -> bool {
        self.quote != QuoteStyle::None
    }

    /// True when this is the *undelimited* word `kw` (case-insensitive).
    pub fn is_bare_keyword(&self, kw: &str) -> bool {
        self.quote == QuoteStyle::None && self.value.eq_ignore_ascii_case(kw)
    }
}

/// A multi-part object name: `[[[server.]db.]schema.]object`.
///
/// `parts` are in source order (the object name is last). An omitted middle
/// part, as in `db..object`, is stored as an identifier with an empty `value`
/// and [`QuoteStyle::None`]. There are between one and four parts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ObjectName {
    /// Name parts in source order.
    pub parts: Vec<Ident>,
}

impl ObjectName {
    /// A one-part name.
    pub fn single(ident: Ident) -> Self {
        ObjectName { parts: vec![ident] }
    }

    /// The last part (the object itself), if any.
    pub fn name(&self) -> Option<&Ident> {
        self.parts.last()
    }

    /// The schema part (second to last), if present and not empty.
    pub fn schema(&self) -> Option<&Ident> {
        let n = self.parts.len();
        if n >= 2 {
            self.parts.get(n - 2).filter(|p| !p.value.is_empty())
        } else {
            None
        }
    }

    /// The database part (third to last), if present and not empty.
    pub fn database(&self) -> Option<&Ident> {
        let n = self.parts.len();
        if n >= 3 {
            self.parts.get(n - 3).filter(|p| !p.value.is_empty())
        } else {
            None
        }
    }
}

/// Type parameters of a [`DataType`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeParams {
    /// No parameter list, e.g. `INT`.
    None,
    /// `(MAX)`, e.g. `NVARCHAR(MAX)`.
    Max,
    /// `(n)` or `(p, s)`, e.g. `DECIMAL(10, 2)`.
    Numbers(Vec<u64>),
    /// `XML( [CONTENT | DOCUMENT] schema_collection )`. `document` is
    /// `Some(true)` for DOCUMENT, `Some(false)` for CONTENT, `None` if omitted.
    XmlSchema {
        /// DOCUMENT / CONTENT facet.
        document: Option<bool>,
        /// The XML schema collection.
        collection: ObjectName,
    },
}

/// A data type: `type_name [ ( n | MAX | p, s | [CONTENT|DOCUMENT] xml_schema_collection ) ]`.
///
/// The name is kept as written (e.g. `NVARCHAR`, `sysname`, `dbo.MyType`); the
/// interpreter should compare it case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataType {
    /// Type name (one or two parts).
    pub name: ObjectName,
    /// Parameters.
    pub params: TypeParams,
}

impl DataType {
    /// The last part of the type name, upper-cased (e.g. `"NVARCHAR"`).
    pub fn upper_name(&self) -> String {
        self.name
            .name()
            .map(|i| i.value.to_ascii_uppercase())
            .unwrap_or_default()
    }
}

/// A value of a [`GenericOption`].
#[derive(Debug, Clone, PartialEq)]
pub enum OptionValue {
    /// `ON`.
    On,
    /// `OFF`.
    Off,
    /// A bare word or identifier, e.g. `SIMPLE` in `RECOVERY SIMPLE`.
    Word(Ident),
    /// An expression (usually a literal), e.g. `80` in `FILLFACTOR = 80`.
    Expr(expr::Expr),
}

/// A generic `name [=] [value]` option used for less common clauses
/// (`ALTER DATABASE … SET`, index options, `REBUILD WITH (MAXDOP = 1)`, login
/// options, …).
///
/// Grammar: `` `name` | `name = value` | `name value` ``.
#[derive(Debug, Clone, PartialEq)]
pub struct GenericOption {
    /// Option name as written.
    pub name: Ident,
    /// `true` when the option was written `name = value`.
    pub equals: bool,
    /// The value, if any.
    pub value: Option<OptionValue>,
}

/// One parsed statement together with its 1-based source line within the batch.
///
/// Equality compares only `kind` (the line is deliberately ignored, see the
/// module documentation).
#[derive(Debug, Clone)]
pub struct Stmt {
    /// What the statement is.
    pub kind: StmtKind,
    /// 1-based line (within the batch text) of the statement's first token.
    pub line: u32,
}

impl PartialEq for Stmt {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
    }
}

impl Stmt {
    /// Wraps a statement kind with a line number.
    pub fn new(kind: StmtKind, line: u32) -> Self {
        Stmt { kind, line }
    }
}

/// Every statement the parser understands.
///
/// Each variant documents its grammar. Boxed payloads are used for large
/// structures to keep the enum small.
#[derive(Debug, Clone, PartialEq)]
pub enum StmtKind {
    // ----- queries and DML -----
    /// `[WITH …] SELECT …` (a full query, see [`Query`]).
    Select(Box<Query>),
    /// `[WITH …] INSERT …`.
    Insert(Box<Insert>),
    /// `[WITH …] UPDATE …`.
    Update(Box<Update>),
    /// `[WITH …] DELETE …`.
    Delete(Box<Delete>),
    /// `[WITH …] MERGE …`.
    Merge(Box<Merge>),

    // ----- variables, control flow -----
    /// `DECLARE @a type [= expr] [, @b type [= expr] …]`.
    Declare(Vec<VarDecl>),
    /// `DECLARE @t TABLE ( column_def | table_constraint [, …] )`.
    DeclareTable(Box<DeclareTable>),
    /// `DECLARE name CURSOR [options] FOR select [FOR UPDATE [OF cols]]`.
    DeclareCursor(Box<DeclareCursor>),
    /// `SET @cursor_variable = CURSOR [options] FOR select [FOR UPDATE [OF cols]]` (the
    /// cursor's `name` is the variable, `@` included).
    SetCursor(Box<DeclareCursor>),
    /// `SET @v {= | += | -= | *= | /= | %= | &= | |= | ^=} expr`.
    SetVariable {
        /// Variable name including `@`.
        name: String,
        /// Assignment operator.
        op: AssignOp,
        /// Value.
        value: expr::Expr,
    },
    /// `SET option [, option …] { ON | OFF }` e.g. `SET NOCOUNT ON`,
    /// `SET STATISTICS IO, TIME OFF`. Option names are stored upper-cased, words
    /// separated by one space.
    SetOptions {
        /// Option names, e.g. `["NOCOUNT"]`.
        options: Vec<String>,
        /// `true` for ON.
        on: bool,
    },
    /// `SET option value`, e.g. `SET LOCK_TIMEOUT 1000`, `SET DEADLOCK_PRIORITY LOW`
    /// (a bare word value is a column-reference expression).
    SetOptionValue {
        /// Option name, upper-cased.
        option: String,
        /// Value expression.
        value: expr::Expr,
    },
    /// `SET TRANSACTION ISOLATION LEVEL { READ UNCOMMITTED | READ COMMITTED |
    /// REPEATABLE READ | SNAPSHOT | SERIALIZABLE }`.
    SetTransactionIsolationLevel(IsolationLevel),
    /// `SET IDENTITY_INSERT table { ON | OFF }`.
    SetIdentityInsert {
        /// The table.
        table: ObjectName,
        /// `true` for ON.
        on: bool,
    },
    /// `IF condition statement [ELSE statement]`.
    If {
        /// The condition.
        condition: expr::Expr,
        /// Statement run when true.
        then_stmt: Box<Stmt>,
        /// Statement run otherwise.
        else_stmt: Option<Box<Stmt>>,
    },
    /// `WHILE condition statement`.
    While {
        /// Loop condition.
        condition: expr::Expr,
        /// Loop body.
        body: Box<Stmt>,
    },
    /// `BREAK`.
    Break,
    /// `CONTINUE`.
    Continue,
    /// `BEGIN statement… END`.
    Block(Vec<Stmt>),
    /// `BEGIN TRY statement… END TRY BEGIN CATCH statement… END CATCH`.
    TryCatch {
        /// Statements of the TRY block.
        try_block: Vec<Stmt>,
        /// Statements of the CATCH block (may be empty).
        catch_block: Vec<Stmt>,
    },
    /// `RETURN [expr]`.
    Return(Option<expr::Expr>),
    /// `PRINT expr`.
    Print(expr::Expr),
    /// `RAISERROR ( msg, severity, state [, arg …] ) [WITH option [, …]]`.
    Raiserror(Box<Raiserror>),
    /// `THROW [number, message, state]`.
    Throw(Option<Box<Throw>>),
    /// `GOTO label`.
    Goto(Ident),
    /// `label:`.
    Label(Ident),
    /// `WAITFOR DELAY expr`.
    WaitForDelay(expr::Expr),
    /// `WAITFOR TIME expr`.
    WaitForTime(expr::Expr),
    /// `USE database`.
    Use(Ident),
    /// `EXEC[UTE] [@ret =] proc [arg, …]` (see [`Exec`]).
    Exec(Box<Exec>),
    /// `EXEC[UTE] ( expr )` — dynamic SQL; `expr` is usually a concatenation.
    ExecSql(expr::Expr),
    /// `EXEC[UTE] AS { CALLER | SELF | OWNER | USER = 'name' | LOGIN = 'name' }`.
    ExecuteAs(ExecuteAs),
    /// `REVERT`.
    Revert,
    /// `RECONFIGURE [WITH OVERRIDE]`.
    Reconfigure,
    /// `CHECKPOINT [duration]`.
    Checkpoint,
    /// `DBCC command [( args )] [WITH options]`.
    Dbcc {
        /// The command, upper case (e.g. `FREEPROCCACHE`).
        command: String,
        /// Arguments.
        args: Vec<expr::Expr>,
    },
    /// `{ENABLE | DISABLE} TRIGGER {name [, …] | ALL} ON {table | DATABASE | ALL SERVER}`.
    EnableTrigger {
        /// ENABLE (true) or DISABLE.
        enable: bool,
        /// Trigger names; empty for ALL.
        names: Vec<ObjectName>,
        /// The table (`None` for DATABASE / ALL SERVER).
        table: Option<ObjectName>,
    },

    // ----- cursors -----
    /// `OPEN cursor`.
    OpenCursor(CursorRef),
    /// `FETCH [direction] [FROM] cursor [INTO @a, …]`.
    Fetch(Box<Fetch>),
    /// `CLOSE cursor`.
    CloseCursor(CursorRef),
    /// `DEALLOCATE cursor`.
    Deallocate(CursorRef),

    // ----- transactions -----
    /// `BEGIN TRAN[SACTION] [name | @var]`.
    BeginTransaction(Option<TranName>),
    /// `COMMIT [TRAN[SACTION] [name | @var] | WORK]`.
    Commit(Option<TranName>),
    /// `ROLLBACK [TRAN[SACTION] [name | @var] | WORK]`.
    Rollback(Option<TranName>),
    /// `SAVE TRAN[SACTION] name | @var`.
    SaveTransaction(TranName),

    // ----- general DDL -----
    /// `CREATE [OR ALTER] | ALTER PROC[EDURE] …` (see [`CreateProcedure`]).
    CreateProcedure(Box<CreateProcedure>),
    /// `CREATE ASSEMBLY name [AUTHORIZATION owner] FROM expr [, …]
    /// [WITH PERMISSION_SET = {SAFE | EXTERNAL_ACCESS | UNSAFE}]` (SQLCLR; parsed so
    /// scripts can be read, not executable).
    /// `ALTER ASSEMBLY name …` (SQLCLR; only the name is kept).
    AlterAssembly {
        /// Assembly name.
        name: Ident,
    },
    /// `CREATE ASSEMBLY …`.
    CreateAssembly {
        /// Assembly name.
        name: Ident,
        /// Owner.
        authorization: Option<Ident>,
        /// Assembly bits or paths.
        from: Vec<expr::Expr>,
        /// PERMISSION_SET.
        permission_set: Option<Ident>,
    },
    /// `CREATE [OR ALTER] | ALTER FUNCTION …` (see [`CreateFunction`]).
    CreateFunction(Box<CreateFunction>),
    /// `CREATE [OR ALTER] | ALTER TRIGGER …` (see [`CreateTrigger`]).
    CreateTrigger(Box<CreateTrigger>),
    /// `CREATE [OR ALTER] | ALTER VIEW …` (see [`CreateView`]).
    CreateView(Box<CreateView>),
    /// `CREATE TABLE name ( … ) [ON filegroup]`.
    CreateTable(Box<CreateTable>),
    /// `CREATE TYPE …` (alias or table type).
    CreateType(Box<CreateType>),
    /// `ALTER TABLE name { ADD … | DROP COLUMN … | DROP CONSTRAINT … }`.
    AlterTable(Box<AlterTable>),
    /// `CREATE [UNIQUE] [CLUSTERED | NONCLUSTERED] INDEX …`.
    CreateIndex(Box<CreateIndex>),
    /// `DROP <object kind> [IF EXISTS] name [, …]` for tables, procedures,
    /// functions, triggers, views, schemas, databases, logins, users, roles and
    /// indexes (see [`DropStmt`]).
    Drop(Box<DropStmt>),
    /// `CREATE SCHEMA name [AUTHORIZATION owner]`.
    CreateSchema {
        /// Schema name.
        name: Ident,
        /// Owner.
        authorization: Option<Ident>,
    },
    /// `CREATE DATABASE name [FOR ATTACH] [WITH option [, …]]`.
    CreateDatabase {
        /// Database name.
        name: Ident,
        /// `FOR ATTACH` was given.
        for_attach: bool,
        /// `WITH` options (e.g. `ENABLE_BROKER`, `TRUSTWORTHY ON`).
        options: Vec<GenericOption>,
    },
    /// `ALTER DATABASE { name | CURRENT } SET option [, …] [WITH termination]`.
    AlterDatabase(Box<AlterDatabase>),
    /// `TRUNCATE TABLE name`.
    TruncateTable(ObjectName),

    // ----- Service Broker -----
    /// `CREATE MESSAGE TYPE …`.
    CreateMessageType(Box<CreateMessageType>),
    /// `ALTER MESSAGE TYPE name VALIDATION = …`.
    AlterMessageType {
        /// Message type name.
        name: Ident,
        /// New validation.
        validation: Validation,
    },
    /// `CREATE CONTRACT …`.
    CreateContract(Box<CreateContract>),
    /// `CREATE QUEUE …`.
    CreateQueue(Box<CreateQueue>),
    /// `ALTER QUEUE …`.
    AlterQueue(Box<AlterQueue>),
    /// `CREATE SERVICE …`.
    CreateService(Box<CreateService>),
    /// `ALTER SERVICE …`.
    AlterService(Box<AlterService>),
    /// `CREATE ROUTE name [AUTHORIZATION owner] WITH …`.
    CreateRoute(Box<CreateRoute>),
    /// `ALTER ROUTE name WITH …`.
    AlterRoute {
        /// Route name.
        name: Ident,
        /// Options given.
        options: RouteOptions,
    },
    /// `CREATE REMOTE SERVICE BINDING …`.
    CreateRemoteServiceBinding(Box<CreateRemoteServiceBinding>),
    /// `ALTER REMOTE SERVICE BINDING name WITH [USER = u] [, ANONYMOUS = ON|OFF]`.
    AlterRemoteServiceBinding {
        /// Binding name.
        name: Ident,
        /// New user.
        user: Option<Ident>,
        /// New ANONYMOUS setting.
        anonymous: Option<bool>,
    },
    /// `CREATE BROKER PRIORITY name FOR CONVERSATION [SET ( … )]`.
    CreateBrokerPriority(Box<BrokerPriority>),
    /// `ALTER BROKER PRIORITY name FOR CONVERSATION SET ( … )`.
    AlterBrokerPriority(Box<BrokerPriority>),
    /// `CREATE XML SCHEMA COLLECTION [schema.]name AS expr`.
    CreateXmlSchemaCollection {
        /// Collection name.
        name: ObjectName,
        /// The schema text expression.
        schema: expr::Expr,
    },
    /// `CREATE ENDPOINT …`.
    CreateEndpoint(Box<Endpoint>),
    /// `ALTER ENDPOINT …`.
    AlterEndpoint(Box<Endpoint>),
    /// `CREATE EVENT NOTIFICATION …`.
    CreateEventNotification(Box<CreateEventNotification>),
    /// `DROP EVENT NOTIFICATION name [, …] ON { SERVER | DATABASE | QUEUE q }`.
    DropEventNotification {
        /// Names.
        names: Vec<Ident>,
        /// Scope.
        scope: EventNotificationScope,
    },
    /// `DROP {MESSAGE TYPE | CONTRACT | QUEUE | SERVICE | ROUTE | REMOTE SERVICE
    /// BINDING | BROKER PRIORITY | XML SCHEMA COLLECTION | ENDPOINT | CERTIFICATE}
    /// name` (broker objects never accept `IF EXISTS`).
    DropBrokerObject {
        /// What kind of object.
        kind: BrokerObjectKind,
        /// Its name (multi-part only for queues and XML schema collections).
        name: ObjectName,
    },
    /// `BEGIN DIALOG [CONVERSATION] …`.
    BeginDialog(Box<BeginDialog>),
    /// `SEND ON CONVERSATION …`.
    Send(Box<SendMessage>),
    /// `RECEIVE …` (without WAITFOR).
    Receive(Box<Receive>),
    /// `GET CONVERSATION GROUP @g FROM queue` (without WAITFOR).
    GetConversationGroup(Box<GetConversationGroup>),
    /// `WAITFOR ( RECEIVE … | GET CONVERSATION GROUP … ) [, TIMEOUT expr]`.
    WaitFor(Box<WaitFor>),
    /// `MOVE CONVERSATION handle TO group`.
    MoveConversation {
        /// Conversation handle expression.
        handle: expr::Expr,
        /// Destination group id expression.
        group: expr::Expr,
    },
    /// `END CONVERSATION handle [WITH ERROR = code DESCRIPTION = text | WITH CLEANUP]`.
    EndConversation(Box<EndConversation>),
    /// `BEGIN CONVERSATION TIMER ( handle ) TIMEOUT = seconds`.
    BeginConversationTimer {
        /// Conversation handle expression.
        handle: expr::Expr,
        /// Timeout in seconds.
        timeout: expr::Expr,
    },

    // ----- security -----
    /// `CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'pwd'`.
    CreateMasterKey {
        /// Password.
        password: String,
    },
    /// `OPEN MASTER KEY DECRYPTION BY PASSWORD = 'pwd'`.
    OpenMasterKey {
        /// Password.
        password: String,
    },
    /// `CLOSE MASTER KEY`.
    CloseMasterKey,
    /// `ALTER MASTER KEY …`.
    AlterMasterKey(AlterMasterKeyAction),
    /// `{ADD | DROP} [COUNTER] SIGNATURE {TO | FROM} [OBJECT::]module BY CERTIFICATE c
    /// [WITH PASSWORD = 'pwd']`.
    Signature {
        /// `ADD` (true) or `DROP`.
        add: bool,
        /// The signed module.
        object: ObjectName,
        /// The certificate.
        certificate: Ident,
        /// `WITH PASSWORD` (the certificate's private-key password).
        password: Option<String>,
    },
    /// `DROP MASTER KEY`.
    DropMasterKey,
    /// `CREATE CERTIFICATE …`.
    CreateCertificate(Box<CreateCertificate>),
    /// `ALTER CERTIFICATE …`.
    AlterCertificate {
        /// Certificate name.
        name: Ident,
        /// The change.
        action: AlterCertificateAction,
    },
    /// `BACKUP CERTIFICATE name TO FILE = 'path' [WITH PRIVATE KEY ( … )]`.
    BackupCertificate {
        /// Certificate name.
        name: Ident,
        /// Target file.
        file: String,
        /// Private key options (empty when no `WITH PRIVATE KEY`).
        private_key: Vec<PrivateKeyOption>,
    },
    /// `CREATE LOGIN …`.
    CreateLogin(Box<CreateLogin>),
    /// `CREATE USER …`.
    CreateUser(Box<CreateUser>),
    /// `CREATE ROLE name [AUTHORIZATION owner]`.
    CreateRole {
        /// Role name.
        name: Ident,
        /// Owner.
        authorization: Option<Ident>,
    },
    /// `ALTER ROLE role { ADD | DROP } MEMBER principal`.
    AlterRole {
        /// Role.
        role: Ident,
        /// `true` for ADD MEMBER, `false` for DROP MEMBER.
        add: bool,
        /// Member.
        member: Ident,
    },
    /// `GRANT`, `DENY` or `REVOKE` (see [`Permission`]).
    Permission(Box<Permission>),
    /// `ALTER AUTHORIZATION ON [class::]name TO { principal | SCHEMA OWNER }`.
    AlterAuthorization {
        /// The securable.
        securable: Securable,
        /// New owner; `None` means `SCHEMA OWNER`.
        principal: Option<Ident>,
    },
}

/// Assignment operators of `SET @v op expr`, `SELECT @v op expr`, `UPDATE … SET c op expr`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignOp {
    /// `=`
    Assign,
    /// `+=`
    Add,
    /// `-=`
    Sub,
    /// `*=`
    Mul,
    /// `/=`
    Div,
    /// `%=`
    Mod,
    /// `&=`
    BitAnd,
    /// `|=`
    BitOr,
    /// `^=`
    BitXor,
}

/// A transaction or savepoint name: `name | @var`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TranName {
    /// A literal name.
    Name(Ident),
    /// A variable holding the name (including `@`).
    Variable(String),
}

/// `SET TRANSACTION ISOLATION LEVEL` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IsolationLevel {
    /// `READ UNCOMMITTED`
    ReadUncommitted,
    /// `READ COMMITTED`
    ReadCommitted,
    /// `REPEATABLE READ`
    RepeatableRead,
    /// `SNAPSHOT`
    Snapshot,
    /// `SERIALIZABLE`
    Serializable,
}
