//! `openirp`: one binary for the IRP server and the tools around it.

mod admin;
mod backup;
mod bench;
mod cancel;
mod ewb;
mod generate;
mod get;
mod gstin;
mod gstr1;
mod login;
mod migrate;
mod print;
mod profile;
mod qr;
mod serve;
mod validate;
mod verify;

use clap::{Parser, Subcommand, ValueEnum};

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
    /// Log lines on stderr: text for people, json (one object a line, with the request id of every
    /// line logged while serving a request) for log collectors.
    #[arg(
        long,
        global = true,
        env = "OPENIRP_LOG_FORMAT",
        value_enum,
        default_value = "text"
    )]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

/// Logs to stderr, filtered by `OPENIRP_LOG` (default `info`). Credentials never reach a log line:
/// the server marks them sensitive before any layer could print a header.
fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("OPENIRP_LOG")
        // PostgreSQL's notices ("relation already exists, skipping") are not news.
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx::postgres::notice=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        // The fields of the event at the top level; `span` and `spans` carry the request id.
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(true)
            .init(),
    }
}

#[derive(Subcommand)]
enum Command {
    /// Run the IRP server (NIC e-Invoice API, developer portal, key publication, sandbox test-data API).
    Serve(serve::ServeArgs),
    /// Apply the database migrations (SQLite file or --database PostgreSQL) and stop.
    Migrate(migrate::MigrateArgs),
    /// Copy a SQLite node's data directory (store and keys) while it serves: the copy is a data directory.
    Backup(backup::BackupArgs),
    /// Measure Generate IRN end to end over HTTP against the RSA-2048 signing rate of this machine.
    Bench(bench::BenchArgs),
    /// Log in to the IRP and cache the token and session key (mode 0600) for the other commands.
    Login(login::LoginArgs),
    /// Show a GSTIN's details from the IRP's master (--sync: from the common portal).
    Gstin(gstin::GstinArgs),
    /// Register invoices: a JSON invoice, a JSON array, a folder, or a bulk CSV/Excel file.
    Generate(generate::GenerateArgs),
    /// Cancel an IRN within 24 hours of its acknowledgement.
    Cancel(cancel::CancelArgs),
    /// Fetch a registered e-invoice by IRN or by document (--doc TYPE/NUMBER/DATE).
    Get(get::GetArgs),
    /// E-way bills of registered IRNs: generate, get, cancel.
    #[command(subcommand)]
    Ewb(ewb::EwbCommand),
    /// Download the GSTR-1 of a month (JSON, and one CSV per section) built from the e-invoices.
    Gstr1(gstr1::Gstr1Args),
    /// Verify a SignedInvoice or SignedQRCode (a JWS, a file holding one, or a QR image) offline.
    Verify(verify::VerifyArgs),
    /// Draw the signed QR code of an IRN or a JWS as a PNG, scannable at print size.
    Qr(qr::QrArgs),
    /// Print an e-invoice as an A4 PDF with its signed QR code.
    Print(print::PrintArgs),
    /// Manage portal administrators (production onboarding approvals).
    #[command(subcommand)]
    Admin(admin::AdminCommand),
    /// Check invoices offline with the server's own schema and rules (exit 0 valid, 1 invalid, 2 unreadable).
    Validate(validate::ValidateArgs),
}

fn main() -> anyhow::Result<std::process::ExitCode> {
    let cli = Cli::parse();
    init_logging(cli.log_format);
    match cli.command {
        Command::Serve(args) => serve::run(args).map(|()| std::process::ExitCode::SUCCESS),
        Command::Migrate(args) => migrate::run(args).map(|()| std::process::ExitCode::SUCCESS),
        Command::Backup(args) => backup::run(args).map(|()| std::process::ExitCode::SUCCESS),
        Command::Bench(args) => bench::run(args).map(|()| std::process::ExitCode::SUCCESS),
        Command::Validate(args) => validate::run(args),
        Command::Admin(cmd) => admin::run(cmd).map(|()| std::process::ExitCode::SUCCESS),
        Command::Login(args) => login::run(args),
        Command::Gstin(args) => gstin::run(args),
        Command::Generate(args) => generate::run(args),
        Command::Cancel(args) => cancel::run(args),
        Command::Get(args) => get::run(args),
        Command::Ewb(cmd) => ewb::run(cmd),
        Command::Gstr1(args) => gstr1::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Qr(args) => qr::run(args),
        Command::Print(args) => print::run(args),
    }
}
