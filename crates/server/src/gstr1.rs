//! `GET /api/v1/gstr1?gstin=&period=MMYYYY`: the GSTR-1 sections the taxpayer's registered e-invoices
//! feed (see docs/GSTR1.md), as GSTN's JSON. Only the GSTIN's own API users may ask: the NIC session
//! headers authenticate, and the session's GSTIN must be the one asked for.

use crate::nic::session::authenticate;
use crate::registered::invoice_json;
use crate::state::Shared;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use openirp_gstr1::{Period, RegisteredDoc};
use serde_json::json;
use std::collections::HashMap;

/// The GSTR-1 of a GSTIN and month.
pub async fn gstr1(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    match gstr1_for(&state, &headers, &query).await {
        Ok(doc) => Json(doc).into_response(),
        Err((status, message)) => (status, Json(json!({"error": message}))).into_response(),
    }
}

async fn gstr1_for(
    state: &Shared,
    headers: &HeaderMap,
    query: &HashMap<String, String>,
) -> Result<openirp_gstr1::Gstr1, (StatusCode, String)> {
    let caller = authenticate(state, headers).await.map_err(|f| {
        let e = f.errors.first();
        let text = e.map_or(String::new(), |e| format!("{} {}", e.code, e.message));
        (StatusCode::UNAUTHORIZED, text)
    })?;
    let param = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let bad = |m: String| (StatusCode::BAD_REQUEST, m);
    let gstin = param("gstin")
        .ok_or_else(|| bad("gstin is required".into()))?
        .to_ascii_uppercase();
    let period = param("period").ok_or_else(|| bad("period (MMYYYY) is required".into()))?;
    let period = Period::parse(&period).map_err(|e| bad(e.to_string()))?;
    if gstin != caller.gstin().to_ascii_uppercase() {
        return Err((
            StatusCode::FORBIDDEN,
            format!("this session belongs to {}, not {gstin}", caller.gstin()),
        ));
    }
    let records = state
        .store
        .list_einvoices_for_period(&gstin, period.month, period.year)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "store failure");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "the store is unavailable; try again".to_string(),
            )
        })?;
    // Decoding a month of signed invoices takes a while (≈ 70 µs each): off the async workers.
    let build = move || {
        let docs = records
            .iter()
            .map(|r| {
                invoice_json(r)
                    .map(|invoice_json| RegisteredDoc {
                        invoice_json,
                        cancelled: r.status == "CNL",
                    })
                    .ok_or_else(|| unreadable(&r.irn))
            })
            .collect::<Result<Vec<_>, _>>()?;
        openirp_gstr1::build(&gstin, &period, &docs).map_err(|e| {
            tracing::error!(error = %e, "a registered e-invoice does not read back");
            (StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
        })
    };
    tokio::task::spawn_blocking(build).await.map_err(|_| {
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            "building the GSTR-1 failed".to_string(),
        )
    })?
}

/// A stored SignedInvoice that does not decode is damage to the store, not the caller's fault.
fn unreadable(irn: &str) -> (StatusCode, String) {
    tracing::error!(irn, "stored SignedInvoice does not decode");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        format!("the e-invoice {irn} could not be read back"),
    )
}
