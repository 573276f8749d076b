//! The ledger of a bulk run over one input file: a journal that gets one line per outcome as it arrives
//! (flushed to disk before the next batch), and results files rewritten at the end of the run.
//!
//! A rerun reads both, skips every document already registered, and so never sends one twice; a crash
//! loses at most the documents in flight, which the IRP then answers with 2150 and DUPIRN.

use crate::BulkError;
use crate::convert::DocKey;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{Read as _, Seek as _, SeekFrom, Write as _};
use std::path::{Path, PathBuf};

/// What became of a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    /// Registered by this run.
    Registered,
    /// Registered before: by an earlier run (from the ledger) or, says the IRP, by someone (2150).
    AlreadyRegistered,
    /// Failed the offline checks or could not be converted; never sent.
    Invalid,
    /// Sent, and rejected or unanswered.
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Registered => "REGISTERED",
            Status::AlreadyRegistered => "ALREADY_REGISTERED",
            Status::Invalid => "INVALID",
            Status::Failed => "FAILED",
        }
    }
}

/// A NIC error code (or a conversion error, code `ROW`) and its message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    pub code: String,
    pub message: String,
}

/// The outcome of one document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub doc_type: String,
    pub doc_no: String,
    pub doc_date: String,
    pub status: Status,
    #[serde(default)]
    pub irn: Option<String>,
    /// Kept as text: a 15-digit number that must not pass through a float.
    #[serde(default)]
    pub ack_no: Option<String>,
    #[serde(default)]
    pub ack_dt: Option<String>,
    #[serde(default)]
    pub errors: Vec<Issue>,
    /// Where the document came from in the input (`rows 2-4`, `#0`).
    #[serde(default)]
    pub source: String,
}

impl Outcome {
    /// An outcome without IRP data.
    pub fn new(key: &DocKey, status: Status, source: &str) -> Outcome {
        Outcome {
            doc_type: key.doc_type.clone(),
            doc_no: key.doc_no.clone(),
            doc_date: key.doc_date.clone(),
            status,
            irn: None,
            ack_no: None,
            ack_dt: None,
            errors: Vec::new(),
            source: source.to_string(),
        }
    }

    pub fn key(&self) -> DocKey {
        DocKey::new(&self.doc_type, &self.doc_no, &self.doc_date)
    }

    /// The IRP holds this document: it must not be sent again.
    pub fn is_registered(&self) -> bool {
        matches!(self.status, Status::Registered | Status::AlreadyRegistered) && self.irn.is_some()
    }
}

/// Where the ledger of one input lives.
#[derive(Clone, Debug)]
pub struct LedgerPaths {
    pub results_csv: PathBuf,
    pub results_json: PathBuf,
    pub journal: PathBuf,
}

impl LedgerPaths {
    /// `FILE.results.csv`, `FILE.results.json` and `FILE.journal.jsonl` beside the input, or in `dir`.
    pub fn for_input(input: &Path, dir: Option<&Path>) -> LedgerPaths {
        let name = input
            .file_name()
            .map_or_else(|| "input".into(), |n| n.to_string_lossy().into_owned());
        let base = dir.map_or_else(
            || input.parent().unwrap_or(Path::new(".")).to_path_buf(),
            Path::to_path_buf,
        );
        LedgerPaths {
            results_csv: base.join(format!("{name}.results.csv")),
            results_json: base.join(format!("{name}.results.json")),
            journal: base.join(format!("{name}.journal.jsonl")),
        }
    }
}

/// The results file's shape.
#[derive(Serialize, Deserialize)]
struct ResultsFile {
    documents: Vec<Outcome>,
}

/// The ledger of one input.
pub struct Ledger {
    paths: LedgerPaths,
    /// Documents registered by earlier runs, by [`DocKey::id`].
    registered: HashMap<String, Outcome>,
    journal: Option<File>,
}

impl Ledger {
    /// Reads what earlier runs left: the results file, then the journal (which may be newer).
    pub fn open(paths: LedgerPaths) -> Result<Ledger, BulkError> {
        let mut registered = HashMap::new();
        for outcome in read_results(&paths.results_json)?
            .into_iter()
            .chain(read_journal(&paths.journal)?)
        {
            if outcome.is_registered() {
                registered.entry(outcome.key().id()).or_insert(outcome);
            }
        }
        Ok(Ledger {
            paths,
            registered,
            journal: None,
        })
    }

    pub fn paths(&self) -> &LedgerPaths {
        &self.paths
    }

    /// The earlier outcome of a document the IRP already holds.
    pub fn registered(&self, key: &DocKey) -> Option<&Outcome> {
        self.registered.get(&key.id())
    }

    /// How many documents earlier runs registered.
    pub fn registered_count(&self) -> usize {
        self.registered.len()
    }

    /// Appends `outcomes` to the journal and waits for the disk: once this returns they survive a crash.
    pub fn record(&mut self, outcomes: &[Outcome]) -> Result<(), BulkError> {
        if outcomes.is_empty() {
            return Ok(());
        }
        let mut lines = String::new();
        for outcome in outcomes {
            lines.push_str(
                &serde_json::to_string(outcome).map_err(|e| BulkError::Ledger(e.to_string()))?,
            );
            lines.push('\n');
        }
        let path = self.paths.journal.clone();
        let io = |e| BulkError::Io(path.display().to_string(), e);
        let journal = match &mut self.journal {
            Some(f) => f,
            None => self.journal.insert(open_journal(&path).map_err(io)?),
        };
        journal.write_all(lines.as_bytes()).map_err(io)?;
        journal.sync_data().map_err(io)?;
        for outcome in outcomes.iter().filter(|o| o.is_registered()) {
            self.registered
                .entry(outcome.key().id())
                .or_insert_with(|| outcome.clone());
        }
        Ok(())
    }

    /// Rewrites both results files with this run's outcomes, each replaced whole or not at all.
    pub fn write_results(&self, outcomes: &[Outcome]) -> Result<(), BulkError> {
        let json = serde_json::to_vec_pretty(&ResultsFile {
            documents: outcomes.to_vec(),
        })
        .map_err(|e| BulkError::Ledger(e.to_string()))?;
        replace_file(&self.paths.results_json, &json)?;
        replace_file(&self.paths.results_csv, &results_csv(outcomes)?)
    }
}

/// Opens the journal for appending; a line torn by a crash is ended first so the next one stays whole.
fn open_journal(path: &Path) -> std::io::Result<File> {
    let mut file = OpenOptions::new()
        .create(true)
        .read(true)
        .append(true)
        .open(path)?;
    let len = file.metadata()?.len();
    if len > 0 {
        let mut last = [0u8];
        file.seek(SeekFrom::Start(len - 1))?;
        file.read_exact(&mut last)?;
        if last[0] != b'\n' {
            file.write_all(b"\n")?;
        }
    }
    Ok(file)
}

fn read_results(path: &Path) -> Result<Vec<Outcome>, BulkError> {
    let text = match std::fs::read(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(BulkError::Io(path.display().to_string(), e)),
    };
    let file: ResultsFile = serde_json::from_slice(&text)
        .map_err(|e| BulkError::Ledger(format!("{}: {e}", path.display())))?;
    Ok(file.documents)
}

/// The journal's outcomes; a line a crash cut short is skipped.
fn read_journal(path: &Path) -> Result<Vec<Outcome>, BulkError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(BulkError::Io(path.display().to_string(), e)),
    };
    Ok(text
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect())
}

/// The results as CSV: one row per document, error codes and messages joined.
fn results_csv(outcomes: &[Outcome]) -> Result<Vec<u8>, BulkError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| BulkError::Ledger(e.to_string());
    w.write_record([
        "doc_type",
        "doc_no",
        "doc_date",
        "status",
        "irn",
        "ack_no",
        "ack_dt",
        "error_codes",
        "error_messages",
        "source",
    ])
    .map_err(err)?;
    for o in outcomes {
        let codes: Vec<&str> = o.errors.iter().map(|e| e.code.as_str()).collect();
        let messages: Vec<&str> = o.errors.iter().map(|e| e.message.as_str()).collect();
        w.write_record([
            o.doc_type.as_str(),
            &o.doc_no,
            &o.doc_date,
            o.status.as_str(),
            o.irn.as_deref().unwrap_or(""),
            o.ack_no.as_deref().unwrap_or(""),
            o.ack_dt.as_deref().unwrap_or(""),
            &codes.join(";"),
            &messages.join(" | "),
            &o.source,
        ])
        .map_err(err)?;
    }
    w.into_inner().map_err(|e| BulkError::Ledger(e.to_string()))
}

/// Writes `bytes` beside `path`, flushes, and renames over it.
fn replace_file(path: &Path, bytes: &[u8]) -> Result<(), BulkError> {
    let io = |e| BulkError::Io(path.display().to_string(), e);
    let tmp = path.with_extension("tmp");
    let mut file = File::create(&tmp).map_err(io)?;
    file.write_all(bytes).map_err(io)?;
    file.sync_all().map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}
