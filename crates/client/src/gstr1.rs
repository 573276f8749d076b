//! GSTR-1 from the IRP: `GET /api/v1/gstr1?gstin=G&period=MMYYYY` with the session headers. The
//! answer is plain JSON (not encrypted): the GSTR-1 document of the e-invoices of that month.

use std::sync::Arc;

use serde_json::Value;

use crate::auth::Session;
use crate::client::snippet;
use crate::envelope::parse_envelope;
use crate::wire::percent_encode;
use crate::{ClientError, NicClient};

/// The GSTR-1 endpoint.
pub const GSTR1_PATH: &str = "/api/v1/gstr1";
/// The IRP's "Invalid Token".
const INVALID_TOKEN: &str = "1005";

/// `/api/v1/gstr1?gstin=..&period=..`.
pub fn gstr1_path(gstin: &str, period: &str) -> String {
    format!(
        "{GSTR1_PATH}?gstin={}&period={}",
        percent_encode(gstin),
        percent_encode(period)
    )
}

impl NicClient {
    /// The GSTR-1 of `gstin` (the caller's own) for `period` (`MMYYYY`, e.g. `112026`) as JSON:
    /// `{"gstin","fp","b2b","cdnr","exp","hsn","doc_issue",..}`. A refusal (400 bad period or
    /// GSTIN, 401, 403 not the caller's GSTIN) is [`ClientError::Status`] with the server's
    /// `error` text as the snippet. With session renewal on, a 401 or a 1005 makes one login and one
    /// retry.
    pub async fn gstr1(&self, gstin: &str, period: &str) -> Result<Value, ClientError> {
        let path = gstr1_path(gstin, period);
        let path = path.as_str();
        self.call_renewing_if(
            |session| self.gstr1_once(path, session),
            |err| {
                err.has_nic_code(INVALID_TOKEN)
                    || matches!(err, ClientError::Status { status: 401, .. })
            },
        )
        .await
    }

    async fn gstr1_once(&self, path: &str, session: Arc<Session>) -> Result<Value, ClientError> {
        let response = self
            .with_session_headers(self.raw_http().get(self.url(path)), &session)
            .send()
            .await?;
        let status = response.status();
        let body = response.bytes().await?;
        if status.is_success() {
            return serde_json::from_slice(&body).map_err(|e| {
                ClientError::Protocol(format!(
                    "GSTR-1 answer is not JSON: {e}: {}",
                    snippet(&body)
                ))
            });
        }
        Err(gstr1_error(status.as_u16(), &body))
    }
}

/// A refusal: a NIC envelope if the server sent one, else the HTTP status with `{"error": ..}`.
fn gstr1_error(status: u16, body: &[u8]) -> ClientError {
    if let Ok(envelope) = parse_envelope(body)
        && envelope.status == 0
    {
        return ClientError::Nic {
            errors: envelope.errors,
            info: envelope.info,
        };
    }
    let message = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.get("error").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| snippet(body));
    ClientError::Status {
        status,
        snippet: message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_and_refusals() {
        assert_eq!(
            gstr1_path("29AAACL0711T1ZJ", "112026"),
            "/api/v1/gstr1?gstin=29AAACL0711T1ZJ&period=112026"
        );
        let err = gstr1_error(400, br#"{"error":"period must be MMYYYY"}"#);
        assert_eq!(err.to_string(), "HTTP 400: period must be MMYYYY");
        assert!(matches!(
            gstr1_error(403, b"forbidden"),
            ClientError::Status { status: 403, ref snippet } if snippet == "forbidden"
        ));
        let err = gstr1_error(
            401,
            br#"{"Status":0,"ErrorDetails":[{"ErrorCode":"1005","ErrorMessage":"Invalid Token"}]}"#,
        );
        assert!(err.has_nic_code("1005"));
    }
}
