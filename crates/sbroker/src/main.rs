//! `sbroker`: SQL Server Service Broker, rebuilt in Rust.
//!
//! Subcommands (DESIGN §2): `run` executes T-SQL scripts against an embedded instance
//! stored in a data directory; `bench` runs the built-in benchmarks.

mod output;

use std::io::Read;

use sbroker_tsql::sqlcmd::{self, SqlcmdOptions};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use output::{Format, Printer};
use sbroker_engine::Instance;
use sbroker_exec::Executor;

#[derive(Parser)]
#[command(
    name = "sbroker",
    version,
    about = "SQL Server Service Broker, rebuilt in Rust"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run T-SQL scripts against an embedded instance (batches separated by GO lines).
    Run {
        /// Data directory of the instance (created if missing).
        #[arg(long, default_value = "./sbroker-data")]
        data: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// sqlcmd scripting variable, `-v name=value` (repeatable); used by `$(name)`.
        #[arg(short = 'v', long = "var", value_parser = parse_var, action = clap::ArgAction::Append)]
        vars: Vec<(String, String)>,
        /// Script files; `-` reads standard input.
        #[arg(required = true)]
        files: Vec<String>,
    },
    /// Run the built-in benchmarks (W1–W4 of DESIGN §6) and print a result table.
    Bench(sbroker_bench::BenchArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Run {
            data,
            format,
            vars,
            files,
        } => run(&data, format, &files, &vars),
        Command::Bench(args) => {
            ExitCode::from(u8::try_from(sbroker_bench::main_with(&args)).unwrap_or(1))
        }
    }
}

fn parse_var(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("expected name=value, got '{s}'")),
    }
}

fn run(data: &PathBuf, format: Format, files: &[String], vars: &[(String, String)]) -> ExitCode {
    let instance = match Instance::open(data) {
        Ok(i) => i,
        Err(e) => {
            eprintln!(
                "sbroker: cannot open data directory {}: {e}",
                data.display()
            );
            return ExitCode::from(2);
        }
    };
    // Activation procedures run in background sessions; their output goes to stderr.
    instance.set_activator(std::sync::Arc::new(
        sbroker_exec::activation::TsqlActivator::stderr(),
    ));
    let mut exec = Executor::new(&instance);
    let stdout = std::io::stdout();
    let mut printer = Printer::new(stdout.lock(), format);
    let mut failed = false;
    // sqlcmd scripting (:setvar, $(var), :r, :on error) is understood in every file;
    // variables and the :on error setting carry over from one file to the next.
    let mut opts = SqlcmdOptions {
        vars: vars.to_vec(),
        ..SqlcmdOptions::default()
    };
    'files: for f in files {
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
        opts.base_dir = dir;
        let pre = match sqlcmd::preprocess(&text, &name, &opts) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("Sqlcmd: Error: {e}");
                failed = true;
                if opts.on_error_exit {
                    break;
                }
                continue;
            }
        };
        for w in &pre.warnings {
            eprintln!("sbroker: {}:{}: {}", w.file, w.line, w.message);
        }
        for batch in &pre.batches {
            for _ in 0..batch.count.max(1) {
                if exec.execute_batch(&batch.text, &mut printer).failed {
                    failed = true;
                    if batch.on_error_exit {
                        break 'files;
                    }
                }
            }
        }
        opts.vars = pre.vars;
        opts.on_error_exit = pre.on_error_exit;
        if pre.exited {
            break;
        }
    }
    // An open transaction at the end of the run is rolled back, as when a connection closes.
    drop(exec);
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
