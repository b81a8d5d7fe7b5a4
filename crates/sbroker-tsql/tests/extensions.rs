//! sbroker's documented T-SQL extensions parse and print back to the same AST.

use sbroker_tsql::{StmtKind, parse_batch};

fn round_trip(sql: &str) -> StmtKind {
    let stmts = parse_batch(sql).expect("parses");
    let printed = stmts
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
        .join(";\n");
    let again = parse_batch(&printed).expect("printed text parses");
    assert_eq!(stmts, again, "round trip of {sql}\nprinted: {printed}");
    stmts
        .into_iter()
        .next()
        .map(|s| s.kind)
        .expect("one statement")
}

#[test]
fn dead_letter_queue_option() {
    let k = round_trip(
        "ALTER QUEUE q WITH POISON_MESSAGE_HANDLING (STATUS = ON, DEAD_LETTER_QUEUE = dbo.dlq)",
    );
    let StmtKind::AlterQueue(a) = k else {
        panic!("not ALTER QUEUE")
    };
    let sbroker_tsql::AlterQueueAction::With(o) = a.action else {
        panic!("not WITH")
    };
    assert_eq!(o.poison_message_handling, Some(Some(true)));
    assert_eq!(
        o.dead_letter_queue.flatten().map(|n| n.to_string()),
        Some("dbo.dlq".into())
    );
    round_trip("CREATE QUEUE q WITH POISON_MESSAGE_HANDLING (DEAD_LETTER_QUEUE = NONE)");
}

#[test]
fn names_in_variables_and_clr_statements_parse() {
    round_trip(
        "BEGIN DIALOG @h FROM SERVICE @svc TO SERVICE @to ON CONTRACT @c WITH ENCRYPTION = OFF",
    );
    round_trip("SEND ON CONVERSATION @h MESSAGE TYPE @t (@body)");
    round_trip(
        "CREATE ASSEMBLY [Lib] AUTHORIZATION dbo FROM 'c:\\lib.dll' WITH PERMISSION_SET = SAFE",
    );
    round_trip("CREATE PROCEDURE dbo.p @x INT AS EXTERNAL NAME [Lib].[Ns.Class].[Method]");
}

#[test]
fn table_forms_from_real_scripts_parse() {
    round_trip("CREATE TABLE t (a INT NOT NULL, b INT NOT NULL PRIMARY KEY (a, b))");
    round_trip(
        "CREATE TABLE t ([ID] UNIQUEIDENTIFIER NOT NULL, CONSTRAINT [PK_t] PRIMARY KEY CLUSTERED ([ID] ASC) WITH (IGNORE_DUP_KEY = OFF) ON [PRIMARY]) ON [PRIMARY]",
    );
    round_trip("CREATE TABLE t ([TransactionId] BIGINT NOT NULL INDEX idx_T CLUSTERED, x INT)");
    round_trip("ALTER ASSEMBLY [Lib] ADD FILE FROM 'c:\\lib.pdb'");
    round_trip("SET @x = NULL WAITFOR (RECEIVE TOP (1) * FROM q), TIMEOUT 10");
}

#[test]
fn grouped_database_options_parse() {
    round_trip("ALTER DATABASE [d] SET FILESTREAM (NON_TRANSACTED_ACCESS = OFF)");
}

#[test]
fn more_real_script_forms_parse() {
    let stmts = sbroker_tsql::parse_batch(
        "CREATE TABLE s (TopicName SYSNAME NOT NULL CONSTRAINT FK_s FOREIGN KEY (TopicName) REFERENCES dbo.Topics(TopicName))",
    );
    assert!(stmts.is_ok());
    assert!(
        sbroker_tsql::parse_batch("ALTER DATABASE [d] SET TARGET_RECOVERY_TIME = 0 SECONDS")
            .is_ok()
    );
}
