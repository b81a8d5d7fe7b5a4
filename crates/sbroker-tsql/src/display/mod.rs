//! Canonical T-SQL printing (`Display`) for the AST. This module owns the
//! shared helpers and the small common nodes (identifiers, names, data types,
//! generic options); statements are printed in [`stmt`] and [`broker`],
//! expressions and queries in [`expr`].
//!
//! Printing rules: statement lists print one statement per line, each
//! terminated by `;` (which also satisfies the Service Broker terminator
//! rule); parentheses come only from [`Expr::Nested`](crate::ast::Expr::Nested)
//! nodes and from the grammar itself.

mod broker;
mod expr;
mod stmt;

use std::fmt::{self, Display, Formatter};

use crate::ast::*;
use crate::lexer::is_regular_ident;

/// Prints a statement list as batch text (each statement followed by `;` and a newline).
pub fn format_batch(stmts: &[Stmt]) -> String {
    let mut s = String::new();
    for st in stmts {
        s.push_str(&st.to_string());
        s.push_str(";\n");
    }
    s
}

/// `'text'` with quotes doubled (optionally `N'…'`).
pub(crate) struct Quoted<'a>(pub &'a str, pub bool);

impl Display for Quoted<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if self.1 {
            f.write_str("N")?;
        }
        write!(f, "'{}'", self.0.replace('\'', "''"))
    }
}

/// A plain `'string'`.
pub(crate) fn q(s: &str) -> Quoted<'_> {
    Quoted(s, false)
}

/// Comma-separated list.
pub(crate) struct Commas<'a, T>(pub &'a [T]);

impl<T: Display> Display for Commas<'_, T> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, x) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{x}")?;
        }
        Ok(())
    }
}

/// Writes statements one per line, each terminated by `;`.
pub(crate) fn write_stmts(f: &mut Formatter<'_>, stmts: &[Stmt]) -> fmt::Result {
    for s in stmts {
        writeln!(f, "{s};")?;
    }
    Ok(())
}

pub(crate) fn on_off(b: bool) -> &'static str {
    if b { "ON" } else { "OFF" }
}

impl Display for Ident {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self.quote {
            QuoteStyle::None if self.value.is_empty() || is_regular_ident(&self.value) => {
                f.write_str(&self.value)
            }
            // A name given in a variable (`FROM SERVICE @svc`): printed as the variable.
            QuoteStyle::None
                if self.value.len() > 1
                    && self.value.starts_with('@')
                    && is_regular_ident(self.value.trim_start_matches('@')) =>
            {
                f.write_str(&self.value)
            }
            QuoteStyle::DoubleQuote => write!(f, "\"{}\"", self.value.replace('"', "\"\"")),
            _ => write!(f, "[{}]", self.value.replace(']', "]]")),
        }
    }
}

impl Display for ObjectName {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, p) in self.parts.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl Display for DataType {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.name)?;
        match &self.params {
            TypeParams::None => Ok(()),
            TypeParams::Max => f.write_str("(MAX)"),
            TypeParams::Numbers(n) => write!(f, "({})", Commas(n)),
            TypeParams::XmlSchema {
                document,
                collection,
            } => {
                f.write_str("(")?;
                match document {
                    Some(true) => f.write_str("DOCUMENT ")?,
                    Some(false) => f.write_str("CONTENT ")?,
                    None => {}
                }
                write!(f, "{collection})")
            }
        }
    }
}

impl Display for OptionValue {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            OptionValue::On => f.write_str("ON"),
            OptionValue::Off => f.write_str("OFF"),
            OptionValue::Word(w) => write!(f, "{w}"),
            OptionValue::Expr(e) => write!(f, "{e}"),
        }
    }
}

impl Display for GenericOption {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.name)?;
        match (&self.value, self.equals) {
            (Some(v), true) => write!(f, " = {v}"),
            (Some(v), false) => write!(f, " {v}"),
            (None, _) => Ok(()),
        }
    }
}

impl Display for Stmt {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)
    }
}

impl Display for AssignOp {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AssignOp::Assign => "=",
            AssignOp::Add => "+=",
            AssignOp::Sub => "-=",
            AssignOp::Mul => "*=",
            AssignOp::Div => "/=",
            AssignOp::Mod => "%=",
            AssignOp::BitAnd => "&=",
            AssignOp::BitOr => "|=",
            AssignOp::BitXor => "^=",
        })
    }
}

impl Display for TranName {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            TranName::Name(n) => write!(f, "{n}"),
            TranName::Variable(v) => f.write_str(v),
        }
    }
}
