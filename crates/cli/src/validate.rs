//! `openirp validate FILE...`: the server's own schema and rule engine, offline. JSON files holding one
//! invoice or an array of invoices (`-` reads standard input); arrays are read one invoice at a time, so
//! a large file never sits in memory whole.
//!
//! Exit code 0 when every document is valid, 1 when any is invalid, 2 when an input cannot be read.

use anyhow::{Context as _, anyhow};
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use openirp_rules::{Context, Finding, Severity};
use serde::Serialize;
use serde::de::{Deserializer, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::io::{BufReader, IsTerminal, Read};
use std::path::PathBuf;

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(Args)]
pub struct ValidateArgs {
    /// JSON files with one invoice or an array of invoices; `-` for standard input.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Output for people (a table per document) or for programs (JSON).
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Evaluate time rules (future dates, the 30-day window) as of this date (dd/mm/yyyy or yyyy-mm-dd).
    #[arg(long, value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
    /// The GSTIN that will send the documents (default: each document's seller).
    #[arg(long)]
    pub gstin: Option<String>,
    /// The seller's aggregate annual turnover in crore rupees, for the turnover-dependent rules.
    #[arg(long)]
    pub aato_crore: Option<rust_decimal::Decimal>,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    openirp_model::time::parse_doc_date(s)
        .or_else(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .ok_or_else(|| format!("{s}: expected dd/mm/yyyy or yyyy-mm-dd"))
}

/// The verdict on one document.
#[derive(Serialize)]
struct DocumentReport {
    file: String,
    /// Position in the file's array (0 for a file holding one invoice).
    index: usize,
    /// `Typ No Dt` when the schema let us read them.
    document: Option<String>,
    irn: Option<String>,
    valid: bool,
    errors: Vec<Finding>,
    warnings: Vec<Finding>,
}

#[derive(Default, Serialize)]
struct Summary {
    documents: usize,
    valid: usize,
    invalid: usize,
    errors: usize,
    warnings: usize,
    unreadable_inputs: usize,
}

impl Summary {
    fn count(&mut self, report: &DocumentReport) {
        self.documents += 1;
        self.errors += report.errors.len();
        self.warnings += report.warnings.len();
        if report.valid {
            self.valid += 1;
        } else {
            self.invalid += 1;
        }
    }

    fn line(&self) -> String {
        let unreadable = match self.unreadable_inputs {
            0 => String::new(),
            n => format!("; {n} input(s) could not be read"),
        };
        format!(
            "{} document(s): {} valid, {} invalid; {} error(s), {} warning(s){unreadable}",
            self.documents, self.valid, self.invalid, self.errors, self.warnings
        )
    }
}

pub fn run(args: ValidateArgs) -> anyhow::Result<std::process::ExitCode> {
    let today = args
        .as_of
        .unwrap_or_else(|| openirp_model::time::ist_date(chrono::Utc::now().timestamp()));
    let mut summary = Summary::default();
    if matches!(args.format, Format::Json) {
        // One document per line, written as it is checked: the output streams like the input.
        println!("{{\"documents\":[");
    }
    for file in &args.files {
        let name = file.display().to_string();
        let outcome = each_document(file, |index, text| {
            let report = check(&name, index, text, today, &args)?;
            match args.format {
                Format::Human => print_human(&report),
                Format::Json => {
                    let separator = if summary.documents > 0 { "," } else { "" };
                    println!(
                        "{separator}{}",
                        serde_json::to_string(&report).unwrap_or_default()
                    );
                }
            }
            summary.count(&report);
            Ok(())
        });
        if let Err(e) = outcome {
            summary.unreadable_inputs += 1;
            eprintln!("openirp validate: {name}: {e:#}");
        }
    }
    match args.format {
        Format::Human => println!("{}", summary.line()),
        Format::Json => println!("],\"summary\":{}}}", serde_json::to_string(&summary)?),
    }
    let code = if summary.unreadable_inputs > 0 {
        2
    } else if summary.invalid > 0 {
        1
    } else {
        0
    };
    Ok(std::process::ExitCode::from(code))
}

/// Schema and business rules of one document, offline: no GSTIN master, so rules that need one are
/// skipped. An error only when the text is not JSON.
fn check(
    file: &str,
    index: usize,
    text: &str,
    today: NaiveDate,
    args: &ValidateArgs,
) -> anyhow::Result<DocumentReport> {
    let checked =
        openirp_rules::check_schema_text(text).map_err(|e| anyhow!("not valid JSON: {e}"))?;
    let (findings, document, irn) = match checked {
        Err(findings) => (findings, None, None),
        Ok((_canon, invoice)) => {
            let caller = args
                .gstin
                .as_deref()
                .map(str::to_ascii_uppercase)
                .unwrap_or_default();
            let mut ctx = Context::offline(today);
            ctx.caller_gstin = &caller;
            ctx.aato_crore = args.aato_crore;
            let findings = openirp_rules::validate(&invoice, &ctx);
            let document = format!(
                "{} {} {}",
                invoice.doc_type, invoice.doc_no, invoice.doc_date_text
            );
            (findings, Some(document), Some(invoice.irn()))
        }
    };
    let (errors, warnings): (Vec<Finding>, Vec<Finding>) = findings
        .into_iter()
        .partition(|f| f.severity == Severity::Error);
    Ok(DocumentReport {
        file: file.to_string(),
        index,
        document,
        valid: errors.is_empty(),
        irn,
        errors,
        warnings,
    })
}

fn print_human(r: &DocumentReport) {
    let title = r.document.as_deref().unwrap_or("(document unreadable)");
    let verdict = if r.valid { "valid" } else { "INVALID" };
    println!("{} #{}  {title}  {verdict}", r.file, r.index);
    let rows: Vec<(&str, &str, &str, &str)> = r
        .errors
        .iter()
        .map(|f| ("error", f.pointer.as_str(), f.code, f.message.as_str()))
        .chain(
            r.warnings
                .iter()
                .map(|f| ("warning", f.pointer.as_str(), f.code, f.message.as_str())),
        )
        .collect();
    if rows.is_empty() {
        println!();
        return;
    }
    let width = rows
        .iter()
        .map(|(_, p, _, _)| p.len().max(1))
        .max()
        .unwrap_or(1)
        .max("field".len());
    println!("  {:<7}  {:<width$}  {:<4}  message", "", "field", "code");
    for (kind, pointer, code, message) in rows {
        let pointer = if pointer.is_empty() { "/" } else { pointer };
        println!("  {kind:<7}  {pointer:<width$}  {code:<4}  {message}");
    }
    println!();
}

/// Calls `each` with the JSON text of every invoice in `file`: the file's one object, or each element of
/// its top-level array, read one at a time so a large file never sits in memory whole.
fn each_document(
    file: &std::path::Path,
    mut each: impl FnMut(usize, &str) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let (reader, size): (Box<dyn Read>, Option<u64>) = if file.as_os_str() == "-" {
        (Box::new(std::io::stdin().lock()), None)
    } else {
        let f = std::fs::File::open(file).context("cannot open")?;
        let size = f.metadata().ok().map(|m| m.len());
        (Box::new(f), size)
    };
    let progress = progress_bar(size);
    let counted = Counted {
        inner: reader,
        bar: progress.clone(),
    };
    let mut reader = BufReader::with_capacity(1 << 16, counted);
    let result = if first_significant_byte(&mut reader)? == Some(b'[') {
        let mut de = serde_json::Deserializer::from_reader(reader);
        let mut failure = None;
        let parsed = de.deserialize_seq(Documents {
            each: &mut each,
            failure: &mut failure,
        });
        match failure {
            Some(e) => Err(e),
            None => parsed
                .map_err(|e| anyhow!("not valid JSON: {e}"))
                .and_then(|()| {
                    de.end()
                        .map_err(|e| anyhow!("trailing characters after the JSON value: {e}"))
                }),
        }
    } else {
        let mut text = String::new();
        reader.read_to_string(&mut text).context("not UTF-8 text")?;
        each(0, &text)
    };
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    result
}

/// The first byte that is not JSON white space, without consuming it.
fn first_significant_byte(reader: &mut impl std::io::BufRead) -> anyhow::Result<Option<u8>> {
    loop {
        let buf = reader.fill_buf().context("cannot read")?;
        let Some(&first) = buf.first() else {
            return Ok(None);
        };
        if matches!(first, b' ' | b'\t' | b'\n' | b'\r') {
            reader.consume(1);
        } else {
            return Ok(Some(first));
        }
    }
}

/// A progress bar on a terminal for files large enough to wait for.
fn progress_bar(size: Option<u64>) -> Option<indicatif::ProgressBar> {
    let size = size.filter(|s| *s > 8 * 1024 * 1024)?;
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let style =
        indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} read, {eta} left")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    Some(indicatif::ProgressBar::new(size).with_style(style))
}

/// Counts bytes read into the progress bar.
struct Counted<R> {
    inner: R,
    bar: Option<indicatif::ProgressBar>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(bar) = &self.bar {
            bar.inc(n as u64);
        }
        Ok(n)
    }
}

/// A top-level array, parsed one element at a time; each element is handed over as its raw text.
struct Documents<'a, F> {
    each: &'a mut F,
    /// The first error `each` returned: it stops the walk.
    failure: &'a mut Option<anyhow::Error>,
}

impl<'de, F: FnMut(usize, &str) -> anyhow::Result<()>> Visitor<'de> for Documents<'_, F> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of invoices")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0;
        while let Some(raw) = seq.next_element::<Box<RawValue>>()? {
            if let Err(e) = (self.each)(index, raw.get()) {
                *self.failure = Some(e);
                return Ok(());
            }
            index += 1;
        }
        Ok(())
    }
}
