//! `sbroker-bench`: runs the in-process benchmark suite (DESIGN §6) and prints a table or
//! JSON. The `sbroker` binary offers the same as `sbroker bench`.

use clap::Parser;

/// Benchmarks of sbroker through the engine's Rust API, with durable commits.
#[derive(Debug, Parser)]
#[command(name = "sbroker-bench", version)]
struct Cli {
    #[command(flatten)]
    args: sbroker_bench::BenchArgs,
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let code = sbroker_bench::main_with(&cli.args);
    std::process::ExitCode::from(u8::try_from(code).unwrap_or(1))
}
