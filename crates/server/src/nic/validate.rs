//! `POST /eicore/v1.03/Invoice/Validate`: the Generate IRN request, checked but not registered, through
//! the same encrypted envelope (an OpenIRP extension; NIC has no such call). Valid: `Status` 1 and the IRN
//! the document would get; invalid: `Status` 0 with every error, exactly as Generate IRN would answer.

use super::codes;
use super::envelope::{Failure, NicResult, Success};
use super::findings::{info_of, refused, warning_entries};
use super::payload::{decrypt_text, envelope_data, read_body};
use super::session::{Caller, authenticate};
use crate::state::Shared;
use crate::validation::{Accepted, check_invoice};
use axum::body::Body;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

#[derive(Serialize)]
struct Verdict {
    #[serde(rename = "Valid")]
    valid: bool,
    #[serde(rename = "Irn")]
    irn: String,
}

/// Validate only.
pub async fn validate(State(state): State<Shared>, headers: HeaderMap, body: Body) -> Response {
    validate_invoice(&state, &headers, body)
        .await
        .into_response()
}

/// Authenticates the caller, decrypts the INV-01 payload and runs the whole engine on it: the part
/// Generate IRN and Validate share.
pub async fn checked_invoice(
    state: &Shared,
    headers: &HeaderMap,
    body: Body,
) -> Result<(Caller, Accepted), Failure> {
    let caller = authenticate(state, headers).await?;
    let bytes = read_body(body, state.config.max_body_bytes).await?;
    let payload = decrypt_text(caller.sek(), &envelope_data(&bytes)?)?;
    let accepted = check_invoice(state, Some(caller.gstin()), &payload)
        .await
        .map_err(refused)?;
    Ok((caller, accepted))
}

async fn validate_invoice(state: &Shared, headers: &HeaderMap, body: Body) -> NicResult {
    let (caller, accepted) = checked_invoice(state, headers, body).await?;
    let json = serde_json::to_vec(&Verdict {
        valid: true,
        irn: accepted.invoice.irn(),
    })
    .map_err(|_| Failure::code(codes::APPLICATION_ERROR))?;
    let reply = Success::encrypted(caller.sek(), &json);
    Ok(match info_of(warning_entries(&accepted.warnings)) {
        Some(info) => reply.with_info(info),
        None => reply,
    })
}
