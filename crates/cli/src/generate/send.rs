//! The bulk run: check everything, skip what the ledger says is registered, send the rest with bounded
//! concurrency, journal each outcome as it arrives, and write the results files at the end.

use super::inputs::{self, Checked};
use chrono::NaiveDate;
use openirp_bulk::{DocKey, Issue, Ledger, LedgerPaths, Outcome, Status};
use openirp_client::{ClientError, NicClient};
use serde_json::Value;
use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

/// How a run behaves.
#[derive(Clone, Debug)]
pub struct Options {
    pub results_dir: Option<PathBuf>,
    pub concurrency: usize,
    /// The GSTIN sending (the rules that compare the seller with the caller use it).
    pub caller_gstin: String,
    pub today: NaiveDate,
    /// A progress bar on standard error when it is a terminal.
    pub progress: bool,
}

/// One input file's outcomes, in file order; `None` = valid and not sent (dry run).
pub struct FileRun {
    pub path: PathBuf,
    pub outcomes: Vec<Option<Outcome>>,
    /// Where its ledger is (absent in a dry run).
    pub ledger: Option<LedgerPaths>,
}

/// A whole run.
#[derive(Default)]
pub struct Run {
    pub files: Vec<FileRun>,
    pub unreadable: Vec<(PathBuf, String)>,
    pub sent: usize,
}

/// A document to send.
struct Job {
    file: usize,
    slot: usize,
    key: DocKey,
    source: String,
    text: String,
}

/// Runs `inputs` through the whole pipeline; `client: None` is a dry run.
pub async fn bulk_run(
    client: Option<Arc<NicClient>>,
    inputs: &[PathBuf],
    options: &Options,
) -> Run {
    let (paths, unreadable) = inputs::expand(inputs);
    let mut run = Run {
        unreadable,
        ..Run::default()
    };
    let mut ledgers: Vec<Option<Ledger>> = Vec::new();
    let mut jobs = Vec::new();
    for path in paths {
        let documents = match inputs::load(&path) {
            Ok(d) => d,
            Err(e) => {
                run.unreadable.push((path, e));
                continue;
            }
        };
        let ledger = match client
            .is_some()
            .then(|| open_ledger(&path, options))
            .transpose()
        {
            Ok(l) => l,
            Err(e) => {
                run.unreadable.push((path, e));
                continue;
            }
        };
        let file = run.files.len();
        let mut outcomes = Vec::with_capacity(documents.len());
        for (slot, pending) in documents.into_iter().enumerate() {
            match inputs::check(pending, &options.caller_gstin, options.today) {
                Checked::Invalid(outcome) => outcomes.push(Some(outcome)),
                Checked::Ready { key, source, text } => {
                    match ledger.as_ref().and_then(|l| l.registered(&key)) {
                        Some(earlier) => {
                            outcomes.push(Some(already_from_ledger(earlier, &key, &source)))
                        }
                        None => {
                            outcomes.push(None);
                            jobs.push(Job {
                                file,
                                slot,
                                key,
                                source,
                                text,
                            });
                        }
                    }
                }
            }
        }
        run.files.push(FileRun {
            ledger: ledger.as_ref().map(|l| l.paths().clone()),
            path,
            outcomes,
        });
        ledgers.push(ledger);
    }
    let Some(client) = client else { return run };
    run.sent = jobs.len();
    let (ledgers, sent) = send_all(client, jobs, ledgers, options).await;
    for (file, slot, outcome) in sent {
        run.files[file].outcomes[slot] = Some(outcome);
    }
    for (file, ledger) in run.files.iter().zip(&ledgers) {
        let outcomes: Vec<Outcome> = file.outcomes.iter().flatten().cloned().collect();
        if let Some(Err(e)) = ledger.as_ref().map(|l| l.write_results(&outcomes)) {
            eprintln!(
                "openirp generate: {}: writing the results: {e}",
                file.path.display()
            );
        }
    }
    run
}

fn open_ledger(path: &std::path::Path, options: &Options) -> Result<Ledger, String> {
    Ledger::open(LedgerPaths::for_input(path, options.results_dir.as_deref()))
        .map_err(|e| e.to_string())
}

/// The document was registered by an earlier run: its IRN and acknowledgement, from the ledger.
fn already_from_ledger(earlier: &Outcome, key: &DocKey, source: &str) -> Outcome {
    Outcome::new(key, Status::AlreadyRegistered, source).with_irp(
        earlier.irn.clone(),
        earlier.ack_no.clone(),
        earlier.ack_dt.clone(),
    )
}

/// The IRP's answer on an outcome.
trait WithIrp {
    fn with_irp(self, irn: Option<String>, ack_no: Option<String>, ack_dt: Option<String>) -> Self;
}

impl WithIrp for Outcome {
    fn with_irp(
        mut self,
        irn: Option<String>,
        ack_no: Option<String>,
        ack_dt: Option<String>,
    ) -> Self {
        self.irn = irn;
        self.ack_no = ack_no;
        self.ack_dt = ack_dt;
        self
    }
}

/// Sends every job, at most `concurrency` at a time; a writer thread journals outcomes as they come.
async fn send_all(
    client: Arc<NicClient>,
    jobs: Vec<Job>,
    ledgers: Vec<Option<Ledger>>,
    options: &Options,
) -> (Vec<Option<Ledger>>, Vec<(usize, usize, Outcome)>) {
    let bar = progress_bar(jobs.len() as u64, options.progress);
    let (tx, rx) = mpsc::channel::<(usize, Outcome)>();
    let journal_broken = Arc::new(AtomicBool::new(false));
    let writer = {
        let broken = journal_broken.clone();
        std::thread::spawn(move || journal_writer(rx, ledgers, &broken))
    };
    let semaphore = Arc::new(tokio::sync::Semaphore::new(options.concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for job in jobs {
        let Ok(permit) = semaphore.clone().acquire_owned().await else {
            break;
        };
        let (client, tx, bar, broken) = (
            client.clone(),
            tx.clone(),
            bar.clone(),
            journal_broken.clone(),
        );
        tasks.spawn(async move {
            let outcome = if broken.load(Ordering::SeqCst) {
                // Without a journal a crash could lose this outcome: better not to send at all.
                failed(
                    &job,
                    "JOURNAL",
                    "the journal could not be written; not sent",
                )
            } else {
                send_one(&client, &job).await
            };
            drop(permit);
            let _ = tx.send((job.file, outcome.clone()));
            bar.inc(1);
            (job.file, job.slot, outcome)
        });
    }
    drop(tx);
    let mut sent = Vec::new();
    while let Some(done) = tasks.join_next().await {
        if let Ok(done) = done {
            sent.push(done);
        }
    }
    bar.finish_and_clear();
    let ledgers = writer.join().unwrap_or_default();
    (ledgers, sent)
}

/// Writes outcomes to their file's journal in batches: whatever arrived while the last batch was
/// being flushed goes out with one more flush.
fn journal_writer(
    rx: mpsc::Receiver<(usize, Outcome)>,
    mut ledgers: Vec<Option<Ledger>>,
    broken: &AtomicBool,
) -> Vec<Option<Ledger>> {
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        batch.extend(rx.try_iter());
        for (file, ledger) in ledgers.iter_mut().enumerate() {
            let Some(ledger) = ledger else { continue };
            let mine: Vec<Outcome> = batch
                .iter()
                .filter(|(f, _)| *f == file)
                .map(|(_, o)| o.clone())
                .collect();
            if let Err(e) = ledger.record(&mine) {
                eprintln!("openirp generate: {e}; stopping");
                broken.store(true, Ordering::SeqCst);
            }
        }
    }
    ledgers
}

fn progress_bar(len: u64, wanted: bool) -> indicatif::ProgressBar {
    if !wanted || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let style =
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} sent, {per_sec}, {eta} left")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    indicatif::ProgressBar::new(len).with_style(style)
}

/// Generate IRN for one document, and what its answer means for the ledger. The SDK's safe generate
/// retries timeouts and 5xx, and turns a 2150 into the original registration once it has checked that
/// the IRP's document is this one (seller, document, total): never a second IRN, never a lost one.
async fn send_one(client: &NicClient, job: &Job) -> Outcome {
    match client.generate_safely(job.text.as_bytes()).await {
        Ok(registered) => {
            let details = registered.details;
            let status = if registered.recovered {
                Status::AlreadyRegistered
            } else {
                Status::Registered
            };
            let mut outcome = Outcome::new(&job.key, status, &job.source).with_irp(
                Some(details.irn),
                Some(details.ack_no.to_string()),
                Some(details.ack_dt),
            );
            if registered.recovered {
                outcome.errors = vec![Issue {
                    code: "2150".to_string(),
                    message:
                        "Duplicate IRN: the IRP already held this document; its registration was \
                              fetched and matched"
                            .to_string(),
                }];
            }
            outcome
        }
        Err(e) => from_error(job, &e),
    }
}

/// 2150 with DUPIRN: the IRP holds the document (a timed-out earlier attempt, or another tool).
fn from_error(job: &Job, error: &ClientError) -> Outcome {
    let errors = match error {
        ClientError::Nic { errors, .. } => errors
            .iter()
            .map(|e| Issue {
                code: e.code.clone(),
                message: e.message.clone(),
            })
            .collect(),
        other => vec![Issue {
            code: "CLIENT".to_string(),
            message: other.to_string(),
        }],
    };
    let duplicate = match error {
        ClientError::Nic {
            info: Some(info), ..
        } if error.has_nic_code("2150") => dupirn(info),
        _ => None,
    };
    let mut outcome = match duplicate {
        Some(desc) => Outcome::new(&job.key, Status::AlreadyRegistered, &job.source).with_irp(
            text_of(&desc["Irn"]),
            text_of(&desc["AckNo"]),
            text_of(&desc["AckDt"]),
        ),
        None => Outcome::new(&job.key, Status::Failed, &job.source),
    };
    outcome.errors = errors;
    outcome
}

/// The `Desc` of the DUPIRN entry of `InfoDtls`, which IRPs send as a list or as one object, with
/// `Desc` as an object or as JSON text.
fn dupirn(info: &Value) -> Option<Value> {
    let entries: Vec<&Value> = match info {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    let entry = entries.into_iter().find(|e| {
        e["InfCd"]
            .as_str()
            .is_some_and(|c| c.eq_ignore_ascii_case("DUPIRN"))
    })?;
    let desc = match &entry["Desc"] {
        Value::String(s) => serde_json::from_str(s).ok()?,
        other => other.clone(),
    };
    desc["Irn"].is_string().then_some(desc)
}

/// A string or number field as text (numbers keep their lexeme).
fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn failed(job: &Job, code: &str, message: &str) -> Outcome {
    let mut outcome = Outcome::new(&job.key, Status::Failed, &job.source);
    outcome.errors = vec![Issue {
        code: code.to_string(),
        message: message.to_string(),
    }];
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dupirn_is_found_in_a_list_or_an_object_with_desc_as_object_or_text() {
        let list = serde_json::json!([{"InfCd":"EWBPPD","Desc":"x"},{"InfCd":"DUPIRN","Desc":{"AckNo":112610000000001u64,"AckDt":"2026-11-20 10:00:00","Irn":"ab"}}]);
        assert_eq!(dupirn(&list).unwrap()["Irn"], "ab");
        let object = serde_json::json!({"InfCd":"DUPIRN","Desc":"{\"AckNo\":1,\"AckDt\":\"d\",\"Irn\":\"cd\"}"});
        assert_eq!(
            text_of(&dupirn(&object).unwrap()["AckNo"]).as_deref(),
            Some("1")
        );
        assert!(dupirn(&serde_json::json!([{"InfCd":"EWBPPD"}])).is_none());
    }
}
