//! `ServerError`: an error as SQL Server reports it (number, severity, state, text).
//!
//! Every layer has its own typed error; they convert into `ServerError` at the edge
//! where the T-SQL interpreter, the TDS server or the CLI report them to a user.

use std::fmt;

/// An error as SQL Server reports it: message number, severity, state and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerError {
    /// SQL Server message number (e.g. 8426, 9617, 102).
    pub number: i32,
    /// Severity (16 for ordinary user errors, 10 and below for informational messages).
    pub severity: u8,
    /// State, as SQL Server uses it to tell raise sites apart.
    pub state: u8,
    /// Human-readable text.
    pub message: String,
    /// Line within the batch, when known (1-based).
    pub line: Option<u32>,
    /// Name of the procedure the error happened in, when any.
    pub procedure: Option<String>,
}

impl ServerError {
    /// An error with severity 16, state 1 — the common case.
    pub fn new(number: i32, message: impl Into<String>) -> Self {
        Self {
            number,
            severity: 16,
            state: 1,
            message: message.into(),
            line: None,
            procedure: None,
        }
    }

    /// Same error with another severity.
    #[must_use]
    pub fn with_severity(mut self, severity: u8) -> Self {
        self.severity = severity;
        self
    }

    /// Same error with another state.
    #[must_use]
    pub fn with_state(mut self, state: u8) -> Self {
        self.state = state;
        self
    }

    /// Same error with the line it was raised at (kept if already set).
    #[must_use]
    pub fn at_line(mut self, line: u32) -> Self {
        if self.line.is_none() {
            self.line = Some(line);
        }
        self
    }
}

impl fmt::Display for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Msg {}, Level {}, State {}",
            self.number, self.severity, self.state
        )?;
        if let Some(line) = self.line {
            write!(f, ", Line {line}")?;
        }
        write!(f, "\n{}", self.message)
    }
}

impl std::error::Error for ServerError {}
