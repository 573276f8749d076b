//! The GSTR-1 sections that e-invoices feed, built from the e-invoices the IRP registered for one
//! supplier and one return period: `b2b` (Tables 4A, 4B, 6B, 6C), `cdnr` (9B registered), `cdnur` (9B
//! exports), `exp` (6A), `hsn` (Table 12, split into `hsn_b2b`/`hsn_b2c`) and `doc_issue` (Table 13).
//!
//! The JSON shape and field names follow GSTN's GSTR-1 JSON as the returns offline tool and the GST
//! returns API use it; `docs/GSTR1.md` lists every field with its source and what is left out.
//! Amounts are summed exactly and rounded to two places (half away from zero) only when written.

mod build;
mod csv;
mod format;

pub use build::build;
pub use format::*;

use chrono::{Datelike, NaiveDate};
use std::fmt;

/// A return period `MMYYYY`, e.g. `"112026"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    pub month: u32,
    pub year: i32,
}

/// GST (and so GSTR-1) began in July 2017.
const FIRST_YEAR: i32 = 2017;

impl Period {
    /// Parses `MMYYYY`: exactly six ASCII digits, month `01`–`12`, year 2017 or later.
    pub fn parse(text: &str) -> Result<Period, Gstr1Error> {
        let bad = |reason: &'static str| Gstr1Error::BadPeriod {
            text: text.to_string(),
            reason,
        };
        if !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("must be digits only"));
        }
        if text.len() != 6 {
            return Err(bad("must be 6 digits"));
        }
        let month: u32 = text[..2].parse().map_err(|_| bad("must be digits only"))?;
        let year: i32 = text[2..].parse().map_err(|_| bad("must be digits only"))?;
        if !(1..=12).contains(&month) {
            return Err(bad("the month must be 01 to 12"));
        }
        if year < FIRST_YEAR {
            return Err(bad("the year must be 2017 or later"));
        }
        Ok(Period { month, year })
    }

    /// The period as GSTN's `fp` / `ret_period`: `MMYYYY`.
    pub fn as_fp(&self) -> String {
        format!("{:02}{:04}", self.month, self.year)
    }

    /// Whether `date` falls in this calendar month.
    pub fn contains(&self, date: NaiveDate) -> bool {
        date.year() == self.year && date.month() == self.month
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_fp())
    }
}

impl std::str::FromStr for Period {
    type Err = Gstr1Error;
    fn from_str(s: &str) -> Result<Period, Gstr1Error> {
        Period::parse(s)
    }
}

/// One registered e-invoice as the IRP holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredDoc {
    /// The INV-01 JSON object exactly as signed.
    pub invoice_json: String,
    /// Whether the IRN was cancelled.
    pub cancelled: bool,
}

/// Why a GSTR-1 could not be built.
#[derive(thiserror::Error, Debug)]
pub enum Gstr1Error {
    #[error("bad return period {text:?}: {reason} (expected MMYYYY, e.g. 112026)")]
    BadPeriod { text: String, reason: &'static str },
    /// `index` is the position in the `docs` slice; `doc` the document number when it could be read.
    #[error("registered document #{index} ({doc}) is not valid JSON: {source}")]
    InvoiceJson {
        index: usize,
        doc: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("registered document #{index} ({doc}) is not a valid INV-01 invoice: {errors}")]
    InvoiceSchema {
        index: usize,
        doc: String,
        errors: String,
    },
}
