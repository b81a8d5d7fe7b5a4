//! Output of `sbroker run` / `sbroker sql`: aligned tables for people, JSON lines for
//! programs (DESIGN §2, contract).

use std::io::Write;

use sbroker_exec::{Column, ResultSink, ServerError, Value};
use serde_json::json;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned tables like sqlcmd, then `(N rows affected)`.
    Table,
    /// One JSON object per line.
    Json,
}

/// Writes results to stdout in the chosen format.
pub struct Printer<W: Write> {
    out: W,
    format: Format,
}

impl<W: Write> Printer<W> {
    /// A printer.
    pub fn new(out: W, format: Format) -> Self {
        Self { out, format }
    }

    fn line(&mut self, s: &str) {
        // A closed pipe (e.g. `| head`) is not worth a panic.
        let _ = writeln!(self.out, "{s}");
    }
}

fn cell(v: &Value) -> String {
    v.to_display_string()
}

impl<W: Write> ResultSink for Printer<W> {
    fn result_set(&mut self, columns: &[Column], rows: &[Vec<Value>]) {
        match self.format {
            Format::Json => {
                let cols: Vec<_> = columns
                    .iter()
                    .map(|c| json!({"name": c.name, "type": c.ty.json_type_name()}))
                    .collect();
                let rows: Vec<Vec<serde_json::Value>> = rows
                    .iter()
                    .map(|r| r.iter().map(Value::to_json).collect())
                    .collect();
                let obj = json!({"resultset": {"columns": cols, "rows": rows}});
                self.line(&obj.to_string());
            }
            Format::Table => {
                let cells: Vec<Vec<String>> =
                    rows.iter().map(|r| r.iter().map(cell).collect()).collect();
                let mut widths: Vec<usize> =
                    columns.iter().map(|c| c.name.chars().count()).collect();
                for r in &cells {
                    for (i, c) in r.iter().enumerate() {
                        if let Some(w) = widths.get_mut(i) {
                            *w = (*w).max(c.chars().count().min(256));
                        }
                    }
                }
                let fmt_row = |vals: Vec<String>| -> String {
                    vals.iter()
                        .enumerate()
                        .map(|(i, v)| {
                            let w = widths.get(i).copied().unwrap_or(0);
                            format!("{v:<w$}")
                        })
                        .collect::<Vec<_>>()
                        .join(" ")
                        .trim_end()
                        .to_string()
                };
                let header = fmt_row(columns.iter().map(|c| c.name.clone()).collect());
                let dashes = widths
                    .iter()
                    .map(|w| "-".repeat(*w))
                    .collect::<Vec<_>>()
                    .join(" ");
                self.line(&header);
                self.line(&dashes);
                for r in cells {
                    let line = fmt_row(r);
                    self.line(&line);
                }
                self.line("");
                let n = rows.len();
                self.line(&format!(
                    "({n} row{} affected)",
                    if n == 1 { "" } else { "s" }
                ));
                self.line("");
            }
        }
    }

    fn message(&mut self, number: i32, severity: u8, text: &str) {
        match self.format {
            Format::Json => {
                let obj =
                    json!({"message": {"number": number, "severity": severity, "text": text}});
                self.line(&obj.to_string());
            }
            Format::Table => self.line(text),
        }
    }

    fn error(&mut self, err: &ServerError) {
        match self.format {
            Format::Json => {
                let obj = json!({"error": {"number": err.number, "severity": err.severity, "state": err.state, "text": err.message, "line": err.line.unwrap_or(1)}});
                self.line(&obj.to_string());
            }
            Format::Table => {
                let proc = err
                    .procedure
                    .as_ref()
                    .map(|p| format!(", Procedure {p}"))
                    .unwrap_or_default();
                self.line(&format!(
                    "Msg {}, Level {}, State {}{proc}, Line {}\n{}",
                    err.number,
                    err.severity,
                    err.state,
                    err.line.unwrap_or(1),
                    err.message
                ));
            }
        }
    }

    fn rows_affected(&mut self, rows: u64) {
        match self.format {
            Format::Json => {
                let obj = json!({"done": {"rows": rows}});
                self.line(&obj.to_string());
            }
            Format::Table => {}
        }
    }
}
