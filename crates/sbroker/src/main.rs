//! `sbroker`: SQL Server Service Broker, rebuilt in Rust.
//!
//! Subcommands (DESIGN §2): `run` executes T-SQL scripts against an embedded instance
//! stored in a data directory; `serve` serves an instance over TDS; `sql` is a TDS client
//! (script runner or interactive shell); `bench` runs the built-in benchmarks.

mod output;
mod scripts;
mod serve;
mod sql;

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
    /// Serve an instance over TDS (the SQL Server wire protocol).
    Serve {
        /// Data directory of the instance (created if missing).
        #[arg(long, default_value = "./sbroker-data")]
        data: PathBuf,
        /// Address for TDS clients (port 0 picks a free port; the address is printed).
        #[arg(long, default_value = "127.0.0.1:1433")]
        listen: String,
        /// Address for the HTTP dashboard (`/`), Prometheus metrics (`/metrics`) and JSON
        /// status (`/api/status`); off when not given.
        #[arg(long)]
        http: Option<String>,
        /// Require SQL authentication: `sa` with this password, or logins made with
        /// CREATE LOGIN … WITH PASSWORD (also SBROKER_SA_PASSWORD). Without it any login
        /// is accepted as `sa`, on loopback addresses only.
        #[arg(long)]
        sa_password: Option<String>,
    },
    /// Connect to a server over TDS: run scripts (-i) or an interactive shell.
    Sql {
        /// Server, `host:port` (or `host,port`).
        #[arg(short = 'S', long = "server", default_value = "127.0.0.1:1433")]
        server: String,
        /// Login name.
        #[arg(short = 'U', long = "user", default_value = "sa")]
        user: String,
        /// Password (also SQLCMDPASSWORD).
        #[arg(short = 'P', long = "password")]
        password: Option<String>,
        /// Initial database.
        #[arg(short = 'd', long = "database")]
        database: Option<String>,
        /// Script files (repeatable); without one, an interactive shell (or standard input
        /// when it is not a terminal).
        #[arg(short = 'i', long = "input")]
        inputs: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// sqlcmd scripting variable, `-v name=value` (repeatable); used by `$(name)`.
        #[arg(short = 'v', long = "var", value_parser = parse_var, action = clap::ArgAction::Append)]
        vars: Vec<(String, String)>,
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
        Command::Serve {
            data,
            listen,
            http,
            sa_password,
        } => serve::serve(&data, &listen, http.as_deref(), sa_password),
        Command::Sql {
            server,
            user,
            password,
            database,
            inputs,
            format,
            vars,
        } => {
            let cfg = sbroker_server::ClientConfig {
                server,
                user,
                password: password
                    .or_else(|| std::env::var("SQLCMDPASSWORD").ok())
                    .unwrap_or_default(),
                database: database.unwrap_or_default(),
                ..Default::default()
            };
            sql::sql(&cfg, &inputs, format, &vars)
        }
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

/// Opens the instance in `data` with T-SQL activation (activated procedures print to
/// stderr); exit status 2 when the directory cannot be opened.
pub(crate) fn open_instance(data: &std::path::Path) -> Result<Instance, ExitCode> {
    let instance = Instance::open(data).map_err(|e| {
        eprintln!(
            "sbroker: cannot open data directory {}: {e}",
            data.display()
        );
        ExitCode::from(2)
    })?;
    instance.set_activator(std::sync::Arc::new(
        sbroker_exec::activation::TsqlActivator::stderr(),
    ));
    Ok(instance)
}

fn run(
    data: &std::path::Path,
    format: Format,
    files: &[String],
    vars: &[(String, String)],
) -> ExitCode {
    let instance = match open_instance(data) {
        Ok(i) => i,
        Err(code) => return code,
    };
    let mut exec = Executor::new(&instance);
    let stdout = std::io::stdout();
    let mut printer = Printer::new(stdout.lock(), format);
    let outcome = scripts::run_files(files, vars, &mut |batch: &str| {
        Ok(exec.execute_batch(batch, &mut printer).failed)
    });
    // An open transaction at the end of the run is rolled back, as when a connection closes.
    drop(exec);
    outcome
}
