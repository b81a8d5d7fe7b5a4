//! # sbroker-tsql
//!
//! A hand-written lexer and recursive-descent parser (Pratt parser for
//! expressions) for the T-SQL surface used by the sbroker project: general
//! control flow, variables, DML/queries, common DDL, and the complete Service
//! Broker and related security statements.
//!
//! * [`parse_batch`] parses one batch into a `Vec<`[`Stmt`]`>`.
//! * [`split_batches`] splits a script on `GO` lines.
//! * Every AST node implements `Display`, printing canonical T-SQL that parses
//!   back to an equal AST ([`Stmt`] equality ignores the line number).
//!   [`format_batch`] prints a statement list as a batch.
//!
//! Errors are reported as [`ParseError`] in SQL Server style (102, 156, 105,
//! 113, and 191 for nesting deeper than 200 levels). The parser never panics.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod ast;
mod batch;
mod display;
mod error;
mod lexer;
mod parser;
pub mod sqlcmd;

pub use ast::*;
pub use batch::{Batch, split_batches};
pub use display::format_batch;
pub use error::ParseError;

/// Parses one T-SQL batch (text between `GO` separators) into statements.
///
/// Line and column numbers in the error (and statement lines) are 1-based and
/// relative to `sql`.
pub fn parse_batch(sql: &str) -> Result<Vec<Stmt>, ParseError> {
    parser::parse_batch(sql)
}
