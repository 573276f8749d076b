//! OpenIRP's own JSON API beside the NIC one (plain JSON, 4xx on bad input): validate without
//! registering, the error catalogue, and the INV-01 JSON Schema.

use crate::state::Shared;
use crate::validation::{Refused, check_invoice};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// `POST /api/v1/validate`: would this invoice be accepted? Nothing is registered. The optional header
/// `Gstin` names the sender (default: the document's seller).
pub async fn validate(State(state): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let Ok(payload) = std::str::from_utf8(&body) else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "the body is not UTF-8 text"})),
        )
            .into_response();
    };
    let caller = crate::nic::headers::header(&headers, "gstin").map(str::to_ascii_uppercase);
    match check_invoice(&state, caller.as_deref(), payload).await {
        Ok(accepted) => Json(json!({
            "valid": true,
            "irn": accepted.invoice.irn(),
            "errors": [],
            "warnings": accepted.warnings,
        }))
        .into_response(),
        Err(Refused::NotJson(e)) => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": format!("the body is not JSON: {e}")})),
        )
            .into_response(),
        Err(Refused::Findings { errors, warnings }) => {
            Json(json!({"valid": false, "errors": errors, "warnings": warnings})).into_response()
        }
        Err(Refused::Store(e)) => {
            tracing::error!(error = %e, "store failure");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"error": "the GSTIN master is unavailable; try again"})),
            )
                .into_response()
        }
    }
}

/// `GET /api/v1/errors`: every error and warning the engine can report, with cause and fix.
pub async fn error_catalogue() -> Response {
    Json(json!({"errors": openirp_rules::catalogue()})).into_response()
}

/// `GET /api/v1/schema/inv-01.json`: the INV-01 v1.1 JSON Schema (draft 2020-12).
pub async fn inv01_schema() -> Response {
    (
        [(header::CONTENT_TYPE, "application/schema+json")],
        openirp_model::INV01_JSON_SCHEMA,
    )
        .into_response()
}
