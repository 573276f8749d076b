//! `openirp`: one binary for the IRP server and the tools around it.

mod admin;
mod bench;
mod serve;
mod validate;

use clap::{Parser, Subcommand};

/// A server allocating many short-lived buffers per request runs measurably faster on mimalloc than on
/// glibc's allocator (see docs/PERFORMANCE.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "openirp",
    version,
    about = "OpenIRP: a NIC-compatible e-Invoice Registration Portal"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the IRP server (NIC e-Invoice API, developer portal, key publication, sandbox test-data API).
    Serve(serve::ServeArgs),
    /// Measure Generate IRN end to end over HTTP against the RSA-2048 signing rate of this machine.
    Bench(bench::BenchArgs),
    /// Manage portal administrators (production onboarding approvals).
    #[command(subcommand)]
    Admin(admin::AdminCommand),
    /// Check invoices offline with the server's own schema and rules (exit 0 valid, 1 invalid, 2 unreadable).
    Validate(validate::ValidateArgs),
}

fn main() -> anyhow::Result<std::process::ExitCode> {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("OPENIRP_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match cli.command {
        Command::Serve(args) => serve::run(args).map(|()| std::process::ExitCode::SUCCESS),
        Command::Bench(args) => bench::run(args).map(|()| std::process::ExitCode::SUCCESS),
        Command::Validate(args) => validate::run(args),
        Command::Admin(cmd) => admin::run(cmd).map(|()| std::process::ExitCode::SUCCESS),
    }
}
