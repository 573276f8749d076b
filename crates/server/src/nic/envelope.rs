//! NIC's response envelope: `{"Status":1,"Data":…,"ErrorDetails":null,"InfoDtls":null}` on success,
//! `Status` 0 with every error on failure. Business errors travel with HTTP 200, as NIC sends them.

use super::codes::Code;
use axum::Json;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;
use serde_json::value::RawValue;

/// One entry of `ErrorDetails`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorDetail {
    #[serde(rename = "ErrorCode")]
    pub code: String,
    #[serde(rename = "ErrorMessage")]
    pub message: String,
}

#[derive(Serialize)]
struct Envelope {
    #[serde(rename = "Status")]
    status: u8,
    #[serde(rename = "Data")]
    data: Option<Box<RawValue>>,
    #[serde(rename = "ErrorDetails")]
    errors: Option<Vec<ErrorDetail>>,
    #[serde(rename = "InfoDtls")]
    info: Option<Value>,
}

/// A successful answer.
#[derive(Debug)]
pub struct Success {
    /// `Data` as JSON text (a raw value keeps the member order NIC uses).
    data: Box<RawValue>,
    info: Option<Value>,
}

impl Success {
    /// `Data` is the response JSON encrypted with the session key (every API but auth).
    pub fn encrypted(sek: &[u8; 32], json: &[u8]) -> Self {
        let text = openirp_crypto::aes_encrypt_b64(sek, json);
        Success::raw(serde_json::to_string(&text).unwrap_or_default())
    }

    /// `Data` is a plain object (the auth API), serialised in field order.
    pub fn plain<T: Serialize>(data: &T) -> Self {
        Success::raw(serde_json::to_string(data).unwrap_or_default())
    }

    fn raw(json: String) -> Self {
        let data = RawValue::from_string(json).unwrap_or_else(|_| RawValue::NULL.to_owned());
        Success { data, info: None }
    }

    /// Adds `InfoDtls`.
    pub fn with_info(mut self, info: Value) -> Self {
        self.info = Some(info);
        self
    }
}

impl IntoResponse for Success {
    fn into_response(self) -> Response {
        Json(Envelope {
            status: 1,
            data: Some(self.data),
            errors: None,
            info: self.info,
        })
        .into_response()
    }
}

/// A failed answer: NIC codes, and optionally `InfoDtls` (for example the original IRN of a duplicate).
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub errors: Vec<ErrorDetail>,
    pub info: Option<Value>,
}

impl Failure {
    /// A failure with one NIC error.
    pub fn code(code: Code) -> Self {
        Failure::new(code.0, code.1)
    }

    /// A failure with one error of any code and message.
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Failure {
            errors: vec![ErrorDetail {
                code: code.to_string(),
                message: message.into(),
            }],
            info: None,
        }
    }

    /// A failure carrying several errors at once.
    pub fn many(errors: Vec<ErrorDetail>) -> Self {
        Failure { errors, info: None }
    }

    /// Adds `InfoDtls`.
    pub fn with_info(mut self, info: Value) -> Self {
        self.info = Some(info);
        self
    }

    /// Adds a plain-language explanation as `InfoDtls` `ADDNLNFO`, keeping NIC's code and message intact.
    pub fn explained(self, why: impl Into<String>) -> Self {
        let why: String = why.into();
        self.with_info(serde_json::json!([{"InfCd": "ADDNLNFO", "Desc": why}]))
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        crate::metrics::nic_errors(&self.errors);
        Json(Envelope {
            status: 0,
            data: None,
            errors: Some(self.errors),
            info: self.info,
        })
        .into_response()
    }
}

/// What every NIC handler returns.
pub type NicResult = Result<Success, Failure>;
