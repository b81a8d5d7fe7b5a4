//! Script running shared by `sbroker run` (embedded) and `sbroker sql` (over TDS): sqlcmd
//! preprocessing (`:setvar`, `$(var)`, `:r`, `:on error exit`), `GO [n]` batches, and the
//! exit status rule of DESIGN §2 (non-zero if any error was not caught by TRY/CATCH).

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use sbroker_tsql::sqlcmd::{self, SqlcmdOptions};

/// Runs one batch; `Ok(true)` if it failed, `Err` if the batch could not be run at all
/// (connection lost) and the run must stop.
pub type Execute<'a> = dyn FnMut(&str) -> Result<bool, String> + 'a;

/// What running one script text did.
pub struct TextOutcome {
    /// A batch failed.
    pub failed: bool,
    /// `:on error exit` fired, `:exit` ran, or the connection was lost: stop the run.
    pub stop: bool,
    /// The connection was lost (exit status 2).
    pub broken: bool,
}

/// Preprocesses and runs one script text; `opts` carries variables and `:on error` on.
pub fn run_text(
    text: &str,
    name: &str,
    dir: PathBuf,
    opts: &mut SqlcmdOptions,
    execute: &mut Execute<'_>,
) -> TextOutcome {
    let mut out = TextOutcome {
        failed: false,
        stop: false,
        broken: false,
    };
    opts.base_dir = dir;
    let pre = match sqlcmd::preprocess(text, name, opts) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("Sqlcmd: Error: {e}");
            out.failed = true;
            out.stop = opts.on_error_exit;
            return out;
        }
    };
    for w in &pre.warnings {
        eprintln!("sbroker: {}:{}: {}", w.file, w.line, w.message);
    }
    'batches: for batch in &pre.batches {
        for _ in 0..batch.count.max(1) {
            match execute(&batch.text) {
                Ok(false) => {}
                Ok(true) => {
                    out.failed = true;
                    if batch.on_error_exit {
                        out.stop = true;
                        break 'batches;
                    }
                }
                Err(e) => {
                    eprintln!("sbroker: {e}");
                    out.failed = true;
                    out.stop = true;
                    out.broken = true;
                    break 'batches;
                }
            }
        }
    }
    opts.vars = pre.vars;
    opts.on_error_exit = pre.on_error_exit;
    out.stop |= pre.exited;
    out
}

/// Runs script files (`-` is standard input) in order; variables and the `:on error`
/// setting carry over from one file to the next.
pub fn run_files(
    files: &[String],
    vars: &[(String, String)],
    execute: &mut Execute<'_>,
) -> ExitCode {
    let mut failed = false;
    let mut opts = SqlcmdOptions {
        vars: vars.to_vec(),
        ..SqlcmdOptions::default()
    };
    for f in files {
        let (text, name, dir) = if f == "-" {
            let mut bytes = Vec::new();
            if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
                eprintln!("sbroker: cannot read standard input: {e}");
                return ExitCode::from(2);
            }
            let dir = std::env::current_dir().unwrap_or_default();
            (sqlcmd::decode_script(&bytes), "(stdin)".to_string(), dir)
        } else {
            match std::fs::read(f) {
                Ok(bytes) => {
                    let dir = std::path::Path::new(f)
                        .parent()
                        .map(std::path::Path::to_path_buf)
                        .unwrap_or_default();
                    (sqlcmd::decode_script(&bytes), f.clone(), dir)
                }
                Err(e) => {
                    eprintln!("sbroker: cannot read {f}: {e}");
                    return ExitCode::from(2);
                }
            }
        };
        let out = run_text(&text, &name, dir, &mut opts, execute);
        failed |= out.failed;
        if out.broken {
            return ExitCode::from(2);
        }
        if out.stop {
            break;
        }
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
