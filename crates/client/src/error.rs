//! Errors of the NIC client.

use openirp_crypto::CryptoError;
use serde_json::Value;

use crate::envelope::get_ci;
use crate::types::{DuplicateIrn, int_of};

/// One entry of NIC's `ErrorDetails`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NicError {
    /// NIC error code, e.g. "2150" (always kept as a string, as NIC sends it).
    pub code: String,
    pub message: String,
}

/// Everything a NIC call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// Transport failure (connect, TLS, timeout, body read).
    #[error("HTTP: {0}")]
    Http(#[from] reqwest::Error),

    /// The IRP answered `Status 0`. `info` is `InfoDtls` (e.g. the `DUPIRN`
    /// details that come with error 2150).
    #[error("NIC error {}", display_nic_errors(errors))]
    Nic {
        errors: Vec<NicError>,
        info: Option<serde_json::Value>,
    },

    /// The response did not have the expected shape (not an envelope, bad
    /// base64 or AES in `Data`, missing fields, non-2xx without an envelope).
    #[error("protocol: {0}")]
    Protocol(String),

    /// A call that needs a session was made before [`crate::NicClient::authenticate`].
    #[error("not authenticated: call authenticate() first")]
    NotAuthenticated,

    /// Local crypto failure (bad public key PEM, credentials too long for RSA, ...).
    #[error("crypto: {0}")]
    Crypto(#[from] CryptoError),

    /// A non-2xx HTTP answer without a NIC envelope (a gateway's 502/503/504 page, ...).
    #[error("HTTP {status}: {snippet}")]
    Status { status: u16, snippet: String },

    /// Generate IRN answered 2150, but the IRN already registered for this document number holds a
    /// different invoice: the document number was reused. The new invoice has no IRN.
    #[error("document already has IRN {irn} for a different invoice (differs in: {})", differences.join(", "))]
    DuplicateMismatch {
        irn: String,
        /// The fields that differ, e.g. `ValDtls.TotInvVal: 1180 != 1200`.
        differences: Vec<String>,
    },
}

impl ClientError {
    /// `true` if this is a NIC error carrying `code` (e.g. "2150" duplicate
    /// IRN, "1005" invalid token).
    pub fn has_nic_code(&self, code: &str) -> bool {
        matches!(self, ClientError::Nic { errors, .. } if errors.iter().any(|e| e.code == code))
    }

    /// The NIC error codes of a `Status 0` answer (empty for other errors).
    pub fn nic_codes(&self) -> Vec<&str> {
        match self {
            ClientError::Nic { errors, .. } => errors.iter().map(|e| e.code.as_str()).collect(),
            _ => Vec::new(),
        }
    }

    /// `InfoDtls` of a `Status 0` answer.
    pub fn info(&self) -> Option<&Value> {
        match self {
            ClientError::Nic { info, .. } => info.as_ref(),
            _ => None,
        }
    }

    /// The existing acknowledgement NIC attaches to error 2150 (`InfCd` `DUPIRN`), whether
    /// `InfoDtls` is an array or a single entry and `Desc` an object or a JSON string.
    pub fn duplicate_irn_info(&self) -> Option<DuplicateIrn> {
        let info = self.info()?;
        let entries = match info {
            Value::Array(items) => items.as_slice(),
            single => std::slice::from_ref(single),
        };
        entries.iter().find_map(dupirn_of)
    }
}

fn dupirn_of(entry: &Value) -> Option<DuplicateIrn> {
    let Value::Object(entry) = entry else {
        return None;
    };
    let code = get_ci(entry, "InfCd")?.as_str()?;
    if !code.trim().eq_ignore_ascii_case("DUPIRN") {
        return None;
    }
    let desc = match get_ci(entry, "Desc")? {
        Value::String(text) => serde_json::from_str(text).ok()?,
        other => other.clone(),
    };
    let Value::Object(desc) = desc else {
        return None;
    };
    let irn = get_ci(&desc, "Irn")?.as_str()?.trim().to_owned();
    (!irn.is_empty()).then(|| DuplicateIrn {
        irn,
        ack_no: get_ci(&desc, "AckNo").and_then(int_of),
        ack_dt: get_ci(&desc, "AckDt")
            .and_then(Value::as_str)
            .map(str::to_owned),
    })
}

fn display_nic_errors(errors: &[NicError]) -> String {
    if errors.is_empty() {
        return "(Status 0 without ErrorDetails)".to_owned();
    }
    errors
        .iter()
        .map(|e| format!("{}: {}", e.code, e.message))
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nic_error_display_lists_every_code_and_has_nic_code_matches() {
        let err = ClientError::Nic {
            errors: vec![
                NicError {
                    code: "2182".into(),
                    message: "A".into(),
                },
                NicError {
                    code: "2189".into(),
                    message: "B".into(),
                },
            ],
            info: None,
        };
        assert_eq!(err.to_string(), "NIC error 2182: A; 2189: B");
        assert!(err.has_nic_code("2189"));
        assert!(!err.has_nic_code("2150"));
        assert!(!ClientError::NotAuthenticated.has_nic_code("2189"));
        assert_eq!(err.nic_codes(), ["2182", "2189"]);
        assert!(ClientError::NotAuthenticated.nic_codes().is_empty());
    }

    fn duplicate(info: Value) -> ClientError {
        ClientError::Nic {
            errors: vec![NicError {
                code: "2150".into(),
                message: "Duplicate IRN".into(),
            }],
            info: Some(info),
        }
    }

    #[test]
    fn dupirn_info_is_read_in_every_shape_nic_sends() {
        let expected = DuplicateIrn {
            irn: "706daecc".into(),
            ack_no: Some(232210036743849),
            ack_dt: Some("2023-10-02 16:26:00".into()),
        };
        let desc = serde_json::json!({"AckNo":232210036743849_i64,"AckDt":"2023-10-02 16:26:00","Irn":"706daecc"});
        for info in [
            serde_json::json!([{"InfCd":"EWBPPD","Desc":"x"},{"InfCd":"DUPIRN","Desc":desc}]),
            serde_json::json!({"infcd":"DUPIRN","desc":desc}),
            serde_json::json!([{"InfCd":"DUPIRN","Desc":desc.to_string()}]),
        ] {
            let err = duplicate(info);
            assert_eq!(err.duplicate_irn_info(), Some(expected.clone()));
            assert!(err.info().is_some());
        }
        assert_eq!(
            duplicate(serde_json::json!([{"InfCd":"DUPIRN","Desc":{"Irn":""}}]))
                .duplicate_irn_info(),
            None
        );
        assert_eq!(
            duplicate(serde_json::json!("text")).duplicate_irn_info(),
            None
        );
        assert_eq!(ClientError::NotAuthenticated.duplicate_irn_info(), None);
    }
}
