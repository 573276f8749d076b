//! `openirp generate FILE...`: registers invoices from JSON files, folders, and bulk CSV/Excel files.
//!
//! Every document is first checked offline with the server's own rule engine (invalid ones are never
//! sent), then sent with bounded concurrency over one authenticated client. Each input keeps a ledger
//! (`FILE.journal.jsonl`, `FILE.results.csv`, `FILE.results.json`): a rerun skips what is registered,
//! and a document the IRP already holds (2150) is recorded with the IRN from DUPIRN.
//!
//! Exit code 0 when nothing failed or was invalid, 1 otherwise, 2 when an input cannot be read.

mod inputs;
mod send;

use anyhow::Context as _;
use clap::{Args, ValueEnum};
use openirp_bulk::{Outcome, Status};
use serde::Serialize;
use std::path::PathBuf;
use std::sync::Arc;

pub use send::{Options, Run, bulk_run};

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Table,
    Json,
}

#[derive(Args)]
pub struct GenerateArgs {
    /// JSON invoices (one or an array), folders (their *.json, *.csv, *.xlsx), bulk .csv or .xlsx files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Folder for the results and journal files (default: beside each input).
    #[arg(long)]
    pub results: Option<PathBuf>,
    /// Documents in flight at once.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=512))]
    pub concurrency: u16,
    /// Check everything offline and send nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    #[command(flatten)]
    pub profile: crate::profile::ProfileArgs,
}

pub fn run(args: GenerateArgs) -> anyhow::Result<std::process::ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let report = runtime.block_on(generate(&args))?;
    print_report(&report, args.format)?;
    Ok(std::process::ExitCode::from(report.exit_code()))
}

async fn generate(args: &GenerateArgs) -> anyhow::Result<Run> {
    if let Some(dir) = &args.results {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let mut options = Options {
        results_dir: args.results.clone(),
        concurrency: usize::from(args.concurrency),
        caller_gstin: args
            .profile
            .gstin
            .clone()
            .unwrap_or_default()
            .to_ascii_uppercase(),
        today: openirp_model::time::ist_date(chrono::Utc::now().timestamp()),
        progress: true,
    };
    let client = if args.dry_run {
        None
    } else {
        let profile = args.profile.resolve()?;
        options.caller_gstin = profile.credentials.gstin.clone();
        let client = profile.client().await?;
        // One session before the parallel sends: the cached one while it lasts, else a login, so a
        // bad credential fails once and up front.
        client
            .ensure_session()
            .await
            .context("logging in to the IRP")?;
        Some(Arc::new(client))
    };
    Ok(bulk_run(client, &args.files, &options).await)
}

/// Counts by status.
#[derive(Default, Serialize)]
pub struct Summary {
    pub documents: usize,
    pub registered: usize,
    pub already_registered: usize,
    pub invalid: usize,
    pub failed: usize,
    /// Dry run: passed the offline checks, not sent.
    pub valid: usize,
    /// Documents this run sent to the IRP.
    pub sent: usize,
    pub unreadable_inputs: usize,
}

impl Run {
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            unreadable_inputs: self.unreadable.len(),
            sent: self.sent,
            ..Summary::default()
        };
        for slot in self.files.iter().flat_map(|f| &f.outcomes) {
            s.documents += 1;
            match slot.as_ref().map(|o| o.status) {
                None => s.valid += 1,
                Some(Status::Registered) => s.registered += 1,
                Some(Status::AlreadyRegistered) => s.already_registered += 1,
                Some(Status::Invalid) => s.invalid += 1,
                Some(Status::Failed) => s.failed += 1,
            }
        }
        s
    }

    pub fn exit_code(&self) -> u8 {
        let s = self.summary();
        if s.unreadable_inputs > 0 {
            2
        } else if s.invalid + s.failed > 0 {
            1
        } else {
            0
        }
    }
}

impl Summary {
    fn line(&self) -> String {
        format!(
            "{} document(s): {} registered, {} already registered, {} invalid, {} failed{}; {} sent{}",
            self.documents,
            self.registered,
            self.already_registered,
            self.invalid,
            self.failed,
            if self.valid > 0 {
                format!(", {} valid (dry run)", self.valid)
            } else {
                String::new()
            },
            self.sent,
            match self.unreadable_inputs {
                0 => String::new(),
                n => format!("; {n} input(s) could not be read"),
            }
        )
    }
}

fn print_report(run: &Run, format: Format) -> anyhow::Result<()> {
    for (path, error) in &run.unreadable {
        eprintln!("openirp generate: {}: {error}", path.display());
    }
    match format {
        Format::Table => {
            for file in &run.files {
                println!("{}", file.path.display());
                for slot in &file.outcomes {
                    println!("  {}", table_line(slot.as_ref()));
                }
                if let Some(paths) = &file.ledger {
                    println!("  results: {}", paths.results_csv.display());
                }
            }
            println!("{}", run.summary().line());
        }
        Format::Json => {
            #[derive(Serialize)]
            struct FileView {
                file: String,
                results: Option<String>,
                documents: Vec<serde_json::Value>,
            }
            let files: Vec<FileView> = run
                .files
                .iter()
                .map(|f| FileView {
                    file: f.path.display().to_string(),
                    results: f
                        .ledger
                        .as_ref()
                        .map(|p| p.results_json.display().to_string()),
                    documents: f
                        .outcomes
                        .iter()
                        .map(|o| match o {
                            Some(o) => serde_json::to_value(o).unwrap_or_default(),
                            None => serde_json::json!({"status": "VALID"}),
                        })
                        .collect(),
                })
                .collect();
            let unreadable: Vec<_> = run
                .unreadable
                .iter()
                .map(|(p, e)| serde_json::json!({"file": p.display().to_string(), "error": e}))
                .collect();
            let out = serde_json::json!({"files": files, "unreadable": unreadable, "summary": run.summary()});
            println!("{}", serde_json::to_string_pretty(&out)?);
        }
    }
    Ok(())
}

fn table_line(outcome: Option<&Outcome>) -> String {
    let Some(o) = outcome else {
        return "VALID (dry run)".to_string();
    };
    let detail = match (&o.irn, o.errors.is_empty()) {
        (Some(irn), _) => format!("{irn}  AckNo {}", o.ack_no.as_deref().unwrap_or("-")),
        (None, false) => o
            .errors
            .iter()
            .map(|e| format!("{}: {}", e.code, e.message))
            .collect::<Vec<_>>()
            .join("; "),
        (None, true) => String::new(),
    };
    format!(
        "{:<10} {} {} {}  {:<18}  {detail}",
        o.source,
        o.doc_type,
        o.doc_no,
        o.doc_date,
        o.status.as_str()
    )
}
