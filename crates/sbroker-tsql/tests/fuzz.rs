//! Property tests: the parser never panics, whatever the input.

use proptest::prelude::*;
use sbroker_tsql::{format_batch, parse_batch, split_batches};

const TOKENS: &[&str] = &[
    "SELECT",
    "FROM",
    "WHERE",
    "(",
    ")",
    ",",
    ";",
    "@h",
    "@@ROWCOUNT",
    "'s'",
    "N'x'",
    "[b]",
    "1",
    "2.5",
    "1e3",
    "0x0F",
    "=",
    "<>",
    "+",
    "-",
    "*",
    "/",
    "%",
    "AND",
    "OR",
    "NOT",
    "IN",
    "LIKE",
    "BETWEEN",
    "IS",
    "NULL",
    "CASE",
    "WHEN",
    "THEN",
    "ELSE",
    "END",
    "BEGIN",
    "IF",
    "WHILE",
    "SEND",
    "ON",
    "CONVERSATION",
    "RECEIVE",
    "TOP",
    "WAITFOR",
    "TIMEOUT",
    "DIALOG",
    "SERVICE",
    "TO",
    "CONTRACT",
    "WITH",
    "ENCRYPTION",
    "OFF",
    "CREATE",
    "ALTER",
    "DROP",
    "QUEUE",
    "ACTIVATION",
    "STATUS",
    "PROCEDURE",
    "AS",
    "DECLARE",
    "INT",
    "SET",
    "EXEC",
    "INSERT",
    "INTO",
    "VALUES",
    "UPDATE",
    "DELETE",
    "MESSAGE",
    "TYPE",
    "VALIDATION",
    "GET",
    "GROUP",
    "MOVE",
    "TRY",
    "CATCH",
    "TRAN",
    "COMMIT",
    "ROLLBACK",
    "::",
    ".",
    "t",
    "x",
    "DEFAULT",
    "CAST",
    "CONVERT",
    "XML",
    "value",
    "nodes",
    "CROSS",
    "APPLY",
    "JOIN",
    "/*",
    "*/",
    "--",
    "\n",
    "GO",
    "TABLE",
    "IDENTITY",
    "PRIMARY",
    "KEY",
    "GRANT",
    "ENDPOINT",
    "ROUTE",
];

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..60).prop_map(|v| v.join(" "))
}

fn check(s: &str) {
    if let Ok(stmts) = parse_batch(s) {
        // Whatever parses must print and reparse to the same AST.
        let printed = format_batch(&stmts);
        match parse_batch(&printed) {
            Ok(again) => assert_eq!(again, stmts, "printed:\n{printed}"),
            Err(e) => panic!("reparse failed: {e}\ninput: {s}\nprinted:\n{printed}"),
        }
    }
    let _ = split_batches(s);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_strings_never_panic(s in any::<String>()) {
        check(&s);
    }

    #[test]
    fn ascii_noise_never_panics(s in "[ -~\\n]{0,200}") {
        check(&s);
    }

    #[test]
    fn token_soup_never_panics(s in token_soup()) {
        check(&s);
    }
}
