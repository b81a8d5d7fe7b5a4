//! Error reporting: numbers, messages, positions, the Service Broker
//! statement-terminator rule and nesting limits.

mod common;

use common::parse_err;
use sbroker_tsql::parse_batch;

#[test]
fn keyword_error_156() {
    let e = parse_err("SELECT 1\nSELECT FROM t");
    assert_eq!(e.number, 156);
    assert_eq!(e.message, "Incorrect syntax near the keyword 'FROM'.");
    assert_eq!((e.line, e.column), (2, 8));
}

#[test]
fn eof_after_keyword_reports_last_token() {
    let e = parse_err("SELECT * FROM");
    assert_eq!(e.number, 156);
    assert_eq!(e.message, "Incorrect syntax near the keyword 'FROM'.");
    assert_eq!((e.line, e.column), (1, 10));
    let e = parse_err("SELECT * FROM t WHERE a =");
    assert_eq!(e.number, 102);
    assert_eq!(e.message, "Incorrect syntax near '='.");
}

#[test]
fn identifier_error_102() {
    let e = parse_err("SELECT a b c FROM t");
    assert_eq!(e.number, 102);
    assert_eq!(e.message, "Incorrect syntax near 'c'.");
    assert_eq!((e.line, e.column), (1, 12));
}

#[test]
fn operator_error_102() {
    let e = parse_err("  SELECT 1 +\n   ,");
    assert_eq!(e.number, 102);
    assert_eq!(e.message, "Incorrect syntax near ','.");
    assert_eq!((e.line, e.column), (2, 4));
}

#[test]
fn unclosed_quote_105() {
    let e = parse_err("SELECT 1;\nPRINT 'abc");
    assert_eq!(e.number, 105);
    assert_eq!(
        e.message,
        "Unclosed quotation mark after the character string 'abc'."
    );
    assert_eq!((e.line, e.column), (2, 7));
    assert_eq!(parse_err("SELECT [abc").number, 105);
    assert_eq!(parse_err("SELECT N'it''s").number, 105);
}

#[test]
fn unclosed_comment_113() {
    let e = parse_err("SELECT 1 /* open /* nested */ still open");
    assert_eq!(e.number, 113);
    assert_eq!(e.message, "Missing end comment mark '*/'.");
    assert_eq!((e.line, e.column), (1, 10));
}

#[test]
fn stray_end_is_error() {
    let e = parse_err("END");
    assert_eq!(e.number, 156);
    assert!(parse_batch("BEGIN SELECT 1").is_err());
    assert!(parse_batch("BEGIN TRY SELECT 1 END TRY").is_err());
}

#[test]
fn bad_character() {
    let e = parse_err("SELECT 1 ? 2");
    assert_eq!(e.number, 102);
    assert_eq!(e.message, "Incorrect syntax near '?'.");
}

// ----- statement-terminator rule -----

#[test]
fn send_requires_semicolon() {
    assert!(parse_batch("SELECT 1 SEND ON CONVERSATION @h").is_err());
    assert!(parse_batch("SELECT 1; SEND ON CONVERSATION @h").is_ok());
    let e = parse_err("DECLARE @h UNIQUEIDENTIFIER\nSEND ON CONVERSATION @h");
    assert_eq!(e.number, 102);
    assert_eq!(e.message, "Incorrect syntax near 'SEND'.");
    assert_eq!((e.line, e.column), (2, 1));
    assert!(parse_batch("DECLARE @h UNIQUEIDENTIFIER;\nSEND ON CONVERSATION @h").is_ok());
}

#[test]
fn receive_waitfor_get_move_require_semicolon() {
    // WAITFOR is reserved: SQL Server (and public code) needs no `;` before it.
    assert!(parse_batch("BEGIN TRANSACTION WAITFOR (RECEIVE * FROM q)").is_ok());
    assert!(parse_batch("SET @x = NULL WAITFOR (RECEIVE * FROM q)").is_ok());
    assert!(parse_batch("BEGIN TRANSACTION; WAITFOR (RECEIVE * FROM q)").is_ok());
    assert!(parse_batch("PRINT 1 RECEIVE * FROM q").is_err());
    assert!(parse_batch("PRINT 1; RECEIVE * FROM q").is_ok());
    assert!(parse_batch("PRINT 1 GET CONVERSATION GROUP @g FROM q").is_err());
    assert!(parse_batch("PRINT 1; GET CONVERSATION GROUP @g FROM q").is_ok());
    assert!(parse_batch("PRINT 1 MOVE CONVERSATION @h TO @g").is_err());
    assert!(parse_batch("PRINT 1; MOVE CONVERSATION @h TO @g").is_ok());
    assert!(parse_batch("PRINT 1 WAITFOR (GET CONVERSATION GROUP @g FROM q), TIMEOUT 5").is_ok());
    // WAITFOR DELAY is not affected
    assert!(parse_batch("PRINT 1 WAITFOR DELAY '00:00:01'").is_ok());
}

#[test]
fn first_statement_positions_count_as_first() {
    assert!(parse_batch("SEND ON CONVERSATION @h").is_ok());
    assert!(parse_batch("BEGIN SEND ON CONVERSATION @h END").is_ok());
    assert!(parse_batch("BEGIN PRINT 1 SEND ON CONVERSATION @h END").is_err());
    assert!(parse_batch("BEGIN PRINT 1; SEND ON CONVERSATION @h END").is_ok());
    assert!(parse_batch("IF 1 = 1 SEND ON CONVERSATION @h ELSE RECEIVE * FROM q").is_ok());
    assert!(parse_batch("WHILE 1 = 1 WAITFOR (RECEIVE * FROM q), TIMEOUT 10").is_ok());
    assert!(parse_batch("CREATE PROCEDURE p AS RECEIVE * FROM q").is_ok());
    assert!(parse_batch("CREATE PROCEDURE p AS PRINT 1 RECEIVE * FROM q").is_err());
    assert!(
        parse_batch(
            "BEGIN TRY RECEIVE * FROM q END TRY BEGIN CATCH MOVE CONVERSATION @h TO @g END CATCH"
        )
        .is_ok()
    );
    // IF ... ; not followed by ELSE keeps the terminator
    assert!(parse_batch("IF 1 = 1 PRINT 1;\nSEND ON CONVERSATION @h").is_ok());
    assert!(parse_batch("IF 1 = 1 PRINT 1\nSEND ON CONVERSATION @h").is_err());
}

#[test]
fn timeout_requires_waitfor() {
    let e = parse_err("RECEIVE * FROM q, TIMEOUT 10");
    assert_eq!(e.number, 102);
    assert_eq!(e.message, "Incorrect syntax near ','.");
    assert!(parse_batch("WAITFOR (RECEIVE * FROM q), TIMEOUT").is_err());
}

#[test]
fn alter_contract_is_error() {
    let e = parse_err("ALTER CONTRACT c");
    assert_eq!(e.number, 102);
    assert_eq!(e.message, "Incorrect syntax near 'CONTRACT'.");
}

#[test]
fn broker_objects_have_no_if_exists() {
    assert!(parse_batch("DROP QUEUE IF EXISTS q").is_err());
    assert!(parse_batch("DROP SERVICE IF EXISTS s").is_err());
    assert!(parse_batch("DROP TABLE IF EXISTS t").is_ok());
    assert!(parse_batch("DROP PROCEDURE IF EXISTS p").is_ok());
    assert!(parse_batch("DROP FUNCTION IF EXISTS f").is_ok());
    assert!(parse_batch("DROP TRIGGER IF EXISTS t").is_ok());
    assert!(parse_batch("DROP DATABASE IF EXISTS d").is_ok());
    assert!(parse_batch("DROP SCHEMA IF EXISTS s").is_ok());
}

#[test]
fn broker_grammar_errors() {
    assert!(parse_batch("CREATE QUEUE q WITH ACTIVATION (DROP)").is_err());
    assert!(parse_batch("CREATE QUEUE q WITH STATUS = ON, STATUS = OFF").is_err());
    assert!(parse_batch("CREATE QUEUE q WITH").is_err());
    assert!(parse_batch("BEGIN DIALOG @h FROM SERVICE s").is_err());
    assert!(parse_batch("BEGIN DIALOG @h FROM SERVICE s TO SERVICE 't' WITH").is_err());
    assert!(parse_batch("CREATE CONTRACT c (m SENT BY NOBODY)").is_err());
    assert!(parse_batch("CREATE CONTRACT c ()").is_err());
    // `ALTER SERVICE s` alone parses; executing it raises 8493 (spec F-SVC-04).
    assert!(parse_batch("ALTER SERVICE s").is_ok());
    assert!(parse_batch("ALTER BROKER PRIORITY p FOR CONVERSATION").is_err());
    assert!(parse_batch("CREATE ENDPOINT e STATE = STARTED").is_err());
    assert!(parse_batch("END CONVERSATION @h WITH ERROR = 1").is_err());
    assert!(parse_batch("SEND ON CONVERSATION").is_err());
    assert!(parse_batch("CREATE QUEUE q WITH ACTIVATION (EXECUTE AS CALLER)").is_err());
}

#[test]
fn empty_batches_are_ok() {
    assert_eq!(parse_batch("").unwrap().len(), 0);
    assert_eq!(
        parse_batch("  -- only a comment\n /* and another */ ;;")
            .unwrap()
            .len(),
        0
    );
}

// ----- nesting limits -----

fn run_with_small_stack<F: FnOnce() + Send + 'static>(f: F) {
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn deep_parentheses_error_not_overflow() {
    run_with_small_stack(|| {
        let sql = format!("SELECT {}1{}", "(".repeat(10_000), ")".repeat(10_000));
        let e = parse_batch(&sql).unwrap_err();
        assert_eq!(e.number, 191);
        let sql = "(".repeat(10_000);
        assert!(parse_batch(&sql).is_err());
    });
}

#[test]
fn deep_statements_error_not_overflow() {
    run_with_small_stack(|| {
        assert!(parse_batch(&"BEGIN ".repeat(10_000)).is_err());
        assert!(parse_batch(&format!("{}PRINT 1", "IF 1 = 1 ".repeat(10_000))).is_err());
        assert!(parse_batch(&format!("SELECT {}", "(SELECT ".repeat(5_000))).is_err());
        assert!(parse_batch(&format!("SELECT {}1", "-".repeat(10_000))).is_err());
        assert!(parse_batch(&format!("SELECT {}1", "NOT ".repeat(10_000))).is_err());
    });
}

#[test]
fn long_chains_are_bounded_and_printable() {
    run_with_small_stack(|| {
        // A moderately long chain parses and prints.
        let sql = format!("SELECT 1{}", " + 1".repeat(300));
        let v = parse_batch(&sql).unwrap();
        let printed = sbroker_tsql::format_batch(&v);
        assert_eq!(parse_batch(&printed).unwrap(), v);
        // The longest accepted chain still prints and drops on a small stack.
        let sql = format!("SELECT 1{}", " + 1".repeat(395));
        let v = parse_batch(&sql).unwrap();
        let printed = sbroker_tsql::format_batch(&v);
        assert_eq!(parse_batch(&printed).unwrap(), v);
        // Extremely long chains are rejected instead of building huge trees.
        let sql = format!("SELECT 1{}", " + 1".repeat(20_000));
        assert_eq!(parse_batch(&sql).unwrap_err().number, 191);
        // Nested chains accumulate.
        let inner = format!("(1{})", " + 1".repeat(100));
        let sql = format!("SELECT {}", vec![inner; 5].join(" * "));
        let _ = parse_batch(&sql);
        let nested = format!("SELECT {}1{}", "(1 + ".repeat(60), ")".repeat(60));
        let v = parse_batch(&nested).unwrap();
        let printed = sbroker_tsql::format_batch(&v);
        assert_eq!(parse_batch(&printed).unwrap(), v);
    });
}

#[test]
fn deep_left_nested_chains_bounded() {
    run_with_small_stack(|| {
        // ((1+1+...)+1+...)... each level adds a chain on top of the previous one
        let mut sql = String::from("1");
        for _ in 0..100 {
            sql = format!("({sql}{})", " + 1".repeat(100));
        }
        let r = parse_batch(&format!("SELECT {sql}"));
        if let Ok(v) = r {
            let printed = sbroker_tsql::format_batch(&v);
            drop(printed);
        }
    });
}
