//! `sbroker sql`: a TDS client. With `-i` files it runs them like `sbroker run` (same batch
//! and exit-status rules); otherwise it is an interactive shell with history, or reads
//! standard input when that is not a terminal.

use std::io::IsTerminal;
use std::process::ExitCode;

use sbroker_server::{Client, ClientConfig};
use sbroker_tsql::sqlcmd::SqlcmdOptions;

use crate::output::{Format, Printer};
use crate::scripts;

pub fn sql(
    cfg: &ClientConfig,
    inputs: &[String],
    format: Format,
    vars: &[(String, String)],
) -> ExitCode {
    let mut client = match Client::connect(cfg) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("sbroker: cannot connect to {}: {e}", cfg.server);
            return ExitCode::from(2);
        }
    };
    let stdout = std::io::stdout();
    let mut printer = Printer::new(stdout.lock(), format);
    let mut execute = |batch: &str| -> Result<bool, String> {
        client
            .execute(batch, &mut printer)
            .map_err(|e| format!("connection to {} lost: {e}", cfg.server))
    };
    if !inputs.is_empty() {
        return scripts::run_files(inputs, vars, &mut execute);
    }
    if !std::io::stdin().is_terminal() {
        return scripts::run_files(&["-".to_string()], vars, &mut execute);
    }
    interactive(vars, &mut execute)
}

/// Lines are collected until a `GO` line runs them; `exit` or `quit` (or end of input)
/// leaves. Errors do not end the shell; the exit status says whether any batch failed.
fn interactive(vars: &[(String, String)], execute: &mut scripts::Execute<'_>) -> ExitCode {
    let mut editor = match rustyline::DefaultEditor::new() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("sbroker: cannot start the shell: {e}");
            return ExitCode::from(2);
        }
    };
    let history =
        std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".sbroker_history"));
    if let Some(h) = &history {
        let _ = editor.load_history(h);
    }
    let mut opts = SqlcmdOptions {
        vars: vars.to_vec(),
        ..SqlcmdOptions::default()
    };
    let dir = std::env::current_dir().unwrap_or_default();
    let mut pending = String::new();
    let mut line_no = 1;
    let mut failed = false;
    loop {
        let line = match editor.readline(&format!("{line_no}> ")) {
            Ok(l) => l,
            Err(rustyline::error::ReadlineError::Interrupted) => {
                // Ctrl-C drops the batch being typed, as sqlcmd does.
                pending.clear();
                line_no = 1;
                continue;
            }
            Err(_) => break,
        };
        let _ = editor.add_history_entry(line.as_str());
        let word = line.trim().to_ascii_lowercase();
        if word == "exit" || word == "quit" {
            pending.clear();
            break;
        }
        pending.push_str(&line);
        pending.push('\n');
        line_no += 1;
        let is_go = word == "go"
            || word
                .strip_prefix("go ")
                .is_some_and(|n| n.trim().parse::<u32>().is_ok());
        if is_go {
            let out = scripts::run_text(&pending, "(shell)", dir.clone(), &mut opts, execute);
            failed |= out.failed;
            pending.clear();
            line_no = 1;
            if out.broken {
                return ExitCode::from(2);
            }
            if out.stop {
                break;
            }
        }
    }
    if !pending.trim().is_empty() {
        let out = scripts::run_text(&pending, "(shell)", dir, &mut opts, execute);
        failed |= out.failed;
    }
    if let Some(h) = &history {
        let _ = editor.save_history(h);
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
