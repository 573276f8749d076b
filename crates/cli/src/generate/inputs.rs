//! What `generate` reads: inputs expanded to files, files to documents, documents checked offline.

use chrono::NaiveDate;
use openirp_bulk::{DocKey, Issue, Outcome, Status};
use openirp_rules::{Context, Severity};
use serde_json::value::RawValue;
use std::path::{Path, PathBuf};

/// A document read from an input, not yet checked.
pub struct Pending {
    /// Known from the columns of a bulk file; from the JSON otherwise.
    pub key: Option<DocKey>,
    /// Where it is in its file: `rows 2-4` or `#0`.
    pub source: String,
    /// The INV-01 text, or why it could not be built.
    pub text: Result<String, Vec<Issue>>,
}

/// A checked document.
pub enum Checked {
    Invalid(Outcome),
    Ready {
        key: DocKey,
        source: String,
        text: String,
    },
}

/// Files to read: folders become their *.json, *.csv and *.xlsx files (results files left out).
pub fn expand(inputs: &[PathBuf]) -> (Vec<PathBuf>, Vec<(PathBuf, String)>) {
    let mut files = Vec::new();
    let mut unreadable = Vec::new();
    for input in inputs {
        if !input.is_dir() {
            files.push(input.clone());
            continue;
        }
        match std::fs::read_dir(input) {
            Ok(entries) => {
                let mut found: Vec<PathBuf> = entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.is_file() && is_input_file(p))
                    .collect();
                found.sort();
                files.extend(found);
            }
            Err(e) => unreadable.push((input.clone(), e.to_string())),
        }
    }
    (files, unreadable)
}

fn is_input_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    (name.ends_with(".json") && !name.ends_with(".results.json"))
        || openirp_bulk::is_bulk_file(path)
}

/// The documents of one file; an error when the file as a whole cannot be read.
pub fn load(path: &Path) -> Result<Vec<Pending>, String> {
    if openirp_bulk::is_bulk_file(path) {
        return load_bulk(path);
    }
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let raw: Box<RawValue> =
        serde_json::from_str(&text).map_err(|e| format!("not valid JSON: {e}"))?;
    let texts: Vec<String> = if raw.get().starts_with('[') {
        let items: Vec<Box<RawValue>> =
            serde_json::from_str(raw.get()).map_err(|e| format!("not valid JSON: {e}"))?;
        items.into_iter().map(|r| r.get().to_string()).collect()
    } else {
        vec![raw.get().to_string()]
    };
    Ok(texts
        .into_iter()
        .enumerate()
        .map(|(i, text)| Pending {
            key: None,
            source: format!("#{i}"),
            text: Ok(text),
        })
        .collect())
}

fn load_bulk(path: &Path) -> Result<Vec<Pending>, String> {
    let documents = openirp_bulk::read_documents(path).map_err(|e| e.to_string())?;
    Ok(documents
        .into_iter()
        .map(|doc| Pending {
            source: rows_label(&doc.rows),
            key: Some(doc.key),
            text: doc.json.map_err(|errors| {
                errors
                    .into_iter()
                    .map(|e| Issue {
                        code: "ROW".to_string(),
                        message: e.to_string(),
                    })
                    .collect()
            }),
        })
        .collect())
}

fn rows_label(rows: &[usize]) -> String {
    match (rows.first(), rows.last()) {
        (Some(a), Some(b)) if a == b => format!("row {a}"),
        (Some(a), Some(b)) => format!("rows {a}-{b}"),
        _ => String::new(),
    }
}

/// Schema and rules offline, as `openirp validate` does: errors make the document INVALID.
pub fn check(pending: Pending, caller_gstin: &str, today: NaiveDate) -> Checked {
    let Pending { key, source, text } = pending;
    let text = match text {
        Ok(t) => t,
        Err(issues) => {
            return invalid(
                key.unwrap_or_else(|| DocKey::new("", "", "")),
                &source,
                issues,
            );
        }
    };
    let fallback = || key.clone().unwrap_or_else(|| key_from_json(&text));
    let invoice = match openirp_rules::check_schema_text(&text) {
        Err(e) => {
            return invalid(
                fallback(),
                &source,
                vec![Issue {
                    code: "2140".into(),
                    message: format!("not valid JSON: {e}"),
                }],
            );
        }
        Ok(Err(findings)) => return invalid(fallback(), &source, issues_of(&findings)),
        Ok(Ok((_, invoice))) => invoice,
    };
    let key = key
        .unwrap_or_else(|| DocKey::new(&invoice.doc_type, &invoice.doc_no, &invoice.doc_date_text));
    let mut ctx = Context::offline(today);
    ctx.caller_gstin = caller_gstin;
    let findings = openirp_rules::validate(&invoice, &ctx);
    let errors: Vec<_> = findings
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    if errors.is_empty() {
        Checked::Ready { key, source, text }
    } else {
        invalid(key, &source, issues_of(&errors))
    }
}

fn issues_of(findings: &[openirp_rules::Finding]) -> Vec<Issue> {
    findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| Issue {
            code: f.code.to_string(),
            message: if f.pointer.is_empty() {
                f.message.clone()
            } else {
                format!("{}: {}", f.pointer, f.message)
            },
        })
        .collect()
}

fn invalid(key: DocKey, source: &str, errors: Vec<Issue>) -> Checked {
    let mut outcome = Outcome::new(&key, Status::Invalid, source);
    outcome.errors = errors;
    Checked::Invalid(outcome)
}

/// The document's type, number and date as far as a schema-invalid JSON text gives them.
fn key_from_json(text: &str) -> DocKey {
    let value: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
    let field = |k: &str| {
        value
            .pointer(&format!("/DocDtls/{k}"))
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string()
    };
    DocKey::new(&field("Typ"), &field("No"), &field("Dt"))
}
