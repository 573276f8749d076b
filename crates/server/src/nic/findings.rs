//! Rule findings in NIC's envelope: errors become `ErrorDetails` (code and message, as NIC sends them);
//! warnings, which NIC has no slot for, travel as `InfoDtls` `ADDNLNFO` entries naming the field.

use super::codes;
use super::envelope::{ErrorDetail, Failure};
use crate::validation::Refused;
use openirp_rules::Finding;
use serde_json::{Value, json};

/// The NIC failure for a refused document.
pub fn refused(refusal: Refused) -> Failure {
    match refusal {
        Refused::Findings { errors, warnings } => {
            let failure = Failure::many(
                errors
                    .into_iter()
                    .map(|f| ErrorDetail {
                        code: f.code.to_string(),
                        message: f.message,
                    })
                    .collect(),
            );
            match info_of(warning_entries(&warnings)) {
                Some(info) => failure.with_info(info),
                None => failure,
            }
        }
        Refused::NotJson(e) => super::payload::not_json(&e),
        Refused::Store(e) => {
            tracing::error!(error = %e, "store failure");
            Failure::code(codes::APPLICATION_ERROR)
        }
    }
}

/// One `InfoDtls` `ADDNLNFO` entry per warning.
pub fn warning_entries(warnings: &[Finding]) -> Vec<Value> {
    warnings
        .iter()
        .map(|w| json!({"InfCd": "ADDNLNFO", "Desc": format!("Warning {} at {}: {}", w.code, w.pointer, w.message)}))
        .collect()
}

/// `InfoDtls` from its entries: `None` when there are none (NIC sends `null`, not `[]`).
pub fn info_of(entries: Vec<Value>) -> Option<Value> {
    (!entries.is_empty()).then_some(Value::Array(entries))
}
