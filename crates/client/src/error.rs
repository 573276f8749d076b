//! Errors of the NIC client.

use openirp_crypto::CryptoError;

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
}

impl ClientError {
    /// `true` if this is a NIC error carrying `code` (e.g. "2150" duplicate
    /// IRN, "1005" invalid token).
    pub fn has_nic_code(&self, code: &str) -> bool {
        matches!(self, ClientError::Nic { errors, .. } if errors.iter().any(|e| e.code == code))
    }
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
    }
}
