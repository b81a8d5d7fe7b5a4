//! `sbroker`: SQL Server Service Broker, rebuilt in Rust.
//!
//! Subcommands (DESIGN §2): `run` executes T-SQL scripts against an embedded instance
//! stored in a data directory; `bench` runs the built-in benchmarks.

mod output;

use std::io::Read;
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
            files,
        } => run(&data, format, &files),
        Command::Bench(args) => {
            ExitCode::from(u8::try_from(sbroker_bench::main_with(&args)).unwrap_or(1))
        }
    }
}

fn run(data: &PathBuf, format: Format, files: &[String]) -> ExitCode {
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
    let mut exec = Executor::new(&instance);
    let stdout = std::io::stdout();
    let mut printer = Printer::new(stdout.lock(), format);
    let mut failed = false;
    for f in files {
        let text = if f == "-" {
            let mut s = String::new();
            if let Err(e) = std::io::stdin().read_to_string(&mut s) {
                eprintln!("sbroker: cannot read standard input: {e}");
                return ExitCode::from(2);
            }
            s
        } else {
            match std::fs::read_to_string(f) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("sbroker: cannot read {f}: {e}");
                    return ExitCode::from(2);
                }
            }
        };
        if exec.execute_script(&text, &mut printer) {
            failed = true;
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
