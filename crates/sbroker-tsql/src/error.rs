//! The [`ParseError`] type returned by the lexer and parser.

use std::fmt;

/// A T-SQL syntax error in SQL Server style.
///
/// `number` is 102 ("Incorrect syntax near 'x'."), 156 ("Incorrect syntax near
/// the keyword 'FROM'."), 105 (unclosed quotation mark) or 113 (missing end
/// comment mark). `line` and `column` are 1-based positions within the batch text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// SQL Server error number.
    pub number: i32,
    /// Message text.
    pub message: String,
    /// 1-based line within the batch.
    pub line: u32,
    /// 1-based column (in characters) within the line.
    pub column: u32,
}

impl ParseError {
    /// Builds an error.
    pub fn new(number: i32, message: impl Into<String>, line: u32, column: u32) -> Self {
        ParseError {
            number,
            message: message.into(),
            line,
            column,
        }
    }

    /// Error 102 "Incorrect syntax near 'text'.".
    pub fn near(text: &str, line: u32, column: u32) -> Self {
        ParseError::new(
            102,
            format!("Incorrect syntax near '{text}'."),
            line,
            column,
        )
    }

    /// Error 156 "Incorrect syntax near the keyword 'kw'.".
    pub fn near_keyword(kw: &str, line: u32, column: u32) -> Self {
        ParseError::new(
            156,
            format!("Incorrect syntax near the keyword '{kw}'."),
            line,
            column,
        )
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Msg {}, Line {}, Column {}: {}",
            self.number, self.line, self.column, self.message
        )
    }
}

impl std::error::Error for ParseError {}
