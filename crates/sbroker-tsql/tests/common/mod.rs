//! Shared helpers for the integration tests.
#![allow(dead_code)]

use sbroker_tsql::{Stmt, format_batch, parse_batch};

/// Parses `sql`, prints it, reparses the printed text and asserts that both
/// ASTs are equal (lines are ignored by `Stmt` equality) and that printing is
/// idempotent. Returns the parsed statements.
pub fn verified(sql: &str) -> Vec<Stmt> {
    let ast = parse_batch(sql).unwrap_or_else(|e| panic!("parse failed: {e}\n--- sql ---\n{sql}"));
    let printed = format_batch(&ast);
    let again = parse_batch(&printed)
        .unwrap_or_else(|e| panic!("reparse failed: {e}\n--- printed ---\n{printed}"));
    assert_eq!(
        ast, again,
        "round trip mismatch\n--- printed ---\n{printed}"
    );
    assert_eq!(printed, format_batch(&again), "printing not idempotent");
    ast
}

/// `verified` for a single statement.
pub fn verified_one(sql: &str) -> Stmt {
    let mut v = verified(sql);
    assert_eq!(v.len(), 1, "expected one statement in {sql}");
    v.remove(0)
}

/// Asserts that `sql` fails to parse and returns the error.
pub fn parse_err(sql: &str) -> sbroker_tsql::ParseError {
    match parse_batch(sql) {
        Ok(v) => panic!("expected error for {sql}, got {v:?}"),
        Err(e) => e,
    }
}
