//! `POST /eicore/v1.03/Invoice/Cancel` (also `/eicore/v1.03/Cancel`): cancel an IRN within 24 hours of
//! its acknowledgement. The store's conditional update makes concurrent cancels safe: one wins.

use super::codes;
use super::envelope::{Failure, NicResult, Success};
use super::payload::{decrypt_json, envelope_data, member, read_body};
use super::session::authenticate;
use crate::state::Shared;
use axum::body::Body;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use openirp_model::irn::is_irn_shape;
use openirp_model::time::format_ist_minute;
use openirp_store::CancelOutcome;
use serde::Serialize;
use serde_json::Value;

const CANCEL_WINDOW_SECS: i64 = 24 * 3600;

#[derive(Serialize)]
struct Cancelled<'a> {
    #[serde(rename = "Irn")]
    irn: &'a str,
    #[serde(rename = "CancelDate")]
    cancel_date: String,
}

/// A cancel request after its checks.
struct CancelRequest {
    irn: String,
    reason: String,
    remark: String,
}

/// Cancel IRN.
pub async fn cancel(State(state): State<Shared>, headers: HeaderMap, body: Body) -> Response {
    cancel_irn(&state, &headers, body).await.into_response()
}

async fn cancel_irn(state: &Shared, headers: &HeaderMap, body: Body) -> NicResult {
    let caller = authenticate(state, headers).await?;
    let bytes = read_body(body, state.config.max_body_bytes).await?;
    let request = parse_request(&decrypt_json(caller.sek(), &envelope_data(&bytes)?)?)?;
    let app_error = |e: openirp_store::StoreError| {
        tracing::error!(error = %e, "store failure");
        Failure::code(codes::APPLICATION_ERROR)
    };
    let record = state
        .store
        .get_einvoice(&request.irn)
        .await
        .map_err(app_error)?;
    let record = record.ok_or(Failure::code(codes::IRN_NOT_FOUND))?;
    if !record.seller_gstin.eq_ignore_ascii_case(caller.gstin()) {
        return Err(Failure::code(codes::NOT_OWNER));
    }
    if record.status != "ACT" {
        return Err(Failure::code(codes::INVOICE_NOT_ACTIVE));
    }
    let now = state.now();
    if now > record.ack_dt + CANCEL_WINDOW_SECS {
        return Err(Failure::code(codes::CANCEL_TIME_LIMIT));
    }
    match state
        .store
        .cancel_einvoice(&request.irn, &request.reason, &request.remark, now)
        .await
        .map_err(app_error)?
    {
        CancelOutcome::Cancelled(r) => {
            let json = serde_json::to_vec(&Cancelled {
                irn: &r.irn,
                cancel_date: format_ist_minute(now),
            })
            .map_err(|_| Failure::code(codes::APPLICATION_ERROR))?;
            Ok(Success::encrypted(caller.sek(), &json))
        }
        CancelOutcome::NotActive(_) => Err(Failure::code(codes::INVOICE_NOT_ACTIVE)),
        CancelOutcome::EwbActive(_) => Err(Failure::code(codes::EWB_BLOCKS_CANCEL)),
        CancelOutcome::NotFound => Err(Failure::code(codes::IRN_NOT_FOUND)),
    }
}

/// `{"Irn","CnlRsn","CnlRem"}`, keys in any case; `CnlRsn` 1–4 as a string or a number.
fn parse_request(payload: &Value) -> Result<CancelRequest, Failure> {
    let Value::Object(map) = payload else {
        return Err(Failure::code(codes::INCOMPLETE_PARAMETERS)
            .explained("The payload must be a JSON object."));
    };
    let text = |name: &str| match member(map, name) {
        Some(Value::String(s)) => Some(s.trim().to_string()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let (Some(irn), Some(reason), Some(remark)) = (text("Irn"), text("CnlRsn"), text("CnlRem"))
    else {
        return Err(Failure::code(codes::INCOMPLETE_PARAMETERS)
            .explained("Irn, CnlRsn and CnlRem are required."));
    };
    let irn = irn.to_ascii_lowercase();
    if !is_irn_shape(&irn) {
        return Err(Failure::code(codes::IRN_INVALID));
    }
    if !openirp_model::masters::CANCEL_REASONS
        .iter()
        .any(|(code, _)| *code == reason)
    {
        return Err(Failure::new(
            codes::SCHEMA_INVALID,
            "CnlRsn: must be 1 (Duplicate), 2 (Data entry mistake), 3 (Order cancelled) or 4 (Others)",
        ));
    }
    let len = remark.chars().count();
    if !(1..=100).contains(&len) {
        return Err(Failure::new(
            codes::SCHEMA_INVALID,
            format!("CnlRem: must be 1 to 100 characters long (got {len})"),
        ));
    }
    Ok(CancelRequest {
        irn,
        reason,
        remark,
    })
}
