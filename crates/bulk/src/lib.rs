//! Turns taxpayers' spreadsheets (CSV, Excel .xlsx) into INV-01 documents, and keeps the ledger of a
//! bulk run so that a rerun after a crash registers nothing twice. The column layout is in
//! [`layout::COLUMNS`] and in this crate's README.

pub mod convert;
pub mod layout;
pub mod ledger;
pub mod sheet;

pub use convert::{CellError, DocKey, SheetDocument, documents, is_json_number};
pub use ledger::{Issue, Ledger, LedgerPaths, Outcome, Status};

use std::path::Path;

/// A bulk file that cannot be read at all (a bad cell fails only its document, see [`CellError`]).
#[derive(Debug, thiserror::Error)]
pub enum BulkError {
    #[error("{0}: {1}")]
    Io(String, #[source] std::io::Error),
    #[error("CSV: {0}")]
    Csv(String),
    #[error("Excel: {0}")]
    Excel(String),
    #[error("unknown column {0:?} (see the bulk column layout)")]
    UnknownColumn(String),
    #[error("column {0:?} appears twice")]
    DuplicateColumn(String),
    #[error("required column(s) missing: {}", .0.join(", "))]
    MissingColumns(Vec<String>),
    #[error("ledger: {0}")]
    Ledger(String),
    #[error("{0}: not a bulk file (expected .csv or .xlsx)")]
    UnknownFormat(String),
}

/// `true` for the file names this crate reads.
pub fn is_bulk_file(path: &Path) -> bool {
    matches!(extension(path).as_deref(), Some("csv" | "xlsx"))
}

/// The documents of a .csv or .xlsx file.
pub fn read_documents(path: &Path) -> Result<Vec<SheetDocument>, BulkError> {
    let sheet = match extension(path).as_deref() {
        Some("csv") => sheet::read_csv(path)?,
        Some("xlsx") => sheet::read_xlsx(path)?,
        _ => return Err(BulkError::UnknownFormat(path.display().to_string())),
    };
    documents(&sheet)
}

fn extension(path: &Path) -> Option<String> {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
}
